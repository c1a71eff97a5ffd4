// The holidays that close a provider's dates (the practice's and the provider's own) and the
// provider's coming time off, upcoming first. Administrators add, edit and delete holidays
// (POST/PATCH/DELETE /v1/holidays) and edit or delete time off; staff read.
import { h, clear, announce } from '../dom.js';
import { t } from '../i18n.js';
import { call, getAll } from './http.js';
import {
  todayIn, shortDate, alertSlot, statusLine, refusalText, fieldErrors, markFields, field, deleteButton,
} from './avail_util.js';
import { timeoffSpan } from './avail_overrides.js';

const TYPES = ['public', 'closure', 'maintenance', 'other'];

/** The next date a holiday falls on from `today` (yearly ones move on), and whether it is past. */
function nextDate(hol, today) {
  if (hol.recurring === 'yearly') {
    const md = hol.date.slice(5);
    let y = Number(today.slice(0, 4));
    let d = `${y}-${md}`;
    if (d < today) { y += 1; d = `${y}-${md}`; }
    return { key: d < hol.date ? hol.date : d, past: false };
  }
  if (hol.rrule) {
    const past = !!hol.until && hol.until < today;
    return { key: hol.date < today ? today : hol.date, past };
  }
  return { key: hol.date, past: hol.date < today };
}

function holidayWhen(hol, today) {
  if (hol.recurring === 'yearly') return t('c.availability.hol.yearly', { date: shortDate(nextDate(hol, today).key) });
  if (hol.rrule) return t('c.availability.hol.rule', { from: shortDate(hol.date), rule: hol.rrule });
  return shortDate(hol.date);
}

/**
 * A list of one kind of item (holidays, time off) with what both lists share: the loading and
 * empty words and a refusal under the list, a row per item holding, for editors, an edit button
 * and a delete button that asks first (test hooks <prefix>-row-<id>, <prefix>-edit-<id>,
 * <prefix>-delete-<id>), and the delete itself with its result or refusal in `status`.
 */
function itemList({ prefix, testid, labelledBy, editable, none, status }) {
  let alive = true;
  let seq = 0;
  const listStatus = h('p', { class: 'c-hint', role: 'status' });
  const list = h('ul', { class: 'a-list', 'data-testid': testid, 'aria-labelledby': labelledBy });

  /** Reads the items (fetchItems) and draws a row for each (rowOf); a later call wins. */
  async function fill(fetchItems, rowOf) {
    const mine = ++seq;
    listStatus.textContent = t('c.loading');
    try {
      const items = await fetchItems();
      if (!alive || mine !== seq) return;
      clear(list);
      for (const item of items) list.append(rowOf(item));
      listStatus.textContent = items.length ? '' : none();
    } catch (e) {
      if (!alive || mine !== seq || e.status === 401) return;
      listStatus.textContent = refusalText(e, '');
    }
  }

  /** One row: its cells, and for editors the edit and delete buttons. */
  function row({ id, cls = 'a-row', cells, editLabel, onEdit, deleteQuestion, onDelete }) {
    const li = h('li', { class: cls, 'data-testid': `${prefix}-row-${id}` }, cells);
    if (editable) {
      const edit = h('button', { type: 'button', class: 'c-secondary a-small', 'data-testid': `${prefix}-edit-${id}`,
        'aria-label': editLabel }, t('c.availability.edit'));
      edit.addEventListener('click', onEdit);
      li.append(h('span', { class: 'a-actions' }, edit,
        deleteButton(`${prefix}-delete-${id}`, t('c.availability.delete'), deleteQuestion, onDelete)));
    }
    return li;
  }

  /** DELETE path; says done() and runs after() when it went, or says why not (missing() when it was gone already). */
  async function remove(path, { done, what, after, missing }) {
    try {
      await call('DELETE', path);
      if (!alive) return true;
      const msg = done();
      status.show(msg);
      announce(msg);
      after();
      return true;
    } catch (e) {
      if (!alive || e.status === 401) return false;
      status.show(refusalText(e, what()));
      if (e.code === 'not_found') missing();
      return false;
    }
  }

  return { listStatus, list, fill, row, remove, alive: () => alive, destroy: () => { alive = false; } };
}

