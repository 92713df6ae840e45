//! The loss landscape: the cost on a plane through weight space.
//!
//! A network with P weights has a cost surface in P + 1 dimensions; a
//! picture shows a slice of it. The slice is the plane
//!
//! ```text
//! w(α, β) = w₀ + α·d₁ + β·d₂
//! ```
//!
//! through a centre w₀ (e.g. the trained weights), spanned by two
//! directions:
//!
//! - **two weights**: d₁, d₂ are unit vectors along two chosen weights, and
//!   the axes show those weights' values (every other weight stays at w₀);
//! - **random, filter-normalised** (Li et al., "Visualizing the Loss Landscape
//!   of Neural Nets", 2018): Gaussian directions rescaled neuron by neuron to
//!   the norm of that neuron's incoming weights, biases left out, so that the
//!   picture does not depend on the scale of each layer;
//! - **PCA of a trajectory**: the two main directions in which training
//!   moved (Li et al. §6), so that a training path projects onto the plane
//!   with little loss;
//! - **between two minima**: d₁ = w_b − w_a, d₂ a filter-normalised
//!   direction made orthogonal to it; the minima sit at (0, 0) and (1, 0).

use crate::analysis::evenly_spaced;
use crate::element::Float;
use crate::error::{Error, Result};
use crate::nn::network::{Network, Workspace};
use crate::nn::parameter_ref::ParameterRef;
use crate::setting::Setting;
use crate::train::trainer::Examples;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};
use serde::{Deserialize, Serialize};

/// A plane through weight space (see the module doc).
#[derive(Debug, Clone, PartialEq)]
pub struct Plane {
    /// w₀, every parameter in the documented order.
    pub center: Vec<f64>,
    /// d₁.
    pub first: Vec<f64>,
    /// d₂.
    pub second: Vec<f64>,
    /// Added to (α, β) when the axes show weight values (the two-weight
    /// plane): the chosen weights' values at the centre. Zero otherwise.
    pub origin: (f64, f64),
}

impl Plane {
    /// The plane of two weights, through `network`'s weights; the
    /// coordinates are the weights' own values.
    pub fn of_weights<T: Float>(
        network: &Network<T>,
        a: ParameterRef,
        b: ParameterRef,
    ) -> Result<Plane> {
        if a == b {
            return Err(Error::setting(
                Setting::Params,
                "the two weights must differ",
            ));
        }
        let center = network.to_flat();
        let (ia, ib) = (flat_index(network, a), flat_index(network, b));
        let mut first = vec![0.0; center.len()];
        let mut second = vec![0.0; center.len()];
        first[ia] = 1.0;
        second[ib] = 1.0;
        Ok(Plane {
            origin: (center[ia], center[ib]),
            center,
            first,
            second,
        })
    }

    /// Two random filter-normalised directions through `network`'s weights.
    pub fn random<T: Float>(network: &Network<T>, seed: u64) -> Plane {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let first = filter_normalised_direction(network, &mut rng);
        let second = filter_normalised_direction(network, &mut rng);
        Plane {
            center: network.to_flat(),
            first,
            second,
            origin: (0.0, 0.0),
        }
    }

    /// The plane through `a` (at (0, 0)) and `b` (at (1, 0)); d₂ is a
    /// random filter-normalised direction orthogonal to b − a.
    pub fn between<T: Float>(a: &Network<T>, b: &Network<T>, seed: u64) -> Plane {
        let center = a.to_flat();
        let first: Vec<f64> = b
            .to_flat()
            .iter()
            .zip(&center)
            .map(|(b, a)| b - a)
            .collect();
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut second = filter_normalised_direction(a, &mut rng);
        remove_component(&mut second, &first);
        rescale(&mut second, norm(&first));
        Plane {
            center,
            first,
            second,
            origin: (0.0, 0.0),
        }
    }

    /// The two principal directions of the moves of `trajectory` (weights
    /// after each epoch) relative to its last point, which is the centre.
    /// Each direction is scaled to the length of the largest move, so the
    /// start of the path lies within about ±1.
    pub fn of_trajectory(trajectory: &[Vec<f64>]) -> Result<Plane> {
        let center = trajectory
            .last()
            .ok_or_else(|| Error::setting(Setting::Trajectory, "no points"))?
            .clone();
        let moves: Vec<Vec<f64>> = trajectory
            .iter()
            .map(|w| w.iter().zip(&center).map(|(w, c)| w - c).collect())
            .collect();
        let largest = moves.iter().map(|m| norm(m)).fold(0.0, f64::max);
        if largest == 0.0 {
            return Err(Error::setting(
                Setting::Trajectory,
                "the weights never moved",
            ));
        }
        let mut first = principal_direction(&moves, None);
        let mut second = principal_direction(&moves, Some(&first));
        rescale(&mut first, largest);
        rescale(&mut second, largest);
        Ok(Plane {
            center,
            first,
            second,
            origin: (0.0, 0.0),
        })
    }

