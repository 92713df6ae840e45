//! The file line each CSV record starts on.
//!
//! The `csv` crate's own positions are wrong after blank lines and with CRLF
//! line ends (with csv 1.4, in `a,b\r\n1,2\r\n\r\n3,4`
//! it puts `3,4` on line 2 at byte 9, where it is on line 4 at byte 12). So
//! [`RecordLines`] watches the bytes on their way into the reader and runs
//! the same small state machine as `csv-core` (default quoting: `"` quotes,
//! `""` escapes a quote, no escape byte, no comments; `\r`, `\n` and `\r\n`
//! end a record; an empty line is no record). Each time a record starts it
//! notes the line, counting `\n`, `\r\n` and a lone `\r` as one line break
//! each, including those inside quoted cells. The reader hands out records in
//! the same order, so the n-th record read starts on the n-th noted line.
//!
//! The same state machine knows when the input ends inside a quoted cell:
//! the `csv` crate quietly ends such a cell at the end of the input, so
//! `a,b\n1,"2\n` would read as `b = 2`, and a `"` opened mid-file would
//! swallow every later row into one cell. [`RecordLines::unclosed_quote`]
//! names the line the quote opened on, for an error instead.
//!
//! [`LineMap`] keeps those lines for the data rows compactly: only where the
//! gap between data row and line changes (blank lines, multi-line cells).

use std::collections::VecDeque;
use std::io::Read;

/// The UTF-8 byte-order mark.
const BOM: &[u8] = b"\xef\xbb\xbf";

/// Where the state machine is, as in `csv-core`'s reader.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Between records: line ends here are blank lines.
    StartRecord,
    /// At the first byte of a cell.
    StartField,
    /// Inside an unquoted cell.
    InField,
    /// Inside a quoted cell.
    InQuoted,
    /// Just after a `"` inside a quoted cell.
    QuoteInQuoted,
}

/// A reader that notes the line on which each CSV record starts.
#[derive(Debug)]
pub(super) struct RecordLines<R> {
    inner: R,
    delimiter: u8,
    state: State,
    /// The 1-based line of the next byte.
    line: usize,
    /// The last byte was a `\r` (so a `\n` now ends no further line).
    after_cr: bool,
    /// The line of the `"` that opened the latest quoted cell.
    quote_line: usize,
    /// The inner reader has reported the end of its input.
    ended: bool,
    /// No byte has been read yet.
    first_read: bool,
    /// Start lines of records the reader has not handed out yet.
    starts: VecDeque<usize>,
}

impl<R: Read> RecordLines<R> {
    /// Watches `inner`, a CSV text with cells separated by `delimiter`.
    pub(super) fn new(inner: R, delimiter: u8) -> Self {
        RecordLines {
            inner,
            delimiter,
            state: State::StartRecord,
            line: 1,
            after_cr: false,
            quote_line: 0,
            ended: false,
            first_read: true,
            starts: VecDeque::new(),
        }
    }

    /// The line of the next record, in reading order; `None` if the reader
    /// handed out more records than were seen starting (which the state
    /// machine is built never to allow).
    pub(super) fn next_start(&mut self) -> Option<usize> {
        self.starts.pop_front()
    }

    /// The line on which the last record's quoted cell opened, when the
    /// input ended inside that cell (its closing `"` never came) and the
    /// reader has handed out that record (every noted start was taken with
    /// [`RecordLines::next_start`]); otherwise `None`.
    pub(super) fn unclosed_quote(&self) -> Option<usize> {
        let unclosed = self.ended && self.state == State::InQuoted && self.starts.is_empty();
        unclosed.then_some(self.quote_line)
    }

    /// Runs the state machine over `bytes`, skipping with `memchr` over
    /// the runs of bytes that cannot change anything but the cell state:
    /// outside quotes everything but `"` and line ends (a `"` opens a quoted
    /// cell only right after a delimiter), inside quotes everything but `"`
    /// and line ends.
    fn watch(&mut self, bytes: &[u8]) {
        let mut i = 0;
        while i < bytes.len() {
            let rest = &bytes[i..];
            let next = match self.state {
                State::StartField | State::InField | State::InQuoted => {
                    memchr::memchr3(b'"', b'\n', b'\r', rest)
                }
                State::StartRecord | State::QuoteInQuoted => Some(0),
            };
            let skipped = next.unwrap_or(rest.len());
            if skipped > 0 {
                self.after_cr = false;
                if self.state != State::InQuoted {
                    self.state = if rest[skipped - 1] == self.delimiter {
                        State::StartField
                    } else {
                        State::InField
                    };
                }
            }
            i += skipped;
            if let Some(&byte) = bytes.get(i) {
                self.step(byte);
                i += 1;
            }
        }
    }

