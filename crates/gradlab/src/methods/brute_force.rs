//! Brute force: try every value on a grid for K chosen weights, keep the
//! combination with the lowest cost. The course's first way of "training".
//!
//! With the course's grid, [−100, 100] in steps of 0.1, each weight takes
//! 2,001 values, so K weights cost 2,001^K evaluations of the cost over the
//! training rows: 2,001 for one weight, 4,004,001 for two, about 5·10^29 for
//! the nine weights of a 2-2-1 network. That growth is the lesson; the
//! numerical gradient and backprop are the way out.
//!
//! # Grid order
//!
//! Point p of a K-weight grid with n values per axis sets weight k to value
//! index i_k, where p = i_0·n^(K−1) + … + i_(K−1): the first weight varies
//! slowest. For K = 2 the costs form an n × n row-major matrix, rows
//! indexed by the first weight.
//!
//! # Work per point
//!
//! The weights not searched stay fixed, so every activation *before* the
//! first layer that holds a searched weight is the same at every point: it
//! is computed once, and each point runs the forward pass from that layer
//! on ([`Network::forward_from`]). The points are shared out among threads
//! in contiguous ranges; ties go to the lower point index, so the result
//! does not depend on the thread count.

use crate::element::Float;
use crate::error::{Error, Result};
use crate::matrix::Matrix;
use crate::methods::neuron_slice::NeuronSlice;
use crate::nn::loss::Targets;
use crate::nn::network::{Network, Workspace};
use crate::nn::parameter_ref::ParameterRef;
use crate::setting::Setting;
use crate::train::trainer::Examples;
use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

/// The values one weight takes: `low, low + step, …, high`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GridAxis {
    /// First value.
    pub low: f64,
    /// Last value.
    pub high: f64,
    /// Distance between neighbouring values.
    pub step: f64,
}

impl Default for GridAxis {
    /// The course's grid: [−100, 100] in steps of 0.1, 2,001 values.
    fn default() -> Self {
        GridAxis {
            low: -100.0,
            high: 100.0,
            step: 0.1,
        }
    }
}

impl GridAxis {
    /// Checks that the range is finite and ordered and the step positive.
    pub fn validate(&self) -> Result<()> {
        if !(self.low.is_finite() && self.high.is_finite() && self.low < self.high) {
            return Err(Error::setting(
                Setting::Range,
                format!(
                    "{},{} (needs two finite numbers, low < high)",
                    self.low, self.high
                ),
            ));
        }
        if !(self.step.is_finite() && self.step > 0.0) {
            return Err(Error::setting(
                Setting::Step,
                format!("{} (must be positive)", self.step),
            ));
        }
        if (self.high - self.low) / self.step > 1e12 {
            return Err(Error::setting(Setting::Step, "too small for the range"));
        }
        Ok(())
    }

    /// Number of values: ⌊(high − low)/step⌋ + 1 (2,001 for the default).
    pub fn points(&self) -> u64 {
        // The small allowance keeps 200/0.1 = 1999.9999999999998 at 2000.
        ((self.high - self.low) / self.step + 1e-9).floor() as u64 + 1
    }

    /// Value number `i`: low + i·step.
    pub fn value(&self, i: u64) -> f64 {
        self.low + i as f64 * self.step
    }
}

/// The number of points of a K-weight grid with `axis_points` values per
/// weight, if it fits in a `u64`.
pub fn grid_points(axis_points: u64, weights: usize) -> Option<u64> {
    u32::try_from(weights)
        .ok()
        .and_then(|k| axis_points.checked_pow(k))
}

/// log₁₀ of the number of grid points, for grids too big to count.
pub fn log10_grid_points(axis_points: u64, weights: usize) -> f64 {
    weights as f64 * (axis_points as f64).log10()
}

/// Evaluates the mean cost over a data set with some parameters set to
/// given values. When every searched weight feeds one neuron of the last
/// hidden layer it uses [`NeuronSlice`]; otherwise it runs the forward pass
/// from the first layer holding a searched weight, reusing the activations
/// before it.
pub struct CostEvaluator<T> {
    how: Evaluation<T>,
}

enum Evaluation<T> {
    OneNeuron(NeuronSlice<T>),
    Forward(ForwardFromLayer<T>),
}

