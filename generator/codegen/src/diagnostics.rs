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
/// indentation. Best effort: flow-style YAML and array indices inside flow sequences are not
/// followed, in which case the line of the deepest key found is returned.
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
        let mut hit = None;
        for (index, line) in lines.iter().enumerate().skip(start) {
            let indent = line.len() - line.trim_start().len();
            let trimmed = line.trim_start().trim_start_matches("- ");
            if found.is_some() && indent < min_indent && !line.trim().is_empty() && index > start {
                break;
            }
            let key = trimmed
                .strip_prefix(&format!("{token}:"))
                .or_else(|| trimmed.strip_prefix(&format!("'{token}':")))
                .or_else(|| trimmed.strip_prefix(&format!("\"{token}\":")));
            if key.is_some() && indent >= min_indent {
                hit = Some((index, indent));
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
