#!/usr/bin/env node
// Builds the npm package of qagida's WebAssembly module from pkg-config.json:
//
//   cargo build --release --target wasm32-unknown-unknown   (in bindings/wasm, opt-level from pkg-config.json)
//   wasm-bindgen --target T --out-dir pkg/T                  (T = web, bundler, nodejs)
//   wasm-opt -Oz                                             (npm binaryen@132, not Debian's 108)
//   pkg/package.json, pkg/README.md                          (from pkg-config.json, docs/WASM.md)
//
// and prints the .wasm size raw and gzipped (zlib level 9), failing when over the budget.
// Needs: cargo with the wasm32-unknown-unknown target, wasm-bindgen-cli of the exact version of
// the wasm-bindgen crate in bindings/wasm/Cargo.lock, `npm ci` (for node_modules/.bin/wasm-opt).
//
// Usage: node scripts/build-wasm.mjs [--targets=web,nodejs] [--no-opt] [--stable-std] [-- CARGO_ARGS…]
//        e.g. `-- --no-default-features --features embedded-pack` leaves out fromSignedFiles
//        (≈ 38 KiB gzipped); `-- --no-default-features` also the embedded pack (a "lean" module).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const config = JSON.parse(readFileSync(join(root, 'pkg-config.json'), 'utf8'));
const dashdash = process.argv.indexOf('--');
const args = process.argv.slice(2, dashdash < 0 ? undefined : dashdash);
const cargoArgs = dashdash < 0 ? [] : process.argv.slice(dashdash + 1); // e.g. -- --no-default-features
const arg = (name) => args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const targets = arg('targets')?.split(',') ?? config.targets;
const optimise = !args.includes('--no-opt');
const usesStableStd = !config.build_std?.enabled || args.includes('--stable-std');
const crateDir = join(root, config.crate);
const outName = config.out_name;
const pkgDir = join(root, 'pkg');

for (const t of targets) {
  if (!config.targets.includes(t)) fail(`unknown target ${t} (pkg-config.json has ${config.targets.join(', ')})`);
}

function fail(msg) {
  console.error(`build-wasm: error: ${msg}`);
  process.exit(1);
}

function run(cmd, argv, opts = {}) {
  console.log(`$ ${[cmd, ...argv].join(' ')}`);
  const r = spawnSync(cmd, argv, { stdio: ['ignore', opts.capture ? 'pipe' : 'inherit', 'inherit'], encoding: 'utf8', maxBuffer: 1 << 28, ...opts });
  if (r.error) fail(`${cmd}: ${r.error.message}`);
  if (r.status !== 0) fail(`${cmd} exited with status ${r.status}`);
  return r.stdout;
}

const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;

// --- tools ------------------------------------------------------------------------------------
const lock = readFileSync(join(crateDir, 'Cargo.lock'), 'utf8');
const wbVersion = lock.match(/name = "wasm-bindgen"\nversion = "([^"]+)"/)?.[1];
if (!wbVersion) fail(`no wasm-bindgen in ${relative(root, crateDir)}/Cargo.lock`);
const wbCli = spawnSync('wasm-bindgen', ['--version'], { encoding: 'utf8' });
if (wbCli.error) fail(`wasm-bindgen not found: cargo install wasm-bindgen-cli --version ${wbVersion}`);
if (wbCli.stdout.trim() !== `wasm-bindgen ${wbVersion}`) {
  fail(`${wbCli.stdout.trim()} on PATH, but the crate uses ${wbVersion}: cargo install wasm-bindgen-cli --version ${wbVersion}`);
}
const wasmOpt = join(root, 'node_modules', '.bin', 'wasm-opt');
if (optimise) {
  if (!existsSync(wasmOpt)) fail('node_modules/.bin/wasm-opt is missing: run `npm ci` (binaryen@132.0.0)');
  const v = spawnSync(wasmOpt, ['--version'], { encoding: 'utf8' }).stdout ?? '';
  if (!/version 132\b/.test(v)) fail(`node_modules/.bin/wasm-opt is "${v.trim()}", expected version 132 (npm binaryen@132.0.0)`);
}

