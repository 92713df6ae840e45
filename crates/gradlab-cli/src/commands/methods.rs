//! `gradlab methods`: the course's three ways to tune the weights, run from
//! the same seeded start on the same rows and measured side by side:
//!
//! - brute force over a few weights (`--weights`, `--params`) on a grid,
//!   the others held at their starting values;
//! - gradient descent with the numerical gradient (central differences:
//!   2·P cost evaluations per step for P parameters);
//! - gradient descent with backprop (one forward and one backward pass).
//!
//! Both descents take the same `--steps` steps of batch gradient descent
//! over all training rows. In f64 (the default here) their weights agree to
//! the O(ε²) error of the central differences; the report shows the largest
//! difference at the end and how many more forward passes the numerical
//! gradient needed.

use super::brute_force::available_threads;
use crate::output::Console;
use crate::parse::{self, HiddenLayers, ParamNames, Range, WeightCount};
use crate::report;
use crate::settings_args::CsvArgs;
use crate::start::{self, Start};
use crate::start_args::{self, DEFAULTS};
use clap::Args;
use gradlab::data::scale::Scaling;
use gradlab::data::task::TaskChoice;
use gradlab::element::Float;
use gradlab::methods::brute_force::{BruteForceSettings, GridAxis};
use gradlab::methods::compare::{compare_methods, MethodRun};
use gradlab::nn::activation::Activation;
use gradlab::nn::init::Init;
use gradlab::nn::numerical_gradient::default_epsilon;
use gradlab::nn::parameter_ref::ParameterRef;
use gradlab::settings::FitSettings;
use gradlab::train::trainer::TrainSettings;
use gradlab::Precision;
use serde::Serialize;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::sync::LazyLock;

/// The grid defaults shown by `--help`, from the engine's `Default`s (the
/// start flags' defaults are `start_args::DEFAULTS`).
struct GridDefaults {
    range: String,
    step: String,
}

static GRID_DEFAULTS: LazyLock<GridDefaults> = LazyLock::new(|| {
    let axis = GridAxis::default();
    GridDefaults {
        range: format!("{},{}", axis.low, axis.high),
        step: axis.step.to_string(),
    }
});

/// Arguments of `gradlab methods`.
#[derive(Debug, Args)]
pub struct MethodsArgs {
    /// CSV file with a header row, or - for stdin.
    #[arg(long, value_name = "FILE")]
    data: PathBuf,
    /// The column to predict.
    #[arg(long, value_name = "COL")]
    target: String,
    /// Input columns, comma-separated [default: every column but the target].
    #[arg(long, value_name = "A,B", value_delimiter = ',')]
    inputs: Option<Vec<String>>,
    /// auto, regression or classification.
    #[arg(long, value_name = "TASK", default_value = "auto", value_parser = parse::task)]
    task: TaskChoice,
    #[command(flatten)]
    csv: CsvArgs,
    /// Hidden layer widths, input side first: 2, 32,16, or none.
    #[arg(long, value_name = "WIDTHS", default_value = "2", value_parser = parse::hidden)]
    hidden: HiddenLayers,
    /// Activation of the hidden layers.
    #[arg(long, value_name = "NAME", default_value = DEFAULTS.activation.as_str(), value_parser = parse::activation)]
    activation: Activation,
    /// Initial weights: the common start of all three methods.
    #[arg(long, value_name = "SCHEME", default_value = DEFAULTS.init.as_str(), value_parser = parse::init)]
    init: Init,
    /// Scaling of the inputs (and of a regression target).
    #[arg(long, value_name = "HOW", default_value = DEFAULTS.scale.as_str(), value_parser = parse::scaling)]
    scale: Scaling,
    /// Share of the rows held out for testing.
    #[arg(long, value_name = "F", allow_negative_numbers = true, default_value = DEFAULTS.test_fraction.as_str())]
    test_fraction: f64,
    /// Brute force searches the first K parameters (or all: rarely feasible).
    #[arg(long, value_name = "K", default_value = "1", value_parser = parse::weight_count, conflicts_with = "params")]
    weights: WeightCount,
    /// Brute force searches these parameters instead, e.g. layers.1.weight[0,0].
    #[arg(long, value_name = "NAMES", value_parser = parse::param_names)]
    params: Option<ParamNames>,
    /// The values every searched weight takes: low,high.
    #[arg(long, value_name = "LOW,HIGH", allow_hyphen_values = true, default_value = GRID_DEFAULTS.range.as_str(), value_parser = parse::range)]
    range: Range,
    /// Distance between neighbouring grid values.
    #[arg(long, value_name = "STEP", default_value = GRID_DEFAULTS.step.as_str())]
    step: f64,
    /// Refuse a brute-force grid with more points than this.
    #[arg(long, value_name = "N", default_value = "1e9", value_parser = parse::count)]
    max_evals: u64,
    /// Steps of batch gradient descent for both descents.
    #[arg(long, value_name = "N", default_value = "100")]
    steps: usize,
    /// Learning rate of both descents.
    #[arg(
        long,
        value_name = "RATE",
        allow_negative_numbers = true,
        default_value = "0.1"
    )]
    lr: f64,
    /// Step ε of the numerical gradient [default: 1e-6 in f64, 5e-3 in f32].
    #[arg(long, value_name = "E")]
    epsilon: Option<f64>,
    /// Element type; f64 so that the two descents can be seen to agree.
    #[arg(long, value_name = "TYPE", default_value = "f64", value_parser = parse::precision)]
    precision: Precision,
    /// Seed of the split and the initial weights.
    #[arg(long, value_name = "N", default_value = "1")]
    seed: u64,
    /// Print one JSON object on stdout instead of the text report.
    #[arg(long)]
    json: bool,
}

