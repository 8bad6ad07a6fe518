//! The intermediate representation: what the generated crate contains, with every name
//! already decided. It holds no `openapiv3` types and no tokens; `lower` builds it and
//! `emit`/`render` only read it.

/// One API, ready to emit.
#[derive(Debug, Clone, PartialEq)]
pub struct Api {
    /// The spec's title.
    pub title: String,
    /// The spec's description.
    pub description: Option<String>,
    /// The spec's `info.version`.
    pub api_version: String,
    /// The first server's URL, with its variables' defaults filled in (`None` when a
    /// variable has no default).
    pub default_server: Option<String>,
    /// The first server's URL when it has variables: the builder method that fills them.
    pub server: Option<ServerTemplate>,
    /// The security schemes a client can be given credentials for, in the spec's order.
    pub security_schemes: Vec<SecurityScheme>,
    /// The spec-wide security requirements: alternatives of scheme names (`None`: not stated).
    pub security: Option<Vec<Vec<String>>>,
    /// Headers every operation carries, set once on the client builder.
    pub settings: Vec<Setting>,
    /// The spec-wide request budget (`x-rate-limit` at the root).
    pub rate_limit: Option<RateLimit>,
    /// Typed builders for query parameters with a clause syntax (`x-query-language`).
    pub query_languages: Vec<QueryLanguage>,
    /// Named types, sorted by name.
    pub types: Vec<TypeDef>,
    /// Operations in the order of the spec's paths.
    pub operations: Vec<Operation>,
    /// The crate's cargo features, one per operation group, sorted by name (empty when the
    /// document has no operations, or more groups than a crate may have features).
    pub features: Vec<Feature>,
}

/// A cargo feature of the generated crate: the operations of one group (their first tag,
/// or the first path segment after the prefix every path shares), and the types only they
/// reach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feature {
    /// The feature's name (kebab-case, a valid cargo feature name, unique, never `default`,
    /// `full` or `mock`).
    pub name: String,
    /// The group as the spec writes it (the tag, or the path segment).
    pub group: String,
    /// How many operations it holds.
    pub operations: usize,
}

impl Api {
    /// Whether any type used by the API (in a type definition or an operation) satisfies `wanted`.
    pub fn uses(&self, wanted: fn(&TypeRef) -> bool) -> bool {
        let in_types = self.types.iter().any(|def| match &def.kind {
            TypeKind::Struct { fields } => fields.iter().any(|f| f.ty.any(wanted)),
            TypeKind::Alias(ty) => ty.any(wanted),
            TypeKind::Union { variants, .. } => variants.iter().any(|v| v.ty.any(wanted)),
            TypeKind::Responses { variants, .. } => variants
                .iter()
                .any(|v| v.content.ty().is_some_and(|ty| ty.any(wanted))),
            TypeKind::StringEnum { .. }
            | TypeKind::IntEnum { .. }
            | TypeKind::MediaTypes { .. } => false,
        });
        let in_settings = self.settings.iter().any(|s| s.ty.any(wanted));
        let in_operations = self.operations.iter().any(|op| {
            op.params.iter().any(|p| p.ty.any(wanted))
                || op
                    .pagination
                    .as_ref()
                    .is_some_and(|p| p.item_type.any(wanted))
                || op.body.as_ref().is_some_and(|b| b.ty.any(wanted))
                || matches!(&op.success, Success::Json(ty) | Success::Optional(ty) if ty.any(wanted))
                || op.events.as_ref().is_some_and(|e| e.ty.any(wanted))
                || matches!(&op.error, ErrorType::Json(ty) if ty.any(wanted))
        });
        in_types || in_settings || in_operations
    }

    /// Whether the spec declares a rate limit anywhere.
    pub fn has_rate_limits(&self) -> bool {
        self.rate_limit.is_some() || self.operations.iter().any(|op| op.rate_limit.is_some())
    }
}

/// A server URL with `{variables}`.
#[derive(Debug, Clone, PartialEq)]
pub struct ServerTemplate {
    /// The URL as the spec writes it.
    pub url: String,
    /// The builder method (the variable's name when there is one, else `server`).
    pub method: String,
    /// The variables in the order the URL uses them.
    pub variables: Vec<ServerVariable>,
    /// The server's description.
    pub doc: Option<String>,
}

