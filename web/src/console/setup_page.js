// Set-up → Booking page: how the public booking page looks (name shown, brand colour, logo,
// whether customers choose the provider) and the default language, from GET/PUT
// /v1/settings; the key rate limit stored there is kept as it is. A link opens the page.
import { h, clear } from '../dom.js';
import { t } from '../i18n.js';
import { call, get } from './http.js';
import { Fields, notices, busy, orNull } from './setup_common.js';

export function mountPage(root, ctx) {
  let alive = true;
  const msg = notices();
  const slug = ctx.session && ctx.session.tenant ? ctx.session.tenant.slug : '';
  const link = h('a', { href: `/book/${encodeURIComponent(slug)}`, target: '_blank', rel: 'noopener',
    'data-testid': 'booking-page-link', class: 's-booklink' },
  t('c.setup.page.open', { path: `/book/${slug}` }), h('span', { class: 'visually-hidden' }, ` ${t('c.setup.newtab')}`));
  const formSlot = h('div', { class: 's-form-slot' });
  root.append(h('p', null, link), msg.el, formSlot);

  async function load() {
    let settings;
    try {
      settings = await get('/v1/settings');
    } catch (e) {
      if (alive && e.status !== 401) msg.fail(e);
      return;
    }
    if (alive) draw(settings);
  }

  function draw(settings) {
    clear(formSlot);
    const bp = settings.booking_page || {};
    const f = new Fields('page');
    const colour = f.input('booking_page.brand_color', t('c.setup.page.colour'), bp.brand_color || '',
      { placeholder: '#0a7d5a', maxlength: 7, hint: t('c.setup.page.colour.hint'), spellcheck: 'false' });
    const picker = h('input', { type: 'color', id: `${f.id('picker')}`, value: bp.brand_color || '#0a5c8a', class: 's-picker' });
    const swatch = h('span', { class: 's-swatch', 'aria-hidden': 'true' });
    const colourInput = f.el('booking_page.brand_color');
    const syncSwatch = () => {
      const v = colourInput.value.trim();
      swatch.style.backgroundColor = /^#[0-9a-fA-F]{6}$/.test(v) ? v : 'transparent';
      if (/^#[0-9a-fA-F]{6}$/.test(v)) picker.value = v.toLowerCase();
    };
    colourInput.addEventListener('input', syncSwatch);
    picker.addEventListener('input', () => { colourInput.value = picker.value; syncSwatch(); });
    syncSwatch();
    const save = h('button', { type: 'submit', class: 'c-primary', 'data-testid': 'page-save' }, t('c.setup.save'));
    const form = h('form', { class: 's-form', 'data-testid': 'page-form', novalidate: true, 'aria-labelledby': 'page-form-h' },
      h('h2', { class: 's-h2', id: 'page-form-h' }, t('c.setup.page.form')),
      h('div', { class: 's-grid' },
        f.input('booking_page.display_name', t('c.setup.page.name'), bp.display_name || '',
          { maxlength: 200, hint: t('c.setup.page.name.hint', { name: (ctx.session.tenant && ctx.session.tenant.name) || '' }) }),
        h('div', null, colour, h('div', { class: 's-colour' },
          h('label', { for: picker.id }, t('c.setup.page.pick')), picker, swatch)),
        f.input('booking_page.logo_url', t('c.setup.page.logo'), bp.logo_url || '', { type: 'url', hint: t('c.setup.page.logo.hint') }),
        f.select('locale', t('c.setup.page.locale'), [['', t('c.setup.page.locale.none')], ['en', 'English'], ['de', 'Deutsch']],
          settings.locale || '', { hint: t('c.setup.page.locale.hint') })),
      f.checkbox('booking_page.provider_choice', t('c.setup.page.choice'), bp.provider_choice !== false, { hint: t('c.setup.page.choice.hint') }),
      f.summary, h('div', { class: 'c-buttons' }, save));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const body = {
        rate_limits: settings.rate_limits || { key: null },
        locale: orNull(f.val('locale')),
        booking_page: {
          display_name: orNull(f.val('booking_page.display_name')),
          brand_color: orNull(f.val('booking_page.brand_color')),
          logo_url: orNull(f.val('booking_page.logo_url')),
          provider_choice: f.checked('booking_page.provider_choice'),
        },
      };
      f.clear();
      await busy(save, async () => {
        try {
          const { data } = await call('PUT', '/v1/settings', { body });
          settings = data || body;
          msg.note(t('c.setup.page.saved'));
        } catch (e) {
          if (e.status !== 401) f.show(e);
        }
      });
    });
    formSlot.append(form);
  }

  load();
  return { destroy() { alive = false; } };
}
