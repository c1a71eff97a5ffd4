// A booking's detail in a modal <dialog>: customer, service, provider, time, status, notes,
// and the actions its status allows. Each action is POST /v1/bookings/{id}/{action} with
// If-Match of the version shown; the answer replaces what is shown.
import { h, clear, announce } from '../dom.js';
import { t } from '../i18n.js';
import { formatRange, formatPrice } from '../format.js';
import { call } from './http.js';
import { problemText } from './problems.js';

const ACTIONS = {
  pending: ['confirm', 'decline', 'cancel'],
  confirmed: ['complete', 'no_show', 'cancel'],
};
const PATH = { confirm: 'confirm', decline: 'decline', cancel: 'cancel', complete: 'complete', no_show: 'no-show' };

let dialog = null;
let current = null; // {id, booking, opts, returnTo}

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
    b.internal_notes ? row(t('c.detail.internal'), b.internal_notes) : null,
    fee ? row(t('c.detail.fee'), fee) : null);

  const acts = ACTIONS[b.status] || [];
  let actions;
  if (acts.length === 0) {
    actions = h('p', { class: 'c-hint' }, t('c.detail.noactions'));
  } else {
    const reason = h('textarea', { id: 'detail-reason', name: 'reason', rows: '2', maxlength: '1000' });
    const waive = acts.includes('cancel')
      ? h('span', { class: 'c-check' }, h('input', { type: 'checkbox', id: 'detail-waive', name: 'waive_fee', 'data-testid': 'waive-fee' }),
        h('label', { for: 'detail-waive' }, t('c.detail.waive')))
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
    fields, actions].filter(Boolean));
}

async function load(id) {
  const { data } = await call('GET', `/v1/bookings/${encodeURIComponent(id)}`);
  return data;
}

async function act(action, reason, waiveFee, buttons) {
  const b = current.booking;
  const body = {};
  if (reason) body.reason = reason;
  if (action === 'cancel' && waiveFee) body.waive_fee = true;
  for (const bt of buttons) bt.disabled = true;
  const mine = current;
  try {
    const { data } = await call('POST', `/v1/bookings/${encodeURIComponent(b.id)}/${PATH[action]}`,
      { body: Object.keys(body).length ? body : undefined, ifMatch: b.version });
    if (current !== mine) return;
    current.booking = data;
    const note = t(`c.action.done.${action}`);
    render(note, null);
    announce(note);
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
    if (fresh) current.opts.onChanged && current.opts.onChanged(fresh);
  }
}

/** Opens the detail of a booking (opts: {ctx, tz, onChanged}). */
export async function openDetail(id, opts) {
  const d = ensureDialog();
  current = { id, booking: null, opts, returnTo: document.activeElement };
  const mine = current;
  render(null, null);
  if (!d.open) d.showModal();
  try {
    const b = await load(id);
    if (current !== mine) return;
    current.booking = b;
    render(null, null);
    d.querySelector('#detail-h').focus();
  } catch (e) {
    if (e.status === 401 || current !== mine) return;
    render(null, problemText(e));
  }
}
