//! A dense layer's forward pass as the lecture writes it, to check the
//! fast ones of [`super::Dense`] against:
//!
//! ```text
//! z[r][j] = b_j + Σ_i w_ji · x[r][i],   i = 0, 1, …, n_in − 1
//! ```
//!
//! for every sample r and neuron j, the sum started at the bias and the
//! terms added in the order of i.
//!
//! - For few inputs (at most `SMALL_FAN_IN`) the layer adds the same
//!   terms in the same order, so the two agree bit for bit.
//! - Otherwise the layer computes x · Wᵀ by a GEMM (directly, or as
//!   zᵀ = W · xᵀ transposed back, for big layers) and adds the bias after:
//!   the same terms in another order, so the two agree within the bound of
//!   [`crate::matrix::reference::sum_tolerance`].

use super::Dense;
use crate::element::Float;
use crate::matrix::Matrix;

/// `z = x · Wᵀ + b` for the `B × n_in` input `x`, by the loops of the
/// formula (see the module doc): a `B × n_out` matrix.
pub fn forward<T: Float>(layer: &Dense<T>, x: &Matrix<T>) -> Matrix<T> {
    assert_eq!(x.cols(), layer.inputs(), "forward: x has the wrong width");
    let mut z = Matrix::zeros(x.rows(), layer.outputs());
    for r in 0..x.rows() {
        for j in 0..layer.outputs() {
            let mut sum = layer.bias[j];
            for i in 0..layer.inputs() {
                sum += layer.weight.get(j, i) * x.get(r, i);
            }
            z.set(r, j, sum);
        }
    }
    z
}

#[cfg(test)]
mod tests {
    use super::super::{SMALL_FAN_IN, TRANSPOSED_PRODUCT_WEIGHTS};
    use super::*;
    use crate::matrix::reference::sum_tolerance;
    use crate::nn::activation::Activation;

    /// A value in [−1, 1) from a fixed formula.
    fn value<T: Float>(i: usize, seed: usize) -> T {
        T::from_f64(((i * 7919 + seed * 104_729) % 2000) as f64 / 1000.0 - 1.0)
    }

    fn layer<T: Float>(inputs: usize, outputs: usize) -> Dense<T> {
        let weights = (0..outputs * inputs).map(|i| value(i, 1)).collect();
        Dense {
            weight: Matrix::from_vec(outputs, inputs, weights).unwrap(),
            bias: (0..outputs).map(|j| value(j, 2)).collect(),
        }
    }

    fn input<T: Float>(batch: usize, inputs: usize) -> Matrix<T> {
        let data = (0..batch * inputs).map(|i| value(i, 3)).collect();
        Matrix::from_vec(batch, inputs, data).unwrap()
    }

    /// The layer's z from `forward` and from `forward_activated`.
    fn fast_forwards<T: Float>(layer: &Dense<T>, x: &Matrix<T>) -> [Matrix<T>; 2] {
        let (batch, outputs) = (x.rows(), layer.outputs());
        let mut plain = Matrix::zeros(batch, outputs);
        layer.forward(x, &mut plain);
        let (mut z, mut a) = (Matrix::zeros(batch, outputs), Matrix::zeros(batch, outputs));
        layer.forward_activated(x, Activation::Tanh, &mut z, &mut a);
        [plain, z]
    }

    fn check_small_fan_in<T: Float>() {
        for inputs in 1..=SMALL_FAN_IN {
            for (outputs, batch) in [(1, 1), (3, 5), (17, 33)] {
                let layer = layer::<T>(inputs, outputs);
                let x = input::<T>(batch, inputs);
                let expected = forward(&layer, &x);
                for z in fast_forwards(&layer, &x) {
                    let case = format!("{} {inputs} → {outputs}, batch {batch}", T::NAME);
                    assert!(z == expected, "{case}: not the reference's bits");
                }
            }
        }
    }

    #[test]
    fn few_inputs_give_the_references_bits() {
        check_small_fan_in::<f32>();
        check_small_fan_in::<f64>();
    }

    fn check_products<T: Float>() {
        // A GEMM (9 inputs, just past SMALL_FAN_IN; 300 inputs) and the
        // transposed product (130 · 200 weights ≥ TRANSPOSED_PRODUCT_WEIGHTS).
        for (inputs, outputs) in [(SMALL_FAN_IN + 1, 4), (300, 20), (130, 200)] {
            let layer = layer::<T>(inputs, outputs);
            let transposed = inputs * outputs >= TRANSPOSED_PRODUCT_WEIGHTS;
            assert_eq!(transposed, inputs == 130);
            for batch in [1, 7, 40] {
                let x = input::<T>(batch, inputs);
                let expected = forward(&layer, &x);
                for z in fast_forwards(&layer, &x) {
                    for r in 0..batch {
                        for j in 0..outputs {
                            let magnitude = layer.bias[j].as_f64().abs()
                                + (0..inputs)
                                    .map(|i| (layer.weight.get(j, i) * x.get(r, i)).as_f64().abs())
                                    .sum::<f64>();
                            let (got, want) = (z.get(r, j).as_f64(), expected.get(r, j).as_f64());
                            assert!(
                                (got - want).abs() <= sum_tolerance::<T>(inputs + 1, magnitude),
                                "{} {inputs} → {outputs}, batch {batch}, z[{r}][{j}]: {got} vs {want}",
                                T::NAME
                            );
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn the_products_agree_with_the_reference_within_the_sum_bound() {
        check_products::<f32>();
        check_products::<f64>();
    }
}
