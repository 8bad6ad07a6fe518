//! Bounded fuzzing of the whole generator: mutated documents go through `clientgen::generate`
//! (load, validate, lower, emit, render; all in memory), which must never panic and must
//! answer either with files or with diagnostics that each say something.
//!
//! Seeds are the repository's specs (`specs/`, `tests/specs/`, the published Nudge document,
//! the real documents of `tests/fixtures/real/`; large ones cut into a few paths each, with
//! the components those paths reach) and small hand-written 3.0 and 3.1 documents. A case
//! mutates a seed's JSON tree (delete, replace with an odd value, rename a key, insert a
//! keyword, duplicate a subtree, point a node at another or at itself with `$ref`, nest a node
//! deeply, change the version) and/or edits the printed text byte by byte (truncate, insert,
//! delete). Seeds are read as `serde_json::Value`, so their keys are in sorted order.
//!
//! `PROPTEST_CASES` sets the number of cases (default 256) and `PROPTEST_RNG_SEED` the seed
//! (fixed by default, so a run is reproducible); a failure prints the failing document and
//! the panic's message and location. No failure persistence files are written. A stack
//! overflow aborts the process before proptest can report it: `PROPTEST_VERBOSE=2` with
//! `-- --nocapture` prints each case before it runs.

use std::collections::BTreeSet;
use std::panic::{self, AssertUnwindSafe};
use std::sync::{Mutex, Once, OnceLock};

use clientgen::diagnostics::pointer_token;
use clientgen::{generate, Settings, Severity};
use clientgen_tests::repo_root;
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::{Config, RngSeed, TestCaseError};
use serde_json::{Map, Value};

/// Cases per run when `PROPTEST_CASES` is not set: enough to catch regressions, small enough
/// for `cargo test --workspace`.
const DEFAULT_CASES: u32 = 256;
/// The seed when `PROPTEST_RNG_SEED` is not set.
const DEFAULT_SEED: u64 = 0x0c11_e57e_5eed;
/// Specs with more paths than this are cut into documents of this many paths.
const PATHS_PER_CHUNK: usize = 4;

fn config() -> Config {
    let mut config = Config::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = DEFAULT_CASES;
    }
    if std::env::var_os("PROPTEST_RNG_SEED").is_none() {
        config.rng_seed = RngSeed::Fixed(DEFAULT_SEED);
    }
    config.failure_persistence = None;
    config
}

