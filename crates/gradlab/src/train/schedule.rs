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

impl Schedule {
    /// Parses `constant`, `step` (every 50 epochs, γ 0.5), `step:K:G`,
    /// `exponential` (γ 0.99), `exponential:G`, `inverse` (p 0.5), `inverse:P`.
    pub fn parse(text: &str) -> Result<Schedule> {
        let bad = || {
            Error::setting(
                "schedule",
                format!("'{text}' (expected constant, step[:K:GAMMA], exponential[:GAMMA] or inverse[:POWER])"),
            )
        };
        let parts: Vec<&str> = text.trim().split(':').collect();
        let number = |s: &str| s.parse::<f64>().map_err(|_| bad());
        let schedule = match parts.as_slice() {
            ["constant"] => Schedule::Constant,
            ["step"] => Schedule::Step {
                every: 50,
                gamma: 0.5,
            },
            ["step", every, gamma] => Schedule::Step {
                every: every.parse().map_err(|_| bad())?,
                gamma: number(gamma)?,
            },
            ["exponential"] => Schedule::Exponential { gamma: 0.99 },
            ["exponential", gamma] => Schedule::Exponential {
                gamma: number(gamma)?,
            },
            ["inverse"] => Schedule::Inverse { power: 0.5 },
            ["inverse", power] => Schedule::Inverse {
                power: number(power)?,
            },
            _ => return Err(bad()),
        };
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
                "schedule",
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
        ] {
            assert!(Schedule::parse(bad).is_err(), "{bad}");
        }
    }
}
