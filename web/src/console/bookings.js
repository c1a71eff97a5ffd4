// The bookings list: GET /v1/bookings with a status and a provider filter, in a table
// (latest start first); a row opens the same detail as the calendar.
import { h, clear } from '../dom.js';
import { t } from '../i18n.js';
import { formatRange } from '../format.js';
import { get } from './http.js';
import { problemText } from './problems.js';
import { openDetail } from './detail.js';
import { browserZone } from './calendar.js';

const STATUSES = ['pending', 'confirmed', 'declined', 'cancelled', 'completed', 'no_show'];
const PAGE = 100;
const kept = { status: '', provider: '' };

export function mountBookings(root, ctx) {
  const tz = browserZone();
  const names = new Map(ctx.providers.map((p) => [p.id, p.name]));
  let alive = true;
  let cursor = null;
  let rows = [];
  let seq = 0;

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
    h('div', { class: 'c-filters' },
      h('div', { class: 'c-field' }, h('label', { for: 'bf-status' }, t('c.list.status')), statusSel),
      providerSel ? h('div', { class: 'c-field' }, h('label', { for: 'bf-provider' }, t('c.list.provider')), providerSel) : null),
    errorSlot, status, h('div', { class: 'c-table-wrap' }, table), more));

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
    status.textContent = rows.length ? '' : t('c.list.empty');
    more.hidden = !cursor;
  }

  async function fetchPage(reset) {
    const mine = ++seq;
    const q = new URLSearchParams({ limit: String(PAGE) });
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
      draw();
    } catch (e) {
      if (!alive || mine !== seq || e.status === 401) return;
      status.textContent = '';
      showError(problemText(e));
    }
  }

  function reload() { cursor = null; fetchPage(true); }

  statusSel.addEventListener('change', () => { kept.status = statusSel.value; reload(); });
  if (providerSel) providerSel.addEventListener('change', () => { kept.provider = providerSel.value; reload(); });
  more.addEventListener('click', () => fetchPage(false));
  reload();

  return { refetch: reload, destroy: () => { alive = false; } };
}
