//! The OpenAPI objects as `openapiv3` reads them: which fields each one needs, and of which
//! type. The tables below follow `openapiv3` 2.x, not the OpenAPI text: a field the model
//! tolerates missing (a request body's `content`) is not required here, and a field the
//! model needs (a response's `description`) is.
//!
//! Elements the generator never reads (tags, examples, links, callbacks, response headers,
//! external docs, contact, licence, path-level servers), or reads only to refine an encoding (a
//! media type's `encoding`), cannot stop generation: a problem inside one is a warning, and the
//! element is left out of the document before it is read into the model. So is a parameter `style` that is malformed or not allowed where the
//! parameter is: the location's default style applies.

use serde_yaml::{Mapping, Value};

use super::located;
use super::schema::Place;
use crate::diagnostics::{pointer_token, Diagnostic, Locator, Severity};

/// What a place in the document must hold.
#[derive(Debug, Clone, Copy)]
pub(super) enum Shape {
    /// A string.
    Text,
    /// A string; a number or boolean (`version: 1.0`) is read as its text, with a warning.
    Scalar,
    /// `true` or `false`.
    Flag,
    /// Any value.
    Any,
    /// One of these strings.
    Choice(&'static [&'static str]),
    /// An OpenAPI object.
    Object(Kind),
    /// An OpenAPI object or a `$ref` to one.
    RefOr(Kind),
    /// A schema or a `$ref` to one (`schema.rs`).
    Schema,
    /// The schema of a parameter or header, whose `required` belongs beside it.
    ParameterSchema,
    /// A list of these.
    List(&'static Shape),
    /// A map from names to these.
    Map(&'static Shape),
}

/// The OpenAPI objects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Info,
    Contact,
    License,
    Server,
    ServerVariable,
    Paths,
    PathItem,
    Operation,
    ExternalDocs,
    Parameter,
    RequestBody,
    MediaType,
    Encoding,
    Responses,
    Response,
    Header,
    Example,
    Link,
    Callback,
    Components,
    SecurityScheme,
    ApiKeyScheme,
    HttpScheme,
    OAuth2Scheme,
    OpenIdConnectScheme,
    OAuthFlows,
    ImplicitFlow,
    PasswordFlow,
    ClientCredentialsFlow,
    AuthorizationCodeFlow,
    Tag,
    Discriminator,
}

