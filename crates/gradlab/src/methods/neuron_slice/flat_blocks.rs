//! Blocks of neighbouring groups of rows ([`super::distinct_rows`]), so that
//! brute force can cost a whole block at once where the searched neuron's
//! activation is flat.
//!
//! The neuron's input is z = b + Σ_i w_i·a_i. Over a block whose inputs lie
//! in the box lo_i ≤ a_i ≤ hi_i,
//!
//! ```text
//! z_min = b + Σ_i min(w_i·lo_i, w_i·hi_i)  ≤  z  ≤  z_max = b + Σ_i max(w_i·lo_i, w_i·hi_i).
//! ```
//!
//! When z_min is at or past the activation's upper flat threshold (or z_max
//! at or below the lower one, see [`flat_tails`]), every group
//! of the block has the same activation: f(high) (or f(low)). Nothing else
//! changes from point to point — the searched weights only move z — so the
//! block's part of the cost is then one of two numbers, computed once:
//! the sum of its groups' costs with h = f(high), or with h = f(low).
//! For squared error, a group of n rows with mean m of (output without the
//! neuron − target) costs n·(m + v·h)²; for the cross-entropy, n·lse(z) −
//! Σ_c n_c·z_c with the logits z = base + v·h. Every grid point still gets
//! its exact cost; only the sum is taken a block at a time.
//!
//! The groups are in Morton order, so a block is a small box of the input
//! space, and most blocks lie wholly on one side of the thin band where the
//! activation is not flat: on the course's grid most weights are large, and
//! the band is thin.
//!
//! The bounds are taken in f64, while the kernel sums z in the run
//! precision; a block counts as flat only with a margin
//! ([`ROUNDING_MARGIN`]) that covers the kernel's rounding, so every group
//! the shortcut covers would have given exactly h.
//!
//! The test runs over the blocks in fixed-size chunks with no branch, so it
//! vectorises; the blocks that are not flat are handed to the row-by-row
//! kernel.

use super::distinct_rows::MAX_INPUTS;
use super::flat_tails::flat_tails;
use crate::element::Float;
use crate::nn::activation::Activation;

/// Relative margin between a block's bound on z and a flat threshold: far
/// more than the rounding of b + Σ w_i·a_i in f32 (a few units of 6·10⁻⁸ of
/// |b| + Σ|w_i·a_i|).
const ROUNDING_MARGIN: f64 = 1e-5;

/// Blocks tested together, one f64 vector of the widest CPUs.
const CHUNK: usize = 8;

/// The blocks of `groups_per_block` groups (see the module doc), stored
/// field by field; a trailing partial block has none. The lists are padded
/// to whole [`CHUNK`]s with blocks that are never flat.
#[derive(Debug, Clone)]
pub struct FlatBlocks {
    blocks: usize,
    /// Per input i: the box's low and high side and max(|lo|, |hi|), per block.
    low: [Vec<f64>; MAX_INPUTS],
    high: [Vec<f64>; MAX_INPUTS],
    magnitude: [Vec<f64>; MAX_INPUTS],
    /// The block's cost when z is at or below `low_threshold`, and when it
    /// is at or above `high_threshold` (±∞ when there is no such tail).
    cost_low: Vec<f64>,
    cost_high: Vec<f64>,
    low_threshold: f64,
    high_threshold: f64,
}

impl FlatBlocks {
    /// The blocks of the groups with inputs `columns` (in Morton order), or
    /// `None` when the activation has no flat tail in precision `T`.
    /// `group_cost(g, h)` is group g's cost when its activation is h.
    pub fn new<T: Float>(
        activation: Activation,
        columns: &[Vec<T>],
        groups_per_block: usize,
        mut group_cost: impl FnMut(usize, f64) -> f64,
    ) -> Option<Self> {
        let tails = flat_tails::<T>(activation);
        if tails.low.is_none() && tails.high.is_none() || columns.len() > MAX_INPUTS {
            return None;
        }
        let h = |t: Option<f64>| t.map_or(0.0, |t| activation.value(T::from_f64(t)).as_f64());
        let (h_low, h_high) = (h(tails.low), h(tails.high));
        let groups = columns.first().map_or(0, Vec::len);
        let blocks = groups / groups_per_block;
        let mut flat = FlatBlocks {
            blocks,
            low: Default::default(),
            high: Default::default(),
            magnitude: Default::default(),
            cost_low: Vec::new(),
            cost_high: Vec::new(),
            low_threshold: tails.low.unwrap_or(f64::NEG_INFINITY),
            high_threshold: tails.high.unwrap_or(f64::INFINITY),
        };
        for k in 0..blocks.next_multiple_of(CHUNK) {
            if k < blocks {
                let range = k * groups_per_block..(k + 1) * groups_per_block;
                flat.push_box(columns, range.clone());
                let low = range.clone().map(|g| group_cost(g, h_low)).sum();
                let high = range.map(|g| group_cost(g, h_high)).sum();
                flat.cost_low.push(low);
                flat.cost_high.push(high);
            } else {
                flat.push_never_flat();
            }
        }
        Some(flat)
    }

