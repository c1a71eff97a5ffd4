// Month calendar + the free times of the chosen day, in the visitor's zone, with the
// time-zone field and the 12/24 h toggle. Used for booking and for rescheduling.
import { h, clear, announce } from './dom.js';
import { t } from './i18n.js';
import { monthPicker } from './calendar.js';
import { formatTime, formatDay, formatMonth, hour12, setHour12, allZones, isZone, dayInZone, ymd, daysInMonth, zoneName } from './format.js';
import { messageFor, showError } from './errors.js';

/** The time-zone field and the 12/24 h toggle; onChange() after either changes. */
export function prefsBar(state, onChange) {
  const listId = 'tz-list';
  const input = h('input', { id: 'tz-input', class: 'tz-input', list: listId, 'data-testid': 'tz-input',
    autocomplete: 'off', spellcheck: 'false', 'aria-describedby': 'tz-error', value: state.tz });
  const dl = h('datalist', { id: listId }, allZones().map((z) => h('option', { value: z })));
  const err = h('p', { id: 'tz-error', class: 'field-error', hidden: true, 'data-testid': 'error-tz' });
  function apply() {
    const v = input.value.trim();
    if (v === state.tz) { err.hidden = true; input.removeAttribute('aria-invalid'); return; }
    if (!isZone(v)) {
      err.textContent = t('tz.unknown'); err.hidden = false; input.setAttribute('aria-invalid', 'true');
      return;
    }
    err.hidden = true; input.removeAttribute('aria-invalid');
    state.tz = v;
    onChange('tz');
  }
  input.addEventListener('change', apply);
  input.addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); apply(); } });
  const toggle = h('button', { type: 'button', class: 'toggle', 'data-testid': 'hour-toggle',
    'aria-pressed': hour12() ? 'false' : 'true' }, t('hour.toggle'));
  toggle.addEventListener('click', () => {
    setHour12(!hour12());
    toggle.setAttribute('aria-pressed', hour12() ? 'false' : 'true');
    onChange('hour');
  });
  return h('div', { class: 'prefs-bar' },
    h('div', { class: 'field tz-field' }, h('label', { for: 'tz-input' }, t('tz.label')), input, dl, err),
    toggle);
}

/**
 * fetchSlots(from, to, tz) → slots; onPick(slot); state: {tz}.
 * options.selectedStart marks a chosen time; options.onMonthEmpty(bool) after each month load.
 */
export function slotPicker({ state, fetchSlots, onPick, onMonthEmpty, extra }) {
  const root = h('div', { class: 'slot-picker' });
  const errSlot = h('div', { class: 'error-slot' });
  const status = h('p', { class: 'status', role: 'status' });
  const timesBox = h('div', { class: 'times', 'aria-labelledby': 'times-heading' });
  let slots = [];
  let byDay = new Map();
  let seq = 0;
  let day = state.day || null;
  const today = dayInZone(Date.now(), state.tz);
  let [y, m] = (state.month || today.slice(0, 7)).split('-').map(Number);

  const cal = monthPicker({
    year: y, month: m, today,
    onMonth(yy, mm) { y = yy; m = mm; state.month = ymd(yy, mm, 1).slice(0, 7); day = null; state.day = null; load(); },
    onDay(d) { day = d; state.day = d; renderTimes(true); },
  });

  root.append(prefsBar(state, (what) => {
    if (what === 'tz') { day = null; state.day = null; load(); } else renderTimes(false);
    announce(t('when.timesIn', { tz: zoneName(state.tz) }));
  }), errSlot, h('div', { class: 'picker-grid' }, cal.el, h('div', { class: 'times-col' }, status, timesBox)));
  if (extra) root.append(extra);

  async function load() {
    const my = ++seq;
    status.textContent = t('when.loading');
    clear(timesBox);
    cal.setAvailable(new Set(), day);
    const from = ymd(y, m, 1);
    const to = ymd(y, m, daysInMonth(y, m));
    try {
      const got = await fetchSlots(from, to, state.tz);
      if (my !== seq) return;
      slots = got;
      byDay = new Map();
      const seen = new Set();
      for (const s of slots) {
        const d = s.start.slice(0, 10);
        const key = s.start;
        if (seen.has(key)) continue; // several providers at one start: show it once
        seen.add(key);
        if (!byDay.has(d)) byDay.set(d, []);
        byDay.get(d).push(s);
      }
      if (day && !byDay.has(day)) day = null;
      state.day = day;
      cal.setAvailable(new Set(byDay.keys()), day);
      status.textContent = byDay.size === 0 ? t('when.none.month', { month: formatMonth(y, m) }) : '';
      if (onMonthEmpty) onMonthEmpty(byDay.size === 0);
      renderTimes(false);
    } catch (e) {
      if (my !== seq) return;
      status.textContent = '';
      showError(errSlot, messageFor(e, state.tz));
    }
  }

  function renderTimes(focusFirst) {
    clear(timesBox);
    if (!day || !byDay.has(day)) {
      if (byDay.size) timesBox.append(h('p', { class: 'hint' }, t('when.pick.day')));
      return;
    }
    const list = byDay.get(day);
    timesBox.append(h('h3', { id: 'times-heading', class: 'times-heading' }, t('when.times.heading', { date: formatDay(day) })));
    const ul = h('ul', { class: 'time-list' });
    // On the night the clocks go back an hour repeats (1:30 twice): such a day's times carry
    // the zone's short name (1:30 AM EDT, 1:30 AM EST) so the two can be told apart.
    const plain = list.map((s) => formatTime(s.start, state.tz));
    const repeated = new Set(plain).size < plain.length;
    for (const [i, s] of list.entries()) {
      const chosen = !!state.chosenStart && Date.parse(state.chosenStart) === Date.parse(s.start); // any zone's spelling
      const seats = s.seats_left != null ? (s.seats_left === 1 ? t('when.seat') : t('when.seats', { n: s.seats_left })) : null;
      const btn = h('button', { type: 'button', class: 'time-btn', 'data-testid': `time-${s.start}`,
        'aria-pressed': chosen ? 'true' : 'false', onclick: () => onPick(s, btn) },
      h('span', { class: 'time-label' }, repeated ? formatTime(s.start, state.tz, true) : plain[i]),
      seats ? h('span', { class: 'seats' }, seats) : null);
      ul.append(h('li', null, btn));
    }
    // The zone's name on that day (summer or winter time), not today's.
    timesBox.append(ul, h('p', { class: 'hint tz-hint' }, t('when.timesIn', { tz: zoneName(state.tz, list[0].start) })));
    if (focusFirst) {
      const first = ul.querySelector('button');
      if (first) first.focus();
    }
  }

  return {
    el: root,
    start() { cal.init(); load(); },
    reload: load,
    error(text) { showError(errSlot, text); },
    get month() { return { y, m }; },
    get day() { return day; },
    markChosen(start) {
      state.chosenStart = start;
      for (const b of timesBox.querySelectorAll('.time-btn')) {
        b.setAttribute('aria-pressed', b.dataset.testid === `time-${start}` ? 'true' : 'false');
      }
    },
    destroy() { seq++; cal.destroy(); },
  };
}
