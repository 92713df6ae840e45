//! `gradlab explain`: the course's hand calculation for a few rows — forward
//! step I, II, III, backprop output → hidden and hidden → input, the batch
//! gradient and one update — written out with the numbers the engine really
//! uses (`gradlab::methods::explain` reads them from its own forward and
//! backward pass; nothing here computes a network).
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
use gradlab::data::scale::Scaler;
use gradlab::data::split::train_test_split;
use gradlab::element::Float;
use gradlab::methods::explain::{
    explain, Explanation, Grid, LayerStep, OutputValue, RowExplanation, TargetValue, UpdateSettings,
};
use gradlab::model::AnyModel;
use gradlab::nn::activation::Activation;
use gradlab::nn::loss::Loss;
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

/// Where the numbers come from, for the header.
struct Context {
    source: String,
    data_rows: usize,
    weights: String,
    scalers: String,
    /// Per chosen row: "training row" / "test row", when known.
    membership: Vec<Option<&'static str>>,
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
    let (explanation, context) = match precision {
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
            data: &context.source,
            weights: &context.weights,
            scalers: &context.scalers,
            explanation: &explanation,
        }),
        format => {
            let doc = document(&explanation, &context);
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
) -> anyhow::Result<(Explanation, Context)> {
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
            let context = Context {
                data_rows: dataset.rows(),
                weights: format!("the weights of {}", path.unwrap_or_default()),
                scalers: format!(
                    "the model's ({}), fitted on the rows it was trained on",
                    scaling_name(&model.info().input_scaler)
                ),
                membership: vec![None; rows.len()],
                source,
            };
            Ok((explanation, context))
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
                        "a training row"
                    } else {
                        "a test row, held out"
                    })
                })
                .collect();
            let context = Context {
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
            Ok((explanation, context))
        }
    }
}

fn scaling_name(scaler: &Scaler) -> &'static str {
    match scaler {
        Scaler::Minmax { low, .. } if *low < 0.0 => "min-max to [-1, 1]",
        Scaler::Minmax { .. } => "min-max",
        Scaler::Standard { .. } => "standard",
        Scaler::Identity { .. } => "none",
    }
}

// ---------------------------------------------------------------------------
// The document: what is said, independent of the format.
// ---------------------------------------------------------------------------

/// A piece of math in two spellings: Unicode for text and markdown, LaTeX.
#[derive(Debug, Clone)]
struct Math {
    plain: String,
    latex: String,
}

fn math(plain: impl Into<String>, latex: impl Into<String>) -> Math {
    Math {
        plain: plain.into(),
        latex: latex.into(),
    }
}

/// A matrix of numbers with its shape shown under it.
#[derive(Debug, Clone)]
struct Mat {
    rows: usize,
    cols: usize,
    values: Vec<f64>,
}

impl Mat {
    fn grid(grid: &Grid) -> Mat {
        Mat {
            rows: grid.rows,
            cols: grid.cols,
            values: grid.values.clone(),
        }
    }

    fn transposed(grid: &Grid) -> Mat {
        let values = (0..grid.cols)
            .flat_map(|c| (0..grid.rows).map(move |r| grid.get(r, c)))
            .collect();
        Mat {
            rows: grid.cols,
            cols: grid.rows,
            values,
        }
    }

    fn column(values: &[f64]) -> Mat {
        Mat {
            rows: values.len(),
            cols: 1,
            values: values.to_vec(),
        }
    }

    fn row(values: &[f64]) -> Mat {
        Mat {
            rows: 1,
            cols: values.len(),
            values: values.to_vec(),
        }
    }

    fn get(&self, r: usize, c: usize) -> f64 {
        self.values[r * self.cols + c]
    }

    fn shape(&self) -> String {
        format!("{}×{}", self.rows, self.cols)
    }
}

#[derive(Debug, Clone)]
enum Term {
    Sym(Math),
    Mat(Mat),
}

#[derive(Debug, Clone)]
struct TableBlock {
    headings: Vec<String>,
    rows: Vec<Vec<String>>,
}

#[derive(Debug, Clone)]
enum Block {
    /// The document's first line.
    Title(String),
    /// One of the course's steps.
    Section(String),
    /// A part of a step (a layer).
    Sub(String),
    /// A line of prose.
    Text(String),
    /// A formula on its own line.
    Formula(Math),
    /// Matrices and symbols side by side.
    Equation(Vec<Term>),
    /// A table of numbers.
    Table(TableBlock),
}

#[derive(Default)]
struct Doc {
    blocks: Vec<Block>,
}

impl Doc {
    fn title(&mut self, text: impl Into<String>) {
        self.blocks.push(Block::Title(text.into()));
    }
    fn section(&mut self, text: impl Into<String>) {
        self.blocks.push(Block::Section(text.into()));
    }
    fn sub(&mut self, text: impl Into<String>) {
        self.blocks.push(Block::Sub(text.into()));
    }
    fn text(&mut self, text: impl Into<String>) {
        self.blocks.push(Block::Text(text.into()));
    }
    fn formula(&mut self, plain: impl Into<String>, latex: impl Into<String>) {
        self.blocks.push(Block::Formula(math(plain, latex)));
    }
    fn equation(&mut self, terms: Vec<Term>) {
        self.blocks.push(Block::Equation(terms));
    }
    fn table(&mut self, headings: Vec<String>, rows: Vec<Vec<String>>) {
        self.blocks
            .push(Block::Table(TableBlock { headings, rows }));
    }
}

/// An operator or symbol term; the LaTeX spelling of the usual operators.
fn op(plain: &str) -> Term {
    let latex = match plain {
        "·" => r"\cdot",
        "⊙" => r"\odot",
        "−" => "-",
        "→" => r"\to",
        "←" => r"\leftarrow",
        other => other,
    };
    Term::Sym(math(plain, latex))
}

fn sym(m: Math) -> Term {
    Term::Sym(m)
}

fn mat(m: Mat) -> Term {
    Term::Mat(m)
}

/// Unicode subscript digits: 12 → "₁₂".
fn sub(n: usize) -> String {
    n.to_string()
        .chars()
        .map(|d| char::from_u32(0x2080 + d.to_digit(10).unwrap_or(0)).unwrap_or(d))
        .collect()
}

/// `W₁` / `W_{1}`.
fn named(base: &str, latex_base: &str, l: usize) -> Math {
    math(format!("{base}{}", sub(l)), format!("{latex_base}_{{{l}}}"))
}

/// `W₁ᵀ` / `W_{1}^{\top}`.
fn named_t(base: &str, latex_base: &str, l: usize) -> Math {
    math(
        format!("{base}{}ᵀ", sub(l)),
        format!(r"{latex_base}_{{{l}}}^{{\top}}"),
    )
}

/// `∂C/∂W₁` / `\frac{\partial C}{\partial W_{1}}`.
fn partial(base: &str, l: usize) -> Math {
    math(
        format!("∂C/∂{base}{}", sub(l)),
        format!(r"\frac{{\partial C}}{{\partial {base}_{{{l}}}}}"),
    )
}

/// The input of course layer `l` (1-based): x for the first, else a_{l−1}.
fn input_name(l: usize) -> Math {
    if l == 1 {
        math("x", "x")
    } else {
        named("a", "a", l - 1)
    }
}

fn input_name_t(l: usize) -> Math {
    if l == 1 {
        math("xᵀ", r"x^{\top}")
    } else {
        named_t("a", "a", l - 1)
    }
}

/// A number with 6 significant digits, trailing zeros dropped; an exponent
/// only for very small or large magnitudes.
fn num(v: f64) -> String {
    if v == 0.0 {
        return "0".to_owned();
    }
    if !v.is_finite() {
        return format!("{v}");
    }
    let magnitude = v.abs().log10().floor() as i32;
    if !(-4..7).contains(&magnitude) {
        let text = format!("{v:.5e}");
        let (mantissa, exponent) = text.split_once('e').unwrap_or((&text, "0"));
        let mantissa = mantissa.trim_end_matches('0').trim_end_matches('.');
        return format!("{mantissa}e{exponent}");
    }
    let decimals = (5 - magnitude).max(0) as usize;
    let text = format!("{v:.decimals$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        text
    }
}

/// A number as a factor: negative ones in parentheses.
fn factor(v: f64) -> String {
    if v < 0.0 {
        format!("({})", num(v))
    } else {
        num(v)
    }
}

