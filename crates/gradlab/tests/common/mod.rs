//! Helpers shared by the engine's integration tests.

use gradlab::model::Predictions;

/// Every number of a prediction, as bits: the values, or the class
/// probabilities followed by the predicted classes.
pub fn prediction_bits(predictions: &Predictions) -> Vec<u64> {
    match predictions {
        Predictions::Regression(values) => values.iter().map(|v| v.to_bits()).collect(),
        Predictions::Classification {
            probabilities,
            classes,
        } => probabilities
            .as_slice()
            .iter()
            .map(|p| p.to_bits())
            .chain(classes.iter().map(|&c| c as u64))
            .collect(),
    }
}
