//! The model file: round trips, determinism, every kind of corruption, and
//! atomic saving (the rules of `docs/model-file.md`).

mod common;

use common::prediction_bits;
use gradlab::data::dataset::{Dataset, DatasetSpec};
use gradlab::data::fever;
use gradlab::data::scale::{Scaler, Scaling};
use gradlab::fit::fit;
use gradlab::model::{AnyModel, Predictions};
use gradlab::model_file::{self, from_bytes, load, save, to_bytes, MAX_HEADER_BYTES};
use gradlab::nn::activation::Activation;
use gradlab::settings::FitSettings;
use gradlab::train::trainer::{Control, TrainSettings};
use gradlab::{Error, Precision};
use proptest::prelude::*;
use serde_json::Value;
use std::path::Path;

const REGRESSION: &str = "temp_2h_c";
const CLASSIFICATION: &str = "status_2h";

fn settings(precision: Precision) -> FitSettings {
    FitSettings {
        hidden: vec![4],
        precision,
        train: TrainSettings {
            epochs: 5,
            ..TrainSettings::default()
        },
        ..FitSettings::default()
    }
}

/// A tiny model trained on 300 fever rows.
fn trained_with(target: &str, settings: &FitSettings) -> AnyModel {
    let spec = DatasetSpec {
        target: target.to_string(),
        inputs: Some(vec!["temp_c".into(), "dose_mg".into()]),
        ..DatasetSpec::default()
    };
    let dataset = Dataset::from_table(&fever::table(300, 1), &spec).unwrap();
    fit(&dataset, settings, |_| Control::Continue)
        .unwrap()
        .model
}

fn trained(target: &str, precision: Precision) -> AnyModel {
    trained_with(target, &settings(precision))
}

fn all_models() -> Vec<AnyModel> {
    let mut models = Vec::new();
    for target in [REGRESSION, CLASSIFICATION] {
        for precision in [Precision::F32, Precision::F64] {
            models.push(trained(target, precision));
        }
    }
    models
}

fn all_finite(model: &AnyModel) -> bool {
    match model {
        AnyModel::F32(m) => m.network.all_finite(),
        AnyModel::F64(m) => m.network.all_finite(),
    }
}

// ------------------------------------------------------------ round trips

#[test]
fn save_then_load_gives_the_same_model_and_bit_identical_predictions() {
    let dir = tempfile::tempdir().unwrap();
    let fresh = fever::table(100, 2);
    for (i, model) in all_models().iter().enumerate() {
        let path = dir.path().join(format!("model{i}.safetensors"));
        save(model, &path).unwrap();
        let loaded = load(&path).unwrap();
        assert_eq!(&loaded, model, "model {i}");
        let want = model.predict_table(&fresh).unwrap();
        let got = loaded.predict_table(&fresh).unwrap();
        assert_eq!(prediction_bits(&got), prediction_bits(&want), "model {i}");
    }
}

#[test]
fn other_activations_and_scalers_round_trip() {
    let cases = [
        (Activation::LecunTanh, Scaling::Minmax, vec![4]),
        (Activation::Relu, Scaling::MinmaxSymmetric, vec![5, 3]),
        (Activation::LeakyRelu, Scaling::None, vec![3]),
        (Activation::Sigmoid, Scaling::Standard, vec![]),
    ];
    for (activation, scaling, hidden) in cases {
        for target in [REGRESSION, CLASSIFICATION] {
            let mut settings = FitSettings {
                activation,
                scaling,
                hidden: hidden.clone(),
                ..settings(Precision::F64)
            };
            if scaling == Scaling::None {
                settings.train.learning_rate = 1e-6; // raw doses up to 1000 mg
            }
            let model = trained_with(target, &settings);
            let loaded = from_bytes(&to_bytes(&model), Path::new("m")).unwrap();
            assert_eq!(loaded, model, "{activation:?} {scaling:?} {target}");
        }
    }
}

