// Schedule entries in the calendar: the this / following / all choice for a recurring entry
// (askScope), moving or resizing one occurrence (moveOccurrence → PATCH /v1/entries/{id} with
// scope, occurrence and If-Match), and an entry's detail (edit title and assignees, delete),
// plus the recurrence presets the create dialog offers.
import { h, clear, announce } from '../dom.js';
import { t, locale } from '../i18n.js';
import { formatDateTime, formatRange } from '../format.js';
import { call } from './http.js';
import { problemText } from './problems.js';
import './strings_calendar.js';

// --- recurrence ------------------------------------------------------------------------------

const DAYS = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'];

/** {dow: 0–6 (Sunday 0), dom: 1–31, ord: days since 1970 of the local date} of an instant in tz. */
export function localParts(instant, tz) {
  const f = new Intl.DateTimeFormat('en-US', { timeZone: tz, year: 'numeric', month: 'numeric', day: 'numeric' });
  const p = Object.fromEntries(f.formatToParts(new Date(instant)).map((x) => [x.type, x.value]));
  const ord = Math.round(Date.UTC(+p.year, +p.month - 1, +p.day) / 86400000);
  return { dow: new Date(ord * 86400000).getUTCDay(), dom: +p.day, ord };
}

/** The day's name in the user's language (for "every week on Monday"). */
export function dayName(instant, tz) {
  return new Intl.DateTimeFormat(locale(), { timeZone: tz, weekday: 'long' }).format(new Date(instant));
}

export const REPEATS = ['none', 'daily', 'weekdays', 'weekly', 'biweekly', 'monthly', 'custom'];

/** The RRULE of a preset for a series starting at `start` (local day in tz); null: one-off. */
export function presetRule(preset, start, tz) {
  const { dow, dom } = localParts(start, tz);
  switch (preset) {
    case 'daily': return 'FREQ=DAILY';
    case 'weekdays': return 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR';
    case 'weekly': return `FREQ=WEEKLY;BYDAY=${DAYS[dow]}`;
    case 'biweekly': return `FREQ=WEEKLY;INTERVAL=2;BYDAY=${DAYS[dow]}`;
    case 'monthly': return `FREQ=MONTHLY;BYMONTHDAY=${dom}`;
    default: return null;
  }
}

/**
 * A series' rule after its start moves from `from` to `to` (instants; local days in tz): plain
 * BYDAY days move by as many days, a single positive BYMONTHDAY becomes the new day, so the new
 * start stays the rule's first occurrence. Anything else is left for the server to judge.
 */
export function shiftRule(rule, from, to, tz) {
  if (!rule) return rule;
  const a = localParts(from, tz);
  const b = localParts(to, tz);
  const k = b.ord - a.ord;
  if (k === 0) return rule;
  const parts = rule.replace(/^RRULE:/i, '').split(';');
  let changed = false;
  const out = parts.map((part) => {
    const [name, value] = part.split('=');
    const key = (name || '').toUpperCase();
    if (key === 'BYDAY' && /^(MO|TU|WE|TH|FR|SA|SU)(,(MO|TU|WE|TH|FR|SA|SU))*$/i.test(value)) {
      changed = true;
      const days = value.toUpperCase().split(',').map((d) => DAYS[(((DAYS.indexOf(d) + k) % 7) + 7) % 7]);
      return `BYDAY=${[...new Set(days)].join(',')}`;
    }
    if (key === 'BYMONTHDAY' && /^\d{1,2}$/.test(value) && +value === a.dom) {
      changed = true;
      return `BYMONTHDAY=${b.dom}`;
    }
    return part;
  });
  return changed ? out.join(';') : rule;
}

