//! The inputs and the target of a table: what a network learns from.
//!
//! A [`DatasetSpec`] names the target column and, optionally, the input
//! columns; [`Dataset::from_table`] checks them against a [`Table`] and
//! gathers the inputs into a `rows × inputs` matrix and the target into a
//! [`Target`]: numbers for regression, class indices for classification.

use crate::data::csv::{ColumnValues, Table};
use crate::error::{Error, Result};
use crate::matrix::Matrix;
use std::cmp::Ordering;
use std::collections::{BTreeSet, HashMap};

/// What the network predicts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Task {
    /// A number (e.g. the temperature two hours later).
    #[default]
    Regression,
    /// One of a few classes (e.g. normal / elevated / fever).
    Classification,
}

/// The task as the user asked for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TaskChoice {
    /// Regression for a numeric target column, classification for a text one.
    #[default]
    Auto,
    /// Regression: the target column must be all finite numbers.
    Regression,
    /// Classification: each distinct cell text of the target is a class.
    Classification,
}

/// Which columns of a table to use, and for what.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct DatasetSpec {
    /// The column to predict.
    pub target: String,
    /// The input columns; `None` means every column except the target, in
    /// file order.
    #[serde(default)]
    pub inputs: Option<Vec<String>>,
    /// Regression, classification, or decided by the target column.
    #[serde(default)]
    pub task: TaskChoice,
}

/// The target column of a [`Dataset`].
#[derive(Clone, Debug, PartialEq)]
pub enum Target {
    /// One number per row.
    Regression(Vec<f64>),
    /// One class per row.
    Classification {
        /// The class names, unique and sorted (see [`Dataset::from_table`]).
        labels: Vec<String>,
        /// One index into `labels` per row.
        classes: Vec<usize>,
    },
}

impl Target {
    /// Regression or classification.
    pub fn task(&self) -> Task {
        match self {
            Target::Regression(_) => Task::Regression,
            Target::Classification { .. } => Task::Classification,
        }
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        match self {
            Target::Regression(values) => values.len(),
            Target::Classification { classes, .. } => classes.len(),
        }
    }

    /// True when there are no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The rows listed in `indices`, in that order.
    fn subset(&self, indices: &[usize]) -> Target {
        match self {
            Target::Regression(values) => {
                Target::Regression(indices.iter().map(|&i| values[i]).collect())
            }
            Target::Classification { labels, classes } => Target::Classification {
                labels: labels.clone(),
                classes: indices.iter().map(|&i| classes[i]).collect(),
            },
        }
    }
}

/// Inputs and target, row by row.
#[derive(Clone, Debug)]
pub struct Dataset {
    /// The input column names, in matrix column order.
    pub input_names: Vec<String>,
    /// `rows × inputs`.
    pub inputs: Matrix<f64>,
    /// The target column name.
    pub target_name: String,
    /// The target, one entry per row.
    pub target: Target,
}

