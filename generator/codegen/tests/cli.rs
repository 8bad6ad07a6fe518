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
