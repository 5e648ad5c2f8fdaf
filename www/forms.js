// Forms generated from the pack's document model: the JSON Schema of every document type that
// `qagida pack schema PACK` prints (scripts/build-demo.mjs puts it in www/dist/), with each
// field's label in kk/ru/en and each enumeration's values labelled. No form is written by hand:
// a document type or field a regulator adds to the pack gets its input on the next build.
//
// How a schema node becomes an input:
//   record ($ref to a record type)     a fieldset; a record of at most two plain fields (a
//                                      quantity: amount + unit) is one compound field instead
//   list (type array)                  a repeatable group: an item per element, add / remove
//   bundle member ($ref "#")           a member: its document type picked from the pack's types,
//                                      then that type's form nested
//   enumeration (enum / examples)      a <select> showing each value's label in the page's
//                                      language; an open enumeration also takes other text
//   boolean                            a yes / no <select> (blank: not stated)
//   integer, decimal                   text with inputmode numeric / decimal; the text typed is
//                                      kept exactly (a decimal JS would round is sent as a string)
//   date, date-time                    the page language's DD.MM.YYYY (+ HH:MM, Astana), see dates.js
//   anything else                      text; a field of no declared type (`any`) takes JSON
//
// Every input and group carries `data-path`, the JSON Pointer of what it edits: a finding's
// `path` finds its field with it. The document itself is the state: inputs write into it.
import { DATE_PATTERN, TIME_PATTERN, ZONE_NAME, dateTimeValue, dateValue, formatDate, spellDate, splitDateTime } from './dates.js';

// ------------------------------------------------------------------------------ the schema

const refName = (ref) => (ref.startsWith('#/$defs/') ? decodeURIComponent(ref.slice(8)) : null);

/**
 * A property's schema as the form reads it: the schema takes `null` wherever a value is (the
 * engine reads `null` as absent), as `{"anyOf": [{"$ref": …}, {"type": "null"}]}` for a record
 * and `null` among an enumeration's values; a form offers the value itself, so `null` is left
 * out here (an empty control is what stands for it).
 */
function withoutNull(s) {
  if (!s || typeof s !== 'object') return s;
  let out = s;
  if (Array.isArray(s.anyOf)) {
    const some = s.anyOf.filter((b) => b?.type !== 'null');
    if (some.length === 1) {
      const { anyOf, ...rest } = s;
      out = { ...rest, ...some[0] };
    }
  }
  if (Array.isArray(out.enum) && out.enum.includes(null)) out = { ...out, enum: out.enum.filter((v) => v !== null) };
  if (out.items) out = { ...out, items: withoutNull(out.items) };
  return out;
}

/** The document model read from the pack's JSON Schema. */
export class DocumentModel {
  constructor(schema) {
    if (!schema || typeof schema.$defs !== 'object' || !Array.isArray(schema.oneOf)) {
      throw new Error('not a document schema of `qagida pack schema`: no $defs / oneOf');
    }
    this.schema = schema;
    this.defs = Object.fromEntries(Object.entries(schema.$defs).map(([name, def]) => [
      name,
      def?.properties ? { ...def, properties: Object.fromEntries(Object.entries(def.properties).map(([k, p]) => [k, withoutNull(p)])) } : def,
    ]));
    /** The document types, in the pack's order. */
    this.documentTypes = schema.oneOf.map((r) => refName(r.$ref)).filter((n) => n && this.defs[n]);
  }

  /** The label of a schema node (a type or a property) in `lang`. */
  label(node, lang, fallback = '') {
    const ls = node?.['x-qagida-labels'];
    return ls?.[lang] ?? ls?.en ?? node?.title ?? fallback;
  }

  typeLabel(type, lang) {
    return this.label(this.defs[type], lang, type);
  }

  /** The record or document type a property refers to, or null. */
  target(s) {
    return s?.$ref ? (s.$ref === '#' ? '#' : this.defs[refName(s.$ref)] ?? null) : null;
  }

  /** What a property is, for the form: see the table at the top of this file. */
  kind(s) {
    if (!s) return 'any';
    if (s.$ref === '#') return 'document';
    if (s.$ref) return this.target(s) ? 'record' : 'any';
    const types = Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
    if (types.includes('array')) return 'list';
    if (types.includes('object')) return 'any';
    if (types.includes('boolean')) return 'bool';
    if (types.includes('integer')) return 'integer';
    if (types.includes('number') || s.format === 'decimal') return 'decimal';
    if (types.includes('string')) {
      if (s.format === 'date') return 'date';
      if (s.format === 'date-time') return 'datetime';
      if (s['x-qagida-enum-labels'] || Array.isArray(s.enum)) return 'enum';
      return 'string';
    }
    return 'any';
  }

