//! What can be wrong with a settings text (TOML or JSON), with where.

use crate::settings::keys::known_keys_text;

/// A settings text that cannot be read as [`crate::settings::FitSettings`].
#[derive(Debug, thiserror::Error)]
pub enum TextError {
    /// The text is not valid TOML or JSON.
    #[error("{}{message}", place.map(|(line, column)| format!("line {line}, column {column}: ")).unwrap_or_default())]
    Syntax {
        /// 1-based line and column of the problem, when known.
        place: Option<(usize, usize)>,
        /// What the parser said.
        message: String,
    },

    /// The text is valid but not a table of keys (e.g. a JSON array).
    #[error("the settings must be a table of keys, not {found}")]
    NotATable {
        /// What the text holds instead, as a phrase (`an array`).
        found: &'static str,
    },

    /// A key's value has the wrong type or is not one of its names.
    #[error("`{path}`: {message}")]
    BadValue {
        /// The dotted path of the key (`train.epochs`).
        path: String,
        /// What is wrong, with the offending value.
        message: String,
    },

    /// A table of a named choice (optimizer, schedule) has no `name`.
    #[error("`{path}` needs a name, e.g. name = \"{example}\"")]
    Unnamed {
        /// The dotted path of the table (`train.optimizer`).
        path: String,
        /// A name it could have.
        example: &'static str,
    },

    /// A named choice is neither a name nor a table with a name.
    #[error("`{path}` must be a name or a table with a name")]
    NotNamed {
        /// The dotted path of the key (`train.optimizer`).
        path: String,
    },

    /// Keys that no setting has (misspelt, or of another optimizer).
    #[error(
        "unknown {} {} (the keys are the serde names of FitSettings: {})",
        if keys.len() == 1 { "setting" } else { "settings" },
        keys.iter().map(|key| format!("`{key}`")).collect::<Vec<_>>().join(", "),
        known_keys_text()
    )]
    UnknownKeys {
        /// The dotted path of each (`train.learnig_rate`), in the text's order.
        keys: Vec<String>,
    },

    /// A short form names no choice, or a value is out of range.
    #[error(transparent)]
    Invalid(#[from] crate::Error),

    /// The settings cannot be written in the format (e.g. a seed beyond
    /// TOML's 64-bit signed integers).
    #[error("cannot write the settings: {message}")]
    Unwritable {
        /// What the writer said.
        message: String,
    },
}
