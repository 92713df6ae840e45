//! Histograms, e.g. of the final cost over many restarts, with marked values.

use crate::axis::{padded, significant, span, Axis, TICKS};
use crate::canvas::{self, drawing_error, Picture};
use crate::error::{invalid_data, Result};
use crate::format::Format;
use crate::palette;
use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::Path;

/// A histogram of values, e.g. the final cost of many restarts.
#[derive(Debug, Clone, PartialEq)]
pub struct Histogram {
    /// The title above the picture.
    pub title: String,
    /// What the x axis shows.
    pub x_label: String,
    /// The values to count; non-finite ones are left out and counted in the x axis label.
    pub values: Vec<f64>,
    /// The number of equal-width bins between the smallest and largest value (at least 1).
    pub bins: usize,
    /// Vertical lines with labels, e.g. `("best", 0.012)`; listed in the legend with their value.
    pub marks: Vec<(String, f64)>,
}

/// Draws `h` as a PNG or SVG file (see the crate doc). Non-finite values are
/// left out and counted in the x axis label.
pub fn histogram(h: &Histogram, path: &Path) -> Result<()> {
    let format = Format::from_path(path)?;
    let picture = prepare(h)?;
    canvas::save(&picture, format, path)
}

/// The colour of the bars.
const BAR: RGBColor = RGBColor(70, 130, 180);

/// More bins than this could not be told apart in the picture.
const MAX_BINS: usize = 1000;

/// A histogram with its values counted into bins.
#[derive(Debug)]
pub(crate) struct Prepared<'a> {
    histogram: &'a Histogram,
    /// The left edge of the first bin and the width of every bin.
    start: f64,
    width: f64,
    counts: Vec<usize>,
    non_finite: usize,
    marks: Vec<(String, f64)>,
    x: Axis,
    y: Axis,
}

/// Checks `h` and counts its values (see [`histogram`]).
pub(crate) fn prepare(h: &Histogram) -> Result<Prepared<'_>> {
    if !(1..=MAX_BINS).contains(&h.bins) {
        invalid_data!(
            "the histogram {:?} needs 1 to {MAX_BINS} bins, not {}",
            h.title,
            h.bins
        );
    }
    let finite: Vec<f64> = h.values.iter().copied().filter(|v| v.is_finite()).collect();
    let non_finite = h.values.len() - finite.len();
    let Some((lo, hi)) = span(finite.iter().copied()) else {
        if h.values.is_empty() {
            invalid_data!("the histogram {:?} has no values to count", h.title);
        }
        invalid_data!(
            "the histogram {:?} has nothing to count: all {non_finite} values are non-finite",
            h.title
        );
    };
    let (start, end) = if hi > lo {
        (lo, hi)
    } else {
        padded(lo, hi, 0.0)
    };
    let width = (end - start) / h.bins as f64;
    let mut counts = vec![0; h.bins];
    for value in &finite {
        let bin = ((value - start) / width).floor().max(0.0) as usize;
        counts[bin.min(h.bins - 1)] += 1;
    }
    let marks: Vec<(String, f64)> = h
        .marks
        .iter()
        .filter(|(_, value)| value.is_finite())
        .cloned()
        .collect();
    let (x_lo, x_hi) = span(marks.iter().map(|mark| mark.1).chain([start, end]))
        .expect("the range includes the values");
    let (x_lo, x_hi) = padded(x_lo, x_hi, 0.03);
    let highest = counts.iter().copied().max().unwrap_or(0) as f64;
    Ok(Prepared {
        histogram: h,
        start,
        width,
        counts,
        non_finite,
        marks,
        x: Axis::linear(x_lo, x_hi, TICKS + 1),
        y: Axis::counts(0.0, (highest * 1.12).max(1.0)),
    })
}

impl Prepared<'_> {
    /// The corner of the plot where the bars are lowest, for the legend.
    fn legend_corner(&self) -> SeriesLabelPosition {
        let step = self.y.hi / 20.0;
        let bars = self.counts.iter().enumerate().flat_map(|(index, &count)| {
            let centre = self.start + (index as f64 + 0.5) * self.width;
            let height = count as f64;
            (0..=20)
                .map(move |k| f64::from(k) * step)
                .take_while(move |&y| y <= height)
                .map(move |y| (centre, y))
        });
        let marks = self.marks.iter().map(|&(_, value)| (value, self.y.hi));
        canvas::emptiest_corner(
            bars.chain(marks),
            (self.x.lo, self.x.hi),
            (self.y.lo, self.y.hi),
        )
    }
}

