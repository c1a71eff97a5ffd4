// Date exceptions of one provider: a month grid (FullCalendar dayGridMonth, selectable) that
// marks closed days, changed hours, time off and holidays in words; a click on a date opens
// the override form (closed or custom hours, a reason, and presets that make one override per
// date of a pattern), a dragged range opens the time-off form. The same forms are reached
// without a mouse from a date field, and the upcoming overrides are listed with edit/delete.
import { Calendar } from 'fullcalendar';
import dayGridPlugin from 'fullcalendar/daygrid';
import interactionPlugin from 'fullcalendar/interaction';
import classicTheme from 'fullcalendar/themes/classic';
import deLocale from 'fullcalendar/locales/de';
import 'fullcalendar/skeleton.css';
import 'fullcalendar/themes/classic/theme.css';
import 'fullcalendar/themes/classic/palette.css';

import { h, clear, announce } from '../dom.js';
import { t, lang } from '../i18n.js';
import { call, get, getAll } from './http.js';
import { COLOURS } from './calendar.js';
import {
  addDays, weekdayIndex, dayName, dayKeyOf, todayIn, shortDate, wallTime, zonedIso, splitLocal,
  alertSlot, statusLine, refusalText, fieldErrors, markFields, field, deleteButton,
} from './avail_util.js';

const MAX_PRESET = 120;   // overrides one preset may make (a provider holds at most 500)

/** The dates of a preset from `first` on: weekly / biweekly until a date, or the n-th weekday monthly. */
export function presetDates(kind, first, { until, months } = {}) {
  const out = [];
  if (kind === 'weekly' || kind === 'biweekly') {
    if (!until || until < first) return out;
    const step = kind === 'weekly' ? 7 : 14;
    for (let d = first; d <= until && out.length <= MAX_PRESET; d = addDays(d, step)) out.push(d);
  } else if (kind === 'monthly') {
    const n = Math.ceil(Number(first.slice(8, 10)) / 7);   // 1st … 5th
    const wd = weekdayIndex(first);
    let y = Number(first.slice(0, 4));
    let m = Number(first.slice(5, 7));
    for (let k = 0; k < (months || 0) && out.length <= MAX_PRESET; k++) {
      const firstOfMonth = `${y}-${String(m).padStart(2, '0')}-01`;
      const shift = (wd - weekdayIndex(firstOfMonth) + 7) % 7;
      const d = addDays(firstOfMonth, shift + (n - 1) * 7);
      if (d.slice(5, 7) === firstOfMonth.slice(5, 7) && d >= first) out.push(d);
      m += 1;
      if (m > 12) { m = 1; y += 1; }
    }
  } else {
    out.push(first);
  }
  return out;
}

function intervalsText(list) {
  return (list || []).map((iv) => `${wallTime(iv.start)}–${wallTime(iv.end)}`).join(', ');
}

function overrideWords(o) {
  const what = o.closed ? t('c.availability.ov.closed') : t('c.availability.ov.hours', { hours: intervalsText(o.intervals) });
  return o.note ? `${what} (${o.note})` : what;
}

/** When an override applies, in words. */
function overrideWhen(o) {
  if (o.rrule) return t('c.availability.ov.rule', { from: shortDate(o.date), rule: o.rrule });
  if (o.date) return shortDate(o.date);
  return t('c.availability.range', { from: shortDate(o.from), to: shortDate(o.to) });
}

/**
 * The exceptions section. opts: {editable, onChanged()}. Returns {el, load(provider),
 * refresh(), openTimeoff(item|null), destroy()}.
 */
