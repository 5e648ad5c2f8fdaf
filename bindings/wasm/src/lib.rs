//! # qagida-wasm — the qagida validator for JavaScript
//!
//! A thin JS API over the `qagida` library, compiled to `wasm32-unknown-unknown`: the same engine
//! and the same rule packs as the native crate and CLI. Build it with `scripts/build-wasm.mjs`
//! (npm package `@qagida/validator`, targets `web`, `bundler` and `nodejs`).
//!
//! ```js
//! import init, { Validator } from "@qagida/validator/web";
//! await init();
//! const v = Validator.withDefaultPack();
//! const r = v.validate(doc, { lang: "kk" });  // the result object of DOCUMENTS.md
//! ```
//!
//! The TypeScript types of options and results are generated from the mirror types in
//! [`types`] (tsify); the mirror structs are what actually gets serialised (to JSON text, then
//! `JSON.parse`), so the `.d.ts` describes the real objects. Arguments are read by hand with
//! `js_sys` ([`read`]). Errors are thrown as JS `Error`s carrying the Rust error's
//! message (a refused pack: every `file:line:col: message`), never as a trap.
#![forbid(unsafe_code)]
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod read;
pub mod types;

use qagida::{InputError, Options, Pack, PackError};
use serde::Serialize;
use tsify::Ts;
use wasm_bindgen::prelude::*;

pub use types::{
    Finding, Lang, PackDiagnostic, PackLayer, PackRef, PackTestCase, PackUsed, RuleInfo, Severity, ValidateOptions,
    ValidationResult,
};

