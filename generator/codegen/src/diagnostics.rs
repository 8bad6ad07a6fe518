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

/// Finds the line of a JSON pointer in YAML or JSON text, by following the keys down the
/// indentation, and the indices of block sequences (`- ` items) too. Best effort: inside
/// flow-style YAML (`{..}`, `[..]`) nothing is followed, and the line of the deepest key or
/// item found is returned.
pub fn locate(text: &str, pointer: &str) -> Option<(usize, usize)> {
    let tokens = pointer
        .split('/')
        .skip(1)
        .map(|token| token.replace("~1", "/").replace("~0", "~"));
    let lines: Vec<&str> = text.lines().collect();
    let mut start = 0usize;
    let mut min_indent = 0usize;
    let mut found = None;
    for token in tokens {
        // A number is an index when a block sequence follows, else a key (`'200':`).
        let item = match (token.parse::<usize>(), found) {
            (Ok(wanted), Some(_)) => sequence_item(&lines, start, min_indent, wanted),
            _ => None,
        };
        if let Some((index, indent)) = item {
            found = Some((index + 1, indent + 1));
            // The item's first key is on its `- ` line.
            start = index;
            min_indent = indent + 1;
            continue;
        }
        let mut hit = None;
        for (index, line) in lines.iter().enumerate().skip(start) {
            let indent = line.len() - line.trim_start().len();
            let item = line.trim_start().starts_with("- ");
            let trimmed = line.trim_start().trim_start_matches("- ");
            if found.is_some() && indent < min_indent && !line.trim().is_empty() && index > start {
                break;
            }
            // A key after `- ` is indented by the dash and its space.
            let key_indent = if item { indent + 2 } else { indent };
            let key = trimmed
                .strip_prefix(&format!("{token}:"))
                .or_else(|| trimmed.strip_prefix(&format!("'{token}':")))
                .or_else(|| trimmed.strip_prefix(&format!("\"{token}\":")));
            if key.is_some() && key_indent >= min_indent {
                hit = Some((index, key_indent));
                break;
            }
        }
        match hit {
            Some((index, indent)) => {
                found = Some((index + 1, indent + 1));
                start = index + 1;
                min_indent = indent + 1;
            }
            None => break,
        }
    }
    found
}

/// The line and indentation of item `wanted` of the block sequence that starts at or after
/// line `start` (its dashes indented at least `min_indent - 1`: YAML lets a sequence sit at
/// its key's indentation).
fn sequence_item(
    lines: &[&str],
    start: usize,
    min_indent: usize,
    wanted: usize,
) -> Option<(usize, usize)> {
    let mut dash_indent = None;
    let mut count = 0;
    for (index, line) in lines.iter().enumerate().skip(start) {
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let indent = line.len() - trimmed.len();
        let dash = trimmed.starts_with("- ") || trimmed == "-";
        let items_at = match dash_indent {
            Some(at) => at,
            None if dash && indent + 1 >= min_indent => *dash_indent.insert(indent),
            None => return None,
        };
        if indent < items_at || (indent == items_at && !dash) {
            return None;
        }
        if indent == items_at {
            if count == wanted {
                return Some((index, indent));
            }
            count += 1;
        }
    }
    None
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
}