export function overridesSection({ editable, onChanged }) {
  let prov = null;
  let tz = 'UTC';
  let alive = true;
  let cal = null;
  let listSeq = 0;

  const heading = h('h2', { id: 'ovr-h' }, t('c.availability.ov.heading'));
  const intro = h('p', { class: 'c-hint' }, editable ? t('c.availability.ov.intro') : t('c.availability.ov.intro.ro'));
  const status = statusLine('overrides-status');
  const loadError = alertSlot('overrides-load-error');
  const title = h('h3', { class: 'a-cal-title', 'data-testid': 'ovcal-title', 'aria-live': 'polite' });
  const btn = (testid, label, onclick) => h('button', { type: 'button', class: 'c-tool', 'data-testid': testid, onclick }, label);
  const toolbar = h('div', { class: 'c-cal-bar' },
    h('div', { class: 'c-tools', role: 'group', 'aria-label': t('c.availability.cal.nav') },
      btn('ovcal-prev', t('c.cal.prev'), () => cal && cal.prev()),
      btn('ovcal-today', t('c.cal.today'), () => cal && cal.today()),
      btn('ovcal-next', t('c.cal.next'), () => cal && cal.next())),
    title);
  toolbar.querySelector('[data-testid="ovcal-prev"]').setAttribute('aria-label', t('c.cal.prev.month'));
  toolbar.querySelector('[data-testid="ovcal-next"]').setAttribute('aria-label', t('c.cal.next.month'));
  const calEl = h('div', { class: 'c-calendar a-ovcal', 'data-testid': 'overrides-calendar' });
  const legend = h('ul', { class: 'a-legend', 'aria-label': t('c.cal.legend') },
    [['override c-ev-closed', t('c.availability.ov.closed')], ['override', t('c.availability.ov.changed')], ['time_off', t('c.kind.time_off')],
      ['holiday', t('c.kind.holiday')]].map(([cls, label]) =>
      h('li', null, h('span', { class: `c-swatch ${cls.split(' ').map((c) => (c.startsWith('c-') ? c : `c-ev-${c}`)).join(' ')}`, 'aria-hidden': 'true' }), label)));
  const formSlot = h('div', { class: 'a-formslot' });

  // keyboard way to the forms
  let keyRow = null;
  if (editable) {
    const dateIn = h('input', { type: 'date', 'data-testid': 'override-date-input' });
    const open = h('button', { type: 'button', class: 'c-secondary a-small', 'data-testid': 'override-open' }, t('c.availability.ov.open'));
    const newTo = h('button', { type: 'button', class: 'c-secondary a-small', 'data-testid': 'timeoff-new' }, t('c.availability.to.new'));
    open.addEventListener('click', () => {
      if (!dateIn.value) { status.show(t('c.availability.ov.needdate')); dateIn.focus(); return; }
      openOverride(dateIn.value);
    });
    newTo.addEventListener('click', () => openTimeoff(null));
    keyRow = h('div', { class: 'a-inline a-keyrow' },
      field('override-date-input', t('c.availability.ov.date'), dateIn).wrap, open, newTo);
  }

  const listEl = h('ul', { class: 'a-list', 'data-testid': 'overrides-list' });
  const listStatus = h('p', { class: 'c-hint', role: 'status' });
  const el = h('section', { class: 'a-section a-overrides', 'aria-labelledby': 'ovr-h' },
    heading, intro, loadError.el, toolbar, calEl, legend, keyRow, status.el, formSlot,
    h('h3', { class: 'a-h3', id: 'ovlist-h' }, t('c.availability.ov.list')), listStatus, listEl);
  listEl.setAttribute('aria-labelledby', 'ovlist-h');

  // --- the month grid ---------------------------------------------------------------------

  function toEvents(items) {
    const out = [];
    for (const it of items) {
      if (it.kind === 'override') {
        out.push({
          id: `override:${it.id}:${it.date}`, start: it.date, allDay: true,
          title: it.closed ? `${t('c.availability.ov.closed')}${it.note ? `: ${it.note}` : ''}`
            : `${t('c.availability.ov.hours', { hours: intervalsText(it.intervals) })}${it.note ? ` (${it.note})` : ''}`,
          color: COLOURS.override, contrastColor: '#ffffff',
          className: `c-ev c-ev-override${it.closed ? ' c-ev-closed' : ''}`,
          extendedProps: { item: it },
        });
      } else if (it.kind === 'holiday') {
        out.push({
          id: `holiday:${it.id}:${it.date}`, start: it.date, allDay: true,
          title: `${t('c.kind.holiday')}: ${it.name || ''}`,
          color: COLOURS.holiday, contrastColor: '#ffffff', className: 'c-ev c-ev-holiday', extendedProps: { item: it },
        });
      } else if (it.kind === 'time_off') {
        const s = splitLocal(it.start);
        const e = splitLocal(it.end);
        const whole = s.time === '00:00' && e.time === '00:00';
        const endDay = e.time === '00:00' ? e.date : addDays(e.date, 1);
        const hours = whole ? '' : ` ${wallTime(s.time)}–${wallTime(e.time)}`;
        out.push({
          id: `time_off:${it.id}`, start: s.date, end: endDay > s.date ? endDay : addDays(s.date, 1), allDay: true,
          title: `${t('c.kind.time_off')}${hours}${it.reason ? `: ${it.reason}` : ''}`,
          color: COLOURS.time_off, contrastColor: '#ffffff', className: 'c-ev c-ev-time_off', extendedProps: { item: it },
        });
      }
    }
    return out;
  }

  async function fetchEvents(info) {
    if (!prov) return [];
    const from = info.start.toISOString().slice(0, 10);
    const to = addDays(info.end.toISOString().slice(0, 10), -1);
    const q = new URLSearchParams({ provider_ids: prov.id, from, to, timezone: tz });
    try {
      const res = await get(`/v1/calendar?${q}`);
      loadError.show('');
      return toEvents(res.items || []);
    } catch (e) {
      if (e.status !== 401 && alive) loadError.show(t('c.err.calendar', { detail: refusalText(e, '') }));
      throw e;
    }
  }

  function makeCalendar() {
    cal = new Calendar(calEl, {
      plugins: [dayGridPlugin, interactionPlugin, classicTheme],
      locales: [deLocale],
      locale: lang() === 'de' ? 'de' : 'en',
      timeZone: 'UTC',
      initialView: 'dayGridMonth',
      headerToolbar: false,
      height: 'auto',
      firstDay: 1,
      selectable: editable,
      unselectAuto: false,
      eventInteractive: true,
      dayMaxEvents: 3,
      headingLevel: 4,
      moreLinkText: (n) => t('c.cal.more', { n }),
      events: (info) => fetchEvents(info),
      eventSourceFailure: () => { /* shown in the alert region */ },
      datesSet: (info) => { title.textContent = info.view.title; },
      dayCellDidMount: (info) => {
        if (info.el && info.date) info.el.setAttribute('data-testid', `ovcal-day-${info.date.toISOString().slice(0, 10)}`);
      },
      eventDidMount: ({ event, el: evEl, isMirror }) => {
        if (isMirror) return;
        const it = event.extendedProps.item;
        if (!it) return;
        const id = it.kind === 'time_off' ? it.id : `${it.date}`;
        evEl.setAttribute('data-testid', `ovcal-${it.kind}-${id}`);
        evEl.setAttribute('data-kind', it.kind);
      },
      eventClick: (info) => {
        const it = info.event.extendedProps.item;
        if (info.jsEvent) info.jsEvent.preventDefault();
        if (!editable || !it) return;
        if (it.kind === 'time_off') openTimeoff(it);
        else openOverride(it.date);
      },
      select: (info) => {
        const first = info.startStr.slice(0, 10);
        const last = addDays(info.endStr.slice(0, 10), -1);
        if (last <= first) openOverride(first);
        else openTimeoff(null, { from: first, to: last });
      },
    });
    cal.render();
  }

  // --- the list of upcoming overrides -----------------------------------------------------

  async function loadList() {
    if (!prov) return;
    const mine = ++listSeq;
    listStatus.textContent = t('c.loading');
    try {
      const today = todayIn(tz);
      const rows = await getAll(`/v1/providers/${encodeURIComponent(prov.id)}/overrides?from=${today}`);
      if (!alive || mine !== listSeq) return;
      rows.sort((a, b) => (a.date || a.from || '').localeCompare(b.date || b.from || ''));
      clear(listEl);
      for (const o of rows) {
        const li = h('li', { class: 'a-row', 'data-testid': `override-row-${o.id}` },
          h('span', { class: 'a-when' }, overrideWhen(o)), h('span', null, overrideWords(o)));
        if (editable) {
          const actions = h('span', { class: 'a-actions' });
          if (o.date && !o.rrule) {
            const edit = h('button', { type: 'button', class: 'c-secondary a-small', 'data-testid': `override-edit-${o.id}`,
              'aria-label': t('c.availability.ov.edit.label', { when: overrideWhen(o) }) }, t('c.availability.edit'));
            edit.addEventListener('click', () => openOverride(o.date));
            actions.append(edit);
          }
          actions.append(deleteButton(`override-remove-${o.id}`, t('c.availability.delete'), t('c.availability.ov.delete.q', { when: overrideWhen(o) }),
            () => removeOverride(o)));
          li.append(actions);
        }
        listEl.append(li);
      }
      listStatus.textContent = rows.length ? '' : t('c.availability.ov.none');
    } catch (e) {
      if (!alive || mine !== listSeq || e.status === 401) return;
      listStatus.textContent = refusalText(e, '');
    }
  }

  async function removeOverride(o) {
    try {
      await call('DELETE', `/v1/providers/${encodeURIComponent(prov.id)}/overrides/${encodeURIComponent(o.id)}`);
      if (!alive) return true;
      status.show(t('c.availability.ov.deleted', { when: overrideWhen(o) }));
      announce(t('c.availability.ov.deleted', { when: overrideWhen(o) }));
      changed();
      return true;
    } catch (e) {
      if (!alive || e.status === 401) return false;
      status.show(refusalText(e, t('c.availability.ov.what')));
      if (e.code === 'not_found') changed();
      return false;
    }
  }

  function changed() {
    if (cal) cal.refetchEvents();
    loadList();
    if (onChanged) onChanged();
  }

  // --- the override form ------------------------------------------------------------------

  function closeForm(focusBack) {
    clear(formSlot);
    if (cal) cal.unselect();
    if (focusBack) {
      const back = el.querySelector('[data-testid="override-open"]') || heading;
      if (back) back.focus();
    }
  }

  function intervalsEditor(list, idBase) {
    const box = h('div', { class: 'a-ov-intervals', 'data-testid': 'override-intervals' });
    const draw = () => {
      clear(box);
      list.forEach((iv, i) => {
        const s = h('input', { type: 'time', name: 'start', id: `${idBase}-${i}-s`, value: iv.start, required: true });
        const e = h('input', { type: 'time', name: 'end', id: `${idBase}-${i}-e`, value: iv.end === '24:00' ? '00:00' : iv.end, required: true });
        s.addEventListener('input', () => { iv.start = s.value; });
        e.addEventListener('input', () => { iv.end = e.value === '00:00' ? '24:00' : e.value; });
        const rm = h('button', { type: 'button', class: 'c-secondary a-small', 'data-testid': `ov-remove-interval-${i}`,
          'aria-label': t('c.availability.ov.iv.remove', { n: i + 1 }) }, t('c.availability.iv.remove'));
        rm.addEventListener('click', () => { list.splice(i, 1); draw(); });
        box.append(h('div', { class: 'a-interval', 'data-testid': `ov-interval-${i}` },
          h('label', { for: `${idBase}-${i}-s`, class: 'visually-hidden' }, t('c.availability.ov.iv.start', { n: i + 1 })), s,
          h('span', { 'aria-hidden': 'true' }, '–'),
          h('label', { for: `${idBase}-${i}-e`, class: 'visually-hidden' }, t('c.availability.ov.iv.end', { n: i + 1 })), e,
          rm));
      });
      const add = h('button', { type: 'button', class: 'c-secondary a-small', 'data-testid': 'ov-add-interval' }, t('c.availability.iv.add'));
      add.addEventListener('click', () => {
        list.push({ start: '09:00', end: '13:00' });
        draw();
        const x = box.querySelector(`[data-testid="ov-interval-${list.length - 1}"] input`);
        if (x) x.focus();
      });
      box.append(add);
    };
    draw();
    return box;
  }

  async function openOverride(date) {
    if (!editable || !prov) return;
    const myProv = prov;
    clear(formSlot).append(h('p', { class: 'c-hint', role: 'status' }, t('c.loading')));
    let covering = [];
    try {
      covering = await getAll(`/v1/providers/${encodeURIComponent(prov.id)}/overrides?from=${date}&to=${date}`);
    } catch (e) {
      if (e.status === 401 || !alive) return;
      clear(formSlot).append(h('p', { class: 'c-alert', role: 'alert', 'data-testid': 'override-error' }, refusalText(e, '')));
      return;
    }
    if (!alive || prov !== myProv) return;
    const exact = covering.find((o) => o.date === date && !o.rrule) || null;
    const others = covering.filter((o) => o !== exact);
    const list = exact && !exact.closed ? exact.intervals.map((iv) => ({ ...iv })) : [{ start: '09:00', end: '13:00' }];

    const err = alertSlot('override-error');
    const h3 = h('h3', { id: 'ovf-h', tabindex: '-1' },
      exact ? t('c.availability.ov.form.edit', { date: shortDate(date) }) : t('c.availability.ov.form.new', { date: shortDate(date) }));
    const closed = h('input', { type: 'checkbox', id: 'ovf-closed', 'data-testid': 'override-closed', checked: exact ? exact.closed : true });
    const ivBox = intervalsEditor(list, 'ovf-iv');
    const hoursWrap = h('fieldset', { class: 'a-fieldset' }, h('legend', null, t('c.availability.ov.customhours')), ivBox);
    const sync = () => { hoursWrap.hidden = closed.checked; };
    closed.addEventListener('change', sync);
    sync();
    const note = field('ovf-note', t('c.availability.ov.note'), h('input', { type: 'text', maxlength: '1000', 'data-testid': 'override-note',
      value: exact && exact.note ? exact.note : '' }));

    // presets: only for a new override
    let preset = null;
    let presetExtra = null;
    let countEl = null;
    let until = null;
    let months = null;
    const datesNow = () => {
      const kind = preset ? preset.value : 'once';
      return presetDates(kind, date, { until: until ? until.value : '', months: months ? Number(months.value) : 0 });
    };
    if (!exact) {
      const wd = dayName(dayKeyOf(date));
      const nth = t(`c.availability.ord.${Math.ceil(Number(date.slice(8, 10)) / 7)}`);
      preset = h('select', { 'data-testid': 'override-preset' },
        h('option', { value: 'once' }, t('c.availability.preset.once')),
        h('option', { value: 'weekly' }, t('c.availability.preset.weekly', { day: wd })),
        h('option', { value: 'biweekly' }, t('c.availability.preset.biweekly', { day: wd })),
        h('option', { value: 'monthly' }, t('c.availability.preset.monthly', { n: nth, day: wd })));
      until = h('input', { type: 'date', 'data-testid': 'preset-until', min: date, value: addDays(date, 7 * 8) });
      months = h('input', { type: 'number', 'data-testid': 'preset-months', min: '1', max: '24', value: '6', inputmode: 'numeric' });
      countEl = h('p', { class: 'a-count', 'data-testid': 'preset-count', role: 'status' });
      const untilField = field('ovf-until', t('c.availability.preset.until'), until);
      const monthsField = field('ovf-months', t('c.availability.preset.months'), months);
      presetExtra = h('div', { class: 'a-inline' }, untilField.wrap, monthsField.wrap);
      const refresh = () => {
        const kind = preset.value;
        untilField.wrap.hidden = !(kind === 'weekly' || kind === 'biweekly');
        monthsField.wrap.hidden = kind !== 'monthly';
        if (kind === 'once') { countEl.textContent = ''; return; }
        const ds = datesNow();
        if (!ds.length) countEl.textContent = t('c.availability.preset.zero');
        else if (ds.length > MAX_PRESET) countEl.textContent = t('c.availability.preset.toomany', { max: MAX_PRESET });
        else {
          const shown = ds.slice(0, 6).map((d) => shortDate(d, false)).join(', ');
          countEl.textContent = t(ds.length === 1 ? 'c.availability.preset.count.one' : 'c.availability.preset.count',
            { n: ds.length, dates: ds.length > 6 ? `${shown}, …, ${shortDate(ds[ds.length - 1])}` : shown });
        }
      };
      preset.addEventListener('change', refresh);
      until.addEventListener('input', refresh);
      months.addEventListener('input', refresh);
      refresh();
      presetExtra = h('div', null, field('ovf-preset', t('c.availability.preset'), preset).wrap, presetExtra, countEl);
    }

    const info = others.length
      ? h('p', { class: 'c-hint', 'data-testid': 'override-covering' },
        t('c.availability.ov.covered', { list: others.map((o) => `${overrideWhen(o)}: ${overrideWords(o)}`).join('; ') }))
      : null;
    const saveBtn = h('button', { type: 'submit', class: 'c-primary', 'data-testid': 'override-save' }, t('c.availability.save'));
    const cancel = h('button', { type: 'button', class: 'c-secondary', 'data-testid': 'override-cancel' }, t('c.availability.cancel'));
    cancel.addEventListener('click', () => closeForm(true));
    const buttons = h('div', { class: 'c-buttons' }, saveBtn, cancel);
    if (exact) {
      buttons.append(deleteButton('override-delete', t('c.availability.ov.delete'), t('c.availability.ov.delete.q', { when: shortDate(date) }), async () => {
        const ok = await removeOverride(exact);
        if (ok) closeForm(true);
        return ok;
      }));
    }
    const form = h('form', { class: 'a-form', 'data-testid': 'override-form', 'aria-labelledby': 'ovf-h', novalidate: true },
      h3, info,
      h('div', { class: 'c-check' }, closed, h('label', { for: 'ovf-closed' }, t('c.availability.ov.closedall'))),
      hoursWrap, note.wrap, presetExtra, err.el, buttons);
    let unmark = () => {};
    // Dates of a preset already stored by an earlier, partly refused save: a second save
    // does not make them twice (the server takes several overrides for the same date).
    const stored = new Set();
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      unmark();
      err.show('');
      const body = { intervals: closed.checked ? [] : list.map((iv) => ({ ...iv })), note: note.input.value.trim() || null };
      const dates = exact ? [date] : datesNow();
      if (!dates.length) { err.show(t('c.availability.preset.zero')); return; }
      if (dates.length > MAX_PRESET) { err.show(t('c.availability.preset.toomany', { max: MAX_PRESET })); return; }
      saveBtn.disabled = true;
      saveBtn.textContent = t('c.availability.saving');
      let made = 0;
      try {
        if (exact) {
          await call('PATCH', `/v1/providers/${encodeURIComponent(prov.id)}/overrides/${encodeURIComponent(exact.id)}`, { body });
        } else {
          made = dates.filter((d) => stored.has(d)).length;
          for (const d of dates) {
            if (stored.has(d)) continue;
            await call('POST', `/v1/providers/${encodeURIComponent(prov.id)}/overrides`, { body: { date: d, ...body } });
            stored.add(d);
            made += 1;
          }
        }
        if (!alive) return;
        const words = closed.checked ? t('c.availability.ov.closed') : t('c.availability.ov.hours', { hours: intervalsText(body.intervals) });
        const msg = dates.length > 1 ? t('c.availability.ov.saved.many', { n: dates.length, what: words })
          : t('c.availability.ov.saved', { date: shortDate(date), what: words });
        closeForm(false);
        status.show(msg);
        announce(msg);
        changed();
        const back = el.querySelector('[data-testid="override-open"]');
        if (back) back.focus();
      } catch (e) {
        if (!alive || e.status === 401) return;
        saveBtn.disabled = false;
        saveBtn.textContent = t('c.availability.save');
        const map = { '/note': note.input };
        ivBox.querySelectorAll('[data-testid^="ov-interval-"]').forEach((row, i) => { map[`/intervals/${i}`] = row.querySelector('input'); });
        unmark = markFields(fieldErrors(e), map, 'ovf');
        const text = refusalText(e, t('c.availability.ov.what'));
        err.show(made ? t('c.availability.preset.partial', { made, n: dates.length, why: text }) : text);
        if (made) changed();
      }
    });
    clear(formSlot).append(form);
    h3.focus();
  }

  // --- the time-off form ------------------------------------------------------------------

  /** item: a time off to edit (from the API or the calendar), or null for new; range: {from, to} dates. */
  function openTimeoff(item, range) {
    if (!editable || !prov) return;
    const err = alertSlot('timeoff-error');
    let s = { date: todayIn(tz), time: '09:00' };
    let e = { date: s.date, time: '10:00' };
    let whole = false;
    if (item) {
      s = splitLocal(item.start);
      e = splitLocal(item.end);
      whole = s.time === '00:00' && e.time === '00:00' && e.date > s.date;
      if (whole) e = { date: addDays(e.date, -1), time: '00:00' };
    } else if (range) {
      s = { date: range.from, time: '00:00' };
      e = { date: range.to, time: '00:00' };
      whole = true;
    }
    const h3 = h('h3', { id: 'tof-h', tabindex: '-1' }, item ? t('c.availability.to.form.edit') : t('c.availability.to.form.new'));
    const allday = h('input', { type: 'checkbox', id: 'tof-allday', 'data-testid': 'timeoff-allday', checked: whole });
    const sd = field('tof-sd', t('c.availability.to.startdate'), h('input', { type: 'date', 'data-testid': 'timeoff-start-date', value: s.date, required: true }));
    const st = field('tof-st', t('c.availability.to.starttime'), h('input', { type: 'time', 'data-testid': 'timeoff-start-time', value: whole ? '09:00' : s.time }));
    const ed = field('tof-ed', t('c.availability.to.enddate'), h('input', { type: 'date', 'data-testid': 'timeoff-end-date', value: e.date, required: true }));
    const et = field('tof-et', t('c.availability.to.endtime'), h('input', { type: 'time', 'data-testid': 'timeoff-end-time', value: whole ? '17:00' : e.time }));
    const reason = field('tof-reason', t('c.availability.to.reason'), h('input', { type: 'text', maxlength: '1000', 'data-testid': 'timeoff-reason',
      value: item && item.reason ? item.reason : '' }));
    const sync = () => {
      st.wrap.hidden = allday.checked;
      et.wrap.hidden = allday.checked;
      summary.textContent = allday.checked ? t('c.availability.to.wholedays', { tz }) : t('c.availability.to.times', { tz });
    };
    const summary = h('p', { class: 'c-hint' });
    allday.addEventListener('change', sync);
    const saveBtn = h('button', { type: 'submit', class: 'c-primary', 'data-testid': 'timeoff-save' }, t('c.availability.save'));
    const cancel = h('button', { type: 'button', class: 'c-secondary', 'data-testid': 'timeoff-cancel' }, t('c.availability.cancel'));
    cancel.addEventListener('click', () => closeForm(true));
    const form = h('form', { class: 'a-form', 'data-testid': 'timeoff-form', 'aria-labelledby': 'tof-h', novalidate: true },
      h3, summary,
      h('div', { class: 'c-check' }, allday, h('label', { for: 'tof-allday' }, t('c.availability.to.allday'))),
      h('div', { class: 'a-inline' }, sd.wrap, st.wrap), h('div', { class: 'a-inline' }, ed.wrap, et.wrap),
      reason.wrap, err.el, h('div', { class: 'c-buttons' }, saveBtn, cancel));
    sync();
    let unmark = () => {};
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      unmark();
      err.show('');
      const whole2 = allday.checked;
      const sDate = sd.input.value;
      const eDate = ed.input.value;
      const body = {
        start: sDate ? zonedIso(sDate, whole2 ? '00:00' : (st.input.value || '00:00'), tz) : '',
        end: eDate ? zonedIso(whole2 ? addDays(eDate, 1) : eDate, whole2 ? '00:00' : (et.input.value || '00:00'), tz) : '',
        reason: reason.input.value.trim() || null,
      };
      saveBtn.disabled = true;
      saveBtn.textContent = t('c.availability.saving');
      try {
        const base = `/v1/providers/${encodeURIComponent(prov.id)}/time-off`;
        const res = item
          ? await call('PATCH', `${base}/${encodeURIComponent(item.id)}`, { body })
          : await call('POST', base, { body });
        if (!alive) return;
        const r = res.data;
        const msg = t(item ? 'c.availability.to.saved.edit' : 'c.availability.to.saved', { span: timeoffSpan(r) });
        closeForm(false);
        status.show(msg);
        announce(msg);
        changed();
        const back = el.querySelector('[data-testid="timeoff-new"]');
        if (back) back.focus();
      } catch (x) {
        if (!alive || x.status === 401) return;
        saveBtn.disabled = false;
        saveBtn.textContent = t('c.availability.save');
        unmark = markFields(fieldErrors(x), { '/start': sd.input, '/end': ed.input, '/reason': reason.input }, 'tof');
        err.show(refusalText(x, t('c.availability.to.what')));
        if (x.code === 'not_found') changed();
      }
    });
    clear(formSlot).append(form);
    h3.focus();
  }

  async function load(provider) {
    prov = provider;
    tz = provider.timezone || 'UTC';
    clear(formSlot);
    status.show('');
    if (!cal) makeCalendar();
    else cal.refetchEvents();
    loadList();
  }

  return {
    el,
    load,
    refresh: () => { if (cal) cal.refetchEvents(); loadList(); },
    openTimeoff: (item) => openTimeoff(item),
    destroy: () => { alive = false; if (cal) cal.destroy(); cal = null; },
  };
}

/** "Fri, 11 Dec 2026, 09:00 – 12:00" style words for a time off (in the provider's zone). */
export function timeoffSpan(r) {
  const s = splitLocal(r.start);
  const e = splitLocal(r.end);
  if (s.time === '00:00' && e.time === '00:00' && e.date > s.date) {
    const last = addDays(e.date, -1);
    return last === s.date ? shortDate(s.date) : t('c.availability.range', { from: shortDate(s.date), to: shortDate(last) });
  }
  if (s.date === e.date) return `${shortDate(s.date)}, ${wallTime(s.time)}–${wallTime(e.time)}`;
  return t('c.availability.range', { from: `${shortDate(s.date)} ${wallTime(s.time)}`, to: `${shortDate(e.date)} ${wallTime(e.time)}` });
}
