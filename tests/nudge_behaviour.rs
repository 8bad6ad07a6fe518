//! Behaviour tests of the generated Nudge Security client (`nudge-client`) against a real
//! HTTP server (wiremock on 127.0.0.1; nothing here reaches the internet).
//!
//! * Every one of the 33 operations is called once against a mock that matches its exact
//!   method, path, query parameters or JSON body and the `Authorization: Bearer` header, and
//!   must be hit exactly once (`expect(1)`, checked when the server is dropped). The response
//!   is shaped like the spec's schema with every property present, and the decoded value is
//!   compared field by field or re-encoded and compared with the JSON that was sent, which
//!   proves nothing was lost on the way.
//! * Searches go on the wire as the vendor's own code sends them: `filters: []` and the
//!   conditions as `{property, op, value, field_name}` objects in `search`.
//! * Errors: a typed API error body, a non-JSON error body, a malformed success body, a
//!   timeout, and path parameters that must be refused before anything is sent.
//! * Robustness: unknown enum values and unknown response fields decode, path parameters
//!   stay one segment, and the bearer token never shows in `Debug` output.

use std::time::Duration;

use clientgen_tests::reply;
use nudge_client::types::{
    self, AddAllowedValuesRequest, CreateFieldRequest, CreateLabelRequest, FilterOp, SearchFilter,
    SearchRequest, SearchSorting, SetAppCategoryRequest, SetAppFieldValueRequest, SortDirection,
    UpdateFieldRequest,
};
use nudge_client::{Client, Error};
use serde_json::{json, Value};
use wiremock::matchers::query_param;
use wiremock::{MockBuilder, MockServer, ResponseTemplate};

/// The bearer token every test client sends.
const TOKEN: &str = "tok";

/// Starts a mock server and a client that sends requests to it with the bearer token [`TOKEN`].
async fn setup() -> (MockServer, Client) {
    let server = MockServer::start().await;
    let client = Client::builder()
        .base_url(server.uri())
        .bearer_token(TOKEN)
        .build()
        .expect("a client for the mock server builds");
    (server, client)
}

/// A mock matching one `verb route` request with the bearer token [`TOKEN`].
fn on(verb: &str, route: &str) -> MockBuilder {
    clientgen_tests::on(verb, route, TOKEN)
}

/// Like [`on`], for a request that must carry a JSON body equal to `body`.
fn on_json(verb: &str, route: &str, body: Value) -> MockBuilder {
    clientgen_tests::on_json(verb, route, TOKEN, body)
}

/// The value the list operations' `search` query parameter is set to: spaces, `&`, `/`
/// and `%` must all arrive intact.
const SEARCH_TERM: &str = "slack & zoom/50%";

/// Adds the `page` and `per_page` query parameters the list tests set.
fn paged(mock: MockBuilder) -> MockBuilder {
    mock.and(query_param("page", "2"))
        .and(query_param("per_page", "100"))
}

/// Adds the `page`, `per_page` and `search` query parameters the list tests set.
fn paged_search(mock: MockBuilder) -> MockBuilder {
    paged(mock).and(query_param("search", SEARCH_TERM))
}

/// A `PaginatedList` with every property present, holding one record.
fn paginated(record: Value) -> Value {
    json!({ "data": [record], "page": 2, "per_page": 100, "total": 201 })
}

/// A `SearchResults` (or `AppSearchResults`) with every property present, holding one record.
fn search_results(record: Value) -> Value {
    json!({
        "values": [record],
        "page": 2,
        "per_page": 50,
        "total_pages": 5,
        "total_values": 201,
        "next_page": 3,
        "prev_page": 1,
    })
}

/// An `App` with every property of the schema present.
fn slack_app() -> Value {
    clientgen_tests::nudge_slack_app()
}

/// Asserts that `app` is [`slack_app`], property by property.
fn assert_is_slack(app: &types::App) {
    assert_eq!(app.id, Some(42));
    assert_eq!(app.name.as_deref(), Some("Slack"));
    assert_eq!(app.category.as_deref(), Some("Communication"));
    assert_eq!(app.domain.as_deref(), Some("slack.com"));
    assert_eq!(app.status.as_deref(), Some("approved"));
    assert_eq!(app.first_seen.map(|t| t.timestamp()), Some(1_705_311_000));
    assert_eq!(app.last_seen.map(|t| t.timestamp()), Some(1_748_886_312));
}