/// Every way a binding call can fail. Turned into a JS `Error` whose `name` is the variant's
/// (`PackError`, `InputError`, `OptionsError`, `DocumentError`) and whose `message` is the
/// Rust error's text.
#[derive(Debug, thiserror::Error)]
pub enum BindingError {
    /// The pack was refused: one `file:line:col: message` line per problem.
    #[error("{0}")]
    Pack(#[from] PackError),
    /// Non-JSON, oversized or too deeply nested input, or an exhausted evaluation budget.
    #[error("{0}")]
    Input(#[from] InputError),
    /// Bad options (`asOf`, `lang`, limits).
    #[error("invalid options: {0}")]
    Options(String),
    /// A JS value that cannot be turned into JSON (a cycle, a BigInt, `undefined`, a function).
    #[error("the document cannot be converted to JSON: {0}")]
    Document(String),
    /// A signed pack whose signature does not verify, or a bad public key.
    #[cfg(feature = "signed-packs")]
    #[error("{0}")]
    Signature(#[from] qagida::signing::SignatureError),
    /// The pack files argument is not an object of strings (or a list of layers): the message
    /// names the offending key, e.g. `files["pack.toml"] must be a string, not a number`.
    #[error("pack files must be an object mapping paths in the pack to file contents: {0}")]
    Files(String),
    /// Internal: a result that could not be converted to a JS value.
    #[error("cannot convert the result to JavaScript: {0}")]
    Convert(String),
}

impl BindingError {
    fn name(&self) -> &'static str {
        match self {
            BindingError::Pack(_) => "PackError",
            BindingError::Input(_) => "InputError",
            #[cfg(feature = "signed-packs")]
            BindingError::Signature(_) => "SignatureError",
            BindingError::Options(_) => "OptionsError",
            BindingError::Document(_) => "DocumentError",
            BindingError::Files(_) => "FilesError",
            BindingError::Convert(_) => "ConvertError",
        }
    }
}

impl From<BindingError> for JsValue {
    fn from(e: BindingError) -> JsValue {
        let err = js_sys::Error::new(&e.to_string());
        err.set_name(e.name());
        if let BindingError::Pack(p) = &e {
            // `err.diagnostics`: [{file, line, col, message}], for an editor to point at.
            let diags: Vec<PackDiagnostic> = p.diagnostics.iter().map(PackDiagnostic::from).collect();
            if let Ok(v) = to_js(&diags) {
                let _ = js_sys::Reflect::set(&err, &JsValue::from_str("diagnostics"), &v);
            }
        }
        err.into()
    }
}

/// Converts into plain JS objects and arrays through JSON text (`serde_json`, then
/// `JSON.parse`): no `Map`s, keys in the fields' order, `None` fields absent (every one is
/// `skip_serializing_if`), numbers as JS numbers. A `serde_json::Value` (the fixtures) comes out
/// as its JSON text says, not as serde_json's internal number representation of
/// `arbitrary_precision`.
fn to_js<T: Serialize + ?Sized>(v: &T) -> Result<JsValue, BindingError> {
    let text = serde_json::to_string(v).map_err(|e| BindingError::Convert(e.to_string()))?;
    js_sys::JSON::parse(&text).map_err(|e| BindingError::Convert(js_message(&e)))
}

fn js_message(v: &JsValue) -> String {
    v.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| v.as_string())
        .unwrap_or_else(|| format!("{v:?}"))
}

/// The properties of [`ValidateOptions`] as JS sees them.
const OPTION_KEYS: [&str; 8] = [
    "asOf",
    "lang",
    "maxInputBytes",
    "maxDepth",
    "maxSteps",
    "maxArrayLen",
    "maxBundleDocuments",
    "maxFindings",
];

fn to_options(opts: Option<Ts<ValidateOptions>>) -> Result<Options, BindingError> {
    let mut out = Options::default();
    let Some(opts) = opts else { return Ok(out) };
    let js = opts.js_value();
    if js.is_undefined() || js.is_null() {
        return Ok(out);
    }
    if !js.is_object() {
        return Err(BindingError::Options("options must be an object like {asOf, lang}".into()));
    }
    // Only the known properties are read; refuse the others, so that a typo (`as_of` for
    // `asOf`) is an error instead of a silently ignored option.
    for key in js_sys::Object::keys(js.unchecked_ref::<js_sys::Object>()).iter() {
        let key = key.as_string().unwrap_or_default();
        if !OPTION_KEYS.contains(&key.as_str()) {
            return Err(BindingError::Options(format!(
                "unknown option `{key}` (expected one of: {})",
                OPTION_KEYS.join(", ")
            )));
        }
    }
    // Read in the order of ValidateOptions' fields (the first bad one is reported), the date
    // checked after the types.
    let get = |key: &str| read::option(&js, key).map_err(BindingError::Options);
    let as_of = match get("asOf")? {
        Some(v) => Some(v.as_string().ok_or_else(|| {
            BindingError::Options(format!("asOf must be a YYYY-MM-DD string, not {}", read::kind(&v)))
        })?),
        None => None,
    };
    if let Some(v) = get("lang")? {
        out.lang = Some(read::lang(&v).map_err(BindingError::Options)?);
    }
    // usize is 32 bits on wasm32: 4294967295 is the largest count a usize option takes.
    let count = |key: &str, max: u64| -> Result<Option<u64>, BindingError> {
        get(key)?.map(|v| read::count(&v, key, max).map_err(BindingError::Options)).transpose()
    };
    let size = |key: &str| -> Result<Option<usize>, BindingError> {
        Ok(count(key, usize::MAX as u64)?.and_then(|n| usize::try_from(n).ok()))
    };
    if let Some(n) = size("maxInputBytes")? {
        out.max_input_bytes = n;
    }
    if let Some(n) = size("maxDepth")? {
        out.max_depth = n;
    }
    if let Some(n) = count("maxSteps", u64::MAX)? {
        out.max_steps = n;
    }
    if let Some(n) = size("maxArrayLen")? {
        out.max_array_len = n;
    }
    if let Some(n) = size("maxBundleDocuments")? {
        out.max_bundle_documents = n;
    }
    if let Some(n) = size("maxFindings")? {
        out.max_findings = n;
    }
    if let Some(d) = as_of.as_deref() {
        // The dates chrono's `NaiveDate::from_str` took, read without chrono's parser.
        out.as_of = Some(
            qagida::dates::parse_date_relaxed(d)
                .ok_or_else(|| BindingError::Options(format!("asOf `{d}` is not a valid YYYY-MM-DD date")))?,
        );
    }
    Ok(out)
}

/// A compiled rule pack, ready to validate any number of documents.
#[wasm_bindgen]
pub struct Validator {
    pack: Pack,
}

#[wasm_bindgen]
impl Validator {
    /// The pack embedded at build time (`rules/kz-orphan`).
    ///
    /// @throws {Error} `PackError` if the embedded pack does not load (a build defect).
    #[cfg(feature = "embedded-pack")]
    #[wasm_bindgen(js_name = withDefaultPack)]
    pub fn with_default_pack() -> Result<Validator, JsValue> {
        Ok(Validator { pack: Pack::embedded().map_err(BindingError::from)? })
    }

