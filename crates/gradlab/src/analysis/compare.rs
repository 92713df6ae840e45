//! The same network, from the same seed, trained with several batch sizes
//! (SGD, mini-batch, batch gradient descent) or several optimizers; each
//! run's final costs and times, its per-epoch records, and when it first
//! reached a target test metric.
//!
//! # Timing
//!
//! Measuring the costs after every epoch is a forward pass over all the
//! training and test rows, which would weigh most on batch gradient descent
//! (one step per epoch). So each run is done twice, from the same start: once
//! measuring the costs (the curves, the metric), once timing the training
//! steps alone (no measurements). Training is deterministic, so both runs
//! take exactly the same steps; the times come from the second.

use crate::analysis::progress::Progress;
use crate::analysis::target::{reached, test_metric, TargetMetric};
use crate::data::dataset::Dataset;
use crate::data::split::train_test_split;
use crate::data::task::Task;
use crate::element::{Float, Precision};
use crate::error::{Error, Result};
use crate::fit::fit;
use crate::model::ModelInfo;
use crate::prepare::prepare;
use crate::session::FitOutcome;
use crate::setting::Setting;
use crate::settings::FitSettings;
use crate::train::optimizer::Optimizer;
use crate::train::trainer::{BatchSize, Control, DataSets, EpochRecord, TrainSettings};
use crate::train::training::train;
use serde::{Deserialize, Serialize};

/// The learning rate of adam, adamw and rmsprop when none is given: their
/// steps are normalised by the gradient's size, so the rate of plain SGD
/// (0.05) is far too large for them.
pub const ADAPTIVE_LEARNING_RATE: f64 = 0.01;

/// True for the optimizers whose step is divided by a running RMS of the gradient.
pub fn is_adaptive(optimizer: &Optimizer) -> bool {
    matches!(
        optimizer,
        Optimizer::Rmsprop { .. } | Optimizer::Adam { .. } | Optimizer::Adamw { .. }
    )
}

/// What one run changes from the base settings.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Change {
    /// Its batch size.
    Batch(BatchSize),
    /// Its optimizer.
    Optimizer(Optimizer),
}

/// One run of the comparison.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompareRun {
    /// Its name in reports, e.g. `minibatch:32` or `adam@0.001`.
    pub name: String,
    /// The variant or optimizer without its learning rate, e.g. `minibatch:32`.
    pub kind: String,
    /// What the run changes.
    pub change: Change,
    /// Its own learning rate, if it has one.
    pub learning_rate: Option<f64>,
}

impl CompareRun {
    /// The settings of this run: `base` with its batch size or optimizer,
    /// and its learning rate (its own, or the base's, or for adaptive
    /// optimizers without a given rate [`ADAPTIVE_LEARNING_RATE`]).
    pub fn settings(&self, base: &FitSettings, learning_rate_given: bool) -> FitSettings {
        let mut settings = base.clone();
        match self.change {
            Change::Batch(batch) => settings.train.batch_size = batch,
            Change::Optimizer(optimizer) => {
                settings.train.optimizer = optimizer;
                if !learning_rate_given && is_adaptive(&optimizer) {
                    settings.train.learning_rate = ADAPTIVE_LEARNING_RATE;
                }
            }
        }
        if let Some(rate) = self.learning_rate {
            settings.train.learning_rate = rate;
        }
        settings
    }

    /// A run that changes the batch size, named `name`.
    pub fn batch(name: &str, batch: BatchSize) -> CompareRun {
        CompareRun {
            name: name.to_owned(),
            kind: name.to_owned(),
            change: Change::Batch(batch),
            learning_rate: None,
        }
    }
}

/// The comparison to run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CompareSettings {
    /// The settings every run starts from.
    pub base: FitSettings,
    /// True when the base's learning rate was chosen by the user (then
    /// adaptive optimizers keep it instead of [`ADAPTIVE_LEARNING_RATE`]).
    pub learning_rate_given: bool,
    /// The runs, in the report's order.
    pub runs: Vec<CompareRun>,
    /// The test metric to reach; `None`: 1.05 × the best final RMSE, or the
    /// best final accuracy − 0.01.
    pub target_metric: Option<f64>,
}

impl Default for CompareSettings {
    /// SGD (batch size 1), mini-batches of 32 and batch gradient descent.
    fn default() -> Self {
        CompareSettings {
            base: FitSettings::default(),
            learning_rate_given: false,
            runs: vec![
                CompareRun::batch("sgd", BatchSize::Samples(1)),
                CompareRun::batch("minibatch:32", BatchSize::Samples(32)),
                CompareRun::batch("batch", BatchSize::Full),
            ],
            target_metric: None,
        }
    }
}

impl CompareSettings {
    /// Checks that there is a run and that a given target is a number.
    pub fn validate(&self) -> Result<()> {
        if self.runs.is_empty() {
            return Err(Error::setting(
                Setting::Runs,
                "none (give at least one run)",
            ));
        }
        crate::analysis::target::check_target_metric(self.target_metric)
    }
}

