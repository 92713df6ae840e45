//! The document `gradlab explain` writes, independent of the format: blocks
//! of prose, formulas, equations of matrices and tables. The course
//! narrative ([`super::course`]) builds it; the renderers
//! ([`super::text`], [`super::markdown`], [`super::latex`]) turn it into a
//! string.

use crate::explain::expr::{Expr, Operator};
use crate::methods::explain::Grid;

/// A matrix of numbers, shown with its shape under it.
#[derive(Debug, Clone, PartialEq)]
pub struct NumberMatrix {
    /// Number of rows.
    pub rows: usize,
    /// Number of columns.
    pub cols: usize,
    /// The numbers, row by row.
    pub values: Vec<f64>,
}

impl NumberMatrix {
    /// The matrix `grid` holds.
    pub fn grid(grid: &Grid) -> NumberMatrix {
        NumberMatrix {
            rows: grid.rows,
            cols: grid.cols,
            values: grid.values.clone(),
        }
    }

    /// The transpose of the matrix `grid` holds.
    pub fn transposed(grid: &Grid) -> NumberMatrix {
        let values = (0..grid.cols)
            .flat_map(|c| (0..grid.rows).map(move |r| grid.get(r, c)))
            .collect();
        NumberMatrix {
            rows: grid.cols,
            cols: grid.rows,
            values,
        }
    }

    /// A column vector.
    pub fn column(values: &[f64]) -> NumberMatrix {
        NumberMatrix {
            rows: values.len(),
            cols: 1,
            values: values.to_vec(),
        }
    }

    /// A row vector.
    pub fn row(values: &[f64]) -> NumberMatrix {
        NumberMatrix {
            rows: 1,
            cols: values.len(),
            values: values.to_vec(),
        }
    }

    /// The number in row `r`, column `c` (0-based).
    pub fn get(&self, r: usize, c: usize) -> f64 {
        self.values[r * self.cols + c]
    }

    /// `rows×cols`, as shown under the matrix.
    pub fn shape(&self) -> String {
        format!("{}×{}", self.rows, self.cols)
    }
}

/// One term of an [`Block::Equation`].
#[derive(Debug, Clone, PartialEq)]
pub enum Term {
    /// A symbol, a number or an operator.
    Sym(Expr),
    /// A matrix of numbers.
    Mat(NumberMatrix),
}

/// A table: headings, then rows of cells (the first column names the row,
/// the others are numbers).
#[derive(Debug, Clone, PartialEq)]
pub struct TableBlock {
    /// The column headings.
    pub headings: Vec<String>,
    /// The rows, one cell per heading.
    pub rows: Vec<Vec<String>>,
}

/// One block of the document.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// The document's first line, or the start of one data row's part.
    Title(String),
    /// One of the course's steps.
    Section(String),
    /// A part of a step (a layer).
    Sub(String),
    /// A line of prose.
    Text(String),
    /// A formula on its own line.
    Formula(Expr),
    /// Matrices and symbols side by side.
    Equation(Vec<Term>),
    /// A table of numbers.
    Table(TableBlock),
}

/// The blocks of an explanation, in order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Document {
    /// The blocks, first to last.
    pub blocks: Vec<Block>,
}

impl Document {
    /// Appends a [`Block::Title`].
    pub fn title(&mut self, text: impl Into<String>) {
        self.blocks.push(Block::Title(text.into()));
    }
    /// Appends a [`Block::Section`].
    pub fn section(&mut self, text: impl Into<String>) {
        self.blocks.push(Block::Section(text.into()));
    }
    /// Appends a [`Block::Sub`].
    pub fn sub(&mut self, text: impl Into<String>) {
        self.blocks.push(Block::Sub(text.into()));
    }
    /// Appends a [`Block::Text`].
    pub fn text(&mut self, text: impl Into<String>) {
        self.blocks.push(Block::Text(text.into()));
    }
    /// Appends a [`Block::Formula`].
    pub fn formula(&mut self, formula: Expr) {
        self.blocks.push(Block::Formula(formula));
    }
    /// Appends a [`Block::Equation`].
    pub fn equation(&mut self, terms: Vec<Term>) {
        self.blocks.push(Block::Equation(terms));
    }
    /// Appends a [`Block::Table`].
    pub fn table(&mut self, headings: Vec<String>, rows: Vec<Vec<String>>) {
        self.blocks
            .push(Block::Table(TableBlock { headings, rows }));
    }
}

/// An operator term.
pub fn op(operator: Operator) -> Term {
    Term::Sym(Expr::Op(operator))
}

/// A symbol term.
pub fn sym(expr: Expr) -> Term {
    Term::Sym(expr)
}

/// A matrix term.
pub fn mat(m: NumberMatrix) -> Term {
    Term::Mat(m)
}
