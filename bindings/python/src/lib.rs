//! `qagida` for Python: a thin shell over the library. Packs are loaded, documents validated,
//! rules listed and explained by the library's own functions; results cross into Python through
//! serde (`pythonize`: the shape of the CLI's JSON, as plain dicts and lists) or, for tables,
//! through the Arrow C data interface (`arrow.rs`). Validation runs with the GIL released.

use std::path::PathBuf;
use std::sync::Arc;

use pyo3::create_exception;
use pyo3::exceptions::{PyException, PyKeyError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyDict, PyString};
use arrow::ffi_stream::RecordBatchStreamReader;
use arrow::pyarrow::PyArrowType;
use pythonize::pythonize;
use qagida::deploy::{DeployError, PackSpec};
use qagida::{CompileOptions, Options, ValidationResult};
use rayon::prelude::*;

mod arrow_io;

create_exception!(
    qagida,
    PackError,
    PyException,
    "A rule pack that does not load, verify or decode; `diagnostics` lists each problem as a dict (file, line, col, message)."
);
create_exception!(qagida, InputError, PyException, "A document that cannot be validated: not JSON, or over an input limit.");

/// A loaded, compiled rule pack. Immutable: share one between threads and calls.
#[pyclass(frozen, module = "qagida", name = "Pack")]
struct Pack {
    pack: Arc<qagida::Pack>,
    key_id: Option<String>,
}

/// `qagida.PackError(message)` with its `diagnostics` (file, line, col, message), as serde
/// writes the library's `Diagnostic`s.
fn pack_error_with(py: Python<'_>, message: String, diagnostics: &[qagida::Diagnostic]) -> PyErr {
    let err = PackError::new_err(message);
    if let Ok(list) = pythonize(py, diagnostics) {
        let _ = err.value(py).setattr("diagnostics", list);
    }
    err
}

fn pack_error(py: Python<'_>, e: &qagida::PackError) -> PyErr {
    pack_error_with(py, e.to_string(), &e.diagnostics)
}

fn deploy_error(py: Python<'_>, e: DeployError) -> PyErr {
    match e {
        DeployError::Pack(p) => pack_error(py, &p),
        DeployError::Usage(m) => PyValueError::new_err(m),
        refused @ DeployError::Refused(_) => pack_error_with(py, refused.to_string(), &[]),
    }
}

/// A list of strings from one string or a sequence of them.
fn strings(v: Option<&Bound<'_, PyAny>>) -> PyResult<Vec<String>> {
    match v {
        None => Ok(Vec::new()),
        Some(v) if v.is_instance_of::<PyString>() => Ok(vec![v.extract()?]),
        Some(v) => v.extract(),
    }
}

/// A document's bytes: `str` and `bytes` as they are, any other value (a `dict`) written by
/// Python's `json.dumps`.
fn document_bytes(py: Python<'_>, doc: &Bound<'_, PyAny>) -> PyResult<Vec<u8>> {
    if let Ok(s) = doc.cast::<PyString>() {
        return Ok(s.to_cow()?.as_bytes().to_vec());
    }
    if let Ok(b) = doc.cast::<PyBytes>() {
        return Ok(b.as_bytes().to_vec());
    }
    if let Ok(b) = doc.cast::<PyByteArray>() {
        return Ok(b.to_vec());
    }
    let kwargs = PyDict::new(py);
    kwargs.set_item("ensure_ascii", false)?;
    let text = py
        .import("json")?
        .call_method("dumps", (doc,), Some(&kwargs))
        .map_err(|e| PyTypeError::new_err(format!("the document is neither str, bytes nor a JSON-serialisable value: {e}")))?;
    Ok(text.extract::<String>()?.into_bytes())
}

/// `as_of` as text: a `YYYY-MM-DD` string, or a `datetime.date` (its `isoformat()`).
fn date_text(as_of: Option<&Bound<'_, PyAny>>) -> PyResult<Option<String>> {
    match as_of {
        None => Ok(None),
        Some(v) if v.is_instance_of::<PyString>() => Ok(Some(v.extract()?)),
        // A datetime.datetime is a date too: its date part.
        Some(v) if v.hasattr("hour")? && v.hasattr("date")? => Ok(Some(v.call_method0("date")?.call_method0("isoformat")?.extract()?)),
        Some(v) if v.hasattr("isoformat")? => Ok(Some(v.call_method0("isoformat")?.extract()?)),
        Some(_) => Err(PyTypeError::new_err("as_of: a YYYY-MM-DD string or a datetime.date")),
    }
}

