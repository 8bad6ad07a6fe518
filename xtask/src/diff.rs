//! `cargo xtask diff`: what a spec change means for the users of each generated client,
//! computed on the generator's IR (what users call), not on the text of the specs or of the
//! generated code.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use clientgen::ir::{
    Api, Content, IntVariant, Operation, Param, ParamLocation, SchemeKind, StatusVariant, TypeDef,
    TypeKind,
};

/// How a change affects a user of the generated Rust API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Impact {
    /// Code that compiled against the old crate may not compile, or may fail at run time.
    Breaking,
    /// New API: nothing that worked stops working.
    Addition,
    /// No change to what users call (a default URL, a path behind an unchanged method).
    Other,
}

/// One change, in words a reviewer reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// How it affects users.
    pub impact: Impact,
    /// What changed (Markdown).
    pub text: String,
}

/// The changes of one crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrateReport {
    /// The crate name (`nudge-client`).
    pub name: String,
    /// Its version in the working tree's `client.toml` (the base's, for a removed crate).
    pub version: String,
    /// The changes, breaking first.
    pub changes: Vec<Change>,
    /// The crate has no spec at the base revision.
    pub new: bool,
}

impl CrateReport {
    /// Whether any change breaks users.
    pub fn is_breaking(&self) -> bool {
        self.changes.iter().any(|c| c.impact == Impact::Breaking)
    }

    /// The version the changes call for: a breaking change bumps the major version (the
    /// minor one before 1.0), an addition the minor (the patch before 1.0), anything else the
    /// patch; no change keeps the version.
    pub fn next_version(&self) -> String {
        let worst = self.changes.iter().map(|c| c.impact).min();
        let mut parts = self
            .version
            .split(['.', '-', '+'])
            .take(3)
            .map(|p| p.parse::<u64>().unwrap_or(0));
        let (major, minor, patch) = (
            parts.next().unwrap_or(0),
            parts.next().unwrap_or(0),
            parts.next().unwrap_or(0),
        );
        let (major, minor, patch) = match (worst, major) {
            (None, _) => return self.version.clone(),
            (Some(Impact::Breaking), 0) => (0, minor + 1, 0),
            (Some(Impact::Breaking), _) => (major + 1, 0, 0),
            (Some(Impact::Addition), 0) => (0, minor, patch + 1),
            (Some(Impact::Addition), _) => (major, minor + 1, 0),
            (Some(Impact::Other), _) => (major, minor, patch + 1),
        };
        format!("{major}.{minor}.{patch}")
    }
}

/// Every change from `old` to `new`, breaking ones first, each group in API order.
pub fn compare(old: &Api, new: &Api) -> Vec<Change> {
    let mut changes = Vec::new();
    servers(old, new, &mut changes);
    credentials(old, new, &mut changes);
    features(old, new, &mut changes);
    operations(old, new, &mut changes);
    types(old, new, &mut changes);
    changes.sort_by_key(|c| c.impact);
    changes
}

/// Cargo features (one per operation group): one removed breaks the builds that name it, one
/// added is an addition. An operation that moves to another group is in `operation`.
fn features(old: &Api, new: &Api, changes: &mut Vec<Change>) {
    let names =
        |api: &Api| -> Vec<String> { api.features.iter().map(|f| f.name.clone()).collect() };
    let (old_names, new_names) = (names(old), names(new));
    let removed: Vec<String> = old_names
        .iter()
        .filter(|n| !new_names.contains(n))
        .map(|n| format!("`{n}`"))
        .collect();
    if !removed.is_empty() {
        push(
            changes,
            Impact::Breaking,
            format!("cargo feature removed: {}", removed.join(", ")),
        );
    }
    let added: Vec<String> = new_names
        .iter()
        .filter(|n| !old_names.contains(n))
        .map(|n| format!("`{n}`"))
        .collect();
    if !added.is_empty() {
        push(
            changes,
            Impact::Addition,
            format!("cargo feature added: {}", added.join(", ")),
        );
    }
}

fn push(changes: &mut Vec<Change>, impact: Impact, text: String) {
    changes.push(Change { impact, text });
}

/// Members of an enum or union (values, alternatives) only in `old` are removed, a breaking
/// change; those only in `new` are an addition. `key` says which members are the same one,
/// `show` how a member is written in the report.
fn members<T>(
    changes: &mut Vec<Change>,
    name: &str,
    what: &str,
    old: &[T],
    new: &[T],
    key: impl Fn(&T) -> String,
    show: impl Fn(&T) -> String,
) {
    let only = |these: &[T], others: &[T]| {
        these
            .iter()
            .filter(|m| !others.iter().any(|o| key(o) == key(m)))
            .map(&show)
            .collect::<Vec<_>>()
    };
    let removed = only(old, new);
    if !removed.is_empty() {
        push(
            changes,
            Impact::Breaking,
            format!("`{name}`: {what} removed: {}", removed.join(", ")),
        );
    }
    let added = only(new, old);
    if !added.is_empty() {
        push(
            changes,
            Impact::Addition,
            format!("`{name}`: {what} added: {}", added.join(", ")),
        );
    }
}

