//! Turning typed parameter values into the text that goes into a path, a query string, a
//! header or a cookie, in the serialization styles of OpenAPI 3 (the RFC 6570 expansions its
//! "Style Values" name, and JSON text for `content: application/json` parameters).
//!
//! Parameters are serialized through serde, so a generated enum, a `chrono` date-time and a
//! number all take the form their JSON encoding gives them, without a trait per type. The JSON
//! value then has one of the shapes RFC 6570 knows (a scalar, a list of scalars, or an object
//! whose values are scalars) or it cannot be written in a style at all.
//!
//! Each place escapes differently: a path value is percent-encoded as part of one segment, a
//! query value as RFC 6570's form expansion does (everything but the unreserved characters), a
//! header value is sent as it is (the client refuses CR and LF), a cookie value is
//! percent-encoded where RFC 6265 does not allow a character. The delimiters a style adds
//! (`,` `;` `.` `=` `&`, `%20`, `%7C`, `[` `]`) are written by the style, never taken from a
//! value: a `,` inside a value of an array is encoded, the `,` between two values is not.
//!
//! The fields of a form body that the spec gives a `style` take the same [`Style`]s: `body.rs`
//! writes them through [`delimited`], as the query does.

use std::fmt::Write as _;

use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS, NON_ALPHANUMERIC};
use serde::Serialize;

use crate::ordered::Ordered;

/// How a parameter value is serialized: OpenAPI's `style` with its `explode`, or JSON text.
///
/// The examples are those of the OpenAPI specification's "Style Examples", for a parameter
/// `color` that is `"blue"`, `["blue", "black", "brown"]` or `{"R": 100, "G": 200, "B": 150}`.
/// A value that is absent (`None`, `null`, an empty array or object) sends nothing.
///
/// The fields of an `application/x-www-form-urlencoded` body take the same styles, as the
/// spec's `encoding` gives them ([`crate::Request::form`]): `form`, `spaceDelimited`,
/// `pipeDelimited` and `deepObject`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Style {
    /// `simple`, the default of path and header parameters: `blue`, `blue,black,brown`,
    /// `R,100,G,200,B,150`, or exploded `R=100,G=200,B=150`.
    Simple {
        /// Whether an object's keys and values are written as `key=value` pairs.
        explode: bool,
    },
    /// `label` (path): `.blue`, `.blue,black,brown`, `.R,100,G,200,B,150`; exploded
    /// `.blue.black.brown` and `.R=100.G=200.B=150`.
    Label {
        /// Whether each array item or object entry gets its own `.`.
        explode: bool,
    },
    /// `matrix` (path): `;color=blue`, `;color=blue,black,brown`, `;color=R,100,G,200,B,150`;
    /// exploded `;color=blue;color=black;color=brown` and `;R=100;G=200;B=150`.
    Matrix {
        /// Whether each array item or object entry gets its own `;name=`.
        explode: bool,
    },
    /// `form`, the default of query and cookie parameters: `color=blue`; exploded (the
    /// default) `color=blue&color=black&color=brown` and `R=100&G=200&B=150`, otherwise
    /// `color=blue,black,brown` and `color=R,100,G,200,B,150`. In a cookie, pairs are joined
    /// with `; ` instead of `&`.
    Form {
        /// Whether each array item or object entry is a pair of its own.
        explode: bool,
    },
    /// `spaceDelimited` (query): `color=blue%20black%20brown`, `color=R%20100%20G%20200%20B%20150`.
    SpaceDelimited,
    /// `pipeDelimited` (query): `color=blue%7Cblack%7Cbrown`, `color=R%7C100%7CG%7C200%7CB%7C150`.
    PipeDelimited,
    /// `deepObject` (query; objects and arrays): `color%5BR%5D=100&color%5BG%5D=200&color%5BB%5D=150`,
    /// that is `color[R]=100&color[G]=200&color[B]=150` with the brackets percent-encoded as
    /// RFC 3986 requires in a query. OpenAPI defines only flat objects; deeper values follow
    /// Stripe's bracket convention: `expand[]=a`, `metadata[key]=v`, `a[b][c]=v`, `a[b][]=v`,
    /// arrays of objects by index (`items[0][price]=v`).
    DeepObject,
    /// The value as JSON text, for a parameter with `content: application/json`:
    /// `{"R":100,"G":200,"B":150}`, escaped as its place requires.
    Json,
}

