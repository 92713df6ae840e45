//! Helpers shared by the end-to-end tests of the `gradlab` binary: running
//! it, reading its output, and small generated fever data.

// Each test binary includes this module and uses a subset of it.
#![allow(dead_code)]

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};
use tempfile::TempDir;

/// The shipped example data (5,000 fever rows).
pub const FEVER_CSV: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/fever.csv");

/// Runs `gradlab args…` in `dir`.
pub fn gradlab(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gradlab"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the gradlab binary runs")
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("stdout is UTF-8")
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("stderr is UTF-8")
}

/// Asserts success and returns stdout.
pub fn ok(output: Output) -> String {
    assert!(
        output.status.success(),
        "exit {:?}\nstderr: {}",
        output.status.code(),
        stderr(&output)
    );
    stdout(&output)
}

/// Asserts success and parses stdout as one JSON object.
pub fn ok_json(output: Output) -> Value {
    let text = ok(output);
    serde_json::from_str(&text).unwrap_or_else(|err| panic!("{err}: {text}"))
}

/// A temporary directory holding `data.csv`: `rows` fever rows of seed 3.
pub fn fever_dir(rows: usize) -> TempDir {
    let dir = TempDir::new().unwrap();
    let rows = rows.to_string();
    ok(gradlab(
        dir.path(),
        &[
            "generate", "fever", "--rows", &rows, "--seed", "3", "--out", "data.csv",
        ],
    ));
    dir
}

/// `gradlab <command> --data data.csv --target <target> --inputs temp_c,dose_mg <extra…>` in `dir`.
pub fn on_fever(dir: &Path, command: &str, target: &str, extra: &[&str]) -> Output {
    let mut args = vec![
        command,
        "--data",
        "data.csv",
        "--target",
        target,
        "--inputs",
        "temp_c,dose_mg",
    ];
    args.extend_from_slice(extra);
    gradlab(dir, &args)
}
