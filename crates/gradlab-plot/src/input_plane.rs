//! The plane of a model's two inputs: the decision regions of a classifier
//! or the prediction surface of a regression, with training rows on top.

use crate::error::{Error, Result};
use crate::heat::{heat_map, Grid, HeatMap};
use crate::labels::{column_label, target_unit};
use crate::regions::{class_regions, ClassRegions};
use gradlab::analysis::regions::{padded_range, prediction_grid};
use gradlab::data::dataset::{Dataset, Target};
use gradlab::model::{AnyModel, Predictions};
use std::path::Path;

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
) -> Result<bool> {
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
            class_regions(&regions, path)?;
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
            heat_map(&map, path)?;
        }
        _ => return Err(Error::TaskMismatch),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subsamples_spread_over_the_rows() {
        let rows: Vec<usize> = (0..10).collect();
        assert_eq!(subsample(&rows, 20), rows);
        assert_eq!(subsample(&rows, 5), [0, 2, 4, 6, 8]);
    }
}
