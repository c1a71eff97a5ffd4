// The policy summary in plain words (service.policy or booking.policy).
import { t } from './i18n.js';
import { formatDateTime, formatPrice } from './format.js';

function feeAmount(price, currency, percent) {
  if (price == null || !currency) return '';
  const v = Math.round(Number(price) * percent) / 100;
  const f = formatPrice(v, currency);
  return f ? ` (${f})` : '';
}

/** Sentences describing cancellation, fees and reschedules. start/tz optional. */
export function policyLines(policy, { start, tz, price, currency } = {}) {
  const out = [];
  const p = policy || {};
  const hours = p.cancellation_deadline_hours;
  if (hours != null) {
    const closes = start ? Date.parse(start) - hours * 3600e3 : NaN;
    if (start) out.push(t(closes < Date.now() ? 'policy.cancel.past' : 'policy.cancel.until', { date: formatDateTime(new Date(closes), tz) }));
    else out.push(t('policy.cancel.closed', { hours }));
  } else {
    out.push(t('policy.cancel.any'));
  }
  const fees = Array.isArray(p.late_cancellation_fees) ? [...p.late_cancellation_fees] : [];
  fees.sort((a, b) => b.within_hours - a.within_hours);
  for (const f of fees) {
    if (!f.percent) continue;
    const vars = { hours: f.within_hours, percent: f.percent, amount: feeAmount(price, currency, f.percent) };
    const from = start ? Date.parse(start) - f.within_hours * 3600e3 : NaN;
    if (!start) out.push(t('policy.fee.nodate', vars));
    else if (from <= Date.now()) {
      // Only the highest tier that has begun applies now; the list is sorted widest first.
      const begun = fees.filter((x) => x.percent && Date.parse(start) - x.within_hours * 3600e3 <= Date.now());
      const top = begun.reduce((m, x) => (x.percent > m.percent ? x : m), begun[0]);
      if (top === f) out.push(t('policy.fee.now', vars));
    } else out.push(t('policy.fee', { ...vars, date: formatDateTime(new Date(from), tz) }));
  }
  if (p.no_show_fee_percent) {
    out.push(t('policy.noshow', { percent: p.no_show_fee_percent, amount: feeAmount(price, currency, p.no_show_fee_percent) }));
  }
  const rh = p.reschedule_deadline_hours;
  if (rh != null && start) out.push(t('policy.reschedule.until', { date: formatDateTime(new Date(Date.parse(start) - rh * 3600e3), tz) }));
  const max = p.max_reschedules;
  if (max != null) out.push(max === 0 ? t('policy.reschedule.none') : max === 1 ? t('policy.reschedule.max.one') : t('policy.reschedule.max', { n: max }));
  return out;
}
