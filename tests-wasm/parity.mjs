#!/usr/bin/env node
// Parity: the WebAssembly modules (pkg/nodejs: the validator, and the compiler for packs loaded
// from their files) must give exactly what the native CLI gives.
//
//   node tests-wasm/parity.mjs
//
// 1. Every document in examples/ and rules/kz-orphan/fixtures/, plus a few bad inputs, for each
//    language (kk, ru, en) and each as-of (the document's own date, and a fixed date):
//    `qagida validate --lang L [--as-of D] FILE` vs `validator.validateJson(text, {lang, asOf})`,
//    compared as JSON text (same keys, same order, same values), and unusable input must fail
//    with the same message on both sides; for the default pack as the package ships it
//    (`Validator.fromCompiled(pkg/nodejs/packs/default.qpack)`, against the CLI's own default pack)
//    and for rules/kz-orphan compiled by the compiler module
//    (`Validator.fromCompiled(compilePack(files))`, against `qagida validate --rules rules/kz-orphan`).
//    validate(object) must agree with validateJson. The regional pack rules/kz-karaganda
//    (`compileLayers`) against `qagida validate --rules rules/kz-karaganda`.
// 2. The pack's own tests: `qagida test -v DIR` vs the tester module's `runPackTests(files)`
//    (rules/kz-orphan) and `runLayerTests(layers)` (the regional pack over it: the layers of the
//    default pack), case by case. The shipped pack file is the one of `qagida pack compile
//    rules/default.toml --validation-only`, byte for byte, in every target's directory.
// 3. The web and bundler targets give the nodejs target's result, and their compiler modules
//    the nodejs compiler's bytes.
//
// Needs `node scripts/build-wasm.mjs` (pkg/nodejs) and cargo. Prints `N passed, N failed`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { Validator } = require(join(repo, 'pkg', 'nodejs', 'qagida_wasm.js'));
// The compiler module, imported on first use as a page does (dynamic import()).
let compilerModule = null;
const compiler = async () => (compilerModule ??= (await import(join(repo, 'pkg', 'nodejs', 'compiler', 'qagida_compiler.js'))).default);
// The tester module (a pack's own tests), likewise.
let testerModule = null;
const tester = async () => (testerModule ??= (await import(join(repo, 'pkg', 'nodejs', 'tester', 'qagida_tester.js'))).default);
const LANGS = ['kk', 'ru', 'en'];
const AS_OF = [null, '2026-06-15'];
const PACK_DIR = join(repo, 'rules', 'kz-orphan');
// The default pack as the npm package ships it beside the module (pkg-config.json `pack_file`).
const packFileConfig = JSON.parse(readFileSync(join(repo, 'pkg-config.json'), 'utf8')).pack_file;
const shippedPack = (target) => readFileSync(join(repo, 'pkg', target, packFileConfig.path));

let passed = 0;
let failed = 0;
const failures = [];
const clip = (s, n = 700) => (s.length > n ? `${s.slice(0, n)}… (${s.length} chars)` : s);
function check(name, ok, detail = '') {
  if (ok) passed++;
  else {
    failed++;
    failures.push(`${name}${detail ? `\n    ${clip(detail)}` : ''}`);
  }
}

// ---------------------------------------------------------------- the native CLI, built once
console.log('building the native CLI (cargo build -p qagida-cli) …');
const build = spawnSync('cargo', ['build', '-q', '-p', 'qagida-cli', '--message-format=json'], { cwd: repo, encoding: 'utf8', maxBuffer: 1 << 28 });
if (build.status !== 0) {
  console.error(build.stderr);
  console.error('parity: the native CLI does not build');
  process.exit(1);
}
const exe = build.stdout
  .split('\n')
  .filter((l) => l.startsWith('{'))
  .map((l) => JSON.parse(l))
  .find((m) => m.reason === 'compiler-artifact' && m.executable && m.target?.name === 'qagida')?.executable;
