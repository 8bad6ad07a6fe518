//! The `clientgen generate` binary on bad and good documents: a bad one exits non-zero, lists
//! every problem on stderr as `file:line:column`, and leaves the disk as it was.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Three errors: `info` without `version` (2:1), a `body` parameter (9:11) and a `$ref` to a
/// missing response (14:11).
const BAD: &str = "openapi: 3.0.3
info:
  title: Bad
paths:
  /a:
    get:
      parameters:
        - name: q
          in: body
          schema:
            type: string
      responses:
        '200':
          $ref: '#/components/responses/Missing'
";

const GOOD: &str = "openapi: 3.0.3
info:
  title: Good
  version: '1'
servers:
  - url: https://api.example.com
paths:
  /a:
    get:
      operationId: getA
      responses:
        '204':
          description: done
";

fn generate(spec: &Path, out: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_clientgen"))
        .arg("generate")
        .arg("--spec")
        .arg(spec)
        .arg("--out")
        .arg(out)
        .output()
        .expect("the clientgen binary runs")
}

/// Every file under `dir` (relative path -> bytes).
fn contents(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        for entry in fs::read_dir(&current).expect("readable directory") {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let bytes = fs::read(&path).expect("readable file");
                let relative = path.strip_prefix(dir).expect("under dir").to_path_buf();
                files.insert(relative, bytes);
            }
        }
    }
    files
}

fn assert_every_problem_listed(output: &Output, spec: &Path) {
    assert!(!output.status.success(), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    for (line, column, what) in [
        (2, 1, "`info` has no `version`"),
        (9, 11, "`in: body` is not a parameter location"),
        (14, 11, "points at nothing"),
    ] {
        let place = format!("{}:{line}:{column}", spec.display());
        let at = stderr
            .find(what)
            .unwrap_or_else(|| panic!("{what} missing from\n{stderr}"));
        let rest = stderr.get(at..).unwrap_or_default();
        assert!(
            rest.lines().nth(1).is_some_and(|l| l.contains(&place)),
            "{what} is not located at {place}:\n{stderr}"
        );
    }
    // Each one shows its line of the spec with a caret under the element (annotate-snippets).
    assert!(
        stderr.contains("9 |           in: body\n") && stderr.contains("  |           ^^\n"),
        "no source snippet:\n{stderr}"
    );
    assert!(
        stderr.contains("3 error(s) and 0 warning(s)") && stderr.contains("nothing was written"),
        "{stderr}"
    );
}

#[test]
fn a_bad_document_exits_non_zero_lists_every_problem_and_creates_nothing() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let spec = dir.path().join("bad.yaml");
    fs::write(&spec, BAD).expect("spec written");
    let out = dir.path().join("bad-client");

    let output = generate(&spec, &out);

    assert_every_problem_listed(&output, &spec);
    assert!(!out.exists(), "the output directory was created");
}

#[test]
fn a_bad_document_leaves_an_existing_crate_byte_for_byte_as_it_was() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let spec = dir.path().join("bad.yaml");
    fs::write(&spec, GOOD).expect("spec written");
    let out = dir.path().join("client");
    let first = generate(&spec, &out);
    assert!(first.status.success(), "{first:?}");
    fs::write(out.join("src/extra.rs"), "// mine\n").expect("hand-written file");
    let before = contents(&out);
    assert!(before.contains_key(Path::new("src/lib.rs")), "{before:?}");

    fs::write(&spec, BAD).expect("spec written");
    let output = generate(&spec, &out);

    assert_every_problem_listed(&output, &spec);
    assert_eq!(contents(&out), before);
}

#[test]
fn an_unreadable_spec_exits_non_zero_and_creates_nothing() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let out = dir.path().join("client");

    let output = generate(&dir.path().join("missing.yaml"), &out);

    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("cannot read"));
    assert!(!out.exists());
}

/// The crate is named after the output directory, made a valid package name
/// (`petstore.v3 client` -> `petstore-v3-client`); a `--name` Cargo would refuse is an error.
#[test]
fn the_crate_name_is_a_valid_package_name() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let spec = dir.path().join("good.yaml");
    fs::write(&spec, GOOD).expect("the spec is written");
    let out = dir.path().join("petstore.v3 client");
    let output = generate(&spec, &out);
    assert!(output.status.success(), "{output:?}");
    let manifest = fs::read_to_string(out.join("Cargo.toml")).expect("a Cargo.toml");
    assert!(
        manifest.contains("name = \"petstore-v3-client\""),
        "{manifest}"
    );

    let refused = dir.path().join("refused");
    let output = Command::new(env!("CARGO_BIN_EXE_clientgen"))
        .args(["generate", "--name", "my.client", "--spec"])
        .arg(&spec)
        .arg("--out")
        .arg(&refused)
        .output()
        .expect("the clientgen binary runs");
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("not a valid crate name"));
    assert!(!refused.exists());
}

/// A document split over files generates from the command line: references are read relative
/// to the file that holds them (`./`, `../`, a whole file, a JSON file from YAML), and an
/// error inside another file names that file.
#[test]
fn a_document_split_over_files_generates() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let spec_dir = dir.path().join("spec");
    fs::create_dir_all(spec_dir.join("paths")).expect("directories");
    fs::write(
        spec_dir.join("openapi.yaml"),
        "openapi: 3.0.3\ninfo: {title: Split, version: '1'}\nservers: [{url: 'https://api.example.com'}]\npaths:\n  /a:\n    $ref: './paths/a.yaml'\n",
    )
    .expect("the entry is written");
    fs::write(
        spec_dir.join("paths/a.yaml"),
        "get:\n  operationId: getA\n  responses:\n    '200':\n      description: ok\n      content:\n        application/json:\n          schema: {$ref: '../thing.json'}\n",
    )
    .expect("the path item is written");
    fs::write(
        spec_dir.join("thing.json"),
        "{\"type\": \"object\", \"properties\": {\"id\": {\"type\": \"string\"}}}\n",
    )
    .expect("the schema is written");
    let out = dir.path().join("split");
    let output = generate(&spec_dir.join("openapi.yaml"), &out);
    assert!(output.status.success(), "{output:?}");
    let types = fs::read_to_string(out.join("src/types.rs")).expect("types.rs");
    assert!(types.contains("pub struct Thing"), "{types}");

    fs::write(
        spec_dir.join("thing.json"),
        "{\n  \"type\": \"object\",\n  \"required\": true\n}\n",
    )
    .expect("the schema is rewritten");
    fs::write(
        spec_dir.join("paths/a.yaml"),
        "get:\n  operationId: getA\n  parameters:\n    - {name: q, in: body, schema: {type: string}}\n  responses:\n    '200':\n      description: ok\n",
    )
    .expect("the path item is rewritten");
    let bad = dir.path().join("bad");
    let output = generate(&spec_dir.join("openapi.yaml"), &bad);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    let path_item = spec_dir.join("paths/a.yaml");
    assert!(
        stderr.contains(&format!("{}:4:", path_item.display())),
        "{stderr}"
    );
    assert!(!bad.exists());
}
