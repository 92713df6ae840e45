//! `gradlab curvature`: λ_max of the cost's Hessian and the check of the
//! learning rates it allows, on a linear neuron where both are known.

mod common;

use common::{fever_dir, gradlab, ok, ok_json};

#[test]
fn a_linear_neurons_curvature_and_its_rate_bound() {
    let dir = fever_dir(1500);
    ok(gradlab(
        dir.path(),
        &[
            "train",
            "--data",
            "data.csv",
            "--target",
            "temp_2h_c",
            "--inputs",
            "temp_c,dose_mg",
            "--hidden",
            "none",
            "--precision",
            "f64",
            "--epochs",
            "20",
            "--out",
            "linear.safetensors",
        ],
    ));
    let report = ok_json(gradlab(
        dir.path(),
        &[
            "curvature",
            "--model",
            "linear.safetensors",
            "--data",
            "data.csv",
            "--json",
            "--iterations",
            "3000",
            "--check-steps",
            "300",
        ],
    ));
    // One linear neuron on standard-scaled inputs with C = mean (ŷ − y)²:
    // H = 2/N · X̃ᵀX̃, X̃ = [x₁, x₂, 1], which is 2 · [[1, ρ, 0], [ρ, 1, 0],
    // [0, 0, 1]] with ρ the correlation of temperature and dose, about 0
    // (the generator draws them independently): λ_max = 2 (1 + |ρ|).
    let lambda = report["lambda_max"].as_f64().unwrap();
    assert!((2.0..2.2).contains(&lambda), "λ_max = {lambda}");
    let bound = report["divergence_learning_rate"].as_f64().unwrap();
    assert!((bound - 2.0 / lambda).abs() < 1e-12);
    let checks = report["checks"].as_array().unwrap();
    let run = |multiple: f64| {
        checks
            .iter()
            .find(|c| c["of_divergence_rate"].as_f64() == Some(multiple))
            .unwrap_or_else(|| panic!("no run at {multiple}: {checks:?}"))
    };
    // A quadratic cost: below 2/λ_max the cost falls, above it the run blows up.
    let below = run(0.9);
    assert_eq!(below["diverged"], false, "{below}");
    assert!(below["end_cost"].as_f64().unwrap() <= below["start_cost"].as_f64().unwrap());
    let above = run(1.1);
    let exploded = above["diverged"] == true
        || above["end_cost"].as_f64().unwrap() > 1e6 * above["start_cost"].as_f64().unwrap();
    assert!(exploded, "{above}");
}

#[test]
fn curvature_refuses_zero_iterations_with_one_line() {
    let dir = fever_dir(50);
    let output = gradlab(
        dir.path(),
        &[
            "curvature",
            "--model",
            "m.safetensors",
            "--data",
            "data.csv",
            "--iterations",
            "0",
        ],
    );
    assert_eq!(output.status.code(), Some(1));
    let text = common::stderr(&output);
    assert!(text.starts_with("error: invalid iterations: 0"), "{text}");
}
