// The console's availability page in Chromium against the real slotd with the demo clinic:
// the weekly hours (a second interval on a day, copying Monday to Tuesday, dated versions and
// alternating weeks), a click on a date closing it, a dragged range of dates becoming time off,
// a holiday added and deleted, an overlap the server refuses (shown, nothing stored), and the
// staff user tied to Dr. Jonas Weber reading his own hours with nothing to save. Every result
// is read back through the admin API, and the page's 7-day preview is compared with GET
// /v1/slots after each change. axe runs on the page.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { newPage, screenshot, checkA11y, finish, report, localDate, addDays } from './harness.mjs';
import { sel } from './flows.mjs';
import { consoleSuite, openConsole, signIn } from './console_flows.mjs';

let server;
let browser;
let providers;

consoleSuite((s) => ({ server, browser, providers } = s));

const isSlots = (r) => r.request().method() === 'GET' && new URL(r.url()).pathname === '/v1/slots';
const path = (r) => new URL(r.url()).pathname;

/** Waits until the preview shows its 7 days and is not reading. */
async function previewSettled(page) {
  await page.waitForFunction(() => {
    const p = document.querySelector('[data-testid="slot-preview"]');
    return p && p.getAttribute('aria-busy') === 'false' && p.querySelectorAll('[data-testid^="preview-day-"]').length === 7;
  }, null, { timeout: 15000 });
}

/** Runs action() and waits for the preview to be read again afterwards. */
async function refreshed(page, action) {
  const [resp] = await Promise.all([page.waitForResponse(isSlots, { timeout: 15000 }), action()]);
  assert.equal(resp.status(), 200, `GET /v1/slots: ${await resp.text()}`);
  await previewSettled(page);
}

/** Signs in and opens the availability page (on the given provider, when a picker is shown). */
async function openAvailability(creds, providerId, label) {
  const page = await newPage(browser, server);
  await openConsole(page, server);
  await signIn(page, creds, label);
  const t0 = Date.now();
  await refreshed(page, () => page.click(sel('nav-availability')));
  await page.locator(sel('weekday-mon')).waitFor();
  report(`${label}: "Availability" clicked → hours and preview shown`, Date.now() - t0);
  const picker = page.locator(sel('avail-provider'));
  if (providerId && await picker.count() && await picker.inputValue() !== providerId) {
    await refreshed(page, () => picker.selectOption(providerId));
    const zone = Object.values(providers).find((p) => p.id === providerId).timezone;
    await page.waitForFunction((z) => (document.querySelector('[data-testid="avail-zone"]') || {}).textContent?.includes(z), zone);
  }
  await page.locator(sel('weekday-mon')).waitFor();
  return page;
}

/** The preview's number of starts on a date. */
async function previewCount(page, date) {
  return Number(await page.locator(sel(`preview-day-${date}`)).getAttribute('data-count'));
}

/** The starts the preview lists on a date (the instants, as the server wrote them). */
async function previewStarts(page, date) {
  return page.locator(`${sel(`preview-day-${date}`)} li[data-start]`).evaluateAll((ls) => ls.map((l) => l.dataset.start));
}

/** The server's own starts of a service for one provider on a date (in the provider's zone). */
async function serverStarts(serviceId, provider, date) {
  const q = new URLSearchParams({ service_id: serviceId, provider_id: provider.id, from: date, to: date, timezone: provider.timezone });
  const { slots } = await server.api.ok('GET', `/v1/slots?${q}`);
  return slots.map((s) => s.start);
}

async function schedule(provider) {
  return server.api.ok('GET', `/v1/providers/${provider.id}/schedule`);
}

/** Fills an interval's start and end inputs. */
async function setInterval(page, day, i, start, end) {
  const row = page.locator(sel(`interval-${day}-${i}`));
  await row.locator('input[name="start"]').fill(start);
  await row.locator('input[name="end"]').fill(end);
}

/** Saves the weekly hours; returns the PUT's answer. */
async function saveSchedule(page) {
  const [resp] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'PUT' && /\/schedule$/.test(path(r))),
    page.click(sel('schedule-save')),
  ]);
  return resp;
}

