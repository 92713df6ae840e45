//! Properties over generated inputs, run by `cargo test` (proptest):
//!
//! - any valid table, written as CSV, reads back to the same numbers,
//!   trains, and its model file round-trips to an equal model with
//!   bit-identical predictions;
//! - a valid CSV text with one defect (a cell dropped or added, a cell that
//!   is not a finite number, a stray quote, invalid UTF-8) is refused with
//!   an error naming the place, never a panic; the same text with CRLF line
//!   ends reads as the same table;
//! - random bytes, every truncation and every single bit flip of a model
//!   file are refused or (a flip that leaves a valid file) load as a
//!   consistent model, never a panic.
//!
//! `tests/model_file.rs` holds the hand-made corruptions of a model file
//! and random multi-bit flips; this file adds random bytes, exhaustive
//! truncations and single flips, and the round trip through training.
//!
//! Generated numbers cover every finite `f64`: ordinary ones, and any
//! normal or subnormal number up to ±`f64::MAX` (whose squares, sums and
//! ranges overflow unless the scalers take care). Bugs these properties
//! found are kept as tests at the end of this file; those not fixed yet are
//! ignored (`cargo test --test properties -- --ignored` shows them failing).
mod common;

use common::prediction_bits;

use gradlab::data::csv::{ColumnValues, CsvOptions, Table};
use gradlab::data::dataset::{Dataset, DatasetSpec};
use gradlab::data::scale::Scaling;
use gradlab::data::task::Task;
use gradlab::data::task::TaskChoice;
use gradlab::fit::fit;
use gradlab::model::{AnyModel, Predictions};
use gradlab::model_file::{from_bytes, to_bytes};
use gradlab::settings::FitSettings;
use gradlab::train::trainer::{BatchSize, Control, TrainSettings};
use gradlab::{Error, Precision};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::Index;
use std::path::Path;

/// Class labels a generated classification target draws from.
const LABELS: [&str; 3] = ["a", "b", "c"];

// ------------------------------------------------------------ tables

/// A generated table: each cell as written in the CSV, and what it means.
#[derive(Debug, Clone)]
struct RandomTable {
    /// Header cells.
    names: Vec<String>,
    /// `rows × columns` cells as written (numbers in various notations,
    /// sometimes with spaces around them).
    cells: Vec<Vec<String>>,
    /// Per column: the numbers (numeric columns) or `None` (the label
    /// column of a classification table).
    values: Vec<Option<Vec<f64>>>,
    /// Index of the target column.
    target: usize,
    task: Task,
}

impl RandomTable {
    fn target_name(&self) -> &str {
        &self.names[self.target]
    }

    /// Indices of the numeric columns.
    fn numeric_columns(&self) -> Vec<usize> {
        (0..self.names.len())
            .filter(|&c| self.values[c].is_some())
            .collect()
    }

    /// The CSV text: a header, one line per row, `\n` line ends.
    fn csv(&self) -> Vec<u8> {
        let mut lines = vec![self.names.join(",")];
        lines.extend(self.cells.iter().map(|row| row.join(",")));
        (lines.join("\n") + "\n").into_bytes()
    }

    /// The target and, every other column being an input, its task: named,
    /// so that a defect in the target column's first cell cannot turn a
    /// regression into a classification (auto-detection goes by that cell).
    fn spec(&self) -> DatasetSpec {
        DatasetSpec {
            target: self.target_name().to_string(),
            inputs: None,
            task: match self.task {
                Task::Regression => TaskChoice::Regression,
                Task::Classification => TaskChoice::Classification,
            },
        }
    }
}

