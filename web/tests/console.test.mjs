// The staff console in Chromium against the real slotd with the demo clinic and the two demo
// users `slotd serve --demo` prints: sign in and out, a wrong password, CSRF, an idle session,
// the week calendar (a booking with its status, confirming a pending one), dragging a booking
// to a free and to a taken time, a staff user limited to one provider, the bookings list and
// its status filter, the wait after five wrong passwords, keyboard only and German, and how long
// 200 bookings in a week take to show. axe runs on every page; every result is checked through
// the admin API.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { newPage, screenshot, checkA11y, finish, report } from './harness.mjs';
import { sel, sameInstant, tabTo } from './flows.mjs';
import {
  NY, EVENT_BOOKING, startConsole, consoleSuite, freeStarts, bookableDay, book, approvalService, getBooking, minutesBetween,
  watchCalendar, calendarSettled, openConsole, fillSignIn, signIn, sessionCookie, withCookie, pageFetch,
  bookingEvent, weekOf, weekView, showDate, dragBy, relY,
} from './console_flows.mjs';

let server;
let browser;
let providers;
let services;

consoleSuite((s) => ({ server, browser, providers, services } = s));

/** The demo user with this e-mail, through the admin API. */
async function userByEmail(srv, email) {
  const users = await srv.api.all('/v1/users');
  const u = users.find((x) => x.email === email);
  assert.ok(u, `GET /v1/users lists ${email}`);
  return u;
}

async function consolePage(opts = {}) {
  const page = await newPage(browser, server, opts);
  watchCalendar(page);
  return page;
}

test('the demo admin signs in with the printed credentials, sees their name, and signs out', async () => {
  const creds = server.signIn.admin;
  assert.equal(creds.tenant, server.slug);
  const user = await userByEmail(server, creds.email);
  assert.equal(user.role, 'admin');
  assert.equal(user.last_login_at, null, 'nobody has signed in yet');

  const page = await consolePage();
  const t0 = Date.now();
  await openConsole(page, server);
  await page.locator(sel('login-form')).waitFor();
  report('console: navigation → sign-in form shown', Date.now() - t0);
  assert.equal(await page.locator(sel('console-user')).count(), 0, 'no console before signing in');
  await screenshot(page, 'console-01-sign-in');
  await checkA11y(page, 'console sign-in');

  const session = await signIn(page, creds, 'console (admin)');
  assert.equal(session.user.id, user.id);
  assert.match(session.csrf_token, /\S{16,}/);
  const shownName = (await page.locator(sel('console-user')).textContent()).trim();
  assert.ok(shownName.includes(user.name), `the header names the user "${user.name}": "${shownName}"`);
  assert.equal(await page.locator(sel('login-form')).count(), 0, 'the sign-in form is gone');
  await page.locator(sel('nav-calendar')).waitFor();
  await page.locator(sel('nav-bookings')).waitFor();
  await page.locator(sel('calendar')).waitFor();
  await calendarSettled(page);
  await screenshot(page, 'console-02-signed-in');
  await checkA11y(page, 'console after sign-in');

  const cookie = await sessionCookie(page);
  assert.ok(cookie, 'the browser holds the slotd_session cookie');
  assert.equal(cookie.httpOnly, true, 'the session cookie is HttpOnly');
  assert.equal(cookie.sameSite, 'Strict');
  assert.equal(cookie.path, '/');
  assert.equal(await page.evaluate(() => document.cookie.includes('slotd_session')), false, 'scripts cannot read it');
  const live = await withCookie(server, 'GET', '/v1/sessions/current', cookie.value);
  assert.equal(live.status, 200, `the session works: ${live.text}`);
  assert.equal(live.body.user.id, user.id);
  assert.notEqual((await userByEmail(server, creds.email)).last_login_at, null, 'the sign-in is recorded');

  // A reload keeps the session (GET /v1/sessions/current decides).
  await openConsole(page, server);
  await page.locator(sel('console-user')).waitFor();

  const [out] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'DELETE' && new URL(r.url()).pathname === '/v1/sessions/current'),
    page.click(sel('sign-out')),
  ]);
  assert.equal(out.status(), 204, 'DELETE /v1/sessions/current answers 204');
  await page.locator(sel('login-form')).waitFor();
  assert.equal(await page.locator(sel('console-user')).count(), 0, 'the console is gone after signing out');
  assert.equal(await sessionCookie(page), undefined, 'the browser dropped the cookie');
  await screenshot(page, 'console-03-signed-out');
  await checkA11y(page, 'console signed out');
  const dead = await withCookie(server, 'GET', '/v1/sessions/current', cookie.value);
  assert.equal(dead.status, 401, `the old cookie no longer works: ${dead.text}`);
  const write = await withCookie(server, 'POST', '/v1/providers', cookie.value,
    { 'X-CSRF-Token': session.csrf_token, 'Content-Type': 'application/json' });
  assert.equal(write.status, 401, `nor does it with its CSRF token: ${write.text}`);
  await finish(page);
});

