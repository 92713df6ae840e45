//! Heat maps: a function of two variables as viridis colours with a colour
//! bar, contour lines, trajectories and labelled points on top. Used for loss
//! landscapes and for the prediction surface of a 2-input regression.

use crate::axis::{cell_edges, check_grid_axis, padded, span, Axis, TICKS};
use crate::canvas::{self, drawing_error, Picture};
use crate::contour::{self, Field};
use crate::error::{invalid_data, Result};
use crate::format::Format;
use crate::palette;
use crate::series::Series;
use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::Path;

/// Values sampled on a rectangular grid.
#[derive(Debug, Clone, PartialEq)]
pub struct Grid {
    /// `nx` strictly ascending x positions.
    pub x: Vec<f64>,
    /// `ny` strictly ascending y positions.
    pub y: Vec<f64>,
    /// `ny × nx` values, row-major: `values[iy * nx + ix]` is at `(x[ix], y[iy])`.
    pub values: Vec<f64>,
}

/// A function of two variables as colours, e.g. a loss landscape over two
/// weights, with contour lines, optimizer trajectories and labelled points.
#[derive(Debug, Clone, PartialEq)]
pub struct HeatMap {
    /// The title above the picture.
    pub title: String,
    /// What the x axis shows.
    pub x_label: String,
    /// What the y axis shows.
    pub y_label: String,
    /// At least 2 × 2 points. Non-finite values are drawn grey.
    pub grid: Grid,
    /// Colours (and contour levels) on a log scale. Values `<= 0` then get the
    /// colour of the smallest positive value; it is an error if there is none.
    pub log_color: bool,
    /// The number of contour levels, evenly spaced in colour; 0 = none.
    pub contours: usize,
    /// Trajectories drawn on top, each with a start marker (hollow circle) and
    /// an end marker (filled circle). Clipped to the grid's rectangle.
    pub paths: Vec<Series>,
    /// Labelled points, e.g. `("minimum", w1, w2)`.
    pub marks: Vec<(String, f64, f64)>,
    /// Small unlabelled dots, e.g. the training rows under a prediction surface.
    pub dots: Vec<(f64, f64)>,
    /// What the colours mean, written along the colour bar (e.g. "cost");
    /// empty for none.
    pub value_label: String,
}

/// Draws `map` as a PNG or SVG file (see the crate doc): a viridis colour
/// scale with a colour bar, contour lines found by marching squares, and the
/// trajectories and marks on top.
pub fn heat_map(map: &HeatMap, path: &Path) -> Result<()> {
    let format = Format::from_path(path)?;
    let picture = prepare(map)?;
    canvas::save(&picture, format, path)
}

/// More trajectories than this share one legend entry.
const LABELLED_PATHS: usize = 8;

/// More contour lines than this could not be told apart.
const MAX_CONTOURS: usize = 100;

/// The width of the colour bar panel, in pixels.
const BAR_PANEL: u32 = 135;

/// The rectangle `x0..x1 × y0..y1` that is drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Bounds {
    x0: f64,
    x1: f64,
    y0: f64,
    y1: f64,
}

/// A heat map with its data checked and its colours chosen.
#[derive(Debug)]
pub(crate) struct Prepared<'a> {
    map: &'a HeatMap,
    /// The values as coloured: `log10` with `log_color`; NaN for no value.
    colour_values: Vec<f64>,
    /// The range of `colour_values`, which the colour scale spans.
    lo: f64,
    hi: f64,
    missing: usize,
    levels: Vec<f64>,
    x_edges: Vec<f64>,
    y_edges: Vec<f64>,
    x: Axis,
    y: Axis,
    bar: Axis,
    /// The finite points of each trajectory.
    paths: Vec<Vec<(f64, f64)>>,
}