/// A finite number and how it is written: `{}` or `{:e}` (both round-trip
/// exactly through `str::parse`), possibly padded with spaces, which the
/// reader trims. An ordinary number (within ±1e6, or down to 1e-3 in size);
/// when `wide`, a third are instead any finite `f64` (uniform over the bit
/// patterns, so mostly huge or tiny) or an extreme such as ±`f64::MAX`.
fn number(wide: bool) -> impl Strategy<Value = (f64, String)> {
    use prop::num::f64::{NEGATIVE, NORMAL, POSITIVE, SUBNORMAL, ZERO};
    let ordinary = prop_oneof![
        (-1_000i32..1_000).prop_map(f64::from),
        -1e3..1e3f64,
        -1e6..1e6f64,
        (-1e-3..1e-3f64),
    ];
    let value = if wide {
        prop_oneof![
            4 => ordinary,
            1 => POSITIVE | NEGATIVE | NORMAL | SUBNORMAL | ZERO,
            1 => prop::sample::select(vec![f64::MAX, -f64::MAX, f64::MIN_POSITIVE, 1e300]),
        ]
        .boxed()
    } else {
        ordinary.boxed()
    };
    (value, 0..4u8).prop_map(|(v, style)| {
        let text = match style {
            0 => format!("{v}"),
            1 => format!("{v:e}"),
            2 => format!(" {v} "),
            _ => format!("{v:E}"),
        };
        (v, text)
    })
}

/// A column of `rows` numbers, ordinary or (half the time) wide: see
/// [`number`].
fn number_column(rows: usize) -> impl Strategy<Value = Vec<(f64, String)>> {
    any::<bool>().prop_flat_map(move |wide| vec(number(wide), rows))
}

/// Class indices for `rows` rows: every one of `classes` classes present
/// and the first one at least twice (so that a split in halves leaves rows
/// to train on), the rest random, in random order.
fn class_indices(rows: usize, classes: usize) -> impl Strategy<Value = Vec<usize>> {
    vec(0..classes, rows - classes - 1).prop_flat_map(move |rest| {
        let mut all: Vec<usize> = (0..classes).collect();
        all.push(0);
        all.extend(rest);
        Just(all).prop_shuffle()
    })
}

/// 2–5 columns, 2–40 rows (at least 4 for classification), a random
/// target; regression (all numeric) or classification (the target holds
/// 2–3 labels).
fn random_table() -> impl Strategy<Value = RandomTable> {
    (2usize..=5, 2usize..=40, any::<bool>(), 2usize..=3).prop_flat_map(
        |(columns, rows, classification, classes)| {
            let labelled_rows = rows.max(classes + 1);
            let rows = if classification { labelled_rows } else { rows };
            (
                0..columns,
                vec(number_column(rows), columns),
                class_indices(labelled_rows, classes),
            )
                .prop_map(move |(target, numbers, labels)| {
                    build_table(target, numbers, classification.then_some(labels))
                })
        },
    )
}

fn build_table(
    target: usize,
    numbers: Vec<Vec<(f64, String)>>,
    labels: Option<Vec<usize>>,
) -> RandomTable {
    let rows = numbers[0].len();
    let names: Vec<String> = (0..numbers.len()).map(|c| format!("col{c}")).collect();
    let mut values: Vec<Option<Vec<f64>>> = numbers
        .iter()
        .map(|column| Some(column.iter().map(|(v, _)| *v).collect()))
        .collect();
    let mut cells: Vec<Vec<String>> = (0..rows)
        .map(|r| numbers.iter().map(|column| column[r].1.clone()).collect())
        .collect();
    let task = match labels {
        Some(labels) => {
            values[target] = None;
            for (row, class) in cells.iter_mut().zip(labels) {
                row[target] = LABELS[class].to_string();
            }
            Task::Classification
        }
        None => Task::Regression,
    };
    RandomTable {
        names,
        cells,
        values,
        target,
        task,
    }
}

fn read(csv: &[u8]) -> gradlab::Result<Table> {
    Table::read(csv, "generated.csv", &CsvOptions::default())
}

/// Reads `csv` and takes the target and every other column as inputs.
fn read_and_use(csv: &[u8], spec: &DatasetSpec) -> gradlab::Result<Dataset> {
    Dataset::from_table(&read(csv)?, spec)
}

// ------------------------------------------------------------ training

