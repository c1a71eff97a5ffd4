// The waitlist on the booking page: a visitor joins it from the date step; a visitor who was
// offered a time opens the offer link (/book/{slug}?waitlist={entry}) and books the offered time.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { startDemo, newPage, screenshot, checkA11y, finish, localDate, addDays } from './harness.mjs';
import { sel, openBooking, chooseService, bookingByRef, sameInstant } from './flows.mjs';

let server;
let browser;
let consult;

before(async () => {
  ({ server, browser, consult } = await startDemo());
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('a visitor joins the waitlist from the date step', async () => {
  const page = await newPage(browser, server);
  await openBooking(page, server);
  const provider = consult.providers[0];
  await chooseService(page, consult.id, provider.id, { label: 'en, waitlist' });
  await page.click(sel('waitlist-join'));
  await page.locator(sel('waitlist-submit')).waitFor();
  await screenshot(page, '40-waitlist-form');
  await checkA11y(page, 'waitlist form');
  // The form checks its fields before sending.
  await page.click(sel('waitlist-submit'));
  await page.locator(sel('error-name')).waitFor();
  assert.equal(await page.getAttribute('[name="name"]', 'aria-invalid'), 'true');
  const email = `wait-${Date.now()}@example.com`;
  await page.fill('[name="name"]', 'Wendy Wait');
  await page.fill('[name="email"]', email);
  await page.click(sel('waitlist-submit'));
  await page.locator(sel('waitlist-confirmation')).waitFor({ timeout: 15000 });
  await screenshot(page, '41-waitlist-done');
  await checkA11y(page, 'waitlist confirmation');
  const entries = (await server.api.all('/v1/waitlist')).filter((e) => e.customer.email === email);
  assert.equal(entries.length, 1, 'one entry for the visitor');
  assert.equal(entries[0].service_id, consult.id);
  assert.equal(entries[0].provider_id, provider.id);
  assert.equal(entries[0].priority, 0);
  assert.ok(['waiting', 'offered'].includes(entries[0].status));
  await finish(page);
});

test('the offer link shows the offered time and books it', async () => {
  const provider = consult.providers[0];
  // An entry for the next week: free times exist, so it is offered at once.
  const from = addDays(localDate(new Date(), provider.time_zone), 7);
  const made = await server.publicApi.post(`/v1/public/${server.slug}/waitlist`, {
    service_id: consult.id, provider_id: provider.id,
    customer: { name: 'Olive Offer', email: `offer-${Date.now()}@example.com` },
    earliest_date: from, latest_date: addDays(from, 6),
  });
  assert.equal(made.status, 201, made.text);
  const entry = made.body;
  assert.equal(entry.status, 'offered', 'a fitting free time is offered at once');
  const page = await newPage(browser, server);
  await page.goto(`${server.base}/book/${server.slug}?waitlist=${entry.id}`);
  await page.locator(sel('offer')).waitFor();
  await page.locator(`${sel('offer')} ${sel('hold-countdown')}`).waitFor();
  assert.equal(await page.inputValue('[name="name"]'), 'Olive Offer', 'the entry\'s details are filled in');
  await screenshot(page, '42-offer');
  await checkA11y(page, 'waitlist offer');
  await page.click(sel('confirm-booking'));
  await page.locator(sel('confirmation')).waitFor({ timeout: 15000 });
  const ref = (await page.locator(`${sel('confirmation')} ${sel('booking-reference')}`).textContent()).trim();
  const b = await bookingByRef(server, ref);
  assert.ok(sameInstant(b.start, entry.offer_start), `booked ${b.start}, offered ${entry.offer_start}`);
  assert.equal(b.provider_id, entry.offer_provider_id);
  const after = await server.api.ok('GET', `/v1/waitlist/${entry.id}`);
  assert.equal(after.status, 'booked');
  assert.equal(after.booking_id, b.id);
  await finish(page);
});

test('an offer shows the offered provider\'s own duration', async () => {
  const provider = consult.providers[0];
  const path = `/v1/services/${consult.id}/providers/${provider.id}`;
  await server.api.ok('PUT', path, { duration_minutes: consult.duration_minutes + 30 });
  try {
    const from = addDays(localDate(new Date(), provider.time_zone), 14);
    const made = await server.publicApi.post(`/v1/public/${server.slug}/waitlist`, {
      service_id: consult.id, provider_id: provider.id,
      customer: { name: 'Long Offer', email: `long-${Date.now()}@example.com` },
      earliest_date: from, latest_date: addDays(from, 6),
    });
    assert.equal(made.status, 201, made.text);
    assert.equal(made.body.status, 'offered');
    const page = await newPage(browser, server);
    await page.goto(`${server.base}/book/${server.slug}?waitlist=${made.body.id}`);
    await page.locator(`${sel('offer')} .summary`).waitFor();
    const shown = (await page.locator(`${sel('offer')} .summary p`).last().textContent()).trim();
    await page.click(sel('confirm-booking'));
    await page.locator(sel('confirmation')).waitFor({ timeout: 15000 });
    const booked = (await page.locator(sel('when-visitor')).textContent()).trim();
    assert.equal(shown, booked, 'the offer shows the time the booking takes');
    await finish(page);
  } finally {
    await server.api.ok('DELETE', path, undefined, 204);
  }
});
