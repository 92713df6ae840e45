//! What the picture tests look at: a PNG decoded into pixels, an SVG read
//! for its shapes and texts, and the checks every picture must pass.

use crate::error::Result;
use plotters::prelude::RGBColor;
use std::collections::HashSet;
use std::path::Path;

/// Writes `picture` to `dir/name.png` and `dir/name.svg` with `save`, checks
/// both files (size, colours, title, shapes) and returns them for the
/// picture's own checks. With `GRADLAB_PLOT_SAMPLES=DIR` in the environment,
/// also writes them to `DIR` for looking at.
pub(crate) fn both_formats(
    dir: &Path,
    name: &str,
    title: &str,
    expected_size: (u32, u32),
    save: impl Fn(&Path) -> Result<()>,
) -> (Image, Svg) {
    let png_path = dir.join(format!("{name}.png"));
    save(&png_path).unwrap();
    let image = Image::decode(&std::fs::read(&png_path).unwrap());
    assert_eq!((image.width, image.height), expected_size);
    assert!(image.colours() > 10, "only {} colours", image.colours());
    let svg_path = dir.join(format!("{name}.svg"));
    save(&svg_path).unwrap();
    let svg = Svg(std::fs::read_to_string(&svg_path).unwrap());
    svg_file(&svg, title);
    if let Some(samples) = std::env::var_os("GRADLAB_PLOT_SAMPLES") {
        let samples = Path::new(&samples);
        std::fs::create_dir_all(samples).unwrap();
        save(&samples.join(format!("{name}.png"))).unwrap();
        save(&samples.join(format!("{name}.svg"))).unwrap();
    }
    (image, svg)
}

/// An SVG document with `title` as its first text and several drawn shapes.
fn svg_file(svg: &Svg, title: &str) {
    assert!(svg.0.starts_with("<svg"), "no <svg> element");
    assert_eq!(svg.texts().first().map(String::as_str), Some(title));
    let shapes = ["<line", "<rect", "<polyline", "<circle", "<polygon"]
        .iter()
        .map(|tag| svg.0.matches(tag).count())
        .sum::<usize>();
    assert!(shapes > 5, "only {shapes} shapes");
}

/// A decoded 8-bit RGB PNG.
pub(crate) struct Image {
    pub width: u32,
    pub height: u32,
    rgb: Vec<u8>,
}

impl Image {
    /// Decodes `bytes`, which must be an RGB PNG file.
    pub fn decode(bytes: &[u8]) -> Image {
        assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG file");
        let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
        let mut reader = decoder.read_info().unwrap();
        let mut rgb = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut rgb).unwrap();
        assert_eq!(info.color_type, png::ColorType::Rgb);
        rgb.truncate(info.buffer_size());
        Image {
            width: info.width,
            height: info.height,
            rgb,
        }
    }

    /// The number of distinct colours.
    pub fn colours(&self) -> usize {
        self.rgb.chunks(3).collect::<HashSet<_>>().len()
    }

    /// The `(x, y)` of every pixel of exactly `colour`, row by row.
    pub fn pixels_of(&self, colour: RGBColor) -> Vec<(u32, u32)> {
        let wanted = [colour.0, colour.1, colour.2];
        self.rgb
            .chunks(3)
            .enumerate()
            .filter(|(_, pixel)| *pixel == wanted)
            .map(|(i, _)| (i as u32 % self.width, i as u32 / self.width))
            .collect()
    }

    /// The colour of the pixel at `(x, y)`.
    pub fn pixel(&self, x: i32, y: i32) -> RGBColor {
        let at = 3 * (y as usize * self.width as usize + x as usize);
        RGBColor(self.rgb[at], self.rgb[at + 1], self.rgb[at + 2])
    }

    /// The number of pixels of exactly `colour`.
    pub fn count(&self, colour: RGBColor) -> usize {
        self.pixels_of(colour).len()
    }
}

/// An SVG document as plotters writes it: one element per line.
pub(crate) struct Svg(pub String);

impl Svg {
    /// The content of every `<text>` element, in order.
    pub fn texts(&self) -> Vec<String> {
        let lines: Vec<&str> = self.0.lines().collect();
        lines
            .windows(2)
            .filter(|pair| pair[0].starts_with("<text"))
            .map(|pair| pair[1].trim().to_owned())
            .collect()
    }

    /// The points of every `<polyline>` whose stroke is `colour` and whose
    /// width is `width`.
    pub fn polylines(&self, colour: RGBColor, width: u32) -> Vec<Vec<(i32, i32)>> {
        let stroke = format!("stroke=\"{}\" stroke-width=\"{width}\"", hex(colour));
        self.elements("<polyline")
            .filter(|line| line.contains(&stroke))
            .map(|line| points(attribute(line, "points")))
            .collect()
    }

    /// The points of every `<polygon>` filled with `colour`.
    pub fn polygons(&self, colour: RGBColor) -> Vec<Vec<(i32, i32)>> {
        let fill = format!("fill=\"{}\"", hex(colour));
        self.elements("<polygon")
            .filter(|line| line.contains(&fill))
            .map(|line| points(attribute(line, "points")))
            .collect()
    }

    /// `(x, y, width, height)` of every `<rect>` filled with `colour`.
    pub fn rects(&self, colour: RGBColor) -> Vec<(i32, i32, i32, i32)> {
        let fill = format!("fill=\"{}\"", hex(colour));
        self.elements("<rect")
            .filter(|line| line.contains(&fill))
            .map(|line| {
                let number = |name| attribute(line, name).parse().unwrap();
                (number("x"), number("y"), number("width"), number("height"))
            })
            .collect()
    }

    /// `((x, y, width, height), colour)` of every opaque filled `<rect>`,
    /// in the order drawn.
    pub fn filled_rects(&self) -> Vec<((i32, i32, i32, i32), RGBColor)> {
        self.elements("<rect")
            .filter(|line| line.contains("opacity=\"1\" fill=\"#"))
            .map(|line| {
                let number = |name| attribute(line, name).parse().unwrap();
                let fill = attribute(line, "fill");
                let channel = |at: usize| u8::from_str_radix(&fill[at..at + 2], 16).unwrap();
                (
                    (number("x"), number("y"), number("width"), number("height")),
                    RGBColor(channel(1), channel(3), channel(5)),
                )
            })
            .collect()
    }

    fn elements<'a>(&'a self, tag: &'a str) -> impl Iterator<Item = &'a str> {
        self.0.lines().filter(move |line| line.starts_with(tag))
    }
}

/// `#RRGGBB`, as the SVG backend writes colours.
fn hex(colour: RGBColor) -> String {
    format!("#{:02X}{:02X}{:02X}", colour.0, colour.1, colour.2)
}

/// The value of the attribute `name` of the element `line`.
fn attribute<'a>(line: &'a str, name: &str) -> &'a str {
    let start = line
        .find(&format!(" {name}=\""))
        .unwrap_or_else(|| panic!("no {name} in {line}"))
        + name.len()
        + 3;
    let end = start + line[start..].find('"').unwrap();
    &line[start..end]
}

/// `x,y x,y …` as points.
fn points(text: &str) -> Vec<(i32, i32)> {
    text.split_whitespace()
        .map(|pair| {
            let (x, y) = pair.split_once(',').unwrap();
            (x.parse().unwrap(), y.parse().unwrap())
        })
        .collect()
}

/// The mean of `values`; NaN for none.
pub(crate) fn mean(values: impl IntoIterator<Item = f64>) -> f64 {
    let (sum, count) = values
        .into_iter()
        .fold((0.0, 0.0), |(sum, count), v| (sum + v, count + 1.0));
    sum / count
}
