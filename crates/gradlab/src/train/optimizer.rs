//! Optimizers: how a step turns gradients into new weights. Backprop fills
//! the gradients; an optimizer step consumes them.
//!
//! Each rule is written as the PyTorch documentation states it (η the
//! learning rate, g = ∂C/∂w, t the 1-based step number; state starts at 0):
//!
//! | name       | update                                                                 | defaults |
//! |------------|------------------------------------------------------------------------|----------|
//! | `sgd`      | w ← w − η g                                                            | |
//! | `momentum` | v ← μ v + g;  w ← w − η v                                              | μ = 0.9 |
//! | `nesterov` | v ← μ v + g;  w ← w − η (g + μ v)                                      | μ = 0.9 |
//! | `rmsprop`  | s ← α s + (1 − α) g²;  w ← w − η g / (√s + ε)                          | α = 0.99, ε = 1e-8 |
//! | `adagrad`  | G ← G + g²;  w ← w − η g / (√G + ε)                                    | ε = 1e-10 |
//! | `adam`     | m ← β₁ m + (1 − β₁) g;  v ← β₂ v + (1 − β₂) g²;                        | β₁ = 0.9, β₂ = 0.999, ε = 1e-8 |
//! |            | w ← w − η m̂ / (√v̂ + ε),  m̂ = m / (1 − β₁ᵗ),  v̂ = v / (1 − β₂ᵗ)        | |
//! | `adamw`    | w ← w − η λ w, then the Adam step with g                               | as Adam, λ = 0.01 |
//!
//! Weight decay λ: for `adamw` it is decoupled from the gradient, as above
//! (Loshchilov & Hutter, 2019); for every other rule it is L2
//! regularisation, g ← g + λ w before the update (PyTorch's `weight_decay`).
//! Adam's defaults are the paper's (Kingma & Ba, 2015); Adagrad (Duchi et
//! al., 2011) sums every g² since the start, so each weight's step shrinks
//! with its own history of gradients.
//!
//! With the cost a mean over the batch (see [`crate::nn::loss`]), batch size 1
//! is stochastic gradient descent, a batch of n samples is mini-batch gradient
//! descent, and the whole training set is batch gradient descent — for every
//! rule here.

use crate::element::Float;
use crate::error::{Error, Result};
use crate::matrix::PARALLEL_ELEMENTS;
use crate::named::{named_variants, Named};
use crate::nn::network::{Gradients, Network};
use crate::nn::parameter_update::ParameterUpdate;
use crate::setting::Setting;
use crate::simd;
use serde::{Deserialize, Serialize};

/// An update rule and its own hyper-parameters.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(tag = "name", rename_all = "kebab-case")]
pub enum Optimizer {
    /// Plain gradient descent.
    #[default]
    Sgd,
    /// Gradient descent with momentum μ (heavy ball).
    Momentum {
        /// μ, the share of the last velocity kept.
        momentum: f64,
    },
    /// Nesterov's accelerated gradient, in PyTorch's form.
    Nesterov {
        /// μ, the share of the last velocity kept.
        momentum: f64,
    },
    /// RMSprop (Hinton's lecture 6e): steps scaled by a running RMS of g.
    Rmsprop {
        /// α, the decay of the running mean of g².
        alpha: f64,
        /// ε, added to the RMS to avoid dividing by zero.
        epsilon: f64,
    },
    /// Adagrad (Duchi et al., 2011): steps scaled by the root of the sum
    /// of every g² so far.
    Adagrad {
        /// ε, added to √G to avoid dividing by zero.
        epsilon: f64,
    },
    /// Adam (Kingma & Ba, 2015).
    Adam {
        /// β₁, the decay of the first moment.
        beta1: f64,
        /// β₂, the decay of the second moment.
        beta2: f64,
        /// ε, added to √v̂.
        epsilon: f64,
    },
    /// Adam with decoupled weight decay (Loshchilov & Hutter, 2019).
    Adamw {
        /// β₁, the decay of the first moment.
        beta1: f64,
        /// β₂, the decay of the second moment.
        beta2: f64,
        /// ε, added to √v̂.
        epsilon: f64,
    },
}

