//! `cargo xtask` works on the checkout it runs in, found from the current directory at run
//! time, not on the one the binary was built from (with a `CARGO_TARGET_DIR` shared between
//! checkouts, `cargo xtask` may run a binary another checkout built).

use std::fs;
use std::path::Path;
use std::process::Command;

fn copy(from: &Path, to: &Path) {
    fs::create_dir_all(to.parent().expect("a parent")).expect("create the directory");
    fs::copy(from, to).expect("copy the file");
}

#[test]
fn the_checkout_is_the_one_holding_the_current_directory() {
    let built_from = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the repository root");
    let other = tempfile::tempdir().expect("a temporary directory");
    // A second checkout with one vendor, whose spec lacks an operation its page has.
    copy(
        &built_from.join("xtask/Cargo.toml"),
        &other.path().join("xtask/Cargo.toml"),
    );
    for file in ["client.toml", "page-facts.json", "openapi.yaml"] {
        copy(
            &built_from.join("specs/nobl9").join(file),
            &other.path().join("specs/nobl9").join(file),
        );
    }
    let spec_file = other.path().join("specs/nobl9/openapi.yaml");
    let spec = fs::read_to_string(&spec_file).expect("the copied spec");
    let start = spec
        .find("  /api/audit/v1/logs:")
        .expect("the all-logs path");
    let end = start + 2 + spec[start + 2..].find("\n  /").expect("a path after it");
    fs::write(
        &spec_file,
        format!("{}{}", &spec[..start], &spec[end + 1..]),
    )
    .expect("write");

    let run = |dir: &Path| {
        Command::new(env!("CARGO_BIN_EXE_xtask"))
            .args(["audit", "nobl9", "--recorded"])
            .current_dir(dir)
            .output()
            .expect("xtask runs")
    };
    // From a subdirectory of the second checkout: its spec is read, and its gap reported.
    let output = run(&other.path().join("specs/nobl9"));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("missing-operation") && stdout.contains("Get all audit logs"),
        "{stdout}"
    );
    // The checkout the binary was built from is untouched and green.
    let output = run(built_from);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    // Outside any checkout: a clear error, nothing read.
    let nowhere = tempfile::tempdir().expect("a temporary directory");
    let output = run(nowhere.path());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(
        stderr.contains("is not inside a clientgen checkout"),
        "{stderr}"
    );
}
