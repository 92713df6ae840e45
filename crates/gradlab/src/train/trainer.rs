//! The training loop: shuffle, cut into batches, backprop, step; once per
//! epoch, measure the cost on the training and test data.
//!
//! Cost, gradient and update stay separate: [`Network::gradient`] computes,
//! [`OptimizerState::step`] applies, and this loop only orders them. With
//! backprop and no clipping the two run interleaved instead: each band of a
//! layer's gradient is stepped as soon as it is computed, while it is in
//! cache ([`Network::gradient_and_update`]), with the same result to the bit.
//! All buffers are made before the first epoch; a training step allocates
//! nothing.
//!
//! # When training goes wrong
//!
//! - **Divergence.** After every step the batch's cost and every weight are
//!   checked, and after every epoch the measured cost over the training
//!   rows; the first one that is not finite stops training with
//!   [`Error::Diverged`] naming the epoch, the batch and the last finite
//!   cost. The network is then given back with the weights it had at the end
//!   of the last whole epoch (a copy kept once per epoch), never non-finite
//!   ones. The weight check costs no extra pass: the optimizer checks each
//!   stretch of weights while updating it ([`OptimizerState::step`]).
//! - **Interruption.** [`TrainSettings::interrupt`] is read once per step;
//!   once requested, training stops after that step and the history says
//!   where ([`History::interrupted`]). Early stopping's best weights are
//!   then put back as at any other end.

use crate::element::Float;
use crate::error::{Error, Result};
use crate::matrix::Matrix;
use crate::methods::numerical::{default_epsilon, NumericalGradient};
use crate::nn::loss::Targets;
use crate::nn::network::{Gradients, Network, Workspace};
use crate::train::clip::clip_by_norm;
use crate::train::early_stopping::{EarlyStopper, EarlyStopping};
use crate::train::interrupt::{Interrupt, Interruption};
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

/// Trains `network` on `data.train`, reporting each epoch to `on_epoch`
/// (the engine never prints; the caller may draw a progress bar).
///
/// Stops with [`Error::Diverged`] when a batch's cost or a weight stops
/// being finite; `network` then holds the weights of the end of the last
/// whole epoch (see the module doc). Stops after the current step, with
/// [`History::interrupted`] set, when [`TrainSettings::interrupt`] is
/// requested.
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
    for epoch in 1..=settings.epochs {
        state.learning_rate = settings
            .schedule
            .learning_rate(settings.learning_rate, epoch);
        let record = match state.run_epoch(network, &data, &mut optimizer, epoch, &mut history) {
            Ok(EpochEnd::Finished(record)) => record,
            Ok(EpochEnd::Interrupted(at)) => {
                history.interrupted = Some(at);
                break;
            }
            Err(diverged) => {
                state.restore_last_good(network);
                return Err(diverged);
            }
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
        history.best_epoch = Some(stopper.best_epoch()).filter(|&best| best > 0);
    }
    Ok(history)
}

/// How an epoch ended (a divergence is an error instead).
#[derive(Debug, Clone, PartialEq)]
enum EpochEnd {
    /// Every batch was trained on; the epoch's record.
    Finished(EpochRecord),
    /// [`TrainSettings::interrupt`] was requested; this step was the last.
    Interrupted(Interruption),
}

/// The buffers of one training run, made once.
struct TrainingState<T> {
    batch_size: usize,
    /// Epochs the run has at most.
    epochs: usize,
    learning_rate: f64,
    clip_norm: Option<f64>,
    shuffle: bool,
    measure_costs: bool,
    interrupt: Interrupt,
    started: Instant,
    rng: ChaCha8Rng,
    order: Vec<usize>,
    batch_inputs: Matrix<T>,
    batch_targets: Targets<T>,
    workspace: Workspace<T>,
    /// The whole gradient, for the steps that need it before they update
    /// (clipping, the numerical gradient); `None` when backprop steps as it
    /// goes ([`TrainingState::take_step`]).
    gradients: Option<Gradients<T>>,
    numerical: Option<NumericalGradient<T>>,
    evaluation: Evaluation<T>,
    /// The weights at the end of the last whole epoch (at first, the
    /// initial ones): what a diverged run gives back.
    last_good: Network<T>,
    /// The cost of the last batch whose cost was finite.
    last_finite_cost: Option<f64>,
}

