#!/usr/bin/env node
// End-to-end test of the React page (www/react/: React + react-hook-form, the package's
// standardSchema through standardSchemaResolver) in headless Chromium (tests-wasm/browser.mjs).
// Needs `node scripts/build-wasm.mjs && node scripts/build-demo.mjs` first (pkg/web,
// www/dist/react/).
//
//   node tests-wasm/e2e-react.mjs
//
// Checks, in kk, ru and en: labels and options from the pack's model; as a draft, an empty form
// shows no error and a wrong value is shown under its field; Submit reports the missing required
// fields under them and blocks, and a valid form passes with its dates as YYYY-MM-DD. Screenshots
// go to /tmp/qagida-shots/react-{kk,ru,en}.png (QAGIDA_SHOTS). Exits 1 on any failure.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CSP, createServer } from '../scripts/serve.mjs';
import { CYRILLIC, KAZAKH_LETTERS, assert, needBuilt, repo, runPageTests, test } from './browser.mjs';

needBuilt(['pkg/web/qagida_wasm_bg.wasm', 'www/dist/documents.schema.json', 'www/dist/react/main.js']);
const schema = JSON.parse(readFileSync(join(repo, 'www', 'dist', 'documents.schema.json'), 'utf8'));
const LANGS = ['kk', 'ru', 'en'];

