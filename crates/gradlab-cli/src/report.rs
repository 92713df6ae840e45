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
    aligned("", &headings, &lines, "")
}

fn cells(columns: &[MetricsColumn], cell: impl Fn(&MetricsColumn) -> String) -> Vec<String> {
    columns.iter().map(cell).collect()
}

/// A metric with [`DECIMALS`] decimals (`0.1502`, `1234.5678`), or with as
/// many significant digits in exponent form when that would hide it or run
/// to hundreds of digits: below 10⁻⁴ (`3.142e-7`, not `0.0000`) or from
/// 10⁹ on (`6.475e299`; the metrics of a target near 1e300 are that big).
fn fixed(value: f64) -> String {
    let size = value.abs();
    if value != 0.0 && size.is_finite() && !(1e-4..1e9).contains(&size) {
        format!("{value:.prec$e}", prec = DECIMALS - 1)
    } else {
        format!("{value:.DECIMALS$}")
    }
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
    aligned("", &metrics.labels, &lines, indent)
}

/// A table with a heading over every column, the first (`label_heading`)
/// left-aligned, the others right-aligned; every line starts with `indent`.
pub fn table(
    label_heading: &str,
    headings: &[&str],
    lines: &[(String, Vec<String>)],
    indent: &str,
) -> String {
    let headings: Vec<String> = headings.iter().map(|h| h.to_string()).collect();
    aligned(label_heading, &headings, lines, indent)
}

/// A table: a heading line, then one line per `(label, cells)`; the label
/// column left-aligned, the cells right-aligned under their headings.
fn aligned(
    label_heading: &str,
    headings: &[String],
    lines: &[(String, Vec<String>)],
    indent: &str,
) -> String {
    let width_of = |text: &str| text.chars().count();
    let label_width = lines
        .iter()
        .map(|(label, _)| width_of(label))
        .chain([width_of(label_heading)])
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
    let mut text = row(label_heading, headings);
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

/// A whole number with thousands separators: `4,004,001`.
pub fn thousands(value: u64) -> String {
    let digits = value.to_string();
    let mut text = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            text.push(',');
        }
        text.push(digit);
    }
    text
}

/// A number with `digits` significant digits and no exponent
/// (`significant(0.04567, 3)` is `0.0457`, `significant(1234.5, 3)` is `1235`).
pub fn significant(value: f64, digits: i32) -> String {
    if !value.is_finite() || value == 0.0 {
        return format!("{value}");
    }
    let magnitude = value.abs().log10().floor() as i32;
    let decimals = (digits - 1 - magnitude).max(0) as usize;
    format!("{value:.decimals$}")
}

/// `seconds` for a table: `0.412 s`.
pub fn seconds(value: f64) -> String {
    format!("{} s", significant(value, 3))
}

/// A ratio for people: at most 3 significant digits, no trailing zeros
/// (`18`, `6.4`, `0.25`).
pub fn ratio(value: f64) -> String {
    let text = significant(value, 3);
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        text
    }
}

/// A positive number given by its log₁₀, for people: plainly below 10⁴
/// (`2001`), as `3.21·10^8` up to 10^10000, and as `10^16,535,430` beyond
/// (where the leading digits say nothing).
pub fn power_of_ten(log10: f64) -> String {
    if log10 < 4.0 {
        return significant(10f64.powf(log10), 3);
    }
    if log10 >= 1e4 {
        return format!("10^{}", thousands(log10.floor() as u64));
    }
    let exponent = log10.floor();
    let mantissa = 10f64.powf(log10 - exponent);
    format!("{mantissa:.2}·10^{exponent}")
}

/// Seconds in a (Julian) year.
const YEAR_SECONDS: f64 = 365.25 * 86_400.0;

/// The age of the universe, 13.8 billion years, in seconds.
pub const UNIVERSE_AGE_SECONDS: f64 = 13.8e9 * YEAR_SECONDS;

/// A duration given by the log₁₀ of its seconds, in the largest unit that
/// fits: seconds, minutes, hours, days, years, then ages of the universe
/// (13.8·10⁹ years), with powers of ten when huge. Works far beyond what an
/// `f64` of seconds can hold.
pub fn duration_log10(log10_seconds: f64) -> String {
    let units = [
        (1.0, "seconds"),
        (60.0, "minutes"),
        (3_600.0, "hours"),
        (86_400.0, "days"),
        (YEAR_SECONDS, "years"),
        (UNIVERSE_AGE_SECONDS, "ages of the universe"),
    ];
    let (size, name) = units
        .iter()
        .rev()
        .find(|(size, _)| log10_seconds >= f64::log10(*size))
        .copied()
        .unwrap_or(units[0]);
    let amount = log10_seconds - size.log10();
    if amount < 4.0 {
        format!("{} {name}", significant(10f64.powf(amount), 3))
    } else {
        format!("{} {name}", power_of_ten(amount))
    }
}

/// [`duration_log10`] of a number of seconds.
pub fn duration(seconds: f64) -> String {
    if seconds <= 0.0 || !seconds.is_finite() {
        return format!("{seconds} seconds");
    }
    duration_log10(seconds.log10())
}

/// What a network's cost is, in words: the scaled MSE or the cross-entropy.
pub fn cost_name(loss: gradlab::nn::loss::Loss) -> &'static str {
    match loss {
        gradlab::nn::loss::Loss::Mse => "mean squared error on the scaled target",
        gradlab::nn::loss::Loss::SoftmaxCrossEntropy => "cross-entropy",
    }
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
    fn big_numbers_and_durations() {
        assert_eq!(thousands(4_004_001), "4,004,001");
        assert_eq!(ratio(18.0), "18");
        assert_eq!(ratio(6.4213), "6.42");
        assert_eq!(ratio(120.4), "120");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(power_of_ten(2001f64.log10()), "2001");
        assert_eq!(power_of_ten(29.72), "5.25·10^29");
        assert_eq!(power_of_ten(16_535_430.7), "10^16,535,430");
        assert_eq!(duration(0.05), "0.0500 seconds");
        assert_eq!(duration(90.0), "1.50 minutes");
        assert_eq!(duration(7_200.0), "2.00 hours");
        assert_eq!(duration(3.0 * 86_400.0), "3.00 days");
        assert_eq!(duration(2.0 * YEAR_SECONDS), "2.00 years");
        assert_eq!(duration(1e6 * YEAR_SECONDS), "1.00·10^6 years");
        assert_eq!(
            duration(2.0 * UNIVERSE_AGE_SECONDS),
            "2.00 ages of the universe"
        );
        assert_eq!(
            duration_log10(UNIVERSE_AGE_SECONDS.log10() + 20.5),
            "3.16·10^20 ages of the universe"
        );
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
    fn metrics_too_small_or_too_large_for_four_decimals_use_an_exponent() {
        assert_eq!(fixed(0.15), "0.1500");
        assert_eq!(fixed(0.0), "0.0000");
        assert_eq!(fixed(-2.5), "-2.5000");
        assert_eq!(fixed(123_456_789.0), "123456789.0000");
        assert_eq!(fixed(6.4754e299), "6.475e299");
        assert_eq!(fixed(-1.5e12), "-1.500e12");
        assert_eq!(fixed(3.14159e-7), "3.142e-7");
        assert_eq!(fixed(f64::NAN), "NaN");
        assert_eq!(fixed(f64::INFINITY), "inf");
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
