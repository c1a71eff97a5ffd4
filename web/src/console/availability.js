// The availability page: one provider's weekly hours (versions, alternating weeks), the date
// exceptions in a month grid (closed days, changed hours, time off, holidays), the holidays
// and time off lists, and the next 7 days of bookable starts (GET /v1/slots), read again after
// every change so an edit shows at once. All times here are in the provider's zone.
// Administrators edit; staff read (a staff user tied to a provider sees only that one).
import './availability.css';
import './strings_availability.js';
import { h, clear } from '../dom.js';
import { t } from '../i18n.js';
import { get } from './http.js';
import { weeklyEditor } from './avail_weekly.js';
import { overridesSection } from './avail_overrides.js';
import { holidaysSection, timeoffSection } from './avail_lists.js';
import { addDays, todayIn, shortDate, refusalText } from './avail_util.js';
import { formatTime } from '../format.js';

// Kept while the tab lives: the provider and service chosen.
const kept = { provider: null, service: {} };

/**
 * Whether provider pid offers service s. provider_ids lists at most the first 200 by id: a
 * service offered by more (provider_count is then set) is asked about a provider it does not
 * list (GET /v1/services/{id}/providers/{provider_id}: 404 when it does not offer it).
 */
async function offers(s, pid) {
  if (!Array.isArray(s.provider_ids)) return false;
  if (s.provider_ids.includes(pid)) return true;
  if (!(typeof s.provider_count === 'number' && s.provider_count > s.provider_ids.length)) return false;
  try {
    await get(`/v1/services/${encodeURIComponent(s.id)}/providers/${encodeURIComponent(pid)}`);
    return true;
  } catch (e) {
    if (e.status === 404) return false;
    throw e;
  }
}

/** Services the provider offers, by name. */
async function servicesOf(ctx, pid) {
  const all = [...ctx.services.values()];
  const yes = await Promise.all(all.map((s) => offers(s, pid)));
  return all.filter((s, i) => yes[i]).sort((a, b) => a.name.localeCompare(b.name));
}

function previewSection(ctx) {
  let prov = null;
  let alive = true;
  let seq = 0;
  const heading = h('h2', { id: 'prev-h' }, t('c.availability.prev.heading'));
  const sel = h('select', { id: 'preview-service', 'data-testid': 'preview-service' });
  const selWrap = h('div', { class: 'c-field' }, h('label', { for: 'preview-service' }, t('c.availability.prev.service')), sel);
  const status = h('p', { class: 'c-hint', role: 'status', 'data-testid': 'preview-status' });
  const days = h('div', { class: 'a-prevdays', 'data-testid': 'slot-preview', 'aria-live': 'polite', 'aria-busy': 'false' });
  const hint = h('p', { class: 'c-hint' });
  const el = h('section', { class: 'a-section a-preview', 'aria-labelledby': 'prev-h' }, heading, hint, selWrap, status, days);
  sel.addEventListener('change', () => { if (prov) kept.service[prov.id] = sel.value; refresh(); });

  // The services are worked out before the preview reads slots (a big service is asked).
  let loadSeq = 0;
  let loading = false;
  async function load(provider) {
    prov = provider;
    const mine = ++loadSeq;
    let list;
    loading = true;
    try {
      list = await servicesOf(ctx, provider.id);
    } catch (e) {
      if (!alive || mine !== loadSeq) return;
      loading = false;
      clear(sel);
      selWrap.hidden = true;
      clear(days);
      if (e.status !== 401) status.textContent = refusalText(e, '');
      return;
    }
    if (!alive || mine !== loadSeq) return;
    loading = false;
    clear(sel).append(...list.map((s) => h('option', { value: s.id }, s.name)));
    selWrap.hidden = list.length === 0;
    const want = kept.service[provider.id];
    if (want && list.some((s) => s.id === want)) sel.value = want;
    hint.textContent = t('c.availability.prev.hint', { tz: provider.timezone || 'UTC' });
    refresh();
  }

  async function refresh() {
    if (!prov || loading) return;
    const mine = ++seq;
    const tz = prov.timezone || 'UTC';
    if (!sel.value) { clear(days); status.textContent = t('c.availability.prev.noservice'); return; }
    const from = todayIn(tz);
    const to = addDays(from, 6);
    status.textContent = t('c.availability.prev.loading');
    days.setAttribute('aria-busy', 'true');
    try {
      const q = new URLSearchParams({ service_id: sel.value, provider_id: prov.id, from, to, timezone: tz });
      const res = await get(`/v1/slots?${q}`);
      if (!alive || mine !== seq) return;
      const byDay = new Map();
      for (let i = 0; i < 7; i++) byDay.set(addDays(from, i), []);
      for (const s of res.slots || []) {
        const d = s.start.slice(0, 10);
        if (byDay.has(d)) byDay.get(d).push(s);
      }
      clear(days);
      for (const [d, slots] of byDay) {
        const n = slots.length;
        const id = `prev-${d}`;
        days.append(h('section', { class: `a-prevday${n ? '' : ' a-none'}`, 'data-testid': `preview-day-${d}`,
          'data-count': String(n), 'aria-labelledby': id },
        h('h3', { id, class: 'a-prevday-h' }, shortDate(d, false),
          h('span', { class: 'a-prevcount', 'data-testid': 'preview-count' }, ` · ${n === 1 ? t('c.availability.prev.one') : t('c.availability.prev.n', { n })}`)),
        n ? h('ul', { class: 'a-starts' }, slots.map((s) => h('li', { 'data-start': s.start }, formatTime(s.start, tz))))
          : h('p', { class: 'c-hint' }, t('c.availability.prev.none'))));
      }
      status.textContent = t('c.availability.prev.updated', { from: shortDate(from, false), to: shortDate(to) });
    } catch (e) {
      if (!alive || mine !== seq || e.status === 401) return;
      clear(days);
      status.textContent = refusalText(e, '');
    } finally {
      if (mine === seq) days.setAttribute('aria-busy', 'false');
    }
  }

  return { el, load, refresh, destroy: () => { alive = false; } };
}

