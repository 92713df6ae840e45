//! Every kind of bad input the `gradlab` binary can be given, one case per
//! row of a table: the file, the flags, the exit code and what the single
//! stderr line must say. Plus the inputs that look odd but are fine (a
//! byte-order mark, CRLF, semicolons with decimal commas, reordered and
//! extra columns), which must work.
//!
//! Run with `-- --nocapture` to see every case's real stderr line.

mod common;

use common::{fever_dir, gradlab, ok, on_fever, stderr, stdout};
use std::path::Path;
use std::process::Output;

/// One run of the binary and what must come of it.
struct Case {
    /// What is wrong with the input.
    name: &'static str,
    /// The bytes of `case.csv` (not written when empty and unused).
    csv: Vec<u8>,
    /// The arguments; `{csv}` is the case's file, `{model}` a fresh model path.
    args: Vec<&'static str>,
    /// The exit code.
    code: i32,
    /// Text the first stderr line must hold.
    needles: Vec<&'static str>,
}

/// Ten good rows: `temp_c,dose_mg,temp_2h_c` values.
fn good_rows() -> String {
    (0..10)
        .map(|i| format!("{}.{},{},{}.{}\n", 37 + i % 4, i, i * 50, 37 + i % 3, 9 - i))
        .collect()
}

const HEADER: &str = "temp_c,dose_mg,temp_2h_c\n";

/// The header, two good rows, then `third` as data row 3 (line 4).
fn with_row(third: &str) -> Vec<u8> {
    format!("{HEADER}38.0,0,38.1\n38.5,100,38.2\n{third}\n").into_bytes()
}

/// `train --data {csv} --target temp_2h_c --quiet --out {model}` plus
/// `extra`, and `--epochs 1` unless `extra` sets the epochs.
fn train(extra: &[&'static str]) -> Vec<&'static str> {
    let mut args = vec![
        "train",
        "--data",
        "{csv}",
        "--target",
        "temp_2h_c",
        "--quiet",
        "--out",
        "{model}",
    ];
    if !extra.contains(&"--epochs") {
        args.extend_from_slice(&["--epochs", "1"]);
    }
    args.extend_from_slice(extra);
    args
}

/// `train` on the case file with the target `target` instead.
fn train_target(target: &'static str, extra: &[&'static str]) -> Vec<&'static str> {
    let mut args = train(extra);
    args[4] = target;
    args
}

