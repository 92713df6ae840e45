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
use crate::start::{self, Start};
use crate::start_args::StartArgs;
use clap::Args;
use gradlab::element::Float;
use gradlab::float_text::round_trip_text;
use gradlab::methods::brute_force::{
    grid_points, log10_grid_points, measure_rate, search, BruteForceResult, BruteForceSettings,
    GridAxis,
};
use gradlab::nn::init::Init;
use gradlab::nn::network::{Architecture, Network};
use gradlab::nn::parameter_ref::ParameterRef;
use gradlab::settings::FitSettings;
use gradlab::train::evaluation::evaluate_cost;
use gradlab::train::trainer::Examples;
use gradlab::Precision;
use serde::Serialize;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

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
}

/// The worker threads of a search: the global `--threads` (all cores when
/// it is 0 or absent).
pub fn available_threads() -> usize {
    gradlab::matrix::threads()
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
        Precision::F32 => Search::<f32>::new(&args, model.as_ref(), &table)?.run(console),
        Precision::F64 => Search::<f64>::new(&args, model.as_ref(), &table)?.run(console),
    }
}

/// One brute-force run in precision `T`.
struct Search<'a, T> {
    args: &'a BruteForceArgs,
    start: Start<T>,
    settings: BruteForceSettings,
}

impl<'a, T: Float> Search<'a, T> {
    fn new(
        args: &'a BruteForceArgs,
        model: Option<&gradlab::model::AnyModel>,
        table: &gradlab::data::csv::Table,
    ) -> anyhow::Result<Self> {
        let start = match (model, &args.start.model) {
            (Some(model), Some(path)) => start::from_model::<T>(model, path, table)?,
            _ => {
                let dataset = args.start.dataset(table)?;
                let precision = if T::BYTES == 8 {
                    Precision::F64
                } else {
                    Precision::F32
                };
                let settings = args.start.fit_settings(precision);
                start::from_settings::<T>(&dataset, &settings, table.source_name())?
            }
        };
        let parameters = match &args.params {
            Some(names) => names
                .0
                .iter()
                .map(|name| ParameterRef::parse(name, &start.network))
                .collect::<Result<Vec<_>, _>>()?,
            None => match args.weights {
                WeightCount::First(k) => ParameterRef::first(k, &start.network)?,
                WeightCount::All => ParameterRef::all(&start.network),
            },
        };
        if args.grid_out.is_some() && !args.explain && parameters.len() > 2 {
            anyhow::bail!(
                "--grid-out writes the grid of 1 or 2 weights; this search varies {}",
                parameters.len()
            );
        }
        let settings = BruteForceSettings {
            parameters,
            axis: args.axis(),
            threads: available_threads(),
            max_evaluations: args.max_evals,
        };
        Ok(Search {
            args,
            start,
            settings,
        })
    }

    fn run(self, console: &Console) -> anyhow::Result<()> {
        if self.args.explain {
            return self.explain(console);
        }
        let network = &self.start.network;
        let axis = self.settings.axis;
        let k = self.settings.parameters.len();
        let points = grid_points(axis.points(), k);
        let log10_points = log10_grid_points(axis.points(), k);
        console.note(self.plan_text());
        let rate = Rate::measure(network, &self.start.train, &self.settings);
        let log10_seconds = log10_points - rate.per_second.log10();
        console.note(format!(
            "estimate: {} evaluations/s ({}) → about {}",
            rate_text(rate.per_second),
            rate.how(),
            report::duration_log10(log10_seconds)
        ));
        let points = match points {
            Some(p) if p <= self.settings.max_evaluations => p,
            _ => anyhow::bail!(
                "the grid has {} points, more than --max-evals {}: estimated time {} at {} evaluations/s; search fewer weights or use a coarser grid (--range, --step)",
                points_text(points, log10_points),
                report::thousands(self.settings.max_evaluations),
                report::duration_log10(log10_seconds),
                rate_text(rate.per_second),
            ),
        };
        let result = {
            let bar = CountBar::new(*console, "brute force", points);
            search(network, &self.start.train, &self.settings, &|done| {
                bar.set(done)
            })?
        };
        if let Some(path) = &self.args.grid_out {
            self.write_grid(path, &result)?;
        }
        let report = self.report(&result, rate.per_second);
        if self.args.json {
            report::print_json(&report)?;
        } else if self.args.grid_out.as_deref().is_some_and(output::is_dash) {
            console.note(self.result_text(&report).trim_end());
        } else {
            report::print_text(&self.result_text(&report))?;
        }
        if let Some(path) = self
            .args
            .grid_out
            .as_deref()
            .filter(|p| !output::is_dash(p))
        {
            console.note(format!(
                "grid of {} costs written to {}",
                report::thousands(points),
                path.display()
            ));
        }
        Ok(())
    }

