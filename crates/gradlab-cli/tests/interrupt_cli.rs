//! Training that goes wrong, end to end: a run that diverges saves its last
//! good weights and exits 3; Ctrl-C (SIGINT) stops after the current step,
//! saves the model so far and exits 130; a second Ctrl-C aborts at once and
//! leaves an existing model file as it was.
//!
//! Unix only: the signals are sent with `kill -INT`.
#![cfg(unix)]

mod common;

use common::{gradlab, ok, stderr, FEVER_CSV};
use safetensors::SafeTensors;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::thread;
use std::time::{Duration, Instant};
use tempfile::TempDir;

/// The exit code of a run stopped by Ctrl-C (128 + SIGINT).
const EXIT_INTERRUPTED: i32 = 130;

/// `gradlab train` on the shipped fever data, regression of `temp_2h_c`.
fn train_args<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "train",
        "--data",
        FEVER_CSV,
        "--target",
        "temp_2h_c",
        "--inputs",
        "temp_c,dose_mg",
    ];
    args.extend_from_slice(extra);
    args
}

/// Every value of every tensor in the model file at `path`, as f64.
fn weights(path: &Path) -> Vec<f64> {
    let bytes = std::fs::read(path).unwrap();
    let file = SafeTensors::deserialize(&bytes).unwrap();
    let mut values = Vec::new();
    for (_, view) in file.tensors() {
        match view.dtype() {
            safetensors::Dtype::F32 => values.extend(
                view.data()
                    .chunks(4)
                    .map(|b| f64::from(f32::from_le_bytes(b.try_into().unwrap()))),
            ),
            safetensors::Dtype::F64 => values.extend(
                view.data()
                    .chunks(8)
                    .map(|b| f64::from_le_bytes(b.try_into().unwrap())),
            ),
            other => panic!("unexpected dtype {other:?}"),
        }
    }
    values
}

/// The model at `path` loads (`gradlab inspect` accepts it).
fn assert_loads(dir: &Path, path: &str) {
    ok(gradlab(dir, &["inspect", "--model", path]));
}

#[test]
fn a_diverging_run_saves_its_last_good_weights_and_exits_3() {
    let dir = TempDir::new().unwrap();
    // Batch gradient descent at η = 3 is far above the stable rate: it runs
    // 15 epochs and overflows in the 16th (measured).
    let out = gradlab(
        dir.path(),
        &train_args(&[
            "--lr",
            "3",
            "--batch-size",
            "full",
            "--epochs",
            "1000",
            "--out",
            "m.safetensors",
            "--quiet",
        ]),
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(3), "{err}");
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 1, "not one line: {err}");
    for needle in [
        "error: training diverged at epoch ",
        ", batch ",
        "the last finite cost was ",
        "lower the learning rate or scale the inputs",
        "saved the last good weights (end of epoch ",
        ") to m.safetensors",
    ] {
        assert!(lines[0].contains(needle), "'{needle}' missing from: {err}");
    }
    assert_loads(dir.path(), "m.safetensors");
    let values = weights(&dir.path().join("m.safetensors"));
    assert_eq!(values.len(), 65, "the 2-16-1 network");
    assert!(values.iter().all(|w| w.is_finite()), "{values:?}");
}

/// A `gradlab` run in the background whose stderr is read line by line.
struct Running {
    child: Child,
    lines: Receiver<String>,
    stderr: Vec<String>,
    stdout: thread::JoinHandle<String>,
}

impl Running {
    fn start(dir: &Path, args: &[&str]) -> Running {
        let mut child = Command::new(env!("CARGO_BIN_EXE_gradlab"))
            .args(args)
            .current_dir(dir)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the gradlab binary runs");
        let (send, lines) = mpsc::channel();
        let err = BufReader::new(child.stderr.take().unwrap());
        thread::spawn(move || {
            for line in err.lines().map_while(Result::ok) {
                let _ = send.send(line);
            }
        });
        let mut out = child.stdout.take().unwrap();
        let stdout = thread::spawn(move || {
            let mut text = String::new();
            let _ = out.read_to_string(&mut text);
            text
        });
        Running {
            child,
            lines,
            stderr: Vec::new(),
            stdout,
        }
    }