// --- cargo ------------------------------------------------------------------------------------
// Rust's opt-level for the module, from pkg-config.json `opt_level` ("z" smallest, "s", "3"
// fastest: the size/speed trade-off measured in docs/WASM.md), unless the environment sets
// CARGO_PROFILE_RELEASE_OPT_LEVEL.
const optLevel = String(process.env.CARGO_PROFILE_RELEASE_OPT_LEVEL ?? config.opt_level ?? 'z');
if (!['0', '1', '2', '3', 's', 'z'].includes(optLevel)) fail(`opt_level "${optLevel}" is not one of 0, 1, 2, 3, s, z`);
console.log(`opt-level ${optLevel}`);
const cargoEnv = { ...process.env, CARGO_PROFILE_RELEASE_OPT_LEVEL: optLevel, ...stdFromSource() };
const cargoOut = run('cargo', ['build', '--release', '--target', 'wasm32-unknown-unknown', '--message-format=json-render-diagnostics', ...cargoArgs], {
  cwd: crateDir,
  capture: true,
  env: cargoEnv,
});
// The standard library compiled from source with the module (pkg-config.json `build_std`):
// size-optimised std, and panics that abort at once instead of formatting a message nobody sees
// (a panic is a bug; on wasm32 it traps either way). Cargo's -Zbuild-std needs a nightly
// toolchain with its rust-src component; `--stable-std` (or build_std.enabled false) builds with
// the stable toolchain's precompiled std instead, a bigger module (docs/WASM.md, Size).
function stdFromSource() {
  const bs = config.build_std;
  if (usesStableStd) {
    console.log('std: precompiled (stable toolchain)');
    return {};
  }
  const toolchain = process.env.QAGIDA_BUILD_STD_TOOLCHAIN ?? bs.toolchain;
  const sysroot = spawnSync('rustc', [`+${toolchain}`, '--print', 'sysroot'], { encoding: 'utf8' });
  if (sysroot.status !== 0) {
    fail(`pkg-config.json build_std needs the ${toolchain} toolchain (rustup toolchain install ${toolchain} --profile minimal --component rust-src), or pass --stable-std for a bigger module`);
  }
  const src = join(sysroot.stdout.trim(), 'lib', 'rustlib', 'src', 'rust', 'library');
  if (!existsSync(src)) {
    fail(`pkg-config.json build_std needs rust-src for ${toolchain} (rustup component add rust-src --toolchain ${toolchain}), or pass --stable-std for a bigger module`);
  }
  const version = spawnSync('rustc', [`+${toolchain}`, '--version'], { encoding: 'utf8' }).stdout.trim();
  console.log(`std: built from source by ${version} (${bs.crates.join(', ')}; features: ${bs.features.join(', ') || 'none'}; panic = "${bs.panic}")`);
  const env = {
    RUSTUP_TOOLCHAIN: toolchain,
    CARGO_UNSTABLE_BUILD_STD: bs.crates.join(','),
    CARGO_UNSTABLE_BUILD_STD_FEATURES: bs.features.join(','),
  };
  if (bs.panic && bs.panic !== 'abort') {
    env.CARGO_PROFILE_RELEASE_PANIC = bs.panic;
    env[`CARGO_UNSTABLE_PANIC_${bs.panic.toUpperCase().replace(/-/g, '_')}`] = 'true';
  }
  return env;
}

let artifact;
for (const line of cargoOut.split('\n')) {
  if (!line.startsWith('{')) continue;
  const m = JSON.parse(line);
  if (m.reason === 'compiler-artifact' && [config.crate_name, config.crate_name.replace(/_/g, '-')].includes(m.target?.name)) {
    artifact = m.filenames.find((f) => f.endsWith('.wasm')) ?? artifact;
  }
}
if (!artifact) fail('cargo produced no .wasm artifact');
console.log(`cargo artifact: ${artifact} (${kb(readFileSync(artifact).length)})`);

