//! A fast path for the common numeric cell: a plain decimal number.
//!
//! [`plain_number`] reads a cell straight from its bytes, without checking
//! UTF-8 or building a `&str`, with the `fast-float2` crate (Lemire's
//! algorithm: correctly rounded, the same `f64` that `str::parse::<f64>`
//! gives for the same text). Only finite results are taken; `None` means
//! "read it the ordinary way", so `NA`, `NaN`, `inf`, `1e309`, decimal
//! commas, non-ASCII spaces and every error message stay exactly as the
//! ordinary path makes them.

/// The cell's value when it is a finite decimal number (ASCII spaces around
/// it allowed); `None` means "read it the ordinary way".
#[inline]
pub(super) fn plain_number(cell: &[u8]) -> Option<f64> {
    let value: f64 = fast_float2::parse(cell.trim_ascii()).ok()?;
    value.is_finite().then_some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_numbers_read_like_std() {
        for text in [
            "0",
            "-0",
            "+0",
            "1",
            "-1",
            "52.7941",
            "-1124.78",
            "0.000123",
            "1.",
            ".5",
            "-.5",
            "+3.25",
            "1e5",
            "1E-5",
            "2.5e+3",
            " 7 ",
            "\t-8.5\r",
            "123456789012345",
            "0.1",
            "0.30000000000000004",
            "9007199254740993",
            "1e22",
            "1e-22",
            "4.9e-324",
            "1e23",
            "1e-23",
            "1234567890123456",
            "2.2250738585072011e-308",
        ] {
            let std = text.trim().parse::<f64>().unwrap();
            if let Some(fast) = plain_number(text.as_bytes()) {
                assert_eq!(fast.to_bits(), std.to_bits(), "{text:?}");
            }
        }
        // These must take the fast path (the benchmark's cells look so).
        for text in ["52.7941", "-1124.78", "1e5", ".5", "1.", "-0"] {
            assert!(plain_number(text.as_bytes()).is_some(), "{text:?}");
        }
    }

    #[test]
    fn anything_else_is_left_to_the_ordinary_path() {
        for text in [
            "", " ", "-", "+", ".", "-.", "e5", "1e", "1e+", "1.5.2", "1,5", "NA", "nan", "inf",
            "1e309", "1 2", "0x10", "1_000", "\u{a0}1", "1e1000",
        ] {
            assert_eq!(plain_number(text.as_bytes()), None, "{text:?}");
        }
    }

    proptest::proptest! {
        /// The fast path reads exactly the finite numbers std reads, to the
        /// same bits, and leaves everything else to the ordinary path.
        #[test]
        fn agrees_with_std(
            text in "[ +-]?[0-9]{0,25}(\\.[0-9]{0,25})?([eE][+-]?[0-9]{1,3})? ?",
        ) {
            let std = text.trim().parse::<f64>().ok().filter(|v| v.is_finite());
            let fast = plain_number(text.as_bytes());
            proptest::prop_assert_eq!(fast.map(f64::to_bits), std.map(f64::to_bits), "{:?}", text);
        }
    }
}
