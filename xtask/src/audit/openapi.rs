//! Facts from a page that is an OpenAPI document (YAML or JSON, possibly after a few lines
//! of page text): its operations, parameters, top-level body fields, examples and security
//! schemes, each with the line of its operation.

use serde_json::Value;

use super::facts::{AuthFact, Format, OperationFact, PageFacts, ParamFact, Sample};
use super::METHODS;

/// The line (0-based) where the document starts, if the page holds one.
pub fn start(text: &str) -> Option<usize> {
    text.lines()
        .position(|l| l.starts_with("openapi:") || (l.trim_start().starts_with("\"openapi\"")))
        .map(|at| {
            // A JSON document opens with `{` on the line before.
            if text
                .lines()
                .nth(at)
                .is_some_and(|l| l.trim_start().starts_with('"'))
            {
                at.saturating_sub(1)
            } else {
                at
            }
        })
}

/// Extracts the facts of an OpenAPI page; `Err` when the document does not parse.
pub fn extract(page: &str, text: &str) -> Result<PageFacts, String> {
    let at = start(text).ok_or("no `openapi:` line")?;
    let body: String = text.lines().skip(at).collect::<Vec<_>>().join("\n");
    let doc: Value = serde_yaml::from_str(&body)
        .map_err(|err| format!("the OpenAPI document does not parse: {err}"))?;
    let op_lines = operation_lines(text, at);
    let mut ops = Vec::new();
    if let Some(paths) = doc.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            let shared: Vec<Value> = item
                .get("parameters")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            for method in METHODS {
                let Some(operation) = item.get(method) else {
                    continue;
                };
                let line = op_lines
                    .iter()
                    .find(|(p, m, _)| p == path && m == method)
                    .map_or(at + 1, |(_, _, l)| *l);
                let mut op = OperationFact::new(line);
                op.method = Some(method.to_owned());
                op.path = Some(path.clone());
                op.title = operation
                    .get("summary")
                    .and_then(Value::as_str)
                    .map(str::to_owned);
                let own: Vec<Value> = operation
                    .get("parameters")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default();
                for param in shared.iter().chain(&own) {
                    let param = resolve(&doc, param);
                    op.parameters.push(param_fact(&doc, line, param));
                }
                if let Some(media) = operation
                    .pointer("/requestBody")
                    .map(|b| resolve(&doc, b))
                    .and_then(|b| b.get("content"))
                    .and_then(Value::as_object)
                {
                    for content in media.values() {
                        body_fields(&doc, line, content, &mut op.parameters);
                        samples(content, None, line, &mut op.request_samples);
                    }
                }
                if let Some(responses) = operation.get("responses").and_then(Value::as_object) {
                    for (status, response) in responses {
                        op.statuses.push(status.clone());
                        let response = resolve(&doc, response);
                        if let Some(media) = response.get("content").and_then(Value::as_object) {
                            for content in media.values() {
                                samples(content, Some(status), line, &mut op.response_samples);
                            }
                        }
                    }
                }
                ops.push(op);
            }
        }
    }
    let mut auth = Vec::new();
    if let Some(schemes) = doc
        .pointer("/components/securitySchemes")
        .and_then(Value::as_object)
    {
        for scheme in schemes.values() {
            if scheme.get("type").and_then(Value::as_str) == Some("http") {
                if let Some(kind) = scheme.get("scheme").and_then(Value::as_str) {
                    auth.push(AuthFact {
                        line: at + 1,
                        kind: kind.to_lowercase(),
                        value: None,
                    });
                }
            }
        }
    }
    Ok(PageFacts {
        page: page.to_owned(),
        format: Format::Openapi,
        operations: ops,
        headers: Vec::new(),
        auth,
        evidence: Vec::new(),
    })
}

fn resolve<'a>(doc: &'a Value, value: &'a Value) -> &'a Value {
    super::resolve(doc, value, String::new()).1
}

fn param_fact(doc: &Value, line: usize, param: &Value) -> ParamFact {
    let location = param.get("in").and_then(Value::as_str).unwrap_or("query");
    let mut fact = ParamFact::new(line, location);
    fact.name = param.get("name").and_then(Value::as_str).map(str::to_owned);
    fact.required = Some(
        param
            .get("required")
            .and_then(Value::as_bool)
            .unwrap_or(false),
    );
    if let Some(schema) = param.get("schema") {
        schema_constraints(resolve(doc, schema), &mut fact);
    }
    fact
}

/// The type, enum, default and bounds a schema states (no `$ref` followed).
pub(super) fn schema_constraints(schema: &Value, fact: &mut ParamFact) {
    fact.ty = match schema.get("type") {
        Some(Value::String(t)) => Some(t.clone()),
        Some(Value::Array(types)) => types
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null")
            .map(str::to_owned),
        _ => None,
    };
    fact.values = schema
        .get("enum")
        .and_then(Value::as_array)
        .map(|v| v.iter().filter(|v| !v.is_null()).map(scalar).collect())
        .unwrap_or_default();
    fact.default = schema.get("default").map(scalar);
    fact.minimum = schema.get("minimum").and_then(Value::as_f64);
    fact.maximum = schema.get("maximum").and_then(Value::as_f64);
}

/// A scalar as the page would print it (strings without quotes).
pub fn scalar(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn body_fields(doc: &Value, line: usize, content: &Value, out: &mut Vec<ParamFact>) {
    let Some(schema) = content.get("schema").map(|s| resolve(doc, s)) else {
        return;
    };
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
        for (name, property) in properties {
            let mut fact = ParamFact::new(line, "body");
            fact.name = Some(name.clone());
            fact.required = Some(required.contains(&name.as_str()));
            schema_constraints(resolve(doc, property), &mut fact);
            out.push(fact);
        }
    }
}

fn samples(content: &Value, status: Option<&String>, line: usize, out: &mut Vec<Sample>) {
    let mut push = |json: &Value| {
        out.push(Sample {
            line,
            status: status.cloned(),
            json: json.clone(),
        });
    };
    if let Some(example) = content.get("example") {
        push(example);
    }
    if let Some(examples) = content.get("examples").and_then(Value::as_object) {
        for example in examples.values() {
            if let Some(value) = example.get("value") {
                push(value);
            }
        }
    }
}

/// (path, method, 1-based line) of every operation key of a YAML document starting at line
/// `at` (0-based): path keys are indented by 2 under `paths:`, methods by 4.
fn operation_lines(text: &str, at: usize) -> Vec<(String, String, usize)> {
    let mut out = Vec::new();
    let mut in_paths = false;
    let mut path = String::new();
    for (n, line) in text.lines().enumerate().skip(at) {
        if !line.starts_with(' ') && !line.is_empty() {
            in_paths = line.trim_end() == "paths:";
            continue;
        }
        if !in_paths {
            continue;
        }
        if let Some(key) = line.strip_prefix("  ").filter(|l| !l.starts_with(' ')) {
            path = key
                .trim_end()
                .trim_end_matches(':')
                .trim_matches('\'')
                .trim_matches('"')
                .to_owned();
        } else if let Some(key) = line.strip_prefix("    ").filter(|l| !l.starts_with(' ')) {
            let method = key.trim_end().trim_end_matches(':');
            if METHODS.contains(&method) {
                out.push((path.clone(), method.to_owned(), n + 1));
            }
        }
    }
    out
}
