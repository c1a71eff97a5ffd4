// The console with real data at the size of a busy practice group: 50 providers (the demo's
// three and 47 more) and over 2,000 bookings in one week. Reported, not asserted as timings:
// from moving to that week to every booking drawn in the week view, split into the page's
// GET /v1/calendar and the drawing (and the same GET from Node), and a drag's round trip.
// Asserted: every booking of the week is drawn, and the dragged one is stored at its new start.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { newPage, screenshot, finish, report, addDays, localDate } from './harness.mjs';
import { sel } from './flows.mjs';
import {
  NY, EVENT_BOOKING, consoleSuite, getBooking, watchCalendar, calendarSettled, openConsole, signIn,
  showDate, weekView, bookingEvent, dragBy, relY,
} from './console_flows.mjs';

const EXTRA = 47;          // with the demo's three: the 50 providers the calendar shows at once
const PER_PROVIDER = 43;   // 47 × 43 = 2,021 bookings in the week
const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri'];

let server;
let browser;

// Rate limits off: the set-up makes some 2,100 requests with one key in a few seconds.
consoleSuite((s) => ({ server, browser } = s), { args: ['--rate-limits', 'off'] });

/** Runs fn over items, `width` at a time. */
async function inBatches(items, width, fn) {
  const out = [];
  for (let i = 0; i < items.length; i += width) out.push(...await Promise.all(items.slice(i, i + width).map(fn)));
  return out;
}

/** The Monday after this week's (New York dates). */
function nextMonday() {
  const today = localDate(new Date(), NY);
  const dow = new Date(`${today}T12:00:00Z`).getUTCDay();
  return addDays(today, ((8 - dow) % 7) || 7);
}

/**
 * In the page, before a move: counts the calendar's booking elements mounted (eventDidMount
 * sets data-testid on each) and the clicks on cal-next/cal-prev, and empties the resource
 * timings so the move's GET /v1/calendar are the only calendar entries left.
 */
async function watchDrawing(page) {
  await page.evaluate(() => {
    const w = { mounts: 0, restyled: 0, clicks: [], drawnAt: null, longTasks: [] };
    window.scaleWatch = w;
    new MutationObserver((ms) => {
      for (const m of ms) {
        // data-testid: set once when an element is mounted (eventDidMount); style: a drawn
        // element placed again (e.g. the whole grid drawn again for other hours)
        const booking = (m.target.getAttribute('data-testid') || '').startsWith('event-booking-');
        if (m.attributeName === 'data-testid' && booking) w.mounts += 1;
        else if (m.attributeName === 'style' && (booking ||
          (m.target.firstElementChild?.getAttribute('data-testid') || '').startsWith('event-booking-'))) w.restyled += 1;
      }
    }).observe(document.body, { subtree: true, attributes: true, attributeFilter: ['data-testid', 'style'] });
    document.addEventListener('click', (e) => {
      if (e.target.closest('[data-testid="cal-next"], [data-testid="cal-prev"]')) w.clicks.push(performance.now());
    }, true);
    try {
      new PerformanceObserver((list) => {
        for (const x of list.getEntries()) w.longTasks.push({ start: x.startTime, ms: x.duration });
      }).observe({ type: 'longtask' });
    } catch { /* no long-task timing in this browser */ }
    performance.setResourceTimingBufferSize(2000);
    performance.clearResourceTimings();
  });
}

/**
 * Reports how the move's time splits: the page's GET /v1/calendar requests (how many, and
 * each one's time from sending to the last byte, of which waiting for the first byte), and
 * from the last answer's end to every booking drawn (reading the JSON, FullCalendar's
 * drawing), the main thread's long tasks then and in the 1.5 s after; and counts of the
 * booking elements mounted (more than the bookings: mounted again) and of drawn ones placed
 * again (the grid drawn a second time).
 */
