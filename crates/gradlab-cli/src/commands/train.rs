//! `gradlab train`: fit a network to a CSV file, report train and test
//! metrics in the target's units, optionally save the model.
//!
//! The defaults of every training flag come from [`FitSettings::default()`],
//! so the command line and the library cannot disagree.

use crate::output::Console;
use crate::parse::{self, HiddenLayers};
use crate::progress::EpochBar;
use crate::report::{self, MetricsColumn};
use clap::Args;
use gradlab::data::dataset::{Dataset, DatasetSpec, Task, TaskChoice};
use gradlab::data::scale::Scaling;
use gradlab::fit::{architecture_for, fit, FitOutcome, FitSettings};
use gradlab::methods::numerical::default_epsilon;
use gradlab::metrics::Metrics;
use gradlab::nn::activation::Activation;
use gradlab::nn::init::Init;
use gradlab::train::trainer::{BatchSize, GradientMethod, TrainSettings};
use gradlab::Precision;
use serde::Serialize;
use std::path::PathBuf;
use std::sync::LazyLock;
use std::time::Instant;

/// The defaults of [`FitSettings::default()`] as the text clap shows and parses.
struct DefaultTexts {
    task: String,
    hidden: String,
    activation: String,
    init: String,
    learning_rate: String,
    batch_size: String,
    epochs: String,
    test_fraction: String,
    scale: String,
    precision: String,
    seed: String,
    gradient: String,
}

static DEFAULTS: LazyLock<DefaultTexts> = LazyLock::new(|| {
    let fit = FitSettings::default();
    DefaultTexts {
        task: parse::serde_name(&TaskChoice::default()),
        hidden: HiddenLayers(fit.hidden).to_string(),
        activation: fit.activation.name().to_owned(),
        init: fit.init.to_string(),
        learning_rate: fit.train.learning_rate.to_string(),
        batch_size: fit.train.batch_size.to_string(),
        epochs: fit.train.epochs.to_string(),
        test_fraction: fit.test_fraction.to_string(),
        scale: parse::serde_name(&fit.scaling),
        precision: fit.precision.name().to_owned(),
        seed: fit.train.seed.to_string(),
        gradient: parse::serde_name(&fit.train.gradient),
    }
});

/// Arguments of `gradlab train`.
#[derive(Debug, Args)]
pub struct TrainArgs {
    /// CSV file with a header row, or - for stdin.
    #[arg(long, value_name = "FILE")]
    data: PathBuf,
    /// The column to predict.
    #[arg(long, value_name = "COL")]
    target: String,
    /// Input columns, comma-separated [default: every column but the target].
    #[arg(long, value_name = "A,B", value_delimiter = ',')]
    inputs: Option<Vec<String>>,
    /// auto (numeric target: regression, text: classification), regression or classification.
    #[arg(long, value_name = "TASK", default_value = DEFAULTS.task.as_str(), value_parser = parse::task)]
    task: TaskChoice,
    /// Hidden layer widths, input side first: 16, 32,16, or none.
    #[arg(long, value_name = "WIDTHS", default_value = DEFAULTS.hidden.as_str(), value_parser = parse::hidden)]
    hidden: HiddenLayers,
    /// Activation of the hidden layers: sigmoid, tanh, relu, leaky-relu, linear, lecun-tanh.
    #[arg(long, value_name = "NAME", default_value = DEFAULTS.activation.as_str(), value_parser = parse::activation)]
    activation: Activation,
    /// Initial weights: xavier, he, lecun, uniform or uniform:A.
    #[arg(long, value_name = "SCHEME", default_value = DEFAULTS.init.as_str(), value_parser = parse::init)]
    init: Init,
    /// Learning rate of gradient descent.
    #[arg(long, value_name = "RATE", allow_negative_numbers = true, default_value = DEFAULTS.learning_rate.as_str())]
    lr: f64,
    /// Samples per gradient step: 1 (SGD), N (mini-batch) or full (batch GD).
    #[arg(long, value_name = "N", default_value = DEFAULTS.batch_size.as_str(), value_parser = parse::batch_size)]
    batch_size: BatchSize,
    /// Passes over the training rows.
    #[arg(long, value_name = "N", default_value = DEFAULTS.epochs.as_str())]
    epochs: usize,
    /// Share of the rows held out for testing, between 0 and 1.
    #[arg(long, value_name = "F", allow_negative_numbers = true, default_value = DEFAULTS.test_fraction.as_str())]
    test_fraction: f64,
    /// Scaling of the inputs (and of a regression target): minmax, minmax-symmetric, standard, none.
    #[arg(long, value_name = "HOW", default_value = DEFAULTS.scale.as_str(), value_parser = parse::scaling)]
    scale: Scaling,
    /// Element type of the network: f32 or f64.
    #[arg(long, value_name = "TYPE", default_value = DEFAULTS.precision.as_str(), value_parser = parse::precision)]
    precision: Precision,
    /// Seed of the split, the initial weights and the shuffling.
    #[arg(long, value_name = "N", default_value = DEFAULTS.seed.as_str())]
    seed: u64,
    /// How each step's gradient is computed: backprop, or numerical (central
    /// differences, 2 cost evaluations per parameter per step: slow, for teaching).
    #[arg(long, value_name = "METHOD", default_value = DEFAULTS.gradient.as_str(), value_parser = parse::gradient)]
    gradient: GradientMethod,
    /// Step ε of the numerical gradient [default: 1e-6 in f64, 5e-3 in f32].
    #[arg(long, value_name = "E")]
    epsilon: Option<f64>,
    /// Save the trained model to this .safetensors file.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Print one JSON object on stdout instead of the text report.
    #[arg(long)]
    json: bool,
}

