//! `gradlab explain` end to end: the course's sections in text, markdown and
//! LaTeX for the 2-2-1 fever network, the single neuron, several rows, a
//! model file, and one-line errors for bad row numbers.

mod common;

use common::{gradlab, ok, stderr, FEVER_CSV as FEVER};
use serde_json::Value;
use std::path::Path;
use std::process::Output;
use tempfile::TempDir;

/// `gradlab explain --data fever.csv --target temp_2h_c --inputs temp_c,dose_mg <extra…>`.
fn explain(extra: &[&str]) -> Output {
    let mut args = vec![
        "explain",
        "--data",
        FEVER,
        "--target",
        "temp_2h_c",
        "--inputs",
        "temp_c,dose_mg",
    ];
    args.extend_from_slice(extra);
    gradlab(Path::new(env!("CARGO_MANIFEST_DIR")), &args)
}

/// The 2-2-1 sigmoid network of the course on data row 1.
fn fever_221(format: &str) -> String {
    ok(explain(&[
        "--hidden",
        "2",
        "--activation",
        "sigmoid",
        "--rows",
        "1",
        "--format",
        format,
    ]))
}

const SECTIONS: [&str; 7] = [
    "Forward I: the inputs, scaled",
    "Forward II: weighted sums and activations",
    "Forward III: the output and the cost",
    "Backprop, output → hidden",
    "Backprop, hidden → input",
    "Batch: 1 row",
    "Update: one step with the batch gradient",
];

/// The shapes of every product of the 2-2-1 network, as the formulas state them.
const SHAPES: [&str; 5] = [
    "(2×1) = (2×2) · (2×1) + (2×1)",       // z₁ = W₁·x + b₁
    "(1×1) = (1×2) · (2×1) + (1×1)",       // z₂ = W₂·a₁ + b₂
    "δ₂ · a₁ᵀ      (1×2) = (1×1) · (1×2)", // ∂C/∂W₂
    "δ₁ · xᵀ      (2×2) = (2×1) · (1×2)",  // ∂C/∂W₁
    "δ₁ = (W₂ᵀ · δ₂) ⊙ f′(z₁)",
];

#[test]
fn text_shows_every_step_of_the_2_2_1_network_with_shapes() {
    let text = fever_221("text");
    assert!(text.starts_with("gradlab explain: 2 → 2 sigmoid → 1, 9 parameters, f32\n"));
    let mut at = 0;
    for section in SECTIONS {
        let found = text[at..]
            .find(&format!("{section}\n"))
            .unwrap_or_else(|| panic!("'{section}' missing or out of order:\n{text}"));
        at += found;
        // Underlined with as many box-drawing characters as it is wide.
        let underline = "─".repeat(section.chars().count());
        assert!(text[at..].contains(&format!("{section}\n{underline}\n")));
    }
    for shape in SHAPES {
        assert!(text.contains(shape), "'{shape}' missing:\n{text}");
    }
    // Matrices with Unicode brackets and their shapes under them.
    for needle in [
        "⎡",
        "⎣",
        "⎤",
        "⎦",
        "2×2",
        "1×2",
        "temp_c",
        "dose_mg",
        "a₁ = σ(z₁)",
        "f′(z₁) = a₁ ⊙ (1 − a₁)",
        "C = (ŷ − y)²",
        "W₂ᵀ · δ₂ =",
        "θ ← θ − η · ∂C/∂θ",
        "c = 2 / (B·K) = 2",
        "data row 1 of 5000 (a training row)",
    ] {
        assert!(text.contains(needle), "'{needle}' missing:\n{text}");
    }
    // Every line of one equation is as long as the others' brackets need:
    // the shape labels stay under their matrices.
    let equation: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.contains("z₁ = ⎣"))
        .take(2)
        .collect();
    assert!(equation[1].trim_start().starts_with("2×2"), "{equation:?}");
    // One step lowers the cost on the row.
    let costs = text
        .lines()
        .find(|l| l.starts_with("The cost C of the 1 row"))
        .unwrap();
    let after_word = |word: &str| -> f64 {
        let rest = costs.split(word).nth(1).unwrap();
        let number = rest.split([' ', ',']).find(|w| !w.is_empty()).unwrap();
        number.parse().unwrap()
    };
    assert!(after_word("after") < after_word("before"), "{costs}");
}

