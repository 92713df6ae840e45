//! Brute force, numerical-gradient descent and backprop descent from the same
//! seeded start, for the same budget, measured side by side.
//!
//! - **Brute force** searches a grid over a few weights (the others stay at
//!   their starting values): one cost evaluation — a forward pass over the
//!   training rows — per grid point, no gradient.
//! - **Numerical gradient** descends with central differences: 2·P forward
//!   passes per step for P parameters.
//! - **Backprop** descends with the analytic gradient: one forward and one
//!   backward pass per step.
//!
//! Both descents use the same steps (batch gradient descent over all
//! training rows, the same learning rate), so in f64 their weights agree to
//! the O(ε²) error of the central differences at every step; the report
//! gives the largest difference at the end.
//!
//! [`run`] does it all from a data set and [`MethodsSettings`]: the seeded
//! start `fit` would use, the three methods, and the ratios between them.

use crate::data::dataset::Dataset;
use crate::data::split::train_test_split;
use crate::element::{Float, Precision};
use crate::error::{Error, Result};
use crate::methods::brute_force::{search, BruteForceResult, BruteForceSettings, GridAxis};
use crate::nn::network::{Architecture, Network};
use crate::nn::numerical_gradient::default_epsilon;
use crate::nn::parameter_ref::ParameterRef;
use crate::prepare::prepare;
use crate::setting::Setting;
use crate::settings::FitSettings;
use crate::train::evaluation::evaluate_cost;
use crate::train::trainer::{
    BatchSize, Control, DataSets, Examples, GradientMethod, History, TrainSettings,
};
use crate::train::training::train;
use serde::{Deserialize, Serialize};
use std::time::Instant;

/// The weights brute force searches.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum WeightChoice {
    /// The first K parameters in the documented order.
    First(usize),
    /// Every parameter.
    All,
    /// These parameters, by name (e.g. `layers.1.weight[0,0]`).
    Named(Vec<String>),
}

impl WeightChoice {
    /// The parameters of `network` this choice names.
    pub fn parameters<T: Float>(&self, network: &Network<T>) -> Result<Vec<ParameterRef>> {
        match self {
            WeightChoice::First(k) => ParameterRef::first(*k, network),
            WeightChoice::All => Ok(ParameterRef::all(network)),
            WeightChoice::Named(names) => names
                .iter()
                .map(|name| ParameterRef::parse(name, network))
                .collect(),
        }
    }
}

/// The comparison to run: the start (from `base`), the grid and the descent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct MethodsSettings {
    /// The network, the scaling, the split, the precision and the seed of
    /// the common start (its training part is not used).
    pub base: FitSettings,
    /// Which weights brute force searches.
    pub weights: WeightChoice,
    /// The values every searched weight takes.
    pub axis: GridAxis,
    /// Refuse a brute-force grid with more points than this.
    pub max_evaluations: u64,
    /// Steps of batch gradient descent for both descents.
    pub steps: usize,
    /// Learning rate of both descents.
    pub learning_rate: f64,
    /// ε of the numerical gradient (`None`: the precision's default).
    pub epsilon: Option<f64>,
}

impl Default for MethodsSettings {
    /// The first weight on the default grid; 100 steps at rate 0.1, in f64
    /// so that the two descents can be seen to agree.
    fn default() -> Self {
        MethodsSettings {
            base: FitSettings {
                hidden: vec![2],
                precision: Precision::F64,
                ..FitSettings::default()
            },
            weights: WeightChoice::First(1),
            axis: GridAxis::default(),
            max_evaluations: 1_000_000_000,
            steps: 100,
            learning_rate: 0.1,
            epsilon: None,
        }
    }
}

impl MethodsSettings {
    /// Checks the grid, the steps and the start's settings.
    pub fn validate(&self) -> Result<()> {
        self.axis.validate()?;
        if self.steps == 0 {
            return Err(Error::setting(Setting::Steps, "0 (must be at least 1)"));
        }
        self.start_settings().validate()
    }

