//! Reading a CSV file into a column-oriented [`Table`].
//!
//! The rules, in the order they are checked:
//!
//! - The first record is the header; its cells are trimmed and name the
//!   columns. A UTF-8 byte-order mark before it is dropped. An empty header
//!   cell or a name used twice is [`Error::BadHeader`].
//! - No records at all is [`Error::EmptyCsv`]; a header and nothing else is
//!   [`Error::NoDataRows`].
//! - Data rows are numbered from 1 by counting the records read. Blank lines
//!   are skipped by the CSV reader and are *not* counted, so "data row 3" is
//!   the third non-blank line after the header, whatever the line endings
//!   (DESIGN.md §5: the `csv` crate's own line numbers are off with CRLF and
//!   blank lines).
//! - A row with more or fewer cells than the header is [`Error::RaggedRow`];
//!   a cell that is not valid UTF-8 is [`Error::CsvSyntax`].
//! - Every cell is trimmed. A column is *numeric* when its first non-empty
//!   cell parses as an `f64`; then every cell of it is parsed as it is read,
//!   and a cell that is empty, does not parse or is not finite (`NaN`, `inf`,
//!   `1e309`; DESIGN.md §5) is stored as `NaN` and remembered as the column's
//!   first bad cell. The error is raised only when the column is used as
//!   numbers ([`Table::numeric`]), so a broken column that is not used does
//!   no harm. Any other column is *text*.

use crate::error::{Error, Result};
use crate::matrix::Matrix;
use std::io::Read;
use std::path::Path;

/// How to read a CSV file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CsvOptions {
    /// The byte between cells; `b','` by default.
    pub delimiter: u8,
}

impl Default for CsvOptions {
    fn default() -> Self {
        CsvOptions { delimiter: b',' }
    }
}

/// The first cell of a numeric column that is not a finite number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadCell {
    /// 1-based data row (the header is row 0).
    pub row: usize,
    /// The cell as written (trimmed).
    pub text: String,
}

/// The cells of one column.
#[derive(Clone, Debug, PartialEq)]
pub enum ColumnValues {
    /// The first non-empty cell parsed as a number: every cell parsed as
    /// `f64`, with `NaN` where a cell is not a finite number.
    Numeric {
        /// One value per data row.
        values: Vec<f64>,
        /// The first cell that is not a finite number, if any.
        first_bad: Option<BadCell>,
    },
    /// Otherwise: the cells as text (trimmed).
    Text(Vec<String>),
}

impl ColumnValues {
    /// Number of cells.
    pub fn len(&self) -> usize {
        match self {
            ColumnValues::Numeric { values, .. } => values.len(),
            ColumnValues::Text(cells) => cells.len(),
        }
    }

    /// True when the column has no cells.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// One named column of a [`Table`].
#[derive(Clone, Debug, PartialEq)]
pub struct Column {
    /// The header cell, trimmed.
    pub name: String,
    /// The cells.
    pub values: ColumnValues,
}

/// A CSV file loaded once, column by column.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    source_name: String,
    rows: usize,
    columns: Vec<Column>,
}

impl Table {
    /// Reads the CSV file at `path`; `-` means standard input, reported as
    /// `<stdin>`.
    pub fn read_path(path: &Path, options: &CsvOptions) -> Result<Table> {
        if path == Path::new("-") {
            return Table::read(std::io::stdin().lock(), "<stdin>", options);
        }
        let file = std::fs::File::open(path).map_err(|err| Error::io(path, err))?;
        Table::read(file, &path.display().to_string(), options)
    }

    /// Reads CSV text from `reader`; `source_name` names it in errors.
    pub fn read(reader: impl Read, source_name: &str, options: &CsvOptions) -> Result<Table> {
        check_delimiter(options.delimiter)?;
        let mut reader = ::csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(options.delimiter)
            .from_reader(reader);
        let mut record = ::csv::ByteRecord::new();
        if !next_record(&mut reader, &mut record, source_name, 0)? {
            return Err(Error::EmptyCsv {
                source_name: source_name.to_owned(),
            });
        }
        let names = header_names(&record, source_name)?;
        let mut builders: Vec<ColumnBuilder> = names.iter().map(|_| ColumnBuilder::new()).collect();
        let mut rows = 0;
        while next_record(&mut reader, &mut record, source_name, rows + 1)? {
            rows += 1;
            add_row(&mut builders, &record, rows, &names, source_name)?;
        }
        if rows == 0 {
            return Err(Error::NoDataRows {
                source_name: source_name.to_owned(),
            });
        }
        let columns = names
            .into_iter()
            .zip(builders)
            .map(|(name, builder)| Column {
                name,
                values: builder.finish(),
            })
            .collect();
        Ok(Table {
            source_name: source_name.to_owned(),
            rows,
            columns,
        })
    }

