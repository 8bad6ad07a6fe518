//! Facts from GitBook-style OpenAPI pages: a title, the method alone on a line (`get`), a
//! description, `Query parameters` / `Path parameters` / `Header parameters` / `Body` with
//! one `nameTYPE · modifiersOptional|Required` line per field, `Default: x`, then
//! `Responses` (status lines), then an HTTP request (`GET /path HTTP/1.1`, headers, body)
//! followed by the response samples as JSON.

use super::facts::{AuthFact, Format, OperationFact, PageFacts, ParamFact, Sample};
use super::text::{collect_json, numbered, opens_json, parse_json};
use super::{token_urls, METHODS};

const TYPES: [&str; 7] = [
    "integer", "string", "boolean", "number", "object", "array", "any",
];

/// Extracts the facts of a GitBook-style page.
pub fn extract(page: &str, text: &str) -> PageFacts {
    let lines = numbered(text);
    let mut ops: Vec<OperationFact> = Vec::new();
    let mut auth: Vec<AuthFact> = Vec::new();
    let mut location: Option<&'static str> = None;
    let mut in_responses = false;
    let mut i = 0;
    while i < lines.len() {
        let (number, raw) = lines[i];
        let line = raw.trim();
        if METHODS.contains(&line) {
            let next = next_non_blank(&lines, i + 1);
            if let Some((method, path)) = next.and_then(|n| request_line(lines[n].1)) {
                // The request sample: headers, an optional body, then the response samples.
                let n = next.unwrap_or(i);
                i = read_request(&lines, n + 1, &mut ops, &mut auth, method, path);
                location = None;
                in_responses = false;
                continue;
            }
            // An operation starts: its title is the last non-blank line before the method.
            let title = previous_non_blank(&lines, i).map(|p| (lines[p].0, lines[p].1.trim()));
            let mut op = OperationFact::new(title.map_or(number, |t| t.0));
            op.title = title.map(|t| t.1.to_owned());
            op.method = Some(line.to_owned());
            ops.push(op);
            location = None;
            in_responses = false;
            i += 1;
            continue;
        }
        match line {
            "Query parameters" => location = Some("query"),
            "Path parameters" => location = Some("path"),
            "Header parameters" => location = Some("header"),
            "Cookie parameters" => location = Some("cookie"),
            "Body" => location = Some("body"),
            "Responses" => {
                location = None;
                in_responses = true;
            }
            _ => {
                if in_responses && line.len() == 3 && line.chars().all(|c| c.is_ascii_digit()) {
                    if let Some(op) = ops.last_mut() {
                        op.statuses.push(line.to_owned());
                    }
                } else if let Some(loc) = location {
                    if let Some(param) = parse_field(number, loc, line) {
                        if let Some(op) = ops.last_mut() {
                            op.parameters.push(param);
                        }
                    } else if let Some(default) = line.strip_prefix("Default: ") {
                        let default = default.trim_end_matches("Possible values:").trim();
                        if let Some(param) = ops.last_mut().and_then(|op| op.parameters.last_mut())
                        {
                            param.default = Some(default.to_owned());
                        }
                    }
                }
            }
        }
        i += 1;
    }
    auth.extend(token_urls(text));
    dedup_auth(&mut auth);
    PageFacts {
        page: page.to_owned(),
        format: Format::Gitbook,
        operations: ops,
        headers: Vec::new(),
        auth,
        evidence: Vec::new(),
    }
}

fn next_non_blank(lines: &[(usize, &str)], from: usize) -> Option<usize> {
    (from..lines.len()).find(|&k| !lines[k].1.trim().is_empty())
}

fn previous_non_blank(lines: &[(usize, &str)], before: usize) -> Option<usize> {
    (0..before).rev().find(|&k| !lines[k].1.trim().is_empty())
}

/// `GET /dlp/v1/violations HTTP/1.1` -> (`get`, `/dlp/v1/violations`).
fn request_line(line: &str) -> Option<(String, String)> {
    let mut parts = line.split_whitespace();
    let method = parts.next()?;
    let path = parts.next()?;
    let version = parts.next()?;
    (METHODS.contains(&method.to_lowercase().as_str())
        && path.starts_with('/')
        && version.starts_with("HTTP/")
        && parts.next().is_none())
    .then(|| {
        (
            method.to_lowercase(),
            path.split('?').next().unwrap_or(path).to_owned(),
        )
    })
}

