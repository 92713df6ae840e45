//! Local and global minima as an experiment: the same network trained from
//! the initial-weight seeds 1, 2, …, N (the split, the scaling and the batch
//! order stay fixed), the runs grouped into minima by
//! [`crate::analysis::restarts`]. Optionally a brute-force search over one
//! or two weights around the best run's values (every other weight held at
//! the best run's value): on that slice, did gradient descent find the
//! bottom?

use crate::analysis::progress::{Phase, Progress};
use crate::analysis::restarts::{restarts, Restart, Restarts};
use crate::data::dataset::Dataset;
use crate::data::split::train_test_split;
use crate::element::{Float, Precision};
use crate::error::{Error, Result};
use crate::methods::brute_force::{search, BruteForceSettings, GridAxis};
use crate::nn::network::{Architecture, Network};
use crate::nn::parameter_ref::ParameterRef;
use crate::prepare::{prepare, Prepared};
use crate::setting::Setting;
use crate::settings::FitSettings;
use serde::{Deserialize, Serialize};

/// The most restarts one experiment trains.
pub const MAX_RESTARTS: u64 = 10_000;

/// The most grid points per weight of a slice.
pub const MAX_SLICE_POINTS: u64 = 100_001;

/// The brute-force slice: which weights, and how wide and fine a grid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SliceSettings {
    /// One or two weights by name, e.g. `layers.0.weight[0,0]`.
    pub weights: Vec<String>,
    /// The grid spans the best run's values ± `span`.
    pub span: f64,
    /// Grid points per weight; `None`: 2001 for one weight, 201 for two.
    pub points: Option<u64>,
}

impl Default for SliceSettings {
    fn default() -> Self {
        SliceSettings {
            weights: Vec::new(),
            span: 3.0,
            points: None,
        }
    }
}

impl SliceSettings {
    /// Grid points per weight: the given number, or the default for the
    /// number of weights.
    pub fn points(&self) -> u64 {
        self.points
            .unwrap_or(if self.weights.len() == 1 { 2001 } else { 201 })
    }

    /// Checks the number of weights, the span and the points.
    pub fn validate(&self) -> Result<()> {
        if !(1..=2).contains(&self.weights.len()) {
            return Err(Error::setting(
                Setting::Slice,
                format!("{} weights (one or two)", self.weights.len()),
            ));
        }
        if !(self.span.is_finite() && self.span > 0.0) {
            return Err(Error::setting(
                Setting::SliceSpan,
                format!("{} (must be positive)", self.span),
            ));
        }
        let points = self.points();
        if !(2..=MAX_SLICE_POINTS).contains(&points) {
            return Err(Error::setting(
                Setting::SlicePoints,
                format!("{points} (must be between 2 and {MAX_SLICE_POINTS})"),
            ));
        }
        Ok(())
    }
}

/// The experiment to run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct MinimaSettings {
    /// The training of every run (its seed fixes the split, the scaling and
    /// the batch order).
    pub base: FitSettings,
    /// Train from the initial-weight seeds 1 to `restarts`.
    pub restarts: u64,
    /// Runs whose final training costs differ by less than this share of
    /// the lower one count as the same minimum.
    pub tolerance: f64,
    /// The brute-force slice around the best run, if any.
    pub slice: Option<SliceSettings>,
}

impl Default for MinimaSettings {
    fn default() -> Self {
        MinimaSettings {
            base: FitSettings::default(),
            restarts: 30,
            tolerance: 0.01,
            slice: None,
        }
    }
}

impl MinimaSettings {
    /// Checks the restarts, the tolerance and the slice.
    pub fn validate(&self) -> Result<()> {
        if !(1..=MAX_RESTARTS).contains(&self.restarts) {
            return Err(Error::setting(
                Setting::Restarts,
                format!("{} (must be between 1 and {MAX_RESTARTS})", self.restarts),
            ));
        }
        if !(self.tolerance.is_finite() && self.tolerance >= 0.0) {
            return Err(Error::setting(
                Setting::Tolerance,
                format!("{} (must be ≥ 0)", self.tolerance),
            ));
        }
        match &self.slice {
            Some(slice) => slice.validate(),
            None => Ok(()),
        }
    }
}

