//! KoproGo's domain: the rules of Belgian co-ownership as types.
//!
//! Pure and synchronous: no IO, no async, no serde, no clock or randomness
//! (ids and dates are passed in). A value that exists is valid: every type with
//! a rule has private fields and a fallible constructor.
#![deny(clippy::float_arithmetic, clippy::as_conversions, clippy::indexing_slicing)]

pub mod account;
pub mod assembly;
pub mod audit;
pub mod billing;
pub mod building;
pub mod charges;
pub mod communication;
pub mod day;
pub mod debit;
pub mod error;
pub mod expense;
pub mod identifiers;
pub mod ids;
pub mod money;
pub mod owner;
pub mod payment;
pub mod privacy;
pub mod reminder;
pub mod text;
pub mod unit;

pub use error::{Invalid, Rule};

/// An enum with a stable lower-case code per variant, parsed case-insensitively
/// (`Apartment` = `apartment`). Unknown codes are an error, never a fallback.
#[macro_export]
macro_rules! code_enum {
    ($(#[$doc:meta])* $name:ident { $($variant:ident = $code:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub const CODES: &'static str = concat!($($code, " "),+);

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            pub fn parse(raw: &str) -> Result<Self, $crate::Invalid> {
                let wanted = raw.trim();
                Self::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str().eq_ignore_ascii_case(wanted))
                    .ok_or($crate::Invalid::NotOneOf(Self::CODES))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
