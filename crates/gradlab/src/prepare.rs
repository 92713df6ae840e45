//! Everything set up before the first epoch, from a dataset and the
//! settings: the training rows (with early stopping's validation part
//! carved off), scalers fitted on them only, the scaled rows, and the
//! network with its seeded initial weights.
//!
//! ```text
//! split (seeded, stratified) → Scaling::fit(train rows) → Network::new(init, seed)
//! ```
//!
//! # Randomness
//!
//! One seed drives everything. The split uses it as given; the initial
//! weights (stream 1), the shuffling (stream 2) and the validation part of
//! early stopping (stream 3) use seeds derived from it ([`derived_seed`]),
//! so no two of them share a random stream.

use crate::data::dataset::{Dataset, Target};
use crate::data::split::{train_test_split, Split};
use crate::element::Float;
use crate::error::{Error, Result};
use crate::matrix::Matrix;
use crate::model::{examples, ModelInfo, FORMAT_VERSION};
use crate::nn::loss::{Loss, Targets};
use crate::nn::network::{Architecture, Network};
use crate::setting::Setting;
use crate::settings::FitSettings;
use crate::train::trainer::{Examples, TrainSettings};

/// A seed for a separate purpose (`stream` 1: weights, 2: shuffling,
/// 3: the validation part),
/// derived from the user's seed by a SplitMix64 step.
pub fn derived_seed(seed: u64, stream: u64) -> u64 {
    let mut z = seed.wrapping_add(stream.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
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

/// Everything [`fit`](crate::fit::fit) sets up before the first epoch.
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
            Setting::ValidationFraction,
            "leaves the training or validation part empty",
        )
    })?;
    let to_dataset_rows = |rows: &[usize]| rows.iter().map(|&i| split.train[i]).collect();
    Ok(TrainingRows {
        train: to_dataset_rows(&inner.train),
        validation: to_dataset_rows(&inner.test),
    })
}

/// The network [`fit`](crate::fit::fit) builds for `dataset`: one input per input column;
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

/// The rows `info`'s model was trained on (the gradient steps, the split
/// made again from its seed and fractions), scaled by its own scalers, in
/// precision `T`: the cost a trained model's curvature or landscape is
/// measured on.
pub fn training_examples<T: Float>(dataset: &Dataset, info: &ModelInfo) -> Result<Examples<T>> {
    let settings = &info.settings;
    let split = train_test_split(dataset, settings.test_fraction, settings.train.seed)?;
    let rows = training_rows(dataset, &split, settings)?;
    Ok(examples::<T>(dataset, &rows.train, info))
}
