//! The `bodies` construct fixture (`tests/specs/bodies/`, generated into
//! `tests/generated/bodies` and compiled with warnings denied in the workspace): its generated
//! `operations.rs` and `types.rs` are snapshotted, and its client talks to wiremock on
//! 127.0.0.1.
//!
//! * Request bodies: the exact bytes and `Content-Type` of a JSON body, a `+json` body, a form
//!   (arrays repeated, nested objects as `a[b]=c`, declared `style`/`explode` honoured), a
//!   multipart body (each part's name, file name, content type and bytes, parsed with the
//!   boundary from the header), a binary upload (and its `content_type(..)` override) and a
//!   text body. A retried multipart or binary request sends the same body again. Optional
//!   bodies of each kind are sent only when set.
//! * Responses: `Option<T>` for a `200` beside a `204`; a response enum per status (`200`,
//!   `201`, `204`, a `2XX` range); `default` as the only response; text; a download as bytes
//!   and as a stream (an error status before streaming, a stall mid-stream); a download
//!   offering several media types asks for exactly one, the first by default, the one chosen
//!   with `.accept(..)` otherwise; a redirect-only operation followed to its target.
//! * Errors: each status decodes into its variant of the error enum (`400`, `404`, a unit
//!   `409`, `4XX`, `5XX` as text, `default`, `Other` for JSON that fits none); a body that
//!   does not fit a success type is `Error::Decode`, never a panic.
//! * Lowering: the media type order, names that cannot collide with schema types; the
//!   `Accept` choice of a download or text response with several media types (enum and
//!   setter names clear of schema types and parameter setters; none for JSON or one type).

use std::time::Duration;

use bodies_client::types::{
    AddDocumentRequest, ExportRecordAccept, Health, Job, JobRequest, NewPet, NotFound,
    PhotoMetadata, Problem, SearchForm, SearchFormOwner, SearchFormOwnerAddress, SearchFormWindow,
    SendFeedbackRequest, StartJobResponse, UploadPhotosRequest, UpsertPetCreated, UpsertPetError,
    UpsertPetResponse, ValidationProblem,
};
use bodies_client::{Client, Error, FilePart};
use clientgen_tests::{fixture_output, lower_fixture};
use futures::StreamExt;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[test]
fn bodies_operations_snapshot() {
    insta::assert_snapshot!(fixture_output("bodies", "src/operations.rs"));
}

#[test]
fn bodies_types_snapshot() {
    insta::assert_snapshot!(fixture_output("bodies", "src/types.rs"));
}

/// The fixture's API as the IR gives it, and no warning on the way.
#[test]
fn bodies_api_surface_snapshot() {
    let (api, warnings) = lower_fixture("bodies");
    assert!(warnings.is_empty(), "{warnings:?}");
    insta::assert_snapshot!(clientgen_tests::api_surface(&api));
}

fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .retry_backoff(Duration::from_millis(5), Duration::from_millis(20))
        .build()
        .expect("a client")
}

/// Answers `verb route` with `response`, once.
async fn answer(server: &MockServer, verb: &str, route: &str, response: ResponseTemplate) {
    Mock::given(method(verb))
        .and(path(route))
        .respond_with(response)
        .expect(1)
        .mount(server)
        .await;
}

/// The one request the server received.
async fn only_request(server: &MockServer) -> wiremock::Request {
    let mut requests = server.received_requests().await.expect("recording is on");
    assert_eq!(requests.len(), 1, "{requests:#?}");
    requests.remove(0)
}

fn header<'r>(request: &'r wiremock::Request, name: &str) -> Option<&'r str> {
    request
        .headers
        .get(name)
        .map(|value| value.to_str().expect("an ASCII header"))
}

fn pet(id: i64) -> serde_json::Value {
    json!({"id": id, "name": "Rex"})
}

// ---------------------------------------------------------------------------------------------
// Request bodies

