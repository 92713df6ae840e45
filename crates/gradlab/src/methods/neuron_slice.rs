//! A fast cost evaluator for brute force when every searched weight feeds
//! one neuron j of the last hidden layer (the course's case: the first
//! weights of a 2-2-1 network all belong to hidden neuron 0).
//!
//! Then only that neuron's activation changes from grid point to grid
//! point, and the output is
//!
//! ```text
//! z_out[r] = base[r] + V[:, j] · f(b_j + Σ_i W[j][i] · a[r][i])
//! ```
//!
//! where `base[r]` — the output without neuron j's contribution — and the
//! layer inputs `a[r]` are computed once. Each point then costs a handful of
//! multiply-adds and one activation per row instead of a whole forward pass.
//! The rows are stored column by column and summed in independent lanes, so
//! the loop vectorises (floating-point sums are otherwise kept in order, and
//! do not).

use crate::element::Float;
use crate::matrix::Matrix;
use crate::methods::brute_force::ParameterRef;
use crate::nn::activation::Activation;
use crate::nn::loss::{logsumexp, Targets};
use crate::nn::network::{Network, Workspace};
use crate::train::trainer::Examples;

/// Independent partial sums: enough lanes for 16 f32 per vector.
const LANES: usize = 16;

/// What a searched parameter is, within the neuron.
#[derive(Debug, Clone, Copy)]
enum Slot {
    Weight(usize),
    Bias,
}

/// The evaluator (see the module doc).
#[derive(Debug, Clone)]
pub struct NeuronSlice<T> {
    slots: Vec<Slot>,
    weights: Vec<T>,
    bias: T,
    activation: Activation,
    /// Columns of the neuron's inputs a[·][i].
    inputs: Vec<Vec<T>>,
    /// V[k][j] for each output k.
    out_weights: Vec<T>,
    /// Columns of base[·][k].
    base: Vec<Vec<T>>,
    targets: Targets<T>,
    /// The neuron's activation per row (scratch).
    hidden: Vec<T>,
}

impl<T: Float> NeuronSlice<T> {
    /// The evaluator for `parameters` of `network` over `rows`, or `None`
    /// when the parameters do not all feed one neuron of the last hidden layer.
    pub fn new(
        network: &Network<T>,
        rows: &Examples<T>,
        parameters: &[ParameterRef],
    ) -> Option<Self> {
        let layer = network.layers.len().checked_sub(2)?;
        let (neuron, slots) = neuron_slots(network, layer, parameters)?;
        let dense = &network.layers[layer];
        let output = &network.layers[layer + 1];
        let mut workspace = Workspace::new(network.architecture(), rows.len().max(1));
        network.forward(&rows.inputs, &mut workspace);
        let layer_input = if layer == 0 {
            &rows.inputs
        } else {
            workspace.activation(layer - 1)
        };
        let inputs = columns(layer_input);
        let out_weights: Vec<T> = (0..output.outputs())
            .map(|k| output.weight.get(k, neuron))
            .collect();
        let hidden = workspace.activation(layer).clone();
        let mut base = columns(workspace.pre_activation(layer + 1));
        for (column, &v) in base.iter_mut().zip(&out_weights) {
            for (b, h) in column.iter_mut().zip(hidden.iter_rows()) {
                *b -= v * h[neuron];
            }
        }
        let targets = match &rows.targets {
            Targets::Values(values) => Targets::Values(values.transposed()),
            classes => classes.clone(),
        };
        Some(NeuronSlice {
            slots,
            weights: dense.weight.row(neuron).to_vec(),
            bias: dense.bias[neuron],
            activation: network.architecture().activation(layer),
            inputs,
            out_weights,
            base,
            targets,
            hidden: vec![T::zero(); rows.len()],
        })
    }