    /// The settings of the start: `base` with the descent's rate, steps and ε.
    fn start_settings(&self) -> FitSettings {
        let mut settings = self.base.clone();
        settings.train.learning_rate = self.learning_rate;
        settings.train.epochs = self.steps;
        settings.train.epsilon = self.epsilon;
        settings
    }
}

/// Brute force's part of the comparison.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BruteForcePart {
    /// The searched weights' names.
    pub weights: Vec<String>,
    /// Their values at the grid's best point.
    pub best_values: Vec<f64>,
    /// The grid of every searched weight.
    pub axis: GridAxis,
    /// Grid points evaluated.
    pub points: u64,
}

/// The comparison's outcome: every number of the methods table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MethodsResult {
    /// The network.
    pub architecture: Architecture,
    /// Its parameter count.
    pub parameters: usize,
    /// Rows the costs are measured on.
    pub train_rows: usize,
    /// Held-out rows.
    pub test_rows: usize,
    /// The brute-force search.
    pub brute_force: BruteForcePart,
    /// Steps of both descents.
    pub steps: usize,
    /// Learning rate of both descents.
    pub learning_rate: f64,
    /// ε of the numerical gradient used.
    pub epsilon: f64,
    /// Brute force, numerical gradient, backprop, in that order.
    pub runs: Vec<MethodRun>,
    /// max |w_numerical − w_backprop| after the last step.
    pub max_weight_difference: f64,
    /// Forward passes of the numerical descent / those of backprop.
    pub forward_pass_ratio: f64,
    /// Wall time of the numerical descent / that of backprop.
    pub time_ratio: f64,
}

/// Runs the three methods from the seeded start `fit` would use on `dataset`.
pub fn run(dataset: &Dataset, settings: &MethodsSettings) -> Result<MethodsResult> {
    settings.validate()?;
    match settings.base.precision {
        Precision::F32 => run_in::<f32>(dataset, settings),
        Precision::F64 => run_in::<f64>(dataset, settings),
    }
}

fn run_in<T: Float>(dataset: &Dataset, settings: &MethodsSettings) -> Result<MethodsResult> {
    let start = settings.start_settings();
    let split = train_test_split(dataset, start.test_fraction, start.train.seed)?;
    let prepared = prepare::<T>(dataset, &split, &start)?;
    let network = &prepared.network;
    let grid = BruteForceSettings {
        parameters: settings.weights.parameters(network)?,
        axis: settings.axis,
        threads: crate::matrix::threads(),
        max_evaluations: settings.max_evaluations,
    };
    let descent = TrainSettings {
        learning_rate: settings.learning_rate,
        epochs: settings.steps,
        epsilon: settings.epsilon,
        ..prepared.train_settings.clone()
    };
    let report = compare_methods(network, &prepared.train, &prepared.test, &grid, &descent)?;
    let run = |name: &str| report.runs.iter().find(|r| r.method == name);
    let ratio = |pick: fn(&MethodRun) -> f64| match (run("numerical gradient"), run("backprop")) {
        (Some(n), Some(b)) if pick(b) > 0.0 => pick(n) / pick(b),
        _ => f64::NAN,
    };
    Ok(MethodsResult {
        architecture: network.architecture().clone(),
        parameters: network.parameter_count(),
        train_rows: prepared.train.len(),
        test_rows: prepared.test.len(),
        brute_force: BruteForcePart {
            weights: grid.parameters.iter().map(|p| p.name(network)).collect(),
            best_values: report.brute_force.best_values.clone(),
            axis: settings.axis,
            points: report.brute_force.evaluations,
        },
        steps: settings.steps,
        learning_rate: settings.learning_rate,
        epsilon: settings.epsilon.unwrap_or_else(default_epsilon::<T>),
        forward_pass_ratio: ratio(|r| r.forward_passes as f64),
        time_ratio: ratio(|r| r.seconds),
        max_weight_difference: report.max_weight_difference,
        runs: report.runs,
    })
}

