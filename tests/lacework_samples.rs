//! Every sample of the Lacework Edge page decodes into the generated type and encodes back with
//! nothing lost. The page has 48 request samples and 107 response samples; the spec keeps each as
//! an `example`: 48 on request bodies, 105 on responses (one per operation: 100 success samples
//! and 5 error samples of operations that show no success sample; 12 of these operations are
//! samples whose heading the page lost, placed by the REST convention), and 1 on a component
//! schema (a second, identical copy of the `queryUsers` response under a lost heading, whose
//! operation cannot be placed: by the convention it would be `GET /api/v1/users`, which is
//! `queryUsers`). The 107th response sample is a second, identical copy of the `createApp`
//! response. Some deeply nested sample values are `null` (Redoc's placeholder where it stops
//! expanding an object): 41 fields, which decode as absent, and 9 array elements, in 6 samples;
//! both are left out of the decoded sample and of the comparison. Numbers are compared by value:
//! a coordinate's `0` comes back as `0.0`.

use clientgen::diagnostics::pointer_token;
use clientgen_tests::numbers_as_f64;
use lacework_edge_client::types;
use serde_json::Value;

type Check = fn(&Value) -> Value;

/// `sample!(JSON pointer of an example in the spec, the type it must decode into)`.
macro_rules! sample {
    ($pointer:literal, $ty:ty) => {
        ($pointer, clientgen_tests::round_trip::<$ty> as Check)
    };
}

