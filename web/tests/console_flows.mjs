// Steps of the staff console (/console) as a person takes them, through the test hooks of the
// console (data-testid: login-form, console-user, calendar, event-<kind>-<id>, booking-detail…),
// and the admin-API set-up the console tests need: bookable days, bookings, a service that
// needs approval. Every result is checked through the admin API by the tests themselves.
import assert from 'node:assert/strict';
import { before, after } from 'node:test';

import { startSlotd, launchBrowser, idemKey, localDate, addDays, report } from './harness.mjs';
import { sel } from './flows.mjs';

export const NY = 'America/New_York';   // newPage's browser zone, and Dr. Ada Moreno's
export const EVENT_BOOKING = '[data-testid^="event-booking-"]';

/**
 * One demo server and Chromium for a test file: started before its tests (startConsole's
 * options), handed to take({ server, browser, providers, services }), closed after them.
 */
export function consoleSuite(take, opts) {
  let started;
  before(async () => {
    started = await startConsole(opts);
    take(started);
  });
  after(async () => {
    await started?.browser?.close();
    await started?.server?.stop();
  });
}

/**
 * slotd --demo as startDemo() starts it (forwarded client addresses, no address limit), plus
 * `args`; asserts that it printed the console's two demo sign-ins. Returns {server, browser,
 * providers: {ada, jonas, priya}, services: {consult, followUp, group}} unless browser: false.
 */
export async function startConsole({ args = [], env, browser = true } = {}) {
  const server = await startSlotd({ args: ['--trust-forwarded-for', '--rate-limit-address', '100000/60', ...args], env });
  try {
    assert.ok(server.signIn.admin, 'slotd --demo printed the line "console sign-in: organisation …, admin@… / …"');
    assert.ok(server.signIn.staff, 'slotd --demo printed the line "console sign-in (staff, one provider): …"');
    assert.match(server.consoleUrl || '', /^http:\/\/127\.0\.0\.1:\d+\/console$/, 'slotd --demo printed "console: http://…/console"');
    assert.equal(server.consoleUrl, `${server.base}/console`);
    const byName = (rows, name) => {
      const r = rows.find((x) => x.name === name);
      assert.ok(r, `the demo has "${name}"`);
      return r;
    };
    const prv = await server.api.all('/v1/providers');
    const svc = await server.api.all('/v1/services');
    const out = {
      server,
      providers: { ada: byName(prv, 'Dr. Ada Moreno'), jonas: byName(prv, 'Dr. Jonas Weber'), priya: byName(prv, 'Dr. Priya Nair') },
      services: { consult: byName(svc, 'Initial consultation'), followUp: byName(svc, 'Follow-up visit'), group: byName(svc, 'Group physiotherapy') },
    };
    if (browser) out.browser = await launchBrowser();
    return out;
  } catch (e) {
    await server.stop().catch(() => {});
    throw e;
  }
}

// --- admin-API set-up -------------------------------------------------------------------------

/** Free starts of a service with one provider, by date in `zone`, over the next `days` days (tomorrow on). */
export async function freeStarts(server, serviceId, providerId, { days = 21, zone = NY, from } = {}) {
  const first = from || addDays(localDate(new Date(), zone), 1);
  const q = new URLSearchParams({ service_id: serviceId, provider_id: providerId, from: first,
    to: addDays(first, days - 1), timezone: zone });
  const { slots } = await server.api.ok('GET', `/v1/slots?${q}`);
  const byDate = new Map();
  for (const s of slots) {
    const d = s.start.slice(0, 10);
    if (!byDate.has(d)) byDate.set(d, []);
    byDate.get(d).push(s.start);
  }
  return byDate;
}

/**
 * The n-th (0 = first) date from tomorrow on (in New York) on which every listed provider has at
 * least minSlots free starts of the service; returns {date, starts: {providerId: [start…]}}.
 */
export async function bookableDay(server, serviceId, providerIds, { n = 0, minSlots = 3 } = {}) {
  const maps = [];
  for (const p of providerIds) maps.push(await freeStarts(server, serviceId, p));
  const dates = [...maps[0].keys()].sort().filter((d) => maps.every((m) => (m.get(d) || []).length >= minSlots));
  assert.ok(dates.length > n, `a ${n + 1}. day in three weeks with ${minSlots} free starts for ${providerIds.join(', ')}: ${dates}`);
  const date = dates[n];
  const starts = {};
  providerIds.forEach((p, i) => { starts[p] = maps[i].get(date); });
  return { date, starts };
}

