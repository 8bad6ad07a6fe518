//! Cargo features per operation group ("compile only what you use").
//!
//! An operation's group is its first tag; an untagged operation's group is the first path
//! segment after the prefix every path shares (Stripe's `/v1/customers/{id}`: `customers`).
//! Each group becomes a feature named in kebab-case; every operation of the group and every
//! type only its operations reach exist only with it. A type every group reaches, or none
//! does, always exists.

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{OpenAPI, ReferenceOr};

use crate::diagnostics::Diagnostic;
use crate::ir::{Api, ErrorType, Feature, Operation, Setting, Success, TypeDef, TypeKind, TypeRef};

/// crates.io takes at most 300 features per crate; above this many groups the crate gets no
/// group features (everything is always compiled), with a warning.
pub(crate) const MAX_FEATURES: usize = 250;

/// Feature names the generated Cargo.toml already uses.
const RESERVED: &[&str] = &["default", "full", "mock"];

/// The group of an operation of a path without anything after the shared prefix (`/`).
const ROOT: &str = "root";

/// Decides the groups of `api`'s operations (from `spec`'s tags and paths), names their
/// features, and gates each type by the features that reach it.
pub(crate) fn assign(api: &mut Api, spec: &OpenAPI, file: &str, diagnostics: &mut Vec<Diagnostic>) {
    let tags = first_tags(spec);
    let paths: Vec<&str> = api.operations.iter().map(|op| op.path.as_str()).collect();
    let prefix = shared_prefix(&paths);
    let groups: Vec<String> = api
        .operations
        .iter()
        .map(|op| {
            tags.get(&(op.http_method.to_ascii_lowercase(), op.path.clone()))
                .cloned()
                .unwrap_or_else(|| path_group(&op.path, prefix))
        })
        .collect();
    let distinct: BTreeSet<&str> = groups.iter().map(String::as_str).collect();
    if distinct.len() > MAX_FEATURES {
        diagnostics.push(
            Diagnostic::warning(
                file,
                format!(
                    "the operations fall into {} groups (tags, or path segments), more than the {MAX_FEATURES} cargo features a generated crate gets; the crate has no group features and always compiles every operation",
                    distinct.len()
                ),
            )
            .at("/paths")
            .hint("tag the operations with fewer tags to get one cargo feature per tag"),
        );
        return;
    }
    let names = feature_names(distinct.iter().copied());
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for (op, group) in api.operations.iter_mut().zip(&groups) {
        let name = names.get(group.as_str()).cloned();
        if let Some(name) = &name {
            *counts.entry(name.clone()).or_default() += 1;
        }
        op.feature = name;
    }
    let mut features: Vec<Feature> = names
        .iter()
        .map(|(group, name)| Feature {
            name: name.clone(),
            group: (*group).to_owned(),
            operations: counts.get(name.as_str()).copied().unwrap_or_default(),
        })
        .collect();
    features.sort_by(|a, b| a.name.cmp(&b.name));
    gate_types(
        &mut api.types,
        &api.operations,
        &api.settings,
        features.len(),
    );
    api.features = features;
}

/// The first tag of each operation, by (method, path).
fn first_tags(spec: &OpenAPI) -> BTreeMap<(String, String), String> {
    let mut tags = BTreeMap::new();
    for (path, item) in spec.paths.iter() {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        for (method, op) in item.iter() {
            if let Some(tag) = op.tags.iter().find(|t| !t.trim().is_empty()) {
                tags.insert((method.to_owned(), path.clone()), tag.trim().to_owned());
            }
        }
    }
    tags
}

/// How many leading segments every path shares, never a path's last segment (so every path
/// has one after it) nor a `{parameter}`.
fn shared_prefix(paths: &[&str]) -> usize {
    let split: Vec<Vec<&str>> = paths.iter().map(|p| segments(p)).collect();
    let Some(first) = split.first() else {
        return 0;
    };
    let mut shared = 0;
    while let Some(segment) = first.get(shared) {
        let fits = !segment.starts_with('{')
            && split
                .iter()
                .all(|s| s.len() > shared + 1 && s.get(shared) == Some(segment));
        if !fits {
            break;
        }
        shared += 1;
    }
    shared
}

fn segments(path: &str) -> Vec<&str> {
    path.split('/').filter(|s| !s.is_empty()).collect()
}

