// Start: read the route, load the tenant's page settings once, brand the page, run a page.
import './style.css';
import { h, clear, focusHeading } from './dom.js';
import { t, pickLanguage, setLanguage, lang, languages } from './i18n.js';
import { api, enc } from './api.js';
import { messageFor } from './errors.js';
import { startBooking, startOffer, rerenderBooking } from './booking.js';
import { startManage, rerenderManage } from './manage.js';
import { brand } from './brand.js';

const params = new URLSearchParams(location.search);
const embedded = params.get('embed') === '1';
let rerender = () => {};
let tenantName = null;
let storedLang = null; // the visitor's own choice from the switch, kept in localStorage

// A malformed escape (a mangled link) stays as typed and ends in "not found", not a stuck page.
const decode = (p) => { try { return decodeURIComponent(p); } catch { return p; } };

function route() {
  const parts = location.pathname.split('/').filter(Boolean).map(decode);
  if (parts[0] === 'manage' && parts[1]) return { page: 'manage', token: parts[1] };
  if (parts[0] === 'book' && parts[1]) {
    if (parts[2] === 'bookings' && parts[3]) return { page: 'manage', slug: parts[1], bookingId: parts[3], token: params.get('token') };
    if (params.get('waitlist')) return { page: 'offer', slug: parts[1], entryId: params.get('waitlist') };
    return { page: 'book', slug: parts[1], serviceId: parts[2] || null };
  }
  return { page: 'none' };
}

function setTitle(name) {
  tenantName = name || tenantName;
  const heading = document.getElementById('page-title');
  heading.textContent = tenantName || t('page.title');
  document.title = tenantName ? `${t('page.title')} · ${tenantName}` : t('page.title');
}

function langSwitch() {
  const sel = h('select', { id: 'lang-switch', 'data-testid': 'lang-switch' },
    languages.map((l) => h('option', { value: l.code, lang: l.code }, l.name)));
  sel.value = lang();
  sel.addEventListener('change', () => {
    setLanguage(sel.value);
    storedLang = sel.value;
    try { localStorage.setItem('slotd.lang', sel.value); } catch { /* private mode */ }
    applyStaticTexts();
    rerender();
  });
  return h('div', { class: 'lang' }, h('label', { for: 'lang-switch' }, t('lang.label')), sel);
}

function applyStaticTexts() {
  const label = document.querySelector('label[for="lang-switch"]');
  if (label) label.textContent = t('lang.label');
  const skip = document.querySelector('.skip-link');
  if (skip) skip.textContent = t('skip');
  const logo = document.getElementById('logo');
  if (logo && !logo.hidden && logo.dataset.name !== undefined) logo.alt = t('logo.alt', { name: logo.dataset.name }).trim();
  setTitle(null);
}

function fatal(text) {
  const main = document.getElementById('main');
  const h2 = h('h2', { tabindex: '-1' }, t('err.generic').split('.')[0]);
  clear(main).append(h('section', { class: 'step' }, h2, h('p', { class: 'error-box', role: 'alert', 'data-testid': 'error' }, text)));
}

function watchHeight() {
  if (!embedded || window.parent === window) return;
  document.documentElement.classList.add('embedded');
  let last = 0;
  const post = () => {
    const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height === last) return;
    last = height;
    window.parent.postMessage({ type: 'slotd:height', height }, '*');
  };
  new ResizeObserver(post).observe(document.body);
  post();
  // In embed.js's pop-up, Escape here (inside the frame) asks the host page to close it.
  document.addEventListener('keydown', (e) => {
    if (e.key !== 'Escape' || e.defaultPrevented) return;
    if (e.target && e.target.matches && e.target.matches('input, select, textarea')) return;
    window.parent.postMessage({ type: 'slotd:close' }, '*');
  });
}

async function boot() {
  try { storedLang = localStorage.getItem('slotd.lang'); } catch { /* private mode */ }
  setLanguage(pickLanguage(storedLang ? [storedLang] : navigator.languages, null));
  const r = route();
  document.getElementById('prefs').append(langSwitch());
  applyStaticTexts();
  watchHeight();
  if (r.page === 'none') { fatal(t('err.not_found')); return; }
  try {
    if (r.page === 'manage') {
      rerender = rerenderManage;
      await startManage({ token: r.token, bookingId: r.bookingId, onTenant });
      return;
    }
    const page = await api('GET', `/v1/public/${enc(r.slug)}`);
    onTenant(page.tenant);
    const ctx = { slug: r.slug, tenant: page.tenant, services: page.services || [], serviceId: r.serviceId };
    rerender = rerenderBooking;
    if (r.page === 'offer') await startOffer(ctx, r.entryId);
    else startBooking(ctx);
  } catch (e) {
    fatal(messageFor(e));
    focusHeading(document.querySelector('#main h2'));
  }
}

function onTenant(tenant) {
  if (!tenant) return;
  if (!storedLang) {
    const l = pickLanguage(navigator.languages, tenant.locale);
    if (l !== lang()) { setLanguage(l); document.getElementById('lang-switch').value = l; applyStaticTexts(); }
  }
  brand(tenant);
  setTitle(tenant.display_name || tenant.name);
}

boot();
