// standardSchema (Standard Schema v1, bindings/wasm/js/standard-schema.js) as the npm package
// ships it, on the default pack: pkg/nodejs's root entry (index.cjs: the validator module and
// standardSchema) and its ES module (index.mjs), with pkg/nodejs/packs/default.qpack.
//
//   node --test tests-wasm/standard-schema.mjs        (after `node scripts/build-wasm.mjs`)
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const nodejs = join(repo, 'pkg', 'nodejs');
if (!existsSync(join(nodejs, 'index.cjs'))) throw new Error('pkg/nodejs/index.cjs is missing: run `node scripts/build-wasm.mjs` first');
const root = createRequire(import.meta.url)(join(nodejs, 'index.cjs'));
const { Validator, standardSchema, pointerToPath } = root;
const validator = Validator.fromCompiled(readFileSync(join(nodejs, 'packs', 'default.qpack')));
const fixtures = validator.fixtures();
const KAZAKH_LETTERS = /[әғқңөұүһі]/i;
const CYRILLIC = /[а-яё]/i;

/** The prescription fixture with `patch` applied (a deep copy). */
function prescription(patch = (d) => d) {
  const doc = structuredClone(fixtures.prescription);
  patch(doc);
  return doc;
}
// Two TYPE errors (a string for a bool, a string for an integer) and the infos they cause.
const wrongTypes = () => prescription((d) => {
  d.course_days = 'thirty';
  d.drug.is_infusion = 'yes';
});

test('the object is a Standard Schema v1 of vendor qagida', () => {
  const s = standardSchema(validator);
  assert.equal(s['~standard'].version, 1);
  assert.equal(s['~standard'].vendor, 'qagida');
  assert.equal(typeof s['~standard'].validate, 'function');
});

test('a valid document: {value}, the document itself, and no issues', () => {
  for (const [type, doc] of Object.entries(fixtures)) {
    assert.equal(validator.validate(doc).valid, true, type);
    const r = standardSchema(validator)['~standard'].validate(doc);
    assert.equal(r.value, doc, type);
    assert.equal(r.issues, undefined, type);
  }
});

test('an invalid document: one issue per error finding, with path, ruleId, severity, clause, actual, expected', () => {
  const doc = wrongTypes();
  const r = standardSchema(validator, { lang: 'en' })['~standard'].validate(doc);
  assert.equal(r.value, undefined);
  assert.deepEqual(
    r.issues.map(({ path, ruleId, severity, actual, expected }) => ({ path, ruleId, severity, actual, expected })),
    [
      { path: ['drug', 'is_infusion'], ruleId: 'TYPE', severity: 'error', actual: 'string', expected: 'bool' },
      { path: ['course_days'], ruleId: 'TYPE', severity: 'error', actual: 'string', expected: 'integer' },
    ],
  );
  // The same texts as the validator's own error findings, infos left out.
  const findings = validator.validate(doc, { lang: 'en' }).findings;
  assert.ok(findings.some((f) => f.severity === 'info'), 'the document also has infos');
  const errors = findings.filter((f) => f.severity === 'error');
  assert.deepEqual(r.issues.map((i) => [i.message, i.clause]), errors.map((f) => [f.message, f.clause]));
  assert.ok(r.issues.every((i) => i.clause.length > 0 && i.message.length > 0));
});

test('array indices in a path are numbers (a bundle member)', () => {
  const bundle = structuredClone(fixtures.bundle);
  const i = bundle.documents.findIndex((d) => d.document_type === 'prescription');
  assert.ok(i > 0, 'the bundle fixture has a prescription after its first member');
  bundle.documents[i].course_days = 'thirty';
  const r = standardSchema(validator)['~standard'].validate(bundle);
  const type = r.issues.find((x) => x.ruleId === 'TYPE');
  assert.deepEqual(type.path, ['documents', i, 'course_days']);
  assert.equal(typeof type.path[1], 'number');
});