test('a wrong password is explained in plain words and the organisation and e-mail stay', async () => {
  const creds = server.signIn.admin;
  const before = await userByEmail(server, creds.email);
  const page = await consolePage();
  await openConsole(page, server);
  const typed = { tenant: creds.tenant, email: creds.email, password: `${creds.password}-not-it` };
  const resp = await fillSignIn(page, typed);
  assert.equal(resp.status(), 401, await resp.text());
  assert.equal((await resp.json()).code, 'invalid_credentials');
  const error = page.locator(sel('login-error'));
  await error.waitFor();
  assert.equal(await error.getAttribute('role'), 'alert', 'login-error is an alert');
  const text = (await error.textContent()).trim();
  assert.ok(text.length >= 10, `a sentence, not a code: "${text}"`);
  assert.doesNotMatch(text, /invalid_credentials|\b401\b|undefined|\[object/i, `plain words: "${text}"`);
  assert.match(text, /wrong|incorrect|not match|invalid/i, `it says what is wrong: "${text}"`);
  const form = page.locator(sel('login-form'));
  assert.equal(await form.locator('[name="tenant"]').inputValue(), typed.tenant, 'the organisation stays');
  assert.equal(await form.locator('[name="email"]').inputValue(), typed.email, 'the e-mail stays');
  assert.equal(await page.locator(sel('console-user')).count(), 0);
  assert.equal(await sessionCookie(page), undefined, 'no session cookie');
  await screenshot(page, 'console-04-wrong-password');
  await checkA11y(page, 'console wrong password');
  const after = await userByEmail(server, creds.email);
  assert.equal(after.last_login_at, before.last_login_at, 'a failed sign-in is no login');
  await finish(page);
});

test('a change without the X-CSRF-Token header is refused with 403 csrf_failed and changes nothing', async () => {
  const page = await consolePage();
  await openConsole(page, server);
  await signIn(page, server.signIn.admin, 'console (admin)');
  await screenshot(page, 'console-05-csrf-page');
  await checkA11y(page, 'console (csrf test)');
  const name = `CSRF probe ${Date.now()}`;
  const body = { name, timezone: 'UTC' };
  const beforeIds = (await server.api.all('/v1/providers')).map((p) => p.id).sort();

  const bare = await pageFetch(page, 'POST', '/v1/providers', { body });
  assert.equal(bare.status, 403, `without the header: ${bare.text}`);
  assert.equal(bare.body.code, 'csrf_failed');
  const wrong = await pageFetch(page, 'POST', '/v1/providers', { body, headers: { 'X-CSRF-Token': 'not-the-token' } });
  assert.equal(wrong.status, 403, `with a wrong token: ${wrong.text}`);
  assert.equal(wrong.body.code, 'csrf_failed');
  const afterIds = (await server.api.all('/v1/providers')).map((p) => p.id).sort();
  assert.deepEqual(afterIds, beforeIds, 'no provider was created');

  // The same request with the session's token goes through: the refusal was the missing token.
  const current = await pageFetch(page, 'GET', '/v1/sessions/current');
  assert.equal(current.status, 200, current.text);
  const good = await pageFetch(page, 'POST', '/v1/providers', { body, headers: { 'X-CSRF-Token': current.body.csrf_token } });
  assert.equal(good.status, 201, `with the session's token: ${good.text}`);
  assert.equal((await server.api.ok('GET', `/v1/providers/${good.body.id}`)).name, name);
  const events = await server.api.ok('GET', `/v1/events?actor_id=${current.body.user.id}`);
  assert.ok(events.data.some((e) => e.type === 'provider.created'), 'the event names the user as actor');
  await server.api.ok('DELETE', `/v1/providers/${good.body.id}`);
  await finish(page);
});

test('an idle session returns to the sign-in form with the expiry message', async () => {
  // The shortest idle timeout slotd takes (60 s), and its test clock moved past it instead of
  // waiting a minute.
  const own = await startConsole({ args: ['--session-idle', '60'], env: { SLOTD_TEST_CLOCK: '1' }, browser: false });
  try {
    const page = await newPage(browser, own.server);
    watchCalendar(page);
    await openConsole(page, own.server);
    const session = await signIn(page, own.server.signIn.admin, 'console (60 s idle)');
    assert.equal(session.idle_timeout_seconds, 60);
    await calendarSettled(page);
    const cookie = await sessionCookie(page);
    // Still signed in after a look at the bookings (the session is used, not idle).
    await page.click(sel('nav-bookings'));
    await page.locator(sel('bookings-table')).waitFor();
    await page.click(sel('nav-calendar'));
    await page.locator(sel('calendar')).waitFor();
    assert.equal(await page.locator(sel('login-form')).count(), 0);
    const refusals = [];
    page.on('response', (r) => {
      if (r.status() === 401 && new URL(r.url()).pathname.startsWith('/v1/')) refusals.push(r.json().catch(() => null));
    });
    await own.server.api.ok('POST', '/v1/test/clock', { now: new Date(Date.now() + 61000).toISOString() }, 200);
    // The next request finds the session expired (a background refetch may have found it first).
    if (await page.locator(sel('login-form')).count() === 0) await page.click(sel('nav-bookings'));
    await page.locator(sel('login-form')).waitFor({ timeout: 10000 });
    assert.equal(await page.locator(sel('console-user')).count(), 0);
    const body = await page.locator('body').textContent();
    assert.match(body, /session has expired/i, 'the sign-in form says the session has expired');
    const codes = (await Promise.all(refusals)).map((b) => b && b.code);
    assert.ok(codes.includes('session_expired'), `slotd answered 401 session_expired: ${codes}`);
    await screenshot(page, 'console-06-session-expired');
    await checkA11y(page, 'console session expired');
    const dead = await withCookie(own.server, 'GET', '/v1/sessions/current', cookie.value);
    assert.equal(dead.status, 401, dead.text);
    await finish(page);
  } finally {
    await own.server.stop();
  }
});

test('week view: bookings appear with their status; a pending one is confirmed from its detail', async () => {
  const { ada } = providers;
  const approval = await approvalService(server, [ada.id]);
  const day = await bookableDay(server, services.consult.id, [ada.id], { n: 0, minSlots: 3 });
  const confirmed = await book(server, services.consult.id, ada.id, day.starts[ada.id][0], 'week');
  const free = (await freeStarts(server, approval.id, ada.id, { from: day.date, days: 1 })).get(day.date);
  assert.ok(free && free.length, `a free start for the approval service on ${day.date}`);
  const pending = await book(server, approval.id, ada.id, free[free.length - 1], 'week');
  assert.equal(confirmed.status, 'confirmed');
  assert.equal(pending.status, 'pending');

  const page = await consolePage();
  await openConsole(page, server);
  await signIn(page, server.signIn.admin, 'console (admin)');
  const win = await weekOf(page, day.date);
  assert.ok(win.providerIds.includes(ada.id), `the calendar asks for Dr. Moreno: ${win.url}`);
  const ev1 = bookingEvent(page, confirmed.id);
  const ev2 = bookingEvent(page, pending.id);
  await ev1.waitFor({ timeout: 10000 });
  await ev2.waitFor({ timeout: 10000 });
  assert.equal(await ev1.getAttribute('data-status'), 'confirmed');
  assert.equal(await ev2.getAttribute('data-status'), 'pending');
  assert.ok((await ev1.textContent()).includes(confirmed.customer.name), 'the event names the customer');
  assert.notEqual(await ev1.getAttribute('class'), await ev2.getAttribute('class'), 'pending and confirmed look different');
  // Colour is not the only signal: the pending event says so in words (text, title or label).
  const words = async (e) => [await e.textContent(), await e.getAttribute('title'), await e.getAttribute('aria-label'),
    await e.locator('[title], [aria-label]').evaluateAll((xs) => xs.map((x) => `${x.title} ${x.getAttribute('aria-label')}`).join(' '))].join(' ');
  assert.match(await words(ev2), /pending|awaiting|unconfirmed/i, 'the pending event says "pending" in words');
  assert.doesNotMatch(await words(ev1), /pending|awaiting|unconfirmed/i, 'the confirmed one does not');
  await screenshot(page, 'console-07-week');
  await checkA11y(page, 'console week view');

  await ev2.click();
  const detail = page.locator(sel('booking-detail'));
  await detail.waitFor();
  assert.equal(await detail.locator(sel('booking-status')).getAttribute('data-status'), 'pending');
  const text = await detail.textContent();
  assert.ok(text.includes(pending.customer.name), 'the detail names the customer');
  assert.ok(text.includes(approval.name), 'the detail names the service');
  assert.ok(text.includes(ada.name), 'the detail names the provider');
  for (const a of ['confirm', 'decline', 'cancel']) await detail.locator(sel(`action-${a}`)).waitFor();
  assert.equal(await detail.locator(sel('action-complete')).count(), 0, 'a pending booking cannot be completed');
  assert.equal(await detail.locator(sel('action-no_show')).count(), 0, 'nor marked as no-show');
  await screenshot(page, 'console-08-detail-pending');
  await checkA11y(page, 'console booking detail');

  const t0 = Date.now();
  const [resp] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === `/v1/bookings/${pending.id}/confirm`),
    detail.locator(sel('action-confirm')).click(),
  ]);
  assert.equal(resp.status(), 200, await resp.text());
  assert.equal(resp.request().headers()['if-match']?.replace(/"/g, ''), String(pending.version), 'If-Match carries the version shown');
  await page.waitForFunction((id) => {
    const s = document.querySelector(`[data-testid="booking-status"]`);
    const e = document.querySelector(`[data-testid="event-booking-${id}"]`);
    return (s && s.dataset.status === 'confirmed') || (e && e.dataset.status === 'confirmed');
  }, pending.id, { timeout: 10000 });
  report('console: "Confirm" clicked → confirmed shown', Date.now() - t0);
  const now = await getBooking(server, pending.id);
  assert.equal(now.status, 'confirmed', 'confirmed through the console');
  assert.equal(now.version, pending.version + 1);
  const hist = await server.api.ok('GET', `/v1/bookings/${pending.id}/history`);
  console.log(`history after confirm: ${JSON.stringify(hist.history.at(-1))}`);
  const admin = await userByEmail(server, server.signIn.admin.email);
  const evs = await server.api.ok('GET', `/v1/events?actor_id=${admin.id}&type=booking.confirmed&limit=200`);
  const ev = evs.data.find((e) => JSON.stringify(e).includes(pending.id));
  assert.ok(ev, `the booking.confirmed event names the signed-in user as its actor: ${JSON.stringify(evs.data).slice(0, 400)}`);
  assert.equal(ev.actor.type, 'user');
  assert.equal(ev.actor.id, admin.id);
  await screenshot(page, 'console-09-confirmed');
  if (await page.locator(sel('detail-close')).count()) await page.click(sel('detail-close'));
  await page.waitForFunction((id) => {
    const e = document.querySelector(`[data-testid="event-booking-${id}"]`);
    return e && e.dataset.status === 'confirmed';
  }, pending.id, { timeout: 10000 });
  assert.equal((await getBooking(server, confirmed.id)).status, 'confirmed', 'the other booking is untouched');
  await finish(page);
});

