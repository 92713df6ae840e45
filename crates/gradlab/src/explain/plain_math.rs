//! Typed math in Unicode, for the text and markdown renderers.

use crate::explain::expr::{Expr, Gap, Index, Operator, Symbol};
use crate::explain::number::num;

/// Unicode subscript digits: 12 → "₁₂".
pub fn subscript_digits(n: usize) -> String {
    n.to_string()
        .chars()
        .map(|d| char::from_u32(0x2080 + d.to_digit(10).unwrap_or(0)).unwrap_or(d))
        .collect()
}

/// The Unicode spelling of an operator.
pub fn plain_operator(op: Operator) -> &'static str {
    match op {
        Operator::Equals => "=",
        Operator::Plus => "+",
        Operator::Minus => "−",
        Operator::Times => "·",
        Operator::Hadamard => "⊙",
        Operator::Becomes => "←",
        Operator::To => "→",
        Operator::Colon => ":",
        Operator::Over => "/",
    }
}

fn plain_symbol(s: &Symbol) -> String {
    let index = match &s.index {
        None => String::new(),
        Some(Index::Number(n)) => subscript_digits(*n),
        Some(Index::Letter(l)) => format!("_{l}"),
        Some(Index::Braced(e)) => format!("_{{{e}}}"),
        Some(Index::Word(w)) => format!("_{w}"),
    };
    let mark = if s.transposed { "ᵀ" } else { "" };
    format!("{}{index}{mark}", s.name)
}

/// `expr` in Unicode.
pub fn plain(expr: &Expr) -> String {
    match expr {
        Expr::Symbol(s) => plain_symbol(s),
        Expr::Number(v) => num(*v),
        Expr::Arithmetic(text) => text.clone(),
        Expr::Word(word) => (*word).to_owned(),
        Expr::WordFormula(text) | Expr::Text(text) => text.clone(),
        Expr::Labelled(label, e) => format!("{label}: {}", plain(e)),
        Expr::Entry(e, i) => format!("{}[{i}]", plain(e)),
        Expr::Op(op) => plain_operator(*op).to_owned(),
        Expr::Row(parts) => parts.iter().map(plain).collect::<Vec<_>>().join(" "),
        Expr::Partial(e) => format!("∂C/∂{}", plain(e)),
        Expr::Group(e) | Expr::Parens(e) => format!("({})", plain(e)),
        Expr::Squared(e) => format!("{}²", plain(e)),
        Expr::Product(factors) => factors.iter().map(plain).collect::<Vec<_>>().join(" "),
        Expr::MinusLn(e) => format!("−ln {}", plain(e)),
        Expr::Apply(f, x) => format!("{}({})", plain(f), plain(x)),
        Expr::Shape(r, c) => format!("({r}×{c})"),
        // Joined with a space on each side: 3 and 6 spaces in all.
        Expr::Gap(Gap::Quad) => " ".to_owned(),
        Expr::Gap(Gap::Qquad) => "    ".to_owned(),
        Expr::Note(words) => format!("({words})"),
        Expr::TextOnly(e) => plain(e),
        Expr::Spelled { plain, .. } => plain.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::explain::expr::{group, indexed, partial, spaced, transposed};

    #[test]
    fn symbols_and_operators_are_spelled_in_unicode() {
        assert_eq!(subscript_digits(12), "₁₂");
        let gradient = spaced(vec![
            partial(indexed("W", 2)),
            Expr::Op(Operator::Equals),
            group(spaced(vec![
                transposed(indexed("W", 3)),
                Expr::Op(Operator::Times),
                indexed("δ", 3),
            ])),
            Expr::Gap(Gap::Qquad),
            Expr::Shape(2, 1),
        ]);
        assert_eq!(plain(&gradient), "∂C/∂W₂ = (W₃ᵀ · δ₃)      (2×1)");
        let scaled = Expr::Labelled(
            "temp_c".into(),
            Box::new(spaced(vec![
                Expr::Entry(Box::new(indexed("z", 1)), 2),
                Expr::Op(Operator::Equals),
                Expr::Arithmetic("(2 − 1) · 0.5".into()),
            ])),
        );
        assert_eq!(plain(&scaled), "temp_c: z₁[2] = (2 − 1) · 0.5");
    }
}