  /**
   * A record small enough to be one compound field: at most two properties, each a number, a
   * choice or yes/no (a quantity: amount and unit). Free text (a name) needs a row of its own.
   */
  compact(def) {
    const props = Object.values(def?.properties ?? {});
    return props.length > 0 && props.length <= 2 && props.every((p) => ['decimal', 'integer', 'enum', 'bool'].includes(this.kind(p)));
  }

  /** The properties of a type, without `document_type` (fixed by the type itself). */
  properties(def) {
    return Object.entries(def?.properties ?? {}).filter(([k]) => k !== 'document_type');
  }

  /**
   * The schema node of the field a JSON Pointer of a `type` document reaches (a property, or a
   * list's `items`), or null when the model has no such field. Bundle members are not followed.
   */
  nodeAt(type, pointer) {
    let def = this.defs[type];
    let node = null;
    for (const tok of tokens(pointer)) {
      if (node && this.kind(node) === 'list') {
        if (!/^\d+$/.test(tok) && tok !== '*') return null;
        node = node.items ?? null;
      } else {
        node = def?.properties?.[tok] ?? null;
        if (!node) return null;
      }
      def = this.kind(node) === 'record' ? this.target(node) : null;
    }
    return node;
  }

  /**
   * A JSON Pointer of a document spelled with the model's labels, "Patient › IIN"; list items
   * are numbered (№2), `*` is "each". `doc` tells a bundle member's type.
   */
  pointerLabel(type, pointer, lang, doc, words = { each: '*' }) {
    const parts = [];
    let def = this.defs[type];
    let node = null; // the property being walked into
    let value = doc;
    for (const tok of pointer.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))) {
      if (node && this.kind(node) === 'list') {
        parts[parts.length - 1] += tok === '*' ? ` (${words.each})` : /^\d+$/.test(tok) ? ` №${Number(tok) + 1}` : `/${tok}`;
        value = /^\d+$/.test(tok) && Array.isArray(value) ? value[Number(tok)] : undefined;
        node = node.items;
        if (this.kind(node) === 'document') {
          def = this.defs[value?.document_type] ?? null;
          node = null;
        } else if (this.kind(node) === 'record') {
          def = this.target(node);
          node = null;
        }
        continue;
      }
      const prop = def?.properties?.[tok];
      if (!prop) {
        parts.push(tok);
        def = null;
        node = null;
        value = undefined;
        continue;
      }
      parts.push(this.label(prop, lang, tok));
      value = value && typeof value === 'object' ? value[tok] : undefined;
      const k = this.kind(prop);
      if (k === 'record') {
        def = this.target(prop);
        node = null;
      } else if (k === 'document') {
        def = this.defs[value?.document_type] ?? null;
        node = null;
      } else node = prop;
    }
    return parts.join(' › ') || this.typeLabel(type, lang);
  }
}

// ------------------------------------------------------------------------- JSON Pointers