async function splitOfTheMove(page, responses) {
  await new Promise((r) => setTimeout(r, 1500)); // anything the move still does afterwards
  const w = await page.evaluate(() => {
    const cal = performance.getEntriesByType('resource').filter((x) => new URL(x.name).pathname === '/v1/calendar')
      .map((x) => ({ start: x.startTime, end: x.responseEnd, ttfb: x.responseStart - x.requestStart, size: x.transferSize }));
    const s = window.scaleWatch;
    return { ...s, cal };
  });
  const click = w.clicks[w.clicks.length - 1];
  const inMove = w.cal.filter((x) => x.start >= click - 1);
  console.log(`count: console scale: GET /v1/calendar requests the page made for the week move: ${inMove.length}` +
    ` (answers watchCalendar saw: ${responses.length})`);
  inMove.forEach((x, i) => {
    report(`console scale: GET /v1/calendar #${i + 1} in the browser, sent → last byte (first byte after ${x.ttfb.toFixed(0)} ms, ${x.size} bytes)`,
      x.end - x.start);
  });
  if (inMove.length) {
    const last = inMove[inMove.length - 1];
    report('console scale: click → first GET /v1/calendar sent', inMove[0].start - click);
    report('console scale: last GET /v1/calendar answered → every booking drawn (JSON, events, FullCalendar drawing)', w.drawnAt - last.end);
  }
  const busy = w.longTasks.filter((x) => x.start >= click && x.start < w.drawnAt).reduce((n, x) => n + x.ms, 0);
  report('console scale: main thread busy in long tasks between the click and every booking drawn', busy);
  console.log(`count: console scale: booking elements mounted by the move: ${w.mounts} (each once: as many as the bookings);` +
    ` drawn booking elements (or their holders) placed again: ${w.restyled}`);
  const later = w.longTasks.filter((x) => x.start >= w.drawnAt).reduce((n, x) => n + x.ms, 0);
  report('console scale: main thread busy in long tasks in the 1.5 s after every booking was drawn', later);
}

/** The page's last GET /v1/calendar (50 providers, the week) again from Node with the admin key, five times. */
async function apiAlone(srv, url) {
  const u = new URL(url);
  assert.equal(u.searchParams.get('provider_ids').split(',').length, 50, 'the page asked for all 50 providers');
  const times = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    const r = await srv.api.get(u.pathname + u.search);
    times.push(performance.now() - t);
    assert.equal(r.status, 200, r.text);
    if (i === 0) console.log(`count: console scale: GET /v1/calendar from Node: ${r.body.items.length} items, ${r.text.length} bytes`);
  }
  times.forEach((ms, i) => report(`console scale: GET /v1/calendar for 50 providers' week from Node with the admin key, run ${i + 1}`, ms));
}

