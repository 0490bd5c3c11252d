// Live reload for the preview server: reloads the page after a rebuild,
// swaps stylesheets when only they changed, and shows build errors over
// the page. The server adds this script to pages as it serves them.
(function () {
  "use strict";
  var me = document.currentScript;
  var generation = me.getAttribute("data-generation");
  var url = me.getAttribute("data-events");
  var overlay = null;

  function hideErrors() {
    if (overlay) {
      overlay.remove();
      overlay = null;
    }
  }

  function showErrors(errors) {
    hideErrors();
    if (!errors || errors.length === 0) {
      return;
    }
    overlay = document.createElement("div");
    overlay.id = "digest-build-errors";
    overlay.setAttribute("role", "alert");
    overlay.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;margin:0;padding:2rem;" +
      "background:rgba(20,20,20,.93);color:#f5f5f5;font:15px/1.5 ui-monospace,Menlo,Consolas,monospace";
    var h = document.createElement("h2");
    h.textContent = "The build failed";
    h.style.cssText = "margin:0 0 1rem;color:#ff8a80;font-size:1.3rem";
    overlay.appendChild(h);
    errors.forEach(function (e) {
      var p = document.createElement("p");
      p.className = "digest-error";
      p.style.cssText = "margin:0 0 1rem;white-space:pre-wrap";
      if (e.file) {
        var where = document.createElement("strong");
        where.className = "digest-error-file";
        where.textContent = e.file + (e.line ? ":" + e.line + (e.column ? ":" + e.column : "") : "");
        where.style.color = "#ffd180";
        p.appendChild(where);
        p.appendChild(document.createTextNode("\n"));
      }
      var msg = document.createElement("span");
      msg.className = "digest-error-message";
      msg.textContent = e.message;
      p.appendChild(msg);
      if (e.fix) {
        var fix = document.createElement("span");
        fix.className = "digest-error-fix";
        fix.textContent = "\n" + e.fix;
        fix.style.color = "#b9f6ca";
        p.appendChild(fix);
      }
      overlay.appendChild(p);
    });
    var note = document.createElement("p");
    note.textContent = "Fix the file and save: this page updates by itself.";
    note.style.color = "#bdbdbd";
    overlay.appendChild(note);
    document.documentElement.appendChild(overlay);
  }

  // swapStyles loads each stylesheet again under a new URL and drops the
  // old one once the new one is in, so the page does not flash.
  function swapStyles(gen) {
    var links = document.querySelectorAll('link[rel="stylesheet"]');
    Array.prototype.forEach.call(links, function (old) {
      var href = old.getAttribute("href");
      if (!href) {
        return;
      }
      var u = new URL(href, location.href);
      u.searchParams.set("v", gen);
      var next = old.cloneNode();
      next.href = u.toString();
      next.addEventListener("load", function () { old.remove(); });
      next.addEventListener("error", function () { old.remove(); });
      old.after(next);
    });
  }

  function connect() {
    var es = new EventSource(url);
    es.addEventListener("hello", function (e) {
      var d = JSON.parse(e.data);
      if (d.generation !== generation) {
        location.reload(); // the site changed while we were away
        return;
      }
      showErrors(d.errors);
    });
    es.addEventListener("reload", function () {
      location.reload();
    });
    es.addEventListener("css", function (e) {
      var d = JSON.parse(e.data);
      generation = d.generation;
      hideErrors();
      swapStyles(d.generation);
    });
    es.addEventListener("ok", function () {
      hideErrors();
    });
    es.addEventListener("failed", function (e) {
      showErrors(JSON.parse(e.data).errors);
    });
    es.onerror = function () {
      // The browser retries by itself unless the server refused us;
      // then try again a little later.
      if (es.readyState === EventSource.CLOSED) {
        es.close();
        setTimeout(connect, 1000);
      }
    };
  }
  connect();
})();
