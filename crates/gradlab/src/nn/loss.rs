//! Cost functions, and the gradient each one starts backprop with.
//!
//! Both costs are means over the batch, so a cost value does not depend on
//! the batch size. The gradient handed to backprop is δ = ∂C/∂z of the output
//! layer's pre-activation z (`B × K`: B samples, K outputs).
//!
//! # Mean squared error (regression; the output layer is linear, ŷ = z)
//!
//! ```text
//! C = 1/(B·K) · Σ_b Σ_k (ŷ_bk − y_bk)²
//! δ = ∂C/∂z = 2 (ŷ − y) / (B·K)
//! ```
//!
//! The course writes the cost of a batch as a *sum* over samples,
//! E = Σ_s ½ (ŷ_s − y_s)², whose gradient is the sum of the per-sample
//! gradients (ŷ_s − y_s) · ∂ŷ_s/∂w. The two differ only by a constant:
//! ∂C/∂w = 2/(B·K) · ∂E/∂w. A learning rate η on C equals a learning rate
//! η · 2/(B·K) on E, which is why the mean form keeps one learning rate
//! good for every batch size.
//!
//! # Softmax cross-entropy (classification; y_b is the class index)
//!
//! ```text
//! p_bk = softmax(z_b)_k = e^{z_bk} / Σ_j e^{z_bj}
//! C    = 1/B · Σ_b −log p_b,y_b = 1/B · Σ_b (logsumexp(z_b) − z_b,y_b)
//! δ    = ∂C/∂z = (p − onehot(y)) / B
//! ```
//!
//! The softmax and the cross-entropy are fused: `logsumexp` subtracts the
//! row's maximum before exponentiating, so no e^z overflows, and the backward
//! pass never divides by a probability.

use crate::element::Float;
use crate::matrix::Matrix;
use crate::named::named_variants;
use serde::{Deserialize, Serialize};

/// The cost a network is trained on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Loss {
    /// Mean squared error on a linear output (regression).
    Mse,
    /// Softmax followed by cross-entropy, fused (classification).
    SoftmaxCrossEntropy,
}

/// What the network should output for each sample of a batch.
#[derive(Debug, Clone, PartialEq)]
pub enum Targets<T> {
    /// Regression: a `B × K` matrix of target values.
    Values(Matrix<T>),
    /// Classification: one class index per sample, each `< classes`.
    Classes {
        /// The class index of each sample.
        indices: Vec<usize>,
        /// How many classes there are (the width of the output layer).
        classes: usize,
    },
}

impl<T: Float> Targets<T> {
    /// Number of samples.
    pub fn len(&self) -> usize {
        match self {
            Targets::Values(values) => values.rows(),
            Targets::Classes { indices, .. } => indices.len(),
        }
    }

    /// True when there are no samples.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Empty targets shaped like `self`, with room for `capacity` samples.
    pub fn with_capacity_like(&self, capacity: usize) -> Self {
        match self {
            Targets::Values(values) => {
                let mut batch = Matrix::zeros(capacity, values.cols());
                batch.set_rows(0);
                Targets::Values(batch)
            }
            Targets::Classes { classes, .. } => Targets::Classes {
                indices: Vec::with_capacity(capacity),
                classes: *classes,
            },
        }
    }

    /// Replaces `self` with the samples `indices` of `source` (no allocation
    /// within capacity).
    pub fn gather(&mut self, source: &Targets<T>, rows: &[usize]) {
        match (self, source) {
            (Targets::Values(batch), Targets::Values(all)) => batch.gather_rows(all, rows),
            (Targets::Classes { indices, .. }, Targets::Classes { indices: all, .. }) => {
                indices.clear();
                indices.extend(rows.iter().map(|&r| all[r]));
            }
            _ => panic!("Targets::gather: regression and classification targets mixed"),
        }
    }
}

named_variants!(Loss {
    Loss::Mse => Loss::Mse, "mse", "mean squared error on a linear output (regression)";
    Loss::SoftmaxCrossEntropy => Loss::SoftmaxCrossEntropy, "softmax-cross-entropy",
        "softmax followed by cross-entropy, fused (classification)";
});

impl Loss {
    /// The mean cost of the outputs `z` (`B × K`, pre-activation) against
    /// `targets`. Accumulated in f64.
    pub fn cost<T: Float>(self, z: &Matrix<T>, targets: &Targets<T>) -> f64 {
        match (self, targets) {
            (Loss::Mse, Targets::Values(y)) => mse_cost(z, y),
            (Loss::SoftmaxCrossEntropy, Targets::Classes { indices, .. }) => {
                cross_entropy_cost(z, indices)
            }
            _ => panic!("Loss::cost: {} does not take these targets", self.name()),
        }
    }

