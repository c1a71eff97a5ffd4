// Feedback on a completed booking (manage page): 1–5 stars and a comment, given once with
// the manage token and changeable for 7 days after it was first given.
import { h, focusHeading } from './dom.js';
import { t } from './i18n.js';
import { api, enc, serverNow } from './api.js';
import { formatDateTime } from './format.js';
import { messageFor, showError, markFields, clearFieldErrors, setFieldError, field } from './errors.js';

const EDIT_DAYS = 7; // docs/api.md "Feedback": PATCH is allowed this long after created_at
const COMMENT_MAX = 2000;
const POINTERS = { '/rating': 'rating', '/comment': 'comment' };
// Refusals after which the page reads the booking again and shows it as it is now.
const RELOAD = new Set(['feedback_exists', 'feedback_closed', 'booking_not_completed', 'not_found', 'http_404']);

// Kept across re-renders (a language change) of the same booking.
let F = { bookingId: null, editing: false, closed: false, draft: null };

/** The last moment the feedback can be changed (ms), from its created_at. */
function editUntil(fb) {
  const c = Date.parse(fb && fb.created_at);
  return Number.isFinite(c) ? c + EDIT_DAYS * 86400e3 : 0;
}

function starsText(n) {
  return t(n === 1 ? 'feedback.star' : 'feedback.stars', { n });
}

/** ★★★★☆ with "4 of 5 stars" for screen readers. */
function starsShown(n) {
  return h('span', { class: 'stars-shown' },
    h('span', { class: 'stars-glyphs', 'aria-hidden': 'true' }, '★'.repeat(n), h('span', { class: 'stars-off' }, '★'.repeat(5 - n))),
    h('span', { class: 'visually-hidden' }, t('feedback.of5', { n })));
}

/**
 * The feedback part of the manage page for booking b (status completed).
 * onDone(statusText): given or changed — the page reads the booking again.
 * onRefused(error): a refusal that changes what the page offers (read again, say why).
 */
export function feedbackBlock({ booking: b, token, tz, onDone, onRefused }) {
  if (F.bookingId !== b.id) F = { bookingId: b.id, editing: false, closed: false, draft: null };
  const fb = b.feedback || null;
  const box = h('div', { class: 'manage-block', 'data-testid': 'feedback' },
    h('h3', { id: 'feedback-h', tabindex: '-1' }, fb ? t('feedback.yours') : t('feedback.heading')));
  if (fb && !F.editing) {
    box.append(h('p', { 'data-testid': 'feedback-rating', 'data-rating': String(fb.rating) }, starsShown(fb.rating)));
    if (fb.comment) box.append(h('p', { class: 'feedback-comment', 'data-testid': 'feedback-comment' }, fb.comment));
    box.append(h('p', { class: 'hint' }, t('feedback.given', { date: formatDateTime(fb.created_at, tz) })));
    const until = editUntil(fb);
    if (!F.closed && until > serverNow()) {
      box.append(h('p', { class: 'hint' }, t('feedback.edit.until', { date: formatDateTime(new Date(until).toISOString(), tz) })),
        h('button', { type: 'button', class: 'secondary', 'data-testid': 'feedback-edit', onclick: () => {
          F.editing = true; F.draft = { rating: fb.rating, comment: fb.comment || '' };
          const fresh = feedbackBlock({ booking: b, token, tz, onDone, onRefused });
          box.replaceWith(fresh);
          focusHeading(fresh.querySelector('h3'));
        } }, t('feedback.edit')));
    } else {
      box.append(h('p', { class: 'hint', 'data-testid': 'feedback-closed' }, t('feedback.closed')));
    }
    return box;
  }
  if (!F.draft) F.draft = fb ? { rating: fb.rating, comment: fb.comment || '' } : { rating: 0, comment: '' };
  box.append(h('p', null, t(fb ? 'feedback.edit.intro' : 'feedback.intro')), feedbackForm(b, fb, { token, tz, onDone, onRefused, box }));
  return box;
}

