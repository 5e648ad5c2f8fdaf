// qagida web-form demo: plain ES modules, no bundler, no framework.
//
// What a vendor copies: load the module once (`await init()`), make a Validator, build the
// document from the form, call `validate(doc, {lang, mode})` on every (debounced) edit, and put
// each finding next to the input whose `data-path` equals the finding's JSON Pointer `path`.
//
// Every document type of the pack has a form, generated from the pack's document model (the JSON
// Schema of `qagida pack schema`, www/dist/documents.schema.json, written by
// scripts/build-demo.mjs; forms.js renders it), prefilled with the pack's fixture of that type.
// While typing the form is a draft (`mode: 'draft'`: what is not filled in yet is not an error,
// and the checks waiting for it are listed in the result's `skipped`); the Submit button checks
// it in full (`mode: 'submit'`), and from then on it is checked in full as you type.
//
// The rules are data beside the engine: the default pack is the file pkg/packs/default.qpack
// (compiled ahead of time), loaded with Validator.fromCompiled. The pack panel compiles an edited
// pack with the compiler module (pkg/compiler/), fetched only the first time a pack is loaded: the
// validator module alone carries no pack, TOML parser or loader.
import init, { Validator, engineVersion } from './pkg/qagida_wasm.js';
import { DocumentModel, el, renderDocument } from './forms.js';
import { LANG_NAMES, UI } from './i18n.js';

const DEBOUNCE_MS = 150;
const LANGS = ['kk', 'ru', 'en'];
const SCHEMA_URL = './dist/documents.schema.json';

const state = {
  lang: 'ru',
  mode: 'draft', // 'draft' while typing, 'submit' once the Submit button was pressed (or chosen)
  model: null, // the DocumentModel of the default pack's schema
  defaultPack: null, // the Validator of the default pack (pkg/packs/default.qpack)
  validator: null, // the Validator in use (the default pack, or an edited pack)
  packSource: null, // null = the default pack, else where the pack was loaded from
  fixtures: {}, // document type -> a valid document of that type, from the pack
  forms: [], // one per document type, see makeForm
  active: null,
};

const t = (key, ...args) => {
  const v = UI[key]?.[state.lang] ?? UI[key]?.en ?? key;
  return typeof v === 'function' ? v(...args) : v;
};

// ---------------------------------------------------------------------------------- the forms

function makeForm(type) {
  const verdict = el('p', { class: 'verdict', role: 'status' });
  const timing = el('p', { class: 'timing' });
  const banner = el('p', { class: 'submit-result', role: 'status', hidden: true });
  const other = el('ul', { class: 'other-list' });
  const waiting = el('ul', { class: 'waiting-list' });
  const waitingBox = el('details', { class: 'waiting' }, el('summary', { class: 'waiting-title' }), waiting);
  const host = el('form', { class: 'form-host', novalidate: true, onsubmit: (e) => e.preventDefault() });
  const docView = el('pre', { class: 'doc-json' });
  const rules = el('tbody');
  const form = {
    type, doc: { document_type: type }, typed: new Map(), expanded: new Map(), places: new Map(), host, verdict, timing, banner, other, waiting,
    waitingBox, docView, rules, timer: 0, result: null,
  };
  form.root = el(
    'section',
    { class: 'doc-form', id: `form-${type}`, role: 'tabpanel', 'aria-labelledby': `tab-${type}`, dataset: { doctype: type } },
    el('div', { class: 'doc-head' },
      el('h2', { class: 'form-title' }),
      el('div', { class: 'status' }, verdict, timing),
      el('div', { class: 'actions' },
        el('button', { type: 'button', class: 'submit primary', onclick: () => submit(form) }),
        el('button', { type: 'button', class: 'reset', onclick: () => { prefill(form); validateNow(form); } }),
        el('button', { type: 'button', class: 'clear', onclick: () => { clear(form); validateNow(form); } }))),
    banner,
    el('div', { class: 'other' }, el('h3', { class: 'other-title' }), other, waitingBox),
    host,
    el('details', { class: 'rules' }, el('summary', { class: 'rules-title' }), el('table', {}, rules)),
    el('details', { class: 'doc' }, el('summary', { class: 'doc-title' }), docView),
  );
  return form;
}

function renderBody(form) {
  const { body, places } = renderDocument({
    model: state.model,
    doc: form.doc,
    lang: state.lang,
    ui: t,
    typed: form.typed,
    expanded: form.expanded,
    onEdit: () => {
      form.banner.hidden = true;
      schedule(form);
    },
    onStructure: (ptr) => {
      renderBody(form);
      validateNow(form);
      // Keep the keyboard where the user was: the first input of what was added or changed.
      const at = [...form.places.entries()].find(([p, pl]) => (p === ptr || p.startsWith(`${ptr}/`)) && pl.input);
      at?.[1].input.focus();
    },
  });
  form.host.replaceChildren(body);
  form.places = places;
}

function prefill(form) {
  form.doc = structuredClone(state.fixtures[form.type] ?? { document_type: form.type });
  form.doc.document_type = form.type;
  form.typed.clear();
  form.expanded.clear();
  form.banner.hidden = true;
  renderBody(form);
}

