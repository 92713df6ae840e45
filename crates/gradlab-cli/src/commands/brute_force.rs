//! `gradlab brute-force`: the course's first way of "training" — try every
//! value on a grid for K weights, keep the combination with the lowest cost.
//!
//! Before the search it prints what it will cost (the weights, the points,
//! and the time estimated from a measured sample of cost evaluations) and
//! refuses a grid above `--max-evals`. `--explain` prints the course's table
//! instead: how the number of points and the time grow with the number of
//! weights, up to a network with 6 hidden layers of 1,000 neurons.

use crate::output::{self, Console};
use crate::parse::{self, ParamNames, Range, WeightCount};
use crate::progress::CountBar;
use crate::report;
use crate::start::{self, rows_note, weights_note};
use crate::start_args::StartArgs;
use clap::Args;
use gradlab::element::Float;
use gradlab::float_text::round_trip_text;
use gradlab::methods::brute_force::GridAxis;
use gradlab::methods::brute_force_experiment::{
    self, grid_decimals, round_to, BruteForceEstimate, BruteForceExperimentSettings,
    BruteForcePlan, BruteForceProgress, BruteForceSearch, SearchedWeight,
};
use gradlab::methods::brute_force_growth::{
    self, BruteForceGrowth, GrowthProgress, GrowthRow, GrowthSettings, LARGE_DEPTH, LARGE_WIDTH,
};
use gradlab::methods::brute_force_rate::EvaluationRate;
use gradlab::methods::compare::WeightChoice;
use gradlab::methods::start::Start;
use gradlab::model::AnyModel;
use gradlab::settings::FitSettings;
use gradlab::Precision;
use serde::Serialize;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{LazyLock, OnceLock};

/// The defaults shown by `--help`, taken from the engine's `Default`s.
struct DefaultTexts {
    range: String,
    step: String,
}

static DEFAULTS: LazyLock<DefaultTexts> = LazyLock::new(|| {
    let _fit = FitSettings::default();
    let axis = GridAxis::default();
    DefaultTexts {
        range: format!("{},{}", axis.low, axis.high),
        step: axis.step.to_string(),
    }
});

/// The course's network: 2 inputs → 2 hidden neurons → 1 output.
const DEFAULT_HIDDEN: &str = "2";

/// Arguments of `gradlab brute-force`.
#[derive(Debug, Args)]
#[command(mut_arg("hidden", |arg| arg.default_value(DEFAULT_HIDDEN)))]
pub struct BruteForceArgs {
    /// Where the network starts.
    #[command(flatten)]
    start: StartArgs,
    /// Element type: f32 or f64 [default: f32, or the model's with --model].
    #[arg(long, value_name = "TYPE", value_parser = parse::precision)]
    precision: Option<Precision>,
    /// Search the first K parameters (layers.0.weight row by row, layers.0.bias, layers.1.weight, …), or all.
    #[arg(long, value_name = "K", default_value = "1", value_parser = parse::weight_count, conflicts_with = "params")]
    weights: WeightCount,
    /// Search these parameters instead, e.g. layers.0.weight[0,1],layers.1.bias[0].
    #[arg(long, value_name = "NAMES", value_parser = parse::param_names)]
    params: Option<ParamNames>,
    /// The values every searched weight takes: low,high.
    #[arg(long, value_name = "LOW,HIGH", allow_hyphen_values = true, default_value = DEFAULTS.range.as_str(), value_parser = parse::range)]
    range: Range,
    /// Distance between neighbouring values.
    #[arg(long, value_name = "STEP", default_value = DEFAULTS.step.as_str())]
    step: f64,
    /// Refuse a grid with more points than this (nothing is run).
    #[arg(long, value_name = "N", default_value = "1e9", value_parser = parse::count)]
    max_evals: u64,
    /// Write the cost at every grid point as CSV (1 or 2 weights), or - for stdout.
    #[arg(long, value_name = "FILE")]
    grid_out: Option<PathBuf>,
    /// Print the course's table (points and time for 1, 2, … weights, and a
    /// 6 × 1000 network) instead of searching.
    #[arg(long)]
    explain: bool,
    /// Print one JSON object on stdout instead of the text report.
    #[arg(long)]
    json: bool,
}

