//! A directory of pictures, and the pictures of one trained model in it.

use crate::error::{Error, Result};
use crate::input_plane::input_plane;
use crate::loss_curves::loss_curves;
use gradlab::data::dataset::Dataset;
use gradlab::data::task::Task;
use gradlab::model::AnyModel;
use gradlab::train::trainer::History;
use std::path::{Path, PathBuf};

/// A directory that pictures are written into, and their format.
#[derive(Debug, Clone)]
pub struct Pictures {
    dir: PathBuf,
    extension: String,
    /// Costs on a logarithmic axis.
    pub log_scale: bool,
}

impl Pictures {
    /// Pictures in `dir` (made if missing) as `extension` (`png` or `svg`).
    pub fn new(dir: &Path, extension: &str, log_scale: bool) -> Result<Pictures> {
        std::fs::create_dir_all(dir).map_err(|source| Error::Directory {
            path: dir.to_owned(),
            source,
        })?;
        Ok(Pictures {
            dir: dir.to_owned(),
            extension: extension.to_owned(),
            log_scale,
        })
    }

    /// The path of the picture called `name`.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.join(format!("{name}.{}", self.extension))
    }
}

/// The pictures of one trained model: `loss` and, with two inputs,
/// `regions` or `surface`, in `pictures`' directory. Returns their paths.
pub fn fit_pictures(
    pictures: &Pictures,
    history: &History,
    model: &AnyModel,
    dataset: &Dataset,
    train_rows: &[usize],
    prefix: &str,
) -> Result<Vec<PathBuf>> {
    let info = model.info();
    let mut written = Vec::new();
    let loss = pictures.path(&format!("{prefix}loss"));
    loss_curves(history, info, pictures.log_scale, &loss)?;
    written.push(loss);
    let name = match info.task {
        Task::Classification => "regions",
        Task::Regression => "surface",
    };
    let plane = pictures.path(&format!("{prefix}{name}"));
    if input_plane(model, dataset, train_rows, &plane)? {
        written.push(plane);
    }
    Ok(written)
}