/// The group of an untagged operation: its path's first segment after the shared prefix that
/// is not a `{parameter}`; else the prefix's last such segment (`/items/{id}` alone: `items`);
/// else `root`.
fn path_group(path: &str, prefix: usize) -> String {
    let segments = segments(path);
    let literal = |s: &&&str| !s.starts_with('{');
    segments
        .iter()
        .skip(prefix)
        .find(literal)
        .or_else(|| segments.iter().take(prefix).rev().find(literal))
        .map(|s| (*s).to_owned())
        .unwrap_or_else(|| ROOT.to_owned())
}

/// Each group's feature name: kebab-case of ASCII letters, digits, `-` and `_`; `group` when
/// nothing usable is left; numbered (`-2`, `-3`) in the groups' sorted order when taken, and
/// never `default`, `full` or `mock`.
fn feature_names<'g>(groups: impl Iterator<Item = &'g str>) -> BTreeMap<&'g str, String> {
    let mut taken: BTreeSet<String> = RESERVED.iter().map(|s| (*s).to_owned()).collect();
    let mut names = BTreeMap::new();
    for group in groups {
        let base = feature_name(group);
        let mut name = base.clone();
        let mut n = 2;
        while taken.contains(&name) {
            name = format!("{base}-{n}");
            n += 1;
        }
        taken.insert(name.clone());
        names.insert(group, name);
    }
    names
}

/// `Customer Accounts` -> `customer-accounts`, `OAuth Grants` -> `oauth-grants`,
/// `userGroups` -> `user-groups`; `!!!` -> `group`. Words break at anything but an ASCII
/// letter or digit and where a lower-case letter meets an upper-case one; other
/// characters are dropped.
fn feature_name(group: &str) -> String {
    let mut name = String::with_capacity(group.len());
    let mut previous: Option<char> = None;
    for c in group.chars() {
        if c.is_ascii_alphanumeric() {
            let camel_break =
                c.is_ascii_uppercase() && previous.is_some_and(|p| p.is_ascii_lowercase());
            if camel_break && !name.is_empty() && !name.ends_with('-') {
                name.push('-');
            }
            name.push(c.to_ascii_lowercase());
        } else if c.is_ascii() && !name.is_empty() && !name.ends_with('-') {
            name.push('-');
        }
        previous = Some(c);
    }
    let name = name.trim_end_matches('-');
    if name.is_empty() {
        "group".to_owned()
    } else {
        name.to_owned()
    }
}

/// Sets each type's `features`: the features of the operations that reach it through fields,
/// aliases, alternatives, items and response variants (sorted by name, as `features` is). A
/// type also reached from outside every operation (a builder setting's type, or a type no
/// operation reaches, and all it reaches) always exists, as does one every feature reaches.
fn gate_types(
    types: &mut [TypeDef],
    operations: &[Operation],
    settings: &[Setting],
    features: usize,
) {
    let edges: BTreeMap<&str, Vec<&str>> = types
        .iter()
        .map(|def| {
            let mut out = Vec::new();
            for ty in referenced(&def.kind) {
                named(ty, &mut out);
            }
            (def.name.as_str(), out)
        })
        .collect();
    // Per feature, the types its operations name.
    let mut roots: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for op in operations {
        let Some(feature) = op.feature.as_deref() else {
            continue;
        };
        let out = roots.entry(feature).or_default();
        for ty in operation_types(op) {
            named(ty, out);
        }
        out.extend(operation_names(op));
    }
    let mut reached: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (feature, start) in &roots {
        for name in walk(start.clone(), &edges) {
            reached.entry(name).or_default().insert(feature);
        }
    }
    // Always there: what settings name, what no operation reaches, and what those reach.
    let mut always: Vec<&str> = Vec::new();
    for setting in settings {
        named(&setting.ty, &mut always);
    }
    always.extend(
        types
            .iter()
            .map(|def| def.name.as_str())
            .filter(|name| !reached.contains_key(name)),
    );
    let always = walk(always, &edges);
    let gates: Vec<Vec<String>> = types
        .iter()
        .map(|def| {
            let name = def.name.as_str();
            match reached.get(name) {
                Some(by) if !always.contains(name) && by.len() < features => {
                    by.iter().map(|f| (*f).to_owned()).collect()
                }
                _ => Vec::new(),
            }
        })
        .collect();
    for (def, gate) in types.iter_mut().zip(gates) {
        def.features = gate;
    }
}

