//! The reference workloads, timed, and the machine's f32 peak.
//!
//! Two networks of the fever example's size, where the cost of a step is
//! mostly per-step overhead, and a large one, where it is mostly matrix
//! products:
//!
//! | name        | network                              | rows   | batch | epochs | optimizer     |
//! |-------------|--------------------------------------|--------|-------|--------|---------------|
//! | `tiny_reg`  | 2 → 16 tanh → 1, MSE                 | 10,000 | 32    | 20     | SGD lr 0.05   |
//! | `tiny_cls`  | 2 → 16 tanh → 3, softmax CE          | 10,000 | 32    | 20     | SGD lr 0.05   |
//! | `large_cls` | 64 → 6 × 1000 ReLU → 10, softmax CE  | 4,096  | 128   | 2      | SGD lr 0.01   |
//!
//! `bench/torch_sklearn.py` times PyTorch and scikit-learn on the same
//! workloads, with data drawn by the same description (numpy draws its own
//! values): two inputs uniform on [36, 41] × [0, 1000], min-max scaled, target
//! 0.8·x₀ − 0.3·x₁·x₀ (classes: below 0.2, below 0.4, else); for
//! `large_cls` 64 standard-normal inputs and 10 uniform classes.
//!
//! What [`run`] times: one call of [`train`] with the per-epoch cost
//! measurement off (the script measures none either) — the trainer's set-up
//! (its batch buffers, gradients and optimizer state, allocated per run, as
//! PyTorch allocates its gradients in its timed loop) and every training
//! step. Not timed: making the data and the network, and a warm-up of one
//! training step on a copy of the network, run just before, which starts
//! the thread pool and lets the matrix-product library allocate and touch
//! its per-thread packing buffers once per process rather than in the
//! timed run.
//!
//! A training step of a dense network costs about 6 · batch · weights
//! floating-point operations (2 for the forward product, 4 for the two
//! backward ones); [`peak_gflops`] measures what the cores can do at most,
//! with a loop of independent fused multiply-adds, and [`products_only`] how
//! fast a step made of nothing but its matrix products runs.

use crate::error::{Error, Result};
use crate::matrix::Matrix;
use crate::nn::activation::Activation;
use crate::nn::init::Init;
use crate::nn::loss::{Loss, Targets};
use crate::nn::network::{Architecture, Network};
use crate::setting::Setting;
use crate::train::trainer::{BatchSize, Control, DataSets, Examples, TrainSettings};
use crate::train::training::train;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};
use serde::Serialize;
use std::time::Instant;

mod products;
pub use products::products_only;

/// One reference workload.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Workload {
    /// `tiny_reg`, `tiny_cls` or `large_cls`.
    pub name: &'static str,
    /// Layer widths.
    pub sizes: Vec<usize>,
    /// Hidden activation.
    pub activation: Activation,
    /// The cost.
    pub loss: Loss,
    /// Training rows.
    pub rows: usize,
    /// Samples per step.
    pub batch: usize,
    /// Passes over the rows.
    pub epochs: usize,
    /// SGD learning rate.
    pub learning_rate: f64,
}

impl Workload {
    /// The three workloads, in the order of the table in the module doc.
    pub fn all() -> Vec<Workload> {
        let tiny = |name, outputs, loss| Workload {
            name,
            sizes: vec![2, 16, outputs],
            activation: Activation::Tanh,
            loss,
            rows: 10_000,
            batch: 32,
            epochs: 20,
            learning_rate: 0.05,
        };
        let mut large_sizes = vec![64];
        large_sizes.extend([1000; 6]);
        large_sizes.push(10);
        vec![
            tiny("tiny_reg", 1, Loss::Mse),
            tiny("tiny_cls", 3, Loss::SoftmaxCrossEntropy),
            Workload {
                name: "large_cls",
                sizes: large_sizes,
                activation: Activation::Relu,
                loss: Loss::SoftmaxCrossEntropy,
                rows: 4096,
                batch: 128,
                epochs: 2,
                learning_rate: 0.01,
            },
        ]
    }

    /// The workload called `name`.
    pub fn named(name: &str) -> Result<Workload> {
        Self::all()
            .into_iter()
            .find(|w| w.name == name)
            .ok_or_else(|| {
                Error::setting(
                    Setting::Workload,
                    format!("'{name}' (expected tiny_reg, tiny_cls or large_cls)"),
                )
            })
    }

    /// The workload's network shape: its sizes, activation and loss.
    pub fn architecture(&self) -> Architecture {
        let hidden = &self.sizes[1..self.sizes.len() - 1];
        let outputs = *self.sizes.last().expect("a workload has sizes");
        Architecture::new(self.sizes[0], hidden, self.activation, outputs, self.loss)
    }