/// Reads a request sample from `start` (the line after the request line); attaches the
/// method and path to the operation it belongs to (the last one, whose method matches), its
/// body to the request samples and the JSON after it to the response samples. Returns the
/// index of the first line after them.
fn read_request(
    lines: &[(usize, &str)],
    start: usize,
    ops: &mut [OperationFact],
    auth: &mut Vec<AuthFact>,
    method: String,
    path: String,
) -> usize {
    let mut i = start;
    let mut has_body = false;
    while i < lines.len() {
        let line = lines[i].1.trim();
        let Some((name, value)) = line.split_once(": ") else {
            break;
        };
        if name.contains(' ') {
            break;
        }
        if name.eq_ignore_ascii_case("content-type") && value.contains("json") {
            has_body = true;
        }
        if name.eq_ignore_ascii_case("authorization") {
            let kind = value.split_whitespace().next().unwrap_or("").to_lowercase();
            if kind == "bearer" || kind == "basic" {
                auth.push(AuthFact {
                    line: lines[i].0,
                    kind,
                    value: None,
                });
            }
        }
        i += 1;
    }
    let op = ops.last_mut();
    let mut samples = Vec::new();
    loop {
        let Some(k) = next_non_blank(lines, i) else {
            i = lines.len();
            break;
        };
        if !opens_json(lines[k].1) {
            if lines[k].1.trim() == "No content" {
                i = k + 1;
            }
            break;
        }
        let (text, next) = collect_json(lines, k, str::to_owned);
        if let Some(json) = parse_json(&text) {
            samples.push((lines[k].0, json));
        }
        i = next;
    }
    if let Some(op) = op {
        if op.method.as_deref() == Some(method.as_str()) {
            op.path = Some(path);
        }
        let mut samples = samples.into_iter();
        if has_body {
            if let Some((line, json)) = samples.next() {
                op.request_samples.push(Sample {
                    line,
                    status: None,
                    json,
                });
            }
        }
        let statuses = op.statuses.clone();
        for (n, (line, json)) in samples.enumerate() {
            op.response_samples.push(Sample {
                line,
                status: statuses.get(n).cloned(),
                json,
            });
        }
    }
    i
}

/// `limitinteger · int32 · max: 1000Optional` -> limit, integer, max 1000, optional.
fn parse_field(line: usize, location: &str, text: &str) -> Option<ParamFact> {
    let (body, required) = if let Some(body) = text.strip_suffix("Optional") {
        (body, false)
    } else {
        (text.strip_suffix("Required")?, true)
    };
    // The name runs until the first type word.
    let (at, ty) = TYPES
        .iter()
        .filter_map(|ty| body[1..].find(ty).map(|at| (at + 1, *ty)))
        .min_by_key(|(at, _)| *at)?;
    let name = &body[..at];
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-.$".contains(c))
    {
        return None;
    }
    let modifiers = &body[at + ty.len()..];
    let mut param = ParamFact::new(line, location);
    param.name = Some(name.to_owned());
    param.required = Some(required);
    param.ty = Some(if modifiers.ends_with("[]") {
        "array".to_owned()
    } else {
        ty.to_owned()
    });
    for modifier in modifiers.split('·').map(str::trim) {
        if let Some(max) = modifier.strip_prefix("max: ") {
            param.maximum = max.trim_end_matches("[]").parse().ok();
        } else if let Some(min) = modifier.strip_prefix("min: ") {
            param.minimum = min.trim_end_matches("[]").parse().ok();
        }
    }
    Some(param)
}

fn dedup_auth(auth: &mut Vec<AuthFact>) {
    let mut seen = std::collections::BTreeSet::new();
    auth.retain(|a| seen.insert((a.kind.clone(), a.value.clone())));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_split_name_type_and_modifiers() {
        let p = parse_field(1, "query", "limitinteger · int32 · max: 1000Optional").expect("field");
        assert_eq!(p.name.as_deref(), Some("limit"));
        assert_eq!(
            (p.ty.as_deref(), p.maximum, p.required),
            (Some("integer"), Some(1000.0), Some(false))
        );
        let p = parse_field(1, "body", "violationUUIDsstring · uuid[]Required").expect("field");
        assert_eq!(
            (p.name.as_deref(), p.ty.as_deref()),
            (Some("violationUUIDs"), Some("array"))
        );
        let p = parse_field(1, "query", "pageTokenstringOptional").expect("field");
        assert_eq!(p.name.as_deref(), Some("pageToken"));
        assert!(parse_field(1, "query", "Cursor for getting the next page of results").is_none());
    }

    #[test]
    fn an_operation_gets_its_path_samples_and_statuses() {
        let page = "Annotate\n\npost\n\nAnnotate a finding\n\nPath parameters\nfindingIdstring · uuidRequired\n\nBody\ntypestring · enumRequired\nautoApplybooleanOptional\n\nDefault: true\nResponses\n200\nOK\npost\nPOST /f/{findingId}/annotate HTTP/1.1\nHost: x\nContent-Type: application/json\nAuthorization: Bearer T\n\n{\n  \"type\": \"A\"\n}\n{\n  \"id\": 1\n}\n\nNext\n\nget\n";
        let facts = extract("p.txt", page);
        assert_eq!(facts.operations.len(), 2);
        let op = &facts.operations[0];
        assert_eq!(op.label(), "POST /f/{findingId}/annotate");
        assert_eq!(op.parameters.len(), 3);
        assert_eq!(op.parameters[2].default.as_deref(), Some("true"));
        assert_eq!(op.request_samples[0].json, serde_json::json!({"type": "A"}));
        assert_eq!(op.response_samples[0].status.as_deref(), Some("200"));
        assert_eq!(facts.auth[0].kind, "bearer");
    }
}
