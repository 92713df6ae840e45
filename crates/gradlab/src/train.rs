//! Training: batches, optimizers, learning-rate schedules, clipping, early
//! stopping, stopping on request (Ctrl-C), and the per-epoch history.
//!
//! - [`trainer`]: what a run is given and what it reports.
//! - [`training`]: the loop, step by step ([`training::Training`]) or to the
//!   end ([`training::train`]).
//! - [`evaluation`]: the mean cost over a whole data set.
//! - [`gradient_names`]: the names of the gradient methods.
//! - [`optimizer`], [`schedule`], [`clip`], [`early_stopping`],
//!   [`interrupt`]: the parts a step and an epoch use.

pub mod clip;
pub mod early_stopping;
pub mod evaluation;
pub mod gradient_names;
pub mod interrupt;
pub mod optimizer;
pub mod schedule;
pub mod trainer;
pub mod training;