impl Style {
    /// The style's name in OpenAPI (`deepObject`), for messages.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Style::Simple { .. } => "simple",
            Style::Label { .. } => "label",
            Style::Matrix { .. } => "matrix",
            Style::Form { .. } => "form",
            Style::SpaceDelimited => "spaceDelimited",
            Style::PipeDelimited => "pipeDelimited",
            Style::DeepObject => "deepObject",
            Style::Json => "JSON",
        }
    }
}

/// A parameter value in one of the shapes RFC 6570 can write, with its pieces as plain text
/// (not yet escaped for any place).
///
/// [`shape`] makes one for a parameter. A form body field makes its own (`body::styled`): there,
/// a nested array or object is its JSON text, and an empty array or object stays a `List` or
/// an `Object` with nothing in it, which a style that does not explode writes as `name=`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Shape {
    /// Nothing to send: `None`, `null`, and for a parameter an empty array or object.
    Absent,
    /// A string, number or boolean (or, for [`Style::Json`], the JSON text of any value).
    Scalar(String),
    /// The items of an array, each a scalar.
    List(Vec<String>),
    /// The entries of an object, in serde's order, each value a scalar.
    Object(Vec<(String, String)>),
}

/// `value` through serde, in the shape `style` writes. Nested arrays and objects have no form
/// in RFC 6570 and are refused (unless the style is JSON); `null` items and entries are left
/// out, as `None` fields are.
pub(crate) fn shape<T: Serialize + ?Sized>(value: &T, style: Style) -> Result<Shape, String> {
    // Through JSON text into an `Ordered` rather than a `serde_json::Value`, whose objects are
    // sorted by key: a struct's properties keep the order the spec declares them in.
    let json = serde_json::to_string(value).map_err(|err| err.to_string())?;
    if style == Style::Json {
        return Ok(match json.as_str() {
            "null" => Shape::Absent,
            _ => Shape::Scalar(json),
        });
    }
    let node: Ordered = serde_json::from_str(&json).map_err(|err| err.to_string())?;
    let nested = || {
        format!(
            "a nested array or object cannot be written in the {} style",
            style.name()
        )
    };
    // `null` items and entries are left out; any other item or entry must be a scalar.
    let scalar = |value: &Ordered| match value {
        Ordered::Null => Ok(None),
        other => other.scalar_text().map(Some).ok_or_else(nested),
    };
    Ok(match node {
        Ordered::Array(items) => {
            let mut texts = Vec::with_capacity(items.len());
            for item in &items {
                texts.extend(scalar(item)?);
            }
            if texts.is_empty() {
                Shape::Absent
            } else {
                Shape::List(texts)
            }
        }
        Ordered::Object(entries) => {
            let mut pairs = Vec::with_capacity(entries.len());
            for (key, value) in entries {
                if let Some(text) = scalar(&value)? {
                    pairs.push((key, text));
                }
            }
            if pairs.is_empty() {
                Shape::Absent
            } else {
                Shape::Object(pairs)
            }
        }
        other => other.scalar_text().map_or(Shape::Absent, Shape::Scalar),
    })
}

// ---------------------------------------------------------------------------------------------
// Escaping
// ---------------------------------------------------------------------------------------------

/// Characters left as they are in a path segment: RFC 3986 "unreserved", plus `:` and `@`,
/// which a segment may hold as they are (image digests like `sha256:..` stay readable to
/// servers that route on the raw path). Everything else, `/` `?` `,` `;` `=` included, is
/// percent-encoded, so a value never adds a segment or a delimiter.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b':')
    .remove(b'@');

/// RFC 6570's escaping of form expansions: everything but the unreserved characters.
const FORM: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// What `allowReserved` still encodes in a query value: RFC 6570's reserved expansion lets the
/// reserved characters through, except those that would end the query (`#`), start or end a
/// pair (`&`), turn into a space when the server decodes the form (`+`), or are not allowed in a
/// query at all (`[` `]`). `%` is encoded unless it starts a percent-encoded triple.
const RESERVED_KEPT: &[u8] = b":/?@!$'()*,;=";

/// Characters a cookie value may not hold as they are (RFC 6265 `cookie-octet` excludes
/// controls, space, `"`, `,`, `;` and `\`), plus `%` so that decoding is unambiguous.
const COOKIE_VALUE: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b',')
    .add(b';')
    .add(b'\\')
    .add(b'%')
    .add(0x7f);

