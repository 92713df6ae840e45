//! The course's pictures made from training results: loss curves, the
//! decision regions of a two-input classifier and the prediction surface of
//! a two-input regression. [`crate::plot`] draws; this module decides what
//! goes into each picture and how it is labelled.

use crate::plot::{self, ClassRegions, Grid, HeatMap, LineChart, Series};
use crate::report;
use clap::Args;
use gradlab::analysis::regions::{padded_range, prediction_grid};
use gradlab::data::dataset::{Dataset, Target};
use gradlab::data::task::Task;
use gradlab::model::{AnyModel, ModelInfo, Predictions};
use gradlab::nn::loss::Loss;
use gradlab::train::trainer::History;
use std::path::{Path, PathBuf};

/// The picture flags of `train` and `compare`.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Pictures")]
pub struct PlotArgs {
    /// Write pictures into this directory (made if missing): loss curves, and
    /// for two inputs the decision regions or the prediction surface.
    #[arg(long, value_name = "DIR")]
    pub plot: Option<PathBuf>,
    /// The pictures' file format.
    #[arg(long, value_name = "FORMAT", default_value = "png", value_parser = ["png", "svg"])]
    pub plot_format: String,
    /// Draw costs on a logarithmic axis.
    #[arg(long)]
    pub log_scale: bool,
}

impl PlotArgs {
    /// Where the pictures go, if anywhere; the directory is made here,
    /// before any training.
    pub fn pictures(&self) -> anyhow::Result<Option<Pictures>> {
        self.plot
            .as_ref()
            .map(|dir| Pictures::new(dir, &self.plot_format, self.log_scale))
            .transpose()
    }
}

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
    pub fn new(dir: &Path, extension: &str, log_scale: bool) -> anyhow::Result<Pictures> {
        std::fs::create_dir_all(dir).map_err(|err| {
            anyhow::anyhow!("cannot make the picture directory {}: {err}", dir.display())
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

/// A column name for an axis, with what it means and its unit when gradlab
/// knows the column (the fever data's).
pub fn column_label(name: &str) -> String {
    match name {
        "temp_c" => "temperature now, temp_c (°C)".to_owned(),
        "dose_mg" => "dose, dose_mg (mg)".to_owned(),
        "temp_2h_c" => "temperature after 2 h, temp_2h_c (°C)".to_owned(),
        other => other.to_owned(),
    }
}

/// The unit of a regression target, when gradlab knows the column; else
/// "target units".
pub fn target_unit(name: &str) -> &'static str {
    match name {
        "temp_2h_c" | "temp_c" => "°C",
        _ => "target units",
    }
}

/// What the cost is, short, for an axis: `cost (MSE, scaled target)`.
pub fn cost_axis(loss: Loss) -> &'static str {
    match loss {
        Loss::Mse => "cost: mean squared error (scaled target)",
        Loss::SoftmaxCrossEntropy => "cost: cross-entropy",
    }
}

/// The test metric the history records, for people: `test RMSE (°C)` or
/// `test accuracy`.
pub fn metric_label(info: &ModelInfo) -> String {
    match info.task {
        Task::Regression => format!("test RMSE ({})", target_unit(&info.target_column)),
        Task::Classification => "test accuracy".to_owned(),
    }
}

/// Loss curves of one run: training, validation (with early stopping) and
/// test cost per epoch; with early stopping, the epoch whose weights were
/// kept as a vertical line.
pub fn loss_curves(
    history: &History,
    info: &ModelInfo,
    log_y: bool,
    path: &Path,
) -> anyhow::Result<()> {
    let points = |pick: &dyn Fn(&gradlab::train::trainer::EpochRecord) -> Option<f64>| {
        history
            .epochs
            .iter()
            .filter_map(|r| pick(r).map(|y| (r.epoch as f64, y)))
            .collect::<Vec<_>>()
    };
    let mut series = vec![Series {
        label: "training cost".to_owned(),
        points: points(&|r| Some(r.train_cost)),
    }];
    let validation = points(&|r| r.validation_cost);
    if !validation.is_empty() {
        series.push(Series {
            label: "validation cost (watched by early stopping)".to_owned(),
            points: validation,
        });
    }
    let test = points(&|r| r.test_cost);
    if !test.is_empty() {
        series.push(Series {
            label: "test cost".to_owned(),
            points: test,
        });
    }
    if let Some(best) = history.best_epoch {
        let ys = series
            .iter()
            .flat_map(|s| s.points.iter().map(|p| p.1))
            .filter(|y| y.is_finite() && (!log_y || *y > 0.0));
        let (low, high) = ys.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), y| {
            (lo.min(y), hi.max(y))
        });
        if low <= high {
            let stopped = if history.stopped_early {
                ", stopped early"
            } else {
                ""
            };
            series.push(Series {
                label: format!("best epoch {best} (weights kept{stopped})"),
                points: vec![(best as f64, low), (best as f64, high)],
            });
        }
    }
    let chart = LineChart {
        title: format!("Loss curves: {}, {}", info.architecture, info.target_column),
        x_label: "epoch".to_owned(),
        y_label: cost_axis(info.architecture.loss).to_owned(),
        log_x: false,
        log_y,
        series,
    };
    plot::line_chart(&chart, path)
}

