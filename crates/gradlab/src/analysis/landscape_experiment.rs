//! The loss-landscape experiment: the cost surface around a model's trained
//! weights on a plane through weight space (see
//! [`crate::analysis::landscape`] for the planes), with training paths
//! projected onto it.
//!
//! - [`PlaneChoice::Weights`]: the plane of two weights; the axes are their
//!   values and every other weight keeps the model's value.
//! - [`PlaneChoice::Random`]: two random filter-normalised directions; with
//!   trajectories the plane is then the PCA plane of the paths (so that they
//!   show), centred on the model.
//! - trajectories: trains from the seeded start of the model's settings with
//!   each optimizer, recording the weights after every epoch.
//! - `between`: trains from two initial-weight seeds (split, scaling and
//!   batch order fixed by the model's settings); the plane goes through both
//!   final weights (the first at (0, 0), the second at (1, 0)).
//!
//! The cost is the mean training cost over the model's training rows (the
//! split is made again from the model's seed and test fraction), in the
//! model's scaled units.

use crate::analysis::compare::{is_adaptive, ADAPTIVE_LEARNING_RATE};
use crate::analysis::landscape::{landscape, Landscape, Plane};
use crate::analysis::progress::{Phase, Progress};
use crate::data::dataset::Dataset;
use crate::data::split::train_test_split;
use crate::element::{Float, Precision};
use crate::error::{Error, Result};
use crate::model::examples;
use crate::model::AnyModel;
use crate::nn::network::{Architecture, Network};
use crate::nn::parameter_ref::ParameterRef;
use crate::prepare::prepare;
use crate::setting::Setting;
use crate::train::evaluation::evaluate_cost;
use crate::train::optimizer::Optimizer;
use crate::train::trainer::{Control, DataSets, Examples, TrainSettings};
use crate::train::training::train;
use serde::{Deserialize, Serialize};

/// The most grid points per axis.
pub const MAX_RESOLUTION: usize = 1000;

/// The plane asked for (`between` overrides it).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PlaneChoice {
    /// Two random filter-normalised directions (the PCA plane of the paths
    /// when there are trajectories).
    #[default]
    Random,
    /// The plane of these weights, by name (exactly two).
    Weights(Vec<String>),
}

/// One training path to draw: an optimizer and its own learning rate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trajectory {
    /// Its name in reports, e.g. `adam`.
    pub name: String,
    /// The optimizer.
    pub optimizer: Optimizer,
    /// Its own learning rate, if it has one.
    pub learning_rate: Option<f64>,
}

/// The experiment to run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LandscapeSettings {
    /// The plane.
    pub plane: PlaneChoice,
    /// Half-width of the grid: ± `span` around the centre, in the weights'
    /// units or in multiples of the directions.
    pub span: f64,
    /// Grid points per axis.
    pub resolution: usize,
    /// Train from the model's seeded start with these optimizers.
    pub trajectories: Vec<Trajectory>,
    /// Train from these two initial-weight seeds and show the plane through
    /// both results.
    pub between: Option<(u64, u64)>,
    /// Epochs of the training done here (`None`: the model's).
    pub epochs: Option<usize>,
    /// Learning rate of the training done here (`None`: the model's, or
    /// [`ADAPTIVE_LEARNING_RATE`] for adaptive optimizers).
    pub learning_rate: Option<f64>,
    /// Seed of the random directions.
    pub direction_seed: u64,
}

impl Default for LandscapeSettings {
    fn default() -> Self {
        LandscapeSettings {
            plane: PlaneChoice::Random,
            span: 1.0,
            resolution: 61,
            trajectories: Vec::new(),
            between: None,
            epochs: None,
            learning_rate: None,
            direction_seed: 1,
        }
    }
}

