//! `gradlab demo [--out DIR]`: the course's fever example solved both ways.
//!
//! Trains a regression model (the temperature two hours later, in °C) and a
//! classification model (its class: normal / elevated / fever) on the
//! shipped fever data with the library's default settings, reports how close
//! they come to what is possible (`docs/fever.md`), checks them on fresh rows of
//! the same generator, shows a few predictions as sentences, compares the
//! course's three ways to tune the weights (brute force, numerical gradient,
//! backprop) on a 2-2-1 network, and writes both models and their pictures
//! (loss curves, the prediction surface, the decision regions) into DIR.

use crate::output::Console;
use crate::parse;
use crate::progress::EpochBar;
use crate::report;
use clap::Args;
use gradlab::data::csv::{CsvOptions, Table};
use gradlab::data::dataset::{Dataset, DatasetSpec};
use gradlab::data::fever;
use gradlab::fit::fit;
use gradlab::matrix::Matrix;
use gradlab::methods::brute_force::GridAxis;
use gradlab::methods::compare::{self, MethodsResult, MethodsSettings, WeightChoice};
use gradlab::metrics::{ClassificationMetrics, Metrics, RegressionMetrics};
use gradlab::model::{AnyModel, Predictions};
use gradlab::session::FitOutcome;
use gradlab::settings::FitSettings;
use gradlab::train::trainer::TrainSettings;
use gradlab::Precision;
use gradlab_plot::pictures::Pictures;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// The shipped data, built into the binary so the demo runs from anywhere.
const FEVER_CSV: &str = include_str!("../../../../data/fever.csv");
/// How the built-in data is named in messages.
const FEVER_NAME: &str = "data/fever.csv";
/// The inputs of both models.
const INPUTS: [&str; 2] = ["temp_c", "dose_mg"];
/// The regression target.
const REGRESSION_TARGET: &str = "temp_2h_c";
/// The classification target.
const CLASSIFICATION_TARGET: &str = "status_2h";
/// The best accuracy any classifier can reach on this generator, measured on
/// 200,000 rows (`docs/fever.md`).
const BEST_ACCURACY: f64 = 0.926;
/// Fresh rows drawn from the generator with another seed than the file's
/// (seed 1), to show that the models generalise.
const FRESH_ROWS: usize = 20_000;
/// The seed of the fresh rows.
const FRESH_SEED: u64 = 2;
/// The example cases: (temperature now in °C, dose in mg).
const EXAMPLES: [(f64, f64); 5] = [
    (39.5, 500.0),
    (39.5, 0.0),
    (38.0, 250.0),
    (40.5, 1000.0),
    (37.2, 0.0),
];

/// Arguments of `gradlab demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Directory to write the models (regression.safetensors,
    /// classification.safetensors) and their pictures (PNG) into.
    #[arg(long, value_name = "DIR", default_value = "gradlab-demo")]
    out: PathBuf,
}

/// One trained model of the demo and what it was measured at.
struct Trained {
    outcome: FitOutcome,
    seconds: f64,
    fresh: Metrics,
    path: PathBuf,
    pictures: Vec<PathBuf>,
}

/// Runs `gradlab demo`.
pub fn run(args: DemoArgs, console: &Console) -> anyhow::Result<()> {
    std::fs::create_dir_all(&args.out)
        .map_err(|err| anyhow::anyhow!("cannot create {}: {err}", args.out.display()))?;
    let table = Table::read(FEVER_CSV.as_bytes(), FEVER_NAME, &CsvOptions::default())?;
    let settings = FitSettings::default();
    let pictures = Pictures::new(&args.out, "png", false)?;
    let regression = train_and_save(
        &table,
        REGRESSION_TARGET,
        &settings,
        &pictures,
        &args.out,
        console,
    )?;
    let classification = train_and_save(
        &table,
        CLASSIFICATION_TARGET,
        &settings,
        &pictures,
        &args.out,
        console,
    )?;
    let comparison = compare_methods(&table, console)?;
    let mut text = String::new();
    write_data(&mut text, &table, &settings);
    write_regression(&mut text, &regression);
    write_classification(&mut text, &classification);
    write_examples(
        &mut text,
        &regression.outcome.model,
        &classification.outcome.model,
    );
    write_methods(&mut text, &comparison);
    write_pictures(&mut text, &regression, &classification);
    write_next_steps(&mut text, &regression.path, &classification.path);
    report::print_text(&text)
}

