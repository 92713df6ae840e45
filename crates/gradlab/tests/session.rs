//! A session stepped in pieces is `fit` to the bit; what a session keeps on
//! a divergence; adjustments between steps.

use gradlab::data::dataset::{Dataset, DatasetSpec};
use gradlab::data::fever;
use gradlab::fit::fit;
use gradlab::model::AnyModel;
use gradlab::session::{Session, SnapshotDetail};
use gradlab::settings::FitSettings;
use gradlab::train::early_stopping::EarlyStopping;
use gradlab::train::optimizer::Optimizer;
use gradlab::train::trainer::{BatchSize, Control, History, TrainSettings};
use gradlab::train::training::{Adjustment, Budget, RunEnd};
use gradlab::{Error, Precision};

fn fever_data(target: &str, rows: usize) -> Dataset {
    let spec = DatasetSpec {
        target: target.into(),
        inputs: Some(vec!["temp_c".into(), "dose_mg".into()]),
        ..Default::default()
    };
    Dataset::from_table(&fever::table(rows, 1), &spec).unwrap()
}

fn settings(precision: Precision, train: TrainSettings) -> FitSettings {
    FitSettings {
        hidden: vec![5],
        precision,
        train,
        ..Default::default()
    }
}

/// Everything but the wall-clock seconds.
fn without_times(history: &History) -> History {
    let mut history = history.clone();
    for record in &mut history.epochs {
        record.seconds = 0.0;
    }
    history
}

fn flat(model: &AnyModel) -> Vec<u64> {
    match model {
        AnyModel::F32(m) => m.network.to_flat().iter().map(|w| w.to_bits()).collect(),
        AnyModel::F64(m) => m.network.to_flat().iter().map(|w| w.to_bits()).collect(),
    }
}

/// Steps of 7 batches, then single epochs, then the rest: every piece
/// boundary falls somewhere else in an epoch (400 training rows in
/// batches of 32 are 13 batches an epoch).
fn stepped_in_pieces(data: &Dataset, settings: &FitSettings) -> gradlab::session::FitOutcome {
    let mut session = Session::new(data, settings).unwrap();
    for _ in 0..5 {
        assert_eq!(
            session
                .step(Budget::Batches(7), |_| Control::Continue)
                .unwrap(),
            None
        );
    }
    assert_eq!(
        session.snapshot(SnapshotDetail::default()).batch_in_epoch,
        35 % 13
    );
    session
        .step(Budget::Epochs(1), |_| Control::Continue)
        .unwrap();
    session
        .step(Budget::Epochs(2), |_| Control::Continue)
        .unwrap();
    let ended = session.step(Budget::ToEnd, |_| Control::Continue).unwrap();
    assert_eq!(ended, Some(RunEnd::AllEpochs));
    session.into_outcome().unwrap()
}

#[test]
fn stepping_in_pieces_is_fit_bit_for_bit_in_f32_and_f64() {
    for (target, precision) in [
        ("temp_2h_c", Precision::F32),
        ("status_2h", Precision::F32),
        ("temp_2h_c", Precision::F64),
        ("status_2h", Precision::F64),
    ] {
        let data = fever_data(target, 500);
        let train = TrainSettings {
            epochs: 9,
            optimizer: Optimizer::parse("adam").unwrap(),
            learning_rate: 0.01,
            ..Default::default()
        };
        let settings = settings(precision, train);
        let whole = fit(&data, &settings, |_| Control::Continue).unwrap();
        let pieces = stepped_in_pieces(&data, &settings);
        assert_eq!(
            flat(&whole.model),
            flat(&pieces.model),
            "{target} {precision:?}"
        );
        assert_eq!(
            without_times(&whole.history),
            without_times(&pieces.history)
        );
        assert_eq!(whole.test_metrics, pieces.test_metrics);
        assert_eq!(whole.history.epochs.len(), 9);
    }
}

#[test]
fn early_stopping_ends_a_stepped_run_with_the_best_weights() {
    let data = fever_data("temp_2h_c", 400);
    let train = TrainSettings {
        epochs: 200,
        learning_rate: 0.5,
        early_stopping: Some(EarlyStopping {
            patience: 2,
            ..Default::default()
        }),
        ..Default::default()
    };
    let settings = settings(Precision::F32, train);
    let whole = fit(&data, &settings, |_| Control::Continue).unwrap();
    assert!(
        whole.history.stopped_early,
        "the setting is meant to stop early"
    );
    let mut session = Session::new(&data, &settings).unwrap();
    let mut ended = None;
    while ended.is_none() {
        ended = session
            .step(Budget::Batches(5), |_| Control::Continue)
            .unwrap();
    }
    assert_eq!(ended, Some(RunEnd::EarlyStopping));
    let pieces = session.into_outcome().unwrap();
    assert_eq!(flat(&whole.model), flat(&pieces.model));
    assert_eq!(whole.history.best_epoch, pieces.history.best_epoch);
}

/// Batch gradient descent at η = 3 on the default 2-16-1 network: far
/// above the stable rate (0.2–0.5), it runs some epochs and then overflows
/// (`gradlab train … --lr 3 --batch-size full` on data/fever.csv diverged in
/// epoch 16).
fn too_fast(epochs: usize) -> FitSettings {
    FitSettings {
        train: TrainSettings {
            learning_rate: 3.0,
            batch_size: BatchSize::Full,
            epochs,
            ..Default::default()
        },
        ..Default::default()
    }
}