/// One variable of a [`ServerTemplate`].
#[derive(Debug, Clone, PartialEq)]
pub struct ServerVariable {
    /// The name in the URL.
    pub name: String,
    /// The builder method's argument.
    pub arg: String,
    /// The spec's default (`None` when it is empty).
    pub default: Option<String>,
    /// The values the spec lists (documented, not enforced: vendors add regions).
    pub values: Vec<String>,
    /// The variable's description.
    pub doc: Option<String>,
}

/// A security scheme of `components.securitySchemes` the client supports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecurityScheme {
    /// The scheme's name in the spec (the key security requirements use).
    pub name: String,
    /// The builder method that sets its credential (snake_case, unique on the builder).
    pub method: String,
    /// What kind of credential it takes.
    pub kind: SchemeKind,
    /// Rustdoc (the scheme's description).
    pub doc: Option<String>,
}

/// The credential a security scheme takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchemeKind {
    /// `Authorization: Bearer` (HTTP bearer, OAuth 2 and OpenID Connect): a token, or a
    /// token provider set with the method named in `provider_method`.
    Bearer {
        /// The builder method that sets a token provider.
        provider_method: String,
        /// The API's own token operation, when the spec names one (`x-token-exchange`).
        exchange: Option<Box<TokenExchange>>,
    },
    /// HTTP basic: a user name and a password.
    Basic,
    /// An API key in a header, a query parameter or a cookie.
    ApiKey {
        /// Where it goes.
        location: KeyLocation,
        /// The header, parameter or cookie name.
        name: String,
    },
}

/// Where an API key goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyLocation {
    /// A request header.
    Header,
    /// A query parameter.
    Query,
    /// A cookie (in the request's one `Cookie` header).
    Cookie,
}

/// How the client obtains the bearer tokens of a scheme itself, from a credential the user
/// holds (`x-token-exchange`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenExchange {
    /// The builder method that takes the credential (and any parameters).
    pub method: String,
    /// Where the credential is exchanged.
    pub target: ExchangeTarget,
    /// JSON pointer of the token in the response.
    pub token: String,
    /// JSON pointer of the lifetime in seconds in the response.
    pub expires_in: Option<String>,
    /// The lifetime when the response does not state it, in seconds.
    pub lifetime_seconds: Option<u64>,
    /// The note of the extension's `x-inferred`, when it has one.
    pub inferred: Option<String>,
}

/// Where a token exchange goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExchangeTarget {
    /// An operation of the API, authenticated with the credential the builder method takes.
    Operation {
        /// HTTP method of the token operation, upper case.
        http_method: String,
        /// Its path.
        path: String,
        /// The `Accept` header it wants.
        accept: Option<String>,
        /// The one security scheme the operation requires; the credential goes there.
        scheme: String,
        /// What kind of credential that scheme takes.
        credential: ExchangeCredential,
        /// Parameters of the operation that the builder method also takes, in order.
        parameters: Vec<ExchangeParam>,
    },
    /// A token endpoint outside the API, sent a form body that carries the credential.
    Url {
        /// HTTP method, upper case.
        http_method: String,
        /// The absolute URL.
        url: String,
        /// The `Accept` header it is sent.
        accept: String,
        /// The builder method that sends the exchange to another URL.
        url_method: String,
        /// The form body's fields, in order.
        form: Vec<(String, FormValue)>,
    },
}

/// The credential of a token operation's security scheme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExchangeCredential {
    /// HTTP basic: a client id and secret.
    Basic,
    /// A bearer token (an API token).
    Bearer,
    /// An API key.
    ApiKey {
        /// Where it goes.
        location: KeyLocation,
        /// The header, parameter or cookie name.
        name: String,
    },
}

/// A parameter of a token operation that the exchange's builder method takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExchangeParam {
    /// The argument's name.
    pub arg: String,
    /// Name on the wire.
    pub wire_name: String,
    /// Where it goes (query or header).
    pub location: ParamLocation,
    /// Rustdoc (the parameter's description).
    pub doc: Option<String>,
}

