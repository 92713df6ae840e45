//! Closed sets of named choices (activations, optimizers, schedules, …):
//! each lists its variants once, with the name that settings files, model
//! files and command lines use (the serde name) and one line of help, so
//! that every front end builds its parsers, help texts and menus from that
//! one list.
//!
//! A type gets its list with `named_variants!`: one row per variant,
//! `pattern => value, "name", "help";`. The macro writes the list
//! ([`Named::all`], also the inherent `ALL` and `NAMES`) and the `name` and
//! `help` matches from the same rows, so a new variant does not compile
//! until it has its row.

/// A closed set of named choices.
pub trait Named: Sized + Copy + 'static {
    /// Every variant, in the order lists show them; variants with
    /// parameters carry their defaults.
    fn all() -> &'static [Self];

    /// The name settings files, model files and command lines use (the
    /// serde name).
    fn name(&self) -> &'static str;

    /// One line on what the variant is, for help texts and menus.
    fn help(&self) -> &'static str;

    /// The variant called `name` (with its default parameters), if any.
    fn from_name(name: &str) -> Option<Self> {
        Self::all().iter().copied().find(|v| v.name() == name)
    }

    /// Every variant's name, in the order of [`Named::all`].
    fn names() -> Vec<&'static str> {
        Self::all().iter().map(Named::name).collect()
    }
}

/// `a, b, c or d`: items for a sentence, the last two joined by `or`.
pub fn list_with_or(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

/// Writes a type's list of named variants: the inherent `ALL` (every
/// variant, with its default parameters), `NAMES`, `name()`, `help()`, and
/// the [`Named`] impl, all from one row per variant.
///
/// ```ignore
/// named_variants!(Activation {
///     Activation::Sigmoid => Activation::Sigmoid, "sigmoid", "the logistic function 1 / (1 + e^−z)";
/// });
/// ```
macro_rules! named_variants {
    ($ty:ident { $($pattern:pat => $value:expr, $name:literal, $help:literal;)+ }) => {
        impl $ty {
            /// Every variant, in the order lists show them, with default
            /// parameters ([`crate::named::Named::all`]).
            pub const ALL: [$ty; [$($name),+].len()] = [$($value),+];

            /// Every variant's name, in the order of `ALL`.
            pub const NAMES: [&'static str; [$($name),+].len()] = [$($name),+];

            /// The name settings files, model files and command lines use
            /// (the serde name).
            pub const fn name(&self) -> &'static str {
                match self {
                    $($pattern => $name,)+
                }
            }

            /// One line on what the variant is.
            pub const fn help(&self) -> &'static str {
                match self {
                    $($pattern => $help,)+
                }
            }
        }

        impl $crate::named::Named for $ty {
            fn all() -> &'static [Self] {
                &Self::ALL
            }

            fn name(&self) -> &'static str {
                <$ty>::name(self)
            }

            fn help(&self) -> &'static str {
                <$ty>::help(self)
            }
        }
    };
}

pub(crate) use named_variants;

/// Checks, for a test, that a type's list is sound: every name is its
/// serde name (as a string, or as the `name` of a table), names are
/// unique, and [`Named::from_name`] of each name gives the variant back.
#[cfg(test)]
pub(crate) fn assert_sound_list<T>()
where
    T: Named + PartialEq + std::fmt::Debug + serde::Serialize,
{
    let names = T::names();
    for (i, variant) in T::all().iter().enumerate() {
        let serde_name = match serde_json::to_value(variant).unwrap() {
            serde_json::Value::String(name) => name,
            // Internally tagged (`{"name": "adam", …}`) or externally
            // tagged (`{"uniform": {…}}`).
            serde_json::Value::Object(table) => match table.get("name") {
                Some(name) => name.as_str().unwrap().to_owned(),
                None => table.keys().next().unwrap().clone(),
            },
            other => panic!("{variant:?} serialises as {other}"),
        };
        assert_eq!(variant.name(), serde_name, "{variant:?}");
        assert_eq!(T::from_name(variant.name()), Some(*variant));
        assert!(!variant.help().is_empty(), "{variant:?} has no help");
        assert!(!names[..i].contains(&variant.name()), "{variant:?} twice");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_end_with_or() {
        assert_eq!(list_with_or(&[]), "");
        assert_eq!(list_with_or(&["f32"]), "f32");
        assert_eq!(list_with_or(&["f32", "f64"]), "f32 or f64");
        assert_eq!(list_with_or(&["a", "b", "c"]), "a, b or c");
    }
}
