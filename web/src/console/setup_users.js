// Set-up → Users: the people who sign in to the console. Create (the generated password is
// shown once), edit name / role / provider / disabled, set a new password (generated here,
// shown once), sign out everywhere, delete.
import { h, clear } from '../dom.js';
import { t } from '../i18n.js';
import { call, getAll } from './http.js';
import { Fields, listPage, confirmIn, btn, busy, secretBox, when } from './setup_common.js';

/** A 20-character password from the browser's random source. */
function newPassword() {
  const abc = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
  // Bytes at or above the largest multiple of the alphabet's length are thrown away, so each
  // character is equally likely (b % 57 on all 256 values would favour the first 28).
  const limit = 256 - (256 % abc.length);
  let out = '';
  const bytes = new Uint8Array(32);
  while (out.length < 20) {
    crypto.getRandomValues(bytes);
    for (const b of bytes) {
      if (b < limit && out.length < 20) out += abc[b % abc.length];
    }
  }
  return out;
}

export function mountUsers(root, ctx) {
  let alive = true;
  let rows = [];
  let providers = [];
  const { msg, secretSlot, formSlot, newBtn, tbody } = listPage(root, {
    newLabel: t('c.setup.usr.new'), newTestid: 'user-new', onNew: async () => { await first; openForm(null); },
    listTitle: t('c.setup.usr.list'), secret: true,
    table: { testid: 'users-table', caption: t('c.setup.usr.caption'),
      heads: [t('c.setup.f.name'), t('c.setup.f.email'), t('c.setup.f.role'), t('c.setup.f.provider'),
        t('c.setup.usr.state'), t('c.setup.usr.lastlogin'), t('c.setup.actions')] },
  });

  const me = ctx.session && ctx.session.user ? ctx.session.user.id : null;

  async function load() {
    try {
      [rows, providers] = await Promise.all([getAll('/v1/users'), getAll('/v1/providers')]);
      if (alive) draw();
    } catch (e) {
      if (alive && e.status !== 401) msg.fail(e);
    }
  }

  function showPassword(u, password) {
    clear(secretSlot).append(secretBox('user-password', t('c.setup.usr.password', { email: u.email }), password));
  }

  function draw() {
    const names = new Map(providers.map((p) => [p.id, p.name]));
    clear(tbody);
    for (const u of rows) {
      const slot = h('div');
      const label = u.name || u.email;
      const actions = [
        btn(t('c.setup.edit'), `user-edit-${u.id}`, () => openForm(u), 'c-secondary', { 'aria-label': t('c.setup.edit.named', { name: label }) }),
        btn(t('c.setup.usr.reset'), `user-reset-${u.id}`, () => confirmIn(slot, t('c.setup.usr.reset.q', { name: label }),
          t('c.setup.usr.reset'), `user-reset-confirm-${u.id}`, async () => {
            const password = newPassword();
            try {
              await call('PATCH', `/v1/users/${u.id}`, { body: { password } });
              clear(slot);
              msg.note(t('c.setup.usr.reset.done', { name: label }));
              showPassword(u, password);
            } catch (e) { clear(slot); msg.fail(e); }
          }), 'c-secondary', { 'aria-label': t('c.setup.usr.reset.named', { name: label }) }),
        btn(t('c.setup.usr.signout'), `user-signout-${u.id}`, async () => {
          try {
            await call('DELETE', `/v1/users/${u.id}/sessions`);
            msg.note(t('c.setup.usr.signedout', { name: label }));
          } catch (e) { msg.fail(e); }
        }, 'c-secondary', { 'aria-label': t('c.setup.usr.signout.named', { name: label }), hidden: u.id === me }),
        btn(t('c.setup.delete'), `user-delete-${u.id}`, () => confirmIn(slot, t('c.setup.usr.delete.q', { name: label }),
          t('c.setup.delete'), `user-delete-confirm-${u.id}`, async () => {
            try {
              await call('DELETE', `/v1/users/${u.id}`);
              msg.note(t('c.setup.usr.deleted', { name: label }));
              clear(formSlot);
              await load();
            } catch (e) { clear(slot); msg.fail(e); }
          }), 'c-danger', { 'aria-label': t('c.setup.delete.named', { name: label }), hidden: u.id === me }),
      ];
      tbody.append(h('tr', { 'data-testid': `user-row-${u.id}` },
        h('td', null, u.name, u.id === me ? h('span', { class: 'c-hint' }, ` ${t('c.setup.usr.you')}`) : null),
        h('td', null, u.email),
        h('td', null, t(`c.role.${u.role}`)),
        h('td', null, u.provider_id ? names.get(u.provider_id) || u.provider_id : t('c.setup.usr.allprov')),
        h('td', null, u.disabled ? t('c.setup.usr.disabled') : t('c.setup.usr.active')),
        h('td', null, when(u.last_login_at)),
        h('td', null, h('div', { class: 'c-buttons' }, actions), slot)));
    }
  }

  function openForm(u) {
    clear(formSlot);
    clear(secretSlot);
    msg.note('');
    const f = new Fields('usr');
    const save = h('button', { type: 'submit', class: 'c-primary', 'data-testid': 'user-save' }, t('c.setup.save'));
    const cancel = btn(t('c.setup.cancel'), 'user-cancel', () => { clear(formSlot); newBtn.focus(); });
    const title = h('h2', { class: 's-h2', id: 'usr-form-h', tabindex: '-1' },
      u ? t('c.setup.usr.edit', { name: u.name || u.email }) : t('c.setup.usr.new'));
    const roleField = f.select('role', t('c.setup.f.role'), [['staff', t('c.role.staff')], ['admin', t('c.role.admin')]], u ? u.role : 'staff');
    const provField = f.select('provider_id', t('c.setup.f.provider'),
      [['', t('c.setup.usr.allprov')], ...providers.map((p) => [p.id, p.name])], u ? u.provider_id || '' : '',
      { hint: t('c.setup.usr.provider.hint') });
    const syncRole = () => { provField.hidden = f.val('role') !== 'staff'; };
    f.el('role').addEventListener('change', syncRole);
    syncRole();
    const form = h('form', { class: 's-form', 'data-testid': 'user-form', novalidate: true, 'aria-labelledby': 'usr-form-h' },
      title,
      h('div', { class: 's-grid' },
        u ? h('p', { class: 's-static' }, h('strong', null, `${t('c.setup.f.email')}: `), u.email)
          : f.input('email', t('c.setup.f.email'), '', { type: 'email', required: true, 'aria-required': 'true', autocomplete: 'off' }),
        f.input('name', t('c.setup.f.name'), u ? u.name : '', { required: true, 'aria-required': 'true', maxlength: 200 }),
        roleField, provField),
      u ? f.checkbox('disabled', t('c.setup.usr.disable'), u.disabled, { hint: t('c.setup.usr.disable.hint') }) : null,
      u ? null : h('p', { class: 'c-hint' }, t('c.setup.usr.password.hint')),
      f.summary,
      h('div', { class: 'c-buttons' }, save, cancel));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const role = f.val('role');
      const body = {
        name: f.val('name').trim(),
        role,
        provider_id: role === 'staff' && f.val('provider_id') ? f.val('provider_id') : null,
      };
      if (u) body.disabled = f.checked('disabled');
      else body.email = f.val('email').trim();
      f.clear();
      await busy(save, async () => {
        try {
          const { data } = u ? await call('PATCH', `/v1/users/${u.id}`, { body })
            : await call('POST', '/v1/users', { body });
          clear(formSlot);
          msg.note(t(u ? 'c.setup.usr.saved' : 'c.setup.usr.created', { name: data.name || data.email }));
          if (!u && data.password) showPassword(data, data.password);
          await load();
        } catch (e) {
          if (e.code === 'conflict' && !u) f.show({ problem: { errors: [{ pointer: '/email', detail: t('c.setup.usr.taken') }] } });
          else if (e.status !== 401) f.show(e);
        }
      });
    });
    formSlot.append(form);
    title.focus();
  }

  const first = load();
  return { destroy() { alive = false; } };
}