/// Characters a cookie name may not hold (RFC 9110 `token` separators, and `=`).
const COOKIE_NAME: &AsciiSet = &COOKIE_VALUE
    .add(b'=')
    .add(b'(')
    .add(b')')
    .add(b'<')
    .add(b'>')
    .add(b'@')
    .add(b':')
    .add(b'/')
    .add(b'[')
    .add(b']')
    .add(b'?')
    .add(b'{')
    .add(b'}');

/// Escapes a piece of a path segment.
pub(crate) fn segment(text: &str) -> String {
    utf8_percent_encode(text, SEGMENT).to_string()
}

/// Escapes a query name or value as RFC 6570's form expansion does.
pub(crate) fn form(text: &str) -> String {
    utf8_percent_encode(text, FORM).to_string()
}

/// Escapes a query value with `allowReserved: true`: RFC 3986 reserved characters (but those
/// in [`RESERVED_KEPT`]'s note) and percent-encoded triples are kept.
fn reserved(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    for (index, &byte) in bytes.iter().enumerate() {
        let triple = byte == b'%'
            && bytes
                .get(index + 1..index + 3)
                .is_some_and(|hex| hex.iter().all(u8::is_ascii_hexdigit));
        if byte.is_ascii_alphanumeric()
            || b"-._~".contains(&byte)
            || RESERVED_KEPT.contains(&byte)
            || triple
        {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

/// Escapes a cookie value.
pub(crate) fn cookie_value(text: &str) -> String {
    utf8_percent_encode(text, COOKIE_VALUE).to_string()
}

/// Escapes a cookie name.
pub(crate) fn cookie_name(text: &str) -> String {
    utf8_percent_encode(text, COOKIE_NAME).to_string()
}

/// Percent-decodes a query piece (for reading back a page parameter).
pub(crate) fn decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
}

// ---------------------------------------------------------------------------------------------
// Styles
// ---------------------------------------------------------------------------------------------

/// RFC 6570's expansion of one variable by an operator that writes a single string (simple,
/// label, matrix), each piece escaped with `escape` and the operator's delimiters as they are.
struct Operator {
    /// Written before the expansion (`.`, `;`).
    first: &'static str,
    /// Between exploded items.
    separator: &'static str,
    /// Whether items are `name=value` (matrix).
    named: bool,
}

const SIMPLE: Operator = Operator {
    first: "",
    separator: ",",
    named: false,
};
const LABEL: Operator = Operator {
    first: ".",
    separator: ".",
    named: false,
};
const MATRIX: Operator = Operator {
    first: ";",
    separator: ";",
    named: true,
};

fn expand(
    operator: &Operator,
    explode: bool,
    name: &str,
    shape: &Shape,
    escape: fn(&str) -> String,
) -> Option<String> {
    // Matrix writes an empty value as the bare name (`;color`), as RFC 6570 says.
    let named = |name: &str, value: &str| {
        if value.is_empty() {
            name.to_owned()
        } else {
            format!("{name}={value}")
        }
    };
    let body = match shape {
        Shape::Absent => return None,
        Shape::Scalar(value) if operator.named => named(&escape(name), &escape(value)),
        Shape::Scalar(value) => escape(value),
        Shape::List(items) if explode => items
            .iter()
            .map(|item| match operator.named {
                true => named(&escape(name), &escape(item)),
                false => escape(item),
            })
            .collect::<Vec<_>>()
            .join(operator.separator),
        Shape::List(items) => {
            let joined = items
                .iter()
                .map(|item| escape(item))
                .collect::<Vec<_>>()
                .join(",");
            match operator.named {
                true => format!("{}={joined}", escape(name)),
                false => joined,
            }
        }
        Shape::Object(pairs) if explode => pairs
            .iter()
            .map(|(key, value)| match operator.named {
                true => named(&escape(key), &escape(value)),
                false => format!("{}={}", escape(key), escape(value)),
            })
            .collect::<Vec<_>>()
            .join(operator.separator),
        Shape::Object(pairs) => {
            let joined = flat(pairs, escape, ",");
            match operator.named {
                true => format!("{}={joined}", escape(name)),
                false => joined,
            }
        }
    };
    Some(format!("{}{body}", operator.first))
}

/// An object's keys and values, escaped, one after the other with `delimiter` between them
/// (`R,100,G,200`).
fn flat(pairs: &[(String, String)], escape: fn(&str) -> String, delimiter: &str) -> String {
    pairs
        .iter()
        .flat_map(|(key, value)| [escape(key), escape(value)])
        .collect::<Vec<_>>()
        .join(delimiter)
}

/// A path parameter's replacement for `{name}` in the template: `None` when it has no value.
pub(crate) fn path<T: Serialize + ?Sized>(
    name: &str,
    value: &T,
    style: Style,
) -> Result<Option<String>, String> {
    let shape = shape(value, style)?;
    Ok(match style {
        Style::Simple { explode } => expand(&SIMPLE, explode, name, &shape, segment),
        Style::Label { explode } => expand(&LABEL, explode, name, &shape, segment),
        Style::Matrix { explode } => expand(&MATRIX, explode, name, &shape, segment),
        Style::Json => expand(&SIMPLE, false, name, &shape, segment),
        other => return Err(not_allowed(other, "a path parameter")),
    })
}

/// A header parameter's value (sent as it is; the client refuses CR and LF): `None` when it
/// has no value.
pub(crate) fn header<T: Serialize + ?Sized>(
    value: &T,
    style: Style,
) -> Result<Option<String>, String> {
    let shape = shape(value, style)?;
    let explode = match style {
        Style::Simple { explode } => explode,
        Style::Json => false,
        other => return Err(not_allowed(other, "a header parameter")),
    };
    Ok(expand(&SIMPLE, explode, "", &shape, str::to_owned))
}

/// A query parameter's `name=value` pairs, escaped (`allow_reserved` keeps RFC 3986 reserved
/// characters of values as they are).
pub(crate) fn query<T: Serialize + ?Sized>(
    name: &str,
    value: &T,
    style: Style,
    allow_reserved: bool,
) -> Result<Vec<(String, String)>, String> {
    let escape: fn(&str) -> String = if allow_reserved { reserved } else { form };
    let key = form(name);
    if style == Style::DeepObject {
        let mut out = Vec::new();
        match Ordered::of(value)? {
            Ordered::Null => {}
            node @ (Ordered::Object(_) | Ordered::Array(_)) => {
                deep(&key, &node, escape, &mut out);
            }
            _ => {
                return Err(
                    "the deepObject style needs an object or an array, not a single value"
                        .to_owned(),
                )
            }
        }
        return Ok(out);
    }
    let shape = shape(value, style)?;
    match style {
        Style::Json => Ok(pairs(&key, &shape, false, ",", form, escape)),
        other => delimited(&key, &shape, other, form, escape)
            .ok_or_else(|| not_allowed(other, "a query parameter")),
    }
}

/// The pairs of a `deepObject` query parameter, nested at any depth in the bracket convention
/// of Stripe's API (and Rails, PHP, `qs`): an object's entries as `key[inner]=v`, an array's
/// scalars as `key[]=v`, its objects and arrays by index (`key[0][inner]=v`); `null` sends
/// nothing. Brackets are escaped (`%5B`, `%5D`), as in any query value.
fn deep(key: &str, node: &Ordered, escape: fn(&str) -> String, out: &mut Vec<(String, String)>) {
    match node {
        Ordered::Null => {}
        Ordered::Object(entries) => {
            for (inner, value) in entries {
                deep(&format!("{key}%5B{}%5D", form(inner)), value, escape, out);
            }
        }
        Ordered::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                match item {
                    Ordered::Null => {}
                    Ordered::Object(_) | Ordered::Array(_) => {
                        deep(&format!("{key}%5B{index}%5D"), item, escape, out);
                    }
                    scalar => out.push((format!("{key}%5B%5D"), escape(&scalar.text()))),
                }
            }
        }
        scalar => out.push((key.to_owned(), escape(&scalar.text()))),
    }
}

