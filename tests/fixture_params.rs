//! The `params` construct fixture (`tests/specs/params/`, generated into
//! `tests/generated/params/` and compiled with the workspace): every parameter location and
//! serialization style OpenAPI defines.
//!
//! * The generated `operations.rs` is snapshotted: which `Request` call each parameter gets
//!   (`.query(..)` for the location's default style, `.query_with(.., Style::..)` otherwise,
//!   `.query_reserved(..)` for `allowReserved`), keyword and punctuated names, path-level
//!   parameters shared by two operations and overridden by one.
//! * Against a wiremock server on 127.0.0.1, the raw path, query string, `Cookie` header and
//!   other headers each style sends, compared with the OpenAPI specification's "Style
//!   Examples" (`color` is `blue`, `[blue, black, brown]` or `{R: 100, G: 200, B: 150}`).
//! * `deepObject` nests arrays and objects at any depth in Stripe's bracket convention
//!   (`expand[]=a`, `metadata[key]=v`, `filter[range][min]=1`), with no warning.
//! * A value a style cannot write (a dot segment as a label) fails with
//!   `Error::InvalidRequest` and sends nothing.
//! * The generator's warnings for combinations OpenAPI does not define, and the fallback it
//!   takes for each.

use clientgen::ir::{ParamLocation, ParamStyle, Serialization};
use clientgen_tests::{fixture_output, lower_fixture};
use params_client::types::{Filter, ListItemsType, Range, Rgb, Trace};
use params_client::{Client, Error};
use serde_json::json;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

#[test]
fn params_operations_snapshot() {
    insta::assert_snapshot!(fixture_output("params", "src/operations.rs"));
}

/// The fixture lowers without warnings, and its IR has the serialization the spec states for
/// each parameter (and OpenAPI's default where it states none).
#[test]
fn params_serializations_in_the_ir() {
    let (api, warnings) = lower_fixture("params");
    assert!(warnings.is_empty(), "{warnings:?}");
    let style = |style, explode| Serialization::Style { style, explode };
    let list = &api.operations[0];
    let found: Vec<(&str, ParamLocation, Serialization, bool)> = list
        .params
        .iter()
        .map(|p| {
            (
                p.wire_name.as_str(),
                p.location,
                p.serialization,
                p.allow_reserved,
            )
        })
        .collect();
    use ParamLocation::{Cookie, Header, Path, Query};
    use ParamStyle::{DeepObject, Form, PipeDelimited, Simple, SpaceDelimited};
    assert_eq!(
        found,
        [
            ("store", Path, style(Simple, false), false),
            ("limit", Query, style(Form, true), false),
            ("ids", Query, style(Form, true), false),
            ("tags", Query, style(Form, false), false),
            ("words", Query, style(SpaceDelimited, false), false),
            ("codes", Query, style(PipeDelimited, false), false),
            ("filter", Query, style(DeepObject, true), false),
            ("expand", Query, style(DeepObject, true), false),
            ("metadata", Query, style(DeepObject, true), false),
            ("color", Query, style(Form, true), false),
            ("where", Query, Serialization::Json, false),
            ("type", Query, style(Form, true), false),
            ("filter.name", Query, style(Form, true), false),
            ("next", Query, style(Form, true), true),
            ("X-Request-ID", Header, style(Simple, false), false),
            ("X-Flags", Header, style(Simple, false), false),
            ("session", Cookie, style(Form, true), false),
            ("theme", Cookie, style(Form, true), false),
        ]
    );
    // The header every operation carries became a setting, with its style.
    assert_eq!(api.settings.len(), 1);
    assert_eq!(api.settings[0].wire_name, "X-Trace");
    assert_eq!(api.settings[0].serialization, style(Simple, true));
    // The path-level `limit`, overridden by `clearItems`: required there, and an `i32`.
    let clear = &api.operations[1];
    let limit = clear.params.iter().find(|p| p.wire_name == "limit");
    assert!(limit.is_some_and(|p| p.required && p.ty == clientgen::ir::TypeRef::I32));
    assert_eq!(
        clear
            .params
            .iter()
            .map(|p| p.wire_name.as_str())
            .collect::<Vec<_>>(),
        ["store", "limit"]
    );
}

// ---------------------------------------------------------------------------------------------
// On the wire
// ---------------------------------------------------------------------------------------------

