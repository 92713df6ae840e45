//! Contour lines by marching squares.
//!
//! The grid's points make cells of four corners. For one level, each cell is
//! classified by which corners lie above the level (16 cases); the case says
//! which of the cell's edges the line crosses, and the crossing point on an
//! edge is interpolated linearly between its two corners. The segments of all
//! cells are then joined, through the edges they share, into polylines: closed
//! rings around a peak or a pit, open lines that end at the grid's border.
//!
//! Cells with a non-finite corner are skipped (the line stops there).

use std::collections::HashMap;

/// A field sampled on a grid: `values[iy * x.len() + ix]` at `(x[ix], y[iy])`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Field<'a> {
    pub x: &'a [f64],
    pub y: &'a [f64],
    pub values: &'a [f64],
}

/// A cell edge of the whole grid, named so that two neighbouring cells name
/// their shared edge the same way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Edge {
    /// From point `(ix, iy)` to `(ix + 1, iy)`.
    Horizontal(usize, usize),
    /// From point `(ix, iy)` to `(ix, iy + 1)`.
    Vertical(usize, usize),
}

/// One side of a cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Bottom,
    Right,
    Top,
    Left,
}

/// `count` levels evenly spaced strictly inside `lo..hi`.
pub(crate) fn levels(lo: f64, hi: f64, count: usize) -> Vec<f64> {
    let step = (hi - lo) / (count + 1) as f64;
    (1..=count).map(|k| lo + k as f64 * step).collect()
}

/// The contour lines of `field` at `level`, as polylines of `(x, y)` points;
/// a closed ring ends with its first point.
pub(crate) fn contour_lines(field: Field<'_>, level: f64) -> Vec<Vec<(f64, f64)>> {
    let segments = cell_segments(field, level);
    join_segments(&segments)
        .into_iter()
        .map(|chain| {
            chain
                .into_iter()
                .map(|edge| crossing(field, edge, level))
                .collect()
        })
        .collect()
}

/// Step 1: the segments of every cell, each as the two grid edges it joins.
fn cell_segments(field: Field<'_>, level: f64) -> Vec<[Edge; 2]> {
    let (nx, ny) = (field.x.len(), field.y.len());
    let mut segments = Vec::new();
    for iy in 0..ny.saturating_sub(1) {
        for ix in 0..nx.saturating_sub(1) {
            let corners = corners(field, ix, iy);
            if corners.iter().any(|value| !value.is_finite()) {
                continue;
            }
            let centre_above = corners.iter().sum::<f64>() / 4.0 > level;
            for &[from, to] in case_sides(case_index(corners, level), centre_above) {
                segments.push([grid_edge(ix, iy, from), grid_edge(ix, iy, to)]);
            }
        }
    }
    segments
}

/// The values at a cell's corners: bottom-left, bottom-right, top-right, top-left.
fn corners(field: Field<'_>, ix: usize, iy: usize) -> [f64; 4] {
    let nx = field.x.len();
    let at = |ix: usize, iy: usize| field.values[iy * nx + ix];
    [
        at(ix, iy),
        at(ix + 1, iy),
        at(ix + 1, iy + 1),
        at(ix, iy + 1),
    ]
}

/// Step 2: the case, one bit per corner above the level (bottom-left = 1,
/// bottom-right = 2, top-right = 4, top-left = 8).
fn case_index(corners: [f64; 4], level: f64) -> u8 {
    corners
        .iter()
        .enumerate()
        .filter(|(_, &value)| value > level)
        .map(|(bit, _)| 1 << bit)
        .sum()
}

/// Step 3: the sides a case's line segments join. The two saddles (5 and 10,
/// opposite corners above) are resolved by the value at the cell's centre:
/// when it is above, the corners above are connected through the middle.
fn case_sides(case: u8, centre_above: bool) -> &'static [[Side; 2]] {
    use Side::{Bottom, Left, Right, Top};
    match case {
        1 | 14 => &[[Left, Bottom]],
        2 | 13 => &[[Bottom, Right]],
        3 | 12 => &[[Left, Right]],
        4 | 11 => &[[Right, Top]],
        6 | 9 => &[[Bottom, Top]],
        7 | 8 => &[[Left, Top]],
        5 if centre_above => &[[Bottom, Right], [Left, Top]],
        5 => &[[Left, Bottom], [Right, Top]],
        10 if centre_above => &[[Left, Bottom], [Right, Top]],
        10 => &[[Bottom, Right], [Left, Top]],
        _ => &[],
    }
}

/// The grid edge that is `side` of cell `(ix, iy)`.
fn grid_edge(ix: usize, iy: usize, side: Side) -> Edge {
    match side {
        Side::Bottom => Edge::Horizontal(ix, iy),
        Side::Top => Edge::Horizontal(ix, iy + 1),
        Side::Left => Edge::Vertical(ix, iy),
        Side::Right => Edge::Vertical(ix + 1, iy),
    }
}

/// Step 4: where the contour crosses `edge`, interpolated linearly.
fn crossing(field: Field<'_>, edge: Edge, level: f64) -> (f64, f64) {
    let nx = field.x.len();
    let at = |ix: usize, iy: usize| field.values[iy * nx + ix];
    let fraction = |from: f64, to: f64| {
        let t = (level - from) / (to - from);
        if t.is_finite() {
            t.clamp(0.0, 1.0)
        } else {
            0.5
        }
    };
    match edge {
        Edge::Horizontal(ix, iy) => {
            let t = fraction(at(ix, iy), at(ix + 1, iy));
            (
                field.x[ix] + t * (field.x[ix + 1] - field.x[ix]),
                field.y[iy],
            )
        }
        Edge::Vertical(ix, iy) => {
            let t = fraction(at(ix, iy), at(ix, iy + 1));
            (
                field.x[ix],
                field.y[iy] + t * (field.y[iy + 1] - field.y[iy]),
            )
        }
    }
}

