// The calendar page: FullCalendar (MIT core, time grid, day grid, interaction) with our own
// toolbar, a provider filter and a legend. Items come from GET /v1/calendar for the chosen
// providers; a booking can be dragged to another start (POST …/reschedule), which snaps back
// with the reason when slotd refuses it.
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
const kept = { view: null, date: null, chosen: null };

export const browserZone = () => {
  try { return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'; } catch { return 'UTC'; }
};

/** The first day of the week in the user's own locale (Monday in most of Europe). */
function firstDay() {
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

  const heading = h('h1', { id: 'cal-h' }, t('c.cal.heading'));
  const title = h('h2', { class: 'c-cal-title', 'data-testid': 'cal-title', 'aria-live': 'polite' });
  const errorSlot = h('div', { class: 'c-error-slot' });
  const showError = (text) => {
    clear(errorSlot);
    if (text) errorSlot.append(h('p', { class: 'c-alert', role: 'alert', 'data-testid': 'console-error' }, text));
  };
  const btn = (testid, label, onclick, extra = {}) =>
    h('button', { type: 'button', class: 'c-tool', 'data-testid': testid, onclick, ...extra }, label);

  const prev = btn('cal-prev', t('c.cal.prev'), () => { showError(''); cal.prev(); });
  const next = btn('cal-next', t('c.cal.next'), () => { showError(''); cal.next(); });
  const today = btn('cal-today', t('c.cal.today'), () => { showError(''); cal.today(); });
  const viewButtons = VIEWS.map((v) => btn(`view-${v.key}`, t(v.label), () => {
    showError('');
    view = v;
    kept.view = v.key;
    cal.changeView(v.fc);
    syncToolbar();
  }, { 'aria-pressed': String(v === view) }));

  function syncToolbar() {
    for (let i = 0; i < VIEWS.length; i++) viewButtons[i].setAttribute('aria-pressed', String(VIEWS[i] === view));
    prev.setAttribute('aria-label', t(`c.cal.prev.${view.unit}`));
    next.setAttribute('aria-label', t(`c.cal.next.${view.unit}`));
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
          if (box.checked) kept.chosen.add(p.id); else kept.chosen.delete(p.id);
          showError('');
          cal.refetchEvents();
        });
        return h('span', { class: 'c-check' }, box, h('label', { for: id }, p.name));
      }));
  }

  const status = h('p', { class: 'c-hint c-cal-status', role: 'status' });
  const calEl = h('div', { class: 'c-calendar', 'data-testid': 'calendar' });
  root.append(h('section', { class: 'c-page c-cal-page', 'aria-labelledby': 'cal-h' },
    h('div', { class: 'c-page-head' }, heading, h('p', { class: 'c-hint' }, t('c.cal.zone', { tz }))),
    h('div', { class: 'c-cal-bar' },
      h('div', { class: 'c-tools', role: 'group', 'aria-label': t('c.cal.toolbar') }, prev, today, next),
      title,
      h('div', { class: 'c-tools', role: 'group', 'aria-label': t('c.cal.views') }, viewButtons)),
    filter,
    errorSlot,
    status,
    calEl,
    legend()));

  // The time grid shows DAY_FROM–DAY_TO, or more when an item shown starts earlier or ends later
  // (in the browser's zone).
  const hours = { min: hh(DAY_FROM), max: hh(DAY_TO) };
  function fitHours(events) {
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
    const min = hh(lo);
    const max = hh(hi);
    if (min === hours.min && max === hours.max) return;
    hours.min = min;
    hours.max = max;
    // after this load finishes: the new hours re-render the grid, not the events
    setTimeout(() => { if (!gone) { cal.setOption('slotMinTime', min); cal.setOption('slotMaxTime', max); } }, 0);
  }

  const several = () => kept.chosen.size > 1;
  let loadSeq = 0;
  let gone = false;

  async function fetchItems(info) {
    const ids = all.filter((id) => kept.chosen.has(id)).slice(0, MAX_PROVIDERS);
    if (ids.length === 0) { status.textContent = t('c.cal.nonebooked'); return []; }
    const seq = ++loadSeq;
    const q = new URLSearchParams({
      provider_ids: ids.join(','), from: info.start.toISOString(), to: info.end.toISOString(), timezone: tz,
    });
    try {
      const res = await get(`/v1/calendar?${q}`);
      if (seq === loadSeq) status.textContent = '';
      const showWho = several();
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
      if (seq === loadSeq) fitHours(events);
      return events;
    } catch (e) {
      if (seq === loadSeq && e.status !== 401) showError(t('c.err.calendar', { detail: problemText(e) }));
      throw e;
    }
  }

  async function reschedule(info) {
    const it = info.event.extendedProps.item;
    const start = info.event.start;
    showError('');
    try {
      // The version to act on, and a check that the booking is still where it was shown.
      const b = (await call('GET', `/v1/bookings/${encodeURIComponent(it.id)}`)).data;
      if (Date.parse(b.start) !== Date.parse(it.start)) {
        const e = new Error('moved'); e.code = 'precondition_failed'; e.problem = {}; throw e;
      }
      const res = await call('POST', `/v1/bookings/${encodeURIComponent(it.id)}/reschedule`,
        { body: { start: start.toISOString() }, ifMatch: b.version });
      announce(t('c.cal.moved', { when: formatDateTime(res.data.start, tz) }));
      cal.refetchEvents();
    } catch (e) {
      info.revert();
      if (e.status === 401) return;
      showError(problemText(e));
      if (e.code === 'precondition_failed') cal.refetchEvents();
    }
  }

  const cal = new Calendar(calEl, {
    plugins: [timeGridPlugin, dayGridPlugin, interactionPlugin, classicTheme],
    locales: [deLocale],
    locale: lang() === 'de' ? 'de' : 'en',
    timeZone: 'local',
    initialView: view.fc,
    initialDate: kept.date || undefined,
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
    headingLevel: 3,
    eventTimeFormat: { hour: 'numeric', minute: '2-digit', hour12: hour12() },
    slotHeaderFormat: { hour: 'numeric', minute: '2-digit', hour12: hour12() },
    events: (info) => fetchItems(info),
    eventSourceFailure: () => { /* shown in the alert region by fetchItems */ },
    loading: (on) => { calEl.setAttribute('aria-busy', on ? 'true' : 'false'); if (on) status.textContent = t('c.cal.loading'); else if (status.textContent === t('c.cal.loading')) status.textContent = ''; },
    datesSet: (info) => {
      title.textContent = info.view.title;
      kept.date = cal ? cal.getDate().toISOString() : null;
    },
    eventDidMount: ({ event, el, isMirror }) => {
      if (isMirror) return;
      const it = event.extendedProps.item;
      if (!it) return;
      const id = it.kind === 'entry' ? it.entry_id : it.id;
      el.setAttribute('data-testid', `event-${it.kind}-${id}`);
      el.setAttribute('data-kind', it.kind);
      if (it.kind === 'booking') el.setAttribute('data-status', it.status);
    },
    eventClick: (info) => {
      const it = info.event.extendedProps.item;
      if (!it || it.kind !== 'booking') return;
      if (info.jsEvent) info.jsEvent.preventDefault();
      showError('');
      openDetail(it.id, { ctx, tz, onChanged: () => cal.refetchEvents() });
    },
    eventDrop: (info) => { reschedule(info); },
  });
  cal.render();
  syncToolbar();
  kept.date = cal.getDate().toISOString();

  return {
    refetch: () => cal.refetchEvents(),
    destroy: () => { gone = true; kept.date = cal.getDate().toISOString(); cal.destroy(); },
  };
}

