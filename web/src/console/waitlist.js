// The waitlist: GET /v1/waitlist with a status filter, highest priority first (then oldest),
// with any open offer; an entry's priority and notes are edited in place (PATCH) and an
// entry is removed (DELETE) after a confirmation in the row.
import './strings_dashboard.js';
import './dashboard.css';
import { h, clear, announce } from '../dom.js';
import { t } from '../i18n.js';
import { formatDateTime } from '../format.js';
import { call, getAll } from './http.js';
import { problemText } from './problems.js';
import { browserZone } from './calendar.js';

const STATUSES = ['waiting', 'offered', 'booked', 'expired'];
const kept = { status: '' };

export function mountWaitlist(root, ctx) {
  const tz = browserZone();
  const names = new Map(ctx.providers.map((p) => [p.id, p.name]));
  let alive = true;
  let rows = [];
  let seq = 0;
  let editing = null;   // entry id whose row is a form
  let removing = null;  // entry id whose removal waits for a confirmation
  let fieldErrors = {}; // pointer → text, for the row being edited
  let draft = null;     // {priority, notes} as typed, kept when a refusal redraws the row

  const heading = h('h1', { id: 'wl-h' }, t('c.wl.heading'));
  const statusSel = h('select', { id: 'wl-status', 'data-testid': 'waitlist-status-filter' },
    h('option', { value: '' }, t('c.wl.status.all')),
    STATUSES.map((s) => h('option', { value: s }, t(`c.wl.status.${s}`))));
  statusSel.value = kept.status;
  const errorSlot = h('div', { class: 'c-error-slot' });
  const status = h('p', { class: 'c-hint', role: 'status' });
  const tbody = h('tbody');
  const table = h('table', { class: 'c-table c-wl-table', 'data-testid': 'waitlist-table' },
    h('caption', { class: 'visually-hidden' }, t('c.wl.caption')),
    h('thead', null, h('tr', null,
      ['customer', 'service', 'provider', 'dates', 'priority', 'notes', 'status', 'offer', 'actions']
        .map((c) => h('th', { scope: 'col' }, t(`c.wl.${c}`))))),
    tbody);

  root.append(h('section', { class: 'c-page', 'aria-labelledby': 'wl-h' },
    h('div', { class: 'c-page-head' }, heading, h('p', { class: 'c-hint' }, t('c.cal.zone', { tz }))),
    h('div', { class: 'c-filters' },
      h('div', { class: 'c-field' }, h('label', { for: 'wl-status' }, t('c.wl.status')), statusSel)),
    errorSlot, status, h('div', { class: 'c-table-wrap' }, table)));

  function showError(text) {
    clear(errorSlot);
    if (text) errorSlot.append(h('p', { class: 'c-alert', role: 'alert', 'data-testid': 'waitlist-error' }, text));
  }

  function serviceName(id) { const s = ctx.services.get(id); return s ? s.name : id; }
  function offerText(w) {
    if (w.status !== 'offered' || !w.offer_start) return t('c.wl.offer.none');
    return t('c.wl.offer.text', {
      when: formatDateTime(w.offer_start, tz, false),
      who: names.get(w.offer_provider_id) || w.offer_provider_id || t('c.wl.any'),
      until: formatDateTime(w.offer_expires_at, tz, false),
    });
  }

  function editRow(w) {
    const id = w.id;
    const err = (ptr) => fieldErrors[ptr]
      ? h('p', { class: 'c-field-error', id: `wl-${ptr.slice(1)}-err-${id}`, 'data-testid': `waitlist-error-${ptr.slice(1)}` }, fieldErrors[ptr])
      : null;
    const typed = draft && editing === id ? draft : null;
    const prio = h('input', { type: 'number', id: `wl-priority-${id}`, name: 'priority', step: '1',
      value: typed ? typed.priority : String(w.priority ?? 0),
      'data-testid': `waitlist-priority-${id}`, 'aria-invalid': fieldErrors['/priority'] ? 'true' : null,
      'aria-describedby': `wl-priority-hint-${id}${fieldErrors['/priority'] ? ` wl-priority-err-${id}` : ''}` });
    const notes = h('textarea', { id: `wl-notes-${id}`, name: 'notes', rows: '2', maxlength: '1000',
      'data-testid': `waitlist-notes-${id}`, 'aria-invalid': fieldErrors['/notes'] ? 'true' : null,
      'aria-describedby': `wl-notes-hint-${id}${fieldErrors['/notes'] ? ` wl-notes-err-${id}` : ''}` });
    notes.value = typed ? typed.notes : w.notes || '';
    const save = h('button', { type: 'submit', class: 'c-primary', 'data-testid': `waitlist-save-${id}` }, t('c.wl.save'));
    const cancel = h('button', { type: 'button', class: 'c-secondary', 'data-testid': `waitlist-cancel-${id}` }, t('c.wl.cancel'));
    cancel.addEventListener('click', () => { editing = null; fieldErrors = {}; draft = null; draw(); });
    const form = h('form', { class: 'c-wl-form', 'data-testid': `waitlist-form-${id}`, novalidate: true,
      'aria-label': t('c.wl.edit.label', { name: w.customer.name }) },
      h('div', { class: 'c-field' }, h('label', { for: `wl-priority-${id}` }, t('c.wl.priority')), prio,
        h('p', { class: 'c-hint', id: `wl-priority-hint-${id}` }, t('c.wl.priority.hint')), err('/priority')),
      h('div', { class: 'c-field' }, h('label', { for: `wl-notes-${id}` }, t('c.wl.notes')), notes,
        h('p', { class: 'c-hint', id: `wl-notes-hint-${id}` }, t('c.wl.notes.hint')), err('/notes')),
      h('div', { class: 'c-buttons' }, save, cancel));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      save.disabled = true;
      const raw = prio.value.trim();
      const body = { priority: raw === '' ? null : Number(raw), notes: notes.value.trim() || null };
      if (raw !== '' && !/^-?\d+$/.test(raw)) body.priority = raw; // let the server name the problem
      try {
        const { data } = await call('PATCH', `/v1/waitlist/${encodeURIComponent(id)}`, { body });
        if (!alive) return;
        editing = null;
        fieldErrors = {};
        draft = null;
        rows = rows.map((x) => (x.id === id ? data : x));
        draw();
        const note = t('c.wl.saved', { name: data.customer.name });
        status.textContent = note;
        announce(note);
        const back = tbody.querySelector(`[data-testid="waitlist-edit-${CSS.escape(id)}"]`);
        if (back) back.focus();
      } catch (e) {
        if (!alive || e.status === 401) return;
        fieldErrors = {};
        draft = { priority: prio.value, notes: notes.value };
        const errs = (e.problem && Array.isArray(e.problem.errors)) ? e.problem.errors : [];
        for (const x of errs) if (x.pointer) fieldErrors[x.pointer] = x.detail || problemText(e);
        showError(problemText(e));
        draw();
        const bad = tbody.querySelector('[aria-invalid="true"]');
        if (bad) bad.focus();
      }
    });
    return h('tr', { 'data-testid': `waitlist-row-${id}`, class: 'c-row c-wl-editing' },
      h('td', null, w.customer.name), h('td', { colspan: '8' }, form));
  }

  function actionsCell(w) {
    const name = w.customer.name;
    if (removing === w.id) {
      const yes = h('button', { type: 'button', class: 'c-danger', 'data-testid': `waitlist-remove-confirm-${w.id}` }, t('c.wl.remove'));
      const no = h('button', { type: 'button', class: 'c-secondary', 'data-testid': `waitlist-remove-cancel-${w.id}` }, t('c.wl.cancel'));
      yes.addEventListener('click', () => remove(w, yes));
      no.addEventListener('click', () => { removing = null; draw(); });
      return h('td', null, h('p', { class: 'c-hint', role: 'status' }, t('c.wl.remove.confirm', { name })), h('div', { class: 'c-buttons' }, yes, no));
    }
    const open = w.status === 'waiting' || w.status === 'offered';
    const edit = open ? h('button', { type: 'button', class: 'c-secondary', 'data-testid': `waitlist-edit-${w.id}`,
      'aria-label': t('c.wl.edit.label', { name }) }, t('c.wl.edit')) : null;
    if (edit) edit.addEventListener('click', () => { editing = w.id; removing = null; fieldErrors = {}; draft = null; showError(''); draw(); focusFirst(w.id); });
    const del = h('button', { type: 'button', class: 'c-danger', 'data-testid': `waitlist-remove-${w.id}`,
      'aria-label': t('c.wl.remove.label', { name }) }, t('c.wl.remove'));
    del.addEventListener('click', () => {
      removing = w.id; editing = null; draw();
      const yes = tbody.querySelector(`[data-testid="waitlist-remove-confirm-${CSS.escape(w.id)}"]`);
      if (yes) yes.focus();
    });
    return h('td', null, h('div', { class: 'c-buttons' }, edit, del));
  }

  function focusFirst(id) {
    const el = tbody.querySelector(`#wl-priority-${CSS.escape(id)}`);
    if (el) el.focus();
  }

  async function remove(w, btn) {
    btn.disabled = true;
    try {
      await call('DELETE', `/v1/waitlist/${encodeURIComponent(w.id)}`);
      if (!alive) return;
      removing = null;
      rows = rows.filter((x) => x.id !== w.id);
      draw();
      const note = t('c.wl.removed', { name: w.customer.name });
      status.textContent = note;
      announce(note);
      heading.focus();
    } catch (e) {
      if (!alive || e.status === 401) return;
      btn.disabled = false;
      showError(problemText(e));
    }
  }

  function draw() {
    clear(tbody);
    const sorted = [...rows].sort((a, b) => (b.priority || 0) - (a.priority || 0) || String(a.created_at).localeCompare(String(b.created_at)));
    for (const w of sorted) {
      if (editing === w.id) { tbody.append(editRow(w)); continue; }
      tbody.append(h('tr', { 'data-testid': `waitlist-row-${w.id}`, 'data-status': w.status, 'data-priority': String(w.priority ?? 0), class: 'c-row' },
        h('td', null, h('span', null, w.customer.name), h('br'), h('span', { class: 'c-hint' }, w.customer.email)),
        h('td', null, serviceName(w.service_id)),
        h('td', null, w.provider_id ? names.get(w.provider_id) || w.provider_id : t('c.wl.any')),
        h('td', null, `${w.earliest_date} – ${w.latest_date}`),
        h('td', { class: 'c-num' }, String(w.priority ?? 0)),
        h('td', null, w.notes || ''),
        h('td', null, h('span', { class: `c-badge c-wl-${w.status}` }, t(`c.wl.status.${w.status}`))),
        h('td', null, offerText(w), w.offers ? h('span', { class: 'c-hint' }, ` (${t('c.wl.offers', { n: w.offers })})`) : null),
        actionsCell(w)));
    }
    if (!rows.length) status.textContent = t('c.wl.empty');
  }

  async function load() {
    const mine = ++seq;
    kept.status = statusSel.value;
    status.textContent = t('c.loading');
    showError('');
    try {
      const q = statusSel.value ? `?status=${encodeURIComponent(statusSel.value)}` : '';
      const list = await getAll(`/v1/waitlist${q}`);
      if (!alive || mine !== seq) return;
      rows = list;
      editing = null;
      removing = null;
      status.textContent = '';
      draw();
    } catch (e) {
      if (!alive || mine !== seq || e.status === 401) return;
      status.textContent = '';
      showError(problemText(e));
    }
  }

  statusSel.addEventListener('change', load);
  load();
  return { destroy() { alive = false; } };
}