/// A number in LaTeX math: `1.2e-5` → `1.2 \times 10^{-5}`.
fn latex_num(text: &str) -> String {
    match text.split_once('e') {
        Some((mantissa, exponent)) => format!(r"{mantissa} \times 10^{{{exponent}}}"),
        None => text.to_owned(),
    }
}

/// Rewrites a plain formula's numbers-and-operators for LaTeX math.
fn latex_expr(plain: &str) -> String {
    let mut out = String::new();
    for c in plain.chars() {
        match c {
            '·' => out.push_str(r" \cdot "),
            '−' => out.push('-'),
            '²' => out.push_str("^{2}"),
            '×' => out.push_str(r" \times "),
            _ => out.push(c),
        }
    }
    out
}

fn activation_words(activation: Activation) -> &'static str {
    match activation {
        Activation::Sigmoid => "the logistic sigmoid",
        Activation::Tanh => "tanh",
        Activation::Relu => "ReLU",
        Activation::LeakyRelu => "leaky ReLU",
        Activation::Linear => "linear (no activation)",
        Activation::LecunTanh => "LeCun's scaled tanh",
    }
}

/// a_l = f(z_l) written out (`l` 1-based).
fn activation_formula(activation: Activation, l: usize) -> Math {
    let (a, z) = (format!("a{}", sub(l)), format!("z{}", sub(l)));
    let (la, lz) = (format!("a_{{{l}}}"), format!("z_{{{l}}}"));
    match activation {
        Activation::Sigmoid => math(
            format!("{a} = σ({z}) = 1 / (1 + e^(−{z}))"),
            format!(r"{la} = \sigma({lz}) = \frac{{1}}{{1 + e^{{-{lz}}}}}"),
        ),
        Activation::Tanh => math(format!("{a} = tanh({z})"), format!(r"{la} = \tanh({lz})")),
        Activation::Relu => math(
            format!("{a} = max(0, {z})"),
            format!(r"{la} = \max(0, {lz})"),
        ),
        Activation::LeakyRelu => math(
            format!("{a} = {z} where {z} > 0, else 0.01 · {z}"),
            format!(
                r"{la} = \begin{{cases}} {lz} & {lz} > 0 \\ 0.01\,{lz} & \text{{else}} \end{{cases}}"
            ),
        ),
        Activation::Linear => math(format!("{a} = {z}"), format!("{la} = {lz}")),
        Activation::LecunTanh => math(
            format!("{a} = 1.7159 · tanh(2 {z} / 3)"),
            format!(r"{la} = 1.7159 \tanh(\tfrac{{2}}{{3}} {lz})"),
        ),
    }
}

/// f′(z_l) written with the cached a_l (`l` 1-based), as the engine does.
fn derivative_formula(activation: Activation, l: usize) -> Math {
    let (a, z) = (format!("a{}", sub(l)), format!("z{}", sub(l)));
    let (la, lz) = (format!("a_{{{l}}}"), format!("z_{{{l}}}"));
    let lhs = format!("f′({z})");
    let llhs = format!("f'({lz})");
    match activation {
        Activation::Sigmoid => math(
            format!("{lhs} = {a} ⊙ (1 − {a})"),
            format!(r"{llhs} = {la} \odot (1 - {la})"),
        ),
        Activation::Tanh => math(
            format!("{lhs} = 1 − {a} ⊙ {a}"),
            format!(r"{llhs} = 1 - {la} \odot {la}"),
        ),
        Activation::Relu => math(
            format!("{lhs} = 1 where {z} > 0, else 0"),
            format!(r"{llhs} = \begin{{cases}} 1 & {lz} > 0 \\ 0 & \text{{else}} \end{{cases}}"),
        ),
        Activation::LeakyRelu => math(
            format!("{lhs} = 1 where {z} > 0, else 0.01"),
            format!(r"{llhs} = \begin{{cases}} 1 & {lz} > 0 \\ 0.01 & \text{{else}} \end{{cases}}"),
        ),
        Activation::Linear => math(format!("{lhs} = 1"), format!("{llhs} = 1")),
        Activation::LecunTanh => math(
            format!("{lhs} = 1.7159 · 2/3 · (1 − ({a} / 1.7159)²)"),
            format!(
                r"{llhs} = 1.7159 \cdot \tfrac{{2}}{{3}} \left(1 - ({la} / 1.7159)^{{2}}\right)"
            ),
        ),
    }
}

/// The scaler's numbers for column `j`: (headings, cells) and the formula.
fn scaler_columns(scaler: &Scaler) -> Vec<&'static str> {
    match scaler {
        Scaler::Minmax { .. } => vec!["min", "max"],
        Scaler::Standard { .. } => vec!["mean", "std"],
        Scaler::Identity { .. } => vec![],
    }
}

fn scaler_cells(scaler: &Scaler, j: usize) -> Vec<String> {
    match scaler {
        Scaler::Minmax { min, max, .. } => vec![num(min[j]), num(max[j])],
        Scaler::Standard { mean, std } => vec![num(mean[j]), num(std[j])],
        Scaler::Identity { .. } => vec![],
    }
}

fn scaler_formula(scaler: &Scaler) -> Math {
    match scaler {
        Scaler::Minmax { low, high, .. } if *low == 0.0 && *high == 1.0 => math(
            "s = (x − min) / (max − min)",
            r"s = \frac{x - \min}{\max - \min}",
        ),
        Scaler::Minmax { low, high, .. } => math(
            format!(
                "s = {} + (x − min) / (max − min) · ({} − {})",
                num(*low),
                num(*high),
                factor(*low)
            ),
            format!(
                r"s = {} + \frac{{x - \min}}{{\max - \min}} \cdot ({} - {})",
                num(*low),
                num(*high),
                factor(*low)
            ),
        ),
        Scaler::Standard { .. } => math(
            "s = (x − mean) / std",
            r"s = \frac{x - \mathrm{mean}}{\mathrm{std}}",
        ),
        Scaler::Identity { .. } => math("s = x (no scaling)", r"s = x"),
    }
}

/// `value` (column `j`) scaled, written out with the scaler's numbers.
fn scaling_written(scaler: &Scaler, j: usize, value: f64, scaled: f64) -> String {
    match scaler {
        Scaler::Minmax {
            min,
            max,
            low,
            high,
        } if *low == 0.0 && *high == 1.0 => format!(
            "({} − {}) / ({} − {}) = {}",
            num(value),
            factor(min[j]),
            num(max[j]),
            factor(min[j]),
            num(scaled)
        ),
        Scaler::Minmax {
            min,
            max,
            low,
            high,
        } => format!(
            "{} + ({} − {}) / ({} − {}) · ({} − {}) = {}",
            num(*low),
            num(value),
            factor(min[j]),
            num(max[j]),
            factor(min[j]),
            num(*high),
            factor(*low),
            num(scaled)
        ),
        Scaler::Standard { mean, std } => format!(
            "({} − {}) / {} = {}",
            num(value),
            factor(mean[j]),
            num(std[j]),
            num(scaled)
        ),
        Scaler::Identity { .. } => num(scaled),
    }
}

/// The inverse of the target scaler, written out: (formula, numbers).
fn inverse_written(scaler: &Scaler, scaled: f64, value: f64) -> (String, String) {
    match scaler {
        Scaler::Minmax {
            min,
            max,
            low,
            high,
        } if *low == 0.0 && *high == 1.0 => (
            "min + ŷ · (max − min)".into(),
            format!(
                "{} + {} · ({} − {}) = {}",
                num(min[0]),
                factor(scaled),
                num(max[0]),
                factor(min[0]),
                num(value)
            ),
        ),
        Scaler::Minmax {
            min,
            max,
            low,
            high,
        } => (
            "min + (ŷ − low) / (high − low) · (max − min)".into(),
            format!(
                "{} + ({} − {}) / ({} − {}) · ({} − {}) = {}",
                num(min[0]),
                num(scaled),
                factor(*low),
                num(*high),
                factor(*low),
                num(max[0]),
                factor(min[0]),
                num(value)
            ),
        ),
        Scaler::Standard { mean, std } => (
            "mean + ŷ · std".into(),
            format!(
                "{} + {} · {} = {}",
                num(mean[0]),
                factor(scaled),
                num(std[0]),
                num(value)
            ),
        ),
        Scaler::Identity { .. } => ("ŷ".into(), num(value)),
    }
}

