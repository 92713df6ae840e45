//! The matrix product as the lecture writes it, to check [`super::gemm`]
//! and [`super::transposed_product_rows`] against:
//!
//! ```text
//! out[i][j] = Σ_k op(a)[i][k] · op(b)[k][j],   k = 0, 1, …, n − 1
//! ```
//!
//! one multiply and one add per term, summed in the order of k. The GEMM
//! sums the same terms in blocks and may fuse a multiply and an add, so
//! the two agree within [`sum_tolerance`], not bit for bit.

use super::{Matrix, Transpose};
use crate::element::Float;

/// `op(a) · op(b)` by the triple loop of the formula (see the module doc).
/// Panics when the inner dimensions differ.
pub fn product<T: Float>(
    a: &Matrix<T>,
    a_op: Transpose,
    b: &Matrix<T>,
    b_op: Transpose,
) -> Matrix<T> {
    let (rows, inner) = shape(a, a_op);
    let (b_inner, cols) = shape(b, b_op);
    assert_eq!(inner, b_inner, "product: inner dimensions differ");
    let mut out = Matrix::zeros(rows, cols);
    for i in 0..rows {
        for j in 0..cols {
            let mut sum = T::zero();
            for k in 0..inner {
                sum += element(a, a_op, i, k) * element(b, b_op, k, j);
            }
            out.set(i, j, sum);
        }
    }
    out
}

/// How far two sums of the same `terms` terms, added in any order (with or
/// without fused multiply-adds), can lie apart, given the sum of the
/// terms' magnitudes `magnitude` and the unit roundoff u = ε/2 of `T`.
///
/// Each computed sum lies within γ_n · Σ|terms| of the exact one, where
/// γ_n = n·u / (1 − n·u) (Higham, *Accuracy and Stability of Numerical
/// Algorithms*, §3.1), so two lie within 2·γ_n · Σ|terms|; for n·u ≤ 0.01,
/// 2·γ_n ≤ 1.02·n·ε, bounded here by (n + 1)·ε.
pub fn sum_tolerance<T: Float>(terms: usize, magnitude: f64) -> f64 {
    (terms as f64 + 1.0) * T::epsilon().as_f64() * magnitude
}

/// The shape of `op(m)`.
fn shape<T: Float>(m: &Matrix<T>, op: Transpose) -> (usize, usize) {
    match op {
        Transpose::No => (m.rows(), m.cols()),
        Transpose::Yes => (m.cols(), m.rows()),
    }
}

