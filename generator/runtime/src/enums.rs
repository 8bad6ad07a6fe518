//! What every generated string enum has besides its values: written once here, invoked once
//! per enum by the generated `types` module.

/// Implements `FromStr`, `Display`, `Serialize` and `Deserialize` for a generated string enum
/// from its own `as_str()` and `From<&str>`, which hold its values: it is written as its
/// value, and any string reads as a value (an unknown one as `Unknown`), so parsing never
/// fails.
///
/// ```
/// #[derive(Debug, PartialEq)]
/// enum Color {
///     Red,
///     Unknown(String),
/// }
///
/// impl Color {
///     fn as_str(&self) -> &str {
///         match self {
///             Self::Red => "red",
///             Self::Unknown(value) => value,
///         }
///     }
/// }
///
/// impl From<&str> for Color {
///     fn from(value: &str) -> Self {
///         match value {
///             "red" => Self::Red,
///             other => Self::Unknown(other.to_owned()),
///         }
///     }
/// }
///
/// clientgen_runtime::string_enum!(Color);
///
/// assert_eq!("red".parse::<Color>(), Ok(Color::Red));
/// assert_eq!(Color::Red.to_string(), "red");
/// assert_eq!(serde_json::to_string(&Color::Red).unwrap(), "\"red\"");
/// assert_eq!(serde_json::from_str::<Color>("\"blue\"").unwrap(), Color::Unknown("blue".into()));
/// ```
#[macro_export]
macro_rules! string_enum {
    ($name:ident) => {
        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;

            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                ::std::result::Result::Ok(Self::from(value))
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S: $crate::__private::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                let value: ::std::string::String =
                    $crate::__private::serde::Deserialize::deserialize(deserializer)?;
                ::std::result::Result::Ok(Self::from(value.as_str()))
            }
        }
    };
}
