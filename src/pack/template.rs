//! Message templates: text with `{placeholder}`s resolved when the pack loads.

/// One piece of a template.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Seg {
    Lit(#[serde(deserialize_with = "crate::wire::text")] String),
    Actual,
    Expected,
    Path,
    /// A let binding of the check, by name.
    Let(String),
    /// The label of the field the finding points at, in the message's language (the pointer
    /// when the document model has no label for it).
    Field,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Template(pub Vec<Seg>);

impl Template {
    /// Parses `text`, resolving each `{name}` with `names`. `{{` and `}}` are literal braces.
    pub fn parse(text: &str, names: &dyn Fn(&str) -> Option<Seg>) -> Result<Template, String> {
        let mut segs = Vec::new();
        let mut lit = String::new();
        let bytes = text.as_bytes();
        let mut pos = 0;
        // Literal text runs to the next brace; braces are ASCII, so every cut is a char boundary.
        while let Some(off) = bytes.get(pos..).unwrap_or_default().iter().position(|&b| b == b'{' || b == b'}') {
            let i = pos + off;
            lit.push_str(text.get(pos..i).unwrap_or(""));
            let brace = bytes.get(i).copied();
            if bytes.get(i + 1).copied() == brace {
                lit.push(if brace == Some(b'{') { '{' } else { '}' });
                pos = i + 2;
                continue;
            }
            if brace == Some(b'}') {
                return Err("unmatched `}` (write `}}` for a literal brace)".into());
            }
            let rest = text.get(i + 1..).unwrap_or("");
            let Some(end) = rest.find('}') else {
                return Err(format!("unclosed `{{` at character {}", text.get(..i).unwrap_or("").chars().count() + 1));
            };
            let name = rest.get(..end).unwrap_or("").trim();
            let seg = names(name).ok_or_else(|| format!("unknown placeholder `{{{name}}}`"))?;
            if !lit.is_empty() {
                segs.push(Seg::Lit(std::mem::take(&mut lit)));
            }
            segs.push(seg);
            // Past the placeholder's closing brace (`end` bytes of name after the `{`).
            pos = i + 1 + end + 1;
        }
        lit.push_str(text.get(pos..).unwrap_or(""));
        if !lit.is_empty() {
            segs.push(Seg::Lit(lit));
        }
        Ok(Template(segs))
    }

    /// The template as written: its placeholders as `{name}` (what `qagida explain` and the
    /// service's `GET /v1/rules/{id}` show).
    pub fn as_written(&self) -> String {
        self.render(&|s, out| match s {
            Seg::Lit(x) => out.push_str(x),
            Seg::Actual => out.push_str("{actual}"),
            Seg::Expected => out.push_str("{expected}"),
            Seg::Path => out.push_str("{path}"),
            Seg::Field => out.push_str("{field}"),
            Seg::Let(n) => {
                out.push('{');
                out.push_str(n);
                out.push('}');
            }
        })
    }

    /// Renders the template; `value` writes the actual, expected, path and let values.
    pub fn render(&self, value: &dyn Fn(&Seg, &mut String)) -> String {
        let lits: usize = self.0.iter().map(|s| if let Seg::Lit(t) = s { t.len() } else { 16 }).sum();
        let mut out = String::with_capacity(lits);
        for s in &self.0 {
            match s {
                Seg::Lit(t) => out.push_str(t),
                other => value(other, &mut out),
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(n: &str) -> Option<Seg> {
        match n {
            "actual" => Some(Seg::Actual),
            "max" => Some(Seg::Lit("24".into())),
            _ => None,
        }
    }

    #[test]
    fn placeholders_resolve_and_braces_escape() {
        let t = Template::parse("got {actual}, max {max} {{x}}", &names).unwrap();
        let s = t.render(&|s, out| {
            if *s == Seg::Actual {
                out.push_str("30");
            }
        });
        assert_eq!(s, "got 30, max 24 {x}");
    }

    #[test]
    fn unknown_placeholder_is_an_error() {
        assert!(Template::parse("{nope}", &names).unwrap_err().contains("unknown placeholder"));
        assert!(Template::parse("{actual", &names).is_err());
    }

    /// The character-by-character parser this replaced, as the oracle of the one above.
    fn parse_by_chars(text: &str, names: &dyn Fn(&str) -> Option<Seg>) -> Result<Template, String> {
        let mut segs = Vec::new();
        let mut lit = String::new();
        let mut chars = text.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            match c {
                '{' if chars.peek().map(|(_, c)| *c) == Some('{') => {
                    chars.next();
                    lit.push('{');
                }
                '}' if chars.peek().map(|(_, c)| *c) == Some('}') => {
                    chars.next();
                    lit.push('}');
                }
                '{' => {
                    let rest = text.get(i + 1..).unwrap_or("");
                    let Some(end) = rest.find('}') else {
                        return Err(format!("unclosed `{{` at character {}", text[..i].chars().count() + 1));
                    };
                    let name = rest.get(..end).unwrap_or("").trim();
                    let seg = names(name).ok_or_else(|| format!("unknown placeholder `{{{name}}}`"))?;
                    if !lit.is_empty() {
                        segs.push(Seg::Lit(std::mem::take(&mut lit)));
                    }
                    segs.push(seg);
                    // Through the closing brace.
                    for (_, c) in chars.by_ref() {
                        if c == '}' {
                            break;
                        }
                    }
                }
                '}' => return Err("unmatched `}` (write `}}` for a literal brace)".into()),
                c => lit.push(c),
            }
        }
        if !lit.is_empty() {
            segs.push(Seg::Lit(lit));
        }
        Ok(Template(segs))
    }

    #[test]
    fn text_after_a_placeholder_with_a_non_ascii_name_is_kept_whole() {
        let names = |n: &str| (n == "жас").then(|| Seg::Let(n.to_string()));
        let t = Template::parse("{жас} жыл", &names).unwrap();
        assert_eq!(t.0, [Seg::Let("жас".into()), Seg::Lit(" жыл".into())]);
    }

    #[test]
    fn same_templates_as_the_character_parser() {
        let wide = |n: &str| match n {
            "actual" => Some(Seg::Actual),
            "жас" | "a b" | "" => Some(Seg::Let(n.to_string())),
            _ => None,
        };
        let pieces = ["", "x", "ж", "{", "}", "{{", "}}", "{actual}", "{ actual }", "{жас}", "{a b}", "{}", "{nope}", "қағида ", "{{actual}}", "{actual", "}{", "{{{actual}}}"];
        let mut n = 0;
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    let text = format!("{a}{b}{c}");
                    assert_eq!(Template::parse(&text, &wide), parse_by_chars(&text, &wide), "{text:?}");
                    n += 1;
                }
            }
        }
        assert_eq!(n, pieces.len().pow(3));
    }
}