    fn step(&mut self, byte: u8) {
        let line_end = byte == b'\n' || byte == b'\r';
        let before = self.state;
        self.state = match before {
            State::StartRecord if line_end => State::StartRecord,
            State::StartRecord => {
                self.starts.push_back(self.line);
                self.in_field(byte, State::StartField)
            }
            state => self.in_field(byte, state),
        };
        if self.state == State::InQuoted && matches!(before, State::StartRecord | State::StartField)
        {
            self.quote_line = self.line;
        }
        if byte == b'\r' || (byte == b'\n' && !self.after_cr) {
            self.line += 1;
        }
        self.after_cr = byte == b'\r';
    }

    /// The next state from a state inside a record.
    fn in_field(&self, byte: u8, state: State) -> State {
        let line_end = byte == b'\n' || byte == b'\r';
        match state {
            State::InQuoted if byte == b'"' => State::QuoteInQuoted,
            State::InQuoted => State::InQuoted,
            State::StartField if byte == b'"' => State::InQuoted,
            State::QuoteInQuoted if byte == b'"' => State::InQuoted,
            _ if byte == self.delimiter => State::StartField,
            _ if line_end => State::StartRecord,
            _ => State::InField,
        }
    }
}

impl<R: Read> Read for RecordLines<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n == 0 && !buf.is_empty() {
            self.ended = true;
        }
        let mut bytes = &buf[..n];
        if self.first_read && n > 0 {
            self.first_read = false;
            // csv-core drops a byte-order mark only when its first buffer
            // holds all three bytes; then they start no record.
            if bytes.starts_with(BOM) {
                bytes = &bytes[BOM.len()..];
            }
        }
        self.watch(bytes);
        Ok(n)
    }
}

/// The file line of every data row, stored as the points where the gap
/// `line - row` changes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct LineMap {
    /// `(first data row, line - row)`, rows ascending.
    gaps: Vec<(usize, usize)>,
}

impl LineMap {
    /// Notes that 1-based data row `row` (each row added in order) starts on
    /// `line`.
    pub(super) fn push(&mut self, row: usize, line: usize) {
        let gap = line.saturating_sub(row);
        if self.gaps.last().map(|&(_, g)| g) != Some(gap) {
            self.gaps.push((row, gap));
        }
    }

