// The booking page in Chromium against the real slotd with the demo clinic: a visitor books
// (anyone / a chosen provider), downloads the .ics, reschedules and cancels on the manage page;
// a double click books once; a time lost during the details step is explained and the typed
// details stay; keyboard only; German; a 375 px phone. axe runs on every page; every check of
// the result goes through the admin API.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';

import { apiClient, startDemo, newPage, screenshot, checkA11y, finish, idemKey, localDate, addDays } from './harness.mjs';
import {
  sel, ENABLED_DAY, TIME_BUTTON, openBooking, chooseService, waitFreeDay, pickDay, pickTime, shownStarts,
  fillDetails, confirmBooking, bookingByRef, sameInstant, icsLocal, scrollWidth, tabTo, visibleAt,
} from './flows.mjs';

let server;
let browser;
let consult;   // "Initial consultation": three providers, so the provider step is shown
let group;     // "Group physiotherapy": one provider, so the provider step is skipped
let followUp;  // "Follow-up visit": a video call with a link made per booking

before(async () => {
  let page;
  ({ server, browser, page, consult } = await startDemo());
  group = page.services.find((s) => s.name === 'Group physiotherapy');
  followUp = page.services.find((s) => s.name === 'Follow-up visit');
  assert.ok(consult && consult.providers.length === 3, 'the demo consultation has three providers');
  assert.ok(group && group.providers.length === 1);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

let n = 0;
function customer(tag) {
  n += 1;
  return { name: `Visitor ${tag} ${n}`, email: `visitor-${tag}-${n}-${Date.now()}@example.com` };
}

async function countByEmail(email) {
  return (await server.api.all('/v1/bookings')).filter((b) => b.customer.email === email).length;
}

test('a visitor books with "Anyone", downloads the .ics, reschedules and cancels', async () => {
  const page = await newPage(browser, server);
  await openBooking(page, server, { serviceId: consult.id, label: 'en, 1280 px' });
  await screenshot(page, '01-services');
  await checkA11y(page, 'service list');

  await page.click(sel(`service-${consult.id}`));
  await page.locator(sel('provider-any')).waitFor();
  for (const p of consult.providers) await page.locator(sel(`provider-${p.id}`)).waitFor();
  await screenshot(page, '02-providers');
  await checkA11y(page, 'provider step');
  const t0 = await page.evaluate(() => performance.now());
  await page.click(sel('provider-any'));
  const t1 = await waitFreeDay(page);
  console.log(`timing: en, 1280 px: provider "Anyone" chosen → month's free days shown: ${(t1 - t0).toFixed(0)} ms`);
  await screenshot(page, '03-calendar');
  await checkA11y(page, 'calendar');

  const day = await pickDay(page);
  await screenshot(page, '04-times');
  await checkA11y(page, 'times of a day');
  const { start, hold } = await pickTime(page);
  assert.ok(sameInstant(hold.start, start), 'the hold is for the chosen time');
  assert.equal(day, start.slice(0, 10));
  await page.locator(sel('hold-countdown')).waitFor();
  assert.match(await page.locator(sel('hold-countdown')).textContent(), /^\d{1,2}:\d{2}$/);
  const c = customer('anyone');
  await fillDetails(page, { ...c, phone: '+1 555 0100', notes: 'First visit' });
  await screenshot(page, '05-details');
  await checkA11y(page, 'details');
  const ref = await confirmBooking(page);
  await screenshot(page, '06-confirmation');
  await checkA11y(page, 'confirmation');

  const b = await bookingByRef(server, ref);
  assert.equal(b.status, 'confirmed');
  assert.ok(sameInstant(b.start, start), `booked ${b.start}, chose ${start}`);
  assert.equal(b.provider_id, hold.provider_id);
  assert.deepEqual(b.customer, { name: c.name, email: c.email, phone: '+1 555 0100' });
  assert.equal(b.notes, 'First visit');
  assert.equal(b.locale, 'en');
  assert.equal((await server.api.get(`/v1/holds/${hold.id}`)).status, 404, 'the booking used up the hold');
  const conf = page.locator(sel('confirmation'));
  assert.equal(await conf.locator(sel('booking-status')).getAttribute('data-status'), 'confirmed');
  const shown = await conf.textContent();
  assert.ok(shown.includes(consult.name), 'the confirmation names the service');
  // The start in the visitor's zone (a range may print the day period once, after the end).
  const ny = (o) => new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', ...o }).format(new Date(b.start));
  const hm = ny({ hour: 'numeric', minute: '2-digit' }).replace(/\s*[AP]M$/, '');
  const date = ny({ month: 'long', day: 'numeric' });
  assert.ok(shown.includes(hm) && shown.includes(date),
    `the confirmation shows the start ${date} ${hm} in the visitor's zone: ${shown}`);

  // The .ics download.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click(sel('download-ics'))]);
  const ics = await readFile(await download.path(), 'utf8');
  const zone = consult.providers.find((p) => p.id === b.provider_id).time_zone;
  assert.match(ics, /^BEGIN:VCALENDAR\r\n/);
  assert.ok(ics.includes(`UID:${b.id}@slotd\r\n`), ics);
  assert.ok(ics.includes(`DTSTART;TZID=${zone}:${icsLocal(b.start)}\r\n`), `DTSTART of ${b.start} in ${zone}: ${ics}`);
  assert.ok(ics.includes(`DESCRIPTION:Booking reference ${ref}`), ics);
  assert.match(download.suggestedFilename(), /\.ics$/);

  // The manage page from the confirmation's link.
  const href = await conf.locator(sel('manage-link')).getAttribute('href');
  assert.match(href, /\/manage\/mt_[A-Za-z0-9_-]{43}$/);
  await page.goto(href);
  await page.locator(sel('manage')).waitFor();
  assert.equal((await page.locator(`${sel('manage')} ${sel('booking-reference')}`).textContent()).trim(), ref);
  await screenshot(page, '07-manage');
  await checkA11y(page, 'manage page');

  // Reschedule to another free time.
  await page.click(sel('reschedule-booking'));
  await waitFreeDay(page);
  await pickDay(page, 1);
  await screenshot(page, '08-reschedule');
  await checkA11y(page, 'reschedule picker');
  const times = await shownStarts(page);
  const target = times.find((s) => !sameInstant(s, b.start));
  assert.ok(target, 'another free time to move to');
  await page.click(sel(`time-${target}`));
  await page.click(sel('reschedule-confirm'));
  await page.locator(sel('reschedule-booking')).waitFor({ timeout: 15000 });
  const moved = await server.api.ok('GET', `/v1/bookings/${b.id}`);
  assert.ok(sameInstant(moved.start, target), `moved to ${moved.start}, chose ${target}`);
  assert.equal(moved.reschedule_count, 1);
  assert.equal(moved.status, 'confirmed');

  // Cancel, after seeing the fee line: it names the fee GET /v1/manage quotes, and the
  // cancellation stores that fee.
  const token = href.split('/manage/')[1];
  const quote = await apiClient(server.base, token).get('/v1/manage');
  assert.equal(quote.status, 200, quote.text);
  await page.click(sel('cancel-booking'));
  const feeText = (await page.locator(sel('cancel-fee')).textContent()).trim();
  assert.ok(feeText.length > 0, 'the cancel step says what it costs');
  const fee = quote.body.cancel.fee;
  if (fee && Number(fee.amount) > 0) {
    const money = new Intl.NumberFormat('en-US', { style: 'currency', currency: fee.currency }).format(Number(fee.amount));
    assert.ok(feeText.includes(money), `the fee line names ${money}: ${feeText}`);
  }
  console.log(`cancel quote: ${JSON.stringify(quote.body.cancel)}; shown: ${feeText}`);
  await screenshot(page, '09-cancel-confirm');
  await checkA11y(page, 'cancel confirmation');
  await page.click(sel('cancel-confirm'));
  await page.locator(`${sel('booking-status')}[data-status="cancelled"]`).waitFor({ timeout: 15000 });
  await screenshot(page, '10-cancelled');
  await checkA11y(page, 'cancelled booking');
  const cancelled = await server.api.ok('GET', `/v1/bookings/${b.id}`);
  assert.equal(cancelled.status, 'cancelled');
  assert.deepEqual(cancelled.fee, fee, 'the cancellation stored the fee the page quoted');
  await finish(page);
});

test('a visitor books a chosen provider', async () => {
  const page = await newPage(browser, server);
  await openBooking(page, server);
  const provider = consult.providers[1];
  await chooseService(page, consult.id, provider.id, { label: 'en, chosen provider' });
  await pickDay(page);
  const { start, hold } = await pickTime(page);
  assert.equal(hold.provider_id, provider.id);
  const c = customer('chosen');
  await fillDetails(page, c);
  const ref = await confirmBooking(page);
  await screenshot(page, '11-confirmation-chosen-provider');
  const b = await bookingByRef(server, ref);
  assert.equal(b.provider_id, provider.id);
  assert.ok(sameInstant(b.start, start));
  assert.ok((await page.locator(sel('confirmation')).textContent()).includes(provider.name));
  await finish(page);
});

test('the single-provider service skips the provider step (timing of the month view)', async () => {
  const page = await newPage(browser, server);
  await openBooking(page, server, { serviceId: group.id, label: 'en, group class' });
  await chooseService(page, group.id, null, { label: 'en, group class' });
  assert.equal(await page.locator(sel('provider-any')).count(), 0);
  await finish(page);
});

test('a double click on confirm books once', async () => {
  const page = await newPage(browser, server);
  await openBooking(page, server);
  await chooseService(page, consult.id, 'any', { label: 'en, double click' });
  await pickDay(page, 2, { minTimes: 2 });
  await pickTime(page, 1);
  const c = customer('double');
  await fillDetails(page, c);
  let posts = 0;
  page.on('request', (r) => { if (r.method() === 'POST' && r.url().endsWith('/bookings')) posts += 1; });
  await page.dblclick(sel('confirm-booking'));
  await page.locator(sel('confirmation')).waitFor({ timeout: 15000 });
  await page.waitForTimeout(500);
  assert.equal(await countByEmail(c.email), 1, 'one booking for the double click');
  console.log(`double click: ${posts} POST …/bookings request(s) sent`);
  await finish(page);
});

test('a time taken by someone else during the details step is explained, the list refreshes, the details stay', async () => {
  const page = await newPage(browser, server);
  await openBooking(page, server);
  const provider = consult.providers[0];
  await chooseService(page, consult.id, provider.id, { label: 'en, taken time' });
  const day = await pickDay(page, 3);
  const { start, hold } = await pickTime(page, 0);
  const c = { ...customer('taken'), phone: '+1 555 0199', notes: 'Please ring twice' };
  await fillDetails(page, c);
  // Meanwhile the hold lapses (released here with the admin key) and another client books the
  // time through the public API.
  assert.equal((await server.api.delete(`/v1/holds/${hold.id}`)).status, 204);
  const other = await server.publicApi.post(`/v1/public/${server.slug}/bookings`, {
    service_id: consult.id, provider_id: provider.id, start,
    customer: { name: 'Someone Else', email: `else-${Date.now()}@example.com` },
  }, { 'Idempotency-Key': idemKey() });
  assert.equal(other.status, 201, other.text);
  await page.click(sel('confirm-booking'));
  const err = page.locator(sel('error'));
  await err.first().waitFor({ timeout: 15000 });
  const msg = (await err.first().textContent()).trim();
  assert.ok(msg.length > 10, `the page explains what happened: ${msg}`);
  assert.equal(await err.first().getAttribute('role'), 'alert');
  await screenshot(page, '12-time-taken');
  await checkA11y(page, 'time taken');
  // The times are fetched again: the taken start is no longer offered.
  await page.locator(ENABLED_DAY).first().waitFor();
  if (await page.locator(sel(`day-${day}`)).isEnabled()) {
    await page.click(sel(`day-${day}`));
    await page.locator(TIME_BUTTON).first().waitFor();
  }
  assert.ok(!(await shownStarts(page)).some((s) => sameInstant(s, start)), 'the taken time is gone from the list');
  assert.equal(await countByEmail(c.email), 0);
  // Another time: the typed details are still there.
  await pickDay(page, 0);
  const again = await pickTime(page, 0);
  for (const k of ['name', 'email', 'phone', 'notes']) {
    assert.equal(await page.inputValue(`[name="${k}"]`), c[k], `the ${k} typed before is kept`);
  }
  const ref = await confirmBooking(page);
  const b = await bookingByRef(server, ref);
  assert.ok(sameInstant(b.start, again.start));
  assert.equal(b.notes, c.notes);
  await finish(page);
});

test('keyboard only: Tab, Enter and Space book an appointment', async () => {
  const page = await newPage(browser, server);
  await openBooking(page, server, { serviceId: consult.id, label: 'en, keyboard' });
  const used = new Set();
  const press = async (k) => { used.add(k); await page.keyboard.press(k); };
  await tabTo(page, sel(`service-${consult.id}`));
  await press('Enter');
  await page.locator(sel('provider-any')).waitFor();
  await tabTo(page, sel('provider-any'));
  await press('Space');
  await waitFreeDay(page);
  await page.waitForFunction(() => !document.querySelector('[role="status"]')?.textContent?.includes('…'));
  await tabTo(page, ENABLED_DAY);
  await press('Enter');
  await page.locator(TIME_BUTTON).first().waitFor();
  await tabTo(page, TIME_BUTTON);
  const start = await page.evaluate(() => document.activeElement.dataset.testid.slice('time-'.length));
  await press('Enter');
  await page.locator(sel('confirm-booking')).waitFor();
  const c = customer('keyboard');
  await tabTo(page, '[name="name"]');
  await page.keyboard.type(c.name);
  await tabTo(page, '[name="email"]');
  await page.keyboard.type(c.email);
  await tabTo(page, sel('confirm-booking'));
  await press('Enter');
  await page.locator(sel('confirmation')).waitFor({ timeout: 15000 });
  const ref = (await page.locator(`${sel('confirmation')} ${sel('booking-reference')}`).textContent()).trim();
  const b = await bookingByRef(server, ref);
  assert.ok(sameInstant(b.start, start));
  assert.equal(b.customer.email, c.email);
  // Focus follows the step: the confirmation heading (or something inside it) has focus.
  assert.ok(await page.evaluate(() => !!document.activeElement.closest('[data-testid="confirmation"]')),
    'focus moves into the confirmation');
  await screenshot(page, '13-keyboard-confirmation');
  console.log(`keyboard: keys used ${[...used].join(', ')} (plus typing)`);
  await finish(page);
});

test('German: German words and 24-hour times', async () => {
  const page = await newPage(browser, server, { locale: 'de-DE', timezoneId: 'Europe/Berlin' });
  await openBooking(page, server, { serviceId: consult.id, label: 'de, 1280 px' });
  assert.match(await page.title(), /^Termin buchen/, 'the page speaks German');
  assert.match(await page.locator('main').textContent(), /wählen/);
  assert.equal(await page.locator(sel('lang-switch')).inputValue(), 'de');
  await screenshot(page, '14-de-services');
  await checkA11y(page, 'German service list');
  await chooseService(page, consult.id, 'any', { label: 'de, 1280 px' });
  // A weekday (all three providers): its times reach into the afternoon.
  await pickDay(page, 1, { minTimes: 8 });
  const labels = await page.$$eval(TIME_BUTTON, (bs) => bs.map((b) => b.querySelector('.time-label')?.textContent || b.textContent));
  assert.ok(labels.length > 0);
  for (const l of labels) assert.match(l.trim(), /^\d{1,2}:\d{2}$/, `a 24-hour time: ${l}`);
  assert.ok(!labels.some((l) => /AM|PM/i.test(l)));
  const starts = await shownStarts(page);
  assert.ok(starts.every((s) => /\+0[12]:00$/.test(s)), `instants in the Berlin zone: ${starts[0]}`);
  // A start in the afternoon is shown as 13:00 … 23:59, not 1 … 11.
  const hours = labels.map((l) => Number(l.trim().split(':')[0]));
  const serverHours = starts.map((s) => Number(s.slice(11, 13)));
  assert.deepEqual(hours, serverHours, 'the labels are the starts in Berlin time, 24 h');
  assert.ok(hours.some((h) => h >= 13), `an afternoon time shows as 13:00 or later: ${labels.join(' ')}`);
  await screenshot(page, '15-de-times');
  await checkA11y(page, 'German times');
  const { start } = await pickTime(page, 0);
  const c = customer('de');
  await fillDetails(page, c);
  const ref = await confirmBooking(page);
  const text = await page.locator(sel('confirmation')).textContent();
  assert.match(text, /Termin|Buchung/);
  const hhmm = new Intl.DateTimeFormat('de-DE', { hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Berlin' }).format(new Date(start));
  assert.ok(text.includes(hhmm), `the confirmation shows ${hhmm}`);
  await screenshot(page, '16-de-confirmation');
  await checkA11y(page, 'German confirmation');
  const b = await bookingByRef(server, ref);
  assert.equal(b.locale, 'de');
  await finish(page);
});

test('a 375 px phone books end to end without horizontal scrolling', async () => {
  const page = await newPage(browser, server, { viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true });
  const widths = [];
  const check = async (label) => {
    const w = await scrollWidth(page);
    widths.push(`${label}=${w}`);
    assert.ok(w <= 375, `${label}: scrollWidth ${w} > 375`);
  };
  await openBooking(page, server, { serviceId: consult.id, label: 'en, 375 px' });
  await check('services');
  await screenshot(page, '17-phone-services');
  await checkA11y(page, 'phone service list');
  await page.click(sel(`service-${consult.id}`));
  await page.locator(sel('provider-any')).waitFor();
  await check('providers');
  await page.click(sel('provider-any'));
  await waitFreeDay(page);
  await check('calendar');
  await pickDay(page);
  await check('times');
  await screenshot(page, '18-phone-times');
  await checkA11y(page, 'phone times');
  const { start } = await pickTime(page);
  await check('details');
  const c = customer('phone');
  await fillDetails(page, c);
  await screenshot(page, '19-phone-details');
  const ref = await confirmBooking(page);
  await check('confirmation');
  await screenshot(page, '20-phone-confirmation');
  await checkA11y(page, 'phone confirmation');
  const b = await bookingByRef(server, ref);
  assert.ok(sameInstant(b.start, start));
  const href = await page.locator(sel('manage-link')).getAttribute('href');
  await page.goto(href);
  await page.locator(sel('manage')).waitFor();
  await check('manage');
  await screenshot(page, '21-phone-manage');
  console.log(`375 px scrollWidth: ${widths.join(' ')}`);
  await finish(page);
});

test('the service page URL opens with the service chosen', async () => {
  const page = await newPage(browser, server);
  const t0 = Date.now();
  await page.goto(`${server.base}/book/${server.slug}/${group.id}`);
  await visibleAt(page, ENABLED_DAY, 20000);
  console.log(`timing: en, /book/{slug}/{service}: navigation → month's free days shown: ${Date.now() - t0} ms (wall clock)`);
  assert.equal(await page.locator(sel(`service-${group.id}`)).count(), 0, 'the service step is skipped');
  await finish(page);
});

test('the provider step shows a provider\'s own price and duration', async () => {
  const own = consult.providers[1];
  const path = `/v1/services/${consult.id}/providers/${own.id}`;
  const minutes = consult.duration_minutes + 30;
  await server.api.ok('PUT', path, { price: '150.00', duration_minutes: minutes });
  try {
    const page = await newPage(browser, server);
    await openBooking(page, server, { serviceId: consult.id });
    await page.click(sel(`service-${consult.id}`));
    await page.locator(sel(`provider-terms-${own.id}`)).waitFor();
    const text = await page.locator(sel(`provider-terms-${own.id}`)).textContent();
    assert.ok(text.includes(`${minutes} min`) && text.includes('150'), text);
    assert.equal(await page.locator(sel(`provider-terms-${consult.providers[0].id}`)).count(), 0,
      'a provider on the service\'s terms shows none of its own');
    await checkA11y(page, 'provider step with own terms');
    await finish(page);
  } finally {
    await server.api.ok('DELETE', path, undefined, 204);
  }
});

// ---- provider profiles, locations, feedback ----

// A 1×1 PNG, served for a provider photo on an https host the test intercepts.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

/** A booking of svc made through the public API (the first free time within 30 days). */
async function publicBooking(svc, tag) {
  const today = localDate(new Date(), 'UTC');
  const q = new URLSearchParams({ service_id: svc.id, from: addDays(today, 1), to: addDays(today, 30), timezone: 'UTC' });
  const { slots } = await server.publicApi.ok('GET', `/v1/public/${server.slug}/slots?${q}`);
  assert.ok(slots.length > 0, `free times of ${svc.name}`);
  const slot = slots[slots.length - 1 - (n % Math.min(5, slots.length))];
  return server.publicApi.ok('POST', `/v1/public/${server.slug}/bookings`, {
    service_id: svc.id, provider_id: slot.provider_id, start: slot.start, customer: customer(tag),
  }, 201, { 'Idempotency-Key': idemKey() });
}

test('the provider step shows each provider\'s profile: photo with alt text, bio, specialties, languages, as text', async () => {
  const [ada, jonas] = consult.providers;
  for (const p of consult.providers) {
    assert.ok(p.bio && p.specialties.length && p.languages.length, `the demo gives ${p.name} a profile`);
    assert.equal(p.photo_url, null, 'the demo links no photo on another host');
  }
  const photo = 'https://photos.example/ada.png';
  // Long enough to show three lines and a "More" toggle.
  const markup = `<img src=x onerror="window.__pwned=1"> & <b>bold</b>\n${'Twelve years of sports physiotherapy. '.repeat(6).trim()}`;
  await server.api.ok('PATCH', `/v1/providers/${ada.id}`, { photo_url: photo });
  await server.api.ok('PATCH', `/v1/providers/${jonas.id}`, { bio: markup });
  try {
    const page = await newPage(browser, server);
    // The photo host answers here (the page's own routes refuse every other host).
    await page.route('https://photos.example/**', (r) => r.fulfill({ status: 200, contentType: 'image/png', body: PNG }));
    await openBooking(page, server, { serviceId: consult.id });
    await page.click(sel(`service-${consult.id}`));
    const prof = page.locator(sel(`provider-profile-${ada.id}`));
    await prof.waitFor();
    const text = await prof.textContent();
    assert.ok(text.includes(ada.bio), `the bio: ${text}`);
    for (const sp of ada.specialties) assert.ok(text.includes(sp), `the specialty ${sp}: ${text}`);
    const names = new Intl.DisplayNames(['en-US'], { type: 'language' });
    for (const l of ada.languages) assert.ok(text.includes(names.of(l)), `the language ${names.of(l)}: ${text}`);
    const img = page.locator(sel(`provider-photo-${ada.id}`));
    assert.equal(await img.getAttribute('alt'), `Photo of ${ada.name}`);
    assert.equal(await img.getAttribute('src'), photo);
    await page.waitForFunction((s) => { const i = document.querySelector(s); return i && i.complete && i.naturalWidth === 1; },
      sel(`provider-photo-${ada.id}`));
    // The choice is named by the provider and described by the profile.
    const btn = page.locator(sel(`provider-${ada.id}`));
    assert.equal(await btn.getAttribute('aria-describedby'), await prof.getAttribute('id'));
    assert.equal((await btn.locator('.choice-title').textContent()).trim(), ada.name);
    // Server text stays text.
    const bio = page.locator(sel(`provider-bio-${jonas.id}`));
    assert.equal(await bio.textContent(), markup);
    assert.equal(await page.locator(`${sel(`provider-profile-${jonas.id}`)} img, ${sel(`provider-profile-${jonas.id}`)} b`).count(), 0);
    assert.equal(await page.evaluate(() => window.__pwned), undefined);
    const more = page.locator(`${sel(`provider-profile-${jonas.id}`)} button.more`);
    assert.equal(await more.getAttribute('aria-expanded'), 'false');
    assert.equal(await more.getAttribute('aria-controls'), await bio.getAttribute('id'));
    const clampedHeight = (await bio.boundingBox()).height;
    await more.click();
    assert.equal(await more.getAttribute('aria-expanded'), 'true');
    assert.ok((await bio.boundingBox()).height > clampedHeight, 'the whole bio shows after "More"');
    assert.equal(await page.locator(`${sel(`provider-profile-${ada.id}`)} button.more`).count(), 0, 'a short bio has no toggle');
    // A provider without a photo gets no broken image.
    assert.equal(await page.locator(sel(`provider-photo-${jonas.id}`)).count(), 0);
    await screenshot(page, '30-provider-profiles');
    await checkA11y(page, 'provider profiles');
    await page.click(sel(`provider-${ada.id}`));
    await page.locator(sel('step-when')).waitFor();
    await finish(page);
  } finally {
    await server.api.ok('PATCH', `/v1/providers/${ada.id}`, { photo_url: null });
    await server.api.ok('PATCH', `/v1/providers/${jonas.id}`, { bio: consult.providers[1].bio });
  }
});

test('the confirmation and the manage page say where: an address, a video call link, a phone line', async () => {
  assert.deepEqual(consult.location, { type: 'in_person', address: consult.location.address });
  assert.equal(followUp.location.type, 'video');
  const page = await newPage(browser, server);

  // In person: the address as plain text.
  await openBooking(page, server, { serviceId: consult.id });
  await chooseService(page, consult.id, consult.providers[0].id, { label: 'en, in person' });
  await pickDay(page, 1);
  await pickTime(page, 0);
  await fillDetails(page, { ...customer('where'), phone: '+1 555 0142' });
  const ref = await confirmBooking(page);
  const where = page.locator(`${sel('confirmation')} ${sel('booking-location')}`);
  assert.equal(await where.getAttribute('data-type'), 'in_person');
  assert.equal((await where.locator(sel('location-address')).textContent()), consult.location.address);
  assert.equal(await where.locator('a').count(), 0, 'no map link: the address is text');
  await checkA11y(page, 'confirmation with an address');
  const href = await page.locator(sel('manage-link')).getAttribute('href');
  await page.goto(href);
  await page.locator(sel('manage')).waitFor();
  assert.equal(await page.locator(`${sel('manage')} ${sel('location-address')}`).textContent(), consult.location.address);
  assert.equal(await page.locator(sel('feedback')).count(), 0, 'no feedback before the booking is completed');

  // Phone: the staff set a number to call; the manage page offers it as a tel: link.
  const b = await bookingByRef(server, ref);
  await server.api.ok('PATCH', `/v1/bookings/${b.id}`, { location: { type: 'phone', phone: '+1 (555) 010-7788' } });
  await page.reload();
  const phone = page.locator(sel('location-phone'));
  await phone.waitFor();
  assert.equal(await phone.textContent(), '+1 (555) 010-7788');
  assert.equal(await phone.getAttribute('href'), 'tel:+15550107788');
  // The provider calls: the customer's own number is named.
  await server.api.ok('PATCH', `/v1/bookings/${b.id}`, { location: { type: 'phone', phone: null } });
  await page.reload();
  await page.locator(sel('booking-location')).waitFor();
  assert.match(await page.locator(sel('booking-location')).textContent(), /\+1 555 0142/);

  // Video: the link made for this booking, opened in a new tab without the opener.
  await openBooking(page, server, { serviceId: followUp.id });
  await chooseService(page, followUp.id, 'any', { label: 'en, video' });
  await pickDay(page, 2);
  await pickTime(page, 0);
  await fillDetails(page, customer('video'));
  const vref = await confirmBooking(page);
  const vb = await bookingByRef(server, vref);
  assert.equal(vb.location.url, `https://meet.jit.si/${server.slug}-${vref}`);
  const link = page.locator(`${sel('confirmation')} ${sel('video-link')}`);
  assert.equal(await link.getAttribute('href'), vb.location.url);
  assert.equal(await link.getAttribute('target'), '_blank');
  assert.match(await link.getAttribute('rel'), /\bnoopener\b/);
  assert.match(await link.textContent(), /^Join video call/);
  const google = new URL(await page.locator(sel('google-link')).getAttribute('href'));
  assert.equal(google.searchParams.get('location'), vb.location.url, 'the calendar link carries the call\'s link');
  assert.ok(!google.href.includes('mt_'), 'never the manage token');
  await screenshot(page, '31-confirmation-video');
  await checkA11y(page, 'confirmation with a video link');
  await page.goto(await page.locator(sel('manage-link')).getAttribute('href'));
  await page.locator(sel('manage')).waitFor();
  assert.equal(await page.locator(`${sel('manage')} ${sel('video-link')}`).getAttribute('href'), vb.location.url);
  await screenshot(page, '32-manage-video');
  await finish(page);
});

let rated; // {booking, token}: the completed booking with feedback (the German test reads it)

test('a completed booking takes feedback on the manage page (stars by keyboard), shows it and lets it be changed', async () => {
  const made = await publicBooking(consult, 'feedback');
  const token = made.manage_token;
  await server.api.ok('POST', `/v1/bookings/${made.id}/complete`, {}, 200);
  const page = await newPage(browser, server);
  await page.goto(`${server.base}/manage/${token}`);
  const box = page.locator(sel('feedback'));
  await box.waitFor();
  assert.equal(await page.locator(sel('booking-status')).getAttribute('data-status'), 'completed');
  await checkA11y(page, 'feedback form');
  // No rating chosen: said next to the stars, nothing sent.
  await page.click(sel('feedback-submit'));
  await page.locator(sel('error-rating')).waitFor();
  assert.equal(await page.locator(sel('feedback-stars')).getAttribute('aria-invalid'), 'true');
  assert.equal((await server.api.get(`/v1/bookings/${made.id}/feedback`)).status, 404);
  // A radio group: arrow keys move between the stars.
  await page.focus(sel('rating-1'));
  for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
  assert.equal(await page.locator(sel('rating-4')).isChecked(), true);
  assert.equal(await page.locator('fieldset.rating legend').textContent(), 'Your rating');
  await page.fill('[name="comment"]', 'Kind and <em>clear</em>');
  await screenshot(page, '33-feedback-form');
  await page.click(sel('feedback-submit'));
  await page.locator(`${sel('feedback-rating')}[data-rating="4"]`).waitFor({ timeout: 15000 });
  assert.equal(await page.locator(sel('feedback-comment')).textContent(), 'Kind and <em>clear</em>');
  assert.match(await page.locator('.status-line').textContent(), /Thank you/);
  let fb = await server.api.ok('GET', `/v1/bookings/${made.id}/feedback`);
  assert.equal(fb.rating, 4);
  assert.equal(fb.comment, 'Kind and <em>clear</em>');
  await screenshot(page, '33b-feedback-given');
  await checkA11y(page, 'feedback shown');

  // Changed within the 7 days.
  await page.click(sel('feedback-edit'));
  assert.equal(await page.locator(sel('rating-4')).isChecked(), true, 'the form starts from the feedback given');
  await page.click('label[for="fb-rating-5"]');
  await page.fill('[name="comment"]', 'Kind and clear, thank you');
  await page.click(sel('feedback-submit'));
  await page.locator(`${sel('feedback-rating')}[data-rating="5"]`).waitFor({ timeout: 15000 });
  fb = await server.api.ok('GET', `/v1/bookings/${made.id}/feedback`);
  assert.equal(fb.rating, 5);
  assert.equal(fb.comment, 'Kind and clear, thank you');
  // The reload shows it too.
  await page.reload();
  await page.locator(`${sel('feedback-rating')}[data-rating="5"]`).waitFor();

  // A second POST (another tab gave it meanwhile) and a closed edit window, as the API answers them.
  await page.route('**/v1/bookings/*/feedback', (r) => (r.request().method() === 'PATCH'
    ? r.fulfill({ status: 409, contentType: 'application/problem+json',
      body: JSON.stringify({ type: 'about:blank', title: 'Conflict', status: 409, code: 'feedback_closed', detail: 'feedback can be changed for 7 days' }) })
    : r.fallback()));
  await page.click(sel('feedback-edit'));
  await page.click('label[for="fb-rating-3"]');
  await page.click(sel('feedback-submit'));
  const err = page.locator(sel('error'));
  await err.waitFor();
  assert.match(await err.textContent(), /no longer be changed/);
  await page.locator(sel('feedback-closed')).waitFor();
  assert.equal(await page.locator(sel('feedback-edit')).count(), 0, 'no edit offered once closed');
  assert.equal((await server.api.ok('GET', `/v1/bookings/${made.id}/feedback`)).rating, 5, 'nothing changed');
  rated = { booking: made, token };
  await finish(page);

  // The API's own refusals, worded: booking_not_completed and feedback_exists.
  const other = await publicBooking(consult, 'feedback-early');
  const page2 = await newPage(browser, server);
  await page2.goto(`${server.base}/manage/${other.manage_token}`);
  await page2.locator(sel('manage')).waitFor();
  assert.equal(await page2.locator(sel('feedback')).count(), 0);
  await server.api.ok('POST', `/v1/bookings/${other.id}/complete`, {}, 200);
  await page2.reload();
  await page2.locator(sel('feedback')).waitFor();
  await apiClient(server.base, other.manage_token).ok('POST', `/v1/bookings/${other.id}/feedback`, { rating: 2 });
  await page2.click('label[for="fb-rating-5"]');
  await page2.click(sel('feedback-submit'));
  await page2.locator(sel('error')).waitFor();
  assert.match(await page2.locator(sel('error')).textContent(), /already been given/);
  await page2.locator(`${sel('feedback-rating')}[data-rating="2"]`).waitFor();
  await finish(page2);
});

test('German: profiles, the location and the feedback in German', async () => {
  assert.ok(rated, 'the feedback test ran first');
  const page = await newPage(browser, server, { locale: 'de-DE', timezoneId: 'Europe/Berlin' });
  await openBooking(page, server, { serviceId: consult.id });
  await page.click(sel(`service-${consult.id}`));
  const ada = consult.providers[0];
  const prof = page.locator(sel(`provider-profile-${ada.id}`));
  await prof.waitFor();
  const names = new Intl.DisplayNames(['de-DE'], { type: 'language' });
  const text = await prof.textContent();
  assert.match(text, /Schwerpunkte: /);
  assert.match(text, /Sprachen: /);
  for (const l of ada.languages) assert.ok(text.includes(names.of(l)), `${names.of(l)} in ${text}`);
  await checkA11y(page, 'German provider profiles');

  await page.goto(`${server.base}/manage/${rated.token}`);
  await page.locator(sel('feedback')).waitFor();
  const main = await page.locator(sel('manage')).textContent();
  assert.match(main, /Ort/);
  assert.match(main, /Vor Ort/);
  assert.ok(main.includes(consult.location.address));
  assert.match(main, /Ihre Bewertung/);
  assert.match(main, /5 von 5 Sternen/);
  assert.match(main, /Abgegeben am /);
  assert.equal(await page.locator(sel('booking-status')).textContent(), 'Abgeschlossen');
  await screenshot(page, '34-de-feedback');
  await checkA11y(page, 'German feedback');
  await finish(page);
});

test('"Anyone" on a group service with several providers shows the seats left', async () => {
  const ids = consult.providers.map((p) => p.id);
  const svc = await server.api.ok('POST', '/v1/services', {
    name: 'Small class', duration_minutes: 60, capacity: 3, provider_ids: ids });
  await server.api.ok('PATCH', `/v1/services/${svc.id}`, { public: true });
  const page = await newPage(browser, server);
  await openBooking(page, server, { serviceId: svc.id, label: 'group service, anyone' });
  await page.click(sel(`service-${svc.id}`));
  await page.click(sel('provider-any'));
  await waitFreeDay(page);
  await pickDay(page);
  const first = page.locator(TIME_BUTTON).first();
  await first.waitFor();
  assert.match(await first.textContent(), /3 seats left/, 'each time says how many seats are left');
  await finish(page);
});