/// `W₁[2,1]`-style names of every parameter, in the engine's order.
fn parameter_names(e: &Explanation) -> Vec<String> {
    let mut names = Vec::new();
    for (k, layer) in e.parameters.iter().enumerate() {
        let l = sub(k + 1);
        for r in 0..layer.weight.rows {
            for c in 0..layer.weight.cols {
                names.push(format!("W{l}[{},{}]", r + 1, c + 1));
            }
        }
        for r in 0..layer.bias.len() {
            names.push(format!("b{l}[{}]", r + 1));
        }
    }
    names
}

fn row_gradient_flat(row: &RowExplanation) -> Vec<f64> {
    row.layers
        .iter()
        .flat_map(|l| l.weight_gradient.values.iter().chain(&l.bias_gradient))
        .copied()
        .collect()
}

fn flat(layers: &[gradlab::methods::explain::LayerTensors]) -> Vec<f64> {
    gradlab::methods::explain::flatten(layers)
}

fn cost_words(loss: Loss) -> &'static str {
    match loss {
        Loss::Mse => "squared error on the scaled target",
        Loss::SoftmaxCrossEntropy => "cross-entropy of the softmax",
    }
}

/// The whole explanation as a format-independent document.
fn document(e: &Explanation, context: &Context) -> Doc {
    let mut doc = Doc::default();
    header(&mut doc, e, context);
    let several = e.rows.len() > 1;
    for (s, row) in e.rows.iter().enumerate() {
        let suffix = if several {
            format!(" — data row {}", row.data_row)
        } else {
            String::new()
        };
        if several {
            let membership = context.membership[s]
                .map(|m| format!(" ({m})"))
                .unwrap_or_default();
            doc.title(format!(
                "Data row {} of {}{membership}",
                row.data_row, context.source
            ));
        }
        forward_one(&mut doc, e, row, &suffix);
        forward_two(&mut doc, e, row, &suffix);
        forward_three(&mut doc, e, row, &suffix);
        backprop_output(&mut doc, row, &suffix);
        backprop_hidden(&mut doc, e, row, &suffix);
    }
    batch(&mut doc, e);
    update(&mut doc, e);
    doc
}

fn header(doc: &mut Doc, e: &Explanation, context: &Context) {
    doc.title(format!(
        "gradlab explain: {}, {} parameters, {}",
        e.architecture,
        e.architecture.parameter_count(),
        e.precision.name()
    ));
    let rows: Vec<String> = e.rows.iter().map(|r| r.data_row.to_string()).collect();
    let which = if rows.len() == 1 {
        let membership = context.membership[0]
            .map(|m| format!(" ({m})"))
            .unwrap_or_default();
        format!("data row {} of {}{membership}", rows[0], context.data_rows)
    } else {
        format!("data rows {} of {}", rows.join(", "), context.data_rows)
    };
    let task = if e.labels.is_empty() {
        "regression".to_owned()
    } else {
        format!("classification: {}", e.labels.join(", "))
    };
    doc.text(format!(
        "data: {}, {which}; inputs {} → target {} ({task})",
        context.source,
        e.input_names.join(", "),
        e.target_name
    ));
    doc.text(format!("weights: {}", context.weights));
    doc.text(format!("scalers: {}", context.scalers));
    doc.text(format!(
        "notation: one row at a time, as column vectors (z = W·x + b, as in the course); layer l is layers.{{l−1}} of the model file; W[j,i] connects input i to neuron j; every number is the engine's own ({}), shown to 6 significant digits",
        e.precision.name()
    ));
}

fn forward_one(doc: &mut Doc, e: &Explanation, row: &RowExplanation, suffix: &str) {
    doc.section(format!("Forward I: the inputs, scaled{suffix}"));
    let scaler = &e.input_scaler;
    doc.text(format!(
        "The input scaler ({}) maps each raw input x to the s the network sees:",
        scaling_name(scaler)
    ));
    let formula = scaler_formula(scaler);
    doc.formula(formula.plain, formula.latex);
    let mut headings = vec!["column".to_owned(), "raw x".to_owned()];
    headings.extend(scaler_columns(scaler).iter().map(|h| h.to_string()));
    headings.push("scaled s".to_owned());
    let lines = e
        .input_names
        .iter()
        .enumerate()
        .map(|(j, name)| {
            let mut cells = vec![name.clone(), num(row.raw_inputs[j])];
            cells.extend(scaler_cells(scaler, j));
            cells.push(num(row.scaled_inputs[j]));
            cells
        })
        .collect();
    doc.table(headings, lines);
    for (j, name) in e.input_names.iter().enumerate() {
        doc.formula(
            format!(
                "{name}: s = {}",
                scaling_written(scaler, j, row.raw_inputs[j], row.scaled_inputs[j])
            ),
            format!(
                r"\text{{{}}}:\ s = {}",
                latex_escape(name),
                latex_expr(&scaling_written(
                    scaler,
                    j,
                    row.raw_inputs[j],
                    row.scaled_inputs[j]
                ))
            ),
        );
    }
    doc.text("The scaled inputs are the network's input vector:");
    doc.equation(vec![
        sym(math("x = a₀", "x = a_{0}")),
        op("="),
        mat(Mat::column(&row.scaled_inputs)),
    ]);
}

fn forward_two(doc: &mut Doc, e: &Explanation, row: &RowExplanation, suffix: &str) {
    doc.section(format!("Forward II: weighted sums and activations{suffix}"));
    let last = row.layers.len() - 1;
    for (k, step) in row.layers.iter().enumerate() {
        let l = k + 1;
        let parameters = &e.parameters[k];
        let (n_out, n_in) = (parameters.weight.rows, parameters.weight.cols);
        let input = layer_input(row, k);
        let role = if last == 0 {
            match e.architecture.loss {
                Loss::Mse => "the only layer: a single neuron per output, linear regression",
                Loss::SoftmaxCrossEntropy => {
                    "the only layer: one neuron per class, softmax regression"
                }
            }
        } else if k == last {
            "the output layer"
        } else {
            "a hidden layer"
        };
        let activation = if k == last {
            match e.architecture.loss {
                Loss::Mse => "linear output".to_owned(),
                Loss::SoftmaxCrossEntropy => {
                    "linear output; the softmax is part of the cost (Forward III)".to_owned()
                }
            }
        } else {
            activation_words(step.activation).to_owned()
        };
        doc.sub(format!(
            "Layer {l} (layers.{k}, {role}): {n_in} {} → {n_out} {}, {activation}",
            if n_in == 1 { "input" } else { "inputs" },
            if n_out == 1 { "neuron" } else { "neurons" },
        ));
        let (x, lx) = (input_name(l), input_name(l));
        doc.formula(
            format!(
                "z{s} = W{s} · {} + b{s}      ({n_out}×1) = ({n_out}×{n_in}) · ({n_in}×1) + ({n_out}×1)",
                x.plain,
                s = sub(l)
            ),
            format!(
                r"z_{{{l}}} = W_{{{l}}} \cdot {} + b_{{{l}}} \qquad ({n_out}\times 1) = ({n_out}\times {n_in}) \cdot ({n_in}\times 1) + ({n_out}\times 1)",
                lx.latex
            ),
        );
        doc.equation(vec![
            sym(named("z", "z", l)),
            op("="),
            mat(Mat::grid(&parameters.weight)),
            op("·"),
            mat(Mat::column(input)),
            op("+"),
            mat(Mat::column(&parameters.bias)),
            op("="),
            mat(Mat::column(&step.z)),
        ]);
        if n_in <= 6 {
            doc.text("Neuron by neuron (row j of W times the input, plus b[j]):");
            for j in 0..n_out {
                let terms: Vec<String> = (0..n_in)
                    .map(|i| {
                        format!(
                            "{} · {}",
                            factor(parameters.weight.get(j, i)),
                            factor(input[i])
                        )
                    })
                    .collect();
                let plain = format!(
                    "z{}[{}] = {} + {} = {}",
                    sub(l),
                    j + 1,
                    terms.join(" + "),
                    factor(parameters.bias[j]),
                    num(step.z[j])
                );
                let latex = format!(
                    "z_{{{l}}}[{}] = {}",
                    j + 1,
                    latex_expr(plain.split_once(" = ").map(|(_, r)| r).unwrap_or_default())
                );
                doc.formula(plain, latex);
            }
        }
        if k == last {
            doc.formula(
                format!("a{s} = z{s}   (the output layer is linear)", s = sub(l)),
                format!(r"a_{{{l}}} = z_{{{l}}} \quad \text{{(the output layer is linear)}}"),
            );
        } else {
            let f = activation_formula(step.activation, l);
            doc.formula(f.plain, f.latex);
            doc.equation(vec![
                sym(named("a", "a", l)),
                op("="),
                mat(Mat::column(&step.a)),
            ]);
        }
    }
}

