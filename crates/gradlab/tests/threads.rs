//! Training on one thread and on two gives the same bits, and with two the
//! matrix products really are shared out: `matrix::take_shared_products`
//! counts the products whose blocks were computed on more than one thread.
//! A test binary of its own, so that no other test's products run while it
//! counts.

use gradlab::data::dataset::{Dataset, DatasetSpec};
use gradlab::data::fever;
use gradlab::fit::fit;
use gradlab::matrix;
use gradlab::model::AnyModel;
use gradlab::settings::FitSettings;
use gradlab::train::trainer::{BatchSize, Control, TrainSettings};
use gradlab::Precision;

fn data(target: &str) -> Dataset {
    let spec = DatasetSpec {
        target: target.into(),
        inputs: Some(vec!["temp_c".into(), "dose_mg".into()]),
        ..Default::default()
    };
    Dataset::from_table(&fever::table(1_000, 3), &spec).unwrap()
}

fn bits(model: &AnyModel) -> Vec<u64> {
    match model {
        AnyModel::F32(m) => m.network.to_flat().iter().map(|w| w.to_bits()).collect(),
        AnyModel::F64(m) => m.network.to_flat().iter().map(|w| w.to_bits()).collect(),
    }
}

/// 2 → 512 → 512 → out, batches of 256: the 512 × 512 layer's products are
/// 256 · 512 · 512 ≈ 67 M multiply-adds, far above the 2²² (≈ 4.2 M) from
/// which `gradlab::matrix::gemm` hands a product to several threads.
fn settings(precision: Precision) -> FitSettings {
    FitSettings {
        hidden: vec![512, 512],
        precision,
        train: TrainSettings {
            batch_size: BatchSize::Samples(256),
            epochs: 2,
            seed: 3,
            ..Default::default()
        },
        ..Default::default()
    }
}

/// Trains with `threads` threads; returns the weights' bits and how many
/// products were shared out between threads.
fn train_with(threads: usize, data: &Dataset, settings: &FitSettings) -> (Vec<u64>, u64) {
    matrix::set_threads(threads);
    matrix::take_shared_products();
    let outcome = fit(data, settings, |_| Control::Continue).unwrap();
    let used = matrix::take_shared_products();
    matrix::set_threads(0);
    (bits(&outcome.model), used)
}

#[test]
fn one_thread_and_two_train_the_same_bits_and_two_really_share_the_work() {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    for (target, precision) in [("status_2h", Precision::F32), ("temp_2h_c", Precision::F64)] {
        let data = data(target);
        let settings = settings(precision);
        let (one, shared_by_one) = train_with(1, &data, &settings);
        assert_eq!(shared_by_one, 0, "one thread shares no product");
        // Work stealing decides which thread takes a block: on a busy
        // machine the second may come late. A few tries let it show.
        let mut shared_by_two = 0;
        for _ in 0..5 {
            let (two, shared) = train_with(2, &data, &settings);
            assert_eq!(one, two, "{target} in {precision:?}: 1 thread vs 2");
            shared_by_two += shared;
            if shared_by_two > 0 {
                break;
            }
        }
        if cores >= 2 {
            assert!(
                shared_by_two > 0,
                "no product had its blocks on two threads"
            );
        }
    }
}
