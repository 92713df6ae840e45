//! The course's example data: fever and medication (`docs/fever.md`: the
//! columns, the formulas and what a good model reaches).
//!
//! A patient's temperature now and a medication dose go in; out come the
//! temperature two hours later and its class. Each row is drawn from
//! `ChaCha8Rng::seed_from_u64(seed)` in this fixed order:
//!
//! 1. `u1 = U[0, 1)`; `temp_c = round(36 + 5·u1, 0.1)`, i.e. U(36, 41);
//! 2. `u2 = U[0, 1)`; when `u2 < 0.25` the dose is 0 (probability 0.25) and
//!    step 3 is skipped;
//! 3. `u3 = U[0, 1)`; `dose_mg = round(1000·u3 / 50)·50`, i.e. U(0, 1000)
//!    rounded to a multiple of 50;
//! 4. `z = N(0, 1)` (`rand_distr::StandardNormal`); the noise is `0.15·z`,
//!    i.e. N(0, 0.15²), which is what `rand_distr::Normal::new(0.0, 0.15)`
//!    draws.
//!
//! Then, from the rounded `temp_c` and `dose_mg`:
//!
//! ```text
//! excess    = max(temp_c − 37, 0)
//! effect    = 0.8 · dose_mg / (dose_mg + 300)
//! temp_2h_c = round(temp_c − excess · effect + noise, 0.01)
//! status_2h = status_for(temp_2h_c)
//! ```
//!
//! `U[0, 1)` is `rand::Rng::random::<f64>()`. The shipped `data/fever.csv`
//! is `write_csv(&generate(5000, 1), ..)`.

use crate::data::csv::{Column, ColumnValues, Table};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::StandardNormal;
use std::io::Write;

/// The column names, in file order.
pub const COLUMNS: [&str; 4] = ["temp_c", "dose_mg", "temp_2h_c", "status_2h"];

/// Standard deviation of the measurement noise on `temp_2h_c`, in °C.
pub const NOISE_STD_C: f64 = 0.15;

/// One patient.
#[derive(Clone, Debug, PartialEq)]
pub struct FeverRow {
    /// Temperature now, °C, a multiple of 0.1 in [36, 41].
    pub temp_c: f64,
    /// Medication dose, mg, a multiple of 50 in [0, 1000].
    pub dose_mg: f64,
    /// Temperature two hours later, °C, a multiple of 0.01.
    pub temp_2h_c: f64,
    /// The class of `temp_2h_c`: see [`status_for`].
    pub status_2h: &'static str,
}

/// `"normal"` below 37.0 °C, `"elevated"` from 37.0 to below 38.0,
/// `"fever"` from 38.0 up.
pub fn status_for(temp_2h_c: f64) -> &'static str {
    if temp_2h_c < 37.0 {
        "normal"
    } else if temp_2h_c < 38.0 {
        "elevated"
    } else {
        "fever"
    }
}

/// The temperature two hours later without noise or rounding: the
/// medication removes up to 80 % of the excess over 37 °C.
pub fn expected_temp_2h_c(temp_c: f64, dose_mg: f64) -> f64 {
    let excess = (temp_c - 37.0).max(0.0);
    let effect = 0.8 * dose_mg / (dose_mg + 300.0);
    temp_c - excess * effect
}

/// `rows` patients drawn from `seed` (see the module doc for the order of
/// the draws).
pub fn generate(rows: usize, seed: u64) -> Vec<FeverRow> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..rows).map(|_| draw_row(&mut rng)).collect()
}

fn draw_row(rng: &mut ChaCha8Rng) -> FeverRow {
    let temp_c = round_to(36.0 + 5.0 * rng.random::<f64>(), 10.0);
    let dose_mg = if rng.random::<f64>() < 0.25 {
        0.0
    } else {
        (1000.0 * rng.random::<f64>() / 50.0).round() * 50.0
    };
    let noise = NOISE_STD_C * rng.sample::<f64, _>(StandardNormal);
    let temp_2h_c = round_to(expected_temp_2h_c(temp_c, dose_mg) + noise, 100.0);
    FeverRow {
        temp_c,
        dose_mg,
        temp_2h_c,
        status_2h: status_for(temp_2h_c),
    }
}

/// `value` rounded to a multiple of `1 / per_unit` (10 → 0.1, 100 → 0.01).
fn round_to(value: f64, per_unit: f64) -> f64 {
    (value * per_unit).round() / per_unit
}

/// Writes the header and `rows` as CSV with `\n` line ends: `temp_c` with
/// one decimal, `dose_mg` with none, `temp_2h_c` with two.
pub fn write_csv(rows: &[FeverRow], out: impl Write) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::new(out);
    writeln!(out, "{}", COLUMNS.join(","))?;
    for row in rows {
        writeln!(
            out,
            "{:.1},{:.0},{:.2},{}",
            row.temp_c, row.dose_mg, row.temp_2h_c, row.status_2h
        )?;
    }
    out.flush()
}

