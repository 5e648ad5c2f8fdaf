// What the browser tests share (tests-wasm/e2e.mjs, tests-wasm/e2e-react.mjs,
// tests-wasm/package.mjs): headless Chromium (Debian's /usr/bin/chromium driven by
// playwright-core; no browser download), a tiny test harness, a page that records its errors,
// console errors and CSP violations, and the run of a demo page's tests around it.
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
export const KAZAKH_LETTERS = /[әғқңөұүһі]/i;
export const CYRILLIC = /[а-яё]/i;
/** Where the screenshots go: one per page and language, to be looked at. */
export const SHOTS = process.env.QAGIDA_SHOTS ?? '/tmp/qagida-shots';

/** Fails unless the package (scripts/build-wasm.mjs) and the demo's build (scripts/build-demo.mjs) are there. */
export function needBuilt(files) {
  const missing = files.filter((f) => !existsSync(join(repo, f)));
  if (missing.length) {
    console.error(`missing ${missing.join(', ')}: run \`node scripts/build-wasm.mjs && node scripts/build-demo.mjs\` first`);
    process.exit(1);
  }
  mkdirSync(SHOTS, { recursive: true });
}

let passed = 0;
let failed = 0;
export async function test(name, fn) {
  const t0 = Date.now();
  try {
    await fn();
    passed++;
    console.log(`ok    ${name} (${Date.now() - t0} ms)`);
  } catch (e) {
    failed++;
    console.log(`FAIL  ${name}\n        ${String(e.stack ?? e).split('\n').slice(0, 6).join('\n        ')}`);
  }
}
export const summary = () => {
  console.log(`${passed} passed, ${failed} failed`);
  return failed;
};
export const assert = (cond, msg) => {
  if (!cond) throw new Error(msg);
};

/** Headless Chromium; the page's language, not the browser's (en-US), decides how dates look. */
export async function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--lang=en-US'],
  });
}

/** A page that records into `problems` every page error, console error and CSP violation, and into `requests` every URL. */
export async function watchedPage(browser, opts = {}) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1500 }, locale: 'en-US', ...opts });
  const problems = [];
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' || /Content Security Policy|Refused to/.test(m.text())) problems.push(`console ${m.type()}: ${m.text()}`);
  });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`));
  });
  return { page, problems, requests };
}

/** Serves `server` on a free port of 127.0.0.1; its base URL. */
export async function listen(server) {
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${server.address().port}/`;
}

/** What the tests of a demo page (www/, www/react/) do on it, whichever the page. */
export function pageHelpers(page) {
  const waitFor = (fn, arg, timeout = 5000) => page.waitForFunction(fn, arg, { timeout });
  const setLang = async (l) => {
    await page.click(`#langs [data-lang="${l}"]`);
    await waitFor((l) => document.documentElement.lang === l, l);
  };
  return {
    waitFor,
    /** Waits until the page has started (body[data-ready]); fails with its fatal error if not. */
    started: async () => {
      await waitFor(() => document.body.dataset.ready, null, 20000);
      const ready = await page.evaluate(() => [document.body.dataset.ready, document.querySelector('.fatal')?.textContent]);
      assert(ready[0] === 'true', `the page did not start: ${ready[1]}`);
    },
    setLang,
    tab: (type) => page.click(`[data-tab="${type}"]`),
    /**
     * The test that takes a full-page screenshot of the prescription's tab in each language,
     * SHOTS/<prefix>-<lang>.png, with something flagged to be seen: `flag()` before each, `unflag()` after all.
     */
    screenshotTest: (prefix, langs, flag, unflag) =>
      test(`screenshots of the page in ${langs.slice(0, -1).join(', ')} and ${langs.at(-1)}`, async () => {
        await page.click('[data-tab="prescription"]');
        for (const l of langs) {
          await setLang(l);
          await flag();
          const file = join(SHOTS, `${prefix}-${l}.png`);
          await page.screenshot({ path: file, fullPage: true });
          console.log(`        screenshot: ${file}`);
        }
        await unflag();
      }),
  };
}

/**
 * Runs the tests of a demo page: serves `server`, opens a watched page in Chromium, calls
 * `tests` with it (its page, problems, requests, the base URL and pageHelpers), then checks that
 * the page had no errors; prints the summary, closes all, runs `cleanup` and exits 1 on any failure.
 */
export async function runPageTests(server, tests, cleanup = () => {}) {
  const base = await listen(server);
  const browser = await launch();
  let failures;
  try {
    const watched = await watchedPage(browser);
    await tests({ ...watched, ...pageHelpers(watched.page), base });
    await test('no page errors, console errors or CSP violations', async () => {
      assert(watched.problems.length === 0, watched.problems.join('\n'));
    });
  } finally {
    failures = summary();
    await browser.close();
    server.close();
    cleanup();
  }
  process.exit(failures ? 1 : 0);
}