/** The month grid's cell of a date, moving the grid forwards until it is shown. */
async function dayCell(page, date) {
  const cell = page.locator(sel(`ovcal-day-${date}`));
  for (let i = 0; i < 3 && await cell.count() === 0; i++) {
    await page.click(sel('ovcal-next'));
    await page.waitForTimeout(200);
  }
  await cell.waitFor();
  await cell.scrollIntoViewIfNeeded();
  return cell;
}

/** A point near the foot of a cell (below any item the day shows). */
async function cellPoint(cell) {
  const box = await cell.boundingBox();
  assert.ok(box, 'the date is on screen');
  return { x: box.x + box.width / 2, y: box.y + box.height - 6 };
}

test('weekly hours: a second interval on a day off and Monday copied to Tuesday are stored, and the preview changes', async () => {
  const { priya } = providers;
  const before = await schedule(priya);
  const today = localDate(new Date(), priya.timezone);
  const days = Array.from({ length: 7 }, (_, i) => addDays(today, i));
  // The day off that gets hours: the first Saturday or Sunday after today (today's starts may
  // all be past by the time the test runs, so never today).
  const saturday = days.slice(1).find((d) => [0, 6].includes(new Date(`${d}T12:00:00Z`).getUTCDay()));
  const key = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'][new Date(`${saturday}T12:00:00Z`).getUTCDay()];
  const otherOff = key === 'sat' ? 'sun' : 'sat';
  assert.deepEqual(before.weekly[key], [], `Dr. Nair does not work on ${key} yet`);
  const page = await openAvailability(server.signIn.admin, priya.id, 'availability (admin)');
  const serviceId = await page.locator(sel('preview-service')).inputValue();
  assert.match(serviceId, /^svc_/, 'the preview has a service of Dr. Nair');
  assert.equal(await previewCount(page, saturday), 0, 'no starts on the day off before the change');
  assert.deepEqual(await serverStarts(serviceId, priya, saturday), []);
  await checkA11y(page, 'availability (admin)');
  await screenshot(page, 'availability-01-admin');

  // The day off: two intervals.
  await page.click(sel(`add-interval-${key}`));
  await setInterval(page, key, 0, '09:00', '12:00');
  await page.click(sel(`add-interval-${key}`));
  await setInterval(page, key, 1, '13:00', '15:00');
  // Monday starts at 08:00 now, then copied to Tuesday.
  await setInterval(page, 'mon', 0, '08:00', '12:00');
  await page.click(sel('copy-day-mon'));
  await page.locator(sel('copy-panel')).waitFor();
  await page.check(sel('copy-target-tue'));
  await page.click(sel('copy-apply'));
  assert.equal(await page.locator(`${sel('interval-tue-0')} input[name="start"]`).inputValue(), '08:00', 'Tuesday shows the copy');
  assert.match(await page.locator(sel('schedule-dirty')).textContent(), /unsaved/i, 'the page says the edits are not saved yet');

  const t0 = Date.now();
  let resp;
  await refreshed(page, async () => { resp = await saveSchedule(page); });
  report('availability: "Save weekly hours" clicked → preview read again', Date.now() - t0);
  assert.equal(resp.status(), 200, await resp.text());
  await page.locator(sel('schedule-status')).filter({ hasText: /saved/i }).waitFor();
  assert.equal(await page.locator(sel('schedule-dirty')).textContent(), '', 'nothing unsaved after the save');

  const stored = await schedule(priya);
  assert.deepEqual(stored.weekly[key], [{ start: '09:00', end: '12:00' }, { start: '13:00', end: '15:00' }]);
  assert.deepEqual(stored.weekly.mon, [{ start: '08:00', end: '12:00' }, before.weekly.mon[1]]);
  assert.deepEqual(stored.weekly.tue, stored.weekly.mon, 'Monday was copied to Tuesday');
  assert.deepEqual(stored.weekly.wed, before.weekly.wed, 'Wednesday is as it was');
  assert.deepEqual(stored.weekly[otherOff], []);

  const sat = await serverStarts(serviceId, priya, saturday);
  assert.ok(sat.length > 0, 'the server offers starts on the day off now');
  assert.equal(await previewCount(page, saturday), sat.length, 'the preview counts the new starts of the day off');
  assert.deepEqual(await previewStarts(page, saturday), sat);
  for (const d of days) assert.equal(await previewCount(page, d), (await serverStarts(serviceId, priya, d)).length, `preview of ${d}`);
  await screenshot(page, 'availability-02-saved');
  await finish(page);
});