fn servers(old: &Api, new: &Api, changes: &mut Vec<Change>) {
    let method = |api: &Api| api.server.as_ref().map(|s| s.method.clone());
    match (method(old), method(new)) {
        (Some(a), Some(b)) if a != b => push(
            changes,
            Impact::Breaking,
            format!("server builder method renamed: `.{a}(..)` → `.{b}(..)`"),
        ),
        (Some(a), None) => push(
            changes,
            Impact::Breaking,
            format!("server builder method removed: `.{a}(..)`"),
        ),
        (None, Some(b)) => push(
            changes,
            Impact::Addition,
            format!("server builder method added: `.{b}(..)`"),
        ),
        _ => {}
    }
    if let (Some(a), Some(b)) = (&old.server, &new.server) {
        let args = |s: &clientgen::ir::ServerTemplate| {
            s.variables
                .iter()
                .map(|v| v.arg.clone())
                .collect::<Vec<_>>()
        };
        if args(a) != args(b) {
            push(
                changes,
                Impact::Breaking,
                format!(
                    "`.{}(..)` takes ({}) instead of ({})",
                    b.method,
                    args(b).join(", "),
                    args(a).join(", ")
                ),
            );
        }
    }
    match (&old.default_server, &new.default_server) {
        (Some(a), Some(b)) if a != b => push(
            changes,
            Impact::Other,
            format!("default server changed: `{a}` → `{b}`"),
        ),
        (Some(a), None) => push(
            changes,
            Impact::Breaking,
            format!("no default server any more (was `{a}`): the base URL must be set"),
        ),
        (None, Some(b)) => push(
            changes,
            Impact::Addition,
            format!("default server added: `{b}`"),
        ),
        _ => {}
    }
}

fn scheme_kind(kind: &SchemeKind) -> &'static str {
    match kind {
        SchemeKind::Bearer {
            exchange: Some(_), ..
        } => "bearer token exchanged for a credential",
        SchemeKind::Bearer { .. } => "bearer token",
        SchemeKind::Basic => "HTTP basic",
        SchemeKind::ApiKey { .. } => "API key",
    }
}

/// A bearer scheme that gained a token exchange and is otherwise unchanged: the builder
/// gains a method, and every method it had still works.
fn exchange_added(old: &SchemeKind, new: &SchemeKind) -> bool {
    match (old, new) {
        (
            SchemeKind::Bearer {
                provider_method: a,
                exchange: None,
            },
            SchemeKind::Bearer {
                provider_method: b,
                exchange: Some(_),
            },
        ) => a == b,
        _ => false,
    }
}

