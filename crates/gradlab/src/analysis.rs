//! Looking at training from the outside: experiments that train many runs
//! and compare them, each one function from settings to a plain result.
//!
//! # Map
//!
//! - [`compare`]: one network trained with several batch sizes or
//!   optimizers; costs, times and when each reached a target metric.
//! - [`ablation`]: LeCun's "Efficient BackProp" recommendations as switches.
//! - [`lecun`]: the ablation as an experiment, with its target metric.
//! - [`restarts`]: training from many seeds, runs grouped into minima.
//! - [`minima`]: the restarts as an experiment, with a brute-force slice
//!   around the best run.
//! - [`landscape`]: planes through weight space and the cost over them.
//! - [`landscape_experiment`]: the surface around a trained model, with
//!   training paths (several optimizers, or two seeds) projected onto it.
//! - [`regions`]: a model's predictions over a grid of two inputs.
//! - [`curvature`]: the largest eigenvalue of the cost's Hessian and the
//!   learning rates it allows.
//! - [`target`]: the test metric a run is to reach.
//! - [`progress`]: what an experiment reports while it works.

pub mod ablation;
pub mod compare;
pub mod curvature;
pub mod landscape;
pub mod landscape_experiment;
pub mod lecun;
pub mod minima;
pub mod progress;
pub mod regions;
pub mod restarts;
pub mod target;

use crate::error::{Error, Result};
use crate::setting::Setting;

/// `points` values from `low` to `high`, evenly spaced, both ends included
/// (the axes of the landscape and prediction grids); at least 2 points.
pub fn evenly_spaced((low, high): (f64, f64), points: usize) -> Result<Vec<f64>> {
    if points < 2 {
        return Err(Error::setting(
            Setting::Resolution,
            format!("{points} (must be at least 2)"),
        ));
    }
    let last = (points - 1) as f64;
    Ok((0..points)
        .map(|i| low + (high - low) * i as f64 / last)
        .collect())
}
