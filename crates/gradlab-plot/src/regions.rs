//! Decision regions of a classifier with two inputs: the predicted class over a
//! grid in light colours, the borders between classes, and the training points
//! in strong colours with one marker shape per class.

use crate::axis::{cell_edges, check_grid_axis, padded, span, Axis, TICKS};
use crate::canvas::{self, drawing_error, Picture};
use crate::contour::{self, Field};
use crate::error::{invalid_data, Result};
use crate::format::Format;
use crate::palette;
use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::Path;

/// The decision regions of a classifier with two inputs, and its training points.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassRegions {
    /// The title above the picture.
    pub title: String,
    /// What the x axis shows.
    pub x_label: String,
    /// What the y axis shows.
    pub y_label: String,
    /// The class names; class `k` is `labels[k]`.
    pub labels: Vec<String>,
    /// `nx >= 2` strictly ascending x positions.
    pub grid_x: Vec<f64>,
    /// `ny >= 2` strictly ascending y positions.
    pub grid_y: Vec<f64>,
    /// `ny × nx` predicted classes, row-major: `grid_class[iy * nx + ix]`.
    pub grid_class: Vec<usize>,
    /// Training points `(x, y, true class)`.
    pub points: Vec<(f64, f64, usize)>,
}

/// Draws `r` as a PNG or SVG file (see the crate doc): the regions in light
/// class colours with their borders, the points in strong colours (and one
/// marker shape per class), and a legend.
pub fn class_regions(r: &ClassRegions, path: &Path) -> Result<()> {
    let format = Format::from_path(path)?;
    let picture = prepare(r)?;
    canvas::save(&picture, format, path)
}

/// The marker of `class` at `at`: its shape filled with the class's strong
/// colour, with a dark rim.
macro_rules! class_marker {
    ($class:expr, $at:expr, $size:expr) => {{
        let shape = marker_shape($class, $size);
        let mut rim = shape.clone();
        rim.push(shape[0]);
        EmptyElement::at($at)
            + Polygon::new(shape, palette::strong($class).filled())
            + PathElement::new(rim, BLACK.stroke_width(1))
    }};
}

/// The width of the legend panel, in pixels.
const LEGEND_PANEL: u32 = 165;

/// The colour of the borders between regions.
const BORDER: RGBColor = RGBColor(60, 60, 60);

/// Class regions with their data checked.
#[derive(Debug)]
pub(crate) struct Prepared<'a> {
    regions: &'a ClassRegions,
    x_edges: Vec<f64>,
    y_edges: Vec<f64>,
    /// The finite training points.
    points: Vec<(f64, f64, usize)>,
    x: Axis,
    y: Axis,
}

/// Checks `r` (see [`class_regions`]).
pub(crate) fn prepare(r: &ClassRegions) -> Result<Prepared<'_>> {
    if r.labels.is_empty() {
        invalid_data!("the class regions {:?} have no class labels", r.title);
    }
    check_grid_axis("x", &r.grid_x)?;
    check_grid_axis("y", &r.grid_y)?;
    let expected = r.grid_x.len() * r.grid_y.len();
    if r.grid_class.len() != expected {
        invalid_data!(
            "the class grid has {} cells, but {} x by {} y positions need {expected}",
            r.grid_class.len(),
            r.grid_x.len(),
            r.grid_y.len()
        );
    }
    let classes = r.labels.len();
    if let Some(bad) = r.grid_class.iter().position(|&class| class >= classes) {
        invalid_data!(
            "grid cell {bad} has class {}, but there are only {classes} class labels",
            r.grid_class[bad]
        );
    }
    if let Some(bad) = r.points.iter().position(|point| point.2 >= classes) {
        invalid_data!(
            "training point {bad} has class {}, but there are only {classes} class labels",
            r.points[bad].2
        );
    }
    let points: Vec<(f64, f64, usize)> = r
        .points
        .iter()
        .copied()
        .filter(|(x, y, _)| x.is_finite() && y.is_finite())
        .collect();
    let (x_edges, y_edges) = (cell_edges(&r.grid_x), cell_edges(&r.grid_y));
    let grid_x = [x_edges[0], x_edges[x_edges.len() - 1]];
    let grid_y = [y_edges[0], y_edges[y_edges.len() - 1]];
    let (x_lo, x_hi) = span(points.iter().map(|p| p.0).chain(grid_x)).expect("the grid has edges");
    let (y_lo, y_hi) = span(points.iter().map(|p| p.1).chain(grid_y)).expect("the grid has edges");
    let (x_lo, x_hi) = padded(x_lo, x_hi, 0.0);
    let (y_lo, y_hi) = padded(y_lo, y_hi, 0.0);
    Ok(Prepared {
        regions: r,
        x_edges,
        y_edges,
        points,
        x: Axis::linear(x_lo, x_hi, TICKS),
        y: Axis::linear(y_lo, y_hi, TICKS),
    })
}

