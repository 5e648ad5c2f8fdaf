//! Reading the pack files: every file kind on generated malformed files (each field of each
//! shape missing, unknown, or of every wrong kind of value; structs as arrays; datetimes where
//! maps are read) is read or refused with a message at a place, never a panic;
//! `expected_diagnostics` pins a selection as literal `line:col: message` text (the messages
//! are serde's and `toml`'s own); nesting past `toml`'s limit is refused at its place.

use super::raw::{self, Table};
use crate::error::LineIndex;

#[derive(Clone, Copy, Debug)]
enum Kind {
    Manifest,
    Rules,
    Types,
    Data,
    Overrides,
    Calendar,
    Sig,
    /// A table of any values (`params`, `manifest_str`).
    Table,
}

type Outcome = Result<(), (String, Option<usize>)>;

fn read(kind: Kind, src: &str) -> Outcome {
    fn run<T>(src: &str, read: fn(&str) -> raw::R<T>) -> Outcome {
        read(src).map(|_| ()).map_err(|e| (e.message, e.at))
    }
    match kind {
        Kind::Manifest => run(src, raw::Manifest::read),
        Kind::Rules => run(src, raw::RuleFile::read),
        Kind::Types => run(src, raw::TypesFile::read),
        Kind::Data => run(src, raw::DataFile::read),
        Kind::Overrides => run(src, raw::OverridesFile::read),
        Kind::Calendar => run(src, raw::RawCalendar::read),
        Kind::Sig => crate::signing::read_sig_for_tests(src),
        Kind::Table => run(src, raw::read_doc::<Table>),
    }
}

/// Values of every kind, well and badly placed.
const VALUES: &[&str] = &[
    r#""s""#,
    r#""""#,
    r#"'lit\n'"#,
    "\"\"\"\nml \"q\" \\t\"\"\"",
    "3",
    "-1",
    "0",
    "2147483648",
    "4294967296",
    "99999999999",
    "9223372036854775807",
    "9223372036854775808",
    "18446744073709551616",
    "-9223372036854775809",
    "170141183460469231731687303715884105728",
    "999999999999999999999999999999999999999999",
    "0x7fffffff",
    "0xffffffffffffffff",
    "0o777",
    "1_000",
    "1.5",
    "1.0",
    "-0.0",
    "1e20",
    "1e300",
    "1e400",
    "5e-324",
    "inf",
    "-inf",
    "nan",
    "true",
    "false",
    "2026-01-01",
    "2026-01-01T10:00:00Z",
    "2026-01-01T10:00:00+05:00",
    "2026-01-01T10:00:00",
    "2026-01-01 10:00:00.123456",
    "10:00:00",
    "[]",
    "[1]",
    r#"["a"]"#,
    r#"["a", 1]"#,
    "[[1]]",
    "[{}]",
    "[{ a = 1 }]",
    "[2026-01-01]",
    r#"["a", "b", 2026-01-01]"#,
    r#"["a", "b", 2026-01-01, 2026-02-01, "s"]"#,
    "{}",
    "{ a = 1 }",
    r#"{ a = "x" }"#,
    r#"{ a = { b = "x" } }"#,
    r#"{ en = "x" }"#,
    "{ en = 3 }",
    r#"{ kk = "a", ru = "b", en = "c" }"#,
    r#"{ "$__toml_private_datetime" = "2026-01-01" }"#,
    r#"{ "$__toml_private_datetime" = "2026-01-01T10:00:00Z" }"#,
    r#"{ "$__toml_private_datetime" = "garbage" }"#,
    r#"{ "$__toml_private_datetime" = 3 }"#,
    r#"{ b = 1, "$__toml_private_datetime" = "2026-01-01" }"#,
    r#"{ "$__toml_private_datetime" = "2026-01-01", b = 1 }"#,
    r#"{ severity = "warning" }"#,
    r#"{ as_of = "d", fields = { a = "string" } }"#,
    r#"[{ name = "n", file = "f", effective_from = 2026-01-01 }]"#,
];

/// A struct in some file: the lines before its body, and its fields with valid values.
struct Ctx {
    kind: Kind,
    before: &'static str,
    fields: &'static [(&'static str, &'static str)],
    after: &'static str,
}

const MANIFEST_HEAD: &str = "id = \"p\"\nversion = \"1\"\neffective_from = 2026-01-01\n";
const RULE_HEAD: &str = "[[rule]]\nid = \"A-01\"\napplies_to = \"x\"\nseverity = \"error\"\nclause = { en = \"c\" }\nmessage = { en = \"m\" }\n";

