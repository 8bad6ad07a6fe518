//! [`Ordered`]: a JSON value whose objects keep their entries in the order they were written.
//!
//! `serde_json::Value` sorts an object's keys (the crate does not enable `preserve_order`), but
//! what goes on the wire follows the spec's declaration order: a struct's properties as query
//! pairs (`R=100&G=200&B=150`), form fields, multipart JSON parts. So a value is serialized to
//! JSON text and read back into this tree, which keeps serde's order. Parameters
//! ([`crate::value`]) and request bodies ([`crate::body`]) both read values this way.

use serde::de::{MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A JSON value with its objects' entries in serde's order; it serializes back the same way.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Ordered {
    Null,
    Bool(bool),
    Number(serde_json::Number),
    String(String),
    Array(Vec<Ordered>),
    Object(Vec<(String, Ordered)>),
}

impl Ordered {
    /// `value` as it serializes (through JSON text, so in serde's order).
    pub(crate) fn of<T: Serialize + ?Sized>(value: &T) -> Result<Self, String> {
        let json = serde_json::to_vec(value).map_err(|err| err.to_string())?;
        serde_json::from_slice(&json).map_err(|err| err.to_string())
    }

    /// Whether it is `null`.
    pub(crate) fn is_null(&self) -> bool {
        matches!(self, Ordered::Null)
    }

    /// The text a scalar is sent as: `true`, `1.5` (the number as JSON writes it), a string
    /// without quotes. `None` for `null`, an array or an object.
    pub(crate) fn scalar_text(&self) -> Option<String> {
        match self {
            Ordered::Bool(flag) => Some(flag.to_string()),
            Ordered::Number(number) => Some(number.to_string()),
            Ordered::String(text) => Some(text.clone()),
            Ordered::Null | Ordered::Array(_) | Ordered::Object(_) => None,
        }
    }

    /// The text of a scalar as [`Ordered::scalar_text`] gives it; `null`, arrays and objects
    /// as compact JSON.
    pub(crate) fn text(&self) -> String {
        match self.scalar_text() {
            Some(text) => text,
            None => serde_json::to_string(self).unwrap_or_default(),
        }
    }
}

impl Serialize for Ordered {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeSeq};
        match self {
            Ordered::Null => serializer.serialize_unit(),
            Ordered::Bool(flag) => serializer.serialize_bool(*flag),
            Ordered::Number(number) => number.serialize(serializer),
            Ordered::String(text) => serializer.serialize_str(text),
            Ordered::Array(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Ordered::Object(fields) => {
                let mut map = serializer.serialize_map(Some(fields.len()))?;
                for (key, value) in fields {
                    map.serialize_entry(key, value)?;
                }
                map.end()
            }
        }
    }
}

impl<'de> Deserialize<'de> for Ordered {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(OrderedVisitor)
    }
}

struct OrderedVisitor;

impl<'de> Visitor<'de> for OrderedVisitor {
    type Value = Ordered;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E>(self) -> Result<Ordered, E> {
        Ok(Ordered::Null)
    }

    fn visit_none<E>(self) -> Result<Ordered, E> {
        Ok(Ordered::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, inner: D) -> Result<Ordered, D::Error> {
        Ordered::deserialize(inner)
    }

    fn visit_bool<E>(self, flag: bool) -> Result<Ordered, E> {
        Ok(Ordered::Bool(flag))
    }

    fn visit_i64<E>(self, number: i64) -> Result<Ordered, E> {
        Ok(Ordered::Number(number.into()))
    }

    fn visit_u64<E>(self, number: u64) -> Result<Ordered, E> {
        Ok(Ordered::Number(number.into()))
    }

    fn visit_f64<E>(self, number: f64) -> Result<Ordered, E> {
        // JSON text has no NaN or infinity (serde_json writes them as `null`).
        Ok(serde_json::Number::from_f64(number).map_or(Ordered::Null, Ordered::Number))
    }

    fn visit_str<E>(self, text: &str) -> Result<Ordered, E> {
        Ok(Ordered::String(text.to_owned()))
    }

    fn visit_string<E>(self, text: String) -> Result<Ordered, E> {
        Ok(Ordered::String(text))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Ordered, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Ordered::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Ordered, A::Error> {
        let mut fields = Vec::new();
        while let Some(entry) = map.next_entry()? {
            fields.push(entry);
        }
        Ok(Ordered::Object(fields))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Declared {
        zebra: u8,
        apple: Option<f64>,
        mango: Vec<serde_json::Value>,
    }

    #[test]
    fn keeps_declaration_order_and_serializes_back_the_same() {
        let value = Declared {
            zebra: 1,
            apple: Some(1.5),
            mango: vec![serde_json::json!({"b": true, "a": null}), "x".into()],
        };
        let ordered = Ordered::of(&value).unwrap();
        let Ordered::Object(fields) = &ordered else {
            panic!("an object: {ordered:?}");
        };
        let keys: Vec<&str> = fields.iter().map(|(key, _)| key.as_str()).collect();
        assert_eq!(keys, ["zebra", "apple", "mango"]);
        assert_eq!(
            serde_json::to_string(&ordered).unwrap(),
            serde_json::to_string(&value).unwrap()
        );
    }

    #[test]
    fn scalars_are_their_text_and_the_rest_json() {
        let text = |value: serde_json::Value| Ordered::of(&value).unwrap();
        assert_eq!(text(true.into()).scalar_text().as_deref(), Some("true"));
        assert_eq!(text((-1.5).into()).scalar_text().as_deref(), Some("-1.5"));
        assert_eq!(text(100.0.into()).scalar_text().as_deref(), Some("100.0"));
        assert_eq!(text(u64::MAX.into()).text(), u64::MAX.to_string());
        assert_eq!(text("a \"b\"".into()).text(), "a \"b\"");
        assert_eq!(text(serde_json::Value::Null).scalar_text(), None);
        assert_eq!(text(serde_json::Value::Null).text(), "null");
        assert_eq!(
            text(serde_json::json!([1, {"a": "b"}])).text(),
            r#"[1,{"a":"b"}]"#
        );
    }
}