/// a_{k} for engine layer k: x for the first layer.
fn layer_input(row: &RowExplanation, k: usize) -> &[f64] {
    if k == 0 {
        &row.scaled_inputs
    } else {
        &row.layers[k - 1].a
    }
}

fn forward_three(doc: &mut Doc, e: &Explanation, row: &RowExplanation, suffix: &str) {
    doc.section(format!("Forward III: the output and the cost{suffix}"));
    let big_l = row.layers.len();
    match (&row.output, &row.target) {
        (
            OutputValue::Value {
                scaled,
                in_target_units,
            },
            TargetValue::Value {
                raw,
                scaled: y_scaled,
            },
        ) => {
            doc.formula(
                format!("ŷ = a{} = {}   (scaled)", sub(big_l), num(scaled[0])),
                format!(
                    r"\hat{{y}} = a_{{{big_l}}} = {} \quad \text{{(scaled)}}",
                    latex_num(&num(scaled[0]))
                ),
            );
            if let Some(scaler) = &e.target_scaler {
                let (formula, numbers) = inverse_written(scaler, scaled[0], in_target_units[0]);
                doc.text(format!(
                    "In the target's units ({} scaler, inverted):",
                    scaling_name(scaler)
                ));
                let target = &e.target_name;
                doc.formula(
                    format!("{target} = {formula} = {numbers}"),
                    format!(
                        r"\text{{{}}} = {} = {}",
                        latex_escape(target),
                        latex_words(&formula),
                        latex_expr(&numbers)
                    ),
                );
                doc.text(format!(
                    "The row's target, scaled the same way: {target} = {}",
                    num(*raw)
                ));
                doc.formula(
                    format!("y = {}", scaling_written(scaler, 0, *raw, *y_scaled)),
                    format!(
                        "y = {}",
                        latex_expr(&scaling_written(scaler, 0, *raw, *y_scaled))
                    ),
                );
            }
            let k = scaled.len();
            doc.text(if k == 1 {
                "The cost, the squared error on the scaled target:".to_owned()
            } else {
                format!("The cost, the mean squared error over the {k} outputs:")
            });
            let written = if k == 1 {
                format!("({} − {})²", num(scaled[0]), factor(*y_scaled))
            } else {
                "…".to_owned()
            };
            let (plain_form, latex_form) = if k == 1 {
                ("(ŷ − y)²", r"(\hat{y} - y)^{2}")
            } else {
                (
                    "1/K Σ_k (ŷ_k − y_k)²",
                    r"\frac{1}{K}\sum_k (\hat{y}_k - y_k)^{2}",
                )
            };
            doc.formula(
                format!("C = {plain_form} = {written} = {}", num(row.cost)),
                format!(
                    "C = {latex_form} = {} = {}",
                    latex_expr(&written),
                    latex_num(&num(row.cost))
                ),
            );
        }
        (
            OutputValue::Probabilities {
                probabilities,
                predicted,
            },
            TargetValue::Class { index, label },
        ) => {
            doc.text(format!(
                "The softmax turns the outputs z{} into class probabilities:",
                sub(big_l)
            ));
            doc.formula(
                format!("p = softmax(z{}),  p_k = e^(z_k) / Σ_j e^(z_j)", sub(big_l)),
                format!(
                    r"p = \mathrm{{softmax}}(z_{{{big_l}}}), \quad p_k = \frac{{e^{{z_k}}}}{{\sum_j e^{{z_j}}}}"
                ),
            );
            let z = &row.layers[big_l - 1].z;
            let lines = e
                .labels
                .iter()
                .enumerate()
                .map(|(k, name)| vec![name.clone(), num(z[k]), num(probabilities[k])])
                .collect();
            doc.table(
                vec!["class".into(), format!("z{}", sub(big_l)), "p".into()],
                lines,
            );
            doc.text(format!(
                "Prediction: {} (p = {}); the row's class: {label}.",
                e.labels[*predicted],
                num(probabilities[*predicted])
            ));
            doc.text(format!("The cost, {}:", cost_words(e.architecture.loss)));
            doc.formula(
                format!(
                    "C = −ln p_{label} = −ln {} = {}",
                    num(probabilities[*index]),
                    num(row.cost)
                ),
                format!(
                    r"C = -\ln p_{{\text{{{}}}}} = -\ln {} = {}",
                    latex_escape(label),
                    latex_num(&num(probabilities[*index])),
                    latex_num(&num(row.cost))
                ),
            );
        }
        _ => doc.text("(the output and the target do not match: no cost shown)"),
    }
}

fn backprop_output(doc: &mut Doc, row: &RowExplanation, suffix: &str) {
    let big_l = row.layers.len();
    let hidden = big_l > 1;
    doc.section(format!(
        "Backprop, output → {}{suffix}",
        if hidden { "hidden" } else { "input" }
    ));
    let out = &row.layers[big_l - 1];
    let (d, ld) = (format!("δ{}", sub(big_l)), format!(r"\delta_{{{big_l}}}"));
    match (&row.output, &row.target) {
        (OutputValue::Value { scaled, .. }, TargetValue::Value { scaled: y, .. }) => {
            let k = scaled.len();
            doc.text(format!(
                "δ at the output: the derivative of this row's cost by z{}; ŷ = z{} (linear), so",
                sub(big_l),
                sub(big_l)
            ));
            let (plain, latex) = if k == 1 {
                ("2 (ŷ − y)".to_owned(), r"2\,(\hat{y} - y)".to_owned())
            } else {
                (
                    format!("2 (ŷ − y) / {k}"),
                    format!(r"2\,(\hat{{y}} - y) / {k}"),
                )
            };
            let written = format!("2 · ({} − {})", num(scaled[0]), factor(*y));
            doc.formula(
                format!(
                    "{d} = ∂C/∂z{} = {plain} = {written} = {}",
                    sub(big_l),
                    num(out.delta[0])
                ),
                format!(
                    r"{ld} = \frac{{\partial C}}{{\partial z_{{{big_l}}}}} = {latex} = {} = {}",
                    latex_expr(&written),
                    latex_num(&num(out.delta[0]))
                ),
            );
        }
        (OutputValue::Probabilities { probabilities, .. }, TargetValue::Class { index, .. }) => {
            doc.text(format!(
                "δ at the output: the derivative of this row's cost by z{}; softmax and cross-entropy together give",
                sub(big_l)
            ));
            doc.formula(
                format!("{d} = ∂C/∂z{} = p − onehot(y)", sub(big_l)),
                format!(
                    r"{ld} = \frac{{\partial C}}{{\partial z_{{{big_l}}}}} = p - \mathrm{{onehot}}(y)"
                ),
            );
            let onehot: Vec<f64> = (0..probabilities.len())
                .map(|k| if k == *index { 1.0 } else { 0.0 })
                .collect();
            doc.equation(vec![
                sym(math(d.clone(), ld.clone())),
                op("="),
                mat(Mat::column(probabilities)),
                op("−"),
                mat(Mat::column(&onehot)),
                op("="),
                mat(Mat::column(&out.delta)),
            ]);
        }
        _ => {}
    }
    layer_gradients(doc, row, big_l - 1);
    doc.text("The engine stacks the rows of a batch as the rows of Δ and A and computes the same product as ∂C/∂W = Δᵀ · A, which adds up δ_s · a_sᵀ over the rows s.");
    if !hidden {
        doc.text("There is no hidden layer: this is the whole backward pass (the single layer of neurons sees the inputs directly).");
    }
}

