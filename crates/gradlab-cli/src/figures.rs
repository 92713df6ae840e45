//! The picture flags of `train` and `compare`. The pictures themselves,
//! what goes into each and how it is drawn, are the `gradlab_plot` crate's.

use clap::Args;
use gradlab_plot::pictures::Pictures;
use std::path::PathBuf;

/// The picture flags of `train` and `compare`.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Pictures")]
pub struct PlotArgs {
    /// Write pictures into this directory (made if missing): loss curves, and
    /// for two inputs the decision regions or the prediction surface.
    #[arg(long, value_name = "DIR")]
    pub plot: Option<PathBuf>,
    /// The pictures' file format.
    #[arg(long, value_name = "FORMAT", default_value = "png", value_parser = ["png", "svg"])]
    pub plot_format: String,
    /// Draw costs on a logarithmic axis.
    #[arg(long)]
    pub log_scale: bool,
}

impl PlotArgs {
    /// Where the pictures go, if anywhere; the directory is made here,
    /// before any training.
    pub fn pictures(&self) -> gradlab_plot::Result<Option<Pictures>> {
        self.plot
            .as_ref()
            .map(|dir| Pictures::new(dir, &self.plot_format, self.log_scale))
            .transpose()
    }
}
