// Dates and date-times as a clinician in Kazakhstan types them, in the page's language rather
// than the browser's locale (an <input type=date> follows the browser's, not the page's):
//
//   - a date is typed as DD.MM.YYYY (the pattern is shown in the page's language: ДД.ММ.ГГГГ,
//     КК.АА.ЖЖЖЖ, DD.MM.YYYY) and written to the document as YYYY-MM-DD;
//   - a date-time is a date and a 24-hour time (HH:MM) in Astana's time zone, written as RFC 3339
//     with the +05:00 offset (Kazakhstan has one time zone, UTC+5, since 1 March 2024).
//
// Text that is not a date stays in the document exactly as typed, so the validator reports it
// (a TYPE finding) instead of the form silently dropping it. Used by both demo pages (www/app.js,
// www/react/main.jsx).
//
// Why by hand and not with a date library (date-fns' `parse`, Luxon): the plain demo page is
// served as ES modules straight from www/ under a strict CSP, with no bundler to bring a package
// from node_modules; what is written here is only the split of one fixed pattern. Calendar
// validity is the platform's (`Date.UTC`) and the spelled-out date is `Intl.DateTimeFormat`'s,
// except Kazakh month names, which Chromium's ICU data lacks.

/** The pattern a date is typed in, per page language. */
export const DATE_PATTERN = { kk: 'КК.АА.ЖЖЖЖ', ru: 'ДД.ММ.ГГГГ', en: 'DD.MM.YYYY' };
/** The pattern a time of day is typed in (24-hour clock). */
export const TIME_PATTERN = { kk: 'СС:ММ', ru: 'ЧЧ:ММ', en: 'HH:MM' };
/** What the time field's zone is called beside it. */
export const ZONE_NAME = { kk: 'Астана уақыты, UTC+05:00', ru: 'время Астаны, UTC+05:00', en: 'Astana time, UTC+05:00' };

export const OFFSET = '+05:00';
const OFFSET_MINUTES = 5 * 60;

const pad = (n, w = 2) => String(n).padStart(w, '0');

function validYmd(y, m, d) {
  if (m < 1 || m > 12 || d < 1 || y < 1 || y > 9999) return false;
  const t = new Date(Date.UTC(y, m - 1, d));
  // Date.UTC maps years 0-99 to 1900-1999: set the full year explicitly.
  t.setUTCFullYear(y);
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

/**
 * A typed date as YYYY-MM-DD, or null when the text is not a calendar date. Takes DD.MM.YYYY
 * (one-digit day and month too, and `/` or `-` between them) and YYYY-MM-DD (pasted from a system).
 */
export function parseDate(text) {
  const s = String(text).trim();
  let m = s.match(/^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$/);
  if (m) {
    const [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
    return validYmd(y, mo, d) ? `${pad(y, 4)}-${pad(mo)}-${pad(d)}` : null;
  }
  m = s.match(/^(\d{4})-(\d{2})-(\d{2})$/);
  if (m) return validYmd(Number(m[1]), Number(m[2]), Number(m[3])) ? s : null;
  return null;
}

/** A document's YYYY-MM-DD as DD.MM.YYYY; null for anything else (shown as it is). */
export function formatDate(value) {
  if (typeof value !== 'string') return null;
  const m = value.match(/^(\d{4})-(\d{2})-(\d{2})$/);
  if (!m || !validYmd(Number(m[1]), Number(m[2]), Number(m[3]))) return null;
  return `${m[3]}.${m[2]}.${m[1]}`;
}

// Kazakh month names (genitive, as in "6 сәуір"), for a browser whose ICU has no Kazakh data:
// Chromium's own build of ICU leaves kk out, and Intl then writes "2026 M04 6".
const KK_MONTHS = ['қаңтар', 'ақпан', 'наурыз', 'сәуір', 'мамыр', 'маусым', 'шілде', 'тамыз', 'қыркүйек', 'қазан', 'қараша', 'желтоқсан'];

/** Whether this browser's Intl has real long month names for `lang` (not "M04"). */
const hasMonthNames = (() => {
  const cache = new Map();
  return (lang) => {
    if (!cache.has(lang)) {
      const f = new Intl.DateTimeFormat(lang, { month: 'long', timeZone: 'UTC' }).format(new Date(Date.UTC(2026, 3, 6)));
      cache.set(lang, !/\d/.test(f));
    }
    return cache.get(lang);
  };
})();

/**
 * A YYYY-MM-DD spelled out in the page's language ("6 апреля 2026 г.", "2026 ж. 6 сәуір",
 * "April 6, 2026"): Intl.DateTimeFormat(lang, {dateStyle: 'long'}), or CLDR's Kazakh pattern
 * (y 'ж'. d MMMM) where the browser lacks Kazakh data; '' for anything else.
 */
export function spellDate(iso, lang) {
  const m = typeof iso === 'string' && iso.match(/^(\d{4})-(\d{2})-(\d{2})/);
  if (!m || !validYmd(Number(m[1]), Number(m[2]), Number(m[3]))) return '';
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (/^kk\b/i.test(lang) && !hasMonthNames(lang)) return `${y} ж. ${d} ${KK_MONTHS[mo - 1]}`;
  const t = new Date(Date.UTC(y, mo - 1, d));
  t.setUTCFullYear(y);
  return new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeZone: 'UTC' }).format(t);
}

