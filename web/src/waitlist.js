// Joining the waitlist when no fitting time is free.
import { h } from './dom.js';
import { t } from './i18n.js';
import { api, enc } from './api.js';
import { dayInZone, ymd, daysInMonth, zoneName } from './format.js';
import { messageFor, showError, markFields, clearFieldErrors, setFieldError, field } from './errors.js';

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const POINTERS = {
  '/customer/name': 'name', '/customer/email': 'email', '/customer/phone': 'phone',
  '/earliest_date': 'earliest_date', '/latest_date': 'latest_date',
  '/time_windows/0/start': 'win_start', '/time_windows/0/end': 'win_end', '/time_windows/0': 'win_start',
};

export function waitlistForm({ S, onDone, errSlot }) {
  const today = dayInZone(Date.now(), S.tz);
  const [y, m] = (S.month || today.slice(0, 7)).split('-').map(Number);
  let earliest = ymd(y, m, 1);
  if (earliest < today) earliest = today;
  const latest = ymd(y, m, daysInMonth(y, m));
  const w = S.waitlist || (S.waitlist = { earliest_date: earliest, latest_date: latest < earliest ? earliest : latest, weekdays: [], win_start: '', win_end: '' });
  const f = S.form;
  // The server reads the dates and the time window in the provider's own zone: say which.
  const provs = S.service.providers || [];
  const chosen = provs.find((p) => p.id === S.provider);
  const zones = [...new Set((chosen ? [chosen] : provs).map((p) => p.time_zone).filter(Boolean))];
  const zoneHint = zones.length === 1
    ? (zones[0] === S.tz ? null : t('waitlist.zone', { tz: zoneName(zones[0]) }))
    : (zones.length > 1 ? t('waitlist.zone.any') : null);

  const weekdayBoxes = DAYS.map((d) => {
    const id = `wl-day-${d}`;
    const cb = h('input', { type: 'checkbox', id, name: 'weekdays', value: d, checked: w.weekdays.includes(d) });
    return h('div', { class: 'check' }, cb, h('label', { for: id }, t(`weekday.${d}`)));
  });
  const form = h('form', { class: 'details-form waitlist-form', novalidate: true, 'aria-labelledby': 'step-heading' },
    field({ name: 'name', label: t('field.name'), value: f.name, required: true, autocomplete: 'name', idPrefix: 'wl' }),
    field({ name: 'email', label: t('field.email'), type: 'email', value: f.email, required: true, autocomplete: 'email', idPrefix: 'wl' }),
    field({ name: 'phone', label: t('field.phone'), type: 'tel', value: f.phone, autocomplete: 'tel', idPrefix: 'wl' }),
    h('div', { class: 'two-col' },
      field({ name: 'earliest_date', label: t('waitlist.earliest'), type: 'date', value: w.earliest_date, required: true, idPrefix: 'wl', attrs: { min: today } }),
      field({ name: 'latest_date', label: t('waitlist.latest'), type: 'date', value: w.latest_date, required: true, idPrefix: 'wl', attrs: { min: today } })),
    h('fieldset', { class: 'weekdays' }, h('legend', null, t('waitlist.weekdays')), h('div', { class: 'check-grid' }, weekdayBoxes)),
    zoneHint ? h('p', { class: 'hint' }, zoneHint) : null,
    h('div', { class: 'two-col' },
      field({ name: 'win_start', label: t('waitlist.from'), type: 'time', value: w.win_start, idPrefix: 'wl' }),
      field({ name: 'win_end', label: t('waitlist.to'), type: 'time', value: w.win_end, idPrefix: 'wl' })));
  const btn = h('button', { type: 'submit', class: 'primary', 'data-testid': 'waitlist-submit' }, t('waitlist.submit'));
  form.append(btn);

  form.addEventListener('input', (e) => {
    const n = e.target.name;
    if (n in f) f[n] = e.target.value;
    else if (n === 'weekdays') w.weekdays = [...form.querySelectorAll('input[name="weekdays"]:checked')].map((x) => x.value);
    else if (n in w) w[n] = e.target.value;
    if (e.target.getAttribute('aria-invalid')) setFieldError(form, n, '');
  });

  let sending = false;
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (sending) return;
    // Fields filled in without an input event (autofill) count as they are shown.
    for (const k of Object.keys(f)) { const el = form.elements.namedItem(k); if (el) f[k] = el.value; }
    for (const k of ['earliest_date', 'latest_date', 'win_start', 'win_end']) { const el = form.elements.namedItem(k); if (el) w[k] = el.value; }
    clearFieldErrors(form);
    showError(errSlot(), '');
    const bad = [];
    if (!f.name.trim()) { setFieldError(form, 'name', t('field.required')); bad.push('name'); }
    if (!f.email.trim()) { setFieldError(form, 'email', t('field.required')); bad.push('email'); }
    else if (!EMAIL_RE.test(f.email.trim())) { setFieldError(form, 'email', t('field.email.invalid')); bad.push('email'); }
    if (!w.earliest_date) { setFieldError(form, 'earliest_date', t('field.required')); bad.push('earliest_date'); }
    if (!w.latest_date) { setFieldError(form, 'latest_date', t('field.required')); bad.push('latest_date'); }
    if (bad.length) { form.querySelector(`[name="${bad[0]}"]`).focus(); return; }
    const body = {
      service_id: S.service.id,
      provider_id: S.provider || 'any',
      customer: { name: f.name.trim(), email: f.email.trim(), phone: f.phone.trim() || null },
      earliest_date: w.earliest_date,
      latest_date: w.latest_date,
    };
    if (w.weekdays.length) body.weekdays = w.weekdays;
    if (w.win_start || w.win_end) body.time_windows = [{ start: w.win_start || '00:00', end: w.win_end || '24:00' }];
    sending = true;
    btn.disabled = true;
    try {
      const entry = await api('POST', `/v1/public/${enc(S.slug)}/waitlist`, { body });
      S.waitlist = null;
      onDone(entry);
    } catch (err) {
      if (err.code === 'validation_failed') {
        const marked = markFields(form, err, POINTERS);
        const other = ((err.problem && err.problem.errors) || []).filter((x) => !POINTERS[x.pointer]);
        showError(errSlot(), other.length ? `${t('err.validation')} ${other.map((x) => x.detail).join('; ')}` : t('err.validation'));
        if (marked.length) form.querySelector(`[name="${marked[0]}"]`).focus();
      } else {
        showError(errSlot(), messageFor(err, S.tz));
      }
    } finally {
      sending = false;
      btn.disabled = false;
    }
  });
  return form;
}
