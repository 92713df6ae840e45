//! A dense (fully connected) layer: `z = x · Wᵀ + b`.
//!
//! # Shapes
//! - input `x`: `B × n_in` (one sample per row)
//! - weight `W`: `n_out × n_in` (PyTorch's `nn.Linear` layout: row j holds the
//!   weights *into* neuron j)
//! - bias `b`: `n_out`
//! - output `z`: `B × n_out`
//!
//! For one sample (a column vector x) this is the course's z = W·x + b; with
//! the samples stacked as rows, the same product is x · Wᵀ.
//!
//! The forward pass takes the fastest of three ways to that product (plain
//! dot products for few inputs, a GEMM, or a GEMM of the transposes for big
//! layers); [`reference::forward`] is the formula's loops, which the tests
//! check each of them against.

use crate::element::Float;
use crate::matrix::{
    gemm, transposed_product_rows, worth_halves, worth_threads, Matrix, Output, Transpose,
};
use crate::nn::activation::Activation;
use crate::nn::parameter_update::ParameterUpdate;
use crate::simd;

pub mod reference;

/// A dense layer's parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct Dense<T> {
    /// `n_out × n_in`: `weight[j][i]` connects input i to neuron j.
    pub weight: Matrix<T>,
    /// `n_out`: one bias per neuron.
    pub bias: Vec<T>,
}

/// The gradient of the cost with respect to one layer's parameters; same
/// shapes as [`Dense`].
#[derive(Debug, Clone, PartialEq)]
pub struct DenseGradient<T> {
    /// ∂C/∂W, `n_out × n_in`.
    pub weight: Matrix<T>,
    /// ∂C/∂b, `n_out`.
    pub bias: Vec<T>,
}

impl<T: Float> Dense<T> {
    /// A layer of zeros (the initialiser fills it).
    pub fn zeros(inputs: usize, outputs: usize) -> Self {
        Dense {
            weight: Matrix::zeros(outputs, inputs),
            bias: vec![T::zero(); outputs],
        }
    }

    /// Number of inputs, `n_in`.
    pub fn inputs(&self) -> usize {
        self.weight.cols()
    }

    /// Number of neurons, `n_out`.
    pub fn outputs(&self) -> usize {
        self.weight.rows()
    }

    /// Forward: `z = x · Wᵀ + 1 · bᵀ` (the bias added to every row).
    ///
    /// `z` must be `B × n_out` for a `B × n_in` input.
    pub fn forward(&self, x: &Matrix<T>, z: &mut Matrix<T>) {
        if self.inputs() <= SMALL_FAN_IN {
            forward_small_fan_in(x, &self.weight, &self.bias, z);
        } else {
            gemm(
                z,
                Output::Overwrite,
                x,
                Transpose::No,
                &self.weight,
                Transpose::Yes,
            );
            add_bias_to_rows(z, &self.bias);
        }
    }

    /// Forward and the activation f after it: `z = x · Wᵀ + 1 · bᵀ`, then
    /// `a = f(z)` element-wise — the same values as [`Dense::forward`]
    /// followed by [`Activation::forward`], with the bias and f applied in
    /// one pass over z after the matrix product (`add_bias_and_activate`).
    ///
    /// `z` and `a` must be `B × n_out` for a `B × n_in` input.
    pub fn forward_activated(
        &self,
        x: &Matrix<T>,
        activation: Activation,
        z: &mut Matrix<T>,
        a: &mut Matrix<T>,
    ) {
        if self.inputs() <= SMALL_FAN_IN {
            forward_small_fan_in(x, &self.weight, &self.bias, z);
            activation.forward(z.as_slice(), a.as_mut_slice());
        } else if self.weight.as_slice().len() >= TRANSPOSED_PRODUCT_WEIGHTS {
            // a serves as the buffer of zᵀ until z is made from it.
            product_transposed(x, &self.weight, &self.bias, a, z);
            activation.forward_on_threads(z.as_slice(), a.as_mut_slice());
        } else {
            gemm(
                z,
                Output::Overwrite,
                x,
                Transpose::No,
                &self.weight,
                Transpose::Yes,
            );
            add_bias_and_activate(z, &self.bias, activation, a);
        }
    }

