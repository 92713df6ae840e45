//! Local and global minima: train the same network on the same data from
//! many random starts and see where each run ends.
//!
//! The data, the split, the scaling and the batch order stay fixed; only the
//! seed of the initial weights changes. Runs whose final training costs lie
//! within a relative tolerance of each other are counted as one minimum —
//! comparing the weights themselves would not work, since permuting the
//! hidden neurons gives the same function with other weights. The lowest
//! minimum found is the candidate for the global one; gradient descent
//! alone can never prove that it is.

use crate::element::Float;
use crate::error::Result;
use crate::nn::network::Network;
use crate::prepare::Prepared;
use crate::train::evaluation::evaluate_cost;
use crate::train::trainer::{Control, DataSets};
use crate::train::training::train;
use serde::{Deserialize, Serialize};

/// Where one run ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Restart {
    /// Seed of the initial weights.
    pub seed: u64,
    /// Mean training cost at the end (NaN if the run diverged).
    pub train_cost: f64,
    /// Mean test cost at the end.
    pub test_cost: f64,
    /// The final weights, in the documented order.
    #[serde(skip)]
    pub weights: Vec<f64>,
}

/// A group of runs that ended at (about) the same cost.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Minimum {
    /// The lowest final training cost in the group.
    pub cost: f64,
    /// The seeds of the runs in the group.
    pub seeds: Vec<u64>,
}

/// The runs and the minima they found, lowest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Restarts {
    /// One entry per seed, in the order given.
    pub runs: Vec<Restart>,
    /// Distinct final costs, lowest (the global candidate) first.
    pub minima: Vec<Minimum>,
}

/// Trains a fresh network from each seed in `seeds` with the settings and
/// data of `prepared`, and groups the final costs whose relative difference
/// is below `tolerance` (e.g. 0.01).
pub fn restarts<T: Float>(
    prepared: &Prepared<T>,
    init: crate::nn::init::Init,
    seeds: &[u64],
    tolerance: f64,
) -> Result<Restarts> {
    let mut runs = Vec::with_capacity(seeds.len());
    for &seed in seeds {
        let mut network = Network::new(prepared.info.architecture.clone(), init, seed)?;
        let data = DataSets::train_only(&prepared.train);
        let trained = train(&mut network, data, &prepared.train_settings, |_| {
            Control::Continue
        });
        let train_cost = match trained {
            Ok(_) => evaluate_cost(&network, &prepared.train),
            Err(_) => f64::NAN,
        };
        runs.push(Restart {
            seed,
            train_cost,
            test_cost: evaluate_cost(&network, &prepared.test),
            weights: network.to_flat(),
        });
    }
    let minima = group_minima(&runs, tolerance);
    Ok(Restarts { runs, minima })
}

/// Groups runs by final training cost: sorted, a run joins the group of the
/// previous one when its cost is within `tolerance` (relative) of the
/// group's lowest cost. Diverged runs are left out.
fn group_minima(runs: &[Restart], tolerance: f64) -> Vec<Minimum> {
    let mut finished: Vec<&Restart> = runs.iter().filter(|r| r.train_cost.is_finite()).collect();
    finished.sort_by(|a, b| a.train_cost.total_cmp(&b.train_cost));
    let mut minima: Vec<Minimum> = Vec::new();
    for run in finished {
        match minima.last_mut() {
            Some(last) if run.train_cost - last.cost <= tolerance * last.cost.abs() => {
                last.seeds.push(run.seed)
            }
            _ => minima.push(Minimum {
                cost: run.train_cost,
                seeds: vec![run.seed],
            }),
        }
    }
    minima
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(seed: u64, train_cost: f64) -> Restart {
        Restart {
            seed,
            train_cost,
            test_cost: 0.0,
            weights: Vec::new(),
        }
    }

    #[test]
    fn runs_within_the_tolerance_share_a_minimum() {
        let runs = [
            run(1, 0.50),
            run(2, 0.1005),
            run(3, 0.100),
            run(4, f64::NAN),
            run(5, 0.503),
        ];
        let minima = group_minima(&runs, 0.01);
        assert_eq!(minima.len(), 2);
        assert_eq!(minima[0].cost, 0.100);
        assert_eq!(minima[0].seeds, vec![3, 2]);
        assert_eq!(minima[1].seeds, vec![1, 5]);
    }
}
