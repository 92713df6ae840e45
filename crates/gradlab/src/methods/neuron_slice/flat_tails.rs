//! Where an activation is exactly constant in a given precision: brute
//! force on one neuron costs whole blocks of rows at once there
//! ([`crate::methods::neuron_slice`]).

use crate::element::Float;
use crate::nn::activation::{Activation, LECUN_GAIN};

/// The thresholds beyond which an activation is exactly constant (see
/// [`flat_tails`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FlatTails {
    /// f(z) = f(low) for every z ≤ low.
    pub low: Option<f64>,
    /// f(z) = f(high) for every z ≥ high.
    pub high: Option<f64>,
}

impl FlatTails {
    /// No flat tail on either side.
    pub const NONE: FlatTails = FlatTails {
        low: None,
        high: None,
    };
}

/// Where `activation`'s f, as computed in precision `T`, is exactly constant: every
/// z ≤ `low` gives f(`low`) and every z ≥ `high` gives f(`high`)
/// (`None`: no such tail). Brute force uses it to cost whole blocks of
/// rows at once ([`crate::methods::neuron_slice`]).
///
/// Every activation is matched here: a new one must say whether it has a
/// flat tail.
///
/// The tanh family inherits [`Float::TANH_FLAT_FROM`] (f32: |z| ≥ 9):
/// the sigmoid is ½ + ½·tanh(z/2), so |z| ≥ 18, and `lecun-tanh` is
/// 1.7159·tanh(2z/3), so |z| ≥ 13.5 (2/3 rounds up in f32 and down in
/// f64, and neither is used with f64). ReLU is 0 for every z ≤ 0.
pub fn flat_tails<T: Float>(activation: Activation) -> FlatTails {
    let tanh = |gain: f64| {
        T::TANH_FLAT_FROM.map_or(FlatTails::NONE, |t| FlatTails {
            low: Some(-t / gain),
            high: Some(t / gain),
        })
    };
    match activation {
        Activation::Tanh => tanh(1.0),
        Activation::Sigmoid => tanh(0.5),
        Activation::LecunTanh => tanh(LECUN_GAIN),
        Activation::Relu => FlatTails {
            low: Some(0.0),
            high: None,
        },
        // e^z − 1 rounds to −1 far enough left, but where depends on the
        // library's exp: no tail is claimed.
        Activation::LeakyRelu | Activation::Linear | Activation::Elu => FlatTails::NONE,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every z beyond a flat tail's threshold gives the threshold's value,
    /// bit for bit (−0 and 0 count as equal), on a fine sweep and far out.
    fn check_flat_tails<T: Float>() {
        for activation in Activation::ALL {
            let tails = flat_tails::<T>(activation);
            for (threshold, outward) in [(tails.low, -1.0), (tails.high, 1.0)] {
                let Some(t) = threshold else { continue };
                let at = activation.value(T::from_f64(t));
                let beyond = (0..=20_000)
                    .map(|i| t + outward * f64::from(i) * 1e-3)
                    .chain([t + outward * 1e6, t + outward * 1e30]);
                for z in beyond {
                    let value = activation.value(T::from_f64(z));
                    assert!(
                        value == at,
                        "{activation} {}: f({z}) = {value}, f({t}) = {at}",
                        T::NAME
                    );
                }
            }
        }
    }

    #[test]
    fn flat_tails_are_exactly_flat() {
        check_flat_tails::<f32>();
        check_flat_tails::<f64>();
        assert_eq!(flat_tails::<f32>(Activation::Tanh).high, Some(9.0));
        assert_eq!(flat_tails::<f64>(Activation::Tanh), FlatTails::NONE);
        assert_eq!(flat_tails::<f64>(Activation::Relu).low, Some(0.0));
    }
}
