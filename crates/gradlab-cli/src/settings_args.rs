//! The flags every training command shares (`train`, `compare`, `minima`,
//! `lecun`): which data to learn from ([`DataArgs`]) and how to train
//! ([`SettingsArgs`]), resolved into the engine's [`FitSettings`].
//!
//! # Where a setting comes from
//!
//! 1. the engine's defaults ([`FitSettings::default()`]);
//! 2. a TOML file given with `--config FILE` (the serde names of
//!    [`FitSettings`], e.g. `hidden = [32, 16]` and `[train]`
//!    `learning_rate = 0.01`), on top of the defaults;
//! 3. the flags, on top of both: every flag is optional, and a flag that is
//!    given wins over the file.
//!
//! The engine reads the file ([`FitSettings::from_toml`]): its short forms
//! (`optimizer = "adam"`) are the flags' values, and an unknown key is an
//! error naming its path.

use crate::choices;
use crate::parse::{self, HiddenLayers};
use clap::Args;
use gradlab::data::csv::{CsvOptions, Table};
use gradlab::data::dataset::{Dataset, DatasetSpec};
use gradlab::data::scale::Scaling;
use gradlab::data::task::TaskChoice;
use gradlab::data::task_inference::infer_task;
use gradlab::model::ModelInfo;
use gradlab::nn::activation::Activation;
use gradlab::nn::init::Init;
use gradlab::settings::FitSettings;
use gradlab::train::early_stopping::EarlyStopping;
use gradlab::train::optimizer::Optimizer;
use gradlab::train::schedule::Schedule;
use gradlab::train::trainer::{BatchSize, GradientMethod};
use gradlab::Precision;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

/// How to read the CSV file: the flags of every command that reads data
/// (`train`, `compare`, `minima`, `lecun` through [`DataArgs`]; `explain`,
/// `gradcheck`, `brute-force` through [`crate::start_args::StartArgs`]; and
/// `eval`, `predict`, `grad`, `methods`, `landscape`).
#[derive(Debug, Clone, Args)]
pub struct CsvArgs {
    /// The character between cells: one ASCII character such as ';' or '|',
    /// or tab (also written \t).
    #[arg(long, value_name = "CHAR", value_parser = parse_delimiter, default_value = ",")]
    pub delimiter: u8,
    /// Numbers have a decimal comma (38,5), as European spreadsheets write
    /// them; with --delimiter ';'. A '.' in a number is then refused, since
    /// such files use it between thousands.
    #[arg(long)]
    pub decimal_comma: bool,
}

impl CsvArgs {
    /// The engine's reading options.
    pub fn options(&self) -> CsvOptions {
        CsvOptions {
            delimiter: self.delimiter,
            decimal_comma: self.decimal_comma,
        }
    }

    /// Reads the CSV file at `path` (`-`: stdin); errors get [`Self::hint`].
    pub fn read(&self, path: &Path) -> anyhow::Result<Table> {
        Table::read_path(path, &self.options()).map_err(|err| self.explained(err))
    }

    /// `err` with the hint of [`Self::hint`], if any, as one message.
    pub fn explained(&self, err: gradlab::Error) -> anyhow::Error {
        match self.hint(&err) {
            Some(hint) => anyhow::anyhow!("{err} ({hint})"),
            None => err.into(),
        }
    }

    /// `err`, from matching a file to a saved model, with a hint: the
    /// reading flags (as [`Self::hint`]), the model's input columns, or why
    /// `eval` needs the target column.
    pub fn explained_for_model(&self, err: gradlab::Error, info: &ModelInfo) -> anyhow::Error {
        let hint = match &err {
            _ if self.hint(&err).is_some() => self.hint(&err),
            gradlab::Error::UnknownColumn { column, .. } if *column == info.target_column => Some(
                "eval measures the model against its target column; predict needs no target"
                    .to_owned(),
            ),
            gradlab::Error::UnknownColumn { .. } => Some(format!(
                "the model's inputs: {}",
                info.input_columns.join(", ")
            )),
            _ => None,
        };
        match hint {
            Some(hint) => anyhow::anyhow!("{err} ({hint})"),
            None => err.into(),
        }
    }

