//! Reading packs from the file system: only regular files, each and all of them within a size
//! cap; `extends` resolved as a pack *id* among the pack directories beside the layer (or on an
//! explicit search path), never as a path. See docs/LIMITS.md ("Pack files") and docs/RULES.md.

use std::io::Read as _;
use std::path::{Path, PathBuf};

use crate::error::{Diagnostic, PackError};
use crate::pack::{Files, TomlTable, raw};

/// The largest file of a pack that is read (a `.toml` or `.json` file the loader reads; any
/// file a signature lists): 8 MiB. The default pack's largest file is 69 KB.
pub const MAX_PACK_FILE_BYTES: u64 = 8 << 20;
/// The most bytes read from one pack directory (one layer), all files together: 32 MiB.
pub const MAX_PACK_BYTES: u64 = 32 << 20;
/// The most directory entries (files and directories) visited in one pack directory.
pub const MAX_PACK_ENTRIES: usize = 10_000;
/// The most layers a pack's `extends` chain may have (the pack itself included).
pub const MAX_LAYERS: usize = 8;
/// The longest pack id, in bytes.
pub const MAX_PACK_ID_LEN: usize = 64;

/// Why `id` is not a pack id, if it is not one: a pack id is a plain name of ASCII letters,
/// digits, `-`, `_` and `.`, at most [`MAX_PACK_ID_LEN`] long, not `.` or `..` — never a path.
pub fn pack_id_problem(id: &str) -> Option<String> {
    let plain = !id.is_empty()
        && id.len() <= MAX_PACK_ID_LEN
        && id != "."
        && id != ".."
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    (!plain).then(|| {
        format!(
            "`{}` is not a pack id: a pack id is a plain name of letters, digits, `-`, `_` and `.` (at most {MAX_PACK_ID_LEN}, not `.` or `..`), never a path",
            id.escape_debug()
        )
    })
}

/// Whether `id` is a pack id (see [`pack_id_problem`]).
pub fn is_pack_id(id: &str) -> bool {
    pack_id_problem(id).is_none()
}

/// Reads one file of a pack: a regular file only (a FIFO, device or socket is refused before
/// it is opened, and again on the opened file, so it can never block the reader), at most
/// `cap` bytes (a larger one is refused by its size, then read through `take(cap + 1)`, so a
/// file growing meanwhile is refused too, never read whole).
pub fn read_file_capped(path: &Path, cap: u64) -> Result<Vec<u8>, String> {
    let meta = std::fs::symlink_metadata(path).map_err(|e| format!("cannot read: {e}"))?;
    if !meta.file_type().is_file() {
        return Err(not_regular(&meta.file_type()));
    }
    if meta.len() > cap {
        return Err(too_large(meta.len(), cap));
    }
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        // Should the file be swapped for a FIFO after the check, opening it does not wait for
        // a writer; the check on the opened file below then refuses it.
        use std::os::unix::fs::OpenOptionsExt as _;
        opts.custom_flags(libc::O_NONBLOCK);
    }
    let file = opts.open(path).map_err(|e| format!("cannot read: {e}"))?;
    let meta = file.metadata().map_err(|e| format!("cannot read: {e}"))?;
    if !meta.file_type().is_file() {
        return Err(not_regular(&meta.file_type()));
    }
    let mut buf = Vec::with_capacity(usize::try_from(meta.len().min(cap)).unwrap_or(0));
    file.take(cap.saturating_add(1)).read_to_end(&mut buf).map_err(|e| format!("cannot read: {e}"))?;
    if buf.len() as u64 > cap {
        return Err(too_large(buf.len() as u64, cap));
    }
    Ok(buf)
}

fn not_regular(t: &std::fs::FileType) -> String {
    let kind = if t.is_symlink() { "a symbolic link" } else if t.is_dir() { "a directory" } else { "a FIFO, device or socket" };
    format!("not a regular file ({kind}; a pack holds plain files and directories only)")
}

fn too_large(len: u64, cap: u64) -> String {
    format!("{len} bytes, over the limit of {cap} bytes for a file of a pack")
}

fn diag(path: &Path, message: impl Into<String>) -> PackError {
    PackError { diagnostics: vec![Diagnostic { file: path.display().to_string(), line: 0, col: 0, message: message.into() }] }
}

