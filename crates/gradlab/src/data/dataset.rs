//! The inputs and the target of a table: what a network learns from.
//!
//! A [`DatasetSpec`] names the target column and, optionally, the input
//! columns; [`Dataset::from_table`] checks them against a [`Table`] and
//! gathers the inputs into a `rows × inputs` matrix and the target into a
//! [`Target`]: numbers for regression, class indices for classification.

use crate::data::csv::{ColumnValues, Table};
use crate::data::task::{Task, TaskChoice};
use crate::data::task_inference::{infer_task, mostly_numbers};
use crate::error::{CellProblem, Error, Result};
use crate::matrix::Matrix;
use crate::setting::Setting;
use std::cmp::Ordering;
use std::collections::{BTreeSet, HashMap};

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

    /// The rows listed in `indices`, in that order (class labels are kept
    /// whole). Panics when an index is out of range.
    pub fn subset(&self, indices: &[usize]) -> Target {
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
    /// - The task is [`infer_task`]'s: with [`TaskChoice::Auto`], regression
    ///   for a numeric target column (which then must be all finite numbers)
    ///   and classification for a text one. A text column most of whose
    ///   cells are numbers is taken as a numeric column with bad cells:
    ///   regression, so its first cell that is not a number is
    ///   [`Error::NotANumber`].
    /// - Regression on a text column with no number in it is
    ///   [`Error::BadTarget`] suggesting classification.
    /// - Classification labels are the cell texts (numbers formatted with
    ///   `{}`, so `1.0` is `"1"`). They are sorted with numeric-looking labels
    ///   first, in numeric order (`"2"` before `"10"`), then the others in
    ///   lexicographic (byte) order. An empty label, a missing-value marker
    ///   (`NA`, `null`, ...), fewer than two classes or too many classes
    ///   ([`too_many_classes`]) is [`Error::BadTarget`].
    /// - A table with no rows is [`Error::NoDataRows`].
    pub fn from_table(table: &Table, spec: &DatasetSpec) -> Result<Dataset> {
        let given_inputs: Vec<&str> = spec.inputs.iter().flatten().map(String::as_str).collect();
        table.check_columns(std::slice::from_ref(&spec.target), &given_inputs)?;
        table.column(&spec.target)?;
        let input_names = choose_inputs(table, spec)?;
        table.check_columns(&input_names, &[&spec.target])?;
        if table.rows() == 0 {
            return Err(Error::NoDataRows {
                source_name: table.source_name().to_owned(),
            });
        }
        let inputs = table.numeric_matrix(&input_names)?;
        let task = infer_task(table, &spec.target, spec.task)?.task;
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
            message: format!(
                "no input columns: the only column is the target '{}' (a network needs at least one input column)",
                spec.target
            ),
        });
    }
    Ok(names)
}

/// Inputs must be distinct and must not include the target.
fn check_inputs(names: &[String], target: &str) -> Result<Vec<String>> {
    for (index, name) in names.iter().enumerate() {
        if name == target {
            return Err(Error::setting(
                Setting::Inputs,
                format!("'{name}' is the target column and cannot also be an input"),
            ));
        }
        if names[..index].contains(name) {
            return Err(Error::setting(
                Setting::Inputs,
                format!("'{name}' is listed twice"),
            ));
        }
    }
    Ok(names.to_vec())
}

/// The target column as the task needs it.
fn read_target(table: &Table, name: &str, task: Task) -> Result<Target> {
    match task {
        Task::Regression => regression_target(table, name),
        Task::Classification => classify(table, name, table.text(name)?),
    }
}

/// The target as numbers; a text column without a single number is
/// [`Error::BadTarget`] suggesting classification.
fn regression_target(table: &Table, name: &str) -> Result<Target> {
    if let ColumnValues::Text(cells) = &table.column(name)?.values {
        let options = table.options();
        if !cells.iter().any(|c| options.parse_number(c).is_ok()) {
            let first = cells.iter().position(|c| !c.is_empty()).unwrap_or(0);
            return Err(Error::BadTarget {
                source_name: table.source_name().to_owned(),
                column: name.to_owned(),
                message: format!(
                    "it holds text ('{}' in {}), not numbers, so it cannot be a regression target",
                    cells.get(first).map_or("", String::as_str),
                    table.place(first + 1)
                ),
                suggested_task: Some(Task::Classification),
            });
        }
    }
    Ok(Target::Regression(table.numeric(name)?))
}

