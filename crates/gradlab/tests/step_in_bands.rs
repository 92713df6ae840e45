//! Backprop that steps each band of a layer as soon as its gradient is
//! computed (`Network::gradient_and_update`, what the trainer runs with
//! backprop and no clipping) must give the weights, to the bit, that the
//! whole gradient followed by the optimizer's step gives
//! (`Network::gradient` + `OptimizerState::step`), for every optimizer, in
//! f32 and f64, on one thread and on two.
//!
//! The network is sized so that the bands are really cut: a 512 → 600
//! layer's ∂C/∂W (307,200 elements) is computed in 4 bands of at most 2¹⁷
//! elements, on two threads when there are two, and its 64 → 512 layer in
//! one band.

use gradlab::matrix::{self, Matrix};
use gradlab::nn::activation::Activation;
use gradlab::nn::init::Init;
use gradlab::nn::loss::{Loss, Targets};
use gradlab::nn::network::{Architecture, Gradients, Network, Workspace};
use gradlab::train::optimizer::{Optimizer, OptimizerState};
use gradlab::Float;

const BATCH: usize = 32;
const STEPS: usize = 3;
const ETA: f64 = 0.05;

fn network<T: Float>(loss: Loss, outputs: usize) -> Network<T> {
    let architecture = Architecture::new(64, &[512, 600], Activation::Tanh, outputs, loss);
    Network::new(architecture, Init::Xavier, 7).unwrap()
}

/// Inputs in [−1, 1) from a fixed formula, so that every run sees the same.
fn inputs<T: Float>() -> Matrix<T> {
    let data = (0..BATCH * 64)
        .map(|i| T::from_f64(((i * 7919) % 2000) as f64 / 1000.0 - 1.0))
        .collect();
    Matrix::from_vec(BATCH, 64, data).unwrap()
}

fn targets<T: Float>(loss: Loss) -> Targets<T> {
    match loss {
        Loss::Mse => {
            let values = (0..BATCH * 2)
                .map(|i| T::from_f64((i % 5) as f64 * 0.25))
                .collect();
            Targets::Values(Matrix::from_vec(BATCH, 2, values).unwrap())
        }
        Loss::SoftmaxCrossEntropy => Targets::Classes {
            indices: (0..BATCH).map(|i| i % 3).collect(),
            classes: 3,
        },
    }
}

/// `STEPS` steps of `optimizer` (weight decay `decay`) on one batch, taken
/// as a whole gradient then a step (`interleaved` false) or in bands; the
/// weights after each step, and the costs.
fn run<T: Float>(
    optimizer: Optimizer,
    decay: f64,
    loss: Loss,
    interleaved: bool,
) -> (Vec<Vec<T>>, Vec<f64>) {
    let outputs = if loss == Loss::Mse { 2 } else { 3 };
    let mut net = network::<T>(loss, outputs);
    let (x, targets) = (inputs::<T>(), targets::<T>(loss));
    let mut workspace = Workspace::new(net.architecture(), BATCH);
    let mut gradients = Gradients::zeros_like(&net);
    let mut state = OptimizerState::new(optimizer, decay, &net).unwrap();
    let (mut weights, mut costs) = (Vec::new(), Vec::new());
    for _ in 0..STEPS {
        let (cost, finite) = if interleaved {
            let updates = state.updates(ETA);
            net.gradient_and_update(&x, &targets, &mut workspace, updates)
        } else {
            let cost = net.gradient(&x, &targets, &mut workspace, &mut gradients);
            (cost, state.step(&mut net, &gradients, ETA))
        };
        assert!(finite && cost.is_finite());
        costs.push(cost);
        weights.push(net.parameters().flatten().copied().collect());
    }
    (weights, costs)
}

fn check_every_optimizer<T: Float>() {
    for name in Optimizer::NAMES {
        let optimizer = Optimizer::parse(name).unwrap();
        for decay in [0.0, 0.01] {
            for loss in [Loss::Mse, Loss::SoftmaxCrossEntropy] {
                let whole = run::<T>(optimizer, decay, loss, false);
                let bands = run::<T>(optimizer, decay, loss, true);
                let case = format!("{} {name}, decay {decay}, {loss:?}", T::NAME);
                assert!(whole.0 == bands.0, "{case}: the weights differ");
                assert!(whole.1 == bands.1, "{case}: the costs differ");
                // The steps really moved the weights.
                assert!(whole.0[0] != whole.0[STEPS - 1], "{case}: nothing moved");
            }
        }
    }
}

#[test]
fn stepping_in_bands_equals_the_whole_gradient_then_the_step_bit_for_bit() {
    // `set_threads` is process-wide: one test in this file sets it.
    for threads in [1, 2] {
        matrix::set_threads(threads);
        check_every_optimizer::<f32>();
        check_every_optimizer::<f64>();
    }
    matrix::set_threads(0);
}

#[test]
fn a_cost_that_is_not_finite_leaves_the_weights_as_they_were() {
    let mut net = network::<f64>(Loss::Mse, 2);
    let before = net.clone();
    let mut x = inputs::<f64>();
    x.set(3, 5, f64::NAN);
    let mut workspace = Workspace::new(net.architecture(), BATCH);
    let mut state = OptimizerState::new(Optimizer::Sgd, 0.0, &net).unwrap();
    let updates = state.updates(ETA);
    let (cost, _) = net.gradient_and_update(&x, &targets(Loss::Mse), &mut workspace, updates);
    assert!(cost.is_nan());
    assert_eq!(net, before);
}
