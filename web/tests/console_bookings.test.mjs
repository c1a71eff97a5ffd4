// The console's bookings list search and date range, the console on a tablet (810×1080, touch)
// and the console in German, in Chromium against the real slotd with the demo clinic
// (`slotd serve --demo`). Every result is checked through the admin API; axe runs on each page.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { newPage, screenshot, checkA11y, finish, report, idemKey, localDate } from './harness.mjs';
import { sel } from './flows.mjs';
import {
  NY, consoleSuite, bookableDay, approvalService, getBooking, watchCalendar, calendarSettled, openConsole, signIn, weekOf,
  freeStarts,
} from './console_flows.mjs';
import { catalogues } from '../src/i18n.js';
import '../src/console/strings.js';
import '../src/console/strings_calendar.js';
import '../src/console/strings_availability.js';
import '../src/console/strings_dashboard.js';
import '../src/console/strings_setup.js';

const EN = catalogues.en;
const DE = catalogues.de;
const PAGES = ['calendar', 'bookings', 'availability', 'waitlist', 'dashboard', 'setup'];
// What shows that each page has loaded.
const LOADED = {
  calendar: 'calendar', bookings: 'bookings-table', availability: 'weekly-editor',
  waitlist: 'waitlist-table', dashboard: 'dash-range', setup: 'setup-nav',
};

let server;
let browser;
let providers;
let services;

consoleSuite((s) => ({ server, browser, providers, services } = s));

/** POST /v1/bookings as the demo admin with this customer; returns the booking. */
async function bookAs(serviceId, providerId, start, customer) {
  const r = await server.api.post('/v1/bookings', { service_id: serviceId, provider_id: providerId, start, customer },
    { 'Idempotency-Key': idemKey() });
  assert.equal(r.status, 201, `booking ${start}: ${r.text}`);
  return r.body;
}

/** The ids of the list's rows. */
const rowIds = (page) => page.$$eval('[data-testid^="booking-row-"]',
  (rs) => rs.map((r) => r.dataset.testid.slice('booking-row-'.length)).sort());

/** The ids the API finds for a bookings query (admin key). */
async function apiIds(query) {
  return (await server.api.all(`/v1/bookings?${query}`)).map((b) => b.id).sort();
}

/** Waits until a GET /v1/bookings the page sends has answered; returns its URL's query. */
function nextList(page) {
  return page.waitForResponse((r) => r.request().method() === 'GET' && new URL(r.url()).pathname === '/v1/bookings')
    .then((r) => new URL(r.url()).searchParams);
}

