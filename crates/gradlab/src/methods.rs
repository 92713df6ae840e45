//! The other ways to find weights and gradients, side by side with backprop:
//! trying every value on a grid (brute force) and measuring the slope
//! numerically (central differences, also the gradient check).
//!
//! # Map
//!
//! - [`brute_force`]: the grid search over a few weights.
//! - [`compare`]: brute force, numerical-gradient descent and backprop
//!   descent from one seeded start, as a table (its `run` goes from a data
//!   set and settings to the result).
//! - [`numerical`]: central-difference gradients and the gradient check.
//! - [`explain`]: one update step written out, row by row.
//! - [`neuron_slice`]: the fast cost of a grid point when the searched
//!   weights feed one neuron.

pub mod brute_force;
pub mod compare;
pub mod explain;
pub mod neuron_slice;
pub mod numerical;
