//! Spec text (YAML or JSON) -> a document value.

use serde_yaml::{Mapping, Value};

use crate::diagnostics::Diagnostic;

/// Parses YAML or JSON text into a document value. JSON text (first non-blank character `{` or
/// `[`) is read by a JSON parser: YAML's escapes are not JSON's (a UTF-16 surrogate pair such as
/// `"\ud83d\udc4d"` is one character in JSON and an error in YAML). Text that starts like JSON
/// but is not JSON (a YAML flow mapping with bare keys) is read as YAML; if it is neither, the
/// JSON error is reported. Integers beyond 64 bits are read as floating-point numbers.
pub(crate) fn parse(text: &str, file: &str) -> Result<Value, Box<Diagnostic>> {
    let json_like = text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with(['{', '['])
        .then(|| serde_json::from_str::<Loaded>(text.trim_start_matches('\u{feff}')));
    match json_like {
        Some(Ok(Loaded(value))) => return Ok(value),
        Some(Err(json)) => {
            if let Ok(Loaded(value)) = serde_yaml::from_str::<Loaded>(text) {
                return Ok(value);
            }
            return Err(Box::new(
                Diagnostic::error(file, format!("the spec is not valid JSON: {json}"))
                    .hint("fix the syntax at the given line and column")
                    .line_col(json.line(), json.column()),
            ));
        }
        None => {}
    }
    serde_yaml::from_str::<Loaded>(text)
        .map(|Loaded(value)| value)
        .map_err(|err| {
            let mut diagnostic = Diagnostic::error(
                file,
                format!("the spec is not valid YAML or JSON: {err}"),
            )
            .hint(
                "fix the syntax at the given line; a YAML document is indented with spaces, never tabs",
            );
            if let Some(location) = err.location() {
                diagnostic = diagnostic.line_col(location.line(), location.column());
            }
            Box::new(diagnostic)
        })
}

/// A document value read from YAML or JSON: `serde_yaml::Value`'s own reading, except that
/// integers beyond 64 bits (which it refuses) become floating-point numbers, so a schema bound
/// such as `maximum: 99999999999999999999` loads (`validate` then drops the bounds an integer
/// schema cannot hold, with a warning). Duplicate keys are an error, as in `serde_yaml`.
struct Loaded(Value);

impl<'de> serde::Deserialize<'de> for Loaded {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(LoadedVisitor).map(Loaded)
    }
}

struct LoadedVisitor;

impl<'de> serde::de::Visitor<'de> for LoadedVisitor {
    type Value = Value;

    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("any YAML or JSON value")
    }

    fn visit_bool<E>(self, flag: bool) -> Result<Value, E> {
        Ok(Value::Bool(flag))
    }

    fn visit_i64<E>(self, number: i64) -> Result<Value, E> {
        Ok(Value::Number(number.into()))
    }

    fn visit_u64<E>(self, number: u64) -> Result<Value, E> {
        Ok(Value::Number(number.into()))
    }

    #[allow(clippy::cast_precision_loss)]
    fn visit_i128<E>(self, number: i128) -> Result<Value, E> {
        Ok(Value::Number(match i64::try_from(number) {
            Ok(small) => small.into(),
            Err(_) => (number as f64).into(),
        }))
    }

    #[allow(clippy::cast_precision_loss)]
    fn visit_u128<E>(self, number: u128) -> Result<Value, E> {
        Ok(Value::Number(match u64::try_from(number) {
            Ok(small) => small.into(),
            Err(_) => (number as f64).into(),
        }))
    }

    fn visit_f64<E>(self, number: f64) -> Result<Value, E> {
        Ok(Value::Number(number.into()))
    }

    fn visit_str<E>(self, text: &str) -> Result<Value, E> {
        Ok(Value::String(text.to_owned()))
    }

    fn visit_string<E>(self, text: String) -> Result<Value, E> {
        Ok(Value::String(text))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        serde::Deserialize::deserialize(deserializer).map(|Loaded(value)| value)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut items: A) -> Result<Value, A::Error> {
        let mut sequence = Vec::new();
        while let Some(Loaded(item)) = items.next_element()? {
            sequence.push(item);
        }
        Ok(Value::Sequence(sequence))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut entries: A) -> Result<Value, A::Error> {
        let mut mapping = Mapping::new();
        while let Some(Loaded(key)) = entries.next_key()? {
            if mapping.contains_key(&key) {
                let shown = serde_yaml::to_string(&key).unwrap_or_default();
                return Err(serde::de::Error::custom(format_args!(
                    "duplicate entry with key {}",
                    shown.trim_end()
                )));
            }
            let Loaded(value) = entries.next_value()?;
            mapping.insert(key, value);
        }
        Ok(Value::Mapping(mapping))
    }

    fn visit_enum<A: serde::de::EnumAccess<'de>>(self, data: A) -> Result<Value, A::Error> {
        use serde::de::VariantAccess;
        // serde_yaml gives a tagged value (`!Tag value`) as an enum variant named by the tag.
        let (tag, contents) = data.variant::<String>()?;
        let Loaded(value) = contents.newtype_variant()?;
        Ok(Value::Tagged(Box::new(serde_yaml::value::TaggedValue {
            tag: serde_yaml::value::Tag::new(tag),
            value,
        })))
    }
}
