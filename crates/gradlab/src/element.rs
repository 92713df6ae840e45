//! The element type of every matrix: `f32` (the default) or `f64`.
//!
//! One small trait covers both precisions. It gathers what the engine needs:
//! arithmetic and the usual functions (from [`num_traits::Float`]), what faer's
//! matrix product needs, and conversions to and from `f64` and bytes for the
//! model file.

use std::cell::RefCell;
use std::fmt::{Debug, Display};
use std::iter::Sum;
use std::ops::{AddAssign, DivAssign, MulAssign, SubAssign};
use std::thread::LocalKey;

/// A floating-point element type: implemented for `f32` and `f64` only.
pub trait Float:
    num_traits::Float
    + faer::traits::RealField
    + AddAssign
    + SubAssign
    + MulAssign
    + DivAssign
    + Sum
    + Default
    + Debug
    + Display
    + Send
    + Sync
    + 'static
{
    /// The name used on the command line and in the model file (`"f32"`).
    const NAME: &'static str;
    /// Size of one element in bytes.
    const BYTES: usize;

    /// Converts from `f64`, rounding to nearest for `f32`.
    fn from_f64(value: f64) -> Self;
    /// Converts to `f64` exactly.
    fn as_f64(self) -> f64;
    /// Appends the little-endian bytes of `self` to `out`.
    fn write_le(self, out: &mut Vec<u8>);
    /// Reads one element from exactly [`Self::BYTES`] little-endian bytes.
    fn read_le(bytes: &[u8]) -> Self;

    /// tanh as the activations compute it. f64: the standard library's
    /// `tanh`, accurate to the last bit, so that gradient checks in f64
    /// compare against the exact function. f32: a branch-free rational
    /// approximation ([`crate::simd::tanh_f32`]) within a few units in the
    /// last place of `tanhf`, which the compiler can vectorise.
    fn activation_tanh(self) -> Self;

    /// e^x as the softmax and the cross-entropy compute it. f64: the
    /// standard library's `exp`. f32: a branch-free polynomial
    /// ([`crate::simd::exp_f32`]) within a few units in the last place,
    /// which the compiler can vectorise over a batch.
    fn loss_exp(self) -> Self;

    /// Where [`Float::activation_tanh`] is exactly constant: it returns
    /// `activation_tanh(±t)` for every z with |z| ≥ t. f32: 9, because
    /// [`crate::simd::tanh_f32`] clamps its input to [−9, 9]. f64: `None`,
    /// since the standard library's `tanh` promises no such point.
    const TANH_FLAT_FROM: Option<f64>;

    /// Runs `work` on this thread's scratch buffer of `len` elements, whose
    /// contents are whatever was left in it. The buffer is made once per
    /// thread and element type and grows when a longer one is asked for,
    /// so that a loop run on every training step allocates nothing after
    /// the first. Panics if `work` asks for the buffer again.
    fn with_scratch<R>(len: usize, work: impl FnOnce(&mut [Self]) -> R) -> R;
}

thread_local! {
    static SCRATCH_F32: RefCell<Vec<f32>> = const { RefCell::new(Vec::new()) };
    static SCRATCH_F64: RefCell<Vec<f64>> = const { RefCell::new(Vec::new()) };
}

/// [`Float::with_scratch`] on the buffer behind `key`.
fn with_thread_buffer<T: Copy + Default, R>(
    key: &'static LocalKey<RefCell<Vec<T>>>,
    len: usize,
    work: impl FnOnce(&mut [T]) -> R,
) -> R {
    key.with(|buffer| {
        let mut buffer = buffer
            .try_borrow_mut()
            .expect("the scratch buffer is not asked for twice at once");
        if buffer.len() < len {
            buffer.resize(len, T::default());
        }
        work(&mut buffer[..len])
    })
}

impl Float for f32 {
    const NAME: &'static str = "f32";
    const BYTES: usize = 4;
    const TANH_FLAT_FROM: Option<f64> = Some(9.0);

    #[inline(always)]
    fn activation_tanh(self) -> Self {
        crate::simd::tanh_f32(self)
    }

    #[inline(always)]
    fn loss_exp(self) -> Self {
        crate::simd::exp_f32(self)
    }

    fn with_scratch<R>(len: usize, work: impl FnOnce(&mut [Self]) -> R) -> R {
        with_thread_buffer(&SCRATCH_F32, len, work)
    }

    fn from_f64(value: f64) -> Self {
        value as f32
    }
    fn as_f64(self) -> f64 {
        f64::from(self)
    }
    fn write_le(self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.to_le_bytes());
    }
    fn read_le(bytes: &[u8]) -> Self {
        let mut raw = [0u8; 4];
        raw.copy_from_slice(bytes);
        f32::from_le_bytes(raw)
    }
}

impl Float for f64 {
    const NAME: &'static str = "f64";
    const BYTES: usize = 8;
    const TANH_FLAT_FROM: Option<f64> = None;

    #[inline(always)]
    fn activation_tanh(self) -> Self {
        self.tanh()
    }

    #[inline(always)]
    fn loss_exp(self) -> Self {
        self.exp()
    }

    fn with_scratch<R>(len: usize, work: impl FnOnce(&mut [Self]) -> R) -> R {
        with_thread_buffer(&SCRATCH_F64, len, work)
    }

    fn from_f64(value: f64) -> Self {
        value
    }
    fn as_f64(self) -> f64 {
        self
    }
    fn write_le(self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.to_le_bytes());
    }
    fn read_le(bytes: &[u8]) -> Self {
        let mut raw = [0u8; 8];
        raw.copy_from_slice(bytes);
        f64::from_le_bytes(raw)
    }
}

/// Which element type a network uses; chosen at run time, e.g. by `--precision`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Precision {
    /// 32-bit floats: the default, fast.
    #[default]
    F32,
    /// 64-bit floats: for gradient checks and when f32 is not precise enough.
    F64,
}

crate::named::named_variants!(Precision {
    Precision::F32 => Precision::F32, "f32", "32-bit floats: fast";
    Precision::F64 => Precision::F64, "f64", "64-bit floats: for gradient checks and when f32 is not precise enough";
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_names_every_precision_as_its_element_type() {
        crate::named::assert_sound_list::<Precision>();
        assert_eq!(Precision::F32.name(), f32::NAME);
        assert_eq!(Precision::F64.name(), f64::NAME);
    }
}
