// The console's set-up pages (administrators only) in Chromium against the real slotd with the
// demo clinic: a provider and a service with its policy and reminders made through the forms,
// a refused value shown at its field with nothing stored, a user whose generated password
// signs in, an API key made and revoked, a webhook endpoint whose secret signs a real delivery
// to a local receiver (slotd started with SLOTD_WEBHOOK_ALLOW_PRIVATE=1), a message template
// with its live preview, the booking page's settings, and a staff user who never sees set-up.
// Every result is read back through the admin API; axe runs on each sub-page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { createHmac } from 'node:crypto';

import { newPage, screenshot, checkA11y, finish, apiClient } from './harness.mjs';
import { sel } from './flows.mjs';
import { consoleSuite, openConsole, signIn } from './console_flows.mjs';

let server;
let browser;
let providers;
let receiver;
const received = [];   // requests the local webhook receiver got: {headers, body}

before(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      received.push({ path: req.url, headers: req.headers, body });
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end('ok');
    });
  });
  await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
});

after(async () => {
  await new Promise((r) => (receiver ? receiver.close(r) : r()));
});

consoleSuite((s) => ({ server, browser, providers } = s), { env: { SLOTD_WEBHOOK_ALLOW_PRIVATE: '1' } });

/** A new page signed in as the demo admin on a set-up path. */
async function adminAt(path) {
  const page = await newPage(browser, server);
  await openConsole(page, server, path);
  await signIn(page, server.signIn.admin, 'console setup (admin)');
  await page.locator(sel('setup-nav')).waitFor({ timeout: 15000 });
  return page;
}

/** Focuses a control and presses Enter (a keyboard "click"). */
async function pressOn(page, testid) {
  await page.locator(sel(testid)).focus();
  await page.keyboard.press('Enter');
}

