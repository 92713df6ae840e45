//! The settings an [`crate::Error::InvalidSetting`] can name, as a closed
//! set: a front end maps each to its own control (the command line to a
//! flag) with an exhaustive `match`, so a new setting cannot be forgotten.

/// A setting the user chose, named by an error about its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Setting {
    /// The network's shape: layer sizes, or a network that does not match its model.
    Architecture,
    /// The widths of the hidden layers.
    Hidden,
    /// How the initial weights are drawn.
    Init,
    /// How many weights a search varies.
    Weights,
    /// Parameters named by the user (`layers.0.weight[0,1]`).
    Params,
    /// The share of the rows held out for testing.
    TestFraction,
    /// The share of the training rows that early stopping watches.
    ValidationFraction,
    /// Points per side of a grid.
    Resolution,
    /// The learning rate η.
    LearningRate,
    /// Data rows chosen by the user.
    Rows,
    /// The data a method is given, as a whole.
    Data,
    /// The rows left to train on.
    TrainingData,
    /// The target column.
    Target,
    /// The input columns.
    Inputs,
    /// The character between CSV cells.
    Delimiter,
    /// The values a brute-force search tries.
    Range,
    /// The step between two values a brute-force search tries.
    Step,
    /// The most cost evaluations a search may make.
    MaxEvals,
    /// The update rule.
    Optimizer,
    /// μ of momentum and nesterov.
    Momentum,
    /// α of rmsprop.
    Alpha,
    /// β₁ of adam and adamw.
    Beta1,
    /// β₂ of adam and adamw.
    Beta2,
    /// ε of rmsprop, adam and adamw.
    OptimizerEpsilon,
    /// Weight decay λ.
    WeightDecay,
    /// Passes over the training rows.
    Epochs,
    /// Samples per gradient step.
    BatchSize,
    /// The learning rate per epoch.
    Schedule,
    /// The norm gradients are clipped to.
    ClipNorm,
    /// The step ε of the numerical gradient.
    GradientEpsilon,
    /// Early stopping as a whole.
    EarlyStopping,
    /// Early stopping: epochs without improvement before stopping.
    Patience,
    /// Early stopping: the smallest decrease that counts as an improvement.
    MinDelta,
    /// A training path drawn on a loss landscape.
    Trajectory,
    /// A benchmark workload.
    Workload,
    /// Gradient steps a comparison of methods takes.
    Steps,
    /// The runs a comparison trains.
    Runs,
    /// The metric a comparison measures the time to.
    TargetMetric,
    /// How many seeds a search for minima trains from.
    Restarts,
    /// How close two results must be to count as one: two minima, or two steps of the curvature's power iteration.
    Tolerance,
    /// The weights a slice through the cost varies.
    Slice,
    /// How far a slice reaches on either side of a minimum.
    SliceSpan,
    /// Points along a slice.
    SlicePoints,
    /// How far a loss landscape reaches from its centre.
    Span,
    /// The two seeds whose minima a loss landscape joins.
    Between,
    /// The training paths drawn on a loss landscape.
    Trajectories,
    /// The most iterations the curvature's power iteration makes.
    Iterations,
    /// The step ε of the curvature's finite differences.
    CurvatureEpsilon,
    /// The curvature of the cost where it is measured.
    Curvature,
}

impl Setting {
    /// The setting's name as the user knows it, as error messages show it
    /// (`learning rate`). The three epsilons share the name `epsilon`.
    pub const fn name(self) -> &'static str {
        match self {
            Setting::Architecture => "architecture",
            Setting::Hidden => "hidden",
            Setting::Init => "init",
            Setting::Weights => "weights",
            Setting::Params => "params",
            Setting::TestFraction => "test fraction",
            Setting::ValidationFraction => "validation fraction",
            Setting::Resolution => "resolution",
            Setting::LearningRate => "learning rate",
            Setting::Rows => "rows",
            Setting::Data => "data",
            Setting::TrainingData => "training data",
            Setting::Target => "target",
            Setting::Inputs => "inputs",
            Setting::Delimiter => "delimiter",
            Setting::Range => "range",
            Setting::Step => "step",
            Setting::MaxEvals => "max evals",
            Setting::Optimizer => "optimizer",
            Setting::Momentum => "momentum",
            Setting::Alpha => "alpha",
            Setting::Beta1 => "beta1",
            Setting::Beta2 => "beta2",
            Setting::OptimizerEpsilon => "epsilon",
            Setting::WeightDecay => "weight decay",
            Setting::Epochs => "epochs",
            Setting::BatchSize => "batch size",
            Setting::Schedule => "schedule",
            Setting::ClipNorm => "clip norm",
            Setting::GradientEpsilon => "epsilon",
            Setting::EarlyStopping => "early stopping",
            Setting::Patience => "patience",
            Setting::MinDelta => "min delta",
            Setting::Trajectory => "trajectory",
            Setting::Workload => "workload",
            Setting::Steps => "steps",
            Setting::Runs => "runs",
            Setting::TargetMetric => "target_metric",
            Setting::Restarts => "restarts",
            Setting::Tolerance => "tolerance",
            Setting::Slice => "slice",
            Setting::SliceSpan => "slice_span",
            Setting::SlicePoints => "slice_points",
            Setting::Span => "span",
            Setting::Between => "between",
            Setting::Trajectories => "trajectories",
            Setting::Iterations => "iterations",
            Setting::CurvatureEpsilon => "epsilon",
            Setting::Curvature => "curvature",
        }
    }
}

impl std::fmt::Display for Setting {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}