/// A form field of a token exchange.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormValue {
    /// Text from the spec.
    Text(String),
    /// The credential the builder method takes (`{credential}` in the spec).
    Credential,
}

/// A header every operation carries, made a setting of the client builder.
#[derive(Debug, Clone, PartialEq)]
pub struct Setting {
    /// The builder method (snake_case, unique on the builder).
    pub method: String,
    /// The header name.
    pub wire_name: String,
    /// The value's type.
    pub ty: TypeRef,
    /// How the value is written (`simple` or JSON text).
    pub serialization: Serialization,
    /// Whether every operation requires it (then `build()` fails without it).
    pub required: bool,
    /// Rustdoc.
    pub doc: Option<String>,
}

/// A clause query language of a parameter (`field:value` clauses), emitted as a typed
/// builder in the `query` module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryLanguage {
    /// The builder type (PascalCase).
    pub type_name: String,
    /// The enum of its fields (PascalCase).
    pub field_enum: String,
    /// The client method whose parameter it builds, and the parameter's name.
    pub used_by: (String, String),
    /// The fields, in the spec's order.
    pub fields: Vec<QueryField>,
}

/// A field of a query language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryField {
    /// The enum variant (PascalCase, hygienic).
    pub variant: String,
    /// The field as written in queries (`slack.channel_name`).
    pub wire: String,
    /// What it filters on.
    pub doc: Option<String>,
}

/// A request budget: `requests` per `period_seconds`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// Requests allowed per period (at least 1).
    pub requests: u32,
    /// The period in seconds (at least 1).
    pub period_seconds: u64,
}

/// How an operation pages through a list (`x-pagination`).
#[derive(Debug, Clone, PartialEq)]
pub struct Pagination {
    /// The style.
    pub style: PageStyle,
    /// Whether the parameters are fields of the JSON body (else query parameters).
    pub in_body: bool,
    /// The page, offset, token or cursor parameter (wire name).
    pub param: String,
    /// The page size parameter (wire name).
    pub size_param: Option<String>,
    /// The first page number, when it is not 1.
    pub first_page: Option<i64>,
    /// JSON pointer of the items array in the response.
    pub items: String,
    /// The type of one item (`Json` when the response is untyped).
    pub item_type: TypeRef,
    /// JSON pointer of the next token or cursor (token and cursor styles).
    pub next: Option<String>,
    /// JSON pointer of the total number of items.
    pub total: Option<String>,
    /// JSON pointer of the total number of pages.
    pub total_pages: Option<String>,
    /// Parameters (or body fields) a token replaces: dropped once one is sent.
    pub replaces: Vec<String>,
}

/// A pagination style.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageStyle {
    /// Page numbers.
    Page,
    /// Item offsets.
    Offset,
    /// A token from the previous page (`pageToken` -> `nextPageToken`).
    Token,
    /// A cursor from the previous page (`cursor` -> `page.next`); paged like tokens.
    Cursor,
}

/// A named type of the generated `types` module.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeDef {
    /// Rust name (PascalCase, hygienic).
    pub name: String,
    /// Rustdoc.
    pub doc: Option<String>,
    /// What it is.
    pub kind: TypeKind,
    /// The features whose operations reach it, sorted: the type exists only when one of them
    /// is on. Empty when every group reaches it, or none does (then it always exists).
    pub features: Vec<String>,
}

