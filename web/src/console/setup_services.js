// Set-up → Services: the list, and a form to create or edit one: times, price, who offers it,
// public and approval flags, where it takes place, its policy (deadlines, reschedule limit,
// late-cancellation fee tiers, no-show fee) and its reminders (minutes, hours or days before).
import { h, clear } from '../dom.js';
import { t } from '../i18n.js';
import { formatPrice } from '../format.js';
import { call, get, getAll } from './http.js';
import { problemText } from './problems.js';
import { Fields, listPage, confirmIn, btn, busy, orNull, intOrNull } from './setup_common.js';

const UNITS = [['1', 'c.setup.unit.minutes'], ['60', 'c.setup.unit.hours'], ['1440', 'c.setup.unit.days']];

/** 90 → {n: 90, unit: 1}; 120 → {n: 2, unit: 60}; 2880 → {n: 2, unit: 1440}. */
function splitMinutes(m) {
  if (m % 1440 === 0) return { n: m / 1440, unit: '1440' };
  if (m % 60 === 0) return { n: m / 60, unit: '60' };
  return { n: m, unit: '1' };
}

export function offsetText(m) {
  const { n, unit } = splitMinutes(m);
  return t(`c.setup.before.${unit}`, { n });
}

/** The number in an input, or undefined when empty (the field is then left out). */
function intOrOmit(s) {
  const v = intOrNull(s);
  return v === null ? undefined : v;
}

/**
 * The policy's fields (deadlines, reschedule limit, no-show fee, waitlist offer, late
 * cancellation fee tiers) in form `f`, named `<prefix><member>` so a refusal's pointers find
 * them (a service's policy: prefix 'policy.'; the organisation's defaults: no prefix).
 * Returns {el, value()} where value() is the policy body (null for an empty field).
 */
export function policyFields(f, pol, prefix = '') {
  const n = (k) => `${prefix}${k}`;
  const feeRows = h('div', { class: 's-rows' });
  let feeN = 0;
  const addFee = (tier) => {
    feeN += 1;
    const i = feeN;
    const wId = `${f.id('fee')}-w-${i}`;
    const pId = `${f.id('fee')}-p-${i}`;
    const row = h('div', { class: 's-row', 'data-fee': '' },
      h('div', { class: 'c-field' }, h('label', { for: wId }, t('c.setup.fee.within')),
        h('input', { id: wId, type: 'number', min: 1, max: 8784, name: 'fee-within', value: tier ? tier.within_hours : '' })),
      h('div', { class: 'c-field' }, h('label', { for: pId }, t('c.setup.fee.percent')),
        h('input', { id: pId, type: 'number', min: 0, max: 100, name: 'fee-percent', value: tier ? tier.percent : '' })));
    row.append(btn(t('c.setup.remove'), `fee-remove-${i}`, () => row.remove(), 'c-secondary', { 'aria-label': t('c.setup.fee.remove') }));
    feeRows.append(row);
    return row;
  };
  (pol.late_cancellation_fees || []).forEach(addFee);
  const el = [
    h('div', { class: 's-grid' },
      f.input(n('cancellation_deadline_hours'), t('c.setup.pol.cancel'), pol.cancellation_deadline_hours ?? '', { type: 'number', min: 0, max: 8784 }),
      f.input(n('reschedule_deadline_hours'), t('c.setup.pol.resched'), pol.reschedule_deadline_hours ?? '', { type: 'number', min: 0, max: 8784 }),
      f.input(n('max_reschedules'), t('c.setup.pol.max'), pol.max_reschedules ?? '', { type: 'number', min: 0, max: 1000 }),
      f.input(n('no_show_fee_percent'), t('c.setup.pol.noshow'), pol.no_show_fee_percent ?? '', { type: 'number', min: 0, max: 100 }),
      f.input(n('waitlist_offer_minutes'), t('c.setup.pol.waitlist'), pol.waitlist_offer_minutes ?? '', { type: 'number', min: 1, max: 10080 })),
    f.group(n('late_cancellation_fees'), t('c.setup.fee.legend'),
      [feeRows, btn(t('c.setup.fee.add'), 'fee-add', () => { const r = addFee(null); r.querySelector('input').focus(); })],
      t('c.setup.fee.hint')),
  ];
  function value() {
    const fees = [...feeRows.querySelectorAll('[data-fee]')].map((r) => ({
      within_hours: intOrNull(r.querySelector('[name="fee-within"]').value),
      percent: intOrNull(r.querySelector('[name="fee-percent"]').value),
    })).filter((x) => x.within_hours !== null || x.percent !== null);
    return {
      cancellation_deadline_hours: intOrNull(f.val(n('cancellation_deadline_hours'))),
      reschedule_deadline_hours: intOrNull(f.val(n('reschedule_deadline_hours'))),
      max_reschedules: intOrNull(f.val(n('max_reschedules'))),
      late_cancellation_fees: fees.length ? fees : null,
      no_show_fee_percent: intOrNull(f.val(n('no_show_fee_percent'))),
      waitlist_offer_minutes: intOrNull(f.val(n('waitlist_offer_minutes'))),
    };
  }
  return { el, value };
}

