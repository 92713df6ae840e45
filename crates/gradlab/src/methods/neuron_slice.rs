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
//!
//! With at most 4 inputs to the neuron and one output scored by squared
//! error (the course's regression) or a softmax cross-entropy (its
//! classification), two exact rewritings of the sum cut the work further:
//! rows with equal inputs are merged (`distinct_rows`, `class_rows`),
//! and blocks of neighbouring inputs on which the activation is flat are
//! costed in one step (`flat_blocks`).
//!
//! [`reference::cost_at`] computes the same cost as the lecture does, by a
//! full forward pass of the network with the parameters set; the tests
//! check the evaluator against it at every kind of grid point.

mod class_rows;
mod distinct_rows;
mod flat_blocks;
pub mod flat_tails;
pub mod reference;

use crate::element::Float;
use crate::matrix::Matrix;
use crate::nn::activation::Activation;
use crate::nn::loss::{logsumexp, Targets};
use crate::nn::network::{Network, Workspace};
use crate::nn::parameter_ref::ParameterRef;
use crate::train::trainer::Examples;
use class_rows::ClassRows;
use distinct_rows::DistinctRows;
use flat_blocks::FlatBlocks;

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
    /// The rows merged and blocked, when the neuron has at most
    /// [`distinct_rows::MAX_INPUTS`] inputs and the cost is one output's
    /// squared error or the cross-entropy.
    merged: Option<Merged<T>>,
    /// One place per output (scratch).
    logits: Vec<T>,
}

/// The merged rows and their blocks.
#[derive(Debug, Clone)]
struct Merged<T> {
    rows: MergedRows<T>,
    flat_blocks: Option<Box<FlatBlocks>>,
}

/// The merged rows of each cost.
#[derive(Debug, Clone)]
enum MergedRows<T> {
    /// One output scored by squared error.
    Squared(DistinctRows<T>),
    /// The softmax cross-entropy.
    Classes(ClassRows<T>),
}

