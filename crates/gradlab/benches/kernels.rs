//! Kernel benchmarks (criterion): the pieces a training step of the
//! reference workloads (`gradlab::bench`) is made of.
//!
//! - `gemm/…`: the matrix products of the workloads, named `m×k·k×n` after
//!   the product actually computed, with the operand layout the dense layer
//!   uses (`x·Wᵀ` forward, `δᵀ·x` for ∂W, `δ·W` for ∂x). Throughput is
//!   counted in FLOPs (2·m·k·n), shown by criterion as "elements".
//! - `activation/…`: `Activation::forward` on 4096 f32 values.
//! - `optimizer/…`: one `OptimizerState::step` (SGD, Adam) over the
//!   large_cls network's 5,080,010 parameters. Throughput is in parameters.
//! - `train_step/…`: one SGD step on one batch of each workload as the
//!   trainer takes it (`Network::gradient_and_update`: each band of a
//!   layer's gradient stepped while in cache), and, as `… gradient, then
//!   step`, the whole gradient (`Network::gradient`) followed by
//!   `OptimizerState::step` (the batch is gathered once, outside the
//!   timing). Throughput is in samples.
//!
//! Run with `cargo bench -p gradlab --bench kernels [-- FILTER]`; the large
//! benches use few samples and a short measurement time, so the whole suite
//! takes about a minute. Products big enough run on the threads that
//! `gradlab::matrix::threads()` allows: all cores, or `GRADLAB_THREADS=N`.

use criterion::measurement::WallTime;
use criterion::{criterion_group, criterion_main, BenchmarkGroup, Criterion, Throughput};
use gradlab::bench::Workload;
use gradlab::matrix::{gemm, Output, Transpose};
use gradlab::nn::activation::Activation;
use gradlab::nn::network::{Gradients, Workspace};
use gradlab::train::optimizer::{Optimizer, OptimizerState};
use gradlab::Matrix;
use std::hint::black_box;
use std::time::Duration;

/// One product of a workload: `out (m × n) = op(a) · op(b)` with inner size k.
struct Shape {
    /// What the product is in the training step.
    label: &'static str,
    m: usize,
    k: usize,
    n: usize,
    /// `a` is stored `k × m` and used transposed (the ∂W product δᵀ·x).
    a_transposed: bool,
    /// `b` is stored `n × k` and used transposed (the forward x·Wᵀ).
    b_transposed: bool,
}

impl Shape {
    fn name(&self) -> String {
        format!("{} {}x{}·{}x{}", self.label, self.m, self.k, self.k, self.n)
    }

    fn flops(&self) -> u64 {
        2 * (self.m * self.k * self.n) as u64
    }

    fn is_large(&self) -> bool {
        self.m * self.k * self.n >= 1 << 20
    }
}

/// The GEMM shapes of the three workloads (batch 32 for the tiny ones, 128
/// for large_cls).
fn shapes() -> Vec<Shape> {
    let forward = |label, m, k, n| Shape {
        label,
        m,
        k,
        n,
        a_transposed: false,
        b_transposed: true,
    };
    let weight_grad = |label, m, k, n| Shape {
        label,
        m,
        k,
        n,
        a_transposed: true,
        b_transposed: false,
    };
    let input_grad = |label, m, k, n| Shape {
        label,
        m,
        k,
        n,
        a_transposed: false,
        b_transposed: false,
    };
    vec![
        // tiny_reg / tiny_cls: the output layer 16 → 1 or 3 (the 2 → 16
        // layer's forward is not a GEMM: see `nn::dense`).
        forward("tiny_reg forward", 32, 16, 1),
        forward("tiny_cls forward", 32, 16, 3),
        weight_grad("tiny_cls dW", 3, 32, 16),
        input_grad("tiny_cls dx", 32, 3, 16),
        weight_grad("tiny dW first", 16, 32, 2),
        // large_cls: a 1000 → 1000 hidden layer, forward and both backward
        // products, plus the first and last layers' forward. Layers this
        // large compute their forward product as zᵀ = W·xᵀ (`nn::dense`):
        // both orders are here, the one computed and x·Wᵀ.
        forward("large forward as computed, W·xᵀ", 1000, 1000, 128),
        forward("large forward", 128, 1000, 1000),
        weight_grad("large dW", 1000, 128, 1000),
        input_grad("large dx", 128, 1000, 1000),
        forward("large forward first as computed, W·xᵀ", 1000, 64, 128),
        forward("large forward last", 128, 1000, 10),
    ]
}

/// Deterministic values in [−1, 1) (no RNG needed for timing).
fn filled(rows: usize, cols: usize, seed: usize) -> Matrix<f32> {
    let data = (0..rows * cols)
        .map(|i| (((i * 7919 + seed * 104_729) % 2000) as f32) / 1000.0 - 1.0)
        .collect();
    Matrix::from_vec(rows, cols, data).expect("rows × cols")
}

/// Applies `GRADLAB_THREADS=N` (unset: all cores) to the large products.
fn set_threads_from_env() {
    if let Some(n) = std::env::var("GRADLAB_THREADS")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
    {
        gradlab::matrix::set_threads(n);
    }
}

