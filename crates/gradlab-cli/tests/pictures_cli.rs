//! Issue 4 end to end: the shared training flags (optimizers, `--config`,
//! early stopping), `train --history` and `--plot`, and the commands
//! `compare`, `landscape`, `minima` and `lecun`, on small generated fever data.

mod common;

use common::{fever_dir, gradlab, ok, on_fever, stderr};
use serde_json::Value;
use std::collections::HashSet;
use std::path::Path;
use std::process::Output;

/// Asserts a one-line error (exit 1) holding every one of `needles`.
fn assert_error(output: &Output, needles: &[&str]) {
    let err = stderr(output);
    assert_eq!(output.status.code(), Some(1), "stderr: {err}");
    assert!(!err.contains("panicked"), "{err}");
    let lines: Vec<&str> = err.lines().filter(|l| l.starts_with("error")).collect();
    assert_eq!(lines.len(), 1, "not one error line: {err}");
    for needle in needles {
        assert!(lines[0].contains(needle), "'{needle}' missing from: {err}");
    }
}

/// The settings stored in a model file, as `inspect --json` shows them.
fn settings_of(dir: &Path, model: &str) -> Value {
    let json: Value =
        serde_json::from_str(&ok(gradlab(dir, &["inspect", "--model", model, "--json"]))).unwrap();
    json["settings"].clone()
}

/// A real PNG picture: the signature, a decodable image of `size` pixels
/// with more than 10 colours, and more than 5 KB.
fn assert_png(path: &Path, size: (u32, u32)) {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(
        bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
        "{} is not a PNG",
        path.display()
    );
    assert!(
        bytes.len() > 5_000,
        "{}: only {} bytes",
        path.display(),
        bytes.len()
    );
    let decoder = png::Decoder::new(std::io::Cursor::new(&bytes));
    let mut reader = decoder.read_info().unwrap();
    let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut pixels).unwrap();
    assert_eq!((info.width, info.height), size, "{}", path.display());
    let colours: HashSet<&[u8]> = pixels[..info.buffer_size()].chunks(3).collect();
    assert!(
        colours.len() > 10,
        "{}: {} colours",
        path.display(),
        colours.len()
    );
}

/// A real SVG picture holding `text` and drawn shapes.
fn assert_svg(path: &Path, text: &str) {
    let svg = std::fs::read_to_string(path).unwrap();
    assert!(svg.starts_with("<svg"), "{}", path.display());
    assert!(svg.contains(text), "{} lacks {text:?}", path.display());
    assert!(svg.matches("<polyline").count() + svg.matches("<rect").count() > 5);
}

// ------------------------------------------------------------ settings

#[test]
fn every_optimizer_trains_and_is_stored_with_its_parameters() {
    let dir = fever_dir(300);
    for optimizer in ["sgd", "momentum", "nesterov", "rmsprop", "adam", "adamw"] {
        let model = format!("{optimizer}.safetensors");
        let lr = if matches!(optimizer, "rmsprop" | "adam" | "adamw") {
            "0.01"
        } else {
            "0.05"
        };
        let text = ok(on_fever(
            dir.path(),
            "train",
            "temp_2h_c",
            &[
                "--optimizer",
                optimizer,
                "--lr",
                lr,
                "--epochs",
                "5",
                "--out",
                &model,
            ],
        ));
        assert!(text.contains("RMSE"), "{optimizer}: {text}");
        let settings = settings_of(dir.path(), &model);
        assert_eq!(settings["train"]["optimizer"]["name"], optimizer);
        let inspected = ok(gradlab(dir.path(), &["inspect", "--model", &model]));
        assert!(
            inspected.contains(&format!("optimizer       {optimizer}")),
            "{inspected}"
        );
    }
    // Each optimizer's parameters by flag; one that does not apply is refused.
    ok(on_fever(
        dir.path(),
        "train",
        "temp_2h_c",
        &[
            "--optimizer",
            "adam",
            "--beta1",
            "0.8",
            "--beta2",
            "0.99",
            "--optimizer-epsilon",
            "1e-7",
            "--weight-decay",
            "0.001",
            "--lr",
            "0.01",
            "--epochs",
            "2",
            "--out",
            "tuned.safetensors",
        ],
    ));
    let train = &settings_of(dir.path(), "tuned.safetensors")["train"];
    assert_eq!(train["optimizer"]["beta1"], 0.8);
    assert_eq!(train["optimizer"]["beta2"], 0.99);
    assert_eq!(train["optimizer"]["epsilon"], 1e-7);
    assert_eq!(train["weight_decay"], 0.001);
    let refused = on_fever(
        dir.path(),
        "train",
        "temp_2h_c",
        &["--optimizer", "adam", "--momentum", "0.5"],
    );
    assert_error(&refused, &["--momentum", "adam"]);
}

