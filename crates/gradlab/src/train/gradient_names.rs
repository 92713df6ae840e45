//! The list of [`GradientMethod`]s, with their names and help (the enum
//! itself is one of the trainer's settings).

use crate::named::named_variants;
use crate::train::trainer::GradientMethod;

named_variants!(GradientMethod {
    GradientMethod::Backprop => GradientMethod::Backprop, "backprop",
        "backpropagation: one forward and one backward pass per step";
    GradientMethod::Numerical => GradientMethod::Numerical, "numerical",
        "central differences: two cost evaluations per parameter per step";
});

impl GradientMethod {
    /// A few words after the name in one-line lists, where the name alone
    /// does not say enough.
    pub const fn note(&self) -> Option<&'static str> {
        match self {
            GradientMethod::Numerical => Some(
                "central differences, 2 cost evaluations per parameter per step: slow, for teaching",
            ),
            GradientMethod::Backprop => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_names_every_gradient_method() {
        crate::named::assert_sound_list::<GradientMethod>();
    }
}