/** The holidays section. opts: {editable, onChanged()}. */
export function holidaysSection({ editable, onChanged }) {
  let prov = null;
  const heading = h('h2', { id: 'hol-h' }, t('c.availability.hol.heading'));
  const status = statusLine('holidays-status');
  const items = itemList({ prefix: 'holiday', testid: 'holidays', labelledBy: 'hol-h', editable, status,
    none: () => t('c.availability.hol.none') });
  const formSlot = h('div', { class: 'a-formslot' });
  const add = editable ? h('button', { type: 'button', class: 'c-secondary a-small', 'data-testid': 'holiday-add' }, t('c.availability.hol.add')) : null;
  if (add) add.addEventListener('click', () => openForm(null));
  const el = h('section', { class: 'a-section a-holidays', 'aria-labelledby': 'hol-h' },
    heading, h('p', { class: 'c-hint' }, t('c.availability.hol.intro')), add, formSlot, status.el, items.listStatus, items.list);

  async function load(provider) {
    if (provider) prov = provider;
    if (!prov) return;
    await items.fill(async () => {
      const rows = await getAll('/v1/holidays');
      const today = todayIn(prov.timezone || 'UTC');
      return rows.filter((x) => !x.provider_ids || x.provider_ids.length === 0 || x.provider_ids.includes(prov.id))
        .map((x) => ({ x, n: nextDate(x, today), today }))
        .sort((a, b) => (a.n.past - b.n.past) || (a.n.past ? b.n.key.localeCompare(a.n.key) : a.n.key.localeCompare(b.n.key)));
    }, ({ x, n, today }) => {
      const scope = !x.provider_ids || x.provider_ids.length === 0 ? t('c.availability.hol.scope.all')
        : (x.provider_ids.length === 1 ? t('c.availability.hol.scope.this') : t('c.availability.hol.scope.n', { n: x.provider_ids.length }));
      return items.row({
        id: x.id,
        cls: `a-row${n.past ? ' a-past' : ''}`,
        cells: [h('span', { class: 'a-when' }, holidayWhen(x, today)),
          h('span', null, x.name),
          h('span', { class: 'c-hint' }, `${t(`c.availability.hol.type.${x.type || 'public'}`)} · ${scope}${n.past ? ` · ${t('c.availability.past')}` : ''}`)],
        editLabel: t('c.availability.hol.edit.label', { name: x.name }),
        onEdit: () => openForm(x),
        deleteQuestion: t('c.availability.hol.delete.q', { name: x.name }),
        onDelete: () => remove(x),
      });
    });
  }

  function remove(x) {
    return items.remove(`/v1/holidays/${encodeURIComponent(x.id)}`, {
      done: () => t('c.availability.hol.deleted', { name: x.name }),
      what: () => t('c.availability.hol.what'),
      after: () => {
        load();
        if (onChanged) onChanged();
        if (add) add.focus();
      },
      missing: () => load(),
    });
  }

  function openForm(x) {
    const err = alertSlot('holiday-error');
    const h3 = h('h3', { id: 'holf-h', tabindex: '-1' }, x ? t('c.availability.hol.form.edit', { name: x.name }) : t('c.availability.hol.form.new'));
    const name = field('holf-name', t('c.availability.hol.name'), h('input', { type: 'text', maxlength: '200', required: true,
      'data-testid': 'holiday-name', value: x ? x.name : '' }));
    const date = field('holf-date', t('c.availability.hol.date'), h('input', { type: 'date', required: true, 'data-testid': 'holiday-date',
      value: x ? x.date : '' }));
    const type = field('holf-type', t('c.availability.hol.type'), h('select', { 'data-testid': 'holiday-type' },
      TYPES.map((k) => h('option', { value: k }, t(`c.availability.hol.type.${k}`)))));
    type.input.value = x && x.type ? x.type : 'public';
    const ruled = x && x.rrule && x.recurring !== 'yearly';
    const yearly = h('input', { type: 'checkbox', id: 'holf-yearly', 'data-testid': 'holiday-yearly',
      checked: !!(x && x.recurring === 'yearly') });
    const scopeSel = h('select', { 'data-testid': 'holiday-scope' },
      h('option', { value: 'all' }, t('c.availability.hol.scope.all')),
      h('option', { value: 'this' }, t('c.availability.hol.scope.only', { name: prov.name })));
    const others = x && x.provider_ids && x.provider_ids.length && !(x.provider_ids.length === 1 && x.provider_ids[0] === prov.id);
    if (others) scopeSel.append(h('option', { value: 'keep' }, t('c.availability.hol.scope.n', { n: x.provider_ids.length })));
    scopeSel.value = !x || !x.provider_ids || !x.provider_ids.length ? 'all' : (others ? 'keep' : 'this');
    const scope = field('holf-scope', t('c.availability.hol.scope'), scopeSel);
    const saveBtn = h('button', { type: 'submit', class: 'c-primary', 'data-testid': 'holiday-save' }, t('c.availability.save'));
    const cancel = h('button', { type: 'button', class: 'c-secondary', 'data-testid': 'holiday-cancel' }, t('c.availability.cancel'));
    cancel.addEventListener('click', () => { clear(formSlot); if (add) add.focus(); });
    const form = h('form', { class: 'a-form', 'data-testid': 'holiday-form', 'aria-labelledby': 'holf-h', novalidate: true },
      h3, h('div', { class: 'a-inline' }, name.wrap, date.wrap, type.wrap, scope.wrap),
      ruled ? h('p', { class: 'c-hint' }, t('c.availability.hol.rule', { from: shortDate(x.date), rule: x.rrule }))
        : h('div', { class: 'c-check' }, yearly, h('label', { for: 'holf-yearly' }, t('c.availability.hol.yearlybox'))),
      err.el, h('div', { class: 'c-buttons' }, saveBtn, cancel));
    let unmark = () => {};
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      unmark();
      err.show('');
      const body = { name: name.input.value.trim(), date: date.input.value, type: type.input.value };
      if (!ruled) body.recurring = yearly.checked ? 'yearly' : null;
      if (scopeSel.value === 'all') body.provider_ids = [];
      else if (scopeSel.value === 'this') body.provider_ids = [prov.id];
      saveBtn.disabled = true;
      saveBtn.textContent = t('c.availability.saving');
      try {
        if (x) await call('PATCH', `/v1/holidays/${encodeURIComponent(x.id)}`, { body });
        else await call('POST', '/v1/holidays', { body });
        if (!items.alive()) return;
        clear(formSlot);
        const msg = t(x ? 'c.availability.hol.saved.edit' : 'c.availability.hol.saved', { name: body.name });
        status.show(msg);
        announce(msg);
        load();
        if (onChanged) onChanged();
        if (add) add.focus();
      } catch (e) {
        if (!items.alive() || e.status === 401) return;
        saveBtn.disabled = false;
        saveBtn.textContent = t('c.availability.save');
        unmark = markFields(fieldErrors(e), { '/name': name.input, '/date': date.input, '/type': type.input,
          '/provider_ids': scopeSel, '/recurring': yearly }, 'holf');
        err.show(refusalText(e, t('c.availability.hol.what')));
      }
    });
    clear(formSlot).append(form);
    h3.focus();
  }

  return { el, load, destroy: items.destroy };
}

