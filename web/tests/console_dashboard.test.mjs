// The console's dashboard, waitlist page and booking detail (history, keyboard reschedule,
// internal notes) in Chromium against the real slotd with the demo clinic (which now has
// sample bookings). Every figure shown is compared with what the admin API answers for the
// same query, and every change is read back through the admin API. The server runs with its
// test clock allowed (SLOTD_TEST_CLOCK=1) so that set-up requests carrying X-Test-Now can book
// earlier today and earlier this week; the browser and every other request use the real clock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';

import { newPage, screenshot, checkA11y, finish, report, localDate, addDays, idemKey } from './harness.mjs';
import { sel, sameInstant } from './flows.mjs';
import {
  NY, consoleSuite, freeStarts, bookableDay, book, approvalService, getBooking, openConsole, signIn,
} from './console_flows.mjs';

let server;
let browser;
let providers;
let services;

consoleSuite((s) => ({ server, browser, providers, services } = s), { env: { SLOTD_TEST_CLOCK: '1' } });

async function adminPage(path) {
  const page = await newPage(browser, server);
  await openConsole(page, server);
  await signIn(page, server.signIn.admin, 'console (admin)');
  if (path) {
    await page.click(sel(`nav-${path}`));
  }
  return page;
}

/** Waits until the dashboard has drawn the figures of its current query; returns the query. */
async function dashLoaded(page, previous = null) {
  await page.waitForFunction((prev) => {
    const s = document.querySelector('.c-dash');
    return s && s.dataset.loaded && s.dataset.loaded !== prev && !document.querySelector('[data-testid="dash-csv"][aria-disabled]');
  }, previous, { timeout: 15000 });
  return new URLSearchParams(await page.locator('.c-dash').getAttribute('data-loaded'));
}

async function cardValue(page, metric) {
  return page.locator(`${sel(`dash-card-${metric}`)} .c-dash-card-value`).getAttribute('data-value');
}

test('the dashboard shows the figures GET /v1/analytics gives for the same period, the busy hours and a CSV file', async () => {
  const page = await adminPage();
  const t0 = Date.now();
  await page.click(sel('nav-dashboard'));
  let q = await dashLoaded(page);
  report('console: "Dashboard" clicked → figures shown', Date.now() - t0);
  assert.equal(q.get('timezone'), NY, 'days are counted in the browser\'s zone');
  const check = async (label) => {
    const api = await server.api.ok('GET', `/v1/analytics?${q}&group_by=day`);
    for (const m of ['bookings', 'completed', 'cancelled', 'no_show', 'pending']) {
      assert.equal(await cardValue(page, m), String(api.totals[m]), `${label}: the ${m} card equals the API's total`);
    }
    const rate = await cardValue(page, 'no_show_rate');
    assert.equal(rate, api.totals.no_show_rate == null ? '' : String(api.totals.no_show_rate), `${label}: no-show rate`);
    const util = await cardValue(page, 'utilisation');
    assert.equal(util, api.totals.utilisation == null ? '' : String(api.totals.utilisation), `${label}: utilisation`);
    // One table row per day, each with the API's count.
    const rows = await page.$$eval(`${sel('dash-table')} tbody tr`, (rs) => rs.map((r) => [r.dataset.testid.slice(9), Number(r.dataset.bookings)]));
    assert.deepEqual(rows, api.series.map((p) => [p.label, p.bookings]), `${label}: the table has the API's days and counts`);
    const heat = await server.api.ok('GET', `/v1/analytics?${q}&view=heatmap`);
    const shown = await page.$$eval(`${sel('dash-heatmap')} [data-count]`, (cs) => cs.reduce((s, c) => s + Number(c.dataset.count), 0));
    const total = heat.counts.flat().reduce((s, n) => s + n, 0);
    assert.equal(shown, total, `${label}: the busy-hours table holds every booking of the heatmap`);
    return api;
  };
  const week = await check('this week');
  assert.deepEqual([q.get('from'), q.get('to')], [thisWeek().first, thisWeek().days[6]],
    'this week\'s figures start on the locale\'s first day, as the calendar\'s week does');
  console.log(`dashboard, this week (${q.get('from')} – ${q.get('to')}): ${JSON.stringify(week.totals).slice(0, 300)}`);
  await screenshot(page, 'console-dash-01-week');
  await checkA11y(page, 'console dashboard');

  // The last 30 days hold the demo's finished bookings of the last weekdays.
  await page.selectOption(sel('dash-range'), '30');
  q = await dashLoaded(page, q.toString());
  const month = await check('last 30 days');
  assert.ok(month.totals.bookings >= 1, `the demo's sample bookings are counted: ${month.totals.bookings}`);
  assert.equal(q.get('to'), localDate(new Date(), NY));
  assert.equal(q.get('from'), addDays(q.get('to'), -29));

  // One provider.
  await page.selectOption(sel('dash-provider'), providers.ada.id);
  q = await dashLoaded(page, q.toString());
  assert.equal(q.get('provider_id'), providers.ada.id);
  await check('last 30 days, Dr. Moreno');

  // The CSV of the same query.
  const csvResp = page.waitForResponse((r) => new URL(r.url()).pathname === '/v1/analytics' && (r.request().headers().accept || '').includes('text/csv'));
  await page.selectOption(sel('dash-provider'), '');
  q = await dashLoaded(page, q.toString());
  const resp = await csvResp;
  assert.equal(resp.status(), 200);
  assert.match(resp.headers()['content-type'], /^text\/csv/, 'slotd answers text/csv');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click(sel('dash-csv'))]);
  const text = await readFile(await download.path(), 'utf8');
  const lines = text.trim().split(/\r?\n/);
  assert.match(lines[0], /^group,period,start,end,hours,bookings,pending,confirmed,/, `the header line: ${lines[0]}`);
  const totalRow = lines.find((l) => l.startsWith(',total,'));
  assert.ok(totalRow, 'a total row');
  const api = await server.api.ok('GET', `/v1/analytics?${q}&group_by=day`);
  assert.equal(Number(totalRow.split(',')[5]), api.totals.bookings, 'the CSV total is the API\'s');
  assert.match(download.suggestedFilename(), /\.csv$/);
  await screenshot(page, 'console-dash-02-30-days');
  await checkA11y(page, 'console dashboard, 30 days');
  await finish(page);
});

