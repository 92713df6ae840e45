//! `gradlab predict`: a saved model's predictions, for every row of a CSV
//! file (`--data`) or for one case given on the command line (`--input`).
//!
//! The CSV output is the input rows with every original column (numbers
//! written as [`round_trip_text`] does: the shortest text that reads back
//! to the same value, `38.25` or `1e300`; text as read, cells that were not
//! numbers in a numeric column left empty) and then `predicted_<target>`:
//! the value in the target's units, or the class name followed by one
//! `p_<label>` probability column per class, written the same way.
//!
//! The model's input columns are found by name, in any order; a missing one
//! is an error naming it, and columns the model does not use are copied
//! through with a note naming them.

use crate::output::{self, Console};
use crate::parse::{self, InputCase};
use crate::report;
use crate::settings_args::CsvArgs;
use clap::{ArgGroup, Args};
use gradlab::data::csv::{Column, ColumnValues, Table};
use gradlab::float_text::round_trip_text;
use gradlab::model::{ModelInfo, Predictions};
use gradlab::Precision;
use std::io::{self, Write};
use std::path::PathBuf;

/// Arguments of `gradlab predict`.
#[derive(Debug, Args)]
#[command(group(ArgGroup::new("cases").required(true).args(["data", "input"])))]
pub struct PredictArgs {
    /// The model file (.safetensors) written by `gradlab train`.
    #[arg(long, value_name = "FILE")]
    model: PathBuf,
    /// CSV holding the model's input columns (other columns are copied
    /// through; the target may be absent), or - for stdin.
    #[arg(long, value_name = "FILE")]
    data: Option<PathBuf>,
    /// One case as column=value pairs, e.g. temp_c=39.5,dose_mg=500.
    #[arg(long, value_name = "COL=VALUE,...", value_parser = parse::input_case)]
    input: Option<InputCase>,
    /// Where to write the rows with predictions (- for stdout) [default: -].
    #[arg(long, value_name = "FILE", conflicts_with = "input")]
    out: Option<PathBuf>,
    #[command(flatten)]
    csv: CsvArgs,
}

/// Runs `gradlab predict`.
pub fn run(args: PredictArgs, console: &Console) -> anyhow::Result<()> {
    let model = super::load_model(&args.model)?;
    match (&args.data, &args.input) {
        (_, Some(case)) => {
            let table = case_table(case)?;
            let predictions = model
                .predict_table(&table)
                .map_err(|err| args.csv.explained_for_model(err, model.info()))?;
            note_unused_keys(console, &table, model.info());
            report::print_text(&format!("{}\n", sentence(model.info(), &predictions)))
        }
        (Some(data), None) => {
            let table = args.csv.read(data)?;
            let predictions = model
                .predict_table(&table)
                .map_err(|err| args.csv.explained_for_model(err, model.info()))?;
            note_unused_columns(console, &table, model.info());
            let added = added_columns(model.info());
            note_replaced_columns(console, &table, &added);
            let out = args.out.unwrap_or_else(|| PathBuf::from("-"));
            let info = model.info();
            output::write_to(&out, |w| write_rows(w, &table, info, &predictions))?;
            if !output::is_dash(&out) {
                console.note(format!(
                    "{} predictions written to {}",
                    table.rows(),
                    out.display()
                ));
            }
            Ok(())
        }
        (None, None) => unreachable!("clap requires --data or --input"),
    }
}

/// The one-row table of `--input`, named `--input` in errors; cells that
/// look like numbers become numbers, as when reading a file.
fn case_table(case: &InputCase) -> anyhow::Result<Table> {
    let columns = case
        .0
        .iter()
        .map(|(name, value)| Column {
            name: name.clone(),
            values: ColumnValues::Text(vec![value.clone()]),
        })
        .collect();
    Ok(Table::from_columns("--input", columns)?)
}

fn note_unused_keys(console: &Console, table: &Table, info: &ModelInfo) {
    let unused: Vec<&str> = table
        .column_names()
        .into_iter()
        .filter(|name| !info.input_columns.iter().any(|c| c == name))
        .collect();
    if !unused.is_empty() {
        console.note(format!(
            "note: ignoring values the model does not take: {} (its inputs: {})",
            unused.join(", "),
            info.input_columns.join(", ")
        ));
    }
}

