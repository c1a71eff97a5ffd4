// The manage page: see a booking, cancel it (with the fee shown first), move it.
import { h, clear, focusHeading, announce } from './dom.js';
import { t } from './i18n.js';
import { api, enc } from './api.js';
import { formatDateTime, visitorZone, formatPrice, dayInZone } from './format.js';
import { messageFor, showError } from './errors.js';
import { slotPicker } from './picker.js';
import { policyLines } from './policy.js';
import { bookingFacts, downloadIcs } from './booking.js';
import { feedbackBlock } from './feedback.js';

let M = null;
let picker = null;

export async function startManage({ token, onTenant }) {
  M = { token, data: null, tz: visitorZone(), mode: 'view', notice: '', status: '', month: null, day: null, chosenStart: null, onTenant };
  if (!token) throw Object.assign(new Error('no token'), { code: 'unauthorized' });
  await load();
  render(true);
}

export function rerenderManage() {
  if (M && M.data) render(false);
}

async function load() {
  try {
    M.data = await api('GET', '/v1/manage', { token: M.token });
    if (M.onTenant) M.onTenant(M.data.tenant);
  } catch (e) {
    if (e.status === 401 || e.status === 404) throw Object.assign(e, { code: 'unauthorized' });
    throw e;
  }
}

function active(b) {
  return b.status === 'pending' || b.status === 'confirmed';
}

function render(focus) {
  if (picker) { picker.destroy(); picker = null; }
  const main = document.getElementById('main');
  const { booking: b, service, provider, tenant } = M.data;
  const errSlot = h('div', { class: 'error-slot' });
  if (M.notice) { showError(errSlot, M.notice); M.notice = ''; }
  const statusLine = h('p', { class: 'status-line', role: 'status' }, M.status || '');
  M.status = '';
  const sec = h('section', { class: 'step', 'aria-labelledby': 'step-heading', 'data-testid': 'manage' },
    h('h2', { id: 'step-heading', tabindex: '-1' }, t('manage.heading')),
    statusLine,
    errSlot,
    bookingFacts(b, { serviceName: service && service.name, provider, tz: M.tz }));
  // The terms matter while the booking can still be cancelled or moved.
  const lines = active(b) ? policyLines(b.policy, { start: b.start, tz: M.tz, price: b.price, currency: b.currency }) : [];
  if (lines.length) sec.append(h('div', { class: 'policy' }, h('h3', null, t('done.policy')), h('ul', null, lines.map((l) => h('li', null, l)))));
  if (b.fee && b.fee.amount) sec.append(h('p', { class: 'fee-owed' }, t('manage.cancel.done.fee', { amount: formatPrice(b.fee.amount, b.fee.currency) })));

  if (!active(b)) {
    sec.append(h('p', { class: 'hint' }, t('manage.inactive')));
    if (b.status === 'completed') {
      sec.append(feedbackBlock({ booking: b, token: M.token, tz: M.tz, onRefused: refusedAction,
        onDone: async (text) => { M.status = text; await reloadAfter(null); render(true); announce(text); } }));
    }
  } else {
    sec.append(rescheduleBlock(errSlot), cancelBlock(errSlot));
  }
  sec.append(h('p', null, h('button', { type: 'button', class: 'secondary', 'data-testid': 'download-ics',
    onclick: () => downloadIcs(b, M.token, errSlot) }, t('done.ics'))));
  clear(main).append(sec);
  if (picker) picker.start();
  if (focus) focusHeading(sec.querySelector('h2'));
  void tenant;
}

/**
 * Why a cancel or reschedule is refused (kind: 'cancel' | 'reschedule'), worded from the
 * quote's code in the page's language; a deadline is shown in the visitor's zone and locale.
 */
