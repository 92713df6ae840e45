//! `gradlab gradcheck`: backprop's gradient against central differences,
//! tensor by tensor, in f64 on a batch of rows.
//!
//! The measure that passes or fails is each tensor's relative error in norm,
//! ‖b − n‖ / (‖b‖ + ‖n‖) (b: backprop, n: numerical; see
//! `gradlab::methods::numerical`). The element-wise errors show where a
//! gradient is wrong. Exit 0 when every tensor is within the tolerance,
//! else 1 with a line naming the worst tensor.
//!
//! `--corrupt TENSOR` is a teaching switch: it adds 1e-3·(1 + |g|) to the
//! first element of backprop's gradient of TENSOR, to see what a backprop
//! bug looks like — the check then fails and names that tensor.

use crate::output::Console;
use crate::report;
use crate::start::weights_note;
use crate::start_args::StartArgs;
use clap::Args;
use gradlab::methods::numerical::{compare_gradients, GradientCheck, TensorCheck};
use gradlab::methods::start as engine_start;
use gradlab::nn::network::{Gradients, Network, Workspace};
use gradlab::nn::numerical_gradient::{default_epsilon, numerical_gradient};
use gradlab::nn::parameter_ref::ParameterRef;
use gradlab::settings::FitSettings;
use gradlab::train::trainer::Examples;
use gradlab::Precision;
use serde::Serialize;
use std::sync::LazyLock;

/// The defaults shown by `--help`, from the engine's `Default`s.
struct DefaultTexts {
    epsilon: String,
}

static DEFAULTS: LazyLock<DefaultTexts> = LazyLock::new(|| {
    let _fit = FitSettings::default();
    DefaultTexts {
        epsilon: default_epsilon::<f64>().to_string(),
    }
});

/// How far `--corrupt` moves the first element g of a gradient: 1e-3·(1 + |g|).
const CORRUPTION: f64 = 1e-3;

/// Arguments of `gradlab gradcheck`.
#[derive(Debug, Args)]
pub struct GradcheckArgs {
    /// Where the network starts.
    #[command(flatten)]
    start: StartArgs,
    /// Rows in the batch the gradients are taken on.
    #[arg(long, value_name = "N", default_value = "64")]
    rows: usize,
    /// Largest relative error ‖b − n‖ / (‖b‖ + ‖n‖) a tensor may have.
    #[arg(long, value_name = "T", default_value = "1e-6")]
    tolerance: f64,
    /// Step ε of the central differences.
    #[arg(long, value_name = "E", default_value = DEFAULTS.epsilon.as_str())]
    epsilon: f64,
    /// Teaching switch: perturb backprop's gradient of this tensor (e.g.
    /// layers.1.weight) to see what a backprop bug looks like.
    #[arg(long, value_name = "TENSOR")]
    corrupt: Option<String>,
    /// Print one JSON object on stdout instead of the text report.
    #[arg(long)]
    json: bool,
}

impl GradcheckArgs {
    fn validate(&self) -> anyhow::Result<()> {
        if self.rows == 0 {
            anyhow::bail!("invalid rows: 0 (must be at least 1)");
        }
        if !(self.tolerance.is_finite() && self.tolerance > 0.0) {
            anyhow::bail!("invalid tolerance: {} (must be positive)", self.tolerance);
        }
        if !(self.epsilon.is_finite() && self.epsilon > 0.0) {
            anyhow::bail!("invalid epsilon: {} (must be positive)", self.epsilon);
        }
        Ok(())
    }
}

/// One tensor in the report: the engine's check and the worst element's name.
#[derive(Serialize)]
struct TensorJson<'a> {
    #[serde(flatten)]
    check: &'a TensorCheck,
    /// `layers.0.weight[1,0]`: the element with the largest relative error.
    worst_element: String,
    /// True when this tensor's `rel_error` is within the tolerance.
    passed: bool,
}

/// What `gradcheck --json` prints.
#[derive(Serialize)]
struct GradcheckJson<'a> {
    network: String,
    rows: usize,
    epsilon: f64,
    tolerance: f64,
    corrupted: Option<&'a str>,
    passed: bool,
    rel_error: f64,
    worst_tensor: Option<&'a str>,
    tensors: Vec<TensorJson<'a>>,
}

