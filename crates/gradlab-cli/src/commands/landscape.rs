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
//! The cost is the mean training cost over the model's training rows (the
//! split is made again from the model's seed and test fraction), in the
//! model's scaled units.

use crate::figures;
use crate::output::Console;
use crate::parse::{self, ParamNames};
use crate::plot::{self, Grid, HeatMap, Series};
use crate::report;
use crate::settings_args::CsvArgs;
use crate::start;
use clap::Args;
use gradlab::analysis::compare::{is_adaptive, ADAPTIVE_LEARNING_RATE};
use gradlab::analysis::landscape::{landscape, Landscape, Plane};
use gradlab::data::dataset::Dataset;
use gradlab::data::split::train_test_split;
use gradlab::element::Float;
use gradlab::fit::{examples, prepare};
use gradlab::methods::brute_force::ParameterRef;
use gradlab::model::{AnyModel, ModelInfo};
use gradlab::nn::network::Network;
use gradlab::train::optimizer::Optimizer;
use gradlab::train::trainer::{evaluate_cost, train, Control, DataSets};
use gradlab::Precision;
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

/// One path drawn on the picture.
#[derive(Debug, Clone, Serialize)]
struct Path {
    label: String,
    final_cost: f64,
    #[serde(skip)]
    weights: Vec<Vec<f64>>,
    /// The path in plane coordinates.
    points: Vec<(f64, f64)>,
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
    paths: &'a [Path],
    marks: &'a [(String, f64, f64)],
    picture: String,
}

/// Runs `gradlab landscape`.
pub fn run(args: LandscapeArgs, console: &Console) -> anyhow::Result<()> {
    plot::Format::from_path(&args.out)?;
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
    let optimizers = args
        .trajectories
        .as_ref()
        .map(|list| list.iter().map(|t| trajectory_spec(t)).collect())
        .transpose()?;
    let model = super::load_model(&args.model)?;
    let table = args.csv.read(&args.data)?;
    let dataset = model
        .dataset_from_table(&table)
        .map_err(|err| args.csv.explained(err))?;
    let job = Job {
        args: &args,
        optimizers,
        console,
    };
    match model.info().precision {
        Precision::F32 => job.run::<f32>(&model, &dataset),
        Precision::F64 => job.run::<f64>(&model, &dataset),
    }
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

struct Job<'a> {
    args: &'a LandscapeArgs,
    optimizers: Option<Vec<(String, Optimizer, Option<f64>)>>,
    console: &'a Console,
}