/// Small documents for what the real specs lack or have little of: every 3.1 form, every
/// extension, every kind of credential, shared and component parameters, references to
/// bodies and responses, recursion, and a document without paths.
const HAND_WRITTEN: &[&str] = &[
    r##"
openapi: 3.0.3
info: { title: Hand API, version: "1", description: "Docs with `code`, [links](https://x.io) and <tags>" }
servers:
  - url: 'https://{region}.example.com:{port}/v1'
    variables:
      region: { default: us, enum: [us, eu] }
      port: { default: '443' }
security: [{ bearer: [] }]
x-rate-limit: { requests: 10, period_seconds: 60 }
paths:
  /things/{id}:
    parameters:
      - $ref: '#/components/parameters/Id'
      - { name: Org, in: header, required: true, schema: { type: string } }
    get:
      operationId: getThing
      x-inferred: from the page
      x-rate-limit: { requests: 1, period_seconds: 1 }
      parameters:
        - { name: type, in: query, schema: { type: string, enum: [a, b, '>=', ''] } }
        - { name: self, in: cookie, schema: { type: string } }
        - { name: q, in: query, schema: { type: string }, x-query-language: { type: ThingQuery, fields: [{ name: state, description: the state }, { name: a.b }] } }
      responses:
        '200': { $ref: '#/components/responses/Thing' }
        4XX: { description: bad, content: { application/problem+json: { schema: { $ref: '#/components/schemas/Problem' } } } }
        default: { description: other, content: { application/json: { schema: { type: object } } } }
    put:
      summary: Replace a thing
      deprecated: true
      requestBody: { $ref: '#/components/requestBodies/Thing' }
      responses: { '204': { description: done } }
  /things:
    parameters:
      - { name: org, in: header, required: true, schema: { type: string } }
    get:
      operationId: listThings
      parameters:
        - { name: page, in: query, schema: { type: integer } }
        - { name: cursor, in: query, schema: { type: string } }
        - { name: from, in: query, schema: { type: integer, format: int32 } }
      x-pagination: { style: cursor, cursor_param: cursor, next_cursor: meta.next, items: data, total: meta.total, replaces: [from] }
      responses:
        '200':
          description: a page
          content:
            application/json:
              schema:
                type: object
                properties:
                  data: { type: array, items: { $ref: '#/components/schemas/Thing' } }
                  meta: { type: object, properties: { next: { type: string }, total: { type: integer } } }
    post:
      operationId: createThing
      x-pagination: { style: page, page_param: page, items: data, in: body }
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [name]
              properties:
                name: { type: string }
                kind: { type: integer, enum: [1, 2, null], x-enum-varnames: [one, two, none] }
      responses:
        '201': { description: made, content: { application/json: { schema: { $ref: '#/components/schemas/Thing' } } } }
  /files/{name}:
    get:
      operationId: download
      parameters: [{ name: name, in: path, required: true, schema: { type: string } }]
      responses:
        '200': { description: bytes, content: { application/octet-stream: { schema: { type: string, format: binary } }, text/csv: {} } }
  /token:
    post:
      operationId: token
      security: [{ basic: [] }]
      responses:
        '200': { description: a token, content: { application/json: { schema: { type: object, properties: { access_token: { type: string } } } } } }
  /login:
    get:
      operationId: login
      security: [{ apiToken: [] }]
      parameters: [{ name: account, in: query, required: true, schema: { type: string } }]
      responses:
        '200': { description: a session, content: { application/json: { schema: { type: object, properties: { jwt: { type: string }, ttl: { type: integer } } } } } }
components:
  securitySchemes:
    bearer:
      type: http
      scheme: bearer
      x-token-exchange: { operation: token, token: access_token, expires_in: expires_in, lifetime_seconds: 3600 }
    session:
      type: http
      scheme: bearer
      x-token-exchange: { operation: login, parameters: [account], token: jwt, expires_in: ttl, setter: api_token, x-inferred: a guess }
    iam:
      type: http
      scheme: bearer
      x-token-exchange: { url: 'https://iam.example.com/token', method: POST, accept: application/json, form: { grant_type: apikey, apikey: '{credential}' }, token: access_token, expires_in: expires_in, setter: iam_key }
    apiToken: { type: http, scheme: bearer }
    basic: { type: http, scheme: basic }
    key: { type: apiKey, in: header, name: X-Key }
    query: { type: apiKey, in: query, name: key }
    cookie: { type: apiKey, in: cookie, name: session }
    oauth: { type: oauth2, flows: { clientCredentials: { tokenUrl: 'https://x.io/token', scopes: {} } } }
    digest: { type: http, scheme: digest }
  parameters:
    Id: { name: id, in: path, required: true, schema: { type: string, enum: [x, y] } }
  requestBodies:
    Thing: { required: true, content: { application/json: { schema: { $ref: '#/components/schemas/Thing' } } } }
  responses:
    Thing: { description: a thing, content: { application/json; charset=utf-8: { schema: { $ref: '#/components/schemas/Thing' } } } }
  schemas:
    Thing:
      type: object
      description: "A thing.\n    indented\n```\ncode\n```"
      required: [id, type]
      properties:
        id: { type: string, format: uuid }
        type: { $ref: '#/components/schemas/Kind' }
        self: { type: string, format: date-time, nullable: true }
        created: { type: string, format: date }
        children: { type: array, items: { $ref: '#/components/schemas/Thing' } }
        labels: { type: object, additionalProperties: { type: string } }
        extra: { type: object, additionalProperties: true }
        size: { type: number, format: float }
        ratio: { type: number }
        on: { type: boolean }
        any: {}
        tree: { $ref: '#/components/schemas/Node' }
        either: { oneOf: [{ type: string }, { type: integer }] }
        maybe: { anyOf: [{ $ref: '#/components/schemas/Kind' }] }
        level: { type: integer, enum: [-1, 0, 3], x-enum-varnames: [low, mid, high] }
    Kind: { type: string, enum: [small, Small, big-one, '2x', Unknown, type] }
    Node:
      type: object
      properties:
        next: { $ref: '#/components/schemas/Node' }
        value: { allOf: [{ $ref: '#/components/schemas/Kind' }] }
    Merged:
      allOf:
        - $ref: '#/components/schemas/Node'
        - type: object
          properties: { extra: { type: string } }
    Alias: { $ref: '#/components/schemas/Thing' }
    Problem: { properties: { detail: { type: string } } }
    Option: { type: array, items: { type: string } }
"##,
    r##"
openapi: 3.1.0
info: { title: Thirty One, version: '2' }
paths:
  /v/{Self}:
    get:
      parameters:
        - { name: Self, in: path, required: true, schema: { type: [integer, 'null'] } }
        - { name: crate, in: query, schema: { type: 'null' } }
        - { name: limit, in: query, schema: { type: integer, exclusiveMinimum: 0, exclusiveMaximum: 100 } }
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  const: { const: fixed }
                  many: { type: [string, integer] }
                  ex: { type: string, examples: [a, b] }
                  items: { type: array, items: { $ref: '#/components/schemas/Pet' } }
components:
  schemas:
    Pet:
      type: object
      properties:
        name: { type: [string, 'null'] }
        tag: { $ref: '#/components/schemas/Pet', description: a sibling of $ref }
"##,
    "openapi: 3.1.0\ninfo: { title: Components only, version: '1' }\ncomponents:\n  schemas:\n    A: { type: string }\n    B: { type: array, items: { $ref: '#/components/schemas/A' } }\n",
    "openapi: 3.0.0\ninfo: { title: Minimal, version: '0' }\npaths:\n  /:\n    get:\n      responses: { '200': { description: ok } }\n",
];

