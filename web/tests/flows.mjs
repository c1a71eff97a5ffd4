// Steps of the booking page as a visitor takes them, through the test hooks listed in
// web/README.md ("Test hooks"). Each returns what the later assertions need.
import assert from 'node:assert/strict';

import { report } from './harness.mjs';

export const sel = (id) => `[data-testid="${id}"]`;
export const ENABLED_DAY = '[data-testid^="day-"]:not([disabled])';
export const TIME_BUTTON = 'button[data-testid^="time-"]';

/** In-page time (performance.now(), ms since navigation start) at which selector is visible. */
export async function visibleAt(page, selector, timeout = 15000) {
  const handle = await page.waitForFunction((s) => {
    const el = document.querySelector(s);
    return el && el.getClientRects().length > 0 ? performance.now() : null;
  }, selector, { polling: 'raf', timeout });
  return handle.jsonValue();
}

/**
 * Opens the booking page and waits for the service list; reports the time from navigation
 * start to the list (the first service button) being visible.
 */
export async function openBooking(page, server, { path, serviceId, label = 'booking page' } = {}) {
  const r = await page.goto(server.base + (path || `/book/${server.slug}`));
  assert.equal(r.status(), 200);
  if (serviceId) {
    const ms = await visibleAt(page, sel(`service-${serviceId}`));
    report(`${label}: navigation → service list visible`, ms);
  }
}

/**
 * Chooses the service (and, when the step is shown, the provider: an id or 'any') and waits
 * for the month's free days; reports the time from the service click to the first free day.
 */
export async function chooseService(page, serviceId, provider, { label = 'booking page' } = {}) {
  const t0 = await page.evaluate(() => performance.now());
  await page.click(sel(`service-${serviceId}`));
  if (provider) await page.click(sel(`provider-${provider}`));
  const t1 = await waitFreeDay(page);
  report(`${label}: service chosen${provider ? ' (+ provider click)' : ''} → month's free days shown`, t1 - t0);
}

/** Waits for a free day in the shown month, moving on a month (at most 3 times) if it has none. */
export async function waitFreeDay(page) {
  for (let i = 0; i < 4; i++) {
    try {
      return await visibleAt(page, ENABLED_DAY, 10000);
    } catch (e) {
      if (i === 3) throw e;
      await page.click(sel('cal-next'));
    }
  }
  throw new Error('unreachable');
}

/**
 * Clicks the n-th free day (0 = first) that shows at least minTimes times, moving on to later
 * free days (and months, at most 3 times) while a day shows fewer: which days are short depends
 * on the weekday the test runs (a Sunday in New York has one time, from the provider in
 * Kolkata). Returns the day's YYYY-MM-DD.
 */
export async function pickDay(page, n = 0, { minTimes = 1 } = {}) {
  const days = page.locator(ENABLED_DAY);
  let i = n;
  for (let month = 0; month < 4; month++) {
    await days.first().waitFor();
    const count = await days.count();
    // Fewer free days than n in this month: the last one is still a fair pick.
    for (i = Math.min(i, count - 1); i < count; i++) {
      const day = days.nth(i);
      const id = await day.getAttribute('data-testid');
      const ymd = id.slice('day-'.length);
      await day.click();
      // The day's times are shown at once (the month's slots are loaded); starts are local.
      const times = page.locator(`button[data-testid^="time-${ymd}"]`);
      await times.first().waitFor();
      if ((await times.count()) >= minTimes) return ymd;
    }
    await page.click(sel('cal-next'));
    await waitFreeDay(page);
    i = 0;
  }
  throw new Error(`no free day with ${minTimes} or more times in four months`);
}

/** The starts (server strings) of the time buttons shown now. */
export async function shownStarts(page) {
  return page.$$eval(TIME_BUTTON, (bs) => bs.map((b) => b.dataset.testid.slice('time-'.length)));
}

/**
 * Clicks the n-th time button; waits for the details step. Returns {start, hold} where hold
 * is the public hold the page took (its POST answer).
 */
export async function pickTime(page, n = 0) {
  const btn = page.locator(TIME_BUTTON).nth(n);
  const start = (await btn.getAttribute('data-testid')).slice('time-'.length);
  const [resp] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && /\/v1\/public\/[^/]+\/holds$/.test(new URL(r.url()).pathname)),
    btn.click(),
  ]);
  assert.equal(resp.status(), 201, `hold: ${await resp.text()}`);
  const hold = await resp.json();
  await page.locator(sel('confirm-booking')).waitFor();
  return { start, hold };
}

export async function fillDetails(page, c) {
  for (const k of ['name', 'email', 'phone', 'notes']) {
    if (c[k] !== undefined) await page.fill(`[name="${k}"]`, c[k]);
  }
}

/** Clicks confirm and waits for the confirmation; returns the reference shown. */
export async function confirmBooking(page) {
  await page.click(sel('confirm-booking'));
  await page.locator(sel('confirmation')).waitFor({ timeout: 15000 });
  const ref = (await page.locator(`${sel('confirmation')} ${sel('booking-reference')}`).textContent()).trim();
  assert.match(ref, /^[A-HJ-KM-NP-Z2-9]{8}$/);
  return ref;
}

/** The booking with this reference, through the admin API. */
export async function bookingByRef(server, ref) {
  const all = await server.api.all('/v1/bookings');
  const found = all.filter((b) => b.reference === ref);
  assert.equal(found.length, 1, `one booking with reference ${ref}`);
  return found[0];
}

export const sameInstant = (a, b) => Date.parse(a) === Date.parse(b);

/** "2026-03-04T14:00:00-05:00" → "20260304T140000" (the local wall time of the string). */
export function icsLocal(instant) {
  return instant.slice(0, 19).replace(/[-:]/g, '');
}

/** document.documentElement.scrollWidth (no horizontal scroll when ≤ the viewport). */
export async function scrollWidth(page) {
  return page.evaluate(() => document.documentElement.scrollWidth);
}

/** Presses Tab until the focused element matches selector (at most max presses). */
export async function tabTo(page, selector, max = 250, key = 'Tab') {
  for (let i = 0; i < max; i++) {
    if (await page.evaluate((s) => !!document.activeElement && document.activeElement.matches(s), selector)) return i;
    await page.keyboard.press(key);
  }
  const focused = await page.evaluate(() => document.activeElement && document.activeElement.outerHTML.slice(0, 200));
  throw new Error(`could not reach ${selector} with ${key} (${max} presses); focus is on ${focused}`);
}
