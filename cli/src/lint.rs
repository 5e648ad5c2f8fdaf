//! `qagida lint`: a pack's statistics and warnings.

use super::*;

pub(crate) fn lint(pack: &Pack) -> u8 {
    let mut warnings = Vec::new();
    for r in &pack.rules {
        let pass = r.tests.iter().filter(|t| t.expect == Expect::Pass).count();
        let fail = r.tests.iter().filter(|t| t.expect == Expect::Fail).count();
        if pass == 0 {
            warnings.push(format!("{}:{}: rule {} has no passing test case", r.file, r.line, r.id));
        }
        if fail == 0 {
            warnings.push(format!("{}:{}: rule {} has no failing test case", r.file, r.line, r.id));
        }
    }
    for name in pack.doc_types.keys() {
        let has_rules = pack.rules.iter().any(|r| r.applies_to.contains(name));
        if has_rules && !pack.fixtures.contains_key(name) {
            warnings.push(format!("fixtures/{name}.json: no fixture for document type `{name}`"));
        }
    }
    let checks: usize = pack.rules.iter().map(|r| r.checks.len()).sum();
    let tests: usize = pack.rules.iter().map(|r| r.tests.len()).sum();
    report(0, |out| {
        for w in &warnings {
            writeln!(out, "warning: {}", clean(w))?;
        }
        writeln!(
            out,
            "{} {}: {} rules, {} checks, {} tests, {} document types — {} warning(s)",
            clean(&pack.id),
            clean(&pack.version),
            pack.rules.len(),
            checks,
            tests,
            pack.doc_types.len(),
            warnings.len()
        )
    })
}
