//! Activation functions, applied element-wise after each dense layer.
//!
//! | name         | f(z)                    | f′(z), written with a = f(z)      |
//! |--------------|-------------------------|-----------------------------------|
//! | `sigmoid`    | 1 / (1 + e^−z)          | a (1 − a)                         |
//! | `tanh`       | tanh z                  | 1 − a²                            |
//! | `relu`       | max(0, z)               | 1 if z > 0, else 0                |
//! | `leaky-relu` | z if z > 0, else 0.01 z | 1 if z > 0, else 0.01             |
//! | `linear`     | z                       | 1                                 |
//! | `lecun-tanh` | 1.7159 tanh(2z/3)       | 1.7159 · 2/3 · (1 − (a/1.7159)²)  |
//! | `elu`        | z if z > 0, else e^z − 1 | 1 if z > 0, else a + 1           |
//!
//! `lecun-tanh` is the scaled tanh of LeCun et al., "Efficient BackProp"
//! (1998), §4.4: f(±1) = ±1 and the second derivative peaks at z = ±1.
//! `elu` is the exponential linear unit of Clevert et al. (2016) with α = 1
//! (PyTorch's `nn.ELU()`): like ReLU for z > 0, but smooth, with mean
//! outputs closer to zero; its f′ for z ≤ 0 is e^z = a + 1, read off the
//! cached output.
//!
//! The derivative takes *both* the input z and the output a = f(z) that the
//! forward pass cached, and uses whichever is cheaper, so no function is
//! evaluated twice.

use crate::element::Float;
use crate::named::named_variants;
use crate::simd;
use serde::{Deserialize, Serialize};

/// Slope of `leaky-relu` for negative inputs.
pub const LEAKY_RELU_SLOPE: f64 = 0.01;
/// Amplitude of `lecun-tanh`: 1.7159 · tanh(2z/3).
pub const LECUN_AMPLITUDE: f64 = 1.7159;
/// Input gain of `lecun-tanh`: 1.7159 · tanh(2z/3).
pub const LECUN_GAIN: f64 = 2.0 / 3.0;

/// An element-wise activation function.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Activation {
    /// The logistic function 1 / (1 + e^−z).
    Sigmoid,
    /// The hyperbolic tangent.
    #[default]
    Tanh,
    /// The rectified linear unit max(0, z).
    Relu,
    /// z for z > 0, 0.01 z otherwise.
    LeakyRelu,
    /// The identity: no activation.
    Linear,
    /// LeCun's 1.7159 · tanh(2z/3).
    LecunTanh,
    /// The exponential linear unit: z for z > 0, e^z − 1 otherwise.
    Elu,
}

named_variants!(Activation {
    Activation::Sigmoid => Activation::Sigmoid, "sigmoid", "the logistic function 1 / (1 + e^−z), between 0 and 1";
    Activation::Tanh => Activation::Tanh, "tanh", "the hyperbolic tangent, between −1 and 1";
    Activation::Relu => Activation::Relu, "relu", "the rectified linear unit max(0, z)";
    Activation::LeakyRelu => Activation::LeakyRelu, "leaky-relu", "z for z > 0, 0.01 z otherwise";
    Activation::Linear => Activation::Linear, "linear", "the identity: no activation";
    Activation::LecunTanh => Activation::LecunTanh, "lecun-tanh", "LeCun's 1.7159 · tanh(2z/3), f(±1) = ±1";
    Activation::Elu => Activation::Elu, "elu", "z for z > 0, e^z − 1 otherwise (smooth, above −1)";
});

impl Activation {
    /// f(z) for one element: the very function [`Activation::forward`]
    /// applies to a whole slice.
    pub fn value<T: Float>(self, z: T) -> T {
        match self {
            Activation::Sigmoid => sigmoid(z),
            Activation::Tanh => z.activation_tanh(),
            Activation::Relu => relu(z),
            Activation::LeakyRelu => leaky_relu(z),
            Activation::Linear => z,
            Activation::LecunTanh => lecun_tanh(z),
            Activation::Elu => elu(z),
        }
    }

