//! A row-major dense matrix and the few operations backprop needs.
//!
//! Rows are samples, columns are features: a batch of `B` inputs with `n`
//! features is a `B × n` matrix. The matrix product is faer's GEMM, run on one
//! thread per block of the output when it is big ([`gemm`]); everything else
//! here is a plain loop. [`reference::product`] is the product as the
//! formula's triple loop, which the tests check the GEMM against.
//!
//! faer is the GEMM rather than the `gemm` crate (the same author's lower-level
//! library, also among faer's dependencies) because it is the faster of the
//! two on each of large_cls's three products, on one thread and on two
//! (`bench/README.md` has the figures).

use crate::element::Float;
use faer::linalg::matmul::matmul;
use faer::{Accum, MatMut, MatRef, Par};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::OnceLock;

pub mod reference;

/// A dense, row-major matrix of `rows × cols` elements.
#[derive(Debug, Clone, PartialEq)]
pub struct Matrix<T> {
    rows: usize,
    cols: usize,
    data: Vec<T>,
}

/// Whether an operand of [`gemm`] is used as stored or transposed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transpose {
    /// Use the matrix as stored.
    No,
    /// Use its transpose.
    Yes,
}

/// Whether [`gemm`] overwrites its output or adds to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// `out = a · b`
    Overwrite,
    /// `out += a · b`
    Accumulate,
}

impl<T: Float> Matrix<T> {
    /// A `rows × cols` matrix of zeros.
    pub fn zeros(rows: usize, cols: usize) -> Self {
        Matrix {
            rows,
            cols,
            data: vec![T::zero(); rows * cols],
        }
    }

    /// Wraps row-major `data`; `None` if its length is not `rows * cols`.
    pub fn from_vec(rows: usize, cols: usize, data: Vec<T>) -> Option<Self> {
        (data.len() == rows * cols).then_some(Matrix { rows, cols, data })
    }

    /// Builds a matrix from equally long rows; `None` if they differ in length.
    pub fn from_rows(rows: &[Vec<T>]) -> Option<Self> {
        let cols = rows.first().map_or(0, Vec::len);
        if rows.iter().any(|row| row.len() != cols) {
            return None;
        }
        let data = rows.iter().flatten().copied().collect();
        Some(Matrix {
            rows: rows.len(),
            cols,
            data,
        })
    }

    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Number of columns.
    pub fn cols(&self) -> usize {
        self.cols
    }

    /// All elements, row after row.
    pub fn as_slice(&self) -> &[T] {
        &self.data
    }

    /// All elements, row after row, mutable.
    pub fn as_mut_slice(&mut self) -> &mut [T] {
        &mut self.data
    }

    /// The element at (`row`, `col`). Panics when out of range.
    pub fn get(&self, row: usize, col: usize) -> T {
        assert!(col < self.cols, "column {col} out of range");
        self.data[row * self.cols + col]
    }

    /// Sets the element at (`row`, `col`). Panics when out of range.
    pub fn set(&mut self, row: usize, col: usize, value: T) {
        assert!(col < self.cols, "column {col} out of range");
        self.data[row * self.cols + col] = value;
    }

    /// One row.
    pub fn row(&self, row: usize) -> &[T] {
        &self.data[row * self.cols..(row + 1) * self.cols]
    }

    /// One row, mutable.
    pub fn row_mut(&mut self, row: usize) -> &mut [T] {
        &mut self.data[row * self.cols..(row + 1) * self.cols]
    }

    /// Iterates over the rows.
    pub fn iter_rows(&self) -> impl Iterator<Item = &[T]> {
        // `max(1)` keeps `chunks_exact` valid for a matrix with no columns.
        self.data.chunks_exact(self.cols.max(1)).take(self.rows)
    }

    /// Changes the number of rows, keeping the columns. Within the capacity
    /// the matrix was created with this does not allocate: batch buffers are
    /// made for the largest batch and shrunk for the last, smaller one.
    pub fn set_rows(&mut self, rows: usize) {
        self.rows = rows;
        self.data.resize(rows * self.cols, T::zero());
    }