    /// Builds a table from columns made in code.
    ///
    /// The names must be non-empty and unique ([`Error::BadHeader`]) and the
    /// columns equally long ([`Error::BadData`]); zero rows are allowed. The
    /// columns are brought into the form reading a file would give: a
    /// [`ColumnValues::Text`] column whose first non-empty cell is a number
    /// becomes numeric, and a numeric column's first non-finite value becomes
    /// its `first_bad` cell if none was given.
    pub fn from_columns(source_name: &str, columns: Vec<Column>) -> Result<Table> {
        let names: Vec<String> = columns.iter().map(|c| c.name.clone()).collect();
        check_names(&names, source_name)?;
        let rows = columns.first().map_or(0, |c| c.values.len());
        if let Some(odd) = columns.iter().find(|c| c.values.len() != rows) {
            return Err(Error::BadData {
                source_name: source_name.to_owned(),
                message: format!(
                    "column '{}' has {} values, but column '{}' has {rows}",
                    odd.name,
                    odd.values.len(),
                    names[0]
                ),
            });
        }
        let columns = columns.into_iter().map(normalized).collect();
        Ok(Table {
            source_name: source_name.to_owned(),
            rows,
            columns,
        })
    }

    /// The file name (or `<stdin>`) used in errors.
    pub fn source_name(&self) -> &str {
        &self.source_name
    }

    /// Number of data rows.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// The column names in file order.
    pub fn column_names(&self) -> Vec<&str> {
        self.columns.iter().map(|c| c.name.as_str()).collect()
    }

    /// All columns in file order.
    pub fn columns(&self) -> &[Column] {
        &self.columns
    }

    /// The column called `name`; [`Error::UnknownColumn`] lists the others.
    pub fn column(&self, name: &str) -> Result<&Column> {
        self.columns
            .iter()
            .find(|c| c.name == name)
            .ok_or_else(|| Error::UnknownColumn {
                source_name: self.source_name.clone(),
                column: name.to_owned(),
                available: self.columns.iter().map(|c| c.name.clone()).collect(),
            })
    }

    /// The column called `name` as numbers.
    ///
    /// [`Error::NotANumber`] names its first cell that is not a finite number
    /// (row, column, text); for a text column that is its first non-numeric
    /// cell.
    pub fn numeric(&self, name: &str) -> Result<&[f64]> {
        let column = self.column(name)?;
        match &column.values {
            ColumnValues::Numeric {
                values,
                first_bad: None,
            } => Ok(values),
            ColumnValues::Numeric {
                first_bad: Some(bad),
                ..
            } => Err(self.not_a_number(name, bad)),
            ColumnValues::Text(cells) => match first_non_number(cells) {
                Some(bad) => Err(self.not_a_number(name, &bad)),
                None => Ok(&[]),
            },
        }
    }

    /// The columns called `names`, side by side: a `rows × names.len()`
    /// matrix. Errors as [`Table::numeric`].
    pub fn numeric_matrix(&self, names: &[String]) -> Result<Matrix<f64>> {
        let columns = names
            .iter()
            .map(|name| self.numeric(name))
            .collect::<Result<Vec<_>>>()?;
        let mut matrix = Matrix::zeros(self.rows, columns.len());
        for r in 0..self.rows {
            for (cell, column) in matrix.row_mut(r).iter_mut().zip(&columns) {
                *cell = column[r];
            }
        }
        Ok(matrix)
    }

