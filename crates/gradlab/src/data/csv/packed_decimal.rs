//! A short decimal number held in 32 bits, exactly.
//!
//! Most cells of a numeric CSV file are short decimals such as `52.7941`,
//! `-1124.78` or `3e5`: a mantissa of a few digits and a small power of
//! ten. Such a number `± m · 10^e` with `m < 2^26` and `-16 ≤ e ≤ 15` is
//! stored as one `u32` (sign: 1 bit, `e + 16`: 5 bits, `m`: 26 bits), half
//! the room of an `f64`, and read back as an `f64` with one operation:
//!
//! ```text
//!   value = ±(m · 10^e)        for e ≥ 0
//!   value = ±(m / 10^-e)       for e < 0
//! ```
//!
//! Both `m` (< 2^26) and `10^|e|` (≤ 10^16 = 2^16 · 5^16, with
//! 5^16 < 2^53) are exact `f64`s, and IEEE multiplication and
//! division round correctly, so the result is the correctly rounded value
//! of the decimal: the very `f64` that `str::parse::<f64>` gives for the
//! same text (Clinger's fast path, which `fast-float2` and std use too).
//! Negation is exact, so the sign is applied last.
//!
//! [`pack`] takes only the text it can hold exactly; anything else (more
//! digits, a larger exponent, `NA`, a decimal comma, ...) is `None`, for
//! the ordinary path to read.

/// Bits of the mantissa.
const MANTISSA_BITS: u32 = 26;

/// Mantissas must stay below this.
const MANTISSA_LIMIT: u64 = 1 << MANTISSA_BITS;

/// The stored exponent is `e + EXPONENT_BIAS`, in 5 bits.
const EXPONENT_BIAS: i32 = 16;

/// The largest decimal exponent held (the smallest is `-EXPONENT_BIAS`).
const MAX_EXPONENT: i32 = 15;

/// The sign bit.
const NEGATIVE: u32 = 1 << 31;

/// `10^k` for `k` in `0..=16`, each exactly representable as an `f64`.
const POWERS_OF_TEN: [f64; 17] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
];

/// The cell (ASCII spaces around it allowed) packed, when it is a decimal
/// number `[+-]digits[.digits][(e|E)[+-]digits]` that fits, with `point`
/// (`.`, or `,` for a decimal comma) as its decimal point; `None` means
/// "read it the ordinary way".
#[inline]
pub(super) fn pack(cell: &[u8], point: u8) -> Option<u32> {
    let text = cell.trim_ascii();
    match pack_prefix(text, point)? {
        (packed, used) if used == text.len() => Some(packed),
        _ => None,
    }
}

/// The decimal number at the start of `text` packed (decimal point
/// `point`), with the number of bytes it takes; `None` when `text` does not
/// start with one that fits. What follows the number is not looked at
/// beyond its first byte: the caller checks that the cell ends there.
#[inline(always)]
pub(super) fn pack_prefix(text: &[u8], point: u8) -> Option<(u32, usize)> {
    let (negative, sign_bytes) = match text.first()? {
        b'-' => (true, 1),
        b'+' => (false, 1),
        _ => (false, 0),
    };
    let (mantissa, fraction_digits, mantissa_bytes) = scan_mantissa(&text[sign_bytes..], point)?;
    let after_mantissa = sign_bytes + mantissa_bytes;
    let (exponent, exponent_bytes) = scan_exponent(&text[after_mantissa..])?;
    let exponent = if mantissa == 0 {
        0
    } else {
        exponent - fraction_digits
    };
    if !(-EXPONENT_BIAS..=MAX_EXPONENT).contains(&exponent) {
        return None;
    }
    let sign = if negative { NEGATIVE } else { 0 };
    let packed = sign | (((exponent + EXPONENT_BIAS) as u32) << MANTISSA_BITS) | mantissa as u32;
    Some((packed, after_mantissa + exponent_bytes))
}

