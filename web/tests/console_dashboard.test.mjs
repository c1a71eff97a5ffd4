// The console's dashboard, waitlist page and booking detail (history, keyboard reschedule,
// internal notes) in Chromium against the real slotd with the demo clinic (which now has
// sample bookings). Every figure shown is compared with what the admin API answers for the
// same query, and every change is read back through the admin API.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';

import { newPage, screenshot, checkA11y, finish, report, localDate, addDays } from './harness.mjs';
import { sel, sameInstant } from './flows.mjs';
import {
  NY, startConsole, freeStarts, bookableDay, book, approvalService, getBooking, openConsole, signIn,
} from './console_flows.mjs';

let server;
let browser;
let providers;
let services;

before(async () => {
  ({ server, browser, providers, services } = await startConsole());
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

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
