//! The `gradlab` binary end to end: each test runs the built executable in
//! a temporary directory and checks its exit code, stdout and stderr.

mod common;

use common::{fever_dir, gradlab, ok, on_fever, stderr, stdout, FEVER_CSV};
use serde_json::Value;
use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use tempfile::TempDir;

/// Runs `gradlab args…` in `dir` with `input` on stdin.
fn gradlab_with_stdin(dir: &Path, args: &[&str], input: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_gradlab"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the gradlab binary runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

/// Asserts a failure reported as exactly one line `error: …` on stderr,
/// exit code 1, no panic, and that the line holds every one of `needles`.
fn assert_one_line_error(output: &Output, needles: &[&str]) {
    let err = stderr(output);
    assert_eq!(output.status.code(), Some(1), "stderr: {err}");
    assert!(!err.contains("panicked"), "{err}");
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 1, "not one line: {err}");
    assert!(lines[0].starts_with("error: "), "{err}");
    for needle in needles {
        assert!(lines[0].contains(needle), "'{needle}' missing from: {err}");
    }
}

/// A quick training run on `data.csv` (20 epochs), with extra arguments.
fn train(dir: &Path, target: &str, extra: &[&str]) -> Output {
    let mut args = vec!["--epochs", "20"];
    args.extend_from_slice(extra);
    on_fever(dir, "train", target, &args)
}

fn keys(value: &Value) -> BTreeSet<String> {
    value
        .as_object()
        .expect("an object")
        .keys()
        .cloned()
        .collect()
}

fn key_set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|s| s.to_string()).collect()
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let text = std::fs::read_to_string(path).unwrap();
    parse_csv(&text)
}

fn parse_csv(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut lines = text.lines();
    let split = |line: &str| line.split(',').map(str::to_owned).collect::<Vec<_>>();
    let header = split(lines.next().expect("a header"));
    (header, lines.map(split).collect())
}

// ---------------------------------------------------------------- generate

#[test]
fn generate_fever_reproduces_the_shipped_file() {
    let dir = TempDir::new().unwrap();
    let shipped = std::fs::read(FEVER_CSV).unwrap();
    let out = gradlab(
        dir.path(),
        &["generate", "fever", "--rows", "5000", "--seed", "1"],
    );
    assert!(out.status.success());
    assert!(out.stdout == shipped, "stdout differs from data/fever.csv");
    ok(gradlab(
        dir.path(),
        &["generate", "fever", "--out", "f.csv"],
    ));
    assert!(std::fs::read(dir.path().join("f.csv")).unwrap() == shipped);
    let entries = std::fs::read_dir(dir.path()).unwrap().count();
    assert_eq!(entries, 1, "no temporary file is left behind");
}

// ---------------------------------------------------------------- train

#[test]
fn train_json_has_the_documented_keys() {
    let dir = fever_dir(400);
    let top = [
        "task",
        "architecture",
        "parameters",
        "epochs",
        "best_epoch",
        "stopped_early",
        "seconds",
        "train",
        "test",
    ];

    let json: Value =
        serde_json::from_str(&ok(train(dir.path(), "temp_2h_c", &["--json"]))).unwrap();
    assert_eq!(keys(&json), key_set(&top));
    assert_eq!(json["task"], "regression");
    assert_eq!(json["architecture"], "2 → 16 tanh → 1");
    assert_eq!(json["parameters"], 65);
    assert_eq!(json["epochs"], 20);
    assert!(json["seconds"].as_f64().unwrap() > 0.0);
    for part in ["train", "test"] {
        assert_eq!(keys(&json[part]), key_set(&["rmse", "mae", "r2"]));
        assert!(json[part]["rmse"].as_f64().unwrap() > 0.0);
    }

    let out = train(dir.path(), "status_2h", &["--json", "--hidden", "8,4"]);
    let json: Value = serde_json::from_str(&ok(out)).unwrap();
    assert_eq!(keys(&json), key_set(&top));
    assert_eq!(json["task"], "classification");
    assert_eq!(json["architecture"], "2 → 8 tanh → 4 tanh → 3 softmax");
    let classification_keys = [
        "accuracy",
        "cross_entropy",
        "labels",
        "confusion",
        "precision",
        "recall",
    ];
    for part in ["train", "test"] {
        assert_eq!(keys(&json[part]), key_set(&classification_keys));
        assert_eq!(
            json[part]["labels"],
            serde_json::json!(["elevated", "fever", "normal"])
        );
        let confusion = json[part]["confusion"].as_array().unwrap();
        assert_eq!(confusion.len(), 3);
    }
}

