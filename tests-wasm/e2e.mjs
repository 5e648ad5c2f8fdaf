#!/usr/bin/env node
// End-to-end test of the demo form in headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core; no browser download). Needs `node scripts/build-wasm.mjs` first (pkg/web).
//
//   node tests-wasm/e2e.mjs [--screenshot=/tmp/qagida-demo.png]
//
// Serves www/ + pkg/web/ with scripts/serve.mjs (strict CSP), plus two copies of the default
// pack made in a temp dir: `edited` (DSP-01's one-month cap raised to two months) and `broken`
// (an unknown param). The page must not fetch the compiler module (pkg/web/compiler/) until it
// loads a pack. Prints `N passed, N failed`; exits 1 on any failure.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CSP, createServer } from '../scripts/serve.mjs';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const screenshot = process.argv.find((a) => a.startsWith('--screenshot='))?.slice(13) ?? '/tmp/qagida-demo.png';
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const KAZAKH_LETTERS = /[әғқңөұүһі]/i;

if (!['qagida_wasm_bg.wasm', 'compiler/qagida_compiler_bg.wasm', 'packs/default.qpack'].every((f) => existsSync(join(repo, 'pkg', 'web', f)))) {
  console.error('pkg/web is missing: run `node scripts/build-wasm.mjs` first');
  process.exit(1);
}

// ---------------------------------------------------------------- packs for the pack panel
const tmp = mkdtempSync(join(tmpdir(), 'qagida-e2e-'));
const edit = (name, file, from, to, append = '') => {
  const dir = join(tmp, name);
  cpSync(join(repo, 'rules', 'kz-orphan'), dir, { recursive: true });
  const p = join(dir, file);
  const text = readFileSync(p, 'utf8');
  if (!from.test(text)) throw new Error(`${file}: ${from} not found — has the pack changed?`);
  writeFileSync(p, text.replace(from, to) + append);
  return dir;
};
// The regulator's edit: a two-month cap, and a new warning on a field the demo form lacks
// (so its finding must go to the form's summary list).
const NEW_RULE = `
[[rule]]
id = "DSP-90"
applies_to = "dispensing"
severity = "warning"
title = { kk = "Бақылаған қызметкердің туған күні көрсетіледі", ru = "Указывается дата рождения контролирующего работника", en = "The supervising worker's date of birth is stated" }
clause = { kk = "Сынақ өзгерісі", ru = "Тестовое изменение", en = "Test edit" }
message = { kk = "Көрсетілмеген: {path}", ru = "Не указано: {path}", en = "Not stated: {path}" }

[[rule.check]]
require = ["/supervised_by/birth_date"]
`;
const packs = {
  'kz-orphan': join(repo, 'rules', 'kz-orphan'),
  edited: edit('edited', 'rules/dispensing.toml', /max_supply_months = 1\b/, 'max_supply_months = 2', NEW_RULE),
  broken: edit('broken', 'rules/mdt.toml', /doc\.single_dose\.amount > params\.single_dose_min_exclusive/, 'doc.single_dose.amount > params.single_dose_minimum'),
};

// ---------------------------------------------------------------- harness
let passed = 0;
let failed = 0;
async function test(name, fn) {
  const t0 = Date.now();
  try {
    await fn();
    passed++;
    console.log(`ok    ${name} (${Date.now() - t0} ms)`);
  } catch (e) {
    failed++;
    console.log(`FAIL  ${name}\n        ${String(e.stack ?? e).split('\n').slice(0, 4).join('\n        ')}`);
  }
}
const assert = (cond, msg) => {
  if (!cond) throw new Error(msg);
};

