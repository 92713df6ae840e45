//! Brute force as an experiment, from a start to everything a front end
//! shows: which weights are searched over which grid, the time the search
//! will take (measured on a sample of points before it runs), and the best
//! point found with its cost next to the start's.
//!
//! A grid with more points than the settings allow is not searched: the
//! experiment still returns the plan and the estimate, so that the front
//! end can say how long it would have taken.

use crate::element::Float;
use crate::error::Result;
use crate::methods::brute_force::{
    grid_points, log10_grid_points, search, BruteForceSettings, GridAxis,
};
use crate::methods::brute_force_rate::EvaluationRate;
use crate::methods::compare::WeightChoice;
use crate::methods::start::Start;
use crate::nn::loss::Loss;
use crate::nn::network::Network;
use crate::nn::parameter_ref::ParameterRef;
use crate::train::evaluation::evaluate_cost;
use serde::{Deserialize, Serialize};

/// What to search: which weights, over which grid, within which limit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BruteForceExperimentSettings {
    /// The weights searched; the others keep the start's values.
    pub weights: WeightChoice,
    /// The values every searched weight takes.
    pub axis: GridAxis,
    /// A grid with more points than this is not searched.
    pub max_evaluations: u64,
    /// Worker threads of the search (at least 1).
    pub threads: usize,
}

impl BruteForceExperimentSettings {
    /// The search settings on `network`: its parameters this choice names.
    pub fn search_settings<T: Float>(&self, network: &Network<T>) -> Result<BruteForceSettings> {
        Ok(BruteForceSettings {
            parameters: self.weights.parameters(network)?,
            axis: self.axis,
            threads: self.threads,
            max_evaluations: self.max_evaluations,
        })
    }
}

/// What will be searched, known before anything is timed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BruteForcePlan {
    /// The network's architecture, e.g. `2 → 2 (sigmoid) → 1`.
    pub network: String,
    /// Parameters of the network.
    pub parameters: usize,
    /// Names of the searched weights, in grid order (first slowest).
    pub weights: Vec<String>,
    /// The values every searched weight takes.
    pub axis: GridAxis,
    /// Values per weight.
    pub axis_points: u64,
    /// Grid points, (values per weight)^(weights), when it fits in 64 bits.
    pub points: Option<u64>,
    /// log10 of the grid points (also when they do not fit in 64 bits).
    pub log10_points: f64,
    /// Rows each cost evaluation goes over.
    pub rows: usize,
}

/// How long the search will take, from a measured rate.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct BruteForceEstimate {
    /// The rate measured on a sample of grid points.
    pub rate: EvaluationRate,
    /// log10 of the seconds the whole grid takes at that rate.
    pub log10_seconds: f64,
}

/// What the experiment tells its caller while it works.
#[derive(Debug, Clone, Copy)]
pub enum BruteForceProgress<'a> {
    /// The grid is known; the rate is measured next.
    Planned(&'a BruteForcePlan),
    /// The rate is measured; the search starts next if the grid is within
    /// the limit.
    Estimated(&'a BruteForceEstimate),
    /// `done` of `of` grid points searched (reported from any thread).
    Searching {
        /// Points searched so far.
        done: u64,
        /// Points of the grid.
        of: u64,
    },
}

/// A searched weight: its name, the best value found and its start value.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchedWeight {
    /// The weight's name, e.g. `layers.0.weight[0,1]`.
    pub name: String,
    /// The best grid value, rounded to the decimals of the grid as given
    /// ([`grid_decimals`], [`round_to`]).
    pub best: f64,
    /// The start's value.
    pub start: f64,
}

/// The outcome of a search that ran.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BruteForceSearch {
    /// The searched weights.
    pub weights: Vec<SearchedWeight>,
    /// The cost minimised.
    pub loss: Loss,
    /// The cost at the start.
    pub start_cost: f64,
    /// The lowest cost on the grid.
    pub best_cost: f64,
    /// Cost evaluations done (the grid's points).
    pub evaluations: u64,
    /// Wall time of the search.
    pub seconds: f64,
    /// Evaluations per second of the search.
    pub evaluations_per_second: f64,
    /// Worker threads of the search.
    pub threads: usize,
    /// For one or two weights: the cost at every grid point, in grid order
    /// (first weight slowest).
    #[serde(skip)]
    pub costs: Option<Vec<f64>>,
}