#[test]
fn the_reference_safetensors_reader_accepts_the_file() {
    for model in all_models() {
        let bytes = to_bytes(&model);
        let (_, metadata) = safetensors::SafeTensors::read_metadata(&bytes).unwrap();
        let strings = metadata.metadata().as_ref().unwrap();
        assert_eq!(strings["format"], "pt");
        let info: Value = serde_json::from_str(&strings["gradlab"]).unwrap();
        assert_eq!(info["format_version"], 1);
        let file = safetensors::SafeTensors::deserialize(&bytes).unwrap();
        let network_tensors = match &model {
            AnyModel::F32(m) => (0..m.network.tensor_count())
                .map(|t| (m.network.tensor_name(t), m.network.tensor(t).len()))
                .collect::<Vec<_>>(),
            AnyModel::F64(m) => (0..m.network.tensor_count())
                .map(|t| (m.network.tensor_name(t), m.network.tensor(t).len()))
                .collect(),
        };
        assert_eq!(file.len(), network_tensors.len());
        let dtype = match model.info().precision {
            Precision::F32 => safetensors::Dtype::F32,
            Precision::F64 => safetensors::Dtype::F64,
        };
        // Data in parameter order, back to back.
        assert_eq!(
            metadata.offset_keys(),
            network_tensors
                .iter()
                .map(|t| t.0.clone())
                .collect::<Vec<_>>()
        );
        for (name, elements) in network_tensors {
            let view = file.tensor(&name).unwrap();
            assert_eq!(view.dtype(), dtype, "{name}");
            assert_eq!(view.shape().iter().product::<usize>(), elements, "{name}");
        }
    }
}

#[test]
fn header_is_padded_to_eight_bytes_and_lists_tensors_in_parameter_order() {
    let model = trained(REGRESSION, Precision::F32);
    let bytes = to_bytes(&model);
    let length = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
    assert_eq!(length % 8, 0);
    let header = std::str::from_utf8(&bytes[8..8 + length]).unwrap();
    let positions: Vec<usize> = [
        "\"__metadata__\"",
        "\"layers.0.weight\":{\"dtype\":\"F32\",\"shape\":[4,2],\"data_offsets\":[0,32]}",
        "\"layers.0.bias\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[32,48]}",
        "\"layers.1.weight\":{\"dtype\":\"F32\",\"shape\":[1,4],\"data_offsets\":[48,64]}",
        "\"layers.1.bias\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[64,68]}",
    ]
    .iter()
    .map(|s| {
        header
            .find(s)
            .unwrap_or_else(|| panic!("{s} not in {header}"))
    })
    .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{header}");
    assert_eq!(bytes.len(), 8 + length + 68);
}

// ------------------------------------------------------------ determinism

#[test]
fn the_same_model_gives_the_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    for model in all_models() {
        let (a, b) = (
            dir.path().join("a.safetensors"),
            dir.path().join("b.safetensors"),
        );
        save(&model, &a).unwrap();
        save(&model, &b).unwrap();
        assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
        assert_eq!(std::fs::read(&a).unwrap(), to_bytes(&model));
    }
}

#[test]
fn fitting_twice_with_the_same_seed_gives_the_same_bytes() {
    for precision in [Precision::F32, Precision::F64] {
        for target in [REGRESSION, CLASSIFICATION] {
            let first = to_bytes(&trained(target, precision));
            let second = to_bytes(&trained(target, precision));
            assert!(first == second, "{target} {precision:?}");
        }
    }
}

// ------------------------------------------------------------ corruption

/// The header JSON and the data of a valid file.
fn split(bytes: &[u8]) -> (Value, Vec<u8>) {
    let length = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
    let header = serde_json::from_slice(&bytes[8..8 + length]).unwrap();
    (header, bytes[8 + length..].to_vec())
}

/// A file from header text and data (no padding needed by the reader).
fn assemble(header: &str, data: &[u8]) -> Vec<u8> {
    let mut bytes = (header.len() as u64).to_le_bytes().to_vec();
    bytes.extend_from_slice(header.as_bytes());
    bytes.extend_from_slice(data);
    bytes
}

/// A valid f32 regression file (2 → 4 tanh → 1), split.
fn valid_parts() -> (Value, Vec<u8>) {
    split(&to_bytes(&trained(REGRESSION, Precision::F32)))
}

