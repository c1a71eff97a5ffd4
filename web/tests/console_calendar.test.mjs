// The console's calendar additions in Chromium against the real slotd with the demo clinic:
// a booking made by clicking a free time, a taken, a closed and a malformed one refused with
// the reason and nothing stored, a weekly schedule entry for two people, dragging an entry's
// occurrence with the "only this" / "all" choice and cancelling it, time off from the same
// dialog, and providers side by side in the day view. Every result is read back through the
// admin API; axe runs with each dialog open.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { newPage, screenshot, checkA11y, finish, report, addDays, localDate } from './harness.mjs';
import { sel, sameInstant } from './flows.mjs';
import {
  NY, consoleSuite, freeStarts, bookableDay, book, getBooking, minutesBetween,
  watchCalendar, calendarSettled, openConsole, signIn, dragBy, pageFetch,
} from './console_flows.mjs';

let server;
let browser;
let providers;
let services;

consoleSuite((s) => ({ server, browser, providers, services } = s));

/** A signed-in admin page showing the day view of ymd (New York), with only `only` chosen (ids) when given. */
async function dayPage(ymd, { only, viewport } = {}) {
  const page = await newPage(browser, server, viewport ? { viewport } : {});
  watchCalendar(page);
  await openConsole(page, server);
  await signIn(page, server.signIn.admin, 'console (admin)');
  await page.locator(sel('calendar')).waitFor({ timeout: 15000 });
  await calendarSettled(page);
  if (only) {
    for (const p of Object.values(providers)) {
      const box = page.locator(sel(`provider-filter-${p.id}`));
      if ((await box.isChecked()) !== only.includes(p.id)) {
        const n = page.cal.responses.length;
        await box.click();
        await calendarSettled(page, n + 1);
      }
    }
  }
  await page.click(sel('view-day'));
  await gotoDay(page, ymd);
  return page;
}

/** The day shown by the (first) day calendar. */
const shownDay = (page) => page.evaluate(() => {
  const h = document.querySelector('[data-testid="calendar"] [role="columnheader"][data-date]');
  return h ? h.getAttribute('data-date') : null;
});

/** Steps the day view (cal-next / cal-prev) to ymd and waits for its items. */
async function gotoDay(page, ymd) {
  // Whole weeks in the week view first (the day view then shows the same weekday).
  let first = null;
  for (let j = 0; j < 100 && !(first = await shownDay(page)); j++) await new Promise((r) => setTimeout(r, 50));
  const weeks = first ? Math.trunc((Date.parse(ymd) - Date.parse(first)) / (7 * 86400000)) : 0;
  if (weeks !== 0) {
    await page.click(sel('view-week'));
    for (let i = 0; i < Math.abs(weeks); i++) {
      const n = page.cal.responses.length;
      await page.click(sel(weeks > 0 ? 'cal-next' : 'cal-prev'));
      await calendarSettled(page, n + 1);
    }
    await page.click(sel('view-day'));
  }
  for (let i = 0; i < 40; i++) {
    let shown = null;
    for (let j = 0; j < 100 && !(shown = await shownDay(page)); j++) await new Promise((r) => setTimeout(r, 50));
    assert.ok(shown, 'the day view shows a day');
    if (shown === ymd) { await new Promise((r) => setTimeout(r, 100)); await calendarSettled(page); return; }
    await page.click(sel(shown < ymd ? 'cal-next' : 'cal-prev'));
    await page.waitForFunction((d) => document.querySelector('[data-testid="calendar"] [role="columnheader"][data-date]')?.getAttribute('data-date') !== d, shown);
  }
  throw new Error(`the day view did not reach ${ymd}`);
}

/**
 * The viewport point of the time hhmm:ss (the browser's zone) on day ymd inside `root` (a
 * locator holding one calendar): the middle of the day's column, in the 15-minute row's upper
 * half. Also returns the height of one row (px per 15 minutes).
 */