test('overlapping intervals are refused by the server: the error is shown at the interval and nothing is stored', async () => {
  const { priya } = providers;
  const before = await schedule(priya);
  const page = await openAvailability(server.signIn.admin, priya.id, 'availability (admin)');
  assert.equal(await page.locator(sel('interval-wed-1')).count(), 1, 'Wednesday has two intervals');
  const first = before.weekly.wed[0];
  // The second interval starts inside the first.
  await setInterval(page, 'wed', 1, '11:00', before.weekly.wed[1].end);
  assert.ok(first.start < '11:00' && '11:00' < first.end, `11:00 lies in ${first.start}–${first.end}`);
  const resp = await saveSchedule(page);
  assert.equal(resp.status(), 422, await resp.text());
  const problem = await resp.json();
  assert.ok(problem.errors.some((e) => e.pointer === '/weekly/wed/1'), JSON.stringify(problem.errors));
  const alert = page.locator(sel('schedule-error'));
  await alert.waitFor();
  assert.equal(await alert.getAttribute('role'), 'alert');
  const text = (await alert.textContent()).trim();
  assert.match(text, /not saved/i, `says nothing was saved: "${text}"`);
  assert.match(text, /overlap/i, `says why: "${text}"`);
  const fieldError = page.locator(`${sel('interval-wed-1')} ${sel('field-error')}`);
  await fieldError.waitFor();
  assert.match(await fieldError.textContent(), /overlap/i, 'the reason stands at the second Wednesday interval');
  assert.equal(await page.locator(`${sel('interval-wed-1')} input[name="start"]`).getAttribute('aria-invalid'), 'true');
  assert.deepEqual(await schedule(priya), before, 'the stored schedule is unchanged');
  await screenshot(page, 'availability-03-overlap');
  await checkA11y(page, 'availability overlap refused');
  await finish(page);
});