export const tokens = (ptr) => ptr.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
const esc = (k) => String(k).replace(/~/g, '~0').replace(/\//g, '~1');
export const child = (ptr, k) => `${ptr}/${esc(k)}`;

export function getAt(doc, ptr) {
  let cur = doc;
  for (const k of tokens(ptr)) {
    if (cur == null || typeof cur !== 'object') return undefined;
    cur = cur[k];
  }
  return cur;
}

/** Sets a value, making the objects on its path that are missing. */
export function setAt(doc, ptr, value) {
  const ks = tokens(ptr);
  let cur = doc;
  for (const k of ks.slice(0, -1)) {
    if (cur[k] == null || typeof cur[k] !== 'object') cur[k] = {};
    cur = cur[k];
  }
  cur[ks.at(-1)] = value;
}

/**
 * Removes a field, then each object on its path that became empty — but not an element of a
 * list (that would renumber the others) nor the document.
 */
export function deleteAt(doc, ptr) {
  const ks = tokens(ptr);
  const chain = [doc];
  for (const k of ks.slice(0, -1)) {
    const next = chain.at(-1)?.[k];
    if (next == null || typeof next !== 'object') return;
    chain.push(next);
  }
  const last = chain.at(-1);
  if (Array.isArray(last)) return;
  delete last[ks.at(-1)];
  for (let i = chain.length - 1; i > 0; i--) {
    const parent = chain[i - 1];
    if (Array.isArray(parent) || Array.isArray(chain[i]) || Object.keys(chain[i]).length > 0) break;
    delete parent[ks[i - 1]];
  }
}

// ------------------------------------------------------------------ values of the inputs

/** An integer field's value: a whole number when the text is one (exactly), else the text. */
export function integerValue(text) {
  const v = String(text).trim();
  if (v === '') return undefined;
  return /^-?\d+$/.test(v) && Number.isSafeInteger(Number(v)) ? Number(v) : text;
}

/**
 * A decimal field's value, exact: a number when JS writes it back as the same text, else the
 * decimal as a string ("2400.50", which the document model takes for every decimal), else the
 * text as typed. A decimal comma (2,5) is read as a point.
 */
export function decimalValue(text) {
  const raw = String(text);
  let v = raw.trim();
  if (v === '') return undefined;
  if (/^-?\d+,\d+$/.test(v)) v = v.replace(',', '.');
  if (/^-?\d+(\.\d+)?$/.test(v)) return String(Number(v)) === v ? Number(v) : v;
  return raw;
}

// ------------------------------------------------------------------------------- the DOM

export function el(tag, props = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v == null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k === 'dataset') Object.assign(e.dataset, v);
    else if (k === 'value') e.value = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  e.append(...children.flat().filter((c) => c != null));
  return e;
}

let uid = 0;
const OTHER = '\u0000other';

/**
 * Renders the form of one document.
 *
 * @param {object} o
 * @param {DocumentModel} o.model
 * @param {object} o.doc          the document (edited in place by the inputs)
 * @param {string} o.lang         the page's language
 * @param {(key: string) => string} o.ui   interface texts (add, remove, yes, no, other, …)
 * @param {Map<string, object>} o.typed    what was typed into each field, kept across renders
 *                                         (a date as typed, "2,5"), by JSON Pointer
 * @param {Map<string, boolean>} [o.expanded]  which bundle members' forms the user opened or
 *                                         closed, by JSON Pointer, kept across renders
 * @param {() => void} o.onEdit       a value changed (validate)
 * @param {() => void} o.onStructure  an item was added or removed (render again, validate)
 * @returns {{body: Element, places: Map<string, {wrap: Element, notes: Element, input?: Element}>}}
 *          `places`: every field and group by JSON Pointer, where findings go
 */
export function renderDocument(o) {
  const places = new Map();
  const ctx = { ...o, places };
  const body = el('div', { class: 'fields' }, documentBody(ctx, o.doc.document_type, '', o.doc));
  return { body, places };
}

function documentBody(ctx, type, ptr, value) {
  const def = ctx.model.defs[type];
  if (!def) return [el('p', { class: 'unknown-type', text: `${ctx.ui('unknownType')}: ${type}` })];
  const { plain, nested } = recordParts(ctx, def, ptr, value ?? {});
  return [plain.length ? el('fieldset', { class: 'general' }, el('legend', { text: ctx.model.typeLabel(type, ctx.lang) }), plain) : null, ...nested];
}

/**
 * The parts of a record, in the model's order: `plain`, its fields that fit a grid (compound
 * ones included), and `nested`, a fieldset per nested record and a group per list.
 */
function recordParts(ctx, def, ptr, value) {
  const plain = [];
  const nested = [];
  for (const [name, s] of ctx.model.properties(def)) {
    const p = child(ptr, name);
    const v = value?.[name];
    const k = ctx.model.kind(s);
    const label = ctx.model.label(s, ctx.lang, name);
    const object = v == null || (typeof v === 'object' && !Array.isArray(v));
    // A value of the wrong shape (text where a record is due) gets a plain field showing it as it is.
    if (k === 'record' && object) {
      const target = ctx.model.target(s);
      if (ctx.model.compact(target)) plain.push(compound(ctx, target, p, v, label));
      else nested.push(recordSet(ctx, target, p, v, label));
    } else if (k === 'list' && (v == null || Array.isArray(v))) nested.push(listGroup(ctx, s, p, v, label));
    else if (k === 'document' && object) nested.push(memberCard(ctx, p, v, label, null));
    else plain.push(field(ctx, ['record', 'list', 'document'].includes(k) ? {} : s, p, v, label));
  }
  return { plain, nested };
}

