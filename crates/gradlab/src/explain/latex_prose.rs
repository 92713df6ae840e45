//! Prose for LaTeX: text with the course's math symbols set in math mode.

use crate::explain::latex_math::latex_escape;

/// Prose for LaTeX: special characters escaped, math symbols in `$…$`
/// (adjacent ones merged into one math run). An underscore after a symbol
/// or a one-letter name (`Σ_s`, `C_s`) is a subscript; in a longer word
/// (`temp_c`) it is an underscore.
pub fn latex_text(text: &str) -> String {
    let mut out = String::new();
    let mut in_math = false;
    // Letters and digits just written in text mode, in the current word.
    let mut word = 0usize;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let subscript = c == '_'
            && (in_math || word <= 1)
            && chars
                .peek()
                .is_some_and(|d| d.is_ascii_alphanumeric() || *d == '{');
        let math: Option<String> = match c {
            '_' if subscript && chars.peek() == Some(&'{') => {
                chars.next();
                let run: String = chars.by_ref().take_while(|&d| d != '}').collect();
                Some(format!("_{{{run}}}"))
            }
            '_' if subscript => {
                let mut run = String::new();
                while let Some(&d) = chars.peek() {
                    if d.is_ascii_alphanumeric() {
                        run.push(d);
                        chars.next();
                    } else {
                        break;
                    }
                }
                Some(format!("_{{{run}}}"))
            }
            '−' => Some("-".into()),
            '→' => Some(r"\to ".into()),
            '←' => Some(r"\leftarrow ".into()),
            '·' => Some(r"\cdot ".into()),
            '⊙' => Some(r"\odot ".into()),
            'ᵀ' => Some(r"^{\top}".into()),
            '×' => Some(r"\times ".into()),
            'Σ' => Some(r"\Sigma ".into()),
            'Δ' => Some(r"\Delta ".into()),
            '∂' => Some(r"\partial ".into()),
            'δ' => Some(r"\delta ".into()),
            'η' => Some(r"\eta ".into()),
            'λ' => Some(r"\lambda ".into()),
            'θ' => Some(r"\theta ".into()),
            'σ' => Some(r"\sigma ".into()),
            'ŷ' => Some(r"\hat{y}".into()),
            '²' => Some("^{2}".into()),
            '½' => Some(r"\tfrac{1}{2}".into()),
            '′' => Some("'".into()),
            '≤' => Some(r"\le ".into()),
            '°' => Some(r"^{\circ}".into()),
            '₀'..='₉' => {
                let mut digits = String::from(char::from(b'0' + (c as u32 - 0x2080) as u8));
                while let Some(&d) = chars.peek() {
                    if ('₀'..='₉').contains(&d) {
                        digits.push(char::from(b'0' + (d as u32 - 0x2080) as u8));
                        chars.next();
                    } else {
                        break;
                    }
                }
                Some(format!("_{{{digits}}}"))
            }
            _ => None,
        };
        match math {
            Some(m) => {
                if !in_math {
                    out.push('$');
                    in_math = true;
                }
                out.push_str(&m);
                word = 0;
            }
            None => {
                if in_math {
                    out.push('$');
                    in_math = false;
                }
                word = if c.is_alphanumeric() { word + 1 } else { 0 };
                match c {
                    '—' => out.push_str("---"),
                    '…' => out.push_str(r"\ldots{}"),
                    '`' => {}
                    other => out.push_str(&latex_escape(&other.to_string())),
                }
            }
        }
    }
    if in_math {
        out.push('$');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latex_prose_merges_math_runs() {
        assert_eq!(latex_text("∂C/∂W₁₂"), r"$\partial $C/$\partial $W$_{12}$");
        assert_eq!(latex_text("a ŷ² b"), r"a $\hat{y}^{2}$ b");
        assert_eq!(latex_text("temp_c 5%"), r"temp\_c 5\%");
        assert_eq!(
            latex_text("Σ_s C_s temp_2h_c"),
            r"$\Sigma _{s}$ C$_{s}$ temp\_2h\_c"
        );
        assert_eq!(latex_text("Δ_{l+1}"), r"$\Delta _{l+1}$");
    }
}
