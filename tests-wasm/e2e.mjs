#!/usr/bin/env node
// End-to-end test of the demo page (www/: a form for every document type of the pack, generated
// from its document model) in headless Chromium (tests-wasm/browser.mjs). Needs
// `node scripts/build-wasm.mjs && node scripts/build-demo.mjs` first (pkg/web, www/dist/).
//
//   node tests-wasm/e2e.mjs
//
// Serves www/ + pkg/web/ with scripts/serve.mjs (strict CSP), plus two copies of the default
// pack made in a temp dir: `edited` (DSP-01's one-month cap raised to two months, and a new rule
// on a field the model lacks) and `broken` (an unknown param). The browser's locale is en-US:
// the page's language, not the browser's, decides how dates look. The page must not fetch the
// compiler module (pkg/web/compiler/) until it loads a pack. Screenshots of the page in kk, ru
// and en go to /tmp/qagida-shots/ (QAGIDA_SHOTS). Prints `N passed, N failed`; exits 1 on any
// failure.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CSP, createServer } from '../scripts/serve.mjs';
import { CYRILLIC, KAZAKH_LETTERS, assert, needBuilt, repo, runPageTests, test } from './browser.mjs';

needBuilt(['pkg/web/qagida_wasm_bg.wasm', 'pkg/web/compiler/qagida_compiler_bg.wasm', 'pkg/web/packs/default.qpack', 'www/dist/documents.schema.json']);
const schema = JSON.parse(readFileSync(join(repo, 'www', 'dist', 'documents.schema.json'), 'utf8'));
const TYPES = schema.oneOf.map((r) => r.$ref.replace('#/$defs/', ''));
const LANGS = ['kk', 'ru', 'en'];

// ---------------------------------------------------------------- packs for the pack panel
const tmp = mkdtempSync(join(tmpdir(), 'qagida-e2e-'));
const copy = (name, edits) => {
  const dir = join(tmp, name);
  cpSync(join(repo, 'rules', 'kz-orphan'), dir, { recursive: true });
  for (const [file, from, to, append = ''] of edits) {
    const p = join(dir, file);
    const text = readFileSync(p, 'utf8');
    if (!from.test(text)) throw new Error(`${file}: ${from} not found — has the pack changed?`);
    writeFileSync(p, text.replace(from, to) + append);
  }
  return dir;
};
// The regulator's edit: a two-month cap, and a new warning on a field the model of the default
// pack (hence the form) lacks, so its finding must go to the form's list of other findings.
const NEW_RULE = `
[[rule]]
id = "DSP-90"
applies_to = "dispensing"
severity = "warning"
title = { kk = "Бақылаған қызметкердің лицензиясы көрсетіледі", ru = "Указывается лицензия контролирующего работника", en = "The supervising worker's licence is stated" }
clause = { kk = "Сынақ өзгерісі", ru = "Тестовое изменение", en = "Test edit" }
message = { kk = "Көрсетілмеген: {path}", ru = "Не указано: {path}", en = "Not stated: {path}" }

[[rule.check]]
require = ["/supervised_by/licence_no"]
`;
const packs = {
  'kz-orphan': join(repo, 'rules', 'kz-orphan'),
  edited: copy('edited', [
    ['rules/dispensing.toml', /max_supply_months = 1\b/, 'max_supply_months = 2', NEW_RULE],
    ['types.toml', /\[types\.person\]\n/, '[types.person]\nlicence_no = "string"\n'],
  ]),
  broken: copy('broken', [
    ['rules/mdt.toml', /doc\.single_dose\.amount > params\.single_dose_min_exclusive/, 'doc.single_dose.amount > params.single_dose_minimum'],
  ]),
};