/// Tiny settings: one epoch, halves for training and testing, any scaling
/// but none (raw numbers up to 1e308 make any network overflow).
fn tiny_settings() -> impl Strategy<Value = FitSettings> {
    let hidden = prop_oneof![Just(vec![]), Just(vec![3]), Just(vec![4, 2])];
    let batch = prop_oneof![
        Just(BatchSize::Samples(1)),
        Just(BatchSize::Samples(5)),
        Just(BatchSize::Full)
    ];
    let precision = prop_oneof![Just(Precision::F32), Just(Precision::F64)];
    let scaling = prop::sample::select(vec![
        Scaling::Standard,
        Scaling::Minmax,
        Scaling::MinmaxSymmetric,
    ]);
    let choices = (hidden, batch, precision, scaling, any::<u64>());
    choices.prop_map(
        |(hidden, batch_size, precision, scaling, seed)| FitSettings {
            hidden,
            precision,
            scaling,
            test_fraction: 0.5,
            train: TrainSettings {
                epochs: 1,
                batch_size,
                seed,
                ..TrainSettings::default()
            },
            ..FitSettings::default()
        },
    )
}

/// The table read from `table.csv()` holds exactly the generated cells.
fn assert_read_back(read: &Table, table: &RandomTable) -> Result<(), TestCaseError> {
    prop_assert_eq!(read.rows(), table.cells.len());
    prop_assert_eq!(read.column_names(), table.names.clone());
    for (column, values) in read.columns().iter().zip(&table.values) {
        match (&column.values, values) {
            (
                ColumnValues::Numeric {
                    values: got,
                    first_bad: None,
                },
                Some(want),
            ) => {
                let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
                prop_assert_eq!(bits(&got.to_vec()), bits(want), "column {}", &column.name);
            }
            (ColumnValues::Text(_), None) => {}
            (got, _) => prop_assert!(false, "column {} read as {:?}", &column.name, got),
        }
    }
    Ok(())
}

