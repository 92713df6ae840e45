//! `methods::explain` shows the engine's own numbers: its batch gradient and
//! its updated weights are those of the trainer, bit for bit.

// The loops over j and i mirror the subscripts of the course's formulas.
#![allow(clippy::needless_range_loop)]

use gradlab::data::dataset::{Dataset, DatasetSpec};
use gradlab::data::fever;
use gradlab::data::split::train_test_split;
use gradlab::element::Float;
use gradlab::methods::explain::{explain, flatten, Explanation, OutputValue, UpdateSettings};
use gradlab::model::examples;
use gradlab::nn::activation::Activation;
use gradlab::nn::network::{Gradients, Workspace};
use gradlab::prepare::{prepare, Prepared};
use gradlab::settings::FitSettings;
use gradlab::train::optimizer::Optimizer;
use gradlab::train::trainer::{BatchSize, Control, DataSets, TrainSettings};
use gradlab::train::training::train;

/// 0-based dataset rows explained in every test (data rows 3, 8, 12).
const ROWS: [usize; 3] = [2, 7, 11];

fn fever(target: &str) -> Dataset {
    let spec = DatasetSpec {
        target: target.into(),
        inputs: Some(vec!["temp_c".into(), "dose_mg".into()]),
        ..Default::default()
    };
    Dataset::from_table(&fever::table(200, 1), &spec).unwrap()
}

fn start<T: Float>(data: &Dataset, hidden: &[usize], activation: Activation) -> Prepared<T> {
    let settings = FitSettings {
        hidden: hidden.to_vec(),
        activation,
        ..Default::default()
    };
    let split = train_test_split(data, settings.test_fraction, settings.train.seed).unwrap();
    prepare::<T>(data, &split, &settings).unwrap()
}

/// Explains `rows`, then trains a copy of the same network for one epoch of
/// one full batch made of exactly those rows (no shuffling), and checks
/// that the explanation's batch gradient and updated weights are the
/// trainer's, with `==`.
fn explanation_matches_trainer<T: Float>(
    data: &Dataset,
    hidden: &[usize],
    activation: Activation,
    rows: &[usize],
    optimizer: Optimizer,
) -> Explanation {
    let prepared = start::<T>(data, hidden, activation);
    let update = UpdateSettings {
        learning_rate: 0.5,
        optimizer,
        weight_decay: None,
    };
    let explanation = explain(&prepared.network, data, rows, &prepared.info, &update).unwrap();

    // The trainer, on an `Examples` of exactly these rows as one batch.
    let batch = examples::<T>(data, rows, &prepared.info);
    let settings = TrainSettings {
        learning_rate: 0.5,
        batch_size: BatchSize::Full,
        epochs: 1,
        shuffle: false,
        optimizer,
        ..Default::default()
    };
    let mut trained = prepared.network.clone();
    let history = train(
        &mut trained,
        DataSets::train_only(&batch),
        &settings,
        |_| Control::Continue,
    )
    .unwrap();
    assert_eq!(history.steps, 1, "one epoch of one full batch is one step");
    assert_eq!(
        flatten(&explanation.update.after),
        trained.to_flat(),
        "{}: updated weights differ from the trainer's",
        T::NAME
    );
    assert_eq!(
        flatten(&explanation.update.before),
        prepared.network.to_flat()
    );
    // The trainer's batch cost after its step is the explanation's.
    let after = history.epochs[0].train_cost;
    assert!((explanation.update.cost_after - after).abs() <= 1e-12 * after.abs().max(1.0));

    // The gradient the trainer steps with: backprop over the whole batch
    // in buffers sized for it, as the trainer's are.
    let mut workspace = Workspace::new(prepared.network.architecture(), batch.len());
    let mut gradients = Gradients::zeros_like(&prepared.network);
    let cost = prepared.network.gradient(
        &batch.inputs,
        &batch.targets,
        &mut workspace,
        &mut gradients,
    );
    let trainer_gradient: Vec<f64> = gradients.slices().flatten().map(|g| g.as_f64()).collect();
    assert_eq!(flatten(&explanation.batch.trainer), trainer_gradient);
    assert_eq!(explanation.batch.cost, cost);
    if optimizer == Optimizer::Sgd {
        // w ← w − η·g, element by element in T, is the trainer's step.
        let eta = T::from_f64(0.5);
        let stepped: Vec<f64> = prepared
            .network
            .parameters()
            .flatten()
            .zip(gradients.slices().flatten())
            .map(|(&w, &g)| (w - eta * g).as_f64())
            .collect();
        assert_eq!(stepped, trained.to_flat());
    }
    explanation
}