/// Checks `map` and chooses its colours (see [`heat_map`]).
pub(crate) fn prepare(map: &HeatMap) -> Result<Prepared<'_>> {
    let grid = &map.grid;
    check_grid_axis("x", &grid.x)?;
    check_grid_axis("y", &grid.y)?;
    let expected = grid.x.len() * grid.y.len();
    if grid.values.len() != expected {
        invalid_data!(
            "the heat map grid has {} values, but {} x by {} y positions need {expected}",
            grid.values.len(),
            grid.x.len(),
            grid.y.len()
        );
    }
    if map.contours > MAX_CONTOURS {
        invalid_data!(
            "a heat map can have at most {MAX_CONTOURS} contour levels, not {}",
            map.contours
        );
    }
    let colour_values = colour_values(&grid.values, map.log_color)?;
    let (lo, hi) = span(colour_values.iter().copied().filter(|v| v.is_finite()))
        .expect("colour_values() fails when no value is finite");
    let missing = colour_values.iter().filter(|v| !v.is_finite()).count();
    let (bar_lo, bar_hi) = padded(lo, hi, 0.0);
    let bar = if map.log_color {
        Axis::log(bar_lo, bar_hi)
    } else {
        Axis::linear(bar_lo, bar_hi, TICKS + 1)
    };
    let levels = if hi > lo {
        contour::levels(lo, hi, map.contours)
    } else {
        Vec::new()
    };
    let (x_edges, y_edges) = (cell_edges(&grid.x), cell_edges(&grid.y));
    let (x0, x1) = (x_edges[0], x_edges[x_edges.len() - 1]);
    let (y0, y1) = (y_edges[0], y_edges[y_edges.len() - 1]);
    let paths = map
        .paths
        .iter()
        .map(|path| {
            path.points
                .iter()
                .copied()
                .filter(|(x, y)| x.is_finite() && y.is_finite())
                .collect()
        })
        .collect();
    Ok(Prepared {
        map,
        colour_values,
        lo,
        hi,
        missing,
        levels,
        x: Axis::linear(x0, x1, TICKS),
        y: Axis::linear(y0, y1, TICKS),
        x_edges,
        y_edges,
        bar,
        paths,
    })
}

/// The values on the colour scale: as they are, or `log10` of them with
/// values `<= 0` raised to the smallest positive value; NaN where there is
/// no finite value. An error if nothing is left to colour.
fn colour_values(values: &[f64], log_color: bool) -> Result<Vec<f64>> {
    let finite = values.iter().filter(|v| v.is_finite()).count();
    if finite == 0 {
        if values.is_empty() {
            invalid_data!("the heat map has no values");
        }
        invalid_data!(
            "the heat map has nothing to draw: all {} values are non-finite",
            values.len()
        );
    }
    if !log_color {
        return Ok(values
            .iter()
            .map(|&v| if v.is_finite() { v } else { f64::NAN })
            .collect());
    }
    let Some(smallest) = values
        .iter()
        .copied()
        .filter(|v| v.is_finite() && *v > 0.0)
        .reduce(f64::min)
    else {
        invalid_data!("the heat map cannot use a log colour scale: no value is above 0");
    };
    Ok(values
        .iter()
        .map(|&v| {
            if v.is_finite() {
                v.max(smallest).log10()
            } else {
                f64::NAN
            }
        })
        .collect())
}

