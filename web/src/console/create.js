// The create dialog of the calendar: a time chosen in the calendar (clicked or selected) becomes
// a booking (POST /v1/bookings), a schedule entry (POST /v1/entries, with assignees and a
// repeat rule) or time off (POST /v1/providers/{id}/time-off). Refusals are shown in words, and
// field errors (problem errors[].pointer) next to their fields; nothing is stored then.
import { h, clear, announce } from '../dom.js';
import { t } from '../i18n.js';
import { formatDateTime, formatRange } from '../format.js';
import { call } from './http.js';
import { problemText, whyText } from './problems.js';
import { REPEATS, presetRule, dayName, localParts, conflictList } from './entry.js';
import './strings_calendar.js';

const pad = (n) => String(n).padStart(2, '0');
/** A datetime-local value (the browser's zone) of a Date. */
const localValue = (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
/** The instant of a datetime-local value (read in the browser's zone), or null. */
function fromLocal(v) {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(v || '')) return null;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? null : d;
}
const iso = (d) => d.toISOString().replace(/\.000Z$/, 'Z');

function newKey() {
  try { return crypto.randomUUID(); } catch { return `c-${Date.now()}-${Math.random().toString(36).slice(2)}`; }
}

let dialog = null;

export function closeCreate() { if (dialog && dialog.open) dialog.close(); }

/**
 * Opens the dialog. opts: {ctx, tz, start: Date, end: Date, providerId (the column or the only
 * provider chosen), providerIds (the providers chosen in the calendar), onSaved()}.
 */