test('the waitlist lists an entry made through the API; its priority and notes are edited, a bad priority is refused, and it is removed', async () => {
  const ada = providers.ada;
  const from = addDays(localDate(new Date(), NY), 40);
  const entry = await server.api.ok('POST', '/v1/waitlist', {
    service_id: services.consult.id, provider_id: ada.id,
    customer: { name: `Walter Waiting ${Date.now()}`, email: `walter-${Date.now()}@example.com` },
    earliest_date: from, latest_date: addDays(from, 3), priority: 1,
  }, 201);
  const page = await adminPage('waitlist');
  const row = page.locator(sel(`waitlist-row-${entry.id}`));
  await row.waitFor({ timeout: 10000 });
  assert.ok((await row.textContent()).includes(entry.customer.name), 'the row names the customer');
  assert.equal(await row.getAttribute('data-priority'), '1');
  await screenshot(page, 'console-wl-01-list');
  await checkA11y(page, 'console waitlist');

  await page.click(sel(`waitlist-edit-${entry.id}`));
  await page.fill(sel(`waitlist-priority-${entry.id}`), '7');
  await page.fill(sel(`waitlist-notes-${entry.id}`), 'Prefers mornings');
  const [patched] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'PATCH' && new URL(r.url()).pathname === `/v1/waitlist/${entry.id}`),
    page.click(sel(`waitlist-save-${entry.id}`)),
  ]);
  assert.equal(patched.status(), 200, await patched.text());
  await page.waitForFunction((id) => document.querySelector(`[data-testid="waitlist-row-${id}"]`)?.dataset.priority === '7', entry.id);
  let stored = await server.api.ok('GET', `/v1/waitlist/${entry.id}`);
  assert.equal(stored.priority, 7, 'the priority is stored');
  assert.equal(stored.notes, 'Prefers mornings', 'the notes are stored');

  // Out of range: the server refuses it, the field says why, nothing changes.
  await page.click(sel(`waitlist-edit-${entry.id}`));
  await page.fill(sel(`waitlist-priority-${entry.id}`), '5000');
  const [refused] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'PATCH' && new URL(r.url()).pathname === `/v1/waitlist/${entry.id}`),
    page.click(sel(`waitlist-save-${entry.id}`)),
  ]);
  assert.equal(refused.status(), 422);
  const fieldErr = page.locator(sel('waitlist-error-priority'));
  await fieldErr.waitFor();
  assert.ok((await fieldErr.textContent()).trim().length > 3, 'the priority field shows the reason');
  assert.equal(await page.getAttribute(sel(`waitlist-priority-${entry.id}`), 'aria-invalid'), 'true');
  await page.locator(sel('waitlist-error')).waitFor();
  await screenshot(page, 'console-wl-02-refused');
  await checkA11y(page, 'console waitlist, refused edit');
  stored = await server.api.ok('GET', `/v1/waitlist/${entry.id}`);
  assert.equal(stored.priority, 7, 'a refused edit leaves the entry as it was');
  await page.click(sel(`waitlist-cancel-${entry.id}`));

  await page.click(sel(`waitlist-remove-${entry.id}`));
  const [deleted] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'DELETE' && new URL(r.url()).pathname === `/v1/waitlist/${entry.id}`),
    page.click(sel(`waitlist-remove-confirm-${entry.id}`)),
  ]);
  assert.equal(deleted.status(), 204);
  await row.waitFor({ state: 'detached' });
  assert.equal((await server.api.get(`/v1/waitlist/${entry.id}`)).status, 404, 'the entry is gone');
  await finish(page);
});

