//! Snapshots of every file of the generated Nudge crate: a change to the generator shows up
//! here as a reviewed diff of the generated code.

use clientgen_tests::repo_root;

#[test]
fn every_generated_nudge_file_matches_its_snapshot() {
    let output = xtask::generate(&repo_root(), "nudge")
        .unwrap_or_else(|problems| panic!("{}", problems.join("\n")));
    assert!(
        output.generated.warnings.is_empty(),
        "{:?}",
        output.generated.warnings
    );
    insta::with_settings!({ snapshot_path => "snapshots/nudge", prepend_module_to_snapshot => false, omit_expression => true }, {
        for (path, contents) in &output.generated.files {
            insta::assert_snapshot!(path.replace('/', "__"), contents);
        }
    });
}
