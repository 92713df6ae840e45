//! Reading a CSV file held in memory on several threads.
//!
//! When the file has no `"` at all, every record is one line, so the text
//! can be cut after any `\n` into parts that are records on their own.
//! [`read_in_parts`] reads the header line on its own with the ordinary
//! reader, then each part on a thread, its records found by
//! [`PlainRecords`] and its cells added by the ordinary code
//! ([`Table::add_cells`]: same cell rules), and joins the parts' columns,
//! shifting their row and line numbers.
//!
//! The result is exactly what [`Table::read`] makes of the same bytes,
//! because anything the parts cannot settle alone goes back to it: a `"`
//! anywhere, any error in any part (so the error reported is the serial
//! reader's first one), a part starting with a byte-order mark, or a column
//! whose parts disagree on its kind (numbers in one, text in another: only
//! the first non-empty cell of the whole column decides).

use super::plain_records::{self, PlainRecords};
use super::{csv_reader, BadCell, ColumnBuilder, CsvOptions, LineMap, Table};
use crate::error::Result;
use rayon::prelude::*;

/// The UTF-8 byte-order mark, which the reader drops only at the start.
const BOM: &[u8] = b"\xef\xbb\xbf";

/// Parts are never smaller than this (smaller files are read on one thread).
const MIN_PART_BYTES: usize = 1 << 20;

/// The part size for a file of `len` bytes: a few parts per thread, so a
/// slow part does not keep the others waiting.
pub(super) fn part_bytes(len: usize) -> usize {
    (len / (4 * rayon::current_num_threads())).max(MIN_PART_BYTES)
}

/// Reads `bytes`, named `source_name` in errors, cut into parts of about
/// `part_bytes` bytes read in parallel; the same table or error as
/// [`Table::read`].
pub(super) fn read_in_parts(
    bytes: Vec<u8>,
    source_name: &str,
    options: &CsvOptions,
    part_bytes: usize,
) -> Result<Table> {
    options.validate()?;
    let read_serially = |bytes: &[u8]| Table::read(bytes, source_name, options);
    if memchr::memchr(b'"', &bytes).is_some() {
        return read_serially(&bytes);
    }
    let Some((head, parts)) = cut_after_line_ends(&bytes, part_bytes) else {
        return read_serially(&bytes);
    };
    let Some(mut pieces) = read_pieces(head, &parts, source_name, options) else {
        return read_serially(&bytes);
    };
    if !kinds_agree(&pieces) {
        return read_serially(&bytes);
    }
    // The columns take as much room as the file: let it go first.
    drop(bytes);
    let first = pieces.remove(0);
    join(first, pieces)
}

/// The rows of one part: its own row and line numbers start at 1.
struct Piece {
    /// The table of the part (no columns; rows and their lines).
    table: Table,
    /// The names from the header.
    names: Vec<String>,
    /// One builder per column.
    builders: Vec<ColumnBuilder>,
    /// Line ends in the part's bytes (`\n`, `\r\n` and a lone `\r` each one).
    line_ends: usize,
}

/// The header line (up to its first `\n`) and the rest cut after a `\n`
/// roughly every `part_bytes`; `None` when that gives fewer than two parts
/// after the header, or a part starts with a byte-order mark.
fn cut_after_line_ends(bytes: &[u8], part_bytes: usize) -> Option<(&[u8], Vec<&[u8]>)> {
    let header_end = memchr::memchr(b'\n', bytes)? + 1;
    let (head, mut rest) = bytes.split_at(header_end);
    let mut parts = Vec::new();
    while !rest.is_empty() {
        let cut = match rest.get(part_bytes.max(1)..) {
            None => rest.len(),
            Some(after) => memchr::memchr(b'\n', after).map_or(rest.len(), |i| part_bytes + i + 1),
        };
        let (part, after) = rest.split_at(cut);
        parts.push(part);
        rest = after;
    }
    let usable = parts.len() >= 2 && !parts.iter().any(|part| part.starts_with(BOM));
    usable.then_some((head, parts))
}