    /// A pack from in-memory files, e.g. a regulator's edited pack fetched by the page: path in
    /// the pack (`pack.toml`, `types.toml`, `rules/mdt.toml`, `fixtures/x.json`, …) → contents.
    ///
    /// @throws {Error} `PackError` listing every problem as `file:line:col: message`, also as
    /// `err.diagnostics` (`PackDiagnostic[]`).
    #[wasm_bindgen(js_name = fromFiles)]
    pub fn from_files(
        #[wasm_bindgen(unchecked_param_type = "Record<string, string>")] files: JsValue,
    ) -> Result<Validator, JsValue> {
        let files = read::files(&files, "files").map_err(BindingError::Files)?;
        Ok(Validator { pack: Pack::from_files(&files).map_err(BindingError::from)? })
    }

    /// A layered pack, base first: e.g. the national pack, then a regional one whose
    /// `pack.toml` says `extends = "<base id>"` (what `qagida validate --rules` does for a
    /// directory that extends another). Diagnostics name a layer's files `NAME/path`.
    ///
    /// @throws {Error} `PackError` as for `fromFiles`.
    #[wasm_bindgen(js_name = fromLayers)]
    pub fn from_layers(
        #[wasm_bindgen(unchecked_param_type = "PackLayer[]")] layers: JsValue,
    ) -> Result<Validator, JsValue> {
        let layers = read::layers(&layers).map_err(BindingError::Files)?;
        let refs: Vec<(&str, &qagida::Files)> = layers.iter().map(|(name, files)| (name.as_str(), files)).collect();
        Ok(Validator { pack: Pack::from_layers(&refs).map_err(BindingError::from)? })
    }

    /// The layers of a layered pack, base first (empty for a single pack).
    #[wasm_bindgen(getter, js_name = packLayers, unchecked_return_type = "PackRef[]")]
    pub fn pack_layers(&self) -> Result<JsValue, JsValue> {
        let layers: Vec<PackRef> = self.pack.layers.iter().map(PackRef::from).collect();
        Ok(to_js(&layers)?)
    }

    /// A signed pack from in-memory files, compiled only after its Ed25519 signature verifies:
    /// `files` holds every file of the pack (all those listed in its `pack.sig`, and `pack.sig`
    /// itself), `publicKey` is the regulator's public key (the text of its `.pub` file, or the
    /// bare key in base64 or hex). Only the `.toml` and `.json` files are then loaded — exactly
    /// the bytes verified.
    ///
    /// @throws {Error} `SignatureError` (unsigned, another key, bad signature, a file added,
    /// removed or changed — each named), or `PackError` as for `fromFiles`.
    #[cfg(feature = "signed-packs")]
    #[wasm_bindgen(js_name = fromSignedFiles)]
    pub fn from_signed_files(
        #[wasm_bindgen(unchecked_param_type = "Record<string, string>")] files: JsValue,
        #[wasm_bindgen(js_name = publicKey)] public_key: &str,
    ) -> Result<Validator, JsValue> {
        use qagida::signing::{SIG_FILE, SignatureError, parse_verifying_key, verify_files};
        let all = read::files(&files, "files").map_err(BindingError::Files)?;
        let key = parse_verifying_key(public_key).map_err(BindingError::from)?;
        let sig = all.get(SIG_FILE).ok_or(BindingError::Signature(SignatureError::Unsigned))?;
        verify_files(&all, sig, &key).map_err(BindingError::from)?;
        let files: qagida::Files = all
            .into_iter()
            .filter(|(p, _)| p.ends_with(".toml") || p.ends_with(".json"))
            .collect();
        Ok(Validator { pack: Pack::from_files(&files).map_err(BindingError::from)? })
    }

    /// The pack's ID, e.g. `kz-orphan`.
    #[wasm_bindgen(getter, js_name = packId)]
    pub fn pack_id(&self) -> String {
        self.pack.id.clone()
    }

    /// The pack's version, e.g. `2026.3.1`.
    #[wasm_bindgen(getter, js_name = packVersion)]
    pub fn pack_version(&self) -> String {
        self.pack.version.clone()
    }

    /// The pack's title in the given language (default: the pack's default language).
    #[wasm_bindgen(js_name = packTitle)]
    pub fn pack_title(&self, lang: Option<Ts<Lang>>) -> Result<String, JsValue> {
        let lang = self.lang(lang)?;
        Ok(self.pack.title.get(lang).to_string())
    }