impl Prepared<'_> {
    /// The cells as rectangles, runs of one class in a row merged into one.
    fn cells(&self) -> Vec<Rectangle<(f64, f64)>> {
        let nx = self.regions.grid_x.len();
        let mut cells = Vec::new();
        for (iy, row) in self.regions.grid_class.chunks(nx).enumerate() {
            let mut start = 0;
            while start < nx {
                let class = row[start];
                let end = (start..nx).find(|&ix| row[ix] != class).unwrap_or(nx);
                let corners = [
                    (self.x_edges[start], self.y_edges[iy]),
                    (self.x_edges[end], self.y_edges[iy + 1]),
                ];
                cells.push(Rectangle::new(corners, palette::light(class).filled()));
                start = end;
            }
        }
        cells
    }

    /// The borders of each class's region, by marching squares on the class's
    /// indicator (1 inside, 0 outside) at the level 0.5.
    fn borders(&self) -> Vec<Vec<(f64, f64)>> {
        let mut borders = Vec::new();
        for class in 0..self.regions.labels.len() {
            let inside: Vec<f64> = self
                .regions
                .grid_class
                .iter()
                .map(|&c| if c == class { 1.0 } else { 0.0 })
                .collect();
            let field = Field {
                x: &self.regions.grid_x,
                y: &self.regions.grid_y,
                values: &inside,
            };
            borders.extend(contour::contour_lines(field, 0.5));
        }
        borders
    }

    /// The marker radius: smaller when there are many points.
    fn marker_size(&self) -> i32 {
        match self.points.len() {
            0..=300 => 5,
            301..=1500 => 4,
            _ => 3,
        }
    }

    fn draw_map<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<()> {
        let (x_desc, y_desc) = (&self.regions.x_label, &self.regions.y_label);
        let mut chart = canvas::plane_chart(area, &self.x, &self.y, x_desc, y_desc)?;
        chart.draw_series(self.cells()).map_err(drawing_error)?;
        chart
            .draw_series(
                self.borders()
                    .into_iter()
                    .map(|line| PathElement::new(line, BORDER.stroke_width(2))),
            )
            .map_err(drawing_error)?;
        let size = self.marker_size();
        chart
            .draw_series(
                self.points
                    .iter()
                    .map(|&(x, y, class)| class_marker!(class, (x, y), size)),
            )
            .map_err(drawing_error)?;
        Ok(())
    }

    fn draw_legend<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<()> {
        let style = canvas::text(canvas::LEGEND_SIZE);
        let note = canvas::text(canvas::TICK_SIZE).color(&RGBColor(70, 70, 70));
        let mut y = 20;
        for (class, label) in self.regions.labels.iter().enumerate() {
            area.draw(&Rectangle::new(
                [(8, y - 11), (36, y + 11)],
                palette::light(class).filled(),
            ))
            .map_err(drawing_error)?;
            area.draw(&Rectangle::new(
                [(8, y - 11), (36, y + 11)],
                BORDER.stroke_width(1),
            ))
            .map_err(drawing_error)?;
            area.draw(&class_marker!(class, (22, y), 5))
                .map_err(drawing_error)?;
            area.draw(&Text::new(label.as_str(), (44, y - 9), style.clone()))
                .map_err(drawing_error)?;
            y += 32;
        }
        y += 10;
        for line in [
            "background:",
            "predicted class",
            "",
            "points:",
            "true class",
        ] {
            area.draw(&Text::new(line, (8, y), note.clone()))
                .map_err(drawing_error)?;
            y += 19;
        }
        Ok(())
    }
}

impl Picture for Prepared<'_> {
    fn size(&self) -> (u32, u32) {
        (800, 700)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()> {
        let area = canvas::titled(root, &self.regions.title)?;
        let (width, _) = area.dim_in_pixel();
        let (map, legend) = area.split_horizontally(width.saturating_sub(LEGEND_PANEL));
        self.draw_map(&map)?;
        self.draw_legend(&legend)
    }
}

