//! The OpenAPI objects as `openapiv3` reads them: which fields each one needs, and of which
//! type. The tables below follow `openapiv3` 2.x, not the OpenAPI text: a field the model
//! tolerates missing (a request body's `content`) is not required here, and a field the
//! model needs (a response's `description`) is.
//!
//! Elements the generator never reads (tags, examples, links, callbacks, response headers,
//! external docs, contact, licence, path-level servers), or reads only to refine an encoding (a
//! media type's `encoding`), cannot stop generation: a problem inside one is a warning, and the
//! element is left out of the document (the front end applies the repair the walk lists) before
//! it is read into the model. So is a parameter `style` that is malformed or not allowed where
//! the parameter is: the location's default style applies.

pub(super) use super::words::{describe, expected, how_to_write, key_name, noun};

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
pub(super) enum Need {
    /// It must be there and not null; the hint says what to add.
    Required(&'static str),
    /// It may be missing or null.
    Optional,
    /// It may be missing, but not null (the model fills in an empty default).
    Defaulted,
}

/// One field of an object.
#[derive(Debug, Clone, Copy)]
pub(super) struct Field {
    pub(super) name: &'static str,
    pub(super) shape: Shape,
    pub(super) need: Need,
    /// Whether the document can do without it: the generator does not read it, or reads it only
    /// to refine something that has a default (`explode`, `allowReserved`, `encoding`). Problems
    /// inside such a field are warnings, and the field is left out.
    pub(super) droppable: bool,
}

pub(super) const fn read(name: &'static str, shape: Shape, need: Need) -> Field {
    Field {
        name,
        shape,
        need,
        droppable: false,
    }
}

pub(super) const fn droppable(name: &'static str, shape: Shape, need: Need) -> Field {
    Field {
        name,
        shape,
        need,
        droppable: true,
    }
}

pub(super) const TEXT_LIST: Shape = Shape::List(&Shape::Text);
pub(super) const SECURITY: Shape = Shape::List(&Shape::Map(&TEXT_LIST));
pub(super) const SERVERS: Shape = Shape::List(&Shape::Object(Kind::Server));
pub(super) const PARAMETERS: Shape = Shape::List(&Shape::RefOr(Kind::Parameter));
pub(super) const CONTENT: Shape = Shape::Map(&Shape::Object(Kind::MediaType));
pub(super) const EXAMPLES: Shape = Shape::Map(&Shape::RefOr(Kind::Example));
pub(super) const HEADERS: Shape = Shape::Map(&Shape::RefOr(Kind::Header));
pub(super) const LINKS: Shape = Shape::Map(&Shape::RefOr(Kind::Link));
pub(super) const SCOPES: Shape = Shape::Map(&Shape::Text);
pub(super) const QUERY_STYLES: &[&str] = &["form", "spaceDelimited", "pipeDelimited", "deepObject"];
pub(super) const LOCATIONS: &[&str] = &["query", "header", "path", "cookie"];
pub(super) const SCHEME_TYPES: &[&str] = &["apiKey", "http", "oauth2", "openIdConnect"];

/// The fields of each object (those of `Parameter`, `Header`, `Link`, `Paths`, `Responses`,
/// `Callback` and `SecurityScheme` that depend on other fields are checked in code).
pub(super) fn fields(kind: Kind) -> &'static [Field] {
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

pub(super) const AUTHORIZATION_URL: &str =
    "add the authorization endpoint: `authorizationUrl: https://..`";
pub(super) const TOKEN_URL: &str = "add the token endpoint: `tokenUrl: https://..`";
pub(super) const SCOPES_HINT: &str = "list the flow's scopes, or none: `scopes: {}`";

/// The fields of the document's root.
pub(super) const ROOT: &[Field] = &[
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
