//! The generated crates' `mock` modules (the `mock` feature): one operation of each vendor
//! mocked in its own types, then called by the vendor's client pointed at the mock server.
//!
//! For each: the expectation matches the parameters and body given as typed values (a
//! request with another value is not answered: wiremock's `404` reaches the client as an
//! API error), answers with the typed success value and the typed error with its status, and
//! counts the calls (`expect(n)`, `verify()`, the received requests). Credentials are never
//! part of the match: every client here sends a bearer token the mock was never told.

use std::fmt::Debug;

use serde::de::DeserializeOwned;
use serde_json::{json, Value};

/// A value of a generated type from its JSON (no struct literals: generated types may
/// become `#[non_exhaustive]`).
fn value<T: DeserializeOwned>(json: Value) -> T {
    serde_json::from_value(json).expect("the JSON fits the type")
}

/// The status and typed body of an API error; panics on any other outcome.
fn api_error<T: Debug, E>(result: Result<T, nudge_client::Error<E>>) -> (u16, Option<E>) {
    match result {
        Err(nudge_client::Error::Api(err)) => (err.status.as_u16(), err.body),
        Err(other) => panic!("expected an API error, got {other}"),
        Ok(value) => panic!("expected an API error, got {value:?}"),
    }
}

#[tokio::test]
async fn nudge_get_app_and_search_apps() {
    use nudge_client::mock::MockServer;
    use nudge_client::types::{App, AppList, Error, SetAppCategoryRequest};

    let server = MockServer::start().await;
    let app: App = value(json!({"id": 42, "name": "Slack", "category": "chat"}));
    server.get_app(42).respond(&app).expect(1).mount().await;
    let missing: Error = value(json!({"error": "not_found", "message": "no app 7"}));
    server
        .get_app(7)
        .respond_error(404, &missing)
        .expect(1)
        .mount()
        .await;
    // Optional query parameters: the setters of the client's builder.
    let page: AppList = value(json!({"data": [{"id": 1, "name": "Zoom"}]}));
    server
        .search_apps()
        .page(2)
        .search("slack & zoom")
        .respond(&page)
        .expect(1)
        .mount()
        .await;
    // A JSON body, compared as a JSON value; no body in the answer.
    let category: SetAppCategoryRequest = value(json!({"category": "chat"}));
    server
        .set_app_category(42, category.clone())
        .respond()
        .expect(1)
        .mount()
        .await;

    let client = nudge_client::Client::builder()
        .base_url(server.base_url())
        .bearer_token("t")
        .build()
        .unwrap();
    assert_eq!(client.get_app(42).send().await.unwrap(), app);
    assert_eq!(
        api_error(client.get_app(7).send().await),
        (404, Some(missing))
    );
    assert_eq!(
        client
            .search_apps()
            .page(2)
            .search("slack & zoom")
            .send()
            .await
            .unwrap(),
        page
    );
    client.set_app_category(42, category).send().await.unwrap();

    // Another path parameter, another query, another body: not mocked, so 404.
    assert_eq!(api_error(client.get_app(43).send().await).0, 404);
    assert_eq!(
        api_error(
            client
                .search_apps()
                .page(3)
                .search("slack & zoom")
                .send()
                .await
        )
        .0,
        404
    );
    assert_eq!(api_error(client.search_apps().send().await).0, 404);
    let other: SetAppCategoryRequest = value(json!({"category": "video"}));
    assert_eq!(
        api_error(client.set_app_category(42, other).send().await).0,
        404
    );

    server.verify().await;
    let received = server.received_requests().await;
    assert_eq!(received.len(), 8);
    assert_eq!(received[0].url.path(), "/apps/42");
}

