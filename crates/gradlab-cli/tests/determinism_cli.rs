//! Determinism end to end: the same data, settings and seed give
//! byte-identical model files and history files, run after run, with one
//! thread, with the default thread count, and — for a network whose matrix
//! products are large enough to be split over threads — with one thread
//! and with two.

mod common;

use common::{fever_dir, gradlab, ok, stderr, stdout};
use std::path::Path;

/// The files one training run wrote.
#[derive(Debug, PartialEq, Eq)]
struct Run {
    model: Vec<u8>,
    history_csv: Vec<u8>,
    history_json: Vec<u8>,
}

/// `gradlab [--threads N] train …` on `data.csv` in `dir`, twice: once
/// writing the model and the CSV history, once the JSON history (one run
/// writes one history file); `tag` keeps the runs' files apart.
fn train(dir: &Path, threads: Option<&str>, tag: &str, target: &str, extra: &[&str]) -> Run {
    let names = [
        format!("{tag}.safetensors"),
        format!("{tag}.csv"),
        format!("{tag}.json"),
        format!("{tag}_json_run.safetensors"),
    ];
    let run = |out: &str, history: &str| {
        let mut args: Vec<&str> = Vec::new();
        if let Some(n) = threads {
            args.extend(["--threads", n]);
        }
        args.extend(["train", "--data", "data.csv", "--target", target]);
        args.extend(["--inputs", "temp_c,dose_mg", "--quiet"]);
        args.extend(["--out", out, "--history", history]);
        args.extend_from_slice(extra);
        ok(gradlab(dir, &args));
    };
    run(&names[0], &names[1]);
    run(&names[3], &names[2]);
    let read = |name: &str| std::fs::read(dir.join(name)).unwrap();
    Run {
        model: read(&names[0]),
        history_csv: read(&names[1]),
        history_json: read(&names[2]),
    }
}

/// Asserts two runs wrote the same bytes, naming the file that differs.
fn assert_same_files(a: &Run, b: &Run, what: &str) {
    assert!(a.model == b.model, "{what}: the model files differ");
    assert!(
        a.history_csv == b.history_csv,
        "{what}: the CSV histories differ:\n{}\n{}",
        String::from_utf8_lossy(&a.history_csv),
        String::from_utf8_lossy(&b.history_csv)
    );
    assert!(
        a.history_json == b.history_json,
        "{what}: the JSON histories differ"
    );
}

#[test]
fn the_same_seed_gives_the_same_bytes_at_one_thread_and_at_the_default() {
    let dir = fever_dir(400);
    for target in ["temp_2h_c", "status_2h"] {
        let extra = ["--epochs", "15", "--seed", "5", "--hidden", "16,8"];
        let one_a = train(dir.path(), Some("1"), "one_a", target, &extra);
        let one_b = train(dir.path(), Some("1"), "one_b", target, &extra);
        let default_a = train(dir.path(), None, "default_a", target, &extra);
        let default_b = train(dir.path(), None, "default_b", target, &extra);
        assert_same_files(&one_a, &one_b, &format!("{target}, 1 thread, twice"));
        assert_same_files(&default_a, &default_b, &format!("{target}, default, twice"));
        // This network's products are all below the threading threshold, so
        // the thread count cannot matter at all.
        assert_same_files(
            &one_a,
            &default_a,
            &format!("{target}, 1 thread vs default"),
        );
        // The history has one line per epoch and no wall time.
        let csv = String::from_utf8(one_a.history_csv.clone()).unwrap();
        assert_eq!(csv.lines().count(), 1 + 15, "{csv}");
        assert!(!csv.contains("seconds"), "{csv}");
        assert!(!String::from_utf8_lossy(&one_a.history_json).contains("seconds"));
    }
}

/// `--hidden 512,512 --batch-size 256`: the 512 → 512 layer's products
/// (forward `x · Wᵀ`, backward `δᵀ · x` and `δ · W`) are 256 · 512 · 512
/// ≈ 67 M multiply-adds per batch, and the last batch of an epoch
/// (800 training rows = 3 · 256 + 32) still 8.4 M, all above the 2²²
/// (≈ 4.2 M) from which `gradlab::matrix::gemm` hands a product to the
/// threads. The threads split the output of a product between them, never
/// the sum behind one element, so one thread and two give the same bytes.
/// (That a second thread really computes blocks is asserted by the
/// engine's `tests/threads.rs`, which can count them.)
#[test]
fn one_thread_and_two_give_the_same_bytes_when_the_products_are_threaded() {
    let dir = fever_dir(1_000);
    for (target, precision) in [("status_2h", "f32"), ("temp_2h_c", "f64")] {
        let extra = [
            "--hidden",
            "512,512",
            "--batch-size",
            "256",
            "--epochs",
            "2",
            "--seed",
            "3",
            "--precision",
            precision,
        ];
        let one = train(dir.path(), Some("1"), "one", target, &extra);
        let two = train(dir.path(), Some("2"), "two", target, &extra);
        let what = format!("512,512 network, {target} in {precision}, 1 thread vs 2");
        assert_same_files(&one, &two, &what);
    }
}

#[test]
fn threads_is_a_global_flag_documented_in_help() {
    let dir = tempfile::tempdir().unwrap();
    let help = ok(gradlab(dir.path(), &["--help"]));
    assert!(help.contains("--threads <N>"), "{help}");
    // After the command as well as before it, and 0 means all cores.
    for args in [
        ["--threads", "0", "generate", "fever", "--rows", "2"],
        ["generate", "fever", "--rows", "2", "--threads", "3"],
    ] {
        let text = ok(gradlab(dir.path(), &args));
        assert_eq!(text.lines().count(), 3, "{args:?}: {text}");
    }
    // Not a number: a usage error.
    let output = gradlab(dir.path(), &["--threads", "many", "generate", "fever"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stdout(&output).is_empty());
}
