//! The commands of the three ways to tune the weights, end to end: brute
//! force, the numerical gradient (in `train` and `gradcheck`), the gradient
//! file (`grad`) and the side-by-side comparison (`methods`). Each test runs
//! the built executable in a temporary directory on small generated data.

mod common;

use common::{fever_dir, gradlab, ok, ok_json, on_fever, stderr, stdout};
use safetensors::SafeTensors;
use serde_json::Value;
use std::path::Path;
use std::process::Output;

/// Asserts exit code 1 with the last stderr line `error: …` (no panic),
/// holding every one of `needles`; returns stderr.
fn assert_error(output: &Output, needles: &[&str]) -> String {
    let err = stderr(output);
    assert_eq!(output.status.code(), Some(1), "stderr: {err}");
    assert!(!err.contains("panicked"), "{err}");
    let last = err.lines().last().unwrap_or_default();
    assert!(last.starts_with("error: "), "{err}");
    for needle in needles {
        assert!(last.contains(needle), "'{needle}' missing from: {err}");
    }
    err
}

fn f64_of(value: &Value) -> f64 {
    value
        .as_f64()
        .unwrap_or_else(|| panic!("not a number: {value}"))
}

#[test]
fn brute_force_over_one_weight_visits_the_course_grid() {
    let dir = fever_dir(300);
    let json = ok_json(on_fever(
        dir.path(),
        "brute-force",
        "temp_2h_c",
        &["--json"],
    ));
    assert_eq!(json["network"], "2 → 2 tanh → 1");
    assert_eq!(json["evaluations"], 2001);
    assert_eq!(json["axis_points"], 2001);
    assert_eq!(json["rows"], 240, "the training rows only");
    let weights = json["weights"].as_array().unwrap();
    assert_eq!(weights.len(), 1);
    assert_eq!(weights[0]["name"], "layers.0.weight[0,0]");
    let best = f64_of(&weights[0]["best"]);
    assert!((-100.0..=100.0).contains(&best));
    assert!(f64_of(&json["best_cost"]) <= f64_of(&json["start_cost"]));

    // The text report names the weight and the cost.
    let output = on_fever(dir.path(), "brute-force", "temp_2h_c", &[]);
    let err = stderr(&output);
    let text = ok(output);
    assert!(text.contains("2,001 points"), "{text}");
    assert!(
        text.contains("mean squared error on the scaled target"),
        "{text}"
    );
    assert!(text.contains("layers.0.weight[0,0]"), "{text}");
    assert!(err.contains("estimate:"), "the plan comes first: {err}");
}

#[test]
fn brute_force_over_two_weights_writes_the_grid() {
    let dir = fever_dir(300);
    let json = ok_json(on_fever(
        dir.path(),
        "brute-force",
        "temp_2h_c",
        &[
            "--weights",
            "2",
            "--range",
            "-2,2",
            "--step",
            "0.5",
            "--grid-out",
            "grid.csv",
            "--json",
        ],
    ));
    assert_eq!(json["evaluations"], 81);
    let mut reader = csv::Reader::from_path(dir.path().join("grid.csv")).unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        header,
        ["layers.0.weight[0,0]", "layers.0.weight[0,1]", "cost"]
    );
    let rows: Vec<Vec<f64>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(|c| c.parse().unwrap()).collect())
        .collect();
    assert_eq!(rows.len(), 81);
    // Grid order: the first weight varies slowest.
    assert_eq!(rows[0][..2], [-2.0, -2.0]);
    assert_eq!(rows[1][..2], [-2.0, -1.5]);
    assert_eq!(rows[80][..2], [2.0, 2.0]);
    let minimum = rows.iter().map(|r| r[2]).fold(f64::INFINITY, f64::min);
    assert_eq!(f64_of(&json["best_cost"]), minimum);
    let best_row = rows.iter().find(|r| r[2] == minimum).unwrap();
    let weights = json["weights"].as_array().unwrap();
    assert_eq!(f64_of(&weights[0]["best"]), best_row[0]);
    assert_eq!(f64_of(&weights[1]["best"]), best_row[1]);
}