/// Every type reachable from `start` (included), by name; names of no type are left out.
fn walk<'a>(start: Vec<&'a str>, edges: &BTreeMap<&'a str, Vec<&'a str>>) -> BTreeSet<&'a str> {
    let mut seen = BTreeSet::new();
    let mut stack = start;
    while let Some(name) = stack.pop() {
        let Some(next) = edges.get(name) else {
            continue;
        };
        if seen.insert(name) {
            stack.extend(next.iter().copied().filter(|n| !seen.contains(n)));
        }
    }
    seen
}

/// The named types inside `ty` (`Vec<Map<A>>` -> `A`).
fn named<'a>(ty: &'a TypeRef, out: &mut Vec<&'a str>) {
    match ty {
        TypeRef::Named(name) => out.push(name),
        TypeRef::Vec(inner) | TypeRef::Map(inner) => named(inner, out),
        _ => {}
    }
}

/// The types a type's definition names.
fn referenced(kind: &TypeKind) -> Vec<&TypeRef> {
    match kind {
        TypeKind::Struct { fields } => fields.iter().map(|f| &f.ty).collect(),
        TypeKind::Alias(ty) => vec![ty],
        TypeKind::Union { variants, .. } => variants.iter().map(|v| &v.ty).collect(),
        TypeKind::Responses { variants, .. } => {
            variants.iter().filter_map(|v| v.content.ty()).collect()
        }
        TypeKind::StringEnum { .. } | TypeKind::IntEnum { .. } | TypeKind::MediaTypes { .. } => {
            Vec::new()
        }
    }
}

/// The types an operation names: parameters, body, success, errors, events, page items.
fn operation_types(op: &Operation) -> Vec<&TypeRef> {
    let mut out: Vec<&TypeRef> = op.params.iter().map(|p| &p.ty).collect();
    out.extend(op.body.as_ref().map(|b| &b.ty));
    match &op.success {
        Success::Json(ty) | Success::Optional(ty) | Success::Events(ty) => out.push(ty),
        _ => {}
    }
    if let ErrorType::Json(ty) = &op.error {
        out.push(ty);
    }
    out.extend(op.events.as_ref().map(|e| &e.ty));
    out.extend(op.pagination.as_ref().map(|p| &p.item_type));
    out
}