    /// The weights at plane coordinates (x, y).
    pub fn point(&self, x: f64, y: f64) -> Vec<f64> {
        let (alpha, beta) = (x - self.origin.0, y - self.origin.1);
        self.center
            .iter()
            .zip(self.first.iter().zip(&self.second))
            .map(|(c, (d1, d2))| c + alpha * d1 + beta * d2)
            .collect()
    }

    /// The plane coordinates nearest to `weights` (least squares on d₁, d₂).
    pub fn project(&self, weights: &[f64]) -> (f64, f64) {
        let offset: Vec<f64> = weights
            .iter()
            .zip(&self.center)
            .map(|(w, c)| w - c)
            .collect();
        let (g11, g12, g22) = (
            dot(&self.first, &self.first),
            dot(&self.first, &self.second),
            dot(&self.second, &self.second),
        );
        let (r1, r2) = (dot(&self.first, &offset), dot(&self.second, &offset));
        let det = g11 * g22 - g12 * g12;
        let (alpha, beta) = if det.abs() > 1e-300 {
            ((g22 * r1 - g12 * r2) / det, (g11 * r2 - g12 * r1) / det)
        } else {
            (r1 / g11.max(1e-300), 0.0)
        };
        (alpha + self.origin.0, beta + self.origin.1)
    }
}

/// The cost over a grid of plane coordinates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Landscape {
    /// x coordinates, ascending.
    pub xs: Vec<f64>,
    /// y coordinates, ascending.
    pub ys: Vec<f64>,
    /// `costs[iy * xs.len() + ix]`: the mean cost at (`xs[ix]`, `ys[iy]`).
    pub costs: Vec<f64>,
}

/// Evaluates the mean cost of `network`'s architecture over `rows` at every
/// point of a `resolution × resolution` grid spanning `x_range` × `y_range`.
pub fn landscape<T: Float>(
    network: &Network<T>,
    rows: &Examples<T>,
    plane: &Plane,
    x_range: (f64, f64),
    y_range: (f64, f64),
    resolution: usize,
) -> Result<Landscape> {
    let xs = evenly_spaced(x_range, resolution)?;
    let ys = evenly_spaced(y_range, resolution)?;
    let mut probe = network.clone();
    let mut workspace = Workspace::new(network.architecture(), rows.len());
    let mut costs = Vec::with_capacity(resolution * resolution);
    for &y in &ys {
        for &x in &xs {
            probe.set_flat(&plane.point(x, y));
            costs.push(probe.cost(&rows.inputs, &rows.targets, &mut workspace));
        }
    }
    Ok(Landscape { xs, ys, costs })
}

/// Index of `p` in the flat, documented parameter order.
fn flat_index<T: Float>(network: &Network<T>, p: ParameterRef) -> usize {
    (0..p.tensor)
        .map(|t| network.tensor(t).len())
        .sum::<usize>()
        + p.index
}

/// A Gaussian direction with each neuron's incoming weights rescaled to the
/// norm of that neuron's weights in `network`; zero on the biases.
fn filter_normalised_direction<T: Float>(network: &Network<T>, rng: &mut ChaCha8Rng) -> Vec<f64> {
    let mut direction = Vec::with_capacity(network.parameter_count());
    for layer in &network.layers {
        for neuron in layer.weight.iter_rows() {
            let raw: Vec<f64> = neuron.iter().map(|_| StandardNormal.sample(rng)).collect();
            let target = neuron
                .iter()
                .map(|w| w.as_f64().powi(2))
                .sum::<f64>()
                .sqrt();
            let scale = target / norm(&raw).max(1e-300);
            direction.extend(raw.iter().map(|d| d * scale));
        }
        direction.extend(std::iter::repeat_n(0.0, layer.bias.len()));
    }
    direction
}

