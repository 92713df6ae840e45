//! Learning-rate schedules: the learning rate of each epoch.
//!
//! With η₀ the base learning rate and e = 1, 2, … the epoch:
//!
//! | name          | η in epoch e              | as in |
//! |---------------|---------------------------|-------|
//! | `constant`    | η₀                        | |
//! | `step`        | η₀ · γ^⌊(e − 1)/k⌋        | PyTorch `StepLR(step_size=k, gamma=γ)` |
//! | `exponential` | η₀ · γ^(e − 1)            | PyTorch `ExponentialLR(gamma=γ)` |
//! | `inverse`     | η₀ / e^p                  | scikit-learn's `invscaling` (power_t = p), per epoch |

use crate::error::{Error, Result};
use crate::named::{list_with_or, named_variants, Named};
use crate::setting::Setting;
use serde::{Deserialize, Serialize};

/// How the learning rate changes from epoch to epoch.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(tag = "name", rename_all = "kebab-case")]
pub enum Schedule {
    /// The same rate every epoch.
    #[default]
    Constant,
    /// Multiply by `gamma` every `every` epochs.
    Step {
        /// k, epochs between two reductions.
        every: usize,
        /// γ, the factor.
        gamma: f64,
    },
    /// Multiply by `gamma` every epoch.
    Exponential {
        /// γ, the factor.
        gamma: f64,
    },
    /// Divide by e^power.
    Inverse {
        /// p, the power of the epoch.
        power: f64,
    },
}

named_variants!(Schedule {
    Schedule::Constant => Schedule::Constant, "constant", "the same rate every epoch";
    Schedule::Step { .. } => Schedule::Step { every: 50, gamma: 0.5 },
        "step", "the rate times γ every k epochs";
    Schedule::Exponential { .. } => Schedule::Exponential { gamma: 0.99 },
        "exponential", "the rate times γ every epoch";
    Schedule::Inverse { .. } => Schedule::Inverse { power: 0.5 },
        "inverse", "the rate divided by epoch^p";
});

impl Schedule {
    /// How the schedule is written as text, its optional parameters in
    /// brackets: `step[:K:GAMMA]`.
    pub const fn form(&self) -> &'static str {
        match self {
            Schedule::Constant => "constant",
            Schedule::Step { .. } => "step[:K:GAMMA]",
            Schedule::Exponential { .. } => "exponential[:GAMMA]",
            Schedule::Inverse { .. } => "inverse[:POWER]",
        }
    }

    /// What the parameters of [`Schedule::form`] do, for one-line lists
    /// after the form, where the form alone does not say it: `× GAMMA
    /// every K epochs`.
    pub const fn note(&self) -> Option<&'static str> {
        match self {
            Schedule::Step { .. } => Some("× GAMMA every K epochs"),
            Schedule::Inverse { .. } => Some("η/epoch^POWER"),
            Schedule::Constant | Schedule::Exponential { .. } => None,
        }
    }

    /// Parses a name with its default parameters ([`Schedule::ALL`]:
    /// `step` is every 50 epochs, γ 0.5; `exponential` γ 0.99; `inverse` p
    /// 0.5), or a [`Schedule::form`] with parameters: `step:K:G`,
    /// `exponential:G`, `inverse:P`.
    pub fn parse(text: &str) -> Result<Schedule> {
        let bad = || {
            let forms = Self::ALL.map(|schedule| schedule.form());
            Error::setting(
                Setting::Schedule,
                format!("'{text}' (expected {})", list_with_or(&forms)),
            )
        };
        let mut parts = text.trim().split(':');
        let name = parts.next().unwrap_or_default();
        let parameters: Vec<&str> = parts.collect();
        let mut schedule = Self::from_name(name).ok_or_else(bad)?;
        let number = |s: &str| s.parse::<f64>().map_err(|_| bad());
        match (&mut schedule, parameters.as_slice()) {
            (_, []) => {}
            (Schedule::Step { every, gamma }, [k, g]) => {
                *every = k.parse().map_err(|_| bad())?;
                *gamma = number(g)?;
            }
            (Schedule::Exponential { gamma }, [g]) => *gamma = number(g)?,
            (Schedule::Inverse { power }, [p]) => *power = number(p)?,
            _ => return Err(bad()),
        }
        schedule.validate()?;
        Ok(schedule)
    }

    /// Checks the parameters: 0 < γ ≤ 1, k ≥ 1, p ≥ 0.
    pub fn validate(&self) -> Result<()> {
        let ok = match *self {
            Schedule::Constant => true,
            Schedule::Step { every, gamma } => every >= 1 && gamma > 0.0 && gamma <= 1.0,
            Schedule::Exponential { gamma } => gamma > 0.0 && gamma <= 1.0,
            Schedule::Inverse { power } => power.is_finite() && power >= 0.0,
        };
        if ok {
            Ok(())
        } else {
            Err(Error::setting(
                Setting::Schedule,
                format!("{self:?}: needs 0 < gamma ≤ 1, every ≥ 1, power ≥ 0"),
            ))
        }
    }

    /// The learning rate of 1-based `epoch` for base rate `base`.
    pub fn learning_rate(&self, base: f64, epoch: usize) -> f64 {
        let e = epoch.max(1);
        match *self {
            Schedule::Constant => base,
            Schedule::Step { every, gamma } => base * gamma.powi(((e - 1) / every) as i32),
            Schedule::Exponential { gamma } => base * gamma.powi((e - 1) as i32),
            Schedule::Inverse { power } => base / (e as f64).powf(power),
        }
    }
}

