//! The LaTeX renderer: a fragment of `\section*`s, prose, display math and
//! `tabular`s; it needs amsmath, and a Unicode engine (xelatex, lualatex)
//! for column names that are not ASCII.

use crate::explain::document::{Block, Document};
use crate::explain::latex_display::{latex_equation, latex_formula};
use crate::explain::latex_math::latex_num;
use crate::explain::latex_prose::latex_text;

/// The document as a LaTeX fragment.
pub fn render_latex(doc: &Document) -> String {
    let mut out = String::from(
        "% gradlab explain: a LaTeX fragment; needs \\usepackage{amsmath}\n% (and xelatex or lualatex if a column name is not ASCII)\n\n",
    );
    for block in &doc.blocks {
        match block {
            Block::Title(text) => out.push_str(&format!("\\section*{{{}}}\n\n", latex_text(text))),
            Block::Section(text) => {
                out.push_str(&format!("\\subsection*{{{}}}\n\n", latex_text(text)))
            }
            Block::Sub(text) => out.push_str(&format!("\\paragraph{{{}}}\n\n", latex_text(text))),
            Block::Text(text) => {
                out.push_str("\\noindent ");
                out.push_str(&latex_text(text));
                out.push_str("\n\n");
            }
            // Display math belongs to the paragraph before it (a blank
            // line before \[ would add space above it).
            Block::Formula(_) | Block::Equation(_) => {
                if out.ends_with("\n\n") {
                    out.pop();
                }
                out.push_str(&match block {
                    Block::Formula(m) => latex_formula(m),
                    Block::Equation(terms) => latex_equation(terms),
                    _ => String::new(),
                });
                out.push('\n');
            }
            Block::Table(table) => {
                let spec: String = (0..table.headings.len())
                    .map(|c| if c == 0 { 'l' } else { 'r' })
                    .collect();
                // Wide tables (the batch table) set smaller and tighter.
                let wide = table.headings.len() > 5;
                if wide {
                    out.push_str("{\\small\\setlength{\\tabcolsep}{3pt}\n");
                }
                out.push_str(&format!("\\begin{{tabular}}{{{spec}}}\n\\hline\n"));
                let heads: Vec<String> = table.headings.iter().map(|h| latex_text(h)).collect();
                out.push_str(&format!("{} \\\\\n\\hline\n", heads.join(" & ")));
                for row in &table.rows {
                    let cells: Vec<String> = row
                        .iter()
                        .enumerate()
                        .map(|(c, cell)| {
                            if c == 0 {
                                latex_text(cell)
                            } else {
                                format!("${}$", latex_num(cell))
                            }
                        })
                        .collect();
                    out.push_str(&format!("{} \\\\\n", cells.join(" & ")));
                }
                out.push_str("\\hline\n\\end{tabular}\n");
                if wide {
                    out.push_str("}\n");
                }
                out.push('\n');
            }
        }
    }
    out.trim_end().to_owned() + "\n"
}