/** Where a finding on a group (a record, a list, an item) goes. */
function groupPlace(ctx, ptr, wrap) {
  const notes = el('ul', { class: 'notes group-notes', 'aria-live': 'polite' });
  wrap.dataset.path = ptr;
  ctx.places.set(ptr, { wrap, notes });
  return notes;
}

/** A record's fields: those that fit a grid in one, then its nested records and lists. */
function recordInto(ctx, box, def, ptr, value) {
  const { plain, nested } = recordParts(ctx, def, ptr, value ?? {});
  if (plain.length) box.append(el('div', { class: 'grid' }, plain));
  box.append(...nested);
  return box;
}

function recordSet(ctx, def, ptr, value, label) {
  const set = el('fieldset', { class: 'record' });
  const notes = groupPlace(ctx, ptr, set);
  set.append(el('legend', { text: label }), notes);
  return recordInto(ctx, set, def, ptr, value);
}

/** A small record (amount + unit) as one field of the parent's grid. */
function compound(ctx, def, ptr, value, label) {
  const wrap = el('div', { class: 'field compound' });
  const notes = groupPlace(ctx, ptr, wrap);
  const row = el('div', { class: 'compound-row' },
    ctx.model.properties(def).map(([name, s]) => field(ctx, s, child(ptr, name), value?.[name], ctx.model.label(s, ctx.lang, name), true)));
  wrap.append(el('span', { class: 'label', text: label }), row, notes);
  return wrap;
}

function listGroup(ctx, s, ptr, value, label) {
  const items = Array.isArray(value) ? value : [];
  const itemSchema = s.items ?? {};
  const k = ctx.model.kind(itemSchema);
  const set = el('fieldset', { class: `list list-${k}` });
  const notes = groupPlace(ctx, ptr, set);
  set.append(el('legend', { text: `${label} (${items.length})` }), notes);
  items.forEach((item, i) => {
    const p = child(ptr, i);
    const remove = el('button', {
      type: 'button', class: 'remove', 'aria-label': `${ctx.ui('remove')}: ${label} №${i + 1}`, text: ctx.ui('remove'),
      onclick: () => {
        const arr = getAt(ctx.doc, ptr);
        arr.splice(i, 1);
        for (const key of [...(ctx.expanded?.keys() ?? [])]) if (key.startsWith(`${ptr}/`)) ctx.expanded.delete(key);
        if (arr.length === 0) deleteAt(ctx.doc, ptr);
        for (const key of [...ctx.typed.keys()]) if (key.startsWith(`${ptr}/`)) ctx.typed.delete(key);
        ctx.onStructure(ptr);
      },
    });
    if (k === 'document') set.append(memberCard(ctx, p, item, `${label} №${i + 1}`, remove));
    else if (k === 'record' && (item == null || (typeof item === 'object' && !Array.isArray(item)))) {
      const card = el('div', { class: 'item' });
      const itemNotes = groupPlace(ctx, p, card);
      card.append(el('div', { class: 'item-head' }, el('span', { class: 'item-title', text: `${label} №${i + 1}` }), remove), itemNotes);
      set.append(recordInto(ctx, card, ctx.model.target(itemSchema), p, item));
    } else {
      const f = field(ctx, ['record', 'list', 'document'].includes(k) ? {} : itemSchema, p, item, `${label} №${i + 1}`);
      set.append(el('div', { class: 'item item-scalar' }, f, remove));
    }
  });
  const add = (initial) => {
    ctx.expanded?.set(child(ptr, items.length), true);
    const arr = getAt(ctx.doc, ptr);
    if (Array.isArray(arr)) arr.push(initial);
    else setAt(ctx.doc, ptr, [initial]);
    ctx.onStructure(child(ptr, items.length));
  };
  if (k === 'document') {
    const pick = el('select', { class: 'add-type', 'aria-label': ctx.ui('memberType') },
      ctx.model.documentTypes.map((t) => el('option', { value: t, text: ctx.model.typeLabel(t, ctx.lang) })));
    set.append(el('div', { class: 'add-row' }, pick,
      el('button', { type: 'button', class: 'add', text: ctx.ui('addMember'), onclick: () => add({ document_type: pick.value }) })));
  } else {
    const initial = () => (k === 'record' ? {} : k === 'bool' ? false : '');
    set.append(el('div', { class: 'add-row' },
      el('button', { type: 'button', class: 'add', text: `+ ${ctx.ui('add')}: ${label}`, onclick: () => add(initial()) })));
  }
  return set;
}

