//! `gradlab compare`: the same network, from the same seed, trained with
//! several batch sizes (SGD, mini-batch, batch gradient descent) or several
//! optimizers; a table of final costs and times, and the loss curves against
//! epochs, gradient steps and wall time.
//!
//! # Timing
//!
//! Measuring the costs after every epoch is a forward pass over all the
//! training and test rows, which would weigh most on batch gradient descent
//! (one step per epoch). So each run is done twice, from the same start: once
//! measuring the costs (the curves, the metric), once timing the training
//! steps alone (no measurements). Training is deterministic, so both runs
//! take exactly the same steps; the wall-time axis and the times in the table
//! come from the second.

use crate::figures::PlotArgs;
use crate::output::Console;
use crate::parse;
use crate::progress::EpochBar;
use crate::report;
use crate::settings_args::{DataArgs, SettingsArgs};
use clap::Args;
use gradlab::data::dataset::Dataset;
use gradlab::data::split::train_test_split;
use gradlab::data::task::Task;
use gradlab::element::Float;
use gradlab::fit::fit;
use gradlab::metrics::Metrics;
use gradlab::model::ModelInfo;
use gradlab::prepare::prepare;
use gradlab::settings::FitSettings;
use gradlab::train::optimizer::Optimizer;
use gradlab::train::trainer::{BatchSize, Control, DataSets, EpochRecord, TrainSettings};
use gradlab::train::training::train;
use gradlab::Precision;
use gradlab_plot::labels::{cost_axis, metric_label, target_unit};
use gradlab_plot::line::{line_chart, LineChart};
use gradlab_plot::pictures::Pictures;
use gradlab_plot::series::Series;
use serde::Serialize;
use std::fmt::Write as _;
use std::path::PathBuf;

/// The learning rate of adam, adamw and rmsprop when none is given: their
/// steps are normalised by the gradient's size, so the rate of plain SGD
/// (0.05) is far too large for them.
pub const ADAPTIVE_LEARNING_RATE: f64 = 0.01;

/// Arguments of `gradlab compare`.
#[derive(Debug, Args)]
pub struct CompareArgs {
    #[command(flatten)]
    data: DataArgs,
    /// Batch sizes to compare: sgd (1 row per step), minibatch:N, batch (every
    /// training row); each may end in @LR for its own learning rate
    /// [default: sgd,minibatch:32,batch].
    #[arg(long, value_name = "LIST", value_delimiter = ',', value_parser = variant, conflicts_with = "optimizers", help_heading = "Comparison")]
    variants: Option<Vec<Run>>,
    /// Optimizers to compare (each may end in @LR): sgd, momentum, nesterov,
    /// rmsprop, adam, adamw. Without --lr, adam, adamw and rmsprop use 0.01.
    #[arg(long, value_name = "LIST", value_delimiter = ',', value_parser = optimizer_run, help_heading = "Comparison")]
    optimizers: Option<Vec<Run>>,
    /// The test metric to reach: an RMSE in the target's units (regression)
    /// or an accuracy [default: 1.05 × the best final RMSE, or the best
    /// final accuracy − 0.01].
    #[arg(long, value_name = "X", help_heading = "Comparison")]
    target_metric: Option<f64>,
    #[command(flatten)]
    settings: SettingsArgs,
    #[command(flatten)]
    plot: PlotArgs,
    /// Print one JSON object on stdout instead of the text report.
    #[arg(long, help_heading = "Output")]
    json: bool,
}

/// One run of the comparison, as given on the command line.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    /// As typed: `minibatch:32`, `adam@0.001`.
    name: String,
    /// The variant or optimizer without the learning rate.
    kind: String,
    /// What the run changes.
    change: Change,
    /// Its own learning rate (`@LR`).
    learning_rate: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Change {
    Batch(BatchSize),
    Optimizer(Optimizer),
}

/// Splits `name@lr`.
fn with_learning_rate(text: &str) -> Result<(&str, Option<f64>), String> {
    match text.trim().split_once('@') {
        None => Ok((text.trim(), None)),
        Some((name, rate)) => match rate.trim().parse::<f64>() {
            Ok(rate) if rate.is_finite() && rate > 0.0 => Ok((name.trim(), Some(rate))),
            _ => Err(format!("'{rate}' after @ is not a positive learning rate")),
        },
    }
}

