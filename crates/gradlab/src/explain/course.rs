//! The course narrative: an [`Explanation`] written out as a [`Document`],
//! step by step — forward I, II, III, backprop output → hidden and
//! hidden → input for each row, then the batch gradient and one update.
//! Every formula is written here once; the renderers only spell it.

mod activation;
mod backprop;
mod batch;
mod forward;
mod notation;
pub mod scaling;
mod update;

use crate::explain::document::Document;
use crate::methods::explain::Explanation;
use backprop::{backprop_hidden, backprop_output};
use batch::batch;
use forward::{forward_one, forward_three, forward_two};
use update::update;

/// Where the numbers of an explanation come from, for the header: the
/// front end knows the file names and how the network was started.
#[derive(Debug, Clone, PartialEq)]
pub struct Provenance {
    /// The data's name as given (a path, or `-` for stdin).
    pub source: String,
    /// Number of data rows in the file.
    pub data_rows: usize,
    /// Where the weights come from, in words.
    pub weights: String,
    /// Where the scalers come from, in words.
    pub scalers: String,
    /// Per chosen row: "a training row" / "a test row, held out", when known.
    pub membership: Vec<Option<String>>,
}

/// The whole explanation as a format-independent document.
pub fn document(e: &Explanation, provenance: &Provenance) -> Document {
    let mut doc = Document::default();
    header(&mut doc, e, provenance);
    let several = e.rows.len() > 1;
    for (s, row) in e.rows.iter().enumerate() {
        let suffix = if several {
            format!(" — data row {}", row.data_row)
        } else {
            String::new()
        };
        if several {
            let membership = provenance.membership[s]
                .as_ref()
                .map(|m| format!(" ({m})"))
                .unwrap_or_default();
            doc.title(format!(
                "Data row {} of {}{membership}",
                row.data_row, provenance.source
            ));
        }
        forward_one(&mut doc, e, row, &suffix);
        forward_two(&mut doc, e, row, &suffix);
        forward_three(&mut doc, e, row, &suffix);
        backprop_output(&mut doc, row, &suffix);
        backprop_hidden(&mut doc, e, row, &suffix);
    }
    batch(&mut doc, e);
    update(&mut doc, e);
    doc
}

fn header(doc: &mut Document, e: &Explanation, provenance: &Provenance) {
    doc.title(format!(
        "gradlab explain: {}, {} parameters, {}",
        e.architecture,
        e.architecture.parameter_count(),
        e.precision.name()
    ));
    let rows: Vec<String> = e.rows.iter().map(|r| r.data_row.to_string()).collect();
    let which = if rows.len() == 1 {
        let membership = provenance.membership[0]
            .as_ref()
            .map(|m| format!(" ({m})"))
            .unwrap_or_default();
        format!(
            "data row {} of {}{membership}",
            rows[0], provenance.data_rows
        )
    } else {
        format!("data rows {} of {}", rows.join(", "), provenance.data_rows)
    };
    let task = if e.labels.is_empty() {
        "regression".to_owned()
    } else {
        format!("classification: {}", e.labels.join(", "))
    };
    doc.text(format!(
        "data: {}, {which}; inputs {} → target {} ({task})",
        provenance.source,
        e.input_names.join(", "),
        e.target_name
    ));
    doc.text(format!("weights: {}", provenance.weights));
    doc.text(format!("scalers: {}", provenance.scalers));
    doc.text(format!(
        "notation: one row at a time, as column vectors (z = W·x + b, as in the course); layer l is layers.{{l−1}} of the model file; W[j,i] connects input i to neuron j; every number is the engine's own ({}), shown to 6 significant digits",
        e.precision.name()
    ));
}
