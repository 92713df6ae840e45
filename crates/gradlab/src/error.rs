//! The one error type of the engine.
//!
//! Every variant that a user's input can cause carries where the problem is
//! (file, 1-based data row, column name) and the offending text, so the
//! command line can print it as one line and exit non-zero.

use crate::setting::Setting;
use std::path::PathBuf;

/// Everything that can go wrong in gradlab's engine.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file could not be opened, read or written.
    #[error("{path}: {cause}")]
    Io {
        /// The file involved.
        path: PathBuf,
        /// What the operating system said. Not exposed as the error's
        /// `source()`: the message above already holds it, once.
        cause: std::io::Error,
    },

    /// The CSV file has no header row (it is empty).
    #[error("{source_name}: the file is empty (expected a header row and data rows)")]
    EmptyCsv {
        /// File name (or `<stdin>`).
        source_name: String,
    },

    /// The CSV file has a header but no data rows.
    #[error("{source_name}: the file has a header row but no data rows")]
    NoDataRows {
        /// File name (or `<stdin>`).
        source_name: String,
    },

    /// The CSV text itself is malformed (invalid UTF-8, ...).
    #[error("{source_name}: {}: {message}", record_place(*row, *line))]
    CsvSyntax {
        /// File name (or `<stdin>`).
        source_name: String,
        /// 1-based data row (0 for the header).
        row: usize,
        /// 1-based line of the file where the record starts, when known.
        line: Option<usize>,
        /// What is wrong.
        message: String,
    },

    /// A header cell is empty or names a column twice.
    #[error("{source_name}: header: {message}")]
    BadHeader {
        /// File name (or `<stdin>`).
        source_name: String,
        /// What is wrong.
        message: String,
    },

    /// A data row has a different number of cells than the header.
    #[error(
        "{source_name}: {} has {}, but the header has {}",
        RowPlace::new(*row, *line),
        count(*found, "cell"),
        count(*expected, "column")
    )]
    RaggedRow {
        /// File name (or `<stdin>`).
        source_name: String,
        /// 1-based data row.
        row: usize,
        /// 1-based line of the file where the row starts, when known.
        line: Option<usize>,
        /// Cells in the header.
        expected: usize,
        /// Cells in this row.
        found: usize,
        /// The delimiter the file seems to use instead, when its header is
        /// one cell holding `;` or a tab (see [`crate::data::csv::Table::likely_delimiter`]).
        likely_delimiter: Option<u8>,
    },

    /// A column that was asked for does not exist.
    #[error(
        "{source_name}: no column named '{column}'{} (available: {})",
        suggestion.as_ref().map(|s| format!("; did you mean '{s}'?")).unwrap_or_default(),
        available.join(", ")
    )]
    UnknownColumn {
        /// File name (or `<stdin>`).
        source_name: String,
        /// The name asked for.
        column: String,
        /// The columns the file has.
        available: Vec<String>,
        /// The available name nearest to `column`, if one is near enough.
        suggestion: Option<String>,
        /// As in [`Error::RaggedRow`].
        likely_delimiter: Option<u8>,
    },

    /// A cell of a column that must be numeric is not a finite number.
    #[error(
        "{source_name}: {}, column '{column}': {}",
        RowPlace::new(*row, *line),
        problem.describe(text)
    )]
    NotANumber {
        /// File name (or `<stdin>`).
        source_name: String,
        /// 1-based data row.
        row: usize,
        /// 1-based line of the file where the row starts, when known.
        line: Option<usize>,
        /// Column name.
        column: String,
        /// The cell as written (trimmed).
        text: String,
        /// Why the cell is not a number.
        problem: CellProblem,
    },

    /// The data cannot be used for the requested task.
    #[error("{source_name}: {message}")]
    BadData {
        /// File name (or `<stdin>`).
        source_name: String,
        /// What is wrong.
        message: String,
    },

    /// The target column cannot serve the task: one class, too many
    /// classes, text for a regression, a class the model never saw, ...
    #[error("{source_name}: target column '{column}': {message}")]
    BadTarget {
        /// File name (or `<stdin>`).
        source_name: String,
        /// The target column.
        column: String,
        /// What is wrong, with the row when one row is to blame.
        message: String,
        /// The task the column looks made for, when asking for it would
        /// help (a front end can turn this into a hint naming its option).
        suggested_task: Option<crate::data::task::Task>,
    },

    /// A setting is out of range.
    #[error("invalid {setting}: {message}")]
    InvalidSetting {
        /// The setting ([`Setting::name`] is the name the user knows, e.g.
        /// `learning rate`).
        setting: Setting,
        /// What is wrong with its value.
        message: String,
    },

    /// A model file cannot be read as a gradlab model.
    #[error("{path}: not a valid gradlab model file: {message}")]
    BadModelFile {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },

    /// Training produced a non-finite cost or weight. The trainer stops at
    /// that step and puts the last good weights back (those at the end of
    /// epoch `epoch − 1`; the initial ones when `epoch` is 1), never the
    /// non-finite ones: the network it was given, or the
    /// [`crate::session::Session`] that trained, holds them, ready to
    /// save (as [`std::io::IntoInnerError`] hands back its writer).
    #[error(
        "training diverged at epoch {epoch}, batch {batch}: {cause} ({}); lower the learning rate or scale the inputs",
        last_finite_cost_text(.last_finite_cost)
    )]
    Diverged {
        /// 1-based epoch.
        epoch: usize,
        /// 1-based batch within the epoch.
        batch: usize,
        /// What stopped being finite, as a phrase: `the cost became NaN`,
        /// `layers.0.weight became inf in the update`.
        cause: String,
        /// The cost of the last batch whose cost was finite; `None` when the
        /// very first step's cost was not.
        last_finite_cost: Option<f64>,
    },
}