/** A bundle member: its document type, then that type's form. */
function memberCard(ctx, ptr, value, label, remove) {
  const card = el('div', { class: 'item member' });
  const notes = groupPlace(ctx, ptr, card);
  const type = value?.document_type;
  const pick = el('select', {
    class: 'member-type', 'aria-label': ctx.ui('memberType'), dataset: { path: child(ptr, 'document_type') },
    onchange: () => {
      setAt(ctx.doc, ptr, { document_type: pick.value });
      for (const key of [...ctx.typed.keys()]) if (key.startsWith(`${ptr}/`)) ctx.typed.delete(key);
      ctx.onStructure(ptr);
    },
  }, ctx.model.documentTypes.map((t) => el('option', { value: t, text: ctx.model.typeLabel(t, ctx.lang) })));
  if (type && !ctx.model.documentTypes.includes(type)) pick.append(el('option', { value: type, text: String(type) }));
  pick.value = type ?? '';
  card.append(el('div', { class: 'item-head' }, el('span', { class: 'item-title', text: label }), pick, remove), notes);
  // A place for findings on the member's document_type (DOCTYPE).
  ctx.places.set(child(ptr, 'document_type'), { wrap: card, notes, input: pick });
  if (type && ctx.model.defs[type]) {
    // A bundle of many members is long: each member's form folds (open when it is one of two or
    // fewer, when the user opened it, or when a finding lands in it).
    const many = (getAt(ctx.doc, ptr.replace(/\/[^/]*$/, ''))?.length ?? 0) > 2;
    const open = ctx.expanded?.get(ptr) ?? !many;
    const body = el('details', { class: 'member-body', open },
      el('summary', { text: [ctx.model.typeLabel(type, ctx.lang), value?.id].filter((x) => typeof x === 'string' && x).join(' · ') }),
      el('div', { class: 'fields nested' }, documentBody(ctx, type, ptr, value)));
    body.addEventListener('toggle', () => ctx.expanded?.set(ptr, body.open));
    card.append(body);
  }
  return card;
}

