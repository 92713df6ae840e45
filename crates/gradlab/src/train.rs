//! Training: batches, optimizers, learning-rate schedules, clipping, early
//! stopping, stopping on request (Ctrl-C), and the per-epoch history.

pub mod clip;
pub mod early_stopping;
pub mod interrupt;
pub mod optimizer;
pub mod schedule;
pub mod trainer;
