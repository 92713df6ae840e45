//! The rows of a softmax cross-entropy neuron slice, with the rows whose
//! inputs to the neuron and outputs without it are equal merged into one
//! group.
//!
//! Such rows have the same logits z = base + v·h at every grid point, so a
//! group G of n_G rows, n_{G,c} of them of class c, adds
//!
//! ```text
//! Σ_{r ∈ G} (lse(z) − z[c_r])  =  n_G·lse(z_G) − Σ_c n_{G,c}·z_G[c],
//! ```
//!
//! lse the log-sum-exp: one activation and one log-sum-exp per group instead
//! of one per row. (The outputs without the neuron, `base`, are a function
//! of the same inputs, so they split no group in practice; they are part of
//! the key so that the merge is exact whatever the rounding.)

use super::distinct_rows::equal_rows;
use crate::element::Float;
use crate::nn::loss::logsumexp;

/// The merged rows (see the module doc), field by field, groups in Morton
/// order of their inputs.
#[derive(Debug, Clone)]
pub struct ClassRows<T> {
    /// Per neuron input: the value of each group.
    pub inputs: Vec<Vec<T>>,
    /// Per output k: base[k] of each group.
    base: Vec<Vec<T>>,
    /// Per output k: n_{G,k}, the group's rows of class k.
    class_rows: Vec<Vec<f64>>,
    /// n_G per group.
    rows: Vec<f64>,
}

impl<T: Float> ClassRows<T> {
    /// Merges the rows of the neuron's input columns `inputs`, the output
    /// columns without the neuron `base` and the true classes `classes`.
    pub fn new(inputs: &[Vec<T>], base: &[Vec<T>], classes: &[usize]) -> Self {
        let mut merged = ClassRows {
            inputs: vec![Vec::new(); inputs.len()],
            base: vec![Vec::new(); base.len()],
            class_rows: vec![Vec::new(); base.len()],
            rows: Vec::new(),
        };
        for group in equal_rows(inputs, base) {
            let first = group[0];
            for (merged, column) in merged.inputs.iter_mut().zip(inputs) {
                merged.push(column[first]);
            }
            for (merged, column) in merged.base.iter_mut().zip(base) {
                merged.push(column[first]);
            }
            for (k, counts) in merged.class_rows.iter_mut().enumerate() {
                counts.push(group.iter().filter(|&&r| classes[r] == k).count() as f64);
            }
            merged.rows.push(group.len() as f64);
        }
        merged
    }

    /// The number of groups.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Group `g`'s cost when the neuron's activation is `h`, with the
    /// neuron's weights `out_weights` into the outputs; `logits` is scratch
    /// with one place per output.
    pub fn group_cost(&self, g: usize, h: T, out_weights: &[T], logits: &mut [T]) -> f64 {
        for ((z, base), &v) in logits.iter_mut().zip(&self.base).zip(out_weights) {
            *z = base[g] + v * h;
        }
        let true_logits: f64 = logits
            .iter()
            .zip(&self.class_rows)
            .map(|(z, counts)| counts[g] * z.as_f64())
            .sum();
        self.rows[g] * logsumexp(logits).as_f64() - true_logits
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_rows_merge_and_the_cross_entropy_is_unchanged() {
        // Rows 0, 2 and 3 share their input and base; row 1 differs.
        let inputs = vec![vec![0.5f64, 1.0, 0.5, 0.5]];
        let base = vec![vec![0.1, 0.2, 0.1, 0.1], vec![-0.3, 0.4, -0.3, -0.3]];
        let classes = [0, 1, 1, 0];
        let merged = ClassRows::new(&inputs, &base, &classes);
        assert_eq!(merged.len(), 2);
        assert_eq!(merged.rows, vec![3.0, 1.0]);
        assert_eq!(merged.class_rows, vec![vec![2.0, 0.0], vec![1.0, 1.0]]);
        // Σ over rows of lse(z) − z[c], z = base + v·h with h per group.
        let (v, h) = ([0.5, -1.5], [0.25, -0.75]);
        let group_of = |r: usize| usize::from(r == 1);
        let by_rows: f64 = (0..4)
            .map(|r| {
                let z: Vec<f64> = (0..2).map(|k| base[k][r] + v[k] * h[group_of(r)]).collect();
                logsumexp(&z) - z[classes[r]]
            })
            .sum();
        let mut logits = [0.0; 2];
        let by_groups: f64 = (0..2)
            .map(|g| merged.group_cost(g, h[g], &v, &mut logits))
            .sum();
        assert!(
            (by_rows - by_groups).abs() < 1e-12,
            "{by_rows} vs {by_groups}"
        );
    }
}
