// Unit test of scripts/document-types.mjs (documents.d.ts from `qagida pack schema`'s JSON
// Schema) on a small hand-made schema, tests-wasm/data/documents.sample.schema.json, written to
// the shape of docs/WASM.md's "Document types". Needs no build: `node --test tests-wasm/document-types.test.mjs`.
// The generated declarations are type-checked with TypeScript against code that must compile and
// code that must not.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';
import { documentTypes, pascalCase } from '../scripts/document-types.mjs';

const schema = JSON.parse(readFileSync(new URL('./data/documents.sample.schema.json', import.meta.url), 'utf8'));
const dts = await documentTypes(schema);

/**
 * TypeScript's diagnostics (strict) of each snippet, a module importing the generated types from
 * ./documents.js; all in one program (one load of TypeScript's lib).
 */
function typeErrors(snippets) {
  const dir = mkdtempSync(join(tmpdir(), 'qagida-doctypes-'));
  try {
    writeFileSync(join(dir, 'documents.d.ts'), dts);
    const files = snippets.map((code, i) => {
      const f = join(dir, `use${i}.ts`);
      writeFileSync(f, `import type * as D from './documents.js';\n${code}\n`);
      return f;
    });
    const program = ts.createProgram(files, {
      strict: true, noEmit: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022, lib: ['lib.es2022.d.ts'], types: [],
    });
    const all = ts.getPreEmitDiagnostics(program);
    const text = (d) => ts.flattenDiagnosticMessageText(d.messageText, '\n');
    const unplaced = all.filter((d) => !files.includes(d.file?.fileName));
    if (unplaced.length) throw new Error(`TypeScript: ${unplaced.map(text).join('\n')}`);
    return files.map((f) => all.filter((d) => d.file.fileName === f).map(text));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('PascalCase names', () => {
  assert.equal(pascalCase('mdt_conclusion'), 'MdtConclusion');
  assert.equal(pascalCase('prescription'), 'Prescription');
  assert.equal(pascalCase('local_decision_item'), 'LocalDecisionItem');
});

test('one interface per document and record type, the QagidaDocument union, DocumentType', () => {
  for (const name of ['Prescription', 'MdtConclusion', 'Bundle', 'Quantity', 'Organization']) assert.match(dts, new RegExp(`^export interface ${name} \\{`, 'm'));
  assert.match(dts, /^export type QagidaDocument = Prescription \| MdtConclusion \| Bundle;$/m);
  assert.match(dts, /^export type DocumentType = "prescription" \| "mdt_conclusion" \| "bundle";$/m);
  // No copy of a record per field label, no alias per label, no index signature.
  assert.doesNotMatch(dts, /Quantity1|\[k: string\]/);
  assert.equal(dts.match(/^export (interface|type) /gm).length, 7, dts);
});

test('descriptions (the labels, in the language asked for) become doc comments', () => {
  assert.match(dts, /\/\*\*\n \* Prescription\n \*\/\nexport interface Prescription \{/);
  assert.match(dts, /\/\*\*\n {3}\* Single dose\n {3}\*\/\n {2}single_dose\?: Quantity;/);
  assert.match(dts, /\/\*\*\n {3}\* Route\n {3}\*\/\n {2}route\?: "oral" \| "intravenous";/);
});

test('the declarations compile and type the fields', () => {
  const ok = `
const rx: D.Prescription = { document_type: 'prescription', id: 'RX-1', electronic: true, course_days: 30,
  single_dose: { amount: '2400.50', unit: 'U' }, organization: { care_level: 'specialized' }, route: 'oral', form: 'a form of its own' };
const mdt: D.MdtConclusion = { document_type: 'mdt_conclusion', date: '2026-04-01', doses: [{ amount: 1 }], tags: ['urgent'] };
const bundle: D.QagidaDocument = { document_type: 'bundle', documents: [rx, mdt] };
const t: D.DocumentType = 'mdt_conclusion';
function kind(d: D.QagidaDocument): string { return d.document_type === 'prescription' ? d.route ?? '' : d.document_type; }
export { bundle, t, kind };`;
  assert.deepEqual(typeErrors([ok]), [[]]);
});

test('wrong types, values outside a closed enumeration and unknown fields do not compile', () => {
  const bad = {
    "const a: D.Prescription = { document_type: 'prescription', course_days: '30' };": /string' is not assignable to type 'number'/,
    "const a: D.Prescription = { document_type: 'prescription', route: 'rectal' };": /"rectal"' is not assignable to type '"oral" \| "intravenous"/,
    "const a: D.Prescription = { document_type: 'prescription', unknown_field: 1 };": /'unknown_field' does not exist/,
    "const a: D.Prescription = { document_type: 'mdt_conclusion' };": /not assignable/,
    "const a: D.Prescription = { id: 'RX-1' };": /'document_type' is missing/,
    "const a: D.DocumentType = 'dispensing';": /not assignable to type 'DocumentType'/,
    "const a: D.Prescription = { document_type: 'prescription', organization: { care_level: 'tertiary' } };": /"tertiary"' is not assignable to type '"primary" \| "specialized"/,
    "const a: D.MdtConclusion = { document_type: 'mdt_conclusion', tags: ['later'] };": /"later"' is not assignable/,
    "const a: D.MdtConclusion = { document_type: 'mdt_conclusion', doses: [{ amount: true }] };": /not assignable/,
  };
  const results = typeErrors(Object.keys(bad).map((code) => `${code}\nexport { a };`));
  for (const [i, [code, expected]] of Object.entries(bad).entries()) {
    const errors = results[i];
    assert.equal(errors.length, 1, `${code}\n${errors.join('\n')}`);
    assert.match(errors[0], expected, code);
  }
});

test('a schema without document types is refused', async () => {
  await assert.rejects(documentTypes({ oneOf: [], $defs: {} }), /no document type/);
  await assert.rejects(documentTypes({ title: 'x' }), /not a qagida documents schema/);
});