test('performance (reported): 50 providers and 2,000 bookings in one week view; a drag among them', async () => {
  const t0 = Date.now();
  const weekly = Object.fromEntries(DAYS.map((d) => [d, [{ start: '08:00', end: '17:00' }]]));
  const extra = await inBatches([...Array(EXTRA).keys()], 8, async (i) => {
    const p = await server.api.ok('POST', '/v1/providers', { name: `Therapist ${String(i + 1).padStart(2, '0')}`, timezone: NY });
    await server.api.ok('PUT', `/v1/providers/${p.id}/schedule`, { weekly });
    return p;
  });
  const service = await server.api.ok('POST', '/v1/services', {
    name: 'Scale visit', duration_minutes: 30, provider_ids: extra.map((p) => p.id),
  });
  const providers = await server.api.all('/v1/providers');
  assert.equal(providers.length, 50, 'the demo three and the 47 made here');
  // Every half hour from 08:00 on Monday to Friday (New York), the first PER_PROVIDER of them.
  const monday = nextMonday();
  const starts = [];
  for (let d = 0; d < DAYS.length; d++) {
    for (let m = 8 * 60; m < 17 * 60; m += 30) starts.push({ date: addDays(monday, d), m });
  }
  const jobs = [];
  for (const p of extra) {
    for (const s of starts.slice(0, PER_PROVIDER)) jobs.push({ p, s });
  }
  const offset = (date) => {
    // New York's UTC offset on that date at noon, e.g. "-05:00".
    const name = new Intl.DateTimeFormat('en-US', { timeZone: NY, timeZoneName: 'longOffset' })
      .formatToParts(new Date(`${date}T12:00:00Z`)).find((x) => x.type === 'timeZoneName').value;
    return name === 'GMT' ? 'Z' : name.slice(3);
  };
  let n = 0;
  const made = await inBatches(jobs, 16, async ({ p, s }) => {
    n += 1;
    const hh = String(Math.floor(s.m / 60)).padStart(2, '0');
    const mm = String(s.m % 60).padStart(2, '0');
    const r = await server.api.post('/v1/bookings', {
      service_id: service.id, provider_id: p.id, start: `${s.date}T${hh}:${mm}:00${offset(s.date)}`,
      customer: { name: `Scale patient ${n}`, email: `scale-${n}@example.com` },
    }, { 'Idempotency-Key': `scale-${p.id}-${s.date}-${s.m}` });
    assert.equal(r.status, 201, r.text);
    return r.body;
  });
  assert.ok(made.length >= 2000, `${made.length} bookings`);
  report(`console scale: ${EXTRA} providers and ${made.length} bookings made through the API`, Date.now() - t0);

  const page = await newPage(browser, server, { viewport: { width: 1920, height: 1200 } });
  watchCalendar(page);
  await openConsole(page, server);
  await signIn(page, server.signIn.admin, 'console scale');
  await calendarSettled(page);
  // Every provider is chosen by default (the calendar shows at most 50 at once).
  const boxes = await page.locator('[data-testid^="provider-filter-prv_"]').count();
  assert.equal(boxes, 50, 'one filter box per provider');
  await weekView(page);
  await watchDrawing(page);
  const before = page.cal.responses.length;
  const tWeek = Date.now();
  await showDate(page, monday);
  await page.waitForFunction((want) => {
    if (document.querySelectorAll('[data-testid^="event-booking-"]').length < want) return false;
    window.scaleWatch.drawnAt = performance.now();
    return true;
  }, made.length, { timeout: 60000, polling: 'raf' });
  report(`console scale: week moved → ${made.length} bookings of 50 providers drawn`, Date.now() - tWeek);
  await splitOfTheMove(page, page.cal.responses.slice(before));
  await apiAlone(server, page.cal.responses[page.cal.responses.length - 1].url);
  const drawn = await page.$$eval(EVENT_BOOKING, (es, ids) => {
    const all = new Set(ids);
    return es.filter((e) => all.has(e.dataset.testid.slice('event-booking-'.length))).length;
  }, made.map((b) => b.id));
  assert.equal(drawn, made.length, 'every booking of the week is drawn');
  await screenshot(page, 'console-scale-week');

  // A drag among them: the day of one provider's last booking (Wednesday 11:00: 18 starts on
  // Monday and Tuesday, 7 on Wednesday), that provider alone, the booking moved 60 minutes
  // later onto free time.
  const own = made.filter((b) => b.provider_id === extra[0].id).sort((x, y) => Date.parse(y.start) - Date.parse(x.start));
  const [last, prior] = own;
  // (The day view opens on a day of the week already loaded; the refetches of the filter give
  // it a window of its own, from which showDate moves day by day.)
  await page.locator(sel('view-day')).click();
  for (const p of providers) {
    if (p.id === extra[0].id) continue;
    const box = page.locator(sel(`provider-filter-${p.id}`));
    if (await box.isChecked()) await box.uncheck();
  }
  await calendarSettled(page);
  await showDate(page, localDate(new Date(last.start), NY));
  const ev = bookingEvent(page, last.id);
  await ev.waitFor();
  const px = await relY(page, last.id, prior.id);
  assert.ok(px > 0, `the last booking is drawn below the one before (${px} px)`);
  const answered = page.waitForResponse((r) => r.url().includes(`/v1/bookings/${last.id}/reschedule`), { timeout: 15000 });
  const tDrop = await dragBy(page, ev, 60, px / 30);
  assert.equal((await answered).status(), 200, 'the reschedule is accepted');
  report('console scale: drag among 2,000 bookings, drop → slotd answered', Date.now() - tDrop);
  const moved = await getBooking(server, last.id);
  assert.equal(Date.parse(moved.start) - Date.parse(last.start), 60 * 60000, 'stored one hour later');
  await finish(page);
});
