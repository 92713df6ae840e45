//! A named sequence of points: a line of a line chart or a trajectory on a
//! heat map.

/// One named line of a [`LineChart`](crate::line::LineChart), or one trajectory
/// on a [`HeatMap`](crate::heat::HeatMap).
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// The name in the legend.
    pub label: String,
    /// `(x, y)` points, drawn in this order.
    pub points: Vec<(f64, f64)>,
}