impl Pack {
    fn new(pack: qagida::Pack, key_id: Option<String>) -> Pack {
        Pack { pack: Arc::new(pack), key_id }
    }

    fn options(&self, lang: Option<&str>, as_of: Option<&Bound<'_, PyAny>>, mode: Option<&str>) -> PyResult<Options> {
        let date = date_text(as_of)?;
        self.pack.options_from_text(lang, date.as_deref(), mode).map_err(PyValueError::new_err)
    }
}

/// Most threads one call may use (as the CLI's `--jobs`).
const MAX_JOBS: usize = 256;

/// This process's pool of one thread per core, made again in a forked child (rayon's global
/// pool would wait forever there on threads the fork did not copy).
fn process_pool() -> PyResult<Arc<rayon::ThreadPool>> {
    static POOL: std::sync::Mutex<Option<(u32, Arc<rayon::ThreadPool>)>> = std::sync::Mutex::new(None);
    let pid = std::process::id();
    let mut slot = POOL.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some((owner, pool)) = slot.as_ref()
        && *owner == pid
    {
        return Ok(Arc::clone(pool));
    }
    let pool = Arc::new(rayon::ThreadPoolBuilder::new().build().map_err(|e| PyValueError::new_err(format!("threads: {e}")))?);
    *slot = Some((pid, Arc::clone(&pool)));
    Ok(pool)
}

/// `work` on `jobs` threads (every core when `None` or 0; at most [`MAX_JOBS`]).
fn on_pool<T: Send>(jobs: Option<usize>, work: impl FnOnce() -> T + Send) -> PyResult<T> {
    match jobs {
        None | Some(0) => Ok(process_pool()?.install(work)),
        Some(n) => {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(n.min(MAX_JOBS)).build().map_err(|e| PyValueError::new_err(format!("jobs: {e}")))?;
            Ok(pool.install(work))
        }
    }
}

#[pymethods]
impl Pack {
    /// The pack built into the library: the national pack and every regional layer.
    #[staticmethod]
    fn default(py: Python<'_>) -> PyResult<Pack> {
        qagida::Pack::embedded().map(|p| Pack::new(p, None)).map_err(|e| pack_error(py, &e))
    }

    /// A pack directory, a stack file (`rules/default.toml`) or a compiled pack file, as the
    /// CLI's `--rules` takes it; with a deployment's overrides file.
    #[staticmethod]
    #[pyo3(signature = (path, *, overrides=None, pack_path=None))]
    fn load(py: Python<'_>, path: PathBuf, overrides: Option<PathBuf>, pack_path: Option<Vec<PathBuf>>) -> PyResult<Pack> {
        let spec = PackSpec { rules: Some(path), overrides, pack_path: pack_path.unwrap_or_default(), ..PackSpec::default() };
        let d = py.detach(|| qagida::deploy::load_spec(&spec)).map_err(|e| deploy_error(py, e))?;
        Ok(Pack::new(d.pack, d.key_id))
    }

    /// Pack directories as layers, base first (the national pack, then regional ones).
    #[staticmethod]
    #[pyo3(signature = (*dirs, overrides=None))]
    fn load_layers(py: Python<'_>, dirs: Vec<PathBuf>, overrides: Option<PathBuf>) -> PyResult<Pack> {
        if dirs.is_empty() {
            return Err(PyValueError::new_err("load_layers: name at least one pack directory"));
        }
        let pack = py
            .detach(|| qagida::Pack::load_layer_dirs(&dirs).and_then(|p| qagida::deploy::with_overrides(p, overrides.as_deref())))
            .map_err(|e| pack_error(py, &e))?;
        Ok(Pack::new(pack, None))
    }

    /// A pack from the bytes of its compiled form (`Pack.to_compiled()`, `qagida pack compile`),
    /// made by this same version.
    #[staticmethod]
    fn from_compiled(py: Python<'_>, data: &[u8]) -> PyResult<Pack> {
        py.detach(|| qagida::Pack::from_compiled(data)).map(|p| Pack::new(p, None)).map_err(|e| pack_error_with(py, e.to_string(), &[]))
    }

