//! Text in the bundled font: a backend wrapper that measures text the way an
//! SVG viewer sizes it and, on bitmaps, draws it glyph by glyph.
//!
//! plotters 0.3.7 draws `ab_glyph` text without each glyph's left side
//! bearing, so letters sit unevenly ("temper ature n ow"), and about a fifth
//! of the font size too high. [`Lettered`] passes every drawing call to the
//! backend it wraps except text: it measures text itself (for both formats, so
//! that legends and titles are laid out alike) and rasterises it itself on a
//! bitmap. An SVG backend keeps writing `<text>` elements.
//!
//! Sizes follow the SVG backend, which writes `font-size = size / 1.24`: that
//! is the em size here too, and `0.76 em` below the top of a line is its
//! baseline.

use ab_glyph::{point, Font, FontRef, PxScale, ScaleFont};
use plotters::prelude::DrawingBackend;
use plotters_backend::text_anchor::{HPos, VPos};
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind,
};
use std::sync::OnceLock;

/// DejaVu Sans (see `assets/DejaVuSans-LICENSE.txt`).
pub(crate) static FONT_BYTES: &[u8] = include_bytes!("../assets/DejaVuSans.ttf");

/// The em size of a text style of `size`, as the SVG backend writes it.
const EM_PER_SIZE: f64 = 1.0 / 1.24;

/// The baseline below the top of a line, in em (the SVG backend's `dy`).
const ASCENT: f64 = 0.76;

/// Half the x-height of DejaVu Sans, in em (the SVG backend's `0.5ex`).
const HALF_EX: f64 = 0.273;

/// The bundled font, parsed once.
pub(crate) fn font() -> Option<&'static FontRef<'static>> {
    static FONT: OnceLock<Option<FontRef<'static>>> = OnceLock::new();
    FONT.get_or_init(|| FontRef::try_from_slice(FONT_BYTES).ok())
        .as_ref()
}

/// A backend that measures text with the bundled font and, when `raster`,
/// draws it too.
pub(crate) struct Lettered<B> {
    pub inner: B,
    pub raster: bool,
}

/// A line of text laid out: its glyphs' pen positions and its size.
struct Line {
    scale: PxScale,
    /// `(glyph, x)` along the baseline, from 0.
    glyphs: Vec<(ab_glyph::GlyphId, f32)>,
    width: f64,
    em: f64,
}

fn lay_out(font: &FontRef<'static>, text: &str, size: f64) -> Line {
    let em = size * EM_PER_SIZE;
    let units_per_em = font.units_per_em().unwrap_or(2048.0);
    let scale = PxScale::from((em as f32) * font.height_unscaled() / units_per_em);
    let scaled = font.as_scaled(scale);
    let mut glyphs = Vec::with_capacity(text.len());
    let mut caret = 0.0f32;
    let mut previous = None;
    for c in text.chars() {
        let id = scaled.glyph_id(c);
        if let Some(previous) = previous {
            caret += scaled.kern(previous, id);
        }
        glyphs.push((id, caret));
        caret += scaled.h_advance(id);
        previous = Some(id);
    }
    Line {
        scale,
        glyphs,
        width: f64::from(caret),
        em,
    }
}

fn no_font<E: std::error::Error + Send + Sync>() -> DrawingErrorKind<E> {
    DrawingErrorKind::FontError(Box::<dyn std::error::Error + Send + Sync>::from(
        "the bundled font could not be loaded",
    ))
}

impl<B: DrawingBackend> DrawingBackend for Lettered<B> {
    type ErrorType = B::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        self.inner.get_size()
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.ensure_prepared()
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.present()
    }

    fn draw_pixel(
        &mut self,
        point: BackendCoord,
        color: BackendColor,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_pixel(point, color)
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_line(from, to, style)
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_rect(upper_left, bottom_right, style, fill)
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_path(path, style)
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_circle(center, radius, style, fill)
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.fill_polygon(vert, style)
    }

    fn blit_bitmap(
        &mut self,
        pos: BackendCoord,
        size: (u32, u32),
        src: &[u8],
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.blit_bitmap(pos, size, src)
    }

    fn estimate_text_size<TStyle: BackendTextStyle>(
        &self,
        text: &str,
        style: &TStyle,
    ) -> Result<(u32, u32), DrawingErrorKind<Self::ErrorType>> {
        let font = font().ok_or_else(no_font)?;
        let line = lay_out(font, text, style.size());
        Ok((line.width.ceil() as u32, line.em.ceil() as u32))
    }

    fn draw_text<TStyle: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &TStyle,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        if !self.raster {
            return self.inner.draw_text(text, style, pos);
        }
        let color = style.color();
        if color.alpha == 0.0 {
            return Ok(());
        }
        let font = font().ok_or_else(no_font)?;
        let line = lay_out(font, text, style.size());
        let anchor = style.anchor();
        let left = match anchor.h_pos {
            HPos::Left => 0.0,
            HPos::Center => -line.width / 2.0,
            HPos::Right => -line.width,
        };
        let baseline = match anchor.v_pos {
            VPos::Top => ASCENT * line.em,
            VPos::Center => HALF_EX * line.em,
            VPos::Bottom => -HALF_EX * line.em,
        };
        let transform = style.transform();
        let (width, height) = self.get_size();
        for &(id, x) in &line.glyphs {
            let glyph =
                id.with_scale_and_position(line.scale, point(left as f32 + x, baseline as f32));
            let Some(outline) = font.outline_glyph(glyph) else {
                continue;
            };
            let bounds = outline.px_bounds();
            let mut pixels = Vec::new();
            outline.draw(|gx, gy, coverage| {
                if coverage > 0.0 {
                    let x = bounds.min.x as i32 + gx as i32;
                    let y = bounds.min.y as i32 + gy as i32;
                    pixels.push((x, y, coverage));
                }
            });
            for (x, y, coverage) in pixels {
                let (x, y) = transform.transform(x, y);
                let (x, y) = (pos.0 + x, pos.1 + y);
                if x >= 0 && y >= 0 && (x as u32) < width && (y as u32) < height {
                    let alpha = color.alpha * f64::from(coverage.min(1.0));
                    self.inner.draw_pixel(
                        (x, y),
                        BackendColor {
                            alpha,
                            rgb: color.rgb,
                        },
                    )?;
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_font_loads_and_measures_text() {
        let font = font().expect("the bundled font");
        let line = lay_out(font, "loss", 24.0);
        assert!(line.width > 20.0 && line.width < 60.0, "{}", line.width);
        assert!((line.em - 24.0 / 1.24).abs() < 1e-9);
        let wider = lay_out(font, "loss loss", 24.0);
        assert!(wider.width > 2.0 * line.width);
    }
}
