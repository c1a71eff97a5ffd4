// The booking steps: service → provider → date and time → details → confirmation.
import { h, clear, focusHeading, announce } from './dom.js';
import { t, lang } from './i18n.js';
import { api, apiBlob, enc, newKey, ApiError, serverNow } from './api.js';
import { formatDateTime, formatRange, formatPrice, visitorZone, zoneName, utcStamp, utcIso, dayInZone, isoInZone } from './format.js';
import { messageFor, showError, markFields, clearFieldErrors, setFieldError, field } from './errors.js';
import { slotPicker } from './picker.js';
import { policyLines } from './policy.js';
import { waitlistForm } from './waitlist.js';
import { avatar, profileBlock, locationFacts, locationShort, locationText } from './profile.js';

const FIELD_POINTERS = {
  '/customer/name': 'name', '/customer/email': 'email', '/customer/phone': 'phone', '/notes': 'notes',
};
const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

let S = null;
let main = null;
let picker = null;
let ticker = 0;

export function startBooking(ctx) {
  main = document.getElementById('main');
  S = {
    slug: ctx.slug,
    tenant: ctx.tenant,
    services: ctx.services,
    service: null,
    provider: null, // provider id or 'any'
    tz: visitorZone(),
    month: null,
    day: null,
    chosenStart: null,
    hold: null,
    holdDeadline: 0,
    idemKey: null,
    sending: false,
    form: { name: '', email: '', phone: '', notes: '' },
    booking: null,
    step: 'service',
    notice: '',
    offer: null,
  };
  // A visitor who leaves the page gives the held time back at once (it would lapse anyway).
  window.addEventListener('pagehide', () => {
    const hold = S && S.hold;
    if (!hold || hold.fromOffer || S.sending) return;
    hold.released = true;
    fetch(`/v1/public/${enc(S.slug)}/holds/${enc(hold.id)}`, { method: 'DELETE', keepalive: true, credentials: 'omit' }).catch(() => {});
  });
  // Back from the browser's page cache: the time given back above is no longer held, so the
  // details step does not go on counting down for it.
  window.addEventListener('pageshow', (ev) => {
    if (!ev.persisted || !S || !S.hold || !S.hold.released) return;
    stopTicker();
    S.hold = null; S.chosenStart = null; S.idemKey = null;
    if (S.step === 'details') { S.notice = t('err.hold_invalid'); go('when'); }
  });
  if (ctx.deferRender) return;
  if (ctx.serviceId) {
    const svc = S.services.find((s) => s.id === ctx.serviceId);
    if (svc) { chooseService(svc, false); return; }
    S.notice = t('err.not_found');
  }
  if (S.services.length === 1) { chooseService(S.services[0], false); return; }
  go('service');
}

/** Re-render the current step (after a language change), keeping everything. */
export function rerenderBooking() {
  if (S) render(false);
}

export function bookingState() { return S; }

function go(step, focus = true) {
  S.step = step;
  render(focus);
}

function render(focus = true) {
  if (picker) { picker.destroy(); picker = null; }
  const build = {
    service: stepService, provider: stepProvider, when: stepWhen, details: stepDetails,
    done: stepDone, waitlist: stepWaitlist, offer: stepOffer,
  }[S.step];
  const section = build();
  clear(main).append(section);
  if (picker) picker.start();
  if (focus) focusHeading(section.querySelector('h2'));
}

function frame(title, { back, testid } = {}, ...content) {
  const errSlot = h('div', { class: 'error-slot' });
  if (S.notice) { showError(errSlot, S.notice); S.notice = ''; }
  const sec = h('section', { class: 'step', 'aria-labelledby': 'step-heading', 'data-testid': testid },
    back ? h('button', { type: 'button', class: 'link-btn back', onclick: back }, `← ${t('back')}`) : null,
    h('h2', { id: 'step-heading', tabindex: '-1' }, title),
    errSlot,
    ...content);
  sec.errSlot = errSlot;
  return sec;
}

function providersOf(svc) {
  return svc.providers || [];
}

function providerName(id) {
  if (!S.service || !id || id === 'any') return null;
  const p = providersOf(S.service).find((x) => x.id === id);
  return p ? p.name : null;
}