    /// f′(z) for one element, given z and the cached a = f(z).
    pub fn derivative<T: Float>(self, z: T, a: T) -> T {
        match self {
            Activation::Sigmoid => a * (T::one() - a),
            Activation::Tanh => T::one() - a * a,
            Activation::Relu if z > T::zero() => T::one(),
            Activation::Relu => T::zero(),
            Activation::LeakyRelu if z > T::zero() => T::one(),
            Activation::LeakyRelu => T::from_f64(LEAKY_RELU_SLOPE),
            Activation::Linear => T::one(),
            Activation::LecunTanh => {
                let t = a / T::from_f64(LECUN_AMPLITUDE);
                T::from_f64(LECUN_AMPLITUDE * LECUN_GAIN) * (T::one() - t * t)
            }
            Activation::Elu if z > T::zero() => T::one(),
            Activation::Elu => a + T::one(),
        }
    }

    /// Forward: `a = f(z)` element-wise (vectorised: [`crate::simd::map`]).
    pub fn forward<T: Float>(self, z: &[T], a: &mut [T]) {
        match self {
            Activation::Sigmoid => simd::map(z, a, sigmoid),
            Activation::Tanh => simd::map(z, a, T::activation_tanh),
            Activation::Relu => simd::map(z, a, relu),
            Activation::LeakyRelu => simd::map(z, a, leaky_relu),
            Activation::Linear => a.copy_from_slice(z),
            Activation::LecunTanh => simd::map(z, a, lecun_tanh),
            Activation::Elu => simd::map(z, a, elu),
        }
    }

    /// Forward in place: `values[i] = f(values[i])`.
    pub fn forward_in_place<T: Float>(self, values: &mut [T]) {
        match self {
            Activation::Sigmoid => simd::map_in_place(values, sigmoid),
            Activation::Tanh => simd::map_in_place(values, T::activation_tanh),
            Activation::Relu => simd::map_in_place(values, relu),
            Activation::LeakyRelu => simd::map_in_place(values, leaky_relu),
            Activation::Linear => {}
            Activation::LecunTanh => simd::map_in_place(values, lecun_tanh),
            Activation::Elu => simd::map_in_place(values, elu),
        }
    }

    /// Backward: `∂C/∂z = ∂C/∂a ⊙ f′(z)`, in place on `grad` (which holds
    /// ∂C/∂a on entry and ∂C/∂z on return). `z` and `a` are the forward
    /// pass's input and output; the sigmoid and the tanhs need only `a`.
    pub fn backward<T: Float>(self, z: &[T], a: &[T], grad: &mut [T]) {
        match self {
            Activation::Linear => {}
            Activation::Sigmoid | Activation::Tanh | Activation::LecunTanh => {
                simd::zip_map(grad, a, |g, a| g * self.derivative(T::zero(), a));
            }
            Activation::Relu | Activation::LeakyRelu => {
                simd::zip_map(grad, z, |g, z| g * self.derivative(z, T::zero()));
            }
            Activation::Elu => {
                for ((g, &z), &a) in grad.iter_mut().zip(z).zip(a) {
                    *g *= self.derivative(z, a);
                }
            }
        }
    }

    /// [`Activation::forward`], cut in two halves run on two threads when
    /// the pass is long ([`crate::matrix::worth_halves`]); the same values.
    pub fn forward_on_threads<T: Float>(self, z: &[T], a: &mut [T]) {
        if !crate::matrix::worth_halves(a.len()) {
            return self.forward(z, a);
        }
        let mid = a.len() / 2;
        let ((z, z_rest), (a, a_rest)) = (z.split_at(mid), a.split_at_mut(mid));
        rayon::join(|| self.forward(z, a), || self.forward(z_rest, a_rest));
    }

