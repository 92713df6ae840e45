//! A feed-forward network: dense layers, an activation after each hidden
//! layer, a linear output layer, and the cost it is trained on.
//!
//! # Forward (layer l = 1 … L, a₀ = x)
//!
//! ```text
//! z_l = a_{l−1} · W_lᵀ + b_l      B × n_l
//! a_l = f_l(z_l)                  (f_L is the identity: the cost holds the softmax)
//! ```
//!
//! # Backward
//!
//! ```text
//! δ_L     = ∂C/∂z_L                        from the cost (output → hidden)
//! ∂C/∂W_l = δ_lᵀ · a_{l−1},  ∂C/∂b_l = δ_lᵀ · 1
//! δ_{l−1} = (δ_l · W_l) ⊙ f′_{l−1}(z_{l−1})   (hidden → input)
//! ```
//!
//! Computing gradients is kept apart from using them: [`Network::gradient`]
//! fills a [`Gradients`], and an optimizer step consumes it.
//!
//! # Parameter order
//!
//! Wherever the parameters are listed one after another (numerical gradients,
//! brute force, model files) the order is: `layers.0.weight` (row-major,
//! `[out, in]`), `layers.0.bias`, `layers.1.weight`, `layers.1.bias`, …

use crate::element::Float;
use crate::error::{Error, Result};
use crate::matrix::Matrix;
use crate::nn::activation::Activation;
use crate::nn::dense::{Dense, DenseGradient};
use crate::nn::init::Init;
use crate::nn::loss::{Loss, Targets};
use crate::nn::parameter_update::ParameterUpdate;
use crate::setting::Setting;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

/// The shape of a network: layer widths, activations and cost.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Architecture {
    /// Widths from input to output: `[n_in, hidden…, n_out]`.
    pub sizes: Vec<usize>,
    /// One activation per hidden layer (`sizes.len() − 2` of them).
    pub hidden_activations: Vec<Activation>,
    /// The cost; it also fixes the output (linear for MSE, softmax for CE).
    pub loss: Loss,
}

impl Architecture {
    /// `inputs → hidden[0] → … → outputs`, every hidden layer with `activation`.
    pub fn new(
        inputs: usize,
        hidden: &[usize],
        activation: Activation,
        outputs: usize,
        loss: Loss,
    ) -> Self {
        let mut sizes = vec![inputs];
        sizes.extend_from_slice(hidden);
        sizes.push(outputs);
        Architecture {
            sizes,
            hidden_activations: vec![activation; hidden.len()],
            loss,
        }
    }

    /// Checks that every width is positive and the activations fit.
    pub fn validate(&self) -> Result<()> {
        if self.sizes.len() < 2 {
            return Err(Error::setting(
                Setting::Architecture,
                "needs at least an input and an output size",
            ));
        }
        if let Some(position) = self.sizes.iter().position(|&n| n == 0) {
            let what = match position {
                0 => "the input width is 0 (no input columns)".to_string(),
                p if p == self.sizes.len() - 1 => "the output width is 0".to_string(),
                p => format!("hidden layer {p} has 0 neurons"),
            };
            return Err(Error::setting(Setting::Hidden, what));
        }
        if self.hidden_activations.len() != self.sizes.len() - 2 {
            return Err(Error::setting(
                Setting::Architecture,
                format!(
                    "{} hidden layers but {} activations",
                    self.sizes.len() - 2,
                    self.hidden_activations.len()
                ),
            ));
        }
        Ok(())
    }

    /// Number of dense layers (hidden layers + the output layer).
    pub fn layer_count(&self) -> usize {
        self.sizes.len() - 1
    }

    /// The activation after dense layer `layer` (the last one is linear).
    pub fn activation(&self, layer: usize) -> Activation {
        self.hidden_activations
            .get(layer)
            .copied()
            .unwrap_or(Activation::Linear)
    }

    /// Total number of weights and biases.
    pub fn parameter_count(&self) -> usize {
        self.sizes.windows(2).map(|w| w[0] * w[1] + w[1]).sum()
    }

    /// The name of tensor `t` in the documented order: `layers.{i}.weight`
    /// for even `t`, `layers.{i}.bias` for odd `t` (as in the model file).
    pub fn tensor_name(&self, t: usize) -> String {
        let kind = if t.is_multiple_of(2) {
            "weight"
        } else {
            "bias"
        };
        format!("layers.{}.{kind}", t / 2)
    }