impl BruteForceArgs {
    fn axis(&self) -> GridAxis {
        GridAxis {
            low: self.range.low,
            high: self.range.high,
            step: self.step,
        }
    }

    /// The engine's settings; the search uses the global `--threads` (all
    /// cores when it is 0 or absent).
    fn settings(&self) -> BruteForceExperimentSettings {
        let weights = match (&self.params, self.weights) {
            (Some(names), _) => WeightChoice::Named(names.0.clone()),
            (None, WeightCount::First(k)) => WeightChoice::First(k),
            (None, WeightCount::All) => WeightChoice::All,
        };
        BruteForceExperimentSettings {
            weights,
            axis: self.axis(),
            max_evaluations: self.max_evals,
            threads: gradlab::matrix::threads(),
        }
    }
}

/// Runs `gradlab brute-force`.
pub fn run(args: BruteForceArgs, console: &Console) -> anyhow::Result<()> {
    let axis = args.axis();
    axis.validate()?;
    if let Some(path) = &args.grid_out {
        if output::is_dash(path) && args.json {
            anyhow::bail!("--grid-out - and --json both want stdout; give --grid-out a file name");
        }
        super::check_out_directory(path, "grid")?;
    }
    let model = args
        .start
        .model
        .as_deref()
        .map(super::load_model)
        .transpose()?;
    let precision = args
        .precision
        .or(model.as_ref().map(|m| m.info().precision))
        .unwrap_or_default();
    let table = args.start.read()?;
    match precision {
        Precision::F32 => run_in::<f32>(&args, model.as_ref(), &table, console),
        Precision::F64 => run_in::<f64>(&args, model.as_ref(), &table, console),
    }
}

/// One brute-force run (or its `--explain` table) in precision `T`.
fn run_in<T: Float>(
    args: &BruteForceArgs,
    model: Option<&AnyModel>,
    table: &gradlab::data::csv::Table,
    console: &Console,
) -> anyhow::Result<()> {
    let start = start::from_args::<T>(&args.start, model, table)?;
    let settings = args.settings();
    let searched = settings.search_settings(&start.network)?.parameters.len();
    if args.grid_out.is_some() && !args.explain && searched > 2 {
        anyhow::bail!(
            "--grid-out writes the grid of 1 or 2 weights; this search varies {searched}"
        );
    }
    let notes = Notes {
        rows: rows_note(&start.origin),
        weights: weights_note(&start.origin),
    };
    if args.explain {
        explain(args, &start, &notes, console)
    } else {
        search(args, &start, &settings, &notes, console)
    }
}

/// Which rows and which weights the start holds, for people.
struct Notes {
    rows: String,
    weights: String,
}

/// Searches the grid, telling the plan and the estimate on stderr first.
fn search<T: Float>(
    args: &BruteForceArgs,
    start: &Start<T>,
    settings: &BruteForceExperimentSettings,
    notes: &Notes,
    console: &Console,
) -> anyhow::Result<()> {
    let experiment = {
        let bar = OnceLock::new();
        brute_force_experiment::run(start, settings, &|step| match step {
            BruteForceProgress::Planned(plan) => console.note(plan_text(plan, notes)),
            BruteForceProgress::Estimated(estimate) => console.note(estimate_text(estimate)),
            BruteForceProgress::Searching { done, of } => bar
                .get_or_init(|| CountBar::new(*console, "brute force", of))
                .set(done),
        })?
    };
    let (plan, estimate) = (&experiment.plan, &experiment.estimate);
    let Some(search) = &experiment.search else {
        anyhow::bail!(
            "the grid has {} points, more than --max-evals {}: estimated time {} at {} evaluations/s; search fewer weights or use a coarser grid (--range, --step)",
            points_text(plan.points, plan.log10_points),
            report::thousands(settings.max_evaluations),
            report::duration_log10(estimate.log10_seconds),
            rate_text(estimate.rate.per_second),
        );
    };
    if let Some(path) = &args.grid_out {
        write_grid(path, plan, search)?;
    }
    let report = BruteForceJson::new(plan, estimate, search);
    if args.json {
        report::print_json(&report)?;
    } else if args.grid_out.as_deref().is_some_and(output::is_dash) {
        console.note(result_text(&report, notes).trim_end());
    } else {
        report::print_text(&result_text(&report, notes))?;
    }
    if let Some(path) = args.grid_out.as_deref().filter(|p| !output::is_dash(p)) {
        console.note(format!(
            "grid of {} costs written to {}",
            report::thousands(search.evaluations),
            path.display()
        ));
    }
    Ok(())
}