/// The body every `..._with_filters` test sends: filters of three shapes (scalar value,
/// array value, no value), a search condition naming a custom field, body pagination and
/// sorting.
fn search_request() -> SearchRequest {
    let mut built = SearchRequest::default();
    built.filters = Some(vec![
        {
            let mut built = SearchFilter::new("last_seen".into(), FilterOp::GtEq);
            built.value = Some(json!("2025-01-01T00:00:00Z"));
            built
        },
        {
            let mut built = SearchFilter::new("category".into(), FilterOp::In);
            built.value = Some(json!(["Finance", "HR"]));
            built
        },
        SearchFilter::new("owner".into(), FilterOp::Notnull),
    ]);
    built.search = Some(vec![{
        let mut built = SearchFilter::new("value".into(), FilterOp::Ilike);
        built.value = Some(json!("%R&D%"));
        built.field_name = Some("Cost center".into());
        built
    }]);
    built.page = Some(2);
    built.per_page = Some(50);
    built.sorting = Some({
        let mut built = SearchSorting::default();
        built.property = Some("name".into());
        built.direction = Some(SortDirection::Desc);
        built
    });
    built
}

/// [`search_request`] as it must appear on the wire, written out by hand.
fn search_request_json() -> Value {
    json!({
        "filters": [
            { "property": "last_seen", "op": ">=", "value": "2025-01-01T00:00:00Z" },
            { "property": "category", "op": "in", "value": ["Finance", "HR"] },
            { "property": "owner", "op": "notnull" },
        ],
        "search": [
            { "property": "value", "op": "ilike", "value": "%R&D%", "field_name": "Cost center" },
        ],
        "page": 2,
        "per_page": 50,
        "sorting": { "property": "name", "direction": "desc" },
    })
}

/// Mounts `POST route` expecting [`search_request_json`] and answering `SearchResults` with
/// `record`; returns the response body.
async fn mock_search(server: &MockServer, route: &str, record: Value) -> Value {
    let body = search_results(record);
    reply(
        server,
        on_json("POST", route, search_request_json()),
        200,
        &body,
    )
    .await;
    body
}

// ---------------------------------------------------------------------------------------------
// Apps
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn search_apps_sends_paging_and_search_and_decodes_app_list() {
    let (server, client) = setup().await;
    let body = json!({ "data": [slack_app()], "page": 2, "per_page": 100, "total": 201 });
    reply(&server, paged_search(on("GET", "/apps")), 200, &body).await;

    let apps = client
        .search_apps()
        .page(2)
        .per_page(100)
        .search(SEARCH_TERM)
        .send()
        .await
        .unwrap();

    assert_eq!(
        (apps.page, apps.per_page, apps.total),
        (Some(2), Some(100), Some(201))
    );
    let data = apps.data.as_deref().unwrap();
    assert_eq!(data.len(), 1);
    assert_is_slack(&data[0]);
    assert_eq!(serde_json::to_value(&apps).unwrap(), body);
}

#[tokio::test]
async fn search_apps_with_filters_posts_the_search_body_and_decodes_apps() {
    let (server, client) = setup().await;
    let body = mock_search(&server, "/apps/search", slack_app()).await;

    let results = client
        .search_apps_with_filters(search_request())
        .send()
        .await
        .unwrap();

    assert_is_slack(&results.values.as_deref().unwrap()[0]);
    assert_eq!(results.total_pages, Some(5));
    assert_eq!(results.total_values, Some(201));
    assert_eq!((results.next_page, results.prev_page), (Some(3), Some(1)));
    assert_eq!(serde_json::to_value(&results).unwrap(), body);
}

/// A search as the vendor's own code (Nudge-Security/field-bot, `nudge_bot/api/nudge.py`)
/// sends it: `filters` always an empty list, the conditions in `search`, nothing else.
fn vendor_search(conditions: Vec<SearchFilter>) -> SearchRequest {
    let mut built = SearchRequest::default();
    built.filters = Some(Vec::new());
    built.search = Some(conditions);
    built
}

#[tokio::test]
async fn a_search_goes_on_the_wire_as_the_vendors_code_sends_it() {
    let (server, client) = setup().await;
    // Exactly these keys: `filters` present and empty, each condition an object (not a
    // string), `value` left out where it is not set, `field_name` only where it is.
    let wire = json!({
        "filters": [],
        "search": [
            { "property": "name", "op": "=", "value": "Slack" },
            { "property": "value", "op": "isnull", "field_name": "Owner" },
        ],
    });
    let body = json!({ "values": [slack_app()], "next_page": null });
    reply(&server, on_json("POST", "/apps/search", wire), 200, &body).await;

    let search = vendor_search(vec![
        {
            let mut built = SearchFilter::new("name".into(), FilterOp::Eq);
            built.value = Some(json!("Slack"));
            built
        },
        {
            let mut built = SearchFilter::new("value".into(), FilterOp::Isnull);
            built.field_name = Some("Owner".into());
            built
        },
    ]);
    let results = client
        .search_apps_with_filters(search)
        .send()
        .await
        .unwrap();

    // What the vendor's code reads: `values` and `next_page`.
    assert_is_slack(&results.values.as_deref().unwrap()[0]);
    assert_eq!(results.next_page, None);
    let requests = server.received_requests().await.unwrap();
    let sent: Value = serde_json::from_slice(&requests[0].body).unwrap();
    assert_eq!(sent["filters"], json!([]));
    assert!(sent["search"]
        .as_array()
        .unwrap()
        .iter()
        .all(Value::is_object));
}