/// The unit direction of largest spread of `points` (their second moment;
/// the points are moves from the centre), orthogonal to `other` if given:
/// power iteration on the Gram matrix of the points, which has one row per
/// point rather than per weight.
fn principal_direction(points: &[Vec<f64>], other: Option<&Vec<f64>>) -> Vec<f64> {
    let mut points = points.to_vec();
    if let Some(other) = other {
        for point in &mut points {
            remove_component(point, other);
        }
    }
    let gram: Vec<Vec<f64>> = points
        .iter()
        .map(|a| points.iter().map(|b| dot(a, b)).collect())
        .collect();
    let mut coefficients = vec![1.0; points.len()];
    for _ in 0..200 {
        let next: Vec<f64> = gram.iter().map(|row| dot(row, &coefficients)).collect();
        let length = norm(&next);
        if length == 0.0 {
            break;
        }
        coefficients = next.iter().map(|c| c / length).collect();
    }
    let mut direction = vec![0.0; points.first().map_or(0, Vec::len)];
    for (point, &c) in points.iter().zip(&coefficients) {
        for (d, p) in direction.iter_mut().zip(point) {
            *d += c * p;
        }
    }
    rescale(&mut direction, 1.0);
    direction
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn norm(a: &[f64]) -> f64 {
    dot(a, a).sqrt()
}

/// `v ← v − (v·u / u·u) u`.
fn remove_component(v: &mut [f64], u: &[f64]) {
    let uu = dot(u, u);
    if uu > 0.0 {
        let factor = dot(v, u) / uu;
        for (x, y) in v.iter_mut().zip(u) {
            *x -= factor * y;
        }
    }
}

/// Scales `v` to length `length` (left alone if it is zero).
fn rescale(v: &mut [f64], length: f64) {
    let current = norm(v);
    if current > 0.0 {
        for x in v.iter_mut() {
            *x *= length / current;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matrix::Matrix;
    use crate::nn::activation::Activation;
    use crate::nn::init::Init;
    use crate::nn::loss::{Loss, Targets};
    use crate::nn::network::Architecture;

    fn tiny() -> (Network<f64>, Examples<f64>) {
        let architecture = Architecture::new(2, &[3], Activation::Tanh, 1, Loss::Mse);
        let network = Network::new(architecture, Init::Xavier, 4).unwrap();
        let inputs =
            Matrix::from_rows(&[vec![0.1, 0.9], vec![0.5, -0.2], vec![-0.8, 0.7]]).unwrap();
        let targets = Matrix::from_rows(&[vec![0.3], vec![-0.6], vec![0.1]]).unwrap();
        (
            network,
            Examples {
                inputs,
                targets: Targets::Values(targets),
            },
        )
    }

    #[test]
    fn the_two_weight_plane_shows_the_weights_own_values() {
        let (network, rows) = tiny();
        let (a, b) = (
            ParameterRef {
                tensor: 0,
                index: 1,
            },
            ParameterRef {
                tensor: 2,
                index: 0,
            },
        );
        let plane = Plane::of_weights(&network, a, b).unwrap();
        let (wa, wb) = (network.tensor(0)[1], network.tensor(2)[0]);
        assert_eq!(plane.project(&network.to_flat()), (wa, wb));
        let map = landscape(
            &network,
            &rows,
            &plane,
            (wa - 1.0, wa + 1.0),
            (wb - 1.0, wb + 1.0),
            3,
        )
        .unwrap();
        // The grid centre is the network itself.
        let mut workspace = Workspace::new(network.architecture(), 3);
        let here = network.cost(&rows.inputs, &rows.targets, &mut workspace);
        assert!((map.costs[4] - here).abs() < 1e-12);
        assert_eq!(map.costs.len(), 9);
    }

    #[test]
    fn random_directions_are_filter_normalised() {
        let (network, _) = tiny();
        let plane = Plane::random(&network, 9);
        // Neuron 0 of layer 0: its direction has the norm of its weights.
        let w = network.layers[0].weight.row(0);
        let expected = w.iter().map(|x| x * x).sum::<f64>().sqrt();
        let got = plane.first[..2].iter().map(|x| x * x).sum::<f64>().sqrt();
        assert!((got - expected).abs() < 1e-12);
        // Biases of layer 0 (indices 6..9) are not moved.
        assert!(plane.first[6..9].iter().all(|&d| d == 0.0));
    }

    #[test]
    fn the_plane_between_two_networks_puts_them_at_0_and_1() {
        let (a, _) = tiny();
        let b = Network::new(a.architecture().clone(), Init::Xavier, 5).unwrap();
        let plane = Plane::between(&a, &b, 1);
        let (x, y) = plane.project(&b.to_flat());
        assert!((x - 1.0).abs() < 1e-12 && y.abs() < 1e-12, "{x} {y}");
        let back = plane.point(1.0, 0.0);
        assert!(back
            .iter()
            .zip(b.to_flat())
            .all(|(p, q)| (p - q).abs() < 1e-12));
    }

    #[test]
    fn a_straight_trajectory_lies_along_the_first_pca_direction() {
        let points: Vec<Vec<f64>> = (0..5)
            .map(|t| vec![t as f64, 2.0 * t as f64, 0.0])
            .collect();
        let plane = Plane::of_trajectory(&points).unwrap();
        let (x, y) = plane.project(&points[0]);
        assert!((x.abs() - 1.0).abs() < 1e-9, "{x}");
        assert!(y.abs() < 1e-9, "{y}");
    }
}