/// Step 5: chains of segments joined through shared edges. Every edge is
/// shared by at most two segments (one per neighbouring cell), so each chain
/// is found by walking from a segment in both directions.
fn join_segments(segments: &[[Edge; 2]]) -> Vec<Vec<Edge>> {
    let mut touching: HashMap<Edge, Vec<usize>> = HashMap::new();
    for (index, segment) in segments.iter().enumerate() {
        for edge in segment {
            touching.entry(*edge).or_default().push(index);
        }
    }
    let mut used = vec![false; segments.len()];
    let mut chains = Vec::new();
    for start in 0..segments.len() {
        if used[start] {
            continue;
        }
        used[start] = true;
        let [first, second] = segments[start];
        let mut chain = vec![first, second];
        extend_chain(&mut chain, segments, &touching, &mut used);
        if chain.first() != chain.last() {
            chain.reverse();
            extend_chain(&mut chain, segments, &touching, &mut used);
        }
        chains.push(chain);
    }
    chains
}

/// Appends to `chain` the unused segments that continue it from its last edge.
fn extend_chain(
    chain: &mut Vec<Edge>,
    segments: &[[Edge; 2]],
    touching: &HashMap<Edge, Vec<usize>>,
    used: &mut [bool],
) {
    while let Some(&end) = chain.last() {
        let next = touching[&end].iter().copied().find(|&index| !used[index]);
        let Some(next) = next else { break };
        used[next] = true;
        let [a, b] = segments[next];
        chain.push(if a == end { b } else { a });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field<'a>(x: &'a [f64], y: &'a [f64], values: &'a [f64]) -> Field<'a> {
        Field { x, y, values }
    }

    #[test]
    fn a_single_peak_gives_a_closed_ring_around_it() {
        let axis = [0.0, 1.0, 2.0];
        #[rustfmt::skip]
        let values = [
            0.0, 0.0, 0.0,
            0.0, 1.0, 0.0,
            0.0, 0.0, 0.0,
        ];
        let lines = contour_lines(field(&axis, &axis, &values), 0.5);
        assert_eq!(lines.len(), 1);
        let ring = &lines[0];
        assert_eq!(ring.len(), 5, "{ring:?}");
        assert_eq!(ring.first(), ring.last(), "not closed: {ring:?}");
        let mut corners: Vec<(f64, f64)> = ring[..4].to_vec();
        corners.sort_by(|a, b| a.partial_cmp(b).unwrap());
        assert_eq!(corners, [(0.5, 1.0), (1.0, 0.5), (1.0, 1.5), (1.5, 1.0)]);
    }

    #[test]
    fn the_crossing_is_interpolated() {
        let (x, y) = ([0.0, 4.0], [0.0, 1.0]);
        let values = [0.0, 4.0, 0.0, 4.0];
        let lines = contour_lines(field(&x, &y, &values), 1.0);
        assert_eq!(lines.len(), 1);
        let mut line = lines[0].clone();
        line.sort_by(|a, b| a.partial_cmp(b).unwrap());
        assert_eq!(line, [(1.0, 0.0), (1.0, 1.0)]);
    }

    #[test]
    fn a_ramp_gives_one_open_line_across_the_grid() {
        let axis = [0.0, 1.0, 2.0, 3.0];
        let values: Vec<f64> = (0..16).map(|i| (i % 4) as f64).collect();
        let lines = contour_lines(field(&axis, &axis, &values), 1.5);
        assert_eq!(lines.len(), 1);
        let line = &lines[0];
        assert_eq!(line.len(), 4);
        assert_ne!(line.first(), line.last());
        assert!(line.iter().all(|&(x, _)| x == 1.5));
    }

    #[test]
    fn saddles_follow_the_centre() {
        let axis = [0.0, 1.0];
        // Bottom-left and top-right above: case 5. Row-major: bottom row first.
        let high_centre = [1.0, 0.0, 0.4, 1.0];
        let low_centre = [0.6, 0.0, 0.0, 0.6];
        for values in [high_centre, low_centre] {
            let lines = contour_lines(field(&axis, &axis, &values), 0.5);
            assert_eq!(lines.len(), 2, "{values:?}: {lines:?}");
        }
        assert_eq!(
            case_sides(5, true),
            &[[Side::Bottom, Side::Right], [Side::Left, Side::Top]]
        );
        assert_eq!(
            case_sides(5, false),
            &[[Side::Left, Side::Bottom], [Side::Right, Side::Top]]
        );
    }

    #[test]
    fn cells_with_a_non_finite_corner_are_skipped() {
        let axis = [0.0, 1.0, 2.0];
        #[rustfmt::skip]
        let values = [
            0.0, 0.0, 0.0,
            0.0, 1.0, 0.0,
            0.0, 0.0, f64::NAN,
        ];
        let lines = contour_lines(field(&axis, &axis, &values), 0.5);
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].len(), 4, "an open line of three segments");
        assert_ne!(lines[0].first(), lines[0].last());
    }

    #[test]
    fn levels_are_inside_the_range() {
        assert_eq!(levels(0.0, 4.0, 3), [1.0, 2.0, 3.0]);
        assert!(levels(0.0, 1.0, 0).is_empty());
    }
}