    /// A hint naming the flags that would read the file right: a header of
    /// one cell holding `;` or a tab, a number with a decimal comma.
    pub fn hint(&self, err: &gradlab::Error) -> Option<String> {
        use gradlab::error::CellProblem;
        use gradlab::Error;
        match err {
            Error::UnknownColumn {
                likely_delimiter: Some(delimiter),
                ..
            }
            | Error::RaggedRow {
                likely_delimiter: Some(delimiter),
                ..
            } => Some(match delimiter {
                b'\t' => "the file looks tab-separated: try --delimiter tab".to_owned(),
                _ => "the file looks semicolon-separated: try --delimiter ';' --decimal-comma"
                    .to_owned(),
            }),
            Error::NotANumber {
                problem: CellProblem::DecimalComma,
                ..
            } if self.delimiter != b',' => Some("try --decimal-comma".to_owned()),
            _ => None,
        }
    }
}

/// `--delimiter`: one ASCII character, or `tab` / `\t` for a tab.
fn parse_delimiter(text: &str) -> Result<u8, String> {
    let byte = match text {
        "tab" | "\\t" | "\t" => b'\t',
        _ => match text.as_bytes() {
            [byte] if byte.is_ascii() => *byte,
            _ => {
                return Err(format!(
                    "'{text}' is not one ASCII character (e.g. ';', '|', or tab)"
                ))
            }
        },
    };
    CsvOptions {
        delimiter: byte,
        decimal_comma: false,
    }
    .validate()
    .map_err(|err| err.to_string())?;
    Ok(byte)
}

/// The help of `--task` in [`DataArgs`]: the choices with their notes.
static TASK_HELP: LazyLock<String> = LazyLock::new(choices::tasks);

/// The data flags: the CSV file and how to read it, the target column, the
/// inputs, the task.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Data")]
pub struct DataArgs {
    /// CSV file with a header row, or - for stdin.
    #[arg(long, value_name = "FILE")]
    pub data: PathBuf,
    /// The column to predict.
    #[arg(long, value_name = "COL")]
    pub target: String,
    /// Input columns, comma-separated [default: every column but the target].
    #[arg(long, value_name = "A,B", value_delimiter = ',')]
    pub inputs: Option<Vec<String>>,
    #[arg(long, value_name = "TASK", default_value = "auto", value_parser = parse::task, help = TASK_HELP.as_str())]
    pub task: TaskChoice,
    #[command(flatten)]
    pub csv: CsvArgs,
}

impl DataArgs {
    /// The columns to use, as the engine takes them.
    pub fn spec(&self) -> DatasetSpec {
        DatasetSpec {
            target: self.target.trim().to_owned(),
            inputs: self
                .inputs
                .as_ref()
                .map(|names| names.iter().map(|n| n.trim().to_owned()).collect()),
            task: self.task,
        }
    }

    /// Reads the file and picks the columns; a guessed task worth a word
    /// ([`gradlab::data::task_inference::TaskInference::note`]) goes to
    /// `note`.
    pub fn load(&self, note: impl FnOnce(String)) -> anyhow::Result<(Table, Dataset)> {
        let table = self.csv.read(&self.data)?;
        let spec = self.spec();
        let dataset = Dataset::from_table(&table, &spec).map_err(|err| self.explained(err))?;
        if let Some(text) = inferred_task_note(&table, &spec) {
            note(text);
        }
        Ok((table, dataset))
    }

