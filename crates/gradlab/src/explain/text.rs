//! The text renderer: headings underlined, formulas indented, matrices with
//! Unicode brackets.

use crate::explain::document::{Block, Document};
use crate::explain::plain_math::plain;
use crate::explain::text_layout::{equation_text, table_text, width};

/// The document as plain text.
pub fn render_text(doc: &Document) -> String {
    let mut out = String::new();
    for (n, block) in doc.blocks.iter().enumerate() {
        match block {
            Block::Title(text) => {
                if n > 0 {
                    out.push('\n');
                }
                out.push_str(text);
                out.push('\n');
            }
            Block::Section(text) => {
                out.push('\n');
                out.push_str(text);
                out.push('\n');
                out.push_str(&"─".repeat(width(text)));
                out.push('\n');
            }
            Block::Sub(text) => {
                out.push('\n');
                out.push_str(text);
                out.push('\n');
            }
            Block::Text(text) => {
                out.push_str(text);
                out.push('\n');
            }
            Block::Formula(m) => {
                out.push_str("  ");
                out.push_str(&plain(m));
                out.push('\n');
            }
            Block::Equation(terms) => {
                out.push('\n');
                for line in equation_text(terms).lines() {
                    if line.is_empty() {
                        out.push('\n');
                    } else {
                        out.push_str(&format!("  {line}\n"));
                    }
                }
                out.push('\n');
            }
            Block::Table(table) => {
                out.push('\n');
                for line in table_text(table).lines() {
                    out.push_str(&format!("  {line}\n"));
                }
                out.push('\n');
            }
        }
    }
    // No runs of blank lines.
    while out.contains("\n\n\n") {
        out = out.replace("\n\n\n", "\n\n");
    }
    out
}