/// What to compare: the grid and the descent, independent of the data.
pub struct Plan {
    /// Which weights brute force searches.
    pub weights: WeightChoice,
    /// The grid of every searched weight.
    pub axis: GridAxis,
    /// Brute-force threads.
    pub threads: usize,
    /// Largest grid allowed.
    pub max_evaluations: u64,
    /// Steps of both descents.
    pub steps: usize,
    /// Learning rate of both descents.
    pub learning_rate: f64,
    /// ε of the numerical gradient (`None`: the precision's default).
    pub epsilon: Option<f64>,
}

/// The weights brute force searches.
pub enum WeightChoice {
    /// The first K, or all.
    Count(WeightCount),
    /// By name.
    Named(Vec<String>),
}

/// The comparison, ready to print.
#[derive(Debug, Serialize)]
pub struct Comparison {
    network: String,
    parameters: usize,
    train_rows: usize,
    test_rows: usize,
    cost: &'static str,
    brute_force: BruteForceJson,
    steps: usize,
    learning_rate: f64,
    epsilon: f64,
    runs: Vec<MethodRun>,
    /// max |w_numerical − w_backprop| after the last step.
    max_weight_difference: f64,
    /// Forward passes of the numerical descent / those of backprop.
    forward_pass_ratio: f64,
    /// Wall time of the numerical descent / that of backprop.
    time_ratio: f64,
    #[serde(skip)]
    rows_note: String,
    #[serde(skip)]
    weights_note: String,
}

/// Brute force's part of the comparison.
#[derive(Debug, Serialize)]
struct BruteForceJson {
    weights: Vec<String>,
    best_values: Vec<f64>,
    axis: GridAxis,
    points: u64,
}

/// Runs `gradlab methods`.
pub fn run(args: MethodsArgs, console: &Console) -> anyhow::Result<()> {
    let axis = GridAxis {
        low: args.range.low,
        high: args.range.high,
        step: args.step,
    };
    axis.validate()?;
    let threads = available_threads();
    if args.steps == 0 {
        anyhow::bail!("invalid steps: 0 (must be at least 1)");
    }
    let plan = Plan {
        weights: match &args.params {
            Some(names) => WeightChoice::Named(names.0.clone()),
            None => WeightChoice::Count(args.weights),
        },
        axis,
        threads,
        max_evaluations: args.max_evals,
        steps: args.steps,
        learning_rate: args.lr,
        epsilon: args.epsilon,
    };
    let settings = FitSettings {
        hidden: args.hidden.0.clone(),
        activation: args.activation,
        init: args.init,
        scaling: args.scale,
        test_fraction: args.test_fraction,
        precision: args.precision,
        train: TrainSettings {
            seed: args.seed,
            learning_rate: args.lr,
            epochs: args.steps,
            epsilon: args.epsilon,
            ..TrainSettings::default()
        },
        ..FitSettings::default()
    };
    settings.validate()?;
    let table = args.csv.read(&args.data)?;
    let spec = start_args::dataset_spec(&args.target, &args.inputs, args.task);
    let dataset = start_args::dataset(&table, &spec, args.inputs.is_none(), &args.csv)?;
    console.note(format!(
        "comparing brute force, numerical gradient and backprop on {} ({} rows, {})…",
        table.source_name(),
        dataset.rows(),
        args.precision.name()
    ));
    let comparison = match args.precision {
        Precision::F32 => compare(
            &start::from_settings::<f32>(&dataset, &settings, table.source_name())?,
            &plan,
        )?,
        Precision::F64 => compare(
            &start::from_settings::<f64>(&dataset, &settings, table.source_name())?,
            &plan,
        )?,
    };
    if args.json {
        report::print_json(&comparison)
    } else {
        report::print_text(&comparison_text(&comparison, ""))
    }
}

