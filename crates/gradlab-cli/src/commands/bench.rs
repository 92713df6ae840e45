//! `gradlab bench [--json] [--threads N] [--workload NAME] [--repeat R]`
//! (`--threads` is the global flag): times the reference workloads
//! (`gradlab::bench`) and prints samples per second; for
//! `large_cls` also the achieved GFLOP/s against the machine's f32 peak,
//! measured in the same run with a loop of fused multiply-adds on as many
//! threads, and against a step made only of its matrix products
//! (`gradlab::bench::products_only`): what the rest of the step costs.
//!
//! Each workload is trained `--repeat` times and the median reported; each
//! run times one `train` call after an untimed one-step warm-up (what is
//! timed exactly: `gradlab::bench`). The peak and the products-only rate
//! are measured once before each `large_cls` run, so that they see the same
//! machine (other programs may be running), and their medians kept.

use crate::output::Console;
use crate::report;
use clap::Args;
use gradlab::bench::{self, BenchResult, Workload};
use serde::Serialize;
use std::time::Instant;

/// Seconds of each FMA-loop measurement of the peak.
const PEAK_SECONDS: f64 = 0.5;

/// Timed steps of each products-only measurement (about 0.3 s for
/// `large_cls` on two cores).
const PRODUCT_STEPS: usize = 16;

/// Arguments of `gradlab bench`.
#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Print one JSON object on stdout instead of the text report.
    #[arg(long)]
    json: bool,
    /// Run only this workload: tiny_reg, tiny_cls or large_cls [default: all].
    #[arg(long, value_name = "NAME")]
    workload: Option<String>,
    /// Runs of each workload; the median is reported.
    #[arg(long, value_name = "R", default_value_t = 3)]
    repeat: usize,
}

/// The whole report (the `--json` object).
#[derive(Debug, Serialize)]
struct Report {
    /// Threads large products may use (`gradlab::matrix::threads`).
    threads: usize,
    /// Runs per workload.
    repeat: usize,
    /// Element type of the training.
    precision: &'static str,
    /// Median f32 peak on `threads` threads, GFLOP/s (measured only when
    /// `large_cls` runs).
    peak_gflops: Option<f64>,
    /// Wall time of the whole command, seconds.
    wall_seconds: f64,
    workloads: Vec<WorkloadReport>,
}

/// One workload's medians.
#[derive(Debug, Serialize)]
struct WorkloadReport {
    workload: &'static str,
    samples_per_second: f64,
    /// Seconds of training steps of one run (median).
    seconds: f64,
    gflops: f64,
    /// `gflops` as a percentage of the peak (`large_cls` only).
    percent_of_peak: Option<f64>,
    /// Median samples per second of a step made only of the workload's
    /// matrix products (`large_cls` only).
    products_only_samples_per_second: Option<f64>,
    /// `samples_per_second` as a percentage of that (`large_cls` only).
    percent_of_products_only: Option<f64>,
    /// Samples per second of every run, in order.
    runs: Vec<f64>,
}

/// Runs `gradlab bench`.
pub fn run(args: BenchArgs, console: &Console) -> anyhow::Result<()> {
    let started = Instant::now();
    let workloads = match &args.workload {
        Some(name) => vec![Workload::named(name)?],
        None => Workload::all(),
    };
    if args.repeat == 0 {
        anyhow::bail!("invalid repeat: 0 (must be at least 1)");
    }
    // The global `--threads` has set it (all cores by default).
    let threads = gradlab::matrix::threads();
    console.note(format!(
        "gradlab bench: {} workload(s), {} run(s) each, {threads} thread(s), f32",
        workloads.len(),
        args.repeat
    ));

    let mut peaks = Vec::new();
    let mut reports = Vec::new();
    for workload in &workloads {
        let with_peak = is_large(workload);
        let mut runs: Vec<BenchResult> = Vec::with_capacity(args.repeat);
        let mut products = Vec::new();
        for r in 1..=args.repeat {
            if with_peak {
                let peak = bench::peak_gflops(threads, PEAK_SECONDS);
                let products_rate = bench::products_only(workload, PRODUCT_STEPS);
                console.note(format!(
                    "  f32 peak on {threads} thread(s): {} GFLOP/s; matrix products alone: {} samples/s",
                    report::significant(peak, 4),
                    report::thousands(products_rate.round() as u64)
                ));
                peaks.push(peak);
                products.push(products_rate);
            }
            let result = bench::run(workload)?;
            console.note(format!(
                "  {} run {r}/{}: {} samples/s in {} s",
                workload.name,
                args.repeat,
                report::thousands(result.samples_per_second.round() as u64),
                report::significant(result.seconds, 3)
            ));
            runs.push(result);
        }
        let samples_per_second = median(runs.iter().map(|r| r.samples_per_second));
        let products_only = (!products.is_empty()).then(|| median(products.into_iter()));
        reports.push(WorkloadReport {
            workload: workload.name,
            samples_per_second,
            seconds: median(runs.iter().map(|r| r.seconds)),
            gflops: median(runs.iter().map(|r| r.gflops)),
            percent_of_peak: None,
            products_only_samples_per_second: products_only,
            percent_of_products_only: products_only.map(|rate| 100.0 * samples_per_second / rate),
            runs: runs.iter().map(|r| r.samples_per_second).collect(),
        });
    }
    let peak = (!peaks.is_empty()).then(|| median(peaks.iter().copied()));
    for (entry, workload) in reports.iter_mut().zip(&workloads) {
        if let (true, Some(peak)) = (is_large(workload), peak) {
            entry.percent_of_peak = Some(100.0 * entry.gflops / peak);
        }
    }
    let summary = Report {
        threads,
        repeat: args.repeat,
        precision: "f32",
        peak_gflops: peak,
        wall_seconds: started.elapsed().as_secs_f64(),
        workloads: reports,
    };
    if args.json {
        report::print_json(&summary)
    } else {
        report::print_text(&text(&summary))
    }
}

