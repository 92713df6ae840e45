//! `gradlab landscape --model M --data F`: the cost surface around a model's
//! trained weights on a plane through weight space, as a heat map with
//! contour lines (see `gradlab::analysis::landscape` for the planes).
//!
//! - `--params A,B`: the plane of two weights; the axes are their values and
//!   every other weight keeps the model's value.
//! - `--random` (the default): two random filter-normalised directions.
//! - `--trajectories sgd,momentum,adam`: trains from the seeded start of the
//!   model's settings with each optimizer, recording the weights after every
//!   epoch, and draws each path; with random directions the plane is then the
//!   PCA plane of the paths (so that they show), centred on the model.
//! - `--between A,B`: trains from initial-weight seeds A and B (split, scaling
//!   and batch order fixed by the model's settings) and shows the plane
//!   through both final weights (A at (0, 0), B at (1, 0)) with both paths:
//!   two seeds, two minima.
//!
//! The engine's `analysis::landscape_experiment` trains and evaluates;
//! this file parses, reports progress and renders.

use crate::output::Console;
use crate::parse::{self, ParamNames};
use crate::report;
use crate::settings_args::CsvArgs;
use clap::Args;
use gradlab::analysis::landscape_experiment::{
    self, LandscapePath, LandscapeResult, LandscapeSettings, MarkKind, PathSource, PlaneChoice,
    PlaneKind, Trajectory,
};
use gradlab::analysis::progress::{Phase, Progress};
use gradlab::model::ModelInfo;
use gradlab::setting::Setting;
use gradlab::train::optimizer::Optimizer;
use gradlab_plot::heat::{Grid, HeatMap};
use gradlab_plot::series::Series;
use serde::Serialize;
use std::fmt::Write as _;
use std::path::PathBuf;

/// Arguments of `gradlab landscape`.
#[derive(Debug, Args)]
pub struct LandscapeArgs {
    /// The trained model (.safetensors): the centre of the picture, and the
    /// settings (network, seed, split) of any training done here.
    #[arg(long, value_name = "FILE")]
    model: PathBuf,
    /// The CSV file the model was trained on (the training rows are split
    /// off again with the model's seed).
    #[arg(long, value_name = "FILE")]
    data: PathBuf,
    #[command(flatten)]
    csv: CsvArgs,
    /// The plane of these two weights, e.g. layers.0.weight[0,0],layers.1.weight[0,0].
    #[arg(long, value_name = "A,B", value_parser = parse::param_names, conflicts_with_all = ["random", "between"])]
    params: Option<ParamNames>,
    /// Two random filter-normalised directions (the default).
    #[arg(long)]
    random: bool,
    /// Half-width of the picture: ± SPAN around the centre, in the weights'
    /// units (--params) or in multiples of the directions.
    #[arg(long, value_name = "SPAN", default_value = "1.0")]
    span: f64,
    /// Grid points per axis.
    #[arg(long, value_name = "N", default_value = "61")]
    resolution: usize,
    /// Train from the model's seeded start with these optimizers (each may
    /// end in @LR) and draw their paths.
    #[arg(
        long,
        value_name = "LIST",
        value_delimiter = ',',
        conflicts_with = "between"
    )]
    trajectories: Option<Vec<String>>,
    /// Train from these two initial-weight seeds and show the plane through
    /// both results, e.g. 3,7.
    #[arg(long, value_name = "A,B", value_parser = seed_pair)]
    between: Option<(u64, u64)>,
    /// Epochs of the training done here [default: the model's].
    #[arg(long, value_name = "N")]
    epochs: Option<usize>,
    /// Learning rate of the training done here [default: the model's, or
    /// 0.01 for adam, adamw and rmsprop].
    #[arg(long, value_name = "RATE")]
    lr: Option<f64>,
    /// Seed of the random directions.
    #[arg(long, value_name = "N", default_value = "1")]
    direction_seed: u64,
    /// Colours (and contour levels) on a log scale.
    #[arg(long)]
    log_color: bool,
    /// The picture: .png or .svg.
    #[arg(long, value_name = "FILE", default_value = "landscape.png")]
    out: PathBuf,
    /// Print one JSON object on stdout instead of the text report.
    #[arg(long)]
    json: bool,
}