    /// A dataset error with a hint naming the flag that helps: the reading
    /// flags, `--task`, or `--inputs` (text in a column that is an input
    /// only because the inputs default to every other column).
    fn explained(&self, err: gradlab::Error) -> anyhow::Error {
        use gradlab::error::CellProblem;
        let target = self.target.trim();
        match self.csv.hint(&err).or_else(|| self.task_hint(&err)) {
            Some(hint) => anyhow::anyhow!("{err} ({hint})"),
            None => {
                let text_input = matches!(
                    &err,
                    gradlab::Error::NotANumber { column, problem: CellProblem::Text, .. }
                        if column != target
                );
                with_inputs_hint(err, text_input && self.inputs.is_none())
            }
        }
    }

    /// `--task` hints: the task a target column looks made for, or
    /// classification for text in a target taken as numbers.
    fn task_hint(&self, err: &gradlab::Error) -> Option<String> {
        use gradlab::error::CellProblem;
        match err {
            gradlab::Error::BadTarget {
                suggested_task: Some(task),
                ..
            } => Some(format!("use --task {}", parse::serde_name(task))),
            gradlab::Error::NotANumber {
                column,
                problem: CellProblem::Text,
                ..
            } if column == self.target.trim() && self.task == TaskChoice::Auto => Some(format!(
                "if '{column}' holds classes, use --task classification"
            )),
            _ => None,
        }
    }
}

/// A non-numeric cell in an input column the user did not choose gets a
/// hint: the inputs default to every column but the target.
pub fn with_inputs_hint(err: gradlab::Error, inputs_defaulted: bool) -> anyhow::Error {
    if inputs_defaulted && matches!(err, gradlab::Error::NotANumber { .. }) {
        anyhow::anyhow!(
            "{err} (the inputs are every column but the target; choose them with --inputs)"
        )
    } else {
        err.into()
    }
}

/// A note on a task that `auto` guessed and that may be wrong: a regression
/// on a target of a few distinct whole numbers (likely classes).
pub fn inferred_task_note(table: &Table, spec: &DatasetSpec) -> Option<String> {
    let inference = infer_task(table, &spec.target, spec.task).ok()?;
    let note = inference.note(&spec.target)?;
    Some(format!(
        "note: {note}; if it holds classes, use --task classification"
    ))
}

/// The help line of every settings flag, with the engine's default in it.
struct Helps {
    hidden: String,
    activation: String,
    init: String,
    lr: String,
    batch_size: String,
    epochs: String,
    test_fraction: String,
    validation_fraction: String,
    scale: String,
    precision: String,
    seed: String,
    gradient: String,
    optimizer: String,
    schedule: String,
    patience: String,
    min_delta: String,
}

static HELPS: LazyLock<Helps> = LazyLock::new(|| {
    let fit = FitSettings::default();
    let stopping = EarlyStopping::default();
    let with_default = |text: &str, default: &dyn std::fmt::Display| {
        format!("{} [default: {default}]", text.trim_end_matches('.'))
    };
    Helps {
        hidden: with_default(
            "Hidden layer widths, input side first: 16, 32,16, or none.",
            &HiddenLayers(fit.hidden.clone()),
        ),
        activation: with_default(
            &format!("Activation of the hidden layers: {}", choices::activations()),
            &fit.activation.name(),
        ),
        init: with_default(
            &format!("Initial weights: {}", choices::inits()),
            &fit.init,
        ),
        lr: with_default(
            "Learning rate η (the base rate of --schedule).",
            &fit.train.learning_rate,
        ),
        batch_size: with_default(
            "Samples per gradient step: 1 (SGD), N (mini-batch) or full (batch GD).",
            &fit.train.batch_size,
        ),
        epochs: with_default("Passes over the training rows.", &fit.train.epochs),
        test_fraction: with_default(
            "Share of the rows held out for testing, between 0 and 1.",
            &fit.test_fraction,
        ),
        validation_fraction: with_default(
            "With --early-stopping: share of the training rows carved off as the validation part it watches.",
            &fit.validation_fraction,
        ),
        scale: with_default(
            &format!(
                "Scaling of the inputs (and of a regression target): {}",
                choices::scalings()
            ),
            &fit.scaling.name(),
        ),
        precision: with_default(
            &format!("Element type of the network: {}", choices::precisions()),
            &fit.precision.name(),
        ),
        seed: with_default(
            "Seed of the split, the initial weights and the shuffling.",
            &fit.train.seed,
        ),
        gradient: with_default(
            &format!(
                "How each step's gradient is computed: {}",
                choices::gradient_methods()
            ),
            &fit.train.gradient.name(),
        ),
        optimizer: with_default(
            &format!(
                "The update rule: {} (PyTorch's rules and defaults)",
                choices::optimizers()
            ),
            &fit.train.optimizer.name(),
        ),
        schedule: with_default(
            &format!("Learning rate per epoch: {}", choices::schedules()),
            &fit.train.schedule,
        ),
        patience: with_default(
            "Early stopping: epochs without improvement before stopping.",
            &stopping.patience,
        ),
        min_delta: with_default(
            "Early stopping: the smallest decrease of the validation cost that counts as an improvement.",
            &stopping.min_delta,
        ),
    }
});