named_variants!(Optimizer {
    Optimizer::Sgd => Optimizer::Sgd, "sgd", "plain gradient descent: w ← w − η g";
    Optimizer::Momentum { .. } => Optimizer::Momentum { momentum: 0.9 },
        "momentum", "gradient descent with momentum μ (heavy ball)";
    Optimizer::Nesterov { .. } => Optimizer::Nesterov { momentum: 0.9 },
        "nesterov", "Nesterov's accelerated gradient, in PyTorch's form";
    Optimizer::Rmsprop { .. } => Optimizer::Rmsprop { alpha: 0.99, epsilon: 1e-8 },
        "rmsprop", "steps scaled by a running RMS of the gradient (Hinton)";
    Optimizer::Adagrad { .. } => Optimizer::Adagrad { epsilon: 1e-10 },
        "adagrad", "steps scaled by the root of the sum of every g² so far (Duchi et al., 2011)";
    Optimizer::Adam { .. } => Optimizer::Adam { beta1: 0.9, beta2: 0.999, epsilon: 1e-8 },
        "adam", "Adam: bias-corrected moments of g and g² (Kingma & Ba, 2015)";
    Optimizer::Adamw { .. } => Optimizer::Adamw { beta1: 0.9, beta2: 0.999, epsilon: 1e-8 },
        "adamw", "Adam with decoupled weight decay (Loshchilov & Hutter, 2019)";
});

impl Optimizer {
    /// The optimizer called `name`, with its default hyper-parameters.
    pub fn parse(name: &str) -> Result<Optimizer> {
        let name = name.trim();
        Self::from_name(name).ok_or_else(|| {
            Error::setting(
                Setting::Optimizer,
                format!("'{name}' (expected one of {})", Self::NAMES.join(", ")),
            )
        })
    }

    /// The weight decay λ used when none is given: 0.01 for `adamw`
    /// (PyTorch's default), 0 for the others.
    pub fn default_weight_decay(&self) -> f64 {
        match self {
            Optimizer::Adamw { .. } => 0.01,
            _ => 0.0,
        }
    }

    /// Checks the hyper-parameters: decays in [0, 1), ε > 0.
    pub fn validate(&self) -> Result<()> {
        let decay = |setting: Setting, value: f64| {
            if (0.0..1.0).contains(&value) {
                Ok(())
            } else {
                Err(Error::setting(
                    setting,
                    format!("{value} (must be in [0, 1))"),
                ))
            }
        };
        let positive = |setting: Setting, value: f64| {
            if value.is_finite() && value > 0.0 {
                Ok(())
            } else {
                Err(Error::setting(
                    setting,
                    format!("{value} (must be positive)"),
                ))
            }
        };
        match *self {
            Optimizer::Sgd => Ok(()),
            Optimizer::Momentum { momentum } | Optimizer::Nesterov { momentum } => {
                decay(Setting::Momentum, momentum)
            }
            Optimizer::Rmsprop { alpha, epsilon } => {
                decay(Setting::Alpha, alpha)?;
                positive(Setting::OptimizerEpsilon, epsilon)
            }
            Optimizer::Adagrad { epsilon } => positive(Setting::OptimizerEpsilon, epsilon),
            Optimizer::Adam {
                beta1,
                beta2,
                epsilon,
            }
            | Optimizer::Adamw {
                beta1,
                beta2,
                epsilon,
            } => {
                decay(Setting::Beta1, beta1)?;
                decay(Setting::Beta2, beta2)?;
                positive(Setting::OptimizerEpsilon, epsilon)
            }
        }
    }
}

