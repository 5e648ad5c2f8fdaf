//! Compiles the embedded pack (feature `embedded-pack`): the stack file or pack directory named
//! in the repository's `pkg-config.json` (`packs_embedded`: `rules/default.toml`, the national
//! pack and every regional layer, as `Pack::embedded()` carries) is loaded on the host with the
//! core's full loader (`Pack::load_stack` / `Pack::load_dir`: TOML, type checking, the expression
//! compiler; a regional directory brings the layers it `extends`) and written to
//! `OUT_DIR/default-pack.qpack` in compiled form (`Pack::to_compiled_with`). `src/lib.rs` embeds
//! those bytes and `Validator.withDefaultPack()` decodes them with `Pack::from_compiled`, so the
//! module needs neither the pack's text nor the loader.
//!
//! What the embedded form leaves out is `embedded_pack_compile` of pkg-config.json: `tests`
//! (the rules' `[[rule.test]]` cases: without them `runPackTests()` of the embedded pack runs
//! only the fixture checks) and `sources` (expression source text, read only by `qagida
//! explain`). Both default to false: only what validation reads, `CompileOptions::VALIDATION_ONLY`.
//!
//! A pack that does not load fails the build with its diagnostics (`file:line:col: message`).
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::{env, fs};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    println!("cargo:rerun-if-changed=build.rs");
    if env::var_os("CARGO_FEATURE_EMBEDDED_PACK").is_none() {
        return Ok(());
    }
    let manifest_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").map_err(|e| format!("CARGO_MANIFEST_DIR: {e}"))?);
    let root = manifest_dir.join("..").join("..");
    let root = root.canonicalize().unwrap_or(root);
    let config_path = root.join("pkg-config.json");
    println!("cargo:rerun-if-changed={}", config_path.display());
    let config = read_config(&config_path)?;
    let dir = root.join(embedded_pack_dir(&config, &config_path)?);
    let options = compile_options(&config, &config_path)?;
    // Cargo watches a directory recursively: any file added, removed or changed under it.
    println!("cargo:rerun-if-changed={}", dir.display());
    // A stack file (`rules/default.toml`: the national pack and every regional layer) or a pack
    // directory (a regional one brings the layers it `extends`).
    let loaded = if dir.is_file() { qagida::Pack::load_stack(&dir) } else { qagida::Pack::load_dir(&dir) };
    let pack = loaded.map_err(|e| format!("the embedded pack {} does not load:\n{e}", dir.display()))?;
    if !pack.layers.is_empty() {
        // Layers are directories beside the stack file or the regional pack.
        if let Some(parent) = dir.parent() {
            println!("cargo:rerun-if-changed={}", parent.display());
        }
    }
    let bytes = pack.to_compiled_with(options);
    let out = PathBuf::from(env::var("OUT_DIR").map_err(|e| format!("OUT_DIR: {e}"))?).join("default-pack.qpack");
    fs::write(&out, &bytes).map_err(|e| format!("{}: {e}", out.display()))?;
    Ok(())
}

fn read_config(config_path: &Path) -> Result<serde_json::Value, String> {
    let text = fs::read_to_string(config_path).map_err(|e| format!("{}: {e}", config_path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", config_path.display()))
}

/// `embedded_pack_compile`: `{"tests": bool, "sources": bool}`, each false when absent.
fn compile_options(config: &serde_json::Value, config_path: &Path) -> Result<qagida::CompileOptions, String> {
    let mut options = qagida::CompileOptions::VALIDATION_ONLY;
    let Some(o) = config.get("embedded_pack_compile") else { return Ok(options) };
    let flag = |key: &str| match o.get(key) {
        None => Ok(false),
        Some(serde_json::Value::Bool(b)) => Ok(*b),
        Some(_) => Err(format!("{}: `embedded_pack_compile.{key}` must be true or false", config_path.display())),
    };
    options.tests = flag("tests")?;
    options.sources = flag("sources")?;
    Ok(options)
}

/// The one pack directory of `packs_embedded`, relative to the repository root.
fn embedded_pack_dir(config: &serde_json::Value, config_path: &Path) -> Result<String, String> {
    let packs = config
        .get("packs_embedded")
        .and_then(|p| p.as_array())
        .ok_or_else(|| format!("{}: no `packs_embedded` array", config_path.display()))?;
    match packs.as_slice() {
        [one] => one
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| format!("{}: `packs_embedded` must hold a stack file or a directory name", config_path.display())),
        _ => Err(format!(
            "{}: `packs_embedded` must name exactly one stack file or pack directory (a regional one brings its base), not {}",
            config_path.display(),
            packs.len()
        )),
    }
}
