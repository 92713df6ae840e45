//! Typed math: the symbols, operators and groupings of the course's
//! formulas, written once and spelled by each renderer (Unicode for text
//! and markdown in [`super::plain_math`], LaTeX in [`super::latex_math`]).

/// A subscript.
#[derive(Debug, Clone, PartialEq)]
pub enum Index {
    /// A layer number: `₁` / `_{1}`.
    Number(usize),
    /// A letter: `_l` in both spellings.
    Letter(&'static str),
    /// An index expression: `_{l+1}` in both spellings.
    Braced(&'static str),
    /// A word, such as a class's name: `_fever` / `_{\text{fever}}`.
    Word(String),
}

/// A symbol: a name with an optional subscript, maybe transposed.
#[derive(Debug, Clone, PartialEq)]
pub struct Symbol {
    /// The name in Unicode (`W`, `δ`, `f′`, `ŷ`); [`super::latex_math`]
    /// knows the LaTeX of the Greek letters and marks.
    pub name: &'static str,
    /// The subscript, if any.
    pub index: Option<Index>,
    /// Whether the symbol is transposed (`ᵀ` / `^{\top}`).
    pub transposed: bool,
}

/// A binary operator or a relation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operator {
    /// `=`.
    Equals,
    /// `+`.
    Plus,
    /// `−`.
    Minus,
    /// The matrix product `·`.
    Times,
    /// The elementwise (Hadamard) product `⊙`.
    Hadamard,
    /// The assignment of an update, `←`.
    Becomes,
    /// `→`, before and after.
    To,
    /// `:`, a name and what follows.
    Colon,
    /// `/`, a division written inline.
    Over,
}

/// Horizontal space between the parts of a formula.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gap {
    /// A quad: three spaces in text.
    Quad,
    /// Two quads: six spaces in text.
    Qquad,
}

/// A typed expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A symbol.
    Symbol(Symbol),
    /// A number, shown to 6 significant digits.
    Number(f64),
    /// Arithmetic written out with the numbers, as the text shows it
    /// (`2 · (0.5 − 1)`); LaTeX spells its operators and keeps the numbers
    /// as written.
    Arithmetic(String),
    /// A name set upright: `onehot`, `softmax`.
    Word(&'static str),
    /// A formula in words and symbols (`mean + ŷ · std`); LaTeX sets the
    /// words upright.
    WordFormula(String),
    /// Text, such as a column's name.
    Text(String),
    /// A formula for a named column: `temp_c: s = …`.
    Labelled(String, Box<Expr>),
    /// Entry `i` (1-based) of a vector: `z₁[2]`.
    Entry(Box<Expr>, usize),
    /// An operator.
    Op(Operator),
    /// Parts side by side, separated by spaces.
    Row(Vec<Expr>),
    /// The derivative of the cost C by the expression: `∂C/∂W₁`.
    Partial(Box<Expr>),
    /// Parentheses sized to their content.
    Group(Box<Expr>),
    /// Parentheses as typed, not sized.
    Parens(Box<Expr>),
    /// The square: `(ŷ − y)²`.
    Squared(Box<Expr>),
    /// Factors side by side, multiplied without a sign: `2 (ŷ − y)`.
    Product(Vec<Expr>),
    /// The negative natural logarithm: `−ln p`.
    MinusLn(Box<Expr>),
    /// A function applied to an argument: `f′(z₁)`.
    Apply(Box<Expr>, Box<Expr>),
    /// The shape of a matrix: `(2×1)`.
    Shape(usize, usize),
    /// Space between two parts.
    Gap(Gap),
    /// A remark in words, in parentheses: `(scaled)`.
    Note(&'static str),
    /// Shown in text and markdown only (LaTeX leaves it out).
    TextOnly(Box<Expr>),
    /// A formula given in both spellings, for the formulas that are not
    /// typed: written-out arithmetic and the scalers' and activations'
    /// formulas.
    Spelled {
        /// The Unicode spelling.
        plain: String,
        /// The LaTeX spelling.
        latex: String,
    },
}

/// A symbol without subscript.
pub fn symbol(name: &'static str) -> Expr {
    Expr::Symbol(Symbol {
        name,
        index: None,
        transposed: false,
    })
}

/// A symbol with a numeric subscript: `W₁`.
pub fn indexed(name: &'static str, n: usize) -> Expr {
    Expr::Symbol(Symbol {
        name,
        index: Some(Index::Number(n)),
        transposed: false,
    })
}

/// A symbol with a letter or an index expression as subscript: `δ_l`,
/// `W_{l+1}`.
pub fn indexed_by(name: &'static str, index: &'static str) -> Expr {
    let index = if index.chars().count() == 1 {
        Index::Letter(index)
    } else {
        Index::Braced(index)
    };
    Expr::Symbol(Symbol {
        name,
        index: Some(index),
        transposed: false,
    })
}

/// The transpose of a symbol (other expressions are returned unchanged).
pub fn transposed(expr: Expr) -> Expr {
    match expr {
        Expr::Symbol(s) => Expr::Symbol(Symbol {
            transposed: true,
            ..s
        }),
        other => other,
    }
}

/// Parts side by side.
pub fn spaced(parts: Vec<Expr>) -> Expr {
    Expr::Row(parts)
}

/// `∂C/∂expr`.
pub fn partial(expr: Expr) -> Expr {
    Expr::Partial(Box::new(expr))
}

/// `(expr)`, sized.
pub fn group(expr: Expr) -> Expr {
    Expr::Group(Box::new(expr))
}

/// `f(argument)`.
pub fn apply(f: Expr, argument: Expr) -> Expr {
    Expr::Apply(Box::new(f), Box::new(argument))
}

/// Shown in text and markdown only.
pub fn text_only(expr: Expr) -> Expr {
    Expr::TextOnly(Box::new(expr))
}

/// A formula in both spellings.
pub fn spelled(plain: impl Into<String>, latex: impl Into<String>) -> Expr {
    Expr::Spelled {
        plain: plain.into(),
        latex: latex.into(),
    }
}