/// The message of the `BadModelFile` error that `bytes` must give.
fn bad_file_message(bytes: &[u8]) -> String {
    match from_bytes(bytes, Path::new("corrupt.safetensors")) {
        Err(Error::BadModelFile { path, message }) => {
            assert_eq!(path, Path::new("corrupt.safetensors"));
            message
        }
        Err(other) => panic!("expected BadModelFile, got {other}"),
        Ok(_) => panic!("a corrupt file loaded"),
    }
}

/// Asserts that `bytes` is refused with a message containing `word`.
fn assert_refused(bytes: &[u8], word: &str) {
    let message = bad_file_message(bytes);
    assert!(message.contains(word), "message lacks '{word}': {message}");
}

/// Edits the `gradlab` metadata JSON of a valid file (the f32 regression
/// model of [`valid_parts`]).
fn with_info(edit: impl FnOnce(&mut Value)) -> Vec<u8> {
    with_info_of(&to_bytes(&trained(REGRESSION, Precision::F32)), edit)
}

/// Edits the `gradlab` metadata JSON of the file `bytes`.
fn with_info_of(bytes: &[u8], edit: impl FnOnce(&mut Value)) -> Vec<u8> {
    let (mut header, data) = split(bytes);
    let text = header["__metadata__"]["gradlab"].as_str().unwrap();
    let mut info: Value = serde_json::from_str(text).unwrap();
    edit(&mut info);
    header["__metadata__"]["gradlab"] = Value::String(info.to_string());
    assemble(&header.to_string(), &data)
}

#[test]
fn too_short_files_are_refused() {
    assert_refused(b"", "too short");
    assert_refused(b"12345", "too short");
}

#[test]
fn truncated_files_are_refused() {
    let bytes = to_bytes(&trained(CLASSIFICATION, Precision::F64));
    let length = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
    for cut in [3, 8, 9, 8 + length / 2, 8 + length - 1] {
        assert_refused(
            &bytes[..cut],
            if cut < 8 { "too short" } else { "truncated" },
        );
    }
    for cut in [8 + length, 8 + length + 1, bytes.len() - 8, bytes.len() - 1] {
        assert_refused(&bytes[..cut], "outside the data section");
    }
}

#[test]
fn header_lengths_beyond_the_limit_or_the_file_are_refused() {
    let (header, data) = valid_parts();
    let mut bytes = assemble(&header.to_string(), &data);
    bytes[..8].copy_from_slice(&u64::MAX.to_le_bytes());
    assert_refused(&bytes, "limit");
    bytes[..8].copy_from_slice(&(MAX_HEADER_BYTES as u64 + 1).to_le_bytes());
    assert_refused(&bytes, "limit");
    let past_the_end = bytes.len() as u64 - 8 + 1;
    bytes[..8].copy_from_slice(&past_the_end.to_le_bytes());
    assert_refused(&bytes, "only");
}

#[test]
fn garbage_headers_are_refused() {
    let (_, data) = valid_parts();
    assert_refused(
        &assemble("this is not json", &data),
        "not valid safetensors JSON",
    );
    assert_refused(&assemble("[1, 2, 3]", &data), "JSON object");
    assert_refused(&assemble("{\"a\": 1}", &data), "not valid safetensors JSON");
    let mut bytes = assemble("{}", &data);
    bytes[8] = 0xFF;
    assert_refused(&bytes, "UTF-8");
    assert_refused(&assemble("{}", &data), "__metadata__");
}

#[test]
fn a_csv_file_is_refused() {
    let mut csv = Vec::new();
    fever::write_csv(&fever::generate(20, 1), &mut csv).unwrap();
    assert_refused(&csv, "safetensors");
}

#[test]
fn a_duplicate_tensor_name_is_refused() {
    let (header, data) = valid_parts();
    let text = header.to_string();
    let entry = format!("\"layers.0.bias\":{}", header["layers.0.bias"]);
    // The same entry twice: the Rust safetensors crate would accept this.
    let duplicated = text.replacen(&entry, &format!("{entry},{entry}"), 1);
    assert_ne!(duplicated, text);
    assert_refused(&assemble(&duplicated, &data), "twice");
    let twice_metadata = text.replacen(
        "{\"__metadata__\":{",
        "{\"__metadata__\":{\"format\":\"pt\",",
        1,
    );
    assert_refused(&assemble(&twice_metadata, &data), "twice");
}