/** Opens a booking's detail from the bookings list. */
async function openFromList(page, id) {
  await page.click(sel('nav-bookings'));
  await page.locator(sel(`booking-row-${id}`)).waitFor({ timeout: 10000 });
  await page.locator(sel(`booking-row-${id}`)).click();
  const detail = page.locator(sel('booking-detail'));
  await detail.waitFor();
  return detail;
}

test('the booking detail: history names the console user after a confirm; internal notes are saved', async () => {
  const { priya } = providers;
  const approval = await approvalService(server, [priya.id]);
  const day = await bookableDay(server, approval.id, [priya.id], { n: 2, minSlots: 1 });
  const pending = await book(server, approval.id, priya.id, day.starts[priya.id][0], 'history');
  assert.equal(pending.status, 'pending');
  const page = await adminPage();
  const detail = await openFromList(page, pending.id);
  const history = detail.locator(sel('booking-history'));
  await history.waitFor();
  assert.equal(await history.locator('li').count(), 1, 'one line: the creation');
  await detail.locator(sel('action-confirm')).click();
  await page.waitForFunction(() => document.querySelector('[data-testid="booking-status"]')?.dataset.status === 'confirmed');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="booking-history"] li').length === 2, null, { timeout: 10000 });
  const last = (await history.locator('li').last().textContent()).trim();
  assert.ok(last.includes('Clinic Admin'), `the confirmation names the console user: "${last}"`);
  assert.match(last, /confirmed/i);
  const stored = await server.api.ok('GET', `/v1/bookings/${pending.id}/history`);
  const admin = (await server.api.all('/v1/users')).find((u) => u.email === server.signIn.admin.email);
  assert.equal(stored.history.at(-1).user_id, admin.id, 'the API history names the same user');

  await page.fill(sel('internal-notes'), 'Pays cash; call before');
  const [saved] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'PATCH' && new URL(r.url()).pathname === `/v1/bookings/${pending.id}`),
    page.click(sel('internal-notes-save')),
  ]);
  assert.equal(saved.status(), 200, await saved.text());
  assert.equal(saved.request().headers()['if-match']?.replace(/"/g, ''), String(pending.version + 1), 'If-Match carries the version shown');
  const now = await getBooking(server, pending.id);
  assert.equal(now.internal_notes, 'Pays cash; call before', 'the internal notes are stored');
  assert.equal(await page.inputValue(sel('internal-notes')), 'Pays cash; call before');
  await screenshot(page, 'console-detail-history');
  await checkA11y(page, 'console detail with history');
  await finish(page);
});

