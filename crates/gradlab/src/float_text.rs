//! Numbers written as data (CSV cells): the shortest text that reads back
//! to the same float, in exponent form only for very large or very small
//! magnitudes, as Python's `repr(float)` chooses.
//!
//! Rust's `{}` is round-trip exact but never uses an exponent, so `1e300`
//! comes out as a 301-digit number and `1.5e-7` as `0.00000015`; `{:e}`
//! always uses one, so `38.25` would become `3.825e1`. [`round_trip_text`]
//! takes `{}` for decimal exponents −4 to 15 and `{:e}` outside, and both
//! carry the same (shortest) digits.

use std::fmt::{Display, LowerExp};
use std::ops::Range;

/// Decimal exponents written in plain digits; outside it, exponent form.
/// Python's `repr` uses the same range (`1e-05`, `0.0001`, `1e+16`).
const PLAIN_EXPONENTS: Range<i32> = -4..16;

/// The shortest text that parses back to exactly `value`, as a data cell:
/// `38.25`, `100`, `-0`, `0.0001`, `1e300`, `1.5e-7`, `1e16`, and `NaN`,
/// `inf`, `-inf` for the non-finite values.
///
/// Within decimal exponents −4 to 15 it is Rust's `{}` (byte for byte);
/// outside, Rust's `{:e}` (`1.7976931348623157e308`, no `+`, no leading
/// zeros in the exponent). For an `f32` the digits are those an `f32`
/// needs (`3.4028235e38`, `37.61956`).
pub fn round_trip_text<T: Display + LowerExp>(value: T) -> String {
    let exponent_form = format!("{value:e}");
    match decimal_exponent(&exponent_form) {
        Some(exponent) if !PLAIN_EXPONENTS.contains(&exponent) => exponent_form,
        _ => value.to_string(),
    }
}

/// The exponent of a `{:e}` text (`-7` of `1.5e-7`); `None` for `NaN` and
/// `inf`, which have none.
fn decimal_exponent(exponent_form: &str) -> Option<i32> {
    exponent_form.rsplit_once('e')?.1.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_examples_of_the_doc() {
        // Python's repr(float) gives the same digits and the same choice of
        // form for each: '38.25', '100.0', '0.0001', '1e-05', '1e+300',
        // '1.5e-07', '1e+16', '9999999999999998.0', '1.7976931348623157e+308',
        // '5e-324'; only its spelling of the exponent and of whole numbers
        // differs (Rust writes `e16`, `e-5` and `100`).
        let cases: [(f64, &str); 12] = [
            (38.25, "38.25"),
            (100.0, "100"),
            (-0.0, "-0"),
            (0.0001, "0.0001"),
            (0.00001, "1e-5"),
            (1e300, "1e300"),
            (1.5e-7, "1.5e-7"),
            (-2.5e-300, "-2.5e-300"),
            (1e16, "1e16"),
            (9999999999999998.0, "9999999999999998"),
            (f64::MAX, "1.7976931348623157e308"),
            (5e-324, "5e-324"),
        ];
        for (value, text) in cases {
            assert_eq!(round_trip_text(value), text, "{value:e}");
        }
    }

    #[test]
    fn f32_values_get_the_digits_of_an_f32() {
        assert_eq!(round_trip_text(37.61956f32), "37.61956");
        assert_eq!(round_trip_text(f32::MAX), "3.4028235e38");
        assert_eq!(round_trip_text(9.49713e-8f32), "9.49713e-8");
    }

    #[test]
    fn non_finite_values_are_spelled_as_rust_reads_them() {
        assert_eq!(round_trip_text(f64::NAN), "NaN");
        assert_eq!(round_trip_text(f64::INFINITY), "inf");
        assert_eq!(round_trip_text(f64::NEG_INFINITY), "-inf");
        assert_eq!(round_trip_text(f32::INFINITY), "inf");
    }

    /// Every finite f64, as its bits: any sign, exponent and mantissa.
    fn finite_f64() -> impl Strategy<Value = f64> {
        any::<u64>()
            .prop_map(f64::from_bits)
            .prop_filter("finite", |x| x.is_finite())
    }

    proptest! {
        #[test]
        fn any_finite_f64_reads_back_to_the_same_bits(value in finite_f64()) {
            let text = round_trip_text(value);
            let read: f64 = text.parse().unwrap();
            prop_assert_eq!(read.to_bits(), value.to_bits(), "{}", text);
        }

        #[test]
        fn any_finite_f32_reads_back_to_the_same_bits(bits in any::<u32>()) {
            let value = f32::from_bits(bits);
            prop_assume!(value.is_finite());
            let text = round_trip_text(value);
            let read: f32 = text.parse().unwrap();
            prop_assert_eq!(read.to_bits(), value.to_bits(), "{}", text);
        }

        #[test]
        fn the_form_follows_the_decimal_exponent(value in finite_f64()) {
            let text = round_trip_text(value);
            let exponent = decimal_exponent(&format!("{value:e}")).unwrap();
            if PLAIN_EXPONENTS.contains(&exponent) {
                // In this range the text is exactly what `{}` writes.
                prop_assert_eq!(text, value.to_string());
            } else {
                prop_assert_eq!(text, format!("{value:e}"));
            }
        }

        #[test]
        fn huge_and_tiny_values_are_short(value in finite_f64()) {
            // 17 significant digits at most, a sign, a point, `e-324`: 25.
            prop_assert!(round_trip_text(value).len() <= 25);
        }
    }
}
