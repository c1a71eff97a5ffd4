// The calendar page: FullCalendar (MIT core, time grid, day grid, interaction) with our own
// toolbar, a provider filter and a legend. Items come from GET /v1/calendar for the chosen
// providers; a booking can be dragged to another start (POST …/reschedule), which snaps back
// with the reason when slotd refuses it. A click or selection on free time opens the create
// dialog (create.js); schedule entry occurrences can be dragged and resized with the
// this / following / all choice (entry.js). In the day view the chosen providers can be shown
// side by side: one timeGridDay calendar per provider, sharing date and navigation.
import { Calendar } from 'fullcalendar';
import timeGridPlugin from 'fullcalendar/timegrid';
import dayGridPlugin from 'fullcalendar/daygrid';
import interactionPlugin from 'fullcalendar/interaction';
import classicTheme from 'fullcalendar/themes/classic';
import deLocale from 'fullcalendar/locales/de';
import 'fullcalendar/skeleton.css';
import 'fullcalendar/themes/classic/theme.css';
import 'fullcalendar/themes/classic/palette.css';

import { h, clear, announce } from '../dom.js';
import { t, lang, locale } from '../i18n.js';
import { formatDateTime, hour12 } from '../format.js';
import { call, get } from './http.js';
import { problemText } from './problems.js';
import { openDetail } from './detail.js';
import { openCreate } from './create.js';
import { moveOccurrence, openEntryDetail } from './entry.js';
import './strings_calendar.js';
import './calendar_extra.css';

const VIEWS = [
  { key: 'day', fc: 'timeGridDay', label: 'c.cal.day', unit: 'day' },
  { key: 'week', fc: 'timeGridWeek', label: 'c.cal.week', unit: 'week' },
  { key: 'month', fc: 'dayGridMonth', label: 'c.cal.month', unit: 'month' },
];
const MAX_PROVIDERS = 50; // GET /v1/calendar takes at most 50 provider_ids
const DAY_FROM = 7;       // the time grid's hours when nothing falls outside them
const DAY_TO = 19;
const hh = (n) => `${String(n).padStart(2, '0')}:00:00`;

// Kept while the page lives in this tab (view, date and the filter survive a language switch
// or a visit to the bookings list).
const kept = { view: null, date: null, chosen: null, sideBySide: false };

