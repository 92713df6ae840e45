//! The loss curves of one training run, from its [`History`].

use crate::error::Result;
use crate::labels::cost_axis;
use crate::line::{line_chart, LineChart};
use crate::series::Series;
use gradlab::model::ModelInfo;
use gradlab::train::trainer::{EpochRecord, History};
use std::path::Path;

/// Loss curves of one run: training, validation (with early stopping) and
/// test cost per epoch; with early stopping, the epoch whose weights were
/// kept as a vertical line.
pub fn loss_curves(history: &History, info: &ModelInfo, log_y: bool, path: &Path) -> Result<()> {
    line_chart(&loss_chart(history, info, log_y), path)
}

/// The line chart that [`loss_curves`] draws.
pub fn loss_chart(history: &History, info: &ModelInfo, log_y: bool) -> LineChart {
    let points = |pick: &dyn Fn(&EpochRecord) -> Option<f64>| {
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
    if let Some(best) = best_epoch_line(history, &series, log_y) {
        series.push(best);
    }
    LineChart {
        title: format!("Loss curves: {}, {}", info.architecture, info.target_column),
        x_label: "epoch".to_owned(),
        y_label: cost_axis(info.architecture.loss).to_owned(),
        log_x: false,
        log_y,
        series,
    }
}

/// With early stopping, a vertical line at the epoch whose weights were
/// kept, spanning the costs of `series` that can be drawn.
fn best_epoch_line(history: &History, series: &[Series], log_y: bool) -> Option<Series> {
    let best = history.best_epoch?;
    let ys = series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.1))
        .filter(|y| y.is_finite() && (!log_y || *y > 0.0));
    let (low, high) = ys.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), y| {
        (lo.min(y), hi.max(y))
    });
    if low > high {
        return None;
    }
    let stopped = if history.stopped_early {
        ", stopped early"
    } else {
        ""
    };
    Some(Series {
        label: format!("best epoch {best} (weights kept{stopped})"),
        points: vec![(best as f64, low), (best as f64, high)],
    })
}
