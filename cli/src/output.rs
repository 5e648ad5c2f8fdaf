//! Writing output: a closed standard output ends a command quietly; text made safe for a
//! terminal; one NDJSON line tied to its input.

use super::*;

/// Writes a command's report to standard output (buffered) and gives the command's exit code:
/// `code` when it was all written — or when the reader closed the pipe early (`| head -1`):
/// nobody is left to read the rest, so the command ends quietly with the code it has — else 2
/// (a full disk), with the reason on standard error.
pub(crate) fn report(code: u8, write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> u8 {
    let mut out = BufWriter::new(io::stdout().lock());
    let written = write(&mut out).and_then(|()| out.flush());
    finish(written, code)
}

/// The exit code of a command that wrote its output with `written`, see [`report`].
pub(crate) fn finish(written: io::Result<()>, code: u8) -> u8 {
    match written {
        Ok(()) => code,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => code,
        Err(e) => {
            eprintln!("error: cannot write the output: {e}");
            2
        }
    }
}

/// Text safe for a terminal: control characters (C0, DEL, C1 — `ESC[2J` clears a screen, a
/// newline starts a line that looks like the tool's own) and the bidirectional overrides and
/// isolates (which reorder what is shown) written as `\u001b`. Everything a document or a pack
/// says goes through it before text output shows it.
pub(crate) fn clean(s: &str) -> std::borrow::Cow<'_, str> {
    let unsafe_char = |c: char| c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
    if !s.chars().any(unsafe_char) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if unsafe_char(c) {
            out.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// One output line of a multi-document run, tied to its input (DOCUMENTS.md): the file (when
/// there are several), the NDJSON line number, then the result or why there is none.
#[derive(serde::Serialize)]
pub(crate) struct Tied<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) file: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) line: Option<u64>,
    #[serde(flatten)]
    pub(crate) result: Option<&'a ValidationResult>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) error: Option<&'a str>,
}

pub(crate) fn write_line(out: &mut impl Write, line: &impl serde::Serialize) -> io::Result<()> {
    serde_json::to_writer(&mut *out, line).map_err(io::Error::other)?;
    writeln!(out)
}
