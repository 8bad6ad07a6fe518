//! Request bodies other than JSON: form-urlencoded fields, multipart parts with files, raw
//! bytes and text.
//!
//! A [`crate::Request`] keeps its body as owned data and encodes it for each attempt, so a
//! retried request sends the same body again (a multipart form gets a fresh boundary, the
//! same parts).

use bytes::Bytes;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::ordered::Ordered;
use crate::value::{self, Shape, Style};

/// A file to upload in a multipart request: its bytes, and the file name and content type
/// the part declares.
///
/// Without a content type the part is sent with the one the spec gives for the field, or
/// else `application/octet-stream`. Many servers treat a part as a file only when it has a
/// file name, so give one when the API expects a file.
///
/// ```
/// use clientgen_runtime::FilePart;
///
/// let avatar = FilePart::new(vec![0x89, b'P', b'N', b'G'])
///     .with_file_name("avatar.png")
///     .with_content_type("image/png");
/// assert_eq!(avatar.bytes().len(), 4);
/// assert_eq!(avatar.file_name(), Some("avatar.png"));
/// ```
///
/// In a JSON or form body (where the spec uses a binary string outside a multipart request)
/// the bytes are written as a string, which works for text only: bytes that are not UTF-8
/// make the request fail with [`crate::Error::InvalidRequest`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FilePart {
    bytes: Bytes,
    file_name: Option<String>,
    content_type: Option<String>,
}

impl FilePart {
    /// A file with these contents, without a file name or content type.
    pub fn new(bytes: impl Into<Bytes>) -> Self {
        Self {
            bytes: bytes.into(),
            file_name: None,
            content_type: None,
        }
    }

    /// Sets the file name the part declares (`filename="avatar.png"`).
    pub fn with_file_name(mut self, file_name: impl Into<String>) -> Self {
        self.file_name = Some(file_name.into());
        self
    }

    /// Sets the part's content type (`image/png`), overriding the spec's.
    pub fn with_content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }

    /// The contents.
    pub fn bytes(&self) -> &Bytes {
        &self.bytes
    }

    /// The file name, when one was set.
    pub fn file_name(&self) -> Option<&str> {
        self.file_name.as_deref()
    }

    /// The content type, when one was set.
    pub fn content_type(&self) -> Option<&str> {
        self.content_type.as_deref()
    }
}

impl From<Bytes> for FilePart {
    fn from(bytes: Bytes) -> Self {
        Self::new(bytes)
    }
}

impl From<Vec<u8>> for FilePart {
    fn from(bytes: Vec<u8>) -> Self {
        Self::new(bytes)
    }
}

impl From<&'static [u8]> for FilePart {
    fn from(bytes: &'static [u8]) -> Self {
        Self::new(bytes)
    }
}

impl Serialize for FilePart {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match std::str::from_utf8(&self.bytes) {
            Ok(text) => serializer.serialize_str(text),
            Err(_) => Err(serde::ser::Error::custom(
                "a file that is not UTF-8 text can only be sent as a multipart part or a binary body",
            )),
        }
    }
}

impl<'de> Deserialize<'de> for FilePart {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(|text| Self::new(text.into_bytes()))
    }
}

/// The fields of a form body, in declaration order and not yet percent-encoded: `body` must
/// encode as an object; `null` fields are left out. A field named in `encoding` is written in
/// its style ([`Style::Form`], [`Style::SpaceDelimited`], [`Style::PipeDelimited`],
/// [`Style::DeepObject`]; another style is an error), the others the default way ([`nested`]).
pub(crate) fn form_fields<T: Serialize + ?Sized>(
    body: &T,
    encoding: &[(&str, Style)],
) -> Result<Vec<(String, String)>, String> {
    let Ordered::Object(fields) = Ordered::of(body)? else {
        return Err("a form body must be an object".to_owned());
    };
    let mut out = Vec::new();
    for (name, value) in &fields {
        match encoding.iter().find(|(field, _)| field == name) {
            Some((_, style)) => styled(name, value, *style, &mut out)
                .map_err(|err| format!("form field `{name}`: {err}"))?,
            None => nested(name.clone(), value, &mut out),
        }
    }
    Ok(out)
}

