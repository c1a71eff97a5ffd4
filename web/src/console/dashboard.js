// The dashboard: GET /v1/analytics for a period (this week, the last 30 days, this month or
// chosen dates) and a provider, per local day in the browser's zone: figure cards, a table
// per day with a bar chart of the same numbers (plain SVG, no chart library), the busy hours
// (view=heatmap) as a weekday × hour table, and the same figures as a CSV file. Above them,
// the day's work: today's bookings, this week's per day, and the requests waiting for
// confirmation (confirm or decline in place), all in the browser's zone.
import './strings_dashboard.js';
import './dashboard.css';
import { h, clear } from '../dom.js';
import { t, locale } from '../i18n.js';
import { formatPrice, formatTime, formatDateTime, dayInZone } from '../format.js';
import { call, get } from './http.js';
import { problemText } from './problems.js';
import { browserZone, firstDay } from './calendar.js';
import { openDetail } from './detail.js';
import { todayIn, addDays } from './avail_util.js';

const RANGES = ['week', '30', 'month', 'custom'];
const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const kept = { range: 'week', from: '', to: '', provider: '' };
const SVG = 'http://www.w3.org/2000/svg';

/** [from, to] of a named range, in dates of tz; a week starts on the locale's first day. */
export function rangeDates(range, tz) {
  const today = todayIn(tz);
  if (range === '30') return [addDays(today, -29), today];
  if (range === 'month') {
    const [y, m] = today.split('-').map(Number);
    const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
    return [`${today.slice(0, 7)}-01`, `${today.slice(0, 7)}-${String(last).padStart(2, '0')}`];
  }
  const back = (new Date(`${today}T12:00:00Z`).getUTCDay() - firstDay() + 7) % 7;
  const first = addDays(today, -back);
  return [first, addDays(first, 6)];
}

