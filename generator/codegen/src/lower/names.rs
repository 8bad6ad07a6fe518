//! Identifier hygiene: the one place where spec names become Rust names.
//!
//! Every name the generated code uses passes through here, so keywords, leading digits,
//! punctuation and case collisions are handled once.

use std::collections::BTreeSet;

use heck::{ToPascalCase, ToSnakeCase};

use crate::ir::StatusMatch;

/// Keywords that can be used as raw identifiers (`r#type`).
const RAW_KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "do", "dyn",
    "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let",
    "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return",
    "static", "struct", "trait", "true", "try", "type", "typeof", "union", "unsafe", "unsized",
    "use", "virtual", "where", "while", "yield",
];

/// Keywords that cannot be raw identifiers; they get a trailing underscore.
const RESERVED: &[&str] = &["self", "Self", "super", "crate", "_"];

/// Type names that would shadow the prelude or the names generated code relies on.
const SHADOWING_TYPES: &[&str] = &[
    "Option",
    "Result",
    "String",
    "Vec",
    "Box",
    "Some",
    "None",
    "Ok",
    "Err",
    "Default",
    "Clone",
    "Copy",
    "Send",
    "Sync",
    "Sized",
    "Into",
    "From",
    "Iterator",
    "ToString",
    "ToOwned",
    "Drop",
    "Fn",
    "FnMut",
    "FnOnce",
    "Debug",
    "Serialize",
    "Deserialize",
    "PartialEq",
    "Eq",
    "Hash",
    "Ord",
    "PartialOrd",
    "BTreeMap",
];

/// Words for punctuation, used when a value has no letters or digits at all (`>=` -> `GtEq`).
fn symbol_word(c: char) -> Option<&'static str> {
    Some(match c {
        '=' => "Eq",
        '!' => "Not",
        '<' => "Lt",
        '>' => "Gt",
        '+' => "Plus",
        '-' => "Minus",
        '*' => "Star",
        '/' => "Slash",
        '\\' => "Backslash",
        '@' => "At",
        '.' => "Dot",
        '$' => "Dollar",
        '#' => "Hash",
        '%' => "Percent",
        '&' => "And",
        '|' => "Or",
        '~' => "Tilde",
        '^' => "Caret",
        '?' => "Question",
        ':' => "Colon",
        ',' => "Comma",
        _ => return None,
    })
}

/// Splits on everything that is not a letter or digit, so heck sees plain words. A sign before
/// a number is spelled out (`-1` -> `minus 1`, `+1` -> `plus 1`), so that `1`, `-1` and `+1`
/// stay three names.
fn words(raw: &str) -> String {
    if !raw.chars().any(char::is_alphanumeric) {
        let spelled: Vec<&str> = raw.chars().filter_map(symbol_word).collect();
        return spelled.join(" ");
    }
    let mut chars = raw.chars();
    let sign = match (chars.next(), chars.next()) {
        (Some(sign @ ('-' | '+')), Some(digit)) if digit.is_ascii_digit() => symbol_word(sign),
        _ => None,
    };
    let rest: String = raw
        .chars()
        .skip(usize::from(sign.is_some()))
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    match sign {
        Some(word) => format!("{word} {rest}"),
        None => rest,
    }
}

/// Keeps only characters valid in a Rust identifier (ASCII, after case conversion).
fn ascii_ident_chars(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect()
}

fn finish(mut name: String, fallback: &str) -> String {
    if name.is_empty() {
        name = fallback.to_owned();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name = format!("_{name}");
    }
    if RESERVED.contains(&name.as_str()) {
        return format!("{name}_");
    }
    if RAW_KEYWORDS.contains(&name.as_str()) {
        return format!("r#{name}");
    }
    name
}

/// A snake_case identifier for a field, parameter or method (`first-seen` -> `first_seen`,
/// `type` -> `r#type`, `self` -> `self_`, `2fa` -> `_2fa`).
pub fn snake(raw: &str) -> String {
    finish(ascii_ident_chars(&words(raw).to_snake_case()), "value")
}

