//! Fuzz target `csv_table`: arbitrary bytes as a CSV file.
//!
//! The bytes are read three times: with `,` between cells, with `;`, and
//! with `;` and a decimal comma. When a table comes out, every column is
//! asked for as numbers and as text, every data row's file line is looked
//! up, and when at least two columns are numbers a dataset is built on them
//! (and on each text column as a class target), split, subset and scaled:
//! all that the engine does with a CSV file before training. Every error is
//! formatted as the command line would print it. Nothing may panic, what
//! succeeds must have one value per data row, and the data rows must start
//! on increasing lines of the file.
//!
//! Each reading is also done by the parallel reader that `Table::read_path`
//! uses (`Table::read_bytes_in_parts`, cut into parts of 1, 7 and 64 bytes
//! so that small inputs reach it), which must give the same table to the
//! bit (columns, row lines, likely delimiter) or the same error text.

#![no_main]

use gradlab::data::csv::{ColumnValues, CsvOptions, Table};
use gradlab::data::dataset::{Dataset, DatasetSpec, Target, TaskChoice};
use gradlab::data::scale::Scaling;
use gradlab::data::split::train_test_split;
use libfuzzer_sys::fuzz_target;

/// The three ways each input is read.
const OPTIONS: [CsvOptions; 3] = [
    CsvOptions {
        delimiter: b',',
        decimal_comma: false,
    },
    CsvOptions {
        delimiter: b';',
        decimal_comma: false,
    },
    CsvOptions {
        delimiter: b';',
        decimal_comma: true,
    },
];

/// Part sizes for the parallel reader: every line its own part, a few lines
/// per part, and larger parts.
const PART_BYTES: [usize; 3] = [1, 7, 64];

fuzz_target!(|bytes: &[u8]| {
    for options in &OPTIONS {
        let serial = Table::read(bytes, "<fuzz>", options);
        for part_bytes in PART_BYTES {
            let in_parts = Table::read_bytes_in_parts(bytes, "<fuzz>", options, part_bytes);
            assert_same_result(&serial, &in_parts, part_bytes);
        }
        match serial {
            Ok(table) => {
                check_lines(&table, bytes);
                exercise_table(&table);
            }
            Err(err) => drop(err.to_string()),
        }
    }
});

/// The parallel reader gave what the serial one did: the same error text,
/// or tables equal in every column (numbers to the bit), row line, source
/// name, options and likely delimiter.
fn assert_same_result(
    serial: &gradlab::Result<Table>,
    in_parts: &gradlab::Result<Table>,
    part_bytes: usize,
) {
    match (serial, in_parts) {
        (Ok(expected), Ok(got)) => assert_same_table(expected, got, part_bytes),
        (Err(expected), Err(got)) => assert_eq!(
            got.to_string(),
            expected.to_string(),
            "error in parts of {part_bytes}"
        ),
        (expected, got) => {
            panic!("parts of {part_bytes}: serial {expected:?}, in parts {got:?}")
        }
    }
}

/// `got` (read in parts of `part_bytes`) equals `expected` to the bit.
fn assert_same_table(expected: &Table, got: &Table, part_bytes: usize) {
    let context = format!("parts of {part_bytes}");
    assert_eq!(got.rows(), expected.rows(), "{context}: rows");
    assert_eq!(got.source_name(), expected.source_name(), "{context}");
    assert_eq!(got.options(), expected.options(), "{context}");
    assert_eq!(
        got.likely_delimiter(),
        expected.likely_delimiter(),
        "{context}: likely delimiter"
    );
    assert_eq!(got.columns().len(), expected.columns().len(), "{context}");
    for (a, b) in got.columns().iter().zip(expected.columns()) {
        assert_eq!(a.name, b.name, "{context}: column name");
        assert_same_values(&a.values, &b.values, &format!("{context}, '{}'", b.name));
    }
    for row in 1..=expected.rows() {
        assert_eq!(got.place(row), expected.place(row), "{context}: row {row}");
    }
}

