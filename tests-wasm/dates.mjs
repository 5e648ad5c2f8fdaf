#!/usr/bin/env node
// Unit tests of www/dates.js (the demo pages' dates in the page's language) under Node:
//   node --test tests-wasm/dates.mjs
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dateTimeValue, dateValue, formatDate, parseDate, parseTime, spellDate, splitDateTime } from '../www/dates.js';

test('a date typed as D.M.YYYY or DD.MM.YYYY (or pasted as YYYY-MM-DD) is a calendar date', () => {
  assert.equal(parseDate('6.4.2026'), '2026-04-06');
  assert.equal(parseDate(' 06.04.2026 '), '2026-04-06');
  assert.equal(parseDate('06/04/2026'), '2026-04-06');
  assert.equal(parseDate('2026-04-06'), '2026-04-06');
  assert.equal(parseDate('29.02.2028'), '2028-02-29');
  for (const bad of ['31.02.2026', '29.02.2026', '00.04.2026', '06.13.2026', '6.4.26', '2026-4-6', '06.04.2026 10:00', 'вчера', '']) {
    assert.equal(parseDate(bad), null, bad);
  }
});

test('what is not a date stays in the document as typed; blank leaves the field out', () => {
  assert.equal(dateValue('31.02.2026'), '31.02.2026');
  assert.equal(dateValue('  '), undefined);
  assert.equal(formatDate('2026-04-06'), '06.04.2026');
  assert.equal(formatDate('31.02.2026'), null);
  assert.equal(formatDate(20260406), null);
});

test('a date-time is Astana time written as RFC 3339 with +05:00; half of one stays as typed', () => {
  assert.equal(dateTimeValue('6.4.2026', '9:05'), '2026-04-06T09:05:00+05:00');
  assert.equal(dateTimeValue('06.04.2026', '23:59:30'), '2026-04-06T23:59:30+05:00');
  assert.equal(dateTimeValue('06.04.2026', ''), '06.04.2026');
  assert.equal(dateTimeValue('06.04.2026', '24:00'), '06.04.2026 24:00');
  assert.equal(dateTimeValue('', ''), undefined);
  assert.equal(parseTime('7.30'), '07:30:00');
  assert.equal(parseTime('7:60'), null);
});

test("a stored date-time is shown as Astana's wall clock, whatever its offset", () => {
  assert.deepEqual(splitDateTime('2026-04-06T10:15:00+05:00'), { iso: '2026-04-06', date: '06.04.2026', time: '10:15' });
  assert.deepEqual(splitDateTime('2026-04-06T20:30:15Z'), { iso: '2026-04-07', date: '07.04.2026', time: '01:30:15' });
  assert.deepEqual(splitDateTime('2026-04-06T10:15:00+06:00'), { iso: '2026-04-06', date: '06.04.2026', time: '09:15' });
  assert.equal(splitDateTime('2026-04-06'), null);
  assert.equal(splitDateTime('2026-02-30T10:00:00+05:00'), null);
});

test('a date is spelled out in the page language, Kazakh included', () => {
  assert.match(spellDate('2026-04-06', 'ru'), /^6 апреля 2026/);
  assert.equal(spellDate('2026-04-06', 'en'), 'April 6, 2026');
  // CLDR's Kazakh long date, from Intl or from the page's own month names.
  assert.equal(spellDate('2026-04-06', 'kk'), '2026 ж. 6 сәуір');
  assert.equal(spellDate('2026-13-01', 'ru'), '');
  assert.equal(spellDate(undefined, 'ru'), '');
});
