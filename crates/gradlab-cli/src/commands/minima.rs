//! `gradlab minima`: local and global minima, computed by the engine's
//! `analysis::minima`; this file parses, reports progress and renders. The same network is trained
//! from the initial-weight seeds 1, 2, …, N (the split, the scaling and the
//! batch order stay fixed); runs that end within a relative tolerance of each
//! other count as one minimum. The lowest is the candidate for the global
//! minimum — gradient descent alone cannot prove that it is one.
//!
//! With `--slice` (one or two weights), brute force searches a grid over
//! those weights around the best run's values, every other weight held at
//! the best run's value, and its optimum is printed next to the gradient
//! result: on that slice, did gradient descent find the bottom?

use crate::output::Console;
use crate::parse::{self, ParamNames};
use crate::report;
use crate::settings_args::{DataArgs, SettingsArgs};
use clap::Args;
use gradlab::analysis::minima::{
    self, MinimaResult, MinimaSettings, SliceResult, SliceSettings, SliceSummary, MAX_SLICE_POINTS,
};
use gradlab::analysis::progress::{Phase, Progress};
use gradlab::analysis::restarts::Restarts;
use gradlab::nn::network::Architecture;
use gradlab_plot::heat::{Grid, HeatMap};
use gradlab_plot::histogram::Histogram;
use gradlab_plot::line::LineChart;
use gradlab_plot::series::Series;
use serde::Serialize;
use std::fmt::Write as _;
use std::path::PathBuf;

/// Arguments of `gradlab minima`.
#[derive(Debug, Args)]
pub struct MinimaArgs {
    #[command(flatten)]
    data: DataArgs,
    /// Train from the initial-weight seeds 1 to N.
    #[arg(
        long,
        value_name = "N",
        default_value = "30",
        help_heading = "Restarts"
    )]
    restarts: u64,
    /// Runs whose final training costs differ by less than this share of the
    /// lower one count as the same minimum.
    #[arg(
        long,
        value_name = "F",
        default_value = "0.01",
        help_heading = "Restarts"
    )]
    tolerance: f64,
    /// Also brute-force these 1 or 2 weights around the best run (the others
    /// fixed at its values), e.g. layers.0.weight[0,0].
    #[arg(long, value_name = "NAMES", value_parser = parse::param_names, help_heading = "Restarts")]
    slice: Option<ParamNames>,
    /// The brute-force grid spans the best run's values ± SPAN.
    #[arg(
        long,
        value_name = "SPAN",
        default_value = "3.0",
        help_heading = "Restarts"
    )]
    slice_span: f64,
    /// Grid points per weight [default: 2001 for one weight, 201 for two].
    #[arg(long, value_name = "N", help_heading = "Restarts")]
    slice_points: Option<u64>,
    #[command(flatten)]
    settings: SettingsArgs,
    /// Write pictures into this directory (made if missing): the histogram
    /// of final costs, and with --slice the cost over the slice.
    #[arg(long, value_name = "DIR", help_heading = "Output")]
    plot: Option<PathBuf>,
    /// The pictures' file format.
    #[arg(long, value_name = "FORMAT", default_value = "png", value_parser = ["png", "svg"], help_heading = "Output")]
    plot_format: String,
    /// Print one JSON object on stdout instead of the text report.
    #[arg(long, help_heading = "Output")]
    json: bool,
}

/// What `minima --json` prints.
#[derive(Serialize)]
struct MinimaJson<'a> {
    architecture: String,
    restarts: &'a Restarts,
    best_seed: Option<u64>,
    slice: Option<&'a SliceSummary>,
    pictures: Vec<String>,
}

