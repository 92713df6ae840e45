//! LeCun, Bottou, Orr & Müller, "Efficient BackProp" (1998), as switches.
//!
//! The paper's recommendations for training with backprop, each one an
//! ordinary setting here:
//!
//! | recommendation (section)                         | on                         | off |
//! |--------------------------------------------------|----------------------------|-----|
//! | shuffle the examples (§4.2)                      | reshuffle every epoch      | the file's order every epoch |
//! | normalise the inputs (§4.3)                      | standard scaling           | raw inputs |
//! | the sigmoid 1.7159·tanh(2x/3), targets in ±1 (§4.4, §4.5) | `lecun-tanh`, target scaled to [−1, 1] | `sigmoid`, target scaled to [0, 1] |
//! | initialise with σ = fan_in^−½ (§4.6)             | `lecun` initialisation     | uniform(−1, 1) |
//! | momentum (§4.7 names it among the classical aids) | momentum 0.9               | plain gradient descent |
//!
//! The ablation trains once with everything on and once with each
//! recommendation off in turn, from the same seed, and reports the final
//! costs and how many epochs each run needed to reach a target cost.

use crate::data::dataset::Dataset;
use crate::setting::Setting;

use crate::data::scale::Scaling;
use crate::data::task::Task;
use crate::error::{Error, Result};
use crate::fit::fit;
use crate::metrics::Metrics;
use crate::nn::activation::Activation;
use crate::nn::init::Init;
use crate::settings::FitSettings;
use crate::train::optimizer::Optimizer;
use crate::train::trainer::Control;
use serde::{Deserialize, Serialize};

/// One run of the ablation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AblationRun {
    /// `all recommendations`, or `without <recommendation>`.
    pub name: String,
    /// Mean training cost after the last epoch (scaled units, so only
    /// comparable between runs with the same target scaling); NaN if the
    /// run diverged.
    pub final_train_cost: f64,
    /// Test RMSE in the target's units (regression) or test accuracy.
    pub test_metric: f64,
    /// The first epoch whose test metric reached the target, if any.
    pub epochs_to_target: Option<usize>,
    /// True when the cost became non-finite.
    pub diverged: bool,
}

/// The recommendations that can be switched off, in the table's order.
pub const RECOMMENDATIONS: [&str; 5] = [
    "shuffling",
    "input normalisation",
    "LeCun's tanh with ±1 targets",
    "fan-in initialisation",
    "momentum",
];

/// `base` with every recommendation on.
pub fn with_all_recommendations(base: &FitSettings) -> FitSettings {
    let mut settings = base.clone();
    settings.train.shuffle = true;
    settings.scaling = Scaling::Standard;
    settings.activation = Activation::LecunTanh;
    settings.target_scaling = Some(Scaling::MinmaxSymmetric);
    settings.init = Init::Lecun;
    settings.train.optimizer = Optimizer::Momentum { momentum: 0.9 };
    settings
}

/// `settings` with recommendation number `which` (see [`RECOMMENDATIONS`]) off.
pub fn without(settings: &FitSettings, which: usize) -> FitSettings {
    let mut settings = settings.clone();
    match which {
        0 => settings.train.shuffle = false,
        1 => settings.scaling = Scaling::None,
        2 => {
            settings.activation = Activation::Sigmoid;
            settings.target_scaling = Some(Scaling::Minmax);
        }
        3 => settings.init = Init::Uniform { limit: 1.0 },
        _ => settings.train.optimizer = Optimizer::Sgd,
    }
    settings
}

/// Runs the ablation on `dataset`. `target` is the test metric to reach:
/// an RMSE in the target's units (regression, reached when at or below)
/// or an accuracy (classification, reached when at or above).
pub fn lecun_ablation(
    dataset: &Dataset,
    base: &FitSettings,
    target: f64,
) -> Result<Vec<AblationRun>> {
    if !target.is_finite() {
        return Err(Error::setting(
            Setting::Target,
            format!("{target} (must be a number)"),
        ));
    }
    let all = with_all_recommendations(base);
    let mut runs = vec![run(dataset, &all, "all recommendations".into(), target)?];
    for (which, name) in RECOMMENDATIONS.iter().enumerate() {
        let settings = without(&all, which);
        runs.push(run(dataset, &settings, format!("without {name}"), target)?);
    }
    Ok(runs)
}

fn run(
    dataset: &Dataset,
    settings: &FitSettings,
    name: String,
    target: f64,
) -> Result<AblationRun> {
    let reached = |metric: f64| match dataset.task() {
        Task::Regression => metric <= target,
        Task::Classification => metric >= target,
    };
    match fit(dataset, settings, |_| Control::Continue) {
        Ok(outcome) => Ok(AblationRun {
            name,
            final_train_cost: outcome
                .history
                .epochs
                .last()
                .map_or(f64::NAN, |e| e.train_cost),
            test_metric: match outcome.test_metrics {
                Metrics::Regression(m) => m.rmse,
                Metrics::Classification(m) => m.accuracy,
            },
            epochs_to_target: outcome
                .history
                .epochs
                .iter()
                .find(|e| e.test_metric.is_some_and(reached))
                .map(|e| e.epoch),
            diverged: false,
        }),
        Err(Error::Diverged { .. }) => Ok(AblationRun {
            name,
            final_train_cost: f64::NAN,
            test_metric: f64::NAN,
            epochs_to_target: None,
            diverged: true,
        }),
        Err(other) => Err(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::dataset::DatasetSpec;
    use crate::data::fever;
    use crate::train::trainer::TrainSettings;

    #[test]
    fn each_switch_changes_exactly_its_setting() {
        let all = with_all_recommendations(&FitSettings::default());
        for (which, name) in RECOMMENDATIONS.iter().enumerate() {
            assert_ne!(without(&all, which), all, "{name}");
        }
        assert!(!without(&all, 0).train.shuffle);
        assert_eq!(without(&all, 1).scaling, Scaling::None);
        assert_eq!(without(&all, 4).train.optimizer, Optimizer::Sgd);
    }

    #[test]
    fn the_ablation_runs_six_trainings_on_the_fever_data() {
        let spec = DatasetSpec {
            target: "temp_2h_c".into(),
            inputs: Some(vec!["temp_c".into(), "dose_mg".into()]),
            ..Default::default()
        };
        let data = Dataset::from_table(&fever::table(400, 1), &spec).unwrap();
        let base = FitSettings {
            train: TrainSettings {
                epochs: 10,
                ..Default::default()
            },
            ..Default::default()
        };
        let runs = lecun_ablation(&data, &base, 0.3).unwrap();
        assert_eq!(runs.len(), 6);
        assert_eq!(runs[2].name, "without input normalisation");
        // With every recommendation on, the fever regression beats a linear
        // model's 0.37 °C within 10 epochs.
        assert!(runs[0].test_metric < 0.37, "{:?}", runs[0]);
    }
}