    /// The line of 1-based data row `row`; `None` when no line was noted.
    pub(super) fn line(&self, row: usize) -> Option<usize> {
        let after = self.gaps.partition_point(|&(first, _)| first <= row);
        let (_, gap) = self.gaps[..after].last()?;
        Some(row + gap)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The start line of every record of `text`, read in one piece.
    fn starts(text: &[u8]) -> Vec<usize> {
        let mut lines = RecordLines::new(text, b',');
        std::io::copy(&mut lines, &mut std::io::sink()).unwrap();
        lines.starts.into_iter().collect()
    }

    #[test]
    fn blank_lines_and_line_ends_count_as_lines() {
        assert_eq!(starts(b"a,b\n1,2\n\n3,4\n"), [1, 2, 4]);
        assert_eq!(
            starts(b"a,b\r\n1,2\r\n\r\n3,4\r\n\r\n\r\nx,6\r\n"),
            [1, 2, 4, 7]
        );
        // A lone \r ends a line too; \r\n is one line end.
        assert_eq!(starts(b"a\r1\r\n2\n\r3"), [1, 2, 3, 5]);
        assert_eq!(starts(b"\n\na\n"), [3]);
    }

    #[test]
    fn quoted_cells_may_span_lines_and_hold_quotes() {
        // Record 2 spans lines 2-3; `""` inside quotes is a quote.
        assert_eq!(
            starts(b"a,b\n\"x\ny\",1\n\"say \"\"hi\"\"\",2\n3,4"),
            [1, 2, 4, 5]
        );
        // A quote in the middle of an unquoted cell is an ordinary byte.
        assert_eq!(starts(b"a\nab\"c\nd\n"), [1, 2, 3]);
    }

    #[test]
    fn a_whole_byte_order_mark_starts_no_record() {
        assert_eq!(starts(b"\xef\xbb\xbf\na\n1\n"), [2, 3]);
        assert_eq!(starts(b"\xef\xbb\xbfa\n1\n"), [1, 2]);
    }

    /// What [`RecordLines::unclosed_quote`] says once `text` is read in one
    /// piece and every record was handed out.
    fn unclosed_quote(text: &[u8]) -> Option<usize> {
        let mut lines = RecordLines::new(text, b',');
        std::io::copy(&mut lines, &mut std::io::sink()).unwrap();
        while lines.next_start().is_some() {}
        lines.unclosed_quote()
    }

    #[test]
    fn an_input_ending_inside_quotes_names_the_line_the_quote_opened() {
        assert_eq!(unclosed_quote(b"a,b\n1,\"2\n"), Some(2));
        assert_eq!(unclosed_quote(b"a,b\n1,2\n3,\"4"), Some(3));
        // The cell spans lines 3-5; the quote opened on line 3.
        assert_eq!(unclosed_quote(b"a,b\r\n\r\n1,\"2\r\n3,4\r\n\r\n"), Some(3));
        // The second quoted cell of a record, after one spanning lines.
        assert_eq!(unclosed_quote(b"a,b\n\"x\ny\",\"2\n"), Some(3));
        // `""` inside quotes is a quote, so the cell is still open.
        assert_eq!(unclosed_quote(b"a\n\"2\"\""), Some(2));
        // The header can hold it too.
        assert_eq!(unclosed_quote(b"\"a,b\n1,2\n"), Some(1));
    }

    #[test]
    fn closed_quotes_and_quotes_inside_cells_are_no_unclosed_quote() {
        for text in [
            &b"a,b\n1,\"2\"\n"[..],
            b"a,b\n\"x\ny\",1\n",
            b"a,b\n1,\"2\"",
            b"a,b\n1,\"say \"\"hi\"\"\"\n",
            b"a,b\n1,2\"\n",
            b"a,b\n1, \"2\n",
            b"a,b\n1,\"2\"x\n",
        ] {
            assert_eq!(
                unclosed_quote(text),
                None,
                "{:?}",
                String::from_utf8_lossy(text)
            );
        }
    }

    #[test]
    fn an_unclosed_quote_waits_for_its_record_and_the_end_of_the_input() {
        let mut lines = RecordLines::new(&b"a\n\"1\n"[..], b',');
        let mut buf = [0u8; 64];
        let n = lines.read(&mut buf).unwrap();
        assert_eq!(n, 5);
        // Not at the end of the input yet.
        assert_eq!(lines.unclosed_quote(), None);
        assert_eq!(lines.read(&mut buf).unwrap(), 0);
        // Records not handed out yet: the header and the row.
        assert_eq!(lines.next_start(), Some(1));
        assert_eq!(lines.unclosed_quote(), None);
        assert_eq!(lines.next_start(), Some(2));
        assert_eq!(lines.unclosed_quote(), Some(2));
    }

    /// The start lines of `text` from the plain byte-by-byte state machine.
    fn starts_bytewise(text: &[u8], delimiter: u8) -> Vec<usize> {
        let mut lines = RecordLines::new(&[][..], delimiter);
        for &byte in text {
            lines.step(byte);
        }
        lines.starts.into_iter().collect()
    }

    proptest::proptest! {
        /// The skipping [`RecordLines::watch`] agrees with stepping byte by
        /// byte, however the text is cut into reads.
        #[test]
        fn skipping_agrees_with_stepping(
            text in proptest::collection::vec(
                proptest::sample::select(b",;\n\r\"a1 ".to_vec()),
                0..300,
            ),
            cuts in proptest::collection::vec(1usize..40, 1..20),
            semicolon in proptest::bool::ANY,
        ) {
            let delimiter = if semicolon { b';' } else { b',' };
            // Text not starting with a byte-order mark: the first read is
            // handled alike either way.
            let mut lines = RecordLines::new(&[][..], delimiter);
            let mut rest = &text[..];
            for cut in cuts.iter().cycle() {
                if rest.is_empty() {
                    break;
                }
                let (piece, after) = rest.split_at((*cut).min(rest.len()));
                lines.watch(piece);
                rest = after;
            }
            let skipping: Vec<usize> = lines.starts.into_iter().collect();
            proptest::prop_assert_eq!(skipping, starts_bytewise(&text, delimiter));
        }
    }

    #[test]
    fn line_map_finds_the_line_of_each_row() {
        let mut map = LineMap::default();
        assert_eq!(map.line(1), None);
        for (row, line) in [(1, 2), (2, 3), (3, 5), (4, 6), (5, 9)] {
            map.push(row, line);
        }
        let lines: Vec<_> = (1..=5).map(|row| map.line(row)).collect();
        assert_eq!(lines, [Some(2), Some(3), Some(5), Some(6), Some(9)]);
        // Three gaps: 1 (rows 1-2), 2 (rows 3-4), 4 (row 5).
        assert_eq!(map.gaps.len(), 3);
    }
}
