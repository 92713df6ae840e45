//! Reading CSV text on several threads, a window at a time.
//!
//! When the text has no `"` at all, every record is one line, so the text
//! can be cut after any `\n` into parts that are records on their own.
//! [`read_in_windows`] reads the text in windows of whole lines through one
//! reused buffer ([`Windows`]), so a file of any size takes memory for its
//! columns and one window, not for the whole text. It reads the header line
//! on its own with the ordinary reader, then cuts each window into parts
//! read on all threads, their records found by [`PlainRecords`] and their
//! cells added by the ordinary code ([`Table::add_cells`]: same cell
//! rules), and appends the parts' columns, shifting their row and line
//! numbers.
//!
//! The result is exactly what [`Table::read`] makes of the same bytes,
//! because anything the parts cannot settle alone goes back to it, read
//! from the start: a `"` anywhere, any error in any part (so the error
//! reported is the serial reader's first one), a part starting with a
//! byte-order mark, or a column whose parts disagree on its kind (numbers
//! in one, text in another: only the first non-empty cell of the whole
//! column decides).

use super::packed_rows;
use super::plain_records::{self, PlainRecords};
use super::windows::Windows;
use super::{csv_reader, BadCell, ColumnBuilder, CsvOptions, LineMap, Numbers, Table};
use crate::error::{Error, Result};
use rayon::prelude::*;
use std::io::Read;

/// The UTF-8 byte-order mark, which the reader drops only at the start.
const BOM: &[u8] = b"\xef\xbb\xbf";

/// The size of the parts a window is cut into. Files smaller than two
/// parts are read on one thread.
pub(super) const PART_BYTES: usize = 1 << 20;

/// Parts per thread in a window: a few, so a slow part does not keep the
/// others waiting.
const PARTS_PER_THREAD: usize = 2;

/// Reads `source` (about `total_bytes` long), named `source_name` in
/// errors, in windows cut into parts of about `part_bytes` bytes read in
/// parallel; the same table or error as [`Table::read`], which
/// `read_serially` calls on the same text from its start whenever the
/// parts cannot settle it.
pub(super) fn read_in_windows(
    source: impl Read,
    total_bytes: usize,
    read_serially: impl FnOnce() -> Result<Table>,
    source_name: &str,
    options: &CsvOptions,
    part_bytes: usize,
) -> Result<Table> {
    options.validate()?;
    let part_bytes = part_bytes.max(1);
    let window_bytes = part_bytes * PARTS_PER_THREAD * rayon::current_num_threads().max(1);
    let mut windows = Windows::new(source, window_bytes);
    let reader = PartReader {
        source_name,
        options,
        part_bytes,
    };
    match reader.read(&mut windows, total_bytes)? {
        Some(table) => Ok(table),
        None => read_serially(),
    }
}

/// What every part is read with.
struct PartReader<'a> {
    source_name: &'a str,
    options: &'a CsvOptions,
    part_bytes: usize,
}