    /// Waits for the stderr line that starts with `prefix`.
    fn wait_for_line(&mut self, prefix: &str) {
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            match self.lines.recv_timeout(Duration::from_millis(100)) {
                Ok(line) => {
                    let found = line.starts_with(prefix);
                    self.stderr.push(line);
                    if found {
                        return;
                    }
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
            }
        }
        panic!("no line '{prefix}…' on stderr: {:?}", self.stderr);
    }

    /// Sends SIGINT, as Ctrl-C in a terminal does.
    fn interrupt(&self) {
        let status = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success());
    }

    /// Waits at most `limit` for the exit; returns the status, stdout and
    /// the whole of stderr.
    fn finish(mut self, limit: Duration) -> (ExitStatus, String, String) {
        let deadline = Instant::now() + limit;
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("still running {limit:?} after Ctrl-C: {:?}", self.stderr);
            }
            thread::sleep(Duration::from_millis(20));
        };
        let stdout = self.stdout.join().unwrap();
        self.stderr.extend(self.lines.iter());
        (status, stdout, self.stderr.join("\n"))
    }
}

#[test]
fn ctrl_c_stops_training_saves_the_best_model_so_far_and_exits_130() {
    let dir = TempDir::new().unwrap();
    let mut run = Running::start(
        dir.path(),
        &train_args(&[
            "--epochs",
            "100000000",
            "--early-stopping",
            "--patience",
            "100000000",
            "--out",
            "m.safetensors",
        ]),
    );
    // The Ctrl-C handler is installed before this note; then let it train
    // for a while (hundreds of epochs of the small network).
    run.wait_for_line("training:");
    thread::sleep(Duration::from_millis(1500));
    run.interrupt();
    let (status, stdout, err) = run.finish(Duration::from_secs(20));
    assert_eq!(status.code(), Some(EXIT_INTERRUPTED), "{err}");
    let last = err.lines().last().unwrap();
    assert!(last.starts_with("interrupted at epoch "), "{err}");
    assert!(
        last.contains(", step ")
            && last.contains("; saved the best model so far (epoch ")
            && last.ends_with(") to m.safetensors"),
        "{err}"
    );
    assert!(!err.contains("error:"), "{err}");
    // The metrics of the saved model are still reported.
    assert!(stdout.contains("RMSE"), "{stdout}");
    assert!(
        stdout.contains("interrupted (Ctrl-C) in epoch "),
        "{stdout}"
    );
    assert_loads(dir.path(), "m.safetensors");
}

#[test]
fn a_second_ctrl_c_aborts_at_once_and_leaves_the_old_model_file() {
    let dir = TempDir::new().unwrap();
    ok(gradlab(
        dir.path(),
        &train_args(&["--epochs", "1", "--out", "m.safetensors", "--quiet"]),
    ));
    let before = std::fs::read(dir.path().join("m.safetensors")).unwrap();
    // A wide network trained on all 4,000 rows at once: one step takes a
    // good part of a second, so both signals arrive long before the run
    // could reach the point of saving.
    let mut run = Running::start(
        dir.path(),
        &train_args(&[
            "--hidden",
            "1024,1024",
            "--batch-size",
            "full",
            "--epochs",
            "1000",
            "--out",
            "m.safetensors",
        ]),
    );
    run.wait_for_line("training:");
    thread::sleep(Duration::from_millis(300));
    run.interrupt();
    thread::sleep(Duration::from_millis(50));
    run.interrupt();
    let (status, _, err) = run.finish(Duration::from_secs(10));
    assert_eq!(status.code(), Some(EXIT_INTERRUPTED), "{err}");
    assert!(err.contains("aborted by a second Ctrl-C"), "{err}");
    let after = std::fs::read(dir.path().join("m.safetensors")).unwrap();
    assert!(before == after, "the old model file changed");
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|entry| entry.unwrap().file_name())
        .collect();
    assert_eq!(names, ["m.safetensors"], "no temporary file is left");
}
