//! The facts a vendor page states, as data: what `cargo xtask audit` extracts from a captured
//! page, compares with a spec, and records in `specs/<vendor>/page-facts.json` (facts only, no
//! prose: titles, methods, paths, parameter names and constraints, samples, header names).

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The renderer a captured page came from; each has its own extractor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// An OpenAPI document (YAML or JSON), possibly after a few lines of page text.
    Openapi,
    /// Redoc's text: "query Parameters", "Request Body schema", "Response samples".
    Redoc,
    /// GitBook-style OpenAPI pages: `nameTypeOptional` lines, `GET /x HTTP/1.1` request lines.
    Gitbook,
    /// IBM Cloud API reference pages: `GET /path` lines, "Query Parameters", bullets.
    Ibm,
}

impl Format {
    /// The format's name, as `page-facts.json` spells it.
    pub fn name(self) -> &'static str {
        match self {
            Format::Openapi => "openapi",
            Format::Redoc => "redoc",
            Format::Gitbook => "gitbook",
            Format::Ibm => "ibm",
        }
    }
}

/// Everything the audit knows about one captured page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PageFacts {
    /// The capture's file name (`lacework-edge.txt`).
    pub page: String,
    /// The renderer the capture came from.
    pub format: Format,
    /// Operations in page order.
    pub operations: Vec<OperationFact>,
    /// Headers the page says every call sends (cURL `-H` lines, "set the X header").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub headers: Vec<HeaderFact>,
    /// How the page says calls authenticate.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub auth: Vec<AuthFact>,
    /// Operations that the outside evidence (`EVIDENCE.md`) names for this page.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<EvidenceOperation>,
}

/// One operation as the page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OperationFact {
    /// 1-based line of the operation's first line on the page.
    pub line: usize,
    /// The heading, when the page kept one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Lower-case HTTP method, when the page shows it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// The path template, when the page shows it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Parameters and body fields, in page order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parameters: Vec<ParamFact>,
    /// Response status codes the page lists.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub statuses: Vec<String>,
    /// Request body samples.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub request_samples: Vec<Sample>,
    /// Response body samples.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub response_samples: Vec<Sample>,
}

impl OperationFact {
    /// A new operation starting at `line`.
    pub fn new(line: usize) -> Self {
        OperationFact {
            line,
            title: None,
            method: None,
            path: None,
            parameters: Vec::new(),
            statuses: Vec::new(),
            request_samples: Vec::new(),
            response_samples: Vec::new(),
        }
    }

    /// How findings and change reports name the operation: `GET /x`, else its title, else
    /// the first line of its sample.
    pub fn label(&self) -> String {
        match (&self.method, &self.path, &self.title) {
            (Some(method), Some(path), _) => format!("{} {path}", method.to_uppercase()),
            (_, _, Some(title)) => format!("\"{title}\""),
            _ => format!("untitled operation at line {}", self.line),
        }
    }

    /// A key that stays the same when only line numbers move (for change reports).
    pub fn key(&self) -> String {
        match (&self.method, &self.path, &self.title) {
            (Some(method), Some(path), _) => format!("{} {path}", method.to_uppercase()),
            (_, _, Some(title)) => format!("\"{title}\""),
            _ => {
                let sample = self
                    .response_samples
                    .first()
                    .map(|s| s.json.to_string())
                    .unwrap_or_default();
                format!("untitled operation with sample {}", excerpt(&sample))
            }
        }
    }
}

/// One parameter or body field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParamFact {
    /// 1-based page line.
    pub line: usize,
    /// The name; `None` where the page lost it (IBM pages).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `path`, `query`, `header`, `cookie` or `body` (a top-level field of a JSON body).
    #[serde(rename = "in")]
    pub location: String,
    /// Whether the page marks it required; `None` where the page does not say.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required: Option<bool>,
    /// JSON Schema type name (`string`, `integer`, `boolean`, `number`, `object`, `array`).
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub ty: Option<String>,
    /// Allowed values, as the page writes them.
    #[serde(default, rename = "enum", skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
    /// The default, as the page writes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    /// Inclusive lower bound.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minimum: Option<f64>,
    /// Inclusive upper bound.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maximum: Option<f64>,
}

impl ParamFact {
    /// A parameter with only its line and location known.
    pub fn new(line: usize, location: &str) -> Self {
        ParamFact {
            line,
            name: None,
            location: location.to_owned(),
            required: None,
            ty: None,
            values: Vec::new(),
            default: None,
            minimum: None,
            maximum: None,
        }
    }

    /// `query parameter limit`, `body field action`, `2nd path parameter`.
    pub fn label(&self, ordinal: usize) -> String {
        let kind = if self.location == "body" {
            "body field".to_owned()
        } else {
            format!("{} parameter", self.location)
        };
        match &self.name {
            Some(name) => format!("{kind} `{name}`"),
            None => format!("{kind} #{}", ordinal + 1),
        }
    }
}

/// A request or response sample.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sample {
    /// 1-based page line where the sample starts.
    pub line: usize,
    /// The status it belongs to, when the page says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// The sample as JSON.
    pub json: Value,
}

/// A header the page says calls send.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HeaderFact {
    /// 1-based page line.
    pub line: usize,
    /// The header's name.
    pub name: String,
}

/// An authentication fact.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuthFact {
    /// 1-based page line.
    pub line: usize,
    /// `bearer`, `basic`, or `token-url` (an endpoint that hands out tokens).
    pub kind: String,
    /// The URL of a `token-url`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

/// An operation that `EVIDENCE.md` names (`METHOD /path`) in the page's section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvidenceOperation {
    /// 1-based line in `EVIDENCE.md`.
    pub line: usize,
    /// Lower-case method.
    pub method: String,
    /// Path template.
    pub path: String,
}

/// The first 60 characters of `text`, for messages.
pub fn excerpt(text: &str) -> String {
    let mut out: String = text.chars().take(60).collect();
    if text.chars().count() > 60 {
        out.push('…');
    }
    out
}