fn samples() -> Vec<(&'static str, Check)> {
    vec![
        sample!("/paths/~1api~1v1~1accesses/get/responses/200/content/application~1json/example", types::QueryAccessesResponse),
        sample!("/paths/~1api~1v1~1accesses~1{uuid}/patch/requestBody/content/application~1json/example", types::UpdateAccessRequest),
        sample!("/paths/~1api~1v1~1accesses~1{uuid}/patch/responses/200/content/application~1json/example", types::Access),
        sample!("/paths/~1api~1v1~1accesses/post/requestBody/content/application~1json/example", types::CreateAccessRequest),
        sample!("/paths/~1api~1v1~1accesses/post/responses/201/content/application~1json/example", types::Access),
        sample!("/paths/~1api~1v1~1accesses~1{uuid}/get/responses/200/content/application~1json/example", types::Access),
        sample!("/paths/~1api~1v1~1accounts~1{name}/get/responses/200/content/application~1json/example", types::Account),
        sample!("/paths/~1api~1v1~1alert_configs/get/responses/200/content/application~1json/example", types::QueryAlertConfigsResponse),
        sample!("/paths/~1api~1v1~1alert_configs/post/requestBody/content/application~1json/example", types::CreateAlertConfigRequest),
        sample!("/paths/~1api~1v1~1alert_configs/post/responses/200/content/application~1json/example", types::AlertConfig),
        sample!("/paths/~1api~1v1~1alert_configs~1{uuid}/get/responses/200/content/application~1json/example", types::AlertConfig),
        sample!("/paths/~1api~1v1~1alerts/get/responses/200/content/application~1json/example", types::QueryAlertsResponse),
        sample!("/paths/~1api~1v1~1alerts/post/requestBody/content/application~1json/example", types::PromoteEventToAlertRequest),
        sample!("/paths/~1api~1v1~1alerts/post/responses/200/content/application~1json/example", types::Alert),
        sample!("/paths/~1api~1v1~1alerts~1{uuid}/get/responses/200/content/application~1json/example", types::Alert),
        sample!("/paths/~1api~1v1~1alerts~1{uuid}~1investigation_actions/get/responses/200/content/application~1json/example", types::GetInvestigationHistoryResponse),
        sample!("/paths/~1api~1v1~1alerts~1{uuid}~1investigation_actions/post/requestBody/content/application~1json/example", types::PerformInvestigationActionRequest),
        sample!("/paths/~1api~1v1~1alerts~1{uuid}~1investigation_actions/post/responses/200/content/application~1json/example", types::PerformInvestigationActionResponse),
        sample!("/paths/~1api~1v1~1alerts~1investigation_actions/post/requestBody/content/application~1json/example", types::PerformInvestigationActionsRequest),
        sample!("/paths/~1api~1v1~1alerts~1investigation_actions/post/responses/200/content/application~1json/example", types::PerformInvestigationActionsResponse),
        sample!("/paths/~1api~1v1~1app_control_policies/get/responses/200/content/application~1json/example", types::QueryAppControlPoliciesResponse),
        sample!("/paths/~1api~1v1~1app_control_policies~1{uuid}/get/responses/200/content/application~1json/example", types::AppControlPolicy),
        sample!("/paths/~1api~1v1~1app_control_policies~1{uuid}/put/requestBody/content/application~1json/example", types::UpdateAppControlPolicyRequest),
        sample!("/paths/~1api~1v1~1app_control_policies~1{uuid}/put/responses/200/content/application~1json/example", types::AppControlPolicy),
        sample!("/paths/~1api~1v1~1app_control_policies/post/requestBody/content/application~1json/example", types::CreateAppControlPolicyRequest),
        sample!("/paths/~1api~1v1~1app_control_policies/post/responses/201/content/application~1json/example", types::AppControlPolicy),
        sample!("/paths/~1api~1v1~1apps/get/responses/200/content/application~1json/example", types::QueryAppsResponse),
        sample!("/paths/~1api~1v1~1apps/post/requestBody/content/application~1json/example", types::AppRequest),
        sample!("/paths/~1api~1v1~1apps/post/responses/200/content/application~1json/example", types::App),
        sample!("/paths/~1api~1v1~1apps~1deploy/post/requestBody/content/application~1json/example", types::AppRequest),
        sample!("/paths/~1api~1v1~1apps~1deploy/post/responses/200/content/application~1json/example", types::DeployAppResponse),
        sample!("/paths/~1api~1v1~1audit_events/get/responses/200/content/application~1json/example", types::QueryAuditEventsResponse),
        sample!("/paths/~1api~1v1~1audit_events~1{uuid}/get/responses/200/content/application~1json/example", types::AuditEvent),
        sample!("/paths/~1api~1v1~1blobs/get/responses/200/content/application~1json/example", types::QueryBlobsResponse),
        sample!("/paths/~1api~1v1~1blobs/post/requestBody/content/application~1json/example", types::CreateBlobRequest),
        sample!("/paths/~1api~1v1~1blobs/post/responses/200/content/application~1json/example", types::Blob),
        sample!("/paths/~1api~1v1~1blobs~1{key}/get/responses/200/content/application~1json/example", types::Blob),
        sample!("/paths/~1api~1v1~1ca_certificates/get/responses/200/content/application~1json/example", types::CaCertificateList),
        sample!("/paths/~1api~1v1~1ca_certificates/post/requestBody/content/application~1json/example", types::CreateCaCertificateRequest),
        sample!("/paths/~1api~1v1~1ca_certificates/post/responses/201/content/application~1json/example", types::CaCertificate),
        sample!("/paths/~1api~1v1~1ca_certificates~1{uuid}/get/responses/200/content/application~1json/example", types::CaCertificate),
        sample!("/paths/~1api~1v1~1ca_certificates~1{uuid}/patch/requestBody/content/application~1json/example", types::UpdateCaCertificateRequest),
        sample!("/paths/~1api~1v1~1ca_certificates~1{uuid}/patch/responses/200/content/application~1json/example", types::ClientConfig),
        sample!("/paths/~1api~1v1~1cards/get/responses/200/content/application~1json/example", types::CardList),
        sample!("/paths/~1api~1v1~1cards/post/requestBody/content/application~1json/example", types::CardRequest),
        sample!("/paths/~1api~1v1~1cards/post/responses/201/content/application~1json/example", types::Card),
        sample!("/paths/~1api~1v1~1cards~1{uuid}/get/responses/200/content/application~1json/example", types::Card),
        sample!("/paths/~1api~1v1~1notification_channels/get/responses/200/content/application~1json/example", types::QueryNotificationChannelsResponse),
        sample!("/paths/~1api~1v1~1notification_channels/post/requestBody/content/application~1json/example", types::CreateNotificationChannelRequest),
        sample!("/paths/~1api~1v1~1notification_channels/post/responses/200/content/application~1json/example", types::NotificationChannel),
        sample!("/paths/~1api~1v1~1notification_channels~1{uuid}/get/responses/200/content/application~1json/example", types::NotificationChannel),
        sample!("/paths/~1api~1v1~1client_configs~1{uuid}~1download/get/responses/200/content/application~1json/example", types::ClientConfig),
        sample!("/paths/~1api~1v1~1client_configs/post/requestBody/content/application~1json/example", types::CreateClientConfigRequest),
        sample!("/paths/~1api~1v1~1client_configs/post/responses/201/content/application~1json/example", types::ClientConfig),
        sample!("/paths/~1api~1v1~1client_configs~1{uuid}/get/responses/200/content/application~1json/example", types::ClientConfig),
        sample!("/paths/~1api~1v1~1client_configs~1{uuid}/patch/requestBody/content/application~1json/example", types::UpdateClientConfigRequest),
        sample!("/paths/~1api~1v1~1client_configs~1{uuid}/patch/responses/200/content/application~1json/example", types::ClientConfig),
        sample!("/paths/~1api~1v1~1connectors/get/responses/200/content/application~1json/example", types::ConnectorList),
        sample!("/paths/~1api~1v1~1connectors/post/requestBody/content/application~1json/example", types::CreateConnectorRequest),
        sample!("/paths/~1api~1v1~1connectors/post/responses/201/content/application~1json/example", types::Connector),
        sample!("/paths/~1api~1v1~1connectors~1{name}/get/responses/200/content/application~1json/example", types::Connector),
        sample!("/paths/~1api~1v1~1countries/get/responses/200/content/application~1json/example", types::CountryList),
        sample!("/paths/~1api~1v1~1dashboards/get/responses/200/content/application~1json/example", types::QueryDashboardsResponse),
        sample!("/paths/~1api~1v1~1dashboards/post/requestBody/content/application~1json/example", types::DashboardRequest),
        sample!("/paths/~1api~1v1~1dashboards/post/responses/200/content/application~1json/example", types::Dashboard),
        sample!("/paths/~1api~1v1~1dashboards~1{uuid}/get/responses/200/content/application~1json/example", types::Dashboard),
        sample!("/paths/~1api~1v1~1data_export_configs/get/responses/200/content/application~1json/example", types::DataExportConfigList),
        sample!("/paths/~1api~1v1~1data_export_configs/post/requestBody/content/application~1json/example", types::CreateDataExportConfigRequest),
        sample!("/paths/~1api~1v1~1data_export_configs/post/responses/201/content/application~1json/example", types::DataExportConfig),
        sample!("/paths/~1api~1v1~1data_export_configs~1{uuid}/put/requestBody/content/application~1json/example", types::UpdateDataExportConfigRequest),
        sample!("/paths/~1api~1v1~1data_export_configs~1{uuid}/put/responses/200/content/application~1json/example", types::DataExportConfig),
        sample!("/paths/~1api~1v1~1data_export_configs~1bucket_policy/post/requestBody/content/application~1json/example", types::BucketPolicyRequest),
        sample!("/paths/~1api~1v1~1data_export_configs~1bucket_policy/post/responses/400/content/application~1json/example", types::ErrorResponse),
        sample!("/paths/~1api~1v1~1data_export_configs~1validate/post/requestBody/content/application~1json/example", types::ValidateRequest),
        sample!("/paths/~1api~1v1~1data_export_configs~1validate/post/responses/400/content/application~1json/example", types::ErrorResponse),
        sample!("/paths/~1api~1v1~1customer_datasets/get/responses/200/content/application~1json/example", types::CustomerDatasetList),
        sample!("/paths/~1api~1v1~1customer_datasets/post/responses/200/content/application~1json/example", types::CustomerDataset),
        sample!("/paths/~1api~1v1~1customer_datasets~1{uuid}~1items/get/responses/200/content/application~1json/example", types::CustomerDatasetItemsPage),
        sample!("/paths/~1api~1v1~1deployments/post/responses/200/content/application~1json/example", types::DeployConnectorResponse),
        sample!("/paths/~1api~1v1~1deployments~1options/get/responses/200/content/application~1json/example", types::DeploymentConnectorOptions),
        sample!("/paths/~1api~1v1~1devices/delete/requestBody/content/application~1json/example", types::DeleteDevicesRequest),
        sample!("/paths/~1api~1v1~1devices/delete/responses/200/content/application~1json/example", types::Device),
        sample!("/paths/~1api~1v1~1devices/post/requestBody/content/application~1json/example", types::RegisterDeviceRequest),
        sample!("/paths/~1api~1v1~1devices/post/responses/201/content/application~1json/example", types::Device),
        sample!("/paths/~1api~1v1~1devices~1{uuid}/post/requestBody/content/application~1json/example", types::DeviceToDelete),
        sample!("/paths/~1api~1v1~1devices~1{uuid}/post/responses/200/content/application~1json/example", types::Device),
        sample!("/paths/~1api~1v1~1documents~1{uuid}/get/responses/200/content/application~1json/example", types::DocumentMetadata),
        sample!("/paths/~1api~1v1~1documents~1{uuid}~1revoke_access/post/requestBody/content/application~1json/example", types::RevokeDocumentAccessRequest),
        sample!("/paths/~1api~1v1~1documents~1{uuid}~1revoke_access/post/responses/400/content/application~1json/example", types::ErrorResponse),
        sample!("/paths/~1api~1v1~1documents~1{uuid}~1revoke_sharing/post/requestBody/content/application~1json/example", types::RevokeDocumentSharingRequest),
        sample!("/paths/~1api~1v1~1documents~1{uuid}~1revoke_sharing/post/responses/400/content/application~1json/example", types::ErrorResponse),
        sample!("/paths/~1api~1v1~1gateways/get/responses/200/content/application~1json/example", types::GatewayList),
        sample!("/paths/~1api~1v1~1groups/get/responses/200/content/application~1json/example", types::QueryGroupsResponse),
        sample!("/paths/~1api~1v1~1groups~1{uuid}/get/responses/200/content/application~1json/example", types::Group),
        sample!("/paths/~1api~1v1~1groups~1{uuid}/patch/requestBody/content/application~1json/example", types::Group),
        sample!("/paths/~1api~1v1~1groups~1{uuid}/patch/responses/200/content/application~1json/example", types::UpdateGroupResponse),
        sample!("/paths/~1api~1v1~1integrations/post/requestBody/content/application~1json/example", types::CreateIntegrationRequest),
        sample!("/paths/~1api~1v1~1integrations/post/responses/201/content/application~1json/example", types::Integration),
        sample!("/paths/~1api~1v1~1integrations/get/responses/200/content/application~1json/example", types::QueryIntegrationsResponse),
        sample!("/paths/~1api~1v1~1integrations~1{uuid}/put/requestBody/content/application~1json/example", types::UpdateIntegrationRequest),
        sample!("/paths/~1api~1v1~1integrations~1{uuid}/put/responses/200/content/application~1json/example", types::Integration),
        sample!("/paths/~1api~1v1~1integrations~1validate/post/requestBody/content/application~1json/example", types::ValidateRequest),
        sample!("/paths/~1api~1v1~1integrations~1validate/post/responses/201/content/application~1json/example", types::ValidateIntegrationCredentialsResponse),
        sample!("/paths/~1api~1v1~1login/get/responses/200/content/application~1json/example", types::LoginSession),
        sample!("/paths/~1api~1v1~1onboarding/get/responses/200/content/application~1json/example", types::AccountOnboarding),
        sample!("/paths/~1api~1v1~1onboarding/patch/requestBody/content/application~1json/example", types::UpdateAccountOnboardingRequest),
        sample!("/paths/~1api~1v1~1onboarding/patch/responses/200/content/application~1json/example", types::AccountOnboarding),
        sample!("/paths/~1api~1v1~1policies/get/responses/200/content/application~1json/example", types::QueryPoliciesResponse),
        sample!("/paths/~1api~1v1~1policies/post/requestBody/content/application~1json/example", types::CreatePolicyRequest),
        sample!("/paths/~1api~1v1~1policies/post/responses/201/content/application~1json/example", types::Policy),
        sample!("/paths/~1api~1v1~1policies~1{uuid}/get/responses/200/content/application~1json/example", types::Policy),
        sample!("/paths/~1api~1v1~1policies~1{uuid}/patch/requestBody/content/application~1json/example", types::UpdatePolicyRequest),
        sample!("/paths/~1api~1v1~1policies~1{uuid}/patch/responses/200/content/application~1json/example", types::Policy),
        sample!("/paths/~1api~1v1~1posture_attributes/get/responses/200/content/application~1json/example", types::PostureAttributeList),
        sample!("/paths/~1api~1v1~1posture_attributes/post/requestBody/content/application~1json/example", types::CreatePostureAttributeRequest),
        sample!("/paths/~1api~1v1~1posture_attributes/post/responses/201/content/application~1json/example", types::PostureAttribute),
        sample!("/paths/~1api~1v1~1posture_attributes~1{uuid}/get/responses/200/content/application~1json/example", types::PostureAttribute),
        sample!("/paths/~1api~1v1~1posture_attributes~1{uuid}/patch/requestBody/content/application~1json/example", types::UpdatePostureAttributeRequest),
        sample!("/paths/~1api~1v1~1posture_attributes~1{uuid}/patch/responses/200/content/application~1json/example", types::PostureAttribute),
        sample!("/paths/~1api~1v1~1posture_profiles/get/responses/200/content/application~1json/example", types::PostureProfileList),
        sample!("/paths/~1api~1v1~1posture_profiles/post/requestBody/content/application~1json/example", types::CreatePostureProfileRequest),
        sample!("/paths/~1api~1v1~1posture_profiles/post/responses/201/content/application~1json/example", types::PostureProfile),
        sample!("/paths/~1api~1v1~1posture_profiles~1{uuid}/get/responses/200/content/application~1json/example", types::PostureProfile),
        sample!("/paths/~1api~1v1~1posture_profiles~1{uuid}/patch/requestBody/content/application~1json/example", types::UpdatePostureProfileRequest),
        sample!("/paths/~1api~1v1~1posture_profiles~1{uuid}/patch/responses/200/content/application~1json/example", types::PostureProfile),
        sample!("/paths/~1api~1v1~1qs_views~1{view}/get/responses/400/content/application~1json/example", types::ErrorResponse),
        sample!("/paths/~1api~1v1~1tokens~1temporary/post/requestBody/content/application~1json/example", types::CreateTemporaryAccessTokenRequest),
        sample!("/paths/~1api~1v1~1tokens~1temporary/post/responses/201/content/application~1json/example", types::Token),
        sample!("/paths/~1api~1v1~1token_login/get/responses/200/content/application~1json/example", types::LoginSession),
        sample!("/paths/~1api~1v1~1tokens/get/responses/200/content/application~1json/example", types::QueryTokensResponse),
        sample!("/paths/~1api~1v1~1tokens/post/requestBody/content/application~1json/example", types::CreateTokenRequest),
        sample!("/paths/~1api~1v1~1tokens/post/responses/201/content/application~1json/example", types::Token),
        sample!("/paths/~1api~1v1~1tokens~1{uuid}/patch/requestBody/content/application~1json/example", types::UpdateTokenRequest),
        sample!("/paths/~1api~1v1~1tokens~1{uuid}/patch/responses/200/content/application~1json/example", types::Token),
        sample!("/paths/~1api~1v1~1users/get/responses/200/content/application~1json/example", types::QueryUsersResponse),
        sample!("/paths/~1api~1v1~1users/post/requestBody/content/application~1json/example", types::CreateUserRequest),
        sample!("/paths/~1api~1v1~1users/post/responses/200/content/application~1json/example", types::CreateUserResponse),
        sample!("/paths/~1api~1v1~1users~1{uuid}/get/responses/200/content/application~1json/example", types::User),
        sample!("/paths/~1api~1v1~1users~1{uuid}/patch/requestBody/content/application~1json/example", types::UpdateUserRequest),
        sample!("/paths/~1api~1v1~1users~1{uuid}/patch/responses/200/content/application~1json/example", types::User),
        sample!("/paths/~1api~1v1~1users~1{uuid}~1devices/get/responses/200/content/application~1json/example", types::GetUserDevicesResponse),
        sample!("/paths/~1api~1v1~1workflow_runs/get/responses/200/content/application~1json/example", types::QueryWorkflowRunsResponse),
        sample!("/paths/~1api~1v1~1workflow_runs/post/requestBody/content/application~1json/example", types::CreateWorkflowRunRequest),
        sample!("/paths/~1api~1v1~1workflow_runs/post/responses/200/content/application~1json/example", types::WorkflowRun),
        sample!("/paths/~1api~1v1~1workflow_runs~1{uuid}/get/responses/200/content/application~1json/example", types::WorkflowRun),
        sample!("/paths/~1api~1v1~1workflow_runs~1{uuid}~1answer/post/requestBody/content/application~1json/example", types::AnswerWorkflowRunRequest),
        sample!("/paths/~1api~1v1~1workflow_runs~1{uuid}~1answer/post/responses/200/content/application~1json/example", types::WorkflowRun),
        sample!("/paths/~1api~1v1~1workflows/get/responses/200/content/application~1json/example", types::WorkflowList),
        sample!("/paths/~1api~1v1~1workflows/post/requestBody/content/application~1json/example", types::CreateWorkflowRequest),
        sample!("/paths/~1api~1v1~1workflows/post/responses/201/content/application~1json/example", types::Workflow),
        sample!("/paths/~1api~1v1~1workflows~1{uuid}/get/responses/200/content/application~1json/example", types::Workflow),
        sample!("/paths/~1api~1v1~1workflows~1{uuid}/patch/requestBody/content/application~1json/example", types::UpdateWorkflowRequest),
        sample!("/paths/~1api~1v1~1workflows~1{uuid}/patch/responses/200/content/application~1json/example", types::Workflow),
        sample!("/components/schemas/QueryUsersResponse/example", types::QueryUsersResponse),
    ]
}

