//! Tokens of the check language, with byte spans.

use rust_decimal::Decimal;

use super::ExprError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Punct {
    Dot,
    Comma,
    LParen,
    RParen,
    LBracket,
    RBracket,
    Plus,
    Minus,
    Star,
    Slash,
    Percent,
    Bang,
    AndAnd,
    OrOr,
    EqEq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    QQ,
    Question,
    Colon,
}

impl Punct {
    pub(crate) fn text(self) -> &'static str {
        match self {
            Punct::Dot => ".",
            Punct::Comma => ",",
            Punct::LParen => "(",
            Punct::RParen => ")",
            Punct::LBracket => "[",
            Punct::RBracket => "]",
            Punct::Plus => "+",
            Punct::Minus => "-",
            Punct::Star => "*",
            Punct::Slash => "/",
            Punct::Percent => "%",
            Punct::Bang => "!",
            Punct::AndAnd => "&&",
            Punct::OrOr => "||",
            Punct::EqEq => "==",
            Punct::Ne => "!=",
            Punct::Lt => "<",
            Punct::Le => "<=",
            Punct::Gt => ">",
            Punct::Ge => ">=",
            Punct::QQ => "??",
            Punct::Question => "?",
            Punct::Colon => ":",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Tok<'s> {
    Num(Decimal),
    Str(String),
    Ident(&'s str),
    True,
    False,
    Null,
    In,
    P(Punct),
    Eof,
}

#[derive(Debug, Clone)]
pub(crate) struct Token<'s> {
    pub tok: Tok<'s>,
    pub off: usize,
    pub len: usize,
}

impl Tok<'_> {
    /// How the token is named in "expected …, found …" messages.
    pub(crate) fn describe(&self) -> String {
        match self {
            Tok::Num(_) => "a number".into(),
            Tok::Str(_) => "a string".into(),
            Tok::Ident(s) => format!("`{s}`"),
            Tok::True => "`true`".into(),
            Tok::False => "`false`".into(),
            Tok::Null => "`null`".into(),
            Tok::In => "`in`".into(),
            Tok::P(p) => format!("`{}`", p.text()),
            Tok::Eof => "the end of the expression".into(),
        }
    }
}

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

