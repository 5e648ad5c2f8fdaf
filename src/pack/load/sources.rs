//! Where a pack comes from: the embedded default pack, a directory (and the packs it
//! `extends`), a stack file, files in memory, layers; a deployment's overrides on top.

use std::collections::HashSet;
use std::path::Path;


use crate::error::{Diagnostic, PackError};

use super::*;

#[cfg(feature = "embedded-pack")]
mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded_pack.rs"));
}

impl Pack {
    /// The default pack, embedded at build time: the layers of `rules/default.toml` (the
    /// national pack `kz-orphan` and every regional layer, each region's decision applied to
    /// that region's local-budget documents).
    #[cfg(feature = "embedded-pack")]
    pub fn embedded() -> Result<Pack, PackError> {
        let chain: Vec<(&str, Files)> = embedded::LAYERS
            .iter()
            .map(|(name, files)| (*name, files.iter().map(|(p, c)| ((*p).to_string(), (*c).to_string())).collect()))
            .collect();
        let layers: Vec<(&str, &Files)> = chain.iter().map(|(n, f)| (*n, f)).collect();
        Pack::stack_of(&layers)
    }

    /// Loads a pack from a directory (reads every `.toml` and `.json` file under it). A pack
    /// whose manifest says `extends = "ID"` is a layer: the pack `ID` is loaded first
    /// (recursively), and this one on top of it. `ID` is a pack id, never a path: the pack
    /// directory beside this one named `ID`, else the one whose `pack.toml` has that id.
    pub fn load_dir(dir: impl AsRef<Path>) -> Result<Pack, PackError> {
        Pack::load_dir_in(dir, &[])
    }

    /// [`Pack::load_dir`], looking for the packs a layer extends also in the directories of
    /// `pack_path` (each holding pack directories), after those beside the layer.
    pub fn load_dir_in(dir: impl AsRef<Path>, pack_path: &[std::path::PathBuf]) -> Result<Pack, PackError> {
        let mut chain = layer_chain(dir.as_ref(), pack_path, read_dir_files)?;
        chain.reverse();
        let dirs: Vec<&Path> = chain.iter().map(|(d, _)| d.as_path()).collect();
        let names = layer_names(&dirs);
        let layers: Vec<(&str, &Files)> = names.iter().zip(&chain).map(|(n, (_, f))| (n.as_str(), f)).collect();
        let located: Vec<(&str, &Path)> = names.iter().zip(&dirs).map(|(n, d)| (n.as_str(), *d)).collect();
        Pack::from_layers(&layers).map_err(|e| in_dirs(e, &located))
    }

    /// Loads the layers a stack file lists, base first: a TOML file `layers = ["kz-orphan",
    /// "kz-karaganda"]` naming pack directories beside it (`rules/default.toml`, the default
    /// pack: the national pack and every regional layer). Each layer's `extends` names a layer
    /// below it.
    pub fn load_stack(file: impl AsRef<Path>) -> Result<Pack, PackError> {
        let file = file.as_ref();
        let fail = |message: String| PackError { diagnostics: vec![Diagnostic { file: file.display().to_string(), line: 0, col: 0, message }] };
        let bytes = read_file_capped(file, MAX_PACK_FILE_BYTES).map_err(fail)?;
        let text = String::from_utf8(bytes).map_err(|_| fail("cannot read: the file is not UTF-8 text".into()))?;
        let names = stack_layers(&text).map_err(fail)?;
        let dir = file.parent().unwrap_or(Path::new("."));
        Pack::load_layer_dirs(&names.iter().map(|name| dir.join(name)).collect::<Vec<_>>())
    }

    /// Loads the layers in these pack directories, base first, as a stack file lists them
    /// ([`Pack::load_stack`]): each named by its directory's name, each layer's `extends`
    /// naming a layer below it.
    pub fn load_layer_dirs(dirs: &[std::path::PathBuf]) -> Result<Pack, PackError> {
        let mut chain: Vec<(String, &Path, Files)> = Vec::with_capacity(dirs.len());
        for d in dirs {
            let name = d.file_name().map_or_else(|| d.display().to_string(), |n| n.to_string_lossy().into_owned());
            // Layers are named by their directories: two of one name would share one prefix.
            if chain.iter().any(|(n, _, _)| *n == name) {
                let message = format!("two layers named `{name}`: each layer's directory must have its own name");
                return Err(PackError { diagnostics: vec![Diagnostic { file: d.display().to_string(), line: 0, col: 0, message }] });
            }
            chain.push((name, d.as_path(), read_dir_files(d)?));
        }
        let layers: Vec<(&str, &Files)> = chain.iter().map(|(n, _, f)| (n.as_str(), f)).collect();
        let located: Vec<(&str, &Path)> = chain.iter().map(|(n, d, _)| (n.as_str(), *d)).collect();
        Pack::stack_of(&layers).map_err(|e| in_dirs(e, &located))
    }

    /// Loads a pack from in-memory files (e.g. fetched by a web page).
    pub fn from_files(files: &Files) -> Result<Pack, PackError> {
        Loader::new(files, vec![String::new()]).load()
    }

    /// Loads layered packs, base first: e.g. the national pack, then a regional pack whose
    /// manifest says `extends = "<base id>"`. Each layer adds types, data, calendars, params
    /// and rules; a layer's rule with the ID of a rule below replaces it. Diagnostics name a
    /// layer's files as `NAME/path`.
    pub fn from_layers(layers: &[(&str, &Files)]) -> Result<Pack, PackError> {
        Pack::layered(layers, false)
    }

