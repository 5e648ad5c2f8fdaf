//! # qagida-wasm — the qagida validator for JavaScript
//!
//! A thin JS API over the `qagida` library, compiled to `wasm32-unknown-unknown`: the same engine
//! and the same rule packs as the native crate and CLI. Build it with `scripts/build-wasm.mjs`
//! (npm package `@qagida/validator`, targets `web`, `bundler` and `nodejs`).
//!
//! ```js
//! import init, { Validator } from "@qagida/validator/web";
//! await init();
//! const pack = await fetch("/pkg/web/packs/default.qpack");  // shipped beside the module
//! const v = Validator.fromCompiled(new Uint8Array(await pack.arrayBuffer()));
//! const r = v.validate(doc, { lang: "kk" });  // the result object of DOCUMENTS.md
//! ```
//!
//! This is the validator module: it loads packs only in their compiled binary form
//! (`Pack::from_compiled`, `Validator.fromCompiled`): the default pack is a file of the npm
//! package (`packs/default.qpack`, compiled natively by `scripts/build-wasm.mjs`), not part of
//! the module, and a regulator's edited pack is compiled by the page. Pack files (TOML) are compiled by the separate
//! compiler module (`bindings/wasm-compiler`, `@qagida/validator/web/compiler`), which a page
//! fetches only when it loads an edited pack; nothing here reaches the TOML parser, the pack
//! loader, the expression compiler or the signature check, so link-time optimisation leaves
//! them out of this module.
//!
//! The TypeScript types of options and results are generated from the mirror types in
//! [`types`] (tsify); options are deserialised into them and results serialised from them by
//! serde-wasm-bindgen ([`read`]), so the `.d.ts` describes the real objects — except the
//! validation result, which is the core's own serialisation (the one of `validateJson` and of
//! the CLI): `tests/node.rs` checks that its mirror serialises to exactly the same text. A
//! document given as a JS value goes through `JSON.stringify` and then the native path (see
//! `validate`). Errors are thrown as JS `Error`s carrying the Rust error's message, never as a
//! trap.
#![forbid(unsafe_code)]
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod js;
mod read;
pub mod types;

use chrono::NaiveDate;
use js::js_message;
use qagida::{CompiledPackError, InputError, Options, Pack};
use serde::Serialize;
use tsify::Ts;
use wasm_bindgen::prelude::*;

pub use types::{
    Finding, Lang, PackRef, PackUsed, RuleInfo, Severity, Skipped, ValidateOptions, ValidationResult,
};

/// Every way a binding call can fail. Turned into a JS `Error` whose `name` is the variant's
/// (`CompiledPackError`, `InputError`, `OptionsError`, `DocumentError`) and whose `message` is
/// the Rust error's text.
#[derive(Debug, thiserror::Error)]
pub enum BindingError {
    /// Bytes that are not a compiled pack of this engine version (or not bytes at all).
    #[error("{0}")]
    Compiled(#[from] CompiledPackError),
    /// `fromCompiled` got something other than bytes.
    #[error("not a usable compiled pack: {0}")]
    Bytes(String),
    /// Non-JSON, oversized or too deeply nested input, or an exhausted evaluation budget.
    #[error("{0}")]
    Input(#[from] InputError),
    /// Bad options (`asOf`, `lang`, limits).
    #[error("invalid options: {0}")]
    Options(String),
    /// A JS value that cannot be turned into JSON (a cycle, a BigInt, `undefined`, a function).
    #[error("the document cannot be converted to JSON: {0}")]
    Document(String),
    /// Internal: a result that could not be converted to a JS value.
    #[error("cannot convert the result to JavaScript: {0}")]
    Convert(String),
}

impl BindingError {
    fn name(&self) -> &'static str {
        match self {
            BindingError::Compiled(_) | BindingError::Bytes(_) => "CompiledPackError",
            BindingError::Input(_) => "InputError",
            BindingError::Options(_) => "OptionsError",
            BindingError::Document(_) => "DocumentError",
            BindingError::Convert(_) => "ConvertError",
        }
    }
}

impl From<BindingError> for JsValue {
    fn from(e: BindingError) -> JsValue {
        let err = js_sys::Error::new(&e.to_string());
        err.set_name(e.name());
        err.into()
    }
}

/// A result as a plain JS value, by serde-wasm-bindgen ([`read::to_js`]).
fn to_js<T: Serialize + ?Sized>(v: &T) -> Result<JsValue, BindingError> {
    read::to_js(v).map_err(BindingError::Convert)
}

/// JSON values by name (the fixtures) as one JS object, each value through its JSON text and
/// `JSON.parse` (a number keeps the value its text says).
fn json_to_js<'v>(members: impl Iterator<Item = (&'v String, &'v qagida::document::Json<'static>)>) -> Result<JsValue, BindingError> {
    let obj = js_sys::Object::new();
    for (name, v) in members {
        let v = js_sys::JSON::parse(&v.to_string()).map_err(|e| BindingError::Convert(js_message(&e)))?;
        js_sys::Reflect::set(&obj, &JsValue::from_str(name), &v).map_err(|e| BindingError::Convert(js_message(&e)))?;
    }
    Ok(obj.into())
}

