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
//! | `adam`     | m ← β₁ m + (1 − β₁) g;  v ← β₂ v + (1 − β₂) g²;                        | β₁ = 0.9, β₂ = 0.999, ε = 1e-8 |
//! |            | w ← w − η m̂ / (√v̂ + ε),  m̂ = m / (1 − β₁ᵗ),  v̂ = v / (1 − β₂ᵗ)        | |
//! | `adamw`    | w ← w − η λ w, then the Adam step with g                               | as Adam, λ = 0.01 |
//!
//! Weight decay λ: for `adamw` it is decoupled from the gradient, as above
//! (Loshchilov & Hutter, 2019); for every other rule it is L2
//! regularisation, g ← g + λ w before the update (PyTorch's `weight_decay`).
//! Adam's defaults are the paper's (Kingma & Ba, 2015).
//!
//! With the cost a mean over the batch (see [`crate::nn::loss`]), batch size 1
//! is stochastic gradient descent, a batch of n samples is mini-batch gradient
//! descent, and the whole training set is batch gradient descent — for every
//! rule here.

use crate::element::Float;
use crate::error::{Error, Result};
use crate::nn::network::{Gradients, Network};
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

impl Optimizer {
    /// Every optimizer's name, in the table's order.
    pub const NAMES: [&'static str; 6] =
        ["sgd", "momentum", "nesterov", "rmsprop", "adam", "adamw"];

    /// The optimizer called `name`, with its default hyper-parameters.
    pub fn parse(name: &str) -> Result<Optimizer> {
        let (beta1, beta2, epsilon) = (0.9, 0.999, 1e-8);
        Ok(match name.trim() {
            "sgd" => Optimizer::Sgd,
            "momentum" => Optimizer::Momentum { momentum: 0.9 },
            "nesterov" => Optimizer::Nesterov { momentum: 0.9 },
            "rmsprop" => Optimizer::Rmsprop {
                alpha: 0.99,
                epsilon,
            },
            "adam" => Optimizer::Adam {
                beta1,
                beta2,
                epsilon,
            },
            "adamw" => Optimizer::Adamw {
                beta1,
                beta2,
                epsilon,
            },
            other => {
                return Err(Error::setting(
                    "optimizer",
                    format!("'{other}' (expected one of {})", Self::NAMES.join(", ")),
                ))
            }
        })
    }

    /// The optimizer's name.
    pub fn name(&self) -> &'static str {
        match self {
            Optimizer::Sgd => "sgd",
            Optimizer::Momentum { .. } => "momentum",
            Optimizer::Nesterov { .. } => "nesterov",
            Optimizer::Rmsprop { .. } => "rmsprop",
            Optimizer::Adam { .. } => "adam",
            Optimizer::Adamw { .. } => "adamw",
        }
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
        let decay = |name: &'static str, value: f64| {
            if (0.0..1.0).contains(&value) {
                Ok(())
            } else {
                Err(Error::setting(name, format!("{value} (must be in [0, 1))")))
            }
        };
        let positive = |name: &'static str, value: f64| {
            if value.is_finite() && value > 0.0 {
                Ok(())
            } else {
                Err(Error::setting(name, format!("{value} (must be positive)")))
            }
        };
        match *self {
            Optimizer::Sgd => Ok(()),
            Optimizer::Momentum { momentum } | Optimizer::Nesterov { momentum } => {
                decay("momentum", momentum)
            }
            Optimizer::Rmsprop { alpha, epsilon } => {
                decay("alpha", alpha)?;
                positive("epsilon", epsilon)
            }
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
                decay("beta1", beta1)?;
                decay("beta2", beta2)?;
                positive("epsilon", epsilon)
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
    /// first moment m (Adam), per tensor.
    first: Vec<Vec<T>>,
    /// The second moment v (Adam).
    second: Vec<Vec<T>>,
    steps: u64,
}

impl<T: Float> OptimizerState<T> {
    /// Fresh state for `network`; `weight_decay` λ (see the module doc).
    pub fn new(optimizer: Optimizer, weight_decay: f64, network: &Network<T>) -> Result<Self> {
        optimizer.validate()?;
        if !(weight_decay.is_finite() && weight_decay >= 0.0) {
            return Err(Error::setting(
                "weight decay",
                format!("{weight_decay} (must be ≥ 0)"),
            ));
        }
        let zeros = || -> Vec<Vec<T>> {
            network
                .parameters()
                .map(|p| vec![T::zero(); p.len()])
                .collect()
        };
        Ok(OptimizerState {
            optimizer,
            weight_decay,
            first: zeros(),
            second: zeros(),
            steps: 0,
        })
    }

