//! Scaling columns: the settings ([`Scaling`]) and the fitted scaler
//! ([`Scaler`]), as in linfa.
//!
//! A scaler is fitted on the training rows only and stored in the model file,
//! so that new inputs are scaled the same way and predictions are turned back
//! into the target's units. Per column `j`:
//!
//! - min-max to `[low, high]`:
//!   `s = low + (x − min_j) / range_j · (high − low)`, inverse
//!   `x = min_j + (s − low) / (high − low) · range_j`, where
//!   `range_j = max_j − min_j`, or 1 for a constant column (as scikit-learn
//!   does), which then maps to `low`;
//! - standard: `s = (x − mean_j) / std_j`, inverse `x = mean_j + s · std_j`,
//!   with the population standard deviation (divided by `n`, as
//!   scikit-learn) and `std_j = 0` used as 1;
//! - identity: `s = x`.
//!
//! # Huge values
//!
//! Every finite column fits, up to ±`f64::MAX`, and the fitted numbers are
//! always finite: the mean and deviation are computed on the column divided
//! by a power of two near its largest magnitude (so that no sum of squares
//! overflows), and a difference that overflows (`1.7e308 − (−1.7e308)`) is
//! taken of halves. Both steps are exact for normal numbers, so ordinary
//! columns get the textbook formulas' results to the bit.

use crate::element::Float;
use crate::error::{Error, Result};
use crate::matrix::Matrix;
use crate::named::named_variants;

/// How to scale: the settings, before fitting.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scaling {
    /// Min-max to `[0, 1]`.
    #[default]
    Minmax,
    /// Min-max to `[-1, 1]`.
    MinmaxSymmetric,
    /// Zero mean, unit (population) standard deviation.
    Standard,
    /// No scaling.
    None,
}

named_variants!(Scaling {
    Scaling::Minmax => Scaling::Minmax, "minmax", "min-max to [0, 1]";
    Scaling::MinmaxSymmetric => Scaling::MinmaxSymmetric, "minmax-symmetric", "min-max to [−1, 1]";
    Scaling::Standard => Scaling::Standard, "standard", "zero mean, unit standard deviation";
    Scaling::None => Scaling::None, "none", "no scaling";
});

/// A fitted scaler: the numbers [`Scaling::fit`] found, one per column.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Scaler {
    /// `low + (x − min) / (max − min) · (high − low)`; a range of 0 counts as 1.
    Minmax {
        /// Smallest value of each column.
        min: Vec<f64>,
        /// Largest value of each column.
        max: Vec<f64>,
        /// Where `min` maps to.
        low: f64,
        /// Where `max` maps to.
        high: f64,
    },
    /// `(x − mean) / std`; a std of 0 counts as 1.
    Standard {
        /// Mean of each column.
        mean: Vec<f64>,
        /// Population standard deviation of each column.
        std: Vec<f64>,
    },
    /// Leaves values as they are.
    Identity {
        /// Number of columns.
        columns: usize,
    },
}

impl Scaling {
    /// Fits the scaler to the columns of `data` (rows are samples). A
    /// column with no rows fits as min = max = 0, mean = std = 0.
    pub fn fit(self, data: &Matrix<f64>) -> Scaler {
        match self {
            Scaling::Minmax => fit_minmax(data, 0.0, 1.0),
            Scaling::MinmaxSymmetric => fit_minmax(data, -1.0, 1.0),
            Scaling::Standard => fit_standard(data),
            Scaling::None => Scaler::Identity {
                columns: data.cols(),
            },
        }
    }

    /// Fits a one-column scaler to `values` (e.g. a regression target).
    pub fn fit_column(self, values: &[f64]) -> Scaler {
        self.fit(&one_column(values))
    }

