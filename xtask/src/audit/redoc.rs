//! Facts from Redoc's rendered text: an operation is a title, optional description lines,
//! `path/query/header Parameters` tables (`name required | type Enum: .. Default: .. text |`),
//! `Request Body schema: <media>` with a field table, `Responses`, then `Request samples` and
//! `Response samples` (status tabs `- 200`, then JSON with `- ` bullets). A `Response samples`
//! block that follows another one directly belongs to an operation whose heading was lost.

use super::facts::{Format, OperationFact, PageFacts, ParamFact, Sample};
use super::text::{collect_json, numbered, opens_json, parse_json, undash};
use super::{curl_facts, token_urls};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum State {
    /// Before the first operation.
    Intro,
    /// In an operation's title and description lines.
    Heading,
    /// In a parameter table of the given location (`body` for the request body's fields).
    Table(&'static str),
    /// After `Responses`.
    Responses,
    /// After `Request samples` or `Response samples`, reading tabs and the JSON.
    Samples { response: bool },
    /// After an operation's last sample: the next plain line starts a new operation.
    Done,
}

/// Extracts the facts of a Redoc page.
pub fn extract(page: &str, text: &str) -> PageFacts {
    let lines = numbered(text);
    let mut ops: Vec<OperationFact> = Vec::new();
    let mut state = State::Intro;
    let mut intro_start = true;
    let mut statuses: Vec<String> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let (number, raw) = lines[i];
        let line = raw.trim();
        if line.is_empty() {
            i += 1;
            continue;
        }
        if let Some(location) = table_location(line) {
            if matches!(state, State::Intro | State::Done) {
                ops.push(OperationFact::new(number));
            }
            state = State::Table(location);
            i += 1;
            continue;
        }
        if line == "Responses" {
            if matches!(state, State::Intro | State::Done) {
                ops.push(OperationFact::new(number));
            }
            state = State::Responses;
            i += 1;
            continue;
        }
        if line == "Request samples" || line == "Response samples" {
            let response = line == "Response samples";
            let lost_heading = match state {
                State::Done | State::Samples { .. } => ops
                    .last()
                    .is_none_or(|op| !op.response_samples.is_empty() || !response),
                State::Intro => true,
                _ => false,
            };
            if lost_heading && response {
                ops.push(OperationFact::new(number));
            }
            statuses.clear();
            state = State::Samples { response };
            i += 1;
            continue;
        }
        match state {
            State::Intro | State::Done => {
                if state == State::Intro && intro_start && !plausible_title(line) {
                    i += 1;
                    continue;
                }
                intro_start = false;
                let mut op = OperationFact::new(number);
                op.title = Some(line.to_owned());
                ops.push(op);
                state = State::Heading;
                i += 1;
            }
            State::Heading => i += 1,
            State::Table(location) => {
                // A row may wrap: join lines until one ends with `|`.
                let mut row = line.to_owned();
                let mut j = i + 1;
                while !row.ends_with('|') && j < lines.len() {
                    let next = lines[j].1.trim();
                    if next.is_empty() || table_location(next).is_some() || next == "Responses" {
                        break;
                    }
                    row.push(' ');
                    row.push_str(next);
                    j += 1;
                }
                if let (Some(param), Some(op)) = (parse_row(number, location, &row), ops.last_mut())
                {
                    op.parameters.push(param);
                }
                i = j;
            }
            State::Responses => {
                // An operation without samples: the next plain line is the next title.
                state = State::Done;
            }
            State::Samples { response } => {
                if let Some(tab) = line.strip_prefix("- ") {
                    if tab.len() == 3 && tab.chars().all(|c| c.is_ascii_digit()) {
                        statuses.push(tab.to_owned());
                        if let Some(op) = ops.last_mut() {
                            if !op.statuses.contains(&tab.to_owned()) {
                                op.statuses.push(tab.to_owned());
                            }
                        }
                    }
                    i += 1;
                    continue;
                }
                if opens_json(line) || line.starts_with('"') {
                    let (json_text, next) = collect_json(&lines, i, str::to_owned);
                    if let (Some(json), Some(op)) =
                        (parse_json(&undash(&json_text)), ops.last_mut())
                    {
                        let sample = Sample {
                            line: number,
                            status: if response {
                                statuses.first().cloned()
                            } else {
                                None
                            },
                            json,
                        };
                        if response {
                            op.response_samples.push(sample);
                        } else {
                            op.request_samples.push(sample);
                        }
                    }
                    drop_repeated_sample(&mut ops);
                    i = next;
                    state = State::Done;
                    continue;
                }
                // Text where a sample was expected (a cURL request sample): its own facts
                // are read separately; the next plain line after it starts an operation.
                if line.starts_with("curl ") || line.starts_with("- cURL") {
                    i += 1;
                    continue;
                }
                state = State::Done;
            }
        }
    }
    PageFacts {
        page: page.to_owned(),
        format: Format::Redoc,
        operations: ops,
        // Redoc documents headers per operation (`header Parameters`); a cURL sample's `-H`
        // lines belong to its operation, so the page states no page-wide header.
        headers: Vec::new(),
        auth: {
            let mut auth = curl_facts::auth(text);
            auth.extend(token_urls(text));
            auth
        },
        evidence: Vec::new(),
    }
}

/// Redoc sometimes prints an operation's response sample twice; the second copy looks like
/// an operation whose heading was lost. It is dropped when it repeats the sample just before.
fn drop_repeated_sample(ops: &mut Vec<OperationFact>) {
    let [.., previous, last] = ops.as_slice() else {
        return;
    };
    let lost = last.title.is_none() && last.path.is_none() && last.parameters.is_empty();
    if lost
        && last.response_samples.len() == 1
        && previous
            .response_samples
            .iter()
            .any(|s| s.json == last.response_samples[0].json)
    {
        ops.pop();
    }
}

