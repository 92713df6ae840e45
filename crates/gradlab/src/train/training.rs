//! A training run that goes step by step: [`Training`] holds everything a
//! run keeps between two gradient steps (the shuffled order, the position
//! in it, the optimizer's state, early stopping's best weights, the
//! history), so that a caller can train one batch, a few epochs or to the
//! end, look at the network in between, and change the learning rate, the
//! optimizer or the batch size while it trains.
//!
//! [`train`] is a [`Training`] run to the end in one
//! call ([`Budget::ToEnd`]); stepping the same run in any pieces gives the
//! same weights and history, bit for bit, as long as nothing is changed in
//! between: the batches, their order and every step are the same.
//!
//! One epoch:
//!
//! ```text
//! η ← schedule(η₀, epoch); shuffle the order (seeded)
//! for each batch of the order: gradient (backprop or numerical) → clip → optimizer step
//! measure the costs; early stopping watches the validation (else training) cost
//! ```

use crate::element::Float;
use crate::error::{Error, Result};
use crate::matrix::Matrix;
use crate::nn::loss::Targets;
use crate::nn::network::{Gradients, Network, Workspace};
use crate::nn::numerical_gradient::{default_epsilon, NumericalGradient};
use crate::setting::Setting;
use crate::train::clip::clip_by_norm;
use crate::train::early_stopping::EarlyStopper;
use crate::train::evaluation::{mean_cost, Evaluation};
use crate::train::interrupt::{Interrupt, Interruption};
use crate::train::optimizer::{Optimizer, OptimizerState};
use crate::train::schedule::Schedule;
use crate::train::trainer::{
    BatchSize, Control, DataSets, EpochRecord, Examples, GradientMethod, History, TrainSettings,
};
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use std::time::Instant;

/// Trains `network` on `data.train` to the end, reporting each epoch to
/// `on_epoch` (the engine never prints; the caller may draw a progress
/// bar): a [`Training`] run in one call.
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
    let mut training = Training::new(network, data.train, settings)?;
    training.run(network, &data, Budget::ToEnd, &mut on_epoch)?;
    Ok(training.into_history())
}

/// How much to train in one call of [`Training::run`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Budget {
    /// This many gradient steps (batches), across epoch ends if need be.
    Batches(u64),
    /// Until this many more epochs have ended (the one in progress counts).
    Epochs(usize),
    /// Until the run ends (the last epoch, early stopping, a stop request).
    ToEnd,
}

/// Why a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RunEnd {
    /// Every epoch of [`TrainSettings::epochs`] was trained.
    AllEpochs,
    /// Early stopping saw no improvement for its patience.
    EarlyStopping,
    /// The epoch callback returned [`Control::Stop`].
    Stopped,
    /// [`TrainSettings::interrupt`] was requested ([`History::interrupted`]
    /// says where).
    Interrupted,
    /// A cost or a weight stopped being finite; the network holds the last
    /// good weights.
    Diverged,
}

/// A setting changed between two steps of a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "setting", content = "value")]
pub enum Adjustment {
    /// The base learning rate η₀ (the schedule still applies to it); from
    /// the next step on.
    LearningRate(f64),
    /// The update rule and its hyper-parameters. The same rule keeps its
    /// running state (velocities, moments); another rule starts from zero.
    Optimizer(Optimizer),
    /// Weight decay λ (`None`: the optimizer's default).
    WeightDecay(Option<f64>),
    /// Samples per step; from the next batch on, in the same epoch order.
    BatchSize(BatchSize),
    /// The epoch count the run stops at; a finished run goes on when it is
    /// raised.
    Epochs(usize),
    /// The learning-rate schedule; from the next step on.
    Schedule(Schedule),
    /// Clipping of each step's gradient to this global norm (`None`: off).
    ClipNorm(Option<f64>),
}

/// A training run in progress: see the module doc.
pub struct Training<T> {
    settings: TrainSettings,
    optimizer: OptimizerState<T>,
    state: TrainingState<T>,
    stopper: Option<EarlyStopper<T>>,
    history: History,
    /// The 1-based epoch in progress, or the next one to start.
    epoch: usize,
    /// Rows of this epoch's order already trained on (0: not started).
    position: usize,
    /// Batches trained on in this epoch.
    batch: usize,
    ended: Option<RunEnd>,
}

impl<T: Float> Training<T> {
    /// A run of `settings` for `network` on the rows `train`; nothing is
    /// trained yet. Checks the settings first.
    pub fn new(
        network: &Network<T>,
        train: &Examples<T>,
        settings: &TrainSettings,
    ) -> Result<Self> {
        settings.validate()?;
        if train.is_empty() {
            return Err(Error::setting(
                Setting::TrainingData,
                "there are no training rows",
            ));
        }
        let optimizer = OptimizerState::new(settings.optimizer, weight_decay(settings), network)?;
        let mut history = History::default();
        if settings.record_trajectory {
            history.trajectory.push(network.to_flat());
        }
        Ok(Training {
            state: TrainingState::new(network, train, settings),
            settings: settings.clone(),
            optimizer,
            stopper: settings.early_stopping.map(EarlyStopper::new),
            history,
            epoch: 1,
            position: 0,
            batch: 0,
            ended: None,
        })
    }