fn all_finite(model: &AnyModel) -> bool {
    match model {
        AnyModel::F32(m) => m.network.all_finite(),
        AnyModel::F64(m) => m.network.all_finite(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// CSV text → table → dataset → one epoch → model file → model: the same
    /// numbers, the same model, the same predictions to the bit.
    #[test]
    fn generated_tables_train_and_round_trip_through_the_model_file(
        table in random_table(),
        settings in tiny_settings(),
    ) {
        let read = read(&table.csv()).map_err(|e| TestCaseError::fail(e.to_string()))?;
        assert_read_back(&read, &table)?;
        let auto = DatasetSpec { task: TaskChoice::Auto, ..table.spec() };
        let dataset = Dataset::from_table(&read, &auto)
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(dataset.task(), table.task);
        prop_assert_eq!(dataset.input_names.len(), table.names.len() - 1);

        let model = fit(&dataset, &settings, |_| Control::Continue)
            .map_err(|e| TestCaseError::fail(e.to_string()))?
            .model;
        let bytes = to_bytes(&model);
        let loaded = from_bytes(&bytes, Path::new("generated.safetensors"))
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert!(loaded == model, "the loaded model differs");
        prop_assert_eq!(
            prediction_bits(&loaded.predict(&dataset.inputs)),
            prediction_bits(&model.predict(&dataset.inputs))
        );
        prop_assert!(to_bytes(&loaded) == bytes, "saving the loaded model gives other bytes");
    }
}

// ------------------------------------------------------------ defects

/// One defect put into a valid CSV text. Rows and columns are picked with
/// [`Index`]es and resolved against the table (data rows only; "numeric"
/// defects go into numeric columns).
#[derive(Debug, Clone)]
enum Defect {
    /// A row loses one cell.
    DropCell(Index, Index),
    /// A row gains a cell.
    AddCell(Index),
    /// A numeric cell becomes this text, which is not a finite number.
    NotFinite(Index, Index, &'static str),
    /// A `"` goes into a numeric cell at this byte position.
    StrayQuote(Index, Index, Index),
    /// Every line ends with CRLF instead of LF.
    Crlf,
    /// A byte that cannot occur in UTF-8 text goes into a cell.
    InvalidUtf8(Index, Index, Index, u8),
}

fn defect() -> impl Strategy<Value = Defect> {
    let index = any::<Index>;
    prop_oneof![
        (index(), index()).prop_map(|(r, c)| Defect::DropCell(r, c)),
        index().prop_map(Defect::AddCell),
        (
            index(),
            index(),
            prop::sample::select(vec!["NaN", "nan", "inf", "-Infinity", "1e309", "", "   "])
        )
            .prop_map(|(r, c, text)| Defect::NotFinite(r, c, text)),
        (index(), index(), index()).prop_map(|(r, c, at)| Defect::StrayQuote(r, c, at)),
        Just(Defect::Crlf),
        (
            index(),
            index(),
            index(),
            prop::sample::select(vec![0xFFu8, 0xFE, 0x80, 0xC3])
        )
            .prop_map(|(r, c, at, byte)| Defect::InvalidUtf8(r, c, at, byte)),
    ]
}

/// `table`'s CSV text with one cell changed, as bytes.
fn with_cell(table: &RandomTable, row: usize, column: usize, cell: Vec<u8>) -> Vec<u8> {
    let mut text = table.names.join(",").into_bytes();
    text.push(b'\n');
    for (r, cells) in table.cells.iter().enumerate() {
        for (c, written) in cells.iter().enumerate() {
            if c > 0 {
                text.push(b',');
            }
            if (r, c) == (row, column) {
                text.extend_from_slice(&cell);
            } else {
                text.extend_from_slice(written.as_bytes());
            }
        }
        text.push(b'\n');
    }
    text
}

/// `table` with `defect`, read and used: what must come of it.
fn check_defect(table: &RandomTable, defect: &Defect) -> Result<(), TestCaseError> {
    let rows = table.cells.len();
    let columns = table.names.len();
    let numeric = table.numeric_columns();
    let spec = table.spec();
    match defect {
        Defect::DropCell(r, c) => {
            let (row, column) = (r.index(rows), c.index(columns));
            let mut changed = table.clone();
            changed.cells[row].remove(column);
            let result = read_and_use(&changed.csv(), &spec);
            prop_assert!(
                matches!(&result, Err(Error::RaggedRow { row: r, found, expected, .. })
                    if *r == row + 1 && *found == columns - 1 && *expected == columns),
                "{:?}",
                result.err()
            );
        }
        Defect::AddCell(r) => {
            let row = r.index(rows);
            let mut changed = table.clone();
            changed.cells[row].push("0".into());
            let result = read_and_use(&changed.csv(), &spec);
            prop_assert!(
                matches!(&result, Err(Error::RaggedRow { row: r, found, .. })
                    if *r == row + 1 && *found == columns + 1),
                "{:?}",
                result.err()
            );
        }
        Defect::NotFinite(r, c, text) => {
            let (row, column) = (r.index(rows), numeric[c.index(numeric.len())]);
            let csv = with_cell(table, row, column, text.as_bytes().to_vec());
            let result = read_and_use(&csv, &spec);
            prop_assert!(
                matches!(&result, Err(Error::NotANumber { row: r, column: name, text: t, .. })
                    if *r == row + 1 && *name == table.names[column] && t == text.trim()),
                "{:?}",
                result.err()
            );
        }
        Defect::StrayQuote(r, c, at) => {
            let (row, column) = (r.index(rows), numeric[c.index(numeric.len())]);
            let mut cell = table.cells[row][column].clone().into_bytes();
            let at = at.index(cell.len() + 1);
            cell.insert(at, b'"');
            let result = read_and_use(&with_cell(table, row, column, cell), &spec);
            prop_assert!(
                result.is_err(),
                "a stray quote in row {} column {} was accepted",
                row + 1,
                column
            );
            if at == 0 {
                // It opens a quoted cell that the rest of the file (no other
                // quote) never closes: refused where it opened, on the row's
                // line (the header is line 1, no blank lines).
                prop_assert!(
                    matches!(&result, Err(Error::CsvSyntax { row: r, line: Some(l), .. })
                        if *r == row + 1 && *l == row + 2),
                    "{:?}",
                    result.err()
                );
            }
        }
        Defect::Crlf => {
            let lf = table.csv();
            let crlf = String::from_utf8(lf.clone()).unwrap().replace('\n', "\r\n");
            let (want, got) = (read(&lf), read(crlf.as_bytes()));
            prop_assert!(got.is_ok(), "{:?}", got.err());
            prop_assert_eq!(got.unwrap(), want.unwrap());
            prop_assert!(read_and_use(crlf.as_bytes(), &spec).is_ok());
        }
        Defect::InvalidUtf8(r, c, at, byte) => {
            let (row, column) = (r.index(rows), c.index(columns));
            let mut cell = table.cells[row][column].clone().into_bytes();
            cell.insert(at.index(cell.len() + 1), *byte);
            let result = read_and_use(&with_cell(table, row, column, cell), &spec);
            prop_assert!(
                matches!(&result, Err(Error::CsvSyntax { row: r, .. }) if *r == row + 1),
                "{:?}",
                result.err()
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// One defect in a valid CSV text: an error naming its place (never a
    /// panic), except CRLF line ends, which read as the same table.
    #[test]
    fn defective_csv_is_refused_and_crlf_is_not_a_defect(
        table in random_table(),
        defect in defect(),
    ) {
        check_defect(&table, &defect)?;
    }
}

// ------------------------------------------------------------ model files

/// A small valid model file: 3 → 3 tanh → 2 classification in f32, trained
/// one epoch on a fixed table.
fn small_model_file() -> &'static [u8] {
    static FILE: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    FILE.get_or_init(|| {
        let csv = "x,y,z,label\n1,2,3,a\n2,1,0,b\n0,0,1,a\n3,1,2,b\n1,1,1,a\n2,2,0,b\n";
        let dataset = Dataset::from_table(
            &read(csv.as_bytes()).unwrap(),
            &DatasetSpec {
                target: "label".into(),
                ..DatasetSpec::default()
            },
        )
        .unwrap();
        let settings = FitSettings {
            hidden: vec![3],
            test_fraction: 0.5,
            train: TrainSettings {
                epochs: 1,
                ..TrainSettings::default()
            },
            ..FitSettings::default()
        };
        let model = fit(&dataset, &settings, |_| Control::Continue)
            .unwrap()
            .model;
        to_bytes(&model)
    })
}

/// Random bytes for the data section of [`small_model_file`]: half the
/// time exactly as many as it holds, else any number up to twice that.
fn random_data() -> impl Strategy<Value = Vec<u8>> {
    let valid = small_model_file();
    let length = valid.len() - data_start(valid);
    prop_oneof![vec(any::<u8>(), length), vec(any::<u8>(), 0..2 * length)]
}

/// Where the data section (the weights) of a valid file starts.
fn data_start(bytes: &[u8]) -> usize {
    8 + u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize
}

#[test]
fn every_truncation_is_refused() {
    let bytes = small_model_file();
    for cut in 0..bytes.len() {
        let result = from_bytes(&bytes[..cut], Path::new("cut"));
        assert!(
            matches!(result, Err(Error::BadModelFile { .. })),
            "{cut} of {} bytes",
            bytes.len()
        );
    }
}

/// Every single bit flip. In the data (f32 weights): the file loads exactly
/// when the flipped weight is still finite, as a model with that weight and
/// the same metadata. In the header: refused, or a consistent model — a
/// model file has no checksum, so a flip that turns a digit of the metadata
/// into another digit (a scaler's mean, the learning rate) or a letter of a
/// name into another unused one still loads. Most flips in the header are
/// refused; those that load are in digits, in the letters of column names
/// and labels, and in the `"format":"pt"` entry, which gradlab does not
/// read.
#[test]
fn every_single_bit_flip_is_refused_or_gives_a_consistent_model() {
    let bytes = small_model_file();
    let original = from_bytes(bytes, Path::new("valid")).unwrap();
    let start = data_start(bytes);
    for i in 0..bytes.len() {
        for bit in 0..8 {
            let mut flipped = bytes.to_vec();
            flipped[i] ^= 1 << bit;
            let result = from_bytes(&flipped, Path::new("flipped"));
            if i < start {
                if let Ok(model) = result {
                    assert!(all_finite(&model), "byte {i} bit {bit}");
                    assert!(model.info().check().is_ok(), "byte {i} bit {bit}");
                }
                continue;
            }
            let element = start + (i - start) / 4 * 4;
            let weight = f32::from_le_bytes(flipped[element..element + 4].try_into().unwrap());
            match result {
                Ok(model) => {
                    assert!(weight.is_finite(), "byte {i} bit {bit}: {weight} loaded");
                    assert_eq!(model.info(), original.info(), "byte {i} bit {bit}");
                    assert_eq!(to_bytes(&model), flipped, "byte {i} bit {bit}");
                }
                Err(Error::BadModelFile { message, .. }) => {
                    assert!(
                        !weight.is_finite(),
                        "byte {i} bit {bit}: {weight} refused: {message}"
                    );
                }
                Err(other) => panic!("byte {i} bit {bit}: {other}"),
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Random bytes are never a model file.
    #[test]
    fn random_bytes_are_refused(bytes in vec(any::<u8>(), 0..2_048)) {
        let refused = matches!(from_bytes(&bytes, Path::new("random")), Err(Error::BadModelFile { .. }));
        prop_assert!(refused);
    }

    /// Random bytes behind a header length that fits the file, and random
    /// bytes in place of a valid file's header: refused.
    #[test]
    fn random_headers_are_refused(header in vec(any::<u8>(), 0..512), data in vec(any::<u8>(), 0..256)) {
        let mut bytes = (header.len() as u64).to_le_bytes().to_vec();
        bytes.extend_from_slice(&header);
        bytes.extend_from_slice(&data);
        let refused = matches!(from_bytes(&bytes, Path::new("random")), Err(Error::BadModelFile { .. }));
        prop_assert!(refused);
    }

    /// A valid header followed by random data of any length: refused, or
    /// (the right length, all finite) a model with that header.
    #[test]
    fn random_data_behind_a_valid_header_is_checked(data in random_data()) {
        let valid = small_model_file();
        let mut bytes = valid[..data_start(valid)].to_vec();
        bytes.extend_from_slice(&data);
        if let Ok(model) = from_bytes(&bytes, Path::new("random")) {
            prop_assert!(all_finite(&model));
            prop_assert_eq!(to_bytes(&model), bytes);
        }
    }
}

// ------------------------------------------- what the libraries let through

/// The `csv` crate ends an unclosed quoted field at the end of the input
/// without an error, so on its own a file whose last cell opens a quote and
/// never closes it (a truncated file, a stray `"`) would load as if the
/// quote were not there, and a quote opened mid-file would swallow the rows
/// after it into one cell (and the target would be blamed for it). Like
/// Python's `csv` module in strict mode ("unexpected end of data"), gradlab
/// refuses such a file: [`Error::CsvSyntax`] naming the data row and the
/// line the quote opened on (`data/csv.rs`).
#[test]
fn an_unclosed_quote_at_the_end_of_the_file_is_refused() {
    for (csv, row, line) in [
        ("a,b\n1,\"2\n", 1, 2),
        ("a,b\n1,2\n3,\"4", 2, 3),
        ("a,b\r\n1,\"2\r\n", 1, 2),
        ("a,b\n1,\"2\n3,4\n", 1, 2),
    ] {
        let result = read(csv.as_bytes());
        assert!(
            matches!(&result, Err(Error::CsvSyntax { row: r, line: Some(l), message, .. })
                if (*r, *l) == (row, line) && message.contains("never closed")),
            "{csv:?}: {result:?}"
        );
    }
}

/// Metadata that no training run can produce, and that a single bit flip
/// can (`x` → `y` makes the inputs `y, y, z`): an input column named twice,
/// or empty, or named like the target; a class label given twice, or
/// empty. Predicting with such a model would read one column twice, or
/// report two classes under one name, so
/// [`ModelInfo::check`](gradlab::model::ModelInfo::check) refuses it.
#[test]
fn metadata_with_duplicate_or_empty_names_is_refused() {
    type Edit = fn(&mut serde_json::Value);
    let edits: [(&str, Edit); 5] = [
        ("an input named twice", |info| {
            info["input_columns"] = serde_json::json!(["x", "x", "z"])
        }),
        ("an empty input name", |info| {
            info["input_columns"] = serde_json::json!(["", "y", "z"])
        }),
        ("an input named like the target", |info| {
            info["input_columns"] = serde_json::json!(["label", "y", "z"])
        }),
        ("a label given twice", |info| {
            info["labels"] = serde_json::json!(["a", "a"])
        }),
        ("an empty label", |info| {
            info["labels"] = serde_json::json!(["", "b"])
        }),
    ];
    let bytes = small_model_file();
    let start = data_start(bytes);
    let header: serde_json::Value = serde_json::from_slice(&bytes[8..start]).unwrap();
    let text = header["__metadata__"]["gradlab"].as_str().unwrap();
    let info: serde_json::Value = serde_json::from_str(text).unwrap();
    for (what, edit) in edits {
        let mut edited_info = info.clone();
        edit(&mut edited_info);
        let mut edited = header.clone();
        edited["__metadata__"]["gradlab"] = edited_info.to_string().into();
        let edited = edited.to_string();
        let mut file = (edited.len() as u64).to_le_bytes().to_vec();
        file.extend_from_slice(edited.as_bytes());
        file.extend_from_slice(&bytes[start..]);
        let result = from_bytes(&file, Path::new("edited"));
        assert!(
            matches!(result, Err(Error::BadModelFile { .. })),
            "{what}: loaded"
        );
    }
}

/// Finite numbers whose squares overflow (|x| above about 1e154), and
/// ranges `max − min` of ±1.7e308 that overflow: the textbook formulas give
/// an infinite deviation or range, inputs scaled to 0 or NaN, predictions
/// that are constant, infinite or NaN, and a file that cannot be read back
/// (an infinite deviation is written as JSON `null`). The scalers compute
/// without overflow (`data/scale.rs`), so such columns train, with every
/// scaling, into a model that loads and predicts finite numbers.
#[test]
fn huge_finite_values_train_into_a_model_that_loads_and_predicts() {
    let tables = [
        "x,y\n1e300,1\n-1e300,2\n5e299,3\n1,4\n",
        "x,y\n1,1e300\n2,-1e300\n3,5e299\n4,1\n",
        "x,y\n1.7e308,1\n-1.7e308,2\n0,3\n1,4\n",
    ];
    let scalings = [Scaling::Standard, Scaling::Minmax, Scaling::MinmaxSymmetric];
    for csv in tables {
        let table = read(csv.as_bytes()).unwrap();
        let spec = DatasetSpec {
            target: "y".into(),
            ..DatasetSpec::default()
        };
        let dataset = Dataset::from_table(&table, &spec).unwrap();
        for (scaling, precision) in scalings
            .iter()
            .flat_map(|&s| [(s, Precision::F32), (s, Precision::F64)])
        {
            let case = format!("{csv:?} {scaling:?} {precision:?}");
            let settings = FitSettings {
                hidden: vec![3],
                scaling,
                precision,
                test_fraction: 0.5,
                train: TrainSettings {
                    epochs: 1,
                    ..TrainSettings::default()
                },
                ..FitSettings::default()
            };
            let outcome = fit(&dataset, &settings, |_| Control::Continue)
                .unwrap_or_else(|e| panic!("{case}: {e}"));
            let loaded = from_bytes(&to_bytes(&outcome.model), Path::new("huge"));
            assert!(loaded.is_ok(), "{case}: {}", loaded.unwrap_err());
            let Predictions::Regression(values) = outcome.model.predict(&dataset.inputs) else {
                unreachable!("a numeric target")
            };
            assert!(values.iter().all(|v| v.is_finite()), "{case}: {values:?}");
            // Inputs scaled to 0 or NaN gave one prediction for every row.
            assert!(
                values.windows(2).any(|w| w[0] != w[1]),
                "{case}: {values:?}"
            );
        }
    }
}