test('messages in the language asked for: kk, ru, en', () => {
  const doc = wrongTypes();
  const messages = {};
  for (const lang of ['kk', 'ru', 'en']) {
    const r = standardSchema(validator, { lang })['~standard'].validate(doc);
    messages[lang] = r.issues.map((i) => i.message);
    assert.deepEqual(messages[lang], validator.validate(doc, { lang }).findings.filter((f) => f.severity === 'error').map((f) => f.message), lang);
  }
  assert.ok(messages.kk.every((m) => KAZAKH_LETTERS.test(m)), `kk: ${messages.kk}`);
  assert.ok(messages.ru.every((m) => CYRILLIC.test(m) && !KAZAKH_LETTERS.test(m)), `ru: ${messages.ru}`);
  assert.ok(messages.en.every((m) => !CYRILLIC.test(m)), `en: ${messages.en}`);
  // Without lang: the pack's default language (ru for kz-orphan).
  assert.deepEqual(standardSchema(validator)['~standard'].validate(doc).issues.map((i) => i.message), messages[validator.defaultLanguage]);
});

test('warnings reach onResult, not issues', () => {
  // ELG-02 (a warning): the patient is not under dynamic observation.
  const doc = prescription((d) => {
    d.eligibility.dynamic_observation = false;
  });
  const results = [];
  const r = standardSchema(validator, { lang: 'en', onResult: (x) => results.push(x) })['~standard'].validate(doc);
  assert.equal(r.value, doc);
  assert.equal(r.issues, undefined);
  assert.equal(results.length, 1);
  assert.deepEqual(results[0], validator.validate(doc, { lang: 'en' }));
  assert.ok(results[0].findings.some((f) => f.rule_id === 'ELG-02' && f.severity === 'warning' && f.path === '/eligibility/dynamic_observation'), JSON.stringify(results[0].findings));
  // And each call gets its own result, the invalid one too.
  standardSchema(validator, { onResult: (x) => results.push(x) })['~standard'].validate(wrongTypes());
  assert.equal(results.length, 2);
  assert.equal(results[1].valid, false);
});

test('JSON Pointer tokens: ~1 is /, ~0 is ~, indices are numbers, the empty pointer is no path', () => {
  // The pack has no field whose name holds `/` or `~`: a validator giving such findings.
  const finding = (path) => ({ rule_id: 'X-01', severity: 'error', path, message: 'm', clause: 'c' });
  const fake = { validate: () => ({ valid: false, findings: ['/a~1b/c~0d/~01/0/10/01/-/', '', '/'].map(finding) }) };
  const r = standardSchema(fake)['~standard'].validate({});
  assert.deepEqual(r.issues.map((i) => i.path), [['a/b', 'c~d', '~1', 0, 10, '01', '-', ''], undefined, ['']]);
  assert.ok(!('path' in r.issues[1]), 'a finding on the whole document has no path');
  assert.ok(!('actual' in r.issues[0]) && !('expected' in r.issues[0]), 'no actual/expected when the finding has none');
  assert.deepEqual(pointerToPath('/x/9007199254740993'), ['x', '9007199254740993'], 'an index beyond 2^53 stays text');
  assert.throws(() => pointerToPath('a/b'), SyntaxError);
});

test('lang, mode and asOf are passed to validate; unset ones are not', () => {
  const seen = [];
  const spy = { validate: (doc, options) => (seen.push(options), validator.validate(doc, options)) };
  standardSchema(spy)['~standard'].validate(fixtures.prescription);
  standardSchema(spy, { lang: 'kk', asOf: '2026-04-10', mode: 'submit' })['~standard'].validate(fixtures.prescription);
  standardSchema(spy, { lang: undefined, mode: null })['~standard'].validate(fixtures.prescription);
  assert.deepEqual(seen, [{}, { lang: 'kk', asOf: '2026-04-10', mode: 'submit' }, {}]);
  const r = [];
  standardSchema(validator, { asOf: '2026-04-10', onResult: (x) => r.push(x) })['~standard'].validate(fixtures.prescription);
  assert.equal(r[0].as_of, '2026-04-10');
});

