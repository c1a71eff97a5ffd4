// The weekly hours of one provider (GET/PUT /v1/providers/{id}/schedule): a row per weekday
// with several intervals, copying a day's hours to other days, dated versions ("until 31
// March", "from 1 April") and alternating weeks (A/B). Administrators edit and save; staff read.
// The server checks the hours (overlaps, order, dates): its refusal is shown next to the
// intervals it names, and nothing is stored.
import { h, clear, announce } from '../dom.js';
import { t } from '../i18n.js';
import { call } from './http.js';
import {
  DAYS, addDays, daysBetween, mondayOf, todayIn, dayName, shortDate, wallTime, alertSlot, statusLine, refusalText,
  fieldErrors,
} from './avail_util.js';

const WEEK_LETTERS = 'abcdefgh';

const emptyWeek = () => Object.fromEntries(DAYS.map((d) => [d, []]));

function normWeek(w) {
  const out = emptyWeek();
  for (const d of DAYS) {
    for (const iv of (w && w[d]) || []) {
      const x = { start: iv.start, end: iv.end };
      if (Array.isArray(iv.service_ids)) x.service_ids = [...iv.service_ids];
      out[d].push(x);
    }
  }
  return out;
}

const cloneWeek = (w) => normWeek(w);

function fromServer(v) {
  const alt = Array.isArray(v.weeks) && v.weeks.length > 0;
  return {
    from: v.effective_from || '',
    until: v.effective_until || '',
    alt,
    weekly: normWeek(alt ? v.weeks[0] : v.weekly),
    weeks: alt ? v.weeks.map(normWeek) : null,
    anchor: v.anchor_date || '',
  };
}

function weekBody(w) {
  const o = {};
  for (const d of DAYS) {
    o[d] = w[d].map((iv) => {
      const x = { start: iv.start, end: iv.end };
      if (iv.service_ids) x.service_ids = iv.service_ids;
      return x;
    });
  }
  return o;
}

function versionBody(v) {
  const o = v.alt ? { weeks: v.weeks.map(weekBody), anchor_date: v.anchor || null } : { weekly: weekBody(v.weekly) };
  o.effective_from = v.from || null;
  o.effective_until = v.until || null;
  return o;
}

const contains = (v, day) => (!v.from || v.from <= day) && (!v.until || day <= v.until);

/**
 * Where a pointer of a refused PUT points: {v, w, day, i} (i null for the whole day), or
 * {v, field: 'from'|'until'|'anchor'|'weeks'}, or null (the body as a whole).
 */
function place(ptr, single) {
  let v = 0;
  let rest = ptr;
  const m = /^\/versions\/(\d+)(\/.*)?$/.exec(ptr);
  if (m) { v = Number(m[1]); rest = m[2] || ''; } else if (!single) return null;
  let x = /^\/weekly\/([a-z]+)(?:\/(\d+))?/.exec(rest);
  if (x) return { v, w: 0, day: x[1], i: x[2] == null ? null : Number(x[2]) };
  x = /^\/weeks\/(\d+)\/([a-z]+)(?:\/(\d+))?/.exec(rest);
  if (x) return { v, w: Number(x[1]), day: x[2], i: x[3] == null ? null : Number(x[3]) };
  if (/^\/weeks/.test(rest)) return { v, field: 'weeks' };
  if (rest === '/effective_from') return { v, field: 'from' };
  if (rest === '/effective_until') return { v, field: 'until' };
  if (rest === '/anchor_date') return { v, field: 'anchor' };
  return null;
}

/**
 * The weekly editor. opts: {editable, onSaved()}. Returns {el, load(provider), setZone(tz),
 * markDirty(), destroy()}. Another owner of a schedule body (the business hours) passes
 * `path(owner)` (the address read and replaced instead of the provider's schedule),
 * `extraBody()` (members added to the PUT body), `onLoaded(data)` (the GET answer),
 * `onRefused(err)` (a refused PUT, for its own fields) and `heading`; load() then takes
 * {id, timezone} of that owner.
 */
