//! How good the predictions are, in the target's own units.
//!
//! Regression (ŷ predicted, y true, ȳ the mean of y, n rows):
//!
//! ```text
//! RMSE = √(1/n Σ (ŷ − y)²)      MAE = 1/n Σ |ŷ − y|      R² = 1 − Σ (ŷ − y)² / Σ (y − ȳ)²
//! ```
//!
//! Classification (p the predicted probabilities, the predicted class the most
//! probable one, ties to the lower index):
//!
//! ```text
//! accuracy      = correct / n
//! cross-entropy = 1/n Σ −ln max(p_true, 1e-15)    (clipped as scikit-learn's log_loss did)
//! precision_k   = true k predicted k / predicted k     recall_k = true k predicted k / true k
//! ```

use crate::matrix::Matrix;
use serde::{Deserialize, Serialize};

/// Regression metrics, in the target's units.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegressionMetrics {
    /// Root mean squared error.
    pub rmse: f64,
    /// Mean absolute error.
    pub mae: f64,
    /// Coefficient of determination (1 is perfect; 0 is as good as the mean).
    pub r2: f64,
}

/// Classification metrics.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassificationMetrics {
    /// Fraction of rows whose most probable class is the true one.
    pub accuracy: f64,
    /// Mean cross-entropy −ln p(true class).
    pub cross_entropy: f64,
    /// The class labels, in the order of the matrices and vectors here.
    pub labels: Vec<String>,
    /// `confusion[true][predicted]` counts rows.
    pub confusion: Vec<Vec<usize>>,
    /// Per class: of the rows predicted as the class, the fraction that are
    /// (0 when the class is never predicted).
    pub precision: Vec<f64>,
    /// Per class: of the rows of the class, the fraction predicted as it
    /// (0 when the class does not occur).
    pub recall: Vec<f64>,
}

/// Metrics of either task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Metrics {
    /// Regression metrics.
    Regression(RegressionMetrics),
    /// Classification metrics.
    Classification(ClassificationMetrics),
}

/// Probabilities below this are clipped before taking the logarithm.
pub const PROBABILITY_FLOOR: f64 = 1e-15;

/// RMSE, MAE and R² of `predicted` against `truth` (same length, not empty).
pub fn regression_metrics(predicted: &[f64], truth: &[f64]) -> RegressionMetrics {
    let n = truth.len() as f64;
    let mean = truth.iter().sum::<f64>() / n;
    let squared: f64 = predicted
        .iter()
        .zip(truth)
        .map(|(p, y)| (p - y).powi(2))
        .sum();
    let absolute: f64 = predicted
        .iter()
        .zip(truth)
        .map(|(p, y)| (p - y).abs())
        .sum();
    let spread: f64 = truth.iter().map(|y| (y - mean).powi(2)).sum();
    let r2 = if spread > 0.0 {
        1.0 - squared / spread
    } else if squared == 0.0 {
        1.0
    } else {
        0.0
    };
    RegressionMetrics {
        rmse: (squared / n).sqrt(),
        mae: absolute / n,
        r2,
    }
}

/// The index of the largest value (the first of equal ones).
pub fn argmax<T: PartialOrd>(values: &[T]) -> usize {
    let mut best = 0;
    for (i, v) in values.iter().enumerate() {
        if *v > values[best] {
            best = i;
        }
    }
    best
}

/// Accuracy, cross-entropy, confusion matrix, precision and recall of the
/// class `probabilities` (`n × K`) against the true class indices.
pub fn classification_metrics(
    probabilities: &Matrix<f64>,
    truth: &[usize],
    labels: &[String],
) -> ClassificationMetrics {
    let classes = labels.len();
    let mut confusion = vec![vec![0usize; classes]; classes];
    let mut log_loss = 0.0;
    for (row, &true_class) in probabilities.iter_rows().zip(truth) {
        confusion[true_class][argmax(row)] += 1;
        log_loss -= row[true_class].max(PROBABILITY_FLOOR).ln();
    }
    let n = truth.len() as f64;
    let correct: usize = (0..classes).map(|k| confusion[k][k]).sum();
    let ratio = |num: usize, den: usize| {
        if den == 0 {
            0.0
        } else {
            num as f64 / den as f64
        }
    };
    let predicted_as = |k: usize| confusion.iter().map(|row| row[k]).sum::<usize>();
    ClassificationMetrics {
        accuracy: correct as f64 / n,
        cross_entropy: log_loss / n,
        labels: labels.to_vec(),
        precision: (0..classes)
            .map(|k| ratio(confusion[k][k], predicted_as(k)))
            .collect(),
        recall: (0..classes)
            .map(|k| ratio(confusion[k][k], confusion[k].iter().sum()))
            .collect(),
        confusion,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regression_metrics_by_hand() {
        // Errors [1, -1, 0, 2]: RMSE = √(6/4), MAE = 4/4; y mean 2.5, Σ(y−ȳ)² = 5.
        let m = regression_metrics(&[2.0, 1.0, 3.0, 6.0], &[1.0, 2.0, 3.0, 4.0]);
        assert!((m.rmse - 1.5f64.sqrt()).abs() < 1e-15);
        assert_eq!(m.mae, 1.0);
        assert!((m.r2 - (1.0 - 6.0 / 5.0)).abs() < 1e-15);
    }

    #[test]
    fn classification_metrics_by_hand() {
        let labels = vec!["a".to_string(), "b".to_string()];
        let p = Matrix::from_rows(&[
            vec![0.9, 0.1], // true a, predicted a
            vec![0.4, 0.6], // true a, predicted b
            vec![0.2, 0.8], // true b, predicted b
        ])
        .unwrap();
        let m = classification_metrics(&p, &[0, 0, 1], &labels);
        assert_eq!(m.confusion, vec![vec![1, 1], vec![0, 1]]);
        assert!((m.accuracy - 2.0 / 3.0).abs() < 1e-15);
        assert_eq!(m.precision, vec![1.0, 0.5]);
        assert_eq!(m.recall, vec![0.5, 1.0]);
        let expected = -(0.9f64.ln() + 0.4f64.ln() + 0.8f64.ln()) / 3.0;
        assert!((m.cross_entropy - expected).abs() < 1e-15);
    }
}