/// The training flags. Every one is optional: unset, the value comes from
/// `--config` or else from the engine's defaults (see the module doc).
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Training settings")]
pub struct SettingsArgs {
    /// Read the settings from this TOML file (FitSettings' field names, e.g.
    /// `hidden = [32, 16]`, `[train]` `learning_rate = 0.01`, `[train.optimizer]`
    /// `name = "adam"`); flags given on the command line override it.
    #[arg(long, value_name = "FILE.toml")]
    pub config: Option<PathBuf>,
    #[arg(long, value_name = "WIDTHS", value_parser = parse::hidden, help = HELPS.hidden.as_str())]
    pub hidden: Option<HiddenLayers>,
    #[arg(long, value_name = "NAME", value_parser = parse::activation, help = HELPS.activation.as_str())]
    pub activation: Option<Activation>,
    #[arg(long, value_name = "SCHEME", value_parser = parse::init, help = HELPS.init.as_str())]
    pub init: Option<Init>,
    #[arg(long, value_name = "RATE", allow_negative_numbers = true, help = HELPS.lr.as_str())]
    pub lr: Option<f64>,
    #[arg(long, value_name = "N", value_parser = parse::batch_size, help = HELPS.batch_size.as_str())]
    pub batch_size: Option<BatchSize>,
    #[arg(long, value_name = "N", help = HELPS.epochs.as_str())]
    pub epochs: Option<usize>,
    #[arg(long, value_name = "F", allow_negative_numbers = true, help = HELPS.test_fraction.as_str())]
    pub test_fraction: Option<f64>,
    #[arg(long, value_name = "F", allow_negative_numbers = true, help = HELPS.validation_fraction.as_str())]
    pub validation_fraction: Option<f64>,
    #[arg(long, value_name = "HOW", value_parser = parse::scaling, help = HELPS.scale.as_str())]
    pub scale: Option<Scaling>,
    /// Scaling of a regression target, if not like the inputs (e.g.
    /// minmax-symmetric, [-1, 1], for lecun-tanh).
    #[arg(long, value_name = "HOW", value_parser = parse::scaling)]
    pub target_scale: Option<Scaling>,
    #[arg(long, value_name = "TYPE", value_parser = parse::precision, help = HELPS.precision.as_str())]
    pub precision: Option<Precision>,
    #[arg(long, value_name = "N", help = HELPS.seed.as_str())]
    pub seed: Option<u64>,
    /// Keep the file's row order in every epoch (no reshuffling).
    #[arg(long)]
    pub no_shuffle: bool,
    #[arg(long, value_name = "METHOD", value_parser = parse::gradient, help = HELPS.gradient.as_str())]
    pub gradient: Option<GradientMethod>,
    /// Step ε of the numerical gradient [default: 1e-6 in f64, 5e-3 in f32].
    #[arg(long, value_name = "E")]
    pub epsilon: Option<f64>,
    #[arg(long, value_name = "NAME", value_parser = parse::optimizer, help = HELPS.optimizer.as_str())]
    pub optimizer: Option<Optimizer>,
    /// μ of momentum and nesterov [default: 0.9].
    #[arg(long, value_name = "MU")]
    pub momentum: Option<f64>,
    /// β₁ of adam and adamw [default: 0.9].
    #[arg(long, value_name = "B1")]
    pub beta1: Option<f64>,
    /// β₂ of adam and adamw [default: 0.999].
    #[arg(long, value_name = "B2")]
    pub beta2: Option<f64>,
    /// α of rmsprop, the decay of its mean of g² [default: 0.99].
    #[arg(long, value_name = "ALPHA")]
    pub rmsprop_alpha: Option<f64>,
    /// ε of rmsprop, adagrad, adam and adamw, added to the root of the second
    /// moment [default: 1e-8, 1e-10 for adagrad] (not the numerical
    /// gradient's --epsilon).
    #[arg(long, value_name = "E")]
    pub optimizer_epsilon: Option<f64>,
    /// Weight decay λ: decoupled for adamw, L2 on the gradient for the others
    /// [default: 0.01 for adamw, else 0].
    #[arg(long, value_name = "LAMBDA")]
    pub weight_decay: Option<f64>,
    #[arg(long, value_name = "NAME[:…]", value_parser = parse::schedule, help = HELPS.schedule.as_str())]
    pub schedule: Option<Schedule>,
    /// Clip each step's gradient to this global L2 norm.
    #[arg(long, value_name = "NORM")]
    pub clip_norm: Option<f64>,
    /// Stop when the cost on a validation part carved from the training rows
    /// has not improved for --patience epochs, and keep the best epoch's weights.
    #[arg(long)]
    pub early_stopping: bool,
    #[arg(long, value_name = "N", help = HELPS.patience.as_str())]
    pub patience: Option<usize>,
    #[arg(long, value_name = "D", help = HELPS.min_delta.as_str())]
    pub min_delta: Option<f64>,
    /// Early stopping: keep the last epoch's weights instead of the best epoch's.
    #[arg(long)]
    pub no_restore_best: bool,
}