/// Reads the header line (with any rows it holds after lone `\r`s) and
/// every part, in parallel; `None` on any error.
fn read_pieces(
    head: &[u8],
    parts: &[&[u8]],
    source_name: &str,
    options: &CsvOptions,
) -> Option<Vec<Piece>> {
    let mut reader = csv_reader(head, options);
    let (mut table, names) = Table::read_header(&mut reader, source_name, options).ok()?;
    let builders = table.read_rows(&mut reader, &names).ok()?;
    let likely_delimiter = table.likely_delimiter;
    let first = Piece {
        table,
        names: names.clone(),
        builders,
        line_ends: PlainRecords::line_ends(head),
    };
    let rest: Option<Vec<Piece>> = parts
        .par_iter()
        .map(|part| {
            let mut table = Table::empty(source_name, options, likely_delimiter);
            let (builders, line_ends) = read_plain_rows(&mut table, part, &names).ok()?;
            Some(Piece {
                table,
                names: Vec::new(),
                builders,
                line_ends,
            })
        })
        .collect();
    let mut pieces = vec![first];
    pieces.extend(rest?);
    Some(pieces)
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
    let mut cells = Vec::with_capacity(names.len());
    let mut records = PlainRecords::new(part);
    for (line, record) in records.by_ref() {
        table.rows += 1;
        table.lines.push(table.rows, line);
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

/// True when, column by column, every part that decided a kind decided the
/// same one.
fn kinds_agree(pieces: &[Piece]) -> bool {
    let columns = pieces[0].builders.len();
    (0..columns).all(|column| {
        let mut kinds = pieces.iter().filter_map(|p| kind(&p.builders[column]));
        let first = kinds.next();
        kinds.all(|k| Some(k) == first)
    })
}

/// The table of `first` followed by the rows of `rest`: the lines noted
/// while the columns are joined, each column on a thread of its own.
fn join(first: Piece, rest: Vec<Piece>) -> Result<Table> {
    let Piece {
        mut table,
        names,
        builders,
        mut line_ends,
    } = first;
    // Each column's parts, each with the rows before it.
    let mut columns: Vec<Vec<(usize, ColumnBuilder)>> =
        builders.into_iter().map(|b| vec![(0, b)]).collect();
    // Each later part's table with the rows and line ends before it.
    let mut tables = Vec::with_capacity(rest.len());
    let mut rows = table.rows;
    for piece in rest {
        for (column, part) in columns.iter_mut().zip(piece.builders) {
            column.push((rows, part));
        }
        let part_rows = piece.table.rows;
        tables.push((rows, line_ends, piece.table));
        rows += part_rows;
        line_ends += piece.line_ends;
    }
    let lines = &mut table.lines;
    let ((), builders) = rayon::join(
        || {
            for (rows, line_ends, part) in &tables {
                append_lines(lines, *rows, *line_ends, part);
            }
        },
        || {
            columns
                .into_par_iter()
                .map(|parts| join_column(parts, rows))
                .collect::<Vec<_>>()
        },
    );
    table.rows = rows;
    table.finish(names, builders)
}

/// One column of `total_rows` cells made of its parts, each with the rows
/// before it (the first part first, with none).
fn join_column(parts: Vec<(usize, ColumnBuilder)>, total_rows: usize) -> ColumnBuilder {
    let mut parts = parts.into_iter();
    let mut builder = match parts.next() {
        Some((_, builder)) => builder,
        None => return ColumnBuilder::new(),
    };
    for (rows, part) in parts {
        append(&mut builder, part, rows, total_rows);
    }
    builder
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

/// Appends the cells of `part` (a column of a later part of the file, after
/// `rows` rows; both of the same kind or undecided) to `builder`, making
/// room for `total_rows` at once.
fn append(builder: &mut ColumnBuilder, part: ColumnBuilder, rows: usize, total_rows: usize) {
    let room = total_rows - rows;
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
            reserve(builder, room);
        }
        (builder @ ColumnBuilder::Undecided { .. }, part) => {
            // Every earlier cell was empty: as if they began the part.
            *builder = after_empty_cells(rows, part, room);
        }
        (ColumnBuilder::Numeric { values, first_bad }, part) => {
            let (more, bad) = match part {
                ColumnBuilder::Undecided { empty_cells } => (
                    vec![f64::NAN; empty_cells],
                    (empty_cells > 0).then(|| BadCell {
                        row: 1,
                        text: String::new(),
                    }),
                ),
                ColumnBuilder::Numeric { values, first_bad } => (values, first_bad),
                ColumnBuilder::Text(_) => unreachable!("kinds_agree checked the kinds"),
            };
            values.reserve(room);
            values.extend(more);
            if first_bad.is_none() {
                *first_bad = bad.map(|bad| BadCell {
                    row: rows + bad.row,
                    text: bad.text,
                });
            }
        }
        (ColumnBuilder::Text(cells), part) => {
            let more = match part {
                ColumnBuilder::Undecided { empty_cells } => vec![String::new(); empty_cells],
                ColumnBuilder::Text(more) => more,
                ColumnBuilder::Numeric { .. } => unreachable!("kinds_agree checked the kinds"),
            };
            cells.reserve(room);
            cells.extend(more);
        }
    }
}

/// The column whose first `rows` cells are empty and whose later cells are
/// those of `part` (decided), with room for `room` more cells.
fn after_empty_cells(rows: usize, part: ColumnBuilder, room: usize) -> ColumnBuilder {
    let mut builder = match part {
        ColumnBuilder::Numeric { .. } => ColumnBuilder::Numeric {
            values: vec![f64::NAN; rows],
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
    append(&mut builder, part, rows, rows + room);
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
        read_in_parts(text.to_vec(), "t.csv", &CsvOptions::default(), part_bytes)
    }

    /// Both readers give the same table (rows, columns, every row's line,
    /// every cell to the bit) or the same error.
    fn assert_same(text: &[u8], part_bytes: usize) {
        match (serial(text), in_parts(text, part_bytes)) {
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

    /// The pieces `read_in_parts` joins for `text` cut every `part_bytes`.
    fn read_pieces_of(text: &[u8], part_bytes: usize) -> Vec<Piece> {
        let options = CsvOptions::default();
        let (head, parts) = cut_after_line_ends(text, part_bytes).unwrap();
        read_pieces(head, &parts, "t.csv", &options).unwrap()
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
        assert!(kinds_agree(&read_pieces_of(text.as_bytes(), 64)));
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
        assert!(kinds_agree(&read_pieces_of(text.as_bytes(), 10)));
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
    }
}
