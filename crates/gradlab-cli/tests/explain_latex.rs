//! `gradlab explain --format latex` is a fragment LaTeX can set: its
//! environments are balanced and come from LaTeX itself or amsmath (the
//! one package the fragment's header asks for), its braces are balanced,
//! and its matrices fit amsmath's default of at most 10 columns.
//!
//! The fragments checked are the LaTeX snapshots under
//! `tests/snapshots/explain/`, which `explain_snapshots` keeps byte for
//! byte equal to what the CLI prints.

use std::path::Path;

/// The environments the fragment may use: `tabular` is LaTeX's own, the
/// others are amsmath's.
const ALLOWED: [&str; 4] = ["tabular", "bmatrix", "align*", "cases"];

/// amsmath's `MaxMatrixCols`: a `bmatrix` with more columns stops LaTeX
/// unless the preamble raises it.
const MAX_MATRIX_COLUMNS: usize = 10;

fn latex_snapshots() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/explain");
    let mut found: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "tex"))
        .map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&path).unwrap())
        })
        .collect();
    found.sort();
    assert!(
        found.len() >= 10,
        "LaTeX snapshots missing in {}",
        dir.display()
    );
    found
}

/// The names in `\begin{…}` / `\end{…}`, in order, with whether each begins.
fn environments(tex: &str) -> Vec<(bool, String)> {
    let mut out = Vec::new();
    for (marker, begins) in [(r"\begin{", true), (r"\end{", false)] {
        let mut at = 0;
        while let Some(found) = tex[at..].find(marker) {
            let start = at + found + marker.len();
            let end = start + tex[start..].find('}').expect("environment name closed");
            out.push((start, begins, tex[start..end].to_owned()));
            at = end;
        }
    }
    out.sort();
    out.into_iter().map(|(_, b, name)| (b, name)).collect()
}

/// Checks that environments nest and close; returns the problem, if any.
fn unbalanced_environment(tex: &str) -> Option<String> {
    let mut open: Vec<String> = Vec::new();
    for (begins, name) in environments(tex) {
        if !ALLOWED.contains(&name.as_str()) {
            return Some(format!("environment {name} is not LaTeX's or amsmath's"));
        }
        if begins {
            open.push(name);
        } else if open.pop().as_deref() != Some(name.as_str()) {
            return Some(format!(r"\end{{{name}}} closes nothing it opened"));
        }
    }
    (!open.is_empty()).then(|| format!("left open: {open:?}"))
}

/// The depth of `{…}` after each line, skipping `\{`, `\}` and `\\`;
/// returns the problem, if any. Comments (`%` to the line's end) count too.
fn unbalanced_braces(tex: &str) -> Option<String> {
    let mut depth: i64 = 0;
    let mut chars = tex.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth < 0 {
                    return Some("a } closes nothing".to_owned());
                }
            }
            _ => {}
        }
    }
    (depth != 0).then(|| format!("{depth} {{ left open"))
}

/// The most columns of any `bmatrix` row.
fn widest_matrix(tex: &str) -> usize {
    let mut widest = 0;
    for piece in tex.split(r"\begin{bmatrix}").skip(1) {
        let body = piece.split(r"\end{bmatrix}").next().unwrap_or_default();
        for row in body.split(r"\\") {
            widest = widest.max(row.matches('&').count() + 1);
        }
    }
    widest
}

#[test]
fn checks_catch_what_latex_rejects() {
    assert!(unbalanced_environment(r"\begin{bmatrix} 1 \end{bmatrix}").is_none());
    assert!(unbalanced_environment(r"\begin{align*} x \end{bmatrix}").is_some());
    assert!(unbalanced_environment(r"\begin{tikzpicture}\end{tikzpicture}").is_some());
    assert!(unbalanced_environment(r"\begin{cases} 1 \\ 0").is_some());
    assert!(unbalanced_braces(r"\frac{1}{2} \{ \\ \}").is_none());
    assert!(unbalanced_braces(r"\frac{1}{2").is_some());
    assert!(unbalanced_braces(r"x}{").is_some());
    assert_eq!(
        widest_matrix(r"\begin{bmatrix} 1 & 2 \\ 3 & 4 \end{bmatrix}"),
        2
    );
}

#[test]
fn every_latex_snapshot_is_well_formed() {
    for (name, tex) in latex_snapshots() {
        assert!(
            tex.starts_with("% gradlab explain: a LaTeX fragment; needs \\usepackage{amsmath}"),
            "{name}: header"
        );
        if let Some(problem) = unbalanced_environment(&tex) {
            panic!("{name}: {problem}");
        }
        if let Some(problem) = unbalanced_braces(&tex) {
            panic!("{name}: {problem}");
        }
        assert_eq!(
            tex.matches(r"\[").count(),
            tex.matches(r"\]").count(),
            "{name}: \\[ \\]"
        );
    }
}

/// The default network (16 hidden neurons) shows its 3×16 output weights
/// as one `bmatrix`, wider than amsmath allows by default: setting that
/// fragment needs `\setcounter{MaxMatrixCols}{16}` in the preamble. The
/// small networks fit.
#[test]
fn small_networks_fit_amsmaths_matrix_width() {
    for (name, tex) in latex_snapshots() {
        let widest = widest_matrix(&tex);
        if name == "classification_rows_1_2.tex" {
            assert_eq!(widest, 16, "{name}");
        } else {
            assert!(widest <= MAX_MATRIX_COLUMNS, "{name}: {widest} columns");
        }
    }
}