/// One run's line in the comparison's table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunSummary {
    /// The run's name.
    pub name: String,
    /// Its optimizer's name.
    pub optimizer: String,
    /// Its batch size.
    pub batch_size: String,
    /// Its learning rate.
    pub learning_rate: f64,
    /// Epochs trained (fewer than asked with early stopping).
    pub epochs: usize,
    /// Gradient steps taken.
    pub steps: u64,
    /// Training cost of the weights the model kept (NaN if diverged).
    pub train_cost: f64,
    /// Test cost of those weights (NaN if diverged).
    pub test_cost: f64,
    /// Test RMSE in the target's units, or accuracy.
    pub test_metric: f64,
    /// Wall time of the training steps alone (the timing run).
    pub seconds: f64,
    /// True when the cost became non-finite.
    pub diverged: bool,
    /// The first epoch whose test metric reached the target.
    pub epoch_to_target: Option<usize>,
    /// Seconds of pure training until the end of that epoch.
    pub seconds_to_target: Option<f64>,
}

/// One run: its summary and its curves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunResult {
    /// The table's line.
    #[serde(flatten)]
    pub summary: RunSummary,
    /// The variant or optimizer without its learning rate.
    pub kind: String,
    /// The measured run's per-epoch records.
    pub records: Vec<EpochRecord>,
    /// Seconds of pure training after each epoch (the timing run).
    pub times: Vec<f64>,
}

/// The comparison's outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompareResult {
    /// Regression or classification.
    pub task: Task,
    /// The model of the first run that did not diverge; `None` when every
    /// run diverged.
    pub model: Option<ModelInfo>,
    /// The test metric to reach.
    pub target: TargetMetric,
    /// The runs, in the settings' order.
    pub runs: Vec<RunResult>,
}

/// Trains every run of `settings` on `dataset` (twice each: see the module
/// doc) and finds when each first reached the target metric.
pub fn run(
    dataset: &Dataset,
    settings: &CompareSettings,
    mut progress: impl FnMut(Progress<'_>),
) -> Result<CompareResult> {
    settings.validate()?;
    let mut runs = Vec::with_capacity(settings.runs.len());
    let mut model = None;
    for (index, run) in settings.runs.iter().enumerate() {
        let run_settings = run.settings(&settings.base, settings.learning_rate_given);
        run_settings.validate()?;
        progress(Progress::RunStarted {
            index,
            of: settings.runs.len(),
            settings: &run_settings,
        });
        let (outcome, info) = run_one(dataset, run, &run_settings, index, &mut progress)?;
        model = model.or(info);
        runs.push(outcome);
    }
    let task = dataset.task();
    let target = target_metric(task, &runs, settings.target_metric);
    for outcome in &mut runs {
        reach_target(outcome, task, target.value);
    }
    Ok(CompareResult {
        task,
        model,
        target,
        runs,
    })
}

/// Trains `run` twice (see the module doc); a diverged run is kept as such.
fn run_one(
    dataset: &Dataset,
    run: &CompareRun,
    settings: &FitSettings,
    index: usize,
    progress: &mut impl FnMut(Progress<'_>),
) -> Result<(RunResult, Option<ModelInfo>)> {
    let fitted = fit(dataset, settings, |record| {
        progress(Progress::Epoch { index, record });
        Control::Continue
    });
    progress(Progress::RunFinished { index });
    let mut outcome = RunResult {
        summary: RunSummary {
            name: run.name.clone(),
            optimizer: settings.train.optimizer.name().to_owned(),
            batch_size: settings.train.batch_size.to_string(),
            learning_rate: settings.train.learning_rate,
            epochs: 0,
            steps: 0,
            train_cost: f64::NAN,
            test_cost: f64::NAN,
            test_metric: f64::NAN,
            seconds: f64::NAN,
            diverged: false,
            epoch_to_target: None,
            seconds_to_target: None,
        },
        kind: run.kind.clone(),
        records: Vec::new(),
        times: Vec::new(),
    };
    let fitted = match fitted {
        Ok(fitted) => fitted,
        Err(Error::Diverged { epoch, .. }) => {
            progress(Progress::Diverged {
                index,
                epoch,
                learning_rate: settings.train.learning_rate,
            });
            outcome.summary.diverged = true;
            return Ok((outcome, None));
        }
        Err(other) => return Err(other),
    };
    let epochs = fitted.history.epochs.len();
    let times = match settings.precision {
        Precision::F32 => training_times::<f32>(dataset, settings, epochs)?,
        Precision::F64 => training_times::<f64>(dataset, settings, epochs)?,
    };
    let kept = kept_record(&fitted, settings);
    let summary = &mut outcome.summary;
    summary.epochs = epochs;
    summary.steps = fitted.history.steps;
    summary.train_cost = kept.map_or(f64::NAN, |r| r.train_cost);
    summary.test_cost = kept.and_then(|r| r.test_cost).unwrap_or(f64::NAN);
    summary.test_metric = test_metric(&fitted.test_metrics);
    summary.seconds = times.last().copied().unwrap_or(f64::NAN);
    outcome.records = fitted.history.epochs.clone();
    outcome.times = times;
    Ok((outcome, Some(fitted.model.info().clone())))
}

/// The record of the weights the model kept: the best epoch's with early
/// stopping that restores it, else the last.
fn kept_record<'a>(fitted: &'a FitOutcome, settings: &FitSettings) -> Option<&'a EpochRecord> {
    let restored = settings
        .train
        .early_stopping
        .is_some_and(|stopping| stopping.restore_best);
    fitted
        .history
        .best_epoch
        .filter(|_| restored)
        .and_then(|best| fitted.history.epochs.get(best - 1))
        .or(fitted.history.epochs.last())
}