    /// A signed pack directory, every layer verified under the trusted keys (`.pub` files,
    /// `ID,…=FILE` to bind a key to pack ids) and not below `min_version` (`VERSION` or
    /// `ID=VERSION`, one or a list), as the CLI's `--pubkey` and `--min-version`.
    #[staticmethod]
    #[pyo3(signature = (path, *, pubkeys, min_version=None, pack_path=None, overrides=None))]
    fn load_signed(
        py: Python<'_>,
        path: PathBuf,
        pubkeys: &Bound<'_, PyAny>,
        min_version: Option<&Bound<'_, PyAny>>,
        pack_path: Option<Vec<PathBuf>>,
        overrides: Option<PathBuf>,
    ) -> PyResult<Pack> {
        let pubkeys = strings(Some(pubkeys))?;
        if pubkeys.is_empty() {
            return Err(PyValueError::new_err("load_signed: name at least one trusted public key"));
        }
        let spec = PackSpec { rules: Some(path), overrides, pubkeys, min_versions: strings(min_version)?, pack_path: pack_path.unwrap_or_default() };
        let d = py.detach(|| qagida::deploy::load_spec(&spec)).map_err(|e| deploy_error(py, e))?;
        Ok(Pack::new(d.pack, d.key_id))
    }

    #[getter]
    fn id(&self) -> &str {
        &self.pack.id
    }

    #[getter]
    fn version(&self) -> &str {
        &self.pack.version
    }

    /// BCP 47 tags of the pack's languages, the default first.
    #[getter]
    fn languages(&self) -> Vec<String> {
        let default = self.pack.language(None);
        let tag = |l| self.pack.language_tag(l).map(|t| t.code().to_string());
        let first: Option<String> = tag(default);
        let rest = self.pack.languages.iter().map(|l| l.code().to_string()).filter(|c| first.as_ref() != Some(c));
        first.clone().into_iter().chain(rest).collect()
    }

    /// The id of the key that verified the pack (`load_signed`), else `None`.
    #[getter]
    fn key_id(&self) -> Option<&str> {
        self.key_id.as_deref()
    }