#[tokio::test]
async fn a_json_body_is_sent_as_json_and_preferred_to_a_form() {
    let server = MockServer::start().await;
    answer(
        &server,
        "POST",
        "/pets",
        ResponseTemplate::new(201).set_body_json(pet(1)),
    )
    .await;
    let mut body = NewPet::new("Rex".into());
    body.tag = Some("good".into());
    let created = client(&server).create_pet(body).send().await.unwrap();
    assert_eq!(created.id, 1);
    let request = only_request(&server).await;
    assert_eq!(header(&request, "content-type"), Some("application/json"));
    assert_eq!(request.body, br#"{"name":"Rex","tag":"good"}"#);
}

#[tokio::test]
async fn a_plus_json_body_is_sent_with_its_own_media_type() {
    let server = MockServer::start().await;
    answer(
        &server,
        "PATCH",
        "/pets/7",
        ResponseTemplate::new(200).set_body_json(pet(7)),
    )
    .await;
    let body = NewPet::new("Max".into());
    client(&server).patch_pet(7, body).send().await.unwrap();
    let request = only_request(&server).await;
    assert_eq!(
        header(&request, "content-type"),
        Some("application/merge-patch+json")
    );
    assert_eq!(request.body, br#"{"name":"Max"}"#);
}

#[tokio::test]
async fn a_form_body_repeats_arrays_nests_objects_and_honours_its_encoding() {
    let server = MockServer::start().await;
    answer(
        &server,
        "POST",
        "/search",
        ResponseTemplate::new(200).set_body_json(json!([pet(1)])),
    )
    .await;
    let mut form = SearchForm::new("cats & dogs".into());
    form.tags = Some(vec!["a".into(), "b c".into()]);
    form.ids = Some(vec![1, 2, 3]);
    form.labels = Some(vec!["x".into(), "y".into()]);
    form.owner = Some({
        let mut built = SearchFormOwner::default();
        built.name = Some("Zoë".into());
        built.address = Some({
            let mut built = SearchFormOwnerAddress::default();
            built.city = Some("Oslo".into());
            built
        });
        built
    });
    form.window = Some({
        let mut built = SearchFormWindow::default();
        built.from = Some(1);
        built
    });
    let found = client(&server).search(form).send().await.unwrap();
    assert_eq!(found.len(), 1);
    let request = only_request(&server).await;
    assert_eq!(
        header(&request, "content-type"),
        Some("application/x-www-form-urlencoded")
    );
    // `tags`: repeated; `ids`: `form` not exploded; `labels`: `pipeDelimited`; `owner`:
    // nested as `owner[address][city]`; `window`: `form` exploded, so its fields stand alone.
    assert_eq!(
        String::from_utf8(request.body).unwrap(),
        "query=cats+%26+dogs&tags=a&tags=b+c&ids=1%2C2%2C3&labels=x%7Cy\
         &owner%5Bname%5D=Zo%C3%AB&owner%5Baddress%5D%5Bcity%5D=Oslo&from=1"
    );
}

/// One part of a received multipart body.
#[derive(Debug, PartialEq)]
struct Part {
    name: String,
    file_name: Option<String>,
    content_type: Option<String>,
    bytes: Vec<u8>,
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

/// The parts of a `multipart/form-data` request, split at the boundary its `Content-Type`
/// names.
fn multipart_parts(request: &wiremock::Request) -> Vec<Part> {
    let content_type = header(request, "content-type").expect("a content type");
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .unwrap_or_else(|| panic!("not multipart: {content_type}"));
    let delimiter = format!("--{boundary}");
    let mut rest: &[u8] = &request.body;
    let mut parts = Vec::new();
    let start = find(rest, delimiter.as_bytes()).expect("a first delimiter");
    rest = &rest[start + delimiter.len()..];
    while !rest.starts_with(b"--") {
        rest = rest
            .strip_prefix(b"\r\n")
            .expect("a line break after the delimiter");
        let end = find(rest, format!("\r\n{delimiter}").as_bytes()).expect("a next delimiter");
        let (part, after) = rest.split_at(end);
        rest = &after[2 + delimiter.len()..];
        let split = find(part, b"\r\n\r\n").expect("headers, then the content");
        let headers = std::str::from_utf8(&part[..split]).expect("ASCII headers");
        let mut received = Part {
            name: String::new(),
            file_name: None,
            content_type: None,
            bytes: part[split + 4..].to_vec(),
        };
        for line in headers.lines() {
            let (name, value) = line.split_once(": ").expect("a header line");
            match name.to_ascii_lowercase().as_str() {
                "content-disposition" => {
                    for param in value.split("; ").skip(1) {
                        let (key, quoted) = param.split_once('=').expect("a parameter");
                        let value = quoted.trim_matches('"').to_owned();
                        match key {
                            "name" => received.name = value,
                            "filename" => received.file_name = Some(value),
                            other => panic!("unexpected parameter {other}"),
                        }
                    }
                }
                "content-type" => received.content_type = Some(value.to_owned()),
                other => panic!("unexpected part header {other}"),
            }
        }
        parts.push(received);
    }
    parts
}

fn part(name: &str, file: Option<&str>, content_type: Option<&str>, bytes: &[u8]) -> Part {
    Part {
        name: name.to_owned(),
        file_name: file.map(str::to_owned),
        content_type: content_type.map(str::to_owned),
        bytes: bytes.to_vec(),
    }
}

const PNG: &[u8] = &[0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff];

fn photos() -> UploadPhotosRequest {
    let mut built = UploadPhotosRequest::new(
        FilePart::new(PNG).with_file_name("avatar.png"),
        "Rex at the beach".into(),
    );
    built.thumbnail = Some(FilePart::new(vec![1, 2, 3]).with_file_name("thumb.jpg"));
    built.attachments = Some(vec![
        FilePart::new(&b"%PDF-1.7"[..])
            .with_file_name("vet.pdf")
            .with_content_type("application/pdf"),
        FilePart::new(&b"raw"[..]),
    ]);
    built.tags = Some(vec!["beach".into(), "summer".into()]);
    built.rating = Some(5);
    built.metadata = Some({
        let mut built = PhotoMetadata::default();
        built.taken_at = Some("2025-06-01".into());
        built.camera = Some("X100".into());
        built
    });
    built
}

fn expected_photo_parts() -> Vec<Part> {
    vec![
        // The spec's `encoding` gives the avatar's content type.
        part("avatar", Some("avatar.png"), Some("image/png"), PNG),
        // The first of `image/jpeg, image/png`.
        part(
            "thumbnail",
            Some("thumb.jpg"),
            Some("image/jpeg"),
            &[1, 2, 3],
        ),
        // A file's own content type wins; without one, `application/octet-stream`.
        part(
            "attachments",
            Some("vet.pdf"),
            Some("application/pdf"),
            b"%PDF-1.7",
        ),
        part(
            "attachments",
            None,
            Some("application/octet-stream"),
            b"raw",
        ),
        part("caption", None, None, b"Rex at the beach"),
        part("tags", None, None, b"beach"),
        part("tags", None, None, b"summer"),
        part("rating", None, None, b"5"),
        part(
            "metadata",
            None,
            Some("application/json"),
            br#"{"taken_at":"2025-06-01","camera":"X100"}"#,
        ),
    ]
}

#[tokio::test]
async fn a_multipart_body_sends_files_text_and_json_parts() {
    let server = MockServer::start().await;
    answer(
        &server,
        "PUT",
        "/pets/3/photos",
        ResponseTemplate::new(201).set_body_json(json!({"count": 4})),
    )
    .await;
    let stored = client(&server)
        .upload_photos(3, photos())
        .send()
        .await
        .unwrap();
    assert_eq!(stored.count, 4);
    let request = only_request(&server).await;
    assert_eq!(multipart_parts(&request), expected_photo_parts());
    let length: usize = header(&request, "content-length")
        .expect("a known length")
        .parse()
        .unwrap();
    assert_eq!(length, request.body.len());

    // Optional fields that are `None` send no part.
    let server = MockServer::start().await;
    answer(
        &server,
        "PUT",
        "/pets/3/photos",
        ResponseTemplate::new(201).set_body_json(json!({"count": 1})),
    )
    .await;
    let minimal = UploadPhotosRequest::new(FilePart::new(PNG), "x".into());
    client(&server)
        .upload_photos(3, minimal)
        .send()
        .await
        .unwrap();
    assert_eq!(
        multipart_parts(&only_request(&server).await),
        [
            part("avatar", None, Some("image/png"), PNG),
            part("caption", None, None, b"x"),
        ]
    );
}

#[tokio::test]
async fn a_retried_multipart_request_sends_the_same_parts_again() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/pets/3/photos"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    answer(
        &server,
        "PUT",
        "/pets/3/photos",
        ResponseTemplate::new(201).set_body_json(json!({"count": 4})),
    )
    .await;
    client(&server)
        .upload_photos(3, photos())
        .send()
        .await
        .unwrap();
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2);
    for request in &requests {
        assert_eq!(multipart_parts(request), expected_photo_parts());
    }
}

