//! `cargo xtask audit`: checks a spec against the captured vendor page it is reconstructed
//! from. One extractor per page *format* (Redoc, GitBook-style, IBM Cloud API docs, OpenAPI)
//! turns the capture into [`PageFacts`]; [`compare`] lists what the spec lacks, what it states
//! that no page does without an `x-inferred` mark, marks on facts the page states, and samples
//! that do not validate; [`changes`] lists what changed between two sets of facts.

mod compare;
pub mod facts;
mod gitbook;
mod ibm;
mod openapi;
mod redoc;
mod schema_check;
mod text;

use std::fs;
use std::path::{Path, PathBuf};

pub use compare::{compare, Finding};
pub use facts::{Format, PageFacts};

use facts::{AuthFact, EvidenceOperation, HeaderFact};

/// The HTTP methods of an OpenAPI path item, lower case.
pub(crate) const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Follows local `$ref`s (`#/...`) to the value they name, with that value's pointer
/// (`pointer` when `value` is no reference).
pub(crate) fn resolve<'a>(
    doc: &'a serde_json::Value,
    value: &'a serde_json::Value,
    pointer: String,
) -> (String, &'a serde_json::Value) {
    let mut current = (pointer, value);
    for _ in 0..16 {
        let Some(target) = current.1.get("$ref").and_then(serde_json::Value::as_str) else {
            break;
        };
        let Some(p) = target.strip_prefix('#') else {
            break;
        };
        match doc.pointer(p) {
            Some(v) => current = (p.to_owned(), v),
            None => break,
        }
    }
    current
}

/// The `x-page-differs` reason an element carries.
pub(crate) fn differs(value: &serde_json::Value) -> Option<String> {
    value
        .get("x-page-differs")
        .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
}

/// Where the captured pages live, relative to the repository root.
pub const PAGES_DIR: &str = "../shared/vendor-docs";
/// The outside evidence beside the pages.
pub const EVIDENCE_FILE: &str = "EVIDENCE.md";
/// The committed facts of a vendor's page.
pub fn facts_file(root: &Path, vendor: &str) -> PathBuf {
    root.join("specs").join(vendor).join("page-facts.json")
}

/// Which renderer a capture came from, from its text alone.
pub fn detect(text: &str) -> Option<Format> {
    let head: String = text.lines().take(40).collect::<Vec<_>>().join("\n");
    if openapi::start(text).is_some_and(|at| at < 40) || head.contains("\nopenapi:") {
        return Some(Format::Openapi);
    }
    let has_line = |l: &str| text.lines().any(|line| line.trim() == l);
    if text.contains("Response samples")
        || text.contains("Request Body schema:")
        || has_line("query Parameters")
        || has_line("path Parameters")
    {
        return Some(Format::Redoc);
    }
    if text.lines().any(|l| {
        let l = l.trim();
        l.ends_with(" HTTP/1.1") && l.split_whitespace().count() == 3
    }) {
        return Some(Format::Gitbook);
    }
    if has_line("Query Parameters")
        || has_line("Path Parameters")
        || has_line("No Request Parameters")
    {
        return Some(Format::Ibm);
    }
    None
}

/// Extracts a page's facts (the evidence is added separately, see [`evidence`]).
pub fn extract(page: &str, text: &str) -> Result<PageFacts, String> {
    match detect(text) {
        Some(Format::Openapi) => openapi::extract(page, text),
        Some(Format::Redoc) => Ok(redoc::extract(page, text)),
        Some(Format::Gitbook) => Ok(gitbook::extract(page, text)),
        Some(Format::Ibm) => Ok(ibm::extract(page, text)),
        None => Err(format!(
            "{page}: not a page format the audit reads (OpenAPI, Redoc, GitBook-style or IBM Cloud API docs)"
        )),
    }
}

/// The operations `EVIDENCE.md` names for `page` (backticked `METHOD /path` in the section
/// whose heading mentions the page's file name).
pub fn evidence(evidence_text: &str, page: &str) -> Vec<EvidenceOperation> {
    let mut out = Vec::new();
    let mut in_section = false;
    for (n, line) in evidence_text.lines().enumerate() {
        if line.starts_with("## ") {
            in_section = line.contains(page);
            continue;
        }
        if !in_section {
            continue;
        }
        for (k, span) in line.split('`').enumerate() {
            if k % 2 == 0 {
                continue;
            }
            let mut parts = span.split_whitespace();
            let (Some(method), Some(path), None) = (parts.next(), parts.next(), parts.next())
            else {
                continue;
            };
            if ["GET", "POST", "PUT", "PATCH", "DELETE"].contains(&method)
                && path.starts_with('/')
                && !path.contains('<')
            {
                out.push(EvidenceOperation {
                    line: n + 1,
                    method: method.to_lowercase(),
                    path: path.to_owned(),
                });
            }
        }
    }
    out
}