    /// Loads a stack of layers (a stack file's, the embedded default pack's): as
    /// [`Pack::from_layers`], but the pack is named by its base (id, version and title of
    /// `kz-orphan`, its layers listed in the result's `rule_pack.layers`), not by whichever
    /// regional layer it lists last.
    pub fn stack_of(layers: &[(&str, &Files)]) -> Result<Pack, PackError> {
        Pack::layered(layers, true)
    }

    fn layered(layers: &[(&str, &Files)], named_by_base: bool) -> Result<Pack, PackError> {
        let mut all = Files::new();
        let mut prefixes = Vec::new();
        for (i, (name, files)) in layers.iter().enumerate() {
            let prefix = if i == 0 { String::new() } else { format!("{name}/") };
            for (p, c) in files.iter() {
                all.insert(format!("{prefix}{p}"), c.clone());
            }
            prefixes.push(prefix);
        }
        let mut loader = Loader::new(&all, prefixes);
        loader.named_by_base = named_by_base;
        loader.load()
    }

    /// Applies a deployment's overrides (TOML): `[rules.RX-05] severity = "warning"` changes a
    /// rule's severity (every finding it judges by; its `info` checks stay info),
    /// `[rules.MON-02] enabled = false` silences it. An engine finding's ID (`NOT-IN-FORCE`,
    /// `BUNDLE`, `INPUT`, `TYPE`, `DOCTYPE`) takes a severity, not `enabled`. Unknown rule IDs
    /// and bad values are refused with `file:line:col`.
    pub fn with_overrides(mut self, file_name: &str, text: &str) -> Result<Pack, PackError> {
        let files: Files = [(file_name.to_string(), text.to_string())].into_iter().collect();
        let mut loader = Loader::new(&files, Vec::new());
        let Some(ov) = loader.parse(file_name, raw::OverridesFile::read) else {
            return Err(PackError { diagnostics: loader.diags });
        };
        let mut silenced = HashSet::new();
        for (id, o) in &ov.rules {
            if let Some(i) = engine_rule(id.get_ref()) {
                if o.enabled.is_some() {
                    loader.err_at(file_name, id, format!("`{}` is a finding of the engine: its severity may change, it cannot be silenced", id.get_ref()));
                }
                match o.severity.as_ref().map(|s| (s, Severity::parse(s.get_ref()))) {
                    Some((_, Some(sev))) => {
                        if let Some(slot) = self.engine_severity.get_mut(i) {
                            *slot = sev;
                        }
                    }
                    Some((s, None)) => loader.err_at(file_name, s, "severity must be error, warning or info"),
                    None => {}
                }
                continue;
            }
            if !self.rules.iter().any(|r| r.id == *id.get_ref()) {
                loader.err_at(file_name, id, format!("no rule `{}` in {} {}", id.get_ref(), self.id, self.version));
                continue;
            }
            if let Some(sev) = &o.severity {
                match Severity::parse(sev.get_ref()) {
                    // The rule's judgments take the new severity, its checks with a severity of
                    // their own too; its `info` checks (what it could not judge) stay info.
                    Some(s) => self.rules.iter_mut().filter(|r| r.id == *id.get_ref()).for_each(|r| {
                        r.severity = s;
                        for c in &mut r.checks {
                            if c.severity.is_some_and(|own| own != Severity::Info) {
                                c.severity = Some(s);
                            }
                        }
                    }),
                    None => loader.err_at(file_name, sev, "severity must be error, warning or info"),
                }
            }
            if o.enabled == Some(false) {
                silenced.insert(id.get_ref().clone());
            }
        }
        if !loader.diags.is_empty() {
            return Err(PackError { diagnostics: loader.diags });
        }
        for r in self.rules.iter().filter(|r| silenced.contains(&r.id)) {
            for t in &r.applies_to {
                self.silenced.push((t.clone(), r.effective_from, r.effective_to));
            }
        }
        self.rules.retain(|r| !silenced.contains(&r.id));
        self.rules_by_doc = index_rules(&self.rules);
        // What validations kept is by rule index and place: made again on first use.
        self.cache = Default::default();
        Ok(self)
    }
}

/// The layer names of a stack file (`layers = ["…", …]`: at least one, each a plain directory
/// name, none twice).
pub fn stack_layers(text: &str) -> Result<Vec<String>, String> {
    let t: TomlTable = super::raw::read_doc(text).map_err(|e| e.message)?;
    if let Some(k) = t.keys().find(|k| *k != "layers") {
        return Err(format!("unknown key `{k}` (a stack file has `layers` only)"));
    }
    let Some(TomlValue::Array(items)) = t.get("layers") else {
        return Err("a stack file lists its `layers = [\"base\", \"layer\", …]`".into());
    };
    let mut names: Vec<String> = Vec::new();
    for v in items {
        let Some(n) = v.as_str() else { return Err("each layer is a directory name (a string)".into()) };
        if let Some(problem) = pack_id_problem(n) {
            return Err(format!("a layer is the name of a pack directory beside the stack file: {problem}"));
        }
        if names.iter().any(|have| have == n) {
            return Err(format!("`{n}` is listed twice"));
        }
        names.push(n.to_string());
    }
    if names.is_empty() {
        return Err("a stack lists at least one layer".into());
    }
    Ok(names)
}
