//! What a long experiment tells its caller while it works: which run
//! starts, each finished epoch, a run that diverged, a phase that begins.
//! The engine never prints; a front end draws its bars and notes from these.

use crate::methods::brute_force::GridAxis;
use crate::settings::FitSettings;
use crate::train::trainer::EpochRecord;

/// One step of an experiment's progress.
#[derive(Debug, Clone, Copy)]
pub enum Progress<'a> {
    /// A phase of the experiment begins.
    Phase(Phase<'a>),
    /// Run `index` (0-based) of `of` starts training with `settings`.
    RunStarted {
        /// Which run.
        index: usize,
        /// How many runs there are.
        of: usize,
        /// Its resolved settings.
        settings: &'a FitSettings,
    },
    /// Run `index` finished an epoch.
    Epoch {
        /// Which run.
        index: usize,
        /// The epoch's record.
        record: &'a EpochRecord,
    },
    /// Run `index` finished training (or diverged: [`Progress::Diverged`]
    /// follows).
    RunFinished {
        /// Which run.
        index: usize,
    },
    /// Run `index`'s cost became non-finite in `epoch`; the run is kept,
    /// marked as diverged.
    Diverged {
        /// Which run.
        index: usize,
        /// The epoch in which it diverged.
        epoch: usize,
        /// The run's learning rate.
        learning_rate: f64,
    },
    /// Run `index` trained a path to draw.
    PathTrained {
        /// Which run.
        index: usize,
        /// Epochs trained.
        epochs: usize,
        /// Its learning rate.
        learning_rate: f64,
        /// Its final training cost.
        final_cost: f64,
    },
}

/// A phase of an experiment that is worth naming to the user.
#[derive(Debug, Clone, Copy)]
pub enum Phase<'a> {
    /// One run with every setting of the reference, to derive the target
    /// metric from.
    FindingTarget,
    /// The ablation's runs start.
    Ablation {
        /// How many networks are trained.
        runs: usize,
    },
    /// The costs are measured over `rows` training rows.
    Rows {
        /// How many.
        rows: usize,
    },
    /// The cost is evaluated on a `resolution` × `resolution` grid.
    Grid {
        /// Points per axis.
        resolution: usize,
    },
    /// A brute-force search over `weights` around seed `seed`'s weights
    /// starts.
    Slice {
        /// The searched weights' names.
        weights: &'a [String],
        /// The seed of the run the slice is centred on.
        seed: u64,
        /// The grid of every searched weight.
        axis: &'a GridAxis,
    },
}
