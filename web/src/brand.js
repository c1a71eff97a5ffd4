// The tenant's colour and logo. The text colour on the brand colour is chosen by luminance
// so that it keeps a contrast of at least 4.5:1.
import { t } from './i18n.js';

function rgb(hex) {
  const m = /^#?([0-9a-f]{6})$/i.exec(String(hex || '').trim());
  if (!m) return null;
  const n = parseInt(m[1], 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

function lum([r, g, b]) {
  const c = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
  return 0.2126 * c(r) + 0.7152 * c(g) + 0.0722 * c(b);
}

export function contrast(a, b) {
  const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

function hex([r, g, b]) {
  return `#${[r, g, b].map((v) => Math.round(v).toString(16).padStart(2, '0')).join('')}`;
}

/** Darken a colour until it reaches 5.5:1 against white, so it stays above 4.5:1 on the light tints too. */
function inkOnWhite(c) {
  let cur = c;
  for (let i = 0; i < 20 && contrast(cur, [255, 255, 255]) < 5.5; i++) cur = cur.map((v) => v * 0.85);
  return cur;
}

export function brand(tenant) {
  const root = document.documentElement.style;
  const c = rgb(tenant.brand_color);
  if (c) {
    const white = [255, 255, 255];
    const black = [17, 17, 17];
    root.setProperty('--brand', hex(c));
    root.setProperty('--on-brand', contrast(c, white) >= contrast(c, black) ? '#ffffff' : '#111111');
    root.setProperty('--brand-ink', hex(inkOnWhite(c)));
  }
  const logo = document.getElementById('logo');
  if (tenant.logo_url && /^https:\/\/|^\//.test(tenant.logo_url)) {
    logo.src = tenant.logo_url;
    logo.alt = t('logo.alt', { name: tenant.display_name || tenant.name || '' }).trim();
    logo.dataset.name = tenant.display_name || tenant.name || '';
    logo.hidden = false;
    logo.addEventListener('error', () => { logo.hidden = true; }, { once: true });
  }
}
