//! The rows of a one-output, squared-error neuron slice, with the rows whose
//! inputs to the neuron are equal merged into one group.
//!
//! Rows with equal inputs a[r] get the same activation h at every grid
//! point. With d[r] = base[r] − y[r], a group G of n_G such rows adds
//!
//! ```text
//! Σ_{r ∈ G} (d[r] + v·h)²  =  S_G + n_G·(m_G + v·h)²,
//! ```
//!
//! where m_G is the mean of d over G and S_G = Σ_{r ∈ G} (d[r] − m_G)²,
//! both fixed for the whole search. The cost at a grid point is therefore
//! Σ_G S_G, computed once, plus Σ_G n_G·(m_G + v·h_G)²: one activation per
//! distinct input instead of one per row. Course data repeats inputs
//! (temperatures to 0.1 °C, doses in steps of 50 mg): the fever set's 4,000
//! training rows have about 1,000 distinct inputs. Data without repeats
//! gets groups of one row and the same work as a sum row by row.
//!
//! The groups are kept in Morton (Z-curve) order of their inputs
//! ([`morton_order`]), so that neighbours in the list are neighbours in the
//! input space, which is what [`super::flat_blocks`] needs.

use crate::element::Float;
use std::cmp::Ordering;

/// Bits per input in the Morton key (at most 4 inputs · 16 bits = 64).
const MORTON_BITS: u32 = 16;

/// The most inputs a Morton key holds.
pub const MAX_INPUTS: usize = 4;

/// One group of rows with equal inputs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Group {
    /// n_G: its rows.
    pub count: usize,
    /// m_G: the mean of base − y over its rows.
    pub mean: f64,
}

/// The merged rows (see the module doc).
#[derive(Debug, Clone)]
pub struct DistinctRows<T> {
    /// Per neuron input: the value of each group, in Morton order.
    pub inputs: Vec<Vec<T>>,
    /// n_G per group, in the run precision, for the kernel.
    pub counts: Vec<T>,
    /// m_G per group, in the run precision, for the kernel.
    pub means: Vec<T>,
    /// n_G and m_G in full.
    pub groups: Vec<Group>,
    /// Σ_G S_G: the part of the squared error no weight can change.
    pub spread: f64,
}

impl<T: Float> DistinctRows<T> {
    /// Merges the rows of the neuron's input columns `columns` (at most
    /// [`MAX_INPUTS`]), the output without the neuron `base` and the
    /// targets `targets`.
    pub fn new(columns: &[Vec<T>], base: &[T], targets: &[T]) -> Self {
        let mut merged = DistinctRows {
            inputs: vec![Vec::new(); columns.len()],
            counts: Vec::new(),
            means: Vec::new(),
            groups: Vec::new(),
            spread: 0.0,
        };
        for rows in equal_rows(columns, &[]) {
            let d: Vec<f64> = rows
                .iter()
                .map(|&r| base[r].as_f64() - targets[r].as_f64())
                .collect();
            let mean = d.iter().sum::<f64>() / d.len() as f64;
            merged.spread += d.iter().map(|d| (d - mean) * (d - mean)).sum::<f64>();
            for (merged, column) in merged.inputs.iter_mut().zip(columns) {
                merged.push(column[rows[0]]);
            }
            merged.counts.push(T::from_f64(rows.len() as f64));
            merged.means.push(T::from_f64(mean));
            merged.groups.push(Group {
                count: rows.len(),
                mean,
            });
        }
        merged
    }
}

/// The rows in groups whose `inputs` and `also_equal` columns are equal, bit
/// for bit (−0 and 0 differ, which only splits a group); the groups in
/// [`morton_order`] of their inputs.
pub fn equal_rows<T: Float>(inputs: &[Vec<T>], also_equal: &[Vec<T>]) -> Vec<Vec<usize>> {
    let keys: Vec<&Vec<T>> = inputs.iter().chain(also_equal).collect();
    let equal = |r: usize, s: usize| {
        keys.iter()
            .all(|c| c[r].as_f64().to_bits() == c[s].as_f64().to_bits())
    };
    morton_order(inputs, also_equal)
        .chunk_by(|&r, &s| equal(r, s))
        .map(<[usize]>::to_vec)
        .collect()
}

