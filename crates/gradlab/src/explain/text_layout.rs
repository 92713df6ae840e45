//! Plain-text layout shared by the text and markdown renderers: matrices
//! with Unicode brackets side by side on a common baseline, and tables with
//! their numbers aligned on the decimal point.

use crate::explain::document::{NumberMatrix, TableBlock, Term};
use crate::explain::number::num;
use crate::explain::plain_math::plain;

/// How many characters `text` shows.
pub fn width(text: &str) -> usize {
    text.chars().count()
}

/// Pads numbers of one column so that their decimal points line up.
pub fn align_decimals(cells: &[String]) -> Vec<String> {
    let split = |c: &str| -> (String, String) {
        let at = c.find(['.', 'e']).unwrap_or(c.len());
        (c[..at].to_owned(), c[at..].to_owned())
    };
    let parts: Vec<(String, String)> = cells.iter().map(|c| split(c)).collect();
    let left = parts.iter().map(|(l, _)| width(l)).max().unwrap_or(0);
    let right = parts.iter().map(|(_, r)| width(r)).max().unwrap_or(0);
    parts
        .iter()
        .map(|(l, r)| format!("{l:>left$}{r:<right$}"))
        .collect()
}

/// A block of text lines with the row that operators line up with.
struct Layout {
    lines: Vec<String>,
    baseline: usize,
    width: usize,
}

impl Layout {
    fn line(text: &str) -> Layout {
        Layout {
            lines: vec![text.to_owned()],
            baseline: 0,
            width: width(text),
        }
    }

    fn matrix(m: &NumberMatrix) -> Layout {
        let columns: Vec<Vec<String>> = (0..m.cols)
            .map(|c| align_decimals(&(0..m.rows).map(|r| num(m.get(r, c))).collect::<Vec<_>>()))
            .collect();
        let body: Vec<String> = (0..m.rows)
            .map(|r| {
                columns
                    .iter()
                    .map(|column| column[r].clone())
                    .collect::<Vec<_>>()
                    .join("  ")
            })
            .collect();
        let mut lines: Vec<String> = body
            .iter()
            .enumerate()
            .map(|(r, text)| {
                let (open, close) = match (m.rows, r) {
                    (1, _) => ('[', ']'),
                    (_, 0) => ('⎡', '⎤'),
                    (n, r) if r + 1 == n => ('⎣', '⎦'),
                    _ => ('⎢', '⎥'),
                };
                format!("{open} {text} {close}")
            })
            .collect();
        let shape = m.shape();
        let inner = lines.first().map(|l| width(l)).unwrap_or(0);
        let total = inner.max(width(&shape));
        for line in &mut lines {
            let pad = total - width(line);
            *line = format!("{}{line}{}", " ".repeat(pad / 2), " ".repeat(pad - pad / 2));
        }
        let pad = total - width(&shape);
        lines.push(format!(
            "{}{shape}{}",
            " ".repeat(pad / 2),
            " ".repeat(pad - pad / 2)
        ));
        Layout {
            baseline: m.rows / 2,
            lines,
            width: total,
        }
    }
}

/// Places the layouts side by side, separated by a space, baselines aligned.
fn hcat(parts: &[Layout]) -> Vec<String> {
    let above = parts.iter().map(|p| p.baseline).max().unwrap_or(0);
    let below = parts
        .iter()
        .map(|p| p.lines.len() - 1 - p.baseline)
        .max()
        .unwrap_or(0);
    let height = above + 1 + below;
    let mut out = vec![String::new(); height];
    for (n, part) in parts.iter().enumerate() {
        let top = above - part.baseline;
        for (r, line) in out.iter_mut().enumerate() {
            if n > 0 {
                line.push(' ');
            }
            let text = r
                .checked_sub(top)
                .and_then(|i| part.lines.get(i))
                .map(String::as_str)
                .unwrap_or("");
            line.push_str(text);
            line.push_str(&" ".repeat(part.width - width(text)));
        }
    }
    out.iter().map(|l| l.trim_end().to_owned()).collect()
}

/// An equation's terms side by side, one string of lines.
pub fn equation_text(terms: &[Term]) -> String {
    let layouts: Vec<Layout> = terms
        .iter()
        .map(|t| match t {
            Term::Sym(m) => Layout::line(&plain(m)),
            Term::Mat(m) => Layout::matrix(m),
        })
        .collect();
    let mut text = hcat(&layouts).join("\n");
    text.push('\n');
    text
}

/// A text table: first column left-aligned, number columns aligned on the
/// decimal point and right-aligned under their headings.
pub fn table_text(table: &TableBlock) -> String {
    let columns = table.headings.len();
    let mut cells: Vec<Vec<String>> = (0..columns)
        .map(|c| {
            table
                .rows
                .iter()
                .map(|r| r.get(c).cloned().unwrap_or_default())
                .collect()
        })
        .collect();
    for column in cells.iter_mut().skip(1) {
        *column = align_decimals(column);
    }
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            cells[c]
                .iter()
                .map(|s| width(s))
                .chain([width(&table.headings[c])])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |texts: Vec<&str>| -> String {
        let mut out = String::new();
        for (c, text) in texts.iter().enumerate() {
            let w = widths[c];
            if c == 0 {
                out.push_str(&format!("{text:<w$}"));
            } else {
                out.push_str(&format!("  {text:>w$}"));
            }
        }
        out.trim_end().to_owned()
    };
    let mut text = line(table.headings.iter().map(String::as_str).collect());
    text.push('\n');
    for r in 0..table.rows.len() {
        text.push_str(&line(cells.iter().map(|c| c[r].as_str()).collect()));
        text.push('\n');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::explain::document::{mat, op, sym};
    use crate::explain::expr::{symbol, Operator};

    #[test]
    fn matrices_line_up() {
        let m = NumberMatrix {
            rows: 2,
            cols: 2,
            values: vec![0.5, -12.25, 10.0, 3.0],
        };
        let text = equation_text(&[sym(symbol("W")), op(Operator::Equals), mat(m)]);
        assert_eq!(
            text,
            "    ⎡  0.5  -12.25 ⎤\nW = ⎣ 10      3    ⎦\n          2×2\n"
        );
    }
}
