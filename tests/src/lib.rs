//! Shared helpers of the workspace's tests. The tests themselves are the `[[test]]` targets
//! next to this crate's Cargo.toml. The root README is compiled here as a doctest, so its
//! example keeps compiling.
#![doc = include_str!("../../README.md")]

use std::path::{Path, PathBuf};

use serde_json::{json, Value};
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockBuilder, MockServer, ResponseTemplate};

/// The repository root.
pub fn repo_root() -> PathBuf {
    xtask::repo_root()
}

/// A file under `tests/fixtures/`, read to a string.
pub fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()))
}

/// A mock matching one `verb route` request authenticated with `Bearer token`; add matchers,
/// then [`reply`].
pub fn on(verb: &str, route: &str, token: &str) -> MockBuilder {
    Mock::given(method(verb))
        .and(path(route))
        .and(header("authorization", format!("Bearer {token}").as_str()))
}

/// Like [`on`], for a request that must carry a JSON body equal to `body`.
pub fn on_json(verb: &str, route: &str, token: &str, body: Value) -> MockBuilder {
    on(verb, route, token)
        .and(header("content-type", "application/json"))
        .and(body_json(body))
}

/// Answers `mock` with `status` and a JSON body, and requires exactly one matching request.
pub async fn reply(server: &MockServer, mock: MockBuilder, status: u16, body: &Value) {
    mock.respond_with(ResponseTemplate::new(status).set_body_json(body))
        .expect(1)
        .mount(server)
        .await;
}

/// A Nudge `App` with every property of the spec's schema present (id 42, Slack).
pub fn nudge_slack_app() -> Value {
    json!({
        "id": 42,
        "name": "Slack",
        "category": "Communication",
        "domain": "slack.com",
        "status": "approved",
        "first_seen": "2024-01-15T09:30:00Z",
        "last_seen": "2025-06-02T17:45:12Z",
    })
}