/// A brute-force experiment: the plan, the estimate, and the search unless
/// the grid was above the limit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BruteForceExperiment {
    /// What was to be searched.
    pub plan: BruteForcePlan,
    /// How long it was estimated to take.
    pub estimate: BruteForceEstimate,
    /// The search; `None` when the grid has more points than
    /// [`BruteForceExperimentSettings::max_evaluations`].
    pub search: Option<BruteForceSearch>,
}

/// Plans the search from `start`, measures its rate, and searches the grid
/// if it is within the limit.
pub fn run<T: Float>(
    start: &Start<T>,
    settings: &BruteForceExperimentSettings,
    progress: &(dyn Fn(BruteForceProgress) + Sync),
) -> Result<BruteForceExperiment> {
    settings.axis.validate()?;
    let network = &start.network;
    let search_settings = settings.search_settings(network)?;
    let plan = plan(start, &search_settings);
    progress(BruteForceProgress::Planned(&plan));
    let rate = EvaluationRate::measure(network, &start.train, &search_settings);
    let estimate = BruteForceEstimate {
        rate,
        log10_seconds: rate.log10_seconds(plan.log10_points),
    };
    progress(BruteForceProgress::Estimated(&estimate));
    let search = match plan.points {
        Some(points) if points <= settings.max_evaluations => {
            Some(run_search(start, &search_settings, points, progress)?)
        }
        _ => None,
    };
    Ok(BruteForceExperiment {
        plan,
        estimate,
        search,
    })
}

fn plan<T: Float>(start: &Start<T>, settings: &BruteForceSettings) -> BruteForcePlan {
    let network = &start.network;
    let axis_points = settings.axis.points();
    let k = settings.parameters.len();
    BruteForcePlan {
        network: network.architecture().to_string(),
        parameters: network.parameter_count(),
        weights: settings
            .parameters
            .iter()
            .map(|p| p.name(network))
            .collect(),
        axis: settings.axis,
        axis_points,
        points: grid_points(axis_points, k),
        log10_points: log10_grid_points(axis_points, k),
        rows: start.train.len(),
    }
}

fn run_search<T: Float>(
    start: &Start<T>,
    settings: &BruteForceSettings,
    points: u64,
    progress: &(dyn Fn(BruteForceProgress) + Sync),
) -> Result<BruteForceSearch> {
    let network = &start.network;
    let result = search(network, &start.train, settings, &|done| {
        progress(BruteForceProgress::Searching { done, of: points })
    })?;
    let decimals = grid_decimals(&settings.axis);
    let weights = settings
        .parameters
        .iter()
        .zip(&result.best_values)
        .map(|(p, &best)| searched_weight(network, p, round_to(best, decimals)))
        .collect();
    Ok(BruteForceSearch {
        weights,
        loss: network.loss(),
        start_cost: evaluate_cost(network, &start.train),
        best_cost: result.best_cost,
        evaluations: result.evaluations,
        seconds: result.seconds,
        evaluations_per_second: result.evaluations as f64 / result.seconds.max(1e-9),
        threads: settings.threads,
        costs: result.costs,
    })
}

fn searched_weight<T: Float>(network: &Network<T>, p: &ParameterRef, best: f64) -> SearchedWeight {
    SearchedWeight {
        name: p.name(network),
        best,
        start: network.tensor(p.tensor)[p.index].as_f64(),
    }
}

/// Decimals of the grid's values as given: those of `low` and `step`
/// (`-100` and `0.1` → 1; `1e-12` → 12; `1e300` → 0).
pub fn grid_decimals(axis: &GridAxis) -> usize {
    let decimals = |x: f64| {
        let text = format!("{x}");
        text.split_once('.').map_or(0, |(_, d)| d.len())
    };
    decimals(axis.low).max(decimals(axis.step))
}