    /// The mean cost, and δ = ∂C/∂z written into `delta` (same shape as z).
    pub fn cost_and_delta<T: Float>(
        self,
        z: &Matrix<T>,
        targets: &Targets<T>,
        delta: &mut Matrix<T>,
    ) -> f64 {
        match (self, targets) {
            (Loss::Mse, Targets::Values(y)) => mse_delta(z, y, delta),
            (Loss::SoftmaxCrossEntropy, Targets::Classes { indices, .. }) => {
                cross_entropy_delta(z, indices, delta)
            }
            _ => panic!(
                "Loss::cost_and_delta: {} does not take these targets",
                self.name()
            ),
        }
    }

    /// Turns raw outputs z into predictions, in place: the identity for MSE,
    /// the row-wise softmax (class probabilities) for cross-entropy.
    pub fn output_transform<T: Float>(self, z: &mut Matrix<T>) {
        if self == Loss::SoftmaxCrossEntropy {
            for r in 0..z.rows() {
                softmax_in_place(z.row_mut(r));
            }
        }
    }
}

fn mse_cost<T: Float>(z: &Matrix<T>, y: &Matrix<T>) -> f64 {
    let sum: f64 = z
        .as_slice()
        .iter()
        .zip(y.as_slice())
        .map(|(&p, &t)| {
            let residual = p.as_f64() - t.as_f64();
            residual * residual
        })
        .sum();
    sum / z.as_slice().len() as f64
}

/// δ = 2 (ŷ − y) / (B·K)
fn mse_delta<T: Float>(z: &Matrix<T>, y: &Matrix<T>, delta: &mut Matrix<T>) -> f64 {
    let count = z.as_slice().len();
    let scale = T::from_f64(2.0 / count as f64);
    let mut sum = 0.0;
    for ((d, &p), &t) in delta
        .as_mut_slice()
        .iter_mut()
        .zip(z.as_slice())
        .zip(y.as_slice())
    {
        let residual = p - t;
        // r·r rather than powi(2), which can stay a call to a library routine.
        sum += residual.as_f64() * residual.as_f64();
        *d = scale * residual;
    }
    sum / count as f64
}

/// log Σ_k e^{z_k}, computed as m + log Σ_k e^{z_k − m} with m = max z.
pub fn logsumexp<T: Float>(z: &[T]) -> T {
    let max = z.iter().copied().fold(T::neg_infinity(), T::max);
    let sum: T = z.iter().map(|&v| (v - max).loss_exp()).sum();
    max + sum.ln()
}

/// Replaces `z` by softmax(z) = e^{z − logsumexp(z)}.
pub fn softmax_in_place<T: Float>(z: &mut [T]) {
    let log_norm = logsumexp(z);
    for v in z.iter_mut() {
        *v = (*v - log_norm).loss_exp();
    }
}

fn cross_entropy_cost<T: Float>(z: &Matrix<T>, classes: &[usize]) -> f64 {
    let sum: f64 = z
        .iter_rows()
        .zip(classes)
        .map(|(row, &c)| (logsumexp(row) - row[c]).as_f64())
        .sum();
    sum / z.rows() as f64
}

