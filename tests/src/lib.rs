//! Shared helpers of the workspace's tests. The tests themselves are the `[[test]]` targets
//! next to this crate's Cargo.toml. The root README is compiled here as a doctest, so its
//! example keeps compiling.
#![doc = include_str!("../../README.md")]

use std::path::{Path, PathBuf};

use serde_json::{json, Value};
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockBuilder, MockServer, ResponseTemplate};

/// The repository root.
pub fn repo_root() -> PathBuf {
    xtask::repo_root()
}

/// A file under `tests/fixtures/`, read to a string.
pub fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()))
}

/// A file of a construct fixture's generated crate (`tests/generated/<fixture>/<file>`).
pub fn fixture_output(fixture: &str, file: &str) -> String {
    let path = repo_root().join("tests/generated").join(fixture).join(file);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()))
}

/// A construct fixture's spec (`tests/specs/<fixture>/openapi.yaml`) lowered to the IR, with
/// its warnings; a spec with errors fails the test.
pub fn lower_fixture(fixture: &str) -> (clientgen::ir::Api, Vec<clientgen::Diagnostic>) {
    let file = format!("tests/specs/{fixture}/openapi.yaml");
    let text = std::fs::read_to_string(repo_root().join(&file))
        .unwrap_or_else(|err| panic!("cannot read {file}: {err}"));
    // The files a split document refers to, by their path from the checkout's root.
    let files = |path: &Path| std::fs::read_to_string(repo_root().join(path));
    clientgen::lower_with(&text, &file, &files).unwrap_or_else(|problems| panic!("{problems:?}"))
}

/// A mock matching one `verb route` request authenticated with `Bearer token`; add matchers,
/// then [`reply`].
pub fn on(verb: &str, route: &str, token: &str) -> MockBuilder {
    Mock::given(method(verb))
        .and(path(route))
        .and(header("authorization", format!("Bearer {token}").as_str()))
}

/// Like [`on`], for a request that must carry a JSON body equal to `body`.
pub fn on_json(verb: &str, route: &str, token: &str, body: Value) -> MockBuilder {
    on(verb, route, token)
        .and(header("content-type", "application/json"))
        .and(body_json(body))
}

/// Answers `mock` with `status` and a JSON body, and requires exactly one matching request.
pub async fn reply(server: &MockServer, mock: MockBuilder, status: u16, body: &Value) {
    mock.respond_with(ResponseTemplate::new(status).set_body_json(body))
        .expect(1)
        .mount(server)
        .await;
}

/// Decodes `sample` as the generated type `T` and encodes it again: a sample that round-trips
/// to an equal value lost nothing on the way.
pub fn round_trip<T: serde::de::DeserializeOwned + serde::Serialize>(sample: &Value) -> Value {
    let decoded: T =
        serde_json::from_value(sample.clone()).unwrap_or_else(|err| panic!("{err}: {sample:#}"));
    serde_json::to_value(&decoded).expect("a generated type encodes")
}

/// A Nudge `App` with every property of the spec's schema present (id 42, Slack).
pub fn nudge_slack_app() -> Value {
    json!({
        "id": 42,
        "name": "Slack",
        "category": "Communication",
        "domain": "slack.com",
        "status": "approved",
        "first_seen": "2024-01-15T09:30:00Z",
        "last_seen": "2025-06-02T17:45:12Z",
    })
}

