//! The whole pipeline from a dataset to a trained, evaluated model:
//!
//! ```text
//! split (seeded, stratified) → Scaling::fit(train rows) → Network::new(init, seed)
//!   → train (batches → forward → cost → backward → step) → metrics on train and test
//! ```
//!
//! # Randomness
//!
//! One seed drives everything. The split uses it as given; the initial
//! weights (stream 1), the shuffling (stream 2) and the validation part of
//! early stopping (stream 3) use seeds derived from it ([`derived_seed`]),
//! so no two of them share a random stream.

use crate::data::dataset::{Dataset, Target, Task};
use crate::data::scale::Scaling;
use crate::data::split::{train_test_split, Split};
use crate::element::{Float, Precision};
use crate::error::{Error, Result};
use crate::matrix::Matrix;
use crate::metrics::Metrics;
use crate::model::{AnyModel, Model, ModelInfo, FORMAT_VERSION};
use crate::nn::activation::Activation;
use crate::nn::init::Init;
use crate::nn::loss::{Loss, Targets};
use crate::nn::network::{Architecture, Network};
use crate::train::trainer::{
    train, Control, DataSets, EpochRecord, Examples, History, TrainSettings,
};
use serde::{Deserialize, Serialize};

/// Everything a user chooses before training.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FitSettings {
    /// Widths of the hidden layers; empty for a single layer of neurons
    /// (linear regression or softmax regression).
    pub hidden: Vec<usize>,
    /// Activation of every hidden layer.
    pub activation: Activation,
    /// How the initial weights are drawn.
    pub init: Init,
    /// How inputs (and, for regression, the target) are scaled.
    pub scaling: Scaling,
    /// Regression only: how the target is scaled, if not like the inputs
    /// (e.g. to [−1, 1] for LeCun's tanh, whose range that is).
    pub target_scaling: Option<Scaling>,
    /// Share of the rows held out for testing, in (0, 1).
    pub test_fraction: f64,
    /// With early stopping: the share of the training rows carved off as a
    /// validation part to watch, in (0, 1). Unused without early stopping.
    pub validation_fraction: f64,
    /// Element type of the network.
    pub precision: Precision,
    /// Learning rate, batch size, epochs and the seed.
    pub train: TrainSettings,
}

impl Default for FitSettings {
    fn default() -> Self {
        FitSettings {
            hidden: vec![16],
            activation: Activation::Tanh,
            init: Init::Xavier,
            scaling: Scaling::Standard,
            target_scaling: None,
            test_fraction: 0.2,
            validation_fraction: 0.1,
            precision: Precision::F32,
            train: TrainSettings::default(),
        }
    }
}

