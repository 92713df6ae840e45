//! The keys of a settings text: the ones serde knows (the fields of
//! [`FitSettings`] and [`TrainSettings`], read from their derived
//! `Deserialize`), and the ones a text gives that it does not.
//!
//! serde ignores a key it does not know unless the struct says
//! `deny_unknown_fields`, which the settings (with `default` and internally
//! tagged enums) cannot. So a text's settings are serialised back and every
//! key of the text that did not come back, i.e. that serde ignored, is
//! unknown ([`unknown_keys`]).

use crate::settings::FitSettings;
use crate::train::trainer::TrainSettings;
use serde::de::{self, DeserializeOwned, Visitor};
use serde_json::{Map, Value};

/// The dotted paths (`train.learnig_rate`) of the keys of `given` that
/// `known` lacks, in the order of `given`.
pub fn unknown_keys(given: &Map<String, Value>, known: &Map<String, Value>) -> Vec<String> {
    let mut unknown = Vec::new();
    collect_unknown_keys(given, known, "", &mut unknown);
    unknown
}

fn collect_unknown_keys(
    given: &Map<String, Value>,
    known: &Map<String, Value>,
    prefix: &str,
    out: &mut Vec<String>,
) {
    for (key, value) in given {
        let path = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match (value, known.get(key)) {
            (_, None) => out.push(path),
            (Value::Object(inner), Some(Value::Object(known_inner))) => {
                collect_unknown_keys(inner, known_inner, &path, out)
            }
            _ => {}
        }
    }
}

/// The keys a settings text may hold, for people: `hidden, activation, …,
/// and [train] learning_rate, …`.
pub fn known_keys_text() -> String {
    let top: Vec<&str> = field_names::<FitSettings>()
        .iter()
        .copied()
        .filter(|&name| name != "train")
        .collect();
    format!(
        "{}, and [train] {}",
        top.join(", "),
        field_names::<TrainSettings>().join(", ")
    )
}

/// The fields of the struct `T` as its derived `Deserialize` names them, in
/// declaration order (serde hands them to `deserialize_struct`).
fn field_names<T: DeserializeOwned>() -> &'static [&'static str] {
    let mut fields: &'static [&'static str] = &[];
    // The error is the point: FieldNames stops once it has the names.
    let _ = T::deserialize(FieldNames(&mut fields));
    fields
}

/// A deserializer that only records the field names a struct asks for.
struct FieldNames<'a>(&'a mut &'static [&'static str]);

impl<'de> de::Deserializer<'de> for FieldNames<'_> {
    type Error = de::value::Error;

    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, Self::Error> {
        Err(de::Error::custom("not a struct"))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value, Self::Error> {
        *self.0 = fields;
        Err(de::Error::custom("field names recorded"))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map enum identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_known_keys_are_the_fields_in_declaration_order() {
        // The fields of FitSettings (settings.rs) and TrainSettings
        // (train/trainer.rs), the `#[serde(skip)]` ones left out.
        assert_eq!(
            known_keys_text(),
            "hidden, activation, init, scaling, target_scaling, test_fraction, validation_fraction, precision, and [train] learning_rate, batch_size, epochs, seed, shuffle, gradient, optimizer, weight_decay, schedule, clip_norm, early_stopping, epsilon"
        );
    }

    #[test]
    fn unknown_keys_are_found_at_any_depth() {
        let given = serde_json::json!({"a": 1, "b": {"c": 2, "d": 3}, "e": 4});
        let known = serde_json::json!({"a": 0, "b": {"c": 0}});
        let (Value::Object(given), Value::Object(known)) = (given, known) else {
            unreachable!()
        };
        assert_eq!(unknown_keys(&given, &known), ["b.d", "e"]);
    }
}
