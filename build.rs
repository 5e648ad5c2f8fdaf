//! Embeds the default rule pack (`rules/kz-orphan`) into the library: every `.toml` and
//! `.json` file, by its path inside the pack.
//!
//! With the `embedded-pack-minified` feature (the WebAssembly module, where every byte counts)
//! the embedded copy is minified: TOML loses its comments and indentation but keeps every line
//! break (so a rule's `file:line` is the same as in the pack's own files), JSON loses the
//! whitespace between tokens. Each minified TOML file is checked to parse to the same table as
//! the original; a file the minifier cannot handle (multi-line strings) is embedded as written.
use std::path::{Path, PathBuf};
use std::{env, fs};

fn collect(dir: &Path, root: &Path, out: &mut Vec<(String, PathBuf)>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let p = entry.path();
        if p.is_dir() {
            // A directory is watched too, so files added to it re-run this script.
            println!("cargo:rerun-if-changed={}", p.display());
            collect(&p, root, out);
        } else if matches!(p.extension().and_then(|e| e.to_str()), Some("toml" | "json")) {
            let rel = p.strip_prefix(root).unwrap_or(&p);
            let rel = rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
            out.push((rel, p.canonicalize().unwrap_or(p.clone())));
        }
    }
}

/// TOML without comments, indentation and trailing blanks, one output line per input line.
/// `None` when the file has multi-line strings (left as written).
#[cfg(feature = "embedded-pack-minified")]
fn minify_toml(text: &str) -> Option<String> {
    if text.contains("\"\"\"") || text.contains("'''") {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let line = line.trim_start_matches([' ', '\t']);
        let mut end = line.len();
        let mut quote: Option<char> = None;
        let mut escaped = false;
        for (j, c) in line.char_indices() {
            match quote {
                Some('"') if escaped => escaped = false,
                Some('"') if c == '\\' => escaped = true,
                Some(q) if c == q => quote = None,
                Some(_) => {}
                None if c == '"' || c == '\'' => quote = Some(c),
                None if c == '#' => {
                    end = j;
                    break;
                }
                None => {}
            }
        }
        out.push_str(line[..end].trim_end_matches([' ', '\t', '\r']));
    }
    let same = |a: &str, b: &str| matches!((a.parse::<toml::Table>(), b.parse::<toml::Table>()), (Ok(x), Ok(y)) if x == y);
    if !same(text, &out) {
        println!("cargo:warning=embedded pack: a TOML file does not minify to the same table; embedded as written");
        return None;
    }
    Some(out)
}

/// JSON without whitespace between tokens (strings, numbers and key order as written).
#[cfg(feature = "embedded-pack-minified")]
fn minify_json(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let (mut in_str, mut escaped) = (false, false);
    for c in text.chars() {
        if in_str {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_str = false;
            }
        } else if !matches!(c, ' ' | '\t' | '\n' | '\r') {
            in_str = c == '"';
            out.push(c);
        }
    }
    out
}

/// The sources that define what a compiled pack (`src/pack/compiled.rs`) holds and means: its
/// encoding, the typed expression tree, the types, the loader's scope slots, templates,
/// calendars.
const COMPILED_FORM_SOURCES: [&str; 9] = [
    "src/codec.rs",
    "src/expr/codec.rs",
    "src/pack/compiled.rs",
    "src/expr/check.rs",
    "src/expr/mod.rs",
    "src/types.rs",
    "src/pack/mod.rs",
    "src/pack/template.rs",
    "src/calendar.rs",
];

/// `QAGIDA_COMPILED_FINGERPRINT`: FNV-1a (64 bits) of [`COMPILED_FORM_SOURCES`] (carriage
/// returns left out). A compiled pack carries it in its header next to the crate version, so a
/// build from other sources refuses it even under the same version number.
fn compiled_form_fingerprint(manifest_dir: &str) {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for f in COMPILED_FORM_SOURCES {
        let p = Path::new(manifest_dir).join(f);
        println!("cargo:rerun-if-changed={}", p.display());
        let bytes = fs::read(&p).expect("read a source of the compiled pack form");
        for &b in bytes.iter().filter(|&&b| b != b'\r') {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    println!("cargo:rustc-env=QAGIDA_COMPILED_FINGERPRINT={h:016x}");
}

fn main() {
    // Read at run time, not with `env!`: cargo may reuse this script's binary for another
    // checkout of the same sources sharing a target directory, and a path baked in at compile
    // time would then embed the pack of a directory that may no longer exist.
    let manifest_dir = env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR");
    compiled_form_fingerprint(&manifest_dir);
    let root = Path::new(&manifest_dir).join("rules").join("kz-orphan");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut files = Vec::new();
    collect(&root, &root, &mut files);
    files.sort();
    // An empty or manifest-less embedded pack would only fail when a program loads it: fail the
    // build instead.
    assert!(
        files.iter().any(|(rel, _)| rel == "pack.toml"),
        "the embedded pack {} has no pack.toml (is the directory there?)",
        root.display()
    );
    let out_dir = PathBuf::from(env::var("OUT_DIR").expect("OUT_DIR"));
    let mut src = String::from("pub const FILES: &[(&str, &str)] = &[\n");
    for (rel, abs) in &files {
        println!("cargo:rerun-if-changed={}", abs.display());
        #[cfg(feature = "embedded-pack-minified")]
        {
            let text = fs::read_to_string(abs).expect("read a file of the embedded pack");
            let min = if rel.ends_with(".json") { Some(minify_json(&text)) } else { minify_toml(&text) };
            if let Some(min) = min {
                let path = out_dir.join("embedded-pack").join(rel);
                fs::create_dir_all(path.parent().expect("a parent")).expect("create OUT_DIR/embedded-pack");
                fs::write(&path, min).expect("write a minified file");
                src.push_str(&format!("    ({rel:?}, include_str!({:?})),\n", path.display().to_string()));
                continue;
            }
        }
        src.push_str(&format!("    ({rel:?}, include_str!({:?})),\n", abs.display().to_string()));
    }
    src.push_str("];\n");
    fs::write(out_dir.join("embedded_pack.rs"), src).expect("write embedded_pack.rs");
}