/// Whether a field must be there.
#[derive(Debug, Clone, Copy)]
enum Need {
    /// It must be there and not null; the hint says what to add.
    Required(&'static str),
    /// It may be missing or null.
    Optional,
    /// It may be missing, but not null (the model fills in an empty default).
    Defaulted,
}

/// One field of an object.
#[derive(Debug, Clone, Copy)]
struct Field {
    name: &'static str,
    shape: Shape,
    need: Need,
    /// Whether the document can do without it: the generator does not read it, or reads it only
    /// to refine something that has a default (`explode`, `allowReserved`, `encoding`). Problems
    /// inside such a field are warnings, and the field is left out.
    droppable: bool,
}

const fn read(name: &'static str, shape: Shape, need: Need) -> Field {
    Field {
        name,
        shape,
        need,
        droppable: false,
    }
}

const fn droppable(name: &'static str, shape: Shape, need: Need) -> Field {
    Field {
        name,
        shape,
        need,
        droppable: true,
    }
}

const TEXT_LIST: Shape = Shape::List(&Shape::Text);
const SECURITY: Shape = Shape::List(&Shape::Map(&TEXT_LIST));
const SERVERS: Shape = Shape::List(&Shape::Object(Kind::Server));
const PARAMETERS: Shape = Shape::List(&Shape::RefOr(Kind::Parameter));
const CONTENT: Shape = Shape::Map(&Shape::Object(Kind::MediaType));
const EXAMPLES: Shape = Shape::Map(&Shape::RefOr(Kind::Example));
const HEADERS: Shape = Shape::Map(&Shape::RefOr(Kind::Header));
const LINKS: Shape = Shape::Map(&Shape::RefOr(Kind::Link));
const SCOPES: Shape = Shape::Map(&Shape::Text);
const QUERY_STYLES: &[&str] = &["form", "spaceDelimited", "pipeDelimited", "deepObject"];
const LOCATIONS: &[&str] = &["query", "header", "path", "cookie"];
const SCHEME_TYPES: &[&str] = &["apiKey", "http", "oauth2", "openIdConnect"];

/// The fields of each object (those of `Parameter`, `Header`, `Link`, `Paths`, `Responses`,
/// `Callback` and `SecurityScheme` that depend on other fields are checked in code).
fn fields(kind: Kind) -> &'static [Field] {
    use Need::{Defaulted, Optional, Required};
    use Shape::{Any, Choice, Flag, Map, Object, RefOr, Scalar, Text};
    match kind {
        Kind::Info => {
            const {
                &[
                    read(
                        "title",
                        Text,
                        Required("add the API's name under `info`: `title: Example API`"),
                    ),
                    read("description", Text, Optional),
                    droppable("termsOfService", Text, Optional),
                    droppable("contact", Object(Kind::Contact), Optional),
                    droppable("license", Object(Kind::License), Optional),
                    read(
                        "version",
                        Scalar,
                        Required("add the API's version under `info`: `version: '1.0'`"),
                    ),
                ]
            }
        }
        Kind::Contact => {
            const {
                &[
                    read("name", Text, Optional),
                    read("url", Text, Optional),
                    read("email", Text, Optional),
                ]
            }
        }
        Kind::License => {
            const {
                &[
                    read(
                        "name",
                        Text,
                        Required("add the licence's name: `name: Apache 2.0`"),
                    ),
                    read("url", Text, Optional),
                ]
            }
        }
        Kind::Server => {
            const {
                &[
                    read(
                        "url",
                        Text,
                        Required("add the server's URL: `url: https://api.example.com`"),
                    ),
                    read("description", Text, Optional),
                    read("variables", Map(&Object(Kind::ServerVariable)), Optional),
                ]
            }
        }
        Kind::ServerVariable => {
            const {
                &[
                    read("enum", Shape::List(&Scalar), Defaulted),
                    read(
                        "default",
                        Scalar,
                        Required(
                            "add the value the variable has when none is given: `default: v1`",
                        ),
                    ),
                    read("description", Text, Optional),
                ]
            }
        }
        Kind::PathItem => {
            const {
                &[
                    read("summary", Text, Optional),
                    read("description", Text, Optional),
                    read("get", Object(Kind::Operation), Optional),
                    read("put", Object(Kind::Operation), Optional),
                    read("post", Object(Kind::Operation), Optional),
                    read("delete", Object(Kind::Operation), Optional),
                    read("options", Object(Kind::Operation), Optional),
                    read("head", Object(Kind::Operation), Optional),
                    read("patch", Object(Kind::Operation), Optional),
                    read("trace", Object(Kind::Operation), Optional),
                    droppable("servers", SERVERS, Defaulted),
                    read("parameters", PARAMETERS, Defaulted),
                ]
            }
        }
        Kind::Operation => {
            const {
                &[
            droppable("tags", TEXT_LIST, Defaulted),
            read("summary", Text, Optional),
            read("description", Text, Optional),
            droppable("externalDocs", Object(Kind::ExternalDocs), Optional),
            read("operationId", Text, Optional),
            read("parameters", PARAMETERS, Defaulted),
            read("requestBody", RefOr(Kind::RequestBody), Optional),
            read(
                "responses",
                Object(Kind::Responses),
                Required("add the operation's responses: `responses: {'200': {description: OK}}`"),
            ),
            droppable("callbacks", Map(&Object(Kind::Callback)), Defaulted),
            read("deprecated", Flag, Defaulted),
            read("security", SECURITY, Optional),
            droppable("servers", SERVERS, Defaulted),
        ]
            }
        }
        Kind::ExternalDocs => {
            const {
                &[
                    read("description", Text, Optional),
                    read(
                        "url",
                        Text,
                        Required("add the documentation's URL: `url: https://docs.example.com`"),
                    ),
                ]
            }
        }
        // `in`, `style`, and `schema` or `content`: `Checker::parameter`.
        Kind::Parameter => {
            const {
                &[
                    read(
                        "name",
                        Text,
                        Required("add the parameter's name as it is sent: `name: limit`"),
                    ),
                    read("description", Text, Optional),
                    read("required", Flag, Defaulted),
                    read("deprecated", Flag, Optional),
                    read("schema", Shape::ParameterSchema, Defaulted),
                    read("content", CONTENT, Defaulted),
                    read("example", Any, Optional),
                    droppable("examples", EXAMPLES, Defaulted),
                    droppable("explode", Flag, Optional),
                    droppable("allowReserved", Flag, Defaulted),
                    droppable("allowEmptyValue", Flag, Optional),
                ]
            }
        }
        Kind::RequestBody => {
            const {
                &[
                    read("description", Text, Optional),
                    read("content", CONTENT, Defaulted),
                    read("required", Flag, Defaulted),
                ]
            }
        }
        Kind::MediaType => {
            const {
                &[
                    read("schema", Shape::Schema, Optional),
                    read("example", Any, Optional),
                    droppable("examples", EXAMPLES, Defaulted),
                    droppable("encoding", Map(&Object(Kind::Encoding)), Defaulted),
                ]
            }
        }
        Kind::Encoding => {
            const {
                &[
                    read("contentType", Text, Optional),
                    read("headers", HEADERS, Defaulted),
                    read("style", Choice(QUERY_STYLES), Optional),
                    read("explode", Flag, Defaulted),
                    read("allowReserved", Flag, Defaulted),
                ]
            }
        }
        Kind::Response => {
            const {
                &[
            read(
                "description",
                Text,
                Required("add a description of the response (it may be empty: `description: ''`)"),
            ),
            droppable("headers", HEADERS, Defaulted),
            read("content", CONTENT, Defaulted),
            droppable("links", LINKS, Defaulted),
        ]
            }
        }
        // `schema` or `content`: `Checker::header`.
        Kind::Header => {
            const {
                &[
                    read("description", Text, Optional),
                    read("style", Choice(&["simple"]), Defaulted),
                    read("required", Flag, Defaulted),
                    read("deprecated", Flag, Optional),
                    read("schema", Shape::ParameterSchema, Defaulted),
                    read("content", CONTENT, Defaulted),
                    read("example", Any, Optional),
                    read("examples", EXAMPLES, Defaulted),
                ]
            }
        }
        Kind::Example => {
            const {
                &[
                    read("summary", Text, Optional),
                    read("description", Text, Optional),
                    read("value", Any, Optional),
                    read("externalValue", Text, Optional),
                ]
            }
        }
        // `operationRef` or `operationId`: `Checker::link`.
        Kind::Link => {
            const {
                &[
                    read("operationRef", Text, Defaulted),
                    read("operationId", Text, Defaulted),
                    read("description", Text, Optional),
                    read("requestBody", Any, Optional),
                    read("parameters", Map(&Any), Defaulted),
                    read("server", Object(Kind::Server), Optional),
                ]
            }
        }
        Kind::Components => {
            const {
                &[
                    read("schemas", Map(&Shape::Schema), Defaulted),
                    read("responses", Map(&RefOr(Kind::Response)), Defaulted),
                    read("parameters", Map(&RefOr(Kind::Parameter)), Defaulted),
                    droppable("examples", EXAMPLES, Defaulted),
                    read("requestBodies", Map(&RefOr(Kind::RequestBody)), Defaulted),
                    droppable("headers", HEADERS, Defaulted),
                    read(
                        "securitySchemes",
                        Map(&RefOr(Kind::SecurityScheme)),
                        Defaulted,
                    ),
                    droppable("links", LINKS, Defaulted),
                    droppable("callbacks", Map(&RefOr(Kind::Callback)), Defaulted),
                ]
            }
        }
        // `type`: `Checker::security_scheme`, which picks one of the four below.
        Kind::SecurityScheme => &[],
        Kind::ApiKeyScheme => {
            const {
                &[
            read(
                "in",
                Choice(&["query", "header", "cookie"]),
                Required("say where the key is sent: `in: header`"),
            ),
            read(
                "name",
                Text,
                Required("add the name of the header, query parameter or cookie: `name: X-API-Key`"),
            ),
            read("description", Text, Optional),
        ]
            }
        }
        Kind::HttpScheme => {
            const {
                &[
            read(
                "scheme",
                Text,
                Required("add the HTTP authentication scheme: `scheme: bearer` or `scheme: basic`"),
            ),
            read("bearerFormat", Text, Optional),
            read("description", Text, Optional),
        ]
            }
        }
        Kind::OAuth2Scheme => {
            const {
                &[
            read(
                "flows",
                Object(Kind::OAuthFlows),
                Required("add the OAuth 2 flows: `flows: {clientCredentials: {tokenUrl: .., scopes: {}}}`"),
            ),
            read("description", Text, Optional),
        ]
            }
        }
        Kind::OpenIdConnectScheme => {
            const {
                &[
                    read(
                        "openIdConnectUrl",
                        Text,
                        Required(
                            "add the OpenID Connect discovery URL: `openIdConnectUrl: https://..`",
                        ),
                    ),
                    read("description", Text, Optional),
                ]
            }
        }
        Kind::OAuthFlows => {
            const {
                &[
                    read("implicit", Object(Kind::ImplicitFlow), Optional),
                    read("password", Object(Kind::PasswordFlow), Optional),
                    read(
                        "clientCredentials",
                        Object(Kind::ClientCredentialsFlow),
                        Optional,
                    ),
                    read(
                        "authorizationCode",
                        Object(Kind::AuthorizationCodeFlow),
                        Optional,
                    ),
                ]
            }
        }
        Kind::ImplicitFlow => {
            const {
                &[
                    read("authorizationUrl", Text, Required(AUTHORIZATION_URL)),
                    read("refreshUrl", Text, Optional),
                    read("scopes", SCOPES, Required(SCOPES_HINT)),
                ]
            }
        }
        Kind::PasswordFlow | Kind::ClientCredentialsFlow => {
            const {
                &[
                    read("tokenUrl", Text, Required(TOKEN_URL)),
                    read("refreshUrl", Text, Optional),
                    read("scopes", SCOPES, Required(SCOPES_HINT)),
                ]
            }
        }
        Kind::AuthorizationCodeFlow => {
            const {
                &[
                    read("authorizationUrl", Text, Required(AUTHORIZATION_URL)),
                    read("tokenUrl", Text, Required(TOKEN_URL)),
                    read("refreshUrl", Text, Optional),
                    read("scopes", SCOPES, Required(SCOPES_HINT)),
                ]
            }
        }
        Kind::Tag => {
            const {
                &[
                    read("name", Text, Required("add the tag's name: `name: users`")),
                    read("description", Text, Optional),
                    read("externalDocs", Object(Kind::ExternalDocs), Optional),
                ]
            }
        }
        Kind::Discriminator => {
            const {
                &[
            read(
                "propertyName",
                Text,
                Required("name the property whose value picks the alternative: `propertyName: kind`"),
            ),
            read("mapping", Map(&Text), Defaulted),
        ]
            }
        }
        // Keys decide: `Checker::paths`, `Checker::responses`, `Checker::callback`.
        Kind::Paths | Kind::Responses | Kind::Callback => &[],
    }
}

