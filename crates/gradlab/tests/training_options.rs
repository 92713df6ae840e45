//! Optimizers, schedules, clipping and early stopping through the whole
//! pipeline on the fever data.

use gradlab::data::dataset::{Dataset, DatasetSpec};
use gradlab::data::fever;
use gradlab::fit::fit;
use gradlab::metrics::Metrics;
use gradlab::settings::FitSettings;
use gradlab::train::early_stopping::EarlyStopping;
use gradlab::train::optimizer::Optimizer;
use gradlab::train::schedule::Schedule;
use gradlab::train::trainer::{Control, TrainSettings};

fn fever_regression(rows: usize) -> Dataset {
    let spec = DatasetSpec {
        target: "temp_2h_c".into(),
        inputs: Some(vec!["temp_c".into(), "dose_mg".into()]),
        ..Default::default()
    };
    Dataset::from_table(&fever::table(rows, 1), &spec).unwrap()
}

fn test_rmse(settings: &FitSettings, data: &Dataset) -> f64 {
    let outcome = fit(data, settings, |_| Control::Continue).unwrap();
    let Metrics::Regression(m) = outcome.test_metrics else {
        unreachable!()
    };
    m.rmse
}

#[test]
fn every_optimizer_learns_the_fever_regression() {
    let data = fever_regression(2000);
    for name in Optimizer::NAMES {
        let learning_rate = if name.starts_with("adam") || name == "rmsprop" {
            0.01
        } else {
            0.05
        };
        let settings = FitSettings {
            train: TrainSettings {
                optimizer: Optimizer::parse(name).unwrap(),
                learning_rate,
                epochs: 40,
                ..Default::default()
            },
            ..Default::default()
        };
        let rmse = test_rmse(&settings, &data);
        // A linear model gets about 0.37 °C (docs/fever.md).
        assert!(rmse < 0.3, "{name}: test RMSE {rmse} °C");
    }
}

#[test]
fn early_stopping_stops_and_keeps_the_best_validation_epoch() {
    let data = fever_regression(1000);
    let settings = FitSettings {
        train: TrainSettings {
            epochs: 2000,
            early_stopping: Some(EarlyStopping {
                patience: 5,
                min_delta: 1e-4,
                restore_best: true,
            }),
            ..Default::default()
        },
        ..Default::default()
    };
    let outcome = fit(&data, &settings, |_| Control::Continue).unwrap();
    let history = &outcome.history;
    assert!(
        history.stopped_early,
        "ran all {} epochs",
        history.epochs.len()
    );
    let best = history.best_epoch.unwrap();
    assert_eq!(history.epochs.len(), best + 5);
    // Validation rows come out of the training part: 800 → 720 + 80.
    assert_eq!(outcome.validation_rows.len(), 80);
    assert_eq!(outcome.split.train.len(), 720);
    assert!(outcome
        .validation_rows
        .iter()
        .all(|r| !outcome.split.train.contains(r)));
    assert!(outcome
        .validation_rows
        .iter()
        .all(|r| !outcome.split.test.contains(r)));
    assert!(history.epochs.iter().all(|e| e.validation_cost.is_some()));
}

#[test]
fn the_schedule_sets_each_epochs_learning_rate() {
    let data = fever_regression(300);
    let settings = FitSettings {
        train: TrainSettings {
            epochs: 4,
            learning_rate: 0.1,
            schedule: Schedule::Exponential { gamma: 0.5 },
            ..Default::default()
        },
        ..Default::default()
    };
    let outcome = fit(&data, &settings, |_| Control::Continue).unwrap();
    let rates: Vec<f64> = outcome
        .history
        .epochs
        .iter()
        .map(|e| e.learning_rate)
        .collect();
    assert_eq!(rates, [0.1, 0.05, 0.025, 0.0125]);
}

#[test]
fn clipping_keeps_a_too_large_learning_rate_from_diverging() {
    let data = fever_regression(300);
    let settings = |clip_norm| FitSettings {
        train: TrainSettings {
            epochs: 20,
            learning_rate: 50.0,
            clip_norm,
            ..Default::default()
        },
        ..Default::default()
    };
    assert!(fit(&data, &settings(None), |_| Control::Continue).is_err());
    let clipped = fit(&data, &settings(Some(0.01)), |_| Control::Continue).unwrap();
    assert!(clipped
        .history
        .epochs
        .iter()
        .all(|e| e.train_cost.is_finite()));
}
