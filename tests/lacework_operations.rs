//! Every one of the 105 operations of `lacework-edge-client`, called once with its required
//! arguments against a local server that answers anything. The page (a Redoc page) shows no
//! method or path, so each case holds the page's title of the operation (for the 12 operations
//! whose heading the page lost, known only by a response sample, the spec's own summary) and
//! the method and path the spec infers for it; the request must arrive with that method and
//! path, and an operation with a request body must send the page's request sample for it, byte
//! for byte as JSON. The table is checked against the spec too: one case per operation, with
//! the spec's summary.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use clientgen_tests::numbers_as_f64;
use futures::future::BoxFuture;
use lacework_edge_client::Client;
use serde_json::{json, Value};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// One operation: the page's title, the spec's method and path template, the path the request
/// must be sent to (the template filled with the case's arguments), and the call.
struct Case {
    title: &'static str,
    method: &'static str,
    path: &'static str,
    sent_path: &'static str,
    call: fn(&Client) -> BoxFuture<'_, ()>,
}

/// `case!(title, METHOD, path, sent path, |c| c.method(args))`: the call is sent and its result
/// ignored (an empty object does not decode into every response type): only the request
/// matters here.
macro_rules! case {
    ($title:literal, $method:literal, $path:literal, $sent:literal, |$c:ident| $call:expr) => {
        Case {
            title: $title,
            method: $method,
            path: $path,
            sent_path: $sent,
            call: {
                fn call($c: &Client) -> BoxFuture<'_, ()> {
                    Box::pin(async move {
                        let _ = $call.send().await;
                    })
                }
                call
            },
        }
    };
}

/// The spec as JSON, read once.
fn spec() -> &'static Value {
    static SPEC: OnceLock<Value> = OnceLock::new();
    SPEC.get_or_init(|| clientgen_tests::spec_json("lacework-edge"))
}

/// The operation of the spec with this operationId: (method, path, operation).
fn operation(spec: &Value, id: &str) -> (String, String, Value) {
    for (path, item) in spec["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("a path item") {
            if op["operationId"] == id {
                return (method.clone(), path.clone(), op.clone());
            }
        }
    }
    panic!("no operation {id}")
}

/// The page's request sample of an operation (its `example`, without Redoc's `null`
/// placeholders), as the body type.
fn body<T: serde::de::DeserializeOwned>(id: &str) -> T {
    serde_json::from_value(clientgen_tests::without_nulls(&request_sample(id)))
        .expect("the request sample decodes")
}

fn request_sample(id: &str) -> Value {
    let (_, _, op) = operation(spec(), id);
    op["requestBody"]["content"]["application/json"]["example"].clone()
}