#[tokio::test]
async fn a_field_search_goes_on_the_wire_as_the_vendors_code_sends_it() {
    let (server, client) = setup().await;
    let wire = json!({
        "filters": [],
        "search": [{ "property": "name", "op": "ilike", "value": "%cost%" }],
    });
    let body = json!({ "values": [field()], "next_page": 2 });
    reply(&server, on_json("POST", "/fields/search", wire), 200, &body).await;

    let search = vendor_search(vec![{
        let mut built = SearchFilter::new("name".into(), FilterOp::Ilike);
        built.value = Some(json!("%cost%"));
        built
    }]);
    let results = client
        .search_fields_with_filters(search)
        .send()
        .await
        .unwrap();

    assert_eq!(results.next_page, Some(2));
    assert_eq!(serde_json::to_value(&results).unwrap(), body);
}

#[test]
fn a_search_condition_decodes_from_the_vendors_shape_and_back() {
    for sent in [
        json!({ "property": "name", "op": "=", "value": "Slack" }),
        json!({ "property": "name", "op": "ilike", "value": "%sl%" }),
        json!({ "property": "value", "op": "isnull", "field_name": "Owner" }),
    ] {
        let condition: SearchFilter = serde_json::from_value(sent.clone()).unwrap();
        assert!(!matches!(condition.op, FilterOp::Unknown(_)), "{sent}");
        assert_eq!(serde_json::to_value(&condition).unwrap(), sent);
    }
}

#[tokio::test]
async fn get_app_puts_the_id_in_the_path_and_decodes_every_property() {
    let (server, client) = setup().await;
    reply(&server, on("GET", "/apps/42"), 200, &slack_app()).await;

    let app = client.get_app(42).send().await.unwrap();

    assert_is_slack(&app);
    assert_eq!(serde_json::to_value(&app).unwrap(), slack_app());
}

#[tokio::test]
async fn set_app_category_posts_the_category() {
    let (server, client) = setup().await;
    let mock = on_json(
        "POST",
        "/apps/app-category/42",
        json!({ "category": "Finance" }),
    );
    mock.respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;

    let body = SetAppCategoryRequest::new("Finance".into());
    client.set_app_category(42, body).send().await.unwrap();
}

// ---------------------------------------------------------------------------------------------
// Accounts, OAuth grants, events
// ---------------------------------------------------------------------------------------------

fn account() -> Value {
    json!({ "id": "acc-1", "email": "ana@example.com", "app_id": 42, "app_name": "Slack", "mfa_enabled": true })
}

fn oauth_grant() -> Value {
    json!({ "id": "grant-7", "app_name": "Zoom", "user_email": "ana@example.com", "scopes": ["openid", "email"] })
}

fn event() -> Value {
    json!({ "id": "evt-9", "type": "new_app_discovered", "app_id": 42, "created_at": "2025-06-02T17:45:12Z" })
}

#[tokio::test]
async fn search_accounts_sends_paging_and_search() {
    let (server, client) = setup().await;
    let body = paginated(account());
    reply(&server, paged_search(on("GET", "/accounts")), 200, &body).await;

    let got = client
        .search_accounts()
        .page(2)
        .per_page(100)
        .search(SEARCH_TERM)
        .send()
        .await
        .unwrap();
    assert_eq!(serde_json::to_value(&got).unwrap(), body);
}

#[tokio::test]
async fn search_accounts_with_filters_posts_the_search_body() {
    let (server, client) = setup().await;
    let body = mock_search(&server, "/accounts/search", account()).await;

    let got = client
        .search_accounts_with_filters(search_request())
        .send()
        .await
        .unwrap();
    assert_eq!(serde_json::to_value(&got).unwrap(), body);
}

#[tokio::test]
async fn get_account_puts_the_id_in_the_path() {
    let (server, client) = setup().await;
    reply(&server, on("GET", "/accounts/acc-1"), 200, &account()).await;

    let got = client.get_account("acc-1").send().await.unwrap();
    assert_eq!(Value::Object(got), account());
}

#[tokio::test]
async fn search_oauth_grants_sends_paging_and_search() {
    let (server, client) = setup().await;
    let body = paginated(oauth_grant());
    reply(
        &server,
        paged_search(on("GET", "/oauth-grants")),
        200,
        &body,
    )
    .await;

    let got = client
        .search_oauth_grants()
        .page(2)
        .per_page(100)
        .search(SEARCH_TERM)
        .send()
        .await
        .unwrap();
    assert_eq!(serde_json::to_value(&got).unwrap(), body);
}

#[tokio::test]
async fn search_oauth_grants_with_filters_posts_the_search_body() {
    let (server, client) = setup().await;
    let body = mock_search(&server, "/oauth-grants/search", oauth_grant()).await;

    let got = client
        .search_oauth_grants_with_filters(search_request())
        .send()
        .await
        .unwrap();
    assert_eq!(serde_json::to_value(&got).unwrap(), body);
}