/// Runs `gradlab minima`.
pub fn run(args: MinimaArgs, console: &Console) -> anyhow::Result<()> {
    let settings = args.settings.resolve()?;
    anyhow::ensure!(
        (1..=10_000).contains(&args.restarts),
        "--restarts must be between 1 and 10000, not {}",
        args.restarts
    );
    anyhow::ensure!(
        args.tolerance.is_finite() && args.tolerance >= 0.0,
        "--tolerance must be ≥ 0, not {}",
        args.tolerance
    );
    anyhow::ensure!(
        args.slice_span.is_finite() && args.slice_span > 0.0,
        "--slice-span must be positive, not {}",
        args.slice_span
    );
    if let Some(slice) = &args.slice {
        anyhow::ensure!(
            (1..=2).contains(&slice.0.len()),
            "--slice takes one or two weights (brute force over more is the course's lesson in exponential growth: see gradlab brute-force --explain), not {}",
            slice.0.len()
        );
    }
    let pictures = match &args.plot {
        Some(dir) => Some(gradlab_plot::pictures::Pictures::new(
            dir,
            &args.plot_format,
            false,
        )?),
        None => None,
    };
    let (table, dataset) = args.data.load(|note| console.note(note))?;
    let architecture = gradlab::prepare::architecture_for(&dataset, &settings);
    console.note(format!(
        "{} restarts of {architecture} ({} parameters) on {}, {} epochs each; split, scaling and batch order fixed by seed {}",
        args.restarts,
        architecture.parameter_count(),
        table.source_name(),
        settings.train.epochs,
        settings.train.seed
    ));
    let minima_settings = MinimaSettings {
        base: settings,
        restarts: args.restarts,
        tolerance: args.tolerance,
        slice: args.slice.as_ref().map(|names| SliceSettings {
            weights: names.0.clone(),
            span: args.slice_span,
            points: args.slice_points,
        }),
    };
    if let Some(slice) = &minima_settings.slice {
        let points = slice.points();
        anyhow::ensure!(
            (2..=MAX_SLICE_POINTS).contains(&points),
            "--slice-points must be between 2 and 100001, not {points}"
        );
    }
    let result = minima::run(&dataset, &minima_settings, |event| {
        if let Progress::Phase(Phase::Slice {
            weights,
            seed,
            axis,
        }) = event
        {
            console.note(format!(
                "brute force over {} around seed {seed}'s weights: {} points per weight in [{}, {}]",
                weights.join(", "),
                axis.points(),
                report::human(axis.low),
                report::human(axis.high)
            ));
        }
    })?;
    let mut written = Vec::new();
    if let Some(pictures) = &pictures {
        written.push(histogram(pictures, &result.restarts, &result.architecture)?);
        if let Some(slice) = &result.slice {
            written.push(slice_picture(pictures, slice, &result.architecture)?);
        }
    }
    if args.json {
        report::print_json(&MinimaJson {
            architecture: result.architecture.to_string(),
            restarts: &result.restarts,
            best_seed: result.best_seed,
            slice: result.slice.as_ref().map(|s| &s.summary),
            pictures: written.iter().map(|p| p.display().to_string()).collect(),
        })?;
    } else {
        report::print_text(&minima_text(&minima_settings, &result))?;
    }
    for path in written {
        console.note(format!("picture written to {}", path.display()));
    }
    Ok(())
}

/// The histogram of final costs with the minima marked.
fn histogram(
    pictures: &gradlab_plot::pictures::Pictures,
    found: &Restarts,
    architecture: &Architecture,
) -> anyhow::Result<PathBuf> {
    let values: Vec<f64> = found.runs.iter().map(|r| r.train_cost).collect();
    let mut marks = Vec::new();
    for (k, minimum) in found.minima.iter().enumerate().take(6) {
        let runs = minimum.seeds.len();
        let label = if k == 0 {
            format!("global candidate ({runs} runs)")
        } else {
            format!("local minimum {} ({runs} runs)", k + 1)
        };
        marks.push((label, minimum.cost));
    }
    let bins = (values.len() / 2).clamp(10, 40);
    let chart = Histogram {
        title: format!("Final cost of {} restarts: {}", values.len(), architecture),
        x_label: format!(
            "final training {}",
            gradlab_plot::labels::cost_axis(architecture.loss)
        ),
        values,
        bins,
        marks,
    };
    let path = pictures.path("minima");
    gradlab_plot::histogram::histogram(&chart, &path)?;
    Ok(path)
}

