//! The curvature of the cost: the largest eigenvalue λ_max of its Hessian,
//! and the learning rates it allows (LeCun et al., "Efficient BackProp",
//! 1998, §5–7).
//!
//! Near a minimum the cost is about quadratic, C(w) ≈ C* + ½ (w − w*)ᵀ H (w − w*),
//! and one step of gradient descent multiplies the error along the
//! eigenvector of eigenvalue λ by (1 − η λ). So:
//!
//! ```text
//! η_opt = 1 / λ_max     the fastest rate along the steepest direction
//! η < 2 / λ_max         every direction shrinks: batch gradient descent converges
//! η > 2 / λ_max         the steepest direction grows by |1 − η λ_max| > 1 a step: it diverges
//! ```
//!
//! H is never formed (P² numbers for P weights). The power method needs only
//! Hessian-vector products, and each comes from two gradients by central
//! differences along the vector:
//!
//! ```text
//! H v ≈ (∇C(w + ε v) − ∇C(w − ε v)) / 2ε          (error O(ε²))
//! v ← H v / ‖H v‖,  λ ← vᵀ H v                      (until λ settles)
//! ```
//!
//! The power method finds the eigenvalue of largest magnitude. Away from a
//! minimum that one can be negative (a direction of negative curvature);
//! the largest positive one is then found by the same method on H − λ₁ I,
//! whose eigenvalues are all ≤ 0 but for the shifted positive ones.
//!
//! Everything is computed in f64 on the cost over all the given rows (the
//! batch gradient), as batch gradient descent sees it.

use crate::error::{Error, Result};
use crate::nn::network::{Gradients, Network, Workspace};
use crate::setting::Setting;
use crate::train::trainer::{BatchSize, Control, Examples, TrainSettings};
use crate::train::training::train;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};
use serde::{Deserialize, Serialize};

/// How the power method runs.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CurvatureSettings {
    /// Power-method iterations at most (each one Hessian-vector product).
    pub max_iterations: usize,
    /// Stop when λ changes by less than this share of itself.
    pub tolerance: f64,
    /// Step ε of the central difference of gradients.
    pub epsilon: f64,
    /// Seed of the random start vector.
    pub seed: u64,
}

impl Default for CurvatureSettings {
    fn default() -> Self {
        CurvatureSettings {
            max_iterations: 500,
            tolerance: 1e-7,
            epsilon: 1e-4,
            seed: 1,
        }
    }
}

impl CurvatureSettings {
    /// Checks the settings; the error names the one that is wrong.
    pub fn validate(&self) -> Result<()> {
        if self.max_iterations == 0 {
            return Err(Error::setting(
                Setting::Iterations,
                "0 (must be at least 1)",
            ));
        }
        for (setting, value) in [
            (Setting::Tolerance, self.tolerance),
            (Setting::CurvatureEpsilon, self.epsilon),
        ] {
            if !(value.is_finite() && value > 0.0) {
                return Err(Error::setting(
                    setting,
                    format!("{value} (must be positive)"),
                ));
            }
        }
        Ok(())
    }
}

/// The largest eigenvalue of the Hessian and the learning rates it allows.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Curvature {
    /// λ_max, the largest eigenvalue of the Hessian of the mean cost.
    pub lambda_max: f64,
    /// The eigenvalue of largest magnitude (equal to λ_max unless the
    /// Hessian has a more negative one).
    pub largest_magnitude: f64,
    /// 1 / λ_max: the fastest rate along the steepest direction.
    pub optimal_learning_rate: f64,
    /// 2 / λ_max: above this rate batch gradient descent diverges.
    pub divergence_learning_rate: f64,
    /// Hessian-vector products computed (two gradients each).
    pub hessian_vector_products: usize,
    /// True when every power iteration settled within the tolerance.
    pub converged: bool,
    /// Weights and biases of the network.
    pub parameters: usize,
    /// Rows of the cost.
    pub rows: usize,
}

/// H v by central differences of backprop's gradient, with its buffers
/// made once.
pub struct HessianVectorProduct<'a> {
    network: Network<f64>,
    examples: &'a Examples<f64>,
    epsilon: f64,
    workspace: Workspace<f64>,
    plus: Gradients<f64>,
    minus: Gradients<f64>,
    centre: Vec<f64>,
    /// Products computed so far.
    pub count: usize,
}

