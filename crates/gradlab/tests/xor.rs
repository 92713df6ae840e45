//! The classic non-linear problem: a 2-2-1 tanh network learns XOR.

use gradlab::matrix::Matrix;
use gradlab::nn::activation::Activation;
use gradlab::nn::init::Init;
use gradlab::nn::loss::{Loss, Targets};
use gradlab::nn::network::{Architecture, Network};
use gradlab::train::trainer::{BatchSize, Control, DataSets, Examples, TrainSettings};
use gradlab::train::training::train;

#[test]
fn two_two_one_tanh_network_learns_xor() {
    let inputs = Matrix::from_rows(&[
        vec![0.0, 0.0],
        vec![0.0, 1.0],
        vec![1.0, 0.0],
        vec![1.0, 1.0],
    ])
    .unwrap();
    let targets = Matrix::from_rows(&[vec![0.0], vec![1.0], vec![1.0], vec![0.0]]).unwrap();
    let examples = Examples {
        inputs,
        targets: Targets::Values(targets),
    };
    let architecture = Architecture::new(2, &[2], Activation::Tanh, 1, Loss::Mse);
    let mut network = Network::<f64>::new(architecture, Init::Uniform { limit: 1.0 }, 2).unwrap();
    let settings = TrainSettings {
        learning_rate: 0.2,
        batch_size: BatchSize::Full,
        epochs: 3000,
        ..Default::default()
    };
    let history = train(
        &mut network,
        DataSets::train_only(&examples),
        &settings,
        |_| Control::Continue,
    )
    .unwrap();
    assert_eq!(history.epochs.len(), 3000);
    let first = history.epochs[0].train_cost;
    let last = history.epochs.last().unwrap().train_cost;
    // A linear model cannot do better than MSE 0.25 on XOR (predict 0.5 everywhere).
    assert!(last < 0.01, "final MSE {last} (started at {first})");
    let predicted = network.predict(&examples.inputs);
    for (row, want) in [0.0, 1.0, 1.0, 0.0].iter().enumerate() {
        let got = predicted.get(row, 0);
        assert!((got - want).abs() < 0.2, "row {row}: {got} for {want}");
    }
}