/// Runs `work` on one of rayon's threads and waits for it.
///
/// A large matrix product is cut into one block per thread with
/// `rayon::join` ([`crate::matrix::gemm`]), and so is the optimizer's update
/// of a big tensor: 23 times per step of the 6 × 1000 benchmark network.
/// Called from a thread outside the pool, each such `join` is handed to the
/// pool whole while the caller sleeps until it is done; called from a pool
/// thread, the first half runs on that thread at once and only the second
/// is handed over. A training step is faster that way (measured 1.5–4.7 %
/// on the `large_cls` step; issue 6). The results are the same.
fn on_a_pool_thread<R: Send>(work: impl FnOnce() -> R + Send) -> R {
    rayon::scope(|_| work())
}

impl<T: Float> TrainingState<T> {
    fn new(network: &Network<T>, train: &Examples<T>, settings: &TrainSettings) -> Self {
        let batch_size = settings.batch_size.samples(train.len());
        TrainingState {
            batch_size,
            epochs: settings.epochs,
            learning_rate: settings.learning_rate,
            clip_norm: settings.clip_norm,
            shuffle: settings.shuffle,
            measure_costs: settings.measure_costs,
            interrupt: settings.interrupt.clone(),
            rng: ChaCha8Rng::seed_from_u64(settings.seed),
            order: (0..train.len()).collect(),
            batch_inputs: Matrix::zeros(batch_size, network.inputs()),
            batch_targets: train.targets.with_capacity_like(batch_size),
            workspace: Workspace::new(network.architecture(), batch_size),
            gradients: (settings.clip_norm.is_some()
                || settings.gradient == GradientMethod::Numerical)
                .then(|| Gradients::zeros_like(network)),
            numerical: (settings.gradient == GradientMethod::Numerical).then(|| {
                let epsilon = settings.epsilon.unwrap_or_else(default_epsilon::<T>);
                NumericalGradient::new(network, batch_size, epsilon)
            }),
            evaluation: Evaluation::new(network, train),
            last_good: network.clone(),
            last_finite_cost: None,
            // Last, so that the buffers' set-up is not counted.
            started: Instant::now(),
        }
    }

    /// Trains one epoch, then measures it. A training cost that is not
    /// finite after the epoch is a divergence at its last batch; otherwise
    /// the weights become the last good ones (unless this was the last
    /// epoch).
    fn run_epoch(
        &mut self,
        network: &mut Network<T>,
        data: &DataSets<'_, T>,
        optimizer: &mut OptimizerState<T>,
        epoch: usize,
        history: &mut History,
    ) -> Result<EpochEnd> {
        if self.shuffle {
            self.order.shuffle(&mut self.rng);
        }
        // Taken out for the loop (no copy) so the batch loop may borrow self.
        let order = std::mem::take(&mut self.order);
        let result = on_a_pool_thread(|| {
            self.run_batches(network, data.train, optimizer, epoch, history, &order)
        });
        self.order = order;
        if let Some(interruption) = result? {
            return Ok(EpochEnd::Interrupted(interruption));
        }
        let record = self.epoch_record(network, data, epoch, history.steps);
        if self.measure_costs && !record.train_cost.is_finite() {
            let last_batch = self.order.len().div_ceil(self.batch_size);
            let cause = format!(
                "the cost over the training rows became {} after the epoch's last step",
                record.train_cost
            );
            return Err(self.diverged(epoch, last_batch, cause));
        }
        // After the last epoch nothing can diverge any more, so the copy
        // would never be read (20 MB, about 4 ms, for large_cls).
        if epoch < self.epochs {
            self.keep_as_last_good(network);
        }
        Ok(EpochEnd::Finished(record))
    }