/// The default form encoding, for a field without a declared style: scalars as text, arrays
/// as the key repeated once per element, objects as `key[inner]=v` at any depth (array
/// elements that are objects or arrays as `key[index][inner]=v`). Parameter styles have no
/// form for nested objects; this is the one encoding that is the body's own.
fn nested(key: String, value: &Ordered, out: &mut Vec<(String, String)>) {
    bracketed(key, value, "", out);
}

/// [`nested`], with `empty` after the key of each scalar in an array: `""` for the default
/// encoding (`tags=a&tags=b`), `"[]"` for `deepObject` (`tags[]=a&tags[]=b`, Stripe's
/// convention, as query parameters in that style write it).
fn bracketed(key: String, value: &Ordered, empty: &str, out: &mut Vec<(String, String)>) {
    match value {
        Ordered::Null => {}
        Ordered::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                match item {
                    Ordered::Array(_) | Ordered::Object(_) => {
                        bracketed(format!("{key}[{index}]"), item, empty, out);
                    }
                    Ordered::Null => {}
                    scalar => out.push((format!("{key}{empty}"), scalar.text())),
                }
            }
        }
        Ordered::Object(fields) => {
            for (inner, value) in fields {
                bracketed(format!("{key}[{inner}]"), value, empty, out);
            }
        }
        scalar => out.push((key, scalar.text())),
    }
}

/// A field with a declared style, in the pairs the query's encoder writes (not yet escaped:
/// the whole form is percent-encoded at the end). The field's value may be more than RFC 6570
/// writes: a nested array or object is its JSON text, and an empty array or object is written
/// `name=` by a style that does not explode. `deepObject` nests at any depth as a query
/// parameter in that style does: `name[key]=value`, `name[]=item`, `name[0][key]=value`.
fn styled(
    key: &str,
    value: &Ordered,
    style: Style,
    out: &mut Vec<(String, String)>,
) -> Result<(), String> {
    if style == Style::DeepObject {
        bracketed(key.to_owned(), value, "[]", out);
        return Ok(());
    }
    let shape = match value {
        Ordered::Null => Shape::Absent,
        Ordered::Array(items) => Shape::List(
            items
                .iter()
                .filter(|item| !item.is_null())
                .map(Ordered::text)
                .collect(),
        ),
        Ordered::Object(fields) => Shape::Object(
            fields
                .iter()
                .filter(|(_, item)| !item.is_null())
                .map(|(inner, item)| (inner.clone(), item.text()))
                .collect(),
        ),
        scalar => Shape::Scalar(scalar.text()),
    };
    let pairs = value::delimited(key, &shape, style, str::to_owned, str::to_owned)
        .ok_or_else(|| value::not_allowed(style, "a form field"))?;
    out.extend(pairs);
    Ok(())
}

/// The fields of a form, percent-encoded as `application/x-www-form-urlencoded`.
pub(crate) fn urlencoded(fields: &[(String, String)]) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish()
}

/// A `multipart/form-data` body: its parts in order. Generated request builders add one
/// call per field of the operation's body type.
///
/// ```
/// use clientgen_runtime::{FilePart, Multipart};
///
/// let avatar = FilePart::new(&b"\x89PNG"[..]).with_file_name("a.png");
/// let form = Multipart::new()
///     .files("avatar", [&avatar], Some("image/png"))
///     .part("name", "Rex", None)
///     .part("tags", &["a", "b"], None)
///     .part("meta", &serde_json::json!({"age": 3}), None);
/// # let _ = form;
/// ```
#[derive(Debug, Clone, Default)]
pub struct Multipart {
    pub(crate) parts: Vec<Part>,
    pub(crate) problem: Option<String>,
}

/// One part of a [`Multipart`] body.
#[derive(Debug, Clone)]
pub(crate) struct Part {
    pub(crate) name: String,
    pub(crate) content: Bytes,
    pub(crate) file_name: Option<String>,
    pub(crate) content_type: Option<String>,
}