/// ∂C/∂W_l = δ_l · a_{l−1}ᵀ and ∂C/∂b_l = δ_l for engine layer `k`.
fn layer_gradients(doc: &mut Doc, row: &RowExplanation, k: usize) {
    let l = k + 1;
    let step: &LayerStep = &row.layers[k];
    let input = layer_input(row, k);
    let (n_out, n_in) = (step.weight_gradient.rows, step.weight_gradient.cols);
    let w = partial("W", l);
    let input_t = input_name_t(l);
    doc.formula(
        format!(
            "{} = δ{} · {}      ({n_out}×{n_in}) = ({n_out}×1) · (1×{n_in})",
            w.plain,
            sub(l),
            input_t.plain
        ),
        format!(
            r"{} = \delta_{{{l}}} \cdot {} \qquad ({n_out}\times {n_in}) = ({n_out}\times 1) \cdot (1\times {n_in})",
            w.latex, input_t.latex
        ),
    );
    doc.equation(vec![
        sym(w),
        op("="),
        mat(Mat::column(&step.delta)),
        op("·"),
        mat(Mat::row(input)),
        op("="),
        mat(Mat::grid(&step.weight_gradient)),
    ]);
    let b = partial("b", l);
    doc.equation(vec![
        sym(b),
        op("="),
        sym(named("δ", r"\delta", l)),
        op("="),
        mat(Mat::column(&step.bias_gradient)),
    ]);
}

fn backprop_hidden(doc: &mut Doc, e: &Explanation, row: &RowExplanation, suffix: &str) {
    let big_l = row.layers.len();
    if big_l == 1 {
        return;
    }
    doc.section(format!("Backprop, hidden → input{suffix}"));
    doc.text("Each hidden layer's δ comes from the next layer's: back through its weights (transposed), times the slope of the activation:");
    doc.formula(
        "δ_l = (W_{l+1}ᵀ · δ_{l+1}) ⊙ f′(z_l)      (n_l×1) = ((n_l×n_{l+1}) · (n_{l+1}×1)) ⊙ (n_l×1)",
        r"\delta_l = \left(W_{l+1}^{\top} \cdot \delta_{l+1}\right) \odot f'(z_l)",
    );
    doc.text("(With the rows of a batch stacked, the engine computes it as Δ_l = (Δ_{l+1} · W_{l+1}) ⊙ f′(Z_l), the same numbers transposed.)");
    for k in (0..big_l - 1).rev() {
        let l = k + 1;
        let step = &row.layers[k];
        let next = &e.parameters[k + 1];
        let (Some(from_next), Some(derivative)) = (&step.from_next, &step.derivative) else {
            continue;
        };
        doc.sub(format!(
            "Layer {l} (layers.{k}): {}",
            activation_words(step.activation)
        ));
        doc.formula(
            format!(
                "δ{s} = (W{n}ᵀ · δ{n}) ⊙ f′(z{s})",
                s = sub(l),
                n = sub(l + 1)
            ),
            format!(
                r"\delta_{{{l}}} = \left(W_{{{n}}}^{{\top}} \cdot \delta_{{{n}}}\right) \odot f'(z_{{{l}}})",
                n = l + 1
            ),
        );
        doc.equation(vec![
            sym(math(
                format!("W{n}ᵀ · δ{n}", n = sub(l + 1)),
                format!(r"W_{{{n}}}^{{\top}} \cdot \delta_{{{n}}}", n = l + 1),
            )),
            op("="),
            mat(Mat::transposed(&next.weight)),
            op("·"),
            mat(Mat::column(&row.layers[k + 1].delta)),
            op("="),
            mat(Mat::column(from_next)),
        ]);
        let f = derivative_formula(step.activation, l);
        doc.formula(f.plain, f.latex);
        doc.equation(vec![
            sym(math(format!("f′(z{})", sub(l)), format!("f'(z_{{{l}}})"))),
            op("="),
            mat(Mat::column(derivative)),
        ]);
        doc.equation(vec![
            sym(named("δ", r"\delta", l)),
            op("="),
            mat(Mat::column(from_next)),
            op("⊙"),
            mat(Mat::column(derivative)),
            op("="),
            mat(Mat::column(&step.delta)),
        ]);
        layer_gradients(doc, row, k);
    }
}

fn batch(doc: &mut Doc, e: &Explanation) {
    let b = e.batch.rows;
    doc.section(format!("Batch: {b} row{}", if b == 1 { "" } else { "s" }));
    let loss = e.architecture.loss;
    if b == 1 {
        doc.text("One row: its gradient is the batch gradient. The trainer's column is one backprop pass over the batch, here the same row.");
    } else {
        doc.text(format!(
            "Each row's gradient ∂C_s/∂θ (from its own pass above), their sum and mean, and ∂C/∂θ from one backprop pass over the {b} rows together, which is what the trainer computes for this batch."
        ));
    }
    let names = parameter_names(e);
    let per_row: Vec<Vec<f64>> = e.rows.iter().map(row_gradient_flat).collect();
    let (sum, mean, trainer, course) = (
        flat(&e.batch.sum),
        flat(&e.batch.mean),
        flat(&e.batch.trainer),
        flat(&e.batch.course.gradient),
    );
    let mut headings = vec!["parameter θ".to_owned()];
    headings.extend(e.rows.iter().map(|r| format!("row {}", r.data_row)));
    if b > 1 {
        headings.push("sum Σ_s".into());
        headings.push(format!("mean Σ_s / {b}"));
    }
    headings.push("trainer ∂C/∂θ".into());
    headings.push("course ∂E/∂θ".into());
    let lines = names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let mut cells = vec![name.clone()];
            cells.extend(per_row.iter().map(|g| num(g[i])));
            if b > 1 {
                cells.push(num(sum[i]));
                cells.push(num(mean[i]));
            }
            cells.push(num(trainer[i]));
            cells.push(num(course[i]));
            cells
        })
        .collect();
    doc.table(headings, lines);
    let largest = mean
        .iter()
        .zip(&trainer)
        .map(|(m, t)| (m - t).abs())
        .fold(0.0, f64::max);
    let c = e.batch.course.factor;
    let cost_mean = match loss {
        Loss::Mse => "C = 1/B · Σ_s C_s, the mean squared error",
        Loss::SoftmaxCrossEntropy => "C = 1/B · Σ_s C_s, the mean cross-entropy",
    };
    doc.text(format!(
        "The trainer uses the mean: its cost is {cost_mean} (here {}), so its gradient is the mean of the rows' gradients{}.",
        num(e.batch.cost),
        if b > 1 {
            format!(
                " (equal up to rounding: largest difference {}, the sums are taken in another order)",
                num(largest)
            )
        } else {
            String::new()
        }
    ));
    let (e_plain, e_latex, c_plain, c_latex) = match loss {
        Loss::Mse => (
            "E = Σ_s ½ (ŷ_s − y_s)²",
            r"E = \sum_s \tfrac{1}{2} (\hat{y}_s - y_s)^{2}",
            "2 / (B·K)",
            r"\frac{2}{B K}",
        ),
        Loss::SoftmaxCrossEntropy => (
            "E = Σ_s −ln p_s,y_s",
            r"E = \sum_s -\ln p_{s, y_s}",
            "1 / B",
            r"\frac{1}{B}",
        ),
    };
    doc.text(format!(
        "The course writes the batch cost as a sum instead (here E = {}):",
        num(e.batch.course.cost)
    ));
    doc.formula(e_plain, e_latex);
    doc.text("The two differ by a constant factor c:");
    doc.formula(
        format!(
            "C = c · E,   ∂C/∂θ = c · ∂E/∂θ,   c = {c_plain} = {}",
            num(c)
        ),
        format!(
            r"C = c \cdot E, \quad \frac{{\partial C}}{{\partial \theta}} = c \cdot \frac{{\partial E}}{{\partial \theta}}, \quad c = {c_latex} = {}",
            latex_num(&num(c))
        ),
    );
    doc.text(format!(
        "So a step with learning rate η on the trainer's mean C is a step with η·c on the course's sum E: η = {} here is η·c = {} in the course's form. The mean keeps one learning rate good for every batch size.",
        num(e.update.learning_rate),
        num(e.update.course_learning_rate)
    ));
}

