//! The markdown renderer: headings, escaped prose, tables, and formulas and
//! matrices in `text` code blocks.

use crate::explain::document::{Block, Document};
use crate::explain::plain_math::plain;
use crate::explain::text_layout::equation_text;

/// Markdown-safe prose: backslashes and the characters that start emphasis,
/// links or HTML are escaped (backticks are kept: they mark commands).
fn markdown_escape(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if matches!(c, '\\' | '*' | '|' | '<' | '>' | '[' | ']') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The document as markdown.
pub fn render_markdown(doc: &Document) -> String {
    let mut out = String::new();
    let mut in_code = false;
    let mut after_equation = false;
    let close = |out: &mut String, in_code: &mut bool| {
        if *in_code {
            out.push_str("```\n\n");
            *in_code = false;
        }
    };
    for block in &doc.blocks {
        match block {
            Block::Formula(_) | Block::Equation(_) => {
                let equation = matches!(block, Block::Equation(_));
                if !in_code {
                    out.push_str("```text\n");
                    in_code = true;
                } else if equation || after_equation {
                    out.push('\n');
                }
                match block {
                    Block::Formula(m) => {
                        out.push_str(&plain(m));
                        out.push('\n');
                    }
                    Block::Equation(terms) => out.push_str(&equation_text(terms)),
                    _ => {}
                }
                after_equation = equation;
            }
            Block::Title(text) => {
                close(&mut out, &mut in_code);
                out.push_str(&format!("## {}\n\n", markdown_escape(text)));
            }
            Block::Section(text) => {
                close(&mut out, &mut in_code);
                out.push_str(&format!("### {}\n\n", markdown_escape(text)));
            }
            Block::Sub(text) => {
                close(&mut out, &mut in_code);
                out.push_str(&format!("#### {}\n\n", markdown_escape(text)));
            }
            Block::Text(text) => {
                close(&mut out, &mut in_code);
                out.push_str(&markdown_escape(text));
                out.push_str("\n\n");
            }
            Block::Table(table) => {
                close(&mut out, &mut in_code);
                let cell = |s: &str| markdown_escape(s);
                let headings: Vec<String> = table.headings.iter().map(|h| cell(h)).collect();
                out.push_str(&format!("| {} |\n", headings.join(" | ")));
                let rule: Vec<&str> = (0..headings.len())
                    .map(|c| if c == 0 { "---" } else { "---:" })
                    .collect();
                out.push_str(&format!("| {} |\n", rule.join(" | ")));
                for row in &table.rows {
                    let cells: Vec<String> = row.iter().map(|c| cell(c)).collect();
                    out.push_str(&format!("| {} |\n", cells.join(" | ")));
                }
                out.push('\n');
            }
        }
    }
    close(&mut out, &mut in_code);
    out.trim_end().to_owned() + "\n"
}
