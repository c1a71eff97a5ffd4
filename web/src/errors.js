// Server refusals in plain words, and validation errors next to their fields.
import { t } from './i18n.js';
import { formatDateTime, visitorZone } from './format.js';
import { h } from './dom.js';

/** The plain sentence for an ApiError (tz: the zone to show deadlines in). */
export function messageFor(err, tz = visitorZone()) {
  if (!err || !err.code) return t('err.generic');
  const p = err.problem || {};
  switch (err.code) {
    case 'network': return t('err.network');
    case 'slot_taken': return t('err.slot_taken');
    case 'hold_expired': return t('err.hold_expired');
    case 'slot_unavailable': return t('err.slot_unavailable');
    case 'rate_limited':
      return err.retryAfter != null ? t('err.rate_limited', { n: err.retryAfter }) : t('err.rate_limited.nosec');
    case 'hold_limit_reached':
      return t('err.hold_limit', { n: err.retryAfter ?? 60 });
    case 'waitlist_limit_reached': return t('err.waitlist_limit');
    case 'not_found': return t('err.not_found');
    case 'policy_deadline_passed':
      return p.deadline ? t('err.policy_deadline', { date: formatDateTime(p.deadline, tz) }) : t('err.conflict');
    case 'reschedule_limit_reached': return t('err.reschedule_limit');
    case 'feedback_exists': return t('err.feedback_exists');
    case 'feedback_closed': return t('err.feedback_closed');
    case 'booking_not_completed': return t('err.booking_not_completed');
    case 'conflict': return t('err.conflict');
    case 'precondition_failed': return t('err.changed');
    case 'validation_failed': return t('err.validation');
    case 'idempotency_key_reused': return t('err.idem_reused');
    case 'unauthorized': return t('err.unauthorized');
    case 'service_unavailable': case 'request_timeout': case 'idempotency_key_in_use':
      return t('err.busy');
    default:
      if (err.status === 429) return err.retryAfter != null ? t('err.rate_limited', { n: err.retryAfter }) : t('err.rate_limited.nosec');
      return t('err.generic');
  }
}

/** An alert box for a step (data-testid="error"). */
export function errorBox(text) {
  return h('p', { class: 'error-box', role: 'alert', 'data-testid': 'error' }, text);
}

/** Put a message into the step's error slot (empty text clears it). */
export function showError(slot, text) {
  if (!slot) return;
  slot.replaceChildren();
  if (text) slot.append(errorBox(text));
}

/**
 * Mark fields from errors[].pointer ("/customer/email" → field "email").
 * fields: {name: inputElement}; map: pointer → field name. Returns the fields marked.
 */
export function markFields(form, err, map) {
  const marked = [];
  const list = (err && err.problem && Array.isArray(err.problem.errors)) ? err.problem.errors : [];
  for (const e of list) {
    const field = map[e.pointer];
    if (!field) continue;
    setFieldError(form, field, fieldMessage(field, e.detail));
    marked.push(field);
  }
  return marked;
}

const FIELD_MESSAGES = {
  email: 'field.email.invalid', phone: 'field.phone.invalid', name: 'field.name.invalid',
  notes: 'field.notes.invalid', earliest_date: 'field.date.invalid', latest_date: 'field.date.invalid',
  win_start: 'field.time.invalid', win_end: 'field.time.invalid',
  rating: 'field.rating.invalid', comment: 'field.comment.invalid',
};

/** Our own wording for a field the server refused (its detail is English only). */
function fieldMessage(field, detail) {
  if (/required/i.test(detail || '')) return t('field.required');
  const key = FIELD_MESSAGES[field];
  return key ? t(key) : (detail || t('err.validation'));
}

export function setFieldError(form, field, text) {
  const input = form.querySelector(`[name="${field}"]`);
  const slot = form.querySelector(`[data-error-for="${field}"]`);
  if (!input || !slot) return;
  if (text) {
    slot.textContent = text;
    slot.hidden = false;
    input.setAttribute('aria-invalid', 'true');
  } else {
    slot.textContent = '';
    slot.hidden = true;
    input.removeAttribute('aria-invalid');
  }
}

export function clearFieldErrors(form) {
  for (const slot of form.querySelectorAll('[data-error-for]')) setFieldError(form, slot.dataset.errorFor, '');
}

/** A labelled field with its error slot; the input's aria-describedby names the slot. */
export function field({ name, label, type = 'text', value = '', required = false, autocomplete, multiline = false, idPrefix = 'f', attrs = {} }) {
  const id = `${idPrefix}-${name}`;
  const errId = `${id}-error`;
  const props = { id, name, 'data-testid': `field-${name}`, 'aria-describedby': errId, autocomplete, ...attrs };
  if (required) { props.required = true; props['aria-required'] = 'true'; }
  const input = multiline ? h('textarea', { ...props, rows: 3 }) : h('input', { ...props, type });
  input.value = value || '';
  return h('div', { class: 'field' },
    h('label', { for: id }, label),
    input,
    h('p', { class: 'field-error', id: errId, 'data-error-for': name, 'data-testid': `error-${name}`, hidden: true }));
}