fn update(doc: &mut Doc, e: &Explanation) {
    let u = &e.update;
    doc.section("Update: one step with the batch gradient");
    let sgd = u.optimizer == Optimizer::Sgd && u.weight_decay == 0.0;
    if sgd {
        doc.text(format!(
            "Plain gradient descent, every parameter θ moved against its gradient, with learning rate η = {}:",
            num(u.learning_rate)
        ));
        doc.formula(
            "θ ← θ − η · ∂C/∂θ",
            r"\theta \leftarrow \theta - \eta \cdot \frac{\partial C}{\partial \theta}",
        );
    } else {
        doc.text(format!(
            "One step of {} (learning rate η = {}, weight decay λ = {}), from fresh optimizer state as at the start of training; the rule is in gradlab::train::optimizer.",
            u.optimizer.name(),
            num(u.learning_rate),
            num(u.weight_decay)
        ));
    }
    for (k, (before, after)) in u.before.iter().zip(&u.after).enumerate() {
        let l = k + 1;
        let gradient = &e.batch.trainer[k];
        for (name, lname, b, g, a) in [
            (
                "W",
                "W",
                Mat::grid(&before.weight),
                Mat::grid(&gradient.weight),
                Mat::grid(&after.weight),
            ),
            (
                "b",
                "b",
                Mat::column(&before.bias),
                Mat::column(&gradient.bias),
                Mat::column(&after.bias),
            ),
        ] {
            let target = named(name, lname, l);
            if sgd {
                doc.equation(vec![
                    sym(target),
                    op("←"),
                    mat(b),
                    op("−"),
                    sym(math(num(u.learning_rate), latex_num(&num(u.learning_rate)))),
                    op("·"),
                    mat(g),
                    op("="),
                    mat(a),
                ]);
            } else {
                doc.equation(vec![sym(target), op(":"), mat(b), op("→"), mat(a)]);
            }
        }
    }
    let change = if u.cost_before != 0.0 {
        format!(
            " ({:+.2} %)",
            100.0 * (u.cost_after - u.cost_before) / u.cost_before
        )
    } else {
        String::new()
    };
    doc.text(format!(
        "The cost C of the {} row{} (the trainer's mean): before {}, after {}{change}.",
        e.batch.rows,
        if e.batch.rows == 1 { "" } else { "s" },
        num(u.cost_before),
        num(u.cost_after)
    ));
}

// ---------------------------------------------------------------------------
// Rendering.
// ---------------------------------------------------------------------------

fn render(doc: &Doc, format: Format) -> String {
    match format {
        Format::Markdown => render_markdown(doc),
        Format::Latex => render_latex(doc),
        Format::Text | Format::Json => render_text(doc),
    }
}

fn width(text: &str) -> usize {
    text.chars().count()
}

/// Pads numbers of one column so that their decimal points line up.
fn align_decimals(cells: &[String]) -> Vec<String> {
    let split = |c: &str| -> (String, String) {
        let at = c.find(['.', 'e']).unwrap_or(c.len());
        (c[..at].to_owned(), c[at..].to_owned())
    };
    let parts: Vec<(String, String)> = cells.iter().map(|c| split(c)).collect();
    let left = parts.iter().map(|(l, _)| width(l)).max().unwrap_or(0);
    let right = parts.iter().map(|(_, r)| width(r)).max().unwrap_or(0);
    parts
        .iter()
        .map(|(l, r)| format!("{l:>left$}{r:<right$}"))
        .collect()
}

/// A block of text lines with the row that operators line up with.
struct Layout {
    lines: Vec<String>,
    baseline: usize,
    width: usize,
}

impl Layout {
    fn line(text: &str) -> Layout {
        Layout {
            lines: vec![text.to_owned()],
            baseline: 0,
            width: width(text),
        }
    }

    fn matrix(m: &Mat) -> Layout {
        let columns: Vec<Vec<String>> = (0..m.cols)
            .map(|c| align_decimals(&(0..m.rows).map(|r| num(m.get(r, c))).collect::<Vec<_>>()))
            .collect();
        let body: Vec<String> = (0..m.rows)
            .map(|r| {
                columns
                    .iter()
                    .map(|column| column[r].clone())
                    .collect::<Vec<_>>()
                    .join("  ")
            })
            .collect();
        let mut lines: Vec<String> = body
            .iter()
            .enumerate()
            .map(|(r, text)| {
                let (open, close) = match (m.rows, r) {
                    (1, _) => ('[', ']'),
                    (_, 0) => ('⎡', '⎤'),
                    (n, r) if r + 1 == n => ('⎣', '⎦'),
                    _ => ('⎢', '⎥'),
                };
                format!("{open} {text} {close}")
            })
            .collect();
        let shape = m.shape();
        let inner = lines.first().map(|l| width(l)).unwrap_or(0);
        let total = inner.max(width(&shape));
        for line in &mut lines {
            let pad = total - width(line);
            *line = format!("{}{line}{}", " ".repeat(pad / 2), " ".repeat(pad - pad / 2));
        }
        let pad = total - width(&shape);
        lines.push(format!(
            "{}{shape}{}",
            " ".repeat(pad / 2),
            " ".repeat(pad - pad / 2)
        ));
        Layout {
            baseline: m.rows / 2,
            lines,
            width: total,
        }
    }
}

/// Places the layouts side by side, separated by a space, baselines aligned.
fn hcat(parts: &[Layout]) -> Vec<String> {
    let above = parts.iter().map(|p| p.baseline).max().unwrap_or(0);
    let below = parts
        .iter()
        .map(|p| p.lines.len() - 1 - p.baseline)
        .max()
        .unwrap_or(0);
    let height = above + 1 + below;
    let mut out = vec![String::new(); height];
    for (n, part) in parts.iter().enumerate() {
        let top = above - part.baseline;
        for (r, line) in out.iter_mut().enumerate() {
            if n > 0 {
                line.push(' ');
            }
            let text = r
                .checked_sub(top)
                .and_then(|i| part.lines.get(i))
                .map(String::as_str)
                .unwrap_or("");
            line.push_str(text);
            line.push_str(&" ".repeat(part.width - width(text)));
        }
    }
    out.iter().map(|l| l.trim_end().to_owned()).collect()
}

fn equation_text(terms: &[Term]) -> String {
    let layouts: Vec<Layout> = terms
        .iter()
        .map(|t| match t {
            Term::Sym(m) => Layout::line(&m.plain),
            Term::Mat(m) => Layout::matrix(m),
        })
        .collect();
    let mut text = hcat(&layouts).join("\n");
    text.push('\n');
    text
}

/// A text table: first column left-aligned, number columns aligned on the
/// decimal point and right-aligned under their headings.
fn table_text(table: &TableBlock) -> String {
    let columns = table.headings.len();
    let mut cells: Vec<Vec<String>> = (0..columns)
        .map(|c| {
            table
                .rows
                .iter()
                .map(|r| r.get(c).cloned().unwrap_or_default())
                .collect()
        })
        .collect();
    for column in cells.iter_mut().skip(1) {
        *column = align_decimals(column);
    }
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            cells[c]
                .iter()
                .map(|s| width(s))
                .chain([width(&table.headings[c])])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |texts: Vec<&str>| -> String {
        let mut out = String::new();
        for (c, text) in texts.iter().enumerate() {
            let w = widths[c];
            if c == 0 {
                out.push_str(&format!("{text:<w$}"));
            } else {
                out.push_str(&format!("  {text:>w$}"));
            }
        }
        out.trim_end().to_owned()
    };
    let mut text = line(table.headings.iter().map(String::as_str).collect());
    text.push('\n');
    for r in 0..table.rows.len() {
        text.push_str(&line(cells.iter().map(|c| c[r].as_str()).collect()));
        text.push('\n');
    }
    text
}

fn render_text(doc: &Doc) -> String {
    let mut out = String::new();
    for (n, block) in doc.blocks.iter().enumerate() {
        match block {
            Block::Title(text) => {
                if n > 0 {
                    out.push('\n');
                }
                out.push_str(text);
                out.push('\n');
            }
            Block::Section(text) => {
                out.push('\n');
                out.push_str(text);
                out.push('\n');
                out.push_str(&"─".repeat(width(text)));
                out.push('\n');
            }
            Block::Sub(text) => {
                out.push('\n');
                out.push_str(text);
                out.push('\n');
            }
            Block::Text(text) => {
                out.push_str(text);
                out.push('\n');
            }
            Block::Formula(m) => {
                out.push_str("  ");
                out.push_str(&m.plain);
                out.push('\n');
            }
            Block::Equation(terms) => {
                out.push('\n');
                for line in equation_text(terms).lines() {
                    if line.is_empty() {
                        out.push('\n');
                    } else {
                        out.push_str(&format!("  {line}\n"));
                    }
                }
                out.push('\n');
            }
            Block::Table(table) => {
                out.push('\n');
                for line in table_text(table).lines() {
                    out.push_str(&format!("  {line}\n"));
                }
                out.push('\n');
            }
        }
    }
    // No runs of blank lines.
    while out.contains("\n\n\n") {
        out = out.replace("\n\n\n", "\n\n");
    }
    out
}