async function timePoint(root, ymd, time) {
  return root.evaluate((el, { day, at }) => {
    const lanes = [...el.querySelectorAll(`[data-time="${at}"]`)].filter((x) => !x.firstElementChild);
    if (!lanes.length) return null;
    const lane = lanes[lanes.length - 1];
    lane.scrollIntoView({ block: 'center' });
    const cells = [...el.querySelectorAll(`[role="cell"][data-date="${day}"]`)]
      .sort((a, b) => b.getBoundingClientRect().height - a.getBoundingClientRect().height);
    if (!cells.length) return null;
    const c = cells[0].getBoundingClientRect();
    const r = lane.getBoundingClientRect();
    return { x: c.x + c.width / 2, y: r.y + Math.min(6, r.height / 3), row: r.height };
  }, { day: ymd, at: time });
}

/** Clicks the time of `start` (an instant with New York's offset) in the calendar `root`; waits for the create dialog. */
async function clickTime(page, root, start) {
  const ymd = localDate(new Date(start), NY);
  const time = new Intl.DateTimeFormat('en-GB', { timeZone: NY, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' })
    .format(new Date(start));
  const pt = await timePoint(root, ymd, time);
  assert.ok(pt, `the calendar shows ${time} on ${ymd}`);
  const t0 = Date.now();
  await page.mouse.click(pt.x, pt.y);
  const dialog = page.locator(sel('create-dialog'));
  await dialog.waitFor({ timeout: 10000 });
  report('calendar: click on a free time → create dialog shown', Date.now() - t0);
  return dialog;
}

/** The instant in the dialog's start field (datetime-local, read in New York). */
async function dialogStart(dialog) {
  const v = await dialog.locator(sel('create-start')).inputValue();
  return v;
}

const nyLocal = (instant) => {
  const p = Object.fromEntries(new Intl.DateTimeFormat('en-CA', { timeZone: NY, year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(instant)).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
};

const isPost = (path) => (r) => r.request().method() === 'POST' && new URL(r.url()).pathname === path;

let customerNo = 0;
async function fillCustomer(dialog, tag) {
  customerNo += 1;
  const name = `Calendar ${tag} ${customerNo}`;
  const email = `cal-${tag}-${customerNo}-${Date.now()}@example.com`;
  await dialog.locator(sel('create-name')).fill(name);
  await dialog.locator(sel('create-email')).fill(email);
  return { name, email };
}

test('a click on a free time makes a booking for that provider, service and start', async () => {
  const { ada } = providers;
  const day = await bookableDay(server, services.consult.id, [ada.id], { n: 0, minSlots: 4 });
  const target = day.starts[ada.id][1];
  const page = await dayPage(day.date, { only: [ada.id] });
  const dialog = await clickTime(page, page.locator(sel('calendar')), target);
  assert.equal(await dialogStart(dialog), nyLocal(target), 'the dialog starts at the clicked time');
  assert.equal(await dialog.locator(sel('create-kind-booking')).isChecked(), true, 'a booking is the first choice');
  await dialog.locator(sel('create-service')).selectOption(services.consult.id);
  const who = await fillCustomer(dialog, 'click');
  await screenshot(page, 'calendar-01-create-booking');
  await checkA11y(page, 'calendar create dialog (booking)');
  const t0 = Date.now();
  const [resp] = await Promise.all([page.waitForResponse(isPost('/v1/bookings')), dialog.locator(sel('create-save')).click()]);
  assert.equal(resp.status(), 201, await resp.text());
  assert.ok(resp.request().headers()['idempotency-key'], 'the console sends an Idempotency-Key');
  await dialog.waitFor({ state: 'detached', timeout: 10000 });
  const made = await resp.json();
  await page.locator(sel(`event-booking-${made.id}`)).waitFor({ timeout: 10000 });
  report('calendar: "Save" clicked → new booking shown in the calendar', Date.now() - t0);
  const note = (await page.locator(sel('cal-note')).textContent()).trim();
  assert.ok(note.includes(made.reference), `the page names the new booking: "${note}"`);

  const stored = (await server.api.all(`/v1/bookings?provider_id=${ada.id}`)).filter((b) => b.customer.email === who.email);
  assert.equal(stored.length, 1, 'one booking stored');
  assert.ok(sameInstant(stored[0].start, target), `stored at the clicked time ${target}: ${stored[0].start}`);
  assert.equal(stored[0].provider_id, ada.id);
  assert.equal(stored[0].service_id, services.consult.id);
  assert.equal(stored[0].customer.name, who.name);
  await finish(page);
});

test('a taken, a closed and a malformed booking are refused with the reason, and nothing is stored', async () => {
  const { ada } = providers;
  const day = await bookableDay(server, services.consult.id, [ada.id], { n: 1, minSlots: 4 });
  const taken = await book(server, services.consult.id, ada.id, day.starts[ada.id][0], 'taken');
  const page = await dayPage(day.date, { only: [ada.id] });
  const before = (await server.api.all(`/v1/bookings?provider_id=${ada.id}`)).length;

  // Onto the existing booking: the click lands on the booking, so the time is typed.
  const free = day.starts[ada.id][2];
  const dialog = await clickTime(page, page.locator(sel('calendar')), free);
  await dialog.locator(sel('create-start')).fill(nyLocal(taken.start));
  await dialog.locator(sel('create-service')).selectOption(services.consult.id);
  await fillCustomer(dialog, 'taken');
  let [resp] = await Promise.all([page.waitForResponse(isPost('/v1/bookings')), dialog.locator(sel('create-save')).click()]);
  assert.equal(resp.status(), 409, await resp.text());
  const error = dialog.locator(sel('create-error'));
  await error.waitFor();
  assert.equal(await error.getAttribute('role'), 'alert');
  let text = (await error.textContent()).trim();
  console.log(`taken: ${text}`);
  assert.match(text, /already booked/i, `the reason in words: "${text}"`);
  assert.doesNotMatch(text, /slot_taken|undefined|\[object|409/);

  // Before the working day (07:00): closed, with the reason from the explain codes.
  const closed = `${day.date}T07:00`;
  await dialog.locator(sel('create-start')).fill(closed);
  [resp] = await Promise.all([page.waitForResponse(isPost('/v1/bookings')), dialog.locator(sel('create-save')).click()]);
  assert.equal(resp.status(), 422, await resp.text());
  assert.equal((await resp.json()).code, 'slot_unavailable');
  await page.waitForFunction(() => /working hours|cannot be booked/i.test(document.querySelector('[data-testid="create-error"]')?.textContent || ''));
  text = (await error.textContent()).trim();
  console.log(`closed: ${text}`);
  assert.match(text, /outside the working hours/i, `the reason in words: "${text}"`);
  await screenshot(page, 'calendar-02-refused');
  await checkA11y(page, 'calendar create dialog refused');

  // A malformed e-mail: the server's field error next to the field.
  await dialog.locator(sel('create-start')).fill(nyLocal(free));
  await dialog.locator(sel('create-email')).fill('not-an-address');
  [resp] = await Promise.all([page.waitForResponse(isPost('/v1/bookings')), dialog.locator(sel('create-save')).click()]);
  assert.equal(resp.status(), 422, await resp.text());
  const body = await resp.json();
  assert.ok((body.errors || []).some((e) => e.pointer === '/customer/email'), JSON.stringify(body));
  const email = dialog.locator(sel('create-email'));
  assert.equal(await email.getAttribute('aria-invalid'), 'true', 'the e-mail field is marked');
  const errId = (await email.getAttribute('aria-describedby')).split(' ').find((x) => x.endsWith('-err'));
  const fieldText = (await page.locator(`#${errId}`).textContent()).trim();
  assert.ok(fieldText.length > 3, `the field error is shown next to the field: "${fieldText}"`);

  await dialog.locator(sel('create-cancel')).click();
  await dialog.waitFor({ state: 'detached' });
  const after = await server.api.all(`/v1/bookings?provider_id=${ada.id}`);
  assert.equal(after.length, before, 'nothing was stored');
  assert.equal((await getBooking(server, taken.id)).version, taken.version, 'the existing booking is untouched');
  await finish(page);
});

test('a weekly schedule entry for two assignees is stored with its rule and both people', async () => {
  const { ada, jonas } = providers;
  const ymd = addDays(localDate(new Date(), NY), 9);
  const page = await dayPage(ymd, { only: [ada.id] });
  const start = new Date(`${ymd}T12:00:00Z`); // 07:00 in New York (winter) or 08:00 (summer)
  const at = `${ymd}T${nyLocal(start).slice(11)}`;
  const dialog = await clickTime(page, page.locator(sel('calendar')), start.toISOString());
  assert.equal(await dialogStart(dialog), at);
  await dialog.locator(sel('create-kind-entry')).check();
  await dialog.locator(sel('entry-title')).waitFor();
  await dialog.locator(sel('entry-title')).fill('Team round');
  assert.equal(await dialog.locator(sel(`entry-assignee-${ada.id}`)).isChecked(), true, 'the provider shown is assigned');
  await dialog.locator(sel(`entry-assignee-${jonas.id}`)).check();
  await dialog.locator(sel('create-end')).fill(`${ymd}T${nyLocal(new Date(start.getTime() + 45 * 60000)).slice(11)}`);
  await dialog.locator(sel('entry-repeat')).selectOption('weekly');
  await screenshot(page, 'calendar-03-create-entry');
  await checkA11y(page, 'calendar create dialog (entry)');
  const [resp] = await Promise.all([page.waitForResponse(isPost('/v1/entries')), dialog.locator(sel('create-save')).click()]);
  assert.equal(resp.status(), 201, await resp.text());
  const made = await resp.json();
  // The dialog closes, or stays listing overlaps with other people's time.
  if (await dialog.count()) {
    if (await dialog.locator(sel('entry-conflicts')).count()) await dialog.locator(sel('create-close')).click();
  }
  const entries = await server.api.all(`/v1/entries?assignee_id=${jonas.id}`);
  const e = entries.find((x) => x.id === made.id);
  assert.ok(e, 'stored and listed for the second assignee');
  assert.equal(e.title, 'Team round');
  const dow = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'][new Date(`${ymd}T12:00:00Z`).getUTCDay()];
  assert.equal(e.rrule, `FREQ=WEEKLY;BYDAY=${dow}`);
  assert.deepEqual([...e.assignee_ids].sort(), [ada.id, jonas.id].sort());
  assert.ok(sameInstant(e.start, start.toISOString()), `starts at the clicked time: ${e.start}`);
  assert.equal(minutesBetween(e.start, e.end), 45);
  const occ = await server.api.ok('GET', `/v1/entries/${e.id}/occurrences?from=${ymd}&to=${addDays(ymd, 21)}`);
  assert.equal(occ.occurrences.length, 4, 'one a week');
  await page.locator(sel(`event-entry-${e.id}`)).first().waitFor({ timeout: 10000 });
  await finish(page);
});

/** A weekly entry of Ada's through the admin API at 07:30–08:00 New York on ymd, five times. */
async function weeklyEntry(ymd, title) {
  const start = new Date(`${ymd}T12:30:00Z`);
  return server.api.ok('POST', '/v1/entries', {
    title, start: start.toISOString(), end: new Date(start.getTime() + 30 * 60000).toISOString(),
    assignee_ids: [providers.ada.id], rrule: 'FREQ=WEEKLY;COUNT=5',
  });
}

async function occurrences(id, ymd) {
  return (await server.api.ok('GET', `/v1/entries/${id}/occurrences?from=${ymd}&to=${addDays(ymd, 40)}`)).occurrences;
}

/** Drags the first occurrence of entry `e` (shown on its day) by `minutes` and answers the scope dialog with `choice`. */
async function dragOccurrence(page, e, minutes, choice) {
  await calendarSettled(page);
  const ev = page.locator(`[data-occurrence^="${e.id}:"]`).first();
  await ev.waitFor({ timeout: 10000 });
  const pt = await timePoint(page.locator(sel('calendar')), localDate(new Date(e.start), NY), '09:00:00');
  const ppm = pt.row / 15;
  const patched = page.waitForResponse((r) => r.request().method() === 'PATCH' && new URL(r.url()).pathname === `/v1/entries/${e.id}`, { timeout: 10000 }).catch(() => null);
  const box0 = await ev.boundingBox();
  await dragBy(page, ev, minutes, ppm);
  const scope = page.locator(sel('scope-dialog'));
  await scope.waitFor({ timeout: 10000 });
  if (choice === 'cancel') await checkA11y(page, 'calendar scope dialog');
  await scope.locator(sel(`scope-${choice}`)).click();
  await scope.waitFor({ state: 'detached' });
  return { patched: choice === 'cancel' ? null : await patched, box0, ev };
}

test('dragging an occurrence: "only this" moves that one, "all" the series, cancel nothing', async () => {
  const ymd = addDays(localDate(new Date(), NY), 12);
  const one = await weeklyEntry(ymd, 'Supplies check');
  const all = await weeklyEntry(ymd, 'Lab pick-up');
  const kept = await weeklyEntry(ymd, 'Fire drill');
  const before1 = await occurrences(one.id, ymd);
  assert.equal(before1.length, 5);
  const page = await dayPage(ymd, { only: [providers.ada.id], viewport: { width: 1280, height: 1400 } });

  // Only this one, one hour later.
  let r = await dragOccurrence(page, one, 60, 'this');
  assert.equal(r.patched.status(), 200, await r.patched.text());
  const q = new URL(r.patched.url()).searchParams;
  assert.equal(q.get('scope'), 'this');
  assert.ok(sameInstant(q.get('occurrence'), one.start), `the occurrence is named by its original start: ${q.get('occurrence')}`);
  assert.equal(r.patched.request().headers()['if-match'], `"${one.version}"`, 'If-Match carries the version');
  let occ = await occurrences(one.id, ymd);
  assert.equal(occ.length, 5);
  assert.equal(minutesBetween(before1[0].start, occ[0].start), 60, 'the first occurrence moved an hour');
  assert.equal(minutesBetween(occ[0].start, occ[0].end), 30, 'and kept its length');
  assert.equal(occ[0].overridden, true);
  for (let i = 1; i < 5; i++) assert.ok(sameInstant(occ[i].start, before1[i].start), `occurrence ${i} stays`);

  // All of them, one hour later.
  const before2 = await occurrences(all.id, ymd);
  r = await dragOccurrence(page, all, 60, 'all');
  assert.equal(r.patched.status(), 200, await r.patched.text());
  occ = await occurrences(all.id, ymd);
  assert.equal(occ.length, 5);
  for (let i = 0; i < 5; i++) assert.equal(minutesBetween(before2[i].start, occ[i].start), 60, `occurrence ${i} moved`);
  const stored = await server.api.ok('GET', `/v1/entries/${all.id}`);
  assert.equal(minutesBetween(all.start, stored.start), 60, 'the series starts an hour later');
  assert.equal(stored.rrule, all.rrule);

  // Cancel: the occurrence snaps back and nothing is written.
  await calendarSettled(page);
  r = await dragOccurrence(page, kept, 60, 'cancel');
  const note = page.locator(sel('cal-note'));
  await page.waitForFunction(() => /nothing was changed/i.test(document.querySelector('[data-testid="cal-note"]')?.textContent || ''));
  console.log(`cancel: ${(await note.textContent()).trim()}`);
  // Its top is where its own time's row is (07:30 in New York), not an hour lower.
  const offset = () => page.evaluate(({ id, at }) => {
    const ev = document.querySelector(`[data-occurrence^="${id}:"]`);
    const lanes = [...document.querySelectorAll(`[data-testid="calendar"] [data-time="${at}"]`)].filter((x) => !x.firstElementChild);
    return ev && lanes.length ? ev.getBoundingClientRect().y - lanes[lanes.length - 1].getBoundingClientRect().y : null;
  }, { id: kept.id, at: `${nyLocal(kept.start).slice(11)}:00` });
  let back = null;
  for (let i = 0; i < 50; i++) {
    back = await offset();
    if (back !== null && Math.abs(back) < 4) break;
    await new Promise((res) => setTimeout(res, 100));
  }
  assert.ok(back !== null && Math.abs(back) < 4, `the occurrence snapped back to its row (${back} px from it)`);
  const unchanged = await server.api.ok('GET', `/v1/entries/${kept.id}`);
  assert.equal(unchanged.version, kept.version, 'nothing was written');
  assert.deepEqual(unchanged.overrides, kept.overrides);
  await screenshot(page, 'calendar-04-entries-dragged');
  await finish(page);
});

test('time off made from the create dialog is stored for the provider', async () => {
  const { ada } = providers;
  const ymd = addDays(localDate(new Date(), NY), 15);
  const page = await dayPage(ymd, { only: [ada.id] });
  const start = new Date(`${ymd}T12:00:00Z`);
  const dialog = await clickTime(page, page.locator(sel('calendar')), start.toISOString());
  await dialog.locator(sel('create-kind-time_off')).check();
  await dialog.locator(sel('timeoff-reason')).fill('Dentist');
  const endAt = new Date(start.getTime() + 150 * 60000);
  await dialog.locator(sel('create-end')).fill(nyLocal(endAt));
  await checkA11y(page, 'calendar create dialog (time off)');
  const [resp] = await Promise.all([page.waitForResponse(isPost(`/v1/providers/${ada.id}/time-off`)), dialog.locator(sel('create-save')).click()]);
  assert.equal(resp.status(), 201, await resp.text());
  await dialog.waitFor({ state: 'detached' });
  const list = await server.api.all(`/v1/providers/${ada.id}/time-off?from=${ymd}&to=${ymd}`);
  const mine = list.filter((x) => x.reason === 'Dentist');
  assert.equal(mine.length, 1, JSON.stringify(list));
  assert.ok(sameInstant(mine[0].start, start.toISOString()), mine[0].start);
  assert.ok(sameInstant(mine[0].end, endAt.toISOString()), mine[0].end);
  await page.locator(sel(`event-time_off-${mine[0].id}`)).waitFor({ timeout: 10000 });
  await finish(page);
});

test('providers side by side: one column per chosen provider; a drag in a column reschedules on it', async () => {
  const { ada, jonas, priya } = providers;
  const day = await bookableDay(server, services.consult.id, [ada.id], { n: 2, minSlots: 4 });
  const starts = day.starts[ada.id];
  const moving = await book(server, services.consult.id, ada.id, starts[0], 'side');
  const page = await dayPage(day.date, { viewport: { width: 1280, height: 1600 } });
  const toggle = page.locator(sel('side-by-side'));
  assert.equal(await toggle.isVisible(), true, 'offered in the day view with several providers');
  let n = page.cal.responses.length;
  await toggle.click();
  await calendarSettled(page, n + 3);
  assert.equal(await toggle.getAttribute('aria-pressed'), 'true');
  for (const p of [ada, jonas, priya]) {
    const head = page.locator(sel(`column-${p.id}`));
    await head.waitFor();
    assert.equal((await head.textContent()).trim(), p.name);
  }
  assert.equal(await page.locator('[data-testid^="column-"]').count(), 3);
  // Each column asks for its own provider only.
  const asked = page.cal.responses.slice(n).map((r) => r.providerIds.join(','));
  assert.deepEqual([...asked].sort(), [ada.id, jonas.id, priya.id].sort(), `one request per column: ${asked}`);
  await page.locator(`${sel(`calendar-${ada.id}`)} ${sel(`event-booking-${moving.id}`)}`).waitFor({ timeout: 10000 });
  assert.equal(await page.locator(`${sel(`calendar-${jonas.id}`)} ${sel(`event-booking-${moving.id}`)}`).count(), 0, 'not in another column');
  await screenshot(page, 'calendar-05-side-by-side');
  await checkA11y(page, 'calendar side by side');

  // One provider fewer: one column fewer.
  n = page.cal.responses.length;
  await page.click(sel(`provider-filter-${priya.id}`));
  await calendarSettled(page, n + 2);
  assert.equal(await page.locator('[data-testid^="column-"]').count(), 2);
  assert.equal(await page.locator(sel(`column-${priya.id}`)).count(), 0);

  // A drag inside Ada's column: the booking moves to a free start later that day, with Ada.
  const free = (await freeStarts(server, services.consult.id, ada.id, { from: day.date, days: 1 })).get(day.date) || [];
  const target = free.find((s) => minutesBetween(moving.start, s) >= 60 && minutesBetween(moving.start, s) % 15 === 0);
  assert.ok(target, `a free start later on ${day.date}: ${free}`);
  const col = page.locator(sel(`calendar-${ada.id}`));
  const pt = await timePoint(col, day.date, '09:00:00');
  const ev = col.locator(sel(`event-booking-${moving.id}`));
  const moved = page.waitForResponse(isPost(`/v1/bookings/${moving.id}/reschedule`), { timeout: 10000 });
  await dragBy(page, ev, minutesBetween(moving.start, target), pt.row / 15);
  const resp = await moved;
  assert.equal(resp.status(), 200, await resp.text());
  const now = await getBooking(server, moving.id);
  assert.ok(sameInstant(now.start, target), `moved to ${target}: ${now.start}`);
  assert.equal(now.provider_id, ada.id, 'still with the provider of the column');
  await finish(page);
});

test('an entry\'s detail renames only this occurrence and deletes the series from a later one on', async () => {
  const ymd = addDays(localDate(new Date(), NY), 18);
  const e = await weeklyEntry(ymd, 'Inventory');
  const page = await dayPage(ymd, { only: [providers.ada.id] });
  const ev = page.locator(`[data-occurrence^="${e.id}:"]`).first();
  await ev.waitFor({ timeout: 10000 });
  await ev.click();
  const detail = page.locator(sel('entry-detail'));
  await detail.locator(sel('entry-title')).waitFor({ timeout: 10000 });
  assert.equal(await detail.locator(sel('entry-title')).inputValue(), 'Inventory');
  assert.equal((await detail.locator(sel('entry-rule')).textContent()).trim(), e.rrule);
  await checkA11y(page, 'calendar entry detail');
  await detail.locator(sel('entry-title')).fill('Inventory (short)');
  await detail.locator(sel('entry-save')).click();
  const scope = page.locator(sel('scope-dialog'));
  await scope.waitFor();
  const [resp] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'PATCH' && new URL(r.url()).pathname === `/v1/entries/${e.id}`),
    scope.locator(sel('scope-this')).click(),
  ]);
  assert.equal(resp.status(), 200, await resp.text());
  let occ = await occurrences(e.id, ymd);
  assert.equal(occ[0].title, 'Inventory (short)', 'the first occurrence is renamed');
  assert.ok(occ.slice(1).every((o) => o.title === 'Inventory'), 'the others keep their title');

  // Delete from the third occurrence on: the series ends after the second.
  await detail.locator(sel('entry-close')).click();
  await detail.waitFor({ state: 'detached' });
  await gotoDay(page, addDays(ymd, 14));
  const third = page.locator(`[data-occurrence^="${e.id}:"]`).first();
  await third.waitFor({ timeout: 10000 });
  await third.click();
  await detail.locator(sel('entry-delete')).waitFor({ timeout: 10000 });
  await detail.locator(sel('entry-delete')).click();
  await scope.waitFor();
  const [del] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'DELETE' && new URL(r.url()).pathname === `/v1/entries/${e.id}`),
    scope.locator(sel('scope-future')).click(),
  ]);
  assert.equal(del.status(), 204, `DELETE answered ${del.status()}`);
  occ = await occurrences(e.id, ymd);
  assert.equal(occ.length, 2, `two occurrences are left: ${occ.map((o) => o.start)}`);
  await detail.waitFor({ state: 'detached' });
  await finish(page);
});