/// The outline of the marker of `class`, `size` pixels in radius, around
/// `(0, 0)`: a circle, triangle, square or diamond (repeating).
fn marker_shape(class: usize, size: i32) -> Vec<(i32, i32)> {
    let s = size;
    match class % 4 {
        0 => (0..16)
            .map(|k| {
                let angle = f64::from(k) * std::f64::consts::PI / 8.0;
                let r = f64::from(s);
                (
                    (r * angle.cos()).round() as i32,
                    (r * angle.sin()).round() as i32,
                )
            })
            .collect(),
        1 => vec![(0, -s - 1), (s + 1, s), (-s - 1, s)],
        2 => vec![
            (-s + 1, -s + 1),
            (s - 1, -s + 1),
            (s - 1, s - 1),
            (-s + 1, s - 1),
        ],
        _ => vec![(0, -s - 1), (s + 1, 0), (0, s + 1), (-s - 1, 0)],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check;

    /// The fever example: normal / elevated / fever two hours later, from the
    /// temperature now and the dose.
    fn fever_regions() -> ClassRegions {
        let status = |temp: f64, dose: f64| {
            let excess = (temp - 37.0).max(0.0);
            let later = 37.0 + excess * (1.0 - 0.8 * dose / (dose + 300.0));
            if later < 37.5 {
                0
            } else if later < 38.5 {
                1
            } else {
                2
            }
        };
        let grid_x: Vec<f64> = (0..101).map(|i| 36.0 + 0.05 * f64::from(i)).collect();
        let grid_y: Vec<f64> = (0..101).map(|i| 10.0 * f64::from(i)).collect();
        let grid_class = grid_y
            .iter()
            .flat_map(|&dose| grid_x.iter().map(move |&temp| status(temp, dose)))
            .collect();
        let points = (0..240)
            .map(|i| {
                let temp = 36.0 + 5.0 * ((f64::from(i) * 0.618_034) % 1.0);
                let dose = 1000.0 * ((f64::from(i) * 0.414_214 + 0.1) % 1.0);
                // A few points on the wrong side, as real data has.
                let noisy = if i % 17 == 0 { 1.0 } else { 0.0 };
                (temp, dose, status(temp + 0.6 * noisy, dose))
            })
            .collect();
        ClassRegions {
            title: "Predicted status after 2 h".to_string(),
            x_label: "temperature now (°C)".to_string(),
            y_label: "dose (mg)".to_string(),
            labels: vec![
                "normal".to_string(),
                "elevated".to_string(),
                "fever".to_string(),
            ],
            grid_x,
            grid_y,
            grid_class,
            points,
        }
    }

    #[test]
    fn regions_are_drawn_as_png_and_svg() {
        let dir = tempfile::tempdir().unwrap();
        let r = fever_regions();
        let (image, svg) =
            check::both_formats(dir.path(), "class_regions", &r.title, (800, 700), |path| {
                class_regions(&r, path)
            });
        let texts = svg.texts();
        let cells = r.grid_class.len() as f64;
        let painted: Vec<usize> = (0..r.labels.len())
            .map(|class| image.count(palette::light(class)))
            .collect();
        let total = painted.iter().sum::<usize>() as f64;
        for (class, label) in r.labels.iter().enumerate() {
            assert!(texts.contains(label), "no legend entry {label:?}");
            // Each region's light colour covers the share of the plot that
            // its class has of the grid (the borders and points drawn on
            // top take a little of each).
            let expected = r.grid_class.iter().filter(|&&c| c == class).count() as f64 / cells;
            let share = painted[class] as f64 / total;
            assert!(
                (share - expected).abs() < 0.02,
                "class {class}: {share:.3} of the regions' pixels, {expected:.3} of the grid"
            );
            // One marker per training point of the class, and one in the legend.
            let points = r.points.iter().filter(|p| p.2 == class).count();
            let markers = svg.polygons(palette::strong(class)).len();
            assert_eq!(markers, points + 1, "class {class}");
        }
    }

    #[test]
    fn four_or_more_classes_and_no_points_are_drawn() {
        let dir = tempfile::tempdir().unwrap();
        let mut r = fever_regions();
        r.labels.extend(["d".to_string(), "e".to_string()]);
        r.grid_class
            .iter_mut()
            .enumerate()
            .for_each(|(i, c)| *c = (i / 7) % 5);
        r.points
            .iter_mut()
            .enumerate()
            .for_each(|(i, p)| p.2 = i % 5);
        r.points.push((f64::NAN, 1.0, 0));
        class_regions(&r, &dir.path().join("five.png")).unwrap();
        r.points.clear();
        class_regions(&r, &dir.path().join("no_points.svg")).unwrap();
    }

    #[test]
    fn inconsistent_data_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.png");
        let mut r = fever_regions();
        r.points[3].2 = 3;
        let error = class_regions(&r, &path).unwrap_err().to_string();
        assert!(error.contains("training point 3 has class 3"), "{error}");
        let mut r = fever_regions();
        r.grid_class[0] = 7;
        assert!(class_regions(&r, &path).is_err());
        let mut r = fever_regions();
        r.grid_class.pop();
        assert!(class_regions(&r, &path).is_err());
        let mut r = fever_regions();
        r.labels.clear();
        assert!(class_regions(&r, &path).is_err());
        let mut r = fever_regions();
        r.grid_x = vec![1.0];
        assert!(class_regions(&r, &path).is_err());
        assert!(!path.exists());
    }
}