test('the keyboard reschedule form moves a booking; a time outside the hours is refused with the reason and changes nothing', async () => {
  const { ada } = providers;
  const day = await bookableDay(server, services.consult.id, [ada.id], { n: 4, minSlots: 3 });
  const booking = await book(server, services.consult.id, ada.id, day.starts[ada.id][0], 'resched');
  const free = (await freeStarts(server, services.consult.id, ada.id, { from: day.date, days: 1 })).get(day.date);
  const target = free.find((s) => !sameInstant(s, booking.start));
  assert.ok(target, `another free start on ${day.date}`);
  const page = await adminPage();
  const detail = await openFromList(page, booking.id);
  const form = detail.locator(sel('reschedule-form'));
  await form.waitFor();

  // Refused: 03:00, before the working hours.
  await page.fill(sel('reschedule-date'), day.date);
  await page.fill(sel('reschedule-time'), '03:00');
  const [no] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === `/v1/bookings/${booking.id}/reschedule`),
    page.click(sel('reschedule-submit')),
  ]);
  assert.equal(no.status(), 422, await no.text());
  const err = detail.locator(sel('console-error'));
  await err.waitFor();
  const reason = (await err.textContent()).trim();
  assert.match(reason, /working hours|cannot be booked/i, `the reason in words: "${reason}"`);
  assert.doesNotMatch(reason, /slot_unavailable|undefined|\[object/);
  let now = await getBooking(server, booking.id);
  assert.ok(sameInstant(now.start, booking.start), 'the refused move left the booking');
  assert.equal(now.version, booking.version);
  await screenshot(page, 'console-detail-resched-refused');
  await checkA11y(page, 'console detail, reschedule refused');

  // Moved: the free start, typed as its New York wall time.
  const wall = new Intl.DateTimeFormat('en-GB', { timeZone: NY, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(target));
  await page.fill(sel('reschedule-date'), localDate(new Date(target), NY));
  await page.fill(sel('reschedule-time'), wall);
  await page.focus(sel('reschedule-submit'));
  const [yes] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === `/v1/bookings/${booking.id}/reschedule`),
    page.keyboard.press('Enter'),
  ]);
  assert.equal(yes.status(), 200, await yes.text());
  now = await getBooking(server, booking.id);
  assert.ok(sameInstant(now.start, target), `moved to ${target}: ${now.start}`);
  assert.equal(now.reschedule_count, 1);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="booking-history"] li').length === 2, null, { timeout: 10000 });
  await finish(page);
});

test('cancelling inside the fee window offers to waive the fee; a waived cancel owes nothing', async () => {
  const { priya } = providers;
  // A service whose policy charges half the price for any cancellation within a year.
  const svc = await server.api.ok('POST', '/v1/services', {
    name: `Fee check ${Date.now()}`, duration_minutes: 30, price: '80.00', currency: 'USD', provider_ids: [priya.id],
    policy: { late_cancellation_fees: [{ within_hours: 8784, percent: 50 }] },
  }, 201);
  const day = await bookableDay(server, svc.id, [priya.id], { n: 1, minSlots: 2 });
  const free = await book(server, svc.id, priya.id, day.starts[priya.id][0], 'fee');
  const plain = await book(server, services.followUp.id, providers.ada.id,
    (await bookableDay(server, services.followUp.id, [providers.ada.id], { n: 6, minSlots: 2 })).starts[providers.ada.id][0], 'nofee');
  const page = await adminPage();
  let detail = await openFromList(page, plain.id);
  await detail.locator(sel('action-cancel')).waitFor();
  assert.equal(await detail.locator(sel('cancel-waive')).count(), 0, 'no fee applies days ahead under the demo policy: no waiver offered');
  await page.click(sel('detail-close'));
  detail = await openFromList(page, free.id);
  const waive = detail.locator(sel('cancel-waive'));
  await waive.waitFor();
  assert.match(await detail.textContent(), /40\.00/, 'the fee is named');
  await checkA11y(page, 'console detail with a fee');
  await waive.check();
  const [resp] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === `/v1/bookings/${free.id}/cancel`),
    detail.locator(sel('action-cancel')).click(),
  ]);
  assert.equal(resp.status(), 200, await resp.text());
  assert.equal(resp.request().postDataJSON().waive_fee, true);
  const now = await getBooking(server, free.id);
  assert.equal(now.status, 'cancelled');
  assert.equal(now.fee, null, 'no fee is owed');
  assert.equal(now.fee_waived && now.fee_waived.amount, '40.00', 'the waived fee is recorded');
  await finish(page);
});

// --- today, this week, pending requests -------------------------------------------------------

/** Waits until the dashboard's today / week / pending lists have been drawn (again). */
async function agendaLoaded(page, previous = null) {
  await page.waitForFunction((prev) => {
    const a = document.querySelector('.c-dash-agenda');
    return a && a.dataset.loaded && a.dataset.loaded !== prev;
  }, previous, { timeout: 15000 });
  return page.locator('.c-dash-agenda').getAttribute('data-loaded');
}

/** Opens a provider's hours wide (06:00–22:00 in its zone) on a date, so the test can book it. */
async function openWide(providerId, date) {
  await server.api.ok('POST', `/v1/providers/${providerId}/overrides`,
    { date, intervals: [{ start: '06:00', end: '22:00' }], note: 'dashboard test' }, 201);
}

