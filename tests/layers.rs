//! The library's layers (ARCHITECTURE.md, "The library"): every top-level module of `src/`
//! imports only modules of lower layers, so the modules form no import cycle.
//!
//! A module is a top-level file `src/NAME.rs` or folder `src/NAME/`. Its imports are the
//! `crate::NAME` paths (also inside `use crate::{A, B::c}` groups) and the `super::…::NAME`
//! paths that climb to the crate root, in its non-test code: test files (`tests.rs`,
//! `*_tests.rs`, `tests_*.rs`, `test_*.rs`), `#[cfg(test)]` items and comments are left out
//! (a unit test may drive a higher layer, as a round trip through `testing` does).

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// The layers of `src/`, bottom first. A module may import the modules of lower layers only:
/// none of its own layer, none above.
const LAYERS: &[(&str, &[&str])] = &[
    ("the compiled form's serde plumbing: the first problem met while reading, in words", &["wire"]),
    (
        "leaves: errors, static types, format checks, the document model and its parser",
        &["error", "types", "formats", "document"],
    ),
    ("working-day calendars (pure data)", &["calendar"]),
    ("run-time values", &["value"]),
    ("the check language: lexer, parser, type checker, evaluator, built-ins", &["expr"]),
    ("the pack: the model, loading, compiling, the compiled form", &["pack"]),
    ("validating a document against a pack", &["engine"]),
    ("a pack's own test cases; signatures", &["testing", "signing"]),
    ("a deployment's pack as an operator names it; a rule explained (shared by the CLI and the service)", &["deploy", "explain", "schema"]),
];

fn src_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn is_test_file(name: &str) -> bool {
    let stem = name.strip_suffix(".rs").unwrap_or(name);
    stem == "tests" || stem.ends_with("_tests") || stem.starts_with("tests_") || stem.starts_with("test_")
}

/// The top-level modules of `src/` (test-only ones left out).
fn modules(src: &Path) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for e in fs::read_dir(src).expect("read src/") {
        let e = e.expect("a src/ entry");
        let name = e.file_name().to_string_lossy().into_owned();
        if e.path().is_dir() {
            out.insert(name);
        } else if let Some(stem) = name.strip_suffix(".rs")
            && !matches!(stem, "lib" | "main")
            && !is_test_file(&name)
        {
            out.insert(stem.to_string());
        }
    }
    out
}

/// The non-test `.rs` files of a module, each with its depth below the crate root (1 for
/// `src/NAME.rs` and `src/NAME/mod.rs`, 2 for `src/NAME/child.rs`, …).
fn files(src: &Path, module: &str) -> Vec<(PathBuf, usize)> {
    let file = src.join(format!("{module}.rs"));
    let mut out = Vec::new();
    if file.is_file() {
        out.push((file, 1));
    }
    fn walk(dir: &Path, depth: usize, out: &mut Vec<(PathBuf, usize)>) {
        let Ok(entries) = fs::read_dir(dir) else { return };
        for e in entries.flatten() {
            let p = e.path();
            let name = e.file_name().to_string_lossy().into_owned();
            if p.is_dir() {
                walk(&p, depth + 1, out);
            } else if name.ends_with(".rs") && !is_test_file(&name) {
                out.push((p, if name == "mod.rs" { depth } else { depth + 1 }));
            }
        }
    }
    walk(&src.join(module), 1, &mut out);
    out
}

/// The text without comments, without the contents of string and character literals, and
/// without `#[cfg(test)]` items.
fn code(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut no_comments = String::with_capacity(text.len());
    let mut i = 0;
    let at = |i: usize| chars.get(i).copied().unwrap_or('\0');
    let word_before = |i: usize| i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_');
    while i < chars.len() {
        let c = chars[i];
        if c == '/' && at(i + 1) == '/' {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && at(i + 1) == '*' {
            i += 2;
            while i < chars.len() && !(chars[i] == '*' && at(i + 1) == '/') {
                i += 1;
            }
            i += 2;
        } else if c == 'r' && (at(i + 1) == '"' || at(i + 1) == '#') && (!word_before(i) || (at(i - 1) == 'b' && !word_before(i - 1))) {
            // `r"…"`, `r#"…"#`: up to the quote and as many `#`.
            let mut j = i + 1;
            while at(j) == '#' {
                j += 1;
            }
            if at(j) != '"' {
                no_comments.push(c);
                i += 1;
                continue;
            }
            let hashes = j - i - 1;
            j += 1;
            while j < chars.len() && !(chars[j] == '"' && (1..=hashes).all(|k| at(j + k) == '#')) {
                j += 1;
            }
            no_comments.push_str("\"\"");
            i = j + 1 + hashes;
        } else if c == '"' {
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                i += if chars[i] == '\\' { 2 } else { 1 };
            }
            no_comments.push_str("\"\"");
            i += 1;
        } else if c == '\'' && at(i + 1) == '\\' {
            // `'\n'`, `'\''`, `'\u{…}'`: a character.
            i += 3;
            while i < chars.len() && chars[i] != '\'' {
                i += 1;
            }
            no_comments.push_str("' '");
            i += 1;
        } else if c == '\'' && at(i + 2) == '\'' {
            no_comments.push_str("' '");
            i += 3;
        } else {
            no_comments.push(c);
            i += 1;
        }
    }

    // Drop each `#[cfg(test)]` item: up to its `;` or the `}` closing its first `{`.
    let mut out = String::with_capacity(no_comments.len());
    let mut rest = no_comments.as_str();
    while let Some(i) = rest.find("#[cfg(test)]") {
        out.push_str(&rest[..i]);
        let item = &rest[i..];
        let mut depth = 0usize;
        let mut end = item.len();
        for (j, c) in item.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        end = j + 1;
                        break;
                    }
                }
                ';' if depth == 0 => {
                    end = j + 1;
                    break;
                }
                _ => {}
            }
        }
        rest = &item[end..];
    }
    out.push_str(rest);
    out
}

