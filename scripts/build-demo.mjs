#!/usr/bin/env node
// Builds what the two demo pages need besides the npm package (pkg/, scripts/build-wasm.mjs),
// into www/dist/ (gitignored, never committed):
//
//   www/dist/documents.schema.json   the default pack's document model, the JSON Schema of every
//                                    document type with kk/ru/en labels and labelled
//                                    enumerations: pkg/documents.schema.json when the package
//                                    build wrote it, else `qagida pack schema rules/default.toml`
//                                    (the native CLI). www/forms.js makes the forms from it.
//   www/dist/react/                  the React page (www/react/main.jsx, React + react-hook-form),
//                                    bundled by esbuild's JS API, with the package's .wasm and
//                                    default pack copied beside it (esbuild's file loader).
//
// The React page imports the package as a vendor does, `@qagida/validator/web` and
// `@qagida/validator/standard-schema`: esbuild resolves them in pkg/ through its package.json
// exports (www/dist/node_modules/@qagida/validator links to pkg/).
//
// Usage: node scripts/build-demo.mjs [--schema=FILE] [--no-minify]
//   --schema=FILE   take the document model from FILE instead (another pack's)
// Needs `node scripts/build-wasm.mjs` first (pkg/web) and `npm ci` (esbuild, React, …).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const arg = (name) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const dist = join(root, 'www', 'dist');
const pkg = join(root, 'pkg');

function fail(msg) {
  console.error(`build-demo: error: ${msg}`);
  process.exit(1);
}

if (!existsSync(join(pkg, 'package.json')) || !existsSync(join(pkg, 'web', 'qagida_wasm_bg.wasm'))) {
  fail('pkg/ is missing or has no web target: run `node scripts/build-wasm.mjs` first');
}
mkdirSync(dist, { recursive: true });

// --- the document model -------------------------------------------------------------------------
let schemaText;
let schemaFrom;
if (arg('schema')) {
  schemaFrom = resolve(arg('schema'));
  schemaText = readFileSync(schemaFrom, 'utf8');
} else if (existsSync(join(pkg, 'documents.schema.json'))) {
  schemaFrom = 'pkg/documents.schema.json';
  schemaText = readFileSync(join(pkg, 'documents.schema.json'), 'utf8');
} else {
  const argv = ['run', '--locked', '-q', '-p', 'qagida-cli', '--', 'pack', 'schema', join(root, 'rules', 'default.toml')];
  console.log(`$ cargo ${argv.join(' ')}`);
  const r = spawnSync('cargo', argv, { cwd: root, encoding: 'utf8', maxBuffer: 1 << 26, stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.error || r.status !== 0) fail(`qagida pack schema failed (${r.error?.message ?? `status ${r.status}`})`);
  schemaFrom = 'qagida pack schema rules/default.toml';
  schemaText = r.stdout;
}
let schema;
try {
  schema = JSON.parse(schemaText);
} catch (e) {
  fail(`${schemaFrom}: not JSON: ${e.message}`);
}
const types = (schema.oneOf ?? []).map((r) => r.$ref?.replace('#/$defs/', '')).filter((n) => schema.$defs?.[n]);
if (!types.length) fail(`${schemaFrom}: no document types (oneOf of $refs into $defs)`);
writeFileSync(join(dist, 'documents.schema.json'), `${JSON.stringify(schema, null, 1)}\n`);
console.log(`www/dist/documents.schema.json: ${types.length} document types, from ${schemaFrom}`);

// --- the React page -----------------------------------------------------------------------------
// The package as node_modules/@qagida/validator, for esbuild to resolve through its exports.
const modules = join(dist, 'node_modules');
rmSync(modules, { recursive: true, force: true });
mkdirSync(join(modules, '@qagida'), { recursive: true });
symlinkSync(relative(join(modules, '@qagida'), pkg), join(modules, '@qagida', 'validator'), 'dir');

const exportsMap = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')).exports ?? {};
if (!exportsMap['./standard-schema']) fail('pkg/package.json has no "./standard-schema" export: rebuild the package (node scripts/build-wasm.mjs)');

const out = join(dist, 'react');
rmSync(out, { recursive: true, force: true });
const result = await build({
  entryPoints: [join(root, 'www', 'react', 'main.jsx')],
  outdir: out,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  jsx: 'automatic',
  minify: !args.includes('--no-minify'),
  sourcemap: 'linked',
  nodePaths: [modules],
  // The .wasm and the compiled pack become files beside the bundle; importing one gives its URL
  // relative to the bundle (resolved with import.meta.url in main.jsx).
  loader: { '.wasm': 'file', '.qpack': 'file' },
  assetNames: '[name]-[hash]',
  define: { 'process.env.NODE_ENV': '"production"' },
  metafile: true,
  logLevel: 'warning',
});
if (result.errors.length) fail('esbuild failed');
for (const [file, o] of Object.entries(result.metafile.outputs)) {
  if (!file.endsWith('.map')) console.log(`${relative(root, resolve(file))}: ${o.bytes} bytes`);
}
