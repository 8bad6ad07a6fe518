//! Clause queries: `field:value` clauses separated by spaces (all must match), with
//! `field:(a OR b)` for alternatives, the Lucene-like search syntax of APIs such as
//! Nightfall's. Every value is escaped, so no value can change the query's structure.

use std::fmt;

/// Characters with a meaning in the query syntax; a value carries them escaped with `\`.
/// `&&` and `||` are escaped character by character.
const SPECIAL: &[char] = &[
    '+', '-', '&', '|', '!', '(', ')', '{', '}', '[', ']', '^', '"', '~', '*', '?', ':', '\\',
];

/// A query built clause by clause. Generated crates wrap it in a type whose fields are the
/// ones the spec's `x-query-language` lists.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClauseQuery {
    clauses: Vec<String>,
}

impl ClauseQuery {
    /// A query with no clauses.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `field:value`: records whose `field` matches `value` exactly.
    pub fn is(mut self, field: &str, value: &str) -> Self {
        self.clauses.push(format!("{field}:{}", term(value)));
        self
    }

    /// Adds `field:(a OR b ..)`: records whose `field` matches any of `values`. No values
    /// add no clause.
    pub fn any_of<I, S>(mut self, field: &str, values: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let terms: Vec<String> = values.into_iter().map(|v| term(v.as_ref())).collect();
        match terms.as_slice() {
            [] => {}
            [one] => self.clauses.push(format!("{field}:{one}")),
            _ => self
                .clauses
                .push(format!("{field}:({})", terms.join(" OR "))),
        }
        self
    }

    /// Whether no clause was added.
    pub fn is_empty(&self) -> bool {
        self.clauses.is_empty()
    }
}

impl fmt::Display for ClauseQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.clauses.join(" "))
    }
}

impl From<ClauseQuery> for String {
    fn from(query: ClauseQuery) -> Self {
        query.to_string()
    }
}

/// `value` with its special characters escaped, in quotes when it has whitespace (or is
/// empty).
fn term(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    let quoted = value.is_empty() || value.chars().any(char::is_whitespace);
    if quoted {
        out.push('"');
    }
    for c in value.chars() {
        if SPECIAL.contains(&c) {
            out.push('\\');
        }
        out.push(c);
    }
    if quoted {
        out.push('"');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pages_examples() {
        let query = ClauseQuery::new()
            .is("state", "active")
            .is("slack.channel_name", "general");
        assert_eq!(query.to_string(), "state:active slack.channel_name:general");
        let query = ClauseQuery::new().any_of("state", ["active", "pending"]);
        assert_eq!(query.to_string(), "state:(active OR pending)");
        // "a value like (1+1):2 should be searched for using \(1\+1)\:2": the page escapes
        // only some characters; escaping every special character means the same.
        assert_eq!(term("(1+1):2"), r"\(1\+1\)\:2");
    }

    #[test]
    fn no_value_can_break_the_query() {
        let query = ClauseQuery::new()
            .is("user_email", "ada@example.com")
            .is("user_name", "Ada Lovelace")
            .is("x", r#"a" OR state:active \"#)
            .is("y", "")
            .any_of("z", Vec::<String>::new());
        assert_eq!(
            query.to_string(),
            r#"user_email:ada@example.com user_name:"Ada Lovelace" x:"a\" OR state\:active \\" y:"""#
        );
        assert_eq!(term("&&||!{}[]^~*?"), r"\&\&\|\|\!\{\}\[\]\^\~\*\?");
    }
}