/** One input (or two, for a date-time), its label, and the list its findings go to. */
function field(ctx, s, ptr, value, label, small = false) {
  const id = `f${++uid}`;
  const k = ctx.model.kind(s);
  const notes = el('ul', { class: 'notes', id: `${id}-notes`, 'aria-live': 'polite' });
  const wrap = el('div', { class: `field kind-${k}${small ? ' small' : ''}`, dataset: { fieldPath: ptr } });
  const typed = ctx.typed.get(ptr);
  const shown = typed && Object.is(typed.value, value) ? typed.texts : null;
  const remember = (v, texts) => ctx.typed.set(ptr, { value: v, texts });
  const write = (v) => {
    if (v === undefined) deleteAt(ctx.doc, ptr);
    else setAt(ctx.doc, ptr, v);
    ctx.onEdit(ptr);
  };
  const common = { id, 'aria-describedby': notes.id, spellcheck: 'false', autocomplete: 'off', dataset: { path: ptr, kind: k } };
  const text = (v) => (v == null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));
  let input;
  let extra = null;

  switch (k) {
    case 'enum': {
      const labels = s['x-qagida-enum-labels'] ?? {};
      const values = s.enum ?? s.examples ?? Object.keys(labels);
      const open = !Array.isArray(s.enum);
      input = el('select', common, el('option', { value: '', text: '—' }),
        values.map((v) => el('option', { value: v, text: labels[v]?.[ctx.lang] ?? labels[v]?.en ?? v })));
      const known = value == null || values.includes(value);
      const other = el('input', { type: 'text', class: 'other-text', 'aria-label': `${label}: ${ctx.ui('otherValue')}`, spellcheck: 'false', autocomplete: 'off', hidden: true });
      if (open) input.append(el('option', { value: OTHER, text: `${ctx.ui('otherValue')}…` }));
      if (!known && open) {
        input.value = OTHER;
        other.hidden = false;
        other.value = text(value);
      } else if (!known) {
        // A value the closed list lacks (an old code, a typo from another system): shown as it is,
        // still selectable, so the document keeps it and the validator can judge it.
        input.append(el('option', { value: text(value), text: text(value) }));
        input.value = text(value);
      } else input.value = value ?? '';
      input.addEventListener('change', () => {
        other.hidden = input.value !== OTHER;
        if (input.value === OTHER) {
          other.focus();
          write(other.value === '' ? undefined : other.value);
        } else write(input.value === '' ? undefined : input.value);
      });
      other.addEventListener('input', () => write(other.value === '' ? undefined : other.value));
      if (open) extra = other;
      // Long labels ("Primary health care") get the whole row.
      if (values.some((v) => (labels[v]?.[ctx.lang] ?? '').length > 28)) wrap.classList.add('wide');
      break;
    }
    case 'bool': {
      input = el('select', common, el('option', { value: '', text: '—' }),
        el('option', { value: 'true', text: ctx.ui('yes') }), el('option', { value: 'false', text: ctx.ui('no') }));
      if (value === true || value === false || value == null) input.value = value == null ? '' : String(value);
      else {
        input.append(el('option', { value: text(value), text: text(value) }));
        input.value = text(value);
      }
      input.addEventListener('change', () => write(input.value === '' ? undefined : input.value === 'true' ? true : input.value === 'false' ? false : input.value));
      break;
    }
    case 'date': {
      const spelled = el('span', { class: 'spelled', 'aria-hidden': 'true' });
      const show = (v) => { spelled.textContent = spellDate(v, ctx.lang); };
      input = el('input', { ...common, type: 'text', inputmode: 'numeric', placeholder: DATE_PATTERN[ctx.lang] ?? DATE_PATTERN.en, class: 'date' });
      input.value = shown?.[0] ?? formatDate(value) ?? text(value);
      show(value);
      input.addEventListener('input', () => {
        const v = dateValue(input.value);
        remember(v, [input.value]);
        show(v);
        write(v);
      });
      extra = spelled;
      break;
    }
    case 'datetime': {
      const split = splitDateTime(value);
      const spelled = el('span', { class: 'spelled', 'aria-hidden': 'true' });
      const show = (v) => {
        const sp = splitDateTime(v);
        spelled.textContent = sp ? `${spellDate(sp.iso, ctx.lang)}, ${sp.time}` : '';
      };
      input = el('input', { ...common, type: 'text', inputmode: 'numeric', placeholder: DATE_PATTERN[ctx.lang] ?? DATE_PATTERN.en, class: 'date' });
      const time = el('input', {
        id: `${id}-time`, type: 'text', inputmode: 'numeric', class: 'time', placeholder: TIME_PATTERN[ctx.lang] ?? TIME_PATTERN.en,
        'aria-label': `${label}: ${ctx.ui('time')}`, spellcheck: 'false', autocomplete: 'off', dataset: { pathPart: 'time' },
      });
      if (shown) [input.value, time.value] = shown;
      else if (split) [input.value, time.value] = [split.date, split.time];
      else input.value = text(value);
      show(value);
      const onInput = () => {
        const v = dateTimeValue(input.value, time.value);
        remember(v, [input.value, time.value]);
        show(v);
        write(v);
      };
      input.addEventListener('input', onInput);
      time.addEventListener('input', onInput);
      extra = [time, el('span', { class: 'zone', text: ZONE_NAME[ctx.lang] ?? ZONE_NAME.en }), spelled];
      break;
    }
    case 'integer':
    case 'decimal': {
      input = el('input', { ...common, type: 'text', inputmode: k === 'integer' ? 'numeric' : 'decimal', class: 'number' });
      input.value = shown?.[0] ?? text(value);
      input.addEventListener('input', () => {
        const v = k === 'integer' ? integerValue(input.value) : decimalValue(input.value);
        remember(v, [input.value]);
        write(v);
      });
      break;
    }
    case 'any': {
      // No declared type: JSON (an object, a list) or plain text.
      input = el('textarea', { ...common, rows: typeof value === 'object' && value ? 3 : 1, class: 'json' });
      input.value = shown?.[0] ?? text(value);
      input.addEventListener('input', () => {
        const raw = input.value;
        let v = raw.trim() === '' ? undefined : raw;
        if (/^\s*[[{]/.test(raw)) {
          try {
            v = JSON.parse(raw);
          } catch {}
        }
        remember(v, [raw]);
        write(v);
      });
      break;
    }
    default: {
      input = el('input', { ...common, type: 'text' });
      input.value = text(value);
      input.addEventListener('input', () => write(input.value === '' ? undefined : input.value));
    }
  }
  const lab = el('label', { for: id, text: label });
  wrap.append(lab, el('div', { class: 'control' }, input, extra), notes);
  // Long text (a name, an address) gets the whole row.
  if (value != null && (k === 'string' || k === 'any') && text(value).length > 24) wrap.classList.add('wide');
  ctx.places.set(ptr, { wrap, notes, input });
  return wrap;
}