    /// Reads the same elements, row after row, as a `rows × cols` matrix.
    /// Panics unless `rows · cols` is the number of elements.
    pub fn reshape(&mut self, rows: usize, cols: usize) {
        assert_eq!(
            rows * cols,
            self.data.len(),
            "reshape: element count differs"
        );
        (self.rows, self.cols) = (rows, cols);
    }

    /// The same matrix in another precision.
    pub fn convert<U: Float>(&self) -> Matrix<U> {
        Matrix {
            rows: self.rows,
            cols: self.cols,
            data: self.data.iter().map(|&x| U::from_f64(x.as_f64())).collect(),
        }
    }

    /// The transpose, as a new matrix.
    pub fn transposed(&self) -> Matrix<T> {
        let mut out = Matrix::zeros(self.cols, self.rows);
        for (r, row) in self.iter_rows().enumerate() {
            for (c, &value) in row.iter().enumerate() {
                out.data[c * self.rows + r] = value;
            }
        }
        out
    }

    /// Copies the rows listed in `indices` of `source` into `self`, which
    /// takes `indices.len()` rows (no allocation within capacity).
    pub fn gather_rows(&mut self, source: &Matrix<T>, indices: &[usize]) {
        assert_eq!(self.cols, source.cols, "gather_rows: column counts differ");
        self.set_rows(indices.len());
        for (dst, &i) in self.data.chunks_exact_mut(self.cols.max(1)).zip(indices) {
            dst.copy_from_slice(source.row(i));
        }
    }

    /// True when every element is finite.
    pub fn all_finite(&self) -> bool {
        self.data.iter().all(|x| x.is_finite())
    }

    fn view(&self) -> MatRef<'_, T> {
        MatRef::from_row_major_slice(&self.data, self.rows, self.cols)
    }

    fn view_mut(&mut self) -> MatMut<'_, T> {
        MatMut::from_row_major_slice_mut(&mut self.data, self.rows, self.cols)
    }
}

/// The general matrix product `out (=|+=) op(a) · op(b)`, where `op` is the
/// identity or the transpose. Panics when the shapes do not agree; shapes are
/// the engine's business, never the user's.
///
/// `out` must already have the shape of the product. Products of at least
/// `PARALLEL_WORK` multiply-adds are cut into one block per thread
/// ([`set_threads`]); the result is the same bit for bit.
pub fn gemm<T: Float>(
    out: &mut Matrix<T>,
    output: Output,
    a: &Matrix<T>,
    a_op: Transpose,
    b: &Matrix<T>,
    b_op: Transpose,
) {
    let a_view = match a_op {
        Transpose::No => a.view(),
        Transpose::Yes => a.view().transpose(),
    };
    let b_view = match b_op {
        Transpose::No => b.view(),
        Transpose::Yes => b.view().transpose(),
    };
    assert_eq!(
        a_view.ncols(),
        b_view.nrows(),
        "gemm: inner dimensions differ"
    );
    assert_eq!(
        (out.rows, out.cols),
        (a_view.nrows(), b_view.ncols()),
        "gemm: output shape differs"
    );
    let accum = match output {
        Output::Overwrite => Accum::Replace,
        Output::Accumulate => Accum::Add,
    };
    let work = out.rows * out.cols * a_view.ncols();
    let threads_used = AtomicU64::new(0);
    gemm_in_blocks(
        out.view_mut(),
        accum,
        (a_view, b_view),
        blocks(work),
        &threads_used,
    );
    if threads_used.into_inner().count_ones() > 1 {
        SHARED_PRODUCTS.fetch_add(1, Ordering::Relaxed);
    }
}