/** A typed 24-hour time as HH:MM:SS, or null. Takes H:MM, HH:MM and HH:MM:SS (`.` also separates). */
export function parseTime(text) {
  const m = String(text).trim().match(/^(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?$/);
  if (!m) return null;
  const [h, mi, s] = [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
  if (h > 23 || mi > 59 || s > 59) return null;
  return `${pad(h)}:${pad(mi)}:${pad(s)}`;
}

/**
 * An RFC 3339 date-time as Astana's date and time of day ({date: 'DD.MM.YYYY', time: 'HH:MM'},
 * seconds shown only when not zero, and `iso`: the date as YYYY-MM-DD), converted from any offset;
 * null when the value is not one.
 */
export function splitDateTime(value) {
  if (typeof value !== 'string') return null;
  const m = value.match(/^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number);
  if (!validYmd(y, mo, d) || h > 23 || mi > 59 || s > 60) return null;
  let offset = 0;
  if (!/^[Zz]$/.test(m[7])) {
    const sign = m[7][0] === '-' ? -1 : 1;
    offset = sign * (Number(m[7].slice(1, 3)) * 60 + Number(m[7].slice(4, 6)));
  }
  // The same instant, as Astana's wall clock.
  const t = new Date(Date.UTC(y, mo - 1, d, h, mi, Math.min(s, 59)) + (OFFSET_MINUTES - offset) * 60_000);
  const iso = `${pad(t.getUTCFullYear(), 4)}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`;
  const sec = t.getUTCSeconds();
  return {
    iso,
    date: `${pad(t.getUTCDate())}.${pad(t.getUTCMonth() + 1)}.${pad(t.getUTCFullYear(), 4)}`,
    time: `${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}${sec ? `:${pad(sec)}` : ''}`,
  };
}

/**
 * The document's value of a date field from its typed text: YYYY-MM-DD when the text is a date,
 * undefined when it is blank (the field is left out), else the text as typed.
 */
export function dateValue(text) {
  if (String(text).trim() === '') return undefined;
  return parseDate(text) ?? text;
}

/**
 * The document's value of a date-time field from its typed date and time: RFC 3339 with +05:00
 * when both are valid, undefined when both are blank, else the texts as typed (joined by a space)
 * for the validator to report.
 */
export function dateTimeValue(dateText, timeText) {
  const d = String(dateText).trim();
  const t = String(timeText).trim();
  if (d === '' && t === '') return undefined;
  const date = parseDate(d);
  const time = parseTime(t);
  if (date && time) return `${date}T${time}${OFFSET}`;
  return [d, t].filter(Boolean).join(' ');
}
