// Shared pieces of the browser tests: the real slotd binary on a fresh SQLite database with
// the demo clinic, Debian's Chromium through playwright-core, the admin API, screenshots, axe
// checks and timings. Nothing here is fetched from outside the machine.
//
// Environment:
//   SLOTD_BIN          the slotd binary (default: <repo>/build/slotd)
//   CHROMIUM           the browser (default: /usr/bin/chromium)
//   SLOTD_SCREENSHOTS  where screenshots go (default: <repo>/build/screenshots)
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import assert from 'node:assert/strict';

import { chromium } from 'playwright-core';
import AxeBuilder from '@axe-core/playwright';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SLOTD_BIN = process.env.SLOTD_BIN || join(REPO, 'build', 'slotd');
export const SCREENSHOTS = process.env.SLOTD_SCREENSHOTS || join(REPO, 'build', 'screenshots');
export const DEMO_SLUG = 'demo';   // src/app/demo.c: DEMO_SLUG
const START_TIMEOUT_MS = 20000;
const STOP_TIMEOUT_MS = 30000;

// --- slotd ------------------------------------------------------------------------------------

/**
 * Starts `slotd serve --demo` on a fresh SQLite database in a temporary directory, listening on
 * a free loopback port (127.0.0.1:0; the port is read from "slotd listening on http://…").
 * Returns {base, adminKey, slug, dir, logFile, api, stop()}, and the console's demo sign-ins it
 * printed: consoleUrl and signIn.admin / signIn.staff ({tenant, email, password}, absent when
 * not printed). stop() sends SIGTERM and asserts
 * exit code 0; the directory is removed afterwards.
 *
 * opts.args: more `serve` flags; opts.env: more environment.
 */
export async function startSlotd(opts = {}) {
  assert.ok(existsSync(SLOTD_BIN), `slotd binary not found at ${SLOTD_BIN}: build it or set SLOTD_BIN`);
  const dir = mkdtempSync(join(tmpdir(), 'slotd-web-'));
  const logFile = join(dir, 'slotd.log');
  const env = { ...process.env, ...(opts.env || {}) };
  delete env.SLOTD_DB;
  delete env.SLOTD_LISTEN;
  const args = ['serve', '--demo', '--db', `sqlite:${join(dir, 'slotd.db')}`,
    '--listen', '127.0.0.1:0', '--log-file', logFile, ...(opts.args || [])];
  const proc = spawn(SLOTD_BIN, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; if (stderr.length > 20000) stderr = stderr.slice(-10000); });
  const lines = createInterface({ input: proc.stdout });
  const stdout = [];
  const started = await new Promise((resolveStart, rejectStart) => {
    let adminKey = null;
    const signIn = {};   // the console's demo users: {admin, staff} → {tenant, email, password}
    let consoleUrl = null;
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      rejectStart(new Error(`slotd did not report listening within ${START_TIMEOUT_MS} ms; ` +
        `stdout=${JSON.stringify(stdout)} stderr=${stderr}`));
    }, START_TIMEOUT_MS);
    proc.on('exit', (code) => {
      clearTimeout(timer);
      rejectStart(new Error(`slotd exited with ${code} before listening; stderr=${stderr}`));
    });
    lines.on('line', (line) => {
      stdout.push(line);
      let m = /^admin API key: (\S+)\s*$/.exec(line);
      if (m) adminKey = m[1];
      m = /^console: (http:\/\/\S+)\s*$/.exec(line);
      if (m) consoleUrl = m[1];
      m = /^console sign-in( \(staff, one provider\))?: organisation (\S+), (\S+) \/ (\S+)\s*$/.exec(line);
      if (m) signIn[m[1] ? 'staff' : 'admin'] = { tenant: m[2], email: m[3], password: m[4] };
      m = /^slotd listening on (http:\/\/127\.0\.0\.1:(\d+))\s*$/.exec(line);
      if (m) {
        clearTimeout(timer);
        if (!adminKey) {
          proc.kill('SIGKILL');
          rejectStart(new Error(`--demo printed no admin key: ${JSON.stringify(stdout)}`));
          return;
        }
        resolveStart({ base: m[1], port: Number(m[2]), adminKey, consoleUrl, signIn });
      }
    });
  });
  proc.removeAllListeners('exit');
  const exited = new Promise((r) => proc.on('exit', (code, signal) => r({ code, signal })));
  const server = {
    ...started,
    slug: DEMO_SLUG,
    dir,
    logFile,
    proc,
    stderr: () => stderr,
    log: () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : ''),
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      let timer;
      const res = await Promise.race([exited,
        new Promise((r) => { timer = setTimeout(() => r(null), STOP_TIMEOUT_MS); })]);
      clearTimeout(timer);
      if (res === null) {
        proc.kill('SIGKILL');
        throw new Error(`slotd did not exit within ${STOP_TIMEOUT_MS} ms of SIGTERM`);
      }
      const log = server.log();
      if (!process.env.SLOTD_KEEP_TMP) rmSync(dir, { recursive: true, force: true });
      assert.equal(res.code, 0, `slotd exited with ${JSON.stringify(res)} after SIGTERM; stderr=${stderr}`);
      return log;
    },
  };
  server.api = apiClient(server.base, server.adminKey);
  server.publicApi = apiClient(server.base, null);
  return server;
}