    /// The shape of tensor `t`: `[out, in]` for a weight, `[out]` for a bias.
    pub fn tensor_shape(&self, t: usize) -> Vec<usize> {
        let (inputs, outputs) = (self.sizes[t / 2], self.sizes[t / 2 + 1]);
        if t.is_multiple_of(2) {
            vec![outputs, inputs]
        } else {
            vec![outputs]
        }
    }
}

impl std::fmt::Display for Architecture {
    /// `2 → 16 tanh → 1`, or `2 → 16 tanh → 3 softmax` for classification.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.sizes[0])?;
        for (layer, size) in self.sizes[1..].iter().enumerate() {
            write!(f, " → {size}")?;
            if layer + 1 < self.layer_count() {
                write!(f, " {}", self.activation(layer))?;
            } else if self.loss == Loss::SoftmaxCrossEntropy {
                write!(f, " softmax")?;
            }
        }
        Ok(())
    }
}

/// A network's parameters and its architecture.
#[derive(Debug, Clone, PartialEq)]
pub struct Network<T> {
    architecture: Architecture,
    /// The dense layers, input side first.
    pub layers: Vec<Dense<T>>,
}

/// The gradient of the cost with respect to every parameter of a network.
#[derive(Debug, Clone, PartialEq)]
pub struct Gradients<T> {
    /// One entry per dense layer, same order and shapes as the network's.
    pub layers: Vec<DenseGradient<T>>,
}

/// Buffers for forward and backward passes of up to `capacity` samples,
/// made once per training run so that a step allocates nothing.
#[derive(Debug, Clone)]
pub struct Workspace<T> {
    capacity: usize,
    /// z_l per layer (pre-activation), `B × n_l`.
    pre: Vec<Matrix<T>>,
    /// a_l per layer (post-activation), `B × n_l`.
    post: Vec<Matrix<T>>,
    /// δ_l = ∂C/∂z_l per layer.
    delta: Vec<Matrix<T>>,
}

impl<T: Float> Network<T> {
    /// A network with weights drawn by `init` from a generator seeded with `seed`.
    pub fn new(architecture: Architecture, init: Init, seed: u64) -> Result<Self> {
        architecture.validate()?;
        init.validate()?;
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let layers = architecture
            .sizes
            .windows(2)
            .map(|w| {
                let mut layer = Dense::zeros(w[0], w[1]);
                init.fill(&mut layer, &mut rng);
                layer
            })
            .collect();
        Ok(Network {
            architecture,
            layers,
        })
    }

    /// A network from given layers; checks they fit the architecture.
    pub fn from_layers(architecture: Architecture, layers: Vec<Dense<T>>) -> Result<Self> {
        architecture.validate()?;
        let fits = layers.len() == architecture.layer_count()
            && layers
                .iter()
                .zip(architecture.sizes.windows(2))
                .all(|(l, w)| l.inputs() == w[0] && l.outputs() == w[1] && l.bias.len() == w[1]);
        if !fits {
            return Err(Error::setting(
                Setting::Architecture,
                "the layers' shapes do not match it",
            ));
        }
        Ok(Network {
            architecture,
            layers,
        })
    }

    /// The network's shape.
    pub fn architecture(&self) -> &Architecture {
        &self.architecture
    }

    /// The cost this network is trained on.
    pub fn loss(&self) -> Loss {
        self.architecture.loss
    }

    /// Number of inputs.
    pub fn inputs(&self) -> usize {
        self.architecture.sizes[0]
    }

    /// Number of outputs (1 for regression on one target, K for K classes).
    pub fn outputs(&self) -> usize {
        *self
            .architecture
            .sizes
            .last()
            .expect("validated: at least two sizes")
    }

    /// Total number of weights and biases.
    pub fn parameter_count(&self) -> usize {
        self.architecture.parameter_count()
    }

    /// The same network in another precision.
    pub fn convert<U: Float>(&self) -> Network<U> {
        let layers = self
            .layers
            .iter()
            .map(|l| Dense {
                weight: l.weight.convert(),
                bias: l.bias.iter().map(|&b| U::from_f64(b.as_f64())).collect(),
            })
            .collect();
        Network {
            architecture: self.architecture.clone(),
            layers,
        }
    }

    /// Every parameter slice in the documented order (weight, bias per layer).
    pub fn parameters(&self) -> impl Iterator<Item = &[T]> {
        self.layers
            .iter()
            .flat_map(|l| [l.weight.as_slice(), l.bias.as_slice()])
    }