impl Multipart {
    /// An empty form.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one file part named `name` per file (none for `None` or an empty list). A file
    /// without its own content type is sent as `content_type`, else as
    /// `application/octet-stream`.
    pub fn files<'f>(
        mut self,
        name: &str,
        files: impl IntoIterator<Item = &'f FilePart>,
        content_type: Option<&str>,
    ) -> Self {
        for file in files {
            let content_type = file
                .content_type
                .as_deref()
                .or(content_type)
                .unwrap_or("application/octet-stream");
            self.parts.push(Part {
                name: name.to_owned(),
                content: file.bytes.clone(),
                file_name: file.file_name.clone(),
                content_type: Some(content_type.to_owned()),
            });
        }
        self
    }

    /// Adds the parts of a field that is not a file: nothing for `None`; a string, number or
    /// boolean as a text part; an array as one part per element; an object (or an array in
    /// an array) as an `application/json` part. `content_type` sets the part's
    /// `Content-Type` (text parts have none otherwise).
    pub fn part<T: Serialize + ?Sized>(
        mut self,
        name: &str,
        value: &T,
        content_type: Option<&str>,
    ) -> Self {
        match Ordered::of(value) {
            Ok(Ordered::Array(items)) => {
                for item in &items {
                    self.push_value(name, item, content_type);
                }
            }
            Ok(value) => self.push_value(name, &value, content_type),
            Err(err) => {
                self.problem
                    .get_or_insert_with(|| format!("multipart field `{name}`: {err}"));
            }
        }
        self
    }

    fn push_value(&mut self, name: &str, value: &Ordered, content_type: Option<&str>) {
        let (content, default_type) = match value {
            Ordered::Null => return,
            Ordered::Array(_) | Ordered::Object(_) => (value.text(), Some("application/json")),
            scalar => (scalar.text(), None),
        };
        self.parts.push(Part {
            name: name.to_owned(),
            content: Bytes::from(content),
            file_name: None,
            content_type: content_type.or(default_type).map(str::to_owned),
        });
    }

    /// The form as reqwest sends it (built for each attempt; the parts share their bytes).
    pub(crate) fn to_form(&self) -> Result<reqwest::multipart::Form, String> {
        let mut form = reqwest::multipart::Form::new();
        for part in &self.parts {
            let length = part.content.len() as u64;
            let mut built = reqwest::multipart::Part::stream_with_length(
                reqwest::Body::from(part.content.clone()),
                length,
            );
            if let Some(file_name) = &part.file_name {
                built = built.file_name(file_name.clone());
            }
            if let Some(content_type) = &part.content_type {
                built = built.mime_str(content_type).map_err(|_| {
                    format!(
                        "multipart field `{}`: `{content_type}` is not a media type",
                        part.name
                    )
                })?;
            }
            form = form.part(part.name.clone(), built);
        }
        Ok(form)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pairs(body: serde_json::Value, encoding: &[(&str, Style)]) -> Vec<(String, String)> {
        // `json!` sorts keys; a struct keeps its declaration order (see the last test).
        form_fields(&body, encoding).unwrap()
    }

    fn owned(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[derive(Serialize)]
    struct Owner {
        name: &'static str,
        address: serde_json::Value,
        pets: Vec<i64>,
    }

    #[derive(Serialize)]
    struct Pet {
        name: &'static str,
        age: i64,
        good: bool,
        gone: Option<String>,
        tags: Vec<&'static str>,
        owner: Owner,
        visits: serde_json::Value,
    }

    #[test]
    fn default_form_fields_keep_declaration_order_repeat_arrays_and_nest_objects() {
        let pet = Pet {
            name: "Rex",
            age: 3,
            good: true,
            gone: None,
            tags: vec!["a", "b"],
            owner: Owner {
                name: "Ann",
                address: json!({"city": "Oslo"}),
                pets: vec![1, 2],
            },
            visits: json!([{"at": "mon"}]),
        };
        assert_eq!(
            form_fields(&pet, &[]).unwrap(),
            owned(&[
                ("name", "Rex"),
                ("age", "3"),
                ("good", "true"),
                ("tags", "a"),
                ("tags", "b"),
                ("owner[name]", "Ann"),
                ("owner[address][city]", "Oslo"),
                ("owner[pets]", "1"),
                ("owner[pets]", "2"),
                ("visits[0][at]", "mon"),
            ])
        );
    }

    #[test]
    fn declared_styles_are_honoured() {
        let body = json!({
            "a_csv": ["a", "b"],
            "b_spaced": ["a", "b"],
            "c_piped": ["a", "b"],
            "d_spread": {"x": 1, "y": 2},
            "e_flat": {"x": 1},
            "f_deep": {"x": {"y": 1.5}},
            "g_empty": []
        });
        let encoding = [
            ("a_csv", Style::Form { explode: false }),
            ("b_spaced", Style::SpaceDelimited),
            ("c_piped", Style::PipeDelimited),
            ("d_spread", Style::Form { explode: true }),
            ("e_flat", Style::Form { explode: false }),
            ("f_deep", Style::DeepObject),
            ("g_empty", Style::Form { explode: false }),
        ];
        assert_eq!(
            pairs(body, &encoding),
            owned(&[
                ("a_csv", "a,b"),
                ("b_spaced", "a b"),
                ("c_piped", "a|b"),
                ("x", "1"),
                ("y", "2"),
                ("e_flat", "x,1"),
                ("f_deep[x][y]", "1.5"),
                ("g_empty", ""),
            ])
        );
    }

    /// A styled field may hold what a parameter may not: nested values go as their JSON text,
    /// `deepObject` nests at any depth and takes arrays and scalars too.
    #[test]
    fn styled_fields_write_what_parameters_refuse() {
        let body = json!({
            "a": [[1, 2], {"k": "v"}, null],
            "b": {"x": [1], "y": null},
            "c": {"x": {"y": [1, 2]}},
            "d": "text",
            "e": {}
        });
        let encoding = [
            ("a", Style::Form { explode: false }),
            ("b", Style::Form { explode: true }),
            ("c", Style::DeepObject),
            ("d", Style::DeepObject),
            ("e", Style::PipeDelimited),
        ];
        assert_eq!(
            pairs(body, &encoding),
            owned(&[
                ("a", r#"[1,2],{"k":"v"}"#),
                ("x", "[1]"),
                ("c[x][y][]", "1"),
                ("c[x][y][]", "2"),
                ("d", "text"),
                ("e", ""),
            ])
        );
    }

    #[test]
    fn a_style_a_form_field_cannot_have_is_an_error() {
        for style in [
            Style::Simple { explode: false },
            Style::Label { explode: true },
            Style::Matrix { explode: false },
            Style::Json,
        ] {
            assert_eq!(
                form_fields(&json!({"f": "x", "g": 1}), &[("f", style)]),
                Err(format!(
                    "form field `f`: the {} style is not defined for a form field",
                    style.name()
                ))
            );
        }
    }

    #[test]
    fn a_form_body_must_be_an_object_and_encodes_with_plus_for_spaces() {
        assert!(form_fields(&json!([1]), &[]).is_err());
        let fields = owned(&[("q", "a b&c=d"), ("owner[name]", "Zoë")]);
        assert_eq!(
            urlencoded(&fields),
            "q=a+b%26c%3Dd&owner%5Bname%5D=Zo%C3%AB"
        );
    }

    #[test]
    fn multipart_values_become_text_json_and_file_parts() {
        let file = FilePart::new(vec![0, 159, 146, 150]).with_file_name("a.bin");
        let form = Multipart::new()
            .files("file", [&file], None)
            .files("none", None::<&FilePart>, None)
            .part("name", "Rex", None)
            .part("skipped", &None::<String>, None)
            .part("tags", &["a", "b"], Some("text/plain"))
            .part("meta", &json!({"age": 3}), None);
        type Described<'p> = (&'p str, &'p [u8], Option<&'p str>, Option<&'p str>);
        let described: Vec<Described<'_>> = form
            .parts
            .iter()
            .map(|p| {
                (
                    p.name.as_str(),
                    p.content.as_ref(),
                    p.file_name.as_deref(),
                    p.content_type.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            described,
            vec![
                (
                    "file",
                    &[0_u8, 159, 146, 150][..],
                    Some("a.bin"),
                    Some("application/octet-stream")
                ),
                ("name", &b"Rex"[..], None, None),
                ("tags", &b"a"[..], None, Some("text/plain")),
                ("tags", &b"b"[..], None, Some("text/plain")),
                ("meta", &br#"{"age":3}"#[..], None, Some("application/json")),
            ]
        );
        assert!(form.to_form().is_ok());
        let bad = Multipart::new().part("x", "y", Some("not a type"));
        assert!(bad.to_form().is_err());
    }

    #[test]
    fn a_file_in_json_is_its_text_or_an_error() {
        assert_eq!(
            serde_json::to_value(FilePart::new(&b"hi"[..])).unwrap(),
            json!("hi")
        );
        assert!(serde_json::to_value(FilePart::new(vec![0xff])).is_err());
        let back: FilePart = serde_json::from_value(json!("hi")).unwrap();
        assert_eq!(back.bytes().as_ref(), b"hi");
    }
}
