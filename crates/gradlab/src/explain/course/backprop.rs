//! Backprop, output → hidden and hidden → input: each layer's δ and the
//! gradients of its weights and biases.

use crate::explain::course::activation::{activation_words, derivative_formula};
use crate::explain::course::notation::{error, input_name, layer_input};
use crate::explain::document::{mat, op, sym, Document, NumberMatrix};
use crate::explain::expr::Operator::{Equals, Hadamard, Minus, Over, Times};
use crate::explain::expr::{
    apply, group, indexed, indexed_by, partial, spaced, spelled, symbol, text_only, transposed,
    Expr, Gap,
};
use crate::explain::number::{factor, num};
use crate::explain::plain_math::subscript_digits;
use crate::methods::explain::{Explanation, LayerStep, OutputValue, RowExplanation, TargetValue};

pub(super) fn backprop_output(doc: &mut Document, row: &RowExplanation, suffix: &str) {
    let big_l = row.layers.len();
    let hidden = big_l > 1;
    doc.section(format!(
        "Backprop, output → {}{suffix}",
        if hidden { "hidden" } else { "input" }
    ));
    let out = &row.layers[big_l - 1];
    // δ_L = ∂C/∂z_L, the start of the backward pass.
    let delta_by_z = || {
        vec![
            indexed("δ", big_l),
            Expr::Op(Equals),
            partial(indexed("z", big_l)),
            Expr::Op(Equals),
        ]
    };
    match (&row.output, &row.target) {
        (OutputValue::Value { scaled, .. }, TargetValue::Value { scaled: y, .. }) => {
            let k = scaled.len();
            doc.text(format!(
                "δ at the output: the derivative of this row's cost by z{}; ŷ = z{} (linear), so",
                subscript_digits(big_l),
                subscript_digits(big_l)
            ));
            // ∂/∂ŷ of (ŷ − y)², averaged over the k outputs.
            let mut slope = vec![Expr::Product(vec![Expr::Number(2.0), error()])];
            if k > 1 {
                slope.extend([Expr::Op(Over), Expr::Number(k as f64)]);
            }
            let written = format!("2 · ({} − {})", num(scaled[0]), factor(*y));
            let mut formula = delta_by_z();
            formula.extend([
                spaced(slope),
                Expr::Op(Equals),
                Expr::Arithmetic(written),
                Expr::Op(Equals),
                Expr::Number(out.delta[0]),
            ]);
            doc.formula(spaced(formula));
        }
        (OutputValue::Probabilities { probabilities, .. }, TargetValue::Class { index, .. }) => {
            doc.text(format!(
                "δ at the output: the derivative of this row's cost by z{}; softmax and cross-entropy together give",
                subscript_digits(big_l)
            ));
            let mut formula = delta_by_z();
            formula.extend([
                symbol("p"),
                Expr::Op(Minus),
                apply(Expr::Word("onehot"), symbol("y")),
            ]);
            doc.formula(spaced(formula));
            let onehot: Vec<f64> = (0..probabilities.len())
                .map(|k| if k == *index { 1.0 } else { 0.0 })
                .collect();
            doc.equation(vec![
                sym(indexed("δ", big_l)),
                op(Equals),
                mat(NumberMatrix::column(probabilities)),
                op(Minus),
                mat(NumberMatrix::column(&onehot)),
                op(Equals),
                mat(NumberMatrix::column(&out.delta)),
            ]);
        }
        _ => {}
    }
    layer_gradients(doc, row, big_l - 1);
    doc.text("The engine stacks the rows of a batch as the rows of Δ and A and computes the same product as ∂C/∂W = Δᵀ · A, which adds up δ_s · a_sᵀ over the rows s.");
    if !hidden {
        doc.text("There is no hidden layer: this is the whole backward pass (the single layer of neurons sees the inputs directly).");
    }
}

