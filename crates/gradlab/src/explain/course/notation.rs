//! The names of the course's notation: which symbol is a layer's input, and
//! which vector of numbers it is.

use crate::explain::expr::Operator::Minus;
use crate::explain::expr::{indexed, spaced, symbol, Expr};
use crate::methods::explain::RowExplanation;

/// The input of course layer `l` (1-based): x for the first, else a_{l−1}.
pub(super) fn input_name(l: usize) -> Expr {
    if l == 1 {
        symbol("x")
    } else {
        indexed("a", l - 1)
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

/// (ŷ − y): the output's error.
pub(super) fn error() -> Expr {
    Expr::Parens(Box::new(spaced(vec![
        symbol("ŷ"),
        Expr::Op(Minus),
        symbol("y"),
    ])))
}