/// `op(m)[row][col]`.
fn element<T: Float>(m: &Matrix<T>, op: Transpose, row: usize, col: usize) -> T {
    match op {
        Transpose::No => m.get(row, col),
        Transpose::Yes => m.get(col, row),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matrix::{gemm, transposed_product_rows, Output};

    /// A `rows × cols` matrix of values in [−1, 1) from a fixed formula.
    fn filled<T: Float>(rows: usize, cols: usize, seed: usize) -> Matrix<T> {
        let data = (0..rows * cols)
            .map(|i| T::from_f64(((i * 7919 + seed * 104_729) % 2000) as f64 / 1000.0 - 1.0))
            .collect();
        Matrix::from_vec(rows, cols, data).unwrap()
    }

    /// Σ_k |op(a)[i][k] · op(b)[k][j]| in f64.
    fn magnitude<T: Float>(
        (a, a_op): (&Matrix<T>, Transpose),
        (b, b_op): (&Matrix<T>, Transpose),
        i: usize,
        j: usize,
    ) -> f64 {
        let inner = shape(a, a_op).1;
        (0..inner)
            .map(|k| (element(a, a_op, i, k).as_f64() * element(b, b_op, k, j).as_f64()).abs())
            .sum()
    }

    /// `fast` and `plain`, both `op(a) · op(b)`, agree within
    /// [`sum_tolerance`] element by element.
    fn assert_close<T: Float>(
        fast: &Matrix<T>,
        plain: &Matrix<T>,
        a: (&Matrix<T>, Transpose),
        b: (&Matrix<T>, Transpose),
        case: &str,
    ) {
        assert_eq!((fast.rows(), fast.cols()), (plain.rows(), plain.cols()));
        let inner = shape(a.0, a.1).1;
        for i in 0..plain.rows() {
            for j in 0..plain.cols() {
                let (x, y) = (fast.get(i, j).as_f64(), plain.get(i, j).as_f64());
                let tolerance = sum_tolerance::<T>(inner, magnitude(a, b, i, j));
                assert!((x - y).abs() <= tolerance, "{case} [{i}][{j}]: {x} vs {y}");
            }
        }
    }

    fn check_gemm<T: Float>() {
        use Transpose::{No, Yes};
        // Inner dimensions past a GEMM's first block, and products big
        // enough (200·150·140 ≥ 2²² multiply-adds) to be cut into blocks
        // for several threads.
        for (rows, inner, cols) in [(1, 1, 1), (3, 5, 2), (37, 300, 45), (200, 150, 140)] {
            for (a_op, b_op) in [(No, No), (No, Yes), (Yes, No), (Yes, Yes)] {
                let a = match a_op {
                    No => filled::<T>(rows, inner, 1),
                    Yes => filled::<T>(inner, rows, 1),
                };
                let b = match b_op {
                    No => filled::<T>(inner, cols, 2),
                    Yes => filled::<T>(cols, inner, 2),
                };
                let mut fast = Matrix::zeros(rows, cols);
                gemm(&mut fast, Output::Overwrite, &a, a_op, &b, b_op);
                let plain = product(&a, a_op, &b, b_op);
                let case = format!("{} {rows}×{inner}×{cols} {a_op:?} {b_op:?}", T::NAME);
                assert_close(&fast, &plain, (&a, a_op), (&b, b_op), &case);
            }
        }
    }

    #[test]
    fn gemm_agrees_with_the_plain_product_within_the_sum_bound() {
        check_gemm::<f32>();
        check_gemm::<f64>();
    }

    fn check_transposed_product_rows<T: Float>() {
        // a: 40 × 300 (300 neurons' δ over a batch of 40), b: 40 × 70.
        let (a, b) = (filled::<T>(40, 300, 3), filled::<T>(40, 70, 4));
        let mut whole = Matrix::zeros(300, 70);
        gemm(
            &mut whole,
            Output::Overwrite,
            &a,
            Transpose::Yes,
            &b,
            Transpose::No,
        );
        let plain = product(&a, Transpose::Yes, &b, Transpose::No);
        let mut banded = Matrix::zeros(300, 70);
        for band in [0..1, 1..128, 128..256, 256..300] {
            let out = &mut banded.as_mut_slice()[band.start * 70..band.end * 70];
            transposed_product_rows(out, &a, band, &b);
        }
        assert!(banded == whole, "{}: the bands differ from gemm", T::NAME);
        let case = format!("{} bands of aᵀ·b", T::NAME);
        assert_close(
            &banded,
            &plain,
            (&a, Transpose::Yes),
            (&b, Transpose::No),
            &case,
        );
    }

    #[test]
    fn transposed_product_rows_are_gemms_rows_bit_for_bit_and_near_the_plain_product() {
        check_transposed_product_rows::<f32>();
        check_transposed_product_rows::<f64>();
    }

    #[test]
    fn the_plain_product_is_the_hand_product() {
        // [[1, 2], [3, 4]] · [[5, 6], [7, 8]] = [[19, 22], [43, 50]].
        let a = Matrix::from_rows(&[vec![1.0, 2.0], vec![3.0, 4.0]]).unwrap();
        let b = Matrix::from_rows(&[vec![5.0, 6.0], vec![7.0, 8.0]]).unwrap();
        let out = product(&a, Transpose::No, &b, Transpose::No);
        assert_eq!(out.as_slice(), &[19.0, 22.0, 43.0, 50.0]);
        // aᵀ · b = [[1·5 + 3·7, 1·6 + 3·8], [2·5 + 4·7, 2·6 + 4·8]].
        let out = product(&a, Transpose::Yes, &b, Transpose::No);
        assert_eq!(out.as_slice(), &[26.0, 30.0, 38.0, 44.0]);
    }
}
