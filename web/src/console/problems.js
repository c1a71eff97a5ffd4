// A refusal from the API in plain words (the console's wording; the server's detail is
// English only and is shown only where we have no words of our own).
import { t } from '../i18n.js';

export function whyText(reasons) {
  const list = Array.isArray(reasons) ? reasons : [];
  const words = [];
  for (const r of list) {
    const key = `c.why.${r && r.code}`;
    const s = t(key);
    if (s !== key && !words.includes(s)) words.push(s);
  }
  return words.join('; ');
}

export function problemText(err) {
  if (!err) return t('c.err.generic', { detail: '' });
  const p = err.problem || {};
  const detail = p.detail || p.title || err.message || '';
  switch (err.code) {
    case 'network': return t('c.err.network');
    case 'slot_taken': return t('c.err.slot_taken');
    case 'slot_unavailable': {
      const why = whyText(p.reasons);
      return why ? t('c.err.slot_unavailable', { why }) : t('c.err.slot_unavailable.plain');
    }
    case 'conflict': return t('c.err.conflict');
    case 'precondition_failed': return t('c.err.changed');
    case 'forbidden': return t('c.err.forbidden');
    case 'csrf_failed': return t('c.err.csrf');
    case 'not_found': return t('c.err.not_found');
    case 'policy_deadline_passed': return t('c.err.policy_deadline');
    case 'reschedule_limit_reached': return t('c.err.reschedule_limit');
    case 'validation_failed': {
      const fields = Array.isArray(p.errors) ? p.errors.map((e) => `${e.pointer || ''} ${e.detail || ''}`.trim()) : [];
      return t('c.err.validation', { detail: fields.length ? fields.join('; ') : detail });
    }
    case 'rate_limited': return t('c.err.rate_limited', { n: err.retryAfter ?? 60 });
    default:
      if (err.status === 403) return t('c.err.forbidden');
      return t('c.err.generic', { detail });
  }
}