    /// Appends the box of groups `range`.
    fn push_box<T: Float>(&mut self, columns: &[Vec<T>], range: std::ops::Range<usize>) {
        for (i, column) in columns.iter().enumerate() {
            let values = column[range.clone()].iter().map(|a| a.as_f64());
            let low = values.clone().fold(f64::INFINITY, f64::min);
            let high = values.fold(f64::NEG_INFINITY, f64::max);
            self.low[i].push(low);
            self.high[i].push(high);
            self.magnitude[i].push(low.abs().max(high.abs()));
        }
    }

    /// Appends padding: a NaN box is never flat.
    fn push_never_flat(&mut self) {
        for i in 0..MAX_INPUTS {
            self.low[i].push(f64::NAN);
            self.high[i].push(f64::NAN);
            self.magnitude[i].push(f64::NAN);
        }
        self.cost_low.push(0.0);
        self.cost_high.push(0.0);
    }

    /// The blocks at the grid point with the neuron's input weights
    /// `weights` and bias `bias`.
    pub fn at<const N: usize, T: Float>(&self, weights: &[T], bias: T) -> AtPoint<'_, N> {
        AtPoint {
            blocks: self,
            weights: std::array::from_fn(|i| weights[i].as_f64()),
            bias: bias.as_f64(),
            lanes: [0.0; CHUNK],
        }
    }
}

/// [`FlatBlocks`] at one grid point of a neuron with `N` inputs: tests the
/// blocks chunk by chunk and sums the costs of the flat ones.
pub struct AtPoint<'a, const N: usize> {
    blocks: &'a FlatBlocks,
    weights: [f64; N],
    bias: f64,
    /// Partial sums of the flat blocks' costs.
    lanes: [f64; CHUNK],
}

impl<const N: usize> AtPoint<'_, N> {
    /// The number of chunks of blocks to test.
    pub fn chunks(&self) -> usize {
        self.blocks.cost_low.len() / CHUNK
    }

    /// Tests chunk `c`, adds its flat blocks' costs to the sum, and returns
    /// the numbers of its other blocks, to be summed row by row.
    #[inline(always)]
    pub fn not_flat_in_chunk(&mut self, c: usize) -> NotFlat {
        let start = c * CHUNK;
        let flat = self.test(start);
        NotFlat {
            start,
            bits: !flat,
            blocks: self.blocks.blocks,
        }
    }

    /// The summed cost of the flat blocks tested so far.
    pub fn flat_cost(&self) -> f64 {
        self.lanes.iter().sum()
    }

    /// Tests blocks `start .. start + CHUNK` and adds the flat ones' costs
    /// to the lanes; bit l of the result is set if block start + l is flat.
    /// Fixed-size arrays and no branch, so it compiles to vector code.
    #[inline(always)]
    fn test(&mut self, start: usize) -> u8 {
        let blocks = self.blocks;
        let (w, b) = (&self.weights, self.bias);
        let at = |values: &[f64]| -> [f64; CHUNK] {
            values[start..start + CHUNK]
                .try_into()
                .expect("a whole chunk of blocks")
        };
        let (mut z_min, mut z_max, mut size) = ([b; CHUNK], [b; CHUNK], [b.abs(); CHUNK]);
        for (i, &w) in w.iter().enumerate() {
            // w·lo ≤ w·hi when w ≥ 0, and the other way round when w < 0.
            let (toward_min, toward_max) = if w >= 0.0 {
                (&blocks.low[i], &blocks.high[i])
            } else {
                (&blocks.high[i], &blocks.low[i])
            };
            let (to_min, to_max) = (at(toward_min), at(toward_max));
            let magnitude = at(&blocks.magnitude[i]);
            for l in 0..CHUNK {
                z_min[l] += w * to_min[l];
                z_max[l] += w * to_max[l];
                size[l] += w.abs() * magnitude[l];
            }
        }
        let (cost_low, cost_high) = (at(&blocks.cost_low), at(&blocks.cost_high));
        let (low_threshold, high_threshold) = (blocks.low_threshold, blocks.high_threshold);
        let mut flat = [false; CHUNK];
        for l in 0..CHUNK {
            let margin = ROUNDING_MARGIN * size[l];
            let is_high = z_min[l] - margin >= high_threshold;
            let is_low = z_max[l] + margin <= low_threshold;
            let cost = if is_high { cost_high[l] } else { cost_low[l] };
            flat[l] = is_high | is_low;
            self.lanes[l] += if flat[l] { cost } else { 0.0 };
        }
        (0..CHUNK).fold(0, |bits, l| bits | (u8::from(flat[l]) << l))
    }
}