function refusalText(kind, quote) {
  const q = quote || {};
  const b = M.data.booking;
  const moved = b.reschedule_count || 0;
  const limitText = () => (moved === 0 ? t('manage.reschedule.limit.none')
    : t(moved === 1 ? 'manage.reschedule.limit.one' : 'manage.reschedule.limit', { n: moved }));
  const deadlineText = () => (q.deadline ? t(`manage.${kind}.not`, { date: formatDateTime(q.deadline, M.tz) })
    : t(`manage.${kind}.not.nodate`));
  switch (q.code) {
    case 'policy_deadline_passed': return deadlineText();
    case 'reschedule_limit_reached': return limitText();
    case 'booking_ended': return t(`manage.${kind}.ended`);
    default: {
      // A quote without a code (or with one this page does not know yet).
      const max = b.policy && b.policy.max_reschedules;
      if (kind === 'reschedule' && max != null && moved >= max) return limitText();
      if (q.deadline && Date.parse(q.deadline) <= Date.now()) return deadlineText();
      return t(`manage.${kind}.not.nodate`);
    }
  }
}

/** YYYY-MM of the booking's start in the visitor's zone when that month is after this one. */
function startMonth() {
  const start = dayInZone(M.data.booking.start, M.tz).slice(0, 7);
  return start > dayInZone(Date.now(), M.tz).slice(0, 7) ? start : null;
}

/**
 * After a cancel or reschedule went through: the page reads the booking again; if that read
 * fails, the action's answer is shown, never an error for an action that was done.
 */
async function reloadAfter(booking) {
  try {
    await load();
  } catch {
    if (booking) M.data.booking = { ...M.data.booking, ...booking };
  }
}

/** A refusal that changes what the page offers: say why and show the booking as it is now. */
async function refusedAction(e) {
  M.mode = 'view';
  M.notice = messageFor(e, M.tz);
  try { await load(); } catch { /* keep the old view */ }
  render(true);
}

const STALE = new Set(['precondition_failed', 'conflict', 'policy_deadline_passed', 'reschedule_limit_reached']);

function rescheduleBlock(errSlot) {
  const r = M.data.reschedule || {};
  const box = h('div', { class: 'manage-block', 'aria-labelledby': 'resched-h' }, h('h3', { id: 'resched-h' }, t('manage.reschedule')));
  if (!r.allowed) {
    box.append(h('p', { 'data-testid': 'reschedule-refused' }, refusalText('reschedule', r)));
    return box;
  }
  if (M.mode !== 'reschedule') {
    box.append(h('button', { type: 'button', class: 'secondary', 'data-testid': 'reschedule-booking',
      onclick: () => {
        M.mode = 'reschedule'; M.chosenStart = null; M.day = null;
        M.month = startMonth(); // a booking weeks ahead opens on its own month
        render(false); focusHeading(document.getElementById('resched-h'));
      } },
    t('manage.reschedule.heading')));
    return box;
  }
  const { booking: b, service } = M.data;
  const confirmBtn = h('button', { type: 'button', class: 'primary', 'data-testid': 'reschedule-confirm', disabled: true },
    t('manage.reschedule.pick'));
  let chosen = null;
  picker = slotPicker({
    state: M,
    fetchSlots: (from, to, tz) => {
      const q = new URLSearchParams({ service_id: service.id, provider_id: b.provider_id, from, to, timezone: tz });
      // Its own time is not a time to move to (the server writes it in the provider's zone).
      return api('GET', `/v1/slots?${q}`, { token: M.token }).then((x) => ((x && x.slots) || []).filter((s) => Date.parse(s.start) !== Date.parse(b.start)));
    },
    onPick: (slot) => {
      chosen = slot;
      picker.markChosen(slot.start);
      confirmBtn.disabled = false;
      confirmBtn.textContent = t('manage.reschedule.confirm', { time: formatDateTime(slot.start, M.tz) });
      confirmBtn.focus();
    },
  });
  let sending = false;
  confirmBtn.addEventListener('click', async () => {
    if (!chosen || sending) return;
    sending = true;
    confirmBtn.disabled = true;
    showError(errSlot, '');
    let moved;
    try {
      // If-Match: a retry after a lost answer cannot move the booking (and count a move) twice.
      moved = await api('POST', `/v1/bookings/${enc(b.id)}/reschedule`, { token: M.token, body: { start: chosen.start }, ifMatch: b.version });
    } catch (e) {
      sending = false;
      if (STALE.has(e.code)) { await refusedAction(e); return; }
      confirmBtn.disabled = false;
      showPickerError(e);
      return;
    }
    M.mode = 'view';
    M.status = t('manage.reschedule.done');
    await reloadAfter(moved);
    render(true);
    announce(t('manage.reschedule.done'));
  });
  function showPickerError(e) {
    const text = messageFor(e, M.tz);
    picker.error(text);
    if (e.code === 'slot_taken' || e.code === 'slot_unavailable') { chosen = null; confirmBtn.disabled = true; confirmBtn.textContent = t('manage.reschedule.pick'); picker.reload(); }
  }
  box.append(picker.el,
    h('div', { class: 'btn-row' }, confirmBtn,
      h('button', { type: 'button', class: 'link-btn', onclick: () => {
        M.mode = 'view'; render(false); document.querySelector('[data-testid="reschedule-booking"]')?.focus();
      } }, t('back'))));
  return box;
}