fn case(
    name: &'static str,
    csv: impl Into<Vec<u8>>,
    args: Vec<&'static str>,
    code: i32,
    needles: &[&'static str],
) -> Case {
    Case {
        name,
        csv: csv.into(),
        args,
        code,
        needles: needles.to_vec(),
    }
}

/// The CSV file cases: reading, cells and columns.
fn csv_cases() -> Vec<Case> {
    let good = format!("{HEADER}{}", good_rows());
    vec![
        case("empty file", "", train(&[]), 1, &["case.csv: the file is empty"]),
        case(
            "header only",
            HEADER,
            train(&[]),
            1,
            &["case.csv: the file has a header row but no data rows"],
        ),
        case(
            "duplicate column name",
            "temp_c,dose_mg,temp_c\n1,2,3\n",
            train(&[]),
            1,
            &["header: column 'temp_c' appears twice (columns 1 and 3)"],
        ),
        case(
            "empty column name",
            "temp_c,,temp_2h_c\n1,2,3\n",
            train(&[]),
            1,
            &["header: column 2 has an empty name"],
        ),
        case(
            "target not found",
            good.clone(),
            train_target("temp_2h", &[]),
            1,
            &[
                "no column named 'temp_2h'; did you mean 'temp_2h_c'?",
                "(available: temp_c, dose_mg, temp_2h_c)",
            ],
        ),
        case(
            "target in other case",
            good.clone(),
            train_target("Temp_2H_C", &[]),
            1,
            &["did you mean 'temp_2h_c'?"],
        ),
        case(
            "input not found",
            good.clone(),
            train(&["--inputs", "temp_c,dose"]),
            1,
            &["no column named 'dose'; did you mean 'dose_mg'?", "available"],
        ),
        case(
            "ragged row",
            with_row("39.0,50"),
            train(&[]),
            1,
            &["data row 3 (line 4) has 2 cells, but the header has 3 columns"],
        ),
        case(
            "empty cell",
            with_row("39.0,,38.3"),
            train(&[]),
            1,
            &["data row 3 (line 4), column 'dose_mg': empty cell"],
        ),
        case(
            "NA",
            with_row("39.0,NA,38.3"),
            train(&[]),
            1,
            &["data row 3 (line 4), column 'dose_mg': 'NA' marks a missing value"],
        ),
        case(
            "NaN",
            with_row("NaN,50,38.3"),
            train(&[]),
            1,
            &["data row 3 (line 4), column 'temp_c': 'NaN' marks a missing value"],
        ),
        case(
            "null",
            with_row("39.0,null,38.3"),
            train(&[]),
            1,
            &["column 'dose_mg': 'null' marks a missing value"],
        ),
        case(
            "text in a numeric column",
            with_row("39.0,abc,38.3"),
            train(&[]),
            1,
            &[
                "data row 3 (line 4), column 'dose_mg': 'abc' is not a number",
                "choose them with --inputs",
            ],
        ),
        case(
            "inf",
            with_row("inf,50,38.3"),
            train(&[]),
            1,
            &["column 'temp_c': 'inf' is not a finite number"],
        ),
        case(
            "-inf",
            with_row("39.0,-inf,38.3"),
            train(&[]),
            1,
            &["column 'dose_mg': '-inf' is not a finite number"],
        ),
        case(
            "1e309",
            with_row("39.0,1e309,38.3"),
            train(&[]),
            1,
            &["column 'dose_mg': '1e309' is too large for a 64-bit float (it overflows to infinity)"],
        ),
        case(
            "invalid UTF-8",
            [HEADER.as_bytes(), b"38.0,0,38.1\n39.0,\xff\xfe,38.3\n"].concat(),
            train(&[]),
            1,
            &["data row 2 (line 3): column 'dose_mg' is not valid UTF-8"],
        ),
        case(
            "byte-order mark (accepted)",
            format!("\u{feff}{good}"),
            train(&[]),
            0,
            &[],
        ),
        case(
            "CRLF (accepted)",
            good.replace('\n', "\r\n"),
            train(&[]),
            0,
            &[],
        ),
        case(
            "CRLF and blank lines: row and line",
            format!("{HEADER}38.0,0,38.1\n\n\n38.5,100,38.2\n39.0,x,38.3\n").replace('\n', "\r\n"),
            train(&[]),
            1,
            &["data row 3 (line 6), column 'dose_mg': 'x' is not a number"],
        ),
        case(
            "unclosed quote at the end of the file",
            with_row("39.0,50,\"38.3"),
            train(&[]),
            1,
            &["case.csv: data row 3 (line 4): a quoted cell starting here is never closed (a stray '\"'?)"],
        ),
        case(
            "unclosed quote mid-file (it would swallow the rows after it)",
            "a,b\n1,\"2\n3,4\n5,6\n",
            train_target("b", &[]),
            1,
            &["case.csv: data row 1 (line 2): a quoted cell starting here is never closed (a stray '\"'?)"],
        ),
        case(
            "unclosed quote in the header",
            format!("temp_c,\"dose_mg,temp_2h_c\n{}", good_rows()),
            train(&[]),
            1,
            &["case.csv: header (line 1): a quoted cell starting here is never closed"],
        ),
        case(
            "quoted cell over two lines: row and line",
            format!("a,{HEADER}\"two\nlines\",38.0,0,38.1\nz,39.0,,38.3\n"),
            train(&["--inputs", "temp_c,dose_mg"]),
            1,
            &["data row 2 (line 4), column 'dose_mg': empty cell"],
        ),
    ]
}

/// Semicolons, tabs and decimal commas.
fn delimiter_cases() -> Vec<Case> {
    let european = "temp_c;dose_mg;temp_2h_c\n38,5;250;37,9\n39,0;0;38,9\n40,1;500;38,0\n37,0;0;37,1\n38,0;100;37,6\n";
    let tabs = format!("{HEADER}{}", good_rows()).replace(',', "\t");
    vec![
        case(
            "semicolons and decimal commas with the flags (accepted)",
            european,
            train(&["--delimiter", ";", "--decimal-comma"]),
            0,
            &[],
        ),
        case(
            "semicolons and decimal commas without the flags",
            european,
            train(&[]),
            1,
            &[
                "data row 1 (line 2) has 3 cells, but the header has 1 column",
                "(the file looks semicolon-separated: try --delimiter ';' --decimal-comma)",
            ],
        ),
        case(
            "semicolons with decimal points without the flags",
            "temp_c;dose_mg;temp_2h_c\n38.5;250;37.9\n",
            train(&[]),
            1,
            &[
                "no column named 'temp_2h_c' (available: temp_c;dose_mg;temp_2h_c)",
                "(the file looks semicolon-separated: try --delimiter ';' --decimal-comma)",
            ],
        ),
        case(
            "decimal commas with --delimiter ';' only",
            european,
            train(&["--delimiter", ";"]),
            1,
            &["data row 1 (line 2), column 'temp_c': '38,5' is not a number: it has a decimal comma (try --decimal-comma)"],
        ),
        case(
            "a '.' with --decimal-comma",
            "temp_c;dose_mg;temp_2h_c\n38,5;1.250;37,9\n",
            train(&["--delimiter", ";", "--decimal-comma"]),
            1,
            &["column 'dose_mg': '1.250' has a '.', but numbers are read with a decimal comma"],
        ),
        case(
            "tabs with --delimiter tab (accepted)",
            tabs.clone(),
            train(&["--delimiter", "tab"]),
            0,
            &[],
        ),
        case(
            "tabs with --delimiter \\t (accepted)",
            tabs.clone(),
            train(&["--delimiter", "\\t"]),
            0,
            &[],
        ),
        case(
            "tabs without the flag",
            tabs,
            train(&[]),
            1,
            &["(the file looks tab-separated: try --delimiter tab)"],
        ),
        case(
            "--decimal-comma with the delimiter ','",
            european,
            train(&["--decimal-comma"]),
            1,
            &["invalid delimiter (--delimiter): ',' cannot separate cells when numbers have a decimal comma"],
        ),
        case(
            "--delimiter of two characters",
            european,
            train(&["--delimiter", ";;"]),
            2,
            &["--delimiter", "not one ASCII character"],
        ),
        case(
            "--delimiter '\"'",
            european,
            train(&["--delimiter", "\""]),
            2,
            &["--delimiter", "cannot separate cells"],
        ),
    ]
}

/// `n` rows whose target `y` has `n` distinct values: numbers or names.
fn distinct_targets(n: usize, numbers: bool) -> String {
    let mut text = String::from("x,y\n");
    for i in 0..n {
        let y = if numbers {
            format!("{:.3}", 36.0 + i as f64 / 1000.0)
        } else {
            format!("patient-{i}")
        };
        text.push_str(&format!("{i},{y}\n"));
    }
    text
}

/// The target column and the split.
fn target_cases() -> Vec<Case> {
    vec![
        case(
            "classification target with one class",
            "temp_c,dose_mg,status\n38,0,normal\n39,0,normal\n40,0,normal\n",
            train_target("status", &[]),
            1,
            &["target column 'status': every one of its 3 data rows is 'normal'; classification needs at least two classes"],
        ),
        case(
            "regression target that is text",
            "temp_c,dose_mg,status\n38,0,normal\n39,0,fever\n",
            train_target("status", &["--task", "regression"]),
            1,
            &[
                "target column 'status': it holds text ('normal' in data row 1 (line 2)), not numbers",
                "(use --task classification)",
            ],
        ),
        case(
            "thousands of classes that are numbers",
            distinct_targets(2000, true),
            train_target("y", &["--task", "classification"]),
            1,
            &[
                "target column 'y': 2000 distinct values in 2000 data rows are too many classes",
                "this looks like a regression target (use --task regression)",
            ],
        ),
        case(
            "thousands of classes that are names",
            distinct_targets(2000, false),
            train_target("y", &[]),
            1,
            &["2000 distinct values in 2000 data rows are too many classes", "identifier"],
        ),
        case(
            "text in a numeric target",
            format!("{HEADER}38.0,0,abc\n38.5,100,38.2\n39.0,50,38.3\n"),
            train(&[]),
            1,
            &[
                "data row 1 (line 2), column 'temp_2h_c': 'abc' is not a number",
                "(if 'temp_2h_c' holds classes, use --task classification)",
            ],
        ),
        case(
            "missing class label",
            "temp_c,status\n38,normal\n39,NA\n40,fever\n",
            train_target("status", &[]),
            1,
            &["target column 'status': data row 2 (line 3): 'NA' marks a missing value (fill or drop the row); a class label cannot be missing"],
        ),
        case(
            "one data row",
            format!("{HEADER}38.0,0,38.1\n"),
            train(&[]),
            1,
            &["invalid test fraction (--test-fraction): 1 data row cannot be split into a training and a test part"],
        ),
        case(
            "one column",
            "temp_2h_c\n38.1\n38.2\n",
            train(&[]),
            1,
            &["no input columns: the only column is the target 'temp_2h_c'"],
        ),
    ]
}

/// Flags out of range: refused before any work, the flag named.
fn flag_cases() -> Vec<Case> {
    let good = format!("{HEADER}{}", good_rows());
    let flag = |name, args: &[&'static str], code, needle| {
        case(name, good.clone(), train(args), code, &[needle])
    };
    vec![
        flag("learning rate 0", &["--lr", "0"], 1, "invalid learning rate (--lr): 0"),
        flag("learning rate < 0", &["--lr", "-0.1"], 1, "invalid learning rate (--lr): -0.1"),
        flag("batch size 0", &["--batch-size", "0"], 2, "'--batch-size <N>'"),
        flag("epochs 0", &["--epochs", "0"], 1, "invalid epochs (--epochs): 0"),
        flag("test fraction 0", &["--test-fraction", "0"], 1, "invalid test fraction (--test-fraction): 0"),
        flag("test fraction 1", &["--test-fraction", "1"], 1, "invalid test fraction (--test-fraction): 1"),
        flag("test fraction 1.5", &["--test-fraction", "1.5"], 1, "invalid test fraction (--test-fraction): 1.5"),
        flag("test fraction < 0", &["--test-fraction", "-0.2"], 1, "invalid test fraction (--test-fraction): -0.2"),
        flag("hidden size 0", &["--hidden", "8,0"], 1, "invalid hidden (--hidden): hidden layer 2 has 0 neurons"),
        // round(10 · 0.01) = 0 test rows.
        flag(
            "split that leaves a part empty",
            &["--test-fraction", "0.01"],
            1,
            "invalid test fraction (--test-fraction): 0.01 of 10 data rows leaves the test part empty",
        ),
    ]
}

/// `eval` and `predict` with the models `reg.safetensors` (temp_2h_c from
/// temp_c, dose_mg) and `cls.safetensors` (status_2h from the same).
fn model_cases() -> Vec<Case> {
    let eval = |model| vec!["eval", "--model", model, "--data", "{csv}"];
    let predict = |model| {
        vec![
            "predict",
            "--model",
            model,
            "--data",
            "{csv}",
            "--out",
            "{model}.csv",
        ]
    };
    let fever = "temp_c,dose_mg,temp_2h_c,status_2h\n39.1,0,39.04,fever\n36.4,800,36.16,normal\n37.9,100,37.7,elevated\n";
    vec![
        case(
            "predict: input column missing",
            "temp_c,temp_2h_c\n38.0,38.1\n",
            predict("reg.safetensors"),
            1,
            &["no column named 'dose_mg' (available: temp_c, temp_2h_c) (the model's inputs: temp_c, dose_mg)"],
        ),
        case(
            "eval: target column missing",
            "temp_c,dose_mg\n38.0,0\n",
            eval("reg.safetensors"),
            1,
            &["no column named 'temp_2h_c' (available: temp_c, dose_mg) (eval measures the model against its target column; predict needs no target)"],
        ),
        case(
            "eval: class never seen in training",
            format!("{fever}38.0,0,38.5,hot\n"),
            eval("cls.safetensors"),
            1,
            &["target column 'status_2h': class 'hot' in data row 4 (line 5) was never seen in training (known: elevated, fever, normal)"],
        ),
        case(
            "eval: regression model, text target",
            "temp_c,dose_mg,temp_2h_c\n39.1,0,fever\n36.4,800,normal\n",
            eval("reg.safetensors"),
            1,
            &["target column 'temp_2h_c': the model is a regression model (it predicts numbers), but the column holds text ('fever' in data row 1 (line 2))"],
        ),
        case(
            "eval: classification model, numeric target",
            "temp_c,dose_mg,status_2h\n39.1,0,39.04\n36.4,800,36.16\n",
            eval("cls.safetensors"),
            1,
            &["target column 'status_2h': the model is a classification model (classes: elevated, fever, normal), but the column holds numbers ('39.04' in data row 1 (line 2))"],
        ),
        case(
            "eval: a semicolon file without the flags",
            "temp_c;dose_mg;temp_2h_c\n38.5;250;37.9\n",
            eval("reg.safetensors"),
            1,
            &["(the file looks semicolon-separated: try --delimiter ';' --decimal-comma)"],
        ),
        case(
            "eval: extra columns (accepted, noted)",
            format!("extra,{}", fever.replace('\n', "\nx,").trim_end_matches("x,")),
            eval("cls.safetensors"),
            0,
            &["note: ignoring columns the model does not use: extra, temp_2h_c"],
        ),
        case(
            "predict: extra columns (accepted, noted)",
            "dose_mg,extra,temp_c\n0,x,39.1\n",
            predict("reg.safetensors"),
            0,
            &["note: the model does not use the columns extra (copied to the output as they are)"],
        ),
        case(
            "predict: semicolons and decimal commas with the flags (accepted)",
            "temp_c;dose_mg\n38,5;250\n",
            [predict("reg.safetensors"), vec!["--delimiter", ";", "--decimal-comma", "--quiet"]].concat(),
            0,
            &[],
        ),
    ]
}

/// Runs `case` in `dir` as file number `index`; returns its real stderr and
/// a description of what went wrong, if anything.
fn run(dir: &Path, index: usize, case: &Case) -> (Output, Vec<String>) {
    let csv = format!("case{index}.csv");
    let model = format!("model{index}.safetensors");
    std::fs::write(dir.join(&csv), &case.csv).unwrap();
    let args: Vec<&str> = case
        .args
        .iter()
        .map(|arg| match *arg {
            "{csv}" => csv.as_str(),
            "{model}" => model.as_str(),
            "{model}.csv" => "predicted.csv",
            other => other,
        })
        .collect();
    let out = gradlab(dir, &args);
    let err = stderr(&out);
    let mut problems = Vec::new();
    if out.status.code() != Some(case.code) {
        problems.push(format!(
            "exit {:?}, expected {}",
            out.status.code(),
            case.code
        ));
    }
    if err.contains("panicked") || err.contains("RUST_BACKTRACE") {
        problems.push("a panic".to_owned());
    }
    let lines: Vec<&str> = err.lines().collect();
    if case.code == 1 && (lines.len() != 1 || !lines[0].starts_with("error: ")) {
        problems.push("not exactly one line `error: …`".to_owned());
    }
    let first = lines.first().copied().unwrap_or("");
    for needle in &case.needles {
        // Error lines name the case's file as case.csv.
        let needle = needle.replace("case.csv", &csv);
        if !first.contains(&needle) {
            problems.push(format!("'{needle}' missing"));
        }
    }
    if case.code == 0 && err.contains("error") {
        problems.push("an error on stderr".to_owned());
    }
    if case.code != 0 && dir.join(&model).exists() {
        problems.push("a model was written".to_owned());
    }
    (out, problems)
}

/// Runs every case and reports all failures at once.
fn run_all(dir: &Path, cases: &[Case]) {
    let mut failures = Vec::new();
    for (index, case) in cases.iter().enumerate() {
        let (out, problems) = run(dir, index, case);
        let first = stderr(&out).lines().next().unwrap_or("").to_owned();
        println!(
            "| {} | `{}` | {} |",
            case.name,
            first,
            out.status.code().unwrap_or(-1)
        );
        if !problems.is_empty() {
            failures.push(format!(
                "{}: {}\n    stderr: {}",
                case.name,
                problems.join("; "),
                stderr(&out)
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failing cases:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn bad_csv_files_get_one_clear_line() {
    let dir = tempfile::TempDir::new().unwrap();
    run_all(dir.path(), &csv_cases());
}

#[test]
fn delimiters_and_decimal_commas_are_read_or_explained() {
    let dir = tempfile::TempDir::new().unwrap();
    run_all(dir.path(), &delimiter_cases());
}

#[test]
fn unusable_targets_and_splits_are_refused() {
    let dir = tempfile::TempDir::new().unwrap();
    run_all(dir.path(), &target_cases());
}

#[test]
fn flags_out_of_range_are_refused_naming_the_flag() {
    let dir = tempfile::TempDir::new().unwrap();
    run_all(dir.path(), &flag_cases());
}

/// A fever directory with `reg.safetensors` and `cls.safetensors`.
fn models_dir() -> tempfile::TempDir {
    let dir = fever_dir(300);
    for (target, model) in [
        ("temp_2h_c", "reg.safetensors"),
        ("status_2h", "cls.safetensors"),
    ] {
        ok(on_fever(
            dir.path(),
            "train",
            target,
            &["--epochs", "5", "--quiet", "--out", model],
        ));
    }
    dir
}

#[test]
fn eval_and_predict_match_columns_by_name_and_name_misfits() {
    let dir = models_dir();
    run_all(dir.path(), &model_cases());
}

#[test]
fn reordered_columns_give_identical_predictions() {
    let dir = models_dir();
    let d = dir.path();
    let text = std::fs::read_to_string(d.join("data.csv")).unwrap();
    // The same rows as dose_mg,status_2h,temp_c (target columns moved too).
    let reordered: String = text
        .lines()
        .map(|line| {
            let cells: Vec<&str> = line.split(',').collect();
            format!("{},{},{}\n", cells[1], cells[3], cells[0])
        })
        .collect();
    std::fs::write(d.join("reordered.csv"), reordered).unwrap();
    for model in ["reg.safetensors", "cls.safetensors"] {
        let predicted = |file: &str| {
            let out = gradlab(d, &["predict", "--model", model, "--data", file, "--quiet"]);
            let text = stdout(&out);
            assert!(out.status.success(), "{}", stderr(&out));
            // The prediction columns: everything after the file's columns.
            text.lines()
                .map(|line| {
                    line.split(',')
                        .skip(if file == "data.csv" { 4 } else { 3 })
                        .collect::<Vec<_>>()
                        .join(",")
                })
                .collect::<Vec<_>>()
        };
        let original = predicted("data.csv");
        assert_eq!(original.len(), 301, "header and 300 rows");
        assert_eq!(original, predicted("reordered.csv"), "{model}");
    }
}

#[test]
fn european_file_gives_the_same_model_as_its_plain_twin() {
    // The same numbers written twice: plain, and with ';' and decimal commas.
    let dir = tempfile::TempDir::new().unwrap();
    let d = dir.path();
    let plain = format!("{HEADER}{}", good_rows());
    let european = plain.replace(',', ";").replace('.', ",");
    std::fs::write(d.join("plain.csv"), &plain).unwrap();
    std::fs::write(d.join("europe.csv"), &european).unwrap();
    let base = ["--target", "temp_2h_c", "--epochs", "3", "--quiet"];
    let plain_run = [
        &["train", "--data", "plain.csv", "--out", "p.safetensors"][..],
        &base,
    ]
    .concat();
    let europe_run = [
        &[
            "train",
            "--data",
            "europe.csv",
            "--out",
            "e.safetensors",
            "--delimiter",
            ";",
            "--decimal-comma",
        ][..],
        &base,
    ]
    .concat();
    ok(gradlab(d, &plain_run));
    ok(gradlab(d, &europe_run));
    let bytes = |name: &str| std::fs::read(d.join(name)).unwrap();
    assert_eq!(
        bytes("p.safetensors"),
        bytes("e.safetensors"),
        "same data, same seed, same bytes"
    );
}
