//! How fast a brute-force search will go: cost evaluations per second,
//! measured on a sample of grid points before the search, so that the
//! time of the whole grid can be told before it is run.

use crate::element::Float;
use crate::methods::brute_force::{measure_rate, BruteForceSettings};
use crate::methods::start::head;
use crate::nn::network::Network;
use crate::train::trainer::Examples;
use serde::Serialize;

/// A measured rate of cost evaluations.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct EvaluationRate {
    /// Evaluations per second over all rows with all threads.
    pub per_second: f64,
    /// Grid points timed.
    pub sample_points: u64,
    /// Rows each timed evaluation went over.
    pub sample_rows: usize,
    /// Rows of the real evaluations (the rate is scaled linearly to them).
    pub rows: usize,
    /// Threads the rate assumes (one is timed and the rate multiplied).
    pub threads: usize,
}

/// Multiply-adds one timed evaluation may cost; a bigger network is timed
/// on fewer rows and the rate scaled linearly to all rows.
const SAMPLE_WORK: usize = 1_000_000_000;
/// Time to spend measuring, roughly.
const SAMPLE_SECONDS: f64 = 0.2;
/// At most this many points are timed.
const MAX_SAMPLE_POINTS: u64 = 200;

impl EvaluationRate {
    /// Times a few grid points of `settings` (see [`measure_rate`]): one
    /// point first, then as many as fit in about [`SAMPLE_SECONDS`].
    pub fn measure<T: Float>(
        network: &Network<T>,
        examples: &Examples<T>,
        settings: &BruteForceSettings,
    ) -> EvaluationRate {
        let rows = examples.len().max(1);
        let sample_rows = rows.min((SAMPLE_WORK / network.parameter_count().max(1)).max(1));
        let subset;
        let sample = if sample_rows < examples.len() {
            subset = head(examples, sample_rows);
            &subset
        } else {
            examples
        };
        let threads = settings.threads.max(1);
        let first = measure_rate(network, sample, settings, 1);
        let points =
            ((first / threads as f64) * SAMPLE_SECONDS).clamp(1.0, MAX_SAMPLE_POINTS as f64) as u64;
        let measured = if points > 1 {
            measure_rate(network, sample, settings, points)
        } else {
            first
        };
        EvaluationRate {
            per_second: measured * sample.len().max(1) as f64 / rows as f64,
            sample_points: points,
            sample_rows: sample.len(),
            rows,
            threads,
        }
    }

    /// log10 of the seconds `log10_points` evaluations take at this rate.
    pub fn log10_seconds(&self, log10_points: f64) -> f64 {
        log10_points - self.per_second.log10()
    }
}
