//! Compares a page's facts with a spec. Each finding names the page line and the spec's JSON
//! pointer; a finding is accepted when the spec element it points at carries
//! `x-page-differs: "<why>"` (the spec rightly differs from the page there).

use std::collections::BTreeSet;

use serde_json::Value;

use super::facts::{Format, OperationFact, PageFacts, ParamFact, Sample};
use super::openapi::{scalar, schema_constraints};
use super::{differs, resolve, schema_check, METHODS};
use clientgen::diagnostics::pointer_token;

/// One difference between page and spec.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// The page (or `EVIDENCE.md`) the fact comes from, and its line; `None` for spec facts
    /// that no page states.
    pub source: Option<(String, usize)>,
    /// A short kind: `missing-operation`, `parameter-differs`, `invalid-sample`, ...
    pub kind: &'static str,
    /// What is wrong, in one sentence.
    pub message: String,
    /// The spec's JSON pointer.
    pub pointer: String,
    /// The `x-page-differs` reason that accepts the finding.
    pub accepted: Option<String>,
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.source {
            Some((page, line)) => write!(f, "{page}:{line}: ")?,
            None => write!(f, "(no page): ")?,
        }
        write!(
            f,
            "{}: {} [spec: #{}]",
            self.kind, self.message, self.pointer
        )?;
        if let Some(reason) = &self.accepted {
            write!(f, " (accepted: {reason})")?;
        }
        Ok(())
    }
}

/// A spec operation.
struct SpecOp<'a> {
    pointer: String,
    method: &'static str,
    path: String,
    op: &'a Value,
    /// Path-level then operation-level parameters (resolved), with their pointers.
    params: Vec<(String, &'a Value)>,
}

fn spec_ops(spec: &Value) -> Vec<SpecOp<'_>> {
    let mut ops = Vec::new();
    let Some(paths) = spec.get("paths").and_then(Value::as_object) else {
        return ops;
    };
    for (path, item) in paths {
        let item_pointer = format!("/paths/{}", pointer_token(path));
        let shared: Vec<(String, &Value)> = item
            .get("parameters")
            .and_then(Value::as_array)
            .map(|list| {
                list.iter()
                    .enumerate()
                    .map(|(k, p)| resolve(spec, p, format!("{item_pointer}/parameters/{k}")))
                    .collect()
            })
            .unwrap_or_default();
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let pointer = format!("{item_pointer}/{method}");
            let mut params = shared.clone();
            if let Some(list) = op.get("parameters").and_then(Value::as_array) {
                for (k, p) in list.iter().enumerate() {
                    let (ptr, p) = resolve(spec, p, format!("{pointer}/parameters/{k}"));
                    let key = |v: &Value| {
                        (
                            v.get("name").and_then(Value::as_str).map(str::to_lowercase),
                            v.get("in").and_then(Value::as_str).map(str::to_owned),
                        )
                    };
                    params.retain(|(_, q)| key(q) != key(p));
                    params.push((ptr, p));
                }
            }
            ops.push(SpecOp {
                pointer,
                method,
                path: path.clone(),
                op,
                params,
            });
        }
    }
    ops
}

/// `/a/{x}/b` -> `/a/{}/b`, to match templates whose parameter names differ.
fn shape(path: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for c in path.chars() {
        match c {
            '{' => {
                depth += 1;
                out.push('{');
            }
            '}' => {
                depth -= 1;
                out.push('}');
            }
            _ if depth > 0 => {}
            c => out.push(c),
        }
    }
    out.trim_end_matches('/').to_owned()
}

fn normalize_title(title: &str) -> String {
    title.trim().trim_end_matches('.').to_lowercase()
}

/// Numbers compared by value (`0` and `0.0` are the same sample value).
fn same_json(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same_json(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| same_json(v, w)))
        }
        _ => a == b,
    }
}

/// The examples a media object holds.
fn media_examples(media: &Value) -> Vec<&Value> {
    let mut out: Vec<&Value> = media.get("example").into_iter().collect();
    if let Some(examples) = media.get("examples").and_then(Value::as_object) {
        out.extend(examples.values().filter_map(|e| e.get("value")));
    }
    out
}