/// The types an operation names by name: its response enums and its `Accept` choice's enum.
fn operation_names(op: &Operation) -> Vec<&str> {
    let mut out = Vec::new();
    if let Success::ByStatus(name) = &op.success {
        out.push(name.as_str());
    }
    if let ErrorType::ByStatus(name) = &op.error {
        out.push(name.as_str());
    }
    out.extend(op.accept_choice.as_ref().map(|c| c.type_name.as_str()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lower(spec: &str) -> (Api, Vec<Diagnostic>) {
        crate::lower(spec, "spec.yaml").expect("lowers")
    }

    /// A spec of operations given as `(method, path, tag)`, each answering `response` (a schema
    /// in YAML flow style) and taking `body` when given.
    fn spec(ops: &[(&str, &str, Option<&str>)], schemas: &str) -> String {
        let mut paths: BTreeMap<&str, Vec<String>> = BTreeMap::new();
        for (i, (method, path, tag)) in ops.iter().enumerate() {
            let tags = tag
                .map(|t| format!("      tags: [{t:?}]\n"))
                .unwrap_or_default();
            let params: Vec<String> = segments(path)
                .iter()
                .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
                .map(|p| {
                    format!("{{name: {p}, in: path, required: true, schema: {{type: string}}}}")
                })
                .collect();
            let params = if params.is_empty() {
                String::new()
            } else {
                format!("      parameters: [{}]\n", params.join(", "))
            };
            paths.entry(path).or_default().push(format!(
                "    {method}:\n      operationId: op{i}\n{tags}{params}      responses:\n        '200':\n          description: ok\n"
            ));
        }
        let mut text = String::from("openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n");
        for (path, methods) in paths {
            text.push_str(&format!("  {path:?}:\n"));
            for m in methods {
                text.push_str(&m);
            }
        }
        text.push_str(schemas);
        text
    }

    fn feature_of<'a>(api: &'a Api, path: &str) -> Option<&'a str> {
        api.operations
            .iter()
            .find(|op| op.path == path)
            .and_then(|op| op.feature.as_deref())
    }

    #[test]
    fn first_tag_else_the_path_segment_after_the_shared_prefix() {
        let (api, _) = lower(&spec(
            &[
                ("get", "/v1/customers/{id}", None),
                ("get", "/v1/customers", None),
                ("get", "/v1/charges", Some("Customer Accounts")),
                ("post", "/v1/charges", None),
                ("get", "/v1/{account}/files", None),
            ],
            "",
        ));
        assert_eq!(feature_of(&api, "/v1/customers/{id}"), Some("customers"));
        assert_eq!(feature_of(&api, "/v1/customers"), Some("customers"));
        assert_eq!(feature_of(&api, "/v1/{account}/files"), Some("files"));
        let charges: Vec<_> = api
            .operations
            .iter()
            .filter(|op| op.path == "/v1/charges")
            .map(|op| (op.http_method.as_str(), op.feature.as_deref()))
            .collect();
        assert_eq!(
            charges,
            [
                ("GET", Some("customer-accounts")),
                ("POST", Some("charges"))
            ]
        );
        let names: Vec<(&str, &str, usize)> = api
            .features
            .iter()
            .map(|f| (f.name.as_str(), f.group.as_str(), f.operations))
            .collect();
        assert_eq!(
            names,
            [
                ("charges", "charges", 1),
                ("customer-accounts", "Customer Accounts", 1),
                ("customers", "customers", 2),
                ("files", "files", 1),
            ]
        );
    }

    #[test]
    fn the_shared_prefix_never_swallows_a_whole_path() {
        assert_eq!(shared_prefix(&["/v1/a", "/v1/b/{id}"]), 1);
        // `/v1` itself is a path: nothing is shared, every operation is in `v1`.
        assert_eq!(shared_prefix(&["/v1", "/v1/b"]), 0);
        // One path: its last segment is the group.
        assert_eq!(shared_prefix(&["/api/v2/pets"]), 2);
        assert_eq!(shared_prefix(&["/{tenant}/a/x", "/{tenant}/b/y"]), 0);
        assert_eq!(path_group("/v1/customers/{id}", 1), "customers");
        assert_eq!(path_group("/", 0), "root");
        assert_eq!(path_group("/v1", 1), "v1");
        assert_eq!(path_group("/{id}", 0), "root");
        assert_eq!(path_group("/items/{id}", 1), "items");
        assert_eq!(path_group("/{tenant}/orders/{id}", 0), "orders");
        let (api, _) = lower(&spec(&[("get", "/", None), ("get", "/pets", None)], ""));
        assert_eq!(feature_of(&api, "/"), Some("root"));
        assert_eq!(feature_of(&api, "/pets"), Some("pets"));
    }

    #[test]
    fn names_are_valid_unique_and_never_reserved() {
        let groups = [
            "!!!",
            "A-B",
            "Default",
            "Mock",
            "a b",
            "full",
            "ÄÖÜ",
            "Café Orders",
            "2FA",
            "OAuth Grants",
            "userGroups",
            "user_groups v2",
        ];
        let mut sorted = groups;
        sorted.sort_unstable();
        let names = feature_names(sorted.iter().copied());
        let got: Vec<(&str, &str)> = groups.iter().map(|g| (*g, names[g].as_str())).collect();
        assert_eq!(
            got,
            [
                ("!!!", "group"),
                ("A-B", "a-b"),
                ("Default", "default-2"),
                ("Mock", "mock-2"),
                ("a b", "a-b-2"),
                ("full", "full-2"),
                ("ÄÖÜ", "group-2"),
                ("Café Orders", "caf-orders"),
                ("2FA", "2fa"),
                ("OAuth Grants", "oauth-grants"),
                ("userGroups", "user-groups"),
                ("user_groups v2", "user-groups-v2"),
            ]
        );
        for name in names.values() {
            assert!(name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
            assert!(name.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_'));
        }
    }

    #[test]
    fn above_the_limit_there_are_no_group_features() {
        let at = |n: usize| {
            let tags: Vec<String> = (0..n).map(|i| format!("tag{i}")).collect();
            let paths: Vec<String> = (0..n).map(|i| format!("/p{i}")).collect();
            let ops: Vec<(&str, &str, Option<&str>)> = paths
                .iter()
                .zip(&tags)
                .map(|(p, t)| ("get", p.as_str(), Some(t.as_str())))
                .collect();
            lower(&spec(&ops, ""))
        };
        let (api, diagnostics) = at(MAX_FEATURES);
        assert_eq!(api.features.len(), MAX_FEATURES);
        assert!(diagnostics.iter().all(|d| !d.message.contains("groups")));
        let (api, diagnostics) = at(MAX_FEATURES + 1);
        assert!(api.features.is_empty());
        assert!(api.operations.iter().all(|op| op.feature.is_none()));
        assert!(diagnostics
            .iter()
            .any(|d| d.message.contains("251 groups") && d.message.contains("no group features")));
    }

    #[test]
    fn a_type_is_gated_by_the_groups_that_reach_it() {
        let text = r#"openapi: 3.0.3
info: {title: T, version: '1'}
paths:
  /a:
    get:
      tags: [a]
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/OnlyA'}}}}
  /b:
    post:
      tags: [b]
      requestBody: {content: {application/json: {schema: {$ref: '#/components/schemas/Shared'}}}}
      responses:
        '200': {description: ok, content: {application/json: {schema: {type: array, items: {$ref: '#/components/schemas/Everywhere'}}}}}
  /c:
    get:
      tags: [c]
      parameters:
        - {name: kind, in: query, schema: {$ref: '#/components/schemas/Everywhere'}}
      responses:
        '200': {description: ok}
components:
  schemas:
    OnlyA:
      type: object
      properties:
        inner: {$ref: '#/components/schemas/Inner'}
        shared: {$ref: '#/components/schemas/Shared'}
        all: {$ref: '#/components/schemas/Everywhere'}
        also: {$ref: '#/components/schemas/AlsoUnused'}
    Inner: {type: object, properties: {x: {type: string}}}
    Shared: {type: object, properties: {kind: {$ref: '#/components/schemas/Kind'}}}
    Kind: {type: string, enum: [one, two]}
    Everywhere: {type: string, enum: [x, y]}
    Unused: {type: object, properties: {also: {$ref: '#/components/schemas/AlsoUnused'}}}
    AlsoUnused: {type: object, properties: {y: {type: string}}}
"#;
        let (api, _) = lower(text);
        let gated = |name: &str| -> Vec<&str> {
            api.types
                .iter()
                .find(|def| def.name == name)
                .unwrap_or_else(|| panic!("{name}"))
                .features
                .iter()
                .map(String::as_str)
                .collect()
        };
        assert_eq!(gated("OnlyA"), ["a"]);
        assert_eq!(gated("Inner"), ["a"]);
        // A group's body, another's response's field: either group.
        assert_eq!(gated("Shared"), ["a", "b"]);
        assert_eq!(gated("Kind"), ["a", "b"]);
        // Every group reaches it: always there.
        assert!(gated("Everywhere").is_empty());
        // No group reaches it, nor what it names (even when a group does too).
        assert!(gated("Unused").is_empty());
        assert!(gated("AlsoUnused").is_empty());
    }

    /// Each operation's items carry its group's `cfg`, and only that one: a crate built with
    /// `default-features = false, features = ["a"]` has `a`'s operation and not `b`'s.
    #[test]
    fn emitted_items_carry_their_groups_cfg() {
        let text = spec(&[("get", "/a", Some("a")), ("get", "/b", Some("b"))], "");
        let generated =
            crate::generate(&text, "spec.yaml", &crate::Settings::new("t")).expect("generates");
        let file = |name: &str| generated.files.get(name).expect(name).as_str();
        let client = file("src/client.rs");
        assert!(client.contains("    #[cfg(feature = \"a\")]\n    pub fn op0(&self)"));
        assert!(client.contains("    #[cfg(feature = \"b\")]\n    pub fn op1(&self)"));
        let operations = file("src/operations.rs");
        assert!(operations.contains("#[cfg(feature = \"a\")]\n#[derive(Debug, Clone)]\n#[must_use"));
        assert!(operations.contains("#[cfg(feature = \"a\")]\nimpl<'a> Op0<'a> {"));
        assert!(operations.contains("#[cfg(feature = \"b\")]\nimpl<'a> Op1<'a> {"));
        let mock = file("src/mock.rs");
        assert!(mock.contains("    #[cfg(feature = \"b\")]\n    pub fn op1(&self)"));
        assert!(mock.contains("#[cfg(feature = \"b\")]\nimpl<'a> Op1<'a> {"));
        let cargo = file("Cargo.toml");
        assert!(cargo.contains("default = [\"full\"]\nfull = [\n    \"a\",\n    \"b\",\n]\n"));
        assert!(cargo.contains("\na = []\nb = []\n"));
    }
}