impl<T: Float> Merged<T> {
    /// The merged rows for a neuron with the inputs `inputs` and the
    /// weights `out_weights` into the outputs, given the outputs without it
    /// `base`; `None` for more than [`distinct_rows::MAX_INPUTS`] inputs or
    /// a squared error over several outputs.
    fn new(
        activation: Activation,
        inputs: &[Vec<T>],
        base: &[Vec<T>],
        targets: &Targets<T>,
        out_weights: &[T],
    ) -> Option<Self> {
        if !(1..=distinct_rows::MAX_INPUTS).contains(&inputs.len()) {
            return None;
        }
        match (targets, base) {
            (Targets::Values(targets), [base]) => {
                let rows = DistinctRows::new(inputs, base, targets.row(0));
                let v = out_weights[0].as_f64();
                let cost = |g: usize, h: f64| {
                    let group = rows.groups[g];
                    group.count as f64 * (group.mean + v * h).powi(2)
                };
                let flat_blocks = FlatBlocks::new(activation, &rows.inputs, LANES, cost);
                Some(Merged {
                    flat_blocks: flat_blocks.map(Box::new),
                    rows: MergedRows::Squared(rows),
                })
            }
            (Targets::Classes { indices, .. }, _) => {
                let rows = ClassRows::new(inputs, base, indices);
                let mut logits = vec![T::zero(); base.len()];
                let cost =
                    |g: usize, h: f64| rows.group_cost(g, T::from_f64(h), out_weights, &mut logits);
                let flat_blocks = FlatBlocks::new(activation, &rows.inputs, LANES, cost);
                Some(Merged {
                    flat_blocks: flat_blocks.map(Box::new),
                    rows: MergedRows::Classes(rows),
                })
            }
            _ => None,
        }
    }
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
        let activation = network.architecture().activation(layer);
        Some(NeuronSlice {
            slots,
            weights: dense.weight.row(neuron).to_vec(),
            bias: dense.bias[neuron],
            activation,
            merged: Merged::new(activation, &inputs, &base, &targets, &out_weights),
            logits: vec![T::zero(); out_weights.len()],
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
        if let Some(cost) = self.merged_cost() {
            return cost;
        }
        self.hidden_activations();
        match &self.targets {
            Targets::Values(targets) => self.squared_error(targets),
            Targets::Classes { indices, .. } => self.cross_entropy(indices),
        }
    }

    /// The mean cost over the merged rows, when there are some.
    fn merged_cost(&mut self) -> Option<f64> {
        let merged = self.merged.as_ref()?;
        let sum = match &merged.rows {
            MergedRows::Squared(rows) => self.fused_squared_error(rows, merged)?,
            MergedRows::Classes(rows) => {
                let flat_blocks = merged.flat_blocks.as_deref();
                let point = Point {
                    weights: &self.weights,
                    bias: self.bias,
                    activation: self.activation,
                    out_weights: &self.out_weights,
                };
                let logits = &mut self.logits;
                match point.weights.len() {
                    1 => point.cross_entropy::<1>(rows, flat_blocks, logits),
                    2 => point.cross_entropy::<2>(rows, flat_blocks, logits),
                    3 => point.cross_entropy::<3>(rows, flat_blocks, logits),
                    4 => point.cross_entropy::<4>(rows, flat_blocks, logits),
                    _ => return None,
                }
            }
        };
        Some(sum / self.hidden.len() as f64)
    }

    /// The squared error's sum in a single pass over the merged rows (see
    /// [`fused`]).
    fn fused_squared_error(&self, rows: &DistinctRows<T>, merged: &Merged<T>) -> Option<f64> {
        let problem = fused::Problem {
            inputs: &rows.inputs,
            weights: &self.weights,
            bias: self.bias,
            means: &rows.means,
            counts: &rows.counts,
            out_weight: self.out_weights[0],
            spread: rows.spread,
            flat_blocks: merged.flat_blocks.as_deref(),
        };
        let sum = match self.inputs.len() {
            1 => fused::sum_with::<1, T>(&problem, self.activation),
            2 => fused::sum_with::<2, T>(&problem, self.activation),
            3 => fused::sum_with::<3, T>(&problem, self.activation),
            4 => fused::sum_with::<4, T>(&problem, self.activation),
            _ => return None,
        };
        Some(sum)
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

/// The searched neuron at one grid point.
struct Point<'a, T> {
    weights: &'a [T],
    bias: T,
    activation: Activation,
    out_weights: &'a [T],
}

impl<T: Float> Point<'_, T> {
    /// Σ over the merged rows of the cross-entropy, for a neuron with `N`
    /// inputs: the flat blocks at once, the others group by group.
    fn cross_entropy<const N: usize>(
        &self,
        rows: &ClassRows<T>,
        flat_blocks: Option<&FlatBlocks>,
        logits: &mut [T],
    ) -> f64 {
        let mut group = |g: usize| {
            let z = rows.inputs[..N]
                .iter()
                .zip(self.weights)
                .fold(self.bias, |z, (a, &w)| z + w * a[g]);
            rows.group_cost(g, self.activation.value(z), self.out_weights, logits)
        };
        let whole = rows.len() / LANES * LANES;
        let mut total: f64 = (whole..rows.len()).map(&mut group).sum();
        match flat_blocks {
            Some(blocks) => {
                let mut at = blocks.at::<N, T>(self.weights, self.bias);
                for c in 0..at.chunks() {
                    for k in at.not_flat_in_chunk(c) {
                        total += (k * LANES..(k + 1) * LANES).map(&mut group).sum::<f64>();
                    }
                }
                total + at.flat_cost()
            }
            None => total + (0..whole).map(group).sum::<f64>(),
        }
    }
}

/// The single-pass kernel over the merged rows: per group G,
/// e = m_G + v · f(b + Σ_i w_i · a_i[G]), summed as n_G · e², plus the
/// fixed part Σ_G S_G ([`distinct_rows`]); blocks of groups on which f is
/// flat are costed in one step each ([`FlatBlocks`]).
mod fused {
    use super::flat_blocks::FlatBlocks;
    use super::LANES;
    use crate::element::Float;
    use crate::nn::activation::{self, Activation};

    /// One neuron's search problem with a single output, rows merged.
    pub struct Problem<'a, T> {
        pub inputs: &'a [Vec<T>],
        pub weights: &'a [T],
        pub bias: T,
        /// m_G per group.
        pub means: &'a [T],
        /// n_G per group.
        pub counts: &'a [T],
        pub out_weight: T,
        /// Σ_G S_G.
        pub spread: f64,
        pub flat_blocks: Option<&'a FlatBlocks>,
    }