#[tokio::test]
async fn a_binary_upload_is_sent_as_is_and_again_when_retried() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/pets/5/avatar"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    answer(&server, "PUT", "/pets/5/avatar", ResponseTemplate::new(204)).await;
    client(&server)
        .put_avatar(5, PNG.to_vec())
        .send()
        .await
        .unwrap();
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2, "the 503 was retried");
    for request in &requests {
        assert_eq!(
            header(request, "content-type"),
            Some("application/octet-stream")
        );
        assert_eq!(request.body, PNG);
    }

    // The builder's `content_type(..)` replaces the spec's media type.
    let server = MockServer::start().await;
    answer(&server, "PUT", "/pets/5/avatar", ResponseTemplate::new(204)).await;
    client(&server)
        .put_avatar(5, bodies_client::Bytes::from_static(PNG))
        .content_type("image/png")
        .send()
        .await
        .unwrap();
    let request = only_request(&server).await;
    assert_eq!(header(&request, "content-type"), Some("image/png"));
    assert_eq!(request.body, PNG);
}

#[tokio::test]
async fn a_text_body_is_sent_as_text_and_a_text_response_read_as_a_string() {
    let server = MockServer::start().await;
    answer(
        &server,
        "POST",
        "/pets/2/notes",
        ResponseTemplate::new(200).set_body_raw("stored: héllo", "text/plain"),
    )
    .await;
    let stored = client(&server).add_note(2, "héllo").send().await.unwrap();
    assert_eq!(stored, "stored: héllo");
    let request = only_request(&server).await;
    assert_eq!(header(&request, "content-type"), Some("text/plain"));
    assert_eq!(header(&request, "accept"), Some("text/plain"));
    assert_eq!(request.body, "héllo".as_bytes());

    // A text response that is not UTF-8 is a decode error.
    let server = MockServer::start().await;
    answer(
        &server,
        "POST",
        "/pets/2/notes",
        ResponseTemplate::new(200).set_body_raw(vec![0xff, 0xfe], "text/plain"),
    )
    .await;
    let err = client(&server).add_note(2, "x").send().await.unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
}