if (!exe) {
  console.error('parity: cannot find the qagida executable in cargo output');
  process.exit(1);
}
const cli = (args) => spawnSync(exe, args, { cwd: repo, encoding: 'utf8', maxBuffer: 1 << 28 });
// Both sides must load their default pack; otherwise every comparison below would fail alike.
{
  const lint = cli(['lint']);
  let wasmError = null;
  try {
    Validator.fromCompiled(shippedPack('nodejs')).free();
  } catch (e) {
    wasmError = e;
  }
  if (lint.status !== 0 || wasmError) {
    console.log(`FAIL  the default pack does not load\n    native (qagida lint): exit ${lint.status} ${clip(lint.stderr.trim())}\n    wasm (pkg/nodejs/${packFileConfig.path}): ${wasmError ? clip(wasmError.message) : 'loads'}`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
}

// ---------------------------------------------------------------- inputs
function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (name.endsWith('.json')) out.push(p);
  }
  return out;
}
const tmp = mkdtempSync(join(tmpdir(), 'qagida-parity-'));
const synthetic = {
  'not-json.json': '{"document_type": "mdt_conclusion",',
  'deep.json': '['.repeat(200) + ']'.repeat(200),
  'unknown-type.json': '{"document_type": "invoice", "id": 7}',
  'no-type.json': '{"id": "MDT-1"}',
  'array.json': '[1, 2, 3]',
  'wrong-types.json': JSON.stringify({ document_type: 'prescription', issued_at: 'yesterday', single_dose: { amount: 'ten', unit: 5 }, doses_per_day: 1.5, electronic: 'yes' }),
  'decimals.json': '{"document_type": "mdt_conclusion", "date": "2026-04-02", "single_dose": {"amount": 0.000, "unit": "mg"}, "doses_per_day": 1e0}',
};
for (const [name, text] of Object.entries(synthetic)) writeFileSync(join(tmp, name), text);
const inputs = [...walk(join(repo, 'examples')), ...walk(join(PACK_DIR, 'fixtures')), ...Object.keys(synthetic).map((n) => join(tmp, n))];
if (walk(join(repo, 'examples')).length === 0) check('examples/ has documents', false, 'no *.json under examples/');

// ---------------------------------------------------------------- 1. validation results
const shipped = Validator.fromCompiled(shippedPack('nodejs'));
// rules/kz-orphan compiled by the compiler module from its files (null if it is refused: reported).
const fromFiles = await fromDir(PACK_DIR);
let compared = 0;
// Native runs: one CLI call per (lang, as-of) for all the documents it accepts (one compact
// JSON line per file, in order), and one call per file for the unusable ones (exit 2 + stderr).
const unusable = new Set(
  inputs.filter((f) => {
    try {
      shipped.validateJson(readFileSync(f, 'utf8'));
      return false;
    } catch {
      return true;
    }
  }),
);
// A result line of a multi-file run names its `file` first (DOCUMENTS.md: each result is tied to
// its input); the result itself is the rest, which a single validation gives.
const withoutFile = (line) => {
  const o = JSON.parse(line);
  delete o.file;
  return JSON.stringify(o);
};
// `rules`: the CLI's --rules arguments (none: the embedded default pack, the national pack and
// every regional layer; [PACK_DIR]: rules/kz-orphan alone, as compilePack(files) compiles it).
function nativeBatches(rules) {
  const byRun = new Map(); // `${lang} ${asOf}` -> Map(file -> {status, stdout, stderr})
  for (const lang of LANGS) {
    for (const asOf of AS_OF) {
      const base = ['validate', ...rules, '--lang', lang, ...(asOf ? ['--as-of', asOf] : [])];
      const runs = new Map();
      const batch = inputs.filter((f) => !unusable.has(f));
      const r = cli([...base, ...batch]);
      const lines = r.stdout.split('\n').filter(Boolean);
      if (lines.length === batch.length && lines.every((l) => 'valid' in JSON.parse(l))) {
        batch.forEach((f, i) => {
          const valid = JSON.parse(lines[i]).valid;
          runs.set(f, { status: valid ? 0 : 1, stdout: withoutFile(lines[i]), stderr: '' });
        });
      } else {
        for (const f of batch) runs.set(f, cli([...base, f])); // a file the CLI refused: find it one by one
      }
      for (const f of unusable) runs.set(f, cli([...base, f]));
      byRun.set(`${lang} ${asOf}`, runs);
    }
  }
  return byRun;
}
const nativeRuns = nativeBatches([]);
const nativeFromDirRuns = nativeBatches(['--rules', PACK_DIR]);
for (const file of inputs) {
  const text = readFileSync(file, 'utf8');
  const name = file.startsWith(tmp) ? `(synthetic) ${relative(tmp, file)}` : relative(repo, file);
  for (const lang of LANGS) {
    for (const asOf of AS_OF) {
      const label = `${name} --lang ${lang}${asOf ? ` --as-of ${asOf}` : ''}`;
      const native = nativeRuns.get(`${lang} ${asOf}`).get(file);
      const opts = { lang, ...(asOf ? { asOf } : {}) };
      let wasm;
      let wasmError;
      try {
        wasm = shipped.validateJson(text, opts);
      } catch (e) {
        wasmError = e;
      }
      compared++;
      if (native.status === 2) {
        // Unusable input: "error: FILE: message" natively, an InputError with the message in wasm.
        const msg = native.stderr.trim().replace(/^error: /, '').replace(`${file}: `, '');
        check(label, wasmError && wasmError.name === 'InputError' && wasmError.message === msg,
          `native: exit 2, ${JSON.stringify(msg)}; wasm: ${wasmError ? `${wasmError.name}: ${wasmError.message}` : wasm}`);
        continue;
      }
      if (wasmError) {
        check(label, false, `native exit ${native.status}; wasm threw ${wasmError.name}: ${wasmError.message}`);
        continue;
      }
      const n = JSON.stringify(JSON.parse(native.stdout));
      const w = JSON.stringify(JSON.parse(wasm));
      const nativeCode = JSON.parse(native.stdout).valid ? 0 : 1;
      check(label, n === w && native.status === nativeCode, n === w ? `exit ${native.status} for valid=${JSON.parse(native.stdout).valid}` : `native: ${n}\n    wasm:   ${w}`);
      if (fromFiles) {
        compared++;
        const fromDir = nativeFromDirRuns.get(`${lang} ${asOf}`).get(file);
        const d = JSON.stringify(JSON.parse(fromDir.stdout));
        const c = JSON.stringify(JSON.parse(fromFiles.validateJson(text, opts)));
        check(`${label} (compilePack(files))`, d === c, `native --rules rules/kz-orphan: ${d}\n    wasm:   ${c}`);
      }
      // validate(object) goes through JSON.stringify: it must agree with validateJson on that text.
      let doc;
      try {
        doc = JSON.parse(text);
      } catch {
        continue;
      }
      const viaObject = JSON.stringify(shipped.validate(doc, opts));
      const viaText = JSON.stringify(JSON.parse(shipped.validateJson(JSON.stringify(doc), opts)));
      check(`${label} (validate(object))`, viaObject === viaText, `object: ${viaObject}\n    text:   ${viaText}`);
    }
  }
}

