// The embed snippet on another site: a plain HTML page served on another port (another
// origin) loads slotd's /embed.js, which shows the booking page in an iframe that takes the
// height the page inside reports; a visitor books inside the frame.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';

import { startDemo, newPage, screenshot, checkA11y, finish } from './harness.mjs';
import { sel, ENABLED_DAY, TIME_BUTTON, bookingByRef, sameInstant } from './flows.mjs';

let server;
let browser;
let host;       // the other site
let hostBase;
let consult;

before(async () => {
  ({ server, browser, consult } = await startDemo());
  host = createServer((req, res) => {
    if (req.url !== '/' && !req.url.startsWith('/?')) { res.writeHead(404); res.end(); return; }
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Another site</title></head>
<body><main aria-label="Clinic website">
<h1>Our clinic</h1>
<p>Book below.</p>
<script src="${server.base}/embed.js" data-slotd-tenant="${server.slug}" async></script>
<p id="after">Text after the booking page.</p>
</main></body></html>`);
  });
  await new Promise((r) => host.listen(0, '127.0.0.1', r));
  hostBase = `http://127.0.0.1:${host.address().port}`;
});

after(async () => {
  await browser?.close();
  await new Promise((r) => (host ? host.close(r) : r()));
  await server?.stop();
});

/** The height the embed script gave the iframe (its style; the CSS min-height may show more). */
async function frameHeight(page) {
  return page.$eval('iframe', (f) => parseFloat(f.style.height));
}

async function heightSettles(page, previous, label) {
  await page.waitForFunction((prev) => {
    const f = document.querySelector('iframe');
    return f && Math.round(parseFloat(f.style.height)) !== Math.round(prev);
  }, previous, { timeout: 10000 }).catch(() => {
    throw new Error(`the iframe did not resize ${label} (stays ${previous}px)`);
  });
  return frameHeight(page);
}

async function innerHeight(page) {
  return page.frames().find((f) => f.url().startsWith(server.base))
    .evaluate(() => Math.ceil(document.documentElement.getBoundingClientRect().height));
}

test('the embed script shows the booking page in an iframe that resizes', async () => {
  const page = await newPage(browser, server, { allowOrigins: [hostBase] });
  assert.notEqual(new URL(hostBase).origin, new URL(server.base).origin);
  const r = await page.goto(hostBase);
  assert.equal(r.status(), 200);
  const iframe = page.locator('iframe');
  await iframe.waitFor();
  const src = await iframe.getAttribute('src');
  assert.equal(src, `${server.base}/book/${server.slug}?embed=1`);
  assert.ok(await iframe.getAttribute('title'), 'the iframe has a title');
  const frame = page.frameLocator('iframe');
  await frame.locator(sel(`service-${consult.id}`)).waitFor();
  // The page inside reported its height: the frame is no longer the script's initial 640 px.
  const h1 = await heightSettles(page, 640, 'to the service list');
  assert.ok(h1 >= 200, `height ${h1}`);
  let inner = await innerHeight(page);
  assert.ok(Math.abs(h1 - Math.max(200, inner)) <= 2, `iframe ${h1}px fits the page inside (${inner}px)`);
  await screenshot(page, '30-embed-services');
  await checkA11y(page, 'embed host page');

  // Choosing the service changes the page inside; the frame follows.
  await frame.locator(sel(`service-${consult.id}`)).click();
  await frame.locator(sel('provider-any')).click();
  await frame.locator(ENABLED_DAY).first().waitFor();
  const h2 = await heightSettles(page, h1, 'to the calendar');
  inner = await innerHeight(page);
  assert.ok(Math.abs(h2 - Math.max(200, inner)) <= 2, `iframe ${h2}px fits the calendar page (${inner}px)`);
  const shown = await page.$eval('iframe', (f) => f.getBoundingClientRect().height);
  assert.ok(shown >= inner - 2, `the frame shows the whole page: ${shown}px for ${inner}px`);
  await screenshot(page, '31-embed-calendar');

  // A booking made inside the frame.
  await frame.locator(ENABLED_DAY).first().click();
  const time = frame.locator(TIME_BUTTON).first();
  await time.waitFor();
  const start = (await time.getAttribute('data-testid')).slice('time-'.length);
  await time.click();
  await frame.locator('[name="name"]').fill('Embedded Visitor');
  await frame.locator('[name="email"]').fill(`embed-${Date.now()}@example.com`);
  await frame.locator(sel('confirm-booking')).click();
  await frame.locator(sel('confirmation')).waitFor({ timeout: 15000 });
  const ref = (await frame.locator(`${sel('confirmation')} ${sel('booking-reference')}`).textContent()).trim();
  const b = await bookingByRef(server, ref);
  assert.ok(sameInstant(b.start, start));
  await screenshot(page, '32-embed-confirmation');
  // The host page's text after the snippet stays below the frame.
  const after = await page.$eval('#after', (p) => p.getBoundingClientRect().top);
  const bottom = await page.$eval('iframe', (f) => f.getBoundingClientRect().bottom);
  assert.ok(after >= bottom, 'the iframe sits where the script tag was');
  await finish(page);
});

test('the booking page may be framed by any site, and only in an iframe when embedded', async () => {
  const r = await fetch(`${server.base}/book/${server.slug}?embed=1`);
  const csp = r.headers.get('content-security-policy') || '';
  assert.match(csp, /frame-ancestors \*/);
  assert.equal(r.headers.get('x-frame-options'), null, 'X-Frame-Options would block the embed');
});
