//! The fast path for a row whose cells are all short decimal numbers.
//!
//! In a file of numbers nearly every row is `52.7941,-1124.78,...`: cells
//! that [`packed_decimal`] holds, separated by the delimiter, nothing
//! else. [`push_packed_row`] reads such a row in one pass over its bytes,
//! each number read where it stands (no search for the delimiter first,
//! no text, no UTF-8 check) and added to its numeric column. Any row that
//! is not exactly that (spaces, a long number, an empty cell, a word, a
//! cell too many or too few, a column that is not numeric) is left whole,
//! untouched, to the ordinary path, which gives the same values for the
//! rows this one takes and the errors for those it does not.

use super::packed_decimal;
use super::ColumnBuilder;

/// True when rows split by `delimiter`, with the decimal point `point`,
/// may take the fast path: the delimiter cannot be part of a number (nor a
/// space, which the ordinary path trims).
pub(super) fn usable_with(delimiter: u8, point: u8) -> bool {
    !matches!(delimiter, b'0'..=b'9' | b'+' | b'-' | b'.' | b'e' | b'E')
        && delimiter != b' '
        && delimiter != point
}

/// Adds the cells of `record` (one row, split by `delimiter`, which must be
/// [`usable_with`]) to `builders` and returns `true` when every cell is a
/// short decimal and every builder numeric; otherwise adds nothing and
/// returns `false`. `scratch` is room for one row, reused between rows.
#[inline]
pub(super) fn push_packed_row(
    record: &[u8],
    delimiter: u8,
    point: u8,
    builders: &mut [ColumnBuilder],
    scratch: &mut Vec<u32>,
) -> bool {
    if !builders
        .iter()
        .all(|b| matches!(b, ColumnBuilder::Numeric { .. }))
    {
        return false;
    }
    if !pack_cells(record, delimiter, point, builders.len(), scratch) {
        return false;
    }
    for (builder, &packed) in builders.iter_mut().zip(scratch.iter()) {
        if let ColumnBuilder::Numeric { values, .. } = builder {
            values.push_packed(packed);
        }
    }
    true
}

/// Packs the `columns` cells of `record` into `scratch`; `false` when the
/// record is not exactly that many short decimals (decimal point `point`)
/// split by `delimiter`.
#[inline]
fn pack_cells(
    record: &[u8],
    delimiter: u8,
    point: u8,
    columns: usize,
    scratch: &mut Vec<u32>,
) -> bool {
    scratch.clear();
    let mut rest = record;
    for column in 1..=columns {
        let Some((packed, used)) = packed_decimal::pack_prefix(rest, point) else {
            return false;
        };
        scratch.push(packed);
        rest = &rest[used..];
        match rest.split_first() {
            Some((&byte, after)) if byte == delimiter && column < columns => rest = after,
            None if column == columns => {}
            _ => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::csv::Numbers;

    /// Numeric builders holding nothing yet.
    fn numeric(columns: usize) -> Vec<ColumnBuilder> {
        (0..columns)
            .map(|_| ColumnBuilder::Numeric {
                values: Numbers::from(Vec::new()),
                first_bad: None,
            })
            .collect()
    }

    /// The values of `builders`, column by column.
    fn values(builders: &[ColumnBuilder]) -> Vec<Vec<f64>> {
        builders
            .iter()
            .map(|b| match b {
                ColumnBuilder::Numeric { values, .. } => values.to_vec(),
                _ => panic!("not numeric"),
            })
            .collect()
    }

    #[test]
    fn rows_of_short_decimals_are_read_in_one_pass() {
        let mut builders = numeric(3);
        let mut scratch = Vec::new();
        assert!(push_packed_row(
            b"1.5,-2,3e2",
            b',',
            b'.',
            &mut builders,
            &mut scratch
        ));
        assert!(push_packed_row(
            b"0;1;2",
            b';',
            b'.',
            &mut builders,
            &mut scratch
        ));
        assert_eq!(values(&builders), [[1.5, 0.0], [-2.0, 1.0], [300.0, 2.0]]);
    }

    #[test]
    fn any_other_row_is_left_untouched() {
        let mut builders = numeric(2);
        let mut scratch = Vec::new();
        for row in [
            "1",
            "1,2,3",
            "1,",
            ",1",
            "1, 2",
            " 1,2",
            "1,2 ",
            "1,x",
            "1,NA",
            "1,1e309",
            "1,2,",
            "1,0.1234567890123456",
            "1,,2",
            "1;2",
        ] {
            assert!(
                !push_packed_row(row.as_bytes(), b',', b'.', &mut builders, &mut scratch),
                "{row:?}"
            );
        }
        assert_eq!(values(&builders), [Vec::<f64>::new(), Vec::new()]);
        let mut mixed = numeric(1);
        mixed.push(ColumnBuilder::Text(Vec::new()));
        assert!(!push_packed_row(
            b"1,2",
            b',',
            b'.',
            &mut mixed,
            &mut scratch
        ));
        assert!(!usable_with(b'.', b'.') && !usable_with(b'e', b'.') && !usable_with(b' ', b'.'));
        assert!(usable_with(b',', b'.') && usable_with(b';', b'.') && usable_with(b'\t', b'.'));
    }

    #[test]
    fn decimal_comma_rows_take_the_fast_path_and_points_do_not() {
        assert!(usable_with(b';', b','));
        assert!(!usable_with(b',', b','));
        let mut builders = numeric(2);
        let mut scratch = Vec::new();
        assert!(push_packed_row(
            b"38,5;-0,25",
            b';',
            b',',
            &mut builders,
            &mut scratch
        ));
        assert_eq!(values(&builders), [vec![38.5], vec![-0.25]]);
        // 1.250 is 1250 in such files: left to the ordinary path's error.
        assert!(!push_packed_row(
            b"1.250;1",
            b';',
            b',',
            &mut builders,
            &mut scratch
        ));
        assert_eq!(values(&builders), [vec![38.5], vec![-0.25]]);
    }
}