    /// [`Scaling::fit`] as training uses it: a column holding NaN or an
    /// infinity, or (which finite values never give, however large) a
    /// fitted number that is not finite, is [`Error::BadData`] naming the
    /// column (`names[j]` is column `j`'s name) and the value.
    pub fn fit_finite(self, data: &Matrix<f64>, names: &[String]) -> Result<Scaler> {
        let bad_value = data
            .iter_rows()
            .flat_map(|row| row.iter().enumerate())
            .find(|(_, x)| !x.is_finite());
        let scaler = self.fit(data);
        let message = match (bad_value, scaler.first_non_finite()) {
            (Some((j, x)), _) => format!("column '{}' holds {x}, which cannot be scaled", names[j]),
            (None, Some((j, parameter, value))) => format!(
                "column '{}': its fitted {parameter} is {value}, not a finite number",
                names[j]
            ),
            (None, None) => return Ok(scaler),
        };
        Err(Error::BadData {
            source_name: "training data".to_owned(),
            message,
        })
    }

    /// [`Scaling::fit_finite`] for one column named `name` (e.g. a
    /// regression target).
    pub fn fit_column_finite(self, values: &[f64], name: &str) -> Result<Scaler> {
        self.fit_finite(&one_column(values), &[name.to_owned()])
    }
}

/// `values` as an `n × 1` matrix.
fn one_column(values: &[f64]) -> Matrix<f64> {
    Matrix::from_vec(values.len(), 1, values.to_vec()).expect("n × 1")
}

fn fit_minmax(data: &Matrix<f64>, low: f64, high: f64) -> Scaler {
    let mut min = vec![f64::INFINITY; data.cols()];
    let mut max = vec![f64::NEG_INFINITY; data.cols()];
    for row in data.iter_rows() {
        for (j, &x) in row.iter().enumerate() {
            min[j] = min[j].min(x);
            max[j] = max[j].max(x);
        }
    }
    if data.rows() == 0 {
        min.fill(0.0);
        max.fill(0.0);
    }
    Scaler::Minmax {
        min,
        max,
        low,
        high,
    }
}

fn fit_standard(data: &Matrix<f64>) -> Scaler {
    let count = data.rows().max(1) as f64;
    let units: Vec<f64> = largest_magnitudes(data)
        .into_iter()
        .map(power_of_two_at_most)
        .collect();
    // Mean and variance in units of `units[j]`: every value is then below
    // 2 in size, so no sum overflows.
    let mut mean = vec![0.0; data.cols()];
    for row in data.iter_rows() {
        for ((sum, &x), &unit) in mean.iter_mut().zip(row).zip(&units) {
            *sum += x / unit;
        }
    }
    mean.iter_mut().for_each(|sum| *sum /= count);
    let mut variance = vec![0.0; data.cols()];
    for row in data.iter_rows() {
        for (((sum, &x), &m), &unit) in variance.iter_mut().zip(row).zip(&mean).zip(&units) {
            *sum += (x / unit - m) * (x / unit - m);
        }
    }
    let in_units = |scaled: f64, unit: f64| within_f64_range(scaled * unit);
    Scaler::Standard {
        mean: mean
            .iter()
            .zip(&units)
            .map(|(&m, &unit)| in_units(m, unit))
            .collect(),
        std: (variance.iter().zip(&units))
            .map(|(&sum, &unit)| in_units((sum / count).sqrt(), unit))
            .collect(),
    }
}

/// The largest |x| of each column (0 for no rows; NaN when the column
/// holds one).
fn largest_magnitudes(data: &Matrix<f64>) -> Vec<f64> {
    let mut largest = vec![0.0_f64; data.cols()];
    for row in data.iter_rows() {
        for (m, &x) in largest.iter_mut().zip(row) {
            *m = if x.is_nan() { x } else { m.max(x.abs()) };
        }
    }
    largest
}

/// The power of two at or just below `magnitude`; 1 for 0, subnormal and
/// non-finite magnitudes. Dividing a column by it is exact (for normal
/// numbers) and leaves every value below 2 in size.
fn power_of_two_at_most(magnitude: f64) -> f64 {
    const EXPONENT_BITS: u64 = 0x7FF0_0000_0000_0000;
    if magnitude.is_normal() {
        f64::from_bits(magnitude.to_bits() & EXPONENT_BITS)
    } else {
        1.0
    }
}

/// `value`, or ±`f64::MAX` when rounding took it just past: a mean or
/// deviation of finite numbers is never larger than the largest of them.
fn within_f64_range(value: f64) -> f64 {
    value.clamp(-f64::MAX, f64::MAX)
}