#[test]
fn brute_force_picks_parameters_by_name() {
    let dir = fever_dir(200);
    let json = ok_json(on_fever(
        dir.path(),
        "brute-force",
        "temp_2h_c",
        &[
            "--params",
            "layers.1.weight[0,1],layers.1.bias[0]",
            "--range=-1,1",
            "--step",
            "0.5",
            "--json",
        ],
    ));
    assert_eq!(json["evaluations"], 25);
    let names: Vec<&str> = json["weights"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["layers.1.weight[0,1]", "layers.1.bias[0]"]);

    let output = on_fever(
        dir.path(),
        "brute-force",
        "temp_2h_c",
        &["--params", "layers.1.weight[1,0]"],
    );
    assert_error(&output, &["layers.1.weight[1,0]"]);
}

#[test]
fn brute_force_refuses_nine_weights_with_the_estimate() {
    let dir = fever_dir(300);
    let output = on_fever(dir.path(), "brute-force", "temp_2h_c", &["--weights", "9"]);
    let err = assert_error(
        &output,
        &["10^29", "estimated time", "ages of the universe"],
    );
    assert!(err.contains("estimate:"), "the plan is printed: {err}");
    assert!(stdout(&output).is_empty(), "nothing run, nothing reported");

    // Under --quiet the error line alone still carries the estimate.
    let output = on_fever(
        dir.path(),
        "brute-force",
        "temp_2h_c",
        &["--weights", "9", "--quiet"],
    );
    assert_eq!(stderr(&output).lines().count(), 1);
    assert_error(&output, &["estimated time"]);

    // A grid over the limit is refused, whatever its size.
    let output = on_fever(
        dir.path(),
        "brute-force",
        "temp_2h_c",
        &["--weights", "2", "--max-evals", "1e6"],
    );
    assert_error(&output, &["4,004,001", "1,000,000"]);
}

#[test]
fn brute_force_explain_prints_the_course_table() {
    let dir = fever_dir(300);
    let json = ok_json(on_fever(
        dir.path(),
        "brute-force",
        "temp_2h_c",
        &["--explain", "--json"],
    ));
    let rows = json["rows"].as_array().unwrap();
    let counts: Vec<u64> = rows
        .iter()
        .map(|r| r["weights"].as_u64().unwrap())
        .collect();
    assert_eq!(counts, (1..=9).collect::<Vec<_>>());
    assert_eq!(rows[0]["points"], 2001);
    assert_eq!(rows[1]["points"], 4_004_001);
    assert!(
        rows[8]["points"].is_null(),
        "2001^9 does not fit in 64 bits"
    );
    assert!((f64_of(&rows[8]["log10_points"]) - 29.71).abs() < 0.01);
    let large = &json["large"];
    // 2 → 6 × 1000 → 1: 3,000 + 5 · 1,001,000 + 1,001 parameters.
    assert_eq!(large["parameters"], 5_009_001);
    assert!(f64_of(&large["rate"]["per_second"]) > 0.0);
    assert!(f64_of(&large["row"]["log10_seconds"]) > 1e7);

    let text = ok(on_fever(
        dir.path(),
        "brute-force",
        "temp_2h_c",
        &["--explain"],
    ));
    assert!(text.contains("4,004,001"), "{text}");
    assert!(text.contains("6 × 1000"), "{text}");
    assert!(text.contains("ages of the universe"), "{text}");
    assert!(text.contains("5,009,001"), "{text}");
    for k in 1..=9 {
        assert!(
            text.lines().any(|l| l.starts_with(&format!("{k} "))),
            "row {k} missing: {text}"
        );
    }
}