const AUTHORIZATION_URL: &str = "add the authorization endpoint: `authorizationUrl: https://..`";
const TOKEN_URL: &str = "add the token endpoint: `tokenUrl: https://..`";
const SCOPES_HINT: &str = "list the flow's scopes, or none: `scopes: {}`";

/// The fields of the document's root.
const ROOT: &[Field] = &[
    read(
        "info",
        Shape::Object(Kind::Info),
        Need::Required("add `info` with the API's `title` and `version`"),
    ),
    read("servers", SERVERS, Need::Defaulted),
    read("paths", Shape::Object(Kind::Paths), Need::Defaulted),
    read(
        "components",
        Shape::Object(Kind::Components),
        Need::Optional,
    ),
    read("security", SECURITY, Need::Optional),
    droppable(
        "tags",
        Shape::List(&Shape::Object(Kind::Tag)),
        Need::Defaulted,
    ),
    droppable(
        "externalDocs",
        Shape::Object(Kind::ExternalDocs),
        Need::Optional,
    ),
];

/// How an object is named in messages.
fn noun(kind: Kind) -> &'static str {
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
fn expected(shape: Shape) -> &'static str {
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
fn how_to_write(shape: Shape) -> &'static str {
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

/// Walks the document, collecting problems and repairing what can be repaired.
pub(super) struct Checker<'a> {
    file: &'a str,
    locator: Locator<'a>,
    problems: Vec<Diagnostic>,
}