/// The shape of a named type.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeKind {
    /// An object with known properties.
    Struct {
        /// Fields in the spec's property order.
        fields: Vec<Field>,
    },
    /// A string enum; unknown values decode into an extra `Unknown(String)` variant.
    StringEnum {
        /// Known values in the spec's order.
        variants: Vec<Variant>,
    },
    /// An integer enum; unknown values decode into an extra `Unknown(i64)` variant.
    IntEnum {
        /// Known values in the spec's order, each once.
        variants: Vec<IntVariant>,
    },
    /// A `oneOf` or `anyOf`: one of several alternatives. A value that matches none (a
    /// discriminator value or a shape this version does not know) decodes into an extra
    /// `Unknown(serde_json::Value)` variant.
    Union {
        /// The property whose value names the alternative, when the spec gives a
        /// discriminator and every alternative has a value for it.
        discriminator: Option<String>,
        /// Alternatives: in the spec's order when tagged; otherwise in the order they are
        /// tried, so that none shadows a later one.
        variants: Vec<UnionVariant>,
    },
    /// Another name for a type (a schema that is an array, a map or a scalar).
    Alias(TypeRef),
    /// The responses of one operation, one variant per status, decoded by the status: its
    /// success responses when they carry different bodies, or its error responses when they
    /// do (then with an extra `Other(serde_json::Value)` variant for a JSON body that fits
    /// no declared one).
    Responses {
        /// Whether these are error responses.
        error: bool,
        /// One per declared status: exact codes first, then ranges, then `default`.
        variants: Vec<StatusVariant>,
    },
    /// The media types a download or text response offers, for the `Accept` header the
    /// caller chooses with the builder's setter ([`Operation::accept_choice`]). The first is
    /// the enum's `Default` and what the request sends without the setter.
    MediaTypes {
        /// In the spec's order.
        variants: Vec<MediaVariant>,
    },
}

/// A variant of a [`TypeKind::MediaTypes`] enum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaVariant {
    /// Rust name (PascalCase, after the media type: `text/csv` -> `TextCsv`).
    pub rust_name: String,
    /// The media type as the spec writes it, sent as the `Accept` header.
    pub media_type: String,
}

/// A variant of a [`TypeKind::Responses`] enum.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusVariant {
    /// Rust name (PascalCase, after the status: `Ok`, `NotFound`, `Status4xx`, `Default`).
    pub rust_name: String,
    /// The statuses it is chosen for.
    pub status: StatusMatch,
    /// What its body is read as.
    pub content: Content,
    /// Rustdoc (the response's description).
    pub doc: Option<String>,
}

/// The statuses a response of the spec stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusMatch {
    /// One status code (`404`).
    Code(u16),
    /// A class (`4XX`: 4).
    Range(u16),
    /// `default`: every status no other response names.
    Default,
}

impl std::fmt::Display for StatusMatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StatusMatch::Code(code) => write!(f, "{code}"),
            StatusMatch::Range(class) => write!(f, "{class}XX"),
            StatusMatch::Default => f.write_str("default"),
        }
    }
}

/// What the body of one response is read as.
#[derive(Debug, Clone, PartialEq)]
pub enum Content {
    /// Nothing: the spec describes no body.
    Empty,
    /// JSON of this type.
    Json(TypeRef),
    /// Text (`text/*`, XML), as a `String`.
    Text,
    /// Bytes as they came (a binary media type).
    Bytes,
}

impl Content {
    /// The JSON type, when the body is JSON.
    pub fn ty(&self) -> Option<&TypeRef> {
        match self {
            Content::Json(ty) => Some(ty),
            _ => None,
        }
    }
}

/// What a variant holds, as Rust spells it (`Pet`, `String`, `Bytes`; `()` for none).
impl std::fmt::Display for Content {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Content::Empty => f.write_str("()"),
            Content::Json(ty) => ty.fmt(f),
            Content::Text => f.write_str("String"),
            Content::Bytes => f.write_str("Bytes"),
        }
    }
}

/// A field of a struct.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// Rust name (snake_case, hygienic).
    pub rust_name: String,
    /// Name in JSON.
    pub wire_name: String,
    /// Rustdoc.
    pub doc: Option<String>,
    /// The type, without the `Option` that `required` and `nullable` add.
    pub ty: TypeRef,
    /// Listed in `required`.
    pub required: bool,
    /// May be `null`.
    pub nullable: bool,
    /// Held in a `Box`: the field's type contains the struct itself (a recursive type).
    pub boxed: bool,
}

impl Field {
    /// Whether the Rust field is an `Option`.
    pub fn is_option(&self) -> bool {
        !self.required || self.nullable
    }
}

