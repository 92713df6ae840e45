//! Data: CSV tables, datasets, splits, scalers and the fever generator.
//!
//! The data flows through these modules in order:
//!
//! - [`csv`]: a CSV file read once into a column-oriented [`csv::Table`];
//! - [`dataset`]: the input columns and the target column of a table as a
//!   [`dataset::Dataset`] (regression or classification);
//! - [`task`]: regression or classification, asked for or inferred from
//!   the target column ([`task_inference`]);
//! - [`split`]: a seeded train/test split, stratified for classes;
//! - [`scale`]: scaler settings ([`scale::Scaling`]) fitted on the training
//!   part into a [`scale::Scaler`] that the model file stores;
//! - [`fever`]: the course's example data, generated from a seed.

pub mod csv;
pub mod dataset;
pub mod fever;
pub mod scale;
pub mod split;
pub mod task;
pub mod task_inference;