test('a click on a date closes it (override stored, preview day empty); a dragged range becomes time off', async () => {
  const { priya } = providers;
  const page = await openAvailability(server.signIn.admin, priya.id, 'availability (admin)');
  const serviceId = await page.locator(sel('preview-service')).inputValue();
  const today = localDate(new Date(), priya.timezone);
  let closeDay = null;
  for (let i = 1; i <= 3 && !closeDay; i++) if (await previewCount(page, addDays(today, i)) > 0) closeDay = addDays(today, i);
  assert.ok(closeDay, 'a day with starts in the next three days');

  // A click on the date: the override form, closed by default.
  const cell = await dayCell(page, closeDay);
  const pt = await cellPoint(cell);
  await page.mouse.click(pt.x, pt.y);
  const form = page.locator(sel('override-form'));
  await form.waitFor();
  assert.equal(await page.locator(sel('override-closed')).isChecked(), true, 'closed is the default for a new date');
  await page.fill(sel('override-note'), 'Inventory');
  await checkA11y(page, 'availability override form');
  let post;
  await refreshed(page, async () => {
    [post] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && /\/overrides$/.test(path(r))),
      page.click(sel('override-save')),
    ]);
  });
  assert.equal(post.status(), 201, await post.text());
  const ovs = await server.api.all(`/v1/providers/${priya.id}/overrides?from=${closeDay}&to=${closeDay}`);
  const mine = ovs.filter((o) => o.date === closeDay);
  assert.equal(mine.length, 1, JSON.stringify(ovs));
  assert.equal(mine[0].closed, true);
  assert.deepEqual(mine[0].intervals, []);
  assert.equal(mine[0].note, 'Inventory');
  assert.deepEqual(await serverStarts(serviceId, priya, closeDay), [], 'the server offers nothing that day');
  assert.equal(await previewCount(page, closeDay), 0, 'the preview day shows no starts');
  await page.locator(sel(`ovcal-override-${closeDay}`)).filter({ hasText: /Closed/ }).waitFor();
  await page.locator(sel(`override-row-${mine[0].id}`)).waitFor();

  // A range of two dates: time off over both, whole days in the provider's zone.
  const d1 = addDays(today, 4);
  const d2 = addDays(today, 5);
  const c1 = await dayCell(page, d1);
  const c2 = page.locator(sel(`ovcal-day-${d2}`));
  await c2.waitFor();
  const p1 = await cellPoint(c1);
  const p2 = await cellPoint(c2);
  await page.mouse.move(p1.x, p1.y);
  await page.mouse.down();
  await page.mouse.move((p1.x + p2.x) / 2, (p1.y + p2.y) / 2, { steps: 5 });
  await page.mouse.move(p2.x, p2.y, { steps: 5 });
  await page.mouse.up();
  const tform = page.locator(sel('timeoff-form'));
  await tform.waitFor();
  assert.equal(await page.locator(sel('timeoff-start-date')).inputValue(), d1);
  assert.equal(await page.locator(sel('timeoff-end-date')).inputValue(), d2);
  assert.equal(await page.locator(sel('timeoff-allday')).isChecked(), true);
  await page.fill(sel('timeoff-reason'), 'Training course');
  let tpost;
  await refreshed(page, async () => {
    [tpost] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && /\/time-off$/.test(path(r))),
      page.click(sel('timeoff-save')),
    ]);
  });
  assert.equal(tpost.status(), 201, await tpost.text());
  const offs = (await server.api.all(`/v1/providers/${priya.id}/time-off?from=${d1}&to=${d2}`))
    .filter((x) => x.reason === 'Training course');
  assert.equal(offs.length, 1, JSON.stringify(offs));
  assert.equal(offs[0].start, `${d1}T00:00:00+05:30`, 'from the first date\'s midnight in Asia/Kolkata');
  assert.equal(offs[0].end, `${addDays(d2, 1)}T00:00:00+05:30`, 'to the midnight after the last date');
  for (const d of [d1, d2]) {
    assert.deepEqual(await serverStarts(serviceId, priya, d), []);
    assert.equal(await previewCount(page, d), 0, `no starts on ${d} in the preview`);
  }
  await page.locator(sel(`timeoff-row-${offs[0].id}`)).filter({ hasText: 'Training course' }).waitFor();
  await page.locator(sel(`ovcal-time_off-${offs[0].id}`)).waitFor();
  await screenshot(page, 'availability-04-closed-and-time-off');

  // Deleting the closed day from its form gives the starts back.
  await page.locator(sel(`override-edit-${mine[0].id}`)).click();
  await form.waitFor();
  await page.click(sel('override-delete'));
  await refreshed(page, () => page.click(sel('confirm-delete')));
  assert.equal((await server.api.all(`/v1/providers/${priya.id}/overrides?from=${closeDay}&to=${closeDay}`))
    .filter((o) => o.date === closeDay).length, 0, 'the override is gone');
  const back = await serverStarts(serviceId, priya, closeDay);
  assert.ok(back.length > 0);
  assert.equal(await previewCount(page, closeDay), back.length, 'the preview shows the starts again');
  await finish(page);
});