/// `temp_2h_c = 37.93`, or
/// `status_2h = elevated (p: elevated 0.81, fever 0.12, normal 0.07)`.
fn sentence(info: &ModelInfo, predictions: &Predictions) -> String {
    match predictions {
        Predictions::Regression(values) => {
            format!("{} = {}", info.target_column, report::human(values[0]))
        }
        Predictions::Classification {
            probabilities,
            classes,
        } => {
            let mut ranked: Vec<(&String, f64)> = info
                .labels
                .iter()
                .zip(probabilities.row(0).iter().copied())
                .collect();
            ranked.sort_by(|a, b| b.1.total_cmp(&a.1));
            let listed: Vec<String> = ranked.iter().map(|(l, p)| format!("{l} {p:.2}")).collect();
            format!(
                "{} = {} (p: {})",
                info.target_column,
                info.labels[classes[0]],
                listed.join(", ")
            )
        }
    }
}

/// Notes the columns of `table` that the model does not take (they are
/// copied to the output as they are).
fn note_unused_columns(console: &Console, table: &Table, info: &ModelInfo) {
    let added = added_columns(info);
    let unused: Vec<&str> = table
        .column_names()
        .into_iter()
        .filter(|name| {
            !info.input_columns.iter().any(|c| c == name) && !added.iter().any(|a| a == name)
        })
        .collect();
    if !unused.is_empty() {
        console.note(format!(
            "note: the model does not use the columns {} (copied to the output as they are)",
            unused.join(", ")
        ));
    }
}

/// The names of the columns `predict` adds.
fn added_columns(info: &ModelInfo) -> Vec<String> {
    let mut names = vec![format!("predicted_{}", info.target_column)];
    names.extend(info.labels.iter().map(|label| format!("p_{label}")));
    names
}

fn note_replaced_columns(console: &Console, table: &Table, added: &[String]) {
    let replaced: Vec<&str> = table
        .column_names()
        .into_iter()
        .filter(|name| added.iter().any(|a| a == name))
        .collect();
    if !replaced.is_empty() {
        console.note(format!(
            "note: replacing the input's columns {} with new predictions",
            replaced.join(", ")
        ));
    }
}

/// Writes the rows of `table` (minus the columns about to be replaced) and
/// the prediction columns as CSV.
fn write_rows(
    out: &mut dyn Write,
    table: &Table,
    info: &ModelInfo,
    predictions: &Predictions,
) -> io::Result<()> {
    let added = added_columns(info);
    let kept: Vec<&Column> = table
        .columns()
        .iter()
        .filter(|column| !added.contains(&column.name))
        .collect();
    let mut writer = csv::Writer::from_writer(out);
    let header = kept
        .iter()
        .map(|c| c.name.as_str())
        .chain(added.iter().map(String::as_str));
    writer.write_record(header).map_err(io::Error::from)?;
    for row in 0..table.rows() {
        let mut record: Vec<String> = kept.iter().map(|c| cell(&c.values, row)).collect();
        record.extend(prediction_cells(predictions, row, info));
        writer.write_record(&record).map_err(io::Error::from)?;
    }
    writer.flush()
}

/// A cell as written back: numbers as [`round_trip_text`] writes them, text
/// as read, a number that was not finite (or not a number) as an empty cell.
fn cell(values: &ColumnValues, row: usize) -> String {
    match values {
        ColumnValues::Numeric { values, .. } if values.get(row).is_finite() => {
            round_trip_text(values.get(row))
        }
        ColumnValues::Numeric { .. } => String::new(),
        ColumnValues::Text(cells) => cells[row].clone(),
    }
}

/// The predicted value, or the class name and the class probabilities.
fn prediction_cells(predictions: &Predictions, row: usize, info: &ModelInfo) -> Vec<String> {
    let number = |value: f64| model_precision_text(value, info.precision);
    match predictions {
        Predictions::Regression(values) => vec![number(values[row])],
        Predictions::Classification {
            probabilities,
            classes,
        } => {
            let mut cells = vec![info.labels[classes[row]].clone()];
            cells.extend(probabilities.row(row).iter().map(|&p| number(p)));
            cells
        }
    }
}

/// A predicted number with the digits the model's precision carries: an
/// f32 model's output printed as an f32 (`37.61956`), not as the f64 it was
/// widened to (`37.619559306197985`). Both forms read back to the same f32.
/// A value beyond the f32's normal range (a target of 1e300 is scaled back
/// in f64) keeps its f64 digits rather than becoming `inf` or `0`.
fn model_precision_text(value: f64, precision: Precision) -> String {
    let f32_normal = f64::from(f32::MIN_POSITIVE)..=f64::from(f32::MAX);
    match precision {
        Precision::F32 if value == 0.0 || f32_normal.contains(&value.abs()) => {
            round_trip_text(value as f32)
        }
        Precision::F32 | Precision::F64 => round_trip_text(value),
    }
}