function pct(v) {
  return v == null ? t('c.dash.na') : new Intl.NumberFormat(locale(), { style: 'percent', maximumFractionDigits: 1 }).format(v);
}
function num(v, digits = 0) {
  return v == null ? t('c.dash.na') : new Intl.NumberFormat(locale(), { maximumFractionDigits: digits }).format(v);
}
function dayLabel(ymd) {
  return new Intl.DateTimeFormat(locale(), { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' })
    .format(new Date(`${ymd}T12:00:00Z`));
}

// --- today, this week, pending requests -------------------------------------------------------

const AGENDA_PAGE = 200;
const AGENDA_MAX = 2000;

/** Every booking of a query (GET /v1/bookings, following next_cursor), up to AGENDA_MAX. */
async function allBookings(q) {
  const out = [];
  let cursor = null;
  do {
    const page = new URLSearchParams(q);
    page.set('limit', String(AGENDA_PAGE));
    if (cursor) page.set('cursor', cursor);
    const data = await get(`/v1/bookings?${page}`);
    out.push(...(data.data || []));
    cursor = data.next_cursor || null;
  } while (cursor && out.length < AGENDA_MAX);
  return { rows: out.sort((a, b) => Date.parse(a.start) - Date.parse(b.start)), capped: !!cursor };
}

/**
 * The agenda part of the dashboard: {el, load()}. providerId() gives the provider filter ('' for
 * all); a scoped staff user's lists hold only their provider's bookings (the server says so).
 * onChanged() runs after a booking was changed here or in its detail (the figures move too).
 */
function agenda(ctx, tz, providerId, onChanged) {
  const names = () => new Map(ctx.providers.map((p) => [p.id, p.name]));
  let alive = true;
  let seq = 0;
  // The result of the last confirm or decline, in words (role=status); hidden while empty.
  const note = h('p', { class: 'c-note c-dash-note', role: 'status', 'data-testid': 'dash-agenda-status' });
  const errorSlot = h('div', { class: 'c-error-slot' });
  const todayBody = h('div', { class: 'c-dash-agenda-body' }, h('p', { class: 'c-hint' }, t('c.loading')));
  const weekBody = h('div', { class: 'c-dash-agenda-body' }, h('p', { class: 'c-hint' }, t('c.loading')));
  const pendingBody = h('div', { class: 'c-dash-agenda-body' }, h('p', { class: 'c-hint' }, t('c.loading')));
  const weekSpan = h('p', { class: 'c-hint' });
  const pendingH = h('h2', { id: 'dash-pending-h', tabindex: '-1' }, t('c.ag.pending'));
  const el = h('div', { class: 'c-dash-agenda' },
    note, errorSlot,
    h('section', { class: 'c-dash-part', 'aria-labelledby': 'dash-today-h', 'data-testid': 'dash-today' },
      h('h2', { id: 'dash-today-h' }, t('c.ag.today')), todayBody),
    h('section', { class: 'c-dash-part', 'aria-labelledby': 'dash-week-h', 'data-testid': 'dash-week' },
      h('h2', { id: 'dash-week-h' }, t('c.ag.week')), weekSpan, weekBody),
    h('section', { class: 'c-dash-part', 'aria-labelledby': 'dash-pending-h', 'data-testid': 'dash-pending' },
      pendingH, pendingBody));

  function showError(text) {
    clear(errorSlot);
    if (text) errorSlot.append(h('p', { class: 'c-alert', role: 'alert', 'data-testid': 'dash-agenda-error' }, text));
  }
  const who = (b) => (b.customer && b.customer.name) || '';
  const serviceName = (b) => { const s = ctx.services.get(b.service_id); return s ? s.name : b.service_id; };
  const statusWord = (b) => h('span', { class: `c-badge c-st-${b.status}` }, t(`c.status.${b.status}`));
  function openButton(b) {
    const bt = h('button', { type: 'button', class: 'c-linkbtn', 'data-testid': `dash-open-${b.id}`,
      'aria-label': t('c.ag.open.label', { name: who(b), when: formatDateTime(b.start, tz, false) }) }, t('c.ag.open'));
    bt.addEventListener('click', () => openDetail(b.id, { ctx, tz, onChanged: () => { load(); onChanged(); } }));
    return bt;
  }
  function table(caption, cols, rows, cells) {
    return h('div', { class: 'c-table-wrap' }, h('table', { class: 'c-table c-dash-agenda-table' },
      h('caption', { class: 'visually-hidden' }, caption),
      h('thead', null, h('tr', null, cols.map((c) => h('th', { scope: 'col' }, t(c))))),
      h('tbody', null, rows.map((b) => h('tr', { 'data-testid': `dash-booking-${b.id}`, 'data-status': b.status,
        'data-start': b.start, 'data-provider': b.provider_id }, cells(b))))));
  }
  const capNote = (capped) => (capped ? h('p', { class: 'c-hint' }, t('c.ag.more', { n: AGENDA_MAX })) : null);
  const countWords = (n) => (n === 0 ? t('c.ag.week.count.zero') : n === 1 ? t('c.ag.week.count.one') : t('c.ag.week.count', { n }));

  function drawToday(res) {
    const prov = names();
    clear(todayBody).append(...[res.rows.length === 0
      ? h('p', { class: 'c-hint c-dash-empty' }, t('c.ag.today.empty'))
      : table(t('c.ag.today.caption'), ['c.ag.time', 'c.ag.customer', 'c.ag.service', 'c.ag.provider', 'c.ag.status', 'c.ag.actions'],
        res.rows, (b) => [
          h('td', null, h('time', { datetime: b.start }, `${formatTime(b.start, tz)} – ${formatTime(b.end, tz)}`)),
          h('td', null, who(b)), h('td', null, serviceName(b)), h('td', null, prov.get(b.provider_id) || b.provider_id),
          h('td', null, statusWord(b)), h('td', null, openButton(b))]),
    capNote(res.capped)].filter(Boolean));
  }

  function drawWeek(res, first) {
    const prov = names();
    const byDay = new Map();
    for (let i = 0; i < 7; i++) byDay.set(addDays(first, i), []);
    for (const b of res.rows) {
      const d = dayInZone(b.start, tz);
      if (byDay.has(d)) byDay.get(d).push(b);
    }
    weekSpan.textContent = `${t('c.ag.week.span', { from: dayLabel(first), to: dayLabel(addDays(first, 6)) })} · ${
      res.rows.length === 1 ? t('c.ag.week.total.one') : res.rows.length ? t('c.ag.week.total', { n: res.rows.length }) : t('c.ag.week.empty')}`;
    weekSpan.dataset.count = String(res.rows.length);
    const today = todayIn(tz);
    clear(weekBody).append(h('ol', { class: 'c-dash-week' }, [...byDay].map(([d, list]) => h('li', {
      class: d === today ? 'c-dash-day c-dash-today' : 'c-dash-day', 'data-testid': `dash-week-day-${d}`, 'data-count': String(list.length) },
    h('h3', { class: 'c-dash-day-h' }, h('time', { datetime: d }, dayLabel(d)),
      d === today ? ` (${t('c.ag.week.today')})` : null, ' · ',
      h('span', { class: 'c-dash-day-count' }, countWords(list.length))),
    list.length ? h('ul', { class: 'c-dash-day-list' }, list.map((b) => h('li', {
      'data-testid': `dash-booking-${b.id}`, 'data-status': b.status, 'data-start': b.start, 'data-provider': b.provider_id },
    h('time', { datetime: b.start }, formatTime(b.start, tz)), ' ', who(b), ' · ', serviceName(b), ' · ',
    prov.get(b.provider_id) || b.provider_id, ' · ', statusWord(b), ' ', openButton(b)))) : null))),
    capNote(res.capped) || '');
  }

  function drawPending(res) {
    const prov = names();
    clear(pendingBody).append(...[res.rows.length === 0
      ? h('p', { class: 'c-hint c-dash-empty' }, t('c.ag.pending.empty'))
      : h('p', { class: 'c-hint' }, t('c.ag.pending.count', { n: res.rows.length })),
    res.rows.length ? table(t('c.ag.pending.caption'), ['c.ag.when', 'c.ag.customer', 'c.ag.service', 'c.ag.provider', 'c.ag.actions'],
      res.rows, (b) => {
        const when = formatDateTime(b.start, tz, false);
        const confirm = h('button', { type: 'button', class: 'c-primary', 'data-testid': `dash-confirm-${b.id}`,
          'aria-label': t('c.ag.confirm.label', { name: who(b), when }) }, t('c.ag.confirm'));
        const decline = h('button', { type: 'button', class: 'c-danger', 'data-testid': `dash-decline-${b.id}`,
          'aria-label': t('c.ag.decline.label', { name: who(b), when }) }, t('c.ag.decline'));
        confirm.addEventListener('click', () => act(b, 'confirm', [confirm, decline]));
        decline.addEventListener('click', () => act(b, 'decline', [confirm, decline]));
        return [h('td', null, h('time', { datetime: b.start }, whenText(b, tz))), h('td', null, who(b)),
          h('td', null, serviceName(b)), h('td', null, prov.get(b.provider_id) || b.provider_id),
          h('td', null, h('div', { class: 'c-buttons c-dash-actions' }, confirm, decline, openButton(b)))];
      }) : null,
    capNote(res.capped)].filter(Boolean));
  }

  /** Confirm or decline at the version listed (If-Match); the lists are read again either way. */
  async function act(b, action, buttons) {
    for (const bt of buttons) bt.disabled = true;
    showError('');
    const when = formatDateTime(b.start, tz, false);
    let refused = false;
    try {
      await call('POST', `/v1/bookings/${encodeURIComponent(b.id)}/${action}`, { ifMatch: b.version });
      if (!alive) return;
      const text = t(action === 'confirm' ? 'c.ag.confirmed' : 'c.ag.declined', { name: who(b), when });
      note.textContent = text;
    } catch (e) {
      if (!alive || e.status === 401) return;
      note.textContent = '';
      showError(t('c.ag.refused', { name: who(b), detail: problemText(e) }));
      refused = true;
    }
    onChanged();
    await load({ keepError: refused });
    // The pressed button went with the list drawn again: the keyboard goes on from its heading.
    if (alive && !el.contains(document.activeElement)) pendingH.focus();
  }

  /** Reads the three lists again; once they are in, an earlier failure is no longer shown
   * (keepError: a refusal just said stays). */
  async function load({ keepError = false } = {}) {
    const mine = ++seq;
    const pid = providerId();
    const base = pid ? { provider_id: pid } : {};
    const today = todayIn(tz);
    const [first] = rangeDates('week', tz);
    // A day's first instant, by the browser's own clock rules (tz is the browser's zone): where
    // midnight is skipped (Santiago's spring change), that is 01:00, not 23:00 the day before.
    const at = (d) => { const [y, m, dd] = d.split('-').map(Number); return new Date(y, m - 1, dd).toISOString(); };
    try {
      const [day, week, pending] = await Promise.all([
        allBookings({ ...base, from: at(today), to: at(addDays(today, 1)) }),
        allBookings({ ...base, from: at(first), to: at(addDays(first, 7)) }),
        allBookings({ ...base, status: 'pending', from: new Date().toISOString() }),
      ]);
      if (!alive || mine !== seq) return;
      drawToday(day);
      drawWeek(week, first);
      drawPending(pending);
      if (!keepError) showError('');
      el.dataset.loaded = String(mine);
    } catch (e) {
      if (!alive || mine !== seq || e.status === 401) return;
      showError(problemText(e));
    }
  }

  return { el, load, destroy() { alive = false; } };
}

/** "Tuesday, 3 March 2026, 10:00 – 10:30". */
function whenText(b, tz) {
  return `${formatDateTime(b.start, tz, false)} – ${formatTime(b.end, tz)}`;
}

export function mountDashboard(root, ctx) {
  const tz = browserZone();
  let alive = true;
  let seq = 0;
  let csvUrl = null;

  const heading = h('h1', { id: 'dash-h' }, t('c.dash.heading'));
  const rangeSel = h('select', { id: 'dash-range', 'data-testid': 'dash-range' },
    RANGES.map((r) => h('option', { value: r }, t(`c.dash.range.${r}`))));
  rangeSel.value = kept.range;
  const fromIn = h('input', { type: 'date', id: 'dash-from', 'data-testid': 'dash-from', value: kept.from });
  const toIn = h('input', { type: 'date', id: 'dash-to', 'data-testid': 'dash-to', value: kept.to });
  const apply = h('button', { type: 'submit', class: 'c-secondary', 'data-testid': 'dash-apply' }, t('c.dash.apply'));
  const custom = h('div', { class: 'c-dash-custom' },
    h('div', { class: 'c-field' }, h('label', { for: 'dash-from' }, t('c.dash.from')), fromIn),
    h('div', { class: 'c-field' }, h('label', { for: 'dash-to' }, t('c.dash.to')), toIn),
    apply);
  let providerSel = null;
  if (!ctx.scoped && ctx.providers.length > 1) {
    providerSel = h('select', { id: 'dash-provider', 'data-testid': 'dash-provider' },
      h('option', { value: '' }, t('c.dash.provider.all')),
      ctx.providers.map((p) => h('option', { value: p.id }, p.name)));
    providerSel.value = ctx.providers.some((p) => p.id === kept.provider) ? kept.provider : '';
  }
  const controls = h('form', { class: 'c-filters c-dash-controls', novalidate: true, 'aria-label': t('c.dash.range') },
    h('div', { class: 'c-field' }, h('label', { for: 'dash-range' }, t('c.dash.range')), rangeSel),
    custom,
    providerSel ? h('div', { class: 'c-field' }, h('label', { for: 'dash-provider' }, t('c.dash.provider')), providerSel) : null);
  const errorSlot = h('div', { class: 'c-error-slot' });
  const status = h('p', { class: 'c-hint', role: 'status' });
  const span = h('p', { class: 'c-hint', 'data-testid': 'dash-span' });
  const cards = h('ul', { class: 'c-dash-cards', 'aria-label': t('c.dash.cards') });
  const chart = h('figure', { class: 'c-dash-chart' });
  const tableWrap = h('div', { class: 'c-table-wrap' });
  const heatWrap = h('div', { class: 'c-table-wrap' });
  const csv = h('a', { class: 'c-dash-csv', 'data-testid': 'dash-csv', download: 'slotd-analytics.csv', href: '#',
    'aria-disabled': 'true' }, t('c.dash.csv.preparing'));

  const providerId = () => (ctx.scoped ? ctx.session.user.provider_id : (providerSel ? providerSel.value : ''));
  const work = agenda(ctx, tz, providerId, () => load());

  root.append(h('section', { class: 'c-page c-dash', 'aria-labelledby': 'dash-h' },
    h('div', { class: 'c-page-head' }, heading, h('p', { class: 'c-hint' }, t('c.dash.zone', { tz }))),
    controls, work.el,
    h('h2', { id: 'dash-figures-h', class: 'c-dash-figures-h' }, t('c.ag.figures')),
    errorSlot, status, span, cards,
    h('div', { class: 'c-dash-csv-row' }, csv),
    h('section', { class: 'c-dash-part', 'aria-labelledby': 'dash-table-h' },
      h('h2', { id: 'dash-table-h' }, t('c.dash.table')), chart, tableWrap),
    h('section', { class: 'c-dash-part', 'aria-labelledby': 'dash-heat-h' },
      h('h2', { id: 'dash-heat-h' }, t('c.dash.heatmap')), heatWrap)));

  function showCustom() { custom.hidden = rangeSel.value !== 'custom'; }
  showCustom();

  function showError(text) {
    clear(errorSlot);
    if (text) errorSlot.append(h('p', { class: 'c-alert', role: 'alert', 'data-testid': 'dash-error' }, text));
  }

  function query() {
    let from;
    let to;
    if (rangeSel.value === 'custom') {
      from = fromIn.value;
      to = toIn.value;
      if (!from || !to || to < from) return null;
    } else {
      [from, to] = rangeDates(rangeSel.value, tz);
    }
    const q = new URLSearchParams({ from, to, timezone: tz });
    const pid = providerId();
    if (pid) q.set('provider_id', pid);
    return q;
  }

  function card(metric, value, extra) {
    return h('li', { class: 'c-dash-card', 'data-testid': `dash-card-${metric}` },
      h('span', { class: 'c-dash-card-label', id: `dash-card-${metric}-l` }, t(`c.dash.card.${metric}`)),
      h('span', { class: 'c-dash-card-value', 'data-value': value.raw == null ? '' : String(value.raw) }, value.text),
      extra ? h('span', { class: 'c-dash-card-extra' }, extra) : null);
  }

  function drawCards(tot) {
    clear(cards);
    const revenue = (tot.revenue || []).filter((r) => r.completed != null);
    const revText = revenue.length ? revenue.map((r) => formatPrice(r.completed, r.currency)).join(' · ') : formatPrice('0', 'USD');
    cards.append(
      card('bookings', { raw: tot.bookings, text: num(tot.bookings) }),
      card('pending', { raw: tot.pending, text: num(tot.pending) }),
      card('completed', { raw: tot.completed, text: num(tot.completed) }),
      card('cancelled', { raw: tot.cancelled, text: num(tot.cancelled) }),
      card('no_show', { raw: tot.no_show, text: num(tot.no_show) }),
      card('no_show_rate', { raw: tot.no_show_rate, text: pct(tot.no_show_rate) }),
      card('revenue', { raw: revenue.map((r) => `${r.completed} ${r.currency}`).join(' '), text: revenue.length ? revText : t('c.dash.na') }),
      card('utilisation', { raw: tot.utilisation, text: pct(tot.utilisation) }),
      card('average_rating', { raw: tot.average_rating, text: tot.average_rating == null ? t('c.dash.na') : `${num(tot.average_rating, 2)} / 5` },
        tot.ratings ? t('c.dash.ratings', { n: tot.ratings }) : null),
      card('waitlist', { raw: tot.waitlist ? tot.waitlist.joined : null, text: num(tot.waitlist ? tot.waitlist.joined : null) }));
  }

  function drawTable(series) {
    const cols = ['bookings', 'completed', 'cancelled', 'no_show'];
    clear(tableWrap).append(h('table', { class: 'c-table c-dash-table', 'data-testid': 'dash-table' },
      h('caption', { class: 'visually-hidden' }, t('c.dash.table.caption')),
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, t('c.dash.col.day')),
        cols.map((c) => h('th', { scope: 'col', class: 'c-num' }, t(`c.dash.col.${c}`))),
        h('th', { scope: 'col', class: 'c-num' }, t('c.dash.col.utilisation')))),
      h('tbody', null, series.map((p) => h('tr', { 'data-testid': `dash-row-${p.label}`, 'data-bookings': String(p.bookings) },
        h('th', { scope: 'row' }, h('time', { datetime: p.label }, dayLabel(p.label))),
        cols.map((c) => h('td', { class: 'c-num' }, num(p[c]))),
        h('td', { class: 'c-num' }, pct(p.utilisation)))))));
    // The bar chart: one bar per day, its height the day's bookings (the table has the numbers).
    clear(chart);
    const max = Math.max(1, ...series.map((p) => p.bookings));
    const w = 24;
    const gap = 6;
    const ht = 120;
    const svg = document.createElementNS(SVG, 'svg');
    svg.setAttribute('viewBox', `0 0 ${series.length * (w + gap) + gap} ${ht + 4}`);
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', t('c.dash.chart'));
    svg.setAttribute('class', 'c-dash-bars');
    series.forEach((p, i) => {
      const bh = Math.round((p.bookings / max) * ht);
      const r = document.createElementNS(SVG, 'rect');
      r.setAttribute('x', String(gap + i * (w + gap)));
      r.setAttribute('y', String(ht - bh + 2));
      r.setAttribute('width', String(w));
      r.setAttribute('height', String(Math.max(bh, p.bookings ? 2 : 1)));
      r.setAttribute('class', p.bookings ? 'c-dash-bar' : 'c-dash-bar c-dash-bar-zero');
      const title = document.createElementNS(SVG, 'title');
      title.textContent = `${dayLabel(p.label)}: ${p.bookings}`;
      r.append(title);
      svg.append(r);
    });
    chart.append(svg, h('figcaption', { class: 'c-hint' }, t('c.dash.chart')));
  }

  function drawHeatmap(heat) {
    const counts = heat.counts || [];
    let lo = 24;
    let hi = -1;
    counts.forEach((row) => row.forEach((n, hour) => { if (n > 0) { lo = Math.min(lo, hour); hi = Math.max(hi, hour); } }));
    if (hi < 0) { lo = 8; hi = 17; }
    lo = Math.min(lo, 8);
    hi = Math.max(hi, 17);
    const hours = [];
    for (let x = lo; x <= hi; x++) hours.push(x);
    const max = Math.max(1, ...counts.flat());
    const days = heat.weekdays || WEEKDAYS;
    clear(heatWrap).append(h('table', { class: 'c-table c-dash-heat', 'data-testid': 'dash-heatmap' },
      h('caption', null, t('c.dash.heatmap.caption', { tz })),
      h('thead', null, h('tr', null, h('td', null),
        hours.map((x) => h('th', { scope: 'col', class: 'c-num' }, String(x).padStart(2, '0'))))),
      h('tbody', null, days.map((wd, d) => h('tr', null,
        h('th', { scope: 'row' }, t(`c.dash.wd.${wd}`)),
        hours.map((x) => {
          const n = (counts[d] && counts[d][x]) || 0;
          const cell = h('td', { class: 'c-num c-heat', 'data-testid': `dash-heat-${wd}-${x}`, 'data-count': String(n) }, String(n));
          // A lighter to darker blue with dark text (readable on each); the number is the value.
          if (n > 0) cell.style.backgroundColor = `rgba(29, 78, 216, ${(0.1 + 0.35 * (n / max)).toFixed(3)})`;
          return cell;
        }))))));
  }

  async function prepareCsv(q, mine) {
    if (csvUrl) { URL.revokeObjectURL(csvUrl); csvUrl = null; }
    csv.setAttribute('aria-disabled', 'true');
    csv.textContent = t('c.dash.csv.preparing');
    // The figures as CSV are asked for with Accept: text/csv (docs/api.md, Analytics), which a
    // plain link cannot send: the page reads them with the session and offers the file.
    const res = await fetch(`/v1/analytics?${q}&group_by=day`, { headers: { Accept: 'text/csv' }, credentials: 'same-origin', cache: 'no-store' });
    if (!res.ok) throw new Error(`CSV ${res.status}`);
    const blob = new Blob([await res.text()], { type: res.headers.get('Content-Type') || 'text/csv' });
    if (!alive || mine !== seq) return;
    csvUrl = URL.createObjectURL(blob);
    csv.href = csvUrl;
    csv.setAttribute('download', `slotd-analytics-${q.get('from')}-${q.get('to')}.csv`);
    csv.setAttribute('data-type', blob.type);
    csv.removeAttribute('aria-disabled');
    csv.textContent = t('c.dash.csv');
  }

  async function load() {
    const q = query();
    if (!q) { showError(t('c.dash.badrange')); return; }
    const mine = ++seq;
    kept.range = rangeSel.value;
    kept.from = fromIn.value;
    kept.to = toIn.value;
    kept.provider = providerSel ? providerSel.value : '';
    showError('');
    status.textContent = t('c.loading');
    try {
      const [data, heat] = await Promise.all([
        get(`/v1/analytics?${q}&group_by=day`),
        get(`/v1/analytics?${q}&view=heatmap`),
      ]);
      if (!alive || mine !== seq) return;
      status.textContent = '';
      span.textContent = t('c.dash.span', { from: dayLabel(data.from), to: dayLabel(data.to) });
      span.dataset.from = data.from;
      span.dataset.to = data.to;
      drawCards(data.totals || {});
      drawTable(data.series || []);
      drawHeatmap(heat);
      root.querySelector('.c-dash').dataset.loaded = q.toString();
      await prepareCsv(q, mine);
    } catch (e) {
      if (!alive || mine !== seq || e.status === 401) return;
      status.textContent = '';
      showError(problemText(e));
    }
  }

  rangeSel.addEventListener('change', () => {
    showCustom();
    if (rangeSel.value === 'custom') {
      if (!fromIn.value || !toIn.value) {
        const [f, to] = rangeDates('week', tz);
        fromIn.value = fromIn.value || f;
        toIn.value = toIn.value || to;
      }
      return;
    }
    load();
  });
  if (providerSel) providerSel.addEventListener('change', () => { load(); work.load(); });
  controls.addEventListener('submit', (ev) => { ev.preventDefault(); load(); });
  csv.addEventListener('click', (ev) => { if (!csvUrl) ev.preventDefault(); });
  load();
  work.load();

  return {
    destroy() {
      alive = false;
      work.destroy();
      if (csvUrl) URL.revokeObjectURL(csvUrl);
    },
  };
}
