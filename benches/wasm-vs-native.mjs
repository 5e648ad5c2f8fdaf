// The WebAssembly module under Node against native code, on the same documents.
//
//   node scripts/build-wasm.mjs --targets=nodejs                       # builds pkg/nodejs
//   (cd benches && cargo build --release --bin native_loop)
//   node benches/wasm-vs-native.mjs [--iter=2000] [--pkg=pkg/nodejs/qagida_wasm.js] \
//        [--native=$CARGO_TARGET_DIR/release/native_loop]
//
// For each example document (valid and invalid, every type) it times `validateJson(text)` of the
// package's default pack (packs/default.qpack beside the module, `Validator.fromCompiled`) — JSON text in, JSON text out, the same work as the native
// `Pack::validate_bytes` + serialising the result — then runs the native timing loop
// (benches/src/bin/native_loop.rs) on the same files and prints both with the ratio.
// Target: WASM ≤ 2.5× native.
import { createRequire } from 'node:module';
import { readFileSync, existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, dflt) => {
  const a = process.argv.find((x) => x.startsWith(`--${name}=`));
  return a ? a.slice(name.length + 3) : dflt;
};
const iter = Number(arg('iter', '2000'));
const pkg = resolve(arg('pkg', join(root, 'pkg/nodejs/qagida_wasm.js')));
const native = arg('native', join(process.env.CARGO_TARGET_DIR ?? join(root, 'benches/target'), 'release/native_loop'));
const types = ['mdt_conclusion', 'prescription', 'dispensing', 'personalized_need', 'stock_report', 'reconciliation_act', 'monitoring_report'];

if (!existsSync(pkg)) {
  console.error(`no WASM package at ${pkg}: run \`node scripts/build-wasm.mjs --targets=nodejs\` first`);
  process.exit(2);
}
const { Validator } = createRequire(import.meta.url)(pkg);
// The default pack, shipped beside the module (pkg-config.json `pack_file`).
const validator = Validator.fromCompiled(readFileSync(join(dirname(pkg), 'packs', 'default.qpack')));

const docs = [];
for (const kind of ['valid', 'invalid']) {
  for (const name of types) docs.push([`${kind}/${name}`, readFileSync(join(root, 'examples', kind, `${name}.json`), 'utf8')]);
}
// Warm up on every document before timing any: V8 compiles a module first with its baseline
// compiler and tiers hot functions up in the background, so the first document timed would
// otherwise pay for the tier-up of code that all of them share.
for (let round = 0; round < 2; round++) {
  for (const [, text] of docs) for (let i = 0; i < iter / 2 + 1; i++) validator.validateJson(text);
}
const wasm = new Map();
for (const [what, text] of docs) {
  const t = process.hrtime.bigint();
  let sink = 0;
  for (let i = 0; i < iter; i++) sink += validator.validateJson(text).length;
  const us = Number(process.hrtime.bigint() - t) / 1e3 / iter;
  if (sink === 0) throw new Error('no output');
  wasm.set(what, us);
}

let nativeUs = new Map();
if (existsSync(native)) {
  const r = spawnSync(native, [String(iter)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${native}: ${r.stderr}`);
  for (const line of r.stdout.trim().split('\n')) {
    const j = JSON.parse(line);
    nativeUs.set(j.what, j.us);
  }
} else {
  console.error(`(no native timing binary at ${native}: build it with \`cargo build --release --bin native_loop\` in benches/, or pass --native=PATH)`);
}

console.log(`${'document'.padEnd(30)} ${'wasm µs'.padStart(9)} ${'native µs'.padStart(10)} ${'ratio'.padStart(6)}`);
const ratios = [];
for (const [what, w] of wasm) {
  const n = nativeUs.get(what);
  const ratio = n ? w / n : NaN;
  if (n) ratios.push(ratio);
  console.log(`${what.padEnd(30)} ${w.toFixed(2).padStart(9)} ${(n ?? NaN).toFixed(2).padStart(10)} ${ratio.toFixed(2).padStart(6)}`);
}
if (ratios.length) {
  const geo = Math.exp(ratios.reduce((a, r) => a + Math.log(r), 0) / ratios.length);
  const max = Math.max(...ratios);
  console.log(`geometric mean ratio ${geo.toFixed(2)}×, worst ${max.toFixed(2)}× (target ≤ 2.5×): ${max <= 2.5 ? 'met' : geo <= 2.5 ? 'met on average' : 'not met'}`);
}