/// The reason the spec gives, in its top-level `x-page-differs` map keyed by `METHOD /path`
/// (or a page title in quotes), for leaving out an operation a page or the evidence names.
fn omitted(spec: &Value, label: &str) -> Option<String> {
    spec.get("x-page-differs")
        .and_then(|map| map.get(label))
        .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
}

/// A sample whose heading the page lost, kept as the `example` of a component schema that
/// says with `x-page-differs` why no operation answers with it.
fn kept_on_component(spec: &Value, page_op: &OperationFact) -> Option<String> {
    let sample = page_op.response_samples.first()?;
    spec.pointer("/components/schemas")?
        .as_object()?
        .values()
        .find(|schema| {
            schema
                .get("example")
                .is_some_and(|e| same_json(e, &sample.json))
        })
        .and_then(differs)
}

fn inferred(value: &Value) -> bool {
    value.get("x-inferred").is_some()
}

struct Audit<'a> {
    spec: &'a Value,
    facts: &'a PageFacts,
    findings: Vec<Finding>,
}

impl Audit<'_> {
    fn page_finding(
        &mut self,
        line: usize,
        kind: &'static str,
        message: String,
        pointer: String,
        accepted: Option<String>,
    ) {
        self.findings.push(Finding {
            source: Some((self.facts.page.clone(), line)),
            kind,
            message,
            pointer,
            accepted,
        });
    }
}