fn credentials(old: &Api, new: &Api, changes: &mut Vec<Change>) {
    for scheme in &old.security_schemes {
        match new.security_schemes.iter().find(|s| s.name == scheme.name) {
            None => push(
                changes,
                Impact::Breaking,
                format!(
                    "auth: security scheme `{}` removed (`.{}(..)`)",
                    scheme.name, scheme.method
                ),
            ),
            Some(now) if now.method == scheme.method && exchange_added(&scheme.kind, &now.kind) => {
                let SchemeKind::Bearer {
                    exchange: Some(exchange),
                    ..
                } = &now.kind
                else {
                    continue;
                };
                push(
                    changes,
                    Impact::Addition,
                    format!(
                        "auth: security scheme `{}` also takes a credential to exchange for tokens (`.{}(..)`)",
                        scheme.name, exchange.method
                    ),
                );
            }
            Some(now) if now.method != scheme.method || now.kind != scheme.kind => push(
                changes,
                Impact::Breaking,
                format!(
                    "auth: security scheme `{}` changed from {} (`.{}(..)`) to {} (`.{}(..)`)",
                    scheme.name,
                    scheme_kind(&scheme.kind),
                    scheme.method,
                    scheme_kind(&now.kind),
                    now.method
                ),
            ),
            Some(_) => {}
        }
    }
    for scheme in &new.security_schemes {
        if !old.security_schemes.iter().any(|s| s.name == scheme.name) {
            push(
                changes,
                Impact::Addition,
                format!(
                    "auth: security scheme `{}` added, {} (`.{}(..)`)",
                    scheme.name,
                    scheme_kind(&scheme.kind),
                    scheme.method
                ),
            );
        }
    }
    if old.security != new.security {
        push(
            changes,
            Impact::Breaking,
            format!(
                "auth: the API's security requirement changed from {} to {}",
                requirement(old.security.as_deref()),
                requirement(new.security.as_deref())
            ),
        );
    }
    for setting in &old.settings {
        match new
            .settings
            .iter()
            .find(|s| s.wire_name == setting.wire_name)
        {
            None => push(
                changes,
                Impact::Breaking,
                format!(
                    "setting removed: `.{}(..)` (header `{}`)",
                    setting.method, setting.wire_name
                ),
            ),
            Some(now) if !setting.required && now.required => push(
                changes,
                Impact::Breaking,
                format!(
                    "setting `.{}(..)` (header `{}`) is now required",
                    now.method, now.wire_name
                ),
            ),
            Some(now) if now.ty != setting.ty || now.method != setting.method => push(
                changes,
                Impact::Breaking,
                format!(
                    "setting `.{}({})` is now `.{}({})` (header `{}`)",
                    setting.method, setting.ty, now.method, now.ty, now.wire_name
                ),
            ),
            Some(now) if now.serialization != setting.serialization => push(
                changes,
                Impact::Breaking,
                format!(
                    "setting `.{}(..)` (header `{}`) is now sent as {}, was {} (a wire format change)",
                    now.method, now.wire_name, now.serialization, setting.serialization
                ),
            ),
            Some(_) => {}
        }
    }
    for setting in &new.settings {
        if !old
            .settings
            .iter()
            .any(|s| s.wire_name == setting.wire_name)
        {
            let (impact, what) = if setting.required {
                (Impact::Breaking, "required setting added")
            } else {
                (Impact::Addition, "optional setting added")
            };
            push(
                changes,
                impact,
                format!(
                    "{what}: `.{}(..)` (header `{}`)",
                    setting.method, setting.wire_name
                ),
            );
        }
    }
}

fn requirement(security: Option<&[Vec<String>]>) -> String {
    match security {
        None => "none stated".to_owned(),
        Some(alternatives) => alternatives
            .iter()
            .map(|all| {
                if all.is_empty() {
                    "no auth".to_owned()
                } else {
                    all.join(" + ")
                }
            })
            .collect::<Vec<_>>()
            .join(" or "),
    }
}

fn label(op: &Operation) -> String {
    format!("`{} {}` (`{}`)", op.http_method, op.path, op.method_name)
}

fn operations(old: &Api, new: &Api, changes: &mut Vec<Change>) {
    let key = |op: &Operation| (op.http_method.clone(), op.path.clone());
    let new_by_key: BTreeMap<_, &Operation> = new.operations.iter().map(|o| (key(o), o)).collect();
    let old_by_key: BTreeMap<_, &Operation> = old.operations.iter().map(|o| (key(o), o)).collect();
    for op in &old.operations {
        if let Some(now) = new_by_key.get(&key(op)) {
            operation(op, now, changes);
            continue;
        }
        // Same method name, another path: the call is unchanged, the request goes elsewhere.
        let moved = new
            .operations
            .iter()
            .find(|o| o.method_name == op.method_name && !old_by_key.contains_key(&key(o)));
        match moved {
            Some(now) => {
                push(
                    changes,
                    Impact::Other,
                    format!(
                        "operation `{}` now sends `{} {}` (was `{} {}`)",
                        op.method_name, now.http_method, now.path, op.http_method, op.path
                    ),
                );
                operation(op, now, changes);
            }
            None => push(
                changes,
                Impact::Breaking,
                format!("operation removed: {}", label(op)),
            ),
        }
    }
    for op in &new.operations {
        let moved = old
            .operations
            .iter()
            .any(|o| o.method_name == op.method_name && !new_by_key.contains_key(&key(o)));
        if !old_by_key.contains_key(&key(op)) && !moved {
            push(
                changes,
                Impact::Addition,
                format!("operation added: {}", label(op)),
            );
        }
    }
}

fn location(location: ParamLocation) -> &'static str {
    location.as_str()
}

/// How a parameter is written, for the report: `form, explode: true`, with `allowReserved`.
fn wire_form(param: &Param) -> String {
    if param.allow_reserved {
        format!("{}, allowReserved", param.serialization)
    } else {
        param.serialization.to_string()
    }
}

