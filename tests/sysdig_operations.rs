//! Every one of the 182 operations of `sysdig-client`, called once with its required
//! arguments only, against a local server that answers anything: the request must arrive with
//! the method and path the documentation page prints for that operation (each case holds the
//! page's line, with its `/api/vi/` typo corrected for three secure-events operations), so no
//! operation can silently drift from the page. The table is checked against the spec too: one
//! case per operation, the same methods and path templates.

use std::collections::BTreeSet;

use futures::future::BoxFuture;
use serde_json::json;
use sysdig_client::{types, Client};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// One operation: the page's `METHOD /path` line, the path the request must be sent to (the
/// page's template filled with the case's arguments), and the call.
struct Case {
    method: &'static str,
    page_path: &'static str,
    sent_path: &'static str,
    call: fn(&Client) -> BoxFuture<'_, ()>,
}

/// `case!(METHOD, page path, sent path, |c| c.method(args))`: the call is sent and its result
/// (a decode error on an empty object, for some) ignored: only the request matters here.
macro_rules! case {
    ($method:literal, $page:literal, $sent:literal, |$c:ident| $call:expr) => {
        Case {
            method: $method,
            page_path: $page,
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

/// The page's operations, in its order.
fn cases() -> Vec<Case> {
    vec![
    case!("GET", "/api/cspm/v1/compliance/views", "/api/cspm/v1/compliance/views", |c| c.list_compliance_views()),
    case!("GET", "/api/cspm/v1/compliance/requirements", "/api/cspm/v1/compliance/requirements", |c| c.list_compliance_results()),
    case!("GET", "/api/cspm/v1/kube/resources", "/api/cspm/v1/kube/resources", |c| c.list_kubernetes_resources()),
    case!("GET", "/api/cspm/v1/clusteranalysis/resources", "/api/cspm/v1/clusteranalysis/resources", |c| c.list_cluster_analysis_resources()),
    case!("GET", "/api/cspm/v1/cloud/resources", "/api/cspm/v1/cloud/resources", |c| c.list_cloud_resources()),
    case!("GET", "/api/cspm/v1/policy/controls/search", "/api/cspm/v1/policy/controls/search", |c| c.list_cspm_controls()),
    case!("GET", "/api/cspm/v1/inventory/resources", "/api/cspm/v1/inventory/resources", |c| c.list_inventory_resources()),
    case!("GET", "/api/cspm/v1/inventory/resources/{id}", "/api/cspm/v1/inventory/resources/x-id", |c| c.get_inventory_resource("x-id")),
    case!("GET", "/api/reporting/v1/{domain}/{reportType}/config", "/api/reporting/v1/scanning/vulnerabilities/config", |c| c.get_report_config_options(types::ReportDomain::Scanning, types::ReportType::Vulnerabilities)),
    case!("POST", "/api/reporting/v1/{domain}/{reportType}/preview", "/api/reporting/v1/scanning/vulnerabilities/preview", |c| c.get_report_preview(types::ReportDomain::Scanning, types::ReportType::Vulnerabilities, json!({}))),
    case!("GET", "/api/reporting/v1/{domain}/schedules", "/api/reporting/v1/scanning/schedules", |c| c.list_report_schedules(types::ReportDomain::Scanning)),
    case!("POST", "/api/reporting/v1/{domain}/schedules", "/api/reporting/v1/scanning/schedules", |c| c.create_report_schedule(types::ReportDomain::Scanning, json!({}))),
    case!("POST", "/api/reporting/v1/{domain}/schedules/{scheduleId}/run", "/api/reporting/v1/scanning/schedules/x-schedule-id/run", |c| c.run_report_schedule(types::ReportDomain::Scanning, "x-schedule-id")),
    case!("GET", "/api/reporting/v1/{domain}/schedules/{scheduleId}", "/api/reporting/v1/scanning/schedules/x-schedule-id", |c| c.get_report_schedule(types::ReportDomain::Scanning, "x-schedule-id")),
    case!("PUT", "/api/reporting/v1/{domain}/schedules/{scheduleId}", "/api/reporting/v1/scanning/schedules/x-schedule-id", |c| c.update_report_schedule(types::ReportDomain::Scanning, "x-schedule-id", json!({}))),
    case!("DELETE", "/api/reporting/v1/{domain}/schedules/{scheduleId}", "/api/reporting/v1/scanning/schedules/x-schedule-id", |c| c.delete_report_schedule(types::ReportDomain::Scanning, "x-schedule-id")),
    case!("GET", "/api/reporting/v1/{domain}/reports/{fileId}", "/api/reporting/v1/scanning/reports/x-file-id", |c| c.download_report(types::ReportDomain::Scanning, "x-file-id")),
    case!("GET", "/api/v1/networkTopology/clusters", "/api/v1/networkTopology/clusters", |c| c.list_network_topology_clusters()),
    case!("GET", "/api/v1/networkTopology/namespaces", "/api/v1/networkTopology/namespaces", |c| c.list_network_topology_namespaces()),
    case!("GET", "/api/v1/networkTopology/owners", "/api/v1/networkTopology/owners", |c| c.list_network_topology_owners()),
    case!("GET", "/api/v1/networkTopology/ingressSummaries", "/api/v1/networkTopology/ingressSummaries", |c| c.get_ingress_summaries()),
    case!("GET", "/api/v1/networkTopology/egressSummaries", "/api/v1/networkTopology/egressSummaries", |c| c.get_egress_summaries()),
    case!("GET", "/api/v1/networkTopology/ingressUnresolvedIps", "/api/v1/networkTopology/ingressUnresolvedIps", |c| c.list_ingress_unresolved_ips()),
    case!("GET", "/api/v1/networkTopology/egressUnresolvedIps", "/api/v1/networkTopology/egressUnresolvedIps", |c| c.list_egress_unresolved_ips()),
    case!("GET", "/api/v1/networkTopology/ownerTopology", "/api/v1/networkTopology/ownerTopology", |c| c.get_owner_topology()),
    case!("GET", "/api/v1/networkTopology/status", "/api/v1/networkTopology/status", |c| c.get_network_topology_status()),
    case!("GET", "/api/v1/networkTopology/workloadLabelKeys", "/api/v1/networkTopology/workloadLabelKeys", |c| c.list_workload_label_keys()),
    case!("GET", "/api/v1/networkTopology/namespaceLabelKeys", "/api/v1/networkTopology/namespaceLabelKeys", |c| c.list_namespace_label_keys()),
    case!("POST", "/api/v1/networkSecurity/namespaces/{namespaceName}/simulatedPolicies", "/api/v1/networkSecurity/namespaces/x-namespace-name/simulatedPolicies", |c| c.create_simulated_network_policy("x-namespace-name")),
    case!("POST", "/api/v1/networkSecurity/networkPolicyOverlayOwnerTopology", "/api/v1/networkSecurity/networkPolicyOverlayOwnerTopology", |c| c.get_network_policy_overlay_owner_topology()),
    case!("GET", "/api/v1/networkSecurity/status", "/api/v1/networkSecurity/status", |c| c.get_network_security_status()),
    case!("GET", "/api/v1/captures", "/api/v1/captures", |c| c.list_captures()),
    case!("POST", "/api/v1/captures", "/api/v1/captures", |c| c.create_capture(json!({}))),
    case!("DELETE", "/api/v1/captures", "/api/v1/captures", |c| c.delete_captures()),
    case!("GET", "/api/v1/captures/{captureId}", "/api/v1/captures/x-capture-id", |c| c.get_capture("x-capture-id")),
    case!("PUT", "/api/v1/captures/{captureId}", "/api/v1/captures/x-capture-id", |c| c.update_capture("x-capture-id", json!({}))),
    case!("GET", "/api/v1/captures/{captureId}/download", "/api/v1/captures/x-capture-id/download", |c| c.download_capture("x-capture-id")),
    case!("POST", "/api/v1/captures/{captureId}/stop", "/api/v1/captures/x-capture-id/stop", |c| c.stop_capture("x-capture-id")),
    case!("GET", "/api/scanning/v1/images/{imageDigest}/vulnSummary", "/api/scanning/v1/images/x-image-digest/vulnSummary", |c| c.get_image_vuln_summary("x-image-digest")),
    case!("GET", "/api/scanning/v1/images/{imageDigest}/vulnSummaryDirect", "/api/scanning/v1/images/x-image-digest/vulnSummaryDirect", |c| c.get_image_vuln_summary_direct("x-image-digest")),
    case!("GET", "/api/scanning/v1/images/by_id/{imageId}/vulnSummaryDirect", "/api/scanning/v1/images/by_id/x-image-id/vulnSummaryDirect", |c| c.get_image_vuln_summary_direct_by_id("x-image-id")),
    case!("GET", "/api/scanning/v1/images/{imageDigest}/vuln/{vtype}", "/api/scanning/v1/images/x-image-digest/vuln/os", |c| c.get_image_vulns("x-image-digest", types::VulnerabilityType::Os)),
    case!("GET", "/api/scanning/v1/images/{imageDigest}/vulnDirect/{vtype}", "/api/scanning/v1/images/x-image-digest/vulnDirect/os", |c| c.get_image_vulns_direct("x-image-digest", types::DirectVulnerabilityType::Os)),
    case!("GET", "/api/scanning/v1/images/by_id/{imageId}/vulnDirect/{vtype}", "/api/scanning/v1/images/by_id/x-image-id/vulnDirect/os", |c| c.get_image_vulns_direct_by_id("x-image-id", types::DirectVulnerabilityType::Os)),
    case!("GET", "/api/scanning/v1/images/{imageDigest}/vulnexceptions", "/api/scanning/v1/images/x-image-digest/vulnexceptions", |c| c.list_image_vuln_exception_lists("x-image-digest")),
    case!("GET", "/api/scanning/v1/images/by_id/{imageId}/vulnexceptions", "/api/scanning/v1/images/by_id/x-image-id/vulnexceptions", |c| c.list_image_vuln_exception_lists_by_id("x-image-id")),
    case!("GET", "/api/scanning/v1/images/{imageDigest}/content/{ctype}", "/api/scanning/v1/images/x-image-digest/content/os", |c| c.get_image_content("x-image-digest", types::ImageContentType::Os)),
    case!("GET", "/api/scanning/v1/images/by_id/{imageId}/content/{ctype}", "/api/scanning/v1/images/by_id/x-image-id/content/os", |c| c.get_image_content_by_id("x-image-id", types::ImageContentType::Os)),
    case!("GET", "/api/scanning/v1/images/{imageDigest}/checkSummary", "/api/scanning/v1/images/x-image-digest/checkSummary", |c| c.get_image_check_summary("x-image-digest")),
    case!("GET", "/api/scanning/v1/images/by_id/{imageId}/checkSummary", "/api/scanning/v1/images/by_id/x-image-id/checkSummary", |c| c.get_image_check_summary_by_id("x-image-id")),
    case!("GET", "/api/scanning/v1/images/{imageDigest}/checkSummary/{policyId}", "/api/scanning/v1/images/x-image-digest/checkSummary/x-policy-id", |c| c.get_image_policy_check_summary("x-image-digest", "x-policy-id")),
    case!("GET", "/api/scanning/v1/images/by_id/{imageId}/checkSummary/{policyId}", "/api/scanning/v1/images/by_id/x-image-id/checkSummary/x-policy-id", |c| c.get_image_policy_check_summary_by_id("x-image-id", "x-policy-id")),
    case!("GET", "/api/scanning/v1/images/{imageDigest}/policyEvaluation", "/api/scanning/v1/images/x-image-digest/policyEvaluation", |c| c.get_image_policy_evaluation("x-image-digest")),
    case!("GET", "/api/scanning/v1/images/by_id/{imageId}/policyEvaluation", "/api/scanning/v1/images/by_id/x-image-id/policyEvaluation", |c| c.get_image_policy_evaluation_by_id("x-image-id")),
    case!("GET", "/api/scanning/v1/policies", "/api/scanning/v1/policies", |c| c.list_scanning_policies()),
    case!("POST", "/api/scanning/v1/policies", "/api/scanning/v1/policies", |c| c.create_scanning_policy(json!({}))),
    case!("GET", "/api/scanning/v1/auditPolicies", "/api/scanning/v1/auditPolicies", |c| c.list_audit_policy_ids()),
    case!("GET", "/api/scanning/v1/policies/{id}", "/api/scanning/v1/policies/x-id", |c| c.get_scanning_policy("x-id")),
    case!("PUT", "/api/scanning/v1/policies/{id}", "/api/scanning/v1/policies/x-id", |c| c.update_scanning_policy("x-id", json!({}))),
    case!("DELETE", "/api/scanning/v1/policies/{id}", "/api/scanning/v1/policies/x-id", |c| c.delete_scanning_policy("x-id")),
    case!("GET", "/api/scanning/v1/registryDisplayNames", "/api/scanning/v1/registryDisplayNames", |c| c.list_registry_display_names()),
    case!("GET", "/api/scanning/v1/whitelists", "/api/scanning/v1/whitelists", |c| c.list_whitelists()),
    case!("POST", "/api/scanning/v1/whitelists", "/api/scanning/v1/whitelists", |c| c.create_whitelist(json!({}))),
    case!("GET", "/api/scanning/v1/whitelists/{id}", "/api/scanning/v1/whitelists/x-id", |c| c.get_whitelist("x-id")),
    case!("PUT", "/api/scanning/v1/whitelists/{id}", "/api/scanning/v1/whitelists/x-id", |c| c.update_whitelist("x-id", json!({}))),
    case!("DELETE", "/api/scanning/v1/whitelists/{id}", "/api/scanning/v1/whitelists/x-id", |c| c.delete_whitelist("x-id")),
    case!("GET", "/api/scanning/v1/vulnexceptions", "/api/scanning/v1/vulnexceptions", |c| c.list_vuln_exception_lists()),
    case!("POST", "/api/scanning/v1/vulnexceptions", "/api/scanning/v1/vulnexceptions", |c| c.create_vuln_exception_list(json!({}))),
    case!("GET", "/api/scanning/v1/vulnexceptions/{id}", "/api/scanning/v1/vulnexceptions/x-id", |c| c.get_vuln_exception_list("x-id")),
    case!("PUT", "/api/scanning/v1/vulnexceptions/{id}", "/api/scanning/v1/vulnexceptions/x-id", |c| c.update_vuln_exception_list("x-id", json!({}))),
    case!("DELETE", "/api/scanning/v1/vulnexceptions/{id}", "/api/scanning/v1/vulnexceptions/x-id", |c| c.delete_vuln_exception_list("x-id")),
    case!("POST", "/api/scanning/v1/vulnexceptions/{id}/vulnerabilities", "/api/scanning/v1/vulnexceptions/x-id/vulnerabilities", |c| c.add_vuln_exception_vulnerability("x-id", json!({}))),
    case!("GET", "/api/scanning/v1/vulnexceptions/{id}/vulnerabilities/{vulnId}", "/api/scanning/v1/vulnexceptions/x-id/vulnerabilities/x-vuln-id", |c| c.get_vuln_exception_vulnerability("x-id", "x-vuln-id")),
    case!("PUT", "/api/scanning/v1/vulnexceptions/{id}/vulnerabilities/{vulnId}", "/api/scanning/v1/vulnexceptions/x-id/vulnerabilities/x-vuln-id", |c| c.update_vuln_exception_vulnerability("x-id", "x-vuln-id", json!({}))),
    case!("DELETE", "/api/scanning/v1/vulnexceptions/{id}/vulnerabilities/{vulnId}", "/api/scanning/v1/vulnexceptions/x-id/vulnerabilities/x-vuln-id", |c| c.remove_vuln_exception_vulnerability("x-id", "x-vuln-id")),
    case!("GET", "/api/scanning/v1/vulnerabilities/{id}", "/api/scanning/v1/vulnerabilities/x-id", |c| c.get_vulnerability("x-id")),
    case!("GET", "/api/scanning/v1/mappings", "/api/scanning/v1/mappings", |c| c.list_scanning_mappings()),
    case!("PUT", "/api/scanning/v1/mappings", "/api/scanning/v1/mappings", |c| c.update_scanning_mappings(json!({}))),
    case!("GET", "/api/scanning/v1/whitelistedImages", "/api/scanning/v1/whitelistedImages", |c| c.get_whitelisted_images()),
    case!("PUT", "/api/scanning/v1/whitelistedImages", "/api/scanning/v1/whitelistedImages", |c| c.update_whitelisted_images(json!({}))),
    case!("GET", "/api/scanning/v1/blacklistedImages", "/api/scanning/v1/blacklistedImages", |c| c.get_blacklisted_images()),
    case!("PUT", "/api/scanning/v1/blacklistedImages", "/api/scanning/v1/blacklistedImages", |c| c.update_blacklisted_images(json!({}))),
    case!("GET", "/api/scanning/v1/alerts", "/api/scanning/v1/alerts", |c| c.list_scanning_alerts()),
    case!("POST", "/api/scanning/v1/alerts", "/api/scanning/v1/alerts", |c| c.create_scanning_alert(json!({}))),
    case!("GET", "/api/scanning/v1/alerts/{id}", "/api/scanning/v1/alerts/x-id", |c| c.get_scanning_alert("x-id")),
    case!("PUT", "/api/scanning/v1/alerts/{id}", "/api/scanning/v1/alerts/x-id", |c| c.update_scanning_alert("x-id", json!({}))),
    case!("DELETE", "/api/scanning/v1/alerts/{id}", "/api/scanning/v1/alerts/x-id", |c| c.delete_scanning_alert("x-id")),
    case!("POST", "/api/scanning/v1/query/containers", "/api/scanning/v1/query/containers", |c| c.list_runtime_images(json!({}))),
    case!("POST", "/api/scanning/v1/reports", "/api/scanning/v1/reports", |c| c.generate_scanning_report(json!({}))),
    case!("POST", "/api/scanning/v1/reports/csv", "/api/scanning/v1/reports/csv", |c| c.generate_scanning_report_csv(json!({}))),
    case!("GET", "/api/scanning/v1/results", "/api/scanning/v1/results", |c| c.list_scanning_results()),
    case!("GET", "/api/scanning/v1/retention/policy", "/api/scanning/v1/retention/policy", |c| c.get_retention_policy()),
    case!("PUT", "/api/scanning/v1/retention/policy", "/api/scanning/v1/retention/policy", |c| c.update_retention_policy(json!({}))),
    case!("GET", "/api/scanning/v1/system/feeds", "/api/scanning/v1/system/feeds", |c| c.list_system_feeds()),
    case!("GET", "/api/v1/secureEvents", "/api/v1/secureEvents", |c| c.list_secure_events()),
    case!("GET", "/api/v1/secureEvents/status", "/api/v1/secureEvents/status", |c| c.get_secure_events_status()),
    case!("GET", "/api/v1/secureEvents/hasEvents", "/api/v1/secureEvents/hasEvents", |c| c.has_secure_events()),
    case!("GET", "/api/v1/secureEvents/filters", "/api/v1/secureEvents/filters", |c| c.list_secure_events_filters()),
    case!("GET", "/api/v1/secureEvents/{eventId}", "/api/v1/secureEvents/x-event-id", |c| c.get_secure_event("x-event-id")),
    case!("GET", "/api/vi/secureEvents/count", "/api/v1/secureEvents/count", |c| c.get_secure_events_count(7, 7)),
    case!("GET", "/api/vi/secureEvents/topStats", "/api/v1/secureEvents/topStats", |c| c.get_secure_events_top_stats(7, 7)),
    case!("GET", "/api/vi/secureEvents/timeSeries", "/api/v1/secureEvents/timeSeries", |c| c.get_secure_events_time_series("x-metric", 7, 7)),
    case!("GET", "/api/v2/activityAudit/summary", "/api/v2/activityAudit/summary", |c| c.get_activity_audit_summary()),
    case!("GET", "/api/v2/activityAudit/events", "/api/v2/activityAudit/events", |c| c.list_activity_audit_events()),
    case!("GET", "/api/v2/activityAudit/events/{type}/{eventId}", "/api/v2/activityAudit/events/commands/x-event-id", |c| c.get_activity_audit_event(types::ActivityAuditEventType::Commands, "x-event-id")),
    case!("GET", "/api/v2/activityAudit/events/{type}/{eventId}/trace", "/api/v2/activityAudit/events/commands/x-event-id/trace", |c| c.get_activity_audit_event_trace(types::ActivityAuditEventType::Commands, "x-event-id")),
    case!("GET", "/api/v1/eventsForwarding/supported", "/api/v1/eventsForwarding/supported", |c| c.list_events_forwarding_supported_targets()),
    case!("GET", "/api/v1/eventsForwarding/channels", "/api/v1/eventsForwarding/channels", |c| c.list_events_forwarding_channels()),
    case!("GET", "/api/v1/eventsForwarding/integrations", "/api/v1/eventsForwarding/integrations", |c| c.list_events_forwarding_integrations()),
    case!("POST", "/api/v1/eventsForwarding/integrations", "/api/v1/eventsForwarding/integrations", |c| c.create_events_forwarding_integration(json!({}))),
    case!("GET", "/api/v1/eventsForwarding/integrations/{integrationId}", "/api/v1/eventsForwarding/integrations/7", |c| c.get_events_forwarding_integration(7)),
    case!("PATCH", "/api/v1/eventsForwarding/integrations/{integrationId}", "/api/v1/eventsForwarding/integrations/7", |c| c.update_events_forwarding_integration(7, json!({}))),
    case!("DELETE", "/api/v1/eventsForwarding/integrations/{integrationId}", "/api/v1/eventsForwarding/integrations/7", |c| c.delete_events_forwarding_integration(7)),
    case!("GET", "/api/v1/profiling/profileGroups", "/api/v1/profiling/profileGroups", |c| c.list_profile_groups()),
    case!("GET", "/api/v1/profiling/profileGroups/{profileGroupId}", "/api/v1/profiling/profileGroups/x-profile-group-id", |c| c.get_profile_group("x-profile-group-id")),
    case!("GET", "/api/v1/profiling/profileGroups/{profileGroupId}/profiles", "/api/v1/profiling/profileGroups/x-profile-group-id/profiles", |c| c.list_profile_group_profiles("x-profile-group-id")),
    case!("GET", "/api/v1/profiling/profiles/{profileId}", "/api/v1/profiling/profiles/x-profile-id", |c| c.get_profile("x-profile-id")),
    case!("POST", "/api/v1/profiling/profiles/{profileId}/actions/reset", "/api/v1/profiling/profiles/x-profile-id/actions/reset", |c| c.reset_profile("x-profile-id")),
    case!("POST", "/api/v1/profiling/profiles/{profileId}/actions/remove", "/api/v1/profiling/profiles/x-profile-id/actions/remove", |c| c.remove_profile("x-profile-id")),
    case!("GET", "/api/v1/profiling/status", "/api/v1/profiling/status", |c| c.get_profiling_status()),
    case!("PUT", "/api/settings/falco/lists/{listId}", "/api/settings/falco/lists/x-list-id", |c| c.update_default_falco_list("x-list-id", types::FalcoList::default())),
    case!("PUT", "/api/settings/falco/lists", "/api/settings/falco/lists", |c| c.update_default_falco_lists(Vec::new())),
    case!("POST", "/api/secure/falco/lists", "/api/secure/falco/lists", |c| c.create_falco_list(types::FalcoList::default())),
    case!("GET", "/api/secure/falco/lists/{listId}", "/api/secure/falco/lists/x-list-id", |c| c.get_falco_list("x-list-id")),
    case!("PUT", "/api/secure/falco/lists/{listId}", "/api/secure/falco/lists/x-list-id", |c| c.update_falco_list("x-list-id", types::FalcoList::default())),
    case!("DELETE", "/api/secure/falco/lists/{listId}", "/api/secure/falco/lists/x-list-id", |c| c.delete_falco_list("x-list-id")),
    case!("GET", "/api/secure/falco/lists/summaries", "/api/secure/falco/lists/summaries", |c| c.list_falco_list_summaries()),
    case!("GET", "/api/secure/falco/lists/groups", "/api/secure/falco/lists/groups", |c| c.get_falco_list_group()),
    case!("GET", "/api/settings/falco/defaultRulesFiles", "/api/settings/falco/defaultRulesFiles", |c| c.get_default_falco_rules_files()),
    case!("GET", "/api/settings/falco/newestDefaultRulesFiles", "/api/settings/falco/newestDefaultRulesFiles", |c| c.get_newest_default_falco_rules_files()),
    case!("GET", "/api/settings/falco/customRulesFiles", "/api/settings/falco/customRulesFiles", |c| c.get_custom_falco_rules_files()),
    case!("PUT", "/api/settings/falco/customRulesFiles", "/api/settings/falco/customRulesFiles", |c| c.set_custom_falco_rules_files(json!({}))),
    case!("GET", "/api/settings/falco/customRulesFiles/{filename}", "/api/settings/falco/customRulesFiles/x-filename", |c| c.get_custom_falco_rules_file("x-filename")),
    case!("PUT", "/api/settings/falco/customRulesFiles/{filename}", "/api/settings/falco/customRulesFiles/x-filename", |c| c.update_custom_falco_rules_file("x-filename", json!({}))),
    case!("DELETE", "/api/settings/falco/customRulesFiles/{filename}", "/api/settings/falco/customRulesFiles/x-filename", |c| c.delete_custom_falco_rules_file("x-filename")),
    case!("POST", "/api/v2/policies", "/api/v2/policies", |c| c.create_security_policy(json!({}))),
    case!("GET", "/api/v2/policies", "/api/v2/policies", |c| c.list_security_policies()),
    case!("GET", "/api/v2/policies/{id}", "/api/v2/policies/x-id", |c| c.get_security_policy("x-id")),
    case!("PUT", "/api/v2/policies/{id}", "/api/v2/policies/x-id", |c| c.update_security_policy("x-id", json!({}))),
    case!("DELETE", "/api/v2/policies/{id}", "/api/v2/policies/x-id", |c| c.delete_security_policy("x-id")),
    case!("POST", "/api/v2/policies/batch", "/api/v2/policies/batch", |c| c.create_security_policy_batch(json!({}))),
    case!("POST", "/api/secure/rules", "/api/secure/rules", |c| c.create_rule(json!({}))),
    case!("GET", "/api/secure/rules/{ruleId}", "/api/secure/rules/x-rule-id", |c| c.get_rule("x-rule-id")),
    case!("PUT", "/api/secure/rules/{ruleId}", "/api/secure/rules/x-rule-id", |c| c.update_rule("x-rule-id", json!({}))),
    case!("DELETE", "/api/secure/rules/{ruleId}", "/api/secure/rules/x-rule-id", |c| c.delete_rule("x-rule-id")),
    case!("GET", "/api/secure/rules/summaries", "/api/secure/rules/summaries", |c| c.list_rule_summaries()),
    case!("GET", "/api/secure/rules/groups", "/api/secure/rules/groups", |c| c.get_rule_group()),
    case!("GET", "/api/policies/v3/rules/groups", "/api/policies/v3/rules/groups", |c| c.get_rule_groups_by_names(vec!["x-name".to_owned()])),
    case!("GET", "/api/secure/rules/policyMappings", "/api/secure/rules/policyMappings", |c| c.get_rule_policy_mappings()),
    case!("GET", "/api/secure/rules/tags", "/api/secure/rules/tags", |c| c.list_rule_tags()),
    case!("POST", "/api/secure/falco/macros", "/api/secure/falco/macros", |c| c.create_falco_macro(json!({}))),
    case!("GET", "/api/secure/falco/macros/{macroId}", "/api/secure/falco/macros/x-macro-id", |c| c.get_falco_macro("x-macro-id")),
    case!("PUT", "/api/secure/falco/macros/{macroId}", "/api/secure/falco/macros/x-macro-id", |c| c.update_falco_macro("x-macro-id", json!({}))),
    case!("DELETE", "/api/secure/falco/macros/{macroId}", "/api/secure/falco/macros/x-macro-id", |c| c.delete_falco_macro("x-macro-id")),
    case!("GET", "/api/secure/falco/macros/summaries", "/api/secure/falco/macros/summaries", |c| c.list_falco_macro_summaries()),
    case!("GET", "/api/secure/falco/macros/groups", "/api/secure/falco/macros/groups", |c| c.get_falco_macro_group()),
    case!("GET", "/api/settings/falco/filters", "/api/settings/falco/filters", |c| c.list_falco_filters()),
    case!("POST", "/api/v1/secure/policyTuner/enable", "/api/v1/secure/policyTuner/enable", |c| c.enable_policy_tuner()),
    case!("POST", "/api/v1/secure/policyTuner/disable", "/api/v1/secure/policyTuner/disable", |c| c.disable_policy_tuner()),
    case!("POST", "/api/v1/secure/policyTuner/tuneNow", "/api/v1/secure/policyTuner/tuneNow", |c| c.run_policy_tuner_now()),
    case!("GET", "/api/v1/secure/policyTuner/tuningEnabled", "/api/v1/secure/policyTuner/tuningEnabled", |c| c.get_policy_tuning_enabled()),
    case!("GET", "/api/v1/secure/policyTuner/status", "/api/v1/secure/policyTuner/status", |c| c.get_policy_tuner_status()),
    case!("POST", "/api/v1/secure/policyTuner/excludeEvents", "/api/v1/secure/policyTuner/excludeEvents", |c| c.suggest_event_exclusions()),
    case!("POST", "/api/v1/secure/policyTuner/exceptions", "/api/v1/secure/policyTuner/exceptions", |c| c.add_policy_tuner_exceptions(json!({}))),
    case!("POST", "/api/ticketing/v1/integrations/{provider}", "/api/ticketing/v1/integrations/x-provider", |c| c.create_ticketing_integration("x-provider", json!({}))),
    case!("GET", "/api/ticketing/v1/integrations/{provider}", "/api/ticketing/v1/integrations/x-provider", |c| c.list_ticketing_integrations("x-provider")),
    case!("GET", "/api/ticketing/v1/integrations/{provider}/{integration_id}", "/api/ticketing/v1/integrations/x-provider/x-integration-id", |c| c.get_ticketing_integration("x-provider", "x-integration-id")),
    case!("PUT", "/api/ticketing/v1/integrations/{provider}/{integration_id}", "/api/ticketing/v1/integrations/x-provider/x-integration-id", |c| c.update_ticketing_integration("x-provider", "x-integration-id", json!({}))),
    case!("DELETE", "/api/ticketing/v1/integrations/{provider}/{integration_id}", "/api/ticketing/v1/integrations/x-provider/x-integration-id", |c| c.delete_ticketing_integration("x-provider", "x-integration-id")),
    case!("GET", "/api/ticketing/v1/integrations/{provider}/{integration_id}/projects", "/api/ticketing/v1/integrations/x-provider/x-integration-id/projects", |c| c.list_ticketing_projects("x-provider", "x-integration-id")),
    case!("GET", "/api/ticketing/v1/integrations/{provider}/{integration_id}/project/{project_id}/projectMeta", "/api/ticketing/v1/integrations/x-provider/x-integration-id/project/x-project-id/projectMeta", |c| c.get_ticketing_project_meta("x-provider", "x-integration-id", "x-project-id")),
    case!("GET", "/api/cloudauth/v1/accounts", "/api/cloudauth/v1/accounts", |c| c.list_cloud_accounts()),
    case!("POST", "/api/cloudauth/v1/accounts", "/api/cloudauth/v1/accounts", |c| c.create_cloud_account(json!({}))),
    case!("GET", "/api/cloudauth/v1/accounts/{accountId}", "/api/cloudauth/v1/accounts/x-account-id", |c| c.get_cloud_account("x-account-id")),
    case!("DELETE", "/api/cloudauth/v1/accounts/{accountId}", "/api/cloudauth/v1/accounts/x-account-id", |c| c.delete_cloud_account("x-account-id")),
    case!("PUT", "/api/cloudauth/v1/accounts/{accountId}", "/api/cloudauth/v1/accounts/x-account-id", |c| c.update_cloud_account("x-account-id", json!({}))),
    case!("GET", "/api/cloudauth/v1/accounts/{accountId}/components", "/api/cloudauth/v1/accounts/x-account-id/components", |c| c.list_cloud_account_components("x-account-id")),
    case!("POST", "/api/cloudauth/v1/accounts/{accountId}/components", "/api/cloudauth/v1/accounts/x-account-id/components", |c| c.create_cloud_account_component("x-account-id", json!({}))),
    case!("GET", "/api/cloudauth/v1/accounts/{accountId}/components/{componentType}/{componentInstance}", "/api/cloudauth/v1/accounts/x-account-id/components/COMPONENT_UNSPECIFIED/x-component-instance", |c| c.get_cloud_account_component("x-account-id", types::CloudAccountComponentType::ComponentUnspecified, "x-component-instance")),
    case!("DELETE", "/api/cloudauth/v1/accounts/{accountId}/components/{componentType}/{componentInstance}", "/api/cloudauth/v1/accounts/x-account-id/components/COMPONENT_UNSPECIFIED/x-component-instance", |c| c.delete_cloud_account_component("x-account-id", types::CloudAccountComponentType::ComponentUnspecified, "x-component-instance")),
    case!("PUT", "/api/cloudauth/v1/accounts/{accountId}/components/{componentType}/{componentInstance}", "/api/cloudauth/v1/accounts/x-account-id/components/COMPONENT_UNSPECIFIED/x-component-instance", |c| c.update_cloud_account_component("x-account-id", types::CloudAccountComponentType::ComponentUnspecified, "x-component-instance", json!({}))),
    case!("PUT", "/api/cloudauth/v1/accounts/{accountId}/features/{featureType}", "/api/cloudauth/v1/accounts/x-account-id/features/FEATURE_UNSPECIFIED", |c| c.update_cloud_account_feature("x-account-id", types::UpdateCloudAccountFeatureFeatureType::FeatureUnspecified, json!({}))),
    ]
}

#[tokio::test]
async fn every_operation_sends_the_method_and_path_the_page_prints() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .bearer_token("token")
        .ibm_instance_id("instance")
        .account("account")
        .max_retries(0)
        .build()
        .expect("a client for the mock server builds");
    let cases = cases();
    for (index, case) in cases.iter().enumerate() {
        (case.call)(&client).await;
        let received = server
            .received_requests()
            .await
            .expect("requests are recorded");
        assert_eq!(
            received.len(),
            index + 1,
            "{} {} sent no request or several",
            case.method,
            case.page_path
        );
        let request = received.last().expect("one request per case");
        assert_eq!(
            (request.method.as_str(), request.url.path()),
            (case.method, case.sent_path),
            "the operation the page prints as `{} {}`",
            case.method,
            case.page_path
        );
    }
    assert_eq!(cases.len(), 182);
}

#[test]
fn the_table_has_one_case_per_operation_of_the_spec() {
    let text =
        std::fs::read_to_string(clientgen_tests::repo_root().join("specs/sysdig/openapi.yaml"))
            .expect("the spec is readable");
    let spec: serde_yaml::Value = serde_yaml::from_str(&text).expect("the spec is YAML");
    let mut in_spec = BTreeSet::new();
    for (path, item) in spec["paths"].as_mapping().expect("paths") {
        for method in item.as_mapping().expect("a path item").keys() {
            let method = method.as_str().expect("a key");
            if ["get", "put", "post", "delete", "patch"].contains(&method) {
                in_spec.insert((
                    method.to_ascii_uppercase(),
                    path.as_str().expect("a path").to_owned(),
                ));
            }
        }
    }
    let in_table: BTreeSet<(String, String)> = cases()
        .iter()
        .map(|case| {
            (
                case.method.to_owned(),
                case.page_path.replace("/api/vi/", "/api/v1/"),
            )
        })
        .collect();
    assert_eq!(
        in_table.len(),
        cases().len(),
        "a page line appears twice in the table"
    );
    assert_eq!(in_table, in_spec);
}
