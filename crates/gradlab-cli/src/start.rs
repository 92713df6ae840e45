//! Where brute force and the gradient check start, for people: the engine's
//! [`Start`] from the start flags, and the notes saying which rows and which
//! weights it holds.

use crate::start_args::StartArgs;
use gradlab::data::csv::Table;
use gradlab::element::Float;
use gradlab::methods::start::{self, Start, StartOrigin};
use gradlab::model::AnyModel;
use gradlab::Precision;

/// The start the flags ask for in precision `T`: `model`'s weights when
/// `--model` was given (and loaded into `model`), else the seeded start.
pub fn from_args<T: Float>(
    args: &StartArgs,
    model: Option<&AnyModel>,
    table: &Table,
) -> anyhow::Result<Start<T>> {
    if let (Some(model), Some(path)) = (model, &args.model) {
        return Ok(start::from_model::<T>(
            model,
            &path.display().to_string(),
            table,
        )?);
    }
    let dataset = args.dataset(table)?;
    let precision = if T::BYTES == 8 {
        Precision::F64
    } else {
        Precision::F32
    };
    let settings = args.fit_settings(precision);
    Ok(start::from_settings::<T>(
        &dataset,
        &settings,
        table.source_name(),
    )?)
}

/// Which rows a start holds: "4000 training rows of F (the other 1000 held
/// out for testing)".
pub fn rows_note(origin: &StartOrigin) -> String {
    match origin {
        StartOrigin::Seeded {
            train_rows,
            test_rows,
            source,
            ..
        } => format!(
            "{train_rows} training rows of {source} (the other {test_rows} held out for testing)"
        ),
        StartOrigin::Model { rows, source, .. } => {
            format!("all {rows} rows of {source}, scaled by the model's scalers")
        }
        StartOrigin::Given { rows } => format!("{rows} given rows"),
    }
}

/// Where a start's weights come from.
pub fn weights_note(origin: &StartOrigin) -> String {
    match origin {
        StartOrigin::Seeded { init, seed, .. } => {
            format!("the seeded initial weights ({init} init, seed {seed})")
        }
        StartOrigin::Model { model, .. } => format!("the weights of {model}"),
        StartOrigin::Given { .. } => "the given weights".to_owned(),
    }
}