/** The time-off list. opts: {editable, onEdit(item), onChanged()}. */
export function timeoffSection({ editable, onEdit, onChanged }) {
  let prov = null;
  const heading = h('h2', { id: 'tol-h' }, t('c.availability.to.heading'));
  const status = statusLine('timeoff-list-status');
  const items = itemList({ prefix: 'timeoff', testid: 'timeoff-list', labelledBy: 'tol-h', editable, status,
    none: () => t('c.availability.to.none') });
  const el = h('section', { class: 'a-section a-timeoff', 'aria-labelledby': 'tol-h' },
    heading, h('p', { class: 'c-hint' }, t('c.availability.to.intro')), status.el, items.listStatus, items.list);

  async function load(provider) {
    if (provider) prov = provider;
    if (!prov) return;
    await items.fill(async () => {
      const today = todayIn(prov.timezone || 'UTC');
      const rows = await getAll(`/v1/providers/${encodeURIComponent(prov.id)}/time-off?from=${today}`);
      return rows.sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
    }, (x) => items.row({
      id: x.id,
      cells: [h('span', { class: 'a-when' }, timeoffSpan(x)), h('span', null, x.reason || t('c.availability.to.noreason'))],
      editLabel: t('c.availability.to.edit.label', { span: timeoffSpan(x) }),
      onEdit: () => onEdit(x),
      deleteQuestion: t('c.availability.to.delete.q', { span: timeoffSpan(x) }),
      onDelete: () => remove(x),
    }));
  }

  function remove(x) {
    return items.remove(`/v1/providers/${encodeURIComponent(prov.id)}/time-off/${encodeURIComponent(x.id)}`, {
      done: () => t('c.availability.to.deleted', { span: timeoffSpan(x) }),
      what: () => t('c.availability.to.what'),
      after: () => { if (onChanged) onChanged(); },
      missing: () => { if (onChanged) onChanged(); },
    });
  }

  return { el, load, destroy: items.destroy };
}
