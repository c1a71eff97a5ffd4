// A booking's detail in a modal <dialog>: customer, service, provider, time, status, notes,
// the actions its status allows (cancel with the choice to waive a fee the policy would
// charge), a keyboard form to move it to another date and time, the staff's internal notes,
// and its history (who did what, when). Each action is POST /v1/bookings/{id}/{action} with
// If-Match of the version shown; the answer replaces what is shown.
import './strings_dashboard.js';
import { h, clear, announce } from '../dom.js';
import { t } from '../i18n.js';
import { formatRange, formatPrice, formatDateTime } from '../format.js';
import { call, get } from './http.js';
import { problemText } from './problems.js';

const ACTIONS = {
  pending: ['confirm', 'decline', 'cancel'],
  confirmed: ['complete', 'no_show', 'cancel'],
};
const PATH = { confirm: 'confirm', decline: 'decline', cancel: 'cancel', complete: 'complete', no_show: 'no-show' };

let dialog = null;
let current = null; // {id, booking, opts, returnTo, history, form}
const userNames = new Map(); // usr_… → name (admins may read users)

export function closeDetail() {
  if (dialog && dialog.open) dialog.close();
}

function ensureDialog() {
  if (dialog) return dialog;
  dialog = h('dialog', { class: 'c-dialog', 'data-testid': 'booking-detail', 'aria-labelledby': 'detail-h' });
  dialog.addEventListener('close', () => {
    const back = current && current.returnTo;
    current = null;
    clear(dialog);
    if (back && back.isConnected) back.focus();
    else { const h1 = document.querySelector('main h1'); if (h1) { h1.setAttribute('tabindex', '-1'); h1.focus(); } }
  });
  document.body.append(dialog);
  return dialog;
}

function row(label, value, attrs) {
  return [h('dt', null, label), h('dd', attrs || null, value == null || value === '' ? t('c.detail.none') : value)];
}

// --- dates in a zone ------------------------------------------------------------------------