/// The API a generated crate offers, one line per item, from the generator's IR: server,
/// credentials, settings, every operation (`METHOD path`, then the Rust call with its
/// positional arguments, its setters, what it returns and how it pages) and every type.
/// Snapshotted by `api_surfaces.rs`, so a change to what users call is a reviewed diff
/// without reading the generated code.
pub fn api_surface(api: &clientgen::ir::Api) -> String {
    use clientgen::ir::{Content, ErrorType, PageStyle, Success, TypeKind};
    use std::fmt::Write;

    let mut out = String::new();
    let mut line = |text: String| {
        out.push_str(&text);
        out.push('\n');
    };
    line(format!("{} {}", api.title, api.api_version));
    if let Some(server) = &api.server {
        let variables: Vec<String> = server
            .variables
            .iter()
            .map(|v| match &v.default {
                Some(default) => format!("{} = {default:?}", v.arg),
                None => format!("{} (no default)", v.arg),
            })
            .collect();
        line(format!(
            "server {} via .{}({})",
            server.url,
            server.method,
            variables.join(", ")
        ));
    }
    if let Some(url) = &api.default_server {
        line(format!("default base URL {url}"));
    }
    for scheme in &api.security_schemes {
        line(format!(
            "credential .{}(..) for {}",
            scheme.method, scheme.name
        ));
        if let clientgen::ir::SchemeKind::Bearer {
            exchange: Some(exchange),
            ..
        } = &scheme.kind
        {
            let lifetime = match (&exchange.expires_in, exchange.lifetime_seconds) {
                (Some(at), Some(s)) => format!(", lifetime {at} else {s} s"),
                (Some(at), None) => format!(", lifetime {at}"),
                (None, Some(s)) => format!(", lifetime {s} s"),
                (None, None) => String::new(),
            };
            match &exchange.target {
                clientgen::ir::ExchangeTarget::Operation {
                    http_method,
                    path,
                    scheme: via,
                    parameters,
                    ..
                } => {
                    let mut args: Vec<&str> = parameters.iter().map(|p| p.arg.as_str()).collect();
                    args.push("..");
                    line(format!(
                        "credential .{}({}) for {}: token {} from {http_method} {path} via {via}{lifetime}",
                        exchange.method,
                        args.join(", "),
                        scheme.name,
                        exchange.token
                    ));
                }
                clientgen::ir::ExchangeTarget::Url {
                    http_method,
                    url,
                    url_method,
                    form,
                    ..
                } => {
                    let fields: Vec<&str> = form.iter().map(|(name, _)| name.as_str()).collect();
                    line(format!(
                        "credential .{}(..) for {}: token {} from {http_method} {url} (form {}; .{url_method}(..) moves it){lifetime}",
                        exchange.method,
                        scheme.name,
                        exchange.token,
                        fields.join(", ")
                    ));
                }
            }
        }
    }
    for setting in &api.settings {
        let required = if setting.required { " (required)" } else { "" };
        line(format!(
            "setting .{}({}) sends {}{required}",
            setting.method, setting.ty, setting.wire_name
        ));
    }
    line(String::new());
    for op in &api.operations {
        let mut args: Vec<String> = op
            .params
            .iter()
            .filter(|p| p.required)
            .map(|p| format!("{}: {}", p.rust_name, p.ty))
            .collect();
        let mut setters: Vec<String> = op
            .params
            .iter()
            .filter(|p| !p.required)
            .map(|p| format!(".{}({})", p.rust_name, p.ty))
            .collect();
        if let Some(body) = &op.body {
            let sent = if body.content_type == "application/json" {
                String::new()
            } else {
                format!(" as {}", body.content_type)
            };
            if body.required {
                args.push(format!("body: {}{sent}", body.ty));
            } else {
                setters.push(format!(".body({}{sent})", body.ty));
            }
        }
        if let Some(choice) = &op.accept_choice {
            setters.push(format!(".{}({})", choice.setter, choice.type_name));
        }
        let mut returns = match (&op.success, &op.accept, &op.accept_choice) {
            (Success::Bytes | Success::Text, Some(accept), Some(choice)) => format!(
                "{} (Accept: {accept} unless .{}(..))",
                op.success, choice.setter
            ),
            (Success::Bytes, Some(accept), None) => format!("Bytes (Accept: {accept})"),
            (other, _, _) => other.to_string(),
        };
        if op.success == Success::Bytes {
            returns.push_str(", or a stream from .send_stream()");
        }
        if let Some(events) = &op.events {
            if events.beside {
                let _ = write!(
                    returns,
                    ", or EventStream<{}> from .send_events()",
                    events.ty
                );
            }
            if let Some(header) = &events.last_event_id {
                let _ = write!(returns, " (resumes with {header})");
            }
        }
        if let ErrorType::ByStatus(name) = &op.error {
            let _ = write!(returns, ", errors {name}");
        }
        let mut text = format!(
            "{} {}\n  {}({}) -> {returns}",
            op.http_method,
            op.path,
            op.method_name,
            args.join(", ")
        );
        if !setters.is_empty() {
            let _ = write!(text, "\n  setters {}", setters.join(" "));
        }
        if let Some(p) = &op.pagination {
            let style = match p.style {
                PageStyle::Page => "page",
                PageStyle::Offset => "offset",
                PageStyle::Token => "token",
                PageStyle::Cursor => "cursor",
            };
            let _ = write!(text, "\n  pages by {style} {}", p.param);
            if let Some(size) = &p.size_param {
                let _ = write!(text, " (size {size})");
            }
            let _ = write!(text, ", items {} of {}", p.items, p.item_type);
            if let Some(next) = &p.next {
                let _ = write!(text, ", next {next}");
            }
            if !p.replaces.is_empty() {
                let _ = write!(text, ", replacing {}", p.replaces.join(" "));
            }
        }
        line(text);
    }
    line(String::new());
    for def in &api.types {
        match &def.kind {
            TypeKind::Struct { fields } => {
                let fields: Vec<String> = fields
                    .iter()
                    .map(|f| {
                        let ty = f.ty.to_string();
                        let ty = if f.boxed { format!("Box<{ty}>") } else { ty };
                        let ty = if f.is_option() {
                            format!("Option<{ty}>")
                        } else {
                            ty
                        };
                        format!("{}: {ty}", f.rust_name)
                    })
                    .collect();
                line(format!("struct {} {{ {} }}", def.name, fields.join(", ")));
            }
            TypeKind::StringEnum { variants } => {
                let values: Vec<&str> = variants.iter().map(|v| v.wire_value.as_str()).collect();
                line(format!("enum {} [{}]", def.name, values.join(", ")));
            }
            TypeKind::IntEnum { variants } => {
                let values: Vec<String> = variants
                    .iter()
                    .map(|v| format!("{} = {}", v.value, v.rust_name))
                    .collect();
                line(format!("int enum {} [{}]", def.name, values.join(", ")));
            }
            TypeKind::Union {
                discriminator,
                variants,
            } => {
                let alternatives: Vec<String> = variants
                    .iter()
                    .map(|v| {
                        let ty = if v.boxed {
                            format!("Box<{}>", v.ty)
                        } else {
                            v.ty.to_string()
                        };
                        if v.tags.is_empty() {
                            format!("{}({ty})", v.rust_name)
                        } else {
                            format!("{}({ty}) = {}", v.rust_name, v.tags.join(" | "))
                        }
                    })
                    .collect();
                let by = discriminator
                    .as_ref()
                    .map_or_else(String::new, |d| format!(" by {d}"));
                line(format!(
                    "union {}{by} [{}]",
                    def.name,
                    alternatives.join(", ")
                ));
            }
            TypeKind::Alias(ty) => line(format!("type {} = {ty}", def.name)),
            TypeKind::Responses { error, variants } => {
                let variants: Vec<String> = variants
                    .iter()
                    .map(|v| match &v.content {
                        Content::Empty => format!("{} {}", v.status, v.rust_name),
                        content => format!("{} {}({content})", v.status, v.rust_name),
                    })
                    .collect();
                let (kind, other) = if *error {
                    ("errors", ", Other(Value)")
                } else {
                    ("responses", "")
                };
                line(format!(
                    "{kind} {} [{}{other}]",
                    def.name,
                    variants.join(", ")
                ));
            }
            TypeKind::MediaTypes { variants } => {
                let variants: Vec<String> = variants
                    .iter()
                    .map(|v| format!("{} = {}", v.rust_name, v.media_type))
                    .collect();
                line(format!(
                    "media types {} [{}]",
                    def.name,
                    variants.join(", ")
                ));
            }
        }
    }
    out
}