/// Rows `rows` of the product `aᵀ · b`, on the calling thread:
/// `band = a[:, rows]ᵀ · b`, `rows.len() × b.cols()` elements, row-major.
/// Each element is computed as [`gemm`] computes it in the whole product
/// `aᵀ · b`, bit for bit (as with any cut into blocks, see
/// `gemm_in_blocks`). Backprop computes ∂C/∂W = δᵀ·x this way, a band of
/// neurons at a time ([`crate::nn::dense::Dense::backward_and_update`]).
pub fn transposed_product_rows<T: Float>(
    band: &mut [T],
    a: &Matrix<T>,
    rows: std::ops::Range<usize>,
    b: &Matrix<T>,
) {
    assert_eq!(a.rows, b.rows, "gemm: inner dimensions differ");
    let a_band = a.view().subcols(rows.start, rows.len()).transpose();
    let out = MatMut::from_row_major_slice_mut(band, rows.len(), b.cols);
    matmul(out, Accum::Replace, a_band, b.view(), T::one(), Par::Seq);
    clear_upper_avx_state();
}

/// Whether an element-wise pass over `elements` values (an activation, a
/// transposition) is worth cutting in two halves for two threads: when
/// there are several threads and at least `PARALLEL_ELEMENTS` values, as
/// in a 1000-neuron layer with a batch of 128 (128,000 values). Each
/// value is computed alone, so the halves give the same result.
pub fn worth_halves(elements: usize) -> bool {
    elements >= PARALLEL_ELEMENTS && threads() > 1
}

/// Element-wise work on fewer values than this stays on the calling
/// thread, and bigger work is cut into parts no smaller: below it, handing
/// work to another thread costs more than it saves. Used by
/// [`worth_halves`] and by the optimizer's update of a big tensor.
pub const PARALLEL_ELEMENTS: usize = 1 << 16;

/// Whether a product of `work` multiply-adds is worth cutting into blocks
/// for several threads (as [`gemm`] does).
pub fn worth_threads(work: usize) -> bool {
    blocks(work) > 1
}

/// `out (=|+=) a · b` cut into `blocks` blocks along the output's longer
/// side, computed in parallel (rayon), each block a one-thread GEMM.
///
/// Cutting the output rather than letting the GEMM share out its inner
/// loops keeps each thread on its own part of the larger operand (for a
/// dense layer's forward product, its own half of the neurons' weights),
/// needs no synchronisation inside the product, and, through rayon's work
/// stealing, lets the calling thread compute a block itself when the other
/// threads are busy. The blocks are disjoint and each is computed exactly
/// as a whole product would compute it, so the result does not depend on
/// the number of threads.
/// Each block notes its thread in `threads_used` (bit i for thread i of
/// rayon's pool, bit 63 for a thread outside it).
fn gemm_in_blocks<T: Float>(
    out: MatMut<'_, T>,
    accum: Accum,
    (a, b): (MatRef<'_, T>, MatRef<'_, T>),
    blocks: usize,
    threads_used: &AtomicU64,
) {
    let (rows, cols) = (out.nrows(), out.ncols());
    if blocks <= 1 || rows.max(cols) < 2 * BLOCK_ALIGN {
        let thread = rayon::current_thread_index().map_or(63, |i| i.min(62));
        threads_used.fetch_or(1 << thread, Ordering::Relaxed);
        matmul(out, accum, a, b, T::one(), Par::Seq);
        clear_upper_avx_state();
        return;
    }
    let first_blocks = blocks / 2;
    let side = rows.max(cols);
    let cut = (side * first_blocks / blocks)
        .next_multiple_of(BLOCK_ALIGN)
        .min(side);
    if rows >= cols {
        let (top, bottom) = out.split_at_row_mut(cut);
        let (a_top, a_bottom) = a.split_at_row(cut);
        rayon::join(
            || gemm_in_blocks(top, accum, (a_top, b), first_blocks, threads_used),
            || {
                let rest = blocks - first_blocks;
                gemm_in_blocks(bottom, accum, (a_bottom, b), rest, threads_used)
            },
        );
    } else {
        let (left, right) = out.split_at_col_mut(cut);
        let (b_left, b_right) = b.split_at_col(cut);
        rayon::join(
            || gemm_in_blocks(left, accum, (a, b_left), first_blocks, threads_used),
            || {
                let rest = blocks - first_blocks;
                gemm_in_blocks(right, accum, (a, b_right), rest, threads_used)
            },
        );
    }
}

