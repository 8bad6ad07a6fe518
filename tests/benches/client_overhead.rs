//! What the generated client costs on top of reqwest, per call.
//!
//! Group `get_app`, two benchmarks against the same local HTTP server (wiremock on 127.0.0.1,
//! request recording off), which answers `GET /apps/42` carrying `Authorization: Bearer tok`
//! with an `App` that has every property of the spec's schema:
//!
//! * `generated`: `client.get_app(42).send().await` through `nudge-client`, with rate limiting
//!   off (the spec's 1200 requests per 5 minutes would otherwise throttle the benchmark) and
//!   the default retry policy (a 200 is never retried).
//! * `reqwest`: the same request with a plain `reqwest::Client`: `error_for_status`, the body
//!   read to bytes and decoded with `serde_json` into the same `nudge_client::types::App`.
//!
//! Both run on a multi-thread tokio runtime and reuse one connection pool each, so the
//! difference is what the generated client and its runtime add: building the request
//! (URL, path encoding, credentials), the per-attempt timeout and tracing span, and the
//! retry and rate-limit bookkeeping.
//!
//! Run it with:
//!
//! ```sh
//! cargo bench -p clientgen-tests --bench client_overhead
//! ```
//!
//! Criterion prints both times; the medians (in nanoseconds) are in
//! `target/criterion/get_app/{generated,reqwest}/new/estimates.json`, field
//! `median.point_estimate`.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use nudge_client::types::App;
use tokio::runtime::Runtime;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The bearer token both clients send.
const TOKEN: &str = "tok";

/// The app the server returns: every property of the `App` schema, as in the behaviour tests.
fn slack_app() -> serde_json::Value {
    clientgen_tests::nudge_slack_app()
}

/// Starts the server on `runtime`: `GET /apps/42` with the bearer token answers [`slack_app`].
fn start_server(runtime: &Runtime) -> MockServer {
    runtime.block_on(async {
        let server = MockServer::builder()
            .disable_request_recording()
            .start()
            .await;
        Mock::given(method("GET"))
            .and(path("/apps/42"))
            .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
            .respond_with(ResponseTemplate::new(200).set_body_json(slack_app()))
            .mount(&server)
            .await;
        server
    })
}

/// `GET {base}/apps/42` with a plain reqwest client, decoded like the generated client does.
async fn plain_get_app(
    http: &reqwest::Client,
    url: &str,
) -> Result<App, Box<dyn std::error::Error + Send + Sync>> {
    let body = http
        .get(url)
        .bearer_auth(TOKEN)
        .send()
        .await?
        .error_for_status()?
        .bytes()
        .await?;
    Ok(serde_json::from_slice(&body)?)
}

fn get_app(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let server = start_server(&runtime);

    let generated = nudge_client::Client::builder()
        .base_url(server.uri())
        .bearer_token(TOKEN)
        .rate_limiting(false)
        .build()
        .expect("a client for the local server builds");
    let http = reqwest::Client::new();
    let url = format!("{}/apps/42", server.uri());

    // Both sides must decode the same app before their times mean anything.
    let expected: App = serde_json::from_value(slack_app()).expect("slack_app is an App");
    runtime.block_on(async {
        let via_generated = generated.get_app(42).send().await.expect("generated call");
        let via_reqwest = plain_get_app(&http, &url).await.expect("reqwest call");
        assert_eq!(via_generated, expected);
        assert_eq!(via_reqwest, expected);
    });

    let mut group = c.benchmark_group("get_app");
    group.bench_function("generated", |b| {
        b.to_async(&runtime).iter(|| async {
            black_box(
                generated
                    .get_app(black_box(42))
                    .send()
                    .await
                    .expect("get_app"),
            )
        });
    });
    group.bench_function("reqwest", |b| {
        b.to_async(&runtime).iter(|| async {
            black_box(
                plain_get_app(&http, black_box(&url))
                    .await
                    .expect("get_app"),
            )
        });
    });
    group.finish();
}

criterion_group!(benches, get_app);
criterion_main!(benches);
