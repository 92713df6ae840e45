//! Every command that reads a CSV file takes the reading flags
//! `--delimiter` and `--decimal-comma`: each one is run on a small fever
//! file written with `;` between cells and decimal commas. With the flags it
//! succeeds (and, where the output is deterministic, prints exactly what
//! it prints for the same numbers written plainly); without them it fails
//! with one line that names the flags.

mod common;

use common::{fever_dir, gradlab, stderr, stdout};
use std::path::Path;
use std::process::Output;

/// The reading flags for the European file.
const FLAGS: [&str; 3] = ["--delimiter", ";", "--decimal-comma"];

/// Rows of the generated fever file: few, to keep every run short.
const ROWS: usize = 60;

/// The tiny settings of the seeded start and of training, for the commands
/// that take them.
const TINY: [&str; 4] = ["--hidden", "2", "--epochs", "2"];

/// `--data data.csv --target temp_2h_c --inputs temp_c,dose_mg`.
const COLUMNS: [&str; 6] = [
    "--data",
    "data.csv",
    "--target",
    "temp_2h_c",
    "--inputs",
    "temp_c,dose_mg",
];

/// Two directories with the same fever rows as `data.csv`: `plain` (`,`
/// and decimal points, as generated) and `europe` (`;` and decimal
/// commas), each with the same `model.safetensors` (trained on the plain
/// file).
struct Twins {
    plain: tempfile::TempDir,
    europe: tempfile::TempDir,
}

fn twins() -> Twins {
    let plain = fever_dir(ROWS);
    let text = std::fs::read_to_string(plain.path().join("data.csv")).unwrap();
    // The generated file has no ';' and no '.' outside numbers.
    let european = text.replace(',', ";").replace('.', ",");
    assert_ne!(text, european);
    let europe = tempfile::TempDir::new().unwrap();
    std::fs::write(europe.path().join("data.csv"), european).unwrap();
    let train = [
        &["train"][..],
        &COLUMNS,
        &TINY,
        &["--quiet", "--out", "model.safetensors"],
    ]
    .concat();
    let trained = gradlab(plain.path(), &train);
    assert!(trained.status.success(), "{}", stderr(&trained));
    std::fs::copy(
        plain.path().join("model.safetensors"),
        europe.path().join("model.safetensors"),
    )
    .unwrap();
    Twins { plain, europe }
}

/// One command to run on both files.
struct Run {
    /// The arguments, without the reading flags.
    args: Vec<&'static str>,
    /// Its stdout must be the same for both files (no times in it).
    same_output: bool,
}

