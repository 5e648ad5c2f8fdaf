//! The decision log (`--decision-log FILE|-`): one NDJSON record per document validated —
//! its `decision_id` (also the response's `x-decision-id` header), the time, the pack's id and
//! version, the document type, the verdict and the rule IDs that fired.
//!
//! **No patient data.** A record holds nothing the document says except its `document_type`,
//! and that only when it is one of the pack's document types: no IIN, no name, no document id,
//! no finding text (a finding's message and `actual` can quote the document), no hash of any of
//! them. What a decision was about is found by its `decision_id`, which the client holds.

use std::io::Write;
use std::path::Path;
use std::sync::Mutex;

use chrono::{SecondsFormat, Utc};
use serde::Serialize;

/// Where the records go: a file opened for appending, or standard output.
pub struct DecisionLog {
    out: Mutex<Box<dyn Write + Send>>,
}

/// One record.
#[derive(Serialize)]
pub struct Decision<'a> {
    pub decision_id: &'a str,
    pub time: String,
    /// `validate` or `batch`.
    pub endpoint: &'static str,
    /// The line of a batch.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    pub pack_id: &'a str,
    pub pack_version: &'a str,
    /// The document's type when the pack declares it; else `null`.
    pub document_type: Option<&'a str>,
    /// `valid`, `invalid`, or `unusable` (not a document: not JSON, over a limit).
    pub verdict: &'static str,
    /// The rule IDs of the findings, each once, in the result's order.
    pub rule_ids: Vec<&'a str>,
}

impl DecisionLog {
    pub fn open(path: &Path) -> Result<DecisionLog, String> {
        let out: Box<dyn Write + Send> = if path == Path::new("-") {
            Box::new(std::io::LineWriter::new(std::io::stdout()))
        } else {
            let f = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .map_err(|e| format!("--decision-log {}: {e}", path.display()))?;
            Box::new(std::io::LineWriter::new(f))
        };
        Ok(DecisionLog { out: Mutex::new(out) })
    }

    /// Writes one record (a line); false when it could not be written.
    pub fn write(&self, d: &Decision<'_>) -> bool {
        let Ok(mut line) = serde_json::to_vec(d) else { return false };
        line.push(b'\n');
        match self.out.lock() {
            Ok(mut out) => out.write_all(&line).is_ok(),
            Err(_) => false,
        }
    }
}

/// The record of one decision.
pub fn record<'a>(
    decision_id: &'a str,
    endpoint: &'static str,
    line: Option<u64>,
    pack: &'a qagida::Pack,
    document: &'a [u8],
    result: Option<&'a qagida::ValidationResult>,
) -> Decision<'a> {
    let mut rule_ids: Vec<&str> = Vec::new();
    for f in result.map(|r| r.findings.as_slice()).unwrap_or_default() {
        if !rule_ids.contains(&f.rule_id.as_str()) {
            rule_ids.push(&f.rule_id);
        }
    }
    Decision {
        decision_id,
        time: Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true),
        endpoint,
        line,
        pack_id: &pack.id,
        pack_version: &pack.version,
        document_type: result.and_then(|_| document_type(pack, document)),
        verdict: match result {
            Some(r) if r.valid => "valid",
            Some(_) => "invalid",
            None => "unusable",
        },
        rule_ids,
    }
}

/// The document's `document_type`, if the pack declares that type (so that no text of the
/// document other than a type name of the pack reaches the log).
fn document_type<'p>(pack: &'p qagida::Pack, document: &[u8]) -> Option<&'p str> {
    #[derive(serde::Deserialize)]
    struct Head<'a> {
        #[serde(borrow)]
        document_type: Option<std::borrow::Cow<'a, str>>,
    }
    let head: Head<'_> = serde_json::from_slice(document).ok()?;
    let t = head.document_type?;
    pack.doc_types.get_key_value(t.as_ref()).map(|(k, _)| k.as_str())
}
