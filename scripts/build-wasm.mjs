#!/usr/bin/env node
// Builds the npm package of qagida's two WebAssembly modules from pkg-config.json:
//
//   - the validator module (bindings/wasm, `qagida_wasm`): the engine, the default pack embedded
//     in compiled form, Validator.fromCompiled; no TOML parser, loader or signature check;
//   - the compiler module (bindings/wasm-compiler, `qagida_compiler`, pkg-config.json
//     `compiler`): compilePack, compileLayers, compileSignedPack, fetched by a page only when it
//     loads an edited pack.
//
// For each target T (web, bundler, nodejs) and module:
//   wasm-pack build CRATE --release --target T --out-dir pkg/T[/compiler] --mode no-install
//     --no-pack --no-opt     (cargo build with opt-level from pkg-config.json, then the
//                             wasm-bindgen CLI on PATH; no-install: wasm-pack downloads nothing)
//   wasm-opt (pkg-config.json `wasm_opt`, npm binaryen@132, not Debian's 108; our own step, its
//             output cached by the hash of its input: wasm-pack's would rerun it every time)
// then pkg/package.json, pkg/README.md                      (from pkg-config.json, docs/WASM.md)
//
// and prints each .wasm's size raw and gzipped (zlib level 9), failing when one is over its
// budget: the validator module's is the 150 KiB target itself.
// Needs: cargo with the wasm32-unknown-unknown target, wasm-pack, wasm-bindgen-cli of the exact
// version of the wasm-bindgen crate in bindings/wasm/Cargo.lock (.ci/wasm.sh installs both at
// pinned versions), `npm ci` (for node_modules/.bin/wasm-opt).
//
// Usage: node scripts/build-wasm.mjs [--targets=web,nodejs] [--no-opt] [--stable-std] [-- CARGO_ARGS…]
//        CARGO_ARGS go to the validator module's cargo build: e.g. `-- --no-default-features`
//        leaves out the embedded pack (a page then loads every pack with fromCompiled).
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
const pkgDir = join(root, 'pkg');
const budget = config.budget;
// The two modules: where each crate is, its output name, its directory inside pkg/T/, and its
// size ceiling (gzipped): the precompiled-std build (--stable-std) has its own.
const modules = [
  {
    label: 'validator',
    crate: config.crate,
    crateName: config.crate_name,
    outName: config.out_name,
    sub: '',
    cargoArgs,
    limit: usesStableStd ? budget.stable_std_gzip_bytes : budget.target_gzip_bytes,
    limitKey: usesStableStd ? 'stable_std_gzip_bytes' : 'target_gzip_bytes',
  },
  {
    label: 'compiler',
    crate: config.compiler.crate,
    crateName: config.compiler.crate_name,
    outName: config.compiler.out_name,
    sub: config.compiler.dir,
    cargoArgs: [],
    limit: usesStableStd ? budget.compiler_stable_std_gzip_bytes : budget.compiler_gzip_bytes,
    limitKey: usesStableStd ? 'compiler_stable_std_gzip_bytes' : 'compiler_gzip_bytes',
  },
];
for (const m of modules) {
  if (typeof m.limit !== 'number') fail(`pkg-config.json has no budget.${m.limitKey}`);
}
const outName = config.out_name;

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
// One Cargo.lock for both crates: bindings/wasm is the root of their workspace.
const lock = readFileSync(join(root, config.crate, 'Cargo.lock'), 'utf8');
const wbVersion = lock.match(/name = "wasm-bindgen"\nversion = "([^"]+)"/)?.[1];
if (!wbVersion) fail(`no wasm-bindgen in ${config.crate}/Cargo.lock`);
const wbCli = spawnSync('wasm-bindgen', ['--version'], { encoding: 'utf8' });
if (wbCli.error) fail(`wasm-bindgen not found: cargo install wasm-bindgen-cli --version ${wbVersion}`);
if (wbCli.stdout.trim() !== `wasm-bindgen ${wbVersion}`) {
  fail(`${wbCli.stdout.trim()} on PATH, but the crate uses ${wbVersion}: cargo install wasm-bindgen-cli --version ${wbVersion}`);
}
const wp = spawnSync('wasm-pack', ['--version'], { encoding: 'utf8' });
if (wp.error) fail('wasm-pack not found: bash .ci/wasm.sh installs it (cargo install wasm-pack --version … --locked)');
console.log(wp.stdout.trim());
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

