//! The gradient check: backprop's gradient against the numerical one
//! ([`crate::nn::numerical_gradient`]), tensor by tensor.

use crate::element::Float;
use crate::matrix::Matrix;
use crate::nn::loss::Targets;
use crate::nn::network::{Gradients, Network, Workspace};
use crate::nn::numerical_gradient::numerical_gradient;
use serde::Serialize;

/// Below this magnitude a gradient counts as zero when forming a relative
/// error, so that 1e-13 against 2e-13 is not reported as a 50 % error.
pub const RELATIVE_ERROR_FLOOR: f64 = 1e-8;

/// How backprop and central differences agree on one tensor.
///
/// The pass/fail measure is the tensor's relative error in norm, the one the
/// deeplearning.ai course uses for gradient checking:
///
/// ```text
/// rel_error = ‖b − n‖₂ / (‖b‖₂ + ‖n‖₂)
/// ```
///
/// The element-wise errors are there to find *where* a gradient is wrong. An
/// element whose gradient is tiny (say 2e-5) carries the rounding noise of the
/// difference quotient, about u·C/ε ≈ 1e-10 in f64, as a relative error near
/// 1e-5 even when backprop is exact; the norm measure weighs it by its size.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TensorCheck {
    /// `layers.{i}.weight` or `layers.{i}.bias`.
    pub name: String,
    /// ‖b − n‖₂ / (‖b‖₂ + ‖n‖₂); 0 when both are zero.
    pub rel_error: f64,
    /// max |backprop − numerical| over the tensor's elements.
    pub max_abs_error: f64,
    /// max |b − n| / max(|b|, |n|, [`RELATIVE_ERROR_FLOOR`]).
    pub max_rel_error: f64,
    /// Flat (row-major) index of the element with the largest relative error.
    pub worst_index: usize,
    /// Backprop's value there.
    pub backprop: f64,
    /// The numerical value there.
    pub numerical: f64,
}

/// The result of a gradient check, tensor by tensor.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GradientCheck {
    /// One entry per tensor, in the network's parameter order.
    pub tensors: Vec<TensorCheck>,
}

impl GradientCheck {
    /// The largest per-tensor relative error ([`TensorCheck::rel_error`]).
    pub fn rel_error(&self) -> f64 {
        self.tensors.iter().map(|t| t.rel_error).fold(0.0, f64::max)
    }

    /// The tensor with the largest relative error.
    pub fn worst(&self) -> Option<&TensorCheck> {
        self.tensors
            .iter()
            .max_by(|a, b| a.rel_error.total_cmp(&b.rel_error))
    }
}

/// Compares backprop's gradient with the central-difference gradient on one
/// batch. Use f64: in f32 rounding alone gives relative errors near 1e-3.
pub fn gradient_check<T: Float>(
    network: &mut Network<T>,
    x: &Matrix<T>,
    targets: &Targets<T>,
    epsilon: f64,
) -> GradientCheck {
    let mut backprop = Gradients::zeros_like(network);
    let mut workspace = Workspace::new(network.architecture(), x.rows());
    network.gradient(x, targets, &mut workspace, &mut backprop);
    let numerical = numerical_gradient(network, x, targets, epsilon);
    compare_gradients(network, &backprop, &numerical)
}

/// Compares two gradients of `network`, tensor by tensor (`claimed`: e.g.
/// backprop's, possibly tampered with to see the check fail; `reference`:
/// the numerical one).
pub fn compare_gradients<T: Float>(
    network: &Network<T>,
    claimed: &Gradients<T>,
    reference: &Gradients<T>,
) -> GradientCheck {
    let tensors = claimed
        .slices()
        .zip(reference.slices())
        .enumerate()
        .map(|(t, (b, n))| compare_tensor(network.tensor_name(t), b, n))
        .collect();
    GradientCheck { tensors }
}

fn compare_tensor<T: Float>(name: String, backprop: &[T], numerical: &[T]) -> TensorCheck {
    let mut check = TensorCheck {
        name,
        rel_error: 0.0,
        max_abs_error: 0.0,
        max_rel_error: 0.0,
        worst_index: 0,
        backprop: 0.0,
        numerical: 0.0,
    };
    for (i, (&b, &n)) in backprop.iter().zip(numerical).enumerate() {
        let (b, n) = (b.as_f64(), n.as_f64());
        let abs = (b - n).abs();
        let rel = abs / b.abs().max(n.abs()).max(RELATIVE_ERROR_FLOOR);
        check.max_abs_error = check.max_abs_error.max(abs);
        if rel > check.max_rel_error || i == 0 {
            check.max_rel_error = rel;
            check.worst_index = i;
            check.backprop = b;
            check.numerical = n;
        }
    }
    let norm = |v: &[T]| v.iter().map(|x| x.as_f64().powi(2)).sum::<f64>().sqrt();
    let difference: f64 = backprop
        .iter()
        .zip(numerical)
        .map(|(&b, &n)| (b.as_f64() - n.as_f64()).powi(2))
        .sum::<f64>()
        .sqrt();
    let scale = norm(backprop) + norm(numerical);
    check.rel_error = if scale > 0.0 { difference / scale } else { 0.0 };
    check
}