// ---------------------------------------------------------------- 1b. a layered pack
// rules/kz-karaganda extends kz-orphan: `qagida validate --rules rules/kz-karaganda` vs
// Validator.fromCompiled(compileLayers([kz-orphan, kz-karaganda])), every usable document, every
// language.
const REGIONAL = join(repo, 'rules', 'kz-karaganda');
let regional = null;
try {
  const { compileLayers } = await compiler();
  regional = Validator.fromCompiled(compileLayers([
    { name: 'kz-orphan', files: packFiles(PACK_DIR) },
    { name: 'kz-karaganda', files: packFiles(REGIONAL) },
  ]));
} catch (e) {
  check('rules/kz-karaganda loads as a layer over rules/kz-orphan', false, `${e.name}: ${e.message}`);
}
if (regional) {
  const batch = inputs.filter((f) => !unusable.has(f));
  for (const lang of LANGS) {
    const r = cli(['validate', '--rules', REGIONAL, '--lang', lang, ...batch]);
    const lines = r.stdout.split('\n').filter(Boolean);
    check(`regional pack --lang ${lang}: one result per document`, lines.length === batch.length, `${lines.length} lines for ${batch.length} files; ${clip(r.stderr)}`);
    batch.forEach((f, i) => {
      if (!lines[i]) return;
      const n = withoutFile(lines[i]);
      const w = JSON.stringify(JSON.parse(regional.validateJson(readFileSync(f, 'utf8'), { lang })));
      compared++;
      check(`regional pack: ${relative(repo, f)} --lang ${lang}`, n === w, `native: ${n}\n    wasm:   ${w}`);
    });
  }
}