#[tokio::test]
async fn get_oauth_grant_puts_the_id_in_the_path() {
    let (server, client) = setup().await;
    reply(
        &server,
        on("GET", "/oauth-grants/grant-7"),
        200,
        &oauth_grant(),
    )
    .await;

    let got = client.get_oauth_grant("grant-7").send().await.unwrap();
    assert_eq!(Value::Object(got), oauth_grant());
}

#[tokio::test]
async fn search_events_sends_paging_and_search() {
    let (server, client) = setup().await;
    let body = paginated(event());
    reply(&server, paged_search(on("GET", "/events")), 200, &body).await;

    let got = client
        .search_events()
        .page(2)
        .per_page(100)
        .search(SEARCH_TERM)
        .send()
        .await
        .unwrap();
    assert_eq!(serde_json::to_value(&got).unwrap(), body);
}

#[tokio::test]
async fn search_events_with_filters_posts_the_search_body() {
    let (server, client) = setup().await;
    let body = mock_search(&server, "/events/search", event()).await;

    let got = client
        .search_events_with_filters(search_request())
        .send()
        .await
        .unwrap();
    assert_eq!(serde_json::to_value(&got).unwrap(), body);
}

#[tokio::test]
async fn get_event_puts_the_id_in_the_path() {
    let (server, client) = setup().await;
    reply(&server, on("GET", "/events/evt-9"), 200, &event()).await;

    let got = client.get_event("evt-9").send().await.unwrap();
    assert_eq!(Value::Object(got), event());
}

// ---------------------------------------------------------------------------------------------
// Users and user groups
// ---------------------------------------------------------------------------------------------

fn user() -> Value {
    json!({ "id": "user-3", "email": "ana@example.com", "name": "Ana Lima", "is_admin": false })
}

fn user_group() -> Value {
    json!({ "id": "grp-1", "name": "Engineering", "member_count": 12 })
}

#[tokio::test]
async fn search_users_sends_paging_and_search() {
    let (server, client) = setup().await;
    let body = paginated(user());
    reply(&server, paged_search(on("GET", "/users")), 200, &body).await;

    let got = client
        .search_users()
        .page(2)
        .per_page(100)
        .search(SEARCH_TERM)
        .send()
        .await
        .unwrap();
    assert_eq!(serde_json::to_value(&got).unwrap(), body);
}

#[tokio::test]
async fn search_users_with_filters_posts_the_search_body() {
    let (server, client) = setup().await;
    let body = mock_search(&server, "/users/search", user()).await;

    let got = client
        .search_users_with_filters(search_request())
        .send()
        .await
        .unwrap();
    assert_eq!(serde_json::to_value(&got).unwrap(), body);
}

#[tokio::test]
async fn search_user_groups_sends_paging_and_search() {
    let (server, client) = setup().await;
    let body = paginated(user_group());
    reply(&server, paged_search(on("GET", "/user-groups")), 200, &body).await;

    let got = client
        .search_user_groups()
        .page(2)
        .per_page(100)
        .search(SEARCH_TERM)
        .send()
        .await
        .unwrap();
    assert_eq!(serde_json::to_value(&got).unwrap(), body);
}

#[tokio::test]
async fn search_user_groups_with_filters_posts_the_search_body() {
    let (server, client) = setup().await;
    let body = mock_search(&server, "/user-groups/search", user_group()).await;

    let got = client
        .search_user_groups_with_filters(search_request())
        .send()
        .await
        .unwrap();
    assert_eq!(serde_json::to_value(&got).unwrap(), body);
}

#[tokio::test]
async fn list_user_group_members_puts_the_id_in_the_path() {
    let (server, client) = setup().await;
    let body = paginated(user());
    reply(&server, on("GET", "/user-groups/grp-1/members"), 200, &body).await;

    let got = client
        .list_user_group_members("grp-1")
        .send()
        .await
        .unwrap();
    assert_eq!(serde_json::to_value(&got).unwrap(), body);
}

// ---------------------------------------------------------------------------------------------
// Notifications, fields, labels
// ---------------------------------------------------------------------------------------------

fn notification() -> Value {
    json!({ "id": "ntf-1", "event": "new_app_discovered", "channel": "slack", "enabled": true })
}

fn field() -> Value {
    json!({ "id": "fld-1", "name": "Cost center", "type": "select", "allowed_values": ["R&D", "Sales"] })
}

fn label() -> Value {
    json!({ "id": "lbl-1", "name": "Sanctioned", "color": "#00aa55" })
}

