//! `gradlab explain`: the course's hand calculation for a few rows — forward
//! step I, II, III, backprop output → hidden and hidden → input, the batch
//! gradient and one update — written out with the numbers the engine really
//! uses (`gradlab::methods::explain` reads them from its own forward and
//! backward pass; `gradlab::explain` writes them out as a document and
//! renders it; this command only parses, calls the engine and prints).
//!
//! Rows are 1-based data rows of the file (the header is row 0; blank lines
//! are not counted), as in every error message. Without `--model` the
//! network is the seeded start `train` would use with the same flags: the
//! split, the scalers fitted on its training rows, the initial weights. With
//! `--model`, the model's scalers and weights.
//!
//! Formats: `text` (aligned matrices with Unicode brackets), `markdown`
//! (tables, and matrices in code blocks), `latex` (a fragment with `bmatrix`
//! blocks; needs amsmath, and a Unicode engine for the column names) and
//! `json` (the engine's explanation as one object).

use crate::output::Console;
use crate::parse::{self};
use crate::report;
use crate::start_args::StartArgs;
use clap::Args;
use gradlab::data::csv::Table;
use gradlab::data::split::train_test_split;
use gradlab::element::Float;
use gradlab::explain::course::scaling::scaling_name;
use gradlab::explain::course::{document, Provenance};
use gradlab::explain::document::Document;
use gradlab::explain::{latex::render_latex, markdown::render_markdown, text::render_text};
use gradlab::methods::explain::{explain, Explanation, UpdateSettings};
use gradlab::model::AnyModel;
use gradlab::prepare::prepare;
use gradlab::settings::FitSettings;
use gradlab::train::optimizer::Optimizer;
use gradlab::Precision;
use serde::Serialize;
use std::sync::LazyLock;

/// The defaults shown by `--help`, from the engine's `Default`s.
struct DefaultTexts {
    learning_rate: String,
}

static DEFAULTS: LazyLock<DefaultTexts> = LazyLock::new(|| {
    let _fit = FitSettings::default();
    DefaultTexts {
        learning_rate: UpdateSettings::default().learning_rate.to_string(),
    }
});

/// How the explanation is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Aligned matrices with Unicode brackets.
    Text,
    /// Markdown: tables, and the matrices in code blocks.
    Markdown,
    /// LaTeX: `bmatrix` blocks and `tabular`s.
    Latex,
    /// The engine's explanation as one JSON object.
    Json,
}

fn format(text: &str) -> Result<Format, String> {
    match text.trim() {
        "text" => Ok(Format::Text),
        "markdown" | "md" => Ok(Format::Markdown),
        "latex" | "tex" => Ok(Format::Latex),
        "json" => Ok(Format::Json),
        _ => Err("expected one of: text, markdown, latex, json".to_owned()),
    }
}

fn optimizer(text: &str) -> Result<Optimizer, String> {
    Optimizer::parse(text).map_err(|_| format!("expected one of: {}", Optimizer::NAMES.join(", ")))
}

fn row_number(text: &str) -> Result<usize, String> {
    text.trim().parse::<usize>().map_err(|_| {
        "expected data row numbers such as 3 or 3,7,9 (the first data row is 1)".into()
    })
}

/// Arguments of `gradlab explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// Where the network starts.
    #[command(flatten)]
    start: StartArgs,
    /// Element type the numbers are computed in [default: the model's, else f32].
    #[arg(long, value_name = "TYPE", value_parser = parse::precision)]
    precision: Option<Precision>,
    /// Data rows to explain, 1-based (the header is row 0): 3 or 3,7,9.
    #[arg(long, value_name = "N,M", value_delimiter = ',', default_value = "1", value_parser = row_number)]
    rows: Vec<usize>,
    /// Learning rate of the update step.
    #[arg(long, value_name = "RATE", allow_negative_numbers = true, default_value = DEFAULTS.learning_rate.as_str())]
    lr: f64,
    /// Update rule of the step: sgd (plain gradient descent), momentum, nesterov, rmsprop, adam, adamw.
    #[arg(long, value_name = "NAME", default_value = "sgd", value_parser = optimizer)]
    optimizer: Optimizer,
    /// text, markdown, latex or json.
    #[arg(long, value_name = "FORMAT", default_value = "text", value_parser = format)]
    format: Format,
}

impl ExplainArgs {
    fn update(&self) -> UpdateSettings {
        UpdateSettings {
            learning_rate: self.lr,
            optimizer: self.optimizer,
            weight_decay: None,
        }
    }
}

/// What `--format json` prints.
#[derive(Serialize)]
struct ExplainJson<'a> {
    data: &'a str,
    weights: &'a str,
    scalers: &'a str,
    #[serde(flatten)]
    explanation: &'a Explanation,
}

