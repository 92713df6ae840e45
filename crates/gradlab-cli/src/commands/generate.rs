//! `gradlab generate fever [--rows 5000] [--seed 1] [--out FILE|-]`:
//! example data as CSV, the same bytes for the same seed.

use crate::output::{self, Console};
use clap::{Args, Subcommand};
use gradlab::data::fever;
use std::path::PathBuf;

/// Arguments of `gradlab generate`.
#[derive(Debug, Args)]
pub struct GenerateArgs {
    #[command(subcommand)]
    data: DataKind,
}

/// The data sets gradlab can generate.
#[derive(Debug, Subcommand)]
enum DataKind {
    /// Temperature and medication dose now → temperature and its class in
    /// two hours (columns temp_c, dose_mg, temp_2h_c, status_2h).
    Fever(FeverArgs),
}

/// Arguments of `gradlab generate fever`.
#[derive(Debug, Args)]
struct FeverArgs {
    /// Number of data rows.
    #[arg(long, default_value_t = 5000)]
    rows: usize,
    /// Seed of the generator (data/fever.csv is seed 1, 5000 rows).
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Output file, or - for stdout.
    #[arg(long, default_value = "-")]
    out: PathBuf,
}

/// Runs `gradlab generate`.
pub fn run(args: GenerateArgs, console: &Console) -> anyhow::Result<()> {
    match args.data {
        DataKind::Fever(args) => fever_csv(args, console),
    }
}

fn fever_csv(args: FeverArgs, console: &Console) -> anyhow::Result<()> {
    let rows = fever::generate(args.rows, args.seed);
    output::write_to(&args.out, |out| fever::write_csv(&rows, out))?;
    if !output::is_dash(&args.out) {
        console.note(format!(
            "{} fever rows (seed {}) written to {}",
            args.rows,
            args.seed,
            args.out.display()
        ));
    }
    Ok(())
}
