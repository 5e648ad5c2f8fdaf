//! `qagida explain RULE`: a rule as its pack states it.

use super::*;

pub(crate) fn explain(pack: &Pack, id: &str, lang: Option<&str>) -> u8 {
    let Some(r) = pack.rule(id) else {
        eprintln!("error: no rule `{}` in {} {}", clean(id), clean(&pack.id), clean(&pack.version));
        return 2;
    };
    let lang = pack.language(lang);
    report(0, |out| explain_rule(out, pack, r, lang))
}

/// What `explain` shows of rule `r` (`qagida::explain`, which the service answers as JSON);
/// every text of the pack escaped for the terminal.
pub(crate) fn explain_rule(out: &mut dyn Write, pack: &Pack, r: &qagida::pack::Rule, lang: LangId) -> io::Result<()> {
    let e = qagida::explain::explain(pack, r, lang);
    writeln!(out, "{} — {}", clean(&e.id), clean(&e.title))?;
    writeln!(out, "  clause:     {}", clean(&e.clause))?;
    writeln!(out, "  applies to: {}", clean(&e.applies_to.join(", ")))?;
    writeln!(out, "  severity:   {}", e.severity.as_str())?;
    match e.effective_to {
        Some(to) => writeln!(out, "  in force:   {} … {} (exclusive)", e.effective_from, to)?,
        None => writeln!(out, "  in force:   from {}", e.effective_from)?,
    }
    writeln!(out, "  defined in: {}:{}", clean(&e.file), e.line)?;
    if let Some(w) = &e.when {
        writeln!(out, "  when:       {}", clean(w))?;
    }
    if let Some(p) = e.params.as_object().filter(|p| !p.is_empty()) {
        writeln!(out, "  params:")?;
        for (k, v) in p.iter() {
            writeln!(out, "    {} = {}", clean(k), clean(&v.to_string()))?;
        }
    }
    for (i, c) in e.checks.iter().enumerate() {
        writeln!(out, "  check {}:", i + 1)?;
        if let Some(sev) = c.severity {
            writeln!(out, "    severity  {}", sev.as_str())?;
        }
        for (k, v) in &c.source {
            writeln!(out, "    {:<9} {}", clean(k), clean(v))?;
        }
        if let Some(t) = &c.not_checked {
            writeln!(out, "    not checked: {}", clean(t))?;
        }
        for p in &c.paths {
            writeln!(out, "    path      {}", clean(p))?;
        }
    }
    writeln!(out, "  message:")?;
    for (l, t) in &e.message {
        writeln!(out, "    {}: {}", l, clean(t))?;
    }
    if !e.not_checked.is_empty() {
        writeln!(out, "  not checked:")?;
        for (l, t) in &e.not_checked {
            writeln!(out, "    {}: {}", l, clean(t))?;
        }
    }
    writeln!(out, "  tests:      {} pass, {} fail, {} info", e.tests.pass, e.tests.fail, e.tests.info)
}