#[test]
fn a_config_file_sets_the_settings_and_flags_override_it() {
    let dir = fever_dir(300);
    std::fs::write(
        dir.path().join("settings.toml"),
        r#"hidden = [8, 4]
activation = "relu"

[train]
learning_rate = 0.02
epochs = 4
batch_size = 16
clip_norm = 1.0
schedule = "step:2:0.5"

[train.optimizer]
name = "nesterov"
momentum = 0.8
"#,
    )
    .unwrap();
    ok(on_fever(
        dir.path(),
        "train",
        "status_2h",
        &[
            "--config",
            "settings.toml",
            "--epochs",
            "3",
            "--out",
            "m.safetensors",
        ],
    ));
    let settings = settings_of(dir.path(), "m.safetensors");
    assert_eq!(settings["hidden"], serde_json::json!([8, 4]));
    assert_eq!(settings["activation"], "relu");
    assert_eq!(settings["train"]["learning_rate"], 0.02);
    assert_eq!(
        settings["train"]["epochs"], 3,
        "the flag wins over the file"
    );
    assert_eq!(settings["train"]["batch_size"], 16);
    assert_eq!(settings["train"]["clip_norm"], 1.0);
    assert_eq!(settings["train"]["schedule"]["name"], "step");
    assert_eq!(settings["train"]["optimizer"]["name"], "nesterov");
    assert_eq!(settings["train"]["optimizer"]["momentum"], 0.8);
    let text = ok(gradlab(
        dir.path(),
        &["inspect", "--model", "m.safetensors"],
    ));
    for line in [
        "optimizer       nesterov (μ 0.8)",
        "schedule        step:2:0.5",
        "clip norm       1",
        "early stopping  off",
    ] {
        assert!(text.contains(line), "'{line}' missing from:\n{text}");
    }
}

#[test]
fn an_unknown_config_key_is_an_error_naming_it() {
    let dir = fever_dir(300);
    std::fs::write(
        dir.path().join("typo.toml"),
        "[train]\nlearning_rat = 0.1\n",
    )
    .unwrap();
    let output = on_fever(dir.path(), "train", "temp_2h_c", &["--config", "typo.toml"]);
    assert_error(&output, &["typo.toml", "train.learning_rat"]);
    std::fs::write(dir.path().join("bad.toml"), "hidden = [8,\n").unwrap();
    let output = on_fever(dir.path(), "train", "temp_2h_c", &["--config", "bad.toml"]);
    assert_error(&output, &["bad.toml", "line"]);
}

// ------------------------------------------------------------ history

#[test]
fn history_has_one_row_per_epoch_as_csv_and_json() {
    let dir = fever_dir(300);
    ok(on_fever(
        dir.path(),
        "train",
        "temp_2h_c",
        &[
            "--epochs",
            "7",
            "--schedule",
            "exponential:0.5",
            "--history",
            "h.csv",
        ],
    ));
    let csv = std::fs::read_to_string(dir.path().join("h.csv")).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "epoch,train_cost,validation_cost,test_cost,test_metric,learning_rate,steps"
    );
    assert_eq!(lines.len(), 1 + 7, "{csv}");
    let third: Vec<&str> = lines[3].split(',').collect();
    assert_eq!(third[0], "3");
    assert_eq!(third[2], "", "no validation part without early stopping");
    assert_eq!(third[5], "0.0125", "0.05 · 0.5²");

    // `-` writes the CSV to stdout; the report goes to stderr.
    let output = on_fever(
        dir.path(),
        "train",
        "status_2h",
        &["--epochs", "4", "--history", "-"],
    );
    let text = ok(output);
    assert!(text.starts_with("epoch,train_cost"), "{text}");
    assert_eq!(text.lines().count(), 5, "{text}");
}

