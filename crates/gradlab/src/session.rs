//! A training session: the one way training happens, for every front end.
//!
//! [`Session::new`] splits the dataset, fits the scalers on the training
//! rows and draws the initial weights ([`crate::prepare`]); [`Session::step`]
//! trains a number of batches or epochs, or to the end; [`Session::snapshot`]
//! reports where it stands (epoch, step, costs, the test metric, the
//! learning rate and, on request, the weights and the gradient); between two
//! steps, [`Session::adjust`] changes what makes sense mid-run (learning
//! rate, optimizer and its parameters, weight decay, batch size, schedule,
//! clipping, the epoch to stop at); [`Session::into_outcome`] ends it with
//! the model and its metrics.
//!
//! [`crate::fit::fit`] is a session stepped to the end in one call: the same
//! bits. Stepping in any pieces gives the same bits too, as long as nothing
//! is adjusted in between.
//!
//! When training diverges, [`Session::step`] returns [`Error::Diverged`](crate::error::Error::Diverged) and
//! the session keeps the last good weights: [`Session::model`] gives them as
//! a model, ready to save.

use crate::data::dataset::Dataset;
use crate::data::split::{train_test_split, Split};
use crate::element::{Float, Precision};
use crate::error::Result;
use crate::metrics::Metrics;
use crate::model::{AnyModel, Model, ModelInfo};
use crate::nn::network::{Gradients, Network, Workspace};
use crate::prepare::{prepare, test_metric, Prepared};
use crate::settings::FitSettings;
use crate::train::trainer::{Control, DataSets, EpochRecord, History};
use crate::train::training::{Adjustment, Budget, RunEnd, Training};
use serde::{Deserialize, Serialize};

/// A training run from a dataset, step by step: see the module doc.
pub struct Session {
    dataset: Dataset,
    split: Split,
    run: Run,
}

/// The run in the network's precision.
enum Run {
    F32(Stepper<f32>),
    F64(Stepper<f64>),
}

/// What a session holds in precision `T`: the prepared rows and network,
/// and the training run over them.
struct Stepper<T> {
    prepared: Prepared<T>,
    training: Training<T>,
}

/// What [`Session::snapshot`] adds beyond the counters and costs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SnapshotDetail {
    /// Every weight and bias, tensor by tensor.
    pub weights: bool,
    /// The gradient of the mean cost over all training rows at the current
    /// weights (one forward and one backward pass over them).
    pub gradients: bool,
}

/// Where a session stands.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Snapshot {
    /// Epochs finished.
    pub epochs_done: usize,
    /// The epoch count the run stops at.
    pub epochs: usize,
    /// Batches trained on in the epoch in progress (0 between epochs).
    pub batch_in_epoch: usize,
    /// Gradient steps taken since the start.
    pub steps: u64,
    /// The learning rate of the next step.
    pub learning_rate: f64,
    /// Samples per step.
    pub batch_size: usize,
    /// The record of the last finished epoch: costs and the test metric.
    pub last_epoch: Option<EpochRecord>,
    /// Why the run ended; `None` while it can go on.
    pub ended: Option<RunEnd>,
    /// With [`SnapshotDetail::weights`]: the weights.
    pub weights: Option<Vec<TensorValues>>,
    /// With [`SnapshotDetail::gradients`]: the gradient of the mean
    /// training cost, and that cost.
    pub gradients: Option<GradientValues>,
}

/// One parameter tensor's values, row by row (weights `[out, in]`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TensorValues {
    /// `layers.{i}.weight` or `layers.{i}.bias`.
    pub name: String,
    /// `[out, in]` or `[out]`.
    pub shape: Vec<usize>,
    /// The values, row-major.
    pub values: Vec<f64>,
}

/// The gradient of the mean cost over all training rows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GradientValues {
    /// The mean cost over the training rows (scaled units).
    pub cost: f64,
    /// ∂C/∂w per tensor, in the weights' layout.
    pub tensors: Vec<TensorValues>,
}

