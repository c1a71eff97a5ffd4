// Set-up → Messages: the e-mail templates (event type × language), an editor for subject,
// text and HTML with a live preview (POST …/preview with what is typed, after a short pause;
// the HTML shown in a sandboxed frame), save, and back to the built-in template.
import { h, clear } from '../dom.js';
import { t } from '../i18n.js';
import { call, get } from './http.js';
import { Fields, listPage, confirmIn, btn, busy, when } from './setup_common.js';

const esc = (x) => String(x).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

// The preview frame is rebuilt from these elements and attributes only. Everything else is
// dropped (script, style, embedded content, forms) or unwrapped to its children (unknown or
// foreign elements such as svg: their text stays). A <template> is dropped with its content:
// the frame's parser would turn a shadowrootmode template into a live shadow tree that the
// copy never saw.
const KEEP = new Set(['P', 'BR', 'A', 'STRONG', 'B', 'EM', 'I', 'U', 'S', 'SUB', 'SUP', 'SMALL', 'MARK', 'CODE', 'PRE',
  'BLOCKQUOTE', 'Q', 'CITE', 'ABBR', 'SPAN', 'DIV', 'HR', 'UL', 'OL', 'LI', 'DL', 'DT', 'DD',
  'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'TABLE', 'CAPTION', 'THEAD', 'TBODY', 'TFOOT', 'TR', 'TD', 'TH',
  'CENTER', 'FONT', 'ADDRESS', 'SECTION', 'HEADER', 'FOOTER', 'ARTICLE', 'MAIN']);
const DROP = new Set(['SCRIPT', 'STYLE', 'TEMPLATE', 'HEAD', 'TITLE', 'META', 'LINK', 'BASE', 'IFRAME', 'FRAME',
  'FRAMESET', 'OBJECT', 'EMBED', 'FORM', 'INPUT', 'BUTTON', 'SELECT', 'TEXTAREA', 'VIDEO', 'AUDIO', 'SOURCE',
  'TRACK', 'PICTURE', 'CANVAS', 'MAP', 'AREA', 'PORTAL', 'FENCEDFRAME']);
// Attributes that load nothing and run nothing (href is checked on its own).
const ATTRS = new Set(['title', 'lang', 'dir', 'align', 'valign', 'colspan', 'rowspan', 'width', 'height',
  'border', 'cellpadding', 'cellspacing', 'color', 'size', 'face', 'start', 'type', 'reversed']);
const HTML_NS = 'http://www.w3.org/1999/xhtml';

/**
 * The rendered HTML as the document of the preview frame (an iframe with sandbox="": no
 * scripts, no forms, no popups, an origin of its own). The frame's document inherits the
 * console's CSP, which allows images from any https host and would refuse each style
 * attribute and element loudly, so the template's HTML is parsed apart (DOMParser runs and
 * loads nothing) and rebuilt from a short list of elements and attributes: no images (an
 * image becomes its alternative text), no styles, nothing that loads from another host. A web
 * or mail link keeps its address (a click opens nothing: the frame allows no pop-ups).
 */
function frameDoc(html, lang, title) {
  const bare = String(html || '')
    .replace(/<style[\s\S]*?<\/style\s*>/gi, '')
    // style attributes inside start tags only: "style = formal" in the text stays.
    .replace(/<[a-z][^>]*>/gi, (tag) => tag.replace(/\sstyle\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)/gi, ''));
  const src = new DOMParser().parseFromString(bare, 'text/html');
  const out = document.implementation.createHTMLDocument('');
  const copy = (from, to) => {
    for (const n of from.childNodes) {
      if (n.nodeType === Node.TEXT_NODE) { to.append(out.createTextNode(n.nodeValue)); continue; }
      if (n.nodeType !== Node.ELEMENT_NODE) continue;
      const tag = n.namespaceURI === HTML_NS ? n.tagName : '';
      if (tag === 'IMG') {
        const alt = (n.getAttribute('alt') || '').trim();
        if (alt) to.append(out.createTextNode(`[${alt}]`));
        continue;
      }
      if (DROP.has(tag) || (!tag && /^(script|style)$/i.test(n.localName))) continue;
      if (!KEEP.has(tag)) { copy(n, to); continue; }
      const el = out.createElement(tag.toLowerCase());
      for (const at of n.attributes) {
        if (!at.namespaceURI && ATTRS.has(at.name)) el.setAttribute(at.name, at.value);
      }
      if (tag === 'A') {
        const href = (n.getAttribute('href') || '').trim();
        if (/^(https?:\/\/|mailto:)/i.test(href)) {
          el.setAttribute('href', href);
          el.setAttribute('target', '_blank');
          el.setAttribute('rel', 'noopener noreferrer');
        }
      }
      copy(n, el);
      to.append(el);
    }
  };
  copy(src.body, out.body);
  return `<!doctype html><html lang="${esc(lang)}"><head><meta charset="utf-8"><title>${esc(title)}</title></head>`
    + `<body>${out.body.innerHTML}</body></html>`;
}

