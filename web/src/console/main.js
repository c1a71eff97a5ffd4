// The staff console: sign-in, then a shell (organisation, user, sign out, language) with the
// pages of pages.js. Routes: /console (the first page) and /console/<page>[/…]; slotd
// answers console.html for all of them.
import './console.css';
import './strings.js';
import { h, clear } from '../dom.js';
import { t, pickLanguage, setLanguage, lang, languages } from '../i18n.js';
import { call, getAll, setCsrf, onSessionLost } from './http.js';
import { pages } from './pages.js';
import { closeDetail } from './detail.js';
import { problemText } from './problems.js';

const LANG_KEY = 'slotd.console.lang';
const main = document.getElementById('main');
const nav = document.getElementById('c-nav');
const userBox = document.getElementById('c-user');
const org = document.getElementById('c-org');

const state = {
  session: null,      // the answer of POST/GET /v1/sessions…
  providers: [],      // the providers this user may see
  services: new Map(),
  page: null,         // {name, destroy()}
  loginNotice: null,  // a message for the sign-in form (expired, signed out)
  typed: { tenant: '', email: '' },
};

// --- language ---------------------------------------------------------------------------------

function initLanguage() {
  let stored = null;
  try { stored = localStorage.getItem(LANG_KEY); } catch { /* private mode */ }
  setLanguage(stored || pickLanguage(navigator.languages));
}

function langSwitch() {
  const sel = h('select', { id: 'c-lang', 'data-testid': 'lang-switch' },
    languages.map((l) => h('option', { value: l.code, lang: l.code }, l.name)));
  sel.value = lang();
  sel.addEventListener('change', () => {
    setLanguage(sel.value);
    try { localStorage.setItem(LANG_KEY, sel.value); } catch { /* private mode */ }
    render(false);
  });
  return h('div', { class: 'c-lang' }, h('label', { for: 'c-lang' }, t('c.lang')), sel);
}

function staticTexts() {
  document.querySelector('.skip-link').textContent = t('c.skip');
  const prefs = document.getElementById('c-prefs');
  clear(prefs).append(langSwitch());
  const name = state.session && state.session.tenant ? state.session.tenant.name : null;
  org.textContent = name || 'slotd';
  document.title = name ? `${t('c.title')} · ${name}` : `slotd · ${t('c.title')}`;
}

// --- focus ------------------------------------------------------------------------------------

function focusHeading(el) {
  if (!el) return;
  el.setAttribute('tabindex', '-1');
  el.focus({ preventScroll: true });
}

// --- sign-in ----------------------------------------------------------------------------------

function showLogin(focus) {
  leavePage();
  nav.hidden = true;
  clear(nav);
  clear(userBox);
  staticTexts();
  const notice = state.loginNotice;
  const err = h('div', { class: 'c-login-error', id: 'login-error-slot' });
  const field = (name, type, label, auto, hint) => {
    const id = `login-${name}`;
    const input = h('input', { id, name, type, autocomplete: auto, required: true, 'aria-required': 'true',
      value: name === 'password' ? '' : state.typed[name] || '',
      'aria-describedby': hint ? `${id}-hint` : null, spellcheck: 'false', autocapitalize: 'none' });
    return h('div', { class: 'c-field' },
      h('label', { for: id }, label), input,
      hint ? h('p', { class: 'c-hint', id: `${id}-hint` }, hint) : null);
  };
  const submit = h('button', { type: 'submit', class: 'c-primary', 'data-testid': 'login-submit' }, t('c.login.submit'));
  const form = h('form', { class: 'c-login-form', 'data-testid': 'login-form', novalidate: true, 'aria-labelledby': 'login-h' },
    field('tenant', 'text', t('c.login.tenant'), 'organization', t('c.login.tenant.hint')),
    field('email', 'email', t('c.login.email'), 'username'),
    field('password', 'password', t('c.login.password'), 'current-password'),
    submit, err);
  const heading = h('h1', { id: 'login-h' }, t('c.login.heading'));
  clear(main).append(h('section', { class: 'c-card c-login' }, heading, form));
  const setError = (text) => {
    clear(err);
    if (text) err.append(h('p', { class: 'c-alert', role: 'alert', 'data-testid': 'login-error' }, text));
  };
  if (notice) setError(notice);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const tenant = form.elements.tenant.value.trim();
    const email = form.elements.email.value.trim();
    const password = form.elements.password.value;
    state.typed = { tenant, email };
    if (!tenant || !email || !password) { setError(t('c.login.missing')); return; }
    submit.disabled = true;
    submit.textContent = t('c.login.sending');
    setError('');
    try {
      const { data } = await call('POST', '/v1/sessions', { body: { tenant, email, password }, signIn: true });
      state.loginNotice = null;
      await startSession(data, true);
    } catch (e) {
      submit.disabled = false;
      submit.textContent = t('c.login.submit');
      form.elements.password.value = '';
      if (e.status === 429) {
        const min = Math.max(1, Math.ceil((e.retryAfter ?? 60) / 60));
        setError(min === 1 ? t('c.login.limited.one') : t('c.login.limited', { n: min }));
      } else if (e.status === 401 || e.status === 422) {
        setError(t('c.login.wrong'));
      } else {
        setError(problemText(e));
      }
      (tenant ? (email ? form.elements.password : form.elements.email) : form.elements.tenant).focus();
    }
  });
  if (focus || notice) focusHeading(heading);
  else form.elements[state.typed.tenant ? (state.typed.email ? 'password' : 'email') : 'tenant'].focus();
}