/** Free starts of a service with a provider on a New York date, as seen the day before (test clock). */
async function startsOn(serviceId, providerId, date) {
  const now = `${addDays(date, -1)}T12:00:00Z`;
  const q = new URLSearchParams({ service_id: serviceId, provider_id: providerId, from: date, to: date, timezone: NY });
  const r = await server.api.get(`/v1/slots?${q}`, { 'X-Test-Now': now });
  assert.equal(r.status, 200, r.text);
  return r.body.slots.map((x) => x.start);
}

let agendaCustomers = 0;
/** POST /v1/bookings at a start, "now" being the day before that start's date (test clock). */
async function bookBefore(serviceId, providerId, start, date, tag) {
  agendaCustomers += 1;
  const r = await server.api.post('/v1/bookings', {
    service_id: serviceId, provider_id: providerId, start,
    customer: { name: `Agenda ${tag} ${agendaCustomers}`, email: `agenda-${tag}-${agendaCustomers}@example.com` },
  }, { 'Idempotency-Key': idemKey(), 'X-Test-Now': `${addDays(date, -1)}T12:00:00Z` });
  assert.equal(r.status, 201, `booking ${start}: ${r.text}`);
  return r.body;
}

/**
 * The New York dates of this week, from the browser locale's first day (en-US: Sunday), as the
 * calendar's week view has them.
 */
function thisWeek() {
  const today = localDate(new Date(), NY);
  const loc = new Intl.Locale('en-US');
  const startDay = (loc.getWeekInfo ? loc.getWeekInfo() : loc.weekInfo).firstDay % 7;
  assert.equal(startDay, 0, 'en-US weeks start on Sunday');
  const dow = (new Date(`${today}T12:00:00Z`).getUTCDay() - startDay + 7) % 7;
  const first = addDays(today, -dow);
  return { today, first, days: [0, 1, 2, 3, 4, 5, 6].map((i) => addDays(first, i)) };
}

/** Every booking the admin API lists for a query. */
async function listed(query) {
  return server.api.all(`/v1/bookings?${new URLSearchParams(query)}`);
}

const inSection = (section, id) => `${sel(section)} ${sel(`dash-booking-${id}`)}`;

let agendaSet = null;
/** Today's and this week's bookings with Dr. Moreno and pending requests with Dr. Weber and Dr. Nair, made once. */
async function agendaBookings() {
  if (agendaSet) return agendaSet;
  const { ada, jonas, priya } = providers;
  const week = thisWeek();
  const other = week.today === week.first ? addDays(week.first, 1) : week.first;
  await openWide(ada.id, week.today);
  await openWide(ada.id, other);
  const todays = await startsOn(services.consult.id, ada.id, week.today);
  assert.ok(todays.length >= 1, `a free start today (${week.today}) with Dr. Moreno`);
  const today = await bookBefore(services.consult.id, ada.id, todays[todays.length - 1], week.today, 'today');
  const others = await startsOn(services.followUp.id, ada.id, other);
  assert.ok(others.length >= 1, `a free start on ${other} with Dr. Moreno`);
  const weekday = await bookBefore(services.followUp.id, ada.id, others[0], other, 'week');

  const approval = await approvalService(server, [jonas.id, priya.id]);
  const day = await bookableDay(server, approval.id, [jonas.id, priya.id], { n: 1, minSlots: 3 });
  const pJonas = await book(server, approval.id, jonas.id, day.starts[jonas.id][0], 'pending-weber');
  const pConfirm = await book(server, approval.id, priya.id, day.starts[priya.id][0], 'pending-confirm');
  const pDecline = await book(server, approval.id, priya.id, day.starts[priya.id][1], 'pending-decline');
  for (const b of [pJonas, pConfirm, pDecline]) assert.equal(b.status, 'pending', 'an approval service books pending');
  agendaSet = { week, other, today, weekday, pJonas, pConfirm, pDecline };
  return agendaSet;
}