/// The blocks of one chunk that are not flat, in order.
pub struct NotFlat {
    start: usize,
    /// Bit l: block start + l is not flat.
    bits: u8,
    /// Blocks in all (the chunk may end in padding).
    blocks: usize,
}

impl Iterator for NotFlat {
    type Item = usize;

    #[inline(always)]
    fn next(&mut self) -> Option<usize> {
        if self.bits == 0 {
            return None;
        }
        let k = self.start + self.bits.trailing_zeros() as usize;
        self.bits &= self.bits - 1;
        (k < self.blocks).then_some(k)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The flat blocks' summed cost, and the other blocks.
    fn split<const N: usize>(
        blocks: &FlatBlocks,
        weights: [f32; N],
        bias: f32,
    ) -> (f64, Vec<usize>) {
        let mut at = blocks.at::<N, f32>(&weights, bias);
        let rest = (0..at.chunks())
            .flat_map(|c| at.not_flat_in_chunk(c).collect::<Vec<_>>())
            .collect();
        (at.flat_cost(), rest)
    }

    #[test]
    fn a_flat_block_costs_what_its_groups_cost_at_the_flat_value() {
        // Two groups in a block, tanh (f32: flat from |z| = 9); a group's
        // cost is (g + 1)·h, so the block's is 3h.
        let columns = vec![vec![1.0f32, 2.0], vec![0.5, -0.5]];
        let blocks =
            FlatBlocks::new(Activation::Tanh, &columns, 2, |g, h| (g + 1) as f64 * h).unwrap();
        let h = f64::from(Activation::Tanh.value(9.0f32));
        // z = 10 + 2·a0 + 0·a1 ≥ 12: flat at +h.
        assert_eq!(split(&blocks, [2.0, 0.0], 10.0), (3.0 * h, vec![]));
        // z = −10 − 2·a0 ≤ −12: flat at −h.
        assert_eq!(split(&blocks, [-2.0, 0.0], -10.0), (-3.0 * h, vec![]));
        // z = 8 + a0 spans 9 … 10, but 9 is within the rounding margin.
        assert_eq!(split(&blocks, [1.0, 0.0], 8.0), (0.0, vec![0]));
        // z = 0: not flat.
        assert_eq!(split(&blocks, [0.0, 0.0], 0.0), (0.0, vec![0]));
    }

    #[test]
    fn only_whole_blocks_are_tested_and_the_rest_is_listed() {
        // 5 groups in blocks of 2: blocks 0 and 1, group 4 left over.
        let columns = vec![vec![-3.0f32, -2.0, 2.0, 3.0, 0.0]];
        let blocks = FlatBlocks::new(Activation::Relu, &columns, 2, |_, h| h + 1.0).unwrap();
        // z = a: ReLU is flat (0) on block 0 only, whose 2 groups cost 0 + 1.
        assert_eq!(split(&blocks, [1.0], 0.0), (2.0, vec![1]));
    }

    #[test]
    fn no_blocks_without_a_flat_tail() {
        let columns = vec![vec![1.0f64, 2.0]];
        let cost = |_, h| h;
        // f64 tanh has no exact flat tail; leaky ReLU has none at all.
        assert!(FlatBlocks::new(Activation::Tanh, &columns, 2, cost).is_none());
        assert!(FlatBlocks::new(Activation::LeakyRelu, &columns, 2, cost).is_none());
        assert!(FlatBlocks::new(Activation::Relu, &columns, 2, cost).is_some());
    }
}
