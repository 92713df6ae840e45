//! Fuzz target `model_file`: arbitrary bytes as a model file.
//!
//! When the bytes load, the model predicts three rows of the width it
//! takes, and writing it out again must give a file that loads as the same
//! model. Nothing may panic, and nothing may be allocated beyond what the
//! bytes justify (run with `-rss_limit_mb` / `-malloc_limit_mb`).

#![no_main]

use gradlab::model::{AnyModel, Predictions};
use gradlab::model_file::{from_bytes, to_bytes};
use gradlab::Matrix;
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|bytes: &[u8]| {
    let path = Path::new("<fuzz>");
    let Ok(model) = from_bytes(bytes, path) else {
        return;
    };
    check_predictions(&model);
    let again = from_bytes(&to_bytes(&model), path).expect("a saved model loads");
    assert_eq!(again, model, "saving and loading changed the model");
});

/// Predicts three rows (zeros, ones, a spread of values) and checks the
/// shape of the answer.
fn check_predictions(model: &AnyModel) {
    let info = model.info();
    let inputs = info.input_columns.len();
    let values: Vec<f64> = (0..3 * inputs)
        .map(|i| match i / inputs {
            0 => 0.0,
            1 => 1.0,
            _ => (i % inputs) as f64 * 10.0 - 5.0,
        })
        .collect();
    let raw = Matrix::from_vec(3, inputs, values).expect("3 × inputs values");
    match model.predict(&raw) {
        Predictions::Regression(values) => assert_eq!(values.len(), 3),
        Predictions::Classification {
            probabilities,
            classes,
        } => {
            assert_eq!(probabilities.rows(), 3);
            assert_eq!(probabilities.cols(), info.labels.len());
            assert!(classes.iter().all(|&c| c < info.labels.len()));
        }
    }
}