    /// Backward, given δ = ∂C/∂z (`B × n_out`) and the forward input x:
    ///
    /// ```text
    /// ∂C/∂W = δᵀ · x        (n_out × B)·(B × n_in) = n_out × n_in
    /// ∂C/∂b = δᵀ · 1        column sums of δ: n_out
    /// ∂C/∂x = δ · W         (B × n_out)·(n_out × n_in) = B × n_in
    /// ```
    ///
    /// Each row of δ is one sample's contribution, so δᵀ · x *sums* the
    /// per-sample gradients δ_s · x_sᵀ over the batch. The cost itself is a
    /// mean, so δ already carries the factor 1/B (see [`crate::nn::loss`]).
    ///
    /// `input_grad` is skipped (`None`) for the first layer, whose input is
    /// the data.
    pub fn backward(
        &self,
        x: &Matrix<T>,
        delta: &Matrix<T>,
        grad: &mut DenseGradient<T>,
        input_grad: Option<&mut Matrix<T>>,
    ) {
        gemm(
            &mut grad.weight,
            Output::Overwrite,
            delta,
            Transpose::Yes,
            x,
            Transpose::No,
        );
        column_sums(delta, &mut grad.bias);
        if let Some(dx) = input_grad {
            self.input_gradient(delta, dx);
        }
    }

    /// [`Dense::backward`] with the optimizer's step taken as it goes, for
    /// a trainer that steps right after backprop:
    ///
    /// ```text
    /// ∂C/∂x = δ · W        first, while W is as it was
    /// ∂C/∂W = δᵀ · x       a band of rows (neurons) at a time, each band
    ///                      stepped by `weight_update` as soon as it is done
    /// ∂C/∂b = δᵀ · 1       then stepped by `bias_update`
    /// ```
    ///
    /// Every band of ∂C/∂W has the same bits as in [`Dense::backward`]'s
    /// whole product, and the updates make the same step from it; only
    /// where the gradient lives changes. It is never stored: each band is
    /// computed into a small buffer of the thread's ([`Float::with_scratch`])
    /// that stays in the core's cache, and stepped from there. For a
    /// 1000 × 1000 layer in f32 that saves writing 4 MB of ∂C/∂W to memory
    /// and reading it back; the bands are shared out among the threads
    /// (`WeightBands`).
    ///
    /// Returns whether every updated weight and bias is finite.
    pub fn backward_and_update<U: ParameterUpdate<T>>(
        &mut self,
        x: &Matrix<T>,
        delta: &Matrix<T>,
        input_grad: Option<&mut Matrix<T>>,
        (weight_update, bias_update): (U, U),
    ) -> bool {
        if let Some(dx) = input_grad {
            self.input_gradient(delta, dx);
        }
        let bands = WeightBands {
            delta,
            x,
            band_rows: (BAND_ELEMENTS / self.inputs().max(1)).max(1),
            parallel: worth_threads(self.weight.as_slice().len() * delta.rows()),
        };
        let weights_finite = bands.step(0, self.weight.as_mut_slice(), weight_update);
        let bias = &mut self.bias;
        let bias_finite = T::with_scratch(bias.len(), |sums| {
            column_sums(delta, sums);
            bias_update.apply(bias, sums)
        });
        weights_finite && bias_finite
    }

    /// ∂C/∂x = δ · W into `dx` (`B × n_in`).
    fn input_gradient(&self, delta: &Matrix<T>, dx: &mut Matrix<T>) {
        gemm(
            dx,
            Output::Overwrite,
            delta,
            Transpose::No,
            &self.weight,
            Transpose::No,
        );
    }

    /// Number of parameters: `n_out · n_in + n_out`.
    pub fn parameter_count(&self) -> usize {
        self.weight.as_slice().len() + self.bias.len()
    }
}

impl<T: Float> DenseGradient<T> {
    /// A zero gradient shaped like `layer`.
    pub fn zeros_like(layer: &Dense<T>) -> Self {
        DenseGradient {
            weight: Matrix::zeros(layer.outputs(), layer.inputs()),
            bias: vec![T::zero(); layer.outputs()],
        }
    }
}

/// Layers with at most this many inputs skip the GEMM in the forward pass.
const SMALL_FAN_IN: usize = 8;