#[test]
fn missing_and_unexpected_tensors_are_refused() {
    let (mut header, data) = valid_parts();
    let bias = header
        .as_object_mut()
        .unwrap()
        .remove("layers.1.bias")
        .unwrap();
    assert_refused(
        &assemble(&header.to_string(), &data[..64]),
        "layers.1.bias is missing",
    );
    header["layers.1.bias"] = bias;
    header["layers.2.weight"] =
        serde_json::json!({"dtype": "F32", "shape": [1, 1], "data_offsets": [68, 72]});
    let mut longer = data.clone();
    longer.extend_from_slice(&1.0f32.to_le_bytes());
    assert_refused(
        &assemble(&header.to_string(), &longer),
        "unexpected tensor 'layers.2.weight'",
    );
}

#[test]
fn missing_metadata_is_refused() {
    let (mut header, data) = valid_parts();
    header["__metadata__"]
        .as_object_mut()
        .unwrap()
        .remove("gradlab");
    assert_refused(&assemble(&header.to_string(), &data), "no 'gradlab' entry");
    header.as_object_mut().unwrap().remove("__metadata__");
    assert_refused(&assemble(&header.to_string(), &data), "no __metadata__");
}

#[test]
fn wrong_shapes_and_dtypes_are_refused() {
    let (header, data) = valid_parts();
    let mut edited = header.clone();
    edited["layers.1.weight"]["shape"] = serde_json::json!([4, 1]);
    let message = bad_file_message(&assemble(&edited.to_string(), &data));
    assert!(
        message
            .contains("tensor layers.1.weight has shape [4, 1], but the architecture needs [1, 4]"),
        "{message}"
    );
    let mut edited = header.clone();
    edited["layers.0.bias"]["dtype"] = "F64".into();
    assert_refused(&assemble(&edited.to_string(), &data), "dtype F64");
    // The metadata says f64 (its settings too), the tensors are F32.
    let bytes = with_info(|info| {
        info["precision"] = "f64".into();
        info["settings"]["precision"] = "f64".into();
    });
    assert_refused(&bytes, "dtype F32");
}

#[test]
fn bad_data_offsets_are_refused() {
    let (header, data) = valid_parts();
    // layers.0.bias and layers.1.weight are both 16 bytes: point both at one range.
    let mut edited = header.clone();
    edited["layers.1.weight"]["data_offsets"] = serde_json::json!([32, 48]);
    assert_refused(&assemble(&edited.to_string(), &data), "overlap");
    let mut edited = header.clone();
    edited["layers.1.weight"]["data_offsets"] = serde_json::json!([52, 68]);
    edited["layers.1.bias"]["data_offsets"] = serde_json::json!([48, 52]);
    assert!(from_bytes(&assemble(&edited.to_string(), &data), Path::new("m")).is_ok());
    edited["layers.1.bias"]["data_offsets"] = serde_json::json!([68, 72]);
    let mut longer = data.clone();
    longer.extend_from_slice(&[0; 4]);
    assert_refused(
        &assemble(&edited.to_string(), &longer),
        "belong to no tensor",
    );
    let mut edited = header.clone();
    edited["layers.0.weight"]["data_offsets"] = serde_json::json!([32, 0]);
    assert_refused(
        &assemble(&edited.to_string(), &data),
        "outside the data section",
    );
    let mut edited = header.clone();
    edited["layers.0.weight"]["data_offsets"] = serde_json::json!([0, 36]);
    assert_refused(&assemble(&edited.to_string(), &data), "needs 32");
    assert_refused(
        &assemble(&header.to_string(), &longer),
        "4 bytes after the last tensor",
    );
    let mut edited = header.clone();
    edited["layers.0.weight"]["extra"] = 1.into();
    assert_refused(&assemble(&edited.to_string(), &data), "unknown field");
}