    /// Trains `network` on `data.train` for `budget`, reporting each epoch
    /// that ends to `on_epoch`. Returns why the run ended, or `None` when
    /// the budget ran out first (call again to go on).
    ///
    /// Stops with [`Error::Diverged`] when a batch's cost or a weight stops
    /// being finite; `network` then holds the weights of the end of the
    /// last whole epoch, and the run is over.
    pub fn run(
        &mut self,
        network: &mut Network<T>,
        data: &DataSets<'_, T>,
        budget: Budget,
        on_epoch: &mut impl FnMut(&EpochRecord) -> Control,
    ) -> Result<Option<RunEnd>> {
        let (mut batches_left, mut epochs_left) = match budget {
            Budget::Batches(n) => (n, usize::MAX),
            Budget::Epochs(n) => (u64::MAX, n),
            Budget::ToEnd => (u64::MAX, usize::MAX),
        };
        while self.ended.is_none() && batches_left > 0 && epochs_left > 0 {
            let stepped = self.run_batches(network, data.train, batches_left);
            let stepped = self.or_diverged(network, stepped)?;
            batches_left -= stepped;
            if self.ended.is_some() {
                break;
            }
            if self.position == self.state.order.len() {
                let ended = self.end_epoch(network, data, on_epoch);
                self.or_diverged(network, ended)?;
                epochs_left -= 1;
            }
        }
        Ok(self.ended)
    }

    /// Changes a setting between two steps; a value the settings refuse
    /// changes nothing.
    pub fn adjust(
        &mut self,
        network: &mut Network<T>,
        train: &Examples<T>,
        change: Adjustment,
    ) -> Result<()> {
        let mut settings = self.settings.clone();
        match &change {
            Adjustment::LearningRate(rate) => settings.learning_rate = *rate,
            Adjustment::Optimizer(optimizer) => settings.optimizer = *optimizer,
            Adjustment::WeightDecay(decay) => settings.weight_decay = *decay,
            Adjustment::BatchSize(size) => settings.batch_size = *size,
            Adjustment::Epochs(epochs) => settings.epochs = *epochs,
            Adjustment::Schedule(schedule) => settings.schedule = *schedule,
            Adjustment::ClipNorm(norm) => settings.clip_norm = *norm,
        }
        settings.validate()?;
        if let Adjustment::Epochs(epochs) = change {
            self.check_epochs(epochs)?;
        }
        if matches!(
            change,
            Adjustment::Optimizer(_) | Adjustment::WeightDecay(_)
        ) {
            self.optimizer
                .change(settings.optimizer, weight_decay(&settings), network)?;
        }
        self.settings = settings;
        match change {
            Adjustment::BatchSize(_) | Adjustment::ClipNorm(_) => {
                self.state.reshape(network, train, &self.settings)
            }
            Adjustment::Epochs(epochs) => self.set_epochs(network, epochs),
            _ => {}
        }
        self.state.clip_norm = self.settings.clip_norm;
        self.state.learning_rate = self.epoch_learning_rate();
        Ok(())
    }

    /// The history so far.
    pub fn history(&self) -> &History {
        &self.history
    }

    /// The history, ending the run.
    pub fn into_history(self) -> History {
        self.history
    }

    /// The settings in force (with every adjustment made so far).
    pub fn settings(&self) -> &TrainSettings {
        &self.settings
    }

    /// The 1-based epoch in progress, or the next one to start.
    pub fn epoch(&self) -> usize {
        self.epoch
    }

    /// Batches trained on in the epoch in progress.
    pub fn batch_in_epoch(&self) -> usize {
        self.batch
    }

    /// The learning rate of the next step.
    pub fn learning_rate(&self) -> f64 {
        self.epoch_learning_rate()
    }

    /// Why the run ended; `None` while it can go on.
    pub fn ended(&self) -> Option<RunEnd> {
        self.ended
    }

    /// η of the current epoch: the schedule applied to the base rate.
    fn epoch_learning_rate(&self) -> f64 {
        self.settings
            .schedule
            .learning_rate(self.settings.learning_rate, self.epoch)
    }

    /// `epochs` is refused when the run is already past it.
    fn check_epochs(&self, epochs: usize) -> Result<()> {
        let finished = self.epoch - 1;
        let in_progress = self.position > 0;
        if epochs < finished || (epochs == finished && in_progress) {
            return Err(Error::setting(
                Setting::Epochs,
                format!("{epochs} (the run is already in epoch {})", self.epoch),
            ));
        }
        Ok(())
    }