test('dated versions and alternating weeks are stored as entered; a holiday for one provider is added and deleted', async () => {
  const { priya } = providers;
  const page = await openAvailability(server.signIn.admin, priya.id, 'availability (admin)');
  const today = localDate(new Date(), priya.timezone);
  // A new version from the Monday four weeks on, alternating: week B has no Monday.
  const monday = addDays(today, 28 - ((new Date(`${today}T12:00:00Z`).getUTCDay() + 6) % 7));
  await page.fill(sel('version-from'), monday);
  await page.click(sel('add-version'));
  await page.locator(sel('version-1')).waitFor();
  assert.equal(await page.locator(sel('version-1')).getAttribute('aria-pressed'), 'true', 'the new version is shown');
  await page.check(sel('alternating'));
  await page.locator(sel('week-b')).waitFor();
  await page.fill(sel('anchor-date'), monday);
  await page.click(sel('week-b'));
  assert.equal(await page.locator(sel('week-b')).getAttribute('aria-pressed'), 'true');
  while (await page.locator(sel('remove-interval-mon-0')).count()) await page.click(sel('remove-interval-mon-0'));
  const resp = await saveSchedule(page);
  assert.equal(resp.status(), 200, await resp.text());
  const stored = await schedule(priya);
  assert.equal(stored.versions.length, 2, JSON.stringify(stored.versions));
  const [v1, v2] = stored.versions;
  assert.equal(v1.effective_until, addDays(monday, -1), 'the first version ends the day before');
  assert.equal(v2.effective_from, monday);
  assert.equal(v2.effective_until, null);
  assert.equal(v2.anchor_date, monday);
  assert.equal(v2.weeks.length, 2, 'week A and week B');
  assert.deepEqual(v2.weeks[1].mon, [], 'week B has no Monday');
  assert.deepEqual(v2.weeks[0].mon, v1.weekly.mon, 'week A keeps the Monday hours');
  assert.deepEqual(v2.weeks[0].sat, v1.weekly.sat);
  await checkA11y(page, 'availability versions');

  // A holiday for Dr. Nair only, inside the preview: its day has no starts.
  const serviceId = await page.locator(sel('preview-service')).inputValue();
  let day = null;
  for (let i = 1; i <= 6 && !day; i++) if (await previewCount(page, addDays(today, i)) > 0) day = addDays(today, i);
  assert.ok(day, 'a day with starts this week');
  await page.click(sel('holiday-add'));
  await page.locator(sel('holiday-form')).waitFor();
  await page.fill(sel('holiday-name'), 'Clinic move');
  await page.fill(sel('holiday-date'), day);
  await page.selectOption(sel('holiday-type'), 'closure');
  await page.selectOption(sel('holiday-scope'), 'this');
  await refreshed(page, () => page.click(sel('holiday-save')));
  const hol = (await server.api.all('/v1/holidays')).find((x) => x.name === 'Clinic move');
  assert.ok(hol, 'the holiday is stored');
  assert.equal(hol.date, day);
  assert.equal(hol.type, 'closure');
  assert.deepEqual(hol.provider_ids, [priya.id]);
  assert.equal(hol.recurring, null);
  assert.equal(await previewCount(page, day), 0, 'the holiday closes the day in the preview');
  assert.deepEqual(await serverStarts(serviceId, priya, day), []);
  await page.locator(sel(`holiday-row-${hol.id}`)).waitFor();
  await page.click(sel(`holiday-delete-${hol.id}`));
  await refreshed(page, () => page.click(sel('confirm-delete')));
  assert.equal((await server.api.all('/v1/holidays')).some((x) => x.id === hol.id), false, 'the holiday is deleted');
  assert.ok(await previewCount(page, day) > 0, 'the day has starts again');
  await finish(page);
});