/// Every finding, page order first, then the spec's own.
pub fn compare(spec: &Value, facts: &PageFacts) -> Vec<Finding> {
    let ops = spec_ops(spec);
    let mut audit = Audit {
        spec,
        facts,
        findings: Vec::new(),
    };
    let mut matched: BTreeSet<String> = BTreeSet::new();
    let mut matched_params: BTreeSet<String> = BTreeSet::new();
    let stated_values: BTreeSet<Vec<String>> = facts
        .operations
        .iter()
        .flat_map(|op| &op.parameters)
        .filter(|p| !p.values.is_empty())
        .map(|p| p.values.clone())
        .collect();
    // Operations the page names first, then those whose heading the page lost (matched by
    // their sample among the operations nothing else claims).
    let mut pairs: Vec<(&OperationFact, Option<&SpecOp>)> = Vec::new();
    for page_op in facts
        .operations
        .iter()
        .filter(|op| op.title.is_some() || op.path.is_some())
    {
        let found = find_op(&ops, page_op, &BTreeSet::new());
        if let Some(op) = found {
            matched.insert(op.pointer.clone());
        }
        pairs.push((page_op, found));
    }
    for page_op in facts
        .operations
        .iter()
        .filter(|op| op.title.is_none() && op.path.is_none())
    {
        let found = find_op(&ops, page_op, &matched);
        if let Some(op) = found {
            matched.insert(op.pointer.clone());
        }
        pairs.push((page_op, found));
    }
    pairs.sort_by_key(|(op, _)| op.line);
    for (page_op, found) in pairs {
        let Some(spec_op) = found.or_else(|| {
            // The spec may rightly put the operation elsewhere (a typo in the page's path),
            // saying so with the page's path in `x-page-differs`.
            let path = page_op.path.as_deref()?;
            ops.iter()
                .find(|op| differs(op.op).is_some_and(|why| why.contains(path)))
        }) else {
            let lost = page_op.title.is_none() && page_op.path.is_none();
            let accepted = omitted(spec, &page_op.label())
                .or_else(|| lost.then(|| kept_on_component(spec, page_op)).flatten());
            audit.page_finding(
                page_op.line,
                "missing-operation",
                if lost {
                    format!(
                        "the page shows a response sample whose heading was lost ({}); the spec has no operation answering it",
                        page_op.key()
                    )
                } else {
                    format!("the spec has no operation {}", page_op.label())
                },
                "/paths".to_owned(),
                accepted,
            );
            continue;
        };
        if found.is_none() {
            matched.insert(spec_op.pointer.clone());
            audit.page_finding(
                page_op.line,
                "path-differs",
                format!(
                    "the page's {} is the spec's {} {}",
                    page_op.label(),
                    spec_op.method.to_uppercase(),
                    spec_op.path
                ),
                spec_op.pointer.clone(),
                differs(spec_op.op),
            );
        }
        if page_op.method.is_some() && page_op.path.is_some() && inferred(spec_op.op) {
            audit.page_finding(
                page_op.line,
                "inferred-stated",
                format!(
                    "{} is marked x-inferred, but the page states its method and path",
                    page_op.label()
                ),
                format!("{}/x-inferred", spec_op.pointer),
                differs(spec_op.op),
            );
        }
        check_params(&mut audit, page_op, spec_op, &mut matched_params);
        check_statuses(&mut audit, page_op, spec_op);
        check_samples(&mut audit, page_op, spec_op);
    }
    // Evidence: operations EVIDENCE.md names must be in the spec.
    for ev in &facts.evidence {
        let found = ops
            .iter()
            .any(|op| op.method == ev.method && shape(&op.path) == shape(&ev.path));
        if !found {
            audit.findings.push(Finding {
                source: Some((super::EVIDENCE_FILE.to_owned(), ev.line)),
                kind: "missing-operation",
                message: format!(
                    "the spec has no operation {} {} (named by the outside evidence)",
                    ev.method.to_uppercase(),
                    ev.path
                ),
                pointer: "/paths".to_owned(),
                accepted: omitted(spec, &format!("{} {}", ev.method.to_uppercase(), ev.path)),
            });
        }
    }
    // Spec facts on no page must be marked.
    for op in &ops {
        if !matched.contains(&op.pointer) && !inferred(op.op) {
            audit.findings.push(Finding {
                source: None,
                kind: "uninferred-operation",
                message: format!(
                    "{} {} is on no page and not marked x-inferred",
                    op.method.to_uppercase(),
                    op.path
                ),
                pointer: op.pointer.clone(),
                accepted: differs(op.op),
            });
        }
        if !matched.contains(&op.pointer) || facts.format == Format::Ibm {
            continue;
        }
        for (pointer, param) in &op.params {
            if matched_params.contains(&format!("{}|{pointer}", op.pointer)) {
                continue;
            }
            let schema_marked = param.get("schema").is_some_and(inferred);
            if !inferred(param) && !schema_marked && !page_wide_header(facts, param) {
                audit.findings.push(Finding {
                    source: None,
                    kind: "uninferred-parameter",
                    message: format!(
                        "{} parameter `{}` of {} {} is on no page and not marked x-inferred",
                        param.get("in").and_then(Value::as_str).unwrap_or("?"),
                        param.get("name").and_then(Value::as_str).unwrap_or("?"),
                        op.method.to_uppercase(),
                        op.path
                    ),
                    pointer: pointer.clone(),
                    accepted: differs(param),
                });
            }
        }
    }
    check_headers_and_auth(&mut audit);
    check_closed_enums(&mut audit, &stated_values);
    for (pointer, message, accepted) in schema_check::invalid_examples(spec) {
        audit.findings.push(Finding {
            source: None,
            kind: "invalid-sample",
            message,
            pointer,
            accepted,
        });
    }
    audit.findings
}

/// A header parameter that the page asks every call to send (IBMInstanceID on IBM pages).
fn page_wide_header(facts: &PageFacts, param: &Value) -> bool {
    param.get("in").and_then(Value::as_str) == Some("header")
        && param
            .get("name")
            .and_then(Value::as_str)
            .is_some_and(|name| {
                facts
                    .headers
                    .iter()
                    .any(|h| h.name.eq_ignore_ascii_case(name))
            })
}