/// URLs on the page that hand out tokens (their last path segment names a token).
pub fn token_urls(text: &str) -> Vec<AuthFact> {
    let mut out: Vec<AuthFact> = Vec::new();
    for (n, line) in text.lines().enumerate() {
        for word in line.split(|c: char| c.is_whitespace() || "'\"<>(),".contains(c)) {
            let word = word.trim_end_matches(['.', ',', ';', ':']);
            if !(word.starts_with("https://") || word.starts_with("http://")) {
                continue;
            }
            let last = word.rsplit('/').next().unwrap_or("");
            if last.to_lowercase().contains("token")
                && !out.iter().any(|a| a.value.as_deref() == Some(word))
            {
                out.push(AuthFact {
                    line: n + 1,
                    kind: "token-url".to_owned(),
                    value: Some(word.to_owned()),
                });
            }
        }
    }
    out
}

/// Headers and authorization in cURL samples (`-H "Name: value"`) and sentences that say a
/// header must be set ("set the Account header").
mod curl_facts {
    use super::{AuthFact, HeaderFact};

    const IGNORED: [&str; 3] = ["accept", "content-type", "authorization"];

    fn dash_h(text: &str) -> Vec<(usize, String, String)> {
        let mut out = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let mut rest = line;
            while let Some(at) = rest.find("-H ") {
                rest = &rest[at + 3..];
                let rest_trim = rest.trim_start();
                let Some(quote) = rest_trim.chars().next().filter(|c| *c == '"' || *c == '\'')
                else {
                    continue;
                };
                let inner = &rest_trim[1..];
                let Some(end) = inner.find(quote) else {
                    continue;
                };
                if let Some((name, value)) = inner[..end].split_once(':') {
                    out.push((n + 1, name.trim().to_owned(), value.trim().to_owned()));
                }
            }
        }
        out
    }

    /// Required headers, page-wide, first mention of each.
    pub fn headers(text: &str) -> Vec<HeaderFact> {
        let mut out: Vec<HeaderFact> = Vec::new();
        let mut push = |line: usize, name: &str| {
            if !IGNORED.contains(&name.to_lowercase().as_str())
                && !out.iter().any(|h| h.name.eq_ignore_ascii_case(name))
            {
                out.push(HeaderFact {
                    line,
                    name: name.to_owned(),
                });
            }
        };
        for (line, name, _) in dash_h(text) {
            push(line, &name);
        }
        for (n, line) in text.lines().enumerate() {
            let mut rest = line;
            while let Some(at) = rest.find("set the ") {
                rest = &rest[at + 8..];
                let mut words = rest.split_whitespace();
                if let (Some(name), Some("header")) = (words.next(), words.next()) {
                    push(n + 1, name);
                }
            }
        }
        out
    }

    /// `Authorization: Bearer ..` / `Basic ..` in cURL samples.
    pub fn auth(text: &str) -> Vec<AuthFact> {
        let mut out: Vec<AuthFact> = Vec::new();
        for (line, name, value) in dash_h(text) {
            if !name.eq_ignore_ascii_case("authorization") {
                continue;
            }
            let kind = match value.split_whitespace().next().map(str::to_lowercase) {
                Some(k) if k == "bearer" || k == "basic" => k,
                _ => "authorization".to_owned(),
            };
            if !out.iter().any(|a| a.kind == kind) {
                out.push(AuthFact {
                    line,
                    kind,
                    value: None,
                });
            }
        }
        out
    }
}

/// The capture that `specs/<vendor>/client.toml` names (`page = "..."`), in [`PAGES_DIR`].
pub fn default_page(root: &Path, vendor: &str) -> Result<PathBuf, String> {
    let settings_file = root.join("specs").join(vendor).join("client.toml");
    let text = fs::read_to_string(&settings_file)
        .map_err(|err| format!("cannot read {}: {err}", settings_file.display()))?;
    let settings = clientgen::Settings::from_toml(&text)
        .map_err(|err| format!("{} is not valid: {err}", settings_file.display()))?;
    let page = settings.page.ok_or_else(|| {
        format!(
            "{} names no captured page (add `page = \"<file in {PAGES_DIR}>\"`)",
            settings_file.display()
        )
    })?;
    Ok(root.join(PAGES_DIR).join(page))
}

/// Reads a capture and the evidence beside it into facts. A missing capture is an error.
pub fn read_page(page: &Path) -> Result<PageFacts, String> {
    let text = fs::read_to_string(page).map_err(|err| {
        format!(
            "cannot read the captured page {}: {err} (the captures live in {PAGES_DIR}, beside the checkout)",
            page.display()
        )
    })?;
    let name = page
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut facts = extract(&name, &text)?;
    if let Some(dir) = page.parent() {
        if let Ok(evidence_text) = fs::read_to_string(dir.join(EVIDENCE_FILE)) {
            facts.evidence = evidence(&evidence_text, &name);
        }
    }
    Ok(facts)
}

/// The committed facts of a vendor's page.
pub fn read_facts(root: &Path, vendor: &str) -> Result<PageFacts, String> {
    let file = facts_file(root, vendor);
    let text = fs::read_to_string(&file).map_err(|err| {
        format!(
            "cannot read {}: {err} (run `cargo xtask audit {vendor} --update` to record them)",
            file.display()
        )
    })?;
    serde_json::from_str(&text).map_err(|err| format!("{} is not valid: {err}", file.display()))
}

