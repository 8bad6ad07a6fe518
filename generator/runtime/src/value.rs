//! Turning typed parameter values into the strings that go into a URL or a header.
//!
//! Parameters are serialized through serde, so a generated enum, a `chrono` date-time and a
//! number all take the form their JSON encoding gives them, without a trait per type.

use serde::Serialize;
use serde_json::Value;

/// A parameter value flattened to text: a scalar, or the elements of an array.
pub(crate) enum Flat {
    Scalar(String),
    List(Vec<String>),
    Object(Vec<(String, String)>),
    Absent,
}

pub(crate) fn flatten<T: Serialize + ?Sized>(value: &T) -> Result<Flat, String> {
    let value = serde_json::to_value(value).map_err(|err| err.to_string())?;
    Ok(match value {
        Value::Null => Flat::Absent,
        Value::Array(items) => Flat::List(items.iter().filter_map(scalar).collect()),
        Value::Object(map) => Flat::Object(
            map.iter()
                .filter_map(|(key, value)| scalar(value).map(|text| (key.clone(), text)))
                .collect(),
        ),
        other => match scalar(&other) {
            Some(text) => Flat::Scalar(text),
            None => Flat::Absent,
        },
    })
}

/// The text of a scalar JSON value; nested arrays and objects have no single text form and
/// are written as compact JSON.
fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(text) => Some(text.clone()),
        Value::Bool(flag) => Some(flag.to_string()),
        Value::Number(number) => Some(number.to_string()),
        nested => Some(nested.to_string()),
    }
}

/// One value as a single string, for path segments and headers: arrays are comma-joined
/// (OpenAPI's `simple` style).
pub(crate) fn simple<T: Serialize + ?Sized>(value: &T) -> Result<Option<String>, String> {
    Ok(match flatten(value)? {
        Flat::Absent => None,
        Flat::Scalar(text) => Some(text),
        Flat::List(items) => Some(items.join(",")),
        Flat::Object(pairs) => Some(
            pairs
                .into_iter()
                .flat_map(|(key, value)| [key, value])
                .collect::<Vec<_>>()
                .join(","),
        ),
    })
}