/// The value `packed` holds (see the module documentation for why it is
/// exact): the mantissa times the factor of its exponent, divided by the
/// divisor (one of the two is 1, which is exact), with the sign bit set.
/// Written without branches, so decoding a column is one straight loop.
#[inline]
pub(super) fn unpack(packed: u32) -> f64 {
    let mantissa = (packed & (MANTISSA_LIMIT as u32 - 1)) as f64;
    let (factor, divisor) = SCALES[((packed & !NEGATIVE) >> MANTISSA_BITS) as usize];
    let magnitude = mantissa * factor / divisor;
    f64::from_bits(magnitude.to_bits() | (u64::from(packed >> 31) << 63))
}

/// For each stored exponent `e + 16`: `(10^e, 1)` when `e ≥ 0`, else
/// `(1, 10^-e)`.
const SCALES: [(f64, f64); 32] = scales();

/// Builds [`SCALES`].
const fn scales() -> [(f64, f64); 32] {
    let mut scales = [(1.0, 1.0); 32];
    let mut code = 0;
    while code < 32 {
        let exponent = code as i32 - EXPONENT_BIAS;
        scales[code] = if exponent >= 0 {
            (POWERS_OF_TEN[exponent as usize], 1.0)
        } else {
            (1.0, POWERS_OF_TEN[(-exponent) as usize])
        };
        code += 1;
    }
    scales
}

/// Reads `digits[<point>digits]` (at least one digit) from the start of
/// `text`: the digits as one whole number below [`MANTISSA_LIMIT`], how many
/// of them came after the point, and the bytes read.
#[inline]
fn scan_mantissa(text: &[u8], point: u8) -> Option<(u64, i32, usize)> {
    let mut mantissa: u64 = 0;
    let integer_digits = scan_digits(text, &mut mantissa);
    let mut read = integer_digits;
    let mut fraction_digits = 0;
    if text.get(read) == Some(&point) {
        fraction_digits = scan_digits(&text[read + 1..], &mut mantissa);
        read += 1 + fraction_digits;
    }
    // 19 digits cannot overflow a u64, so the limit is checked once.
    let digits = integer_digits + fraction_digits;
    let fits = (1..=19).contains(&digits) && mantissa < MANTISSA_LIMIT;
    fits.then_some((mantissa, fraction_digits as i32, read))
}

/// Reads the decimal digits at the start of `text` into `value` (times ten
/// and plus the digit, each; wrapping, so the caller bounds the count) and
/// says how many there were.
#[inline(always)]
fn scan_digits(text: &[u8], value: &mut u64) -> usize {
    let mut count = 0;
    for &byte in text {
        let digit = byte.wrapping_sub(b'0');
        if digit > 9 {
            break;
        }
        *value = value.wrapping_mul(10).wrapping_add(u64::from(digit));
        count += 1;
    }
    count
}