/// The page's operations, in its order.
fn cases() -> Vec<Case> {
    vec![
        case!(
            "Query access objects",
            "GET",
            "/api/v1/accesses",
            "/api/v1/accesses",
            |c| c.query_accesses("x-appid", "x-userid")
        ),
        case!(
            "Update a access.",
            "PATCH",
            "/api/v1/accesses/{uuid}",
            "/api/v1/accesses/x-uuid",
            |c| c.update_access("x-uuid", body("updateAccess"))
        ),
        case!(
            "Create a Access",
            "POST",
            "/api/v1/accesses",
            "/api/v1/accesses",
            |c| c.create_access(body("createAccess"))
        ),
        case!(
            "Get the access details.",
            "GET",
            "/api/v1/accesses/{uuid}",
            "/api/v1/accesses/x-uuid",
            |c| c.get_access("x-uuid")
        ),
        case!(
            "Get the account details.",
            "GET",
            "/api/v1/accounts/{name}",
            "/api/v1/accounts/x-name",
            |c| c.get_account("x-name")
        ),
        case!(
            "Query AlertConfigs",
            "GET",
            "/api/v1/alert_configs",
            "/api/v1/alert_configs",
            |c| c.query_alert_configs()
        ),
        case!(
            "Create a new alert config.",
            "POST",
            "/api/v1/alert_configs",
            "/api/v1/alert_configs",
            |c| c.create_alert_config(body("createAlertConfig"))
        ),
        case!(
            "Get the alertConfig details.",
            "GET",
            "/api/v1/alert_configs/{uuid}",
            "/api/v1/alert_configs/x-uuid",
            |c| c.get_alert_config("x-uuid", "x-resolveDisplayNames")
        ),
        case!(
            "Query open alerts for the account",
            "GET",
            "/api/v1/alerts",
            "/api/v1/alerts",
            |c| c.query_alerts("x-start_time", "x-end_time", "x-status_filter")
        ),
        case!(
            "Promotes an event to an alert (adds investigation state)",
            "POST",
            "/api/v1/alerts",
            "/api/v1/alerts",
            |c| c.promote_event_to_alert(body("promoteEventToAlert"))
        ),
        case!(
            "Get a single alert by its ID",
            "GET",
            "/api/v1/alerts/{uuid}",
            "/api/v1/alerts/x-uuid",
            |c| c.get_alert("x-uuid")
        ),
        case!(
            "Get the history of investigation actions taken for an alert",
            "GET",
            "/api/v1/alerts/{uuid}/investigation_actions",
            "/api/v1/alerts/x-uuid/investigation_actions",
            |c| c.get_alert_investigation_history("x-uuid")
        ),
        case!(
            "Perform an investigation action on the specified alert",
            "POST",
            "/api/v1/alerts/{uuid}/investigation_actions",
            "/api/v1/alerts/x-uuid/investigation_actions",
            |c| c.perform_investigation_action("x-uuid", body("performInvestigationAction"))
        ),
        case!(
            "Perform multiple investigation actions on the specified alerts",
            "POST",
            "/api/v1/alerts/investigation_actions",
            "/api/v1/alerts/investigation_actions",
            |c| c.perform_investigation_actions(body("performInvestigationActions"))
        ),
        case!(
            "Query App Control Policies for an account",
            "GET",
            "/api/v1/app_control_policies",
            "/api/v1/app_control_policies",
            |c| c.query_app_control_policies()
        ),
        case!(
            "Get details about an app control policy.",
            "GET",
            "/api/v1/app_control_policies/{uuid}",
            "/api/v1/app_control_policies/x-uuid",
            |c| c.get_app_control_policy("x-uuid")
        ),
        case!(
            "Update app control policy.",
            "PUT",
            "/api/v1/app_control_policies/{uuid}",
            "/api/v1/app_control_policies/x-uuid",
            |c| c.update_app_control_policy("x-uuid", body("updateAppControlPolicy"))
        ),
        case!(
            "Add App Control Policy",
            "POST",
            "/api/v1/app_control_policies",
            "/api/v1/app_control_policies",
            |c| c.create_app_control_policy(body("createAppControlPolicy"))
        ),
        case!("Query Apps", "GET", "/api/v1/apps", "/api/v1/apps", |c| c
            .query_apps()),
        case!(
            "Create an app.",
            "POST",
            "/api/v1/apps",
            "/api/v1/apps",
            |c| c.create_app(body("createApp"))
        ),
        case!(
            "Deploy an app.",
            "POST",
            "/api/v1/apps/deploy",
            "/api/v1/apps/deploy",
            |c| c.deploy_app(body("deployApp"))
        ),
        case!(
            "Query Audit Events",
            "GET",
            "/api/v1/audit_events",
            "/api/v1/audit_events",
            |c| c.query_audit_events("x-start_time")
        ),
        case!(
            "Get the audit event details.",
            "GET",
            "/api/v1/audit_events/{uuid}",
            "/api/v1/audit_events/x-uuid",
            |c| c.get_audit_event("x-uuid")
        ),
        case!(
            "Query blobs by prefix.",
            "GET",
            "/api/v1/blobs",
            "/api/v1/blobs",
            |c| c.query_blobs("x-prefix")
        ),
        case!(
            "Create a blob.",
            "POST",
            "/api/v1/blobs",
            "/api/v1/blobs",
            |c| c.create_blob(body("createBlob"))
        ),
        case!(
            "Get a blob.",
            "GET",
            "/api/v1/blobs/{key}",
            "/api/v1/blobs/x-key",
            |c| c.get_blob("x-key")
        ),
        case!(
            "Query CA certificates",
            "GET",
            "/api/v1/ca_certificates",
            "/api/v1/ca_certificates",
            |c| c.query_ca_certificates()
        ),
        case!(
            "Add CA certificate",
            "POST",
            "/api/v1/ca_certificates",
            "/api/v1/ca_certificates",
            |c| c.create_ca_certificate(body("createCaCertificate"))
        ),
        case!(
            "Get CA certificate for an account based on uuid",
            "GET",
            "/api/v1/ca_certificates/{uuid}",
            "/api/v1/ca_certificates/x-uuid",
            |c| c.get_ca_certificate("x-uuid")
        ),
        case!(
            "Update CA Certificate",
            "PATCH",
            "/api/v1/ca_certificates/{uuid}",
            "/api/v1/ca_certificates/x-uuid",
            |c| c.update_ca_certificate("x-uuid", body("updateCaCertificate"))
        ),
        case!(
            "Query cards",
            "GET",
            "/api/v1/cards",
            "/api/v1/cards",
            |c| c.query_cards()
        ),
        case!(
            "Create a card.",
            "POST",
            "/api/v1/cards",
            "/api/v1/cards",
            |c| c.create_card(body("createCard"))
        ),
        case!(
            "Get the Card details.",
            "GET",
            "/api/v1/cards/{uuid}",
            "/api/v1/cards/x-uuid",
            |c| c.get_card("x-uuid")
        ),
        case!(
            "Query NotificationChannels",
            "GET",
            "/api/v1/notification_channels",
            "/api/v1/notification_channels",
            |c| c.query_notification_channels("x-resolveDisplayNames")
        ),
        case!(
            "Create a new notification channel.",
            "POST",
            "/api/v1/notification_channels",
            "/api/v1/notification_channels",
            |c| c.create_notification_channel(body("createNotificationChannel"))
        ),
        case!(
            "Get the channel details.",
            "GET",
            "/api/v1/notification_channels/{uuid}",
            "/api/v1/notification_channels/x-uuid",
            |c| c.get_notification_channel("x-uuid", "x-resolveDisplayNames")
        ),
        case!(
            "Download client config for an account based on uuid",
            "GET",
            "/api/v1/client_configs/{uuid}/download",
            "/api/v1/client_configs/x-uuid/download",
            |c| c.download_client_config("x-uuid")
        ),
        case!(
            "Add client configuration",
            "POST",
            "/api/v1/client_configs",
            "/api/v1/client_configs",
            |c| c.create_client_config(body("createClientConfig"))
        ),
        case!(
            "Get client config for an account based on uuid",
            "GET",
            "/api/v1/client_configs/{uuid}",
            "/api/v1/client_configs/x-uuid",
            |c| c.get_client_config("x-uuid")
        ),
        case!(
            "Update client config",
            "PATCH",
            "/api/v1/client_configs/{uuid}",
            "/api/v1/client_configs/x-uuid",
            |c| c.update_client_config("x-uuid", body("updateClientConfig"))
        ),
        case!(
            "Query connectors",
            "GET",
            "/api/v1/connectors",
            "/api/v1/connectors",
            |c| c.query_connectors()
        ),
        case!(
            "Create Connector",
            "POST",
            "/api/v1/connectors",
            "/api/v1/connectors",
            |c| c.create_connector(body("createConnector"))
        ),
        case!(
            "Get Connector",
            "GET",
            "/api/v1/connectors/{name}",
            "/api/v1/connectors/x-name",
            |c| c.get_connector("x-name")
        ),
        case!(
            "Query countries",
            "GET",
            "/api/v1/countries",
            "/api/v1/countries",
            |c| c.query_countries()
        ),
        case!(
            "Query Dashboards",
            "GET",
            "/api/v1/dashboards",
            "/api/v1/dashboards",
            |c| c.query_dashboards()
        ),
        case!(
            "Create a dashboard.",
            "POST",
            "/api/v1/dashboards",
            "/api/v1/dashboards",
            |c| c.create_dashboard(body("createDashboard"))
        ),
        case!(
            "Get the dashboard details.",
            "GET",
            "/api/v1/dashboards/{uuid}",
            "/api/v1/dashboards/x-uuid",
            |c| c.get_dashboard("x-uuid")
        ),
        case!(
            "Query data export configs",
            "GET",
            "/api/v1/data_export_configs",
            "/api/v1/data_export_configs",
            |c| c.query_data_export_configs()
        ),
        case!(
            "Add log export configuration",
            "POST",
            "/api/v1/data_export_configs",
            "/api/v1/data_export_configs",
            |c| c.create_data_export_config(body("createDataExportConfig"))
        ),
        case!(
            "Update data export config",
            "PUT",
            "/api/v1/data_export_configs/{uuid}",
            "/api/v1/data_export_configs/x-uuid",
            |c| c.update_data_export_config("x-uuid", body("updateDataExportConfig"))
        ),
        case!(
            "Returns S3 bucket policy",
            "POST",
            "/api/v1/data_export_configs/bucket_policy",
            "/api/v1/data_export_configs/bucket_policy",
            |c| c.get_s3_bucket_policy(body("getS3BucketPolicy"))
        ),
        case!(
            "Validate data export configuration",
            "POST",
            "/api/v1/data_export_configs/validate",
            "/api/v1/data_export_configs/validate",
            |c| c.validate_data_export_config(body("validateDataExportConfig"))
        ),
        case!(
            "Query customer datasets",
            "GET",
            "/api/v1/customer_datasets",
            "/api/v1/customer_datasets",
            |c| c.query_customer_datasets()
        ),
        case!(
            "Creates a new customer dataset (e.g. list).",
            "POST",
            "/api/v1/customer_datasets",
            "/api/v1/customer_datasets",
            |c| c.create_customer_dataset()
        ),
        case!(
            "Query the items of a customer dataset",
            "GET",
            "/api/v1/customer_datasets/{uuid}/items",
            "/api/v1/customer_datasets/x-uuid/items",
            |c| c.query_customer_dataset_items("x-uuid")
        ),
        case!(
            "Initiate deployment of a connector",
            "POST",
            "/api/v1/deployments",
            "/api/v1/deployments",
            |c| c.deploy_connector()
        ),
        case!(
            "Check where a connector should be deployed to get access to a given app.",
            "GET",
            "/api/v1/deployments/options",
            "/api/v1/deployments/options",
            |c| c.get_deployment_connector_options()
        ),
        case!(
            "Delete Devices",
            "DELETE",
            "/api/v1/devices",
            "/api/v1/devices",
            |c| c.delete_devices(body("deleteDevices"))
        ),
        case!(
            "Register Device",
            "POST",
            "/api/v1/devices",
            "/api/v1/devices",
            |c| c.register_device(body("registerDevice"))
        ),
        case!(
            "Get the user's device",
            "POST",
            "/api/v1/devices/{uuid}",
            "/api/v1/devices/x-uuid",
            |c| c.get_user_device("x-uuid", body("getUserDevice"))
        ),
        case!(
            "Get metadata for a file/folder",
            "GET",
            "/api/v1/documents/{uuid}",
            "/api/v1/documents/x-uuid",
            |c| c.get_document_metadata("x-uuid")
        ),
        case!(
            "Revoke Document Access for a file/folder",
            "POST",
            "/api/v1/documents/{uuid}/revoke_access",
            "/api/v1/documents/x-uuid/revoke_access",
            |c| c.revoke_document_access("x-uuid", body("revokeDocumentAccess"))
        ),
        case!(
            "Revoke all sharing for a file/folder (or just external sharing)",
            "POST",
            "/api/v1/documents/{uuid}/revoke_sharing",
            "/api/v1/documents/x-uuid/revoke_sharing",
            |c| c.revoke_document_sharing("x-uuid", body("revokeDocumentSharing"))
        ),
        case!(
            "Query gateways",
            "GET",
            "/api/v1/gateways",
            "/api/v1/gateways",
            |c| c.query_gateways()
        ),
        case!(
            "Query Groups",
            "GET",
            "/api/v1/groups",
            "/api/v1/groups",
            |c| c.query_groups()
        ),
        case!(
            "Get the group details.",
            "GET",
            "/api/v1/groups/{uuid}",
            "/api/v1/groups/x-uuid",
            |c| c.get_group("x-uuid")
        ),
        case!(
            "Update a group.",
            "PATCH",
            "/api/v1/groups/{uuid}",
            "/api/v1/groups/x-uuid",
            |c| c.update_group("x-uuid", body("updateGroup"))
        ),
        case!(
            "Add 3rd Party Integration",
            "POST",
            "/api/v1/integrations",
            "/api/v1/integrations",
            |c| c.create_integration(body("createIntegration"))
        ),
        case!(
            "Query Integrations added for an account",
            "GET",
            "/api/v1/integrations",
            "/api/v1/integrations",
            |c| c.query_integrations()
        ),
        case!(
            "Update integration.",
            "PUT",
            "/api/v1/integrations/{uuid}",
            "/api/v1/integrations/x-uuid",
            |c| c.update_integration("x-uuid", body("updateIntegration"))
        ),
        case!(
            "Validate integration credentials",
            "POST",
            "/api/v1/integrations/validate",
            "/api/v1/integrations/validate",
            |c| c.validate_integration_credentials(body("validateIntegrationCredentials"))
        ),
        case!("Login", "GET", "/api/v1/login", "/api/v1/login", |c| c
            .login("x-account")),
        case!(
            "Get account onboarding info.",
            "GET",
            "/api/v1/onboarding",
            "/api/v1/onboarding",
            |c| c.get_account_onboarding()
        ),
        case!(
            "Update account onboarding info.",
            "PATCH",
            "/api/v1/onboarding",
            "/api/v1/onboarding",
            |c| c.update_account_onboarding(body("updateAccountOnboarding"))
        ),
        case!(
            "Query policies",
            "GET",
            "/api/v1/policies",
            "/api/v1/policies",
            |c| c.query_policies("x-appid", "x-userid", "x-resolveDisplayNames")
        ),
        case!(
            "Create a Policy",
            "POST",
            "/api/v1/policies",
            "/api/v1/policies",
            |c| c.create_policy(body("createPolicy"))
        ),
        case!(
            "Get the policy details.",
            "GET",
            "/api/v1/policies/{uuid}",
            "/api/v1/policies/x-uuid",
            |c| c.get_policy("x-uuid")
        ),
        case!(
            "Update a policy.",
            "PATCH",
            "/api/v1/policies/{uuid}",
            "/api/v1/policies/x-uuid",
            |c| c.update_policy("x-uuid", body("updatePolicy"))
        ),
        case!(
            "Query posture attributes",
            "GET",
            "/api/v1/posture_attributes",
            "/api/v1/posture_attributes",
            |c| c.query_posture_attributes()
        ),
        case!(
            "Add posture attribute",
            "POST",
            "/api/v1/posture_attributes",
            "/api/v1/posture_attributes",
            |c| c.create_posture_attribute(body("createPostureAttribute"))
        ),
        case!(
            "Get posture attribute for an account based on uuid",
            "GET",
            "/api/v1/posture_attributes/{uuid}",
            "/api/v1/posture_attributes/x-uuid",
            |c| c.get_posture_attribute("x-uuid")
        ),
        case!(
            "Update posture attribute",
            "PATCH",
            "/api/v1/posture_attributes/{uuid}",
            "/api/v1/posture_attributes/x-uuid",
            |c| c.update_posture_attribute("x-uuid", body("updatePostureAttribute"))
        ),
        case!(
            "Query posture profiles",
            "GET",
            "/api/v1/posture_profiles",
            "/api/v1/posture_profiles",
            |c| c.query_posture_profiles()
        ),
        case!(
            "Add posture profile",
            "POST",
            "/api/v1/posture_profiles",
            "/api/v1/posture_profiles",
            |c| c.create_posture_profile(body("createPostureProfile"))
        ),
        case!(
            "Get posture profile for an account based on uuid",
            "GET",
            "/api/v1/posture_profiles/{uuid}",
            "/api/v1/posture_profiles/x-uuid",
            |c| c.get_posture_profile("x-uuid")
        ),
        case!(
            "Update posture profile",
            "PATCH",
            "/api/v1/posture_profiles/{uuid}",
            "/api/v1/posture_profiles/x-uuid",
            |c| c.update_posture_profile("x-uuid", body("updatePostureProfile"))
        ),
        case!(
            "Query a QS View",
            "GET",
            "/api/v1/qs_views/{view}",
            "/api/v1/qs_views/x-view",
            |c| c.query_qs_view("x-view", "x-start_time", "x-end_time")
        ),
        case!(
            "Create Temporary Access Token",
            "POST",
            "/api/v1/tokens/temporary",
            "/api/v1/tokens/temporary",
            |c| c.create_temporary_access_token(body("createTemporaryAccessToken"))
        ),
        case!(
            "TokenLogin",
            "GET",
            "/api/v1/token_login",
            "/api/v1/token_login",
            |c| c.token_login("x-account")
        ),
        case!(
            "Query Tokens",
            "GET",
            "/api/v1/tokens",
            "/api/v1/tokens",
            |c| c.query_tokens()
        ),
        case!(
            "Create Token",
            "POST",
            "/api/v1/tokens",
            "/api/v1/tokens",
            |c| c.create_token(body("createToken"))
        ),
        case!(
            "Update a token.",
            "PATCH",
            "/api/v1/tokens/{uuid}",
            "/api/v1/tokens/x-uuid",
            |c| c.update_token("x-uuid", body("updateToken"))
        ),
        case!(
            "Query Users",
            "GET",
            "/api/v1/users",
            "/api/v1/users",
            |c| c.query_users()
        ),
        case!(
            "Create a user.",
            "POST",
            "/api/v1/users",
            "/api/v1/users",
            |c| c.create_user(body("createUser"))
        ),
        case!(
            "Get the user details.",
            "GET",
            "/api/v1/users/{uuid}",
            "/api/v1/users/x-uuid",
            |c| c.get_user("x-uuid")
        ),
        case!(
            "Update a user.",
            "PATCH",
            "/api/v1/users/{uuid}",
            "/api/v1/users/x-uuid",
            |c| c.update_user("x-uuid", body("updateUser"))
        ),
        case!(
            "Get the user's devices",
            "GET",
            "/api/v1/users/{uuid}/devices",
            "/api/v1/users/x-uuid/devices",
            |c| c.get_user_devices("x-uuid")
        ),
        case!(
            "Query WorkflowRuns",
            "GET",
            "/api/v1/workflow_runs",
            "/api/v1/workflow_runs",
            |c| c.query_workflow_runs()
        ),
        case!(
            "Create workflow run",
            "POST",
            "/api/v1/workflow_runs",
            "/api/v1/workflow_runs",
            |c| c.create_workflow_run(body("createWorkflowRun"))
        ),
        case!(
            "Get the workflow run details.",
            "GET",
            "/api/v1/workflow_runs/{uuid}",
            "/api/v1/workflow_runs/x-uuid",
            |c| c.get_workflow_run("x-uuid")
        ),
        case!(
            "Answer the Workflow Run",
            "POST",
            "/api/v1/workflow_runs/{uuid}/answer",
            "/api/v1/workflow_runs/x-uuid/answer",
            |c| c.answer_workflow_run("x-uuid", body("answerWorkflowRun"))
        ),
        case!(
            "Query workflows",
            "GET",
            "/api/v1/workflows",
            "/api/v1/workflows",
            |c| c.query_workflows()
        ),
        case!(
            "Create a Workflow",
            "POST",
            "/api/v1/workflows",
            "/api/v1/workflows",
            |c| c.create_workflow(body("createWorkflow"))
        ),
        case!(
            "Get the workflow details.",
            "GET",
            "/api/v1/workflows/{uuid}",
            "/api/v1/workflows/x-uuid",
            |c| c.get_workflow("x-uuid")
        ),
        case!(
            "Update a workflow.",
            "PATCH",
            "/api/v1/workflows/{uuid}",
            "/api/v1/workflows/x-uuid",
            |c| c.update_workflow("x-uuid", body("updateWorkflow"))
        ),
    ]
}

