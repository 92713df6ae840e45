//! `gradlab lecun`: LeCun et al.'s "Efficient BackProp" (1998) as an
//! ablation. One run with all of its recommendations on (input
//! standardisation, shuffling, 1.7159·tanh(2x/3) with ±1 targets, fan-in
//! initialisation, momentum), then one with each switched off in turn, all
//! from the same seed; the table shows the final cost, the test metric and
//! the epochs each needed to reach a target metric.

use crate::output::Console;
use crate::report;
use crate::settings_args::{DataArgs, SettingsArgs};
use clap::Args;
use gradlab::analysis::ablation::{with_all_recommendations, AblationRun};
use gradlab::analysis::lecun::{self, LecunResult, LecunSettings};
use gradlab::analysis::progress::{Phase, Progress};
use gradlab::analysis::target::metric_name;
use gradlab::data::task::Task;
use gradlab::prepare::architecture_for;
use serde::Serialize;
use std::fmt::Write as _;

/// Arguments of `gradlab lecun`.
#[derive(Debug, Args)]
pub struct LecunArgs {
    #[command(flatten)]
    data: DataArgs,
    /// The test metric to reach: an RMSE in the target's units (regression,
    /// reached at or below) or an accuracy (reached at or above) [default:
    /// 1.1 × the test RMSE of the run with every recommendation, or its
    /// accuracy − 0.01].
    #[arg(long, value_name = "X", help_heading = "Ablation")]
    target_metric: Option<f64>,
    #[command(flatten)]
    settings: SettingsArgs,
    /// Print one JSON object on stdout instead of the text report.
    #[arg(long, help_heading = "Output")]
    json: bool,
}

/// What `lecun --json` prints.
#[derive(Serialize)]
struct LecunJson<'a> {
    task: Task,
    architecture: String,
    metric: &'static str,
    target_metric: f64,
    runs: &'a [AblationRun],
}

/// Runs `gradlab lecun`.
pub fn run(args: LecunArgs, console: &Console) -> anyhow::Result<()> {
    let settings = args.settings.resolve()?;
    if let Some(target) = args.target_metric {
        anyhow::ensure!(
            target.is_finite(),
            "--target-metric must be a number, not {target}"
        );
    }
    let (table, dataset) = args.data.load(|note| console.note(note))?;
    let task = dataset.task();
    let all = with_all_recommendations(&settings);
    let architecture = architecture_for(&dataset, &all);
    console.note(format!(
        "data: {}, {} rows; network {architecture}; {} epochs, batch size {}, learning rate {}, seed {}",
        table.source_name(),
        dataset.rows(),
        settings.train.epochs,
        settings.train.batch_size,
        settings.train.learning_rate,
        settings.train.seed
    ));
    let unit = match task {
        Task::Regression => gradlab_plot::labels::target_unit(&dataset.target_name),
        Task::Classification => "",
    };
    let lecun_settings = LecunSettings {
        base: settings,
        target_metric: args.target_metric,
    };
    let result = lecun::run(&dataset, &lecun_settings, |event| match event {
        Progress::Phase(Phase::FindingTarget) => {
            console.note("finding the target: one run with every recommendation")
        }
        Progress::Phase(Phase::Ablation { runs }) => console.note(format!(
            "training {runs} networks: every recommendation, then each one switched off"
        )),
        _ => {}
    })?;
    if args.json {
        return report::print_json(&LecunJson {
            task,
            architecture: architecture.to_string(),
            metric: metric_name(task),
            target_metric: result.target.value,
            runs: &result.runs,
        });
    }
    report::print_text(&lecun_text(&result, &lecun_settings, unit))
}

/// Where the target came from.
fn target_note(result: &LecunResult, unit: &str) -> String {
    match (result.target.derived_from, result.task) {
        (None, _) => "--target-metric".to_owned(),
        (Some(rmse), Task::Regression) => format!(
            "1.1 × the final test RMSE with every recommendation, {} {unit}; set it with --target-metric",
            report::significant(rmse, 4)
        ),
        (Some(accuracy), Task::Classification) => format!(
            "the final test accuracy with every recommendation, {}, − 0.01; set it with --target-metric",
            report::significant(accuracy, 4)
        ),
    }
}

/// The report: the runs' settings, the target and the table.
fn lecun_text(result: &LecunResult, lecun_settings: &LecunSettings, unit: &str) -> String {
    let (task, architecture, runs) = (result.task, &result.architecture, &result.runs);
    let settings = &lecun_settings.base;
    let target = result.target.value;
    let target_note = target_note(result, unit);
    let mut text = String::new();
    let _ = writeln!(
        text,
        "LeCun et al., \"Efficient BackProp\" (1998): {architecture}, {} epochs each from seed {}",
        settings.train.epochs, settings.train.seed
    );
    let _ = writeln!(
        text,
        "every recommendation: standard scaling of the inputs, reshuffling every epoch, 1.7159·tanh(2x/3) (lecun-tanh){}, lecun initialisation (σ = 1/√fan-in), momentum 0.9",
        if task == Task::Regression {
            " with the target scaled to [-1, 1]"
        } else {
            ""
        }
    );
    let (metric, comparison) = match task {
        Task::Regression => (format!("test RMSE ({unit})"), "≤"),
        Task::Classification => ("test accuracy".to_owned(), "≥"),
    };
    let _ = writeln!(
        text,
        "target: {metric} {comparison} {} ({target_note})\n",
        report::significant(target, 4)
    );
    let lines: Vec<(String, Vec<String>)> = runs
        .iter()
        .map(|run| {
            let number = |v: f64| {
                if run.diverged {
                    "diverged".to_owned()
                } else {
                    format!("{v:.4}")
                }
            };
            (
                run.name.clone(),
                vec![
                    number(run.final_train_cost),
                    number(run.test_metric),
                    run.epochs_to_target.map_or_else(
                        || {
                            if run.diverged {
                                "-".to_owned()
                            } else {
                                "not reached".to_owned()
                            }
                        },
                        |e| e.to_string(),
                    ),
                ],
            )
        })
        .collect();
    text.push_str(&report::table(
        "run",
        &["final train cost", &metric, "epochs to target"],
        &lines,
        "",
    ));
    let _ = match task {
        Task::Regression => writeln!(
            text,
            "\nfinal train cost: {}, in each run's own scaling of the target; without LeCun's tanh the target is scaled to [0, 1] instead of [-1, 1], so that cost is on a 4× smaller scale: compare the test RMSE",
            report::cost_name(architecture.loss)
        ),
        Task::Classification => writeln!(text, "\nfinal train cost: cross-entropy"),
    };
    let diverged: Vec<&str> = runs
        .iter()
        .filter(|r| r.diverged)
        .map(|r| r.name.as_str())
        .collect();
    if !diverged.is_empty() {
        let _ = writeln!(
            text,
            "diverged (the cost became non-finite): {}",
            diverged.join(", ")
        );
    }
    text
}
