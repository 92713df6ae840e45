//! The methods table (brute force, numerical gradient, backprop side by
//! side) and what it shows, shared by `gradlab methods` and `gradlab demo`.

use crate::report;
use gradlab::methods::compare::MethodsResult;
use std::fmt::Write as _;

/// The table and what it shows, every line starting with `indent` (the
/// short form, as in `gradlab demo`).
pub fn comparison_summary(c: &MethodsResult, indent: &str) -> String {
    let mut text = String::new();
    let bf = &c.brute_force;
    let lines: Vec<(String, Vec<String>)> = c
        .runs
        .iter()
        .map(|r| {
            (
                r.method.to_owned(),
                vec![
                    report::thousands(r.cost_evaluations),
                    report::thousands(r.forward_passes),
                    report::thousands(r.gradient_evaluations),
                    format!("{} s", report::significant(r.seconds, 3)),
                    format!("{:.4}", r.train_cost),
                    format!("{:.4}", r.test_cost),
                ],
            )
        })
        .collect();
    text.push_str(&report::table(
        "method",
        &[
            "cost evaluations",
            "forward passes",
            "gradient evaluations",
            "wall time",
            "train cost",
            "test cost",
        ],
        &lines,
        indent,
    ));
    let best: Vec<String> = bf
        .weights
        .iter()
        .zip(&bf.best_values)
        .map(|(name, value)| format!("{name} = {}", report::human(*value)))
        .collect();
    let _ = writeln!(
        text,
        "\n{indent}brute force's best point: {}",
        best.join(", ")
    );
    let _ = writeln!(
        text,
        "{indent}numerical and backprop weights after {} steps differ by at most {:.1e}",
        c.steps, c.max_weight_difference
    );
    let _ = writeln!(
        text,
        "{indent}the numerical gradient needed {}× the forward passes of backprop ({}× its time)",
        report::ratio(c.forward_pass_ratio),
        report::ratio(c.time_ratio),
    );
    text
}