/// `value` without its `null`s at any depth: object keys whose value is `null` and `null` array
/// elements. Documentation samples rendered by Redoc put `null` where they stop expanding a nested
/// object; it carries no information, and a generated type reads a `null` field as absent.
pub fn without_nulls(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(_, inner)| !inner.is_null())
                .map(|(key, inner)| (key.clone(), without_nulls(inner)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(
            items
                .iter()
                .filter(|inner| !inner.is_null())
                .map(without_nulls)
                .collect(),
        ),
        other => other.clone(),
    }
}

/// `value` with every number as an `f64`, for comparing JSON by numeric value: a sample's `0`
/// read into an `f64` field encodes again as `0.0`.
pub fn numbers_as_f64(value: &Value) -> Value {
    match value {
        Value::Number(number) => number
            .as_f64()
            .and_then(serde_json::Number::from_f64)
            .map_or_else(|| value.clone(), Value::Number),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(key, inner)| (key.clone(), numbers_as_f64(inner)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(numbers_as_f64).collect()),
        other => other.clone(),
    }
}

/// A vendor's spec (`specs/<vendor>/openapi.yaml`) as JSON, for tests that read its examples.
pub fn spec_json(vendor: &str) -> Value {
    let path = repo_root().join("specs").join(vendor).join("openapi.yaml");
    let text = std::fs::read_to_string(&path).expect("the spec is readable");
    serde_yaml::from_str(&text).expect("the spec is YAML")
}