/// The cost over the slice: a curve (one weight) or a heat map (two), with
/// the gradient result and the brute-force optimum marked.
fn slice_picture(
    pictures: &gradlab_plot::pictures::Pictures,
    slice_result: &SliceResult,
    architecture: &Architecture,
) -> anyhow::Result<PathBuf> {
    let path = pictures.path("minima_slice");
    let (slice, axis, costs) = (
        &slice_result.summary,
        &slice_result.axis,
        &slice_result.costs,
    );
    anyhow::ensure!(!costs.is_empty(), "the brute force kept no costs");
    let n = axis.points() as usize;
    let values: Vec<f64> = (0..n as u64).map(|i| axis.value(i)).collect();
    let cost_label = gradlab_plot::labels::cost_axis(architecture.loss);
    if slice.weights.len() == 1 {
        let (lo, hi) = costs
            .iter()
            .filter(|c| c.is_finite())
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &c| {
                (lo.min(c), hi.max(c))
            });
        let vertical = |x: f64| vec![(x, lo), (x, hi)];
        let (gradient, brute) = (slice.gradient_values[0], slice.brute_force_values[0]);
        let mut series = vec![Series {
            label: "brute force: the cost at every grid value".to_owned(),
            points: values.iter().copied().zip(costs.iter().copied()).collect(),
        }];
        if (gradient - brute).abs() <= slice.step {
            series.push(Series {
                label: format!(
                    "gradient descent and brute force: both at {}",
                    report::human(gradient)
                ),
                points: vertical(gradient),
            });
        } else {
            series.push(Series {
                label: format!("gradient descent ended at {}", report::human(gradient)),
                points: vertical(gradient),
            });
            series.push(Series {
                label: format!("brute-force optimum at {}", report::human(brute)),
                points: vertical(brute),
            });
        }
        let chart = LineChart {
            title: format!(
                "Cost along {} (others at the best run's values)",
                slice.weights[0]
            ),
            x_label: slice.weights[0].clone(),
            y_label: format!("training {cost_label}"),
            log_x: false,
            log_y: false,
            series,
        };
        gradlab_plot::line::line_chart(&chart, &path)?;
    } else {
        // Grid order: the first weight varies slowest; the picture puts it on x.
        let transposed: Vec<f64> = (0..n)
            .flat_map(|iy| (0..n).map(move |ix| (ix, iy)))
            .map(|(ix, iy)| costs[ix * n + iy])
            .collect();
        let (g, b) = (&slice.gradient_values, &slice.brute_force_values);
        let apart = (g[0] - b[0]).abs().max((g[1] - b[1]).abs());
        // Two labels at (nearly) one point would cover each other.
        let marks = if apart <= 2.0 * slice.step {
            vec![("gradient descent ≈ brute force".to_owned(), g[0], g[1])]
        } else {
            vec![
                ("gradient descent".to_owned(), g[0], g[1]),
                ("brute force".to_owned(), b[0], b[1]),
            ]
        };
        let map = HeatMap {
            title: "Cost over two weights (others at the best run's values)".to_owned(),
            x_label: slice.weights[0].clone(),
            y_label: slice.weights[1].clone(),
            grid: Grid {
                x: values.clone(),
                y: values,
                values: transposed,
            },
            log_color: true,
            contours: 15,
            paths: Vec::new(),
            marks,
            dots: Vec::new(),
            value_label: format!("training {cost_label}"),
        };
        gradlab_plot::heat::heat_map(&map, &path)?;
    }
    Ok(path)
}