#[test]
fn a_diverged_session_holds_the_last_good_model() {
    let data = fever_data("temp_2h_c", 500);
    let mut session = Session::new(&data, &too_fast(1000)).unwrap();
    let error = session
        .step(Budget::ToEnd, |_| Control::Continue)
        .unwrap_err();
    let message = error.to_string();
    let Error::Diverged { epoch, .. } = error else {
        panic!("not a divergence: {message}");
    };
    assert!(epoch > 2, "{message}");
    let snapshot = session.snapshot(SnapshotDetail::default());
    assert_eq!(snapshot.ended, Some(RunEnd::Diverged));
    // A diverged run stays ended: stepping again trains nothing.
    let again = session
        .step(Budget::Batches(1), |_| Control::Continue)
        .unwrap();
    assert_eq!(again, Some(RunEnd::Diverged));
    let last_good = session.model();
    // The same fit stopped before the bad epoch ends with these weights.
    let good = fit(&data, &too_fast(epoch - 1), |_| Control::Continue).unwrap();
    assert_eq!(flat(&last_good), flat(&good.model));
    assert_eq!(
        last_good.info().input_scaler,
        good.model.info().input_scaler
    );
}

#[test]
fn a_learning_rate_changed_mid_run_applies_from_the_next_step() {
    let data = fever_data("temp_2h_c", 300);
    let train = TrainSettings {
        epochs: 4,
        batch_size: BatchSize::Full,
        shuffle: false,
        ..Default::default()
    };
    let settings = settings(Precision::F64, train.clone());
    // Two epochs at η = 0.05, then two at η = 0.2 …
    let mut session = Session::new(&data, &settings).unwrap();
    session
        .step(Budget::Epochs(2), |_| Control::Continue)
        .unwrap();
    session.adjust(Adjustment::LearningRate(0.2)).unwrap();
    assert_eq!(
        session.snapshot(SnapshotDetail::default()).learning_rate,
        0.2
    );
    session.step(Budget::ToEnd, |_| Control::Continue).unwrap();
    let rates: Vec<f64> = session
        .history()
        .epochs
        .iter()
        .map(|r| r.learning_rate)
        .collect();
    assert_eq!(rates, [0.05, 0.05, 0.2, 0.2]);
    let adjusted = flat(&session.model());
    // … differ from four epochs at η = 0.05.
    let plain = fit(&data, &settings, |_| Control::Continue).unwrap();
    assert_ne!(adjusted, flat(&plain.model));
    // A refused value changes nothing.
    let mut session = Session::new(&data, &settings).unwrap();
    assert!(session.adjust(Adjustment::LearningRate(-1.0)).is_err());
    assert_eq!(
        session.snapshot(SnapshotDetail::default()).learning_rate,
        0.05
    );
}

#[test]
fn batch_size_and_epochs_change_between_steps() {
    let data = fever_data("status_2h", 300);
    let train = TrainSettings {
        epochs: 2,
        batch_size: BatchSize::Samples(1),
        ..Default::default()
    };
    let settings = settings(Precision::F32, train);
    let mut session = Session::new(&data, &settings).unwrap();
    let rows = session.train_rows().len() as u64;
    session
        .step(Budget::Batches(10), |_| Control::Continue)
        .unwrap();
    session
        .adjust(Adjustment::BatchSize(BatchSize::Full))
        .unwrap();
    // The rest of the epoch is one batch, and the next epoch another.
    session
        .step(Budget::Batches(1), |_| Control::Continue)
        .unwrap();
    let snapshot = session.snapshot(SnapshotDetail::default());
    assert_eq!((snapshot.steps, snapshot.epochs_done), (11, 1));
    assert_eq!(
        session.step(Budget::ToEnd, |_| Control::Continue).unwrap(),
        Some(RunEnd::AllEpochs)
    );
    assert_eq!(session.history().steps, 12);
    // A finished run goes on when its epoch count is raised.
    session.adjust(Adjustment::Epochs(3)).unwrap();
    assert_eq!(
        session.step(Budget::ToEnd, |_| Control::Continue).unwrap(),
        Some(RunEnd::AllEpochs)
    );
    assert_eq!(session.history().epochs.len(), 3);
    assert!(
        session.adjust(Adjustment::Epochs(1)).is_err(),
        "already past epoch 1"
    );
    assert!(rows > 100);
}

#[test]
fn a_snapshot_gives_the_weights_and_backprops_gradient() {
    let data = fever_data("temp_2h_c", 200);
    let settings = settings(Precision::F64, TrainSettings::default());
    let session = Session::new(&data, &settings).unwrap();
    let detail = SnapshotDetail {
        weights: true,
        gradients: true,
    };
    let snapshot = session.snapshot(detail);
    let weights = snapshot.weights.unwrap();
    let names: Vec<&str> = weights.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "layers.0.weight",
            "layers.0.bias",
            "layers.1.weight",
            "layers.1.bias"
        ]
    );
    assert_eq!(weights[0].shape, [5, 2]);
    assert_eq!(weights[0].values.len(), 10);
    // The gradient against a central difference on one weight, in f64.
    let gradients = snapshot.gradients.unwrap();
    let AnyModel::F64(model) = session.model() else {
        unreachable!()
    };
    let train_rows: Vec<usize> = session.train_rows().to_vec();
    let examples = gradlab::model::examples::<f64>(&data, &train_rows, &model.info);
    let cost_at = |w: f64| {
        let mut network = model.network.clone();
        network.tensor_mut(2)[3] = w;
        gradlab::train::evaluation::evaluate_cost(&network, &examples)
    };
    let w = model.network.tensor(2)[3];
    let eps = 1e-6;
    let numerical = (cost_at(w + eps) - cost_at(w - eps)) / (2.0 * eps);
    let backprop = gradients.tensors[2].values[3];
    assert!(
        (numerical - backprop).abs() < 1e-7 * (1.0 + backprop.abs()),
        "{numerical} {backprop}"
    );
    assert!((gradients.cost - cost_at(w)).abs() < 1e-12);
}