/** The status line's text once it says something. */
async function statusText(page) {
  const st = page.locator(sel('setup-status'));
  try {
    await page.waitForFunction((s) => { const el = document.querySelector(s); return el && el.textContent.trim() !== ''; },
      sel('setup-status'), { timeout: 15000 });
  } catch (e) {
    const why = await page.evaluate(() => [...document.querySelectorAll('[data-testid="form-error"], [data-testid="setup-error"], .s-field-error:not([hidden])')]
      .map((x) => x.textContent).join(' | '));
    await screenshot(page, 'setup-failed-status');
    throw new Error(`no status line; the page says: ${why}; problems: ${(page.problems || []).filter((x) => !/Content Security/.test(x)).join(' | ')}`);
  }
  return (await st.textContent()).trim();
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

test('a provider and a service offered by it, with a policy and reminders, are made through the forms', async () => {
  const page = await adminAt('/console/setup');
  assert.equal(new URL(page.url()).pathname, '/console/setup/providers', '/console/setup opens the first part');
  assert.equal(await page.locator(sel('nav-setup')).getAttribute('aria-current'), 'page');
  await page.locator(sel('providers-table')).waitFor();
  for (const p of Object.values(providers)) await page.locator(sel(`provider-row-${p.id}`)).waitFor();

  const name = `Dr. Lena Vogt ${Date.now()}`;
  await page.click(sel('provider-new'));
  const pf = page.locator(sel('provider-form'));
  await pf.waitFor();
  await pf.locator('[name="name"]').fill(name);
  await pf.locator('[name="timezone"]').selectOption('Europe/Berlin');
  await pf.locator('[name="email"]').fill('lena@clinic.example');
  await pf.locator('[name="locale"]').selectOption('de');
  await pf.locator('[name="specialties"]').fill('sports injuries, back pain');
  await pf.locator('[name="languages"]').fill('de, en');
  await pf.locator('[name="bio"]').fill('Physiotherapist.');
  await pf.locator('[name="settings.max_per_day"]').fill('6');
  await checkA11y(page, 'setup providers (form open)');
  await screenshot(page, 'setup-01-provider-form');
  await page.click(sel('provider-save'));
  assert.match(await statusText(page), /created/i);
  const stored = (await server.api.all('/v1/providers')).find((p) => p.name === name);
  assert.ok(stored, 'the provider is stored');
  assert.equal(stored.timezone, 'Europe/Berlin');
  assert.equal(stored.email, 'lena@clinic.example');
  assert.equal(stored.locale, 'de');
  assert.deepEqual(stored.specialties, ['sports injuries', 'back pain']);
  assert.deepEqual(stored.languages, ['de', 'en']);
  assert.equal(stored.bio, 'Physiotherapist.');
  assert.equal(stored.settings.max_per_day, 6);
  assert.equal(stored.settings.auto_confirm, true);
  await page.locator(sel(`provider-row-${stored.id}`)).waitFor();

  // Edit: a PATCH of one field keeps the others.
  await page.click(sel(`provider-edit-${stored.id}`));
  await pf.waitFor();
  assert.equal(await pf.locator('[name="name"]').inputValue(), name);
  await pf.locator('[name="email"]').fill('');
  await page.click(sel('provider-save'));
  assert.match(await statusText(page), /saved/i);
  const edited = await server.api.ok('GET', `/v1/providers/${stored.id}`);
  assert.equal(edited.email, null, 'the cleared e-mail is stored as null');
  assert.equal(edited.locale, 'de');

  // The service, through the sub-navigation (history.pushState, heading focused).
  await page.click(sel('setup-services'));
  assert.equal(new URL(page.url()).pathname, '/console/setup/services');
  await page.locator(sel('services-table')).waitFor();
  assert.equal(await page.evaluate(() => document.activeElement && document.activeElement.id), 'setup-h', 'the heading has focus');
  const svcName = `Sports massage ${Date.now()}`;
  await page.click(sel('service-new'));
  const sf = page.locator(sel('service-form'));
  await sf.waitFor();
  await sf.locator('[name="name"]').fill(svcName);
  await sf.locator('[name="duration_minutes"]').fill('45');
  await sf.locator('[name="buffer_after_minutes"]').fill('10');
  await sf.locator('[name="price"]').fill('80.00');
  await sf.locator('[name="currency"]').fill('EUR');
  await page.check(sel(`service-provider-${stored.id}`));
  await page.check(sel(`service-provider-${providers.ada.id}`));
  await sf.locator('[name="public"]').check();
  await sf.locator('[name="location.type"]').selectOption('in_person');
  await sf.locator('[name="location.detail"]').fill('12 River Street, Springfield');
  await sf.locator('[name="policy.cancellation_deadline_hours"]').fill('24');
  await sf.locator('[name="policy.max_reschedules"]').fill('2');
  await sf.locator('[name="policy.no_show_fee_percent"]').fill('50');
  await page.click(sel('fee-add'));
  await sf.locator('[name="fee-within"]').first().fill('48');
  await sf.locator('[name="fee-percent"]').first().fill('30');
  await page.click(sel('reminder-add'));
  await page.click(sel('reminder-add'));
  await sf.locator('[name="reminder-value"]').nth(0).fill('1');
  await sf.locator('[name="reminder-unit"]').nth(0).selectOption('1440');
  await sf.locator('[name="reminder-value"]').nth(1).fill('2');
  await sf.locator('[name="reminder-unit"]').nth(1).selectOption('60');
  assert.equal(await sf.locator('[name="reminder-mode"][value="custom"]').isChecked(), true);
  await checkA11y(page, 'setup services (form open)');
  await screenshot(page, 'setup-02-service-form');
  // From the keyboard: after a full-page screenshot of a page taller than the window, this
  // Chromium's mouse clicks land off their target.
  await pressOn(page, 'service-save');
  assert.match(await statusText(page), /created/i);
  const svc = (await server.api.all('/v1/services')).find((s) => s.name === svcName);
  assert.ok(svc, 'the service is stored');
  assert.equal(svc.duration_minutes, 45);
  assert.equal(svc.buffer_after_minutes, 10);
  assert.equal(svc.price, '80.00');
  assert.equal(svc.currency, 'EUR');
  assert.equal(svc.public, true);
  assert.deepEqual(svc.provider_ids, [stored.id, providers.ada.id].sort());
  assert.deepEqual(svc.location, { type: 'in_person', address: '12 River Street, Springfield' });
  assert.equal(svc.policy.cancellation_deadline_hours, 24);
  assert.equal(svc.policy.max_reschedules, 2);
  assert.equal(svc.policy.no_show_fee_percent, 50);
  assert.equal(svc.policy.reschedule_deadline_hours, null);
  assert.deepEqual(svc.policy.late_cancellation_fees, [{ within_hours: 48, percent: 30 }]);
  assert.deepEqual(svc.reminder_offsets_minutes, [1440, 120]);
  const row = page.locator(sel(`service-row-${svc.id}`));
  await row.waitFor();
  assert.match(await row.textContent(), /1 d before, 2 h before/);

  // Editing: the stored values come back into the form, and "no reminders" stores [].
  await page.click(sel(`service-edit-${svc.id}`));
  await sf.waitFor();
  assert.equal(await sf.locator('[name="policy.cancellation_deadline_hours"]').inputValue(), '24');
  assert.equal(await sf.locator('[name="reminder-value"]').count(), 2);
  await sf.locator('[name="reminder-mode"][value="none"]').check();
  await page.click(sel('service-save'));
  assert.match(await statusText(page), /saved/i);
  const svc2 = await server.api.ok('GET', `/v1/services/${svc.id}`);
  assert.deepEqual(svc2.reminder_offsets_minutes, []);
  assert.equal(svc2.policy.cancellation_deadline_hours, 24, 'the policy is kept');

  // ctx.reload(): the bookings page's provider filter knows the new provider at once.
  await page.click(sel('nav-bookings'));
  const filter = page.locator(sel('bookings-provider-filter'));
  await filter.waitFor();
  assert.ok((await filter.locator('option').allTextContents()).includes(name), 'the shared provider list was read again');
  await finish(page);
});

test('a provider in a zone the browser names otherwise (Asia/Kolkata) is edited without losing its zone', async () => {
  const page = await adminAt('/console/setup/providers');
  const priya = providers.priya;
  const before = await server.api.ok('GET', `/v1/providers/${priya.id}`);
  assert.equal(before.timezone, 'Asia/Kolkata');
  await page.click(sel(`provider-edit-${priya.id}`));
  const pf = page.locator(sel('provider-form'));
  await pf.waitFor();
  assert.equal(await pf.locator('[name="timezone"]').inputValue(), 'Asia/Kolkata', 'the stored zone is the one chosen');
  await pf.locator('[name="bio"]').fill('Nutrition and lifestyle medicine.');
  await page.click(sel('provider-save'));
  assert.match(await statusText(page), /saved/i);
  const after = await server.api.ok('GET', `/v1/providers/${priya.id}`);
  assert.equal(after.timezone, 'Asia/Kolkata');
  assert.equal(after.bio, 'Nutrition and lifestyle medicine.');
  await finish(page);
});

test('a bad value is shown at its field and nothing is stored', async () => {
  const page = await adminAt('/console/setup/services');
  await page.locator(sel('services-table')).waitFor();
  const before = (await server.api.all('/v1/services')).length;
  await page.click(sel('service-new'));
  const sf = page.locator(sel('service-form'));
  await sf.locator('[name="name"]').fill('Zero minutes');
  await sf.locator('[name="duration_minutes"]').fill('0');
  await sf.locator('[name="currency"]').fill('euro');
  const [resp] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/v1/services'),
    page.click(sel('service-save')),
  ]);
  assert.equal(resp.status(), 422);
  const dErr = page.locator(sel('field-error-duration_minutes'));
  await dErr.waitFor();
  assert.match(await dErr.textContent(), /between 1 and 1440/);
  assert.equal(await sf.locator('[name="duration_minutes"]').getAttribute('aria-invalid'), 'true');
  assert.ok(await page.locator(sel('field-error-currency')).isVisible(), 'the currency is marked too');
  assert.equal(await page.locator(sel('form-error')).getAttribute('role'), 'alert');
  assert.equal(await page.evaluate(() => document.activeElement && document.activeElement.name), 'duration_minutes',
    'the first refused field has focus');
  await screenshot(page, 'setup-03-field-error');
  await checkA11y(page, 'setup services (field errors)');
  assert.equal((await server.api.all('/v1/services')).length, before, 'no service was stored');
  assert.ok(!(await server.api.all('/v1/services')).some((s) => s.name === 'Zero minutes'));

  // An empty provider name, likewise.
  await page.click(sel('setup-providers'));
  await page.locator(sel('providers-table')).waitFor();
  const nProv = (await server.api.all('/v1/providers')).length;
  await page.click(sel('provider-new'));
  await page.click(sel('provider-save'));
  const nErr = page.locator(sel('field-error-name'));
  await nErr.waitFor();
  assert.match(await nErr.textContent(), /required|empty|1/i);
  assert.equal((await server.api.all('/v1/providers')).length, nProv, 'no provider was stored');
  await finish(page);
});