    /// What will be searched, before the search (stderr).
    fn plan_text(&self) -> String {
        let network = &self.start.network;
        let axis = self.settings.axis;
        let k = self.settings.parameters.len();
        let names = names_text(&self.settings.parameters, network);
        let others = if k == network.parameter_count() {
            "every parameter is searched".to_owned()
        } else {
            format!("the others stay at {}", self.start.weights_note)
        };
        format!(
            "brute force: {} of the {} parameters of {}: {names}\n\
             {others}\n\
             grid: {} values per weight ([{}, {}] step {}) → {} points, each a cost over {}",
            report::thousands(k as u64),
            report::thousands(network.parameter_count() as u64),
            network.architecture(),
            axis.points(),
            axis.low,
            axis.high,
            axis.step,
            points_text(
                grid_points(axis.points(), k),
                log10_grid_points(axis.points(), k)
            ),
            self.start.rows_note,
        )
    }

    fn report(&self, result: &BruteForceResult, estimated_rate: f64) -> BruteForceJson {
        let network = &self.start.network;
        let decimals = grid_decimals(&self.settings.axis);
        let weights = self
            .settings
            .parameters
            .iter()
            .zip(&result.best_values)
            .map(|(p, &best)| WeightJson {
                name: p.name(network),
                best: round_to(best, decimals),
                start: network.tensor(p.tensor)[p.index].as_f64(),
            })
            .collect();
        BruteForceJson {
            network: network.architecture().to_string(),
            parameters: network.parameter_count(),
            weights,
            axis: self.settings.axis,
            axis_points: self.settings.axis.points(),
            rows: self.start.train.len(),
            cost: report::cost_name(network.loss()),
            start_cost: evaluate_cost(network, &self.start.train),
            best_cost: result.best_cost,
            evaluations: result.evaluations,
            seconds: result.seconds,
            evaluations_per_second: result.evaluations as f64 / result.seconds.max(1e-9),
            estimated_evaluations_per_second: estimated_rate,
            threads: self.settings.threads,
        }
    }

