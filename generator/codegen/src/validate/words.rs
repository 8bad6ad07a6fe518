//! How the OpenAPI objects, shapes and values are named in messages and hints.

use serde_yaml::Value;

use super::fields::{Kind, Shape};

/// How an object is named in messages.
pub(super) fn noun(kind: Kind) -> &'static str {
    match kind {
        Kind::Info => "`info`",
        Kind::Contact => "the contact",
        Kind::License => "the licence",
        Kind::Server => "the server",
        Kind::ServerVariable => "the server variable",
        Kind::Paths => "`paths`",
        Kind::PathItem => "the path",
        Kind::Operation => "the operation",
        Kind::ExternalDocs => "the external documentation",
        Kind::Parameter => "the parameter",
        Kind::RequestBody => "the request body",
        Kind::MediaType => "the media type",
        Kind::Encoding => "the encoding",
        Kind::Responses => "`responses`",
        Kind::Response => "the response",
        Kind::Header => "the header",
        Kind::Example => "the example",
        Kind::Link => "the link",
        Kind::Callback => "the callback",
        Kind::Components => "`components`",
        Kind::SecurityScheme
        | Kind::ApiKeyScheme
        | Kind::HttpScheme
        | Kind::OAuth2Scheme
        | Kind::OpenIdConnectScheme => "the security scheme",
        Kind::OAuthFlows => "`flows`",
        Kind::ImplicitFlow
        | Kind::PasswordFlow
        | Kind::ClientCredentialsFlow
        | Kind::AuthorizationCodeFlow => "the OAuth 2 flow",
        Kind::Tag => "the tag",
        Kind::Discriminator => "the discriminator",
    }
}

/// What a shape is, for messages.
pub(super) fn expected(shape: Shape) -> &'static str {
    match shape {
        Shape::Text | Shape::Scalar | Shape::Choice(_) => "a string",
        Shape::Flag => "`true` or `false`",
        Shape::Any => "a value",
        Shape::Object(_) | Shape::RefOr(_) | Shape::Map(_) => "a map",
        Shape::Schema | Shape::ParameterSchema => "a schema",
        Shape::List(_) => "a list",
    }
}

/// How to write a shape, for hints.
pub(super) fn how_to_write(shape: Shape) -> &'static str {
    match shape {
        Shape::Text | Shape::Scalar | Shape::Choice(_) => {
            "write it as a string (quote it if YAML would read a number or a boolean)"
        }
        Shape::Flag => "write `true` or `false`, without quotes",
        Shape::Any | Shape::Schema | Shape::ParameterSchema => {
            "write it as a map of `key: value` entries"
        }
        Shape::Object(_) | Shape::RefOr(_) | Shape::Map(_) => {
            "write it as a map of `key: value` entries, not a list or a single value"
        }
        Shape::List(_) => "write it as a list (`- item` lines, or `[a, b]`)",
    }
}

/// A value, described for messages: `the string "x"`, `a list`.
pub(super) fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(flag) => format!("`{flag}`"),
        Value::Number(number) => format!("the number {number}"),
        Value::String(text) => {
            let mut shown: String = text.chars().take(40).collect();
            if shown.len() < text.len() {
                shown.push_str("..");
            }
            format!("the string {shown:?}")
        }
        Value::Sequence(_) => "a list".to_owned(),
        Value::Mapping(_) => "a map".to_owned(),
        Value::Tagged(tagged) => format!("a value tagged `{}`", tagged.tag),
    }
}

/// A key of a YAML map as the name it stands for: strings as they are, numbers and booleans
/// as their text (YAML reads an unquoted `200:` as a number).
pub(super) fn key_name(key: &Value) -> Option<String> {
    match key {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(flag) => Some(flag.to_string()),
        _ => None,
    }
}