/// `(a − b) / (c − d)`, with `c − d = 0` counting as 1, for finite numbers
/// whose differences may overflow (`1.7e308 − (−1.7e308)`): then both are
/// taken of halves, which changes nothing but the range (halving is exact
/// for normal numbers).
fn ratio_of_differences(a: f64, b: f64, c: f64, d: f64) -> f64 {
    let (numerator, denominator) = (a - b, c - d);
    if denominator == 0.0 {
        numerator
    } else if numerator.is_finite() && denominator.is_finite() {
        numerator / denominator
    } else {
        (a / 2.0 - b / 2.0) / (c / 2.0 - d / 2.0)
    }
}

/// `a + t · (c − d)`, with `c − d = 0` counting as 1, computed on halves
/// when it overflows part-way (see [`ratio_of_differences`]); infinite only
/// when the result itself is beyond `f64`'s range.
fn plus_times_difference(a: f64, t: f64, c: f64, d: f64) -> f64 {
    let spread = c - d;
    if spread == 0.0 {
        return a + t;
    }
    let direct = a + t * spread;
    if direct.is_finite() {
        direct
    } else {
        2.0 * (a / 2.0 + t * (c / 2.0 - d / 2.0))
    }
}

impl Scaler {
    /// Number of columns the scaler was fitted to.
    pub fn columns(&self) -> usize {
        match self {
            Scaler::Minmax { min, .. } => min.len(),
            Scaler::Standard { mean, .. } => mean.len(),
            Scaler::Identity { columns } => *columns,
        }
    }

    /// Scales one value of column `column`. Panics when `column` is out of
    /// range (shapes are the engine's business).
    pub fn transform_value(&self, column: usize, value: f64) -> f64 {
        match self {
            Scaler::Minmax {
                min,
                max,
                low,
                high,
            } => {
                low + ratio_of_differences(value, min[column], max[column], min[column])
                    * (high - low)
            }
            Scaler::Standard { mean, std } => {
                ratio_of_differences(value, mean[column], std[column], 0.0)
            }
            Scaler::Identity { .. } => value,
        }
    }

    /// Turns one scaled value of column `column` back into original units.
    /// Panics when `column` is out of range.
    pub fn inverse_value(&self, column: usize, scaled: f64) -> f64 {
        match self {
            Scaler::Minmax {
                min,
                max,
                low,
                high,
            } => plus_times_difference(
                min[column],
                (scaled - low) / (high - low),
                max[column],
                min[column],
            ),
            Scaler::Standard { mean, std } => {
                plus_times_difference(mean[column], scaled, std[column], 0.0)
            }
            Scaler::Identity { .. } => scaled,
        }
    }

    /// Scales one row into `out`; both have [`Scaler::columns`] elements.
    pub fn transform_row(&self, row: &[f64], out: &mut [f64]) {
        debug_assert_eq!(row.len(), out.len(), "transform_row: lengths differ");
        for (column, (value, scaled)) in row.iter().zip(out.iter_mut()).enumerate() {
            *scaled = self.transform_value(column, *value);
        }
    }

    /// Scales every row of `data`.
    pub fn transform(&self, data: &Matrix<f64>) -> Matrix<f64> {
        self.map_values(data, |column, value| self.transform_value(column, value))
    }

    /// Scales every row of `data` into a matrix of precision `T`: the
    /// numbers of [`Scaler::transform`] then [`Matrix::convert`], in one
    /// pass and without the f64 copy in between.
    pub fn transform_as<T: Float>(&self, data: &Matrix<f64>) -> Matrix<T> {
        self.transform_rows_as(data, 0..data.rows())
    }

    /// [`Scaler::transform_as`] of the rows `rows` of `data`, in that order
    /// (for a part of a dataset, without copying the part first). Panics
    /// when a row is out of range.
    pub fn transform_rows_as<T: Float>(
        &self,
        data: &Matrix<f64>,
        rows: impl ExactSizeIterator<Item = usize>,
    ) -> Matrix<T> {
        let mut scaled = Matrix::zeros(rows.len(), data.cols());
        for (out, row) in rows.enumerate() {
            let cells = scaled.row_mut(out).iter_mut().zip(data.row(row));
            for (column, (cell, &value)) in cells.enumerate() {
                *cell = T::from_f64(self.transform_value(column, value));
            }
        }
        scaled
    }

