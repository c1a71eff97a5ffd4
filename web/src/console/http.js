// The console's requests: same origin, the session cookie (credentials 'same-origin'), no
// API key; every change (not GET/HEAD) carries the session's X-CSRF-Token. A 401 on any call
// but the sign-in itself ends the session in the page (onSignedOut), so the sign-in form
// comes back with "Your session has expired".
import { ApiError } from '../api.js';

let csrf = null;
let onSignedOut = () => {};

export function setCsrf(token) { csrf = token || null; }
export function onSessionLost(fn) { onSignedOut = fn; }

export async function call(method, path, { body, ifMatch, idempotencyKey, signal, signIn = false } = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD' && csrf) headers['X-CSRF-Token'] = csrf;
  if (ifMatch != null) headers['If-Match'] = `"${ifMatch}"`;
  if (idempotencyKey) headers['Idempotency-Key'] = idempotencyKey;
  let res;
  try {
    res = await fetch(path, {
      method, headers, signal, credentials: 'same-origin', cache: 'no-store',
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
  } catch (e) {
    if (e && e.name === 'AbortError') throw e;
    throw new ApiError(0, { code: 'network' });
  }
  let data = null;
  if (res.status !== 204 && (res.headers.get('Content-Type') || '').includes('json')) {
    try { data = await res.json(); } catch { data = null; }
  }
  if (!res.ok) {
    const ra = parseInt(res.headers.get('Retry-After') || '', 10);
    const err = new ApiError(res.status, data, Number.isFinite(ra) ? ra : null);
    if (res.status === 401 && !signIn) {
      csrf = null;
      onSignedOut(err);
    }
    throw err;
  }
  return { data, etag: res.headers.get('ETag') };
}

/** GET returning the body. */
export async function get(path, opts) { return (await call('GET', path, opts)).data; }

/** Every page of a list route ({data, next_cursor}), up to `max` items. */
export async function getAll(path, max = 1000) {
  const out = [];
  let cursor = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const page = await get(`${path}${sep}limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    out.push(...(page.data || []));
    cursor = page.next_cursor;
  } while (cursor && out.length < max);
  return out;
}