/// The general way: the forward pass from the first changed layer on.
struct ForwardFromLayer<T> {
    network: Network<T>,
    parameters: Vec<ParameterRef>,
    first_layer: usize,
    /// Per chunk of rows: the input of `first_layer` and the targets.
    chunks: Vec<(Matrix<T>, Targets<T>)>,
    rows: usize,
    workspace: Workspace<T>,
}

/// Rows per chunk when evaluating a cost.
const CHUNK_ROWS: usize = 4096;

impl<T: Float> CostEvaluator<T> {
    /// An evaluator for `parameters` of a copy of `network` over `examples`.
    pub fn new(network: &Network<T>, examples: &Examples<T>, parameters: &[ParameterRef]) -> Self {
        match NeuronSlice::new(network, examples, parameters) {
            Some(slice) => CostEvaluator {
                how: Evaluation::OneNeuron(slice),
            },
            None => Self::full_forward(network, examples, parameters),
        }
    }

    /// An evaluator that always runs the forward pass from the first changed
    /// layer (to check the fast one against).
    pub fn full_forward(
        network: &Network<T>,
        examples: &Examples<T>,
        parameters: &[ParameterRef],
    ) -> Self {
        let first_layer = parameters
            .iter()
            .map(ParameterRef::layer)
            .min()
            .unwrap_or(0);
        let capacity = examples.len().clamp(1, CHUNK_ROWS);
        let mut workspace = Workspace::new(network.architecture(), capacity);
        let chunks = chunk_rows(examples)
            .into_iter()
            .map(|(inputs, targets)| {
                let input = layer_input(network, first_layer, inputs, &mut workspace);
                (input, targets)
            })
            .collect();
        CostEvaluator {
            how: Evaluation::Forward(ForwardFromLayer {
                network: network.clone(),
                parameters: parameters.to_vec(),
                first_layer,
                chunks,
                rows: examples.len(),
                workspace,
            }),
        }
    }

    /// The mean cost with the evaluator's parameters set to `values`.
    pub fn cost_at(&mut self, values: &[f64]) -> f64 {
        match &mut self.how {
            Evaluation::OneNeuron(slice) => slice.cost_at(values),
            Evaluation::Forward(forward) => forward.cost_at(values),
        }
    }
}

impl<T: Float> ForwardFromLayer<T> {
    fn cost_at(&mut self, values: &[f64]) -> f64 {
        for (p, &value) in self.parameters.iter().zip(values) {
            self.network.tensor_mut(p.tensor)[p.index] = T::from_f64(value);
        }
        let loss = self.network.loss();
        let mut total = 0.0;
        for (input, targets) in &self.chunks {
            let output = self
                .network
                .forward_from(self.first_layer, input, &mut self.workspace);
            total += loss.cost(output, targets) * input.rows() as f64;
        }
        total / self.rows as f64
    }
}

/// The examples cut into chunks of at most [`CHUNK_ROWS`] rows.
fn chunk_rows<T: Float>(examples: &Examples<T>) -> Vec<(Matrix<T>, Targets<T>)> {
    let all: Vec<usize> = (0..examples.len()).collect();
    all.chunks(CHUNK_ROWS)
        .map(|rows| {
            let mut inputs = Matrix::zeros(rows.len(), examples.inputs.cols());
            inputs.gather_rows(&examples.inputs, rows);
            let mut targets = examples.targets.with_capacity_like(rows.len());
            targets.gather(&examples.targets, rows);
            (inputs, targets)
        })
        .collect()
}

/// The input of dense layer `layer` for `inputs`: x itself for layer 0,
/// else a_{layer−1} of a forward pass.
fn layer_input<T: Float>(
    network: &Network<T>,
    layer: usize,
    inputs: Matrix<T>,
    workspace: &mut Workspace<T>,
) -> Matrix<T> {
    if layer == 0 {
        return inputs;
    }
    network.forward(&inputs, workspace);
    workspace.activation(layer - 1).clone()
}

/// What to search.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BruteForceSettings {
    /// The weights to search; the others keep the network's values.
    pub parameters: Vec<ParameterRef>,
    /// The values each searched weight takes.
    pub axis: GridAxis,
    /// Worker threads (at least 1).
    pub threads: usize,
    /// Refuse grids with more points than this.
    pub max_evaluations: u64,
}

