//! Speed helpers for element-wise loops, each with the plain formula beside
//! it.
//!
//! Built for the baseline x86-64 target, element-wise loops vectorise only to
//! 4 lanes of f32, and `f32::mul_add` or libm's `tanhf` are function calls
//! per element (DESIGN.md §5: a small-network step was 4–7× slower that way).
//! So the hot loops here are written branch-free, and [`map`] runs them in a
//! copy compiled for AVX2 when the CPU has it (checked at run time, so the
//! binary still runs on any x86-64). Both copies perform the same IEEE
//! operations in the same order — Rust never fuses a multiply and an add by
//! itself — so results do not depend on which one runs.

/// `output[i] = f(input[i])`, vectorised for the CPU at hand.
#[inline]
pub fn map<T: Copy>(input: &[T], output: &mut [T], f: impl Fn(T) -> T) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU supports AVX2, checked just above.
        return unsafe { map_avx2(input, output, f) };
    }
    map_plain(input, output, f);
}

/// `values[i] = f(values[i])` in place, vectorised like [`map`].
#[inline]
pub fn map_in_place<T: Copy>(values: &mut [T], f: impl Fn(T) -> T) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU supports AVX2, checked just above.
        return unsafe { map_in_place_avx2(values, f) };
    }
    map_in_place_plain(values, f);
}

/// `values[i] = f(values[i], other[i])` in place, vectorised like [`map`].
#[inline]
pub fn zip_map<T: Copy>(values: &mut [T], other: &[T], f: impl Fn(T, T) -> T) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU supports AVX2, checked just above.
        return unsafe { zip_map_avx2(values, other, f) };
    }
    zip_map_plain(values, other, f);
}

#[inline(always)]
fn map_plain<T: Copy>(input: &[T], output: &mut [T], f: impl Fn(T) -> T) {
    for (out, &x) in output.iter_mut().zip(input) {
        *out = f(x);
    }
}

#[inline(always)]
fn map_in_place_plain<T: Copy>(values: &mut [T], f: impl Fn(T) -> T) {
    for value in values.iter_mut() {
        *value = f(*value);
    }
}

#[inline(always)]
fn zip_map_plain<T: Copy>(values: &mut [T], other: &[T], f: impl Fn(T, T) -> T) {
    for (value, &y) in values.iter_mut().zip(other) {
        *value = f(*value, y);
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn map_avx2<T: Copy>(input: &[T], output: &mut [T], f: impl Fn(T) -> T) {
    map_plain(input, output, f);
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn map_in_place_avx2<T: Copy>(values: &mut [T], f: impl Fn(T) -> T) {
    map_in_place_plain(values, f);
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn zip_map_avx2<T: Copy>(values: &mut [T], other: &[T], f: impl Fn(T, T) -> T) {
    zip_map_plain(values, other, f);
}

/// tanh(x) for f32 as a rational function, branch-free so it vectorises.
///
/// x is clamped to [−9, 9] (beyond, tanh x rounds to ±1 in f32), then
///
/// ```text
/// tanh x ≈ x·P(x²) / Q(x²),   P of degree 6 in x², Q of degree 3
/// ```
///
/// and the result is clamped to [−1, 1].
///
/// with the minimax coefficients Eigen uses for its `generic_fast_tanh_float`
/// (a 13/6-degree rational interpolant, "accurate up to a couple of ulp in
/// the range [−9, 9]"). The tests check it against `f64::tanh`.
#[inline(always)]
pub fn tanh_f32(x: f32) -> f32 {
    const ALPHA: [f32; 7] = [
        4.893_524_6e-3,
        6.372_619_3e-4,
        1.485_722_4e-5,
        5.122_297e-8,
        -8.604_672e-11,
        2.000_188e-13,
        -2.760_768_5e-16,
    ];
    const BETA: [f32; 4] = [4.893_525e-3, 2.268_434_6e-3, 1.185_347e-4, 1.198_258_4e-6];
    let x = x.clamp(-9.0, 9.0);
    let x2 = x * x;
    let mut p = ALPHA[6];
    for &a in ALPHA[..6].iter().rev() {
        p = p * x2 + a;
    }
    let mut q = BETA[3];
    for &b in BETA[..3].iter().rev() {
        q = q * x2 + b;
    }
    // Near ±9 the quotient overshoots 1 by an ulp; tanh never does.
    (x * p / q).clamp(-1.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tanh_f32_is_within_a_few_ulp_of_the_exact_value() {
        // Every 1/1000 from −12 to 12 (tanh saturates to ±1 in f32 past ~9).
        let mut worst = 0.0f64;
        for i in -12_000..=12_000 {
            let x = i as f32 / 1000.0;
            let exact = f64::from(x).tanh();
            let error = (f64::from(tanh_f32(x)) - exact).abs() / exact.abs().max(1e-30);
            worst = worst.max(error);
        }
        // f32's unit roundoff is 6e-8; a few ulp is below 5e-7.
        assert!(worst < 5e-7, "worst relative error {worst:e}");
        assert_eq!(tanh_f32(0.0), 0.0);
        assert_eq!(tanh_f32(-20.0), -1.0);
        assert!(tanh_f32(f32::NAN).is_nan());
    }

    #[test]
    fn map_and_zip_map_apply_the_function_to_every_element() {
        let input: Vec<f32> = (0..37).map(|i| i as f32 - 18.0).collect();
        let mut output = vec![0.0; 37];
        map(&input, &mut output, |x| 2.0 * x);
        assert!(output.iter().zip(&input).all(|(o, i)| *o == 2.0 * i));
        zip_map(&mut output, &input, |o, i| o - i);
        assert_eq!(output, input);
    }
}