    /// One step per batch of `order`; after each, the divergence checks and
    /// the interrupt. Returns where it stopped if interrupted.
    fn run_batches(
        &mut self,
        network: &mut Network<T>,
        train: &Examples<T>,
        optimizer: &mut OptimizerState<T>,
        epoch: usize,
        history: &mut History,
        order: &[usize],
    ) -> Result<Option<Interruption>> {
        for (index, rows) in order.chunks(self.batch_size).enumerate() {
            let batch = index + 1;
            self.batch_inputs.gather_rows(&train.inputs, rows);
            self.batch_targets.gather(&train.targets, rows);
            let (cost, all_finite) = self.take_step(network, optimizer, history);
            if !cost.is_finite() {
                return Err(self.diverged(epoch, batch, format!("the cost became {cost}")));
            }
            history.steps += 1;
            self.last_finite_cost = Some(cost);
            if !all_finite {
                let cause = first_non_finite(network);
                return Err(self.diverged(epoch, batch, cause));
            }
            if self.interrupt.is_requested() {
                return Ok(Some(Interruption { epoch, batch }));
            }
        }
        Ok(None)
    }

    /// The error for a divergence at `batch` of `epoch`.
    fn diverged(&self, epoch: usize, batch: usize, cause: String) -> Error {
        Error::Diverged {
            epoch,
            batch,
            cause,
            last_finite_cost: self.last_finite_cost,
            last_good: None,
        }
    }

    /// Remembers the weights of `network` (all finite: each step checked
    /// them) as the last good ones; copies in place, allocating nothing.
    fn keep_as_last_good(&mut self, network: &Network<T>) {
        copy_parameters(network, &mut self.last_good);
    }

    /// Puts the last good weights back into `network`.
    fn restore_last_good(&self, network: &mut Network<T>) {
        copy_parameters(&self.last_good, network);
    }

    /// One step on the current batch: its gradient by the chosen method,
    /// clipped if asked, then the optimizer's update. Returns the batch's
    /// cost before the step and whether every weight is finite after it;
    /// when the cost is not finite no step is taken.
    ///
    /// Backprop without clipping steps each band of a layer as soon as its
    /// gradient is computed ([`Network::gradient_and_update`]): the same
    /// step, bit for bit, with the gradient still in cache when the step
    /// reads it. Clipping needs the whole gradient's norm first, and the
    /// numerical gradient is computed all at once; these two fill
    /// `self.gradients` and step from it.
    fn take_step(
        &mut self,
        network: &mut Network<T>,
        optimizer: &mut OptimizerState<T>,
        history: &mut History,
    ) -> (f64, bool) {
        let (x, targets) = (&self.batch_inputs, &self.batch_targets);
        let Some(gradients) = &mut self.gradients else {
            history.forward_passes += 1;
            history.backward_passes += 1;
            let updates = optimizer.updates(self.learning_rate);
            return network.gradient_and_update(x, targets, &mut self.workspace, updates);
        };
        let method = match &mut self.numerical {
            None => WholeGradient::Backprop(&mut self.workspace),
            Some(numerical) => WholeGradient::Numerical(numerical),
        };
        let cost = method.fill(network, (x, targets), gradients, history);
        if !cost.is_finite() {
            return (cost, true);
        }
        if let Some(max_norm) = self.clip_norm {
            clip_by_norm(gradients, max_norm);
        }
        let all_finite = optimizer.step(network, gradients, self.learning_rate);
        (cost, all_finite)
    }

    /// The record of a finished `epoch`: the costs measured on every data
    /// set (NaN when costs are not measured) and the test metric.
    fn epoch_record(
        &mut self,
        network: &Network<T>,
        data: &DataSets<'_, T>,
        epoch: usize,
        steps: u64,
    ) -> EpochRecord {
        let measure_costs = self.measure_costs;
        let evaluation = &mut self.evaluation;
        let mut measure = |rows: &Examples<T>| {
            if measure_costs {
                mean_cost(network, rows, evaluation)
            } else {
                f64::NAN
            }
        };
        EpochRecord {
            epoch,
            train_cost: measure(data.train),
            validation_cost: data.validation.map(&mut measure),
            test_cost: data.test.map(&mut measure),
            test_metric: data.test_metric.map(|metric| metric(network)),
            learning_rate: self.learning_rate,
            steps,
            seconds: self.started.elapsed().as_secs_f64(),
        }
    }
}

