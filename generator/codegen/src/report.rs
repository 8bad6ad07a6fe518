//! Diagnostics rendered for people: the message, `file:line:col`, the offending line of the
//! spec with a caret under the element, the JSON pointer and the hint, through
//! `annotate-snippets` (the renderer rustc and cargo use). Without the source text (or a
//! line and column) the location line is all there is; `Diagnostic`'s `Display` stays the
//! one-line-per-fact form that tests and logs read.

use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};

use crate::diagnostics::{Diagnostic, Severity};

impl Diagnostic {
    /// Renders the diagnostic with a snippet of `source`, the text of [`Diagnostic::file`]
    /// (`None` when it cannot be read: the location is still shown). `styled` adds terminal
    /// colours; without it the text is plain, byte for byte the same on every run.
    pub fn render(&self, source: Option<&str>, styled: bool) -> String {
        let level = match self.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let mut group = Group::with_title(level.primary_title(self.message.as_str()));
        match (
            self.line_col,
            source.and_then(|text| line_of(text, self.line_col)),
        ) {
            (Some((line, _)), Some((text, span))) => {
                group = group.element(
                    Snippet::source(text)
                        .line_start(line)
                        .path(self.file.as_str())
                        .annotation(AnnotationKind::Primary.span(span)),
                );
            }
            (Some((line, column)), None) => {
                group = group.element(
                    Origin::path(self.file.as_str())
                        .line(line)
                        .char_column(column),
                );
            }
            (None, _) => group = group.element(Origin::path(self.file.as_str())),
        }
        if let Some(pointer) = &self.pointer {
            let pointer = if pointer.is_empty() { "/" } else { pointer };
            group = group.element(Level::NOTE.message(format!("at {pointer}")));
        }
        if let Some(hint) = &self.hint {
            group = group.element(Level::HELP.message(hint.as_str()));
        }
        let renderer = if styled {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        renderer.render(&[group])
    }
}

/// Renders each diagnostic (see [`Diagnostic::render`]), reading each file's text once
/// through `read` (the entry spec's and every file a diagnostic names).
pub fn render_all<'a>(
    diagnostics: impl IntoIterator<Item = &'a Diagnostic>,
    mut read: impl FnMut(&str) -> Option<String>,
    styled: bool,
) -> Vec<String> {
    let mut sources: std::collections::BTreeMap<String, Option<String>> = Default::default();
    diagnostics
        .into_iter()
        .map(|diagnostic| {
            let source = sources
                .entry(diagnostic.file.clone())
                .or_insert_with(|| read(&diagnostic.file));
            diagnostic.render(source.as_deref(), styled)
        })
        .collect()
}

/// The 1-based `line` of `text` and the byte range of the element starting at 1-based
/// `column` (up to the next space, `:` or `,`; at least one character, or an empty range at
/// the end of the line).
fn line_of(text: &str, at: Option<(usize, usize)>) -> Option<(&str, std::ops::Range<usize>)> {
    let (line, column) = at?;
    let content = text.lines().nth(line.checked_sub(1)?)?;
    let mut start = column.saturating_sub(1).min(content.len());
    while !content.is_char_boundary(start) {
        start -= 1;
    }
    let rest = content.get(start..).unwrap_or_default();
    let token = rest
        .char_indices()
        .find(|&(i, c)| i > 0 && (c.is_whitespace() || c == ':' || c == ','))
        .map_or(rest.len(), |(i, _)| i);
    Some((content, start..start + token))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_located_problem_shows_its_line_with_a_caret_the_pointer_and_the_hint() {
        let source = "openapi: 3.0.3\ninfo:\n  title: x\n  version: 1\npaths: {}\n";
        let diagnostic = Diagnostic::warning("spec.yaml", "`version` is a number")
            .at("/info/version")
            .line_col(4, 3)
            .hint("quote it");
        let rendered = diagnostic.render(Some(source), false);
        assert_eq!(
            rendered,
            "warning: `version` is a number\n --> spec.yaml:4:3\n  |\n4 |   version: 1\n  |   ^^^^^^^\n  |\n  = note: at /info/version\n  = help: quote it"
        );
    }

    #[test]
    fn without_the_source_the_location_is_still_shown() {
        let diagnostic = Diagnostic::error("spec.yaml", "broken").line_col(9, 2);
        assert_eq!(
            diagnostic.render(None, false),
            "error: broken\n--> spec.yaml:9:2"
        );
        let unlocated = Diagnostic::error("spec.yaml", "broken").hint("fix it");
        assert!(unlocated
            .render(Some("a: 1\n"), false)
            .contains("--> spec.yaml"));
    }

    #[test]
    fn columns_past_the_line_or_inside_a_character_do_not_panic() {
        let source = "naïve: 1\n";
        for column in [0, 1, 3, 4, 5, 40] {
            let rendered = Diagnostic::error("s.yaml", "x")
                .line_col(1, column)
                .render(Some(source), false);
            assert!(rendered.contains("naïve: 1"), "{rendered}");
        }
        let beyond = Diagnostic::error("s.yaml", "x")
            .line_col(7, 1)
            .render(Some(source), false);
        assert!(beyond.contains("s.yaml:7:1"), "{beyond}");
    }
}