/// A server that answers every request (`[]`, or no content for `DELETE`), and a client of it
/// with the `X-Trace` setting.
async fn setup() -> (MockServer, Client) {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .x_trace({
            let mut built = Trace::new("t-1".into());
            built.sampled = Some(true);
            built
        })
        .max_retries(0)
        .build()
        .expect("the client builds");
    (server, client)
}

async fn only_request(server: &MockServer) -> wiremock::Request {
    let mut requests = server.received_requests().await.expect("recorded");
    assert_eq!(requests.len(), 1, "one request");
    requests.remove(0)
}

/// The raw query string `listItems` sends with `configure` applied (store `s1`, session `abc`).
async fn list_query(
    configure: impl FnOnce(
        params_client::operations::ListItems<'_>,
    ) -> params_client::operations::ListItems<'_>,
) -> String {
    let (server, client) = setup().await;
    configure(client.list_items("s1", "abc"))
        .send()
        .await
        .expect("the request succeeds");
    let request = only_request(&server).await;
    assert_eq!(request.url.path(), "/stores/s1/items");
    request.url.query().unwrap_or_default().to_owned()
}

fn colors() -> Vec<String> {
    vec!["blue".into(), "black".into(), "brown".into()]
}

fn rgb() -> Rgb {
    Rgb::new(100, 200, 150)
}

#[tokio::test]
async fn query_arrays_in_each_style() {
    // `form` with explode, the default: the name once per item.
    assert_eq!(
        list_query(|b| b.ids(vec![3, 4, 5])).await,
        "ids=3&ids=4&ids=5"
    );
    // `form` without explode: `color=blue,black,brown`.
    assert_eq!(
        list_query(|b| b.tags(colors())).await,
        "tags=blue,black,brown"
    );
    assert_eq!(
        list_query(|b| b.words(colors())).await,
        "words=blue%20black%20brown"
    );
    assert_eq!(
        list_query(|b| b.codes(colors())).await,
        "codes=blue%7Cblack%7Cbrown"
    );
    // A comma inside an item is data, not a delimiter.
    assert_eq!(
        list_query(|b| b.tags(vec!["a,b".into(), "c".into()])).await,
        "tags=a%2Cb,c"
    );
    // Nothing set, nothing sent.
    assert_eq!(list_query(|b| b).await, "");
}

#[tokio::test]
async fn query_objects_as_form_and_deep_object() {
    // `form` with explode: one pair per property, without the parameter's name.
    assert_eq!(list_query(|b| b.color(rgb())).await, "R=100&G=200&B=150");
    // `deepObject`: `filter[color]=blue&filter[size]=10`, brackets percent-encoded.
    let mut filter = Filter::default();
    filter.color = Some("blue".into());
    filter.size = Some(10);
    let query = list_query(|b| b.filter(filter)).await;
    assert_eq!(query, "filter%5Bcolor%5D=blue&filter%5Bsize%5D=10");
    let decoded: Vec<(String, String)> = url_pairs(&query);
    assert_eq!(
        decoded,
        [
            ("filter[color]".to_owned(), "blue".to_owned()),
            ("filter[size]".to_owned(), "10".to_owned())
        ]
    );
}

/// `deepObject` beyond flat objects, in Stripe's bracket convention: nested objects as
/// `filter[range][min]=1`, arrays as `expand[]=a` and `filter[tags][]=a`, maps as
/// `metadata[key]=value`; no warning for any of them.
#[tokio::test]
async fn deep_object_nests_arrays_and_objects_in_brackets() {
    let mut filter = Filter::default();
    filter.color = Some("blue".into());
    filter.range = Some({
        let mut built = Range::default();
        built.min = Some(1);
        built
    });
    filter.tags = Some(vec!["a b".into(), "c".into()]);
    let metadata = [("order_id".to_owned(), "6735".to_owned())]
        .into_iter()
        .collect();
    let query = list_query(|b| {
        b.filter(filter)
            .expand(vec!["customer".into(), "invoice.subscription".into()])
            .metadata(metadata)
    })
    .await;
    assert_eq!(
        query,
        "filter%5Bcolor%5D=blue&filter%5Brange%5D%5Bmin%5D=1\
         &filter%5Btags%5D%5B%5D=a%20b&filter%5Btags%5D%5B%5D=c\
         &expand%5B%5D=customer&expand%5B%5D=invoice.subscription\
         &metadata%5Border_id%5D=6735"
    );
    assert_eq!(
        url_pairs(&query),
        [
            ("filter[color]", "blue"),
            ("filter[range][min]", "1"),
            ("filter[tags][]", "a b"),
            ("filter[tags][]", "c"),
            ("expand[]", "customer"),
            ("expand[]", "invoice.subscription"),
            ("metadata[order_id]", "6735"),
        ]
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
    );
    let (_, warnings) = lower_fixture("params");
    assert!(
        !warnings.iter().any(|w| w.message.contains("deepObject")),
        "{warnings:?}"
    );
}