    /// The mean cost with the searched parameters set to `values`.
    pub fn cost_at(&mut self, values: &[f64]) -> f64 {
        for (slot, &value) in self.slots.iter().zip(values) {
            match *slot {
                Slot::Weight(i) => self.weights[i] = T::from_f64(value),
                Slot::Bias => self.bias = T::from_f64(value),
            }
        }
        if let Some(cost) = self.fused_squared_error() {
            return cost;
        }
        self.hidden_activations();
        match &self.targets {
            Targets::Values(targets) => self.squared_error(targets),
            Targets::Classes { indices, .. } => self.cross_entropy(indices),
        }
    }

    /// The common case — one output, squared error, at most 4 inputs to the
    /// neuron — in a single pass over the rows (see [`fused`]); `None` for
    /// the other cases.
    fn fused_squared_error(&self) -> Option<f64> {
        let Targets::Values(targets) = &self.targets else {
            return None;
        };
        if self.base.len() != 1 {
            return None;
        }
        let problem = fused::Problem {
            inputs: &self.inputs,
            weights: &self.weights,
            bias: self.bias,
            base: &self.base[0],
            out_weight: self.out_weights[0],
            targets: targets.row(0),
        };
        let sum = match self.inputs.len() {
            1 => fused::sum_with::<1, T>(&problem, self.activation),
            2 => fused::sum_with::<2, T>(&problem, self.activation),
            3 => fused::sum_with::<3, T>(&problem, self.activation),
            4 => fused::sum_with::<4, T>(&problem, self.activation),
            _ => return None,
        };
        Some(sum / self.hidden.len() as f64)
    }

    /// hidden[r] = f(b + Σ_i w_i · a[r][i]).
    fn hidden_activations(&mut self) {
        self.hidden.fill(self.bias);
        for (column, &w) in self.inputs.iter().zip(&self.weights) {
            crate::simd::zip_map(&mut self.hidden, column, |h, a| h + w * a);
        }
        self.activation.forward_in_place(&mut self.hidden);
    }

    /// Mean over rows and outputs of (base + v·h − y)².
    fn squared_error(&self, targets: &Matrix<T>) -> f64 {
        let mut total = 0.0;
        for ((base, &v), y) in self
            .base
            .iter()
            .zip(&self.out_weights)
            .zip(targets.iter_rows())
        {
            total += lane_sum(base, &self.hidden, y, |b, h, y| {
                let e = b + v * h - y;
                e * e
            });
        }
        total / (self.hidden.len() * self.base.len()) as f64
    }

    /// Mean over rows of logsumexp(z) − z_class, z = base + v·h.
    fn cross_entropy(&self, classes: &[usize]) -> f64 {
        let mut logits = vec![T::zero(); self.base.len()];
        let mut total = 0.0;
        for (r, &class) in classes.iter().enumerate() {
            for (k, z) in logits.iter_mut().enumerate() {
                *z = self.base[k][r] + self.out_weights[k] * self.hidden[r];
            }
            total += (logsumexp(&logits) - logits[class]).as_f64();
        }
        total / classes.len() as f64
    }
}

/// The single-pass kernel: per row r,
/// e = base[r] + v · f(b + Σ_i w_i · a_i[r]) − y[r], summed as e².
mod fused {
    use super::LANES;
    use crate::element::Float;
    use crate::nn::activation::{self, Activation};