/// δ_b = (softmax(z_b) − onehot(y_b)) / B, and the mean of the costs
/// logsumexp(z_b) − z_b[y_b].
///
/// With m_b = max z_b and e_b = e^{z_b − m_b}: softmax(z_b) = e_b / Σ e_b
/// and logsumexp(z_b) = m_b + ln Σ e_b (as [`logsumexp`] computes it, so
/// the cost is the same as [`Loss::cost`]'s). δ holds z − m, then e, for
/// the whole batch at once, so that the exponentials vectorise.
fn cross_entropy_delta<T: Float>(z: &Matrix<T>, classes: &[usize], delta: &mut Matrix<T>) -> f64 {
    let batch = z.rows();
    for b in 0..batch {
        let row = z.row(b);
        let max = row.iter().copied().fold(T::neg_infinity(), T::max);
        for (d, &v) in delta.row_mut(b).iter_mut().zip(row) {
            *d = v - max;
        }
    }
    crate::simd::map_in_place(delta.as_mut_slice(), T::loss_exp);
    let scale = T::one() / T::from_f64(batch as f64);
    let mut sum = 0.0;
    for (b, &class) in classes.iter().enumerate().take(batch) {
        let row = z.row(b);
        let max = row.iter().copied().fold(T::neg_infinity(), T::max);
        let e = delta.row_mut(b);
        let total: T = e.iter().copied().sum();
        sum += (max + total.ln() - row[class]).as_f64();
        for (k, d) in e.iter_mut().enumerate() {
            let onehot = if k == class { T::one() } else { T::zero() };
            *d = (*d / total - onehot) * scale;
        }
    }
    sum / batch as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_names_every_loss() {
        crate::named::assert_sound_list::<Loss>();
    }

    #[test]
    fn mse_matches_hand_computation() {
        let z = Matrix::from_rows(&[vec![1.0], vec![3.0]]).unwrap();
        let y = Targets::Values(Matrix::from_rows(&[vec![0.0], vec![1.0]]).unwrap());
        let mut delta = Matrix::zeros(2, 1);
        // C = (1² + 2²) / 2 = 2.5; δ = 2·[1, 2] / 2 = [1, 2].
        assert_eq!(Loss::Mse.cost_and_delta(&z, &y, &mut delta), 2.5);
        assert_eq!(delta.as_slice(), &[1.0, 2.0]);
        assert_eq!(Loss::Mse.cost(&z, &y), 2.5);
    }

    #[test]
    fn cross_entropy_matches_hand_computation_and_is_stable() {
        // z = [0, ln 3]: p = [1/4, 3/4]; class 1 → C = −ln(3/4) = 0.2876820724517809.
        let z = Matrix::from_rows(&[vec![0.0, 3.0f64.ln()]]).unwrap();
        let t = Targets::Classes {
            indices: vec![1],
            classes: 2,
        };
        let mut delta = Matrix::zeros(1, 2);
        let cost = Loss::SoftmaxCrossEntropy.cost_and_delta(&z, &t, &mut delta);
        assert!((cost - 0.287_682_072_451_780_9).abs() < 1e-15);
        assert!((delta.get(0, 0) - 0.25).abs() < 1e-15);
        assert!((delta.get(0, 1) + 0.25).abs() < 1e-15);

        // Logits of ±1000 would overflow e^z; logsumexp keeps them finite.
        let huge = Matrix::from_rows(&[vec![1000.0f32, -1000.0]]).unwrap();
        let t = Targets::Classes {
            indices: vec![1],
            classes: 2,
        };
        let cost = Loss::SoftmaxCrossEntropy.cost(&huge, &t);
        assert!((cost - 2000.0).abs() < 1e-3, "cost {cost}");
    }

    /// The cost that training gets with δ is the very number `cost` gives
    /// (the batched exponentials change nothing), bit for bit.
    fn training_cost_is_the_cost<T: Float>() {
        let logits: Vec<T> = (0..64 * 5)
            .map(|i| T::from_f64(((i * 7919) % 1000) as f64 / 10.0 - 50.0))
            .collect();
        let z = Matrix::from_vec(64, 5, logits).unwrap();
        let targets = Targets::Classes {
            indices: (0..64).map(|r| (r * 3) % 5).collect(),
            classes: 5,
        };
        let mut delta = Matrix::zeros(64, 5);
        let with_delta = Loss::SoftmaxCrossEntropy.cost_and_delta(&z, &targets, &mut delta);
        let alone = Loss::SoftmaxCrossEntropy.cost(&z, &targets);
        assert_eq!(with_delta.to_bits(), alone.to_bits(), "{}", T::NAME);
        // Each row of δ·B is a softmax minus a one-hot: it sums to 0.
        for row in delta.iter_rows() {
            let sum: f64 = row.iter().map(|d| d.as_f64()).sum();
            assert!(sum.abs() < 1e-6, "{} row sums to {sum}", T::NAME);
        }
    }

    #[test]
    fn the_training_cost_is_the_cost_bit_for_bit() {
        training_cost_is_the_cost::<f32>();
        training_cost_is_the_cost::<f64>();
    }

    #[test]
    fn softmax_rows_sum_to_one() {
        let mut z = Matrix::from_rows(&[vec![1.0f64, 2.0, 3.0], vec![-5.0, 0.0, 5.0]]).unwrap();
        Loss::SoftmaxCrossEntropy.output_transform(&mut z);
        for row in z.iter_rows() {
            assert!((row.iter().sum::<f64>() - 1.0).abs() < 1e-15);
        }
    }
}