/// The outcome of a search.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BruteForceResult {
    /// The lowest cost found.
    pub best_cost: f64,
    /// The values of the searched weights there.
    pub best_values: Vec<f64>,
    /// Cost evaluations done (the number of grid points).
    pub evaluations: u64,
    /// Wall time.
    pub seconds: f64,
    /// For one or two weights: the cost at every grid point, in grid order.
    #[serde(skip)]
    pub costs: Option<Vec<f64>>,
}

/// Grids of one or two weights keep every cost (for the curve and the heat
/// map); larger grids keep only the best.
const MAX_KEPT_WEIGHTS: usize = 2;

/// Evaluations per second of a search with `threads` threads, measured by
/// timing `sample` points spread over the grid (`sample_values`) on one
/// thread. Spread, because a point's cost depends on where it is: where the
/// weights are large, whole blocks of rows are costed at once
/// ([`NeuronSlice`]).
pub fn measure_rate<T: Float>(
    network: &Network<T>,
    examples: &Examples<T>,
    settings: &BruteForceSettings,
    sample: u64,
) -> f64 {
    let mut evaluator = CostEvaluator::new(network, examples, &settings.parameters);
    let mut values = vec![0.0; settings.parameters.len()];
    let started = Instant::now();
    for i in 0..sample.max(1) {
        sample_values(i, sample.max(1), &settings.axis, &mut values);
        std::hint::black_box(evaluator.cost_at(&values));
    }
    let seconds = started.elapsed().as_secs_f64().max(1e-9);
    sample.max(1) as f64 / seconds * settings.threads.max(1) as f64
}

/// Sets `values` to grid point `i` of a sample of `sample` points spread
/// evenly over the grid, in any number of weights: weight k takes the grid
/// value nearest to the fraction frac((i + ½)·α_k) of the axis, with
/// α_0 = 1/`sample` (evenly spaced) and α_k = frac(k·φ) for k ≥ 1, φ the
/// golden ratio (a Kronecker lattice, which fills the cube evenly).
fn sample_values(i: u64, sample: u64, axis: &GridAxis, values: &mut [f64]) {
    const GOLDEN_RATIO: f64 = 1.618_033_988_749_895;
    let axis_points = axis.points();
    for (k, value) in values.iter_mut().enumerate() {
        let step = if k == 0 {
            1.0 / sample as f64
        } else {
            (k as f64 * GOLDEN_RATIO).fract()
        };
        let fraction = ((i as f64 + 0.5) * step).fract();
        *value = axis.value(((fraction * axis_points as f64) as u64).min(axis_points - 1));
    }
}

/// Sets `values` to the weights of grid point `point` (first weight slowest).
fn grid_values(mut point: u64, axis_points: u64, axis: &GridAxis, values: &mut [f64]) {
    for value in values.iter_mut().rev() {
        *value = axis.value(point % axis_points);
        point /= axis_points;
    }
}

/// Searches the grid. `progress` is called now and then with the number of
/// points done so far (from any thread).
pub fn search<T: Float>(
    network: &Network<T>,
    examples: &Examples<T>,
    settings: &BruteForceSettings,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<BruteForceResult> {
    settings.axis.validate()?;
    if examples.is_empty() {
        return Err(Error::setting(
            Setting::TrainingData,
            "there are no training rows",
        ));
    }
    let axis_points = settings.axis.points();
    let points = grid_points(axis_points, settings.parameters.len())
        .filter(|&p| p <= settings.max_evaluations)
        .ok_or_else(|| {
            Error::setting(
                Setting::MaxEvals,
                format!(
                    "the grid has 10^{:.1} points, more than the limit of {}",
                    log10_grid_points(axis_points, settings.parameters.len()),
                    settings.max_evaluations
                ),
            )
        })?;
    let keep = settings.parameters.len() <= MAX_KEPT_WEIGHTS;
    let mut costs = if keep {
        vec![0.0; points as usize]
    } else {
        Vec::new()
    };
    let started = Instant::now();
    let threads = settings.threads.clamp(1, points.max(1) as usize);
    let per_thread = points.div_ceil(threads as u64);
    let done = AtomicU64::new(0);
    let best = std::thread::scope(|scope| {
        let mut handles = Vec::new();
        let mut rest: &mut [f64] = &mut costs;
        for t in 0..threads as u64 {
            let range = (t * per_thread).min(points)..((t + 1) * per_thread).min(points);
            let slice;
            (slice, rest) = if keep {
                rest.split_at_mut((range.end - range.start) as usize)
            } else {
                (&mut [][..], rest)
            };
            let done = &done;
            handles.push(scope.spawn(move || {
                let mut worker = Worker::new(network, examples, settings, slice, done, progress);
                worker.run(range)
            }));
        }
        handles
            .into_iter()
            .map(|h| h.join().expect("a brute-force worker panicked"))
            .fold((f64::INFINITY, 0), best_of)
    });
    let mut best_values = vec![0.0; settings.parameters.len()];
    grid_values(best.1, axis_points, &settings.axis, &mut best_values);
    Ok(BruteForceResult {
        best_cost: best.0,
        best_values,
        evaluations: points,
        seconds: started.elapsed().as_secs_f64(),
        costs: keep.then_some(costs),
    })
}

/// The better of two (cost, point) pairs: lower cost, then lower point.
/// A NaN cost never wins.
fn best_of(a: (f64, u64), b: (f64, u64)) -> (f64, u64) {
    match (a.0.is_nan(), b.0.is_nan()) {
        (true, false) => b,
        (false, true) => a,
        _ if b.0 < a.0 || (b.0 == a.0 && b.1 < a.1) => b,
        _ => a,
    }
}

/// One thread's share of a search.
struct Worker<'a, T> {
    evaluator: CostEvaluator<T>,
    axis: GridAxis,
    axis_points: u64,
    values: Vec<f64>,
    costs: &'a mut [f64],
    done: &'a AtomicU64,
    progress: &'a (dyn Fn(u64) + Sync),
}

