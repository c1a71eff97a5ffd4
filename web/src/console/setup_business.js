// Set-up → Business hours: when the business is open at all (GET/PUT/DELETE
// /v1/business-hours). Every provider's open time is cut to it, except the exempt providers.
// The weekly hours are edited with the availability page's weekly editor, saved to the
// business hours with the zone and the exemptions; closed days and special hours are the
// business overrides (/v1/business-hours/overrides).
import './availability.css';
import './strings_availability.js';
import { h, clear } from '../dom.js';
import { t } from '../i18n.js';
import { allZones } from '../format.js';
import { call, get, getAll } from './http.js';
import { weeklyEditor } from './avail_weekly.js';
import { browserZone } from './calendar.js';
import { Fields, notices, confirmIn, btn, busy, when, listPage, orNull } from './setup_common.js';

const OWNER = { id: 'business', timezone: 'UTC' };

function hoursText(o) {
  if (o.closed || !o.intervals || !o.intervals.length) return t('c.setup.bov.closedtext');
  return o.intervals.map((iv) => `${iv.start}–${iv.end}`).join(', ');
}

function datesText(o) {
  if (o.rrule) return `${o.date} (${o.rrule})`;
  if (o.date) return o.date;
  return `${o.from} – ${o.to}`;
}

export function mountBusiness(root) {
  let alive = true;
  let providers = [];
  const msg = notices();
  const f = new Fields('biz');
  const zoneHere = browserZone();
  const zoneField = f.select('timezone', t('c.setup.biz.zone'), allZones().map((z) => [z, z]), zoneHere,
    { hint: t('c.setup.biz.zone.hint'), 'data-testid': 'business-zone' });
  const exemptBox = h('div', { class: 's-checks' });
  const exemptGroup = f.group('exempt_provider_ids', t('c.setup.biz.exempt'), exemptBox);
  const stateLine = h('p', { class: 'c-hint', 'data-testid': 'business-state' });
  const confirmSlot = h('div');

  const exemptIds = () => [...exemptBox.querySelectorAll('input[type=checkbox]:checked')].map((x) => x.value);

  function setZone(zone) {
    const sel = f.el('timezone');
    if (zone && ![...sel.options].some((o) => o.value === zone)) sel.append(h('option', { value: zone }, zone));
    sel.value = zone || zoneHere;
  }

  function showState(data) {
    stateLine.textContent = data && data.updated_at ? t('c.setup.biz.set', { when: when(data.updated_at) }) : t('c.setup.biz.none');
    del.hidden = !(data && data.updated_at);
  }

  function drawExempt(ids) {
    const on = new Set(ids || []);
    clear(exemptBox);
    for (const p of providers) {
      const id = `${f.id('exempt')}-${p.id}`;
      exemptBox.append(h('label', { class: 'c-check', for: id },
        h('input', { type: 'checkbox', id, value: p.id, checked: on.has(p.id), 'data-testid': `business-exempt-${p.id}` }), p.name));
    }
    if (!providers.length) exemptBox.append(h('p', { class: 'c-hint' }, t('c.setup.prov.none')));
  }

  const editor = weeklyEditor({
    editable: true,
    heading: t('c.setup.biz.weekly'),
    path: () => '/v1/business-hours',
    extraBody: () => ({ timezone: f.val('timezone'), exempt_provider_ids: exemptIds() }),
    onLoaded(data) {
      setZone(data.timezone);
      editor.setZone(f.val('timezone'));
      drawExempt(data.exempt_provider_ids);
      showState(data);
    },
    onRefused(e) {
      const list = (e.problem && e.problem.errors) || [];
      if (list.some((x) => /^\/(timezone|exempt_provider_ids)/.test(x.pointer || ''))) f.show(e);
      else f.clear();
    },
    async onSaved() {
      f.clear();
      msg.note(t('c.setup.biz.saved'));
      try { showState(await get('/v1/business-hours')); } catch { /* the editor has said it is saved */ }
    },
  });
  // The zone and the exemptions are saved with the hours (the editor's save button).
  f.el('timezone').addEventListener('change', () => { editor.setZone(f.val('timezone')); editor.markDirty(); });
  exemptBox.addEventListener('change', () => editor.markDirty());

  const del = btn(t('c.setup.biz.delete'), 'business-delete', () => confirmIn(confirmSlot, t('c.setup.biz.delete.q'),
    t('c.setup.biz.delete'), 'business-delete-confirm', async () => {
      try {
        await call('DELETE', '/v1/business-hours');
        clear(confirmSlot);
        msg.note(t('c.setup.biz.deleted'));
        await editor.load(OWNER, true);
      } catch (e) { clear(confirmSlot); if (e.status !== 401) msg.fail(e); }
    }), 'c-danger', { hidden: true });

  root.append(
    h('p', { class: 's-lead', 'data-testid': 'business-intro' }, t('c.setup.biz.intro')),
    stateLine, msg.el,
    h('div', { class: 's-form', 'data-testid': 'business-form' },
      h('div', { class: 's-grid' }, zoneField),
      exemptGroup,
      f.summary),
    h('p', { class: 'c-hint' }, t('c.setup.biz.closedwarn')),
    editor.el,
    h('div', { class: 'c-buttons' }, del), confirmSlot);

  // --- business overrides -----------------------------------------------------------------
  const ovSection = h('section', { class: 's-section', 'aria-labelledby': 'bov-list-h', 'data-testid': 'business-overrides-section' });
  root.append(ovSection);
  const ov = listPage(ovSection, {
    newLabel: t('c.setup.bov.new'), newTestid: 'business-override-new', onNew: () => openOverride(),
    listTitle: t('c.setup.bov.h'), headingId: 'bov-list-h',
    table: { testid: 'business-overrides', caption: t('c.setup.bov.caption'),
      heads: [t('c.setup.bov.date'), t('c.setup.bov.what'), t('c.setup.bov.note'), t('c.setup.actions')] },
  });

  async function loadOverrides() {
    try {
      const rows = await getAll('/v1/business-hours/overrides');
      if (!alive) return;
      clear(ov.tbody);
      for (const o of rows) {
        const slot = h('div');
        const what = datesText(o);
        ov.tbody.append(h('tr', { 'data-testid': `business-override-${o.id}` },
          h('td', null, what), h('td', null, hoursText(o)), h('td', null, o.note || t('c.detail.none')),
          h('td', null, btn(t('c.setup.delete'), `business-override-delete-${o.id}`, () => confirmIn(slot,
            t('c.setup.bov.delete.q', { date: what }), t('c.setup.delete'), `business-override-delete-confirm-${o.id}`, async () => {
              try {
                await call('DELETE', `/v1/business-hours/overrides/${o.id}`);
                ov.msg.note(t('c.setup.bov.deleted', { date: what }));
                await loadOverrides();
              } catch (e) { clear(slot); if (e.status !== 401) ov.msg.fail(e); }
            }), 'c-danger', { 'aria-label': t('c.setup.bov.delete.named', { date: what }) }), slot)));
      }
      if (!rows.length) ov.tbody.append(h('tr', null, h('td', { colspan: '4' }, t('c.setup.bov.none'))));
    } catch (e) {
      if (alive && e.status !== 401) ov.msg.fail(e);
    }
  }

  function openOverride() {
    clear(ov.formSlot);
    ov.msg.note('');
    const g = new Fields('bov');
    const closed = g.checkbox('closed', t('c.setup.bov.closed'), true, { 'data-testid': 'business-override-closed' });
    const start = g.input('start', t('c.setup.bov.start'), '10:00', { type: 'time' });
    const end = g.input('end', t('c.setup.bov.end'), '14:00', { type: 'time' });
    // the server's pointers for the hours
    g.map.set('intervals', g.map.get('start'));
    g.map.set('intervals.0.start', g.map.get('start'));
    g.map.set('intervals.0.end', g.map.get('end'));
    g.map.set('intervals.0', g.map.get('start'));
    const hours = h('div', { class: 's-grid' }, start, end);
    const sync = () => { hours.hidden = g.checked('closed'); };
    g.el('closed').addEventListener('change', sync);
    sync();
    const save = h('button', { type: 'submit', class: 'c-primary', 'data-testid': 'business-override-save' }, t('c.setup.save'));
    const cancel = btn(t('c.setup.cancel'), 'business-override-cancel', () => { clear(ov.formSlot); ov.newBtn.focus(); });
    const title = h('h3', { class: 's-h2', id: 'bov-form-h', tabindex: '-1' }, t('c.setup.bov.new'));
    const form = h('form', { class: 's-form', 'data-testid': 'business-override-form', novalidate: true, 'aria-labelledby': 'bov-form-h' },
      title,
      h('div', { class: 's-grid' }, g.input('date', t('c.setup.bov.date'), '', { type: 'date', required: true, 'aria-required': 'true' })),
      closed, hours,
      g.input('note', t('c.setup.bov.note'), '', { maxlength: 1000 }),
      g.summary,
      h('div', { class: 'c-buttons' }, save, cancel));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const body = {
        date: orNull(g.val('date')),
        intervals: g.checked('closed') ? [] : [{ start: g.val('start'), end: g.val('end') }],
        note: orNull(g.val('note')),
      };
      g.clear();
      await busy(save, async () => {
        try {
          const { data } = await call('POST', '/v1/business-hours/overrides', { body });
          clear(ov.formSlot);
          ov.msg.note(t('c.setup.bov.created', { date: datesText(data) }));
          await loadOverrides();
        } catch (e) {
          if (e.status !== 401) g.show(e);
        }
      });
    });
    ov.formSlot.append(form);
    title.focus();
  }

  (async () => {
    try {
      providers = await getAll('/v1/providers');
    } catch (e) {
      if (alive && e.status !== 401) msg.fail(e);
    }
    if (!alive) return;
    drawExempt([]);
    await editor.load(OWNER);
  })();
  loadOverrides();
  return { destroy() { alive = false; editor.destroy(); } };
}