function chooseService(svc, focus = true) {
  if (S.service && S.service.id !== svc.id) { releaseHold(); S.month = null; S.day = null; }
  S.service = svc;
  const provs = providersOf(svc);
  if (provs.length === 1) { S.provider = provs[0].id; go('when', focus); return; }
  if (S.tenant.provider_choice === false) { S.provider = 'any'; go('when', focus); return; }
  go('provider', focus);
}

// A provider's own price and duration for svc ({provider_id, price, duration_minutes}), or
// null when it takes the service's.
function ownTerms(svc, providerId) {
  return (svc.provider_overrides || []).find((o) => o.provider_id === providerId) || null;
}

function providerStepShown() {
  return S.service && providersOf(S.service).length > 1 && S.tenant.provider_choice !== false;
}

// ---- step: service ----
function stepService() {
  const list = h('ul', { class: 'choice-list' });
  for (const svc of S.services) {
    const price = formatPrice(svc.price, svc.currency) || t('service.free');
    list.append(h('li', null, h('button', {
      type: 'button', class: 'choice', 'data-testid': `service-${svc.id}`,
      'aria-pressed': S.service && S.service.id === svc.id ? 'true' : 'false',
      onclick: () => chooseService(svc),
    }, h('span', { class: 'choice-title' }, svc.name),
    h('span', { class: 'choice-meta' }, [t('service.minutes', { n: svc.duration_minutes }), price, locationShort(svc.location)].filter(Boolean).join(' · ')))));
  }
  return frame(t('service.heading'), { testid: 'step-service' },
    S.services.length ? list : h('p', null, t('service.none')));
}

// ---- step: provider ----
function stepProvider() {
  const list = h('ul', { class: 'choice-list' });
  const pick = (id) => {
    if (S.provider !== id) { releaseHold(); S.day = null; }
    S.provider = id;
    go('when');
  };
  list.append(h('li', { class: 'provider-item' }, h('span', { class: 'avatar avatar-any', 'aria-hidden': 'true' }),
    h('div', { class: 'provider-main' }, h('button', { type: 'button', class: 'choice', 'data-testid': 'provider-any',
      'aria-pressed': S.provider === 'any' ? 'true' : 'false', onclick: () => pick('any') },
    h('span', { class: 'choice-title' }, t('provider.any')), h('span', { class: 'choice-meta' }, t('provider.any.hint'))))));
  providersOf(S.service).forEach((p, i) => {
    // The button is named by the provider; the profile beside it describes the choice.
    const profile = profileBlock(p, `profile-${i}`);
    list.append(h('li', { class: 'provider-item' }, avatar(p),
      h('div', { class: 'provider-main' },
        h('button', { type: 'button', class: 'choice', 'data-testid': `provider-${p.id}`,
          'aria-pressed': S.provider === p.id ? 'true' : 'false', 'aria-describedby': profile ? profile.id : null,
          onclick: () => pick(p.id) },
        h('span', { class: 'choice-title' }, p.name), providerTerms(S.service, p.id)),
        profile)));
  });
  return frame(t('provider.heading'), { testid: 'step-provider', back: S.services.length > 1 ? () => go('service') : null }, list);
}

// "90 min · $80.00" under a provider with its own terms for svc (null for the service's).
function providerTerms(svc, providerId) {
  const own = ownTerms(svc, providerId);
  if (!own) return null;
  const price = formatPrice(own.price || svc.price, svc.currency) || t('service.free');
  return h('span', { class: 'choice-meta', 'data-testid': `provider-terms-${providerId}` },
    `${t('service.minutes', { n: own.duration_minutes || svc.duration_minutes })} · ${price}`);
}

// ---- step: date and time ----
function fetchSlots(from, to, tz) {
  const q = new URLSearchParams({ service_id: S.service.id, from, to, timezone: tz });
  if (S.provider && S.provider !== 'any') q.set('provider_id', S.provider);
  // Any provider: each start once (the page shows a start once however many are free then),
  // which keeps the answer small for a service with thousands of providers. A group service
  // (seats) that lists all its providers asks per provider: only that answer has seats_left.
  else if (!(S.service.capacity > 1 && S.service.provider_count == null)) q.set('group', 'start');
  return api('GET', `/v1/public/${enc(S.slug)}/slots?${q}`).then((r) => {
    const slots = (r && r.slots) || [];
    try { return withHeld(slots, from, to, tz); } catch { return slots; }
  });
}