/// Trains on `target` from [`INPUTS`], measures on fresh rows, saves the
/// model as `DIR/<task>.safetensors` and draws its pictures as
/// `DIR/<task>_loss.png` and `DIR/<task>_surface.png` or `_regions.png`.
fn train_and_save(
    table: &Table,
    target: &str,
    settings: &FitSettings,
    pictures: &Pictures,
    dir: &Path,
    console: &Console,
) -> anyhow::Result<Trained> {
    let spec = DatasetSpec {
        target: target.to_owned(),
        inputs: Some(INPUTS.iter().map(|s| s.to_string()).collect()),
        ..Default::default()
    };
    let dataset = Dataset::from_table(table, &spec)?;
    let task = parse::serde_name(&dataset.task());
    console.note(format!(
        "training {task}: {target} from {}",
        INPUTS.join(", ")
    ));
    let started = Instant::now();
    let outcome = {
        let bar = EpochBar::new(*console, &task, settings.train.epochs);
        fit(&dataset, settings, |record| bar.update(record))?
    };
    let seconds = started.elapsed().as_secs_f64();
    let fresh_data = outcome
        .model
        .dataset_from_table(&fever::table(FRESH_ROWS, FRESH_SEED))?;
    let fresh = outcome.model.evaluate(&fresh_data)?;
    let path = dir.join(format!("{task}.safetensors"));
    super::save_model(&outcome.model, &path)?;
    let pictures = gradlab_plot::pictures::fit_pictures(
        pictures,
        &outcome.history,
        &outcome.model,
        &dataset,
        &outcome.split.train,
        &format!("{task}_"),
    )?;
    Ok(Trained {
        outcome,
        seconds,
        fresh,
        path,
        pictures,
    })
}

fn write_data(text: &mut String, table: &Table, settings: &FitSettings) {
    let train = &settings.train;
    let _ = writeln!(
        text,
        "gradlab demo: the course's fever example, solved both ways\n"
    );
    let _ = writeln!(
        text,
        "data      {FEVER_NAME} (built in): {} rows; columns {}",
        table.rows(),
        table.column_names().join(", ")
    );
    let _ = writeln!(
        text,
        "inputs    temp_c (temperature now, °C) and dose_mg (medication dose, mg)"
    );
    let _ = writeln!(
        text,
        "settings  the defaults: hidden {} {}, {} init, {} scaling, learning rate {}, batch size {}, {} epochs,\n          test fraction {}, seed {}",
        parse::HiddenLayers(settings.hidden.clone()),
        settings.activation.name(),
        settings.init,
        parse::serde_name(&settings.scaling),
        train.learning_rate,
        train.batch_size,
        train.epochs,
        settings.test_fraction,
        train.seed,
    );
}

/// The network and training time lines shared by both models.
fn write_training(text: &mut String, trained: &Trained) {
    let outcome = &trained.outcome;
    let _ = writeln!(
        text,
        "  network          {}, {} parameters",
        outcome.model.info().architecture,
        outcome.model.parameter_count()
    );
    let _ = writeln!(
        text,
        "  training         {} epochs in {:.2} s on {} rows",
        outcome.history.epochs.len(),
        trained.seconds,
        outcome.split.train.len()
    );
}

fn write_regression(text: &mut String, trained: &Trained) {
    let (Metrics::Regression(test), Metrics::Regression(fresh)) =
        (&trained.outcome.test_metrics, &trained.fresh)
    else {
        return;
    };
    let _ = writeln!(
        text,
        "\nregression: {REGRESSION_TARGET}, the temperature two hours later"
    );
    write_training(text, trained);
    write_regression_metrics(text, test, fresh, trained.outcome.split.test.len());
}

