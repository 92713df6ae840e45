//! `gradlab grad --model M --data F --out G.safetensors`: backprop's gradient
//! of the mean cost over every row of F, written under the model's tensor
//! names and shapes (`layers.{i}.weight` `[out, in]`, `layers.{i}.bias`
//! `[out]`, in the model's precision), so that it can be compared with
//! another framework's autograd on the same weights and rows.
//!
//! The cost is the one the model was trained on, in its scaled units: the
//! mean squared error on the scaled target, or the cross-entropy.

use crate::output::Console;
use crate::report;
use crate::settings_args::CsvArgs;
use clap::Args;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// Arguments of `gradlab grad`.
#[derive(Debug, Args)]
pub struct GradArgs {
    /// The model file (.safetensors).
    #[arg(long, value_name = "FILE")]
    model: PathBuf,
    /// CSV with the model's input columns and its target column, or - for stdin.
    #[arg(long, value_name = "FILE")]
    data: PathBuf,
    #[command(flatten)]
    csv: CsvArgs,
    /// Where to write the gradient (.safetensors).
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// Print one JSON object on stdout instead of the text report.
    #[arg(long)]
    json: bool,
}

/// One tensor of the gradient.
#[derive(Serialize)]
struct TensorJson {
    name: String,
    shape: Vec<usize>,
    norm: f64,
}

/// What `grad --json` prints.
#[derive(Serialize)]
struct GradJson {
    network: String,
    rows: usize,
    cost_name: &'static str,
    cost: f64,
    precision: &'static str,
    out: String,
    tensors: Vec<TensorJson>,
}

/// Runs `gradlab grad`.
pub fn run(args: GradArgs, console: &Console) -> anyhow::Result<()> {
    check_out_path(&args.out)?;
    let model = super::load_model(&args.model)?;
    let table = args.csv.read(&args.data)?;
    let dataset = model
        .dataset_from_table(&table)
        .map_err(|err| args.csv.explained(err))?;
    let gradient = gradlab::model_file::gradient_report(&model, &dataset);
    crate::output::write_to(&args.out, |out| out.write_all(&gradient.bytes))?;
    let cost = gradient.cost;
    let tensors = gradient
        .tensors
        .into_iter()
        .map(|(name, shape, norm)| TensorJson { name, shape, norm })
        .collect();
    let info = model.info();
    let report = GradJson {
        network: info.architecture.to_string(),
        rows: dataset.rows(),
        cost_name: report::cost_name(info.architecture.loss),
        cost,
        precision: info.precision.name(),
        out: args.out.display().to_string(),
        tensors,
    };
    if args.json {
        report::print_json(&report)?;
    } else {
        report::print_text(&grad_text(&report))?;
    }
    console.note(format!("gradient written to {}", args.out.display()));
    Ok(())
}

/// A gradient file is binary: not for stdout, and its directory must exist.
fn check_out_path(path: &Path) -> anyhow::Result<()> {
    if crate::output::is_dash(path) {
        anyhow::bail!(
            "a gradient file cannot be written to stdout (-); give a file name such as grad.safetensors"
        );
    }
    super::check_out_directory(path, "gradient")
}

fn grad_text(report: &GradJson) -> String {
    let mut text = format!(
        "gradient of the cost of {} over {} rows ({}, mean over the rows): cost {}\n\
         written to {} ({}, the model's tensor names and shapes)\n\n",
        report.network,
        report.rows,
        report.cost_name,
        report::human(report.cost),
        report.out,
        report.precision,
    );
    let lines: Vec<(String, Vec<String>)> = report
        .tensors
        .iter()
        .map(|t| {
            let dims: Vec<String> = t.shape.iter().map(usize::to_string).collect();
            (
                t.name.clone(),
                vec![format!("[{}]", dims.join(", ")), format!("{:.6e}", t.norm)],
            )
        })
        .collect();
    text.push_str(&report::table("tensor", &["shape", "L2 norm"], &lines, ""));
    text
}