await runPageTests(createServer(), async ({ page, requests, base, waitFor, started, setLang, tab, screenshotTest }) => {
  const form = (type) => `#rhf-${type}`;
  const input = (type, name) => page.locator(`${form(type)} [data-path="/${name.split('.').join('/')}"]`);
  const field = (type, name) => page.locator(`${form(type)} .field[data-field-path="/${name.split('.').join('/')}"]`);
  const errorUnder = (type, name) => field(type, name).locator('.error-message');
  const hasError = (type, name) =>
    waitFor(([s]) => !!document.querySelector(s), [`${form(type)} .field[data-field-path="/${name.split('.').join('/')}"] .error-message`]);
  const noError = (type, name) =>
    waitFor(([s]) => !document.querySelector(s), [`${form(type)} .field[data-field-path="/${name.split('.').join('/')}"] .error-message`]);

  await test('the page loads under the strict CSP and both forms start valid', async () => {
    const response = await page.goto(`${base}react/?lang=ru`);
    assert(response.headers()['content-security-policy'] === CSP, 'no CSP');
    await started();
    for (const type of ['prescription', 'mdt_conclusion']) {
      await waitFor(([s]) => document.querySelector(s)?.dataset.valid === 'true', [form(type)]);
      assert((await page.locator(`${form(type)} .error-message`).count()) === 0, `${type}: errors on the fixture`);
    }
    assert(requests.some((u) => /\/dist\/react\/qagida_wasm_bg-[^/]+\.wasm$/.test(u)), 'the .wasm was not loaded from the bundle directory');
    assert(requests.some((u) => /\/dist\/react\/default-[^/]+\.qpack$/.test(u)), 'the pack was not loaded from the bundle directory');
  });

  await test('in kk, ru and en: labels and enumeration options come from the model, never the raw code', async () => {
    for (const l of LANGS) {
      await setLang(l);
      const label = await field('prescription', 'patient.iin').locator('label').textContent();
      assert(label === schema.$defs.person.properties.iin['x-qagida-labels'][l], `${l}: IIN label "${label}"`);
      const opts = await input('prescription', 'prescriber.role').locator('option').evaluateAll((os) => os.filter((o) => o.value).map((o) => [o.value, o.textContent]));
      const labels = schema.$defs.prescriber.properties.role['x-qagida-enum-labels'];
      assert(opts.length > 0 && opts.every(([v, t]) => t === labels[v][l] && t !== v), `${l}: role options ${JSON.stringify(opts)}`);
      const title = await page.locator(`${form('prescription')} .form-title`).textContent();
      if (l === 'kk') assert(KAZAKH_LETTERS.test(await page.locator(`${form('prescription')} legend`).allTextContents().then((a) => a.join(' '))), 'no Kazakh legends');
      assert(title.length > 0, 'no title');
    }
    await setLang('ru');
  });

  await test('draft: an emptied form shows no error; a wrong value is shown under its field', async () => {
    await tab('mdt_conclusion');
    await page.click(`${form('mdt_conclusion')} .clear`);
    await waitFor(([s]) => document.querySelector(s)?.dataset.mode === 'draft' && document.querySelector(s)?.dataset.valid === 'true', [form('mdt_conclusion')]);
    assert((await input('mdt_conclusion', 'route').inputValue()) === '', 'not emptied');
    assert((await page.locator(`${form('mdt_conclusion')} .error-message`).count()) === 0, 'errors on an empty draft');
    await input('mdt_conclusion', 'single_dose.amount').fill('0');
    await hasError('mdt_conclusion', 'single_dose.amount');
    const msg = await errorUnder('mdt_conclusion', 'single_dose.amount').textContent();
    assert(CYRILLIC.test(msg), `message "${msg}"`);
    assert((await page.locator(`${form('mdt_conclusion')} .error-message`).count()) === 1, 'a draft shows more than the wrong value');
  });

  await test('submit: the missing required fields are shown under them and the form is not sent', async () => {
    await page.click(`${form('mdt_conclusion')} .submit`);
    await waitFor(([s]) => document.querySelector(s)?.dataset.state === 'blocked', [`${form('mdt_conclusion')} .submit-result`]);
    for (const name of ['route', 'drug.inn', 'courses_per_year', 'single_dose.amount']) await hasError('mdt_conclusion', name);
    assert((await page.locator(`${form('mdt_conclusion')} .doc-json`).count()) === 0, 'sent anyway');
    // Filling a field clears its error.
    await input('mdt_conclusion', 'courses_per_year').fill('12');
    await noError('mdt_conclusion', 'courses_per_year');
  });

  await test('a valid form passes: its dates typed as DD.MM.YYYY reach the document as YYYY-MM-DD', async () => {
    await page.click(`${form('mdt_conclusion')} .reset`);
    await noError('mdt_conclusion', 'route');
    await input('mdt_conclusion', 'date').fill('3.4.2026');
    assert(/апреля 2026/.test(await field('mdt_conclusion', 'date').locator('.spelled').textContent()), 'date not spelled in Russian');
    await page.click(`${form('mdt_conclusion')} .submit`);
    await waitFor(([s]) => document.querySelector(s)?.dataset.state === 'ok', [`${form('mdt_conclusion')} .submit-result`]);
    const sent = JSON.parse(await page.locator(`${form('mdt_conclusion')} .doc-json`).textContent());
    assert(sent.date === '2026-04-03' && sent.document_type === 'mdt_conclusion', `sent ${JSON.stringify(sent).slice(0, 200)}`);
    assert(sent.single_dose.amount === 1600 && sent.doses_per_day === 1, `numbers not numbers: ${JSON.stringify(sent.single_dose)} ${sent.doses_per_day}`);
  });

  await test('the prescription: a date-time reaches the document as RFC 3339 +05:00; a wrong one blocks submit', async () => {
    await tab('prescription');
    const time = field('prescription', 'issued_at').locator('input.time');
    await time.fill('9:30');
    await page.click(`${form('prescription')} .submit`);
    await waitFor(([s]) => document.querySelector(s)?.dataset.state === 'ok', [`${form('prescription')} .submit-result`]);
    const sent = JSON.parse(await page.locator(`${form('prescription')} .doc-json`).textContent());
    assert(sent.issued_at === '2026-04-06T09:30:00+05:00', `issued_at ${sent.issued_at}`);
    await input('prescription', 'issued_at').fill('06.13.2026');
    await hasError('prescription', 'issued_at');
    await page.click(`${form('prescription')} .submit`);
    await waitFor(([s]) => document.querySelector(s)?.dataset.state === 'blocked', [`${form('prescription')} .submit-result`]);
    await input('prescription', 'issued_at').fill('06.04.2026');
    await noError('prescription', 'issued_at');
  });

  const courseDays = (days) => input('prescription', 'course_days').fill(days);
  await screenshotTest('react', LANGS,
    async () => { await courseDays('0'); await hasError('prescription', 'course_days'); },
    async () => { await courseDays('90'); await noError('prescription', 'course_days'); });
});
