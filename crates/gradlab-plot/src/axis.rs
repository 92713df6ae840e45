//! Axis ranges, tick positions and tick labels, linear and logarithmic.
//!
//! A logarithmic axis is drawn as a linear axis over `log10(value)`: the data
//! are transformed before drawing, and the ticks are labelled with the values.
//! An [`Axis`] is itself the plotters coordinate, so that plotters draws its
//! grid lines at the ticks chosen here.

use crate::error::{invalid_data, Result};
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use std::ops::Range;

/// The number of ticks a linear axis aims at.
pub(crate) const TICKS: usize = 7;

/// One axis: its range, its labelled ticks, its minor grid lines.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Axis {
    pub lo: f64,
    pub hi: f64,
    pub ticks: Vec<f64>,
    pub minor: Vec<f64>,
    label: Label,
}

/// How the ticks of an axis are written.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Label {
    /// `1.25` with this many decimals.
    Fixed(usize),
    /// With this many significant digits, in scientific notation when very large or small.
    Significant(usize),
    /// The tick is `log10(value)`: write the value, with this many decimals or
    /// else with 2 significant digits.
    Power10(Option<usize>),
}

impl Axis {
    /// A linear axis over `lo..hi` (`lo < hi`) with about `target` "nice" ticks
    /// (steps of 1, 2 or 5 times a power of ten).
    pub fn linear(lo: f64, hi: f64, target: usize) -> Axis {
        Axis::linear_with_min_step(lo, hi, target, 0.0)
    }

    /// A linear axis for counts: ticks at whole numbers only.
    pub fn counts(lo: f64, hi: f64) -> Axis {
        Axis::linear_with_min_step(lo, hi, TICKS, 1.0)
    }

    fn linear_with_min_step(lo: f64, hi: f64, target: usize, min_step: f64) -> Axis {
        let step = nice_step((hi - lo) / target.max(1) as f64).max(min_step);
        let ticks = ticks_between(lo, hi, step);
        let largest = lo.abs().max(hi.abs());
        let label = if largest >= 1e5 || step < 1e-4 {
            let digits = largest.log10().floor() - step.log10().floor() + 1.0;
            Label::Significant(digits.clamp(1.0, 10.0) as usize)
        } else {
            Label::Fixed(decimals(step))
        };
        Axis {
            lo,
            hi,
            ticks,
            minor: Vec::new(),
            label,
        }
    }

    /// A logarithmic axis over the values `10^lo..10^hi` (`lo < hi`): ticks at
    /// powers of ten when the range spans two or more, else at 1, 2, 5 times a
    /// power of ten, else at linear steps.
    pub fn log(lo: f64, hi: f64) -> Axis {
        let powers: Vec<i32> = (lo.ceil() as i32..=hi.floor() as i32).collect();
        let candidates = |mantissas: &[u32]| -> Vec<f64> {
            let mut ticks = Vec::new();
            for power in lo.floor() as i32..=hi.ceil() as i32 {
                for &mantissa in mantissas {
                    let tick = power as f64 + f64::from(mantissa).log10();
                    if (lo..=hi).contains(&tick) {
                        ticks.push(tick);
                    }
                }
            }
            ticks
        };
        let all_mantissas = [1, 2, 3, 4, 5, 6, 7, 8, 9];
        // Over at most three powers of ten: 1, 2, 5 or 1, 2, 3, 5 or 1…9 times
        // powers of ten, whichever first gives 4 to 8 ticks, or else 2 to 10.
        let by_mantissas = [
            candidates(&[1, 2, 5]),
            candidates(&[1, 2, 3, 5]),
            candidates(&all_mantissas),
        ];
        let by_mantissas = by_mantissas
            .iter()
            .find(|ticks| (4..=8).contains(&ticks.len()))
            .or_else(|| {
                by_mantissas
                    .iter()
                    .find(|ticks| (2..=10).contains(&ticks.len()))
            })
            .cloned();
        let (ticks, label) = if let Some(ticks) = by_mantissas.filter(|_| powers.len() <= 3) {
            (ticks, Label::Power10(None))
        } else if powers.len() >= 2 {
            let stride = powers.len().div_ceil(TICKS + 1) as i32;
            let ticks = powers
                .iter()
                .filter(|power| power.rem_euclid(stride) == 0)
                .map(|&power| power as f64)
                .collect();
            (ticks, Label::Power10(None))
        } else {
            let (low, high) = (10f64.powf(lo), 10f64.powf(hi));
            let step = nice_step((high - low) / 5.0);
            let ticks = ticks_between(low, high, step)
                .into_iter()
                .filter(|&value| value > 0.0)
                .map(f64::log10)
                .collect();
            (ticks, Label::Power10(Some(decimals(step))))
        };
        let minor = if hi - lo <= 6.0 {
            candidates(&all_mantissas)
                .into_iter()
                .filter(|minor| !ticks.iter().any(|tick| (tick - minor).abs() < 1e-9))
                .collect()
        } else {
            Vec::new()
        };
        Axis {
            lo,
            hi,
            ticks,
            minor,
            label,
        }
    }

