//! Early stopping, as Keras' `EarlyStopping` callback: watch a cost after
//! every epoch (the validation cost when there is a validation part, else
//! the training cost) and stop when it has not improved by at least
//! `min_delta` for `patience` epochs; then, by default, put back the weights
//! of the best epoch.

use crate::element::Float;
use crate::error::{Error, Result};
use crate::nn::network::Network;
use crate::setting::Setting;
use serde::{Deserialize, Serialize};

/// When to stop.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct EarlyStopping {
    /// Epochs without improvement before stopping.
    pub patience: usize,
    /// The smallest decrease of the cost that counts as an improvement.
    pub min_delta: f64,
    /// Put back the weights of the best epoch when training ends.
    pub restore_best: bool,
}

impl Default for EarlyStopping {
    fn default() -> Self {
        EarlyStopping {
            patience: 10,
            min_delta: 0.0,
            restore_best: true,
        }
    }
}

impl EarlyStopping {
    /// Checks the settings: patience ≥ 1, min_delta ≥ 0.
    pub fn validate(&self) -> Result<()> {
        if self.patience == 0 {
            return Err(Error::setting(Setting::Patience, "0 (must be at least 1)"));
        }
        if !(self.min_delta.is_finite() && self.min_delta >= 0.0) {
            return Err(Error::setting(
                Setting::MinDelta,
                format!("{} (must be ≥ 0)", self.min_delta),
            ));
        }
        Ok(())
    }
}

/// The state of early stopping during one run: the best cost so far, its
/// epoch and (if asked for) a copy of its weights.
#[derive(Debug, Clone)]
pub struct EarlyStopper<T> {
    settings: EarlyStopping,
    best_cost: f64,
    best_epoch: usize,
    best_network: Option<Network<T>>,
}

impl<T: Float> EarlyStopper<T> {
    /// A fresh tracker.
    pub fn new(settings: EarlyStopping) -> Self {
        EarlyStopper {
            settings,
            best_cost: f64::INFINITY,
            best_epoch: 0,
            best_network: None,
        }
    }

    /// Records `cost` of `epoch`; true when training should stop.
    pub fn observe(&mut self, epoch: usize, cost: f64, network: &Network<T>) -> bool {
        if cost < self.best_cost - self.settings.min_delta || self.best_epoch == 0 {
            self.best_cost = cost;
            self.best_epoch = epoch;
            if self.settings.restore_best {
                match &mut self.best_network {
                    Some(best) => best.clone_from(network),
                    None => self.best_network = Some(network.clone()),
                }
            }
        }
        epoch - self.best_epoch >= self.settings.patience
    }

    /// The epoch with the lowest cost so far (0 before the first).
    pub fn best_epoch(&self) -> usize {
        self.best_epoch
    }

    /// Puts the best weights back into `network` (if kept).
    pub fn restore(&self, network: &mut Network<T>) {
        if let Some(best) = &self.best_network {
            network.clone_from(best);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::activation::Activation;
    use crate::nn::init::Init;
    use crate::nn::loss::Loss;
    use crate::nn::network::Architecture;

    #[test]
    fn stops_after_patience_epochs_without_improvement_and_restores_the_best() {
        let architecture = Architecture::new(1, &[], Activation::Linear, 1, Loss::Mse);
        let mut network = Network::<f64>::new(architecture, Init::Xavier, 1).unwrap();
        let settings = EarlyStopping {
            patience: 2,
            min_delta: 0.01,
            restore_best: true,
        };
        let mut stopper = EarlyStopper::new(settings);
        let costs = [1.0, 0.5, 0.495, 0.6];
        let mut stopped_at = None;
        for (i, &cost) in costs.iter().enumerate() {
            network.layers[0].bias[0] = i as f64; // mark the weights of each epoch
            if stopper.observe(i + 1, cost, &network) {
                stopped_at = Some(i + 1);
                break;
            }
        }
        // 0.495 is not better than 0.5 by 0.01: epochs 3 and 4 do not count.
        assert_eq!(stopped_at, Some(4));
        assert_eq!(stopper.best_epoch(), 2);
        stopper.restore(&mut network);
        assert_eq!(network.layers[0].bias[0], 1.0);
    }
}
