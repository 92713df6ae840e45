//! The flags that say where a network starts, shared by `explain`,
//! `gradcheck` and `brute-force`: the data, how to read it (`--delimiter`,
//! `--decimal-comma`) and its columns, and either a
//! model file (`--model`) or the settings of the seeded start `train` would
//! use (`--hidden`, `--activation`, `--init`, `--scale`, `--test-fraction`,
//! `--seed`). `crate::start` turns them into a network and rows.

use crate::choices;
use crate::parse::{self, HiddenLayers};
use crate::settings_args::CsvArgs;
use clap::Args;
use gradlab::data::csv::Table;
use gradlab::data::dataset::{Dataset, DatasetSpec};
use gradlab::data::scale::Scaling;
use gradlab::data::task::TaskChoice;
use gradlab::nn::activation::Activation;
use gradlab::nn::init::Init;
use gradlab::settings::FitSettings;
use gradlab::train::trainer::TrainSettings;
use gradlab::Precision;
use std::path::PathBuf;
use std::sync::LazyLock;

/// The defaults shown by `--help`, from the engine's `Default`s.
pub struct DefaultTexts {
    pub hidden: String,
    pub activation: String,
    pub init: String,
    pub scale: String,
    pub test_fraction: String,
    pub seed: String,
}

/// The engine's defaults of the start flags, as `--help` shows them.
pub static DEFAULTS: LazyLock<DefaultTexts> = LazyLock::new(|| {
    let fit = FitSettings::default();
    DefaultTexts {
        hidden: HiddenLayers(fit.hidden).to_string(),
        activation: fit.activation.name().to_owned(),
        init: fit.init.to_string(),
        scale: parse::serde_name(&fit.scaling),
        test_fraction: fit.test_fraction.to_string(),
        seed: fit.train.seed.to_string(),
    }
});

/// The help lines of the start flags that list choices, from the engine's
/// lists.
pub struct ChoiceHelps {
    task: String,
    init: String,
}

/// The help lines of `--task` and `--init`.
static HELPS: LazyLock<ChoiceHelps> = LazyLock::new(|| ChoiceHelps {
    task: choices::task_names(),
    init: format!("Initial weights: {}", choices::inits()),
});

/// Where a network starts: a model file, or the seeded start of `train`.
#[derive(Debug, Args)]
pub struct StartArgs {
    /// CSV file with a header row, or - for stdin.
    #[arg(long, value_name = "FILE")]
    pub data: PathBuf,
    /// Start from this model's weights and scalers, on the rows of --data (else: the seeded start of `train`).
    #[arg(long, value_name = "FILE")]
    pub model: Option<PathBuf>,
    /// The column to predict (not with --model: the model knows it).
    #[arg(
        long,
        value_name = "COL",
        required_unless_present = "model",
        conflicts_with = "model"
    )]
    pub target: Option<String>,
    /// Input columns, comma-separated [default: every column but the target].
    #[arg(
        long,
        value_name = "A,B",
        value_delimiter = ',',
        conflicts_with = "model"
    )]
    pub inputs: Option<Vec<String>>,
    #[arg(long, value_name = "TASK", default_value = "auto", value_parser = parse::task, conflicts_with = "model", help = HELPS.task.as_str())]
    pub task: TaskChoice,
    #[command(flatten)]
    pub csv: CsvArgs,
    /// Hidden layer widths, input side first: 16, 32,16, or none (a single layer of neurons).
    #[arg(long, value_name = "WIDTHS", default_value = DEFAULTS.hidden.as_str(), value_parser = parse::hidden, conflicts_with = "model")]
    pub hidden: HiddenLayers,
    /// Activation of the hidden layers.
    #[arg(long, value_name = "NAME", default_value = DEFAULTS.activation.as_str(), value_parser = parse::activation, conflicts_with = "model")]
    pub activation: Activation,
    #[arg(long, value_name = "SCHEME", default_value = DEFAULTS.init.as_str(), value_parser = parse::init, conflicts_with = "model", help = HELPS.init.as_str())]
    pub init: Init,
    /// Scaling of the inputs (and of a regression target), fitted on the training rows.
    #[arg(long, value_name = "HOW", default_value = DEFAULTS.scale.as_str(), value_parser = parse::scaling, conflicts_with = "model")]
    pub scale: Scaling,
    /// Share of the rows held out (the scalers are fitted on the others).
    #[arg(long, value_name = "F", allow_negative_numbers = true, default_value = DEFAULTS.test_fraction.as_str(), conflicts_with = "model")]
    pub test_fraction: f64,
    /// Seed of the split and the initial weights.
    #[arg(long, value_name = "N", default_value = DEFAULTS.seed.as_str(), conflicts_with = "model")]
    pub seed: u64,
}

impl StartArgs {
    /// Reads the --data file with the reading flags.
    pub fn read(&self) -> anyhow::Result<Table> {
        self.csv.read(&self.data)
    }

    /// The columns to use, as the engine takes them (without --model).
    pub fn spec(&self) -> DatasetSpec {
        dataset_spec(
            self.target.as_deref().unwrap_or_default(),
            &self.inputs,
            self.task,
        )
    }

    /// Picks the columns of `table` (without --model).
    pub fn dataset(&self, table: &Table) -> anyhow::Result<Dataset> {
        dataset(table, &self.spec(), self.inputs.is_none(), &self.csv)
    }

    /// The settings of the seeded start, in `precision`.
    pub fn fit_settings(&self, precision: Precision) -> FitSettings {
        FitSettings {
            hidden: self.hidden.0.clone(),
            activation: self.activation,
            init: self.init,
            scaling: self.scale,
            test_fraction: self.test_fraction,
            precision,
            train: TrainSettings {
                seed: self.seed,
                ..TrainSettings::default()
            },
            ..FitSettings::default()
        }
    }
}

/// The columns to use, trimmed, as the engine takes them.
pub fn dataset_spec(target: &str, inputs: &Option<Vec<String>>, task: TaskChoice) -> DatasetSpec {
    DatasetSpec {
        target: target.trim().to_owned(),
        inputs: inputs
            .as_ref()
            .map(|names| names.iter().map(|n| n.trim().to_owned()).collect()),
        task,
    }
}

/// Picks the columns of `table`. An error gets the hint of the reading
/// flags `csv` (e.g. a decimal comma), else the hint about --inputs when
/// the inputs were not given.
pub fn dataset(
    table: &Table,
    spec: &DatasetSpec,
    inputs_defaulted: bool,
    csv: &CsvArgs,
) -> anyhow::Result<Dataset> {
    Dataset::from_table(table, spec).map_err(|err| match csv.hint(&err) {
        Some(_) => csv.explained(err),
        None => crate::settings_args::with_inputs_hint(err, inputs_defaulted),
    })
}