export const browserZone = () => {
  try { return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'; } catch { return 'UTC'; }
};

/**
 * The first day of the week (0 Sunday … 6 Saturday) in the user's own locale: Sunday for en-US,
 * Monday in most of Europe. The calendar's week and the dashboard's start on it.
 */
export function firstDay() {
  try {
    const loc = new Intl.Locale(locale());
    const info = loc.getWeekInfo ? loc.getWeekInfo() : loc.weekInfo;
    if (info && info.firstDay) return info.firstDay % 7;
  } catch { /* older browsers */ }
  return 1;
}

function statusWord(status) { return t(`c.status.${status}`); }

/** The text of an item: its kind or status in words first, so colour is never the only signal. */
function itemTitle(it, providerName) {
  const who = providerName ? ` · ${providerName}` : '';
  switch (it.kind) {
    case 'booking': return `${statusWord(it.status)}: ${it.title || it.reference}${who}`;
    case 'entry': return `${t('c.kind.entry')}: ${it.title || ''}${who}`;
    case 'time_off': return `${t('c.kind.time_off')}${it.reason ? `: ${it.reason}` : ''}${who}`;
    case 'holiday': return `${t('c.kind.holiday')}: ${it.name || ''}${who}`;
    case 'override': {
      if (it.closed) return `${t('c.kind.override.closed')}${it.note ? `: ${it.note}` : ''}${who}`;
      const hours = (it.intervals || []).map((iv) => `${iv.start}–${iv.end}`).join(', ');
      return `${t('c.kind.override')}: ${hours}${it.note ? ` (${it.note})` : ''}${who}`;
    }
    case 'external_busy': return `${t('c.kind.external_busy')}${it.calendar ? `: ${it.calendar}` : ''}${who}`;
    default: return `${it.kind}${who}`;
  }
}

// Colours (white text keeps at least 4.5:1 on each); the kind and status are in the title
// too, and pending bookings are drawn dashed (console.css).
export const COLOURS = {
  confirmed: '#1d4ed8', pending: '#b45309', booking: '#475569', entry: '#6d28d9',
  time_off: '#4b5563', holiday: '#b91c1c', override: '#0f766e', external_busy: '#57534e',
};

function toEvent(it, providerName) {
  const cls = ['c-ev', `c-ev-${it.kind}`];
  const ev = {
    id: `${it.kind}:${it.id}`,
    title: itemTitle(it, providerName),
    start: it.start,
    end: it.end,
    extendedProps: { item: it },
    startEditable: false,
    durationEditable: false,
    color: COLOURS[it.kind] || COLOURS.booking,
    contrastColor: '#ffffff',
  };
  if (it.kind === 'booking') {
    cls.push(`c-st-${it.status}`);
    ev.color = COLOURS[it.status] || COLOURS.booking;
    ev.startEditable = it.status === 'pending' || it.status === 'confirmed';
    // a booking lasts as long as its service: moved, never resized
    ev.durationEditable = false;
  } else if (it.kind === 'entry') {
    ev.startEditable = true;
    ev.durationEditable = true;
  } else if (it.kind === 'holiday' || it.kind === 'override') {
    // one item per date: shown as an all-day item of that date
    ev.start = it.date;
    delete ev.end;
    ev.allDay = true;
    if (it.kind === 'override' && it.closed) cls.push('c-ev-closed');
  }
  ev.className = cls.join(' ');
  return ev;
}

/**
 * FullCalendar's eventTimeFormat and slotHeaderFormat as a function: an item's time
 * ("9:00 – 9:30 AM") as Intl formats the range, or one time (a row's label), remembered by
 * start and end. Intl's range formatting is slow (over a second for a week of 2,000 bookings)
 * and the same starts and ends repeat across providers and days; FullCalendar also makes a new
 * Intl formatter for the row labels on each drawing when given options. Times of an item over
 * midnight are written start – end, as FullCalendar writes them.
 */
function timeFormatter(h12) {
  const memo = new Map();
  let fmt = null;
  let fmtKey = '';
  const noMarks = (x) => x.replace(/\u200e/g, '');
  return (info) => {
    const fk = `${info.localeCodes.join(',')}|${info.timeZone}`;
    if (fk !== fmtKey) {
      fmt = new Intl.DateTimeFormat(info.localeCodes, {
        hour: 'numeric', minute: '2-digit', hour12: h12,
        timeZone: info.timeZone === 'local' ? undefined : info.timeZone,
      });
      fmtKey = fk;
      memo.clear();
    }
    const a = info.start.instantMs;
    const b = info.end ? info.end.instantMs : null;
    const key = `${a}/${b}`;
    let text = memo.get(key);
    if (text === undefined) {
      if (b === null) {
        text = noMarks(fmt.format(a));
      } else {
        const parts = fmt.formatRangeToParts(a, b);
        if (parts.some((x) => x.type === 'year' || x.type === 'month' || x.type === 'day')) {
          const shared = parts.filter((x) => x.source === 'shared').pop();
          text = noMarks(fmt.format(a) + (shared ? shared.value : ' – ') + fmt.format(b));
        } else {
          text = noMarks(parts.map((x) => x.value).join(''));
        }
      }
      if (memo.size > 5000) memo.clear();
      memo.set(key, text);
    }
    return text;
  };
}

function legend() {
  const row = (cls, label) => h('li', null, h('span', { class: `c-swatch ${cls}`, 'aria-hidden': 'true' }), label);
  return h('section', { class: 'c-legend', 'aria-labelledby': 'cal-legend-h' },
    h('h2', { id: 'cal-legend-h', class: 'c-legend-h' }, t('c.cal.legend')),
    h('ul', null,
      row('c-ev-booking c-st-confirmed', `${t('c.kind.booking')} – ${statusWord('confirmed')}`),
      row('c-ev-booking c-st-pending', `${t('c.kind.booking')} – ${statusWord('pending')}`),
      row('c-ev-entry', t('c.kind.entry')),
      row('c-ev-time_off', t('c.kind.time_off')),
      row('c-ev-holiday', t('c.kind.holiday')),
      row('c-ev-override', t('c.kind.override')),
      row('c-ev-external_busy', t('c.kind.external_busy'))));
}

export function mountCalendar(root, ctx) {
  const tz = browserZone();
  const names = new Map(ctx.providers.map((p) => [p.id, p.name]));
  const all = ctx.providers.map((p) => p.id);
  if (!kept.chosen || ctx.scoped) kept.chosen = new Set(all);
  else kept.chosen = new Set([...kept.chosen].filter((id) => names.has(id)));
  let view = VIEWS.find((v) => v.key === kept.view) || VIEWS[1];
  const chosenIds = () => all.filter((id) => kept.chosen.has(id)).slice(0, MAX_PROVIDERS);
  // Providers side by side: the day view, the toggle on, more than one provider chosen.
  const sideActive = () => view.key === 'day' && kept.sideBySide && chosenIds().length > 1;

  const heading = h('h1', { id: 'cal-h' }, t('c.cal.heading'));
  const title = h('h2', { class: 'c-cal-title', 'data-testid': 'cal-title', 'aria-live': 'polite' });
  const errorSlot = h('div', { class: 'c-error-slot' });
  const noteSlot = h('div', { class: 'c-note-slot', role: 'status', 'data-testid': 'cal-note' });
  const showError = (text) => {
    clear(errorSlot);
    if (text) { clear(noteSlot); errorSlot.append(h('p', { class: 'c-alert', role: 'alert', 'data-testid': 'console-error' }, text)); }
  };
  const showNote = (what) => {
    clear(noteSlot);
    if (what) noteSlot.append(typeof what === 'string' ? h('p', { class: 'c-note' }, what) : h('div', { class: 'c-note' }, what));
  };
  const btn = (testid, label, onclick, extra = {}) =>
    h('button', { type: 'button', class: 'c-tool', 'data-testid': testid, onclick, ...extra }, label);

  let cals = []; // {cal, el, provider (a column's provider, or null), lo, hi}
  const each = (fn) => { for (const c of cals) fn(c.cal); };
  const refetchAll = () => each((c) => c.refetchEvents());
  const clearMessages = () => { showError(''); showNote(''); };

  const prev = btn('cal-prev', t('c.cal.prev'), () => { clearMessages(); each((c) => c.prev()); });
  const next = btn('cal-next', t('c.cal.next'), () => { clearMessages(); each((c) => c.next()); });
  const today = btn('cal-today', t('c.cal.today'), () => { clearMessages(); each((c) => c.today()); });
  const viewButtons = VIEWS.map((v) => btn(`view-${v.key}`, t(v.label), () => {
    clearMessages();
    const wasSide = sideActive();
    view = v;
    kept.view = v.key;
    if (wasSide !== sideActive()) build();
    else each((c) => c.changeView(v.fc));
    syncToolbar();
  }, { 'aria-pressed': String(v === view) }));
  const sideButton = h('button', { type: 'button', class: 'c-tool c-tool-single', 'data-testid': 'side-by-side',
    'aria-pressed': String(!!kept.sideBySide), onclick: () => {
      clearMessages();
      kept.sideBySide = !kept.sideBySide;
      build();
      syncToolbar();
    } }, t('c.cal.sidebyside'));
  const newButton = h('button', { type: 'button', class: 'c-tool c-tool-single', 'data-testid': 'create-open', onclick: () => {
    // The keyboard's way to the create dialog: the next quarter hour of the day shown.
    const shown = cals.length ? cals[0].cal.getDate() : new Date();
    const now = new Date();
    const start = new Date(shown);
    if (shown.toDateString() === now.toDateString()) {
      start.setHours(now.getHours(), Math.ceil((now.getMinutes() + 1) / 15) * 15, 0, 0);
    } else {
      start.setHours(DAY_FROM + 2, 0, 0, 0);
    }
    create(start, new Date(start.getTime() + 3600000), null);
  } }, t('c.cal.new'));

  function syncToolbar() {
    for (let i = 0; i < VIEWS.length; i++) viewButtons[i].setAttribute('aria-pressed', String(VIEWS[i] === view));
    prev.setAttribute('aria-label', t(`c.cal.prev.${view.unit}`));
    next.setAttribute('aria-label', t(`c.cal.next.${view.unit}`));
    sideButton.setAttribute('aria-pressed', String(!!kept.sideBySide));
    sideButton.hidden = !(view.key === 'day' && chosenIds().length > 1);
  }

  let filter = null;
  if (!ctx.scoped && ctx.providers.length > 0) {
    filter = h('fieldset', { class: 'c-filter', 'data-testid': 'provider-filter' },
      h('legend', null, t('c.cal.providers')),
      ctx.providers.map((p) => {
        const id = `pf-${p.id}`;
        const box = h('input', { type: 'checkbox', id, value: p.id, 'data-testid': `provider-filter-${p.id}`,
          checked: kept.chosen.has(p.id) });
        box.addEventListener('change', () => {
          const wasSide = sideActive();
          if (box.checked) kept.chosen.add(p.id); else kept.chosen.delete(p.id);
          clearMessages();
          if (wasSide || sideActive()) build();
          else refetchAll();
          syncToolbar();
        });
        return h('span', { class: 'c-check' }, box, h('label', { for: id }, p.name));
      }));
  }

  const status = h('p', { class: 'c-hint c-cal-status', role: 'status' });
  const calArea = h('div', { class: 'c-cal-area', 'data-testid': 'calendar' });
  root.append(h('section', { class: 'c-page c-cal-page', 'aria-labelledby': 'cal-h' },
    h('div', { class: 'c-page-head' }, heading, h('p', { class: 'c-hint' }, t('c.cal.zone', { tz }))),
    h('div', { class: 'c-cal-bar' },
      h('div', { class: 'c-tools', role: 'group', 'aria-label': t('c.cal.toolbar') }, prev, today, next),
      title,
      h('div', { class: 'c-tools', role: 'group', 'aria-label': t('c.cal.views') }, viewButtons),
      h('div', { class: 'c-tools c-tools-more' }, sideButton, newButton)),
    filter,
    errorSlot,
    noteSlot,
    status,
    calArea,
    legend()));

  // The time grid shows DAY_FROM–DAY_TO, or more when an item shown starts earlier or ends later
  // (in the browser's zone); side by side, every column shows the hours of all of them.
  // The hours are set while the calendar still waits for its items (before fetchItems returns
  // them), and only when they change: setting them after the items are drawn would draw every
  // item a second time (over a second for a week of 2,000 bookings).
  const hours = { min: hh(DAY_FROM), max: hh(DAY_TO) };
  let gone = false;
  function fitHours(entry, events) {
    let lo = DAY_FROM;
    let hi = DAY_TO;
    for (const ev of events) {
      if (ev.allDay) continue;
      const s = new Date(ev.start);
      const e = new Date(ev.end || ev.start);
      const sameDay = s.toDateString() === e.toDateString();
      if (!sameDay) { lo = 0; hi = 24; break; }
      lo = Math.min(lo, s.getHours());
      hi = Math.max(hi, e.getHours() + (e.getMinutes() || e.getSeconds() ? 1 : 0));
    }
    entry.lo = lo;
    entry.hi = hi;
    const min = hh(Math.min(...cals.map((c) => c.lo ?? DAY_FROM)));
    const max = hh(Math.max(...cals.map((c) => c.hi ?? DAY_TO)));
    if (gone || (min === hours.min && max === hours.max)) return;
    hours.min = min;
    hours.max = max;
    // One redraw per calendar for both options. This one's items are not drawn yet; side by
    // side, the other columns (one provider's day each) are drawn again with their items.
    for (const c of cals) {
      if (!c.cal) continue;
      c.cal.batchRendering(() => { c.cal.setOption('slotMinTime', min); c.cal.setOption('slotMaxTime', max); });
    }
  }

  let busyCount = 0;

  async function fetchItems(entry, info) {
    const ids = entry.provider ? (kept.chosen.has(entry.provider) ? [entry.provider] : []) : chosenIds();
    if (ids.length === 0) { status.textContent = t('c.cal.nonebooked'); return []; }
    const seq = ++entry.seq;
    const q = new URLSearchParams({
      provider_ids: ids.join(','), from: info.start.toISOString(), to: info.end.toISOString(), timezone: tz,
    });
    try {
      const res = await get(`/v1/calendar?${q}`);
      if (seq === entry.seq && status.textContent === t('c.cal.nonebooked')) status.textContent = '';
      const showWho = !entry.provider && ids.length > 1;
      // A holiday of the practice is listed once for each provider: shown once, unnamed.
      const seen = new Set();
      const items = (res.items || []).filter((it) => {
        if (it.kind !== 'holiday') return true;
        const k = `${it.id}/${it.date}`;
        if (seen.has(k)) return false;
        seen.add(k);
        return true;
      });
      const events = items.map((it) => toEvent(it, showWho && it.kind !== 'holiday' ? names.get(it.provider_id) : null));
      if (seq === entry.seq) fitHours(entry, events);
      return events;
    } catch (e) {
      if (seq === entry.seq && e.status !== 401) showError(t('c.err.calendar', { detail: problemText(e) }));
      throw e;
    }
  }

  async function reschedule(info) {
    const it = info.event.extendedProps.item;
    const start = info.event.start;
    showError('');
    showNote('');
    try {
      // The version to act on, and a check that the booking is still where it was shown.
      const b = (await call('GET', `/v1/bookings/${encodeURIComponent(it.id)}`)).data;
      if (Date.parse(b.start) !== Date.parse(it.start)) {
        const e = new Error('moved'); e.code = 'precondition_failed'; e.problem = {}; throw e;
      }
      const res = await call('POST', `/v1/bookings/${encodeURIComponent(it.id)}/reschedule`,
        { body: { start: start.toISOString() }, ifMatch: b.version });
      announce(t('c.cal.moved', { when: formatDateTime(res.data.start, tz) }));
      refetchAll();
    } catch (e) {
      info.revert();
      if (e.status === 401) return;
      showError(problemText(e));
      if (e.code === 'precondition_failed') refetchAll();
    }
  }

  function create(start, end, provider) {
    clearMessages();
    const ids = chosenIds();
    openCreate({
      ctx, tz, start, end,
      providerId: provider || (ids.length === 1 ? ids[0] : null) || ids[0] || null,
      providerIds: ids,
      onSaved: (note) => { showNote(note); refetchAll(); },
    });
  }

  const entryOpts = () => ({ ctx, tz, showError, showNote, refetch: refetchAll, onChanged: refetchAll });

  function makeCal(el, provider, date) {
    const entry = { el, provider, seq: 0, lo: null, hi: null, cal: null };
    const times = timeFormatter(hour12());
    const cal = new Calendar(el, {
      plugins: [timeGridPlugin, dayGridPlugin, interactionPlugin, classicTheme],
      locales: [deLocale],
      locale: lang() === 'de' ? 'de' : 'en',
      timeZone: 'local',
      initialView: view.fc,
      initialDate: date || undefined,
      headerToolbar: false,
      // The hours in the page, no scrolling region inside the calendar (FullCalendar's inner
      // scroller cannot take focus without breaking its grid's ARIA structure): 07–19 h, widened
      // to whatever the items shown need (fitHours).
      height: 'auto',
      slotMinTime: hours.min,
      slotMaxTime: hours.max,
      firstDay: firstDay(),
      slotDuration: '00:15:00',
      snapDuration: '00:15:00',
      slotHeaderInterval: '01:00',
      nowIndicator: true,
      allDaySlot: true,
      allDayText: t('c.cal.allday'),
      noEventsText: t('c.cal.noevents'),
      dayMaxEvents: true,
      moreLinkText: (n) => t('c.cal.more', { n }),
      eventInteractive: true,
      editable: false,
      eventStartEditable: true,
      eventDurationEditable: false,
      selectable: true,
      selectMirror: false,
      unselectAuto: true,
      headingLevel: 3,
      eventTimeFormat: times,
      slotHeaderFormat: times,
      events: (info) => fetchItems(entry, info),
      eventSourceFailure: () => { /* shown in the alert region by fetchItems */ },
      loading: (on) => {
        el.setAttribute('aria-busy', on ? 'true' : 'false');
        busyCount = Math.max(0, busyCount + (on ? 1 : -1));
        if (busyCount > 0) status.textContent = t('c.cal.loading');
        else if (status.textContent === t('c.cal.loading')) status.textContent = '';
      },
      datesSet: (info) => {
        if (cals[0] !== entry) return;
        title.textContent = info.view.title;
        kept.date = entry.cal ? entry.cal.getDate().toISOString() : null;
      },
      eventDidMount: ({ event, el: evEl, isMirror }) => {
        if (isMirror) return;
        const it = event.extendedProps.item;
        if (!it) return;
        const id = it.kind === 'entry' ? it.entry_id : it.id;
        evEl.setAttribute('data-testid', `event-${it.kind}-${id}`);
        evEl.setAttribute('data-kind', it.kind);
        if (it.kind === 'booking') evEl.setAttribute('data-status', it.status);
        if (it.kind === 'entry') { evEl.setAttribute('data-occurrence', it.id); evEl.setAttribute('data-start', it.start); }
        if (provider) evEl.setAttribute('data-provider', provider);
      },
      eventClick: (info) => {
        const it = info.event.extendedProps.item;
        if (!it || (it.kind !== 'booking' && it.kind !== 'entry')) return;
        if (info.jsEvent) info.jsEvent.preventDefault();
        clearMessages();
        if (it.kind === 'booking') openDetail(it.id, { ctx, tz, onChanged: () => refetchAll() });
        else openEntryDetail(it, entryOpts());
      },
      select: (info) => {
        cal.unselect();
        let start = info.start;
        let end = info.end;
        if (info.allDay) {
          start = new Date(info.start);
          start.setHours(DAY_FROM + 2, 0, 0, 0);
          end = new Date(start.getTime() + 3600000);
        } else if (end.getTime() - start.getTime() <= 15 * 60000) {
          end = new Date(start.getTime() + 3600000); // a click: an hour to start from
        }
        create(start, end, provider);
      },
      eventDrop: (info) => {
        const it = info.event.extendedProps.item;
        if (it && it.kind === 'entry') moveOccurrence(info, entryOpts());
        else reschedule(info);
      },
      eventResize: (info) => {
        const it = info.event.extendedProps.item;
        if (it && it.kind === 'entry') moveOccurrence(info, entryOpts());
        else info.revert();
      },
    });
    entry.cal = cal;
    return entry;
  }

  function destroyAll() {
    for (const c of cals) c.cal.destroy();
    cals = [];
    busyCount = 0;
    calArea.removeAttribute('aria-busy');
  }

  function build() {
    const date = cals.length ? cals[0].cal.getDate() : (kept.date ? new Date(kept.date) : null);
    destroyAll();
    clear(calArea);
    if (sideActive()) {
      const row = h('div', { class: 'c-columns', 'data-testid': 'columns' });
      for (const id of chosenIds()) {
        const el = h('div', { class: 'c-calendar', 'data-testid': `calendar-${id}` });
        row.append(h('section', { class: 'c-column', 'aria-labelledby': `col-h-${id}` },
          h('h3', { class: 'c-col-h', id: `col-h-${id}`, 'data-testid': `column-${id}` }, names.get(id)), el));
        cals.push(makeCal(el, id, date));
      }
      calArea.append(row);
    } else {
      const el = h('div', { class: 'c-calendar' });
      calArea.append(el);
      cals.push(makeCal(el, null, date));
    }
    for (const c of cals) c.cal.render();
    kept.date = cals[0].cal.getDate().toISOString();
  }

  build();
  syncToolbar();

  return {
    refetch: () => refetchAll(),
    destroy: () => { gone = true; if (cals.length) kept.date = cals[0].cal.getDate().toISOString(); destroyAll(); },
  };
}