/**
 * A held start is gone from the free times (the hold keeps it from everyone, the holder too):
 * it is listed again for the visitor who holds it, so back from the details it shows as chosen
 * and choosing it again keeps the hold.
 */
function withHeld(slots, from, to, tz) {
  const hold = S.hold;
  if (!hold || hold.fromOffer) return slots;
  const at = Date.parse(hold.start);
  if (slots.some((s) => Date.parse(s.start) === at)) return slots;
  const day = dayInZone(at, tz);
  if (day < from || day > to) return slots;
  const start = hold.requestedTz === tz ? hold.requestedStart : isoInZone(at, tz);
  const held = { start, end: hold.end, provider_id: hold.provider_id };
  return [...slots, held].sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
}

function backFromWhen() {
  if (providerStepShown()) return () => go('provider');
  if (S.services.length > 1) return () => go('service');
  return null;
}

function stepWhen() {
  const join = h('button', { type: 'button', class: 'secondary waitlist-join', 'data-testid': 'waitlist-join',
    onclick: () => go('waitlist') }, t('waitlist.join.other'));
  picker = slotPicker({
    state: S,
    fetchSlots,
    onPick: (slot, btn) => pickTime(slot, btn),
    onMonthEmpty: (empty) => { join.textContent = empty ? t('waitlist.join.none') : t('waitlist.join.other'); },
    extra: h('div', { class: 'waitlist-offer' }, join),
  });
  const sub = [S.service.name, providerName(S.provider)].filter(Boolean).join(' · ');
  const sec = frame(t('when.heading'), { testid: 'step-when', back: backFromWhen() },
    h('p', { class: 'step-sub' }, sub), picker.el);
  return sec;
}

let pickSeq = 0;

async function pickTime(slot, btn) {
  if (S.hold && Date.parse(S.hold.requestedStart) === Date.parse(slot.start)) { go('details'); return; }
  const my = ++pickSeq; // the latest click wins
  const ask = { service: S.service, provider: S.provider };
  picker.error('');
  if (btn) { btn.disabled = true; btn.setAttribute('aria-busy', 'true'); }
  announce(t('hold.taking'));
  // The time held so far stays held until the new one is: a refused pick keeps it.
  let hold;
  try {
    hold = await api('POST', `/v1/public/${enc(S.slug)}/holds`, {
      body: { service_id: ask.service.id, provider_id: ask.provider || 'any', start: slot.start },
    });
  } catch (e) {
    if (btn) { btn.disabled = false; btn.removeAttribute('aria-busy'); }
    if (my !== pickSeq || S.step !== 'when' || !picker) return;
    picker.error(messageFor(e, S.tz));
    if (e.code === 'slot_taken' || e.code === 'slot_unavailable') picker.reload();
    // The clicked button lost focus while it was disabled (and a reload removes it): the
    // keyboard goes on from the step's heading rather than from the top of the page.
    if (!picker.el.contains(document.activeElement)) focusHeading(main.querySelector('h2'));
    return;
  }
  if (my !== pickSeq || S.step !== 'when' || S.service !== ask.service || S.provider !== ask.provider) {
    // Another time was clicked, or the visitor went elsewhere meanwhile: give this one back.
    api('DELETE', `/v1/public/${enc(S.slug)}/holds/${enc(hold.id)}`).catch(() => { /* it lapses anyway */ });
    return;
  }
  releaseHold();
  hold.requestedStart = slot.start;
  hold.requestedTz = S.tz;
  setHold(hold);
  S.chosenStart = slot.start;
  S.idemKey = newKey(); // one key per attempt at this held time, reused on every retry
  go('details');
}

function setHold(hold) {
  S.hold = hold;
  const exp = Date.parse(hold.expires_at);
  const created = Date.parse(hold.created_at);
  // Count from the hold's own lifetime, so a skewed visitor clock does not matter.
  S.holdDeadline = Number.isFinite(created) ? Date.now() + (exp - created) : exp;
  startTicker();
}

function releaseHold() {
  const old = S && S.hold;
  if (!old) return;
  S.hold = null;
  S.chosenStart = null;
  S.idemKey = null;
  stopTicker();
  if (old.fromOffer) return; // a waitlist offer stays the entry's until it lapses
  api('DELETE', `/v1/public/${enc(S.slug)}/holds/${enc(old.id)}`).catch(() => { /* it lapses anyway */ });
}

