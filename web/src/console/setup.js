// Set-up (administrators only): providers, services, business hours, the default policy,
// users, API keys, webhooks, message templates and the booking page, each under
// /console/setup/<part> with a small navigation of its own (/console/setup opens the first part).
import './setup.css';
import './strings_setup.js';
import { h, clear } from '../dom.js';
import { t } from '../i18n.js';
import { mountProviders } from './setup_providers.js';
import { mountServices } from './setup_services.js';
import { mountUsers } from './setup_users.js';
import { mountKeys } from './setup_keys.js';
import { mountWebhooks } from './setup_webhooks.js';
import { mountTemplates } from './setup_templates.js';
import { mountPage } from './setup_page.js';
import { mountBusiness } from './setup_business.js';
import { mountPolicy } from './setup_policy.js';

export const parts = [
  { name: 'providers', label: 'c.setup.providers', mount: mountProviders },
  { name: 'services', label: 'c.setup.services', mount: mountServices },
  { name: 'business', label: 'c.setup.business', mount: mountBusiness },
  { name: 'policy', label: 'c.setup.policy.part', mount: mountPolicy },
  { name: 'users', label: 'c.setup.users', mount: mountUsers },
  { name: 'keys', label: 'c.setup.keys', mount: mountKeys },
  { name: 'webhooks', label: 'c.setup.webhooks', mount: mountWebhooks },
  { name: 'templates', label: 'c.setup.templates', mount: mountTemplates },
  { name: 'page', label: 'c.setup.page', mount: mountPage },
];

function partOfPath() {
  const seg = location.pathname.split('/').filter(Boolean)[2];
  return parts.find((p) => p.name === seg) || parts[0];
}

export function mountSetup(root, ctx) {
  let part = partOfPath();
  if (location.pathname !== `/console/setup/${part.name}`) history.replaceState(null, '', `/console/setup/${part.name}`);
  let current = null;
  const heading = h('h1', { id: 'setup-h' });
  const links = parts.map((p) => {
    const href = `/console/setup/${p.name}`;
    const a = h('a', { href, class: 's-subnav-link', 'data-testid': `setup-${p.name}` }, t(p.label));
    a.addEventListener('click', (ev) => {
      if (ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
      ev.preventDefault();
      if (location.pathname !== href) history.pushState(null, '', href);
      show(p, true);
    });
    return a;
  });
  const body = h('div', { class: 's-body' });
  root.append(h('section', { class: 'c-page s-page', 'aria-labelledby': 'setup-h' },
    heading,
    h('nav', { class: 's-subnav', 'aria-label': t('c.setup.nav'), 'data-testid': 'setup-nav' },
      h('ul', null, links.map((a) => h('li', null, a)))),
    body));

  function show(p, focus) {
    if (current && current.destroy) current.destroy();
    part = p;
    clear(body);
    heading.textContent = t('c.setup.heading', { part: t(p.label) });
    links.forEach((a, i) => {
      if (parts[i] === p) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    });
    current = p.mount(body, ctx) || null;
    if (focus) {
      heading.setAttribute('tabindex', '-1');
      heading.focus({ preventScroll: true });
    }
  }

  show(part, false);
  return { destroy() { if (current && current.destroy) current.destroy(); current = null; } };
}
