//! Problems found in a spec: each one located (file, line, column, JSON pointer) and with a
//! hint, so a user can fix every problem after one run.

use std::fmt;

/// How serious a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Generation went on; the output may be less typed than the spec intends.
    Warning,
    /// Generation stopped; nothing was produced.
    Error,
}

/// One problem in a spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// What is wrong, in one sentence.
    pub message: String,
    /// The spec file, as the caller named it.
    pub file: String,
    /// 1-based line and column, where known.
    pub line_col: Option<(usize, usize)>,
    /// JSON pointer to the offending element (`/paths/~1apps/get`), where known.
    pub pointer: Option<String>,
    /// How to fix it.
    pub hint: Option<String>,
}

impl Diagnostic {
    /// A new error with a message; add location and hint with the builder methods.
    pub fn error(file: &str, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            message: message.into(),
            file: file.to_owned(),
            line_col: None,
            pointer: None,
            hint: None,
        }
    }

    /// A new warning.
    pub fn warning(file: &str, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            ..Self::error(file, message)
        }
    }

    /// Sets the JSON pointer.
    #[must_use]
    pub fn at(mut self, pointer: impl Into<String>) -> Self {
        self.pointer = Some(pointer.into());
        self
    }

    /// Sets line and column (1-based).
    #[must_use]
    pub fn line_col(mut self, line: usize, column: usize) -> Self {
        self.line_col = Some((line, column));
        self
    }

    /// Sets the hint.
    #[must_use]
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Whether this problem stops generation.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let severity = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        writeln!(f, "{severity}: {}", self.message)?;
        write!(f, "  --> {}", self.file)?;
        if let Some((line, column)) = self.line_col {
            write!(f, ":{line}:{column}")?;
        }
        if let Some(pointer) = &self.pointer {
            write!(
                f,
                " (at {})",
                if pointer.is_empty() { "/" } else { pointer }
            )?;
        }
        if let Some(hint) = &self.hint {
            write!(f, "\n  = hint: {hint}")?;
        }
        Ok(())
    }
}

/// Escapes one JSON pointer token (`/` -> `~1`, `~` -> `~0`).
pub fn pointer_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Appends `/` and `token`, escaped as [`pointer_token`] does, to `pointer`: the walks over
/// the whole document keep one pointer and truncate it on the way back, instead of making a
/// string per node.
pub(crate) fn push_token(pointer: &mut String, token: &str) {
    pointer.push('/');
    if token.contains(['~', '/']) {
        pointer.push_str(&pointer_token(token));
    } else {
        pointer.push_str(token);
    }
}

/// Appends `/` and a sequence index to `pointer`.
pub(crate) fn push_index(pointer: &mut String, index: usize) {
    use std::fmt::Write as _;
    let _ = write!(pointer, "/{index}");
}

/// Gives a diagnostic the line and column of its pointer, where they can be found.
pub(crate) fn located(diagnostic: Diagnostic, locator: &Locator<'_>) -> Diagnostic {
    match diagnostic.pointer.as_deref().and_then(|p| locator.find(p)) {
        Some((line, column)) => diagnostic.line_col(line, column),
        None => diagnostic,
    }
}

/// Finds the line and column (1-based) of a JSON pointer in YAML or JSON text, by following
/// its keys down the indentation, and its indices through block sequences (`- ` items) and
/// JSON arrays written one item per line. Best effort: inside a flow collection
/// (`{a: 1}`, `[a, b]`) the position of the collection is returned, and where a token is not
/// found, that of the deepest one that was. The empty pointer (the document) is at 1:1.
pub fn locate(text: &str, pointer: &str) -> Option<(usize, usize)> {
    Locator::new(text).find(pointer)
}

/// [`locate`] for many pointers into one text, which is scanned once, when the first pointer
/// is looked for (most documents need none located).
pub struct Locator<'a> {
    text: &'a str,
    lines: std::sync::OnceLock<Vec<Line<'a>>>,
}

impl<'a> Locator<'a> {
    /// A locator of pointers in `text`.
    pub fn new(text: &'a str) -> Self {
        Self {
            text,
            lines: std::sync::OnceLock::new(),
        }
    }

    /// The line and column of `pointer`, as [`locate`] finds them.
    pub fn find(&self, pointer: &str) -> Option<(usize, usize)> {
        if pointer.is_empty() {
            return Some((1, 1));
        }
        let lines = self
            .lines
            .get_or_init(|| self.text.lines().map(Line::scan).collect())
            .as_slice();
        let mut node = Node::Root;
        let mut found = None;
        for token in pointer
            .split('/')
            .skip(1)
            .map(|token| token.replace("~1", "/").replace("~0", "~"))
        {
            let child = match token.parse::<usize>() {
                Ok(index) => item(lines, node, index).or_else(|| key(lines, node, &token)),
                Err(_) => key(lines, node, &token),
            };
            match child {
                Some((child, position)) => {
                    node = child;
                    found = Some(position);
                }
                None => break,
            }
        }
        found
    }
}