/// A trained model and how it got there.
#[derive(Debug, Clone)]
pub struct FitOutcome {
    /// The trained model, ready to save or predict with.
    pub model: AnyModel,
    /// Cost per epoch.
    pub history: History,
    /// Metrics on the training rows, in the target's units.
    pub train_metrics: Metrics,
    /// Metrics on the held-out test rows, in the target's units.
    pub test_metrics: Metrics,
    /// Which rows were used for training (the gradient steps) and for
    /// testing; the validation rows, if any, are in neither.
    pub split: Split,
    /// The rows carved off for early stopping (empty without it).
    pub validation_rows: Vec<usize>,
}

impl Session {
    /// Splits `dataset`, scales it and draws the initial network as
    /// `settings` say; nothing is trained yet. Checks every setting first.
    pub fn new(dataset: &Dataset, settings: &FitSettings) -> Result<Session> {
        settings.validate()?;
        let split = train_test_split(dataset, settings.test_fraction, settings.train.seed)?;
        let run = match settings.precision {
            Precision::F32 => Run::F32(Stepper::new(dataset, &split, settings)?),
            Precision::F64 => Run::F64(Stepper::new(dataset, &split, settings)?),
        };
        Ok(Session {
            dataset: dataset.clone(),
            split,
            run,
        })
    }

    /// Trains for `budget`, reporting each epoch that ends to `on_epoch`
    /// (which may stop the run). Returns why the run ended, or `None` when
    /// the budget ran out first. A run that has ended stays ended.
    ///
    /// On a divergence the error is returned and the session holds the
    /// last good weights ([`Session::model`]).
    pub fn step(
        &mut self,
        budget: Budget,
        mut on_epoch: impl FnMut(&EpochRecord) -> Control,
    ) -> Result<Option<RunEnd>> {
        match &mut self.run {
            Run::F32(s) => s.step(budget, &mut on_epoch),
            Run::F64(s) => s.step(budget, &mut on_epoch),
        }
    }

    /// Changes a setting between two steps; a value the settings refuse
    /// changes nothing.
    pub fn adjust(&mut self, change: Adjustment) -> Result<()> {
        match &mut self.run {
            Run::F32(s) => s.adjust(change),
            Run::F64(s) => s.adjust(change),
        }
    }

    /// Where the run stands, with the weights and the gradient if asked.
    pub fn snapshot(&self, detail: SnapshotDetail) -> Snapshot {
        match &self.run {
            Run::F32(s) => s.snapshot(detail),
            Run::F64(s) => s.snapshot(detail),
        }
    }

    /// The history so far.
    pub fn history(&self) -> &History {
        match &self.run {
            Run::F32(s) => s.training.history(),
            Run::F64(s) => s.training.history(),
        }
    }

    /// The model's metadata: architecture, columns, fitted scalers, settings.
    pub fn info(&self) -> &ModelInfo {
        match &self.run {
            Run::F32(s) => &s.prepared.info,
            Run::F64(s) => &s.prepared.info,
        }
    }

    /// The dataset rows trained on (the gradient steps).
    pub fn train_rows(&self) -> &[usize] {
        match &self.run {
            Run::F32(s) => &s.prepared.rows.train,
            Run::F64(s) => &s.prepared.rows.train,
        }
    }

    /// The held-out test rows.
    pub fn test_rows(&self) -> &[usize] {
        &self.split.test
    }

    /// The network as it is now, as a model (after a divergence: the last
    /// good weights).
    pub fn model(&self) -> AnyModel {
        match &self.run {
            Run::F32(s) => AnyModel::F32(s.model()),
            Run::F64(s) => AnyModel::F64(s.model()),
        }
    }

