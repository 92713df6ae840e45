//! # gradlab-plot: the pictures of gradlab
//!
//! Pictures for the course: loss curves, loss landscapes, histograms of final
//! costs, decision regions of a 2-input classifier, and the prediction surface
//! of a 2-input regression (a [`heat::heat_map`] of the model's output). Every
//! front end (the command line, and any other) draws the same pictures with
//! this crate; none of it prints.
//!
//! Every picture is a plain struct of data, drawn by one function that writes a
//! PNG or an SVG file, chosen by the file's extension ([`format::Format::from_path`]).
//! The picture is rendered in memory first (a PNG buffer or an SVG string) and
//! then written atomically: a failure leaves no half-written file behind.
//!
//! Text in PNGs is drawn with DejaVu Sans, bundled in the library
//! (`assets/DejaVuSans.ttf`), so drawing needs no system fonts or libraries;
//! SVGs hold `<text>` in the viewer's `sans-serif`, laid out with the same
//! font's measures. PNGs are 900 × 600 pixels; the two-dimensional maps
//! ([`heat::heat_map`], [`regions::class_regions`]) are 800 × 700.
//!
//! Bad data is an [`Error`], never a panic: empty data, mismatched grid sizes,
//! and data left empty once non-finite values are set aside. Non-finite values
//! (NaN, ±∞, e.g. a diverged run) are otherwise left out: skipped in lines,
//! grey "no value" cells on heat maps, counted in a histogram's axis label.
//!
//! # Map
//!
//! Pictures of any data:
//! - [`line`](mod@line): [`line::LineChart`] and [`line::line_chart`], lines over a shared x axis.
//! - [`heat`]: [`heat::HeatMap`] over a [`heat::Grid`] and [`heat::heat_map`]:
//!   colours, contour lines, trajectories and marks.
//! - [`histogram`]: [`histogram::Histogram`] and [`histogram::histogram`].
//! - [`regions`]: [`regions::ClassRegions`] and [`regions::class_regions`].
//! - [`series`]: [`series::Series`], a named line or trajectory.
//! - [`format`](mod@format): [`format::Format`], PNG or SVG by the file's extension.
//! - [`error`]: [`Error`] and [`Result`].
//!
//! Pictures of training results (what goes into each, and its labels):
//! - [`loss_curves`]: the costs per epoch of one run, from its `History`.
//! - [`input_plane`]: decision regions or prediction surface of a 2-input model.
//! - [`pictures`]: [`pictures::Pictures`], a directory and a format, and
//!   [`pictures::fit_pictures`], all the pictures of one trained model.
//! - [`labels`]: axis labels, units and the names of costs and metrics.
//!
//! Inside (not public): `axis` (ranges, ticks, tick labels), `canvas`
//! (rendering in memory, writing, title and legend), `contour` (marching
//! squares), `palette` (colours), `text` (the bundled font, measured and
//! rasterised).

#![warn(missing_docs)]

pub mod error;
pub mod format;
pub mod heat;
pub mod histogram;
pub mod input_plane;
pub mod labels;
pub mod line;
pub mod loss_curves;
pub mod pictures;
pub mod regions;
pub mod series;

mod axis;
mod canvas;
mod contour;
mod palette;
mod text;

#[cfg(test)]
mod check;

pub use error::{Error, Result};