    /// The compiled form (for `Pack.from_compiled`, e.g. on Spark executors); with
    /// `validation_only`, without the rules' tests and sources (smaller, faster to load).
    #[pyo3(signature = (*, validation_only=false))]
    fn to_compiled<'py>(&self, py: Python<'py>, validation_only: bool) -> Bound<'py, PyBytes> {
        let opts = if validation_only { CompileOptions::VALIDATION_ONLY } else { CompileOptions::default() };
        let bytes = py.detach(|| self.pack.to_compiled_with(opts));
        PyBytes::new(py, &bytes)
    }

    /// Validates one document (`str`, `bytes` or a `dict`): the result as the CLI writes it,
    /// as a dict. A document that cannot be validated (not JSON, over a limit) raises
    /// `InputError`; a bad option `ValueError`.
    #[pyo3(signature = (doc, *, lang=None, as_of=None, mode=None))]
    fn validate<'py>(
        &self,
        py: Python<'py>,
        doc: &Bound<'py, PyAny>,
        lang: Option<&str>,
        as_of: Option<&Bound<'py, PyAny>>,
        mode: Option<&str>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let opts = self.options(lang, as_of, mode)?;
        let bytes = document_bytes(py, doc)?;
        let r = py.detach(|| self.pack.validate_bytes(&bytes, &opts)).map_err(|e| InputError::new_err(e.to_string()))?;
        Ok(pythonize(py, &r)?)
    }

    /// Validates many documents on `jobs` threads (default: every core), the GIL released: one
    /// result per document, in order; a document that cannot be validated gets
    /// `{"error": "…"}` in its place.
    #[pyo3(signature = (docs, *, lang=None, as_of=None, mode=None, jobs=None))]
    fn validate_many<'py>(
        &self,
        py: Python<'py>,
        docs: &Bound<'py, PyAny>,
        lang: Option<&str>,
        as_of: Option<&Bound<'py, PyAny>>,
        mode: Option<&str>,
        jobs: Option<usize>,
    ) -> PyResult<Vec<Bound<'py, PyAny>>> {
        let opts = self.options(lang, as_of, mode)?;
        if docs.is_instance_of::<PyString>() || docs.is_instance_of::<PyBytes>() || docs.is_instance_of::<PyByteArray>() {
            return Err(PyTypeError::new_err("validate_many: a sequence of documents, not one document (use validate)"));
        }
        // A document that cannot be turned into JSON text gets its error in its place.
        let inputs: Vec<Result<Vec<u8>, String>> =
            docs.try_iter()?.map(|d| d.and_then(|d| document_bytes(py, &d)).map_err(|e| e.to_string())).collect();
        let pack = &self.pack;
        let results: Vec<Result<ValidationResult, String>> = py.detach(|| {
            on_pool(jobs, || {
                inputs
                    .par_iter()
                    .map(|b| match b {
                        Ok(b) => pack.validate_bytes(b, &opts).map_err(|e| e.to_string()),
                        Err(e) => Err(e.clone()),
                    })
                    .collect()
            })
        })?;
        results
            .iter()
            .map(|r| match r {
                Ok(r) => Ok(pythonize(py, r)?),
                Err(e) => {
                    let d = PyDict::new(py);
                    d.set_item("error", e)?;
                    Ok(d.into_any())
                }
            })
            .collect()
    }

    /// Validates the JSON documents in `column` of an Arrow table (a `pyarrow.Table` or
    /// `RecordBatch`, or any object with `__arrow_c_stream__`: a Polars or DuckDB result) and
    /// returns a `pyarrow.Table` of one row per input row, in order: `valid` (bool; null when
    /// the row could not be read), `error` (string or null) and `findings` (list of struct:
    /// rule_id, severity, path, message, clause, actual, expected). Data crosses through the
    /// Arrow C data interface, not as Python objects; rows are validated on `jobs` threads
    /// (default: every core) with the GIL released.
    #[pyo3(signature = (data, column="doc", *, lang=None, as_of=None, mode=None, jobs=None))]
    #[allow(clippy::too_many_arguments)] // Python's keyword arguments, one each
    fn validate_arrow<'py>(
        &self,
        py: Python<'py>,
        data: &Bound<'py, PyAny>,
        column: &str,
        lang: Option<&str>,
        as_of: Option<&Bound<'py, PyAny>>,
        mode: Option<&str>,
        jobs: Option<usize>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let opts = self.options(lang, as_of, mode)?;
        let pack = &self.pack;
        let out = if data.hasattr("__arrow_c_stream__")? {
            let reader: PyArrowType<RecordBatchStreamReader> = data.extract()?;
            py.detach(|| on_pool(jobs, || arrow_io::validate_stream(pack, reader.0, column, &opts)))?
        } else if data.hasattr("__arrow_c_array__")? {
            let batch: PyArrowType<arrow::record_batch::RecordBatch> = data.extract()?;
            py.detach(|| on_pool(jobs, || arrow_io::validate_batches(pack, std::iter::once(Ok::<_, String>(batch.0)), column, &opts)))?
        } else {
            return Err(PyTypeError::new_err("validate_arrow: an Arrow table or record batch (an object with __arrow_c_stream__ or __arrow_c_array__)"));
        };
        let reader = PyArrowType(out.map_err(PyValueError::new_err)?).into_pyobject(py)?;
        reader.call_method0("read_all")
    }

    /// Every rule of the pack, in pack order: id, title (in `lang`), severity, document types,
    /// dates in force.
    #[pyo3(signature = (*, lang=None))]
    fn rules<'py>(&self, py: Python<'py>, lang: Option<&str>) -> PyResult<Bound<'py, PyAny>> {
        let l = self.options(lang, None, None).map(|o| self.pack.language(o.lang.as_deref()))?;
        let list: Vec<qagida::explain::RuleSummary> = self.pack.rules.iter().map(|r| qagida::explain::summary(r, l)).collect();
        Ok(pythonize(py, &list)?)
    }

    /// One rule explained, as `qagida explain RULE` shows it (its checks, messages, tests).
    #[pyo3(signature = (rule_id, *, lang=None))]
    fn explain<'py>(&self, py: Python<'py>, rule_id: &str, lang: Option<&str>) -> PyResult<Bound<'py, PyAny>> {
        let l = self.options(lang, None, None).map(|o| self.pack.language(o.lang.as_deref()))?;
        let rule = self.pack.rule(rule_id).ok_or_else(|| PyKeyError::new_err(format!("no rule `{rule_id}` in {} {}", self.pack.id, self.pack.version)))?;
        Ok(pythonize(py, &qagida::explain::explain(&self.pack, rule, l))?)
    }

    /// Runs the pack's own test cases and fixture checks (as `qagida test`): one dict per case
    /// (rule_id, name, passed, detail).
    fn run_tests<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyDict>>> {
        let outcomes = py.detach(|| qagida::testing::run_pack_tests(&self.pack));
        outcomes
            .iter()
            .map(|o| {
                let d = PyDict::new(py);
                d.set_item("rule_id", &o.rule_id)?;
                d.set_item("name", &o.name)?;
                d.set_item("passed", o.passed)?;
                d.set_item("detail", &o.detail)?;
                Ok(d)
            })
            .collect()
    }

    fn __repr__(&self) -> String {
        format!("<qagida.Pack {} {} ({} rules)>", self.pack.id, self.pack.version, self.pack.rules.len())
    }
}

#[pymodule]
fn _qagida(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Pack>()?;
    m.add("PackError", m.py().get_type::<PackError>())?;
    m.add("InputError", m.py().get_type::<InputError>())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