impl<'a> Checker<'a> {
    pub(super) fn new(file: &'a str, text: &'a str) -> Self {
        Self {
            file,
            locator: Locator::new(text),
            problems: Vec::new(),
        }
    }

    pub(super) fn into_problems(self) -> Vec<Diagnostic> {
        self.problems
    }

    pub(super) fn error(&mut self, at: &str, message: impl Into<String>, hint: impl Into<String>) {
        let diagnostic = Diagnostic::error(self.file, message).at(at).hint(hint);
        self.problems.push(located(diagnostic, &self.locator));
    }

    pub(super) fn warning(
        &mut self,
        at: &str,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        let diagnostic = Diagnostic::warning(self.file, message).at(at).hint(hint);
        self.problems.push(located(diagnostic, &self.locator));
    }

    /// How many problems have been found so far; with [`Self::errors_since`] and
    /// [`Self::demote_since`], a part of the document can be checked on trial.
    pub(super) fn mark(&self) -> usize {
        self.problems.len()
    }

    pub(super) fn errors_since(&self, mark: usize) -> bool {
        self.problems.iter().skip(mark).any(Diagnostic::is_error)
    }

    /// Turns the errors found since `mark` into warnings saying what is left out instead.
    pub(super) fn demote_since(&mut self, mark: usize, left_out: &str) {
        for problem in self.problems.iter_mut().skip(mark) {
            if problem.is_error() {
                problem.severity = Severity::Warning;
                problem.message = format!("{}; {left_out}", problem.message);
            }
        }
    }

    /// Checks the whole document.
    pub(super) fn document(&mut self, document: &mut Value) {
        let Value::Mapping(root) = document else {
            return;
        };
        self.fields(root, ROOT, "", "the document");
        self.webhooks(root);
    }

    /// 3.1 webhooks are requests the API makes; a client has nothing to generate for them.
    fn webhooks(&mut self, root: &Mapping) {
        let Some(webhooks) = root.get("webhooks") else {
            return;
        };
        let count = webhooks.as_mapping().map_or(0, Mapping::len);
        if count == 0 && webhooks.is_mapping() {
            return;
        }
        let message = match count {
            0 => "`webhooks` is not a map of webhooks; it is ignored".to_owned(),
            1 => "`webhooks` lists 1 webhook, which is not generated: a client only makes requests, and a webhook is a request the API makes".to_owned(),
            n => format!("`webhooks` lists {n} webhooks, which are not generated: a client only makes requests, and webhooks are requests the API makes"),
        };
        self.warning(
            "/webhooks",
            message,
            "handle webhooks in your own server code; remove `webhooks` from the document to silence this warning",
        );
    }