impl SettingsArgs {
    /// The settings: the defaults, then `--config`, then the flags; checked
    /// with the engine's `validate()`.
    pub fn resolve(&self) -> anyhow::Result<FitSettings> {
        let mut settings = match &self.config {
            Some(path) => read_config(path)?,
            None => FitSettings::default(),
        };
        self.apply(&mut settings)?;
        settings.validate()?;
        Ok(settings)
    }

    /// True when the learning rate was chosen, by `--lr` or in the
    /// `--config` file (commands pick their own rates otherwise).
    pub fn gives_learning_rate(&self) -> anyhow::Result<bool> {
        if self.lr.is_some() {
            return Ok(true);
        }
        let Some(path) = &self.config else {
            return Ok(false);
        };
        let text = std::fs::read_to_string(path).map_err(|err| {
            anyhow::anyhow!("cannot read the config file {}: {err}", path.display())
        })?;
        let table: toml::Table = text.parse().unwrap_or_default();
        Ok(
            matches!(table.get("train"), Some(toml::Value::Table(train)) if train.contains_key("learning_rate")),
        )
    }

    /// Puts every flag that was given over `settings`.
    fn apply(&self, settings: &mut FitSettings) -> anyhow::Result<()> {
        fn set<T: Clone>(target: &mut T, flag: &Option<T>) {
            if let Some(value) = flag {
                *target = value.clone();
            }
        }
        if let Some(hidden) = &self.hidden {
            settings.hidden = hidden.0.clone();
        }
        set(&mut settings.activation, &self.activation);
        set(&mut settings.init, &self.init);
        set(&mut settings.scaling, &self.scale);
        if self.target_scale.is_some() {
            settings.target_scaling = self.target_scale;
        }
        set(&mut settings.test_fraction, &self.test_fraction);
        set(&mut settings.validation_fraction, &self.validation_fraction);
        set(&mut settings.precision, &self.precision);
        let train = &mut settings.train;
        set(&mut train.learning_rate, &self.lr);
        set(&mut train.batch_size, &self.batch_size);
        set(&mut train.epochs, &self.epochs);
        set(&mut train.seed, &self.seed);
        set(&mut train.gradient, &self.gradient);
        if self.epsilon.is_some() {
            train.epsilon = self.epsilon;
        }
        if self.no_shuffle {
            train.shuffle = false;
        }
        set(&mut train.optimizer, &self.optimizer);
        self.apply_optimizer_parameters(&mut train.optimizer)?;
        if self.weight_decay.is_some() {
            train.weight_decay = self.weight_decay;
        }
        set(&mut train.schedule, &self.schedule);
        if self.clip_norm.is_some() {
            train.clip_norm = self.clip_norm;
        }
        if self.early_stopping && train.early_stopping.is_none() {
            train.early_stopping = Some(EarlyStopping::default());
        }
        let stopping_flags = [
            ("--patience", self.patience.is_some()),
            ("--min-delta", self.min_delta.is_some()),
            ("--no-restore-best", self.no_restore_best),
        ];
        match &mut train.early_stopping {
            Some(stopping) => {
                set(&mut stopping.patience, &self.patience);
                set(&mut stopping.min_delta, &self.min_delta);
                if self.no_restore_best {
                    stopping.restore_best = false;
                }
            }
            None => {
                if let Some((flag, _)) = stopping_flags.iter().find(|(_, given)| *given) {
                    anyhow::bail!(
                        "{flag} is a setting of early stopping, which is off: add --early-stopping (or [train.early_stopping] in the --config file)"
                    );
                }
            }
        }
        Ok(())
    }