/** An empty document of the form's type: what a clinician starts from. */
function clear(form) {
  form.doc = { document_type: form.type };
  form.typed.clear();
  form.expanded.clear();
  form.banner.hidden = true;
  renderBody(form);
}

function submit(form) {
  state.mode = 'submit';
  renderMode();
  const result = validateNow(form);
  if (!result) return;
  const errors = result.findings.filter((f) => f.severity === 'error').length;
  form.banner.hidden = false;
  form.banner.dataset.state = result.valid ? 'ok' : 'blocked';
  form.banner.textContent = result.valid ? t('submitOk') : t('submitBlocked', errors);
  if (!result.valid) form.root.querySelector('[aria-invalid="true"]')?.focus();
}

function activate(type) {
  state.active = type;
  for (const f of state.forms) {
    const on = f.type === type;
    f.root.hidden = !on;
    document.getElementById(`tab-${f.type}`).setAttribute('aria-selected', String(on));
  }
  if (location.hash.slice(1) !== type) history.replaceState(null, '', `#${type}`);
}

function renderMode() {
  document.body.dataset.mode = state.mode;
  for (const b of document.querySelectorAll('#modes button')) b.setAttribute('aria-pressed', String(b.dataset.mode === state.mode));
  document.getElementById('mode-help').textContent = t(state.mode === 'draft' ? 'draftHelp' : 'submitHelp');
}

