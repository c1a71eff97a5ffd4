// The harness itself: slotd starts with the demo clinic on a free port, the admin key it
// printed works, Chromium loads a page from it, and slotd stops cleanly.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { startSlotd, launchBrowser, newPage, screenshot } from './harness.mjs';

let server;
let browser;

before(async () => {
  server = await startSlotd();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('slotd serves the demo clinic on a loopback port', async () => {
  assert.match(server.base, /^http:\/\/127\.0\.0\.1:\d+$/);
  const services = await server.api.all('/v1/services');
  assert.deepEqual(services.map((s) => s.name).sort(),
    ['Follow-up visit', 'Group physiotherapy', 'Initial consultation']);
  const providers = await server.api.all('/v1/providers');
  assert.equal(providers.length, 3);
});

test('Chromium loads a page from slotd', async () => {
  const page = await newPage(browser, server);
  const r = await page.goto(`${server.base}/healthz`);
  assert.equal(r.status(), 200);
  await screenshot(page, 'harness-healthz');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});
