//! Progress bars over training epochs and over brute-force grid points,
//! drawn on stderr only when stderr is a terminal and `--quiet` was not
//! given (so logs and pipes stay clean).

use crate::output::Console;
use gradlab::train::trainer::{Control, EpochRecord};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;

/// The bar of one training run; cleared when dropped (also on an error).
pub struct EpochBar {
    bar: Option<ProgressBar>,
}

impl EpochBar {
    /// A bar of `epochs` steps labelled `label`, or nothing when stderr is
    /// not a terminal or the console is quiet.
    pub fn new(console: Console, label: &str, epochs: usize) -> Self {
        if console.is_quiet() || !std::io::stderr().is_terminal() {
            return EpochBar { bar: None };
        }
        let style =
            ProgressStyle::with_template("{prefix} [{bar:20}] epoch {pos}/{len} {msg} eta {eta}")
                .expect("the template is valid")
                .progress_chars("=> ");
        let bar = ProgressBar::with_draw_target(Some(epochs as u64), ProgressDrawTarget::stderr())
            .with_style(style)
            .with_prefix(label.to_owned());
        EpochBar { bar: Some(bar) }
    }

    /// Moves the bar to `record`'s epoch and shows its costs; training
    /// always goes on.
    pub fn update(&self, record: &EpochRecord) -> Control {
        if let Some(bar) = &self.bar {
            let message = match record.test_cost {
                Some(test) => format!("cost {:.4}, test {test:.4}", record.train_cost),
                None => format!("cost {:.4}", record.train_cost),
            };
            bar.set_message(message);
            bar.set_position(record.epoch as u64);
        }
        Control::Continue
    }
}

impl Drop for EpochBar {
    fn drop(&mut self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// A bar over a count of work items (grid points), safe to move from any
/// thread; cleared when dropped.
pub struct CountBar {
    bar: Option<ProgressBar>,
}

impl CountBar {
    /// A bar of `total` items labelled `label`, or nothing when stderr is
    /// not a terminal or the console is quiet.
    pub fn new(console: Console, label: &str, total: u64) -> Self {
        if console.is_quiet() || !std::io::stderr().is_terminal() {
            return CountBar { bar: None };
        }
        let style = ProgressStyle::with_template(
            "{prefix} [{bar:20}] {human_pos}/{human_len} points, eta {eta}",
        )
        .expect("the template is valid")
        .progress_chars("=> ");
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr())
            .with_style(style)
            .with_prefix(label.to_owned());
        CountBar { bar: Some(bar) }
    }

    /// Shows `done` items finished (called from any thread).
    pub fn set(&self, done: u64) {
        if let Some(bar) = &self.bar {
            bar.set_position(done);
        }
    }
}

impl Drop for CountBar {
    fn drop(&mut self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