#[test]
fn brute_force_refuses_the_large_network_and_bad_settings() {
    let dir = fever_dir(200);
    let output = on_fever(
        dir.path(),
        "brute-force",
        "temp_2h_c",
        &[
            "--hidden",
            "1000,1000,1000,1000,1000,1000",
            "--weights",
            "all",
        ],
    );
    assert_error(&output, &["10^", "estimated time", "ages of the universe"]);
    let output = on_fever(
        dir.path(),
        "brute-force",
        "temp_2h_c",
        &["--weights", "3", "--grid-out", "grid.csv"],
    );
    assert_error(&output, &["1 or 2 weights"]);
    assert!(!dir.path().join("grid.csv").exists());
    let output = on_fever(dir.path(), "brute-force", "temp_2h_c", &["--step", "0"]);
    assert_error(&output, &["step"]);
    let output = on_fever(dir.path(), "brute-force", "temp_2h_c", &["--weights", "10"]);
    assert_error(&output, &["9 parameters"]);
    let output = on_fever(dir.path(), "brute-force", "temp_2h_c", &["--weights", "0"]);
    assert_eq!(output.status.code(), Some(2), "a usage error");
}

#[test]
fn brute_force_starts_from_a_model() {
    let dir = fever_dir(300);
    ok(on_fever(
        dir.path(),
        "train",
        "temp_2h_c",
        &["--hidden", "4", "--epochs", "20", "--out", "m.safetensors"],
    ));
    let json = ok_json(gradlab(
        dir.path(),
        &[
            "brute-force",
            "--data",
            "data.csv",
            "--model",
            "m.safetensors",
            "--range=-1,1",
            "--step",
            "0.1",
            "--json",
        ],
    ));
    assert_eq!(json["network"], "2 → 4 tanh → 1");
    assert_eq!(json["rows"], 300, "every row of the file");
    assert_eq!(json["evaluations"], 21);
    // The trained weight is near a minimum: the grid cannot do much better.
    assert!(f64_of(&json["best_cost"]) <= f64_of(&json["start_cost"]) + 1e-6);
}

/// Every activation, both costs, one to three hidden layers.
#[test]
fn gradcheck_passes_for_every_activation_cost_and_depth() {
    let dir = fever_dir(100);
    let activations = [
        "sigmoid",
        "tanh",
        "relu",
        "leaky-relu",
        "linear",
        "lecun-tanh",
    ];
    for activation in activations {
        for target in ["temp_2h_c", "status_2h"] {
            for hidden in ["5", "5,4", "5,4,3"] {
                let json = ok_json(on_fever(
                    dir.path(),
                    "gradcheck",
                    target,
                    &[
                        "--hidden",
                        hidden,
                        "--activation",
                        activation,
                        "--rows",
                        "16",
                        "--json",
                    ],
                ));
                assert_eq!(
                    json["passed"], true,
                    "{activation} {target} {hidden}: {json}"
                );
                let layers = hidden.split(',').count() + 1;
                assert_eq!(json["tensors"].as_array().unwrap().len(), 2 * layers);
                assert!(f64_of(&json["rel_error"]) <= 1e-6);
            }
        }
    }
}

#[test]
fn gradcheck_fails_on_a_corrupted_gradient_and_names_the_tensor() {
    let dir = fever_dir(100);
    for target in ["temp_2h_c", "status_2h"] {
        let output = on_fever(
            dir.path(),
            "gradcheck",
            target,
            &["--corrupt", "layers.1.weight", "--rows", "16"],
        );
        assert_error(&output, &["layers.1.weight", "relative error"]);
        let table = stdout(&output);
        let line = table
            .lines()
            .find(|l| l.starts_with("layers.1.weight "))
            .unwrap();
        assert!(line.ends_with("FAIL"), "{table}");
        let line = table
            .lines()
            .find(|l| l.starts_with("layers.0.weight "))
            .unwrap();
        assert!(line.ends_with("ok"), "{table}");
    }
    let output = on_fever(
        dir.path(),
        "gradcheck",
        "temp_2h_c",
        &["--corrupt", "layers.7.weight"],
    );
    assert_error(&output, &["layers.7.weight", "layers.1.bias"]);
}