export function mountAvailability(root, ctx) {
  const editable = !!ctx.admin;
  const providers = ctx.providers || [];
  const heading = h('h1', { id: 'avail-h' }, t('c.availability.heading'));
  const zone = h('p', { class: 'c-hint', 'data-testid': 'avail-zone' });
  const page = h('section', { class: 'c-page a-page', 'aria-labelledby': 'avail-h' },
    h('div', { class: 'c-page-head' }, heading, zone));
  root.append(page);
  if (!providers.length) {
    page.append(h('p', { class: 'c-alert', role: 'alert', 'data-testid': 'avail-error' }, t('c.availability.noproviders')));
    return { destroy() {} };
  }

  let current = providers.find((p) => p.id === kept.provider) || providers[0];
  if (ctx.scoped) current = providers.find((p) => p.id === ctx.session.user.provider_id) || providers[0];

  let picker = null;
  if (!ctx.scoped) {
    const sel = h('select', { id: 'avail-provider', 'data-testid': 'avail-provider' },
      providers.map((p) => h('option', { value: p.id }, p.name)));
    sel.value = current.id;
    sel.addEventListener('change', () => {
      current = providers.find((p) => p.id === sel.value) || providers[0];
      kept.provider = current.id;
      loadAll();
    });
    picker = h('div', { class: 'c-field a-picker' }, h('label', { for: 'avail-provider' }, t('c.availability.provider')), sel);
  } else {
    picker = h('p', { class: 'a-meta', 'data-testid': 'avail-own' }, t('c.availability.own', { name: current.name }));
  }

  const preview = previewSection(ctx);
  const everything = () => { preview.refresh(); overrides.refresh(); timeoff.load(); };
  const weekly = weeklyEditor({ editable, onSaved: () => preview.refresh() });
  const overrides = overridesSection({ editable, onChanged: () => { preview.refresh(); timeoff.load(); } });
  const timeoff = timeoffSection({ editable, onEdit: (x) => overrides.openTimeoff(x), onChanged: everything });
  const holidays = holidaysSection({ editable, onChanged: everything });

  page.append(picker);
  if (!editable) page.append(h('p', { class: 'c-note', 'data-testid': 'avail-readonly' }, t('c.availability.readonly.page')));
  page.append(h('div', { class: 'a-layout' },
      h('div', { class: 'a-main' }, weekly.el, overrides.el, timeoff.el, holidays.el),
      h('aside', { class: 'a-side', 'aria-labelledby': 'prev-h' }, preview.el)));

  function loadAll() {
    zone.textContent = t('c.availability.zone.page', { tz: current.timezone || 'UTC', name: current.name });
    weekly.load(current);
    overrides.load(current);
    timeoff.load(current);
    holidays.load(current);
    preview.load(current);
  }
  loadAll();

  return {
    destroy() {
      weekly.destroy();
      overrides.destroy();
      timeoff.destroy();
      holidays.destroy();
      preview.destroy();
    },
  };
}