    /// Checks the fields of an object against `fields`, in document order, then reports the
    /// required ones that are missing.
    fn fields(&mut self, map: &mut Mapping, fields: &[Field], at: &str, noun: &str) {
        let keys: Vec<Value> = map.keys().cloned().collect();
        for key in keys {
            let Some(name) = key.as_str() else {
                // The model takes a number for a field's index; it is never meant as a field.
                let shown = key_name(&key).unwrap_or_else(|| describe(&key));
                self.warning(
                    &format!("{at}/{}", pointer_token(&shown)),
                    format!("`{shown}` is not a field of {noun}; it is ignored"),
                    "remove it, or quote it if it is meant as a name inside a map",
                );
                map.shift_remove(&key);
                continue;
            };
            let Some(field) = fields.iter().find(|f| f.name == name) else {
                continue;
            };
            let child_at = format!("{at}/{}", pointer_token(name));
            let Some(child) = map.get_mut(&key) else {
                continue;
            };
            if child.is_null() && matches!(field.need, Need::Optional) {
                continue;
            }
            let mark = self.mark();
            self.value(child, field.shape, &child_at, name);
            if field.droppable && self.errors_since(mark) {
                self.demote_since(
                    mark,
                    &format!("`{name}` is left out, as the generated client does not use it"),
                );
                map.shift_remove(&key);
            }
        }
        for field in fields {
            if let Need::Required(hint) = field.need {
                if !map.contains_key(field.name) {
                    self.error(at, format!("{noun} has no `{}`", field.name), hint);
                }
            }
        }
    }

    /// Checks one value against its shape; `name` is its key, for messages.
    pub(super) fn value(&mut self, value: &mut Value, shape: Shape, at: &str, name: &str) {
        match shape {
            Shape::Any => {}
            Shape::Text => {
                if !value.is_string() {
                    self.wrong_type(value, shape, at, name);
                }
            }
            Shape::Scalar => {
                match value {
                    Value::String(_) => {}
                    Value::Number(_) | Value::Bool(_) => {
                        let text = key_name(value).unwrap_or_default();
                        self.warning(
                        at,
                        format!("`{name}: {text}` is a {}, not a string; it is read as \"{text}\"", if value.is_bool() { "boolean" } else { "number" }),
                        format!("quote it: `{name}: '{text}'` (YAML reads `1.10` as the number 1.1)"),
                    );
                        *value = Value::String(text);
                    }
                    _ => self.wrong_type(value, shape, at, name),
                }
            }
            Shape::Flag => {
                if !value.is_bool() {
                    self.wrong_type(value, shape, at, name);
                }
            }
            Shape::Choice(choices) => match value.as_str() {
                Some(choice) if choices.contains(&choice) => {}
                Some(choice) => self.error(
                    at,
                    format!("`{name}: {choice}` is not one of {}", list(choices)),
                    format!("use one of {}", list(choices)),
                ),
                None => self.wrong_type(value, shape, at, name),
            },
            Shape::Object(kind) => self.object(value, kind, at, name),
            Shape::RefOr(kind) => {
                if let Some(map) = value.as_mapping() {
                    match map.get("$ref") {
                        Some(Value::String(_)) => return,
                        Some(other) => {
                            let found = describe(other);
                            self.error(
                                &format!("{at}/$ref"),
                                format!("`$ref` must be a string, but it is {found}"),
                                "write the reference as a string: `$ref: '#/components/schemas/Name'`",
                            );
                            return;
                        }
                        None => {}
                    }
                }
                self.object(value, kind, at, name);
            }
            Shape::Schema => {
                self.schema(value, at, Place::Other);
            }
            Shape::ParameterSchema => {
                self.schema(value, at, Place::Parameter);
            }
            Shape::List(item) => match value {
                Value::Sequence(items) => {
                    for (index, element) in items.iter_mut().enumerate() {
                        let element_name = format!("{name}[{index}]");
                        self.value(element, *item, &format!("{at}/{index}"), &element_name);
                    }
                }
                _ => self.wrong_type(value, shape, at, name),
            },
            Shape::Map(entry) => match value {
                Value::Mapping(map) => {
                    self.string_keys(map, at);
                    for (key, child) in map.iter_mut() {
                        let key = key.as_str().unwrap_or_default();
                        self.value(child, *entry, &format!("{at}/{}", pointer_token(key)), key);
                    }
                }
                _ => self.wrong_type(value, shape, at, name),
            },
        }
    }