#[tokio::test]
async fn optional_bodies_are_sent_only_when_set() {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let client = client(&server);
    client.add_document(1).send().await.unwrap();
    client.replace_document(1).send().await.unwrap();
    client.send_feedback().send().await.unwrap();
    client.replace_feedback().send().await.unwrap();
    let mut document =
        AddDocumentRequest::new(FilePart::new(&b"page one"[..]).with_file_name("doc.txt"));
    document.pages = Some(vec![FilePart::new(&b"p2"[..]), FilePart::new(&b"p3"[..])]);
    client.add_document(1).body(document).send().await.unwrap();
    client
        .replace_document(1)
        .body(PNG)
        .content_type("image/png")
        .send()
        .await
        .unwrap();
    let mut feedback = SendFeedbackRequest::default();
    feedback.score = Some(5);
    feedback.comment = Some("good dog".into());
    client.send_feedback().body(feedback).send().await.unwrap();
    client
        .replace_feedback()
        .body("# Good")
        .send()
        .await
        .unwrap();

    let requests = server.received_requests().await.unwrap();
    let (unset, set) = requests.split_at(4);
    for request in unset {
        assert!(request.body.is_empty(), "{request:?}");
        assert_eq!(header(request, "content-type"), None, "{request:?}");
    }
    assert_eq!(
        multipart_parts(&set[0]),
        [
            part(
                "file",
                Some("doc.txt"),
                Some("application/octet-stream"),
                b"page one"
            ),
            part("pages", None, Some("application/octet-stream"), b"p2"),
            part("pages", None, Some("application/octet-stream"), b"p3"),
        ]
    );
    assert_eq!(header(&set[1], "content-type"), Some("image/png"));
    assert_eq!(set[1].body, PNG);
    assert_eq!(
        header(&set[2], "content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(set[2].body, b"score=5&comment=good+dog");
    assert_eq!(header(&set[3], "content-type"), Some("text/markdown"));
    assert_eq!(set[3].body, b"# Good");
}

// ---------------------------------------------------------------------------------------------
// Responses

#[tokio::test]
async fn a_204_beside_a_200_is_none() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/pets/1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(pet(1)))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/pets/2"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/pets/3"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({"title": "gone"})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/pets/4"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "four"})))
        .mount(&server)
        .await;
    let client = client(&server);
    let found = client.get_pet(1).send().await.unwrap();
    assert_eq!(found.map(|p| p.id), Some(1));
    assert_eq!(client.get_pet(2).send().await.unwrap(), None);
    match client.get_pet(3).send().await.unwrap_err() {
        Error::Api(api) => {
            assert_eq!(api.status.as_u16(), 404);
            assert_eq!(api.body.map(|p| p.title).as_deref(), Some("gone"));
        }
        other => panic!("{other:?}"),
    }
    let err = client.get_pet(4).send().await.unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
}

async fn upsert(
    server: &MockServer,
    response: ResponseTemplate,
) -> Result<UpsertPetResponse, Error<UpsertPetError>> {
    server.reset().await;
    Mock::given(method("PUT"))
        .and(path("/pets/9"))
        .respond_with(response)
        .mount(server)
        .await;
    let body = NewPet::new("Rex".into());
    Client::builder()
        .base_url(server.uri())
        .max_retries(0)
        .build()
        .unwrap()
        .upsert_pet(9, body)
        .send()
        .await
}

#[tokio::test]
async fn each_success_status_decodes_into_its_variant() {
    let server = MockServer::start().await;
    let ok = upsert(&server, ResponseTemplate::new(200).set_body_json(pet(9))).await;
    assert!(
        matches!(ok, Ok(UpsertPetResponse::Ok(ref p)) if p.id == 9),
        "{ok:?}"
    );
    let created = upsert(
        &server,
        ResponseTemplate::new(201).set_body_json(json!({"job_id": "j1"})),
    )
    .await;
    assert_eq!(
        created.unwrap(),
        UpsertPetResponse::Created(UpsertPetCreated::new("j1".into()))
    );
    let unchanged = upsert(&server, ResponseTemplate::new(204)).await;
    assert_eq!(unchanged.unwrap(), UpsertPetResponse::NoContent);

    // A body that does not fit its status's type, and a success status the spec does not
    // declare, are decode errors.
    let broken = upsert(
        &server,
        ResponseTemplate::new(201).set_body_json(json!({"job": 1})),
    )
    .await;
    assert!(matches!(broken, Err(Error::Decode { .. })), "{broken:?}");
    let undeclared = upsert(&server, ResponseTemplate::new(202)).await;
    match undeclared {
        Err(Error::Decode { status, .. }) => assert_eq!(status.as_u16(), 202),
        other => panic!("{other:?}"),
    }
}