    /// The text of the tick at `value`.
    pub fn label(&self, value: f64) -> String {
        match self.label {
            Label::Fixed(decimals) => fixed(value, decimals),
            Label::Significant(digits) => significant(value, digits),
            Label::Power10(Some(decimals)) => fixed(10f64.powf(value), decimals),
            Label::Power10(None) => significant(10f64.powf(value), 2),
        }
    }

    /// The plotters coordinate of this axis.
    pub fn coord(&self) -> Axis {
        self.clone()
    }
}

/// A linear map from `lo..hi` to pixels; grid lines at the ticks (bold) and
/// at the minor ticks (light). Labels are written with [`Axis::label`],
/// given to plotters as the label formatter.
impl Ranged for Axis {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        let fraction = (value - self.lo) / (self.hi - self.lo);
        let pixel = f64::from(limit.0) + fraction * f64::from(limit.1 - limit.0);
        // Far outside the picture, a point only needs to stay far outside it.
        pixel.round().clamp(-1e6, 1e6) as i32
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            self.minor.clone()
        } else {
            self.ticks.clone()
        }
    }

    fn range(&self) -> Range<f64> {
        self.lo..self.hi
    }
}

/// The smallest and largest of `values`, if there is any.
pub(crate) fn span(values: impl IntoIterator<Item = f64>) -> Option<(f64, f64)> {
    values.into_iter().fold(None, |span, value| match span {
        None => Some((value, value)),
        Some((lo, hi)) => Some((lo.min(value), hi.max(value))),
    })
}

/// `lo..hi` widened by `fraction` of its width on each side, and made wide
/// enough to draw when `lo` and `hi` are (nearly) the same.
pub(crate) fn padded(lo: f64, hi: f64, fraction: f64) -> (f64, f64) {
    let largest = lo.abs().max(hi.abs());
    if hi - lo <= 1e-9 * largest || hi - lo <= f64::MIN_POSITIVE {
        let half = if largest == 0.0 { 1.0 } else { 0.1 * largest };
        return (lo - half, hi + half);
    }
    let margin = fraction * (hi - lo);
    (lo - margin, hi + margin)
}

/// Checks the positions of a grid along one axis: at least 2, finite, strictly
/// ascending.
pub(crate) fn check_grid_axis(name: &str, positions: &[f64]) -> Result<()> {
    if positions.len() < 2 {
        invalid_data!(
            "the grid needs at least 2 {name} positions, not {}",
            positions.len()
        );
    }
    if let Some(bad) = positions.iter().position(|p| !p.is_finite()) {
        invalid_data!("the grid's {name} position {bad} is {}", positions[bad]);
    }
    if let Some(bad) = positions.windows(2).position(|pair| pair[0] >= pair[1]) {
        invalid_data!(
            "the grid's {name} positions must ascend, but position {} is {} and the next is {}",
            bad,
            positions[bad],
            positions[bad + 1]
        );
    }
    Ok(())
}

/// The edges of the cells centred on `positions` (at least 2, ascending):
/// halfway between neighbours, and half a step beyond the first and last.
pub(crate) fn cell_edges(positions: &[f64]) -> Vec<f64> {
    let n = positions.len();
    let mut edges = Vec::with_capacity(n + 1);
    edges.push(positions[0] - (positions[1] - positions[0]) / 2.0);
    edges.extend(positions.windows(2).map(|pair| (pair[0] + pair[1]) / 2.0));
    edges.push(positions[n - 1] + (positions[n - 1] - positions[n - 2]) / 2.0);
    edges
}

/// 1, 2 or 5 times a power of ten, at least `raw`.
fn nice_step(raw: f64) -> f64 {
    let power = 10f64.powf(raw.log10().floor());
    let mantissa = raw / power;
    let nice = if mantissa <= 1.0 {
        1.0
    } else if mantissa <= 2.0 {
        2.0
    } else if mantissa <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * power
}

/// The multiples of `step` in `lo..=hi`.
fn ticks_between(lo: f64, hi: f64, step: f64) -> Vec<f64> {
    let first = (lo / step - 1e-9).ceil() as i64;
    let last = (hi / step + 1e-9).floor() as i64;
    (first..=last.min(first + 100))
        .map(|index| index as f64 * step)
        .collect()
}

/// The decimals needed to write multiples of `step` exactly.
fn decimals(step: f64) -> usize {
    (0..=9)
        .find(|&decimals| {
            let scaled = step * 10f64.powi(decimals as i32);
            (scaled - scaled.round()).abs() < 1e-6 * scaled.max(1.0)
        })
        .unwrap_or(9)
}