fn find_op<'s, 'a>(
    ops: &'s [SpecOp<'a>],
    page_op: &OperationFact,
    taken: &BTreeSet<String>,
) -> Option<&'s SpecOp<'a>> {
    if let (Some(method), Some(path)) = (&page_op.method, &page_op.path) {
        return ops
            .iter()
            .find(|op| op.method == method && op.path == *path)
            .or_else(|| {
                ops.iter()
                    .find(|op| op.method == method && shape(&op.path) == shape(path))
            });
    }
    if let Some(title) = &page_op.title {
        let title = normalize_title(title);
        let by_title: Vec<&SpecOp> = ops
            .iter()
            .filter(|op| {
                op.op
                    .get("summary")
                    .and_then(Value::as_str)
                    .is_some_and(|s| normalize_title(s) == title)
                    && page_op.method.as_deref().is_none_or(|m| m == op.method)
            })
            .collect();
        if by_title.len() == 1 {
            return by_title.into_iter().next();
        }
        // Several operations share the title: the one whose sample is the page's.
        return by_title.into_iter().find(|op| has_all_samples(op, page_op));
    }
    // A heading the page lost: the operation whose response example is the page's sample.
    ops.iter().find(|op| {
        !taken.contains(&op.pointer)
            && !page_op.response_samples.is_empty()
            && has_all_samples(op, page_op)
    })
}

fn has_all_samples(op: &SpecOp, page_op: &OperationFact) -> bool {
    page_op.response_samples.iter().all(|s| {
        response_media(op.op)
            .iter()
            .any(|(_, _, media)| media_examples(media).iter().any(|e| same_json(e, &s.json)))
    })
}

/// (status, pointer, media object) of every response content.
fn response_media(op: &Value) -> Vec<(String, String, &Value)> {
    let mut out = Vec::new();
    if let Some(responses) = op.get("responses").and_then(Value::as_object) {
        for (status, response) in responses {
            if let Some(content) = response.get("content").and_then(Value::as_object) {
                for (media_type, media) in content {
                    out.push((
                        status.clone(),
                        format!(
                            "/responses/{}/content/{}",
                            pointer_token(status),
                            pointer_token(media_type)
                        ),
                        media,
                    ));
                }
            }
        }
    }
    out
}

/// The type, enum, default and bounds of a schema, through `$ref` and `allOf`.
struct Shape {
    ty: Option<String>,
    values: Vec<String>,
    default: Option<String>,
    minimum: Option<f64>,
    maximum: Option<f64>,
}

fn schema_shape(spec: &Value, schema: &Value) -> Shape {
    let (_, schema) = resolve(spec, schema, String::new());
    let mut fact = ParamFact::new(0, "");
    schema_constraints(schema, &mut fact);
    let mut shape = Shape {
        ty: fact.ty,
        values: fact.values,
        default: fact.default,
        minimum: fact.minimum,
        maximum: fact.maximum,
    };
    if shape.ty.as_deref() == Some("array") && shape.values.is_empty() {
        if let Some(items) = schema.get("items") {
            shape.values = schema_shape(spec, items).values;
        }
    }
    for part in schema
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let inner = schema_shape(spec, part);
        shape.ty = shape.ty.or(inner.ty);
        if shape.values.is_empty() {
            shape.values = inner.values;
        }
        shape.default = shape.default.or(inner.default);
        shape.minimum = shape.minimum.or(inner.minimum);
        shape.maximum = shape.maximum.or(inner.maximum);
    }
    shape
}

/// The top-level fields of an operation's JSON request body: (name, pointer, schema, required).
fn body_fields<'a>(spec: &'a Value, op: &SpecOp<'a>) -> Vec<(String, String, &'a Value, bool)> {
    let mut out = Vec::new();
    let Some(content) = op
        .op
        .pointer("/requestBody/content")
        .and_then(Value::as_object)
    else {
        return out;
    };
    for (media_type, media) in content {
        let Some(schema) = media.get("schema") else {
            continue;
        };
        let base = format!(
            "{}/requestBody/content/{}/schema",
            op.pointer,
            pointer_token(media_type)
        );
        collect_fields(spec, schema, base, &mut out);
        if !out.is_empty() {
            break;
        }
    }
    out
}

fn collect_fields<'a>(
    spec: &'a Value,
    schema: &'a Value,
    pointer: String,
    out: &mut Vec<(String, String, &'a Value, bool)>,
) {
    let (pointer, schema) = resolve(spec, schema, pointer);
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
        for (name, property) in properties {
            out.push((
                name.clone(),
                format!("{pointer}/properties/{}", pointer_token(name)),
                property,
                required.contains(&name.as_str()),
            ));
        }
    }
    if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
        for (k, part) in parts.iter().enumerate() {
            collect_fields(spec, part, format!("{pointer}/allOf/{k}"), out);
        }
    }
}