impl<'a> HessianVectorProduct<'a> {
    /// Products at the weights of `network`, for the mean cost over
    /// `examples`, with step `epsilon`.
    pub fn new(network: &Network<f64>, examples: &'a Examples<f64>, epsilon: f64) -> Self {
        HessianVectorProduct {
            network: network.clone(),
            examples,
            epsilon,
            workspace: Workspace::new(network.architecture(), examples.len()),
            plus: Gradients::zeros_like(network),
            minus: Gradients::zeros_like(network),
            centre: network.to_flat(),
            count: 0,
        }
    }

    /// (∇C(w + ε v) − ∇C(w − ε v)) / 2ε, in the order of
    /// [`Network::to_flat`].
    pub fn apply(&mut self, v: &[f64]) -> Vec<f64> {
        let (x, targets) = (&self.examples.inputs, &self.examples.targets);
        for (sign, gradients) in [(1.0, &mut self.plus), (-1.0, &mut self.minus)] {
            let moved: Vec<f64> = self
                .centre
                .iter()
                .zip(v)
                .map(|(w, d)| w + sign * self.epsilon * d)
                .collect();
            self.network.set_flat(&moved);
            self.network
                .gradient(x, targets, &mut self.workspace, gradients);
        }
        self.network.set_flat(&self.centre);
        self.count += 1;
        let plus = self.plus.slices().flatten();
        let minus = self.minus.slices().flatten();
        plus.zip(minus)
            .map(|(p, m)| (p - m) / (2.0 * self.epsilon))
            .collect()
    }
}

/// λ_max of the Hessian of `network`'s mean cost over `examples` (see the
/// module doc). `progress` sees each iteration's estimate.
pub fn largest_eigenvalue(
    network: &Network<f64>,
    examples: &Examples<f64>,
    settings: &CurvatureSettings,
    mut progress: impl FnMut(usize, f64),
) -> Result<Curvature> {
    settings.validate()?;
    if examples.is_empty() {
        return Err(Error::setting(
            Setting::Rows,
            "there are no rows to measure the cost on",
        ));
    }
    let mut product = HessianVectorProduct::new(network, examples, settings.epsilon);
    let first = power_method(&mut product, 0.0, settings, &mut progress);
    let lambda_max = if first.value >= 0.0 {
        first
    } else {
        let shifted = power_method(&mut product, first.value, settings, &mut progress);
        PowerResult {
            value: shifted.value + first.value,
            converged: first.converged && shifted.converged,
        }
    };
    let lambda = lambda_max.value;
    if !(lambda.is_finite() && lambda > 0.0) {
        return Err(Error::setting(
            Setting::Curvature,
            format!("the Hessian has no positive eigenvalue here (λ = {lambda}): the cost is not curved upwards in any direction"),
        ));
    }
    Ok(Curvature {
        lambda_max: lambda,
        largest_magnitude: first.value,
        optimal_learning_rate: 1.0 / lambda,
        divergence_learning_rate: 2.0 / lambda,
        hessian_vector_products: product.count,
        converged: first.converged && lambda_max.converged,
        parameters: network.parameter_count(),
        rows: examples.len(),
    })
}

/// An eigenvalue estimate and whether it settled.
#[derive(Debug, Clone, Copy)]
struct PowerResult {
    value: f64,
    converged: bool,
}

/// The power method on H − shift·I: its eigenvalue of largest magnitude.
fn power_method(
    product: &mut HessianVectorProduct<'_>,
    shift: f64,
    settings: &CurvatureSettings,
    progress: &mut impl FnMut(usize, f64),
) -> PowerResult {
    let mut rng = ChaCha8Rng::seed_from_u64(settings.seed);
    let start: Vec<f64> = (0..product.centre.len())
        .map(|_| StandardNormal.sample(&mut rng))
        .collect();
    let mut v = normalised(start);
    let mut estimate = f64::NAN;
    for iteration in 1..=settings.max_iterations {
        let mut hv = product.apply(&v);
        for (h, x) in hv.iter_mut().zip(&v) {
            *h -= shift * x;
        }
        let rayleigh: f64 = hv.iter().zip(&v).map(|(h, x)| h * x).sum();
        progress(iteration, rayleigh + shift);
        let settled = (rayleigh - estimate).abs() <= settings.tolerance * rayleigh.abs();
        estimate = rayleigh;
        if settled || !rayleigh.is_finite() {
            return PowerResult {
                value: rayleigh,
                converged: settled,
            };
        }
        v = normalised(hv);
    }
    PowerResult {
        value: estimate,
        converged: false,
    }
}