impl LandscapeSettings {
    /// Checks the span, the resolution, the learning rate and the seeds.
    pub fn validate(&self) -> Result<()> {
        if !(self.span.is_finite() && self.span > 0.0) {
            return Err(Error::setting(
                Setting::Span,
                format!("{} (must be positive)", self.span),
            ));
        }
        if !(2..=MAX_RESOLUTION).contains(&self.resolution) {
            return Err(Error::setting(
                Setting::Resolution,
                format!(
                    "{} (must be between 2 and {MAX_RESOLUTION})",
                    self.resolution
                ),
            ));
        }
        if let Some(rate) = self.learning_rate {
            if !(rate.is_finite() && rate > 0.0) {
                return Err(Error::setting(
                    Setting::LearningRate,
                    format!("{rate} (must be positive)"),
                ));
            }
        }
        match self.between {
            Some((a, b)) if a == b => Err(Error::setting(
                Setting::Between,
                format!("{a},{b} (the two seeds must differ)"),
            )),
            _ => Ok(()),
        }
    }
}

/// The plane the surface lies on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PlaneKind {
    /// Through the final weights of two seeds; the second direction is
    /// random (seed `direction_seed`), orthogonal to the first.
    Between {
        /// The seed at (0, 0).
        first: u64,
        /// The seed at (1, 0).
        second: u64,
        /// Seed of the second direction.
        direction_seed: u64,
    },
    /// The plane of two weights (their names).
    Weights {
        /// The x axis' weight.
        x: String,
        /// The y axis' weight.
        y: String,
    },
    /// The two principal directions of the paths' moves, through the model.
    PathsPca,
    /// Two random filter-normalised directions through the model.
    Random {
        /// Seed of the directions.
        direction_seed: u64,
    },
}

/// Where a path comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PathSource {
    /// Training from this initial-weight seed (with the model's optimizer).
    Seed(u64),
    /// Training from the model's seeded start with this trajectory's
    /// optimizer (its name).
    Optimizer(String),
}

/// One trained path.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LandscapePath {
    /// Where it comes from.
    pub source: PathSource,
    /// Its learning rate.
    pub learning_rate: f64,
    /// Epochs trained.
    pub epochs: usize,
    /// Final training cost.
    pub final_cost: f64,
    /// The weights after every epoch, in plane coordinates.
    pub points: Vec<(f64, f64)>,
}

/// A point marked on the picture.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MarkKind {
    /// The final weights of this seed.
    Seed(u64),
    /// The model's weights.
    TrainedModel,
}

/// A marked point in plane coordinates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mark {
    /// What it is.
    pub kind: MarkKind,
    /// x.
    pub x: f64,
    /// y.
    pub y: f64,
}

/// The experiment's outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LandscapeResult {
    /// The model's network.
    pub architecture: Architecture,
    /// Rows the cost is measured on.
    pub train_rows: usize,
    /// The plane.
    pub plane: PlaneKind,
    /// True when paths were trained on a plane of two weights (they move
    /// every weight: the colour under a path is not its own cost).
    pub paths_leave_the_plane: bool,
    /// The grid's x range.
    pub x_range: (f64, f64),
    /// The grid's y range.
    pub y_range: (f64, f64),
    /// The cost at every grid point.
    pub surface: Landscape,
    /// The lowest finite cost on the grid.
    pub lowest_cost: f64,
    /// Where it is.
    pub lowest_at: (f64, f64),
    /// The cost at the centre: the model's weights, or the first seed's.
    pub centre_cost: f64,
    /// The paths, in the order trained (diverged ones left out).
    pub paths: Vec<LandscapePath>,
    /// The marked points.
    pub marks: Vec<Mark>,
}

/// Runs the experiment around `model` on `dataset` (read with the model's
/// own columns).
pub fn run(
    model: &AnyModel,
    dataset: &Dataset,
    settings: &LandscapeSettings,
    progress: impl FnMut(Progress<'_>),
) -> Result<LandscapeResult> {
    settings.validate()?;
    match model.info().precision {
        Precision::F32 => Experiment::<f32>::new(model, dataset, settings)?.run(progress),
        Precision::F64 => Experiment::<f64>::new(model, dataset, settings)?.run(progress),
    }
}

/// The model's network in precision `T`.
fn model_network<T: Float>(model: &AnyModel) -> Network<T> {
    match model {
        AnyModel::F32(m) => m.network.convert(),
        AnyModel::F64(m) => m.network.convert(),
    }
}

/// One path before projection: its weights after every epoch.
struct Trained {
    path: LandscapePath,
    weights: Vec<Vec<f64>>,
}

struct Experiment<'a, T> {
    model: &'a AnyModel,
    settings: &'a LandscapeSettings,
    start: Network<T>,
    trained: Network<T>,
    rows: Examples<T>,
    train_settings: TrainSettings,
}

