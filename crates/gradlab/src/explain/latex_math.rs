//! LaTeX spellings shared by the course narrative and the LaTeX renderer:
//! numbers, written-out arithmetic, words in formulas, escaped text.

/// A number in LaTeX math: `1.2e-5` → `1.2 \times 10^{-5}`.
pub fn latex_num(text: &str) -> String {
    match text.split_once('e') {
        Some((mantissa, exponent)) => format!(r"{mantissa} \times 10^{{{exponent}}}"),
        None => text.to_owned(),
    }
}

/// Rewrites a plain formula's numbers-and-operators for LaTeX math.
pub fn latex_expr(plain: &str) -> String {
    let mut out = String::new();
    for c in plain.chars() {
        match c {
            '·' => out.push_str(r" \cdot "),
            '−' => out.push('-'),
            '²' => out.push_str("^{2}"),
            '×' => out.push_str(r" \times "),
            _ => out.push(c),
        }
    }
    out
}

/// Escapes LaTeX's special characters in text.
pub fn latex_escape(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        match c {
            '\\' => out.push_str(r"\textbackslash{}"),
            '{' | '}' | '_' | '%' | '&' | '#' | '$' => {
                out.push('\\');
                out.push(c);
            }
            '^' => out.push_str(r"\^{}"),
            '~' => out.push_str(r"\~{}"),
            _ => out.push(c),
        }
    }
    out
}

/// A formula's words (`mean + ŷ · std`) for LaTeX math.
pub fn latex_words(text: &str) -> String {
    let mut out = String::new();
    for token in text.split(' ') {
        let t = match token {
            "ŷ" => r"\hat{y}".to_owned(),
            "·" => r"\cdot".to_owned(),
            "−" => "-".to_owned(),
            "+" | "/" | "(" | ")" => token.to_owned(),
            word if word.chars().all(|c| c.is_ascii_alphabetic()) => {
                format!(r"\mathrm{{{word}}}")
            }
            other => latex_expr(other)
                .replace("(ŷ", r"(\hat{y}")
                .replace("ŷ", r"\hat{y}")
                .replace("(max", r"(\max")
                .replace("(high", r"(\mathrm{high}")
                .replace("min)", r"\min)")
                .replace("low)", r"\mathrm{low})"),
        };
        out.push_str(&t);
        out.push(' ');
    }
    out.trim_end().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_text_are_spelled_for_latex() {
        assert_eq!(latex_num("1.5e-6"), r"1.5 \times 10^{-6}");
        assert_eq!(latex_num("0.25"), "0.25");
        assert_eq!(latex_expr("(2 − 1)² · 3"), r"(2 - 1)^{2}  \cdot  3");
        assert_eq!(latex_escape("temp_c 5%"), r"temp\_c 5\%");
        assert_eq!(
            latex_words("mean + ŷ · std"),
            r"\mathrm{mean} + \hat{y} \cdot \mathrm{std}"
        );
    }
}
