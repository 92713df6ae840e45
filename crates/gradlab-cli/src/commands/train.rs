//! `gradlab train`: fit a network to a CSV file, report train and test
//! metrics in the target's units, optionally save the model.
//!
//! The defaults of every training flag come from [`FitSettings::default()`],
//! so the command line and the library cannot disagree.
//!
//! When training goes wrong:
//! - **It diverges:** exit code 3 and one `error:` line naming the epoch,
//!   the batch and the last finite cost; with `--out`, the last good weights
//!   (never non-finite ones) are saved and the line says so.
//! - **Ctrl-C:** the first stops training after the current step; the model
//!   so far (early stopping's best, if on) is measured, reported and saved as
//!   usual, stderr says where it stopped, and the exit code is 130. A second
//!   Ctrl-C ends the program at once (exit 130): files are replaced
//!   atomically, so an existing one is left as it was.

use crate::figures::PlotArgs;
use crate::history_file;
use crate::output::{Console, Interrupted, EXIT_INTERRUPTED};
use crate::parse;
use crate::progress::EpochBar;
use crate::report::{self, MetricsColumn};
use crate::settings_args::{self, DataArgs, SettingsArgs};
use clap::Args;
use gradlab::data::dataset::Dataset;
use gradlab::data::task::Task;
use gradlab::metrics::Metrics;
use gradlab::nn::numerical_gradient::default_epsilon;
use gradlab::prepare::architecture_for;
use gradlab::session::{FitOutcome, Session};
use gradlab::settings::FitSettings;
use gradlab::train::interrupt::{Interrupt, Interruption};
use gradlab::train::trainer::GradientMethod;
use gradlab::train::training::Budget;
use gradlab::Precision;
use serde::Serialize;
use std::path::{Path, PathBuf};
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
    /// Where Ctrl-C stopped training (absent when it ran to its end).
    #[serde(skip_serializing_if = "Option::is_none")]
    interrupted: Option<Interruption>,
    train: &'a Metrics,
    test: &'a Metrics,
}

/// Runs `gradlab train`.
pub fn run(args: TrainArgs, console: &Console) -> anyhow::Result<()> {
    let mut settings = args.settings.resolve()?;
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
    let (table, dataset) = args.data.load(|note| console.note(note))?;
    settings.train.interrupt = stop_on_ctrl_c(*console)?;
    announce(console, &dataset, table.source_name(), &settings);
    let started = Instant::now();
    let outcome = {
        let bar = EpochBar::new(*console, "training", settings.train.epochs);
        let mut session = Session::new(&dataset, &settings)?;
        match session.step(Budget::ToEnd, |record| bar.update(record)) {
            Ok(_) => session.into_outcome()?,
            Err(error) => return Err(save_last_good(error, &session, args.out.as_deref())),
        }
    };
    let seconds = started.elapsed().as_secs_f64();
    if let Some(out) = &args.out {
        super::save_model(&outcome.model, out)?;
    }
    if let Some(path) = &args.history {
        history_file::write(&outcome.history, dataset.task(), path)?;
    }
    let mut written = Vec::new();
    let no_epoch_finished = outcome.history.epochs.is_empty();
    if pictures.is_some() && no_epoch_finished {
        console.note("no pictures: training was stopped before its first epoch ended");
    }
    if let Some(pictures) = pictures.as_ref().filter(|_| !no_epoch_finished) {
        written = gradlab_plot::pictures::fit_pictures(
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
    let interrupted = outcome.history.interrupted;
    if let Some(out) = args.out.as_ref().filter(|_| interrupted.is_none()) {
        console.note(format!("model written to {}", out.display()));
    }
    if let Some(path) = args.history.as_ref().filter(|_| !history_to_stdout) {
        console.note(format!("history written to {}", path.display()));
    }
    for path in written {
        console.note(format!("picture written to {}", path.display()));
    }
    match interrupted {
        Some(at) => Err(Interrupted {
            message: interruption_message(at, &outcome, args.out.as_deref()),
        }
        .into()),
        None => Ok(()),
    }
}

/// Installs `train`'s Ctrl-C handler and returns the interrupt it requests.
///
/// The first Ctrl-C asks the trainer to stop after the current step (the
/// model so far is then reported and saved); a second one ends the program
/// at once with exit code 130, writing nothing more. Files are replaced
/// atomically, so a file being written then keeps its old content.
fn stop_on_ctrl_c(console: Console) -> anyhow::Result<Interrupt> {
    let interrupt = Interrupt::new();
    let handle = interrupt.clone();
    ctrlc::set_handler(move || {
        if handle.is_requested() {
            eprintln!("aborted by a second Ctrl-C; nothing more is written");
            std::process::exit(i32::from(EXIT_INTERRUPTED));
        }
        handle.request();
        console.note("Ctrl-C: stopping after the current step (press Ctrl-C again to abort)");
    })
    .map_err(|error| anyhow::anyhow!("cannot install the Ctrl-C handler: {error}"))?;
    Ok(interrupt)
}

/// A divergence error whose last good weights were saved (or could not
/// be): the engine's error, plus what happened to the weights.
#[derive(Debug)]
struct DivergedAndSaved {
    diverged: gradlab::Error,
    saved: String,
}

impl std::fmt::Display for DivergedAndSaved {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}; {}", self.diverged, self.saved)
    }
}

impl std::error::Error for DivergedAndSaved {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.diverged)
    }
}

/// On a divergence, saves the last good weights, which the session holds,
/// to `out` (if given), and says so in the error; any other error passes
/// unchanged.
fn save_last_good(error: gradlab::Error, session: &Session, out: Option<&Path>) -> anyhow::Error {
    let (Some(path), gradlab::Error::Diverged { epoch, .. }) = (out, &error) else {
        return error.into();
    };
    let model = &session.model();
    let when = match epoch - 1 {
        0 => "the initial ones, before epoch 1".to_owned(),
        good => format!("end of epoch {good}"),
    };
    let saved = match super::save_model(model, path) {
        Ok(()) => format!("saved the last good weights ({when}) to {}", path.display()),
        Err(save_error) => {
            format!("the last good weights ({when}) could not be saved: {save_error:#}")
        }
    };
    DivergedAndSaved {
        diverged: error,
        saved,
    }
    .into()
}

/// What `train` says when Ctrl-C stopped it: where, and which model the
/// metrics above (and the file) hold.
fn interruption_message(at: Interruption, outcome: &FitOutcome, out: Option<&Path>) -> String {
    let restores_best = outcome
        .model
        .info()
        .settings
        .train
        .early_stopping
        .is_some_and(|stopping| stopping.restore_best);
    let model = match outcome.history.best_epoch {
        Some(best) if restores_best => format!("the best model so far (epoch {best})"),
        _ => "the model so far (its weights after that step)".to_owned(),
    };
    let stopped = format!("interrupted at epoch {}, step {}", at.epoch, at.batch);
    match out {
        Some(path) => format!("{stopped}; saved {model} to {}", path.display()),
        None => format!("{stopped}; the metrics are of {model}; nothing saved (no --out)"),
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
        interrupted: outcome.history.interrupted,
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
        } else if let Some(at) = outcome.history.interrupted {
            format!("interrupted (Ctrl-C) in epoch {}", at.epoch)
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