impl PartReader<'_> {
    /// The table of every window of `windows`; `None` when the serial
    /// reader must settle it. Only I/O failures are errors here.
    fn read(&self, windows: &mut Windows<impl Read>, total_bytes: usize) -> Result<Option<Table>> {
        let io = |err| Error::io(self.source_name, err);
        let Some(first) = windows.next_window().map_err(io)? else {
            return Ok(None);
        };
        let Some(header_end) = memchr::memchr(b'\n', first).map(|i| i + 1) else {
            return Ok(None);
        };
        let (head, body) = first.split_at(header_end);
        if has_quote(head) {
            return Ok(None);
        }
        let Some(mut joined) = self.read_head(head) else {
            return Ok(None);
        };
        if !self.add_window(&mut joined, body) {
            return Ok(None);
        }
        make_room(&mut joined, first.len(), total_bytes);
        while let Some(window) = windows.next_window().map_err(io)? {
            if !self.add_window(&mut joined, window) {
                return Ok(None);
            }
        }
        if joined.table.rows == 0 {
            return Ok(None);
        }
        let Piece {
            table,
            names,
            builders,
            ..
        } = joined;
        table.finish(names, builders).map(Some)
    }

    /// The header line (with any rows it holds after lone `\r`s) read by
    /// the ordinary reader; `None` on any error.
    fn read_head(&self, head: &[u8]) -> Option<Piece> {
        let mut reader = csv_reader(head, self.options);
        let (mut table, names) =
            Table::read_header(&mut reader, self.source_name, self.options).ok()?;
        let builders = table.read_rows(&mut reader, &names).ok()?;
        Some(Piece {
            table,
            names,
            builders,
            line_ends: PlainRecords::line_ends(head),
        })
    }

    /// Reads `window` (whole lines) in parts in parallel and appends them
    /// to `joined`; `false` when the serial reader must settle the file.
    fn add_window(&self, joined: &mut Piece, window: &[u8]) -> bool {
        if has_quote(window) {
            return false;
        }
        let parts = cut_after_line_ends(window, self.part_bytes);
        if parts.iter().any(|part| part.starts_with(BOM)) {
            return false;
        }
        let pieces: Option<Vec<Piece>> = parts
            .par_iter()
            .map(|part| self.read_part(part, joined))
            .collect();
        let Some(pieces) = pieces else {
            return false;
        };
        if !kinds_agree(&joined.builders, &pieces) {
            return false;
        }
        pieces
            .into_iter()
            .for_each(|piece| append_piece(joined, piece));
        true
    }

    /// The rows of `part` (whole lines after the header); `None` on any
    /// error.
    fn read_part(&self, part: &[u8], joined: &Piece) -> Option<Piece> {
        let mut table = Table::empty(
            self.source_name,
            self.options,
            joined.table.likely_delimiter,
        );
        let (builders, line_ends) = read_plain_rows(&mut table, part, &joined.names).ok()?;
        Some(Piece {
            table,
            names: Vec::new(),
            builders,
            line_ends,
        })
    }
}

/// True when `bytes` hold a `"`.
fn has_quote(bytes: &[u8]) -> bool {
    memchr::memchr(b'"', bytes).is_some()
}

/// Rows of the text, their own row and line numbers starting at 1; for
/// the text read so far, its rows and columns.
struct Piece {
    /// The rows and their lines (no columns).
    table: Table,
    /// The names from the header (only in the first piece).
    names: Vec<String>,
    /// One builder per column.
    builders: Vec<ColumnBuilder>,
    /// Line ends in the piece's bytes (`\n`, `\r\n` and a lone `\r` each one).
    line_ends: usize,
}

/// `bytes` (whole lines) cut after a `\n` roughly every `part_bytes`.
fn cut_after_line_ends(bytes: &[u8], part_bytes: usize) -> Vec<&[u8]> {
    let mut rest = bytes;
    let mut parts = Vec::new();
    while !rest.is_empty() {
        let cut = match rest.get(part_bytes..) {
            None => rest.len(),
            Some(after) => memchr::memchr(b'\n', after).map_or(rest.len(), |i| part_bytes + i + 1),
        };
        let (part, after) = rest.split_at(cut);
        parts.push(part);
        rest = after;
    }
    parts
}

/// [`Table::read_rows`] for a part without `"`: the same rows, lines and
/// cells (and errors), found without the `csv` reader; also the line ends
/// in the part.
fn read_plain_rows(
    table: &mut Table,
    part: &[u8],
    names: &[String],
) -> Result<(Vec<ColumnBuilder>, usize)> {
    let mut builders: Vec<ColumnBuilder> = names.iter().map(|_| ColumnBuilder::new()).collect();
    let delimiter = table.options.delimiter;
    let point = table.options.point();
    let fast_rows = packed_rows::usable_with(delimiter, point);
    let mut cells = Vec::with_capacity(names.len());
    let mut scratch = Vec::with_capacity(names.len());
    let mut records = PlainRecords::new(part);
    for (line, record) in records.by_ref() {
        table.rows += 1;
        table.lines.push(table.rows, line);
        if fast_rows
            && packed_rows::push_packed_row(record, delimiter, point, &mut builders, &mut scratch)
        {
            continue;
        }
        plain_records::split_cells(record, delimiter, &mut cells);
        table.add_cells(&mut builders, cells.len(), cells.iter().copied(), names)?;
        if table.rows == 1 {
            // Room for every line of the part at once, not by doubling.
            let lines = memchr::memchr_iter(b'\n', part).count() + 1;
            builders.iter_mut().for_each(|b| reserve(b, lines));
        }
    }
    Ok((builders, records.line_ends_passed()))
}

