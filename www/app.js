// qagida web-form demo: plain ES modules, no bundler, no framework.
//
// What a vendor copies: load the module once (`await init()`), make a Validator, build the
// document from the form on every (debounced) edit, call `validate(doc, {lang})`, and put each
// finding next to the input whose `data-path` equals the finding's JSON Pointer `path`.
//
// The rules are data beside the engine: the default pack is the file pkg/packs/default.qpack
// (compiled ahead of time), loaded with Validator.fromCompiled. The pack panel compiles an edited
// pack with the compiler module (pkg/compiler/), fetched only the first time a pack is loaded: the
// validator module alone carries no pack, TOML parser or loader.
import init, { Validator, engineVersion } from './pkg/qagida_wasm.js';
import { FORMS } from './forms.js';
import { LANG_NAMES, UI } from './i18n.js';

const DEBOUNCE_MS = 150;
const LANGS = ['kk', 'ru', 'en'];

const state = {
  lang: 'ru',
  defaultPack: null, // the Validator of the default pack (pkg/packs/default.qpack)
  validator: null, // the Validator in use (the default pack, or an edited pack)
  packSource: null, // null = the default pack, else where the pack was loaded from
  fixtures: {},
  forms: [], // one entry per FORMS item: { spec, root, fields: Map(path -> {input, wrap, notes, spec}), ... }
  active: 'mdt_conclusion',
};

// ---------------------------------------------------------------------------------- DOM helpers

function el(tag, props = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v == null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k === 'dataset') Object.assign(e.dataset, v);
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  e.append(...children.flat().filter((c) => c != null));
  return e;
}

const t = (key, ...args) => {
  const v = UI[key]?.[state.lang] ?? UI[key]?.en ?? key;
  return typeof v === 'function' ? v(...args) : v;
};
const label = (l) => l[state.lang] ?? l.en;

// ------------------------------------------------------------------------------- JSON Pointers

const tokens = (ptr) => ptr.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));

function getAt(doc, ptr) {
  let cur = doc;
  for (const k of tokens(ptr)) {
    if (cur == null || typeof cur !== 'object') return undefined;
    cur = cur[k];
  }
  return cur;
}

function setAt(doc, ptr, value) {
  const ks = tokens(ptr);
  let cur = doc;
  for (const k of ks.slice(0, -1)) {
    if (cur[k] == null || typeof cur[k] !== 'object') cur[k] = {};
    cur = cur[k];
  }
  cur[ks.at(-1)] = value;
}

/** Removes the field, then any object on its path that became empty. */
function deleteAt(doc, ptr) {
  const ks = tokens(ptr);
  const chain = [doc];
  for (const k of ks.slice(0, -1)) {
    const next = chain.at(-1)?.[k];
    if (next == null || typeof next !== 'object') return;
    chain.push(next);
  }
  delete chain.at(-1)[ks.at(-1)];
  for (let i = chain.length - 1; i > 0; i--) {
    if (Object.keys(chain[i]).length > 0) break;
    delete chain[i - 1][ks[i - 1]];
  }
}

// ------------------------------------------------------------------------ form value <-> JSON

const DELETE = Symbol('delete');

/** The JSON value of an input: numbers stay exact (a decimal that JS would round stays text). */
function readField(spec, input) {
  const raw = input.value;
  const v = raw.trim();
  switch (spec.kind) {
    case 'bool':
      return v === '' ? DELETE : v === 'true';
    case 'int':
      return v === '' ? DELETE : /^-?\d+$/.test(v) ? Number(v) : raw;
    case 'decimal':
      if (v === '') return DELETE;
      if (/^-?\d+(\.\d+)?$/.test(v)) return String(Number(v)) === v ? Number(v) : v;
      return raw;
    default:
      return raw === '' ? DELETE : raw;
  }
}

