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

use crate::element::Float;
use crate::error::Result;
use crate::methods::brute_force::{search, BruteForceResult, BruteForceSettings};
use crate::nn::network::Network;
use crate::train::evaluation::evaluate_cost;
use crate::train::trainer::{
    BatchSize, Control, DataSets, Examples, GradientMethod, History, TrainSettings,
};
use crate::train::training::train;
use serde::Serialize;
use std::time::Instant;

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
}