test('dragging a booking to a free time moves it; onto a taken time it snaps back with the reason', async () => {
  const { ada } = providers;
  const day = await bookableDay(server, services.consult.id, [ada.id], { n: 1, minSlots: 4 });
  const starts = day.starts[ada.id];
  const moving = await book(server, services.consult.id, ada.id, starts[0], 'drag');
  const other = await book(server, services.consult.id, ada.id, starts[2], 'drag');
  const free = (await freeStarts(server, services.consult.id, ada.id, { from: day.date, days: 1 })).get(day.date) || [];
  const target = free.filter((s) => !sameInstant(s, moving.start))
    .sort((a, b) => Math.abs(minutesBetween(moving.start, a)) - Math.abs(minutesBetween(moving.start, b)))[0];
  assert.ok(target, `a free start on ${day.date} to move to: ${free}`);

  const page = await consolePage({ viewport: { width: 1280, height: 1600 } });
  await openConsole(page, server);
  await signIn(page, server.signIn.admin, 'console (admin)');
  await weekOf(page, day.date);
  const ev = bookingEvent(page, moving.id);
  const evOther = bookingEvent(page, other.id);
  await ev.waitFor({ timeout: 10000 });
  await evOther.waitFor({ timeout: 10000 });
  await ev.scrollIntoViewIfNeeded();
  const a = await ev.boundingBox();
  const b = await evOther.boundingBox();
  // The scale of the day column, from the two bookings' positions (same provider, same day);
  // positions are compared relative to the other booking, so scrolling does not matter.
  const rel0 = await relY(page, moving.id, other.id);
  const ppm = -rel0 / minutesBetween(moving.start, other.start);
  assert.ok(ppm > 0.2, `the later booking is lower in the column (${a.y} → ${b.y})`);
  assert.ok(Math.abs(a.x - b.x) < a.width, 'both bookings are in the same day column');
  await screenshot(page, 'console-10-before-drag');
  await checkA11y(page, 'console week before drag');

  // Onto the other booking's time: refused, snaps back.
  const attrsBefore = { status: await ev.getAttribute('data-status'), text: await ev.textContent() };
  const taken = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === `/v1/bookings/${moving.id}/reschedule`, { timeout: 10000 }).catch(() => null);
  const tDrop1 = await dragBy(page, ev, minutesBetween(moving.start, other.start), ppm);
  const errorBox = page.locator(sel('console-error'));
  await errorBox.waitFor({ timeout: 10000 });
  report('console: drag onto a taken time, drop → reason shown', Date.now() - tDrop1);
  const refused = await taken;
  if (refused) {
    console.log(`reschedule onto a taken time answered ${refused.status()}: ${await refused.text()}`);
    assert.equal(refused.request().postDataJSON() && sameInstant(refused.request().postDataJSON().start, other.start), true,
      `the console asked for ${other.start}: ${refused.request().postData()}`);
    assert.ok(refused.status() >= 400, 'slotd refused the taken time');
  } else {
    console.log('reschedule onto a taken time: the console refused it without asking slotd');
  }
  assert.equal(await errorBox.getAttribute('role'), 'alert');
  const reason = (await errorBox.textContent()).trim();
  console.log(`reason shown: ${reason}`);
  assert.ok(reason.length >= 10, `a reason in words: "${reason}"`);
  assert.doesNotMatch(reason, /slot_taken|undefined|\[object|\b409\b/i, `plain words: "${reason}"`);
  let relBack = null;
  for (let i = 0; i < 50; i++) {
    relBack = await relY(page, moving.id, other.id);
    if (relBack !== null && Math.abs(relBack - rel0) < 3) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(relBack !== null && Math.abs(relBack - rel0) < 3,
    `the event snapped back: it was ${rel0} px from the other booking, now ${relBack}`);
  const back = await ev.boundingBox();
  assert.ok(Math.abs(back.x - a.x) < 3 && Math.abs(back.height - a.height) < 3, 'same column and length as before');
  assert.equal(await ev.getAttribute('data-status'), attrsBefore.status);
  assert.equal(await ev.textContent(), attrsBefore.text);
  await screenshot(page, 'console-11-drag-refused');
  await checkA11y(page, 'console drag refused');
  let now = await getBooking(server, moving.id);
  assert.ok(sameInstant(now.start, moving.start), `the start is unchanged: ${now.start}`);
  assert.equal(now.version, moving.version, 'nothing was written');
  assert.ok(sameInstant((await getBooking(server, other.id)).start, other.start));

  // To a free time: moved.
  await ev.scrollIntoViewIfNeeded();
  const moved = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === `/v1/bookings/${moving.id}/reschedule`, { timeout: 10000 });
  const tDrop2 = await dragBy(page, ev, minutesBetween(moving.start, target), ppm);
  const resp = await moved;
  report('console: drag to a free time, drop → slotd answered', Date.now() - tDrop2);
  assert.equal(resp.status(), 200, `reschedule: ${await resp.text()}`);
  assert.ok(sameInstant(resp.request().postDataJSON().start, target), `asked for ${target}: ${resp.request().postData()}`);
  await calendarSettled(page);
  await ev.waitFor();
  report('console: drag to a free time, drop → event shown at its new time (after refetch)', Date.now() - tDrop2);
  now = await getBooking(server, moving.id);
  assert.ok(sameInstant(now.start, target), `the admin API shows the new start ${target}: ${now.start}`);
  assert.equal(now.reschedule_count, 1);
  const relNow = await relY(page, moving.id, other.id);
  const wantRel = rel0 + minutesBetween(moving.start, target) * ppm;
  assert.ok(relNow !== null && Math.abs(relNow - wantRel) < 8, `it sits at its new time (${relNow} px from the other booking, want ${wantRel})`);
  await screenshot(page, 'console-12-dragged');
  await checkA11y(page, 'console after drag');
  await finish(page);
});