/// An optimizer with its state (velocities, moments), shaped like the
/// network and made once per training run.
#[derive(Debug, Clone)]
pub struct OptimizerState<T> {
    optimizer: Optimizer,
    weight_decay: f64,
    /// Velocity (momentum, Nesterov), running mean of g² (RMSprop) or the
    /// first moment m (Adam) or the sum of g² (Adagrad), per tensor; empty
    /// tensors for `sgd`.
    first: Vec<Vec<T>>,
    /// The second moment v (Adam); empty tensors for the other rules.
    second: Vec<Vec<T>>,
    steps: u64,
}

impl<T: Float> OptimizerState<T> {
    /// Fresh state for `network`; `weight_decay` λ (see the module doc).
    pub fn new(optimizer: Optimizer, weight_decay: f64, network: &Network<T>) -> Result<Self> {
        check(optimizer, weight_decay)?;
        let running = optimizer.running_quantities();
        let state = |needed: bool| -> Vec<Vec<T>> {
            network
                .parameters()
                .map(|p| {
                    if needed {
                        vec![T::zero(); p.len()]
                    } else {
                        Vec::new()
                    }
                })
                .collect()
        };
        Ok(OptimizerState {
            optimizer,
            weight_decay,
            first: state(running >= 1),
            second: state(running >= 2),
            steps: 0,
        })
    }

    /// Switches to `optimizer` with weight decay `weight_decay` between two
    /// steps. The same rule (new hyper-parameters, say) keeps its running
    /// state and its step count; another rule starts afresh, as a new
    /// [`OptimizerState`] would.
    pub fn change(
        &mut self,
        optimizer: Optimizer,
        weight_decay: f64,
        network: &Network<T>,
    ) -> Result<()> {
        if optimizer.name() == self.optimizer.name() {
            check(optimizer, weight_decay)?;
            self.optimizer = optimizer;
            self.weight_decay = weight_decay;
        } else {
            *self = OptimizerState::new(optimizer, weight_decay, network)?;
        }
        Ok(())
    }

    /// Steps taken so far.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// One update of every parameter of `network` with learning rate `eta`.
    ///
    /// Returns whether every updated parameter is finite. The check is made
    /// in the update's own pass, on each stretch of weights while it is in
    /// cache, so that a trainer can stop a diverging run without reading
    /// all the weights again after the step.
    #[must_use = "a false return means a weight became NaN or infinite"]
    pub fn step(&mut self, network: &mut Network<T>, gradients: &Gradients<T>, eta: f64) -> bool {
        let threads = crate::matrix::threads();
        let tensors = network.parameters_mut().zip(gradients.slices());
        let mut all_finite = true;
        for ((weights, grads), update) in tensors.zip(self.updates(eta)) {
            all_finite &= apply_on_threads(update, weights, grads, threads);
        }
        all_finite
    }

    /// The step with learning rate `eta` as one [`TensorUpdate`] per
    /// parameter tensor, in the network's order ([`Network::parameters`]),
    /// for a caller that applies them itself: backprop that steps each band
    /// of a layer as soon as its gradient is computed
    /// ([`Network::gradient_and_update`]). Applied to every tensor, they
    /// make exactly [`OptimizerState::step`]. Counts the step.
    pub fn updates(
        &mut self,
        eta: f64,
    ) -> impl DoubleEndedIterator<Item = TensorUpdate<'_, T>> + ExactSizeIterator {
        self.steps += 1;
        let rule = Rule::new(self.optimizer, self.weight_decay, eta, self.steps);
        let states = self.first.iter_mut().zip(self.second.iter_mut());
        states.map(move |(first, second)| TensorUpdate {
            rule,
            first,
            second,
        })
    }
}

/// Checks the rule's hyper-parameters and the weight decay λ ≥ 0.
fn check(optimizer: Optimizer, weight_decay: f64) -> Result<()> {
    optimizer.validate()?;
    if !(weight_decay.is_finite() && weight_decay >= 0.0) {
        return Err(Error::setting(
            Setting::WeightDecay,
            format!("{weight_decay} (must be ≥ 0)"),
        ));
    }
    Ok(())
}