/// The pairs of the styles that query parameters and form body fields share: `form`
/// (exploded or not), `spaceDelimited` and `pipeDelimited`; `None` for another style. `key`
/// is escaped already; `escape_key` escapes an object's keys when `form` explodes it into
/// pairs, `escape` the values and the space or `|` that `spaceDelimited` and `pipeDelimited`
/// put between them (`form` writes its `,` as it is).
pub(crate) fn delimited(
    key: &str,
    shape: &Shape,
    style: Style,
    escape_key: fn(&str) -> String,
    escape: fn(&str) -> String,
) -> Option<Vec<(String, String)>> {
    let (explode, delimiter) = match style {
        Style::Form { explode } => (explode, ",".to_owned()),
        Style::SpaceDelimited => (false, escape(" ")),
        Style::PipeDelimited => (false, escape("|")),
        _ => return None,
    };
    Some(pairs(key, shape, explode, &delimiter, escape_key, escape))
}

/// A cookie parameter's `name=value` pairs, escaped.
pub(crate) fn cookie<T: Serialize + ?Sized>(
    name: &str,
    value: &T,
    style: Style,
) -> Result<Vec<(String, String)>, String> {
    let shape = shape(value, style)?;
    let key = cookie_name(name);
    match style {
        Style::Form { explode } => Ok(pairs(&key, &shape, explode, ",", cookie_name, cookie_value)),
        Style::Json => Ok(pairs(&key, &shape, false, ",", cookie_name, cookie_value)),
        other => Err(not_allowed(other, "a cookie parameter")),
    }
}

