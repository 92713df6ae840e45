//! Pictures for the course: loss curves, loss landscapes, histograms of final
//! costs, decision regions of a 2-input classifier, and the prediction surface
//! of a 2-input regression (a [`heat_map`] of the model's output).
//!
//! Every picture is a plain struct of data, drawn by one function that writes a
//! PNG or an SVG file, chosen by the file's extension ([`Format::from_path`]).
//! The picture is rendered in memory first (a PNG buffer or an SVG string) and
//! then written atomically: a failure leaves no half-written file behind.
//!
//! Text in PNGs is drawn with DejaVu Sans, bundled in the binary
//! (`assets/DejaVuSans.ttf`), so drawing needs no system fonts or libraries;
//! SVGs hold `<text>` in the viewer's `sans-serif`, laid out with the same
//! font's measures. PNGs are 900 × 600 pixels; the two-dimensional maps
//! ([`heat_map`], [`class_regions`]) are 800 × 700.
//!
//! Bad data is an error, never a panic: empty data, mismatched grid sizes, and
//! data left empty once non-finite values are set aside. Non-finite values
//! (NaN, ±∞, e.g. a diverged run) are otherwise left out: skipped in lines,
//! grey "no value" cells on heat maps, counted in a histogram's axis label.

mod axis;
mod canvas;
mod contour;
mod heat;
mod histogram;
mod line;
mod palette;
mod regions;
mod text;

use anyhow::{bail, Result};
use std::path::Path;

/// The kind of file a picture is written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A 24-bit RGB PNG image.
    Png,
    /// An SVG document (text as `<text>` elements, font family `sans-serif`).
    Svg,
}

impl Format {
    /// The format named by the extension of `path`: `.png` or `.svg`, in any
    /// letter case. Any other extension, or none, is an error.
    pub fn from_path(path: &Path) -> Result<Format> {
        let extension = path
            .extension()
            .and_then(|extension| extension.to_str())
            .map(str::to_ascii_lowercase);
        match extension.as_deref() {
            Some("png") => Ok(Format::Png),
            Some("svg") => Ok(Format::Svg),
            Some(other) => bail!(
                "cannot write a picture as `.{other}` ({}): use a file name ending in .png or .svg",
                path.display()
            ),
            None => bail!(
                "cannot tell the picture format of {}: use a file name ending in .png or .svg",
                path.display()
            ),
        }
    }
}

/// One named line of a [`LineChart`], or one trajectory on a [`HeatMap`].
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub label: String,
    /// `(x, y)` points, drawn in this order.
    pub points: Vec<(f64, f64)>,
}

/// Lines over a shared x axis, e.g. train and test loss per epoch.
#[derive(Debug, Clone, PartialEq)]
pub struct LineChart {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    /// A logarithmic x axis, e.g. for gradient steps or seconds that differ by
    /// orders of magnitude between series. Points with `x <= 0` are skipped.
    pub log_x: bool,
    /// A logarithmic y axis. Points with `y <= 0` cannot be shown on it and are
    /// skipped (like non-finite points); it is an error only if no point is left.
    pub log_y: bool,
    pub series: Vec<Series>,
}

/// Draws `chart` as a PNG or SVG file (see the module doc).
///
/// Non-finite points, and with `log_y` points with `y <= 0`, are skipped; a
/// series left without points gets "(no points)" after its legend label. It is
/// an error if no series has a point left.
pub fn line_chart(chart: &LineChart, path: &Path) -> Result<()> {
    let format = Format::from_path(path)?;
    let picture = line::prepare(chart)?;
    canvas::save(&picture, format, path)
}

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
    pub title: String,
    pub x_label: String,
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

/// Draws `map` as a PNG or SVG file (see the module doc): a viridis colour
/// scale with a colour bar, contour lines found by marching squares, and the
/// trajectories and marks on top.
pub fn heat_map(map: &HeatMap, path: &Path) -> Result<()> {
    let format = Format::from_path(path)?;
    let picture = heat::prepare(map)?;
    canvas::save(&picture, format, path)
}

/// A histogram of values, e.g. the final cost of many restarts.
#[derive(Debug, Clone, PartialEq)]
pub struct Histogram {
    pub title: String,
    pub x_label: String,
    pub values: Vec<f64>,
    /// The number of equal-width bins between the smallest and largest value (at least 1).
    pub bins: usize,
    /// Vertical lines with labels, e.g. `("best", 0.012)`; listed in the legend with their value.
    pub marks: Vec<(String, f64)>,
}

/// Draws `h` as a PNG or SVG file (see the module doc). Non-finite values are
/// left out and counted in the x axis label.
pub fn histogram(h: &Histogram, path: &Path) -> Result<()> {
    let format = Format::from_path(path)?;
    let picture = histogram::prepare(h)?;
    canvas::save(&picture, format, path)
}

/// The decision regions of a classifier with two inputs, and its training points.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassRegions {
    pub title: String,
    pub x_label: String,
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

/// Draws `r` as a PNG or SVG file (see the module doc): the regions in light
/// class colours with their borders, the points in strong colours (and one
/// marker shape per class), and a legend.
pub fn class_regions(r: &ClassRegions, path: &Path) -> Result<()> {
    let format = Format::from_path(path)?;
    let picture = regions::prepare(r)?;
    canvas::save(&picture, format, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_comes_from_the_extension() {
        assert_eq!(
            Format::from_path(Path::new("a/loss.png")).unwrap(),
            Format::Png
        );
        assert_eq!(
            Format::from_path(Path::new("loss.SVG")).unwrap(),
            Format::Svg
        );
        let error = Format::from_path(Path::new("loss.jpg")).unwrap_err();
        assert!(error.to_string().contains(".jpg"), "{error}");
        assert!(Format::from_path(Path::new("loss")).is_err());
    }
}