/// The report: the minima's table and, with a slice, the brute force next
/// to the gradient result.
fn minima_text(minima_settings: &MinimaSettings, result: &MinimaResult) -> String {
    let mut text = String::new();
    let settings = &minima_settings.base;
    let found = &result.restarts;
    let architecture = &result.architecture;
    let _ = writeln!(
        text,
        "{} restarts of {} ({} parameters): initial-weight seeds 1 to {}, {} epochs of {} each",
        found.runs.len(),
        architecture,
        architecture.parameter_count(),
        minima_settings.restarts,
        settings.train.epochs,
        crate::settings_args::describe_optimizer(&settings.train.optimizer),
    );
    let _ = writeln!(
        text,
        "the same {} training rows, scaling and batch order for every run (seed {}); cost: {}",
        result.train_rows,
        settings.train.seed,
        report::cost_name(architecture.loss)
    );
    let _ = writeln!(
        text,
        "runs whose final training costs differ by less than {} % count as one minimum\n",
        100.0 * minima_settings.tolerance
    );
    let test_cost = |seed: u64| {
        found
            .runs
            .iter()
            .find(|r| r.seed == seed)
            .map_or(f64::NAN, |r| r.test_cost)
    };
    let lines: Vec<(String, Vec<String>)> = found
        .minima
        .iter()
        .enumerate()
        .map(|(k, minimum)| {
            let best_seed = found
                .runs
                .iter()
                .filter(|r| minimum.seeds.contains(&r.seed))
                .min_by(|a, b| a.train_cost.total_cmp(&b.train_cost))
                .map_or(minimum.seeds[0], |r| r.seed);
            let mut seeds: Vec<u64> = minimum.seeds.clone();
            seeds.sort_unstable();
            (
                if k == 0 {
                    "1 (global candidate)".to_owned()
                } else {
                    (k + 1).to_string()
                },
                vec![
                    format!("{:.5}", minimum.cost),
                    format!("{:.5}", test_cost(best_seed)),
                    minimum.seeds.len().to_string(),
                    seeds_text(&seeds),
                ],
            )
        })
        .collect();
    // The seeds, left-aligned under their heading (the table right-aligns).
    let width = lines
        .iter()
        .map(|(_, cells)| cells[3].chars().count())
        .max()
        .unwrap_or(0);
    let lines: Vec<(String, Vec<String>)> = lines
        .into_iter()
        .map(|(label, mut cells)| {
            cells[3] = format!("{:<width$}", cells[3]);
            (label, cells)
        })
        .collect();
    let seeds_heading = format!("{:<width$}", "seeds");
    text.push_str(&report::table(
        "minimum",
        &["train cost", "test cost", "runs", &seeds_heading],
        &lines,
        "",
    ));
    let diverged = found
        .runs
        .iter()
        .filter(|r| !r.train_cost.is_finite())
        .count();
    if diverged > 0 {
        let _ = writeln!(text, "diverged (left out): {diverged} runs");
    }
    let _ = writeln!(
        text,
        "\n{} distinct final costs from {} starts; the lowest is only a candidate for the global minimum",
        found.minima.len(),
        found.runs.len()
    );
    if let Some(SliceResult { summary: slice, .. }) = &result.slice {
        let best = result.best_seed.unwrap_or(0);
        let _ = writeln!(
            text,
            "\nbrute force over {} in [{}, {}] step {} ({} points), every other weight at seed {best}'s final values:",
            slice.weights.join(", "),
            report::human(slice.low),
            report::human(slice.high),
            report::significant(slice.step, 3),
            report::thousands(slice.points),
        );
        let values = |v: &[f64]| {
            v.iter()
                .map(|x| report::human(*x))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let rows = vec![
            (
                "gradient descent".to_owned(),
                vec![
                    format!("{:.6}", slice.gradient_cost),
                    values(&slice.gradient_values),
                ],
            ),
            (
                "brute force".to_owned(),
                vec![
                    format!("{:.6}", slice.brute_force_cost),
                    values(&slice.brute_force_values),
                ],
            ),
        ];
        text.push_str(&report::table(
            "",
            &["train cost", &slice.weights.join(", ")],
            &rows,
            "  ",
        ));
        let gap = slice.gradient_cost - slice.brute_force_cost;
        let distance = slice
            .gradient_values
            .iter()
            .zip(&slice.brute_force_values)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f64::max);
        let relative = gap / slice.brute_force_cost.abs().max(f64::MIN_POSITIVE);
        let verdict = if distance <= slice.step {
            "they agree: on this slice, gradient descent found the bottom (to within the grid's step)".to_owned()
        } else if gap <= 0.0 {
            "gradient descent is lower than every grid point: the grid is too coarse to hit its value".to_owned()
        } else if relative < 0.01 {
            format!(
                "nearly the same bottom: gradient descent ended {} from the slice's minimum, its cost {} % higher (the last steps of stochastic descent jitter around the bottom)",
                report::significant(distance, 2),
                report::significant(100.0 * relative, 2)
            )
        } else {
            format!(
                "brute force found a clearly lower cost on this slice ({} % lower): gradient descent had not reached the slice's minimum",
                report::significant(100.0 * relative, 2)
            )
        };
        let _ = writeln!(text, "  {verdict}");
    }
    text
}

/// `1-5, 7, 9-10`.
fn seeds_text(seeds: &[u64]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < seeds.len() {
        let mut j = i;
        while j + 1 < seeds.len() && seeds[j + 1] == seeds[j] + 1 {
            j += 1;
        }
        parts.push(if j > i + 1 {
            format!("{}-{}", seeds[i], seeds[j])
        } else if j == i + 1 {
            format!("{}, {}", seeds[i], seeds[j])
        } else {
            seeds[i].to_string()
        });
        i = j + 1;
    }
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_lists_are_shortened() {
        assert_eq!(seeds_text(&[1, 2, 3, 5, 7, 8]), "1-3, 5, 7, 8");
        assert_eq!(seeds_text(&[4]), "4");
    }
}
