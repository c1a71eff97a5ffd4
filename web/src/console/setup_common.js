// Pieces the set-up pages share: forms whose fields show the server's field errors
// (problem+json errors[].pointer) next to them, a secret shown once with a copy button, an
// inline "are you sure" step, and the page's status and error lines.
import { h, clear } from '../dom.js';
import { t, locale } from '../i18n.js';
import { problemText } from './problems.js';

let formCount = 0;

/** "a, b , c" → ['a', 'b', 'c'] (empty items dropped). */
export function splitList(s) {
  return String(s || '').split(',').map((x) => x.trim()).filter(Boolean);
}

/** '' → null, else the trimmed text. */
export function orNull(s) {
  const v = String(s ?? '').trim();
  return v === '' ? null : v;
}

/** '' → null, a whole number → that number, anything else → the text (the server refuses it). */
export function intOrNull(s) {
  const v = String(s ?? '').trim();
  if (v === '') return null;
  return /^-?\d+$/.test(v) ? Number(v) : v;
}

/**
 * A form's fields by name. Each field has a label, an optional hint and an error line
 * (data-testid field-error-<name>); show(err) puts a refusal's field errors at their fields
 * (a pointer /policy/max_reschedules finds the field "policy.max_reschedules", else the
 * nearest field above it) and the rest in the form's alert (form-error).
 */
export class Fields {
  constructor(prefix) {
    formCount += 1;
    this.prefix = `${prefix}-${formCount}`;
    this.map = new Map();
    this.summary = h('div', { class: 'c-error-slot' });
  }

  id(name) { return `${this.prefix}-${name.replace(/[^A-Za-z0-9_-]/g, '-')}`; }

  register(name, control, errEl, describe) {
    this.map.set(name, { control, errEl });
    const ids = [describe, errEl.id].filter(Boolean).join(' ');
    if (control && control.setAttribute) control.setAttribute('aria-describedby', ids);
  }

  errLine(name) {
    return h('p', { class: 's-field-error', id: `${this.id(name)}-err`, 'data-testid': `field-error-${name}`, hidden: true });
  }

  wrap(name, label, control, hint) {
    control.id = this.id(name);
    if (!control.name) control.name = name;
    const hintEl = hint ? h('p', { class: 'c-hint', id: `${this.id(name)}-hint` }, hint) : null;
    const err = this.errLine(name);
    this.register(name, control, err, hintEl ? hintEl.id : null);
    return h('div', { class: 'c-field' }, h('label', { for: control.id }, label), control, hintEl, err);
  }

  input(name, label, value, opts = {}) {
    const { hint, type = 'text', ...attrs } = opts;
    const control = h('input', { type, value: value ?? '', ...attrs });
    return this.wrap(name, label, control, hint);
  }

  textarea(name, label, value, opts = {}) {
    const { hint, rows = 3, ...attrs } = opts;
    const control = h('textarea', { rows, ...attrs });
    control.value = value ?? '';
    return this.wrap(name, label, control, hint);
  }

  select(name, label, options, value, opts = {}) {
    const { hint, ...attrs } = opts;
    const control = h('select', attrs, options.map(([v, text]) => h('option', { value: v }, text)));
    control.value = value ?? '';
    return this.wrap(name, label, control, hint);
  }

  checkbox(name, label, checked, opts = {}) {
    const { hint, ...attrs } = opts;
    const control = h('input', { type: 'checkbox', checked: !!checked, ...attrs });
    control.id = this.id(name);
    control.name = name;
    const hintEl = hint ? h('p', { class: 'c-hint', id: `${this.id(name)}-hint` }, hint) : null;
    const err = this.errLine(name);
    this.register(name, control, err, hintEl ? hintEl.id : null);
    return h('div', { class: 's-checkfield' },
      h('label', { class: 'c-check', for: control.id }, control, label), hintEl, err);
  }