/// Points drawn on a plane picture: at most this many rows (a seeded
/// subsample when there are more), so the background stays visible.
const MAX_POINTS: usize = 1500;

/// Grid points per axis of the decision regions and the prediction surface.
const PLANE_RESOLUTION: usize = 200;

/// For a model with two inputs: the decision regions (classification) or
/// the prediction surface (regression) over the inputs' range, with the
/// rows `rows` of `dataset` drawn on top. Returns false (and draws nothing)
/// when the model does not have exactly two inputs.
pub fn input_plane(
    model: &AnyModel,
    dataset: &Dataset,
    rows: &[usize],
    path: &Path,
) -> anyhow::Result<bool> {
    let info = model.info();
    if info.input_columns.len() != 2 || dataset.inputs.cols() != 2 {
        return Ok(false);
    }
    let rows = subsample(rows, MAX_POINTS);
    let part = dataset.subset(&rows);
    let column = |j: usize| -> Vec<f64> { part.inputs.iter_rows().map(|r| r[j]).collect() };
    let (xs, ys) = (column(0), column(1));
    let x_range = padded_range(&xs, 0.03);
    let y_range = padded_range(&ys, 0.03);
    let grid = prediction_grid(model, x_range, y_range, PLANE_RESOLUTION)?;
    let (x_label, y_label) = (
        column_label(&info.input_columns[0]),
        column_label(&info.input_columns[1]),
    );
    match (grid.predictions, &part.target) {
        (
            Predictions::Classification { classes, .. },
            Target::Classification { classes: truth, .. },
        ) => {
            let regions = ClassRegions {
                title: format!(
                    "Decision regions of {} ({})",
                    info.target_column, info.architecture
                ),
                x_label,
                y_label,
                labels: info.labels.clone(),
                grid_x: grid.xs,
                grid_y: grid.ys,
                grid_class: classes,
                points: xs
                    .iter()
                    .zip(&ys)
                    .zip(truth)
                    .map(|((&x, &y), &class)| (x, y, class))
                    .collect(),
            };
            plot::class_regions(&regions, path)?;
        }
        (Predictions::Regression(values), _) => {
            let unit = target_unit(&info.target_column);
            let map = HeatMap {
                title: format!(
                    "Predicted {} ({}); dots: training rows",
                    info.target_column, info.architecture
                ),
                x_label,
                y_label,
                grid: Grid {
                    x: grid.xs,
                    y: grid.ys,
                    values,
                },
                log_color: false,
                contours: 12,
                paths: Vec::new(),
                marks: Vec::new(),
                dots: xs.iter().copied().zip(ys.iter().copied()).collect(),
                value_label: format!("predicted {} ({unit})", info.target_column),
            };
            plot::heat_map(&map, path)?;
        }
        _ => anyhow::bail!("the model's predictions do not match the data's task"),
    }
    Ok(true)
}

/// At most `limit` of `rows`, evenly spread (deterministic).
fn subsample(rows: &[usize], limit: usize) -> Vec<usize> {
    if rows.len() <= limit {
        return rows.to_vec();
    }
    (0..limit).map(|i| rows[i * rows.len() / limit]).collect()
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
) -> anyhow::Result<Vec<PathBuf>> {
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

/// `seconds` for a table: `0.412 s`.
pub fn seconds(value: f64) -> String {
    format!("{} s", report::significant(value, 3))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subsamples_spread_over_the_rows() {
        let rows: Vec<usize> = (0..10).collect();
        assert_eq!(subsample(&rows, 20), rows);
        assert_eq!(subsample(&rows, 5), [0, 2, 4, 6, 8]);
    }

    #[test]
    fn fever_columns_get_units() {
        assert_eq!(column_label("temp_c"), "temperature now, temp_c (°C)");
        assert_eq!(column_label("x1"), "x1");
        assert_eq!(target_unit("temp_2h_c"), "°C");
    }
}