/// One parameter tensor's share of an optimizer step: the step's rule and
/// the tensor's running state (empty for `sgd`), applied whole or in parts
/// ([`ParameterUpdate`]).
pub struct TensorUpdate<'a, T> {
    rule: Rule<T>,
    first: &'a mut [T],
    second: &'a mut [T],
}

impl<T: Float> ParameterUpdate<T> for TensorUpdate<'_, T> {
    fn split_at(self, mid: usize) -> (Self, Self) {
        let (first, first_rest) = split_state(self.first, mid);
        let (second, second_rest) = split_state(self.second, mid);
        let rule = self.rule;
        (
            TensorUpdate {
                rule,
                first,
                second,
            },
            TensorUpdate {
                rule,
                first: first_rest,
                second: second_rest,
            },
        )
    }

    fn apply(self, weights: &mut [T], grads: &[T]) -> bool {
        let tensor = Tensor {
            weights,
            grads,
            first: self.first,
            second: self.second,
        };
        self.rule.update_in_chunks(tensor)
    }
}

/// `update` applied to `weights` with `grads`, cut into up to `threads`
/// parts run in parallel when the tensor is big enough (every element's
/// update is independent of the others, so the result is the same).
/// Returns whether every updated weight is finite.
fn apply_on_threads<T: Float>(
    update: TensorUpdate<'_, T>,
    weights: &mut [T],
    grads: &[T],
    threads: usize,
) -> bool {
    let parts = threads.min(weights.len() / PARALLEL_ELEMENTS);
    if parts <= 1 {
        return update.apply(weights, grads);
    }
    let left_parts = parts / 2;
    let mid = weights.len() / parts * left_parts;
    let (left, right) = update.split_at(mid);
    let (weights, weights_rest) = weights.split_at_mut(mid);
    let (grads, grads_rest) = grads.split_at(mid);
    let (left_finite, right_finite) = rayon::join(
        || apply_on_threads(left, weights, grads, left_parts),
        || apply_on_threads(right, weights_rest, grads_rest, parts - left_parts),
    );
    left_finite && right_finite
}

impl Optimizer {
    /// How many running quantities per weight the rule keeps: none for
    /// `sgd`, a velocity, a mean of g² or a sum of g² for momentum,
    /// Nesterov, RMSprop and Adagrad,
    /// two moments for Adam and AdamW.
    fn running_quantities(&self) -> usize {
        match self {
            Optimizer::Sgd => 0,
            Optimizer::Momentum { .. }
            | Optimizer::Nesterov { .. }
            | Optimizer::Rmsprop { .. }
            | Optimizer::Adagrad { .. } => 1,
            Optimizer::Adam { .. } | Optimizer::Adamw { .. } => 2,
        }
    }
}

/// Weights are updated and checked for finiteness in stretches of this
/// many: small enough that a stretch is still in the L1 cache for the check.
const CACHE_CHUNK: usize = 2048;

/// One parameter tensor, its gradient and the rule's state for it (state
/// slices are empty when the rule keeps none).
struct Tensor<'a, T> {
    weights: &'a mut [T],
    grads: &'a [T],
    first: &'a mut [T],
    second: &'a mut [T],
}

impl<'a, T> Tensor<'a, T> {
    fn len(&self) -> usize {
        self.weights.len()
    }

    /// Elements `..mid` and `mid..`.
    fn split_at(self, mid: usize) -> (Self, Self) {
        let (weights, weights_rest) = self.weights.split_at_mut(mid);
        let (grads, grads_rest) = self.grads.split_at(mid);
        let (first, first_rest) = split_state(self.first, mid);
        let (second, second_rest) = split_state(self.second, mid);
        let head = Tensor {
            weights,
            grads,
            first,
            second,
        };
        let tail = Tensor {
            weights: weights_rest,
            grads: grads_rest,
            first: first_rest,
            second: second_rest,
        };
        (head, tail)
    }
}

