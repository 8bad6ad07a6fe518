//! Text helpers the page extractors share: reading JSON samples out of rendered text.

use serde_json::Value;

/// Lines of a page, each with its 1-based number.
pub fn numbered(text: &str) -> Vec<(usize, &str)> {
    text.lines().enumerate().map(|(i, l)| (i + 1, l)).collect()
}

/// The change in bracket depth over `line`, ignoring brackets inside JSON strings.
fn depth_change(line: &str) -> i64 {
    let mut depth = 0;
    let mut in_string = false;
    let mut escaped = false;
    for c in line.chars() {
        if in_string {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '{' | '[' => depth += 1,
            '}' | ']' => depth -= 1,
            _ => {}
        }
    }
    depth
}

/// Collects a JSON value that starts at `lines[start]` and spans lines until its brackets
/// balance; each line first goes through `strip` (an indentation or bullet to drop). Returns
/// the text and the index of the line after it.
pub fn collect_json(
    lines: &[(usize, &str)],
    start: usize,
    strip: impl Fn(&str) -> String,
) -> (String, usize) {
    let mut text = String::new();
    let mut depth = 0;
    let mut i = start;
    while i < lines.len() {
        let line = strip(lines[i].1);
        depth += depth_change(&line);
        text.push_str(&line);
        text.push('\n');
        i += 1;
        if depth <= 0 {
            break;
        }
    }
    (text, i)
}

/// Redoc prints samples as JSON with a `- ` before every member and array item (its
/// collapse buttons): `{- "a": [- 1], - "b": 2}`. Drops them, outside strings only.
pub fn undash(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_string = false;
    let mut escaped = false;
    let mut last_significant = '\n';
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if in_string {
            out.push(c);
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => {
                    in_string = false;
                    last_significant = '"';
                }
                _ => {}
            }
            i += 1;
            continue;
        }
        if c == '-'
            && chars.get(i + 1) == Some(&' ')
            && matches!(last_significant, '{' | '[' | ',' | '\n')
        {
            i += 2;
            continue;
        }
        if c == '"' {
            in_string = true;
        }
        if !c.is_whitespace() {
            last_significant = c;
        } else if c == '\n' && last_significant == '\n' {
            // still at the start of the text
        }
        out.push(c);
        i += 1;
    }
    out
}

/// Parses a sample's text as JSON.
pub fn parse_json(text: &str) -> Option<Value> {
    serde_json::from_str(text.trim()).ok()
}

/// True for a line that opens a JSON object or array sample.
pub fn opens_json(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with('{') || t.starts_with('[')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn undash_drops_redoc_bullets_but_not_string_content() {
        let text = "{- \"a\": [\n- 1\n], - \"b\": \"x - y\",\n- \"c\": -2\n}";
        let value = parse_json(&undash(text)).expect("valid JSON");
        assert_eq!(value, serde_json::json!({"a": [1], "b": "x - y", "c": -2}));
    }

    #[test]
    fn collect_json_stops_when_brackets_balance() {
        let page = "{\n  \"a\": \"}\",\n  \"b\": [1]\n}\nnext";
        let lines = numbered(page);
        let (text, next) = collect_json(&lines, 0, str::to_owned);
        assert_eq!(next, 4);
        assert_eq!(
            parse_json(&text),
            Some(serde_json::json!({"a": "}", "b": [1]}))
        );
    }
}