fn ident_at(s: &str) -> &str {
    let end = s.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(s.len());
    &s[..end]
}

fn is_word_start(text: &str, i: usize) -> bool {
    text[..i].chars().next_back().is_none_or(|c| !(c.is_alphanumeric() || c == '_' || c == ':'))
}

/// The top-level names a file's code refers to through the crate root.
fn referenced(code: &str, depth: usize) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for (i, _) in code.match_indices("crate::") {
        if !is_word_start(code, i) {
            continue;
        }
        let after = code[i + "crate::".len()..].trim_start();
        if let Some(group) = after.strip_prefix('{') {
            // `crate::{a, b::{c, d}, e}`: the first name of each item at the group's top level.
            let mut level = 0usize;
            let mut item_start = true;
            for (j, c) in group.char_indices() {
                match c {
                    '{' => level += 1,
                    '}' if level == 0 => break,
                    '}' => level -= 1,
                    ',' if level == 0 => item_start = true,
                    c if item_start && (c.is_alphabetic() || c == '_') => {
                        names.insert(ident_at(&group[j..]).to_string());
                        item_start = false;
                    }
                    _ => {}
                }
            }
        } else {
            names.insert(ident_at(after).to_string());
        }
    }
    // `super::` repeated `depth` times names the crate root.
    let climb = "super::".repeat(depth);
    for (i, _) in code.match_indices(&climb) {
        if is_word_start(code, i) {
            let after = &code[i + climb.len()..];
            if !after.starts_with("super::") {
                names.insert(ident_at(after).to_string());
            }
        }
    }
    names
}

/// Each module's imports of other top-level modules, with a file that makes each.
fn imports() -> BTreeMap<String, BTreeMap<String, PathBuf>> {
    let src = src_dir();
    let mods = modules(&src);
    let mut edges: BTreeMap<String, BTreeMap<String, PathBuf>> = BTreeMap::new();
    for m in &mods {
        let to = edges.entry(m.clone()).or_default();
        for (file, depth) in files(&src, m) {
            let text = fs::read_to_string(&file).expect("read a source file");
            for n in referenced(&code(&text), depth) {
                if &n != m && mods.contains(&n) {
                    to.entry(n).or_insert_with(|| file.strip_prefix(&src).unwrap_or(&file).to_path_buf());
                }
            }
        }
    }
    edges
}

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|(_, mods)| mods.contains(&module))
}

#[test]
fn every_src_module_has_a_layer() {
    let missing: Vec<String> = modules(&src_dir()).into_iter().filter(|m| layer_of(m).is_none()).collect();
    assert!(missing.is_empty(), "src/ modules without a layer in tests/layers.rs's LAYERS: {missing:?}");
}

#[test]
fn src_modules_import_only_lower_layers() {
    let mut upward = Vec::new();
    for (from, to) in imports() {
        let Some(lf) = layer_of(&from) else { continue };
        for (t, file) in to {
            let Some(lt) = layer_of(&t) else { continue };
            if lt >= lf {
                let how = if lt == lf { "its own layer" } else { "a higher layer" };
                upward.push(format!("{from} imports {t} ({how}: \"{}\"), in src/{}", LAYERS[lt].0, file.display()));
            }
        }
    }
    assert!(upward.is_empty(), "imports against the layer order:\n  {}", upward.join("\n  "));
}

#[test]
fn src_modules_form_no_import_cycle() {
    let edges = imports();
    // Tarjan's strongly connected components; a component of two or more modules is a cycle.
    struct Search<'a> {
        edges: &'a BTreeMap<String, BTreeMap<String, PathBuf>>,
        index: BTreeMap<&'a str, (usize, usize)>,
        stack: Vec<&'a str>,
        cycles: Vec<Vec<&'a str>>,
    }
    impl<'a> Search<'a> {
        fn visit(&mut self, v: &'a str) {
            let n = self.index.len();
            self.index.insert(v, (n, n));
            self.stack.push(v);
            let edges = self.edges;
            for w in edges[v].keys() {
                let w = w.as_str();
                if !self.index.contains_key(w) {
                    self.visit(w);
                    let low = self.index[w].1.min(self.index[v].1);
                    self.index.get_mut(v).expect("visited").1 = low;
                } else if self.stack.contains(&w) {
                    let low = self.index[w].0.min(self.index[v].1);
                    self.index.get_mut(v).expect("visited").1 = low;
                }
            }
            if self.index[v].0 == self.index[v].1 {
                let at = self.stack.iter().rposition(|x| *x == v).expect("on the stack");
                let comp: Vec<&str> = self.stack.split_off(at);
                if comp.len() > 1 {
                    self.cycles.push(comp);
                }
            }
        }
    }
    let mut s = Search { edges: &edges, index: BTreeMap::new(), stack: Vec::new(), cycles: Vec::new() };
    for v in edges.keys() {
        if !s.index.contains_key(v.as_str()) {
            s.visit(v);
        }
    }
    let described: Vec<String> = s
        .cycles
        .iter()
        .map(|c| {
            let mut c = c.clone();
            c.sort_unstable();
            let ties: Vec<String> = c
                .iter()
                .flat_map(|a| edges[*a].iter().filter(|(b, _)| c.contains(&b.as_str())).map(move |(b, f)| format!("{a}->{b} (src/{})", f.display())))
                .collect();
            format!("{}: {}", c.join(" "), ties.join(", "))
        })
        .collect();
    assert!(described.is_empty(), "import cycles among src/'s top-level modules:\n  {}", described.join("\n  "));
}
