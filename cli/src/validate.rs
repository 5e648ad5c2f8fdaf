//! `qagida validate FILE…`: one document per file (several: one NDJSON line per file).

use super::*;

/// A whole input (a file, or standard input for `-`), read through a bounded reader: at most
/// `limit` bytes are ever held, so `/dev/zero`, a 2 GB file or an endless pipe end in the
/// usual "over the limit" error with no more than `limit + 1` bytes in memory.
pub(crate) fn read_input(name: &str, limit: usize) -> Result<Vec<u8>, String> {
    let cannot = |e: io::Error| format!("cannot read {name}: {e}");
    let over = |size: Option<u64>| match size.and_then(|n| usize::try_from(n).ok()) {
        Some(size) => format!("{name}: {}", qagida::InputError::TooLarge { size, limit }),
        None => format!("{name}: input is more than {limit} bytes, over the limit of {limit} bytes"),
    };
    let cap = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
    let mut buf = Vec::new();
    if name == "-" {
        io::stdin().lock().take(cap).read_to_end(&mut buf).map_err(cannot)?;
    } else {
        let file = std::fs::File::open(name).map_err(cannot)?;
        // A regular file says its size: refuse one over the limit without reading it.
        let known = file.metadata().ok().filter(|m| m.is_file()).map(|m| m.len());
        if let Some(size) = known.filter(|&n| n >= cap) {
            return Err(over(Some(size)));
        }
        buf.reserve(known.and_then(|n| usize::try_from(n).ok()).unwrap_or(0));
        file.take(cap).read_to_end(&mut buf).map_err(cannot)?;
    }
    if buf.len() > limit {
        return Err(over(None));
    }
    Ok(buf)
}

/// Validates each file. One file: its result (pretty JSON or text). Several: one NDJSON line per
/// file, in order, each naming its `file`; a file that cannot be read or is not a document
/// (not JSON, over a limit) gets its line too, with the `error` (DOCUMENTS.md: every result of a
/// multi-document call is tied to its input).
pub(crate) fn validate_files(pack: &Pack, opts: &Options, format: Format, files: &[String]) -> u8 {
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut code = 0u8;
    let several = files.len() > 1;
    for name in files {
        let res = read_input(name, opts.max_input_bytes).and_then(|bytes| pack.validate_bytes(&bytes, opts).map_err(|e| format!("{name}: {e}")));
        let written = match &res {
            Ok(r) => {
                if !r.valid {
                    code = code.max(1);
                }
                match format {
                    Format::Json if several => write_line(&mut out, &Tied { file: Some(name), line: None, result: Some(r), error: None }),
                    Format::Json => serde_json::to_writer_pretty(&mut out, r).map_err(io::Error::other).and_then(|_| writeln!(out)),
                    Format::Text => write_text(&mut out, name, r),
                }
            }
            Err(e) => {
                code = 2;
                match format {
                    Format::Json if several => write_line(&mut out, &Tied { file: Some(name), line: None, result: None, error: Some(e) }),
                    Format::Text if several => writeln!(out, "{}: UNUSABLE — {}", clean(name), clean(e)),
                    _ => {
                        let _ = out.flush();
                        eprintln!("error: {e}");
                        Ok(())
                    }
                }
            }
        };
        if let Err(e) = written {
            return finish(Err(e), code);
        }
    }
    finish(out.flush(), code)
}

pub(crate) fn write_text(out: &mut impl Write, name: &str, r: &ValidationResult) -> io::Result<()> {
    let count = |s: qagida::Severity| r.findings.iter().filter(|f| f.severity == s).count();
    // A draft result says so: its verdict is on what is filled in so far.
    let verdict = match (r.valid, &r.skipped) {
        (true, None) => "VALID",
        (false, None) => "INVALID",
        (true, Some(_)) => "DRAFT, NO ERROR SO FAR",
        (false, Some(_)) => "DRAFT, INVALID",
    };
    writeln!(
        out,
        "{}: {} ({} error(s), {} warning(s), {} info) — {} {}, as of {}",
        clean(name),
        verdict,
        count(qagida::Severity::Error),
        count(qagida::Severity::Warning),
        count(qagida::Severity::Info),
        clean(&r.rule_pack.id),
        clean(&r.rule_pack.version),
        r.as_of
    )?;
    if r.rule_pack.layers.len() > 1 {
        let layers: Vec<String> = r.rule_pack.layers.iter().map(|l| format!("{} {}", clean(&l.id), clean(&l.version))).collect();
        writeln!(out, "  layers: {}", layers.join(" + "))?;
    }
    for f in &r.findings {
        write_finding(out, f)?;
    }
    for s in r.skipped.iter().flatten() {
        let path = if s.path.is_empty() { "/" } else { &s.path };
        let waits: Vec<_> = s.waits_for.iter().map(|w| clean(w)).collect();
        if s.waits_for.is_empty() {
            writeln!(out, "  waits   {:<8} {}: the list of checks that wait stops here", clean(&s.rule_id), clean(path))?;
        } else {
            writeln!(out, "  waits   {:<8} {}: not checked until filled: {}", clean(&s.rule_id), clean(path), waits.join(", "))?;
        }
    }
    Ok(())
}

pub(crate) fn write_finding(out: &mut impl Write, f: &Finding) -> io::Result<()> {
    let path = if f.path.is_empty() { "/" } else { &f.path };
    write!(out, "  {:<7} {:<8} {}: {}", f.severity.as_str(), clean(&f.rule_id), clean(path), clean(&f.message))?;
    if !f.clause.is_empty() {
        write!(out, " [{}]", clean(&f.clause))?;
    }
    match (f.actual.as_deref().map(clean), f.expected.as_deref().map(clean)) {
        (Some(a), Some(e)) => write!(out, " (actual: {a}; expected: {e})")?,
        (Some(a), None) => write!(out, " (actual: {a})")?,
        (None, Some(e)) => write!(out, " (expected: {e})")?,
        (None, None) => {}
    }
    writeln!(out)
}