/// Runs `gradlab explain`.
pub fn run(args: ExplainArgs, console: &Console) -> anyhow::Result<()> {
    args.update().validate()?;
    let table = args.start.read()?;
    let model = args
        .start
        .model
        .as_ref()
        .map(|path| super::load_model(path))
        .transpose()?;
    let precision = args
        .precision
        .or(model.as_ref().map(|m| m.info().precision))
        .unwrap_or(FitSettings::default().precision);
    let (explanation, provenance) = match precision {
        Precision::F32 => explain_in::<f32>(&args, &table, model.as_ref())?,
        Precision::F64 => explain_in::<f64>(&args, &table, model.as_ref())?,
    };
    let parameters = explanation.architecture.parameter_count();
    if parameters > 1_000 {
        console.note(format!(
            "note: {parameters} parameters: explain is meant for small networks; the output is long"
        ));
    }
    match args.format {
        Format::Json => report::print_json(&ExplainJson {
            data: &provenance.source,
            weights: &provenance.weights,
            scalers: &provenance.scalers,
            explanation: &explanation,
        }),
        format => {
            let doc = document(&explanation, &provenance);
            report::print_text(&render(&doc, format))
        }
    }
}

/// Checks the row numbers against the file; returns 0-based indices.
fn chosen_rows(rows: &[usize], data_rows: usize, source: &str) -> anyhow::Result<Vec<usize>> {
    let mut seen = Vec::with_capacity(rows.len());
    for &row in rows {
        if row == 0 {
            anyhow::bail!("invalid rows: 0 (data rows are numbered from 1; the header is row 0)");
        }
        if row > data_rows {
            anyhow::bail!(
                "invalid rows: data row {row} is beyond the last data row of {source} ({data_rows})"
            );
        }
        if seen.contains(&(row - 1)) {
            anyhow::bail!("invalid rows: data row {row} is listed twice");
        }
        seen.push(row - 1);
    }
    Ok(seen)
}

fn explain_in<T: Float>(
    args: &ExplainArgs,
    table: &Table,
    model: Option<&AnyModel>,
) -> anyhow::Result<(Explanation, Provenance)> {
    let source = table.source_name().to_owned();
    match model {
        Some(model) => {
            let dataset = model.dataset_from_table(table)?;
            let rows = chosen_rows(&args.rows, dataset.rows(), &source)?;
            let network = match model {
                AnyModel::F32(m) => m.network.convert::<T>(),
                AnyModel::F64(m) => m.network.convert::<T>(),
            };
            let explanation = explain(&network, &dataset, &rows, model.info(), &args.update())?;
            let path = args.start.model.as_ref().map(|p| p.display().to_string());
            let provenance = Provenance {
                data_rows: dataset.rows(),
                weights: format!("the weights of {}", path.unwrap_or_default()),
                scalers: format!(
                    "the model's ({}), fitted on the rows it was trained on",
                    scaling_name(&model.info().input_scaler)
                ),
                membership: vec![None; rows.len()],
                source,
            };
            Ok((explanation, provenance))
        }
        None => {
            let dataset = args.start.dataset(table)?;
            let rows = chosen_rows(&args.rows, dataset.rows(), &source)?;
            let settings = args.start.fit_settings(if T::BYTES == 8 {
                Precision::F64
            } else {
                Precision::F32
            });
            let split = train_test_split(&dataset, settings.test_fraction, settings.train.seed)?;
            let prepared = prepare::<T>(&dataset, &split, &settings)?;
            let explanation = explain(
                &prepared.network,
                &dataset,
                &rows,
                &prepared.info,
                &args.update(),
            )?;
            let membership = rows
                .iter()
                .map(|r| {
                    Some(if split.train.contains(r) {
                        "a training row".to_owned()
                    } else {
                        "a test row, held out".to_owned()
                    })
                })
                .collect();
            let provenance = Provenance {
                data_rows: dataset.rows(),
                weights: format!(
                    "the seeded initial weights ({} init, seed {}): where `gradlab train` starts with the same flags",
                    settings.init, settings.train.seed
                ),
                scalers: format!(
                    "{}, fitted on the {} training rows (split seed {}, test fraction {}), as `train` fits them",
                    scaling_name(&prepared.info.input_scaler),
                    split.train.len(),
                    settings.train.seed,
                    settings.test_fraction
                ),
                membership,
                source,
            };
            Ok((explanation, provenance))
        }
    }
}

/// The document in a text format (`--format json` prints the explanation).
fn render(doc: &Document, format: Format) -> String {
    match format {
        Format::Markdown => render_markdown(doc),
        Format::Latex => render_latex(doc),
        Format::Text | Format::Json => render_text(doc),
    }
}