impl std::fmt::Display for Schedule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Schedule::Constant => f.write_str("constant"),
            Schedule::Step { every, gamma } => write!(f, "step:{every}:{gamma}"),
            Schedule::Exponential { gamma } => write!(f, "exponential:{gamma}"),
            Schedule::Inverse { power } => write!(f, "inverse:{power}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_names_every_schedule_with_its_defaults() {
        crate::named::assert_sound_list::<Schedule>();
        assert_eq!(
            Schedule::parse("step").unwrap(),
            Schedule::Step {
                every: 50,
                gamma: 0.5
            }
        );
        let err = Schedule::parse("cosine").unwrap_err().to_string();
        assert_eq!(
            err,
            "invalid schedule: 'cosine' (expected constant, step[:K:GAMMA], exponential[:GAMMA] or inverse[:POWER])"
        );
    }

    #[test]
    fn rates_by_hand() {
        let step = Schedule::parse("step:10:0.5").unwrap();
        // Epochs 1–10 at η₀, 11–20 at η₀/2, 21 at η₀/4.
        assert_eq!(step.learning_rate(0.1, 10), 0.1);
        assert_eq!(step.learning_rate(0.1, 11), 0.05);
        assert_eq!(step.learning_rate(0.1, 21), 0.025);
        let exponential = Schedule::parse("exponential:0.5").unwrap();
        assert_eq!(exponential.learning_rate(1.0, 3), 0.25);
        let inverse = Schedule::parse("inverse").unwrap();
        assert_eq!(inverse.learning_rate(1.0, 4), 0.5); // 1/√4
        assert_eq!(Schedule::Constant.learning_rate(0.3, 99), 0.3);
    }

    #[test]
    fn text_round_trips_and_nonsense_is_refused() {
        for text in ["constant", "step:5:0.1", "exponential:0.9", "inverse:0.25"] {
            assert_eq!(Schedule::parse(text).unwrap().to_string(), text);
        }
        for bad in [
            "cosine",
            "step:0:0.5",
            "exponential:2",
            "inverse:-1",
            "step:a:b",
            "step:5",
            "constant:1",
        ] {
            assert!(Schedule::parse(bad).is_err(), "{bad}");
        }
    }
}