/// Products whose blocks were computed on more than one thread, since the
/// last [`take_shared_products`].
static SHARED_PRODUCTS: AtomicU64 = AtomicU64::new(0);

/// How many matrix products have had their blocks computed on more than one
/// thread since the last call, and starts counting afresh: what shows that
/// the work really was shared out (the results are the same either way).
/// One atomic addition per product, nothing beside its millions of
/// multiply-adds.
pub fn take_shared_products() -> u64 {
    SHARED_PRODUCTS.swap(0, Ordering::Relaxed)
}

/// Block boundaries fall on multiples of this many rows or columns: a whole
/// number of the GEMM kernels' 16-lane vectors.
const BLOCK_ALIGN: usize = 16;

/// At most this many blocks per thread in a large product. More blocks
/// than threads let rayon's work stealing even out the threads: when one
/// core is taken by another process for a while, the other thread computes
/// the blocks left instead of waiting at the end. Each block packs its own
/// copy of the shared operand, so the blocks stay big.
const BLOCKS_PER_THREAD: usize = 4;

/// Threads a large matrix product may use (0: all the machine's cores).
static THREADS: AtomicUsize = AtomicUsize::new(0);

/// Products with fewer multiply-adds than this run on one thread: below it,
/// handing work to other threads costs more than it saves.
const PARALLEL_WORK: usize = 1 << 22;

/// Sets how many threads a large matrix product (and an optimizer step over
/// a big tensor, [`crate::train::optimizer`]) may use; 0 means all cores.
/// Small products always run on the calling thread. The results are the
/// same for every setting.
pub fn set_threads(threads: usize) {
    THREADS.store(threads, Ordering::Relaxed);
}

/// The threads large products use (see [`set_threads`]).
pub fn threads() -> usize {
    static CORES: OnceLock<usize> = OnceLock::new();
    match THREADS.load(Ordering::Relaxed) {
        // Asking the system is slow (it may read cgroup files): ask once.
        0 => *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get())),
        n => n,
    }
}

/// Blocks a product of `work` multiply-adds is cut into: one when it is
/// small or there is one thread; else one per thread, and up to
/// [`BLOCKS_PER_THREAD`] per thread while each block keeps at least
/// `PARALLEL_WORK` multiply-adds.
fn blocks(work: usize) -> usize {
    blocks_on(work, threads())
}

/// [`blocks`] for `threads` threads.
fn blocks_on(work: usize, threads: usize) -> usize {
    if work < PARALLEL_WORK || threads == 1 {
        1
    } else {
        (work / PARALLEL_WORK).clamp(threads, threads * BLOCKS_PER_THREAD)
    }
}

