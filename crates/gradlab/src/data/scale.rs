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

use crate::error::Result;
use crate::matrix::Matrix;

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
        let mut column = Matrix::zeros(values.len(), 1);
        column.as_mut_slice().copy_from_slice(values);
        self.fit(&column)
    }
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
    let mut mean = vec![0.0; data.cols()];
    for row in data.iter_rows() {
        for (sum, &x) in mean.iter_mut().zip(row) {
            *sum += x;
        }
    }
    mean.iter_mut().for_each(|sum| *sum /= count);
    let mut variance = vec![0.0; data.cols()];
    for row in data.iter_rows() {
        for ((sum, &x), &m) in variance.iter_mut().zip(row).zip(&mean) {
            *sum += (x - m) * (x - m);
        }
    }
    let std = variance.iter().map(|sum| (sum / count).sqrt()).collect();
    Scaler::Standard { mean, std }
}

/// A range or standard deviation of 0 would divide by zero: use 1.
fn nonzero(spread: f64) -> f64 {
    if spread == 0.0 {
        1.0
    } else {
        spread
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
            } => low + (value - min[column]) / nonzero(max[column] - min[column]) * (high - low),
            Scaler::Standard { mean, std } => (value - mean[column]) / nonzero(std[column]),
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
            } => min[column] + (scaled - low) / (high - low) * nonzero(max[column] - min[column]),
            Scaler::Standard { mean, std } => mean[column] + scaled * nonzero(std[column]),
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

    #[test]
    fn serde_names_are_kebab_case() {
        let json = serde_json::to_string(&Scaling::MinmaxSymmetric).unwrap();
        assert_eq!(json, "\"minmax-symmetric\"");
        let scaler = Scaler::Identity { columns: 2 };
        let json = serde_json::to_string(&scaler).unwrap();
        assert_eq!(json, r#"{"kind":"identity","columns":2}"#);
        let back: Scaler = serde_json::from_str(&json).unwrap();
        assert_eq!(back, scaler);
    }
}