    /// The model reads the keys of a map as strings: a number or boolean key (`200:`) is read as
    /// its text, with a warning; any other key is an error.
    pub(super) fn string_keys(&mut self, map: &mut Mapping, at: &str) {
        if map.keys().all(Value::is_string) {
            return;
        }
        let entries = std::mem::take(map);
        for (key, child) in entries {
            let name = match &key {
                Value::String(_) => {
                    map.insert(key, child);
                    continue;
                }
                other => key_name(other),
            };
            match name {
                Some(name) if !map.contains_key(name.as_str()) => {
                    self.warning(
                        &format!("{at}/{}", pointer_token(&name)),
                        format!(
                            "the key `{name}` is a {}, not a string; it is read as \"{name}\"",
                            if key.is_bool() { "boolean" } else { "number" }
                        ),
                        format!("quote it: `'{name}':`"),
                    );
                    map.insert(Value::String(name), child);
                }
                Some(name) => self.error(
                    &format!("{at}/{}", pointer_token(&name)),
                    format!("the key `{name}` appears twice, once quoted and once not"),
                    "remove one of the two entries",
                ),
                None => self.error(
                    at,
                    format!("a key of this map is {}, not a name", describe(&key)),
                    "write each key as a string",
                ),
            }
        }
    }

    pub(super) fn wrong_type(&mut self, value: &Value, shape: Shape, at: &str, name: &str) {
        let found = describe(value);
        self.error(
            at,
            format!("`{name}` must be {}, but it is {found}", expected(shape)),
            how_to_write(shape),
        );
    }

    /// Checks an object: its fields, then what depends on several of them.
    pub(super) fn object(&mut self, value: &mut Value, kind: Kind, at: &str, name: &str) {
        let Value::Mapping(map) = value else {
            self.wrong_type(value, Shape::Object(kind), at, name);
            return;
        };
        match kind {
            Kind::Paths => return self.paths(map, at),
            Kind::Responses => return self.responses(map, at),
            Kind::Callback => return self.callback(map, at),
            Kind::SecurityScheme => return self.security_scheme(map, at),
            _ => {}
        }
        self.fields(map, fields(kind), at, noun(kind));
        match kind {
            Kind::Parameter => self.parameter(map, at),
            Kind::Header => self.schema_or_content(map, at, "header"),
            Kind::Link if !map.contains_key("operationRef") && !map.contains_key("operationId") => {
                self.error(
                    at,
                    "the link has neither `operationRef` nor `operationId`",
                    "name the operation the link leads to: `operationId: getUser`",
                );
            }
            _ => {}
        }
    }

    /// `paths`: keys starting with `/` are paths; `x-` keys are extensions; the model ignores
    /// anything else, so it is reported rather than dropped silently.
    fn paths(&mut self, map: &mut Mapping, at: &str) {
        for (key, item) in map.iter_mut() {
            let shown = key_name(key).unwrap_or_else(|| describe(key));
            let item_at = format!("{at}/{}", pointer_token(&shown));
            match key.as_str() {
                Some(path) if path.starts_with('/') => {
                    self.value(item, Shape::RefOr(Kind::PathItem), &item_at, path);
                }
                Some(extension) if extension.starts_with("x-") => {}
                _ => self.warning(
                    &item_at,
                    format!("`{shown}` is not a path (paths start with `/`); its operations are not generated"),
                    format!("write the path with a leading slash: `/{shown}`"),
                ),
            }
        }
    }

    /// `responses`: status codes (`200`, `'404'`, `4XX`) and `default`; the model ignores any
    /// other key but `x-` extensions, so those are reported.
    fn responses(&mut self, map: &mut Mapping, at: &str) {
        for (key, response) in map.iter_mut() {
            let shown = key_name(key).unwrap_or_else(|| describe(key));
            let response_at = format!("{at}/{}", pointer_token(&shown));
            if key.as_str() == Some("default") {
                if !response.is_null() {
                    self.value(
                        response,
                        Shape::RefOr(Kind::Response),
                        &response_at,
                        "default",
                    );
                }
            } else if is_status(key) {
                self.value(response, Shape::RefOr(Kind::Response), &response_at, &shown);
            } else if !shown.starts_with("x-") {
                self.warning(
                    &response_at,
                    format!("`{shown}` is not a status code; this response is ignored"),
                    "key responses by status code (`'200'`), range (`'2XX'`) or `default`",
                );
            }
        }
    }

    /// A callback: expressions (`{$request.body#/url}`) to path items.
    fn callback(&mut self, map: &mut Mapping, at: &str) {
        self.string_keys(map, at);
        for (key, item) in map.iter_mut() {
            let key = key.as_str().unwrap_or_default();
            self.value(
                item,
                Shape::Object(Kind::PathItem),
                &format!("{at}/{}", pointer_token(key)),
                key,
            );
        }
    }

    /// A security scheme: its `type` decides its other fields.
    fn security_scheme(&mut self, map: &mut Mapping, at: &str) {
        let kind = match map.get("type") {
            None => {
                return self.error(
                    at,
                    "the security scheme has no `type`",
                    format!("add its type, one of {}", list(SCHEME_TYPES)),
                )
            }
            Some(Value::String(kind)) => match kind.as_str() {
                "apiKey" => Kind::ApiKeyScheme,
                "http" => Kind::HttpScheme,
                "oauth2" => Kind::OAuth2Scheme,
                "openIdConnect" => Kind::OpenIdConnectScheme,
                other => {
                    return self.error(
                        &format!("{at}/type"),
                        format!("`type: {other}` is not a security scheme type clientgen reads"),
                        format!("use one of {}", list(SCHEME_TYPES)),
                    )
                }
            },
            Some(other) => {
                let other = other.clone();
                return self.wrong_type(
                    &other,
                    Shape::Choice(SCHEME_TYPES),
                    &format!("{at}/type"),
                    "type",
                );
            }
        };
        self.fields(map, fields(kind), at, noun(kind));
    }