function partsIn(ms, tz) {
  const f = new Intl.DateTimeFormat('en-CA', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit',
    day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
  const p = Object.fromEntries(f.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  return p;
}

/** The wall date and time ("YYYY-MM-DD", "HH:MM") of an instant in tz. */
export function wallIn(instant, tz) {
  const p = partsIn(Date.parse(instant), tz);
  return { date: `${p.year}-${p.month}-${p.day}`, time: `${p.hour}:${p.minute}` };
}

/** The instant (ms) of a wall date and time in tz (the earlier one when clocks go back). */
export function instantOf(date, time, tz) {
  const [y, mo, d] = date.split('-').map(Number);
  const [hh, mm] = time.split(':').map(Number);
  const wall = Date.UTC(y, mo - 1, d, hh, mm);
  const offsetAt = (ms) => {
    const p = partsIn(ms, tz);
    return Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute, +p.second) - ms;
  };
  let guess = wall - offsetAt(wall);
  guess = wall - offsetAt(guess);
  return guess;
}

// --- fees -----------------------------------------------------------------------------------

/** The late-cancellation fee cancelling now would owe ({amount, currency}), or null. */
export function cancelFee(b, now = Date.now()) {
  const tiers = (b.policy && b.policy.late_cancellation_fees) || [];
  if (!b.price || !b.currency) return null;
  const left = (Date.parse(b.start) - now) / 3600000;
  let pct = 0;
  for (const tier of tiers) if (left < tier.within_hours && tier.percent > pct) pct = tier.percent;
  if (!pct) return null;
  const dec = Math.max(2, (String(b.price).split('.')[1] || '').length);
  return { amount: (Number(b.price) * pct / 100).toFixed(dec), currency: b.currency };
}

// --- history --------------------------------------------------------------------------------

function actorWords(ev) {
  const { ctx } = current.opts;
  const role = ev.actor || '';
  const roleWord = t(`c.hist.actor.${role}`) === `c.hist.actor.${role}` ? role : t(`c.hist.actor.${role}`);
  if (ev.user_id) {
    const me = ctx.session && ctx.session.user;
    const name = me && me.id === ev.user_id ? me.name : userNames.get(ev.user_id);
    if (name) return t('c.hist.user', { name, role: t(`c.role.${role}`) === `c.role.${role}` ? role : t(`c.role.${role}`) });
  }
  return roleWord;
}

function whatWords(ev) {
  const st = (s) => t(`c.status.${s}`);
  let what;
  if (!ev.from) what = t('c.hist.created', { to: st(ev.to) });
  else if (ev.from === ev.to) what = t('c.hist.moved');
  else what = t('c.hist.change', { from: st(ev.from), to: st(ev.to) });
  const reason = ev.reason && ev.reason !== 'created' ? ev.reason : '';
  return reason ? `${what}: ${reason}` : what;
}

async function loadHistory(mine) {
  const b = mine.booking;
  try {
    const data = await get(`/v1/bookings/${encodeURIComponent(b.id)}/history`);
    const list = data.history || [];
    if (mine.opts.ctx.admin) {
      const unknown = [...new Set(list.map((x) => x.user_id).filter((u) => u && !userNames.has(u)))];
      await Promise.all(unknown.map(async (u) => {
        try { userNames.set(u, (await get(`/v1/users/${encodeURIComponent(u)}`)).name); } catch { /* a deleted user */ }
      }));
    }
    if (current !== mine) return;
    mine.history = list;
    mine.historyError = null;
  } catch (e) {
    if (e.status === 401 || current !== mine) return;
    mine.historyError = problemText(e);
  }
  const slot = dialog && dialog.querySelector('#detail-history');
  if (slot) slot.replaceWith(historySection());
}

function historySection() {
  const { tz } = current.opts;
  const body = [];
  if (current.historyError) {
    body.push(h('p', { class: 'c-alert', role: 'alert' }, t('c.hist.failed', { detail: current.historyError })));
  } else if (!current.history) {
    body.push(h('p', { class: 'c-hint' }, t('c.hist.loading')));
  } else {
    body.push(h('ol', { class: 'c-history', 'data-testid': 'booking-history' },
      current.history.map((ev) => h('li', { class: 'c-history-item', 'data-actor': ev.actor, 'data-to': ev.to },
        h('time', { datetime: ev.at }, formatDateTime(ev.at, tz, false)), ' · ',
        h('span', { class: 'c-history-who' }, actorWords(ev)), ' · ',
        h('span', { class: 'c-history-what' }, whatWords(ev))))));
  }
  return h('section', { id: 'detail-history', class: 'c-detail-part', 'aria-labelledby': 'detail-history-h' },
    h('h3', { id: 'detail-history-h' }, t('c.hist.heading')), body);
}

// --- the dialog -----------------------------------------------------------------------------

function render(note, error) {
  const b = current.booking;
  const { ctx, tz } = current.opts;
  const d = ensureDialog();
  clear(d);
  const close = h('button', { type: 'button', class: 'c-secondary c-close', 'data-testid': 'detail-close' }, t('c.detail.close'));
  close.addEventListener('click', () => d.close());
  const heading = h('h2', { id: 'detail-h', tabindex: '-1' }, t('c.detail.heading', { ref: b ? b.reference : '' }));
  if (!b) {
    d.append(h('div', { class: 'c-dialog-head' }, heading, close),
      error ? h('p', { class: 'c-alert', role: 'alert', 'data-testid': 'console-error' }, error)
        : h('p', { role: 'status' }, t('c.detail.loading')));
    return;
  }
  const provider = ctx.providers.find((p) => p.id === b.provider_id);
  const service = ctx.services.get(b.service_id);
  const c = b.customer || {};
  const customer = [c.name, c.email, c.phone].filter(Boolean).join(' · ');
  const fee = b.fee ? formatPrice(b.fee.amount, b.fee.currency) : null;
  const fields = h('dl', { class: 'c-fields' },
    row(t('c.detail.customer'), customer),
    row(t('c.detail.service'), service ? service.name : b.service_id),
    row(t('c.detail.provider'), provider ? provider.name : b.provider_id),
    row(t('c.detail.time'), formatRange(b.start, b.end, tz)),
    row(t('c.detail.status'), t(`c.status.${b.status}`), { 'data-testid': 'booking-status', 'data-status': b.status }),
    row(t('c.detail.notes'), b.notes),
    fee ? row(t('c.detail.fee'), fee) : null);

  const acts = ACTIONS[b.status] || [];
  let actions;
  if (acts.length === 0) {
    actions = h('p', { class: 'c-hint' }, t('c.detail.noactions'));
  } else {
    const reason = h('textarea', { id: 'detail-reason', name: 'reason', rows: '2', maxlength: '1000' });
    const owed = acts.includes('cancel') ? cancelFee(b) : null;
    const waive = owed
      ? h('div', { class: 'c-field' },
        h('p', { class: 'c-hint', id: 'detail-fee-hint' }, t('c.fee.applies', { fee: formatPrice(owed.amount, owed.currency) })),
        h('span', { class: 'c-check' },
          h('input', { type: 'checkbox', id: 'detail-waive', name: 'waive_fee', 'data-testid': 'cancel-waive', 'aria-describedby': 'detail-fee-hint' }),
          h('label', { for: 'detail-waive' }, t('c.detail.waive'))))
      : null;
    const buttons = acts.map((a) => {
      const cls = a === 'cancel' || a === 'decline' || a === 'no_show' ? 'c-danger' : 'c-primary';
      const bt = h('button', { type: 'button', class: cls, 'data-testid': `action-${a}` }, t(`c.action.${a}`));
      bt.addEventListener('click', () => act(a, reason.value.trim(), waive ? waive.querySelector('input').checked : false, buttons));
      return bt;
    });
    actions = h('section', { class: 'c-actions', 'aria-labelledby': 'detail-actions-h' },
      h('h3', { id: 'detail-actions-h' }, t('c.detail.actions')),
      h('div', { class: 'c-field' }, h('label', { for: 'detail-reason' }, t('c.detail.reason')), reason),
      waive,
      h('div', { class: 'c-buttons' }, buttons));
  }
  d.append(...[h('div', { class: 'c-dialog-head' }, heading, close),
    note ? h('p', { class: 'c-note', role: 'status' }, note) : null,
    error ? h('p', { class: 'c-alert', role: 'alert', 'data-testid': 'console-error' }, error) : null,
    fields, actions,
    ACTIONS[b.status] ? rescheduleForm() : null,
    notesForm(), historySection()].filter(Boolean));
}

function rescheduleForm() {
  const b = current.booking;
  const { tz } = current.opts;
  const was = current.form.date ? current.form : wallIn(b.start, tz);
  const date = h('input', { type: 'date', id: 'resched-date', name: 'date', required: true, value: was.date,
    'data-testid': 'reschedule-date', 'aria-describedby': 'resched-zone' });
  const time = h('input', { type: 'time', id: 'resched-time', name: 'time', required: true, value: was.time, step: '300',
    'data-testid': 'reschedule-time', 'aria-describedby': 'resched-zone' });
  const submit = h('button', { type: 'submit', class: 'c-primary', 'data-testid': 'reschedule-submit' }, t('c.resched.submit'));
  const form = h('form', { class: 'c-detail-part c-resched', 'data-testid': 'reschedule-form', novalidate: true, 'aria-labelledby': 'resched-h' },
    h('h3', { id: 'resched-h' }, t('c.resched.heading')),
    h('p', { class: 'c-hint', id: 'resched-zone' }, t('c.resched.zone', { tz })),
    h('div', { class: 'c-row' },
      h('div', { class: 'c-field' }, h('label', { for: 'resched-date' }, t('c.resched.date')), date),
      h('div', { class: 'c-field' }, h('label', { for: 'resched-time' }, t('c.resched.time')), time)),
    h('div', { class: 'c-buttons' }, submit));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    current.form = { date: date.value, time: time.value };
    if (!date.value || !time.value) { render(null, t('c.resched.missing')); return; }
    submit.disabled = true;
    reschedule(new Date(instantOf(date.value, time.value, tz)).toISOString());
  });
  return form;
}

