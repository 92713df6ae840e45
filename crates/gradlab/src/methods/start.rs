//! Where brute force, the numerical gradient and the gradient check start:
//! scaled rows and a network, either freshly drawn from settings (split,
//! scalers fitted on the training rows, seeded initial weights — exactly
//! what training would start from) or taken from a model file.

use crate::data::csv::Table;
use crate::data::dataset::Dataset;
use crate::data::split::train_test_split;
use crate::element::Float;
use crate::error::Result;
use crate::matrix::Matrix;
use crate::model::{examples, AnyModel};
use crate::nn::init::Init;
use crate::nn::network::Network;
use crate::prepare::prepare;
use crate::settings::FitSettings;
use crate::train::trainer::Examples;
use serde::Serialize;

/// A network and the rows it is measured on, in precision `T`.
pub struct Start<T> {
    /// The starting weights.
    pub network: Network<T>,
    /// The rows the cost is measured on (scaled).
    pub train: Examples<T>,
    /// Where the weights and the rows come from.
    pub origin: StartOrigin,
}

/// Where a [`Start`]'s weights and rows come from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum StartOrigin {
    /// The seeded start training would use.
    Seeded {
        /// The initial-weight scheme.
        init: Init,
        /// The seed of the split and the weights.
        seed: u64,
        /// Training rows (those in [`Start::train`]).
        train_rows: usize,
        /// Rows held out for testing.
        test_rows: usize,
        /// The data's name (a file name, or `stdin`).
        source: String,
    },
    /// A model's weights, on every row of a table scaled by its scalers.
    Model {
        /// The model's name (its file name).
        model: String,
        /// Rows of the table.
        rows: usize,
        /// The data's name.
        source: String,
    },
    /// A network and rows the caller already holds, e.g. a network being
    /// trained in a front end.
    Given {
        /// Rows in [`Start::train`].
        rows: usize,
    },
}

/// A start from a network and rows the caller already holds.
pub fn from_network<T: Float>(network: Network<T>, train: Examples<T>) -> Start<T> {
    Start {
        origin: StartOrigin::Given { rows: train.len() },
        network,
        train,
    }
}

/// The seeded start training would use: split, scale, draw the weights.
pub fn from_settings<T: Float>(
    dataset: &Dataset,
    settings: &FitSettings,
    source: &str,
) -> Result<Start<T>> {
    settings.validate()?;
    let split = train_test_split(dataset, settings.test_fraction, settings.train.seed)?;
    let prepared = prepare::<T>(dataset, &split, settings)?;
    Ok(Start {
        network: prepared.network,
        origin: StartOrigin::Seeded {
            init: settings.init,
            seed: settings.train.seed,
            train_rows: prepared.train.len(),
            test_rows: prepared.test.len(),
            source: source.to_owned(),
        },
        train: prepared.train,
    })
}

/// A model's weights, on every row of `table` scaled by the model's own
/// scalers (a model does not remember which rows it was trained on).
/// `model_name` says where the model came from.
pub fn from_model<T: Float>(model: &AnyModel, model_name: &str, table: &Table) -> Result<Start<T>> {
    let dataset = model.dataset_from_table(table)?;
    let rows: Vec<usize> = (0..dataset.rows()).collect();
    Ok(Start {
        network: model_network(model),
        train: examples::<T>(&dataset, &rows, model.info()),
        origin: StartOrigin::Model {
            model: model_name.to_owned(),
            rows: dataset.rows(),
            source: table.source_name().to_owned(),
        },
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::dataset::DatasetSpec;
    use crate::data::fever;

    #[test]
    fn the_seeded_start_holds_the_training_rows_of_the_split() {
        let spec = DatasetSpec {
            target: "temp_2h_c".into(),
            inputs: Some(vec!["temp_c".into(), "dose_mg".into()]),
            ..Default::default()
        };
        let data = Dataset::from_table(&fever::table(200, 1), &spec).unwrap();
        let start = from_settings::<f32>(&data, &FitSettings::default(), "fever").unwrap();
        let StartOrigin::Seeded {
            train_rows,
            test_rows,
            ..
        } = start.origin
        else {
            panic!("a start from settings is seeded");
        };
        // The default test fraction, 0.2, of 200 rows.
        assert_eq!((train_rows, test_rows), (160, 40));
        assert_eq!(start.train.len(), train_rows);
        assert_eq!(head(&start.train, 7).len(), 7);
    }
}
