//! `--history FILE`: the per-epoch record of a training run as CSV (`.csv`,
//! or `-` for stdout) or JSON (`.json`), written atomically.
//!
//! CSV columns: `epoch, train_cost, validation_cost, test_cost, test_metric,
//! learning_rate, steps`; a value that was not measured (no validation part
//! without early stopping) is an empty cell. The JSON file is an object:
//! `metric` (what `test_metric` is: `rmse` in the target's units or
//! `accuracy`), `epochs` (the records, with the CSV's keys and `null` for
//! absent values), `steps`, `forward_passes`, `backward_passes`,
//! `best_epoch`, `stopped_early`, and `interrupted` (`{epoch, batch}`) when
//! Ctrl-C stopped the run.
//!
//! The file holds no wall time, so that the same data, settings and seed
//! give the same bytes on every run, as the model file does (Keras'
//! `CSVLogger` has no time column either). The training time is in the
//! report and in `train --json`'s `seconds`.

use crate::output;
use gradlab::data::task::Task;
use gradlab::float_text::round_trip_text;
use gradlab::train::interrupt::Interruption;
use gradlab::train::trainer::{EpochRecord, History};
use serde::Serialize;
use std::io::{self, Write};
use std::path::Path;

/// The CSV header.
pub const COLUMNS: [&str; 7] = [
    "epoch",
    "train_cost",
    "validation_cost",
    "test_cost",
    "test_metric",
    "learning_rate",
    "steps",
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

/// What the JSON file holds (see the module doc).
#[derive(Serialize)]
struct HistoryJson<'a> {
    metric: &'static str,
    epochs: Vec<RecordJson>,
    steps: u64,
    forward_passes: u64,
    backward_passes: u64,
    best_epoch: Option<usize>,
    stopped_early: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    interrupted: &'a Option<Interruption>,
}

/// One epoch of the JSON file: the CSV's columns.
#[derive(Serialize)]
struct RecordJson {
    epoch: usize,
    train_cost: f64,
    validation_cost: Option<f64>,
    test_cost: Option<f64>,
    test_metric: Option<f64>,
    learning_rate: f64,
    steps: u64,
}

impl<'a> HistoryJson<'a> {
    fn new(history: &'a History, task: Task) -> Self {
        HistoryJson {
            metric: match task {
                Task::Regression => "rmse",
                Task::Classification => "accuracy",
            },
            epochs: history.epochs.iter().map(RecordJson::new).collect(),
            steps: history.steps,
            forward_passes: history.forward_passes,
            backward_passes: history.backward_passes,
            best_epoch: history.best_epoch,
            stopped_early: history.stopped_early,
            interrupted: &history.interrupted,
        }
    }
}

impl RecordJson {
    fn new(record: &EpochRecord) -> Self {
        RecordJson {
            epoch: record.epoch,
            train_cost: record.train_cost,
            validation_cost: record.validation_cost,
            test_cost: record.test_cost,
            test_metric: record.test_metric,
            learning_rate: record.learning_rate,
            steps: record.steps,
        }
    }
}

/// Writes `history` to `path` (see the module doc); `task` says what the
/// test metric is.
pub fn write(history: &History, task: Task, path: &Path) -> anyhow::Result<()> {
    let format = HistoryFormat::of(path)?;
    output::write_to(path, |out| match format {
        HistoryFormat::Csv => write_csv(history, out),
        HistoryFormat::Json => {
            let json = HistoryJson::new(history, task);
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

/// One record as a CSV line (numbers in the shortest round-trip form of
/// [`round_trip_text`]: `0.0125`, `1e-5`, `3.2e20`).
fn csv_row(record: &EpochRecord) -> String {
    let optional = |value: Option<f64>| value.map_or(String::new(), round_trip_text);
    [
        record.epoch.to_string(),
        round_trip_text(record.train_cost),
        optional(record.validation_cost),
        optional(record.test_cost),
        optional(record.test_metric),
        round_trip_text(record.learning_rate),
        record.steps.to_string(),
    ]
    .join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record() -> EpochRecord {
        EpochRecord {
            epoch: 3,
            train_cost: 0.5,
            validation_cost: None,
            test_cost: Some(0.25),
            test_metric: Some(0.9),
            learning_rate: 0.05,
            steps: 375,
            seconds: 1.5,
        }
    }

    #[test]
    fn the_json_has_the_csv_columns_and_no_wall_time() {
        let history = History {
            epochs: vec![record()],
            steps: 375,
            forward_passes: 375,
            backward_passes: 375,
            ..History::default()
        };
        let json =
            serde_json::to_string(&HistoryJson::new(&history, Task::Classification)).unwrap();
        assert_eq!(
            json,
            concat!(
                r#"{"metric":"accuracy","epochs":[{"epoch":3,"train_cost":0.5,"validation_cost":null,"#,
                r#""test_cost":0.25,"test_metric":0.9,"learning_rate":0.05,"steps":375}],"#,
                r#""steps":375,"forward_passes":375,"backward_passes":375,"best_epoch":null,"#,
                r#""stopped_early":false}"#
            )
        );
    }

    #[test]
    fn absent_values_are_empty_cells() {
        let record = record();
        // No wall time: the 1.5 seconds are not written.
        assert_eq!(csv_row(&record), "3,0.5,,0.25,0.9,0.05,375");
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