/// The row order that puts rows with nearby inputs next to each other: the
/// Morton (Z-curve) order of each row's inputs, each scaled to
/// [0, 2^16) over its own range; rows in the same cell by their values,
/// then by those of `also_equal`, so equal rows end up side by side. Ties
/// keep their order.
pub fn morton_order<T: Float>(columns: &[Vec<T>], also_equal: &[Vec<T>]) -> Vec<usize> {
    let rows = columns.first().map_or(0, Vec::len);
    let cells: Vec<Vec<u64>> = columns.iter().map(|c| cell_numbers(c)).collect();
    let keys: Vec<u64> = (0..rows)
        .map(|r| {
            (0..MORTON_BITS).fold(0u64, |key, bit| {
                cells.iter().fold(key, |key, cell| {
                    (key << 1) | ((cell[r] >> (MORTON_BITS - 1 - bit)) & 1)
                })
            })
        })
        .collect();
    let by_values = |r: usize, s: usize| {
        columns
            .iter()
            .chain(also_equal)
            .map(|c| c[r].as_f64().total_cmp(&c[s].as_f64()))
            .find(|o| o.is_ne())
            .unwrap_or(Ordering::Equal)
    };
    let mut order: Vec<usize> = (0..rows).collect();
    order.sort_by(|&r, &s| keys[r].cmp(&keys[s]).then_with(|| by_values(r, s)));
    order
}

/// Each value's cell number in [0, 2^MORTON_BITS) over the column's range
/// (non-finite values and a constant column: cell 0).
fn cell_numbers<T: Float>(column: &[T]) -> Vec<u64> {
    let finite = column.iter().map(|v| v.as_f64()).filter(|v| v.is_finite());
    let low = finite.clone().fold(f64::INFINITY, f64::min);
    let high = finite.fold(f64::NEG_INFINITY, f64::max);
    let cells = f64::from(1u32 << MORTON_BITS);
    let scale = if high > low {
        (cells - 1.0) / (high - low)
    } else {
        0.0
    };
    column
        .iter()
        .map(|v| {
            let cell = (v.as_f64() - low) * scale;
            if cell.is_finite() {
                cell.clamp(0.0, cells - 1.0) as u64
            } else {
                0
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn morton_order_visits_the_four_quadrants_one_after_another() {
        // A 4 × 4 grid of points in row-major order; the Z-curve takes the
        // 2 × 2 quadrant at the origin first, then the one across x, …
        let x: Vec<f64> = (0..16).map(|p| f64::from(p % 4)).collect();
        let y: Vec<f64> = (0..16).map(|p| f64::from(p / 4)).collect();
        let order = morton_order(&[x, y], &[]);
        let quadrant = |r: usize| (r % 4 / 2, r / 4 / 2);
        for chunk in order.chunks(4) {
            assert!(
                chunk.iter().all(|&r| quadrant(r) == quadrant(chunk[0])),
                "{order:?}"
            );
        }
        let mut sorted = order.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, (0..16).collect::<Vec<_>>());
    }

    #[test]
    fn equal_rows_merge_and_the_squared_error_is_unchanged() {
        // Rows 0, 2 and 3 share their inputs; row 1 differs.
        let columns = vec![vec![0.5f64, 1.0, 0.5, 0.5], vec![2.0, 2.0, 2.0, 2.0]];
        let base = [0.25, -1.0, 0.75, 1.5];
        let targets = [1.0, 0.0, 0.5, -0.5];
        let merged = DistinctRows::new(&columns, &base, &targets);
        assert_eq!(merged.groups.len(), 2);
        assert_eq!(merged.inputs, vec![vec![0.5, 1.0], vec![2.0, 2.0]]);
        // d = base − y: rows 0, 2, 3 give −0.75, 0.25, 2.0 (mean 0.5).
        assert_eq!(
            merged.groups[0],
            Group {
                count: 3,
                mean: 0.5
            }
        );
        assert_eq!(
            merged.groups[1],
            Group {
                count: 1,
                mean: -1.0
            }
        );
        // Σ over rows of (d + v·h)², with h = a fixed activation per group,
        // equals Σ S_G + Σ n_G (m_G + v·h_G)².
        let (v, h) = (0.75, [0.3, -0.6]);
        let group_of = |r: usize| usize::from(r == 1);
        let by_rows: f64 = (0..4)
            .map(|r| (base[r] - targets[r] + v * h[group_of(r)]).powi(2))
            .sum();
        let by_groups: f64 = merged.spread
            + merged
                .groups
                .iter()
                .zip(h)
                .map(|(g, h)| g.count as f64 * (g.mean + v * h).powi(2))
                .sum::<f64>();
        assert!(
            (by_rows - by_groups).abs() < 1e-12,
            "{by_rows} vs {by_groups}"
        );
    }
}