/// The largest real document used as a seed. The multi-megabyte ones (Stripe, OpenAI, Box,
/// Twilio's API) would make every case re-serialize megabytes; `cargo xtask real` generates and
/// lints them instead.
const MAX_REAL_SEED_BYTES: u64 = 512 * 1024;

/// One document to start from: its tree, and a text of it for byte-level edits.
struct Seed {
    value: Value,
    text: String,
    /// Whether the seed itself must generate (the repository's own documents must; the real
    /// third-party ones under `tests/fixtures/real/` are surveyed elsewhere).
    must_generate: bool,
}

/// Whether a spec is one file: its directory holds no other document (a document split over
/// files, `tests/specs/multifile`, is no seed: a mutation is generated without its files).
fn self_contained(spec: &std::path::Path) -> bool {
    let Some(dir) = spec.parent() else {
        return true;
    };
    std::fs::read_dir(dir).map_or(true, |entries| {
        entries.filter_map(Result::ok).all(|entry| {
            let path = entry.path();
            path == spec
                || (path.is_file()
                    && !path
                        .extension()
                        .is_some_and(|ext| ext == "yaml" || ext == "yml" || ext == "json"))
        })
    })
}

fn seeds() -> &'static [Seed] {
    static SEEDS: OnceLock<Vec<Seed>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let root = repo_root();
        let mut files = Vec::new();
        for dir in ["specs", "tests/specs"] {
            let mut specs: Vec<_> = std::fs::read_dir(root.join(dir))
                .unwrap_or_else(|err| panic!("{dir}/: {err}"))
                .filter_map(Result::ok)
                .map(|entry| entry.path().join("openapi.yaml"))
                .filter(|path| path.is_file() && self_contained(path))
                .collect();
            specs.sort();
            files.extend(specs);
        }
        files.push(root.join("tests/fixtures/nudge-published.yaml"));
        let own = files.len();
        let mut real: Vec<_> = std::fs::read_dir(root.join("tests/fixtures/real"))
            .map(|dir| {
                dir.filter_map(Result::ok)
                    .map(|entry| entry.path())
                    .filter(|path| {
                        path.extension()
                            .is_some_and(|ext| ext == "yaml" || ext == "json")
                            && std::fs::metadata(path)
                                .is_ok_and(|meta| meta.len() <= MAX_REAL_SEED_BYTES)
                    })
                    .collect()
            })
            .unwrap_or_default();
        real.sort();
        files.extend(real);
        let mut seeds = Vec::new();
        for (index, path) in files.into_iter().enumerate() {
            let must_generate = index < own;
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|err| panic!("{}: {err}", path.display()));
            // JSON text is read as JSON, as the generator does (YAML has no UTF-16 surrogate
            // pairs, which the `loading` fixture uses).
            let value: Value = if text.trim_start().starts_with(['{', '[']) {
                serde_json::from_str(&text).map_err(|err| err.to_string())
            } else {
                serde_yaml::from_str(&text).map_err(|err| err.to_string())
            }
            .unwrap_or_else(|err| panic!("{}: {err}", path.display()));
            let paths = value
                .get("paths")
                .and_then(Value::as_object)
                .map_or(0, Map::len);
            if paths <= 2 * PATHS_PER_CHUNK {
                seeds.push(Seed {
                    value,
                    text,
                    must_generate,
                });
            } else {
                seeds.extend(chunks(&value).into_iter().map(|value| Seed {
                    text: to_yaml(&value),
                    value,
                    must_generate,
                }));
            }
        }
        for text in HAND_WRITTEN {
            let value: Value = serde_yaml::from_str(text).unwrap_or_else(|err| panic!("{err}"));
            seeds.push(Seed {
                value,
                text: (*text).to_owned(),
                must_generate: true,
            });
        }
        seeds
    })
}

