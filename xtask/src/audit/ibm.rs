//! Facts from IBM Cloud API reference pages: each method is a `GET /path` line, then
//! `Request` with `Path Parameters`, `Query Parameters` and `Custom Headers` sections of
//! bullets (the names are lost; `Allowable values: [a,b]`, `Possible values: value ≥ 1`,
//! `Default: 10` under a bullet), then `Response` and `Example responses` (bullets of JSON).
//! The page-wide facts are in its Authentication section: `-H "Name: $VALUE"` lines and
//! "set the X header" sentences.

use super::curl_facts;
use super::facts::{Format, OperationFact, PageFacts, ParamFact, Sample};
use super::text::{collect_json, numbered, parse_json};
use super::{token_urls, METHODS};

/// Extracts the facts of an IBM Cloud API reference page.
pub fn extract(page: &str, text: &str) -> PageFacts {
    let lines = numbered(text);
    let mut ops: Vec<OperationFact> = Vec::new();
    let mut location: Option<&'static str> = None;
    let mut examples = false;
    let mut i = 0;
    while i < lines.len() {
        let (number, raw) = lines[i];
        let line = raw.trim_end();
        let trimmed = line.trim();
        if let Some((method, path)) = method_line(trimmed) {
            let mut op = OperationFact::new(number);
            op.method = Some(method.to_lowercase());
            op.path = Some(path.to_owned());
            ops.push(op);
            location = None;
            examples = false;
            i += 1;
            continue;
        }
        let Some(op) = ops.last_mut() else {
            i += 1;
            continue;
        };
        match trimmed {
            "Path Parameters" => location = Some("path"),
            "Query Parameters" => location = Some("query"),
            "Custom Headers" | "Header Parameters" => location = Some("header"),
            "Response" => location = None,
            "Example responses" => {
                location = None;
                examples = true;
            }
            _ => {
                let indent = line.len() - line.trim_start().len();
                if let Some(bullet) = trimmed.strip_prefix("• ").filter(|_| indent == 2) {
                    if examples && (bullet.starts_with('{') || bullet.starts_with('[')) {
                        // A JSON example: the bullet's text, then lines indented by 4.
                        let (json_text, next) = collect_json(&lines, i, |l: &str| {
                            let l = l.strip_prefix("  • ").unwrap_or(l);
                            l.strip_prefix("    ").unwrap_or(l).to_owned()
                        });
                        if let Some(json) = parse_json(&json_text) {
                            op.response_samples.push(Sample {
                                line: number,
                                status: None,
                                json,
                            });
                        }
                        i = next;
                        continue;
                    }
                    if let Some(loc) = location {
                        op.parameters.push(ParamFact::new(number, loc));
                        constraint(op.parameters.last_mut(), bullet);
                    }
                } else if location.is_some() && indent == 4 {
                    constraint(op.parameters.last_mut(), trimmed);
                }
            }
        }
        i += 1;
    }
    let mut auth = curl_facts::auth(text);
    auth.extend(token_urls(text));
    PageFacts {
        page: page.to_owned(),
        format: Format::Ibm,
        operations: ops,
        headers: curl_facts::headers(text),
        auth,
        evidence: Vec::new(),
    }
}

/// `GET /api/v1/x` (the whole line) -> (`GET`, `/api/v1/x`).
fn method_line(line: &str) -> Option<(&str, &str)> {
    let (method, path) = line.split_once(' ')?;
    (METHODS.contains(&method.to_lowercase().as_str())
        && method.chars().all(|c| c.is_ascii_uppercase())
        && path.starts_with('/')
        && !path.contains(' '))
    .then_some((method, path))
}

/// Reads `Allowable values: [a,b]`, `Possible values: 1 ≤ value ≤ 100` or `Default: 10`.
fn constraint(param: Option<&mut ParamFact>, text: &str) {
    let Some(param) = param else { return };
    if let Some(values) = text.strip_prefix("Allowable values: ") {
        let values = values.trim().trim_start_matches('[').trim_end_matches(']');
        param.values = values.split(',').map(|v| v.trim().to_owned()).collect();
    } else if let Some(default) = text.strip_prefix("Default: ") {
        param.default = Some(default.trim().to_owned());
    } else if let Some(bounds) = text.strip_prefix("Possible values: ") {
        let parts: Vec<&str> = bounds.split_whitespace().collect();
        match parts.as_slice() {
            ["value", "≥", min] => param.minimum = min.parse().ok(),
            ["value", "≤", max] => param.maximum = max.parse().ok(),
            [min, "≤", "value", "≤", max] => {
                param.minimum = min.parse().ok();
                param.maximum = max.parse().ok();
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn methods_parameters_and_examples() {
        let page = "Title\n\nGET /api/x/{id}\n\nRequest\n\nPath Parameters\n\n  • The id\n\n    Possible values: 1 ≤ value ≤ 100\n\nQuery Parameters\n\n  • Order\n\n    Allowable values: [asc,desc]\n\n    Default: asc\n\nResponse\n\nExample responses\n  • {\n      \"id\": 1\n    }\n\nNext\n\nPOST /api/y\n";
        let facts = extract("p.txt", page);
        assert_eq!(facts.operations.len(), 2);
        let op = &facts.operations[0];
        assert_eq!(op.label(), "GET /api/x/{id}");
        assert_eq!(op.parameters.len(), 2);
        assert_eq!(
            (op.parameters[0].minimum, op.parameters[0].maximum),
            (Some(1.0), Some(100.0))
        );
        assert_eq!(op.parameters[1].values, ["asc", "desc"]);
        assert_eq!(op.parameters[1].default.as_deref(), Some("asc"));
        assert_eq!(op.response_samples[0].json, serde_json::json!({"id": 1}));
    }
}
