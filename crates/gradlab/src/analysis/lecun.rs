//! LeCun et al.'s "Efficient BackProp" (1998) as an experiment: the
//! ablation of [`crate::analysis::ablation`] with its target metric, given
//! or derived from one run with every recommendation on.

use crate::analysis::ablation::{
    lecun_ablation, with_all_recommendations, AblationRun, RECOMMENDATIONS,
};
use crate::analysis::progress::{Phase, Progress};
use crate::analysis::target::{test_metric, TargetMetric};
use crate::data::dataset::Dataset;
use crate::data::task::Task;
use crate::error::Result;
use crate::fit::fit;
use crate::nn::network::Architecture;
use crate::prepare::architecture_for;
use crate::settings::FitSettings;
use crate::train::trainer::Control;
use serde::{Deserialize, Serialize};

/// The ablation to run.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LecunSettings {
    /// The settings the recommendations are switched on and off in (its
    /// epochs, batch size, learning rate, seed, hidden layers…).
    pub base: FitSettings,
    /// The test metric to reach; `None`: 1.1 × the test RMSE of the run
    /// with every recommendation, or its accuracy − 0.01.
    pub target_metric: Option<f64>,
}

impl LecunSettings {
    /// Checks that a given target is a number.
    pub fn validate(&self) -> Result<()> {
        crate::analysis::target::check_target_metric(self.target_metric)
    }
}

/// The ablation's outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LecunResult {
    /// Regression or classification.
    pub task: Task,
    /// The network with every recommendation on.
    pub architecture: Architecture,
    /// The test metric to reach.
    pub target: TargetMetric,
    /// Every recommendation on, then each one off in turn.
    pub runs: Vec<AblationRun>,
}

/// How many networks the ablation trains: every recommendation on, then
/// each one off.
pub const RUNS: usize = RECOMMENDATIONS.len() + 1;

/// Runs the ablation on `dataset`, first finding the target when none is
/// given.
pub fn run(
    dataset: &Dataset,
    settings: &LecunSettings,
    mut progress: impl FnMut(Progress<'_>),
) -> Result<LecunResult> {
    settings.validate()?;
    let all = with_all_recommendations(&settings.base);
    let target = match settings.target_metric {
        Some(value) => TargetMetric {
            value,
            derived_from: None,
        },
        None => {
            progress(Progress::Phase(Phase::FindingTarget));
            derived_target(dataset, &all)?
        }
    };
    progress(Progress::Phase(Phase::Ablation { runs: RUNS }));
    let runs = lecun_ablation(dataset, &settings.base, target.value)?;
    Ok(LecunResult {
        task: dataset.task(),
        architecture: architecture_for(dataset, &all),
        target,
        runs,
    })
}

/// 1.1 × the final test RMSE of the run with every recommendation, or its
/// accuracy − 0.01.
fn derived_target(dataset: &Dataset, all: &FitSettings) -> Result<TargetMetric> {
    let reference = fit(dataset, all, |_| Control::Continue)?;
    let metric = test_metric(&reference.test_metrics);
    let value = match dataset.task() {
        Task::Regression => 1.1 * metric,
        Task::Classification => metric - 0.01,
    };
    Ok(TargetMetric {
        value,
        derived_from: Some(metric),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::dataset::DatasetSpec;
    use crate::data::fever;
    use crate::train::trainer::TrainSettings;

    #[test]
    fn the_derived_target_is_reached_by_the_run_it_came_from() {
        let spec = DatasetSpec {
            target: "temp_2h_c".into(),
            inputs: Some(vec!["temp_c".into(), "dose_mg".into()]),
            ..Default::default()
        };
        let data = Dataset::from_table(&fever::table(300, 1), &spec).unwrap();
        let settings = LecunSettings {
            base: FitSettings {
                train: TrainSettings {
                    epochs: 5,
                    ..Default::default()
                },
                ..Default::default()
            },
            target_metric: None,
        };
        let mut phases = Vec::new();
        let result = run(&data, &settings, |p| {
            if let Progress::Phase(phase) = p {
                phases.push(format!("{phase:?}"));
            }
        })
        .unwrap();
        assert_eq!(phases, vec!["FindingTarget", "Ablation { runs: 6 }"]);
        assert_eq!(result.runs.len(), RUNS);
        let rmse = result.target.derived_from.unwrap();
        assert_eq!(result.target.value, 1.1 * rmse);
        // The reference run is the ablation's first run, trained again from
        // the same seed: the same RMSE, so it reaches 1.1 × that RMSE.
        assert_eq!(result.runs[0].test_metric, rmse);
        assert!(result.runs[0].epochs_to_target.is_some());
    }
}