    /// Turns every row of scaled `data` back into original units.
    pub fn inverse_transform(&self, data: &Matrix<f64>) -> Matrix<f64> {
        self.map_values(data, |column, value| self.inverse_value(column, value))
    }

    fn map_values(&self, data: &Matrix<f64>, f: impl Fn(usize, f64) -> f64) -> Matrix<f64> {
        let mut out = data.clone();
        for r in 0..out.rows() {
            for (column, value) in out.row_mut(r).iter_mut().enumerate() {
                *value = f(column, *value);
            }
        }
        out
    }

    /// Checks a scaler read from a model file: finite numbers, one of each
    /// per column, `min <= max`, `std >= 0`, `low < high`. The error says
    /// what is wrong.
    pub fn check(&self) -> Result<(), String> {
        match self {
            Scaler::Minmax {
                min,
                max,
                low,
                high,
            } => check_minmax(min, max, *low, *high),
            Scaler::Standard { mean, std } => check_standard(mean, std),
            Scaler::Identity { .. } => Ok(()),
        }
    }

    /// The first fitted number that is not finite, by column: the column,
    /// the number's name (`min`, `max`, `mean` or `std`) and its value.
    pub fn first_non_finite(&self) -> Option<(usize, &'static str, f64)> {
        let fitted: [(&'static str, &[f64]); 2] = match self {
            Scaler::Minmax { min, max, .. } => [("min", min), ("max", max)],
            Scaler::Standard { mean, std } => [("mean", mean), ("std", std)],
            Scaler::Identity { .. } => return None,
        };
        (0..self.columns()).find_map(|j| {
            fitted.iter().find_map(|&(name, values)| {
                let value = *values.get(j)?;
                (!value.is_finite()).then_some((j, name, value))
            })
        })
    }

    /// The [`Scaling`] this scaler is a fit of; `None` for a min-max target
    /// range (`low`, `high`) that no setting gives.
    pub fn scaling(&self) -> Option<Scaling> {
        match self {
            Scaler::Minmax { low, high, .. } if (*low, *high) == (0.0, 1.0) => {
                Some(Scaling::Minmax)
            }
            Scaler::Minmax { low, high, .. } if (*low, *high) == (-1.0, 1.0) => {
                Some(Scaling::MinmaxSymmetric)
            }
            Scaler::Minmax { .. } => None,
            Scaler::Standard { .. } => Some(Scaling::Standard),
            Scaler::Identity { .. } => Some(Scaling::None),
        }
    }
}

fn check_finite(name: &str, values: &[f64]) -> Result<(), String> {
    match values.iter().position(|v| !v.is_finite()) {
        Some(j) => Err(format!("{name}[{j}] is {}, not a finite number", values[j])),
        None => Ok(()),
    }
}

fn check_minmax(min: &[f64], max: &[f64], low: f64, high: f64) -> Result<(), String> {
    if min.len() != max.len() {
        return Err(format!("{} minimums but {} maximums", min.len(), max.len()));
    }
    check_finite("min", min)?;
    check_finite("max", max)?;
    check_finite("low/high", &[low, high])?;
    if let Some(j) = (0..min.len()).find(|&j| min[j] > max[j]) {
        return Err(format!(
            "min[{j}] = {} exceeds max[{j}] = {}",
            min[j], max[j]
        ));
    }
    if low >= high {
        return Err(format!("low = {low} is not below high = {high}"));
    }
    Ok(())
}

fn check_standard(mean: &[f64], std: &[f64]) -> Result<(), String> {
    if mean.len() != std.len() {
        return Err(format!(
            "{} means but {} standard deviations",
            mean.len(),
            std.len()
        ));
    }
    check_finite("mean", mean)?;
    check_finite("std", std)?;
    match std.iter().position(|&s| s < 0.0) {
        Some(j) => Err(format!("std[{j}] = {} is negative", std[j])),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_names_every_scaling() {
        crate::named::assert_sound_list::<Scaling>();
    }

    fn matrix(rows: &[Vec<f64>]) -> Matrix<f64> {
        Matrix::from_rows(rows).unwrap()
    }

    fn assert_close(a: &[f64], b: &[f64], tolerance: f64) {
        assert_eq!(a.len(), b.len());
        for (x, y) in a.iter().zip(b) {
            assert!((x - y).abs() <= tolerance, "{a:?} vs {b:?}");
        }
    }

    fn sample() -> Matrix<f64> {
        // Column 0: 36, 38, 41; column 1: 0, 500, 1000.
        matrix(&[vec![36.0, 0.0], vec![38.0, 500.0], vec![41.0, 1000.0]])
    }

    #[test]
    fn minmax_maps_to_zero_one() {
        let scaler = Scaling::Minmax.fit(&sample());
        let scaled = scaler.transform(&sample());
        // (38 − 36)/(41 − 36) = 0.4; (500 − 0)/1000 = 0.5.
        assert_close(scaled.as_slice(), &[0.0, 0.0, 0.4, 0.5, 1.0, 1.0], 1e-15);
    }

    #[test]
    fn scaling_into_a_precision_equals_scaling_then_converting() {
        let data = matrix(&[
            vec![36.6, 0.1],
            vec![38.25, 333.3],
            vec![41.05, 1000.0],
            vec![37.0, 0.7],
        ]);
        for scaling in [Scaling::Minmax, Scaling::Standard, Scaling::None] {
            let scaler = scaling.fit(&data);
            let both: Matrix<f32> = scaler.transform(&data).convert();
            assert_eq!(
                scaler.transform_as::<f32>(&data).as_slice(),
                both.as_slice()
            );
            let rows: Matrix<f64> = scaler.transform_rows_as(&data, [3, 1].into_iter());
            assert_eq!(rows.row(0), scaler.transform(&data).row(3));
            assert_eq!(rows.row(1), scaler.transform(&data).row(1));
        }
    }

    #[test]
    fn symmetric_minmax_maps_to_minus_one_one() {
        let scaler = Scaling::MinmaxSymmetric.fit(&sample());
        // −1 + 0.4 · 2 = −0.2; −1 + 0.5 · 2 = 0.
        assert_close(&[scaler.transform_value(0, 38.0)], &[-0.2], 1e-15);
        assert_close(&[scaler.transform_value(1, 500.0)], &[0.0], 1e-15);
        assert_close(&[scaler.inverse_value(0, 1.0)], &[41.0], 1e-12);
    }

    #[test]
    fn standard_uses_population_std() {
        let scaler = Scaling::Standard.fit_column(&[1.0, 2.0, 3.0, 4.0]);
        // mean 2.5; variance (2.25 + 0.25 + 0.25 + 2.25)/4 = 1.25; std √1.25.
        match &scaler {
            Scaler::Standard { mean, std } => {
                assert_close(mean, &[2.5], 1e-15);
                assert_close(std, &[1.25f64.sqrt()], 1e-15);
            }
            other => panic!("expected standard, got {other:?}"),
        }
        // (4 − 2.5)/√1.25 = 1.3416407864998738.
        assert_close(
            &[scaler.transform_value(0, 4.0)],
            &[1.3416407864998738],
            1e-15,
        );
    }

    #[test]
    fn round_trip_is_exact_to_1e_12() {
        let data = matrix(&[
            vec![36.1, 0.0, -3.5],
            vec![40.9, 950.0, 1e-3],
            vec![37.7, 250.0, 12.25],
        ]);
        for scaling in [
            Scaling::Minmax,
            Scaling::MinmaxSymmetric,
            Scaling::Standard,
            Scaling::None,
        ] {
            let scaler = scaling.fit(&data);
            let back = scaler.inverse_transform(&scaler.transform(&data));
            assert_close(back.as_slice(), data.as_slice(), 1e-12);
            assert_eq!(scaler.columns(), 3);
        }
    }

    #[test]
    fn constant_column_stays_finite_and_maps_to_low() {
        let data = matrix(&[vec![5.0], vec![5.0]]);
        let minmax = Scaling::MinmaxSymmetric.fit(&data);
        assert_eq!(minmax.transform_value(0, 5.0), -1.0);
        assert_eq!(minmax.inverse_value(0, -1.0), 5.0);
        // Range used as 1: 6 maps to −1 + (6 − 5)/1 · 2 = 1.
        assert_eq!(minmax.transform_value(0, 6.0), 1.0);
        let standard = Scaling::Standard.fit(&data);
        assert_eq!(standard.transform_value(0, 5.0), 0.0);
        assert_eq!(standard.transform_value(0, 7.0), 2.0);
        assert!(minmax.check().is_ok() && standard.check().is_ok());
    }

    #[test]
    fn transform_row_writes_into_out() {
        let scaler = Scaling::Minmax.fit(&sample());
        let mut out = [0.0; 2];
        scaler.transform_row(&[41.0, 250.0], &mut out);
        // (41 − 36)/5 = 1; 250/1000 = 0.25.
        assert_close(&out, &[1.0, 0.25], 1e-15);
    }

    #[test]
    fn empty_data_fits_finite_numbers() {
        let scaler = Scaling::Minmax.fit(&Matrix::zeros(0, 2));
        assert!(scaler.check().is_ok());
        assert!(Scaling::Standard.fit(&Matrix::zeros(0, 2)).check().is_ok());
    }

    #[test]
    fn check_finds_broken_scalers() {
        let bad_order = Scaler::Minmax {
            min: vec![2.0],
            max: vec![1.0],
            low: 0.0,
            high: 1.0,
        };
        assert!(bad_order.check().unwrap_err().contains("exceeds"));
        let bad_length = Scaler::Standard {
            mean: vec![0.0, 1.0],
            std: vec![1.0],
        };
        assert!(bad_length.check().is_err());
        let negative = Scaler::Standard {
            mean: vec![0.0],
            std: vec![-1.0],
        };
        assert!(negative.check().unwrap_err().contains("negative"));
        let infinite = Scaler::Minmax {
            min: vec![f64::NEG_INFINITY],
            max: vec![1.0],
            low: 0.0,
            high: 1.0,
        };
        assert!(infinite.check().is_err());
        let flipped = Scaler::Minmax {
            min: vec![0.0],
            max: vec![1.0],
            low: 1.0,
            high: 1.0,
        };
        assert!(flipped.check().is_err());
    }

    /// Columns whose squares, sums or ranges overflow `f64`, and one of
    /// subnormal numbers.
    fn extreme_columns() -> Vec<Vec<f64>> {
        vec![
            vec![1e300, -1e300, 5e299, 1.0],
            vec![1.7e308, -1.7e308, 0.0, 1.0],
            vec![f64::MAX, -f64::MAX, -f64::MAX, -f64::MAX],
            vec![f64::MAX; 3],
            vec![1e-320, 5e-324, 0.0],
        ]
    }

    #[test]
    fn huge_finite_columns_fit_finite_scalers_that_round_trip() {
        for column in extreme_columns() {
            for scaling in [Scaling::Minmax, Scaling::MinmaxSymmetric, Scaling::Standard] {
                let scaler = scaling.fit_column(&column);
                assert_eq!(scaler.check(), Ok(()), "{scaling:?} {column:?}");
                assert_eq!(scaler.scaling(), Some(scaling));
                let largest = column.iter().fold(0.0_f64, |m, x| m.max(x.abs()));
                for &x in &column {
                    let scaled = scaler.transform_value(0, x);
                    // Min-max lands in [−1, 1]; standard scores of n values
                    // stay below √n = 2 in size.
                    assert!(scaled.abs() <= 2.0, "{scaling:?}: {x} → {scaled}");
                    let back = scaler.inverse_value(0, scaled);
                    assert!(
                        (back - x).abs() <= 1e-14 * largest,
                        "{scaling:?}: {x} → {scaled} → {back}"
                    );
                }
            }
        }
    }

    #[test]
    fn a_column_of_plus_and_minus_max_has_mean_zero_and_std_max() {
        let scaler = Scaling::Standard.fit_column(&[f64::MAX, -f64::MAX]);
        // Population deviation of ±M about 0 is M exactly.
        assert_eq!(
            scaler,
            Scaler::Standard {
                mean: vec![0.0],
                std: vec![f64::MAX]
            }
        );
        assert_eq!(scaler.transform_value(0, -f64::MAX), -1.0);
        let minmax = Scaling::Minmax.fit_column(&[f64::MAX, -f64::MAX]);
        // The range 2·MAX overflows; 0 is its middle.
        assert_eq!(minmax.transform_value(0, 0.0), 0.5);
        assert_eq!(minmax.inverse_value(0, 0.0), -f64::MAX);
        assert_eq!(minmax.inverse_value(0, 0.5), 0.0);
        assert_eq!(minmax.inverse_value(0, 1.0), f64::MAX);
    }

    /// The textbook formulas, without `fit_standard`'s scaling of each column
    /// by a power of two.
    fn textbook_standard(column: &[f64]) -> (f64, f64) {
        let n = column.len() as f64;
        let mean = column.iter().sum::<f64>() / n;
        let variance = column.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / n;
        (mean, variance.sqrt())
    }

    #[test]
    fn ordinary_columns_get_the_textbook_numbers_to_the_bit() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5);
        for size in [1e-3, 1.0, 37.0, 1e6, 1e100] {
            for _ in 0..200 {
                let column: Vec<f64> = (0..rng.random_range(1..50))
                    .map(|_| rng.random_range(-size..size))
                    .collect();
                let Scaler::Standard { mean, std } = Scaling::Standard.fit_column(&column) else {
                    unreachable!()
                };
                let (want_mean, want_std) = textbook_standard(&column);
                assert_eq!(mean[0].to_bits(), want_mean.to_bits(), "{column:?}");
                assert_eq!(std[0].to_bits(), want_std.to_bits(), "{column:?}");
            }
        }
    }