/// `--variants`: `sgd`, `minibatch:N` or `batch`, each with an optional `@LR`.
fn variant(text: &str) -> Result<Run, String> {
    let (name, learning_rate) = with_learning_rate(text)?;
    let batch = match name.split_once(':') {
        None if name == "sgd" => BatchSize::Samples(1),
        None if name == "batch" => BatchSize::Full,
        Some(("minibatch", n)) => match n.trim().parse::<usize>() {
            Ok(n) if n >= 1 => BatchSize::Samples(n),
            _ => return Err(format!("'{n}' is not a batch size (minibatch:N, N ≥ 1)")),
        },
        _ => {
            return Err(format!(
                "'{name}' is not a variant: expected sgd, minibatch:N or batch (optionally @LR)"
            ))
        }
    };
    Ok(Run {
        name: text.trim().to_owned(),
        kind: name.to_owned(),
        change: Change::Batch(batch),
        learning_rate,
    })
}

/// `--optimizers`: an optimizer name with an optional `@LR`.
fn optimizer_run(text: &str) -> Result<Run, String> {
    let (name, learning_rate) = with_learning_rate(text)?;
    Ok(Run {
        name: text.trim().to_owned(),
        kind: name.to_owned(),
        change: Change::Optimizer(parse::optimizer(name)?),
        learning_rate,
    })
}

/// The default `--variants`.
fn default_variants() -> Vec<Run> {
    ["sgd", "minibatch:32", "batch"]
        .iter()
        .map(|v| variant(v).expect("valid"))
        .collect()
}

impl Run {
    /// The settings of this run: `base` with its batch size or optimizer,
    /// and its learning rate (its own, or the base's, or for adaptive
    /// optimizers without a given rate [`ADAPTIVE_LEARNING_RATE`]).
    fn settings(&self, base: &FitSettings, learning_rate_given: bool) -> FitSettings {
        let mut settings = base.clone();
        match self.change {
            Change::Batch(batch) => settings.train.batch_size = batch,
            Change::Optimizer(optimizer) => {
                settings.train.optimizer = optimizer;
                if !learning_rate_given && is_adaptive(&optimizer) {
                    settings.train.learning_rate = ADAPTIVE_LEARNING_RATE;
                }
            }
        }
        if let Some(rate) = self.learning_rate {
            settings.train.learning_rate = rate;
        }
        settings
    }
}

/// True for the optimizers whose step is divided by a running RMS of the gradient.
pub fn is_adaptive(optimizer: &Optimizer) -> bool {
    matches!(
        optimizer,
        Optimizer::Rmsprop { .. } | Optimizer::Adam { .. } | Optimizer::Adamw { .. }
    )
}

/// One finished (or diverged) run.
#[derive(Debug, Clone, Serialize)]
struct Outcome {
    name: String,
    #[serde(skip)]
    kind: String,
    optimizer: String,
    batch_size: String,
    learning_rate: f64,
    epochs: usize,
    steps: u64,
    train_cost: f64,
    test_cost: f64,
    /// Test RMSE in the target's units, or accuracy.
    test_metric: f64,
    /// Wall time of the training steps alone (the timing run).
    seconds: f64,
    diverged: bool,
    epoch_to_target: Option<usize>,
    seconds_to_target: Option<f64>,
    #[serde(skip)]
    records: Vec<EpochRecord>,
    /// Seconds of pure training after each epoch (the timing run).
    #[serde(skip)]
    times: Vec<f64>,
}

/// What `compare --json` prints.
#[derive(Serialize)]
struct CompareJson<'a> {
    task: Task,
    architecture: String,
    metric: &'static str,
    target_metric: f64,
    runs: &'a [Outcome],
    pictures: Vec<String>,
}

