// Small pieces the availability page's modules share: calendar dates (YYYY-MM-DD, zone-free),
// wall-clock times in a provider's zone, weekday names, alert and status regions, field errors
// next to their inputs, and a two-step delete.
import { h, clear } from '../dom.js';
import { t, locale } from '../i18n.js';
import { isoInZone, dayInZone, pad2 } from '../format.js';
import { problemText } from './problems.js';

export const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** YYYY-MM-DD plus n days. */
export function addDays(ymd, n) {
  const d = new Date(`${ymd}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** Whole days from a to b (both YYYY-MM-DD). */
export function daysBetween(a, b) {
  return Math.round((Date.parse(`${b}T12:00:00Z`) - Date.parse(`${a}T12:00:00Z`)) / 86400000);
}

/** 0 = Monday … 6 = Sunday for a YYYY-MM-DD. */
export function weekdayIndex(ymd) {
  return (new Date(`${ymd}T12:00:00Z`).getUTCDay() + 6) % 7;
}

export const dayKeyOf = (ymd) => DAYS[weekdayIndex(ymd)];

/** The Monday of the week holding ymd. */
export function mondayOf(ymd) { return addDays(ymd, -weekdayIndex(ymd)); }

/** Today in a zone. */
export function todayIn(tz) { return dayInZone(Date.now(), tz); }

/** "Monday" (long) or "Mon" (short) in the chosen language, for a day key. */
export function dayName(key, style = 'long') {
  const i = DAYS.indexOf(key);
  // 2024-01-01 was a Monday
  return new Intl.DateTimeFormat(locale(), { weekday: style, timeZone: 'UTC' })
    .format(new Date(Date.UTC(2024, 0, 1 + i)));
}

/** "Fri, 11 Dec 2026" for a YYYY-MM-DD. */
export function shortDate(ymd, withYear = true) {
  const [y, m, d] = ymd.split('-').map(Number);
  const o = { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' };
  if (withYear) o.year = 'numeric';
  return new Intl.DateTimeFormat(locale(), o).format(new Date(Date.UTC(y, m - 1, d)));
}

/** A wall-clock HH:MM as the locale writes it (14:00 / 2:00 PM); 24:00 stays 24:00. */
export function wallTime(hhmm) {
  if (!/^\d\d:\d\d$/.test(hhmm || '')) return hhmm || '';
  if (hhmm === '24:00') return '24:00';
  const [hr, mi] = hhmm.split(':').map(Number);
  return new Intl.DateTimeFormat(locale(), { hour: 'numeric', minute: '2-digit', timeZone: 'UTC' })
    .format(new Date(Date.UTC(2024, 0, 1, hr, mi)));
}

/** The zone's offset (minutes east of UTC) at an instant (ms). */
function offsetAt(ms, tz) {
  const p = {};
  for (const x of new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit',
    day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }).formatToParts(new Date(ms))) p[x.type] = x.value;
  return Math.round((Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute, +p.second) - Math.floor(ms / 1000) * 1000) / 60000);
}

/**
 * The instant of a wall-clock date and time (HH:MM, 24:00 allowed) in a zone, as RFC 3339 with
 * the zone's offset then. A time skipped by a clock change moves forward by the gap.
 */
export function zonedIso(ymd, hhmm, tz) {
  let [hr, mi] = (hhmm || '00:00').split(':').map(Number);
  let day = ymd;
  if (hr === 24) { hr = 0; day = addDays(ymd, 1); }
  const [y, m, d] = day.split('-').map(Number);
  const wall = Date.UTC(y, m - 1, d, hr, mi);
  let ms = wall - offsetAt(wall, tz) * 60000;
  ms = wall - offsetAt(ms, tz) * 60000;
  return isoInZone(ms, tz);
}

/** {date, time} of an RFC 3339 instant the server gave in the provider's zone. */
export function splitLocal(iso) {
  return { date: iso.slice(0, 10), time: iso.slice(11, 16) };
}

export { pad2 };

// --- regions --------------------------------------------------------------------------------

/** An error slot: show(text) fills it with a role=alert paragraph of this test id. */
export function alertSlot(testid) {
  const el = h('div', { class: 'c-error-slot' });
  return {
    el,
    show(text) {
      clear(el);
      if (text) el.append(h('p', { class: 'c-alert', role: 'alert', 'data-testid': testid }, text));
    },
  };
}

/** A polite status line (results of writes). */
export function statusLine(testid) {
  const el = h('p', { class: 'c-hint a-status', role: 'status', 'data-testid': testid });
  return { el, show(text) { el.textContent = text || ''; } };
}

/** The refusal of a write in words: validation problems get our own lead sentence. */
export function refusalText(e, what) {
  if (e && e.code === 'validation_failed') {
    const p = e.problem || {};
    const list = Array.isArray(p.errors) ? p.errors : [];
    const fields = list.map((x) => x.detail).filter(Boolean);
    return t('c.availability.err.refused', { what, detail: fields.length ? fields.join('; ') : (p.detail || '') });
  }
  if (e && e.code === 'not_found') return t('c.availability.err.gone');
  if (e && e.code === 'record_limit_reached') return t('c.availability.err.limit');
  if (e && e.code === 'conflict') return t('c.availability.err.conflict');
  return problemText(e);
}

/** The server's field errors (validation_failed), or []. */
export function fieldErrors(e) {
  const p = (e && e.problem) || {};
  return e && e.code === 'validation_failed' && Array.isArray(p.errors) ? p.errors : [];
}

/**
 * Marks the inputs a problem's pointers name: map is {pointerPrefix: input}; the longest
 * matching prefix wins. Each marked input gets aria-invalid and a message right after it,
 * linked by aria-describedby. Returns a clear() that removes every mark.
 */
export function markFields(errors, map, idBase) {
  const marks = [];
  const keys = Object.keys(map).sort((a, b) => b.length - a.length);
  let n = 0;
  for (const err of errors) {
    const ptr = err.pointer || '';
    const key = keys.find((k) => ptr === k || ptr.startsWith(`${k}/`));
    if (!key) continue;
    const input = map[key];
    const id = `${idBase}-ferr-${n++}`;
    const msg = h('p', { class: 'a-field-error', id, 'data-testid': 'field-error' }, err.detail || '');
    input.setAttribute('aria-invalid', 'true');
    const prev = input.getAttribute('aria-describedby');
    input.setAttribute('aria-describedby', prev ? `${prev} ${id}` : id);
    input.insertAdjacentElement('afterend', msg);
    marks.push({ input, msg, prev });
  }
  return () => {
    for (const m of marks) {
      m.msg.remove();
      m.input.removeAttribute('aria-invalid');
      if (m.prev) m.input.setAttribute('aria-describedby', m.prev); else m.input.removeAttribute('aria-describedby');
    }
  };
}

/** A labelled field: {wrap, input}. */
export function field(id, label, input, hint) {
  input.id = id;
  const hintEl = hint ? h('p', { class: 'c-hint', id: `${id}-hint` }, hint) : null;
  if (hintEl) input.setAttribute('aria-describedby', `${id}-hint`);
  return { wrap: h('div', { class: 'c-field' }, h('label', { for: id }, label), input, hintEl), input };
}

/**
 * A delete button that asks once more in place: the first press shows "Delete …?" with
 * confirm-delete and cancel-delete buttons; confirm runs onDelete().
 */
export function deleteButton(testid, label, question, onDelete) {
  const box = h('span', { class: 'a-delete' });
  const first = h('button', { type: 'button', class: 'c-danger a-small', 'data-testid': testid }, label);
  box.append(first);
  first.addEventListener('click', () => {
    const yes = h('button', { type: 'button', class: 'c-danger a-small', 'data-testid': 'confirm-delete' }, t('c.availability.delete.yes'));
    const no = h('button', { type: 'button', class: 'c-secondary a-small', 'data-testid': 'cancel-delete' }, t('c.availability.delete.no'));
    const ask = h('span', { class: 'a-confirm', role: 'group', 'aria-label': question }, h('span', null, question), yes, no);
    first.hidden = true;
    box.append(ask);
    no.addEventListener('click', () => { ask.remove(); first.hidden = false; first.focus(); });
    yes.addEventListener('click', async () => {
      yes.disabled = true;
      no.disabled = true;
      const ok = await onDelete();
      if (ok === false && box.isConnected) { ask.remove(); first.hidden = false; first.focus(); }
    });
    yes.focus();
  });
  return box;
}
