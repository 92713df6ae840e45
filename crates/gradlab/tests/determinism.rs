//! Invariance of a trained model's predictions (scikit-learn's
//! `check_methods_sample_order_invariance` and
//! `check_methods_subset_invariance`): what the model says about a row does
//! not depend on the other rows predicted with it — not on their order, not
//! on how many there are, not on the threads the matrix products use.
//!
//! # What holds, and why
//!
//! Measured for f32 and f64, both tasks, on networks whose first layer takes
//! the small fan-in path (2 inputs, plain dot products) or the GEMM
//! (12 inputs), with GEMM-sized 64 → 32 hidden layers, every prediction is
//! the same to the bit for any row order, any batch (chunks of 1, 2, 8, 64,
//! 1,000 and all 8,193 at once) and one thread or two. faer's GEMM sums each
//! output element over the inner dimension in an order that its row blocking
//! and its edge tiles do not change, and the threads of
//! `gradlab::matrix::gemm` split the output between them, never the sum
//! behind one element. A one-row product would take faer's matrix–vector
//! path instead (`matmul_imp`'s `dst.nrows() == 1` branch, a SIMD dot product
//! that sums in another order: a few roundings off, measured up to
//! 3.2 ε (|v| + σ)), so `Network::predict` computes a lone row as two copies
//! of it; the chunks of one row below check that this holds.

use gradlab::data::csv::{Column, ColumnValues, Table};
use gradlab::data::dataset::{Dataset, DatasetSpec};
use gradlab::data::fever;
use gradlab::fit::fit;
use gradlab::matrix;
use gradlab::model::{AnyModel, Predictions};
use gradlab::settings::FitSettings;
use gradlab::train::trainer::{Control, TrainSettings};
use gradlab::{Matrix, Precision};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Rows predicted at once: 2 · 4,096 + 1, so `Network::predict`, which
/// takes 4,096 rows at a time (`PREDICT_ROWS`), ends on a block of one row.
/// The 64 → 32 layer of the networks below multiplies 4,096 · 64 · 32 ≈
/// 8.4 M multiply-adds per block, above the 2²² (≈ 4.2 M) from which
/// `gradlab::matrix` hands a product to several threads.
const ROWS: usize = 2 * gradlab::nn::network::PREDICT_ROWS + 1;

/// Inputs of the wide table: more than 8, so that the first layer, too,
/// goes through the GEMM.
const WIDE_INPUTS: usize = 12;

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
                values: values.into(),
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
            values: y.into(),
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

/// Predicts the rows in consecutive chunks of `size` and compares each row
/// with `all_at_once`, bit for bit.
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
        assert_same_rows(&got, &want, &what);
    }
}

#[test]
fn predictions_in_batches_of_any_size_are_bit_identical() {
    for case in cases() {
        let all_at_once = row_bits(&case.model.predict(&case.inputs));
        // 8,193 = 1,024 · 8 + 1: the last chunk of 8 is one row.
        for size in [1, 2, 8, 64, 1_000] {
            check_chunks(&case, &all_at_once, size);
        }
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
