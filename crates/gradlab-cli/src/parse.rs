//! Parsing command-line values into the engine's types.
//!
//! Each parser accepts the names the engine uses (its serde names), so the
//! command line, config files and the model file share one vocabulary. A
//! value that does not parse is a usage error (exit 2, from clap); a value
//! that parses but is out of range is refused by the engine's `validate()`.

use gradlab::data::dataset::TaskChoice;
use gradlab::data::scale::Scaling;
use gradlab::nn::activation::Activation;
use gradlab::nn::init::Init;
use gradlab::train::trainer::BatchSize;
use gradlab::Precision;
use serde::de::DeserializeOwned;
use serde::Serialize;

/// Hidden layer widths, input side first; empty for no hidden layer.
///
/// A newtype so that clap takes `--hidden 32,16` as one value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HiddenLayers(pub Vec<usize>);

/// One case for `predict --input`: `column=value` pairs, in the order given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputCase(pub Vec<(String, String)>);

/// The serde name of a value (e.g. `minmax-symmetric` for a [`Scaling`]).
pub fn serde_name(value: &impl Serialize) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(name)) => name,
        other => format!("{other:?}"),
    }
}

/// A value from its serde name; the error lists the names of `choices`.
fn by_serde_name<T: DeserializeOwned + Serialize>(text: &str, choices: &[T]) -> Result<T, String> {
    serde_json::from_value(serde_json::Value::String(text.trim().to_owned())).map_err(|_| {
        let names: Vec<String> = choices.iter().map(serde_name).collect();
        format!("expected one of: {}", names.join(", "))
    })
}

/// `--hidden`: `16`, `32,16`, or `none` (or empty) for no hidden layer.
pub fn hidden(text: &str) -> Result<HiddenLayers, String> {
    let text = text.trim();
    if text.is_empty() || text == "none" {
        return Ok(HiddenLayers(Vec::new()));
    }
    text.split(',')
        .map(|width| width.trim().parse::<usize>())
        .collect::<Result<Vec<_>, _>>()
        .map(HiddenLayers)
        .map_err(|_| "expected layer widths such as 16 or 32,16, or none".to_owned())
}

impl std::fmt::Display for HiddenLayers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.0.is_empty() {
            return f.write_str("none");
        }
        let widths: Vec<String> = self.0.iter().map(usize::to_string).collect();
        f.write_str(&widths.join(","))
    }
}

/// `--activation`: `sigmoid`, `tanh`, `relu`, `leaky-relu`, `linear`, `lecun-tanh`.
pub fn activation(text: &str) -> Result<Activation, String> {
    by_serde_name(text, &Activation::ALL)
}

/// `--scale`: `minmax`, `minmax-symmetric`, `standard`, `none`.
pub fn scaling(text: &str) -> Result<Scaling, String> {
    let all = [
        Scaling::Minmax,
        Scaling::MinmaxSymmetric,
        Scaling::Standard,
        Scaling::None,
    ];
    by_serde_name(text, &all)
}

/// `--precision`: `f32` or `f64`.
pub fn precision(text: &str) -> Result<Precision, String> {
    by_serde_name(text, &[Precision::F32, Precision::F64])
}

/// `--task`: `auto`, `regression`, `classification`.
pub fn task(text: &str) -> Result<TaskChoice, String> {
    let all = [
        TaskChoice::Auto,
        TaskChoice::Regression,
        TaskChoice::Classification,
    ];
    by_serde_name(text, &all)
}

/// `--init`: `xavier`, `he`, `lecun`, `uniform` or `uniform:A`.
pub fn init(text: &str) -> Result<Init, String> {
    Init::parse(text.trim()).map_err(|err| err.to_string())
}

/// `--batch-size`: a whole number ≥ 1 or `full`.
pub fn batch_size(text: &str) -> Result<BatchSize, String> {
    BatchSize::parse(text).map_err(|err| err.to_string())
}

/// `--input temp_c=39.5,dose_mg=500`.
pub fn input_case(text: &str) -> Result<InputCase, String> {
    text.split(',')
        .map(|pair| match pair.split_once('=') {
            Some((column, value)) if !column.trim().is_empty() => {
                Ok((column.trim().to_owned(), value.trim().to_owned()))
            }
            _ => Err(format!(
                "'{pair}' is not column=value (expected e.g. temp_c=39.5,dose_mg=500)"
            )),
        })
        .collect::<Result<Vec<_>, _>>()
        .map(InputCase)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_layers() {
        assert_eq!(hidden("16").unwrap().0, [16]);
        assert_eq!(hidden("32, 16").unwrap().0, [32, 16]);
        assert!(hidden("none").unwrap().0.is_empty());
        assert!(hidden("").unwrap().0.is_empty());
        assert_eq!(hidden("0").unwrap().0, [0], "refused later, by validate()");
        assert!(hidden("a,b").is_err());
        assert_eq!(hidden("32,16").unwrap().to_string(), "32,16");
    }

    #[test]
    fn serde_named_values() {
        assert_eq!(activation("leaky-relu").unwrap(), Activation::LeakyRelu);
        assert!(activation("softmax").unwrap_err().contains("lecun-tanh"));
        assert_eq!(
            scaling("minmax-symmetric").unwrap(),
            Scaling::MinmaxSymmetric
        );
        assert_eq!(serde_name(&Scaling::Standard), "standard");
        assert_eq!(precision("f64").unwrap(), Precision::F64);
        assert_eq!(task("classification").unwrap(), TaskChoice::Classification);
        assert!(batch_size("0").is_err());
        assert_eq!(batch_size("full").unwrap(), BatchSize::Full);
    }

    #[test]
    fn input_cases() {
        let case = input_case("temp_c=39.5, dose_mg=500").unwrap();
        assert_eq!(
            case.0,
            [
                ("temp_c".to_owned(), "39.5".to_owned()),
                ("dose_mg".to_owned(), "500".to_owned())
            ]
        );
        assert!(input_case("temp_c").is_err());
        assert!(input_case("=5").is_err());
    }
}
