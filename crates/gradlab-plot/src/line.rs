//! Line charts, e.g. train and test loss per epoch, optionally on a log scale.

use crate::axis::{padded, span, Axis, TICKS};
use crate::canvas::{self, drawing_error, Picture};
use crate::error::{invalid_data, Result};
use crate::format::Format;
use crate::palette;
use crate::series::Series;
use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::Path;

/// Lines over a shared x axis, e.g. train and test loss per epoch.
#[derive(Debug, Clone, PartialEq)]
pub struct LineChart {
    /// The title above the picture.
    pub title: String,
    /// What the x axis shows.
    pub x_label: String,
    /// What the y axis shows.
    pub y_label: String,
    /// A logarithmic x axis, e.g. for gradient steps or seconds that differ by
    /// orders of magnitude between series. Points with `x <= 0` are skipped.
    pub log_x: bool,
    /// A logarithmic y axis. Points with `y <= 0` cannot be shown on it and are
    /// skipped (like non-finite points); it is an error only if no point is left.
    pub log_y: bool,
    /// The lines, each in its own colour and listed in the legend.
    pub series: Vec<Series>,
}

/// Draws `chart` as a PNG or SVG file (see the crate doc).
///
/// Non-finite points, and with `log_y` points with `y <= 0`, are skipped; a
/// series left without points gets "(no points)" after its legend label. It is
/// an error if no series has a point left.
pub fn line_chart(chart: &LineChart, path: &Path) -> Result<()> {
    let format = Format::from_path(path)?;
    let picture = prepare(chart)?;
    canvas::save(&picture, format, path)
}

/// Series with this many points or fewer get a marker on each point.
const MARKED_POINTS: usize = 25;

/// A line chart with its data cleaned and its axes chosen.
#[derive(Debug)]
pub(crate) struct Prepared<'a> {
    chart: &'a LineChart,
    /// Per series: its points, with y as `log10(y)` on a log axis.
    lines: Vec<Vec<(f64, f64)>>,
    x: Axis,
    y: Axis,
}

/// Checks `chart` and keeps the points that can be drawn (see [`line_chart`]).
pub(crate) fn prepare(chart: &LineChart) -> Result<Prepared<'_>> {
    if chart.series.is_empty() {
        invalid_data!("the line chart {:?} has no series to draw", chart.title);
    }
    let total: usize = chart.series.iter().map(|series| series.points.len()).sum();
    let lines: Vec<Vec<(f64, f64)>> = chart
        .series
        .iter()
        .map(|series| {
            series
                .points
                .iter()
                .filter(|(x, y)| {
                    x.is_finite()
                        && y.is_finite()
                        && (!chart.log_y || *y > 0.0)
                        && (!chart.log_x || *x > 0.0)
                })
                .map(|&(x, y)| {
                    (
                        if chart.log_x { x.log10() } else { x },
                        if chart.log_y { y.log10() } else { y },
                    )
                })
                .collect()
        })
        .collect();
    let kept: usize = lines.iter().map(Vec::len).sum();
    if kept == 0 {
        if total == 0 {
            invalid_data!("the line chart {:?} has no points to draw", chart.title);
        }
        let unusable = if chart.log_y || chart.log_x {
            "non-finite or not positive (a log axis shows only values > 0)"
        } else {
            "non-finite"
        };
        invalid_data!(
            "the line chart {:?} has nothing to draw: all {total} points are {unusable}",
            chart.title
        );
    }
    let points = || lines.iter().flatten();
    let (x_lo, x_hi) = span(points().map(|point| point.0)).unwrap_or((0.0, 1.0));
    let (y_lo, y_hi) = span(points().map(|point| point.1)).unwrap_or((0.0, 1.0));
    let (x_lo, x_hi) = padded(x_lo, x_hi, 0.0);
    let (y_lo, y_hi) = padded(y_lo, y_hi, 0.05);
    let y = if chart.log_y {
        Axis::log(y_lo, y_hi)
    } else {
        Axis::linear(y_lo, y_hi, TICKS)
    };
    let x = if chart.log_x {
        Axis::log(x_lo, x_hi)
    } else {
        Axis::linear(x_lo, x_hi, TICKS + 2)
    };
    Ok(Prepared { chart, lines, x, y })
}

