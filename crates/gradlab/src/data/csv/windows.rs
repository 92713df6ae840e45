//! A text read in windows of whole lines, through one reused buffer.
//!
//! [`Windows`] reads its source into a buffer of about a fixed size and
//! hands out the buffer up to and including its last `\n` (everything, at
//! the end of the source); the bytes after that cut start the next window.
//! A line longer than the buffer makes it grow until the line fits. So a
//! file of any size is read with memory for about one window, and each
//! window can be cut after any of its `\n`s into parts read on their own.

use std::io::{ErrorKind, Read};

/// Windows of whole lines of a source.
pub(super) struct Windows<R> {
    source: R,
    buffer: Vec<u8>,
    /// Bytes of `buffer` that hold data.
    filled: usize,
    /// Bytes at the start of `buffer` already handed out.
    handed_out: usize,
    /// How many bytes the buffer is filled to before a window is cut.
    window_bytes: usize,
    /// The source has no more bytes.
    at_end: bool,
}

impl<R: Read> Windows<R> {
    /// Windows of about `window_bytes` bytes (at least 1) of `source`.
    pub(super) fn new(source: R, window_bytes: usize) -> Self {
        Windows {
            source,
            buffer: Vec::new(),
            filled: 0,
            handed_out: 0,
            window_bytes: window_bytes.max(1),
            at_end: false,
        }
    }

    /// The next window: whole lines (ending in `\n`), or the rest of the
    /// source at its end; `None` once everything was handed out.
    pub(super) fn next_window(&mut self) -> std::io::Result<Option<&[u8]>> {
        self.buffer.copy_within(self.handed_out..self.filled, 0);
        self.filled -= self.handed_out;
        self.handed_out = 0;
        loop {
            self.fill()?;
            if self.at_end {
                self.handed_out = self.filled;
                break;
            }
            if let Some(last_line_end) = memchr::memrchr(b'\n', &self.buffer[..self.filled]) {
                self.handed_out = last_line_end + 1;
                break;
            }
            // No line ends in a full window: a longer one.
            self.window_bytes *= 2;
        }
        Ok((self.handed_out > 0).then(|| &self.buffer[..self.handed_out]))
    }

    /// Reads until the buffer holds `window_bytes` bytes or the source ends.
    fn fill(&mut self) -> std::io::Result<()> {
        if self.buffer.len() < self.window_bytes {
            self.buffer.resize(self.window_bytes, 0);
        }
        while !self.at_end && self.filled < self.window_bytes {
            match self
                .source
                .read(&mut self.buffer[self.filled..self.window_bytes])
            {
                Ok(0) => self.at_end = true,
                Ok(read) => self.filled += read,
                Err(err) if err.kind() == ErrorKind::Interrupted => {}
                Err(err) => return Err(err),
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every window of `text` read through windows of `window_bytes`.
    fn windows(text: &[u8], window_bytes: usize) -> Vec<Vec<u8>> {
        let mut windows = Windows::new(text, window_bytes);
        let mut all = Vec::new();
        while let Some(window) = windows.next_window().unwrap() {
            all.push(window.to_vec());
        }
        all
    }

    #[test]
    fn windows_are_whole_lines_that_add_up_to_the_text() {
        let text = b"header\n1,2\n33,44\r\n\n5\nlast line without end";
        for window_bytes in [1, 2, 5, 8, 11, 100] {
            let all = windows(text, window_bytes);
            assert_eq!(all.concat(), text, "windows of {window_bytes}");
            let (last, whole) = all.split_last().unwrap();
            assert!(whole.iter().all(|w| w.ends_with(b"\n")), "{window_bytes}");
            assert!(last.ends_with(b"end"));
            assert!(all.iter().all(|w| !w.is_empty()));
        }
        // A window holds as many lines as fit in its size.
        assert_eq!(windows(text, 13)[0], b"header\n1,2\n");
        assert!(windows(b"", 4).is_empty());
        assert_eq!(windows(b"\n\n", 1), [b"\n", b"\n"]);
    }
}
