//! `cargo xtask audit` without the pages: every vendor spec checked against the facts its
//! page gave when they were recorded (`specs/<vendor>/page-facts.json`), and the audit's
//! power to notice what a spec or a page change would break.

use clientgen_tests::repo_root;
use xtask::audit::{self, facts::ParamFact, Finding};

fn open(findings: &[Finding]) -> Vec<String> {
    findings
        .iter()
        .filter(|f| f.accepted.is_none())
        .map(ToString::to_string)
        .collect()
}

#[test]
fn every_spec_agrees_with_its_recorded_page_facts() {
    let root = repo_root();
    let vendors = xtask::vendors(&root).expect("specs/ lists the vendors");
    assert_eq!(vendors.len(), 5, "{vendors:?}");
    for vendor in vendors {
        let facts = audit::read_facts(&root, &vendor).unwrap_or_else(|err| panic!("{err}"));
        assert!(
            !facts.operations.is_empty(),
            "{vendor}: the recorded facts hold no operation"
        );
        let spec = audit::read_spec(&root, &vendor).unwrap_or_else(|err| panic!("{err}"));
        let findings = open(&audit::compare(&spec, &facts));
        assert!(
            findings.is_empty(),
            "{vendor}: the spec differs from its page:\n{}",
            findings.join("\n")
        );
    }
}

#[test]
fn an_operation_removed_from_a_spec_is_reported_with_its_page_line() {
    let root = repo_root();
    let facts = audit::read_facts(&root, "nightfall").expect("nightfall facts");
    let mut spec = audit::read_spec(&root, "nightfall").expect("nightfall spec");
    let removed = spec["paths"]["/dlp/v1/annotations/{annotationId}"]
        .as_object_mut()
        .and_then(|item| item.remove("get"));
    assert!(
        removed.is_some(),
        "the spec has GET /dlp/v1/annotations/{{annotationId}}"
    );
    let findings = open(&audit::compare(&spec, &facts));
    let line = facts
        .operations
        .iter()
        .find(|op| op.path.as_deref() == Some("/dlp/v1/annotations/{annotationId}"))
        .map(|op| op.line)
        .expect("the page has the operation");
    assert_eq!(
        findings,
        [format!(
            "nightfall-dlp-native-saas.txt:{line}: missing-operation: the spec has no operation GET /dlp/v1/annotations/{{annotationId}} [spec: #/paths]"
        )]
    );
}

#[test]
fn a_parameter_added_to_a_page_is_reported_by_name() {
    let root = repo_root();
    let mut facts = audit::read_facts(&root, "nobl9").expect("nobl9 facts");
    let spec = audit::read_spec(&root, "nobl9").expect("nobl9 spec");
    let op = facts
        .operations
        .iter_mut()
        .find(|op| op.title.as_deref() == Some("Get all audit logs"))
        .expect("the page has \"Get all audit logs\"");
    let mut param = ParamFact::new(9999, "query");
    param.name = Some("region".to_owned());
    param.required = Some(false);
    param.ty = Some("string".to_owned());
    op.parameters.push(param);
    let findings = open(&audit::compare(&spec, &facts));
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert!(
        findings[0].starts_with("nobl9-audit.txt:9999: missing-parameter: \"Get all audit logs\": the spec has no query parameter `region`"),
        "{}",
        findings[0]
    );
}

#[test]
fn a_changed_page_reports_what_the_vendor_changed() {
    let root = repo_root();
    let old = audit::read_facts(&root, "nobl9").expect("nobl9 facts");
    let mut new = old.clone();
    new.operations.remove(0);
    new.operations[0].parameters[0]
        .values
        .push("alert".to_owned());
    let changes = audit::changes(&old, &new);
    assert_eq!(changes.len(), 2, "{changes:#?}");
    assert!(
        changes
            .iter()
            .any(|c| c.contains("operation removed: \"Generate access token\"")),
        "{changes:#?}"
    );
    assert!(
        changes
            .iter()
            .any(|c| c.contains("path parameter `kind` changed")),
        "{changes:#?}"
    );
    assert!(audit::changes(&old, &old).is_empty());
}

#[test]
fn a_sample_that_does_not_fit_its_schema_is_reported() {
    let root = repo_root();
    let facts = audit::read_facts(&root, "nightfall").expect("nightfall facts");
    let mut spec = audit::read_spec(&root, "nightfall").expect("nightfall spec");
    let media = spec
        .pointer_mut("/paths/~1dlp~1v1~1annotations~1{annotationId}/get/responses/200/content/application~1json")
        .expect("the annotation response");
    media["example"]["autoApply"] = serde_json::json!("yes");
    let findings = open(&audit::compare(&spec, &facts));
    assert!(
        findings
            .iter()
            .any(|f| f.contains("invalid-sample") && f.contains("/autoApply")),
        "{findings:#?}"
    );
}

#[test]
fn a_missing_capture_is_an_error_that_says_so() {
    let err = audit::read_page(std::path::Path::new(
        "../shared/vendor-docs/no-such-page.txt",
    ))
    .expect_err("no such capture");
    assert!(err.contains("cannot read the captured page"), "{err}");
    assert!(err.contains("no-such-page.txt"), "{err}");
}