/// A large spec as documents of a few paths each, with the components those paths reach
/// (security schemes always), so that each is small and still valid.
fn chunks(spec: &Value) -> Vec<Value> {
    let Some(paths) = spec.get("paths").and_then(Value::as_object) else {
        return Vec::new();
    };
    let entries: Vec<(&String, &Value)> = paths.iter().collect();
    entries
        .chunks(PATHS_PER_CHUNK)
        .map(|chunk| {
            let mut doc = spec.clone();
            let kept: Map<String, Value> = chunk
                .iter()
                .map(|(k, v)| ((*k).clone(), (*v).clone()))
                .collect();
            let mut wanted = BTreeSet::new();
            let mut pending = refs(&Value::Object(kept.clone()));
            while let Some(target) = pending.pop() {
                if !wanted.insert(target.clone()) {
                    continue;
                }
                if let Some(node) = spec.pointer(&target) {
                    pending.extend(refs(node));
                }
            }
            if let Some(map) = doc.as_object_mut() {
                map.insert("paths".to_owned(), Value::Object(kept));
                if let Some(Value::Object(components)) = map.get_mut("components") {
                    for (section, entries) in components.iter_mut() {
                        if section == "securitySchemes" {
                            continue;
                        }
                        if let Value::Object(entries) = entries {
                            entries.retain(|name, _| {
                                let at = format!("/components/{section}/{}", pointer_token(name));
                                wanted.iter().any(|target| {
                                    target == &at || target.starts_with(&format!("{at}/"))
                                })
                            });
                        }
                    }
                }
            }
            doc
        })
        .collect()
}

/// The local `$ref` targets under a node, as JSON pointers.
fn refs(node: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![node];
    while let Some(node) = stack.pop() {
        match node {
            Value::Object(map) => {
                if let Some(Value::String(target)) = map.get("$ref") {
                    if let Some(pointer) = target.strip_prefix('#') {
                        out.push(pointer.to_owned());
                    }
                }
                stack.extend(map.values());
            }
            Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    out
}

fn to_yaml(value: &Value) -> String {
    serde_yaml::to_string(value).unwrap_or_else(|err| panic!("{err}"))
}

/// Strings that have broken or stressed generators: keywords, names that are not
/// identifiers, references (good, dangling, outside, malformed), formats, media types.
const STRINGS: &[&str] = &[
    "",
    " ",
    "type",
    "self",
    "Self",
    "crate",
    "super",
    "_",
    "r#type",
    "fn",
    "async",
    "Unknown",
    "Option",
    "Result",
    "client",
    "send",
    "body",
    "builder",
    "base_url",
    "value",
    "a-b",
    "a.b",
    "a b",
    "$a",
    "@a",
    "+1",
    "-1",
    "1a",
    "123",
    "é",
    "日本語",
    "🦀",
    ">=",
    "--",
    "\n",
    "a\n    b",
    "```",
    "<a>",
    "[a]",
    "`",
    "\"",
    "\\",
    "{id}",
    "/a/{id}",
    "/{",
    "{",
    "}",
    "#",
    "#/",
    "#/components/schemas/Thing",
    "#/components/schemas/Missing",
    "#/components/schemas/",
    "#/components/parameters/Id",
    "#/components/responses/Thing",
    "#/components/requestBodies/Thing",
    "#/paths",
    "#/components",
    "#/components/schemas/Thing/properties/id",
    "other.yaml#/components/schemas/A",
    "https://{region}.example.com",
    "https://{}",
    "http://",
    "application/json",
    "application/json; charset=utf-8",
    "text/plain",
    "*/*",
    "string",
    "integer",
    "number",
    "boolean",
    "object",
    "array",
    "null",
    "int32",
    "int64",
    "float",
    "date",
    "date-time",
    "binary",
    "uuid",
    "path",
    "query",
    "header",
    "cookie",
    "http",
    "apiKey",
    "oauth2",
    "bearer",
    "basic",
    "page",
    "offset",
    "token",
    "cursor",
    "data",
    "2XX",
    "200",
    "default",
    "3.0.3",
    "3.1.0",
];

/// Keys worth inserting: schema keywords, OpenAPI fields and our extensions.
const KEYS: &[&str] = &[
    "type",
    "format",
    "enum",
    "const",
    "items",
    "properties",
    "required",
    "additionalProperties",
    "allOf",
    "oneOf",
    "anyOf",
    "not",
    "nullable",
    "$ref",
    "description",
    "summary",
    "default",
    "example",
    "examples",
    "exclusiveMinimum",
    "minimum",
    "discriminator",
    "x-enum-varnames",
    "x-inferred",
    "x-pagination",
    "x-rate-limit",
    "x-query-language",
    "x-token-exchange",
    "parameters",
    "requestBody",
    "responses",
    "content",
    "schema",
    "in",
    "name",
    "operationId",
    "security",
    "servers",
    "variables",
    "url",
    "paths",
    "components",
    "schemas",
    "securitySchemes",
    "openapi",
    "swagger",
    "info",
    "title",
    "version",
    "style",
    "deprecated",
    "get",
    "post",
    "delete",
    "200",
    "2XX",
    "application/json",
    "/a/{id}",
    "{id}",
    "page_param",
    "cursor_param",
    "next_cursor",
    "token_param",
    "next_token",
    "requests",
    "period_seconds",
    "fields",
    "operation",
    "lifetime_seconds",
];

fn string() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => select(STRINGS).prop_map(str::to_owned),
        1 => "[a-zA-Z0-9_ .$@+#/{}-]{0,10}",
        1 => "\\PC{0,8}",
    ]
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![2 => select(KEYS).prop_map(str::to_owned), 1 => string()]
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        1 => Just(Value::Null),
        1 => any::<bool>().prop_map(Value::Bool),
        1 => prop_oneof![
            select(&[0, 1, -1, 200, 999, 1000, i64::MIN, i64::MAX][..]),
            any::<i64>()
        ]
        .prop_map(Value::from),
        1 => prop_oneof![Just(u64::MAX), any::<u64>()].prop_map(Value::from),
        1 => prop_oneof![
            select(&[0.5, -0.0, 1e308, -1e308, f64::MIN_POSITIVE, 3.0][..]),
            any::<f64>()
        ]
        .prop_map(Value::from),
        4 => string().prop_map(Value::String),
    ]
}