#[tokio::test]
async fn search_notifications_sends_paging() {
    let (server, client) = setup().await;
    let body = paginated(notification());
    reply(&server, paged(on("GET", "/notifications")), 200, &body).await;

    let got = client
        .search_notifications()
        .page(2)
        .per_page(100)
        .send()
        .await
        .unwrap();
    assert_eq!(serde_json::to_value(&got).unwrap(), body);
}

#[tokio::test]
async fn search_notifications_with_filters_posts_the_search_body() {
    let (server, client) = setup().await;
    let body = mock_search(&server, "/notifications/search", notification()).await;

    let got = client
        .search_notifications_with_filters(search_request())
        .send()
        .await
        .unwrap();
    assert_eq!(serde_json::to_value(&got).unwrap(), body);
}

#[tokio::test]
async fn search_fields_lists_fields() {
    let (server, client) = setup().await;
    let body = paginated(field());
    reply(&server, on("GET", "/fields"), 200, &body).await;

    let got = client.search_fields().send().await.unwrap();
    assert_eq!(serde_json::to_value(&got).unwrap(), body);
}

#[tokio::test]
async fn create_field_posts_name_type_and_allowed_values() {
    let (server, client) = setup().await;
    let request =
        json!({ "name": "Cost center", "type": "select", "allowed_values": ["R&D", "Sales"] });
    reply(&server, on_json("POST", "/fields", request), 201, &field()).await;

    let mut body = CreateFieldRequest::new("Cost center".into(), "select".into());
    body.allowed_values = Some(vec!["R&D".into(), "Sales".into()]);
    let got = client.create_field(body).send().await.unwrap();
    assert_eq!(Value::Object(got), field());
}

#[tokio::test]
async fn search_fields_with_filters_posts_the_search_body() {
    let (server, client) = setup().await;
    let body = mock_search(&server, "/fields/search", field()).await;

    let got = client
        .search_fields_with_filters(search_request())
        .send()
        .await
        .unwrap();
    assert_eq!(serde_json::to_value(&got).unwrap(), body);
}