/// The seconds after each of the first `epochs` epochs of the same training
/// with nothing measured (as many epochs as the measured run took, which
/// early stopping may have ended before the last).
fn training_times<T: Float>(
    dataset: &Dataset,
    settings: &FitSettings,
    epochs: usize,
) -> Result<Vec<f64>> {
    let split = train_test_split(dataset, settings.test_fraction, settings.train.seed)?;
    let mut prepared = prepare::<T>(dataset, &split, settings)?;
    let timing = TrainSettings {
        measure_costs: false,
        early_stopping: None,
        epochs: epochs.max(1),
        ..prepared.train_settings.clone()
    };
    let mut times = Vec::with_capacity(timing.epochs);
    train(
        &mut prepared.network,
        DataSets::train_only(&prepared.train),
        &timing,
        |record| {
            times.push(record.seconds);
            Control::Continue
        },
    )?;
    Ok(times)
}

/// The metric to reach: given, or derived from the best finished run
/// (1.05 × its RMSE, or its accuracy − 0.01).
fn target_metric(task: Task, runs: &[RunResult], given: Option<f64>) -> TargetMetric {
    if let Some(value) = given {
        return TargetMetric {
            value,
            derived_from: None,
        };
    }
    let finished = runs
        .iter()
        .filter(|r| !r.summary.diverged)
        .map(|r| r.summary.test_metric);
    let (value, best) = match task {
        Task::Regression => {
            let best = finished.fold(f64::INFINITY, f64::min);
            (1.05 * best, best)
        }
        Task::Classification => {
            let best = finished.fold(f64::NEG_INFINITY, f64::max);
            (best - 0.01, best)
        }
    };
    TargetMetric {
        value,
        derived_from: Some(best),
    }
}

/// Fills in when `outcome` first reached `target`.
fn reach_target(outcome: &mut RunResult, task: Task, target: f64) {
    if let Some(record) = outcome
        .records
        .iter()
        .find(|r| r.test_metric.is_some_and(|m| reached(task, m, target)))
    {
        outcome.summary.epoch_to_target = Some(record.epoch);
        outcome.summary.seconds_to_target = outcome.times.get(record.epoch - 1).copied();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::dataset::DatasetSpec;
    use crate::data::fever;

    fn fever_regression(rows: usize) -> Dataset {
        let spec = DatasetSpec {
            target: "temp_2h_c".into(),
            inputs: Some(vec!["temp_c".into(), "dose_mg".into()]),
            ..Default::default()
        };
        Dataset::from_table(&fever::table(rows, 1), &spec).unwrap()
    }

    #[test]
    fn adaptive_optimizers_get_their_own_rate_unless_one_was_given() {
        let adam = CompareRun {
            name: "adam".into(),
            kind: "adam".into(),
            change: Change::Optimizer(Optimizer::parse("adam").unwrap()),
            learning_rate: None,
        };
        let base = FitSettings::default();
        assert_eq!(adam.settings(&base, false).train.learning_rate, 0.01);
        assert_eq!(
            adam.settings(&base, true).train.learning_rate,
            base.train.learning_rate
        );
        let own = CompareRun {
            learning_rate: Some(0.002),
            ..adam
        };
        assert_eq!(own.settings(&base, false).train.learning_rate, 0.002);
    }

    #[test]
    fn sgd_takes_one_step_per_row_and_batch_descent_one_per_epoch() {
        let data = fever_regression(100);
        let mut settings = CompareSettings::default();
        settings.base.train.epochs = 3;
        let mut started = Vec::new();
        let result = run(&data, &settings, |p| {
            if let Progress::RunStarted { index, .. } = p {
                started.push(index);
            }
        })
        .unwrap();
        assert_eq!(started, vec![0, 1, 2]);
        assert!(result.model.is_some());
        let split = train_test_split(&data, settings.base.test_fraction, 1).unwrap();
        let rows = split.train.len() as u64;
        let steps: Vec<u64> = result.runs.iter().map(|r| r.summary.steps).collect();
        assert_eq!(steps[0], 3 * rows, "SGD: one step per training row");
        assert_eq!(steps[1], 3 * rows.div_ceil(32), "mini-batches of 32");
        assert_eq!(steps[2], 3, "batch gradient descent: one step per epoch");
        for r in &result.runs {
            assert_eq!(r.times.len(), 3);
            assert_eq!(r.records.len(), 3);
        }
        // The derived target is 1.05 × the best final RMSE, so the best run
        // reaches it at the latest in its last epoch.
        assert!(result
            .runs
            .iter()
            .any(|r| r.summary.epoch_to_target.is_some()));
    }
}