function writeField(spec, input, value) {
  if (value === undefined || value === null) input.value = '';
  else if (spec.kind === 'bool') input.value = value === true ? 'true' : value === false ? 'false' : String(value);
  else input.value = typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (input.tagName === 'SELECT' && input.value !== String(value ?? '')) {
    // A value the options don't list (an edited fixture, a vendor code): keep it selectable.
    input.append(el('option', { value: String(value), text: String(value) }));
    input.value = String(value);
  }
}

function buildDocument(form) {
  const doc = structuredClone(form.base);
  for (const [path, field] of form.fields) {
    const v = readField(field.spec, field.input);
    if (v === DELETE) deleteAt(doc, path);
    else setAt(doc, path, v);
  }
  return doc;
}

// ---------------------------------------------------------------------------------- rendering

function renderForms() {
  const main = document.getElementById('forms');
  const tabs = document.getElementById('tabs');
  main.replaceChildren();
  tabs.replaceChildren();
  state.forms = FORMS.map((spec) => {
    const fields = new Map();
    const sections = spec.sections.map((sec) =>
      el(
        'fieldset',
        {},
        el('legend', { dataset: { label: JSON.stringify(sec.title) } }),
        sec.fields.map((fs) => {
          const id = `${spec.type}${fs.path.replace(/\//g, '__')}`;
          const input =
            fs.kind === 'select' || fs.kind === 'bool'
              ? el('select', { id, dataset: { path: fs.path, kind: fs.kind } }, el('option', { value: '', text: '—' }),
                  (fs.kind === 'bool' ? ['true', 'false'] : fs.options).map((o) => el('option', { value: o, text: o })))
              : el('input', {
                  id,
                  type: fs.kind === 'date' ? 'date' : 'text',
                  inputmode: fs.kind === 'int' ? 'numeric' : fs.kind === 'decimal' ? 'decimal' : null,
                  placeholder: fs.kind === 'datetime' ? '2026-04-06T10:15:00+05:00' : null,
                  spellcheck: 'false',
                  autocomplete: 'off',
                  dataset: { path: fs.path, kind: fs.kind },
                });
          const notes = el('ul', { class: 'notes', id: `${id}--notes`, 'aria-live': 'polite' });
          input.setAttribute('aria-describedby', notes.id);
          const lab = el('label', { for: id, dataset: { label: JSON.stringify(fs.label) } });
          const wrap = el('div', { class: `field${fs.wide ? ' wide' : ''}`, dataset: { fieldPath: fs.path } }, lab,
            el('code', { class: 'ptr', text: fs.path }), input, notes);
          fields.set(fs.path, { spec: fs, input, wrap, notes, lab });
          return wrap;
        }),
      ),
    );
    const verdict = el('p', { class: 'verdict', role: 'status' });
    const timing = el('p', { class: 'timing' });
    const other = el('ul', { class: 'other-list' });
    const docView = el('pre', { class: 'doc-json' });
    const rules = el('tbody');
    const root = el(
      'section',
      { class: 'doc-form', id: `form-${spec.type}`, role: 'tabpanel', dataset: { doctype: spec.type } },
      el('div', { class: 'doc-head' }, el('h2', { class: 'form-title' }), el('div', { class: 'status' }, verdict, timing),
        el('button', { type: 'button', class: 'reset', onclick: () => { prefill(form); validateNow(form); } })),
      el('div', { class: 'other' }, el('h3', { class: 'other-title' }), other),
      el('form', { class: 'fields', novalidate: true, onsubmit: (e) => e.preventDefault() }, sections),
      el('details', { class: 'rules' }, el('summary', { class: 'rules-title' }),
        el('table', {}, rules)),
      el('details', { class: 'doc' }, el('summary', { class: 'doc-title' }), docView),
    );
    const form = { spec, root, fields, verdict, timing, other, docView, rules, base: {}, timer: 0, result: null };
    root.addEventListener('input', () => schedule(form));
    root.addEventListener('change', () => schedule(form));
    main.append(root);
    tabs.append(
      el('button', {
        type: 'button', role: 'tab', class: 'tab', id: `tab-${spec.type}`, dataset: { tab: spec.type },
        onclick: () => activate(spec.type),
      }),
    );
    return form;
  });
}

