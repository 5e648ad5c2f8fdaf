//! Arbitrary bytes as a document, against the embedded default pack, with the production
//! limits: never a panic, always a result or an `InputError`.
#![no_main]

use std::sync::OnceLock;

use chrono::NaiveDate;
use libfuzzer_sys::fuzz_target;
use qagida::{Options, Pack, Severity};

fn pack() -> &'static Pack {
    static PACK: OnceLock<Pack> = OnceLock::new();
    PACK.get_or_init(|| Pack::embedded().expect("the embedded pack loads"))
}

fuzz_target!(|data: &[u8]| {
    let pack = pack();
    // The first byte picks the language and whether the document's own date is used.
    let (sel, body) = data.split_first().map_or((0, data), |(s, b)| (*s, b));
    let opts = Options {
        lang: pack.languages.get(usize::from(sel % 3)).map(|l| l.code().to_string()),
        as_of: if sel & 4 != 0 { NaiveDate::from_ymd_opt(2026, 4, 2) } else { None },
        ..Options::default()
    };
    if let Ok(r) = pack.validate_bytes(body, &opts) {
        // Results always serialise, and `valid` agrees with the findings.
        let text = serde_json::to_string(&r).expect("result serialises");
        assert!(!text.is_empty());
        let has_error = r.findings.iter().any(|f| f.severity == Severity::Error);
        assert_eq!(r.valid, !has_error);
        assert!(r.findings.len() <= opts.max_findings + 1);
    }
});