/// A state slice split like its tensor; an unused (empty) one stays empty.
fn split_state<T>(state: &mut [T], mid: usize) -> (&mut [T], &mut [T]) {
    if state.is_empty() {
        (&mut [], &mut [])
    } else {
        state.split_at_mut(mid)
    }
}

/// One step's constants, in the element type.
#[derive(Clone, Copy)]
struct Rule<T> {
    optimizer: Optimizer,
    eta: T,
    /// λ as L2 on the gradient (every rule but `adamw`).
    l2: T,
    /// λ·η as decoupled decay (`adamw`).
    decoupled: T,
    /// μ (momentum, Nesterov), α (RMSprop) or β₁ (Adam): the decay of the
    /// first running quantity.
    decay1: T,
    /// β₂ (Adam): the decay of the second moment.
    decay2: T,
    /// ε (RMSprop, Adam).
    epsilon: T,
    /// 1 − β₁ᵗ and 1 − β₂ᵗ for Adam's bias correction (unused by the others).
    correction1: T,
    correction2: T,
}

impl<T: Float> Rule<T> {
    fn new(optimizer: Optimizer, weight_decay: f64, eta: f64, step: u64) -> Self {
        let (decay1, decay2, epsilon) = match optimizer {
            Optimizer::Sgd => (0.0, 0.0, 0.0),
            Optimizer::Momentum { momentum } | Optimizer::Nesterov { momentum } => {
                (momentum, 0.0, 0.0)
            }
            Optimizer::Rmsprop { alpha, epsilon } => (alpha, 0.0, epsilon),
            Optimizer::Adagrad { epsilon } => (0.0, 0.0, epsilon),
            Optimizer::Adam {
                beta1,
                beta2,
                epsilon,
            }
            | Optimizer::Adamw {
                beta1,
                beta2,
                epsilon,
            } => (beta1, beta2, epsilon),
        };
        let t = step.min(i32::MAX as u64) as i32;
        // Only Adam uses the corrections: the others skip the two powers,
        // a library call each on every step.
        let uses_corrections =
            matches!(optimizer, Optimizer::Adam { .. } | Optimizer::Adamw { .. });
        let correction = |decay: f64| {
            if uses_corrections {
                1.0 - decay.powi(t)
            } else {
                1.0
            }
        };
        let decoupled = matches!(optimizer, Optimizer::Adamw { .. });
        Rule {
            optimizer,
            eta: T::from_f64(eta),
            l2: T::from_f64(if decoupled { 0.0 } else { weight_decay }),
            decoupled: T::from_f64(if decoupled { weight_decay * eta } else { 0.0 }),
            decay1: T::from_f64(decay1),
            decay2: T::from_f64(decay2),
            epsilon: T::from_f64(epsilon),
            correction1: T::from_f64(correction(decay1)),
            correction2: T::from_f64(correction(decay2)),
        }
    }

    /// [`Rule::update`] on stretches of [`CACHE_CHUNK`] weights, each
    /// checked for finiteness right after its update. Returns whether every
    /// updated weight is finite.
    fn update_in_chunks(&self, tensor: Tensor<'_, T>) -> bool {
        let mut all_finite = true;
        let mut rest = tensor;
        while rest.len() > 0 {
            let stretch = rest.len().min(CACHE_CHUNK);
            let (mut chunk, tail) = rest.split_at(stretch);
            self.update(&mut chunk);
            all_finite &= simd::all(chunk.weights, |w| w.is_finite());
            rest = tail;
        }
        all_finite
    }