function feedbackForm(b, fb, { token, tz, onDone, onRefused, box }) {
  const d = F.draft;
  const errSlot = h('div', { class: 'error-slot' });
  const form = h('form', { class: 'details-form feedback-form', novalidate: true, 'aria-labelledby': 'feedback-h' }, errSlot);
  // A native radio group: arrow keys move between the stars, the legend names the group.
  const group = h('fieldset', { class: 'rating', 'aria-describedby': 'fb-rating-error', 'data-testid': 'feedback-stars' },
    h('legend', null, t('feedback.rating')));
  const labels = [];
  const paint = () => labels.forEach((l, i) => l.classList.toggle('on', i < d.rating));
  for (let n = 1; n <= 5; n++) {
    const input = h('input', { type: 'radio', name: 'rating', id: `fb-rating-${n}`, value: String(n), class: 'visually-hidden',
      checked: d.rating === n, required: n === 1, 'data-testid': `rating-${n}` });
    const label = h('label', { for: `fb-rating-${n}`, class: 'star' },
      h('span', { 'aria-hidden': 'true' }, '★'), h('span', { class: 'visually-hidden' }, starsText(n)));
    input.addEventListener('change', () => {
      d.rating = n;
      paint();
      group.removeAttribute('aria-invalid');
      showRatingError('');
    });
    labels.push(label);
    group.append(input, label);
  }
  const ratingError = h('p', { class: 'field-error', id: 'fb-rating-error', 'data-testid': 'error-rating', hidden: true });
  function showRatingError(text) {
    ratingError.textContent = text;
    ratingError.hidden = !text;
    if (text) group.setAttribute('aria-invalid', 'true'); else group.removeAttribute('aria-invalid');
  }
  paint();
  const comment = field({ name: 'comment', label: t('feedback.comment'), value: d.comment, multiline: true, idPrefix: 'fb',
    attrs: { maxlength: COMMENT_MAX } });
  form.append(group, ratingError, comment);
  form.addEventListener('input', (e) => {
    if (e.target.name === 'comment') { d.comment = e.target.value; setFieldError(form, 'comment', ''); }
  });
  const label = fb ? t('feedback.save') : t('feedback.send');
  const send = h('button', { type: 'submit', class: 'primary', 'data-testid': 'feedback-submit' }, label);
  const row = h('div', { class: 'btn-row' }, send);
  if (fb) {
    row.append(h('button', { type: 'button', class: 'link-btn', onclick: () => {
      F.editing = false; F.draft = null;
      const fresh = feedbackBlock({ booking: b, token, tz, onDone, onRefused });
      box.replaceWith(fresh);
      fresh.querySelector('[data-testid="feedback-edit"]')?.focus();
    } }, t('back')));
  }
  form.append(row);
  let sending = false;
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (sending) return;
    clearFieldErrors(form);
    showRatingError('');
    showError(errSlot, '');
    d.comment = form.elements.namedItem('comment').value;
    if (!(d.rating >= 1 && d.rating <= 5)) {
      showRatingError(t('field.rating.required'));
      form.querySelector('input[name="rating"]').focus();
      return;
    }
    const text = d.comment.trim();
    sending = true;
    send.disabled = true;
    send.setAttribute('aria-busy', 'true');
    try {
      const path = `/v1/bookings/${enc(b.id)}/feedback`;
      if (fb) await api('PATCH', path, { token, body: { rating: d.rating, comment: text || null } });
      else await api('POST', path, { token, body: text ? { rating: d.rating, comment: text } : { rating: d.rating } });
    } catch (err) {
      sending = false;
      send.disabled = false;
      send.removeAttribute('aria-busy');
      if (RELOAD.has(err.code)) {
        if (err.code === 'feedback_closed') F.closed = true;
        F.editing = false; F.draft = null;
        await onRefused(err);
        return;
      }
      if (err.code === 'validation_failed') {
        const marked = markFields(form, err, POINTERS);
        if (marked.includes('rating')) showRatingError(t('field.rating.invalid'));
        showError(errSlot, t('err.validation'));
        return;
      }
      showError(errSlot, messageFor(err, tz));
      return;
    }
    F.editing = false; F.draft = null;
    await onDone(fb ? t('feedback.changed') : t('feedback.thanks'));
  });
  return form;
}