/// An alternative of a union.
#[derive(Debug, Clone, PartialEq)]
pub struct UnionVariant {
    /// Rust name (PascalCase, hygienic, never `Unknown`).
    pub rust_name: String,
    /// What the alternative holds.
    pub ty: TypeRef,
    /// The discriminator values that select it (empty when the union has no discriminator).
    pub tags: Vec<String>,
    /// Held in a `Box`: the alternative contains the union itself (a recursive type).
    pub boxed: bool,
}

/// A value of a string enum.
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    /// Rust name (PascalCase, hygienic, never `Unknown`).
    pub rust_name: String,
    /// The string in JSON.
    pub wire_value: String,
}

/// A value of an integer enum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntVariant {
    /// Rust name (PascalCase, hygienic, never `Unknown`): from `x-enum-varnames`, else
    /// `Value{n}` (`ValueMinus{n}` for a negative value).
    pub rust_name: String,
    /// The integer in JSON.
    pub value: i64,
}

/// A reference to a type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeRef {
    /// A type of the generated `types` module.
    Named(String),
    /// `String`.
    String,
    /// `i64` (integers without a format, and `int64`).
    I64,
    /// `i32` (`format: int32`).
    I32,
    /// `f64`.
    F64,
    /// `f32` (`format: float`).
    F32,
    /// `bool`.
    Bool,
    /// `chrono::DateTime<chrono::Utc>` (`format: date-time`).
    DateTime,
    /// `chrono::NaiveDate` (`format: date`).
    Date,
    /// `uuid::Uuid` (`format: uuid`).
    Uuid,
    /// `Vec<T>`.
    Vec(Box<TypeRef>),
    /// `BTreeMap<String, T>` (`additionalProperties`).
    Map(Box<TypeRef>),
    /// `serde_json::Map<String, serde_json::Value>`: an object with no declared properties.
    JsonObject,
    /// `serde_json::Value`: any JSON value.
    Json,
    /// `clientgen_runtime::FilePart`: a file (`format: binary`, 3.1's `contentMediaType`),
    /// sent as a file part of a multipart body.
    File,
    /// `clientgen_runtime::Bytes`: a binary request body.
    Bytes,
}

/// `ty` with type aliases followed to what they name (`Named("Ids")` -> `Vec<String>`).
/// Bounded, in case aliases refer to each other.
pub fn resolve_alias(types: &[TypeDef], mut ty: TypeRef) -> TypeRef {
    for _ in 0..16 {
        let TypeRef::Named(name) = &ty else { break };
        match types
            .iter()
            .find(|def| &def.name == name)
            .map(|def| &def.kind)
        {
            Some(TypeKind::Alias(target)) => ty = target.clone(),
            _ => break,
        }
    }
    ty
}

/// The type as Rust spells it, without module paths (`Vec<App>`, `Value`), for docs and reports.
impl std::fmt::Display for TypeRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TypeRef::Named(name) => f.write_str(name),
            TypeRef::String => f.write_str("String"),
            TypeRef::I64 => f.write_str("i64"),
            TypeRef::I32 => f.write_str("i32"),
            TypeRef::F64 => f.write_str("f64"),
            TypeRef::F32 => f.write_str("f32"),
            TypeRef::Bool => f.write_str("bool"),
            TypeRef::DateTime => f.write_str("DateTime<Utc>"),
            TypeRef::Date => f.write_str("NaiveDate"),
            TypeRef::Uuid => f.write_str("Uuid"),
            TypeRef::Vec(inner) => write!(f, "Vec<{inner}>"),
            TypeRef::Map(inner) => write!(f, "BTreeMap<String, {inner}>"),
            TypeRef::JsonObject => f.write_str("Map<String, Value>"),
            TypeRef::Json => f.write_str("Value"),
            TypeRef::File => f.write_str("FilePart"),
            TypeRef::Bytes => f.write_str("Bytes"),
        }
    }
}