fn check_params(
    audit: &mut Audit,
    page_op: &OperationFact,
    spec_op: &SpecOp,
    matched: &mut BTreeSet<String>,
) {
    let spec = audit.spec;
    if audit.facts.format == Format::Ibm {
        check_unnamed_params(audit, page_op, spec_op);
        return;
    }
    let fields = body_fields(spec, spec_op);
    for page_param in &page_op.parameters {
        let Some(name) = &page_param.name else {
            continue;
        };
        let label = page_param.label(0);
        let (pointer, holder, schema, required) = if page_param.location == "body" {
            match fields.iter().find(|(n, ..)| n == name) {
                Some((_, pointer, schema, required)) => {
                    (pointer.clone(), *schema, *schema, *required)
                }
                None => {
                    audit.page_finding(
                        page_param.line,
                        "missing-parameter",
                        format!(
                            "{}: the spec's request body has no {label}",
                            page_op.label()
                        ),
                        format!("{}/requestBody", spec_op.pointer),
                        differs(spec_op.op),
                    );
                    continue;
                }
            }
        } else {
            let found = spec_op.params.iter().find(|(_, p)| {
                let same_name = p.get("name").and_then(Value::as_str).is_some_and(|n| {
                    if page_param.location == "header" {
                        n.eq_ignore_ascii_case(name)
                    } else {
                        n == name
                    }
                });
                same_name && p.get("in").and_then(Value::as_str) == Some(&page_param.location)
            });
            match found {
                Some((pointer, param)) => {
                    matched.insert(format!("{}|{pointer}", spec_op.pointer));
                    let schema = param.get("schema").unwrap_or(&Value::Null);
                    let required = param.get("required").and_then(Value::as_bool) == Some(true);
                    (pointer.clone(), *param, schema, required)
                }
                None => {
                    audit.page_finding(
                        page_param.line,
                        "missing-parameter",
                        format!("{}: the spec has no {label}", page_op.label()),
                        format!("{}/parameters", spec_op.pointer),
                        None,
                    );
                    continue;
                }
            }
        };
        if page_param.location != "body" && inferred(holder) {
            audit.page_finding(
                page_param.line,
                "inferred-stated",
                format!(
                    "{}: {label} is marked x-inferred, but the page states it",
                    page_op.label()
                ),
                format!("{pointer}/x-inferred"),
                differs(holder),
            );
        }
        let accepted = differs(holder).or_else(|| differs(schema));
        let mut problems = Vec::new();
        if let Some(page_required) = page_param.required {
            if page_required != required {
                problems.push(format!(
                    "the page says {}, the spec {}",
                    if page_required {
                        "required"
                    } else {
                        "optional"
                    },
                    if required { "required" } else { "optional" }
                ));
            }
        }
        let shape = schema_shape(spec, schema);
        compare_shape(page_param, &shape, &mut problems);
        for problem in problems {
            audit.page_finding(
                page_param.line,
                "parameter-differs",
                format!("{}: {label}: {problem}", page_op.label()),
                pointer.clone(),
                accepted.clone(),
            );
        }
    }
}