/// Markdown-safe prose: backslashes and the characters that start emphasis,
/// links or HTML are escaped (backticks are kept: they mark commands).
fn markdown_escape(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if matches!(c, '\\' | '*' | '|' | '<' | '>' | '[' | ']') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn render_markdown(doc: &Doc) -> String {
    let mut out = String::new();
    let mut in_code = false;
    let mut after_equation = false;
    let close = |out: &mut String, in_code: &mut bool| {
        if *in_code {
            out.push_str("```\n\n");
            *in_code = false;
        }
    };
    for block in &doc.blocks {
        match block {
            Block::Formula(_) | Block::Equation(_) => {
                let equation = matches!(block, Block::Equation(_));
                if !in_code {
                    out.push_str("```text\n");
                    in_code = true;
                } else if equation || after_equation {
                    out.push('\n');
                }
                match block {
                    Block::Formula(m) => {
                        out.push_str(&m.plain);
                        out.push('\n');
                    }
                    Block::Equation(terms) => out.push_str(&equation_text(terms)),
                    _ => {}
                }
                after_equation = equation;
            }
            Block::Title(text) => {
                close(&mut out, &mut in_code);
                out.push_str(&format!("## {}\n\n", markdown_escape(text)));
            }
            Block::Section(text) => {
                close(&mut out, &mut in_code);
                out.push_str(&format!("### {}\n\n", markdown_escape(text)));
            }
            Block::Sub(text) => {
                close(&mut out, &mut in_code);
                out.push_str(&format!("#### {}\n\n", markdown_escape(text)));
            }
            Block::Text(text) => {
                close(&mut out, &mut in_code);
                out.push_str(&markdown_escape(text));
                out.push_str("\n\n");
            }
            Block::Table(table) => {
                close(&mut out, &mut in_code);
                let cell = |s: &str| markdown_escape(s);
                let headings: Vec<String> = table.headings.iter().map(|h| cell(h)).collect();
                out.push_str(&format!("| {} |\n", headings.join(" | ")));
                let rule: Vec<&str> = (0..headings.len())
                    .map(|c| if c == 0 { "---" } else { "---:" })
                    .collect();
                out.push_str(&format!("| {} |\n", rule.join(" | ")));
                for row in &table.rows {
                    let cells: Vec<String> = row.iter().map(|c| cell(c)).collect();
                    out.push_str(&format!("| {} |\n", cells.join(" | ")));
                }
                out.push('\n');
            }
        }
    }
    close(&mut out, &mut in_code);
    out.trim_end().to_owned() + "\n"
}

/// Escapes LaTeX's special characters in text.
fn latex_escape(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        match c {
            '\\' => out.push_str(r"\textbackslash{}"),
            '{' | '}' | '_' | '%' | '&' | '#' | '$' => {
                out.push('\\');
                out.push(c);
            }
            '^' => out.push_str(r"\^{}"),
            '~' => out.push_str(r"\~{}"),
            _ => out.push(c),
        }
    }
    out
}

/// A formula's words (`mean + ŷ · std`) for LaTeX math.
fn latex_words(text: &str) -> String {
    let mut out = String::new();
    for token in text.split(' ') {
        let t = match token {
            "ŷ" => r"\hat{y}".to_owned(),
            "·" => r"\cdot".to_owned(),
            "−" => "-".to_owned(),
            "+" | "/" | "(" | ")" => token.to_owned(),
            word if word.chars().all(|c| c.is_ascii_alphabetic()) => {
                format!(r"\mathrm{{{word}}}")
            }
            other => latex_expr(other)
                .replace("(ŷ", r"(\hat{y}")
                .replace("ŷ", r"\hat{y}")
                .replace("(max", r"(\max")
                .replace("(high", r"(\mathrm{high}")
                .replace("min)", r"\min)")
                .replace("low)", r"\mathrm{low})"),
        };
        out.push_str(&t);
        out.push(' ');
    }
    out.trim_end().to_owned()
}

/// Prose for LaTeX: special characters escaped, math symbols in `$…$`
/// (adjacent ones merged into one math run). An underscore after a symbol
/// or a one-letter name (`Σ_s`, `C_s`) is a subscript; in a longer word
/// (`temp_c`) it is an underscore.
fn latex_text(text: &str) -> String {
    let mut out = String::new();
    let mut in_math = false;
    // Letters and digits just written in text mode, in the current word.
    let mut word = 0usize;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let subscript = c == '_'
            && (in_math || word <= 1)
            && chars
                .peek()
                .is_some_and(|d| d.is_ascii_alphanumeric() || *d == '{');
        let math: Option<String> = match c {
            '_' if subscript && chars.peek() == Some(&'{') => {
                chars.next();
                let run: String = chars.by_ref().take_while(|&d| d != '}').collect();
                Some(format!("_{{{run}}}"))
            }
            '_' if subscript => {
                let mut run = String::new();
                while let Some(&d) = chars.peek() {
                    if d.is_ascii_alphanumeric() {
                        run.push(d);
                        chars.next();
                    } else {
                        break;
                    }
                }
                Some(format!("_{{{run}}}"))
            }
            '−' => Some("-".into()),
            '→' => Some(r"\to ".into()),
            '←' => Some(r"\leftarrow ".into()),
            '·' => Some(r"\cdot ".into()),
            '⊙' => Some(r"\odot ".into()),
            'ᵀ' => Some(r"^{\top}".into()),
            '×' => Some(r"\times ".into()),
            'Σ' => Some(r"\Sigma ".into()),
            'Δ' => Some(r"\Delta ".into()),
            '∂' => Some(r"\partial ".into()),
            'δ' => Some(r"\delta ".into()),
            'η' => Some(r"\eta ".into()),
            'λ' => Some(r"\lambda ".into()),
            'θ' => Some(r"\theta ".into()),
            'σ' => Some(r"\sigma ".into()),
            'ŷ' => Some(r"\hat{y}".into()),
            '²' => Some("^{2}".into()),
            '½' => Some(r"\tfrac{1}{2}".into()),
            '′' => Some("'".into()),
            '≤' => Some(r"\le ".into()),
            '°' => Some(r"^{\circ}".into()),
            '₀'..='₉' => {
                let mut digits = String::from(char::from(b'0' + (c as u32 - 0x2080) as u8));
                while let Some(&d) = chars.peek() {
                    if ('₀'..='₉').contains(&d) {
                        digits.push(char::from(b'0' + (d as u32 - 0x2080) as u8));
                        chars.next();
                    } else {
                        break;
                    }
                }
                Some(format!("_{{{digits}}}"))
            }
            _ => None,
        };
        match math {
            Some(m) => {
                if !in_math {
                    out.push('$');
                    in_math = true;
                }
                out.push_str(&m);
                word = 0;
            }
            None => {
                if in_math {
                    out.push('$');
                    in_math = false;
                }
                word = if c.is_alphanumeric() { word + 1 } else { 0 };
                match c {
                    '—' => out.push_str("---"),
                    '…' => out.push_str(r"\ldots{}"),
                    '`' => {}
                    other => out.push_str(&latex_escape(&other.to_string())),
                }
            }
        }
    }
    if in_math {
        out.push('$');
    }
    out
}

fn latex_matrix(m: &Mat) -> String {
    let rows: Vec<String> = (0..m.rows)
        .map(|r| {
            (0..m.cols)
                .map(|c| latex_num(&num(m.get(r, c))))
                .collect::<Vec<_>>()
                .join(" & ")
        })
        .collect();
    format!(
        r"\underset{{{}\times {}}}{{\begin{{bmatrix}} {} \end{{bmatrix}}}}",
        m.rows,
        m.cols,
        rows.join(r" \\ ")
    )
}

/// The width of a LaTeX page's text (the article class's default), in pt.
const LATEX_LINE_PT: f64 = 340.0;