#[test]
fn non_finite_weights_are_refused() {
    let (header, data) = valid_parts();
    for (value, word) in [
        (f32::NAN, "NaN"),
        (f32::INFINITY, "inf"),
        (f32::NEG_INFINITY, "-inf"),
    ] {
        let mut edited = data.clone();
        edited[12..16].copy_from_slice(&value.to_le_bytes());
        assert_refused(
            &assemble(&header.to_string(), &edited),
            &format!("layers.0.weight holds {word} at index 3"),
        );
        let mut edited = data.clone();
        edited[64..68].copy_from_slice(&value.to_le_bytes());
        assert_refused(
            &assemble(&header.to_string(), &edited),
            &format!("layers.1.bias holds {word} at index 0"),
        );
    }
}

#[test]
fn other_format_versions_and_bad_metadata_are_refused() {
    assert_refused(
        &with_info(|info| info["format_version"] = 999.into()),
        "format version 999",
    );
    // A future version may change every field: the version is still named.
    assert_refused(
        &with_info(|info| *info = serde_json::json!({"format_version": 2})),
        "format version 2",
    );
    assert_refused(
        &with_info(|info| info["task"] = "banana".into()),
        "not a valid model description",
    );
    assert_refused(
        &with_info(|info| info["input_columns"] = serde_json::json!(["a", "b", "c"])),
        "inconsistent",
    );
    assert_refused(
        &with_info(|info| info["target_scaler"] = Value::Null),
        "inconsistent",
    );
    assert_refused(
        &with_info(|info| info["architecture"]["sizes"] = serde_json::json!([2, 0, 1])),
        "inconsistent",
    );
    // A huge architecture must not be allocated: the data cannot hold it.
    let huge = with_info(|info| {
        info["architecture"]["sizes"] = serde_json::json!([2, 4_000_000_000_000u64, 1]);
        info["settings"]["hidden"] = serde_json::json!([4_000_000_000_000u64]);
    });
    assert_refused(&huge, "shape");
}

// ------------------------------------------- metadata no training run gives

/// Asserts that the metadata edit is refused as inconsistent with `message`.
fn assert_inconsistent(bytes: &[u8], message: &str) {
    assert_refused(
        bytes,
        &format!("the 'gradlab' metadata is inconsistent: {message}"),
    );
}

/// Edits the metadata of the f32 classifier (labels elevated, fever, normal).
fn with_classifier_info(edit: impl FnOnce(&mut Value)) -> Vec<u8> {
    let bytes = small_valid_file();
    let (header, _) = split(&bytes);
    let info: Value =
        serde_json::from_str(header["__metadata__"]["gradlab"].as_str().unwrap()).unwrap();
    assert_eq!(
        info["labels"],
        serde_json::json!(["elevated", "fever", "normal"])
    );
    with_info_of(&bytes, edit)
}

#[test]
fn an_input_named_twice_is_refused() {
    assert_inconsistent(
        &with_info(|info| info["input_columns"] = serde_json::json!(["temp_c", "temp_c"])),
        "input column name 'temp_c' appears twice (positions 1 and 2)",
    );
}

#[test]
fn an_empty_input_name_is_refused() {
    assert_inconsistent(
        &with_info(|info| info["input_columns"] = serde_json::json!(["temp_c", ""])),
        "input column name 2 is an empty string",
    );
}

#[test]
fn an_input_named_like_the_target_is_refused() {
    assert_inconsistent(
        &with_info(|info| info["input_columns"] = serde_json::json!(["temp_2h_c", "dose_mg"])),
        "the target column 'temp_2h_c' is also an input column",
    );
}

#[test]
fn an_empty_target_name_is_refused() {
    assert_inconsistent(
        &with_info(|info| info["target_column"] = "".into()),
        "the target column name is an empty string",
    );
}

#[test]
fn a_class_label_given_twice_is_refused() {
    let bytes = with_classifier_info(|info| {
        info["labels"] = serde_json::json!(["elevated", "fever", "fever"])
    });
    assert_inconsistent(
        &bytes,
        "class label 'fever' appears twice (positions 2 and 3)",
    );
}

#[test]
fn an_empty_class_label_is_refused() {
    let bytes =
        with_classifier_info(|info| info["labels"] = serde_json::json!(["elevated", "", "normal"]));
    assert_inconsistent(&bytes, "class label 2 is an empty string");
}