await runPageTests(createServer({ packs }), async ({ page, requests, base, waitFor, started, setLang, tab, screenshotTest }) => {
  const compilerRequests = () => requests.filter((u) => /\/pkg\/compiler\//.test(u));

  const form = (type) => `#form-${type}`;
  const input = (type, path) => page.locator(`${form(type)} [data-path="${path}"]`);
  const field = (type, path) => page.locator(`${form(type)} .field[data-field-path="${path}"]`);
  const notes = (type, path) => field(type, path).locator('.note');
  const flagged = (type, path) =>
    waitFor(([s]) => document.querySelector(s)?.getAttribute('aria-invalid') === 'true', [`${form(type)} [data-path="${path}"]`]);
  const cleared = (type, path) =>
    waitFor(([s]) => { const e = document.querySelector(s); return e && !e.hasAttribute('aria-invalid'); }, [`${form(type)} [data-path="${path}"]`]);
  const valid = (type, v) => waitFor(([s, v]) => document.querySelector(s)?.dataset.valid === v, [form(type), String(v)]);
  const docOf = async (type) => JSON.parse(await page.locator(`${form(type)} .doc-json`).textContent());
  const findingsOf = async (type) => (await page.locator(form(type)).getAttribute('data-findings')).split(' ').filter(Boolean);
  const settle = () => page.waitForTimeout(250); // past the 150 ms debounce
  const setMode = async (m) => {
    await page.click(`#modes [data-mode="${m}"]`);
    await waitFor((m) => document.body.dataset.mode === m, m);
  };

  await test('the page loads under a strict CSP with one form per document type of the model', async () => {
    const response = await page.goto(`${base}?lang=ru`);
    const h = response.headers();
    assert(h['content-security-policy'] === CSP, `CSP header: ${h['content-security-policy']}`);
    assert(!/unsafe-eval'/.test(CSP.replace("'wasm-unsafe-eval'", '')) && !/unsafe-inline/.test(CSP), 'CSP allows eval or inline code');
    await started();
    const tabs = await page.locator('[data-tab]').evaluateAll((es) => es.map((e) => e.dataset.tab));
    assert(TYPES.length === 11 && JSON.stringify(tabs) === JSON.stringify(TYPES), `tabs ${tabs.join(', ')} ≠ model ${TYPES.join(', ')}`);
    assert((await page.locator('#pack-status').getAttribute('data-source')) === 'default', 'not the default pack');
    assert(requests.some((u) => u.endsWith('/pkg/qagida_wasm_bg.wasm')), 'the validator module was not fetched');
    assert(requests.some((u) => u.endsWith('/dist/documents.schema.json')), 'the document model was not fetched');
    assert(compilerRequests().length === 0, `the compiler module was fetched before any pack was loaded: ${compilerRequests().join(', ')}`);
  });

  await test("every type's form shows every field of its fixture, and the fixture has no error as a draft or in full", async () => {
    for (const mode of ['draft', 'submit']) {
      await setMode(mode);
      for (const type of TYPES) {
        const state = await page.locator(form(type)).getAttribute('data-valid');
        assert(state === 'true', `${type} (${mode}): ${state}, findings ${await page.locator(form(type)).getAttribute('data-findings')} ${await page.locator(`${form(type)} .verdict`).textContent()}`);
        assert((await page.locator(form(type)).getAttribute('data-mode')) === mode, `${type} was not checked in mode ${mode}`);
      }
    }
    await setMode('draft');
    for (const type of TYPES) {
      const doc = await docOf(type);
      assert(doc.document_type === type && Object.keys(doc).length > 1, `${type}: the form starts without its fixture`);
      // Every scalar of the fixture has its input (a field of no declared type: its JSON editor).
      const leaves = [];
      const walk = (v, p) => {
        if (v && typeof v === 'object') for (const [k, c] of Object.entries(v)) walk(c, `${p}/${k}`);
        else if (p !== '/document_type') leaves.push(p);
      };
      walk(doc, '');
      const paths = new Set(await page.locator(`${form(type)} [data-path]`).evaluateAll((es) => es.map((e) => `${e.dataset.kind ?? ''} ${e.dataset.path}`)));
      const has = (p) => [...paths].some((x) => x.endsWith(` ${p}`));
      const anyAbove = (p) => p.split('/').some((_, i, a) => i > 1 && paths.has(`any ${a.slice(0, i).join('/')}`));
      const missing = leaves.filter((p) => !has(p) && !anyAbove(p));
      assert(missing.length === 0, `${type}: no input for ${missing.join(', ')}`);
    }
  });

  await test('in each language, labels and the options of every enumeration come from the model (never the raw code)', async () => {
    const def = schema.$defs.organization ?? Object.values(schema.$defs).find((d) => d.properties?.care_level);
    for (const l of LANGS) {
      await setLang(l);
      await tab('mdt_conclusion');
      const selects = await page.locator(`${form('mdt_conclusion')} select[data-kind="enum"]`).evaluateAll((es) =>
        es.map((s) => ({ path: s.dataset.path, options: [...s.options].filter((o) => o.value && o.value !== '\u0000other').map((o) => [o.value, o.textContent]) })));
      assert(selects.length >= 3, `only ${selects.length} enumerations on the MDT form`);
      for (const s of selects) {
        const node = s.path.split('/').slice(1).reduce((n, k) => {
          const p = n?.properties?.[k];
          // A record property takes null too: {"anyOf": [{"$ref": …}, {"type": "null"}]}.
          const ref = p?.$ref ?? p?.anyOf?.find((b) => b.$ref)?.$ref;
          return ref ? schema.$defs[ref.replace('#/$defs/', '')] : p;
        }, schema.$defs.mdt_conclusion);
        const labels = node?.['x-qagida-enum-labels'];
        assert(labels, `${s.path}: no labelled enumeration in the model`);
        for (const [v, text] of s.options) assert(text === (labels[v]?.[l] ?? labels[v]?.en), `${l} ${s.path}: option ${v} shows "${text}"`);
      }
      const care = await page.locator(`${form('mdt_conclusion')} [data-path="/medical_organization/care_level"] option[value="specialized"]`).textContent();
      assert(care !== 'specialized' && care === def.properties.care_level['x-qagida-enum-labels'].specialized[l], `${l}: care level shows "${care}"`);
      const label = await field('mdt_conclusion', '/patient/iin').locator('label').textContent();
      assert(label === schema.$defs.person.properties.iin['x-qagida-labels'][l], `${l}: the IIN's label is "${label}"`);
      if (l === 'kk') assert(KAZAKH_LETTERS.test(await page.locator(`${form('mdt_conclusion')} fieldset legend`).allTextContents().then((a) => a.join(' '))), 'no Kazakh legend');
    }
    await setLang('ru');
  });

  await test('a date typed as DD.MM.YYYY reaches the document as YYYY-MM-DD and is spelled out in the page language', async () => {
    await tab('mdt_conclusion');
    const date = input('mdt_conclusion', '/date');
    assert((await date.inputValue()) === '02.04.2026', `the fixture's date shows as "${await date.inputValue()}"`);
    assert((await date.getAttribute('placeholder')) === 'ДД.ММ.ГГГГ', `placeholder ${await date.getAttribute('placeholder')}`);
    await date.fill('6.4.2026');
    await settle();
    assert((await docOf('mdt_conclusion')).date === '2026-04-06', `document date ${(await docOf('mdt_conclusion')).date}`);
    const spelled = await field('mdt_conclusion', '/date').locator('.spelled').textContent();
    assert(/апреля 2026/.test(spelled), `spelled "${spelled}"`);
    await setLang('kk');
    assert((await input('mdt_conclusion', '/date').getAttribute('placeholder')) === 'КК.АА.ЖЖЖЖ', 'no Kazakh placeholder');
    assert((await input('mdt_conclusion', '/date').inputValue()) === '6.4.2026', 'the typed text changed with the language');
    assert(/сәуір/.test(await field('mdt_conclusion', '/date').locator('.spelled').textContent()), 'not spelled in Kazakh');
    await setLang('ru');
    // Not a date: kept as typed, and the validator says so.
    await input('mdt_conclusion', '/date').fill('31.02.2026');
    await flagged('mdt_conclusion', '/date');
    assert((await docOf('mdt_conclusion')).date === '31.02.2026', 'an impossible date did not reach the document as typed');
    assert((await notes('mdt_conclusion', '/date').first().getAttribute('data-rule')) === 'TYPE', 'not a TYPE finding');
    await input('mdt_conclusion', '/date').fill('02.04.2026');
    await valid('mdt_conclusion', true);
  });

  await test('a date-time is a date and a 24-hour time in Astana, written as RFC 3339 with +05:00', async () => {
    await tab('prescription');
    const d = input('prescription', '/issued_at');
    const time = field('prescription', '/issued_at').locator('input.time');
    assert((await d.inputValue()) === '06.04.2026' && (await time.inputValue()) === '10:15', `shown as ${await d.inputValue()} ${await time.inputValue()}`);
    await time.fill('9:05');
    await settle();
    assert((await docOf('prescription')).issued_at === '2026-04-06T09:05:00+05:00', `issued_at ${(await docOf('prescription')).issued_at}`);
    await time.fill('10:15');
    await valid('prescription', true);
  });

  let ruMessage;
  await test('a zero single dose is flagged MDT-03 under its field, with message and clause; fixing it clears it', async () => {
    await tab('mdt_conclusion');
    await input('mdt_conclusion', '/single_dose/amount').fill('0');
    await flagged('mdt_conclusion', '/single_dose/amount');
    const note = notes('mdt_conclusion', '/single_dose/amount').first();
    assert((await note.getAttribute('data-rule')) === 'MDT-03', `rule ${await note.getAttribute('data-rule')}`);
    ruMessage = await note.locator('.msg').textContent();
    const clause = await note.locator('.clause').textContent();
    assert(CYRILLIC.test(ruMessage) && clause.length > 3, `message "${ruMessage}", clause "${clause}"`);
    await valid('mdt_conclusion', false);
    await input('mdt_conclusion', '/single_dose/amount').fill('1600');
    await cleared('mdt_conclusion', '/single_dose/amount');
    assert((await notes('mdt_conclusion', '/single_dose/amount').count()) === 0, 'notes left');
    await valid('mdt_conclusion', true);
  });

  await test('validation is debounced: a burst of typing validates once', async () => {
    const before = Number(await page.evaluate(() => document.body.dataset.validations));
    const amount = input('mdt_conclusion', '/single_dose/amount');
    await amount.fill('');
    await amount.pressSequentially('800', { delay: 20 });
    await page.waitForTimeout(400);
    const after = Number(await page.evaluate(() => document.body.dataset.validations));
    assert(after - before === 1, `${after - before} validations for one burst of 4 edits`);
    await amount.fill('1600');
    await valid('mdt_conclusion', true);
  });

  await test('a decimal keeps its exact text; switching to Kazakh gives a Kazakh message', async () => {
    await input('mdt_conclusion', '/single_dose/amount').fill('1600,50');
    await settle();
    assert((await docOf('mdt_conclusion')).single_dose.amount === '1600.50', `amount ${JSON.stringify((await docOf('mdt_conclusion')).single_dose.amount)}`);
    await input('mdt_conclusion', '/single_dose/amount').fill('0');
    await flagged('mdt_conclusion', '/single_dose/amount');
    await setLang('kk');
    const note = notes('mdt_conclusion', '/single_dose/amount').first();
    const msg = await note.locator('.msg').textContent();
    assert(msg !== ruMessage && KAZAKH_LETTERS.test(msg + (await note.locator('.clause').textContent())), `not Kazakh: "${msg}"`);
    await input('mdt_conclusion', '/single_dose/amount').fill('1600');
    await valid('mdt_conclusion', true);
    await setLang('ru');
  });

  await test('text in an integer field is a TYPE finding on that field, in plain words', async () => {
    await input('mdt_conclusion', '/doses_per_day').fill('two');
    await flagged('mdt_conclusion', '/doses_per_day');
    const note = notes('mdt_conclusion', '/doses_per_day').first();
    assert((await note.getAttribute('data-rule')) === 'TYPE', 'not TYPE');
    assert(CYRILLIC.test(await note.locator('.msg').textContent()), 'no message');
    await input('mdt_conclusion', '/doses_per_day').fill('1');
    await cleared('mdt_conclusion', '/doses_per_day');
  });

  await test('draft: an empty form has no error; a wrong value in it is reported; checks waiting for fields say which', async () => {
    await setMode('draft');
    await tab('mdt_conclusion');
    await page.click(`${form('mdt_conclusion')} .clear`);
    await valid('mdt_conclusion', true);
    const doc = await docOf('mdt_conclusion');
    assert(JSON.stringify(doc) === '{"document_type":"mdt_conclusion"}', `not empty: ${JSON.stringify(doc)}`);
    assert((await page.locator(`${form('mdt_conclusion')} .note.sev-error`).count()) === 0, 'errors on an empty draft');
    // Half filled: a patient's name only, and a wrong single dose.
    await input('mdt_conclusion', '/patient/full_name').fill('Сейткали Айгерим');
    await input('mdt_conclusion', '/single_dose/amount').fill('0');
    await flagged('mdt_conclusion', '/single_dose/amount');
    const found = await findingsOf('mdt_conclusion');
    assert(found.every((f) => f.startsWith('MDT-03@')), `a draft reports more than the wrong value: ${found.join(' ')}`);
    const waiting = await page.locator(`${form('mdt_conclusion')} .waiting-note`).allTextContents();
    assert(waiting.length > 0 && waiting.every((w) => /заполните: \S/.test(w)), `waiting notes: ${JSON.stringify(waiting)}`);
    assert(!waiting.join(' ').includes('/'), `a waiting note names a JSON Pointer, not a label: ${waiting.join(' | ')}`);
  });

  await test('submit: the same form reports the missing required fields and is not sent', async () => {
    await page.click(`${form('mdt_conclusion')} .submit`);
    await valid('mdt_conclusion', false);
    assert((await page.evaluate(() => document.body.dataset.mode)) === 'submit', 'the page did not switch to full checking');
    assert((await page.locator(`${form('mdt_conclusion')} .submit-result`).getAttribute('data-state')) === 'blocked', 'not blocked');
    const found = await findingsOf('mdt_conclusion');
    for (const p of ['/route', '/drug/inn', '/courses_per_year']) assert(found.includes(`MDT-01@${p}`), `no MDT-01 at ${p}: ${found.join(' ')}`);
    await flagged('mdt_conclusion', '/route');
    assert(found.includes('MDT-03@/single_dose/amount'), 'the wrong value is no longer reported');
    // Back to the fixture: it passes and would be sent.
    await page.click(`${form('mdt_conclusion')} .reset`);
    await page.click(`${form('mdt_conclusion')} .submit`);
    await valid('mdt_conclusion', true);
    assert((await page.locator(`${form('mdt_conclusion')} .submit-result`).getAttribute('data-state')) === 'ok', 'a valid form is not sent');
    await setMode('draft');
  });

  await test('lists are repeatable groups: a need line is added and removed; a bundle member is a nested form', async () => {
    await tab('personalized_need');
    const lines = () => page.locator(`${form('personalized_need')} fieldset.list[data-path="/lines"] > .item`);
    const n = await lines().count();
    assert(n >= 1, 'no need lines');
    await page.click(`${form('personalized_need')} fieldset.list[data-path="/lines"] > .add-row .add`);
    await waitFor(([s, n]) => document.querySelectorAll(s).length === n + 1, [`${form('personalized_need')} fieldset.list[data-path="/lines"] > .item`, n]);
    assert((await docOf('personalized_need')).lines.length === n + 1, 'the new line is not in the document');
    await input('personalized_need', `/lines/${n}/doses_per_day`).fill('x');
    await flagged('personalized_need', `/lines/${n}/doses_per_day`);
    await lines().nth(n).locator('.item-head .remove').click();
    await waitFor(([s, n]) => document.querySelectorAll(s).length === n, [`${form('personalized_need')} fieldset.list[data-path="/lines"] > .item`, n]);
    await valid('personalized_need', true);
    // A bundle member's own field: its finding lands inside the member's nested form.
    await tab('bundle');
    const member = (await docOf('bundle')).documents.findIndex((d) => d.document_type === 'mdt_conclusion');
    assert(member >= 0, 'no MDT conclusion in the bundle fixture');
    assert((await page.locator(`${form('bundle')} [data-path="/documents/${member}/document_type"]`).inputValue()) === 'mdt_conclusion', 'member type not shown');
    // Eight members: each member's form is folded until opened.
    const body = page.locator(`${form('bundle')} .member[data-path="/documents/${member}"] > details.member-body`);
    assert(!(await body.evaluate((d) => d.open)), 'a member of a long bundle starts unfolded');
    await body.locator('> summary').click();
    await input('bundle', `/documents/${member}/single_dose/amount`).fill('0');
    await flagged('bundle', `/documents/${member}/single_dose/amount`);
    // Folded again, it opens by itself while a finding is in it.
    await body.locator('> summary').click();
    await input('bundle', '/id').fill('BUNDLE-1');
    await waitFor(([s]) => document.querySelector(s)?.open === true, [`${form('bundle')} .member[data-path="/documents/${member}"] > details.member-body`]);
    await input('bundle', `/documents/${member}/single_dose/amount`).fill('1600');
    await valid('bundle', true);
  });

  const courseDays = (days) => input('prescription', '/course_days').fill(days);
  await screenshotTest('plain', LANGS,
    async () => { await courseDays('0'); await flagged('prescription', '/course_days'); },
    async () => { await courseDays('90'); await valid('prescription', true); await setLang('ru'); });

  await test('a 45-day dispensing breaks DSP-01; an edited pack (two-month cap) loaded by URL accepts it', async () => {
    await setMode('submit'); // the new rule below requires a field: not reported in a draft
    await tab('dispensing');
    await input('dispensing', '/supply_days').fill('45');
    await flagged('dispensing', '/supply_days');
    assert((await notes('dispensing', '/supply_days').first().getAttribute('data-rule')) === 'DSP-01', 'not DSP-01');
    assert(compilerRequests().length === 0, `the compiler module was fetched before any pack was loaded: ${compilerRequests().join(', ')}`);
    await page.fill('#pack-url', 'packs/edited/index.json');
    await page.click('#pack-load');
    await waitFor(() => document.getElementById('pack-status').dataset.source === '/packs/edited/index.json');
    await valid('dispensing', true);
    await cleared('dispensing', '/supply_days');
    const fetched = compilerRequests().map((u) => new URL(u).pathname).sort();
    assert(JSON.stringify(fetched) === JSON.stringify(['/pkg/compiler/qagida_compiler.js', '/pkg/compiler/qagida_compiler_bg.wasm']), `compiler requests: ${fetched.join(', ')}`);
  });

  await test("the edited pack's new rule on a field the form lacks goes to the list of other findings", async () => {
    const item = page.locator(`${form('dispensing')} .other-list [data-rule="DSP-90"]`);
    await item.waitFor({ timeout: 5000 });
    assert((await item.getAttribute('class')).includes('sev-warning'), 'not a warning');
    assert((await item.locator('.ptr').textContent()) === '/supervised_by/licence_no', 'wrong path');
    assert((await page.locator(`${form('dispensing')} .field [data-rule="DSP-90"]`).count()) === 0, 'attached to a field');
  });

  await test('going back to the default pack restores the one-month cap; the pack also loads from a folder', async () => {
    await page.click('#pack-reset');
    await waitFor(() => document.getElementById('pack-status').dataset.source === 'default');
    await flagged('dispensing', '/supply_days');
    await page.setInputFiles('#pack-dir', packs.edited);
    await waitFor(() => document.getElementById('pack-status').dataset.source === 'edited/');
    await valid('dispensing', true);
    await page.click('#pack-reset');
    await valid('dispensing', false);
  });

  await test('a broken pack is refused with file:line:col and the rules in use stay', async () => {
    await page.fill('#pack-url', 'packs/broken/index.json');
    await page.click('#pack-load');
    await waitFor(() => document.getElementById('pack-errors').dataset.state === 'refused');
    const lines = await page.locator('#pack-errors code').allTextContents();
    assert(lines.some((l) => /^rules\/mdt\.toml:\d+:\d+: /.test(l)), `diagnostics: ${JSON.stringify(lines)}`);
    assert((await page.locator('#pack-status').getAttribute('data-source')) === 'default', 'the broken pack replaced the rules');
    await valid('dispensing', false);
    assert(compilerRequests().length === 2, `the compiler module was fetched more than once: ${compilerRequests().join(', ')}`);
  });
}, () => rmSync(tmp, { recursive: true, force: true }));