#[test]
fn gradcheck_checks_a_saved_model_in_f64() {
    let dir = fever_dir(200);
    ok(on_fever(
        dir.path(),
        "train",
        "status_2h",
        &["--hidden", "6", "--epochs", "10", "--out", "m.safetensors"],
    ));
    let json = ok_json(gradlab(
        dir.path(),
        &[
            "gradcheck",
            "--model",
            "m.safetensors",
            "--data",
            "data.csv",
            "--rows",
            "32",
            "--json",
        ],
    ));
    assert_eq!(json["passed"], true, "{json}");
    assert_eq!(json["rows"], 32);
    assert_eq!(json["network"], "2 → 6 tanh → 3 softmax");
    // --target is the model's business.
    let output = gradlab(
        dir.path(),
        &[
            "gradcheck",
            "--model",
            "m.safetensors",
            "--data",
            "data.csv",
            "--target",
            "status_2h",
        ],
    );
    assert_eq!(output.status.code(), Some(2));
}

/// The tensors of a safetensors file: name → (shape, values as f64).
fn read_tensors(path: &Path) -> Vec<(String, Vec<usize>, Vec<f64>)> {
    let bytes = std::fs::read(path).unwrap();
    let file = SafeTensors::deserialize(&bytes).unwrap();
    let mut tensors: Vec<(String, Vec<usize>, Vec<f64>)> = file
        .tensors()
        .into_iter()
        .map(|(name, view)| {
            let values = match view.dtype() {
                safetensors::Dtype::F32 => view
                    .data()
                    .chunks(4)
                    .map(|b| f64::from(f32::from_le_bytes(b.try_into().unwrap())))
                    .collect(),
                safetensors::Dtype::F64 => view
                    .data()
                    .chunks(8)
                    .map(|b| f64::from_le_bytes(b.try_into().unwrap()))
                    .collect(),
                other => panic!("unexpected dtype {other:?}"),
            };
            (name, view.shape().to_vec(), values)
        })
        .collect();
    tensors.sort_by(|a, b| a.0.cmp(&b.0));
    tensors
}

#[test]
fn grad_writes_the_gradient_under_the_models_tensor_names() {
    let dir = fever_dir(200);
    ok(on_fever(
        dir.path(),
        "train",
        "temp_2h_c",
        &["--hidden", "5,3", "--epochs", "5", "--out", "m.safetensors"],
    ));
    let json = ok_json(gradlab(
        dir.path(),
        &[
            "grad",
            "--model",
            "m.safetensors",
            "--data",
            "data.csv",
            "--out",
            "g.safetensors",
            "--json",
        ],
    ));
    assert_eq!(json["rows"], 200);
    assert!(f64_of(&json["cost"]) > 0.0);
    let model = read_tensors(&dir.path().join("m.safetensors"));
    let gradient = read_tensors(&dir.path().join("g.safetensors"));
    let shapes = |t: &[(String, Vec<usize>, Vec<f64>)]| -> Vec<(String, Vec<usize>)> {
        t.iter().map(|(n, s, _)| (n.clone(), s.clone())).collect()
    };
    assert_eq!(shapes(&gradient), shapes(&model));
    let names: Vec<&str> = gradient.iter().map(|(n, _, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "layers.0.bias",
            "layers.0.weight",
            "layers.1.bias",
            "layers.1.weight",
            "layers.2.bias",
            "layers.2.weight"
        ]
    );
    // The reported norms are those of the file's tensors.
    for tensor in json["tensors"].as_array().unwrap() {
        let name = tensor["name"].as_str().unwrap();
        let (_, shape, values) = gradient.iter().find(|(n, _, _)| n == name).unwrap();
        let reported: Vec<usize> = tensor["shape"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d.as_u64().unwrap() as usize)
            .collect();
        assert_eq!(&reported, shape);
        let norm = values.iter().map(|v| v * v).sum::<f64>().sqrt();
        let claimed = f64_of(&tensor["norm"]);
        assert!((norm - claimed).abs() <= 1e-6 * norm.max(1e-12), "{name}");
    }
    assert!(dir.path().join("g.safetensors").exists());
    let output = gradlab(
        dir.path(),
        &[
            "grad",
            "--model",
            "m.safetensors",
            "--data",
            "data.csv",
            "--out",
            "-",
        ],
    );
    assert_error(&output, &["stdout"]);
}