fn operation(old: &Operation, new: &Operation, changes: &mut Vec<Change>) {
    let at = format!("`{}`", new.method_name);
    if old.method_name != new.method_name {
        push(
            changes,
            Impact::Breaking,
            format!(
                "operation renamed: `{} {}` is `{}`, was `{}`",
                new.http_method, new.path, new.method_name, old.method_name
            ),
        );
    }
    // A build with `default-features = false` and the old group's feature loses it.
    if let (Some(was), Some(is)) = (&old.feature, &new.feature) {
        if was != is {
            push(
                changes,
                Impact::Breaking,
                format!("{at}: moved from cargo feature `{was}` to `{is}`"),
            );
        }
    }
    let find = |params: &[Param], p: &Param| {
        params
            .iter()
            .find(|q| q.wire_name == p.wire_name && q.location == p.location)
            .cloned()
    };
    for param in &old.params {
        let what = format!(
            "{} parameter `{}`",
            location(param.location),
            param.wire_name
        );
        match find(&new.params, param) {
            None => push(changes, Impact::Breaking, format!("{at}: {what} removed")),
            Some(now) => {
                if !param.required && now.required {
                    push(
                        changes,
                        Impact::Breaking,
                        format!("{at}: {what} made required (a new argument)"),
                    );
                } else if param.required && !now.required {
                    push(
                        changes,
                        Impact::Breaking,
                        format!("{at}: {what} made optional (an argument becomes a setter)"),
                    );
                }
                if now.ty != param.ty {
                    push(
                        changes,
                        Impact::Breaking,
                        format!("{at}: {what} retyped from `{}` to `{}`", param.ty, now.ty),
                    );
                }
                // The call compiles as before, but the server receives another text.
                if wire_form(&now) != wire_form(param) {
                    push(
                        changes,
                        Impact::Breaking,
                        format!(
                            "{at}: {what} is now sent as {}, was {} (a wire format change)",
                            wire_form(&now),
                            wire_form(param)
                        ),
                    );
                }
            }
        }
    }
    for param in &new.params {
        if find(&old.params, param).is_none() {
            let (impact, kind) = if param.required {
                (Impact::Breaking, "required")
            } else {
                (Impact::Addition, "optional")
            };
            push(
                changes,
                impact,
                format!(
                    "{at}: {kind} {} parameter `{}` added",
                    location(param.location),
                    param.wire_name
                ),
            );
        }
    }
    match (&old.body, &new.body) {
        (Some(_), None) => push(
            changes,
            Impact::Breaking,
            format!("{at}: request body removed"),
        ),
        (None, Some(body)) => {
            let (impact, kind) = if body.required {
                (Impact::Breaking, "required")
            } else {
                (Impact::Addition, "optional")
            };
            push(
                changes,
                impact,
                format!("{at}: {kind} request body `{}` added", body.ty),
            );
        }
        (Some(a), Some(b)) => {
            if a.ty != b.ty {
                push(
                    changes,
                    Impact::Breaking,
                    format!("{at}: request body retyped from `{}` to `{}`", a.ty, b.ty),
                );
            }
            if a.required != b.required {
                push(
                    changes,
                    Impact::Breaking,
                    format!(
                        "{at}: request body made {}",
                        if b.required { "required" } else { "optional" }
                    ),
                );
            }
            // Servers check the `Content-Type`: a body sent another way breaks callers even
            // when its type stays.
            if a.content_type != b.content_type {
                push(
                    changes,
                    Impact::Breaking,
                    format!(
                        "{at}: request body media type changed from `{}` to `{}`",
                        a.content_type, b.content_type
                    ),
                );
            } else if a.encoding != b.encoding {
                push(
                    changes,
                    Impact::Breaking,
                    format!(
                        "{at}: request body `{}` encoded differently",
                        b.content_type
                    ),
                );
            }
        }
        (None, None) => {}
    }
    if old.success != new.success {
        push(
            changes,
            Impact::Breaking,
            format!(
                "{at}: response retyped from `{}` to `{}`",
                old.success, new.success
            ),
        );
    }
    if old.error != new.error {
        push(
            changes,
            Impact::Breaking,
            format!(
                "{at}: error body retyped from `{}` to `{}`",
                old.error, new.error
            ),
        );
    }
    match (&old.accept_choice, &new.accept_choice) {
        (Some(a), None) => push(
            changes,
            Impact::Breaking,
            format!("{at}: `.{}(..)` removed (one media type left)", a.setter),
        ),
        (None, Some(b)) => push(
            changes,
            Impact::Addition,
            format!(
                "{at}: `.{}({})` added: the response's media type is chosen, `{}` by default",
                b.setter,
                b.type_name,
                new.accept.as_deref().unwrap_or_default()
            ),
        ),
        (Some(a), Some(b)) if a.setter != b.setter || a.type_name != b.type_name => push(
            changes,
            Impact::Breaking,
            format!(
                "{at}: `.{}({})` is now `.{}({})`",
                a.setter, a.type_name, b.setter, b.type_name
            ),
        ),
        // Callers that never chose now get another format.
        (Some(_), Some(_)) if old.accept != new.accept => push(
            changes,
            Impact::Breaking,
            format!(
                "{at}: the media type asked for by default is `{}`, was `{}`",
                new.accept.as_deref().unwrap_or_default(),
                old.accept.as_deref().unwrap_or_default()
            ),
        ),
        _ => {}
    }
    // A new parameter that takes an option's name moves the option's setter (`timeout_2`).
    let (a, b) = (&old.options, &new.options);
    for (was, is) in [
        (&a.timeout, &b.timeout),
        (&a.header, &b.header),
        (&a.max_retries, &b.max_retries),
    ] {
        if was != is {
            push(
                changes,
                Impact::Breaking,
                format!("{at}: the per-call option `.{was}(..)` is now `.{is}(..)`"),
            );
        }
    }
    match (&old.pagination, &new.pagination) {
        (Some(_), None) => push(
            changes,
            Impact::Breaking,
            format!("{at}: `.pages()` and `.items()` removed"),
        ),
        (None, Some(_)) => push(
            changes,
            Impact::Addition,
            format!("{at}: `.pages()` and `.items()` added"),
        ),
        (Some(a), Some(b)) if a.item_type != b.item_type => push(
            changes,
            Impact::Breaking,
            format!(
                "{at}: `.items()` yields `{}` instead of `{}`",
                b.item_type, a.item_type
            ),
        ),
        _ => {}
    }
}