const server = createServer({ packs });
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}/`;
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
const problems = []; // page errors, console errors, CSP violations
const requests = []; // every URL the page asked for
const compilerRequests = () => requests.filter((u) => /\/pkg\/compiler\//.test(u));
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1500 } });
  page.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' || /Content Security Policy|Refused to/.test(m.text())) problems.push(`console ${m.type()}: ${m.text()}`);
  });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`));
  });

  const form = (type) => `#form-${type}`;
  const input = (type, path) => page.locator(`${form(type)} [data-path="${path}"]`);
  const field = (type, path) => page.locator(`${form(type)} .field[data-field-path="${path}"]`);
  const notes = (type, path) => field(type, path).locator('.note');
  const verdict = (type) => page.locator(`${form(type)} .verdict`);
  const waitFor = (fn, arg, timeout = 5000) => page.waitForFunction(fn, arg, { timeout });
  const flagged = (type, path) =>
    waitFor(([s]) => document.querySelector(s)?.getAttribute('aria-invalid') === 'true', [`${form(type)} [data-path="${path}"]`]);
  const cleared = (type, path) =>
    waitFor(([s]) => { const e = document.querySelector(s); return e && !e.hasAttribute('aria-invalid'); }, [`${form(type)} [data-path="${path}"]`]);
  const valid = (type, v) => waitFor(([s, v]) => document.querySelector(s)?.dataset.valid === v, [form(type), String(v)]);

  let response;
  await test('the page loads under a strict CSP and every form starts valid', async () => {
    response = await page.goto(base);
    const h = response.headers();
    assert(h['content-security-policy'] === CSP, `CSP header: ${h['content-security-policy']}`);
    assert(!/unsafe-eval'/.test(CSP.replace("'wasm-unsafe-eval'", '')) && !/unsafe-inline/.test(CSP), 'CSP allows eval or inline code');
    assert(!h['cross-origin-opener-policy'] && !h['cross-origin-embedder-policy'], 'COOP/COEP are not needed');
    await waitFor(() => document.body.dataset.ready, null, 20000);
    assert((await page.evaluate(() => document.body.dataset.ready)) === 'true', 'the module did not start');
    for (const type of ['mdt_conclusion', 'prescription', 'dispensing']) {
      assert((await page.locator(form(type)).getAttribute('data-valid')) === 'true',
        `${type} starts with findings: ${await page.locator(form(type)).getAttribute('data-findings')}`);
    }
    const status = await page.locator('#pack-status').getAttribute('data-source');
    assert(status === 'default', `pack source ${status}`);
    assert(requests.some((u) => u.endsWith('/pkg/qagida_wasm_bg.wasm')), 'the validator module was not fetched');
    assert(requests.some((u) => u.endsWith('/pkg/packs/default.qpack')), 'the default pack file was not fetched');
    assert(compilerRequests().length === 0, `the compiler module was fetched before any pack was loaded: ${compilerRequests().join(', ')}`);
  });

  let ruMessage;
  await test('a zero single dose in the MDT form is flagged MDT-03 with message and clause', async () => {
    await page.click('[data-tab="mdt_conclusion"]');
    await input('mdt_conclusion', '/single_dose/amount').fill('0');
    await flagged('mdt_conclusion', '/single_dose/amount');
    const note = notes('mdt_conclusion', '/single_dose/amount').first();
    assert((await note.getAttribute('data-rule')) === 'MDT-03', `rule ${await note.getAttribute('data-rule')}`);
    ruMessage = await note.locator('.msg').textContent();
    const clause = await note.locator('.clause').textContent();
    assert(ruMessage.length > 5 && clause.length > 3, `message "${ruMessage}", clause "${clause}"`);
    assert((await verdict('mdt_conclusion').getAttribute('data-valid')) === 'false', 'verdict is still valid');
    const timing = await page.locator(`${form('mdt_conclusion')} .timing`).textContent();
    assert(/\d+\.\d\d\s*(ms|мс)/.test(timing), `no validation time shown: "${timing}"`);
  });

  await test('fixing the dose clears the field', async () => {
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

  await test('switching to Kazakh gives a Kazakh message', async () => {
    await input('mdt_conclusion', '/single_dose/amount').fill('0');
    await flagged('mdt_conclusion', '/single_dose/amount');
    await page.click('#langs [data-lang="kk"]');
    await waitFor(() => document.documentElement.lang === 'kk');
    const note = notes('mdt_conclusion', '/single_dose/amount').first();
    const msg = await note.locator('.msg').textContent();
    const clause = await note.locator('.clause').textContent();
    assert(msg !== ruMessage, 'the message did not change language');
    assert(KAZAKH_LETTERS.test(msg + clause), `not Kazakh: "${msg}" / "${clause}"`);
    const legend = await page.locator(`${form('mdt_conclusion')} legend`).first().textContent();
    assert(KAZAKH_LETTERS.test(legend) || legend === 'Қорытынды', `form labels not in Kazakh: ${legend}`);
  });

  await test('a wrong type (text in an integer field) is a TYPE finding on that field', async () => {
    await input('mdt_conclusion', '/doses_per_day').fill('two');
    await flagged('mdt_conclusion', '/doses_per_day');
    assert((await notes('mdt_conclusion', '/doses_per_day').first().getAttribute('data-rule')) === 'TYPE', 'not TYPE');
    await input('mdt_conclusion', '/doses_per_day').fill('1');
    await cleared('mdt_conclusion', '/doses_per_day');
  });

  await test('a 45-day dispensing breaks DSP-01; an edited pack (two-month cap) loaded by URL accepts it', async () => {
    await page.click('[data-tab="dispensing"]');
    await input('dispensing', '/supply_days').fill('45');
    await flagged('dispensing', '/supply_days');
    assert((await notes('dispensing', '/supply_days').first().getAttribute('data-rule')) === 'DSP-01', 'not DSP-01');
    await valid('dispensing', false);
    assert(compilerRequests().length === 0, `the compiler module was fetched before any pack was loaded: ${compilerRequests().join(', ')}`);
    await page.fill('#pack-url', 'packs/edited/index.json');
    await page.click('#pack-load');
    await waitFor(() => document.getElementById('pack-status').dataset.source === '/packs/edited/index.json');
    await valid('dispensing', true);
    await cleared('dispensing', '/supply_days');
    // The compiler module came with the first pack, lazily: its script and its .wasm, once.
    const fetched = compilerRequests().map((u) => new URL(u).pathname).sort();
    assert(JSON.stringify(fetched) === JSON.stringify(['/pkg/compiler/qagida_compiler.js', '/pkg/compiler/qagida_compiler_bg.wasm']), `compiler requests: ${fetched.join(', ')}`);
    assert((await page.evaluate(() => document.body.dataset.compiler)) === 'loaded', 'the compiler module is not marked loaded');
  });

  await test("the edited pack's new rule on a field the form lacks goes to the summary list", async () => {
    const item = page.locator(`${form('dispensing')} .other-list [data-rule="DSP-90"]`);
    await item.waitFor({ timeout: 5000 });
    assert((await item.getAttribute('class')).includes('sev-warning'), 'not a warning');
    assert((await item.locator('.ptr').textContent()) === '/supervised_by/birth_date', 'wrong path');
    assert((await page.locator(`${form('dispensing')} .field [data-rule="DSP-90"]`).count()) === 0, 'attached to a field');
    await page.screenshot({ path: screenshot.replace(/(\.png)?$/, '-edited-pack.png') });
  });

  await test('going back to the default pack restores the one-month cap', async () => {
    await page.click('#pack-reset');
    await waitFor(() => document.getElementById('pack-status').dataset.source === 'default');
    await valid('dispensing', false);
    await flagged('dispensing', '/supply_days');
  });

  await test('the edited pack also loads from a folder picked in the file input', async () => {
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
  });

  await test('screenshot of the flagged form', async () => {
    await page.click('[data-tab="mdt_conclusion"]');
    await flagged('mdt_conclusion', '/single_dose/amount');
    await page.screenshot({ path: screenshot, fullPage: false });
    assert(existsSync(screenshot), 'no screenshot');
    console.log(`        screenshot: ${screenshot}`);
  });

  await test('the compiler module was fetched only once for all the packs loaded', async () => {
    assert(compilerRequests().length === 2, `compiler requests: ${compilerRequests().join(', ')}`);
  });

  await test('no page errors, console errors or CSP violations', async () => {
    assert(problems.length === 0, problems.join('\n'));
  });
} finally {
  await browser.close();
  server.close();
  rmSync(tmp, { recursive: true, force: true });
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