test('the dashboard lists today\'s bookings, this week\'s per day and the pending requests; one is confirmed, one declined, a stale one refused', async () => {
  const { week, other, today, weekday, pJonas, pConfirm, pDecline } = await agendaBookings();
  const page = await adminPage();
  const t0 = Date.now();
  await page.click(sel('nav-dashboard'));
  let loaded = await agendaLoaded(page);
  report('console: "Dashboard" clicked → today, week and pending lists shown', Date.now() - t0);

  // Today: exactly the bookings the API lists as starting today in New York.
  const startOf = async (d) => {
    // Midnight of a New York date as an instant (New York's offset read from Intl at noon that day).
    const noon = new Date(`${d}T12:00:00Z`);
    const ny = new Date(noon.toLocaleString('en-US', { timeZone: NY }));
    const utc = new Date(noon.toLocaleString('en-US', { timeZone: 'UTC' }));
    return new Date(Date.parse(`${d}T00:00:00Z`) + (utc - ny)).toISOString();
  };
  const apiToday = await listed({ from: await startOf(week.today), to: await startOf(addDays(week.today, 1)) });
  assert.ok(apiToday.some((b) => b.id === today.id));
  const shownToday = await page.$$eval(`${sel('dash-today')} [data-testid^="dash-booking-"]`, (rs) => rs.map((r) => r.dataset.testid.slice(13)));
  assert.deepEqual(shownToday.slice().sort(), apiToday.map((b) => b.id).sort(), 'today lists the API\'s bookings of today');
  const todayRow = page.locator(inSection('dash-today', today.id));
  const todayText = await todayRow.textContent();
  assert.ok(todayText.includes(today.customer.name), 'the row names the customer');
  assert.ok(todayText.includes('Initial consultation'), 'the row names the service');
  assert.ok(todayText.includes('Dr. Ada Moreno'), 'the row names the provider');
  assert.ok(todayText.includes('Confirmed'), `the status in words: ${todayText}`);
  const wall = new Intl.DateTimeFormat('en-US', { timeZone: NY, hour: 'numeric', minute: '2-digit' }).format(new Date(today.start));
  assert.ok(todayText.includes(wall), `the start in New York time (${wall}): ${todayText}`);
  assert.equal(await page.locator(inSection('dash-today', weekday.id)).count(), 0, 'a booking of another day is not today\'s');

  // This week: each day's count is the API's, and the two bookings sit under their own days.
  const apiWeek = await listed({ from: await startOf(week.first), to: await startOf(addDays(week.first, 7)) });
  for (const d of week.days) {
    const want = apiWeek.filter((b) => localDate(new Date(b.start), NY) === d).length;
    assert.equal(await page.getAttribute(sel(`dash-week-day-${d}`), 'data-count'), String(want), `${d}: the API's count`);
  }
  assert.equal(await page.locator(`${sel(`dash-week-day-${week.today}`)} ${sel(`dash-booking-${today.id}`)}`).count(), 1);
  assert.equal(await page.locator(`${sel(`dash-week-day-${other}`)} ${sel(`dash-booking-${weekday.id}`)}`).count(), 1);

  // Pending: the three requests, not the confirmed booking of today.
  for (const b of [pJonas, pConfirm, pDecline]) {
    assert.equal(await page.locator(inSection('dash-pending', b.id)).count(), 1, `${b.customer.name} waits`);
  }
  assert.equal(await page.locator(inSection('dash-pending', today.id)).count(), 0);
  const apiPending = await listed({ status: 'pending', from: new Date().toISOString() });
  const shownPending = await page.$$eval(`${sel('dash-pending')} [data-testid^="dash-booking-"]`, (rs) => rs.length);
  assert.equal(shownPending, apiPending.length, 'every pending request from now on');
  await screenshot(page, 'console-dash-03-agenda');
  await checkA11y(page, 'console dashboard with today, week and pending');

  // Confirm from the dashboard: If-Match of the version listed; stored confirmed.
  const [confirmed] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === `/v1/bookings/${pConfirm.id}/confirm`),
    page.click(sel(`dash-confirm-${pConfirm.id}`)),
  ]);
  assert.equal(confirmed.status(), 200, await confirmed.text());
  assert.equal(confirmed.request().headers()['if-match'], `"${pConfirm.version}"`);
  loaded = await agendaLoaded(page, loaded);
  assert.equal((await getBooking(server, pConfirm.id)).status, 'confirmed', 'stored confirmed');
  assert.equal(await page.locator(inSection('dash-pending', pConfirm.id)).count(), 0, 'no longer pending on the page');
  assert.match(await page.textContent(sel('dash-agenda-status')), new RegExp(`${pConfirm.customer.name}.*confirmed`));
  // The pressed button is gone with the list drawn again; the keyboard goes on from the heading.
  await page.waitForFunction(() => document.activeElement && document.activeElement.id === 'dash-pending-h',
    null, { timeout: 5000 });

  // Decline: stored declined.
  const [declined] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === `/v1/bookings/${pDecline.id}/decline`),
    page.click(sel(`dash-decline-${pDecline.id}`)),
  ]);
  assert.equal(declined.status(), 200, await declined.text());
  loaded = await agendaLoaded(page, loaded);
  assert.equal((await getBooking(server, pDecline.id)).status, 'declined', 'stored declined');
  assert.equal(await page.locator(inSection('dash-pending', pDecline.id)).count(), 0);
  assert.match(await page.textContent(sel('dash-agenda-status')), /declined/);

  // Refused: the request changed elsewhere after the list was read (its version moved on); the
  // server answers 412, the page says so in words, the booking stays pending.
  await server.api.ok('PATCH', `/v1/bookings/${pJonas.id}`, { internal_notes: 'Called back' }, 200, { 'If-Match': `"${pJonas.version}"` });
  const [stale] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === `/v1/bookings/${pJonas.id}/confirm`),
    page.click(sel(`dash-confirm-${pJonas.id}`)),
  ]);
  assert.equal(stale.status(), 412, await stale.text());
  loaded = await agendaLoaded(page, loaded);
  const refusal = (await page.textContent(sel('dash-agenda-error'))).trim();
  assert.ok(refusal.includes(pJonas.customer.name) && refusal.length > pJonas.customer.name.length + 10, `the refusal in words: "${refusal}"`);
  assert.doesNotMatch(refusal, /precondition_failed|undefined|\[object/);
  assert.equal((await getBooking(server, pJonas.id)).status, 'pending', 'the refused confirm changed nothing');
  assert.equal(await page.locator(inSection('dash-pending', pJonas.id)).count(), 1, 'still listed, at its new version');
  await checkA11y(page, 'console dashboard after a refused confirm');

  // The provider filter narrows the three lists too: only Dr. Weber's rows, his request among them.
  await page.selectOption(sel('dash-provider'), providers.jonas.id);
  loaded = await agendaLoaded(page, loaded);
  const owners = await page.$$eval('.c-dash-agenda [data-testid^="dash-booking-"]', (rs) => [...new Set(rs.map((r) => r.dataset.provider))]);
  assert.deepEqual(owners, [providers.jonas.id], 'every row is Dr. Weber\'s');
  assert.equal(await page.locator(inSection('dash-pending', pJonas.id)).count(), 1);
  assert.equal(await page.locator(inSection('dash-today', today.id)).count(), 0, 'Dr. Moreno\'s booking is filtered out');

  // The detail opens from a pending row.
  await page.click(sel(`dash-open-${pJonas.id}`));
  await page.waitForFunction(() => document.querySelector('[data-testid="booking-status"]')?.dataset.status === 'pending');
  await page.click(sel('detail-close'));
  await finish(page);
});