/// What a response enum's variant holds, in words (`Pet` as JSON and text are both `String`).
fn holds(content: &Content) -> String {
    match content {
        Content::Empty => "nothing".to_owned(),
        Content::Json(ty) => format!("JSON `{ty}`"),
        Content::Text => "text".to_owned(),
        Content::Bytes => "bytes".to_owned(),
    }
}

fn kind_name(kind: &TypeKind) -> &'static str {
    match kind {
        TypeKind::Struct { .. } => "struct",
        TypeKind::StringEnum { .. } => "enum",
        TypeKind::IntEnum { .. } => "integer enum",
        TypeKind::Union { .. } => "union",
        TypeKind::Alias(_) => "type alias",
        TypeKind::Responses { error: false, .. } => "response enum",
        TypeKind::Responses { error: true, .. } => "error enum",
        TypeKind::MediaTypes { .. } => "media type enum",
    }
}

/// `a struct`, `an enum`, `an integer enum`.
fn with_article(kind: &str) -> String {
    if kind.starts_with(['a', 'e', 'i', 'o', 'u']) {
        format!("an {kind}")
    } else {
        format!("a {kind}")
    }
}

fn types(old: &Api, new: &Api, changes: &mut Vec<Change>) {
    let by_name = |api: &Api| -> BTreeMap<String, TypeDef> {
        api.types
            .iter()
            .map(|t| (t.name.clone(), t.clone()))
            .collect()
    };
    let (before, after) = (by_name(old), by_name(new));
    for (name, def) in &before {
        let Some(now) = after.get(name) else {
            push(
                changes,
                Impact::Breaking,
                format!("type removed: `{name}` ({})", kind_name(&def.kind)),
            );
            continue;
        };
        // A type gated by fewer of the features both versions have: a build with only the
        // feature it left loses it. (Ungated counts as gated by every feature.)
        let within = |api: &Api, def: &TypeDef| -> Vec<String> {
            if def.features.is_empty() {
                api.features.iter().map(|f| f.name.clone()).collect()
            } else {
                def.features.clone()
            }
        };
        let (was, is) = (within(old, def), within(new, now));
        let lost: Vec<String> = was
            .iter()
            .filter(|f| !is.contains(f) && new.features.iter().any(|n| &n.name == *f))
            .map(|f| format!("`{f}`"))
            .collect();
        if !lost.is_empty() {
            push(
                changes,
                Impact::Breaking,
                format!(
                    "`{name}`: no longer compiled with cargo feature {}",
                    lost.join(", ")
                ),
            );
        }
        match (&def.kind, &now.kind) {
            (TypeKind::Struct { fields: a }, TypeKind::Struct { fields: b }) => {
                for field in a {
                    match b.iter().find(|f| f.wire_name == field.wire_name) {
                        None => push(
                            changes,
                            Impact::Breaking,
                            format!("`{name}`: field `{}` removed", field.rust_name),
                        ),
                        Some(f) => {
                            if f.ty != field.ty {
                                push(
                                    changes,
                                    Impact::Breaking,
                                    format!(
                                        "`{name}`: field `{}` retyped from `{}` to `{}`",
                                        f.rust_name, field.ty, f.ty
                                    ),
                                );
                            }
                            if f.is_option() != field.is_option() {
                                let now = if f.is_option() {
                                    "optional"
                                } else {
                                    "required"
                                };
                                push(
                                    changes,
                                    Impact::Breaking,
                                    format!("`{name}`: field `{}` made {now}", f.rust_name),
                                );
                            }
                        }
                    }
                }
                for field in b {
                    if !a.iter().any(|f| f.wire_name == field.wire_name) {
                        let (impact, kind) = if field.is_option() {
                            (Impact::Addition, "optional")
                        } else {
                            (Impact::Breaking, "required")
                        };
                        push(
                            changes,
                            impact,
                            format!(
                                "`{name}`: {kind} field `{}: {}` added",
                                field.rust_name, field.ty
                            ),
                        );
                    }
                }
            }
            (TypeKind::Union { variants: a, .. }, TypeKind::Union { variants: b, .. }) => {
                let key = |v: &clientgen::ir::UnionVariant| v.rust_name.clone();
                let show = |v: &clientgen::ir::UnionVariant| format!("`{}({})`", v.rust_name, v.ty);
                members(changes, name, "alternatives", a, b, key, show);
                for old in a {
                    if let Some(new) = b
                        .iter()
                        .find(|v| v.rust_name == old.rust_name && v.ty != old.ty)
                    {
                        push(
                            changes,
                            Impact::Breaking,
                            format!(
                                "`{name}`: alternative `{}` now holds `{}`, was `{}`",
                                old.rust_name, new.ty, old.ty
                            ),
                        );
                    }
                }
            }
            (TypeKind::StringEnum { variants: a }, TypeKind::StringEnum { variants: b }) => {
                let key = |v: &clientgen::ir::Variant| v.wire_value.clone();
                let show = |v: &clientgen::ir::Variant| format!("`{}`", v.wire_value);
                members(changes, name, "enum values", a, b, key, show);
            }
            (TypeKind::MediaTypes { variants: a }, TypeKind::MediaTypes { variants: b }) => {
                let key = |v: &clientgen::ir::MediaVariant| v.media_type.clone();
                let show = |v: &clientgen::ir::MediaVariant| format!("`{}`", v.media_type);
                members(changes, name, "media types", a, b, key, show);
            }
            (TypeKind::IntEnum { variants: a }, TypeKind::IntEnum { variants: b }) => {
                let key = |v: &IntVariant| v.value.to_string();
                let show = |v: &IntVariant| format!("`{}`", v.value);
                members(changes, name, "enum values", a, b, key, show);
                // Names come from `x-enum-varnames`, so a value can keep its number and
                // change its variant: code naming the old variant no longer compiles.
                for old in a {
                    if let Some(new) = b
                        .iter()
                        .find(|v| v.value == old.value && v.rust_name != old.rust_name)
                    {
                        push(
                            changes,
                            Impact::Breaking,
                            format!(
                                "`{name}`: variant `{}` (`{}`) renamed to `{}`",
                                old.rust_name, old.value, new.rust_name
                            ),
                        );
                    }
                }
            }
            (
                TypeKind::Responses {
                    variants: a,
                    error: was_error,
                },
                TypeKind::Responses {
                    variants: b,
                    error: is_error,
                },
            ) if was_error == is_error => {
                let show = |v: &StatusVariant| format!("`{}` ({})", v.rust_name, v.status);
                let only = |these: &[StatusVariant], others: &[StatusVariant]| {
                    these
                        .iter()
                        .filter(|v| !others.iter().any(|o| o.rust_name == v.rust_name))
                        .map(show)
                        .collect::<Vec<_>>()
                };
                let removed = only(a, b);
                if !removed.is_empty() {
                    push(
                        changes,
                        Impact::Breaking,
                        format!("`{name}`: variants removed: {}", removed.join(", ")),
                    );
                }
                // Generated enums are `#[non_exhaustive]`: users' `match`es have a `_` arm,
                // so a new variant breaks nothing.
                let added = only(b, a);
                if !added.is_empty() {
                    push(
                        changes,
                        Impact::Addition,
                        format!("`{name}`: variants added: {}", added.join(", ")),
                    );
                }
                for old in a {
                    if let Some(new) = b
                        .iter()
                        .find(|v| v.rust_name == old.rust_name && v.content != old.content)
                    {
                        push(
                            changes,
                            Impact::Breaking,
                            format!(
                                "`{name}`: variant `{}` now holds {}, was {}",
                                old.rust_name,
                                holds(&new.content),
                                holds(&old.content)
                            ),
                        );
                    }
                }
            }
            (TypeKind::Alias(a), TypeKind::Alias(b)) if a != b => push(
                changes,
                Impact::Breaking,
                format!("`{name}`: now `{b}`, was `{a}`"),
            ),
            (a, b) if kind_name(a) != kind_name(b) => push(
                changes,
                Impact::Breaking,
                format!(
                    "`{name}`: now {}, was {}",
                    with_article(kind_name(b)),
                    with_article(kind_name(a))
                ),
            ),
            _ => {}
        }
    }
    for (name, def) in &after {
        if !before.contains_key(name) {
            push(
                changes,
                Impact::Addition,
                format!("type added: `{name}` ({})", kind_name(&def.kind)),
            );
        }
    }
}