#[tokio::test]
async fn set_app_field_value_posts_the_value_to_the_app_and_field() {
    let (server, client) = setup().await;
    let mock = on_json("POST", "/apps/42/fields/fld-1", json!({ "value": "R&D" }));
    mock.respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;

    let body = SetAppFieldValueRequest::new(json!("R&D"));
    client
        .set_app_field_value(42, "fld-1", body)
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn set_app_field_value_sends_any_json_value() {
    let (server, client) = setup().await;
    let value = json!(["R&D", 7, true]);
    let mock = on_json("POST", "/apps/42/fields/fld-1", json!({ "value": value }));
    mock.respond_with(ResponseTemplate::new(200).set_body_json(json!({ "ok": true })))
        .expect(1)
        .mount(&server)
        .await;

    let body = SetAppFieldValueRequest::new(value);
    client
        .set_app_field_value(42, "fld-1", body)
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn update_field_puts_only_the_properties_set() {
    let (server, client) = setup().await;
    let updated = json!({ "id": "fld-1", "name": "Cost centre", "type": "select" });
    reply(
        &server,
        on_json("PUT", "/fields/fld-1", json!({ "name": "Cost centre" })),
        200,
        &updated,
    )
    .await;

    let mut body = UpdateFieldRequest::default();
    body.name = Some("Cost centre".into());
    let got = client.update_field("fld-1", body).send().await.unwrap();
    assert_eq!(Value::Object(got), updated);
}

#[tokio::test]
async fn add_field_allowed_values_posts_the_values() {
    let (server, client) = setup().await;
    let request = json!({ "allowed_values": ["Legal", "Ops"] });
    let mut updated = field();
    updated["allowed_values"] = json!(["R&D", "Sales", "Legal", "Ops"]);
    reply(
        &server,
        on_json("POST", "/fields/fld-1/allowed_values", request),
        200,
        &updated,
    )
    .await;

    let body = AddAllowedValuesRequest::new(vec!["Legal".into(), "Ops".into()]);
    let got = client
        .add_field_allowed_values("fld-1", body)
        .send()
        .await
        .unwrap();
    assert_eq!(Value::Object(got), updated);
}

#[tokio::test]
async fn a_404_on_a_field_operation_is_a_typed_api_error() {
    let (server, client) = setup().await;
    let body = json!({ "error": "not_found", "message": "no such field" });
    reply(
        &server,
        on_json("PUT", "/fields/missing", json!({})),
        404,
        &body,
    )
    .await;

    let err = client
        .update_field("missing", UpdateFieldRequest::default())
        .send()
        .await
        .unwrap_err();

    let Error::Api(api) = &err else {
        panic!("expected Error::Api, got {err:?}")
    };
    assert_eq!(api.status.as_u16(), 404);
    assert_eq!(
        api.body.as_ref().and_then(|e| e.message.as_deref()),
        Some("no such field")
    );
}

#[tokio::test]
async fn search_labels_lists_labels() {
    let (server, client) = setup().await;
    let body = paginated(label());
    reply(&server, on("GET", "/labels"), 200, &body).await;

    let got = client.search_labels().send().await.unwrap();
    assert_eq!(serde_json::to_value(&got).unwrap(), body);
}

#[tokio::test]
async fn create_label_posts_name_and_color() {
    let (server, client) = setup().await;
    let request = json!({ "name": "Sanctioned", "color": "#00aa55" });
    reply(&server, on_json("POST", "/labels", request), 201, &label()).await;

    let mut body = CreateLabelRequest::new("Sanctioned".into());
    body.color = Some("#00aa55".into());
    let got = client.create_label(body).send().await.unwrap();
    assert_eq!(Value::Object(got), label());
}

#[tokio::test]
async fn search_labels_with_filters_posts_the_search_body() {
    let (server, client) = setup().await;
    let body = mock_search(&server, "/labels/search", label()).await;

    let got = client
        .search_labels_with_filters(search_request())
        .send()
        .await
        .unwrap();
    assert_eq!(serde_json::to_value(&got).unwrap(), body);
}

// ---------------------------------------------------------------------------------------------
// Findings and app-to-app integrations
// ---------------------------------------------------------------------------------------------

fn finding() -> Value {
    json!({ "id": "fnd-1", "title": "MFA disabled", "severity": "high", "app_id": 42 })
}

fn integration() -> Value {
    json!({ "id": "int-1", "source_app": "Slack", "target_app": "Jira", "scopes": ["read:jira-work"] })
}

#[tokio::test]
async fn search_findings_sends_paging() {
    let (server, client) = setup().await;
    let body = paginated(finding());
    reply(&server, paged(on("GET", "/findings")), 200, &body).await;

    let got = client
        .search_findings()
        .page(2)
        .per_page(100)
        .send()
        .await
        .unwrap();
    assert_eq!(serde_json::to_value(&got).unwrap(), body);
}

#[tokio::test]
async fn search_findings_with_filters_posts_the_search_body() {
    let (server, client) = setup().await;
    let body = mock_search(&server, "/findings/search", finding()).await;

    let got = client
        .search_findings_with_filters(search_request())
        .send()
        .await
        .unwrap();
    assert_eq!(serde_json::to_value(&got).unwrap(), body);
}

#[tokio::test]
async fn search_app_to_app_integrations_sends_paging() {
    let (server, client) = setup().await;
    let body = paginated(integration());
    reply(
        &server,
        paged(on("GET", "/app-to-app-integrations")),
        200,
        &body,
    )
    .await;

    let got = client
        .search_app_to_app_integrations()
        .page(2)
        .per_page(100)
        .send()
        .await
        .unwrap();
    assert_eq!(serde_json::to_value(&got).unwrap(), body);
}

#[tokio::test]
async fn search_app_to_app_integrations_with_filters_posts_the_search_body() {
    let (server, client) = setup().await;
    let body = mock_search(&server, "/app-to-app-integrations/search", integration()).await;

    let got = client
        .search_app_to_app_integrations_with_filters(search_request())
        .send()
        .await
        .unwrap();
    assert_eq!(serde_json::to_value(&got).unwrap(), body);
}

// ---------------------------------------------------------------------------------------------
// Requests: optional parameters, base URL
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn unset_optional_parameters_send_no_query_string() {
    let (server, client) = setup().await;
    reply(&server, on("GET", "/apps"), 200, &json!({ "data": [] })).await;

    client.search_apps().send().await.unwrap();

    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests[0].url.query(), None);
}

#[tokio::test]
async fn a_base_url_with_a_path_prefix_and_trailing_slash_keeps_the_prefix() {
    let server = MockServer::start().await;
    let client = Client::builder()
        .base_url(format!("{}/api/1.0/", server.uri()))
        .bearer_token(TOKEN)
        .build()
        .unwrap();
    reply(&server, on("GET", "/api/1.0/apps/42"), 200, &slack_app()).await;

    assert_is_slack(&client.get_app(42).send().await.unwrap());
}

#[test]
fn the_default_base_url_is_the_specs_server() {
    let client = Client::builder().build().unwrap();
    assert_eq!(client.base_url(), "https://api.nudgesecurity.io/api/1.0");
    assert_eq!(
        nudge_client::DEFAULT_BASE_URL,
        "https://api.nudgesecurity.io/api/1.0"
    );
}

#[test]
fn the_bearer_token_never_shows_in_debug_output() {
    let secret = "nudge-secret-7f3a9c";
    let builder = Client::builder()
        .base_url("http://127.0.0.1:9")
        .bearer_token(secret);
    let builder_debug = format!("{builder:?}");
    let client = builder.build().unwrap();
    let client_debug = format!("{client:?}");
    let request_debug = format!("{:?}", client.get_app(1));

    for debug in [builder_debug, client_debug, request_debug] {
        assert!(!debug.contains(secret), "the token leaks in {debug}");
    }
}

// ---------------------------------------------------------------------------------------------
// Path parameters
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_path_parameter_with_a_slash_stays_one_encoded_segment() {
    let (server, client) = setup().await;
    reply(&server, on("GET", "/accounts/..%2Fx"), 200, &account()).await;

    let got = client.get_account("../x").send().await.unwrap();

    assert_eq!(Value::Object(got), account());
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].url.path(), "/accounts/..%2Fx");
}

