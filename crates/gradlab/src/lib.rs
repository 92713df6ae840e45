//! gradlab: neural networks from first principles.
#![warn(missing_docs)]

pub mod data;
pub mod element;
pub mod error;
pub mod matrix;

pub use element::{Float, Precision};
pub use error::{Error, Result};
pub use matrix::Matrix;
pub mod nn;
pub mod train;
pub mod methods;
pub mod metrics;
pub mod fit;
pub mod model;
pub mod model_file;