// A 401 on any call once signed in: back to the sign-in form, the typed names kept.
onSessionLost((err) => {
  if (!state.session) return;
  closeDetail();
  state.session = null;
  // session_expired, or a session revoked or deleted meanwhile: the same words for the user
  state.loginNotice = t('c.login.expired');
  showLogin(true);
});

/** Reads the providers and services the pages share; false when the session went meanwhile. */
async function loadLists(data) {
  try {
    const [providers, services] = await Promise.all([
      getAll('/v1/providers'), getAll('/v1/services').catch(() => []),
    ]);
    const scoped = data.user && data.user.role === 'staff' && data.user.provider_id;
    state.providers = scoped ? providers.filter((p) => p.id === data.user.provider_id) : providers;
    state.services = new Map(services.map((s) => [s.id, s]));
  } catch (e) {
    if (!state.session) return false;
    state.providers = [];
  }
  return true;
}

async function startSession(data, fresh) {
  state.session = data;
  setCsrf(data.csrf_token);
  if (data.tenant && data.tenant.slug) state.typed.tenant = data.tenant.slug;
  if (data.user && data.user.email) state.typed.email = data.user.email;
  if (!await loadLists(data)) return; // signed out meanwhile (401)
  if (fresh && !location.pathname.startsWith('/console')) history.replaceState(null, '', '/console');
  render(true);
}

async function signOut() {
  try { await call('DELETE', '/v1/sessions/current'); } catch { /* gone already */ }
  closeDetail();
  setCsrf(null);
  state.session = null;
  state.loginNotice = null;
  showLogin(true);
}

// --- shell ------------------------------------------------------------------------------------

function isAdmin() {
  return !!(state.session && state.session.user && state.session.user.role === 'admin');
}

/** The pages this user may open. */
function visiblePages() { return pages.filter((p) => !p.admin || isAdmin()); }

function routeName() {
  const parts = location.pathname.split('/').filter(Boolean);
  const shown = visiblePages();
  const found = shown.find((p) => p.name === parts[1]);
  return (found || shown[0]).name;
}

function navLink(name, label) {
  const href = `/console/${name}`;
  const a = h('a', { href, 'data-testid': `nav-${name}`, class: 'c-nav-link' }, label);
  if (routeName() === name) a.setAttribute('aria-current', 'page');
  a.addEventListener('click', (ev) => {
    if (ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
    ev.preventDefault();
    if (location.pathname !== href) history.pushState(null, '', href);
    render(true);
  });
  return a;
}

function shell() {
  staticTexts();
  const u = state.session.user || {};
  clear(userBox).append(
    h('span', { class: 'c-user-label' }, h('span', { class: 'visually-hidden' }, `${t('c.signedin')} `),
      h('span', { 'data-testid': 'console-user', class: 'c-user-name' }, u.name || u.email || ''),
      h('span', { class: 'c-role' }, ` (${t(`c.role.${u.role}`)})`)),
    h('button', { type: 'button', class: 'c-secondary', 'data-testid': 'sign-out', onclick: signOut }, t('c.signout')));
  nav.setAttribute('aria-label', t('c.nav'));
  clear(nav).append(h('ul', null,
    visiblePages().map((p) => h('li', null, navLink(p.name, t(p.label))))));
  nav.hidden = false;
}

function leavePage() {
  if (state.page && state.page.destroy) state.page.destroy();
  state.page = null;
}

function render(focus) {
  if (!state.session) { showLogin(focus); return; }
  shell();
  leavePage();
  const ctx = {
    session: state.session, providers: state.providers, services: state.services,
    scoped: !!(state.session.user && state.session.user.role === 'staff' && state.session.user.provider_id),
    admin: isAdmin(),
  };
  // After a page changes providers or services: the shared lists are read again (into ctx too).
  ctx.reload = async () => {
    await loadLists(state.session);
    ctx.providers = state.providers;
    ctx.services = state.services;
  };
  clear(main);
  const name = routeName();
  state.page = pages.find((p) => p.name === name).mount(main, ctx) || null;
  if (focus) focusHeading(main.querySelector('h1'));
}

window.addEventListener('popstate', () => { if (state.session) render(true); });

// --- start ------------------------------------------------------------------------------------

async function boot() {
  initLanguage();
  staticTexts();
  try {
    const { data } = await call('GET', '/v1/sessions/current', { signIn: true });
    await startSession(data, false);
  } catch (e) {
    state.session = null;
    showLogin(false);
  }
}

boot();
