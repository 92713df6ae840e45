//! One module per subcommand; each has its clap arguments and a `run`.

pub mod bench;
pub mod brute_force;
pub mod compare;
pub mod curvature;
pub mod demo;
pub mod eval;
pub mod explain;
pub mod generate;
pub mod grad;
pub mod gradcheck;
pub mod inspect;
pub mod landscape;
pub mod lecun;
pub mod methods;
pub mod minima;
pub mod predict;
pub mod train;

use gradlab::model::AnyModel;
use std::path::Path;

/// Reads and validates the model file at `path`.
fn load_model(path: &Path) -> anyhow::Result<AnyModel> {
    Ok(gradlab::model_file::load(path)?)
}

/// Checks a model path before any work is done: not `-` (a model is a
/// binary file, not something for stdout) and in a directory that exists.
fn check_model_path(path: &Path) -> anyhow::Result<()> {
    if crate::output::is_dash(path) {
        anyhow::bail!(
            "a model cannot be written to stdout (-); give a file name such as model.safetensors"
        );
    }
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() && !dir.is_dir() => anyhow::bail!(
            "cannot write the model to {}: the directory {} does not exist",
            path.display(),
            dir.display()
        ),
        _ => Ok(()),
    }
}

/// Checks, before any work, that the directory `path` is to be written in
/// exists (`-`, stdout, is always fine); `what` names the file in the error.
fn check_out_directory(path: &Path, what: &str) -> anyhow::Result<()> {
    match path.parent() {
        Some(dir)
            if !crate::output::is_dash(path) && !dir.as_os_str().is_empty() && !dir.is_dir() =>
        {
            anyhow::bail!(
                "cannot write the {what} to {}: the directory {} does not exist",
                path.display(),
                dir.display()
            )
        }
        _ => Ok(()),
    }
}

/// Saves `model` to `path` (atomically: the engine writes a temporary file
/// and renames it).
fn save_model(model: &AnyModel, path: &Path) -> anyhow::Result<()> {
    check_model_path(path)?;
    Ok(gradlab::model_file::save(model, path)?)
}