test('a new user gets a password shown once, and it signs in', async () => {
  const page = await adminAt('/console/setup/users');
  await page.locator(sel('users-table')).waitFor();
  await checkA11y(page, 'setup users');
  const email = `mira.${Date.now()}@demo.example`;
  await page.click(sel('user-new'));
  const uf = page.locator(sel('user-form'));
  await uf.locator('[name="email"]').fill(email);
  await uf.locator('[name="name"]').fill('Mira Kranz');
  await uf.locator('[name="role"]').selectOption('staff');
  await uf.locator('[name="provider_id"]').selectOption(providers.priya.id);
  await page.click(sel('user-save'));
  const pw = page.locator(sel('user-password'));
  await pw.waitFor();
  const password = (await pw.textContent()).trim();
  assert.match(password, /^\S{20}$/, 'a 20-character password is shown');
  assert.match(await page.locator(sel('user-password-box')).textContent(), /only this once/i);
  await page.click(sel('user-password-copy'));
  await screenshot(page, 'setup-04-user-password');
  await checkA11y(page, 'setup users (password shown)');
  const user = (await server.api.all('/v1/users')).find((u) => u.email === email);
  assert.ok(user, 'the user is stored');
  assert.equal(user.role, 'staff');
  assert.equal(user.provider_id, providers.priya.id);
  assert.equal(user.name, 'Mira Kranz');
  assert.equal(user.password, undefined, 'no password in a later read');
  await page.locator(sel(`user-row-${user.id}`)).waitFor();

  // Leaving and coming back: the password is gone from the page.
  await page.click(sel('setup-keys'));
  await page.click(sel('setup-users'));
  await page.locator(sel(`user-row-${user.id}`)).waitFor();
  assert.equal(await page.locator(sel('user-password')).count(), 0, 'shown only once');
  assert.ok(!(await page.locator('main').textContent()).includes(password));

  // A fresh browser context signs in with it, as a staff user of Priya's.
  const other = await newPage(browser, server);
  await openConsole(other, server);
  const session = await signIn(other, { tenant: server.slug, email, password }, 'new user');
  assert.equal(session.user.id, user.id);
  assert.equal(await other.locator(sel('nav-setup')).count(), 0, 'a staff user has no set-up');
  await finish(other);

  // A new password: shown once, the old one stops working, the new one signs in.
  await page.click(sel(`user-reset-${user.id}`));
  await page.click(sel(`user-reset-confirm-${user.id}`));
  await waitFor(async () => (await page.locator(sel('user-password')).count()) === 1, 'the new password');
  const password2 = (await page.locator(sel('user-password')).textContent()).trim();
  assert.match(password2, /^\S{20}$/);
  assert.notEqual(password2, password);
  const oldTry = await server.publicApi.post('/v1/sessions', { tenant: server.slug, email, password });
  assert.equal(oldTry.status, 401, 'the old password no longer signs in');
  const newTry = await server.publicApi.post('/v1/sessions', { tenant: server.slug, email, password: password2 });
  assert.equal(newTry.status, 201, `the new password signs in: ${newTry.text}`);

  // A duplicate e-mail is refused at the e-mail field.
  await page.click(sel('user-new'));
  await uf.locator('[name="email"]').fill(email);
  await uf.locator('[name="name"]').fill('Someone else');
  await page.click(sel('user-save'));
  await page.locator(sel('field-error-email')).waitFor();
  assert.equal((await server.api.all('/v1/users')).filter((u) => u.email === email).length, 1);
  await finish(page);
});

test('an API key is made (its secret shown once) and revoked, and then answers 401', async () => {
  const page = await adminAt('/console/setup/keys');
  await page.locator(sel('keys-table')).waitFor();
  await checkA11y(page, 'setup keys');
  const name = `Front desk ${Date.now()}`;
  await page.click(sel('key-new'));
  const kf = page.locator(sel('key-form'));
  await kf.locator('[name="name"]').fill(name);
  await kf.locator('[name="role"]').selectOption('staff');
  await kf.locator(`input[value="${providers.ada.id}"]`).check();
  await page.click(sel('key-save'));
  const secretEl = page.locator(sel('key-secret'));
  await secretEl.waitFor();
  const secret = (await secretEl.textContent()).trim();
  assert.match(secret, /^sk_\S+$/);
  await screenshot(page, 'setup-05-key-secret');
  await checkA11y(page, 'setup keys (secret shown)');
  const key = (await server.api.all('/v1/keys')).find((k) => k.name === name);
  assert.ok(key, 'the key is stored');
  assert.equal(key.role, 'staff');
  assert.deepEqual(key.provider_ids, [providers.ada.id]);
  assert.equal(key.secret, undefined);
  const withKey = apiClient(server.base, secret);
  const ok = await withKey.get('/v1/providers');
  assert.equal(ok.status, 200, `the new key works: ${ok.text}`);
  assert.deepEqual(ok.body.data.map((p) => p.id), [providers.ada.id], 'limited to Ada');

  await page.locator(sel(`key-row-${key.id}`)).waitFor();
  await page.click(sel(`key-revoke-${key.id}`));
  await page.click(sel(`key-revoke-confirm-${key.id}`));
  assert.match(await statusText(page), /revoked/i);
  await page.locator(sel(`key-row-${key.id}`)).waitFor({ state: 'detached' });
  const gone = await withKey.get('/v1/providers');
  assert.equal(gone.status, 401, `the revoked key is refused: ${gone.text}`);
  assert.equal((await server.api.get(`/v1/keys/${key.id}`)).status, 404);
  await finish(page);
});

