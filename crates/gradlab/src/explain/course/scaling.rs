//! The scalers in words, numbers and formulas: how a raw input becomes the
//! number the network sees, and how an output goes back to the target's
//! units.

use crate::data::scale::Scaler;
use crate::explain::expr::{spelled, Expr};
use crate::explain::number::{factor, num};

/// The scaler's numbers for column `j`: (headings, cells) and the formula.
pub(super) fn scaler_columns(scaler: &Scaler) -> Vec<&'static str> {
    match scaler {
        Scaler::Minmax { .. } => vec!["min", "max"],
        Scaler::Standard { .. } => vec!["mean", "std"],
        Scaler::Identity { .. } => vec![],
    }
}

pub(super) fn scaler_cells(scaler: &Scaler, j: usize) -> Vec<String> {
    match scaler {
        Scaler::Minmax { min, max, .. } => vec![num(min[j]), num(max[j])],
        Scaler::Standard { mean, std } => vec![num(mean[j]), num(std[j])],
        Scaler::Identity { .. } => vec![],
    }
}

pub(super) fn scaler_formula(scaler: &Scaler) -> Expr {
    match scaler {
        Scaler::Minmax { low, high, .. } if *low == 0.0 && *high == 1.0 => spelled(
            "s = (x − min) / (max − min)",
            r"s = \frac{x - \min}{\max - \min}",
        ),
        Scaler::Minmax { low, high, .. } => spelled(
            format!(
                "s = {} + (x − min) / (max − min) · ({} − {})",
                num(*low),
                num(*high),
                factor(*low)
            ),
            format!(
                r"s = {} + \frac{{x - \min}}{{\max - \min}} \cdot ({} - {})",
                num(*low),
                num(*high),
                factor(*low)
            ),
        ),
        Scaler::Standard { .. } => spelled(
            "s = (x − mean) / std",
            r"s = \frac{x - \mathrm{mean}}{\mathrm{std}}",
        ),
        Scaler::Identity { .. } => spelled("s = x (no scaling)", r"s = x"),
    }
}

/// `value` (column `j`) scaled, written out with the scaler's numbers.
pub(super) fn scaling_written(scaler: &Scaler, j: usize, value: f64, scaled: f64) -> String {
    match scaler {
        Scaler::Minmax {
            min,
            max,
            low,
            high,
        } if *low == 0.0 && *high == 1.0 => format!(
            "({} − {}) / ({} − {}) = {}",
            num(value),
            factor(min[j]),
            num(max[j]),
            factor(min[j]),
            num(scaled)
        ),
        Scaler::Minmax {
            min,
            max,
            low,
            high,
        } => format!(
            "{} + ({} − {}) / ({} − {}) · ({} − {}) = {}",
            num(*low),
            num(value),
            factor(min[j]),
            num(max[j]),
            factor(min[j]),
            num(*high),
            factor(*low),
            num(scaled)
        ),
        Scaler::Standard { mean, std } => format!(
            "({} − {}) / {} = {}",
            num(value),
            factor(mean[j]),
            num(std[j]),
            num(scaled)
        ),
        Scaler::Identity { .. } => num(scaled),
    }
}

/// The inverse of the target scaler, written out: (formula, numbers).
pub(super) fn inverse_written(scaler: &Scaler, scaled: f64, value: f64) -> (String, String) {
    match scaler {
        Scaler::Minmax {
            min,
            max,
            low,
            high,
        } if *low == 0.0 && *high == 1.0 => (
            "min + ŷ · (max − min)".into(),
            format!(
                "{} + {} · ({} − {}) = {}",
                num(min[0]),
                factor(scaled),
                num(max[0]),
                factor(min[0]),
                num(value)
            ),
        ),
        Scaler::Minmax {
            min,
            max,
            low,
            high,
        } => (
            "min + (ŷ − low) / (high − low) · (max − min)".into(),
            format!(
                "{} + ({} − {}) / ({} − {}) · ({} − {}) = {}",
                num(min[0]),
                num(scaled),
                factor(*low),
                num(*high),
                factor(*low),
                num(max[0]),
                factor(min[0]),
                num(value)
            ),
        ),
        Scaler::Standard { mean, std } => (
            "mean + ŷ · std".into(),
            format!(
                "{} + {} · {} = {}",
                num(mean[0]),
                factor(scaled),
                num(std[0]),
                num(value)
            ),
        ),
        Scaler::Identity { .. } => ("ŷ".into(), num(value)),
    }
}

/// The scaler's name in words: "min-max", "min-max to [-1, 1]", "standard"
/// or "none".
pub fn scaling_name(scaler: &Scaler) -> &'static str {
    match scaler {
        Scaler::Minmax { low, .. } if *low < 0.0 => "min-max to [-1, 1]",
        Scaler::Minmax { .. } => "min-max",
        Scaler::Standard { .. } => "standard",
        Scaler::Identity { .. } => "none",
    }
}
