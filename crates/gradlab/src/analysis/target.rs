//! The test metric a comparison's runs are to reach: an RMSE in the
//! target's units (regression, reached at or below) or an accuracy
//! (classification, reached at or above).

use crate::data::task::Task;
use crate::metrics::Metrics;
use serde::{Deserialize, Serialize};

/// The metric to reach, and where it came from.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TargetMetric {
    /// The value to reach.
    pub value: f64,
    /// The reference run's final metric it was derived from; `None` when
    /// the caller gave the target.
    pub derived_from: Option<f64>,
}

/// The metric's name in reports: `rmse` or `accuracy`.
pub fn metric_name(task: Task) -> &'static str {
    match task {
        Task::Regression => "rmse",
        Task::Classification => "accuracy",
    }
}

/// The test metric of `metrics`: the RMSE in the target's units, or the
/// accuracy.
pub fn test_metric(metrics: &Metrics) -> f64 {
    match metrics {
        Metrics::Regression(m) => m.rmse,
        Metrics::Classification(m) => m.accuracy,
    }
}

/// True when `metric` reaches `target`: at or below it for an RMSE, at or
/// above it for an accuracy.
pub fn reached(task: Task, metric: f64, target: f64) -> bool {
    match task {
        Task::Regression => metric <= target,
        Task::Classification => metric >= target,
    }
}

/// A given target metric must be a number (a missing one is derived from
/// the runs instead).
pub fn check_target_metric(target: Option<f64>) -> crate::error::Result<()> {
    match target {
        Some(target) if !target.is_finite() => Err(crate::error::Error::setting(
            crate::setting::Setting::TargetMetric,
            format!("{target} (must be a number)"),
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_rmse_is_reached_from_below_and_an_accuracy_from_above() {
        assert!(reached(Task::Regression, 0.3, 0.3));
        assert!(!reached(Task::Regression, 0.31, 0.3));
        assert!(reached(Task::Classification, 0.9, 0.8));
        assert!(!reached(Task::Classification, 0.7, 0.8));
    }
}