/// `value` with `decimals` decimals, never "-0".
fn fixed(value: f64, decimals: usize) -> String {
    let text = format!("{value:.decimals$}");
    if text.starts_with('-') && text.bytes().all(|b| matches!(b, b'-' | b'0' | b'.')) {
        text[1..].to_string()
    } else {
        text
    }
}

/// `value` with `digits` significant digits, in scientific notation outside
/// 0.001..100000, without trailing zeros: "0.25", "1e-5", "1.5e6".
pub(crate) fn significant(value: f64, digits: usize) -> String {
    let digits = digits.max(1);
    let magnitude = value.abs();
    if value == 0.0 || !value.is_finite() {
        return format!("{value}");
    }
    if (1e-3..1e5).contains(&magnitude) {
        let decimals = (digits as i32 - 1 - magnitude.log10().floor() as i32).max(0) as usize;
        trim_zeros(&fixed(value, decimals)).to_string()
    } else {
        let text = format!("{:.*e}", digits - 1, value);
        match text.split_once('e') {
            Some((mantissa, exponent)) => format!("{}e{exponent}", trim_zeros(mantissa)),
            None => text,
        }
    }
}

/// "2.500" → "2.5", "3.0" → "3", "40" → "40".
fn trim_zeros(text: &str) -> &str {
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.')
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(axis: &Axis) -> Vec<String> {
        axis.ticks.iter().map(|&tick| axis.label(tick)).collect()
    }

    #[test]
    fn linear_ticks_are_round_numbers() {
        assert_eq!(
            labels(&Axis::linear(0.0, 10.0, 5)),
            ["0", "2", "4", "6", "8", "10"]
        );
        assert_eq!(
            labels(&Axis::linear(-0.3, 0.3, 6)),
            ["-0.3", "-0.2", "-0.1", "0.0", "0.1", "0.2", "0.3"]
        );
        assert_eq!(
            labels(&Axis::linear(0.0, 3e-5, 3)),
            ["0", "1e-5", "2e-5", "3e-5"]
        );
        assert_eq!(labels(&Axis::counts(0.0, 3.3)), ["0", "1", "2", "3"]);
    }

    #[test]
    fn log_ticks_are_powers_of_ten_or_1_2_5() {
        assert_eq!(
            labels(&Axis::log(-3.2, 1.1)),
            ["0.001", "0.01", "0.1", "1", "10"]
        );
        assert_eq!(
            labels(&Axis::log(-2.1, 0.5)),
            ["0.01", "0.02", "0.05", "0.1", "0.2", "0.5", "1", "2"]
        );
        assert_eq!(
            labels(&Axis::log(-0.9, -0.1)),
            ["0.2", "0.3", "0.4", "0.5", "0.6", "0.7"]
        );
        assert_eq!(labels(&Axis::log(-0.7, 0.5)), ["0.2", "0.5", "1", "2"]);
        assert_eq!(
            labels(&Axis::log(-0.65, 0.62)),
            ["0.3", "0.5", "1", "2", "3"]
        );
        let narrow = Axis::log(0.31f64.log10(), 0.36f64.log10());
        assert!(narrow.ticks.len() >= 2, "{:?}", labels(&narrow));
        assert_eq!(labels(&Axis::log(-12.0, 8.0))[0], "1e-12");
    }

    #[test]
    fn ranges_are_padded_and_never_empty() {
        assert_eq!(padded(0.0, 10.0, 0.1), (-1.0, 11.0));
        assert_eq!(padded(2.0, 2.0, 0.1), (1.8, 2.2));
        assert_eq!(padded(0.0, 0.0, 0.1), (-1.0, 1.0));
        assert_eq!(span([3.0, -1.0, 2.0]), Some((-1.0, 3.0)));
        assert_eq!(span([]), None);
    }

    #[test]
    fn grid_axes_are_checked_and_cut_into_cells() {
        assert!(check_grid_axis("x", &[0.0, 1.0, 3.0]).is_ok());
        assert!(check_grid_axis("x", &[0.0]).is_err());
        assert!(check_grid_axis("x", &[0.0, 0.0]).is_err());
        assert!(check_grid_axis("x", &[0.0, f64::NAN]).is_err());
        assert_eq!(cell_edges(&[0.0, 1.0, 3.0]), [-0.5, 0.5, 2.0, 4.0]);
    }

    #[test]
    fn numbers_are_short() {
        assert_eq!(significant(0.25, 3), "0.25");
        assert_eq!(significant(1.5e6, 3), "1.5e6");
        assert_eq!(significant(2e-5, 2), "2e-5");
        assert_eq!(significant(123.456, 3), "123");
        assert_eq!(fixed(-0.0001, 2), "0.00");
    }
}