/// Sampling of the next benchmarks in `group`: 50 quick samples, or, for a
/// slow one, 10 samples over `slow_seconds`.
fn sample(group: &mut BenchmarkGroup<'_, WallTime>, slow_seconds: Option<u64>) {
    match slow_seconds {
        Some(seconds) => group
            .sample_size(10)
            .warm_up_time(Duration::from_millis(500))
            .measurement_time(Duration::from_secs(seconds)),
        None => group
            .sample_size(50)
            .warm_up_time(Duration::from_millis(300))
            .measurement_time(Duration::from_secs(1)),
    };
}

fn bench_gemm(c: &mut Criterion) {
    set_threads_from_env();
    let mut group = c.benchmark_group("gemm");
    for shape in shapes() {
        let a = if shape.a_transposed {
            filled(shape.k, shape.m, 1)
        } else {
            filled(shape.m, shape.k, 1)
        };
        let b = if shape.b_transposed {
            filled(shape.n, shape.k, 2)
        } else {
            filled(shape.k, shape.n, 2)
        };
        let op = |t| if t { Transpose::Yes } else { Transpose::No };
        let mut out = Matrix::zeros(shape.m, shape.n);
        sample(&mut group, shape.is_large().then_some(2));
        group.throughput(Throughput::Elements(shape.flops()));
        group.bench_function(shape.name(), |bencher| {
            bencher.iter(|| {
                gemm(
                    &mut out,
                    Output::Overwrite,
                    black_box(&a),
                    op(shape.a_transposed),
                    black_box(&b),
                    op(shape.b_transposed),
                );
            })
        });
        black_box(&out);
    }
    group.finish();
}

fn bench_activations(c: &mut Criterion) {
    const N: usize = 4096;
    let z: Vec<f32> = filled(1, N, 3).as_slice().iter().map(|v| 4.0 * v).collect();
    let mut a = vec![0.0f32; N];
    let mut group = c.benchmark_group("activation");
    group
        .sample_size(50)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1))
        .throughput(Throughput::Elements(N as u64));
    for activation in [Activation::Tanh, Activation::Sigmoid, Activation::Relu] {
        group.bench_function(format!("{} {N}", activation.name()), |bencher| {
            bencher.iter(|| activation.forward(black_box(&z), &mut a))
        });
    }
    black_box(&a);
    group.finish();
}

fn bench_optimizer_steps(c: &mut Criterion) {
    set_threads_from_env();
    let workload = Workload::named("large_cls").expect("a reference workload");
    let mut network = workload.network().expect("valid network");
    let mut gradients = Gradients::zeros_like(&network);
    for g in gradients.slices_mut() {
        g.iter_mut()
            .enumerate()
            .for_each(|(i, g)| *g = (i % 7) as f32 * 1e-3);
    }
    let mut group = c.benchmark_group("optimizer");
    group
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .throughput(Throughput::Elements(network.parameter_count() as u64));
    for name in ["sgd", "adam"] {
        let optimizer = Optimizer::parse(name).expect("a known optimizer");
        let mut state = OptimizerState::new(optimizer, 0.0, &network).expect("valid optimizer");
        group.bench_function(format!("{name} large_cls"), |bencher| {
            bencher.iter(|| state.step(&mut network, black_box(&gradients), 1e-6))
        });
    }
    group.finish();
}

fn bench_train_steps(c: &mut Criterion) {
    set_threads_from_env();
    let mut group = c.benchmark_group("train_step");
    for workload in Workload::all() {
        let data = workload.data();
        let architecture = workload.architecture();
        let mut network = workload.network().expect("valid network");
        let rows: Vec<usize> = (0..workload.batch).collect();
        let mut x = Matrix::zeros(workload.batch, workload.sizes[0]);
        x.gather_rows(&data.inputs, &rows);
        let mut targets = data.targets.with_capacity_like(workload.batch);
        targets.gather(&data.targets, &rows);
        let mut workspace = Workspace::new(&architecture, workload.batch);
        let mut gradients = Gradients::zeros_like(&network);
        let mut optimizer =
            OptimizerState::new(Optimizer::Sgd, 0.0, &network).expect("valid optimizer");

        sample(&mut group, (workload.flops_per_step() >= 1e8).then_some(3));
        group.throughput(Throughput::Elements(workload.batch as u64));
        group.bench_function(workload.name, |bencher| {
            bencher.iter(|| {
                let updates = optimizer.updates(workload.learning_rate);
                black_box(network.gradient_and_update(&x, &targets, &mut workspace, updates))
            })
        });
        let separate = format!("{} gradient, then step", workload.name);
        group.bench_function(separate, |bencher| {
            bencher.iter(|| {
                let cost = network.gradient(&x, &targets, &mut workspace, &mut gradients);
                let all_finite = optimizer.step(&mut network, &gradients, workload.learning_rate);
                black_box((cost, all_finite))
            })
        });
    }
    group.finish();
}

criterion_group!(
    benches,
    bench_gemm,
    bench_activations,
    bench_optimizer_steps,
    bench_train_steps
);
criterion_main!(benches);