#[tokio::test]
async fn every_operation_sends_its_method_path_and_the_pages_request_sample() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .bearer_token("token")
        .max_retries(0)
        .build()
        .expect("a client for the mock server builds");
    let spec = spec();
    let cases = cases();
    let mut bodies = 0;
    for (index, case) in cases.iter().enumerate() {
        (case.call)(&client).await;
        let received = server
            .received_requests()
            .await
            .expect("requests are recorded");
        assert_eq!(
            received.len(),
            index + 1,
            "{}: sent no request or several",
            case.title
        );
        let request = received.last().expect("one request per case");
        assert_eq!(
            (request.method.as_str(), request.url.path()),
            (case.method, case.sent_path),
            "the operation the page calls {:?}",
            case.title
        );
        let id = operation_id(spec, case);
        let sample = request_sample(&id);
        if sample.is_null() {
            assert!(request.body.is_empty(), "{}: sends no body", case.title);
        } else {
            let sent: Value = serde_json::from_slice(&request.body).expect("a JSON body");
            assert_eq!(
                numbers_as_f64(&sent),
                numbers_as_f64(&clientgen_tests::without_nulls(&sample)),
                "{}: the body sent",
                case.title
            );
            bodies += 1;
        }
    }
    assert_eq!(cases.len(), 105);
    // 48 operations have a request sample on the page.
    assert_eq!(bodies, 48);
}