/// The Markdown report: a summary table of every crate, then the changes of each crate that
/// has any.
pub fn render(base: &str, reports: &[CrateReport]) -> String {
    let mut out = format!("# API changes since `{base}`\n\n");
    out.push_str("| Crate | Breaking | Additions | Other | Version |\n|---|---|---|---|---|\n");
    for report in reports {
        let count = |impact| report.changes.iter().filter(|c| c.impact == impact).count();
        let next = report.next_version();
        let version = if report.new {
            format!("{} (new crate)", report.version)
        } else if next == report.version {
            format!("{} (unchanged)", report.version)
        } else {
            format!("{} → {next}", report.version)
        };
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} | {version} |",
            report.name,
            count(Impact::Breaking),
            count(Impact::Addition),
            count(Impact::Other)
        );
    }
    for report in reports.iter().filter(|r| !r.changes.is_empty()) {
        let _ = write!(out, "\n## `{}`\n\n", report.name);
        for change in &report.changes {
            let tag = match change.impact {
                Impact::Breaking => "**breaking** ",
                Impact::Addition => "",
                Impact::Other => "(no API change) ",
            };
            let _ = writeln!(out, "- {tag}{}", change.text);
        }
    }
    if reports.iter().all(|r| r.changes.is_empty()) {
        out.push_str("\nNo API changes.\n");
    }
    out
}

