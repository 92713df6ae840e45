//! Parsing command-line values into the engine's types.
//!
//! Each parser accepts the names the engine uses (its serde names), so the
//! command line, config files and the model file share one vocabulary. A
//! value that does not parse is a usage error (exit 2, from clap); a value
//! that parses but is out of range is refused by the engine's `validate()`.

use gradlab::data::scale::Scaling;
use gradlab::data::task::TaskChoice;
use gradlab::named::Named;
use gradlab::nn::activation::Activation;
use gradlab::nn::init::Init;
use gradlab::train::optimizer::Optimizer;
use gradlab::train::schedule::Schedule;
use gradlab::train::trainer::{BatchSize, GradientMethod};
use gradlab::Precision;
use serde::Serialize;

/// Hidden layer widths, input side first; empty for no hidden layer.
///
/// A newtype so that clap takes `--hidden 32,16` as one value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HiddenLayers(pub Vec<usize>);

/// How many weights a brute-force search varies: the first K, or all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WeightCount {
    /// The first K parameters in the documented order.
    First(usize),
    /// Every parameter of the network.
    All,
}

/// Parameter names for `--params`, e.g. `layers.0.weight[0,1]`, as typed;
/// checked against the network later.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamNames(pub Vec<String>);

/// `--range low,high`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Range {
    /// First value.
    pub low: f64,
    /// Last value.
    pub high: f64,
}

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

/// A value of one of the engine's closed sets ([`Named`]) from its name,
/// with its default parameters; the error lists the names.
pub fn named<T: Named>(text: &str) -> Result<T, String> {
    T::from_name(text.trim()).ok_or_else(|| format!("expected one of: {}", T::names().join(", ")))
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

/// `--activation`: a name of [`Activation::ALL`].
pub fn activation(text: &str) -> Result<Activation, String> {
    named(text)
}

/// `--scale`: a name of [`Scaling::ALL`].
pub fn scaling(text: &str) -> Result<Scaling, String> {
    named(text)
}

/// `--precision`: `f32` or `f64`.
pub fn precision(text: &str) -> Result<Precision, String> {
    named(text)
}

/// `--task`: a name of [`TaskChoice::ALL`].
pub fn task(text: &str) -> Result<TaskChoice, String> {
    named(text)
}

/// `--init`: a name of [`Init::ALL`] or `uniform:A`.
pub fn init(text: &str) -> Result<Init, String> {
    Init::parse(text.trim()).map_err(|err| err.to_string())
}

/// `--batch-size`: a whole number ≥ 1 or `full`.
pub fn batch_size(text: &str) -> Result<BatchSize, String> {
    BatchSize::parse(text).map_err(|err| err.to_string())
}

/// `--gradient`: a name of [`GradientMethod::ALL`].
pub fn gradient(text: &str) -> Result<GradientMethod, String> {
    named(text)
}

/// `--optimizer`: a name of [`Optimizer::ALL`], with its default parameters.
pub fn optimizer(text: &str) -> Result<Optimizer, String> {
    named(text)
}

/// `--schedule`: a [`Schedule::form`], e.g. `step:10:0.5`.
pub fn schedule(text: &str) -> Result<Schedule, String> {
    Schedule::parse(text).map_err(|err| err.to_string())
}

/// `--weights`: a whole number ≥ 1 or `all`.
pub fn weight_count(text: &str) -> Result<WeightCount, String> {
    let text = text.trim();
    if text == "all" {
        return Ok(WeightCount::All);
    }
    match text.parse::<usize>() {
        Ok(count) if count >= 1 => Ok(WeightCount::First(count)),
        _ => Err("expected a whole number of weights (1, 2, …) or all".to_owned()),
    }
}

/// `--params layers.0.weight[0,1],layers.1.bias[0]`: names separated by
/// commas outside the brackets.
pub fn param_names(text: &str) -> Result<ParamNames, String> {
    let mut names = Vec::new();
    let mut current = String::new();
    let mut depth = 0usize;
    for c in text.chars() {
        match c {
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                names.push(std::mem::take(&mut current));
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    names.push(current);
    let names: Vec<String> = names.iter().map(|n| n.trim().to_owned()).collect();
    if names.iter().any(String::is_empty) {
        return Err(
            "expected parameter names such as layers.0.weight[0,1],layers.1.bias[0]".to_owned(),
        );
    }
    Ok(ParamNames(names))
}

/// `--range -100,100`: two numbers, low first.
pub fn range(text: &str) -> Result<Range, String> {
    let bad = || "expected two numbers low,high such as -100,100".to_owned();
    let (low, high) = text.split_once(',').ok_or_else(bad)?;
    let low = low.trim().parse::<f64>().map_err(|_| bad())?;
    let high = high.trim().parse::<f64>().map_err(|_| bad())?;
    Ok(Range { low, high })
}

/// A count such as `--max-evals 1e9` or `1000000`: a whole number ≥ 0,
/// written plainly or with an exponent.
pub fn count(text: &str) -> Result<u64, String> {
    let text = text.trim();
    if let Ok(n) = text.replace('_', "").parse::<u64>() {
        return Ok(n);
    }
    match text.parse::<f64>() {
        Ok(x) if x.is_finite() && x >= 0.0 && x.fract() == 0.0 && x < u64::MAX as f64 => {
            Ok(x as u64)
        }
        _ => Err("expected a whole number such as 1000000 or 1e9".to_owned()),
    }
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

    #[test]
    fn brute_force_values() {
        assert_eq!(weight_count("2").unwrap(), WeightCount::First(2));
        assert_eq!(weight_count("all").unwrap(), WeightCount::All);
        assert!(weight_count("0").is_err());
        let names = param_names("layers.0.weight[0,1], layers.1.bias[0]").unwrap();
        assert_eq!(names.0, ["layers.0.weight[0,1]", "layers.1.bias[0]"]);
        assert!(param_names("layers.0.weight[0,1],").is_err());
        let r = range("-100,100").unwrap();
        assert_eq!((r.low, r.high), (-100.0, 100.0));
        assert!(range("-100").is_err());
        assert_eq!(count("1e9").unwrap(), 1_000_000_000);
        assert_eq!(count("4004001").unwrap(), 4_004_001);
        assert!(count("1.5").is_err());
        assert!(count("-1").is_err());
        assert_eq!(gradient("numerical").unwrap(), GradientMethod::Numerical);
        assert_eq!(
            optimizer(" adam ").unwrap(),
            Optimizer::parse("adam").unwrap()
        );
        assert_eq!(
            optimizer("adadelta").unwrap_err(),
            format!("expected one of: {}", Optimizer::NAMES.join(", "))
        );
    }
}