/// Makes room in `joined`, read from the first `bytes_read` bytes, for the
/// rows of the whole text of `total_bytes` bytes, estimated from the bytes
/// per row so far, so the columns grow once instead of by doubling (room
/// never written takes no memory).
fn make_room(joined: &mut Piece, bytes_read: usize, total_bytes: usize) {
    let rows = joined.table.rows;
    let estimate = (total_bytes as f64 / bytes_read.max(1) as f64 * rows as f64 * 1.05) as usize;
    let more = estimate.saturating_sub(rows) + 1024;
    joined.builders.iter_mut().for_each(|b| reserve(b, more));
}

/// Makes room in `builder` for `rows` more cells.
fn reserve(builder: &mut ColumnBuilder, rows: usize) {
    match builder {
        ColumnBuilder::Undecided { .. } => {}
        ColumnBuilder::Numeric { values, .. } => values.reserve(rows),
        ColumnBuilder::Text(cells) => cells.reserve(rows),
    }
}

/// The kind a builder settled on: `None` while undecided.
fn kind(builder: &ColumnBuilder) -> Option<bool> {
    match builder {
        ColumnBuilder::Undecided { .. } => None,
        ColumnBuilder::Numeric { .. } => Some(true),
        ColumnBuilder::Text(_) => Some(false),
    }
}

/// True when, column by column, the columns so far and every piece that
/// decided a kind decided the same one.
fn kinds_agree(so_far: &[ColumnBuilder], pieces: &[Piece]) -> bool {
    (0..so_far.len()).all(|column| {
        let mut kinds = std::iter::once(&so_far[column])
            .chain(pieces.iter().map(|p| &p.builders[column]))
            .filter_map(kind);
        let first = kinds.next();
        kinds.all(|k| Some(k) == first)
    })
}

/// Appends the rows of `piece` (the next rows of the text) to `joined`:
/// their lines and their cells.
fn append_piece(joined: &mut Piece, piece: Piece) {
    let rows = joined.table.rows;
    append_lines(
        &mut joined.table.lines,
        rows,
        joined.line_ends,
        &piece.table,
    );
    for (builder, part) in joined.builders.iter_mut().zip(piece.builders) {
        append(builder, part, rows);
    }
    joined.table.rows += piece.table.rows;
    joined.line_ends += piece.line_ends;
}

/// Notes the lines of `part`'s rows, which follow `rows` rows and
/// `line_ends` line ends.
fn append_lines(lines: &mut LineMap, rows: usize, line_ends: usize, part: &Table) {
    for row in 1..=part.rows {
        if let Some(line) = part.lines.line(row) {
            lines.push(rows + row, line_ends + line);
        }
    }
}

/// Appends the cells of `part` (a column of a later part of the text,
/// after `rows` rows; both of the same kind or undecided) to `builder`.
fn append(builder: &mut ColumnBuilder, part: ColumnBuilder, rows: usize) {
    match (builder, part) {
        (
            ColumnBuilder::Undecided { empty_cells },
            ColumnBuilder::Undecided { empty_cells: more },
        ) => {
            *empty_cells += more;
        }
        (builder @ ColumnBuilder::Undecided { .. }, part) if rows == 0 => {
            // Nothing before (the usual header part): the part is the column
            // so far, taken without a copy.
            *builder = part;
        }
        (builder @ ColumnBuilder::Undecided { .. }, part) => {
            // Every earlier cell was empty: as if they began the part.
            *builder = after_empty_cells(rows, part);
        }
        (ColumnBuilder::Numeric { values, first_bad }, part) => {
            let (more, bad) = match part {
                ColumnBuilder::Undecided { empty_cells } => (
                    Numbers::nans(empty_cells),
                    (empty_cells > 0).then(|| BadCell {
                        row: 1,
                        text: String::new(),
                    }),
                ),
                ColumnBuilder::Numeric { values, first_bad } => (values, first_bad),
                ColumnBuilder::Text(_) => unreachable!("kinds_agree checked the kinds"),
            };
            values.append(more);
            if first_bad.is_none() {
                *first_bad = bad.map(|bad| BadCell {
                    row: rows + bad.row,
                    text: bad.text,
                });
            }
        }
        (ColumnBuilder::Text(cells), part) => {
            match part {
                ColumnBuilder::Undecided { empty_cells } => {
                    cells.extend(std::iter::repeat_n(String::new(), empty_cells))
                }
                ColumnBuilder::Text(more) => cells.extend(more),
                ColumnBuilder::Numeric { .. } => unreachable!("kinds_agree checked the kinds"),
            };
        }
    }
}

