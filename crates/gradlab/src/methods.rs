//! The other ways to find weights and gradients, side by side with backprop:
//! trying every value on a grid (brute force) and measuring the slope
//! numerically (central differences, also the gradient check).

pub mod brute_force;
pub mod compare;
pub mod explain;
pub mod neuron_slice;
pub mod numerical;
