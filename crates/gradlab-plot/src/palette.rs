//! Colours: strong colours for lines and classes, their light versions for
//! regions, and the viridis scale for values.

use plotters::prelude::{RGBColor, ViridisRGB};

/// Strong, distinct colours (matplotlib's "tab10"), used in this order.
const STRONG: [RGBColor; 10] = [
    RGBColor(31, 119, 180),  // blue
    RGBColor(255, 127, 14),  // orange
    RGBColor(44, 160, 44),   // green
    RGBColor(214, 39, 40),   // red
    RGBColor(148, 103, 189), // purple
    RGBColor(140, 86, 75),   // brown
    RGBColor(227, 119, 194), // pink
    RGBColor(127, 127, 127), // grey
    RGBColor(188, 189, 34),  // olive
    RGBColor(23, 190, 207),  // cyan
];

/// Colours that stand out on viridis (no blue, green or yellow).
const ON_VIRIDIS: [RGBColor; 6] = [
    RGBColor(255, 64, 64),   // red
    RGBColor(255, 255, 255), // white
    RGBColor(255, 150, 30),  // orange
    RGBColor(255, 120, 220), // pink
    RGBColor(0, 230, 255),   // cyan
    RGBColor(190, 130, 255), // lavender
];

/// The colour of cells with no value (non-finite) on a heat map.
pub(crate) const NO_VALUE: RGBColor = RGBColor(170, 170, 170);

/// The `index`-th strong colour (they repeat after 10).
pub(crate) fn strong(index: usize) -> RGBColor {
    STRONG[index % STRONG.len()]
}

/// A light version of the `index`-th strong colour, for a region's background.
pub(crate) fn light(index: usize) -> RGBColor {
    mix_with_white(strong(index), 0.72)
}

/// The `index`-th colour for a line drawn over a viridis heat map.
pub(crate) fn on_viridis(index: usize) -> RGBColor {
    ON_VIRIDIS[index % ON_VIRIDIS.len()]
}

/// The viridis colour of `t` in `0..=1` (clamped; NaN counts as 0).
pub(crate) fn viridis(t: f64) -> RGBColor {
    let t = if t.is_nan() { 0.0 } else { t.clamp(0.0, 1.0) };
    ViridisRGB::get_color(t)
}

/// `colour` moved towards white by `amount` in `0..=1`.
fn mix_with_white(colour: RGBColor, amount: f64) -> RGBColor {
    let mix =
        |channel: u8| (f64::from(channel) + amount * (255.0 - f64::from(channel))).round() as u8;
    RGBColor(mix(colour.0), mix(colour.1), mix(colour.2))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn viridis_runs_from_purple_to_yellow() {
        assert_eq!(viridis(0.0), RGBColor(68, 1, 84));
        assert_eq!(viridis(1.0), RGBColor(254, 232, 37));
        assert_eq!(viridis(7.0), viridis(1.0));
        assert_eq!(viridis(f64::NAN), viridis(0.0));
    }

    #[test]
    fn light_colours_are_lighter() {
        let (strong, light) = (strong(0), light(0));
        assert!(light.0 > strong.0 && light.1 > strong.1 && light.2 > strong.2);
        assert_eq!(super::strong(10), super::strong(0));
    }
}