/// A short line that could head an operation (not a sentence, not the API's own title).
fn plausible_title(line: &str) -> bool {
    let sentence = line.ends_with('.') || line.ends_with(':');
    let api_title = line.ends_with(')') && line.contains(" (");
    line.len() <= 80 && !sentence && !api_title && !line.contains("Download OpenAPI")
}

/// `query Parameters` -> `query`; `Request Body schema: application/json` -> `body`.
/// The capture sometimes glues the heading to the description before it
/// (`... path parameter.path Parameters`), so a heading may end a line.
fn table_location(line: &str) -> Option<&'static str> {
    for (heading, location) in [
        ("path Parameters", "path"),
        ("query Parameters", "query"),
        ("header Parameters", "header"),
        ("cookie Parameters", "cookie"),
    ] {
        if line == heading
            || line
                .strip_suffix(heading)
                .is_some_and(|before| before.ends_with(['.', ')', ':']))
        {
            return Some(location);
        }
    }
    line.starts_with("Request Body schema:").then_some("body")
}

/// One table row: `name required | type Enum: "a" "b" Default: 100 description |`.
fn parse_row(line: usize, location: &str, row: &str) -> Option<ParamFact> {
    let (head, rest) = row.split_once(" | ").or_else(|| {
        row.strip_suffix(" |")
            .and_then(|r| r.split_once(" |"))
            .map(|(h, _)| (h, ""))
    })?;
    let mut words = head.split_whitespace();
    let name = words.next()?;
    let required = match words.next() {
        None => false,
        Some("required") if words.next().is_none() => true,
        Some(_) => return None,
    };
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '$' | '[' | ']'))
    {
        return None;
    }
    let mut param = ParamFact::new(line, location);
    param.name = Some(name.to_owned());
    param.required = Some(required);
    let rest = rest.trim_end_matches('|').trim();
    if rest.is_empty() {
        // `object | |`: a nested object whose field name the capture lost.
        return None;
    }
    let tokens = tokenize(rest);
    param.ty = tokens.first().map(|t| match t.as_str() {
        "Array" => "array".to_owned(),
        other => other.to_lowercase(),
    });
    let mut k = 0;
    while k < tokens.len() {
        match tokens[k].as_str() {
            "Enum:" | "Value:" => {
                k += 1;
                while k < tokens.len() && is_enum_value(&tokens[k]) {
                    param.values.push(tokens[k].trim_matches('"').to_owned());
                    k += 1;
                }
                continue;
            }
            "Default:" => {
                if let Some(value) = tokens.get(k + 1) {
                    param.default = Some(value.trim_matches('"').to_owned());
                }
                k += 2;
                continue;
            }
            // `[ 1 .. 100 ]`
            "[" if tokens.get(k + 2).map(String::as_str) == Some("..") => {
                param.minimum = tokens.get(k + 1).and_then(|t| t.parse().ok());
                param.maximum = tokens.get(k + 3).and_then(|t| t.parse().ok());
            }
            ">=" => param.minimum = tokens.get(k + 1).and_then(|t| t.parse().ok()),
            "<=" => param.maximum = tokens.get(k + 1).and_then(|t| t.parse().ok()),
            _ => {}
        }
        k += 1;
    }
    Some(param)
}

/// Splits on whitespace, keeping quoted strings whole.
fn tokenize(text: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '"' => {
                current.push(c);
                quoted = !quoted;
            }
            c if c.is_whitespace() && !quoted => {
                if !current.is_empty() {
                    tokens.push(std::mem::take(&mut current));
                }
            }
            c => current.push(c),
        }
    }
    if !current.is_empty() {
        tokens.push(current);
    }
    tokens
}

/// `"slo"` or `0`: a value in an `Enum:` list.
fn is_enum_value(token: &str) -> bool {
    (token.starts_with('"') && token.ends_with('"') && token.len() >= 2)
        || token.parse::<i64>().is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_give_name_required_type_enum_and_default() {
        let row = "kind required | string Enum: \"slo\" \"service\" The type of object. |";
        let p = parse_row(3, "path", row).expect("a row");
        assert_eq!(p.name.as_deref(), Some("kind"));
        assert_eq!(p.required, Some(true));
        assert_eq!(p.ty.as_deref(), Some("string"));
        assert_eq!(p.values, ["slo", "service"]);
        let row = "limit | integer Default: 100 The number of items to return. |";
        let p = parse_row(4, "query", row).expect("a row");
        assert_eq!(
            (p.required, p.default.as_deref()),
            (Some(false), Some("100"))
        );
        let row = "purpose | integer (proto.CaCertificate_Purpose) Enum: 0 1 2 3 |";
        assert_eq!(
            parse_row(5, "body", row).expect("a row").values,
            ["0", "1", "2", "3"]
        );
        assert!(parse_row(
            6,
            "body",
            "object Only fields to be updated are filled in. | |"
        )
        .is_none());
    }

    #[test]
    fn a_sample_block_after_a_sample_is_an_operation_whose_heading_was_lost() {
        let page = "API (1.0)\nGet a blob.\nResponses\nResponse samples\n- 200\n{- \"a\": 1\n}\nResponse samples\n- 200\n{- \"b\": [\n- 2\n]\n}\nNext op\nResponses\n";
        let facts = extract("p.txt", page);
        assert_eq!(facts.operations.len(), 3);
        assert_eq!(facts.operations[1].title, None);
        assert_eq!(facts.operations[1].line, 8);
        assert_eq!(
            facts.operations[1].response_samples[0].json,
            serde_json::json!({"b": [2]})
        );
        assert_eq!(facts.operations[2].title.as_deref(), Some("Next op"));
    }
}
