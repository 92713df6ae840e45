//! What a training run is given and what it reports: the settings
//! ([`TrainSettings`], [`BatchSize`], [`GradientMethod`]), the scaled rows
//! ([`Examples`], [`DataSets`]), and the per-epoch records ([`EpochRecord`],
//! [`History`]). The loop itself is [`crate::train::training`].
//!
//! # When training goes wrong
//!
//! - **Divergence.** After every step the batch's cost and every weight are
//!   checked, and after every epoch the measured cost over the training
//!   rows; the first one that is not finite stops training with
//!   [`crate::Error::Diverged`] naming the epoch, the batch and the last
//!   finite cost. The network is then given back with the weights it had at
//!   the end of the last whole epoch (a copy kept once per epoch), never
//!   non-finite ones. The weight check costs no extra pass: the optimizer
//!   checks each stretch of weights while updating it
//!   ([`crate::train::optimizer::OptimizerState::step`]).
//! - **Interruption.** [`TrainSettings::interrupt`] is read once per step;
//!   once requested, training stops after that step and the history says
//!   where ([`History::interrupted`]). Early stopping's best weights are
//!   then put back as at any other end.

use crate::element::Float;
use crate::error::{Error, Result};
use crate::matrix::Matrix;
use crate::nn::loss::Targets;
use crate::nn::network::Network;
use crate::setting::Setting;
use crate::train::early_stopping::EarlyStopping;
use crate::train::interrupt::{Interrupt, Interruption};
use crate::train::optimizer::Optimizer;
use crate::train::schedule::Schedule;
use serde::{Deserialize, Serialize};

/// How many samples go into one gradient step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BatchSize {
    /// The whole training set: batch gradient descent.
    Full,
    /// This many samples: 1 is stochastic gradient descent (SGD), more is
    /// mini-batch gradient descent. The last batch of an epoch may be smaller.
    Samples(usize),
}

impl BatchSize {
    /// Parses `full` or a positive whole number.
    pub fn parse(text: &str) -> Result<BatchSize> {
        match text.trim() {
            "full" => Ok(BatchSize::Full),
            number => match number.parse::<usize>() {
                Ok(n) if n > 0 => Ok(BatchSize::Samples(n)),
                _ => Err(Error::setting(
                    Setting::BatchSize,
                    format!("'{text}' (expected a whole number ≥ 1 or 'full')"),
                )),
            },
        }
    }

    /// The number of samples per batch for a training set of `rows` samples.
    pub fn samples(self, rows: usize) -> usize {
        match self {
            BatchSize::Full => rows,
            BatchSize::Samples(n) => n.min(rows),
        }
        .max(1)
    }
}

impl std::fmt::Display for BatchSize {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BatchSize::Full => f.write_str("full"),
            BatchSize::Samples(n) => write!(f, "{n}"),
        }
    }
}

impl Serialize for BatchSize {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            BatchSize::Full => serializer.serialize_str("full"),
            BatchSize::Samples(n) => serializer.serialize_u64(*n as u64),
        }
    }
}

impl<'de> Deserialize<'de> for BatchSize {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Written {
            Number(usize),
            Text(String),
        }
        let text = match Written::deserialize(deserializer)? {
            Written::Number(n) => n.to_string(),
            Written::Text(text) => text,
        };
        BatchSize::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// How the gradient of each step is computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum GradientMethod {
    /// Backpropagation: one forward and one backward pass per step.
    #[default]
    Backprop,
    /// Central differences: two cost evaluations per parameter per step
    /// (see [`crate::methods::numerical`]). Same result up to O(ε²), far
    /// slower; for teaching and checking.
    Numerical,
}

/// Settings of one training run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TrainSettings {
    /// Gradient-descent step size η.
    pub learning_rate: f64,
    /// Samples per gradient step.
    pub batch_size: BatchSize,
    /// Passes over the training data.
    pub epochs: usize,
    /// Seeds the shuffling (the weights are seeded separately, by the caller).
    pub seed: u64,
    /// Reshuffle the training samples before every epoch.
    pub shuffle: bool,
    /// Backprop or the numerical gradient.
    pub gradient: GradientMethod,
    /// The update rule ([`crate::train::optimizer`]).
    pub optimizer: Optimizer,
    /// Weight decay λ; `None`: the optimizer's default (0, or 0.01 for adamw).
    pub weight_decay: Option<f64>,
    /// How the learning rate changes per epoch.
    pub schedule: Schedule,
    /// Clip each step's gradient to this global norm ([`crate::train::clip`]).
    pub clip_norm: Option<f64>,
    /// Stop when the watched cost no longer improves.
    pub early_stopping: Option<EarlyStopping>,
    /// Keep the weights after every epoch in [`History::trajectory`] (for
    /// drawing a training path on a loss landscape).
    #[serde(skip)]
    pub record_trajectory: bool,
    /// Measure the costs after every epoch (a forward pass over each data
    /// set). Benchmarks turn it off to time the training steps alone; the
    /// records then hold NaN costs, and early stopping cannot be used.
    #[serde(skip)]
    pub measure_costs: bool,
    /// Step ε of the numerical gradient; `None`: the precision's default
    /// ([`crate::nn::numerical_gradient::default_epsilon`]).
    pub epsilon: Option<f64>,
    /// Stops training after the current step once requested (a Ctrl-C
    /// handler holds a clone). Not a setting: never written, and equal in
    /// every [`TrainSettings`].
    #[serde(skip)]
    pub interrupt: Interrupt,
}