/// A PascalCase identifier for a type or variant. Leading digits get a `_` prefix
/// (`2xx` -> `_2xx`), because a type name must start with a letter or underscore.
pub fn pascal(raw: &str) -> String {
    finish(ascii_ident_chars(&words(raw).to_pascal_case()), "Value")
}

/// A PascalCase type name that does not shadow a prelude type (`Option` -> `OptionType`) and
/// is not `Self` (`self` -> `SelfType`).
pub fn type_name(raw: &str) -> String {
    let name = pascal(raw);
    if name == "Self_" {
        return "SelfType".to_owned();
    }
    if SHADOWING_TYPES.contains(&name.as_str()) {
        format!("{name}Type")
    } else {
        name
    }
}

/// The variant of a response enum for a status: the status's reason phrase (`404` ->
/// `NotFound`), `Status{code}` for a code without one, `Status4xx` for a range, `Default`.
pub fn status_variant(status: StatusMatch) -> String {
    let code = match status {
        StatusMatch::Code(code) => code,
        StatusMatch::Range(class) => return format!("Status{class}xx"),
        StatusMatch::Default => return "Default".to_owned(),
    };
    let reason = match code {
        100 => "Continue",
        101 => "SwitchingProtocols",
        102 => "Processing",
        103 => "EarlyHints",
        200 => "Ok",
        201 => "Created",
        202 => "Accepted",
        203 => "NonAuthoritativeInformation",
        204 => "NoContent",
        205 => "ResetContent",
        206 => "PartialContent",
        207 => "MultiStatus",
        208 => "AlreadyReported",
        226 => "ImUsed",
        300 => "MultipleChoices",
        301 => "MovedPermanently",
        302 => "Found",
        303 => "SeeOther",
        304 => "NotModified",
        305 => "UseProxy",
        307 => "TemporaryRedirect",
        308 => "PermanentRedirect",
        400 => "BadRequest",
        401 => "Unauthorized",
        402 => "PaymentRequired",
        403 => "Forbidden",
        404 => "NotFound",
        405 => "MethodNotAllowed",
        406 => "NotAcceptable",
        407 => "ProxyAuthenticationRequired",
        408 => "RequestTimeout",
        409 => "Conflict",
        410 => "Gone",
        411 => "LengthRequired",
        412 => "PreconditionFailed",
        413 => "PayloadTooLarge",
        414 => "UriTooLong",
        415 => "UnsupportedMediaType",
        416 => "RangeNotSatisfiable",
        417 => "ExpectationFailed",
        418 => "ImATeapot",
        421 => "MisdirectedRequest",
        422 => "UnprocessableEntity",
        423 => "Locked",
        424 => "FailedDependency",
        425 => "TooEarly",
        426 => "UpgradeRequired",
        428 => "PreconditionRequired",
        429 => "TooManyRequests",
        431 => "RequestHeaderFieldsTooLarge",
        451 => "UnavailableForLegalReasons",
        500 => "InternalServerError",
        501 => "NotImplemented",
        502 => "BadGateway",
        503 => "ServiceUnavailable",
        504 => "GatewayTimeout",
        505 => "HttpVersionNotSupported",
        506 => "VariantAlsoNegotiates",
        507 => "InsufficientStorage",
        508 => "LoopDetected",
        510 => "NotExtended",
        511 => "NetworkAuthenticationRequired",
        other => return format!("Status{other}"),
    };
    reason.to_owned()
}

/// Hands out names unique within one scope: the first `x` stays `x`, the next is `x_2`
/// (or `X2` for PascalCase names). Deterministic for a deterministic call order.
#[derive(Debug, Default)]
pub struct Scope {
    taken: BTreeSet<String>,
}

impl Scope {
    /// A scope in which `reserved` names are already taken.
    pub fn with_reserved(reserved: &[&str]) -> Self {
        Self {
            taken: reserved.iter().map(|name| (*name).to_owned()).collect(),
        }
    }