/// `--between 3,7`.
fn seed_pair(text: &str) -> Result<(u64, u64), String> {
    let bad = || "expected two seeds such as 3,7".to_owned();
    let (a, b) = text.split_once(',').ok_or_else(bad)?;
    let a = a.trim().parse::<u64>().map_err(|_| bad())?;
    let b = b.trim().parse::<u64>().map_err(|_| bad())?;
    if a == b {
        return Err("the two seeds must differ".to_owned());
    }
    Ok((a, b))
}

/// One path as `landscape --json` prints it.
#[derive(Debug, Clone, Serialize)]
struct PathJson<'a> {
    label: String,
    final_cost: f64,
    /// The path in plane coordinates.
    points: &'a [(f64, f64)],
}

/// What `landscape --json` prints.
#[derive(Serialize)]
struct LandscapeJson<'a> {
    plane: &'a str,
    resolution: usize,
    x_range: (f64, f64),
    y_range: (f64, f64),
    lowest_cost: f64,
    lowest_at: (f64, f64),
    centre_cost: f64,
    paths: Vec<PathJson<'a>>,
    marks: &'a [(String, f64, f64)],
    picture: String,
}

/// Runs `gradlab landscape`.
pub fn run(args: LandscapeArgs, console: &Console) -> anyhow::Result<()> {
    gradlab_plot::format::Format::from_path(&args.out)?;
    super::check_out_directory(&args.out, "picture")?;
    anyhow::ensure!(
        args.span.is_finite() && args.span > 0.0,
        "--span must be a positive number, not {}",
        args.span
    );
    anyhow::ensure!(
        (2..=1000).contains(&args.resolution),
        "--resolution must be between 2 and 1000, not {}",
        args.resolution
    );
    if let Some(rate) = args.lr {
        anyhow::ensure!(
            rate.is_finite() && rate > 0.0,
            "--lr must be positive, not {rate}"
        );
    }
    let optimizers: Option<Vec<(String, Optimizer, Option<f64>)>> = args
        .trajectories
        .as_ref()
        .map(|list| list.iter().map(|t| trajectory_spec(t)).collect())
        .transpose()?;
    let model = super::load_model(&args.model)?;
    let table = args.csv.read(&args.data)?;
    let dataset = model
        .dataset_from_table(&table)
        .map_err(|err| args.csv.explained(err))?;
    let settings = LandscapeSettings {
        plane: match &args.params {
            Some(names) => PlaneChoice::Weights(names.0.clone()),
            None => PlaneChoice::Random,
        },
        span: args.span,
        resolution: args.resolution,
        trajectories: optimizers
            .unwrap_or_default()
            .into_iter()
            .map(|(name, optimizer, learning_rate)| Trajectory {
                name,
                optimizer,
                learning_rate,
            })
            .collect(),
        between: args.between,
        epochs: args.epochs,
        learning_rate: args.lr,
        direction_seed: args.direction_seed,
    };
    let info = model.info();
    let result = landscape_experiment::run(
        &model,
        &dataset,
        &settings,
        progress(&args, &settings, info, console),
    )
    .map_err(cli_error)?;
    render(&args, info, &result, console)
}

/// The engine's refusals that name a flag of this command.
fn cli_error(err: gradlab::Error) -> anyhow::Error {
    match err {
        gradlab::Error::InvalidSetting {
            setting: Setting::Params,
            ..
        } => anyhow::anyhow!(
            "--params needs exactly two weights, e.g. layers.0.weight[0,0],layers.1.weight[0,0]"
        ),
        gradlab::Error::InvalidSetting {
            setting: Setting::Trajectories,
            message,
        } => anyhow::anyhow!(message),
        other => other.into(),
    }
}

