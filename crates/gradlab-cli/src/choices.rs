//! The choices of a flag, as the help texts list them, built from the
//! engine's lists ([`gradlab::named::Named`]): a new activation, optimizer,
//! schedule, … appears in every help text without an edit here.

use gradlab::data::scale::Scaling;
use gradlab::data::task::TaskChoice;
use gradlab::named::{list_with_or, Named};
use gradlab::nn::activation::Activation;
use gradlab::nn::init::Init;
use gradlab::train::optimizer::Optimizer;
use gradlab::train::schedule::Schedule;
use gradlab::train::trainer::GradientMethod;
use gradlab::Precision;

/// `name (note)`, or the name alone without a note.
fn noted(name: &str, note: Option<&str>) -> String {
    match note {
        Some(note) => format!("{name} ({note})"),
        None => name.to_owned(),
    }
}

/// Every name of `T`, comma-separated: `sigmoid, tanh, relu, …`.
fn comma_list<T: Named>() -> String {
    T::names().join(", ")
}

/// `sigmoid, tanh, relu, leaky-relu, linear, lecun-tanh`.
pub fn activations() -> String {
    comma_list::<Activation>()
}

/// `xavier, he, lecun, uniform or uniform:A`.
pub fn inits() -> String {
    list_with_or(&Init::written_forms())
}

/// `minmax, minmax-symmetric, standard, none`.
pub fn scalings() -> String {
    comma_list::<Scaling>()
}

/// `f32 or f64`.
pub fn precisions() -> String {
    list_with_or(&Precision::NAMES)
}

/// `sgd, momentum, nesterov, rmsprop, adam, adamw`.
pub fn optimizers() -> String {
    comma_list::<Optimizer>()
}

/// `constant, step[:K:GAMMA] (× GAMMA every K epochs), …`.
pub fn schedules() -> String {
    let forms: Vec<String> = Schedule::ALL
        .iter()
        .map(|schedule| noted(schedule.form(), schedule.note()))
        .collect();
    forms.join(", ")
}

/// `backprop, or numerical (central differences, …)`.
pub fn gradient_methods() -> String {
    let methods: Vec<String> = GradientMethod::ALL
        .iter()
        .map(|method| noted(method.name(), method.note()))
        .collect();
    match methods.as_slice() {
        [rest @ .., last] if !rest.is_empty() => format!("{}, or {last}", rest.join(", ")),
        _ => methods.join(", "),
    }
}

/// `auto (numeric target: …), regression or classification`.
pub fn tasks() -> String {
    let tasks: Vec<String> = TaskChoice::ALL
        .iter()
        .map(|task| noted(task.name(), task.note()))
        .collect();
    let tasks: Vec<&str> = tasks.iter().map(String::as_str).collect();
    list_with_or(&tasks)
}

/// `auto, regression or classification`, without the notes.
pub fn task_names() -> String {
    list_with_or(&TaskChoice::NAMES)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The lists as the help texts showed them when they were typed by
    /// hand: the generated ones read the same.
    #[test]
    fn the_lists_read_as_before() {
        assert_eq!(
            activations(),
            "sigmoid, tanh, relu, leaky-relu, linear, lecun-tanh"
        );
        assert_eq!(inits(), "xavier, he, lecun, uniform or uniform:A");
        assert_eq!(scalings(), "minmax, minmax-symmetric, standard, none");
        assert_eq!(precisions(), "f32 or f64");
        assert_eq!(
            optimizers(),
            "sgd, momentum, nesterov, rmsprop, adam, adamw"
        );
        assert_eq!(
            schedules(),
            "constant, step[:K:GAMMA] (× GAMMA every K epochs), exponential[:GAMMA], inverse[:POWER] (η/epoch^POWER)"
        );
        assert_eq!(
            gradient_methods(),
            "backprop, or numerical (central differences, 2 cost evaluations per parameter per step: slow, for teaching)"
        );
        assert_eq!(
            tasks(),
            "auto (numeric target: regression, text: classification), regression or classification"
        );
        assert_eq!(task_names(), "auto, regression or classification");
    }
}