/// The most classes a classification target may have.
pub const MAX_CLASSES: usize = 1000;

/// Classes above this count must also be at most half the rows.
const FEW_CLASSES: usize = 10;

/// True when `classes` distinct labels over `rows` rows are too many to be
/// classes: more than [`MAX_CLASSES`], or more than 10 and more than half
/// the rows (most classes would then have a single row; the common "more
/// than 50 % unique values" heuristic for telling a continuous target from
/// classes, with a floor so that a few classes on a few rows still pass).
pub fn too_many_classes(classes: usize, rows: usize) -> bool {
    classes > MAX_CLASSES || (classes > FEW_CLASSES && 2 * classes > rows)
}

/// Class labels and one class index per row.
fn classify(table: &Table, name: &str, cells: Vec<String>) -> Result<Target> {
    let bad_target = |(message, suggested_task): (String, Option<Task>)| Error::BadTarget {
        source_name: table.source_name().to_owned(),
        column: name.to_owned(),
        message,
        suggested_task,
    };
    check_labels(table, &cells).map_err(|message| bad_target((message, None)))?;
    let labels = sorted_labels(&cells);
    check_class_count(table, &cells, &labels).map_err(bad_target)?;
    let index: HashMap<&str, usize> = labels
        .iter()
        .enumerate()
        .map(|(i, label)| (label.as_str(), i))
        .collect();
    let classes = cells.iter().map(|cell| index[cell.as_str()]).collect();
    Ok(Target::Classification { labels, classes })
}

/// At least two classes, and not too many ([`too_many_classes`]);
/// otherwise what is wrong and the task the column looks made for.
fn check_class_count(
    table: &Table,
    cells: &[String],
    labels: &[String],
) -> std::result::Result<(), (String, Option<Task>)> {
    if labels.len() < 2 {
        let message = format!(
            "every one of its {} data rows is '{}'; classification needs at least two classes",
            cells.len(),
            labels.join("")
        );
        return Err((message, None));
    }
    if too_many_classes(labels.len(), cells.len()) {
        let numeric = mostly_numbers(table, cells);
        let looks = if numeric {
            "this looks like a regression target"
        } else {
            "this looks like an identifier or free text, not classes"
        };
        let message = format!(
            "{} distinct values in {} data rows are too many classes (at most {MAX_CLASSES}, and at most half the rows when more than {FEW_CLASSES}); {looks}",
            labels.len(),
            cells.len()
        );
        return Err((message, numeric.then_some(Task::Regression)));
    }
    Ok(())
}