#[test]
fn markdown_renders_as_tables_and_code_blocks() {
    let md = fever_221("markdown");
    assert!(md.starts_with("## gradlab explain: 2 → 2 sigmoid → 1"));
    for section in SECTIONS {
        assert!(
            md.contains(&format!("\n### {section}\n")),
            "'{section}' missing:\n{md}"
        );
    }
    // Code fences open and close in pairs; the matrices live inside them.
    let fences = md.lines().filter(|l| l.starts_with("```")).count();
    assert_eq!(fences % 2, 0, "unbalanced code fences:\n{md}");
    let mut in_code = false;
    for line in md.lines() {
        if line.starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if !in_code {
            assert!(
                !line.contains('⎡') && !line.contains('⎣'),
                "a matrix outside a code block: {line}"
            );
        }
    }
    // Tables: a heading row, a rule, and rows with as many cells.
    let lines: Vec<&str> = md.lines().collect();
    let mut tables = 0;
    for (i, line) in lines.iter().enumerate() {
        if line.starts_with("| ---") {
            tables += 1;
            let cells = |l: &str| l.matches(" | ").count();
            let heading = lines[i - 1];
            assert!(heading.starts_with("| "), "{heading}");
            for row in lines[i + 1..].iter().take_while(|l| l.starts_with("| ")) {
                assert_eq!(cells(row), cells(heading), "{row} vs {heading}");
            }
        }
    }
    assert_eq!(tables, 2, "the scaler table and the batch table:\n{md}");
    assert!(md.contains("| column | raw x | mean | std | scaled s |"));
    assert!(md.contains("| W₁\\[1,1\\] |"), "{md}");
}

#[test]
fn latex_writes_bmatrix_blocks() {
    let tex = fever_221("latex");
    for section in SECTIONS {
        let latex_section = section.replace('→', "$\\to $");
        assert!(
            tex.contains(&format!("\\subsection*{{{latex_section}}}")),
            "'{latex_section}' missing:\n{tex}"
        );
    }
    let opened = tex.matches("\\begin{bmatrix}").count();
    assert_eq!(opened, tex.matches("\\end{bmatrix}").count());
    assert!(opened >= 20, "{opened} matrices");
    assert_eq!(tex.matches("\\[\n").count(), tex.matches("\n\\]").count());
    assert!(tex.contains("\\underset{2\\times 2}{\\begin{bmatrix}"));
    assert!(tex.contains(r"\frac{\partial C}{\partial W_{2}} = \delta_{2} \cdot a_{1}^{\top}"));
    // Braces balance once the escaped ones are taken out.
    let bare = tex.replace("\\{", "").replace("\\}", "");
    assert_eq!(bare.matches('{').count(), bare.matches('}').count());
    // Dollar signs pair up (inline math opens and closes).
    assert_eq!(tex.matches('$').count() % 2, 0);
    assert!(tex.contains("temp\\_c"), "underscores escaped");
    // Plain ASCII: pdflatex needs no Unicode support for the fever columns.
    if let Some(line) = tex.lines().find(|l| !l.is_ascii()) {
        panic!("not ASCII: {line}");
    }
}

#[test]
fn a_single_neuron_with_hidden_none() {
    let text = ok(explain(&["--hidden", "none", "--rows", "1"]));
    assert!(
        text.starts_with("gradlab explain: 2 → 1, 3 parameters, f32\n"),
        "{text}"
    );
    for needle in [
        "Layer 1 (layers.0, the only layer: a single neuron per output, linear regression)",
        "z₁ = W₁ · x + b₁      (1×1) = (1×2) · (2×1) + (1×1)",
        "Backprop, output → input",
        "∂C/∂W₁ = δ₁ · xᵀ      (1×2) = (1×1) · (1×2)",
        "There is no hidden layer",
        "Update: one step with the batch gradient",
    ] {
        assert!(text.contains(needle), "'{needle}' missing:\n{text}");
    }
    assert!(!text.contains("hidden → input"));
    // Softmax regression: one neuron per class.
    let classes = ok(gradlab(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        &[
            "explain",
            "--data",
            FEVER,
            "--target",
            "status_2h",
            "--inputs",
            "temp_c,dose_mg",
            "--hidden",
            "none",
        ],
    ));
    assert!(classes.starts_with("gradlab explain: 2 → 3 softmax, 9 parameters"));
    assert!(classes.contains("δ₁ = ∂C/∂z₁ = p − onehot(y)"), "{classes}");
}