/// About how wide a term is set, in pt (digits are 5 pt in Computer Modern).
fn term_pt(term: &Term) -> f64 {
    match term {
        Term::Sym(m) if BREAK_BEFORE.contains(&m.plain.as_str()) || m.plain == "·" => 16.0,
        Term::Sym(m) => 6.0 * width(&m.plain) as f64,
        Term::Mat(m) => {
            let columns: usize = (0..m.cols)
                .map(|c| {
                    (0..m.rows)
                        .map(|r| width(&num(m.get(r, c))))
                        .max()
                        .unwrap_or(1)
                })
                .sum();
            5.0 * columns as f64 + 10.0 * m.cols as f64 + 4.0
        }
    }
}

/// The operators a long line may be broken before.
const BREAK_BEFORE: [&str; 7] = ["=", "←", "→", ":", "+", "−", "-"];

/// Display math for one line, or an `align*` broken before operators,
/// filling each line up to the page width, when it is too wide.
/// `pieces` are (the LaTeX, its width in pt, whether a line may break before it).
fn latex_display(pieces: &[(String, f64, bool)]) -> String {
    let total: f64 = pieces.iter().map(|p| p.1).sum();
    let first_break = pieces.iter().position(|p| p.2);
    let Some(first_break) = first_break.filter(|_| total > LATEX_LINE_PT) else {
        let parts: Vec<&str> = pieces.iter().map(|p| p.0.as_str()).collect();
        return format!("\\[\n{}\n\\]\n", parts.join("\n"));
    };
    // The width from each piece to the next place a line may break.
    let chunk = |i: usize| -> f64 {
        let end = (i + 1..pieces.len())
            .find(|&j| pieces[j].2)
            .unwrap_or(pieces.len());
        pieces[i..end].iter().map(|p| p.1).sum()
    };
    let mut out = String::from("\\begin{align*}\n");
    let mut line = 0.0;
    for (i, (latex, pt, breakable)) in pieces.iter().enumerate() {
        if i == first_break {
            out.push('&');
        } else if *breakable && i > first_break && line + chunk(i) > LATEX_LINE_PT {
            out.push_str("\\\\\n&");
            if !latex.starts_with('=') && !latex.starts_with(r"\leftarrow") {
                out.push_str(r"\quad ");
            }
            line = 0.0;
        }
        out.push_str(latex);
        out.push('\n');
        line += pt;
    }
    out.push_str("\\end{align*}\n");
    out
}

/// An equation of matrices in display math (broken into lines if too wide).
fn latex_equation(terms: &[Term]) -> String {
    let pieces: Vec<(String, f64, bool)> = terms
        .iter()
        .map(|t| match t {
            Term::Sym(m) => (
                m.latex.clone(),
                term_pt(t),
                BREAK_BEFORE.contains(&m.plain.as_str()),
            ),
            Term::Mat(m) => (latex_matrix(m), term_pt(t), false),
        })
        .collect();
    latex_display(&pieces)
}

/// A formula in display math, broken before ` = ` and ` + ` if too wide.
fn latex_formula(m: &Math) -> String {
    let mut pieces: Vec<(String, f64, bool)> = Vec::new();
    let mut rest = m.latex.as_str();
    loop {
        let next = [" = ", " + "].iter().filter_map(|op| rest.find(op)).min();
        let (piece, breakable_next, remainder) = match next {
            Some(at) => (&rest[..at], true, &rest[at + 1..]),
            None => (rest, false, ""),
        };
        let breakable = !pieces.is_empty();
        pieces.push((
            piece.trim().to_owned(),
            4.5 * latex_chars(piece) as f64,
            breakable,
        ));
        if !breakable_next {
            break;
        }
        rest = remainder;
    }
    if pieces.iter().map(|p| p.1).sum::<f64>() <= LATEX_LINE_PT {
        return format!("\\[\n{}\n\\]\n", m.latex);
    }
    latex_display(&pieces)
}

/// Roughly how many characters `latex` shows: a command counts as one,
/// braces and sub- and superscript marks as none.
fn latex_chars(latex: &str) -> usize {
    let mut count = 0;
    let mut chars = latex.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                while chars.peek().is_some_and(|d| d.is_ascii_alphabetic()) {
                    chars.next();
                }
                count += 1;
            }
            '{' | '}' | '^' | '_' => {}
            _ => count += 1,
        }
    }
    count
}

fn render_latex(doc: &Doc) -> String {
    let mut out = String::from(
        "% gradlab explain: a LaTeX fragment; needs \\usepackage{amsmath}\n% (and xelatex or lualatex if a column name is not ASCII)\n\n",
    );
    for block in &doc.blocks {
        match block {
            Block::Title(text) => out.push_str(&format!("\\section*{{{}}}\n\n", latex_text(text))),
            Block::Section(text) => {
                out.push_str(&format!("\\subsection*{{{}}}\n\n", latex_text(text)))
            }
            Block::Sub(text) => out.push_str(&format!("\\paragraph{{{}}}\n\n", latex_text(text))),
            Block::Text(text) => {
                out.push_str("\\noindent ");
                out.push_str(&latex_text(text));
                out.push_str("\n\n");
            }
            // Display math belongs to the paragraph before it (a blank
            // line before \[ would add space above it).
            Block::Formula(_) | Block::Equation(_) => {
                if out.ends_with("\n\n") {
                    out.pop();
                }
                out.push_str(&match block {
                    Block::Formula(m) => latex_formula(m),
                    Block::Equation(terms) => latex_equation(terms),
                    _ => String::new(),
                });
                out.push('\n');
            }
            Block::Table(table) => {
                let spec: String = (0..table.headings.len())
                    .map(|c| if c == 0 { 'l' } else { 'r' })
                    .collect();
                // Wide tables (the batch table) set smaller and tighter.
                let wide = table.headings.len() > 5;
                if wide {
                    out.push_str("{\\small\\setlength{\\tabcolsep}{3pt}\n");
                }
                out.push_str(&format!("\\begin{{tabular}}{{{spec}}}\n\\hline\n"));
                let heads: Vec<String> = table.headings.iter().map(|h| latex_text(h)).collect();
                out.push_str(&format!("{} \\\\\n\\hline\n", heads.join(" & ")));
                for row in &table.rows {
                    let cells: Vec<String> = row
                        .iter()
                        .enumerate()
                        .map(|(c, cell)| {
                            if c == 0 {
                                latex_text(cell)
                            } else {
                                format!("${}$", latex_num(cell))
                            }
                        })
                        .collect();
                    out.push_str(&format!("{} \\\\\n", cells.join(" & ")));
                }
                out.push_str("\\hline\n\\end{tabular}\n");
                if wide {
                    out.push_str("}\n");
                }
                out.push('\n');
            }
        }
    }
    out.trim_end().to_owned() + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_have_six_significant_digits() {
        assert_eq!(num(0.123456789), "0.123457");
        assert_eq!(num(-1.5), "-1.5");
        assert_eq!(num(38.0), "38");
        assert_eq!(num(376.05), "376.05");
        assert_eq!(num(1.23456789e-6), "1.23457e-6");
        assert_eq!(num(0.0), "0");
        assert_eq!(latex_num("1.5e-6"), r"1.5 \times 10^{-6}");
    }

    #[test]
    fn matrices_line_up() {
        let m = Mat {
            rows: 2,
            cols: 2,
            values: vec![0.5, -12.25, 10.0, 3.0],
        };
        let text = equation_text(&[op("W"), op("="), mat(m)]);
        assert_eq!(
            text,
            "    ⎡  0.5  -12.25 ⎤\nW = ⎣ 10      3    ⎦\n          2×2\n"
        );
    }

    #[test]
    fn latex_prose_merges_math_runs() {
        assert_eq!(latex_text("∂C/∂W₁₂"), r"$\partial $C/$\partial $W$_{12}$");
        assert_eq!(latex_text("a ŷ² b"), r"a $\hat{y}^{2}$ b");
        assert_eq!(latex_text("temp_c 5%"), r"temp\_c 5\%");
        assert_eq!(
            latex_text("Σ_s C_s temp_2h_c"),
            r"$\Sigma _{s}$ C$_{s}$ temp\_2h\_c"
        );
        assert_eq!(latex_text("Δ_{l+1}"), r"$\Delta _{l+1}$");
    }
}