impl TypeRef {
    /// Whether this type or a type inside it satisfies `wanted`.
    pub fn any(&self, wanted: fn(&TypeRef) -> bool) -> bool {
        wanted(self)
            || match self {
                TypeRef::Vec(inner) | TypeRef::Map(inner) => inner.any(wanted),
                _ => false,
            }
    }
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamLocation {
    /// A `{name}` segment of the path.
    Path,
    /// The query string.
    Query,
    /// A request header.
    Header,
    /// A cookie (all of a request's cookies share one `Cookie` header).
    Cookie,
}

impl ParamLocation {
    /// The location as OpenAPI's `in` names it.
    pub fn as_str(self) -> &'static str {
        match self {
            ParamLocation::Path => "path",
            ParamLocation::Query => "query",
            ParamLocation::Header => "header",
            ParamLocation::Cookie => "cookie",
        }
    }
}

/// An OpenAPI parameter style: which RFC 6570 expansion writes the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamStyle {
    /// `simple` (path, header): `blue,black,brown`.
    Simple,
    /// `label` (path): `.blue,black,brown`, exploded `.blue.black.brown`.
    Label,
    /// `matrix` (path): `;color=blue,black,brown`, exploded `;color=blue;color=black`.
    Matrix,
    /// `form` (query, cookie): `color=blue,black`, exploded `color=blue&color=black`.
    Form,
    /// `spaceDelimited` (query): `color=blue%20black`.
    SpaceDelimited,
    /// `pipeDelimited` (query): `color=blue%7Cblack`.
    PipeDelimited,
    /// `deepObject` (query, objects): `color[R]=100&color[G]=200`.
    DeepObject,
}

impl ParamStyle {
    /// The style's name in OpenAPI.
    pub fn as_str(self) -> &'static str {
        match self {
            ParamStyle::Simple => "simple",
            ParamStyle::Label => "label",
            ParamStyle::Matrix => "matrix",
            ParamStyle::Form => "form",
            ParamStyle::SpaceDelimited => "spaceDelimited",
            ParamStyle::PipeDelimited => "pipeDelimited",
            ParamStyle::DeepObject => "deepObject",
        }
    }
}

/// How a parameter's value is written on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Serialization {
    /// A style with its `explode` (`lower` keeps only combinations OpenAPI defines for the
    /// parameter's location: `spaceDelimited` and `pipeDelimited` never explode, `deepObject`
    /// always does).
    Style {
        /// The style.
        style: ParamStyle,
        /// Whether array items and object entries are written one by one.
        explode: bool,
    },
    /// JSON text (`content: application/json`).
    Json,
}

impl Serialization {
    /// OpenAPI's default for a location: `form` with `explode` for query parameters and
    /// cookies, `simple` without for path parameters and headers.
    pub fn default_for(location: ParamLocation) -> Self {
        match location {
            ParamLocation::Query | ParamLocation::Cookie => Serialization::Style {
                style: ParamStyle::Form,
                explode: true,
            },
            ParamLocation::Path | ParamLocation::Header => Serialization::Style {
                style: ParamStyle::Simple,
                explode: false,
            },
        }
    }
}

/// `form, explode: true`, `JSON text`: for docs and reports.
impl std::fmt::Display for Serialization {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Serialization::Style { style, explode } => {
                write!(f, "{}, explode: {explode}", style.as_str())
            }
            Serialization::Json => f.write_str("JSON text"),
        }
    }
}

/// A parameter of an operation.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// Rust name (snake_case, hygienic, unique within the operation).
    pub rust_name: String,
    /// Name on the wire.
    pub wire_name: String,
    /// Where it goes.
    pub location: ParamLocation,
    /// Its type.
    pub ty: TypeRef,
    /// Required parameters are positional arguments; the others are builder setters.
    pub required: bool,
    /// How the value is written.
    pub serialization: Serialization,
    /// Whether RFC 3986 reserved characters of a query value are sent unencoded
    /// (`allowReserved`; always false outside the query).
    pub allow_reserved: bool,
    /// Rustdoc.
    pub doc: Option<String>,
}

