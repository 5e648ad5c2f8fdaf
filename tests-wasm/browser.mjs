// What the browser tests share (tests-wasm/e2e.mjs, tests-wasm/e2e-react.mjs): headless
// Chromium (Debian's /usr/bin/chromium driven by playwright-core; no browser download), a tiny
// test harness, and a page that records its errors, console errors and CSP violations.
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
    console.log(`FAIL  ${name}\n        ${String(e.stack ?? e).split('\n').slice(0, 4).join('\n        ')}`);
  }
}
export const summary = () => {
  console.log(`${passed} passed, ${failed} failed`);
  return failed;
};
export const assert = (cond, msg) => {
  if (!cond) throw new Error(msg);
};

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