function cancelBlock(errSlot) {
  const c = M.data.cancel || {};
  const b = M.data.booking;
  const box = h('div', { class: 'manage-block' }, h('h3', { id: 'cancel-h' }, t('manage.cancel.title')));
  if (!c.allowed) {
    box.append(h('p', { 'data-testid': 'cancel-refused' }, refusalText('cancel', c)));
    return box;
  }
  if (M.mode !== 'cancel') {
    box.append(h('button', { type: 'button', class: 'danger', 'data-testid': 'cancel-booking',
      onclick: () => { M.mode = 'cancel'; render(false); focusHeading(document.getElementById('cancel-confirm-h')); } }, t('manage.cancel')));
    return box;
  }
  const feeText = c.fee && c.fee.amount && Number(c.fee.amount) > 0
    ? t('manage.cancel.fee', { amount: formatPrice(c.fee.amount, c.fee.currency) })
    : t('manage.cancel.nofee');
  const yes = h('button', { type: 'button', class: 'danger', 'data-testid': 'cancel-confirm' }, t('manage.cancel.confirm'));
  const keep = h('button', { type: 'button', class: 'secondary', onclick: () => { M.mode = 'view'; render(false); document.querySelector('[data-testid="cancel-booking"]')?.focus(); } }, t('manage.cancel.keep'));
  let sending = false;
  yes.addEventListener('click', async () => {
    if (sending) return;
    sending = true;
    yes.disabled = true;
    showError(errSlot, '');
    let after;
    try {
      // If-Match: only the booking as shown (with the fee quoted for it) is cancelled.
      after = await api('POST', `/v1/bookings/${enc(b.id)}/cancel`, { token: M.token, body: {}, ifMatch: b.version });
    } catch (e) {
      sending = false;
      yes.disabled = false;
      await refusedAction(e);
      return;
    }
    M.mode = 'view';
    M.status = after && after.fee && after.fee.amount && Number(after.fee.amount) > 0
      ? t('manage.cancel.done.fee', { amount: formatPrice(after.fee.amount, after.fee.currency) })
      : t('manage.cancel.done');
    await reloadAfter(after);
    render(true);
  });
  box.append(h('div', { class: 'confirm-box', role: 'group', 'aria-labelledby': 'cancel-confirm-h' },
    h('h4', { id: 'cancel-confirm-h', tabindex: '-1' }, t('manage.cancel.heading')),
    h('p', { 'data-testid': 'cancel-fee' }, feeText),
    h('div', { class: 'btn-row' }, yes, keep)));
  return box;
}