    /// Updates every weight of `tensor` with its gradient and state: one
    /// branch-free loop per rule (vectorised by [`crate::simd`]), each the
    /// rule of the module doc with g ← g + λ w first. The operations and
    /// their order are those of the formulas, so every element type and
    /// CPU gets the same result as a plain loop would.
    fn update(&self, tensor: &mut Tensor<'_, T>) {
        let Tensor {
            weights,
            grads,
            first,
            second,
        } = tensor;
        let (weights, grads) = (&mut **weights, &**grads);
        let (first, second) = (&mut **first, &mut **second);
        let (eta, l2, decoupled) = (self.eta, self.l2, self.decoupled);
        let (decay1, decay2, epsilon) = (self.decay1, self.decay2, self.epsilon);
        let (correction1, correction2) = (self.correction1, self.correction2);
        let one = T::one();
        match self.optimizer {
            // w ← w − η g
            Optimizer::Sgd => simd::zip_map(weights, grads, |w, g| w - eta * (g + l2 * w)),
            // v ← μ v + g;  w ← w − η v
            Optimizer::Momentum { .. } => {
                simd::update_with_state(weights, grads, first, |w, g, v| {
                    let g = g + l2 * w;
                    let v = decay1 * v + g;
                    (w - eta * v, v)
                })
            }
            // v ← μ v + g;  w ← w − η (g + μ v)
            Optimizer::Nesterov { .. } => {
                simd::update_with_state(weights, grads, first, |w, g, v| {
                    let g = g + l2 * w;
                    let v = decay1 * v + g;
                    (w - eta * (g + decay1 * v), v)
                })
            }
            // s ← α s + (1 − α) g²;  w ← w − η g / (√s + ε)
            Optimizer::Rmsprop { .. } => {
                let keep = one - decay1;
                simd::update_with_state(weights, grads, first, |w, g, s| {
                    let g = g + l2 * w;
                    let s = decay1 * s + keep * g * g;
                    (w - eta * g / (s.sqrt() + epsilon), s)
                })
            }
            // G ← G + g²;  w ← w − η g / (√G + ε)
            Optimizer::Adagrad { .. } => {
                simd::update_with_state(weights, grads, first, |w, g, sum| {
                    let g = g + l2 * w;
                    let sum = sum + g * g;
                    (w - eta * g / (sum.sqrt() + epsilon), sum)
                })
            }
            // w ← w − η λ w (AdamW only);  m ← β₁ m + (1 − β₁) g;
            // v ← β₂ v + (1 − β₂) g²;  w ← w − η m̂ / (√v̂ + ε)
            Optimizer::Adam { .. } | Optimizer::Adamw { .. } => {
                let (keep1, keep2) = (one - decay1, one - decay2);
                simd::update_with_two_states(weights, grads, first, second, |w, g, m, v| {
                    let g = g + l2 * w;
                    let w = w - decoupled * w;
                    let m = decay1 * m + keep1 * g;
                    let v = decay2 * v + keep2 * g * g;
                    let (m_hat, v_hat) = (m / correction1, v / correction2);
                    (w - eta * m_hat / (v_hat.sqrt() + epsilon), m, v)
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matrix::Matrix;
    use crate::nn::activation::Activation;
    use crate::nn::dense::Dense;
    use crate::nn::loss::Loss;

    #[test]
    fn the_list_names_every_optimizer_with_its_defaults() {
        crate::named::assert_sound_list::<Optimizer>();
        // PyTorch's defaults (torch.optim: SGD momentum is 0 there; 0.9 is
        // the customary choice), checked by name.
        assert_eq!(
            Optimizer::parse("adam").unwrap(),
            Optimizer::Adam {
                beta1: 0.9,
                beta2: 0.999,
                epsilon: 1e-8
            }
        );
        assert_eq!(
            Optimizer::parse("adagrad").unwrap(),
            Optimizer::Adagrad { epsilon: 1e-10 }
        );
        assert!(Optimizer::parse("adadelta").is_err());
    }
    use crate::nn::network::Architecture;

    /// A one-layer network 1 → 1 with weight w and bias 0, and a gradient g
    /// for the weight (0 for the bias).
    fn single(w: f64) -> Network<f64> {
        let architecture = Architecture::new(1, &[], Activation::Linear, 1, Loss::Mse);
        let layer = Dense {
            weight: Matrix::from_rows(&[vec![w]]).unwrap(),
            bias: vec![0.0],
        };
        Network::from_layers(architecture, vec![layer]).unwrap()
    }

    fn gradient(network: &Network<f64>, g: f64) -> Gradients<f64> {
        let mut gradients = Gradients::zeros_like(network);
        gradients.layers[0].weight.set(0, 0, g);
        gradients
    }

    /// The weight after `steps` steps with a constant gradient g.
    fn run(optimizer: &str, weight_decay: f64, w: f64, g: f64, eta: f64, steps: usize) -> f64 {
        let mut network = single(w);
        let gradients = gradient(&network, g);
        let optimizer = Optimizer::parse(optimizer).unwrap();
        let mut state = OptimizerState::new(optimizer, weight_decay, &network).unwrap();
        for _ in 0..steps {
            assert!(state.step(&mut network, &gradients, eta));
        }
        network.layers[0].weight.get(0, 0)
    }

    // Expected values by hand from the update rules in PyTorch's documentation
    // (torch.optim.SGD, RMSprop, Adam, AdamW), w = 1, g = 0.5, η = 0.1.

    #[test]
    fn sgd_and_l2_weight_decay() {
        // w − η g = 1 − 0.05.
        assert!((run("sgd", 0.0, 1.0, 0.5, 0.1, 1) - 0.95).abs() < 1e-15);
        // g + λ w = 0.5 + 0.1·1 = 0.6 → 1 − 0.06.
        assert!((run("sgd", 0.1, 1.0, 0.5, 0.1, 1) - 0.94).abs() < 1e-15);
    }

    #[test]
    fn momentum_and_nesterov_two_steps() {
        // v₁ = 0.5, w₁ = 0.95; v₂ = 0.9·0.5 + 0.5 = 0.95, w₂ = 0.95 − 0.095 = 0.855.
        assert!((run("momentum", 0.0, 1.0, 0.5, 0.1, 2) - 0.855).abs() < 1e-15);
        // v₁ = 0.5, w₁ = 1 − 0.1·(0.5 + 0.45) = 0.905;
        // v₂ = 0.95, w₂ = 0.905 − 0.1·(0.5 + 0.855) = 0.7695.
        assert!((run("nesterov", 0.0, 1.0, 0.5, 0.1, 2) - 0.7695).abs() < 1e-15);
    }

    #[test]
    fn rmsprop_one_step() {
        // s = 0.01·0.25 = 0.0025, √s = 0.05 → w = 1 − 0.1·0.5/(0.05 + 1e-8).
        let expected = 1.0 - 0.1 * 0.5 / (0.05 + 1e-8);
        assert!((run("rmsprop", 0.0, 1.0, 0.5, 0.1, 1) - expected).abs() < 1e-15);
    }

    #[test]
    fn adagrad_steps_shrink_as_the_sum_of_squares_grows() {
        // A constant g = 0.5: after t steps G = t·0.25, so step t moves the
        // weight by η·0.5/(0.5·√t + 1e-10), the hand sum below (PyTorch's
        // torch.optim.Adagrad with lr_decay 0 and a zero initial sum).
        let expected = (1..=3).fold(1.0, |w, t: i32| {
            w - 0.1 * 0.5 / ((f64::from(t) * 0.25).sqrt() + 1e-10)
        });
        assert!((run("adagrad", 0.0, 1.0, 0.5, 0.1, 3) - expected).abs() < 1e-15);
        let first = 1.0 - run("adagrad", 0.0, 1.0, 0.5, 0.1, 1);
        let third = run("adagrad", 0.0, 1.0, 0.5, 0.1, 2) - run("adagrad", 0.0, 1.0, 0.5, 0.1, 3);
        assert!(third < first, "{third} {first}");
    }

    #[test]
    fn adam_steps_are_the_learning_rate_times_the_sign_for_a_constant_gradient() {
        // Step 1: m̂ = g, v̂ = g² → w = 1 − 0.1·0.5/(0.5 + 1e-8).
        let one = 1.0 - 0.1 * 0.5 / (0.5 + 1e-8);
        assert!((run("adam", 0.0, 1.0, 0.5, 0.1, 1) - one).abs() < 1e-15);
        // With a constant g every m̂ = g and v̂ = g², so each step moves ≈ η.
        assert!((run("adam", 0.0, 1.0, 0.5, 0.1, 3) - (1.0 - 0.3)).abs() < 1e-7);
    }

    #[test]
    fn adamw_decays_the_weight_before_the_adam_step() {
        // w = 1 − η λ w = 1 − 0.1·0.01 = 0.999, then − 0.1·0.5/(0.5 + 1e-8).
        let expected = 0.999 - 0.1 * 0.5 / (0.5 + 1e-8);
        assert!((run("adamw", 0.01, 1.0, 0.5, 0.1, 1) - expected).abs() < 1e-15);
    }

    #[test]
    fn a_big_tensor_updated_in_parts_on_threads_matches_the_one_loop_update() {
        // 3.5 × PARALLEL_ELEMENTS elements: cut into 2 or 3 uneven parts.
        let n = 7 * PARALLEL_ELEMENTS / 2;
        let grads: Vec<f32> = (0..n).map(|i| ((i % 13) as f32 - 6.0) * 1e-2).collect();
        let initial: Vec<f32> = (0..n).map(|i| (i % 7) as f32 * 0.1).collect();
        for name in Optimizer::NAMES {
            let optimizer = Optimizer::parse(name).unwrap();
            let run = |threads: usize| {
                let mut weights = initial.clone();
                let (mut first, mut second) = (vec![0.0f32; n], vec![0.0f32; n]);
                for step in 1..=3 {
                    let update = TensorUpdate {
                        rule: Rule::new(optimizer, 0.01, 0.1, step),
                        first: &mut first,
                        second: &mut second,
                    };
                    apply_on_threads(update, &mut weights, &grads, threads);
                }
                (weights, first, second)
            };
            let one_loop = run(1);
            assert!(
                one_loop.0.iter().any(|&w| w != 0.0),
                "{name}: nothing moved"
            );
            for threads in [2, 3] {
                assert!(run(threads) == one_loop, "{name} on {threads} threads");
            }
        }
    }

    #[test]
    fn a_step_reports_whether_every_updated_weight_is_finite() {
        // w = 1, g = 0.5, η = 0.1: w = 0.95, finite; then g = ∞: w = −∞.
        let mut network = single(1.0);
        let (finite, infinite) = (gradient(&network, 0.5), gradient(&network, f64::INFINITY));
        let mut state = OptimizerState::new(Optimizer::Sgd, 0.0, &network).unwrap();
        assert!(state.step(&mut network, &finite, 0.1));
        assert!(!state.step(&mut network, &infinite, 0.1));
        // A big tensor (cut into parts and stretches) with one NaN gradient
        // near its end, then without it.
        let n = 3 * PARALLEL_ELEMENTS;
        let mut grads = vec![0.0f32; n];
        let mut weights = vec![1.0f32; n];
        let rule = Rule::new(Optimizer::Sgd, 0.0, 0.1, 1);
        for (bad, expected) in [(f32::NAN, false), (0.0, true)] {
            grads[n - 5] = bad;
            weights.fill(1.0);
            let update = TensorUpdate {
                rule,
                first: &mut [],
                second: &mut [],
            };
            assert_eq!(apply_on_threads(update, &mut weights, &grads, 2), expected);
        }
    }

    #[test]
    fn bad_hyper_parameters_are_refused() {
        assert_eq!(
            Optimizer::parse("adagrad").unwrap(),
            Optimizer::Adagrad { epsilon: 1e-10 }
        );
        assert!(Optimizer::parse("adadelta").is_err());
        let network = single(1.0);
        let bad = Optimizer::Momentum { momentum: 1.5 };
        assert!(OptimizerState::new(bad, 0.0, &network).is_err());
        assert!(OptimizerState::new(Optimizer::Sgd, -1.0, &network).is_err());
    }
}
