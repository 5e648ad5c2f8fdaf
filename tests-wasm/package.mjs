#!/usr/bin/env node
// The npm package as a vendor installs it: `npm pack` of pkg/ into a temp dir, a fresh project
// (`npm init -y`, `npm install <tarball> --offline`), then
//   1. every subpath of the package's "exports" resolves to a file, for import and for require;
//   2. Node ESM: `import { Validator, standardSchema } from '@qagida/validator'` validates a
//      fixture with the default pack read from `@qagida/validator/packs/default.qpack`;
//   3. Node CommonJS: the same with require();
//   4. TypeScript (node16 resolution, strict), an ES module and a CommonJS one, through the
//      installed package's "exports": the document types, standardSchema, Validator;
//   5. a bundler: esbuild (the repo's) bundles an entry importing '@qagida/validator/web' and
//      standardSchema, the .wasm and the .qpack through its `file` loader; the page, served from
//      a temp dir, runs in headless Chromium (tests-wasm/browser.mjs) and validates;
//   6. no bundler: a page imports the installed web/ directory's index.js, served as it is.
//
//   node tests-wasm/package.mjs      (after `node scripts/build-wasm.mjs`)
//
// Prints `N passed, N failed`; exits 1 on any failure.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KAZAKH_LETTERS, assert, launch, listen, repo, summary, test } from './browser.mjs';

const pkgDir = join(repo, 'pkg');
const bin = (name) => join(repo, 'node_modules', '.bin', name);
if (!existsSync(join(pkgDir, 'package.json'))) {
  console.error('pkg/ is missing: run `node scripts/build-wasm.mjs` first');
  process.exit(1);
}
const manifest = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));

function sh(cmd, args, cwd, input) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', input, maxBuffer: 1 << 26 });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

