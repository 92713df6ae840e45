//! Numbers as `gradlab explain` shows them: 6 significant digits.

/// A number with 6 significant digits, trailing zeros dropped; an exponent
/// only for very small or large magnitudes.
pub fn num(v: f64) -> String {
    if v == 0.0 {
        return "0".to_owned();
    }
    if !v.is_finite() {
        return format!("{v}");
    }
    let magnitude = v.abs().log10().floor() as i32;
    if !(-4..7).contains(&magnitude) {
        let text = format!("{v:.5e}");
        let (mantissa, exponent) = text.split_once('e').unwrap_or((&text, "0"));
        let mantissa = mantissa.trim_end_matches('0').trim_end_matches('.');
        return format!("{mantissa}e{exponent}");
    }
    let decimals = (5 - magnitude).max(0) as usize;
    let text = format!("{v:.decimals$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        text
    }
}

/// A number as a factor: negative ones in parentheses.
pub fn factor(v: f64) -> String {
    if v < 0.0 {
        format!("({})", num(v))
    } else {
        num(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_have_six_significant_digits() {
        assert_eq!(num(0.123456789), "0.123457");
        assert_eq!(num(-1.5), "-1.5");
        assert_eq!(num(38.0), "38");
        assert_eq!(num(376.05), "376.05");
        assert_eq!(num(1.23456789e-6), "1.23457e-6");
        assert_eq!(num(0.0), "0");
        assert_eq!(factor(-1.5), "(-1.5)");
        assert_eq!(factor(2.0), "2");
    }
}
