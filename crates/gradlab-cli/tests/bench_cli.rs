//! `gradlab bench` end to end. Speed is never asserted here (a loaded
//! machine may be slow at any moment): only that the command runs, reports
//! a positive rate, and refuses what it does not know.

mod common;

use common::stderr;
use serde_json::Value;
use std::path::Path;
use std::process::Output;

/// Runs `gradlab args…` in the current directory.
fn gradlab(args: &[&str]) -> Output {
    common::gradlab(Path::new("."), args)
}

#[test]
fn one_tiny_workload_as_json() {
    let output = gradlab(&[
        "bench",
        "--workload",
        "tiny_reg",
        "--repeat",
        "1",
        "--threads",
        "1",
        "--json",
    ]);
    assert!(output.status.success(), "stderr: {}", stderr(&output));
    let text = String::from_utf8(output.stdout.clone()).expect("UTF-8");
    assert_eq!(text.lines().count(), 1, "one JSON object: {text}");
    let report: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
    assert_eq!(report["threads"], 1);
    assert_eq!(report["repeat"], 1);
    assert!(report["peak_gflops"].is_null(), "no peak without large_cls");
    let workloads = report["workloads"].as_array().expect("workloads");
    assert_eq!(workloads.len(), 1);
    let tiny = &workloads[0];
    assert_eq!(tiny["workload"], "tiny_reg");
    let rate = tiny["samples_per_second"].as_f64().expect("a number");
    assert!(rate.is_finite() && rate > 0.0, "{tiny}");
    assert!(tiny["seconds"].as_f64().expect("a number") > 0.0, "{tiny}");
    assert_eq!(tiny["runs"].as_array().expect("runs").len(), 1);
    // Progress goes to stderr, never into the JSON.
    assert!(stderr(&output).contains("tiny_reg"));
}

#[test]
fn text_report_names_the_workload() {
    let output = gradlab(&["bench", "--workload", "tiny_cls", "--repeat", "1"]);
    assert!(output.status.success(), "stderr: {}", stderr(&output));
    let text = String::from_utf8(output.stdout.clone()).expect("UTF-8");
    assert!(
        text.contains("tiny_cls") && text.contains("samples/s"),
        "{text}"
    );
}

#[test]
fn an_unknown_workload_is_a_one_line_error() {
    let output = gradlab(&["bench", "--workload", "huge", "--quiet"]);
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("error: ") && err.contains("huge"), "{err}");
    assert!(
        err.contains("tiny_reg"),
        "the error names the workloads: {err}"
    );
    assert!(output.stdout.is_empty());
}

/// `--threads 0` means all cores (the global flag, `main.rs`), so only a
/// zero repeat count is refused.
#[test]
fn zero_repeats_are_refused() {
    let output = gradlab(&["bench", "--workload", "tiny_reg", "--repeat", "0"]);
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(
        err.starts_with("error: ") && err.contains("repeat"),
        "{err}"
    );
}