/// faer's x86 kernels return with the upper halves of the AVX registers in
/// use (no `vzeroupper`). Scalar and SSE code that runs next (libm's `tanh`,
/// `exp`) then pays a state-transition penalty on every instruction, which
/// makes it 10–100× slower. Clearing the state after each product avoids it.
#[inline]
fn clear_upper_avx_state() {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx") {
        // SAFETY: the CPU supports AVX, checked just above.
        unsafe { zero_upper() }
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx")]
unsafe fn zero_upper() {
    std::arch::x86_64::_mm256_zeroupper();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(rows: &[Vec<f64>]) -> Matrix<f64> {
        Matrix::from_rows(rows).unwrap()
    }

    #[test]
    fn gemm_matches_hand_products_with_transposes() {
        let a = m(&[vec![1.0, 2.0, 3.0], vec![4.0, 5.0, 6.0]]); // 2×3
        let b = m(&[vec![1.0, 0.0], vec![0.0, 1.0], vec![1.0, 1.0]]); // 3×2
        let mut out = Matrix::zeros(2, 2);
        gemm(
            &mut out,
            Output::Overwrite,
            &a,
            Transpose::No,
            &b,
            Transpose::No,
        );
        // [1+3, 2+3; 4+6, 5+6] by hand.
        assert_eq!(out, m(&[vec![4.0, 5.0], vec![10.0, 11.0]]));

        let mut gram = Matrix::zeros(3, 3);
        gemm(
            &mut gram,
            Output::Overwrite,
            &a,
            Transpose::Yes,
            &a,
            Transpose::No,
        );
        // (aᵀa)[0][0] = 1·1 + 4·4 = 17, (aᵀa)[1][2] = 2·3 + 5·6 = 36.
        assert_eq!(gram.get(0, 0), 17.0);
        assert_eq!(gram.get(1, 2), 36.0);

        gemm(
            &mut out,
            Output::Accumulate,
            &a,
            Transpose::No,
            &b,
            Transpose::No,
        );
        assert_eq!(out, m(&[vec![8.0, 10.0], vec![20.0, 22.0]]));

        let mut outer = Matrix::zeros(2, 2);
        gemm(
            &mut outer,
            Output::Overwrite,
            &a,
            Transpose::No,
            &a,
            Transpose::Yes,
        );
        // a·aᵀ = [14, 32; 32, 77].
        assert_eq!(outer, m(&[vec![14.0, 32.0], vec![32.0, 77.0]]));
    }

    #[test]
    fn a_product_cut_into_blocks_equals_the_whole_product_bit_for_bit() {
        // Deterministic values in [−1, 1), so that rounding differs between
        // summation orders and a changed order would show.
        let filled = |rows: usize, cols: usize, seed: usize| {
            let data = (0..rows * cols)
                .map(|i| ((i * 7919 + seed * 104_729) % 2000) as f64 / 1000.0 - 1.0)
                .collect();
            Matrix::from_vec(rows, cols, data).unwrap()
        };
        // Taller than wide (cut into row blocks) and wider than tall (column
        // blocks), overwritten and accumulated, in 2 to 8 blocks.
        for (m, k, n) in [(300, 70, 96), (96, 70, 300)] {
            let (a, b) = (filled(m, k, 1), filled(k, n, 2));
            for accum in [Accum::Replace, Accum::Add] {
                let mut whole = filled(m, n, 3);
                let used = AtomicU64::new(0);
                gemm_in_blocks(whole.view_mut(), accum, (a.view(), b.view()), 1, &used);
                for blocks in 2..=8 {
                    let mut cut = filled(m, n, 3);
                    gemm_in_blocks(cut.view_mut(), accum, (a.view(), b.view()), blocks, &used);
                    assert!(cut == whole, "{m}×{k}×{n}, {accum:?}, {blocks} blocks");
                }
            }
        }
    }

    #[test]
    fn one_thread_means_one_block_and_big_products_get_up_to_four_per_thread() {
        let layer = 128 * 1000 * 1000; // a 1000 × 1000 layer's product, batch 128
        assert_eq!(blocks_on(layer, 1), 1);
        assert_eq!(blocks_on(layer, 2), 2 * BLOCKS_PER_THREAD);
        assert_eq!(blocks_on(PARALLEL_WORK - 1, 2), 1);
        assert_eq!(blocks_on(PARALLEL_WORK, 2), 2);
        assert_eq!(blocks_on(5 * PARALLEL_WORK, 2), 5);
    }

    #[test]
    fn transpose_and_gather_rows() {
        let a = m(&[vec![1.0, 2.0], vec![3.0, 4.0], vec![5.0, 6.0]]);
        assert_eq!(
            a.transposed(),
            m(&[vec![1.0, 3.0, 5.0], vec![2.0, 4.0, 6.0]])
        );
        let mut batch = Matrix::zeros(3, 2);
        batch.gather_rows(&a, &[2, 0]);
        assert_eq!(batch, m(&[vec![5.0, 6.0], vec![1.0, 2.0]]));
    }
}