/// Runs `gradlab compare`.
pub fn run(args: CompareArgs, console: &Console) -> anyhow::Result<()> {
    let base = args.settings.resolve()?;
    let learning_rate_given = args.settings.gives_learning_rate()?;
    let runs = args
        .variants
        .clone()
        .or_else(|| args.optimizers.clone())
        .unwrap_or_else(default_variants);
    if let Some(target) = args.target_metric {
        anyhow::ensure!(
            target.is_finite(),
            "--target-metric must be a number, not {target}"
        );
    }
    let pictures = args.plot.pictures()?;
    let (table, dataset) = args.data.load(console)?;
    let architecture = gradlab::prepare::architecture_for(&dataset, &base);
    console.note(format!(
        "data: {}, {} rows; inputs {} → target {}; network {architecture}, {} epochs, seed {}",
        table.source_name(),
        dataset.rows(),
        dataset.input_names.join(", "),
        dataset.target_name,
        base.train.epochs,
        base.train.seed,
    ));
    let mut outcomes = Vec::new();
    let mut info = None;
    for run in &runs {
        let settings = run.settings(&base, learning_rate_given);
        settings.validate()?;
        console.note(format!(
            "{}: batch size {}, optimizer {}, learning rate {}",
            run.name,
            settings.train.batch_size,
            settings.train.optimizer.name(),
            settings.train.learning_rate
        ));
        let (outcome, model_info) = run_one(&dataset, run, &settings, console)?;
        info = info.or(model_info);
        outcomes.push(outcome);
    }
    let info = info
        .ok_or_else(|| anyhow::anyhow!("every run diverged: lower the learning rates (name@LR)"))?;
    let task = dataset.task();
    let (target, target_note) = target_metric(task, &outcomes, args.target_metric, &info);
    for outcome in &mut outcomes {
        reach_target(outcome, task, target);
    }
    let mut written = Vec::new();
    if let Some(pictures) = &pictures {
        written = draw(pictures, &outcomes, &info)?;
    }
    if args.json {
        report::print_json(&CompareJson {
            task,
            architecture: info.architecture.to_string(),
            metric: match task {
                Task::Regression => "rmse",
                Task::Classification => "accuracy",
            },
            target_metric: target,
            runs: &outcomes,
            pictures: written.iter().map(|p| p.display().to_string()).collect(),
        })?;
    } else {
        report::print_text(&compare_text(&outcomes, &info, &base, &target_note))?;
    }
    for path in written {
        console.note(format!("picture written to {}", path.display()));
    }
    Ok(())
}

/// Trains `run` twice (see the module doc); a diverged run is kept as such.
fn run_one(
    dataset: &Dataset,
    run: &Run,
    settings: &FitSettings,
    console: &Console,
) -> anyhow::Result<(Outcome, Option<ModelInfo>)> {
    let mut outcome = Outcome {
        name: run.name.clone(),
        kind: run.kind.clone(),
        optimizer: settings.train.optimizer.name().to_owned(),
        batch_size: settings.train.batch_size.to_string(),
        learning_rate: settings.train.learning_rate,
        epochs: 0,
        steps: 0,
        train_cost: f64::NAN,
        test_cost: f64::NAN,
        test_metric: f64::NAN,
        seconds: f64::NAN,
        diverged: false,
        epoch_to_target: None,
        seconds_to_target: None,
        records: Vec::new(),
        times: Vec::new(),
    };
    let fitted = {
        let bar = EpochBar::new(*console, &run.name, settings.train.epochs);
        fit(dataset, settings, |record| bar.update(record))
    };
    let fitted = match fitted {
        Ok(fitted) => fitted,
        Err(gradlab::Error::Diverged { epoch, .. }) => {
            console.note(format!(
                "{}: diverged in epoch {epoch} (the cost became non-finite); lower its learning rate with {}@LR",
                run.name, run.kind
            ));
            outcome.diverged = true;
            return Ok((outcome, None));
        }
        Err(other) => return Err(other.into()),
    };
    let epochs = fitted.history.epochs.len();
    let times = match settings.precision {
        Precision::F32 => training_times::<f32>(dataset, settings, epochs)?,
        Precision::F64 => training_times::<f64>(dataset, settings, epochs)?,
    };
    // The weights the model kept: the best epoch's with early stopping.
    let restored = settings
        .train
        .early_stopping
        .is_some_and(|stopping| stopping.restore_best);
    let last = fitted
        .history
        .best_epoch
        .filter(|_| restored)
        .and_then(|best| fitted.history.epochs.get(best - 1))
        .or(fitted.history.epochs.last());
    outcome.epochs = fitted.history.epochs.len();
    outcome.steps = fitted.history.steps;
    outcome.train_cost = last.map_or(f64::NAN, |r| r.train_cost);
    outcome.test_cost = last.and_then(|r| r.test_cost).unwrap_or(f64::NAN);
    outcome.test_metric = match &fitted.test_metrics {
        Metrics::Regression(m) => m.rmse,
        Metrics::Classification(m) => m.accuracy,
    };
    outcome.seconds = times.last().copied().unwrap_or(f64::NAN);
    outcome.records = fitted.history.epochs;
    outcome.times = times;
    Ok((outcome, Some(fitted.model.info().clone())))
}