    #[test]
    fn fit_finite_names_the_column_and_the_value() {
        let names = ["temp".to_string(), "dose".to_string()];
        let data = matrix(&[vec![1.0, 2.0], vec![3.0, f64::NAN]]);
        for scaling in [Scaling::Minmax, Scaling::Standard, Scaling::None] {
            let error = scaling.fit_finite(&data, &names).unwrap_err().to_string();
            assert_eq!(
                error,
                "training data: column 'dose' holds NaN, which cannot be scaled"
            );
        }
        let huge = matrix(&[vec![f64::MAX, 1.0], vec![-f64::MAX, 2.0]]);
        assert!(Scaling::Standard.fit_finite(&huge, &names).is_ok());
        let error = Scaling::Minmax
            .fit_column_finite(&[1.0, f64::NEG_INFINITY], "y")
            .unwrap_err();
        assert!(error.to_string().contains("'y' holds -inf"), "{error}");
    }

    #[test]
    fn first_non_finite_finds_the_column_and_the_number() {
        let scaler = Scaler::Standard {
            mean: vec![0.0, 1.0, f64::NAN],
            std: vec![1.0, f64::INFINITY, 1.0],
        };
        assert_eq!(scaler.first_non_finite(), Some((1, "std", f64::INFINITY)));
        assert_eq!(Scaling::Minmax.fit(&sample()).first_non_finite(), None);
    }

