//! [`FitSettings`] as TOML or JSON text: read over the defaults, with the
//! short forms of [`crate::settings::short_forms`] and unknown keys refused
//! ([`crate::settings::keys`]); written back in full.
//!
//! Both formats are read the same way: the text becomes a JSON tree, its
//! short forms are expanded, serde reads the settings from it (an error
//! names the key's path), and the keys serde ignored are refused.

use crate::settings::keys::unknown_keys;
use crate::settings::short_forms::expand_short_forms;
use crate::settings::text_error::TextError;
use crate::settings::FitSettings;
use serde_json::Value;

impl FitSettings {
    /// The settings of a TOML text (the serde names: `hidden = [32, 16]`,
    /// `[train]` `learning_rate = 0.01`), over the defaults. Not validated:
    /// call [`FitSettings::validate`] once any other source is applied.
    pub fn from_toml(text: &str) -> Result<FitSettings, TextError> {
        let table: toml::Table = text
            .parse()
            .map_err(|err: toml::de::Error| toml_syntax_error(text, &err))?;
        let tree = serde_json::to_value(table).map_err(|err| TextError::Syntax {
            place: None,
            message: err.to_string(),
        })?;
        Self::from_tree(tree)
    }

    /// The settings of a JSON text, as [`FitSettings::from_toml`].
    pub fn from_json(text: &str) -> Result<FitSettings, TextError> {
        let tree: Value = serde_json::from_str(text).map_err(|err| json_syntax_error(&err))?;
        Self::from_tree(tree)
    }

    /// The settings as TOML text, every setting written out.
    pub fn to_toml(&self) -> Result<String, TextError> {
        toml::to_string(self).map_err(|err| TextError::Unwritable {
            message: err.to_string(),
        })
    }

    /// The settings as JSON text, every setting written out.
    pub fn to_json(&self) -> Result<String, TextError> {
        serde_json::to_string_pretty(self).map_err(|err| TextError::Unwritable {
            message: err.to_string(),
        })
    }

    /// The settings of a JSON tree of either format.
    fn from_tree(tree: Value) -> Result<FitSettings, TextError> {
        let Value::Object(mut given) = tree else {
            return Err(TextError::NotATable {
                found: kind_of(&tree),
            });
        };
        expand_short_forms(&mut given)?;
        let given = Value::Object(given);
        let settings: FitSettings =
            serde_path_to_error::deserialize(&given).map_err(|err| TextError::BadValue {
                path: err.path().to_string(),
                message: err.inner().to_string(),
            })?;
        let (Value::Object(given), Ok(Value::Object(known))) =
            (given, serde_json::to_value(&settings))
        else {
            return Err(TextError::Unwritable {
                message: "the settings do not serialise as a table".to_owned(),
            });
        };
        let unknown = unknown_keys(&given, &known);
        if unknown.is_empty() {
            Ok(settings)
        } else {
            Err(TextError::UnknownKeys { keys: unknown })
        }
    }
}

/// A TOML syntax error with its 1-based line and column, on one line.
fn toml_syntax_error(text: &str, err: &toml::de::Error) -> TextError {
    let place = err.span().map(|span| {
        let before = &text[..span.start.min(text.len())];
        let line = before.matches('\n').count() + 1;
        let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
        (line, column)
    });
    TextError::Syntax {
        place,
        message: err.message().trim().replace('\n', " "),
    }
}

/// A JSON syntax error with its line and column, on one line.
fn json_syntax_error(err: &serde_json::Error) -> TextError {
    let text = err.to_string();
    let suffix = format!(" at line {} column {}", err.line(), err.column());
    TextError::Syntax {
        place: Some((err.line(), err.column())),
        message: text.strip_suffix(&suffix).unwrap_or(&text).to_owned(),
    }
}

