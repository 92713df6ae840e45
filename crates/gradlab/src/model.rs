//! A trained model: the network plus everything needed to use it on raw
//! CSV columns — input names, scalers, class labels — and the settings it was
//! trained with. This is what a model file holds.

use crate::data::csv::{ColumnValues, Table};
use crate::data::dataset::{inputs_from_table, Dataset, Target};
use crate::data::scale::Scaler;
use crate::data::task::Task;
use crate::element::{Float, Precision};
use crate::error::{Error, Result};
use crate::matrix::Matrix;
use crate::metrics::{classification_metrics, regression_metrics, Metrics};
use crate::nn::loss::{Loss, Targets};
use crate::nn::network::{Architecture, Gradients, Network, Workspace};
use crate::settings::FitSettings;
use crate::train::trainer::Examples;
use serde::{Deserialize, Serialize};

/// The model file format version this build writes and reads.
///
/// Loading refuses a metadata key this build does not know (a corrupt
/// key such as `iidden` must not fall back to a default), so any change to
/// what is written, a new field included, needs a new version. A settings
/// key that a file lacks is read as its default.
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
    /// Checks that the parts agree with each other and could come from a
    /// training run (used when loading and saving): an input named twice,
    /// unnamed or named like the target, a class label given twice or
    /// empty, invalid settings or settings that do not give this network
    /// and these scalers are all errors saying what is wrong.
    pub fn check(&self) -> std::result::Result<(), String> {
        if self.format_version != FORMAT_VERSION {
            return Err(format!(
                "format version {} is not supported (this gradlab reads version {FORMAT_VERSION})",
                self.format_version
            ));
        }
        self.architecture.validate().map_err(|e| e.to_string())?;
        self.check_columns()?;
        self.check_task()?;
        self.check_settings()
    }

    /// One named input per network input, none twice, none the target.
    fn check_columns(&self) -> std::result::Result<(), String> {
        let inputs = self.architecture.sizes[0];
        if self.input_columns.len() != inputs {
            return Err(format!(
                "{} input columns for a network with {inputs} inputs",
                self.input_columns.len()
            ));
        }
        check_names("input column name", &self.input_columns)?;
        if self.target_column.is_empty() {
            return Err("the target column name is an empty string".into());
        }
        if self.input_columns.contains(&self.target_column) {
            return Err(format!(
                "the target column '{}' is also an input column",
                self.target_column
            ));
        }
        self.input_scaler.check()?;
        if self.input_scaler.columns() != inputs {
            return Err("the input scaler does not match the inputs".into());
        }
        Ok(())
    }

    /// A regression model has one output and a target scaler; a classifier
    /// one output per class label, each label named once.
    fn check_task(&self) -> std::result::Result<(), String> {
        let outputs = *self.architecture.sizes.last().expect("validated");
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
                check_names("class label", &self.labels)?;
            }
        }
        Ok(())
    }

    /// The stored settings are valid and are those the model was trained
    /// with: its precision, its network for the task (as
    /// [`crate::prepare::architecture_for`] builds it) and its kinds of scaling.
    fn check_settings(&self) -> std::result::Result<(), String> {
        let settings = &self.settings;
        settings
            .validate()
            .map_err(|e| format!("the stored training settings are invalid: {e}"))?;
        if settings.precision != self.precision {
            return Err(format!(
                "the model is {} but its stored settings say {}",
                self.precision.name(),
                settings.precision.name()
            ));
        }
        let sizes = &self.architecture.sizes;
        let loss = match self.task {
            Task::Regression => Loss::Mse,
            Task::Classification => Loss::SoftmaxCrossEntropy,
        };
        let outputs = sizes[sizes.len() - 1];
        let expected = Architecture::new(
            sizes[0],
            &settings.hidden,
            settings.activation,
            outputs,
            loss,
        );
        if self.architecture != expected {
            return Err(format!(
                "the network is {}, but the stored settings give {expected}",
                self.architecture
            ));
        }
        let target_scaling = settings.target_scaling.unwrap_or(settings.scaling);
        let scalers = [
            ("input", Some(&self.input_scaler), settings.scaling),
            ("target", self.target_scaler.as_ref(), target_scaling),
        ];
        for (which, scaler, scaling) in scalers {
            if scaler.is_some_and(|scaler| scaler.scaling() != Some(scaling)) {
                return Err(format!(
                    "the {which} scaler is not the '{}' scaling the stored settings name",
                    scaling.name()
                ));
            }
        }
        Ok(())
    }
}