/// Runs the three methods of `plan` from `start`.
pub fn compare<T: Float>(start: &Start<T>, plan: &Plan) -> anyhow::Result<Comparison> {
    let network = &start.network;
    let parameters = match &plan.weights {
        WeightChoice::Named(names) => names
            .iter()
            .map(|name| ParameterRef::parse(name, network))
            .collect::<Result<Vec<_>, _>>()?,
        WeightChoice::Count(WeightCount::First(k)) => ParameterRef::first(*k, network)?,
        WeightChoice::Count(WeightCount::All) => ParameterRef::all(network),
    };
    let grid = BruteForceSettings {
        parameters,
        axis: plan.axis,
        threads: plan.threads,
        max_evaluations: plan.max_evaluations,
    };
    let descent = TrainSettings {
        learning_rate: plan.learning_rate,
        epochs: plan.steps,
        epsilon: plan.epsilon,
        ..start.train_settings.clone()
    };
    let report = compare_methods(network, &start.train, &start.test, &grid, &descent)?;
    let run = |name: &str| report.runs.iter().find(|r| r.method == name);
    let ratio = |pick: fn(&MethodRun) -> f64| match (run("numerical gradient"), run("backprop")) {
        (Some(n), Some(b)) if pick(b) > 0.0 => pick(n) / pick(b),
        _ => f64::NAN,
    };
    Ok(Comparison {
        network: network.architecture().to_string(),
        parameters: network.parameter_count(),
        train_rows: start.train.len(),
        test_rows: start.test.len(),
        cost: report::cost_name(network.loss()),
        brute_force: BruteForceJson {
            weights: grid.parameters.iter().map(|p| p.name(network)).collect(),
            best_values: report.brute_force.best_values.clone(),
            axis: plan.axis,
            points: report.brute_force.evaluations,
        },
        steps: plan.steps,
        learning_rate: plan.learning_rate,
        epsilon: plan.epsilon.unwrap_or_else(default_epsilon::<T>),
        forward_pass_ratio: ratio(|r| r.forward_passes as f64),
        time_ratio: ratio(|r| r.seconds),
        max_weight_difference: report.max_weight_difference,
        runs: report.runs,
        rows_note: start.rows_note.clone(),
        weights_note: start.weights_note.clone(),
    })
}

/// The comparison as text, every line starting with `indent`.
pub fn comparison_text(c: &Comparison, indent: &str) -> String {
    let mut text = String::new();
    let bf = &c.brute_force;
    let searched = bf.weights.len();
    let _ = writeln!(
        text,
        "{indent}three ways to tune the weights of {} ({} parameters), all from {}\n\
         {indent}on {}; costs: {}\n",
        c.network, c.parameters, c.weights_note, c.rows_note, c.cost
    );
    let grid_of = if searched == 1 {
        bf.weights[0].clone()
    } else {
        format!("{searched} weights ({})", bf.weights.join(", "))
    };
    let _ = writeln!(
        text,
        "{indent}brute force         every value of {grid_of} in [{}, {}] step {}, the other {} fixed",
        bf.axis.low,
        bf.axis.high,
        bf.axis.step,
        c.parameters - searched,
    );
    let _ = writeln!(
        text,
        "{indent}numerical gradient  {} steps of batch gradient descent, learning rate {}, central differences with ε = {:e}",
        c.steps, c.learning_rate, c.epsilon
    );
    let _ = writeln!(
        text,
        "{indent}backprop            the same {} steps with the analytic gradient\n",
        c.steps
    );
    text.push_str(&comparison_summary(c, indent));
    text
}

/// The table and what it shows, every line starting with `indent` (the
/// short form, as in `gradlab demo`).
pub fn comparison_summary(c: &Comparison, indent: &str) -> String {
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