    #[test]
    fn a_scaler_knows_its_scaling() {
        for scaling in [
            Scaling::Minmax,
            Scaling::MinmaxSymmetric,
            Scaling::Standard,
            Scaling::None,
        ] {
            assert_eq!(scaling.fit(&sample()).scaling(), Some(scaling));
        }
        let other_range = Scaler::Minmax {
            min: vec![0.0],
            max: vec![1.0],
            low: -0.5,
            high: 1.0,
        };
        assert_eq!(other_range.scaling(), None);
    }

    #[test]
    fn serde_names_are_kebab_case() {
        for scaling in [
            Scaling::Minmax,
            Scaling::MinmaxSymmetric,
            Scaling::Standard,
            Scaling::None,
        ] {
            let json = serde_json::to_string(&scaling).unwrap();
            assert_eq!(json, format!("\"{}\"", scaling.name()));
        }
        let json = serde_json::to_string(&Scaling::MinmaxSymmetric).unwrap();
        assert_eq!(json, "\"minmax-symmetric\"");
        let scaler = Scaler::Identity { columns: 2 };
        let json = serde_json::to_string(&scaler).unwrap();
        assert_eq!(json, r#"{"kind":"identity","columns":2}"#);
        let back: Scaler = serde_json::from_str(&json).unwrap();
        assert_eq!(back, scaler);
    }
}