/// The brute force over the slice, next to the gradient result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SliceSummary {
    /// The searched weights' names.
    pub weights: Vec<String>,
    /// The grid's lowest value.
    pub low: f64,
    /// The grid's highest value.
    pub high: f64,
    /// The distance between neighbouring grid values.
    pub step: f64,
    /// Grid points evaluated.
    pub points: u64,
    /// The lowest cost on the grid.
    pub brute_force_cost: f64,
    /// The weights' values there.
    pub brute_force_values: Vec<f64>,
    /// The best run's final training cost.
    pub gradient_cost: f64,
    /// The best run's values of the weights.
    pub gradient_values: Vec<f64>,
    /// Wall time of the search.
    pub seconds: f64,
}

/// The slice's summary and its grid of costs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SliceResult {
    /// The numbers of the comparison.
    #[serde(flatten)]
    pub summary: SliceSummary,
    /// The grid of every searched weight.
    pub axis: GridAxis,
    /// The cost at every grid point, the first weight varying slowest.
    pub costs: Vec<f64>,
}

/// The experiment's outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MinimaResult {
    /// The network every run trains.
    pub architecture: Architecture,
    /// The training rows every run sees.
    pub train_rows: usize,
    /// The runs and the minima they found.
    pub restarts: Restarts,
    /// The run with the lowest final training cost (none if all diverged).
    pub best_seed: Option<u64>,
    /// The brute-force slice around the best run, if asked for.
    pub slice: Option<SliceResult>,
}