/// ∂C/∂W_l = δ_l · a_{l−1}ᵀ and ∂C/∂b_l = δ_l for engine layer `k`.
pub(super) fn layer_gradients(doc: &mut Document, row: &RowExplanation, k: usize) {
    let l = k + 1;
    let step: &LayerStep = &row.layers[k];
    let input = layer_input(row, k);
    let (n_out, n_in) = (step.weight_gradient.rows, step.weight_gradient.cols);
    let w = partial(indexed("W", l));
    let input_t = transposed(input_name(l));
    doc.formula(spaced(vec![
        w.clone(),
        Expr::Op(Equals),
        indexed("δ", l),
        Expr::Op(Times),
        input_t,
        Expr::Gap(Gap::Qquad),
        Expr::Shape(n_out, n_in),
        Expr::Op(Equals),
        Expr::Shape(n_out, 1),
        Expr::Op(Times),
        Expr::Shape(1, n_in),
    ]));
    doc.equation(vec![
        sym(w),
        op(Equals),
        mat(NumberMatrix::column(&step.delta)),
        op(Times),
        mat(NumberMatrix::row(input)),
        op(Equals),
        mat(NumberMatrix::grid(&step.weight_gradient)),
    ]);
    let b = partial(indexed("b", l));
    doc.equation(vec![
        sym(b),
        op(Equals),
        sym(indexed("δ", l)),
        op(Equals),
        mat(NumberMatrix::column(&step.bias_gradient)),
    ]);
}

pub(super) fn backprop_hidden(
    doc: &mut Document,
    e: &Explanation,
    row: &RowExplanation,
    suffix: &str,
) {
    let big_l = row.layers.len();
    if big_l == 1 {
        return;
    }
    doc.section(format!("Backprop, hidden → input{suffix}"));
    doc.text("Each hidden layer's δ comes from the next layer's: back through its weights (transposed), times the slope of the activation:");
    let mut rule = delta_rule(|name| indexed_by(name, "l"), |name| indexed_by(name, "l+1"));
    // The shapes in symbols, for the text.
    rule.push(text_only(spaced(vec![
        Expr::Gap(Gap::Qquad),
        spelled("(n_l×1) = ((n_l×n_{l+1}) · (n_{l+1}×1)) ⊙ (n_l×1)", ""),
    ])));
    doc.formula(spaced(rule));
    doc.text("(With the rows of a batch stacked, the engine computes it as Δ_l = (Δ_{l+1} · W_{l+1}) ⊙ f′(Z_l), the same numbers transposed.)");
    for k in (0..big_l - 1).rev() {
        let l = k + 1;
        let step = &row.layers[k];
        let next = &e.parameters[k + 1];
        let (Some(from_next), Some(derivative)) = (&step.from_next, &step.derivative) else {
            continue;
        };
        doc.sub(format!(
            "Layer {l} (layers.{k}): {}",
            activation_words(step.activation)
        ));
        doc.formula(spaced(delta_rule(
            |name| indexed(name, l),
            |name| indexed(name, l + 1),
        )));
        doc.equation(vec![
            sym(back_through_weights(
                indexed("W", l + 1),
                indexed("δ", l + 1),
            )),
            op(Equals),
            mat(NumberMatrix::transposed(&next.weight)),
            op(Times),
            mat(NumberMatrix::column(&row.layers[k + 1].delta)),
            op(Equals),
            mat(NumberMatrix::column(from_next)),
        ]);
        let f = derivative_formula(step.activation, l);
        doc.formula(f);
        doc.equation(vec![
            sym(apply(symbol("f′"), indexed("z", l))),
            op(Equals),
            mat(NumberMatrix::column(derivative)),
        ]);
        doc.equation(vec![
            sym(indexed("δ", l)),
            op(Equals),
            mat(NumberMatrix::column(from_next)),
            op(Hadamard),
            mat(NumberMatrix::column(derivative)),
            op(Equals),
            mat(NumberMatrix::column(&step.delta)),
        ]);
        layer_gradients(doc, row, k);
    }
}

/// Wᵀ · δ: the next layer's δ back through its weights.
fn back_through_weights(weight: Expr, delta: Expr) -> Expr {
    spaced(vec![transposed(weight), Expr::Op(Times), delta])
}

/// δ = (W_nextᵀ · δ_next) ⊙ f′(z), the parts of the formula in a row; the
/// symbols take their subscripts from `this` layer and the `next`.
fn delta_rule(
    this: impl Fn(&'static str) -> Expr,
    next: impl Fn(&'static str) -> Expr,
) -> Vec<Expr> {
    vec![
        this("δ"),
        Expr::Op(Equals),
        group(back_through_weights(next("W"), next("δ"))),
        Expr::Op(Hadamard),
        apply(symbol("f′"), this("z")),
    ]
}