fn write_regression_metrics(
    text: &mut String,
    test: &RegressionMetrics,
    fresh: &RegressionMetrics,
    test_rows: usize,
) {
    let _ = writeln!(
        text,
        "  test RMSE        {:.3} °C   (noise floor {:.3} °C; on {test_rows} test rows)",
        test.rmse,
        fever::NOISE_STD_C
    );
    let _ = writeln!(
        text,
        "  test MAE, R²     {:.3} °C, {:.3}",
        test.mae, test.r2
    );
    let _ = writeln!(
        text,
        "  fresh RMSE       {:.3} °C   ({FRESH_ROWS} new rows of the generator, seed {FRESH_SEED})",
        fresh.rmse
    );
}

fn write_classification(text: &mut String, trained: &Trained) {
    let (Metrics::Classification(test), Metrics::Classification(fresh)) =
        (&trained.outcome.test_metrics, &trained.fresh)
    else {
        return;
    };
    let _ = writeln!(
        text,
        "\nclassification: {CLASSIFICATION_TARGET}, its class two hours later"
    );
    write_training(text, trained);
    write_classification_metrics(text, test, fresh, trained.outcome.split.test.len());
}

fn write_classification_metrics(
    text: &mut String,
    test: &ClassificationMetrics,
    fresh: &ClassificationMetrics,
    test_rows: usize,
) {
    // How far the accuracy on `test_rows` rows strays from the best by
    // chance alone: the binomial standard error √(p(1 − p)/n).
    let chance = (BEST_ACCURACY * (1.0 - BEST_ACCURACY) / test_rows as f64).sqrt();
    let _ = writeln!(
        text,
        "  test accuracy    {:.3}      (best possible ≈ {BEST_ACCURACY:.3} ± {chance:.3} on {test_rows} test rows)",
        test.accuracy
    );
    let _ = writeln!(
        text,
        "  fresh accuracy   {:.3}      ({FRESH_ROWS} new rows of the generator, seed {FRESH_SEED})",
        fresh.accuracy
    );
    let _ = writeln!(
        text,
        "  confusion matrix of the test rows (rows: true class, columns: predicted)"
    );
    text.push_str(&report::confusion_table(test, "    "));
}

/// "39.5 °C with 500 mg → 37.9 °C (elevated)", with the generator's
/// noise-free value for comparison.
fn write_examples(text: &mut String, regression: &AnyModel, classification: &AnyModel) {
    let rows: Vec<Vec<f64>> = EXAMPLES.iter().map(|&(t, d)| vec![t, d]).collect();
    let inputs = Matrix::from_rows(&rows).expect("rows of equal length");
    let (Predictions::Regression(temps), Predictions::Classification { classes, .. }) =
        (regression.predict(&inputs), classification.predict(&inputs))
    else {
        return;
    };
    let labels = &classification.info().labels;
    let sentences: Vec<String> = EXAMPLES
        .iter()
        .zip(temps.iter().zip(classes))
        .map(|(&(temp, dose), (predicted, class))| {
            format!(
                "{temp:.1} °C with {dose} mg → {predicted:.1} °C ({})",
                labels[class]
            )
        })
        .collect();
    let width = sentences
        .iter()
        .map(|s| s.chars().count())
        .max()
        .unwrap_or(0);
    let _ = writeln!(
        text,
        "\nexample predictions (in brackets: the generator's value without noise)"
    );
    for (sentence, &(temp, dose)) in sentences.iter().zip(&EXAMPLES) {
        let expected = fever::expected_temp_2h_c(temp, dose);
        let _ = writeln!(text, "  {sentence:<width$}  [{expected:.2} °C]");
    }
}

/// Steps of both descents in the methods comparison.
const METHOD_STEPS: usize = 100;
/// Their learning rate.
const METHOD_LEARNING_RATE: f64 = 0.1;

