//! Forward I, II and III: the inputs scaled, each layer's weighted sums and
//! activations, the output and the cost.

use crate::explain::course::activation::{activation_formula, activation_words};
use crate::explain::course::notation::{error, input_name, layer_input};
use crate::explain::course::scaling::{
    inverse_written, scaler_cells, scaler_columns, scaler_formula, scaling_name, scaling_written,
};
use crate::explain::document::{mat, op, sym, Document, NumberMatrix};
use crate::explain::expr::Operator::{Equals, Plus, Times};
use crate::explain::expr::{indexed, spaced, spelled, symbol, Expr, Gap, Index, Symbol};
use crate::explain::number::{factor, num};
use crate::explain::plain_math::subscript_digits;
use crate::methods::explain::{Explanation, OutputValue, RowExplanation, TargetValue};
use crate::nn::loss::Loss;

pub(super) fn cost_words(loss: Loss) -> &'static str {
    match loss {
        Loss::Mse => "squared error on the scaled target",
        Loss::SoftmaxCrossEntropy => "cross-entropy of the softmax",
    }
}

pub(super) fn forward_one(doc: &mut Document, e: &Explanation, row: &RowExplanation, suffix: &str) {
    doc.section(format!("Forward I: the inputs, scaled{suffix}"));
    let scaler = &e.input_scaler;
    doc.text(format!(
        "The input scaler ({}) maps each raw input x to the s the network sees:",
        scaling_name(scaler)
    ));
    let formula = scaler_formula(scaler);
    doc.formula(formula);
    let mut headings = vec!["column".to_owned(), "raw x".to_owned()];
    headings.extend(scaler_columns(scaler).iter().map(|h| h.to_string()));
    headings.push("scaled s".to_owned());
    let lines = e
        .input_names
        .iter()
        .enumerate()
        .map(|(j, name)| {
            let mut cells = vec![name.clone(), num(row.raw_inputs[j])];
            cells.extend(scaler_cells(scaler, j));
            cells.push(num(row.scaled_inputs[j]));
            cells
        })
        .collect();
    doc.table(headings, lines);
    for (j, name) in e.input_names.iter().enumerate() {
        let written = scaling_written(scaler, j, row.raw_inputs[j], row.scaled_inputs[j]);
        doc.formula(Expr::Labelled(
            name.clone(),
            Box::new(spaced(vec![
                symbol("s"),
                Expr::Op(Equals),
                Expr::Arithmetic(written),
            ])),
        ));
    }
    doc.text("The scaled inputs are the network's input vector:");
    doc.equation(vec![
        sym(spaced(vec![symbol("x"), Expr::Op(Equals), indexed("a", 0)])),
        op(Equals),
        mat(NumberMatrix::column(&row.scaled_inputs)),
    ]);
}

pub(super) fn forward_two(doc: &mut Document, e: &Explanation, row: &RowExplanation, suffix: &str) {
    doc.section(format!("Forward II: weighted sums and activations{suffix}"));
    let last = row.layers.len() - 1;
    for (k, step) in row.layers.iter().enumerate() {
        let l = k + 1;
        let parameters = &e.parameters[k];
        let (n_out, n_in) = (parameters.weight.rows, parameters.weight.cols);
        let input = layer_input(row, k);
        let role = if last == 0 {
            match e.architecture.loss {
                Loss::Mse => "the only layer: a single neuron per output, linear regression",
                Loss::SoftmaxCrossEntropy => {
                    "the only layer: one neuron per class, softmax regression"
                }
            }
        } else if k == last {
            "the output layer"
        } else {
            "a hidden layer"
        };
        let activation = if k == last {
            match e.architecture.loss {
                Loss::Mse => "linear output".to_owned(),
                Loss::SoftmaxCrossEntropy => {
                    "linear output; the softmax is part of the cost (Forward III)".to_owned()
                }
            }
        } else {
            activation_words(step.activation).to_owned()
        };
        doc.sub(format!(
            "Layer {l} (layers.{k}, {role}): {n_in} {} → {n_out} {}, {activation}",
            if n_in == 1 { "input" } else { "inputs" },
            if n_out == 1 { "neuron" } else { "neurons" },
        ));
        doc.formula(spaced(vec![
            indexed("z", l),
            Expr::Op(Equals),
            indexed("W", l),
            Expr::Op(Times),
            input_name(l),
            Expr::Op(Plus),
            indexed("b", l),
            Expr::Gap(Gap::Qquad),
            Expr::Shape(n_out, 1),
            Expr::Op(Equals),
            Expr::Shape(n_out, n_in),
            Expr::Op(Times),
            Expr::Shape(n_in, 1),
            Expr::Op(Plus),
            Expr::Shape(n_out, 1),
        ]));
        doc.equation(vec![
            sym(indexed("z", l)),
            op(Equals),
            mat(NumberMatrix::grid(&parameters.weight)),
            op(Times),
            mat(NumberMatrix::column(input)),
            op(Plus),
            mat(NumberMatrix::column(&parameters.bias)),
            op(Equals),
            mat(NumberMatrix::column(&step.z)),
        ]);
        if n_in <= 6 {
            doc.text("Neuron by neuron (row j of W times the input, plus b[j]):");
            for j in 0..n_out {
                let terms: Vec<String> = (0..n_in)
                    .map(|i| {
                        format!(
                            "{} · {}",
                            factor(parameters.weight.get(j, i)),
                            factor(input[i])
                        )
                    })
                    .collect();
                let written = format!(
                    "{} + {} = {}",
                    terms.join(" + "),
                    factor(parameters.bias[j]),
                    num(step.z[j])
                );
                doc.formula(spaced(vec![
                    Expr::Entry(Box::new(indexed("z", l)), j + 1),
                    Expr::Op(Equals),
                    Expr::Arithmetic(written),
                ]));
            }
        }
        if k == last {
            doc.formula(spaced(vec![
                indexed("a", l),
                Expr::Op(Equals),
                indexed("z", l),
                Expr::Gap(Gap::Quad),
                Expr::Note("the output layer is linear"),
            ]));
        } else {
            let f = activation_formula(step.activation, l);
            doc.formula(f);
            doc.equation(vec![
                sym(indexed("a", l)),
                op(Equals),
                mat(NumberMatrix::column(&step.a)),
            ]);
        }
    }
}

