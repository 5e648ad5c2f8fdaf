//! Embeds the default rule pack into the library (`Pack::embedded()`): the layers that
//! `rules/default.toml` lists (the national pack and every regional layer), each as every
//! `.toml` and `.json` file by its path inside the layer's directory. And sets
//! `QAGIDA_COMPILED_FINGERPRINT` for the compiled pack form (below). (The WebAssembly validator
//! module embeds no pack: the npm package ships the default pack compiled beside it,
//! `packs/default.qpack`, which `Validator.fromCompiled` reads.)
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

/// The sources that define what a compiled pack (`src/pack/compiled.rs`) holds and means: its
/// encoding, the typed expression tree (windows included), the types, the pack model and the
/// loader's scope slots, templates, calendars, and the JSON reader of its data.
const COMPILED_FORM_SOURCES: [&str; 21] = [
    "src/wire.rs",
    "src/document.rs",
    "src/expr/window.rs",
    "src/expr/flat.rs",
    "src/pack/compiled.rs",
    "src/expr/check.rs",
    "src/expr/check/lookup.rs",
    "src/expr/check/window.rs",
    "src/expr/tree.rs",
    "src/expr/mod.rs",
    "src/types.rs",
    "src/pack/mod.rs",
    "src/pack/model.rs",
    "src/pack/pointer.rs",
    "src/pack/load/mod.rs",
    "src/pack/load/sources.rs",
    "src/pack/load/doc_types.rs",
    "src/pack/load/data.rs",
    "src/pack/load/rules.rs",
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
    let rules = Path::new(&manifest_dir).join("rules");
    let stack = rules.join("default.toml");
    println!("cargo:rerun-if-changed={}", stack.display());
    let text = fs::read_to_string(&stack).expect("read rules/default.toml");
    let value: toml::Table = text.parse().expect("rules/default.toml is TOML");
    let layers: Vec<String> = value
        .get("layers")
        .and_then(toml::Value::as_array)
        .expect("rules/default.toml lists its `layers`")
        .iter()
        .map(|v| v.as_str().expect("a layer is a directory name").to_string())
        .collect();
    let out_dir = PathBuf::from(env::var("OUT_DIR").expect("OUT_DIR"));
    let mut src = String::from("pub const LAYERS: &[(&str, &[(&str, &str)])] = &[\n");
    for layer in &layers {
        let root = rules.join(layer);
        println!("cargo:rerun-if-changed={}", root.display());
        let mut files = Vec::new();
        collect(&root, &root, &mut files);
        files.sort();
        // An empty or manifest-less embedded layer would only fail when a program loads it:
        // fail the build instead.
        assert!(
            files.iter().any(|(rel, _)| rel == "pack.toml"),
            "the embedded layer {} has no pack.toml (is the directory there?)",
            root.display()
        );
        src.push_str(&format!("    ({layer:?}, &[\n"));
        for (rel, abs) in &files {
            println!("cargo:rerun-if-changed={}", abs.display());
            src.push_str(&format!("        ({rel:?}, include_str!({:?})),\n", abs.display().to_string()));
        }
        src.push_str("    ]),\n");
    }
    src.push_str("];\n");
    fs::write(out_dir.join("embedded_pack.rs"), src).expect("write embedded_pack.rs");
}
