//! Ways to find the gradient other than backprop, to check it and to teach it.

pub mod numerical;