impl Prepared<'_> {
    /// Where `value` (a colour value) lies between the smallest and largest, `0..=1`.
    fn fraction(&self, value: f64) -> f64 {
        if self.hi > self.lo {
            (value - self.lo) / (self.hi - self.lo)
        } else {
            0.5
        }
    }

    fn colour(&self, value: f64) -> RGBColor {
        if value.is_finite() {
            palette::viridis(self.fraction(value))
        } else {
            palette::NO_VALUE
        }
    }

    /// Contour lines are white over the dark part of the scale, black over the light.
    fn contour_style(&self, level: f64) -> ShapeStyle {
        // Width 2: plotters fills a wide path as one polygon, so a
        // translucent line has no brighter dots where its segments meet.
        if self.fraction(level) < 0.6 {
            WHITE.mix(0.5).stroke_width(2)
        } else {
            BLACK.mix(0.4).stroke_width(2)
        }
    }

    fn bounds(&self) -> Bounds {
        Bounds {
            x0: self.x.lo,
            x1: self.x.hi,
            y0: self.y.lo,
            y1: self.y.hi,
        }
    }

    /// The cells as rectangles, runs of equal colour in a row merged into one.
    fn cells(&self) -> Vec<Rectangle<(f64, f64)>> {
        let nx = self.map.grid.x.len();
        let mut cells = Vec::new();
        for (iy, row) in self.colour_values.chunks(nx).enumerate() {
            let mut start = 0;
            while start < nx {
                let colour = self.colour(row[start]);
                let mut end = start + 1;
                while end < nx && self.colour(row[end]) == colour {
                    end += 1;
                }
                let corners = [
                    (self.x_edges[start], self.y_edges[iy]),
                    (self.x_edges[end], self.y_edges[iy + 1]),
                ];
                cells.push(Rectangle::new(corners, colour.filled()));
                start = end;
            }
        }
        cells
    }

    fn draw_map<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<()> {
        let (x_desc, y_desc) = (&self.map.x_label, &self.map.y_label);
        let mut chart = canvas::plane_chart(area, &self.x, &self.y, x_desc, y_desc)?;
        chart.draw_series(self.cells()).map_err(drawing_error)?;

        let field = Field {
            x: &self.map.grid.x,
            y: &self.map.grid.y,
            values: &self.colour_values,
        };
        for &level in &self.levels {
            let style = self.contour_style(level);
            let lines = contour::contour_lines(field, level);
            chart
                .draw_series(lines.into_iter().map(|line| PathElement::new(line, style)))
                .map_err(drawing_error)?;
        }

        self.draw_dots(&mut chart)?;
        self.draw_paths(&mut chart)?;
        self.draw_marks(&mut chart, area)?;
        Ok(())
    }

    fn draw_dots<'a, DB: DrawingBackend + 'a>(
        &self,
        chart: &mut ChartContext<'a, DB, Cartesian2d<Axis, Axis>>,
    ) -> Result<()> {
        let bounds = self.bounds();
        let radius = if self.map.dots.len() > 1500 { 2 } else { 3 };
        let inside = self
            .map
            .dots
            .iter()
            .copied()
            .filter(|&(x, y)| x.is_finite() && y.is_finite() && bounds.contains((x, y)));
        chart
            .draw_series(inside.flat_map(|at| {
                [
                    Circle::new(at, radius + 1, WHITE.mix(0.8).filled()),
                    Circle::new(at, radius, BLACK.mix(0.75).filled()),
                ]
            }))
            .map_err(drawing_error)?;
        Ok(())
    }

    fn draw_paths<'a, DB: DrawingBackend + 'a>(
        &self,
        chart: &mut ChartContext<'a, DB, Cartesian2d<Axis, Axis>>,
    ) -> Result<()> {
        if self.paths.is_empty() {
            return Ok(());
        }
        let bounds = self.bounds();
        let many = self.paths.len() > LABELLED_PATHS;
        for (index, (series, points)) in self.map.paths.iter().zip(&self.paths).enumerate() {
            let colour = palette::on_viridis(index);
            // Segment by segment: a thick polyline with sharp turns (a noisy
            // SGD path) gets long miter spikes at its joins.
            let segments: Vec<[(f64, f64); 2]> = clip_polyline(points, bounds)
                .iter()
                .flat_map(|piece| piece.windows(2).map(|w| [w[0], w[1]]).collect::<Vec<_>>())
                .collect();
            chart
                .draw_series(segments.iter().map(|segment| {
                    PathElement::new(segment.to_vec(), BLACK.mix(0.6).stroke_width(4))
                }))
                .map_err(drawing_error)?;
            let drawn = chart
                .draw_series(
                    segments
                        .iter()
                        .map(|segment| PathElement::new(segment.to_vec(), colour.stroke_width(2))),
                )
                .map_err(drawing_error)?;
            // Many trajectories share one entry, drawn in their first three colours.
            let (label, swatch) = if many {
                let label = format!("{} trajectories", self.paths.len());
                let colours = [0, 1, 2].map(palette::on_viridis);
                ((index == 0).then_some(label), colours)
            } else {
                let label = Some(series.label.clone()).filter(|label| !label.is_empty());
                (label, [colour; 3])
            };
            if let Some(label) = label {
                drawn.label(label).legend(move |(x, y)| {
                    let piece = |k: i32| vec![(8 * k, 0), (8 * k + 8, 0)];
                    EmptyElement::at((x, y))
                        + PathElement::new(vec![(0, 0), (24, 0)], BLACK.mix(0.6).stroke_width(5))
                        + PathElement::new(piece(0), swatch[0].stroke_width(3))
                        + PathElement::new(piece(1), swatch[1].stroke_width(3))
                        + PathElement::new(piece(2), swatch[2].stroke_width(3))
                });
            }
            let inside = |point: &&(f64, f64)| bounds.contains(**point);
            if let Some(&end) = points.last().filter(inside) {
                chart
                    .draw_series(end_marker(end, colour))
                    .map_err(drawing_error)?;
            }
            if let Some(&start) = points.first().filter(inside) {
                chart
                    .draw_series(start_marker(start, colour))
                    .map_err(drawing_error)?;
            }
        }
        let grey = RGBColor(90, 90, 90);
        chart
            .draw_series(std::iter::empty::<Circle<(f64, f64), i32>>())
            .map_err(drawing_error)?
            .label("start")
            .legend(move |(x, y)| Circle::new((x + 12, y), 5, grey.stroke_width(2)));
        chart
            .draw_series(std::iter::empty::<Circle<(f64, f64), i32>>())
            .map_err(drawing_error)?
            .label("end")
            .legend(move |(x, y)| Circle::new((x + 12, y), 5, grey.filled()));
        // Marks and the ends of trajectories count as ten points each: the
        // legend should hide them least of all.
        let marks = self.map.marks.iter().map(|(_, x, y)| (*x, *y));
        let ends = self
            .paths
            .iter()
            .flat_map(|path| path.first().into_iter().chain(path.last()));
        let important = marks.chain(ends.copied()).flat_map(|point| [point; 10]);
        let corner = canvas::emptiest_corner(
            self.paths.iter().flatten().copied().chain(important),
            (bounds.x0, bounds.x1),
            (bounds.y0, bounds.y1),
        );
        canvas::draw_legend(chart, corner, 30)
    }

    fn draw_marks<'a, DB: DrawingBackend + 'a>(
        &self,
        chart: &mut ChartContext<'a, DB, Cartesian2d<Axis, Axis>>,
        area: &DrawingArea<DB, Shift>,
    ) -> Result<()> {
        let bounds = self.bounds();
        let style = canvas::text(canvas::LEGEND_SIZE);
        for (label, x, y) in &self.map.marks {
            if !(x.is_finite() && y.is_finite() && bounds.contains((*x, *y))) {
                continue;
            }
            let (width, height) = area
                .estimate_text_size(label, &style)
                .map_err(drawing_error)?;
            let (width, height) = (width as i32, height as i32);
            let mark = EmptyElement::at((*x, *y))
                + PathElement::new(vec![(-7, -7), (7, 7)], BLACK.stroke_width(5))
                + PathElement::new(vec![(-7, 7), (7, -7)], BLACK.stroke_width(5))
                + PathElement::new(vec![(-6, -6), (6, 6)], WHITE.stroke_width(2))
                + PathElement::new(vec![(-6, 6), (6, -6)], WHITE.stroke_width(2));
            chart
                .draw_series(std::iter::once(mark))
                .map_err(drawing_error)?;
            if !label.is_empty() {
                let (dx, dy) = (12, -height - 12);
                let text = EmptyElement::at((*x, *y))
                    + Rectangle::new(
                        [(dx - 4, dy - 3), (dx + width + 4, dy + height + 5)],
                        WHITE.mix(0.85).filled(),
                    )
                    + Text::new(label.clone(), (dx, dy), style.clone());
                chart
                    .draw_series(std::iter::once(text))
                    .map_err(drawing_error)?;
            }
        }
        Ok(())
    }

    fn draw_bar<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<()> {
        let caption = if self.map.log_color { "log scale" } else { "" };
        let labelled = !self.map.value_label.is_empty();
        let mut chart = ChartBuilder::on(area)
            .margin_top(10)
            .margin_bottom(65)
            .margin_left(if labelled { 34 } else { 5 })
            .margin_right(5)
            .right_y_label_area_size(70)
            .build_cartesian_2d(0.0..1.0, self.bar.coord())
            .map_err(drawing_error)?;
        let label = |value: &f64| self.bar.label(*value);
        chart
            .configure_mesh()
            .disable_mesh()
            .disable_x_axis()
            .y_label_formatter(&label)
            .label_style(canvas::text(canvas::TICK_SIZE))
            .draw()
            .map_err(drawing_error)?;
        let steps = 200;
        let (lo, hi) = (self.bar.lo, self.bar.hi);
        let step = (hi - lo) / f64::from(steps);
        chart
            .draw_series((0..steps).map(|k| {
                let from = lo + f64::from(k) * step;
                let colour = self.colour(from + step / 2.0);
                Rectangle::new([(0.0, from), (1.0, from + step)], colour.filled())
            }))
            .map_err(drawing_error)?;
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [(0.0, lo), (1.0, hi)],
                BLACK.mix(0.5).stroke_width(1),
            )))
            .map_err(drawing_error)?;
        chart
            .draw_series(self.levels.iter().map(|&level| {
                PathElement::new(vec![(0.0, level), (1.0, level)], self.contour_style(level))
            }))
            .map_err(drawing_error)?;

        let (_, height) = area.dim_in_pixel();
        let height = height as i32;
        let note_style = canvas::text(canvas::TICK_SIZE);
        if labelled {
            // Along the bar, read from bottom to top, centred on it.
            let style = canvas::text(canvas::AXIS_LABEL_SIZE).transform(FontTransform::Rotate270);
            let (width, _) = area
                .estimate_text_size(
                    &self.map.value_label,
                    &canvas::text(canvas::AXIS_LABEL_SIZE),
                )
                .map_err(drawing_error)?;
            let middle = (10 + height - 65) / 2;
            area.draw(&Text::new(
                self.map.value_label.clone(),
                (4, middle + width as i32 / 2),
                style,
            ))
            .map_err(drawing_error)?;
        }
        if !caption.is_empty() {
            area.draw(&Text::new(caption, (8, height - 55), note_style.clone()))
                .map_err(drawing_error)?;
        }
        if self.missing > 0 {
            area.draw(&Rectangle::new(
                [(8, height - 32), (24, height - 16)],
                palette::NO_VALUE.filled(),
            ))
            .map_err(drawing_error)?;
            area.draw(&Text::new("no value", (30, height - 32), note_style))
                .map_err(drawing_error)?;
        }
        Ok(())
    }
}

