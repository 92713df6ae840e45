//! `--history FILE`: the per-epoch record of a training run as CSV (`.csv`,
//! or `-` for stdout) or JSON (`.json`), written atomically.
//!
//! CSV columns: `epoch, train_cost, validation_cost, test_cost, test_metric,
//! learning_rate, steps, seconds`; a value that was not measured (no
//! validation part without early stopping) is an empty cell. The JSON file is
//! an object: `metric` (what `test_metric` is: `rmse` in the target's units
//! or `accuracy`), `epochs` (the records, with the CSV's keys and `null` for
//! absent values), `best_epoch`, `stopped_early`, `steps`, `forward_passes`
//! and `backward_passes`.

use crate::output;
use gradlab::data::dataset::Task;
use gradlab::train::trainer::{EpochRecord, History};
use serde::Serialize;
use std::io::{self, Write};
use std::path::Path;

/// The CSV header.
pub const COLUMNS: [&str; 8] = [
    "epoch",
    "train_cost",
    "validation_cost",
    "test_cost",
    "test_metric",
    "learning_rate",
    "steps",
    "seconds",
];

/// How the history is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HistoryFormat {
    /// Comma-separated values with a header row.
    Csv,
    /// One JSON object.
    Json,
}

impl HistoryFormat {
    /// The format `path` asks for: `-` and `.csv` are CSV, `.json` is JSON.
    pub fn of(path: &Path) -> anyhow::Result<HistoryFormat> {
        if output::is_dash(path) {
            return Ok(HistoryFormat::Csv);
        }
        let extension = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match extension.as_deref() {
            Some("csv") => Ok(HistoryFormat::Csv),
            Some("json") => Ok(HistoryFormat::Json),
            _ => anyhow::bail!(
                "cannot tell the history format of {}: use a name ending in .csv or .json, or - for CSV on stdout",
                path.display()
            ),
        }
    }
}

/// What the JSON file holds.
#[derive(Serialize)]
struct HistoryJson<'a> {
    metric: &'static str,
    #[serde(flatten)]
    history: &'a History,
}

/// Writes `history` to `path` (see the module doc); `task` says what the
/// test metric is.
pub fn write(history: &History, task: Task, path: &Path) -> anyhow::Result<()> {
    let format = HistoryFormat::of(path)?;
    output::write_to(path, |out| match format {
        HistoryFormat::Csv => write_csv(history, out),
        HistoryFormat::Json => {
            let json = HistoryJson {
                metric: match task {
                    Task::Regression => "rmse",
                    Task::Classification => "accuracy",
                },
                history,
            };
            serde_json::to_writer_pretty(&mut *out, &json).map_err(io::Error::from)?;
            writeln!(out)
        }
    })
}

fn write_csv(history: &History, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "{}", COLUMNS.join(","))?;
    for record in &history.epochs {
        writeln!(out, "{}", csv_row(record))?;
    }
    Ok(())
}

/// One record as a CSV line (numbers in Rust's shortest round-trip form).
fn csv_row(record: &EpochRecord) -> String {
    let optional = |value: Option<f64>| value.map_or(String::new(), |v| v.to_string());
    [
        record.epoch.to_string(),
        record.train_cost.to_string(),
        optional(record.validation_cost),
        optional(record.test_cost),
        optional(record.test_metric),
        record.learning_rate.to_string(),
        record.steps.to_string(),
        record.seconds.to_string(),
    ]
    .join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absent_values_are_empty_cells() {
        let record = EpochRecord {
            epoch: 3,
            train_cost: 0.5,
            validation_cost: None,
            test_cost: Some(0.25),
            test_metric: Some(0.9),
            learning_rate: 0.05,
            steps: 375,
            seconds: 1.5,
        };
        assert_eq!(csv_row(&record), "3,0.5,,0.25,0.9,0.05,375,1.5");
        assert_eq!(csv_row(&record).split(',').count(), COLUMNS.len());
    }

    #[test]
    fn the_format_follows_the_name() {
        assert_eq!(
            HistoryFormat::of(Path::new("-")).unwrap(),
            HistoryFormat::Csv
        );
        assert_eq!(
            HistoryFormat::of(Path::new("h.JSON")).unwrap(),
            HistoryFormat::Json
        );
        assert!(HistoryFormat::of(Path::new("h.txt")).is_err());
    }
}