test("mode 'draft': absent fields are not reported", () => {
  const doc = { document_type: 'prescription', id: 'RX-1', course_days: 30 };
  const submit = standardSchema(validator)['~standard'].validate(doc);
  assert.ok(submit.issues?.length > 0, 'a nearly empty prescription has errors when submitted');
  const results = [];
  const draft = standardSchema(validator, { mode: 'draft', onResult: (x) => results.push(x) })['~standard'].validate(doc);
  assert.equal(draft.issues, undefined, JSON.stringify(draft.issues));
  // The checks waiting for absent fields, listed in draft results only (RX-03 on the dose).
  assert.ok(results[0].skipped?.some((x) => x.rule_id === 'RX-03' && x.waits_for.includes('/single_dose')), JSON.stringify(results[0]));
  assert.equal(validator.validate(doc).skipped, undefined);
  assert.equal(draft.value, doc);
  // A value that is there and wrong is still an error in a draft.
  const wrong = standardSchema(validator, { mode: 'draft' })['~standard'].validate({ ...doc, course_days: 'thirty' });
  assert.deepEqual(wrong.issues?.map((i) => [i.ruleId, i.path]), [['TYPE', ['course_days']]]);
});

test('a validator that throws gives one issue with its message', () => {
  const cycle = prescription();
  cycle.self = cycle;
  let thrown;
  try {
    validator.validate(cycle);
  } catch (e) {
    thrown = e;
  }
  assert.equal(thrown?.name, 'DocumentError');
  const r = standardSchema(validator)['~standard'].validate(cycle);
  assert.deepEqual(r.issues, [{ message: thrown.message, ruleId: 'DocumentError', severity: 'error', clause: '' }]);
  // A bad option, found at the first validation.
  const bad = standardSchema(validator, { asOf: 'not a date' })['~standard'].validate(fixtures.prescription);
  assert.equal(bad.issues.length, 1);
  assert.equal(bad.issues[0].ruleId, 'OptionsError');
  assert.match(bad.issues[0].message, /asOf/);
  // Something that is not an Error at all.
  const odd = standardSchema({ validate: () => { throw 'plain text'; } })['~standard'].validate({});
  assert.deepEqual(odd.issues, [{ message: 'plain text', ruleId: 'Error', severity: 'error', clause: '' }]);
});

test('react-hook-form: standardSchemaResolver gives the errors by field', async () => {
  const { standardSchemaResolver } = await import('@hookform/resolvers/standard-schema');
  const resolver = standardSchemaResolver(standardSchema(validator, { lang: 'ru' }));
  const options = { fields: {}, shouldUseNativeValidation: false };
  const ok = await resolver(fixtures.prescription, undefined, options);
  assert.deepEqual(ok.errors, {});
  const bad = await resolver(wrongTypes(), undefined, options);
  assert.deepEqual(Object.keys(bad.errors).sort(), ['course_days', 'drug']);
  assert.ok(CYRILLIC.test(bad.errors.course_days.message));
  assert.ok(bad.errors.drug.is_infusion.message);
});

test('the ES module entries export the same standardSchema and Validator', async () => {
  const esm = await import(pathToFileURL(join(nodejs, 'index.mjs')).href);
  assert.equal(esm.Validator, Validator);
  assert.equal(esm.standardSchema, standardSchema);
  assert.equal(esm.default, root);
  // web/ and bundler/ carry the wrapper as an ES module of their own.
  for (const t of ['web', 'bundler']) {
    const m = await import(pathToFileURL(join(repo, 'pkg', t, 'standard-schema.js')).href);
    const r = m.standardSchema(validator)['~standard'].validate(wrongTypes());
    assert.deepEqual(r.issues.map((i) => i.path), [['drug', 'is_infusion'], ['course_days']], t);
  }
});
