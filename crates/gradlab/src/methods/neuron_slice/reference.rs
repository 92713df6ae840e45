//! The cost of one grid point as the lecture computes it, to check
//! [`super::NeuronSlice`] against: set the searched parameters, run the
//! whole network forward on every row and average the loss,
//!
//! ```text
//! C(values) = (1/N) · Σ_r loss(network(x_r), y_r)
//! ```
//!
//! with none of the evaluator's shortcuts (no precomputed output without
//! the neuron, no merged rows, no flat blocks). It clones the network and
//! runs a full forward pass per point, so it is for tests, not for the
//! search itself.

use crate::element::Float;
use crate::nn::network::{Network, Workspace};
use crate::nn::parameter_ref::ParameterRef;
use crate::train::trainer::Examples;

/// The mean cost of `network` over `rows` with each of `parameters` set to
/// the matching one of `values`, by [`Network::cost`] on all rows at once.
pub fn cost_at<T: Float>(
    network: &Network<T>,
    rows: &Examples<T>,
    parameters: &[ParameterRef],
    values: &[f64],
) -> f64 {
    let mut network = network.clone();
    for (parameter, &value) in parameters.iter().zip(values) {
        network.tensor_mut(parameter.tensor)[parameter.index] = T::from_f64(value);
    }
    let mut workspace = Workspace::new(network.architecture(), rows.len().max(1));
    network.cost(&rows.inputs, &rows.targets, &mut workspace)
}
