//! The activations in words and formulas: a_l = f(z_l) and its slope.

use crate::explain::expr::{spelled, Expr};
use crate::explain::plain_math::subscript_digits;
use crate::nn::activation::Activation;

pub(super) fn activation_words(activation: Activation) -> &'static str {
    match activation {
        Activation::Sigmoid => "the logistic sigmoid",
        Activation::Tanh => "tanh",
        Activation::Relu => "ReLU",
        Activation::LeakyRelu => "leaky ReLU",
        Activation::Linear => "linear (no activation)",
        Activation::LecunTanh => "LeCun's scaled tanh",
        Activation::Elu => "ELU",
    }
}

/// a_l = f(z_l) written out (`l` 1-based).
pub(super) fn activation_formula(activation: Activation, l: usize) -> Expr {
    let (a, z) = (
        format!("a{}", subscript_digits(l)),
        format!("z{}", subscript_digits(l)),
    );
    let (la, lz) = (format!("a_{{{l}}}"), format!("z_{{{l}}}"));
    match activation {
        Activation::Sigmoid => spelled(
            format!("{a} = σ({z}) = 1 / (1 + e^(−{z}))"),
            format!(r"{la} = \sigma({lz}) = \frac{{1}}{{1 + e^{{-{lz}}}}}"),
        ),
        Activation::Tanh => spelled(format!("{a} = tanh({z})"), format!(r"{la} = \tanh({lz})")),
        Activation::Relu => spelled(
            format!("{a} = max(0, {z})"),
            format!(r"{la} = \max(0, {lz})"),
        ),
        Activation::LeakyRelu => spelled(
            format!("{a} = {z} where {z} > 0, else 0.01 · {z}"),
            format!(
                r"{la} = \begin{{cases}} {lz} & {lz} > 0 \\ 0.01\,{lz} & \text{{else}} \end{{cases}}"
            ),
        ),
        Activation::Linear => spelled(format!("{a} = {z}"), format!("{la} = {lz}")),
        Activation::LecunTanh => spelled(
            format!("{a} = 1.7159 · tanh(2 {z} / 3)"),
            format!(r"{la} = 1.7159 \tanh(\tfrac{{2}}{{3}} {lz})"),
        ),
        Activation::Elu => spelled(
            format!("{a} = {z} where {z} > 0, else e^{z} − 1"),
            format!(
                r"{la} = \begin{{cases}} {lz} & {lz} > 0 \\ e^{{{lz}}} - 1 & \text{{else}} \end{{cases}}"
            ),
        ),
    }
}

/// f′(z_l) written with the cached a_l (`l` 1-based), as the engine does.
pub(super) fn derivative_formula(activation: Activation, l: usize) -> Expr {
    let (a, z) = (
        format!("a{}", subscript_digits(l)),
        format!("z{}", subscript_digits(l)),
    );
    let (la, lz) = (format!("a_{{{l}}}"), format!("z_{{{l}}}"));
    let lhs = format!("f′({z})");
    let llhs = format!("f'({lz})");
    match activation {
        Activation::Sigmoid => spelled(
            format!("{lhs} = {a} ⊙ (1 − {a})"),
            format!(r"{llhs} = {la} \odot (1 - {la})"),
        ),
        Activation::Tanh => spelled(
            format!("{lhs} = 1 − {a} ⊙ {a}"),
            format!(r"{llhs} = 1 - {la} \odot {la}"),
        ),
        Activation::Relu => spelled(
            format!("{lhs} = 1 where {z} > 0, else 0"),
            format!(r"{llhs} = \begin{{cases}} 1 & {lz} > 0 \\ 0 & \text{{else}} \end{{cases}}"),
        ),
        Activation::LeakyRelu => spelled(
            format!("{lhs} = 1 where {z} > 0, else 0.01"),
            format!(r"{llhs} = \begin{{cases}} 1 & {lz} > 0 \\ 0.01 & \text{{else}} \end{{cases}}"),
        ),
        Activation::Linear => spelled(format!("{lhs} = 1"), format!("{llhs} = 1")),
        Activation::LecunTanh => spelled(
            format!("{lhs} = 1.7159 · 2/3 · (1 − ({a} / 1.7159)²)"),
            format!(
                r"{llhs} = 1.7159 \cdot \tfrac{{2}}{{3}} \left(1 - ({la} / 1.7159)^{{2}}\right)"
            ),
        ),
        Activation::Elu => spelled(
            format!("{lhs} = 1 where {z} > 0, else {a} + 1"),
            format!(
                r"{llhs} = \begin{{cases}} 1 & {lz} > 0 \\ {la} + 1 & \text{{else}} \end{{cases}}"
            ),
        ),
    }
}