function notesForm() {
  const b = current.booking;
  const value = current.notesDraft != null ? current.notesDraft : b.internal_notes || '';
  const area = h('textarea', { id: 'detail-internal', name: 'internal_notes', rows: '3', maxlength: '1000',
    'data-testid': 'internal-notes' });
  area.value = value;
  area.addEventListener('input', () => { current.notesDraft = area.value; });
  const save = h('button', { type: 'submit', class: 'c-secondary', 'data-testid': 'internal-notes-save' }, t('c.notes.save'));
  const form = h('form', { class: 'c-detail-part', 'aria-labelledby': 'notes-h', novalidate: true },
    h('h3', { id: 'notes-h' }, t('c.notes.heading')),
    h('div', { class: 'c-field' }, h('label', { for: 'detail-internal' }, t('c.notes.label')), area),
    h('div', { class: 'c-buttons' }, save));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    save.disabled = true;
    const text = area.value.trim();
    write('PATCH', `/v1/bookings/${encodeURIComponent(b.id)}`, { internal_notes: text || null }, t('c.notes.saved'),
      () => { current.notesDraft = null; });
  });
  return form;
}

async function load(id) {
  const { data } = await call('GET', `/v1/bookings/${encodeURIComponent(id)}`);
  return data;
}

/** A change of the booking shown (If-Match its version); the answer replaces it. */
async function write(method, path, body, doneText, onDone) {
  const b = current.booking;
  const mine = current;
  try {
    const { data } = await call(method, path, { body, ifMatch: b.version });
    if (current !== mine) return;
    current.booking = data;
    if (onDone) onDone(data);
    const note = typeof doneText === 'function' ? doneText(data) : doneText;
    current.history = current.history || null;
    render(note, null);
    announce(note);
    loadHistory(mine);
    current.opts.onChanged && current.opts.onChanged(data);
  } catch (e) {
    if (e.status === 401 || current !== mine) return;
    let fresh = null;
    if (e.code === 'precondition_failed' || e.code === 'conflict') {
      try { fresh = await load(b.id); } catch { /* keep what we have */ }
    }
    if (current !== mine) return;
    if (fresh) current.booking = fresh;
    render(null, problemText(e));
    const alert = dialog.querySelector('[data-testid="console-error"]');
    if (alert) alert.scrollIntoView({ block: 'nearest' });
    if (fresh) current.opts.onChanged && current.opts.onChanged(fresh);
  }
}

