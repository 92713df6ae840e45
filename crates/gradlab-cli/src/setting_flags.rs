//! The command line's flag for each engine setting an
//! [`gradlab::Error::InvalidSetting`] can name, so that the error says
//! which flag to change: `invalid learning rate (--lr): …`.

use gradlab::setting::Setting;

/// The flag that sets an engine setting an [`gradlab::Error::InvalidSetting`]
/// names, for the settings whose only source is one flag (or the
/// `--config` key of the same meaning); `None` for the others, which
/// several flags or commands set, or none.
fn flag_of(setting: Setting) -> Option<&'static str> {
    match setting {
        Setting::LearningRate => Some("--lr"),
        Setting::BatchSize => Some("--batch-size"),
        Setting::Epochs => Some("--epochs"),
        Setting::TestFraction => Some("--test-fraction"),
        Setting::ValidationFraction => Some("--validation-fraction"),
        Setting::Hidden => Some("--hidden"),
        Setting::Inputs => Some("--inputs"),
        Setting::Delimiter => Some("--delimiter"),
        Setting::Patience => Some("--patience"),
        Setting::MinDelta => Some("--min-delta"),
        Setting::ClipNorm => Some("--clip-norm"),
        Setting::WeightDecay => Some("--weight-decay"),
        Setting::Architecture
        | Setting::Init
        | Setting::Weights
        | Setting::Params
        | Setting::Resolution
        | Setting::Rows
        | Setting::Data
        | Setting::TrainingData
        | Setting::Target
        | Setting::Range
        | Setting::Step
        | Setting::MaxEvals
        | Setting::Optimizer
        | Setting::Momentum
        | Setting::Alpha
        | Setting::Beta1
        | Setting::Beta2
        | Setting::OptimizerEpsilon
        | Setting::Schedule
        | Setting::GradientEpsilon
        | Setting::EarlyStopping
        | Setting::Trajectory
        | Setting::Workload
        | Setting::Steps
        | Setting::Runs
        | Setting::TargetMetric
        | Setting::Restarts
        | Setting::Tolerance
        | Setting::Slice
        | Setting::SliceSpan
        | Setting::SlicePoints
        | Setting::Span
        | Setting::Between
        | Setting::Trajectories
        | Setting::Iterations
        | Setting::CurvatureEpsilon
        | Setting::Curvature => None,
    }
}

/// An error's own message for the one-line report, with the flag named
/// when it is an engine setting out of range: `invalid test fraction
/// (--test-fraction): 1 data row cannot be split …`.
pub fn error_text(cause: &(dyn std::error::Error + 'static)) -> String {
    if let Some(gradlab::Error::InvalidSetting { setting, message }) =
        cause.downcast_ref::<gradlab::Error>()
    {
        if let Some(flag) = flag_of(*setting) {
            return format!("invalid {setting} ({flag}): {message}");
        }
    }
    cause.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_invalid_setting_names_its_flag_when_one_flag_sets_it() {
        let err = gradlab::Error::setting(Setting::LearningRate, "-1 (must be a positive number)");
        assert_eq!(
            error_text(&err),
            "invalid learning rate (--lr): -1 (must be a positive number)"
        );
        let err = gradlab::Error::setting(Setting::Momentum, "1.5 (must be in [0, 1))");
        assert_eq!(
            error_text(&err),
            "invalid momentum: 1.5 (must be in [0, 1))"
        );
    }
}