/// Points between progress reports.
const PROGRESS_EVERY: u64 = 4096;

impl<'a, T: Float> Worker<'a, T> {
    fn new(
        network: &Network<T>,
        examples: &'a Examples<T>,
        settings: &BruteForceSettings,
        costs: &'a mut [f64],
        done: &'a AtomicU64,
        progress: &'a (dyn Fn(u64) + Sync),
    ) -> Self {
        Worker {
            evaluator: CostEvaluator::new(network, examples, &settings.parameters),
            axis: settings.axis,
            axis_points: settings.axis.points(),
            values: vec![0.0; settings.parameters.len()],
            costs,
            done,
            progress,
        }
    }

    fn run(&mut self, range: std::ops::Range<u64>) -> (f64, u64) {
        let mut best = (f64::INFINITY, range.start);
        for (i, point) in range.clone().enumerate() {
            grid_values(point, self.axis_points, &self.axis, &mut self.values);
            let cost = self.evaluator.cost_at(&self.values);
            if let Some(slot) = self.costs.get_mut(i) {
                *slot = cost;
            }
            best = best_of(best, (cost, point));
            if (i as u64 + 1).is_multiple_of(PROGRESS_EVERY) {
                (self.progress)(
                    self.done.fetch_add(PROGRESS_EVERY, Ordering::Relaxed) + PROGRESS_EVERY,
                );
            }
        }
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::activation::Activation;
    use crate::nn::init::Init;
    use crate::nn::loss::Loss;
    use crate::nn::network::Architecture;

    fn tiny() -> (Network<f64>, Examples<f64>) {
        let architecture = Architecture::new(2, &[2], Activation::Tanh, 1, Loss::Mse);
        let network = Network::new(architecture, Init::Xavier, 1).unwrap();
        let inputs = Matrix::from_rows(&[vec![0.1, 0.9], vec![0.5, 0.2], vec![0.8, 0.7]]).unwrap();
        let targets = Matrix::from_rows(&[vec![0.3], vec![0.6], vec![0.1]]).unwrap();
        (
            network,
            Examples {
                inputs,
                targets: Targets::Values(targets),
            },
        )
    }

    #[test]
    fn the_course_grid_has_2001_points_per_weight() {
        let axis = GridAxis::default();
        assert_eq!(axis.points(), 2001);
        assert_eq!(axis.value(2000), 100.0);
        assert_eq!(grid_points(2001, 2), Some(4_004_001));
        assert_eq!(grid_points(2001, 9), None); // 5.2·10^29 does not fit in a u64
        assert!((log10_grid_points(2001, 9) - 29.72).abs() < 0.01);
    }

    #[test]
    fn names_round_trip_and_follow_the_documented_order() {
        let (network, _) = tiny();
        let all = ParameterRef::all(&network);
        assert_eq!(all.len(), 9);
        let names: Vec<String> = all.iter().map(|p| p.name(&network)).collect();
        assert_eq!(names[0], "layers.0.weight[0,0]");
        assert_eq!(names[3], "layers.0.weight[1,1]");
        assert_eq!(names[4], "layers.0.bias[0]");
        assert_eq!(names[8], "layers.1.bias[0]");
        for (p, name) in all.iter().zip(&names) {
            assert_eq!(ParameterRef::parse(name, &network).unwrap(), *p);
        }
        assert!(ParameterRef::parse("layers.0.weight[2,0]", &network).is_err());
        assert!(ParameterRef::parse("layers.5.bias[0]", &network).is_err());
    }

    #[test]
    fn evaluator_matches_a_plain_forward_pass() {
        let (network, examples) = tiny();
        for parameters in [
            ParameterRef::first(2, &network).unwrap(),
            vec![ParameterRef {
                tensor: 2,
                index: 1,
            }],
        ] {
            let mut evaluator = CostEvaluator::new(&network, &examples, &parameters);
            let values = [0.7, -1.3];
            let mut changed = network.clone();
            for (p, v) in parameters.iter().zip(values) {
                changed.tensor_mut(p.tensor)[p.index] = v;
            }
            let mut workspace = Workspace::new(network.architecture(), 3);
            let expected = changed.cost(&examples.inputs, &examples.targets, &mut workspace);
            let got = evaluator.cost_at(&values);
            assert!((got - expected).abs() < 1e-14, "{got} vs {expected}");
        }
    }

    #[test]
    fn search_finds_the_grid_minimum_whatever_the_thread_count() {
        let (network, examples) = tiny();
        let settings = |threads| BruteForceSettings {
            parameters: ParameterRef::first(2, &network).unwrap(),
            axis: GridAxis {
                low: -3.0,
                high: 3.0,
                step: 0.25,
            },
            threads,
            max_evaluations: 10_000,
        };
        let one = search(&network, &examples, &settings(1), &|_| {}).unwrap();
        let three = search(&network, &examples, &settings(3), &|_| {}).unwrap();
        assert_eq!(one.evaluations, 25 * 25);
        assert_eq!(one.best_values, three.best_values);
        assert_eq!(one.costs, three.costs);
        let costs = one.costs.unwrap();
        let minimum = costs.iter().copied().fold(f64::INFINITY, f64::min);
        assert_eq!(one.best_cost, minimum);
        // The best point's cost, recomputed from its values.
        let mut evaluator = CostEvaluator::new(&network, &examples, &settings(1).parameters);
        assert_eq!(evaluator.cost_at(&one.best_values), one.best_cost);
    }

    #[test]
    fn the_timing_sample_spreads_over_the_whole_grid() {
        let axis = GridAxis::default();
        let mut values = [0.0; 2];
        let points: Vec<[f64; 2]> = (0..200)
            .map(|i| {
                sample_values(i, 200, &axis, &mut values);
                values
            })
            .collect();
        for k in 0..2 {
            let low = points.iter().map(|p| p[k]).fold(f64::INFINITY, f64::min);
            let high = points
                .iter()
                .map(|p| p[k])
                .fold(f64::NEG_INFINITY, f64::max);
            // 200 points over [−100, 100]: each weight reaches both ends.
            assert!(low < -95.0 && high > 95.0, "weight {k}: {low} … {high}");
            // Every value is on the grid.
            for p in &points {
                let index = (p[k] - axis.low) / axis.step;
                assert!((index - index.round()).abs() < 1e-6, "{}", p[k]);
            }
        }
        // The four quadrants of the plane get a quarter each, give or take.
        for (x, y) in [(1.0, 1.0), (1.0, -1.0), (-1.0, 1.0), (-1.0, -1.0)] {
            let share = points
                .iter()
                .filter(|p| p[0] * x > 0.0 && p[1] * y > 0.0)
                .count();
            assert!(
                (40..=60).contains(&share),
                "quadrant ({x}, {y}): {share} of 200"
            );
        }
    }

    #[test]
    fn a_grid_over_the_limit_is_refused_before_any_work() {
        let (network, examples) = tiny();
        let settings = BruteForceSettings {
            parameters: ParameterRef::first(9, &network).unwrap(),
            axis: GridAxis::default(),
            threads: 2,
            max_evaluations: 1_000_000_000,
        };
        let err = search(&network, &examples, &settings, &|_| {}).unwrap_err();
        assert!(err.to_string().contains("10^29.7"), "{err}");
    }
}