test('a staff user limited to Dr. Jonas Weber sees only his bookings and no provider filter', async () => {
  const { ada, jonas } = providers;
  const day = await bookableDay(server, services.consult.id, [ada.id, jonas.id], { n: 2, minSlots: 2 });
  const mine = await book(server, services.consult.id, jonas.id, day.starts[jonas.id][0], 'jonas');
  const notMine = await book(server, services.consult.id, ada.id, day.starts[ada.id][0], 'ada');
  const creds = server.signIn.staff;
  const user = await userByEmail(server, creds.email);
  assert.equal(user.role, 'staff');
  assert.equal(user.provider_id, jonas.id, 'the demo staff user is Dr. Weber');

  // The admin sees both in that week (so the staff view leaving one out means something).
  const adminPage = await consolePage();
  await openConsole(adminPage, server);
  await signIn(adminPage, server.signIn.admin, 'console (admin)');
  await weekOf(adminPage, day.date);
  await bookingEvent(adminPage, mine.id).waitFor({ timeout: 10000 });
  await bookingEvent(adminPage, notMine.id).waitFor({ timeout: 10000 });
  await adminPage.locator(sel('provider-filter')).waitFor();
  for (const p of [ada, jonas, providers.priya]) await adminPage.locator(sel(`provider-filter-${p.id}`)).waitFor();
  await finish(adminPage);

  const page = await consolePage();
  await openConsole(page, server);
  await signIn(page, creds, 'console (staff)');
  assert.ok((await page.locator(sel('console-user')).textContent()).includes(user.name));
  const win = await weekOf(page, day.date);
  assert.deepEqual(win.providerIds, [jonas.id], `the calendar asks for Dr. Weber only: ${win.url}`);
  await bookingEvent(page, mine.id).waitFor({ timeout: 10000 });
  await calendarSettled(page);
  assert.equal(await bookingEvent(page, notMine.id).count(), 0, "Dr. Moreno's booking is not shown");
  const shown = await page.$$eval(EVENT_BOOKING, (es) => es.map((e) => e.dataset.testid.slice('event-booking-'.length)));
  for (const id of shown) {
    assert.equal((await getBooking(server, id)).provider_id, jonas.id, `every booking shown is Dr. Weber's (${id})`);
  }
  assert.equal(await page.locator(sel('provider-filter')).count(), 0, 'no provider filter');
  assert.equal(await page.locator('[data-testid^="provider-filter-"]').count(), 0);
  // The session itself is limited, not only the page.
  const other = await pageFetch(page, 'GET', `/v1/bookings/${notMine.id}`);
  assert.equal(other.status, 404, `another provider's booking is out of reach: ${other.status}`);
  await screenshot(page, 'console-13-staff-week');
  await checkA11y(page, 'console staff week');

  await page.click(sel('nav-bookings'));
  const table = page.locator(sel('bookings-table'));
  await table.waitFor();
  await page.locator(sel(`booking-row-${mine.id}`)).waitFor({ timeout: 10000 });
  assert.equal(await page.locator(sel(`booking-row-${notMine.id}`)).count(), 0, "the list leaves out Dr. Moreno's booking");
  await screenshot(page, 'console-14-staff-bookings');
  await checkA11y(page, 'console staff bookings');
  await finish(page);
});