function startTicker() {
  stopTicker();
  let warned = false;
  const tick = () => {
    const left = secondsLeft();
    const text = leftText(left);
    for (const el of document.querySelectorAll('[data-testid="hold-countdown"]')) {
      el.textContent = text;
      el.setAttribute('datetime', `PT${left}S`);
    }
    if (left <= 60 && left > 0 && !warned) { warned = true; announce(t('hold.minute')); }
    if (left <= 0) {
      stopTicker();
      if (S.sending) return;
      const wasOffer = S.hold && S.hold.fromOffer;
      S.hold = null; S.chosenStart = null; S.idemKey = null;
      if (S.step === 'details' || S.step === 'offer') {
        S.notice = wasOffer ? t('offer.expired') : t('hold.expired');
        go('when');
      }
    }
  };
  tick();
  ticker = setInterval(tick, 1000);
}

function secondsLeft() {
  return Math.max(0, Math.round((S.holdDeadline - Date.now()) / 1000));
}

function leftText(left) {
  return `${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}`;
}

function stopTicker() {
  if (ticker) clearInterval(ticker);
  ticker = 0;
}

// ---- step: details ----
function countdownLine() {
  const left = secondsLeft();
  const timer = h('time', { class: 'countdown', 'data-testid': 'hold-countdown', role: 'timer', 'aria-live': 'off',
    datetime: `PT${left}S` }, leftText(left));
  const line = h('p', { class: 'hold-line' });
  const [before, after] = t('hold.countdown', { time: '\u0000' }).split('\u0000');
  line.append(before, timer, after || '');
  return line;
}

function detailsForm(onSubmit, submitLabel, submitTestid) {
  const f = S.form;
  const form = h('form', { class: 'details-form', novalidate: true, 'aria-labelledby': 'step-heading' },
    field({ name: 'name', label: t('field.name'), value: f.name, required: true, autocomplete: 'name' }),
    field({ name: 'email', label: t('field.email'), type: 'email', value: f.email, required: true, autocomplete: 'email' }),
    field({ name: 'phone', label: t('field.phone'), type: 'tel', value: f.phone, autocomplete: 'tel' }),
    field({ name: 'notes', label: t('field.notes'), value: f.notes, multiline: true }));
  form.addEventListener('input', (e) => {
    if (e.target.name in f) {
      f[e.target.name] = e.target.value;
      if (e.target.getAttribute('aria-invalid')) setFieldError(form, e.target.name, '');
    }
  });
  const btn = h('button', { type: 'submit', class: 'primary', 'data-testid': submitTestid }, submitLabel);
  btn.dataset.label = submitLabel;
  if (S.sending) setSending(btn, true); // drawn again (a language change) while the booking is sent
  form.append(btn);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    // What the fields show is what is sent, also when a browser or password manager filled
    // them in without an input event.
    for (const k of Object.keys(f)) { const el = form.elements.namedItem(k); if (el) f[k] = el.value; }
    onSubmit(form, btn);
  });
  return form;
}

function checkForm(form) {
  clearFieldErrors(form);
  const f = S.form;
  const bad = [];
  if (!f.name.trim()) { setFieldError(form, 'name', t('field.required')); bad.push('name'); }
  if (!f.email.trim()) { setFieldError(form, 'email', t('field.required')); bad.push('email'); }
  else if (!EMAIL_RE.test(f.email.trim())) { setFieldError(form, 'email', t('field.email.invalid')); bad.push('email'); }
  if (bad.length) form.querySelector(`[name="${bad[0]}"]`).focus();
  return bad.length === 0;
}

function chosenSummary() {
  const hold = S.hold;
  const tzLine = formatRange(hold.start, hold.end, S.tz);
  const who = providerName(hold.provider_id) || providerName(S.provider);
  return h('div', { class: 'summary' },
    h('p', { class: 'summary-title' }, t('details.chosen')),
    h('p', null, h('strong', null, S.service.name), who ? ` · ${who}` : ''),
    locationShort(S.service.location) ? h('p', null, locationShort(S.service.location)) : null,
    h('p', null, tzLine));
}

function stepDetails() {
  if (!S.hold) { S.step = 'when'; return stepWhen(); }
  let sec;
  const form = detailsForm((frm, btn) => submitBooking(frm, btn, sec), t('confirm.button'), 'confirm-booking');
  sec = frame(t('details.heading'), { testid: 'step-details', back: () => go('when') },
    chosenSummary(),
    countdownLine(),
    h('p', null, h('button', { type: 'button', class: 'link-btn', onclick: () => go('when') }, t('details.change'))),
    form);
  return sec;
}