#[test]
fn several_rows_give_the_sum_the_mean_and_the_trainers_batch_gradient() {
    let text = ok(explain(&[
        "--hidden",
        "2",
        "--activation",
        "sigmoid",
        "--rows",
        "3,7,9",
        "--lr",
        "0.5",
        "--precision",
        "f64",
    ]));
    for needle in [
        "Forward I: the inputs, scaled — data row 3",
        "Backprop, hidden → input — data row 9",
        "Batch: 3 rows",
        "sum Σ_s",
        "mean Σ_s / 3",
        "trainer ∂C/∂θ",
        "course ∂E/∂θ",
        "c = 2 / (B·K) = 0.666667",
        "η = 0.5 here is η·c = 0.333333",
        "2 → 2 sigmoid → 1, 9 parameters, f64",
    ] {
        assert!(text.contains(needle), "'{needle}' missing:\n{text}");
    }
    // The mean of the rows' gradients and the batch pass agree (to rounding).
    let json: Value = serde_json::from_str(&ok(explain(&[
        "--hidden",
        "2",
        "--rows",
        "3,7,9",
        "--precision",
        "f64",
        "--format",
        "json",
    ])))
    .unwrap();
    assert_eq!(json["rows"].as_array().unwrap().len(), 3);
    assert_eq!(json["rows"][1]["data_row"], 7);
    let mean = &json["batch"]["mean"][0]["weight"]["values"];
    let trainer = &json["batch"]["trainer"][0]["weight"]["values"];
    for (m, t) in mean
        .as_array()
        .unwrap()
        .iter()
        .zip(trainer.as_array().unwrap())
    {
        assert!((m.as_f64().unwrap() - t.as_f64().unwrap()).abs() < 1e-12);
    }
}

#[test]
fn a_model_files_weights_and_scalers() {
    let dir = TempDir::new().unwrap();
    ok(gradlab(
        dir.path(),
        &[
            "train",
            "--data",
            FEVER,
            "--target",
            "status_2h",
            "--inputs",
            "temp_c,dose_mg",
            "--hidden",
            "3",
            "--epochs",
            "2",
            "--scale",
            "minmax",
            "--out",
            "m.safetensors",
            "--quiet",
        ],
    ));
    let text = ok(gradlab(
        dir.path(),
        &[
            "explain",
            "--data",
            FEVER,
            "--model",
            "m.safetensors",
            "--rows",
            "2",
        ],
    ));
    for needle in [
        "2 → 3 tanh → 3 softmax, 21 parameters",
        "weights: the weights of m.safetensors",
        "s = (x − min) / (max − min)",
        "temp_c: s = (37.1 − 36) / (41 − 36) = 0.22",
        "p = softmax(z₂)",
    ] {
        assert!(text.contains(needle), "'{needle}' missing:\n{text}");
    }
}

#[test]
fn bad_row_numbers_are_one_line_errors() {
    for (rows, needle) in [
        ("0", "invalid rows: 0 (data rows are numbered from 1"),
        ("5001", "data row 5001 is beyond the last data row"),
        ("2,9999", "data row 9999 is beyond the last data row"),
        ("4,4", "data row 4 is listed twice"),
    ] {
        let output = explain(&["--hidden", "2", "--rows", rows]);
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(1), "--rows {rows}: {err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.starts_with("error: ") && err.contains(needle), "{err}");
        assert!(output.stdout.is_empty());
    }
}