/// `value` rounded to `decimals` decimals: a grid value low + i·step as
/// given (−100 + 1009 · 0.1 is 0.9, not 0.9000000000000057).
pub fn round_to(value: f64, decimals: usize) -> f64 {
    format!("{value:.decimals$}").parse().unwrap_or(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::dataset::{Dataset, DatasetSpec};
    use crate::data::fever;
    use crate::methods::start::{from_network, from_settings};
    use crate::settings::FitSettings;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// The seeded start of a 2-2-1 network on 200 generated fever rows.
    fn fever_start() -> Start<f64> {
        let spec = DatasetSpec {
            target: "temp_2h_c".into(),
            inputs: Some(vec!["temp_c".into(), "dose_mg".into()]),
            ..Default::default()
        };
        let data = Dataset::from_table(&fever::table(200, 1), &spec).unwrap();
        let settings = FitSettings {
            hidden: vec![2],
            ..Default::default()
        };
        from_settings(&data, &settings, "fever").unwrap()
    }

    fn settings(weights: usize, max_evaluations: u64) -> BruteForceExperimentSettings {
        BruteForceExperimentSettings {
            weights: WeightChoice::First(weights),
            axis: GridAxis {
                low: -2.0,
                high: 2.0,
                step: 0.5,
            },
            max_evaluations,
            threads: 2,
        }
    }

    #[test]
    fn the_best_point_costs_what_the_network_costs_with_its_weights_set() {
        let start = fever_start();
        let experiment = run(&start, &settings(2, 1_000), &|_| {}).unwrap();
        let search = experiment.search.expect("81 points are within 1,000");
        // [-2, 2] in steps of 0.5 is 9 values per weight: 9² points.
        assert_eq!(experiment.plan.axis_points, 9);
        assert_eq!(experiment.plan.points, Some(81));
        assert_eq!(search.evaluations, 81);
        let costs = search.costs.as_ref().expect("two weights keep the grid");
        assert_eq!(costs.len(), 81);
        let lowest = costs.iter().copied().fold(f64::INFINITY, f64::min);
        assert_eq!(search.best_cost, lowest);
        let mut network = start.network.clone();
        for (p, weight) in ParameterRef::first(2, &network)
            .unwrap()
            .iter()
            .zip(&search.weights)
        {
            network.tensor_mut(p.tensor)[p.index] = Float::from_f64(weight.best);
        }
        let cost = evaluate_cost(&network, &start.train);
        assert!(
            (cost - search.best_cost).abs() <= 1e-12 * cost.abs(),
            "{cost} vs {}",
            search.best_cost
        );
        assert_eq!(
            search.start_cost,
            evaluate_cost(&start.network, &start.train)
        );
        // (0, 0) is a grid point: the best cannot cost more than it.
        for p in ParameterRef::first(2, &network).unwrap() {
            network.tensor_mut(p.tensor)[p.index] = 0.0;
        }
        assert!(search.best_cost <= evaluate_cost(&network, &start.train));
    }

    #[test]
    fn a_grid_above_the_limit_is_planned_and_estimated_but_not_searched() {
        let start = fever_start();
        let steps = AtomicUsize::new(0);
        let experiment = run(&start, &settings(3, 700), &|step| {
            assert!(!matches!(step, BruteForceProgress::Searching { .. }));
            steps.fetch_add(1, Ordering::Relaxed);
        })
        .unwrap();
        assert!(experiment.search.is_none());
        assert_eq!(steps.load(Ordering::Relaxed), 2, "Planned and Estimated");
        // 9³ = 729 points, above 700.
        assert_eq!(experiment.plan.points, Some(729));
        let estimate = experiment.estimate;
        let expected = 729f64.log10() - estimate.rate.per_second.log10();
        assert!((estimate.log10_seconds - expected).abs() < 1e-12);
        assert_eq!(estimate.rate.rows, start.train.len());
    }

    #[test]
    fn a_given_network_is_searched_like_the_same_seeded_start() {
        let seeded = fever_start();
        let given = from_network(seeded.network.clone(), seeded.train.clone());
        let from_seeded = run(&seeded, &settings(1, 100), &|_| {}).unwrap();
        let from_given = run(&given, &settings(1, 100), &|_| {}).unwrap();
        let (a, b) = (from_seeded.search.unwrap(), from_given.search.unwrap());
        assert_eq!((a.best_cost, &a.weights), (b.best_cost, &b.weights));
        assert_eq!(from_given.plan.rows, seeded.train.len());
    }

    #[test]
    fn best_values_are_rounded_to_the_grid_as_given() {
        let axis = GridAxis {
            low: -100.0,
            high: 100.0,
            step: 0.1,
        };
        assert_eq!(grid_decimals(&axis), 1);
        // −100 + 1009 · 0.1 in floating point is 0.9000000000000057.
        assert_eq!(round_to(axis.value(1009), grid_decimals(&axis)), 0.9);
    }
}
