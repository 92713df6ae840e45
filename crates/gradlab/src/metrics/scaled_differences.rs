//! Differences `a − b` that are summed, or squared and summed, without
//! overflow for any finite inputs.
//!
//! Squaring a difference of 1e200 overflows, and so does `1e308 − (−1e308)`
//! itself. When the largest difference is that large, every difference is
//! divided by a power of two `2^k` that brings the largest one into [1, 4):
//! dividing by a power of two is exact, so the sums come out as the plain
//! sums divided by `2^k` (or `4^k` for squares), and the caller multiplies
//! the final metric back. Otherwise `k = 0` and the sums are the plain
//! formulas, bit for bit.
//!
//! Terms far smaller than the largest one may lose their last bits when
//! divided (below `2^(k − 1074)`); they are below the rounding of a sum that
//! holds the largest term, so the result is as accurate as a plain sum in
//! a wider exponent range would be.

/// The largest half-difference `|a/2 − b/2|` that is used unscaled: then
/// every difference is at most 2^480, its square at most 2^960, and a sum of
/// up to 2^63 squares stays below `f64::MAX` (about 2^1024).
const LARGEST_UNSCALED_HALF: f64 = f64::from_bits((479 + 1023) << 52); // 2^479 ≈ 1.56e144

/// What is subtracted from each value.
#[derive(Debug, Clone, Copy)]
pub(super) enum Subtracted<'a> {
    /// Row `i` subtracts `values[i]`.
    Each(&'a [f64]),
    /// Every row subtracts the same number (e.g. the mean, or 0).
    All(f64),
}

impl Subtracted<'_> {
    fn at(&self, row: usize) -> f64 {
        match self {
            Subtracted::Each(values) => values[row],
            Subtracted::All(value) => *value,
        }
    }
}

/// The differences `minuends[i] − subtrahends[i]`, held divided by
/// `2^exponent` (see the module doc). Rows: the shorter of the two when both
/// are slices.
#[derive(Debug, Clone, Copy)]
pub(super) struct ScaledDifferences<'a> {
    minuends: &'a [f64],
    subtrahends: Subtracted<'a>,
    rows: usize,
    exponent: i32,
}

impl<'a> ScaledDifferences<'a> {
    /// The differences `minuends − subtrahends`, with the exponent chosen
    /// from the largest of them.
    pub(super) fn new(minuends: &'a [f64], subtrahends: Subtracted<'a>) -> Self {
        let rows = match subtrahends {
            Subtracted::Each(values) => minuends.len().min(values.len()),
            Subtracted::All(_) => minuends.len(),
        };
        let mut differences = ScaledDifferences {
            minuends,
            subtrahends,
            rows,
            exponent: 0,
        };
        differences.exponent = differences.needed_exponent();
        differences
    }

    /// `k`: every sum here is of the differences divided by `2^k`.
    pub(super) fn exponent(&self) -> i32 {
        self.exponent
    }

    /// `Σ d_i / 2^k`.
    pub(super) fn sum(&self) -> f64 {
        self.scaled().sum()
    }

    /// `Σ (d_i / 2^k)²`.
    pub(super) fn sum_of_squares(&self) -> f64 {
        self.scaled().map(|d| d.powi(2)).sum()
    }

    /// `Σ |d_i / 2^k|`.
    pub(super) fn sum_of_magnitudes(&self) -> f64 {
        self.scaled().map(f64::abs).sum()
    }

    /// Each `d_i / 2^k`, computed as `a_i / 2^k − b_i / 2^k` so that the
    /// subtraction cannot overflow; with `k = 0` exactly `a_i − b_i`.
    fn scaled(&self) -> impl Iterator<Item = f64> + '_ {
        let factor = times_power_of_two(1.0, -self.exponent);
        (0..self.rows).map(move |i| self.minuends[i] * factor - self.subtrahends.at(i) * factor)
    }

    /// 0 while the largest difference is at most 2^480 (or is not finite:
    /// then the sums are as infinite or NaN as the inputs); else the `k`
    /// that brings the largest difference into [1, 4).
    fn needed_exponent(&self) -> i32 {
        // Halves cannot overflow when subtracted: |a/2 − b/2| ≤ f64::MAX.
        let largest_half = (0..self.rows)
            .map(|i| (self.minuends[i] * 0.5 - self.subtrahends.at(i) * 0.5).abs())
            .fold(0.0, f64::max);
        if largest_half <= LARGEST_UNSCALED_HALF || !largest_half.is_finite() {
            0
        } else {
            // largest_half in [2^e, 2^(e+1)): the difference is in
            // [2^(e+1), 2^(e+2)), and over 2^(e+1) in [1, 4).
            binary_exponent(largest_half) + 1
        }
    }
}

