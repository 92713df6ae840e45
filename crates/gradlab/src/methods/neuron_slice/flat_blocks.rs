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
//! at or below the lower one, see [`Activation::flat_tails`]), every group
//! of the block has the same activation h, and its part of the squared
//! error, Σ_G n_G·(m_G + v·h)², is
//!
//! ```text
//! B + N·(m + v·h)²,   N = Σ_G n_G,  m = Σ_G n_G·m_G / N,  B = Σ_G n_G·(m_G − m)²,
//! ```
//!
//! with N, m and B fixed for the whole search. Both terms are ≥ 0, so
//! nothing cancels. Every grid point still gets its exact cost; only the
//! sum is taken a block at a time.
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

use super::distinct_rows::{Group, MAX_INPUTS};
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
    /// N, m and B per block.
    count: Vec<f64>,
    mean: Vec<f64>,
    between: Vec<f64>,
    /// z at or below `low_threshold` gives `low_value`; z at or above
    /// `high_threshold` gives `high_value` (±∞ when there is no such tail).
    low_threshold: f64,
    low_value: f64,
    high_threshold: f64,
    high_value: f64,
}

impl FlatBlocks {
    /// The blocks of `groups` (with inputs `columns`, in Morton order), or
    /// `None` when the activation has no flat tail in precision `T`.
    pub fn new<T: Float>(
        activation: Activation,
        columns: &[Vec<T>],
        groups: &[Group],
        groups_per_block: usize,
    ) -> Option<Self> {
        let tails = activation.flat_tails::<T>();
        if tails.low.is_none() && tails.high.is_none() || columns.len() > MAX_INPUTS {
            return None;
        }
        let value = |t: f64| activation.value(T::from_f64(t)).as_f64();
        let blocks = groups.len() / groups_per_block;
        let mut flat = FlatBlocks {
            blocks,
            low: Default::default(),
            high: Default::default(),
            magnitude: Default::default(),
            count: Vec::new(),
            mean: Vec::new(),
            between: Vec::new(),
            low_threshold: tails.low.unwrap_or(f64::NEG_INFINITY),
            low_value: tails.low.map_or(0.0, value),
            high_threshold: tails.high.unwrap_or(f64::INFINITY),
            high_value: tails.high.map_or(0.0, value),
        };
        for k in 0..blocks.next_multiple_of(CHUNK) {
            let range = k * groups_per_block..(k + 1) * groups_per_block;
            match groups.get(range.clone()) {
                Some(block) if k < blocks => flat.push(columns, range, block),
                _ => flat.push_never_flat(),
            }
        }
        Some(flat)
    }

    /// Appends the block of groups `range`.
    fn push<T: Float>(
        &mut self,
        columns: &[Vec<T>],
        range: std::ops::Range<usize>,
        block: &[Group],
    ) {
        for (i, column) in columns.iter().enumerate() {
            let values = column[range.clone()].iter().map(|a| a.as_f64());
            let low = values.clone().fold(f64::INFINITY, f64::min);
            let high = values.fold(f64::NEG_INFINITY, f64::max);
            self.low[i].push(low);
            self.high[i].push(high);
            self.magnitude[i].push(low.abs().max(high.abs()));
        }
        let count: f64 = block.iter().map(|g| g.count as f64).sum();
        let mean = block.iter().map(|g| g.count as f64 * g.mean).sum::<f64>() / count;
        let between = block
            .iter()
            .map(|g| g.count as f64 * (g.mean - mean) * (g.mean - mean))
            .sum();
        self.count.push(count);
        self.mean.push(mean);
        self.between.push(between);
    }

    /// Appends padding: a NaN box is never flat.
    fn push_never_flat(&mut self) {
        for i in 0..MAX_INPUTS {
            self.low[i].push(f64::NAN);
            self.high[i].push(f64::NAN);
            self.magnitude[i].push(f64::NAN);
        }
        self.count.push(0.0);
        self.mean.push(0.0);
        self.between.push(0.0);
    }

