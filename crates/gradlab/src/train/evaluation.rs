//! The mean cost of a network over a whole data set, measured in chunks of
//! rows so that the buffers stay small whatever the data's size.

use crate::element::Float;
use crate::matrix::Matrix;
use crate::nn::loss::Targets;
use crate::nn::network::{Network, Workspace};
use crate::train::trainer::Examples;

/// Buffers for measuring the cost over a whole data set in chunks.
pub struct Evaluation<T> {
    rows: Vec<usize>,
    inputs: Matrix<T>,
    targets: Targets<T>,
    workspace: Workspace<T>,
}

/// Rows per chunk when measuring a cost over a whole data set.
const EVALUATION_CHUNK: usize = 1024;

impl<T: Float> Evaluation<T> {
    /// Buffers for `network`, for data sets whose targets are like `like`'s.
    pub fn new(network: &Network<T>, like: &Examples<T>) -> Self {
        Evaluation {
            rows: Vec::with_capacity(EVALUATION_CHUNK),
            inputs: Matrix::zeros(EVALUATION_CHUNK, network.inputs()),
            targets: like.targets.with_capacity_like(EVALUATION_CHUNK),
            workspace: Workspace::new(network.architecture(), EVALUATION_CHUNK),
        }
    }
}

/// The mean cost of `network` over all of `examples`.
pub fn mean_cost<T: Float>(
    network: &Network<T>,
    examples: &Examples<T>,
    eval: &mut Evaluation<T>,
) -> f64 {
    let mut total = 0.0;
    for start in (0..examples.len()).step_by(EVALUATION_CHUNK) {
        let end = (start + EVALUATION_CHUNK).min(examples.len());
        eval.rows.clear();
        eval.rows.extend(start..end);
        eval.inputs.gather_rows(&examples.inputs, &eval.rows);
        eval.targets.gather(&examples.targets, &eval.rows);
        let cost = network.cost(&eval.inputs, &eval.targets, &mut eval.workspace);
        total += cost * (end - start) as f64;
    }
    total / examples.len() as f64
}

/// The mean cost of `network` over all of `examples` (allocates its buffers).
pub fn evaluate_cost<T: Float>(network: &Network<T>, examples: &Examples<T>) -> f64 {
    mean_cost(network, examples, &mut Evaluation::new(network, examples))
}
