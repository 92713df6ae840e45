//! The training loop: shuffle, cut into batches, backprop, step; once per
//! epoch, measure the cost on the training and test data.
//!
//! Cost, gradient and update stay separate: [`Network::gradient`] computes,
//! [`OptimizerState::step`] applies, and this loop only orders them. All
//! buffers are made before the first epoch; a training step allocates nothing.

use crate::element::Float;
use crate::error::{Error, Result};
use crate::matrix::Matrix;
use crate::methods::numerical::{default_epsilon, NumericalGradient};
use crate::nn::loss::Targets;
use crate::nn::network::{Gradients, Network, Workspace};
use crate::train::clip::clip_by_norm;
use crate::train::early_stopping::{EarlyStopper, EarlyStopping};
use crate::train::optimizer::{Optimizer, OptimizerState};
use crate::train::schedule::Schedule;
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use std::time::Instant;

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
                    "batch size",
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
    /// ([`crate::methods::numerical::default_epsilon`]).
    pub epsilon: Option<f64>,
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
        }
    }
}

impl TrainSettings {
    /// Checks every setting; the error names the one that is wrong.
    pub fn validate(&self) -> Result<()> {
        if !(self.learning_rate.is_finite() && self.learning_rate > 0.0) {
            return Err(Error::setting(
                "learning rate",
                format!("{} (must be a positive number)", self.learning_rate),
            ));
        }
        self.optimizer.validate()?;
        if self.epochs == 0 {
            return Err(Error::setting("epochs", "0 (must be at least 1)"));
        }
        if self.batch_size == BatchSize::Samples(0) {
            return Err(Error::setting("batch size", "0 (must be at least 1)"));
        }
        self.schedule.validate()?;
        if let Some(stopping) = &self.early_stopping {
            stopping.validate()?;
            if !self.measure_costs {
                return Err(Error::setting("early stopping", "needs the costs measured"));
            }
        }
        if let Some(norm) = self.clip_norm {
            if !(norm.is_finite() && norm > 0.0) {
                return Err(Error::setting(
                    "clip norm",
                    format!("{norm} (must be positive)"),
                ));
            }
        }
        if let Some(epsilon) = self.epsilon {
            if !(epsilon.is_finite() && epsilon > 0.0) {
                return Err(Error::setting(
                    "epsilon",
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

/// Trains `network` on `data.train`, reporting each epoch to `on_epoch`
/// (the engine never prints; the caller may draw a progress bar). Stops
/// with [`Error::Diverged`] when the cost stops being finite.
pub fn train<T: Float>(
    network: &mut Network<T>,
    data: DataSets<'_, T>,
    settings: &TrainSettings,
    mut on_epoch: impl FnMut(&EpochRecord) -> Control,
) -> Result<History> {
    settings.validate()?;
    if data.train.is_empty() {
        return Err(Error::setting(
            "training data",
            "there are no training rows",
        ));
    }
    let weight_decay = settings
        .weight_decay
        .unwrap_or_else(|| settings.optimizer.default_weight_decay());
    let mut optimizer = OptimizerState::new(settings.optimizer, weight_decay, network)?;
    let mut state = TrainingState::new(network, data.train, settings);
    let mut stopper = settings.early_stopping.map(EarlyStopper::new);
    let mut history = History::default();
    if settings.record_trajectory {
        history.trajectory.push(network.to_flat());
    }
    let started = Instant::now();
    for epoch in 1..=settings.epochs {
        let learning_rate = settings
            .schedule
            .learning_rate(settings.learning_rate, epoch);
        state.learning_rate = learning_rate;
        state.run_epoch(network, data.train, &mut optimizer, epoch, &mut history)?;
        let measure_costs = settings.measure_costs;
        let mut measure = |rows: &Examples<T>| {
            if measure_costs {
                mean_cost(network, rows, &mut state.evaluation)
            } else {
                f64::NAN
            }
        };
        let record = EpochRecord {
            epoch,
            train_cost: measure(data.train),
            validation_cost: data.validation.map(&mut measure),
            test_cost: data.test.map(&mut measure),
            test_metric: data.test_metric.map(|metric| metric(network)),
            learning_rate,
            steps: history.steps,
            seconds: started.elapsed().as_secs_f64(),
        };
        if settings.record_trajectory {
            history.trajectory.push(network.to_flat());
        }
        let watched = record.validation_cost.unwrap_or(record.train_cost);
        let stop_early = stopper
            .as_mut()
            .is_some_and(|s| s.observe(epoch, watched, network));
        let control = on_epoch(&record);
        history.epochs.push(record);
        if stop_early {
            history.stopped_early = epoch < settings.epochs;
            break;
        }
        if control == Control::Stop {
            break;
        }
    }
    if let Some(stopper) = &stopper {
        stopper.restore(network);
        history.best_epoch = Some(stopper.best_epoch());
    }
    Ok(history)
}

/// The buffers of one training run, made once.
struct TrainingState<T> {
    batch_size: usize,
    learning_rate: f64,
    clip_norm: Option<f64>,
    shuffle: bool,
    rng: ChaCha8Rng,
    order: Vec<usize>,
    batch_inputs: Matrix<T>,
    batch_targets: Targets<T>,
    workspace: Workspace<T>,
    gradients: Gradients<T>,
    numerical: Option<NumericalGradient<T>>,
    evaluation: Evaluation<T>,
}

impl<T: Float> TrainingState<T> {
    fn new(network: &Network<T>, train: &Examples<T>, settings: &TrainSettings) -> Self {
        let batch_size = settings.batch_size.samples(train.len());
        TrainingState {
            batch_size,
            learning_rate: settings.learning_rate,
            clip_norm: settings.clip_norm,
            shuffle: settings.shuffle,
            rng: ChaCha8Rng::seed_from_u64(settings.seed),
            order: (0..train.len()).collect(),
            batch_inputs: Matrix::zeros(batch_size, network.inputs()),
            batch_targets: train.targets.with_capacity_like(batch_size),
            workspace: Workspace::new(network.architecture(), batch_size),
            gradients: Gradients::zeros_like(network),
            numerical: (settings.gradient == GradientMethod::Numerical).then(|| {
                let epsilon = settings.epsilon.unwrap_or_else(default_epsilon::<T>);
                NumericalGradient::new(network, batch_size, epsilon)
            }),
            evaluation: Evaluation::new(network, train),
        }
    }

    fn run_epoch(
        &mut self,
        network: &mut Network<T>,
        train: &Examples<T>,
        optimizer: &mut OptimizerState<T>,
        epoch: usize,
        history: &mut History,
    ) -> Result<()> {
        if self.shuffle {
            self.order.shuffle(&mut self.rng);
        }
        // Taken out for the loop (no copy) so the batch loop may borrow self.
        let order = std::mem::take(&mut self.order);
        let result = self.run_batches(network, train, optimizer, epoch, history, &order);
        self.order = order;
        result
    }

    fn run_batches(
        &mut self,
        network: &mut Network<T>,
        train: &Examples<T>,
        optimizer: &mut OptimizerState<T>,
        epoch: usize,
        history: &mut History,
        order: &[usize],
    ) -> Result<()> {
        for (batch, rows) in order.chunks(self.batch_size).enumerate() {
            self.batch_inputs.gather_rows(&train.inputs, rows);
            self.batch_targets.gather(&train.targets, rows);
            let cost = self.compute_gradient(network, history);
            if !cost.is_finite() {
                return Err(Error::Diverged {
                    epoch,
                    batch: batch + 1,
                    cost: cost.to_string(),
                });
            }
            if let Some(max_norm) = self.clip_norm {
                clip_by_norm(&mut self.gradients, max_norm);
            }
            optimizer.step(network, &self.gradients, self.learning_rate);
            history.steps += 1;
        }
        Ok(())
    }

    /// Fills `self.gradients` for the current batch by the chosen method,
    /// counts the passes, and returns the batch cost.
    fn compute_gradient(&mut self, network: &mut Network<T>, history: &mut History) -> f64 {
        let (x, targets) = (&self.batch_inputs, &self.batch_targets);
        match &mut self.numerical {
            None => {
                history.forward_passes += 1;
                history.backward_passes += 1;
                network.gradient(x, targets, &mut self.workspace, &mut self.gradients)
            }
            Some(numerical) => {
                let before = numerical.cost_evaluations();
                let cost = numerical.gradient(network, x, targets, &mut self.gradients);
                history.forward_passes += numerical.cost_evaluations() - before;
                cost
            }
        }
    }
}

/// Buffers for measuring the cost over a whole data set in chunks.
struct Evaluation<T> {
    rows: Vec<usize>,
    inputs: Matrix<T>,
    targets: Targets<T>,
    workspace: Workspace<T>,
}

/// Rows per chunk when measuring a cost over a whole data set.
const EVALUATION_CHUNK: usize = 1024;

impl<T: Float> Evaluation<T> {
    fn new(network: &Network<T>, like: &Examples<T>) -> Self {
        Evaluation {
            rows: Vec::with_capacity(EVALUATION_CHUNK),
            inputs: Matrix::zeros(EVALUATION_CHUNK, network.inputs()),
            targets: like.targets.with_capacity_like(EVALUATION_CHUNK),
            workspace: Workspace::new(network.architecture(), EVALUATION_CHUNK),
        }
    }
}

/// The mean cost of `network` over all of `examples`.
fn mean_cost<T: Float>(
    network: &Network<T>,
    examples: &Examples<T>,
    eval: &mut Evaluation<T>,
) -> f64 {
    let mut total = 0.0;
    for start in (0..examples.len()).step_by(EVALUATION_CHUNK) {
        let end = (start + EVALUATION_CHUNK).min(examples.len());
        eval.rows.clear();
        eval.rows.extend(start..end);
        eval.inputs.gather_rows(&examples.inputs, &eval.rows);
        eval.targets.gather(&examples.targets, &eval.rows);
        let cost = network.cost(&eval.inputs, &eval.targets, &mut eval.workspace);
        total += cost * (end - start) as f64;
    }
    total / examples.len() as f64
}

/// The mean cost of `network` over all of `examples` (allocates its buffers).
pub fn evaluate_cost<T: Float>(network: &Network<T>, examples: &Examples<T>) -> f64 {
    mean_cost(network, examples, &mut Evaluation::new(network, examples))
}