fn url_pairs(query: &str) -> Vec<(String, String)> {
    let url = format!("http://x/?{query}");
    reqwest::Url::parse(&url)
        .expect("a URL")
        .query_pairs()
        .into_owned()
        .collect()
}

#[tokio::test]
async fn json_content_names_enums_and_reserved_characters() {
    // The inline `where` object has `Range`'s shape, so it is `Range`.
    let mut range = Range::default();
    range.min = Some(1);
    range.max = Some(5);
    let query = list_query(|b| b.r#where(range)).await;
    assert_eq!(query, "where=%7B%22min%22%3A1%2C%22max%22%3A5%7D");
    assert_eq!(
        url_pairs(&query),
        [("where".to_owned(), r#"{"min":1,"max":5}"#.to_owned())]
    );
    assert_eq!(
        list_query(|b| b.r#type(ListItemsType::Used).filter_name("red box")).await,
        "type=used&filter.name=red%20box"
    );
    // An enum value this client does not know is sent as it was given.
    assert_eq!(
        list_query(|b| b.r#type(ListItemsType::Unknown("refurbished".into()))).await,
        "type=refurbished"
    );
    // `allowReserved`: `/`, `:`, `?`, `=` as they are; `&`, `#` and spaces still encoded.
    assert_eq!(
        list_query(|b| b.next("/items/2?sort=a:z&x #1")).await,
        "next=/items/2?sort=a:z%26x%20%231"
    );
}

#[tokio::test]
async fn path_level_parameters_are_shared_and_overridden() {
    assert_eq!(list_query(|b| b.limit(5)).await, "limit=5");
    let (server, client) = setup().await;
    client
        .clear_items("s/2", 7)
        .send()
        .await
        .expect("the request succeeds");
    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "DELETE");
    assert_eq!(request.url.path(), "/stores/s%2F2/items");
    assert_eq!(request.url.query(), Some("limit=7"));
    assert_eq!(header(&request, "x-trace"), ["id=t-1,sampled=true"]);
}

fn header(request: &wiremock::Request, name: &str) -> Vec<String> {
    request
        .headers
        .get_all(name)
        .iter()
        .map(|value| value.to_str().expect("ASCII").to_owned())
        .collect()
}

#[tokio::test]
async fn headers_and_cookies() {
    let (server, client) = setup().await;
    client
        .list_items("s1", "abc 123")
        .x_request_id("req-42")
        .x_flags(colors())
        .theme("dark;blue")
        .send()
        .await
        .expect("the request succeeds");
    let request = only_request(&server).await;
    assert_eq!(header(&request, "x-request-id"), ["req-42"]);
    assert_eq!(header(&request, "x-flags"), ["blue,black,brown"]);
    // The setting, an object in `simple` with explode.
    assert_eq!(header(&request, "x-trace"), ["id=t-1,sampled=true"]);
    // Both cookies in one header, values percent-encoded where RFC 6265 requires.
    assert_eq!(
        header(&request, "cookie"),
        ["session=abc%20123; theme=dark%3Bblue"]
    );

    let (server, client) = setup().await;
    client
        .list_items("s1", "abc")
        .send()
        .await
        .expect("the request succeeds");
    let request = only_request(&server).await;
    assert_eq!(header(&request, "cookie"), ["session=abc"]);
    assert!(header(&request, "x-request-id").is_empty());
    assert!(header(&request, "x-flags").is_empty());
}

#[tokio::test]
async fn path_parameters_in_each_path_style() {
    let (server, client) = setup().await;
    client
        .paint(rgb(), colors(), colors(), colors(), rgb())
        .send()
        .await
        .expect("the request succeeds");
    let request = only_request(&server).await;
    assert_eq!(
        request.url.path(),
        "/paint/R=100,G=200,B=150/.blue,black,brown/.blue.black.brown/;matrix=blue,black,brown/;R=100;G=200;B=150"
    );
    assert_eq!(request.url.query(), None);
}

#[tokio::test]
async fn a_value_a_style_cannot_write_is_refused_before_sending() {
    let (server, client) = setup().await;
    // `.` as a label is `..`: a dot segment, refused.
    let err = client
        .paint(rgb(), vec![".".into()], colors(), colors(), rgb())
        .send()
        .await
        .expect_err("a dot segment");
    assert!(matches!(err, Error::InvalidRequest(_)), "{err:?}");
    assert!(server
        .received_requests()
        .await
        .unwrap_or_default()
        .is_empty());
}

// ---------------------------------------------------------------------------------------------
// Combinations OpenAPI does not define
// ---------------------------------------------------------------------------------------------

#[test]
fn undefined_combinations_warn_and_fall_back() {
    let spec = r#"openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /a/{id}:
    get:
      operationId: getA
      parameters:
        - name: id
          in: path
          required: true
          style: deepObject
          explode: true
          schema: {type: object}
        - name: words
          in: query
          style: spaceDelimited
          explode: true
          schema: {type: array, items: {type: string}}
        - name: deep
          in: query
          style: deepObject
          schema: {type: string}
        - name: obj
          in: query
          style: deepObject
          explode: false
          schema: {type: object}
        - name: flag
          in: header
          style: form
          schema: {type: boolean}
        - name: text
          in: query
          content: {text/plain: {schema: {type: string}}}
        - name: xml
          in: query
          content:
            application/xml: {schema: {type: string}}
      responses: {'204': {description: ok}}
"#;
    let (api, warnings) = clientgen::lower(spec, "t.yaml").expect("lowers");
    let located: Vec<(&str, usize)> = warnings
        .iter()
        .map(|w| {
            (
                w.pointer.as_deref().unwrap_or_default(),
                w.line_col.map_or(0, |(line, _)| line),
            )
        })
        .collect();
    assert_eq!(
        located,
        [
            ("/paths/~1a~1{id}/get/parameters/0/style", 11),
            ("/paths/~1a~1{id}/get/parameters/1/explode", 17),
            ("/paths/~1a~1{id}/get/parameters/2/style", 21),
            ("/paths/~1a~1{id}/get/parameters/3/explode", 26),
            ("/paths/~1a~1{id}/get/parameters/4/style", 30),
            (
                "/paths/~1a~1{id}/get/parameters/6/content/application~1xml",
                38
            ),
        ],
        "{warnings:#?}"
    );
    let style = |style, explode| Serialization::Style { style, explode };
    let found: Vec<(&str, Serialization)> = api.operations[0]
        .params
        .iter()
        .map(|p| (p.wire_name.as_str(), p.serialization))
        .collect();
    assert_eq!(
        found,
        [
            // The location's default style, and its default explode.
            ("id", style(ParamStyle::Simple, false)),
            // One pair per item: the query's default.
            ("words", style(ParamStyle::Form, true)),
            // `deepObject` writes objects only: the query's default for a string.
            ("deep", style(ParamStyle::Form, true)),
            // `deepObject` has no form without explode: written as a deepObject.
            ("obj", style(ParamStyle::DeepObject, true)),
            ("flag", style(ParamStyle::Simple, false)),
            // Other media types than JSON: the location's default style.
            ("text", style(ParamStyle::Form, true)),
            ("xml", style(ParamStyle::Form, true)),
        ]
    );
    assert!(warnings[0]
        .message
        .contains("`style: deepObject` is not a style of a path parameter; it is sent in the path default style, `simple`"));
}

/// The types of cookie and `content` parameters count as used (`Api::uses`): the crate gets the
/// dependencies they need.
#[test]
fn cookie_and_content_parameter_types_bring_their_dependencies() {
    let spec = r#"openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /a:
    get:
      operationId: getA
      parameters:
        - name: since
          in: cookie
          schema: {type: string, format: date-time}
        - name: ref
          in: query
          content:
            application/json:
              schema: {type: string, format: uuid}
      responses: {'204': {description: ok}}
"#;
    let settings = clientgen::Settings::from_toml("name = \"t-client\"\nversion = \"0.1.0\"\n")
        .expect("settings");
    let generated = clientgen::generate(spec, "t.yaml", &settings).expect("generates");
    let manifest = &generated.files["Cargo.toml"];
    assert!(manifest.contains("\nchrono = "), "{manifest}");
    assert!(manifest.contains("\nuuid = "), "{manifest}");
    let operations = &generated.files["src/operations.rs"];
    assert!(
        operations.contains(".cookie(\"since\", &self.since)"),
        "{operations}"
    );
    assert!(
        operations.contains("uuid::Uuid"),
        "a JSON content parameter is typed by its schema: {operations}"
    );
}
