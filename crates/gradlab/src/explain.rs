//! `gradlab explain` as a document: the course's hand calculation for a few
//! rows, built from the numbers of [`crate::methods::explain`] and rendered
//! as text, markdown or LaTeX.
//!
//! - [`document`]: the format-independent model (headings, prose, formulas,
//!   equations of matrices, tables); [`expr`]: its typed math, spelled by
//!   [`plain_math`] and [`latex_math`].
//! - [`course`]: the narrative that builds it from an
//!   [`crate::methods::explain::Explanation`].
//! - [`text`], [`markdown`], [`latex`]: the renderers, each a `Document` →
//!   `String`; [`text_layout`], [`latex_display`], [`latex_prose`],
//!   [`latex_math`] and [`number`] are their parts.
//!
//! The JSON format is the `Explanation` itself, serialised.

pub mod course;
pub mod document;
pub mod expr;
pub mod latex;
pub mod latex_display;
pub mod latex_math;
pub mod latex_prose;
pub mod markdown;
pub mod number;
pub mod plain_math;
pub mod text;
pub mod text_layout;
