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
//!   the third non-blank record after the header, whatever the line endings.
//!   Because that is not what an editor shows, every error about a row read
//!   from a file also names the file line the row starts on: `data row 3
//!   (line 5)`. The lines are counted by `record_lines`, not taken from the
//!   `csv` crate, whose positions are off with CRLF and after blank lines
//!   (`record_lines` shows how).
//! - A quoted cell that is never closed (the file ends inside it) is
//!   [`Error::CsvSyntax`], naming the row and the line of its opening `"`:
//!   the `csv` crate would quietly end the cell at the end of the file, so
//!   a truncated file would load, and a stray `"` mid-file would swallow
//!   every later row into one cell. A quoted cell may span lines.
//! - A row with more or fewer cells than the header is [`Error::RaggedRow`];
//!   a cell that is not valid UTF-8 is [`Error::CsvSyntax`].
//! - Every cell is trimmed. A column is *numeric* when its first non-empty
//!   cell parses as an `f64` (with [`CsvOptions::decimal_comma`], after its
//!   one `,` became a `.`); then every cell of it is parsed as it is read,
//!   and a cell that is empty, does not parse or is not finite (`NaN`, `inf`,
//!   `1e309`, all of which `str::parse` accepts) is stored as `NaN` and remembered as the column's
//!   first bad cell. The error is raised only when the column is used as
//!   numbers ([`Table::numeric`]), so a broken column that is not used does
//!   no harm. Any other column is *text*. [`CellProblem`] says what is wrong
//!   with a bad cell (empty, a missing-value marker such as `NA`, infinite,
//!   overflowing, a decimal comma, ...).
//! - With [`CsvOptions::decimal_comma`] a number holding a `.` is refused
//!   rather than read: in such files `1.250` usually means 1250.
//!
//! The fast paths for speed and memory change none of this:
//!
//! - a numeric cell that is a plain decimal number is read from its bytes,
//!   and a short one (`52.7941`, or `52,7941` with a decimal comma) is kept
//!   in 32 bits, exactly (`packed_decimal`, [`Numbers`]); any other cell
//!   goes the ordinary way;
//! - [`Table::read_path`] reads a file of a few megabytes or more in
//!   windows of whole lines and, while it holds no `"`, each window in
//!   parts on several threads (`parallel`, `windows`), falling back to the
//!   one-thread reader, from the start, for anything the parts cannot
//!   settle alone, so the table and the first error are the same.

mod fast_cells;
mod numbers;
mod packed_decimal;
mod packed_rows;
mod parallel;
mod plain_records;
mod record_lines;
mod windows;

use crate::error::{CellProblem, Error, Result, RowPlace};
use crate::matrix::Matrix;
use crate::setting::Setting;
use rayon::prelude::*;
use record_lines::{LineMap, RecordLines};
use std::io::Read;
use std::path::Path;

pub use numbers::Numbers;

/// How to read a CSV file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CsvOptions {
    /// The byte between cells; `b','` by default.
    pub delimiter: u8,
    /// Numbers are written with a decimal comma (`38,5`), as European
    /// spreadsheets write them (with `;` between cells); `false` by default.
    pub decimal_comma: bool,
}

impl Default for CsvOptions {
    fn default() -> Self {
        CsvOptions {
            delimiter: b',',
            decimal_comma: false,
        }
    }
}

impl CsvOptions {
    /// Checks that the options can read a file: the delimiter is an ASCII
    /// byte other than a quote or a line end, and not `,` with a decimal
    /// comma. Otherwise [`Error::InvalidSetting`] (`delimiter`).
    pub fn validate(&self) -> Result<()> {
        let delimiter = self.delimiter;
        if matches!(delimiter, b'"' | b'\n' | b'\r') || !delimiter.is_ascii() {
            return Err(Error::setting(
                Setting::Delimiter,
                format!("byte {delimiter:#04x} cannot separate cells"),
            ));
        }
        if self.decimal_comma && delimiter == b',' {
            return Err(Error::setting(
                Setting::Delimiter,
                "',' cannot separate cells when numbers have a decimal comma (such files use ';')",
            ));
        }
        Ok(())
    }

    /// The cell as a finite number, or why it is not one.
    #[inline]
    pub fn parse_number(&self, cell: &str) -> std::result::Result<f64, CellProblem> {
        match self.parse_raw(cell) {
            Some(value) if value.is_finite() => Ok(value),
            _ => Err(self.problem(cell)),
        }
    }

    /// The decimal point: `,` with [`CsvOptions::decimal_comma`], else `.`.
    pub(crate) fn point(&self) -> u8 {
        if self.decimal_comma {
            b','
        } else {
            b'.'
        }
    }

    /// `str::parse::<f64>` after the decimal comma became a point: `NaN`
    /// and infinities included, `None` when the text is no number at all.
    #[inline]
    fn parse_raw(&self, cell: &str) -> Option<f64> {
        if !self.decimal_comma {
            return cell.parse::<f64>().ok();
        }
        if cell.contains('.') || cell.matches(',').count() > 1 {
            return None;
        }
        cell.replacen(',', ".", 1).parse::<f64>().ok()
    }