function prefill(form) {
  form.base = structuredClone(state.fixtures[form.spec.type] ?? { document_type: form.spec.type });
  form.base.document_type = form.spec.type;
  for (const [path, field] of form.fields) writeField(field.spec, field.input, getAt(form.base, path));
}

function activate(type) {
  state.active = type;
  for (const f of state.forms) {
    const on = f.spec.type === type;
    f.root.hidden = !on;
    const tab = document.getElementById(`tab-${f.spec.type}`);
    tab.setAttribute('aria-selected', String(on));
  }
  if (location.hash.slice(1) !== type) history.replaceState(null, '', `#${type}`);
}

function relabel() {
  document.documentElement.lang = state.lang;
  for (const e of document.querySelectorAll('[data-ui]')) e.textContent = t(e.dataset.ui);
  for (const e of document.querySelectorAll('[data-label]')) e.textContent = label(JSON.parse(e.dataset.label));
  for (const b of document.querySelectorAll('#langs button')) b.setAttribute('aria-pressed', String(b.dataset.lang === state.lang));
  for (const f of state.forms) {
    f.root.querySelector('.form-title').textContent = `${label(f.spec.title)} · ${f.spec.clause}`;
    f.root.querySelector('.reset').textContent = t('reset');
    f.root.querySelector('.other-title').textContent = t('other');
    f.root.querySelector('.doc-title').textContent = t('document');
    for (const field of f.fields.values()) {
      if (field.spec.kind !== 'bool') continue;
      for (const o of field.input.options) if (o.value) o.textContent = o.value === 'true' ? t('yes') : t('no');
    }
  }
  renderRules();
  renderPackStatus();
}

function renderRules() {
  let all;
  try {
    all = state.validator.rules(state.lang);
  } catch {
    all = [];
  }
  for (const f of state.forms) {
    const mine = all.filter((r) => r.applies_to.includes(f.spec.type));
    f.root.querySelector('.rules-title').textContent = `${t('rules')} (${mine.length})`;
    f.rules.replaceChildren(
      ...mine.map((r) =>
        el('tr', { dataset: { rule: r.id } }, el('td', {}, el('code', { text: r.id })), el('td', { class: `sev sev-${r.severity}`, text: r.severity }),
          el('td', { text: r.title }), el('td', { class: 'clause', text: r.clause })),
      ),
    );
  }
}

function noteFor(f) {
  return el('li', { class: `note sev-${f.severity}`, dataset: { rule: f.rule_id } },
    el('code', { class: 'rule', text: f.rule_id }), ' ', el('span', { class: 'msg', text: f.message }),
    f.clause ? el('span', { class: 'clause', text: f.clause }) : null);
}

function renderResult(form, result, ms) {
  form.result = result;
  for (const field of form.fields.values()) {
    field.wrap.classList.remove('sev-error', 'sev-warning', 'sev-info');
    field.input.removeAttribute('aria-invalid');
    field.input.classList.remove('flagged');
    field.notes.replaceChildren();
  }
  const other = [];
  for (const f of result.findings) {
    const field = form.fields.get(f.path);
    if (!field) {
      other.push(f);
      continue;
    }
    field.wrap.classList.add(`sev-${f.severity}`);
    field.input.classList.add('flagged');
    if (f.severity === 'error') field.input.setAttribute('aria-invalid', 'true');
    field.notes.append(noteFor(f));
  }
  form.other.replaceChildren(
    ...(other.length
      ? other.map((f) => {
          const li = noteFor(f);
          li.prepend(el('code', { class: 'ptr', text: f.path || '/' }), ' ');
          return li;
        })
      : [el('li', { class: 'none', text: t('none') })]),
  );
  const n = (s) => result.findings.filter((f) => f.severity === s).length;
  form.verdict.textContent = `${result.valid ? t('valid') : t('invalid')} — ${t('counts', n('error'), n('warning'), n('info'))}`;
  form.verdict.dataset.valid = String(result.valid);
  form.root.dataset.valid = String(result.valid);
  form.root.dataset.findings = result.findings.map((f) => `${f.rule_id}@${f.path}`).join(' ');
  form.timing.textContent = t('timing', ms.toFixed(2), result.as_of);
  const tab = document.getElementById(`tab-${form.spec.type}`);
  tab.dataset.valid = String(result.valid);
  tab.textContent = `${label(form.spec.title)} ${result.valid ? '✓' : `✗ ${n('error')}`}`;
}

