//! Random initial weights, drawn from one seeded generator.
//!
//! | scheme              | each weight of a layer with n_in inputs, n_out outputs |
//! |---------------------|---------------------------------------------------------|
//! | `uniform(a)`        | U(−a, a)                                                |
//! | `xavier` (Glorot)   | U(−√(6/(n_in+n_out)), +√(6/(n_in+n_out)))               |
//! | `he`                | N(0, 2/n_in)                                            |
//! | `lecun`             | N(0, 1/n_in), i.e. σ = n_in^−½ (LeCun 1998, §4.6)       |
//!
//! Biases start at zero for every scheme. Weights are drawn layer by layer,
//! row by row (neuron by neuron), so one seed gives one network.

use crate::element::Float;
use crate::error::{Error, Result};
use crate::named::{list_with_or, named_variants, Named};
use crate::nn::dense::Dense;
use crate::setting::Setting;
use rand::Rng;
use rand_distr::{Distribution, Normal, Uniform};
use serde::{Deserialize, Serialize};

named_variants!(Init {
    Init::Xavier => Init::Xavier, "xavier", "Glorot & Bengio (2010), uniform: U(±√(6/(n_in+n_out)))";
    Init::He => Init::He, "he", "He et al. (2015), normal: N(0, 2/n_in); suited to ReLU";
    Init::Lecun => Init::Lecun, "lecun", "LeCun (1998): N(0, 1/n_in); suited to tanh";
    Init::Uniform { .. } => Init::Uniform { limit: Init::DEFAULT_UNIFORM_LIMIT },
        "uniform", "U(−a, a), a = 0.5 unless written uniform:A";
});

/// How initial weights are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Init {
    /// U(−limit, limit).
    Uniform {
        /// Half-width a of the interval.
        limit: f64,
    },
    /// Glorot & Bengio (2010), uniform form.
    #[default]
    Xavier,
    /// He et al. (2015), normal form; suited to ReLU.
    He,
    /// LeCun (1998): σ = 1/√n_in; suited to tanh with normalised inputs.
    Lecun,
}

impl Init {
    /// The default half-width of `uniform` when none is given.
    pub const DEFAULT_UNIFORM_LIMIT: f64 = 0.5;

    /// How a scheme with a parameter is written with it: `uniform:A`.
    pub const fn form(&self) -> Option<&'static str> {
        match self {
            Init::Uniform { .. } => Some("uniform:A"),
            Init::Xavier | Init::He | Init::Lecun => None,
        }
    }

    /// Every way to write a scheme: the names ([`Init::ALL`]), then the
    /// [`Init::form`]s with a parameter.
    pub fn written_forms() -> Vec<&'static str> {
        let forms = Self::ALL.iter().filter_map(Init::form);
        Self::NAMES.into_iter().chain(forms).collect()
    }

    /// Parses a name ([`Init::ALL`]; `glorot` is `xavier`) or `uniform:A`.
    pub fn parse(text: &str) -> Result<Init> {
        let bad = || {
            Error::setting(
                Setting::Init,
                format!(
                    "'{text}' (expected {} with A > 0)",
                    list_with_or(&Self::written_forms())
                ),
            )
        };
        match text.split_once(':') {
            None if text == "glorot" => Ok(Init::Xavier),
            None => Self::from_name(text).ok_or_else(bad),
            Some(("uniform", limit)) => match limit.parse::<f64>() {
                Ok(limit) if limit.is_finite() && limit > 0.0 => Ok(Init::Uniform { limit }),
                _ => Err(bad()),
            },
            Some(_) => Err(bad()),
        }
    }

    /// Checks the setting (a uniform limit must be finite and positive).
    pub fn validate(self) -> Result<()> {
        match self {
            Init::Uniform { limit } if !(limit.is_finite() && limit > 0.0) => Err(Error::setting(
                Setting::Init,
                format!("uniform limit {limit} must be a positive number"),
            )),
            _ => Ok(()),
        }
    }

    /// Fills `layer`'s weights from `rng` and zeroes its biases.
    pub fn fill<T: Float>(self, layer: &mut Dense<T>, rng: &mut impl Rng) {
        let (fan_in, fan_out) = (layer.inputs() as f64, layer.outputs() as f64);
        let weights = layer.weight.as_mut_slice();
        match self {
            Init::Uniform { limit } => fill_uniform(weights, limit, rng),
            Init::Xavier => fill_uniform(weights, (6.0 / (fan_in + fan_out)).sqrt(), rng),
            Init::He => fill_normal(weights, (2.0 / fan_in).sqrt(), rng),
            Init::Lecun => fill_normal(weights, (1.0 / fan_in).sqrt(), rng),
        }
        layer.bias.fill(T::zero());
    }
}