/// A spec directory's files at `rev` (`None` when it does not exist there).
fn at_revision(root: &Path, rev: &str, file: &str) -> Result<Option<String>, String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(root)
        .arg("show")
        .arg(format!("{rev}:{file}"))
        .output()
        .map_err(|err| format!("cannot run git: {err}"))?;
    if output.status.success() {
        return String::from_utf8(output.stdout)
            .map(Some)
            .map_err(|_| format!("{file} at {rev} is not UTF-8"));
    }
    // Tell a missing file from a bad revision.
    let verify = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["rev-parse", "--verify", "--quiet"])
        .arg(format!("{rev}^{{commit}}"))
        .output()
        .map_err(|err| format!("cannot run git: {err}"))?;
    if verify.status.success() {
        Ok(None)
    } else {
        Err(format!(
            "`{rev}` is not a git revision of {}",
            root.display()
        ))
    }
}

/// The vendor directories of `specs/` at `rev`.
fn vendors_at(root: &Path, rev: &str) -> Result<Vec<String>, String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["ls-tree", "--name-only", rev, "specs/"])
        .output()
        .map_err(|err| format!("cannot run git: {err}"))?;
    if !output.status.success() {
        return Err(format!(
            "`{rev}` is not a git revision of {}: {}",
            root.display(),
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| line.strip_prefix("specs/"))
        .map(str::to_owned)
        .collect())
}

/// Lowers a spec as it is at `rev` (`None`: the working tree); the files it refers to are read
/// at the same revision.
fn lower(root: &Path, text: &str, file: &str, rev: Option<&str>) -> Result<Api, String> {
    let files = |path: &Path| -> std::io::Result<String> {
        let path = path.to_string_lossy();
        match rev {
            None => std::fs::read_to_string(root.join(path.as_ref())),
            Some(rev) => at_revision(root, rev, &path)
                .map_err(std::io::Error::other)?
                .ok_or_else(|| {
                    std::io::Error::new(std::io::ErrorKind::NotFound, format!("not in {rev}"))
                }),
        }
    };
    let rev = rev.unwrap_or("the working tree");
    clientgen::lower_with(text, file, &files)
        .map(|(api, _)| api)
        .map_err(|problems| {
            let problems = problems
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n");
            format!("{file} at {rev} has errors:\n{problems}")
        })
}

