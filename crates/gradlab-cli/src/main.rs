//! `gradlab`: the command line of the gradlab engine.
//!
//! This file holds the top-level command definitions and the dispatch; each
//! command lives in its own module under `commands/`. The binary does no
//! math: it reads arguments, calls the engine, and prints.
//!
//! Exit codes: 0 on success, 1 on an error (one line `error: …` on stderr),
//! 2 on a usage error (clap's), 3 when training diverges, 130 when `train`
//! was stopped by Ctrl-C.
//!
//! Global flags, accepted before or after the command: `--quiet` and
//! `--threads N` (see [`Cli`]).

mod choices;
mod commands;
mod figures;
mod history_file;
mod methods_table;
mod output;
mod parse;
mod progress;
mod report;
mod setting_flags;
mod settings_args;
mod start;
mod start_args;

use clap::{Parser, Subcommand};
use output::Console;
use std::process::ExitCode;

/// Neural networks from first principles, for small tabular problems.
#[derive(Debug, Parser)]
#[command(
    name = "gradlab",
    version,
    propagate_version = true,
    after_help = "Start with `gradlab demo`: it trains both fever models in a few seconds."
)]
struct Cli {
    /// Print nothing on stderr but errors (no progress, no notes).
    #[arg(long, short, global = true)]
    quiet: bool,

    /// Threads for large matrix products and the brute-force search
    /// [default: 0, all cores]; trained models and histories come out the
    /// same, byte for byte, with any count.
    #[arg(long, global = true, value_name = "N")]
    threads: Option<usize>,

    #[command(subcommand)]
    command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
enum Command {
    /// Write example data as CSV (the course's fever data).
    Generate(commands::generate::GenerateArgs),
    /// Train a network on a CSV file and report train/test metrics.
    Train(commands::train::TrainArgs),
    /// Measure a saved model on labelled CSV data.
    Eval(commands::eval::EvalArgs),
    /// Predict with a saved model: a CSV file or one case.
    Predict(commands::predict::PredictArgs),
    /// Show what a model file holds.
    Inspect(commands::inspect::InspectArgs),
    /// Solve the fever example both ways and write both models.
    Demo(commands::demo::DemoArgs),
    /// Tune K weights by trying every value on a grid (the course's brute force).
    BruteForce(commands::brute_force::BruteForceArgs),
    /// Check backprop's gradient against central differences, tensor by tensor.
    Gradcheck(commands::gradcheck::GradcheckArgs),
    /// Write a model's gradient on some rows as a .safetensors file.
    Grad(commands::grad::GradArgs),
    /// Brute force, numerical gradient and backprop side by side.
    Methods(commands::methods::MethodsArgs),
    /// The course's forward and backward steps for a few rows, with the engine's numbers.
    Explain(commands::explain::ExplainArgs),
    /// Train one network with several batch sizes or optimizers; compare costs and times.
    Compare(commands::compare::CompareArgs),
    /// Draw the cost surface around a model's weights, with training paths.
    Landscape(commands::landscape::LandscapeArgs),
    /// Train from many seeds: the distinct minima reached, the best marked.
    Minima(commands::minima::MinimaArgs),
    /// LeCun's "Efficient BackProp" recommendations, each switched off in turn.
    Lecun(commands::lecun::LecunArgs),
    /// The cost's curvature (λ_max of the Hessian) and the learning rates it allows.
    Curvature(commands::curvature::CurvatureArgs),
    /// Time the reference workloads (samples/s; GFLOP/s against the f32 peak).
    Bench(commands::bench::BenchArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let console = Console::new(cli.quiet);
    gradlab::matrix::set_threads(cli.threads.unwrap_or(0));
    let result = match cli.command {
        Command::Generate(args) => commands::generate::run(args, &console),
        Command::Train(args) => commands::train::run(args, &console),
        Command::Eval(args) => commands::eval::run(args, &console),
        Command::Predict(args) => commands::predict::run(args, &console),
        Command::Inspect(args) => commands::inspect::run(args, &console),
        Command::Demo(args) => commands::demo::run(args, &console),
        Command::BruteForce(args) => commands::brute_force::run(args, &console),
        Command::Gradcheck(args) => commands::gradcheck::run(args, &console),
        Command::Grad(args) => commands::grad::run(args, &console),
        Command::Methods(args) => commands::methods::run(args, &console),
        Command::Explain(args) => commands::explain::run(args, &console),
        Command::Compare(args) => commands::compare::run(args, &console),
        Command::Landscape(args) => commands::landscape::run(args, &console),
        Command::Minima(args) => commands::minima::run(args, &console),
        Command::Lecun(args) => commands::lecun::run(args, &console),
        Command::Curvature(args) => commands::curvature::run(args, &console),
        Command::Bench(args) => commands::bench::run(args, &console),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => output::report_error(&err),
    }
}