/// One line of text as the locator sees it.
struct Line<'a> {
    /// Leading spaces.
    indent: usize,
    /// Whether the line starts with a block sequence item's `- `.
    dash: bool,
    /// Column (0-based) of the content after the indentation and any `- `.
    key_col: usize,
    /// The content from `key_col` on.
    body: &'a str,
    /// Empty, a comment, a document marker, or only JSON punctuation (`{`, `},`, `]`): no key.
    blank: bool,
    /// Not empty and not a comment: it ends a block indented as deep or deeper.
    structural: bool,
}

impl<'a> Line<'a> {
    fn scan(line: &'a str) -> Self {
        let mut body = line.trim_start_matches(' ');
        let indent = line.len() - body.len();
        let mut dash = false;
        while let Some(after) = body.strip_prefix('-') {
            if !(after.is_empty() || after.starts_with(' ')) {
                break;
            }
            dash = true;
            body = after.trim_start_matches(' ');
        }
        let trimmed = body.trim();
        let comment = trimmed.is_empty() || trimmed.starts_with('#');
        Self {
            indent,
            dash,
            key_col: line.len() - body.len(),
            body,
            blank: comment
                || trimmed == "---"
                || trimmed
                    .chars()
                    .all(|c| matches!(c, '{' | '}' | '[' | ']' | ',')),
            structural: !comment,
        }
    }

    /// Whether this line's key (after any `- `) is `token`, plain or quoted.
    fn has_key(&self, token: &str) -> bool {
        let plain = self
            .body
            .strip_prefix(token)
            .and_then(|rest| rest.strip_prefix(':'))
            .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t']));
        plain
            || ['\'', '"'].iter().any(|quote| {
                self.body
                    .strip_prefix(*quote)
                    .and_then(|rest| rest.strip_prefix(token))
                    .and_then(|rest| rest.strip_prefix(*quote))
                    .is_some_and(|rest| rest.trim_start().starts_with(':'))
            })
    }
}

/// Where the locator stands: a node of the document and the lines it spans.
#[derive(Clone, Copy)]
enum Node {
    Root,
    /// A map entry whose key starts at (`line`, `col`).
    Key {
        line: usize,
        col: usize,
    },
    /// A sequence item whose `- ` (or, in JSON, first character) is at (`line`, `col`).
    Item {
        line: usize,
        col: usize,
    },
}