function bookingBody() {
  const f = S.form;
  return {
    service_id: S.service.id,
    // "any" books the held time whoever holds it (and is all a page without provider choice may send).
    provider_id: S.provider && S.provider !== 'any' ? S.provider : 'any',
    start: S.hold.start,
    hold_id: S.hold.id,
    customer: { name: f.name.trim(), email: f.email.trim(), phone: f.phone.trim() || null },
    notes: f.notes.trim() || null,
    locale: lang(),
  };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function setSending(btn, on) {
  btn.disabled = on;
  if (on) btn.setAttribute('aria-busy', 'true'); else btn.removeAttribute('aria-busy');
  btn.textContent = on ? t('confirm.sending') : (btn.dataset.label || btn.textContent);
}

/** One POST with the attempt's key; "still running" is asked again for its answer. */
async function postOnce(body) {
  for (let i = 0; ; i++) {
    try {
      return await api('POST', `/v1/public/${enc(S.slug)}/bookings`, { body, idempotencyKey: S.idemKey });
    } catch (e) {
      if (e instanceof ApiError && e.code === 'idempotency_key_in_use' && i < 10) { await sleep(500 + i * 250); continue; }
      throw e;
    }
  }
}

// Bodies sent with a key whose answer never arrived (per key): the server may have booked one.
const unanswered = new Map();

async function postBooking(body) {
  const key = S.idemKey;
  try {
    return await postOnce(body);
  } catch (e) {
    const earlier = unanswered.get(key) || [];
    if (e.code === 'idempotency_key_reused' && earlier.length) {
      // A try whose answer was lost did book, and the details were edited since: that
      // booking's stored answer is fetched with the body it was made with, never a second one.
      for (const b of [...earlier].reverse()) {
        try { return await postOnce(b); } catch (e2) { if (e2.code !== 'idempotency_key_reused') throw e2; }
      }
    }
    if (e.status === 0 || e.status >= 500) unanswered.set(key, [...earlier, body]);
    throw e;
  }
}

async function submitBooking(form, btn, sec) {
  if (S.sending) return; // a second click while one is in flight does nothing
  showError(sec.errSlot, '');
  if (!checkForm(form)) return;
  if (!S.hold) { S.notice = t('hold.expired'); go('when'); return; }
  if (!S.idemKey) S.idemKey = newKey();
  S.sending = true;
  setSending(btn, true);
  try {
    const booking = await postBooking(bookingBody());
    S.sending = false;
    stopTicker();
    unanswered.delete(S.idemKey);
    const hold = S.hold;
    S.hold = null; S.chosenStart = null; S.idemKey = null;
    S.booking = booking;
    S.bookingHold = hold;
    go('done');
  } catch (e) {
    S.sending = false;
    // The step may have been drawn again meanwhile (a language change): answer in the live one.
    const live = main.firstElementChild;
    const liveForm = live && live.errSlot && live.querySelector('form.details-form');
    if (liveForm) { form = liveForm; sec = live; btn = liveForm.querySelector('button[type="submit"]'); }
    setSending(btn, false);
    handleBookingError(e, form, sec);
  }
}

function lostTime(e) {
  if (e.code === 'slot_taken' || e.code === 'hold_expired' || e.code === 'slot_unavailable') return true;
  const errs = (e.problem && e.problem.errors) || [];
  return e.code === 'validation_failed' && errs.some((x) => x.pointer === '/hold_id' || x.pointer === '/start');
}

function handleBookingError(e, form, sec) {
  if (lostTime(e)) {
    const code = e.code === 'validation_failed' ? 'hold_invalid' : e.code;
    stopTicker();
    S.hold = null; S.chosenStart = null; S.idemKey = null;
    S.notice = code === 'hold_invalid' ? t('err.hold_invalid') : messageFor(e, S.tz);
    go('when'); // the times are fetched again; the details stay in S.form
    return;
  }
  if (e.code === 'validation_failed') {
    const marked = markFields(form, e, FIELD_POINTERS);
    showError(sec.errSlot, t('err.validation'));
    if (marked.length) form.querySelector(`[name="${marked[0]}"]`).focus();
    return;
  }
  showError(sec.errSlot, messageFor(e, S.tz));
  sec.errSlot.scrollIntoView({ block: 'nearest' });
}

// ---- step: done ----
function googleLink(b, title, details) {
  const q = new URLSearchParams({ action: 'TEMPLATE', text: title });
  if (locationText(b.location)) q.set('location', locationText(b.location));
  return `https://calendar.google.com/calendar/render?${q}&dates=${utcStamp(b.start)}/${utcStamp(b.end)}&details=${enc(details)}`;
}

function outlookLink(b, title, details) {
  const q = new URLSearchParams({ subject: title, startdt: utcIso(b.start), enddt: utcIso(b.end), body: details });
  if (locationText(b.location)) q.set('location', locationText(b.location));
  return `https://outlook.live.com/calendar/0/deeplink/compose?${q}`;
}

export async function downloadIcs(booking, token, errSlot) {
  try {
    const blob = await apiBlob(`/v1/bookings/${enc(booking.id)}.ics`, token);
    const url = URL.createObjectURL(blob);
    const a = h('a', { href: url, download: `booking-${booking.reference || booking.id}.ics`, class: 'visually-hidden' }, 'ics');
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  } catch (e) {
    showError(errSlot, messageFor(e));
  }
}

export function bookingFacts(b, { serviceName, provider, tz, tenantTz }) {
  const dl = h('dl', { class: 'facts' });
  const row = (k, ...v) => dl.append(h('div', { class: 'fact' }, h('dt', null, k), h('dd', null, ...v)));
  row(t('done.reference'), h('strong', { 'data-testid': 'booking-reference', class: 'reference' }, b.reference));
  row(t('done.status'), h('span', { 'data-testid': 'booking-status', 'data-status': b.status }, t(`status.${b.status}`)));
  if (serviceName) row(t('done.service'), serviceName);
  if (provider && provider.name) row(t('done.provider'), provider.name);
  const when = [h('span', { class: 'when-visitor', 'data-testid': 'when-visitor' }, formatRange(b.start, b.end, tz))];
  const ptz = (provider && provider.time_zone) || tenantTz;
  if (ptz && ptz !== tz) {
    when.push(h('br'), h('span', { class: 'when-provider', 'data-testid': 'when-provider' },
      `${provider && provider.name ? t('done.when.provider', { name: provider.name, tz: ptz }) : t('done.when.provider.noname', { tz: ptz })}: ${formatRange(b.start, b.end, ptz)}`));
  }
  row(t('done.when'), ...when);
  const where = locationFacts(b.location, { customerPhone: b.customer && b.customer.phone });
  if (where) row(t('done.where'), where);
  const price = formatPrice(b.price, b.currency);
  if (price) row(t('done.price'), price);
  return dl;
}

function stepDone() {
  const b = S.booking;
  const prov = providersOf(S.service).find((p) => p.id === b.provider_id) || null;
  const manageUrl = `${location.origin}/manage/${b.manage_token}`;
  const title = `${S.service.name} – ${S.tenant.display_name || S.tenant.name}`;
  // Google and Outlook get the reference only: the manage link carries the booking's token,
  // which must never reach another site.
  const details = `${t('done.reference')}: ${b.reference}`;
  const policy = b.policy || S.service.policy;
  const lines = policyLines(policy, { start: b.start, tz: S.tz, price: b.price, currency: b.currency });
  // Manage pages refuse to be framed: inside an embedding site's frame the link opens a tab.
  const framed = window.self !== window.top;
  let sec;
  const calBox = h('div', { class: 'add-cal' },
    h('h3', null, t('done.calendar')),
    h('div', { class: 'btn-row' },
      h('button', { type: 'button', class: 'secondary', 'data-testid': 'download-ics',
        onclick: () => downloadIcs(b, b.manage_token, sec.errSlot) }, t('done.ics')),
      h('a', { class: 'btn-link', href: googleLink(b, title, details), target: '_blank', rel: 'noopener noreferrer', 'data-testid': 'google-link' }, t('done.google')),
      h('a', { class: 'btn-link', href: outlookLink(b, title, details), target: '_blank', rel: 'noopener noreferrer', 'data-testid': 'outlook-link' }, t('done.outlook'))));
  sec = frame(b.status === 'pending' ? t('done.heading.pending') : t('done.heading'), { testid: 'confirmation' },
    b.status === 'pending' ? h('p', null, t('done.pending')) : null,
    bookingFacts(b, { serviceName: S.service.name, provider: prov, tz: S.tz }),
    lines.length ? h('div', { class: 'policy' }, h('h3', null, t('done.policy')), h('ul', null, lines.map((l) => h('li', null, l)))) : null,
    calBox,
    h('div', { class: 'manage-box' },
      h('p', null, h('a', { href: manageUrl, 'data-testid': 'manage-link', target: framed ? '_blank' : null, rel: framed ? 'noopener noreferrer' : null },
        t('done.manage'), framed ? h('span', { class: 'visually-hidden' }, ` ${t('newtab')}`) : null)),
      h('p', { class: 'hint' }, t('done.manage.hint'))),
    h('p', null, h('button', { type: 'button', class: 'link-btn', onclick: () => again() }, t('done.again'))));
  return sec;
}

function again() {
  S.booking = null; S.day = null;
  if (S.services.length > 1) go('service'); else chooseService(S.services[0]);
}

// ---- step: waitlist ----
function stepWaitlist() {
  let sec;
  const wl = waitlistForm({
    S,
    onDone: (entry) => {
      clear(sec);
      const email = S.form.email.trim();
      sec.append(h('h2', { id: 'step-heading', tabindex: '-1' }, t('waitlist.done.heading')),
        h('p', { 'data-testid': 'waitlist-confirmation', role: 'status' },
          entry && entry.status === 'offered' ? t('waitlist.done.offered', { email }) : t('waitlist.done', { email })));
      focusHeading(sec.querySelector('h2'));
    },
    errSlot: () => sec.errSlot,
  });
  sec = frame(t('waitlist.heading'), { testid: 'step-waitlist', back: () => go('when') },
    h('p', null, t('waitlist.intro')), wl);
  return sec;
}

// ---- waitlist offer (?waitlist=entry) ----
export async function startOffer(ctx, entryId) {
  startBooking({ ...ctx, serviceId: null, deferRender: true });
  try {
    const entry = await api('GET', `/v1/public/${enc(S.slug)}/waitlist/${enc(entryId)}`);
    const svc = S.services.find((s) => s.id === entry.service_id);
    if (!svc) throw new ApiError(404, { code: 'not_found' });
    S.service = svc;
    S.provider = S.tenant.provider_choice === false ? 'any' : (entry.offer_provider_id || entry.provider_id || 'any');
    if (entry.customer) {
      S.form.name = entry.customer.name || S.form.name;
      S.form.email = entry.customer.email || S.form.email;
      S.form.phone = entry.customer.phone || S.form.phone;
    }
    S.offer = entry;
    // Judged on the server's clock: a visitor's clock that runs ahead does not lose a live offer.
    const live = entry.status === 'offered' && entry.hold_id && Date.parse(entry.offer_expires_at) > serverNow();
    if (live) {
      const start = entry.offer_start;
      // The offered provider's own duration for the service, when it has one.
      const own = ownTerms(svc, entry.offer_provider_id);
      const dur = ((own && own.duration_minutes) || svc.duration_minutes) * 60e3;
      S.hold = { id: entry.hold_id, start, end: new Date(Date.parse(start) + dur).toISOString(),
        provider_id: entry.offer_provider_id, fromOffer: true, requestedStart: start };
      S.holdDeadline = Date.now() + (Date.parse(entry.offer_expires_at) - serverNow());
      S.idemKey = newKey();
      startTicker();
      go('offer');
      return;
    }
    S.notice = entry.status === 'booked' ? t('offer.booked') : (entry.status === 'waiting' ? t('offer.waiting') : t('offer.expired'));
    if (providersOf(svc).length === 1) S.provider = providersOf(svc)[0].id;
    go('when');
  } catch (e) {
    S.notice = messageFor(e, S.tz);
    S.step = 'service';
    render(true);
  }
}

function stepOffer() {
  if (!S.hold) { S.step = 'when'; return stepWhen(); }
  let sec;
  const form = detailsForm((frm, btn) => submitBooking(frm, btn, sec), t('offer.book'), 'confirm-booking');
  sec = frame(t('offer.heading'), { testid: 'offer' },
    h('p', null, t('offer.intro', { date: formatDateTime(S.offer.offer_expires_at, S.tz) })),
    chosenSummary(),
    countdownLine(),
    form);
  return sec;
}

export { zoneName };