fn crate_name(settings: Option<&str>, vendor: &str) -> (String, String) {
    settings
        .and_then(|text| clientgen::Settings::from_toml(text).ok())
        .map_or_else(
            || (vendor.to_owned(), "0.0.0".to_owned()),
            |s| (s.name, s.version),
        )
}

/// Compares every vendor spec at `rev` with the working tree.
pub fn diff(root: &Path, rev: &str) -> Result<Vec<CrateReport>, String> {
    let mut vendors = vendors_at(root, rev)?;
    for vendor in crate::vendors(root)? {
        if !vendors.contains(&vendor) {
            vendors.push(vendor);
        }
    }
    vendors.sort();
    let mut reports = Vec::new();
    for vendor in vendors {
        let spec_file = format!("specs/{vendor}/openapi.yaml");
        let settings_file = format!("specs/{vendor}/client.toml");
        let old_spec = at_revision(root, rev, &spec_file)?;
        let old_settings = at_revision(root, rev, &settings_file)?;
        let new_spec = std::fs::read_to_string(root.join(&spec_file)).ok();
        let new_settings = std::fs::read_to_string(root.join(&settings_file)).ok();
        let (name, version) =
            crate_name(new_settings.as_deref().or(old_settings.as_deref()), &vendor);
        let new = old_spec.is_none();
        let changes = match (old_spec, new_spec) {
            (None, None) => continue,
            (Some(old), Some(new)) => compare(
                &lower(root, &old, &spec_file, Some(rev))?,
                &lower(root, &new, &spec_file, None)?,
            ),
            (None, Some(_)) => vec![Change {
                impact: Impact::Addition,
                text: format!("new crate from `{spec_file}`"),
            }],
            (Some(_), None) => vec![Change {
                impact: Impact::Breaking,
                text: format!("crate removed: `{spec_file}` is gone"),
            }],
        };
        reports.push(CrateReport {
            name,
            version,
            changes,
            new,
        });
    }
    Ok(reports)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(schema: &str) -> Api {
        let spec = format!(
            "openapi: 3.0.3\ninfo: {{ title: T, version: '1' }}\npaths: {{}}\ncomponents:\n  schemas:\n    Status: {schema}\n"
        );
        match clientgen::lower(&spec, "t.yaml") {
            Ok((api, _)) => api,
            Err(problems) => panic!("{problems:#?}"),
        }
    }

    fn texts(old: &str, new: &str) -> Vec<(Impact, String)> {
        compare(&status(old), &status(new))
            .into_iter()
            .map(|c| (c.impact, c.text))
            .collect()
    }

    #[test]
    fn integer_enum_values_removed_break_renamed_variants_break_added_values_add() {
        let before = "{ type: integer, enum: [0, 1, 2], x-enum-varnames: [Off, On, Auto] }";
        let after = "{ type: integer, enum: [0, 1, 3], x-enum-varnames: [Off, Enabled, Eco] }";
        assert_eq!(
            texts(before, after),
            [
                (
                    Impact::Breaking,
                    "`Status`: enum values removed: `2`".to_owned()
                ),
                (
                    Impact::Breaking,
                    "`Status`: variant `On` (`1`) renamed to `Enabled`".to_owned()
                ),
                (
                    Impact::Addition,
                    "`Status`: enum values added: `3`".to_owned()
                ),
            ]
        );
        assert!(texts(before, before).is_empty());
    }

    #[test]
    fn union_alternatives_removed_or_retyped_break_added_ones_add() {
        let before = "{ oneOf: [{ type: integer }, { type: string }, { type: boolean }] }";
        let after = "{ oneOf: [{ type: number }, { type: string }, { type: array, items: { type: string } }] }";
        let mut got = texts(before, after);
        got.sort();
        let mut want = vec![
            (
                Impact::Breaking,
                "`Status`: alternatives removed: `Integer(i64)`, `Boolean(bool)`".to_owned(),
            ),
            (
                Impact::Addition,
                "`Status`: alternatives added: `Array(Vec<String>)`, `Number(f64)`".to_owned(),
            ),
        ];
        want.sort();
        assert_eq!(got, want);
        assert!(texts(before, before).is_empty());
    }

    #[test]
    fn an_integer_becoming_an_integer_enum_or_a_string_enum_is_a_new_kind() {
        assert_eq!(
            texts("{ type: integer }", "{ type: integer, enum: [1] }"),
            [(
                Impact::Breaking,
                "`Status`: now an integer enum, was a type alias".to_owned()
            )]
        );
        assert_eq!(
            texts(
                "{ type: integer, enum: [1] }",
                "{ type: string, enum: ['1'] }"
            ),
            [(
                Impact::Breaking,
                "`Status`: now an enum, was an integer enum".to_owned()
            )]
        );
    }
}