/// The seconds after each of the first `epochs` epochs of the same training
/// with nothing measured (as many epochs as the measured run took, which
/// early stopping may have ended before the last).
fn training_times<T: Float>(
    dataset: &Dataset,
    settings: &FitSettings,
    epochs: usize,
) -> anyhow::Result<Vec<f64>> {
    let split = train_test_split(dataset, settings.test_fraction, settings.train.seed)?;
    let mut prepared = prepare::<T>(dataset, &split, settings)?;
    let timing = TrainSettings {
        measure_costs: false,
        early_stopping: None,
        epochs: epochs.max(1),
        ..prepared.train_settings.clone()
    };
    let mut times = Vec::with_capacity(timing.epochs);
    train(
        &mut prepared.network,
        DataSets::train_only(&prepared.train),
        &timing,
        |record| {
            times.push(record.seconds);
            Control::Continue
        },
    )?;
    Ok(times)
}

/// The metric to reach: given, or derived from the best run.
fn target_metric(
    task: Task,
    outcomes: &[Outcome],
    given: Option<f64>,
    info: &ModelInfo,
) -> (f64, String) {
    let finished = outcomes
        .iter()
        .filter(|o| !o.diverged)
        .map(|o| o.test_metric);
    let unit = target_unit(&info.target_column);
    match (task, given) {
        (Task::Regression, Some(t)) => (t, format!("test RMSE ≤ {t} {unit} (--target-metric)")),
        (Task::Classification, Some(t)) => (t, format!("test accuracy ≥ {t} (--target-metric)")),
        (Task::Regression, None) => {
            let best = finished.fold(f64::INFINITY, f64::min);
            let t = 1.05 * best;
            (
                t,
                format!(
                    "test RMSE ≤ {} {unit} (1.05 × the best final test RMSE, {}; set it with --target-metric)",
                    report::significant(t, 4),
                    report::significant(best, 4)
                ),
            )
        }
        (Task::Classification, None) => {
            let best = finished.fold(f64::NEG_INFINITY, f64::max);
            let t = best - 0.01;
            (
                t,
                format!(
                    "test accuracy ≥ {} (the best final test accuracy, {}, − 0.01; set it with --target-metric)",
                    report::significant(t, 4),
                    report::significant(best, 4)
                ),
            )
        }
    }
}

/// Fills in when `outcome` first reached `target`.
fn reach_target(outcome: &mut Outcome, task: Task, target: f64) {
    let reached = |m: f64| match task {
        Task::Regression => m <= target,
        Task::Classification => m >= target,
    };
    if let Some(record) = outcome
        .records
        .iter()
        .find(|r| r.test_metric.is_some_and(reached))
    {
        outcome.epoch_to_target = Some(record.epoch);
        outcome.seconds_to_target = outcome.times.get(record.epoch - 1).copied();
    }
}

/// The report: what was compared, the table, and which run got there first.
fn compare_text(
    outcomes: &[Outcome],
    info: &ModelInfo,
    base: &FitSettings,
    target_note: &str,
) -> String {
    let mut text = String::new();
    let _ = writeln!(
        text,
        "{} runs of {} on {}, all from seed {}: {} epochs each (cost: {})",
        outcomes.len(),
        info.architecture,
        info.target_column,
        base.train.seed,
        base.train.epochs,
        report::cost_name(info.architecture.loss),
    );
    let _ = writeln!(text, "target: {target_note}\n");
    let metric = metric_label(info);
    let headings = [
        "optimizer",
        "batch",
        "lr",
        "epochs",
        "steps",
        "train cost",
        "test cost",
        metric.as_str(),
        "time",
        "target at epoch",
        "target after",
    ];
    let lines: Vec<(String, Vec<String>)> = outcomes
        .iter()
        .map(|o| {
            let number = |v: f64| {
                if o.diverged {
                    "diverged".to_owned()
                } else {
                    format!("{v:.4}")
                }
            };
            (
                o.name.clone(),
                vec![
                    o.optimizer.clone(),
                    o.batch_size.clone(),
                    o.learning_rate.to_string(),
                    o.epochs.to_string(),
                    report::thousands(o.steps),
                    number(o.train_cost),
                    number(o.test_cost),
                    number(o.test_metric),
                    if o.diverged {
                        "-".to_owned()
                    } else {
                        report::seconds(o.seconds)
                    },
                    o.epoch_to_target
                        .map_or("not reached".to_owned(), |e| e.to_string()),
                    o.seconds_to_target.map_or("-".to_owned(), report::seconds),
                ],
            )
        })
        .collect();
    text.push_str(&report::table("run", &headings, &lines, ""));
    let _ = writeln!(
        text,
        "\nsteps: gradient evaluations; time: wall time of the training steps alone (timed in a second, identical run without the per-epoch measurements)"
    );
    let fastest = outcomes
        .iter()
        .filter_map(|o| o.seconds_to_target.map(|s| (s, o)))
        .min_by(|a, b| a.0.total_cmp(&b.0));
    match fastest {
        Some((seconds, o)) => {
            let _ = writeln!(
                text,
                "first to the target: {} after {} (epoch {}, {} steps)",
                o.name,
                report::seconds(seconds),
                o.epoch_to_target.unwrap_or(0),
                report::thousands(
                    o.records
                        .get(o.epoch_to_target.unwrap_or(1) - 1)
                        .map_or(0, |r| r.steps)
                ),
            );
        }
        None => {
            let _ = writeln!(text, "no run reached the target");
        }
    }
    text
}