fn is_ident_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Splits `src` into tokens; the last one is always `Eof`.
pub(crate) fn lex(src: &str) -> Result<Vec<Token<'_>>, ExprError> {
    let bytes = src.as_bytes();
    let at = |i: usize| bytes.get(i).copied();
    let mut out = Vec::with_capacity(src.len() / 3 + 1);
    let mut i = 0;
    while let Some(b) = at(i) {
        let start = i;
        if matches!(b, b' ' | b'\t' | b'\n' | b'\r') {
            i += 1;
            continue;
        }
        if b.is_ascii_digit() {
            while at(i).is_some_and(|c| c.is_ascii_digit()) {
                i += 1;
            }
            if at(i) == Some(b'.') && at(i + 1).is_some_and(|c| c.is_ascii_digit()) {
                i += 1;
                while at(i).is_some_and(|c| c.is_ascii_digit()) {
                    i += 1;
                }
            }
            if at(i).is_some_and(is_ident_char) {
                while at(i).is_some_and(is_ident_char) {
                    i += 1;
                }
                return Err(ExprError::new(start, i - start, "invalid number literal"));
            }
            let text = src.get(start..i).unwrap_or("");
            let n = Decimal::from_str_exact(text).map_err(|_| {
                ExprError::new(
                    start,
                    i - start,
                    "number literal is out of range (at most 28 digits)",
                )
            })?;
            out.push(Token {
                tok: Tok::Num(n),
                off: start,
                len: i - start,
            });
            continue;
        }
        if is_ident_start(b) {
            while at(i).is_some_and(is_ident_char) {
                i += 1;
            }
            let text = src.get(start..i).unwrap_or("");
            let tok = match text {
                "true" => Tok::True,
                "false" => Tok::False,
                "null" => Tok::Null,
                "in" => Tok::In,
                _ => Tok::Ident(text),
            };
            out.push(Token {
                tok,
                off: start,
                len: i - start,
            });
            continue;
        }
        if b == b'\'' || b == b'"' {
            let (s, end) = lex_string(src, start, b)?;
            out.push(Token {
                tok: Tok::Str(s),
                off: start,
                len: end - start,
            });
            i = end;
            continue;
        }
        let two = match (b, at(i + 1)) {
            (b'&', Some(b'&')) => Some(Punct::AndAnd),
            (b'|', Some(b'|')) => Some(Punct::OrOr),
            (b'=', Some(b'=')) => Some(Punct::EqEq),
            (b'!', Some(b'=')) => Some(Punct::Ne),
            (b'<', Some(b'=')) => Some(Punct::Le),
            (b'>', Some(b'=')) => Some(Punct::Ge),
            (b'?', Some(b'?')) => Some(Punct::QQ),
            _ => None,
        };
        if let Some(p) = two {
            out.push(Token {
                tok: Tok::P(p),
                off: start,
                len: 2,
            });
            i += 2;
            continue;
        }
        let one = match b {
            b'.' => Punct::Dot,
            b',' => Punct::Comma,
            b'(' => Punct::LParen,
            b')' => Punct::RParen,
            b'[' => Punct::LBracket,
            b']' => Punct::RBracket,
            b'+' => Punct::Plus,
            b'-' => Punct::Minus,
            b'*' => Punct::Star,
            b'/' => Punct::Slash,
            b'%' => Punct::Percent,
            b'!' => Punct::Bang,
            b'<' => Punct::Lt,
            b'>' => Punct::Gt,
            b'?' => Punct::Question,
            b':' => Punct::Colon,
            b'&' => {
                return Err(ExprError::new(
                    start,
                    1,
                    "unexpected `&`; did you mean `&&`?",
                ));
            }
            b'|' => {
                return Err(ExprError::new(
                    start,
                    1,
                    "unexpected `|`; did you mean `||`?",
                ));
            }
            b'=' => {
                return Err(ExprError::new(
                    start,
                    1,
                    "unexpected `=`; did you mean `==`?",
                ));
            }
            _ => {
                let c = src
                    .get(start..)
                    .and_then(|r| r.chars().next())
                    .unwrap_or('?');
                return Err(ExprError::new(
                    start,
                    c.len_utf8(),
                    format!("unexpected character `{}`", c.escape_default()),
                ));
            }
        };
        out.push(Token {
            tok: Tok::P(one),
            off: start,
            len: 1,
        });
        i += 1;
    }
    out.push(Token {
        tok: Tok::Eof,
        off: src.len(),
        len: 0,
    });
    Ok(out)
}

/// Lexes a string literal starting at `start` (the quote). Returns its value and the byte
/// offset just past the closing quote.
fn lex_string(src: &str, start: usize, quote: u8) -> Result<(String, usize), ExprError> {
    let rest = src.get(start + 1..).unwrap_or("");
    let mut out = String::new();
    let mut chars = rest.char_indices();
    while let Some((j, c)) = chars.next() {
        if c == quote as char {
            return Ok((out, start + 1 + j + 1));
        }
        if c == '\\' {
            let Some((k, e)) = chars.next() else { break };
            out.push(match e {
                '\\' => '\\',
                '\'' => '\'',
                '"' => '"',
                'n' => '\n',
                't' => '\t',
                _ => {
                    return Err(ExprError::new(
                        start + 1 + j,
                        1 + (k - j - 1) + e.len_utf8(),
                        format!(
                            "unknown escape `\\{}` (use \\\\, \\', \\\", \\n or \\t)",
                            e.escape_default()
                        ),
                    ));
                }
            });
            continue;
        }
        out.push(c);
    }
    Err(ExprError::new(start, 1, "unterminated string literal"))
}