fn compare_shape(page: &ParamFact, shape: &Shape, problems: &mut Vec<String>) {
    if let (Some(page_ty), Some(ty)) = (&page.ty, &shape.ty) {
        let compatible = page_ty == ty
            || (page_ty == "number" && ty == "integer")
            || (page_ty == "integer" && ty == "number");
        if !compatible {
            problems.push(format!("the page types it {page_ty}, the spec {ty}"));
        }
    }
    let missing: Vec<&String> = page
        .values
        .iter()
        .filter(|v| !shape.values.contains(v))
        .collect();
    if !missing.is_empty() {
        problems.push(format!(
            "the page allows {:?}, the spec's enum lacks {:?}",
            page.values, missing
        ));
    }
    if let Some(default) = &page.default {
        let same = shape.default.as_ref().is_some_and(|d| {
            d == default
                || d.parse::<f64>()
                    .ok()
                    .zip(default.parse::<f64>().ok())
                    .is_some_and(|(a, b)| a == b)
        });
        if !same {
            problems.push(format!(
                "the page's default is {default}, the spec's {}",
                shape.default.as_deref().unwrap_or("none")
            ));
        }
    }
    for (what, page_bound, spec_bound) in [
        ("minimum", page.minimum, shape.minimum),
        ("maximum", page.maximum, shape.maximum),
    ] {
        if let Some(bound) = page_bound {
            if spec_bound != Some(bound) {
                problems.push(format!(
                    "the page's {what} is {bound}, the spec's {}",
                    spec_bound.map_or("none".to_owned(), |b| b.to_string())
                ));
            }
        }
    }
}

/// IBM pages lost parameter names: compare per location, in order.
fn check_unnamed_params(audit: &mut Audit, page_op: &OperationFact, spec_op: &SpecOp) {
    let spec = audit.spec;
    for location in ["path", "query", "header"] {
        let page_params: Vec<&ParamFact> = page_op
            .parameters
            .iter()
            .filter(|p| p.location == location)
            .collect();
        let mut spec_params: Vec<&(String, &Value)> = spec_op
            .params
            .iter()
            .filter(|(_, p)| {
                p.get("in").and_then(Value::as_str) == Some(location)
                    && !page_wide_header(audit.facts, p)
            })
            .collect();
        if location == "path" {
            spec_params.sort_by_key(|(_, p)| {
                let name = p.get("name").and_then(Value::as_str).unwrap_or("");
                spec_op
                    .path
                    .find(&format!("{{{name}}}"))
                    .unwrap_or(usize::MAX)
            });
        }
        if page_params.len() > spec_params.len() {
            let first_missing = page_params[spec_params.len()];
            audit.page_finding(
                first_missing.line,
                "missing-parameter",
                format!(
                    "{}: the page lists {} {location} parameters, the spec {}",
                    page_op.label(),
                    page_params.len(),
                    spec_params.len()
                ),
                format!("{}/parameters", spec_op.pointer),
                differs(spec_op.op),
            );
            continue;
        }
        // Pair parameters with allowed values by those values, then the rest in order.
        let mut pairs: Vec<(Option<usize>, usize)> = Vec::new();
        let mut free_spec: Vec<usize> = (0..spec_params.len()).collect();
        let mut free_page: Vec<usize> = Vec::new();
        for (k, page_param) in page_params.iter().enumerate() {
            let by_values = (!page_param.values.is_empty())
                .then(|| {
                    free_spec.iter().position(|&s| {
                        let schema = spec_params[s].1.get("schema").unwrap_or(&Value::Null);
                        let values = schema_shape(spec, schema).values;
                        page_param.values.iter().all(|v| values.contains(v))
                    })
                })
                .flatten();
            match by_values {
                Some(at) => pairs.push((Some(k), free_spec.remove(at))),
                None => free_page.push(k),
            }
        }
        for (n, s) in free_spec.iter().enumerate() {
            pairs.push((free_page.get(n).copied(), *s));
        }
        pairs.sort_by_key(|(_, s)| *s);
        for (page_k, spec_k) in pairs {
            let (pointer, param) = spec_params[spec_k];
            match page_k.map(|k| (k, page_params[k])) {
                Some((k, page_param)) => {
                    let schema = param.get("schema").unwrap_or(&Value::Null);
                    let mut problems = Vec::new();
                    compare_shape(page_param, &schema_shape(spec, schema), &mut problems);
                    let accepted = differs(param).or_else(|| differs(schema));
                    for problem in problems {
                        audit.page_finding(
                            page_param.line,
                            "parameter-differs",
                            format!(
                                "{}: {} (`{}`): {problem}",
                                page_op.label(),
                                page_param.label(k),
                                param.get("name").and_then(Value::as_str).unwrap_or("?")
                            ),
                            pointer.clone(),
                            accepted.clone(),
                        );
                    }
                }
                None => {
                    if !inferred(param) && !param.get("schema").is_some_and(inferred) {
                        audit.findings.push(Finding {
                            source: Some((audit.facts.page.clone(), page_op.line)),
                            kind: "uninferred-parameter",
                            message: format!(
                                "{}: {location} parameter `{}` is not on the page and not marked x-inferred",
                                page_op.label(),
                                param.get("name").and_then(Value::as_str).unwrap_or("?")
                            ),
                            pointer: pointer.clone(),
                            accepted: differs(param),
                        });
                    }
                }
            }
        }
    }
}