impl Dataset {
    /// Picks the inputs and the target of `table` as `spec` says.
    ///
    /// - Inputs default to every column except the target, in file order. An
    ///   input listed twice or equal to the target is
    ///   [`Error::InvalidSetting`] (`inputs`); no inputs at all is
    ///   [`Error::BadData`]; an input that is not all finite numbers is
    ///   [`Error::NotANumber`] naming the row, column and text.
    /// - [`TaskChoice::Auto`] picks regression for a numeric target column
    ///   (which then must be all finite numbers) and classification for a
    ///   text one.
    /// - Classification labels are the cell texts (numbers formatted with
    ///   `{}`, so `1.0` is `"1"`). They are sorted with numeric-looking labels
    ///   first, in numeric order (`"2"` before `"10"`), then the others in
    ///   lexicographic (byte) order. An empty label or fewer than two classes
    ///   is [`Error::BadData`].
    /// - A table with no rows is [`Error::NoDataRows`].
    pub fn from_table(table: &Table, spec: &DatasetSpec) -> Result<Dataset> {
        let target_column = table.column(&spec.target)?;
        let input_names = choose_inputs(table, spec)?;
        if table.rows() == 0 {
            return Err(Error::NoDataRows {
                source_name: table.source_name().to_owned(),
            });
        }
        let inputs = table.numeric_matrix(&input_names)?;
        let task = match (spec.task, &target_column.values) {
            (TaskChoice::Auto, ColumnValues::Numeric { .. }) => Task::Regression,
            (TaskChoice::Auto, ColumnValues::Text(_)) => Task::Classification,
            (TaskChoice::Regression, _) => Task::Regression,
            (TaskChoice::Classification, _) => Task::Classification,
        };
        let target = read_target(table, &spec.target, task)?;
        Ok(Dataset {
            input_names,
            inputs,
            target_name: spec.target.clone(),
            target,
        })
    }

    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.inputs.rows()
    }

    /// Regression or classification.
    pub fn task(&self) -> Task {
        self.target.task()
    }

    /// The rows listed in `indices`, in that order (class labels are kept
    /// whole). Panics when an index is out of range: indices come from the
    /// engine (e.g. a [`crate::data::split::Split`]), not from the user.
    pub fn subset(&self, indices: &[usize]) -> Dataset {
        let mut inputs = Matrix::zeros(indices.len(), self.inputs.cols());
        inputs.gather_rows(&self.inputs, indices);
        Dataset {
            input_names: self.input_names.clone(),
            inputs,
            target_name: self.target_name.clone(),
            target: self.target.subset(indices),
        }
    }

    /// The class labels; empty for regression.
    pub fn labels(&self) -> &[String] {
        match &self.target {
            Target::Regression(_) => &[],
            Target::Classification { labels, .. } => labels,
        }
    }
}

/// The inputs for prediction: the columns `input_names` of `table`, matched
/// by name (other columns, such as an absent or present target, are
/// ignored). A missing column is [`Error::UnknownColumn`]; a cell that is not
/// a finite number is [`Error::NotANumber`].
pub fn inputs_from_table(table: &Table, input_names: &[String]) -> Result<Matrix<f64>> {
    table.numeric_matrix(input_names)
}

/// The input column names: given (and checked) or every non-target column.
fn choose_inputs(table: &Table, spec: &DatasetSpec) -> Result<Vec<String>> {
    let names = match &spec.inputs {
        Some(names) => check_inputs(names, &spec.target)?,
        None => table
            .column_names()
            .into_iter()
            .filter(|name| *name != spec.target)
            .map(str::to_owned)
            .collect(),
    };
    if names.is_empty() {
        return Err(Error::BadData {
            source_name: table.source_name().to_owned(),
            message: format!("no input columns (the target is '{}')", spec.target),
        });
    }
    Ok(names)
}

/// Inputs must be distinct and must not include the target.
fn check_inputs(names: &[String], target: &str) -> Result<Vec<String>> {
    for (index, name) in names.iter().enumerate() {
        if name == target {
            return Err(Error::setting(
                "inputs",
                format!("'{name}' is the target column and cannot also be an input"),
            ));
        }
        if names[..index].contains(name) {
            return Err(Error::setting(
                "inputs",
                format!("'{name}' is listed twice"),
            ));
        }
    }
    Ok(names.to_vec())
}

fn read_target(table: &Table, name: &str, task: Task) -> Result<Target> {
    match task {
        Task::Regression => Ok(Target::Regression(table.numeric(name)?.to_vec())),
        Task::Classification => classify(table, name, table.text(name)?),
    }
}

/// Class labels and one class index per row.
fn classify(table: &Table, name: &str, cells: Vec<String>) -> Result<Target> {
    let bad_data = |message: String| Error::BadData {
        source_name: table.source_name().to_owned(),
        message,
    };
    if let Some(index) = cells.iter().position(String::is_empty) {
        return Err(bad_data(format!(
            "data row {}, column '{name}': the class label is empty",
            index + 1
        )));
    }
    let labels = sorted_labels(&cells);
    if labels.len() < 2 {
        return Err(bad_data(format!(
            "column '{name}' has only one class ('{}'); classification needs at least two",
            labels.join("")
        )));
    }
    let index: HashMap<&str, usize> = labels
        .iter()
        .enumerate()
        .map(|(i, label)| (label.as_str(), i))
        .collect();
    let classes = cells.iter().map(|cell| index[cell.as_str()]).collect();
    Ok(Target::Classification { labels, classes })
}

