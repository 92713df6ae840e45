//! A seeded train/test split, stratified for classification.
//!
//! The rows are shuffled with `ChaCha8Rng::seed_from_u64(seed)`, so the same
//! seed gives the same split on every machine.
//!
//! - Regression: all row indices are shuffled once and the first
//!   `round(rows · test_fraction)` go to the test part.
//! - Classification: each class in label order has its rows shuffled (one
//!   generator, used class after class) and the first
//!   `round(count · test_fraction)` of them go to the test part, so each
//!   class keeps its share in both parts to within one row.

use crate::data::dataset::{Dataset, Target};
use crate::error::{Error, Result};
use crate::setting::Setting;
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// Row indices into a dataset, each list sorted ascending.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Split {
    /// Rows to train on.
    pub train: Vec<usize>,
    /// Rows held out to measure the model.
    pub test: Vec<usize>,
}

/// Splits `dataset`'s rows into a training and a test part.
///
/// `test_fraction` must lie strictly between 0 and 1, and neither part may
/// end up empty; otherwise [`Error::InvalidSetting`] (`test fraction`).
pub fn train_test_split(dataset: &Dataset, test_fraction: f64, seed: u64) -> Result<Split> {
    if !(test_fraction > 0.0 && test_fraction < 1.0) {
        return Err(Error::setting(
            Setting::TestFraction,
            format!("{test_fraction} is not between 0 and 1 (exclusive)"),
        ));
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut split = Split {
        train: Vec::new(),
        test: Vec::new(),
    };
    for mut group in strata(&dataset.target) {
        group.shuffle(&mut rng);
        let test_rows = (group.len() as f64 * test_fraction).round() as usize;
        split.test.extend_from_slice(&group[..test_rows]);
        split.train.extend_from_slice(&group[test_rows..]);
    }
    split.train.sort_unstable();
    split.test.sort_unstable();
    check_not_empty(&split, test_fraction, dataset.rows())?;
    Ok(split)
}

/// The groups of rows split separately: all rows for regression, one group
/// per class (in label order) for classification.
fn strata(target: &Target) -> Vec<Vec<usize>> {
    match target {
        Target::Regression(values) => vec![(0..values.len()).collect()],
        Target::Classification { labels, classes } => {
            let mut groups = vec![Vec::new(); labels.len()];
            for (row, &class) in classes.iter().enumerate() {
                groups[class].push(row);
            }
            groups
        }
    }
}

fn check_not_empty(split: &Split, test_fraction: f64, rows: usize) -> Result<()> {
    let empty_part = if split.test.is_empty() {
        "test"
    } else if split.train.is_empty() {
        "training"
    } else {
        return Ok(());
    };
    let message = if rows < 2 {
        format!(
            "{rows} data {} cannot be split into a training and a test part (at least 2 rows are needed)",
            if rows == 1 { "row" } else { "rows" }
        )
    } else {
        format!("{test_fraction} of {rows} data rows leaves the {empty_part} part empty")
    };
    Err(Error::setting(Setting::TestFraction, message))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matrix::Matrix;

    fn regression(rows: usize) -> Dataset {
        Dataset {
            input_names: vec!["x".into()],
            inputs: Matrix::zeros(rows, 1),
            target_name: "y".into(),
            target: Target::Regression((0..rows).map(|i| i as f64).collect()),
        }
    }

    fn classification(classes: Vec<usize>, labels: usize) -> Dataset {
        Dataset {
            input_names: vec!["x".into()],
            inputs: Matrix::zeros(classes.len(), 1),
            target_name: "y".into(),
            target: Target::Classification {
                labels: (0..labels).map(|i| format!("c{i}")).collect(),
                classes,
            },
        }
    }

    fn assert_partition(split: &Split, rows: usize) {
        let mut all: Vec<usize> = split.train.iter().chain(&split.test).copied().collect();
        all.sort_unstable();
        assert_eq!(all, (0..rows).collect::<Vec<_>>(), "disjoint and covering");
        assert!(split.train.windows(2).all(|w| w[0] < w[1]), "train sorted");
        assert!(split.test.windows(2).all(|w| w[0] < w[1]), "test sorted");
    }

    #[test]
    fn regression_split_has_the_right_sizes() {
        let split = train_test_split(&regression(10), 0.25, 7).unwrap();
        // round(10 · 0.25) = round(2.5) = 3 (round half away from zero).
        assert_eq!(split.test.len(), 3);
        assert_eq!(split.train.len(), 7);
        assert_partition(&split, 10);
    }

    #[test]
    fn same_seed_same_split_other_seed_other_split() {
        let data = regression(100);
        let a = train_test_split(&data, 0.2, 1).unwrap();
        assert_eq!(a, train_test_split(&data, 0.2, 1).unwrap());
        // 20 of 100 rows: two seeds agreeing by chance is ~1 in C(100,20).
        assert_ne!(a, train_test_split(&data, 0.2, 2).unwrap());
    }

    #[test]
    fn stratified_split_keeps_class_shares() {
        // 60 rows of class 0, 30 of class 1, 10 of class 2, interleaved.
        let classes: Vec<usize> = (0..100)
            .map(|i| match i % 10 {
                0..=5 => 0,
                6..=8 => 1,
                _ => 2,
            })
            .collect();
        let data = classification(classes.clone(), 3);
        let split = train_test_split(&data, 0.3, 3).unwrap();
        assert_partition(&split, 100);
        let count = |rows: &[usize], class| rows.iter().filter(|&&r| classes[r] == class).count();
        // Expected test rows per class: 60·0.3 = 18, 30·0.3 = 9, 10·0.3 = 3.
        for (class, expected) in [(0, 18.0), (1, 9.0), (2, 3.0)] {
            let got = count(&split.test, class) as f64;
            assert!((got - expected).abs() <= 1.0, "class {class}: {got}");
        }
        assert_eq!(split.test.len(), 30);
    }

    #[test]
    fn fraction_out_of_range_is_refused() {
        let data = regression(10);
        for bad in [0.0, 1.0, -0.5, 1.5, f64::NAN] {
            let err = train_test_split(&data, bad, 0).unwrap_err();
            assert!(matches!(
                err,
                Error::InvalidSetting {
                    setting: Setting::TestFraction,
                    ..
                }
            ));
        }
    }

    #[test]
    fn an_empty_part_is_refused() {
        // round(3 · 0.1) = 0 test rows; round(3 · 0.9) = 3 test rows.
        let small = regression(3);
        let err = train_test_split(&small, 0.1, 0).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid test fraction: 0.1 of 3 data rows leaves the test part empty"
        );
        let err = train_test_split(&small, 0.9, 0).unwrap_err();
        assert!(err.to_string().contains("training part empty"), "{err}");
        let err = train_test_split(&regression(1), 0.5, 0).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid test fraction: 1 data row cannot be split into a training and a test part (at least 2 rows are needed)"
        );
    }
}