#[test]
fn invalid_stored_settings_are_refused() {
    assert_inconsistent(
        &with_info(|info| info["settings"]["train"]["learning_rate"] = (-0.05).into()),
        "the stored training settings are invalid: invalid learning rate: -0.05 (must be a positive number)",
    );
    assert_inconsistent(
        &with_info(|info| info["settings"]["train"]["epochs"] = 0.into()),
        "the stored training settings are invalid: invalid epochs: 0",
    );
    assert_inconsistent(
        &with_info(|info| info["settings"]["test_fraction"] = 1.5.into()),
        "the stored training settings are invalid: invalid test fraction: 1.5",
    );
}

/// Renames `key` of the JSON object `object` to `new_key`.
fn rename_key(object: &mut Value, key: &str, new_key: &str) {
    let object = object.as_object_mut().unwrap();
    let value = object.remove(key).unwrap();
    object.insert(new_key.to_owned(), value);
}

/// A flipped bit in a key (`h` → `i`) made a settings key unknown, which
/// serde skipped, and the setting read as its default.
#[test]
fn an_unknown_metadata_key_is_refused() {
    let unknown = |key: &str| {
        format!(
            "the 'gradlab' metadata has a key this gradlab does not know: '{key}' \
             (a corrupt file, or one written by another version)"
        )
    };
    let flipped = with_info(|info| rename_key(&mut info["settings"], "hidden", "iidden"));
    assert_refused(&flipped, &unknown("settings.iidden"));
    let nested = with_info(|info| {
        rename_key(
            &mut info["settings"]["train"],
            "learning_rate",
            "learning_ratE",
        )
    });
    assert_refused(&nested, &unknown("settings.train.learning_ratE"));
    let in_the_scaler = with_info(|info| info["input_scaler"]["scale"] = 2.into());
    assert_refused(&in_the_scaler, &unknown("input_scaler.scale"));
    let at_the_top = with_info(|info| info["comment"] = "hello".into());
    assert_refused(&at_the_top, &unknown("comment"));
}

/// The other side of refusing unknown keys: a settings key that a file
/// lacks (one written before the setting existed) reads as its default.
#[test]
fn a_missing_settings_key_reads_as_its_default() {
    let bytes = with_info(|info| {
        info["settings"]
            .as_object_mut()
            .unwrap()
            .remove("validation_fraction");
    });
    let model = from_bytes(&bytes, Path::new("older.safetensors")).unwrap();
    assert_eq!(
        model.info().settings.validation_fraction,
        FitSettings::default().validation_fraction
    );
}

#[test]
fn settings_that_do_not_give_the_network_are_refused() {
    assert_inconsistent(
        &with_info(|info| info["settings"]["hidden"] = serde_json::json!([5])),
        "the network is 2 → 4 tanh → 1, but the stored settings give 2 → 5 tanh → 1",
    );
    assert_inconsistent(
        &with_info(|info| info["settings"]["activation"] = "relu".into()),
        "the network is 2 → 4 tanh → 1, but the stored settings give 2 → 4 relu → 1",
    );
    // A regression network with the classifier's cost.
    assert_inconsistent(
        &with_info(|info| info["architecture"]["loss"] = "softmax-cross-entropy".into()),
        "the network is 2 → 4 tanh → 1 softmax, but the stored settings give 2 → 4 tanh → 1",
    );
}

#[test]
fn a_precision_other_than_the_settings_is_refused() {
    assert_inconsistent(
        &with_info(|info| info["settings"]["precision"] = "f64".into()),
        "the model is f32 but its stored settings say f64",
    );
}

#[test]
fn a_scaler_of_another_kind_than_the_settings_is_refused() {
    assert_inconsistent(
        &with_info(|info| info["settings"]["scaling"] = "minmax".into()),
        "the input scaler is not the 'minmax' scaling the stored settings name",
    );
    assert_inconsistent(
        &with_info(|info| info["settings"]["target_scaling"] = "minmax-symmetric".into()),
        "the target scaler is not the 'minmax-symmetric' scaling the stored settings name",
    );
}

// ------------------------------------------- never writing what cannot load

/// A model whose file would not load back: `spoil` breaks its f32 form.
fn spoiled(spoil: impl FnOnce(&mut gradlab::model::Model<f32>)) -> AnyModel {
    let AnyModel::F32(mut model) = trained(REGRESSION, Precision::F32) else {
        unreachable!("trained in f32")
    };
    spoil(&mut model);
    AnyModel::F32(model)
}

