//! The short forms a settings text may use, as the command line does:
//! `init = "uniform:0.5"`, `optimizer = "adam"`, `schedule = "step:10:0.5"`,
//! `early_stopping = true`; and a table that names an optimizer or a
//! schedule gets that one's defaults for the parameters it leaves out. Each
//! becomes the full form serde reads.

use crate::named::Named;
use crate::nn::init::Init;
use crate::settings::text_error::TextError;
use crate::train::early_stopping::EarlyStopping;
use crate::train::optimizer::Optimizer;
use crate::train::schedule::Schedule;
use serde_json::{Map, Value};

/// Replaces every short form in the settings `table` by its full form.
pub fn expand_short_forms(table: &mut Map<String, Value>) -> Result<(), TextError> {
    if let Some(Value::String(text)) = table.get("init") {
        let init = Init::parse(text)?;
        table.insert("init".into(), to_value(&init));
    }
    let Some(Value::Object(train)) = table.get_mut("train") else {
        return Ok(());
    };
    if let Some(value) = train.get_mut("optimizer") {
        complete_named(
            value,
            "train.optimizer",
            Optimizer::Adam {
                beta1: 0.9,
                beta2: 0.999,
                epsilon: 1e-8,
            },
            Optimizer::parse,
        )?;
    }
    if let Some(value) = train.get_mut("schedule") {
        complete_named(
            value,
            "train.schedule",
            Schedule::Step {
                every: 50,
                gamma: 0.5,
            },
            Schedule::parse,
        )?;
    }
    match train.get("early_stopping") {
        Some(Value::Bool(true)) => {
            train.insert("early_stopping".into(), to_value(&EarlyStopping::default()));
        }
        Some(Value::Bool(false)) => {
            train.remove("early_stopping");
        }
        _ => {}
    }
    Ok(())
}

/// A string → the value `parse` gives for it; a table with a `name` →
/// filled up with the defaults of that name (its own keys win). `example`
/// is a choice to name in the error for a table without a name.
fn complete_named<T: Named + serde::Serialize>(
    value: &mut Value,
    path: &str,
    example: T,
    parse: impl Fn(&str) -> crate::Result<T>,
) -> Result<(), TextError> {
    match value {
        Value::String(text) => *value = to_value(&parse(text)?),
        Value::Object(table) => {
            let Some(Value::String(name)) = table.get("name") else {
                return Err(TextError::Unnamed {
                    path: path.to_owned(),
                    example: example.name(),
                });
            };
            // The bare name: `step:K:G` and the like are for strings only.
            let name = name.split(':').next().unwrap_or_default().to_owned();
            if let Value::Object(defaults) = to_value(&parse(&name)?) {
                for (key, default) in defaults {
                    table.entry(key).or_insert(default);
                }
            }
        }
        _ => {
            return Err(TextError::NotNamed {
                path: path.to_owned(),
            })
        }
    }
    Ok(())
}

/// `value` as a JSON tree; the settings' types always serialise.
fn to_value(value: &impl serde::Serialize) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}
