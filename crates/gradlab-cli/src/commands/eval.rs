//! `gradlab eval --model M --data FILE [--json]`: a saved model's metrics
//! on labelled data, with the same names and JSON keys as `train`.
//!
//! The model's columns are found by name: their order in the file does not
//! matter, and other columns are ignored with a note naming them. A missing
//! column, a class the model never saw, or a target column of the other
//! task is an error naming it.

use crate::output::Console;
use crate::parse;
use crate::report::{self, MetricsColumn};
use crate::settings_args::CsvArgs;
use clap::Args;
use gradlab::data::csv::Table;
use gradlab::data::task::Task;
use gradlab::metrics::Metrics;
use gradlab::model::{AnyModel, ModelInfo};
use serde::Serialize;
use std::path::PathBuf;

/// Arguments of `gradlab eval`.
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// The model file (.safetensors) written by `gradlab train`.
    #[arg(long, value_name = "FILE")]
    model: PathBuf,
    /// CSV with the model's input columns and its target column, or - for stdin.
    #[arg(long, value_name = "FILE")]
    data: PathBuf,
    /// Print one JSON object on stdout instead of the text report.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    csv: CsvArgs,
}

/// What `eval --json` prints; `metrics` has the keys of `train --json`'s
/// `train` and `test`.
#[derive(Serialize)]
struct EvalJson<'a> {
    task: Task,
    architecture: String,
    parameters: usize,
    rows: usize,
    metrics: &'a Metrics,
}

/// Runs `gradlab eval`.
pub fn run(args: EvalArgs, console: &Console) -> anyhow::Result<()> {
    let model = super::load_model(&args.model)?;
    let table = args.csv.read(&args.data)?;
    let dataset = model
        .dataset_from_table(&table)
        .map_err(|err| args.csv.explained_for_model(err, model.info()))?;
    note_unused_columns(console, &table, model.info());
    let metrics = model.evaluate(&dataset)?;
    if args.json {
        report::print_json(&EvalJson {
            task: model.info().task,
            architecture: model.info().architecture.to_string(),
            parameters: model.parameter_count(),
            rows: dataset.rows(),
            metrics: &metrics,
        })
    } else {
        report::print_text(&eval_text(&model, dataset.rows(), &metrics))
    }
}

/// Columns of `table` that the model neither takes nor predicts.
fn unused_columns<'t>(table: &'t Table, info: &ModelInfo) -> Vec<&'t str> {
    table
        .column_names()
        .into_iter()
        .filter(|name| *name != info.target_column && !info.input_columns.iter().any(|c| c == name))
        .collect()
}

fn note_unused_columns(console: &Console, table: &Table, info: &ModelInfo) {
    let unused = unused_columns(table, info);
    if !unused.is_empty() {
        console.note(format!(
            "note: ignoring columns the model does not use: {}",
            unused.join(", ")
        ));
    }
}

fn eval_text(model: &AnyModel, rows: usize, metrics: &Metrics) -> String {
    let info = model.info();
    let mut text = format!(
        "{} of {}: {}, {} parameters\n\n",
        parse::serde_name(&info.task),
        info.target_column,
        info.architecture,
        model.parameter_count(),
    );
    text.push_str(&report::metrics_table(&[MetricsColumn {
        heading: "data",
        rows,
        metrics,
    }]));
    if let Metrics::Classification(m) = metrics {
        text.push_str("\nconfusion matrix (rows: true class, columns: predicted)\n");
        text.push_str(&report::confusion_table(m, ""));
    }
    text
}