function relabel() {
  document.documentElement.lang = state.lang;
  document.title = t('title');
  for (const e of document.querySelectorAll('[data-ui]')) e.textContent = t(e.dataset.ui);
  for (const b of document.querySelectorAll('#langs button')) b.setAttribute('aria-pressed', String(b.dataset.lang === state.lang));
  for (const b of document.querySelectorAll('#modes button')) b.textContent = t(b.dataset.mode);
  renderMode();
  for (const f of state.forms) {
    f.root.querySelector('.form-title').textContent = state.model.typeLabel(f.type, state.lang);
    f.root.querySelector('.submit').textContent = t('submitButton');
    f.root.querySelector('.reset').textContent = t('reset');
    f.root.querySelector('.clear').textContent = t('clear');
    f.root.querySelector('.other-title').textContent = t('other');
    f.root.querySelector('.doc-title').textContent = t('document');
    f.banner.hidden = true;
    renderBody(f);
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
    const mine = all.filter((r) => r.applies_to.includes(f.type));
    f.root.querySelector('.rules-title').textContent = `${t('rules')} (${mine.length})`;
    f.rules.replaceChildren(
      ...mine.map((r) =>
        el('tr', { dataset: { rule: r.id } }, el('td', {}, el('code', { text: r.id })), el('td', { class: `sev sev-${r.severity}`, text: t(r.severity) }),
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

function renderResult(form, result, ms, mode) {
  form.result = result;
  for (const place of form.places.values()) {
    place.wrap.classList.remove('sev-error', 'sev-warning', 'sev-info', 'waits');
    place.input?.removeAttribute('aria-invalid');
    place.notes.replaceChildren();
  }
  const other = [];
  for (const f of result.findings) {
    const place = form.places.get(f.path);
    if (!place) {
      other.push(f);
      continue;
    }
    place.wrap.classList.add(`sev-${f.severity}`);
    if (f.severity === 'error') place.input?.setAttribute('aria-invalid', 'true');
    place.notes.append(noteFor(f));
    // A folded bundle member with a finding in it opens.
    for (let d = place.wrap.closest('details.member-body'); d; d = d.parentElement?.closest('details.member-body')) d.open = true;
  }
  form.other.replaceChildren(
    ...(other.length
      ? other.map((f) => {
          const li = noteFor(f);
          li.prepend(el('span', { class: 'where', text: f.path ? state.model.pointerLabel(form.type, f.path, state.lang, form.doc, { each: t('each') }) : t('wholeDocument') }),
            el('code', { class: 'ptr', text: f.path || '/' }), ' ');
          return li;
        })
      : [el('li', { class: 'none', text: t('none') })]),
  );
  renderSkipped(form, result.skipped ?? []);
  const n = (s) => result.findings.filter((f) => f.severity === s).length;
  form.verdict.textContent = `${result.valid ? t(mode === 'draft' ? 'draftOk' : 'valid') : t('invalid')} — ${t('counts', n('error'), n('warning'), n('info'))}`;
  form.verdict.dataset.valid = String(result.valid);
  form.root.dataset.valid = String(result.valid);
  form.root.dataset.mode = mode;
  form.root.dataset.findings = result.findings.map((f) => `${f.rule_id}@${f.path}`).join(' ');
  form.timing.textContent = `${t(mode === 'draft' ? 'draftChecked' : 'submitChecked')} · ${t('timing', ms.toFixed(2), result.as_of)}`;
  const tab = document.getElementById(`tab-${form.type}`);
  tab.dataset.valid = String(result.valid);
  tab.textContent = `${state.model.typeLabel(form.type, state.lang)} ${result.valid ? '✓' : `✗ ${n('error')}`}`;
}

/**
 * A draft's `skipped` checks, as quiet notes: "will be checked when … is filled in", naming the
 * fields each waits for by their labels. One note per place, under the field the check is about;
 * a check about no field of the form (or the whole document) is one note per rule in the list
 * under the summary.
 */
function renderSkipped(form, skipped) {
  const spell = (p) => (p ? state.model.pointerLabel(form.type, p, state.lang, form.doc, { each: t('each') }) : t('wholeDocument'));
  const atPlace = new Map(); // place -> {rules: Set, names: Set}
  const loose = [];
  for (const s of skipped) {
    const waits = (s.waits_for ?? []).filter((p) => p !== s.path);
    if (!waits.length) continue;
    const place = form.places.get(s.path);
    if (!place) {
      loose.push(el('li', { class: 'note waiting-note', dataset: { rules: s.rule_id } },
        el('span', { class: 'where', text: spell(s.path) }), el('code', { class: 'rule', text: s.rule_id }), ' ', t('waits', waits.map(spell).join(', '))));
      continue;
    }
    if (!atPlace.has(place)) atPlace.set(place, { rules: new Set(), names: new Set() });
    const entry = atPlace.get(place);
    entry.rules.add(s.rule_id);
    for (const p of waits) entry.names.add(spell(p));
  }
  for (const [place, e] of atPlace) {
    place.wrap.classList.add('waits');
    place.notes.append(el('li', { class: 'note waiting-note', dataset: { rules: [...e.rules].join(' ') } }, t('waits', [...e.names].join(', '))));
  }
  form.waiting.replaceChildren(...loose);
  form.waitingBox.hidden = loose.length === 0;
  form.waitingBox.querySelector('summary').textContent = t('waitingTitle', loose.length);
}

function schedule(form) {
  clearTimeout(form.timer);
  form.timer = setTimeout(() => validateNow(form), DEBOUNCE_MS);
}

function validateNow(form, mode = state.mode) {
  clearTimeout(form.timer);
  form.docView.textContent = JSON.stringify(form.doc, null, 2);
  const t0 = performance.now();
  let result;
  try {
    result = state.validator.validate(form.doc, { lang: state.lang, mode });
  } catch (e) {
    // Only unusable input throws (too large, too deep) or an option the module does not know;
    // a form can't produce the first, but show it.
    form.verdict.textContent = `${e.name}: ${e.message}`;
    form.verdict.dataset.valid = 'false';
    form.root.dataset.valid = 'error';
    return null;
  }
  renderResult(form, result, performance.now() - t0, mode);
  document.body.dataset.validations = String(Number(document.body.dataset.validations ?? 0) + 1);
  return result;
}

const validateAll = () => state.forms.forEach((f) => validateNow(f));

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
  // The rules: the default pack in compiled form, a file of the npm package beside the module;
  // the forms: the default pack's document model.
  const [pack, schema] = await Promise.all([fetch('./pkg/packs/default.qpack'), fetch(SCHEMA_URL)]);
  if (!pack.ok) throw new Error(`pkg/packs/default.qpack: HTTP ${pack.status}`);
  if (!schema.ok) throw new Error(`${SCHEMA_URL}: HTTP ${schema.status} (run node scripts/build-demo.mjs)`);
  state.model = new DocumentModel(await schema.json());
  state.defaultPack = Validator.fromCompiled(new Uint8Array(await pack.arrayBuffer()));
  state.validator = state.defaultPack;
  for (const fx of Object.values(state.defaultPack.fixtures())) {
    if (fx && typeof fx.document_type === 'string' && !state.fixtures[fx.document_type]) state.fixtures[fx.document_type] = fx;
  }
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
  document.getElementById('modes').append(
    ...['draft', 'submit'].map((m) =>
      el('button', {
        type: 'button', dataset: { mode: m },
        onclick: () => {
          state.mode = m;
          renderMode();
          validateAll();
        },
      }),
    ),
  );
  const main = document.getElementById('forms');
  const tabs = document.getElementById('tabs');
  state.forms = state.model.documentTypes.map(makeForm);
  main.replaceChildren(...state.forms.map((f) => f.root));
  tabs.replaceChildren(
    ...state.forms.map((f) =>
      el('button', { type: 'button', role: 'tab', class: 'tab', id: `tab-${f.type}`, dataset: { tab: f.type }, 'aria-controls': `form-${f.type}`, onclick: () => activate(f.type) }),
    ),
  );
  for (const f of state.forms) {
    f.doc = structuredClone(state.fixtures[f.type] ?? { document_type: f.type });
    f.doc.document_type = f.type;
  }
  wirePackPanel();
  relabel(); // renders every form's fields
  validateAll();
  const fromHash = location.hash.slice(1);
  activate(state.forms.some((f) => f.type === fromHash) ? fromHash : state.forms[0].type);
  document.body.dataset.ready = 'true';
}

main().catch((e) => {
  document.getElementById('forms').replaceChildren(el('p', { class: 'fatal', text: `${e.name ?? 'Error'}: ${e.message ?? e}` }));
  document.body.dataset.ready = 'error';
  throw e;
});
