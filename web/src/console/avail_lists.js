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

/** The holidays section. opts: {editable, onChanged()}. */
export function holidaysSection({ editable, onChanged }) {
  let prov = null;
  let alive = true;
  let seq = 0;
  const heading = h('h2', { id: 'hol-h' }, t('c.availability.hol.heading'));
  const status = statusLine('holidays-status');
  const listStatus = h('p', { class: 'c-hint', role: 'status' });
  const list = h('ul', { class: 'a-list', 'data-testid': 'holidays', 'aria-labelledby': 'hol-h' });
  const formSlot = h('div', { class: 'a-formslot' });
  const add = editable ? h('button', { type: 'button', class: 'c-secondary a-small', 'data-testid': 'holiday-add' }, t('c.availability.hol.add')) : null;
  if (add) add.addEventListener('click', () => openForm(null));
  const el = h('section', { class: 'a-section a-holidays', 'aria-labelledby': 'hol-h' },
    heading, h('p', { class: 'c-hint' }, t('c.availability.hol.intro')), add, formSlot, status.el, listStatus, list);

  async function load(provider) {
    if (provider) prov = provider;
    if (!prov) return;
    const mine = ++seq;
    listStatus.textContent = t('c.loading');
    try {
      const rows = await getAll('/v1/holidays');
      if (!alive || mine !== seq) return;
      const today = todayIn(prov.timezone || 'UTC');
      const mineRows = rows.filter((x) => !x.provider_ids || x.provider_ids.length === 0 || x.provider_ids.includes(prov.id))
        .map((x) => ({ x, n: nextDate(x, today) }))
        .sort((a, b) => (a.n.past - b.n.past) || (a.n.past ? b.n.key.localeCompare(a.n.key) : a.n.key.localeCompare(b.n.key)));
      clear(list);
      for (const { x, n } of mineRows) {
        const scope = !x.provider_ids || x.provider_ids.length === 0 ? t('c.availability.hol.scope.all')
          : (x.provider_ids.length === 1 ? t('c.availability.hol.scope.this') : t('c.availability.hol.scope.n', { n: x.provider_ids.length }));
        const li = h('li', { class: `a-row${n.past ? ' a-past' : ''}`, 'data-testid': `holiday-row-${x.id}` },
          h('span', { class: 'a-when' }, holidayWhen(x, today)),
          h('span', null, x.name),
          h('span', { class: 'c-hint' }, `${t(`c.availability.hol.type.${x.type || 'public'}`)} · ${scope}${n.past ? ` · ${t('c.availability.past')}` : ''}`));
        if (editable) {
          const edit = h('button', { type: 'button', class: 'c-secondary a-small', 'data-testid': `holiday-edit-${x.id}`,
            'aria-label': t('c.availability.hol.edit.label', { name: x.name }) }, t('c.availability.edit'));
          edit.addEventListener('click', () => openForm(x));
          li.append(h('span', { class: 'a-actions' }, edit,
            deleteButton(`holiday-delete-${x.id}`, t('c.availability.delete'), t('c.availability.hol.delete.q', { name: x.name }), () => remove(x))));
        }
        list.append(li);
      }
      listStatus.textContent = mineRows.length ? '' : t('c.availability.hol.none');
    } catch (e) {
      if (!alive || mine !== seq || e.status === 401) return;
      listStatus.textContent = refusalText(e, '');
    }
  }

  async function remove(x) {
    try {
      await call('DELETE', `/v1/holidays/${encodeURIComponent(x.id)}`);
      if (!alive) return true;
      status.show(t('c.availability.hol.deleted', { name: x.name }));
      announce(t('c.availability.hol.deleted', { name: x.name }));
      load();
      if (onChanged) onChanged();
      if (add) add.focus();
      return true;
    } catch (e) {
      if (!alive || e.status === 401) return false;
      status.show(refusalText(e, t('c.availability.hol.what')));
      if (e.code === 'not_found') load();
      return false;
    }
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
        if (!alive) return;
        clear(formSlot);
        const msg = t(x ? 'c.availability.hol.saved.edit' : 'c.availability.hol.saved', { name: body.name });
        status.show(msg);
        announce(msg);
        load();
        if (onChanged) onChanged();
        if (add) add.focus();
      } catch (e) {
        if (!alive || e.status === 401) return;
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

  return { el, load, destroy: () => { alive = false; } };
}

/** The time-off list. opts: {editable, onEdit(item), onChanged()}. */
export function timeoffSection({ editable, onEdit, onChanged }) {
  let prov = null;
  let alive = true;
  let seq = 0;
  const heading = h('h2', { id: 'tol-h' }, t('c.availability.to.heading'));
  const status = statusLine('timeoff-list-status');
  const listStatus = h('p', { class: 'c-hint', role: 'status' });
  const list = h('ul', { class: 'a-list', 'data-testid': 'timeoff-list', 'aria-labelledby': 'tol-h' });
  const el = h('section', { class: 'a-section a-timeoff', 'aria-labelledby': 'tol-h' },
    heading, h('p', { class: 'c-hint' }, t('c.availability.to.intro')), status.el, listStatus, list);

  async function load(provider) {
    if (provider) prov = provider;
    if (!prov) return;
    const mine = ++seq;
    listStatus.textContent = t('c.loading');
    try {
      const today = todayIn(prov.timezone || 'UTC');
      const rows = await getAll(`/v1/providers/${encodeURIComponent(prov.id)}/time-off?from=${today}`);
      if (!alive || mine !== seq) return;
      rows.sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
      clear(list);
      for (const x of rows) {
        const li = h('li', { class: 'a-row', 'data-testid': `timeoff-row-${x.id}` },
          h('span', { class: 'a-when' }, timeoffSpan(x)), h('span', null, x.reason || t('c.availability.to.noreason')));
        if (editable) {
          const edit = h('button', { type: 'button', class: 'c-secondary a-small', 'data-testid': `timeoff-edit-${x.id}`,
            'aria-label': t('c.availability.to.edit.label', { span: timeoffSpan(x) }) }, t('c.availability.edit'));
          edit.addEventListener('click', () => onEdit(x));
          li.append(h('span', { class: 'a-actions' }, edit,
            deleteButton(`timeoff-delete-${x.id}`, t('c.availability.delete'), t('c.availability.to.delete.q', { span: timeoffSpan(x) }), () => remove(x))));
        }
        list.append(li);
      }
      listStatus.textContent = rows.length ? '' : t('c.availability.to.none');
    } catch (e) {
      if (!alive || mine !== seq || e.status === 401) return;
      listStatus.textContent = refusalText(e, '');
    }
  }

  async function remove(x) {
    try {
      await call('DELETE', `/v1/providers/${encodeURIComponent(prov.id)}/time-off/${encodeURIComponent(x.id)}`);
      if (!alive) return true;
      const msg = t('c.availability.to.deleted', { span: timeoffSpan(x) });
      status.show(msg);
      announce(msg);
      if (onChanged) onChanged();
      return true;
    } catch (e) {
      if (!alive || e.status === 401) return false;
      status.show(refusalText(e, t('c.availability.to.what')));
      if (e.code === 'not_found' && onChanged) onChanged();
      return false;
    }
  }

  return { el, load, destroy: () => { alive = false; } };
}