/// Runs `gradlab gradcheck`.
pub fn run(args: GradcheckArgs, console: &Console) -> anyhow::Result<()> {
    args.validate()?;
    let table = args.start.read()?;
    let (mut network, rows_note, weights_note, batch) = match &args.start.model {
        Some(path) => {
            let model = super::load_model(path)?;
            let start =
                engine_start::from_model::<f64>(&model, &path.display().to_string(), &table)?;
            let batch = engine_start::head(&start.train, args.rows);
            let rows_note = format!("the first {} rows of {}", batch.len(), table.source_name());
            (start.network, rows_note, weights_note(&start.origin), batch)
        }
        None => {
            let dataset = args.start.dataset(&table)?;
            let start = engine_start::from_settings::<f64>(
                &dataset,
                &args.start.fit_settings(Precision::F64),
                table.source_name(),
            )?;
            let batch = engine_start::head(&start.train, args.rows);
            let rows_note = format!(
                "the first {} training rows of {}",
                batch.len(),
                table.source_name()
            );
            (start.network, rows_note, weights_note(&start.origin), batch)
        }
    };
    let corrupt = args
        .corrupt
        .as_deref()
        .map(|name| tensor_index(&network, name.trim()))
        .transpose()?;
    console.note(format!(
        "gradient check of {} ({} parameters) at {weights_note}, on {rows_note}, in f64",
        network.architecture(),
        network.parameter_count()
    ));
    if let Some(t) = corrupt {
        console.note(format!(
            "note: --corrupt: backprop's gradient of {} is deliberately wrong (its first element moved by {CORRUPTION}·(1 + |g|))",
            network.tensor_name(t)
        ));
    }
    let check = check(&mut network, &batch, args.epsilon, corrupt);
    let worst = check.worst();
    let passed = check.rel_error() <= args.tolerance;
    let tensors = check
        .tensors
        .iter()
        .enumerate()
        .map(|(t, c)| TensorJson {
            check: c,
            worst_element: ParameterRef {
                tensor: t,
                index: c.worst_index,
            }
            .name(&network),
            passed: c.rel_error <= args.tolerance,
        })
        .collect();
    let report = GradcheckJson {
        network: network.architecture().to_string(),
        rows: batch.len(),
        epsilon: args.epsilon,
        tolerance: args.tolerance,
        corrupted: corrupt.map(|_| args.corrupt.as_deref().unwrap_or_default().trim()),
        passed,
        rel_error: check.rel_error(),
        worst_tensor: worst.map(|w| w.name.as_str()),
        tensors,
    };
    if args.json {
        report::print_json(&report)?;
    } else {
        report::print_text(&check_text(&report))?;
    }
    match worst {
        Some(worst) if !passed => {
            let element = report
                .tensors
                .iter()
                .find(|t| t.check.name == worst.name)
                .map(|t| t.worst_element.clone())
                .unwrap_or_default();
            anyhow::bail!(
                "gradient check failed: {} has relative error {:.2e}, above the tolerance {:.0e} (worst element {element}: backprop {:.6e}, numerical {:.6e})",
                worst.name,
                worst.rel_error,
                args.tolerance,
                worst.backprop,
                worst.numerical,
            )
        }
        _ => Ok(()),
    }
}

/// The number of the tensor called `name`; the error lists the names.
fn tensor_index(network: &Network<f64>, name: &str) -> anyhow::Result<usize> {
    let names: Vec<String> = (0..network.tensor_count())
        .map(|t| network.tensor_name(t))
        .collect();
    names.iter().position(|n| n == name).ok_or_else(|| {
        anyhow::anyhow!(
            "invalid corrupt: no tensor '{name}' in this network (its tensors: {})",
            names.join(", ")
        )
    })
}

/// Backprop (corrupted in tensor `corrupt` if asked) against central
/// differences with step `epsilon` on `batch`.
fn check(
    network: &mut Network<f64>,
    batch: &Examples<f64>,
    epsilon: f64,
    corrupt: Option<usize>,
) -> GradientCheck {
    let mut backprop = Gradients::zeros_like(network);
    let mut workspace = Workspace::new(network.architecture(), batch.len());
    network.gradient(&batch.inputs, &batch.targets, &mut workspace, &mut backprop);
    if let Some(t) = corrupt {
        if let Some(g) = backprop.slices_mut().nth(t).and_then(|s| s.first_mut()) {
            *g += CORRUPTION * (1.0 + g.abs());
        }
    }
    let numerical = numerical_gradient(network, &batch.inputs, &batch.targets, epsilon);
    compare_gradients(network, &backprop, &numerical)
}

fn check_text(report: &GradcheckJson) -> String {
    let mut text = format!(
        "gradient check: {}, {} rows, f64, ε = {:e}, tolerance {:.0e}\n\
         rel error = ‖b − n‖ / (‖b‖ + ‖n‖) per tensor (b: backprop, n: numerical)\n\n",
        report.network, report.rows, report.epsilon, report.tolerance
    );
    let lines: Vec<(String, Vec<String>)> = report
        .tensors
        .iter()
        .map(|t| {
            let c = t.check;
            (
                c.name.clone(),
                vec![
                    format!("{:.2e}", c.rel_error),
                    format!("{:.2e}", c.max_abs_error),
                    format!("{:.2e}", c.max_rel_error),
                    t.worst_element.clone(),
                    format!("{:.8e}", c.backprop),
                    format!("{:.8e}", c.numerical),
                    if t.passed { "ok" } else { "FAIL" }.to_owned(),
                ],
            )
        })
        .collect();
    text.push_str(&report::table(
        "tensor",
        &[
            "rel error",
            "max abs error",
            "max rel error",
            "worst element",
            "backprop there",
            "numerical there",
            "",
        ],
        &lines,
        "",
    ));
    let worst = report.worst_tensor.unwrap_or("-");
    if report.passed {
        text.push_str(&format!(
            "\npassed: every tensor's relative error is at most {:.0e} (largest {:.2e}, {worst})\n",
            report.tolerance, report.rel_error
        ));
    } else {
        text.push_str(&format!(
            "\nFAILED: {worst} has relative error {:.2e}, above {:.0e}\n",
            report.rel_error, report.tolerance
        ));
    }
    text
}