    /// A parameter's `in` (which decides its `style`), and its `schema` or `content`.
    fn parameter(&mut self, map: &mut Mapping, at: &str) {
        let location = match map.get("in") {
            None => {
                self.error(
                    at,
                    "the parameter has no `in`",
                    format!(
                        "say where the parameter is sent: `in:` one of {}",
                        list(LOCATIONS)
                    ),
                );
                None
            }
            Some(Value::String(location)) if LOCATIONS.contains(&location.as_str()) => {
                Some(location.clone())
            }
            Some(Value::String(location)) => {
                let hint = match location.as_str() {
                    "body" | "formData" => format!(
                        "a request body is the operation's `requestBody` in OpenAPI 3, not a parameter; other parameters use one of {}",
                        list(LOCATIONS)
                    ),
                    _ => format!("use one of {}", list(LOCATIONS)),
                };
                self.error(
                    &format!("{at}/in"),
                    format!("`in: {location}` is not a parameter location"),
                    hint,
                );
                None
            }
            Some(other) => {
                let other = other.clone();
                self.wrong_type(&other, Shape::Choice(LOCATIONS), &format!("{at}/in"), "in");
                None
            }
        };
        if let (Some(location), Some(style)) = (location, map.get("style")) {
            let styles: &[&str] = match location.as_str() {
                "query" => QUERY_STYLES,
                // The location's default first.
                "path" => &["simple", "label", "matrix"],
                "header" => &["simple"],
                _ => &["form"],
            };
            if !style.as_str().is_some_and(|s| styles.contains(&s)) {
                let shown = key_name(style).unwrap_or_else(|| describe(style));
                self.warning(
                    &format!("{at}/style"),
                    format!(
                        "`style: {shown}` is not a style of a {location} parameter; it is sent in the {location} default style, `{}`{}",
                        styles.first().copied().unwrap_or_default(),
                        if matches!(location.as_str(), "query" | "cookie") { " with explode" } else { "" }
                    ),
                    format!("use one of {}", list(styles)),
                );
                // The location's default style, with its default `explode`.
                map.shift_remove("style");
                map.shift_remove("explode");
            }
        }
        self.schema_or_content(map, at, "parameter");
    }

    /// Parameters and headers need a type: `schema`, or `content` with one media type.
    fn schema_or_content(&mut self, map: &Mapping, at: &str, what: &str) {
        if !map.contains_key("schema") && !map.contains_key("content") {
            self.error(
                at,
                format!("the {what} has neither `schema` nor `content`"),
                format!("give the {what} a type: `schema: {{type: string}}`"),
            );
        }
    }
}

/// Whether a `responses` key is a status code as the model reads them: 100 to 999, as a
/// number or a three-digit string, or a range such as `4XX`.
fn is_status(key: &Value) -> bool {
    match key {
        Value::Number(number) => number.as_u64().is_some_and(|n| (100..1000).contains(&n)),
        Value::String(text) => {
            let bytes = text.as_bytes();
            match bytes {
                [first, b'X' | b'x', b'X' | b'x'] => first.is_ascii_digit(),
                [_, _, _] => text.parse::<u16>().is_ok_and(|n| (100..1000).contains(&n)),
                _ => false,
            }
        }
        _ => false,
    }
}