/// Reads an optional exponent `(e|E)[+-]digits` (one to three digits) from
/// the start of `text`: its value (0 when there is none) and the bytes
/// read; `None` for an `e` not followed by such digits.
#[inline]
fn scan_exponent(text: &[u8]) -> Option<(i32, usize)> {
    match text.first() {
        Some(marker) if marker | 0x20 == b'e' => {}
        _ => return Some((0, 0)),
    }
    let (negative, sign_bytes) = match text.get(1) {
        Some(b'-') => (true, 1),
        Some(b'+') => (false, 1),
        _ => (false, 0),
    };
    let digits_start = 1 + sign_bytes;
    let digits = text[digits_start..]
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .count();
    if digits == 0 || digits > 3 {
        return None;
    }
    let value = text[digits_start..digits_start + digits]
        .iter()
        .fold(0, |value, &d| value * 10 + i32::from(d - b'0'));
    Some((if negative { -value } else { value }, digits_start + digits))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The packed value of `text` and std's value of it, as bits.
    fn both(text: &str) -> (Option<u64>, Option<u64>) {
        let std = text.trim().parse::<f64>().ok().filter(|v| v.is_finite());
        (
            pack(text.as_bytes(), b'.').map(|p| unpack(p).to_bits()),
            std.map(f64::to_bits),
        )
    }

    #[test]
    fn short_decimals_are_held_exactly() {
        for text in [
            "0", "-0", "+0", "1", "-1", "52.7941", "-1124.78", "0.000123", "1.", ".5", "-.5",
            "+3.25", "1e5", "1E-5", "2.5e+3", " 7 ", "\t-8.5\r", "0.1", "67108863", "0.3", "1e15",
            "1e-16", "0e999", "0000001", "1.50000", "-0.0",
        ] {
            let (packed, std) = both(text);
            assert!(packed.is_some(), "{text:?} should be packed");
            assert_eq!(packed, std, "{text:?}");
        }
        // -0 keeps its sign, as std's does.
        assert!(unpack(pack(b"-0", b'.').unwrap()).is_sign_negative());
    }

    #[test]
    fn a_prefix_ends_where_the_number_does() {
        let prefix =
            |text: &str| pack_prefix(text.as_bytes(), b'.').map(|(p, used)| (unpack(p), used));
        assert_eq!(prefix("52.7941,1"), Some((52.7941, 7)));
        assert_eq!(prefix("-3e2;x"), Some((-300.0, 4)));
        assert_eq!(prefix("7"), Some((7.0, 1)));
        assert_eq!(prefix("1.5.2"), Some((1.5, 3)));
        for text in ["", ",1", " 1", "e5", "1e,", "1e1234", "-x"] {
            assert_eq!(prefix(text), None, "{text:?}");
        }
    }

    #[test]
    fn anything_that_does_not_fit_is_left_to_the_ordinary_path() {
        for text in [
            "",
            " ",
            "-",
            "+",
            ".",
            "-.",
            "e5",
            "1e",
            "1e+",
            "1.5.2",
            "1,5",
            "NA",
            "nan",
            "inf",
            "1e309",
            "1 2",
            "0x10",
            "1_000",
            "\u{a0}1",
            "67108864",
            "1e16",
            "1e-17",
            "1e1000",
            "0.1234567890123456",
            "+-1",
            "1e0005",
            "1..",
            "--1",
            // Over 19 digits, even leading zeros, are not counted out.
            "00000000000000000001",
        ] {
            assert_eq!(pack(text.as_bytes(), b'.'), None, "{text:?}");
        }
    }

    #[test]
    fn with_a_decimal_comma_the_comma_is_the_point_and_a_point_ends_the_number() {
        let comma = |text: &str| pack(text.as_bytes(), b',').map(unpack);
        assert_eq!(comma("38,5"), Some(38.5));
        assert_eq!(comma("-0,25"), Some(-0.25));
        assert_eq!(comma("1e3"), Some(1000.0));
        // Such files write 1.250 for 1250: never read as 1.25.
        assert_eq!(comma("1.250"), None);
        let prefix = pack_prefix(b"1.250;2", b',').map(|(p, used)| (unpack(p), used));
        assert_eq!(prefix, Some((1.0, 1)));
    }

    proptest::proptest! {
        /// Whatever is packed reads back to std's bits; what std reads and
        /// is short enough is packed.
        #[test]
        fn agrees_with_std(
            text in "[ +-]?[0-9]{0,12}(\\.[0-9]{0,12})?([eE][+-]?[0-9]{1,3})? ?",
        ) {
            let (packed, std) = both(&text);
            if packed.is_some() {
                proptest::prop_assert_eq!(packed, std, "{:?}", text);
            }
        }

        /// Every mantissa below 2^26 with every exponent held reads back
        /// to std's bits.
        #[test]
        fn every_held_number_reads_back_exactly(
            mantissa in 0u32..(1 << 26),
            exponent in -16i32..=15,
            negative in proptest::bool::ANY,
        ) {
            let text = format!("{}{mantissa}e{exponent}", if negative { "-" } else { "" });
            let (packed, std) = both(&text);
            proptest::prop_assert!(packed.is_some(), "{}", text);
            proptest::prop_assert_eq!(packed, std, "{}", text);
        }
    }
}
