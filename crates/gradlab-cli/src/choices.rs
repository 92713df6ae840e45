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

    /// Every list names every choice, in the engine's order, and reads as
    /// the help texts put it (checked against `gradlab train --help`).
    #[test]
    fn the_lists_name_every_choice_in_order() {
        assert_eq!(activations(), Activation::NAMES.join(", "));
        assert_eq!(optimizers(), Optimizer::NAMES.join(", "));
        assert_eq!(scalings(), Scaling::NAMES.join(", "));
        assert_eq!(precisions(), "f32 or f64");
        assert!(inits().ends_with(", uniform or uniform:A"), "{}", inits());
        let schedules = schedules();
        let mut rest = schedules.as_str();
        for schedule in Schedule::ALL {
            let at = rest.find(schedule.form());
            assert!(at.is_some(), "{} missing or out of order", schedule.name());
            rest = &rest[at.unwrap_or_default()..];
        }
        assert!(schedules.contains("step[:K:GAMMA] (× GAMMA every K epochs)"));
        assert!(gradient_methods().starts_with("backprop, or numerical (central differences"));
        assert!(
            tasks().starts_with("auto (numeric target: regression, text: classification), "),
            "{}",
            tasks()
        );
        assert_eq!(task_names(), list_with_or(&TaskChoice::NAMES));
    }
}
