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
use gradlab::analysis::compare::{
    self, Change, CompareResult, CompareRun, CompareSettings, RunResult, RunSummary,
};
use gradlab::analysis::progress::Progress;
use gradlab::analysis::target::metric_name;
use gradlab::data::task::Task;
use gradlab::model::ModelInfo;
use gradlab::settings::FitSettings;
use gradlab::train::trainer::{BatchSize, EpochRecord};
use gradlab_plot::line::LineChart;
use gradlab_plot::series::Series;
use serde::Serialize;
use std::fmt::Write as _;
use std::path::PathBuf;

/// Arguments of `gradlab compare`.
#[derive(Debug, Args)]
pub struct CompareArgs {
    #[command(flatten)]
    data: DataArgs,
    /// Batch sizes to compare: sgd (1 row per step), minibatch:N, batch (every
    /// training row); each may end in @LR for its own learning rate
    /// [default: sgd,minibatch:32,batch].
    #[arg(long, value_name = "LIST", value_delimiter = ',', value_parser = variant, conflicts_with = "optimizers", help_heading = "Comparison")]
    variants: Option<Vec<CompareRun>>,
    /// Optimizers to compare (each may end in @LR): sgd, momentum, nesterov,
    /// rmsprop, adam, adamw. Without --lr, adam, adamw and rmsprop use 0.01.
    #[arg(long, value_name = "LIST", value_delimiter = ',', value_parser = optimizer_run, help_heading = "Comparison")]
    optimizers: Option<Vec<CompareRun>>,
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
fn variant(text: &str) -> Result<CompareRun, String> {
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
    Ok(CompareRun {
        name: text.trim().to_owned(),
        kind: name.to_owned(),
        change: Change::Batch(batch),
        learning_rate,
    })
}

/// `--optimizers`: an optimizer name with an optional `@LR`.
fn optimizer_run(text: &str) -> Result<CompareRun, String> {
    let (name, learning_rate) = with_learning_rate(text)?;
    Ok(CompareRun {
        name: text.trim().to_owned(),
        kind: name.to_owned(),
        change: Change::Optimizer(parse::optimizer(name)?),
        learning_rate,
    })
}

/// What `compare --json` prints.
#[derive(Serialize)]
struct CompareJson<'a> {
    task: Task,
    architecture: String,
    metric: &'static str,
    target_metric: f64,
    runs: Vec<&'a RunSummary>,
    pictures: Vec<String>,
}

/// Runs `gradlab compare`.
pub fn run(args: CompareArgs, console: &Console) -> anyhow::Result<()> {
    let base = args.settings.resolve()?;
    let mut settings = CompareSettings {
        learning_rate_given: args.settings.gives_learning_rate()?,
        target_metric: args.target_metric,
        ..CompareSettings::default()
    };
    if let Some(runs) = args.variants.clone().or_else(|| args.optimizers.clone()) {
        settings.runs = runs;
    }
    if let Some(target) = args.target_metric {
        anyhow::ensure!(
            target.is_finite(),
            "--target-metric must be a number, not {target}"
        );
    }
    let pictures = args.plot.pictures()?;
    let (table, dataset) = args.data.load(|note| console.note(note))?;
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
    settings.base = base;
    let result = compare::run(&dataset, &settings, progress(&settings, console))?;
    let info = result
        .model
        .as_ref()
        .ok_or_else(|| anyhow::anyhow!("every run diverged: lower the learning rates (name@LR)"))?;
    let target_note = target_note(&result, info, args.target_metric);
    let mut written = Vec::new();
    if let Some(pictures) = &pictures {
        written = draw(pictures, &result.runs, info)?;
    }
    if args.json {
        report::print_json(&CompareJson {
            task: result.task,
            architecture: info.architecture.to_string(),
            metric: metric_name(result.task),
            target_metric: result.target.value,
            runs: result.runs.iter().map(|r| &r.summary).collect(),
            pictures: written.iter().map(|p| p.display().to_string()).collect(),
        })?;
    } else {
        report::print_text(&compare_text(
            &result.runs,
            info,
            &settings.base,
            &target_note,
        ))?;
    }
    for path in written {
        console.note(format!("picture written to {}", path.display()));
    }
    Ok(())
}

