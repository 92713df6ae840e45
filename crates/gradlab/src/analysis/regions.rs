//! What a two-input model predicts over the whole input plane: the
//! decision regions of a classifier, the prediction surface of a regression.

use crate::analysis::evenly_spaced;
use crate::error::{Error, Result};
use crate::matrix::Matrix;
use crate::model::{AnyModel, Predictions};
use crate::setting::Setting;

/// Predictions on a grid over two inputs.
#[derive(Debug, Clone, PartialEq)]
pub struct PredictionGrid {
    /// Values of the first input, ascending.
    pub xs: Vec<f64>,
    /// Values of the second input, ascending.
    pub ys: Vec<f64>,
    /// The model's predictions, row `iy * xs.len() + ix` for (`xs[ix]`, `ys[iy]`).
    pub predictions: Predictions,
}

/// Predicts at every point of a `resolution × resolution` grid over
/// `x_range` (first input) × `y_range` (second input), in raw units. The
/// model must take exactly two inputs.
pub fn prediction_grid(
    model: &AnyModel,
    x_range: (f64, f64),
    y_range: (f64, f64),
    resolution: usize,
) -> Result<PredictionGrid> {
    let inputs = &model.info().input_columns;
    if inputs.len() != 2 {
        return Err(Error::setting(
            Setting::Inputs,
            format!(
                "the model takes {} inputs; the picture needs exactly two",
                inputs.len()
            ),
        ));
    }
    let xs = evenly_spaced(x_range, resolution)?;
    let ys = evenly_spaced(y_range, resolution)?;
    let points: Vec<f64> = ys
        .iter()
        .flat_map(|&y| xs.iter().flat_map(move |&x| [x, y]))
        .collect();
    let grid = Matrix::from_vec(resolution * resolution, 2, points).expect("n × 2");
    Ok(PredictionGrid {
        predictions: model.predict(&grid),
        xs,
        ys,
    })
}

/// `[min, max]` of `values` widened by `margin` of the span on each side
/// (a constant column gets ±1).
pub fn padded_range(values: &[f64], margin: f64) -> (f64, f64) {
    let low = values.iter().copied().fold(f64::INFINITY, f64::min);
    let high = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let span = high - low;
    if span > 0.0 {
        (low - margin * span, high + margin * span)
    } else {
        (low - 1.0, high + 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn padded_range_by_hand() {
        assert_eq!(padded_range(&[36.0, 41.0], 0.1), (35.5, 41.5));
        assert_eq!(padded_range(&[2.0, 2.0], 0.1), (1.0, 3.0));
    }
}
