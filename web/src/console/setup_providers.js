// Set-up → Providers: the list, a form to create or edit one (profile and booking settings),
// and delete with a confirmation (and, when it still has upcoming bookings, a forced delete
// that cancels them). After a change the console's shared lists are read again.
import { h, clear } from '../dom.js';
import { t } from '../i18n.js';
import { allZones } from '../format.js';
import { call, getAll } from './http.js';
import { Fields, listPage, confirmIn, btn, busy, splitList, orNull, intOrNull } from './setup_common.js';

export function mountProviders(root, ctx) {
  let alive = true;
  let rows = [];
  const { msg, formSlot, newBtn, tbody } = listPage(root, {
    newLabel: t('c.setup.prov.new'), newTestid: 'provider-new', onNew: () => openForm(null),
    listTitle: t('c.setup.prov.list'),
    table: { testid: 'providers-table', caption: t('c.setup.prov.caption'),
      heads: [t('c.setup.f.name'), t('c.setup.f.timezone'), t('c.setup.f.email'), t('c.setup.f.languages'), t('c.setup.actions')] },
  });

  async function changed() {
    await ctx.reload();
    await load();
  }

  async function load() {
    try {
      rows = await getAll('/v1/providers');
      if (alive) draw();
    } catch (e) {
      if (alive && e.status !== 401) msg.fail(e);
    }
  }

  function draw() {
    clear(tbody);
    for (const p of rows) {
      const confirmSlot = h('div');
      const edit = btn(t('c.setup.edit'), `provider-edit-${p.id}`, () => openForm(p), 'c-secondary',
        { 'aria-label': t('c.setup.edit.named', { name: p.name }) });
      const del = btn(t('c.setup.delete'), `provider-delete-${p.id}`, () => askDelete(p, confirmSlot), 'c-danger',
        { 'aria-label': t('c.setup.delete.named', { name: p.name }) });
      tbody.append(h('tr', { 'data-testid': `provider-row-${p.id}` },
        h('td', null, p.name), h('td', null, p.timezone), h('td', null, p.email || t('c.detail.none')),
        h('td', null, (p.languages || []).join(', ') || t('c.detail.none')),
        h('td', null, h('div', { class: 'c-buttons' }, edit, del), confirmSlot)));
    }
    if (!rows.length) tbody.append(h('tr', null, h('td', { colspan: '5' }, t('c.setup.prov.none'))));
  }

  function askDelete(p, slot) {
    confirmIn(slot, t('c.setup.prov.delete.q', { name: p.name }), t('c.setup.delete'), `provider-delete-confirm-${p.id}`, async () => {
      try {
        await call('DELETE', `/v1/providers/${p.id}`);
        msg.note(t('c.setup.prov.deleted', { name: p.name }));
        clear(formSlot);
        await changed();
      } catch (e) {
        if (e.code === 'in_use') {
          const r = (e.problem && e.problem.remaining) || {};
          confirmIn(slot, t('c.setup.prov.inuse', { name: p.name, bookings: r.upcoming_bookings ?? 0, entries: r.entries ?? 0 }),
            t('c.setup.prov.force'), `provider-delete-force-${p.id}`, async () => {
              try {
                await call('DELETE', `/v1/providers/${p.id}?force=true`);
                msg.note(t('c.setup.prov.deleted', { name: p.name }));
                clear(formSlot);
                await changed();
              } catch (e2) { clear(slot); msg.fail(e2); }
            });
        } else {
          clear(slot);
          msg.fail(e);
        }
      }
    });
  }

  function openForm(p) {
    clear(formSlot);
    msg.note('');
    const f = new Fields('prov');
    const s = (p && p.settings) || {};
    // The browser's list holds ICU's names (Asia/Calcutta, Europe/Kiev); a provider stored
    // under the IANA name (Asia/Kolkata, Europe/Kyiv) keeps it as a choice, or the select
    // would show no zone and saving would send an empty one.
    const zone = p ? p.timezone : (Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC');
    const known = allZones();
    const zones = (zone && !known.includes(zone) ? [...known, zone].sort() : known).map((z) => [z, z]);
    const save = h('button', { type: 'submit', class: 'c-primary', 'data-testid': 'provider-save' }, t('c.setup.save'));
    const cancel = btn(t('c.setup.cancel'), 'provider-cancel', () => { clear(formSlot); newBtn.focus(); });
    const title = h('h2', { class: 's-h2', id: 'prov-form-h', tabindex: '-1' },
      p ? t('c.setup.prov.edit', { name: p.name }) : t('c.setup.prov.new'));
    const form = h('form', { class: 's-form', 'data-testid': 'provider-form', novalidate: true, 'aria-labelledby': 'prov-form-h' },
      title,
      h('div', { class: 's-grid' },
        f.input('name', t('c.setup.f.name'), p ? p.name : '', { required: true, 'aria-required': 'true', maxlength: 200 }),
        f.select('timezone', t('c.setup.f.timezone'), zones, zone),
        f.input('email', t('c.setup.f.email'), p ? p.email : '', { type: 'email', autocomplete: 'off' }),
        f.select('locale', t('c.setup.f.locale'), [['', t('c.setup.f.locale.none')], ['en', 'English'], ['de', 'Deutsch']], p ? p.locale || '' : '',
          { hint: t('c.setup.f.locale.hint') }),
        f.input('specialties', t('c.setup.f.specialties'), p ? (p.specialties || []).join(', ') : '', { hint: t('c.setup.f.list.hint') }),
        f.input('languages', t('c.setup.f.languages'), p ? (p.languages || []).join(', ') : '', { hint: t('c.setup.f.languages.hint') }),
        f.input('photo_url', t('c.setup.f.photo_url'), p ? p.photo_url : '', { type: 'url' }),
        f.input('video_url', t('c.setup.f.video_url'), p ? p.video_url : '', { type: 'url', hint: t('c.setup.f.video_url.hint') }),
        f.input('settings.max_per_day', t('c.setup.f.max_per_day'), s.max_per_day ?? '', { type: 'number', min: 1, max: 1000, hint: t('c.setup.f.nolimit') }),
        f.input('settings.max_consecutive', t('c.setup.f.max_consecutive'), s.max_consecutive ?? '', { type: 'number', min: 1, max: 1000, hint: t('c.setup.f.nolimit') })),
      f.textarea('bio', t('c.setup.f.bio'), p ? p.bio : '', { rows: 3, maxlength: 4000 }),
      f.checkbox('settings.auto_confirm', t('c.setup.f.auto_confirm'), p ? s.auto_confirm !== false : true),
      f.checkbox('settings.vacation', t('c.setup.f.vacation'), !!s.vacation),
      f.summary,
      h('div', { class: 'c-buttons' }, save, cancel));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const body = {
        name: f.val('name').trim(),
        timezone: f.val('timezone'),
        email: orNull(f.val('email')),
        locale: orNull(f.val('locale')),
        bio: orNull(f.val('bio')),
        specialties: splitList(f.val('specialties')),
        languages: splitList(f.val('languages')),
        photo_url: orNull(f.val('photo_url')),
        video_url: orNull(f.val('video_url')),
        settings: {
          auto_confirm: f.checked('settings.auto_confirm'),
          vacation: f.checked('settings.vacation'),
          max_per_day: intOrNull(f.val('settings.max_per_day')),
          max_consecutive: intOrNull(f.val('settings.max_consecutive')),
        },
      };
      f.clear();
      await busy(save, async () => {
        try {
          const { data } = p ? await call('PATCH', `/v1/providers/${p.id}`, { body })
            : await call('POST', '/v1/providers', { body });
          clear(formSlot);
          msg.note(t(p ? 'c.setup.prov.saved' : 'c.setup.prov.created', { name: data.name }));
          await changed();
        } catch (e) {
          if (e.status !== 401) f.show(e);
        }
      });
    });
    formSlot.append(form);
    title.focus();
  }

  load();
  return { destroy() { alive = false; } };
}
