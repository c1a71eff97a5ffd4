// The console's service form for a service offered by more providers than the service's
// provider_ids lists (205 here, added with POST /v1/services/{id}/providers): the list shows how
// many offer it, the form says they are managed elsewhere instead of a checkbox each, and
// saving it changes what was edited while every provider keeps offering the service (read
// back through the admin API). A small service's form still lists its providers.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { newPage, checkA11y, finish } from './harness.mjs';
import { sel } from './flows.mjs';
import { consoleSuite, openConsole, signIn } from './console_flows.mjs';

let server;
let browser;
let providers;
let many = []; // the 205 providers of the first test

consoleSuite((s) => ({ server, browser, providers } = s));

async function adminAt(path) {
  const page = await newPage(browser, server);
  await openConsole(page, server, path);
  await signIn(page, server.signIn.admin, 'console setup (admin)');
  await page.locator(sel('setup-nav')).waitFor({ timeout: 15000 });
  return page;
}

async function waitFor(fn, what, timeout = 15000) {
  const t0 = Date.now();
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() - t0 > timeout) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('a service with 205 providers is edited without touching its providers', async () => {
  const ids = [];
  for (let i = 0; i < 205; i++) {
    const p = await server.api.ok('POST', '/v1/providers', { name: `Many ${i}`, timezone: 'UTC' });
    ids.push(p.id);
  }
  many = ids;
  const svc = await server.api.ok('POST', '/v1/services', { name: 'Marketplace call', duration_minutes: 30 });
  const added = await server.api.ok('POST', `/v1/services/${svc.id}/providers`, { provider_ids: ids }, 200);
  assert.equal(added.provider_count, 205);
  const small = await server.api.ok('POST', '/v1/services', {
    name: 'Small one', duration_minutes: 30, provider_ids: [providers.ada.id] });

  const page = await adminAt('/console/setup/services');
  const row = page.locator(sel(`service-row-${svc.id}`));
  await row.waitFor();
  assert.match(await row.textContent(), /205/, 'the list says how many offer it');

  await page.click(sel(`service-edit-${svc.id}`));
  const note = page.locator(sel('service-providers-elsewhere'));
  await note.waitFor();
  assert.match(await note.textContent(), /205/);
  assert.equal(await page.locator(`${sel('service-form')} input[name="provider_ids"]`).count(), 0,
    'no checkbox per provider');
  await checkA11y(page, 'setup services (big service)');
  // The form's first field is the name.
  await page.locator(`${sel('service-form')} input`).first().fill('Marketplace call (renamed)');
  await page.click(sel('service-save'));
  await waitFor(async () => (await server.api.ok('GET', `/v1/services/${svc.id}`)).name === 'Marketplace call (renamed)',
    'the new name stored');
  const after = await server.api.ok('GET', `/v1/services/${svc.id}`);
  assert.equal(after.provider_count, 205, 'every provider still offers it');
  assert.equal(after.provider_ids.length, 200);

  // A small service's form still has a checkbox per provider, its own checked.
  await page.click(sel(`service-edit-${small.id}`));
  const box = page.locator(sel(`service-provider-${providers.ada.id}`));
  await box.waitFor();
  assert.equal(await box.isChecked(), true);
  assert.equal(await page.locator(sel('service-providers-elsewhere')).count(), 0);
  await finish(page);
});

test('the availability page previews a big service for a provider past the ids it lists', async () => {
  assert.equal(many.length, 205, 'the first test made the providers');
  const svc = await server.api.ok('POST', '/v1/services', { name: 'Past the list', duration_minutes: 30 });
  await server.api.ok('POST', `/v1/services/${svc.id}/providers`, { provider_ids: many }, 200);
  const last = [...many].sort().at(-1);
  const shown = await server.api.ok('GET', `/v1/services/${svc.id}`);
  assert.ok(!shown.provider_ids.includes(last), 'the provider is past the ids the service lists');

  const page = await adminAt('/console/setup/services');
  await page.click(sel('nav-availability'));
  const picker = page.locator(sel('avail-provider'));
  await picker.waitFor();
  await picker.selectOption(last);
  const options = page.locator(`${sel('preview-service')} option[value="${svc.id}"]`);
  await waitFor(async () => (await options.count()) === 1, 'the big service among the provider\'s services');
  // One the service lists shows it too; a provider that does not offer it does not.
  await picker.selectOption(providers.ada.id);
  await waitFor(async () => (await page.locator(`${sel('preview-service')} option`).count()) > 0
    && (await options.count()) === 0, 'not offered by Ada');
  await finish(page);
});

test('the create dialog offers a big service to a provider past the ids it lists', async () => {
  assert.equal(many.length, 205, 'the first test made the providers');
  const svc = await server.api.ok('POST', '/v1/services', { name: 'Past the list too', duration_minutes: 30 });
  await server.api.ok('POST', `/v1/services/${svc.id}/providers`, { provider_ids: many }, 200);
  const last = [...many].sort().at(-1);
  const page = await newPage(browser, server);
  await openConsole(page, server);
  await signIn(page, server.signIn.admin, 'console (admin)');
  await page.locator(sel('create-open')).waitFor({ timeout: 15000 });
  await page.click(sel('create-open'));
  const dialog = page.locator(sel('create-dialog'));
  await dialog.waitFor();
  const option = dialog.locator(`${sel('create-service')} option[value="${svc.id}"]`);
  await dialog.locator(sel('create-provider')).selectOption(last);
  await waitFor(async () => (await option.count()) === 1, 'the big service offered for that provider');
  await dialog.locator(sel('create-provider')).selectOption(providers.ada.id);
  await waitFor(async () => (await option.count()) === 0, 'not offered for Ada');
  await finish(page);
});
