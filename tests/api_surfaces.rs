//! The API each vendor crate offers, from the generator's IR (`clientgen_tests::api_surface`):
//! server, credentials, settings, every operation's call, returns and paging, every type. A
//! change to a spec or to the generator that changes what users call shows up here as a
//! reviewed snapshot diff, far shorter than the generated code's.

use clientgen_tests::{api_surface, repo_root};

fn surface(vendor: &str) -> String {
    let path = repo_root().join("specs").join(vendor).join("openapi.yaml");
    let text = std::fs::read_to_string(&path).expect("the spec is readable");
    let (api, warnings) = clientgen::lower(&text, &format!("specs/{vendor}/openapi.yaml"))
        .unwrap_or_else(|problems| panic!("{problems:?}"));
    assert!(warnings.is_empty(), "{warnings:?}");
    api_surface(&api)
}

#[test]
fn sysdig() {
    insta::assert_snapshot!(surface("sysdig"));
}

#[test]
fn nightfall() {
    insta::assert_snapshot!(surface("nightfall"));
}

#[test]
fn nobl9() {
    insta::assert_snapshot!(surface("nobl9"));
}

#[test]
fn nudge() {
    insta::assert_snapshot!(surface("nudge"));
}

#[test]
fn lacework_edge() {
    insta::assert_snapshot!(surface("lacework-edge"));
}