#[test]
fn a_model_that_would_not_load_back_is_not_saved() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("model.safetensors");
    std::fs::write(&path, b"old").unwrap();
    let infinite_scaler = spoiled(|m| {
        m.info.input_scaler = Scaler::Standard {
            mean: vec![38.0, f64::INFINITY],
            std: vec![1.0, 1.0],
        }
    });
    let nan_weight = spoiled(|m| m.network.tensor_mut(2)[1] = f32::NAN);
    let duplicate_input = spoiled(|m| m.info.input_columns[1] = "temp_c".into());
    for (model, problem) in [
        (infinite_scaler, "mean[1] is inf, not a finite number"),
        (nan_weight, "tensor layers.1.weight holds NaN at index 1"),
        (duplicate_input, "input column name 'temp_c' appears twice"),
    ] {
        match save(&model, &path) {
            Err(Error::BadModelFile { path: p, message }) => {
                assert_eq!(p, path);
                assert!(
                    message.starts_with("not written, since it would not load back: "),
                    "{message}"
                );
                assert!(message.contains(problem), "{message}");
            }
            other => panic!("{problem}: {other:?}"),
        }
        assert_eq!(std::fs::read(&path).unwrap(), b"old");
        assert_eq!(directory_entries(dir.path()), ["model.safetensors"]);
    }
}

#[test]
fn io_errors_name_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("absent.safetensors");
    match load(&path) {
        Err(Error::Io { path: p, .. }) => assert_eq!(p, path),
        other => panic!("{other:?}"),
    }
    let csv = dir.path().join("data.csv");
    std::fs::write(&csv, "temp_c,dose_mg\n39.5,500\n").unwrap();
    match load(&csv) {
        Err(Error::BadModelFile { path: p, .. }) => assert_eq!(p, csv),
        other => panic!("{other:?}"),
    }
}

fn small_valid_file() -> Vec<u8> {
    static FILE: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    FILE.get_or_init(|| to_bytes(&trained(CLASSIFICATION, Precision::F32)))
        .clone()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Bit flips never panic; a flip that still loads (e.g. in a weight's
    /// mantissa) gives a consistent, all-finite model.
    #[test]
    fn bit_flips_never_panic(flips in proptest::collection::vec((any::<prop::sample::Index>(), 0..8u8), 1..4)) {
        let mut bytes = small_valid_file();
        for (index, bit) in &flips {
            let i = index.index(bytes.len());
            bytes[i] ^= 1 << bit;
        }
        if let Ok(model) = from_bytes(&bytes, Path::new("flipped")) {
            prop_assert!(all_finite(&model));
            prop_assert!(model.info().check().is_ok());
        }
    }

    /// Truncations are always refused, without panicking.
    #[test]
    fn truncations_are_refused(cut in any::<prop::sample::Index>()) {
        let bytes = small_valid_file();
        let cut = cut.index(bytes.len());
        let refused = matches!(from_bytes(&bytes[..cut], Path::new("cut")), Err(Error::BadModelFile { .. }));
        prop_assert!(refused);
    }
}

// ------------------------------------------------------------ atomic save

fn directory_entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn saving_into_a_missing_directory_fails_and_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("missing").join("model.safetensors");
    let model = trained(REGRESSION, Precision::F32);
    match save(&model, &path) {
        Err(Error::Io { path: p, .. }) => assert_eq!(p, path),
        other => panic!("{other:?}"),
    }
    assert!(directory_entries(dir.path()).is_empty());
}

#[test]
fn a_failed_save_leaves_the_target_and_no_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    // The target is a directory with a file in it: the rename must fail.
    let target = dir.path().join("model.safetensors");
    std::fs::create_dir(&target).unwrap();
    std::fs::write(target.join("keep.txt"), "old").unwrap();
    let model = trained(REGRESSION, Precision::F32);
    match save(&model, &target) {
        Err(Error::Io { path, .. }) => assert_eq!(path, target),
        other => panic!("{other:?}"),
    }
    assert_eq!(directory_entries(dir.path()), ["model.safetensors"]);
    assert_eq!(
        std::fs::read_to_string(target.join("keep.txt")).unwrap(),
        "old"
    );
}