const tmp = mkdtempSync(join(tmpdir(), 'qagida-package-'));
const project = join(tmp, 'project');
let server;
let browser;
let base;
let failures;
try {
  // ------------------------------------------------------------ the tarball, installed
  await test('npm pack ./pkg, npm install of the tarball in a fresh project', () => {
    const [{ filename }] = JSON.parse(sh('npm', ['pack', pkgDir, '--pack-destination', tmp, '--json'], repo));
    mkdirSync(project);
    sh('npm', ['init', '-y'], project);
    sh('npm', ['install', join(tmp, filename), '--offline', '--no-audit', '--no-fund'], project);
    assert(existsSync(join(project, 'node_modules', '@qagida', 'validator', 'package.json')), 'not installed');
  });

  // The documents of the checks below: the pack's own valid prescription, and the same with
  // course_days a string (a TYPE error at /course_days).
  const check = `
    const doc = validator.fixtures().prescription;
    const schema = standardSchema(validator, { lang: 'en' });
    const ok = schema['~standard'].validate(doc);
    const bad = schema['~standard'].validate({ ...doc, course_days: 'thirty' });
    console.log(JSON.stringify({ pack: validator.packId, valid: validator.validate(doc).valid, ok: 'value' in ok && !ok.issues,
      bad: bad.issues?.map((i) => ({ path: i.path, ruleId: i.ruleId, severity: i.severity })), same: sub === standardSchema }));`;
  const expectOutput = (out) => {
    const r = JSON.parse(out);
    assert(r.pack === 'kz-orphan' && r.valid === true && r.ok === true, `the valid fixture: ${out}`);
    assert(r.bad?.some((i) => i.ruleId === 'TYPE' && i.severity === 'error' && JSON.stringify(i.path) === '["course_days"]'), `the invalid one: ${out}`);
    assert(r.same === true, 'the subpath standard-schema is not the root export');
  };

  await test('every subpath of "exports" resolves to a file (import and require)', () => {
    const subpaths = Object.keys(manifest.exports).map((k) => `@qagida/validator${k.slice(1)}`);
    writeFileSync(join(project, 'resolve.mjs'), `import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const out = {};
for (const s of ${JSON.stringify(subpaths)}) {
  const r = {};
  try { r.import = import.meta.resolve(s); } catch (e) { r.import = 'ERROR ' + e.message; }
  try { r.require = require.resolve(s); } catch (e) { r.require = 'ERROR ' + e.message; }
  out[s] = r;
}
console.log(JSON.stringify(out));`);
    const out = JSON.parse(sh('node', ['resolve.mjs'], project));
    const bad = [];
    for (const [s, r] of Object.entries(out)) {
      const imp = r.import.startsWith('file:') ? fileURLToPath(r.import) : r.import;
      if (!existsSync(imp)) bad.push(`${s} (import): ${r.import}`);
      if (!existsSync(r.require)) bad.push(`${s} (require): ${r.require}`);
    }
    assert(bad.length === 0, bad.join('\n'));
    assert(out['@qagida/validator'].import.endsWith('/nodejs/index.mjs') && out['@qagida/validator'].require.endsWith('/nodejs/index.cjs'), JSON.stringify(out['@qagida/validator']));
  });

  await test('Node ESM: the root import validates a fixture with the default pack', () => {
    writeFileSync(join(project, 'esm.mjs'), `import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import root, { Validator, standardSchema } from '@qagida/validator';
import { standardSchema as sub } from '@qagida/validator/standard-schema';
const validator = Validator.fromCompiled(readFileSync(fileURLToPath(import.meta.resolve('@qagida/validator/packs/default.qpack'))));
if (root.Validator !== Validator) throw new Error('the default export is not the CommonJS module');
${check}`);
    expectOutput(sh('node', ['esm.mjs'], project));
  });

  await test('Node CommonJS: require() of the root validates a fixture with the default pack', () => {
    writeFileSync(join(project, 'cjs.cjs'), `const { readFileSync } = require('node:fs');
const { Validator, standardSchema } = require('@qagida/validator');
const { standardSchema: sub } = require('@qagida/validator/standard-schema');
if (require('@qagida/validator/nodejs').Validator !== Validator) throw new Error('/nodejs is another instance');
const validator = Validator.fromCompiled(readFileSync(require.resolve('@qagida/validator/packs/default.qpack')));
${check}`);
    expectOutput(sh('node', ['cjs.cjs'], project));
  });

  await test('TypeScript (node16, strict): the types of the root, /web and /standard-schema, from ESM and CommonJS', () => {
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { strict: true, noEmit: true, target: 'ES2022', module: 'node16', moduleResolution: 'node16', lib: ['ES2022', 'ESNext.Disposable', 'DOM'], types: [], skipLibCheck: false },
      include: ['*.mts', '*.cts'],
    }));
    const body = `const rx: Prescription = { document_type: 'prescription', course_days: 30 };
const doc: QagidaDocument = rx;
const schema = standardSchema(v);
const r = schema['~standard'].validate(doc);
export const issues: readonly QagidaIssue[] | undefined = r.issues;
// @ts-expect-error an integer field given a string
export const wrong: Prescription = { document_type: 'prescription', course_days: '30' };`;
    writeFileSync(join(project, 'types.mts'), `import { Validator, standardSchema, type Prescription, type QagidaDocument, type QagidaIssue } from '@qagida/validator';
import type * as web from '@qagida/validator/web';
import { standardSchema as sub } from '@qagida/validator/standard-schema';
declare const v: Validator;
export const w: typeof web.standardSchema = sub;
${body}`);
    writeFileSync(join(project, 'types.cts'), `import { Validator, standardSchema, type Prescription, type QagidaDocument, type QagidaIssue } from '@qagida/validator';
declare const v: Validator;
${body}`);
    sh(bin('tsc'), ['-p', project], project);
  });

  // ------------------------------------------------------------ a bundler and a browser
  // One page script, two ways in: `load` gives it init's argument and the pack's URL.
  const pageScript = (imports, load) => `${imports}
try {
  ${load}
  await init({ module_or_path: wasmUrl });
  const validator = Validator.fromCompiled(new Uint8Array(await (await fetch(packUrl)).arrayBuffer()));
  const doc = validator.fixtures().prescription;
  const results = [];
  const schema = standardSchema(validator, { lang: 'kk', onResult: (r) => results.push(r.valid) });
  const ok = schema['~standard'].validate(doc);
  const bad = schema['~standard'].validate({ ...doc, course_days: 'thirty' });
  window.__result = { ok: 'value' in ok && !ok.issues, bad: bad.issues, results };
} catch (e) {
  window.__result = { error: String(e.stack ?? e) };
}
`;
  const site = join(tmp, 'site');
  const webDir = join(project, 'node_modules', '@qagida', 'validator', 'web');
  const types = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' };
  // The site at /, the installed package's web/ directory as it is at /qagida/.
  server = http.createServer((req, res) => {
    const p = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^\/+/, '') || 'index.html';
    const file = p.startsWith('qagida/') ? join(webDir, p.slice('qagida/'.length)) : join(site, p);
    try {
      const body = readFileSync(file);
      res.writeHead(200, { 'content-type': types[extname(p)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404);
      res.end();
    }
  });
  /** Opens `page` of the site in Chromium and checks what its script found. */
  async function checkPage(pageName) {
    base ??= await listen(server);
    browser ??= await launch();
    const page = await browser.newPage();
    const problems = [];
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
    page.on('response', (r) => r.status() >= 400 && problems.push(`HTTP ${r.status()}: ${r.url()}`));
    await page.goto(`${base}${pageName}`);
    await page.waitForFunction(() => window.__result, null, { timeout: 15000 });
    const r = await page.evaluate(() => window.__result);
    await page.close();
    assert(!r.error, r.error);
    assert(r.ok === true, `the valid fixture: ${JSON.stringify(r)}`);
    const type = r.bad?.find((i) => i.ruleId === 'TYPE');
    assert(type && JSON.stringify(type.path) === '["course_days"]' && KAZAKH_LETTERS.test(type.message), `the invalid one (kk): ${JSON.stringify(r.bad)}`);
    assert(JSON.stringify(r.results) === '[true,false]', `onResult: ${JSON.stringify(r.results)}`);
    assert(problems.length === 0, problems.join('\n'));
  }
  const html = (script) => `<!doctype html><meta charset="utf-8"><title>qagida</title><link rel="icon" href="data:,">${script}\n`;

  await test('esbuild bundles @qagida/validator/web (.wasm and .qpack by the file loader); the page validates in Chromium', async () => {
    writeFileSync(join(project, 'entry.js'), pageScript(`import init, { Validator, standardSchema } from '@qagida/validator/web';
import wasmFile from '@qagida/validator/web/qagida_wasm_bg.wasm';
import packFile from '@qagida/validator/web/packs/default.qpack';`, `const wasmUrl = new URL(wasmFile, import.meta.url);
  const packUrl = new URL(packFile, import.meta.url);`));
    sh(bin('esbuild'), ['entry.js', '--bundle', '--format=esm', '--platform=browser', `--outdir=${site}`, '--loader:.wasm=file', '--loader:.qpack=file', '--log-level=warning'], project);
    writeFileSync(join(site, 'index.html'), html('<script type="module" src="./entry.js"></script>'));
    await checkPage('');
  });

  await test('no bundler: the installed web/ directory served as it is, its index.js imported by the page', async () => {
    writeFileSync(join(site, 'plain.js'), pageScript("import init, { Validator, standardSchema } from '/qagida/index.js';", `const wasmUrl = undefined; // init() fetches qagida_wasm_bg.wasm beside the module
  const packUrl = '/qagida/packs/default.qpack';`));
    writeFileSync(join(site, 'plain.html'), html('<script type="module" src="./plain.js"></script>'));
    await checkPage('plain.html');
  });
} finally {
  failures = summary();
  await browser?.close();
  server?.close();
  rmSync(tmp, { recursive: true, force: true });
}
process.exit(failures ? 1 : 0);
