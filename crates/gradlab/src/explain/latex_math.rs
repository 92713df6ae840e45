//! LaTeX spellings shared by the course narrative and the LaTeX renderer:
//! numbers, written-out arithmetic, words in formulas, escaped text, and
//! typed math ([`latex`]).

use crate::explain::expr::{Expr, Gap, Index, Operator, Symbol};
use crate::explain::number::num;

/// The LaTeX of an operator.
pub fn latex_operator(op: Operator) -> &'static str {
    match op {
        Operator::Equals => "=",
        Operator::Plus => "+",
        Operator::Minus => "-",
        Operator::Times => r"\cdot",
        Operator::Hadamard => r"\odot",
        Operator::Becomes => r"\leftarrow",
        Operator::To => r"\to",
        Operator::Colon => ":",
        Operator::Over => "/",
    }
}

/// The LaTeX of a symbol's name: Greek letters and marked letters.
fn latex_name(name: &str) -> &str {
    match name {
        "δ" => r"\delta",
        "θ" => r"\theta",
        "η" => r"\eta",
        "ŷ" => r"\hat{y}",
        "f′" => "f'",
        other => other,
    }
}

fn latex_symbol(s: &Symbol) -> String {
    let index = match &s.index {
        None => String::new(),
        Some(Index::Number(n)) => format!("_{{{n}}}"),
        Some(Index::Letter(l)) => format!("_{l}"),
        Some(Index::Braced(e)) => format!("_{{{e}}}"),
        Some(Index::Word(w)) => format!(r"_{{\text{{{}}}}}", latex_escape(w)),
    };
    let mark = if s.transposed { r"^{\top}" } else { "" };
    format!("{}{index}{mark}", latex_name(s.name))
}

/// `expr` in LaTeX math.
pub fn latex(expr: &Expr) -> String {
    match expr {
        Expr::Symbol(s) => latex_symbol(s),
        Expr::Number(v) => latex_num(&num(*v)),
        Expr::Arithmetic(text) => latex_expr(text),
        Expr::Word(word) => format!(r"\mathrm{{{word}}}"),
        Expr::WordFormula(text) => latex_words(text),
        Expr::Text(text) => format!(r"\text{{{}}}", latex_escape(text)),
        Expr::Labelled(label, e) => format!(r"\text{{{}}}:\ {}", latex_escape(label), latex(e)),
        Expr::Entry(e, i) => format!("{}[{i}]", latex(e)),
        Expr::Op(op) => latex_operator(*op).to_owned(),
        Expr::Row(parts) => parts
            .iter()
            .map(latex)
            .filter(|part| !part.is_empty())
            .collect::<Vec<_>>()
            .join(" "),
        Expr::Partial(e) => format!(r"\frac{{\partial C}}{{\partial {}}}", latex(e)),
        Expr::Group(e) => format!(r"\left({}\right)", latex(e)),
        Expr::Parens(e) => format!("({})", latex(e)),
        Expr::Squared(e) => format!("{}^{{2}}", latex(e)),
        Expr::Product(factors) => factors.iter().map(latex).collect::<Vec<_>>().join(r"\,"),
        Expr::MinusLn(e) => format!(r"-\ln {}", latex(e)),
        Expr::Apply(f, x) => format!("{}({})", latex(f), latex(x)),
        Expr::Shape(r, c) => format!(r"({r}\times {c})"),
        Expr::Gap(Gap::Quad) => r"\quad".to_owned(),
        Expr::Gap(Gap::Qquad) => r"\qquad".to_owned(),
        Expr::Note(words) => format!(r"\text{{({})}}", latex_escape(words)),
        Expr::TextOnly(_) => String::new(),
        Expr::Spelled { latex, .. } => latex.clone(),
    }
}

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
    fn typed_math_is_spelled_for_latex() {
        use crate::explain::expr::{apply, group, indexed, partial, spaced, text_only, transposed};
        let delta = spaced(vec![
            indexed("δ", 1),
            Expr::Op(Operator::Equals),
            group(spaced(vec![
                transposed(indexed("W", 2)),
                Expr::Op(Operator::Times),
                indexed("δ", 2),
            ])),
            Expr::Op(Operator::Hadamard),
            apply(
                Expr::Symbol(Symbol {
                    name: "f′",
                    index: None,
                    transposed: false,
                }),
                indexed("z", 1),
            ),
            text_only(Expr::Shape(2, 1)),
        ]);
        assert_eq!(
            latex(&delta),
            r"\delta_{1} = \left(W_{2}^{\top} \cdot \delta_{2}\right) \odot f'(z_{1})"
        );
        assert_eq!(
            latex(&partial(indexed("b", 3))),
            r"\frac{\partial C}{\partial b_{3}}"
        );
        assert_eq!(latex(&Expr::Number(1.5e-6)), r"1.5 \times 10^{-6}");
        let scaled = Expr::Labelled(
            "temp_c".into(),
            Box::new(spaced(vec![
                Expr::Entry(Box::new(indexed("z", 1)), 2),
                Expr::Op(Operator::Equals),
                Expr::Arithmetic("(2 − 1) · 0.5".into()),
            ])),
        );
        assert_eq!(
            latex(&scaled),
            r"\text{temp\_c}:\ z_{1}[2] = (2 - 1)  \cdot  0.5"
        );
    }

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