impl TrainArgs {
    /// The columns to use, as the engine takes them.
    fn dataset_spec(&self) -> DatasetSpec {
        DatasetSpec {
            target: self.target.trim().to_owned(),
            inputs: self
                .inputs
                .as_ref()
                .map(|names| names.iter().map(|n| n.trim().to_owned()).collect()),
            task: self.task,
        }
    }

    /// The training settings, as the engine takes them.
    fn fit_settings(&self) -> FitSettings {
        FitSettings {
            hidden: self.hidden.0.clone(),
            activation: self.activation,
            init: self.init,
            scaling: self.scale,
            test_fraction: self.test_fraction,
            precision: self.precision,
            train: TrainSettings {
                learning_rate: self.lr,
                batch_size: self.batch_size,
                epochs: self.epochs,
                seed: self.seed,
                gradient: self.gradient,
                epsilon: self.epsilon,
                ..TrainSettings::default()
            },
            ..FitSettings::default()
        }
    }
}

/// What `train --json` prints.
#[derive(Serialize)]
struct TrainJson<'a> {
    task: Task,
    architecture: String,
    parameters: usize,
    epochs: usize,
    seconds: f64,
    train: &'a Metrics,
    test: &'a Metrics,
}

/// Runs `gradlab train`.
pub fn run(args: TrainArgs, console: &Console) -> anyhow::Result<()> {
    let settings = args.fit_settings();
    settings.validate()?;
    if let Some(out) = &args.out {
        super::check_model_path(out)?;
    }
    let table = super::read_table(&args.data)?;
    let dataset = Dataset::from_table(&table, &args.dataset_spec())
        .map_err(|err| with_inputs_hint(err, args.inputs.is_none()))?;
    announce(console, &dataset, table.source_name(), &settings);
    let started = Instant::now();
    let outcome = {
        let bar = EpochBar::new(*console, "training", settings.train.epochs);
        fit(&dataset, &settings, |record| bar.update(record))?
    };
    let seconds = started.elapsed().as_secs_f64();
    if let Some(out) = &args.out {
        super::save_model(&outcome.model, out)?;
    }
    if args.json {
        report::print_json(&train_json(&outcome, seconds))?;
    } else {
        report::print_text(&train_text(&outcome, seconds))?;
    }
    if let Some(out) = &args.out {
        console.note(format!("model written to {}", out.display()));
    }
    Ok(())
}

/// A non-numeric cell in an input column the user did not choose gets a
/// hint: the inputs default to every column but the target.
pub(crate) fn with_inputs_hint(err: gradlab::Error, inputs_defaulted: bool) -> anyhow::Error {
    if inputs_defaulted && matches!(err, gradlab::Error::NotANumber { .. }) {
        anyhow::anyhow!(
            "{err} (the inputs are every column but the target; choose them with --inputs)"
        )
    } else {
        err.into()
    }
}

/// Notes on stderr before training: the data and the network.
fn announce(console: &Console, dataset: &Dataset, source: &str, settings: &FitSettings) {
    let task = parse::serde_name(&dataset.task());
    console.note(format!(
        "data: {source}, {} rows; inputs {} → target {} ({task})",
        dataset.rows(),
        dataset.input_names.join(", "),
        dataset.target_name,
    ));
    let architecture = architecture_for(dataset, settings);
    console.note(format!(
        "network: {architecture}, {} parameters; {} epochs, batch size {}, learning rate {}",
        architecture.parameter_count(),
        settings.train.epochs,
        settings.train.batch_size,
        settings.train.learning_rate,
    ));
    if settings.train.gradient == GradientMethod::Numerical {
        let epsilon = settings.train.epsilon.unwrap_or(match settings.precision {
            Precision::F32 => default_epsilon::<f32>(),
            Precision::F64 => default_epsilon::<f64>(),
        });
        console.note(format!(
            "gradient: numerical (central differences, ε = {epsilon:e}): {} cost evaluations per step instead of one backward pass",
            2 * architecture.parameter_count()
        ));
    }
}

fn train_json(outcome: &FitOutcome, seconds: f64) -> TrainJson<'_> {
    let info = outcome.model.info();
    TrainJson {
        task: info.task,
        architecture: info.architecture.to_string(),
        parameters: outcome.model.parameter_count(),
        epochs: outcome.history.epochs.len(),
        seconds,
        train: &outcome.train_metrics,
        test: &outcome.test_metrics,
    }
}

/// The text report: a summary line, the metrics table and, for
/// classification, the test confusion matrix.
fn train_text(outcome: &FitOutcome, seconds: f64) -> String {
    let info = outcome.model.info();
    let mut text = format!(
        "{} of {}: {}, {} parameters, {} epochs in {seconds:.2} s\n\n",
        parse::serde_name(&info.task),
        info.target_column,
        info.architecture,
        outcome.model.parameter_count(),
        outcome.history.epochs.len(),
    );
    text.push_str(&report::metrics_table(&[
        MetricsColumn {
            heading: "train",
            rows: outcome.split.train.len(),
            metrics: &outcome.train_metrics,
        },
        MetricsColumn {
            heading: "test",
            rows: outcome.split.test.len(),
            metrics: &outcome.test_metrics,
        },
    ]));
    if let Metrics::Classification(test) = &outcome.test_metrics {
        text.push_str(
            "\nconfusion matrix of the test rows (rows: true class, columns: predicted)\n",
        );
        text.push_str(&report::confusion_table(test, ""));
    }
    text
}