/// What a JSON value is, as a phrase for an error.
fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "a table",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::init::Init;
    use crate::train::early_stopping::EarlyStopping;
    use crate::train::optimizer::Optimizer;
    use crate::train::schedule::Schedule;
    use crate::train::trainer::BatchSize;

    fn error_of(text: &str) -> String {
        FitSettings::from_toml(text).unwrap_err().to_string()
    }

    #[test]
    fn a_text_sets_values_and_keeps_the_defaults_of_the_rest() {
        let settings = FitSettings::from_toml(
            r#"
hidden = [32, 16]
init = "uniform:0.3"
[train]
learning_rate = 0.01
batch_size = "full"
[train.optimizer]
name = "adam"
beta2 = 0.99
[train.schedule]
name = "step"
every = 10
"#,
        )
        .unwrap();
        assert_eq!(settings.hidden, [32, 16]);
        assert_eq!(settings.init, Init::Uniform { limit: 0.3 });
        assert_eq!(settings.train.learning_rate, 0.01);
        assert_eq!(settings.train.batch_size, BatchSize::Full);
        // β₁ and ε: Adam's defaults (Optimizer::ALL), as the table leaves them out.
        assert_eq!(
            settings.train.optimizer,
            Optimizer::Adam {
                beta1: 0.9,
                beta2: 0.99,
                epsilon: 1e-8
            }
        );
        // γ: step's default (Schedule::ALL).
        assert_eq!(
            settings.train.schedule,
            Schedule::Step {
                every: 10,
                gamma: 0.5
            }
        );
        assert_eq!(settings.train.epochs, FitSettings::default().train.epochs);
    }

    #[test]
    fn toml_round_trips() {
        let settings = FitSettings::from_toml(
            "activation = \"relu\"\ntarget_scaling = \"minmax-symmetric\"\n[train]\noptimizer = \"nesterov\"\nschedule = \"exponential:0.9\"\nearly_stopping = true\nclip_norm = 1.0\nseed = 7\n",
        )
        .unwrap();
        assert_eq!(
            settings.train.optimizer,
            Optimizer::Nesterov { momentum: 0.9 }
        );
        assert_eq!(
            settings.train.early_stopping,
            Some(EarlyStopping::default())
        );
        let text = settings.to_toml().unwrap();
        let again = FitSettings::from_toml(&text).unwrap();
        assert_eq!(again, settings);
        assert_eq!(again.to_toml().unwrap(), text);
        let defaults = FitSettings::default().to_toml().unwrap();
        assert_eq!(
            FitSettings::from_toml(&defaults).unwrap(),
            FitSettings::default()
        );
    }

    #[test]
    fn json_round_trips_and_reads_like_toml() {
        let settings = FitSettings::from_toml(
            "hidden = [4]\n[train]\noptimizer = \"adamw\"\nweight_decay = 0.1\n",
        )
        .unwrap();
        let text = settings.to_json().unwrap();
        assert_eq!(FitSettings::from_json(&text).unwrap(), settings);
        let short = r#"{"hidden": [4], "train": {"optimizer": "adamw", "weight_decay": 0.1}}"#;
        assert_eq!(FitSettings::from_json(short).unwrap(), settings);
        let err = FitSettings::from_json(r#"{"train": {"learnig_rate": 0.1}}"#)
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("unknown setting `train.learnig_rate` ("),
            "{err}"
        );
        let err = FitSettings::from_json("{\"hidden\": [4,\n")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("line 2, column 0: "), "{err}");
        let err = FitSettings::from_json("[1]").unwrap_err().to_string();
        assert_eq!(err, "the settings must be a table of keys, not an array");
    }

    #[test]
    fn unknown_keys_are_refused_with_their_paths() {
        let known = "(the keys are the serde names of FitSettings: hidden, activation, init, scaling, target_scaling, test_fraction, validation_fraction, precision, and [train] learning_rate, batch_size, epochs, seed, shuffle, gradient, optimizer, weight_decay, schedule, clip_norm, early_stopping, epsilon)";
        assert_eq!(
            error_of("hiden = [4]\n"),
            format!("unknown setting `hiden` {known}")
        );
        assert_eq!(
            error_of("[train]\nlearnig_rate = 0.1\n"),
            format!("unknown setting `train.learnig_rate` {known}")
        );
        assert_eq!(
            error_of("hiden = [4]\n[train]\nlearnig_rate = 0.1\n"),
            format!("unknown settings `hiden`, `train.learnig_rate` {known}")
        );
        let err = error_of("[train.optimizer]\nname = \"adam\"\nmomentum = 0.9\n");
        assert!(err.contains("`train.optimizer.momentum`"), "{err}");
        let err = error_of("[train.early_stopping]\npatience = 3\npatient = 4\n");
        assert!(err.contains("`train.early_stopping.patient`"), "{err}");
    }

    #[test]
    fn bad_values_say_where() {
        assert_eq!(
            error_of("hidden = [32,\n"),
            "line 1, column 14: unclosed array, expected `]`"
        );
        let err = error_of("[train]\noptimizer = \"adadelta\"\n");
        assert!(
            err.starts_with("invalid optimizer: 'adadelta' (expected one of sgd, "),
            "{err}"
        );
        assert_eq!(
            error_of("[train]\nepochs = \"many\"\n"),
            "`train.epochs`: invalid type: string \"many\", expected usize"
        );
        let err = error_of("activation = \"softmax\"\n");
        assert!(
            err.starts_with("`activation`: unknown variant `softmax`, expected one of `sigmoid`, "),
            "{err}"
        );
        assert_eq!(
            error_of("[train.optimizer]\nbeta1 = 0.9\n"),
            "`train.optimizer` needs a name, e.g. name = \"adam\""
        );
        assert_eq!(
            error_of("[train]\noptimizer = 3\n"),
            "`train.optimizer` must be a name or a table with a name"
        );
    }
}