pub(super) fn forward_three(
    doc: &mut Document,
    e: &Explanation,
    row: &RowExplanation,
    suffix: &str,
) {
    doc.section(format!("Forward III: the output and the cost{suffix}"));
    let big_l = row.layers.len();
    match (&row.output, &row.target) {
        (
            OutputValue::Value {
                scaled,
                in_target_units,
            },
            TargetValue::Value {
                raw,
                scaled: y_scaled,
            },
        ) => {
            doc.formula(spaced(vec![
                symbol("ŷ"),
                Expr::Op(Equals),
                indexed("a", big_l),
                Expr::Op(Equals),
                Expr::Number(scaled[0]),
                Expr::Gap(Gap::Quad),
                Expr::Note("scaled"),
            ]));
            if let Some(scaler) = &e.target_scaler {
                let (formula, numbers) = inverse_written(scaler, scaled[0], in_target_units[0]);
                doc.text(format!(
                    "In the target's units ({} scaler, inverted):",
                    scaling_name(scaler)
                ));
                let target = &e.target_name;
                doc.formula(spaced(vec![
                    Expr::Text(target.clone()),
                    Expr::Op(Equals),
                    Expr::WordFormula(formula),
                    Expr::Op(Equals),
                    Expr::Arithmetic(numbers),
                ]));
                doc.text(format!(
                    "The row's target, scaled the same way: {target} = {}",
                    num(*raw)
                ));
                doc.formula(spaced(vec![
                    symbol("y"),
                    Expr::Op(Equals),
                    Expr::Arithmetic(scaling_written(scaler, 0, *raw, *y_scaled)),
                ]));
            }
            let k = scaled.len();
            doc.text(if k == 1 {
                "The cost, the squared error on the scaled target:".to_owned()
            } else {
                format!("The cost, the mean squared error over the {k} outputs:")
            });
            let written = if k == 1 {
                format!("({} − {})²", num(scaled[0]), factor(*y_scaled))
            } else {
                "…".to_owned()
            };
            let form = if k == 1 {
                Expr::Squared(Box::new(error()))
            } else {
                spelled(
                    "1/K Σ_k (ŷ_k − y_k)²",
                    r"\frac{1}{K}\sum_k (\hat{y}_k - y_k)^{2}",
                )
            };
            doc.formula(spaced(vec![
                symbol("C"),
                Expr::Op(Equals),
                form,
                Expr::Op(Equals),
                Expr::Arithmetic(written),
                Expr::Op(Equals),
                Expr::Number(row.cost),
            ]));
        }
        (
            OutputValue::Probabilities {
                probabilities,
                predicted,
            },
            TargetValue::Class { index, label },
        ) => {
            doc.text(format!(
                "The softmax turns the outputs z{} into class probabilities:",
                subscript_digits(big_l)
            ));
            doc.formula(spelled(
                format!("p = softmax(z{}),  p_k = e^(z_k) / Σ_j e^(z_j)", subscript_digits(big_l)),
                format!(
                    r"p = \mathrm{{softmax}}(z_{{{big_l}}}), \quad p_k = \frac{{e^{{z_k}}}}{{\sum_j e^{{z_j}}}}"
                ),
            ));
            let z = &row.layers[big_l - 1].z;
            let lines = e
                .labels
                .iter()
                .enumerate()
                .map(|(k, name)| vec![name.clone(), num(z[k]), num(probabilities[k])])
                .collect();
            doc.table(
                vec![
                    "class".into(),
                    format!("z{}", subscript_digits(big_l)),
                    "p".into(),
                ],
                lines,
            );
            doc.text(format!(
                "Prediction: {} (p = {}); the row's class: {label}.",
                e.labels[*predicted],
                num(probabilities[*predicted])
            ));
            doc.text(format!("The cost, {}:", cost_words(e.architecture.loss)));
            let p_of_class = Expr::Symbol(Symbol {
                name: "p",
                index: Some(Index::Word(label.clone())),
                transposed: false,
            });
            doc.formula(spaced(vec![
                symbol("C"),
                Expr::Op(Equals),
                Expr::MinusLn(Box::new(p_of_class)),
                Expr::Op(Equals),
                Expr::MinusLn(Box::new(Expr::Number(probabilities[*index]))),
                Expr::Op(Equals),
                Expr::Number(row.cost),
            ]));
        }
        _ => doc.text("(the output and the target do not match: no cost shown)"),
    }
}
