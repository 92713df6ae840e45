//! A workload's training step cut down to its matrix products: how fast
//! training could go if everything else (the bias, the activations, the
//! loss, the transposition, the optimizer's step and its checks, the
//! synchronisation between them) took no time.
//!
//! For a layer n_in → n_out and a batch of B rows, a backprop step computes
//!
//! ```text
//! zᵀ    = W · xᵀ     (n_out × n_in)·(n_in × B)       the forward product
//! ∂C/∂x = δ · W      (B × n_out)·(n_out × n_in)      every layer but the first
//! ∂C/∂W = δᵀ · x     (n_out × B)·(B × n_in)
//! ```
//!
//! with 2 · B · n_in · n_out floating-point operations each. [`products_only`]
//! runs exactly these, in these orientations, through the same
//! [`gemm`] as training (cut into the same blocks for the same threads, on
//! a thread of the pool, as [`crate::train::trainer`] runs its steps), on
//! buffers made and touched once. Training computes ∂C/∂W a band at a time
//! instead of whole, and its smallest layers' forward product as x · Wᵀ;
//! both are the same operations.
//!
//! Training's samples per second divided by this rate is about the share of
//! the step spent in the products. Training cannot go faster than this rate
//! without a faster matrix product.

use super::Workload;
use crate::matrix::{gemm, Matrix, Output, Transpose};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::time::Instant;

/// Samples per second of `steps` training steps of `workload` made only of
/// their matrix products (see the module doc), after one untimed step.
///
/// # Panics
/// If `steps` is 0.
pub fn products_only(workload: &Workload, steps: usize) -> f64 {
    assert!(steps > 0, "products_only: at least one step");
    let mut layers: Vec<LayerProducts> = workload
        .sizes
        .windows(2)
        .enumerate()
        .map(|(index, sizes)| LayerProducts::new(sizes[0], sizes[1], workload.batch, index))
        .collect();
    let mut step = || {
        for (index, layer) in layers.iter_mut().enumerate() {
            layer.compute(index > 0);
        }
    };
    rayon::scope(|_| {
        step();
        let started = Instant::now();
        for _ in 0..steps {
            step();
        }
        (workload.batch * steps) as f64 / started.elapsed().as_secs_f64()
    })
}

/// One layer's operands and results, made once.
struct LayerProducts {
    weight: Matrix<f32>,
    input: Matrix<f32>,
    delta: Matrix<f32>,
    transposed_output: Matrix<f32>,
    input_gradient: Matrix<f32>,
    weight_gradient: Matrix<f32>,
}

impl LayerProducts {
    /// Buffers for an `inputs → outputs` layer and a batch of `batch`: the
    /// operands filled with values of the size training sees (seeded by
    /// `seed`), the results with zeros.
    fn new(inputs: usize, outputs: usize, batch: usize, seed: usize) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(seed as u64);
        let mut filled = |rows: usize, cols: usize| {
            let values = (0..rows * cols)
                .map(|_| rng.random_range(-0.1f32..0.1))
                .collect();
            Matrix::from_vec(rows, cols, values).expect("rows × cols values")
        };
        LayerProducts {
            weight: filled(outputs, inputs),
            input: filled(batch, inputs),
            delta: filled(batch, outputs),
            transposed_output: Matrix::zeros(outputs, batch),
            input_gradient: Matrix::zeros(batch, inputs),
            weight_gradient: Matrix::zeros(outputs, inputs),
        }
    }

    /// The layer's products of one step; ∂C/∂x only `with_input_gradient`.
    fn compute(&mut self, with_input_gradient: bool) {
        gemm(
            &mut self.transposed_output,
            Output::Overwrite,
            &self.weight,
            Transpose::No,
            &self.input,
            Transpose::Yes,
        );
        if with_input_gradient {
            gemm(
                &mut self.input_gradient,
                Output::Overwrite,
                &self.delta,
                Transpose::No,
                &self.weight,
                Transpose::No,
            );
        }
        gemm(
            &mut self.weight_gradient,
            Output::Overwrite,
            &self.delta,
            Transpose::Yes,
            &self.input,
            Transpose::No,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::activation::Activation;
    use crate::nn::loss::Loss;

    fn small() -> Workload {
        Workload {
            name: "small",
            sizes: vec![3, 20, 20, 2],
            activation: Activation::Relu,
            loss: Loss::SoftmaxCrossEntropy,
            rows: 64,
            batch: 16,
            epochs: 1,
            learning_rate: 0.1,
        }
    }

    #[test]
    fn gives_a_positive_finite_rate() {
        let rate = products_only(&small(), 3);
        assert!(rate.is_finite() && rate > 0.0, "{rate}");
    }

    #[test]
    fn computes_the_three_products_of_each_layer() {
        let mut layer = LayerProducts::new(3, 2, 4, 7);
        layer.compute(true);
        let (w, x, d) = (&layer.weight, &layer.input, &layer.delta);
        // Each entry against its sum of products written out, in f64.
        let dot = |n: usize, term: &dyn Fn(usize) -> f64| (0..n).map(term).sum::<f64>();
        for j in 0..2 {
            for r in 0..4 {
                let want = dot(3, &|i| f64::from(w.get(j, i)) * f64::from(x.get(r, i)));
                assert!((f64::from(layer.transposed_output.get(j, r)) - want).abs() < 1e-6);
            }
        }
        for r in 0..4 {
            for i in 0..3 {
                let want = dot(2, &|j| f64::from(d.get(r, j)) * f64::from(w.get(j, i)));
                assert!((f64::from(layer.input_gradient.get(r, i)) - want).abs() < 1e-6);
            }
        }
        for j in 0..2 {
            for i in 0..3 {
                let want = dot(4, &|r| f64::from(d.get(r, j)) * f64::from(x.get(r, i)));
                assert!((f64::from(layer.weight_gradient.get(j, i)) - want).abs() < 1e-6);
            }
        }
    }
}