/// z = x · Wᵀ + b as plain dot products, for layers with few inputs (the
/// fever network's first layer has two). A general GEMM spends more time
/// packing and dispatching such thin products than computing them; here
/// each output is one short dot product with the bias added in the same
/// pass, its length a compile-time constant so that it unrolls.
fn forward_small_fan_in<T: Float>(
    x: &Matrix<T>,
    weight: &Matrix<T>,
    bias: &[T],
    z: &mut Matrix<T>,
) {
    match weight.cols() {
        1 => forward_fixed_fan_in::<1, T>(x, weight, bias, z),
        2 => forward_fixed_fan_in::<2, T>(x, weight, bias, z),
        3 => forward_fixed_fan_in::<3, T>(x, weight, bias, z),
        4 => forward_fixed_fan_in::<4, T>(x, weight, bias, z),
        5 => forward_fixed_fan_in::<5, T>(x, weight, bias, z),
        6 => forward_fixed_fan_in::<6, T>(x, weight, bias, z),
        7 => forward_fixed_fan_in::<7, T>(x, weight, bias, z),
        _ => forward_fixed_fan_in::<8, T>(x, weight, bias, z),
    }
}

fn forward_fixed_fan_in<const N: usize, T: Float>(
    x: &Matrix<T>,
    weight: &Matrix<T>,
    bias: &[T],
    z: &mut Matrix<T>,
) {
    debug_assert_eq!(weight.cols(), N);
    let outputs = weight.rows();
    let rows = x.as_slice().chunks_exact(N);
    for (x_row, z_row) in rows.zip(z.as_mut_slice().chunks_exact_mut(outputs)) {
        let x_row: &[T; N] = x_row.try_into().expect("chunks of N");
        let neurons = weight.as_slice().chunks_exact(N).zip(bias);
        for (out, (w_row, &b)) in z_row.iter_mut().zip(neurons) {
            let w_row: &[T; N] = w_row.try_into().expect("chunks of N");
            let mut sum = b;
            for i in 0..N {
                sum += x_row[i] * w_row[i];
            }
            *out = sum;
        }
    }
}

/// Layers with at least this many weights compute their forward product
/// transposed ([`product_transposed`]).
const TRANSPOSED_PRODUCT_WEIGHTS: usize = 1 << 14;

/// z = x · Wᵀ + b computed as zᵀ = W · xᵀ, then transposed back with the
/// bias added, `zt` serving as the `n_out × B` buffer of zᵀ (it holds as
/// many elements as z; its shape is given back afterwards).
///
/// Both are the same dot products, each summed over the inputs in the same
/// order, so z has the same bits either way; only the GEMM's work differs.
/// For x · Wᵀ, faer first copies W (`n_out × n_in`, 4 MB for a 1000 × 1000
/// layer in f32) into the layout its kernel reads; for W · xᵀ it reads W as
/// stored and copies only x (`B × n_in`), which makes a 1000 × 1000 layer's
/// forward pass with a batch of 128 faster by about a tenth, transposing
/// back included (`bench/README.md`).
fn product_transposed<T: Float>(
    x: &Matrix<T>,
    weight: &Matrix<T>,
    bias: &[T],
    zt: &mut Matrix<T>,
    z: &mut Matrix<T>,
) {
    let (batch, outputs) = (z.rows(), z.cols());
    zt.reshape(outputs, batch);
    gemm(
        zt,
        Output::Overwrite,
        weight,
        Transpose::No,
        x,
        Transpose::Yes,
    );
    let rows = z.as_mut_slice();
    if worth_halves(rows.len()) {
        let (rows, rows_rest) = rows.split_at_mut(batch / 2 * outputs);
        rayon::join(
            || transpose_adding_bias(zt, bias, 0, rows),
            || transpose_adding_bias(zt, bias, batch / 2, rows_rest),
        );
    } else {
        transpose_adding_bias(zt, bias, 0, rows);
    }
    zt.reshape(batch, outputs);
}

/// Rows and columns of the tiles [`transpose_adding_bias`] copies at once:
/// a tile of the source and one of the destination stay in the L1 cache.
const TILE: usize = 16;

/// `z[r][j] = zt[j][r] + bias[j]` for the rows r of z from `first_row` on
/// held in `z_rows`: zᵀ transposed back, the bias added on the way, tile
/// by tile.
fn transpose_adding_bias<T: Float>(zt: &Matrix<T>, bias: &[T], first_row: usize, z_rows: &mut [T]) {
    let outputs = zt.rows();
    let rows = z_rows.len() / outputs.max(1);
    for first_output in (0..outputs).step_by(TILE) {
        let neurons = first_output..(first_output + TILE).min(outputs);
        for tile_row in (0..rows).step_by(TILE) {
            let tile = Tile {
                neurons: neurons.clone(),
                rows: tile_row..(tile_row + TILE).min(rows),
            };
            if tile.is_whole() {
                tile.copy_whole(zt, bias, first_row, z_rows);
            } else {
                tile.copy_part(zt, bias, first_row, z_rows);
            }
        }
    }
}