    /// One neuron's search problem with a single output.
    pub struct Problem<'a, T> {
        pub inputs: &'a [Vec<T>],
        pub weights: &'a [T],
        pub bias: T,
        pub base: &'a [T],
        pub out_weight: T,
        pub targets: &'a [T],
    }

    /// Σ e² for `N` inputs, with the activation's own function inlined and
    /// the widest vectors the CPU has.
    pub fn sum_with<const N: usize, T: Float>(p: &Problem<'_, T>, f: Activation) -> f64 {
        match f {
            Activation::Sigmoid => dispatch::<N, T>(p, activation::sigmoid),
            Activation::Tanh => dispatch::<N, T>(p, T::activation_tanh),
            Activation::Relu => dispatch::<N, T>(p, activation::relu),
            Activation::LeakyRelu => dispatch::<N, T>(p, activation::leaky_relu),
            Activation::Linear => dispatch::<N, T>(p, |z| z),
            Activation::LecunTanh => dispatch::<N, T>(p, activation::lecun_tanh),
        }
    }

    fn dispatch<const N: usize, T: Float>(p: &Problem<'_, T>, f: impl Fn(T) -> T) -> f64 {
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx512f") {
                // SAFETY: the CPU supports AVX-512F, checked just above.
                return unsafe { sum_avx512::<N, T>(p, f) };
            }
            if std::arch::is_x86_feature_detected!("avx2") {
                // SAFETY: the CPU supports AVX2, checked just above.
                return unsafe { sum_avx2::<N, T>(p, f) };
            }
        }
        sum::<N, T>(p, f)
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f")]
    unsafe fn sum_avx512<const N: usize, T: Float>(p: &Problem<'_, T>, f: impl Fn(T) -> T) -> f64 {
        sum::<N, T>(p, f)
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn sum_avx2<const N: usize, T: Float>(p: &Problem<'_, T>, f: impl Fn(T) -> T) -> f64 {
        sum::<N, T>(p, f)
    }

    #[inline(always)]
    fn sum<const N: usize, T: Float>(p: &Problem<'_, T>, f: impl Fn(T) -> T) -> f64 {
        let rows = p.base.len();
        let whole = rows / LANES * LANES;
        let mut lanes = [T::zero(); LANES];
        for start in (0..whole).step_by(LANES) {
            let block = |v: &[T]| -> [T; LANES] {
                v[start..start + LANES]
                    .try_into()
                    .expect("a block of LANES rows")
            };
            // Fixed-size blocks: no bounds checks, one vector per step.
            let mut z = [p.bias; LANES];
            for (column, &w) in p.inputs.iter().zip(p.weights).take(N) {
                let a = block(column);
                for l in 0..LANES {
                    z[l] += w * a[l];
                }
            }
            let (base, y) = (block(p.base), block(p.targets));
            for l in 0..LANES {
                let e = base[l] + p.out_weight * f(z[l]) - y[l];
                lanes[l] += e * e;
            }
        }
        let tail: f64 = (whole..rows)
            .map(|r| {
                let z = p
                    .inputs
                    .iter()
                    .zip(p.weights)
                    .fold(p.bias, |z, (a, &w)| z + w * a[r]);
                let e = p.base[r] + p.out_weight * f(z) - p.targets[r];
                (e * e).as_f64()
            })
            .sum();
        lanes.iter().map(|l| l.as_f64()).sum::<f64>() + tail
    }
}

/// Σ_r term(a[r], b[r], c[r]) in [`LANES`] independent partial sums.
fn lane_sum<T: Float>(a: &[T], b: &[T], c: &[T], term: impl Fn(T, T, T) -> T) -> f64 {
    let mut lanes = [T::zero(); LANES];
    let whole = a.len() / LANES * LANES;
    for start in (0..whole).step_by(LANES) {
        for (l, lane) in lanes.iter_mut().enumerate() {
            let r = start + l;
            *lane += term(a[r], b[r], c[r]);
        }
    }
    let tail: f64 = (whole..a.len())
        .map(|r| term(a[r], b[r], c[r]).as_f64())
        .sum();
    lanes.iter().map(|l| l.as_f64()).sum::<f64>() + tail
}

/// The neuron of `layer` that every parameter feeds, and each parameter's
/// slot in it; `None` if they feed different neurons or other layers.
fn neuron_slots<T: Float>(
    network: &Network<T>,
    layer: usize,
    parameters: &[ParameterRef],
) -> Option<(usize, Vec<Slot>)> {
    let inputs = network.layers[layer].inputs();
    let mut neuron = None;
    let mut slots = Vec::with_capacity(parameters.len());
    for p in parameters {
        let (j, slot) = match p.tensor {
            t if t == 2 * layer => (p.index / inputs, Slot::Weight(p.index % inputs)),
            t if t == 2 * layer + 1 => (p.index, Slot::Bias),
            _ => return None,
        };
        if *neuron.get_or_insert(j) != j {
            return None;
        }
        slots.push(slot);
    }
    Some((neuron?, slots))
}