/// The three pictures: training cost against epochs, gradient steps and
/// wall time.
fn draw(
    pictures: &Pictures,
    outcomes: &[Outcome],
    info: &ModelInfo,
) -> anyhow::Result<Vec<PathBuf>> {
    let finished: Vec<&Outcome> = outcomes.iter().filter(|o| !o.diverged).collect();
    let label = |o: &Outcome| match o.kind.as_str() {
        "sgd" if o.batch_size == "1" => format!("SGD (batch size 1), lr {}", o.learning_rate),
        "batch" => format!("batch GD (all rows), lr {}", o.learning_rate),
        name if name.starts_with("minibatch") => {
            format!("mini-batch {}, lr {}", o.batch_size, o.learning_rate)
        }
        name => format!("{name}, lr {}", o.learning_rate),
    };
    let y_label = cost_axis(info.architecture.loss).replace("cost: ", "training cost: ");
    let picture = |name: &str,
                   what: &str,
                   x_label: &str,
                   x: &dyn Fn(&Outcome, usize, &EpochRecord) -> f64|
     -> anyhow::Result<PathBuf> {
        let series: Vec<Series> = finished
            .iter()
            .map(|o| Series {
                label: label(o),
                points: o
                    .records
                    .iter()
                    .enumerate()
                    .map(|(i, r)| (x(o, i, r), r.train_cost))
                    .collect(),
            })
            .collect();
        // Steps and seconds differ by orders of magnitude between SGD and
        // batch GD: a log axis shows them all.
        let ends: Vec<f64> = series
            .iter()
            .filter_map(|s| s.points.last().map(|p| p.0))
            .filter(|x| *x > 0.0)
            .collect();
        let spread = ends.iter().copied().fold(0.0, f64::max)
            / ends.iter().copied().fold(f64::INFINITY, f64::min);
        let chart = LineChart {
            title: format!("Training cost against {what}: {}", info.architecture),
            x_label: x_label.to_owned(),
            y_label: y_label.clone(),
            log_x: name != "epochs" && spread > 5.0,
            log_y: pictures.log_scale,
            series,
        };
        let path = pictures.path(&format!("compare_{name}"));
        line_chart(&chart, &path)?;
        Ok(path)
    };
    Ok(vec![
        picture("epochs", "epochs", "epoch", &|_, _, r| r.epoch as f64)?,
        picture(
            "steps",
            "gradient steps",
            "gradient evaluations (steps)",
            &|_, _, r| r.steps as f64,
        )?,
        picture(
            "time",
            "wall time",
            "wall time of the training steps, seconds",
            &|o, i, _| o.times.get(i).copied().unwrap_or(f64::NAN),
        )?,
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variants_and_optimizers_parse() {
        assert_eq!(
            variant("sgd").unwrap().change,
            Change::Batch(BatchSize::Samples(1))
        );
        assert_eq!(
            variant("minibatch:32@0.1").unwrap(),
            Run {
                name: "minibatch:32@0.1".into(),
                kind: "minibatch:32".into(),
                change: Change::Batch(BatchSize::Samples(32)),
                learning_rate: Some(0.1)
            }
        );
        assert_eq!(
            variant("batch").unwrap().change,
            Change::Batch(BatchSize::Full)
        );
        assert!(variant("minibatch:0").is_err());
        assert!(variant("full").is_err());
        assert!(variant("sgd@-1").is_err());
        let adam = optimizer_run("adam").unwrap();
        let base = FitSettings::default();
        assert_eq!(adam.settings(&base, false).train.learning_rate, 0.01);
        assert_eq!(adam.settings(&base, true).train.learning_rate, 0.05);
        let momentum = optimizer_run("momentum@0.02").unwrap();
        assert_eq!(momentum.settings(&base, false).train.learning_rate, 0.02);
        assert!(optimizer_run("adagrad").is_err());
    }
}