/// One tile of [`transpose_adding_bias`]: `neurons` (rows of zᵀ, columns
/// of z) by `rows` (of `z_rows`).
struct Tile {
    neurons: std::ops::Range<usize>,
    rows: std::ops::Range<usize>,
}

impl Tile {
    /// Whether the tile has its full `TILE × TILE` size.
    fn is_whole(&self) -> bool {
        self.neurons.len() == TILE && self.rows.len() == TILE
    }

    /// A full tile: its sizes are known when compiling, so the copy has no
    /// bounds checks inside and writes each row of z as one vector (the
    /// plain loop of [`Tile::copy_part`] took 40 % longer in the bench's
    /// training, 47 ms against 33 ms over 64 steps of large_cls).
    fn copy_whole<T: Float>(&self, zt: &Matrix<T>, bias: &[T], first_row: usize, z_rows: &mut [T]) {
        let outputs = zt.rows();
        let source_column = first_row + self.rows.start;
        let sources: [&[T; TILE]; TILE] = std::array::from_fn(|j| {
            zt.row(self.neurons.start + j)[source_column..][..TILE]
                .try_into()
                .expect("a whole tile")
        });
        let bias: &[T; TILE] = bias[self.neurons.clone()].try_into().expect("a whole tile");
        for (i, row) in self.rows.clone().enumerate() {
            let destination: &mut [T; TILE] = (&mut z_rows[row * outputs + self.neurons.start..]
                [..TILE])
                .try_into()
                .expect("a whole tile");
            for j in 0..TILE {
                destination[j] = sources[j][i] + bias[j];
            }
        }
    }

    /// A tile cut by the edge of z.
    fn copy_part<T: Float>(&self, zt: &Matrix<T>, bias: &[T], first_row: usize, z_rows: &mut [T]) {
        let outputs = zt.rows();
        for row in self.rows.clone() {
            for j in self.neurons.clone() {
                z_rows[row * outputs + j] = zt.get(j, first_row + row) + bias[j];
            }
        }
    }
}

/// `z[r][j] += bias[j]` for every row r.
fn add_bias_to_rows<T: Float>(z: &mut Matrix<T>, bias: &[T]) {
    for r in 0..z.rows() {
        for (value, &b) in z.row_mut(r).iter_mut().zip(bias) {
            *value += b;
        }
    }
}

/// `z[r][j] += bias[j]`, then `a[r][j] = f(z[r][j])`, in one pass over
/// each row (vectorised by [`simd::add_then_map`]); f is matched once, so
/// each activation gets its own branch-free loop.
fn add_bias_and_activate<T: Float>(
    z: &mut Matrix<T>,
    bias: &[T],
    activation: Activation,
    a: &mut Matrix<T>,
) {
    let width = z.cols().max(1);
    let rows = z.as_mut_slice().chunks_exact_mut(width);
    let pairs = rows.zip(a.as_mut_slice().chunks_exact_mut(width));
    match activation {
        Activation::Sigmoid => pairs
            .for_each(|(z, a)| simd::add_then_map(z, bias, a, |v| Activation::Sigmoid.value(v))),
        Activation::Tanh => {
            pairs.for_each(|(z, a)| simd::add_then_map(z, bias, a, |v| Activation::Tanh.value(v)))
        }
        Activation::Relu => {
            pairs.for_each(|(z, a)| simd::add_then_map(z, bias, a, |v| Activation::Relu.value(v)))
        }
        Activation::LeakyRelu => pairs
            .for_each(|(z, a)| simd::add_then_map(z, bias, a, |v| Activation::LeakyRelu.value(v))),
        Activation::Linear => pairs.for_each(|(z, a)| simd::add_then_map(z, bias, a, |v| v)),
        Activation::LecunTanh => pairs
            .for_each(|(z, a)| simd::add_then_map(z, bias, a, |v| Activation::LecunTanh.value(v))),
        Activation::Elu => {
            pairs.for_each(|(z, a)| simd::add_then_map(z, bias, a, |v| Activation::Elu.value(v)))
        }
    }
}

