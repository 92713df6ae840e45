//! Gradient clipping by global norm, as PyTorch's `clip_grad_norm_`:
//!
//! ```text
//! n = ‖g‖₂ over every parameter;   if n > c:  g ← g · c / n
//! ```
//!
//! The direction of the step is kept; only its length is capped, which stops
//! one steep batch from throwing the weights far away.

use crate::element::Float;
use crate::nn::network::Gradients;

/// Scales `gradients` down to global norm `max_norm` if it is larger;
/// returns the norm before clipping.
pub fn clip_by_norm<T: Float>(gradients: &mut Gradients<T>, max_norm: f64) -> f64 {
    let norm = gradients
        .slices()
        .flatten()
        .map(|g| g.as_f64().powi(2))
        .sum::<f64>()
        .sqrt();
    if norm > max_norm {
        let scale = T::from_f64(max_norm / norm);
        for g in gradients.slices_mut().flatten() {
            *g *= scale;
        }
    }
    norm
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::activation::Activation;
    use crate::nn::init::Init;
    use crate::nn::loss::Loss;
    use crate::nn::network::{Architecture, Network};

    #[test]
    fn a_long_gradient_is_cut_to_the_limit_and_a_short_one_is_kept() {
        let architecture = Architecture::new(1, &[], Activation::Linear, 1, Loss::Mse);
        let network = Network::<f64>::new(architecture, Init::Xavier, 1).unwrap();
        let mut gradients = Gradients::zeros_like(&network);
        gradients.layers[0].weight.set(0, 0, 3.0);
        gradients.layers[0].bias[0] = 4.0;
        // ‖(3, 4)‖ = 5 → scaled by 1/5 to (0.6, 0.8).
        assert_eq!(clip_by_norm(&mut gradients, 1.0), 5.0);
        assert!((gradients.layers[0].weight.get(0, 0) - 0.6).abs() < 1e-15);
        assert!((gradients.layers[0].bias[0] - 0.8).abs() < 1e-15);
        clip_by_norm(&mut gradients, 10.0);
        assert!((gradients.layers[0].bias[0] - 0.8).abs() < 1e-15);
    }
}