function schedule(form) {
  clearTimeout(form.timer);
  form.timer = setTimeout(() => validateNow(form), DEBOUNCE_MS);
}

function validateNow(form) {
  clearTimeout(form.timer);
  const doc = buildDocument(form);
  form.docView.textContent = JSON.stringify(doc, null, 2);
  const t0 = performance.now();
  let result;
  try {
    result = state.validator.validate(doc, { lang: state.lang });
  } catch (e) {
    // Only unusable input throws (too large, too deep); a form can't produce that, but show it.
    form.verdict.textContent = `${e.name}: ${e.message}`;
    form.verdict.dataset.valid = 'false';
    return;
  }
  renderResult(form, result, performance.now() - t0);
  document.body.dataset.validations = String(Number(document.body.dataset.validations ?? 0) + 1);
}

const validateAll = () => state.forms.forEach(validateNow);

// ---------------------------------------------------------------------------------- rule packs

function renderPackStatus() {
  const v = state.validator;
  const status = document.getElementById('pack-status');
  if (!v) return;
  let n = 0;
  try {
    n = v.rules().length;
  } catch {}
  const where = state.packSource ? `${t('packLoadedFrom')} ${state.packSource}` : t('packDefault');
  status.replaceChildren(el('strong', { text: `${v.packId} ${v.packVersion}` }), ` — ${where} · ${n} ${t('packRules')}`);
  status.dataset.pack = `${v.packId}@${v.packVersion}`;
  status.dataset.source = state.packSource ?? 'default';
  document.getElementById('engine').textContent = `qagida-wasm ${engineVersion()} · ${v.packTitle(state.lang)}`;
}

function showPackErrors(e) {
  const list = document.getElementById('pack-errors');
  if (!e) {
    list.replaceChildren();
    list.dataset.state = 'ok';
    return;
  }
  const lines = Array.isArray(e.diagnostics)
    ? e.diagnostics.map((d) => (d.line ? `${d.file}:${d.line}:${d.col}: ${d.message}` : `${d.file}: ${d.message}`))
    : [`${e.name ?? 'Error'}: ${e.message ?? e}`];
  list.replaceChildren(el('li', { class: 'head', text: t('packRefused') }), ...lines.map((l) => el('li', {}, el('code', { text: l }))));
  list.dataset.state = 'refused';
}

let compiler = null; // the compiler module's promise, made on first use

/** The compiler module, imported and initialised on first use (it fetches its own .wasm). */
function loadCompiler() {
  if (!compiler) {
    compiler = import('./pkg/compiler/qagida_compiler.js').then(async (m) => {
      await m.default(); // fetches pkg/compiler/qagida_compiler_bg.wasm (CSP: 'wasm-unsafe-eval')
      document.body.dataset.compiler = 'loaded';
      return m;
    });
    // A failed fetch is tried again next time.
    compiler.catch(() => {
      compiler = null;
    });
  }
  return compiler;
}

/** Compiles a pack from its files; on success it replaces the one in use and re-validates. */
async function usePack(files, source) {
  const { compilePack } = await loadCompiler();
  let v;
  try {
    v = Validator.fromCompiled(compilePack(files));
  } catch (e) {
    showPackErrors(e);
    return false;
  }
  if (state.validator && state.validator !== state.defaultPack) state.validator.free();
  state.validator = v;
  state.packSource = source;
  showPackErrors(null);
  relabel();
  validateAll();
  return true;
}

