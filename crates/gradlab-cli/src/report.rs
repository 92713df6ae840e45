//! Text reports: metrics tables, confusion matrices, numbers for people,
//! and JSON on stdout.

use gradlab::metrics::{ClassificationMetrics, Metrics, RegressionMetrics};
use serde::Serialize;
use std::io::Write;

/// One column of a metrics table: e.g. the training or the test part.
pub struct MetricsColumn<'a> {
    /// Column heading (`train`, `test`, `data`).
    pub heading: &'a str,
    /// How many rows the metrics were measured on.
    pub rows: usize,
    /// The metrics.
    pub metrics: &'a Metrics,
}

/// Decimals shown for metrics in text tables.
const DECIMALS: usize = 4;

/// The metrics side by side, one line per metric, values right-aligned:
///
/// ```text
///          train     test
/// rows      4000     1000
/// RMSE    0.1502   0.1531
/// ```
pub fn metrics_table(columns: &[MetricsColumn]) -> String {
    let mut lines = vec![("rows".to_owned(), cells(columns, |c| c.rows.to_string()))];
    match columns.first().map(|c| c.metrics) {
        Some(Metrics::Regression(_)) => lines.extend(regression_lines(columns)),
        Some(Metrics::Classification(first)) => lines.extend(classification_lines(columns, first)),
        None => {}
    }
    let headings: Vec<String> = columns.iter().map(|c| c.heading.to_owned()).collect();
    aligned(&headings, &lines, "")
}

fn cells(columns: &[MetricsColumn], cell: impl Fn(&MetricsColumn) -> String) -> Vec<String> {
    columns.iter().map(cell).collect()
}

fn fixed(value: f64) -> String {
    format!("{value:.DECIMALS$}")
}

fn regression_lines(columns: &[MetricsColumn]) -> Vec<(String, Vec<String>)> {
    let metric = |pick: fn(&RegressionMetrics) -> f64| {
        cells(columns, |c| match c.metrics {
            Metrics::Regression(m) => fixed(pick(m)),
            Metrics::Classification(_) => "-".to_owned(),
        })
    };
    vec![
        ("RMSE".to_owned(), metric(|m| m.rmse)),
        ("MAE".to_owned(), metric(|m| m.mae)),
        ("R²".to_owned(), metric(|m| m.r2)),
    ]
}

fn classification_lines(
    columns: &[MetricsColumn],
    first: &ClassificationMetrics,
) -> Vec<(String, Vec<String>)> {
    let metric = |pick: &dyn Fn(&ClassificationMetrics) -> f64| {
        cells(columns, |c| match c.metrics {
            Metrics::Classification(m) => fixed(pick(m)),
            Metrics::Regression(_) => "-".to_owned(),
        })
    };
    let mut lines = vec![
        ("accuracy".to_owned(), metric(&|m| m.accuracy)),
        ("cross-entropy".to_owned(), metric(&|m| m.cross_entropy)),
    ];
    for (k, label) in first.labels.iter().enumerate() {
        let precision = metric(&|m| m.precision.get(k).copied().unwrap_or(f64::NAN));
        lines.push((format!("precision {label}"), precision));
    }
    for (k, label) in first.labels.iter().enumerate() {
        let recall = metric(&|m| m.recall.get(k).copied().unwrap_or(f64::NAN));
        lines.push((format!("recall {label}"), recall));
    }
    lines
}

/// The confusion matrix with its labels; rows are the true class, columns
/// the predicted one. Every line starts with `indent`.
pub fn confusion_table(metrics: &ClassificationMetrics, indent: &str) -> String {
    let lines: Vec<(String, Vec<String>)> = metrics
        .labels
        .iter()
        .zip(&metrics.confusion)
        .map(|(label, counts)| (label.clone(), counts.iter().map(usize::to_string).collect()))
        .collect();
    aligned(&metrics.labels, &lines, indent)
}

/// A table: a heading line, then one line per `(label, cells)`; the label
/// column left-aligned, the cells right-aligned under their headings.
fn aligned(headings: &[String], lines: &[(String, Vec<String>)], indent: &str) -> String {
    let width_of = |text: &str| text.chars().count();
    let label_width = lines
        .iter()
        .map(|(label, _)| width_of(label))
        .max()
        .unwrap_or(0);
    let widths: Vec<usize> = (0..headings.len())
        .map(|j| {
            let cells = lines.iter().filter_map(|(_, cells)| cells.get(j));
            cells
                .map(|c| width_of(c))
                .chain([width_of(&headings[j])])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let row = |label: &str, cells: &[String]| {
        let mut line = format!("{indent}{label:<label_width$}");
        for (cell, width) in cells.iter().zip(&widths) {
            line.push_str(&format!("  {cell:>width$}"));
        }
        line.trim_end().to_owned()
    };
    let mut text = row("", headings);
    for (label, cells) in lines {
        text.push('\n');
        text.push_str(&row(label, cells));
    }
    text.push('\n');
    text
}

/// A number for people: about four significant digits (`37.93`, `0.1502`,
/// `1234`), without an exponent for everyday magnitudes.
pub fn human(value: f64) -> String {
    if !value.is_finite() || value == 0.0 {
        return format!("{value}");
    }
    let magnitude = value.abs().log10().floor() as i32;
    if !(-4..=9).contains(&magnitude) {
        return format!("{value:.3e}");
    }
    let decimals = (3 - magnitude).max(0) as usize;
    format!("{value:.decimals$}")
}

/// Writes `value` to stdout as one line of JSON.
pub fn print_json(value: &impl Serialize) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    serde_json::to_writer(&mut out, value).map_err(std::io::Error::from)?;
    writeln!(out)?;
    Ok(out.flush()?)
}

/// Writes `text` to stdout as it is.
pub fn print_text(text: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    Ok(out.flush()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_numbers() {
        assert_eq!(human(37.93128), "37.93");
        assert_eq!(human(0.15023), "0.1502");
        assert_eq!(human(1234.4), "1234");
        assert_eq!(human(-2.5), "-2.500");
        assert_eq!(human(0.0), "0");
        assert_eq!(human(1e12), "1.000e12");
    }

    #[test]
    fn regression_table_lines_up() {
        let train = Metrics::Regression(RegressionMetrics {
            rmse: 0.15,
            mae: 0.12,
            r2: 0.99,
        });
        let test = train.clone();
        let table = metrics_table(&[
            MetricsColumn {
                heading: "train",
                rows: 4000,
                metrics: &train,
            },
            MetricsColumn {
                heading: "test",
                rows: 1000,
                metrics: &test,
            },
        ]);
        let expected = concat!(
            "       train    test\n",
            "rows    4000    1000\n",
            "RMSE  0.1500  0.1500\n",
            "MAE   0.1200  0.1200\n",
            "R²    0.9900  0.9900\n",
        );
        assert_eq!(table, expected);
    }

    #[test]
    fn confusion_rows_are_true_classes() {
        let metrics = ClassificationMetrics {
            accuracy: 0.5,
            cross_entropy: 0.7,
            labels: vec!["a".into(), "bb".into()],
            confusion: vec![vec![1, 1], vec![0, 10]],
            precision: vec![1.0, 0.9],
            recall: vec![0.5, 1.0],
        };
        let expected = "    a  bb\na   1   1\nbb  0  10\n";
        assert_eq!(confusion_table(&metrics, ""), expected);
    }
}
