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

mod scaled_differences;

use crate::matrix::Matrix;
use scaled_differences::{times_power_of_two, ScaledDifferences, Subtracted};
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
///
/// Finite inputs give finite results unless the true value is beyond
/// `f64::MAX` (an RMSE of targets near ±1e308 is computed on errors divided
/// by a power of two first); errors up to about 1e144 are summed as the
/// formulas above, bit for bit.
pub fn regression_metrics(predicted: &[f64], truth: &[f64]) -> RegressionMetrics {
    let n = truth.len() as f64;
    let errors = ScaledDifferences::new(predicted, Subtracted::Each(truth));
    let deviations = ScaledDifferences::new(truth, Subtracted::All(mean(truth)));
    let squared = errors.sum_of_squares();
    let spread = deviations.sum_of_squares();
    let r2 = if spread > 0.0 {
        // Σ(ŷ − y)² / Σ(y − ȳ)², each sum held divided by its own 4^k.
        let exponent = 2 * (errors.exponent() - deviations.exponent());
        1.0 - times_power_of_two(squared / spread, exponent)
    } else if squared == 0.0 {
        1.0
    } else {
        0.0
    };
    RegressionMetrics {
        rmse: root_mean_square(squared, n, errors.exponent()),
        mae: times_power_of_two(errors.sum_of_magnitudes() / n, errors.exponent()),
        r2,
    }
}

/// The RMSE of `predicted` against `truth` alone, as [`regression_metrics`]
/// computes it (bit for bit, and without overflow for finite inputs).
pub fn root_mean_squared_error(predicted: &[f64], truth: &[f64]) -> f64 {
    let errors = ScaledDifferences::new(predicted, Subtracted::Each(truth));
    let n = truth.len() as f64;
    root_mean_square(errors.sum_of_squares(), n, errors.exponent())
}

/// `√(Σ/n)` of a sum of squares held divided by `4^exponent`.
fn root_mean_square(sum_of_squares: f64, n: f64, exponent: i32) -> f64 {
    times_power_of_two((sum_of_squares / n).sqrt(), exponent)
}

/// The mean of `values` (not empty), also when their sum would overflow.
fn mean(values: &[f64]) -> f64 {
    let scaled = ScaledDifferences::new(values, Subtracted::All(0.0));
    times_power_of_two(scaled.sum() / values.len() as f64, scaled.exponent())
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

    /// 2^1023 ≈ 8.988e307, the largest power of two an f64 holds.
    const M: f64 = 8.98846567431158e307;

    #[test]
    fn squares_beyond_f64_max_do_not_overflow() {
        // y = [M, −M, M, −M], ŷ = [M/2, −M/2, M, −M]: errors [−M/2, M/2, 0, 0].
        // Σ(ŷ − y)² = M²/2 (≈ 4e615, beyond f64), so RMSE = √(M²/8) = 2^1021·√2,
        // MAE = (M/2 + M/2)/4 = 2^1021; ȳ = 0, Σ(y − ȳ)² = 4M², R² = 1 − 1/8.
        // Every result is exact: only powers of two are multiplied in.
        let truth = [M, -M, M, -M];
        let predicted = [M / 2.0, -M / 2.0, M, -M];
        let m = regression_metrics(&predicted, &truth);
        assert_eq!(m.rmse, 2f64.sqrt() * (M / 4.0));
        assert_eq!(m.mae, M / 4.0);
        assert_eq!(m.r2, 0.875);
    }

    #[test]
    fn an_error_beyond_f64_max_does_not_overflow() {
        // y = [−M, M], ŷ = [M, M]: errors [2M, 0], and 2M = 2^1024 is past
        // f64::MAX already. RMSE = √(4M²/2) = √2·M ≈ 1.271e308, MAE = 2M/2 = M;
        // ȳ = 0, Σ(y − ȳ)² = 2M², R² = 1 − 4M²/2M² = −1.
        let m = regression_metrics(&[M, M], &[-M, M]);
        assert_eq!(m.rmse, 2f64.sqrt() * M);
        assert_eq!(m.mae, M);
        assert_eq!(m.r2, -1.0);
    }

    #[test]
    fn errors_of_f64_max_give_f64_max() {
        // y = [MAX, MAX], ŷ = [0, 0]: every error is −MAX, so RMSE = MAE =
        // MAX exactly (the plain formulas gave inf); all targets equal, so
        // Σ(y − ȳ)² = 0 and R² is 0 by the convention for constant targets.
        let m = regression_metrics(&[0.0, 0.0], &[f64::MAX, f64::MAX]);
        assert_eq!(m.rmse, f64::MAX);
        assert_eq!(m.mae, f64::MAX);
        assert_eq!(m.r2, 0.0);
    }

    /// The metrics by the plain textbook formulas, which overflow where the
    /// real ones do not.
    fn plain_regression_metrics(predicted: &[f64], truth: &[f64]) -> RegressionMetrics {
        let n = truth.len() as f64;
        let mean = truth.iter().sum::<f64>() / n;
        let errors = || predicted.iter().zip(truth).map(|(p, y)| p - y);
        let squared: f64 = errors().map(|e| e.powi(2)).sum();
        let absolute: f64 = errors().map(f64::abs).sum();
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

    /// Pairs (ŷ, y) of 1 to 40 rows with values within ±`limit`.
    fn pairs(limit: f64) -> impl Strategy<Value = Vec<(f64, f64)>> {
        proptest::collection::vec((-limit..limit, -limit..limit), 1..40)
    }

    fn bits(m: &RegressionMetrics) -> [u64; 3] {
        [m.rmse.to_bits(), m.mae.to_bits(), m.r2.to_bits()]
    }

    use proptest::prelude::*;

    proptest! {
        #[test]
        fn ordinary_values_give_the_plain_formulas_bit_for_bit(
            rows in prop_oneof![pairs(50.0), pairs(1e6), pairs(1e140)],
        ) {
            let (predicted, truth): (Vec<f64>, Vec<f64>) = rows.into_iter().unzip();
            let safe = regression_metrics(&predicted, &truth);
            let plain = plain_regression_metrics(&predicted, &truth);
            prop_assert_eq!(bits(&safe), bits(&plain), "{:?} vs {:?}", safe, plain);
            let rmse = root_mean_squared_error(&predicted, &truth);
            prop_assert_eq!(rmse.to_bits(), plain.rmse.to_bits());
        }

        #[test]
        fn finite_values_give_finite_metrics(rows in pairs(f64::MAX / 2.0)) {
            // |ŷ − y| ≤ MAX here, so the RMSE, at most the largest error, fits.
            let (predicted, truth): (Vec<f64>, Vec<f64>) = rows.into_iter().unzip();
            let m = regression_metrics(&predicted, &truth);
            let largest = predicted.iter().zip(&truth).map(|(p, y)| (p - y).abs()).fold(0.0, f64::max);
            prop_assert!(m.rmse.is_finite() && m.mae.is_finite() && !m.r2.is_nan(), "{:?}", m);
            prop_assert!(m.rmse <= largest * (1.0 + 1e-15), "{:?}, largest error {}", m, largest);
            prop_assert!(m.mae <= m.rmse * (1.0 + 1e-15), "{:?}", m);
        }
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