    fn result_text(&self, report: &BruteForceJson) -> String {
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
            self.start.rows_note,
            report::human(report.best_cost),
            report::human(report.start_cost),
            self.start.weights_note,
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
    fn write_grid(&self, path: &Path, result: &BruteForceResult) -> anyhow::Result<()> {
        let Some(costs) = &result.costs else {
            anyhow::bail!("the search kept no grid of costs (only 1 or 2 weights keep one)");
        };
        let network = &self.start.network;
        let axis_texts = AxisTexts::new(self.settings.axis);
        let mut header: Vec<String> = self
            .settings
            .parameters
            .iter()
            .map(|p| p.name(network))
            .collect();
        header.push("cost".to_owned());
        let axis_points = self.settings.axis.points();
        let k = self.settings.parameters.len() as u32;
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
    fn explain(&self, console: &Console) -> anyhow::Result<()> {
        let network = &self.start.network;
        let axis = self.settings.axis;
        let all = ParameterRef::all(network);
        let settings = BruteForceSettings {
            parameters: all.clone(),
            ..self.settings.clone()
        };
        console.note("measuring the cost evaluations of this network…");
        let rate = Rate::measure(network, &self.start.train, &settings);
        // Each row at its own rate: searching only the first weights of a
        // neuron recomputes far less than searching all of them.
        let mut rows = Vec::new();
        for k in table_counts(all.len()) {
            let first_k = BruteForceSettings {
                parameters: ParameterRef::first(k, network)?,
                ..self.settings.clone()
            };
            let row_rate = Rate::measure(network, &self.start.train, &first_k);
            rows.push(ExplainRow::new(k, axis.points(), row_rate.per_second));
        }
        let architecture = network.architecture();
        let big_architecture = Architecture::new(
            network.inputs(),
            &[LARGE_WIDTH; LARGE_DEPTH],
            architecture.activation(0),
            network.outputs(),
            network.loss(),
        );
        console.note(format!(
            "measuring a network with {LARGE_DEPTH} hidden layers of {LARGE_WIDTH} neurons…"
        ));
        let big = Network::<T>::new(big_architecture, Init::Xavier, 1)?;
        let big_settings = BruteForceSettings {
            parameters: ParameterRef::first(1, &big)?,
            ..self.settings.clone()
        };
        let big_rate = Rate::measure(&big, &self.start.train, &big_settings);
        let large = LargeRow {
            hidden: format!("{LARGE_DEPTH} × {LARGE_WIDTH}"),
            parameters: big.parameter_count(),
            row: ExplainRow::new(big.parameter_count(), axis.points(), big_rate.per_second),
            rate: big_rate,
        };
        let explain = ExplainJson {
            network: architecture.to_string(),
            parameters: network.parameter_count(),
            axis,
            axis_points: axis.points(),
            rows_of_data: self.start.train.len(),
            rate,
            rows,
            large,
        };
        if self.args.json {
            report::print_json(&explain)
        } else {
            report::print_text(&explain_text(&explain, &self.start.rows_note))
        }
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

/// Width and depth of the course's large network.
const LARGE_WIDTH: usize = 1000;
const LARGE_DEPTH: usize = 6;

/// Weight counts in the table: 1 … P, or 1 … 10 and P for a bigger network.
fn table_counts(total: usize) -> Vec<usize> {
    const SHOWN: usize = 10;
    if total <= SHOWN + 2 {
        (1..=total).collect()
    } else {
        (1..=SHOWN).chain([total]).collect()
    }
}

/// A measured rate of cost evaluations.
#[derive(Debug, Clone, Copy, Serialize)]
struct Rate {
    /// Evaluations per second over all rows with all threads.
    per_second: f64,
    /// Grid points timed.
    sample_points: u64,
    /// Rows each timed evaluation went over.
    sample_rows: usize,
    /// Rows of the real evaluations (the rate is scaled linearly to them).
    rows: usize,
    /// Threads the rate assumes (the engine times one and multiplies).
    threads: usize,
}

/// Multiply-adds one timed evaluation may cost; a bigger network is timed
/// on fewer rows and the rate scaled linearly to all rows.
const SAMPLE_WORK: usize = 1_000_000_000;
/// Time to spend measuring, roughly.
const SAMPLE_SECONDS: f64 = 0.2;
/// At most this many points are timed.
const MAX_SAMPLE_POINTS: u64 = 200;

impl Rate {
    /// Times a few grid points of `settings` (see [`measure_rate`]).
    fn measure<T: Float>(
        network: &Network<T>,
        examples: &Examples<T>,
        settings: &BruteForceSettings,
    ) -> Rate {
        let rows = examples.len().max(1);
        let sample_rows = rows.min((SAMPLE_WORK / network.parameter_count().max(1)).max(1));
        let subset;
        let sample = if sample_rows < examples.len() {
            subset = start::head(examples, sample_rows);
            &subset
        } else {
            examples
        };
        let threads = settings.threads.max(1);
        let first = measure_rate(network, sample, settings, 1);
        let points =
            ((first / threads as f64) * SAMPLE_SECONDS).clamp(1.0, MAX_SAMPLE_POINTS as f64) as u64;
        let measured = if points > 1 {
            measure_rate(network, sample, settings, points)
        } else {
            first
        };
        Rate {
            per_second: measured * sample.len().max(1) as f64 / rows as f64,
            sample_points: points,
            sample_rows: sample.len(),
            rows,
            threads,
        }
    }

    /// How the rate was measured, for people.
    fn how(&self) -> String {
        let rows = if self.sample_rows < self.rows {
            format!(
                "on {} of the {} rows, scaled linearly to all",
                self.sample_rows, self.rows
            )
        } else {
            format!("over {} rows", self.rows)
        };
        format!(
            "{} timed {rows}, × {} threads",
            plural(self.sample_points as usize, "point"),
            self.threads
        )
    }
}

/// One line of the course's table.
#[derive(Debug, Serialize)]
struct ExplainRow {
    weights: usize,
    /// The exact number of points, when it fits in 64 bits.
    points: Option<u64>,
    log10_points: f64,
    /// The measured rate for these weights.
    evaluations_per_second: f64,
    /// The estimated time, when it fits in an f64 of seconds.
    seconds: Option<f64>,
    log10_seconds: f64,
    time: String,
}

impl ExplainRow {
    fn new(weights: usize, axis_points: u64, rate: f64) -> Self {
        let log10_points = log10_grid_points(axis_points, weights);
        let log10_seconds = log10_points - rate.log10();
        let seconds = 10f64.powf(log10_seconds);
        ExplainRow {
            weights,
            evaluations_per_second: rate,
            points: grid_points(axis_points, weights),
            log10_points,
            seconds: seconds.is_finite().then_some(seconds),
            log10_seconds,
            time: report::duration_log10(log10_seconds),
        }
    }
}

/// The large network's line.
#[derive(Debug, Serialize)]
struct LargeRow {
    hidden: String,
    parameters: usize,
    rate: Rate,
    row: ExplainRow,
}

/// What `brute-force --explain --json` prints.
#[derive(Debug, Serialize)]
struct ExplainJson {
    network: String,
    parameters: usize,
    axis: GridAxis,
    axis_points: u64,
    rows_of_data: usize,
    rate: Rate,
    rows: Vec<ExplainRow>,
    large: LargeRow,
}

fn explain_text(explain: &ExplainJson, rows_note: &str) -> String {
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
        explain.rate.how(),
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
                    row.time.clone(),
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
            large.row.time.clone(),
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
        large.rate.how(),
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
struct BruteForceJson {
    network: String,
    parameters: usize,
    weights: Vec<WeightJson>,
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

/// A searched weight: its name, the best value found and its start value.
#[derive(Debug, Serialize)]
struct WeightJson {
    name: String,
    best: f64,
    start: f64,
}

/// `layers.0.weight[0,0], layers.0.weight[0,1]`, shortened after a few.
fn names_text<T: Float>(parameters: &[ParameterRef], network: &Network<T>) -> String {
    const SHOWN: usize = 6;
    let mut names: Vec<String> = parameters
        .iter()
        .take(SHOWN)
        .map(|p| p.name(network))
        .collect();
    if parameters.len() > SHOWN {
        names.push(format!("… and {} more", parameters.len() - SHOWN));
    }
    names.join(", ")
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

/// Decimals of the grid's values as typed: those of `low` and `step`
/// (`-100` and `0.1` → 1; `1e-12` → 12; `1e300` → 0).
fn grid_decimals(axis: &GridAxis) -> usize {
    let decimals = |x: f64| {
        let text = format!("{x}");
        text.split_once('.').map_or(0, |(_, d)| d.len())
    };
    decimals(axis.low).max(decimals(axis.step))
}

/// `value` rounded to `decimals` decimals: a grid value low + i·step as
/// typed (−100 + 1009 · 0.1 is 0.9, not 0.9000000000000057).
fn round_to(value: f64, decimals: usize) -> f64 {
    format!("{value:.decimals$}").parse().unwrap_or(value)
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
