//! Looking at training from the outside: loss landscapes, restarts from many
//! seeds (local and global minima), decision regions, and LeCun's
//! recommendations switched on and off.

pub mod ablation;
pub mod landscape;
pub mod regions;
pub mod restarts;