/// A layer's ∂C/∂W = δᵀ·x (`δ` is `B × n_out`, `x` is `B × n_in`),
/// computed and stepped a band of at most `band_rows` rows at a time.
///
/// The bands are rows of W (outputs), not columns (inputs). Bands of
/// columns, each computing its part of ∂C/∂x = δ·W, then of ∂C/∂W, then
/// stepping, would read W once in backprop and give the same bits, but the
/// step would then run on one short stretch per row of every band; on
/// large_cls that is no faster beyond the run-to-run noise
/// (`bench/README.md`), so the simpler row bands stay.
struct WeightBands<'a, T> {
    delta: &'a Matrix<T>,
    x: &'a Matrix<T>,
    band_rows: usize,
    /// Whether halves of the rows go to different threads (rayon).
    parallel: bool,
}

/// Elements of ∂C/∂W in one band at most: 512 KB in f32, half of a core's
/// L2 cache, so that the band is still there when its step reads it.
///
/// Each band is its own product, which copies the whole of x into the
/// kernel's layout again, so bands should not be too small either. On
/// large_cls (1000-neuron layers, batch 128), 2¹⁷ elements train 1–2 %
/// faster than 2¹⁶, and 2¹⁸ (the whole L2) is no faster than 2¹⁷
/// (`bench/README.md`).
const BAND_ELEMENTS: usize = 1 << 17;

impl<T: Float> WeightBands<'_, T> {
    /// Rows `first_row..` of ∂C/∂W, as many as `weights` holds, each band
    /// stepped by its part of `update` right after it is computed. The
    /// rows are halved until a half fits in a band; halves run in parallel
    /// when `parallel`, and each band is computed as the whole product
    /// would compute it ([`transposed_product_rows`]), so the result is the
    /// same for any number of threads.
    fn step<U: ParameterUpdate<T>>(&self, first_row: usize, weights: &mut [T], update: U) -> bool {
        let width = self.x.cols().max(1);
        let rows = weights.len() / width;
        if rows <= self.band_rows {
            let band = first_row..first_row + rows;
            return T::with_scratch(weights.len(), |grads| {
                transposed_product_rows(grads, self.delta, band, self.x);
                update.apply(weights, grads)
            });
        }
        let half = rows / 2;
        let (weights, weights_rest) = weights.split_at_mut(half * width);
        let (update, update_rest) = update.split_at(half * width);
        let first = || self.step(first_row, weights, update);
        let rest = || self.step(first_row + half, weights_rest, update_rest);
        let (first_finite, rest_finite) = if self.parallel {
            rayon::join(first, rest)
        } else {
            (first(), rest())
        };
        first_finite && rest_finite
    }
}