function act(action, reason, waiveFee, buttons) {
  const b = current.booking;
  const body = {};
  if (reason) body.reason = reason;
  if (action === 'cancel' && waiveFee) body.waive_fee = true;
  for (const bt of buttons) bt.disabled = true;
  return write('POST', `/v1/bookings/${encodeURIComponent(b.id)}/${PATH[action]}`,
    Object.keys(body).length ? body : undefined, t(`c.action.done.${action}`));
}

function reschedule(start) {
  const b = current.booking;
  const { tz } = current.opts;
  return write('POST', `/v1/bookings/${encodeURIComponent(b.id)}/reschedule`, { start },
    (data) => t('c.resched.done', { when: formatDateTime(data.start, tz) }),
    () => { current.form = {}; });
}

/** Opens the detail of a booking (opts: {ctx, tz, onChanged}). */
export async function openDetail(id, opts) {
  const d = ensureDialog();
  current = { id, booking: null, opts, returnTo: document.activeElement, history: null, form: {}, notesDraft: null };
  const mine = current;
  render(null, null);
  if (!d.open) d.showModal();
  try {
    const b = await load(id);
    if (current !== mine) return;
    current.booking = b;
    render(null, null);
    d.querySelector('#detail-h').focus();
    loadHistory(mine);
  } catch (e) {
    if (e.status === 401 || current !== mine) return;
    render(null, problemText(e));
  }
}