    /// The column called `name` as text.
    ///
    /// Text cells come back as read (trimmed); numbers are formatted with
    /// `{}` of `f64`, so `1.0` comes back as `"1"` and `2.50` as `"2.5"`.
    /// A numeric column with a bad cell is [`Error::NotANumber`]: the text of
    /// its bad cells was not kept, only their `NaN`.
    pub fn text(&self, name: &str) -> Result<Vec<String>> {
        let column = self.column(name)?;
        match &column.values {
            ColumnValues::Text(cells) => Ok(cells.clone()),
            ColumnValues::Numeric {
                values,
                first_bad: None,
            } => Ok(values.iter().map(|v| format!("{v}")).collect()),
            ColumnValues::Numeric {
                first_bad: Some(bad),
                ..
            } => Err(self.not_a_number(name, bad)),
        }
    }

    fn not_a_number(&self, column: &str, bad: &BadCell) -> Error {
        Error::NotANumber {
            source_name: self.source_name.clone(),
            row: bad.row,
            column: column.to_owned(),
            text: bad.text.clone(),
        }
    }
}

/// A cell as a finite number, or `None`.
fn finite_number(cell: &str) -> Option<f64> {
    cell.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// The first cell of `cells` that is not a finite number.
fn first_non_number(cells: &[String]) -> Option<BadCell> {
    let index = cells.iter().position(|c| finite_number(c).is_none())?;
    Some(BadCell {
        row: index + 1,
        text: cells[index].clone(),
    })
}

/// The quote and line-break bytes cannot separate cells.
fn check_delimiter(delimiter: u8) -> Result<()> {
    if matches!(delimiter, b'"' | b'\n' | b'\r') || !delimiter.is_ascii() {
        return Err(Error::setting(
            "delimiter",
            format!("byte {delimiter:#04x} cannot separate cells"),
        ));
    }
    Ok(())
}

/// Reads the next record; `row` is its 1-based data row (0 for the header),
/// used only to place an error.
fn next_record<R: Read>(
    reader: &mut ::csv::Reader<R>,
    record: &mut ::csv::ByteRecord,
    source_name: &str,
    row: usize,
) -> Result<bool> {
    reader
        .read_byte_record(record)
        .map_err(|err| read_error(err, source_name, row))
}

/// An I/O failure stays [`Error::Io`]; anything else is [`Error::CsvSyntax`].
fn read_error(err: ::csv::Error, source_name: &str, row: usize) -> Error {
    let message = err.to_string();
    match err.into_kind() {
        ::csv::ErrorKind::Io(io) => Error::io(source_name, io),
        _ => Error::CsvSyntax {
            source_name: source_name.to_owned(),
            row,
            message,
        },
    }
}

/// A cell as trimmed text, or [`Error::CsvSyntax`] when it is not valid
/// UTF-8; `place` names the cell (only called for the error).
fn cell_text<'a>(
    bytes: &'a [u8],
    row: usize,
    place: impl FnOnce() -> String,
    source_name: &str,
) -> Result<&'a str> {
    std::str::from_utf8(bytes)
        .map(str::trim)
        .map_err(|err| Error::CsvSyntax {
            source_name: source_name.to_owned(),
            row,
            message: format!(
                "{} is not valid UTF-8 (bad byte at offset {})",
                place(),
                err.valid_up_to()
            ),
        })
}

/// The trimmed header cells, checked.
fn header_names(record: &::csv::ByteRecord, source_name: &str) -> Result<Vec<String>> {
    let mut names = Vec::with_capacity(record.len());
    for (index, bytes) in record.iter().enumerate() {
        let place = || format!("header cell {}", index + 1);
        let text = cell_text(bytes, 0, place, source_name)?;
        // csv-core drops a BOM that arrives in one piece; this catches the rest.
        names.push(text.trim_start_matches('\u{feff}').trim().to_owned());
    }
    check_names(&names, source_name)?;
    Ok(names)
}

/// Column names must be non-empty and unique.
fn check_names(names: &[String], source_name: &str) -> Result<()> {
    let bad_header = |message: String| Error::BadHeader {
        source_name: source_name.to_owned(),
        message,
    };
    if names.is_empty() {
        return Err(bad_header("there are no columns".to_owned()));
    }
    for (index, name) in names.iter().enumerate() {
        if name.is_empty() {
            return Err(bad_header(format!(
                "column {} has an empty name",
                index + 1
            )));
        }
        if let Some(earlier) = names[..index].iter().position(|n| n == name) {
            return Err(bad_header(format!(
                "column '{name}' appears twice (columns {} and {})",
                earlier + 1,
                index + 1
            )));
        }
    }
    Ok(())
}

