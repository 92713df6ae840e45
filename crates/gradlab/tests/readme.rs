//! The README's PyTorch snippet ("Loading it in PyTorch") maps every
//! activation a model file can name, so no saved model meets a `KeyError`.

use gradlab::nn::activation::Activation;

/// The README at the workspace root.
fn readme() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md");
    std::fs::read_to_string(path).expect("the README is readable")
}

/// The Python code block that follows the heading "Loading it in PyTorch".
fn pytorch_snippet(readme: &str) -> &str {
    let section = readme
        .split_once("### Loading it in PyTorch")
        .expect("the README has the section")
        .1;
    let code = section
        .split_once("```python\n")
        .expect("the section has a Python block")
        .1;
    code.split_once("```").expect("the block is closed").0
}

#[test]
fn the_pytorch_snippet_maps_every_activation() {
    let readme = readme();
    let snippet = pytorch_snippet(&readme);
    let missing: Vec<&str> = Activation::ALL
        .iter()
        .map(|activation| activation.name())
        .filter(|name| !snippet.contains(&format!("\"{name}\":")))
        .collect();
    assert!(
        missing.is_empty(),
        "the README's PyTorch snippet has no entry for {missing:?}"
    );
}

#[test]
fn the_snippet_is_found_and_looks_activations_up_by_name() {
    let readme = readme();
    let snippet = pytorch_snippet(&readme);
    // A snippet cut short would pass the test above only by accident.
    assert!(snippet.contains("ACTIVATIONS[acts[i]]"), "{snippet}");
    assert!(snippet.contains("torch.nn.Sequential"), "{snippet}");
}
