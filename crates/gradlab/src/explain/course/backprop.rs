//! Backprop, output → hidden and hidden → input: each layer's δ and the
//! gradients of its weights and biases.

use crate::explain::course::activation::{activation_words, derivative_formula};
use crate::explain::course::notation::{input_name_t, layer_input, named, partial, sub};
use crate::explain::document::{mat, math, op, sym, Document, NumberMatrix};
use crate::explain::latex_math::{latex_expr, latex_num};
use crate::explain::number::{factor, num};
use crate::methods::explain::{Explanation, LayerStep, OutputValue, RowExplanation, TargetValue};

pub(super) fn backprop_output(doc: &mut Document, row: &RowExplanation, suffix: &str) {
    let big_l = row.layers.len();
    let hidden = big_l > 1;
    doc.section(format!(
        "Backprop, output → {}{suffix}",
        if hidden { "hidden" } else { "input" }
    ));
    let out = &row.layers[big_l - 1];
    let (d, ld) = (format!("δ{}", sub(big_l)), format!(r"\delta_{{{big_l}}}"));
    match (&row.output, &row.target) {
        (OutputValue::Value { scaled, .. }, TargetValue::Value { scaled: y, .. }) => {
            let k = scaled.len();
            doc.text(format!(
                "δ at the output: the derivative of this row's cost by z{}; ŷ = z{} (linear), so",
                sub(big_l),
                sub(big_l)
            ));
            let (plain, latex) = if k == 1 {
                ("2 (ŷ − y)".to_owned(), r"2\,(\hat{y} - y)".to_owned())
            } else {
                (
                    format!("2 (ŷ − y) / {k}"),
                    format!(r"2\,(\hat{{y}} - y) / {k}"),
                )
            };
            let written = format!("2 · ({} − {})", num(scaled[0]), factor(*y));
            doc.formula(
                format!(
                    "{d} = ∂C/∂z{} = {plain} = {written} = {}",
                    sub(big_l),
                    num(out.delta[0])
                ),
                format!(
                    r"{ld} = \frac{{\partial C}}{{\partial z_{{{big_l}}}}} = {latex} = {} = {}",
                    latex_expr(&written),
                    latex_num(&num(out.delta[0]))
                ),
            );
        }
        (OutputValue::Probabilities { probabilities, .. }, TargetValue::Class { index, .. }) => {
            doc.text(format!(
                "δ at the output: the derivative of this row's cost by z{}; softmax and cross-entropy together give",
                sub(big_l)
            ));
            doc.formula(
                format!("{d} = ∂C/∂z{} = p − onehot(y)", sub(big_l)),
                format!(
                    r"{ld} = \frac{{\partial C}}{{\partial z_{{{big_l}}}}} = p - \mathrm{{onehot}}(y)"
                ),
            );
            let onehot: Vec<f64> = (0..probabilities.len())
                .map(|k| if k == *index { 1.0 } else { 0.0 })
                .collect();
            doc.equation(vec![
                sym(math(d.clone(), ld.clone())),
                op("="),
                mat(NumberMatrix::column(probabilities)),
                op("−"),
                mat(NumberMatrix::column(&onehot)),
                op("="),
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
    let w = partial("W", l);
    let input_t = input_name_t(l);
    doc.formula(
        format!(
            "{} = δ{} · {}      ({n_out}×{n_in}) = ({n_out}×1) · (1×{n_in})",
            w.plain,
            sub(l),
            input_t.plain
        ),
        format!(
            r"{} = \delta_{{{l}}} \cdot {} \qquad ({n_out}\times {n_in}) = ({n_out}\times 1) \cdot (1\times {n_in})",
            w.latex, input_t.latex
        ),
    );
    doc.equation(vec![
        sym(w),
        op("="),
        mat(NumberMatrix::column(&step.delta)),
        op("·"),
        mat(NumberMatrix::row(input)),
        op("="),
        mat(NumberMatrix::grid(&step.weight_gradient)),
    ]);
    let b = partial("b", l);
    doc.equation(vec![
        sym(b),
        op("="),
        sym(named("δ", r"\delta", l)),
        op("="),
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
    doc.formula(
        "δ_l = (W_{l+1}ᵀ · δ_{l+1}) ⊙ f′(z_l)      (n_l×1) = ((n_l×n_{l+1}) · (n_{l+1}×1)) ⊙ (n_l×1)",
        r"\delta_l = \left(W_{l+1}^{\top} \cdot \delta_{l+1}\right) \odot f'(z_l)",
    );
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
        doc.formula(
            format!(
                "δ{s} = (W{n}ᵀ · δ{n}) ⊙ f′(z{s})",
                s = sub(l),
                n = sub(l + 1)
            ),
            format!(
                r"\delta_{{{l}}} = \left(W_{{{n}}}^{{\top}} \cdot \delta_{{{n}}}\right) \odot f'(z_{{{l}}})",
                n = l + 1
            ),
        );
        doc.equation(vec![
            sym(math(
                format!("W{n}ᵀ · δ{n}", n = sub(l + 1)),
                format!(r"W_{{{n}}}^{{\top}} \cdot \delta_{{{n}}}", n = l + 1),
            )),
            op("="),
            mat(NumberMatrix::transposed(&next.weight)),
            op("·"),
            mat(NumberMatrix::column(&row.layers[k + 1].delta)),
            op("="),
            mat(NumberMatrix::column(from_next)),
        ]);
        let f = derivative_formula(step.activation, l);
        doc.formula(f.plain, f.latex);
        doc.equation(vec![
            sym(math(format!("f′(z{})", sub(l)), format!("f'(z_{{{l}}})"))),
            op("="),
            mat(NumberMatrix::column(derivative)),
        ]);
        doc.equation(vec![
            sym(named("δ", r"\delta", l)),
            op("="),
            mat(NumberMatrix::column(from_next)),
            op("⊙"),
            mat(NumberMatrix::column(derivative)),
            op("="),
            mat(NumberMatrix::column(&step.delta)),
        ]);
        layer_gradients(doc, row, k);
    }
}