/// Reads the pack files (every `.toml` and `.json` file) of a directory: path inside the pack
/// with `/` separators → text. Symbolic links are not followed (a link to a parent would walk
/// forever, and a pack is the files in its own directory); a `.toml` or `.json` entry that is
/// not a regular file (a FIFO, a device, a socket) is refused; each file is read within
/// [`MAX_PACK_FILE_BYTES`], all of them within [`MAX_PACK_BYTES`], visiting at most
/// [`MAX_PACK_ENTRIES`] entries.
pub fn read_dir_files(dir: &Path) -> Result<Files, PackError> {
    // A directory without a manifest is not a pack: say so before walking it (`--rules /tmp`
    // would otherwise read, or trip over, whatever lies there).
    let manifest = dir.join("pack.toml");
    if dir.is_dir() && std::fs::symlink_metadata(&manifest).is_err() {
        return Err(diag(&manifest, "file not found in the pack"));
    }
    let mut files = Files::new();
    let mut stack = vec![dir.to_path_buf()];
    let mut total = 0u64;
    let mut entries_seen = 0usize;
    let io = |p: &Path, e: std::io::Error| diag(p, format!("cannot read: {e}"));
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).map_err(|e| io(&d, e))? {
            let entry = entry.map_err(|e| io(&d, e))?;
            entries_seen += 1;
            if entries_seen > MAX_PACK_ENTRIES {
                return Err(diag(dir, format!("more than {MAX_PACK_ENTRIES} files and directories: not a pack directory")));
            }
            let p = entry.path();
            let kind = entry.file_type().map_err(|e| io(&p, e))?;
            if kind.is_symlink() {
                continue;
            }
            if kind.is_dir() {
                stack.push(p);
                continue;
            }
            if !matches!(p.extension().and_then(|e| e.to_str()), Some("toml" | "json")) {
                continue;
            }
            let cap = MAX_PACK_FILE_BYTES.min(MAX_PACK_BYTES - total);
            let bytes = read_file_capped(&p, cap).map_err(|m| {
                if cap < MAX_PACK_FILE_BYTES && m.contains("over the limit") {
                    diag(&p, format!("the pack's files are over the limit of {MAX_PACK_BYTES} bytes in all"))
                } else {
                    diag(&p, m)
                }
            })?;
            total += bytes.len() as u64;
            let text = String::from_utf8(bytes).map_err(|_| diag(&p, "cannot read: the file is not UTF-8 text"))?;
            files.insert(rel_path(dir, &p), text);
        }
    }
    Ok(files)
}