    /// `name`, or the first free numbered variant of it.
    pub fn claim(&mut self, name: String) -> String {
        if self.taken.insert(name.clone()) {
            return name;
        }
        let separator = if name.starts_with(|c: char| c.is_ascii_uppercase()) {
            ""
        } else {
            "_"
        };
        // `r#type` -> `type_2`, `self_` -> `self_2`, `Self_` -> `Self2`.
        let base = name
            .trim_start_matches("r#")
            .trim_end_matches('_')
            .to_owned();
        (2..)
            .map(|n| format!("{base}{separator}{n}"))
            .find(|candidate| self.taken.insert(candidate.clone()))
            .unwrap_or(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_raw_keyword_becomes_a_raw_identifier() {
        for keyword in RAW_KEYWORDS {
            assert_eq!(snake(keyword), format!("r#{keyword}"), "{keyword}");
        }
    }

    #[test]
    fn keywords_that_cannot_be_raw_get_an_underscore() {
        assert_eq!(snake("self"), "self_");
        assert_eq!(snake("super"), "super_");
        assert_eq!(snake("crate"), "crate_");
        assert_eq!(pascal("Self"), "Self_");
    }

    #[test]
    fn punctuation_and_digits() {
        assert_eq!(snake("first-seen"), "first_seen");
        assert_eq!(snake("$count"), "count");
        assert_eq!(snake("user@host"), "user_host");
        assert_eq!(snake("2fa"), "_2fa");
        assert_eq!(pascal("-1"), "Minus1");
        assert_eq!(pascal("+1"), "Plus1");
        assert_eq!(pascal("1"), "_1");
        assert_eq!(snake("-5_days"), "minus_5_days");
        assert_eq!(pascal("-x"), "X");
        assert_eq!(pascal("app-to-app integrations"), "AppToAppIntegrations");
        assert_eq!(pascal(">="), "GtEq");
        assert_eq!(pascal("!="), "NotEq");
        assert_eq!(pascal("="), "Eq");
        assert_eq!(pascal(""), "Value");
        assert_eq!(snake("Search apps"), "search_apps");
        assert_eq!(snake("searchAppsWithFilters"), "search_apps_with_filters");
    }

    #[test]
    fn prelude_names_are_not_shadowed() {
        assert_eq!(type_name("Option"), "OptionType");
        assert_eq!(type_name("result"), "ResultType");
        assert_eq!(type_name("App"), "App");
        assert_eq!(type_name("self"), "SelfType");
        assert_eq!(type_name("Self"), "SelfType");
    }

    #[test]
    fn statuses_are_named_after_their_reason() {
        assert_eq!(status_variant(StatusMatch::Code(200)), "Ok");
        assert_eq!(status_variant(StatusMatch::Code(404)), "NotFound");
        assert_eq!(status_variant(StatusMatch::Code(299)), "Status299");
        assert_eq!(status_variant(StatusMatch::Range(4)), "Status4xx");
        assert_eq!(status_variant(StatusMatch::Default), "Default");
    }

    #[test]
    fn clashes_are_numbered_in_call_order() {
        let mut scope = Scope::default();
        assert_eq!(scope.claim("asc".into()), "asc");
        assert_eq!(scope.claim("asc".into()), "asc_2");
        let mut types = Scope::with_reserved(&["Unknown"]);
        assert_eq!(types.claim("Asc".into()), "Asc");
        assert_eq!(types.claim("Asc".into()), "Asc2");
        assert_eq!(types.claim("Unknown".into()), "Unknown2");
        let mut fields = Scope::default();
        assert_eq!(fields.claim(snake("self")), "self_");
        assert_eq!(fields.claim(snake("Self")), "self_2");
        assert_eq!(fields.claim(snake("type")), "r#type");
        assert_eq!(fields.claim(snake("Type")), "type_2");
        let mut variants = Scope::default();
        assert_eq!(variants.claim(pascal("self")), "Self_");
        assert_eq!(variants.claim(pascal("Self")), "Self2");
    }
}