/// The properties of [`ValidateOptions`] as JS sees them.
pub const OPTION_KEYS: [&str; 13] = [
    "asOf",
    "lang",
    "maxInputBytes",
    "maxDepth",
    "maxSteps",
    "maxArrayLen",
    "maxBundleDocuments",
    "maxFindings",
    "maxTextChars",
    "maxResultBytes",
    "maxEvalBytes",
    "maxParseBytes",
    "mode",
];

/// The options object's properties, each read by hand (`read::FromJs`), in `ValidateOptions`'s order
/// (its serde names, [`OPTION_KEYS`]: the test `every_option_key_is_read_into_its_field` holds
/// the three together).
pub fn read_options(js: &JsValue) -> Result<ValidateOptions, String> {
    use read::property as p;
    Ok(ValidateOptions {
        as_of: p(js, "asOf")?,
        lang: p(js, "lang")?,
        max_input_bytes: p(js, "maxInputBytes")?,
        max_depth: p(js, "maxDepth")?,
        max_steps: p(js, "maxSteps")?,
        max_array_len: p(js, "maxArrayLen")?,
        max_bundle_documents: p(js, "maxBundleDocuments")?,
        max_findings: p(js, "maxFindings")?,
        max_text_chars: p(js, "maxTextChars")?,
        max_result_bytes: p(js, "maxResultBytes")?,
        max_eval_bytes: p(js, "maxEvalBytes")?,
        max_parse_bytes: p(js, "maxParseBytes")?,
        mode: p(js, "mode")?,
    })
}

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
    // Refuse unknown properties, so that a typo (`as_of` for `asOf`) is an error instead of a
    // silently ignored option.
    if let Some(key) = read::unknown_keys(&js, &OPTION_KEYS) {
        return Err(BindingError::Options(format!("unknown option `{key}` (expected one of: {})", OPTION_KEYS.join(", "))));
    }
    let o = read_options(&js).map_err(BindingError::Options)?;
    out.lang = o.lang.map(|l| l.0);
    out.mode = match o.mode.as_deref() {
        None | Some("submit") => qagida::Mode::Submit,
        Some("draft") => qagida::Mode::Draft,
        Some(m) => return Err(BindingError::Options(format!("mode: `{m}` is not \"submit\" or \"draft\""))),
    };
    let set = |field: &mut usize, v: Option<usize>| {
        if let Some(n) = v {
            *field = n;
        }
    };
    set(&mut out.max_input_bytes, o.max_input_bytes);
    set(&mut out.max_depth, o.max_depth);
    if let Some(n) = o.max_steps {
        out.max_steps = n;
    }
    set(&mut out.max_array_len, o.max_array_len);
    set(&mut out.max_bundle_documents, o.max_bundle_documents);
    set(&mut out.max_findings, o.max_findings);
    set(&mut out.max_text_chars, o.max_text_chars);
    set(&mut out.max_result_bytes, o.max_result_bytes);
    set(&mut out.max_eval_bytes, o.max_eval_bytes);
    set(&mut out.max_parse_bytes, o.max_parse_bytes);
    if let Some(d) = o.as_of.as_deref() {
        // chrono's `NaiveDate::from_str`: the dates `YYYY-MM-DD` the CLI's `--as-of` takes.
        out.as_of = Some(
            d.parse::<NaiveDate>()
                .map_err(|_| BindingError::Options(format!("asOf `{d}` is not a valid YYYY-MM-DD date")))?,
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
    /// A pack in compiled form: the package's default pack (`packs/default.qpack`, fetched or
    /// read beside the module), the bytes returned by the compiler module's `compilePack`,
    /// `compileLayers` or `compileSignedPack`, or a file of `qagida pack compile`. The
    /// bytes must come from the same engine version as this module. A `Uint8Array` (a Node
    /// `Buffer` too), an `ArrayBuffer` or any other `ArrayBuffer` view; the bytes are copied.
    ///
    /// @throws {Error} `CompiledPackError` for bytes that are not a compiled pack of this
    /// version (empty, truncated, damaged, from another version) or an argument that is not bytes.
    #[wasm_bindgen(js_name = fromCompiled)]
    pub fn from_compiled(
        #[wasm_bindgen(unchecked_param_type = "Uint8Array | ArrayBuffer")] bytes: JsValue,
    ) -> Result<Validator, JsValue> {
        let bytes = read::bytes(&bytes).map_err(BindingError::Bytes)?;
        Ok(Validator { pack: Pack::from_compiled(&bytes).map_err(BindingError::from)? })
    }

    /// The layers of a layered pack, base first (empty for a single pack).
    #[wasm_bindgen(getter, js_name = packLayers, unchecked_return_type = "PackRef[]")]
    pub fn pack_layers(&self) -> Result<JsValue, JsValue> {
        let layers: Vec<PackRef> = self.pack.layers.iter().map(PackRef::from).collect();
        Ok(to_js(&layers)?)
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
    pub fn languages(&self) -> js_sys::Array {
        // The codes (`"kk"`, …) as strings, as `Lang` serialises: no serialiser needed.
        self.pack.languages.iter().map(|l| JsValue::from_str(l.code())).collect()
    }

    /// The language used when none is requested.
    #[wasm_bindgen(getter, js_name = defaultLanguage, unchecked_return_type = "Lang")]
    pub fn default_language(&self) -> String {
        self.pack.language_tag(self.pack.default_language).map(|l| l.code().to_string()).unwrap_or_default()
    }

    /// Validates one document (any JS value; it goes through `JSON.stringify`, so numbers are
    /// read from their JSON text exactly as the native engine reads them). Returns the result
    /// object of DOCUMENTS.md: `{valid, rule_pack, as_of, findings}`.
    ///
    /// @throws {Error} `InputError` (too large, too deep, too large once parsed, evaluation
    /// budget exhausted),
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
        // The core's serialisation (the mirror ValidationResult, the declaration, matches it byte
        // for byte: tests/node.rs), as validateJson and the CLI print it, read by `JSON.parse`:
        // one serialiser of results in the module instead of two (serde-wasm-bindgen's of the
        // result types cost 3,0xx bytes gzipped, 2026-12-07), and one string crossing into JS.
        let json = serde_json::to_string(&result).map_err(|_| BindingError::Convert("the result could not be written as JSON".into()))?;
        let value = js_sys::JSON::parse(&json).map_err(|e| BindingError::Convert(js_message(&e)))?;
        Ok(Ts::new_unchecked(value))
    }

    /// Validates one document given as JSON text (numbers keep their exact decimal text);
    /// returns the result as compact JSON text, the same JSON as `qagida validate` prints.
    ///
    /// @throws {Error} `InputError` for text that is not JSON, too large or too deep.
    #[wasm_bindgen(js_name = validateJson)]
    pub fn validate_json(&self, text: &str, options: Option<Ts<ValidateOptions>>) -> Result<String, JsValue> {
        let opts = to_options(options)?;
        let result = self.pack.validate_bytes(text.as_bytes(), &opts).map_err(BindingError::from)?;
        // serde_json writes a result into a string without fail (its types serialise only texts,
        // numbers, lists and maps with text keys); its error's words are not formatted here,
        // which keeps its error texts and std's I/O error texts out of the module.
        Ok(serde_json::to_string(&result).map_err(|_| BindingError::Convert("the result could not be written as JSON".into()))?)
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
        Ok(json_to_js(self.pack.fixtures.iter())?)
    }
}

impl Validator {
    fn lang(&self, lang: Option<Ts<Lang>>) -> Result<qagida::pack::LangId, BindingError> {
        match lang {
            Some(l) if !(l.js_value().is_undefined() || l.js_value().is_null()) => {
                use read::FromJs;
                let l = Option::<Lang>::from_js(&l.js_value()).map_err(|e| BindingError::Options(format!("lang: {e}")))?;
                Ok(self.pack.language(l.as_ref().map(|l| l.0.as_str())))
            }
            _ => Ok(self.pack.default_language),
        }
    }

    /// The compiled pack, for Rust callers of this crate.
    pub fn pack(&self) -> &Pack {
        &self.pack
    }
}

impl From<Pack> for Validator {
    /// A validator of a pack loaded in Rust (e.g. by `Pack::from_compiled`).
    fn from(pack: Pack) -> Self {
        Validator { pack }
    }
}

/// The version of this package (the `qagida-wasm` crate).
#[wasm_bindgen(js_name = engineVersion)]
pub fn engine_version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}