test('without a mouse: a date field opens the form, a weekly preset makes one override per date; time off is edited', async () => {
  const { ada } = providers;
  const page = await openAvailability(server.signIn.admin, ada.id, 'availability (admin)');
  const today = localDate(new Date(), ada.timezone);
  let day = null;
  for (let i = 1; i <= 6 && !day; i++) if (await previewCount(page, addDays(today, i)) > 0) day = addDays(today, i);
  assert.ok(day, 'a day with starts this week');
  await page.fill(sel('override-date-input'), day);
  await page.click(sel('override-open'));
  await page.locator(sel('override-form')).waitFor();
  await page.uncheck(sel('override-closed'));
  await page.locator(`${sel('ov-interval-0')} input[name="start"]`).fill('09:00');
  await page.locator(`${sel('ov-interval-0')} input[name="end"]`).fill('11:00');
  await page.fill(sel('override-note'), 'Short day');
  await page.selectOption(sel('override-preset'), 'weekly');
  await page.fill(sel('preset-until'), addDays(day, 21));
  await page.locator(sel('preset-count')).filter({ hasText: /^4 exceptions will be made/ }).waitFor();
  await refreshed(page, () => page.click(sel('override-save')));
  await page.locator(sel('overrides-status')).filter({ hasText: /4 exceptions made/ }).waitFor();
  const made = (await server.api.all(`/v1/providers/${ada.id}/overrides`)).filter((o) => o.note === 'Short day')
    .sort((a, b) => a.date.localeCompare(b.date));
  assert.deepEqual(made.map((o) => o.date), [0, 7, 14, 21].map((n) => addDays(day, n)), 'one override for each week of the preset');
  for (const o of made) {
    assert.equal(o.closed, false);
    assert.equal(o.rrule, null, 'single dates, not a rule');
    assert.deepEqual(o.intervals, [{ start: '09:00', end: '11:00' }]);
  }
  const serviceId = await page.locator(sel('preview-service')).inputValue();
  const starts = await serverStarts(serviceId, ada, day);
  assert.ok(starts.length > 0 && starts.every((s) => s.slice(11, 16) >= '09:00' && s.slice(11, 16) < '11:00'), starts.join(' '));
  assert.deepEqual(await previewStarts(page, day), starts, 'the preview shows only the changed hours');

  // The demo's staff meeting (next Wednesday 14:00–16:00): ends at 15:00 now, with a new reason.
  const meeting = (await server.api.all(`/v1/providers/${ada.id}/time-off`)).find((x) => x.reason === 'Staff meeting');
  assert.ok(meeting, 'the demo has a staff meeting');
  await page.click(sel(`timeoff-edit-${meeting.id}`));
  await page.locator(sel('timeoff-form')).waitFor();
  assert.equal(await page.locator(sel('timeoff-allday')).isChecked(), false);
  assert.equal(await page.locator(sel('timeoff-start-time')).inputValue(), '14:00');
  await page.fill(sel('timeoff-end-time'), '15:00');
  await page.fill(sel('timeoff-reason'), 'Team meeting');
  const [patch] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'PATCH' && /\/time-off\//.test(path(r))),
    page.click(sel('timeoff-save')),
  ]);
  assert.equal(patch.status(), 200, await patch.text());
  const after = await server.api.ok('GET', `/v1/providers/${ada.id}/time-off?from=${meeting.start.slice(0, 10)}&to=${meeting.start.slice(0, 10)}`);
  const edited = after.data.find((x) => x.id === meeting.id);
  assert.equal(edited.start, meeting.start, 'the start is kept');
  assert.equal(edited.end, `${meeting.start.slice(0, 10)}T15:00:00${meeting.start.slice(19)}`);
  assert.equal(edited.reason, 'Team meeting');
  await page.locator(sel(`timeoff-row-${meeting.id}`)).filter({ hasText: 'Team meeting' }).waitFor();
  await finish(page);
});

