//! How the pictures (and the tables beside them) name what they show: axis
//! labels for the columns gradlab knows, units, what the cost and the test
//! metric are.

use gradlab::data::task::Task;
use gradlab::model::ModelInfo;
use gradlab::nn::loss::Loss;

/// A column name for an axis, with what it means and its unit when gradlab
/// knows the column (the fever data's).
pub fn column_label(name: &str) -> String {
    match name {
        "temp_c" => "temperature now, temp_c (°C)".to_owned(),
        "dose_mg" => "dose, dose_mg (mg)".to_owned(),
        "temp_2h_c" => "temperature after 2 h, temp_2h_c (°C)".to_owned(),
        other => other.to_owned(),
    }
}

/// The unit of a regression target, when gradlab knows the column; else
/// "target units".
pub fn target_unit(name: &str) -> &'static str {
    match name {
        "temp_2h_c" | "temp_c" => "°C",
        _ => "target units",
    }
}

/// What the cost is, short, for an axis: `cost (MSE, scaled target)`.
pub fn cost_axis(loss: Loss) -> &'static str {
    match loss {
        Loss::Mse => "cost: mean squared error (scaled target)",
        Loss::SoftmaxCrossEntropy => "cost: cross-entropy",
    }
}

/// The test metric the history records, for people: `test RMSE (°C)` or
/// `test accuracy`.
pub fn metric_label(info: &ModelInfo) -> String {
    match info.task {
        Task::Regression => format!("test RMSE ({})", target_unit(&info.target_column)),
        Task::Classification => "test accuracy".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fever_columns_get_units() {
        assert_eq!(column_label("temp_c"), "temperature now, temp_c (°C)");
        assert_eq!(column_label("x1"), "x1");
        assert_eq!(target_unit("temp_2h_c"), "°C");
    }
}