impl Job<'_> {
    fn run<T: Float>(&self, model: &AnyModel, dataset: &Dataset) -> anyhow::Result<()> {
        let args = self.args;
        let info = model.info();
        let settings = &info.settings;
        let split = train_test_split(dataset, settings.test_fraction, settings.train.seed)?;
        let prepared = prepare::<T>(dataset, &split, settings)?;
        // The model's own scalers, in case the file differs from the one it
        // was trained on.
        let rows = examples::<T>(dataset, &prepared.rows.train, info);
        let trained: Network<T> = start::model_network(model);
        self.console.note(format!(
            "cost over the {} training rows of {} (split again with the model's seed {} and test fraction {})",
            rows.len(),
            self.args.data.display(),
            settings.train.seed,
            settings.test_fraction
        ));
        let mut train_settings = prepared.train_settings.clone();
        train_settings.record_trajectory = true;
        train_settings.early_stopping = None;
        if let Some(epochs) = args.epochs {
            train_settings.epochs = epochs;
        }
        let learning_rate = |optimizer: &Optimizer, own: Option<f64>| {
            own.or(args.lr).unwrap_or(if is_adaptive(optimizer) {
                ADAPTIVE_LEARNING_RATE
            } else {
                settings.train.learning_rate
            })
        };

        let mut paths = Vec::new();
        let mut marks = Vec::new();
        let mut centre = trained.clone();
        let mut second = None;
        if let Some((seed_a, seed_b)) = args.between {
            for seed in [seed_a, seed_b] {
                let mut network = Network::new(info.architecture.clone(), settings.init, seed)?;
                let history = train(
                    &mut network,
                    DataSets::train_only(&rows),
                    &train_settings,
                    |_| Control::Continue,
                )?;
                let cost = evaluate_cost(&network, &rows);
                self.console.note(format!(
                    "seed {seed}: {} epochs of {}, final training cost {}",
                    history.epochs.len(),
                    train_settings.optimizer.name(),
                    report::significant(cost, 4)
                ));
                paths.push(Path {
                    label: format!("seed {seed}: cost {}", report::significant(cost, 4)),
                    final_cost: cost,
                    weights: history.trajectory,
                    points: Vec::new(),
                });
                if seed == seed_a {
                    centre = network;
                } else {
                    second = Some(network);
                }
            }
        } else if let Some(optimizers) = &self.optimizers {
            for (name, optimizer, own) in optimizers {
                let mut network = prepared.network.clone();
                let mut settings = train_settings.clone();
                settings.optimizer = *optimizer;
                settings.learning_rate = learning_rate(optimizer, *own);
                let trained = train(&mut network, DataSets::train_only(&rows), &settings, |_| {
                    Control::Continue
                });
                let history = match trained {
                    Ok(history) => history,
                    Err(gradlab::Error::Diverged { epoch, .. }) => {
                        self.console.note(format!(
                            "{name} (learning rate {}) diverged in epoch {epoch}: not drawn; lower its rate with {name}@LR",
                            settings.learning_rate
                        ));
                        continue;
                    }
                    Err(other) => return Err(other.into()),
                };
                let cost = evaluate_cost(&network, &rows);
                self.console.note(format!(
                    "{name}: {} epochs at learning rate {}, final training cost {}",
                    history.epochs.len(),
                    settings.learning_rate,
                    report::significant(cost, 4)
                ));
                paths.push(Path {
                    label: format!(
                        "{name}, lr {}: cost {}",
                        settings.learning_rate,
                        report::significant(cost, 4)
                    ),
                    final_cost: cost,
                    weights: history.trajectory,
                    points: Vec::new(),
                });
            }
            anyhow::ensure!(!paths.is_empty(), "every trajectory diverged");
        }

        let (plane, description, axes) = self.plane(&trained, &centre, second.as_ref(), &paths)?;
        for path in &mut paths {
            path.points = path.weights.iter().map(|w| plane.project(w)).collect();
        }
        let (cx, cy) = plane.project(&centre.to_flat());
        let (x_range, y_range) = if args.between.is_some() {
            // Both minima, with room around them and the paths' ends.
            let mut x: (f64, f64) = (-0.5, 1.5);
            let mut y: (f64, f64) = (-1.0, 1.0);
            for path in &paths {
                for &(px, py) in path.points.iter().rev().take(path.points.len() / 2 + 1) {
                    x = (x.0.min(px), x.1.max(px));
                    y = (y.0.min(py), y.1.max(py));
                }
            }
            pad((x, y))
        } else {
            let mut x = (cx - args.span, cx + args.span);
            let mut y = (cy - args.span, cy + args.span);
            for &(px, py) in paths.iter().flat_map(|p| &p.points) {
                x = (x.0.min(px), x.1.max(px));
                y = (y.0.min(py), y.1.max(py));
            }
            if paths.is_empty() {
                (x, y)
            } else {
                pad((x, y))
            }
        };
        self.console.note(format!(
            "evaluating the cost at {} × {} points",
            args.resolution, args.resolution
        ));
        let surface = landscape(&trained, &rows, &plane, x_range, y_range, args.resolution)?;
        match args.between {
            Some((a, b)) => {
                let (ax, ay) = plane.project(&centre.to_flat());
                marks.push((format!("seed {a}"), ax, ay));
                if let Some(second) = &second {
                    let (bx, by) = plane.project(&second.to_flat());
                    marks.push((format!("seed {b}"), bx, by));
                }
            }
            None => {
                let (mx, my) = plane.project(&trained.to_flat());
                marks.push(("trained model".to_owned(), mx, my));
            }
        }
        let centre_cost = evaluate_cost(&centre, &rows);
        let map = HeatMap {
            title: description.title.clone(),
            x_label: axes.0,
            y_label: axes.1,
            grid: Grid {
                x: surface.xs.clone(),
                y: surface.ys.clone(),
                values: surface.costs.clone(),
            },
            log_color: args.log_color,
            contours: 15,
            paths: paths
                .iter()
                .map(|p| Series {
                    label: p.label.clone(),
                    points: p.points.clone(),
                })
                .collect(),
            marks: marks.clone(),
            dots: Vec::new(),
            value_label: format!("training {}", figures::cost_axis(info.architecture.loss)),
        };
        plot::heat_map(&map, &args.out)?;
        let (lowest, at) = lowest(&surface);
        if args.json {
            report::print_json(&LandscapeJson {
                plane: &description.plane,
                resolution: args.resolution,
                x_range,
                y_range,
                lowest_cost: lowest,
                lowest_at: at,
                centre_cost,
                paths: &paths,
                marks: &marks,
                picture: args.out.display().to_string(),
            })?;
        } else {
            report::print_text(&landscape_text(
                info,
                &description,
                (x_range, y_range),
                (lowest, at),
                centre_cost,
                &paths,
                args,
            ))?;
        }
        self.console
            .note(format!("picture written to {}", args.out.display()));
        Ok(())
    }

    /// The plane, its description and its axis labels.
    fn plane<T: Float>(
        &self,
        trained: &Network<T>,
        centre: &Network<T>,
        second: Option<&Network<T>>,
        paths: &[Path],
    ) -> anyhow::Result<(Plane, Description, (String, String))> {
        let args = self.args;
        if let Some(second) = second {
            let (a, b) = args.between.expect("between");
            let plane = Plane::between(centre, second, args.direction_seed);
            return Ok((
                plane,
                Description {
                    title: format!("Two seeds, two minima: seeds {a} and {b}"),
                    plane: format!(
                        "the plane through the final weights of seed {a} (0, 0) and seed {b} (1, 0); the second direction is random (seed {}), filter-normalised, orthogonal to the first",
                        args.direction_seed
                    ),
                },
                (
                    format!("from seed {a}'s weights (0) to seed {b}'s (1)"),
                    "random direction, orthogonal (filter-normalised)".to_owned(),
                ),
            ));
        }
        if let Some(names) = &args.params {
            let [a, b] = names.0.as_slice() else {
                anyhow::bail!(
                    "--params needs exactly two weights, e.g. layers.0.weight[0,0],layers.1.weight[0,0]"
                );
            };
            let (pa, pb) = (
                ParameterRef::parse(a, trained)?,
                ParameterRef::parse(b, trained)?,
            );
            let plane = Plane::of_weights(trained, pa, pb)?;
            return Ok((
                plane,
                Description {
                    title: "Cost around the trained weights".to_owned(),
                    plane: format!(
                        "the plane of the weights {} and {}; every other weight keeps the model's value{}",
                        pa.name(trained),
                        pb.name(trained),
                        if paths.is_empty() {
                            ""
                        } else {
                            " (the paths move every weight: the colour under a path is not its own cost)"
                        }
                    ),
                },
                (pa.name(trained), pb.name(trained)),
            ));
        }
        if !paths.is_empty() {
            let all: Vec<Vec<f64>> = paths.iter().flat_map(|p| p.weights.clone()).collect();
            let pca = Plane::of_trajectory(&all)?;
            let plane = Plane {
                center: trained.to_flat(),
                origin: (0.0, 0.0),
                ..pca
            };
            return Ok((
                plane,
                Description {
                    title: "Cost and training paths (PCA plane of the paths)".to_owned(),
                    plane: "the plane of the two principal directions of the paths' moves, through the model's weights; the paths are projected onto it, so the colour under a path is the cost on the plane, not exactly the path's own cost".to_owned(),
                },
                (
                    "1st principal direction of the paths".to_owned(),
                    "2nd principal direction".to_owned(),
                ),
            ));
        }
        let plane = Plane::random(trained, args.direction_seed);
        Ok((
            plane,
            Description {
                title: "Cost around the trained weights".to_owned(),
                plane: format!(
                    "the plane of two random filter-normalised directions (seed {}) through the model's weights (Li et al., 2018)",
                    args.direction_seed
                ),
            },
            (
                "random direction 1 (filter-normalised)".to_owned(),
                "random direction 2".to_owned(),
            ),
        ))
    }
}