// ---------------------------------------------------------------- 2. the pack's own tests
function nativeTests(args) {
  const r = cli(['test', '-v', ...args]);
  const cases = [];
  let rule = null;
  for (const line of r.stdout.split('\n')) {
    let m;
    if ((m = line.match(/^(?:ok|FAIL)\s+(\S+)\s/))) rule = m[1];
    else if ((m = line.match(/^ {8}([✓✗]) (.*)$/))) cases.push({ rule_id: rule, name: m[2], passed: m[1] === '✓' });
  }
  return { cases, status: r.status, summary: r.stdout.trim().split('\n').at(-1) };
}
function packFiles(dir) {
  const files = {};
  for (const rel of readdirSync(dir, { recursive: true })) {
    if (/\.(toml|json)$/.test(rel)) files[rel.split(sep).join('/')] = readFileSync(join(dir, rel), 'utf8');
  }
  return files;
}
async function fromDir(dir) {
  try {
    const { compilePack } = await compiler();
    return Validator.fromCompiled(compilePack(packFiles(dir)));
  } catch (e) {
    const native = cli(['lint', dir]);
    // Both sides must refuse a broken pack, with the same diagnostics.
    check(`${relative(repo, dir)} loads`, false, `wasm: ${e.name}: ${e.message}\n    native (qagida lint): exit ${native.status}: ${native.stderr.trim()}`);
    return null;
  }
}
const layersOf = () => [
  { name: 'kz-orphan', files: packFiles(PACK_DIR) },
  { name: 'kz-karaganda', files: packFiles(REGIONAL) },
];
for (const [label, args, run] of [
  ['rules/kz-orphan: runPackTests(files)', [PACK_DIR], async () => (await tester()).runPackTests(packFiles(PACK_DIR))],
  ['rules/kz-karaganda over kz-orphan: runLayerTests(layers)', [REGIONAL], async () => (await tester()).runLayerTests(layersOf())],
]) {
  const native = nativeTests(args);
  let wasm;
  try {
    wasm = (await run()).map(({ rule_id, name, passed }) => ({ rule_id, name, passed }));
  } catch (e) {
    check(`pack tests (${label}) run`, false, `${e.name}: ${e.message}`);
    continue;
  }
  check(`qagida test (${label}): ${native.summary}`, native.cases.length > 0, 'no cases parsed from `qagida test -v`');
  const n = native.cases.length;
  for (let i = 0; i < Math.max(n, wasm.length); i++) {
    const a = native.cases[i];
    const b = wasm[i];
    const same = a && b && a.rule_id === b.rule_id && a.name === b.name && a.passed === b.passed;
    check(`pack test (${label}) ${b?.rule_id ?? a?.rule_id}: ${b?.name ?? a?.name}`, same, `native: ${JSON.stringify(a)}\n    wasm:   ${JSON.stringify(b)}`);
  }
  const wasmFailed = wasm.filter((c) => !c.passed).length;
  console.log(`pack tests, ${label}: native "${native.summary}"; wasm ${wasm.length - wasmFailed} passed, ${wasmFailed} failed`);
}

// The shipped pack file: `qagida pack compile rules/default.toml --validation-only`, the same
// bytes in each target's directory.
{
  const out = join(tmp, 'default.qpack');
  const r = cli(['pack', 'compile', join(repo, packFileConfig.source), '--validation-only', '-o', out]);
  const native = r.status === 0 ? readFileSync(out) : null;
  for (const t of ['nodejs', 'web', 'bundler']) {
    check(`pkg/${t}/${packFileConfig.path} = qagida pack compile ${packFileConfig.source} --validation-only`,
      native && Buffer.compare(native, shippedPack(t)) === 0, native ? `native ${native.length} bytes, shipped ${shippedPack(t).length}` : `exit ${r.status}: ${clip(r.stderr)}`);
  }
}

// ---------------------------------------------------------------- 2b. compiled bytes
// compilePack writes the bytes of `qagida pack compile` (so a pack compiled ahead of time loads
// as one compiled in the page), and compileLayers those of the regional directory.
for (const [label, dir, compile] of [
  ['rules/kz-orphan', PACK_DIR, async () => (await compiler()).compilePack(packFiles(PACK_DIR))],
  ['rules/kz-karaganda', REGIONAL, async () => (await compiler()).compileLayers([
    { name: 'kz-orphan', files: packFiles(PACK_DIR) },
    { name: 'kz-karaganda', files: packFiles(REGIONAL) },
  ])],
]) {
  const out = join(tmp, `${label.replace(/\W/g, '_')}.qpack`);
  const r = cli(['pack', 'compile', dir, '-o', out]);
  let wasm = null;
  try {
    wasm = await compile();
  } catch (e) {
    check(`${label}: the compiler module compiles it`, false, `${e.name}: ${e.message}`);
    continue;
  }
  const native = r.status === 0 ? readFileSync(out) : null;
  check(`${label}: compiler module bytes = qagida pack compile`, native && Buffer.compare(native, Buffer.from(wasm)) === 0,
    native ? `native ${native.length} bytes, wasm ${wasm.length}` : `qagida pack compile: exit ${r.status}: ${clip(r.stderr)}`);
  if (native) check(`${label}: Validator.fromCompiled(the CLI's file) loads`, (() => {
    try {
      return Validator.fromCompiled(native).packId.length > 0;
    } catch {
      return false;
    }
  })());
}

