//! The numerical gradient by central differences, and the gradient check
//! that compares backprop against it.
//!
//! For each parameter w:
//!
//! ```text
//! ∂C/∂w ≈ (C(w + ε) − C(w − ε)) / 2ε
//! ```
//!
//! The error of this estimate is O(ε²) from the Taylor series plus about
//! u·C/ε from rounding (u: the machine epsilon), smallest near ε ≈ u^⅓:
//! hence the defaults of [`default_epsilon`]. It costs exactly two cost
//! evaluations per parameter, 2·P in all, against one forward and one
//! backward pass for backprop.

use crate::element::Float;
use crate::matrix::Matrix;
use crate::nn::loss::Targets;
use crate::nn::network::{Gradients, Network, Workspace};

/// The step ε used when none is given: 1e-6 in f64, 5e-3 in f32 (about the
/// cube root of each type's machine epsilon).
pub fn default_epsilon<T: Float>() -> f64 {
    if T::BYTES == 8 {
        1e-6
    } else {
        5e-3
    }
}

/// The central-difference gradient of the mean cost over (`x`, `targets`):
/// 2·P cost evaluations for P parameters. The network is restored exactly.
/// Allocates its buffers; a training loop keeps a [`NumericalGradient`].
pub fn numerical_gradient<T: Float>(
    network: &mut Network<T>,
    x: &Matrix<T>,
    targets: &Targets<T>,
    epsilon: f64,
) -> Gradients<T> {
    let mut gradients = Gradients::zeros_like(network);
    let mut method = NumericalGradient::new(network, x.rows(), epsilon);
    method.gradient(network, x, targets, &mut gradients);
    gradients
}

/// The numerical gradient as a training method: buffers made once, and a
/// count of the cost evaluations it has done.
#[derive(Debug, Clone)]
pub struct NumericalGradient<T> {
    epsilon: f64,
    workspace: Workspace<T>,
    cost_evaluations: u64,
}

impl<T: Float> NumericalGradient<T> {
    /// Central differences with step `epsilon` for batches of up to
    /// `capacity` rows.
    pub fn new(network: &Network<T>, capacity: usize, epsilon: f64) -> Self {
        NumericalGradient {
            epsilon,
            workspace: Workspace::new(network.architecture(), capacity),
            cost_evaluations: 0,
        }
    }

    /// Cost evaluations (forward passes over a batch) done so far: 2·P per
    /// call of [`NumericalGradient::gradient`], nothing else.
    pub fn cost_evaluations(&self) -> u64 {
        self.cost_evaluations
    }

    /// Fills `gradients` with (C(w + ε) − C(w − ε)) / 2ε for every parameter
    /// and returns an estimate of the cost C(w): the mean of the 2·P
    /// evaluated costs, which equals C(w) up to O(ε²) (NaN if any was NaN).
    ///
    /// The divisor is the step actually taken, (w + ε) − (w − ε) as rounded
    /// in `T`, which in f32 can differ from 2ε by a few per cent.
    pub fn gradient(
        &mut self,
        network: &mut Network<T>,
        x: &Matrix<T>,
        targets: &Targets<T>,
        gradients: &mut Gradients<T>,
    ) -> f64 {
        let epsilon = T::from_f64(self.epsilon);
        let mut cost_sum = 0.0;
        for (t, grad) in gradients.slices_mut().enumerate() {
            for (i, g) in grad.iter_mut().enumerate() {
                let original = network.tensor(t)[i];
                let (up, down) = (original + epsilon, original - epsilon);
                network.tensor_mut(t)[i] = up;
                let plus = network.cost(x, targets, &mut self.workspace);
                network.tensor_mut(t)[i] = down;
                let minus = network.cost(x, targets, &mut self.workspace);
                network.tensor_mut(t)[i] = original;
                *g = T::from_f64((plus - minus) / (up - down).as_f64());
                cost_sum += plus + minus;
            }
        }
        let evaluations = 2 * network.parameter_count() as u64;
        self.cost_evaluations += evaluations;
        cost_sum / evaluations as f64
    }
}