/// The lines a node spans after its first line, as `start..end`.
fn span(lines: &[Line<'_>], node: Node) -> (usize, usize) {
    let (start, ends) = match node {
        Node::Root => return (0, lines.len()),
        // A block map or sequence under a key is indented deeper, or is a sequence at the
        // key's own indentation.
        Node::Key { line, col } => (
            line + 1,
            Box::new(move |l: &Line<'_>| !(l.indent > col || (l.dash && l.indent == col)))
                as Box<dyn Fn(&Line<'_>) -> bool>,
        ),
        Node::Item { line, col } => (
            line + 1,
            Box::new(move |l: &Line<'_>| l.indent <= col) as Box<dyn Fn(&Line<'_>) -> bool>,
        ),
    };
    let end = lines
        .iter()
        .enumerate()
        .skip(start)
        .find(|(_, l)| l.structural && ends(l))
        .map_or(lines.len(), |(index, _)| index);
    (start, end)
}

/// The map entry `token` of `node`, with its position.
fn key(lines: &[Line<'_>], node: Node, token: &str) -> Option<(Node, (usize, usize))> {
    let (start, end) = span(lines, node);
    // An item's first key may stand on the item's own line (`- name: id`).
    let first = match node {
        Node::Item { line, .. } => line,
        _ => start,
    };
    let mut candidates = lines
        .iter()
        .enumerate()
        .take(end)
        .skip(first)
        .filter(|(index, l)| !l.blank && (*index >= start || l.dash));
    let (_, head) = candidates.clone().next()?;
    if head.dash && !matches!(node, Node::Item { line, .. } if first == line) {
        // A sequence has no keys.
        return None;
    }
    let col = head.key_col;
    candidates
        .find(|(index, l)| {
            l.key_col == col
                && (!l.dash || matches!(node, Node::Item { line, .. } if *index == line))
                && l.has_key(token)
        })
        .map(|(index, l)| {
            (
                Node::Key {
                    line: index,
                    col: l.key_col,
                },
                (index + 1, l.key_col + 1),
            )
        })
}

/// The `index`th item of the sequence under the key `node`, with its position: block items
/// (`- `), or the items of a JSON array written one per line.
fn item(lines: &[Line<'_>], node: Node, index: usize) -> Option<(Node, (usize, usize))> {
    let Node::Key { line, .. } = node else {
        return None;
    };
    let json = lines
        .get(line)
        .is_some_and(|l| l.body.trim_end().ends_with('['));
    let (start, end) = span(lines, node);
    let starts_item = |l: &Line<'_>| {
        if json {
            let trimmed = l.body.trim_start();
            l.structural && !trimmed.starts_with('}') && !trimmed.starts_with(']')
        } else {
            l.dash
        }
    };
    let items = lines
        .iter()
        .enumerate()
        .take(end)
        .skip(start)
        .filter(|(_, l)| l.structural);
    let (_, head) = items.clone().find(|(_, l)| json || !l.blank)?;
    if !starts_item(head) {
        return None;
    }
    let col = head.indent;
    items
        .filter(|(_, l)| l.indent == col && starts_item(l))
        .nth(index)
        .map(|(line, _)| (Node::Item { line, col }, (line + 1, col + 1)))
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "openapi: 3.0.0\npaths:\n  /apps:\n    get:\n      responses: {}\n  /users:\n    get:\n      summary: x\n";

    #[test]
    fn locates_nested_keys() {
        assert_eq!(locate(DOC, "/paths/~1users/get/summary"), Some((8, 7)));
        assert_eq!(locate(DOC, "/paths/~1apps/get"), Some((4, 5)));
    }

    #[test]
    fn locates_sequence_items_and_their_keys() {
        let yaml = "paths:\n  /a:\n    get:\n      parameters:\n      - name: a\n        in: query\n      - name: b\n        in: path\n        schema:\n          type: string\n      responses:\n        - x\n";
        assert_eq!(locate(yaml, "/paths/~1a/get/parameters/1"), Some((7, 7)));
        assert_eq!(
            locate(yaml, "/paths/~1a/get/parameters/1/name"),
            Some((7, 9))
        );
        assert_eq!(
            locate(yaml, "/paths/~1a/get/parameters/1/schema/type"),
            Some((10, 11))
        );
        assert_eq!(locate(yaml, "/paths/~1a/get/parameters/0/in"), Some((6, 9)));
        assert_eq!(locate(yaml, "/paths/~1a/get/responses"), Some((11, 7)));
        // Past the end of the sequence: the sequence's key.
        assert_eq!(locate(yaml, "/paths/~1a/get/parameters/2"), Some((4, 7)));
        let indented = "servers:\n  - url: x\n    description: d\n  - url: y\n";
        assert_eq!(locate(indented, "/servers/1/url"), Some((4, 5)));
    }

    #[test]
    fn a_key_is_found_only_at_its_own_level() {
        let yaml = "a:\n  b:\n    description: deep\n  description: here\n";
        assert_eq!(locate(yaml, "/a/description"), Some((4, 3)));
        let text = "a:\n  b: |\n    c: not a key\n  c: 1\n";
        assert_eq!(locate(text, "/a/c"), Some((4, 3)));
        assert_eq!(locate(text, ""), Some((1, 1)));
    }

    #[test]
    fn locates_pretty_printed_json() {
        let json = "{\n  \"openapi\": \"3.0.0\",\n  \"paths\": {\n    \"/a\": {\n      \"get\": {\n        \"parameters\": [\n          {\n            \"name\": \"a\"\n          },\n          {\n            \"name\": \"b\",\n            \"in\": \"query\"\n          }\n        ]\n      }\n    }\n  }\n}\n";
        assert_eq!(locate(json, "/paths/~1a/get"), Some((5, 7)));
        assert_eq!(locate(json, "/paths/~1a/get/parameters/1"), Some((10, 11)));
        assert_eq!(
            locate(json, "/paths/~1a/get/parameters/1/in"),
            Some((12, 13))
        );
        assert_eq!(
            locate(json, "/paths/~1a/get/parameters/0/in"),
            Some((7, 11))
        );
    }

    #[test]
    fn renders_every_part() {
        let diagnostic = Diagnostic::error("spec.yaml", "bad thing")
            .at("/paths")
            .line_col(2, 1)
            .hint("do better");
        assert_eq!(
            diagnostic.to_string(),
            "error: bad thing\n  --> spec.yaml:2:1 (at /paths)\n  = hint: do better"
        );
    }

    #[test]
    fn locates_items_of_block_sequences() {
        let doc = "paths:\n  /a:\n    get:\n      parameters:\n        - name: a\n          in: query\n        - name: b\n          style: form\n      tags:\n      - x\n      - y\n";
        assert_eq!(
            locate(doc, "/paths/~1a/get/parameters/1/style"),
            Some((8, 11))
        );
        assert_eq!(locate(doc, "/paths/~1a/get/parameters/0/in"), Some((6, 11)));
        assert_eq!(locate(doc, "/paths/~1a/get/parameters/1"), Some((7, 9)));
        // A sequence at its key's indentation.
        assert_eq!(locate(doc, "/paths/~1a/get/tags/1"), Some((11, 7)));
        // No such item: the deepest thing found.
        assert_eq!(
            locate(doc, "/paths/~1a/get/parameters/5/style"),
            Some((4, 7))
        );
        // A number that is a key.
        let responses =
            "paths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: ok\n";
        assert_eq!(
            locate(responses, "/paths/~1a/get/responses/200/description"),
            Some((6, 11))
        );
    }
}