/// The distinct cells, numeric-looking ones first in numeric order, then the
/// others in byte order.
fn sorted_labels(cells: &[String]) -> Vec<String> {
    let distinct: BTreeSet<&str> = cells.iter().map(String::as_str).collect();
    let mut labels: Vec<String> = distinct.into_iter().map(str::to_owned).collect();
    labels.sort_by(|a, b| compare_labels(a, b));
    labels
}

fn compare_labels(a: &str, b: &str) -> Ordering {
    let number = |label: &str| label.parse::<f64>().ok().filter(|v| v.is_finite());
    match (number(a), number(b)) {
        (Some(x), Some(y)) => x.total_cmp(&y).then_with(|| a.cmp(b)),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => a.cmp(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::csv::CsvOptions;

    fn table(text: &str) -> Table {
        Table::read(text.as_bytes(), "t.csv", &CsvOptions::default()).unwrap()
    }

    fn spec(target: &str) -> DatasetSpec {
        DatasetSpec {
            target: target.to_owned(),
            ..DatasetSpec::default()
        }
    }

    const FEVER: &str = "temp_c,dose_mg,temp_2h_c,status_2h\n\
                         38.0,0,37.9,elevated\n\
                         36.5,500,36.6,normal\n\
                         40.0,250,39.1,fever\n\
                         37.2,0,37.1,elevated\n";

    #[test]
    fn regression_by_default_for_a_numeric_target() {
        let mut spec = spec("temp_2h_c");
        spec.inputs = Some(vec!["temp_c".into(), "dose_mg".into()]);
        let data = Dataset::from_table(&table(FEVER), &spec).unwrap();
        assert_eq!(data.task(), Task::Regression);
        assert_eq!(data.rows(), 4);
        assert_eq!(data.inputs.row(1), [36.5, 500.0]);
        assert_eq!(
            data.target,
            Target::Regression(vec![37.9, 36.6, 39.1, 37.1])
        );
        assert!(data.labels().is_empty());
    }

    #[test]
    fn default_inputs_are_all_other_columns_and_text_inputs_fail() {
        // Default inputs include status_2h, a text column: NotANumber at row 1.
        let err = Dataset::from_table(&table(FEVER), &spec("temp_2h_c")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "t.csv: data row 1, column 'status_2h': 'elevated' is not a finite number"
        );
        let data = Dataset::from_table(&table("a,y,b\n1,2,3\n4,5,6\n"), &spec("y")).unwrap();
        assert_eq!(data.input_names, ["a", "b"]);
        assert_eq!(data.inputs.as_slice(), [1.0, 3.0, 4.0, 6.0]);
    }

    #[test]
    fn classification_by_default_for_a_text_target() {
        let mut spec = spec("status_2h");
        spec.inputs = Some(vec!["dose_mg".into(), "temp_c".into()]);
        let data = Dataset::from_table(&table(FEVER), &spec).unwrap();
        assert_eq!(data.task(), Task::Classification);
        assert_eq!(data.labels(), ["elevated", "fever", "normal"]);
        match &data.target {
            Target::Classification { classes, .. } => assert_eq!(classes, &[0, 2, 1, 0]),
            other => panic!("expected classes, got {other:?}"),
        }
        assert_eq!(data.inputs.row(0), [0.0, 38.0]);
    }

    #[test]
    fn numeric_labels_sort_numerically() {
        let mut spec = spec("k");
        spec.task = TaskChoice::Classification;
        let data = Dataset::from_table(&table("x,k\n1,10\n2,2\n3,1.0\n4,10\n"), &spec).unwrap();
        // Cells 10, 2, 1.0 → texts "10", "2", "1" → numeric order 1 < 2 < 10.
        assert_eq!(data.labels(), ["1", "2", "10"]);
        assert_eq!(
            data.target,
            Target::Classification {
                labels: vec!["1".into(), "2".into(), "10".into()],
                classes: vec![2, 1, 0, 2]
            }
        );
        // Mixed: numbers first, then text in byte order ("B" < "a").
        let labels = sorted_labels(&["a".into(), "10".into(), "B".into(), "9".into()]);
        assert_eq!(labels, ["9", "10", "B", "a"]);
    }

    #[test]
    fn one_class_or_empty_label_is_bad_data() {
        let err = Dataset::from_table(&table("x,s\n1,a\n2,a\n"), &spec("s")).unwrap_err();
        assert!(matches!(err, Error::BadData { .. }));
        assert!(err.to_string().contains("only one class ('a')"), "{err}");
        let err = Dataset::from_table(&table("x,s\n1,a\n2,\n3,b\n"), &spec("s")).unwrap_err();
        assert!(err.to_string().contains("data row 2"), "{err}");
    }

    #[test]
    fn regression_on_text_or_bad_numeric_target_is_not_a_number() {
        let mut regression = spec("s");
        regression.task = TaskChoice::Regression;
        let err = Dataset::from_table(&table("x,s\n1,a\n2,b\n"), &regression).unwrap_err();
        assert!(matches!(err, Error::NotANumber { row: 1, .. }), "{err:?}");
        // Auto on a numeric column with a bad cell: regression, so NotANumber.
        let err = Dataset::from_table(&table("x,y\n1,2\n2,NA\n"), &spec("y")).unwrap_err();
        assert!(matches!(err, Error::NotANumber { row: 2, .. }), "{err:?}");
    }

    #[test]
    fn bad_input_lists_are_invalid_settings() {
        let t = table(FEVER);
        let mut twice = spec("temp_2h_c");
        twice.inputs = Some(vec!["temp_c".into(), "temp_c".into()]);
        let err = Dataset::from_table(&t, &twice).unwrap_err();
        assert!(matches!(
            err,
            Error::InvalidSetting {
                setting: "inputs",
                ..
            }
        ));
        let mut target_as_input = spec("temp_2h_c");
        target_as_input.inputs = Some(vec!["temp_2h_c".into()]);
        let err = Dataset::from_table(&t, &target_as_input).unwrap_err();
        assert!(matches!(
            err,
            Error::InvalidSetting {
                setting: "inputs",
                ..
            }
        ));
        let mut unknown = spec("temp_2h_c");
        unknown.inputs = Some(vec!["temp".into()]);
        let err = Dataset::from_table(&t, &unknown).unwrap_err();
        assert!(matches!(err, Error::UnknownColumn { .. }));
        let err = Dataset::from_table(&t, &spec("nope")).unwrap_err();
        assert!(matches!(err, Error::UnknownColumn { .. }));
    }

    #[test]
    fn only_a_target_column_means_no_inputs() {
        let err = Dataset::from_table(&table("y\n1\n2\n"), &spec("y")).unwrap_err();
        assert!(err.to_string().contains("no input columns"), "{err}");
    }

    #[test]
    fn subset_takes_rows_in_order() {
        let data = Dataset::from_table(&table("a,y\n1,10\n2,20\n3,30\n"), &spec("y")).unwrap();
        let part = data.subset(&[2, 0]);
        assert_eq!(part.inputs.as_slice(), [3.0, 1.0]);
        assert_eq!(part.target, Target::Regression(vec![30.0, 10.0]));
        assert_eq!(part.target.len(), 2);
    }

    #[test]
    fn prediction_inputs_ignore_other_columns() {
        let t = table("dose_mg,extra,temp_c\n100,x,37.5\n");
        let names = vec!["temp_c".to_owned(), "dose_mg".to_owned()];
        let m = inputs_from_table(&t, &names).unwrap();
        assert_eq!(m.as_slice(), [37.5, 100.0]);
        let missing = vec!["temp_2h_c".to_owned()];
        assert!(matches!(
            inputs_from_table(&t, &missing),
            Err(Error::UnknownColumn { .. })
        ));
    }

    #[test]
    fn task_names_in_serde_are_lowercase() {
        assert_eq!(
            serde_json::to_string(&Task::Classification).unwrap(),
            "\"classification\""
        );
        let choice: TaskChoice = serde_json::from_str("\"auto\"").unwrap();
        assert_eq!(choice, TaskChoice::Auto);
    }
}