/// Form-like pairs: exploded, one pair per item (`name=a`, `name=b`) or per entry (`R=100`);
/// otherwise one pair whose value joins the items, or the keys and values, with `delimiter`
/// (an empty list or object, which only a form body field can have, as an empty value).
fn pairs(
    key: &str,
    shape: &Shape,
    explode: bool,
    delimiter: &str,
    escape_key: fn(&str) -> String,
    escape: fn(&str) -> String,
) -> Vec<(String, String)> {
    match shape {
        Shape::Absent => Vec::new(),
        Shape::Scalar(value) => vec![(key.to_owned(), escape(value))],
        Shape::List(items) if explode => items
            .iter()
            .map(|item| (key.to_owned(), escape(item)))
            .collect(),
        Shape::List(items) => vec![(
            key.to_owned(),
            items
                .iter()
                .map(|item| escape(item))
                .collect::<Vec<_>>()
                .join(delimiter),
        )],
        Shape::Object(entries) if explode => entries
            .iter()
            .map(|(property, value)| (escape_key(property), escape(value)))
            .collect(),
        Shape::Object(entries) => vec![(key.to_owned(), flat(entries, escape, delimiter))],
    }
}

/// The error for a style `place` (`a query parameter`) cannot have.
pub(crate) fn not_allowed(style: Style, place: &str) -> String {
    format!("the {} style is not defined for {place}", style.name())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    /// The values of the OpenAPI specification's "Style Examples".
    fn string() -> Value {
        json!("blue")
    }
    fn array() -> Value {
        json!(["blue", "black", "brown"])
    }
    /// `serde_json::Map` is ordered by key without `preserve_order`; a struct keeps its order,
    /// as generated types do.
    #[derive(Serialize)]
    #[allow(non_snake_case)]
    struct Rgb {
        R: u8,
        G: u8,
        B: u8,
    }
    const OBJECT: Rgb = Rgb {
        R: 100,
        G: 200,
        B: 150,
    };

    fn path_text<T: Serialize + ?Sized>(value: &T, style: Style) -> String {
        match path("color", value, style) {
            Ok(Some(text)) => text,
            other => format!("{other:?}"),
        }
    }

    fn query_text<T: Serialize + ?Sized>(value: &T, style: Style) -> String {
        match query("color", value, style, false) {
            Ok(pairs) => pairs
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("&"),
            Err(err) => err,
        }
    }

    #[test]
    fn matrix_as_the_style_table_shows() {
        let style = Style::Matrix { explode: false };
        assert_eq!(path_text(&string(), style), ";color=blue");
        assert_eq!(path_text(&array(), style), ";color=blue,black,brown");
        assert_eq!(path_text(&OBJECT, style), ";color=R,100,G,200,B,150");
        assert_eq!(path_text("", style), ";color");
        let style = Style::Matrix { explode: true };
        assert_eq!(path_text(&string(), style), ";color=blue");
        assert_eq!(
            path_text(&array(), style),
            ";color=blue;color=black;color=brown"
        );
        assert_eq!(path_text(&OBJECT, style), ";R=100;G=200;B=150");
        assert_eq!(path_text("", style), ";color");
    }

    /// `label` without explode follows RFC 6570 (`.blue,black,brown`), as the table of OpenAPI
    /// 3.0.4 and 3.1.1 does; 3.0.3's table printed `.blue.black.brown` by mistake.
    #[test]
    fn label_as_the_style_table_shows() {
        let style = Style::Label { explode: false };
        assert_eq!(path_text(&string(), style), ".blue");
        assert_eq!(path_text(&array(), style), ".blue,black,brown");
        assert_eq!(path_text(&OBJECT, style), ".R,100,G,200,B,150");
        assert_eq!(path_text("", style), ".");
        let style = Style::Label { explode: true };
        assert_eq!(path_text(&string(), style), ".blue");
        assert_eq!(path_text(&array(), style), ".blue.black.brown");
        assert_eq!(path_text(&OBJECT, style), ".R=100.G=200.B=150");
    }

    #[test]
    fn simple_as_the_style_table_shows() {
        let style = Style::Simple { explode: false };
        assert_eq!(path_text(&string(), style), "blue");
        assert_eq!(path_text(&array(), style), "blue,black,brown");
        assert_eq!(path_text(&OBJECT, style), "R,100,G,200,B,150");
        let style = Style::Simple { explode: true };
        assert_eq!(path_text(&array(), style), "blue,black,brown");
        assert_eq!(path_text(&OBJECT, style), "R=100,G=200,B=150");
        assert_eq!(
            header(&OBJECT, style),
            Ok(Some("R=100,G=200,B=150".to_owned()))
        );
        assert_eq!(
            header(&array(), Style::Simple { explode: false }),
            Ok(Some("blue,black,brown".to_owned()))
        );
    }

    #[test]
    fn form_as_the_style_table_shows() {
        let style = Style::Form { explode: false };
        assert_eq!(query_text("", style), "color=");
        assert_eq!(query_text(&string(), style), "color=blue");
        assert_eq!(query_text(&array(), style), "color=blue,black,brown");
        assert_eq!(query_text(&OBJECT, style), "color=R,100,G,200,B,150");
        let style = Style::Form { explode: true };
        assert_eq!(query_text("", style), "color=");
        assert_eq!(query_text(&string(), style), "color=blue");
        assert_eq!(
            query_text(&array(), style),
            "color=blue&color=black&color=brown"
        );
        assert_eq!(query_text(&OBJECT, style), "R=100&G=200&B=150");
    }

    #[test]
    fn delimited_and_deep_object_as_the_style_table_shows() {
        assert_eq!(
            query_text(&array(), Style::SpaceDelimited),
            "color=blue%20black%20brown"
        );
        assert_eq!(
            query_text(&OBJECT, Style::SpaceDelimited),
            "color=R%20100%20G%20200%20B%20150"
        );
        assert_eq!(
            query_text(&array(), Style::PipeDelimited),
            "color=blue%7Cblack%7Cbrown"
        );
        assert_eq!(
            query_text(&OBJECT, Style::PipeDelimited),
            "color=R%7C100%7CG%7C200%7CB%7C150"
        );
        assert_eq!(
            query_text(&OBJECT, Style::DeepObject),
            "color%5BR%5D=100&color%5BG%5D=200&color%5BB%5D=150"
        );
    }

    #[test]
    fn values_are_escaped_and_delimiters_are_not() {
        let values = json!(["a,b", "c d", "e&f=g"]);
        assert_eq!(
            query_text(&values, Style::Form { explode: false }),
            "color=a%2Cb,c%20d,e%26f%3Dg"
        );
        assert_eq!(
            path_text(&values, Style::Simple { explode: false }),
            "a%2Cb,c%20d,e%26f%3Dg"
        );
        assert_eq!(
            path_text(&json!({"k;": "v/"}), Style::Matrix { explode: true }),
            ";k%3B=v%2F"
        );
        // A header is not a URL: nothing is percent-encoded.
        assert_eq!(
            header(&json!(["a b", "c%d"]), Style::Simple { explode: false }),
            Ok(Some("a b,c%d".to_owned()))
        );
    }

    #[test]
    fn allow_reserved_keeps_reserved_characters_but_not_those_that_break_the_query() {
        let pairs = query(
            "q",
            "a/b:c?d,e;f=g@h!$'()* %2F%zz#i&j+k[l]",
            Style::Form { explode: true },
            true,
        );
        assert_eq!(
            pairs,
            Ok(vec![(
                "q".to_owned(),
                "a/b:c?d,e;f=g@h!$'()*%20%2F%25zz%23i%26j%2Bk%5Bl%5D".to_owned()
            )])
        );
    }

    #[test]
    fn json_content_is_json_text() {
        let value = json!({"a": [1, {"b": null}]});
        assert_eq!(
            query_text(&value, Style::Json),
            "color=%7B%22a%22%3A%5B1%2C%7B%22b%22%3Anull%7D%5D%7D"
        );
        assert_eq!(
            header(&value, Style::Json),
            Ok(Some(r#"{"a":[1,{"b":null}]}"#.to_owned()))
        );
        assert_eq!(
            cookie("c", "text", Style::Json),
            Ok(vec![("c".to_owned(), "%22text%22".to_owned())])
        );
        assert_eq!(query_text(&None::<Value>, Style::Json), "");
    }

    #[test]
    fn cookies_are_escaped_only_where_rfc_6265_requires() {
        assert_eq!(
            cookie("session id", "a=b/c; d,e\"%", Style::Form { explode: true }),
            Ok(vec![(
                "session%20id".to_owned(),
                "a=b/c%3B%20d%2Ce%22%25".to_owned()
            )])
        );
        assert_eq!(
            cookie("color", &array(), Style::Form { explode: false }),
            Ok(vec![("color".to_owned(), "blue,black,brown".to_owned())])
        );
        assert_eq!(
            cookie("color", &OBJECT, Style::Form { explode: true }),
            Ok(vec![
                ("R".to_owned(), "100".to_owned()),
                ("G".to_owned(), "200".to_owned()),
                ("B".to_owned(), "150".to_owned())
            ])
        );
    }

    #[test]
    fn absent_values_send_nothing() {
        for value in [json!(null), json!([]), json!({}), json!([null])] {
            assert_eq!(query_text(&value, Style::Form { explode: true }), "");
            assert_eq!(query_text(&value, Style::DeepObject), "");
            assert_eq!(
                path("color", &value, Style::Label { explode: true }),
                Ok(None)
            );
            assert_eq!(header(&value, Style::Simple { explode: false }), Ok(None));
        }
    }

    /// Stripe's convention: `expand[]=a`, `metadata[key]=v`, `items[0][price]=p`, at any
    /// depth (`json!` sorts keys; a struct keeps its declaration order).
    #[test]
    fn deep_object_nests_arrays_and_objects_in_brackets() {
        assert_eq!(
            query_text(&json!(["a", "b.c"]), Style::DeepObject),
            "color%5B%5D=a&color%5B%5D=b.c"
        );
        let value = json!({
            "metadata": {"order id": "6735", "tags": ["x", null, "y"]},
            "items": [{"price": "p_1", "quantity": 2}, null, [true]],
            "skip": null,
            "note": "a&b"
        });
        assert_eq!(
            query_text(&value, Style::DeepObject),
            "color%5Bitems%5D%5B0%5D%5Bprice%5D=p_1\
             &color%5Bitems%5D%5B0%5D%5Bquantity%5D=2\
             &color%5Bitems%5D%5B2%5D%5B%5D=true\
             &color%5Bmetadata%5D%5Border%20id%5D=6735\
             &color%5Bmetadata%5D%5Btags%5D%5B%5D=x\
             &color%5Bmetadata%5D%5Btags%5D%5B%5D=y\
             &color%5Bnote%5D=a%26b"
        );
    }

    #[test]
    fn what_a_style_cannot_write_is_an_error() {
        let nested = json!({"a": {"b": 1}});
        assert!(query("f", &nested, Style::Form { explode: true }, false).is_err());
        assert!(query("f", &json!([[1]]), Style::SpaceDelimited, false).is_err());
        assert!(query("f", "x", Style::DeepObject, false).is_err());
        assert!(query("f", "x", Style::Label { explode: false }, false).is_err());
        assert!(path("f", "x", Style::Form { explode: true }).is_err());
        assert!(header("x", Style::DeepObject).is_err());
        assert!(cookie("f", "x", Style::PipeDelimited).is_err());
        // Any value can be JSON.
        assert!(query("f", &nested, Style::Json, false).is_ok());
    }

    #[test]
    fn scalars_take_their_json_text() {
        assert_eq!(
            query_text(&true, Style::Form { explode: true }),
            "color=true"
        );
        assert_eq!(
            query_text(&-1.5, Style::Form { explode: true }),
            "color=-1.5"
        );
        assert_eq!(path_text(&42_i64, Style::Label { explode: false }), ".42");
    }
}
