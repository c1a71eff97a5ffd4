// Set-up → Default policy: the organisation's booking policy (GET/PUT /v1/policy) that every
// service without its own value follows: deadlines, reschedule limit, fees, waitlist offer.
// The fields are the service form's policy group (policyFields). The default reminders the
// same route carries are sent back as they were read, so saving the policy keeps them.
import { h, clear } from '../dom.js';
import { t } from '../i18n.js';
import { call, get } from './http.js';
import { Fields, notices, busy } from './setup_common.js';
import { policyFields } from './setup_services.js';

export function mountPolicy(root) {
  let alive = true;
  const msg = notices();
  const slot = h('div');
  root.append(h('p', { class: 'c-hint' }, t('c.setup.dpol.intro')), msg.el, slot);

  async function load() {
    let pol;
    try {
      pol = await get('/v1/policy');
    } catch (e) {
      if (alive && e.status !== 401) msg.fail(e);
      return;
    }
    if (!alive) return;
    const f = new Fields('dpol');
    const group = policyFields(f, pol, '');
    const save = h('button', { type: 'submit', class: 'c-primary', 'data-testid': 'policy-save' }, t('c.setup.save'));
    const form = h('form', { class: 's-form', 'data-testid': 'policy-form', novalidate: true, 'aria-labelledby': 'dpol-h' },
      h('h2', { class: 's-h2', id: 'dpol-h' }, t('c.setup.dpol.legend')),
      h('p', { class: 'c-hint' }, t('c.setup.dpol.hint')),
      group.el,
      f.summary,
      h('div', { class: 'c-buttons' }, save));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const body = { ...group.value(), reminder_offsets_minutes: pol.reminder_offsets_minutes ?? null };
      f.clear();
      msg.note('');
      await busy(save, async () => {
        try {
          const { data } = await call('PUT', '/v1/policy', { body });
          pol = data;
          msg.note(t('c.setup.dpol.saved'));
        } catch (e) {
          if (e.status !== 401) f.show(e);
        }
      });
    });
    clear(slot).append(form);
  }

  load();
  return { destroy() { alive = false; } };
}
