//! Speed helpers for element-wise loops, each with the plain formula beside
//! it.
//!
//! Built for the baseline x86-64 target, element-wise loops vectorise only to
//! 4 lanes of f32, and `f32::mul_add` or libm's `tanhf` are function calls
//! per element, which makes a small-network training step 4–7× slower.
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

/// `values[i] += add[i]`, then `output[i] = f(values[i])`, vectorised like
/// [`map`]: a bias and an activation in one pass.
#[inline]
pub fn add_then_map<T: Copy + std::ops::Add<Output = T>>(
    values: &mut [T],
    add: &[T],
    output: &mut [T],
    f: impl Fn(T) -> T,
) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU supports AVX2, checked just above.
        return unsafe { add_then_map_avx2(values, add, output, f) };
    }
    add_then_map_plain(values, add, output, f);
}

/// Whether `test(values[i])` holds for every i, vectorised like [`map`]:
/// every element is tested (no early exit), so the loop has no branch.
#[inline]
pub fn all<T: Copy>(values: &[T], test: impl Fn(T) -> bool) -> bool {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU supports AVX2, checked just above.
        return unsafe { all_avx2(values, test) };
    }
    all_plain(values, test)
}

/// `(values[i], state[i]) = f(values[i], other[i], state[i])` in place,
/// vectorised like [`map`]: an update that keeps one running quantity per
/// element (an optimizer's velocity, say). `state` is as long as `values`.
#[inline]
pub fn update_with_state<T: Copy>(
    values: &mut [T],
    other: &[T],
    state: &mut [T],
    f: impl Fn(T, T, T) -> (T, T),
) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU supports AVX2, checked just above.
        return unsafe { update_with_state_avx2(values, other, state, f) };
    }
    update_with_state_plain(values, other, state, f);
}

/// `(values[i], first[i], second[i]) = f(values[i], other[i], first[i],
/// second[i])` in place, vectorised like [`map`]: an update that keeps two
/// running quantities per element (Adam's moments).
#[inline]
pub fn update_with_two_states<T: Copy>(
    values: &mut [T],
    other: &[T],
    first: &mut [T],
    second: &mut [T],
    f: impl Fn(T, T, T, T) -> (T, T, T),
) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU supports AVX2, checked just above.
        return unsafe { update_with_two_states_avx2(values, other, first, second, f) };
    }
    update_with_two_states_plain(values, other, first, second, f);
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

#[inline(always)]
fn add_then_map_plain<T: Copy + std::ops::Add<Output = T>>(
    values: &mut [T],
    add: &[T],
    output: &mut [T],
    f: impl Fn(T) -> T,
) {
    for ((value, &b), out) in values.iter_mut().zip(add).zip(output.iter_mut()) {
        *value = *value + b;
        *out = f(*value);
    }
}

#[inline(always)]
fn all_plain<T: Copy>(values: &[T], test: impl Fn(T) -> bool) -> bool {
    values.iter().fold(true, |all, &value| all & test(value))
}

#[inline(always)]
fn update_with_state_plain<T: Copy>(
    values: &mut [T],
    other: &[T],
    state: &mut [T],
    f: impl Fn(T, T, T) -> (T, T),
) {
    assert_eq!(
        values.len(),
        state.len(),
        "update_with_state: lengths differ"
    );
    for ((value, &y), s) in values.iter_mut().zip(other).zip(state.iter_mut()) {
        (*value, *s) = f(*value, y, *s);
    }
}

