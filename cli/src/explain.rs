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

/// What `explain` shows of rule `r`; every text of the pack escaped for the terminal.
pub(crate) fn explain_rule(out: &mut dyn Write, pack: &Pack, r: &qagida::pack::Rule, lang: LangId) -> io::Result<()> {
    writeln!(out, "{} — {}", clean(&r.id), clean(r.title.get(lang)))?;
    writeln!(out, "  clause:     {}", clean(r.clause.get(lang)))?;
    writeln!(out, "  applies to: {}", clean(&r.applies_to.join(", ")))?;
    writeln!(out, "  severity:   {}", r.severity.as_str())?;
    match r.effective_to {
        Some(to) => writeln!(out, "  in force:   {} … {} (exclusive)", r.effective_from, to)?,
        None => writeln!(out, "  in force:   from {}", r.effective_from)?,
    }
    writeln!(out, "  defined in: {}:{}", clean(&r.file), r.line)?;
    if let Some(w) = &r.when_source {
        writeln!(out, "  when:       {}", clean(w))?;
    }
    if let Some(p) = r.params.as_object().filter(|p| !p.is_empty()) {
        writeln!(out, "  params:")?;
        for (k, v) in p.iter() {
            writeln!(out, "    {} = {}", clean(k), clean(&v.to_string()))?;
        }
    }
    for (i, c) in r.checks.iter().enumerate() {
        writeln!(out, "  check {}:", i + 1)?;
        if let Some(sev) = c.severity {
            writeln!(out, "    severity  {}", sev.as_str())?;
        }
        for (k, v) in &c.source {
            writeln!(out, "    {:<9} {}", clean(k), clean(v))?;
        }
        if let Some(t) = c.not_checked.as_ref().and_then(|t| t.get(lang)) {
            writeln!(out, "    not checked: {}", clean(&template_text(t)))?;
        }
        // Where a finding points (a check on the document itself points at its `path`, or at
        // nothing more); the item's and the element's indices stand as N and M.
        let each = |p: Option<&qagida::pack::Pointer>, n: &str| p.map(|f| format!("{}/{n}", f.text)).unwrap_or_default();
        let base = format!("{}{}", each(c.for_each.as_ref(), "N"), each(c.then_each.as_ref(), "M"));
        match &c.kind {
            qagida::pack::CheckKind::Require(ptrs) => {
                for p in ptrs {
                    writeln!(out, "    path      {}", clean(&format!("{base}{}", p.text)))?;
                }
            }
            qagida::pack::CheckKind::Assert(_) if !base.is_empty() || !c.path.is_empty() => {
                writeln!(out, "    path      {}", clean(&format!("{base}{}", c.path)))?;
            }
            qagida::pack::CheckKind::Assert(_) => {}
        }
    }
    writeln!(out, "  message:")?;
    for (l, t) in r.message.0.iter() {
        writeln!(out, "    {}: {}", pack.language_tag(l).map_or("", Lang::code), clean(&template_text(t)))?;
    }
    if let Some(nc) = &r.not_checked {
        writeln!(out, "  not checked:")?;
        for (l, t) in nc.0.iter() {
            writeln!(out, "    {}: {}", pack.language_tag(l).map_or("", Lang::code), clean(&template_text(t)))?;
        }
    }
    let count = |e: Expect| r.tests.iter().filter(|t| t.expect == e).count();
    writeln!(out, "  tests:      {} pass, {} fail, {} info", count(Expect::Pass), count(Expect::Fail), count(Expect::Info))
}