/// A class label may not be empty or a missing-value marker (`NA`, ...).
fn check_labels(table: &Table, cells: &[String]) -> std::result::Result<(), String> {
    let options = table.options();
    let missing = |cell: &str| {
        cell.is_empty() || matches!(options.parse_number(cell), Err(CellProblem::Missing))
    };
    match cells.iter().position(|cell| missing(cell)) {
        None => Ok(()),
        Some(index) => Err(format!(
            "{}: {}; a class label cannot be missing",
            table.place(index + 1),
            options
                .parse_number(&cells[index])
                .err()
                .unwrap_or(CellProblem::Missing)
                .describe(&cells[index])
        )),
    }
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
            "t.csv: data row 1 (line 2), column 'status_2h': 'elevated' is not a number"
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

    fn bad_target(err: Error) -> (String, Option<Task>) {
        match err {
            Error::BadTarget {
                message,
                suggested_task,
                ..
            } => (message, suggested_task),
            other => panic!("expected BadTarget, got {other:?}"),
        }
    }

    #[test]
    fn one_class_or_a_missing_label_is_a_bad_target() {
        let err = Dataset::from_table(&table("x,s\n1,a\n2,a\n"), &spec("s")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "t.csv: target column 's': every one of its 2 data rows is 'a'; classification needs at least two classes"
        );
        for (cell, words) in [("", "empty cell"), ("NA", "'NA' marks a missing value")] {
            let text = format!("x,s\n1,a\n2,{cell}\n3,b\n");
            let (message, _) =
                bad_target(Dataset::from_table(&table(&text), &spec("s")).unwrap_err());
            assert!(message.starts_with("data row 2 (line 3): "), "{message}");
            assert!(message.contains(words), "{message}");
        }
    }

    #[test]
    fn too_many_classes_is_refused_with_the_likely_task() {
        // The rule: more than 1000 classes, or more than 10 that are more
        // than half the rows.
        assert!(!too_many_classes(3, 4));
        assert!(!too_many_classes(10, 10));
        assert!(too_many_classes(11, 21));
        assert!(!too_many_classes(11, 22));
        assert!(too_many_classes(1001, 1_000_000));
        // 30 distinct numbers asked to be classes: looks like regression.
        let rows: String = (0..30).map(|i| format!("{i},{}.5\n", 36 + i)).collect();
        let mut classification = spec("y");
        classification.task = TaskChoice::Classification;
        let err = Dataset::from_table(&table(&format!("x,y\n{rows}")), &classification);
        let (message, task) = bad_target(err.unwrap_err());
        assert_eq!(task, Some(Task::Regression));
        assert!(
            message.starts_with("30 distinct values in 30 data rows are too many classes"),
            "{message}"
        );
        assert!(
            message.ends_with("this looks like a regression target"),
            "{message}"
        );
        // 30 distinct words: an identifier, not classes.
        let rows: String = (0..30).map(|i| format!("{i},patient{i}\n")).collect();
        let err = Dataset::from_table(&table(&format!("x,y\n{rows}")), &spec("y"));
        let (message, task) = bad_target(err.unwrap_err());
        assert_eq!(task, None);
        assert!(message.contains("identifier"), "{message}");
    }

    #[test]
    fn regression_on_text_is_a_bad_target_suggesting_classification() {
        let mut regression = spec("s");
        regression.task = TaskChoice::Regression;
        let err = Dataset::from_table(&table("x,s\n1,a\n2,b\n"), &regression).unwrap_err();
        let (message, task) = bad_target(err);
        assert_eq!(task, Some(Task::Classification));
        assert_eq!(
            message,
            "it holds text ('a' in data row 1 (line 2)), not numbers, so it cannot be a regression target"
        );
        // Auto on a numeric column with a bad cell: regression, so NotANumber.
        let err = Dataset::from_table(&table("x,y\n1,2\n2,NA\n"), &spec("y")).unwrap_err();
        assert!(matches!(err, Error::NotANumber { row: 2, .. }), "{err:?}");
    }

    #[test]
    fn a_mostly_numeric_target_with_text_in_it_names_the_text() {
        // The first cell is text, so the column reads as text; but 3 of its
        // 4 cells are numbers, so auto means regression and 'abc' is named
        // rather than becoming one of four classes.
        let text = "x,y\n1,abc\n2,37.5\n3,38.1\n4,36.9\n";
        let err = Dataset::from_table(&table(text), &spec("y")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "t.csv: data row 1 (line 2), column 'y': 'abc' is not a number"
        );
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
                setting: Setting::Inputs,
                ..
            }
        ));
        let mut target_as_input = spec("temp_2h_c");
        target_as_input.inputs = Some(vec!["temp_2h_c".into()]);
        let err = Dataset::from_table(&t, &target_as_input).unwrap_err();
        assert!(matches!(
            err,
            Error::InvalidSetting {
                setting: Setting::Inputs,
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
        assert_eq!(
            err.to_string(),
            "t.csv: no input columns: the only column is the target 'y' (a network needs at least one input column)"
        );
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