    /// Every parameter slice, mutable, in the documented order.
    pub fn parameters_mut(&mut self) -> impl Iterator<Item = &mut [T]> {
        self.layers
            .iter_mut()
            .flat_map(|l| [l.weight.as_mut_slice(), l.bias.as_mut_slice()])
    }

    /// Number of parameter tensors: a weight and a bias per layer.
    pub fn tensor_count(&self) -> usize {
        2 * self.layers.len()
    }

    /// The name of tensor `t` ([`Architecture::tensor_name`]).
    pub fn tensor_name(&self, t: usize) -> String {
        self.architecture.tensor_name(t)
    }

    /// The shape of tensor `t` ([`Architecture::tensor_shape`]).
    pub fn tensor_shape(&self, t: usize) -> Vec<usize> {
        self.architecture.tensor_shape(t)
    }

    /// Tensor `t` (see [`Network::tensor_name`]), flattened row-major.
    pub fn tensor(&self, t: usize) -> &[T] {
        let layer = &self.layers[t / 2];
        if t.is_multiple_of(2) {
            layer.weight.as_slice()
        } else {
            &layer.bias
        }
    }

    /// Tensor `t`, mutable.
    pub fn tensor_mut(&mut self, t: usize) -> &mut [T] {
        let layer = &mut self.layers[t / 2];
        if t.is_multiple_of(2) {
            layer.weight.as_mut_slice()
        } else {
            &mut layer.bias
        }
    }

    /// Every parameter in the documented order, as f64.
    pub fn to_flat(&self) -> Vec<f64> {
        self.parameters().flatten().map(|w| w.as_f64()).collect()
    }

    /// Sets every parameter from `values` (documented order, as f64).
    /// Panics when the length differs from [`Network::parameter_count`].
    pub fn set_flat(&mut self, values: &[f64]) {
        assert_eq!(
            values.len(),
            self.parameter_count(),
            "set_flat: wrong length"
        );
        for (w, &v) in self.parameters_mut().flatten().zip(values) {
            *w = T::from_f64(v);
        }
    }

    /// True when every weight and bias is finite.
    pub fn all_finite(&self) -> bool {
        self.parameters().flatten().all(|x| x.is_finite())
    }

