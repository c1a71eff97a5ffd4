// The bookings list: GET /v1/bookings with a search (q: name, e-mail, phone or reference,
// sent a moment after typing stops or at once on Enter), a date range (days in the browser's
// zone), a status and a provider filter, in a table (latest start first); a row opens the
// same detail as the calendar. The filters are kept while the console stays open.
import { h, clear } from '../dom.js';
import { t } from '../i18n.js';
import { formatRange } from '../format.js';
import { get } from './http.js';
import { problemText } from './problems.js';
import { openDetail } from './detail.js';
import { browserZone } from './calendar.js';

const STATUSES = ['pending', 'confirmed', 'declined', 'cancelled', 'completed', 'no_show'];
const PAGE = 100;
const SEARCH_MAX = 100;
const SEARCH_PAUSE_MS = 300;
const kept = { status: '', provider: '', q: '', from: '', to: '' };

// Local midnight of a yyyy-mm-dd day (the browser's zone) as an instant; days later.
function dayStart(value, days = 0) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value || '');
  if (!m) return null;
  return new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + days).toISOString();
}

export function mountBookings(root, ctx) {
  const tz = browserZone();
  const names = new Map(ctx.providers.map((p) => [p.id, p.name]));
  let alive = true;
  let cursor = null;
  let rows = [];
  let seq = 0;
  let pause = null;
  let shownQ = '';

  const heading = h('h1', { id: 'list-h' }, t('c.list.heading'));
  const statusSel = h('select', { id: 'bf-status', 'data-testid': 'bookings-status-filter' },
    h('option', { value: '' }, t('c.list.status.all')),
    STATUSES.map((s) => h('option', { value: s }, t(`c.status.${s}`))));
  statusSel.value = kept.status;
  let providerSel = null;
  if (!ctx.scoped && ctx.providers.length > 1) {
    providerSel = h('select', { id: 'bf-provider', 'data-testid': 'bookings-provider-filter' },
      h('option', { value: '' }, t('c.list.provider.all')),
      ctx.providers.map((p) => h('option', { value: p.id }, p.name)));
    providerSel.value = names.has(kept.provider) ? kept.provider : '';
  }
  const searchErr = h('p', { class: 'c-field-error', id: 'bf-q-err', 'data-testid': 'bookings-search-error' });
  const search = h('input', {
    // No maxlength: it counts UTF-16 units, the server characters (an emoji is two of the first).
    type: 'search', id: 'bf-q', name: 'q', 'data-testid': 'bookings-search',
    autocomplete: 'off', value: kept.q, 'aria-describedby': 'bf-q-hint bf-q-err',
  });
  const searchForm = h('form', { role: 'search', class: 'c-field', 'data-testid': 'bookings-search-form' },
    h('label', { for: 'bf-q' }, t('c.list.search')), search,
    h('p', { class: 'c-hint', id: 'bf-q-hint' }, t('c.list.search.hint')), searchErr);
  const rangeErr = h('p', { class: 'c-field-error', id: 'bf-range-err', 'data-testid': 'bookings-range-error' });
  const fromIn = h('input', { type: 'date', id: 'bf-from', name: 'from', 'data-testid': 'bookings-from', value: kept.from, 'aria-describedby': 'bf-range-err' });
  const toIn = h('input', { type: 'date', id: 'bf-to', name: 'to', 'data-testid': 'bookings-to', value: kept.to, 'aria-describedby': 'bf-range-err' });
  const errorSlot = h('div', { class: 'c-error-slot' });
  const status = h('p', { class: 'c-hint', role: 'status' });
  const tbody = h('tbody');
  const table = h('table', { class: 'c-table', 'data-testid': 'bookings-table' },
    h('caption', { class: 'visually-hidden' }, t('c.list.caption')),
    h('thead', null, h('tr', null,
      h('th', { scope: 'col' }, t('c.list.when')),
      h('th', { scope: 'col' }, t('c.list.customer')),
      h('th', { scope: 'col' }, t('c.list.service')),
      h('th', { scope: 'col' }, t('c.list.provider')),
      h('th', { scope: 'col' }, t('c.list.status')),
      h('th', { scope: 'col' }, t('c.list.reference')))),
    tbody);
  const more = h('button', { type: 'button', class: 'c-secondary', hidden: true }, t('c.list.more'));

  root.append(h('section', { class: 'c-page', 'aria-labelledby': 'list-h' },
    h('div', { class: 'c-page-head' }, heading, h('p', { class: 'c-hint' }, t('c.cal.zone', { tz }))),
    searchForm,
    h('div', { class: 'c-filters' },
      h('div', { class: 'c-field' }, h('label', { for: 'bf-from' }, t('c.list.from')), fromIn),
      h('div', { class: 'c-field' }, h('label', { for: 'bf-to' }, t('c.list.to')), toIn),
      h('div', { class: 'c-field' }, h('label', { for: 'bf-status' }, t('c.list.status')), statusSel),
      providerSel ? h('div', { class: 'c-field' }, h('label', { for: 'bf-provider' }, t('c.list.provider')), providerSel) : null),
    rangeErr, errorSlot, status, h('div', { class: 'c-table-wrap' }, table), more));

  function showError(text) {
    clear(errorSlot);
    if (text) errorSlot.append(h('p', { class: 'c-alert', role: 'alert', 'data-testid': 'console-error' }, text));
  }

  function draw() {
    clear(tbody);
    const sorted = [...rows].sort((a, b) => Date.parse(b.start) - Date.parse(a.start));
    for (const b of sorted) {
      const service = ctx.services.get(b.service_id);
      const open = (ev) => {
        if (ev) ev.preventDefault();
        openDetail(b.id, { ctx, tz, onChanged: () => reload() });
      };
      const link = h('button', { type: 'button', class: 'c-linkbtn', 'aria-label': t('c.list.open', { ref: b.reference }) }, b.reference);
      link.addEventListener('click', (ev) => { ev.stopPropagation(); open(ev); });
      const tr = h('tr', { 'data-testid': `booking-row-${b.id}`, 'data-status': b.status, class: 'c-row' },
        h('td', null, formatRange(b.start, b.end, tz)),
        h('td', null, (b.customer && b.customer.name) || ''),
        h('td', null, service ? service.name : b.service_id),
        h('td', null, names.get(b.provider_id) || b.provider_id),
        h('td', null, h('span', { class: `c-badge c-st-${b.status}` }, t(`c.status.${b.status}`))),
        h('td', null, link));
      tr.addEventListener('click', () => open());
      tbody.append(tr);
    }
    status.textContent = rows.length ? '' : shownQ ? t('c.list.empty.search', { q: shownQ }) : t('c.list.empty');
    more.hidden = !cursor;
  }

  function markField(input, slot, text) {
    slot.textContent = text || '';
    if (text) input.setAttribute('aria-invalid', 'true');
    else input.removeAttribute('aria-invalid');
  }

  /** No rows: those of the filters before would read as the refused filters' own. */
  function emptyList() {
    rows = [];
    cursor = null;
    clear(tbody);
    more.hidden = true;
  }

  async function fetchPage(reset) {
    const mine = ++seq;
    const q = new URLSearchParams({ limit: String(PAGE) });
    const text = search.value.trim();
    const from = dayStart(fromIn.value);
    const to = dayStart(toIn.value, 1);
    markField(search, searchErr, '');
    markField(toIn, rangeErr, '');
    if (from && to && to <= from) {
      markField(toIn, rangeErr, t('c.list.range.bad'));
      status.textContent = '';
      emptyList();
      return;
    }
    if (text) q.set('q', text);
    if (from) q.set('from', from);
    if (to) q.set('to', to);
    if (statusSel.value) q.set('status', statusSel.value);
    const pid = ctx.scoped ? ctx.session.user.provider_id : (providerSel ? providerSel.value : '');
    if (pid) q.set('provider_id', pid);
    if (!reset && cursor) q.set('cursor', cursor);
    status.textContent = t('c.loading');
    showError('');
    try {
      const page = await get(`/v1/bookings?${q}`);
      if (!alive || mine !== seq) return;
      rows = reset ? page.data || [] : rows.concat(page.data || []);
      cursor = page.next_cursor || null;
      shownQ = text;
      draw();
    } catch (e) {
      if (!alive || mine !== seq || e.status === 401) return;
      status.textContent = '';
      const errs = (e.problem && Array.isArray(e.problem.errors)) ? e.problem.errors : [];
      const at = (name) => errs.some((x) => x.pointer === name);
      // The search text and the dates are the fields a refusal can name; say it there.
      if (at('q')) markField(search, searchErr, [...text].length > SEARCH_MAX ? t('c.list.search.too_long') : problemText(e));
      else if (at('from') || at('to')) markField(toIn, rangeErr, problemText(e));
      else showError(problemText(e));
      if (reset && (at('q') || at('from') || at('to'))) emptyList();
    }
  }

  function reload() {
    clearTimeout(pause);
    pause = null;
    cursor = null;
    // The rows shown have no next page under the new filters: "more" waits for the new list
    // (clicked meanwhile, it would add that list's first page to the old rows).
    more.hidden = true;
    fetchPage(true);
  }

  search.addEventListener('input', () => {
    kept.q = search.value;
    clearTimeout(pause);
    pause = setTimeout(reload, SEARCH_PAUSE_MS);
  });
  searchForm.addEventListener('submit', (ev) => { ev.preventDefault(); kept.q = search.value; reload(); });
  fromIn.addEventListener('change', () => { kept.from = fromIn.value; reload(); });
  toIn.addEventListener('change', () => { kept.to = toIn.value; reload(); });
  statusSel.addEventListener('change', () => { kept.status = statusSel.value; reload(); });
  if (providerSel) providerSel.addEventListener('change', () => { kept.provider = providerSel.value; reload(); });
  more.addEventListener('click', () => { if (cursor) fetchPage(false); });
  reload();

  return { refetch: reload, destroy: () => { alive = false; clearTimeout(pause); } };
}