#[test]
fn train_prints_architecture_on_stderr_and_metrics_on_stdout() {
    let dir = fever_dir(400);
    let out = train(dir.path(), "temp_2h_c", &[]);
    let (text, notes) = (stdout(&out), stderr(&out));
    assert!(out.status.success(), "{notes}");
    assert!(notes.contains("2 → 16 tanh → 1"), "{notes}");
    assert!(notes.contains("65 parameters"), "{notes}");
    for metric in ["RMSE", "MAE", "R²", "train", "test"] {
        assert!(text.contains(metric), "{metric} missing: {text}");
    }
    let quiet = train(dir.path(), "status_2h", &["--quiet"]);
    assert!(quiet.status.success());
    assert_eq!(stderr(&quiet), "", "--quiet prints nothing on stderr");
    let text = stdout(&quiet);
    assert!(
        text.contains("accuracy") && text.contains("confusion"),
        "{text}"
    );
}

#[test]
fn train_reads_stdin_and_hidden_none_is_a_single_layer() {
    let dir = TempDir::new().unwrap();
    let csv = std::fs::read_to_string(FEVER_CSV).unwrap();
    let head: String = csv.lines().take(301).map(|l| format!("{l}\n")).collect();
    let out = gradlab_with_stdin(
        dir.path(),
        &[
            "train",
            "--data",
            "-",
            "--target",
            "temp_2h_c",
            "--inputs",
            "temp_c,dose_mg",
            "--hidden",
            "none",
            "--epochs",
            "5",
            "--json",
        ],
        &head,
    );
    let json: Value = serde_json::from_str(&ok(out)).unwrap();
    assert_eq!(json["architecture"], "2 → 1");
    assert_eq!(json["parameters"], 3);
}

#[test]
fn same_seed_gives_a_byte_identical_model_file() {
    let dir = fever_dir(400);
    ok(train(
        dir.path(),
        "status_2h",
        &["--out", "a.safetensors", "--quiet"],
    ));
    ok(train(
        dir.path(),
        "status_2h",
        &["--out", "b.safetensors", "--quiet"],
    ));
    ok(train(
        dir.path(),
        "status_2h",
        &["--out", "c.safetensors", "--quiet", "--seed", "2"],
    ));
    let read = |name: &str| std::fs::read(dir.path().join(name)).unwrap();
    assert!(read("a.safetensors") == read("b.safetensors"));
    assert!(read("a.safetensors") != read("c.safetensors"));
}