let customers = 0;
/** POST /v1/bookings with the admin key; returns the booking. */
export async function book(server, serviceId, providerId, start, tag = 'console') {
  customers += 1;
  const body = {
    service_id: serviceId, provider_id: providerId, start,
    customer: { name: `Patient ${tag} ${customers}`, email: `patient-${tag}-${customers}-${Date.now()}@example.com` },
  };
  for (let attempt = 0; ; attempt++) {
    const r = await server.api.post('/v1/bookings', body, { 'Idempotency-Key': idemKey() });
    if (r.status === 429 && attempt < 20) {
      await new Promise((res) => setTimeout(res, 1000 * Number(r.headers.get('retry-after') || 1)));
      continue;
    }
    assert.equal(r.status, 201, `booking ${start} with ${providerId}: ${r.text}`);
    return r.body;
  }
}

/** A service that needs approval (bookings start pending) for the given providers. */
export async function approvalService(server, providerIds) {
  return server.api.ok('POST', '/v1/services', {
    name: `Second opinion ${Date.now()}`, duration_minutes: 30, requires_approval: true, provider_ids: providerIds,
  });
}

export async function getBooking(server, id) {
  return server.api.ok('GET', `/v1/bookings/${id}`);
}

export const minutesBetween = (a, b) => (Date.parse(b) - Date.parse(a)) / 60000;

// --- the browser ------------------------------------------------------------------------------

/**
 * Watches the page's GET /v1/calendar requests: page.cal.responses (each {url, status, from,
 * to, providerIds}) and page.cal.pending (requests not yet finished).
 */
export function watchCalendar(page) {
  const cal = { responses: [], pending: 0 };
  const isCal = (req) => req.method() === 'GET' && new URL(req.url()).pathname === '/v1/calendar';
  page.on('request', (req) => { if (isCal(req)) cal.pending += 1; });
  page.on('requestfailed', (req) => { if (isCal(req)) cal.pending -= 1; });
  page.on('requestfinished', async (req) => {
    if (!isCal(req)) return;
    const resp = await req.response();
    const u = new URL(req.url());
    cal.responses.push({
      url: req.url(), status: resp ? resp.status() : 0,
      from: u.searchParams.get('from'), to: u.searchParams.get('to'),
      providerIds: (u.searchParams.get('provider_ids') || '').split(',').filter(Boolean),
    });
    cal.pending -= 1;
  });
  page.cal = cal;
  return cal;
}

