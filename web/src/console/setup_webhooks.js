// Set-up → Webhooks: the endpoints (URL, event types, state), a new one (its signing secret
// shown once), edit, enable / disable, rotate the secret (the new one shown once), delete, and
// each endpoint's delivery log with replay.
import { h, clear } from '../dom.js';
import { t } from '../i18n.js';
import { call, get, getAll } from './http.js';
import { Fields, listPage, confirmIn, dataTable, btn, busy, secretBox, when, splitList, orNull } from './setup_common.js';

export function mountWebhooks(root, ctx) {
  let alive = true;
  let rows = [];
  let shown = null;   // the endpoint whose deliveries are shown
  const { msg, secretSlot, formSlot, newBtn, tbody } = listPage(root, {
    intro: t('c.setup.wh.intro'),
    newLabel: t('c.setup.wh.new'), newTestid: 'webhook-new', onNew: () => openForm(null),
    listTitle: t('c.setup.wh.list'), secret: true,
    table: { testid: 'webhooks-table', caption: t('c.setup.wh.caption'),
      heads: [t('c.setup.wh.url'), t('c.setup.wh.events'), t('c.setup.wh.state'), t('c.setup.wh.description'), t('c.setup.actions')] },
  });
  const logSlot = h('div', { class: 's-log' });
  root.append(logSlot);

  async function load() {
    try {
      rows = await getAll('/v1/webhook-endpoints');
      if (alive) draw();
    } catch (e) {
      if (alive && e.status !== 401) msg.fail(e);
    }
  }

  function stateText(w) {
    if (w.enabled) return w.failing_since ? t('c.setup.wh.failing', { when: when(w.failing_since) }) : t('c.setup.wh.enabled');
    return t(`c.setup.wh.disabled.${w.disabled_reason || 'manual'}`);
  }

  function draw() {
    clear(tbody);
    for (const w of rows) {
      const slot = h('div');
      const label = w.url;
      tbody.append(h('tr', { 'data-testid': `webhook-row-${w.id}` },
        h('td', { class: 's-url' }, w.url),
        h('td', null, (w.event_types || []).join(', ')),
        h('td', null, stateText(w)),
        h('td', null, w.description || t('c.detail.none')),
        h('td', null, h('div', { class: 'c-buttons' },
          btn(t('c.setup.wh.deliveries'), `webhook-deliveries-${w.id}`, () => showLog(w, true), 'c-secondary',
            { 'aria-label': t('c.setup.wh.deliveries.named', { url: label }) }),
          btn(t('c.setup.edit'), `webhook-edit-${w.id}`, () => openForm(w), 'c-secondary', { 'aria-label': t('c.setup.edit.named', { name: label }) }),
          btn(w.enabled ? t('c.setup.wh.disable') : t('c.setup.wh.enable'), `webhook-toggle-${w.id}`, async () => {
            try {
              await call('PATCH', `/v1/webhook-endpoints/${w.id}`, { body: { enabled: !w.enabled } });
              msg.note(t(w.enabled ? 'c.setup.wh.disabled.done' : 'c.setup.wh.enabled.done', { url: label }));
              await load();
            } catch (e) { msg.fail(e); }
          }, 'c-secondary', { 'aria-label': t(w.enabled ? 'c.setup.wh.disable.named' : 'c.setup.wh.enable.named', { url: label }) }),
          btn(t('c.setup.wh.rotate'), `webhook-rotate-${w.id}`, () => confirmIn(slot, t('c.setup.wh.rotate.q'),
            t('c.setup.wh.rotate'), `webhook-rotate-confirm-${w.id}`, async () => {
              try {
                const { data } = await call('POST', `/v1/webhook-endpoints/${w.id}/rotate-secret`);
                clear(slot);
                msg.note(t('c.setup.wh.rotated', { when: when(data.previous_valid_until) }));
                clear(secretSlot).append(secretBox('webhook-secret', t('c.setup.wh.secret', { url: label }), data.secret));
              } catch (e) { clear(slot); msg.fail(e); }
            }), 'c-secondary', { 'aria-label': t('c.setup.wh.rotate.named', { url: label }) }),
          btn(t('c.setup.delete'), `webhook-delete-${w.id}`, () => confirmIn(slot, t('c.setup.wh.delete.q', { url: label }),
            t('c.setup.delete'), `webhook-delete-confirm-${w.id}`, async () => {
              try {
                await call('DELETE', `/v1/webhook-endpoints/${w.id}`);
                msg.note(t('c.setup.wh.deleted', { url: label }));
                if (shown && shown.id === w.id) { shown = null; clear(logSlot); }
                clear(formSlot);
                await load();
              } catch (e) { clear(slot); msg.fail(e); }
            }), 'c-danger', { 'aria-label': t('c.setup.delete.named', { name: label }) })),
        slot)));
    }
    if (!rows.length) tbody.append(h('tr', null, h('td', { colspan: '5' }, t('c.setup.wh.none'))));
  }

  async function showLog(w, focus) {
    shown = w;
    clear(logSlot);
    const heading = h('h2', { class: 's-h2', id: 'wh-log-h', tabindex: '-1' }, t('c.setup.wh.log', { url: w.url }));
    const status = h('p', { class: 'c-hint', role: 'status' }, t('c.loading'));
    const { tbody: body, wrap: tw } = dataTable('deliveries-table', t('c.setup.wh.log', { url: w.url }), [
      t('c.setup.dl.event'), t('c.setup.dl.status'), t('c.setup.dl.attempts'), t('c.setup.dl.code'),
      t('c.setup.dl.error'), t('c.setup.dl.time'), t('c.setup.actions')]);
    const refresh = btn(t('c.setup.dl.refresh'), 'deliveries-refresh', () => fill());
    logSlot.append(h('section', { 'aria-labelledby': 'wh-log-h' }, heading, h('div', { class: 's-toolbar' }, refresh), status, tw));
    if (focus) heading.focus();
    async function fill() {
      status.textContent = t('c.loading');
      try {
        const page = await get(`/v1/webhook-endpoints/${w.id}/deliveries?limit=50`);
        if (!alive || shown !== w) return;
        clear(body);
        for (const d of page.data || []) {
          body.append(h('tr', { 'data-testid': `delivery-row-${d.id}`, 'data-status': d.status },
            h('td', null, d.event_type),
            h('td', null, t(`c.setup.dl.st.${d.status}`)),
            h('td', null, String(d.attempts)),
            h('td', null, d.last_status != null ? String(d.last_status) : t('c.detail.none')),
            h('td', { class: 's-url' }, d.last_error || t('c.detail.none')),
            h('td', null, when(d.updated_at || d.created_at)),
            h('td', null, d.status === 'pending' ? (d.next_attempt_at ? t('c.setup.dl.next', { when: when(d.next_attempt_at) }) : '')
              : btn(t('c.setup.dl.replay'), `delivery-replay-${d.id}`, async () => {
                try {
                  await call('POST', `/v1/deliveries/${d.id}/replay`);
                  msg.note(t('c.setup.dl.replayed'));
                  await fill();
                } catch (e) { msg.fail(e); }
              }, 'c-secondary', { 'aria-label': t('c.setup.dl.replay.named', { event: d.event_type }) }))));
        }
        const n = (page.data || []).length;
        status.textContent = n === 1 ? t('c.setup.dl.count.one') : (n ? t('c.setup.dl.count', { n }) : t('c.setup.dl.none'));
      } catch (e) {
        if (!alive) return;
        status.textContent = '';
        if (e.status !== 401) msg.fail(e);
      }
    }
    await fill();
  }

  function openForm(w) {
    clear(formSlot);
    clear(secretSlot);
    msg.note('');
    const f = new Fields('wh');
    const save = h('button', { type: 'submit', class: 'c-primary', 'data-testid': 'webhook-save' }, t('c.setup.save'));
    const cancel = btn(t('c.setup.cancel'), 'webhook-cancel', () => { clear(formSlot); newBtn.focus(); });
    const title = h('h2', { class: 's-h2', id: 'wh-form-h', tabindex: '-1' }, w ? t('c.setup.wh.edit') : t('c.setup.wh.new'));
    const form = h('form', { class: 's-form', 'data-testid': 'webhook-form', novalidate: true, 'aria-labelledby': 'wh-form-h' },
      title,
      f.input('url', t('c.setup.wh.url'), w ? w.url : '', { type: 'url', required: true, 'aria-required': 'true', hint: t('c.setup.wh.url.hint') }),
      f.input('event_types', t('c.setup.wh.events'), w ? (w.event_types || []).join(', ') : '*', { hint: t('c.setup.wh.events.hint') }),
      f.input('description', t('c.setup.wh.description'), w ? w.description || '' : '', { maxlength: 500 }),
      f.checkbox('enabled', t('c.setup.wh.enabled.f'), w ? w.enabled : true),
      f.summary, h('div', { class: 'c-buttons' }, save, cancel));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const types = splitList(f.val('event_types'));
      const body = { url: f.val('url').trim(), event_types: types.length ? types : ['*'],
        description: orNull(f.val('description')), enabled: f.checked('enabled') };
      f.clear();
      await busy(save, async () => {
        try {
          const { data } = w ? await call('PATCH', `/v1/webhook-endpoints/${w.id}`, { body })
            : await call('POST', '/v1/webhook-endpoints', { body });
          clear(formSlot);
          msg.note(t(w ? 'c.setup.wh.saved' : 'c.setup.wh.created', { url: data.url }));
          if (!w && data.secret) clear(secretSlot).append(secretBox('webhook-secret', t('c.setup.wh.secret', { url: data.url }), data.secret));
          await load();
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