/// A plane in words.
struct Description {
    title: String,
    plane: String,
}

/// `(x, y)` ranges widened by 10 % on each side.
fn pad(((x0, x1), (y0, y1)): ((f64, f64), (f64, f64))) -> ((f64, f64), (f64, f64)) {
    let (dx, dy) = (0.1 * (x1 - x0), 0.1 * (y1 - y0));
    ((x0 - dx, x1 + dx), (y0 - dy, y1 + dy))
}

/// The lowest finite cost on the grid and where.
fn lowest(surface: &Landscape) -> (f64, (f64, f64)) {
    let nx = surface.xs.len();
    surface
        .costs
        .iter()
        .enumerate()
        .filter(|(_, c)| c.is_finite())
        .min_by(|a, b| a.1.total_cmp(b.1))
        .map_or((f64::NAN, (f64::NAN, f64::NAN)), |(i, &c)| {
            (c, (surface.xs[i % nx], surface.ys[i / nx]))
        })
}

fn landscape_text(
    info: &ModelInfo,
    description: &Description,
    (x_range, y_range): ((f64, f64), (f64, f64)),
    (lowest, at): (f64, (f64, f64)),
    centre_cost: f64,
    paths: &[Path],
    args: &LandscapeArgs,
) -> String {
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
            let _ = writeln!(text, "  {}", path.label);
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
        assert!(trajectory_spec("adagrad").is_err());
    }

    #[test]
    fn padding_widens_both_axes() {
        assert_eq!(pad(((0.0, 1.0), (-1.0, 1.0))), ((-0.1, 1.1), (-1.2, 1.2)));
    }
}
