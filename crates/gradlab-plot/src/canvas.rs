//! Rendering a picture in memory (PNG buffer or SVG string) and writing it
//! atomically; the title, text styles and legend placement every picture shares.

use crate::axis::Axis;
use crate::error::{Error, Result};
use crate::format::Format;
use crate::text::{self, Lettered};
use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::Path;
use std::sync::OnceLock;

/// The family name the bundled font is registered under; SVG files name it too,
/// so a viewer shows them in its own sans-serif font.
pub(crate) const FAMILY: &str = "sans-serif";

/// Font sizes in plotters' unit: the em size is `size / 1.24` pixels.
pub(crate) const TITLE_SIZE: f64 = 30.0;
pub(crate) const AXIS_LABEL_SIZE: f64 = 22.0;
pub(crate) const TICK_SIZE: f64 = 19.0;
pub(crate) const LEGEND_SIZE: f64 = 20.0;

/// A picture that can draw itself on any plotters backend.
pub(crate) trait Picture {
    /// Width and height in pixels.
    fn size(&self) -> (u32, u32);

    /// Draws on `root`, which is already filled white.
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()>;
}

/// Renders `picture` as `format` and writes it to `path` atomically.
pub(crate) fn save(picture: &impl Picture, format: Format, path: &Path) -> Result<()> {
    let bytes = render(picture, format)?;
    gradlab::atomic_file::write_atomically(path, |out| out.write_all(&bytes)).map_err(|source| {
        Error::Write {
            path: path.to_owned(),
            source: Box::new(source),
        }
    })
}

/// The bytes of the file: a PNG image or an SVG document.
pub(crate) fn render(picture: &impl Picture, format: Format) -> Result<Vec<u8>> {
    register_font()?;
    let (width, height) = picture.size();
    match format {
        Format::Png => {
            let mut rgb = vec![0u8; width as usize * height as usize * 3];
            {
                let inner = BitMapBackend::with_buffer(&mut rgb, (width, height));
                let root = Lettered {
                    inner,
                    raster: true,
                }
                .into_drawing_area();
                root.fill(&WHITE).map_err(drawing_error)?;
                picture.draw(&root)?;
                root.present().map_err(drawing_error)?;
            }
            encode_png(&rgb, width, height)
        }
        Format::Svg => {
            let mut svg = String::new();
            {
                let inner = SVGBackend::with_string(&mut svg, (width, height));
                let root = Lettered {
                    inner,
                    raster: false,
                }
                .into_drawing_area();
                root.fill(&WHITE).map_err(drawing_error)?;
                picture.draw(&root)?;
                root.present().map_err(drawing_error)?;
            }
            Ok(svg.into_bytes())
        }
    }
}

/// Draws the legend of `chart`'s labelled series in `corner` (usually
/// [`emptiest_corner`]): a translucent white box, `area_size` pixels per
/// entry's swatch, the legend font.
pub(crate) fn draw_legend<'a, DB: DrawingBackend + 'a>(
    chart: &mut ChartContext<'a, DB, Cartesian2d<Axis, Axis>>,
    corner: SeriesLabelPosition,
    area_size: u32,
) -> Result<()> {
    chart
        .configure_series_labels()
        .position(corner)
        .margin(12)
        .legend_area_size(area_size)
        .label_font(text(LEGEND_SIZE))
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK.mix(0.4))
        .draw()
        .map_err(drawing_error)
}

/// Turns a plotters error into an [`Error::Draw`].
pub(crate) fn drawing_error<E: std::error::Error + Send + Sync>(
    error: DrawingAreaErrorKind<E>,
) -> Error {
    Error::Draw(error.to_string())
}

/// Draws `title` at the top of `root` and returns the area below it.
pub(crate) fn titled<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
) -> Result<DrawingArea<DB, Shift>> {
    root.margin(8, 0, 0, 0)
        .titled(title, text(TITLE_SIZE))
        .map_err(drawing_error)
}