/// A request body.
#[derive(Debug, Clone, PartialEq)]
pub struct Body {
    /// Its type: the schema's for JSON, form and multipart bodies, `Bytes` for binary and
    /// `String` for text ones.
    pub ty: TypeRef,
    /// Required bodies are positional arguments; optional ones a `body` setter.
    pub required: bool,
    /// Rustdoc.
    pub doc: Option<String>,
    /// How it is encoded.
    pub encoding: BodyEncoding,
    /// The `Content-Type` it is sent with (for a multipart body, `multipart/form-data`; the
    /// runtime adds the boundary).
    pub content_type: String,
}

/// How a request body goes on the wire. When the spec offers several media types, the
/// first of these kinds wins: JSON, form, multipart, binary, text.
#[derive(Debug, Clone, PartialEq)]
pub enum BodyEncoding {
    /// JSON (`application/json`, `+json`).
    Json,
    /// `application/x-www-form-urlencoded`, with the styles the spec's `encoding` declares
    /// for some fields (by wire name).
    Form {
        /// Fields with a declared `style`/`explode`, in the spec's order: always a
        /// [`Serialization::Style`] of a style the query allows, with `explode` as for a query
        /// parameter (never for `spaceDelimited` and `pipeDelimited`, always for `deepObject`).
        styles: Vec<(String, Serialization)>,
    },
    /// `multipart/form-data`: one part (or one per element) for each field of the body's
    /// struct.
    Multipart {
        /// The fields, in the struct's order.
        parts: Vec<MultipartField>,
    },
    /// Raw bytes (`application/octet-stream`, `image/png`, a `format: binary` schema); the
    /// builder's `content_type(..)` overrides [`Body::content_type`].
    Binary,
    /// Text (`text/*`, XML).
    Text,
}

/// A field of a multipart body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MultipartField {
    /// The field of the body's struct.
    pub rust_name: String,
    /// The part's name.
    pub wire_name: String,
    /// What the field holds.
    pub kind: PartKind,
    /// Whether the struct field is an `Option`.
    pub optional: bool,
    /// The part's `Content-Type` from the spec's `encoding` (for files: the default when the
    /// file names none).
    pub content_type: Option<String>,
}

/// What a multipart field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartKind {
    /// One file.
    File,
    /// A list of files: one part each.
    Files,
    /// Any other value: text, or JSON for objects (arrays: one part per element).
    Value,
}

/// What a successful response carries.
#[derive(Debug, Clone, PartialEq)]
pub enum Success {
    /// A JSON body of this type.
    Json(TypeRef),
    /// A JSON body of this type on some success statuses and none on others (a `204` beside
    /// a `200`): `Option<T>`, `None` when the body is empty.
    Optional(TypeRef),
    /// No body (or one the spec does not describe).
    Empty,
    /// A `text/*` (or XML) body, as a `String`.
    Text,
    /// A download: the body's bytes as they came (also as a stream, `send_stream()`). An
    /// operation that only redirects is one too: the client follows the redirect, and the
    /// body is whatever the target sends.
    Bytes,
    /// Bodies that differ by status: the named [`TypeKind::Responses`] enum.
    ByStatus(String),
    /// Only a `text/event-stream`: `send()` returns the events, decoded as this type (also
    /// [`Operation::events`]).
    Events(TypeRef),
}

/// What `send()` returns, as Rust spells it (`App`, `()`, `Bytes`).
impl std::fmt::Display for Success {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Success::Json(ty) => ty.fmt(f),
            Success::Optional(ty) => write!(f, "Option<{ty}>"),
            Success::Empty => f.write_str("()"),
            Success::Text => f.write_str("String"),
            Success::Bytes => f.write_str("Bytes"),
            Success::ByStatus(name) => f.write_str(name),
            Success::Events(ty) => write!(f, "EventStream<{ty}>"),
        }
    }
}

/// The type of an operation's error bodies (`E` of `Error<E>`).
#[derive(Debug, Clone, PartialEq)]
pub enum ErrorType {
    /// One JSON type for every error status (`Value` when the spec declares none).
    Json(TypeRef),
    /// Error bodies that differ by status: the named [`TypeKind::Responses`] enum.
    ByStatus(String),
}