impl std::fmt::Display for Init {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Init::Uniform { limit } => write!(f, "uniform:{limit}"),
            Init::Xavier => f.write_str("xavier"),
            Init::He => f.write_str("he"),
            Init::Lecun => f.write_str("lecun"),
        }
    }
}

fn fill_uniform<T: Float>(weights: &mut [T], limit: f64, rng: &mut impl Rng) {
    let distribution = Uniform::new_inclusive(-limit, limit).expect("limit is finite and positive");
    for w in weights {
        *w = T::from_f64(distribution.sample(rng));
    }
}

fn fill_normal<T: Float>(weights: &mut [T], std: f64, rng: &mut impl Rng) {
    let distribution = Normal::new(0.0, std).expect("std is finite and positive");
    for w in weights {
        *w = T::from_f64(distribution.sample(rng));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    fn sample_std(init: Init, inputs: usize, outputs: usize) -> (f64, f64) {
        let mut layer = Dense::<f64>::zeros(inputs, outputs);
        init.fill(&mut layer, &mut ChaCha8Rng::seed_from_u64(7));
        let w = layer.weight.as_slice();
        let mean = w.iter().sum::<f64>() / w.len() as f64;
        let var = w.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / w.len() as f64;
        let max = w.iter().fold(0.0f64, |m, x| m.max(x.abs()));
        (var.sqrt(), max)
    }

    #[test]
    fn schemes_have_their_documented_spread() {
        // 200 × 100 = 20,000 draws: the sample std is within about 1 % of σ.
        let (std, _) = sample_std(Init::He, 200, 100);
        assert!((std - (2.0f64 / 200.0).sqrt()).abs() < 0.03 * (2.0f64 / 200.0).sqrt());
        let (std, _) = sample_std(Init::Lecun, 200, 100);
        assert!((std - (1.0f64 / 200.0).sqrt()).abs() < 0.03 * (1.0f64 / 200.0).sqrt());
        // Xavier uniform: limit √(6/300); the std of U(−a, a) is a/√3.
        let limit = (6.0f64 / 300.0).sqrt();
        let (std, max) = sample_std(Init::Xavier, 200, 100);
        assert!(max <= limit);
        assert!((std - limit / 3f64.sqrt()).abs() < 0.03 * limit);
        let (_, max) = sample_std(Init::Uniform { limit: 0.25 }, 200, 100);
        assert!(max <= 0.25 && max > 0.24);
    }

    #[test]
    fn the_list_names_every_scheme() {
        crate::named::assert_sound_list::<Init>();
        assert_eq!(
            Init::parse("glorot!").unwrap_err().to_string(),
            "invalid init: 'glorot!' (expected xavier, he, lecun, uniform or uniform:A with A > 0)"
        );
    }

    #[test]
    fn parse_accepts_names_and_rejects_nonsense() {
        assert_eq!(Init::parse("he").unwrap(), Init::He);
        assert_eq!(
            Init::parse("uniform:0.1").unwrap(),
            Init::Uniform { limit: 0.1 }
        );
        assert!(Init::parse("uniform:-1").is_err());
        assert!(Init::parse("gaussian").is_err());
        assert_eq!(Init::parse("glorot").unwrap(), Init::Xavier);
        assert_eq!(
            Init::parse("uniform").unwrap(),
            Init::Uniform { limit: 0.5 }
        );
    }
}