/// Names the first non-finite parameter's tensor and value, e.g.
/// `layers.0.weight became inf in the update`.
fn first_non_finite<T: Float>(network: &Network<T>) -> String {
    (0..network.tensor_count())
        .find_map(|t| {
            let value = network.tensor(t).iter().find(|w| !w.is_finite())?;
            Some(format!(
                "{} became {value} in the update",
                network.tensor_name(t)
            ))
        })
        .unwrap_or_else(|| "a weight stopped being finite in the update".to_owned())
}

/// Copies every weight and bias of `from` into `to` (same architecture).
fn copy_parameters<T: Float>(from: &Network<T>, to: &mut Network<T>) {
    for (target, source) in to.parameters_mut().zip(from.parameters()) {
        target.copy_from_slice(source);
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

/// How [`TrainingState::take_step`] fills the whole gradient.
enum WholeGradient<'a, T> {
    /// Backprop, with the layers' values kept in this workspace.
    Backprop(&'a mut Workspace<T>),
    /// Central differences.
    Numerical(&'a mut NumericalGradient<T>),
}

impl<T: Float> WholeGradient<'_, T> {
    /// Fills `gradients` for the batch (`x`, `targets`), counts the passes
    /// in `history`, and returns the batch cost.
    fn fill(
        self,
        network: &mut Network<T>,
        (x, targets): (&Matrix<T>, &Targets<T>),
        gradients: &mut Gradients<T>,
        history: &mut History,
    ) -> f64 {
        match self {
            WholeGradient::Backprop(workspace) => {
                history.forward_passes += 1;
                history.backward_passes += 1;
                network.gradient(x, targets, workspace, gradients)
            }
            WholeGradient::Numerical(numerical) => {
                let before = numerical.cost_evaluations();
                let cost = numerical.gradient(network, x, targets, gradients);
                history.forward_passes += numerical.cost_evaluations() - before;
                cost
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::activation::Activation;
    use crate::nn::init::Init;
    use crate::nn::loss::Loss;
    use crate::nn::network::Architecture;

    /// y = 2x + 1 at 11 evenly spaced x in [−1, 1].
    fn line() -> Examples<f64> {
        let xs: Vec<f64> = (0..11).map(|i| -1.0 + 0.2 * i as f64).collect();
        let ys = xs.iter().map(|x| 2.0 * x + 1.0).collect();
        Examples {
            inputs: Matrix::from_vec(11, 1, xs).unwrap(),
            targets: Targets::Values(Matrix::from_vec(11, 1, ys).unwrap()),
        }
    }

    /// One linear neuron: linear regression.
    fn linear_neuron() -> Network<f64> {
        let architecture = Architecture::new(1, &[], Activation::Linear, 1, Loss::Mse);
        Network::new(architecture, Init::Xavier, 1).unwrap()
    }

    /// Batch gradient descent in a fixed order: every epoch is one step on
    /// all rows, so runs are easy to replay.
    fn full_batch(learning_rate: f64, epochs: usize) -> TrainSettings {
        TrainSettings {
            learning_rate,
            batch_size: BatchSize::Full,
            epochs,
            shuffle: false,
            ..Default::default()
        }
    }

    fn run(network: &mut Network<f64>, settings: &TrainSettings) -> Result<History> {
        train(network, DataSets::train_only(&line()), settings, |_| {
            Control::Continue
        })
    }

    #[test]
    fn a_huge_learning_rate_diverges_and_gives_back_the_last_good_weights() {
        let initial = linear_neuron();
        let mut network = initial.clone();
        // The MSE's curvature along the bias is 2, so each step multiplies
        // the error by about |1 − 2η| = 19 at η = 10: the cost (the error
        // squared) passes f64's 1.8e308 after about 308 / (2·log10 19) ≈ 120
        // epochs (measured: epoch 121).
        let error = run(&mut network, &full_batch(10.0, 1000)).unwrap_err();
        let message = error.to_string();
        let Error::Diverged {
            epoch,
            batch,
            cause,
            last_finite_cost,
            last_good,
        } = error
        else {
            panic!("not a divergence: {message}");
        };
        assert!(epoch > 3, "{message}");
        assert_eq!(batch, 1, "one batch per epoch: {message}");
        assert!(cause.contains("became inf"), "{message}");
        assert!(message.contains("lower the learning rate"), "{message}");
        assert!(last_good.is_none(), "train puts the weights back instead");
        assert!(network.parameters().flatten().all(|w| w.is_finite()));
        // Replaying the run for the epochs before the bad one gives exactly
        // the weights handed back.
        let mut replayed = initial.clone();
        let history = run(&mut replayed, &full_batch(10.0, epoch - 1)).unwrap();
        assert_eq!(network, replayed);
        assert_ne!(network, initial);
        // The last finite cost is that of the last step: the step of epoch
        // `epoch` ran on the weights the replay's last record measured (the
        // same rows, summed in another order: equal up to rounding).
        let measured = history.epochs.last().unwrap().train_cost;
        let last = last_finite_cost.expect("earlier steps had finite costs");
        assert!(last.is_finite() && last > 1e100, "{last}");
        assert!(
            ((last - measured) / measured).abs() < 1e-12,
            "{last} {measured}"
        );
    }

    #[test]
    fn a_weight_overflowing_with_a_finite_cost_is_caught_after_the_update() {
        let initial = linear_neuron();
        let mut network = initial.clone();
        // The first cost is finite (the initial weights), but η·∂C/∂b
        // overflows: the bias's gradient is −2·mean(y) = −2 at b = 0.
        let error = run(&mut network, &full_batch(f64::MAX, 10)).unwrap_err();
        let message = error.to_string();
        assert!(
            message.starts_with("training diverged at epoch 1, batch 1: layers.0.")
                && message.contains("in the update"),
            "{message}"
        );
        let Error::Diverged {
            last_finite_cost, ..
        } = error
        else {
            unreachable!()
        };
        let initial_cost = evaluate_cost(&initial, &line());
        let last = last_finite_cost.expect("the first cost was finite");
        assert!(((last - initial_cost) / initial_cost).abs() < 1e-12);
        assert_eq!(
            network, initial,
            "the initial weights are the last good ones"
        );
    }

    #[test]
    fn a_requested_interrupt_stops_after_exactly_one_step() {
        let initial = linear_neuron();
        let mut network = initial.clone();
        let settings = TrainSettings {
            batch_size: BatchSize::Samples(2),
            epochs: 50,
            ..Default::default()
        };
        settings.interrupt.request();
        let history = run(&mut network, &settings).unwrap();
        assert_eq!(history.steps, 1);
        assert_eq!(
            history.interrupted,
            Some(Interruption { epoch: 1, batch: 1 })
        );
        assert!(history.epochs.is_empty(), "the first epoch did not finish");
        assert_ne!(network, initial, "the one step was taken");
    }

    #[test]
    fn an_interrupt_keeps_early_stoppings_best_weights() {
        let settings = TrainSettings {
            batch_size: BatchSize::Samples(4), // 3 batches of the 11 rows
            epochs: 50,
            early_stopping: Some(EarlyStopping {
                patience: 100,
                ..Default::default()
            }),
            ..Default::default()
        };
        let interrupt = settings.interrupt.clone();
        let mut network = linear_neuron();
        let history = train(
            &mut network,
            DataSets::train_only(&line()),
            &settings,
            |record| {
                if record.epoch == 3 {
                    interrupt.request();
                }
                Control::Continue
            },
        )
        .unwrap();
        // Checked once per step: the first step of epoch 4 is the last one.
        assert_eq!(history.steps, 3 * 3 + 1);
        assert_eq!(
            history.interrupted,
            Some(Interruption { epoch: 4, batch: 1 })
        );
        assert_eq!(history.epochs.len(), 3);
        assert!(!history.stopped_early);
        let best = history.best_epoch.expect("three epochs were watched");
        // The same run, uninterrupted, stopped after the best epoch.
        let mut replayed = linear_neuron();
        let uninterrupted = TrainSettings {
            epochs: best,
            interrupt: Interrupt::new(),
            ..settings
        };
        run(&mut replayed, &uninterrupted).unwrap();
        assert_eq!(network, replayed);
    }
}