/// One method's line in the comparison.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MethodRun {
    /// `brute force`, `numerical gradient` or `backprop`.
    pub method: &'static str,
    /// Cost evaluations made to decide where to go (grid points for brute
    /// force, 2·P per step for the numerical gradient, one per step for
    /// backprop, whose forward pass yields the cost).
    pub cost_evaluations: u64,
    /// Forward passes over the training rows.
    pub forward_passes: u64,
    /// Gradients computed (steps taken).
    pub gradient_evaluations: u64,
    /// Wall time.
    pub seconds: f64,
    /// Mean cost on the training rows at the end.
    pub train_cost: f64,
    /// Mean cost on the test rows at the end.
    pub test_cost: f64,
}

/// The comparison.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MethodsReport {
    /// Brute force, numerical gradient, backprop, in that order.
    pub runs: Vec<MethodRun>,
    /// The brute-force search's best point.
    pub brute_force: BruteForceResult,
    /// max |w_numerical − w_backprop| over all parameters after the last step.
    pub max_weight_difference: f64,
    /// The two descents' final networks (numerical, backprop), for a closer look.
    #[serde(skip)]
    pub final_networks: Option<(Vec<f64>, Vec<f64>)>,
}

/// Runs the three methods from `start` on the same rows. `descent` gives the
/// learning rate, the number of steps (`epochs` with a full batch) and the
/// numerical ε; its batch size and gradient method are overridden.
pub fn compare_methods<T: Float>(
    start: &Network<T>,
    train_rows: &Examples<T>,
    test_rows: &Examples<T>,
    brute_force: &BruteForceSettings,
    descent: &TrainSettings,
) -> Result<MethodsReport> {
    let started = Instant::now();
    let grid = search(start, train_rows, brute_force, &|_| {})?;
    let mut best = start.clone();
    for (p, &value) in brute_force.parameters.iter().zip(&grid.best_values) {
        best.tensor_mut(p.tensor)[p.index] = T::from_f64(value);
    }
    let brute_run = MethodRun {
        method: "brute force",
        cost_evaluations: grid.evaluations,
        forward_passes: grid.evaluations,
        gradient_evaluations: 0,
        seconds: started.elapsed().as_secs_f64(),
        train_cost: grid.best_cost,
        test_cost: evaluate_cost(&best, test_rows),
    };
    let (numerical, numerical_run) = descend(
        start,
        train_rows,
        test_rows,
        descent,
        GradientMethod::Numerical,
    )?;
    let (backprop, backprop_run) = descend(
        start,
        train_rows,
        test_rows,
        descent,
        GradientMethod::Backprop,
    )?;
    let (numerical_weights, backprop_weights) = (numerical.to_flat(), backprop.to_flat());
    let max_weight_difference = numerical_weights
        .iter()
        .zip(&backprop_weights)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f64::max);
    Ok(MethodsReport {
        runs: vec![brute_run, numerical_run, backprop_run],
        brute_force: grid,
        max_weight_difference,
        final_networks: Some((numerical_weights, backprop_weights)),
    })
}