impl<'a, T: Float> Experiment<'a, T> {
    fn new(
        model: &'a AnyModel,
        dataset: &Dataset,
        settings: &'a LandscapeSettings,
    ) -> Result<Self> {
        let info = model.info();
        let fit = &info.settings;
        let split = train_test_split(dataset, fit.test_fraction, fit.train.seed)?;
        let prepared = prepare::<T>(dataset, &split, fit)?;
        // The model's own scalers, in case the file differs from the one it
        // was trained on.
        let rows = examples::<T>(dataset, &prepared.rows.train, info);
        let mut train_settings = prepared.train_settings.clone();
        train_settings.record_trajectory = true;
        train_settings.early_stopping = None;
        if let Some(epochs) = settings.epochs {
            train_settings.epochs = epochs;
        }
        Ok(Experiment {
            model,
            settings,
            start: prepared.network,
            trained: model_network(model),
            rows,
            train_settings,
        })
    }

    fn run(self, mut progress: impl FnMut(Progress<'_>)) -> Result<LandscapeResult> {
        progress(Progress::Phase(Phase::Rows {
            rows: self.rows.len(),
        }));
        let mut centre = self.trained.clone();
        let mut second = None;
        let mut paths = Vec::new();
        if let Some((seed_a, seed_b)) = self.settings.between {
            for (index, seed) in [seed_a, seed_b].into_iter().enumerate() {
                let (network, path) = self.train_seed(index, seed, &mut progress)?;
                paths.push(path);
                if index == 0 {
                    centre = network;
                } else {
                    second = Some(network);
                }
            }
        } else if !self.settings.trajectories.is_empty() {
            for (index, trajectory) in self.settings.trajectories.iter().enumerate() {
                paths.extend(self.train_optimizer(index, trajectory, &mut progress)?);
            }
            if paths.is_empty() {
                return Err(Error::setting(
                    Setting::Trajectories,
                    "every trajectory diverged",
                ));
            }
        }
        let (plane, kind) = self.plane(&centre, second.as_ref(), &paths)?;
        let paths: Vec<LandscapePath> = paths
            .into_iter()
            .map(|t| LandscapePath {
                points: t.weights.iter().map(|w| plane.project(w)).collect(),
                ..t.path
            })
            .collect();
        let (x_range, y_range) = self.ranges(&plane, &centre, &paths);
        progress(Progress::Phase(Phase::Grid {
            resolution: self.settings.resolution,
        }));
        let surface = landscape(
            &self.trained,
            &self.rows,
            &plane,
            x_range,
            y_range,
            self.settings.resolution,
        )?;
        let marks = self.marks(&plane, &centre, second.as_ref());
        let (lowest_cost, lowest_at) = lowest(&surface);
        Ok(LandscapeResult {
            architecture: self.model.info().architecture.clone(),
            train_rows: self.rows.len(),
            paths_leave_the_plane: matches!(kind, PlaneKind::Weights { .. }) && !paths.is_empty(),
            plane: kind,
            x_range,
            y_range,
            centre_cost: evaluate_cost(&centre, &self.rows),
            surface,
            lowest_cost,
            lowest_at,
            paths,
            marks,
        })
    }

    /// Trains a fresh network from initial-weight seed `seed`.
    fn train_seed(
        &self,
        index: usize,
        seed: u64,
        progress: &mut impl FnMut(Progress<'_>),
    ) -> Result<(Network<T>, Trained)> {
        let info = self.model.info();
        let mut network = Network::new(info.architecture.clone(), info.settings.init, seed)?;
        let history = train(
            &mut network,
            DataSets::train_only(&self.rows),
            &self.train_settings,
            |_| Control::Continue,
        )?;
        let cost = evaluate_cost(&network, &self.rows);
        progress(Progress::PathTrained {
            index,
            epochs: history.epochs.len(),
            learning_rate: self.train_settings.learning_rate,
            final_cost: cost,
        });
        let path = LandscapePath {
            source: PathSource::Seed(seed),
            learning_rate: self.train_settings.learning_rate,
            epochs: history.epochs.len(),
            final_cost: cost,
            points: Vec::new(),
        };
        Ok((
            network,
            Trained {
                path,
                weights: history.trajectory,
            },
        ))
    }

    /// Trains from the model's seeded start with `trajectory`'s optimizer;
    /// `None` when it diverged.
    fn train_optimizer(
        &self,
        index: usize,
        trajectory: &Trajectory,
        progress: &mut impl FnMut(Progress<'_>),
    ) -> Result<Option<Trained>> {
        let mut network = self.start.clone();
        let mut settings = self.train_settings.clone();
        settings.optimizer = trajectory.optimizer;
        settings.learning_rate = self.learning_rate(trajectory);
        let trained = train(
            &mut network,
            DataSets::train_only(&self.rows),
            &settings,
            |_| Control::Continue,
        );
        let history = match trained {
            Ok(history) => history,
            Err(Error::Diverged { epoch, .. }) => {
                progress(Progress::Diverged {
                    index,
                    epoch,
                    learning_rate: settings.learning_rate,
                });
                return Ok(None);
            }
            Err(other) => return Err(other),
        };
        let cost = evaluate_cost(&network, &self.rows);
        progress(Progress::PathTrained {
            index,
            epochs: history.epochs.len(),
            learning_rate: settings.learning_rate,
            final_cost: cost,
        });
        Ok(Some(Trained {
            path: LandscapePath {
                source: PathSource::Optimizer(trajectory.name.clone()),
                learning_rate: settings.learning_rate,
                epochs: history.epochs.len(),
                final_cost: cost,
                points: Vec::new(),
            },
            weights: history.trajectory,
        }))
    }

    /// The trajectory's own rate, else the settings', else the model's (or
    /// [`ADAPTIVE_LEARNING_RATE`] for adaptive optimizers).
    fn learning_rate(&self, trajectory: &Trajectory) -> f64 {
        trajectory
            .learning_rate
            .or(self.settings.learning_rate)
            .unwrap_or(if is_adaptive(&trajectory.optimizer) {
                ADAPTIVE_LEARNING_RATE
            } else {
                self.model.info().settings.train.learning_rate
            })
    }

    /// The plane and which one it is.
    fn plane(
        &self,
        centre: &Network<T>,
        second: Option<&Network<T>>,
        paths: &[Trained],
    ) -> Result<(Plane, PlaneKind)> {
        let direction_seed = self.settings.direction_seed;
        if let (Some(second), Some((first, second_seed))) = (second, self.settings.between) {
            return Ok((
                Plane::between(centre, second, direction_seed),
                PlaneKind::Between {
                    first,
                    second: second_seed,
                    direction_seed,
                },
            ));
        }
        let trained = &self.trained;
        if let PlaneChoice::Weights(names) = &self.settings.plane {
            let [a, b] = names.as_slice() else {
                return Err(Error::setting(
                    Setting::Params,
                    format!("{} weights (exactly two)", names.len()),
                ));
            };
            let (pa, pb) = (
                ParameterRef::parse(a, trained)?,
                ParameterRef::parse(b, trained)?,
            );
            return Ok((
                Plane::of_weights(trained, pa, pb)?,
                PlaneKind::Weights {
                    x: pa.name(trained),
                    y: pb.name(trained),
                },
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
            return Ok((plane, PlaneKind::PathsPca));
        }
        Ok((
            Plane::random(trained, direction_seed),
            PlaneKind::Random { direction_seed },
        ))
    }

    /// The grid's ranges: with `between`, both minima with room around
    /// them and the paths' ends; else ± span around the centre, widened to
    /// take in the paths.
    fn ranges(
        &self,
        plane: &Plane,
        centre: &Network<T>,
        paths: &[LandscapePath],
    ) -> ((f64, f64), (f64, f64)) {
        if self.settings.between.is_some() {
            let mut x: (f64, f64) = (-0.5, 1.5);
            let mut y: (f64, f64) = (-1.0, 1.0);
            for path in paths {
                for &(px, py) in path.points.iter().rev().take(path.points.len() / 2 + 1) {
                    x = (x.0.min(px), x.1.max(px));
                    y = (y.0.min(py), y.1.max(py));
                }
            }
            return pad((x, y));
        }
        let span = self.settings.span;
        let (cx, cy) = plane.project(&centre.to_flat());
        let mut x = (cx - span, cx + span);
        let mut y = (cy - span, cy + span);
        for &(px, py) in paths.iter().flat_map(|p| &p.points) {
            x = (x.0.min(px), x.1.max(px));
            y = (y.0.min(py), y.1.max(py));
        }
        if paths.is_empty() {
            (x, y)
        } else {
            pad((x, y))
        }
    }

    /// The seeds' final weights, or the model's.
    fn marks(&self, plane: &Plane, centre: &Network<T>, second: Option<&Network<T>>) -> Vec<Mark> {
        let mark = |kind: MarkKind, network: &Network<T>| {
            let (x, y) = plane.project(&network.to_flat());
            Mark { kind, x, y }
        };
        match self.settings.between {
            Some((a, b)) => {
                let mut marks = vec![mark(MarkKind::Seed(a), centre)];
                if let Some(second) = second {
                    marks.push(mark(MarkKind::Seed(b), second));
                }
                marks
            }
            None => vec![mark(MarkKind::TrainedModel, &self.trained)],
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::dataset::DatasetSpec;
    use crate::data::fever;
    use crate::fit::fit;
    use crate::settings::FitSettings;

    fn fever_model() -> (AnyModel, Dataset) {
        let spec = DatasetSpec {
            target: "temp_2h_c".into(),
            inputs: Some(vec!["temp_c".into(), "dose_mg".into()]),
            ..Default::default()
        };
        let data = Dataset::from_table(&fever::table(200, 1), &spec).unwrap();
        let mut settings = FitSettings {
            hidden: vec![3],
            ..FitSettings::default()
        };
        settings.train.epochs = 3;
        let outcome = fit(&data, &settings, |_| Control::Continue).unwrap();
        (outcome.model, data)
    }

    #[test]
    fn padding_widens_both_axes() {
        assert_eq!(pad(((0.0, 1.0), (-1.0, 1.0))), ((-0.1, 1.1), (-1.2, 1.2)));
    }

    #[test]
    fn the_grid_centre_is_the_model_and_costs_its_training_cost() {
        let (model, data) = fever_model();
        let settings = LandscapeSettings {
            resolution: 5,
            ..LandscapeSettings::default()
        };
        let result = run(&model, &data, &settings, |_| {}).unwrap();
        assert_eq!(result.plane, PlaneKind::Random { direction_seed: 1 });
        assert_eq!(result.surface.costs.len(), 25);
        // Odd resolution, ranges ± span around the model: the middle grid
        // point is the model's own weights.
        let middle = result.surface.costs[2 * 5 + 2];
        assert!(
            (middle - result.centre_cost).abs() <= 1e-6 * result.centre_cost,
            "{middle} vs {}",
            result.centre_cost
        );
        assert!(result.lowest_cost <= middle);
        assert_eq!(result.marks[0].kind, MarkKind::TrainedModel);
    }

    #[test]
    fn between_puts_the_two_seeds_at_0_and_1() {
        let (model, data) = fever_model();
        let settings = LandscapeSettings {
            resolution: 3,
            between: Some((3, 7)),
            ..LandscapeSettings::default()
        };
        let mut trained = Vec::new();
        let result = run(&model, &data, &settings, |p| {
            if let Progress::PathTrained { index, .. } = p {
                trained.push(index);
            }
        })
        .unwrap();
        assert_eq!(trained, vec![0, 1]);
        assert_eq!(result.paths.len(), 2);
        let (a, b) = (&result.marks[0], &result.marks[1]);
        assert_eq!(
            (a.kind.clone(), b.kind.clone()),
            (MarkKind::Seed(3), MarkKind::Seed(7))
        );
        assert!(a.x.abs() < 1e-9 && a.y.abs() < 1e-9);
        assert!((b.x - 1.0).abs() < 1e-9 && b.y.abs() < 1e-9);
    }
}