test('a webhook endpoint: the secret shown once signs a real delivery, which the log shows and replays', async () => {
  const page = await adminAt('/console/setup/webhooks');
  await page.locator(sel('webhooks-table')).waitFor();
  await checkA11y(page, 'setup webhooks');
  const url = `http://127.0.0.1:${receiver.address().port}/hook`;
  await page.click(sel('webhook-new'));
  const wf = page.locator(sel('webhook-form'));
  await wf.locator('[name="url"]').fill(url);
  await wf.locator('[name="event_types"]').fill('provider.');
  await wf.locator('[name="description"]').fill('test receiver');
  await page.click(sel('webhook-save'));
  const secretEl = page.locator(sel('webhook-secret'));
  await secretEl.waitFor();
  const secret = (await secretEl.textContent()).trim();
  assert.match(secret, /^whsec_\S+$/);
  await checkA11y(page, 'setup webhooks (secret shown)');
  const ep = (await server.api.all('/v1/webhook-endpoints')).find((w) => w.url === url);
  assert.ok(ep, 'the endpoint is stored');
  assert.deepEqual(ep.event_types, ['provider.']);
  assert.equal(ep.description, 'test receiver');
  assert.equal(ep.enabled, true);
  assert.equal(ep.secret, undefined, 'never read back');

  // An event it subscribes to: a provider made through the API.
  const n0 = received.length;
  await server.api.ok('POST', '/v1/providers', { name: `Hook probe ${Date.now()}`, timezone: 'UTC' });
  const got = await waitFor(() => received.slice(n0).find((r) => r.path === '/hook'), 'a delivery at the receiver', 20000);
  const [ver, sig] = String(got.headers['webhook-signature']).split(' ')[0].split(',');
  assert.equal(ver, 'v1');
  const mac = createHmac('sha256', Buffer.from(secret.slice('whsec_'.length), 'base64'))
    .update(`${got.headers['webhook-id']}.${got.headers['webhook-timestamp']}.${got.body}`).digest('base64');
  assert.equal(sig, mac, 'the secret shown signs the delivery');
  assert.equal(JSON.parse(got.body).type, 'provider.created');

  await page.click(sel(`webhook-deliveries-${ep.id}`));
  const table = page.locator(sel('deliveries-table'));
  await table.waitFor();
  const delivered = await waitFor(async () => {
    const list = await server.api.ok('GET', `/v1/webhook-endpoints/${ep.id}/deliveries`);
    return list.data.find((d) => d.status === 'succeeded');
  }, 'a succeeded delivery');
  await waitFor(async () => {
    if (await page.locator(sel(`delivery-row-${delivered.id}`)).count()) {
      return (await page.locator(sel(`delivery-row-${delivered.id}`)).getAttribute('data-status')) === 'succeeded';
    }
    await page.click(sel('deliveries-refresh'));
    return false;
  }, 'the delivery in the log');
  const rowText = await page.locator(sel(`delivery-row-${delivered.id}`)).textContent();
  assert.match(rowText, /provider\.created/);
  assert.match(rowText, /Delivered/);
  assert.match(rowText, /200/);
  await screenshot(page, 'setup-06-deliveries');
  await checkA11y(page, 'setup webhooks (deliveries)');

  const n1 = received.length;
  await page.click(sel(`delivery-replay-${delivered.id}`));
  const again = await waitFor(() => received.slice(n1).find((r) => r.headers['webhook-id'] === got.headers['webhook-id']),
    'the replayed delivery', 20000);
  assert.ok(again, 'the replay sends the same webhook-id');

  // Disable through the list: stored.
  await page.click(sel(`webhook-toggle-${ep.id}`));
  assert.match(await statusText(page), /disabled/i);
  const off = await server.api.ok('GET', `/v1/webhook-endpoints/${ep.id}`);
  assert.equal(off.enabled, false);
  assert.equal(off.disabled_reason, 'manual');
  await finish(page);
});