/** The original start (RFC 3339, UTC) of an occurrence id `ent_…:20260302T140000Z`. */
export function originalStart(occurrenceId) {
  const m = /:(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(occurrenceId || '');
  return m ? `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z` : null;
}

const iso = (ms) => new Date(ms).toISOString().replace(/\.000Z$/, 'Z');

// --- the scope dialog ---------------------------------------------------------------------------

let scopeDialog = null;

/**
 * Asks which occurrences a change applies to: resolves 'this', 'future', 'all', or null
 * (cancelled, Escape). kind: 'change' or 'delete'.
 */
export function askScope(kind = 'change') {
  if (scopeDialog) { scopeDialog.close(); scopeDialog.remove(); }
  const returnTo = document.activeElement;
  return new Promise((resolve) => {
    let answer = null;
    const d = h('dialog', { class: 'c-dialog c-scope', 'data-testid': 'scope-dialog', 'aria-labelledby': 'scope-h', 'aria-describedby': 'scope-text' });
    scopeDialog = d;
    const choose = (v) => { answer = v; d.close(); };
    const btn = (v, cls) => h('button', { type: 'button', class: cls, 'data-testid': `scope-${v}`, onclick: () => choose(v === 'cancel' ? null : v) }, t(`c.scope.${v}`));
    d.append(
      h('h2', { id: 'scope-h' }, t('c.scope.heading')),
      h('p', { id: 'scope-text' }, t(kind === 'delete' ? 'c.scope.text.delete' : 'c.scope.text')),
      h('div', { class: 'c-buttons c-scope-buttons' },
        btn('this', kind === 'delete' ? 'c-danger' : 'c-primary'), btn('future', kind === 'delete' ? 'c-danger' : 'c-primary'),
        btn('all', kind === 'delete' ? 'c-danger' : 'c-primary'), btn('cancel', 'c-secondary')));
    d.addEventListener('close', () => {
      if (scopeDialog === d) scopeDialog = null;
      d.remove();
      if (returnTo && returnTo.isConnected && typeof returnTo.focus === 'function') returnTo.focus();
      resolve(answer);
    });
    document.body.append(d);
    d.showModal();
    d.querySelector('[data-testid="scope-this"]').focus();
  });
}

// --- conflicts ----------------------------------------------------------------------------------

/** The conflicts of a write (docs/api.md "Schedule entries: Conflicts") as a list, or null. */
export function conflictList(conflicts, ctx, tz) {
  if (!Array.isArray(conflicts) || conflicts.length === 0) return null;
  const name = (id) => (ctx.providers.find((p) => p.id === id) || {}).name || id;
  return h('section', { class: 'c-conflicts', 'data-testid': 'entry-conflicts', 'aria-labelledby': 'entry-conflicts-h' },
    h('h3', { id: 'entry-conflicts-h' }, t('c.entry.conflicts')),
    h('ul', null, conflicts.map((c) => h('li', { 'data-kind': c.kind, 'data-id': c.id },
      t(c.kind === 'booking' ? 'c.entry.conflict.booking' : 'c.entry.conflict.entry',
        { who: name(c.provider_id), when: formatRange(c.start, c.end, tz) })))));
}

// --- moving an occurrence -----------------------------------------------------------------------

async function loadEntry(id) {
  const { data } = await call('GET', `/v1/entries/${encodeURIComponent(id)}`);
  return data;
}

/** The query of a scoped write. */
function scopeQuery(scope, original) {
  const q = new URLSearchParams({ scope });
  if (scope !== 'all') q.set('occurrence', original);
  return q.toString();
}

/**
 * An occurrence was dragged or resized (FullCalendar's eventDrop / eventResize info): asks the
 * scope for a recurring entry and PATCHes it. opts: {tz, showError(text), showNote(node|text),
 * refetch(), ctx}. On cancel or refusal the occurrence goes back (info.revert()).
 */
export async function moveOccurrence(info, opts) {
  const it = info.event.extendedProps.item;
  const original = originalStart(it.id);
  const newStart = info.event.start.getTime();
  const newEnd = (info.event.end || info.event.start).getTime();
  const oldStart = info.oldEvent.start.getTime();
  const oldEnd = (info.oldEvent.end || info.oldEvent.start).getTime();
  opts.showError('');
  let en;
  try {
    en = await loadEntry(it.entry_id);
  } catch (e) {
    info.revert();
    if (e.status !== 401) opts.showError(problemText(e));
    return;
  }
  const recurring = !!en.rrule;
  const scope = recurring ? await askScope('change') : 'all';
  if (!scope) {
    info.revert();
    opts.showNote(t('c.scope.cancelled'));
    return;
  }
  let body;
  if (scope === 'this') {
    body = { start: iso(newStart), end: iso(newEnd) };
  } else if (scope === 'future') {
    body = { start: iso(newStart), end: iso(newEnd) };
    const rule = shiftRule(en.rrule, oldStart, newStart, en.timezone);
    if (rule !== en.rrule) body.rrule = rule;
  } else {
    const s = Date.parse(en.start) + (newStart - oldStart);
    const e = Date.parse(en.end) + (newEnd - oldEnd);
    body = { start: iso(s), end: iso(e) };
    const rule = recurring ? shiftRule(en.rrule, Date.parse(en.start), s, en.timezone) : null;
    if (recurring && rule !== en.rrule) body.rrule = rule;
  }
  try {
    const res = await call('PATCH', `/v1/entries/${encodeURIComponent(en.id)}?${scopeQuery(scope, original || en.start)}`,
      { body, ifMatch: en.version });
    const text = t('c.entry.moved', { when: formatDateTime(iso(newStart), opts.tz) });
    announce(text);
    const list = conflictList(res.data && res.data.conflicts, opts.ctx, opts.tz);
    opts.showNote(list ? h('div', null, h('p', null, text), list) : text);
    opts.refetch();
  } catch (e) {
    info.revert();
    if (e.status === 401) return;
    opts.showError(problemText(e));
    if (e.code === 'precondition_failed') opts.refetch();
  }
}

// --- the entry's detail -------------------------------------------------------------------------

let detail = null;

export function closeEntryDetail() { if (detail && detail.open) detail.close(); }

function errorsAt(problem) {
  const out = {};
  for (const e of (problem && Array.isArray(problem.errors) ? problem.errors : [])) {
    const k = (e.pointer || '').split('/')[1] || '';
    out[k] = out[k] ? `${out[k]}; ${e.detail || ''}` : (e.detail || '');
  }
  return out;
}

/**
 * Opens an occurrence's detail (it: the calendar item). opts: {ctx, tz, onChanged()}.
 * Shows title, time, assignees, rule and notes; the title and assignees can be changed and the
 * entry deleted, each with the this / following / all choice when the entry repeats.
 */
export async function openEntryDetail(it, opts) {
  const { ctx, tz } = opts;
  if (detail) { detail.close(); }
  const returnTo = document.activeElement;
  const d = h('dialog', { class: 'c-dialog', 'data-testid': 'entry-detail', 'aria-labelledby': 'entry-h' });
  detail = d;
  const heading = h('h2', { id: 'entry-h', tabindex: '-1' }, t('c.entry.heading', { title: it.title || '' }));
  const close = h('button', { type: 'button', class: 'c-secondary c-close', 'data-testid': 'entry-close', onclick: () => d.close() }, t('c.detail.close'));
  const msg = h('div', { class: 'c-error-slot' });
  const body = h('div', null, h('p', { role: 'status' }, t('c.entry.loading')));
  d.append(h('div', { class: 'c-dialog-head' }, heading, close), msg, body);
  d.addEventListener('close', () => {
    if (detail === d) detail = null;
    d.remove();
    if (returnTo && returnTo.isConnected && typeof returnTo.focus === 'function') returnTo.focus();
    else { const h1 = document.querySelector('main h1'); if (h1) { h1.setAttribute('tabindex', '-1'); h1.focus(); } }
  });
  document.body.append(d);
  d.showModal();
  const say = (text, alert) => {
    clear(msg);
    if (!text) return;
    msg.append(alert ? h('p', { class: 'c-alert', role: 'alert', 'data-testid': 'console-error' }, text)
      : (typeof text === 'string' ? h('p', { class: 'c-note', role: 'status' }, text) : text));
  };
  let en;
  try {
    en = await loadEntry(it.entry_id);
  } catch (e) {
    if (e.status !== 401) say(problemText(e), true);
    clear(body);
    return;
  }
  if (!d.isConnected) return;
  const original = originalStart(it.id) || en.start;
  const occ = (en.overrides || []).find((o) => Date.parse(o.original_start) === Date.parse(original));
  const shown = occ || { title: en.title, assignee_ids: en.assignee_ids, notes: en.notes, status: en.status };
  const name = (id) => (ctx.providers.find((p) => p.id === id) || {}).name || id;

  const titleIn = h('input', { id: 'entry-edit-title', name: 'title', 'data-testid': 'entry-title', required: true, maxlength: '200', value: shown.title || '' });
  const titleErr = h('p', { class: 'c-field-error', id: 'entry-edit-title-err' });
  const chosen = new Set(shown.assignee_ids || []);
  const boxes = ctx.providers.map((p) => {
    const id = `entry-edit-a-${p.id}`;
    return h('span', { class: 'c-check' },
      h('input', { type: 'checkbox', id, value: p.id, 'data-testid': `entry-assignee-${p.id}`, checked: chosen.has(p.id) }),
      h('label', { for: id }, p.name));
  });
  // Assignees the user cannot see (another provider's) stay as they are.
  const hidden = [...chosen].filter((id) => !ctx.providers.some((p) => p.id === id));
  const aErr = h('p', { class: 'c-field-error', id: 'entry-edit-a-err' });
  const assignees = h('fieldset', { class: 'c-filter', 'data-testid': 'entry-assignees', 'aria-describedby': 'entry-edit-a-err' },
    h('legend', null, t('c.entry.assignees')), boxes, hidden.length ? h('p', { class: 'c-hint' }, hidden.map(name).join(', ')) : null);
  const save = h('button', { type: 'submit', class: 'c-primary', 'data-testid': 'entry-save' }, t('c.entry.save'));
  const del = h('button', { type: 'button', class: 'c-danger', 'data-testid': 'entry-delete' }, t('c.entry.delete'));
  const form = h('form', { class: 'c-entry-form', novalidate: true, 'aria-labelledby': 'entry-edit-h' },
    h('h3', { id: 'entry-edit-h' }, t('c.entry.edit')),
    h('div', { class: 'c-field' }, h('label', { for: 'entry-edit-title' }, t('c.entry.title')), titleIn, titleErr),
    assignees, aErr,
    h('div', { class: 'c-buttons' }, save, del));
  clear(body).append(
    h('dl', { class: 'c-fields' },
      h('dt', null, t('c.entry.time')), h('dd', null, formatRange(it.start, it.end, tz)),
      h('dt', null, t('c.entry.assignees')), h('dd', { 'data-testid': 'entry-assignee-names' }, (shown.assignee_ids || []).map(name).join(', ')),
      h('dt', null, t('c.entry.status')), h('dd', null, t(`c.entry.status.${shown.status || 'scheduled'}`)),
      en.rrule ? [h('dt', null, t('c.entry.rrule.shown')), h('dd', { 'data-testid': 'entry-rule' }, en.rrule)] : null,
      en.work_item ? [h('dt', null, t('c.entry.work')), h('dd', null, `${en.work_item.type} ${en.work_item.id}`)] : null,
      shown.notes ? [h('dt', null, t('c.entry.notes')), h('dd', null, shown.notes)] : null),
    form);
  heading.focus();

  const fieldError = (el, errEl, text) => {
    errEl.textContent = text || '';
    if (text) { el.setAttribute('aria-invalid', 'true'); el.setAttribute('aria-describedby', errEl.id); } else el.removeAttribute('aria-invalid');
  };
  const busy = (on) => { save.disabled = on; del.disabled = on; };

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    say('');
    const title = titleIn.value.trim();
    const ids = [...boxes.map((b) => b.querySelector('input')).filter((x) => x.checked).map((x) => x.value), ...hidden];
    fieldError(titleIn, titleErr, title ? '' : t('c.create.missing'));
    aErr.textContent = ids.length ? '' : t('c.entry.none.assignee');
    if (!title || !ids.length) return;
    const scope = en.rrule ? await askScope('change') : 'all';
    if (!scope) { say(t('c.scope.cancelled')); return; }
    busy(true);
    try {
      const res = await call('PATCH', `/v1/entries/${encodeURIComponent(en.id)}?${scopeQuery(scope, original)}`,
        { body: { title, assignee_ids: ids }, ifMatch: en.version });
      en = res.data;
      const list = conflictList(en.conflicts, ctx, tz);
      say(h('div', { class: 'c-note', role: 'status' }, h('p', null, t('c.entry.saved')), list));
      announce(t('c.entry.saved'));
      heading.textContent = t('c.entry.heading', { title });
      opts.onChanged && opts.onChanged();
    } catch (e) {
      if (e.status === 401) return;
      const at = errorsAt(e.problem);
      fieldError(titleIn, titleErr, at.title || '');
      aErr.textContent = at.assignee_ids || '';
      say(problemText(e), true);
      if (e.code === 'precondition_failed') { try { en = await loadEntry(en.id); } catch { /* keep */ } }
    } finally {
      busy(false);
    }
  });

  del.addEventListener('click', async () => {
    say('');
    const scope = en.rrule ? await askScope('delete') : 'all';
    if (!scope) { say(t('c.scope.cancelled')); return; }
    busy(true);
    try {
      await call('DELETE', `/v1/entries/${encodeURIComponent(en.id)}?${scopeQuery(scope, original)}`, { ifMatch: en.version });
      announce(t('c.entry.deleted'));
      opts.onChanged && opts.onChanged();
      if (opts.showNote) opts.showNote(t('c.entry.deleted'));
      d.close();
    } catch (e) {
      busy(false);
      if (e.status === 401) return;
      say(problemText(e), true);
      // Changed meanwhile: the next try acts on the version stored now, not the one first read.
      if (e.code === 'precondition_failed') { try { en = await loadEntry(en.id); } catch { /* keep */ } }
    }
  });
}