impl Picture for Prepared<'_> {
    fn size(&self) -> (u32, u32) {
        (900, 600)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()> {
        let area = canvas::titled(root, &self.chart.title)?;
        let mut chart = ChartBuilder::on(&area)
            .margin_left(10)
            .margin_right(30)
            .margin_bottom(10)
            .x_label_area_size(55)
            .y_label_area_size(80)
            .build_cartesian_2d(self.x.coord(), self.y.coord())
            .map_err(drawing_error)?;
        let y_desc = if self.chart.log_y {
            format!("{} (log scale)", self.chart.y_label)
        } else {
            self.chart.y_label.clone()
        };
        let x_desc = if self.chart.log_x {
            format!("{} (log scale)", self.chart.x_label)
        } else {
            self.chart.x_label.clone()
        };
        let x_label = |value: &f64| self.x.label(*value);
        let y_label = |value: &f64| self.y.label(*value);
        chart
            .configure_mesh()
            .x_desc(x_desc)
            .y_desc(y_desc)
            .x_label_formatter(&x_label)
            .y_label_formatter(&y_label)
            .label_style(canvas::text(canvas::TICK_SIZE))
            .axis_desc_style(canvas::text(canvas::AXIS_LABEL_SIZE))
            .bold_line_style(BLACK.mix(0.15))
            .light_line_style(BLACK.mix(0.06))
            .draw()
            .map_err(drawing_error)?;

        for (index, (series, points)) in self.chart.series.iter().zip(&self.lines).enumerate() {
            let colour = palette::strong(index);
            let line_style = colour.stroke_width(2);
            let drawn = chart
                .draw_series(LineSeries::new(points.iter().copied(), line_style))
                .map_err(drawing_error)?;
            let label = if points.is_empty() {
                format!("{} (no points)", series.label)
            } else {
                series.label.clone()
            };
            if !label.is_empty() {
                drawn.label(label).legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 24, y)], colour.stroke_width(3))
                });
            }
            if points.len() <= MARKED_POINTS {
                chart
                    .draw_series(
                        points
                            .iter()
                            .map(|&point| Circle::new(point, 3, colour.filled())),
                    )
                    .map_err(drawing_error)?;
            }
        }
        if self
            .chart
            .series
            .iter()
            .any(|series| !series.label.is_empty())
        {
            let corner = canvas::emptiest_corner(
                self.lines.iter().flatten().copied(),
                (self.x.lo, self.x.hi),
                (self.y.lo, self.y.hi),
            );
            canvas::draw_legend(&mut chart, corner, 32)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::{self, Image, Svg};

    fn loss_curves(log_y: bool) -> LineChart {
        let curve = |scale: f64, floor: f64| Series {
            label: String::new(),
            points: (0..=100)
                .map(|epoch| {
                    let t = f64::from(epoch);
                    (
                        t,
                        floor + scale * (-t / 18.0).exp() * (1.0 + 0.05 * (t * 1.3).sin()),
                    )
                })
                .collect(),
        };
        LineChart {
            title: "Training loss".to_string(),
            x_label: "epoch".to_string(),
            y_label: "mean squared error".to_string(),
            log_x: false,
            log_y,
            series: vec![
                Series {
                    label: "train".to_string(),
                    ..curve(2.0, 0.004)
                },
                Series {
                    label: "test".to_string(),
                    ..curve(2.2, 0.009)
                },
            ],
        }
    }

    #[test]
    fn loss_curves_are_drawn_as_png_and_svg() {
        let dir = tempfile::tempdir().unwrap();
        let chart = loss_curves(false);
        let (image, svg) =
            check::both_formats(dir.path(), "line_chart", &chart.title, (900, 600), |path| {
                line_chart(&chart, path)
            });
        descending_curves_are_drawn(&image, &svg, &chart, 101);
        let chart = loss_curves(true);
        let (image, svg) = check::both_formats(
            dir.path(),
            "line_chart_log",
            &chart.title,
            (900, 600),
            |path| line_chart(&chart, path),
        );
        descending_curves_are_drawn(&image, &svg, &chart, 101);
    }

    /// Checks a picture of `chart`, whose series all descend: in the SVG each
    /// series is one line of `points` points, left to right and ending lower
    /// than it starts, with its label in the legend; in the PNG the series'
    /// colour lies on that line (or on its legend swatch), lower on the right
    /// than on the left.
    fn descending_curves_are_drawn(image: &Image, svg: &Svg, chart: &LineChart, points: usize) {
        let texts = svg.texts();
        for label in [&chart.x_label, &chart.y_label] {
            let found = texts.iter().any(|text| text.starts_with(label.as_str()));
            assert!(found, "{label:?} missing from {texts:?}");
        }
        for (index, series) in chart.series.iter().enumerate() {
            let colour = palette::strong(index);
            assert!(
                texts.contains(&series.label),
                "no legend entry {:?}",
                series.label
            );
            let lines = svg.polylines(colour, 2);
            assert_eq!(lines.len(), 1, "series {index}: {lines:?}");
            let line = &lines[0];
            assert_eq!(line.len(), points, "series {index}");
            assert!(line.windows(2).all(|pair| pair[0].0 < pair[1].0));
            assert!(
                line[points - 1].1 > line[0].1,
                "series {index} does not descend"
            );
            let swatch = &svg.polylines(colour, 3)[0];
            let (left, right) = (line[0].0, line[points - 1].0);
            let (top, bottom) = line.iter().fold((i32::MAX, i32::MIN), |(lo, hi), p| {
                (lo.min(p.1), hi.max(p.1))
            });
            let near_line = |(x, y): (i32, i32)| {
                x >= left - 2 && x <= right + 2 && y >= top - 2 && y <= bottom + 2
            };
            let near_swatch = |(x, y): (i32, i32)| {
                x >= swatch[0].0 - 2 && x <= swatch[1].0 + 2 && (y - swatch[0].1).abs() <= 2
            };
            let pixels: Vec<(i32, i32)> = image
                .pixels_of(colour)
                .into_iter()
                .map(|(x, y)| (x as i32, y as i32))
                .filter(|&p| !near_swatch(p))
                .collect();
            assert!(
                pixels.len() > 200,
                "series {index}: {} pixels",
                pixels.len()
            );
            assert!(
                pixels.iter().all(|&p| near_line(p)),
                "series {index} off its line"
            );
            let quarter = (right - left) / 4;
            let mean_y = |from: i32, to: i32| {
                check::mean(
                    pixels
                        .iter()
                        .filter(|p| p.0 >= from && p.0 < to)
                        .map(|p| f64::from(p.1)),
                )
            };
            assert!(
                mean_y(left, left + quarter) < mean_y(right - quarter, right + 3),
                "series {index}: the PNG's line does not descend"
            );
        }
    }

    #[test]
    fn a_log_axis_skips_values_that_are_not_positive() {
        let mut chart = loss_curves(true);
        chart.series[0].points[5].1 = 0.0;
        chart.series[0].points[6].1 = -1.0;
        chart.series[1].points[7].1 = f64::NAN;
        let prepared = prepare(&chart).unwrap();
        assert_eq!(prepared.lines[0].len(), 99);
        assert_eq!(prepared.lines[1].len(), 100);

        for series in &mut chart.series {
            for point in &mut series.points {
                point.1 = 0.0;
            }
        }
        let error = prepare(&chart).unwrap_err().to_string();
        assert!(error.contains("not positive"), "{error}");
    }

    #[test]
    fn a_log_x_axis_skips_values_that_are_not_positive() {
        let mut chart = loss_curves(false);
        chart.log_x = true;
        // Epoch 0 cannot be shown on a log axis; the other 100 points can.
        let prepared = prepare(&chart).unwrap();
        assert_eq!(prepared.lines[0].len(), 100);
        assert_eq!(prepared.lines[0][0].0, 0.0); // log10(1)
        let dir = tempfile::tempdir().unwrap();
        let (image, svg) = check::both_formats(
            dir.path(),
            "line_chart_log_x",
            &chart.title,
            (900, 600),
            |path| line_chart(&chart, path),
        );
        descending_curves_are_drawn(&image, &svg, &chart, 100);
    }

    #[test]
    fn empty_or_non_finite_data_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("loss.png");
        let mut chart = loss_curves(false);
        chart.series.clear();
        assert!(line_chart(&chart, &path).is_err());
        chart.series.push(Series {
            label: "train".to_string(),
            points: vec![],
        });
        assert!(line_chart(&chart, &path).is_err());
        chart.series[0].points = vec![(0.0, f64::NAN), (f64::INFINITY, 1.0)];
        let error = line_chart(&chart, &path).unwrap_err().to_string();
        assert!(error.contains("non-finite"), "{error}");
        assert!(!path.exists());
    }

    #[test]
    fn a_single_point_or_a_flat_line_is_drawn() {
        let dir = tempfile::tempdir().unwrap();
        let mut chart = loss_curves(true);
        chart.series = vec![Series {
            label: "one".to_string(),
            points: vec![(3.0, 0.5)],
        }];
        line_chart(&chart, &dir.path().join("one.png")).unwrap();
        chart.log_y = false;
        chart.series[0].points = vec![(0.0, 2.0), (1.0, 2.0), (2.0, 2.0)];
        line_chart(&chart, &dir.path().join("flat.svg")).unwrap();
    }

    #[test]
    fn other_extensions_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let error = line_chart(&loss_curves(false), &dir.path().join("loss.pdf")).unwrap_err();
        assert!(error.to_string().contains(".pdf"), "{error}");
    }

    #[test]
    fn extreme_values_are_drawn_without_panicking() {
        let dir = tempfile::tempdir().unwrap();
        let mut chart = loss_curves(false);
        chart.series = vec![Series {
            label: "extreme".to_string(),
            points: vec![(-1e308, 1e308), (1e308, -1e308), (0.0, 5e-324)],
        }];
        line_chart(&chart, &dir.path().join("extreme.png")).unwrap();
        chart.log_y = true;
        line_chart(&chart, &dir.path().join("extreme.svg")).unwrap();
    }
}