fn check_statuses(audit: &mut Audit, page_op: &OperationFact, spec_op: &SpecOp) {
    let responses = spec_op.op.get("responses").and_then(Value::as_object);
    for status in &page_op.statuses {
        let covered = responses.is_some_and(|r| {
            r.contains_key(status)
                || r.contains_key(&format!("{}XX", &status[..1]))
                || r.contains_key("default")
        });
        if !covered {
            audit.page_finding(
                page_op.line,
                "missing-status",
                format!("{}: the spec has no {status} response", page_op.label()),
                format!("{}/responses", spec_op.pointer),
                differs(spec_op.op),
            );
        }
    }
}

fn check_samples(audit: &mut Audit, page_op: &OperationFact, spec_op: &SpecOp) {
    let request: Vec<(String, &Value)> = spec_op
        .op
        .pointer("/requestBody/content")
        .and_then(Value::as_object)
        .map(|content| {
            content
                .iter()
                .map(|(t, m)| (format!("/requestBody/content/{}", pointer_token(t)), m))
                .collect()
        })
        .unwrap_or_default();
    for sample in &page_op.request_samples {
        sample_present(audit, page_op, spec_op, sample, "request", &request);
    }
    let responses = response_media(spec_op.op);
    for sample in &page_op.response_samples {
        let candidates: Vec<(String, &Value)> = responses
            .iter()
            .filter(|(status, ..)| sample.status.as_ref().is_none_or(|s| s == status))
            .map(|(_, pointer, media)| (pointer.clone(), *media))
            .collect();
        sample_present(audit, page_op, spec_op, sample, "response", &candidates);
    }
}

fn sample_present(
    audit: &mut Audit,
    page_op: &OperationFact,
    spec_op: &SpecOp,
    sample: &Sample,
    what: &str,
    candidates: &[(String, &Value)],
) {
    if candidates.iter().any(|(_, media)| {
        media_examples(media)
            .iter()
            .any(|e| same_json(e, &sample.json))
    }) {
        return;
    }
    let accepted = candidates.iter().find_map(|(_, media)| differs(media));
    let pointer = candidates.first().map_or_else(
        || spec_op.pointer.clone(),
        |(p, _)| format!("{}{p}", spec_op.pointer),
    );
    let status = sample
        .status
        .as_ref()
        .map_or(String::new(), |s| format!(" {s}"));
    audit.page_finding(
        sample.line,
        "missing-sample",
        format!(
            "{}: the page's{status} {what} sample is not among the spec's examples",
            page_op.label()
        ),
        pointer,
        accepted,
    );
}