/// The error body of an upsert answered with `status` and `body`.
async fn upsert_error(
    server: &MockServer,
    status: u16,
    body: ResponseTemplate,
) -> Option<UpsertPetError> {
    match upsert(server, body).await {
        Err(Error::Api(api)) => {
            assert_eq!(api.status.as_u16(), status);
            api.body
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn each_error_status_decodes_into_its_variant() {
    let server = MockServer::start().await;
    let json =
        |status: u16, body: serde_json::Value| ResponseTemplate::new(status).set_body_json(body);
    assert_eq!(
        upsert_error(
            &server,
            400,
            json(400, json!({"errors": ["name is empty"]}))
        )
        .await,
        Some(UpsertPetError::BadRequest(ValidationProblem::new(vec![
            "name is empty".into()
        ])))
    );
    assert_eq!(
        upsert_error(&server, 404, json(404, json!({"resource": "owner"}))).await,
        Some(UpsertPetError::NotFound(NotFound::new("owner".into())))
    );
    // A response declared without content: its variant, whatever the body.
    assert_eq!(
        upsert_error(
            &server,
            409,
            ResponseTemplate::new(409).set_body_string("busy")
        )
        .await,
        Some(UpsertPetError::Conflict)
    );
    let problem = |title: &str| Problem::new(title.into());
    // `4XX`, with the `application/problem+json` the spec names.
    assert_eq!(
        upsert_error(
            &server,
            422,
            ResponseTemplate::new(422)
                .set_body_raw(r#"{"title":"bad"}"#, "application/problem+json")
        )
        .await,
        Some(UpsertPetError::Status4xx(problem("bad")))
    );
    // `5XX` is text.
    assert_eq!(
        upsert_error(
            &server,
            500,
            ResponseTemplate::new(500).set_body_raw("it broke", "text/plain")
        )
        .await,
        Some(UpsertPetError::Status5xx("it broke".into()))
    );
    // Any other status: `default` (300 is not a redirect reqwest follows).
    assert_eq!(
        upsert_error(&server, 300, json(300, json!({"title": "choose"}))).await,
        Some(UpsertPetError::Default(problem("choose")))
    );
    // JSON that fits no declared type is kept in `Other`; a body that is not JSON is only
    // in the excerpt.
    assert_eq!(
        upsert_error(&server, 400, json(400, json!({"unexpected": true}))).await,
        Some(UpsertPetError::Other(json!({"unexpected": true})))
    );
    assert_eq!(
        upsert_error(
            &server,
            400,
            ResponseTemplate::new(400).set_body_string("<html>")
        )
        .await,
        None
    );
    match upsert(
        &server,
        ResponseTemplate::new(404).set_body_string("<html>"),
    )
    .await
    {
        Err(Error::Api(api)) => assert_eq!(api.excerpt, "<html>"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn an_exact_code_and_a_range_each_have_their_variant() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/jobs"))
        .and(wiremock::matchers::header(
            "content-type",
            "application/json",
        ))
        .respond_with(
            ResponseTemplate::new(202).set_body_json(json!({"id": "j1", "state": "queued"})),
        )
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/jobs"))
        .respond_with(ResponseTemplate::new(200).set_body_raw("already done", "text/plain"))
        .mount(&server)
        .await;
    let client = client(&server);
    let queued = client
        .start_job()
        .body({
            let mut built = JobRequest::default();
            built.kind = Some("export".into());
            built
        })
        .send()
        .await
        .unwrap();
    assert_eq!(
        queued,
        StartJobResponse::Accepted({
            let mut built = Job::new("j1".into());
            built.state = Some("queued".into());
            built
        })
    );
    let done = client.start_job().send().await.unwrap();
    assert_eq!(done, StartJobResponse::Status2xx("already done".into()));
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests[0].body, br#"{"kind":"export"}"#);
    assert!(requests[1].body.is_empty(), "no body without `.body(..)`");
    assert_eq!(
        header(&requests[1], "accept"),
        Some("application/json, text/plain")
    );
}

#[tokio::test]
async fn a_lone_default_response_is_the_success_and_the_error_type() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/health"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"status": "ok"})))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/health"))
        .respond_with(ResponseTemplate::new(500).set_body_json(json!({"status": "degraded"})))
        .mount(&server)
        .await;
    let client = client(&server);
    assert_eq!(
        client.health().send().await.unwrap(),
        Health::new("ok".into())
    );
    match client.health().send().await.unwrap_err() {
        Error::Api(api) => assert_eq!(api.body, Some(Health::new("degraded".into()))),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_download_comes_as_bytes_or_as_a_stream() {
    let server = MockServer::start().await;
    let image: Vec<u8> = (0..=255).cycle().take(100_000).collect();
    Mock::given(method("GET"))
        .and(path("/pets/1/avatar"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(image.clone(), "image/png"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/pets/2/avatar"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({"missing": true})))
        .mount(&server)
        .await;
    let client = client(&server);
    let bytes = client.get_avatar(1).send().await.unwrap();
    assert_eq!(bytes.as_ref(), image.as_slice());

    let mut stream = client.get_avatar(1).send_stream().await.unwrap();
    assert_eq!(stream.status().as_u16(), 200);
    assert_eq!(
        stream.headers().get("content-type").map(|v| v.as_bytes()),
        Some(&b"image/png"[..])
    );
    let mut streamed = Vec::new();
    while let Some(chunk) = stream.chunk().await.unwrap() {
        streamed.extend_from_slice(&chunk);
    }
    assert_eq!(streamed, image);
    // The same through `Stream`.
    let chunks: Vec<_> = client
        .get_avatar(1)
        .send_stream()
        .await
        .unwrap()
        .collect()
        .await;
    let joined: Vec<u8> = chunks
        .into_iter()
        .flat_map(|chunk| chunk.unwrap().to_vec())
        .collect();
    assert_eq!(joined, image);
    let requests = server.received_requests().await.unwrap();
    assert!(requests
        .iter()
        .all(|r| header(r, "accept") == Some("image/png")));

    // An error status is an error before anything streams.
    match client.get_avatar(2).send_stream().await.unwrap_err() {
        Error::Api(api) => {
            assert_eq!(api.status.as_u16(), 404);
            assert_eq!(api.body, Some(json!({"missing": true})));
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_download_with_several_media_types_asks_for_exactly_the_chosen_one() {
    let server = MockServer::start().await;
    for (media, body) in [
        ("text/csv", &b"id,name\r\n1,Rex"[..]),
        ("application/pdf", &b"%PDF-1.7\n\xe2\xe3\n%%EOF"[..]),
        ("application/json", &br#"{"id":1}"#[..]),
    ] {
        Mock::given(method("GET"))
            .and(path("/pets/1/record"))
            .and(wiremock::matchers::header("accept", media))
            .respond_with(ResponseTemplate::new(200).set_body_raw(body, media))
            .mount(&server)
            .await;
    }
    let client = client(&server);
    let accepts = |requests: &[wiremock::Request]| -> Vec<Vec<String>> {
        requests
            .iter()
            .map(|r| {
                r.headers
                    .get_all("accept")
                    .iter()
                    .map(|v| v.to_str().unwrap().to_owned())
                    .collect()
            })
            .collect()
    };

    // Without the setter: the first media type the spec lists, alone.
    let csv = client.export_record(1).send().await.unwrap();
    assert_eq!(csv.as_ref(), b"id,name\r\n1,Rex");
    let pdf = client
        .export_record(1)
        .accept(ExportRecordAccept::ApplicationPdf)
        .send()
        .await
        .unwrap();
    assert_eq!(pdf.as_ref(), b"%PDF-1.7\n\xe2\xe3\n%%EOF");
    // JSON is a download here too: its bytes as they came, never decoded.
    let mut stream = client
        .export_record(1)
        .accept(ExportRecordAccept::ApplicationJson)
        .send_stream()
        .await
        .unwrap();
    assert_eq!(
        stream.headers().get("content-type").map(|v| v.as_bytes()),
        Some(&b"application/json"[..])
    );
    let mut json = Vec::new();
    while let Some(chunk) = stream.chunk().await.unwrap() {
        json.extend_from_slice(&chunk);
    }
    assert_eq!(json, br#"{"id":1}"#);

    let requests = server.received_requests().await.unwrap();
    assert_eq!(
        accepts(&requests),
        [["text/csv"], ["application/pdf"], ["application/json"]]
    );
    assert_eq!(ExportRecordAccept::default(), ExportRecordAccept::TextCsv);
}

#[tokio::test]
async fn a_stream_that_stalls_ends_with_a_timeout() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut request = [0_u8; 4096];
        let _ = socket.read(&mut request).await;
        socket
            .write_all(
                b"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: 10\r\n\r\nabc",
            )
            .await
            .unwrap();
        socket.flush().await.unwrap();
        tokio::time::sleep(Duration::from_secs(5)).await;
    });
    let client = Client::builder()
        .base_url(format!("http://{address}"))
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let mut stream = client.get_avatar(1).send_stream().await.unwrap();
    assert_eq!(stream.chunk().await.unwrap().as_deref(), Some(&b"abc"[..]));
    let err = stream.chunk().await.unwrap_err();
    assert!(matches!(err, Error::Timeout { attempts: 1 }), "{err:?}");
}

#[tokio::test]
async fn a_redirect_only_operation_returns_what_the_target_sends() {
    let server = MockServer::start().await;
    answer(
        &server,
        "GET",
        "/pets/4/photo",
        ResponseTemplate::new(302).insert_header("location", "/files/rex.jpg"),
    )
    .await;
    answer(
        &server,
        "GET",
        "/files/rex.jpg",
        ResponseTemplate::new(200).set_body_raw(PNG.to_vec(), "image/jpeg"),
    )
    .await;
    let photo = client(&server).photo_location(4).send().await.unwrap();
    assert_eq!(photo.as_ref(), PNG);
}

// ---------------------------------------------------------------------------------------------
// Lowering

fn lower(spec: &str) -> (clientgen::ir::Api, Vec<clientgen::Diagnostic>) {
    clientgen::lower(spec, "t.yaml").unwrap_or_else(|problems| panic!("{problems:#?}"))
}

#[test]
fn several_media_types_of_a_download_or_text_make_an_accept_choice_with_names_clear_of_others() {
    use clientgen::ir::{AcceptChoice, Success, TypeKind};

    let spec = r#"
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /report:
    get:
      operationId: getReport
      parameters:
        - {name: accept, in: query, schema: {type: string}}
        - {name: Accept, in: header, schema: {type: string}}
      responses:
        '200':
          description: a report
          content:
            application/pdf: {schema: {type: string, format: binary}}
            '*/*': {schema: {type: string, format: binary}}
            application/vnd.ms-excel: {}
  /note:
    get:
      operationId: getNote
      responses:
        '200':
          description: a note
          content:
            text/plain: {schema: {type: string}}
            text/html: {schema: {type: string}}
            Text/HTML: {schema: {type: string}}
  /one:
    get:
      operationId: getOne
      responses:
        '200': {description: one, content: {text/csv: {schema: {type: string, format: binary}}}}
  /typed:
    get:
      operationId: getTyped
      responses:
        '200':
          description: JSON wins
          content:
            application/json: {schema: {$ref: '#/components/schemas/GetReportAccept'}}
            text/csv: {schema: {type: string}}
components:
  schemas:
    GetReportAccept: {type: object, properties: {a: {type: string}}}
"#;
    let (api, warnings) = lower(spec);
    assert!(warnings.is_empty(), "{warnings:#?}");
    let op = |name: &str| {
        api.operations
            .iter()
            .find(|op| op.method_name == name)
            .unwrap()
    };
    let variants = |name: &str| -> Vec<(String, String)> {
        let def = api.types.iter().find(|t| t.name == name).expect(name);
        let TypeKind::MediaTypes { variants } = &def.kind else {
            panic!("{def:?}")
        };
        variants
            .iter()
            .map(|v| (v.rust_name.clone(), v.media_type.clone()))
            .collect()
    };
    let pairs = |items: &[(&str, &str)]| -> Vec<(String, String)> {
        items
            .iter()
            .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
            .collect()
    };

    // The schema keeps its name; the query parameter keeps `accept` (the `Accept` header
    // parameter is the client's, as OpenAPI says).
    let report = op("get_report");
    assert_eq!(report.success, Success::Bytes);
    assert_eq!(report.accept.as_deref(), Some("application/pdf"));
    assert_eq!(
        report
            .params
            .iter()
            .map(|p| p.rust_name.as_str())
            .collect::<Vec<_>>(),
        ["accept"]
    );
    assert_eq!(
        report.accept_choice,
        Some(AcceptChoice {
            setter: "accept_2".into(),
            type_name: "GetReportAccept2".into(),
            default_variant: "ApplicationPdf".into(),
        })
    );
    assert_eq!(
        variants("GetReportAccept2"),
        pairs(&[
            ("ApplicationPdf", "application/pdf"),
            ("StarSlashStar", "*/*"),
            ("ApplicationVndMsExcel", "application/vnd.ms-excel"),
        ])
    );

    // Text: media types that name alike are numbered.
    let note = op("get_note");
    assert_eq!(note.success, Success::Text);
    assert_eq!(note.accept.as_deref(), Some("text/plain"));
    assert_eq!(
        note.accept_choice.as_ref().map(|c| c.setter.as_str()),
        Some("accept")
    );
    assert_eq!(
        variants("GetNoteAccept"),
        pairs(&[
            ("TextPlain", "text/plain"),
            ("TextHtml", "text/html"),
            ("TextHtml2", "Text/HTML"),
        ])
    );

    // One media type, or a typed JSON response: no choice, as before.
    assert_eq!(op("get_one").accept_choice, None);
    assert_eq!(op("get_one").accept.as_deref(), Some("text/csv"));
    assert_eq!(op("get_typed").accept_choice, None);
    assert_eq!(op("get_typed").accept, None);

    // The generated code uses the names lower gave.
    let generated = clientgen::generate(spec, "t.yaml", &clientgen::Settings::new("t"))
        .unwrap_or_else(|p| panic!("{p:#?}"));
    let operations = &generated.files["src/operations.rs"];
    assert!(operations
        .contains("pub fn accept_2(mut self, value: crate::types::GetReportAccept2) -> Self"));
    assert!(operations.contains(".header(\"Accept\", self.accept_2.media_type())"));
    assert!(operations.contains("accept_2: crate::types::GetReportAccept2::ApplicationPdf,"));
    assert!(operations.contains(".query(\"accept\", &self.accept)"));
}

#[test]
fn media_types_are_chosen_in_order_json_form_multipart_binary_text() {
    use clientgen::ir::BodyEncoding;

    let offer = |media: &[&str]| {
        let content: Vec<String> = media
            .iter()
            .map(|m| format!("'{m}': {{schema: {{$ref: '#/components/schemas/Form'}}}}"))
            .collect();
        format!(
            r#"
openapi: 3.0.3
info: {{title: t, version: "1"}}
paths:
  /a:
    post:
      requestBody: {{required: true, content: {{{}}}}}
      responses: {{'204': {{description: ok}}}}
components:
  schemas:
    Form: {{type: object, properties: {{a: {{type: string}}}}}}
"#,
            content.join(", ")
        )
    };
    let chosen = |media: &[&str]| {
        let (api, _) = lower(&offer(media));
        let body = api.operations[0].body.clone().expect("a body");
        (body.content_type, body.encoding)
    };
    assert_eq!(
        chosen(&[
            "text/plain",
            "application/octet-stream",
            "application/vnd.api+json"
        ])
        .0,
        "application/vnd.api+json"
    );
    assert!(matches!(
        chosen(&[
            "text/plain",
            "multipart/form-data",
            "application/x-www-form-urlencoded"
        ])
        .1,
        BodyEncoding::Form { .. }
    ));
    assert!(matches!(
        chosen(&["text/csv", "image/*", "multipart/form-data"]).1,
        BodyEncoding::Multipart { .. }
    ));
    // A wildcard is no `Content-Type`: the spec's binary default stands in for it.
    assert_eq!(
        chosen(&["text/csv", "image/*"]),
        ("application/octet-stream".to_owned(), BodyEncoding::Binary)
    );
    assert_eq!(
        chosen(&["text/csv"]),
        ("text/csv".to_owned(), BodyEncoding::Text)
    );
}

#[test]
fn a_multipart_body_without_properties_falls_back_with_a_warning() {
    let spec = r#"
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /a:
    post:
      requestBody:
        required: true
        content:
          multipart/form-data: {schema: {type: string}}
          application/octet-stream: {}
      responses: {'204': {description: ok}}
"#;
    let (api, warnings) = lower(spec);
    let body = api.operations[0].body.as_ref().expect("a body");
    assert_eq!(body.encoding, clientgen::ir::BodyEncoding::Binary);
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    assert_eq!(
        warnings[0].pointer.as_deref(),
        Some("/paths/~1a/post/requestBody/content/multipart~1form-data")
    );
}

#[test]
fn response_enums_take_names_no_schema_has() {
    use clientgen::ir::{ErrorType, Success, TypeKind};

    let spec = r#"
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /a:
    post:
      operationId: upsert
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/UpsertResponse'}}}}
        '201': {description: created, content: {application/json: {schema: {type: object, properties: {id: {type: string}}}}}}
        '400': {description: bad, content: {application/json: {schema: {$ref: '#/components/schemas/UpsertError'}}}}
        '404': {description: missing, content: {text/plain: {schema: {type: string}}}}
components:
  schemas:
    UpsertResponse: {type: object, properties: {a: {type: string}}}
    UpsertError: {type: object, properties: {b: {type: string}}}
    UpsertCreated: {type: object, properties: {c: {type: string}}}
"#;
    let (api, warnings) = lower(spec);
    assert!(warnings.is_empty(), "{warnings:#?}");
    let op = &api.operations[0];
    assert_eq!(op.success, Success::ByStatus("UpsertResponse2".into()));
    assert_eq!(op.error, ErrorType::ByStatus("UpsertError2".into()));
    let def = api
        .types
        .iter()
        .find(|t| t.name == "UpsertResponse2")
        .expect("the enum");
    let TypeKind::Responses { error, variants } = &def.kind else {
        panic!("{def:?}")
    };
    assert!(!error);
    let names: Vec<String> = variants
        .iter()
        .map(|v| format!("{}({})", v.rust_name, v.content))
        .collect();
    // The inline `201` schema is named after its variant, clear of the `UpsertCreated` schema.
    assert_eq!(names, ["Ok(UpsertResponse)", "Created(UpsertCreated2)"]);
}

#[test]
fn only_redirects_make_a_download_and_one_error_type_stays_one() {
    use clientgen::ir::{ErrorType, Success, TypeRef};

    let spec = r#"
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /a:
    get:
      responses:
        '302': {description: elsewhere}
        '404': {description: missing, content: {application/json: {schema: {$ref: '#/components/schemas/E'}}}}
        '500': {description: broken}
        '503': {description: busy, content: {application/json: {schema: {$ref: '#/components/schemas/E'}}}}
components:
  schemas:
    E: {type: object, properties: {b: {type: string}}}
"#;
    let (api, _) = lower(spec);
    let op = &api.operations[0];
    assert_eq!(op.success, Success::Bytes);
    assert_eq!(op.accept, None);
    assert_eq!(op.error, ErrorType::Json(TypeRef::Named("E".into())));
}

#[test]
fn binary_properties_are_files_only_in_multipart_bodies() {
    use clientgen::ir::{TypeKind, TypeRef};

    let spec = r#"
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /upload:
    post:
      requestBody:
        required: true
        content:
          multipart/form-data: {schema: {$ref: '#/components/schemas/Upload'}}
      responses: {'204': {description: ok}}
  /attach:
    post:
      requestBody:
        required: true
        content:
          application/json: {schema: {$ref: '#/components/schemas/Attachment'}}
      responses: {'204': {description: ok}}
components:
  schemas:
    Upload:
      type: object
      properties:
        file: {type: string, format: binary}
        items: {type: array, items: {type: string, format: binary}}
    Attachment:
      type: object
      properties:
        content: {type: string, format: binary}
"#;
    let (api, _) = lower(spec);
    let fields = |name: &str| -> Vec<TypeRef> {
        match &api
            .types
            .iter()
            .find(|t| t.name == name)
            .expect("the type")
            .kind
        {
            TypeKind::Struct { fields } => fields.iter().map(|f| f.ty.clone()).collect(),
            other => panic!("{other:?}"),
        }
    };
    assert_eq!(
        fields("Upload"),
        [TypeRef::File, TypeRef::Vec(Box::new(TypeRef::File))]
    );
    // JSON carries text: a binary string outside a multipart body stays a `String`.
    assert_eq!(fields("Attachment"), [TypeRef::String]);
}
