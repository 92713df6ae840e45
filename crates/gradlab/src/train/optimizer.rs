//! The optimizer step: it consumes the gradients that backprop produced.
//!
//! Plain gradient descent moves every parameter against its gradient:
//!
//! ```text
//! w ← w − η · ∂C/∂w
//! ```
//!
//! With the cost a mean over the batch (see [`crate::nn::loss`]), batch size 1
//! is stochastic gradient descent, a batch of n samples is mini-batch gradient
//! descent, and the whole training set is batch gradient descent.

use crate::element::Float;
use crate::error::{Error, Result};
use crate::nn::network::{Gradients, Network};

/// Plain gradient descent with a fixed learning rate η.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GradientDescent {
    /// η, the step size.
    pub learning_rate: f64,
}

impl GradientDescent {
    /// Gradient descent with learning rate `learning_rate`, which must be a
    /// positive finite number.
    pub fn new(learning_rate: f64) -> Result<Self> {
        if !(learning_rate.is_finite() && learning_rate > 0.0) {
            return Err(Error::setting(
                "learning rate",
                format!("{learning_rate} (must be a positive number)"),
            ));
        }
        Ok(GradientDescent { learning_rate })
    }

    /// One step: `w ← w − η · ∂C/∂w` for every parameter.
    pub fn step<T: Float>(&self, network: &mut Network<T>, gradients: &Gradients<T>) {
        let eta = T::from_f64(self.learning_rate);
        for (params, grads) in network.parameters_mut().zip(gradients.slices()) {
            for (w, &g) in params.iter_mut().zip(grads) {
                *w -= eta * g;
            }
        }
    }
}
