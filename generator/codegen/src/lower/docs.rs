//! Rustdoc text from spec prose.

/// Joins the non-empty parts into one doc comment, made safe for rustdoc: no line is
/// indented (an indented line would start a code block, which doctests would compile) and a
/// code fence without a language is marked `text`.
pub fn doc(parts: &[Option<&str>]) -> Option<String> {
    let paragraphs: Vec<String> = parts
        .iter()
        .flatten()
        .map(|part| sanitize(part))
        .filter(|part| !part.is_empty())
        .collect();
    if paragraphs.is_empty() {
        None
    } else {
        Some(paragraphs.join("\n\n"))
    }
}

fn sanitize(text: &str) -> String {
    let mut in_fence = false;
    // The indentation that continues the list item above (its marker's width), if any.
    let mut item: Option<usize> = None;
    let lines: Vec<String> = text
        .trim()
        .lines()
        .map(|line| {
            let line = line.trim();
            if let Some(info) = line.strip_prefix("```") {
                let opening = !in_fence;
                in_fence = !in_fence;
                item = None;
                if opening && info.trim().is_empty() {
                    return "```text".to_owned();
                }
                return line.to_owned();
            }
            if in_fence {
                return line.to_owned();
            }
            if line.is_empty() {
                item = None;
                return String::new();
            }
            if let Some(width) = list_marker(line) {
                item = Some(width);
                return prose_line(line);
            }
            // A line that continues a list item is indented as the item's text is (a
            // continuation, not a code block), as clippy's lint on lazy continuations asks.
            match item {
                Some(width) => format!("{}{}", " ".repeat(width), prose_line(line)),
                None => prose_line(line),
            }
        })
        .collect();
    let mut out = lines.join("\n");
    if in_fence {
        out.push_str("\n```");
    }
    out
}

/// The width of the list marker a line starts with (`- `, `* `, `+ `, `1. `, `2) `), if it
/// starts with one.
fn list_marker(line: &str) -> Option<usize> {
    if ["- ", "* ", "+ "]
        .iter()
        .any(|marker| line.starts_with(marker))
    {
        return Some(2);
    }
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    let rest = line.get(digits..)?;
    (digits > 0 && digits < 10 && (rest.starts_with(". ") || rest.starts_with(") ")))
        .then_some(digits + 2)
}

/// A line of prose outside code fences, with what rustdoc would misread defused outside
/// `code spans`: `<word>` is not an HTML tag, a bare URL becomes a link, and `[word]` is not
/// an intra-doc link.
fn prose_line(line: &str) -> String {
    line.split('`')
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 0 {
                prose(part)
            } else {
                part.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("`")
}

fn prose(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        let taken = if rest.starts_with("http://") || rest.starts_with("https://") {
            let end = rest
                .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"'))
                .unwrap_or(rest.len());
            let url = rest
                .get(..end)
                .unwrap_or(rest)
                .trim_end_matches(['.', ',', ';', ':', ')', '\'', '!', '?']);
            // Inside a link the author wrote (`<https://..>`, `[text](https://..)`) it stays;
            // a bare URL becomes an autolink.
            if out.ends_with('<') || out.ends_with("](") {
                out.push_str(url);
            } else {
                out.push('<');
                out.push_str(url);
                out.push('>');
            }
            url.len()
        } else if c == '[' {
            match markdown_link_len(rest) {
                Some(len) => {
                    out.push_str(rest.get(..len).unwrap_or(rest));
                    len
                }
                None => {
                    out.push_str("\\[");
                    1
                }
            }
        } else {
            if c == '<' && !rest.get(1..).is_some_and(|after| after.starts_with("http")) {
                out.push_str("&lt;");
            } else {
                out.push(c);
            }
            c.len_utf8()
        };
        rest = rest.get(taken.max(1)..).unwrap_or("");
    }
    out
}

/// The length of the Markdown link `[text](target)` that `text` starts with, if it does.
fn markdown_link_len(text: &str) -> Option<usize> {
    let close = text.find(']')?;
    if !text.get(close + 1..)?.starts_with('(') {
        return None;
    }
    let target_end = text.get(close..)?.find(')')?;
    Some(close + target_end + 1)
}

/// The note shown for elements a spec marks `x-inferred` (pass the extension's value).
pub fn inferred(why: Option<&serde_json::Value>) -> Option<String> {
    why.map(|why| match why.as_str() {
        Some(text) => format!("Not stated by the vendor's documentation; inferred: {text}"),
        None => "Not stated by the vendor's documentation; inferred.".to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indented_lines_and_bare_fences_are_defused() {
        let text = doc(&[
            Some("Intro\n    indented code\n```\nlet x;\n```"),
            None,
            Some("  "),
        ]);
        assert_eq!(
            text.as_deref(),
            Some("Intro\nindented code\n```text\nlet x;\n```")
        );
    }

    /// Box's and OpenAI's documents wrap list items over several lines, each line at the
    /// item's indentation; trimmed, the next lines were lazy continuations, which clippy denies.
    #[test]
    fn list_items_keep_their_continuation_lines_indented() {
        let text = doc(&[Some(
            "Rules:\n* `a` means that every\n  assignee must approve.\n1. first\n   more\n\nAfter the list.\n- short\n```\n- in code\n  code\n```\nafter\n10) tenth\nitem",
        )]);
        assert_eq!(
            text.as_deref(),
            Some("Rules:\n* `a` means that every\n  assignee must approve.\n1. first\n   more\n\nAfter the list.\n- short\n```text\n- in code\ncode\n```\nafter\n10) tenth\n    item")
        );
    }

    #[test]
    fn prose_that_rustdoc_would_misread_is_defused_outside_code() {
        let text = doc(&[Some(
            "POST /<resource>/search, see https://x.io/a. [note] [docs](https://d.io) <https://e.io> `a<b> [c]`\n```\n<keep> [keep]\n```",
        )]);
        assert_eq!(
            text.as_deref(),
            Some("POST /&lt;resource>/search, see <https://x.io/a>. \\[note] [docs](https://d.io) <https://e.io> `a<b> [c]`\n```text\n<keep> [keep]\n```")
        );
    }

    #[test]
    fn lines_that_continue_a_list_item_are_indented_as_its_text() {
        let text = doc(&[Some("Intro:\n- one\ncontinued\n10. ten\nmore\n\nAfter.")]);
        assert_eq!(
            text.as_deref(),
            Some("Intro:\n- one\n  continued\n10. ten\n    more\n\nAfter.")
        );
    }
}
