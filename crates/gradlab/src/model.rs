//! A trained model: the network plus everything needed to use it on raw
//! CSV columns — input names, scalers, class labels — and the settings it was
//! trained with. This is what a model file holds.

use crate::data::csv::Table;
use crate::data::dataset::{inputs_from_table, Dataset, Target, Task};
use crate::data::scale::Scaler;
use crate::element::{Float, Precision};
use crate::error::{Error, Result};
use crate::fit::FitSettings;
use crate::matrix::Matrix;
use crate::metrics::{classification_metrics, regression_metrics, Metrics};
use crate::model_file::gradient_to_bytes;
use crate::nn::network::{Architecture, Gradients, Network, Workspace};
use crate::train::trainer::Examples;
use serde::{Deserialize, Serialize};

/// The model file format version this build writes and reads.
pub const FORMAT_VERSION: u32 = 1;

/// Everything about a model except its weights: the metadata of a model file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelInfo {
    /// [`FORMAT_VERSION`] when written.
    pub format_version: u32,
    /// Regression or classification.
    pub task: Task,
    /// Element type of the weights.
    pub precision: Precision,
    /// Layer sizes, activations and cost.
    pub architecture: Architecture,
    /// Input column names, in the order the network takes them.
    pub input_columns: Vec<String>,
    /// The column the model predicts.
    pub target_column: String,
    /// Class labels (classification), in output order; empty for regression.
    pub labels: Vec<String>,
    /// Fitted on the training rows; applied to every input.
    pub input_scaler: Scaler,
    /// Regression only: fitted on the training targets; predictions are
    /// turned back into the target's units with its inverse.
    pub target_scaler: Option<Scaler>,
    /// The settings the model was trained with (seed included).
    pub settings: FitSettings,
}

impl ModelInfo {
    /// Checks that the parts agree with each other (used when loading).
    pub fn check(&self) -> std::result::Result<(), String> {
        if self.format_version != FORMAT_VERSION {
            return Err(format!(
                "format version {} is not supported (this gradlab reads version {FORMAT_VERSION})",
                self.format_version
            ));
        }
        self.architecture.validate().map_err(|e| e.to_string())?;
        let sizes = &self.architecture.sizes;
        if self.input_columns.len() != sizes[0] {
            return Err(format!(
                "{} input columns for a network with {} inputs",
                self.input_columns.len(),
                sizes[0]
            ));
        }
        self.input_scaler.check()?;
        if self.input_scaler.columns() != sizes[0] {
            return Err("the input scaler does not match the inputs".into());
        }
        let outputs = *sizes.last().expect("validated");
        match self.task {
            Task::Regression => {
                let scaler = self.target_scaler.as_ref().ok_or("no target scaler")?;
                scaler.check()?;
                if scaler.columns() != 1 || outputs != 1 {
                    return Err("a regression model must have one output".into());
                }
                if !self.labels.is_empty() {
                    return Err("a regression model has no class labels".into());
                }
            }
            Task::Classification => {
                if self.target_scaler.is_some() {
                    return Err("a classification model has no target scaler".into());
                }
                if self.labels.len() != outputs || outputs < 2 {
                    return Err(format!(
                        "{} labels for {outputs} outputs",
                        self.labels.len()
                    ));
                }
            }
        }
        Ok(())
    }
}

/// What a model predicts for a batch of rows.
#[derive(Debug, Clone, PartialEq)]
pub enum Predictions {
    /// One value per row, in the target's units.
    Regression(Vec<f64>),
    /// Class probabilities, `rows × classes`, and the most probable class.
    Classification {
        /// `probabilities[row][k]`: the probability of `labels[k]`.
        probabilities: Matrix<f64>,
        /// The most probable class of each row.
        classes: Vec<usize>,
    },
}

/// A trained network with its metadata, in precision `T`.
#[derive(Debug, Clone, PartialEq)]
pub struct Model<T> {
    /// Metadata: columns, scalers, labels, settings.
    pub info: ModelInfo,
    /// The weights.
    pub network: Network<T>,
}

impl<T: Float> Model<T> {
    /// Predictions for raw (unscaled) inputs, one row per case, columns in
    /// the order of [`ModelInfo::input_columns`].
    pub fn predict(&self, raw_inputs: &Matrix<f64>) -> Predictions {
        let scaled: Matrix<T> = self.info.input_scaler.transform(raw_inputs).convert();
        let output: Matrix<f64> = self.network.predict(&scaled).convert();
        match (&self.info.task, &self.info.target_scaler) {
            (Task::Regression, Some(scaler)) => Predictions::Regression(
                output
                    .iter_rows()
                    .map(|row| scaler.inverse_value(0, row[0]))
                    .collect(),
            ),
            _ => {
                let classes = output.iter_rows().map(crate::metrics::argmax).collect();
                Predictions::Classification {
                    probabilities: output,
                    classes,
                }
            }
        }
    }
}

impl<T: Float> Model<T> {
    /// The labelled rows of `dataset` scaled as this model scales them: what
    /// the network saw in training (inputs, and targets in scaled units).
    pub fn examples(&self, dataset: &Dataset) -> Examples<T> {
        let rows: Vec<usize> = (0..dataset.rows()).collect();
        crate::fit::examples(dataset, &rows, &self.info)
    }

    /// Backprop's gradient of the mean training cost over all rows of
    /// `dataset` (in the scaled units the model was trained in), and the cost.
    pub fn gradient(&self, dataset: &Dataset) -> (f64, Gradients<T>) {
        let examples = self.examples(dataset);
        let mut workspace = Workspace::new(self.network.architecture(), examples.len());
        let mut gradients = Gradients::zeros_like(&self.network);
        let cost = self.network.gradient(
            &examples.inputs,
            &examples.targets,
            &mut workspace,
            &mut gradients,
        );
        (cost, gradients)
    }
}

