//! Training: batches, the gradient-descent step, and the per-epoch history.

pub mod optimizer;
pub mod trainer;