    /// The f32 network every run starts from (Xavier, seed 0).
    pub fn network(&self) -> Result<Network<f32>> {
        Network::new(self.architecture(), Init::Xavier, 0)
    }

    /// Floating-point operations of one training step: 6 · batch · weights.
    pub fn flops_per_step(&self) -> f64 {
        let weights: usize = self.sizes.windows(2).map(|w| w[0] * w[1]).sum();
        6.0 * self.batch as f64 * weights as f64
    }

    /// The synthetic training rows (seeded, as described in the module doc).
    pub fn data(&self) -> Examples<f32> {
        let mut rng = ChaCha8Rng::seed_from_u64(0);
        if self.sizes[0] == 2 {
            fever_like(
                self.rows,
                *self.sizes.last().expect("sizes"),
                self.loss,
                &mut rng,
            )
        } else {
            random_classes(
                self.rows,
                self.sizes[0],
                *self.sizes.last().expect("sizes"),
                &mut rng,
            )
        }
    }
}

fn fever_like(rows: usize, outputs: usize, loss: Loss, rng: &mut ChaCha8Rng) -> Examples<f32> {
    let raw: Vec<[f64; 2]> = (0..rows)
        .map(|_| [rng.random_range(36.0..41.0), rng.random_range(0.0..1000.0)])
        .collect();
    let column = |c: usize| raw.iter().map(move |r| r[c]);
    let range = |c: usize| {
        let low = column(c).fold(f64::INFINITY, f64::min);
        (low, column(c).fold(f64::NEG_INFINITY, f64::max) - low)
    };
    let (ranges, mut inputs) = ([range(0), range(1)], Vec::with_capacity(2 * rows));
    let mut values = Vec::with_capacity(rows);
    for r in &raw {
        let x: Vec<f64> = (0..2).map(|c| (r[c] - ranges[c].0) / ranges[c].1).collect();
        inputs.extend(x.iter().map(|&v| v as f32));
        values.push(x[0] * 0.8 - 0.3 * x[1] * x[0]);
    }
    let targets = match loss {
        Loss::Mse => Targets::Values(
            Matrix::from_vec(rows, 1, values.iter().map(|&v| v as f32).collect()).expect("n × 1"),
        ),
        Loss::SoftmaxCrossEntropy => Targets::Classes {
            indices: values
                .iter()
                .map(|&v| usize::from(v >= 0.2) + usize::from(v >= 0.4))
                .collect(),
            classes: outputs,
        },
    };
    Examples {
        inputs: Matrix::from_vec(rows, 2, inputs).expect("n × 2"),
        targets,
    }
}

fn random_classes(
    rows: usize,
    inputs: usize,
    classes: usize,
    rng: &mut ChaCha8Rng,
) -> Examples<f32> {
    let data = (0..rows * inputs)
        .map(|_| StandardNormal.sample(&mut *rng))
        .collect();
    Examples {
        inputs: Matrix::from_vec(rows, inputs, data).expect("rows × inputs"),
        targets: Targets::Classes {
            indices: (0..rows).map(|_| rng.random_range(0..classes)).collect(),
            classes,
        },
    }
}

/// What one workload measured.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BenchResult {
    /// Workload name.
    pub workload: &'static str,
    /// Training samples processed per second (rows × epochs / seconds).
    pub samples_per_second: f64,
    /// Wall time of the training steps.
    pub seconds: f64,
    /// Achieved GFLOP/s by the 6 · batch · weights count.
    pub gflops: f64,
}

/// Trains `workload` once in f32 and times it.
pub fn run(workload: &Workload) -> Result<BenchResult> {
    let data = workload.data();
    let mut network = workload.network()?;
    let settings = TrainSettings {
        learning_rate: workload.learning_rate,
        batch_size: BatchSize::Samples(workload.batch),
        epochs: workload.epochs,
        measure_costs: false,
        ..Default::default()
    };
    warm_up(&network, &data, &settings)?;
    let started = Instant::now();
    let history = train(&mut network, DataSets::train_only(&data), &settings, |_| {
        Control::Continue
    })?;
    let seconds = started.elapsed().as_secs_f64();
    Ok(BenchResult {
        workload: workload.name,
        samples_per_second: (workload.rows * workload.epochs) as f64 / seconds,
        seconds,
        gflops: history.steps as f64 * workload.flops_per_step() / seconds / 1e9,
    })
}