/// `e` with `value` in `[2^e, 2^(e+1))`, for a positive normal `value`.
fn binary_exponent(value: f64) -> i32 {
    ((value.to_bits() >> 52) & 0x7ff) as i32 - 1023
}

/// `value · 2^exponent`, exact unless the result overflows or is
/// subnormal, for any `exponent` (2^exponent itself need not be an f64).
pub(super) fn times_power_of_two(mut value: f64, mut exponent: i32) -> f64 {
    // 2^±1000 are normal f64s, so every factor below is an exact power of two.
    const STEP: i32 = 1000;
    while exponent > STEP {
        value *= power_of_two(STEP);
        exponent -= STEP;
    }
    while exponent < -STEP {
        value *= power_of_two(-STEP);
        exponent += STEP;
    }
    value * power_of_two(exponent)
}

/// `2^exponent` for `exponent` in −1022..=1023 (the normal f64 range).
fn power_of_two(exponent: i32) -> f64 {
    debug_assert!((-1022..=1023).contains(&exponent));
    f64::from_bits(((exponent + 1023) as u64) << 52)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn powers_of_two_are_exact_across_the_whole_range() {
        assert_eq!(power_of_two(0), 1.0);
        assert_eq!(power_of_two(-1022), f64::MIN_POSITIVE);
        assert_eq!(power_of_two(1023), 8.98846567431158e307);
        // 2^-1024 is subnormal but exact; 2^-1074 is the smallest f64.
        assert_eq!(times_power_of_two(1.0, -1024), f64::MIN_POSITIVE / 4.0);
        assert_eq!(times_power_of_two(1.0, -1074), 5e-324);
        assert_eq!(times_power_of_two(0.5, 1024), power_of_two(1023));
        assert_eq!(times_power_of_two(3.0, 2000), f64::INFINITY);
        // f64::MAX = (2 − 2^-52)·2^1023.
        let max_down = (2.0 - f64::EPSILON) * 2f64.powi(1023 - 2000);
        assert_eq!(times_power_of_two(f64::MAX, -2000), max_down);
        assert_eq!(times_power_of_two(f64::MAX, -2100), 0.0); // below 2^-1075
        assert_eq!(times_power_of_two(-1.5, 0), -1.5);
    }

    #[test]
    fn ordinary_differences_are_not_scaled() {
        // The largest difference, 2^480 ≈ 3.12e144, is still unscaled.
        let big = LARGEST_UNSCALED_HALF * 2.0;
        assert_eq!(big, 3.1217485503159922e144); // Python: 2.0**480
        let values = [big, 1.0];
        let d = ScaledDifferences::new(&values, Subtracted::All(0.0));
        assert_eq!(d.exponent(), 0);
        assert_eq!(d.sum_of_squares(), big * big + 1.0);
    }

    #[test]
    fn a_difference_beyond_f64_max_is_held_scaled() {
        // f64::MAX − (−f64::MAX) = 2·MAX ≈ 2^1025: half of it is MAX, in
        // [2^1023, 2^1024), so k = 1024 and MAX/2^1024 = 1 − 2^-53 per side.
        let d = ScaledDifferences::new(&[f64::MAX], Subtracted::Each(&[-f64::MAX]));
        assert_eq!(d.exponent(), 1024);
        assert_eq!(d.sum(), 2.0 - f64::EPSILON);
        assert_eq!(d.sum_of_magnitudes(), 2.0 - f64::EPSILON);
    }

    #[test]
    fn non_finite_inputs_stay_non_finite() {
        let d = ScaledDifferences::new(&[f64::INFINITY, 1e300], Subtracted::All(0.0));
        assert_eq!(d.exponent(), 0);
        assert_eq!(d.sum(), f64::INFINITY);
    }
}