#[tokio::test]
async fn dot_segment_path_parameters_are_refused_before_sending() {
    let (server, client) = setup().await;

    for id in ["..", ".", ""] {
        let results = [
            client.get_account(id).send().await.map(drop),
            client.get_oauth_grant(id).send().await.map(drop),
            client.get_event(id).send().await.map(drop),
            client.list_user_group_members(id).send().await.map(drop),
        ];
        for result in results {
            assert!(
                matches!(result, Err(Error::InvalidRequest(_))),
                "path parameter {id:?} gave {result:?}"
            );
        }
        // The field operations declare typed error bodies, so their results are of another type.
        let add = AddAllowedValuesRequest::new(Vec::new());
        let set = SetAppFieldValueRequest::new(json!(1));
        let results = [
            client
                .update_field(id, UpdateFieldRequest::default())
                .send()
                .await
                .map(drop),
            client
                .add_field_allowed_values(id, add)
                .send()
                .await
                .map(drop),
            client.set_app_field_value(42, id, set).send().await,
        ];
        for result in results {
            assert!(
                matches!(result, Err(Error::InvalidRequest(_))),
                "path parameter {id:?} gave {result:?}"
            );
        }
    }
    assert!(
        server.received_requests().await.unwrap().is_empty(),
        "a request was sent"
    );
}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_404_with_an_error_body_is_a_typed_api_error() {
    let (server, client) = setup().await;
    let body = json!({ "error": "not_found", "message": "no such app" });
    reply(&server, on("GET", "/apps/7"), 404, &body).await;

    let err = client.get_app(7).send().await.unwrap_err();

    let Error::Api(api) = &err else {
        panic!("expected Error::Api, got {err:?}")
    };
    assert_eq!(api.status.as_u16(), 404);
    assert_eq!(
        api.body,
        Some({
            let mut built = types::Error::default();
            built.error = Some("not_found".into());
            built.message = Some("no such app".into());
            built
        })
    );
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
}

#[tokio::test]
async fn a_401_on_a_search_is_a_typed_api_error() {
    let (server, client) = setup().await;
    let body = json!({ "error": "unauthorized", "message": "token expired" });
    reply(
        &server,
        on_json("POST", "/users/search", search_request_json()),
        401,
        &body,
    )
    .await;

    let err = client
        .search_users_with_filters(search_request())
        .send()
        .await
        .unwrap_err();

    let Error::Api(api) = &err else {
        panic!("expected Error::Api, got {err:?}")
    };
    assert_eq!(api.status.as_u16(), 401);
    assert_eq!(
        api.body.as_ref().and_then(|e| e.message.as_deref()),
        Some("token expired")
    );
}

#[tokio::test]
async fn an_error_body_that_is_not_json_keeps_an_excerpt() {
    let (server, client) = setup().await;
    on("GET", "/apps/7")
        .respond_with(ResponseTemplate::new(404).set_body_raw("<html>oops</html>", "text/html"))
        .expect(1)
        .mount(&server)
        .await;

    let err = client.get_app(7).send().await.unwrap_err();

    let Error::Api(api) = &err else {
        panic!("expected Error::Api, got {err:?}")
    };
    assert_eq!(api.status.as_u16(), 404);
    assert_eq!(api.body, None);
    assert!(
        api.excerpt.contains("<html>oops</html>"),
        "excerpt: {:?}",
        api.excerpt
    );
}