#[test]
fn early_stopping_stops_early_and_the_history_says_so() {
    let dir = fever_dir(300);
    // No decrease of at least 10 counts as an improvement: the first epoch
    // stays the best, and training stops after `patience` more.
    let text = ok(on_fever(
        dir.path(),
        "train",
        "temp_2h_c",
        &[
            "--epochs",
            "50",
            "--early-stopping",
            "--patience",
            "3",
            "--min-delta",
            "10",
            "--history",
            "h.json",
            "--out",
            "m.safetensors",
        ],
    ));
    assert!(text.contains("stopped after epoch 4"), "{text}");
    let history: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("h.json")).unwrap()).unwrap();
    assert_eq!(history["stopped_early"], true);
    assert_eq!(history["best_epoch"], 1);
    assert_eq!(history["metric"], "rmse");
    let epochs = history["epochs"].as_array().unwrap();
    assert_eq!(epochs.len(), 4);
    assert!(epochs[0]["validation_cost"].as_f64().unwrap() > 0.0);
    let settings = settings_of(dir.path(), "m.safetensors");
    assert_eq!(settings["train"]["early_stopping"]["patience"], 3);
    // Settings of early stopping without it are refused.
    let output = on_fever(dir.path(), "train", "temp_2h_c", &["--patience", "3"]);
    assert_error(&output, &["--patience", "--early-stopping"]);
}

// ------------------------------------------------------------ pictures

#[test]
fn train_plot_draws_loss_curves_and_the_input_plane() {
    let dir = fever_dir(300);
    let output = on_fever(
        dir.path(),
        "train",
        "status_2h",
        &["--epochs", "5", "--plot", "cls", "--log-scale"],
    );
    let notes = stderr(&output);
    ok(output);
    assert!(notes.contains("picture written to cls/loss.png"), "{notes}");
    assert_png(&dir.path().join("cls/loss.png"), (900, 600));
    assert_png(&dir.path().join("cls/regions.png"), (800, 700));

    ok(on_fever(
        dir.path(),
        "train",
        "temp_2h_c",
        &["--epochs", "5", "--plot", "reg", "--early-stopping"],
    ));
    assert_png(&dir.path().join("reg/loss.png"), (900, 600));
    assert_png(&dir.path().join("reg/surface.png"), (800, 700));

    ok(on_fever(
        dir.path(),
        "train",
        "temp_2h_c",
        &["--epochs", "3", "--plot", "svg", "--plot-format", "svg"],
    ));
    assert_svg(&dir.path().join("svg/loss.svg"), "Loss curves");
    assert_svg(&dir.path().join("svg/surface.svg"), "predicted temp_2h_c");
}