/// `a`, `b` or `c`, each in backticks.
fn list(choices: &[&str]) -> String {
    let quoted: Vec<String> = choices.iter().map(|c| format!("`{c}`")).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => quoted.concat(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str) -> (Vec<Diagnostic>, Value) {
        let mut document: Value = serde_yaml::from_str(text).unwrap_or(Value::Null);
        let mut checker = Checker::new("t.yaml", text);
        checker.document(&mut document);
        (checker.into_problems(), document)
    }

    fn errors(problems: &[Diagnostic]) -> Vec<(&str, &str)> {
        problems
            .iter()
            .filter(|p| p.is_error())
            .map(|p| (p.pointer.as_deref().unwrap_or(""), p.message.as_str()))
            .collect()
    }

    #[test]
    fn every_missing_required_field_is_reported_at_its_object() {
        let (problems, _) = check(
            "openapi: 3.0.3\ninfo:\n  description: x\npaths:\n  /a:\n    get:\n      parameters:\n        - in: query\n          schema: {type: string}\n        - name: b\n          in: body\n          schema: {type: string}\n        - name: c\n          in: query\n    post:\n      responses:\n        '200': {}\n",
        );
        assert_eq!(
            errors(&problems),
            [
                ("/info", "`info` has no `title`"),
                ("/info", "`info` has no `version`"),
                ("/paths/~1a/get/parameters/0", "the parameter has no `name`"),
                (
                    "/paths/~1a/get/parameters/1/in",
                    "`in: body` is not a parameter location"
                ),
                (
                    "/paths/~1a/get/parameters/2",
                    "the parameter has neither `schema` nor `content`"
                ),
                ("/paths/~1a/get", "the operation has no `responses`"),
                (
                    "/paths/~1a/post/responses/200",
                    "the response has no `description`"
                ),
            ]
        );
        assert!(problems
            .iter()
            .all(|p| p.line_col.is_some() && p.hint.is_some()));
        assert_eq!(problems[2].line_col, Some((8, 9)));
    }

    #[test]
    fn wrong_containers_are_errors_and_unread_elements_are_left_out_with_a_warning() {
        let (problems, document) = check(
            "openapi: 3.0.3\ninfo: {title: T, version: '1', license: {url: x}}\nservers: {url: x}\ntags: {a: 1}\npaths:\n  /a:\n    get:\n      parameters: {a: 1}\n      responses:\n        '200':\n          description: ok\n          headers: {X-Y: {description: y}}\n",
        );
        assert_eq!(
            errors(&problems),
            [
                ("/servers", "`servers` must be a list, but it is a map"),
                (
                    "/paths/~1a/get/parameters",
                    "`parameters` must be a list, but it is a map"
                ),
            ]
        );
        let warnings: Vec<&str> = problems
            .iter()
            .filter(|p| !p.is_error())
            .map(|p| p.message.as_str())
            .collect();
        assert_eq!(
            warnings,
            [
                "the licence has no `name`; `license` is left out, as the generated client does not use it",
                "`tags` must be a list, but it is a map; `tags` is left out, as the generated client does not use it",
                "the header has neither `schema` nor `content`; `headers` is left out, as the generated client does not use it",
            ]
        );
        assert!(document["info"].get("license").is_none());
        assert!(document["paths"]["/a"]["get"]["responses"]["200"]
            .get("headers")
            .is_none());
    }

    #[test]
    fn numbers_where_names_and_versions_belong_are_read_as_text() {
        let (problems, document) = check(
            "openapi: 3.0.3\ninfo: {title: T, version: 1.0}\npaths: {}\ncomponents:\n  schemas:\n    200: {type: string}\n",
        );
        assert!(problems.iter().all(|p| !p.is_error()), "{problems:#?}");
        assert_eq!(problems.len(), 2);
        assert_eq!(document["info"]["version"], Value::from("1.0"));
        assert!(document["components"]["schemas"].get("200").is_some());
    }

    #[test]
    fn dropped_paths_responses_and_webhooks_are_warnings() {
        let (problems, _) = check(
            "openapi: 3.1.0\ninfo: {title: T, version: '1'}\nwebhooks:\n  a: {}\n  b: {}\npaths:\n  users:\n    get: {responses: {'200': {description: ok}}}\n  /a:\n    get:\n      responses:\n        success: {description: ok}\n        2XX: {description: ok}\n        x-note: 1\n",
        );
        let found: Vec<(&str, &str)> = problems
            .iter()
            .map(|p| (p.pointer.as_deref().unwrap_or(""), p.message.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                ("/paths/users", "`users` is not a path (paths start with `/`); its operations are not generated"),
                ("/paths/~1a/get/responses/success", "`success` is not a status code; this response is ignored"),
                ("/webhooks", "`webhooks` lists 2 webhooks, which are not generated: a client only makes requests, and webhooks are requests the API makes"),
            ]
        );
        assert!(problems.iter().all(|p| !p.is_error()));
    }

    #[test]
    fn security_schemes_are_checked_by_type() {
        let (problems, _) = check(
            "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths: {}\ncomponents:\n  securitySchemes:\n    a: {type: apiKey, in: body}\n    b: {type: mutualTLS}\n    c: {type: oauth2, flows: {clientCredentials: {scopes: {}}}}\n",
        );
        assert_eq!(
            errors(&problems),
            [
                (
                    "/components/securitySchemes/a/in",
                    "`in: body` is not one of `query`, `header` or `cookie`"
                ),
                (
                    "/components/securitySchemes/a",
                    "the security scheme has no `name`"
                ),
                (
                    "/components/securitySchemes/b/type",
                    "`type: mutualTLS` is not a security scheme type clientgen reads"
                ),
                (
                    "/components/securitySchemes/c/flows/clientCredentials",
                    "the OAuth 2 flow has no `tokenUrl`"
                ),
            ]
        );
    }

    #[test]
    fn status_codes_as_the_model_reads_them() {
        for good in ["200", "4XX", "2xx", "999"] {
            assert!(is_status(&Value::from(good)), "{good}");
        }
        assert!(is_status(&Value::from(404)));
        for bad in ["success", "20", "2000", "099", "X00"] {
            assert!(!is_status(&Value::from(bad)), "{bad}");
        }
    }
}
