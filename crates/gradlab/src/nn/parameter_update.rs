//! An update of one parameter tensor that can be applied part by part.
//!
//! Backprop computes a layer's ∂C/∂W band by band of neurons; a trainer that
//! takes its optimizer step right away hands each band to the step while
//! the band's gradient is still in cache ([`crate::nn::network::Network::gradient_and_update`]).
//! The step must then be cut the way the bands are, and each part applied
//! on whichever thread computed its band: this trait is that contract. The
//! optimizer implements it ([`crate::train::optimizer::TensorUpdate`]).
//!
//! An element's update may depend only on that element's weight, gradient
//! and running state, so that the parts together make exactly the step the
//! whole tensor would get.

/// The update of one parameter tensor (a layer's weights or biases), to be
/// applied in parts.
pub trait ParameterUpdate<T>: Send + Sized {
    /// The updates of elements `..mid` and of `mid..`.
    fn split_at(self, mid: usize) -> (Self, Self);

    /// Updates `weights` with their gradient `grads` (both as long as this
    /// part); returns whether every updated weight is finite.
    fn apply(self, weights: &mut [T], grads: &[T]) -> bool;
}