/** True when more providers offer s than its provider_ids lists (provider_count is then set). */
function isBig(s) {
  return Boolean(s && typeof s.provider_count === 'number' && s.provider_count > (s.provider_ids || []).length);
}

export function mountServices(root, ctx) {
  let alive = true;
  let rows = [];
  let providers = [];
  let formSeq = 0;
  const { msg, formSlot, newBtn, tbody } = listPage(root, {
    newLabel: t('c.setup.svc.new'), newTestid: 'service-new', onNew: async () => { await first; openForm(null); },
    listTitle: t('c.setup.svc.list'),
    table: { testid: 'services-table', caption: t('c.setup.svc.caption'),
      heads: [t('c.setup.f.name'), t('c.setup.f.duration'), t('c.setup.f.price'), t('c.setup.svc.offeredby'),
        t('c.setup.f.public'), t('c.setup.f.reminders'), t('c.setup.actions')] },
  });

  async function load() {
    try {
      [rows, providers] = await Promise.all([getAll('/v1/services'), getAll('/v1/providers')]);
      if (alive) draw();
    } catch (e) {
      if (alive && e.status !== 401) msg.fail(e);
    }
  }

  async function changed() {
    await ctx.reload();
    await load();
  }

  function draw() {
    const names = new Map(providers.map((p) => [p.id, p.name]));
    clear(tbody);
    for (const s of rows) {
      const confirmSlot = h('div');
      const rem = s.reminder_offsets_minutes;
      tbody.append(h('tr', { 'data-testid': `service-row-${s.id}` },
        h('td', null, s.name),
        h('td', null, t('c.setup.minutes', { n: s.duration_minutes })),
        h('td', null, s.price ? formatPrice(s.price, s.currency) : t('c.setup.free')),
        h('td', null, isBig(s) ? t('c.setup.svc.many', { n: s.provider_count })
          : (s.provider_ids || []).map((id) => names.get(id) || id).join(', ') || t('c.detail.none')),
        h('td', null, s.public ? t('c.setup.yes') : t('c.setup.no')),
        h('td', null, rem == null ? t('c.setup.rem.default') : (rem.length ? rem.map(offsetText).join(', ') : t('c.setup.rem.none'))),
        h('td', null, h('div', { class: 'c-buttons' },
          btn(t('c.setup.edit'), `service-edit-${s.id}`, () => openForm(s), 'c-secondary', { 'aria-label': t('c.setup.edit.named', { name: s.name }) }),
          btn(t('c.setup.delete'), `service-delete-${s.id}`, () => confirmIn(confirmSlot, t('c.setup.svc.delete.q', { name: s.name }),
            t('c.setup.delete'), `service-delete-confirm-${s.id}`, async () => {
              try {
                await call('DELETE', `/v1/services/${s.id}`);
                msg.note(t('c.setup.svc.deleted', { name: s.name }));
                clear(formSlot);
                await changed();
              } catch (e) { clear(confirmSlot); msg.fail(e); }
            }), 'c-danger', { 'aria-label': t('c.setup.delete.named', { name: s.name }) })),
        confirmSlot)));
    }
    if (!rows.length) tbody.append(h('tr', null, h('td', { colspan: '7' }, t('c.setup.svc.none'))));
  }

  async function openForm(s) {
    // A form opened while this one still reads its terms replaces it.
    const mine = ++formSeq;
    clear(formSlot);
    msg.note('');
    // Each provider's own price and duration for this service (PUT …/providers/{pid}).
    const terms = new Map();
    // A service with more providers than its provider_ids shows: the form leaves them alone.
    const big = isBig(s);
    if (s && !big) {
      try {
        const got = await get(`/v1/services/${s.id}/providers`);
        if (!alive || mine !== formSeq) return;
        for (const x of got.data || []) terms.set(x.provider_id, x);
      } catch (e) {
        if (alive && mine === formSeq && e.status !== 401) msg.fail(e);
        return;
      }
    }
    const f = new Fields('svc');
    const policy = policyFields(f, (s && s.policy) || {}, 'policy.');
    const loc = (s && s.location) || null;

    // providers offering it
    const offered = new Set(s ? s.provider_ids || [] : []);
    const provBoxes = big ? [] : providers.map((p) => {
      const id = `${f.id('prov')}-${p.id}`;
      const cb = h('input', { type: 'checkbox', id, value: p.id, name: 'provider_ids', checked: offered.has(p.id),
        'data-testid': `service-provider-${p.id}` });
      const own = terms.get(p.id) || {};
      const terms_ = h('div', { class: 's-terms' },
        f.input(`terms.${p.id}.price`, t('c.setup.terms.price', { name: p.name }), own.price_override ?? '',
          { inputmode: 'decimal', 'data-testid': `service-provider-price-${p.id}` }),
        f.input(`terms.${p.id}.duration_minutes`, t('c.setup.terms.duration', { name: p.name }), own.duration_override ?? '',
          { type: 'number', min: 1, max: 1440, 'data-testid': `service-provider-duration-${p.id}` }));
      // the terms count only for a provider who offers it
      const sync = () => terms_.querySelectorAll('input').forEach((x) => { x.disabled = !cb.checked; });
      cb.addEventListener('change', sync);
      sync();
      return { cb, p, el: h('div', { class: 's-provterms', 'data-testid': `service-terms-${p.id}` },
        h('label', { class: 'c-check', for: id }, cb, p.name), terms_) };
    });

    // where
    const locKind = f.select('location.type', t('c.setup.f.location'), [
      ['', t('c.setup.loc.none')], ['in_person', t('c.setup.loc.in_person')], ['phone', t('c.setup.loc.phone')], ['video', t('c.setup.loc.video')]],
    loc ? loc.type : '');
    const locDetail = f.input('location.detail', t('c.setup.loc.detail'),
      loc ? loc.address || loc.phone || loc.url_template || '' : '', { hint: t('c.setup.loc.detail.hint') });
    // the server's pointers for the detail
    for (const k of ['address', 'phone', 'url_template', '']) f.map.set(k ? `location.${k}` : 'location', f.map.get('location.detail'));

    // reminders
    const rem = s ? s.reminder_offsets_minutes : null;
    const mode = rem == null ? 'default' : (rem.length ? 'custom' : 'none');
    const radios = ['default', 'none', 'custom'].map((m) => {
      const id = `${f.id('remmode')}-${m}`;
      const r = h('input', { type: 'radio', name: 'reminder-mode', id, value: m, checked: m === mode });
      return { r, el: h('label', { class: 'c-check', for: id }, r, t(`c.setup.rem.mode.${m}`)) };
    });
    const remRows = h('div', { class: 's-rows' });
    let remN = 0;
    const addRem = (minutes) => {
      remN += 1;
      const i = remN;
      const vId = `${f.id('rem')}-v-${i}`;
      const uId = `${f.id('rem')}-u-${i}`;
      const sp = minutes ? splitMinutes(minutes) : { n: '', unit: '60' };
      const unit = h('select', { id: uId, name: 'reminder-unit' }, UNITS.map(([v, k]) => h('option', { value: v }, t(k))));
      unit.value = sp.unit;
      const row = h('div', { class: 's-row', 'data-reminder': '' },
        h('div', { class: 'c-field' }, h('label', { for: vId }, t('c.setup.rem.amount')),
          h('input', { id: vId, type: 'number', min: 1, name: 'reminder-value', value: sp.n })),
        h('div', { class: 'c-field' }, h('label', { for: uId }, t('c.setup.rem.unit')), unit));
      row.append(btn(t('c.setup.remove'), `reminder-remove-${i}`, () => row.remove(), 'c-secondary', { 'aria-label': t('c.setup.rem.remove') }));
      remRows.append(row);
      radios.find((x) => x.r.value === 'custom').r.checked = true;
      return row;
    };
    (rem || []).forEach(addRem);

    const save = h('button', { type: 'submit', class: 'c-primary', 'data-testid': 'service-save' }, t('c.setup.save'));
    const cancel = btn(t('c.setup.cancel'), 'service-cancel', () => { clear(formSlot); newBtn.focus(); });
    const title = h('h2', { class: 's-h2', id: 'svc-form-h', tabindex: '-1' },
      s ? t('c.setup.svc.edit', { name: s.name }) : t('c.setup.svc.new'));
    const form = h('form', { class: 's-form', 'data-testid': 'service-form', novalidate: true, 'aria-labelledby': 'svc-form-h' },
      title,
      h('div', { class: 's-grid' },
        f.input('name', t('c.setup.f.name'), s ? s.name : '', { required: true, 'aria-required': 'true', maxlength: 200 }),
        f.input('duration_minutes', t('c.setup.f.duration'), s ? s.duration_minutes : 30, { type: 'number', min: 1, max: 1440, required: true, 'aria-required': 'true' }),
        f.input('buffer_before_minutes', t('c.setup.f.buffer_before'), s ? s.buffer_before_minutes : 0, { type: 'number', min: 0, max: 1440 }),
        f.input('buffer_after_minutes', t('c.setup.f.buffer_after'), s ? s.buffer_after_minutes : 0, { type: 'number', min: 0, max: 1440 }),
        f.input('slot_step_minutes', t('c.setup.f.step'), s && s.slot_step_minutes !== s.duration_minutes ? s.slot_step_minutes : '',
          { type: 'number', min: 1, max: 1440, hint: t('c.setup.f.step.hint') }),
        f.input('capacity', t('c.setup.f.capacity'), s ? s.capacity : 1, { type: 'number', min: 1, max: 1000 }),
        f.input('min_notice_minutes', t('c.setup.f.notice'), s ? s.min_notice_minutes : 0, { type: 'number', min: 0 }),
        f.input('max_advance_days', t('c.setup.f.advance'), s ? s.max_advance_days ?? '' : '', { type: 'number', min: 1, max: 3650, hint: t('c.setup.f.nolimit') }),
        f.input('price', t('c.setup.f.price'), s ? s.price ?? '' : '', { inputmode: 'decimal', hint: t('c.setup.f.price.hint') }),
        f.input('currency', t('c.setup.f.currency'), s ? s.currency ?? '' : '', { maxlength: 3, hint: t('c.setup.f.currency.hint') })),
      big ? f.group('provider_ids', t('c.setup.svc.offeredby'),
        h('p', { 'data-testid': 'service-providers-elsewhere' }, t('c.setup.svc.many.long', { n: s.provider_count })))
        : f.group('provider_ids', t('c.setup.svc.offeredby'),
          provBoxes.length ? h('div', { class: 's-provlist' }, provBoxes.map((x) => x.el)) : h('p', { class: 'c-hint' }, t('c.setup.prov.none')),
          t('c.setup.terms.hint')),
      f.checkbox('public', t('c.setup.f.public.long'), s ? s.public : false),
      f.checkbox('requires_approval', t('c.setup.f.approval'), s ? s.requires_approval : false),
      h('div', { class: 's-grid' }, locKind, locDetail),
      h('fieldset', { class: 's-group' }, h('legend', null, t('c.setup.policy')),
        h('p', { class: 'c-hint' }, t('c.setup.policy.hint')),
        policy.el),
      f.group('reminder_offsets_minutes', t('c.setup.f.reminders'),
        [h('div', { class: 's-checks', role: 'radiogroup', 'aria-label': t('c.setup.f.reminders') }, radios.map((x) => x.el)),
          remRows, btn(t('c.setup.rem.add'), 'reminder-add', () => { const r = addRem(null); r.querySelector('input').focus(); })],
        t('c.setup.rem.hint')),
      f.summary,
      h('div', { class: 'c-buttons' }, save, cancel));

    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const kind = f.val('location.type');
      const detail = orNull(f.val('location.detail'));
      let location = null;
      if (kind === 'in_person') location = { type: kind, address: detail };
      else if (kind === 'phone') location = { type: kind, phone: detail };
      else if (kind === 'video') location = { type: kind, url_template: detail };
      const pol = policy.value();
      const remMode = radios.find((x) => x.r.checked).r.value;
      let reminders = null;
      if (remMode === 'none') reminders = [];
      else if (remMode === 'custom') {
        reminders = [...remRows.querySelectorAll('[data-reminder]')].map((r) => {
          const v = intOrNull(r.querySelector('[name="reminder-value"]').value);
          return typeof v === 'number' ? v * Number(r.querySelector('[name="reminder-unit"]').value) : v;
        }).filter((v) => v !== null);
      }
      const price = orNull(f.val('price'));
      const body = {
        name: f.val('name').trim(),
        duration_minutes: intOrNull(f.val('duration_minutes')),
        buffer_before_minutes: intOrOmit(f.val('buffer_before_minutes')),
        buffer_after_minutes: intOrOmit(f.val('buffer_after_minutes')),
        slot_step_minutes: intOrNull(f.val('slot_step_minutes')),
        capacity: intOrOmit(f.val('capacity')),
        min_notice_minutes: intOrOmit(f.val('min_notice_minutes')),
        max_advance_days: intOrNull(f.val('max_advance_days')),
        price,
        currency: orNull(f.val('currency')),
        // left out for a big service: a PATCH with a list would replace all its providers
        provider_ids: big ? undefined : provBoxes.filter((x) => x.cb.checked).map((x) => x.cb.value),
        public: f.checked('public'),
        requires_approval: f.checked('requires_approval'),
        location,
        policy: Object.values(pol).some((v) => v !== null) ? pol : null,
        reminder_offsets_minutes: reminders,
      };
      f.clear();
      msg.note(''); // an earlier "saved, but …" is not the answer to this try
      await busy(save, async () => {
        try {
          const { data } = s ? await call('PATCH', `/v1/services/${s.id}`, { body })
            : await call('POST', '/v1/services', { body });
          const made = !s;
          s = data; // a second try after a refused provider term edits what was made
          // The terms as stored now: a provider taken off the service lost its own, so put
          // back it needs them sent again (what the form shows is compared with these).
          terms.clear();
          for (const o of data.provider_overrides || []) {
            terms.set(o.provider_id, { price_override: o.price ?? null, duration_override: o.duration_minutes ?? null });
          }
          const refused = await saveTerms(data.id);
          if (refused.length) {
            title.textContent = t('c.setup.svc.edit', { name: data.name });
            await changed();
            f.show({ status: 422, problem: { errors: refused } });
            msg.note(t('c.setup.terms.partly', { name: data.name }));
            return;
          }
          clear(formSlot);
          msg.note(t(made ? 'c.setup.svc.created' : 'c.setup.svc.saved', { name: data.name }));
          await changed();
        } catch (e) {
          if (e.status !== 401) f.show(e);
        }
      });
    });
    // Puts each offering provider's changed terms (both empty: DELETE); returns the refusals
    // as field errors of the form (/terms/<provider id>/<member>).
    async function saveTerms(sid) {
      const refused = [];
      for (const { cb, p } of provBoxes) {
        if (!cb.checked) continue;
        const price = orNull(f.val(`terms.${p.id}.price`));
        const duration = intOrNull(f.val(`terms.${p.id}.duration_minutes`));
        const was = terms.get(p.id) || {};
        if (price === (was.price_override ?? null) && duration === (was.duration_override ?? null)) continue;
        const at = `/v1/services/${sid}/providers/${p.id}`;
        try {
          if (price === null && duration === null) {
            await call('DELETE', at);
            terms.set(p.id, { price_override: null, duration_override: null });
          } else {
            const { data } = await call('PUT', at, { body: { price, duration_minutes: duration } });
            terms.set(p.id, data);
          }
        } catch (e) {
          if (e.status === 401) throw e;
          const list = e.problem && Array.isArray(e.problem.errors) ? e.problem.errors : [];
          if (list.length) for (const x of list) refused.push({ pointer: `/terms/${p.id}${x.pointer || '/price'}`, detail: x.detail });
          else refused.push({ pointer: `/terms/${p.id}/price`, detail: problemText(e) });
        }
      }
      return refused;
    }

    formSlot.append(form);
    title.focus();
  }

  const first = load();
  return { destroy() { alive = false; } };
}