#[test]
fn batch_gradient_and_update_equal_the_trainers_in_f32_and_f64() {
    let data = fever("temp_2h_c");
    for hidden in [&[2][..], &[], &[3, 2]] {
        explanation_matches_trainer::<f32>(
            &data,
            hidden,
            Activation::Sigmoid,
            &ROWS,
            Optimizer::Sgd,
        );
        explanation_matches_trainer::<f64>(
            &data,
            hidden,
            Activation::Sigmoid,
            &ROWS,
            Optimizer::Sgd,
        );
    }
    // Classification (softmax cross-entropy), and a one-row batch.
    let classes = fever("status_2h");
    explanation_matches_trainer::<f32>(&classes, &[3], Activation::Tanh, &ROWS, Optimizer::Sgd);
    explanation_matches_trainer::<f64>(&classes, &[3], Activation::Relu, &[0], Optimizer::Sgd);
}

#[test]
fn another_optimizer_steps_as_in_training() {
    let data = fever("temp_2h_c");
    let adam = Optimizer::parse("adam").unwrap();
    explanation_matches_trainer::<f32>(&data, &[2], Activation::Sigmoid, &ROWS, adam);
    explanation_matches_trainer::<f64>(&data, &[2], Activation::Tanh, &ROWS, adam);
}

#[test]
fn mean_of_the_rows_gradients_is_the_batch_gradient() {
    let data = fever("temp_2h_c");
    let e =
        explanation_matches_trainer::<f64>(&data, &[2], Activation::Sigmoid, &ROWS, Optimizer::Sgd);
    // Not bit for bit: the batch pass sums the rows inside one matrix
    // product (δᵀ·A), the explanation adds the per-row gradients one after
    // the other, and floating-point addition depends on the order.
    let sum = flatten(&e.batch.sum);
    let mean = flatten(&e.batch.mean);
    let trainer = flatten(&e.batch.trainer);
    for ((s, m), t) in sum.iter().zip(&mean).zip(&trainer) {
        assert!((m - t).abs() <= 1e-12, "mean {m} vs batch {t}");
        assert!((s / 3.0 - t).abs() <= 1e-12, "sum/3 {s} vs batch {t}");
    }
    // The per-row gradients really are summed: Σ_s of the rows' own.
    let by_hand: Vec<f64> = (0..sum.len())
        .map(|i| {
            e.rows
                .iter()
                .map(|r| {
                    let layers: Vec<_> = r
                        .layers
                        .iter()
                        .map(|l| (l.weight_gradient.values.clone(), l.bias_gradient.clone()))
                        .collect();
                    layers
                        .iter()
                        .flat_map(|(w, b)| w.iter().chain(b))
                        .nth(i)
                        .copied()
                        .unwrap()
                })
                .sum()
        })
        .collect();
    for (a, b) in by_hand.iter().zip(&sum) {
        assert!((a - b).abs() <= 1e-15, "{a} vs {b}");
    }
    // The batch cost is the mean of the rows' costs; the course's sum form
    // E = C / c with c = 2/(B·K) = 2/3.
    let mean_cost: f64 = e.rows.iter().map(|r| r.cost).sum::<f64>() / 3.0;
    assert!((e.batch.cost - mean_cost).abs() <= 1e-15);
    assert!((e.batch.course.factor - 2.0 / 3.0).abs() <= 1e-15);
    assert!((e.batch.course.cost * e.batch.course.factor - e.batch.cost).abs() <= 1e-15);
    assert!((e.update.course_learning_rate - 0.5 * 2.0 / 3.0).abs() <= 1e-15);
}