/** Fetches a pack index ({"files": [...]}, or a bare array) and every file it lists. */
async function loadPackFromUrl(url) {
  const index = new URL(url, location.href);
  const res = await fetch(index);
  if (!res.ok) throw new Error(`${index.pathname}: HTTP ${res.status}`);
  const body = await res.json();
  const list = Array.isArray(body) ? body : body.files;
  if (!Array.isArray(list)) throw new Error(`${index.pathname}: expected {"files": [...]}`);
  const files = {};
  await Promise.all(
    list.map(async (p) => {
      const r = await fetch(new URL(p, index));
      if (!r.ok) throw new Error(`${p}: HTTP ${r.status}`);
      files[p] = await r.text();
    }),
  );
  return await usePack(files, index.pathname);
}

/** A pack folder picked with <input webkitdirectory>: paths are relative to the folder. */
async function loadPackFromFolder(fileList) {
  const files = {};
  let top = '';
  for (const file of fileList) {
    if (!/\.(toml|json)$/.test(file.name)) continue;
    const parts = (file.webkitRelativePath || file.name).split('/');
    if (parts.length > 1) top = parts[0];
    const rel = parts.length > 1 ? parts.slice(1).join('/') : parts[0];
    if (rel === 'index.json') continue;
    files[rel] = await file.text();
  }
  return await usePack(files, top ? `${top}/` : 'files');
}

function wirePackPanel() {
  document.getElementById('pack-url-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      await loadPackFromUrl(document.getElementById('pack-url').value.trim());
    } catch (err) {
      showPackErrors(err);
    }
  });
  document.getElementById('pack-dir').addEventListener('change', async (e) => {
    try {
      await loadPackFromFolder(e.target.files);
    } catch (err) {
      showPackErrors(err);
    }
    e.target.value = '';
  });
  document.getElementById('pack-reset').addEventListener('click', () => {
    if (state.validator !== state.defaultPack) state.validator.free();
    state.validator = state.defaultPack;
    state.packSource = null;
    showPackErrors(null);
    relabel();
    validateAll();
  });
}

// --------------------------------------------------------------------------------------- start

async function main() {
  await init(); // fetches and compiles pkg/qagida_wasm_bg.wasm (CSP: 'wasm-unsafe-eval')
  // The rules: the default pack in compiled form, a file of the npm package beside the module.
  const pack = await fetch('./pkg/packs/default.qpack');
  if (!pack.ok) throw new Error(`pkg/packs/default.qpack: HTTP ${pack.status}`);
  state.defaultPack = Validator.fromCompiled(new Uint8Array(await pack.arrayBuffer()));
  state.validator = state.defaultPack;
  state.fixtures = state.defaultPack.fixtures();
  const wanted = new URLSearchParams(location.search).get('lang');
  state.lang = LANGS.includes(wanted) ? wanted : state.defaultPack.defaultLanguage;

  document.getElementById('langs').append(
    ...LANGS.map((l) =>
      el('button', {
        type: 'button', dataset: { lang: l }, text: LANG_NAMES[l], lang: l,
        onclick: () => {
          state.lang = l;
          relabel();
          validateAll();
        },
      }),
    ),
  );
  renderForms();
  state.forms.forEach(prefill);
  wirePackPanel();
  relabel();
  validateAll();
  const fromHash = location.hash.slice(1);
  activate(state.forms.some((f) => f.spec.type === fromHash) ? fromHash : state.forms[0].spec.type);
  document.body.dataset.ready = 'true';
}

main().catch((e) => {
  document.getElementById('forms').replaceChildren(el('p', { class: 'fatal', text: `${e.name ?? 'Error'}: ${e.message ?? e}` }));
  document.body.dataset.ready = 'error';
  throw e;
});