/// What will be searched, before the search (stderr).
fn plan_text(plan: &BruteForcePlan, notes: &Notes) -> String {
    let k = plan.weights.len();
    let others = if k == plan.parameters {
        "every parameter is searched".to_owned()
    } else {
        format!("the others stay at {}", notes.weights)
    };
    format!(
        "brute force: {} of the {} parameters of {}: {}\n\
         {others}\n\
         grid: {} values per weight ([{}, {}] step {}) → {} points, each a cost over {}",
        report::thousands(k as u64),
        report::thousands(plan.parameters as u64),
        plan.network,
        names_text(&plan.weights),
        plan.axis_points,
        plan.axis.low,
        plan.axis.high,
        plan.axis.step,
        points_text(plan.points, plan.log10_points),
        notes.rows,
    )
}

/// The measured rate and the time of the whole grid (stderr).
fn estimate_text(estimate: &BruteForceEstimate) -> String {
    format!(
        "estimate: {} evaluations/s ({}) → about {}",
        rate_text(estimate.rate.per_second),
        rate_how(&estimate.rate),
        report::duration_log10(estimate.log10_seconds)
    )
}

fn result_text(report: &BruteForceJson, notes: &Notes) -> String {
    let mut text = format!(
        "brute force over {} of {}: {} points in {} ({} evaluations/s, {} threads)\n",
        plural(report.weights.len(), "weight"),
        report.network,
        report::thousands(report.evaluations),
        report::duration(report.seconds),
        rate_text(report.evaluations_per_second),
        report.threads,
    );
    text.push_str(&format!(
        "cost: {}, over {}\n\nbest cost   {}\nstart cost  {}  at {}\n\n",
        report.cost,
        notes.rows,
        report::human(report.best_cost),
        report::human(report.start_cost),
        notes.weights,
    ));
    let lines: Vec<(String, Vec<String>)> = report
        .weights
        .iter()
        .map(|w| {
            (
                w.name.clone(),
                vec![round_trip_text(w.best), report::human(w.start)],
            )
        })
        .collect();
    text.push_str(&report::table("weight", &["best", "start"], &lines, ""));
    text
}

/// The grid as CSV: the searched weights (first slowest), then the cost.
fn write_grid(path: &Path, plan: &BruteForcePlan, search: &BruteForceSearch) -> anyhow::Result<()> {
    let Some(costs) = &search.costs else {
        anyhow::bail!("the search kept no grid of costs (only 1 or 2 weights keep one)");
    };
    let axis_texts = AxisTexts::new(plan.axis);
    let mut header = plan.weights.clone();
    header.push("cost".to_owned());
    let axis_points = plan.axis_points;
    let k = plan.weights.len() as u32;
    output::write_to(path, |out| {
        let mut csv = csv::Writer::from_writer(out);
        csv.write_record(&header).map_err(csv_to_io)?;
        for (point, cost) in costs.iter().enumerate() {
            for j in 0..k {
                let stride = axis_points.pow(k - 1 - j);
                let i = (point as u64 / stride) % axis_points;
                csv.write_field(axis_texts.text(i).as_bytes())
                    .map_err(csv_to_io)?;
            }
            csv.write_field(round_trip_text(*cost)).map_err(csv_to_io)?;
            csv.write_record(None::<&[u8]>).map_err(csv_to_io)?;
        }
        csv.flush()
    })
}

/// The course's table: points and time for 1, 2, … weights of this
/// network, and for all weights of a network with 6 hidden layers of
/// 1,000 neurons on the same inputs.
fn explain<T: Float>(
    args: &BruteForceArgs,
    start: &Start<T>,
    notes: &Notes,
    console: &Console,
) -> anyhow::Result<()> {
    let settings = GrowthSettings {
        axis: args.axis(),
        threads: gradlab::matrix::threads(),
    };
    let growth = brute_force_growth::run(start, &settings, &|step| match step {
        GrowthProgress::MeasuringNetwork => {
            console.note("measuring the cost evaluations of this network…")
        }
        GrowthProgress::MeasuringLarge => console.note(format!(
            "measuring a network with {LARGE_DEPTH} hidden layers of {LARGE_WIDTH} neurons…"
        )),
    })?;
    if args.json {
        report::print_json(&ExplainJson::new(&growth))
    } else {
        report::print_text(&explain_text(&growth, &notes.rows))
    }
}