fn json() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((key(), inner), 0..4)
                .prop_map(|entries| Value::Object(entries.into_iter().collect())),
        ]
    })
}

/// A node of a document's tree, by index (modulo their number, so that it exists in any
/// tree) into all its nodes in order, or into its components (`/components/<section>/<name>`).
#[derive(Debug, Clone, Copy)]
enum Node {
    Any(usize),
    Component(usize),
}

fn node() -> impl Strategy<Value = Node> {
    prop_oneof![
        3 => any::<usize>().prop_map(Node::Any),
        1 => any::<usize>().prop_map(Node::Component),
    ]
}

/// How [`Mutation::Nest`] wraps a node: one schema (or JSON) level per step.
#[derive(Debug, Clone, Copy)]
enum Wrapper {
    Items,
    AdditionalProperties,
    Not,
    AllOf,
    Property,
    Array,
}

/// One change to a document's tree.
#[derive(Debug, Clone)]
enum Mutation {
    /// Removes the node from its parent.
    Delete(Node),
    /// Puts a value in the node's place.
    Replace(Node, Value),
    /// Renames the key the node is stored under.
    Rename(Node, String),
    /// Adds an entry to an object (or an item to an array) at or above the node.
    Insert(Node, String, Value),
    /// Copies one node's subtree under another.
    Duplicate(Node, Node, String),
    /// Replaces the node with `{$ref: <pointer of target>}`: with `None`, the node itself or
    /// one of its ancestors (a reference cycle), chosen by the number.
    RefTo(Node, Option<Node>, usize),
    /// Wraps the node in this many levels.
    Nest(Node, Wrapper, usize),
    /// Sets `openapi` to this version; `None` makes a Swagger 2.0 document.
    Version(Option<String>),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let wrapper = select(
        &[
            Wrapper::Items,
            Wrapper::AdditionalProperties,
            Wrapper::Not,
            Wrapper::AllOf,
            Wrapper::Property,
            Wrapper::Array,
        ][..],
    );
    let depth = prop_oneof![3 => 1..8usize, 1 => 30..140usize];
    prop_oneof![
        3 => node().prop_map(Mutation::Delete),
        4 => (node(), json()).prop_map(|(at, value)| Mutation::Replace(at, value)),
        2 => (node(), key()).prop_map(|(at, name)| Mutation::Rename(at, name)),
        3 => (node(), key(), json()).prop_map(|(at, name, value)| Mutation::Insert(at, name, value)),
        1 => (node(), node(), key()).prop_map(|(from, to, name)| Mutation::Duplicate(from, to, name)),
        3 => (node(), prop::option::of(node()), any::<usize>())
            .prop_map(|(at, target, up)| Mutation::RefTo(at, target, up)),
        1 => (node(), wrapper, depth).prop_map(|(at, wrapper, depth)| Mutation::Nest(at, wrapper, depth)),
        1 => prop::option::weighted(
            0.9,
            select(&["3.0.3", "3.1.0", "2.0", "3.0", "3.1", "3.2.0", "4.0", "garbage", ""][..])
                .prop_map(str::to_owned)
        )
        .prop_map(Mutation::Version),
    ]
}