/** Chooses a status in the bookings list's status filter (a <select>, or a group of choices). */
async function filterStatus(page, status) {
  const f = page.locator(sel('bookings-status-filter'));
  const tag = await f.evaluate((e) => e.tagName);
  if (tag === 'SELECT') {
    await f.selectOption(status);
  } else {
    const choice = f.locator(`input[value="${status}"], select`);
    if ((await choice.first().evaluate((e) => e.tagName)) === 'SELECT') await choice.first().selectOption(status);
    else await choice.first().check();
  }
}

test('the bookings list shows the bookings; the status filter narrows it', async () => {
  const { ada, priya } = providers;
  const approval = await approvalService(server, [priya.id]);
  const day = await bookableDay(server, services.consult.id, [ada.id], { n: 3, minSlots: 2 });
  const confirmed = await book(server, services.consult.id, ada.id, day.starts[ada.id][0], 'list');
  const pendingDay = await bookableDay(server, approval.id, [priya.id], { n: 3, minSlots: 1 });
  const pending = await book(server, approval.id, priya.id, pendingDay.starts[priya.id][0], 'list');
  assert.equal(pending.status, 'pending');

  const page = await consolePage();
  await openConsole(page, server);
  await signIn(page, server.signIn.admin, 'console (admin)');
  const t0 = Date.now();
  await page.click(sel('nav-bookings'));
  const table = page.locator(sel('bookings-table'));
  await table.waitFor();
  await page.locator(sel(`booking-row-${confirmed.id}`)).waitFor({ timeout: 10000 });
  report('console: "Bookings" clicked → rows shown', Date.now() - t0);
  await page.locator(sel(`booking-row-${pending.id}`)).waitFor();
  const heading = await page.evaluate(() => document.activeElement && document.activeElement.tagName);
  assert.match(heading || '', /^H[12]$/, `the page's heading takes focus (focus is on ${heading})`);
  const rowText = await page.locator(sel(`booking-row-${confirmed.id}`)).textContent();
  assert.ok(rowText.includes(confirmed.customer.name), `the row names the customer: ${rowText}`);
  await screenshot(page, 'console-15-bookings');
  await checkA11y(page, 'console bookings list');

  const rowIds = async () => page.$$eval('[data-testid^="booking-row-"]', (rs) => rs.map((r) => r.dataset.testid.slice('booking-row-'.length)));
  await filterStatus(page, 'pending');
  await page.locator(sel(`booking-row-${confirmed.id}`)).waitFor({ state: 'detached', timeout: 10000 });
  await page.locator(sel(`booking-row-${pending.id}`)).waitFor();
  const pendingRows = await rowIds();
  assert.ok(pendingRows.length >= 1);
  for (const id of pendingRows) assert.equal((await getBooking(server, id)).status, 'pending', `row ${id} is pending`);
  await screenshot(page, 'console-16-bookings-pending');
  await checkA11y(page, 'console bookings list, pending');

  await filterStatus(page, 'confirmed');
  await page.locator(sel(`booking-row-${pending.id}`)).waitFor({ state: 'detached', timeout: 10000 });
  await page.locator(sel(`booking-row-${confirmed.id}`)).waitFor();
  for (const id of await rowIds()) assert.equal((await getBooking(server, id)).status, 'confirmed', `row ${id} is confirmed`);

  // A row opens the booking's detail.
  await page.locator(sel(`booking-row-${confirmed.id}`)).click();
  const detail = page.locator(sel('booking-detail'));
  await detail.waitFor();
  assert.equal(await detail.locator(sel('booking-status')).getAttribute('data-status'), 'confirmed');
  assert.ok((await detail.textContent()).includes(confirmed.customer.name));
  await screenshot(page, 'console-17-bookings-detail');
  await checkA11y(page, 'console detail from the list');
  await finish(page);
});

