//! `gradlab train`: fit a network to a CSV file, report train and test
//! metrics in the target's units, optionally save the model.
//!
//! The defaults of every training flag come from [`FitSettings::default()`],
//! so the command line and the library cannot disagree.

use crate::figures::{self, PlotArgs};
use crate::history_file;
use crate::output::Console;
use crate::parse;
use crate::progress::EpochBar;
use crate::report::{self, MetricsColumn};
use crate::settings_args::{self, DataArgs, SettingsArgs};
use clap::Args;
use gradlab::data::dataset::{Dataset, Task};
use gradlab::fit::{architecture_for, fit, FitOutcome, FitSettings};
use gradlab::methods::numerical::default_epsilon;
use gradlab::metrics::Metrics;
use gradlab::train::trainer::GradientMethod;
use gradlab::Precision;
use serde::Serialize;
use std::path::PathBuf;
use std::time::Instant;

/// Arguments of `gradlab train`.
#[derive(Debug, Args)]
pub struct TrainArgs {
    #[command(flatten)]
    data: DataArgs,
    #[command(flatten)]
    settings: SettingsArgs,
    /// Save the trained model to this .safetensors file.
    #[arg(long, value_name = "FILE", help_heading = "Output")]
    out: Option<PathBuf>,
    /// Write the cost per epoch to FILE: .csv, .json, or - for CSV on stdout
    /// (the report then goes to stderr).
    #[arg(long, value_name = "FILE", help_heading = "Output")]
    history: Option<PathBuf>,
    #[command(flatten)]
    plot: PlotArgs,
    /// Print one JSON object on stdout instead of the text report.
    #[arg(long, help_heading = "Output")]
    json: bool,
}

/// What `train --json` prints.
#[derive(Serialize)]
struct TrainJson<'a> {
    task: Task,
    architecture: String,
    parameters: usize,
    epochs: usize,
    best_epoch: Option<usize>,
    stopped_early: bool,
    seconds: f64,
    train: &'a Metrics,
    test: &'a Metrics,
}

/// Runs `gradlab train`.
pub fn run(args: TrainArgs, console: &Console) -> anyhow::Result<()> {
    let settings = args.settings.resolve()?;
    if let Some(out) = &args.out {
        super::check_model_path(out)?;
    }
    let history_to_stdout = args.history.as_deref().is_some_and(crate::output::is_dash);
    if let Some(path) = &args.history {
        history_file::HistoryFormat::of(path)?;
        super::check_out_directory(path, "history")?;
        if history_to_stdout && args.json {
            anyhow::bail!("--history - and --json both write to stdout; give the history a file name (.csv or .json)");
        }
    }
    let pictures = args.plot.pictures()?;
    let (table, dataset) = args.data.load()?;
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
    if let Some(path) = &args.history {
        history_file::write(&outcome.history, dataset.task(), path)?;
    }
    let mut written = Vec::new();
    if let Some(pictures) = &pictures {
        written = figures::fit_pictures(
            pictures,
            &outcome.history,
            &outcome.model,
            &dataset,
            &outcome.split.train,
            "",
        )?;
    }
    if args.json {
        report::print_json(&train_json(&outcome, seconds))?;
    } else if history_to_stdout {
        console.note(train_text(&outcome, seconds).trim_end());
    } else {
        report::print_text(&train_text(&outcome, seconds))?;
    }
    if let Some(out) = &args.out {
        console.note(format!("model written to {}", out.display()));
    }
    if let Some(path) = args.history.as_ref().filter(|_| !history_to_stdout) {
        console.note(format!("history written to {}", path.display()));
    }
    for path in written {
        console.note(format!("picture written to {}", path.display()));
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
    console.note(format!(
        "training: {}",
        settings_args::describe_training(settings)
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
        best_epoch: outcome.history.best_epoch,
        stopped_early: outcome.history.stopped_early,
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
    if let Some(best) = outcome.history.best_epoch {
        let settings = &info.settings;
        let stopping = settings.train.early_stopping.unwrap_or_default();
        let watched = outcome.validation_rows.len();
        let how = if outcome.history.stopped_early {
            format!(
                "stopped after epoch {}: no improvement of the validation cost for {} epochs",
                outcome.history.epochs.len(),
                stopping.patience
            )
        } else {
            "ran every epoch".to_owned()
        };
        let kept = if stopping.restore_best {
            format!("the weights of epoch {best}, the best, are kept")
        } else {
            format!("the last epoch's weights are kept (the best was epoch {best})")
        };
        text.push_str(&format!(
            "early stopping: {how}; {kept} (validation part: {watched} of the training rows, not trained on)\n\n"
        ));
    }
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