/** A tiny JSON client: api.get(path), api.post(path, body, headers)… → {status, headers, body, text}. */
export function apiClient(base, key) {
  async function request(method, path, body, headers = {}) {
    const h = { ...headers };
    if (key) h.Authorization = `Bearer ${key}`;
    let data;
    if (body !== undefined) {
      h['Content-Type'] = 'application/json';
      data = JSON.stringify(body);
    }
    const r = await fetch(base + path, { method, headers: h, body: data });
    const text = await r.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
    return { status: r.status, headers: r.headers, body: json, text };
  }
  const api = {
    base,
    key,
    request,
    get: (p, h) => request('GET', p, undefined, h),
    post: (p, b, h) => request('POST', p, b, h),
    put: (p, b, h) => request('PUT', p, b, h),
    patch: (p, b, h) => request('PATCH', p, b, h),
    delete: (p, h) => request('DELETE', p, undefined, h),
    /** The request, asserting its status; returns the JSON body. */
    async ok(method, path, body, status, headers) {
      const want = status || { POST: 201, DELETE: 204 }[method] || 200;
      const r = await request(method, path, body, headers);
      assert.equal(r.status, want, `${method} ${path}: want ${want}, got ${r.status}: ${r.text}`);
      return r.body;
    },
    /** Every row of a paginated list. */
    async all(path) {
      const rows = [];
      let cursor = null;
      for (let i = 0; i < 1000; i++) {
        const sep = path.includes('?') ? '&' : '?';
        const page = await api.ok('GET', `${path}${sep}limit=200${cursor ? `&cursor=${cursor}` : ''}`);
        rows.push(...page.data);
        cursor = page.next_cursor;
        if (!cursor) return rows;
      }
      throw new Error('pagination does not end');
    },
  };
  return api;
}

/**
 * Makes every service of the demo tenant public (PATCH {"public": true}) unless it already
 * shows on GET /v1/public/{slug}; returns the public page's JSON.
 */
export async function publishDemo(server) {
  const services = await server.api.all('/v1/services');
  assert.ok(services.length >= 1, 'the demo tenant has services');
  for (const s of services) {
    if (s.public !== true) await server.api.ok('PATCH', `/v1/services/${s.id}`, { public: true });
  }
  const page = await server.publicApi.ok('GET', `/v1/public/${server.slug}`);
  assert.equal(page.services.length, services.length, 'every demo service is public now');
  return page;
}

/**
 * What each browser test file starts with: slotd --demo taking the client address from
 * X-Forwarded-For with no address limit (each context sends an address of its own), the
 * browser, and the demo's public page with its "Initial consultation" service.
 */
export async function startDemo() {
  const server = await startSlotd({ args: ['--trust-forwarded-for', '--rate-limit-address', '100000/60'] });
  const browser = await launchBrowser();
  const page = await publishDemo(server);
  const consult = page.services.find((s) => s.name === 'Initial consultation');
  return { server, browser, page, consult };
}

/** The tenant's bookings through the admin API. */
export async function bookings(server, query = '') {
  return server.api.all(`/v1/bookings${query ? `?${query}` : ''}`);
}

// --- the browser ------------------------------------------------------------------------------

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
  '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/**
 * Debian's Chromium (no browser download). Playwright's launch() gives the browser a fresh,
 * empty profile directory of its own (a temporary user-data-dir, removed at close).
 */