/// The corner of the plot `x × y` with the fewest of `points` (counted in
/// the outer 35 % of each side), for the legend; upper right when equal.
pub(crate) fn emptiest_corner(
    points: impl IntoIterator<Item = (f64, f64)>,
    (x0, x1): (f64, f64),
    (y0, y1): (f64, f64),
) -> SeriesLabelPosition {
    let (left, right) = (x0 + 0.35 * (x1 - x0), x1 - 0.35 * (x1 - x0));
    let (low, high) = (y0 + 0.35 * (y1 - y0), y1 - 0.35 * (y1 - y0));
    // Upper right, upper left, lower right, lower left: the order of preference.
    let mut counts = [0usize; 4];
    for (x, y) in points {
        counts[0] += usize::from(x >= right && y >= high);
        counts[1] += usize::from(x <= left && y >= high);
        counts[2] += usize::from(x >= right && y <= low);
        counts[3] += usize::from(x <= left && y <= low);
    }
    match (0..4).min_by_key(|&corner| counts[corner]) {
        Some(1) => SeriesLabelPosition::UpperLeft,
        Some(2) => SeriesLabelPosition::LowerRight,
        Some(3) => SeriesLabelPosition::LowerLeft,
        _ => SeriesLabelPosition::UpperRight,
    }
}

/// The text style of `size` (plotters' unit, see [`TITLE_SIZE`]) in the bundled font.
pub(crate) fn text(size: f64) -> TextStyle<'static> {
    (FAMILY, size).into_font().color(&BLACK)
}

/// Registers the bundled font with plotters once per process (plotters
/// needs it for text styles, though [`Lettered`] measures and draws the text).
fn register_font() -> Result<()> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let registered = *REGISTERED.get_or_init(|| {
        plotters::style::register_font(FAMILY, FontStyle::Normal, text::FONT_BYTES).is_ok()
    });
    if registered && text::font().is_some() {
        Ok(())
    } else {
        Err(Error::Font)
    }
}

/// Encodes 8-bit RGB pixels, row by row, as a PNG file.
fn encode_png(rgb: &[u8], width: u32, height: u32) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut bytes, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().map_err(Error::Encode)?;
    writer.write_image_data(rgb).map_err(Error::Encode)?;
    writer.finish().map_err(Error::Encode)?;
    Ok(bytes)
}

/// A chart over `x` × `y` without grid lines, its axes labelled with
/// `x_desc` and `y_desc`: the frame of the heat map and of the class regions.
pub(crate) fn plane_chart<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    x: &Axis,
    y: &Axis,
    x_desc: &str,
    y_desc: &str,
) -> Result<ChartContext<'a, DB, Cartesian2d<Axis, Axis>>> {
    let mut chart = ChartBuilder::on(area)
        .margin(10)
        .x_label_area_size(55)
        .y_label_area_size(75)
        .build_cartesian_2d(x.coord(), y.coord())
        .map_err(drawing_error)?;
    let x_label = |value: &f64| x.label(*value);
    let y_label = |value: &f64| y.label(*value);
    chart
        .configure_mesh()
        .disable_mesh()
        .x_desc(x_desc)
        .y_desc(y_desc)
        .x_label_formatter(&x_label)
        .y_label_formatter(&y_label)
        .label_style(text(TICK_SIZE))
        .axis_desc_style(text(AXIS_LABEL_SIZE))
        .draw()
        .map_err(drawing_error)?;
    Ok(chart)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_legend_goes_where_the_data_are_not() {
        let corner =
            |points: &[(f64, f64)]| emptiest_corner(points.iter().copied(), (0.0, 1.0), (0.0, 1.0));
        assert!(matches!(corner(&[]), SeriesLabelPosition::UpperRight));
        assert!(matches!(
            corner(&[(0.9, 0.9), (0.8, 0.95)]),
            SeriesLabelPosition::UpperLeft
        ));
        let rising = [(0.1, 0.1), (0.5, 0.5), (0.9, 0.9), (0.1, 0.9), (0.9, 0.1)];
        assert!(matches!(
            corner(&rising[..3]),
            SeriesLabelPosition::UpperLeft
        ));
        assert!(matches!(corner(&rising), SeriesLabelPosition::UpperRight));
    }
}
