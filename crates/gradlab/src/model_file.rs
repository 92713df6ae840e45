//! The model file: one `.safetensors` file (DESIGN.md §4). STUB — being written.

use crate::error::Result;
use crate::model::AnyModel;
use std::path::Path;

/// Writes `model` to `path` atomically.
pub fn save(model: &AnyModel, path: &Path) -> Result<()> {
    let _ = (model, path);
    todo!("model_file::save")
}

/// Reads and validates a model file.
pub fn load(path: &Path) -> Result<AnyModel> {
    let _ = path;
    todo!("model_file::load")
}