    /// Why `cell` is not a finite number.
    #[cold]
    fn problem(&self, cell: &str) -> CellProblem {
        const MISSING: [&str; 9] = ["na", "n/a", "#n/a", "nan", "null", "none", "nil", "-", "?"];
        let lower = cell.to_ascii_lowercase();
        let digits_around = |mark: char| {
            cell.split_once(mark).is_some_and(|(a, b)| {
                let a = a.trim_start_matches(['-', '+']);
                !a.is_empty()
                    && !b.is_empty()
                    && a.bytes().all(|c| c.is_ascii_digit())
                    && b.bytes()
                        .all(|c| c.is_ascii_digit() || c == b',' || c == b'.')
            })
        };
        if cell.is_empty() {
            CellProblem::Empty
        } else if MISSING.contains(&lower.as_str()) || lower.trim_start_matches(['-', '+']) == "nan"
        {
            CellProblem::Missing
        } else if let Some(value) = self.parse_raw(cell) {
            let written_infinite = lower.trim_start_matches(['-', '+']).starts_with("inf");
            if value.is_infinite() && !written_infinite {
                CellProblem::Overflow
            } else {
                CellProblem::Infinite
            }
        } else if self.decimal_comma && digits_around('.') {
            CellProblem::PointWithDecimalComma
        } else if !self.decimal_comma && digits_around(',') {
            CellProblem::DecimalComma
        } else {
            CellProblem::Text
        }
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
        values: Numbers,
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
///
/// Two tables are equal when their source names, rows, columns and options
/// are: the file lines the rows came from do not count, so a table made in
/// code can equal one read from a file.
#[derive(Clone, Debug)]
pub struct Table {
    source_name: String,
    rows: usize,
    columns: Vec<Column>,
    options: CsvOptions,
    /// The file line of each data row (empty for a table made in code).
    lines: LineMap,
    likely_delimiter: Option<u8>,
}

impl PartialEq for Table {
    fn eq(&self, other: &Self) -> bool {
        self.source_name == other.source_name
            && self.rows == other.rows
            && self.columns == other.columns
            && self.options == other.options
    }
}

impl Table {
    /// Reads the CSV file at `path`; `-` means standard input, reported as
    /// `<stdin>`.
    pub fn read_path(path: &Path, options: &CsvOptions) -> Result<Table> {
        options.validate()?;
        if path == Path::new("-") {
            return Table::read(std::io::stdin().lock(), "<stdin>", options);
        }
        let source_name = path.display().to_string();
        let open = || std::fs::File::open(path).map_err(|err| Error::io(path, err));
        let file = open()?;
        // A pipe (`<(...)`) has no length: read once, in one piece.
        let total_bytes = file.metadata().map_or(0, |m| m.len() as usize);
        if total_bytes < 2 * parallel::PART_BYTES {
            return Table::read(file, &source_name, options);
        }
        let read_serially = || Table::read(open()?, &source_name, options);
        parallel::read_in_windows(
            file,
            total_bytes,
            read_serially,
            &source_name,
            options,
            parallel::PART_BYTES,
        )
    }

    /// For fuzzing and tests only, not a stable API: reads `bytes` the way
    /// [`Table::read_path`] reads a large file, in windows cut into parts of
    /// about `part_bytes` bytes (any size, even 1) read in parallel, so that
    /// small inputs reach the parallel path. Gives the same table or error
    /// as [`Table::read`] on the same bytes.
    #[doc(hidden)]
    pub fn read_bytes_in_parts(
        bytes: &[u8],
        source_name: &str,
        options: &CsvOptions,
        part_bytes: usize,
    ) -> Result<Table> {
        let read_serially = || Table::read(bytes, source_name, options);
        parallel::read_in_windows(
            bytes,
            bytes.len(),
            read_serially,
            source_name,
            options,
            part_bytes,
        )
    }

    /// Reads CSV text from `reader`; `source_name` names it in errors.
    pub fn read(reader: impl Read, source_name: &str, options: &CsvOptions) -> Result<Table> {
        options.validate()?;
        let mut reader = csv_reader(reader, options);
        let (mut table, names) = Table::read_header(&mut reader, source_name, options)?;
        let builders = table.read_rows(&mut reader, &names)?;
        table.finish(names, builders)
    }

    /// Reads the header record: an empty table (no rows yet) and the
    /// column names.
    fn read_header<R: Read>(
        reader: &mut ::csv::Reader<RecordLines<R>>,
        source_name: &str,
        options: &CsvOptions,
    ) -> Result<(Table, Vec<String>)> {
        let mut record = ::csv::ByteRecord::new();
        if !next_record(reader, &mut record, source_name, 0)? {
            return Err(Error::EmptyCsv {
                source_name: source_name.to_owned(),
            });
        }
        let header_line = reader.get_mut().next_start();
        check_quotes_closed(reader.get_ref(), source_name, 0)?;
        let names = header_names(&record, source_name, header_line)?;
        let likely_delimiter = likely_delimiter(&names, options.delimiter);
        Ok((Table::empty(source_name, options, likely_delimiter), names))
    }

    /// A table with no rows and no columns yet.
    fn empty(source_name: &str, options: &CsvOptions, likely_delimiter: Option<u8>) -> Table {
        Table {
            source_name: source_name.to_owned(),
            rows: 0,
            columns: Vec::new(),
            options: *options,
            lines: LineMap::default(),
            likely_delimiter,
        }
    }

    /// Reads the data records after the header into one builder per column
    /// of `names`, counting the rows and noting their lines.
    fn read_rows<R: Read>(
        &mut self,
        reader: &mut ::csv::Reader<RecordLines<R>>,
        names: &[String],
    ) -> Result<Vec<ColumnBuilder>> {
        let mut record = ::csv::ByteRecord::new();
        let mut builders: Vec<ColumnBuilder> = names.iter().map(|_| ColumnBuilder::new()).collect();
        while next_record(reader, &mut record, &self.source_name, self.rows + 1)? {
            self.rows += 1;
            if let Some(line) = reader.get_mut().next_start() {
                self.lines.push(self.rows, line);
            }
            check_quotes_closed(reader.get_ref(), &self.source_name, self.rows)?;
            self.add_row(&mut builders, &record, names)?;
        }
        Ok(builders)
    }

    /// The table with its columns made of `builders`;
    /// [`Error::NoDataRows`] when no row was read.
    fn finish(mut self, names: Vec<String>, builders: Vec<ColumnBuilder>) -> Result<Table> {
        if self.rows == 0 {
            return Err(Error::NoDataRows {
                source_name: self.source_name,
            });
        }
        self.columns = names
            .into_iter()
            .zip(builders)
            .map(|(name, builder)| Column {
                name,
                values: builder.finish(),
            })
            .collect();
        Ok(self)
    }

    /// Builds a table from columns made in code.
    ///
    /// The names must be non-empty and unique ([`Error::BadHeader`]) and the
    /// columns equally long ([`Error::BadData`]); zero rows are allowed. The
    /// columns are brought into the form reading a file would give: a
    /// [`ColumnValues::Text`] column whose first non-empty cell is a number
    /// becomes numeric, and a numeric column's first non-finite value becomes
    /// its `first_bad` cell if none was given. Its rows have no file lines.
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
        let options = CsvOptions::default();
        let columns = columns
            .into_iter()
            .map(|column| normalized(column, &options))
            .collect();
        Ok(Table {
            source_name: source_name.to_owned(),
            rows,
            columns,
            options,
            lines: LineMap::default(),
            likely_delimiter: None,
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

    /// The options the table was read with (the defaults for a table made
    /// in code).
    pub fn options(&self) -> &CsvOptions {
        &self.options
    }

    /// Where 1-based data row `row` is: the row and, for a table read from
    /// a file, the line it starts on (for error messages).
    pub fn place(&self, row: usize) -> RowPlace {
        RowPlace::new(row, self.lines.line(row))
    }

    /// The delimiter the file seems to use instead of the one it was read
    /// with: `;` or a tab, when the header came out as a single cell holding
    /// one (read with the default `,`). Used for a hint in errors.
    pub fn likely_delimiter(&self) -> Option<u8> {
        self.likely_delimiter
    }

    /// The column names in file order.
    pub fn column_names(&self) -> Vec<&str> {
        self.columns.iter().map(|c| c.name.as_str()).collect()
    }

    /// All columns in file order.
    pub fn columns(&self) -> &[Column] {
        &self.columns
    }

    /// The column called `name`; [`Error::UnknownColumn`] lists the others
    /// and suggests the nearest name.
    pub fn column(&self, name: &str) -> Result<&Column> {
        self.columns
            .iter()
            .find(|c| c.name == name)
            .ok_or_else(|| self.unknown_column(name, &[]))
    }

    /// Checks that every column of `names` exists; the first missing one is
    /// [`Error::UnknownColumn`], whose suggestion is none of `names` and
    /// none of `taken` (e.g. the target, when looking for inputs).
    pub fn check_columns(&self, names: &[String], taken: &[&str]) -> Result<()> {
        match names.iter().find(|name| self.column(name).is_err()) {
            None => Ok(()),
            Some(missing) => {
                let mut excluded: Vec<&str> = names.iter().map(String::as_str).collect();
                excluded.extend_from_slice(taken);
                Err(self.unknown_column(missing, &excluded))
            }
        }
    }

    /// [`Error::UnknownColumn`] for `name`, suggesting the nearest column
    /// name that is not in `excluded` (no suggestion when the header looks
    /// split by another delimiter).
    fn unknown_column(&self, name: &str, excluded: &[&str]) -> Error {
        let available: Vec<String> = self.columns.iter().map(|c| c.name.clone()).collect();
        let candidates: Vec<&str> = available
            .iter()
            .map(String::as_str)
            .filter(|n| !excluded.contains(n))
            .collect();
        Error::UnknownColumn {
            source_name: self.source_name.clone(),
            column: name.to_owned(),
            suggestion: match self.likely_delimiter {
                Some(_) => None,
                None => nearest_name(name, &candidates),
            },
            available,
            likely_delimiter: self.likely_delimiter,
        }
    }

    /// The column called `name` as numbers, in a vector of its own (the
    /// table may hold them packed: [`Numbers`]).
    ///
    /// [`Error::NotANumber`] names its first cell that is not a finite number
    /// (row, column, text); for a text column that is its first non-numeric
    /// cell.
    pub fn numeric(&self, name: &str) -> Result<Vec<f64>> {
        let column = self.column(name)?;
        match &column.values {
            ColumnValues::Numeric {
                values,
                first_bad: None,
            } => Ok(values.to_vec()),
            ColumnValues::Numeric {
                first_bad: Some(bad),
                ..
            } => Err(self.not_a_number(name, bad)),
            ColumnValues::Text(cells) => match self.first_non_number(cells) {
                Some(bad) => Err(self.not_a_number(name, &bad)),
                None => Ok(Vec::new()),
            },
        }
    }

    /// The columns called `names`, side by side: a `rows × names.len()`
    /// matrix. A missing column is [`Error::UnknownColumn`] for the first
    /// missing one, checked before any cell; then errors as
    /// [`Table::numeric`].
    pub fn numeric_matrix(&self, names: &[String]) -> Result<Matrix<f64>> {
        self.check_columns(names, &[])?;
        let columns = names
            .iter()
            .map(|name| self.numbers(name))
            .collect::<Result<Vec<_>>>()?;
        // Blocks of rows small enough to stay in cache while each column
        // is written into them, on several threads: the copy is as big as
        // the data.
        const ROWS_PER_TASK: usize = 2_048;
        let width = columns.len();
        let mut matrix = Matrix::zeros(self.rows, width);
        matrix
            .as_mut_slice()
            .par_chunks_mut(width.max(1) * ROWS_PER_TASK)
            .enumerate()
            .for_each(|(block, cells)| {
                for (index, column) in columns.iter().enumerate() {
                    column.copy_into_column(block * ROWS_PER_TASK, cells, width, index);
                }
            });
        Ok(matrix)
    }

    /// The values of the numeric column called `name`, checked as
    /// [`Table::numeric`] does, without a copy.
    fn numbers(&self, name: &str) -> Result<&Numbers> {
        match &self.column(name)?.values {
            ColumnValues::Numeric {
                values,
                first_bad: None,
            } => Ok(values),
            // A text column of no cells (a table made in code) has no values.
            _ => self.numeric(name).map(|_| &numbers::NONE),
        }
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

    /// The first of `cells` that is not a finite number.
    fn first_non_number(&self, cells: &[String]) -> Option<BadCell> {
        let index = cells
            .iter()
            .position(|c| self.options.parse_number(c).is_err())?;
        Some(BadCell {
            row: index + 1,
            text: cells[index].clone(),
        })
    }

    /// [`Error::NotANumber`] for the cell `bad` of column `column`.
    fn not_a_number(&self, column: &str, bad: &BadCell) -> Error {
        let place = self.place(bad.row);
        Error::NotANumber {
            source_name: self.source_name.clone(),
            row: place.row,
            line: place.line,
            column: column.to_owned(),
            text: bad.text.clone(),
            problem: self
                .options
                .parse_number(&bad.text)
                .err()
                .unwrap_or(CellProblem::Infinite),
        }
    }

    /// Adds one data row's cells to the column builders.
    fn add_row(
        &self,
        builders: &mut [ColumnBuilder],
        record: &::csv::ByteRecord,
        names: &[String],
    ) -> Result<()> {
        self.add_cells(builders, record.len(), record.iter(), names)
    }

    /// Adds the `count` `cells` of the last data row to the column builders.
    fn add_cells<'c>(
        &self,
        builders: &mut [ColumnBuilder],
        count: usize,
        cells: impl Iterator<Item = &'c [u8]>,
        names: &[String],
    ) -> Result<()> {
        let place = self.place(self.rows);
        if count != builders.len() {
            return Err(Error::RaggedRow {
                source_name: self.source_name.clone(),
                row: place.row,
                line: place.line,
                expected: builders.len(),
                found: count,
                likely_delimiter: self.likely_delimiter,
            });
        }
        let point = self.options.point();
        for ((builder, bytes), name) in builders.iter_mut().zip(cells).zip(names) {
            if builder.push_plain_number(bytes, point) {
                continue;
            }
            let what = || format!("column '{name}'");
            let cell = cell_text(bytes, place, what, &self.source_name)?;
            builder.push(cell, place.row, &self.options);
        }
        Ok(())
    }
}

/// The available name nearest to `wanted`: one equal but for case, else
/// the most similar by Jaro-Winkler on lowercase names if it scores at
/// least 0.8 (so `temp` → `temp_c`, `dose` → `dose_mg`, but `x` → none).
fn nearest_name(wanted: &str, candidates: &[&str]) -> Option<String> {
    let wanted_lower = wanted.to_lowercase();
    if let Some(same) = candidates.iter().find(|n| n.to_lowercase() == wanted_lower) {
        return Some(same.to_string());
    }
    candidates
        .iter()
        .map(|name| {
            (
                strsim::jaro_winkler(&wanted_lower, &name.to_lowercase()),
                name,
            )
        })
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, name)| name.to_string())
}

/// `;` or a tab when the header is one cell holding it and the file was read
/// with `,`.
fn likely_delimiter(names: &[String], delimiter: u8) -> Option<u8> {
    match names {
        [only] if delimiter == b',' => [b';', b'\t']
            .into_iter()
            .find(|&other| only.as_bytes().contains(&other)),
        _ => None,
    }
}

/// The `csv` reader of `reader`, counting record lines on the way.
fn csv_reader<R: Read>(reader: R, options: &CsvOptions) -> ::csv::Reader<RecordLines<R>> {
    ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(options.delimiter)
        .from_reader(RecordLines::new(reader, options.delimiter))
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

/// [`Error::CsvSyntax`] when the record just read, 1-based data row `row`
/// (0 for the header), is the last one and the file ended inside one of its
/// quoted cells; the error names the line the cell's `"` opened on.
#[inline]
fn check_quotes_closed<R: Read>(
    lines: &RecordLines<R>,
    source_name: &str,
    row: usize,
) -> Result<()> {
    match lines.unclosed_quote() {
        None => Ok(()),
        Some(line) => Err(Error::CsvSyntax {
            source_name: source_name.to_owned(),
            row,
            line: Some(line),
            message: "a quoted cell starting here is never closed (a stray '\"'?)".to_owned(),
        }),
    }
}

/// An I/O failure stays [`Error::Io`]; anything else is [`Error::CsvSyntax`].
fn read_error(err: ::csv::Error, source_name: &str, row: usize) -> Error {
    let message = err.to_string();
    match err.into_kind() {
        ::csv::ErrorKind::Io(io) => Error::io(source_name, io),
        _ => Error::CsvSyntax {
            source_name: source_name.to_owned(),
            row,
            line: None,
            message,
        },
    }
}

/// A cell as trimmed text, or [`Error::CsvSyntax`] when it is not valid
/// UTF-8; `what` names the cell (only called for the error).
fn cell_text<'a>(
    bytes: &'a [u8],
    place: RowPlace,
    what: impl FnOnce() -> String,
    source_name: &str,
) -> Result<&'a str> {
    std::str::from_utf8(bytes)
        .map(str::trim)
        .map_err(|err| Error::CsvSyntax {
            source_name: source_name.to_owned(),
            row: place.row,
            line: place.line,
            message: format!(
                "{} is not valid UTF-8 (bad byte at offset {}; save the file as UTF-8)",
                what(),
                err.valid_up_to()
            ),
        })
}

/// The trimmed header cells, checked.
fn header_names(
    record: &::csv::ByteRecord,
    source_name: &str,
    line: Option<usize>,
) -> Result<Vec<String>> {
    let mut names = Vec::with_capacity(record.len());
    for (index, bytes) in record.iter().enumerate() {
        let what = || format!("header cell {}", index + 1);
        let text = cell_text(bytes, RowPlace::new(0, line), what, source_name)?;
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

/// A column in the making: its kind is decided by its first non-empty cell.
#[derive(Clone, Debug)]
enum ColumnBuilder {
    /// Only empty cells so far.
    Undecided { empty_cells: usize },
    /// Numbers, parsed as they arrive.
    Numeric {
        values: Numbers,
        first_bad: Option<BadCell>,
    },
    /// Text.
    Text(Vec<String>),
}

impl ColumnBuilder {
    fn new() -> Self {
        ColumnBuilder::Undecided { empty_cells: 0 }
    }

    /// The fast path of [`ColumnBuilder::push`] for a numeric column: adds
    /// the untrimmed `cell` and returns `true` when it is a plain decimal
    /// number with the decimal point `point` ([`Numbers::push_plain`]).
    /// Otherwise adds nothing and returns `false`.
    #[inline]
    fn push_plain_number(&mut self, cell: &[u8], point: u8) -> bool {
        let ColumnBuilder::Numeric { values, .. } = self else {
            return false;
        };
        values.push_plain(cell, point)
    }

    /// Adds the trimmed `cell` of 1-based data row `row`.
    fn push(&mut self, cell: &str, row: usize, options: &CsvOptions) {
        match self {
            ColumnBuilder::Undecided { empty_cells } if cell.is_empty() => *empty_cells += 1,
            ColumnBuilder::Undecided { empty_cells } => {
                *self = Self::decided(*empty_cells, cell, options)
            }
            ColumnBuilder::Numeric { values, first_bad } => {
                if !values.push_plain(cell.as_bytes(), options.point()) {
                    values.push(parse_or_record(cell, row, first_bad, options));
                }
            }
            ColumnBuilder::Text(cells) => cells.push(cell.to_owned()),
        }
    }

    /// The builder after `empty_cells` empty cells and then the non-empty
    /// `cell` (which sits in row `empty_cells + 1`).
    fn decided(empty_cells: usize, cell: &str, options: &CsvOptions) -> Self {
        if options.parse_raw(cell).is_none() {
            let mut cells = vec![String::new(); empty_cells];
            cells.push(cell.to_owned());
            return ColumnBuilder::Text(cells);
        }
        let mut first_bad = (empty_cells > 0).then(|| BadCell {
            row: 1,
            text: String::new(),
        });
        let mut values = match empty_cells {
            0 => Numbers::new(),
            _ => Numbers::nans(empty_cells),
        };
        if !values.push_plain(cell.as_bytes(), options.point()) {
            values.push(parse_or_record(
                cell,
                empty_cells + 1,
                &mut first_bad,
                options,
            ));
        }
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
fn parse_or_record(
    cell: &str,
    row: usize,
    first_bad: &mut Option<BadCell>,
    options: &CsvOptions,
) -> f64 {
    options.parse_number(cell).unwrap_or_else(|_| {
        first_bad.get_or_insert_with(|| BadCell {
            row,
            text: cell.to_owned(),
        });
        f64::NAN
    })
}

/// A column made in code, in the form reading a file would give it.
fn normalized(column: Column, options: &CsvOptions) -> Column {
    let values = match column.values {
        ColumnValues::Text(cells) => classify_cells(&cells, options),
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
fn classify_cells(cells: &[String], options: &CsvOptions) -> ColumnValues {
    let mut builder = ColumnBuilder::new();
    for (index, cell) in cells.iter().enumerate() {
        builder.push(cell.trim(), index + 1, options);
    }
    builder.finish()
}

fn first_non_finite(values: &Numbers) -> Option<BadCell> {
    let index = values.iter().position(|v| !v.is_finite())?;
    Some(BadCell {
        row: index + 1,
        text: format!("{}", values.get(index)),
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
                assert_eq!(values.get(2), 3.0);
                assert!(values.get(1).is_nan() && values.get(3).is_nan());
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
            "test.csv: data row 1 (line 2), column 'status': 'normal' is not a number"
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
    fn an_unclosed_quote_is_refused_where_it_opened() {
        for (text, row, line) in [
            // At the end of the file: the csv crate alone reads b = 2.
            ("a,b\n1,\"2\n", 1, 2),
            ("a,b\n1,2\n3,\"4", 2, 3),
            ("a,b\r\n1,\"2\r\n", 1, 2),
            // Mid-file: the cell would swallow the rows after it.
            ("a,b\n1,\"2\n3,4\n5,6\n", 1, 2),
            // A ragged row is blamed on the quote, not on its cell count.
            ("a,b,c\n0,1,2\n\n1,\"2\n3,4,5\n", 2, 4),
            // In the header: not "no data rows".
            ("a,\"b\n1,2\n", 0, 1),
        ] {
            let err = read(text).unwrap_err();
            match &err {
                Error::CsvSyntax {
                    row: r, line: l, ..
                } => assert_eq!((*r, *l), (row, Some(line)), "{text:?}"),
                other => panic!("{text:?}: expected CsvSyntax, got {other:?}"),
            }
            assert!(
                err.to_string()
                    .ends_with(": a quoted cell starting here is never closed (a stray '\"'?)"),
                "{err}"
            );
        }
        assert_eq!(
            read("a,b\n1,\"2\n").unwrap_err().to_string(),
            "test.csv: data row 1 (line 2): a quoted cell starting here is never closed (a stray '\"'?)"
        );
        // Read a byte at a time, the end of the input comes after the row.
        let err = Table::read(
            Trickle(b"a,b\n1,2\n3,\"4\n"),
            "pipe",
            &CsvOptions::default(),
        );
        assert!(
            matches!(
                err,
                Err(Error::CsvSyntax {
                    row: 2,
                    line: Some(3),
                    ..
                })
            ),
            "{err:?}"
        );
    }

    #[test]
    fn quoted_cells_spanning_lines_still_read() {
        let table = read("a,b\n\"x\ny\",1\n\"2\",\"3\"\n").unwrap();
        assert_eq!(table.text("a").unwrap(), ["x\ny", "2"]);
        assert_eq!(table.numeric("b").unwrap(), [1.0, 3.0]);
        // A closed quote at the very end of the file, no line end after it.
        assert_eq!(read("a\n\"5\"").unwrap().numeric("a").unwrap(), [5.0]);
    }

    #[test]
    fn other_delimiters_work_and_bad_ones_are_refused() {
        let semicolon = CsvOptions {
            delimiter: b';',
            ..CsvOptions::default()
        };
        let table = Table::read("a;b\n1,5;2\n".as_bytes(), "t", &semicolon).unwrap();
        assert_eq!(table.text("a").unwrap(), ["1,5"]);
        for (delimiter, decimal_comma) in [(b'"', false), (b'\n', false), (b',', true)] {
            let options = CsvOptions {
                delimiter,
                decimal_comma,
            };
            let err = Table::read("a\n1\n".as_bytes(), "t", &options).unwrap_err();
            assert!(
                matches!(
                    err,
                    Error::InvalidSetting {
                        setting: Setting::Delimiter,
                        ..
                    }
                ),
                "{err:?}"
            );
        }
    }

    fn european() -> CsvOptions {
        CsvOptions {
            delimiter: b';',
            decimal_comma: true,
        }
    }

    #[test]
    fn semicolons_with_decimal_commas_read_as_numbers() {
        let text = "temp_c;dose_mg;temp_2h_c\n38,5;250;37,9\n-0,25;1e3;40\n";
        let table = Table::read(text.as_bytes(), "t", &european()).unwrap();
        assert_eq!(table.numeric("temp_c").unwrap(), [38.5, -0.25]);
        assert_eq!(table.numeric("dose_mg").unwrap(), [250.0, 1000.0]);
        assert_eq!(table.numeric("temp_2h_c").unwrap(), [37.9, 40.0]);
    }

    #[test]
    fn a_point_with_decimal_commas_is_refused_not_misread() {
        // In such files 1.250 means 1250: reading it as 1.25 would be wrong.
        let table = Table::read("x\n1,5\n1.250\n".as_bytes(), "t", &european()).unwrap();
        let message = table.numeric("x").unwrap_err().to_string();
        assert_eq!(
            message,
            "t: data row 2 (line 3), column 'x': '1.250' has a '.', but numbers are read with a decimal comma (thousands separators are not supported)"
        );
    }

    #[test]
    fn a_decimal_comma_without_the_option_is_named() {
        let semicolon = CsvOptions {
            delimiter: b';',
            ..CsvOptions::default()
        };
        let table = Table::read("x;y\n1;38,5\n".as_bytes(), "t", &semicolon).unwrap();
        let err = table.numeric("y").unwrap_err();
        assert!(
            matches!(
                err,
                Error::NotANumber {
                    problem: CellProblem::DecimalComma,
                    ..
                }
            ),
            "{err:?}"
        );
        assert!(err
            .to_string()
            .ends_with("'38,5' is not a number: it has a decimal comma"));
    }

    #[test]
    fn each_kind_of_bad_cell_gets_its_own_words() {
        for (cell, problem, words) in [
            ("", CellProblem::Empty, "empty cell"),
            ("NA", CellProblem::Missing, "'NA' marks a missing value"),
            ("NaN", CellProblem::Missing, "'NaN' marks a missing value"),
            ("null", CellProblem::Missing, "'null' marks a missing value"),
            ("inf", CellProblem::Infinite, "'inf' is not a finite number"),
            (
                "-inf",
                CellProblem::Infinite,
                "'-inf' is not a finite number",
            ),
            ("1e309", CellProblem::Overflow, "'1e309' is too large"),
            ("abc", CellProblem::Text, "'abc' is not a number"),
        ] {
            let table = read(&format!("x,y\n1,1\n2,2\n{cell},3\n")).unwrap();
            let err = table.numeric("x").unwrap_err();
            match &err {
                Error::NotANumber {
                    row,
                    line,
                    problem: got,
                    ..
                } => assert_eq!((*row, *line, *got), (3, Some(4), problem), "{cell}"),
                other => panic!("expected NotANumber, got {other:?}"),
            }
            let message = err.to_string();
            assert!(
                message.starts_with("test.csv: data row 3 (line 4), column 'x': "),
                "{message}"
            );
            assert!(message.contains(words), "{message}");
        }
    }

    #[test]
    fn errors_name_the_file_line_too() {
        // Line 1 header, 2 blank, 3 row 1, 4-5 row 2 (a quoted cell spans
        // two lines), 6 blank, 7 row 3, 8 row 4 (ragged).
        let text = "a,b\r\n\r\n1,2\r\n\"x\r\ny\",3\r\n\r\nfoo,4\r\n5\r\n";
        let err = read(text).unwrap_err();
        assert_eq!(
            err.to_string(),
            "test.csv: data row 4 (line 8) has 1 cell, but the header has 2 columns"
        );
        let table = read(&text[..text.len() - 3]).unwrap();
        assert_eq!(table.rows(), 3);
        let lines: Vec<_> = (1..=3).map(|row| table.place(row).line).collect();
        assert_eq!(lines, [Some(3), Some(4), Some(7)]);
        let message = table.numeric("a").unwrap_err().to_string();
        assert!(message.contains("data row 2 (line 4)"), "{message}");
    }

    #[test]
    fn unknown_column_suggests_the_nearest_name() {
        let table = read("temp_c,dose_mg,temp_2h_c\n37,0,37\n").unwrap();
        let suggestion = |name: &str| match table.column(name).unwrap_err() {
            Error::UnknownColumn { suggestion, .. } => suggestion,
            other => panic!("expected UnknownColumn, got {other:?}"),
        };
        // Equal but for case wins over everything else.
        assert_eq!(suggestion("TEMP_C").as_deref(), Some("temp_c"));
        assert_eq!(suggestion("temp_2h").as_deref(), Some("temp_2h_c"));
        assert_eq!(suggestion("dose").as_deref(), Some("dose_mg"));
        assert_eq!(suggestion("status_2h"), None);
        // Columns already taken are not suggested: looking for the target
        // temp_2h among the inputs temp_c and temp_2h_c finds nothing near.
        let inputs = ["temp_c".to_owned(), "temp_2h".to_owned()];
        match table.check_columns(&inputs, &["temp_2h_c"]).unwrap_err() {
            Error::UnknownColumn {
                column, suggestion, ..
            } => assert_eq!((column.as_str(), suggestion), ("temp_2h", None)),
            other => panic!("expected UnknownColumn, got {other:?}"),
        }
        assert_eq!(
            table.column("Temp_c").unwrap_err().to_string(),
            "test.csv: no column named 'Temp_c'; did you mean 'temp_c'? (available: temp_c, dose_mg, temp_2h_c)"
        );
    }

    #[test]
    fn a_one_cell_header_with_semicolons_is_flagged() {
        let table = read("temp_c;dose_mg\n38.5;250\n").unwrap();
        assert_eq!(table.likely_delimiter(), Some(b';'));
        assert!(matches!(
            table.column("temp_c"),
            Err(Error::UnknownColumn {
                likely_delimiter: Some(b';'),
                ..
            })
        ));
        let err = read("temp_c;dose_mg\n38,5;250\n").unwrap_err();
        assert!(
            matches!(
                err,
                Error::RaggedRow {
                    likely_delimiter: Some(b';'),
                    ..
                }
            ),
            "{err:?}"
        );
        assert_eq!(
            read("a\tb\n1\t2\n").unwrap().likely_delimiter(),
            Some(b'\t')
        );
        assert_eq!(read("a,b;c\n1,2\n").unwrap().likely_delimiter(), None);
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
    fn a_large_file_reads_in_windows_like_one_piece() {
        // Over 2 parts (2 MiB) of rows, so read_path reads it in windows;
        // then the same with a quote near the end (which sends it back to
        // the serial reader, from the start) and with a bad cell there.
        let mut text = String::from("x,y,label\n");
        for i in 0..120_000 {
            text.push_str(&format!("{}.25,-{i}e-3,n{}\n", i % 977, i % 7));
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.csv");
        let variants = [
            text.clone(),
            format!("{text}1,2,\"q\"\n3,4,5\n"),
            format!("{text}1,oops,a\n3,4,5\n"),
        ];
        assert!(text.len() > 2 * parallel::PART_BYTES);
        for variant in variants {
            std::fs::write(&path, &variant).unwrap();
            let name = path.display().to_string();
            let serial = Table::read(variant.as_bytes(), &name, &CsvOptions::default());
            let windows = Table::read_path(&path, &CsvOptions::default());
            assert_eq!(format!("{windows:?}"), format!("{serial:?}"));
            for row in [1, 60_000, 120_001] {
                assert_eq!(
                    windows.as_ref().unwrap().place(row),
                    serial.as_ref().unwrap().place(row)
                );
            }
        }
        let table = Table::read_path(&path, &CsvOptions::default()).unwrap();
        let (row, _, text) = not_a_number(table.numeric("y").unwrap_err());
        assert_eq!((row, text.as_str()), (120_001, "oops"));
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
                values: vec![1.0, f64::NAN].into(),
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

    /// The records the `csv` reader makes of `bytes` (read a byte at a
    /// time when `trickle`, which matters for a byte-order mark).
    fn count_records(bytes: &[u8], trickle: bool) -> usize {
        let input: Box<dyn Read + '_> = if trickle {
            Box::new(Trickle(bytes))
        } else {
            Box::new(bytes)
        };
        let mut reader = ::csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(input);
        reader.byte_records().count()
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

        /// The line counter sees exactly the records the `csv` reader hands
        /// out, in one piece or a byte at a time, with lines increasing.
        #[test]
        fn every_record_gets_a_line(
            bytes in proptest::collection::vec(
                proptest::sample::select(b",;\n\r\"a1\xef\xbb\xbf".to_vec()),
                0..200,
            ),
            trickle in proptest::bool::ANY,
        ) {
            let input: Box<dyn Read + '_> = if trickle {
                Box::new(Trickle(&bytes))
            } else {
                Box::new(&bytes[..])
            };
            let mut reader = ::csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_reader(record_lines::RecordLines::new(input, b','));
            let mut record = ::csv::ByteRecord::new();
            let mut lines = Vec::new();
            // The first record after which an unclosed quote was reported.
            let mut unclosed_after = None;
            while reader.read_byte_record(&mut record).unwrap() {
                lines.push(reader.get_mut().next_start());
                if unclosed_after.is_none() && reader.get_ref().unclosed_quote().is_some() {
                    unclosed_after = Some(lines.len());
                }
            }
            proptest::prop_assert!(lines.iter().all(Option::is_some), "{:?}", lines);
            proptest::prop_assert_eq!(reader.get_mut().next_start(), None);
            proptest::prop_assert!(lines.windows(2).all(|w| w[0] < w[1]), "{:?}", lines);
            // Reported with the last record, exactly when the input ends
            // inside quotes: then a line end and a byte appended join the
            // last cell instead of making a new record.
            let mut extended = bytes.clone();
            extended.extend_from_slice(b"\nZ");
            let inside_quotes = count_records(&extended, trickle) == lines.len();
            proptest::prop_assert_eq!(unclosed_after.is_some(), inside_quotes);
            if let Some(after) = unclosed_after {
                proptest::prop_assert_eq!(after, lines.len());
            }
        }
    }
}