/// Batch gradient descent from `start` with `method`.
fn descend<T: Float>(
    start: &Network<T>,
    train_rows: &Examples<T>,
    test_rows: &Examples<T>,
    descent: &TrainSettings,
    method: GradientMethod,
) -> Result<(Network<T>, MethodRun)> {
    let settings = TrainSettings {
        batch_size: BatchSize::Full,
        gradient: method,
        ..descent.clone()
    };
    let mut network = start.clone();
    let started = Instant::now();
    let history: History = train(
        &mut network,
        DataSets::train_only(train_rows),
        &settings,
        |_| Control::Continue,
    )?;
    let seconds = started.elapsed().as_secs_f64();
    let run = MethodRun {
        method: match method {
            GradientMethod::Numerical => "numerical gradient",
            GradientMethod::Backprop => "backprop",
        },
        cost_evaluations: match method {
            GradientMethod::Numerical => history.forward_passes,
            GradientMethod::Backprop => history.steps,
        },
        forward_passes: history.forward_passes,
        gradient_evaluations: history.steps,
        seconds,
        train_cost: evaluate_cost(&network, train_rows),
        test_cost: evaluate_cost(&network, test_rows),
    };
    Ok((network, run))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::dataset::{Dataset, DatasetSpec};
    use crate::data::fever;
    use crate::data::split::train_test_split;
    use crate::element::Precision;
    use crate::methods::brute_force::GridAxis;
    use crate::nn::parameter_ref::ParameterRef;
    use crate::prepare::prepare;
    use crate::settings::FitSettings;

    #[test]
    fn numerical_and_backprop_descents_agree_after_100_steps_in_f64() {
        let spec = DatasetSpec {
            target: "temp_2h_c".into(),
            inputs: Some(vec!["temp_c".into(), "dose_mg".into()]),
            ..Default::default()
        };
        let data = Dataset::from_table(&fever::table(400, 1), &spec).unwrap();
        let settings = FitSettings {
            hidden: vec![2],
            precision: Precision::F64,
            train: TrainSettings {
                epochs: 100,
                learning_rate: 0.1,
                ..Default::default()
            },
            ..Default::default()
        };
        let split = train_test_split(&data, 0.2, 1).unwrap();
        let prepared = prepare::<f64>(&data, &split, &settings).unwrap();
        let grid = BruteForceSettings {
            parameters: ParameterRef::first(1, &prepared.network).unwrap(),
            axis: GridAxis {
                low: -3.0,
                high: 3.0,
                step: 0.1,
            },
            threads: 2,
            max_evaluations: 1_000,
        };
        let report = compare_methods(
            &prepared.network,
            &prepared.train,
            &prepared.test,
            &grid,
            &settings.train,
        )
        .unwrap();
        assert!(
            report.max_weight_difference < 1e-6,
            "{}",
            report.max_weight_difference
        );
        let [brute, numerical, backprop] = &report.runs[..] else {
            panic!()
        };
        assert_eq!(brute.cost_evaluations, 61);
        // 2-2-1 network: P = 9 parameters, 2·9 forward passes per step.
        assert_eq!(numerical.forward_passes, 100 * 18);
        assert_eq!(backprop.forward_passes, 100);
        assert_eq!(numerical.gradient_evaluations, 100);
        assert!(backprop.train_cost < brute.train_cost);
        assert!((numerical.train_cost - backprop.train_cost).abs() < 1e-9);
    }

    #[test]
    fn the_numerical_gradient_needs_two_passes_per_parameter_per_step() {
        let spec = DatasetSpec {
            target: "temp_2h_c".into(),
            inputs: Some(vec!["temp_c".into(), "dose_mg".into()]),
            ..Default::default()
        };
        let data = Dataset::from_table(&fever::table(200, 1), &spec).unwrap();
        let settings = MethodsSettings {
            axis: GridAxis {
                low: -2.0,
                high: 2.0,
                step: 0.5,
            },
            steps: 10,
            ..MethodsSettings::default()
        };
        let result = run(&data, &settings).unwrap();
        // The default 2-2-1 network has P = 9 parameters: 2·9 forward
        // passes per numerical step against one per backprop step.
        assert_eq!(result.parameters, 9);
        assert_eq!(result.forward_pass_ratio, 18.0);
        assert_eq!(result.brute_force.points, 9);
        assert_eq!(result.brute_force.weights.len(), 1);
        assert_eq!(result.train_rows + result.test_rows, 200);
        assert!(result.max_weight_difference < 1e-6);
        assert_eq!(result.epsilon, default_epsilon::<f64>());
    }
}
