// Standard Schema v1 (https://standardschema.dev) over a qagida Validator: form libraries that
// accept a Standard Schema (react-hook-form's standardSchemaResolver, TanStack Form, …) validate
// with the pack's rules through it. Copied into the npm package by scripts/build-wasm.mjs
// (ES module in web/ and bundler/, CommonJS in nodejs/standard-schema.cjs); types in
// standard-schema.d.ts beside this file.

/**
 * The Standard Schema object of a validator.
 *
 * @param {{ validate(document: unknown, options?: object): { findings: Array<object> } }} validator
 *   a `Validator` (any target's) or anything with its `validate`.
 * @param {{ lang?: string, mode?: 'submit' | 'draft', asOf?: string,
 *           onResult?: (result: object) => void }} [options]
 *   `lang`, `mode` and `asOf` go to every `validator.validate` call (unset ones are not passed:
 *   the validator's defaults apply); `onResult` receives each call's whole result, so a form can
 *   show warnings and infos, which Standard Schema's issues do not carry.
 */
export function standardSchema(validator, options = {}) {
  const { lang, mode, asOf, onResult } = options;
  // Only the options given: the validator refuses an unknown option name even when its value is
  // undefined.
  const validateOptions = {};
  if (lang != null) validateOptions.lang = lang;
  if (mode != null) validateOptions.mode = mode;
  if (asOf != null) validateOptions.asOf = asOf;

  function validate(value) {
    let result;
    try {
      result = validator.validate(value, validateOptions);
    } catch (e) {
      // The validator throws only for what it cannot validate at all: input over a limit
      // (InputError), a value JSON cannot hold (DocumentError), a bad option (OptionsError).
      // Standard Schema's validate returns its failures instead of throwing (a form library
      // would otherwise reject its whole submit handler), so the error becomes the one issue,
      // on the whole document, with the error's message; its name stands in for a rule ID.
      const name = e?.name ?? 'Error';
      return { issues: [{ message: String(e?.message ?? e), ruleId: name, severity: 'error', clause: '' }] };
    }
    if (onResult) onResult(result);
    const issues = [];
    for (const f of result.findings) {
      if (f.severity !== 'error') continue;
      const issue = { message: f.message, ruleId: f.rule_id, severity: f.severity, clause: f.clause };
      const path = pointerToPath(f.path);
      if (path) issue.path = path;
      if (f.actual !== undefined) issue.actual = f.actual;
      if (f.expected !== undefined) issue.expected = f.expected;
      issues.push(issue);
    }
    return issues.length ? { issues } : { value };
  }

  return { '~standard': { version: 1, vendor: 'qagida', validate } };
}

const INDEX = /^(0|[1-9][0-9]*)$/;
const token = (t) => (INDEX.test(t) && Number.isSafeInteger(Number(t)) ? Number(t) : t.replace(/~1/g, '/').replace(/~0/g, '~'));

/**
 * A JSON Pointer (RFC 6901) as a Standard Schema path: its reference tokens with `~1` decoded to
 * `/` and `~0` to `~` (in that order, section 4), array indices (digits without a leading zero,
 * up to 2^53 - 1) as numbers. The empty pointer (the whole document) has no path: `undefined`.
 *
 * @param {string} pointer
 * @returns {Array<string | number> | undefined}
 */
export function pointerToPath(pointer) {
  if (!pointer) return undefined;
  if (pointer[0] !== '/') throw new SyntaxError(`not a JSON Pointer: ${JSON.stringify(pointer)}`);
  return pointer.slice(1).split('/').map(token);
}