/// Two columns' cells are the same: the same kind, the same text, numbers
/// with the same bits and the same first bad cell.
fn assert_same_values(got: &ColumnValues, expected: &ColumnValues, context: &str) {
    match (got, expected) {
        (
            ColumnValues::Numeric { values, first_bad },
            ColumnValues::Numeric {
                values: expected_values,
                first_bad: expected_bad,
            },
        ) => {
            let bits =
                |v: &gradlab::data::csv::Numbers| v.iter().map(f64::to_bits).collect::<Vec<u64>>();
            assert_eq!(bits(values), bits(expected_values), "{context}: values");
            assert_eq!(first_bad, expected_bad, "{context}: first bad cell");
        }
        (ColumnValues::Text(cells), ColumnValues::Text(expected_cells)) => {
            assert_eq!(cells, expected_cells, "{context}: cells")
        }
        _ => panic!("{context}: kinds differ: {got:?} vs {expected:?}"),
    }
}

/// Every data row starts on a later line than the one before it, after the
/// header (line 1 or later) and no later than the file's last line (an
/// upper bound here: `\r\n` is counted as two line ends).
fn check_lines(table: &Table, bytes: &[u8]) {
    let last_line = 1
        + bytes.iter().filter(|&&b| b == b'\n').count()
        + bytes.iter().filter(|&&b| b == b'\r').count();
    let mut previous = 1;
    for row in 1..=table.rows() {
        let line = table
            .place(row)
            .line
            .expect("a row read from a file has a line");
        assert!(
            line > previous,
            "row {row} on line {line}, after line {previous}"
        );
        assert!(line <= last_line, "row {row} on line {line} of {last_line}");
        previous = line;
    }
}

/// Formats an error, as the command line does, and drops it.
fn format<T>(result: gradlab::Result<T>) -> Option<T> {
    result.map_err(|err| err.to_string()).ok()
}

/// Reads every column both ways; builds datasets on the numeric ones.
fn exercise_table(table: &Table) {
    let rows = table.rows();
    assert!(rows > 0, "a table read from a file has data rows");
    let mut numeric = Vec::new();
    let mut text = Vec::new();
    // Names are trimmed, so none starts with a space.
    assert!(format(table.column(" no such column")).is_none());
    for name in table.column_names() {
        if let Some(values) = format(table.numeric(name)) {
            assert_eq!(values.len(), rows, "numeric column '{name}'");
            assert!(values.iter().all(|v| v.is_finite()), "column '{name}'");
            numeric.push(name.to_owned());
        } else {
            text.push(name.to_owned());
        }
        if let Some(cells) = format(table.text(name)) {
            assert_eq!(cells.len(), rows, "text column '{name}'");
        }
    }
    if numeric.len() < 2 {
        return;
    }
    let (target, inputs) = numeric.split_first().expect("two or more");
    for task in [TaskChoice::Auto, TaskChoice::Classification] {
        exercise_dataset(table, target, inputs, task);
    }
    for target in &text {
        exercise_dataset(table, target, &numeric, TaskChoice::Auto);
    }
}

/// Builds the dataset `inputs → target`; when it builds, splits and scales it.
fn exercise_dataset(table: &Table, target: &str, inputs: &[String], task: TaskChoice) {
    let spec = DatasetSpec {
        target: target.to_owned(),
        inputs: Some(inputs.to_vec()),
        task,
    };
    let Some(dataset) = format(Dataset::from_table(table, &spec)) else {
        return;
    };
    assert_eq!(dataset.rows(), table.rows());
    assert_eq!(dataset.inputs.cols(), inputs.len());
    assert_eq!(dataset.target.len(), table.rows());
    if let Target::Classification { labels, classes } = &dataset.target {
        assert!(labels.len() >= 2, "{labels:?}");
        assert!(classes.iter().all(|&c| c < labels.len()));
    }
    for fraction in [0.2, 0.5] {
        if let Some(split) = format(train_test_split(&dataset, fraction, 1)) {
            assert_eq!(split.train.len() + split.test.len(), dataset.rows());
            let train = dataset.subset(&split.train);
            let test = dataset.subset(&split.test);
            scale(&train.inputs, &test.inputs);
        }
    }
}

/// Fits each scaler on `train` and applies it to `test` and back.
fn scale(train: &gradlab::Matrix<f64>, test: &gradlab::Matrix<f64>) {
    for scaling in [
        Scaling::Minmax,
        Scaling::MinmaxSymmetric,
        Scaling::Standard,
        Scaling::None,
    ] {
        let scaler = scaling.fit(train);
        let scaled = scaler.transform(test);
        let back = scaler.inverse_transform(&scaled);
        assert_eq!(back.rows(), test.rows());
        assert_eq!(back.cols(), test.cols());
    }
}