impl Picture for Prepared<'_> {
    fn size(&self) -> (u32, u32) {
        (800, 700)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()> {
        let area = canvas::titled(root, &self.map.title)?;
        let (width, _) = area.dim_in_pixel();
        let (map, bar) = area.split_horizontally(width.saturating_sub(BAR_PANEL));
        self.draw_map(&map)?;
        self.draw_bar(&bar)
    }
}

/// The start of a trajectory: a hollow circle with a dark rim.
fn start_marker(at: (f64, f64), colour: RGBColor) -> [Circle<(f64, f64), i32>; 2] {
    [
        Circle::new(at, 7, BLACK.mix(0.7).stroke_width(5)),
        Circle::new(at, 7, colour.stroke_width(2)),
    ]
}

/// The end of a trajectory: a filled circle with a dark rim.
fn end_marker(at: (f64, f64), colour: RGBColor) -> [Circle<(f64, f64), i32>; 2] {
    [
        Circle::new(at, 7, BLACK.mix(0.7).filled()),
        Circle::new(at, 5, colour.filled()),
    ]
}

impl Bounds {
    fn contains(&self, (x, y): (f64, f64)) -> bool {
        (self.x0..=self.x1).contains(&x) && (self.y0..=self.y1).contains(&y)
    }
}

/// The parts of a polyline inside `bounds`. A single point inside is kept as a
/// one-point piece.
fn clip_polyline(points: &[(f64, f64)], bounds: Bounds) -> Vec<Vec<(f64, f64)>> {
    if let [point] = points {
        return if bounds.contains(*point) {
            vec![vec![*point]]
        } else {
            Vec::new()
        };
    }
    let mut pieces = Vec::new();
    let mut piece: Vec<(f64, f64)> = Vec::new();
    for pair in points.windows(2) {
        let (p, q) = (pair[0], pair[1]);
        match clip_segment(p, q, bounds) {
            Some((t0, t1)) => {
                let lerp = |t: f64| (p.0 + t * (q.0 - p.0), p.1 + t * (q.1 - p.1));
                let a = if t0 == 0.0 { p } else { lerp(t0) };
                let b = if t1 == 1.0 { q } else { lerp(t1) };
                if piece.last() != Some(&a) {
                    pieces.extend((!piece.is_empty()).then(|| std::mem::take(&mut piece)));
                    piece.push(a);
                }
                piece.push(b);
            }
            None => pieces.extend((!piece.is_empty()).then(|| std::mem::take(&mut piece))),
        }
    }
    pieces.extend((!piece.is_empty()).then_some(piece));
    pieces
}