/** Waits until the rows are exactly `ids` (sorted). */
async function rowsAre(page, ids, what) {
  const want = [...ids].sort();
  const t0 = Date.now();
  let got = await rowIds(page);
  while (JSON.stringify(got) !== JSON.stringify(want)) {
    assert.ok(Date.now() - t0 < 10000, `${what}: rows ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
    await new Promise((r) => setTimeout(r, 50));
    got = await rowIds(page);
  }
}

async function signedIn(opts = {}) {
  const page = await newPage(browser, server, opts);
  watchCalendar(page);
  await openConsole(page, server);
  await signIn(page, server.signIn.admin, 'console (admin)');
  await page.locator(sel('calendar')).waitFor({ timeout: 15000 });
  await calendarSettled(page);
  return page;
}

test('the bookings list finds by name, e-mail and reference as typed, narrows by dates and keeps the filters', async () => {
  const { ada, jonas } = providers;
  const tag = Date.now().toString(36);
  const day = await bookableDay(server, services.consult.id, [ada.id, jonas.id], { n: 4, minSlots: 2 });
  const later = await bookableDay(server, services.consult.id, [ada.id], { n: 9, minSlots: 1 });
  const zoe = await bookAs(services.consult.id, ada.id, day.starts[ada.id][0],
    { name: `Zoë Quintsearch ${tag}`, email: `zq-${tag}@example.com` });
  const finn = await bookAs(services.consult.id, jonas.id, day.starts[jonas.id][0],
    { name: `Finn Other ${tag}`, email: `findme-${tag}@example.net`, phone: '+49 30 555 0199' });
  const rosa = await bookAs(services.consult.id, ada.id, later.starts[ada.id][0],
    { name: `Rosa Range ${tag}`, email: `rosa-${tag}@example.org` });

  const page = await signedIn();
  await page.click(sel('nav-bookings'));
  await page.locator(sel('bookings-table')).waitFor();
  await page.locator(sel(`booking-row-${zoe.id}`)).waitFor({ timeout: 10000 });
  const search = page.locator(sel('bookings-search'));
  assert.equal(await search.getAttribute('type'), 'search');
  assert.equal((await page.locator('label[for="bf-q"]').textContent()).trim(), EN['c.list.search']);

  // Typing searches after a short pause, without Enter; case does not matter.
  let sent = nextList(page);
  const t0 = Date.now();
  await search.pressSequentially(`QUINTSEARCH ${tag}`.toUpperCase(), { delay: 20 });
  let q = await sent;
  await rowsAre(page, [zoe.id], 'search by name');
  report('bookings search: typing stopped → rows narrowed', Date.now() - t0);
  assert.ok(q.get('q') && q.get('q').length > 0, 'the list asked the server with q');
  assert.deepEqual(await rowIds(page), await apiIds(`q=${encodeURIComponent(`quintsearch ${tag}`)}`));
  await checkA11y(page, 'bookings search by name');
  await screenshot(page, 'console-bookings-01-search-name');

  // E-mail, sent at once with Enter.
  await search.fill(`findme-${tag}`);
  sent = nextList(page);
  await search.press('Enter');
  q = await sent;
  assert.equal(q.get('q'), `findme-${tag}`);
  await rowsAre(page, [finn.id], 'search by e-mail');

  // Reference, in lower case.
  await search.fill(rosa.reference.toLowerCase());
  await search.press('Enter');
  await rowsAre(page, [rosa.id], 'search by reference');
  const rowText = await page.locator(sel(`booking-row-${rosa.id}`)).textContent();
  assert.ok(rowText.includes(rosa.reference) && rowText.includes(rosa.customer.name), rowText);

  // Nothing found: said in words, naming what was searched.
  const none = `nobody-${tag}`;
  await search.fill(none);
  await search.press('Enter');
  await rowsAre(page, [], 'search for nobody');
  const want = EN['c.list.empty.search'].replace('{q}', none);
  await page.waitForFunction((w) => [...document.querySelectorAll('[role="status"]')].some((s) => s.textContent.includes(w)), want);
  assert.deepEqual(await apiIds(`q=${none}`), []);

  // The server's refusal (more than 100 characters) next to the field, after a search with rows:
  // those rows go, as they would read as the refused search's.
  await search.fill(rosa.reference);
  await search.press('Enter');
  await rowsAre(page, [rosa.id], 'search for the reference again');
  await search.fill('x'.repeat(101));
  sent = nextList(page);
  await search.press('Enter');
  await sent;
  await rowsAre(page, [], 'rows after a refused search');
  const searchErr = page.locator(sel('bookings-search-error'));
  await page.waitForFunction(() => document.querySelector('[data-testid="bookings-search-error"]').textContent.length > 0);
  assert.equal((await searchErr.textContent()).trim(), EN['c.list.search.too_long']);
  assert.equal(await search.getAttribute('aria-invalid'), 'true');
  assert.equal(await search.inputValue(), 'x'.repeat(101), 'the typed text stays');
  await checkA11y(page, 'bookings search refused');

  // The date range (days in the browser's zone, New York) with an empty search.
  await search.fill('');
  await search.press('Enter');
  await page.locator(sel(`booking-row-${zoe.id}`)).waitFor();
  sent = nextList(page);
  await page.fill(sel('bookings-from'), later.date);
  q = await sent;
  // "from" is the start of that day in New York: the day at that instant, and the day before a second earlier.
  const from = Date.parse(q.get('from'));
  assert.equal(localDate(new Date(from), NY), later.date, `from ${q.get('from')}`);
  assert.notEqual(localDate(new Date(from - 1000), NY), later.date, `from ${q.get('from')} is the day's start`);
  sent = nextList(page);
  await page.fill(sel('bookings-to'), later.date);
  q = await sent;
  const ids = await apiIds(`from=${encodeURIComponent(q.get('from'))}&to=${encodeURIComponent(q.get('to'))}`);
  await rowsAre(page, ids, 'one day');
  assert.ok(ids.includes(rosa.id) && !ids.includes(zoe.id), 'the day holds Rosa, not Zoë');
  for (const id of ids) {
    assert.equal(localDate(new Date((await getBooking(server, id)).start), NY), later.date, `row ${id} starts on ${later.date} in New York`);
  }
  // Search and dates together.
  await search.fill(`rosa range ${tag}`);
  await search.press('Enter');
  await rowsAre(page, [rosa.id], 'search within the day');
  await screenshot(page, 'console-bookings-02-dates');
  await checkA11y(page, 'bookings dates');

  // A "to" before "from" is said at the field; nothing is asked.
  let asked = 0;
  const count = (r) => { if (new URL(r.url()).pathname === '/v1/bookings') asked += 1; };
  page.on('request', count);
  await page.fill(sel('bookings-to'), day.date);
  await page.waitForFunction(() => document.querySelector('[data-testid="bookings-range-error"]').textContent.length > 0);
  assert.equal((await page.locator(sel('bookings-range-error')).textContent()).trim(), EN['c.list.range.bad']);
  await new Promise((r) => setTimeout(r, 400));
  assert.equal(asked, 0, 'no request for an impossible range');
  assert.deepEqual(await rowIds(page), [], 'the rows of the range before are not shown under the impossible one');
  page.off('request', count);

  // The filters are kept when the page is left and opened again.
  await page.fill(sel('bookings-to'), later.date);
  await rowsAre(page, [rosa.id], 'range fixed');
  await page.click(sel('nav-calendar'));
  await page.locator(sel('calendar')).waitFor();
  await page.click(sel('nav-bookings'));
  await page.locator(sel('bookings-table')).waitFor();
  assert.equal(await page.locator(sel('bookings-search')).inputValue(), `rosa range ${tag}`);
  assert.equal(await page.locator(sel('bookings-from')).inputValue(), later.date);
  assert.equal(await page.locator(sel('bookings-to')).inputValue(), later.date);
  await rowsAre(page, [rosa.id], 'kept filters');
  await finish(page);
});

test('"more" clicked while a new search is read does not add the new list\'s rows to the old ones', async () => {
  // 101 bookings with Dr. Nair under one tag: the list shows 100 and offers more.
  const { priya } = providers;
  const tag = `bulk${Date.now().toString(36)}`;
  const made = [];
  const t0 = Date.now();
  for (const svc of [services.followUp, services.consult, services.group]) {
    const starts = [...(await freeStarts(server, svc.id, priya.id)).values()].flat();
    for (const start of starts) {
      if (made.length > 100) break;
      const r = await server.api.post('/v1/bookings', { service_id: svc.id, provider_id: priya.id, start,
        customer: { name: `Bulk ${tag} ${made.length}`, email: `${tag}-${made.length}@example.com` } },
      { 'Idempotency-Key': idemKey() });
      if (r.status === 429) { await new Promise((res) => setTimeout(res, 1000)); continue; }
      if (r.status === 201) made.push(r.body);
      else assert.ok([409, 422].includes(r.status), `${start}: ${r.text}`);
    }
    if (made.length > 100) break;
  }
  assert.equal(made.length, 101, 'Dr. Nair has 101 free starts in three weeks');
  report('bookings list: 101 bookings made through the API', Date.now() - t0);

  const page = await signedIn();
  await page.click(sel('nav-bookings'));
  await page.locator(sel('bookings-table')).waitFor();
  const search = page.locator(sel('bookings-search'));
  await search.fill(tag);
  await search.press('Enter');
  const moreText = EN['c.list.more'];
  const moreShown = () => page.evaluate((w) => [...document.querySelectorAll('button')]
    .some((b) => b.textContent.trim() === w && !b.hidden), moreText);
  const t1 = Date.now();
  while ((await rowIds(page)).length !== 100 || !(await moreShown())) {
    assert.ok(Date.now() - t1 < 10000, 'the first 100 of the tag with "more"');
    await new Promise((r) => setTimeout(r, 50));
  }

  // The next search's answer is held back a moment; "more" is clicked while it is awaited.
  const one = made[5];
  await page.route((url) => url.pathname === '/v1/bookings' && url.searchParams.get('q') === one.reference,
    async (route) => { await new Promise((r) => setTimeout(r, 1200)); await route.continue(); });
  await search.fill(one.reference);
  await search.press('Enter');
  await page.evaluate((w) => {
    const b = [...document.querySelectorAll('button')].find((x) => x.textContent.trim() === w);
    if (b && !b.hidden) b.click();
  }, moreText);
  await rowsAre(page, [one.id], 'only the searched booking');
  await new Promise((r) => setTimeout(r, 2000));
  assert.deepEqual(await rowIds(page), [one.id], 'no old rows added by a late answer');
  assert.deepEqual(await apiIds(`q=${one.reference}`), [one.id]);
  await finish(page);
});

/** Horizontal overflow of the document (px beyond the viewport; 0 when none). */
const overflowX = (page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

test('on a tablet (810×1080, touch) every page fits, the nav works by tap, and a booking is confirmed and completed by tap', async () => {
  const { ada } = providers;
  const page = await signedIn({ viewport: { width: 810, height: 1080 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 });
  const overflows = [];
  for (const name of PAGES) {
    const link = page.locator(sel(`nav-${name}`));
    const box = await link.boundingBox();
    assert.ok(box && box.x >= 0 && box.x + box.width <= 810 && box.height >= 24,
      `the ${name} link is on screen and big enough to tap: ${JSON.stringify(box)}`);
    const t0 = Date.now();
    await link.tap();
    await page.locator(sel(LOADED[name])).first().waitFor({ timeout: 15000 });
    await page.waitForLoadState('networkidle').catch(() => {});
    report(`tablet: tap ${name} → page shown`, Date.now() - t0);
    assert.equal(await page.locator(sel(`nav-${name}`)).getAttribute('aria-current'), 'page', `${name} is the current page`);
    const over = await overflowX(page);
    if (over > 0) overflows.push(`${name}: ${over}px`);
    await screenshot(page, `console-tablet-${name}`);
    await checkA11y(page, `tablet ${name}`);
  }
  assert.deepEqual(overflows, [], 'no page is wider than the tablet');

  // By tap: open a pending booking from the list, confirm it, then complete it.
  const approval = await approvalService(server, [ada.id]);
  const d = await bookableDay(server, approval.id, [ada.id], { n: 2, minSlots: 1 });
  const b = await bookAs(approval.id, ada.id, d.starts[ada.id][0], { name: `Tablet Tap ${Date.now()}`, email: `tap-${Date.now()}@example.com` });
  assert.equal(b.status, 'pending');
  await page.locator(sel('nav-bookings')).tap();
  const search = page.locator(sel('bookings-search'));
  await search.tap();
  await search.fill(b.reference);
  await search.press('Enter');
  await rowsAre(page, [b.id], 'the pending booking');
  await page.locator(sel(`booking-row-${b.id}`)).locator('button').tap();
  const detail = page.locator(sel('booking-detail'));
  await detail.waitFor();
  assert.ok(await overflowX(page) <= 0, 'the detail fits');
  await checkA11y(page, 'tablet detail');
  await detail.locator(sel('action-confirm')).tap();
  await page.waitForFunction(() => document.querySelector('[data-testid="booking-status"]')?.dataset.status === 'confirmed', null, { timeout: 10000 });
  assert.equal((await getBooking(server, b.id)).status, 'confirmed', 'the server stored the confirmation');
  await detail.locator(sel('action-complete')).tap();
  await page.waitForFunction(() => document.querySelector('[data-testid="booking-status"]')?.dataset.status === 'completed', null, { timeout: 10000 });
  assert.equal((await getBooking(server, b.id)).status, 'completed', 'the server stored the completion');
  await screenshot(page, 'console-tablet-completed');
  await finish(page);
});

// --- German ------------------------------------------------------------------------------------

/** Catalogue words that are English only: not the German text of any key, no placeholders. */
const ENGLISH_ONLY = (() => {
  const german = new Set(Object.values(DE));
  const out = new Set();
  for (const [k, v] of Object.entries(EN)) {
    if (!k.startsWith('c.') || typeof v !== 'string' || v.includes('{')) continue;
    if (v.trim().length < 3 || german.has(v) || DE[k] === v) continue;
    out.add(v.trim());
  }
  return out;
})();

/** Visible words in `root` (labels, buttons, headings, cells, options, hints, aria-labels) that are English catalogue values, and raw keys. */
async function leaks(page, root) {
  const found = await page.locator(root).first().evaluate((el) => {
    const texts = [];
    const visible = (n) => !!(n.offsetWidth || n.offsetHeight || n.getClientRects().length);
    for (const n of el.querySelectorAll('button, label, legend, h1, h2, h3, h4, th, caption, summary, option, a, p, span, td, dt, dd, li')) {
      if (n.tagName !== 'OPTION' && !visible(n)) continue;
      const own = [...n.childNodes].filter((c) => c.nodeType === 3).map((c) => c.textContent).join('').trim();
      if (own) texts.push(own);
      const full = n.textContent.trim();
      if (full && full !== own && full.length < 200) texts.push(full);
      for (const a of ['aria-label', 'placeholder', 'title']) if (n.getAttribute(a)) texts.push(n.getAttribute(a).trim());
    }
    for (const n of el.querySelectorAll('input, select, textarea')) {
      for (const a of ['aria-label', 'placeholder']) if (n.getAttribute(a)) texts.push(n.getAttribute(a).trim());
    }
    return { texts, all: el.innerText };
  });
  const english = [...new Set(found.texts.filter((x) => ENGLISH_ONLY.has(x)))];
  const keys = found.all.match(/(^|[\s"'(])c\.[a-z][a-z0-9_]*\.[a-z0-9_.]+/g) || [];
  return { english, keys, count: found.texts.length };
}

async function noLeaks(page, root, what) {
  const { english, keys, count } = await leaks(page, root);
  assert.ok(count > 3, `${what}: texts were read (${count})`);
  assert.deepEqual(english, [], `${what}: English words in German`);
  assert.deepEqual(keys, [], `${what}: raw keys`);
  await screenshot(page, `console-german-${what.replace(/\s+/g, '-')}`);
  await checkA11y(page, `German ${what}`);
}

test('in German no English catalogue words and no raw keys show on the calendar dialogs, the booking detail, availability, set-up and the dashboard', async () => {
  assert.ok(ENGLISH_ONLY.size > 100, `the English catalogue is read (${ENGLISH_ONLY.size} words)`);
  assert.ok(ENGLISH_ONLY.has(EN['c.list.search']) && DE['c.list.search'] === 'Suchen');
  const { ada } = providers;
  const d = await bookableDay(server, services.consult.id, [ada.id], { n: 3, minSlots: 1 });
  const b = await bookAs(services.consult.id, ada.id, d.starts[ada.id][0], { name: `Deutsch Test ${Date.now()}`, email: `de-${Date.now()}@example.com` });

  const page = await signedIn();
  // The check finds English words where they are (English still chosen).
  const before = await leaks(page, 'body');
  assert.ok(before.english.includes(EN['c.nav.bookings']) && before.english.length > 5,
    `English words are found in English: ${before.english.slice(0, 10)}`);
  await page.selectOption(sel('lang-switch'), 'de');
  await page.waitForFunction(() => document.documentElement.lang === 'de');
  await calendarSettled(page);
  assert.equal((await page.locator(sel('nav-bookings')).textContent()).trim(), DE['c.nav.bookings']);
  await noLeaks(page, 'body', 'calendar');

  // The create dialog.
  await page.click(sel('create-open'));
  const create = page.locator(sel('create-dialog'));
  await create.waitFor();
  await noLeaks(page, '[data-testid="create-dialog"]', 'create dialog');
  for (const kind of ['entry', 'time_off']) {
    const radio = create.locator(sel(`create-kind-${kind}`));
    if (await radio.count()) {
      await radio.check();
      await noLeaks(page, '[data-testid="create-dialog"]', `create dialog ${kind}`);
    }
  }
  await create.locator(sel('create-cancel')).click();
  await create.waitFor({ state: 'hidden' });

  // An entry's detail: the week of one of the demo's entries.
  const series = (await server.api.all('/v1/entries')).filter((e) => e.start);
  if (series.length) await weekOf(page, localDate(new Date(series[0].start), NY));
  const entry = page.locator('[data-testid^="event-entry-"]').first();
  if (await entry.count()) {
    await entry.click();
    const ed = page.locator(sel('entry-detail'));
    await ed.waitFor();
    await noLeaks(page, '[data-testid="entry-detail"]', 'entry detail');
    await ed.locator(sel('entry-close')).click();
  } else {
    console.log('German: no entry in the calendar week shown; the entry detail is not checked');
  }

  // The booking detail, from the list (the search box in German too).
  await page.click(sel('nav-bookings'));
  await page.locator(sel('bookings-table')).waitFor();
  assert.equal((await page.locator('label[for="bf-q"]').textContent()).trim(), DE['c.list.search']);
  const search = page.locator(sel('bookings-search'));
  await search.fill(b.reference);
  await search.press('Enter');
  await rowsAre(page, [b.id], 'German search');
  await noLeaks(page, 'body', 'bookings list');
  await page.locator(sel(`booking-row-${b.id}`)).locator('button').click();
  await page.locator(sel('booking-detail')).waitFor();
  // The dialog opens saying it is reading; its texts are checked once the booking is drawn.
  await page.locator(`${sel('booking-detail')} ${sel('booking-status')}`).waitFor();
  await noLeaks(page, '[data-testid="booking-detail"]', 'booking detail');
  await page.click(sel('detail-close'));

  await page.click(sel('nav-availability'));
  await page.locator(sel('weekly-editor')).waitFor({ timeout: 15000 });
  await page.waitForLoadState('networkidle').catch(() => {});
  await noLeaks(page, 'body', 'availability');

  await page.click(sel('nav-setup'));
  await page.locator(sel('setup-nav')).waitFor();
  await page.click(sel('setup-services'));
  await page.locator(sel('services-table')).waitFor({ timeout: 15000 });
  await page.click(sel('service-new'));
  await page.locator(sel('service-form')).waitFor();
  await noLeaks(page, 'body', 'set-up services form');

  await page.click(sel('nav-dashboard'));
  await page.locator(sel('dash-range')).waitFor({ timeout: 15000 });
  await page.waitForLoadState('networkidle').catch(() => {});
  await noLeaks(page, 'body', 'dashboard');
  await finish(page);
});
