// fetch wrapper: JSON in and out, problem+json errors as ApiError.

export class ApiError extends Error {
  constructor(status, problem, retryAfter) {
    super((problem && (problem.detail || problem.title)) || `HTTP ${status}`);
    this.status = status;
    this.problem = problem || {};
    this.code = this.problem.code || (status === 0 ? 'network' : `http_${status}`);
    this.retryAfter = retryAfter;
  }
}

// The server's clock minus this one, when they differ by more than a few seconds (from the
// Date header of the latest answer): deadlines the server sets are counted down on its clock.
let skew = 0;
export function serverNow() { return Date.now() + skew; }
function noteClock(res) {
  const d = Date.parse(res.headers.get('Date') || '');
  if (!Number.isFinite(d)) return;
  const diff = d - Date.now();
  skew = Math.abs(diff) > 5000 ? diff : 0;
}

export async function api(method, path, { body, token, idempotencyKey, ifMatch, signal } = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = `Bearer ${token}`;
  if (idempotencyKey) headers['Idempotency-Key'] = idempotencyKey;
  if (ifMatch != null) headers['If-Match'] = `"${ifMatch}"`;
  let res;
  try {
    res = await fetch(path, {
      method, headers, signal, credentials: 'omit', cache: 'no-store',
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
  } catch (e) {
    if (e && e.name === 'AbortError') throw e;
    throw new ApiError(0, { code: 'network' });
  }
  noteClock(res);
  if (res.status === 204) return null;
  let data = null;
  const type = res.headers.get('Content-Type') || '';
  if (type.includes('json')) {
    try { data = await res.json(); } catch { data = null; }
  }
  if (!res.ok) {
    const ra = parseInt(res.headers.get('Retry-After') || '', 10);
    throw new ApiError(res.status, data, Number.isFinite(ra) ? ra : null);
  }
  return data;
}

/** A blob (for the .ics download). */
export async function apiBlob(path, token) {
  let res;
  try {
    res = await fetch(path, { headers: { Authorization: `Bearer ${token}` }, credentials: 'omit', cache: 'no-store' });
  } catch { throw new ApiError(0, { code: 'network' }); }
  if (!res.ok) {
    let data = null;
    try { data = await res.json(); } catch { /* not JSON */ }
    throw new ApiError(res.status, data, null);
  }
  return res.blob();
}

export const enc = encodeURIComponent;

export function newKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}