/// One untimed training step, on a copy of `network` and the first batch
/// of `data`, with `settings` otherwise (see the module doc).
fn warm_up(network: &Network<f32>, data: &Examples<f32>, settings: &TrainSettings) -> Result<()> {
    let rows: Vec<usize> = (0..settings.batch_size.samples(data.len())).collect();
    let mut inputs = Matrix::zeros(rows.len(), data.inputs.cols());
    inputs.gather_rows(&data.inputs, &rows);
    let mut targets = data.targets.with_capacity_like(rows.len());
    targets.gather(&data.targets, &rows);
    let batch = Examples { inputs, targets };
    let one_step = TrainSettings {
        epochs: 1,
        ..settings.clone()
    };
    let mut copy = network.clone();
    train(&mut copy, DataSets::train_only(&batch), &one_step, |_| {
        Control::Continue
    })?;
    Ok(())
}

/// The f32 peak of `threads` cores in GFLOP/s: each thread runs a loop of
/// independent fused multiply-adds on the widest vectors the CPU has
/// (AVX-512, else AVX2 + FMA) for about `seconds`.
pub fn peak_gflops(threads: usize, seconds: f64) -> f64 {
    let started = Instant::now();
    let flops: f64 = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads.max(1))
            .map(|_| scope.spawn(move || fma_loop(seconds)))
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().expect("FMA loop"))
            .sum()
    });
    flops / started.elapsed().as_secs_f64() / 1e9
}

/// FLOPs done by one thread in about `seconds` of FMAs.
fn fma_loop(seconds: f64) -> f64 {
    let started = Instant::now();
    let mut flops = 0.0;
    while started.elapsed().as_secs_f64() < seconds {
        flops += fma_burst();
    }
    flops
}

/// Iterations of one burst: long enough to hide the timer, short enough to
/// check it often.
const BURST: usize = 1 << 20;

/// One burst of independent FMAs; returns the FLOPs done.
fn fma_burst() -> f64 {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx512f") {
            // SAFETY: the CPU supports AVX-512F, checked just above.
            return unsafe { fma::avx512() };
        }
        if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma")
        {
            // SAFETY: the CPU supports AVX2 and FMA, checked just above.
            return unsafe { fma::avx2() };
        }
    }
    fma::scalar()
}

mod fma {
    use super::BURST;

    /// Accumulators: enough independent chains to cover the FMA latency on
    /// two ports (4 cycles × 2 ports = 8; 12 to be safe).
    const CHAINS: usize = 12;

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f")]
    pub unsafe fn avx512() -> f64 {
        use std::arch::x86_64::*;
        let (a, b) = (_mm512_set1_ps(0.999_999), _mm512_set1_ps(1e-7));
        let mut acc = [_mm512_set1_ps(1.0); CHAINS];
        for _ in 0..BURST {
            for x in acc.iter_mut() {
                *x = _mm512_fmadd_ps(*x, a, b);
            }
        }
        let sum: f32 = acc.iter().map(|&x| _mm512_reduce_add_ps(x)).sum();
        std::hint::black_box(sum);
        (BURST * CHAINS * 16 * 2) as f64
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2,fma")]
    pub unsafe fn avx2() -> f64 {
        use std::arch::x86_64::*;
        let (a, b) = (_mm256_set1_ps(0.999_999), _mm256_set1_ps(1e-7));
        let mut acc = [_mm256_set1_ps(1.0); CHAINS];
        for _ in 0..BURST {
            for x in acc.iter_mut() {
                *x = _mm256_fmadd_ps(*x, a, b);
            }
        }
        std::hint::black_box(&acc);
        (BURST * CHAINS * 8 * 2) as f64
    }

    pub fn scalar() -> f64 {
        let mut acc = [1.0f32; CHAINS];
        for _ in 0..BURST {
            for x in acc.iter_mut() {
                *x = *x * 0.999_999 + 1e-7;
            }
        }
        std::hint::black_box(&acc);
        (BURST * CHAINS * 2) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workloads_match_the_design_table() {
        let all = Workload::all();
        assert_eq!(all.len(), 3);
        assert_eq!(all[2].sizes.len(), 8); // 64, six hidden layers, 10
                                           // 64·1000 + 5·1000·1000 + 1000·10 = 5,074,000 weights.
        assert_eq!(all[2].flops_per_step(), 6.0 * 128.0 * 5_074_000.0);
        let data = all[1].data();
        assert_eq!(data.len(), 10_000);
        let Targets::Classes { indices, .. } = &data.targets else {
            panic!()
        };
        assert!((0..3).all(|k| indices.contains(&k)));
        assert!(Workload::named("huge").is_err());
    }
}
