//! The other ways to find weights and gradients, side by side with backprop:
//! trying every value on a grid (brute force) and measuring the slope
//! numerically (central differences, also the gradient check).
//!
//! # Map
//!
//! - [`brute_force`]: the grid search over a few weights.
//! - [`brute_force_experiment`]: brute force from a start to what a front
//!   end shows: the plan, the estimated time, the best point.
//! - [`brute_force_rate`]: cost evaluations per second, measured on a
//!   sample of grid points.
//! - [`brute_force_growth`]: the course's table of how the grid and the
//!   time grow with the number of weights.
//! - [`start`]: where a method starts: a seeded network or a model's.
//! - [`compare`]: brute force, numerical-gradient descent and backprop
//!   descent from one seeded start, as a table (its `run` goes from a data
//!   set and settings to the result).
//! - [`numerical`]: central-difference gradients and the gradient check.
//! - [`explain`]: one update step written out, row by row.
//! - [`neuron_slice`]: the fast cost of a grid point when the searched
//!   weights feed one neuron.

pub mod brute_force;
pub mod brute_force_experiment;
pub mod brute_force_growth;
pub mod brute_force_rate;
pub mod compare;
pub mod explain;
pub mod neuron_slice;
pub mod numerical;
pub mod start;