/// Where a record sits in a CSV file: its 1-based data row (the header
/// excluded, blank lines not counted) and, when known, the 1-based line of
/// the file it starts on. Shown as `data row 3 (line 5)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RowPlace {
    /// 1-based data row.
    pub row: usize,
    /// 1-based line of the file, if the rows came from a file.
    pub line: Option<usize>,
}

impl RowPlace {
    /// The place of data row `row` starting on `line`.
    pub fn new(row: usize, line: Option<usize>) -> Self {
        RowPlace { row, line }
    }
}

impl std::fmt::Display for RowPlace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "data row {}", self.row)?;
        match self.line {
            Some(line) => write!(f, " (line {line})"),
            None => Ok(()),
        }
    }
}

/// Why a cell that should hold a number does not.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CellProblem {
    /// The cell is empty (after trimming).
    Empty,
    /// A marker of a missing value: `NA`, `N/A`, `NaN`, `null`, `None`, ...
    Missing,
    /// `inf`, `-Infinity` and the like.
    Infinite,
    /// A number too large for an `f64`, such as `1e309`.
    Overflow,
    /// A number written with a decimal comma (`38,5`) while numbers are read
    /// with a decimal point.
    DecimalComma,
    /// A `.` in a number while numbers are read with a decimal comma (a
    /// thousands separator would be misread, so it is refused).
    PointWithDecimalComma,
    /// Any other text.
    Text,
}

impl CellProblem {
    /// The problem as words about the cell `text`.
    pub fn describe(self, text: &str) -> String {
        match self {
            CellProblem::Empty => "empty cell (a missing value: fill or drop the row)".to_owned(),
            CellProblem::Missing => {
                format!("'{text}' marks a missing value (fill or drop the row)")
            }
            CellProblem::Infinite => format!("'{text}' is not a finite number"),
            CellProblem::Overflow => {
                format!("'{text}' is too large for a 64-bit float (it overflows to infinity)")
            }
            CellProblem::DecimalComma => {
                format!("'{text}' is not a number: it has a decimal comma")
            }
            CellProblem::PointWithDecimalComma => format!(
                "'{text}' has a '.', but numbers are read with a decimal comma (thousands separators are not supported)"
            ),
            CellProblem::Text => format!("'{text}' is not a number"),
        }
    }
}

/// `data row 3 (line 5)`, or `header (line 1)` for row 0.
fn record_place(row: usize, line: Option<usize>) -> String {
    match (row, line) {
        (0, Some(line)) => format!("header (line {line})"),
        (0, None) => "header".to_owned(),
        _ => RowPlace::new(row, line).to_string(),
    }
}

/// `1 cell`, `3 cells`.
fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// The engine's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An [`Error::InvalidSetting`] for `setting` with a formatted message.
    pub fn setting(setting: Setting, message: impl Into<String>) -> Self {
        Error::InvalidSetting {
            setting,
            message: message.into(),
        }
    }

    /// An [`Error::Io`] for `path`.
    pub fn io(path: impl Into<PathBuf>, cause: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            cause,
        }
    }
}

/// The parenthesis of [`Error::Diverged`]'s message.
fn last_finite_cost_text(cost: &Option<f64>) -> String {
    match cost {
        Some(cost) if (1e-3..1e6).contains(&cost.abs()) => {
            let rounded = format!("{cost:.4}");
            let rounded = rounded.trim_end_matches('0').trim_end_matches('.');
            format!("the last finite cost was {rounded}")
        }
        Some(cost) => format!("the last finite cost was {cost:.3e}"),
        None => "already at the first step".to_owned(),
    }
}