/// The columns of `m`, each as a vector.
fn columns<T: Float>(m: &Matrix<T>) -> Vec<Vec<T>> {
    m.transposed().iter_rows().map(<[T]>::to_vec).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::methods::brute_force::CostEvaluator;
    use crate::nn::init::Init;
    use crate::nn::loss::Loss;
    use crate::nn::network::Architecture;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    fn data(rows: usize, outputs: usize, loss: Loss) -> Examples<f64> {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let inputs = (0..rows * 3).map(|_| rng.random_range(-1.0..1.0)).collect();
        let targets = match loss {
            Loss::Mse => Targets::Values(
                Matrix::from_vec(
                    rows,
                    outputs,
                    (0..rows * outputs)
                        .map(|_| rng.random_range(-1.0..1.0))
                        .collect(),
                )
                .unwrap(),
            ),
            Loss::SoftmaxCrossEntropy => Targets::Classes {
                indices: (0..rows).map(|_| rng.random_range(0..outputs)).collect(),
                classes: outputs,
            },
        };
        Examples {
            inputs: Matrix::from_vec(rows, 3, inputs).unwrap(),
            targets,
        }
    }

    #[test]
    fn agrees_with_the_full_forward_pass() {
        for (hidden, activation, outputs, loss) in [
            (vec![4], Activation::Tanh, 1, Loss::Mse),
            (vec![5, 4], Activation::Sigmoid, 2, Loss::Mse),
            (vec![4], Activation::Relu, 3, Loss::SoftmaxCrossEntropy),
        ] {
            let architecture = Architecture::new(3, &hidden, activation, outputs, loss);
            let network = Network::<f64>::new(architecture, Init::Xavier, 1).unwrap();
            let rows = data(37, outputs, loss);
            let last = 2 * (hidden.len() - 1);
            let fan_in = network.layers[hidden.len() - 1].inputs();
            let parameters = [
                ParameterRef {
                    tensor: last,
                    index: fan_in,
                }, // neuron 1, input 0
                ParameterRef {
                    tensor: last,
                    index: fan_in + 2,
                }, // neuron 1, input 2
                ParameterRef {
                    tensor: last + 1,
                    index: 1,
                }, // neuron 1's bias
            ];
            let mut fast = NeuronSlice::new(&network, &rows, &parameters).expect("one neuron");
            let mut full = CostEvaluator::full_forward(&network, &rows, &parameters);
            for values in [[0.3, -1.2, 0.5], [2.0, 0.0, -0.7]] {
                let (a, b) = (fast.cost_at(&values), full.cost_at(&values));
                assert!(
                    (a - b).abs() < 1e-12 * b.abs().max(1.0),
                    "{activation}: {a} vs {b}"
                );
            }
        }
    }

    #[test]
    fn parameters_of_two_neurons_or_an_earlier_layer_are_not_for_it() {
        let architecture = Architecture::new(3, &[4, 4], Activation::Tanh, 1, Loss::Mse);
        let network = Network::<f64>::new(architecture, Init::Xavier, 1).unwrap();
        let rows = data(5, 1, Loss::Mse);
        let two_neurons = [
            ParameterRef {
                tensor: 2,
                index: 0,
            },
            ParameterRef {
                tensor: 2,
                index: 4,
            },
        ];
        assert!(NeuronSlice::new(&network, &rows, &two_neurons).is_none());
        let first_layer = [ParameterRef {
            tensor: 0,
            index: 0,
        }];
        assert!(NeuronSlice::new(&network, &rows, &first_layer).is_none());
    }
}