/// `v / ‖v‖₂` (a zero vector stays zero).
fn normalised(v: Vec<f64>) -> Vec<f64> {
    let norm = v.iter().map(|x| x * x).sum::<f64>().sqrt();
    if norm == 0.0 {
        return v;
    }
    v.into_iter().map(|x| x / norm).collect()
}

/// One run of batch gradient descent at a fixed learning rate.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RateRun {
    /// The learning rate η.
    pub learning_rate: f64,
    /// η as a multiple of 2 / λ_max.
    pub of_divergence_rate: f64,
    /// The mean cost before the first step.
    pub start_cost: f64,
    /// The mean cost after the last step (NaN if it diverged).
    pub end_cost: f64,
    /// Steps taken before it stopped (all of them unless it diverged).
    pub steps: u64,
    /// True when the cost or a weight stopped being finite.
    pub diverged: bool,
}

/// Batch gradient descent (plain SGD rule, whole set, fixed order) from the
/// weights of `network` for `steps` steps at each rate of `multiples` ×
/// 2 / λ_max: the check that the rate bound is real.
pub fn check_rates(
    network: &Network<f64>,
    examples: &Examples<f64>,
    curvature: &Curvature,
    multiples: &[f64],
    steps: usize,
) -> Result<Vec<RateRun>> {
    let start_cost = crate::train::evaluation::evaluate_cost(network, examples);
    multiples
        .iter()
        .map(|&multiple| {
            let learning_rate = multiple * curvature.divergence_learning_rate;
            let settings = TrainSettings {
                learning_rate,
                batch_size: BatchSize::Full,
                epochs: steps,
                shuffle: false,
                ..Default::default()
            };
            let mut trained = network.clone();
            let data = crate::train::trainer::DataSets::train_only(examples);
            let run = train(&mut trained, data, &settings, |_| Control::Continue);
            let (end_cost, steps, diverged) = match run {
                Ok(history) => {
                    let last = history.epochs.last().map_or(f64::NAN, |r| r.train_cost);
                    (last, history.steps, false)
                }
                Err(Error::Diverged { epoch, .. }) => (f64::NAN, epoch as u64 - 1, true),
                Err(other) => return Err(other),
            };
            Ok(RateRun {
                learning_rate,
                of_divergence_rate: multiple,
                start_cost,
                end_cost,
                steps,
                diverged,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matrix::Matrix;
    use crate::nn::activation::Activation;
    use crate::nn::init::Init;
    use crate::nn::loss::{Loss, Targets};
    use crate::nn::network::Architecture;

    /// 40 rows of two inputs with different spreads, and a target.
    fn rows() -> Examples<f64> {
        let x: Vec<f64> = (0..40)
            .flat_map(|i| {
                let t = f64::from(i) / 39.0;
                [2.0 * t - 1.0, 0.3 * (t * 7.0).sin()]
            })
            .collect();
        let y = (0..40).map(|i| f64::from(i % 5) / 4.0).collect();
        Examples {
            inputs: Matrix::from_vec(40, 2, x).unwrap(),
            targets: Targets::Values(Matrix::from_vec(40, 1, y).unwrap()),
        }
    }

    /// The largest eigenvalue of a symmetric matrix by Jacobi rotations: an
    /// independent method to check the power method against.
    fn jacobi_largest(mut a: Vec<Vec<f64>>) -> f64 {
        let n = a.len();
        for _ in 0..100 {
            for p in 0..n {
                for q in p + 1..n {
                    if a[p][q].abs() < 1e-300 {
                        continue;
                    }
                    let theta = (a[q][q] - a[p][p]) / (2.0 * a[p][q]);
                    let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                    let c = 1.0 / (t * t + 1.0).sqrt();
                    let s = t * c;
                    for row in a.iter_mut() {
                        let (akp, akq) = (row[p], row[q]);
                        row[p] = c * akp - s * akq;
                        row[q] = s * akp + c * akq;
                    }
                    let (row_p, row_q) = (a[p].clone(), a[q].clone());
                    for k in 0..n {
                        a[p][k] = c * row_p[k] - s * row_q[k];
                        a[q][k] = s * row_p[k] + c * row_q[k];
                    }
                }
            }
        }
        (0..n).map(|i| a[i][i]).fold(f64::MIN, f64::max)
    }

    #[test]
    fn a_linear_neurons_curvature_is_that_of_its_normal_equations() {
        // One linear neuron with the MSE C = mean (w·x + b − y)²: the
        // Hessian is exactly 2/N · X̃ᵀX̃ with X̃ = [x, 1], whatever the weights.
        let examples = rows();
        let architecture = Architecture::new(2, &[], Activation::Linear, 1, Loss::Mse);
        let network = Network::<f64>::new(architecture, Init::Xavier, 3).unwrap();
        let n = examples.len() as f64;
        let columns = |r: &[f64]| [r[0], r[1], 1.0];
        let mut h = vec![vec![0.0; 3]; 3];
        for row in examples.inputs.iter_rows() {
            let x = columns(row);
            for i in 0..3 {
                for j in 0..3 {
                    h[i][j] += 2.0 / n * x[i] * x[j];
                }
            }
        }
        let expected = jacobi_largest(h);
        let curvature = largest_eigenvalue(
            &network,
            &examples,
            &CurvatureSettings::default(),
            |_, _| {},
        )
        .unwrap();
        assert!(curvature.converged);
        let error = (curvature.lambda_max - expected).abs() / expected;
        assert!(error < 1e-6, "{} vs {expected}", curvature.lambda_max);
        assert_eq!(
            curvature.divergence_learning_rate,
            2.0 / curvature.lambda_max
        );
    }

    #[test]
    fn batch_descent_converges_below_two_over_lambda_and_diverges_above() {
        let examples = rows();
        let architecture = Architecture::new(2, &[], Activation::Linear, 1, Loss::Mse);
        let network = Network::<f64>::new(architecture, Init::Xavier, 3).unwrap();
        let curvature = largest_eigenvalue(
            &network,
            &examples,
            &CurvatureSettings::default(),
            |_, _| {},
        )
        .unwrap();
        let runs = check_rates(&network, &examples, &curvature, &[0.9, 1.1], 2000).unwrap();
        let (below, above) = (&runs[0], &runs[1]);
        assert!(
            !below.diverged && below.end_cost < below.start_cost,
            "{below:?}"
        );
        assert!(above.diverged, "{above:?}");
    }

    #[test]
    fn a_hessian_vector_product_is_symmetric() {
        // uᵀ H v = vᵀ H u for a small tanh network (H is symmetric).
        let examples = rows();
        let architecture = Architecture::new(2, &[3], Activation::Tanh, 1, Loss::Mse);
        let network = Network::<f64>::new(architecture, Init::Xavier, 5).unwrap();
        let p = network.parameter_count();
        let u: Vec<f64> = (0..p).map(|i| ((i * 7 % 5) as f64 - 2.0) / 3.0).collect();
        let v: Vec<f64> = (0..p).map(|i| ((i * 3 % 4) as f64 - 1.5) / 2.0).collect();
        let mut product = HessianVectorProduct::new(&network, &examples, 1e-4);
        let hv = product.apply(&v);
        let hu = product.apply(&u);
        let u_hv: f64 = u.iter().zip(&hv).map(|(a, b)| a * b).sum();
        let v_hu: f64 = v.iter().zip(&hu).map(|(a, b)| a * b).sum();
        assert!(
            (u_hv - v_hu).abs() < 1e-7 * (1.0 + u_hv.abs()),
            "{u_hv} {v_hu}"
        );
        assert_eq!(product.count, 2);
    }
}
