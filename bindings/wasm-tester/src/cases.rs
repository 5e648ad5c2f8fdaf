//! The outcome of a pack test case as JS sees it; its `Tsify` derive writes the TypeScript
//! declaration into the tester module's `.d.ts`.

use serde::{Deserialize, Serialize};
use tsify::Tsify;

/// The outcome of one of the pack's own test cases (`qagida test`).
#[derive(Tsify, Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct PackTestCase {
    /// The rule's ID, or `fixture:NAME` for a fixture check.
    pub rule_id: String,
    pub name: String,
    pub passed: bool,
    /// Why it failed (empty when it passed).
    pub detail: String,
}

impl From<&qagida::testing::CaseOutcome> for PackTestCase {
    fn from(c: &qagida::testing::CaseOutcome) -> Self {
        PackTestCase { rule_id: c.rule_id.clone(), name: c.name.clone(), passed: c.passed, detail: c.detail.clone() }
    }
}