    /// The blocks at the grid point with the neuron's input weights
    /// `weights`, bias `bias` and weight `out_weight` into the output.
    pub fn at<const N: usize, T: Float>(
        &self,
        weights: &[T],
        bias: T,
        out_weight: T,
    ) -> AtPoint<'_, N> {
        AtPoint {
            blocks: self,
            weights: std::array::from_fn(|i| weights[i].as_f64()),
            bias: bias.as_f64(),
            out_weight: out_weight.as_f64(),
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
    out_weight: f64,
    /// Partial sums of the flat blocks' costs.
    lanes: [f64; CHUNK],
}

impl<const N: usize> AtPoint<'_, N> {
    /// The number of chunks of blocks to test.
    pub fn chunks(&self) -> usize {
        self.blocks.count.len() / CHUNK
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
        let (w, b, v) = (&self.weights, self.bias, self.out_weight);
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
        let (count, mean, between) = (at(&blocks.count), at(&blocks.mean), at(&blocks.between));
        let (high_threshold, high_value) = (blocks.high_threshold, blocks.high_value);
        let (low_threshold, low_value) = (blocks.low_threshold, blocks.low_value);
        let mut flat = [false; CHUNK];
        for l in 0..CHUNK {
            let margin = ROUNDING_MARGIN * size[l];
            let is_high = z_min[l] - margin >= high_threshold;
            let is_low = z_max[l] + margin <= low_threshold;
            let h = if is_high { high_value } else { low_value };
            let shift = mean[l] + v * h;
            let cost = between[l] + count[l] * shift * shift;
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

    fn group(count: usize, mean: f64) -> Group {
        Group { count, mean }
    }

    /// The flat blocks' summed cost, and the other blocks.
    fn split<const N: usize>(
        blocks: &FlatBlocks,
        weights: [f32; N],
        bias: f32,
        v: f32,
    ) -> (f64, Vec<usize>) {
        let mut at = blocks.at::<N, f32>(&weights, bias, v);
        let rest = (0..at.chunks())
            .flat_map(|c| at.not_flat_in_chunk(c).collect::<Vec<_>>())
            .collect();
        (at.flat_cost(), rest)
    }

    /// Costs block 0 of `blocks` at a point: `Some` if it is flat.
    fn block_zero(blocks: &FlatBlocks, weights: [f32; 2], bias: f32, v: f32) -> Option<f64> {
        let (cost, rest) = split(blocks, weights, bias, v);
        rest.is_empty().then_some(cost)
    }

    #[test]
    fn a_flat_block_costs_what_its_groups_sum_to() {
        // Two groups in a block, tanh (f32: flat from |z| = 9).
        let columns = vec![vec![1.0f32, 2.0], vec![0.5, -0.5]];
        let groups = [group(3, 0.25), group(1, -0.5)];
        let blocks = FlatBlocks::new(Activation::Tanh, &columns, &groups, 2).unwrap();
        let v = 0.5f32;
        let by_groups = |h: f32| -> f64 {
            let h = f64::from(h);
            groups
                .iter()
                .map(|g| g.count as f64 * (g.mean + 0.5 * h).powi(2))
                .sum()
        };
        let h = Activation::Tanh.value(9.0f32);
        // z = 10 + 2·a0 + 0·a1 ≥ 12: flat at +h.
        let cost = block_zero(&blocks, [2.0, 0.0], 10.0, v).unwrap();
        assert!(
            (cost - by_groups(h)).abs() < 1e-12,
            "{cost} vs {}",
            by_groups(h)
        );
        // z = −10 − 2·a0 ≤ −12: flat at −h.
        let cost = block_zero(&blocks, [-2.0, 0.0], -10.0, v).unwrap();
        assert!((cost - by_groups(-h)).abs() < 1e-12);
        // z = 8 + a0 spans 9 … 10, but 9 is within the rounding margin.
        assert_eq!(block_zero(&blocks, [1.0, 0.0], 8.0, v), None);
        // z = 0: not flat.
        assert_eq!(block_zero(&blocks, [0.0, 0.0], 0.0, v), None);
    }

    #[test]
    fn only_whole_blocks_are_tested_and_the_rest_is_listed() {
        // 5 groups in blocks of 2: blocks 0 and 1, group 4 left over.
        let columns = vec![vec![-3.0f32, -2.0, 2.0, 3.0, 0.0]];
        let groups = [group(1, 0.0); 5];
        let blocks = FlatBlocks::new(Activation::Relu, &columns, &groups, 2).unwrap();
        // z = a: ReLU is flat (0) on block 0 only.
        let (cost, rest) = split(&blocks, [1.0], 0.0, 1.0);
        assert_eq!(rest, vec![1]);
        assert_eq!(cost, 0.0);
    }

    #[test]
    fn no_blocks_without_a_flat_tail() {
        let columns = vec![vec![1.0f64, 2.0]];
        let groups = [group(1, 0.0); 2];
        // f64 tanh has no exact flat tail; leaky ReLU has none at all.
        assert!(FlatBlocks::new(Activation::Tanh, &columns, &groups, 2).is_none());
        assert!(FlatBlocks::new(Activation::LeakyRelu, &columns, &groups, 2).is_none());
        assert!(FlatBlocks::new(Activation::Relu, &columns, &groups, 2).is_some());
    }
}
