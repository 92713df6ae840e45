//! Stopping a training run from outside, e.g. from a Ctrl-C handler.
//!
//! An [`Interrupt`] is a shared flag: the caller keeps one clone and hands
//! another to the trainer in [`crate::train::trainer::TrainSettings`]. The
//! trainer reads the flag once per gradient step (one relaxed atomic load)
//! and, once it is set, stops after that step and returns the history so
//! far with [`crate::train::trainer::History::interrupted`] filled in. The
//! engine installs no signal handler itself and never prints.

use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// A request to stop training after the current step, shared by clones.
///
/// Every handle compares equal to every other: a handle is how a run is
/// stopped, not a setting, so two [`crate::train::trainer::TrainSettings`]
/// that differ only in their handles describe the same training.
#[derive(Debug, Clone, Default)]
pub struct Interrupt {
    requested: Arc<AtomicBool>,
}

impl Interrupt {
    /// A fresh handle, not requested.
    pub fn new() -> Self {
        Interrupt::default()
    }

    /// Asks every run holding a clone of this handle to stop after its
    /// current step. Safe to call from any thread, also a signal handler's.
    pub fn request(&self) {
        self.requested.store(true, Ordering::Relaxed);
    }

    /// True once [`Interrupt::request`] was called on any clone.
    pub fn is_requested(&self) -> bool {
        self.requested.load(Ordering::Relaxed)
    }
}

impl PartialEq for Interrupt {
    fn eq(&self, _other: &Self) -> bool {
        true
    }
}

/// Where an interrupted run stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Interruption {
    /// 1-based epoch that was in progress.
    pub epoch: usize,
    /// 1-based batch of that epoch whose step was the last one taken.
    pub batch: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_on_one_clone_is_seen_by_every_clone() {
        let interrupt = Interrupt::new();
        let held_by_trainer = interrupt.clone();
        assert!(!held_by_trainer.is_requested());
        interrupt.request();
        assert!(held_by_trainer.is_requested());
        assert!(!Interrupt::new().is_requested(), "a new handle is separate");
    }

    #[test]
    fn handles_do_not_make_settings_differ() {
        let requested = Interrupt::new();
        requested.request();
        assert_eq!(requested, Interrupt::new());
    }
}
