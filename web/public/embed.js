/* slotd booking page embed (served as /embed.js). Plain ES5, no imports.
 * <script src="https://HOST/embed.js" data-slotd-tenant="demo" [data-slotd-service="svc_…"]
 *         [data-slotd-mode="inline|popup"] [data-slotd-label="Book now"] async></script>
 * inline: an iframe right after the script tag; popup: a button that opens it in a dialog.
 * The page inside posts {type: "slotd:height", height}; only messages from this script's
 * origin and from its own iframe resize it. */
(function () {
  'use strict';

  function originOf(src) {
    var a = document.createElement('a');
    a.href = src;
    return a.protocol + '//' + a.host;
  }

  function pageUrl(origin, tenant, service) {
    var path = '/book/' + encodeURIComponent(tenant);
    if (service) path += '/' + encodeURIComponent(service);
    return origin + path + '?embed=1';
  }

  function makeFrame(url, label) {
    var f = document.createElement('iframe');
    f.src = url;
    f.title = label;
    f.loading = 'lazy';
    f.setAttribute('allow', 'clipboard-write');
    f.style.width = '100%';
    f.style.maxWidth = '100%';
    f.style.border = '0';
    f.style.display = 'block';
    f.style.minHeight = '480px';
    f.style.height = '640px';
    f.style.colorScheme = 'light';
    return f;
  }

  function listen(frame, origin, onClose) {
    window.addEventListener('message', function (ev) {
      if (ev.origin !== origin || ev.source !== frame.contentWindow) return;
      var d = ev.data;
      if (!d || typeof d !== 'object') return;
      if (d.type === 'slotd:close' && onClose) { onClose(); return; }
      if (d.type !== 'slotd:height' || typeof d.height !== 'number') return;
      var h = Math.max(200, Math.min(Math.round(d.height), 10000));
      frame.style.minHeight = '0';
      frame.style.height = h + 'px';
    });
  }

  function insertAfter(node, ref) {
    if (ref.parentNode) ref.parentNode.insertBefore(node, ref.nextSibling);
    else document.body.appendChild(node);
  }

  function setup(script) {
    if (script.getAttribute('data-slotd-done')) return;
    script.setAttribute('data-slotd-done', '1');
    var tenant = script.getAttribute('data-slotd-tenant');
    if (!tenant) return;
    var origin = originOf(script.src);
    var service = script.getAttribute('data-slotd-service');
    var mode = script.getAttribute('data-slotd-mode') || 'inline';
    var label = script.getAttribute('data-slotd-label') || 'Book an appointment';
    var url = pageUrl(origin, tenant, service);
    var title = label;

    if (mode !== 'popup') {
      var frame = makeFrame(url, title);
      frame.className = 'slotd-embed';
      listen(frame, origin);
      insertAfter(frame, script);
      return;
    }

    var btn = document.createElement('button');
    btn.type = 'button';
    btn.className = 'slotd-embed-button';
    btn.textContent = label;
    btn.setAttribute('aria-haspopup', 'dialog');
    insertAfter(btn, script);

    var dialog = null;
    var popFrame = null;
    function close() {
      if (!dialog) return;
      if (dialog.open && dialog.close) dialog.close();
      else dialog.removeAttribute('open');
    }
    function open() {
      if (!dialog) {
        dialog = document.createElement('dialog');
        dialog.className = 'slotd-embed-dialog';
        dialog.setAttribute('aria-label', label);
        var s = dialog.style;
        s.width = 'min(760px, calc(100vw - 16px))';
        s.maxWidth = '100vw';
        s.maxHeight = 'calc(100vh - 16px)';
        s.padding = '0';
        s.border = '0';
        s.borderRadius = '10px';
        s.overflow = 'auto';
        var bar = document.createElement('div');
        bar.style.display = 'flex';
        bar.style.justifyContent = 'flex-end';
        bar.style.padding = '4px';
        bar.style.background = '#fff';
        var x = document.createElement('button');
        x.type = 'button';
        x.textContent = '\u00d7';
        x.setAttribute('aria-label', 'Close');
        x.style.font = '24px/1 sans-serif';
        x.style.minWidth = '44px';
        x.style.minHeight = '44px';
        x.style.border = '0';
        x.style.background = '#fff';
        x.style.color = '#111';
        x.style.cursor = 'pointer';
        x.addEventListener('click', close);
        bar.appendChild(x);
        popFrame = makeFrame(url, title);
        // Escape inside the frame (another origin) reaches only the page there; it asks to close.
        listen(popFrame, origin, close);
        dialog.appendChild(bar);
        dialog.appendChild(popFrame);
        dialog.addEventListener('keydown', function (ev) {
          if (ev.key === 'Escape' || ev.key === 'Esc') { ev.preventDefault(); close(); }
        });
        dialog.addEventListener('close', function () { btn.focus(); });
        dialog.addEventListener('click', function (ev) { if (ev.target === dialog) close(); });
        document.body.appendChild(dialog);
      }
      if (dialog.showModal) dialog.showModal();
      else dialog.setAttribute('open', '');
      var first = dialog.querySelector('button');
      if (first) first.focus();
    }
    btn.addEventListener('click', open);
  }

  var current = document.currentScript;
  if (current && current.getAttribute('data-slotd-tenant')) setup(current);
  var all = document.querySelectorAll('script[data-slotd-tenant]');
  for (var i = 0; i < all.length; i++) {
    if (/\/embed\.js(\?|#|$)/.test(all[i].src)) setup(all[i]);
  }
})();
