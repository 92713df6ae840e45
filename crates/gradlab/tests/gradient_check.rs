//! Backprop against central differences in f64, for every activation, both
//! costs and a network with two hidden layers (the pass mark: relative error
//! < 1e-6).

use gradlab::matrix::Matrix;
use gradlab::methods::numerical::gradient_check;
use gradlab::nn::activation::Activation;
use gradlab::nn::init::Init;
use gradlab::nn::loss::{Loss, Targets};
use gradlab::nn::network::{Architecture, Network};
use gradlab::nn::numerical_gradient::default_epsilon;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const TOLERANCE: f64 = 1e-6;

fn random_matrix(rows: usize, cols: usize, rng: &mut ChaCha8Rng) -> Matrix<f64> {
    let data = (0..rows * cols)
        .map(|_| rng.random_range(-1.5..1.5))
        .collect();
    Matrix::from_vec(rows, cols, data).unwrap()
}

fn batch(loss: Loss, inputs: usize, outputs: usize, rows: usize) -> (Matrix<f64>, Targets<f64>) {
    let mut rng = ChaCha8Rng::seed_from_u64(42);
    let x = random_matrix(rows, inputs, &mut rng);
    let targets = match loss {
        Loss::Mse => Targets::Values(random_matrix(rows, outputs, &mut rng)),
        Loss::SoftmaxCrossEntropy => Targets::Classes {
            indices: (0..rows).map(|_| rng.random_range(0..outputs)).collect(),
            classes: outputs,
        },
    };
    (x, targets)
}

fn assert_gradients_agree(
    hidden: &[usize],
    activation: Activation,
    loss: Loss,
    outputs: usize,
) -> f64 {
    let architecture = Architecture::new(3, hidden, activation, outputs, loss);
    let mut network = Network::<f64>::new(architecture, Init::Uniform { limit: 0.8 }, 3).unwrap();
    // Non-zero biases, so that the bias gradients are exercised away from 0.
    for layer in &mut network.layers {
        for (j, b) in layer.bias.iter_mut().enumerate() {
            *b = 0.1 * (j as f64 + 1.0) - 0.2;
        }
    }
    let (x, targets) = batch(loss, 3, outputs, 7);
    let check = gradient_check(&mut network, &x, &targets, default_epsilon::<f64>());
    let worst = check.worst().unwrap();
    assert!(
        check.rel_error() < TOLERANCE,
        "{activation} / {loss:?} / hidden {hidden:?}: {} rel {:e}, worst element {} backprop {} numerical {} (rel {:e})",
        worst.name,
        worst.rel_error,
        worst.worst_index,
        worst.backprop,
        worst.numerical,
        worst.max_rel_error
    );
    assert_eq!(check.tensors.len(), 2 * (hidden.len() + 1));
    // Element-wise, the absolute error stays at f64 rounding level.
    for tensor in &check.tensors {
        assert!(
            tensor.max_abs_error < 1e-8,
            "{}: {:e}",
            tensor.name,
            tensor.max_abs_error
        );
    }
    check.rel_error()
}

#[test]
fn every_activation_passes_with_mse() {
    for activation in Activation::ALL {
        let error = assert_gradients_agree(&[4], activation, Loss::Mse, 2);
        println!("{activation}: relative error {error:e}");
    }
}

#[test]
fn every_activation_passes_with_softmax_cross_entropy() {
    for activation in Activation::ALL {
        assert_gradients_agree(&[4], activation, Loss::SoftmaxCrossEntropy, 3);
    }
}

#[test]
fn two_hidden_layers_pass_with_both_costs() {
    for activation in Activation::ALL {
        assert_gradients_agree(&[5, 4], activation, Loss::Mse, 1);
        assert_gradients_agree(&[5, 4], activation, Loss::SoftmaxCrossEntropy, 3);
    }
}

#[test]
fn no_hidden_layer_is_a_single_neuron_and_passes() {
    assert_gradients_agree(&[], Activation::Tanh, Loss::Mse, 1);
    assert_gradients_agree(&[], Activation::Tanh, Loss::SoftmaxCrossEntropy, 3);
}

#[test]
fn a_wrong_gradient_is_caught() {
    // The check must be able to fail: compare against a network whose
    // backprop is right but whose numerical side sees a different cost.
    let architecture = Architecture::new(3, &[4], Activation::Tanh, 1, Loss::Mse);
    let mut network = Network::<f64>::new(architecture, Init::Xavier, 1).unwrap();
    let (x, targets) = batch(Loss::Mse, 3, 1, 5);
    // ε far too large: the central difference is then visibly wrong.
    let check = gradient_check(&mut network, &x, &targets, 0.5);
    assert!(check.rel_error() > TOLERANCE);
}
