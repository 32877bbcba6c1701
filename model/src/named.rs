//! Enums whose values are stored and sent by name. [`named_values!`] writes, from one list of
//! variants and names, the enum, its `ALL`, `as_str`, `Display` and `FromStr` (which refuses an
//! unknown name and lists the accepted ones), so no list of names is written twice.

/// A value that is not one of the names an enum accepts; carries the rejected text and the
/// accepted names so an API error can say exactly what was wrong.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("'{value}' is not one of: {expected}")]
pub struct UnknownValue {
    pub value: String,
    pub expected: &'static str,
}

/// Declares an enum stored and sent by name: `pub enum Name { Variant => "name", … }`, with the
/// attributes (derives, serde renames, doc comments) given before it and before each variant.
#[macro_export]
macro_rules! named_values {
    (
        $(#[$meta:meta])*
        pub enum $name:ident { $( $(#[$variant_meta:meta])* $variant:ident => $text:literal ),+ $(,)? }
    ) => {
        $(#[$meta])*
        pub enum $name { $( $(#[$variant_meta])* $variant ),+ }

        impl $name {
            /// Every value, in the order declared.
            pub const ALL: [$name; [$($text),+].len()] = [$($name::$variant),+];

            /// The name stored in the database and used in URLs and the API.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::UnknownValue;

            fn from_str(value: &str) -> Result<Self, Self::Err> {
                $name::ALL.into_iter().find(|known| known.as_str() == value).ok_or_else(|| $crate::UnknownValue {
                    value: value.to_owned(),
                    expected: $crate::joined_names!($($text),+),
                })
            }
        }
    };
}

/// `"a", "b", "c"` as the one literal `"a, b, c"`.
#[doc(hidden)]
#[macro_export]
macro_rules! joined_names {
    ($first:literal $(, $rest:literal)*) => {
        concat!($first $(, ", ", $rest)*)
    };
}

#[cfg(test)]
mod tests {
    crate::named_values! {
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum Colour { Red => "red", DarkBlue => "dark_blue" }
    }

    #[test]
    fn names_round_trip_and_unknown_names_list_the_known_ones() {
        for colour in Colour::ALL {
            assert_eq!(colour.as_str().parse::<Colour>(), Ok(colour));
        }
        assert_eq!(Colour::DarkBlue.to_string(), "dark_blue");
        let unknown = "green".parse::<Colour>().expect_err("not a colour");
        assert_eq!(unknown.to_string(), "'green' is not one of: red, dark_blue");
    }
}
