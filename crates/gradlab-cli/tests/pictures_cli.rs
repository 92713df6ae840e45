//! End to end: the shared training flags (optimizers, `--config`,
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

/// A decoded RGB PNG picture.
struct Picture {
    width: u32,
    rgb: Vec<u8>,
}

/// The colours the pictures draw with (the `gradlab-plot` crate's palette):
/// the first three line and class colours (matplotlib's "tab10"), their
/// light versions for regions (72 % of the way to white), the histogram's
/// bars and the first colour of a path on a heat map.
const BLUE: [u8; 3] = [31, 119, 180];
const ORANGE: [u8; 3] = [255, 127, 14];
const GREEN: [u8; 3] = [44, 160, 44];
const LIGHT_BLUE: [u8; 3] = [192, 217, 234];
const LIGHT_ORANGE: [u8; 3] = [255, 219, 188];
const LIGHT_GREEN: [u8; 3] = [196, 228, 196];
const BAR: [u8; 3] = [70, 130, 180];
const PATH_RED: [u8; 3] = [255, 64, 64];

impl Picture {
    /// The `(x, y)` of every pixel of exactly `colour`.
    fn pixels_of(&self, colour: [u8; 3]) -> Vec<(u32, u32)> {
        self.rgb
            .chunks(3)
            .enumerate()
            .filter(|(_, pixel)| *pixel == colour)
            .map(|(i, _)| (i as u32 % self.width, i as u32 / self.width))
            .collect()
    }

    /// The share of the pixels that are exactly `colour`.
    fn share(&self, colour: [u8; 3]) -> f64 {
        self.pixels_of(colour).len() as f64 / (self.rgb.len() / 3) as f64
    }

    /// The mean brightness (0 to 765) of the pixels in the columns `columns`
    /// and the rows `rows`.
    fn brightness(&self, columns: std::ops::Range<u32>, rows: std::ops::Range<u32>) -> f64 {
        let (mut sum, mut count) = (0.0, 0.0);
        for y in rows {
            for x in columns.clone() {
                let at = 3 * (y * self.width + x) as usize;
                sum += self.rgb[at..at + 3]
                    .iter()
                    .map(|&c| f64::from(c))
                    .sum::<f64>();
                count += 1.0;
            }
        }
        sum / count
    }
}

/// A real PNG picture: the signature, a decodable image of `size` pixels
/// with more than 10 colours, and more than 5 KB.
fn assert_png(path: &Path, size: (u32, u32)) -> Picture {
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
    assert_eq!(info.color_type, png::ColorType::Rgb, "{}", path.display());
    pixels.truncate(info.buffer_size());
    let colours: HashSet<&[u8]> = pixels.chunks(3).collect();
    assert!(
        colours.len() > 10,
        "{}: {} colours",
        path.display(),
        colours.len()
    );
    Picture {
        width: info.width,
        rgb: pixels,
    }
}

/// A loss-curve picture (900 × 600) whose lines in `colours` fall from left
/// to right: their pixels in the left part of the plot (x 100 to 300) lie
/// higher, on average, than in the right part (x 500 to 690, left of the
/// legend).
fn assert_falling_curves(picture: &Picture, colours: &[[u8; 3]]) {
    let pixels: Vec<(u32, u32)> = colours
        .iter()
        .flat_map(|&colour| picture.pixels_of(colour))
        .collect();
    let mean_y = |columns: std::ops::Range<u32>| {
        let ys: Vec<f64> = pixels
            .iter()
            .filter(|(x, _)| columns.contains(x))
            .map(|&(_, y)| f64::from(y))
            .collect();
        assert!(
            ys.len() > 20,
            "only {} curve pixels in {columns:?}",
            ys.len()
        );
        ys.iter().sum::<f64>() / ys.len() as f64
    };
    let (left, right) = (mean_y(100..300), mean_y(500..690));
    assert!(
        left < right,
        "the curves do not fall: y {left:.0} then {right:.0}"
    );
}

/// A real SVG picture holding `text` and drawn shapes; returns its text.
fn assert_svg(path: &Path, text: &str) -> String {
    let svg = std::fs::read_to_string(path).unwrap();
    assert!(svg.starts_with("<svg"), "{}", path.display());
    assert!(svg.contains(text), "{} lacks {text:?}", path.display());
    assert!(svg.matches("<polyline").count() + svg.matches("<rect").count() > 5);
    svg
}