/// The path of `p` inside `dir`, with `/` separators.
pub(crate) fn rel_path(dir: &Path, p: &Path) -> String {
    p.strip_prefix(dir)
        .unwrap_or(p)
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// A string field of a manifest, read loosely (the loader checks the manifest properly).
pub(crate) fn manifest_str(text: &str, key: &str) -> Option<String> {
    let t: TomlTable = raw::read_doc(text).ok()?;
    t.get(key)?.as_str().map(str::to_string)
}

/// The directory holding the pack directories beside `dir`.
fn parent_of(dir: &Path) -> Option<PathBuf> {
    let plain = dir.file_name().is_some() && dir.parent().is_some_and(|p| !p.as_os_str().is_empty());
    if plain {
        return dir.parent().map(Path::to_path_buf);
    }
    // `.`, `..`, `name`: the parent is only known once the path is absolute.
    let abs = std::fs::canonicalize(dir).ok()?;
    abs.parent().map(Path::to_path_buf)
}

/// Finds the pack `id` that the layer in `from` extends: among the directories beside `from`,
/// then in each directory of `pack_path`, in order, the directory named `id` (holding a
/// `pack.toml`), else the one directory whose `pack.toml` says `id = "<id>"`. `id` must be a
/// pack id (checked by the caller): it is only ever a name inside those directories.
pub(crate) fn resolve_extends(id: &str, from: &Path, pack_path: &[PathBuf]) -> Result<PathBuf, String> {
    debug_assert!(is_pack_id(id));
    let mut roots: Vec<PathBuf> = parent_of(from).into_iter().collect();
    roots.extend(pack_path.iter().cloned());
    let manifest_id = |d: &Path| {
        let bytes = read_file_capped(&d.join("pack.toml"), MAX_PACK_FILE_BYTES).ok()?;
        manifest_str(&String::from_utf8_lossy(&bytes), "id")
    };
    for root in &roots {
        let d = root.join(id);
        // The directory named by the id, unless its manifest says it is another pack (then the
        // pack with that id, if any, is looked for below).
        if std::fs::metadata(d.join("pack.toml")).is_ok_and(|m| m.is_file()) && manifest_id(&d).is_none_or(|have| have == id) {
            return Ok(d);
        }
    }
    for root in &roots {
        let Ok(entries) = std::fs::read_dir(root) else { continue };
        let mut found: Vec<PathBuf> = Vec::new();
        for entry in entries.take(MAX_PACK_ENTRIES).flatten() {
            if entry.file_type().is_ok_and(|t| t.is_dir()) && manifest_id(&entry.path()).as_deref() == Some(id) {
                found.push(entry.path());
            }
        }
        found.sort();
        match found.as_slice() {
            [] => {}
            [one] => return Ok(one.clone()),
            [a, b, ..] => return Err(format!("two pack directories in {} have id `{id}`: {} and {}", root.display(), a.display(), b.display())),
        }
    }
    let places: Vec<String> = roots.iter().map(|r| r.display().to_string()).collect();
    Err(format!(
        "this layer extends `{id}`, but no pack directory with that id is in {} (put the pack `{id}` beside this one, or give its parent directory with --pack-path)",
        if places.is_empty() { "any directory searched".to_string() } else { places.join(", ") }
    ))
}

/// The directories of a pack's `extends` chain, top first, each with its files as `read` gives
/// them: `dir`, then the pack its `pack.toml` extends (resolved by [`resolve_extends`]), and so
/// on. A bad `extends` (not a pack id, not found, a cycle, more than [`MAX_LAYERS`] layers) is
/// a diagnostic at the `pack.toml` that says it.
pub(crate) fn layer_chain<E: From<PackError>>(
    dir: &Path,
    pack_path: &[PathBuf],
    mut read: impl FnMut(&Path) -> Result<Files, E>,
) -> Result<Vec<(PathBuf, Files)>, E> {
    let mut chain: Vec<(PathBuf, Files)> = Vec::new();
    let mut seen: Vec<PathBuf> = Vec::new();
    let mut cur = dir.to_path_buf();
    loop {
        seen.push(std::fs::canonicalize(&cur).unwrap_or_else(|_| cur.clone()));
        let files = read(&cur)?;
        let extends = files.get("pack.toml").and_then(|m| manifest_str(m, "extends"));
        let manifest = cur.join("pack.toml");
        chain.push((cur.clone(), files));
        let Some(id) = extends else { break };
        if let Some(problem) = pack_id_problem(&id) {
            return Err(diag(&manifest, format!("extends: {problem}")).into());
        }
        if chain.len() >= MAX_LAYERS {
            return Err(diag(&manifest, format!("more than {MAX_LAYERS} layers of `extends`")).into());
        }
        let next = resolve_extends(&id, &cur, pack_path).map_err(|m| E::from(diag(&manifest, m)))?;
        let canon = std::fs::canonicalize(&next).unwrap_or_else(|_| next.clone());
        if seen.contains(&canon) {
            return Err(diag(&manifest, format!("this layer extends `{id}`, which is {} again: `extends` goes round in a cycle", next.display())).into());
        }
        cur = next;
    }
    Ok(chain)
}

/// The layer name of each directory of a chain (its directory name; a repeated name gets
/// `~N`), as [`crate::Pack::from_layers`] prefixes the layer's files.
pub(crate) fn layer_names(dirs: &[&Path]) -> Vec<String> {
    let mut names: Vec<String> = Vec::with_capacity(dirs.len());
    for (i, d) in dirs.iter().enumerate() {
        let base = std::fs::canonicalize(d)
            .ok()
            .and_then(|c| c.file_name().map(|n| n.to_string_lossy().into_owned()))
            .or_else(|| d.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_else(|| "layer".into());
        let name = if names.contains(&base) { format!("{base}~{i}") } else { base };
        names.push(name);
    }
    names
}

/// Names the directory each diagnostic's file is in: a file of the base layer (no prefix) or
/// of a layer `NAME/` becomes the path of that file on disk, so that an error about a pack
/// loaded from a directory says where it looked (`rules/x/pack.toml: file not found in the
/// pack`, not `pack.toml: …`).
pub(crate) fn in_dirs(mut e: PackError, layers: &[(&str, &Path)]) -> PackError {
    for d in &mut e.diagnostics {
        // The layer whose `NAME/` prefixes the file (the longest such name), else the base.
        let layer = layers
            .iter()
            .skip(1)
            .filter(|(name, _)| d.file.strip_prefix(*name).is_some_and(|r| r.starts_with('/')))
            .max_by_key(|(name, _)| name.len());
        let (rest, dir) = match (layer, layers.first()) {
            (Some((name, dir)), _) => (d.file.get(name.len() + 1..).unwrap_or(""), *dir),
            (None, Some((_, dir))) => (d.file.as_str(), *dir),
            (None, None) => continue,
        };
        d.file = dir.join(rest).display().to_string();
    }
    e
}