    /// Forward pass over `x` (`B × n_in`, B ≤ the workspace's capacity),
    /// caching z_l and a_l in `workspace`. Returns the output layer's z.
    pub fn forward<'w>(&self, x: &Matrix<T>, workspace: &'w mut Workspace<T>) -> &'w Matrix<T> {
        self.forward_from(0, x, workspace)
    }

    /// The forward pass from dense layer `first` on, given that layer's
    /// input (a_{first−1}, or x when `first` is 0). When only the weights
    /// of layer `first` and later change, the activations before it are the
    /// same for every evaluation and need computing only once (brute force
    /// uses this). Returns the output layer's z.
    pub fn forward_from<'w>(
        &self,
        first: usize,
        input: &Matrix<T>,
        workspace: &'w mut Workspace<T>,
    ) -> &'w Matrix<T> {
        workspace.set_batch(input.rows());
        for (l, layer) in self.layers.iter().enumerate().skip(first) {
            let (before, rest) = workspace.post.split_at_mut(l);
            let layer_input = if l == first { input } else { &before[l - 1] };
            let z = &mut workspace.pre[l];
            layer.forward_activated(
                layer_input,
                self.architecture.activation(l),
                z,
                &mut rest[0],
            );
        }
        &workspace.pre[self.layers.len() - 1]
    }

    /// The mean cost over the batch (`x`, `targets`).
    pub fn cost(&self, x: &Matrix<T>, targets: &Targets<T>, workspace: &mut Workspace<T>) -> f64 {
        let output = self.forward(x, workspace);
        self.loss().cost(output, targets)
    }

    /// Backprop: the mean cost over the batch, and ∂C/∂W, ∂C/∂b of every
    /// layer written into `gradients`.
    pub fn gradient(
        &self,
        x: &Matrix<T>,
        targets: &Targets<T>,
        workspace: &mut Workspace<T>,
        gradients: &mut Gradients<T>,
    ) -> f64 {
        let cost = self.forward_and_output_delta(x, targets, workspace);
        let layers = &self.layers;
        backward_pass(
            &self.architecture,
            x,
            workspace,
            |l, input, delta, input_grad| {
                layers[l].backward(input, delta, &mut gradients.layers[l], input_grad);
            },
        );
        cost
    }

    /// Backprop and an optimizer step in one pass: each tensor is stepped
    /// by its update from `updates` (one per tensor, in the order of
    /// [`Network::parameters`], as
    /// [`crate::train::optimizer::OptimizerState::updates`] gives them) as
    /// soon as backprop has computed its gradient, a band of neurons at a
    /// time ([`Dense::backward_and_update`]), and no gradient is stored.
    /// The weights take the same step as [`Network::gradient`] followed by
    /// the optimizer's [`step`](crate::train::optimizer::OptimizerState::step),
    /// bit for bit.
    ///
    /// Returns the batch's mean cost before the step and whether every
    /// weight and bias is finite after it. When the cost is not finite the
    /// weights are left as they were (and the step that `updates` counted
    /// is not taken). Panics when `updates` has fewer items than the
    /// network has tensors.
    pub fn gradient_and_update<U: ParameterUpdate<T>>(
        &mut self,
        x: &Matrix<T>,
        targets: &Targets<T>,
        workspace: &mut Workspace<T>,
        updates: impl DoubleEndedIterator<Item = U>,
    ) -> (f64, bool) {
        let cost = self.forward_and_output_delta(x, targets, workspace);
        if !cost.is_finite() {
            return (cost, true);
        }
        // Backprop visits the layers last first: their updates too, each
        // layer's (weights, bias) pair taken from the back.
        let mut updates = updates.rev();
        let mut layer_updates = std::iter::from_fn(|| {
            let bias = updates.next()?;
            Some((updates.next()?, bias))
        });
        let layers = &mut self.layers;
        let mut all_finite = true;
        backward_pass(
            &self.architecture,
            x,
            workspace,
            |l, input, delta, input_grad| {
                let update = layer_updates.next().expect("one update per tensor");
                all_finite &= layers[l].backward_and_update(input, delta, input_grad, update);
            },
        );
        (cost, all_finite)
    }

    /// The forward pass over `x`, then δ of the output layer; returns the
    /// batch's mean cost.
    fn forward_and_output_delta(
        &self,
        x: &Matrix<T>,
        targets: &Targets<T>,
        workspace: &mut Workspace<T>,
    ) -> f64 {
        let last = self.layers.len() - 1;
        self.forward(x, workspace);
        self.loss()
            .cost_and_delta(&workspace.pre[last], targets, &mut workspace.delta[last])
    }

    /// Predictions for `x`: output values (MSE) or class probabilities
    /// (softmax), `B × n_out`. Allocates; for repeated use call
    /// [`Network::forward`] with a workspace.
    ///
    /// A row's prediction does not depend on the rows predicted with it, to
    /// the bit: a lone row is predicted as two copies of itself (see
    /// `predict_lone_row`). So many rows are predicted [`PREDICT_ROWS`] at a
    /// time, and the layers' values take room for that many rows, not for
    /// all of them.
    pub fn predict(&self, x: &Matrix<T>) -> Matrix<T> {
        if x.rows() == 1 {
            return self.predict_lone_row(x.row(0));
        }
        let block_rows = x.rows().min(PREDICT_ROWS);
        let mut workspace = Workspace::new(&self.architecture, block_rows);
        let mut block = Matrix::zeros(block_rows, x.cols());
        let (input_width, output_width) = (x.cols(), self.outputs());
        let mut output = Matrix::zeros(x.rows(), output_width);
        let output_blocks = output.as_mut_slice().chunks_mut(block_rows * output_width);
        for (first, out) in (0..x.rows()).step_by(block_rows).zip(output_blocks) {
            let rows = out.len() / output_width;
            let inputs = &x.as_slice()[first * input_width..(first + rows) * input_width];
            let predicted = match rows {
                1 => self.predict_lone_row(inputs),
                _ => {
                    block.set_rows(rows);
                    block.as_mut_slice().copy_from_slice(inputs);
                    self.predict_block(&block, &mut workspace)
                }
            };
            out.copy_from_slice(predicted.as_slice());
        }
        output
    }

    /// The prediction for the rows of `block` (two or more), computed in
    /// `workspace`.
    fn predict_block(&self, block: &Matrix<T>, workspace: &mut Workspace<T>) -> Matrix<T> {
        let mut output = self.forward(block, workspace).clone();
        self.loss().output_transform(&mut output);
        output
    }

    /// The prediction for one row, computed as a batch of two copies of it.
    ///
    /// For a one-row product faer does not run its GEMM but a matrix–vector
    /// product, which sums each output in another order (SIMD lanes, then
    /// across them) and so rounds differently, by a few units in the last
    /// place. Two rows take the GEMM, whose sum behind each output element is
    /// the same whatever the batch; the duplicate costs one row of work.
    fn predict_lone_row(&self, row: &[T]) -> Matrix<T> {
        let twice = Matrix::from_vec(2, row.len(), [row, row].concat())
            .expect("two rows of the row's own length");
        let both = self.predict(&twice);
        Matrix::from_vec(1, both.cols(), both.row(0).to_vec())
            .expect("one row of the output's width")
    }
}

