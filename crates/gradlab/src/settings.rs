//! Every setting a user chooses before training, in one struct with
//! `Default`, serde (TOML and JSON; unknown keys refused) and one
//! [`FitSettings::validate`]. The command line's flags, a `--config` file,
//! the lab and the Python package all fill this struct.
//!
//! - [`text`]: the settings as TOML or JSON text ([`FitSettings::from_toml`],
//!   [`FitSettings::to_json`], …), errors as [`text_error::TextError`];
//! - [`short_forms`]: `optimizer = "adam"` and the like in a text;
//! - [`keys`]: the keys a text may hold, and the ones it should not.

pub mod keys;
pub mod short_forms;
pub mod text;
pub mod text_error;

use crate::data::scale::Scaling;
use crate::element::Precision;
use crate::error::{Error, Result};
use crate::nn::activation::Activation;
use crate::nn::init::Init;
use crate::setting::Setting;
use crate::train::trainer::TrainSettings;
use serde::{Deserialize, Serialize};

/// Everything a user chooses before training.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FitSettings {
    /// Widths of the hidden layers; empty for a single layer of neurons
    /// (linear regression or softmax regression).
    pub hidden: Vec<usize>,
    /// Activation of every hidden layer.
    pub activation: Activation,
    /// How the initial weights are drawn.
    pub init: Init,
    /// How inputs (and, for regression, the target) are scaled.
    pub scaling: Scaling,
    /// Regression only: how the target is scaled, if not like the inputs
    /// (e.g. to [−1, 1] for LeCun's tanh, whose range that is).
    pub target_scaling: Option<Scaling>,
    /// Share of the rows held out for testing, in (0, 1).
    pub test_fraction: f64,
    /// With early stopping: the share of the training rows carved off as a
    /// validation part to watch, in (0, 1). Unused without early stopping.
    pub validation_fraction: f64,
    /// Element type of the network.
    pub precision: Precision,
    /// Learning rate, batch size, epochs and the seed.
    pub train: TrainSettings,
}

impl Default for FitSettings {
    fn default() -> Self {
        FitSettings {
            hidden: vec![16],
            activation: Activation::Tanh,
            init: Init::Xavier,
            scaling: Scaling::Standard,
            target_scaling: None,
            test_fraction: 0.2,
            validation_fraction: 0.1,
            precision: Precision::F32,
            train: TrainSettings::default(),
        }
    }
}

impl FitSettings {
    /// Checks every setting before any work; the error names the setting.
    pub fn validate(&self) -> Result<()> {
        if let Some(layer) = self.hidden.iter().position(|&n| n == 0) {
            return Err(Error::setting(
                Setting::Hidden,
                format!("hidden layer {} has 0 neurons", layer + 1),
            ));
        }
        if !(self.test_fraction > 0.0 && self.test_fraction < 1.0) {
            return Err(Error::setting(
                Setting::TestFraction,
                format!(
                    "{} (must be between 0 and 1, exclusive)",
                    self.test_fraction
                ),
            ));
        }
        if self.train.early_stopping.is_some()
            && !(self.validation_fraction > 0.0 && self.validation_fraction < 1.0)
        {
            return Err(Error::setting(
                Setting::ValidationFraction,
                format!(
                    "{} (must be between 0 and 1, exclusive)",
                    self.validation_fraction
                ),
            ));
        }
        self.init.validate()?;
        self.train.validate()
    }
}