#[test]
fn the_rows_numbers_follow_the_course_formulas() {
    let data = fever("temp_2h_c");
    let e =
        explanation_matches_trainer::<f64>(&data, &[2], Activation::Sigmoid, &ROWS, Optimizer::Sgd);
    assert_eq!(
        e.rows.iter().map(|r| r.data_row).collect::<Vec<_>>(),
        [3, 8, 12]
    );
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-12 * (1.0 + b.abs());
    for row in &e.rows {
        let [hidden, output] = &row.layers[..] else {
            panic!("two layers")
        };
        let (w1, b1) = (&e.parameters[0].weight, &e.parameters[0].bias);
        let (w2, b2) = (&e.parameters[1].weight, &e.parameters[1].bias);
        let x = &row.scaled_inputs;
        for j in 0..2 {
            // z₁ = W₁·x + b₁, a₁ = σ(z₁)
            let z = w1.get(j, 0) * x[0] + w1.get(j, 1) * x[1] + b1[j];
            assert!(close(hidden.z[j], z));
            assert!(close(hidden.a[j], 1.0 / (1.0 + (-z).exp())));
        }
        // z₂ = W₂·a₁ + b₂; δ₂ = 2(ŷ − y) for one row and one output.
        let z2 = w2.get(0, 0) * hidden.a[0] + w2.get(0, 1) * hidden.a[1] + b2[0];
        assert!(close(output.z[0], z2));
        let gradlab::methods::explain::TargetValue::Value { scaled: y, .. } = row.target else {
            panic!("regression")
        };
        assert!(close(output.delta[0], 2.0 * (z2 - y)));
        assert!(close(row.cost, (z2 - y).powi(2)));
        // ∂C/∂W₂ = δ₂·a₁ᵀ, ∂C/∂b₂ = δ₂
        for i in 0..2 {
            assert!(close(
                output.weight_gradient.get(0, i),
                output.delta[0] * hidden.a[i]
            ));
        }
        assert_eq!(output.bias_gradient, output.delta);
        // δ₁ = (W₂ᵀ·δ₂) ⊙ σ′(z₁), ∂C/∂W₁ = δ₁·xᵀ
        let from_next = hidden.from_next.as_ref().unwrap();
        let derivative = hidden.derivative.as_ref().unwrap();
        for j in 0..2 {
            assert!(close(from_next[j], w2.get(0, j) * output.delta[0]));
            assert!(close(derivative[j], hidden.a[j] * (1.0 - hidden.a[j])));
            assert!(close(hidden.delta[j], from_next[j] * derivative[j]));
            for i in 0..2 {
                assert!(close(
                    hidden.weight_gradient.get(j, i),
                    hidden.delta[j] * x[i]
                ));
            }
        }
        assert!(output.from_next.is_none() && output.derivative.is_none());
        // The output in °C is the target scaler's inverse of ŷ.
        let OutputValue::Value {
            scaled,
            in_target_units,
        } = &row.output
        else {
            panic!("regression")
        };
        let scaler = e.target_scaler.as_ref().unwrap();
        assert_eq!(in_target_units[0], scaler.inverse_value(0, scaled[0]));
    }
    assert!(
        e.update.cost_after < e.update.cost_before,
        "one step lowers the cost"
    );
}

#[test]
fn a_single_neuron_is_explained() {
    let data = fever("temp_2h_c");
    for rows in [&ROWS[..], &[0]] {
        let e =
            explanation_matches_trainer::<f64>(&data, &[], Activation::Tanh, rows, Optimizer::Sgd);
        assert_eq!(e.architecture.sizes, [2, 1]);
        let row = &e.rows[0];
        let [neuron] = &row.layers[..] else {
            panic!("one layer")
        };
        assert!(neuron.from_next.is_none());
        assert_eq!(neuron.activation, Activation::Linear);
        // Linear regression: ŷ = w·x + b, ∂C/∂w = δ·xᵀ.
        for i in 0..2 {
            let expected = neuron.delta[0] * row.scaled_inputs[i];
            assert!((neuron.weight_gradient.get(0, i) - expected).abs() <= 1e-15);
        }
    }
}

#[test]
fn bad_rows_are_errors_not_panics() {
    let data = fever("temp_2h_c");
    let prepared = start::<f32>(&data, &[2], Activation::Sigmoid);
    let update = UpdateSettings::default();
    let run = |rows: &[usize]| explain(&prepared.network, &data, rows, &prepared.info, &update);
    let err = run(&[200]).unwrap_err().to_string();
    assert!(
        err.contains("data row 201") && err.contains("(200)"),
        "{err}"
    );
    assert!(run(&[]).is_err());
    let bad_rate = UpdateSettings {
        learning_rate: -1.0,
        ..UpdateSettings::default()
    };
    assert!(explain(&prepared.network, &data, &[0], &prepared.info, &bad_rate).is_err());
}