/// `sums[j] = Σ_r m[r][j]`.
fn column_sums<T: Float>(m: &Matrix<T>, sums: &mut [T]) {
    sums.fill(T::zero());
    for row in m.iter_rows() {
        for (sum, &value) in sums.iter_mut().zip(row) {
            *sum += value;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forward_is_w_x_plus_b_per_row() {
        let layer = Dense {
            weight: Matrix::from_rows(&[vec![1.0, 2.0], vec![-1.0, 0.5], vec![0.0, 3.0]]).unwrap(),
            bias: vec![0.1, 0.2, 0.3],
        };
        let x = Matrix::from_rows(&[vec![1.0, 1.0], vec![2.0, -1.0]]).unwrap();
        let mut z = Matrix::zeros(2, 3);
        layer.forward(&x, &mut z);
        // Row 0: [1+2+0.1, -1+0.5+0.2, 0+3+0.3]; row 1: [2-2+0.1, -2-0.5+0.2, -3+0.3].
        let expected: [[f64; 3]; 2] = [[3.1, -0.3, 3.3], [0.1, -2.3, -2.7]];
        for (r, row) in expected.iter().enumerate() {
            for (c, &want) in row.iter().enumerate() {
                assert!((z.get(r, c) - want).abs() < 1e-12, "z[{r}][{c}]");
            }
        }
    }

    #[test]
    fn forward_activated_is_forward_then_the_activation() {
        // 9 inputs: above SMALL_FAN_IN, so the product is a GEMM.
        let weight: Vec<Vec<f64>> = (0..3)
            .map(|j| {
                (0..9)
                    .map(|i| (i as f64 - 4.0) * (j as f64 - 1.0) / 7.0)
                    .collect()
            })
            .collect();
        let layer = Dense {
            weight: Matrix::from_rows(&weight).unwrap(),
            bias: vec![0.25, -0.5, 0.125],
        };
        let x = Matrix::from_rows(&[(0..9).map(|i| i as f64 / 9.0).collect::<Vec<_>>()]).unwrap();
        let mut z = Matrix::zeros(1, 3);
        layer.forward(&x, &mut z);
        for activation in Activation::ALL {
            let (mut fused_z, mut fused_a) = (Matrix::zeros(1, 3), Matrix::zeros(1, 3));
            layer.forward_activated(&x, activation, &mut fused_z, &mut fused_a);
            assert_eq!(fused_z, z, "{activation}");
            let mut a = vec![0.0; 3];
            activation.forward(z.as_slice(), &mut a);
            assert_eq!(fused_a.as_slice(), a.as_slice(), "{activation}");
        }
    }

    /// A layer with values in [−1, 1) from a fixed formula.
    fn filled_layer<T: Float>(inputs: usize, outputs: usize) -> Dense<T> {
        let value = |i: usize, seed: usize| {
            T::from_f64(((i * 7919 + seed * 104_729) % 2000) as f64 / 1000.0 - 1.0)
        };
        Dense {
            weight: Matrix::from_vec(
                outputs,
                inputs,
                (0..outputs * inputs).map(|i| value(i, 1)).collect(),
            )
            .unwrap(),
            bias: (0..outputs).map(|j| value(j, 2)).collect(),
        }
    }

    fn check_transposed_product<T: Float>() {
        // Above TRANSPOSED_PRODUCT_WEIGHTS, with fan-ins beyond a GEMM's
        // first block of the inner dimension, batches of 1 to 333 rows.
        for (inputs, outputs) in [(1000, 1000), (2000, 9), (130, 200), (64, 300)] {
            let layer = filled_layer::<T>(inputs, outputs);
            assert!(layer.weight.as_slice().len() >= TRANSPOSED_PRODUCT_WEIGHTS);
            for batch in [1, 2, 7, 128, 333] {
                let data = (0..batch * inputs)
                    .map(|i| T::from_f64(((i * 31 + 7) % 1000) as f64 / 500.0 - 1.0))
                    .collect();
                let x = Matrix::from_vec(batch, inputs, data).unwrap();
                let mut plain = Matrix::zeros(batch, outputs);
                layer.forward(&x, &mut plain);
                let (mut z, mut a) = (Matrix::zeros(batch, outputs), Matrix::zeros(batch, outputs));
                layer.forward_activated(&x, Activation::Tanh, &mut z, &mut a);
                let case = format!("{} {inputs} → {outputs}, batch {batch}", T::NAME);
                assert!(z == plain, "{case}: z differs");
                assert_eq!((a.rows(), a.cols()), (batch, outputs), "{case}: a's shape");
                let mut expected_a = vec![T::zero(); batch * outputs];
                Activation::Tanh.forward(plain.as_slice(), &mut expected_a);
                assert!(a.as_slice() == expected_a.as_slice(), "{case}: a differs");
            }
        }
    }

    #[test]
    fn the_transposed_forward_product_has_the_plain_products_bits() {
        check_transposed_product::<f32>();
        check_transposed_product::<f64>();
    }

    #[test]
    fn backward_sums_per_sample_outer_products() {
        let layer = Dense {
            weight: Matrix::from_rows(&[vec![1.0, 2.0], vec![3.0, 4.0]]).unwrap(),
            bias: vec![0.0, 0.0],
        };
        let x = Matrix::from_rows(&[vec![1.0, 2.0], vec![3.0, 4.0]]).unwrap();
        let delta = Matrix::from_rows(&[vec![1.0, 0.0], vec![0.5, -1.0]]).unwrap();
        let mut grad = DenseGradient::zeros_like(&layer);
        let mut dx = Matrix::zeros(2, 2);
        layer.backward(&x, &delta, &mut grad, Some(&mut dx));
        // ∂C/∂W = δ₀ x₀ᵀ + δ₁ x₁ᵀ = [[1,2],[0,0]] + [[1.5,2],[-3,-4]].
        assert_eq!(grad.weight.as_slice(), &[2.5, 4.0, -3.0, -4.0]);
        assert_eq!(grad.bias, vec![1.5, -1.0]);
        // ∂C/∂x = δ · W: row 0 = [1, 2]; row 1 = [0.5 - 3, 1 - 4].
        assert_eq!(dx.as_slice(), &[1.0, 2.0, -2.5, -3.0]);
    }
}
