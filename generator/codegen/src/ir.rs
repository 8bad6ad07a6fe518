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
    /// The first server's URL, when it needs no variables.
    pub default_server: Option<String>,
    /// Whether the spec declares HTTP bearer authentication.
    pub bearer_auth: bool,
    /// Named types, sorted by name.
    pub types: Vec<TypeDef>,
    /// Operations in the order of the spec's paths.
    pub operations: Vec<Operation>,
}

impl Api {
    /// Whether any type used by the API (in a type definition or an operation) satisfies `wanted`.
    pub fn uses(&self, wanted: fn(&TypeRef) -> bool) -> bool {
        let in_types = self.types.iter().any(|def| match &def.kind {
            TypeKind::Struct { fields } => fields.iter().any(|f| f.ty.any(wanted)),
            TypeKind::Alias(ty) => ty.any(wanted),
            TypeKind::StringEnum { .. } => false,
        });
        let in_operations = self.operations.iter().any(|op| {
            op.params.iter().any(|p| p.ty.any(wanted))
                || op.body.as_ref().is_some_and(|b| b.ty.any(wanted))
                || matches!(&op.success, Success::Json(ty) if ty.any(wanted))
                || op.error.any(wanted)
        });
        in_types || in_operations
    }
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
    /// Another name for a type (a schema that is an array, a map or a scalar).
    Alias(TypeRef),
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
}

impl Field {
    /// Whether the Rust field is an `Option`.
    pub fn is_option(&self) -> bool {
        !self.required || self.nullable
    }
}

/// A value of a string enum.
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    /// Rust name (PascalCase, hygienic, never `Unknown`).
    pub rust_name: String,
    /// The string in JSON.
    pub wire_value: String,
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
    /// Rustdoc.
    pub doc: Option<String>,
}

/// A JSON request body.
#[derive(Debug, Clone, PartialEq)]
pub struct Body {
    /// Its type.
    pub ty: TypeRef,
    /// Required bodies are positional arguments; optional ones a `body` setter.
    pub required: bool,
    /// Rustdoc.
    pub doc: Option<String>,
}

/// What a successful response carries.
#[derive(Debug, Clone, PartialEq)]
pub enum Success {
    /// A JSON body of this type.
    Json(TypeRef),
    /// No body (or one the spec does not describe).
    Empty,
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
    /// Summary line.
    pub summary: Option<String>,
    /// Longer description.
    pub description: Option<String>,
    /// Parameters: path ones in path order, then the others in spec order.
    pub params: Vec<Param>,
    /// The request body.
    pub body: Option<Body>,
    /// The success response.
    pub success: Success,
    /// The type of error bodies (`Json` when the spec declares none).
    pub error: TypeRef,
    /// Whether the spec marks it deprecated.
    pub deprecated: bool,
}