#[test]
fn compare_trains_each_variant_and_draws_three_pictures() {
    let dir = fever_dir(300);
    let text = ok(on_fever(
        dir.path(),
        "compare",
        "temp_2h_c",
        &[
            "--variants",
            "sgd@0.01,minibatch:16,batch@0.2",
            "--epochs",
            "4",
            "--plot",
            "cmp",
        ],
    ));
    let rows: Vec<&str> = text
        .lines()
        .filter(|l| {
            ["sgd@0.01 ", "minibatch:16 ", "batch@0.2 "]
                .iter()
                .any(|r| l.starts_with(r))
        })
        .collect();
    assert_eq!(rows.len(), 3, "{text}");
    assert!(text.contains("steps"), "{text}");
    for name in ["epochs", "steps", "time"] {
        assert_png(
            &dir.path().join(format!("cmp/compare_{name}.png")),
            (900, 600),
        );
    }
    // The same network from the same seed: SGD takes a step per row.
    let json: Value = serde_json::from_str(&ok(on_fever(
        dir.path(),
        "compare",
        "status_2h",
        &["--optimizers", "sgd,adam", "--epochs", "2", "--json"],
    )))
    .unwrap();
    let runs = json["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 2);
    assert_eq!(runs[0]["learning_rate"], 0.05);
    assert_eq!(runs[1]["learning_rate"], 0.01, "adam's own default");
    assert_eq!(runs[0]["steps"], runs[1]["steps"]);
}

#[test]
fn landscape_draws_the_cost_around_a_model_with_paths() {
    let dir = fever_dir(300);
    ok(on_fever(
        dir.path(),
        "train",
        "temp_2h_c",
        &["--hidden", "2", "--epochs", "5", "--out", "m.safetensors"],
    ));
    let text = ok(gradlab(
        dir.path(),
        &[
            "landscape",
            "--model",
            "m.safetensors",
            "--data",
            "data.csv",
            "--resolution",
            "15",
            "--trajectories",
            "sgd,adam",
        ],
    ));
    assert!(text.contains("PCA") || text.contains("principal"), "{text}");
    assert_png(&dir.path().join("landscape.png"), (800, 700));
    let text = ok(gradlab(
        dir.path(),
        &[
            "landscape",
            "--model",
            "m.safetensors",
            "--data",
            "data.csv",
            "--resolution",
            "15",
            "--between",
            "1,2",
            "--log-color",
            "--out",
            "between.svg",
        ],
    ));
    assert!(text.contains("seeds 1 and 2"), "{text}");
    assert_svg(&dir.path().join("between.svg"), "seed 2");
    let json: Value = serde_json::from_str(&ok(gradlab(
        dir.path(),
        &[
            "landscape",
            "--model",
            "m.safetensors",
            "--data",
            "data.csv",
            "--resolution",
            "9",
            "--params",
            "layers.0.weight[0,0],layers.1.weight[0,0]",
            "--out",
            "params.png",
            "--json",
        ],
    )))
    .unwrap();
    // The two-weight plane's centre is the model's weights, on the grid's middle.
    assert!(json["centre_cost"].as_f64().unwrap() >= json["lowest_cost"].as_f64().unwrap());
    assert_png(&dir.path().join("params.png"), (800, 700));
}

#[test]
fn minima_lists_the_minima_and_draws_their_histogram() {
    let dir = fever_dir(300);
    let text = ok(on_fever(
        dir.path(),
        "minima",
        "temp_2h_c",
        &[
            "--hidden",
            "2",
            "--restarts",
            "6",
            "--epochs",
            "5",
            "--slice",
            "layers.0.weight[0,0]",
            "--slice-points",
            "201",
            "--plot",
            "min",
        ],
    ));
    assert!(text.contains("1 (global candidate)"), "{text}");
    assert!(text.contains("brute force"), "{text}");
    assert!(text.contains("gradient descent"), "{text}");
    assert_png(&dir.path().join("min/minima.png"), (900, 600));
    assert_png(&dir.path().join("min/minima_slice.png"), (900, 600));
    let json: Value = serde_json::from_str(&ok(on_fever(
        dir.path(),
        "minima",
        "status_2h",
        &[
            "--hidden",
            "2",
            "--restarts",
            "3",
            "--epochs",
            "2",
            "--json",
        ],
    )))
    .unwrap();
    let minima = json["restarts"]["minima"].as_array().unwrap();
    assert!(!minima.is_empty());
    let seeds: usize = minima
        .iter()
        .map(|m| m["seeds"].as_array().unwrap().len())
        .sum();
    assert_eq!(seeds, 3, "every run is in one minimum");
}

#[test]
fn lecun_prints_one_row_per_run() {
    let dir = fever_dir(300);
    let text = ok(on_fever(
        dir.path(),
        "lecun",
        "temp_2h_c",
        &["--epochs", "5", "--target-metric", "0.5"],
    ));
    let runs: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("all recommendations") || l.starts_with("without "))
        .collect();
    assert_eq!(runs.len(), 6, "{text}");
    assert!(text.contains("test RMSE (°C) ≤ 0.5"), "{text}");
    let json: Value = serde_json::from_str(&ok(on_fever(
        dir.path(),
        "lecun",
        "status_2h",
        &["--epochs", "3", "--json"],
    )))
    .unwrap();
    assert_eq!(json["runs"].as_array().unwrap().len(), 6);
    assert_eq!(json["metric"], "accuracy");
}