/// The part `t0..t1` of the segment `p → q` inside `bounds` (Liang–Barsky),
/// if any.
fn clip_segment(p: (f64, f64), q: (f64, f64), bounds: Bounds) -> Option<(f64, f64)> {
    let (dx, dy) = (q.0 - p.0, q.1 - p.1);
    let (mut t0, mut t1) = (0.0f64, 1.0f64);
    let sides = [
        (-dx, p.0 - bounds.x0),
        (dx, bounds.x1 - p.0),
        (-dy, p.1 - bounds.y0),
        (dy, bounds.y1 - p.1),
    ];
    for (direction, room) in sides {
        if direction == 0.0 {
            if room < 0.0 {
                return None;
            }
        } else {
            let t = room / direction;
            if direction < 0.0 {
                t0 = t0.max(t);
            } else {
                t1 = t1.min(t);
            }
        }
    }
    (t0 <= t1).then_some((t0, t1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::{self, Image, Svg};

    /// A loss landscape with a global minimum at (1, -0.5) and a local one at (-1.2, 1).
    fn landscape() -> HeatMap {
        let axis = |lo: f64, hi: f64, n: usize| -> Vec<f64> {
            (0..n)
                .map(|i| lo + (hi - lo) * i as f64 / (n - 1) as f64)
                .collect()
        };
        let (x, y) = (axis(-2.5, 2.5, 81), axis(-2.0, 2.0, 65));
        let loss = |w1: f64, w2: f64| {
            let global = ((w1 - 1.0).powi(2) + (w2 + 0.5).powi(2)) / 0.8;
            let local = ((w1 + 1.2).powi(2) + (w2 - 1.0).powi(2)) / 0.3;
            0.02 + 3.0 - 3.0 * (-global).exp() - 1.8 * (-local).exp() + 0.15 * (w1 * w1 + w2 * w2)
        };
        let values = y
            .iter()
            .flat_map(|&w2| x.iter().map(move |&w1| loss(w1, w2)))
            .collect();
        let descent = |mut w: (f64, f64), lr: f64, steps: usize| -> Vec<(f64, f64)> {
            let h = 1e-5;
            let mut path = vec![w];
            for _ in 0..steps {
                let g1 = (loss(w.0 + h, w.1) - loss(w.0 - h, w.1)) / (2.0 * h);
                let g2 = (loss(w.0, w.1 + h) - loss(w.0, w.1 - h)) / (2.0 * h);
                w = (w.0 - lr * g1, w.1 - lr * g2);
                path.push(w);
            }
            path
        };
        HeatMap {
            title: "Loss landscape".to_string(),
            x_label: "weight w1".to_string(),
            y_label: "weight w2".to_string(),
            grid: Grid { x, y, values },
            log_color: true,
            contours: 10,
            paths: vec![
                Series {
                    label: "seed 1".to_string(),
                    points: descent((2.2, 1.7), 0.08, 60),
                },
                Series {
                    label: "seed 2".to_string(),
                    points: descent((-2.3, 1.8), 0.08, 60),
                },
                Series {
                    label: "seed 3 (lr too big)".to_string(),
                    points: descent((0.0, -1.9), 0.9, 12),
                },
            ],
            marks: vec![("global minimum".to_string(), 1.0, -0.5)],
            dots: vec![],
            value_label: "cost".to_string(),
        }
    }

    #[test]
    fn a_landscape_is_drawn_as_png_and_svg() {
        let dir = tempfile::tempdir().unwrap();
        let map = landscape();
        let (image, svg) =
            check::both_formats(dir.path(), "heat_map", &map.title, (800, 700), |path| {
                heat_map(&map, path)
            });
        let texts = svg.texts();
        for text in [
            "seed 1",
            "seed 2",
            "seed 3 (lr too big)",
            "global minimum",
            "cost",
        ] {
            assert!(texts.iter().any(|t| t == text), "{text:?} missing");
        }
        for index in 0..map.paths.len() {
            let lines = svg.polylines(palette::on_viridis(index), 2);
            assert!(!lines.is_empty(), "path {index} is not drawn");
        }
        let cells = png_agrees_with_svg(&image, &svg);
        // The darkest cell (viridis runs from dark to light) is where the
        // landscape is lowest: under the mark of the global minimum, the
        // centre of the white cross.
        let brightness = |c: RGBColor| u32::from(c.0) + u32::from(c.1) + u32::from(c.2);
        let darkest = cells.iter().min_by_key(|(_, c)| brightness(*c)).unwrap().0;
        let cross = &svg.polylines(WHITE, 2)[0];
        let centre = ((cross[0].0 + cross[1].0) / 2, (cross[0].1 + cross[1].1) / 2);
        let distance = (darkest.0 + darkest.2 / 2 - centre.0).abs()
            + (darkest.1 + darkest.3 / 2 - centre.1).abs();
        assert!(
            distance < 25,
            "darkest cell {darkest:?}, minimum at {centre:?}"
        );
        // No value is missing: no grey cells (a few pixels of smoothed text
        // happen to have the grey's colour).
        let grey = image.count(palette::NO_VALUE);
        assert!(grey < 100, "{grey} grey pixels");
    }

    /// Checks that the PNG shows the SVG's colours where the SVG puts them:
    /// at the centre of most filled rectangles (contour lines, paths and
    /// marks cover the rest: about a fifth of the landscape's small cells). Returns the rectangles of the map's
    /// cells, which are drawn before the colour bar's (the bar's all share
    /// the last one's left edge).
    fn png_agrees_with_svg(image: &Image, svg: &Svg) -> Vec<((i32, i32, i32, i32), RGBColor)> {
        let rects: Vec<_> = svg
            .filled_rects()
            .into_iter()
            .filter(|((_, _, width, height), colour)| {
                *width >= 3 && *height >= 3 && *colour != WHITE
            })
            .collect();
        let agree = rects
            .iter()
            .filter(|((x, y, width, height), colour)| {
                image.pixel(x + width / 2, y + height / 2) == *colour
            })
            .count();
        assert!(
            agree * 4 >= rects.len() * 3,
            "{agree} of {} agree",
            rects.len()
        );
        let bar_left = rects.last().unwrap().0 .0;
        rects
            .into_iter()
            .filter(|((x, ..), _)| *x != bar_left)
            .collect()
    }

    #[test]
    fn a_regression_surface_is_drawn_with_linear_colours() {
        let dir = tempfile::tempdir().unwrap();
        let x: Vec<f64> = (0..51).map(|i| 36.0 + 0.1 * f64::from(i)).collect();
        let y: Vec<f64> = (0..41).map(|i| 25.0 * f64::from(i)).collect();
        let values = y
            .iter()
            .flat_map(|&dose| {
                x.iter().map(move |&temp| {
                    let excess = (temp - 37.0f64).max(0.0);
                    37.0 + excess * (1.0 - 0.8 * dose / (dose + 300.0))
                })
            })
            .collect();
        let map = HeatMap {
            title: "Predicted temperature after 2 h".to_string(),
            x_label: "temperature now (°C)".to_string(),
            y_label: "dose (mg)".to_string(),
            grid: Grid { x, y, values },
            log_color: false,
            contours: 8,
            paths: vec![],
            marks: vec![],
            dots: (0..60)
                .map(|i| (36.0 + 0.08 * f64::from(i), 16.0 * f64::from(i)))
                .collect(),
            value_label: "predicted temperature (°C)".to_string(),
        };
        let (image, svg) =
            check::both_formats(dir.path(), "surface", &map.title, (800, 700), |path| {
                heat_map(&map, path)
            });
        let texts = svg.texts();
        for text in [&map.x_label, &map.y_label, &map.value_label] {
            assert!(texts.contains(text), "{text:?} missing");
        }
        // Linear colours over a surface that rises with the temperature now:
        // the map's right half is brighter than its left half.
        let cells = png_agrees_with_svg(&image, &svg);
        let middle = check::mean(cells.iter().map(|((x, _, w, _), _)| f64::from(x + w / 2)));
        let brightness = |right: bool| {
            check::mean(
                cells
                    .iter()
                    .filter(|((x, _, w, _), _)| (f64::from(x + w / 2) > middle) == right)
                    .map(|(_, c)| f64::from(c.0) + f64::from(c.1) + f64::from(c.2)),
            )
        };
        assert!(brightness(true) > brightness(false) + 50.0);
    }

    #[test]
    fn bad_grids_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("map.png");
        let mut map = landscape();
        map.grid.values.pop();
        assert!(heat_map(&map, &path)
            .unwrap_err()
            .to_string()
            .contains("values"));
        let mut map = landscape();
        map.grid.x.swap(0, 1);
        assert!(heat_map(&map, &path).is_err());
        let mut map = landscape();
        map.grid.values.iter_mut().for_each(|v| *v = f64::INFINITY);
        let error = heat_map(&map, &path).unwrap_err().to_string();
        assert!(error.contains("non-finite"), "{error}");
        let mut map = landscape();
        map.grid.values.iter_mut().for_each(|v| *v = -1.0);
        let error = heat_map(&map, &path).unwrap_err().to_string();
        assert!(error.contains("log"), "{error}");
        let mut map = landscape();
        map.contours = 1000;
        assert!(heat_map(&map, &path)
            .unwrap_err()
            .to_string()
            .contains("contour"));
        let mut map = landscape();
        map.grid = Grid {
            x: vec![],
            y: vec![],
            values: vec![],
        };
        assert!(heat_map(&map, &path).is_err());
        assert!(!path.exists());
    }

    #[test]
    fn flat_extreme_or_partly_missing_values_are_drawn() {
        let dir = tempfile::tempdir().unwrap();
        let extreme = HeatMap {
            grid: Grid {
                x: vec![-1e308, 1e308],
                y: vec![0.0, 1e-300],
                values: vec![1e308, -1e308, 0.0, f64::MIN_POSITIVE],
            },
            ..landscape()
        };
        heat_map(&extreme, &dir.path().join("extreme.png")).unwrap();
        let mut map = landscape();
        map.grid.values.iter_mut().for_each(|v| *v = 2.0);
        heat_map(&map, &dir.path().join("flat.png")).unwrap();
        let mut map = landscape();
        map.log_color = false;
        map.grid.values[..500]
            .iter_mut()
            .for_each(|v| *v = f64::NAN);
        map.paths[0].points.push((f64::NAN, 1.0));
        map.paths.push(Series {
            label: "far away".to_string(),
            points: vec![(50.0, 50.0)],
        });
        map.paths.push(Series {
            label: "empty".to_string(),
            points: vec![],
        });
        for k in 0..8 {
            let start = (-2.0 + 0.5 * f64::from(k), -1.8);
            let path =
                (0..10).map(|i| (start.0 + 0.05 * f64::from(i), start.1 + 0.1 * f64::from(i)));
            map.paths.push(Series {
                label: format!("seed {k}"),
                points: path.collect(),
            });
        }
        map.title = "Partly diverged, many restarts".to_string();
        let (image, _) = check::both_formats(
            dir.path(),
            "heat_map_missing",
            &map.title,
            (800, 700),
            |path| heat_map(&map, path),
        );
        // 500 of the 81 × 65 cells have no value: grey, about 9 % of the map
        // (its 600 × 500 or so pixels).
        let grey = image.count(palette::NO_VALUE);
        assert!((15_000..40_000).contains(&grey), "{grey} grey pixels");
    }

    #[test]
    fn paths_are_clipped_to_the_map() {
        let bounds = Bounds {
            x0: 0.0,
            x1: 1.0,
            y0: 0.0,
            y1: 1.0,
        };
        let pieces = clip_polyline(&[(0.5, 0.5), (1.5, 0.5), (1.5, 0.2), (0.5, 0.2)], bounds);
        assert_eq!(
            pieces,
            [vec![(0.5, 0.5), (1.0, 0.5)], vec![(1.0, 0.2), (0.5, 0.2)]]
        );
        assert!(clip_polyline(&[(2.0, 2.0), (3.0, 3.0)], bounds).is_empty());
        assert_eq!(clip_polyline(&[(0.2, 0.2)], bounds), [vec![(0.2, 0.2)]]);
        let inside = [(0.1, 0.1), (0.2, 0.3), (0.4, 0.4)];
        assert_eq!(clip_polyline(&inside, bounds), [inside.to_vec()]);
    }
}