/// The same data as a [`Table`] named `fever(seed=S)`, equal to what
/// reading [`write_csv`]'s output gives (the values are already rounded to
/// what the file shows). With `rows = 0` the table has the four columns and
/// no rows.
pub fn table(rows: usize, seed: u64) -> Table {
    let data = generate(rows, seed);
    let numeric = |name: &str, value: fn(&FeverRow) -> f64| Column {
        name: name.to_owned(),
        values: ColumnValues::Numeric {
            values: data.iter().map(value).collect(),
            first_bad: None,
        },
    };
    let columns = vec![
        numeric(COLUMNS[0], |row| row.temp_c),
        numeric(COLUMNS[1], |row| row.dose_mg),
        numeric(COLUMNS[2], |row| row.temp_2h_c),
        Column {
            name: COLUMNS[3].to_owned(),
            values: ColumnValues::Text(data.iter().map(|row| row.status_2h.to_owned()).collect()),
        },
    ];
    Table::from_columns(&format!("fever(seed={seed})"), columns)
        .expect("four distinct names and equally long columns")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::csv::CsvOptions;

    fn csv_text(rows: &[FeverRow]) -> String {
        let mut bytes = Vec::new();
        write_csv(rows, &mut bytes).unwrap();
        String::from_utf8(bytes).unwrap()
    }

    #[test]
    fn same_seed_same_rows_other_seed_other_rows() {
        assert_eq!(generate(100, 5), generate(100, 5));
        assert_ne!(generate(100, 5), generate(100, 6));
        // A prefix of a longer run is the shorter run.
        assert_eq!(generate(10, 5), generate(100, 5)[..10]);
    }

    #[test]
    fn values_stay_in_their_ranges_and_grids() {
        for row in generate(5_000, 2) {
            assert!((36.0..=41.0).contains(&row.temp_c), "{row:?}");
            assert!((row.temp_c * 10.0 - (row.temp_c * 10.0).round()).abs() < 1e-9);
            assert!((0.0..=1000.0).contains(&row.dose_mg), "{row:?}");
            assert_eq!(row.dose_mg % 50.0, 0.0, "{row:?}");
            // The medication only lowers the temperature, by at most
            // 0.8 · (41 − 37) = 3.2 °C; noise beyond ±6σ = ±0.9 is not expected.
            let drop = row.temp_c - row.temp_2h_c;
            assert!((-0.9..=3.2 + 0.9).contains(&drop), "{row:?}");
            assert_eq!(row.status_2h, status_for(row.temp_2h_c));
        }
    }

    #[test]
    fn status_thresholds() {
        assert_eq!(status_for(36.99), "normal");
        assert_eq!(status_for(37.0), "elevated");
        assert_eq!(status_for(37.99), "elevated");
        assert_eq!(status_for(38.0), "fever");
    }

    #[test]
    fn noise_free_formula_by_hand() {
        // 39 °C, 300 mg: excess 2, effect 0.8 · 300/600 = 0.4 → 39 − 0.8 = 38.2.
        assert!((expected_temp_2h_c(39.0, 300.0) - 38.2).abs() < 1e-12);
        // Below 37 °C nothing changes.
        assert_eq!(expected_temp_2h_c(36.5, 1000.0), 36.5);
    }

    #[test]
    fn class_shares_and_noise_match_design() {
        // docs/fever.md, measured on 200,000 rows: classes about 21 % / 33 % /
        // 46 % (normal / elevated / fever), noise floor RMSE 0.150 °C.
        let rows = generate(200_000, 11);
        let share = |status: &str| {
            rows.iter().filter(|r| r.status_2h == status).count() as f64 / rows.len() as f64
        };
        for (status, expected) in [("normal", 0.21), ("elevated", 0.33), ("fever", 0.46)] {
            let got = share(status);
            assert!((got - expected).abs() <= 0.02, "{status}: {got}");
        }
        let zero_dose = rows.iter().filter(|r| r.dose_mg == 0.0).count() as f64;
        // P(dose 0) = 0.25 + 0.75 · P(U(0,1000) < 25) = 0.25 + 0.75 · 0.025 = 0.26875.
        assert!((zero_dose / rows.len() as f64 - 0.26875).abs() < 0.005);
        let mean_square = rows
            .iter()
            .map(|r| (r.temp_2h_c - expected_temp_2h_c(r.temp_c, r.dose_mg)).powi(2))
            .sum::<f64>()
            / rows.len() as f64;
        let residual_std = mean_square.sqrt();
        assert!((residual_std - 0.15).abs() <= 0.01, "{residual_std}");
    }

    #[test]
    fn csv_layout() {
        let rows = [FeverRow {
            temp_c: 38.5,
            dose_mg: 0.0,
            temp_2h_c: 38.46,
            status_2h: "fever",
        }];
        assert_eq!(
            csv_text(&rows),
            "temp_c,dose_mg,temp_2h_c,status_2h\n38.5,0,38.46,fever\n"
        );
    }

    #[test]
    fn table_equals_the_csv_read_back() {
        let rows = generate(2_000, 3);
        let text = csv_text(&rows);
        let read = Table::read(text.as_bytes(), "fever(seed=3)", &CsvOptions::default()).unwrap();
        assert_eq!(table(2_000, 3), read);
        assert_eq!(table(2_000, 3).source_name(), "fever(seed=3)");
        assert_eq!(table(0, 3).rows(), 0);
    }

    #[test]
    fn shipped_file_is_seed_1_with_5000_rows() {
        let shipped = include_str!("../../../../data/fever.csv");
        assert_eq!(csv_text(&generate(5_000, 1)), shipped);
    }
}
