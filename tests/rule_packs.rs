//! Runs the tests every rule pack under `rules/` carries: one libtest case per rule test
//! case (named `PACK::RULE-ID::case name`) and per fixture, so a failure names itself.
use std::path::Path;

use libtest_mimic::{Arguments, Failed, Trial};
use qagida::Pack;
use qagida::testing::{check_fixtures, run_case};

fn main() {
    let args = Arguments::from_args();
    let rules_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let mut trials = Vec::new();
    let mut dirs: Vec<_> = std::fs::read_dir(&rules_dir)
        .map(|rd| rd.flatten().map(|e| e.path()).filter(|p| p.join("pack.toml").is_file()).collect())
        .unwrap_or_default();
    dirs.sort();
    for dir in dirs {
        let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let pack = match Pack::load_dir(&dir) {
            Ok(p) => std::sync::Arc::new(p),
            Err(e) => {
                let msg = e.to_string();
                trials.push(Trial::test(format!("{name}::loads"), move || Err(Failed::from(msg))));
                continue;
            }
        };
        trials.push(Trial::test(format!("{name}::loads"), || Ok(())));
        for outcome in check_fixtures(&pack) {
            trials.push(Trial::test(format!("{name}::{}", outcome.rule_id), move || {
                if outcome.passed { Ok(()) } else { Err(Failed::from(outcome.detail)) }
            }));
        }
        for (ri, rule) in pack.rules.iter().enumerate() {
            for (ti, t) in rule.tests.iter().enumerate() {
                let pack = pack.clone();
                trials.push(Trial::test(format!("{name}::{}::{}", rule.id, t.name), move || {
                    let rule = &pack.rules[ri];
                    let o = run_case(&pack, rule, &rule.tests[ti]);
                    if o.passed { Ok(()) } else { Err(Failed::from(o.detail)) }
                }));
            }
        }
    }
    libtest_mimic::run(&args, trials).exit();
}
