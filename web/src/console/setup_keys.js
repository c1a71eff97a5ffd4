// Set-up → API keys: the live keys (name, role, which providers, last used, expiry), a new
// key (its secret shown once), and revoking one.
import { h, clear } from '../dom.js';
import { t } from '../i18n.js';
import { call, getAll } from './http.js';
import { Fields, listPage, confirmIn, btn, busy, secretBox, when } from './setup_common.js';

export function mountKeys(root, ctx) {
  let alive = true;
  let rows = [];
  let providers = [];
  const { msg, secretSlot, formSlot, newBtn, tbody } = listPage(root, {
    intro: t('c.setup.key.intro'),
    newLabel: t('c.setup.key.new'), newTestid: 'key-new', onNew: async () => { await first; openForm(null); },
    listTitle: t('c.setup.key.list'), secret: true,
    table: { testid: 'keys-table', caption: t('c.setup.key.caption'),
      heads: [t('c.setup.f.name'), t('c.setup.f.role'), t('c.setup.key.scope'), t('c.setup.key.lastused'),
        t('c.setup.key.expires'), t('c.setup.actions')] },
  });

  async function load() {
    try {
      [rows, providers] = await Promise.all([getAll('/v1/keys'), getAll('/v1/providers')]);
      if (alive) draw();
    } catch (e) {
      if (alive && e.status !== 401) msg.fail(e);
    }
  }

  function draw() {
    const names = new Map(providers.map((p) => [p.id, p.name]));
    clear(tbody);
    for (const k of rows) {
      const slot = h('div');
      const scope = k.role === 'staff' && k.provider_ids && k.provider_ids.length
        ? k.provider_ids.map((id) => names.get(id) || id).join(', ') : t('c.setup.usr.allprov');
      tbody.append(h('tr', { 'data-testid': `key-row-${k.id}` },
        h('td', null, k.name),
        h('td', null, t(`c.setup.keyrole.${k.role}`)),
        h('td', null, scope),
        h('td', null, k.last_used_at ? when(k.last_used_at) : t('c.setup.key.never')),
        h('td', null, k.expires_at ? when(k.expires_at) : t('c.setup.key.noexpiry')),
        h('td', null, btn(t('c.setup.key.revoke'), `key-revoke-${k.id}`, () => confirmIn(slot,
          t('c.setup.key.revoke.q', { name: k.name }), t('c.setup.key.revoke'), `key-revoke-confirm-${k.id}`, async () => {
            try {
              await call('DELETE', `/v1/keys/${k.id}`);
              msg.note(t('c.setup.key.revoked', { name: k.name }));
              await load();
            } catch (e) {
              clear(slot);
              msg.fail(e.code === 'last_admin_key' ? t('c.setup.key.lastadmin') : e);
            }
          }), 'c-danger', { 'aria-label': t('c.setup.key.revoke.named', { name: k.name }) }), slot)));
    }
    if (!rows.length) tbody.append(h('tr', null, h('td', { colspan: '6' }, t('c.setup.key.none'))));
  }

  function openForm() {
    clear(formSlot);
    clear(secretSlot);
    msg.note('');
    const f = new Fields('key');
    const boxes = providers.map((p) => {
      const id = `${f.id('kp')}-${p.id}`;
      const cb = h('input', { type: 'checkbox', id, value: p.id, name: 'provider_ids' });
      return { cb, el: h('label', { class: 'c-check', for: id }, cb, p.name) };
    });
    const provGroup = f.group('provider_ids', t('c.setup.key.providers'), h('div', { class: 's-checks' }, boxes.map((x) => x.el)),
      t('c.setup.key.providers.hint'));
    const save = h('button', { type: 'submit', class: 'c-primary', 'data-testid': 'key-save' }, t('c.setup.key.create'));
    const cancel = btn(t('c.setup.cancel'), 'key-cancel', () => { clear(formSlot); newBtn.focus(); });
    const title = h('h2', { class: 's-h2', id: 'key-form-h', tabindex: '-1' }, t('c.setup.key.new'));
    const form = h('form', { class: 's-form', 'data-testid': 'key-form', novalidate: true, 'aria-labelledby': 'key-form-h' },
      title,
      h('div', { class: 's-grid' },
        f.input('name', t('c.setup.f.name'), '', { required: true, 'aria-required': 'true', maxlength: 200, hint: t('c.setup.key.name.hint') }),
        f.select('role', t('c.setup.f.role'), ['admin', 'staff', 'customer'].map((r) => [r, t(`c.setup.keyrole.${r}`)]), 'staff'),
        f.input('expires_at', t('c.setup.key.expires'), '', { type: 'datetime-local', hint: t('c.setup.key.expires.hint') })),
      provGroup, f.summary, h('div', { class: 'c-buttons' }, save, cancel));
    const sync = () => { provGroup.hidden = f.val('role') !== 'staff'; };
    f.el('role').addEventListener('change', sync);
    sync();
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const role = f.val('role');
      const body = { name: f.val('name').trim(), role };
      const chosen = boxes.filter((x) => x.cb.checked).map((x) => x.cb.value);
      if (role === 'staff' && chosen.length) body.provider_ids = chosen;
      const exp = f.val('expires_at');
      if (exp) {
        const d = new Date(exp);   // the browser's local time
        body.expires_at = Number.isNaN(d.getTime()) ? exp : d.toISOString().replace(/\.\d{3}Z$/, 'Z');
      }
      f.clear();
      await busy(save, async () => {
        try {
          const { data } = await call('POST', '/v1/keys', { body });
          clear(formSlot);
          msg.note(t('c.setup.key.created', { name: data.name }));
          clear(secretSlot).append(secretBox('key-secret', t('c.setup.key.secret', { name: data.name }), data.secret));
          await load();
        } catch (e) {
          if (e.status !== 401) f.show(e);
        }
      });
    });
    formSlot.append(form);
    title.focus();
  }

  const first = load();
  return { destroy() { alive = false; } };
}