test('resizing a later occurrence with "this and the following" splits the series there', async () => {
  const ymd = addDays(localDate(new Date(), NY), 21);
  const e = await weeklyEntry(ymd, 'Long rounds');
  const second = addDays(ymd, 7);
  const page = await dayPage(second, { only: [providers.ada.id], viewport: { width: 1280, height: 1400 } });
  const ev = page.locator(`[data-occurrence^="${e.id}:"]`).first();
  await ev.waitFor({ timeout: 10000 });
  const pt = await timePoint(page.locator(sel('calendar')), second, '09:00:00');
  const ppm = pt.row / 15;
  await ev.scrollIntoViewIfNeeded();
  await ev.hover();
  const box = await ev.boundingBox();
  const x = box.x + box.width / 2;
  const y = box.y + box.height - 2;
  const patched = page.waitForResponse((r) => r.request().method() === 'PATCH' && new URL(r.url()).pathname === `/v1/entries/${e.id}`, { timeout: 10000 });
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(x, y + 6, { steps: 3 });
  await page.mouse.move(x, y + 30 * ppm, { steps: 12 });
  await new Promise((r) => setTimeout(r, 150));
  await page.mouse.up();
  const scope = page.locator(sel('scope-dialog'));
  await scope.waitFor({ timeout: 10000 });
  await scope.locator(sel('scope-future')).click();
  const resp = await patched;
  assert.equal(resp.status(), 200, await resp.text());
  const body = await resp.json();
  const q = new URL(resp.url()).searchParams;
  assert.equal(q.get('scope'), 'future');
  assert.equal(body.split_from, e.id, 'the answer is the new series split from the old one');
  assert.equal(minutesBetween(body.start, body.end), 60, 'the new series lasts an hour');
  assert.equal(minutesBetween(e.start, body.start), 7 * 24 * 60, 'and starts at the second occurrence');
  const oldOcc = await occurrences(e.id, ymd);
  assert.equal(oldOcc.length, 1, 'the old series ends before it');
  assert.equal(minutesBetween(oldOcc[0].start, oldOcc[0].end), 30, 'keeping its length');
  const newOcc = await occurrences(body.id, ymd);
  assert.equal(newOcc.length, 4, 'the rest of the five follow the new series');
  await finish(page);
});