// --- wasm-bindgen + wasm-opt per target and module -----------------------------------------------
mkdirSync(pkgDir, { recursive: true });
const optCache = new Map(); // sha256 of the wasm-bindgen output -> optimised bytes
const cacheRoot = join(root, 'node_modules', '.cache', 'qagida-wasm-opt');
const sizes = {}; // module label -> target -> {raw, gzip}
for (const target of targets) {
  rmSync(join(pkgDir, target), { recursive: true, force: true });
  for (const m of modules) {
    const out = join(pkgDir, target, m.sub);
    // wasm-pack: cargo build (the first target compiles, the others reuse it), then wasm-bindgen.
    run('wasm-pack', ['build', join(root, m.crate), '--release', '--target', target, '--out-dir', out, '--out-name', m.outName,
      '--mode', 'no-install', '--no-pack', '--no-opt', ...(m.cargoArgs.length ? ['--', ...m.cargoArgs] : [])], { env: cargoEnv });
    const wasmPath = join(out, `${m.outName}_bg.wasm`);
    if (optimise) {
      const before = readFileSync(wasmPath);
      const key = createHash('sha256').update(before).update(JSON.stringify(config.wasm_opt)).digest('hex');
      // wasm-opt takes most of a rebuild: its output is cached on disk by the hash of its input,
      // the latest one of each module.
      const cacheDir = join(cacheRoot, m.label);
      const cached = join(cacheDir, `${key}.wasm`);
      if (optCache.has(key)) {
        console.log(`(${target} ${m.label}: same module as an earlier target, reusing its wasm-opt output)`);
        writeFileSync(wasmPath, optCache.get(key));
      } else if (existsSync(cached)) {
        console.log(`(${target} ${m.label}: unchanged module, wasm-opt output from ${relative(root, cached)})`);
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
    rmSync(join(out, '.gitignore'), { force: true });
    const bytes = readFileSync(wasmPath);
    (sizes[m.label] ??= {})[target] = { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
  }
  // Module format of each directory (the compiler's inherits it), for Node and bundlers that look
  // at the nearest package.json.
  writeFileSync(join(pkgDir, target, 'package.json'), JSON.stringify({ type: target === 'nodejs' ? 'commonjs' : 'module' }, null, 2) + '\n');
}

// --- package.json -------------------------------------------------------------------------------
const entry = (t) => ({ types: `./${t}/${outName}.d.ts`, default: `./${t}/${outName}.js` });
const compiler = config.compiler;
const cdir = (t) => `./${t}/${compiler.dir}`;
const centry = (t) => ({ types: `${cdir(t)}/${compiler.out_name}.d.ts`, default: `${cdir(t)}/${compiler.out_name}.js` });
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
  sideEffects: [`./bundler/${outName}.js`, './bundler/snippets/*', `${cdir('bundler')}/${compiler.out_name}.js`, `${cdir('bundler')}/snippets/*`],
  // `.`, `./web`, … the validator module; `./compiler`, `./web/compiler`, … the compiler module.
  exports: {
    '.': { node: entry('nodejs'), default: entry('bundler') },
    [`./${compiler.dir}`]: { node: centry('nodejs'), default: centry('bundler') },
    ...Object.fromEntries(config.targets.map((t) => [`./${t}`, entry(t)])),
    ...Object.fromEntries(config.targets.map((t) => [`./${t}/${compiler.dir}`, centry(t)])),
    ...Object.fromEntries(config.targets.map((t) => [`./${t}/${outName}_bg.wasm`, `./${t}/${outName}_bg.wasm`])),
    ...Object.fromEntries(config.targets.map((t) => [`${cdir(t)}/${compiler.out_name}_bg.wasm`, `${cdir(t)}/${compiler.out_name}_bg.wasm`])),
    './package.json': './package.json',
  },
  qagida: { packs_embedded: config.packs_embedded, targets: config.targets, compiler: compiler.dir },
};
writeFileSync(join(pkgDir, 'package.json'), JSON.stringify(pkg, null, 2) + '\n');
if (existsSync(join(root, 'docs', 'WASM.md'))) copyFileSync(join(root, 'docs', 'WASM.md'), join(pkgDir, 'README.md'));

// --- sizes and budget ---------------------------------------------------------------------------
// Each module has a ceiling that fails the build: the validator module's is the 150 KiB target
// (budget.target_gzip_bytes), the compiler's budget.compiler_gzip_bytes; a --stable-std build (no
// build_std) has its own, higher ones (budget.stable_std_gzip_bytes, compiler_stable_std_gzip_bytes).
const over = [];
console.log(`\n${config.name}@${config.version} in ${relative(root, pkgDir)}/ (packs: ${config.packs_embedded.join(', ')})`);
for (const m of modules) {
  for (const [t, s] of Object.entries(sizes[m.label])) {
    const ok = s.gzip <= m.limit;
    if (!ok) over.push(`${t}/${m.sub ? `${m.sub}/` : ''}${m.outName}_bg.wasm (${s.gzip} bytes gzipped) is over budget.${m.limitKey} ${m.limit}`);
    const file = `${m.sub ? `${m.sub}/` : ''}${m.outName}_bg.wasm`;
    console.log(`  ${t.padEnd(8)} ${file.padEnd(30)} ${m.label.padEnd(9)}: ${s.raw} bytes (${kb(s.raw)}) raw, ${s.gzip} bytes (${kb(s.gzip)}) gzipped -9 — ${ok ? 'ok' : 'OVER'} (limit ${m.limit}, ${kb(m.limit)}; ${ok ? `${m.limit - s.gzip} bytes to spare` : `${s.gzip - m.limit} bytes over`})`);
  }
}
if (!optimise) console.log('  (wasm-opt skipped: --no-opt)');
if (over.length) fail(`over the size limit (pkg-config.json budget):\n  ${over.join('\n  ')}`);