    /// The languages of the pack's messages.
    #[wasm_bindgen(getter, unchecked_return_type = "Lang[]")]
    pub fn languages(&self) -> Result<JsValue, JsValue> {
        let langs: Vec<Lang> = self.pack.languages.iter().copied().map(Lang::from).collect();
        Ok(to_js(&langs)?)
    }

    /// The language used when none is requested.
    #[wasm_bindgen(getter, js_name = defaultLanguage, unchecked_return_type = "Lang")]
    pub fn default_language(&self) -> Result<JsValue, JsValue> {
        Ok(to_js(&Lang::from(self.pack.default_language))?)
    }

    /// Validates one document (any JS value; it goes through `JSON.stringify`, so numbers are
    /// read from their JSON text exactly as the native engine reads them). Returns the result
    /// object of DOCUMENTS.md: `{valid, rule_pack, as_of, findings}`.
    ///
    /// @throws {Error} `InputError` (too large, too deep, evaluation budget exhausted),
    /// `DocumentError` (a cycle, a BigInt, `undefined`), `OptionsError` (bad `asOf`/`lang`).
    pub fn validate(
        &self,
        #[wasm_bindgen(unchecked_param_type = "unknown")] document: JsValue,
        options: Option<Ts<ValidateOptions>>,
    ) -> Result<Ts<ValidationResult>, JsValue> {
        let opts = to_options(options)?;
        let text = js_sys::JSON::stringify(&document)
            .map_err(|e| BindingError::Document(js_message(&e)))?
            .as_string()
            .ok_or_else(|| BindingError::Document("JSON.stringify returned undefined".into()))?;
        let result = self.pack.validate_bytes(text.as_bytes(), &opts).map_err(BindingError::from)?;
        let mirror = ValidationResult::from(&result);
        Ok(Ts::new_unchecked(to_js(&mirror)?))
    }

    /// Validates one document given as JSON text (numbers keep their exact decimal text);
    /// returns the result as compact JSON text, the same JSON as `qagida validate` prints.
    ///
    /// @throws {Error} `InputError` for text that is not JSON, too large or too deep.
    #[wasm_bindgen(js_name = validateJson)]
    pub fn validate_json(&self, text: &str, options: Option<Ts<ValidateOptions>>) -> Result<String, JsValue> {
        let opts = to_options(options)?;
        let result = self.pack.validate_bytes(text.as_bytes(), &opts).map_err(BindingError::from)?;
        Ok(serde_json::to_string(&result).map_err(|e| BindingError::Convert(e.to_string()))?)
    }

    /// The pack's rules, in pack order, with title and clause in the given language.
    #[wasm_bindgen(unchecked_return_type = "RuleInfo[]")]
    pub fn rules(&self, lang: Option<Ts<Lang>>) -> Result<JsValue, JsValue> {
        let lang = self.lang(lang)?;
        let rules: Vec<RuleInfo> = self.pack.rules.iter().map(|r| RuleInfo::new(r, lang)).collect();
        Ok(to_js(&rules)?)
    }

    /// The pack's fixtures (valid sample documents, by document type name): handy to prefill a
    /// form with a document that starts valid.
    #[wasm_bindgen(unchecked_return_type = "Record<string, Record<string, unknown>>")]
    pub fn fixtures(&self) -> Result<JsValue, JsValue> {
        Ok(to_js(&self.pack.fixtures)?)
    }

    /// Runs the pack's own tests (every rule's `[[rule.test]]` case and the fixture checks),
    /// exactly as `qagida test` does.
    #[wasm_bindgen(js_name = runPackTests, unchecked_return_type = "PackTestCase[]")]
    pub fn run_pack_tests(&self) -> Result<JsValue, JsValue> {
        let cases: Vec<PackTestCase> = qagida::testing::run_pack_tests(&self.pack)
            .iter()
            .map(PackTestCase::from)
            .collect();
        Ok(to_js(&cases)?)
    }
}

impl Validator {
    fn lang(&self, lang: Option<Ts<Lang>>) -> Result<qagida::Lang, BindingError> {
        match lang {
            Some(l) if !(l.js_value().is_undefined() || l.js_value().is_null()) => {
                read::lang(&l.js_value()).map_err(BindingError::Options)
            }
            _ => Ok(self.pack.default_language),
        }
    }

    /// The compiled pack, for Rust callers of this crate.
    pub fn pack(&self) -> &Pack {
        &self.pack
    }
}

/// The version of this package (the `qagida-wasm` crate).
#[wasm_bindgen(js_name = engineVersion)]
pub fn engine_version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}
