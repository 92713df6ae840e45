//! `gradlab inspect --model M [--json]`: what a model file holds — the
//! network, the columns, the class labels, the fitted scalers and the
//! settings it was trained with.

use crate::output::Console;
use crate::parse;
use crate::report::{self, human};
use crate::settings_args;
use clap::Args;
use gradlab::data::scale::Scaler;
use gradlab::data::task::Task;
use gradlab::model::ModelInfo;
use gradlab::nn::network::Architecture;
use gradlab::settings::FitSettings;
use gradlab::train::optimizer::Optimizer;
use gradlab::Precision;
use serde::Serialize;
use std::path::PathBuf;

/// Arguments of `gradlab inspect`.
#[derive(Debug, Args)]
pub struct InspectArgs {
    /// The model file (.safetensors).
    #[arg(long, value_name = "FILE")]
    model: PathBuf,
    /// Print one JSON object on stdout instead of the text report.
    #[arg(long)]
    json: bool,
}

/// What `inspect --json` prints.
#[derive(Serialize)]
struct InspectJson<'a> {
    architecture: String,
    parameters: usize,
    precision: Precision,
    task: Task,
    inputs: &'a [String],
    target: &'a str,
    labels: &'a [String],
    input_scaler: &'a Scaler,
    target_scaler: &'a Option<Scaler>,
    settings: &'a FitSettings,
    network: &'a Architecture,
    format_version: u32,
}

/// Runs `gradlab inspect`.
pub fn run(args: InspectArgs, _console: &Console) -> anyhow::Result<()> {
    let model = super::load_model(&args.model)?;
    let info = model.info();
    if args.json {
        report::print_json(&InspectJson {
            architecture: info.architecture.to_string(),
            parameters: model.parameter_count(),
            precision: info.precision,
            task: info.task,
            inputs: &info.input_columns,
            target: &info.target_column,
            labels: &info.labels,
            input_scaler: &info.input_scaler,
            target_scaler: &info.target_scaler,
            settings: &info.settings,
            network: &info.architecture,
            format_version: info.format_version,
        })
    } else {
        let summary = Summary {
            path: args.model.display().to_string(),
            parameters: model.parameter_count(),
        };
        report::print_text(&inspect_text(info, &summary))
    }
}

/// What the text report needs besides the model's metadata.
struct Summary {
    path: String,
    parameters: usize,
}

fn inspect_text(info: &ModelInfo, summary: &Summary) -> String {
    let mut fields = vec![
        ("model", summary.path.clone()),
        ("architecture", info.architecture.to_string()),
        ("parameters", summary.parameters.to_string()),
        ("precision", info.precision.name().to_owned()),
        ("task", parse::serde_name(&info.task)),
        ("inputs", info.input_columns.join(", ")),
        ("target", info.target_column.clone()),
    ];
    if info.task == Task::Classification {
        fields.push(("labels", info.labels.join(", ")));
    }
    fields.push(("format", format!("version {}", info.format_version)));
    let mut text = two_columns(fields.iter().map(|(k, v)| (k.to_string(), v.clone())), "");
    text.push_str("\nscalers (fitted on the training rows)\n");
    text.push_str(&scaler_lines(info));
    text.push_str("\ntraining settings\n");
    text.push_str(&settings_lines(&info.settings));
    text
}

/// One line per column: the input scaler's numbers, then the target's.
fn scaler_lines(info: &ModelInfo) -> String {
    let mut lines: Vec<(String, String)> = info
        .input_columns
        .iter()
        .enumerate()
        .map(|(j, name)| (name.clone(), scaler_column(&info.input_scaler, j)))
        .collect();
    if let Some(target) = &info.target_scaler {
        let text = format!("{} (target)", scaler_column(target, 0));
        lines.push((info.target_column.clone(), text));
    }
    two_columns(lines.into_iter(), "  ")
}

/// How column `j` is scaled, in words and numbers.
fn scaler_column(scaler: &Scaler, j: usize) -> String {
    let number = |values: &[f64]| values.get(j).map_or("?".to_owned(), |v| human(*v));
    match scaler {
        Scaler::Minmax {
            min,
            max,
            low,
            high,
        } => format!(
            "min-max to [{low}, {high}]: min {}, max {}",
            number(min),
            number(max)
        ),
        Scaler::Standard { mean, std } => {
            format!("standard: mean {}, std {}", number(mean), number(std))
        }
        Scaler::Identity { .. } => "none".to_owned(),
    }
}

fn settings_lines(settings: &FitSettings) -> String {
    let train = &settings.train;
    let decay = train
        .weight_decay
        .unwrap_or_else(|| train.optimizer.default_weight_decay());
    let decay_kind = match train.optimizer {
        Optimizer::Adamw { .. } => "decoupled",
        _ => "L2",
    };
    let mut lines = vec![
        (
            "hidden",
            parse::HiddenLayers(settings.hidden.clone()).to_string(),
        ),
        ("activation", settings.activation.name().to_owned()),
        ("init", settings.init.to_string()),
        ("scale", parse::serde_name(&settings.scaling)),
    ];
    if let Some(target) = &settings.target_scaling {
        lines.push(("target scale", parse::serde_name(target)));
    }
    lines.extend([
        ("precision", settings.precision.name().to_owned()),
        ("test fraction", settings.test_fraction.to_string()),
        ("learning rate", train.learning_rate.to_string()),
        ("batch size", train.batch_size.to_string()),
        ("epochs", train.epochs.to_string()),
        (
            "shuffle",
            if train.shuffle { "yes" } else { "no" }.to_owned(),
        ),
        ("seed", train.seed.to_string()),
        ("gradient", parse::serde_name(&train.gradient)),
    ]);
    if let Some(epsilon) = train.epsilon {
        lines.push(("gradient ε", format!("{epsilon:e}")));
    }
    lines.extend([
        (
            "optimizer",
            settings_args::describe_optimizer(&train.optimizer),
        ),
        ("weight decay", format!("{decay} ({decay_kind})")),
        ("schedule", train.schedule.to_string()),
        (
            "clip norm",
            train.clip_norm.map_or("none".to_owned(), |n| n.to_string()),
        ),
        (
            "early stopping",
            settings_args::describe_early_stopping(settings),
        ),
    ]);
    two_columns(lines.iter().map(|(k, v)| (k.to_string(), v.clone())), "  ")
}

/// `key  value` lines with the values lined up.
fn two_columns(lines: impl Iterator<Item = (String, String)>, indent: &str) -> String {
    let lines: Vec<(String, String)> = lines.collect();
    let width = lines
        .iter()
        .map(|(k, _)| k.chars().count())
        .max()
        .unwrap_or(0);
    lines
        .iter()
        .map(|(key, value)| format!("{indent}{key:<width$}  {value}\n"))
        .collect()
}