  /** A fieldset (checkbox groups, lists of rows) with its own error line. */
  group(name, legend, children, hint) {
    const err = this.errLine(name);
    const hintEl = hint ? h('p', { class: 'c-hint', id: `${this.id(name)}-hint` }, hint) : null;
    const fs = h('fieldset', { class: 's-group', id: this.id(name) }, h('legend', null, legend), hintEl, children, err);
    this.register(name, fs, err, hintEl ? hintEl.id : null);
    return fs;
  }

  el(name) { return this.map.get(name).control; }
  val(name) { return this.el(name).value; }
  checked(name) { return this.el(name).checked; }

  clear() {
    for (const { control, errEl } of this.map.values()) {
      errEl.hidden = true;
      errEl.textContent = '';
      if (control && control.removeAttribute) control.removeAttribute('aria-invalid');
    }
    clear(this.summary);
  }

  fieldOf(pointer) {
    const parts = String(pointer || '').split('/').filter(Boolean);
    while (parts.length) {
      const name = parts.join('.');
      if (this.map.has(name)) return name;
      parts.pop();
    }
    return null;
  }

  /** Shows a refusal; returns true when it named fields. */
  show(err) {
    this.clear();
    const p = (err && err.problem) || {};
    const list = Array.isArray(p.errors) ? p.errors : [];
    const loose = [];
    let first = null;
    for (const e of list) {
      const name = this.fieldOf(e.pointer);
      if (!name) { loose.push(`${e.pointer || ''} ${e.detail || ''}`.trim()); continue; }
      const { control, errEl } = this.map.get(name);
      const sub = e.pointer.split('/').filter(Boolean).join('.') !== name ? `${e.pointer}: ` : '';
      errEl.textContent = errEl.textContent ? `${errEl.textContent}; ${sub}${e.detail}` : `${sub}${e.detail}`;
      errEl.hidden = false;
      if (control && control.setAttribute && control.tagName !== 'FIELDSET') control.setAttribute('aria-invalid', 'true');
      if (!first) first = control;
    }
    let text;
    if (list.length && first) {
      text = loose.length ? `${t('c.setup.fix')} ${loose.join('; ')}` : t('c.setup.fix');
    } else {
      text = problemText(err);
    }
    this.summary.append(h('p', { class: 'c-alert', role: 'alert', 'data-testid': 'form-error' }, text));
    if (first) {
      const target = first.tagName === 'FIELDSET' ? first.querySelector('input, select, textarea, button') : first;
      if (target) target.focus();
    }
    return !!first;
  }
}

/** A secret shown once: its value, a copy button and the warning that it will not come back. */
export function secretBox(testid, label, value) {
  const code = h('code', { class: 's-secret-value', 'data-testid': testid }, value);
  const status = h('span', { class: 'c-hint', role: 'status' });
  const copy = h('button', { type: 'button', class: 'c-secondary', 'data-testid': `${testid}-copy` }, t('c.setup.copy'));
  copy.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(value);
      status.textContent = t('c.setup.copied');
    } catch {
      const range = document.createRange();
      range.selectNodeContents(code);
      const s = window.getSelection();
      s.removeAllRanges();
      s.addRange(range);
      status.textContent = t('c.setup.copy.manual');
    }
  });
  const hide = h('button', { type: 'button', class: 'c-secondary', 'data-testid': `${testid}-hide` }, t('c.setup.secret.hide'));
  const box = h('div', { class: 's-secret', tabindex: '-1', 'data-testid': `${testid}-box` },
    h('p', { class: 's-secret-label' }, label),
    h('div', { class: 's-secret-row' }, code, copy, hide, status),
    h('p', { class: 's-warning' }, h('strong', null, `${t('c.setup.once.h')} `), t('c.setup.once')));
  // Once copied the secret has no reason to stay in the page.
  hide.addEventListener('click', () => {
    code.textContent = '';
    value = '';
    box.remove();
  });
  setTimeout(() => box.focus(), 0);
  return box;
}