const CONTEXTS: &[Ctx] = &[
    Ctx {
        kind: Kind::Manifest,
        before: "",
        fields: &[
            ("id", r#""p""#),
            ("version", r#""1""#),
            ("extends", r#""b""#),
            ("effective_from", "2026-01-01"),
            ("effective_to", "2026-02-01"),
            ("languages", r#"["en"]"#),
            ("default_language", r#""en""#),
            ("timezone", r#""+05:00""#),
            ("title", r#"{ en = "t" }"#),
            ("types", r#""types.toml""#),
            ("rule_files", r#"["r.toml"]"#),
            ("data", r#"{ a = "a.toml" }"#),
            ("data_edition", r#"[{ name = "n", file = "f", effective_from = 2026-01-01 }]"#),
            ("calendars", r#"{ c = "c.toml" }"#),
            ("params", "{ a = 1, b = [1.5], c = 2026-01-01 }"),
            ("messages", r#"{ type_mismatch = { en = "x" } }"#),
        ],
        after: "",
    },
    Ctx {
        kind: Kind::Manifest,
        before: "id = \"p\"\nversion = \"1\"\neffective_from = 2026-01-01\n[[data_edition]]\n",
        fields: &[
            ("name", r#""n""#),
            ("file", r#""f""#),
            ("effective_from", "2026-01-01"),
            ("effective_to", "2026-02-01"),
            ("source", r#""s""#),
        ],
        after: "",
    },
    Ctx {
        kind: Kind::Manifest,
        before: "id = \"p\"\nversion = \"1\"\neffective_from = 2026-01-01\n[messages.type_mismatch]\n",
        fields: &[("kk", r#""a""#), ("en", r#""b""#)],
        after: "",
    },
    Ctx { kind: Kind::Rules, before: "", fields: &[("rule", r#"[{ id = "A-01" }]"#)], after: "" },
    Ctx {
        kind: Kind::Rules,
        before: "[[rule]]\n",
        fields: &[
            ("id", r#""A-01""#),
            ("applies_to", r#"["x", "y"]"#),
            ("severity", r#""error""#),
            ("title", r#"{ en = "t" }"#),
            ("clause", r#"{ en = "c" }"#),
            ("effective_from", "2026-01-01"),
            ("effective_to", "2026-02-01"),
            ("when", r#""true""#),
            ("message", r#"{ en = "m" }"#),
            ("params", "{ a = 1 }"),
            ("check", r#"[{ assert = "true" }]"#),
            ("test", r#"[{ name = "t", fixture = "f", expect = "pass" }]"#),
        ],
        after: "[[rule]]\nid = \"B-01\"\n",
    },
    Ctx {
        kind: Kind::Rules,
        before: "[[rule]]\nid = \"A-01\"\napplies_to = \"x\"\nseverity = \"error\"\nclause = { en = \"c\" }\nmessage = { en = \"m\" }\n[[rule.check]]\n",
        fields: &[
            ("applies_to", r#""x""#),
            ("assert", r#""true""#),
            ("require", r#"["/a"]"#),
            ("for_each", r#""/b""#),
            ("of_type", r#""t""#),
            ("when", r#""true""#),
            ("let", r#"{ a = "1" }"#),
            ("path", r#""/a""#),
            ("actual", r#""1""#),
            ("expected", r#""2""#),
            ("message", r#"{ en = "m" }"#),
        ],
        after: "",
    },
    Ctx {
        kind: Kind::Rules,
        before: "[[rule]]\nid = \"A-01\"\napplies_to = \"x\"\nseverity = \"error\"\nclause = { en = \"c\" }\nmessage = { en = \"m\" }\n[[rule.test]]\n",
        fields: &[
            ("name", r#""t""#),
            ("fixture", r#""f""#),
            ("set", r#"{ "/a" = 1, "/b" = 2026-01-01 }"#),
            ("remove", r#"["/c"]"#),
            ("as_of", "2026-01-01"),
            ("expect", r#""fail""#),
            ("paths", r#"["/a"]"#),
        ],
        after: "[[rule.test]]\nname = \"u\"\n",
    },
    Ctx { kind: Kind::Types, before: "", fields: &[("types", r#"{ T = { a = "string" } }"#), ("documents", r#"{ d = { fields = { a = "T" } } }"#)], after: "" },
    Ctx { kind: Kind::Types, before: "[types.T]\n", fields: &[("a", r#""string""#), ("b", r#""list<T>""#)], after: "" },
    Ctx { kind: Kind::Types, before: "[documents.d]\n", fields: &[("as_of", r#""issued_at""#), ("fields", r#"{ a = "date" }"#)], after: "" },
    Ctx { kind: Kind::Data, before: "", fields: &[("row", r#"[{ a = 1 }]"#)], after: "" },
    Ctx { kind: Kind::Data, before: "[[row]]\n", fields: &[("code", r#""A1""#), ("n", "3"), ("d", "2026-01-01")], after: "[[row]]\ncode = \"B\"\n" },
    Ctx { kind: Kind::Overrides, before: "", fields: &[("rules", r#"{ "RX-05" = { severity = "warning" } }"#)], after: "" },
    Ctx { kind: Kind::Overrides, before: "[rules.RX-05]\n", fields: &[("severity", r#""warning""#), ("enabled", "false")], after: "" },
    Ctx {
        kind: Kind::Calendar,
        before: "",
        fields: &[
            ("weekend", "[6, 7]"),
            ("holiday", r#"[{ date = "03-08" }]"#),
            ("year", "[{ year = 2026 }]"),
            ("provenance", r#""gov""#),
        ],
        after: "",
    },
    Ctx {
        kind: Kind::Calendar,
        before: "[[holiday]]\n",
        fields: &[
            ("date", r#""03-08""#),
            ("name", r#"{ en = "x" }"#),
            ("transfer", "true"),
            ("from_year", "2010"),
            ("until_year", "2030"),
        ],
        after: "",
    },
    Ctx {
        kind: Kind::Calendar,
        before: "[[year]]\n",
        fields: &[
            ("year", "2026"),
            ("holidays", "[{ date = 2026-05-27 }]"),
            ("days_off", "[2026-01-05]"),
            ("working_days", "[2026-01-03]"),
        ],
        after: "",
    },
    Ctx {
        kind: Kind::Calendar,
        before: "[[year]]\nyear = 2026\n[[year.holidays]]\n",
        fields: &[("date", "2026-05-27"), ("name", r#""x""#), ("transfer", "false")],
        after: "",
    },
    Ctx {
        kind: Kind::Sig,
        before: "",
        fields: &[
            ("format", r#""f""#),
            ("algorithm", r#""ed25519""#),
            ("key_id", r#""k""#),
            ("signature", r#""s""#),
            ("files", r#"{ "pack.toml" = "ab" }"#),
        ],
        after: "",
    },
    Ctx { kind: Kind::Table, before: "", fields: &[("a", "1"), ("extends", r#""b""#)], after: "" },
    Ctx { kind: Kind::Table, before: "[t]\n", fields: &[("a", "1"), ("b", "[1, 2.5, 2026-01-01]")], after: "" },
];

/// The files generated from the contexts: each as written, each field missing, each field with
/// each value of [`VALUES`], an unknown field first and last, and the struct as an array.
fn generated() -> Vec<(Kind, String)> {
    let mut out = Vec::new();
    let body = |fields: &[(&str, &str)], skip: Option<usize>, replace: Option<(usize, &str)>| {
        let mut s = String::new();
        for (i, (k, v)) in fields.iter().enumerate() {
            if skip == Some(i) {
                continue;
            }
            let v = match replace {
                Some((j, r)) if j == i => r,
                _ => v,
            };
            s.push_str(&format!("{k} = {v}\n"));
        }
        s
    };
    for c in CONTEXTS {
        let doc = |b: String| format!("{}{b}{}", c.before, c.after);
        out.push((c.kind, doc(body(c.fields, None, None))));
        for i in 0..c.fields.len() {
            out.push((c.kind, doc(body(c.fields, Some(i), None))));
            for v in VALUES {
                out.push((c.kind, doc(body(c.fields, None, Some((i, v))))));
            }
        }
        for v in ["1", r#""x""#, "{ a = 1 }"] {
            out.push((c.kind, doc(format!("bogus = {v}\n{}", body(c.fields, None, None)))));
            out.push((c.kind, doc(format!("{}zz = {v}\n", body(c.fields, None, None)))));
        }
        // Dotted keys and a table header that reopens a field.
        out.push((c.kind, doc(format!("{}x.y = 1\n", body(c.fields, None, None)))));
        out.push((c.kind, doc(body(c.fields, None, None).replacen('\n', "\n\n# comment\n", 1))));
    }
    // Every value as an element of each kind of list, and as a value of each kind of map.
    for v in VALUES {
        for (kind, text) in [
            (Kind::Calendar, format!("weekend = [{v}]")),
            (Kind::Calendar, format!("weekend = [6, {v}]")),
            (Kind::Calendar, format!("[[year]]\nyear = 2026\ndays_off = [{v}]")),
            (Kind::Manifest, format!("{MANIFEST_HEAD}languages = [{v}]")),
            (Kind::Manifest, format!("{MANIFEST_HEAD}rule_files = [\"a\", {v}]")),
            (Kind::Manifest, format!("{MANIFEST_HEAD}data_edition = [{v}]")),
            (Kind::Manifest, format!("{MANIFEST_HEAD}title = {{ en = {v} }}")),
            (Kind::Manifest, format!("{MANIFEST_HEAD}data = {{ a = {v} }}")),
            (Kind::Manifest, format!("{MANIFEST_HEAD}messages = {{ m = {v} }}")),
            (Kind::Manifest, format!("{MANIFEST_HEAD}params = {{ m = {v} }}")),
            (Kind::Rules, format!("{RULE_HEAD}applies_to = [\"x\", {v}]")),
            (Kind::Rules, format!("{RULE_HEAD}[[rule.check]]\nrequire = [{v}]")),
            (Kind::Rules, format!("{RULE_HEAD}[[rule.check]]\nlet = {{ a = {v} }}")),
            (Kind::Rules, format!("{RULE_HEAD}[[rule.test]]\nset = {{ a = {v} }}")),
            (Kind::Rules, format!("{RULE_HEAD}[[rule.test]]\nremove = [{v}]")),
            (Kind::Rules, format!("{RULE_HEAD}[[rule.test]]\npaths = [{v}]")),
            (Kind::Rules, format!("rule = [{v}]")),
            (Kind::Types, format!("types = {{ T = {v} }}")),
            (Kind::Types, format!("documents = {{ d = {v} }}")),
            (Kind::Data, format!("row = [{v}]")),
            (Kind::Overrides, format!("rules = {{ X = {v} }}")),
            (Kind::Sig, format!("files = {{ a = {v} }}")),
            (Kind::Table, format!("a = [{v}]")),
            (Kind::Table, format!("a = {{ b = {v} }}")),
        ] {
            out.push((kind, text));
        }
    }
    // Structs as arrays of their fields, in declaration order.
    for (kind, text) in [
        (Kind::Rules, "rule = [[\"A-01\", \"x\", \"error\", { en = \"t\" }, { en = \"c\" }, 2026-01-01, 2026-02-01, \"true\", { en = \"m\" }]]"),
        (Kind::Rules, "rule = [[\"A-01\", \"x\", \"error\"]]"),
        (Kind::Rules, "rule = [[]]"),
        (Kind::Rules, "rule = [[\"A-01\", \"x\", \"error\", { en = \"t\" }, { en = \"c\" }, 2026-01-01, 2026-02-01, \"true\", { en = \"m\" }, {}, [[\"x\", \"true\"]], []]]"),
        (Kind::Rules, "rule = [[\"A-01\", \"x\", \"error\", { en = \"t\" }, { en = \"c\" }, 2026-01-01, 2026-02-01, \"true\", { en = \"m\" }, {}, [[\"x\", \"true\", [\"/a\"], \"/b\", \"t\", \"w\", {}, \"/p\", \"a\", \"e\"]], [[\"n\", \"f\"]]]]"),
        (Kind::Rules, "rule = [[\"A-01\", 3]]"),
        (Kind::Manifest, "id = \"p\"\nversion = \"1\"\neffective_from = 2026-01-01\ndata_edition = [[\"n\", \"f\", 2026-01-01]]"),
        (Kind::Manifest, "id = \"p\"\nversion = \"1\"\neffective_from = 2026-01-01\ndata_edition = [[\"n\", \"f\"]]"),
        (Kind::Manifest, "id = \"p\"\nversion = \"1\"\neffective_from = 2026-01-01\ndata_edition = [[\"n\", \"f\", 2026-01-01, 2026-02-01, \"s\", \"extra\"]]"),
        (Kind::Overrides, "rules = { \"RX-05\" = [\"warning\", true] }"),
        (Kind::Overrides, "rules = { \"RX-05\" = [] }"),
        (Kind::Overrides, "rules = { \"RX-05\" = 2026-01-01 }"),
        (Kind::Overrides, "rules = 2026-01-01"),
        (Kind::Types, "documents = { d = [\"x\"] }"),
        (Kind::Types, "documents = { d = [] }"),
        (Kind::Types, "types = 2026-01-01"),
        (Kind::Types, "documents = 2026-01-01"),
        (Kind::Calendar, "holiday = [[\"03-08\"]]\nyear = [[2026, [], [2026-01-01]]]"),
        (Kind::Calendar, "year = [[]]"),
        (Kind::Calendar, "year = [[2026, [[2026-05-27]]]]"),
        (Kind::Sig, "format = \"f\"\nalgorithm = \"a\"\nkey_id = \"k\"\nsignature = \"s\"\nfiles = 2026-01-01"),
        (Kind::Manifest, "id = \"p\"\nversion = \"1\"\neffective_from = 2026-01-01\ntitle = 2026-01-01"),
        (Kind::Manifest, "id = \"p\"\nversion = \"1\"\neffective_from = 2026-01-01\ndata = 2026-01-01"),
        (Kind::Manifest, "id = \"p\"\nversion = \"1\"\neffective_from = 2026-01-01\nparams = 2026-01-01"),
        (Kind::Manifest, "id = \"p\"\nversion = \"1\"\neffective_from = 2026-01-01\nmessages = 2026-01-01"),
        (Kind::Manifest, "id = \"p\"\nversion = \"1\"\neffective_from = 2026-01-01\nmessages = { m = 2026-01-01 }"),
        (Kind::Data, "row = [2026-01-01]"),
        (Kind::Data, "row = 2026-01-01"),
    ] {
        out.push((kind, text.to_string()));
    }
    // Syntax errors and duplicate keys (the parser's own messages).
    for text in [
        "id = \n",
        "id = \"p\"\nid = \"q\"\n",
        "[a]\nx = 1\n[a]\n",
        "a = [1, \n",
        "a = 'x\n",
        "= 1",
        "a.b = 1\na = 2",
        "a = { b = 1, b = 2 }",
        "[[a]]\n[a]\n",
        "a = 1979-05-27T25:00:00Z",
        "a = 2026-02-30",
        "a = \"\\q\"",
        "\u{feff}id = \"p\"",
    ] {
        out.push((Kind::Manifest, text.to_string()));
        out.push((Kind::Table, text.to_string()));
    }
    out
}

#[test]
fn every_generated_file_is_read_or_refused_at_a_place() {
    let cases = generated();
    assert!(cases.len() > 3000, "{} cases", cases.len());
    let (mut refused, mut nowhere) = (0, Vec::new());
    for (kind, src) in &cases {
        if let Err((message, at)) = read(*kind, src) {
            refused += 1;
            if at.is_none_or(|at| at > src.len()) || message.is_empty() {
                nowhere.push(format!("{kind:?}\n{src}\n  {message:?} at {at:?}"));
            }
        }
    }
    // Most generated files are malformed on purpose.
    assert!(refused > cases.len() / 2, "{refused} of {} refused", cases.len());
    assert!(nowhere.is_empty(), "{} without a place:\n{}", nowhere.len(), nowhere.iter().take(25).cloned().collect::<Vec<_>>().join("\n\n"));
}

/// `line:col: message` of a file as the loader reads it, or `ok`.
fn diagnostic(kind: Kind, src: &str) -> String {
    format_outcome(src, read(kind, src))
}

fn format_outcome(src: &str, outcome: Outcome) -> String {
    match outcome {
        Ok(_) => "ok".into(),
        Err((m, Some(at))) => {
            let (line, col) = LineIndex::new(src).position(at);
            format!("{line}:{col}: {m}")
        }
        Err((m, None)) => format!("-: {m}"),
    }
}


/// Files for the literal expectations: (kind, text).
const PINNED: &[(Kind, &str)] = &[
    (Kind::Manifest, "version = \"1\"\neffective_from = 2026-01-01\n"),
    (Kind::Manifest, "id = \"p\"\nversion = \"1\"\n"),
    (Kind::Manifest, "id = \"p\"\nversion = \"1\"\neffective_from = 2026-01-01\nlanguage = [\"en\"]\n"),
    (Kind::Manifest, "id = 3\nversion = \"1\"\neffective_from = 2026-01-01\n"),
    (Kind::Manifest, "id = \"p\"\nversion = 1.5\neffective_from = 2026-01-01\n"),
    (Kind::Manifest, "id = \"p\"\nversion = \"1\"\neffective_from = \"2026-01-01\"\n"),
    (Kind::Manifest, "id = \"p\"\nversion = \"1\"\neffective_from = [2026-01-01]\n"),
    (Kind::Manifest, "id = \"p\"\nversion = \"1\"\neffective_from = { a = 1 }\n"),
    (Kind::Manifest, "id = \"p\"\nversion = \"1\"\neffective_from = {}\n"),
    (Kind::Manifest, "id = \"p\"\nversion = \"1\"\neffective_from = 2026-01-01\nlanguages = \"en\"\n"),
    (Kind::Manifest, "id = \"p\"\nversion = \"1\"\neffective_from = 2026-01-01\nlanguages = [\"en\", 3]\n"),
    (Kind::Manifest, "id = \"p\"\nversion = \"1\"\neffective_from = 2026-01-01\ntitle = \"t\"\n"),
    (Kind::Manifest, "id = \"p\"\nversion = \"1\"\neffective_from = 2026-01-01\ntitle = { en = true }\n"),
    (Kind::Manifest, "id = \"p\"\nversion = \"1\"\neffective_from = 2026-01-01\ntitle = 2026-01-01\n"),
    (Kind::Manifest, "id = \"p\"\nversion = \"1\"\neffective_from = 2026-01-01\nparams = [1]\n"),
    (Kind::Manifest, "id = \"p\"\nversion = \"1\"\neffective_from = 2026-01-01\n[params]\nbig = 9223372036854775808\n"),
    (Kind::Manifest, "id = \"p\"\nversion = \"1\"\neffective_from = 2026-01-01\n[params]\nhuge = 1e400\n"),
    (Kind::Manifest, "id = \"p\"\nversion = \"1\"\neffective_from = 2026-01-01\n[[data_edition]]\nname = \"n\"\nfile = \"f\"\n"),
    (Kind::Manifest, "id = \"p\"\nversion = \"1\"\neffective_from = 2026-01-01\n[[data_edition]]\nname = \"n\"\nfile = \"f\"\neffective_from = 2026-01-01\nsource = 1\nnote = \"x\"\n"),
    (Kind::Manifest, "id = \"p\"\nversion = \"1\"\neffective_from = 2026-01-01\ndata_edition = [[\"n\", \"f\"]]\n"),
    (Kind::Manifest, "id = \"p\"\nversion = \"1\"\neffective_from = 2026-01-01\n[messages.type_mismatch]\nen = 3\n"),
    (Kind::Rules, "[[rule]]\nid = \"A-01\"\n"),
    (Kind::Rules, "[[rule]]\nid = \"A-01\"\napplies_to = \"x\"\nseverity = \"error\"\nclause = { en = \"c\" }\nmessage = { en = \"m\" }\nlet = { a = \"1\" }\n"),
    (Kind::Rules, "[[rule]]\nid = \"A-01\"\napplies_to = \"x\"\nseverity = \"error\"\nclause = { en = \"c\" }\nmessage = { en = \"m\" }\n[[rule.check]]\nassert = \"true\"\nlets = { a = \"1\" }\n"),
    (Kind::Rules, "[[rule]]\nid = \"A-01\"\napplies_to = \"x\"\nseverity = \"error\"\nclause = { en = \"c\" }\nmessage = { en = \"m\" }\n[[rule.check]]\nrequire = \"/a\"\n"),
    (Kind::Rules, "[[rule]]\nid = \"A-01\"\napplies_to = \"x\"\nseverity = \"error\"\nclause = { en = \"c\" }\nmessage = { en = \"m\" }\n[[rule.check]]\nlet = { a = 1 }\n"),
    (Kind::Rules, "[[rule]]\nid = \"A-01\"\napplies_to = \"x\"\nseverity = \"error\"\nclause = { en = \"c\" }\nmessage = { en = \"m\" }\n[[rule.test]]\nname = \"t\"\nfixture = \"f\"\n"),
    (Kind::Rules, "[[rule]]\nid = \"A-01\"\napplies_to = \"x\"\nseverity = \"error\"\nclause = { en = \"c\" }\nmessage = { en = \"m\" }\n[[rule.test]]\nname = \"t\"\nfixture = \"f\"\nexpect = \"pass\"\nas_of = 2026-01-01T10:00:00Z\npaths = \"/a\"\n"),
    (Kind::Rules, "[[rule]]\nid = \"A-01\"\napplies_to = \"x\"\nseverity = \"error\"\nclause = { en = \"c\" }\nmessage = { en = \"m\" }\n[[rule.test]]\nname = \"t\"\nfixture = \"f\"\nexpect = \"pass\"\nset = { \"/a\" = 18446744073709551616 }\n"),
    (Kind::Rules, "rule = [[\"A-01\", \"x\", \"error\"]]\n"),
    (Kind::Rules, "rule = \"x\"\n"),
    (Kind::Rules, "rule = [2026-01-01]\n"),
    (Kind::Types, "[types.T]\na = 3\n"),
    (Kind::Types, "[documents.d]\nas_of = \"x\"\nfield = { a = \"string\" }\n"),
    (Kind::Types, "[documents.d]\nas_of = \"x\"\nfield = { a = \"string\" }\n"),
    (Kind::Types, "types = 2026-01-01\n"),
    (Kind::Data, "[[row]]\na = 1\n[[row]]\nb = 1979-05-27T07:32:00\n"),
    (Kind::Data, "row = { a = 1 }\n"),
    (Kind::Overrides, "[rules.RX-05]\nseverity = \"warning\"\nenabled = \"no\"\n"),
    (Kind::Overrides, "[rules.RX-05]\nsilence = true\n"),
    (Kind::Overrides, "rules = { \"RX-05\" = 2026-01-01 }\n"),
    (Kind::Calendar, "weekend = [6, -1]\n"),
    (Kind::Calendar, "weekend = [6, 7.5]\n"),
    (Kind::Calendar, "[[holiday]]\ndate = 2026-03-08\n"),
    (Kind::Calendar, "[[holiday]]\nname = \"x\"\n"),
    (Kind::Calendar, "[[year]]\nyear = 3000000000\n"),
    (Kind::Calendar, "[[year]]\nyear = 2026\ndays_off = [\"2026-01-05\"]\n"),
    (Kind::Calendar, "[[year]]\nyear = 2026\n[[year.holidays]]\ndate = \"2026-05-27\"\n"),
    (Kind::Sig, "format = \"f\"\nalgorithm = \"a\"\nkey_id = \"k\"\nsignature = \"s\"\n"),
    (Kind::Sig, "format = \"f\"\nalgorithm = \"a\"\nkey_id = \"k\"\nsignature = \"s\"\nfiles = { a = 1 }\n"),
    (Kind::Manifest, "id = \"p\"\nid = \"q\"\n"),
    (Kind::Manifest, "id = \n"),
    (Kind::Manifest, "[a]\nx = 1\n[a]\n"),
    (Kind::Manifest, "a = 2026-02-30\n"),
];

/// Pinned diagnostics, one line per file of [`PINNED`].
const EXPECTED: &str = r#"1:1: missing field `id`
1:1: missing field `effective_from`
4:1: unknown field `language`, expected one of `id`, `version`, `extends`, `effective_from`, `effective_to`, `languages`, `default_language`, `timezone`, `title`, `types`, `rule_files`, `data`, `data_edition`, `shared_data`, `calendars`, `params`, `messages`
1:6: invalid type: integer `3`, expected a string
2:11: invalid type: floating point `1.5`, expected a string
3:18: invalid type: string "2026-01-01", expected a TOML datetime
3:18: invalid type: sequence, expected a TOML datetime
3:20: expected field with custom name
3:18: datetime key not found
4:13: invalid type: string "en", expected a sequence
4:20: invalid type: integer `3`, expected a string
4:9: invalid type: string "t", expected a map
4:16: invalid type: boolean `true`, expected a string
4:9: invalid type: string "2026-01-01", expected a spanned value
4:10: invalid type: sequence, expected a map
5:7: u64 value was too large
5:8: floating-point number overflowed
4:1: missing field `effective_from`
8:10: invalid type: integer `1`, expected a string
4:17: invalid length 2, expected struct RawEdition with 5 elements
5:6: invalid type: integer `3`, expected a string
1:1: missing field `applies_to`
7:1: unknown field `let`, expected one of `id`, `applies_to`, `severity`, `title`, `clause`, `effective_from`, `effective_to`, `when`, `message`, `not_checked`, `params`, `check`, `test`
9:1: unknown field `lets`, expected one of `applies_to`, `assert`, `require`, `for_each`, `of_type`, `then_each`, `when`, `let`, `path`, `actual`, `expected`, `message`, `severity`, `not_checked`
8:11: invalid type: string "/a", expected a sequence
8:13: invalid type: integer `1`, expected a string
7:1: missing field `expect`
12:9: invalid type: string "/a", expected a sequence
11:16: invalid type: integer `18446744073709551616` as i128, expected any valid TOML value
1:9: invalid length 3, expected struct RawRule with 13 elements
1:8: invalid type: string "x", expected a sequence
1:9: unknown field `$__toml_private_datetime`, expected one of `id`, `applies_to`, `severity`, `title`, `clause`, `effective_from`, `effective_to`, `when`, `message`, `not_checked`, `params`, `check`, `test`
2:5: invalid type: integer `3`, expected a string
3:1: unknown field `field`, expected one of `as_of`, `member_id`, `label`, `fields`
3:1: unknown field `field`, expected one of `as_of`, `member_id`, `label`, `fields`
1:9: invalid type: string "$__toml_private_datetime", expected a spanned value
ok
1:7: invalid type: map, expected a sequence
3:11: invalid type: string "no", expected a boolean
2:1: unknown field `silence`, expected `severity` or `enabled`
1:21: unknown field `$__toml_private_datetime`, expected `severity` or `enabled`
1:15: invalid value: integer `-1`, expected u32
1:15: invalid type: floating point `7.5`, expected u32
2:8: invalid type: map, expected a string
1:1: missing field `date`
2:8: invalid value: integer `3000000000`, expected i32
3:13: invalid type: string "2026-01-05", expected a TOML datetime
4:8: invalid type: string "2026-05-27", expected a TOML datetime
1:1: missing field `files`
5:15: invalid type: integer `1`, expected a string
2:1: duplicate key
1:6: string values must be quoted, expected literal string
3:2: duplicate key
1:5: invalid date, expected day between 01 and 28
"#;

#[test]
fn expected_diagnostics() {
    let got: Vec<String> = PINNED.iter().map(|(k, src)| diagnostic(*k, src)).collect();
    let want: Vec<&str> = EXPECTED.lines().collect();
    for (i, (g, w)) in got.iter().zip(&want).enumerate() {
        assert_eq!(g, w, "file {i}: {:?}", PINNED[i].1);
    }
    assert_eq!(got.len(), want.len(), "{}", got.join("\n"));
}

#[test]
fn a_document_types_as_of_is_one_field_or_a_list_and_nothing_else() {
    assert_eq!(diagnostic(Kind::Types, "[documents.d]\nas_of = \"issued_at\"\n"), "ok");
    assert_eq!(diagnostic(Kind::Types, "[documents.d]\nas_of = [\"collected_at\", \"signature.signed_at\"]\n"), "ok");
    assert_eq!(
        diagnostic(Kind::Types, "[documents.d]\nas_of = 3\n"),
        "2:9: invalid type: integer `3`, expected a field name or a list of field names"
    );
    assert_eq!(
        diagnostic(Kind::Types, "[documents.d]\nas_of = [\"a\", 3]\n"),
        "2:15: invalid type: integer `3`, expected a string"
    );
}

#[test]
fn nesting_past_the_parsers_limit_is_refused_at_its_place() {
    let deep = 100_000;
    for (kind, text) in [
        (Kind::Manifest, format!("{MANIFEST_HEAD}[params]\na = {}{}\n", "[".repeat(deep), "]".repeat(deep))),
        (Kind::Manifest, format!("{MANIFEST_HEAD}[params]\na = {}1{}\n", "{ b = ".repeat(deep), " }".repeat(deep))),
        (Kind::Data, format!("[[row]]\na = {}\n", "[".repeat(deep))),
        (Kind::Data, format!("[{}]\n", vec!["a"; deep].join("."))),
        (Kind::Data, format!("{} = 1\n", vec!["a"; deep].join("."))),
        (Kind::Rules, format!("{RULE_HEAD}[[rule.test]]\nname = \"t\"\nfixture = \"f\"\nexpect = \"pass\"\nset = {{ a = {} }}\n", "[".repeat(deep))),
        (Kind::Calendar, format!("[[holiday]]\ndate = \"03-08\"\nname = {}\n", "[".repeat(deep))),
    ] {
        let (message, at) = read(kind, &text).expect_err("refused");
        let at = at.unwrap_or_else(|| panic!("{kind:?}: {message} at no place"));
        assert!(at < text.len(), "{kind:?}: {at}");
        assert!(["cannot recurse further; max recursion depth met", "recursion limit"].contains(&message.as_str()), "{kind:?}: {message}");
    }
    // At the value past the limit, not the file's start.
    let text = format!("{MANIFEST_HEAD}[params]\na = {}{}\n", "[".repeat(deep), "]".repeat(deep));
    assert_eq!(diagnostic(Kind::Manifest, &text), "5:85: cannot recurse further; max recursion depth met");
    // Within the limit, nesting is read.
    let ok = format!("{MANIFEST_HEAD}[params]\na = {}{}\n", "[".repeat(40), "]".repeat(40));
    assert_eq!(diagnostic(Kind::Manifest, &ok), "ok");
}

#[test]
fn a_long_array_is_read() {
    let n = 200_000;
    let text = format!("{MANIFEST_HEAD}[params]\na = [{}]\n", vec!["1"; n].join(", "));
    let m = raw::Manifest::read(&text).map_err(|e| e.message).unwrap();
    assert_eq!(m.params["a"].as_array().map(Vec::len), Some(n));
}