    /// Ends the session: the model, its history, and its metrics on the
    /// training and the test rows, in the target's units.
    pub fn into_outcome(self) -> Result<FitOutcome> {
        let (model, history, rows) = match self.run {
            Run::F32(s) => s.into_parts(AnyModel::F32),
            Run::F64(s) => s.into_parts(AnyModel::F64),
        };
        let train_metrics = model.evaluate(&self.dataset.subset(&rows.train))?;
        let test_metrics = model.evaluate(&self.dataset.subset(&self.split.test))?;
        Ok(FitOutcome {
            model,
            history,
            train_metrics,
            test_metrics,
            split: Split {
                train: rows.train,
                test: self.split.test,
            },
            validation_rows: rows.validation,
        })
    }
}

impl<T: Float> Stepper<T> {
    fn new(dataset: &Dataset, split: &Split, settings: &FitSettings) -> Result<Self> {
        let prepared = prepare::<T>(dataset, split, settings)?;
        let training = Training::new(&prepared.network, &prepared.train, &prepared.train_settings)?;
        Ok(Stepper { prepared, training })
    }

    fn step(
        &mut self,
        budget: Budget,
        on_epoch: &mut impl FnMut(&EpochRecord) -> Control,
    ) -> Result<Option<RunEnd>> {
        let Prepared {
            info,
            train,
            validation,
            test,
            network,
            ..
        } = &mut self.prepared;
        let metric = |network: &Network<T>| test_metric(info, network, test);
        let data = DataSets {
            train,
            validation: validation.as_ref(),
            test: Some(test),
            test_metric: Some(&metric),
        };
        self.training.run(network, &data, budget, on_epoch)
    }

    fn adjust(&mut self, change: Adjustment) -> Result<()> {
        let prepared = &mut self.prepared;
        self.training
            .adjust(&mut prepared.network, &prepared.train, change)
    }

    fn snapshot(&self, detail: SnapshotDetail) -> Snapshot {
        let training = &self.training;
        let history = training.history();
        let settings = training.settings();
        Snapshot {
            epochs_done: history.epochs.len(),
            epochs: settings.epochs,
            batch_in_epoch: training.batch_in_epoch(),
            steps: history.steps,
            learning_rate: training.learning_rate(),
            batch_size: settings.batch_size.samples(self.prepared.train.len()),
            last_epoch: history.epochs.last().cloned(),
            ended: training.ended(),
            weights: detail.weights.then(|| self.weights()),
            gradients: detail.gradients.then(|| self.gradients()),
        }
    }

    fn weights(&self) -> Vec<TensorValues> {
        let network = &self.prepared.network;
        (0..network.tensor_count())
            .map(|t| tensor_values(network, t, network.tensor(t)))
            .collect()
    }

    fn gradients(&self) -> GradientValues {
        let network = &self.prepared.network;
        let train = &self.prepared.train;
        let mut workspace = Workspace::new(network.architecture(), train.len());
        let mut gradients = Gradients::zeros_like(network);
        let cost = network.gradient(
            &train.inputs,
            &train.targets,
            &mut workspace,
            &mut gradients,
        );
        let tensors = gradients
            .slices()
            .enumerate()
            .map(|(t, values)| tensor_values(network, t, values))
            .collect();
        GradientValues { cost, tensors }
    }

    fn model(&self) -> Model<T> {
        Model {
            info: self.prepared.info.clone(),
            network: self.prepared.network.clone(),
        }
    }

    fn into_parts(
        self,
        wrap: fn(Model<T>) -> AnyModel,
    ) -> (AnyModel, History, crate::prepare::TrainingRows) {
        let Prepared {
            info,
            network,
            rows,
            ..
        } = self.prepared;
        let model = wrap(Model { info, network });
        (model, self.training.into_history(), rows)
    }
}

/// Tensor `t` of `network` with the given `values` (its weights or its
/// gradient), in f64.
fn tensor_values<T: Float>(network: &Network<T>, t: usize, values: &[T]) -> TensorValues {
    TensorValues {
        name: network.tensor_name(t),
        shape: network.tensor_shape(t),
        values: values.iter().map(|v| v.as_f64()).collect(),
    }
}