    /// [`Activation::backward`], cut in two halves run on two threads when
    /// the pass is long ([`crate::matrix::worth_halves`]); the same values.
    pub fn backward_on_threads<T: Float>(self, z: &[T], a: &[T], grad: &mut [T]) {
        if !crate::matrix::worth_halves(grad.len()) {
            return self.backward(z, a, grad);
        }
        let mid = grad.len() / 2;
        let ((z, z_rest), (a, a_rest)) = (z.split_at(mid), a.split_at(mid));
        let (grad, grad_rest) = grad.split_at_mut(mid);
        rayon::join(
            || self.backward(z, a, grad),
            || self.backward(z_rest, a_rest, grad_rest),
        );
    }
}

/// σ(z) = 1 / (1 + e^−z), computed as ½ + ½·tanh(z/2) (the same function),
/// which needs no exponential and shares the vectorised tanh.
#[inline(always)]
pub(crate) fn sigmoid<T: Float>(z: T) -> T {
    let half = T::from_f64(0.5);
    half + half * (half * z).activation_tanh()
}

#[inline(always)]
pub(crate) fn relu<T: Float>(z: T) -> T {
    z.max(T::zero())
}

#[inline(always)]
pub(crate) fn leaky_relu<T: Float>(z: T) -> T {
    if z > T::zero() {
        z
    } else {
        z * T::from_f64(LEAKY_RELU_SLOPE)
    }
}

/// 1.7159 · tanh(2z/3).
#[inline(always)]
pub(crate) fn lecun_tanh<T: Float>(z: T) -> T {
    T::from_f64(LECUN_AMPLITUDE) * (T::from_f64(LECUN_GAIN) * z).activation_tanh()
}

/// z for z > 0, else e^z − 1 (α = 1). e^z − 1 loses digits near z = 0,
/// where it is about z: below 2⁻¹⁰ in size, z + z²/2 is used instead (its
/// error there, z³/6, is below the rounding of either precision).
#[inline(always)]
pub(crate) fn elu<T: Float>(z: T) -> T {
    if z > T::zero() {
        z
    } else if z > T::from_f64(-1.0 / 1024.0) {
        z + T::from_f64(0.5) * z * z
    } else {
        z.exp() - T::one()
    }
}

impl std::fmt::Display for Activation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// f′ against the central difference (f(z+h) − f(z−h)) / 2h in f64.
    #[test]
    fn derivatives_match_central_differences() {
        let h = 1e-6;
        for activation in Activation::ALL {
            for z in [-2.5f64, -0.7, -0.1, 0.3, 1.0, 2.2] {
                let a = activation.value(z);
                let numeric = (activation.value(z + h) - activation.value(z - h)) / (2.0 * h);
                let analytic = activation.derivative(z, a);
                let error = (numeric - analytic).abs() / analytic.abs().max(1e-3);
                assert!(error < 1e-8, "{activation} at {z}: {analytic} vs {numeric}");
            }
        }
    }

    #[test]
    fn lecun_tanh_maps_one_to_one() {
        // LeCun 1998 §4.4 chooses the constants so that f(1) = 1 (to 4 digits).
        assert!((Activation::LecunTanh.value(1.0f64) - 1.0).abs() < 1e-4);
        assert!((Activation::LecunTanh.value(-1.0f64) + 1.0).abs() < 1e-4);
    }

    #[test]
    fn the_list_names_every_activation_by_its_serde_name() {
        crate::named::assert_sound_list::<Activation>();
    }

    #[test]
    fn names_round_trip_through_serde() {
        for activation in Activation::ALL {
            let json = serde_json::to_string(&activation).unwrap();
            assert_eq!(json, format!("\"{}\"", activation.name()));
            assert_eq!(
                serde_json::from_str::<Activation>(&json).unwrap(),
                activation
            );
        }
    }
}