export function openCreate(opts) {
  const { ctx, tz } = opts;
  if (dialog) dialog.close();
  const returnTo = document.activeElement;
  const d = h('dialog', { class: 'c-dialog c-create', 'data-testid': 'create-dialog', 'aria-labelledby': 'create-h' });
  dialog = d;
  const providers = ctx.providers;
  const firstProvider = opts.providerId || (opts.providerIds && opts.providerIds[0]) || (providers[0] && providers[0].id) || '';
  const idem = { key: newKey(), body: null };

  // --- fields --------------------------------------------------------------------------------
  const errs = new Map(); // field name → {input, err}
  const field = (name, label, input, hint) => {
    const id = input.id;
    const err = h('p', { class: 'c-field-error', id: `${id}-err` });
    errs.set(name, { input, err });
    input.setAttribute('aria-describedby', [hint ? `${id}-hint` : null, `${id}-err`].filter(Boolean).join(' '));
    return h('div', { class: 'c-field' }, h('label', { for: id }, label), input,
      hint ? h('p', { class: 'c-hint', id: `${id}-hint` }, hint) : null, err);
  };
  const input = (id, testid, attrs = {}) => h('input', { id, name: id, 'data-testid': testid, ...attrs });

  // Time off is written by administrators only (POST …/time-off refuses a staff user).
  const kinds = ctx.admin ? ['booking', 'entry', 'time_off'] : ['booking', 'entry'];
  const kindBox = h('fieldset', { class: 'c-kind', 'data-testid': 'create-kind' },
    h('legend', null, t('c.create.kind')),
    kinds.map((k, i) => h('span', { class: 'c-check' },
      h('input', { type: 'radio', name: 'create-kind', id: `create-kind-${k}`, value: k, 'data-testid': `create-kind-${k}`, checked: i === 0 }),
      h('label', { for: `create-kind-${k}` }, t(`c.create.kind.${k}`)))));

  const providerSel = h('select', { id: 'create-provider', 'data-testid': 'create-provider' },
    providers.map((p) => h('option', { value: p.id }, p.name)));
  providerSel.value = firstProvider;
  const providerField = field('provider_id', t('c.create.provider'), providerSel);
  if (providers.length <= 1) providerField.hidden = true;

  const serviceSel = h('select', { id: 'create-service', 'data-testid': 'create-service' });
  const serviceNone = h('p', { class: 'c-hint', 'data-testid': 'create-service-none' });
  // provider_ids lists at most the first 200 by id: a service offered by more (provider_count
  // is then set) is asked whether it has a provider it does not list (404: it has not).
  const unlisted = (s, pid) => Array.isArray(s.provider_ids) && !s.provider_ids.includes(pid)
    && typeof s.provider_count === 'number' && s.provider_count > s.provider_ids.length;
  let fillSeq = 0;
  const fillServices = () => {
    const pid = providerSel.value;
    const keep = serviceSel.value;
    const mine = ++fillSeq;
    clear(serviceSel);
    const offered = [...ctx.services.values()].filter((s) => !Array.isArray(s.provider_ids) || s.provider_ids.includes(pid));
    for (const s of offered) serviceSel.append(h('option', { value: s.id }, s.name));
    if (offered.some((s) => s.id === keep)) serviceSel.value = keep;
    serviceNone.textContent = offered.length ? '' : t('c.create.service.none');
    const ask = pid ? [...ctx.services.values()].filter((s) => unlisted(s, pid)) : [];
    if (!ask.length) return;
    Promise.all(ask.map((s) => call('GET', `/v1/services/${encodeURIComponent(s.id)}/providers/${encodeURIComponent(pid)}`)
      .then(() => s, () => null))).then((found) => {
      const more = found.filter(Boolean);
      if (mine !== fillSeq || !more.length) return;
      for (const s of more) serviceSel.append(h('option', { value: s.id }, s.name));
      if (more.some((s) => s.id === keep)) serviceSel.value = keep;
      serviceNone.textContent = '';
    });
  };
  fillServices();

  const startIn = input('create-start', 'create-start', { type: 'datetime-local', required: true, value: localValue(opts.start), step: '60' });
  const endIn = input('create-end', 'create-end', { type: 'datetime-local', required: true, value: localValue(opts.end), step: '60' });
  const endField = field('end', t('c.create.end'), endIn);
  const zoneHint = t('c.cal.zone', { tz });

  const booking = h('div', { class: 'c-kind-part', 'data-part': 'booking' },
    field('service_id', t('c.create.service'), serviceSel), serviceNone,
    field('customer/name', t('c.create.name'), input('create-name', 'create-name', { autocomplete: 'off', maxlength: '200', required: true })),
    field('customer/email', t('c.create.email'), input('create-email', 'create-email', { type: 'email', autocomplete: 'off', maxlength: '254', required: true })),
    field('customer/phone', t('c.create.phone'), input('create-phone', 'create-phone', { type: 'tel', autocomplete: 'off', maxlength: '40' })),
    field('notes', t('c.create.notes'), h('textarea', { id: 'create-notes', 'data-testid': 'create-notes', rows: '2', maxlength: '1000' })));

  const assigneeErr = h('p', { class: 'c-field-error', id: 'entry-assignees-err' });
  const first = new Set([firstProvider]);
  const assignees = h('fieldset', { class: 'c-filter', 'data-testid': 'entry-assignees', 'aria-describedby': 'entry-assignees-err' },
    h('legend', null, t('c.entry.assignees')),
    providers.map((p) => h('span', { class: 'c-check' },
      h('input', { type: 'checkbox', id: `entry-assignee-${p.id}`, value: p.id, 'data-testid': `entry-assignee-${p.id}`, checked: first.has(p.id) }),
      h('label', { for: `entry-assignee-${p.id}` }, p.name))),
    assigneeErr);
  errs.set('assignee_ids', { input: assignees, err: assigneeErr });
  const repeatSel = h('select', { id: 'entry-repeat', 'data-testid': 'entry-repeat' });
  const ruleIn = input('entry-rrule', 'entry-rrule', { type: 'text', spellcheck: 'false', autocapitalize: 'characters', maxlength: '500' });
  const ruleField = field('rrule', t('c.entry.rrule'), ruleIn);
  ruleField.hidden = true;
  const entryZoneHint = h('p', { class: 'c-hint', 'data-testid': 'entry-zone' });
  const entry = h('div', { class: 'c-kind-part', 'data-part': 'entry' },
    field('title', t('c.entry.title'), input('entry-title', 'entry-title', { maxlength: '200', required: true })),
    assignees,
    h('fieldset', { class: 'c-filter c-work' }, h('legend', null, t('c.entry.work')),
      field('work_item/type', t('c.entry.work.type'), input('entry-work-type', 'entry-work-type', { maxlength: '40' })),
      field('work_item/id', t('c.entry.work.id'), input('entry-work-id', 'entry-work-id', { maxlength: '128' }))),
    field('entry-notes', t('c.entry.notes'), h('textarea', { id: 'entry-notes', 'data-testid': 'entry-notes', rows: '2', maxlength: '1000' })),
    field('repeat', t('c.entry.repeat'), repeatSel),
    ruleField, entryZoneHint);

  const timeOff = h('div', { class: 'c-kind-part', 'data-part': 'time_off' },
    field('reason', t('c.create.reason'), input('timeoff-reason', 'timeoff-reason', { maxlength: '1000' })));

  const chosenAssignees = () => [...assignees.querySelectorAll('input[type=checkbox]')].filter((x) => x.checked).map((x) => x.value);
  const entryZone = () => {
    const id = chosenAssignees()[0] || providerSel.value;
    const p = providers.find((x) => x.id === id);
    return (p && p.timezone) || tz;
  };
  const fillRepeats = () => {
    const s = fromLocal(startIn.value) || opts.start;
    const z = entryZone();
    const keep = repeatSel.value || 'none';
    const { dom } = localParts(s, z);
    clear(repeatSel);
    for (const r of REPEATS) {
      repeatSel.append(h('option', { value: r },
        t(`c.entry.repeat.${r}`, { day: dayName(s, z), n: dom })));
    }
    repeatSel.value = keep;
    entryZoneHint.textContent = t('c.entry.zone', { tz: z });
  };
  fillRepeats();
  repeatSel.addEventListener('change', () => { ruleField.hidden = repeatSel.value !== 'custom'; if (!ruleField.hidden) ruleIn.focus(); });
  assignees.addEventListener('change', fillRepeats);
  startIn.addEventListener('change', fillRepeats);

  // --- the dialog ------------------------------------------------------------------------------
  const heading = h('h2', { id: 'create-h', tabindex: '-1' }, t('c.create.heading', { when: formatDateTime(iso(opts.start), tz, false) }));
  const alertSlot = h('div', { class: 'c-error-slot' });
  const result = h('div', { class: 'c-result' });
  const save = h('button', { type: 'submit', class: 'c-primary', 'data-testid': 'create-save' }, t('c.create.save'));
  const cancel = h('button', { type: 'button', class: 'c-secondary', 'data-testid': 'create-cancel', onclick: () => d.close() }, t('c.create.cancel'));
  const form = h('form', { class: 'c-create-form', novalidate: true, 'aria-labelledby': 'create-h' },
    kindBox,
    providerField,
    field('start', t('c.create.start'), startIn, zoneHint),
    endField,
    booking, entry, timeOff,
    alertSlot, result,
    h('div', { class: 'c-buttons' }, save, cancel));
  d.append(heading, form);

  const kind = () => (kindBox.querySelector('input:checked') || {}).value || 'booking';
  const showKind = () => {
    const k = kind();
    booking.hidden = k !== 'booking';
    entry.hidden = k !== 'entry';
    timeOff.hidden = k !== 'time_off';
    endField.hidden = k === 'booking'; // a booking lasts as long as its service
    // an entry names its people in the assignee list instead
    providerField.hidden = providers.length <= 1 || k === 'entry';
    if (k === 'entry') fillRepeats();
  };
  kindBox.addEventListener('change', showKind);
  providerSel.addEventListener('change', fillServices);
  showKind();

  const showAlert = (text) => {
    clear(alertSlot);
    if (text) alertSlot.append(h('p', { class: 'c-alert', role: 'alert', 'data-testid': 'create-error' }, text));
  };
  const clearFieldErrors = () => {
    for (const { input: el, err } of errs.values()) { err.textContent = ''; el.removeAttribute('aria-invalid'); }
  };
  const fieldError = (name, text) => {
    const f = errs.get(name);
    if (!f) return false;
    f.err.textContent = f.err.textContent ? `${f.err.textContent}; ${text}` : text;
    f.input.setAttribute('aria-invalid', 'true');
    return true;
  };
  // The server's pointers (/customer/name, /start, /assignee_ids/0, /work_item/id…) → fields.
  const pointerField = (pointer, k) => {
    const p = (pointer || '').replace(/^\//, '');
    if (k === 'entry' && p === 'notes') return 'entry-notes';
    if (p.startsWith('assignee_ids')) return 'assignee_ids';
    if (p === 'rrule' && repeatSel.value !== 'custom') return 'repeat';
    return p;
  };

  d.addEventListener('close', () => {
    if (dialog === d) dialog = null;
    d.remove();
    if (returnTo && returnTo.isConnected && typeof returnTo.focus === 'function') returnTo.focus();
    else { const h1 = document.querySelector('main h1'); if (h1) { h1.setAttribute('tabindex', '-1'); h1.focus(); } }
  });

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    showAlert('');
    clear(result);
    clearFieldErrors();
    const k = kind();
    const start = fromLocal(startIn.value);
    const end = fromLocal(endIn.value);
    let bad = false;
    if (!start) bad = fieldError('start', t('c.create.bad_time'));
    if (k !== 'booking') {
      if (!end) bad = fieldError('end', t('c.create.bad_time'));
      else if (start && end <= start) bad = fieldError('end', t('c.create.end_before'));
    }
    let req;
    if (k === 'booking') {
      const name = d.querySelector('#create-name').value.trim();
      const email = d.querySelector('#create-email').value.trim();
      const phone = d.querySelector('#create-phone').value.trim();
      const notes = d.querySelector('#create-notes').value.trim();
      if (!serviceSel.value) bad = fieldError('service_id', t('c.create.service.none'));
      if (!name) bad = fieldError('customer/name', t('c.create.missing'));
      if (!email) bad = fieldError('customer/email', t('c.create.missing'));
      if (bad) return focusFirstError();
      const body = {
        service_id: serviceSel.value, provider_id: providerSel.value, start: iso(start),
        customer: { name, email, phone: phone || null }, notes: notes || null,
      };
      const json = JSON.stringify(body);
      if (idem.body !== json) { idem.key = newKey(); idem.body = json; }
      req = () => call('POST', '/v1/bookings', { body, idempotencyKey: idem.key });
    } else if (k === 'entry') {
      const title = d.querySelector('#entry-title').value.trim();
      const ids = chosenAssignees();
      if (!title) bad = fieldError('title', t('c.create.missing'));
      if (!ids.length) bad = fieldError('assignee_ids', t('c.entry.none.assignee'));
      const repeat = repeatSel.value;
      const custom = ruleIn.value.trim();
      if (repeat === 'custom' && !custom) bad = fieldError('rrule', t('c.create.missing'));
      if (bad) return focusFirstError();
      const z = entryZone();
      const body = { title, start: iso(start), end: iso(end), timezone: z, assignee_ids: ids };
      const wt = d.querySelector('#entry-work-type').value.trim();
      const wid = d.querySelector('#entry-work-id').value.trim();
      if (wt || wid) body.work_item = { type: wt, id: wid };
      const notes = d.querySelector('#entry-notes').value.trim();
      if (notes) body.notes = notes;
      const rule = repeat === 'custom' ? custom : presetRule(repeat, start, z);
      if (rule) body.rrule = rule;
      req = () => call('POST', '/v1/entries', { body });
    } else {
      const reason = d.querySelector('#timeoff-reason').value.trim();
      if (bad) return focusFirstError();
      const body = { start: iso(start), end: iso(end), reason: reason || null };
      req = () => call('POST', `/v1/providers/${encodeURIComponent(providerSel.value)}/time-off`, { body });
    }
    save.disabled = true;
    save.textContent = t('c.create.sending');
    try {
      const { data } = await req();
      let note;
      if (k === 'booking') note = t('c.create.done.booking', { ref: data.reference, when: formatDateTime(data.start, tz) });
      else if (k === 'entry') note = t('c.create.done.entry', { title: data.title });
      else note = t('c.create.done.time_off', { when: formatRange(data.start, data.end, tz) });
      announce(note);
      opts.onSaved && opts.onSaved(note);
      const list = k === 'entry' ? conflictList(data.conflicts, ctx, tz) : null;
      if (list) {
        // Saved, with overlaps to know about: the dialog stays to list them.
        clear(form).append(h('p', { class: 'c-note', role: 'status', 'data-testid': 'create-done' }, note), list,
          h('div', { class: 'c-buttons' }, h('button', { type: 'button', class: 'c-primary', 'data-testid': 'create-close', onclick: () => d.close() }, t('c.create.close'))));
        d.querySelector('[data-testid="create-close"]').focus();
      } else {
        d.close();
      }
    } catch (e) {
      save.disabled = false;
      save.textContent = t('c.create.save');
      if (e.status === 401) return;
      const p = e.problem || {};
      let text;
      if (e.code === 'slot_taken') text = t('c.create.err.slot_taken');
      else if (e.code === 'slot_unavailable') {
        const why = whyText(p.reasons);
        text = why ? t('c.create.err.slot_unavailable', { why }) : t('c.create.err.slot_unavailable.plain');
      } else text = problemText(e);
      if (Array.isArray(p.errors)) {
        for (const fe of p.errors) {
          const name = pointerField(fe.pointer, k);
          if (name === 'provider_id' && k === 'booking') text = t('c.create.err.not_offered');
          fieldError(name, fe.detail || '');
        }
      }
      showAlert(text);
      focusFirstError(true);
    }
  });

  function focusFirstError(keepAlert) {
    for (const { input: el } of errs.values()) {
      if (el.getAttribute('aria-invalid') === 'true' && !el.closest('[hidden]')) {
        (el.tagName === 'FIELDSET' ? el.querySelector('input') : el).focus();
        return undefined;
      }
    }
    if (keepAlert) heading.focus();
    return undefined;
  }

  document.body.append(d);
  d.showModal();
  heading.focus();
  return d;
}
