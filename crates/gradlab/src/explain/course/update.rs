//! The update: one step of the optimizer with the batch gradient.

use crate::explain::document::{mat, op, sym, Document, NumberMatrix};
use crate::explain::expr::Operator::{Becomes, Colon, Equals, Minus, Times, To};
use crate::explain::expr::{indexed, partial, spaced, symbol, Expr};
use crate::explain::number::num;
use crate::methods::explain::Explanation;
use crate::train::optimizer::Optimizer;

pub(super) fn update(doc: &mut Document, e: &Explanation) {
    let u = &e.update;
    doc.section("Update: one step with the batch gradient");
    let sgd = u.optimizer == Optimizer::Sgd && u.weight_decay == 0.0;
    if sgd {
        doc.text(format!(
            "Plain gradient descent, every parameter θ moved against its gradient, with learning rate η = {}:",
            num(u.learning_rate)
        ));
        doc.formula(spaced(vec![
            symbol("θ"),
            Expr::Op(Becomes),
            symbol("θ"),
            Expr::Op(Minus),
            symbol("η"),
            Expr::Op(Times),
            partial(symbol("θ")),
        ]));
    } else {
        doc.text(format!(
            "One step of {} (learning rate η = {}, weight decay λ = {}), from fresh optimizer state as at the start of training; the rule is in gradlab::train::optimizer.",
            u.optimizer.name(),
            num(u.learning_rate),
            num(u.weight_decay)
        ));
    }
    for (k, (before, after)) in u.before.iter().zip(&u.after).enumerate() {
        let l = k + 1;
        let gradient = &e.batch.trainer[k];
        for (name, b, g, a) in [
            (
                "W",
                NumberMatrix::grid(&before.weight),
                NumberMatrix::grid(&gradient.weight),
                NumberMatrix::grid(&after.weight),
            ),
            (
                "b",
                NumberMatrix::column(&before.bias),
                NumberMatrix::column(&gradient.bias),
                NumberMatrix::column(&after.bias),
            ),
        ] {
            let target = indexed(name, l);
            if sgd {
                doc.equation(vec![
                    sym(target),
                    op(Becomes),
                    mat(b),
                    op(Minus),
                    sym(Expr::Number(u.learning_rate)),
                    op(Times),
                    mat(g),
                    op(Equals),
                    mat(a),
                ]);
            } else {
                doc.equation(vec![sym(target), op(Colon), mat(b), op(To), mat(a)]);
            }
        }
    }
    let change = if u.cost_before != 0.0 {
        format!(
            " ({:+.2} %)",
            100.0 * (u.cost_after - u.cost_before) / u.cost_before
        )
    } else {
        String::new()
    };
    doc.text(format!(
        "The cost C of the {} row{} (the trainer's mean): before {}, after {}{change}.",
        e.batch.rows,
        if e.batch.rows == 1 { "" } else { "s" },
        num(u.cost_before),
        num(u.cost_after)
    ));
}
