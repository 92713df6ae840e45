//! The batch: each row's gradient, their sum and mean, the trainer's
//! gradient, and the course's sum form of the cost.

use crate::explain::document::Document;
use crate::explain::expr::spelled;
use crate::explain::latex_math::latex_num;
use crate::explain::number::num;
use crate::explain::plain_math::subscript_digits;
use crate::methods::explain::{flatten, Explanation, LayerTensors, RowExplanation};
use crate::nn::loss::Loss;

/// `W₁[2,1]`-style names of every parameter, in the engine's order.
pub(super) fn parameter_names(e: &Explanation) -> Vec<String> {
    let mut names = Vec::new();
    for (k, layer) in e.parameters.iter().enumerate() {
        let l = subscript_digits(k + 1);
        for r in 0..layer.weight.rows {
            for c in 0..layer.weight.cols {
                names.push(format!("W{l}[{},{}]", r + 1, c + 1));
            }
        }
        for r in 0..layer.bias.len() {
            names.push(format!("b{l}[{}]", r + 1));
        }
    }
    names
}

pub(super) fn row_gradient_flat(row: &RowExplanation) -> Vec<f64> {
    row.layers
        .iter()
        .flat_map(|l| l.weight_gradient.values.iter().chain(&l.bias_gradient))
        .copied()
        .collect()
}

pub(super) fn flat(layers: &[LayerTensors]) -> Vec<f64> {
    flatten(layers)
}

pub(super) fn batch(doc: &mut Document, e: &Explanation) {
    let b = e.batch.rows;
    doc.section(format!("Batch: {b} row{}", if b == 1 { "" } else { "s" }));
    let loss = e.architecture.loss;
    if b == 1 {
        doc.text("One row: its gradient is the batch gradient. The trainer's column is one backprop pass over the batch, here the same row.");
    } else {
        doc.text(format!(
            "Each row's gradient ∂C_s/∂θ (from its own pass above), their sum and mean, and ∂C/∂θ from one backprop pass over the {b} rows together, which is what the trainer computes for this batch."
        ));
    }
    let names = parameter_names(e);
    let per_row: Vec<Vec<f64>> = e.rows.iter().map(row_gradient_flat).collect();
    let (sum, mean, trainer, course) = (
        flat(&e.batch.sum),
        flat(&e.batch.mean),
        flat(&e.batch.trainer),
        flat(&e.batch.course.gradient),
    );
    let mut headings = vec!["parameter θ".to_owned()];
    headings.extend(e.rows.iter().map(|r| format!("row {}", r.data_row)));
    if b > 1 {
        headings.push("sum Σ_s".into());
        headings.push(format!("mean Σ_s / {b}"));
    }
    headings.push("trainer ∂C/∂θ".into());
    headings.push("course ∂E/∂θ".into());
    let lines = names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let mut cells = vec![name.clone()];
            cells.extend(per_row.iter().map(|g| num(g[i])));
            if b > 1 {
                cells.push(num(sum[i]));
                cells.push(num(mean[i]));
            }
            cells.push(num(trainer[i]));
            cells.push(num(course[i]));
            cells
        })
        .collect();
    doc.table(headings, lines);
    let largest = mean
        .iter()
        .zip(&trainer)
        .map(|(m, t)| (m - t).abs())
        .fold(0.0, f64::max);
    let c = e.batch.course.factor;
    let cost_mean = match loss {
        Loss::Mse => "C = 1/B · Σ_s C_s, the mean squared error",
        Loss::SoftmaxCrossEntropy => "C = 1/B · Σ_s C_s, the mean cross-entropy",
    };
    doc.text(format!(
        "The trainer uses the mean: its cost is {cost_mean} (here {}), so its gradient is the mean of the rows' gradients{}.",
        num(e.batch.cost),
        if b > 1 {
            format!(
                " (equal up to rounding: largest difference {}, the sums are taken in another order)",
                num(largest)
            )
        } else {
            String::new()
        }
    ));
    let (e_plain, e_latex, c_plain, c_latex) = match loss {
        Loss::Mse => (
            "E = Σ_s ½ (ŷ_s − y_s)²",
            r"E = \sum_s \tfrac{1}{2} (\hat{y}_s - y_s)^{2}",
            "2 / (B·K)",
            r"\frac{2}{B K}",
        ),
        Loss::SoftmaxCrossEntropy => (
            "E = Σ_s −ln p_s,y_s",
            r"E = \sum_s -\ln p_{s, y_s}",
            "1 / B",
            r"\frac{1}{B}",
        ),
    };
    doc.text(format!(
        "The course writes the batch cost as a sum instead (here E = {}):",
        num(e.batch.course.cost)
    ));
    doc.formula(spelled(e_plain, e_latex));
    doc.text("The two differ by a constant factor c:");
    doc.formula(spelled(
        format!(
            "C = c · E,   ∂C/∂θ = c · ∂E/∂θ,   c = {c_plain} = {}",
            num(c)
        ),
        format!(
            r"C = c \cdot E, \quad \frac{{\partial C}}{{\partial \theta}} = c \cdot \frac{{\partial E}}{{\partial \theta}}, \quad c = {c_latex} = {}",
            latex_num(&num(c))
        ),
    ));
    doc.text(format!(
        "So a step with learning rate η on the trainer's mean C is a step with η·c on the course's sum E: η = {} here is η·c = {} in the course's form. The mean keeps one learning rate good for every batch size.",
        num(e.update.learning_rate),
        num(e.update.course_learning_rate)
    ));
}
