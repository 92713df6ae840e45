//! Invariance of a trained model's predictions (scikit-learn's
//! `check_methods_sample_order_invariance` and
//! `check_methods_subset_invariance`): what the model says about a row does
//! not depend on the other rows predicted with it — not on their order, not
//! on how many there are, not on the threads the matrix products use.
//!
//! # What holds exactly, and what does not
//!
//! Measured for f32 and f64, both tasks, on networks whose first layer takes
//! the small fan-in path (2 inputs, plain dot products) or the GEMM
//! (12 inputs), with GEMM-sized 64 → 32 hidden layers:
//!
//! - Bit for bit: any row order, any batch of **two or more** rows (chunks
//!   of 2, 7, 64, 1,000 and all 2,500 at once), one thread or two. faer's
//!   GEMM sums each output element over the inner dimension in an order
//!   that its row blocking and its edge tiles do not change, and the
//!   threads of `gradlab::matrix::gemm` split the output between them,
//!   never the sum behind one element.
//! - Not bit for bit: a row predicted **alone**. For a one-row product
//!   `x · Wᵀ` (`1 × n`, `n > 1`) faer's `matmul` does not run its GEMM but a
//!   matrix–vector product (`linalg/matmul/mod.rs`, `matmul_imp`: the
//!   `dst.nrows() == 1` branch → `matvec_rowmajor` → the SIMD dot product
//!   `dot::inner_prod_no_conj_simd`), which sums in SIMD lanes and then
//!   across them: another order, so other roundings. (A one-column product,
//!   the regression output layer, takes the matrix–vector path at every
//!   batch size, so it is consistent.) The difference is a few units of
//!   rounding: at most 3.2 ε (|v| + σ) measured on these models, where ε is
//!   the precision's machine epsilon, v the prediction and σ the target's
//!   scale (1 for probabilities). The tests allow 8 such units
//!   ([`SINGLE_ROW_ULPS`]).

use gradlab::data::csv::{Column, ColumnValues, Table};
use gradlab::data::dataset::{Dataset, DatasetSpec};
use gradlab::data::fever;
use gradlab::fit::{fit, FitSettings};
use gradlab::matrix;
use gradlab::model::{AnyModel, Predictions};
use gradlab::train::trainer::{Control, TrainSettings};
use gradlab::{Matrix, Precision};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Rows predicted at once. The 64 → 32 layer of the networks below then
/// multiplies 2,500 · 64 · 32 ≈ 5.1 M multiply-adds, above the 2²²
/// (≈ 4.2 M) from which `gradlab::matrix` hands a product to several threads.
const ROWS: usize = 2_500;

/// Inputs of the wide table: more than 8, so that the first layer, too,
/// goes through the GEMM.
const WIDE_INPUTS: usize = 12;

/// How far a row predicted alone may be from the same row predicted in a
/// batch, in units of ε (|v| + σ) (see the module doc: 3.2 measured).
const SINGLE_ROW_ULPS: f64 = 8.0;

/// A model trained briefly on `table` (hidden 64, 32: GEMM-sized layers).
fn trained(table: &Table, target: &str, precision: Precision) -> AnyModel {
    let spec = DatasetSpec {
        target: target.to_string(),
        ..DatasetSpec::default()
    };
    let dataset = Dataset::from_table(table, &spec).unwrap();
    let settings = FitSettings {
        hidden: vec![64, 32],
        precision,
        train: TrainSettings {
            epochs: 2,
            ..TrainSettings::default()
        },
        ..FitSettings::default()
    };
    fit(&dataset, &settings, |_| Control::Continue)
        .unwrap()
        .model
}

/// The fever table's two inputs (small fan-in path in the first layer)
/// without the other target column.
fn fever_table(rows: usize, seed: u64, target: &str) -> Table {
    let full = fever::table(rows, seed);
    let keep = ["temp_c", "dose_mg", target];
    let columns = full
        .columns()
        .iter()
        .filter(|c| keep.contains(&c.name.as_str()))
        .cloned()
        .collect();
    Table::from_columns("fever", columns).unwrap()
}