#[test]
fn training_that_diverges_exits_3() {
    let dir = fever_dir(400);
    let out = train(dir.path(), "temp_2h_c", &["--lr", "1e6", "--quiet"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(err.starts_with("error: training diverged"), "{err}");
    assert_eq!(err.lines().count(), 1);
}

// ------------------------------------------------------ eval, predict, inspect

/// The saved model gives the same predictions as the one in memory: its
/// confusion matrix on all rows is the sum of the train and test matrices
/// that `train` computed before saving.
#[test]
fn eval_of_the_saved_model_agrees_with_train() {
    let dir = fever_dir(400);
    let out = train(
        dir.path(),
        "status_2h",
        &["--json", "--out", "m.safetensors"],
    );
    let trained: Value = serde_json::from_str(&ok(out)).unwrap();
    let out = gradlab(
        dir.path(),
        &[
            "eval",
            "--model",
            "m.safetensors",
            "--data",
            "data.csv",
            "--json",
        ],
    );
    let evaluated: Value = serde_json::from_str(&ok(out)).unwrap();
    assert_eq!(
        keys(&evaluated),
        key_set(&["task", "architecture", "parameters", "rows", "metrics"])
    );
    assert_eq!(evaluated["rows"], 400);
    assert_eq!(keys(&evaluated["metrics"]), keys(&trained["test"]));
    let matrix = |v: &Value| -> Vec<Vec<u64>> { serde_json::from_value(v.clone()).unwrap() };
    let (train, test) = (
        matrix(&trained["train"]["confusion"]),
        matrix(&trained["test"]["confusion"]),
    );
    let all = matrix(&evaluated["metrics"]["confusion"]);
    for t in 0..3 {
        for p in 0..3 {
            assert_eq!(all[t][p], train[t][p] + test[t][p], "confusion[{t}][{p}]");
        }
    }
}

#[test]
fn eval_notes_unused_columns_and_names_missing_ones() {
    let dir = fever_dir(400);
    ok(train(
        dir.path(),
        "temp_2h_c",
        &["--out", "m.safetensors", "--quiet"],
    ));
    let out = gradlab(
        dir.path(),
        &["eval", "--model", "m.safetensors", "--data", "data.csv"],
    );
    assert!(out.status.success());
    assert!(stderr(&out).contains("status_2h"), "{}", stderr(&out));
    assert!(stdout(&out).contains("RMSE"));
    write(dir.path(), "partial.csv", "temp_c,temp_2h_c\n38.0,38.0\n");
    let out = gradlab(
        dir.path(),
        &["eval", "--model", "m.safetensors", "--data", "partial.csv"],
    );
    assert_one_line_error(&out, &["dose_mg", "available", "temp_c"]);
}

#[test]
fn predict_adds_prediction_columns_to_every_row() {
    let dir = fever_dir(400);
    ok(train(
        dir.path(),
        "status_2h",
        &["--out", "c.safetensors", "--quiet"],
    ));
    ok(train(
        dir.path(),
        "temp_2h_c",
        &["--out", "r.safetensors", "--quiet"],
    ));

    let args = [
        "predict",
        "--model",
        "c.safetensors",
        "--data",
        "data.csv",
        "--out",
        "p.csv",
    ];
    ok(gradlab(dir.path(), &args));
    let (header, rows) = read_csv(&dir.path().join("p.csv"));
    let expected = [
        "temp_c",
        "dose_mg",
        "temp_2h_c",
        "status_2h",
        "predicted_status_2h",
        "p_elevated",
        "p_fever",
        "p_normal",
    ];
    assert_eq!(header, expected);
    assert_eq!(rows.len(), 400);
    let (_, original) = read_csv(&dir.path().join("data.csv"));
    for (row, source) in rows.iter().zip(&original) {
        assert_eq!(row[3], source[3], "text is copied as is");
        let number = |cell: &str| cell.parse::<f64>().unwrap();
        assert_eq!(number(&row[0]), number(&source[0]));
        assert!(["elevated", "fever", "normal"].contains(&row[4].as_str()));
        let p: Vec<f64> = row[5..].iter().map(|c| number(c)).collect();
        assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-5, "{p:?}");
    }

    // The target may be absent; output goes to stdout by default.
    write(
        dir.path(),
        "new.csv",
        "dose_mg,temp_c,note\n500,39.5,a\n0,37.2,b\n",
    );
    let text = ok(gradlab(
        dir.path(),
        &["predict", "--model", "r.safetensors", "--data", "new.csv"],
    ));
    let (header, rows) = parse_csv(&text);
    assert_eq!(header, ["dose_mg", "temp_c", "note", "predicted_temp_2h_c"]);
    assert_eq!(rows.len(), 2);
    let predicted: f64 = rows[0][3].parse().unwrap();
    assert!((30.0..45.0).contains(&predicted), "{predicted}");

    // Cells that are not used are copied through, even odd ones.
    write(
        dir.path(),
        "odd.csv",
        "temp_c,dose_mg,temp_2h_c\n39.5,500,n/a\n38,0,\n",
    );
    let text = ok(gradlab(
        dir.path(),
        &["predict", "--model", "r.safetensors", "--data", "odd.csv"],
    ));
    let (_, rows) = parse_csv(&text);
    assert_eq!((rows[0][2].as_str(), rows[1][2].as_str()), ("n/a", ""));
    assert_eq!(
        rows[0][3],
        predicted.to_string(),
        "same input, same prediction"
    );

    // --input predicts one case, the same as the file's row.
    let case = [
        "predict",
        "--model",
        "r.safetensors",
        "--input",
        "temp_c=39.5,dose_mg=500",
    ];
    let line = ok(gradlab(dir.path(), &case));
    let value: f64 = line
        .trim()
        .strip_prefix("temp_2h_c = ")
        .unwrap()
        .parse()
        .unwrap();
    assert!((value - predicted).abs() < 0.01, "{line} vs {predicted}");
    let case = [
        "predict",
        "--model",
        "c.safetensors",
        "--input",
        "dose_mg=500,temp_c=39.5",
    ];
    let line = ok(gradlab(dir.path(), &case));
    assert!(line.starts_with("status_2h = "), "{line}");
    assert!(line.contains("(p: ") && line.contains("normal"), "{line}");
}

#[test]
fn huge_targets_give_short_predictions_and_finite_metrics() {
    // y = (1 + x/4)·1e300 for x = 0, 0.1, …, 3.9: targets from 1e300 to
    // 1.975e300. `{}` would write each as a 301-digit number, an f32 model's
    // output cast to f32 would be inf, and squaring errors of about 1e299
    // overflowed the RMSE to inf (null in JSON).
    let dir = TempDir::new().unwrap();
    let rows: String = (0..40)
        .map(|i| {
            format!(
                "{},{:e}\n",
                i as f64 / 10.0,
                (1.0 + i as f64 / 40.0) * 1e300
            )
        })
        .collect();
    write(dir.path(), "huge.csv", &format!("x,y\n{rows}"));
    ok(gradlab(
        dir.path(),
        &[
            "train",
            "--data",
            "huge.csv",
            "--target",
            "y",
            "--inputs",
            "x",
            "--epochs",
            "20",
            "--quiet",
            "--out",
            "huge.safetensors",
        ],
    ));
    let text = ok(gradlab(
        dir.path(),
        &[
            "predict",
            "--model",
            "huge.safetensors",
            "--data",
            "huge.csv",
            "--quiet",
        ],
    ));
    let (header, rows) = parse_csv(&text);
    assert_eq!(header, ["x", "y", "predicted_y"]);
    assert_eq!(rows.len(), 40);
    assert_eq!(rows[0][1], "1e300", "the copied target, 1e300, stays short");
    for row in &rows {
        let predicted = &row[2];
        // At most 17 significant digits, a sign, a point and `e300`.
        assert!(
            predicted.len() <= 24 && predicted.contains("e"),
            "{predicted}"
        );
        let value: f64 = predicted.parse().unwrap();
        // Any network's output, scaled back, is near the targets' range.
        assert!((1e299..1e301).contains(&value), "{predicted}");
    }

    let eval = ok(gradlab(
        dir.path(),
        &[
            "eval",
            "--model",
            "huge.safetensors",
            "--data",
            "huge.csv",
            "--json",
        ],
    ));
    let metrics = &serde_json::from_str::<Value>(&eval).unwrap()["metrics"];
    let rmse = metrics["rmse"].as_f64().expect("a finite RMSE");
    let mae = metrics["mae"].as_f64().expect("a finite MAE");
    // The targets span 0.975e300, so no error is far beyond that.
    assert!(0.0 < mae && mae <= rmse && rmse < 1e301, "{metrics}");
    assert!(metrics["r2"].is_f64(), "{metrics}");
}

#[test]
fn predict_needs_exactly_one_of_data_and_input() {
    let dir = TempDir::new().unwrap();
    let both = [
        "predict", "--model", "m", "--data", "d.csv", "--input", "a=1",
    ];
    assert_eq!(gradlab(dir.path(), &both).status.code(), Some(2));
    let neither = ["predict", "--model", "m"];
    assert_eq!(gradlab(dir.path(), &neither).status.code(), Some(2));
}

#[test]
fn inspect_shows_what_the_model_holds() {
    let dir = fever_dir(400);
    ok(train(
        dir.path(),
        "status_2h",
        &["--out", "c.safetensors", "--quiet"],
    ));
    let text = ok(gradlab(
        dir.path(),
        &["inspect", "--model", "c.safetensors"],
    ));
    for needle in [
        "2 → 16 tanh → 3 softmax",
        "99",
        "f32",
        "classification",
        "temp_c, dose_mg",
        "status_2h",
        "elevated, fever, normal",
        "mean",
        "learning rate",
    ] {
        assert!(text.contains(needle), "'{needle}' missing: {text}");
    }
    let json = ok(gradlab(
        dir.path(),
        &["inspect", "--model", "c.safetensors", "--json"],
    ));
    let json: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(json["parameters"], 99);
    assert_eq!(json["settings"]["train"]["epochs"], 20);
}

// ---------------------------------------------------------------- bad input

#[test]
fn bad_data_files_get_a_one_line_error() {
    let dir = TempDir::new().unwrap();
    let d = dir.path();
    let header = "temp_c,dose_mg,temp_2h_c\n";
    write(d, "empty.csv", "");
    write(d, "header.csv", header);
    write(
        d,
        "text.csv",
        &format!("{header}38.0,0,38.1\n38.5,abc,38.2\n"),
    );
    write(d, "inf.csv", &format!("{header}38.0,0,38.1\ninf,0,38.2\n"));
    write(d, "ragged.csv", &format!("{header}38.0,0,38.1\n38.5,0\n"));
    write(
        d,
        "good.csv",
        &format!("{header}38.0,0,38.1\n38.5,100,38.2\n"),
    );
    let train = |file: &str, target: &str| {
        gradlab(
            d,
            &["train", "--data", file, "--target", target, "--epochs", "1"],
        )
    };
    assert_one_line_error(&train("missing.csv", "temp_2h_c"), &["missing.csv"]);
    assert_one_line_error(&train("empty.csv", "temp_2h_c"), &["empty.csv", "empty"]);
    assert_one_line_error(
        &train("header.csv", "temp_2h_c"),
        &["header.csv", "no data rows"],
    );
    assert_one_line_error(
        &train("good.csv", "temp_2h"),
        &["temp_2h", "available", "temp_c, dose_mg, temp_2h_c"],
    );
    assert_one_line_error(
        &train("text.csv", "temp_2h_c"),
        &["row 2", "dose_mg", "abc"],
    );
    assert_one_line_error(&train("inf.csv", "temp_2h_c"), &["row 2", "temp_c", "inf"]);
    assert_one_line_error(
        &train("ragged.csv", "temp_2h_c"),
        &["row 2", "2 cells", "3 columns"],
    );
    let unknown_input = gradlab(
        d,
        &[
            "train",
            "--data",
            "good.csv",
            "--target",
            "temp_2h_c",
            "--inputs",
            "temp_c,dose",
        ],
    );
    assert_one_line_error(&unknown_input, &["'dose'", "available"]);
}

#[test]
fn unreadable_model_files_get_a_one_line_error() {
    let dir = TempDir::new().unwrap();
    let d = dir.path();
    let garbage: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    std::fs::write(d.join("garbage.safetensors"), garbage).unwrap();
    write(d, "tiny.safetensors", "abc");
    write(d, "data.csv", "temp_c,dose_mg\n38.0,0\n");
    for model in [
        "garbage.safetensors",
        "tiny.safetensors",
        "missing.safetensors",
    ] {
        let runs = [
            gradlab(d, &["inspect", "--model", model]),
            gradlab(d, &["eval", "--model", model, "--data", "data.csv"]),
            gradlab(d, &["predict", "--model", model, "--data", "data.csv"]),
            gradlab(d, &["predict", "--model", model, "--input", "temp_c=38"]),
        ];
        for out in &runs {
            assert_one_line_error(out, &[model]);
        }
    }
}

#[test]
fn bad_flag_values_are_refused() {
    let dir = fever_dir(50);
    for (flag, value, named) in [
        ("--lr", "0", "learning rate"),
        ("--lr", "-1", "learning rate"),
        ("--batch-size", "0", "batch size"),
        ("--epochs", "0", "epochs"),
        ("--test-fraction", "1.5", "test fraction"),
        ("--test-fraction", "0", "test fraction"),
        ("--hidden", "0", "hidden"),
        ("--hidden", "16,0", "hidden"),
        ("--activation", "softmax", "activation"),
        ("--init", "uniform:-1", "init"),
        ("--scale", "log", "scale"),
        ("--precision", "f16", "precision"),
    ] {
        let out = train(dir.path(), "temp_2h_c", &[flag, value]);
        let err = stderr(&out);
        assert!(!out.status.success(), "{flag} {value} accepted");
        assert!(err.starts_with("error: "), "{flag} {value}: {err}");
        assert!(err.contains(named), "{flag} {value}: {err}");
        assert!(!err.contains("panicked"), "{err}");
        // Values that parse but are out of range are the engine's one-line
        // errors (exit 1); values that do not parse are usage errors (exit 2).
        assert!(
            matches!(out.status.code(), Some(1 | 2)),
            "{flag} {value}: {err}"
        );
    }
    let out = train(dir.path(), "temp_2h_c", &["--out", "-"]);
    assert_one_line_error(&out, &["stdout"]);
    let out = train(
        dir.path(),
        "temp_2h_c",
        &["--out", "no/such/dir/m.safetensors"],
    );
    assert_one_line_error(&out, &["no/such/dir", "does not exist"]);
}

#[test]
fn usage_errors_exit_2() {
    let dir = TempDir::new().unwrap();
    for args in [
        &[][..],
        &["train"][..],
        &["train", "--data", "x.csv", "--target", "y", "--bogus"][..],
        &["frobnicate"][..],
        &[
            "train", "--data", "x.csv", "--target", "y", "--epochs", "many",
        ][..],
    ] {
        let out = gradlab(dir.path(), args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
    }
}

// ---------------------------------------------------------------- demo

/// Parses the number after `label` on the demo report's line starting with it.
fn reported(text: &str, label: &str) -> f64 {
    let line = text
        .lines()
        .find(|line| line.trim_start().starts_with(label))
        .unwrap_or_else(|| panic!("no '{label}' line in:\n{text}"));
    let rest = line.trim_start().strip_prefix(label).unwrap();
    rest.split_whitespace().next().unwrap().parse().unwrap()
}

/// What a good model reaches, on the demo's own report: test RMSE
/// ≤ 0.17 °C (noise floor 0.150 °C) and test accuracy ≥ 0.91 (best possible
/// ≈ 0.926), with the default settings on data/fever.csv. The demo runs in
/// a few seconds even in the test profile (dependencies at opt-level 3).
#[test]
fn demo_solves_the_fever_task_both_ways() {
    let dir = TempDir::new().unwrap();
    let text = ok(gradlab(dir.path(), &["demo", "--out", "models", "--quiet"]));
    assert!(text.contains("RMSE") && text.contains("accuracy"), "{text}");
    let rmse = reported(&text, "test RMSE");
    let accuracy = reported(&text, "test accuracy");
    assert!(rmse <= 0.17, "test RMSE {rmse} °C");
    assert!(accuracy >= 0.91, "test accuracy {accuracy}");
    assert!(reported(&text, "fresh RMSE") <= 0.17, "{text}");
    assert!(reported(&text, "fresh accuracy") >= 0.91, "{text}");
    assert!(text.contains("39.5 °C with 500 mg → "), "{text}");
    for model in ["regression", "classification"] {
        let path = dir
            .path()
            .join("models")
            .join(format!("{model}.safetensors"));
        assert!(path.is_file(), "{} missing", path.display());
        // The written model works with the other commands.
        let path = path.to_str().unwrap();
        ok(gradlab(
            dir.path(),
            &[
                "predict",
                "--model",
                path,
                "--input",
                "temp_c=39.5,dose_mg=500",
            ],
        ));
    }
    // The pictures, listed in the report: loss curves 900 × 600, the input
    // planes 800 × 700.
    for (picture, size) in [
        ("regression_loss", (900, 600)),
        ("regression_surface", (800, 700)),
        ("classification_loss", (900, 600)),
        ("classification_regions", (800, 700)),
    ] {
        let path = dir.path().join("models").join(format!("{picture}.png"));
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let (width, height, rgb) = decode_png(&bytes);
        assert_eq!((width, height), size, "{picture}");
        assert!(text.contains(&format!("models/{picture}.png")), "{text}");
        if picture == "classification_regions" {
            // Each of the three classes holds a region, in its light colour
            // (the plot crate's "tab10" blue, orange and green, 72 % of the
            // way to white).
            for light in [[192, 217, 234], [255, 219, 188], [196, 228, 196]] {
                let share = rgb.chunks(3).filter(|p| *p == light).count() as f64
                    / f64::from(width * height);
                assert!(share > 0.05, "{light:?} covers {share:.3} of the regions");
            }
        }
    }
}

/// A numeric target of a few distinct whole numbers is trained as a
/// regression, with a note naming `--task classification`; a measured
/// target and an explicit `--task` get no note.
#[test]
fn a_target_of_few_whole_numbers_gets_a_note_about_the_task() {
    let dir = tempfile::TempDir::new().unwrap();
    let rows: String = (0..60)
        .map(|i| format!("{},{},{}\n", i % 7, f64::from(i) * 0.25, i % 3))
        .collect();
    std::fs::write(dir.path().join("digits.csv"), format!("a,b,digit\n{rows}")).unwrap();
    let train = |extra: &[&str]| {
        let mut args = vec![
            "train",
            "--data",
            "digits.csv",
            "--target",
            "digit",
            "--epochs",
            "2",
        ];
        args.extend_from_slice(extra);
        gradlab(dir.path(), &args)
    };
    let guessed = train(&[]);
    let text = stderr(&guessed);
    assert!(guessed.status.success(), "{text}");
    assert!(
        text.contains("note: target column 'digit' holds only 3 distinct whole numbers; it is trained as a regression; if it holds classes, use --task classification"),
        "{text}"
    );
    let asked = train(&["--task", "regression"]);
    assert!(!stderr(&asked).contains("note:"), "{}", stderr(&asked));
    let measured = gradlab(
        dir.path(),
        &[
            "train",
            "--data",
            "digits.csv",
            "--target",
            "b",
            "--epochs",
            "2",
        ],
    );
    assert!(
        !stderr(&measured).contains("note:"),
        "{}",
        stderr(&measured)
    );
}

/// Width, height and RGB pixels of a PNG file.
fn decode_png(bytes: &[u8]) -> (u32, u32, Vec<u8>) {
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let mut reader = decoder.read_info().unwrap();
    let mut rgb = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut rgb).unwrap();
    assert_eq!(info.color_type, png::ColorType::Rgb);
    rgb.truncate(info.buffer_size());
    (info.width, info.height, rgb)
}
