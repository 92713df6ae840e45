//! The task of a target column, asked for or inferred from its cells: the
//! rule is in [`crate::data::task`]'s module doc.

use crate::data::csv::{ColumnValues, Table};
use crate::data::task::{Task, TaskChoice};
use crate::error::Result;

/// At most this many distinct whole numbers make a numeric target look like
/// classes written as numbers.
pub const MAX_WHOLE_NUMBER_CLASSES: usize = 20;

/// The task chosen for a target column, and how.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct TaskInference {
    /// The task training will use.
    pub task: Task,
    /// True when `auto` chose it from the column's cells; false when the
    /// user asked for it.
    pub inferred: bool,
    /// Set when `auto` chose regression for a column of only this many
    /// distinct whole numbers (2 to [`MAX_WHOLE_NUMBER_CLASSES`]): likely
    /// classes written as numbers.
    pub whole_number_classes: Option<usize>,
}

impl TaskInference {
    /// A sentence for the user when the inference is worth a word: a
    /// regression on what looks like classes. Front ends add how to ask for
    /// classification in their own terms.
    pub fn note(&self, column: &str) -> Option<String> {
        let classes = self.whole_number_classes?;
        Some(format!(
            "target column '{column}' holds only {classes} distinct whole numbers; \
             it is trained as a regression"
        ))
    }
}

/// The task for the target column `column` of `table` when the user chose
/// `choice` (see the module doc). Fails only when the column is missing.
pub fn infer_task(table: &Table, column: &str, choice: TaskChoice) -> Result<TaskInference> {
    let values = &table.column(column)?.values;
    let asked = |task| TaskInference {
        task,
        inferred: false,
        whole_number_classes: None,
    };
    Ok(match (choice, values) {
        (TaskChoice::Regression, _) => asked(Task::Regression),
        (TaskChoice::Classification, _) => asked(Task::Classification),
        (TaskChoice::Auto, ColumnValues::Numeric { values, .. }) => TaskInference {
            task: Task::Regression,
            inferred: true,
            whole_number_classes: few_whole_numbers(values.iter()),
        },
        (TaskChoice::Auto, ColumnValues::Text(cells)) => TaskInference {
            task: if mostly_numbers(table, cells) {
                Task::Regression
            } else {
                Task::Classification
            },
            inferred: true,
            whole_number_classes: None,
        },
    })
}

/// The number of distinct values when every value is a whole number and
/// there are 2 to [`MAX_WHOLE_NUMBER_CLASSES`] of them.
fn few_whole_numbers(values: impl Iterator<Item = f64>) -> Option<usize> {
    let mut distinct: Vec<f64> = Vec::new();
    for value in values {
        if !(value.is_finite() && value.fract() == 0.0) {
            return None;
        }
        if !distinct.contains(&value) {
            if distinct.len() == MAX_WHOLE_NUMBER_CLASSES {
                return None;
            }
            distinct.push(value);
        }
    }
    (distinct.len() >= 2).then_some(distinct.len())
}

/// True when more than half of the non-empty `cells` are finite numbers.
pub(crate) fn mostly_numbers(table: &Table, cells: &[String]) -> bool {
    let options = table.options();
    let filled = cells.iter().filter(|c| !c.is_empty()).count();
    let numbers = cells
        .iter()
        .filter(|c| options.parse_number(c).is_ok())
        .count();
    2 * numbers > filled
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::csv::CsvOptions;

    fn table(text: &str) -> Table {
        Table::read(text.as_bytes(), "t.csv", &CsvOptions::default()).unwrap()
    }

    #[test]
    fn a_digit_column_is_a_regression_with_a_note() {
        let rows: String = (0..30).map(|i| format!("{},{}\n", i, i % 10)).collect();
        let t = table(&format!("x,digit\n{rows}"));
        let inference = infer_task(&t, "digit", TaskChoice::Auto).unwrap();
        assert_eq!(inference.task, Task::Regression);
        assert!(inference.inferred);
        assert_eq!(inference.whole_number_classes, Some(10));
        let note = inference.note("digit").unwrap();
        assert!(
            note.contains("'digit' holds only 10 distinct whole numbers"),
            "{note}"
        );
    }

    #[test]
    fn measurements_and_asked_tasks_get_no_note() {
        let t = table("x,y,label\n1,36.5,a\n2,37.25,b\n3,38,a\n");
        let y = infer_task(&t, "y", TaskChoice::Auto).unwrap();
        assert_eq!((y.task, y.whole_number_classes), (Task::Regression, None));
        let label = infer_task(&t, "label", TaskChoice::Auto).unwrap();
        assert_eq!(label.task, Task::Classification);
        let x = infer_task(&t, "x", TaskChoice::Regression).unwrap();
        assert_eq!((x.inferred, x.note("x")), (false, None));
    }

    #[test]
    fn many_distinct_whole_numbers_are_a_quantity() {
        let rows: String = (0..=MAX_WHOLE_NUMBER_CLASSES)
            .map(|i| format!("{i},{i}\n"))
            .collect();
        let t = table(&format!("x,count\n{rows}"));
        let inference = infer_task(&t, "count", TaskChoice::Auto).unwrap();
        assert_eq!(inference.whole_number_classes, None);
    }
}