/// A CSV error as the I/O error under it (so that a closed pipe stays a
/// closed pipe), or as an I/O error of its own.
fn csv_to_io(err: csv::Error) -> io::Error {
    match err.into_kind() {
        csv::ErrorKind::Io(err) => err,
        other => io::Error::other(format!("{other:?}")),
    }
}

fn explain_text(explain: &BruteForceGrowth, rows_note: &str) -> String {
    let axis = explain.axis;
    let mut text = format!(
        "brute force on {} ({} parameters): {} values per weight ([{}, {}] step {}),\n\
         one cost evaluation per grid point over {rows_note}\n\
         measured for all weights: {} evaluations/s ({});\n\
         each row at the rate measured for its own weights (the first k: fewer weights, less to recompute)\n\n",
        explain.network,
        explain.parameters,
        explain.axis_points,
        axis.low,
        axis.high,
        axis.step,
        rate_text(explain.rate.per_second),
        rate_how(&explain.rate),
    );
    let mut lines: Vec<(String, Vec<String>)> = explain
        .rows
        .iter()
        .map(|row| {
            (
                row.weights.to_string(),
                vec![
                    points_text(row.points, row.log10_points),
                    rate_text(row.evaluations_per_second),
                    report::duration_log10(row.log10_seconds),
                ],
            )
        })
        .collect();
    let large = &explain.large;
    lines.push((
        format!(
            "{} ({} net)",
            report::thousands(large.parameters as u64),
            large.hidden
        ),
        vec![
            points_text(large.row.points, large.row.log10_points),
            rate_text(large.rate.per_second),
            report::duration_log10(large.row.log10_seconds),
        ],
    ));
    text.push_str(&report::table(
        "weights",
        &["points", "evaluations/s", "time"],
        &lines,
        "",
    ));
    text.push_str(&format!(
        "\nthe last row: all weights of a network with {} hidden layers of {} neurons on the same {} inputs\n\
         ({} parameters), at its own measured rate of {} evaluations/s ({})\n",
        LARGE_DEPTH,
        report::thousands(LARGE_WIDTH as u64),
        explain_inputs(&explain.network),
        report::thousands(large.parameters as u64),
        rate_text(large.rate.per_second),
        rate_how(&large.rate),
    ));
    text.push_str(
        "times are at the measured rates; an age of the universe is 13.8 billion years\n",
    );
    text
}

/// The input width from an architecture text `2 → …`.
fn explain_inputs(network: &str) -> &str {
    network.split(' ').next().unwrap_or("?")
}

/// What `brute-force --json` prints.
#[derive(Debug, Serialize)]
struct BruteForceJson<'a> {
    network: &'a str,
    parameters: usize,
    weights: &'a [SearchedWeight],
    axis: GridAxis,
    axis_points: u64,
    rows: usize,
    cost: &'static str,
    start_cost: f64,
    best_cost: f64,
    evaluations: u64,
    seconds: f64,
    evaluations_per_second: f64,
    estimated_evaluations_per_second: f64,
    threads: usize,
}

impl<'a> BruteForceJson<'a> {
    fn new(
        plan: &'a BruteForcePlan,
        estimate: &BruteForceEstimate,
        search: &'a BruteForceSearch,
    ) -> Self {
        BruteForceJson {
            network: &plan.network,
            parameters: plan.parameters,
            weights: &search.weights,
            axis: plan.axis,
            axis_points: plan.axis_points,
            rows: plan.rows,
            cost: report::cost_name(search.loss),
            start_cost: search.start_cost,
            best_cost: search.best_cost,
            evaluations: search.evaluations,
            seconds: search.seconds,
            evaluations_per_second: search.evaluations_per_second,
            estimated_evaluations_per_second: estimate.rate.per_second,
            threads: search.threads,
        }
    }
}

