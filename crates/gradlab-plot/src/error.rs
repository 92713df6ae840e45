//! The one error type of the pictures.
//!
//! Data that cannot be drawn is an [`Error::InvalidData`] whose message
//! names the picture (its title) and the offending position and value, so a
//! front end can print it as one line.

use std::path::PathBuf;

/// Everything that can go wrong while making or writing a picture.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The file name ends in an extension that is not a picture format.
    #[error(
        "cannot write a picture as `.{extension}` ({}): use a file name ending in .png or .svg",
        path.display()
    )]
    UnknownFormat {
        /// The file name asked for.
        path: PathBuf,
        /// Its extension, in lower case.
        extension: String,
    },

    /// The file name has no extension to tell the format by.
    #[error(
        "cannot tell the picture format of {}: use a file name ending in .png or .svg",
        path.display()
    )]
    NoFormat {
        /// The file name asked for.
        path: PathBuf,
    },

    /// The data cannot be drawn: empty, mismatched sizes, nothing finite, …
    #[error("{0}")]
    InvalidData(String),

    /// plotters failed while drawing.
    #[error("could not draw the picture: {0}")]
    Draw(String),

    /// The bundled font could not be parsed or registered.
    #[error("the bundled font could not be loaded")]
    Font,

    /// The drawn pixels could not be encoded as a PNG file.
    #[error("could not encode the PNG image")]
    Encode(#[source] png::EncodingError),

    /// The picture could not be written.
    #[error("could not write the picture {}", path.display())]
    Write {
        /// The picture's file.
        path: PathBuf,
        /// The engine's error, naming the file and the system's reason
        /// (boxed: the engine's error is large, this one stays small).
        #[source]
        source: Box<gradlab::Error>,
    },

    /// The directory for pictures could not be made.
    #[error("cannot make the picture directory {}", path.display())]
    Directory {
        /// The directory asked for.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },

    /// The model's predictions are of another task than the data's targets.
    #[error("the model's predictions do not match the data's task")]
    TaskMismatch,

    /// The engine failed, e.g. while predicting over a grid (boxed, as in
    /// [`Error::Write`]).
    #[error(transparent)]
    Engine(Box<gradlab::Error>),
}

impl From<gradlab::Error> for Error {
    fn from(error: gradlab::Error) -> Error {
        Error::Engine(Box::new(error))
    }
}

/// A result whose error is a picture [`Error`].
pub type Result<T> = std::result::Result<T, Error>;

/// Returns early with an [`Error::InvalidData`] holding the formatted message.
macro_rules! invalid_data {
    ($($message:tt)*) => {
        return Err($crate::error::Error::InvalidData(format!($($message)*)))
    };
}

pub(crate) use invalid_data;