test('a failed reading of the dashboard\'s lists is said, and a later reading that works takes those words away', async () => {
  const page = await newPage(browser, server);
  let fail = true;
  await page.route((url) => url.pathname === '/v1/bookings' && url.searchParams.get('status') === 'pending',
    (route) => (fail ? route.abort() : route.continue()));
  await openConsole(page, server);
  await signIn(page, server.signIn.admin, 'console (admin)');
  await page.click(sel('nav-dashboard'));
  await page.locator(sel('dash-agenda-error')).waitFor({ timeout: 15000 });
  fail = false;
  await page.selectOption(sel('dash-provider'), providers.ada.id);
  await agendaLoaded(page);
  assert.equal(await page.locator(sel('dash-agenda-error')).count(), 0, 'no failure shown over the lists read since');
  // The one failure the browser logged is the request this test cut off.
  const cut = (page.problems || []).filter((p) => p.includes('net::ERR_FAILED') && p.includes('status=pending'));
  assert.equal(cut.length, 1, JSON.stringify(page.problems));
  page.problems = (page.problems || []).filter((p) => !cut.includes(p));
  await finish(page);
});

test('where a day starts at 01:00 (Santiago, 6 September 2026) today and the week begin at that first instant', async () => {
  const page = await newPage(browser, server, { timezoneId: 'America/Santiago' });
  await page.clock.setFixedTime(new Date('2026-09-06T15:00:00Z'));
  const asked = [];
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (u.pathname === '/v1/bookings' && !u.searchParams.get('status')) asked.push(u.searchParams);
  });
  await openConsole(page, server);
  await signIn(page, server.signIn.admin, 'console (admin)');
  await page.click(sel('nav-dashboard'));
  await agendaLoaded(page);
  const spans = asked.map((q) => [q.get('from'), q.get('to')]);
  // 00:00 does not exist that day (clocks go from 24:00 on the 5th to 01:00 -03): the day is
  // 04:00Z to 03:00Z, 23 hours; the en-US week starts that Sunday too.
  assert.ok(spans.some(([f, t]) => f === '2026-09-06T04:00:00.000Z' && t === '2026-09-07T03:00:00.000Z'),
    `today asked from its first instant: ${JSON.stringify(spans)}`);
  assert.ok(spans.some(([f, t]) => f === '2026-09-06T04:00:00.000Z' && t === '2026-09-13T03:00:00.000Z'),
    `the week asked from its first instant: ${JSON.stringify(spans)}`);
  assert.equal(await page.getAttribute(sel('dash-week-day-2026-09-06'), 'class'), 'c-dash-day c-dash-today');
  await finish(page);
});