/// The notes of the experiment's progress on stderr.
fn progress<'a>(
    args: &'a LandscapeArgs,
    settings: &'a LandscapeSettings,
    info: &'a ModelInfo,
    console: &'a Console,
) -> impl FnMut(Progress<'_>) + 'a {
    move |event| {
        match event {
        Progress::Phase(Phase::Rows { rows }) => console.note(format!(
            "cost over the {rows} training rows of {} (split again with the model's seed {} and test fraction {})",
            args.data.display(),
            info.settings.train.seed,
            info.settings.test_fraction
        )),
        Progress::Phase(Phase::Grid { resolution }) => console.note(format!(
            "evaluating the cost at {resolution} × {resolution} points"
        )),
        Progress::PathTrained {
            index,
            epochs,
            learning_rate,
            final_cost,
        } => match settings.between {
            Some((a, b)) => console.note(format!(
                "seed {}: {epochs} epochs of {}, final training cost {}",
                if index == 0 { a } else { b },
                info.settings.train.optimizer.name(),
                report::significant(final_cost, 4)
            )),
            None => console.note(format!(
                "{}: {epochs} epochs at learning rate {learning_rate}, final training cost {}",
                settings.trajectories[index].name,
                report::significant(final_cost, 4)
            )),
        },
        Progress::Diverged {
            index,
            epoch,
            learning_rate,
        } => {
            let name = &settings.trajectories[index].name;
            console.note(format!(
                "{name} (learning rate {learning_rate}) diverged in epoch {epoch}: not drawn; lower its rate with {name}@LR"
            ))
        }
        _ => {}
    }
    }
}

/// A path's label: where it comes from and its final cost.
fn path_label(path: &LandscapePath) -> String {
    let cost = report::significant(path.final_cost, 4);
    match &path.source {
        PathSource::Seed(seed) => format!("seed {seed}: cost {cost}"),
        PathSource::Optimizer(name) => format!("{name}, lr {}: cost {cost}", path.learning_rate),
    }
}

/// Draws the picture and prints the report.
fn render(
    args: &LandscapeArgs,
    info: &ModelInfo,
    result: &LandscapeResult,
    console: &Console,
) -> anyhow::Result<()> {
    let description = describe(&result.plane, result.paths_leave_the_plane);
    let marks: Vec<(String, f64, f64)> = result
        .marks
        .iter()
        .map(|m| {
            let label = match m.kind {
                MarkKind::Seed(seed) => format!("seed {seed}"),
                MarkKind::TrainedModel => "trained model".to_owned(),
            };
            (label, m.x, m.y)
        })
        .collect();
    let surface = &result.surface;
    let map = HeatMap {
        title: description.title.clone(),
        x_label: description.axes.0.clone(),
        y_label: description.axes.1.clone(),
        grid: Grid {
            x: surface.xs.clone(),
            y: surface.ys.clone(),
            values: surface.costs.clone(),
        },
        log_color: args.log_color,
        contours: 15,
        paths: result
            .paths
            .iter()
            .map(|p| Series {
                label: path_label(p),
                points: p.points.clone(),
            })
            .collect(),
        marks: marks.clone(),
        dots: Vec::new(),
        value_label: format!(
            "training {}",
            gradlab_plot::labels::cost_axis(info.architecture.loss)
        ),
    };
    gradlab_plot::heat::heat_map(&map, &args.out)?;
    if args.json {
        report::print_json(&LandscapeJson {
            plane: &description.plane,
            resolution: args.resolution,
            x_range: result.x_range,
            y_range: result.y_range,
            lowest_cost: result.lowest_cost,
            lowest_at: result.lowest_at,
            centre_cost: result.centre_cost,
            paths: result
                .paths
                .iter()
                .map(|p| PathJson {
                    label: path_label(p),
                    final_cost: p.final_cost,
                    points: &p.points,
                })
                .collect(),
            marks: &marks,
            picture: args.out.display().to_string(),
        })?;
    } else {
        report::print_text(&landscape_text(info, &description, result, args))?;
    }
    console.note(format!("picture written to {}", args.out.display()));
    Ok(())
}

/// `adam@0.01` → the optimizer and its own learning rate.
fn trajectory_spec(text: &str) -> anyhow::Result<(String, Optimizer, Option<f64>)> {
    let (name, rate) = match text.trim().split_once('@') {
        None => (text.trim(), None),
        Some((name, rate)) => {
            let rate: f64 = rate
                .trim()
                .parse()
                .ok()
                .filter(|r: &f64| r.is_finite() && *r > 0.0)
                .ok_or_else(|| {
                    anyhow::anyhow!("'{rate}' after @ is not a positive learning rate")
                })?;
            (name.trim(), Some(rate))
        }
    };
    let optimizer =
        parse::optimizer(name).map_err(|err| anyhow::anyhow!("--trajectories: '{name}': {err}"))?;
    Ok((name.to_owned(), optimizer, rate))
}

/// The plane in words: the picture's title, a sentence, the axis labels.
fn describe(plane: &PlaneKind, paths_leave_the_plane: bool) -> Description {
    match plane {
        PlaneKind::Between {
            first: a,
            second: b,
            direction_seed,
        } => Description {
            title: format!("Two seeds, two minima: seeds {a} and {b}"),
            plane: format!(
                "the plane through the final weights of seed {a} (0, 0) and seed {b} (1, 0); the second direction is random (seed {direction_seed}), filter-normalised, orthogonal to the first"
            ),
            axes: (
                format!("from seed {a}'s weights (0) to seed {b}'s (1)"),
                "random direction, orthogonal (filter-normalised)".to_owned(),
            ),
        },
        PlaneKind::Weights { x, y } => Description {
            title: "Cost around the trained weights".to_owned(),
            plane: format!(
                "the plane of the weights {x} and {y}; every other weight keeps the model's value{}",
                if paths_leave_the_plane {
                    " (the paths move every weight: the colour under a path is not its own cost)"
                } else {
                    ""
                }
            ),
            axes: (x.clone(), y.clone()),
        },
        PlaneKind::PathsPca => Description {
            title: "Cost and training paths (PCA plane of the paths)".to_owned(),
            plane: "the plane of the two principal directions of the paths' moves, through the model's weights; the paths are projected onto it, so the colour under a path is the cost on the plane, not exactly the path's own cost".to_owned(),
            axes: (
                "1st principal direction of the paths".to_owned(),
                "2nd principal direction".to_owned(),
            ),
        },
        PlaneKind::Random { direction_seed } => Description {
            title: "Cost around the trained weights".to_owned(),
            plane: format!(
                "the plane of two random filter-normalised directions (seed {direction_seed}) through the model's weights (Li et al., 2018)"
            ),
            axes: (
                "random direction 1 (filter-normalised)".to_owned(),
                "random direction 2".to_owned(),
            ),
        },
    }
}

/// A plane in words.
struct Description {
    title: String,
    plane: String,
    axes: (String, String),
}

/// The report: the plane, the grid, the costs and the paths.
fn landscape_text(
    info: &ModelInfo,
    description: &Description,
    result: &LandscapeResult,
    args: &LandscapeArgs,
) -> String {
    let (x_range, y_range) = (result.x_range, result.y_range);
    let (lowest, at, centre_cost) = (result.lowest_cost, result.lowest_at, result.centre_cost);
    let paths = &result.paths;
    let mut text = String::new();
    let _ = writeln!(
        text,
        "loss landscape of {} ({} parameters); cost: {}",
        info.architecture,
        info.architecture.parameter_count(),
        report::cost_name(info.architecture.loss)
    );
    let _ = writeln!(text, "plane: {}", description.plane);
    let _ = writeln!(
        text,
        "grid: {} × {} points, x in [{}, {}], y in [{}, {}]",
        args.resolution,
        args.resolution,
        report::human(x_range.0),
        report::human(x_range.1),
        report::human(y_range.0),
        report::human(y_range.1)
    );
    let centre = if args.between.is_some() {
        "cost at the first seed's weights"
    } else {
        "cost at the model's weights"
    };
    let _ = writeln!(text, "{centre}: {}", report::significant(centre_cost, 4));
    let _ = writeln!(
        text,
        "lowest cost on the grid: {} at ({}, {})",
        report::significant(lowest, 4),
        report::human(at.0),
        report::human(at.1)
    );
    if !paths.is_empty() {
        let _ = writeln!(text, "\npaths (weights after every epoch, projected)");
        for path in paths {
            let _ = writeln!(text, "  {}", path_label(path));
        }
    }
    if let Some((a, b)) = args.between {
        let (ca, cb) = (paths[0].final_cost, paths[1].final_cost);
        let relative = (ca - cb).abs() / ca.min(cb).abs().max(f64::MIN_POSITIVE);
        let verdict = if relative > 0.01 {
            format!(
                "two different minima: the final costs differ by {:.0} %",
                100.0 * relative
            )
        } else {
            "the same cost (within 1 %): probably one minimum reached twice (or its mirror image: permuted hidden neurons)".to_owned()
        };
        let _ = writeln!(text, "\nseeds {a} and {b}: {verdict}");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_pairs_and_trajectories_parse() {
        assert_eq!(seed_pair("3,7").unwrap(), (3, 7));
        assert!(seed_pair("3").is_err());
        assert!(seed_pair("3,3").is_err());
        let (name, optimizer, rate) = trajectory_spec("adam@0.002").unwrap();
        assert_eq!(name, "adam");
        assert_eq!(optimizer.name(), "adam");
        assert_eq!(rate, Some(0.002));
        assert!(trajectory_spec("adadelta").is_err());
    }
}