#[test]
fn methods_shows_numerical_and_backprop_agree() {
    let dir = fever_dir(300);
    let json = ok_json(on_fever(dir.path(), "methods", "temp_2h_c", &["--json"]));
    assert_eq!(json["network"], "2 → 2 tanh → 1");
    let parameters = json["parameters"].as_u64().unwrap();
    let steps = json["steps"].as_u64().unwrap();
    assert_eq!((parameters, steps), (9, 100));
    assert!(f64_of(&json["max_weight_difference"]) < 1e-6, "{json}");
    let runs = json["runs"].as_array().unwrap();
    let methods: Vec<&str> = runs.iter().map(|r| r["method"].as_str().unwrap()).collect();
    assert_eq!(methods, ["brute force", "numerical gradient", "backprop"]);
    assert_eq!(runs[0]["cost_evaluations"], 2001);
    assert_eq!(runs[1]["forward_passes"], 2 * parameters * steps);
    assert_eq!(runs[2]["forward_passes"], steps);
    assert_eq!(runs[1]["gradient_evaluations"], steps);
    assert_eq!(f64_of(&json["forward_pass_ratio"]), 18.0);
    let numerical = f64_of(&runs[1]["train_cost"]);
    let backprop = f64_of(&runs[2]["train_cost"]);
    assert!((numerical - backprop).abs() < 1e-9);
    assert!(backprop < f64_of(&runs[0]["train_cost"]));

    let text = ok(on_fever(
        dir.path(),
        "methods",
        "temp_2h_c",
        &["--steps", "20", "--range=-3,3"],
    ));
    assert!(
        text.contains("numerical and backprop weights after 20 steps differ by at most"),
        "{text}"
    );
    assert!(
        text.contains("the numerical gradient needed 18× the forward passes of backprop"),
        "{text}"
    );
}

#[test]
fn train_with_the_numerical_gradient_matches_backprop_in_f64() {
    let dir = fever_dir(200);
    let run = |gradient: &str| {
        ok_json(on_fever(
            dir.path(),
            "train",
            "temp_2h_c",
            &[
                "--hidden",
                "3",
                "--epochs",
                "3",
                "--batch-size",
                "16",
                "--precision",
                "f64",
                "--gradient",
                gradient,
                "--json",
            ],
        ))
    };
    let backprop = run("backprop");
    let numerical = run("numerical");
    for part in ["train", "test"] {
        for metric in ["rmse", "mae", "r2"] {
            let (b, n) = (
                f64_of(&backprop[part][metric]),
                f64_of(&numerical[part][metric]),
            );
            assert!((b - n).abs() < 1e-7, "{part} {metric}: {b} vs {n}");
        }
    }
    let output = on_fever(
        dir.path(),
        "train",
        "temp_2h_c",
        &["--epochs", "1", "--gradient", "numerical"],
    );
    assert!(
        stderr(&output).contains("gradient: numerical"),
        "{}",
        stderr(&output)
    );
    assert!(output.status.success());
    let output = on_fever(dir.path(), "train", "temp_2h_c", &["--gradient", "guess"]);
    assert_eq!(output.status.code(), Some(2));
    let output = on_fever(
        dir.path(),
        "train",
        "temp_2h_c",
        &["--gradient", "numerical", "--epsilon", "0"],
    );
    assert_error(&output, &["epsilon"]);
}
