//! Regression or classification: what the network predicts and what the
//! user asked for. Which task a target column gets is decided in one place
//! for every front end, [`crate::data::task_inference::infer_task`].
//!
//! The rule, for `auto`:
//!
//! | target column                                  | task           |
//! |------------------------------------------------|----------------|
//! | numbers                                        | regression     |
//! | text, more than half of its cells numbers      | regression (its other cells are errors) |
//! | text                                           | classification |
//!
//! A numeric column that holds only a few distinct whole numbers (a `digit`
//! column 0–9, a 0/1 label) may be classes written as numbers: it is still
//! a regression, but the inference says so
//! ([`crate::data::task_inference::TaskInference::whole_number_classes`]),
//! so that a front end can tell the user how to ask for classification.

use crate::named::named_variants;

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

named_variants!(Task {
    Task::Regression => Task::Regression, "regression", "predict a number";
    Task::Classification => Task::Classification, "classification", "predict one of a few classes";
});

named_variants!(TaskChoice {
    TaskChoice::Auto => TaskChoice::Auto, "auto",
        "regression for a numeric target column, classification for a text one";
    TaskChoice::Regression => TaskChoice::Regression, "regression",
        "the target column must be all finite numbers";
    TaskChoice::Classification => TaskChoice::Classification, "classification",
        "each distinct cell text of the target is a class";
});

impl TaskChoice {
    /// A few words after the name in one-line lists, where the name alone
    /// does not say enough.
    pub const fn note(&self) -> Option<&'static str> {
        match self {
            TaskChoice::Auto => Some("numeric target: regression, text: classification"),
            TaskChoice::Regression | TaskChoice::Classification => None,
        }
    }
}
