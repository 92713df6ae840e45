//! The picture formats, told by a file name's extension.

use crate::error::{Error, Result};
use std::path::Path;

/// The kind of file a picture is written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A 24-bit RGB PNG image.
    Png,
    /// An SVG document (text as `<text>` elements, font family `sans-serif`).
    Svg,
}

impl Format {
    /// The format named by the extension of `path`: `.png` or `.svg`, in any
    /// letter case. Any other extension, or none, is an error.
    pub fn from_path(path: &Path) -> Result<Format> {
        let extension = path
            .extension()
            .and_then(|extension| extension.to_str())
            .map(str::to_ascii_lowercase);
        match extension.as_deref() {
            Some("png") => Ok(Format::Png),
            Some("svg") => Ok(Format::Svg),
            Some(other) => Err(Error::UnknownFormat {
                path: path.to_owned(),
                extension: other.to_owned(),
            }),
            None => Err(Error::NoFormat {
                path: path.to_owned(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_comes_from_the_extension() {
        assert_eq!(
            Format::from_path(Path::new("a/loss.png")).unwrap(),
            Format::Png
        );
        assert_eq!(
            Format::from_path(Path::new("loss.SVG")).unwrap(),
            Format::Svg
        );
        let error = Format::from_path(Path::new("loss.jpg")).unwrap_err();
        assert!(error.to_string().contains(".jpg"), "{error}");
        assert!(Format::from_path(Path::new("loss")).is_err());
    }
}
