//! `qagida test`: a pack's own test cases.

use super::*;

pub(crate) fn test(pack: &Pack, verbose: bool) -> u8 {
    let outcomes = run_pack_tests(pack);
    let mut by_rule: Vec<(String, usize, Vec<&qagida::testing::CaseOutcome>)> = Vec::new();
    for o in &outcomes {
        match by_rule.last_mut() {
            Some((id, n, fails)) if *id == o.rule_id => {
                *n += 1;
                if !o.passed {
                    fails.push(o);
                }
            }
            _ => by_rule.push((o.rule_id.clone(), 1, if o.passed { vec![] } else { vec![o] })),
        }
    }
    let passed = outcomes.iter().filter(|o| o.passed).count();
    let failed = outcomes.len() - passed;
    report(u8::from(failed > 0), |out| {
    for (id, n, fails) in &by_rule {
        if fails.is_empty() {
            writeln!(out, "ok    {:<28} {n} case(s)", clean(id))?;
        } else {
            writeln!(out, "FAIL  {:<28} {} of {n} case(s) failed", clean(id), fails.len())?;
            for f in fails {
                writeln!(out, "        - {}: {}", clean(&f.name), clean(&f.detail))?;
            }
        }
        if verbose {
            for o in outcomes.iter().filter(|o| &o.rule_id == id) {
                writeln!(out, "        {} {}", if o.passed { "✓" } else { "✗" }, clean(&o.name))?;
            }
        }
    }
    writeln!(out, "{passed} passed, {failed} failed")
    })
}