test('after five wrong passwords the sign-in says to wait, even with the right one; the typed details stay', async () => {
  const password = `right-${Date.now()}-password`;
  const user = await server.api.ok('POST', '/v1/users', {
    email: `front-desk-${Date.now()}@demo.example`, name: 'Front Desk', role: 'staff', password,
  });
  const page = await consolePage();
  await openConsole(page, server);
  const typed = { tenant: server.slug, email: user.email };
  for (let i = 0; i < 5; i++) {
    const r = await fillSignIn(page, { ...typed, password: `${password}-${i}` });
    assert.equal(r.status(), 401, `wrong password ${i + 1}`);
  }
  const r = await fillSignIn(page, { ...typed, password });
  assert.equal(r.status(), 429, 'the account is locked for a while, the right password too');
  const wait = Number(r.headers()['retry-after']);
  assert.ok(wait > 0, `Retry-After: ${r.headers()['retry-after']}`);
  const error = page.locator(sel('login-error'));
  await page.waitForFunction(() => /too many/i.test(document.querySelector('[data-testid="login-error"]')?.textContent || ''),
    null, { timeout: 5000 }).catch(() => {});
  const text = (await error.textContent()).trim();
  assert.match(text, /too many/i, `it says there were too many attempts: "${text}"`);
  const minutes = Math.ceil(wait / 60);
  assert.ok(text.includes(String(minutes)) || (minutes === 1 && /a minute/i.test(text)),
    `it says how long to wait (${wait} s → ${minutes} min): "${text}"`);
  const form = page.locator(sel('login-form'));
  assert.equal(await form.locator('[name="tenant"]').inputValue(), typed.tenant);
  assert.equal(await form.locator('[name="email"]').inputValue(), typed.email);
  assert.equal(await sessionCookie(page), undefined);
  await screenshot(page, 'console-19-too-many-attempts');
  await checkA11y(page, 'console too many attempts');
  assert.equal((await server.api.ok('GET', `/v1/users/${user.id}`)).last_login_at, null, 'nobody signed in');
  await server.api.ok('DELETE', `/v1/users/${user.id}`);
  await finish(page);
});