impl std::fmt::Display for ErrorType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ErrorType::Json(ty) => ty.fmt(f),
            ErrorType::ByStatus(name) => f.write_str(name),
        }
    }
}

/// An operation whose success response is (or offers) a `text/event-stream`.
#[derive(Debug, Clone, PartialEq)]
pub struct Events {
    /// The type each event's `data` decodes as: the schema under `text/event-stream`
    /// (`serde_json::Value` without one).
    pub ty: TypeRef,
    /// Whether the stream sits beside another success media type (`application/json`, as
    /// LLM APIs answer without `stream: true`): then `send()` keeps returning that, and
    /// `send_events()` returns the stream. Otherwise `send()` does
    /// ([`Success::Events`]).
    pub beside: bool,
    /// The operation's `Last-Event-ID` header parameter as the spec spells it: a dropped
    /// stream reconnects with it.
    pub last_event_id: Option<String>,
}

/// The builder setter of an operation whose response offers several media types: it takes
/// the [`TypeKind::MediaTypes`] enum and the request sends the chosen one as its `Accept`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AcceptChoice {
    /// The setter, and the builder field it sets (snake_case, clear of the parameters'
    /// setters: `accept`, or `accept_2` beside an `accept` parameter).
    pub setter: String,
    /// The [`TypeKind::MediaTypes`] enum (PascalCase, `{Builder}Accept`).
    pub type_name: String,
    /// The variant sent without the setter: the first media type the spec lists.
    pub default_variant: String,
}

/// The setters of the options every request builder takes for one call, named clear of the
/// builder's other setters: claimed after the parameters' and the `Accept` choice's, so a
/// parameter keeps its own name and the option is numbered (`timeout_2` beside a `timeout`
/// parameter).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallOptions {
    /// The setter of the call's timeout (`timeout`), also the builder field it sets.
    pub timeout: String,
    /// The setter that adds one header to the call (`header`); its field holds them all.
    pub header: String,
    /// The setter of the call's retry count (`max_retries`), also the builder field it sets.
    pub max_retries: String,
}

/// One operation: one client method and one request builder.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// The client method (snake_case).
    pub method_name: String,
    /// The request builder type (PascalCase).
    pub builder_name: String,
    /// HTTP method, upper case.
    pub http_method: String,
    /// Path template as in the spec.
    pub path: String,
    /// Summary line, rustdoc-safe.
    pub summary: Option<String>,
    /// Longer description.
    pub description: Option<String>,
    /// Parameters: path ones in path order, then the others in spec order.
    pub params: Vec<Param>,
    /// The request body.
    pub body: Option<Body>,
    /// The success response.
    pub success: Success,
    /// The `Accept` header to send: the success response's media type, when it is not plain
    /// `application/json` (a versioned media type, say); that of a download or a text
    /// response (with several, the first: the default of [`Operation::accept_choice`]);
    /// those of every success response when they differ by status.
    pub accept: Option<String>,
    /// A download or text response offering several media types: the builder setter that
    /// chooses the one the `Accept` header asks for.
    pub accept_choice: Option<AcceptChoice>,
    /// The status a mock answers a success with (`emit/mock.rs`): that of the first declared
    /// success response with a body, else of the first (a range `2XX` as `200`, `default`
    /// as `200`).
    pub success_status: u16,
    /// The status of the first declared success response without a body, when there is one
    /// (the `None` of [`Success::Optional`]).
    pub empty_status: Option<u16>,
    /// The type of error bodies.
    pub error: ErrorType,
    /// The event stream its success response is or offers.
    pub events: Option<Events>,
    /// Whether the spec marks it deprecated.
    pub deprecated: bool,
    /// The operation's own security requirements, when it states them.
    pub security: Option<Vec<Vec<String>>>,
    /// The operation's own request budget.
    pub rate_limit: Option<RateLimit>,
    /// How it pages, when it returns a list in pages.
    pub pagination: Option<Pagination>,
    /// The setters of its per-call options.
    pub options: CallOptions,
    /// The cargo feature of its group ([`Api::features`]); `None` when the crate has no
    /// group features.
    pub feature: Option<String>,
}