// ---------------------------------------------------------------- 3. the other two targets
// The web target (initSync, in this process) and the bundler target (ESM import of the .wasm,
// Node's --experimental-wasm-modules standing in for a bundler) give the same result too.
{
  const doc = readFileSync(join(PACK_DIR, 'fixtures', 'mdt_conclusion.json'), 'utf8').replace(/"amount":\s*[^,}]+/, '"amount": 0');
  const want = shipped.validateJson(doc, { lang: 'kk' });
  const web = await import(join(repo, 'pkg', 'web', 'qagida_wasm.js'));
  web.initSync({ module: readFileSync(join(repo, 'pkg', 'web', 'qagida_wasm_bg.wasm')) });
  check('web target gives the same result', web.Validator.fromCompiled(shippedPack('web')).validateJson(doc, { lang: 'kk' }) === want);
  const script = `import { Validator } from ${JSON.stringify(join(repo, 'pkg', 'bundler', 'qagida_wasm.js'))};
    import { readFileSync } from 'node:fs';
    const pack = readFileSync(${JSON.stringify(join(repo, 'pkg', 'bundler', packFileConfig.path))});
    process.stdout.write(Validator.fromCompiled(pack).validateJson(${JSON.stringify(doc)}, { lang: 'kk' }));`;
  const r = spawnSync(process.execPath, ['--experimental-wasm-modules', '--no-warnings', '--input-type=module', '-e', script], { encoding: 'utf8' });
  check('bundler target gives the same result', r.status === 0 && r.stdout === want, `exit ${r.status}: ${r.stderr}`);

  // Their compiler modules write the nodejs compiler's bytes, which their validators load.
  const files = packFiles(PACK_DIR);
  const bytes = (await compiler()).compilePack(files);
  const webCompiler = await import(join(repo, 'pkg', 'web', 'compiler', 'qagida_compiler.js'));
  webCompiler.initSync({ module: readFileSync(join(repo, 'pkg', 'web', 'compiler', 'qagida_compiler_bg.wasm')) });
  const webBytes = webCompiler.compilePack(files);
  check('web compiler writes the same bytes', Buffer.compare(Buffer.from(webBytes), Buffer.from(bytes)) === 0, `${webBytes.length} bytes, nodejs ${bytes.length}`);
  // rules/kz-orphan alone (the default pack is the stack with the regional layers): what the
  // nodejs validator makes of the nodejs compiler's bytes.
  const wantFromFiles = Validator.fromCompiled(bytes).validateJson(doc, { lang: 'kk' });
  check('web target loads them', web.Validator.fromCompiled(webBytes).validateJson(doc, { lang: 'kk' }) === wantFromFiles);
  const script2 = `import { compilePack } from ${JSON.stringify(join(repo, 'pkg', 'bundler', 'compiler', 'qagida_compiler.js'))};
    import { Validator } from ${JSON.stringify(join(repo, 'pkg', 'bundler', 'qagida_wasm.js'))};
    import { readFileSync } from 'node:fs';
    const files = JSON.parse(readFileSync(0, 'utf8'));
    const bytes = compilePack(files);
    process.stdout.write(JSON.stringify({ bytes: Buffer.from(bytes).toString('base64'), result: Validator.fromCompiled(bytes).validateJson(${JSON.stringify(doc)}, { lang: 'kk' }) }));`;
  const r2 = spawnSync(process.execPath, ['--experimental-wasm-modules', '--no-warnings', '--input-type=module', '-e', script2], { input: JSON.stringify(files), encoding: 'utf8', maxBuffer: 1 << 28 });
  let out2 = null;
  try {
    out2 = JSON.parse(r2.stdout);
  } catch {}
  check('bundler compiler writes the same bytes, which its validator loads',
    r2.status === 0 && out2?.bytes === Buffer.from(bytes).toString("base64") && out2?.result === wantFromFiles, `exit ${r2.status}: ${clip(r2.stderr)}`);
}

rmSync(tmp, { recursive: true, force: true });
for (const f of failures.slice(0, 30)) console.log(`FAIL  ${f}`);
if (failures.length > 30) console.log(`… and ${failures.length - 30} more`);
console.log(`validation results compared: ${compared} (${inputs.length} documents × ${LANGS.length} languages × ${AS_OF.length} dates, with the shipped default pack and with rules/kz-orphan compiled by the compiler module, and the usable ones with the regional pack × ${LANGS.length} languages)`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
