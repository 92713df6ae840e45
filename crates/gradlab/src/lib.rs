//! # gradlab: neural networks from first principles
//!
//! gradlab trains small dense networks on tabular data the way an
//! introductory deep-learning course teaches it — min-max or standard
//! scaling, a forward pass written as matrix products, a cost, backprop from
//! the output layer to the input, gradient descent — and is fast and sturdy
//! enough to be a real tool. The engine never prints; the `gradlab` binary
//! is a thin command line over it.
//!
//! The course's example: a patient's body temperature now (°C) and a
//! medication dose (mg) go in; the temperature two hours later (regression)
//! or its class — normal / elevated / fever — (classification) comes out.
//! [`data::fever`] generates that data.
//!
//! # One call
//!
//! [`fit::fit`] splits, scales, trains and evaluates:
//!
//! ```
//! use gradlab::data::dataset::{Dataset, DatasetSpec};
//! use gradlab::data::fever;
//! use gradlab::fit::fit;
//! use gradlab::metrics::Metrics;
//! use gradlab::settings::FitSettings;
//! use gradlab::train::trainer::{Control, TrainSettings};
//!
//! # fn main() -> gradlab::Result<()> {
//! let table = fever::table(1_000, 1);
//! let inputs = Some(vec!["temp_c".to_string(), "dose_mg".to_string()]);
//! let spec = DatasetSpec { target: "status_2h".into(), inputs, ..Default::default() };
//! let data = Dataset::from_table(&table, &spec)?;
//! let settings = FitSettings {
//!     train: TrainSettings { epochs: 40, ..Default::default() },
//!     ..Default::default()
//! };
//! let outcome = fit(&data, &settings, |_epoch| Control::Continue)?;
//! let Metrics::Classification(test) = &outcome.test_metrics else { unreachable!() };
//! assert!(test.accuracy > 0.85, "test accuracy {}", test.accuracy);
//! # Ok(())
//! # }
//! ```
//!
//! # One step at a time
//!
//! A [`session::Session`] is what [`fit::fit`] runs to the end: a front end
//! that shows training as it goes (the lab's play, pause and one step)
//! steps it by batches or epochs and changes settings in between.
//!
//! ```
//! use gradlab::data::dataset::{Dataset, DatasetSpec};
//! use gradlab::data::fever;
//! use gradlab::session::{Session, SnapshotDetail};
//! use gradlab::settings::FitSettings;
//! use gradlab::train::trainer::Control;
//! use gradlab::train::training::{Adjustment, Budget};
//!
//! # fn main() -> gradlab::Result<()> {
//! let table = fever::table(500, 1);
//! let inputs = Some(vec!["temp_c".to_string(), "dose_mg".to_string()]);
//! let spec = DatasetSpec { target: "temp_2h_c".into(), inputs, ..Default::default() };
//! let data = Dataset::from_table(&table, &spec)?;
//! let mut session = Session::new(&data, &FitSettings::default())?;
//! session.step(Budget::Batches(1), |_| Control::Continue)?; // one gradient step
//! session.step(Budget::Epochs(5), |_| Control::Continue)?; // the rest of epoch 1, and 4 more
//! session.adjust(Adjustment::LearningRate(0.02))?;
//! session.step(Budget::Epochs(1), |_| Control::Continue)?;
//! let now = session.snapshot(SnapshotDetail { weights: true, ..Default::default() });
//! assert_eq!(now.epochs_done, 6);
//! assert_eq!(now.learning_rate, 0.02);
//! let outcome = session.into_outcome()?; // the model and its metrics
//! assert_eq!(outcome.history.epochs.len(), 6);
//! # Ok(())
//! # }
//! ```
//!
//! # Step by step
//!
//! generate → split → scale → train → evaluate → predict, with the pieces
//! that [`fit::fit`] strings together:
//!
//! ```
//! use gradlab::data::dataset::{Dataset, DatasetSpec, Target};
//! use gradlab::data::{fever, scale::Scaling, split::train_test_split};
//! use gradlab::metrics::regression_metrics;
//! use gradlab::nn::{activation::Activation, init::Init, loss::{Loss, Targets}};
//! use gradlab::nn::network::{Architecture, Network};
//! use gradlab::train::trainer::{Control, DataSets, Examples, TrainSettings};
//! use gradlab::train::training::train;
//! use gradlab::Matrix;
//!
//! # fn main() -> gradlab::Result<()> {
//! // 1. Generate 1,000 patients; predict the temperature 2 hours later.
//! let table = fever::table(1_000, 1);
//! let inputs = Some(vec!["temp_c".to_string(), "dose_mg".to_string()]);
//! let spec = DatasetSpec { target: "temp_2h_c".into(), inputs, ..Default::default() };
//! let data = Dataset::from_table(&table, &spec)?;
//!
//! // 2. Split: 80 % to train on, 20 % held out (seeded).
//! let split = train_test_split(&data, 0.2, 1)?;
//! let (train_part, test_part) = (data.subset(&split.train), data.subset(&split.test));
//!
//! // 3. Scale inputs and target, fitted on the training rows only.
//! let x_scaler = Scaling::Standard.fit(&train_part.inputs);
//! let Target::Regression(y_train) = &train_part.target else { unreachable!() };
//! let y_scaler = Scaling::Standard.fit_column(y_train);
//! let y_scaled: Vec<f32> = y_train.iter().map(|&y| y_scaler.transform_value(0, y) as f32).collect();
//! let examples = Examples {
//!     inputs: x_scaler.transform_as::<f32>(&train_part.inputs),
//!     targets: Targets::Values(Matrix::from_vec(y_scaled.len(), 1, y_scaled).unwrap()),
//! };
//!
//! // 4. Train 2 → 16 tanh → 1 by mini-batch gradient descent on the MSE.
//! let architecture = Architecture::new(2, &[16], Activation::Tanh, 1, Loss::Mse);
//! let mut network = Network::<f32>::new(architecture, Init::Xavier, 1)?;
//! let settings = TrainSettings { epochs: 60, ..Default::default() };
//! let data = DataSets::train_only(&examples);
//! let history = train(&mut network, data, &settings, |_| Control::Continue)?;
//! assert!(history.epochs.last().unwrap().train_cost < history.epochs[0].train_cost);
//!
//! // 5. Evaluate on the held-out rows, back in °C.
//! let to_celsius = |x: &Matrix<f64>| -> Vec<f64> {
//!     let output = network.predict(&x_scaler.transform_as::<f32>(x));
//!     output.iter_rows().map(|row| y_scaler.inverse_value(0, f64::from(row[0]))).collect()
//! };
//! let Target::Regression(y_test) = &test_part.target else { unreachable!() };
//! let metrics = regression_metrics(&to_celsius(&test_part.inputs), y_test);
//! assert!(metrics.rmse < 0.3, "test RMSE {} °C", metrics.rmse); // noise floor: 0.15 °C
//!
//! // 6. Predict one patient: 39.5 °C now, 500 mg.
//! let patient = Matrix::from_rows(&[vec![39.5, 500.0]]).unwrap();
//! let later = to_celsius(&patient)[0];
//! assert!((37.0..39.5).contains(&later), "39.5 °C with 500 mg → {later:.1} °C");
//! # Ok(())
//! # }
//! ```
//!
//! # Map
//!
//! From the bottom layer up; a module uses only those above it in this
//! list, and none imports another in a circle.
//!
//! - [`setting`], [`error`], [`named`], [`element`], [`simd`],
//!   [`float_text`], [`atomic_file`]: the settings an error can name, the
//!   error type, the lists of named choices, the element types and their
//!   vectorised kernels, numbers written as text, files written atomically.
//! - [`matrix`]: the matrix type and its products (faer's GEMM).
//! - [`data`]: CSV tables, datasets, the task (regression or
//!   classification), splits, scalers, the fever generator.
//! - [`nn`]: activations, dense layers, costs, initialisation, the network
//!   with its forward and backward pass, the numerical gradient.
//! - [`metrics`]: RMSE, MAE, R², accuracy, confusion matrices.
//! - [`train`]: what a run is given and reports, the loop step by step,
//!   optimizers, schedules, clipping, early stopping, interruption.
//! - [`settings`]: every setting a user chooses, in one struct, also as
//!   TOML or JSON text.
//! - [`model`]: a trained network with its columns and scalers;
//!   [`model_file`]: its `.safetensors` file.
//! - [`prepare`]: split, scale and initialise; [`session`]: training step
//!   by step from a dataset; [`fit`]: a session run to the end.
//! - [`methods`]: brute force, the gradient check, explain, the methods
//!   side by side.
//! - [`analysis`]: loss landscapes, restarts and minima, LeCun's
//!   recommendations, prediction grids.
//! - [`explain`]: the course's hand calculation as a document of typed
//!   formulas, rendered as text, markdown or LaTeX.
//! - [`bench`](mod@bench): the reference workloads.
#![warn(missing_docs)]

pub mod analysis;
pub mod atomic_file;
pub mod bench;
pub mod data;
pub mod element;
pub mod error;
pub mod explain;
pub mod fit;
pub mod float_text;
pub mod matrix;
pub mod methods;
pub mod metrics;
pub mod model;
pub mod model_file;
pub mod named;
pub mod nn;
pub mod prepare;
pub mod session;
pub mod setting;
pub mod settings;
pub mod simd;
pub mod train;

pub use element::{Float, Precision};
pub use error::{Error, Result};
pub use matrix::Matrix;