/// `WIDE_INPUTS` uniform inputs and a target made from them: a numeric
/// `y` (regression) or its sign class `neg` / `pos` (classification).
fn wide_table(rows: usize, seed: u64, classification: bool) -> Table {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let inputs: Vec<Vec<f64>> = (0..WIDE_INPUTS)
        .map(|_| (0..rows).map(|_| rng.random_range(-3.0..3.0)).collect())
        .collect();
    let y: Vec<f64> = (0..rows)
        .map(|r| {
            inputs
                .iter()
                .enumerate()
                .map(|(i, c)| c[r] * (i as f64 - 5.5))
                .sum()
        })
        .collect();
    let mut columns: Vec<Column> = inputs
        .into_iter()
        .enumerate()
        .map(|(i, values)| Column {
            name: format!("x{i}"),
            values: ColumnValues::Numeric {
                values,
                first_bad: None,
            },
        })
        .collect();
    let target = if classification {
        ColumnValues::Text(
            y.iter()
                .map(|&v| if v < 0.0 { "neg" } else { "pos" }.to_string())
                .collect(),
        )
    } else {
        ColumnValues::Numeric {
            values: y,
            first_bad: None,
        }
    };
    columns.push(Column {
        name: "y".into(),
        values: target,
    });
    Table::from_columns("wide", columns).unwrap()
}

/// A model to check, and raw inputs (columns in its input order) to predict.
struct Case {
    name: String,
    model: AnyModel,
    inputs: Matrix<f64>,
}

/// Both tasks, both precisions, narrow (2 inputs) and wide (12 inputs).
fn cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for precision in [Precision::F32, Precision::F64] {
        for target in ["temp_2h_c", "status_2h"] {
            let model = trained(&fever_table(400, 1, target), target, precision);
            let fresh = fever_table(ROWS, 2, target);
            let inputs = fresh.numeric_matrix(&model.info().input_columns).unwrap();
            cases.push(Case {
                name: format!("fever {target} {precision:?}"),
                model,
                inputs,
            });
        }
        for classification in [false, true] {
            let model = trained(&wide_table(400, 1, classification), "y", precision);
            let fresh = wide_table(ROWS, 2, classification);
            let inputs = fresh.numeric_matrix(&model.info().input_columns).unwrap();
            cases.push(Case {
                name: format!("wide classification={classification} {precision:?}"),
                model,
                inputs,
            });
        }
    }
    cases
}

/// Every number the model outputs for each row, as bits: the value
/// (regression) or the probabilities and the class (classification).
fn row_bits(predictions: &Predictions) -> Vec<Vec<u64>> {
    match predictions {
        Predictions::Regression(values) => values.iter().map(|v| vec![v.to_bits()]).collect(),
        Predictions::Classification {
            probabilities,
            classes,
        } => probabilities
            .iter_rows()
            .zip(classes)
            .map(|(row, &class)| {
                row.iter()
                    .map(|p| p.to_bits())
                    .chain([class as u64])
                    .collect()
            })
            .collect(),
    }
}

/// The rows `indices` of `inputs`, in that order.
fn rows_of(inputs: &Matrix<f64>, indices: &[usize]) -> Matrix<f64> {
    let mut part = Matrix::zeros(indices.len(), inputs.cols());
    part.gather_rows(inputs, indices);
    part
}

/// Asserts row-by-row equality, naming the first row that differs.
fn assert_same_rows(got: &[Vec<u64>], want: &[Vec<u64>], what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: row count");
    if let Some(row) = (0..got.len()).find(|&r| got[r] != want[r]) {
        panic!(
            "{what}: row {row} differs: {:?} vs {:?}",
            as_floats(&got[row]),
            as_floats(&want[row])
        );
    }
}

fn as_floats(bits: &[u64]) -> Vec<f64> {
    bits.iter().map(|&b| f64::from_bits(b)).collect()
}