/// The points of the SVG's `<polyline>`s drawn in `stroke` (`#RRGGBB`) with
/// `width`.
fn svg_lines(svg: &str, stroke: &str, width: u32) -> Vec<Vec<(i32, i32)>> {
    let wanted = format!("stroke=\"{stroke}\" stroke-width=\"{width}\" points=\"");
    svg.lines()
        .filter_map(|line| line.split_once(&wanted))
        .map(|(_, rest)| {
            rest.split('"')
                .next()
                .unwrap()
                .split_whitespace()
                .map(|pair| {
                    let (x, y) = pair.split_once(',').unwrap();
                    (x.parse().unwrap(), y.parse().unwrap())
                })
                .collect()
        })
        .collect()
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
    let loss = assert_png(&dir.path().join("cls/loss.png"), (900, 600));
    assert_falling_curves(&loss, &[BLUE, ORANGE]);
    // The three classes of the fever data each hold a region of the plane
    // (normal below about 37.3 °C, fever above about 38.5 °C).
    let regions = assert_png(&dir.path().join("cls/regions.png"), (800, 700));
    for light in [LIGHT_BLUE, LIGHT_ORANGE, LIGHT_GREEN] {
        let share = regions.share(light);
        assert!(share > 0.05, "{light:?} covers {share:.3} of the regions");
    }
    // …with the training rows on top, in their classes' strong colours.
    for strong in [BLUE, ORANGE, GREEN] {
        assert!(regions.share(strong) > 0.002, "no {strong:?} points");
    }

    ok(on_fever(
        dir.path(),
        "train",
        "temp_2h_c",
        &["--epochs", "5", "--plot", "reg", "--early-stopping"],
    ));
    let loss = assert_png(&dir.path().join("reg/loss.png"), (900, 600));
    assert_falling_curves(&loss, &[BLUE, ORANGE, GREEN]);
    // The temperature in 2 hours rises with the temperature now (the x
    // axis): viridis is brighter on the map's right (x 400 to 640) than on
    // its left (x 100 to 340).
    let surface = assert_png(&dir.path().join("reg/surface.png"), (800, 700));
    let (left, right) = (
        surface.brightness(100..340, 60..620),
        surface.brightness(400..640, 60..620),
    );
    assert!(right > left + 50.0, "left {left:.0}, right {right:.0}");

    ok(on_fever(
        dir.path(),
        "train",
        "temp_2h_c",
        &["--epochs", "3", "--plot", "svg", "--plot-format", "svg"],
    ));
    let loss = assert_svg(&dir.path().join("svg/loss.svg"), "Loss curves");
    // One point per epoch on each of the training and test curves, falling.
    for colour in ["#1F77B4", "#FF7F0E"] {
        let lines = svg_lines(&loss, colour, 2);
        assert_eq!(lines.len(), 1, "{colour}: {lines:?}");
        assert_eq!(lines[0].len(), 3, "{colour}: {lines:?}");
        assert!(lines[0][2].1 > lines[0][0].1, "{colour} does not fall");
    }
    for legend in [">\ntraining cost\n<", ">\ntest cost\n<"] {
        assert!(loss.contains(legend), "no legend entry {legend:?}");
    }
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
        let picture = assert_png(
            &dir.path().join(format!("cmp/compare_{name}.png")),
            (900, 600),
        );
        // One line per variant, each in its own colour.
        for colour in [BLUE, ORANGE, GREEN] {
            let pixels = picture.pixels_of(colour).len();
            assert!(pixels > 100, "{name}: {pixels} pixels of {colour:?}");
        }
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
    let landscape = assert_png(&dir.path().join("landscape.png"), (800, 700));
    // The first trajectory (sgd) is drawn over the cost surface.
    let path = landscape.pixels_of(PATH_RED).len();
    assert!(path > 50, "{path} pixels of the first path");
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
    // The histogram of the 6 final costs: its bars fill some of the plot.
    let minima = assert_png(&dir.path().join("min/minima.png"), (900, 600));
    let bars = minima.share(BAR);
    assert!(bars > 0.005, "the bars cover {bars:.4} of the histogram");
    let slice = assert_png(&dir.path().join("min/minima_slice.png"), (900, 600));
    let line = slice.pixels_of(BLUE).len();
    assert!(line > 200, "{line} pixels of the slice's cost line");
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