fn run(args: &[&[&'static str]], same_output: bool) -> Run {
    Run {
        args: args.concat(),
        same_output,
    }
}

/// Every command that reads a CSV file, in tiny settings.
fn runs() -> Vec<Run> {
    let model = ["--model", "model.safetensors", "--data", "data.csv"];
    vec![
        run(
            &[
                &["train"],
                &COLUMNS,
                &TINY,
                &["--quiet", "--out", "m2.safetensors"],
            ],
            false,
        ),
        run(&[&["eval"], &model], true),
        run(
            &[&["predict"], &model, &["--quiet", "--out", "predicted.csv"]],
            true,
        ),
        run(
            &[&["compare"], &COLUMNS, &TINY, &["--variants", "batch"]],
            false,
        ),
        run(&[&["minima"], &COLUMNS, &TINY, &["--restarts", "2"]], false),
        run(&[&["lecun"], &COLUMNS, &TINY], false),
        run(
            &[&["explain"], &COLUMNS, &["--hidden", "2", "--rows", "1"]],
            true,
        ),
        run(&[&["explain"], &model, &["--rows", "2"]], true),
        run(
            &[&["gradcheck"], &COLUMNS, &["--hidden", "2", "--rows", "4"]],
            true,
        ),
        run(
            &[
                &["brute-force"],
                &COLUMNS,
                &["--hidden", "2", "--range", "-1,1", "--step", "0.5"],
            ],
            false,
        ),
        run(&[&["grad"], &model, &["--out", "grad.safetensors"]], true),
        run(
            &[
                &["methods"],
                &COLUMNS,
                &["--steps", "3", "--range", "-1,1", "--step", "0.5"],
            ],
            false,
        ),
        run(
            &[
                &["landscape"],
                &model,
                &["--resolution", "4", "--out", "land.svg"],
            ],
            false,
        ),
        run(&[&["curvature"], &model, &["--check-steps", "2"]], false),
    ]
}

/// The subcommands `gradlab --help` lists: the CLI's own definition.
fn commands() -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let help = stdout(&gradlab(dir.path(), &["--help"]));
    help.lines()
        .skip_while(|line| !line.starts_with("Commands:"))
        .skip(1)
        .take_while(|line| line.starts_with("  "))
        .filter_map(|line| line.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_owned)
        .collect()
}

/// Every command whose help offers the reading flags is in [`runs`], so a
/// new command that reads CSV cannot be left out of the test above.
#[test]
fn the_runs_cover_every_command_that_reads_csv() {
    let dir = tempfile::tempdir().unwrap();
    let commands = commands();
    assert!(commands.len() > 10, "{commands:?}");
    let covered: Vec<String> = runs().iter().map(|r| r.args[0].to_string()).collect();
    for command in commands {
        let help = stdout(&gradlab(dir.path(), &[command.as_str(), "--help"]));
        let reads_csv = help.contains("--delimiter");
        assert_eq!(
            reads_csv,
            covered.contains(&command),
            "{command}: reads CSV: {reads_csv}; covered by runs(): {}",
            covered.contains(&command)
        );
    }
}

/// `what` of a run, or a description of what went wrong.
fn problem(what: &str, out: &Output, wanted: &str) -> Option<String> {
    let err = stderr(out);
    let fine = match wanted {
        "success" => out.status.success(),
        _ => {
            out.status.code() == Some(1)
                && err.lines().count() == 1
                && err.starts_with("error: ")
                && err.contains(wanted)
        }
    };
    (!fine).then(|| format!("{what}: exit {:?}, stderr: {err}", out.status.code()))
}

#[test]
fn every_command_reading_csv_takes_the_reading_flags() {
    let twins = twins();
    let mut failures = Vec::new();
    for run in runs() {
        let name = run.args.join(" ");
        let with_flags = [&run.args[..], &FLAGS].concat();
        let europe = gradlab(twins.europe.path(), &with_flags);
        failures.extend(problem(
            &format!("{name} {}", FLAGS.join(" ")),
            &europe,
            "success",
        ));
        // The flags matter: without them the file is one column of text.
        let unflagged = gradlab(twins.europe.path(), &run.args);
        let hint = "(the file looks semicolon-separated: try --delimiter ';' --decimal-comma)";
        failures.extend(problem(
            &format!("{name} without the flags"),
            &unflagged,
            hint,
        ));
        if run.same_output && europe.status.success() {
            let plain = gradlab(twins.plain.path(), &run.args);
            if stdout(&plain) != stdout(&europe) || !plain.status.success() {
                failures.push(format!(
                    "{name}: other output than on the plain file\nplain:\n{}\neurope:\n{}",
                    stdout(&plain),
                    stdout(&europe)
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The predictions written for the European file equal those for the
/// plain file, number for number (compared as the last cell of each line,
/// whatever the output's own delimiter).
#[test]
fn predictions_from_the_european_file_equal_the_plain_ones() {
    let twins = twins();
    let predict = |dir: &Path, flags: &[&str]| {
        let args = [
            &[
                "predict",
                "--model",
                "model.safetensors",
                "--data",
                "data.csv",
                "--quiet",
            ][..],
            flags,
        ]
        .concat();
        let out = gradlab(dir, &args);
        assert!(out.status.success(), "{}", stderr(&out));
        stdout(&out)
    };
    let plain = predict(twins.plain.path(), &[]);
    let europe = predict(twins.europe.path(), &FLAGS);
    let last_cell = |text: &str| -> Vec<String> {
        text.lines()
            .map(|line| line.rsplit([',', ';']).next().unwrap().to_owned())
            .collect()
    };
    assert_eq!(last_cell(&plain).len(), ROWS + 1, "{plain}");
    assert_eq!(last_cell(&plain), last_cell(&europe));
}