/// What `brute-force --explain --json` prints: the engine's table with the
/// time of each line for people.
#[derive(Debug, Serialize)]
struct ExplainJson<'a> {
    network: &'a str,
    parameters: usize,
    axis: GridAxis,
    axis_points: u64,
    rows_of_data: usize,
    rate: &'a EvaluationRate,
    rows: Vec<RowJson<'a>>,
    large: LargeJson<'a>,
}

/// A line of the table and its time for people.
#[derive(Debug, Serialize)]
struct RowJson<'a> {
    #[serde(flatten)]
    row: &'a GrowthRow,
    time: String,
}

/// The large network's line.
#[derive(Debug, Serialize)]
struct LargeJson<'a> {
    hidden: &'a str,
    parameters: usize,
    rate: &'a EvaluationRate,
    row: RowJson<'a>,
}

impl<'a> ExplainJson<'a> {
    fn new(growth: &'a BruteForceGrowth) -> Self {
        let row = |row: &'a GrowthRow| RowJson {
            row,
            time: report::duration_log10(row.log10_seconds),
        };
        ExplainJson {
            network: &growth.network,
            parameters: growth.parameters,
            axis: growth.axis,
            axis_points: growth.axis_points,
            rows_of_data: growth.rows_of_data,
            rate: &growth.rate,
            rows: growth.rows.iter().map(row).collect(),
            large: LargeJson {
                hidden: &growth.large.hidden,
                parameters: growth.large.parameters,
                rate: &growth.large.rate,
                row: row(&growth.large.row),
            },
        }
    }
}

/// How a rate was measured, for people.
fn rate_how(rate: &EvaluationRate) -> String {
    let rows = if rate.sample_rows < rate.rows {
        format!(
            "on {} of the {} rows, scaled linearly to all",
            rate.sample_rows, rate.rows
        )
    } else {
        format!("over {} rows", rate.rows)
    };
    format!(
        "{} timed {rows}, × {} threads",
        plural(rate.sample_points as usize, "point"),
        rate.threads
    )
}

/// `layers.0.weight[0,0], layers.0.weight[0,1]`, shortened after a few.
fn names_text(names: &[String]) -> String {
    const SHOWN: usize = 6;
    let mut shown: Vec<String> = names.iter().take(SHOWN).cloned().collect();
    if names.len() > SHOWN {
        shown.push(format!("… and {} more", names.len() - SHOWN));
    }
    shown.join(", ")
}

/// `4,004,001`, or `5.25·10^29` when too many to count in 64 bits.
fn points_text(points: Option<u64>, log10_points: f64) -> String {
    match points {
        Some(p) => report::thousands(p),
        None => report::power_of_ten(log10_points),
    }
}

/// An evaluation rate for people: `41,234` or `3.21`.
fn rate_text(rate: f64) -> String {
    if rate >= 100.0 {
        report::thousands(rate.round() as u64)
    } else {
        report::significant(rate, 3)
    }
}

/// `1 weight`, `2 weights`.
fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// Grid values as text: rounded as typed ([`round_to`]), then in the
/// shortest form that reads back exactly (`0.9`, `-100`, `1e300`,
/// `-1e-10`). The texts of a short axis are made once: a 2-weight grid
/// writes each value 2,001 times.
struct AxisTexts {
    axis: GridAxis,
    decimals: usize,
    made: Vec<String>,
}

/// Axes up to this many values have their texts made ahead.
const AXIS_TEXTS_AHEAD: u64 = 1 << 16;

impl AxisTexts {
    fn new(axis: GridAxis) -> Self {
        let decimals = grid_decimals(&axis);
        let mut texts = AxisTexts {
            axis,
            decimals,
            made: Vec::new(),
        };
        if axis.points() <= AXIS_TEXTS_AHEAD {
            texts.made = (0..axis.points()).map(|i| texts.make(i)).collect();
        }
        texts
    }

    /// The text of value `i`.
    fn text(&self, i: u64) -> std::borrow::Cow<'_, str> {
        match self.made.get(i as usize) {
            Some(text) => text.into(),
            None => self.make(i).into(),
        }
    }

    fn make(&self, i: u64) -> String {
        round_trip_text(round_to(self.axis.value(i), self.decimals))
    }
}