/// The course's 2-2-1 regression network tuned three ways from one seeded
/// start: brute force over its first weight on the course's grid, and 100
/// steps of numerical-gradient and of backprop descent, in f64.
fn compare_methods(table: &Table, console: &Console) -> anyhow::Result<MethodsResult> {
    let spec = DatasetSpec {
        target: REGRESSION_TARGET.to_owned(),
        inputs: Some(INPUTS.iter().map(|s| s.to_string()).collect()),
        ..Default::default()
    };
    let dataset = Dataset::from_table(table, &spec)?;
    console.note("comparing brute force, numerical gradient and backprop on a 2-2-1 network");
    let settings = FitSettings {
        hidden: vec![2],
        precision: Precision::F64,
        train: TrainSettings {
            epochs: METHOD_STEPS,
            learning_rate: METHOD_LEARNING_RATE,
            ..TrainSettings::default()
        },
        ..FitSettings::default()
    };
    let methods_settings = MethodsSettings {
        base: settings,
        weights: WeightChoice::First(1),
        axis: GridAxis::default(),
        max_evaluations: u64::MAX,
        steps: METHOD_STEPS,
        learning_rate: METHOD_LEARNING_RATE,
        epsilon: None,
    };
    Ok(compare::run(&dataset, &methods_settings)?)
}

fn write_methods(text: &mut String, comparison: &MethodsResult) {
    let _ = writeln!(
        text,
        "
three ways to tune the weights: {REGRESSION_TARGET} with a 2 → 2 tanh → 1 network, f64, one seeded start"
    );
    let _ = writeln!(
        text,
        "  (brute force: the first weight over [-100, 100] step 0.1; numerical gradient and backprop: {METHOD_STEPS} steps of batch GD)\n"
    );
    text.push_str(&crate::methods_table::comparison_summary(comparison, "  "));
}

fn write_pictures(text: &mut String, regression: &Trained, classification: &Trained) {
    let _ = writeln!(text, "\npictures written");
    let what = |path: &Path| {
        let name = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        if name.ends_with("_loss") {
            "training and test cost per epoch"
        } else if name.ends_with("_surface") {
            "the predicted temperature over temperature × dose"
        } else {
            "the predicted class over temperature × dose"
        }
    };
    let paths: Vec<&PathBuf> = regression
        .pictures
        .iter()
        .chain(&classification.pictures)
        .collect();
    let width = paths
        .iter()
        .map(|p| p.display().to_string().chars().count())
        .max()
        .unwrap_or(0);
    for path in paths {
        let shown = path.display().to_string();
        let _ = writeln!(text, "  {shown:<width$}  {}", what(path));
    }
}

fn write_next_steps(text: &mut String, regression: &Path, classification: &Path) {
    let (r, c) = (regression.display(), classification.display());
    let _ = writeln!(text, "\nmodels written\n  {r}\n  {c}");
    let _ = writeln!(text, "\ntry next");
    let commands = [
        format!("gradlab predict --model {r} --input temp_c=39.5,dose_mg=500"),
        format!("gradlab predict --model {c} --input temp_c=39.5,dose_mg=500"),
        format!("gradlab inspect --model {c}"),
        "gradlab generate fever --rows 1000 --seed 7 --out fresh.csv".to_owned(),
        format!("gradlab eval --model {r} --data fresh.csv"),
        format!("gradlab predict --model {c} --data fresh.csv --out predicted.csv"),
        "gradlab train --data data/fever.csv --target status_2h --inputs temp_c,dose_mg --hidden 32,16"
            .to_owned(),
        "gradlab brute-force --data data/fever.csv --target temp_2h_c --inputs temp_c,dose_mg --explain"
            .to_owned(),
        "gradlab methods --data data/fever.csv --target temp_2h_c --inputs temp_c,dose_mg".to_owned(),
        "gradlab compare --data data/fever.csv --target temp_2h_c --inputs temp_c,dose_mg --optimizers sgd,momentum,adam --plot compare"
            .to_owned(),
        format!("gradlab landscape --model {r} --data data/fever.csv --trajectories sgd,momentum,adam --log-color"),
        "gradlab minima --data data/fever.csv --target temp_2h_c --inputs temp_c,dose_mg --hidden 2 --activation relu --restarts 30 --plot minima".to_owned(),
        "gradlab lecun --data data/fever.csv --target temp_2h_c --inputs temp_c,dose_mg".to_owned(),
        format!("gradlab gradcheck --model {r} --data data/fever.csv"),
    ];
    for command in commands {
        let _ = writeln!(text, "  {command}");
    }
    let _ = writeln!(
        text,
        "(in a clone of the repository, `cargo run --release -- <command>` runs gradlab)"
    );
}