/** Waits until the calendar has answered at least `count` times and nothing is in flight. */
export async function calendarSettled(page, count = 1, timeout = 15000) {
  const t0 = Date.now();
  while (page.cal.responses.length < count || page.cal.pending > 0) {
    if (Date.now() - t0 > timeout) {
      throw new Error(`the console did not load GET /v1/calendar (${page.cal.responses.length} answers, ${page.cal.pending} in flight)`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  return page.cal.responses[page.cal.responses.length - 1];
}

/** Does the calendar window [from, to] asked for (dates, or instants) hold the date ymd? */
function windowHolds(r, ymd) {
  if (r.from.length > 10) {
    // Instants ([from, to) in the browser's zone, New York): the date's midday is inside.
    const noon = Date.parse(`${ymd}T17:00:00Z`);
    return Date.parse(r.from) <= noon && noon < Date.parse(r.to);
  }
  return r.from <= ymd && ymd <= r.to.slice(0, 10);
}

/** Moves the calendar (cal-next / cal-prev) until the window it loaded holds the date ymd. */
export async function showDate(page, ymd) {
  let last = await calendarSettled(page);
  for (let i = 0; i < 10; i++) {
    assert.equal(last.status, 200, `GET ${last.url} answered ${last.status}`);
    if (windowHolds(last, ymd)) return last;
    const n = page.cal.responses.length;
    await page.click(sel(Date.parse(`${ymd}T17:00:00Z`) < Date.parse(last.from) ? 'cal-prev' : 'cal-next'));
    last = await calendarSettled(page, n + 1);
  }
  throw new Error(`the calendar did not reach ${ymd} in ten steps (last window ${last.from} – ${last.to})`);
}

/** Opens /console (or a path under it) and waits for the sign-in form or the console. */
export async function openConsole(page, server, path = '/console') {
  if (!page.cal) watchCalendar(page);
  const r = await page.goto(server.base + path);
  assert.equal(r.status(), 200, `GET ${path}`);
  await page.locator(`${sel('login-form')}, ${sel('console-user')}`).first().waitFor({ timeout: 15000 });
}

/** Fills the sign-in form (organisation, e-mail, password) and clicks Sign in. */
export async function fillSignIn(page, { tenant, email, password }) {
  const form = page.locator(sel('login-form'));
  await form.waitFor();
  await form.locator('[name="tenant"]').fill(tenant);
  await form.locator('[name="email"]').fill(email);
  await form.locator('[name="password"]').fill(password);
  const [resp] = await Promise.all([
    page.waitForResponse((x) => x.request().method() === 'POST' && new URL(x.url()).pathname === '/v1/sessions'),
    page.click(sel('login-submit')),
  ]);
  return resp;
}

/**
 * Signs in through the form and waits for the console (console-user shown); reports the time
 * from the click to the user's name being shown. Returns the POST /v1/sessions answer's body.
 */
export async function signIn(page, creds, label = 'console') {
  const t0 = Date.now();
  const resp = await fillSignIn(page, creds);
  assert.equal(resp.status(), 201, `POST /v1/sessions: ${await resp.text()}`);
  report(`${label}: "Sign in" clicked → POST /v1/sessions answered (Argon2id check)`, Date.now() - t0);
  await page.locator(sel('console-user')).waitFor({ timeout: 15000 });
  report(`${label}: "Sign in" clicked → user's name shown`, Date.now() - t0);
  return resp.json();
}

/** The browser context's slotd_session cookie (or undefined). */
export async function sessionCookie(page) {
  return (await page.context().cookies()).find((c) => c.name === 'slotd_session');
}

/** A request to slotd from Node with only this session cookie (no key). */
export async function withCookie(server, method, path, cookieValue, headers = {}) {
  const r = await fetch(server.base + path, { method, headers: { Cookie: `slotd_session=${cookieValue}`, ...headers } });
  const text = await r.text();
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
  return { status: r.status, body, text };
}

/** fetch() inside the page (same origin, the session cookie), returning {status, body}. */
export async function pageFetch(page, method, path, { body, headers = {} } = {}) {
  return page.evaluate(async ({ m, p, b, h }) => {
    const init = { method: m, credentials: 'same-origin', headers: { ...h } };
    if (b !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(b);
    }
    const r = await fetch(p, init);
    const t = await r.text();
    let j = null;
    try { j = t ? JSON.parse(t) : null; } catch { /* not JSON */ }
    return { status: r.status, body: j, text: t };
  }, { m: method, p: path, b: body, h: headers });
}

/** The calendar's element of a booking. */
export const bookingEvent = (page, id) => page.locator(sel(`event-booking-${id}`));

/** Vertical distance (px) from one booking's element to another's, both in the calendar. */
export async function relY(page, id, fromId) {
  return page.evaluate(({ a, b }) => {
    const ea = document.querySelector(`[data-testid="event-booking-${a}"]`);
    const eb = document.querySelector(`[data-testid="event-booking-${b}"]`);
    return ea && eb ? ea.getBoundingClientRect().y - eb.getBoundingClientRect().y : null;
  }, { a: id, b: fromId });
}

/** Opens the calendar's week view on the week holding ymd. */
export async function weekOf(page, ymd) {
  await weekView(page);
  return showDate(page, ymd);
}

/** Switches the calendar to its week view and waits for the week's items. */
export async function weekView(page) {
  await page.locator(sel('calendar')).waitFor({ timeout: 15000 });
  await calendarSettled(page);
  await page.click(sel('view-week'));
  // Switching to the week loads a window of at most 8 days (none when the week is shown already).
  const t0 = Date.now();
  for (;;) {
    const last = await calendarSettled(page);
    if (Date.parse(last.to.slice(0, 10)) - Date.parse(last.from.slice(0, 10)) <= 8 * 86400000) break;
    assert.ok(Date.now() - t0 < 15000, `the week view loaded no week (last window ${last.from} – ${last.to})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Drags a calendar event with the mouse by `minutes` (vertically, same day), at `pxPerMinute`.
 * The press is in the event's first quarter-hour row (never on the resize handle at its foot).
 * Returns the time (Date.now()) of the release.
 */
export async function dragBy(page, loc, minutes, pxPerMinute) {
  await loc.scrollIntoViewIfNeeded();
  const box = await loc.boundingBox();
  assert.ok(box, 'the event is on screen');
  const x = box.x + box.width / 2;
  const y = box.y + Math.min(7.5 * pxPerMinute, box.height / 4);
  const dy = minutes * pxPerMinute;
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(x, y + Math.sign(dy) * 6, { steps: 3 });
  await page.mouse.move(x, y + dy, { steps: 15 });
  await new Promise((r) => setTimeout(r, 150));
  const t = Date.now();
  await page.mouse.up();
  return t;
}