    /// Sets `--momentum`, `--beta1`, … on `optimizer`; a parameter the
    /// optimizer does not have is an error naming both.
    fn apply_optimizer_parameters(&self, optimizer: &mut Optimizer) -> anyhow::Result<()> {
        let name = optimizer.name();
        let not_for = |flag: &str, which: &str| {
            anyhow::anyhow!(
                "{flag} is a parameter of {which}, not of the optimizer {name} (choose one with --optimizer)"
            )
        };
        if let Some(mu) = self.momentum {
            match optimizer {
                Optimizer::Momentum { momentum } | Optimizer::Nesterov { momentum } => {
                    *momentum = mu
                }
                _ => return Err(not_for("--momentum", "momentum and nesterov")),
            }
        }
        if let Some(value) = self.rmsprop_alpha {
            match optimizer {
                Optimizer::Rmsprop { alpha, .. } => *alpha = value,
                _ => return Err(not_for("--rmsprop-alpha", "rmsprop")),
            }
        }
        for (flag, value, first) in [
            ("--beta1", self.beta1, true),
            ("--beta2", self.beta2, false),
        ] {
            let Some(value) = value else { continue };
            match optimizer {
                Optimizer::Adam { beta1, beta2, .. } | Optimizer::Adamw { beta1, beta2, .. } => {
                    *(if first { beta1 } else { beta2 }) = value
                }
                _ => return Err(not_for(flag, "adam and adamw")),
            }
        }
        if let Some(value) = self.optimizer_epsilon {
            match optimizer {
                Optimizer::Rmsprop { epsilon, .. }
                | Optimizer::Adagrad { epsilon }
                | Optimizer::Adam { epsilon, .. }
                | Optimizer::Adamw { epsilon, .. } => *epsilon = value,
                _ => {
                    return Err(not_for(
                        "--optimizer-epsilon",
                        "rmsprop, adagrad, adam and adamw",
                    ))
                }
            }
        }
        Ok(())
    }
}