    /// Σ n_G·e² + Σ S_G for `N` inputs, with the activation's own function
    /// inlined and the widest vectors the CPU has.
    pub fn sum_with<const N: usize, T: Float>(p: &Problem<'_, T>, f: Activation) -> f64 {
        match f {
            Activation::Sigmoid => dispatch::<N, T>(p, activation::sigmoid),
            Activation::Tanh => dispatch::<N, T>(p, T::activation_tanh),
            Activation::Relu => dispatch::<N, T>(p, activation::relu),
            Activation::LeakyRelu => dispatch::<N, T>(p, activation::leaky_relu),
            Activation::Linear => dispatch::<N, T>(p, |z| z),
            Activation::LecunTanh => dispatch::<N, T>(p, activation::lecun_tanh),
            Activation::Elu => dispatch::<N, T>(p, activation::elu),
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
        let groups = p.means.len();
        let whole = groups / LANES * LANES;
        let mut lanes = [T::zero(); LANES];
        let flat = match p.flat_blocks {
            Some(blocks) => {
                let mut at = blocks.at::<N, T>(p.weights, p.bias);
                for c in 0..at.chunks() {
                    for k in at.not_flat_in_chunk(c) {
                        add_block::<N, T>(p, k * LANES, &mut lanes, &f);
                    }
                }
                at.flat_cost()
            }
            None => {
                for start in (0..whole).step_by(LANES) {
                    add_block::<N, T>(p, start, &mut lanes, &f);
                }
                0.0
            }
        };
        if whole < groups {
            add_partial_block::<N, T>(p, whole, &mut lanes, &f);
        }
        p.spread + flat + lanes.iter().map(|l| l.as_f64()).sum::<f64>()
    }

    /// Adds n_G·e² of groups `start .. start + LANES` to `lanes`.
    #[inline(always)]
    fn add_block<const N: usize, T: Float>(
        p: &Problem<'_, T>,
        start: usize,
        lanes: &mut [T; LANES],
        f: &impl Fn(T) -> T,
    ) {
        // Fixed-size blocks: no bounds checks, one vector per step.
        let block = |v: &[T]| -> [T; LANES] {
            v[start..start + LANES]
                .try_into()
                .expect("a block of LANES groups")
        };
        add_groups::<N, T>(p, block, LANES, lanes, f);
    }

    /// Adds n_G·e² of the last groups, `start ..` (fewer than [`LANES`]),
    /// to `lanes`: copied into a full-width block, the lanes past the end
    /// computed on zeros and left out.
    #[inline(always)]
    fn add_partial_block<const N: usize, T: Float>(
        p: &Problem<'_, T>,
        start: usize,
        lanes: &mut [T; LANES],
        f: &impl Fn(T) -> T,
    ) {
        let len = p.means.len() - start;
        let padded = |v: &[T]| -> [T; LANES] {
            let mut block = [T::zero(); LANES];
            block[..len].copy_from_slice(&v[start..]);
            block
        };
        add_groups::<N, T>(p, padded, len, lanes, f);
    }

    /// Adds n_G·e² of the first `valid` groups that `block` loads to
    /// `lanes`, e = m_G + v · f(b + Σ_i w_i · a_i).
    #[inline(always)]
    fn add_groups<const N: usize, T: Float>(
        p: &Problem<'_, T>,
        block: impl Fn(&[T]) -> [T; LANES],
        valid: usize,
        lanes: &mut [T; LANES],
        f: &impl Fn(T) -> T,
    ) {
        let mut z = [p.bias; LANES];
        for (column, &w) in p.inputs.iter().zip(p.weights).take(N) {
            let a = block(column);
            for l in 0..LANES {
                z[l] += w * a[l];
            }
        }
        let (m, n) = (block(p.means), block(p.counts));
        for l in 0..LANES {
            let e = m[l] + p.out_weight * f(z[l]);
            lanes[l] += if l < valid { n[l] * e * e } else { T::zero() };
        }
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
                let plain = reference::cost_at(&network, &rows, &parameters, &values);
                for (c, name) in [(b, "full forward"), (plain, "reference")] {
                    assert!(
                        (a - c).abs() < 1e-12 * c.abs().max(1.0),
                        "{activation}, {name}: {a} vs {c}"
                    );
                }
            }
        }
    }

    /// `rows` rows whose 3 inputs come from 5 values, so most inputs repeat
    /// (125 distinct), with random targets.
    fn repeated_rows<T: Float>(rows: usize, loss: Loss) -> Examples<T> {
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        let levels = [-1.5, -0.5, 0.0, 0.5, 1.5];
        let mut value = |range: bool| {
            T::from_f64(if range {
                rng.random_range(-1.0..1.0)
            } else {
                levels[rng.random_range(0..levels.len())]
            })
        };
        let inputs = (0..rows * 3).map(|_| value(false)).collect();
        let targets = match loss {
            Loss::Mse => {
                let values = (0..rows).map(|_| value(true)).collect();
                Targets::Values(Matrix::from_vec(rows, 1, values).unwrap())
            }
            Loss::SoftmaxCrossEntropy => Targets::Classes {
                indices: (0..rows).map(|_| rng.random_range(0..3)).collect(),
                classes: 3,
            },
        };
        Examples {
            inputs: Matrix::from_vec(rows, 3, inputs).unwrap(),
            targets,
        }
    }

    /// The merged rows and flat blocks give the cost of the full forward
    /// pass (the brute-force search's other evaluator, and the lecture's
    /// [`reference::cost_at`]), to `tolerance` relative, for every activation, on a grid that
    /// reaches far into the flat tails (weights ±100) and near zero: for
    /// squared error (one output) and the cross-entropy (three classes).
    fn shortcuts_agree<T: Float>(loss: Loss, tolerance: f64) {
        let rows = repeated_rows::<T>(1000, loss);
        let outputs = if loss == Loss::Mse { 1 } else { 3 };
        for activation in Activation::ALL {
            let architecture = Architecture::new(3, &[4], activation, outputs, loss);
            let network = Network::<T>::new(architecture, Init::Xavier, 1).unwrap();
            // Neuron 1's weights from inputs 0 and 2, and its bias.
            let parameters =
                [(0, 3), (0, 5), (1, 1)].map(|(tensor, index)| ParameterRef { tensor, index });
            let mut fast = NeuronSlice::new(&network, &rows, &parameters).expect("one neuron");
            let merged = fast.merged.as_ref().expect("3 inputs to the neuron");
            let groups = match &merged.rows {
                MergedRows::Squared(rows) => rows.groups.len(),
                MergedRows::Classes(rows) => rows.len(),
            };
            assert_eq!(groups, 125, "{activation}");
            let has_tails = flat_tails::flat_tails::<T>(activation) != flat_tails::FlatTails::NONE;
            assert_eq!(
                merged.flat_blocks.is_some(),
                has_tails,
                "{activation} {}",
                T::NAME
            );
            let mut full = CostEvaluator::full_forward(&network, &rows, &parameters);
            for w0 in [-100.0, -30.0, -2.5, 0.0, 0.7, 9.0, 100.0] {
                for (w2, bias) in [(-100.0, 3.0), (0.2, -0.4), (55.0, -20.0), (100.0, 100.0)] {
                    let values = [w0, w2, bias];
                    let (a, b) = (fast.cost_at(&values), full.cost_at(&values));
                    let plain = reference::cost_at(&network, &rows, &parameters, &values);
                    for (c, name) in [(b, "full forward"), (plain, "reference")] {
                        assert!(
                            (a - c).abs() <= tolerance * c.abs().max(1.0),
                            "{activation} {} at {values:?}, {name}: {a} vs {c}",
                            T::NAME
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn merged_rows_and_flat_blocks_agree_with_the_full_forward_pass() {
        // f64: only the order of the sums differs. f32: the sums of 1,000
        // squared errors in f32 differ by a few units of 6·10⁻⁸ each.
        for loss in [Loss::Mse, Loss::SoftmaxCrossEntropy] {
            shortcuts_agree::<f64>(loss, 1e-12);
            shortcuts_agree::<f32>(loss, 1e-5);
        }
    }

    #[test]
    fn flat_blocks_cover_most_of_a_steep_point() {
        // 2,000 distinct rows in [−1, 1]³: 125 blocks of 16, each a box
        // about 0.4 wide. With weights of 100 on inputs 0 and 2, tanh is not
        // flat only in the band |a0 + a2 + …| < 0.09, about 0.13 wide: at
        // least a third of the blocks lie wholly outside it (measured: 60).
        let f64_rows = data(2000, 1, Loss::Mse);
        let Targets::Values(targets) = &f64_rows.targets else {
            unreachable!("squared error has values")
        };
        let rows = Examples {
            inputs: f64_rows.inputs.convert::<f32>(),
            targets: Targets::Values(targets.convert::<f32>()),
        };
        let architecture = Architecture::new(3, &[4], Activation::Tanh, 1, Loss::Mse);
        let network = Network::<f32>::new(architecture, Init::Xavier, 1).unwrap();
        let parameters = [(0, 3), (0, 5)].map(|(tensor, index)| ParameterRef { tensor, index });
        let slice = NeuronSlice::new(&network, &rows, &parameters).unwrap();
        let merged = slice.merged.as_ref().unwrap();
        let MergedRows::Squared(rows) = &merged.rows else {
            panic!("one output, squared error")
        };
        assert_eq!(rows.groups.len(), 2000);
        let blocks = merged.flat_blocks.as_ref().unwrap();
        let mut weights = slice.weights.clone();
        weights[0] = 100.0;
        weights[2] = 100.0;
        let mut at = blocks.at::<3, f32>(&weights, slice.bias);
        let not_flat: usize = (0..at.chunks())
            .map(|c| at.not_flat_in_chunk(c).count())
            .sum();
        assert!(
            not_flat < 125 * 2 / 3,
            "{not_flat} of 125 blocks are not flat"
        );
        assert!(at.flat_cost() > 0.0);
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