test('keyboard only: sign in, open the bookings list; German is chosen and kept', async () => {
  const page = await consolePage();
  await openConsole(page, server);
  const { tenant, email, password } = server.signIn.admin;
  await tabTo(page, '[name="tenant"]');
  await page.keyboard.type(tenant);
  await tabTo(page, '[name="email"]');
  await page.keyboard.type(email);
  await tabTo(page, '[name="password"]');
  await page.keyboard.type(password);
  const [resp] = await Promise.all([
    page.waitForResponse((x) => x.request().method() === 'POST' && new URL(x.url()).pathname === '/v1/sessions'),
    page.keyboard.press('Enter'),
  ]);
  assert.equal(resp.status(), 201);
  await page.locator(sel('console-user')).waitFor();
  await calendarSettled(page);
  await tabTo(page, sel('nav-bookings'));
  await page.keyboard.press('Enter');
  await page.locator(sel('bookings-table')).waitFor();
  const focused = await page.evaluate(() => document.activeElement && document.activeElement.tagName);
  assert.match(focused || '', /^H[12]$/, `the page's heading takes focus (${focused})`);
  await tabTo(page, sel('nav-calendar'), 250, 'Shift+Tab');
  await page.keyboard.press('Enter');
  await page.locator(sel('calendar')).waitFor();

  // German, kept across a reload.
  await page.selectOption(sel('lang-switch'), 'de');
  await page.waitForFunction(() => document.documentElement.lang === 'de');
  assert.equal(await page.evaluate(() => localStorage.getItem('slotd.console.lang')), 'de');
  assert.equal((await page.locator(sel('nav-bookings')).textContent()).trim(), 'Buchungen');
  assert.equal((await page.locator(sel('sign-out')).textContent()).trim(), 'Abmelden');
  await openConsole(page, server);
  await page.locator(sel('console-user')).waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'de', 'German after a reload');
  assert.equal((await page.locator(sel('nav-bookings')).textContent()).trim(), 'Buchungen');
  await calendarSettled(page);
  await screenshot(page, 'console-20-german');
  await checkA11y(page, 'console German');
  await finish(page);
});