/// An optimizer and its parameters, for people: `adam (β₁ 0.9, β₂ 0.999, ε 1e-8)`.
pub fn describe_optimizer(optimizer: &Optimizer) -> String {
    match *optimizer {
        Optimizer::Sgd => "sgd".to_owned(),
        Optimizer::Momentum { momentum } => format!("momentum (μ {momentum})"),
        Optimizer::Nesterov { momentum } => format!("nesterov (μ {momentum})"),
        Optimizer::Rmsprop { alpha, epsilon } => format!("rmsprop (α {alpha}, ε {epsilon:e})"),
        Optimizer::Adagrad { epsilon } => format!("adagrad (ε {epsilon:e})"),
        Optimizer::Adam {
            beta1,
            beta2,
            epsilon,
        } => format!("adam (β₁ {beta1}, β₂ {beta2}, ε {epsilon:e})"),
        Optimizer::Adamw {
            beta1,
            beta2,
            epsilon,
        } => format!("adamw (β₁ {beta1}, β₂ {beta2}, ε {epsilon:e})"),
    }
}

/// Early stopping's settings, for people.
pub fn describe_early_stopping(settings: &FitSettings) -> String {
    match &settings.train.early_stopping {
        None => "off".to_owned(),
        Some(stopping) => format!(
            "patience {}, min delta {}, {}; validation fraction {}",
            stopping.patience,
            stopping.min_delta,
            if stopping.restore_best {
                "restore the best weights"
            } else {
                "keep the last weights"
            },
            settings.validation_fraction
        ),
    }
}

/// The optimizer and the training controls that are not at their plain
/// defaults, in one line: `optimizer adam (…); schedule step:10:0.5; …`.
pub fn describe_training(settings: &FitSettings) -> String {
    let train = &settings.train;
    let mut parts = vec![format!(
        "optimizer {}",
        describe_optimizer(&train.optimizer)
    )];
    let decay = train
        .weight_decay
        .unwrap_or_else(|| train.optimizer.default_weight_decay());
    if decay != 0.0 {
        parts.push(format!("weight decay {decay}"));
    }
    if train.schedule != Schedule::Constant {
        parts.push(format!("schedule {}", train.schedule));
    }
    if let Some(norm) = train.clip_norm {
        parts.push(format!("gradients clipped to norm {norm}"));
    }
    if train.early_stopping.is_some() {
        parts.push(format!(
            "early stopping ({})",
            describe_early_stopping(settings)
        ));
    }
    if !train.shuffle {
        parts.push("no shuffling".to_owned());
    }
    parts.join("; ")
}

/// Reads a `--config` file: its settings over the defaults
/// ([`FitSettings::from_toml`]); errors start with the file's name.
pub fn read_config(path: &Path) -> anyhow::Result<FitSettings> {
    let text = std::fs::read_to_string(path)
        .map_err(|err| anyhow::anyhow!("cannot read the config file {}: {err}", path.display()))?;
    FitSettings::from_toml(&text).map_err(|err| anyhow::anyhow!("{}: {err}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_override_the_file_and_check_the_optimizer() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.toml");
        std::fs::write(&path, "[train]\nepochs = 7\nlearning_rate = 0.2\n").unwrap();
        let args = SettingsArgs {
            config: Some(path),
            lr: Some(0.3),
            optimizer: Some(Optimizer::parse("momentum").unwrap()),
            momentum: Some(0.5),
            ..Default::default()
        };
        let settings = args.resolve().unwrap();
        assert_eq!(settings.train.epochs, 7);
        assert_eq!(settings.train.learning_rate, 0.3);
        assert_eq!(
            settings.train.optimizer,
            Optimizer::Momentum { momentum: 0.5 }
        );
        let wrong = SettingsArgs {
            beta1: Some(0.8),
            ..Default::default()
        };
        let err = wrong.resolve().unwrap_err().to_string();
        assert!(err.contains("--beta1") && err.contains("sgd"), "{err}");
        let orphan = SettingsArgs {
            patience: Some(3),
            ..Default::default()
        };
        assert!(orphan
            .resolve()
            .unwrap_err()
            .to_string()
            .contains("--early-stopping"));
    }
}
