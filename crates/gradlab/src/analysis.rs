//! Looking at training from the outside: loss landscapes, restarts from many
//! seeds (local and global minima), decision regions, and LeCun's
//! recommendations switched on and off.

pub mod ablation;
pub mod landscape;
pub mod regions;
pub mod restarts;

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