const tid = (x) => `${x.event_type}-${x.locale}`;

export function mountTemplates(root, ctx) {
  let alive = true;
  let rows = [];
  const { msg, formSlot: editSlot, tbody } = listPage(root, {
    intro: t('c.setup.tpl.intro'), listTitle: t('c.setup.tpl.list'),
    table: { testid: 'templates-table', caption: t('c.setup.tpl.caption'),
      heads: [t('c.setup.tpl.event'), t('c.setup.tpl.locale'), t('c.setup.tpl.kind'), t('c.setup.tpl.updated'), t('c.setup.actions')] },
  });

  async function load() {
    try {
      rows = (await get('/v1/templates')).data || [];
      if (alive) draw();
    } catch (e) {
      if (alive && e.status !== 401) msg.fail(e);
    }
  }

  function eventName(type) {
    const k = `c.setup.ev.${type}`;
    const s = t(k);
    return s === k ? type : `${s} (${type})`;
  }

  function draw() {
    clear(tbody);
    for (const x of rows) {
      tbody.append(h('tr', { 'data-testid': `template-row-${tid(x)}`, 'data-custom': x.custom ? 'yes' : 'no' },
        h('td', null, eventName(x.event_type)),
        h('td', null, x.locale === 'de' ? 'Deutsch' : 'English'),
        h('td', null, x.custom ? t('c.setup.tpl.custom') : t('c.setup.tpl.builtin')),
        h('td', null, x.custom ? when(x.updated_at) : t('c.detail.none')),
        h('td', null, btn(t('c.setup.edit'), `template-edit-${tid(x)}`, () => openEditor(x), 'c-secondary',
          { 'aria-label': t('c.setup.tpl.edit.named', { event: x.event_type, locale: x.locale }) }))));
    }
  }

  async function openEditor(x) {
    clear(editSlot);
    msg.note('');
    let tpl;
    try {
      tpl = await get(`/v1/templates/${encodeURIComponent(x.event_type)}/${x.locale}`);
    } catch (e) {
      if (e.status !== 401) msg.fail(e);
      return;
    }
    if (!alive) return;
    const f = new Fields('tpl');
    const path = `/v1/templates/${encodeURIComponent(x.event_type)}/${x.locale}`;
    const pvSubject = h('p', { class: 's-pv-subject', 'data-testid': 'preview-subject' });
    const pvText = h('pre', { class: 's-pv-text', 'data-testid': 'preview-text' });
    const frameTitle = t('c.setup.tpl.frame', { event: eventName(x.event_type) });
    const pvHtml = h('iframe', { sandbox: '', class: 's-pv-frame', title: frameTitle, 'data-testid': 'preview-html' });
    const pvState = h('p', { class: 'c-hint', role: 'status', 'data-testid': 'preview-state' });
    const preview = h('section', { class: 's-preview', 'data-testid': 'template-preview', 'aria-labelledby': 'tpl-pv-h' },
      h('h3', { id: 'tpl-pv-h' }, t('c.setup.tpl.preview')), pvState,
      h('h4', null, t('c.setup.tpl.subject')), pvSubject,
      h('h4', null, t('c.setup.tpl.text')), pvText,
      h('h4', null, t('c.setup.tpl.html')), pvHtml);
    const save = h('button', { type: 'submit', class: 'c-primary', 'data-testid': 'template-save' }, t('c.setup.save'));
    const resetSlot = h('div');
    const reset = btn(t('c.setup.tpl.reset'), 'template-reset', () => confirmIn(resetSlot, t('c.setup.tpl.reset.q'),
      t('c.setup.tpl.reset'), 'template-reset-confirm', async () => {
        try {
          await call('DELETE', path);
          msg.note(t('c.setup.tpl.resetdone'));
          await load();
          const again = rows.find((r) => r.event_type === x.event_type && r.locale === x.locale);
          if (again) await openEditor(again);
        } catch (e) { clear(resetSlot); msg.fail(e); }
      }), 'c-danger', { hidden: !tpl.custom });
    const close = btn(t('c.setup.close'), 'template-close', () => { stop(); clear(editSlot); });
    const title = h('h2', { class: 's-h2', id: 'tpl-form-h', tabindex: '-1' },
      t('c.setup.tpl.editing', { event: eventName(x.event_type), locale: x.locale === 'de' ? 'Deutsch' : 'English' }));
    const vars = h('details', { class: 's-vars' }, h('summary', null, t('c.setup.tpl.vars')),
      h('dl', { class: 'c-fields' }, (tpl.variables || []).map((v) => [h('dt', null, h('code', null, `{{${v.name}}}`)), h('dd', null, v.description)])));
    const kind = h('p', { class: 'c-hint', 'data-testid': 'template-kind' }, tpl.custom ? t('c.setup.tpl.is.custom') : t('c.setup.tpl.is.builtin'));
    const form = h('form', { class: 's-form', 'data-testid': 'template-form', novalidate: true, 'aria-labelledby': 'tpl-form-h' },
      title,
      kind,
      h('div', { class: 's-tpl' },
        h('div', { class: 's-tpl-edit' },
          f.input('subject', t('c.setup.tpl.subject'), tpl.subject, { maxlength: 20000 }),
          f.textarea('text', t('c.setup.tpl.text'), tpl.text, { rows: 10, spellcheck: 'false' }),
          f.textarea('html', t('c.setup.tpl.html'), tpl.html, { rows: 10, spellcheck: 'false' }),
          vars),
        preview),
      f.summary,
      h('div', { class: 'c-buttons' }, save, reset, close), resetSlot);

    let timer = 0;
    let ctl = null;
    let seq = 0;
    function stop() { clearTimeout(timer); if (ctl) ctl.abort(); }
    async function renderPreview() {
      stop();
      const mine = ++seq;
      ctl = new AbortController();
      pvState.textContent = t('c.setup.tpl.previewing');
      try {
        const { data } = await call('POST', `${path}/preview`, {
          body: { subject: f.val('subject'), text: f.val('text'), html: f.val('html') }, signal: ctl.signal });
        if (!alive || mine !== seq) return;
        f.clear();
        pvSubject.textContent = data.subject;
        pvText.textContent = data.text;
        pvHtml.srcdoc = frameDoc(data.html, x.locale, frameTitle);
        pvState.textContent = t('c.setup.tpl.previewed');
      } catch (e) {
        if (!alive || mine !== seq || (e && e.name === 'AbortError') || e.status === 401) return;
        pvState.textContent = t('c.setup.tpl.previewfail');
        f.show(e);
      }
    }
    for (const name of ['subject', 'text', 'html']) {
      f.el(name).addEventListener('input', () => {
        clearTimeout(timer);
        pvState.textContent = t('c.setup.tpl.typing');
        timer = setTimeout(renderPreview, 400);
      });
    }
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      stop();
      f.clear();
      await busy(save, async () => {
        try {
          await call('PUT', path, { body: { subject: f.val('subject'), text: f.val('text'), html: f.val('html') } });
          msg.note(t('c.setup.tpl.saved'));
          reset.hidden = false;
          kind.textContent = t('c.setup.tpl.is.custom');
          await load();
        } catch (e) {
          if (e.status !== 401) f.show(e);
        }
      });
    });
    editSlot.append(form);
    title.focus();
    renderPreview();
  }

  load();
  return { destroy() { alive = false; } };
}
