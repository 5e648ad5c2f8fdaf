//! `GET /metrics`: the service's Prometheus metrics (prometheus-client, the Prometheus
//! project's Rust client; OpenMetrics text). Every label takes values from a closed set —
//! the routes, the status codes, the pack's rule IDs and severities — never from a document.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

use crate::state::Serving;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    /// The route matched (`/v1/validate`), `other` for none.
    pub endpoint: &'static str,
    pub method: &'static str,
    pub status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct VerdictLabels {
    /// `valid`, `invalid`, or `unusable` (not a document: not JSON, over a limit).
    pub verdict: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct FindingLabels {
    pub rule_id: String,
    pub severity: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct PackLabels {
    pub id: String,
    pub version: String,
    pub key_id: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct OutcomeLabels {
    /// `ok`, `failed` (did not load or verify), `refused` (rollback).
    pub outcome: &'static str,
}

pub struct Metrics {
    registry: Registry,
    pub requests: Family<RequestLabels, Counter>,
    pub latency: Family<RequestLabels, Histogram>,
    pub documents: Family<VerdictLabels, Counter>,
    pub findings: Family<FindingLabels, Counter>,
    pub pack: Family<PackLabels, Gauge>,
    pub reloads: Family<OutcomeLabels, Counter>,
    pub decision_log_errors: Counter,
}

fn latency_histogram() -> Histogram {
    // 100 µs … 13 s.
    Histogram::new(exponential_buckets(0.0001, 2.0, 18))
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Metrics {
        let mut registry = Registry::with_prefix("qagida");
        let requests = Family::<RequestLabels, Counter>::default();
        let latency = Family::<RequestLabels, Histogram>::new_with_constructor(latency_histogram as fn() -> Histogram);
        let documents = Family::<VerdictLabels, Counter>::default();
        let findings = Family::<FindingLabels, Counter>::default();
        let pack = Family::<PackLabels, Gauge>::default();
        let reloads = Family::<OutcomeLabels, Counter>::default();
        let decision_log_errors = Counter::default();
        registry.register("http_requests", "HTTP requests by endpoint, method and status", requests.clone());
        registry.register_with_unit(
            "http_request_duration",
            "Time to the response's head, by endpoint, method and status",
            prometheus_client::registry::Unit::Seconds,
            latency.clone(),
        );
        registry.register("documents_validated", "Documents validated, by verdict", documents.clone());
        registry.register("findings", "Findings reported, by rule ID and severity", findings.clone());
        registry.register("pack_info", "The pack serving (value 1), by id, version and signing key id", pack.clone());
        registry.register("reloads", "Pack reloads by outcome (ok, failed, refused)", reloads.clone());
        registry.register("decision_log_errors", "Decision-log records that could not be written", decision_log_errors.clone());
        Metrics { registry, requests, latency, documents, findings, pack, reloads, decision_log_errors }
    }

    pub fn set_pack(&self, s: &Serving) {
        self.pack.clear();
        self.pack.get_or_create(&PackLabels { id: s.pack.id.clone(), version: s.pack.version.clone(), key_id: s.key_id.clone().unwrap_or_default() }).set(1);
    }

    pub fn reload(&self, outcome: &'static str) {
        self.reloads.get_or_create(&OutcomeLabels { outcome }).inc();
    }

    /// Counts one validation: its verdict and its findings.
    pub fn validated(&self, r: Result<&qagida::ValidationResult, ()>) {
        match r {
            Ok(r) => {
                self.documents.get_or_create(&VerdictLabels { verdict: if r.valid { "valid" } else { "invalid" } }).inc();
                for f in &r.findings {
                    self.findings.get_or_create(&FindingLabels { rule_id: f.rule_id.clone(), severity: f.severity.as_str() }).inc();
                }
            }
            Err(()) => {
                self.documents.get_or_create(&VerdictLabels { verdict: "unusable" }).inc();
            }
        }
    }

    /// The OpenMetrics text of every metric.
    pub fn encode(&self) -> String {
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut out, &self.registry);
        out
    }
}