test('an entry over a booking is saved and the overlap the API reports is listed', async () => {
  const { ada } = providers;
  const day = await bookableDay(server, services.consult.id, [ada.id], { n: 3, minSlots: 4 });
  const busy = await book(server, services.consult.id, ada.id, day.starts[ada.id][0], 'overlap');
  const page = await dayPage(day.date, { only: [ada.id] });
  const dialog = await clickTime(page, page.locator(sel('calendar')), day.starts[ada.id][2]);
  await dialog.locator(sel('create-kind-entry')).check();
  await dialog.locator(sel('entry-title')).fill('Boiler service');
  await dialog.locator(sel('create-start')).fill(nyLocal(busy.start));
  await dialog.locator(sel('create-end')).fill(nyLocal(new Date(Date.parse(busy.start) + 30 * 60000)));
  const [resp] = await Promise.all([page.waitForResponse(isPost('/v1/entries')), dialog.locator(sel('create-save')).click()]);
  assert.equal(resp.status(), 201, await resp.text());
  const made = await resp.json();
  assert.ok(made.conflicts.some((c) => c.kind === 'booking' && c.id === busy.id), JSON.stringify(made.conflicts));
  const list = dialog.locator(sel('entry-conflicts'));
  await list.waitFor({ timeout: 10000 });
  assert.equal(await list.locator(`li[data-id="${busy.id}"]`).count(), 1, 'the booking is listed');
  const text = (await list.textContent()).trim();
  assert.ok(text.includes(ada.name), `the overlap names the provider: "${text}"`);
  await checkA11y(page, 'calendar entry conflicts');
  await dialog.locator(sel('create-close')).click();
  await dialog.waitFor({ state: 'detached' });
  const stored = await server.api.ok('GET', `/v1/entries/${made.id}`);
  assert.equal(stored.title, 'Boiler service', 'stored in spite of the overlap');
  assert.equal((await getBooking(server, busy.id)).version, busy.version, 'the booking is untouched');
  await finish(page);
});

