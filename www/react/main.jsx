// The demo's React page: a prescription and an MDT conclusion form as a vendor would write them,
// with React, react-hook-form and the package's Standard Schema (`standardSchema`) through
// `standardSchemaResolver` — the pack's rules are the form's validation, in kk/ru/en.
//
//   const schema = standardSchema(validator, { lang, mode, onResult });
//   useForm({ resolver: standardSchemaResolver(schema), mode: 'onChange' });
//
// Errors (findings of severity `error`) come back as react-hook-form errors at the finding's
// path and show under their fields; a submit with one is blocked. `onResult` gets the whole
// result, for what Standard Schema's issues do not carry: warnings and infos, findings on fields
// this form does not show, and a draft's `skipped` checks ("will be checked when … is filled").
//
// While typing the form is a draft (`mode: 'draft'`: what is not filled in yet is not an error);
// Submit validates in full (`mode: 'submit'`). Labels and enumerations come from the pack's
// document model (documents.schema.json); dates are typed as DD.MM.YYYY (../dates.js).
//
// Bundled by scripts/build-demo.mjs (esbuild) into www/dist/react/.
import { StrictMode, createContext, useCallback, useContext, useEffect, useId, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { Controller, useForm } from 'react-hook-form';
import { standardSchemaResolver } from '@hookform/resolvers/standard-schema';
import init, { Validator } from '@qagida/validator/web';
import { standardSchema } from '@qagida/validator/standard-schema';
import wasmUrl from '@qagida/validator/web/qagida_wasm_bg.wasm';
import packUrl from '@qagida/validator/web/packs/default.qpack';
import documentsSchema from '../dist/documents.schema.json';
import { DATE_PATTERN, TIME_PATTERN, ZONE_NAME, dateTimeValue, dateValue, formatDate, spellDate, splitDateTime } from '../dates.js';
import { DocumentModel, decimalValue, integerValue } from '../forms.js';
import { LANG_NAMES, UI } from '../i18n.js';

const LANGS = ['kk', 'ru', 'en'];
const FORMS = ['prescription', 'mdt_conclusion'];
const model = new DocumentModel(documentsSchema);

const ui = (lang, key, ...args) => {
  const v = UI[key]?.[lang] ?? UI[key]?.en ?? key;
  return typeof v === 'function' ? v(...args) : v;
};
const toPointer = (name) => `/${name.split('.').join('/')}`;
const toName = (pointer) => pointer.slice(1).split('/').join('.');
const blank = (v) => (v === '' ? undefined : v);
const errorAt = (errors, name) => name.split('.').reduce((e, k) => e?.[k], errors);
/** The label of the field (or record) at `name` of a document of `type`, from the pack's model. */
const labelOf = (type, name, lang) => model.label(model.nodeAt(type, toPointer(name)), lang, name);
/** Where a JSON Pointer of a document of `type` is, in words, from the pack's model. */
const pointerLabel = (type, pointer, lang, document) => model.pointerLabel(type, pointer, lang, document, { each: ui(lang, 'each') });

/** What every field of one form needs: its document type, the page's language, the form. */
const FormContext = createContext(null);

// ------------------------------------------------------------------------------------ fields

/** What a note says: the rule's ID (if known), its message and the clause of the regulation. */
function NoteText({ rule, message, clause }) {
  return (
    <>
      {rule && <code className="rule">{rule}</code>} <span className="msg">{message}</span>
      {clause && <span className="clause">{clause}</span>}
    </>
  );
}

/**
 * A field's frame: its label from the pack's model, the control, and what the rules say of it.
 * `children` renders the control from the attributes it must carry (id, aria-*, data-path).
 */
function Field({ name, label, wide, children }) {
  const { type, lang, errors, result } = useContext(FormContext);
  const id = useId();
  const pointer = toPointer(name);
  const error = errorAt(errors, name);
  const here = (result?.findings ?? []).filter((f) => f.path === pointer);
  // The resolver's error carries the finding's message; its rule ID and clause are in the result.
  const source = error && here.find((f) => f.severity === 'error' && f.message === error.message);
  const findings = here.filter((f) => f.severity !== 'error');
  const waits = new Set();
  for (const s of result?.skipped ?? []) {
    if (s.path !== pointer) continue;
    for (const p of s.waits_for ?? []) if (p !== pointer) waits.add(pointerLabel(type, p, lang, result?.document));
  }
  const sev = error ? 'sev-error' : findings[0] ? `sev-${findings[0].severity}` : '';
  const attrs = { id, 'aria-invalid': error ? true : undefined, 'aria-describedby': `${id}-notes`, 'data-path': pointer };
  return (
    <div className={`field ${sev}${wide ? ' wide' : ''}`} data-field-path={pointer}>
      <label htmlFor={id}>{label ?? labelOf(type, name, lang)}</label>
      <div className="control">{children(attrs)}</div>
      <ul className="notes" id={`${id}-notes`} aria-live="polite">
        {error && (
          <li className="note sev-error error-message" data-rule={source?.rule_id}>
            <NoteText rule={source?.rule_id} message={error.message} clause={source?.clause} />
          </li>
        )}
        {findings.map((f, i) => (
          <li key={i} className={`note sev-${f.severity}`} data-rule={f.rule_id}>
            <NoteText rule={f.rule_id} message={f.message} clause={f.clause} />
          </li>
        ))}
        {waits.size > 0 && <li className="note waiting-note">{ui(lang, 'waits', [...waits].join(', '))}</li>}
      </ul>
    </div>
  );
}

function Text({ name, wide }) {
  const { register } = useContext(FormContext);
  return (
    <Field name={name} wide={wide}>
      {(attrs) => <input {...attrs} type="text" autoComplete="off" spellCheck="false" {...register(name, { setValueAs: blank })} />}
    </Field>
  );
}

/** A whole number or a decimal, kept as typed (integerValue / decimalValue of ../forms.js). */
function NumberText({ name, decimal, label }) {
  const { register } = useContext(FormContext);
  return (
    <Field name={name} label={label}>
      {(attrs) => (
        <input {...attrs} type="text" inputMode={decimal ? 'decimal' : 'numeric'} autoComplete="off"
          {...register(name, { setValueAs: (v) => (typeof v === 'number' ? v : decimal ? decimalValue(v ?? '') : integerValue(v ?? '')) })} />
      )}
    </Field>
  );
}

/** A value of an enumeration of the pack, each option showing its label in the page's language. */
function Choice({ name }) {
  const { type, lang, register } = useContext(FormContext);
  const node = model.nodeAt(type, toPointer(name));
  const labels = node?.['x-qagida-enum-labels'] ?? {};
  const values = node?.enum ?? node?.examples ?? Object.keys(labels);
  // Long labels ("Primary health care") get the whole row.
  const wide = values.some((v) => (labels[v]?.[lang] ?? '').length > 28);
  return (
    <Field name={name} wide={wide}>
      {(attrs) => (
        <select {...attrs} {...register(name, { setValueAs: blank })}>
          <option value="">—</option>
          {values.map((v) => (
            <option key={v} value={v}>{labels[v]?.[lang] ?? labels[v]?.en ?? v}</option>
          ))}
        </select>
      )}
    </Field>
  );
}

function YesNo({ name }) {
  const { lang, control } = useContext(FormContext);
  return (
    <Field name={name}>
      {(attrs) => (
        <Controller name={name} control={control} render={({ field }) => (
          <select {...attrs} ref={field.ref}
            value={field.value === true ? 'true' : field.value === false ? 'false' : ''} onBlur={field.onBlur}
            onChange={(e) => field.onChange(e.target.value === '' ? undefined : e.target.value === 'true')}>
            <option value="">—</option>
            <option value="true">{ui(lang, 'yes')}</option>
            <option value="false">{ui(lang, 'no')}</option>
          </select>
        )} />
      )}
    </Field>
  );
}

/**
 * Text that is kept as typed while the form's value is derived from it (`toValue`), and shown
 * again from the value (`toText`) when the value changes from outside (a reset).
 */
function useTyped(value, toText, toValue, onChange) {
  const [texts, setTexts] = useState(() => toText(value));
  const emitted = useRef(value);
  useEffect(() => {
    if (!Object.is(value, emitted.current)) {
      emitted.current = value;
      setTexts(toText(value));
    }
  }, [value]);
  const change = (i, text) => {
    const next = texts.map((t, j) => (j === i ? text : t));
    setTexts(next);
    const v = toValue(...next);
    emitted.current = v;
    onChange(v);
  };
  return [texts, change];
}

/** The date typed as DD.MM.YYYY: the field's own input (`attrs` of Field). */
function DateInput({ field, attrs, lang, text, onText }) {
  return (
    <input {...attrs} ref={field.ref} type="text" inputMode="numeric" className="date" autoComplete="off" placeholder={DATE_PATTERN[lang]}
      value={text} onChange={(e) => onText(e.target.value)} onBlur={field.onBlur} />
  );
}

function DateText({ field, attrs, lang }) {
  const [[text], change] = useTyped(field.value, (v) => [formatDate(v) ?? (v == null ? '' : String(v))], dateValue, field.onChange);
  return (
    <>
      <DateInput field={field} attrs={attrs} lang={lang} text={text} onText={(t) => change(0, t)} />
      <span className="spelled" aria-hidden="true">{spellDate(field.value, lang)}</span>
    </>
  );
}

function DateTimeText({ field, attrs, lang }) {
  const toTexts = (v) => {
    const s = splitDateTime(v);
    return s ? [s.date, s.time] : [v == null ? '' : String(v), ''];
  };
  const [[date, time], change] = useTyped(field.value, toTexts, dateTimeValue, field.onChange);
  const split = splitDateTime(field.value);
  return (
    <>
      <DateInput field={field} attrs={attrs} lang={lang} text={date} onText={(t) => change(0, t)} />
      <input type="text" inputMode="numeric" className="time" autoComplete="off" placeholder={TIME_PATTERN[lang]} aria-label={ui(lang, 'time')}
        data-path-part="time" value={time} onChange={(e) => change(1, e.target.value)} onBlur={field.onBlur} />
      <span className="zone">{ZONE_NAME[lang]}</span>
      <span className="spelled" aria-hidden="true">{split ? `${spellDate(split.iso, lang)}, ${split.time}` : ''}</span>
    </>
  );
}

function DateField({ name, time }) {
  const { lang, control } = useContext(FormContext);
  const Input = time ? DateTimeText : DateText;
  return (
    <Field name={name} wide={time}>
      {(attrs) => <Controller name={name} control={control} render={({ field }) => <Input field={field} attrs={attrs} lang={lang} />} />}
    </Field>
  );
}

/** A fieldset titled with the label of the record at `name` (or `title`). */
function Section({ name, title, children }) {
  const { type, lang } = useContext(FormContext);
  return (
    <fieldset className="record" data-path={name ? toPointer(name) : undefined}>
      <legend>{title ?? labelOf(type, name, lang)}</legend>
      <div className="grid">{children}</div>
    </fieldset>
  );
}

function Organization({ name }) {
  return (
    <Section name={name}>
      <Text name={`${name}.bin`} />
      <Text name={`${name}.name`} wide />
      <Choice name={`${name}.care_level`} />
      <Choice name={`${name}.region`} />
    </Section>
  );
}

/** Whom the document is about and what for: the patient, the diagnosis, the drug. */
function PatientAndDrug() {
  return (
    <>
      <Section name="patient">
        <Text name="patient.iin" />
        <DateField name="patient.birth_date" />
        <Text name="patient.full_name" wide />
      </Section>
      <Section name="nosology">
        <Text name="nosology.icd10" />
        <Text name="nosology.name" wide />
      </Section>
      <Section name="drug">
        <Text name="drug.inn" />
        <Text name="drug.trade_name" />
        <Text name="drug.dosage_form" wide />
        <Text name="drug.strength" />
        <YesNo name="drug.is_infusion" />
        <YesNo name="drug.controlled_substance" />
      </Section>
    </>
  );
}

/** The dose and the route; `children`, how often and how long, between them; `after`, what follows. */
function Dosing({ children, after }) {
  const { type, lang } = useContext(FormContext);
  return (
    <Section title={ui(lang, 'dosing')}>
      <NumberText name="single_dose.amount" decimal label={labelOf(type, 'single_dose', lang)} />
      <Choice name="single_dose.unit" />
      <NumberText name="doses_per_day" />
      {children}
      <Choice name="route" />
      {after}
    </Section>
  );
}

/** The section of the document's own fields, titled with the document type's label. */
function Head({ children }) {
  const { type, lang } = useContext(FormContext);
  return <Section title={model.typeLabel(type, lang)}>{children}</Section>;
}

// ------------------------------------------------------------------------------------- forms

function PrescriptionFields() {
  return (
    <>
      <Head>
        <Text name="id" />
        <Text name="form" />
        <DateField name="issued_at" time />
        <DateField name="valid_until" />
        <YesNo name="electronic" />
        <Text name="mdt_conclusion_id" />
        <Text name="mis_record_id" />
        <Text name="dlo_record_id" />
      </Head>
      <Section name="prescriber">
        <Text name="prescriber.iin" />
        <Choice name="prescriber.role" />
        <YesNo name="prescriber.rural_without_doctor" />
      </Section>
      <Organization name="prescriber.organization" />
      <PatientAndDrug />
      <Dosing after={<Choice name="trade_name_reason" />}>
        <NumberText name="course_days" />
      </Dosing>
      <Section name="funding">
        <Choice name="funding.source" />
        <Choice name="funding.region" />
        <Text name="funding.decision_ref" />
      </Section>
      <Section name="eligibility">
        <Choice name="eligibility.status" />
        <YesNo name="eligibility.permanent_residence" />
        <YesNo name="eligibility.in_attached_register" />
        <YesNo name="eligibility.dynamic_observation" />
      </Section>
      <Organization name="eligibility.attached_to" />
    </>
  );
}

function MdtFields() {
  return (
    <>
      <Head>
        <Text name="id" />
        <DateField name="date" />
      </Head>
      <Organization name="medical_organization" />
      <PatientAndDrug />
      <Dosing>
        <NumberText name="course_days_per_month" />
        <NumberText name="courses_per_year" />
      </Dosing>
    </>
  );
}

const FIELDS = { prescription: PrescriptionFields, mdt_conclusion: MdtFields };

/**
 * A form and its starting values: Reset (the fixture) and Empty form start it again from new
 * values (a new react-hook-form instance: reset() with fewer fields would leave the others).
 */
function DocumentFormHost(props) {
  const [start, setStart] = useState({ values: props.fixture, generation: 0 });
  const restart = (values) => setStart((s) => ({ values, generation: s.generation + 1 }));
  return <DocumentForm key={start.generation} {...props} defaults={start.values} restart={restart} />;
}

function DocumentForm({ type, validator, fixture, defaults, restart, lang, liveMode, onSubmitted }) {
  const [result, setResult] = useState(null);
  const [sent, setSent] = useState(null); // {ok, errors?, document?} of the last submit
  // One Standard Schema per mode, remade when the language changes. The resolver reads them
  // through a ref, so react-hook-form always calls the current one; `next` is the mode of the
  // next validation: the live mode, or 'submit' while the Submit button's validation runs.
  const schemas = useMemo(() => {
    // The result, with the mode it was checked in and the document it was about.
    const onResult = (mode) => (r) => setResult({ ...r, mode, document: current.current });
    return {
      draft: standardSchema(validator, { lang, mode: 'draft', onResult: onResult('draft') }),
      submit: standardSchema(validator, { lang, mode: 'submit', onResult: onResult('submit') }),
    };
  }, [validator, lang]);
  const schemasRef = useRef(schemas);
  schemasRef.current = schemas;
  const next = useRef(liveMode);
  next.current = liveMode;
  const current = useRef(null); // the document being validated (for labels of bundle members)
  const resolver = useCallback((values, context, options) => {
    current.current = values;
    return standardSchemaResolver(schemasRef.current[next.current])(values, context, options);
  }, []);
  const form = useForm({ defaultValues: defaults, resolver, mode: 'onChange', reValidateMode: 'onChange' });
  const { control, register, handleSubmit, trigger, watch, formState } = form;
  // What the last Submit said is stale once the form changes.
  useEffect(() => {
    const sub = watch(() => setSent(null));
    return () => sub.unsubscribe();
  }, [watch]);
  // The JSON Pointers of the fields on the form, read from the rendered form: a finding on any
  // other path goes to the list of findings not tied to a field.
  const formRef = useRef(null);
  const [onForm, setOnForm] = useState(() => new Set());
  useLayoutEffect(() => {
    setOnForm(new Set([...formRef.current.querySelectorAll('[data-field-path]')].map((e) => e.dataset.fieldPath)));
  }, []);

  // Check the form once when shown, and again in the new language or mode (messages follow).
  useEffect(() => {
    trigger();
  }, [lang, liveMode]);

  const onSubmit = async (e) => {
    next.current = 'submit';
    try {
      await handleSubmit(
        (document) => setSent({ ok: true, document }),
        (errors) => setSent({ ok: false, errors: countErrors(errors) }),
      )(e);
    } finally {
      next.current = liveMode;
    }
    // From the first submit on, the form is checked in full as you type (as the plain page does).
    onSubmitted();
  };
  const Fields = FIELDS[type];
  const elsewhere = (result?.findings ?? []).filter((f) => !onForm.has(f.path));
  // A draft's checks about no field of the form (most are about the whole document), each with
  // the fields it waits for, by label.
  const spell = (p) => (p ? pointerLabel(type, p, lang, result?.document) : ui(lang, 'wholeDocument'));
  const waiting = (result?.skipped ?? [])
    .filter((s) => !onForm.has(s.path))
    .map((s) => ({ ...s, names: (s.waits_for ?? []).filter((p) => p !== s.path).map(spell) }))
    .filter((s) => s.names.length);
  const n = (s) => (result?.findings ?? []).filter((f) => f.severity === s).length;
  return (
    <FormContext.Provider value={{ type, lang, register, control, errors: formState.errors, result }}>
      <form ref={formRef} className="doc-form rhf" id={`rhf-${type}`} noValidate onSubmit={onSubmit} data-doctype={type}
        data-valid={result ? String(result.valid) : undefined} data-mode={result?.mode ?? 'submit'}>
        <div className="doc-head">
          <h2 className="form-title">{model.typeLabel(type, lang)}</h2>
          <div className="status">
            {result && (
              <p className="verdict" role="status" data-valid={String(result.valid)}>
                {`${result.valid ? ui(lang, result.mode === 'draft' ? 'draftOk' : 'valid') : ui(lang, 'invalid')} — ${ui(lang, 'counts', n('error'), n('warning'), n('info'))}`}
              </p>
            )}
            <p className="timing">{result && ui(lang, result.mode === 'draft' ? 'draftChecked' : 'submitChecked')}</p>
          </div>
          <div className="actions">
            <button type="submit" className="submit primary">{ui(lang, 'submitButton')}</button>
            <button type="button" className="reset" onClick={() => restart(fixture)}>{ui(lang, 'reset')}</button>
            <button type="button" className="clear" onClick={() => restart({ document_type: type })}>{ui(lang, 'clear')}</button>
          </div>
        </div>
        {sent && (
          <p className="submit-result" role="status" data-state={sent.ok ? 'ok' : 'blocked'}>
            {sent.ok ? ui(lang, 'submitOk') : ui(lang, 'submitBlocked', sent.errors)}
          </p>
        )}
        <div className="other">
          <h3 className="other-title">{ui(lang, 'other')}</h3>
          <ul className="other-list">
            {elsewhere.length === 0 && <li className="none">{ui(lang, 'none')}</li>}
            {elsewhere.map((f, i) => (
              <li key={i} className={`note sev-${f.severity}`} data-rule={f.rule_id}>
                <span className="where">{spell(f.path)}</span>
                <code className="ptr">{f.path || '/'}</code> <NoteText rule={f.rule_id} message={f.message} clause={f.clause} />
              </li>
            ))}
          </ul>
          {waiting.length > 0 && (
            <details className="waiting">
              <summary>{ui(lang, 'waitingTitle', waiting.length)}</summary>
              <ul className="waiting-list">
                {waiting.map((s, i) => (
                  <li key={i} className="note waiting-note" data-rules={s.rule_id}>
                    <span className="where">{spell(s.path)}</span><code className="rule">{s.rule_id}</code> {ui(lang, 'waits', s.names.join(', '))}
                  </li>
                ))}
              </ul>
            </details>
          )}
        </div>
        <div className="fields">
          <Fields />
        </div>
        {sent?.ok && (
          <details className="doc" open>
            <summary>{ui(lang, 'sentDocument')}</summary>
            <pre className="doc-json">{JSON.stringify(sent.document, null, 2)}</pre>
          </details>
        )}
      </form>
    </FormContext.Provider>
  );
}

function countErrors(errors) {
  let n = 0;
  const walk = (e) => {
    if (!e || typeof e !== 'object') return;
    if (typeof e.message === 'string' && 'type' in e) n++;
    else for (const v of Object.values(e)) walk(v);
  };
  walk(errors);
  return n;
}

function App({ validator, fixtures }) {
  const params = new URLSearchParams(location.search);
  const [lang, setLang] = useState(LANGS.includes(params.get('lang')) ? params.get('lang') : validator.defaultLanguage);
  const [liveMode, setLiveMode] = useState('draft');
  const [active, setActive] = useState(FORMS.includes(location.hash.slice(1)) ? location.hash.slice(1) : FORMS[0]);
  useEffect(() => {
    document.documentElement.lang = lang;
    document.title = `${ui(lang, 'title')} — React`;
  }, [lang]);
  useEffect(() => {
    document.body.dataset.ready = 'true';
  }, []);
  return (
    <>
      <header className="top">
        <div>
          <h1>{ui(lang, 'title')}</h1>
          <p className="sub">{ui(lang, 'reactSubtitle')}</p>
        </div>
        <div className="switches">
          <div className="langs" role="group" aria-label={ui(lang, 'language')} id="langs">
            {LANGS.map((l) => (
              <button key={l} type="button" lang={l} data-lang={l} aria-pressed={String(l === lang)} onClick={() => setLang(l)}>{LANG_NAMES[l]}</button>
            ))}
          </div>
          <div className="modes" role="group" aria-label={ui(lang, 'modeLabel')}>
            <span>{ui(lang, 'modeLabel')}</span>
            <span id="modes">
              {['draft', 'submit'].map((m) => (
                <button key={m} type="button" data-mode={m} aria-pressed={String(m === liveMode)} onClick={() => setLiveMode(m)}>{ui(lang, m)}</button>
              ))}
            </span>
          </div>
          <p className="mode-help">{ui(lang, liveMode === 'draft' ? 'draftHelp' : 'submitHelp')}</p>
        </div>
      </header>
      <nav className="tabs" role="tablist">
        {FORMS.map((t) => (
          <button key={t} type="button" role="tab" className="tab" data-tab={t} aria-selected={String(t === active)}
            onClick={() => { setActive(t); history.replaceState(null, '', `#${t}`); }}>
            {model.typeLabel(t, lang)}
          </button>
        ))}
      </nav>
      {/* One form at a time; each keeps its own state while the other is shown. */}
      {FORMS.map((t) => (
        <div key={t} hidden={t !== active}>
          <DocumentFormHost type={t} validator={validator} fixture={fixtures[t]} lang={lang} liveMode={liveMode} onSubmitted={() => setLiveMode('submit')} />
        </div>
      ))}
      <footer>
        <a href="../">{ui(lang, 'plainLink')}</a>
      </footer>
    </>
  );
}

async function main() {
  // The validator module and the default pack: files esbuild copied beside the bundle.
  await init({ module_or_path: new URL(wasmUrl, import.meta.url) });
  const res = await fetch(new URL(packUrl, import.meta.url));
  if (!res.ok) throw new Error(`${packUrl}: HTTP ${res.status}`);
  const validator = Validator.fromCompiled(new Uint8Array(await res.arrayBuffer()));
  const fixtures = {};
  for (const fx of Object.values(validator.fixtures())) {
    if (FORMS.includes(fx?.document_type) && !fixtures[fx.document_type]) fixtures[fx.document_type] = fx;
  }
  createRoot(document.getElementById('root')).render(
    <StrictMode>
      <App validator={validator} fixtures={fixtures} />
    </StrictMode>,
  );
}

main().catch((e) => {
  const p = document.createElement('p');
  p.className = 'fatal';
  p.textContent = `${e.name ?? 'Error'}: ${e.message ?? e}`;
  document.getElementById('root').replaceChildren(p);
  document.body.dataset.ready = 'error';
  throw e;
});
