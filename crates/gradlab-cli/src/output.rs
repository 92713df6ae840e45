//! Where output goes: stdout or a file written atomically, notes on stderr,
//! and how an error ends the program.

use std::io::{self, Write};
use std::path::Path;
use std::process::ExitCode;

/// Exit code for a training run that diverged (the cost became non-finite).
const EXIT_DIVERGED: u8 = 3;

/// Exit code for a run stopped by Ctrl-C: 128 + SIGINT, as a shell reports
/// a program that the signal ended.
pub const EXIT_INTERRUPTED: u8 = 130;

/// A run that Ctrl-C stopped after it saved what it had. Not a failure, but
/// the program did not run to its end: [`report_error`] prints the message
/// as it is (no `error:`) and exits with [`EXIT_INTERRUPTED`].
#[derive(Debug)]
pub struct Interrupted {
    /// What was stopped and what was saved, e.g. `interrupted at epoch 3,
    /// step 7; saved …`.
    pub message: String,
}

impl std::fmt::Display for Interrupted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Interrupted {}

/// The stderr side of a command: notes and progress, silenced by `--quiet`.
#[derive(Debug, Clone, Copy)]
pub struct Console {
    quiet: bool,
}

impl Console {
    /// A console that prints notes unless `quiet`.
    pub fn new(quiet: bool) -> Self {
        Console { quiet }
    }

    /// True when nothing but errors may go to stderr.
    pub fn is_quiet(self) -> bool {
        self.quiet
    }

    /// Prints one note on stderr (nothing under `--quiet`).
    pub fn note(self, text: impl std::fmt::Display) {
        if !self.quiet {
            eprintln!("{text}");
        }
    }
}

/// True when `path` is `-`, i.e. standard input or output.
pub fn is_dash(path: &Path) -> bool {
    path == Path::new("-")
}

/// Writes through `write` to stdout (`-`) or to the file `path`.
///
/// A file is written atomically: into a temporary file in the same
/// directory, which is renamed over `path` only when everything was
/// written, so a failed or interrupted run never leaves half a file.
pub fn write_to(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> anyhow::Result<()> {
    if is_dash(path) {
        let mut out = io::BufWriter::new(io::stdout().lock());
        write(&mut out)?;
        return Ok(out.flush()?);
    }
    Ok(gradlab::atomic_file::write_atomically(path, write)?)
}

/// The error and its causes joined by `: `, as one line. A cause whose text
/// the message already holds is left out (the engine's I/O errors print
/// their cause themselves).
fn one_line(err: &anyhow::Error) -> String {
    let mut message = String::new();
    for cause in err.chain() {
        let text = crate::setting_flags::error_text(cause);
        if message.contains(&text) {
            continue;
        }
        if !message.is_empty() {
            message.push_str(": ");
        }
        message.push_str(&text);
    }
    message.replace(['\n', '\r'], " ")
}

/// Prints `err` as one line on stderr and picks the exit code: 3 when
/// training diverged, 130 when Ctrl-C stopped it ([`Interrupted`]), 1
/// otherwise. A closed stdout (`gradlab … | head`) is not an error worth a
/// message.
pub fn report_error(err: &anyhow::Error) -> ExitCode {
    let broken_pipe = err.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
    });
    if broken_pipe {
        return ExitCode::SUCCESS;
    }
    if let Some(interrupted) = err.downcast_ref::<Interrupted>() {
        eprintln!("{interrupted}");
        return ExitCode::from(EXIT_INTERRUPTED);
    }
    eprintln!("error: {}", one_line(err));
    let diverged = err.chain().any(|cause| {
        matches!(
            cause.downcast_ref::<gradlab::Error>(),
            Some(gradlab::Error::Diverged { .. })
        )
    });
    if diverged {
        ExitCode::from(EXIT_DIVERGED)
    } else {
        ExitCode::FAILURE
    }
}