export function weeklyEditor({ editable, onSaved, path, extraBody, onLoaded, onRefused, heading: headingText }) {
  const schedulePath = path || ((p) => `/v1/providers/${encodeURIComponent(p.id)}/schedule`);
  let prov = null;
  let tz = 'UTC';
  let today = '';
  let versions = [];
  let sel = 0;          // the version shown
  let wk = 0;           // the week shown of an alternating version
  let copyFrom = null;  // the day whose "copy to…" panel is open
  let errs = new Map(); // "v/w/day/i" or "v/w/day/" or "v/field" → detail
  let seq = 0;
  let alive = true;

  const heading = h('h2', { id: 'weekly-h' }, headingText || t('c.availability.weekly.heading'));
  const zoneHint = h('p', { class: 'c-hint' });
  const body = h('div', { class: 'a-weekly-body' });
  const error = alertSlot('schedule-error');
  const status = statusLine('schedule-status');
  const save = editable
    ? h('button', { type: 'button', class: 'c-primary', 'data-testid': 'schedule-save' }, t('c.availability.weekly.save'))
    : null;
  const dirtyNote = h('p', { class: 'c-hint a-dirty', 'data-testid': 'schedule-dirty' });
  const el = h('section', { class: 'a-section a-weekly', 'data-testid': 'weekly-editor', 'aria-labelledby': 'weekly-h' },
    heading, zoneHint, body, error.el,
    h('div', { class: 'c-buttons' }, save, status.el, dirtyNote));

  // Unsaved edits are named next to the save button until they are saved or read again.
  const setDirty = (on) => { dirtyNote.textContent = on ? t('c.availability.weekly.dirty') : ''; };
  const isEdit = (x) => x && x.tagName === 'INPUT' && x.id !== 'version-from' && !(x.dataset.testid || '').startsWith('copy-target-');
  if (editable) {
    body.addEventListener('input', (ev) => { if (isEdit(ev.target)) setDirty(true); });
    body.addEventListener('change', (ev) => { if (isEdit(ev.target)) setDirty(true); });
    body.addEventListener('click', (ev) => {
      const b = ev.target.closest && ev.target.closest('button');
      if (b && /^(add-interval|remove-interval|copy-apply|add-version|remove-version)/.test(b.dataset.testid || '')) setDirty(true);
    });
  }
  if (!editable) el.append(h('p', { class: 'c-hint', 'data-testid': 'weekly-readonly' }, t('c.availability.readonly')));

  const cur = () => versions[sel];
  const curWeek = () => (cur().alt ? cur().weeks[wk] : cur().weekly);

  function versionLabel(v) {
    let s;
    if (v.from && v.until) s = t('c.availability.version.range', { from: shortDate(v.from), until: shortDate(v.until) });
    else if (v.from) s = t('c.availability.version.from', { from: shortDate(v.from) });
    else if (v.until) s = t('c.availability.version.until', { until: shortDate(v.until) });
    else s = t('c.availability.version.always');
    if (today && contains(v, today)) s += ` ${t('c.availability.version.today')}`;
    return s;
  }

  function focusTestid(id) {
    const x = el.querySelector(`[data-testid="${id}"]`);
    if (x) x.focus();
  }

  // --- versions ---------------------------------------------------------------------------

  function versionsBar() {
    const list = h('ul', { class: 'a-versions', 'data-testid': 'schedule-versions', 'aria-label': t('c.availability.versions') },
      versions.map((v, i) => {
        const hasErr = [...errs.keys()].some((k) => k.startsWith(`${i}/`));
        const b = h('button', { type: 'button', class: 'c-tool a-version', 'data-testid': `version-${i}`,
          'aria-pressed': String(i === sel) }, versionLabel(v), hasErr ? ` ${t('c.availability.version.haserr')}` : '');
        b.addEventListener('click', () => { sel = i; wk = 0; copyFrom = null; render(); focusTestid(`version-${i}`); });
        return h('li', null, b);
      }));
    const out = [h('h3', { class: 'a-h3' }, t('c.availability.versions')), list];
    if (editable) {
      const from = h('input', { type: 'date', id: 'version-from', 'data-testid': 'version-from' });
      const add = h('button', { type: 'button', class: 'c-secondary a-small', 'data-testid': 'add-version' }, t('c.availability.version.add'));
      const note = h('p', { class: 'c-hint', role: 'status' });
      add.addEventListener('click', () => {
        const day = from.value;
        if (!day) { note.textContent = t('c.availability.version.needdate'); from.focus(); return; }
        const i = versions.findIndex((v) => contains(v, day));
        let nv;
        if (i >= 0) {
          const old = versions[i];
          if (old.from === day) { note.textContent = t('c.availability.version.exists', { from: shortDate(day) }); return; }
          nv = { ...old, weekly: cloneWeek(old.weekly), weeks: old.weeks ? old.weeks.map(cloneWeek) : null, from: day };
          old.until = addDays(day, -1);
        } else {
          const later = versions.filter((v) => v.from && v.from > day).sort((a, b) => a.from.localeCompare(b.from))[0];
          nv = { from: day, until: later ? addDays(later.from, -1) : '', alt: false, weekly: emptyWeek(), weeks: null, anchor: '' };
        }
        versions.push(nv);
        sortVersions();
        sel = versions.indexOf(nv);
        wk = 0;
        render();
        status.show(t('c.availability.version.added', { from: shortDate(day) }));
        focusTestid(`version-${sel}`);
      });
      out.push(h('div', { class: 'a-inline' },
        h('label', { for: 'version-from' }, t('c.availability.version.newfrom')), from, add), note);
    }
    return out;
  }

  function sortVersions() {
    const shown = versions[sel];
    versions.sort((a, b) => (a.from || '').localeCompare(b.from || ''));
    sel = Math.max(0, versions.indexOf(shown));
  }

  function versionMeta() {
    const v = cur();
    if (!editable) return null;
    const dateInput = (id, key, label, hint) => {
      const input = h('input', { type: 'date', id, 'data-testid': id, value: v[key] || '' });
      input.addEventListener('change', () => { v[key] = input.value; refreshBar(); });
      const wrap = h('div', { class: 'c-field a-date-field' }, h('label', { for: id }, label), input);
      const msg = errs.get(`${sel}/${key}`);
      if (msg) addFieldError(input, msg, `${id}-err`);
      if (hint) {
        wrap.append(h('p', { class: 'c-hint', id: `${id}-hint` }, hint));
        input.setAttribute('aria-describedby', [input.getAttribute('aria-describedby'), `${id}-hint`].filter(Boolean).join(' '));
      }
      return wrap;
    };
    const row = h('div', { class: 'a-inline a-meta' },
      dateInput('version-effective-from', 'from', t('c.availability.version.efrom'), t('c.availability.version.open')),
      dateInput('version-effective-until', 'until', t('c.availability.version.euntil'), t('c.availability.version.open')));
    if (versions.length > 1) {
      const rm = h('button', { type: 'button', class: 'c-danger a-small', 'data-testid': 'remove-version' }, t('c.availability.version.remove'));
      rm.addEventListener('click', () => {
        versions.splice(sel, 1);
        sel = Math.max(0, sel - 1);
        wk = 0;
        errs = new Map();
        render();
        status.show(t('c.availability.version.removed'));
        focusTestid(`version-${sel}`);
      });
      row.append(rm);
    }
    return row;
  }

  let barHolder = null;
  function refreshBar() {
    if (!barHolder) return;
    clear(barHolder).append(...versionsBar());
  }

  // --- alternating weeks ------------------------------------------------------------------

  function weeksBar() {
    const v = cur();
    const out = [];
    if (editable) {
      const box = h('input', { type: 'checkbox', id: 'alternating', 'data-testid': 'alternating', checked: v.alt });
      box.addEventListener('change', () => {
        if (box.checked) {
          v.alt = true;
          v.weeks = [cloneWeek(v.weekly), cloneWeek(v.weekly)];
          v.anchor = v.anchor || mondayOf(today || todayIn(tz));
        } else {
          v.alt = false;
          v.weekly = cloneWeek(v.weeks[wk] || v.weeks[0]);
          v.weeks = null;
        }
        wk = 0;
        copyFrom = null;
        render();
        status.show(box.checked ? t('c.availability.weeks.on') : t('c.availability.weeks.off'));
        focusTestid('alternating');
      });
      out.push(h('div', { class: 'c-check a-alt' }, box, h('label', { for: 'alternating' }, t('c.availability.weeks.toggle'))));
    }
    if (!v.alt) return out;
    if (editable) {
      const anchor = h('input', { type: 'date', id: 'anchor-date', 'data-testid': 'anchor-date', value: v.anchor || '' });
      anchor.addEventListener('change', () => { v.anchor = anchor.value; refreshWeekNote(); });
      const wrap = h('div', { class: 'c-field a-date-field' }, h('label', { for: 'anchor-date' }, t('c.availability.weeks.anchor')), anchor);
      const msg = errs.get(`${sel}/anchor`);
      if (msg) addFieldError(anchor, msg, 'anchor-date-err');
      out.push(wrap);
    }
    out.push(weekNote);
    refreshWeekNote();
    out.push(h('div', { class: 'c-tools a-weektabs', role: 'group', 'aria-label': t('c.availability.weeks.which') },
      v.weeks.map((w, i) => {
        const b = h('button', { type: 'button', class: 'c-tool', 'data-testid': `week-${WEEK_LETTERS[i]}`,
          'aria-pressed': String(i === wk) }, t('c.availability.weeks.week', { n: WEEK_LETTERS[i].toUpperCase() }));
        b.addEventListener('click', () => { wk = i; copyFrom = null; render(); focusTestid(`week-${WEEK_LETTERS[i]}`); });
        return b;
      })));
    return out;
  }

  const weekNote = h('p', { class: 'c-hint', 'data-testid': 'week-note' });
  function refreshWeekNote() {
    const v = cur();
    if (!v || !v.alt || !v.anchor || !today) { weekNote.textContent = ''; return; }
    const n = v.weeks.length;
    const k = ((Math.floor(daysBetween(mondayOf(v.anchor), mondayOf(today)) / 7) % n) + n) % n;
    weekNote.textContent = t('c.availability.weeks.now', { n: WEEK_LETTERS[k].toUpperCase() });
  }

  // --- days -------------------------------------------------------------------------------

  function addFieldError(input, msg, id) {
    input.setAttribute('aria-invalid', 'true');
    input.setAttribute('aria-describedby', [input.getAttribute('aria-describedby'), id].filter(Boolean).join(' '));
    input.insertAdjacentElement('afterend', h('p', { class: 'a-field-error', id, 'data-testid': 'field-error' }, msg));
  }

  function intervalRow(day, list, i) {
    const iv = list[i];
    const label = dayName(day);
    const key = `${sel}/${wk}/${day}/${i}`;
    const msg = errs.get(key);
    const sid = `iv-${day}-${i}-start`;
    const eid = `iv-${day}-${i}-end`;
    const start = h('input', { type: 'time', name: 'start', id: sid, value: iv.start || '', required: true });
    const end = h('input', { type: 'time', name: 'end', id: eid, value: iv.end === '24:00' ? '00:00' : (iv.end || ''), required: true });
    start.addEventListener('input', () => { iv.start = start.value; });
    end.addEventListener('input', () => { iv.end = end.value === '00:00' ? '24:00' : end.value; });
    const row = h('div', { class: `a-interval${msg ? ' a-invalid' : ''}`, 'data-testid': `interval-${day}-${i}` },
      h('label', { for: sid, class: 'visually-hidden' }, t('c.availability.iv.start', { day: label, n: i + 1 })), start,
      h('span', { 'aria-hidden': 'true' }, '–'),
      h('label', { for: eid, class: 'visually-hidden' }, t('c.availability.iv.end', { day: label, n: i + 1 })), end);
    if (iv.service_ids) row.append(h('span', { class: 'c-hint a-only' }, t('c.availability.iv.only', { n: iv.service_ids.length })));
    const rm = h('button', { type: 'button', class: 'c-secondary a-small', 'data-testid': `remove-interval-${day}-${i}`,
      'aria-label': t('c.availability.iv.remove.label', { day: label, n: i + 1 }) }, t('c.availability.iv.remove'));
    rm.addEventListener('click', () => {
      list.splice(i, 1);
      errs = new Map();
      render();
      focusTestid(list.length ? `remove-interval-${day}-${Math.min(i, list.length - 1)}` : `add-interval-${day}`);
    });
    row.append(rm);
    if (msg) {
      const id = `iv-${day}-${i}-err`;
      for (const inp of [start, end]) { inp.setAttribute('aria-invalid', 'true'); inp.setAttribute('aria-describedby', id); }
      row.append(h('p', { class: 'a-field-error', id, 'data-testid': 'field-error' }, msg));
    }
    return row;
  }

  function copyPanel(day) {
    const boxes = DAYS.filter((d) => d !== day).map((d) => {
      const id = `copy-${day}-to-${d}`;
      return h('span', { class: 'c-check' },
        h('input', { type: 'checkbox', id, value: d, 'data-testid': `copy-target-${d}` }),
        h('label', { for: id }, dayName(d)));
    });
    const apply = h('button', { type: 'button', class: 'c-primary a-small', 'data-testid': 'copy-apply' }, t('c.availability.copy.apply'));
    const cancel = h('button', { type: 'button', class: 'c-secondary a-small', 'data-testid': 'copy-cancel' }, t('c.availability.copy.cancel'));
    const note = h('p', { class: 'c-hint', role: 'status' });
    const panel = h('fieldset', { class: 'a-copy', 'data-testid': 'copy-panel' },
      h('legend', null, t('c.availability.copy.legend', { day: dayName(day) })), boxes, h('div', { class: 'c-buttons' }, apply, cancel), note);
    apply.addEventListener('click', () => {
      const targets = [...panel.querySelectorAll('input[type=checkbox]:checked')].map((x) => x.value);
      if (!targets.length) { note.textContent = t('c.availability.copy.none'); return; }
      const w = curWeek();
      for (const d of targets) w[d] = w[day].map((iv) => ({ ...iv, ...(iv.service_ids ? { service_ids: [...iv.service_ids] } : {}) }));
      copyFrom = null;
      errs = new Map();
      render();
      status.show(t('c.availability.copy.done', { from: dayName(day), to: targets.map((d) => dayName(d)).join(', ') }));
      focusTestid(`copy-day-${day}`);
    });
    cancel.addEventListener('click', () => { copyFrom = null; render(); focusTestid(`copy-day-${day}`); });
    return panel;
  }

  function dayRow(day) {
    const w = curWeek();
    const list = w[day];
    const label = dayName(day);
    if (!editable) {
      const text = list.length ? list.map((iv) => `${wallTime(iv.start)}–${wallTime(iv.end)}`).join(', ') : t('c.availability.closed');
      return h('div', { class: 'a-day', 'data-testid': `weekday-${day}` },
        h('span', { class: 'a-dayname' }, label), h('span', { class: 'a-daytext' }, text));
    }
    const legendId = `day-${day}-name`;
    const rows = list.map((_, i) => intervalRow(day, list, i));
    const add = h('button', { type: 'button', class: 'c-secondary a-small', 'data-testid': `add-interval-${day}`,
      'aria-label': t('c.availability.iv.add.label', { day: label }) }, t('c.availability.iv.add'));
    add.addEventListener('click', () => {
      const last = list[list.length - 1];
      // the next hour after the last interval (or 09:00–17:00 on an empty day)
      let start = '09:00';
      let end = '17:00';
      if (last && /^\d\d:\d\d$/.test(last.end)) {
        const m = Math.min(Number(last.end.slice(0, 2)) * 60 + Number(last.end.slice(3)) + 60, 22 * 60);
        const f = (x) => `${String(Math.floor(x / 60)).padStart(2, '0')}:${String(x % 60).padStart(2, '0')}`;
        start = f(m);
        end = f(Math.min(m + 60, 23 * 60 + 59));
      }
      list.push({ start, end });
      render();
      const inp = el.querySelector(`[data-testid="interval-${day}-${list.length - 1}"] input[name="start"]`);
      if (inp) inp.focus();
    });
    const copy = h('button', { type: 'button', class: 'c-secondary a-small', 'data-testid': `copy-day-${day}`,
      'aria-expanded': String(copyFrom === day), 'aria-label': t('c.availability.copy.label', { day: label }) }, t('c.availability.copy'));
    copy.addEventListener('click', () => { copyFrom = copyFrom === day ? null : day; render(); focusTestid(copyFrom ? `copy-target-${DAYS.find((d) => d !== day)}` : `copy-day-${day}`); });
    const dayMsg = errs.get(`${sel}/${wk}/${day}/`);
    const group = h('div', { class: 'a-day', role: 'group', 'aria-labelledby': legendId, 'data-testid': `weekday-${day}` },
      h('span', { class: 'a-dayname', id: legendId }, label),
      h('div', { class: 'a-intervals' }, rows.length ? rows : h('span', { class: 'a-daytext' }, t('c.availability.closed')),
        dayMsg ? h('p', { class: 'a-field-error', 'data-testid': 'field-error' }, dayMsg) : null),
      h('div', { class: 'a-dayactions' }, add, copy));
    if (copyFrom === day) group.append(copyPanel(day));
    return group;
  }

  // --- render, load, save -----------------------------------------------------------------

  function render() {
    clear(body);
    if (!prov) return;
    zoneHint.textContent = t('c.availability.zone', { tz });
    if (!versions.length) versions = [{ from: '', until: '', alt: false, weekly: emptyWeek(), weeks: null, anchor: '' }];
    if (sel >= versions.length) sel = 0;
    if (cur().alt && wk >= cur().weeks.length) wk = 0;
    barHolder = h('div', { class: 'a-versionbar' }, ...versionsBar());
    body.append(barHolder, ...[versionMeta()].filter(Boolean), ...weeksBar(),
      h('div', { class: 'a-days' }, DAYS.map((d) => dayRow(d))));
  }

  async function load(provider, keepMessages = false) {
    prov = provider;
    tz = provider.timezone || 'UTC';
    today = todayIn(tz);
    const mine = ++seq;
    if (!keepMessages) { error.show(''); status.show(''); }
    setDirty(false);
    errs = new Map();
    copyFrom = null;
    clear(body).append(h('p', { class: 'c-hint' }, t('c.loading')));
    try {
      const { data } = await call('GET', schedulePath(provider));
      if (!alive || mine !== seq) return;
      versions = (data.versions || []).map(fromServer);
      if (onLoaded) onLoaded(data);
    } catch (e) {
      if (!alive || mine !== seq || e.status === 401) return;
      clear(body);
      error.show(refusalText(e, t('c.availability.weekly.what')));
      return;
    }
    // the version in force today first
    const i = versions.findIndex((v) => contains(v, today));
    sel = i >= 0 ? i : 0;
    wk = 0;
    render();
  }

  function requestBody() {
    sortVersions();
    if (versions.length === 1 && !versions[0].from && !versions[0].until) return versionBody(versions[0]);
    return { versions: versions.map(versionBody) };
  }

  async function doSave() {
    if (!prov || !save) return;
    const payload = requestBody();
    const single = !payload.versions;
    if (extraBody) Object.assign(payload, extraBody());
    error.show('');
    status.show('');
    save.disabled = true;
    save.textContent = t('c.availability.saving');
    try {
      const { data } = await call('PUT', schedulePath(prov), { body: payload });
      if (!alive) return;
      const shownFrom = cur() ? cur().from : '';
      versions = (data.versions || []).map(fromServer);
      const keep = versions.findIndex((v) => v.from === shownFrom);
      sel = keep >= 0 ? keep : 0;
      if (!cur() || !cur().alt) wk = 0;
      errs = new Map();
      render();
      setDirty(false);
      status.show(t('c.availability.weekly.saved'));
      announce(t('c.availability.weekly.saved'));
      if (onSaved) onSaved();
    } catch (e) {
      if (!alive || e.status === 401) return;
      errs = new Map();
      let first = null;
      for (const fe of fieldErrors(e)) {
        const p = place(fe.pointer || '', single);
        if (!p) continue;
        const key = p.field ? `${p.v}/${p.field}` : `${p.v}/${p.w}/${p.day}/${p.i == null ? '' : p.i}`;
        if (!errs.has(key)) errs.set(key, fe.detail || '');
        if (!first) first = p;
      }
      if (first && versions[first.v]) {
        sel = first.v;
        wk = first.w != null && versions[sel].alt ? first.w : 0;
      }
      render();
      error.show(refusalText(e, t('c.availability.weekly.what')));
      if (onRefused) onRefused(e);
      const bad = el.querySelector('[aria-invalid="true"]');
      if (bad) bad.focus();
    } finally {
      if (alive) { save.disabled = false; save.textContent = t('c.availability.weekly.save'); }
    }
  }

  if (save) save.addEventListener('click', doSave);

  // The zone the hours are read in changed (the business zone chosen): the edits stay.
  function setZone(zone) {
    tz = zone || 'UTC';
    today = todayIn(tz);
    render();
  }

  // A change the owner keeps outside the editor but saves with it (the business zone and
  // exemptions) is named as unsaved too.
  const markDirty = () => setDirty(true);

  return { el, load, setZone, markDirty, destroy: () => { alive = false; } };
}
