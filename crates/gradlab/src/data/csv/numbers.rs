//! The values of a numeric column, held in half the room when they allow.
//!
//! A column read from a file whose every cell is a short decimal
//! (`packed_decimal`: up to 8 significant digits, exponents -16 to 15,
//! the usual case) keeps each value in 32 bits, exactly; the first value
//! that does not fit (a long decimal, a `NaN` standing for a bad cell, a
//! value made in code) turns the column into plain `f64`s. Either way
//! every value reads back as the very `f64` that `str::parse::<f64>` gives
//! for its cell.

use super::packed_decimal;

/// The values of a numeric column, one `f64` per data row.
///
/// Two columns are equal when their values are (as `f64`s, so a `NaN` is
/// never equal), however they are held.
#[derive(Clone)]
pub struct Numbers {
    held: Held,
}

/// How the values are held.
#[derive(Clone)]
enum Held {
    /// Every value so far is a short decimal, packed in 32 bits.
    Packed(Vec<u32>),
    /// Plain values.
    Wide(Vec<f64>),
}

impl Numbers {
    /// No values yet.
    pub(super) fn new() -> Self {
        Numbers {
            held: Held::Packed(Vec::new()),
        }
    }

    /// `count` `NaN`s (bad cells).
    pub(super) fn nans(count: usize) -> Self {
        Numbers::from(vec![f64::NAN; count])
    }

    /// Number of values.
    pub fn len(&self) -> usize {
        match &self.held {
            Held::Packed(values) => values.len(),
            Held::Wide(values) => values.len(),
        }
    }

    /// True when there are no values.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The value of 0-based `index`; panics when out of range.
    #[inline]
    pub fn get(&self, index: usize) -> f64 {
        match &self.held {
            Held::Packed(values) => packed_decimal::unpack(values[index]),
            Held::Wide(values) => values[index],
        }
    }

    /// The values in order.
    pub fn iter(&self) -> impl Iterator<Item = f64> + '_ {
        (0..self.len()).map(|index| self.get(index))
    }

    /// The values as a vector.
    pub fn to_vec(&self) -> Vec<f64> {
        match &self.held {
            Held::Packed(values) => values.iter().map(|&p| packed_decimal::unpack(p)).collect(),
            Held::Wide(values) => values.clone(),
        }
    }

    /// Writes the values of rows `first..first + out.len() / stride` into
    /// `out[row * stride + column]`: one column of a block of a row-major
    /// matrix `stride` wide.
    pub(super) fn copy_into_column(
        &self,
        first: usize,
        out: &mut [f64],
        stride: usize,
        column: usize,
    ) {
        let cells = out.chunks_mut(stride).map(|row| &mut row[column]);
        match &self.held {
            Held::Packed(values) => {
                for (cell, &p) in cells.zip(&values[first..]) {
                    *cell = packed_decimal::unpack(p);
                }
            }
            Held::Wide(values) => {
                for (cell, &v) in cells.zip(&values[first..]) {
                    *cell = v;
                }
            }
        }
    }

    /// Adds the untrimmed `cell` and returns `true` when it is a plain
    /// decimal number with the decimal point `point` (packed when it fits,
    /// else, for a `.`, read by `fast_cells::plain_number`); otherwise adds
    /// nothing and returns `false`.
    #[inline]
    pub(super) fn push_plain(&mut self, cell: &[u8], point: u8) -> bool {
        if let Some(packed) = packed_decimal::pack(cell, point) {
            self.push_packed(packed);
            return true;
        }
        if point != b'.' {
            return false;
        }
        match super::fast_cells::plain_number(cell) {
            Some(value) => {
                self.push(value);
                true
            }
            None => false,
        }
    }

    /// Adds the value `packed` holds ([`packed_decimal::pack`]).
    #[inline]
    pub(super) fn push_packed(&mut self, packed: u32) {
        match &mut self.held {
            Held::Packed(values) => values.push(packed),
            Held::Wide(values) => values.push(packed_decimal::unpack(packed)),
        }
    }

    /// Adds `value` (held wide from now on).
    pub(super) fn push(&mut self, value: f64) {
        self.widen().push(value);
    }

    /// Makes room for `more` values.
    pub(super) fn reserve(&mut self, more: usize) {
        match &mut self.held {
            Held::Packed(values) => values.reserve(more),
            Held::Wide(values) => values.reserve(more),
        }
    }

    /// Appends the values of `more`.
    pub(super) fn append(&mut self, more: Numbers) {
        match (&mut self.held, more.held) {
            (Held::Packed(values), Held::Packed(more)) => values.extend(more),
            (_, more) => {
                let more = Numbers { held: more };
                let values = self.widen();
                values.reserve(more.len());
                values.extend(more.iter());
            }
        }
    }

    /// The values as plain `f64`s, converted if they were packed.
    fn widen(&mut self) -> &mut Vec<f64> {
        if let Held::Packed(packed) = &self.held {
            let mut wide = Vec::with_capacity(packed.capacity().max(packed.len() + 1));
            wide.extend(packed.iter().map(|&p| packed_decimal::unpack(p)));
            self.held = Held::Wide(wide);
        }
        match &mut self.held {
            Held::Wide(values) => values,
            Held::Packed(_) => unreachable!("widened above"),
        }
    }
}

/// No values, for a column of no cells.
pub(super) static NONE: Numbers = Numbers {
    held: Held::Packed(Vec::new()),
};

impl From<Vec<f64>> for Numbers {
    fn from(values: Vec<f64>) -> Self {
        Numbers {
            held: Held::Wide(values),
        }
    }
}

impl FromIterator<f64> for Numbers {
    fn from_iter<I: IntoIterator<Item = f64>>(values: I) -> Self {
        Numbers::from(values.into_iter().collect::<Vec<f64>>())
    }
}

impl PartialEq for Numbers {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl std::fmt::Debug for Numbers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packed_and_wide_values_read_back_alike() {
        let mut numbers = Numbers::new();
        for cell in ["1.5", "-2", " 3e2 "] {
            assert!(numbers.push_plain(cell.as_bytes(), b'.'));
        }
        assert!(matches!(numbers.held, Held::Packed(_)));
        assert_eq!(numbers, Numbers::from(vec![1.5, -2.0, 300.0]));
        // A long decimal does not fit: the column turns wide, values kept.
        assert!(numbers.push_plain(b"0.1234567890123456", b'.'));
        assert!(matches!(numbers.held, Held::Wide(_)));
        assert_eq!(numbers.to_vec(), [1.5, -2.0, 300.0, 0.1234567890123456]);
        assert!(!numbers.push_plain(b"NA", b'.'));
        assert_eq!(numbers.len(), 4);
        let mut joined = Numbers::new();
        assert!(joined.push_plain(b"7", b'.'));
        joined.append(numbers);
        assert_eq!(joined.to_vec(), [7.0, 1.5, -2.0, 300.0, 0.1234567890123456]);
        let mut out = vec![0.0; 6];
        joined.copy_into_column(2, &mut out, 2, 1);
        assert_eq!(out, [0.0, -2.0, 0.0, 300.0, 0.0, 0.1234567890123456]);
        assert_eq!(format!("{:?}", Numbers::from(vec![1.0, 2.5])), "[1.0, 2.5]");
        assert_ne!(Numbers::nans(1), Numbers::nans(1));
    }
}