impl Default for TrainSettings {
    fn default() -> Self {
        TrainSettings {
            learning_rate: 0.05,
            batch_size: BatchSize::Samples(32),
            epochs: 200,
            seed: 1,
            shuffle: true,
            gradient: GradientMethod::Backprop,
            optimizer: Optimizer::Sgd,
            weight_decay: None,
            schedule: Schedule::Constant,
            clip_norm: None,
            early_stopping: None,
            record_trajectory: false,
            measure_costs: true,
            epsilon: None,
            interrupt: Interrupt::default(),
        }
    }
}

impl TrainSettings {
    /// Checks every setting; the error names the one that is wrong.
    pub fn validate(&self) -> Result<()> {
        if !(self.learning_rate.is_finite() && self.learning_rate > 0.0) {
            return Err(Error::setting(
                Setting::LearningRate,
                format!("{} (must be a positive number)", self.learning_rate),
            ));
        }
        self.optimizer.validate()?;
        if self.epochs == 0 {
            return Err(Error::setting(Setting::Epochs, "0 (must be at least 1)"));
        }
        if self.batch_size == BatchSize::Samples(0) {
            return Err(Error::setting(Setting::BatchSize, "0 (must be at least 1)"));
        }
        self.schedule.validate()?;
        if let Some(stopping) = &self.early_stopping {
            stopping.validate()?;
            if !self.measure_costs {
                return Err(Error::setting(
                    Setting::EarlyStopping,
                    "needs the costs measured",
                ));
            }
        }
        if let Some(norm) = self.clip_norm {
            if !(norm.is_finite() && norm > 0.0) {
                return Err(Error::setting(
                    Setting::ClipNorm,
                    format!("{norm} (must be positive)"),
                ));
            }
        }
        if let Some(epsilon) = self.epsilon {
            if !(epsilon.is_finite() && epsilon > 0.0) {
                return Err(Error::setting(
                    Setting::GradientEpsilon,
                    format!("{epsilon} (must be positive)"),
                ));
            }
        }
        Ok(())
    }
}

/// Inputs and targets, already scaled, in the network's precision.
#[derive(Debug, Clone, PartialEq)]
pub struct Examples<T> {
    /// `N × n_in`.
    pub inputs: Matrix<T>,
    /// N targets.
    pub targets: Targets<T>,
}

impl<T: Float> Examples<T> {
    /// Number of samples.
    pub fn len(&self) -> usize {
        self.inputs.rows()
    }

    /// True when there are no samples.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// What happened in one epoch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EpochRecord {
    /// 1-based epoch number.
    pub epoch: usize,
    /// Mean cost over the whole training set after the epoch.
    pub train_cost: f64,
    /// Mean cost over the validation set after the epoch, if one was given.
    pub validation_cost: Option<f64>,
    /// Mean cost over the test set after the epoch, if one was given.
    pub test_cost: Option<f64>,
    /// The test metric after the epoch (e.g. RMSE in the target's units, or
    /// accuracy), if the caller supplied one.
    pub test_metric: Option<f64>,
    /// The learning rate used in the epoch.
    pub learning_rate: f64,
    /// Gradient steps taken since training started.
    pub steps: u64,
    /// Seconds since training started.
    pub seconds: f64,
}

/// The per-epoch record of a training run, and the work its steps took.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct History {
    /// One record per finished epoch.
    pub epochs: Vec<EpochRecord>,
    /// Gradient steps taken (one gradient evaluation each).
    pub steps: u64,
    /// Forward passes over a batch made to compute gradients: one per step
    /// for backprop, 2·P per step for the numerical gradient. The passes that
    /// measure the per-epoch costs are not counted.
    pub forward_passes: u64,
    /// Backward passes over a batch (backprop only).
    pub backward_passes: u64,
    /// With early stopping: the epoch whose weights were kept.
    pub best_epoch: Option<usize>,
    /// True when early stopping ended training before the last epoch.
    pub stopped_early: bool,
    /// Where training stopped when [`TrainSettings::interrupt`] was
    /// requested; the epoch in progress then has no record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interrupted: Option<Interruption>,
    /// With `record_trajectory`: the weights (documented order) before the
    /// first epoch and after each one.
    #[serde(skip)]
    pub trajectory: Vec<Vec<f64>>,
}

/// The data of a training run: the rows to learn from, and the rows only
/// measured after each epoch.
#[derive(Clone, Copy)]
pub struct DataSets<'a, T> {
    /// Rows the gradient steps are computed on.
    pub train: &'a Examples<T>,
    /// Rows carved from the training data to watch for early stopping.
    pub validation: Option<&'a Examples<T>>,
    /// Held-out rows, measured only.
    pub test: Option<&'a Examples<T>>,
    /// Computes [`EpochRecord::test_metric`] from the network after each epoch.
    pub test_metric: Option<&'a NetworkMetric<'a, T>>,
}

/// A number measured on a network, such as its test accuracy.
pub type NetworkMetric<'a, T> = dyn Fn(&Network<T>) -> f64 + 'a;

impl<'a, T> DataSets<'a, T> {
    /// Only training rows: nothing else is measured.
    pub fn train_only(train: &'a Examples<T>) -> Self {
        DataSets {
            train,
            validation: None,
            test: None,
            test_metric: None,
        }
    }
}

/// What the progress callback wants after an epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Control {
    /// Go on training.
    Continue,
    /// Stop now; the history so far is returned.
    Stop,
}