/// What `gradlab grad` reports: the gradient of the mean cost over some rows.
#[derive(Debug, Clone, PartialEq)]
pub struct GradientReport {
    /// The mean cost over the rows (scaled units).
    pub cost: f64,
    /// Per tensor: name, shape and the L2 norm of its gradient.
    pub tensors: Vec<(String, Vec<usize>, f64)>,
    /// The gradient file: the gradients under the model's tensor names.
    pub bytes: Vec<u8>,
}

impl<T: Float> Model<T> {
    /// The gradient of the mean cost over all rows of `dataset`, summarised
    /// and as a gradient file.
    pub fn gradient_report(&self, dataset: &Dataset) -> GradientReport {
        let (cost, gradients) = self.gradient(dataset);
        let description = format!(
            "gradient of the mean {} cost over {} rows, in the model's scaled units",
            self.info.architecture.loss.name(),
            dataset.rows()
        );
        let tensors = gradients
            .slices()
            .enumerate()
            .map(|(t, values)| {
                let norm = values
                    .iter()
                    .map(|g| g.as_f64().powi(2))
                    .sum::<f64>()
                    .sqrt();
                (
                    self.network.tensor_name(t),
                    self.network.tensor_shape(t),
                    norm,
                )
            })
            .collect();
        GradientReport {
            cost,
            tensors,
            bytes: gradient_to_bytes(&self.network, &gradients, &description),
        }
    }
}

/// A model in either precision, as read from a file.
#[derive(Debug, Clone, PartialEq)]
pub enum AnyModel {
    /// 32-bit weights.
    F32(Model<f32>),
    /// 64-bit weights.
    F64(Model<f64>),
}

impl AnyModel {
    /// The metadata.
    pub fn info(&self) -> &ModelInfo {
        match self {
            AnyModel::F32(m) => &m.info,
            AnyModel::F64(m) => &m.info,
        }
    }

    /// Number of weights and biases.
    pub fn parameter_count(&self) -> usize {
        self.info().architecture.parameter_count()
    }

    /// The gradient of the mean cost over all rows of `dataset`: the cost,
    /// a summary per tensor, and the bytes of a gradient file
    /// ([`crate::model_file::gradient_to_bytes`]).
    pub fn gradient_report(&self, dataset: &Dataset) -> GradientReport {
        match self {
            AnyModel::F32(m) => m.gradient_report(dataset),
            AnyModel::F64(m) => m.gradient_report(dataset),
        }
    }

    /// Predictions for raw inputs (columns in the model's input order).
    pub fn predict(&self, raw_inputs: &Matrix<f64>) -> Predictions {
        match self {
            AnyModel::F32(m) => m.predict(raw_inputs),
            AnyModel::F64(m) => m.predict(raw_inputs),
        }
    }

    /// Predictions for the rows of `table`, whose columns are matched to the
    /// model's inputs by name (order and extra columns do not matter).
    pub fn predict_table(&self, table: &Table) -> Result<Predictions> {
        let inputs = inputs_from_table(table, &self.info().input_columns)?;
        Ok(self.predict(&inputs))
    }

    /// Metrics on a labelled dataset built with the model's columns (see
    /// [`AnyModel::dataset_from_table`]).
    pub fn evaluate(&self, dataset: &Dataset) -> Result<Metrics> {
        let predictions = self.predict(&dataset.inputs);
        match (predictions, &dataset.target) {
            (Predictions::Regression(values), Target::Regression(truth)) => {
                Ok(Metrics::Regression(regression_metrics(&values, truth)))
            }
            (
                Predictions::Classification { probabilities, .. },
                Target::Classification { classes, .. },
            ) => Ok(Metrics::Classification(classification_metrics(
                &probabilities,
                classes,
                &self.info().labels,
            ))),
            _ => Err(Error::BadData {
                source_name: dataset.target_name.clone(),
                message: "the data's task does not match the model's".into(),
            }),
        }
    }

    /// The labelled rows of `table` in the model's terms: its input columns
    /// (by name) and its target column; class labels are mapped to the
    /// model's, and a label the model never saw is an error naming it.
    pub fn dataset_from_table(&self, table: &Table) -> Result<Dataset> {
        let info = self.info();
        let inputs = inputs_from_table(table, &info.input_columns)?;
        let target = match info.task {
            Task::Regression => Target::Regression(table.numeric(&info.target_column)?.to_vec()),
            Task::Classification => Target::Classification {
                labels: info.labels.clone(),
                classes: class_indices(table, &info.target_column, &info.labels)?,
            },
        };
        Ok(Dataset {
            input_names: info.input_columns.clone(),
            inputs,
            target_name: info.target_column.clone(),
            target,
        })
    }
}

/// The index in `labels` of every cell of column `column`.
fn class_indices(table: &Table, column: &str, labels: &[String]) -> Result<Vec<usize>> {
    let cells = table.text(column)?;
    cells
        .iter()
        .enumerate()
        .map(|(row, cell)| {
            labels.iter().position(|l| l == cell).ok_or_else(|| Error::BadData {
                source_name: table.source_name().to_string(),
                message: format!(
                    "data row {}, column '{column}': class '{cell}' was not seen in training (known: {})",
                    row + 1,
                    labels.join(", ")
                ),
            })
        })
        .collect()
}