/// Trains from every seed, groups the minima and searches the slice.
pub fn run(
    dataset: &Dataset,
    settings: &MinimaSettings,
    progress: impl FnMut(Progress<'_>),
) -> Result<MinimaResult> {
    settings.validate()?;
    match settings.base.precision {
        Precision::F32 => run_in::<f32>(dataset, settings, progress),
        Precision::F64 => run_in::<f64>(dataset, settings, progress),
    }
}

fn run_in<T: Float>(
    dataset: &Dataset,
    settings: &MinimaSettings,
    mut progress: impl FnMut(Progress<'_>),
) -> Result<MinimaResult> {
    let base = &settings.base;
    let split = train_test_split(dataset, base.test_fraction, base.train.seed)?;
    let prepared = prepare::<T>(dataset, &split, base)?;
    let seeds: Vec<u64> = (1..=settings.restarts).collect();
    let found = restarts(&prepared, base.init, &seeds, settings.tolerance)?;
    let best = best_run(&found);
    let slice = match (&settings.slice, best) {
        (Some(slice), Some(best)) => {
            Some(brute_force_slice(&prepared, best, slice, &mut progress)?)
        }
        _ => None,
    };
    Ok(MinimaResult {
        architecture: prepared.info.architecture.clone(),
        train_rows: prepared.train.len(),
        best_seed: best.map(|b| b.seed),
        restarts: found,
        slice,
    })
}

/// The run with the lowest final training cost.
pub fn best_run(found: &Restarts) -> Option<&Restart> {
    found
        .runs
        .iter()
        .filter(|r| r.train_cost.is_finite())
        .min_by(|a, b| a.train_cost.total_cmp(&b.train_cost))
}

/// Brute force over the slice's weights around `best`'s weights.
fn brute_force_slice<T: Float>(
    prepared: &Prepared<T>,
    best: &Restart,
    slice: &SliceSettings,
    progress: &mut impl FnMut(Progress<'_>),
) -> Result<SliceResult> {
    let mut network: Network<T> = prepared.network.clone();
    network.set_flat(&best.weights);
    let parameters = slice
        .weights
        .iter()
        .map(|name| ParameterRef::parse(name, &network))
        .collect::<Result<Vec<_>>>()?;
    let flat_index = |p: &ParameterRef| -> usize {
        (0..p.tensor)
            .map(|t| network.tensor(t).len())
            .sum::<usize>()
            + p.index
    };
    let values: Vec<f64> = parameters
        .iter()
        .map(|p| best.weights[flat_index(p)])
        .collect();
    let points = slice.points();
    let low = values.iter().copied().fold(f64::INFINITY, f64::min) - slice.span;
    let high = values.iter().copied().fold(f64::NEG_INFINITY, f64::max) + slice.span;
    let axis = GridAxis {
        low,
        high,
        step: (high - low) / (points - 1) as f64,
    };
    let names: Vec<String> = parameters.iter().map(|p| p.name(&network)).collect();
    progress(Progress::Phase(Phase::Slice {
        weights: &names,
        seed: best.seed,
        axis: &axis,
    }));
    let search_settings = BruteForceSettings {
        parameters,
        axis,
        threads: crate::matrix::threads(),
        max_evaluations: 100_000_000,
    };
    let result = search(&network, &prepared.train, &search_settings, &|_| {})?;
    Ok(SliceResult {
        summary: SliceSummary {
            weights: names,
            low,
            high,
            step: axis.step,
            points: result.evaluations,
            brute_force_cost: result.best_cost,
            brute_force_values: result.best_values,
            gradient_cost: best.train_cost,
            gradient_values: values,
            seconds: result.seconds,
        },
        axis,
        costs: result.costs.unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::dataset::DatasetSpec;
    use crate::data::fever;
    use crate::train::trainer::TrainSettings;

    fn fever_regression() -> Dataset {
        let spec = DatasetSpec {
            target: "temp_2h_c".into(),
            inputs: Some(vec!["temp_c".into(), "dose_mg".into()]),
            ..Default::default()
        };
        Dataset::from_table(&fever::table(200, 1), &spec).unwrap()
    }

    fn settings(slice: Option<SliceSettings>) -> MinimaSettings {
        MinimaSettings {
            base: FitSettings {
                hidden: vec![2],
                train: TrainSettings {
                    epochs: 5,
                    ..Default::default()
                },
                ..Default::default()
            },
            restarts: 6,
            tolerance: 0.01,
            slice,
        }
    }

    #[test]
    fn every_seed_lands_in_one_minimum_and_minima_are_apart() {
        let settings = settings(None);
        let result = run(&fever_regression(), &settings, |_| {}).unwrap();
        let found = &result.restarts;
        assert_eq!(found.runs.len(), 6);
        let grouped: usize = found.minima.iter().map(|m| m.seeds.len()).sum();
        let finished = found
            .runs
            .iter()
            .filter(|r| r.train_cost.is_finite())
            .count();
        assert_eq!(grouped, finished);
        for m in &found.minima {
            for seed in &m.seeds {
                let cost = found.runs[*seed as usize - 1].train_cost;
                assert!(cost - m.cost <= settings.tolerance * m.cost.abs());
            }
        }
        for pair in found.minima.windows(2) {
            assert!(pair[1].cost - pair[0].cost > settings.tolerance * pair[0].cost.abs());
        }
        assert_eq!(result.best_seed, Some(found.minima[0].seeds[0]));
    }

    #[test]
    fn the_slice_is_no_higher_than_the_grid_point_nearest_the_gradient_result() {
        let slice = SliceSettings {
            weights: vec!["layers.0.weight[0,0]".into()],
            span: 1.0,
            points: Some(21),
        };
        let mut announced = false;
        let result = run(&fever_regression(), &settings(Some(slice)), |p| {
            announced |= matches!(p, Progress::Phase(Phase::Slice { .. }));
        })
        .unwrap();
        assert!(announced);
        let slice = result.slice.unwrap();
        assert_eq!(slice.costs.len(), 21);
        assert_eq!(slice.summary.points, 21);
        // The grid is centred on the gradient result, which is its 11th
        // point: the brute-force optimum is at most that point's cost.
        let centre = slice.costs[10];
        assert!((centre - slice.summary.gradient_cost).abs() < 1e-4 * centre.abs().max(1.0));
        assert!(slice.summary.brute_force_cost <= centre);
    }
}