/// Asserts that a row predicted alone (`got`) is within [`SINGLE_ROW_ULPS`]
/// units ε (|v| + σ) of the batched prediction (`want`), number by number;
/// the predicted class must agree unless the batch's two most probable
/// classes are that close themselves.
fn assert_close_row(model: &AnyModel, got: &[u64], want: &[u64], what: &str) {
    let info = model.info();
    let epsilon = match info.precision {
        Precision::F32 => f64::from(f32::EPSILON),
        Precision::F64 => f64::EPSILON,
    };
    let sigma = info.target_scaler.as_ref().map_or(1.0, |scaler| {
        (scaler.inverse_value(0, 1.0) - scaler.inverse_value(0, 0.0)).abs()
    });
    let (got_values, want_values) = (as_floats(got), as_floats(want));
    let numbers = if info.labels.is_empty() {
        want.len()
    } else {
        want.len() - 1
    };
    let bound = |v: f64| SINGLE_ROW_ULPS * epsilon * (v.abs() + sigma);
    for (g, w) in got_values.iter().zip(&want_values).take(numbers) {
        assert!(
            (g - w).abs() <= bound(*w),
            "{what}: {got_values:?} vs {want_values:?}"
        );
    }
    if numbers < want.len() {
        let mut sorted = want_values[..numbers].to_vec();
        sorted.sort_by(|a, b| b.total_cmp(a));
        if sorted[0] - sorted[1] > 2.0 * bound(1.0) {
            assert_eq!(got.last(), want.last(), "{what}: class");
        }
    }
}

/// Predicts the rows in consecutive chunks of `size` and compares each row
/// with `all_at_once`: bits in chunks of two or more rows, within the bound
/// for a row predicted alone (the last chunk may be one row).
fn check_chunks(case: &Case, all_at_once: &[Vec<u64>], size: usize) {
    let indices: Vec<usize> = (0..case.inputs.rows()).collect();
    for chunk in indices.chunks(size) {
        let got = row_bits(&case.model.predict(&rows_of(&case.inputs, chunk)));
        let want: Vec<Vec<u64>> = chunk.iter().map(|&r| all_at_once[r].clone()).collect();
        let what = format!(
            "{}: rows {}..{} in a batch of {} vs all {ROWS} at once",
            case.name,
            chunk[0],
            chunk[0] + chunk.len(),
            chunk.len()
        );
        if chunk.len() >= 2 {
            assert_same_rows(&got, &want, &what);
        } else {
            assert_close_row(&case.model, &got[0], &want[0], &what);
        }
    }
}

#[test]
fn predictions_in_batches_of_two_or_more_rows_are_bit_identical() {
    for case in cases() {
        let all_at_once = row_bits(&case.model.predict(&case.inputs));
        // 2,500 = 357 · 7 + 1: the last chunk of 7 is one row.
        for size in [2, 7, 64, 1_000] {
            check_chunks(&case, &all_at_once, size);
        }
    }
}

#[test]
fn a_row_predicted_alone_is_within_a_few_roundings() {
    for case in cases() {
        let all_at_once = row_bits(&case.model.predict(&case.inputs));
        check_chunks(&case, &all_at_once, 1);
    }
}

#[test]
fn predictions_do_not_depend_on_the_row_order() {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    for case in cases() {
        let original = row_bits(&case.model.predict(&case.inputs));
        let mut order: Vec<usize> = (0..ROWS).collect();
        order.shuffle(&mut rng);
        let permuted = row_bits(&case.model.predict(&rows_of(&case.inputs, &order)));
        let expected: Vec<Vec<u64>> = order.iter().map(|&i| original[i].clone()).collect();
        assert_same_rows(
            &permuted,
            &expected,
            &format!("{}: shuffled rows", case.name),
        );
    }
}

#[test]
fn predictions_do_not_depend_on_the_thread_count() {
    // `set_threads` is process-wide; the other tests of this file hold at
    // any thread count, so changing it while they run cannot break them.
    for case in cases() {
        matrix::set_threads(1);
        let one = row_bits(&case.model.predict(&case.inputs));
        matrix::set_threads(2);
        let two = row_bits(&case.model.predict(&case.inputs));
        matrix::set_threads(0);
        assert_same_rows(&two, &one, &format!("{}: 2 threads vs 1", case.name));
    }
}