export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
  });
}

/**
 * A new context and page. Console errors and CSP violations of the page are collected in
 * page.problems (a test may assert it is empty); requests to any host other than the slotd
 * under test (and allowed extra origins) are aborted and recorded too.
 * opts: playwright context options (locale, timezoneId, viewport…) and allowOrigins.
 */
let addressCount = 0;
export async function newPage(browser, server, opts = {}) {
  const { allowOrigins = [], ...contextOpts } = opts;
  // With --trust-forwarded-for each context is a client address of its own, so the
  // per-address caps (live holds) of one test never meet another's.
  addressCount += 1;
  const context = await browser.newContext({
    extraHTTPHeaders: { 'X-Forwarded-For': `198.51.100.${addressCount % 250 + 1}` },
    locale: 'en-US',
    timezoneId: 'America/New_York',
    viewport: { width: 1280, height: 900 },
    acceptDownloads: true,
    ...contextOpts,
  });
  const page = await context.newPage();
  page.problems = [];
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    // An API answer of 4xx is part of a flow (a taken time, a field error); Chromium logs
    // each as "Failed to load resource". Those of the page's own files are not expected.
    const url = (m.location() && m.location().url) || '';
    if (/^Failed to load resource: the server responded with a status of 4\d\d/.test(m.text()) &&
        new URL(url, server.base).pathname.startsWith('/v1/')) return;
    page.problems.push(`console error: ${m.text()} (${url})`);
  });
  page.on('pageerror', (e) => page.problems.push(`page error: ${e.message}`));
  const allowed = new Set([new URL(server.base).origin, ...allowOrigins]);
  await context.route('**/*', (route) => {
    const u = new URL(route.request().url());
    if (u.protocol === 'data:' || u.protocol === 'blob:' || allowed.has(u.origin)) return route.continue();
    page.problems.push(`request to another host: ${u.href}`);
    return route.abort();
  });
  return page;
}

let shotCount = 0;
/** A full-page screenshot under SLOTD_SCREENSHOTS (created on demand). */
export async function screenshot(page, name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  shotCount += 1;
  const file = join(SCREENSHOTS, `${name.replace(/[^A-Za-z0-9_.-]+/g, '_')}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/**
 * axe-core on the page as it is now. Violations of impact serious or critical are kept in
 * page.a11y (finish() fails the test on them, after the flow has run to its end, so one finding
 * does not hide the rest of the flow); the others (moderate, minor) are printed.
 */
export async function checkA11y(page, label, { exclude = [] } = {}) {
  // exclude: selectors axe leaves out. axe-core descends into every iframe; a frame with
  // sandbox="" runs no scripts, so injecting axe there can only wait for its timeout: a test
  // leaves such frames out this way (and checks their title and content itself).
  const builder = new AxeBuilder({ page });
  for (const x of exclude) builder.exclude(x);
  const results = await builder.analyze();
  page.a11y = page.a11y || [];
  for (const v of results.violations) {
    const where = v.nodes.slice(0, 5).map((x) => x.target.join(' ')).join(', ');
    const line = `axe [${label}] ${v.impact}: ${v.id} — ${v.help} (${v.nodes.length} node(s): ${where})`;
    if (v.impact === 'serious' || v.impact === 'critical') page.a11y.push(line);
    console.log(line);
  }
  return results;
}

/**
 * The end of a test's page: no serious or critical axe findings on any page it checked, no
 * console errors, no requests to other hosts. Closes the page's context.
 */
export async function finish(page) {
  const a11y = page.a11y || [];
  const problems = page.problems || [];
  await page.context().close();
  assert.deepEqual(a11y, [], 'axe found serious or critical violations');
  assert.deepEqual(problems, [], 'console errors or requests to other hosts');
}

/** Records a measured time (reported, not asserted). */
export const timings = [];
export function report(label, ms) {
  timings.push({ label, ms });
  console.log(`timing: ${label}: ${ms.toFixed(0)} ms`);
}

// --- dates ------------------------------------------------------------------------------------

/** YYYY-MM-DD of an instant in a zone. */
export function localDate(date, timeZone) {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })
    .format(date);
}

export function addDays(ymd, n) {
  const d = new Date(`${ymd}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** A fresh Idempotency-Key. */
export function idemKey() {
  return `web-test-${Date.now()}-${Math.random().toString(36).slice(2)}`;
}