/// The backward pass from the output layer's δ (already in `workspace`)
/// down to the first layer: `layer_step(l, input, δ_l, δ_{l−1})` for each
/// dense layer l from the last to the first, where `input` is the layer's
/// forward input (a_{l−1}, or x for the first layer) and δ_{l−1} is the
/// buffer that must receive δ_l · W_l (`None` for the first layer). After
/// each step δ_{l−1} is finished as
///
/// ```text
/// δ_{l−1} = (δ_l · W_l) ⊙ f′(z_{l−1})
/// ```
fn backward_pass<T: Float>(
    architecture: &Architecture,
    x: &Matrix<T>,
    workspace: &mut Workspace<T>,
    mut layer_step: impl FnMut(usize, &Matrix<T>, &Matrix<T>, Option<&mut Matrix<T>>),
) {
    let last = workspace.delta.len() - 1;
    for l in (0..=last).rev() {
        let input = if l == 0 { x } else { &workspace.post[l - 1] };
        let (lower, upper) = workspace.delta.split_at_mut(l);
        let input_grad = lower.last_mut(); // δ_{l−1} receives δ_l · W_l
        let has_input_grad = input_grad.is_some();
        layer_step(l, input, &upper[0], input_grad);
        if has_input_grad {
            architecture.activation(l - 1).backward_on_threads(
                workspace.pre[l - 1].as_slice(),
                workspace.post[l - 1].as_slice(),
                workspace.delta[l - 1].as_mut_slice(),
            );
        }
    }
}

/// Rows [`Network::predict`] computes at once.
pub const PREDICT_ROWS: usize = 4096;

impl<T: Float> Gradients<T> {
    /// A zero gradient shaped like `network`.
    pub fn zeros_like(network: &Network<T>) -> Self {
        Gradients {
            layers: network
                .layers
                .iter()
                .map(DenseGradient::zeros_like)
                .collect(),
        }
    }

    /// Every gradient slice in the network's parameter order.
    pub fn slices(&self) -> impl Iterator<Item = &[T]> {
        self.layers
            .iter()
            .flat_map(|g| [g.weight.as_slice(), g.bias.as_slice()])
    }

    /// Every gradient slice, mutable, in the network's parameter order.
    pub fn slices_mut(&mut self) -> impl Iterator<Item = &mut [T]> {
        self.layers
            .iter_mut()
            .flat_map(|g| [g.weight.as_mut_slice(), g.bias.as_mut_slice()])
    }
}

impl<T: Float> Workspace<T> {
    /// Buffers for batches of up to `capacity` samples.
    pub fn new(architecture: &Architecture, capacity: usize) -> Self {
        let make = || -> Vec<Matrix<T>> {
            architecture.sizes[1..]
                .iter()
                .map(|&n| Matrix::zeros(capacity, n))
                .collect()
        };
        Workspace {
            capacity,
            pre: make(),
            post: make(),
            delta: make(),
        }
    }

    /// The largest batch these buffers hold without allocating.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// z_l of the last forward pass (`layer` counts dense layers from 0).
    pub fn pre_activation(&self, layer: usize) -> &Matrix<T> {
        &self.pre[layer]
    }

    /// a_l of the last forward pass.
    pub fn activation(&self, layer: usize) -> &Matrix<T> {
        &self.post[layer]
    }

    /// δ_l = ∂C/∂z_l of the last backward pass.
    pub fn delta(&self, layer: usize) -> &Matrix<T> {
        &self.delta[layer]
    }

    fn set_batch(&mut self, rows: usize) {
        for m in self
            .pre
            .iter_mut()
            .chain(&mut self.post)
            .chain(&mut self.delta)
        {
            m.set_rows(rows);
        }
    }
}