    /// Steps taken so far.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// One update of every parameter of `network` with learning rate `eta`.
    pub fn step(&mut self, network: &mut Network<T>, gradients: &Gradients<T>, eta: f64) {
        self.steps += 1;
        let rule = Rule::new(self.optimizer, self.weight_decay, eta, self.steps);
        let tensors = network
            .parameters_mut()
            .zip(gradients.slices())
            .zip(self.first.iter_mut().zip(self.second.iter_mut()));
        for ((weights, grads), (first, second)) in tensors {
            for (((w, &g), m), v) in weights
                .iter_mut()
                .zip(grads)
                .zip(first.iter_mut())
                .zip(second.iter_mut())
            {
                rule.apply(w, g, m, v);
            }
        }
    }
}

/// One step's constants, in the element type.
struct Rule<T> {
    optimizer: Optimizer,
    eta: T,
    /// λ as L2 on the gradient (every rule but `adamw`).
    l2: T,
    /// λ·η as decoupled decay (`adamw`).
    decoupled: T,
    /// 1 − β₁ᵗ and 1 − β₂ᵗ for Adam's bias correction.
    correction1: T,
    correction2: T,
}

impl<T: Float> Rule<T> {
    fn new(optimizer: Optimizer, weight_decay: f64, eta: f64, step: u64) -> Self {
        let (beta1, beta2) = match optimizer {
            Optimizer::Adam { beta1, beta2, .. } | Optimizer::Adamw { beta1, beta2, .. } => {
                (beta1, beta2)
            }
            _ => (0.0, 0.0),
        };
        let t = step.min(i32::MAX as u64) as i32;
        let decoupled = matches!(optimizer, Optimizer::Adamw { .. });
        Rule {
            optimizer,
            eta: T::from_f64(eta),
            l2: T::from_f64(if decoupled { 0.0 } else { weight_decay }),
            decoupled: T::from_f64(if decoupled { weight_decay * eta } else { 0.0 }),
            correction1: T::from_f64(1.0 - beta1.powi(t)),
            correction2: T::from_f64(1.0 - beta2.powi(t)),
        }
    }

    /// Updates one weight `w` with gradient `g` and its state `m`, `v`.
    #[inline]
    fn apply(&self, w: &mut T, g: T, m: &mut T, v: &mut T) {
        let one = T::one();
        let g = g + self.l2 * *w;
        match self.optimizer {
            Optimizer::Sgd => *w -= self.eta * g,
            Optimizer::Momentum { momentum } => {
                *m = T::from_f64(momentum) * *m + g;
                *w -= self.eta * *m;
            }
            Optimizer::Nesterov { momentum } => {
                let mu = T::from_f64(momentum);
                *m = mu * *m + g;
                *w -= self.eta * (g + mu * *m);
            }
            Optimizer::Rmsprop { alpha, epsilon } => {
                let alpha = T::from_f64(alpha);
                *m = alpha * *m + (one - alpha) * g * g;
                *w -= self.eta * g / (m.sqrt() + T::from_f64(epsilon));
            }
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
                *w -= self.decoupled * *w;
                let (beta1, beta2) = (T::from_f64(beta1), T::from_f64(beta2));
                *m = beta1 * *m + (one - beta1) * g;
                *v = beta2 * *v + (one - beta2) * g * g;
                let m_hat = *m / self.correction1;
                let v_hat = *v / self.correction2;
                *w -= self.eta * m_hat / (v_hat.sqrt() + T::from_f64(epsilon));
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
            state.step(&mut network, &gradients, eta);
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
    fn bad_hyper_parameters_are_refused() {
        assert!(Optimizer::parse("adagrad").is_err());
        let network = single(1.0);
        let bad = Optimizer::Momentum { momentum: 1.5 };
        assert!(OptimizerState::new(bad, 0.0, &network).is_err());
        assert!(OptimizerState::new(Optimizer::Sgd, -1.0, &network).is_err());
    }
}