// --- wasm-bindgen + wasm-opt per target ---------------------------------------------------------
mkdirSync(pkgDir, { recursive: true });
const optCache = new Map(); // sha256 of the wasm-bindgen output -> optimised bytes
const cacheDir = join(root, 'node_modules', '.cache', 'qagida-wasm-opt');
const sizes = {};
for (const target of targets) {
  const out = join(pkgDir, target);
  rmSync(out, { recursive: true, force: true });
  run('wasm-bindgen', ['--target', target, '--out-dir', out, '--out-name', outName, artifact]);
  const wasmPath = join(out, `${outName}_bg.wasm`);
  if (optimise) {
    const before = readFileSync(wasmPath);
    const key = createHash('sha256').update(before).update(JSON.stringify(config.wasm_opt)).digest('hex');
    // wasm-opt takes most of a rebuild: its output is cached on disk by the hash of its input.
    const cached = join(cacheDir, `${key}.wasm`);
    if (optCache.has(key)) {
      console.log(`(${target}: same module as an earlier target, reusing its wasm-opt output)`);
      writeFileSync(wasmPath, optCache.get(key));
    } else if (existsSync(cached)) {
      console.log(`(${target}: unchanged module, wasm-opt output from ${relative(root, cached)})`);
      copyFileSync(cached, wasmPath);
      optCache.set(key, readFileSync(wasmPath));
    } else {
      const tmp = `${wasmPath}.opt`;
      run(wasmOpt, [...config.wasm_opt, wasmPath, '-o', tmp]);
      renameSync(tmp, wasmPath);
      optCache.set(key, readFileSync(wasmPath));
      rmSync(cacheDir, { recursive: true, force: true }); // keep only the latest
      mkdirSync(cacheDir, { recursive: true });
      copyFileSync(wasmPath, cached);
    }
  }
  // Module format of each directory, for Node and bundlers that look at the nearest package.json.
  writeFileSync(join(out, 'package.json'), JSON.stringify({ type: target === 'nodejs' ? 'commonjs' : 'module' }, null, 2) + '\n');
  rmSync(join(out, '.gitignore'), { force: true });
  const bytes = readFileSync(wasmPath);
  sizes[target] = { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
}

// --- package.json -------------------------------------------------------------------------------
const entry = (t) => ({ types: `./${t}/${outName}.d.ts`, default: `./${t}/${outName}.js` });
const pkg = {
  name: config.name,
  version: config.version,
  description: config.description,
  license: config.license,
  repository: config.repository,
  keywords: config.keywords,
  files: [...config.targets.map((t) => `${t}/`), 'README.md'],
  main: `./nodejs/${outName}.js`,
  module: `./bundler/${outName}.js`,
  types: `./bundler/${outName}.d.ts`,
  sideEffects: [`./bundler/${outName}.js`, './bundler/snippets/*'],
  exports: {
    '.': { node: entry('nodejs'), default: entry('bundler') },
    ...Object.fromEntries(config.targets.map((t) => [`./${t}`, entry(t)])),
    ...Object.fromEntries(config.targets.map((t) => [`./${t}/${outName}_bg.wasm`, `./${t}/${outName}_bg.wasm`])),
    './package.json': './package.json',
  },
  qagida: { packs_embedded: config.packs_embedded, targets: config.targets },
};
writeFileSync(join(pkgDir, 'package.json'), JSON.stringify(pkg, null, 2) + '\n');
if (existsSync(join(root, 'docs', 'WASM.md'))) copyFileSync(join(root, 'docs', 'WASM.md'), join(pkgDir, 'README.md'));

// --- sizes and budget ---------------------------------------------------------------------------
// budget.wasm_gzip_bytes fails the build; budget.target_gzip_bytes (the goal) is reported.
// A --stable-std build (no build_std) has its own, higher ceiling: budget.stable_std_gzip_bytes.
const { target_gzip_bytes: target } = config.budget;
const limit = usesStableStd ? config.budget.stable_std_gzip_bytes ?? config.budget.wasm_gzip_bytes : config.budget.wasm_gzip_bytes;
let over = false;
console.log(`\n${config.name}@${config.version} in ${relative(root, pkgDir)}/ (packs: ${config.packs_embedded.join(', ')})`);
for (const [t, s] of Object.entries(sizes)) {
  const ok = s.gzip <= limit;
  over ||= !ok;
  const goal = target == null ? '' : s.gzip <= target ? `, within the ${kb(target)} target` : `, ${kb(s.gzip - target)} over the ${kb(target)} target`;
  console.log(`  ${t.padEnd(8)} ${outName}_bg.wasm: ${s.raw} bytes (${kb(s.raw)}) raw, ${s.gzip} bytes (${kb(s.gzip)}) gzipped -9 — ${ok ? 'ok' : 'OVER'} (limit ${kb(limit)}${goal})`);
}
if (!optimise) console.log('  (wasm-opt skipped: --no-opt)');
if (target != null && Object.values(sizes).some((s) => s.gzip > target)) {
  console.log(`  warning: the size target of ${kb(target)} gzipped is not met (pkg-config.json budget.note)`);
}
if (over) fail(`the .wasm is over the size limit of ${limit} bytes gzipped (pkg-config.json budget.${usesStableStd ? 'stable_std_gzip_bytes' : 'wasm_gzip_bytes'})`);