#[test]
fn saving_over_an_existing_file_replaces_it_and_leaves_no_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("model.safetensors");
    std::fs::write(&path, "old contents").unwrap();
    let model = trained(CLASSIFICATION, Precision::F64);
    save(&model, &path).unwrap();
    assert_eq!(directory_entries(dir.path()), ["model.safetensors"]);
    assert_eq!(load(&path).unwrap(), model);
}

#[test]
fn a_path_without_a_file_name_is_an_io_error() {
    let model = trained(REGRESSION, Precision::F32);
    assert!(matches!(
        save(&model, Path::new("/")),
        Err(Error::Io { .. })
    ));
    assert!(matches!(
        save(&model, Path::new("..")),
        Err(Error::Io { .. })
    ));
}

// ------------------------------------------------------------ PyTorch / numpy

/// Runs `scripts/load_in_pytorch.py` (numpy fallback) on saved models and
/// compares its predictions for 39.5 °C, 500 mg with gradlab's. Needs
/// `python3` with `safetensors` and `numpy`: `cargo test -- --ignored`.
#[test]
#[ignore]
fn the_python_script_predicts_what_gradlab_predicts() {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/load_in_pytorch.py");
    let cases = [
        (
            "reg_f32_lecun",
            REGRESSION,
            Precision::F32,
            Activation::LecunTanh,
            Scaling::Minmax,
            vec![4],
        ),
        (
            "cls_f32_tanh",
            CLASSIFICATION,
            Precision::F32,
            Activation::Tanh,
            Scaling::Standard,
            vec![4],
        ),
        (
            "reg_f64_relu",
            REGRESSION,
            Precision::F64,
            Activation::Relu,
            Scaling::MinmaxSymmetric,
            vec![5, 3],
        ),
        (
            "cls_f64_leaky",
            CLASSIFICATION,
            Precision::F64,
            Activation::LeakyRelu,
            Scaling::None,
            vec![3],
        ),
        (
            "reg_f32_sigmoid",
            REGRESSION,
            Precision::F32,
            Activation::Sigmoid,
            Scaling::Standard,
            vec![4],
        ),
        (
            "cls_f32_linear",
            CLASSIFICATION,
            Precision::F32,
            Activation::Linear,
            Scaling::Minmax,
            vec![],
        ),
        (
            "reg_f64_elu",
            REGRESSION,
            Precision::F64,
            Activation::Elu,
            Scaling::Standard,
            vec![5],
        ),
    ];
    let inputs = gradlab::Matrix::from_rows(&[vec![39.5, 500.0]]).unwrap();
    for (name, target, precision, activation, scaling, hidden) in cases {
        let settings = FitSettings {
            activation,
            scaling,
            hidden,
            ..settings(precision)
        };
        let model = trained_with(target, &settings);
        let path = std::env::temp_dir().join(format!("gradlab_pt_check_{name}.safetensors"));
        model_file::save(&model, &path).unwrap();
        let output = std::process::Command::new("python3")
            .arg(&script)
            .args(["--numpy", "--json"])
            .arg(&path)
            .args(["39.5", "500"])
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let python: Value = serde_json::from_slice(&output.stdout).unwrap();
        let (ours, theirs): (Vec<f64>, Vec<f64>) = match model.predict(&inputs) {
            Predictions::Regression(values) => {
                (values, vec![python["prediction"].as_f64().unwrap()])
            }
            Predictions::Classification { probabilities, .. } => (
                probabilities.as_slice().to_vec(),
                python["probabilities"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|p| p.as_f64().unwrap())
                    .collect(),
            ),
        };
        let worst = ours
            .iter()
            .zip(&theirs)
            .map(|(a, b)| (a - b).abs() / a.abs().max(1e-12))
            .fold(0.0, f64::max);
        println!(
            "{name}: gradlab {ours:?}, python {theirs:?}, largest relative difference {worst:.2e}"
        );
        let tolerance = if precision == Precision::F32 {
            1e-5
        } else {
            1e-12
        };
        assert!(ours.len() == theirs.len() && worst < tolerance, "{name}");
    }
}
