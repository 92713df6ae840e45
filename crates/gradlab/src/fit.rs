//! The whole pipeline from a dataset to a trained, evaluated model in one
//! call: a [`Session`] stepped to the end.
//!
//! ```text
//! split (seeded, stratified) → Scaling::fit(train rows) → Network::new(init, seed)
//!   → train (batches → forward → cost → backward → step) → metrics on train and test
//! ```

use crate::data::dataset::Dataset;
use crate::error::Result;
use crate::session::{FitOutcome, Session};
use crate::settings::FitSettings;
use crate::train::trainer::{Control, EpochRecord};
use crate::train::training::Budget;

/// Splits, scales, trains and evaluates; `on_epoch` sees every epoch and
/// may stop training early.
///
/// When training diverges, the error is [`crate::Error::Diverged`]; to keep
/// the last good weights, step a [`Session`] instead, which holds them. An
/// interrupted run ([`crate::train::trainer::TrainSettings::interrupt`]) is
/// not an error: the outcome holds the model so far (early stopping's best,
/// if on) and its metrics.
pub fn fit(
    dataset: &Dataset,
    settings: &FitSettings,
    on_epoch: impl FnMut(&EpochRecord) -> Control,
) -> Result<FitOutcome> {
    let mut session = Session::new(dataset, settings)?;
    session.step(Budget::ToEnd, on_epoch)?;
    session.into_outcome()
}