#[tokio::test]
async fn nightfall_annotate_finding() {
    use nightfall_client::mock::MockServer;
    use nightfall_client::types::{AnnotateFindingRequest, Annotation};

    let finding = "8d7a9b0e-4a41-4c0e-9b7a-0c1d2e3f4a5b";
    let server = MockServer::start().await;
    let request: AnnotateFindingRequest =
        value(json!({"type": "FALSE_POSITIVE", "comment": "false positive", "autoApply": true}));
    let annotation: Annotation = value(json!({"comment": "false positive"}));
    server
        .annotate_finding(value(json!(finding)), request.clone())
        .respond(&annotation)
        .expect(1)
        .mount()
        .await;
    let refused: AnnotateFindingRequest =
        value(json!({"type": "FALSE_POSITIVE", "comment": "refused"}));
    server
        .annotate_finding(value(json!(finding)), refused.clone())
        .respond_error(400, &json!({"code": 40000, "message": "refused"}))
        .expect(1)
        .mount()
        .await;

    let client = nightfall_client::Client::builder()
        .base_url(server.base_url())
        .bearer_token("t")
        .build()
        .unwrap();
    let sent = client
        .annotate_finding(value(json!(finding)), request.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(sent, annotation);
    assert_eq!(
        api_error(
            client
                .annotate_finding(value(json!(finding)), refused)
                .send()
                .await
        ),
        (400, Some(json!({"code": 40000, "message": "refused"})))
    );
    let other_finding = "00000000-0000-0000-0000-000000000000";
    assert_eq!(
        api_error(
            client
                .annotate_finding(value(json!(other_finding)), request)
                .send()
                .await
        )
        .0,
        404
    );
    server.verify().await;
    assert_eq!(server.received_requests().await.len(), 3);
}

#[tokio::test]
async fn nobl9_get_object_audit_log() {
    use nobl9_client::mock::MockServer;
    use nobl9_client::types::{AuditLogPage, ObjectKind};

    let server = MockServer::start().await;
    let page: AuditLogPage = value(json!({"data": [], "offset": 0, "limit": 10}));
    // The versioned media type goes in `Accept`, which the mock matches too.
    server
        .get_object_audit_log(ObjectKind::Slo, "latency")
        .limit(10)
        .respond(&page)
        .expect(1)
        .mount()
        .await;
    server
        .get_object_audit_log(ObjectKind::Service, "latency")
        .respond_error(403, &json!({"error": "forbidden"}))
        .expect(1)
        .mount()
        .await;

    // Credentials and the required `organization` setting are not matched.
    let client = nobl9_client::Client::builder()
        .base_url(server.base_url())
        .bearer_token("t")
        .organization("acme")
        .build()
        .unwrap();
    assert_eq!(
        client
            .get_object_audit_log(ObjectKind::Slo, "latency")
            .limit(10)
            .send()
            .await
            .unwrap(),
        page
    );
    assert_eq!(
        api_error(
            client
                .get_object_audit_log(ObjectKind::Service, "latency")
                .send()
                .await
        ),
        (403, Some(json!({"error": "forbidden"})))
    );
    assert_eq!(
        api_error(
            client
                .get_object_audit_log(ObjectKind::Slo, "latency")
                .limit(11)
                .send()
                .await
        )
        .0,
        404
    );
    server.verify().await;
}

#[tokio::test]
async fn sysdig_get_report_preview() {
    use sysdig_client::mock::MockServer;
    use sysdig_client::types::{ReportDomain, ReportType};

    let server = MockServer::start().await;
    let body = json!({"filters": [{"field": "severity", "value": "high"}]});
    let preview = json!({"rows": [{"cve": "CVE-2024-0001"}]});
    server
        .get_report_preview(
            ReportDomain::Scanning,
            ReportType::Vulnerabilities,
            body.clone(),
        )
        .respond(&preview)
        .expect(1)
        .mount()
        .await;
    server
        .get_report_preview(ReportDomain::Scanning, ReportType::Policies, body.clone())
        .respond_error(422, &json!({"message": "no policies"}))
        .expect(1)
        .mount()
        .await;

    let client = sysdig_client::Client::builder()
        .base_url(server.base_url())
        .bearer_token("t")
        .ibm_instance_id("instance")
        .account("account")
        .build()
        .unwrap();
    // The same JSON with its keys in another order is the same body.
    let reordered: Value =
        serde_json::from_str(r#"{"filters": [{"value": "high", "field": "severity"}]}"#).unwrap();
    assert_eq!(
        client
            .get_report_preview(
                ReportDomain::Scanning,
                ReportType::Vulnerabilities,
                reordered
            )
            .send()
            .await
            .unwrap(),
        preview
    );
    assert_eq!(
        api_error(
            client
                .get_report_preview(ReportDomain::Scanning, ReportType::Policies, body)
                .send()
                .await
        ),
        (422, Some(json!({"message": "no policies"})))
    );
    assert_eq!(
        api_error(
            client
                .get_report_preview(
                    ReportDomain::Scanning,
                    ReportType::Vulnerabilities,
                    json!({"filters": []}),
                )
                .send()
                .await
        )
        .0,
        404
    );
    server.verify().await;
    assert_eq!(server.received_requests().await.len(), 3);
}

#[tokio::test]
async fn lacework_create_access() {
    use lacework_edge_client::mock::MockServer;
    use lacework_edge_client::types::{Access, CreateAccessRequest, ErrorResponse};

    let server = MockServer::start().await;
    let request: CreateAccessRequest =
        value(json!({"account_name": "acme", "app_list": ["github"], "description": "audit"}));
    let access: Access = value(json!({"account_name": "acme", "app_list": ["github"]}));
    // `expect(2)`: the same request twice.
    server
        .create_access(request.clone())
        .respond(&access)
        .expect(2)
        .mount()
        .await;
    let duplicate: CreateAccessRequest = value(json!({"account_name": "dup"}));
    let conflict: ErrorResponse = value(json!({"message": "exists"}));
    server
        .create_access(duplicate.clone())
        .respond_error(409, &conflict)
        .expect(1)
        .mount()
        .await;

    let client = lacework_edge_client::Client::builder()
        .base_url(server.base_url())
        .bearer_token("edge-jwt")
        .max_retries(0)
        .build()
        .unwrap();
    for _ in 0..2 {
        assert_eq!(
            client.create_access(request.clone()).send().await.unwrap(),
            access
        );
    }
    assert_eq!(
        api_error(client.create_access(duplicate).send().await),
        (409, Some(conflict))
    );
    let other: CreateAccessRequest = value(json!({"account_name": "other"}));
    assert_eq!(api_error(client.create_access(other).send().await).0, 404);
    server.verify().await;
    assert_eq!(server.received_requests().await.len(), 4);
}

/// The kinds of answers beside one JSON type, on the `bodies` fixture: a response enum's
/// variant decides the status, an error enum's variant the body; text in and out; a form
/// body; a download whose `Accept` the caller chooses.
#[tokio::test]
async fn response_enums_text_forms_and_downloads() {
    use bodies_client::mock::MockServer;
    use bodies_client::types::{
        ExportRecordAccept, NewPet, Pet, SearchForm, UpsertPetError, UpsertPetResponse,
    };

    let server = MockServer::start().await;
    let client = bodies_client::Client::builder()
        .base_url(server.base_url())
        .build()
        .unwrap();
    let pet: NewPet = value(json!({"name": "Rex", "tag": "dog"}));
    server
        .upsert_pet(1, pet.clone())
        .respond(UpsertPetResponse::NoContent)
        .expect(1)
        .mount()
        .await;
    server
        .upsert_pet(2, pet.clone())
        .respond(UpsertPetResponse::Created(value(json!({"job_id": "j1"}))))
        .expect(1)
        .mount()
        .await;
    server
        .upsert_pet(3, pet.clone())
        .respond_error(409, UpsertPetError::Conflict)
        .expect(1)
        .mount()
        .await;
    assert_eq!(
        client.upsert_pet(1, pet.clone()).send().await.unwrap(),
        UpsertPetResponse::NoContent
    );
    assert_eq!(
        client.upsert_pet(2, pet.clone()).send().await.unwrap(),
        UpsertPetResponse::Created(value(json!({"job_id": "j1"})))
    );
    assert_eq!(
        api_error(client.upsert_pet(3, pet).send().await),
        (409, Some(UpsertPetError::Conflict))
    );

    server
        .add_note(1, "hello")
        .respond("noted")
        .expect(1)
        .mount()
        .await;
    assert_eq!(client.add_note(1, "hello").send().await.unwrap(), "noted");
    assert_eq!(api_error(client.add_note(1, "other").send().await).0, 404);

    let form: SearchForm = value(json!({"query": "rex", "tags": ["a", "b"]}));
    let found: Vec<Pet> = Vec::new();
    server
        .search(form.clone())
        .respond(&found)
        .expect(1)
        .mount()
        .await;
    assert_eq!(client.search(form).send().await.unwrap(), found);
    let other: SearchForm = value(json!({"query": "rex"}));
    assert_eq!(api_error(client.search(other).send().await).0, 404);

    server
        .export_record(1)
        .accept(ExportRecordAccept::ApplicationPdf)
        .respond(b"%PDF".to_vec())
        .expect(1)
        .mount()
        .await;
    let pdf = client
        .export_record(1)
        .accept(ExportRecordAccept::ApplicationPdf)
        .send()
        .await
        .unwrap();
    assert_eq!(pdf.as_ref(), b"%PDF");
    // The default `Accept` (`text/csv`) is another request.
    assert_eq!(api_error(client.export_record(1).send().await).0, 404);
    server.verify().await;
}

/// A count that is not met fails `verify()`.
#[tokio::test]
async fn an_unmet_count_fails_verify() {
    let server = nudge_client::mock::MockServer::start().await;
    server
        .get_app(1)
        .respond_with(wiremock::ResponseTemplate::new(500))
        .expect(1)
        .mount()
        .await;
    let verified = tokio::spawn(async move { server.verify().await }).await;
    assert!(verified.is_err(), "verify() passed without the call");
}