/// A byte-level change to the text (positions are clamped to the text and to char
/// boundaries).
#[derive(Debug, Clone)]
enum Edit {
    Truncate(usize),
    Insert(usize, String),
    Delete(usize, usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    let snippet = prop_oneof![
        select(
            &[
                ":",
                ": ",
                "- ",
                "\t",
                "{",
                "}",
                "[",
                "]",
                "\"",
                "'",
                "#",
                "&a ",
                "*a",
                "!!str ",
                "!tag ",
                "<<: ",
                "? ",
                "|\n",
                ">\n",
                "\n",
                "\n  ",
                "---\n",
                "...",
                "%YAML 1.2\n",
                "~",
                "null",
                "0x1F",
                ".inf",
                "-.nan",
                "1e999",
                "\u{feff}",
                "\u{0}",
                "é",
            ][..]
        )
        .prop_map(str::to_owned),
        "\\PC{1,4}",
    ];
    prop_oneof![
        1 => any::<usize>().prop_map(Edit::Truncate),
        3 => (any::<usize>(), snippet).prop_map(|(at, text)| Edit::Insert(at, text)),
        2 => (any::<usize>(), 1..16usize).prop_map(|(at, len)| Edit::Delete(at, len)),
    ]
}

/// One fuzz case: a seed, changes to its tree, how to print it, and changes to the text.
#[derive(Debug, Clone)]
struct Case {
    seed: usize,
    mutations: Vec<Mutation>,
    /// JSON instead of YAML when the tree is printed.
    json: bool,
    edits: Vec<Edit>,
}

fn case() -> impl Strategy<Value = Case> {
    (
        0..seeds().len(),
        prop_oneof![
            1 => Just(Vec::new()),
            6 => prop::collection::vec(mutation(), 1..5),
        ],
        any::<bool>(),
        prop_oneof![
            4 => Just(Vec::new()),
            1 => prop::collection::vec(edit(), 1..4),
        ],
    )
        .prop_map(|(seed, mutations, json, edits)| Case {
            seed,
            mutations,
            json,
            edits,
        })
}

/// A step from a node to a child.
#[derive(Debug, Clone)]
enum Step {
    Key(String),
    Index(usize),
}

/// Every node's path, in document order (the root first).
fn node_paths(root: &Value) -> Vec<Vec<Step>> {
    fn walk(node: &Value, path: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
        out.push(path.clone());
        match node {
            Value::Object(map) => {
                for (key, child) in map {
                    path.push(Step::Key(key.clone()));
                    walk(child, path, out);
                    path.pop();
                }
            }
            Value::Array(items) => {
                for (index, child) in items.iter().enumerate() {
                    path.push(Step::Index(index));
                    walk(child, path, out);
                    path.pop();
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(root, &mut Vec::new(), &mut out);
    out
}

fn node_mut<'v>(root: &'v mut Value, path: &[Step]) -> Option<&'v mut Value> {
    path.iter().try_fold(root, |node, step| match (node, step) {
        (Value::Object(map), Step::Key(key)) => map.get_mut(key),
        (Value::Array(items), Step::Index(index)) => items.get_mut(*index),
        _ => None,
    })
}

fn pointer(path: &[Step]) -> String {
    path.iter()
        .map(|step| match step {
            Step::Key(key) => format!("/{}", pointer_token(key)),
            Step::Index(index) => format!("/{index}"),
        })
        .collect()
}

fn pick(paths: &[Vec<Step>], node: Node) -> Vec<Step> {
    let choose = |paths: &[&Vec<Step>], index: usize| {
        paths
            .get(index % paths.len().max(1))
            .map(|path| (*path).clone())
    };
    let all: Vec<&Vec<Step>> = paths.iter().collect();
    match node {
        Node::Any(index) => choose(&all, index),
        Node::Component(index) => {
            let components: Vec<&Vec<Step>> = paths
                .iter()
                .filter(|path| {
                    path.len() == 3
                        && matches!(path.first(), Some(Step::Key(k)) if k == "components")
                })
                .collect();
            choose(&components, index).or_else(|| choose(&all, index))
        }
    }
    .unwrap_or_default()
}

fn wrap(wrapper: Wrapper, inner: Value) -> Value {
    use serde_json::json;
    match wrapper {
        Wrapper::Items => json!({ "type": "array", "items": inner }),
        Wrapper::AdditionalProperties => json!({ "type": "object", "additionalProperties": inner }),
        Wrapper::Not => json!({ "not": inner }),
        Wrapper::AllOf => json!({ "allOf": [inner] }),
        Wrapper::Property => json!({ "type": "object", "properties": { "a": inner } }),
        Wrapper::Array => json!([inner]),
    }
}

fn apply(root: &mut Value, mutation: &Mutation) {
    let paths = node_paths(root);
    match mutation {
        Mutation::Delete(at) => {
            let path = pick(&paths, *at);
            let Some((last, parent)) = path.split_last() else {
                *root = Value::Null;
                return;
            };
            match (node_mut(root, parent), last) {
                (Some(Value::Object(map)), Step::Key(key)) => {
                    map.remove(key);
                }
                (Some(Value::Array(items)), Step::Index(index)) if *index < items.len() => {
                    items.remove(*index);
                }
                _ => {}
            }
        }
        Mutation::Replace(at, value) => {
            if let Some(node) = node_mut(root, &pick(&paths, *at)) {
                *node = value.clone();
            }
        }
        Mutation::Rename(at, name) => {
            let path = pick(&paths, *at);
            let Some((Step::Key(key), parent)) = path.split_last() else {
                return;
            };
            if let Some(Value::Object(map)) = node_mut(root, parent) {
                if let Some(value) = map.remove(key) {
                    map.insert(name.clone(), value);
                }
            }
        }
        Mutation::Insert(at, name, value) => {
            let mut path = pick(&paths, *at);
            loop {
                match node_mut(root, &path) {
                    Some(Value::Object(map)) => {
                        map.insert(name.clone(), value.clone());
                        return;
                    }
                    Some(Value::Array(items)) => {
                        items.push(value.clone());
                        return;
                    }
                    _ if path.pop().is_some() => {}
                    _ => return,
                }
            }
        }
        Mutation::Duplicate(from, to, name) => {
            let Some(copy) = node_mut(root, &pick(&paths, *from)).map(|node| node.clone()) else {
                return;
            };
            match node_mut(root, &pick(&paths, *to)) {
                Some(Value::Object(map)) => {
                    map.insert(name.clone(), copy);
                }
                Some(Value::Array(items)) => items.push(copy),
                Some(other) => *other = copy,
                None => {}
            }
        }
        Mutation::RefTo(at, target, up) => {
            let path = pick(&paths, *at);
            let target = match target {
                Some(target) => pick(&paths, *target),
                None => path
                    .get(..path.len() - up % (path.len() + 1))
                    .map(<[Step]>::to_vec)
                    .unwrap_or_default(),
            };
            let reference = format!("#{}", pointer(&target));
            if let Some(node) = node_mut(root, &path) {
                *node = serde_json::json!({ "$ref": reference });
            }
        }
        Mutation::Nest(at, wrapper, depth) => {
            if let Some(node) = node_mut(root, &pick(&paths, *at)) {
                let mut value = node.take();
                for _ in 0..*depth {
                    value = wrap(*wrapper, value);
                }
                *node = value;
            }
        }
        Mutation::Version(version) => {
            if let Value::Object(map) = root {
                match version {
                    Some(version) => {
                        map.insert("openapi".to_owned(), Value::String(version.clone()));
                    }
                    None => {
                        map.remove("openapi");
                        map.insert("swagger".to_owned(), Value::String("2.0".to_owned()));
                    }
                }
            }
        }
    }
}

fn floor_boundary(text: &str, at: usize) -> usize {
    let mut at = at % (text.len() + 1);
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn edit_text(text: &mut String, edit: &Edit) {
    match edit {
        Edit::Truncate(at) => {
            let at = floor_boundary(text, *at);
            text.truncate(at);
        }
        Edit::Insert(at, snippet) => {
            let at = floor_boundary(text, *at);
            text.insert_str(at, snippet);
        }
        Edit::Delete(at, len) => {
            let start = floor_boundary(text, *at);
            let end = floor_boundary(text, start.saturating_add(*len).min(text.len()));
            text.replace_range(start..end.max(start), "");
        }
    }
}

impl Case {
    /// The document text this case feeds the generator.
    fn text(&self) -> String {
        let seed = &seeds()[self.seed];
        let mut text = if self.mutations.is_empty() && !self.json {
            seed.text.clone()
        } else {
            let mut value = seed.value.clone();
            for mutation in &self.mutations {
                apply(&mut value, mutation);
            }
            if self.json {
                serde_json::to_string_pretty(&value).unwrap_or_else(|err| panic!("{err}"))
            } else {
                to_yaml(&value)
            }
        };
        for edit in &self.edits {
            edit_text(&mut text, edit);
        }
        text
    }
}

/// The last panic of the generator (message and location), recorded by [`install_panic_hook`].
static LAST_PANIC: Mutex<Option<String>> = Mutex::new(None);

/// A panic hook that records panics on the generator's thread (`clientgen::generate` runs on
/// a thread of its own) for the failure message instead of printing them, every time
/// proptest shrinks; other panics go to the default hook.
fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let default = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if std::thread::current().name() == Some("clientgen") {
                if let Ok(mut last) = LAST_PANIC.lock() {
                    *last = Some(info.to_string());
                    return;
                }
            }
            default(info);
        }));
    });
}