/// The operationId of the spec's operation at the case's method and path.
fn operation_id(spec: &Value, case: &Case) -> String {
    let op = &spec["paths"][case.path][case.method.to_ascii_lowercase()];
    op["operationId"]
        .as_str()
        .expect("an operation at the case's method and path")
        .to_owned()
}

#[test]
fn the_table_has_one_case_per_operation_of_the_spec_under_its_page_title() {
    let spec = spec();
    let mut in_spec = BTreeSet::new();
    for (path, item) in spec["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("a path item") {
            assert!(path.starts_with("/api/v1/"), "{path}");
            assert!(
                op["x-inferred"]
                    .as_str()
                    .is_some_and(|why| why.contains("method and path")),
                "{method} {path} is not marked inferred"
            );
            let summary = op["summary"].as_str().expect("a summary").to_owned();
            in_spec.insert((method.to_ascii_uppercase(), path.clone(), summary));
        }
    }
    let in_table: BTreeSet<(String, String, String)> = cases()
        .iter()
        .map(|case| {
            (
                case.method.to_owned(),
                case.path.to_owned(),
                case.title.to_owned(),
            )
        })
        .collect();
    assert_eq!(
        in_table.len(),
        cases().len(),
        "an operation appears twice in the table"
    );
    assert_eq!(in_table, in_spec);
}