#[tokio::test]
async fn malformed_json_on_a_200_is_a_decode_error_with_the_body_start() {
    let (server, client) = setup().await;
    on("GET", "/apps")
        .respond_with(ResponseTemplate::new(200).set_body_raw(r#"{"data": ["#, "application/json"))
        .expect(1)
        .mount(&server)
        .await;

    let err = client.search_apps().send().await.unwrap_err();

    let Error::Decode {
        status, excerpt, ..
    } = &err
    else {
        panic!("expected Error::Decode, got {err:?}")
    };
    assert_eq!(status.as_u16(), 200);
    assert!(excerpt.contains(r#"{"data": ["#), "excerpt: {excerpt:?}");
}

#[tokio::test]
async fn a_response_slower_than_the_timeout_is_a_timeout_error() {
    let server = MockServer::start().await;
    let client = Client::builder()
        .base_url(server.uri())
        .bearer_token(TOKEN)
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    on("GET", "/apps/42")
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(slack_app())
                .set_delay(Duration::from_secs(2)),
        )
        .expect(1)
        .mount(&server)
        .await;

    let err = client.get_app(42).send().await.unwrap_err();

    assert!(
        matches!(err, Error::Timeout { attempts: 1 }),
        "expected Error::Timeout, got {err:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// Forward compatibility: unknown enum values and unknown fields
// ---------------------------------------------------------------------------------------------

#[test]
fn an_unknown_filter_op_is_kept_and_re_encoded_as_sent() {
    let sent = json!({ "property": "x", "op": "regex", "value": 1 });

    let filter: SearchFilter = serde_json::from_value(sent.clone()).unwrap();

    assert_eq!(filter.op, FilterOp::Unknown("regex".into()));
    assert_eq!(serde_json::to_value(&filter).unwrap(), sent);
}

#[test]
fn known_and_unknown_sort_directions_decode() {
    let sorting: SearchSorting =
        serde_json::from_value(json!({ "property": "name", "direction": "asc" })).unwrap();
    assert_eq!(sorting.direction, Some(SortDirection::Asc));

    let sent = json!({ "property": "name", "direction": "random" });
    let sorting: SearchSorting = serde_json::from_value(sent.clone()).unwrap();
    assert_eq!(
        sorting.direction,
        Some(SortDirection::Unknown("random".into()))
    );
    assert_eq!(serde_json::to_value(&sorting).unwrap(), sent);
}

#[tokio::test]
async fn an_unknown_filter_op_is_sent_as_given() {
    let (server, client) = setup().await;
    let request = json!({ "filters": [{ "property": "name", "op": "regex", "value": "^Sl" }] });
    let body = search_results(event());
    reply(
        &server,
        on_json("POST", "/events/search", request),
        200,
        &body,
    )
    .await;

    let mut filter = SearchFilter::new("name".into(), FilterOp::Unknown("regex".into()));
    filter.value = Some(json!("^Sl"));
    let mut search = SearchRequest::default();
    search.filters = Some(vec![filter]);
    let got = client
        .search_events_with_filters(search)
        .send()
        .await
        .unwrap();
    assert_eq!(serde_json::to_value(&got).unwrap(), body);
}

#[tokio::test]
async fn an_unknown_response_field_is_ignored() {
    let (server, client) = setup().await;
    let mut app = slack_app();
    app["risk_score"] = json!(7);
    reply(&server, on("GET", "/apps/42"), 200, &app).await;

    let decoded = client.get_app(42).send().await.unwrap();

    assert_is_slack(&decoded);
}

// ---------------------------------------------------------------------------------------------
// Pagination (`x-pagination` in the Nudge spec)
// ---------------------------------------------------------------------------------------------

/// An app with the given id; the other properties as in [`slack_app`].
fn app(id: i64) -> Value {
    let mut app = slack_app();
    app["id"] = json!(id);
    app
}

#[tokio::test]
async fn search_apps_items_fetches_every_page_and_stops_at_the_total() {
    use futures::TryStreamExt;

    let (server, client) = setup().await;
    let pages = [
        (
            None,
            json!({"data": [app(1), app(2)], "page": 1, "per_page": 2, "total": 5}),
        ),
        (
            Some("2"),
            json!({"data": [app(3), app(4)], "page": 2, "per_page": 2, "total": 5}),
        ),
        (
            Some("3"),
            json!({"data": [app(5)], "page": 3, "per_page": 2, "total": 5}),
        ),
    ];
    for (page, body) in pages {
        let mock = on("GET", "/apps").and(query_param("per_page", "2"));
        let mock = match page {
            Some(page) => mock.and(query_param("page", page)),
            None => mock.and(wiremock::matchers::query_param_is_missing("page")),
        };
        reply(&server, mock, 200, &body).await;
    }

    let apps: Vec<_> = client
        .search_apps()
        .per_page(2)
        .items()
        .try_collect()
        .await
        .unwrap();

    let ids: Vec<_> = apps.iter().map(|app| app.id).collect();
    assert_eq!(ids, [Some(1), Some(2), Some(3), Some(4), Some(5)]);
}

#[tokio::test]
async fn search_apps_with_filters_pages_through_the_body_until_the_last_page() {
    use futures::TryStreamExt;

    let (server, client) = setup().await;
    for page in 1..=3 {
        let mut body = search_request_json();
        body["page"] = json!(page);
        body["per_page"] = json!(1);
        let mut results = search_results(app(page));
        results["page"] = json!(page);
        results["total_pages"] = json!(3);
        reply(
            &server,
            on_json("POST", "/apps/search", body),
            200,
            &results,
        )
        .await;
    }
    let mut request = search_request();
    request.page = Some(1);
    request.per_page = Some(1);

    let pages: Vec<_> = client
        .search_apps_with_filters(request)
        .pages()
        .try_collect()
        .await
        .unwrap();

    let numbers: Vec<_> = pages.iter().map(|page| page.page).collect();
    assert_eq!(numbers, [Some(1), Some(2), Some(3)]);
}