    /// Moves the end of the run: a run that ended with its last epoch goes
    /// on when there are more; a run that reaches its new end stops now.
    fn set_epochs(&mut self, network: &mut Network<T>, epochs: usize) {
        let finished = self.epoch - 1;
        if self.ended == Some(RunEnd::AllEpochs) && epochs > finished {
            self.ended = None;
            self.state.keep_as_last_good(network);
        } else if self.ended.is_none() && epochs == finished {
            self.ended = Some(RunEnd::AllEpochs);
            self.finish(network);
        }
    }

    /// Steps on up to `limit` batches of the epoch in progress (starting it
    /// if need be) on one of rayon's threads. Returns how many it took.
    fn run_batches(
        &mut self,
        network: &mut Network<T>,
        train: &Examples<T>,
        limit: u64,
    ) -> Result<u64> {
        if self.position == 0 {
            self.start_epoch();
        }
        // Taken out for the loop (no copy) so the batch loop may borrow self.
        let order = std::mem::take(&mut self.state.order);
        let result = on_a_pool_thread(|| {
            let mut stepped = 0;
            while stepped < limit && self.position < order.len() {
                let end = (self.position + self.state.batch_size).min(order.len());
                let rows = &order[self.position..end];
                self.batch += 1;
                self.position = end;
                stepped += 1;
                let interrupted = self.state.step_on(
                    network,
                    train,
                    rows,
                    &mut self.optimizer,
                    (self.epoch, self.batch),
                    &mut self.history,
                )?;
                if interrupted {
                    self.history.interrupted = Some(Interruption {
                        epoch: self.epoch,
                        batch: self.batch,
                    });
                    self.ended = Some(RunEnd::Interrupted);
                    break;
                }
            }
            Ok(stepped)
        });
        self.state.order = order;
        if self.ended == Some(RunEnd::Interrupted) {
            self.finish(network);
        }
        result
    }

    /// The epoch's learning rate and, if on, a fresh shuffle.
    fn start_epoch(&mut self) {
        self.state.learning_rate = self.epoch_learning_rate();
        if self.settings.shuffle {
            self.state.order.shuffle(&mut self.state.rng);
        }
    }

    /// Measures the epoch that just ended, lets early stopping and the
    /// caller see it, and decides whether the run ends here.
    fn end_epoch(
        &mut self,
        network: &mut Network<T>,
        data: &DataSets<'_, T>,
        on_epoch: &mut impl FnMut(&EpochRecord) -> Control,
    ) -> Result<()> {
        let epoch = self.epoch;
        let record = self
            .state
            .epoch_record(network, data, epoch, self.history.steps);
        if self.settings.measure_costs && !record.train_cost.is_finite() {
            let cause = format!(
                "the cost over the training rows became {} after the epoch's last step",
                record.train_cost
            );
            return Err(self.state.diverged(epoch, self.batch, cause));
        }
        // After the last epoch nothing can diverge any more, so the copy
        // would never be read.
        if epoch < self.settings.epochs {
            self.state.keep_as_last_good(network);
        }
        if self.settings.record_trajectory {
            self.history.trajectory.push(network.to_flat());
        }
        let watched = record.validation_cost.unwrap_or(record.train_cost);
        let stop_early = self
            .stopper
            .as_mut()
            .is_some_and(|s| s.observe(epoch, watched, network));
        let control = on_epoch(&record);
        self.history.epochs.push(record);
        self.epoch += 1;
        self.position = 0;
        self.batch = 0;
        self.ended = if stop_early {
            self.history.stopped_early = epoch < self.settings.epochs;
            Some(RunEnd::EarlyStopping)
        } else if control == Control::Stop {
            Some(RunEnd::Stopped)
        } else if epoch >= self.settings.epochs {
            Some(RunEnd::AllEpochs)
        } else {
            None
        };
        if self.ended.is_some() {
            self.finish(network);
        }
        Ok(())
    }

    /// At any end but a divergence: early stopping's best weights go back
    /// into the network.
    fn finish(&mut self, network: &mut Network<T>) {
        if let Some(stopper) = &self.stopper {
            stopper.restore(network);
            self.history.best_epoch = Some(stopper.best_epoch()).filter(|&best| best > 0);
        }
    }

    /// Passes `result` on; a divergence first puts the last good weights
    /// back and ends the run.
    fn or_diverged<R>(&mut self, network: &mut Network<T>, result: Result<R>) -> Result<R> {
        if result.is_err() {
            self.state.restore_last_good(network);
            self.ended = Some(RunEnd::Diverged);
        }
        result
    }
}