test('a message template: the preview follows the typing, and the saved text is stored', async () => {
  const page = await adminAt('/console/setup/templates');
  await page.locator(sel('templates-table')).waitFor();
  await checkA11y(page, 'setup templates');
  const path = '/v1/templates/booking.created/en';
  const builtIn = await server.api.ok('GET', path);
  assert.equal(builtIn.custom, false);
  await page.click(sel('template-edit-booking.created-en'));
  const tf = page.locator(sel('template-form'));
  await tf.waitFor();
  const subj = page.locator(sel('preview-subject'));
  await waitFor(async () => (await subj.textContent()).trim() !== '', 'the first preview');
  const first = (await subj.textContent()).trim();
  assert.doesNotMatch(first, /\{\{/, 'variables are filled in');

  await tf.locator('[name="subject"]').fill('Booked: {{service_name}} for {{customer_name}} ({{reference}})');
  await waitFor(async () => /^Booked: /.test((await subj.textContent()).trim()), 'the preview to follow');
  const shown = (await subj.textContent()).trim();
  assert.doesNotMatch(shown, /\{\{/);
  assert.notEqual(shown, first);
  await tf.locator('[name="html"]').fill('<p style="color: red">Hello <strong>{{customer_name}}</strong>, style = formal<script>window.bad = 1</script></p>');
  // The HTML is shown in a sandboxed frame (no scripts, an origin of its own) with a title.
  const frameEl = page.locator(sel('preview-html'));
  assert.equal(await frameEl.evaluate((x) => x.tagName), 'IFRAME');
  assert.equal(await frameEl.getAttribute('sandbox'), '', 'sandbox="" allows nothing');
  assert.match(await frameEl.getAttribute('title'), /preview/i, 'the frame has a title');
  const frame = page.frameLocator(sel('preview-html'));
  await waitFor(async () => (await frame.locator('strong').count()) === 1, 'the HTML preview');
  const strong = (await frame.locator('strong').textContent()).trim();
  assert.ok(strong.length > 0 && !/\{\{/.test(strong), `the variable is filled in inside the frame: ${strong}`);
  assert.equal(await frame.locator('script').count(), 0, 'no script reaches the frame');
  assert.equal(await frame.locator('[style]').count(), 0, 'no style attribute reaches the frame');
  assert.match(await frame.locator('p').first().textContent(), /style = formal/, 'text that reads like an attribute stays');
  assert.equal(await page.locator('[data-testid="template-form"] strong').count(), 0, 'the HTML is not copied into the page');
  assert.equal(await page.evaluate(() => window.bad), undefined);
  await screenshot(page, 'setup-07-template');
  await checkA11y(page, 'setup templates (editor)', { exclude: ['iframe[sandbox]'] });

  // An unknown variable: the preview names the field, saving is refused, nothing stored.
  await tf.locator('[name="text"]').fill('Hi {{nope}}');
  await page.locator(sel('field-error-text')).waitFor();
  await page.click(sel('template-save'));
  await page.locator(sel('field-error-text')).waitFor();
  assert.equal((await server.api.ok('GET', path)).custom, false, 'nothing stored');

  await tf.locator('[name="text"]').fill('Dear {{customer_name}}, see you on {{date}}.');
  await page.click(sel('template-save'));
  assert.match(await statusText(page), /saved/i);
  const saved = await server.api.ok('GET', path);
  assert.equal(saved.custom, true);
  assert.equal(saved.subject, 'Booked: {{service_name}} for {{customer_name}} ({{reference}})');
  assert.equal(saved.text, 'Dear {{customer_name}}, see you on {{date}}.');
  assert.match(saved.html, /<strong>\{\{customer_name\}\}<\/strong>/);
  assert.equal(await page.locator(sel('template-row-booking.created-en')).getAttribute('data-custom'), 'yes');
  assert.match(await page.locator(sel('template-kind')).textContent(), /your own/i);

  // Back to the built-in template.
  await page.click(sel('template-reset'));
  await page.click(sel('template-reset-confirm'));
  await waitFor(async () => (await server.api.ok('GET', path)).custom === false, 'the override deleted');
  await finish(page);
});

test('the template preview asks no other host and keeps no active markup, whatever the HTML holds', async () => {
  const page = await adminAt('/console/setup/templates');
  await page.click(sel('template-edit-booking.created-en'));
  const tf = page.locator(sel('template-form'));
  await tf.waitFor();
  // Each line would load from another host (the console's CSP allows any https image), or
  // act, if it reached the frame as written.
  const html = [
    '<p>Hi "{{customer_name}}" &amp; </iframe><b data-x="end">after</b></p>',
    '<svg><image href="https://tracker.example/svg-image.png"></image></svg>',
    '<div><template shadowrootmode="open"><img src="https://tracker.example/shadow.png"><p>in shadow</p></template></div>',
    '<input type="image" src="https://tracker.example/input.png" alt="go">',
    '<table background="https://tracker.example/bg.png"><tr><td>cell</td></tr></table>',
    '<a href="https://example.com/page">a link</a> <a href="javascript:void(0)">bad link</a>',
  ].join('\n');
  await tf.locator('[name="html"]').fill(html);
  const frame = page.frameLocator(sel('preview-html'));
  await waitFor(async () => (await frame.locator('b').count()) === 1, 'the HTML preview');
  await new Promise((r) => setTimeout(r, 1000)); // time for any load to start
  const leaked = (page.problems || []).filter((x) => /another host/.test(x));
  assert.deepEqual(leaked, [], 'no request leaves for another host');
  assert.match(await frame.locator('body').textContent(), /after/, 'text after a "</iframe>" is shown as text');
  assert.equal(await frame.locator('svg, image, input, template, [src], [background], [style]').count(), 0, 'no loading markup in the frame');
  assert.equal(await frame.locator('body').evaluate((b) => [...b.querySelectorAll('*')].some((x) => x.shadowRoot)), false, 'no shadow root');
  assert.equal(await frame.locator('a[href="https://example.com/page"]').count(), 1, 'a web link keeps its address');
  assert.equal(await frame.locator('a[href^="javascript"]').count(), 0, 'a script link loses it');
  // A click would open a new window, which the frame (no allow-popups) does not allow: the
  // preview is not replaced by the page, nor by the console's refusal to frame it.
  assert.equal(await frame.locator('a[href="https://example.com/page"]').getAttribute('target'), '_blank');
  assert.match(await frame.locator('a[href="https://example.com/page"]').getAttribute('rel'), /noopener/);
  await finish(page);
});

test('the booking page settings are stored and the page link opens the booking page', async () => {
  const page = await adminAt('/console/setup/page');
  const pf = page.locator(sel('page-form'));
  await pf.waitFor();
  await checkA11y(page, 'setup booking page');
  const link = page.locator(sel('booking-page-link'));
  assert.equal(await link.getAttribute('href'), `/book/${server.slug}`);
  assert.equal(await link.getAttribute('target'), '_blank');
  const before = await server.api.ok('GET', '/v1/settings');

  // A bad colour first: refused at its field, nothing stored.
  await pf.locator('[name="booking_page.brand_color"]').fill('red');
  await page.click(sel('page-save'));
  await page.locator(sel('field-error-booking_page.brand_color')).waitFor();
  assert.deepEqual(await server.api.ok('GET', '/v1/settings'), before, 'nothing stored');

  await pf.locator('[name="booking_page.display_name"]').fill('Riverside Physio');
  await pf.locator('[name="booking_page.brand_color"]').fill('#0a7d5a');
  await pf.locator('[name="booking_page.provider_choice"]').uncheck();
  await pf.locator('[name="locale"]').selectOption('de');
  await page.click(sel('page-save'));
  assert.match(await statusText(page), /saved/i);
  const after = await server.api.ok('GET', '/v1/settings');
  assert.equal(after.booking_page.display_name, 'Riverside Physio');
  assert.equal(after.booking_page.brand_color, '#0a7d5a');
  assert.equal(after.booking_page.provider_choice, false);
  assert.equal(after.locale, 'de');
  assert.deepEqual(after.rate_limits, before.rate_limits, 'the rate limit is kept');
  const pub = await server.publicApi.ok('GET', `/v1/public/${server.slug}`);
  assert.equal(pub.tenant.display_name, 'Riverside Physio');
  assert.equal(pub.tenant.provider_choice, false);

  const [tab] = await Promise.all([page.context().waitForEvent('page'), link.click()]);
  await tab.waitForLoadState();
  assert.equal(new URL(tab.url()).pathname, `/book/${server.slug}`);
  await tab.close();
  await screenshot(page, 'setup-08-booking-page');

  // Put the settings back for the other tests.
  await server.api.ok('PUT', '/v1/settings', before);
  await finish(page);
});

/** A date `days` from today as YYYY-MM-DD (UTC). */
function dayFromNow(days) {
  return new Date(Date.now() + days * 86400000).toISOString().slice(0, 10);
}

test('business hours: the week in the business zone, exempt providers, closed days; overlaps refused; removed again', async () => {
  const page = await adminAt('/console/setup/business');
  const editor = page.locator(sel('weekly-editor'));
  await editor.waitFor();
  await page.locator(sel(`business-exempt-${providers.jonas.id}`)).waitFor();
  assert.match(await page.locator(sel('business-intro')).textContent(), /cut/i, 'the page says providers are cut');
  assert.equal((await server.api.ok('GET', '/v1/business-hours')).weekly, null, 'none set at the start');
  await checkA11y(page, 'setup business');

  await page.locator(sel('business-zone')).selectOption('Europe/Berlin');
  assert.match(await editor.textContent(), /Europe\/Berlin/, 'the editor says which zone its times are in');
  await page.click(sel('add-interval-mon'));
  await page.click(sel('add-interval-mon'));
  await page.click(sel('add-interval-tue'));
  await page.locator(sel(`business-exempt-${providers.jonas.id}`)).check();
  // Overlapping intervals: the server refuses, the field says so, nothing is stored.
  const second = page.locator(sel('interval-mon-1'));
  await second.locator('[name="start"]').fill('16:00');
  await second.locator('[name="end"]').fill('18:00');
  await page.click(sel('schedule-save'));
  await editor.locator(sel('field-error')).first().waitFor();
  assert.equal((await server.api.ok('GET', '/v1/business-hours')).weekly, null, 'nothing stored after the refusal');
  assert.equal(await second.locator('[name="start"]').inputValue(), '16:00', 'what was typed stays');

  await second.locator('[name="start"]').fill('18:00');
  await second.locator('[name="end"]').fill('20:00');
  await page.click(sel('schedule-save'));
  await waitFor(async () => /saved/i.test(await page.locator(sel('schedule-status')).textContent()), 'the save');
  const stored = await server.api.ok('GET', '/v1/business-hours');
  assert.equal(stored.timezone, 'Europe/Berlin');
  assert.deepEqual(stored.weekly.mon, [{ start: '09:00', end: '17:00' }, { start: '18:00', end: '20:00' }]);
  assert.deepEqual(stored.weekly.tue, [{ start: '09:00', end: '17:00' }]);
  assert.deepEqual(stored.weekly.wed, []);
  assert.deepEqual(stored.exempt_provider_ids, [providers.jonas.id]);
  await page.locator(sel('business-delete')).waitFor({ state: 'visible' });

  // A reload shows what is stored.
  await page.reload();
  await page.locator(sel('interval-mon-1')).waitFor({ timeout: 15000 });
  assert.equal(await page.locator(sel('business-zone')).inputValue(), 'Europe/Berlin');
  assert.equal(await page.locator(sel(`business-exempt-${providers.jonas.id}`)).isChecked(), true);
  assert.equal(await page.locator(sel(`business-exempt-${providers.ada.id}`)).isChecked(), false);

  // Business overrides: a closed day, then special hours refused (closing before opening), then right.
  const ovs = page.locator(sel('business-overrides-section'));
  const closedDay = dayFromNow(10);
  const openDay = dayFromNow(11);
  await page.click(sel('business-override-new'));
  let form = page.locator(sel('business-override-form'));
  await form.locator('[name="date"]').fill(closedDay);
  await form.locator('[name="note"]').fill('Inventory');
  await checkA11y(page, 'setup business (override form open)');
  await page.click(sel('business-override-save'));
  await waitFor(async () => (await server.api.all('/v1/business-hours/overrides')).length === 1, 'the closed day stored');
  let list = await server.api.all('/v1/business-hours/overrides');
  assert.equal(list[0].date, closedDay);
  assert.equal(list[0].closed, true);
  assert.equal(list[0].note, 'Inventory');
  await ovs.locator(sel(`business-override-${list[0].id}`)).waitFor();

  await page.click(sel('business-override-new'));
  form = page.locator(sel('business-override-form'));
  await form.locator('[name="date"]').fill(openDay);
  await page.locator(sel('business-override-closed')).uncheck();
  await form.locator('[name="start"]').fill('14:00');
  await form.locator('[name="end"]').fill('10:00');
  await page.click(sel('business-override-save'));
  await form.locator('.s-field-error:not([hidden])').first().waitFor();
  assert.equal((await server.api.all('/v1/business-hours/overrides')).length, 1, 'the refused hours are not stored');
  await form.locator('[name="end"]').fill('16:00');
  await page.click(sel('business-override-save'));
  await waitFor(async () => (await server.api.all('/v1/business-hours/overrides')).length === 2, 'the special hours stored');
  list = await server.api.all('/v1/business-hours/overrides');
  const special = list.find((o) => o.date === openDay);
  assert.deepEqual(special.intervals, [{ start: '14:00', end: '16:00' }]);
  assert.equal(special.closed, false);
  await screenshot(page, 'setup-09-business');

  const closed = list.find((o) => o.date === closedDay);
  await page.click(sel(`business-override-delete-${closed.id}`));
  await page.click(sel(`business-override-delete-confirm-${closed.id}`));
  await waitFor(async () => (await server.api.all('/v1/business-hours/overrides')).length === 1, 'the closed day removed');
  await page.locator(sel(`business-override-${closed.id}`)).waitFor({ state: 'detached' });

  // Remove the business hours (with a confirmation): nothing is cut any more.
  await page.click(sel('business-delete'));
  await page.click(sel('business-delete-confirm'));
  await waitFor(async () => (await server.api.ok('GET', '/v1/business-hours')).updated_at === null, 'the hours removed');
  const after = await server.api.ok('GET', '/v1/business-hours');
  assert.equal(after.weekly, null);
  assert.deepEqual(after.exempt_provider_ids, []);
  await server.api.ok('DELETE', `/v1/business-hours/overrides/${special.id}`);
  await finish(page);
});

test('business hours: a changed exemption or zone is named as unsaved next to the save button', async () => {
  const page = await adminAt('/console/setup/business');
  await page.locator(sel('weekly-editor')).waitFor();
  const box = page.locator(sel(`business-exempt-${providers.ada.id}`));
  await box.waitFor();
  const dirty = page.locator(sel('schedule-dirty'));
  assert.equal((await dirty.textContent()).trim(), '', 'nothing changed yet');
  await box.check();
  assert.match(await dirty.textContent(), /unsaved/i, 'a ticked exemption is saved only with the hours');
  await page.reload();
  await page.locator(sel('business-zone')).waitFor();
  await page.locator(sel(`business-exempt-${providers.ada.id}`)).waitFor();
  assert.equal((await dirty.textContent()).trim(), '');
  await page.locator(sel('business-zone')).selectOption('Asia/Tokyo');
  assert.match(await dirty.textContent(), /unsaved/i, 'so is another zone');
  await finish(page);
});

test('a provider\'s own price and duration for a service are set next to the provider, refused at the field, and cleared', async () => {
  const all = await server.api.all('/v1/services');
  const svc = all.find((x) => x.currency && (x.provider_ids || []).length);
  assert.ok(svc, 'a demo service with a price and a provider');
  const pid = svc.provider_ids[0];
  const termsAt = `/v1/services/${svc.id}/providers/${pid}`;
  const page = await adminAt('/console/setup/services');
  await page.click(sel(`service-edit-${svc.id}`));
  const sf = page.locator(sel('service-form'));
  await sf.waitFor();
  const price = page.locator(sel(`service-provider-price-${pid}`));
  const duration = page.locator(sel(`service-provider-duration-${pid}`));
  const other = Object.values(providers).find((x) => !svc.provider_ids.includes(x.id));
  if (other) assert.equal(await page.locator(sel(`service-provider-price-${other.id}`)).isDisabled(), true, 'terms only for a provider offering it');
  await price.fill('123.50');
  await duration.fill('5000');
  await checkA11y(page, 'setup services (provider terms)');
  await page.click(sel('service-save'));
  const err = page.locator(sel(`field-error-terms.${pid}.duration_minutes`));
  await err.waitFor();
  assert.match(await err.textContent(), /\S/);
  const refused = await server.api.ok('GET', termsAt);
  assert.equal(refused.duration_override, null, 'the refused duration is not stored');
  assert.equal(refused.price_override, null, 'nor the price sent with it');
  assert.equal(await price.inputValue(), '123.50', 'what was typed stays');

  await duration.fill('75');
  await page.click(sel('service-save'));
  assert.match(await statusText(page), /saved/i);
  const set = await server.api.ok('GET', termsAt);
  assert.equal(set.price_override, '123.50');
  assert.equal(set.duration_override, 75);
  assert.equal(set.currency, svc.currency);

  // Opened again it shows them; cleared, the provider uses the service's again.
  await page.click(sel(`service-edit-${svc.id}`));
  await sf.waitFor();
  assert.equal(await price.inputValue(), '123.50');
  assert.equal(await duration.inputValue(), '75');
  await price.fill('');
  await duration.fill('');
  await page.click(sel('service-save'));
  await waitFor(async () => (await server.api.ok('GET', termsAt)).price_override === null, 'the terms cleared');
  const cleared = await server.api.ok('GET', termsAt);
  assert.equal(cleared.duration_override, null);
  assert.equal(cleared.duration_minutes, svc.duration_minutes);
  await finish(page);
});

test('a service saved while a provider\'s terms are refused: the retry edits it, and a provider taken off and put back gets its terms again', async () => {
  const { ada, jonas } = providers;
  const svc = await server.api.ok('POST', '/v1/services', {
    name: 'Terms retry check', duration_minutes: 30, price: '80.00', currency: 'EUR', provider_ids: [ada.id, jonas.id] });
  await server.api.ok('PUT', `/v1/services/${svc.id}/providers/${ada.id}`, { price: '150.00' });
  const page = await adminAt('/console/setup/services');
  await page.click(sel(`service-edit-${svc.id}`));
  const sf = page.locator(sel('service-form'));
  await sf.waitFor();
  assert.equal(await page.locator(sel(`service-provider-price-${ada.id}`)).inputValue(), '150.00');
  // Ada taken off (the server drops her terms with her), Jonas's duration refused.
  await page.locator(sel(`service-provider-${ada.id}`)).uncheck();
  await page.locator(sel(`service-provider-duration-${jonas.id}`)).fill('5000');
  await page.click(sel('service-save'));
  await page.locator(sel(`field-error-terms.${jonas.id}.duration_minutes`)).waitFor();
  assert.match(await statusText(page), /refused/i, 'the user is told the service was saved but not all terms');
  const mid = await server.api.ok('GET', `/v1/services/${svc.id}`);
  assert.deepEqual(mid.provider_ids, [jonas.id]);
  assert.deepEqual(mid.provider_overrides, [], 'Ada\'s terms went with her');

  // Ada put back with the price still shown, Jonas's duration fixed: both are stored.
  await page.locator(sel(`service-provider-${ada.id}`)).check();
  assert.equal(await page.locator(sel(`service-provider-price-${ada.id}`)).inputValue(), '150.00');
  await page.locator(sel(`service-provider-duration-${jonas.id}`)).fill('45');
  await page.click(sel('service-save'));
  await waitFor(async () => /saved/i.test(await page.locator(sel('setup-status')).textContent())
    && !(await page.locator(sel('service-form')).count()), 'the form closed as saved');
  const after = await server.api.ok('GET', `/v1/services/${svc.id}/providers`);
  const byId = new Map(after.data.map((x) => [x.provider_id, x]));
  assert.equal(byId.get(jonas.id).duration_override, 45);
  assert.equal(byId.get(ada.id).price_override, '150.00', 'the price the form showed for Ada is what is stored');
  assert.equal((await server.api.all('/v1/services')).filter((x) => x.name === 'Terms retry check').length, 1, 'one service, not two');
  await server.api.ok('DELETE', `/v1/services/${svc.id}`);
  await finish(page);
});

test('a new service whose provider price is refused is made once: the form then edits it, and the retry stores the price', async () => {
  const { ada } = providers;
  const name = 'Made once check';
  const page = await adminAt('/console/setup/services');
  await page.click(sel('service-new'));
  const sf = page.locator(sel('service-form'));
  await sf.waitFor();
  await sf.locator('[name="name"]').fill(name);
  await page.locator(sel(`service-provider-${ada.id}`)).check();
  // No currency on the service: a provider's own price is refused at the price.
  await page.locator(sel(`service-provider-price-${ada.id}`)).fill('50.00');
  await page.click(sel('service-save'));
  await page.locator(sel(`field-error-terms.${ada.id}.price`)).waitFor();
  const made = (await server.api.all('/v1/services')).filter((x) => x.name === name);
  assert.equal(made.length, 1, 'the service itself was made');
  assert.match(await page.locator('#svc-form-h').textContent(), new RegExp(`Edit ${name}`), 'the form now says it edits what was made');
  await sf.locator('[name="price"]').fill('40.00');
  await sf.locator('[name="currency"]').fill('EUR');
  await page.click(sel('service-save'));
  await waitFor(async () => !(await page.locator(sel('service-form')).count()), 'the form closed as saved');
  const all = (await server.api.all('/v1/services')).filter((x) => x.name === name);
  assert.equal(all.length, 1, 'the retry made no second service');
  assert.equal(all[0].currency, 'EUR');
  assert.equal((await server.api.ok('GET', `/v1/services/${all[0].id}/providers/${ada.id}`)).price_override, '50.00');
  await server.api.ok('DELETE', `/v1/services/${all[0].id}`);
  await finish(page);
});

test('a service form still reading its providers\' terms gives way to a form opened after it', async () => {
  const svc = (await server.api.all('/v1/services')).find((x) => (x.provider_ids || []).length);
  const page = await adminAt('/console/setup/services');
  await page.locator(sel(`service-edit-${svc.id}`)).waitFor();
  // The terms of the service answer slowly; meanwhile "New service" is opened.
  let release;
  const held = new Promise((r) => { release = r; });
  await page.route('**/v1/services/*/providers', async (route) => { await held; await route.continue(); });
  await page.click(sel(`service-edit-${svc.id}`));
  await page.click(sel('service-new'));
  await page.locator(sel('service-form')).waitFor();
  release();
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(await page.locator(sel('service-form')).count(), 1, 'one form');
  assert.equal((await page.locator('#svc-form-h').textContent()).trim(), 'New service', 'the one opened last');
  await finish(page);
});

test('the default policy is edited with the service form\'s fields, keeps the default reminders, and refuses a bad fee', async () => {
  const before = await server.api.ok('GET', '/v1/policy');
  const page = await adminAt('/console/setup/policy');
  const pf = page.locator(sel('policy-form'));
  await pf.waitFor();
  await checkA11y(page, 'setup policy');
  await pf.locator('[name="cancellation_deadline_hours"]').fill('24');
  await pf.locator('[name="reschedule_deadline_hours"]').fill('12');
  await pf.locator('[name="max_reschedules"]').fill('2');
  await pf.locator('[name="waitlist_offer_minutes"]').fill('45');
  await pf.locator('[name="no_show_fee_percent"]').fill('150');
  await page.click(sel('fee-add'));
  await pf.locator('[name="fee-within"]').last().fill('7');
  await pf.locator('[name="fee-percent"]').last().fill('100');
  await page.click(sel('policy-save'));
  await page.locator(sel('field-error-no_show_fee_percent')).waitFor();
  assert.deepEqual(await server.api.ok('GET', '/v1/policy'), before, 'nothing stored after the refusal');
  assert.equal(await pf.locator('[name="cancellation_deadline_hours"]').inputValue(), '24', 'what was typed stays');

  await pf.locator('[name="no_show_fee_percent"]').fill('50');
  await page.click(sel('policy-save'));
  assert.match(await statusText(page), /saved/i);
  const p = await server.api.ok('GET', '/v1/policy');
  assert.equal(p.cancellation_deadline_hours, 24);
  assert.equal(p.reschedule_deadline_hours, 12);
  assert.equal(p.max_reschedules, 2);
  assert.equal(p.no_show_fee_percent, 50);
  assert.equal(p.waitlist_offer_minutes, 45);
  const tiers = [...(before.late_cancellation_fees || []), { within_hours: 7, percent: 100 }]
    .sort((a, b) => b.within_hours - a.within_hours);
  assert.deepEqual(p.late_cancellation_fees, tiers, 'the tiers shown and the new one');
  assert.deepEqual(p.reminder_offsets_minutes, before.reminder_offsets_minutes, 'the default reminders are kept');
  await screenshot(page, 'setup-10-policy');
  // back to what it was, for the other tests
  await server.api.ok('PUT', '/v1/policy', before);
  await finish(page);
});

test('every set-up part has its heading and its address; back and reload keep the part', async () => {
  const page = await adminAt('/console/setup/providers');
  // (axe runs on each part in the tests above, with their forms open)
  const shows = { providers: 'providers-table', services: 'services-table', business: 'weekly-editor', policy: 'policy-form',
    users: 'users-table', keys: 'keys-table',
    webhooks: 'webhooks-table', templates: 'templates-table', page: 'page-form' };
  for (const [part, hook] of Object.entries(shows)) {
    await page.click(sel(`setup-${part}`));
    await page.locator(sel(hook)).waitFor();
    assert.equal(new URL(page.url()).pathname, `/console/setup/${part}`);
    assert.equal(await page.locator(sel(`setup-${part}`)).getAttribute('aria-current'), 'page');
    const h1 = (await page.locator('h1').textContent()).trim();
    assert.match(h1, /^Set-up: /, `a heading: ${h1}`);
  }
  await page.goBack();
  assert.equal(new URL(page.url()).pathname, '/console/setup/templates');
  await page.locator(sel('templates-table')).waitFor();
  await page.reload();
  await page.locator(sel('templates-table')).waitFor({ timeout: 15000 });
  await finish(page);
});

test('a staff user sees no set-up, and /console/setup falls back to the first page', async () => {
  const page = await newPage(browser, server);
  await openConsole(page, server, '/console/setup/users');
  await signIn(page, server.signIn.staff, 'console setup (staff)');
  await page.locator(sel('nav-calendar')).waitFor();
  assert.equal(await page.locator(sel('nav-setup')).count(), 0, 'no set-up link');
  assert.equal(await page.locator(sel('nav-calendar')).getAttribute('aria-current'), 'page', 'the first page is shown');
  assert.equal(await page.locator(sel('setup-nav')).count(), 0);
  assert.equal(await page.locator(sel('users-table')).count(), 0);
  await page.goto(`${server.base}/console/setup`);
  await page.locator(sel('nav-calendar')).waitFor();
  assert.equal(await page.locator(sel('setup-nav')).count(), 0);
  await checkA11y(page, 'staff at /console/setup');
  await finish(page);
});
