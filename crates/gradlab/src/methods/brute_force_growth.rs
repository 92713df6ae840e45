//! The course's table of how brute force grows: the grid's points and the
//! time of the search for 1, 2, … weights of a network, and for all weights
//! of a network with 6 hidden layers of 1,000 neurons on the same inputs
//! ("2,000 cases for one weight … 9 weights … a 6 × 1000 network"). Each
//! time is at a rate measured for those weights on the start's rows.

use crate::element::Float;
use crate::error::Result;
use crate::methods::brute_force::{grid_points, log10_grid_points, BruteForceSettings, GridAxis};
use crate::methods::brute_force_rate::EvaluationRate;
use crate::methods::start::Start;
use crate::nn::init::Init;
use crate::nn::network::{Architecture, Network};
use crate::nn::parameter_ref::ParameterRef;
use serde::Serialize;

/// Width of the hidden layers of the course's large network.
pub const LARGE_WIDTH: usize = 1000;
/// Hidden layers of the course's large network.
pub const LARGE_DEPTH: usize = 6;

/// What the table measures with: the grid and the threads.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct GrowthSettings {
    /// The values every weight takes.
    pub axis: GridAxis,
    /// Threads the rates assume.
    pub threads: usize,
}

/// What the table tells its caller while it measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GrowthProgress {
    /// The rates of the start's network are measured.
    MeasuringNetwork,
    /// The rate of the large network is measured.
    MeasuringLarge,
}

/// One line of the table: searching the first `weights` weights.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GrowthRow {
    /// Weights searched.
    pub weights: usize,
    /// The exact number of points, when it fits in 64 bits.
    pub points: Option<u64>,
    /// log10 of the number of points.
    pub log10_points: f64,
    /// The measured rate for these weights.
    pub evaluations_per_second: f64,
    /// The estimated time, when it fits in an f64 of seconds.
    pub seconds: Option<f64>,
    /// log10 of the estimated seconds.
    pub log10_seconds: f64,
}

impl GrowthRow {
    /// The line of `weights` weights with `axis_points` values each, at
    /// `rate` evaluations per second.
    pub fn new(weights: usize, axis_points: u64, rate: f64) -> Self {
        let log10_points = log10_grid_points(axis_points, weights);
        let log10_seconds = log10_points - rate.log10();
        let seconds = 10f64.powf(log10_seconds);
        GrowthRow {
            weights,
            points: grid_points(axis_points, weights),
            log10_points,
            evaluations_per_second: rate,
            seconds: seconds.is_finite().then_some(seconds),
            log10_seconds,
        }
    }
}

/// The large network's line.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LargeGrowthRow {
    /// Its hidden layers, `6 × 1000`.
    pub hidden: String,
    /// Its parameters.
    pub parameters: usize,
    /// Its measured rate (searching its first weight).
    pub rate: EvaluationRate,
    /// All its weights.
    pub row: GrowthRow,
}

/// The course's table for one network.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BruteForceGrowth {
    /// The network's architecture.
    pub network: String,
    /// Its parameters.
    pub parameters: usize,
    /// The values every weight takes.
    pub axis: GridAxis,
    /// Values per weight.
    pub axis_points: u64,
    /// Rows each evaluation goes over.
    pub rows_of_data: usize,
    /// The rate measured searching all weights.
    pub rate: EvaluationRate,
    /// The first 1, 2, … weights (see [`table_counts`]).
    pub rows: Vec<GrowthRow>,
    /// The large network.
    pub large: LargeGrowthRow,
}

/// Measures the table for `start`'s network and the large network.
pub fn run<T: Float>(
    start: &Start<T>,
    settings: &GrowthSettings,
    progress: &dyn Fn(GrowthProgress),
) -> Result<BruteForceGrowth> {
    settings.axis.validate()?;
    let network = &start.network;
    let axis_points = settings.axis.points();
    let all = ParameterRef::all(network);
    progress(GrowthProgress::MeasuringNetwork);
    let rate = measure(start, network, all.clone(), settings);
    // Each row at its own rate: searching only the first weights of a
    // neuron recomputes far less than searching all of them.
    let mut rows = Vec::new();
    for k in table_counts(all.len()) {
        let row_rate = measure(start, network, ParameterRef::first(k, network)?, settings);
        rows.push(GrowthRow::new(k, axis_points, row_rate.per_second));
    }
    progress(GrowthProgress::MeasuringLarge);
    let large = large_row(start, settings)?;
    Ok(BruteForceGrowth {
        network: network.architecture().to_string(),
        parameters: network.parameter_count(),
        axis: settings.axis,
        axis_points,
        rows_of_data: start.train.len(),
        rate,
        rows,
        large,
    })
}

/// The large network's line: same inputs, outputs, activation and cost as
/// `start`'s network, timed searching its first weight.
fn large_row<T: Float>(start: &Start<T>, settings: &GrowthSettings) -> Result<LargeGrowthRow> {
    let network = &start.network;
    let architecture = Architecture::new(
        network.inputs(),
        &[LARGE_WIDTH; LARGE_DEPTH],
        network.architecture().activation(0),
        network.outputs(),
        network.loss(),
    );
    let big = Network::<T>::new(architecture, Init::Xavier, 1)?;
    let rate = measure(start, &big, ParameterRef::first(1, &big)?, settings);
    Ok(LargeGrowthRow {
        hidden: format!("{LARGE_DEPTH} × {LARGE_WIDTH}"),
        parameters: big.parameter_count(),
        row: GrowthRow::new(
            big.parameter_count(),
            settings.axis.points(),
            rate.per_second,
        ),
        rate,
    })
}

fn measure<T: Float>(
    start: &Start<T>,
    network: &Network<T>,
    parameters: Vec<ParameterRef>,
    settings: &GrowthSettings,
) -> EvaluationRate {
    let search = BruteForceSettings {
        parameters,
        axis: settings.axis,
        threads: settings.threads,
        max_evaluations: u64::MAX,
    };
    EvaluationRate::measure(network, &start.train, &search)
}

/// Weight counts in the table: 1 … P, or 1 … 10 and P for a bigger network.
pub fn table_counts(total: usize) -> Vec<usize> {
    const SHOWN: usize = 10;
    if total <= SHOWN + 2 {
        (1..=total).collect()
    } else {
        (1..=SHOWN).chain([total]).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_shows_every_count_of_a_small_network_and_ten_then_all_of_a_big_one() {
        assert_eq!(table_counts(9), (1..=9).collect::<Vec<_>>());
        assert_eq!(table_counts(15), vec![1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 15]);
    }

    #[test]
    fn a_row_counts_the_points_of_its_weights_and_their_time_at_its_rate() {
        // The course's two weights on [-100, 100] step 0.1: 2001² points.
        let row = GrowthRow::new(2, 2001, 1000.0);
        assert_eq!(row.points, Some(4_004_001));
        let seconds = row.seconds.unwrap();
        assert!((seconds - 4004.001).abs() < 1e-6, "{seconds}");
        // 2001^9 does not fit in 64 bits; its log10 is 9·log10(2001).
        let nine = GrowthRow::new(9, 2001, 1.0);
        assert_eq!(nine.points, None);
        assert!((nine.log10_points - 9.0 * 2001f64.log10()).abs() < 1e-9);
    }
}