/// Each of `names` is a non-empty string that no other one equals; `what`
/// says what they are in the error.
fn check_names(what: &str, names: &[String]) -> std::result::Result<(), String> {
    let mut seen = std::collections::HashMap::new();
    for (position, name) in names.iter().enumerate() {
        if name.is_empty() {
            return Err(format!("{what} {} is an empty string", position + 1));
        }
        if let Some(first) = seen.insert(name.as_str(), position) {
            return Err(format!(
                "{what} '{name}' appears twice (positions {} and {})",
                first + 1,
                position + 1
            ));
        }
    }
    Ok(())
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
        let scaled: Matrix<T> = self.info.input_scaler.transform_as(raw_inputs);
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
        examples(dataset, &rows, &self.info)
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
        let info = self.info();
        table.check_columns(&info.input_columns, &[&info.target_column])?;
        let inputs = inputs_from_table(table, &info.input_columns)?;
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
    /// (by name, in any order; other columns are ignored) and its target
    /// column. Class labels are mapped to the model's; a label the model
    /// never saw, or a target column of the other task (text for a
    /// regression model, numbers for a classifier of text labels), is
    /// [`Error::BadTarget`] naming the row.
    pub fn dataset_from_table(&self, table: &Table) -> Result<Dataset> {
        let info = self.info();
        table.check_columns(&info.input_columns, &[&info.target_column])?;
        let inputs: Vec<&str> = info.input_columns.iter().map(String::as_str).collect();
        table.check_columns(std::slice::from_ref(&info.target_column), &inputs)?;
        let inputs = inputs_from_table(table, &info.input_columns)?;
        let target = match info.task {
            Task::Regression => Target::Regression(regression_truth(table, info)?),
            Task::Classification => Target::Classification {
                labels: info.labels.clone(),
                classes: class_indices(table, info)?,
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

/// [`Error::BadTarget`] about the target column of `table` for `info`'s model.
fn bad_target(table: &Table, info: &ModelInfo, message: String) -> Error {
    Error::BadTarget {
        source_name: table.source_name().to_owned(),
        column: info.target_column.clone(),
        message,
        suggested_task: None,
    }
}

/// The target column as numbers for a regression model; a text column with
/// no number in it is the other task.
fn regression_truth(table: &Table, info: &ModelInfo) -> Result<Vec<f64>> {
    let column = &table.column(&info.target_column)?.values;
    if let ColumnValues::Text(cells) = column {
        let options = table.options();
        if !cells.iter().any(|c| options.parse_number(c).is_ok()) {
            let first = cells.iter().position(|c| !c.is_empty()).unwrap_or(0);
            return Err(bad_target(
                table,
                info,
                format!(
                    "the model is a regression model (it predicts numbers), but the column holds text ('{}' in {})",
                    cells.get(first).map_or("", String::as_str),
                    table.place(first + 1)
                ),
            ));
        }
    }
    table.numeric(&info.target_column)
}

/// The index in the model's labels of every cell of the target column.
fn class_indices(table: &Table, info: &ModelInfo) -> Result<Vec<usize>> {
    let column = &table.column(&info.target_column)?.values;
    let cells = table.text(&info.target_column)?;
    let numeric_labels = info
        .labels
        .iter()
        .any(|l| table.options().parse_number(l).is_ok());
    if matches!(column, ColumnValues::Numeric { .. }) && !numeric_labels {
        return Err(bad_target(
            table,
            info,
            format!(
                "the model is a classification model (classes: {}), but the column holds numbers ('{}' in {})",
                info.labels.join(", "),
                cells.first().map_or("", String::as_str),
                table.place(1)
            ),
        ));
    }
    cells
        .iter()
        .enumerate()
        .map(|(index, cell)| {
            info.labels.iter().position(|l| l == cell).ok_or_else(|| {
                bad_target(
                    table,
                    info,
                    format!(
                        "class '{cell}' in {} was never seen in training (known: {})",
                        table.place(index + 1),
                        info.labels.join(", ")
                    ),
                )
            })
        })
        .collect()
}