/// The weight decay λ of `settings`: the one given, or the optimizer's
/// default.
fn weight_decay(settings: &TrainSettings) -> f64 {
    settings
        .weight_decay
        .unwrap_or_else(|| settings.optimizer.default_weight_decay())
}

/// Runs `work` on one of rayon's threads and waits for it.
///
/// A large matrix product is cut into one block per thread with
/// `rayon::join` ([`crate::matrix::gemm`]), and so is the optimizer's update
/// of a big tensor: 23 times per step of the 6 × 1000 benchmark network.
/// Called from a thread outside the pool, each such `join` is handed to the
/// pool whole while the caller sleeps until it is done; called from a pool
/// thread, the first half runs on that thread at once and only the second
/// is handed over, which is faster. The results are the same.
fn on_a_pool_thread<R: Send>(work: impl FnOnce() -> R + Send) -> R {
    rayon::scope(|_| work())
}

/// The buffers of one training run, made once (and again only when the
/// batch size or clipping changes).
struct TrainingState<T> {
    batch_size: usize,
    learning_rate: f64,
    clip_norm: Option<f64>,
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

impl<T: Float> TrainingState<T> {
    fn new(network: &Network<T>, train: &Examples<T>, settings: &TrainSettings) -> Self {
        let batch_size = settings.batch_size.samples(train.len());
        TrainingState {
            batch_size,
            learning_rate: settings.learning_rate,
            clip_norm: settings.clip_norm,
            measure_costs: settings.measure_costs,
            interrupt: settings.interrupt.clone(),
            rng: ChaCha8Rng::seed_from_u64(settings.seed),
            order: (0..train.len()).collect(),
            batch_inputs: Matrix::zeros(batch_size, network.inputs()),
            batch_targets: train.targets.with_capacity_like(batch_size),
            workspace: Workspace::new(network.architecture(), batch_size),
            gradients: whole_gradient_needed(settings).then(|| Gradients::zeros_like(network)),
            numerical: numerical_gradient(network, settings, batch_size),
            evaluation: Evaluation::new(network, train),
            last_good: network.clone(),
            last_finite_cost: None,
            // Last, so that the buffers' set-up is not counted.
            started: Instant::now(),
        }
    }

    /// Makes the batch buffers again for the batch size and clipping of
    /// `settings`.
    fn reshape(&mut self, network: &Network<T>, train: &Examples<T>, settings: &TrainSettings) {
        let batch_size = settings.batch_size.samples(train.len());
        self.batch_size = batch_size;
        self.batch_inputs = Matrix::zeros(batch_size, network.inputs());
        self.batch_targets = train.targets.with_capacity_like(batch_size);
        self.workspace = Workspace::new(network.architecture(), batch_size);
        self.gradients = whole_gradient_needed(settings).then(|| Gradients::zeros_like(network));
        self.numerical = numerical_gradient(network, settings, batch_size);
    }

    /// One step on the batch of `rows` with the divergence checks after it.
    /// Returns whether an interrupt was requested (this step is then the
    /// last one).
    fn step_on(
        &mut self,
        network: &mut Network<T>,
        train: &Examples<T>,
        rows: &[usize],
        optimizer: &mut OptimizerState<T>,
        (epoch, batch): (usize, usize),
        history: &mut History,
    ) -> Result<bool> {
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
        Ok(self.interrupt.is_requested())
    }

    /// The error for a divergence at `batch` of `epoch`.
    fn diverged(&self, epoch: usize, batch: usize, cause: String) -> Error {
        Error::Diverged {
            epoch,
            batch,
            cause,
            last_finite_cost: self.last_finite_cost,
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

/// Whether a step needs the whole gradient before it updates: clipping
/// (its norm) and the numerical gradient (computed all at once).
fn whole_gradient_needed(settings: &TrainSettings) -> bool {
    settings.clip_norm.is_some() || settings.gradient == GradientMethod::Numerical
}

/// The numerical gradient's buffers, when `settings` train with it.
fn numerical_gradient<T: Float>(
    network: &Network<T>,
    settings: &TrainSettings,
    batch_size: usize,
) -> Option<NumericalGradient<T>> {
    (settings.gradient == GradientMethod::Numerical).then(|| {
        let epsilon = settings.epsilon.unwrap_or_else(default_epsilon::<T>);
        NumericalGradient::new(network, batch_size, epsilon)
    })
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
    use crate::train::early_stopping::EarlyStopping;
    use crate::train::evaluation::evaluate_cost;

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
        } = error
        else {
            panic!("not a divergence: {message}");
        };
        assert!(epoch > 3, "{message}");
        assert_eq!(batch, 1, "one batch per epoch: {message}");
        assert!(cause.contains("became inf"), "{message}");
        assert!(message.contains("lower the learning rate"), "{message}");
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