test('a staff user is offered a booking or an entry from the calendar, not time off (which the server keeps for administrators)', async () => {
  const { jonas } = providers;
  const page = await newPage(browser, server);
  watchCalendar(page);
  await openConsole(page, server);
  const session = await signIn(page, server.signIn.staff, 'calendar (staff)');
  await page.locator(sel('calendar')).waitFor({ timeout: 15000 });
  await calendarSettled(page);
  await page.click(sel('create-open'));
  const dialog = page.locator(sel('create-dialog'));
  await dialog.waitFor();
  assert.equal(await dialog.locator(sel('create-kind-booking')).count(), 1, 'a booking is offered');
  assert.equal(await dialog.locator(sel('create-kind-entry')).count(), 1, 'an entry is offered');
  assert.equal(await dialog.locator(sel('create-kind-time_off')).count(), 0, 'time off is not offered to staff');
  await checkA11y(page, 'calendar create dialog (staff)');
  // The reason: the same session may not write time off, even for its own provider.
  const before = await server.api.all(`/v1/providers/${jonas.id}/time-off`);
  const refused = await pageFetch(page, 'POST', `/v1/providers/${jonas.id}/time-off`, {
    body: { start: '2031-03-03T09:00:00Z', end: '2031-03-03T10:00:00Z' },
    headers: { 'X-CSRF-Token': session.csrf_token },
  });
  assert.equal(refused.status, 403, refused.text);
  assert.equal((await server.api.all(`/v1/providers/${jonas.id}/time-off`)).length, before.length, 'nothing stored');
  await dialog.locator(sel('create-cancel')).click();
  await dialog.waitFor({ state: 'detached' });
  await finish(page);
});