test('performance (reported): about 200 bookings in one week, from navigation to the week shown', async () => {
  const own = await startConsole({ browser: false });
  try {
    const { ada, jonas, priya } = own.providers;
    for (const p of [ada, jonas, priya]) await own.server.api.ok('PATCH', `/v1/providers/${p.id}`, { max_per_day: null });
    // Next week, Monday to Saturday (New York dates).
    const today = new Date();
    const todayNy = new Intl.DateTimeFormat('en-CA', { timeZone: NY }).format(today);
    const dow = new Date(`${todayNy}T12:00:00Z`).getUTCDay();
    const monday = new Date(Date.parse(`${todayNy}T12:00:00Z`) + ((8 - dow) % 7 || 7) * 86400000).toISOString().slice(0, 10);
    const saturday = new Date(Date.parse(`${monday}T12:00:00Z`) + 5 * 86400000).toISOString().slice(0, 10);
    const want = 200;
    const made = [];
    const t0 = Date.now();
    // Follow-up visits (30 min, 45 blocked) for Dr. Moreno and Dr. Nair, every 45 minutes.
    for (const p of [ada, priya]) {
      // (Dr. Nair's working day in Kolkata runs over midnight in New York.)
      const starts = [...(await freeStarts(own.server, own.services.followUp.id, p.id, { from: monday, days: 6 })).values()]
        .flat().sort((x, y) => Date.parse(x) - Date.parse(y));
      let last = null;
      for (const s of starts) {
        if (last && minutesBetween(last, s) < 45) continue;
        made.push(await book(own.server, own.services.followUp.id, p.id, s, 'perf'));
        last = s;
      }
    }
    // Group physiotherapy with Dr. Weber, several seats a start, until there are 200.
    const groupStarts = [...(await freeStarts(own.server, own.services.group.id, jonas.id, { from: monday, days: 6 })).values()].flat();
    for (let seat = 0; seat < 6 && made.length < want; seat++) {
      for (const s of groupStarts) {
        if (made.length >= want) break;
        made.push(await book(own.server, own.services.group.id, jonas.id, s, 'perf'));
      }
    }
    report(`console perf: ${made.length} bookings made through the API`, Date.now() - t0);
    assert.ok(made.length >= 150, `enough bookings for the measure (${made.length})`);
    const ids = new Set(made.map((b) => b.id));

    const page = await newPage(browser, own.server, { viewport: { width: 1600, height: 1200 } });
    watchCalendar(page);
    await openConsole(page, own.server);
    await signIn(page, own.server.signIn.admin, 'console perf');
    await calendarSettled(page);
    // A fresh navigation with the session: the console opens on this week.
    page.cal.responses.length = 0;
    const nav = Date.now();
    await openConsole(page, own.server);
    await page.locator(sel('calendar')).waitFor();
    await calendarSettled(page);
    report('console perf: navigation → calendar loaded (this week)', Date.now() - nav);
    await weekView(page);
    const tNext = Date.now();
    const win = await showDate(page, monday);
    const count = () => page.$$eval(EVENT_BOOKING, (es, all) => es.filter((e) => all.includes(e.dataset.testid.slice(14))).length, [...ids]);
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid^="event-booking-"]').length >= n,
      made.length, { timeout: 30000, polling: 50 }).catch(() => {});
    report(`console perf: week moved → ${made.length} bookings rendered (window ${win.from} – ${win.to})`, Date.now() - tNext);
    const rendered = await count();
    console.log(`console perf: ${rendered} of ${made.length} bookings rendered in the week of ${monday}–${saturday}`);
    await screenshot(page, 'console-18-busy-week');
    await checkA11y(page, 'console busy week');
    assert.equal(rendered, made.length, 'every booking of the week is rendered');
    await finish(page);
  } finally {
    await own.server.stop();
  }
});
