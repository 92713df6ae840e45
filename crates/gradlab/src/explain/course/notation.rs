//! The names of the course's notation: subscripted symbols (`W₁`, `a₂ᵀ`),
//! partial derivatives, and which vector is a layer's input.

use crate::explain::document::{math, Math};
use crate::methods::explain::RowExplanation;

/// Unicode subscript digits: 12 → "₁₂".
pub(super) fn sub(n: usize) -> String {
    n.to_string()
        .chars()
        .map(|d| char::from_u32(0x2080 + d.to_digit(10).unwrap_or(0)).unwrap_or(d))
        .collect()
}

/// `W₁` / `W_{1}`.
pub(super) fn named(base: &str, latex_base: &str, l: usize) -> Math {
    math(format!("{base}{}", sub(l)), format!("{latex_base}_{{{l}}}"))
}

/// `W₁ᵀ` / `W_{1}^{\top}`.
pub(super) fn named_t(base: &str, latex_base: &str, l: usize) -> Math {
    math(
        format!("{base}{}ᵀ", sub(l)),
        format!(r"{latex_base}_{{{l}}}^{{\top}}"),
    )
}

/// `∂C/∂W₁` / `\frac{\partial C}{\partial W_{1}}`.
pub(super) fn partial(base: &str, l: usize) -> Math {
    math(
        format!("∂C/∂{base}{}", sub(l)),
        format!(r"\frac{{\partial C}}{{\partial {base}_{{{l}}}}}"),
    )
}

/// The input of course layer `l` (1-based): x for the first, else a_{l−1}.
pub(super) fn input_name(l: usize) -> Math {
    if l == 1 {
        math("x", "x")
    } else {
        named("a", "a", l - 1)
    }
}

pub(super) fn input_name_t(l: usize) -> Math {
    if l == 1 {
        math("xᵀ", r"x^{\top}")
    } else {
        named_t("a", "a", l - 1)
    }
}

/// a_{k} for engine layer k: x for the first layer.
pub(super) fn layer_input(row: &RowExplanation, k: usize) -> &[f64] {
    if k == 0 {
        &row.scaled_inputs
    } else {
        &row.layers[k - 1].a
    }
}
