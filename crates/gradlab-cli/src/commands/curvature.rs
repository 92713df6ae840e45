//! `gradlab curvature --model M --data F`: the largest eigenvalue λ_max of
//! the Hessian of the cost at the model's weights, on its training rows
//! (split again from its seed), the learning rates it allows (1/λ_max, and
//! 2/λ_max above which batch gradient descent diverges), and a check of that
//! bound with real runs of batch gradient descent just below and just above
//! it. The engine computes everything (`gradlab::analysis::curvature`).

use crate::output::Console;
use crate::report;
use crate::settings_args::CsvArgs;
use clap::Args;
use gradlab::analysis::curvature::{
    check_rates, largest_eigenvalue, Curvature, CurvatureSettings, RateRun,
};
use gradlab::model::AnyModel;
use gradlab::nn::network::Network;
use gradlab::prepare::training_examples;
use serde::Serialize;
use std::path::PathBuf;

/// Arguments of `gradlab curvature`.
#[derive(Debug, Args)]
pub struct CurvatureArgs {
    /// The trained model (.safetensors): the weights where the curvature is measured.
    #[arg(long, value_name = "FILE")]
    model: PathBuf,
    /// The CSV file the model was trained on (its training rows are split
    /// off again with the model's seed and test fraction).
    #[arg(long, value_name = "FILE")]
    data: PathBuf,
    #[command(flatten)]
    csv: CsvArgs,
    /// Power-method iterations at most.
    #[arg(long, value_name = "N", default_value_t = CurvatureSettings::default().max_iterations)]
    iterations: usize,
    /// Stop when λ changes by less than this share of itself.
    #[arg(long, value_name = "F", default_value_t = CurvatureSettings::default().tolerance)]
    tolerance: f64,
    /// Steps of batch gradient descent in each checking run (0: no check).
    #[arg(long, value_name = "N", default_value_t = 300)]
    check_steps: usize,
    /// Seed of the power method's random start vector.
    #[arg(long, value_name = "N", default_value_t = 1)]
    seed: u64,
    /// Print one JSON object on stdout instead of the text report.
    #[arg(long)]
    json: bool,
}

/// The checking runs, as multiples of 2/λ_max. On a quadratic cost (a
/// linear neuron) the runs below 1 converge and those above diverge; on a
/// network the curvature changes as the weights move, so the bound holds
/// near the weights where it was measured and the runs show how far.
const CHECK_MULTIPLES: [f64; 5] = [0.5, 0.9, 1.1, 2.0, 4.0];

/// What `curvature --json` prints.
#[derive(Serialize)]
struct CurvatureJson {
    network: String,
    cost: &'static str,
    #[serde(flatten)]
    curvature: Curvature,
    checks: Vec<RateRun>,
}

/// Runs `gradlab curvature`.
pub fn run(args: CurvatureArgs, console: &Console) -> anyhow::Result<()> {
    let settings = CurvatureSettings {
        max_iterations: args.iterations,
        tolerance: args.tolerance,
        seed: args.seed,
        ..Default::default()
    };
    settings.validate()?;
    let model = super::load_model(&args.model)?;
    let table = args.csv.read(&args.data)?;
    let dataset = model
        .dataset_from_table(&table)
        .map_err(|err| args.csv.explained(err))?;
    let info = model.info();
    let examples = training_examples::<f64>(&dataset, info)?;
    let network = network_in_f64(&model);
    console.note(format!(
        "power method on the Hessian of the cost over {} training rows of {}, in f64",
        examples.len(),
        table.source_name()
    ));
    let curvature = largest_eigenvalue(&network, &examples, &settings, |_, _| {})?;
    if !curvature.converged {
        console.note(format!(
            "note: the power method did not settle within {} iterations; raise --iterations",
            args.iterations
        ));
    }
    let checks = if args.check_steps == 0 {
        Vec::new()
    } else {
        console.note(
            "checking the bound with batch gradient descent at 0.5, 0.9, 1.1, 2 and 4 × 2/λ_max",
        );
        check_rates(
            &network,
            &examples,
            &curvature,
            &CHECK_MULTIPLES,
            args.check_steps,
        )?
    };
    let report = CurvatureJson {
        network: info.architecture.to_string(),
        cost: report::cost_name(info.architecture.loss),
        curvature,
        checks,
    };
    if args.json {
        report::print_json(&report)
    } else {
        report::print_text(&curvature_text(&report, args.check_steps))
    }
}

/// The model's network in f64 (the curvature is measured in f64).
fn network_in_f64(model: &AnyModel) -> Network<f64> {
    match model {
        AnyModel::F32(m) => m.network.convert(),
        AnyModel::F64(m) => m.network.clone(),
    }
}

fn curvature_text(report: &CurvatureJson, steps: usize) -> String {
    let c = &report.curvature;
    let mut text = format!(
        "curvature of the {} of {} ({} parameters) at the model's weights, on {} training rows\n\n",
        report.cost, report.network, c.parameters, c.rows
    );
    let line = |label: &str, value: f64| format!("  {label:<52}{}\n", report::human(value));
    text.push_str(&line(
        "λ_max, the largest eigenvalue of the Hessian",
        c.lambda_max,
    ));
    if c.largest_magnitude != c.lambda_max {
        text.push_str(&line(
            "the eigenvalue of largest magnitude (negative)",
            c.largest_magnitude,
        ));
    }
    text.push_str(&line(
        "η_opt ≈ 1/λ_max, the fastest rate along it",
        c.optimal_learning_rate,
    ));
    text.push_str(&line(
        "2/λ_max, above which the steepest direction grows",
        c.divergence_learning_rate,
    ));
    text.push_str(&format!(
        "  ({} Hessian-vector products, each from two backprop gradients)\n",
        c.hessian_vector_products
    ));
    if report.checks.is_empty() {
        return text;
    }
    text.push_str(&format!(
        "\nthe check: {steps} steps of batch gradient descent from these weights \
         (on a quadratic cost, every rate below 2/λ_max converges and every rate above diverges)\n"
    ));
    let lines: Vec<(String, Vec<String>)> = report
        .checks
        .iter()
        .map(|run| {
            let outcome = if run.diverged {
                format!("diverged after {} steps", run.steps)
            } else if run.end_cost < run.start_cost {
                "cost went down".to_owned()
            } else {
                "cost went up".to_owned()
            };
            (
                report::human(run.learning_rate),
                vec![
                    format!("{}", run.of_divergence_rate),
                    report::human(run.start_cost),
                    report::human(run.end_cost),
                    outcome,
                ],
            )
        })
        .collect();
    text.push_str(&report::table(
        "learning rate",
        &["× 2/λ_max", "start cost", "end cost", "outcome"],
        &lines,
        "  ",
    ));
    text
}
