//! Display math for LaTeX: matrices as `bmatrix`es with their shape under
//! them, and lines too wide for the page broken into an `align*` before
//! their operators.

use crate::explain::document::{NumberMatrix, Term};
use crate::explain::expr::Expr;
use crate::explain::latex_math::{latex, latex_num};
use crate::explain::number::num;
use crate::explain::plain_math::plain;
use crate::explain::text_layout::width;

fn latex_matrix(m: &NumberMatrix) -> String {
    let rows: Vec<String> = (0..m.rows)
        .map(|r| {
            (0..m.cols)
                .map(|c| latex_num(&num(m.get(r, c))))
                .collect::<Vec<_>>()
                .join(" & ")
        })
        .collect();
    format!(
        r"\underset{{{}\times {}}}{{\begin{{bmatrix}} {} \end{{bmatrix}}}}",
        m.rows,
        m.cols,
        rows.join(r" \\ ")
    )
}

/// The width of a LaTeX page's text (the article class's default), in pt.
const LATEX_LINE_PT: f64 = 340.0;

/// About how wide a term is set, in pt (digits are 5 pt in Computer Modern).
fn term_pt(term: &Term) -> f64 {
    match term {
        Term::Sym(m) if BREAK_BEFORE.contains(&plain(m).as_str()) || plain(m) == "·" => 16.0,
        Term::Sym(m) => 6.0 * width(&plain(m)) as f64,
        Term::Mat(m) => {
            let columns: usize = (0..m.cols)
                .map(|c| {
                    (0..m.rows)
                        .map(|r| width(&num(m.get(r, c))))
                        .max()
                        .unwrap_or(1)
                })
                .sum();
            5.0 * columns as f64 + 10.0 * m.cols as f64 + 4.0
        }
    }
}

/// The operators a long line may be broken before.
const BREAK_BEFORE: [&str; 7] = ["=", "←", "→", ":", "+", "−", "-"];

/// Display math for one line, or an `align*` broken before operators,
/// filling each line up to the page width, when it is too wide.
/// `pieces` are (the LaTeX, its width in pt, whether a line may break before it).
fn latex_display(pieces: &[(String, f64, bool)]) -> String {
    let total: f64 = pieces.iter().map(|p| p.1).sum();
    let first_break = pieces.iter().position(|p| p.2);
    let Some(first_break) = first_break.filter(|_| total > LATEX_LINE_PT) else {
        let parts: Vec<&str> = pieces.iter().map(|p| p.0.as_str()).collect();
        return format!("\\[\n{}\n\\]\n", parts.join("\n"));
    };
    // The width from each piece to the next place a line may break.
    let chunk = |i: usize| -> f64 {
        let end = (i + 1..pieces.len())
            .find(|&j| pieces[j].2)
            .unwrap_or(pieces.len());
        pieces[i..end].iter().map(|p| p.1).sum()
    };
    let mut out = String::from("\\begin{align*}\n");
    let mut line = 0.0;
    for (i, (latex, pt, breakable)) in pieces.iter().enumerate() {
        if i == first_break {
            out.push('&');
        } else if *breakable && i > first_break && line + chunk(i) > LATEX_LINE_PT {
            out.push_str("\\\\\n&");
            if !latex.starts_with('=') && !latex.starts_with(r"\leftarrow") {
                out.push_str(r"\quad ");
            }
            line = 0.0;
        }
        out.push_str(latex);
        out.push('\n');
        line += pt;
    }
    out.push_str("\\end{align*}\n");
    out
}

/// An equation of matrices in display math (broken into lines if too wide).
pub fn latex_equation(terms: &[Term]) -> String {
    let pieces: Vec<(String, f64, bool)> = terms
        .iter()
        .map(|t| match t {
            Term::Sym(m) => (
                latex(m),
                term_pt(t),
                BREAK_BEFORE.contains(&plain(m).as_str()),
            ),
            Term::Mat(m) => (latex_matrix(m), term_pt(t), false),
        })
        .collect();
    latex_display(&pieces)
}

/// A formula in display math, broken before ` = ` and ` + ` if too wide.
pub fn latex_formula(m: &Expr) -> String {
    let mut pieces: Vec<(String, f64, bool)> = Vec::new();
    let whole = latex(m);
    let mut rest = whole.as_str();
    loop {
        let next = [" = ", " + "].iter().filter_map(|op| rest.find(op)).min();
        let (piece, breakable_next, remainder) = match next {
            Some(at) => (&rest[..at], true, &rest[at + 1..]),
            None => (rest, false, ""),
        };
        let breakable = !pieces.is_empty();
        pieces.push((
            piece.trim().to_owned(),
            4.5 * latex_chars(piece) as f64,
            breakable,
        ));
        if !breakable_next {
            break;
        }
        rest = remainder;
    }
    if pieces.iter().map(|p| p.1).sum::<f64>() <= LATEX_LINE_PT {
        return format!("\\[\n{whole}\n\\]\n");
    }
    latex_display(&pieces)
}

/// Roughly how many characters `latex` shows: a command counts as one,
/// braces and sub- and superscript marks as none.
fn latex_chars(latex: &str) -> usize {
    let mut count = 0;
    let mut chars = latex.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                while chars.peek().is_some_and(|d| d.is_ascii_alphabetic()) {
                    chars.next();
                }
                count += 1;
            }
            '{' | '}' | '^' | '_' => {}
            _ => count += 1,
        }
    }
    count
}
