//! Writing TOML keys and strings by hand, in the forms the `toml` crate's serializer chose
//! (`toml_writer`'s defaults), so that files written here (`pack.sig`) read back unchanged and
//! look as they did.

use std::fmt::Write as _;

fn is_bare_key_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_')
}

fn is_control(b: u8) -> bool {
    (b <= 0x1f && b != b'\t' && b != b'\n') || b == 0x7f
}

#[derive(Clone, Copy, PartialEq)]
enum Form {
    Literal,
    Basic,
    MlLiteral,
    MlBasic,
}

/// Writes a key: bare when it can be, else quoted.
pub fn key(out: &mut String, k: &str) {
    if !k.is_empty() && k.bytes().all(is_bare_key_byte) {
        out.push_str(k);
        return;
    }
    let bytes = k.as_bytes();
    let escape_codes = bytes.iter().any(|&b| (b <= 0x1f && b != b'\t') || b == 0x7f);
    let (single, double, backslash) = (k.contains('\''), k.contains('"'), k.contains('\\'));
    let form = if !escape_codes && !backslash && !double {
        Form::Basic
    } else if !escape_codes && !single {
        Form::Literal
    } else {
        Form::Basic
    };
    write_in(out, k, form, false);
}

/// Writes a string value.
pub fn string(out: &mut String, s: &str) {
    let bytes = s.as_bytes();
    if bytes.iter().all(|&b| is_bare_key_byte(b) || matches!(b, b'.' | b'/' | b' ' | b':')) {
        out.push('"');
        out.push_str(s);
        out.push('"');
        return;
    }
    let longest = |q: u8| {
        let (mut run, mut max) = (0usize, 0usize);
        for &b in bytes {
            run = if b == q { run + 1 } else { 0 };
            max = max.max(run);
        }
        max
    };
    let (singles, doubles) = (longest(b'\''), longest(b'"'));
    let escape = s.contains('\\');
    let newline = s.contains('\n');
    let escape_codes = bytes.iter().any(|&b| is_control(b));
    let form = if !escape_codes && !escape && doubles == 0 && !newline {
        Form::Basic
    } else if !escape_codes && singles == 0 && !newline {
        Form::Literal
    } else if !escape_codes && !escape && doubles <= 2 {
        Form::MlBasic
    } else if !escape_codes && singles <= 2 {
        Form::MlLiteral
    } else if newline {
        Form::MlBasic
    } else {
        Form::Basic
    };
    write_in(out, s, form, newline);
}

fn write_in(out: &mut String, s: &str, form: Form, newline: bool) {
    let delimiter = match form {
        Form::Literal => "'",
        Form::Basic => "\"",
        Form::MlLiteral => "'''",
        Form::MlBasic => "\"\"\"",
    };
    let ml = matches!(form, Form::MlLiteral | Form::MlBasic);
    out.push_str(delimiter);
    if newline && ml {
        out.push('\n');
    }
    if matches!(form, Form::Literal | Form::MlLiteral) {
        out.push_str(s);
    } else {
        let max_quotes = if ml { 2 } else { 0 };
        let mut quotes = 0;
        for c in s.chars() {
            if c == '"' {
                quotes += 1;
                if quotes > max_quotes {
                    // As toml_writer: an escape starts a new run of quotes.
                    out.push_str("\\\"");
                    quotes = 0;
                    continue;
                }
                out.push('"');
                continue;
            }
            quotes = 0;
            match c {
                '\u{8}' => out.push_str("\\b"),
                '\t' => out.push_str("\\t"),
                '\n' if !ml => out.push_str("\\n"),
                '\n' => out.push('\n'),
                '\u{c}' => out.push_str("\\f"),
                '\r' => out.push_str("\\r"),
                '\\' => out.push_str("\\\\"),
                c if (c as u32) <= 0x1f || c as u32 == 0x7f => {
                    let _ = write!(out, "\\u{:04X}", c as u32);
                }
                c => out.push(c),
            }
        }
    }
    out.push_str(delimiter);
}
