// A provider's public profile (photo, bio, specialties, languages) and where an appointment
// takes place. Every server text goes in as text (h() never parses markup); links only for
// http(s) URLs.
import { h } from './dom.js';
import { t, locale } from './i18n.js';

/** The URL when it is an absolute http(s) URL, else null. */
export function webUrl(s) {
  if (typeof s !== 'string' || !s) return null;
  try {
    const u = new URL(s);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : null;
  } catch {
    return null;
  }
}

/** "English, Spanish" in the page's language ("pt-BR" → "Brazilian Portuguese"). */
export function languageNames(tags) {
  let dn = null;
  try { dn = new Intl.DisplayNames([locale()], { type: 'language' }); } catch { /* old engine */ }
  const names = (tags || []).filter((x) => typeof x === 'string' && x).map((tag) => {
    try { return (dn && dn.of(tag)) || tag; } catch { return tag; }
  });
  try { return new Intl.ListFormat(locale(), { type: 'conjunction' }).format(names); } catch { return names.join(', '); }
}

function initials(name) {
  const parts = String(name || '').replace(/^(dr|prof)\.?\s+/i, '').split(/\s+/).filter(Boolean);
  return parts.slice(0, 2).map((p) => p[0].toUpperCase()).join('') || '?';
}

/** The round photo, or the initials when there is none (decorative then: the name is beside it). */
export function avatar(p) {
  const src = webUrl(p && p.photo_url);
  const fallback = h('span', { class: 'avatar avatar-initials', 'aria-hidden': 'true' }, initials(p && p.name));
  if (!src) return fallback;
  const img = h('img', { class: 'avatar', src, alt: t('provider.photo.alt', { name: p.name }), width: 56, height: 56,
    loading: 'lazy', decoding: 'async', referrerpolicy: 'no-referrer', 'data-testid': `provider-photo-${p.id}` });
  // A photo that does not load gives way to the initials rather than a broken image.
  img.addEventListener('error', () => img.replaceWith(fallback), { once: true });
  return img;
}

const BIO_SHORT = 160; // longer bios are shown on three lines with a "More" toggle

/**
 * The profile under a provider's name: bio, specialties, languages (null when it has none).
 * id: the element's id (the choice button names it in aria-describedby).
 */
export function profileBlock(p, id) {
  const bio = typeof p.bio === 'string' ? p.bio.trim() : '';
  const specialties = Array.isArray(p.specialties) ? p.specialties.filter((x) => typeof x === 'string' && x) : [];
  const langs = Array.isArray(p.languages) ? p.languages : [];
  if (!bio && !specialties.length && !langs.length) return null;
  const box = h('div', { class: 'profile', id, 'data-testid': `provider-profile-${p.id}` });
  if (bio) {
    const text = h('p', { class: 'profile-bio', 'data-testid': `provider-bio-${p.id}`, id: `${id}-bio` }, bio);
    box.append(text);
    if (bio.length > BIO_SHORT) {
      text.classList.add('clamped');
      const more = h('button', { type: 'button', class: 'link-btn more', 'aria-expanded': 'false', 'aria-controls': `${id}-bio` },
        t('provider.bio.more'));
      more.addEventListener('click', () => {
        const open = text.classList.toggle('clamped') === false;
        more.setAttribute('aria-expanded', String(open));
        more.textContent = open ? t('provider.bio.less') : t('provider.bio.more');
      });
      box.append(more);
    }
  }
  if (specialties.length) {
    box.append(h('p', { class: 'profile-line', 'data-testid': `provider-specialties-${p.id}` },
      h('span', { class: 'profile-label' }, `${t('provider.specialties')}: `),
      h('span', null, specialties.join(' · '))));
  }
  if (langs.length) {
    box.append(h('p', { class: 'profile-line', 'data-testid': `provider-languages-${p.id}` },
      h('span', { class: 'profile-label' }, `${t('provider.languages')}: `),
      h('span', null, languageNames(langs))));
  }
  return box;
}

/** A short word for a service's location in the service list ("" when none). */
export function locationShort(loc) {
  if (!loc || !loc.type) return '';
  if (loc.type === 'in_person') return loc.address || t('where.in_person');
  if (loc.type === 'phone') return t('where.phone.short');
  if (loc.type === 'video') return t('where.video.short');
  return '';
}

/** The telephone link's target: digits and a leading + only. */
function telHref(phone) {
  const digits = String(phone).replace(/[^\d+]/g, '').replace(/(?!^)\+/g, '');
  return digits.replace(/\+/g, '').length >= 3 ? `tel:${digits}` : null;
}

/**
 * Where the booking takes place, for the facts list (null when the booking says nothing):
 * the address as plain text, the number to call (or that the provider calls), or the
 * video call's link.
 */
export function locationFacts(loc, { customerPhone } = {}) {
  if (!loc || !loc.type) return null;
  const box = h('span', { class: 'where', 'data-testid': 'booking-location', 'data-type': loc.type });
  if (loc.type === 'in_person') {
    box.append(h('span', { class: 'where-kind' }, t('where.in_person')), h('br'),
      h('span', { class: 'address', 'data-testid': 'location-address' }, loc.address || ''));
  } else if (loc.type === 'phone') {
    if (loc.phone) {
      const href = telHref(loc.phone);
      box.append(`${t('where.phone.call')} `,
        href ? h('a', { href, 'data-testid': 'location-phone' }, loc.phone) : h('span', { 'data-testid': 'location-phone' }, loc.phone));
    } else {
      box.append(customerPhone ? t('where.phone.callback.number', { phone: customerPhone }) : t('where.phone.callback'));
    }
  } else if (loc.type === 'video') {
    const url = webUrl(loc.url);
    box.append(h('span', { class: 'where-kind' }, t('where.video')), h('br'));
    if (url) {
      box.append(h('a', { class: 'btn-link video-link', href: url, target: '_blank', rel: 'noopener noreferrer',
        'data-testid': 'video-link' }, t('where.video.join'), h('span', { class: 'visually-hidden' }, ` ${t('newtab')}`)));
    } else {
      box.append(h('span', { class: 'hint' }, t('where.video.later')));
    }
  } else {
    return null;
  }
  return box;
}

/** One line of text for calendar links: the address, the number or the video link. */
export function locationText(loc) {
  if (!loc) return '';
  if (loc.type === 'in_person') return loc.address || '';
  if (loc.type === 'phone') return loc.phone || '';
  if (loc.type === 'video') return webUrl(loc.url) || '';
  return '';
}
