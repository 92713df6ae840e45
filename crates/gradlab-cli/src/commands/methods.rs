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

use crate::methods_table::comparison_summary;
use crate::output::Console;
use crate::parse::{self, HiddenLayers, ParamNames, Range, WeightCount};
use crate::report;
use crate::settings_args::CsvArgs;
use crate::start_args::{self, DEFAULTS};
use clap::Args;
use gradlab::data::scale::Scaling;
use gradlab::data::task::TaskChoice;
use gradlab::methods::brute_force::GridAxis;
use gradlab::methods::compare::{
    self, BruteForcePart, MethodRun, MethodsResult, MethodsSettings, WeightChoice,
};
use gradlab::nn::activation::Activation;
use gradlab::nn::init::Init;
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

/// What `methods --json` prints: the engine's result with the network
/// and the cost by name.
#[derive(Serialize)]
struct Comparison<'a> {
    network: String,
    parameters: usize,
    train_rows: usize,
    test_rows: usize,
    cost: &'static str,
    brute_force: &'a BruteForcePart,
    steps: usize,
    learning_rate: f64,
    epsilon: f64,
    runs: &'a [MethodRun],
    max_weight_difference: f64,
    forward_pass_ratio: f64,
    time_ratio: f64,
}

impl<'a> Comparison<'a> {
    fn of(c: &'a MethodsResult) -> Self {
        Comparison {
            network: c.architecture.to_string(),
            parameters: c.parameters,
            train_rows: c.train_rows,
            test_rows: c.test_rows,
            cost: report::cost_name(c.architecture.loss),
            brute_force: &c.brute_force,
            steps: c.steps,
            learning_rate: c.learning_rate,
            epsilon: c.epsilon,
            runs: &c.runs,
            max_weight_difference: c.max_weight_difference,
            forward_pass_ratio: c.forward_pass_ratio,
            time_ratio: c.time_ratio,
        }
    }
}

/// Runs `gradlab methods`.
pub fn run(args: MethodsArgs, console: &Console) -> anyhow::Result<()> {
    let axis = GridAxis {
        low: args.range.low,
        high: args.range.high,
        step: args.step,
    };
    axis.validate()?;
    if args.steps == 0 {
        anyhow::bail!("invalid steps: 0 (must be at least 1)");
    }
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
    let methods_settings = MethodsSettings {
        base: settings,
        weights: match &args.params {
            Some(names) => WeightChoice::Named(names.0.clone()),
            None => match args.weights {
                WeightCount::First(k) => WeightChoice::First(k),
                WeightCount::All => WeightChoice::All,
            },
        },
        axis,
        max_evaluations: args.max_evals,
        steps: args.steps,
        learning_rate: args.lr,
        epsilon: args.epsilon,
    };
    let comparison = compare::run(&dataset, &methods_settings)?;
    if args.json {
        report::print_json(&Comparison::of(&comparison))
    } else {
        let notes = Notes {
            rows: format!(
                "{} training rows of {} (the other {} held out for testing)",
                comparison.train_rows,
                table.source_name(),
                comparison.test_rows
            ),
            weights: format!(
                "the seeded initial weights ({} init, seed {})",
                methods_settings.base.init, methods_settings.base.train.seed
            ),
        };
        report::print_text(&comparison_text(&comparison, &notes, ""))
    }
}

/// Where the rows and the weights come from, for people.
struct Notes {
    rows: String,
    weights: String,
}

/// The comparison as text, every line starting with `indent`.
fn comparison_text(c: &MethodsResult, notes: &Notes, indent: &str) -> String {
    let mut text = String::new();
    let bf = &c.brute_force;
    let searched = bf.weights.len();
    let _ = writeln!(
        text,
        "{indent}three ways to tune the weights of {} ({} parameters), all from {}\n\
         {indent}on {}; costs: {}\n",
        c.architecture,
        c.parameters,
        notes.weights,
        notes.rows,
        report::cost_name(c.architecture.loss)
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
