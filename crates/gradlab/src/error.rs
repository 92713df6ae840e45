//! The one error type of the engine.
//!
//! Every variant that a user's input can cause carries where the problem is
//! (file, 1-based data row, column name) and the offending text, so the
//! command line can print it as one line and exit non-zero.

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

    /// The CSV text itself is malformed (bad quoting, invalid UTF-8, ...).
    #[error("{source_name}: data row {row}: {message}")]
    CsvSyntax {
        /// File name (or `<stdin>`).
        source_name: String,
        /// 1-based data row (the header is row 0).
        row: usize,
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
        "{source_name}: data row {row} has {found} cells, but the header has {expected} columns"
    )]
    RaggedRow {
        /// File name (or `<stdin>`).
        source_name: String,
        /// 1-based data row.
        row: usize,
        /// Cells in the header.
        expected: usize,
        /// Cells in this row.
        found: usize,
    },

    /// A column that was asked for does not exist.
    #[error("{source_name}: no column named '{column}' (available: {})", available.join(", "))]
    UnknownColumn {
        /// File name (or `<stdin>`).
        source_name: String,
        /// The name asked for.
        column: String,
        /// The columns the file has.
        available: Vec<String>,
    },

    /// A cell of a column that must be numeric is not a finite number.
    #[error("{source_name}: data row {row}, column '{column}': '{text}' is not a finite number")]
    NotANumber {
        /// File name (or `<stdin>`).
        source_name: String,
        /// 1-based data row.
        row: usize,
        /// Column name.
        column: String,
        /// The cell as written.
        text: String,
    },

    /// The data cannot be used for the requested task.
    #[error("{source_name}: {message}")]
    BadData {
        /// File name (or `<stdin>`).
        source_name: String,
        /// What is wrong.
        message: String,
    },

    /// A setting is out of range; `setting` is the name the user typed.
    #[error("invalid {setting}: {message}")]
    InvalidSetting {
        /// The setting's name as the user knows it (e.g. `learning rate`).
        setting: &'static str,
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

    /// Training produced a non-finite cost or weight.
    #[error("training diverged at epoch {epoch}, batch {batch}: the cost became {cost}; lower the learning rate or scale the inputs")]
    Diverged {
        /// 1-based epoch.
        epoch: usize,
        /// 1-based batch within the epoch.
        batch: usize,
        /// The non-finite cost as text (`NaN`, `inf`).
        cost: String,
    },
}

/// The engine's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An [`Error::InvalidSetting`] for `setting` with a formatted message.
    pub fn setting(setting: &'static str, message: impl Into<String>) -> Self {
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