/** The page's status (role=status, setup-status) and error (role=alert, setup-error) lines. */
export function notices() {
  const status = h('p', { class: 's-status', role: 'status', 'data-testid': 'setup-status' });
  const error = h('div', { class: 'c-error-slot' });
  return {
    el: h('div', { class: 's-notices' }, error, status),
    note(text) { clear(error); status.textContent = text || ''; },
    fail(e) {
      status.textContent = '';
      clear(error);
      if (e) error.append(h('p', { class: 'c-alert', role: 'alert', 'data-testid': 'setup-error' }, typeof e === 'string' ? e : problemText(e)));
    },
  };
}

/**
 * An inline confirmation in `slot`: the question, a button that does it (data-testid
 * `<testid>`) and Cancel. The action's button gets focus.
 */
export function confirmIn(slot, question, yesLabel, testid, onYes) {
  clear(slot);
  const yes = h('button', { type: 'button', class: 'c-danger', 'data-testid': testid }, yesLabel);
  const no = h('button', { type: 'button', class: 'c-secondary' }, t('c.setup.cancel'));
  no.addEventListener('click', () => clear(slot));
  yes.addEventListener('click', async () => {
    yes.disabled = true;
    try { await onYes(); } finally { yes.disabled = false; }
  });
  slot.append(h('div', { class: 's-confirm', role: 'group', 'aria-label': question },
    h('p', null, question), h('div', { class: 'c-buttons' }, yes, no)));
  yes.focus();
}

/** A table with a hidden caption and its column heads; returns {table, tbody}. */
export function dataTable(testid, caption, heads) {
  const tbody = h('tbody');
  const table = h('table', { class: 'c-table s-table', 'data-testid': testid },
    h('caption', { class: 'visually-hidden' }, caption),
    h('thead', null, h('tr', null, heads.map((x) => h('th', { scope: 'col' }, x)))),
    tbody);
  return { table, tbody, wrap: h('div', { class: 'c-table-wrap' }, table) };
}

/** A date-time in the browser's zone, or the dash. */
export function when(iso) {
  if (!iso) return t('c.detail.none');
  try {
    return new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
  } catch { return iso; }
}

/** A button. */
export function btn(label, testid, onClick, cls = 'c-secondary', extra = {}) {
  const b = h('button', { type: 'button', class: cls, 'data-testid': testid, ...extra }, label);
  b.addEventListener('click', onClick);
  return b;
}

/** A submit button that is disabled while `fn` runs. */
export async function busy(button, fn) {
  button.disabled = true;
  try { return await fn(); } finally { button.disabled = false; }
}

/**
 * The skeleton the set-up list pages share, appended to `root`: an optional intro line, the
 * add button (when `newLabel` is given; data-testid `newTestid`, calls `onNew`), the page's
 * status and error lines, an optional slot for a secret shown once, the form's slot, then the
 * list's heading and table (dataTable's `table.testid`, `table.caption`, `table.heads`).
 * Returns {msg, formSlot, secretSlot, newBtn, tbody}.
 */
export function listPage(root, { intro, newLabel, newTestid, onNew, listTitle, table, secret = false, headingId }) {
  const msg = notices();
  const formSlot = h('div', { class: 's-form-slot' });
  const secretSlot = secret ? h('div') : null;
  const { tbody, wrap } = dataTable(table.testid, table.caption, table.heads);
  const newBtn = newLabel ? btn(newLabel, newTestid, onNew, 'c-primary') : null;
  const parts = [
    intro ? h('p', { class: 'c-hint' }, intro) : null,
    newBtn ? h('div', { class: 's-toolbar' }, newBtn) : null,
    msg.el, secretSlot, formSlot,
    h('h2', { class: 's-h2', id: headingId || null }, listTitle), wrap,
  ];
  root.append(...parts.filter(Boolean));
  return { msg, formSlot, secretSlot, newBtn, tbody };
}
