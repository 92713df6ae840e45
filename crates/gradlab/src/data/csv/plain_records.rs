//! The records of CSV text that holds no `"`: its non-empty lines.
//!
//! Without quotes the `csv` reader's state machine comes down to this: `\n`,
//! `\r` and `\r\n` end a record, an empty line is no record, and a record's
//! cells are the bytes between delimiters. [`PlainRecords`] finds the
//! records with `memchr` and counts lines as [`super::RecordLines`] does
//! (`\n`, `\r\n` and a lone `\r` one line each). It is for text that neither
//! holds a `"` nor starts with a byte-order mark (which the `csv` reader
//! drops there); `parallel`'s tests check it against the `csv` reader.

/// The records of quote-free CSV text with the line each starts on.
pub(super) struct PlainRecords<'a> {
    rest: &'a [u8],
    /// The 1-based line of the first byte of `rest`.
    line: usize,
}

impl<'a> PlainRecords<'a> {
    /// The records of `text` (no `"` in it), lines counted from 1.
    pub(super) fn new(text: &'a [u8]) -> Self {
        PlainRecords {
            rest: text,
            line: 1,
        }
    }

    /// The line ends (`\n`, `\r\n` or a lone `\r`) in `text`.
    pub(super) fn line_ends(text: &'a [u8]) -> usize {
        let mut records = PlainRecords::new(text);
        records.by_ref().for_each(drop);
        records.line_ends_passed()
    }

    /// The line ends passed so far (all of them once the records ran out).
    pub(super) fn line_ends_passed(&self) -> usize {
        self.line - 1
    }

    /// Skips the line ends at the start of `rest`, counting lines.
    fn skip_line_ends(&mut self) {
        let mut index = 0;
        while let Some(&byte) = self.rest.get(index) {
            match byte {
                b'\n' => self.line += 1,
                b'\r' if self.rest.get(index + 1) == Some(&b'\n') => {}
                b'\r' => self.line += 1,
                _ => break,
            }
            index += 1;
        }
        self.rest = &self.rest[index..];
    }
}

impl<'a> Iterator for PlainRecords<'a> {
    /// The line a record starts on and its bytes (without the line end).
    type Item = (usize, &'a [u8]);

    fn next(&mut self) -> Option<Self::Item> {
        self.skip_line_ends();
        if self.rest.is_empty() {
            return None;
        }
        let end = memchr::memchr2(b'\n', b'\r', self.rest).unwrap_or(self.rest.len());
        let (record, rest) = self.rest.split_at(end);
        self.rest = rest;
        Some((self.line, record))
    }
}

/// Puts the cells of `record`, split at `delimiter`, into `cells`
/// (emptied first, so one vector serves every record).
pub(super) fn split_cells<'a>(record: &'a [u8], delimiter: u8, cells: &mut Vec<&'a [u8]>) {
    cells.clear();
    let mut start = 0;
    for end in memchr::memchr_iter(delimiter, record) {
        cells.push(&record[start..end]);
        start = end + 1;
    }
    cells.push(&record[start..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_are_non_empty_lines_with_their_line_numbers() {
        let text = b"a,b\r\n\r\n1,2\n\n\r3\r\r\n4";
        let records: Vec<(usize, &[u8])> = PlainRecords::new(text).collect();
        assert_eq!(PlainRecords::line_ends(text), 7);
        assert_eq!(PlainRecords::line_ends(b"\r\n\n\r"), 3);
        let expected: [(usize, &[u8]); 4] = [(1, b"a,b"), (3, b"1,2"), (6, b"3"), (8, b"4")];
        assert_eq!(records, expected);
        let mut cells = vec![&b"old"[..]];
        split_cells(b",x,", b',', &mut cells);
        assert_eq!(cells, [&b""[..], b"x", b""]);
        split_cells(b"", b',', &mut cells);
        assert_eq!(cells, [&b""[..]]);
    }
}