/// The workloads whose GFLOP/s are worth comparing with the peak: the large
/// ones (on the tiny ones a step is overhead, not arithmetic).
fn is_large(workload: &Workload) -> bool {
    workload.flops_per_step() >= 1e8
}

/// The median of `values` (the mean of the two middle ones for an even count).
fn median(values: impl Iterator<Item = f64>) -> f64 {
    let mut sorted: Vec<f64> = values.collect();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    match n {
        0 => f64::NAN,
        _ if !n.is_multiple_of(2) => sorted[n / 2],
        _ => 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]),
    }
}

/// The text report.
fn text(summary: &Report) -> String {
    let lines: Vec<(String, Vec<String>)> = summary
        .workloads
        .iter()
        .map(|w| {
            let mut cells = vec![
                report::thousands(w.samples_per_second.round() as u64),
                format!("{} s", report::significant(w.seconds, 3)),
            ];
            if let Some(percent) = w.percent_of_peak {
                cells.push(report::significant(w.gflops, 4));
                cells.push(format!("{percent:.0} %"));
            }
            (w.workload.to_owned(), cells)
        })
        .collect();
    let mut text = format!(
        "f32, {} thread(s), median of {} run(s)\n\n",
        summary.threads, summary.repeat
    );
    let headings = ["samples/s", "time", "GFLOP/s", "of peak"];
    let shown = if summary.peak_gflops.is_some() { 4 } else { 2 };
    text.push_str(&report::table("workload", &headings[..shown], &lines, ""));
    if let Some(peak) = summary.peak_gflops {
        text.push_str(&format!(
            "\nf32 peak (FMA loop, {} thread(s)): {} GFLOP/s\n",
            summary.threads,
            report::significant(peak, 4)
        ));
    }
    for w in &summary.workloads {
        if let (Some(rate), Some(percent)) = (
            w.products_only_samples_per_second,
            w.percent_of_products_only,
        ) {
            text.push_str(&format!(
                "{}: its matrix products alone: {} samples/s; training reached {percent:.0} % of that\n",
                w.workload,
                report::thousands(rate.round() as u64)
            ));
        }
    }
    text.push_str(&format!(
        "wall time {}\n",
        report::duration(summary.wall_seconds)
    ));
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median([3.0, 1.0, 2.0].into_iter()), 2.0);
        assert_eq!(median([4.0, 1.0, 2.0, 3.0].into_iter()), 2.5);
        assert!(median(std::iter::empty()).is_nan());
    }

    #[test]
    fn only_large_cls_is_compared_with_the_peak() {
        let large: Vec<bool> = Workload::all().iter().map(is_large).collect();
        assert_eq!(large, [false, false, true]);
    }

    #[test]
    fn the_text_report_compares_large_cls_with_its_products_alone() {
        let large = WorkloadReport {
            workload: "large_cls",
            samples_per_second: 5400.0,
            seconds: 1.5,
            gflops: 165.0,
            percent_of_peak: Some(71.4),
            products_only_samples_per_second: Some(6000.0),
            percent_of_products_only: Some(90.0),
            runs: vec![5400.0],
        };
        let summary = Report {
            threads: 2,
            repeat: 1,
            precision: "f32",
            peak_gflops: Some(231.0),
            wall_seconds: 4.0,
            workloads: vec![large],
        };
        let text = text(&summary);
        assert!(
            text.contains(
                "large_cls: its matrix products alone: 6,000 samples/s; training reached 90 % of that"
            ),
            "{text}"
        );
        assert!(text.contains("71 %"), "{text}");
    }
}
