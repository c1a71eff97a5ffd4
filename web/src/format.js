// Dates, times and prices, always with Intl, by the chosen locale and an explicit zone.
import { locale } from './i18n.js';

let hour12Pref = null; // null: the locale's own clock

export function setHour12(v) { hour12Pref = v; }
export function hour12() {
  if (hour12Pref !== null) return hour12Pref;
  return !!new Intl.DateTimeFormat(locale(), { hour: 'numeric' }).resolvedOptions().hour12;
}

/**
 * The clock for Intl: the locale's own unless the visitor chose one. A chosen 24-hour clock is
 * hourCycle h23 (midnight is 00:30), not hour12: false, which gives 24:30 in English.
 */
function clock() {
  if (hour12Pref === null) return {};
  return { hourCycle: hour12Pref ? 'h12' : 'h23' };
}

function fmt(opts) {
  return new Intl.DateTimeFormat(locale(), opts);
}

/** "14:30" / "2:30 PM" in a zone (withZone: "2:30 PM EST"). */
export function formatTime(instant, tz, withZone = false) {
  const o = { hour: 'numeric', minute: '2-digit', ...clock(), timeZone: tz };
  if (withZone) o.timeZoneName = 'short';
  return fmt(o).format(new Date(instant));
}

/** "Tuesday, 3 March 2026" for a YYYY-MM-DD day (a calendar date, zone-free). */
export function formatDay(day) {
  const [y, m, d] = day.split('-').map(Number);
  return fmt({ weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' })
    .format(new Date(Date.UTC(y, m - 1, d)));
}

/** "March 2026" for a year and month (1–12). */
export function formatMonth(year, month) {
  return fmt({ month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(Date.UTC(year, month - 1, 1)));
}

/** A full date and time in a zone, with the zone's short name. */
export function formatDateTime(instant, tz, withZone = true) {
  const o = { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric',
    hour: 'numeric', minute: '2-digit', ...clock(), timeZone: tz };
  if (withZone) o.timeZoneName = 'short';
  return fmt(o).format(new Date(instant));
}

/** "10:00 – 10:30" style range, in a zone. */
export function formatRange(start, end, tz) {
  const f = fmt({ weekday: 'long', day: 'numeric', month: 'long', year: 'numeric',
    hour: 'numeric', minute: '2-digit', ...clock(), timeZone: tz, timeZoneName: 'short' });
  try { return f.formatRange(new Date(start), new Date(end)); } catch { return f.format(new Date(start)); }
}

export function formatPrice(amount, currency) {
  if (amount == null || !currency) return null;
  try {
    return new Intl.NumberFormat(locale(), { style: 'currency', currency }).format(Number(amount));
  } catch {
    return `${amount} ${currency}`;
  }
}

/** The zone's readable name at an instant (default now), e.g. "Central European Summer Time". */
export function zoneName(tz, at = Date.now()) {
  try {
    const parts = fmt({ timeZone: tz, timeZoneName: 'long' }).formatToParts(new Date(at));
    const p = parts.find((x) => x.type === 'timeZoneName');
    return p ? `${p.value} (${tz})` : tz;
  } catch { return tz; }
}

export function visitorZone() {
  try { return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'; } catch { return 'UTC'; }
}

let zonesCache = null;
export function allZones() {
  if (!zonesCache) {
    let z = [];
    try { z = Intl.supportedValuesOf('timeZone'); } catch { z = []; }
    if (!z.includes('UTC')) z = [...z, 'UTC'];
    zonesCache = z;
  }
  return zonesCache;
}

export function isZone(tz) {
  if (!tz) return false;
  try { new Intl.DateTimeFormat('en', { timeZone: tz }); return true; } catch { return false; }
}

/** YYYY-MM-DD of an instant in a zone. */
export function dayInZone(instant, tz) {
  const p = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' })
    .formatToParts(new Date(instant));
  const g = (t) => p.find((x) => x.type === t).value;
  return `${g('year')}-${g('month')}-${g('day')}`;
}

/** RFC 3339 of an instant in a zone, with the zone's offset then (2026-03-03T10:00:00+01:00). */
export function isoInZone(instant, tz) {
  const ms = Math.floor(new Date(instant).getTime() / 1000) * 1000;
  const p = {};
  for (const x of new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit',
    day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }).formatToParts(new Date(ms))) p[x.type] = x.value;
  const off = Math.round((Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute, +p.second) - ms) / 60000);
  const a = Math.abs(off);
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}${off < 0 ? '-' : '+'}${pad2(Math.floor(a / 60))}:${pad2(a % 60)}`;
}

export function pad2(n) { return String(n).padStart(2, '0'); }
export function ymd(y, m, d) { return `${y}-${pad2(m)}-${pad2(d)}`; }
export function daysInMonth(y, m) { return new Date(Date.UTC(y, m, 0)).getUTCDate(); }

/** 20260303T150000Z, for calendar links. */
export function utcStamp(instant) {
  return new Date(instant).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}
export function utcIso(instant) {
  return new Date(instant).toISOString().replace(/\.\d{3}/, '');
}