fn spec() -> Value {
    clientgen_tests::spec_json("lacework-edge")
}

#[test]
fn every_sample_round_trips_through_its_generated_type() {
    let spec = spec();
    for (pointer, check) in samples() {
        let sample = spec
            .pointer(pointer)
            .unwrap_or_else(|| panic!("no example at {pointer}"));
        let sample = clientgen_tests::without_nulls(sample);
        assert_eq!(
            numbers_as_f64(&check(&sample)),
            numbers_as_f64(&sample),
            "{pointer}"
        );
    }
}

#[test]
fn the_table_covers_every_example_of_the_spec() {
    fn examples(value: &Value, pointer: String, out: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                for (key, inner) in map {
                    let inner_pointer = format!("{pointer}/{}", pointer_token(key));
                    if key == "example" {
                        out.push(inner_pointer);
                    } else {
                        examples(inner, inner_pointer, out);
                    }
                }
            }
            Value::Array(items) => {
                for (index, inner) in items.iter().enumerate() {
                    examples(inner, format!("{pointer}/{index}"), out);
                }
            }
            _ => {}
        }
    }
    let mut in_spec = Vec::new();
    examples(&spec(), String::new(), &mut in_spec);
    in_spec.sort();
    let mut in_table: Vec<String> = samples().iter().map(|(p, _)| (*p).to_owned()).collect();
    in_table.sort();
    assert_eq!(in_table, in_spec);
    assert_eq!(in_table.len(), 48 + 105 + 1);
}

#[test]
fn no_object_schema_is_defined_twice() {
    let spec = spec();
    let mut seen = std::collections::BTreeMap::new();
    for (name, schema) in spec["components"]["schemas"].as_object().expect("schemas") {
        if let Some(properties) = schema["properties"].as_object() {
            let keys: Vec<&String> = properties.keys().collect();
            if let Some(other) = seen.insert(format!("{keys:?}"), name.clone()) {
                panic!("{name} and {other} have the same properties");
            }
        }
    }
}