/// Runs the whole pipeline on `text`; a panic, a failure without an error, an empty message or
/// an internal error (emitted code that does not parse) fails.
fn check(text: &str) -> Result<(), TestCaseError> {
    install_panic_hook();
    let outcome = panic::catch_unwind(AssertUnwindSafe(|| {
        generate(text, "fuzz.yaml", &Settings::new("fuzz-client"))
    }));
    let panic = match &outcome {
        Err(payload) => Some(
            LAST_PANIC
                .lock()
                .ok()
                .and_then(|mut last| last.take())
                .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_default(),
        ),
        Ok(_) => None,
    };
    let fail = |problem: String| {
        Err(TestCaseError::fail(format!(
            "{problem}\n--- document ---\n{text}\n--- end ---"
        )))
    };
    match outcome {
        Err(_) => fail(format!(
            "the generator panicked: {}",
            panic.unwrap_or_default()
        )),
        Ok(Ok(generated)) => {
            if generated.files.is_empty() || generated.files.values().any(String::is_empty) {
                return fail("generation succeeded with an empty file".to_owned());
            }
            if let Some(bad) = generated
                .warnings
                .iter()
                .find(|w| w.message.trim().is_empty() || w.severity != Severity::Warning)
            {
                return fail(format!(
                    "a success carries an error or an empty warning: {bad:?}"
                ));
            }
            Ok(())
        }
        Ok(Err(problems)) => {
            if !problems.iter().any(|p| p.is_error()) {
                return fail(format!("generation failed without an error: {problems:#?}"));
            }
            if let Some(bad) = problems.iter().find(|p| p.message.trim().is_empty()) {
                return fail(format!("a diagnostic has no message: {bad:?}"));
            }
            // Emitted code that does not parse is a generator bug, not a spec problem.
            if let Some(bad) = problems
                .iter()
                .find(|p| p.message.starts_with("internal generator error"))
            {
                return fail(format!("{bad}"));
            }
            Ok(())
        }
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn the_generator_never_panics_on_a_mutated_document(case in case()) {
        check(&case.text())?;
    }
}

/// The seeds themselves generate (so mutations start from valid documents), and a document
/// cut by a mutation to nothing, a scalar or a list is refused with diagnostics.
#[test]
fn every_seed_generates_and_degenerate_documents_are_refused() {
    for (index, seed) in seeds().iter().enumerate() {
        if seed.must_generate {
            let result = generate(&seed.text, "seed.yaml", &Settings::new("seed"));
            assert!(result.is_ok(), "seed {index}: {:#?}", result.err());
        } else if let Err(err) = check(&seed.text) {
            panic!("seed {index}: {err}");
        }
    }
    for text in [
        "",
        "~",
        "3",
        "[]",
        "{}",
        "- a\n- b\n",
        "\u{feff}",
        "openapi: 3.1.0\n",
    ] {
        if let Err(err) = check(text) {
            panic!("{err}");
        }
    }
}
