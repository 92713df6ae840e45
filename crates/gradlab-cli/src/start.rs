//! Where brute force, the numerical gradient and the gradient check start:
//! scaled rows and a network, either freshly drawn from settings (split,
//! scalers fitted on the training rows, seeded initial weights — exactly
//! what `train` would start from) or taken from a model file.

use gradlab::data::csv::Table;
use gradlab::data::dataset::Dataset;
use gradlab::data::split::train_test_split;
use gradlab::element::Float;
use gradlab::matrix::Matrix;
use gradlab::model::examples;
use gradlab::model::AnyModel;
use gradlab::nn::network::Network;
use gradlab::prepare::prepare;
use gradlab::settings::FitSettings;
use gradlab::train::trainer::Examples;
use std::path::Path;

/// A network and the rows it is measured on, in precision `T`.
pub struct Start<T> {
    /// The starting weights.
    pub network: Network<T>,
    /// The rows the cost is measured on (scaled).
    pub train: Examples<T>,
    /// Which rows `train` holds, for people: "4000 training rows of F".
    pub rows_note: String,
    /// Where the weights come from, for people.
    pub weights_note: String,
}

/// The seeded start `train` would use: split, scale, draw the weights.
pub fn from_settings<T: Float>(
    dataset: &Dataset,
    settings: &FitSettings,
    source: &str,
) -> anyhow::Result<Start<T>> {
    settings.validate()?;
    let split = train_test_split(dataset, settings.test_fraction, settings.train.seed)?;
    let prepared = prepare::<T>(dataset, &split, settings)?;
    Ok(Start {
        network: prepared.network,
        rows_note: format!(
            "{} training rows of {source} (the other {} held out for testing)",
            prepared.train.len(),
            prepared.test.len()
        ),
        train: prepared.train,
        weights_note: format!(
            "the seeded initial weights ({} init, seed {})",
            settings.init, settings.train.seed
        ),
    })
}

/// A model file's weights, on every row of `table` scaled by the model's
/// own scalers (a model does not remember which rows it was trained on).
pub fn from_model<T: Float>(
    model: &AnyModel,
    model_path: &Path,
    table: &Table,
) -> anyhow::Result<Start<T>> {
    let dataset = model.dataset_from_table(table)?;
    let rows: Vec<usize> = (0..dataset.rows()).collect();
    let train = examples::<T>(&dataset, &rows, model.info());
    Ok(Start {
        network: model_network(model),
        train,
        rows_note: format!(
            "all {} rows of {}, scaled by the model's scalers",
            dataset.rows(),
            table.source_name()
        ),
        weights_note: format!("the weights of {}", model_path.display()),
    })
}

/// The model's network in precision `T`.
pub fn model_network<T: Float>(model: &AnyModel) -> Network<T> {
    match model {
        AnyModel::F32(m) => m.network.convert(),
        AnyModel::F64(m) => m.network.convert(),
    }
}

/// The first `rows` rows of `examples` (all of them if there are fewer).
pub fn head<T: Float>(examples: &Examples<T>, rows: usize) -> Examples<T> {
    let indices: Vec<usize> = (0..rows.min(examples.len())).collect();
    let mut inputs = Matrix::zeros(indices.len(), examples.inputs.cols());
    inputs.gather_rows(&examples.inputs, &indices);
    let mut targets = examples.targets.with_capacity_like(indices.len());
    targets.gather(&examples.targets, &indices);
    Examples { inputs, targets }
}