impl Picture for Prepared<'_> {
    fn size(&self) -> (u32, u32) {
        (900, 600)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()> {
        let area = canvas::titled(root, &self.histogram.title)?;
        let mut chart = ChartBuilder::on(&area)
            .margin_left(10)
            .margin_right(30)
            .margin_bottom(10)
            .x_label_area_size(55)
            .y_label_area_size(75)
            .build_cartesian_2d(self.x.coord(), self.y.coord())
            .map_err(drawing_error)?;
        let x_desc = match self.non_finite {
            0 => self.histogram.x_label.clone(),
            1 => format!("{} (1 non-finite value not shown)", self.histogram.x_label),
            n => format!(
                "{} ({n} non-finite values not shown)",
                self.histogram.x_label
            ),
        };
        let x_label = |value: &f64| self.x.label(*value);
        let y_label = |value: &f64| self.y.label(*value);
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_desc(x_desc)
            .y_desc("count")
            .x_label_formatter(&x_label)
            .y_label_formatter(&y_label)
            .label_style(canvas::text(canvas::TICK_SIZE))
            .axis_desc_style(canvas::text(canvas::AXIS_LABEL_SIZE))
            .bold_line_style(BLACK.mix(0.12))
            .draw()
            .map_err(drawing_error)?;

        let bar = |index: usize| {
            let left = self.start + index as f64 * self.width;
            [(left, 0.0), (left + self.width, self.counts[index] as f64)]
        };
        let filled = (0..self.counts.len()).filter(|&index| self.counts[index] > 0);
        chart
            .draw_series(
                filled
                    .clone()
                    .map(|index| Rectangle::new(bar(index), BAR.filled())),
            )
            .map_err(drawing_error)?;
        chart
            .draw_series(filled.map(|index| Rectangle::new(bar(index), WHITE.stroke_width(1))))
            .map_err(drawing_error)?;

        let top = self.y.hi;
        for (index, (label, value)) in self.marks.iter().enumerate() {
            let colour = palette::strong(index + 3);
            let drawn = chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(*value, 0.0), (*value, top)],
                    colour.stroke_width(3),
                )))
                .map_err(drawing_error)?;
            let text = format!("{label} = {}", significant(*value, 4));
            drawn.label(text).legend(move |(x, y)| {
                PathElement::new(
                    vec![(x + 12, y - 8), (x + 12, y + 8)],
                    colour.stroke_width(3),
                )
            });
        }
        if !self.marks.is_empty() {
            canvas::draw_legend(&mut chart, self.legend_corner(), 26)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check;

    fn final_costs() -> Histogram {
        // Two basins: most restarts reach the global minimum (≈ 0.02), some a
        // local one (≈ 0.35); two diverged.
        let mut values: Vec<f64> = (0..70)
            .map(|i| 0.02 + 0.004 * ((f64::from(i) * 0.7).sin() + 1.0))
            .collect();
        values.extend((0..28).map(|i| 0.35 + 0.03 * (f64::from(i) * 1.3).cos()));
        values.extend([f64::INFINITY, f64::NAN]);
        Histogram {
            title: "Final cost of 100 restarts".to_string(),
            x_label: "final cost (MSE)".to_string(),
            values,
            bins: 30,
            marks: vec![("best".to_string(), 0.0201), ("median".to_string(), 0.0245)],
        }
    }

    #[test]
    fn costs_are_drawn_as_png_and_svg() {
        let dir = tempfile::tempdir().unwrap();
        let h = final_costs();
        let (image, svg) =
            check::both_formats(dir.path(), "histogram", &h.title, (900, 600), |path| {
                histogram(&h, path)
            });
        let texts = svg.texts();
        for text in [
            "best = 0.0201",
            "median = 0.0245",
            "final cost (MSE) (2 non-finite values not shown)",
        ] {
            assert!(texts.iter().any(|t| t == text), "{text:?} missing");
        }
        // One bar per bin with values, in order, standing on one baseline,
        // as tall as its count.
        let counts: Vec<usize> = prepare(&h).unwrap().counts;
        let filled: Vec<usize> = counts.into_iter().filter(|&c| c > 0).collect();
        let mut bars = svg.rects(BAR);
        bars.sort_by_key(|bar| bar.0);
        assert_eq!(bars.len(), filled.len(), "{bars:?}");
        let per_count = f64::from(bars[0].3) / filled[0] as f64;
        for (bar, &count) in bars.iter().zip(&filled) {
            assert_eq!(bar.1 + bar.3, bars[0].1 + bars[0].3, "{bar:?}");
            let expected = count as f64 * per_count;
            assert!(
                (f64::from(bar.3) - expected).abs() <= 1.0,
                "{bar:?}: {count}"
            );
        }
        // The PNG fills the same bars, less their white outlines and the two
        // marks across the first bar: about 78 % of the bars' area.
        let area: i32 = bars.iter().map(|bar| bar.2 * bar.3).sum();
        let painted = image.count(BAR) as f64;
        assert!(
            painted > 0.7 * f64::from(area) && painted <= f64::from(area),
            "{painted} bar pixels for bars of {area}"
        );
    }

    #[test]
    fn values_are_counted_into_their_bins() {
        let h = Histogram {
            title: "t".to_string(),
            x_label: "x".to_string(),
            values: vec![0.0, 0.1, 0.5, 0.99, 1.0, f64::NAN],
            bins: 2,
            marks: vec![],
        };
        let prepared = prepare(&h).unwrap();
        assert_eq!(prepared.counts, [2, 3]);
        assert_eq!(prepared.non_finite, 1);
    }

    #[test]
    fn equal_values_or_one_value_are_drawn() {
        let dir = tempfile::tempdir().unwrap();
        let mut h = final_costs();
        h.values = vec![0.3; 5];
        histogram(&h, &dir.path().join("equal.png")).unwrap();
        h.values = vec![0.0];
        h.bins = 1;
        histogram(&h, &dir.path().join("one.svg")).unwrap();
    }

    #[test]
    fn empty_or_non_finite_data_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("h.png");
        let mut h = final_costs();
        h.values = vec![f64::NAN, f64::INFINITY];
        let error = histogram(&h, &path).unwrap_err().to_string();
        assert!(error.contains("all 2 values are non-finite"), "{error}");
        h.values.clear();
        assert!(histogram(&h, &path).is_err());
        let mut h = final_costs();
        h.bins = 0;
        assert!(histogram(&h, &path).is_err());
        assert!(!path.exists());
    }
}