fn check_headers_and_auth(audit: &mut Audit) {
    let spec = audit.spec;
    let mut header_names: BTreeSet<String> = BTreeSet::new();
    collect_header_params(spec, &mut header_names);
    let schemes = spec
        .pointer("/components/securitySchemes")
        .and_then(Value::as_object);
    if let Some(schemes) = schemes {
        for scheme in schemes.values() {
            if scheme.get("in").and_then(Value::as_str) == Some("header") {
                if let Some(name) = scheme.get("name").and_then(Value::as_str) {
                    header_names.insert(name.to_lowercase());
                }
            }
        }
    }
    for header in &audit.facts.headers.clone() {
        if !header_names.contains(&header.name.to_lowercase()) {
            audit.page_finding(
                header.line,
                "missing-header",
                format!(
                    "the page has every call send the {} header; the spec has no such header parameter",
                    header.name
                ),
                "/components/parameters".to_owned(),
                None,
            );
        }
    }
    let schemes_text = schemes
        .map(|s| Value::Object(s.clone()).to_string())
        .unwrap_or_default();
    for fact in &audit.facts.auth.clone() {
        let present = match fact.kind.as_str() {
            "token-url" => fact.value.as_ref().is_some_and(|url| {
                schemes_text.contains(url.as_str()) || token_operation_at(spec, url, &schemes_text)
            }),
            kind => schemes.is_some_and(|s| {
                s.values().any(|scheme| {
                    let ty = scheme.get("type").and_then(Value::as_str).unwrap_or("");
                    let http = scheme
                        .get("scheme")
                        .and_then(Value::as_str)
                        .map(str::to_lowercase)
                        .unwrap_or_default();
                    match kind {
                        "bearer" => {
                            (ty == "http" && http == "bearer")
                                || ty == "oauth2"
                                || ty == "openIdConnect"
                        }
                        "basic" => ty == "http" && http == "basic",
                        _ => true,
                    }
                })
            }),
        };
        if !present {
            let message = match fact.kind.as_str() {
                "token-url" => format!(
                    "the page names the token endpoint {}; no security scheme of the spec exchanges credentials there",
                    fact.value.as_deref().unwrap_or("")
                ),
                kind => format!("the page authenticates with {kind}; the spec has no such security scheme"),
            };
            audit.page_finding(
                fact.line,
                "missing-auth",
                message,
                "/components/securitySchemes".to_owned(),
                None,
            );
        }
    }
}

/// True when `url` ends with the path of an operation that a security scheme names as its
/// token exchange (`x-token-exchange: {operation: <operationId>}`).
fn token_operation_at(spec: &Value, url: &str, schemes_text: &str) -> bool {
    spec_ops(spec).iter().any(|op| {
        url.ends_with(op.path.as_str())
            && op
                .op
                .get("operationId")
                .and_then(Value::as_str)
                .is_some_and(|id| schemes_text.contains(&format!("\"operation\":\"{id}\"")))
    })
}

fn collect_header_params(value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            if map.get("in").and_then(Value::as_str) == Some("header") {
                if let Some(name) = map.get("name").and_then(Value::as_str) {
                    out.insert(name.to_lowercase());
                }
            }
            for (key, child) in map {
                if !key.starts_with("x-") && key != "example" && key != "examples" {
                    collect_header_params(child, out);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_header_params(v, out)),
        _ => {}
    }
}

/// An enum of one value that the page never lists as allowed values: closed on a single
/// sample value, so every other value the vendor sends lands in `Unknown`.
fn check_closed_enums(audit: &mut Audit, stated: &BTreeSet<Vec<String>>) {
    let mut found = Vec::new();
    walk_enums(audit.spec, String::new(), &mut found);
    for (pointer, schema) in found {
        let values: Vec<String> = schema
            .get("enum")
            .and_then(Value::as_array)
            .map(|v| v.iter().filter(|v| !v.is_null()).map(scalar).collect())
            .unwrap_or_default();
        if values.len() != 1 || stated.contains(&values) {
            continue;
        }
        audit.findings.push(Finding {
            source: None,
            kind: "closed-enum",
            message: format!(
                "an enum of the single value {:?}, which the page never lists as the allowed values: list the values the page supports (marked x-inferred) or leave it an open string",
                values[0]
            ),
            pointer: format!("{pointer}/enum"),
            accepted: differs(schema),
        });
    }
}

fn walk_enums<'a>(value: &'a Value, pointer: String, out: &mut Vec<(String, &'a Value)>) {
    match value {
        Value::Object(map) => {
            if map.get("enum").is_some_and(Value::is_array) {
                out.push((pointer.clone(), value));
            }
            for (key, child) in map {
                if key.starts_with("x-") || key == "example" || key == "examples" || key == "enum" {
                    continue;
                }
                walk_enums(child, format!("{pointer}/{}", pointer_token(key)), out);
            }
        }
        Value::Array(items) => {
            for (k, item) in items.iter().enumerate() {
                walk_enums(item, format!("{pointer}/{k}"), out);
            }
        }
        _ => {}
    }
}