impl FitSettings {
    /// Checks every setting before any work; the error names the setting.
    pub fn validate(&self) -> Result<()> {
        if let Some(layer) = self.hidden.iter().position(|&n| n == 0) {
            return Err(Error::setting(
                "hidden",
                format!("hidden layer {} has 0 neurons", layer + 1),
            ));
        }
        if !(self.test_fraction > 0.0 && self.test_fraction < 1.0) {
            return Err(Error::setting(
                "test fraction",
                format!(
                    "{} (must be between 0 and 1, exclusive)",
                    self.test_fraction
                ),
            ));
        }
        if self.train.early_stopping.is_some()
            && !(self.validation_fraction > 0.0 && self.validation_fraction < 1.0)
        {
            return Err(Error::setting(
                "validation fraction",
                format!(
                    "{} (must be between 0 and 1, exclusive)",
                    self.validation_fraction
                ),
            ));
        }
        self.init.validate()?;
        self.train.validate()
    }
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

/// A seed for a separate purpose (`stream` 1: weights, 2: shuffling,
/// 3: the validation part),
/// derived from the user's seed by a SplitMix64 step.
pub fn derived_seed(seed: u64, stream: u64) -> u64 {
    let mut z = seed.wrapping_add(stream.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Splits, scales, trains and evaluates; `on_epoch` sees every epoch and
/// may stop training early.
///
/// When training diverges, the [`Error::Diverged`] carries the last good
/// weights as a model (`last_good`), ready to save. An interrupted run
/// ([`TrainSettings::interrupt`]) is not an error: the outcome holds the
/// model so far (early stopping's best, if on) and its metrics.
pub fn fit(
    dataset: &Dataset,
    settings: &FitSettings,
    on_epoch: impl FnMut(&EpochRecord) -> Control,
) -> Result<FitOutcome> {
    settings.validate()?;
    let split = train_test_split(dataset, settings.test_fraction, settings.train.seed)?;
    let (model, history, parts) = match settings.precision {
        Precision::F32 => fit_in::<f32>(dataset, &split, settings, on_epoch, AnyModel::F32)?,
        Precision::F64 => fit_in::<f64>(dataset, &split, settings, on_epoch, AnyModel::F64)?,
    };
    let train_metrics = model.evaluate(&dataset.subset(&parts.train))?;
    let test_metrics = model.evaluate(&dataset.subset(&split.test))?;
    Ok(FitOutcome {
        model,
        history,
        train_metrics,
        test_metrics,
        split: Split {
            train: parts.train,
            test: split.test,
        },
        validation_rows: parts.validation,
    })
}

/// [`fit`] in precision `T`; `wrap` makes the trained model an [`AnyModel`].
fn fit_in<T: Float>(
    dataset: &Dataset,
    split: &Split,
    settings: &FitSettings,
    on_epoch: impl FnMut(&EpochRecord) -> Control,
    wrap: fn(Model<T>) -> AnyModel,
) -> Result<(AnyModel, History, TrainingRows)> {
    let mut prepared = prepare::<T>(dataset, split, settings)?;
    let metric = |network: &Network<T>| test_metric(&prepared.info, network, &prepared.test);
    let data = DataSets {
        train: &prepared.train,
        validation: prepared.validation.as_ref(),
        test: Some(&prepared.test),
        test_metric: Some(&metric),
    };
    let trained = train(
        &mut prepared.network,
        data,
        &prepared.train_settings,
        on_epoch,
    );
    let model = Model {
        info: prepared.info,
        network: prepared.network,
    };
    match trained {
        Ok(history) => Ok((wrap(model), history, prepared.rows)),
        Err(error) => Err(with_last_good(error, || wrap(model))),
    }
}

/// Attaches the last good weights (which [`train`] put back into the
/// network) to a divergence error; other errors pass unchanged.
fn with_last_good(error: Error, model: impl FnOnce() -> AnyModel) -> Error {
    match error {
        Error::Diverged {
            epoch,
            batch,
            cause,
            last_finite_cost,
            last_good: _,
        } => Error::Diverged {
            epoch,
            batch,
            cause,
            last_finite_cost,
            last_good: Some(Box::new(model())),
        },
        other => other,
    }
}

/// The metric of `network` on `rows` that the history records after each
/// epoch: the RMSE in the target's units (regression) or the accuracy.
pub fn test_metric<T: Float>(info: &ModelInfo, network: &Network<T>, rows: &Examples<T>) -> f64 {
    let output = network.predict(&rows.inputs);
    match (&rows.targets, &info.target_scaler) {
        (Targets::Values(targets), Some(scaler)) => {
            // Both back in the target's units.
            let in_units = |m: &Matrix<T>| -> Vec<f64> {
                m.iter_rows()
                    .map(|r| scaler.inverse_value(0, r[0].as_f64()))
                    .collect()
            };
            crate::metrics::root_mean_squared_error(&in_units(&output), &in_units(targets))
        }
        (Targets::Classes { indices, .. }, _) => {
            let correct = output
                .iter_rows()
                .zip(indices)
                .filter(|(p, &class)| crate::metrics::argmax(p) == class)
                .count();
            correct as f64 / rows.len() as f64
        }
        (Targets::Values(_), None) => f64::NAN,
    }
}

/// The rows of the training part: those the gradient steps use, and those
/// carved off as the validation part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrainingRows {
    /// Rows the gradient steps are computed on.
    pub train: Vec<usize>,
    /// Rows watched by early stopping (empty without it).
    pub validation: Vec<usize>,
}

/// Everything [`fit`] sets up before the first epoch.
#[derive(Debug, Clone)]
pub struct Prepared<T> {
    /// The model's metadata, with scalers fitted on the training rows.
    pub info: ModelInfo,
    /// The training rows, scaled.
    pub train: Examples<T>,
    /// The validation rows (early stopping only), scaled the same way.
    pub validation: Option<Examples<T>>,
    /// The test rows, scaled the same way.
    pub test: Examples<T>,
    /// The network with its seeded initial weights.
    pub network: Network<T>,
    /// The training settings with the shuffling seed derived from the seed.
    pub train_settings: TrainSettings,
    /// Which dataset rows `train` and `validation` hold.
    pub rows: TrainingRows,
}

/// Scales the rows of `split` and draws the initial network: the state
/// every training method (backprop, numerical gradient, brute force) starts
/// from. With early stopping, a validation part is first carved off the
/// training rows (stratified, seeded); the scalers are fitted on the rest.
pub fn prepare<T: Float>(
    dataset: &Dataset,
    split: &Split,
    settings: &FitSettings,
) -> Result<Prepared<T>> {
    settings.validate()?;
    let rows = training_rows(dataset, split, settings)?;
    let info = model_info(dataset, &rows.train, settings)?;
    let train = examples::<T>(dataset, &rows.train, &info);
    let validation =
        (!rows.validation.is_empty()).then(|| examples::<T>(dataset, &rows.validation, &info));
    let test = examples::<T>(dataset, &split.test, &info);
    let seed = derived_seed(settings.train.seed, 1);
    let network = Network::new(info.architecture.clone(), settings.init, seed)?;
    let train_settings = TrainSettings {
        seed: derived_seed(settings.train.seed, 2),
        ..settings.train.clone()
    };
    Ok(Prepared {
        info,
        train,
        validation,
        test,
        network,
        train_settings,
        rows,
    })
}

/// The training part of `split`, with a validation part carved off when
/// early stopping is on (seeded by stream 3 of the seed).
fn training_rows(dataset: &Dataset, split: &Split, settings: &FitSettings) -> Result<TrainingRows> {
    if settings.train.early_stopping.is_none() {
        return Ok(TrainingRows {
            train: split.train.clone(),
            validation: Vec::new(),
        });
    }
    let part = dataset.subset(&split.train);
    let seed = derived_seed(settings.train.seed, 3);
    let inner = train_test_split(&part, settings.validation_fraction, seed).map_err(|_| {
        Error::setting(
            "validation fraction",
            "leaves the training or validation part empty",
        )
    })?;
    let to_dataset_rows = |rows: &[usize]| rows.iter().map(|&i| split.train[i]).collect();
    Ok(TrainingRows {
        train: to_dataset_rows(&inner.train),
        validation: to_dataset_rows(&inner.test),
    })
}

/// The network [`fit`] builds for `dataset`: one input per input column;
/// one linear output and the MSE for regression, one output per class and
/// the softmax cross-entropy for classification.
pub fn architecture_for(dataset: &Dataset, settings: &FitSettings) -> Architecture {
    let (outputs, loss) = match &dataset.target {
        Target::Regression(_) => (1, Loss::Mse),
        Target::Classification { labels, .. } => (labels.len(), Loss::SoftmaxCrossEntropy),
    };
    Architecture::new(
        dataset.input_names.len(),
        &settings.hidden,
        settings.activation,
        outputs,
        loss,
    )
}

/// The metadata of the model `settings` will train on `dataset`: the
/// architecture, and scalers fitted on the training rows only (a column
/// they cannot scale is an error naming it).
fn model_info(
    dataset: &Dataset,
    train_rows: &[usize],
    settings: &FitSettings,
) -> Result<ModelInfo> {
    let train = dataset.subset(train_rows);
    let target_scaler = match &train.target {
        Target::Regression(values) => Some(
            settings
                .target_scaling
                .unwrap_or(settings.scaling)
                .fit_column_finite(values, &dataset.target_name)?,
        ),
        Target::Classification { .. } => None,
    };
    let architecture = architecture_for(dataset, settings);
    Ok(ModelInfo {
        format_version: FORMAT_VERSION,
        task: dataset.task(),
        precision: settings.precision,
        architecture,
        input_columns: dataset.input_names.clone(),
        target_column: dataset.target_name.clone(),
        labels: dataset.labels().to_vec(),
        input_scaler: settings
            .scaling
            .fit_finite(&train.inputs, &dataset.input_names)?,
        target_scaler,
        settings: settings.clone(),
    })
}

/// The rows `rows` of `dataset`, scaled as `info` says, in precision `T`.
pub fn examples<T: Float>(dataset: &Dataset, rows: &[usize], info: &ModelInfo) -> Examples<T> {
    let inputs = info
        .input_scaler
        .transform_rows_as(&dataset.inputs, rows.iter().copied());
    let part = dataset.target.subset(rows);
    let targets = match (&part, &info.target_scaler) {
        (Target::Regression(values), Some(scaler)) => {
            let scaled = values
                .iter()
                .map(|&v| T::from_f64(scaler.transform_value(0, v)));
            Targets::Values(Matrix::from_vec(values.len(), 1, scaled.collect()).expect("n × 1"))
        }
        (Target::Classification { labels, classes }, _) => Targets::Classes {
            indices: classes.clone(),
            classes: labels.len(),
        },
        (Target::Regression(_), None) => unreachable!("regression models have a target scaler"),
    };
    debug_assert_eq!(
        info.task == Task::Regression,
        matches!(targets, Targets::Values(_))
    );
    Examples { inputs, targets }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::dataset::DatasetSpec;
    use crate::data::fever;
    use crate::train::trainer::BatchSize;

    fn fever_regression(rows: usize) -> Dataset {
        let spec = DatasetSpec {
            target: "temp_2h_c".into(),
            inputs: Some(vec!["temp_c".into(), "dose_mg".into()]),
            ..Default::default()
        };
        Dataset::from_table(&fever::table(rows, 1), &spec).unwrap()
    }

    /// Batch gradient descent at η = 3 on the default 2-16-1 network: far
    /// above the stable rate (0.2–0.5, README's compare section), it runs
    /// some epochs and then overflows (`gradlab train … --lr 3 --batch-size
    /// full` on data/fever.csv diverged in epoch 16).
    fn too_fast(epochs: usize) -> FitSettings {
        FitSettings {
            train: TrainSettings {
                learning_rate: 3.0,
                batch_size: BatchSize::Full,
                epochs,
                ..Default::default()
            },
            ..Default::default()
        }
    }

    fn network_of(model: &AnyModel) -> Network<f32> {
        match model {
            AnyModel::F32(model) => model.network.clone(),
            AnyModel::F64(_) => panic!("the default precision is f32"),
        }
    }

    #[test]
    fn a_divergence_carries_the_last_good_model() {
        let data = fever_regression(500);
        let error = fit(&data, &too_fast(1000), |_| Control::Continue).unwrap_err();
        let message = error.to_string();
        let Error::Diverged {
            epoch,
            last_good: Some(last_good),
            ..
        } = error
        else {
            panic!("not a divergence with the model attached: {message}");
        };
        assert!(epoch > 2, "{message}");
        let network = network_of(&last_good);
        assert!(network.all_finite());
        // The same fit stopped before the bad epoch ends with these weights.
        let good = fit(&data, &too_fast(epoch - 1), |_| Control::Continue).unwrap();
        assert_eq!(network, network_of(&good.model));
        assert_eq!(
            last_good.info().input_scaler,
            good.model.info().input_scaler
        );
    }
}