#[inline(always)]
fn update_with_two_states_plain<T: Copy>(
    values: &mut [T],
    other: &[T],
    first: &mut [T],
    second: &mut [T],
    f: impl Fn(T, T, T, T) -> (T, T, T),
) {
    let n = values.len();
    assert!(
        first.len() == n && second.len() == n,
        "update_with_two_states: lengths differ"
    );
    let states = first.iter_mut().zip(second.iter_mut());
    for ((value, &y), (s, t)) in values.iter_mut().zip(other).zip(states) {
        (*value, *s, *t) = f(*value, y, *s, *t);
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

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn add_then_map_avx2<T: Copy + std::ops::Add<Output = T>>(
    values: &mut [T],
    add: &[T],
    output: &mut [T],
    f: impl Fn(T) -> T,
) {
    add_then_map_plain(values, add, output, f);
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn all_avx2<T: Copy>(values: &[T], test: impl Fn(T) -> bool) -> bool {
    all_plain(values, test)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn update_with_state_avx2<T: Copy>(
    values: &mut [T],
    other: &[T],
    state: &mut [T],
    f: impl Fn(T, T, T) -> (T, T),
) {
    update_with_state_plain(values, other, state, f);
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn update_with_two_states_avx2<T: Copy>(
    values: &mut [T],
    other: &[T],
    first: &mut [T],
    second: &mut [T],
    f: impl Fn(T, T, T, T) -> (T, T, T),
) {
    update_with_two_states_plain(values, other, first, second, f);
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

/// e^x for f32, branch-free so it vectorises (the method of Cephes'
/// `expf`, by S. L. Moshier):
///
/// ```text
/// x = n·ln 2 + r,  n = round(x·log₂e),  |r| ≤ ½ ln 2
/// e^x = 2^n · e^r,  e^r ≈ 1 + r + r²·P(r),  P of degree 5
/// ```
///
/// with ln 2 split in two so that r is exact, and 2^n applied as two
/// powers of two put straight into the exponent bits (so e^x still
/// overflows to ∞ and underflows through the subnormals to 0 where f32
/// does). Within about 2 units in the last place; the tests check it
/// against `f64::exp`.
#[inline(always)]
pub fn exp_f32(x: f32) -> f32 {
    const LOG2_E: f32 = std::f32::consts::LOG2_E;
    // ln 2 = LN2_HI + LN2_LO, LN2_HI with few bits so n·LN2_HI is exact.
    const LN2_HI: f32 = 0.693_359_4;
    const LN2_LO: f32 = -2.121_944_4e-4;
    const P: [f32; 6] = [
        1.987_569_1e-4,
        1.398_199_9e-3,
        8.333_452e-3,
        4.166_579_6e-2,
        1.666_666_5e-1,
        0.5, // Cephes: 5.0000001201e-1, which is 0.5 in f32
    ];
    // Below −104, e^x is under half the smallest subnormal; above 88.73 it
    // overflows.
    const LOWEST: f32 = -104.0;
    const HIGHEST: f32 = 88.73;
    let clamped = x.clamp(LOWEST, HIGHEST);
    let n = (clamped * LOG2_E).round();
    let r = clamped - n * LN2_HI - n * LN2_LO;
    let mut p = P[0];
    for &c in &P[1..] {
        p = p * r + c;
    }
    let e_r = p * r * r + r + 1.0;
    // 2^n as 2^⌊n/2⌋ · 2^(n − ⌊n/2⌋): each factor is a normal f32 for
    // n in [−150, 128].
    let n = n as i32;
    let power_of_two = |k: i32| f32::from_bits(((k + 127) as u32) << 23);
    let value = e_r * power_of_two(n / 2) * power_of_two(n - n / 2);
    if x > HIGHEST {
        f32::INFINITY
    } else if x < LOWEST {
        0.0
    } else {
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exp_f32_is_within_a_few_ulp_of_the_exact_value() {
        // Every 1/1000 from −110 to 90: past both ends of f32's range.
        let mut worst = 0.0f64;
        for i in -110_000..=90_000 {
            let x = i as f32 / 1000.0;
            let exact = f64::from(x).exp();
            let got = f64::from(exp_f32(x));
            if exact > f64::from(f32::MAX) {
                assert_eq!(got, f64::INFINITY, "e^{x}");
            } else if exact < f64::from(f32::MIN_POSITIVE) {
                // Subnormal or zero: within one subnormal step (and a half
                // for rounding twice).
                assert!((got - exact).abs() <= 2e-45, "e^{x}: {got:e} vs {exact:e}");
            } else {
                worst = worst.max((got - exact).abs() / exact);
            }
        }
        // f32's unit roundoff is 6e-8; a few ulp is below 3e-7.
        assert!(worst < 3e-7, "worst relative error {worst:e}");
        assert_eq!(exp_f32(0.0), 1.0);
        assert_eq!(exp_f32(f32::NEG_INFINITY), 0.0);
        assert_eq!(exp_f32(f32::INFINITY), f32::INFINITY);
        assert!(exp_f32(f32::NAN).is_nan());
    }

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

    /// Values over f32's range for the activations and the exponential:
    /// every 1/64 in [−120, 120], then ±0, ±∞ and NaN.
    fn sample_values() -> Vec<f32> {
        let mut values: Vec<f32> = (-7680..=7680).map(|i| i as f32 / 64.0).collect();
        values.extend([0.0, -0.0, f32::INFINITY, f32::NEG_INFINITY, f32::NAN]);
        values
    }

    /// The run-time dispatched loops (the AVX2 copy on a CPU that has it)
    /// give the bits of the plain scalar loop for the vectorised kernels
    /// and for a multiply-add step, as the module doc says they must.
    #[test]
    fn the_dispatched_loops_give_the_plain_loops_bits() {
        let input = sample_values();
        let other: Vec<f32> = input.iter().map(|x| x * 0.37 - 1.0).collect();
        let same_bits = |a: &[f32], b: &[f32]| {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits())
        };
        type Kernel = fn(f32) -> f32;
        let kernels: [(&str, Kernel); 3] = [
            ("exp_f32", exp_f32),
            ("tanh_f32", tanh_f32),
            ("a step", |x| x - 0.1 * (x * x + 0.5)),
        ];
        for (name, kernel) in kernels {
            let (mut fast, mut plain) = (vec![0.0; input.len()], vec![0.0; input.len()]);
            map(&input, &mut fast, kernel);
            map_plain(&input, &mut plain, kernel);
            assert!(same_bits(&fast, &plain), "map {name}");
            let (mut fast, mut plain) = (input.clone(), input.clone());
            map_in_place(&mut fast, kernel);
            map_in_place_plain(&mut plain, kernel);
            assert!(same_bits(&fast, &plain), "map_in_place {name}");
            let (mut fast, mut plain) = (input.clone(), input.clone());
            zip_map(&mut fast, &other, |x, y| kernel(x) * y + x);
            zip_map_plain(&mut plain, &other, |x, y| kernel(x) * y + x);
            assert!(same_bits(&fast, &plain), "zip_map {name}");
        }
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

    #[test]
    fn add_then_map_adds_then_applies_the_function() {
        let add: Vec<f32> = (0..37).map(|i| i as f32).collect();
        let mut values = vec![1.0f32; 37];
        let mut output = vec![0.0f32; 37];
        add_then_map(&mut values, &add, &mut output, |v| -v);
        assert!((0..37).all(|i| values[i] == 1.0 + i as f32 && output[i] == -values[i]));
    }

    #[test]
    fn all_tests_every_element() {
        let mut values: Vec<f32> = (0..37).map(|i| i as f32).collect();
        assert!(all(&values, |v| v.is_finite()));
        values[36] = f32::INFINITY;
        assert!(!all(&values, |v| v.is_finite()));
        assert!(all(&[] as &[f32], |_| false));
    }

    #[test]
    fn updates_with_state_write_every_element_and_its_state() {
        let other: Vec<f32> = (0..37).map(|i| i as f32).collect();
        let mut values = vec![1.0f32; 37];
        let (mut first, mut second) = (vec![0.0f32; 37], vec![0.0f32; 37]);
        // value ← value + y, state ← y: each element sees its own y.
        update_with_state(&mut values, &other, &mut first, |v, y, _| (v + y, y));
        assert!((0..37).all(|i| values[i] == 1.0 + i as f32 && first[i] == i as f32));
        update_with_two_states(
            &mut values,
            &other,
            &mut first,
            &mut second,
            |v, y, s, _| (v - y, s + y, 2.0 * y),
        );
        assert!(values.iter().all(|&v| v == 1.0));
        assert!((0..37).all(|i| first[i] == 2.0 * i as f32 && second[i] == 2.0 * i as f32));
    }
}