test('a staff user tied to Dr. Weber sees only his requests and bookings on the dashboard, in German when chosen', async () => {
  const { today, pJonas, pConfirm } = await agendaBookings();
  const { jonas } = providers;
  const page = await newPage(browser, server);
  await openConsole(page, server);
  await signIn(page, server.signIn.staff, 'console (staff)');
  await page.click(sel('nav-dashboard'));
  await agendaLoaded(page);
  const shown = await page.$$eval('[data-testid^="dash-booking-"]', (rs) => rs.map((r) => ({ id: r.dataset.testid.slice(13), p: r.dataset.provider })));
  assert.ok(shown.some((r) => r.id === pJonas.id), 'Dr. Weber\'s request is listed');
  assert.deepEqual([...new Set(shown.map((r) => r.p))], [jonas.id], 'every row is Dr. Weber\'s');
  assert.equal(await page.locator(sel(`dash-booking-${today.id}`)).count(), 0, 'Dr. Moreno\'s booking of today is not shown');
  assert.equal(await page.locator(sel(`dash-booking-${pConfirm.id}`)).count(), 0, 'Dr. Nair\'s booking is not shown');
  // The API as this staff user agrees: Dr. Weber's pending requests from now on, no more.
  const apiPending = (await listed({ status: 'pending', provider_id: jonas.id, from: new Date().toISOString() })).map((b) => b.id).sort();
  const shownPending = await page.$$eval(`${sel('dash-pending')} [data-testid^="dash-booking-"]`, (rs) => rs.map((r) => r.dataset.testid.slice(13)));
  assert.deepEqual(shownPending.sort(), apiPending);
  await screenshot(page, 'console-dash-04-staff');
  await checkA11y(page, 'console dashboard (staff)');

  await page.selectOption(sel('lang-switch'), 'de');
  await page.waitForFunction(() => document.documentElement.lang === 'de' &&
    document.querySelector('#dash-today-h')?.textContent === 'Heute' && document.querySelector('.c-dash-agenda')?.dataset.loaded);
  assert.equal((await page.textContent('#dash-today-h')).trim(), 'Heute');
  assert.equal((await page.textContent('#dash-week-h')).trim(), 'Diese Woche');
  assert.equal((await page.textContent('#dash-pending-h')).trim(), 'Offene Anfragen');
  assert.equal((await page.textContent(sel(`dash-confirm-${pJonas.id}`))).trim(), 'Bestätigen');
  assert.equal((await page.textContent(sel(`dash-decline-${pJonas.id}`))).trim(), 'Ablehnen');
  const todayText = await page.textContent(sel('dash-today'));
  assert.ok(todayText.includes('Heute gibt es keine Buchungen.') || /Bestätigt|Offen|Abgeschlossen|Storniert|Abgelehnt|Nicht erschienen/.test(todayText),
    `today in German words: ${todayText}`);
  // No empty framed box: a status or alert line without words takes no room and draws nothing.
  const emptyBoxes = await page.$$eval('.c-dash *', (els) => els.filter((el) => {
    if (el.textContent.trim() !== '' || el.children.length || el.closest('table')) return false;
    const r = el.getBoundingClientRect();
    const cs = getComputedStyle(el);
    return r.height > 0 && r.width > 0 && (parseFloat(cs.borderTopWidth) > 0 || cs.backgroundColor !== 'rgba(0, 0, 0, 0)');
  }).map((el) => `${el.tagName}.${el.className}[${el.dataset.testid || ''}] ${Math.round(el.getBoundingClientRect().height)}px`));
  assert.deepEqual(emptyBoxes, [], 'no empty bordered or filled box on the German dashboard');
  await screenshot(page, 'console-dash-05-staff-de');
  await checkA11y(page, 'console dashboard (staff, German)');
  await finish(page);
});