/// The notes and bars of the comparison's progress on stderr.
fn progress<'a>(
    settings: &'a CompareSettings,
    console: &'a Console,
) -> impl FnMut(Progress<'_>) + 'a {
    let mut bar: Option<EpochBar> = None;
    move |event| match event {
        Progress::RunStarted {
            index, settings: s, ..
        } => {
            let run = &settings.runs[index];
            console.note(format!(
                "{}: batch size {}, optimizer {}, learning rate {}",
                run.name,
                s.train.batch_size,
                s.train.optimizer.name(),
                s.train.learning_rate
            ));
            bar = Some(EpochBar::new(*console, &run.name, s.train.epochs));
        }
        Progress::Epoch { record, .. } => {
            if let Some(bar) = &bar {
                bar.update(record);
            }
        }
        Progress::RunFinished { .. } => bar = None,
        Progress::Diverged { index, epoch, .. } => {
            let run = &settings.runs[index];
            console.note(format!(
                "{}: diverged in epoch {epoch} (the cost became non-finite); lower its learning rate with {}@LR",
                run.name, run.kind
            ));
        }
        Progress::Phase(_) | Progress::PathTrained { .. } => {}
    }
}

/// What the target metric is and where it came from.
fn target_note(result: &CompareResult, info: &ModelInfo, given: Option<f64>) -> String {
    let unit = gradlab_plot::labels::target_unit(&info.target_column);
    let t = result.target.value;
    let best = result.target.derived_from.unwrap_or(f64::NAN);
    match (result.task, given) {
        (Task::Regression, Some(t)) => format!("test RMSE ≤ {t} {unit} (--target-metric)"),
        (Task::Classification, Some(t)) => format!("test accuracy ≥ {t} (--target-metric)"),
        (Task::Regression, None) => format!(
            "test RMSE ≤ {} {unit} (1.05 × the best final test RMSE, {}; set it with --target-metric)",
            report::significant(t, 4),
            report::significant(best, 4)
        ),
        (Task::Classification, None) => format!(
            "test accuracy ≥ {} (the best final test accuracy, {}, − 0.01; set it with --target-metric)",
            report::significant(t, 4),
            report::significant(best, 4)
        ),
    }
}

/// The report: what was compared, the table, and which run got there first.
fn compare_text(
    outcomes: &[RunResult],
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
    let metric = gradlab_plot::labels::metric_label(info);
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
        .map(|RunResult { summary: o, .. }| {
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
        .filter_map(|r| r.summary.seconds_to_target.map(|s| (s, r)))
        .min_by(|a, b| a.0.total_cmp(&b.0));
    match fastest {
        Some((
            seconds,
            RunResult {
                summary: o,
                records,
                ..
            },
        )) => {
            let _ = writeln!(
                text,
                "first to the target: {} after {} (epoch {}, {} steps)",
                o.name,
                report::seconds(seconds),
                o.epoch_to_target.unwrap_or(0),
                report::thousands(
                    records
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
    pictures: &gradlab_plot::pictures::Pictures,
    outcomes: &[RunResult],
    info: &ModelInfo,
) -> anyhow::Result<Vec<PathBuf>> {
    let finished: Vec<&RunResult> = outcomes.iter().filter(|o| !o.summary.diverged).collect();
    let label = |RunResult {
                     summary: o, kind, ..
                 }: &RunResult| match kind.as_str() {
        "sgd" if o.batch_size == "1" => format!("SGD (batch size 1), lr {}", o.learning_rate),
        "batch" => format!("batch GD (all rows), lr {}", o.learning_rate),
        name if name.starts_with("minibatch") => {
            format!("mini-batch {}, lr {}", o.batch_size, o.learning_rate)
        }
        name => format!("{name}, lr {}", o.learning_rate),
    };
    let y_label = gradlab_plot::labels::cost_axis(info.architecture.loss)
        .replace("cost: ", "training cost: ");
    let picture = |name: &str,
                   what: &str,
                   x_label: &str,
                   x: &dyn Fn(&RunResult, usize, &EpochRecord) -> f64|
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
        gradlab_plot::line::line_chart(&chart, &path)?;
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
            CompareRun {
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
        assert!(optimizer_run("adadelta").is_err());
    }

    #[test]
    fn the_default_runs_are_the_default_variants() {
        let parsed: Vec<CompareRun> = ["sgd", "minibatch:32", "batch"]
            .iter()
            .map(|v| variant(v).unwrap())
            .collect();
        assert_eq!(CompareSettings::default().runs, parsed);
    }
}