/// Adds one data row's cells to the column builders.
fn add_row(
    builders: &mut [ColumnBuilder],
    record: &::csv::ByteRecord,
    row: usize,
    names: &[String],
    source_name: &str,
) -> Result<()> {
    if record.len() != builders.len() {
        return Err(Error::RaggedRow {
            source_name: source_name.to_owned(),
            row,
            expected: builders.len(),
            found: record.len(),
        });
    }
    for ((builder, bytes), name) in builders.iter_mut().zip(record.iter()).zip(names) {
        let place = || format!("column '{name}'");
        builder.push(cell_text(bytes, row, place, source_name)?, row);
    }
    Ok(())
}

/// A column in the making: its kind is decided by its first non-empty cell.
#[derive(Clone, Debug)]
enum ColumnBuilder {
    /// Only empty cells so far.
    Undecided { empty_cells: usize },
    /// Numbers, parsed as they arrive.
    Numeric {
        values: Vec<f64>,
        first_bad: Option<BadCell>,
    },
    /// Text.
    Text(Vec<String>),
}

impl ColumnBuilder {
    fn new() -> Self {
        ColumnBuilder::Undecided { empty_cells: 0 }
    }

    /// Adds the trimmed `cell` of 1-based data row `row`.
    fn push(&mut self, cell: &str, row: usize) {
        match self {
            ColumnBuilder::Undecided { empty_cells } if cell.is_empty() => *empty_cells += 1,
            ColumnBuilder::Undecided { empty_cells } => *self = Self::decided(*empty_cells, cell),
            ColumnBuilder::Numeric { values, first_bad } => {
                values.push(parse_or_record(cell, row, first_bad));
            }
            ColumnBuilder::Text(cells) => cells.push(cell.to_owned()),
        }
    }

    /// The builder after `empty_cells` empty cells and then the non-empty
    /// `cell` (which sits in row `empty_cells + 1`).
    fn decided(empty_cells: usize, cell: &str) -> Self {
        if cell.parse::<f64>().is_err() {
            let mut cells = vec![String::new(); empty_cells];
            cells.push(cell.to_owned());
            return ColumnBuilder::Text(cells);
        }
        let mut first_bad = (empty_cells > 0).then(|| BadCell {
            row: 1,
            text: String::new(),
        });
        let mut values = vec![f64::NAN; empty_cells];
        values.push(parse_or_record(cell, empty_cells + 1, &mut first_bad));
        ColumnBuilder::Numeric { values, first_bad }
    }

    fn finish(self) -> ColumnValues {
        match self {
            ColumnBuilder::Undecided { empty_cells } => {
                ColumnValues::Text(vec![String::new(); empty_cells])
            }
            ColumnBuilder::Numeric { values, first_bad } => {
                ColumnValues::Numeric { values, first_bad }
            }
            ColumnBuilder::Text(cells) => ColumnValues::Text(cells),
        }
    }
}

/// The cell as a finite number; otherwise `NaN`, remembering the cell in
/// `first_bad` if it is the first bad one.
fn parse_or_record(cell: &str, row: usize, first_bad: &mut Option<BadCell>) -> f64 {
    finite_number(cell).unwrap_or_else(|| {
        first_bad.get_or_insert_with(|| BadCell {
            row,
            text: cell.to_owned(),
        });
        f64::NAN
    })
}

/// A column made in code, in the form reading a file would give it.
fn normalized(column: Column) -> Column {
    let values = match column.values {
        ColumnValues::Text(cells) => classify_cells(&cells),
        ColumnValues::Numeric { values, first_bad } => {
            let first_bad = first_bad.or_else(|| first_non_finite(&values));
            ColumnValues::Numeric { values, first_bad }
        }
    };
    Column {
        name: column.name,
        values,
    }
}

/// Text cells run through the same rules as cells read from a file.
fn classify_cells(cells: &[String]) -> ColumnValues {
    let mut builder = ColumnBuilder::new();
    for (index, cell) in cells.iter().enumerate() {
        builder.push(cell.trim(), index + 1);
    }
    builder.finish()
}