test('the staff user tied to Dr. Jonas Weber reads his own hours, with nothing to save or change', async () => {
  const { jonas } = providers;
  const stored = await schedule(jonas);
  const page = await openAvailability(server.signIn.staff, null, 'availability (staff)');
  assert.equal(await page.locator(sel('avail-provider')).count(), 0, 'no provider picker');
  assert.match(await page.locator(sel('avail-own')).textContent(), /Jonas Weber/);
  assert.match(await page.locator(sel('avail-zone')).textContent(), /Europe\/Berlin/);
  const mon = (await page.locator(sel('weekday-mon')).textContent()).replace(/\s+/g, ' ');
  assert.equal(stored.weekly.mon.length, 2);
  assert.match(mon, /8:00/, `Monday shows his hours: "${mon}"`);
  for (const hook of ['schedule-save', 'add-interval-mon', 'copy-day-mon', 'add-version', 'alternating',
    'override-open', 'timeoff-new', 'holiday-add']) {
    assert.equal(await page.locator(sel(hook)).count(), 0, `no ${hook} for staff`);
  }
  assert.equal(await page.locator(`${sel('weekly-editor')} input`).count(), 0, 'the hours are text, not inputs');
  // A click on a date opens nothing.
  const today = localDate(new Date(), jonas.timezone);
  const cell = await dayCell(page, addDays(today, 2));
  const pt = await cellPoint(cell);
  await page.mouse.click(pt.x, pt.y);
  await page.waitForTimeout(300);
  assert.equal(await page.locator(sel('override-form')).count(), 0, 'no override form for staff');
  // His conference (the demo's closed Friday) is in the list, without edit or delete.
  const ovs = await server.api.all(`/v1/providers/${jonas.id}/overrides`);
  assert.ok(ovs.length >= 1);
  await page.locator(sel(`override-row-${ovs[0].id}`)).waitFor();
  assert.equal(await page.locator(`${sel('overrides-list')} button`).count(), 0, 'no buttons in the list');
  const serviceId = await page.locator(sel('preview-service')).inputValue();
  const d = addDays(today, 1);
  assert.equal(await previewCount(page, d), (await serverStarts(serviceId, jonas, d)).length, 'the preview works for staff');
  await screenshot(page, 'availability-05-staff');
  await checkA11y(page, 'availability (staff)');
  await finish(page);
});

test('a weekly preset cut short by the 500-exception cap: a second save makes only the dates still missing', async () => {
  // A provider of its own, 497 exceptions away from the cap (far-off dates, out of the way).
  const prov = await server.api.ok('POST', '/v1/providers', { name: 'Dr. Cap Testing', timezone: 'UTC' });
  // (the admin key's rate limit is respected: a 429 waits for its Retry-After and tries again)
  const fill = async (date) => {
    for (;;) {
      const r = await server.api.post(`/v1/providers/${prov.id}/overrides`, { date, note: 'filler' });
      if (r.status !== 429) { assert.equal(r.status, 201, r.text); return; }
      await new Promise((res) => setTimeout(res, 1000 * Number(r.headers.get('retry-after') || 1)));
    }
  };
  for (let i = 0; i < 497; i += 25) {
    await Promise.all(Array.from({ length: Math.min(25, 497 - i) }, (_, k) => fill(addDays('2031-01-01', i + k))));
  }
  const page = await newPage(browser, server);
  await openConsole(page, server);
  await signIn(page, server.signIn.admin, 'availability (admin, capped provider)');
  await page.click(sel('nav-availability'));
  await page.locator(sel('weekday-mon')).waitFor();
  await page.selectOption(sel('avail-provider'), prov.id);
  await page.waitForFunction((n) => (document.querySelector('[data-testid="avail-zone"]') || {}).textContent?.includes(n), prov.name);
  const day = addDays(localDate(new Date(), 'UTC'), 2);
  await page.fill(sel('override-date-input'), day);
  await page.click(sel('override-open'));
  await page.locator(sel('override-form')).waitFor();
  await page.fill(sel('override-note'), 'Capped');
  await page.selectOption(sel('override-preset'), 'weekly');
  await page.fill(sel('preset-until'), addDays(day, 28));
  await page.locator(sel('preset-count')).filter({ hasText: /^5 exceptions will be made/ }).waitFor();
  await page.click(sel('override-save'));
  await page.locator(sel('override-error')).filter({ hasText: /^3 of 5 exceptions were made/ }).waitFor();

  // Room for one more: the same save again stores the fourth date, not the first a second time.
  const filler = (await server.api.all(`/v1/providers/${prov.id}/overrides`)).find((o) => o.note === 'filler');
  await server.api.ok('DELETE', `/v1/providers/${prov.id}/overrides/${filler.id}`);
  await page.click(sel('override-save'));
  await page.locator(sel('override-error')).filter({ hasText: /^4 of 5 exceptions were made/ }).waitFor();
  const made = (await server.api.all(`/v1/providers/${prov.id}/overrides`)).filter((o) => o.note === 'Capped')
    .map((o) => o.date).sort();
  assert.deepEqual(made, [0, 7, 14, 21].map((n) => addDays(day, n)), 'each date of the preset once, the last refused');
  await finish(page);
});