/// The facts as `page-facts.json` holds them: pretty JSON with a final newline.
pub fn render_facts(facts: &PageFacts) -> String {
    let mut text = serde_json::to_string_pretty(facts).unwrap_or_default();
    text.push('\n');
    text
}

/// Reads a vendor's spec as JSON.
pub fn read_spec(root: &Path, vendor: &str) -> Result<serde_json::Value, String> {
    let file = root.join("specs").join(vendor).join("openapi.yaml");
    let text = fs::read_to_string(&file)
        .map_err(|err| format!("cannot read {}: {err}", file.display()))?;
    serde_yaml::from_str(&text).map_err(|err| format!("{} does not parse: {err}", file.display()))
}

/// What changed between the recorded facts and a new capture's, one line each.
pub fn changes(old: &PageFacts, new: &PageFacts) -> Vec<String> {
    use std::collections::BTreeMap;
    let index = |facts: &PageFacts| -> BTreeMap<String, facts::OperationFact> {
        facts
            .operations
            .iter()
            .map(|op| (op.key(), op.clone()))
            .collect()
    };
    let (before, after) = (index(old), index(new));
    let mut out = Vec::new();
    for (key, op) in &after {
        match before.get(key) {
            None => out.push(format!("{}:{}: operation added: {key}", new.page, op.line)),
            Some(prev) => {
                let strip = |o: &facts::OperationFact| {
                    let mut o = o.clone();
                    o.line = 0;
                    for p in &mut o.parameters {
                        p.line = 0;
                    }
                    for s in o
                        .request_samples
                        .iter_mut()
                        .chain(o.response_samples.iter_mut())
                    {
                        s.line = 0;
                    }
                    o
                };
                let (a, b) = (strip(prev), strip(op));
                if a == b {
                    continue;
                }
                let names = |o: &facts::OperationFact| -> Vec<(String, String)> {
                    o.parameters
                        .iter()
                        .enumerate()
                        .map(|(k, p)| (p.label(k), serde_json::to_string(p).unwrap_or_default()))
                        .collect()
                };
                let (pa, pb) = (names(&a), names(&b));
                for (label, text) in &pb {
                    match pa.iter().find(|(l, _)| l == label) {
                        None => out.push(format!("{}:{}: {key}: {label} added", new.page, op.line)),
                        Some((_, old_text)) if old_text != text => out.push(format!(
                            "{}:{}: {key}: {label} changed: {old_text} -> {text}",
                            new.page, op.line
                        )),
                        _ => {}
                    }
                }
                for (label, _) in &pa {
                    if !pb.iter().any(|(l, _)| l == label) {
                        out.push(format!("{}:{}: {key}: {label} removed", new.page, op.line));
                    }
                }
                if a.statuses != b.statuses {
                    out.push(format!(
                        "{}:{}: {key}: statuses {:?} -> {:?}",
                        new.page, op.line, a.statuses, b.statuses
                    ));
                }
                if a.request_samples != b.request_samples
                    || a.response_samples != b.response_samples
                {
                    out.push(format!("{}:{}: {key}: samples changed", new.page, op.line));
                }
            }
        }
    }
    for key in before.keys() {
        if !after.contains_key(key) {
            out.push(format!("{}: operation removed: {key}", new.page));
        }
    }
    let header_names =
        |f: &PageFacts| -> Vec<String> { f.headers.iter().map(|h| h.name.clone()).collect() };
    if header_names(old) != header_names(new) {
        out.push(format!(
            "{}: required headers {:?} -> {:?}",
            new.page,
            header_names(old),
            header_names(new)
        ));
    }
    let auth = |f: &PageFacts| -> Vec<(String, Option<String>)> {
        f.auth
            .iter()
            .map(|a| (a.kind.clone(), a.value.clone()))
            .collect()
    };
    if auth(old) != auth(new) {
        out.push(format!(
            "{}: authentication {:?} -> {:?}",
            new.page,
            auth(old),
            auth(new)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evidence_operations_come_from_the_page_section_only() {
        let text = "## A (page: a.txt)\n- `GET /x/{id}` and `POST /y`, not `/z` or `POST /<r>/search`\n## B (page: b.txt)\n- `GET /b`\n";
        let ops = evidence(text, "a.txt");
        assert_eq!(ops.len(), 2);
        assert_eq!(
            (ops[0].method.as_str(), ops[0].path.as_str(), ops[0].line),
            ("get", "/x/{id}", 2)
        );
    }

    #[test]
    fn curl_headers_and_header_sentences() {
        let text = "curl -H \"Authorization: $T\" -H 'IBMInstanceID: $G'\nYou must also set the Account header to your id.\n";
        let names: Vec<String> = curl_facts::headers(text)
            .into_iter()
            .map(|h| h.name)
            .collect();
        assert_eq!(names, ["IBMInstanceID", "Account"]);
        assert_eq!(curl_facts::auth(text)[0].kind, "authorization");
        let urls = token_urls("for url: https://iam.example.com/identity/token, check");
        assert_eq!(
            urls[0].value.as_deref(),
            Some("https://iam.example.com/identity/token")
        );
    }
}