fn first_non_finite(values: &[f64]) -> Option<BadCell> {
    let index = values.iter().position(|v| !v.is_finite())?;
    Some(BadCell {
        row: index + 1,
        text: format!("{}", values[index]),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<Table> {
        read_bytes(text.as_bytes())
    }

    fn read_bytes(bytes: &[u8]) -> Result<Table> {
        Table::read(bytes, "test.csv", &CsvOptions::default())
    }

    fn not_a_number(err: Error) -> (usize, String, String) {
        match err {
            Error::NotANumber {
                row, column, text, ..
            } => (row, column, text),
            other => panic!("expected NotANumber, got {other:?}"),
        }
    }

    #[test]
    fn reads_numeric_and_text_columns() {
        let table = read("x, y ,label\n1,2.5,a\n-3, 4e1 , b \n").unwrap();
        assert_eq!(table.rows(), 2);
        assert_eq!(table.column_names(), ["x", "y", "label"]);
        assert_eq!(table.numeric("x").unwrap(), [1.0, -3.0]);
        assert_eq!(table.numeric("y").unwrap(), [2.5, 40.0]);
        assert_eq!(table.text("label").unwrap(), ["a", "b"]);
        // Numbers come back as text through `{}`: 1.0 → "1", 2.5 → "2.5".
        assert_eq!(table.text("y").unwrap(), ["2.5", "40"]);
        assert_eq!(table.source_name(), "test.csv");
    }

    #[test]
    fn numeric_matrix_puts_columns_side_by_side() {
        let table = read("a,b,c\n1,2,3\n4,5,6\n").unwrap();
        let m = table
            .numeric_matrix(&["c".to_owned(), "a".to_owned()])
            .unwrap();
        assert_eq!((m.rows(), m.cols()), (2, 2));
        assert_eq!(m.as_slice(), [3.0, 1.0, 6.0, 4.0]);
    }

    #[test]
    fn empty_input_is_empty_csv() {
        assert!(matches!(read(""), Err(Error::EmptyCsv { .. })));
        // Blank lines only: the reader skips them, nothing is left.
        assert!(matches!(read("\n\r\n\n"), Err(Error::EmptyCsv { .. })));
    }

    #[test]
    fn header_only_is_no_data_rows() {
        assert!(matches!(read("a,b\n"), Err(Error::NoDataRows { .. })));
        assert!(matches!(read("a,b\n\n\n"), Err(Error::NoDataRows { .. })));
    }

    #[test]
    fn duplicate_or_empty_header_names_the_problem() {
        let message = read("a,b,a\n1,2,3\n").unwrap_err().to_string();
        assert!(message.contains("'a' appears twice"), "{message}");
        assert!(message.contains("columns 1 and 3"), "{message}");
        let message = read("a, ,c\n1,2,3\n").unwrap_err().to_string();
        assert!(message.contains("column 2 has an empty name"), "{message}");
        // Trimming makes " a" and "a" the same name.
        assert!(matches!(read("a, a\n1,2\n"), Err(Error::BadHeader { .. })));
    }

    #[test]
    fn ragged_row_reports_its_data_row() {
        let err = read("a,b\n1,2\n3,4\n5\n6,7\n").unwrap_err();
        match err {
            Error::RaggedRow {
                row,
                expected,
                found,
                ..
            } => assert_eq!((row, expected, found), (3, 2, 1)),
            other => panic!("expected RaggedRow, got {other:?}"),
        }
        assert!(matches!(
            read("a\n1,2\n"),
            Err(Error::RaggedRow { row: 1, .. })
        ));
    }

    #[test]
    fn bad_numbers_are_reported_when_used() {
        for bad in ["NaN", "inf", "-Infinity", "1e309", ""] {
            let text = format!("x,ok\n1,1\n2,2\n{bad},3\n4,4\n");
            let table = read(&text).unwrap();
            assert_eq!(table.numeric("ok").unwrap(), [1.0, 2.0, 3.0, 4.0]);
            let (row, column, cell) = not_a_number(table.numeric("x").unwrap_err());
            assert_eq!((row, column.as_str(), cell.as_str()), (3, "x", bad));
        }
    }

    #[test]
    fn only_the_first_bad_cell_is_reported() {
        let table = read("x\n1\nNA\n3\nfoo\n").unwrap();
        let (row, _, text) = not_a_number(table.numeric("x").unwrap_err());
        assert_eq!((row, text.as_str()), (2, "NA"));
        match &table.column("x").unwrap().values {
            ColumnValues::Numeric { values, .. } => {
                assert_eq!(values[2], 3.0);
                assert!(values[1].is_nan() && values[3].is_nan());
            }
            other => panic!("expected numeric, got {other:?}"),
        }
    }

    #[test]
    fn leading_empty_cells_make_a_numeric_column_bad_at_row_1() {
        let table = read("x,y\n,a\n,b\n5,c\n").unwrap();
        assert!(matches!(
            table.column("x").unwrap().values,
            ColumnValues::Numeric { .. }
        ));
        let (row, _, text) = not_a_number(table.numeric("x").unwrap_err());
        assert_eq!((row, text.as_str()), (1, ""));
    }

    #[test]
    fn text_column_as_numbers_fails_at_its_first_cell() {
        let table = read("status,x\nnormal,1\nfever,2\n").unwrap();
        let (row, column, text) = not_a_number(table.numeric("status").unwrap_err());
        assert_eq!(
            (row, column.as_str(), text.as_str()),
            (1, "status", "normal")
        );
        let message = table.numeric("status").unwrap_err().to_string();
        assert_eq!(
            message,
            "test.csv: data row 1, column 'status': 'normal' is not a finite number"
        );
    }

    #[test]
    fn text_of_a_numeric_column_with_a_bad_cell_is_an_error() {
        let table = read("x\n1\n\n2\nNA\n").unwrap();
        let (row, _, text) = not_a_number(table.text("x").unwrap_err());
        assert_eq!((row, text.as_str()), (3, "NA"));
    }

    #[test]
    fn byte_order_mark_is_accepted() {
        let table = read("\u{feff}temp,dose\n37.5,100\n").unwrap();
        assert_eq!(table.column_names(), ["temp", "dose"]);
        assert_eq!(table.numeric("temp").unwrap(), [37.5]);
    }

    /// Hands out one byte per `read` call, like a slow pipe.
    struct Trickle<'a>(&'a [u8]);

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let Some((first, rest)) = self.0.split_first() else {
                return Ok(0);
            };
            match buf.first_mut() {
                Some(slot) => *slot = *first,
                None => return Ok(0),
            }
            self.0 = rest;
            Ok(1)
        }
    }

    #[test]
    fn byte_order_mark_split_across_reads_is_accepted() {
        let bytes = "\u{feff}temp,dose\n37.5,100\n".as_bytes();
        let table = Table::read(Trickle(bytes), "pipe", &CsvOptions::default()).unwrap();
        assert_eq!(table.column_names(), ["temp", "dose"]);
        assert_eq!(table.numeric("dose").unwrap(), [100.0]);
    }

    #[test]
    fn crlf_and_blank_lines_keep_row_numbers_right() {
        // Data rows: 1 → "1,2", 2 → "3,4", 3 → "x,6" (blank lines are not rows).
        let text = "a,b\r\n1,2\r\n\r\n3,4\r\n\r\nx,6\r\n";
        let table = read(text).unwrap();
        assert_eq!(table.rows(), 3);
        assert_eq!(table.numeric("b").unwrap(), [2.0, 4.0, 6.0]);
        let (row, _, text) = not_a_number(table.numeric("a").unwrap_err());
        assert_eq!((row, text.as_str()), (3, "x"));
        let err = read("a,b\r\n1,2\r\n\r\n3\r\n").unwrap_err();
        assert!(matches!(err, Error::RaggedRow { row: 2, .. }), "{err:?}");
    }

    #[test]
    fn invalid_utf8_is_a_syntax_error_with_its_row() {
        let err = read_bytes(b"a,b\n1,2\n3,\xff\xfe\n").unwrap_err();
        match err {
            Error::CsvSyntax { row, message, .. } => {
                assert_eq!(row, 2);
                assert!(message.contains("column 'b'"), "{message}");
            }
            other => panic!("expected CsvSyntax, got {other:?}"),
        }
        let err = read_bytes(b"a,\xc3\n1,2\n").unwrap_err();
        assert!(matches!(err, Error::CsvSyntax { row: 0, .. }), "{err:?}");
    }

    #[test]
    fn quoted_fields_are_unquoted() {
        let text = "name,\"value, in units\"\n\"Smith, J\",\"1.5\"\n\"say \"\"hi\"\"\",2\n";
        let table = read(text).unwrap();
        assert_eq!(table.column_names(), ["name", "value, in units"]);
        assert_eq!(table.text("name").unwrap(), ["Smith, J", "say \"hi\""]);
        assert_eq!(table.numeric("value, in units").unwrap(), [1.5, 2.0]);
    }

    #[test]
    fn other_delimiters_work_and_bad_ones_are_refused() {
        let options = CsvOptions { delimiter: b';' };
        let table = Table::read("a;b\n1,5;2\n".as_bytes(), "t", &options).unwrap();
        assert_eq!(table.text("a").unwrap(), ["1,5"]);
        let options = CsvOptions { delimiter: b'"' };
        let err = Table::read("a\n1\n".as_bytes(), "t", &options).unwrap_err();
        assert!(matches!(err, Error::InvalidSetting { .. }));
    }

    #[test]
    fn unknown_column_lists_the_available_ones() {
        let table = read("temp_c,dose_mg\n37,0\n").unwrap();
        let message = table.numeric("temp").unwrap_err().to_string();
        assert_eq!(
            message,
            "test.csv: no column named 'temp' (available: temp_c, dose_mg)"
        );
    }

    #[test]
    fn read_path_reports_a_missing_file() {
        let err =
            Table::read_path(Path::new("/no/such/file.csv"), &CsvOptions::default()).unwrap_err();
        assert!(matches!(err, Error::Io { .. }));
    }

    #[test]
    fn read_path_reads_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        std::fs::write(&path, "a\n1\n2\n").unwrap();
        let table = Table::read_path(&path, &CsvOptions::default()).unwrap();
        assert_eq!(table.numeric("a").unwrap(), [1.0, 2.0]);
        assert_eq!(table.source_name(), path.display().to_string());
    }

    #[test]
    fn from_columns_checks_and_normalizes() {
        let column = |name: &str, cells: &[&str]| Column {
            name: name.to_owned(),
            values: ColumnValues::Text(cells.iter().map(|c| c.to_string()).collect()),
        };
        let table = Table::from_columns(
            "code",
            vec![column("x", &["1", "2"]), column("s", &["a", "b"])],
        )
        .unwrap();
        assert_eq!(table.numeric("x").unwrap(), [1.0, 2.0]);
        assert_eq!(table, read("x,s\n1,a\n2,b\n").unwrap().with_source("code"));

        let ragged = vec![column("x", &["1", "2"]), column("y", &["1"])];
        assert!(matches!(
            Table::from_columns("c", ragged),
            Err(Error::BadData { .. })
        ));
        let twice = vec![column("x", &["1"]), column("x", &["1"])];
        assert!(matches!(
            Table::from_columns("c", twice),
            Err(Error::BadHeader { .. })
        ));

        let nan = Column {
            name: "v".to_owned(),
            values: ColumnValues::Numeric {
                values: vec![1.0, f64::NAN],
                first_bad: None,
            },
        };
        let table = Table::from_columns("c", vec![nan]).unwrap();
        assert_eq!(not_a_number(table.numeric("v").unwrap_err()).0, 2);
    }

    impl Table {
        fn with_source(mut self, source_name: &str) -> Table {
            self.source_name = source_name.to_owned();
            self
        }
    }

    proptest::proptest! {
        #[test]
        fn random_bytes_never_panic(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..256)) {
            let _ = read_bytes(&bytes);
        }

        #[test]
        fn csv_like_bytes_never_panic(
            bytes in proptest::collection::vec(
                proptest::sample::select(b",;\n\r\" 1.-eaN\xef\xbb\xbf\xff".to_vec()),
                0..256,
            )
        ) {
            if let Ok(table) = read_bytes(&bytes) {
                for name in table.column_names() {
                    let _ = table.numeric(name);
                    let _ = table.text(name);
                }
            }
        }
    }
}