/// The column whose first `rows` cells are empty and whose later cells are
/// those of `part` (decided).
fn after_empty_cells(rows: usize, part: ColumnBuilder) -> ColumnBuilder {
    let mut builder = match part {
        ColumnBuilder::Numeric { .. } => ColumnBuilder::Numeric {
            values: Numbers::nans(rows),
            first_bad: (rows > 0).then(|| BadCell {
                row: 1,
                text: String::new(),
            }),
        },
        ColumnBuilder::Text(_) => ColumnBuilder::Text(vec![String::new(); rows]),
        ColumnBuilder::Undecided { empty_cells } => {
            return ColumnBuilder::Undecided {
                empty_cells: rows + empty_cells,
            }
        }
    };
    append(&mut builder, part, rows);
    builder
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;

    /// The serial reader's result for `text`.
    fn serial(text: &[u8]) -> Result<Table> {
        Table::read(text, "t.csv", &CsvOptions::default())
    }

    /// The parallel reader's result for `text` cut every `part_bytes`.
    fn in_parts(text: &[u8], part_bytes: usize) -> Result<Table> {
        Table::read_bytes_in_parts(text, "t.csv", &CsvOptions::default(), part_bytes)
    }

    /// Both readers give the same table (rows, columns, every row's line,
    /// every cell to the bit) or the same error.
    fn assert_same(text: &[u8], part_bytes: usize) {
        assert_same_with(text, part_bytes, &CsvOptions::default());
    }

    /// [`assert_same`] for files read with `options`. The serial reader,
    /// record by record through the `csv` crate, is the reference.
    fn assert_same_with(text: &[u8], part_bytes: usize, options: &CsvOptions) {
        let serial = Table::read(text, "t.csv", options);
        let in_parts = Table::read_bytes_in_parts(text, "t.csv", options, part_bytes);
        match (serial, in_parts) {
            (Ok(expected), Ok(got)) => {
                // Debug, not ==: NaN cells are equal only as text.
                assert_eq!(
                    format!("{got:?}"),
                    format!("{expected:?}"),
                    "{:?}",
                    String::from_utf8_lossy(text)
                );
                for row in 1..=expected.rows() {
                    assert_eq!(got.place(row), expected.place(row), "row {row}");
                }
                for column in expected.columns() {
                    let name = column.name.as_str();
                    assert_eq!(
                        got.numeric(name).map_err(|e| e.to_string()),
                        expected.numeric(name).map_err(|e| e.to_string()),
                    );
                }
            }
            (Err(expected), Err(got)) => assert_eq!(got.to_string(), expected.to_string()),
            (expected, got) => panic!(
                "{:?}: serial {expected:?}, in parts {got:?}",
                String::from_utf8_lossy(text)
            ),
        }
    }

    /// True when `text`, cut every `part_bytes`, is read in parts without
    /// the serial reader's help.
    fn read_in_parts_alone(text: &[u8], part_bytes: usize) -> bool {
        let reader = PartReader {
            source_name: "t.csv",
            options: &CsvOptions::default(),
            part_bytes,
        };
        let mut windows = Windows::new(text, part_bytes * 4);
        reader.read(&mut windows, text.len()).unwrap().is_some()
    }

    /// A file of `rows` rows `i,2i+0.5,name` with CRLF line ends and a
    /// blank line every seventh row.
    fn long_file(rows: usize) -> String {
        let mut text = String::from("a,b,c\r\n");
        for i in 0..rows {
            text.push_str(&format!("{i},{}.5,n{i}\r\n", 2 * i));
            if i % 7 == 3 {
                text.push_str("\r\n");
            }
        }
        text
    }

    #[test]
    fn a_long_file_is_cut_and_joined_exactly() {
        let text = long_file(500);
        // Taken apart and joined, not handed to the serial reader.
        assert!(read_in_parts_alone(text.as_bytes(), 64));
        for part_bytes in [1, 13, 64, 1000, 1 << 20] {
            assert_same(text.as_bytes(), part_bytes);
        }
        let table = in_parts(text.as_bytes(), 64).unwrap();
        assert_eq!(table.rows(), 500);
        // Row 500 (i = 499): line 1 header + 500 rows + 71 blank lines
        // before it (after i = 3, 10, ..., 493).
        assert_eq!(table.place(500).line, Some(1 + 500 + 71));
    }

    #[test]
    fn decimal_comma_files_are_read_in_parts_like_the_serial_reader() {
        let options = CsvOptions {
            delimiter: b';',
            decimal_comma: true,
        };
        let mut text = String::from("a;b\n");
        for i in 0..400 {
            text.push_str(&format!("{i},5;-{i},25\n"));
        }
        let read = |text: &str, part_bytes| {
            let serial = Table::read(text.as_bytes(), "t.csv", &options);
            let parts = Table::read_bytes_in_parts(text.as_bytes(), "t.csv", &options, part_bytes);
            (serial, parts)
        };
        for part_bytes in [7, 64, 1 << 20] {
            let (serial, parts) = read(&text, part_bytes);
            let (serial, parts) = (serial.unwrap(), parts.unwrap());
            assert_eq!(parts.numeric("a").unwrap(), serial.numeric("a").unwrap());
            assert_eq!(parts.numeric("b").unwrap()[399], -399.25);
            assert_eq!(format!("{parts:?}"), format!("{serial:?}"));
        }
        // A point near the end: the same error from both.
        text.push_str("1.250;1\n");
        let (serial, parts) = read(&text, 64);
        let message = |table: Result<Table>| table.unwrap().numeric("a").unwrap_err().to_string();
        assert_eq!(message(parts), message(serial));
    }

    #[test]
    fn the_first_error_in_file_order_is_reported() {
        let text = long_file(400);
        let lines: Vec<&str> = text.split_inclusive('\n').collect();
        // Spoil a row early, in the middle and late, and several at once.
        for spoiled in [&[5][..], &[200], &[390], &[390, 30], &[100, 101, 350]] {
            let mut broken: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
            for &at in spoiled {
                broken[at] = "1,2\r\n".to_owned();
            }
            let broken = broken.concat();
            assert!(serial(broken.as_bytes()).is_err());
            for part_bytes in [1, 50, 700] {
                assert_same(broken.as_bytes(), part_bytes);
            }
        }
    }

    #[test]
    fn columns_whose_kind_differs_between_parts_read_as_serially() {
        // Column a: empty in the first parts, numbers later; b: numbers,
        // then text; c: text, then numbers.
        let mut text = String::from("a,b,c\n");
        for i in 0..60 {
            let a = if i < 30 { String::new() } else { i.to_string() };
            let b = if i < 40 {
                i.to_string()
            } else {
                "x".to_owned()
            };
            let c = if i < 20 {
                "y".to_owned()
            } else {
                i.to_string()
            };
            text.push_str(&format!("{a},{b},{c}\n"));
        }
        for part_bytes in [1, 10, 100] {
            assert_same(text.as_bytes(), part_bytes);
        }
        let table = in_parts(text.as_bytes(), 10).unwrap();
        let err = table.numeric("a").unwrap_err();
        assert!(matches!(err, Error::NotANumber { row: 1, .. }), "{err:?}");
        // Empty cells, then one kind, join without the serial reader: a
        // number column and a text column that start empty, and one that
        // is empty to the end.
        let mut text = String::from("a,s,e\n");
        for i in 0..60 {
            let (a, s) = if i < 30 {
                (String::new(), "")
            } else {
                (i.to_string(), "w")
            };
            text.push_str(&format!("{a},{s},\n"));
        }
        assert!(read_in_parts_alone(text.as_bytes(), 10));
        for part_bytes in [1, 10, 100] {
            assert_same(text.as_bytes(), part_bytes);
        }
    }

    #[test]
    fn quotes_byte_order_marks_and_empty_bodies_read_as_serially() {
        for text in [
            "a,b\n1,2\n\"3\",4\n5,6\n",
            "\u{feff}a,b\n1,2\n3,4\n\u{feff}5,6\n",
            "a,b\n\n\n\n",
            "a,b\n1,2\r3,4\n5,6\n7,8",
            // Rows in the header part (after a lone \r), empty or not.
            "a,b\r1,2\r\n3,4\n5,6\n",
            "a,b\r,\r\n3,x\n5,6\n,\n",
            "\n\na,b\n1,2\n3,4\n",
            "a\n1\n\u{a0}2\n 3 \n1e309\nNA\n",
        ] {
            for part_bytes in [1, 3, 8] {
                assert_same(text.as_bytes(), part_bytes);
            }
        }
    }

    proptest::proptest! {
        /// Small files of numbers, words, blanks and stray bytes read the
        /// same in parts of any size as in one piece.
        #[test]
        fn parts_read_like_one_piece(
            bytes in proptest::collection::vec(
                proptest::sample::select(b",,,\n\n\r 1.5-eaN\xef\xbb\xbf\xff".to_vec()),
                0..200,
            ),
            part_bytes in 1usize..40,
        ) {
            let mut text = b"a,b,c\n".to_vec();
            text.extend(bytes);
            assert_same(&text, part_bytes);
        }

        /// Files of mostly well-formed rows (numbers, bad numbers, words,
        /// empty cells, any line ends, now and then a short row) read the
        /// same in parts of any size as in one piece.
        #[test]
        fn rows_read_like_one_piece(
            rows in proptest::collection::vec(
                (
                    proptest::collection::vec(
                        proptest::sample::select(vec![
                            "", "1", "-2.5", " 3 ", "4e2", "1e309", "NA", "inf", "x", "\u{a0}4",
                            "0.1234567890123456",
                        ]),
                        4usize..5,
                    ),
                    proptest::sample::select(vec!["\n", "\r\n", "\r", "\n\n", "\r\n\r\n"]),
                    proptest::prop_oneof![9 => proptest::strategy::Just(3usize), 1 => 2usize..5],
                ),
                0..40,
            ),
            part_bytes in 1usize..60,
        ) {
            let mut text = String::from("a,b,c\n");
            for (cells, end, width) in rows {
                text.push_str(&cells[..width].join(","));
                text.push_str(end);
            }
            assert_same(text.as_bytes(), part_bytes);
        }

        /// Files with a decimal comma and `;` between cells (numbers the
        /// packed path holds, points it must leave to the ordinary path,
        /// words, empty cells) read the same in parts as in one piece.
        #[test]
        fn decimal_comma_rows_read_like_one_piece(
            rows in proptest::collection::vec(
                (
                    proptest::collection::vec(
                        proptest::sample::select(vec![
                            "", "1", "38,5", "-0,25", " 3,5 ", "1.250", "4e2", "NA", "x",
                            "0,1234567890123456",
                        ]),
                        3usize..4,
                    ),
                    proptest::sample::select(vec!["\n", "\r\n", "\r"]),
                ),
                0..40,
            ),
            part_bytes in 1usize..60,
        ) {
            let options = CsvOptions { delimiter: b';', decimal_comma: true };
            let mut text = String::from("a;b;c\n");
            for (cells, end) in rows {
                text.push_str(&cells.join(";"));
                text.push_str(end);
            }
            assert_same_with(text.as_bytes(), part_bytes, &options);
        }
    }
}
