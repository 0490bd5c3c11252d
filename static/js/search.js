// The reader's side of the search index that the build writes to search/
// (its format is described in generator/search/index.go). A query is folded,
// stripped of stop words and stemmed as the build did the articles, so the
// same rules live here and in package search; a test runs both on one word
// list. Only the shards a query needs are fetched, from the page's own host.
(function () {
  'use strict';

  // ---- Text: the same as generator/search (text.go, stop.go, tala.go).

  var maxWord = 40;
  var encoder = new TextEncoder();

  var plainLower = /^[a-z0-9 ]*$/;

  function fold(s) {
    if (plainLower.test(s)) return s;
    return s.normalize('NFD').replace(/\p{Mn}/gu, '').toLowerCase();
  }

  // words returns the folded words of s: runs of letters and digits of
  // two to maxWord bytes.
  function words(s) {
    var out = [];
    var m = fold(s).match(/[\p{L}\p{Nd}]+/gu) || [];
    for (var i = 0; i < m.length; i++) {
      var n = encoder.encode(m[i]).length;
      if (n >= 2 && n <= maxWord) out.push(m[i]);
    }
    return out;
  }

  var stopWords = new Set((
    'ada adalah agar akan aku anda antara apa atau bagi bahwa baik banyak belum bisa ' +
    'dalam dan dapat dari dengan di dia hal hanya harus hingga ia ialah ini itu jika ' +
    'juga kami kamu karena ke kita lagi lain lalu masih mereka namun oleh pada para ' +
    'saat saja sampai sangat satu secara sebagai sedang sejak sekitar selain seperti ' +
    'serta setelah sudah tak tanpa telah tentang tersebut tetapi tidak untuk yaitu ' +
    'yakni yang ' +
    'a an and are as at be been but by for from had has have he her his if in into ' +
    'is it its not of on or our she that the their them there they this to was we ' +
    'were which who will with you').split(' '));

  var asciiLetters = /^[a-z]+$/;

  function isVowel(c) { return c === 'a' || c === 'e' || c === 'i' || c === 'o' || c === 'u'; }

  // stemIndonesian follows Tala's rules as StemIndonesian in tala.go does.
  function stemIndonesian(w) {
    if (!asciiLetters.test(w)) return w;
    var syl = 0, flags = 0;
    for (var i = 0; i < w.length; i++) if (isVowel(w[i])) syl++;
    var DI = 1, MENG = 2, TER = 4, KE = 8, PENG = 16, BER = 32, PE = 64;
    function has(p) { return w.startsWith(p); }
    function ends(s) { return w.endsWith(s); }
    function cutEnd(n) { w = w.slice(0, w.length - n); syl--; }
    function cutStart(n, flag) { w = w.slice(n); syl--; flags |= flag; }
    function vowelAt(k) { return w.length > k && isVowel(w[k]); }
    function first() {
      if (has('meng')) cutStart(4, MENG);
      else if (has('meny') && vowelAt(4)) { w = 'mens' + w.slice(4); cutStart(3, MENG); }
      else if (has('men') || has('mem')) cutStart(3, MENG);
      else if (has('me')) cutStart(2, MENG);
      else if (has('peng')) cutStart(4, PENG);
      else if (has('peny') && vowelAt(4)) { w = 'pens' + w.slice(4); cutStart(3, PENG); }
      else if (has('peny')) cutStart(4, PENG);
      else if (has('pen') && vowelAt(3)) { w = 'pet' + w.slice(3); cutStart(2, PENG); }
      else if (has('pen') || has('pem')) cutStart(3, PENG);
      else if (has('di')) cutStart(2, DI);
      else if (has('ter')) cutStart(3, TER);
      else if (has('ke')) cutStart(2, KE);
    }
    function second() {
      if (has('ber')) cutStart(3, BER);
      else if (w.length === 7 && has('belajar')) cutStart(3, BER);
      else if (has('be') && w.length > 4 && !isVowel(w[2]) && w[3] === 'e' && w[4] === 'r') cutStart(2, BER);
      else if (has('per')) cutStart(3, 0);
      else if (w.length === 7 && has('pelajar')) cutStart(3, 0);
      else if (has('pe')) cutStart(2, PE);
    }
    function suffix() {
      if (ends('kan') && !(flags & (KE | PENG | PE))) cutEnd(3);
      else if (ends('an') && !(flags & (DI | MENG | TER))) cutEnd(2);
      else if (ends('i') && !ends('si') && !(flags & (BER | KE | PENG))) cutEnd(1);
    }
    if (syl > 2 && (ends('kah') || ends('lah') || ends('pun'))) cutEnd(3);
    if (syl > 2) {
      if (ends('ku') || ends('mu')) cutEnd(2);
      else if (ends('nya')) cutEnd(3);
    }
    if (syl > 2) {
      var before = w.length;
      first();
      if (w.length !== before) {
        before = w.length;
        if (syl > 2) suffix();
        if (w.length !== before && syl > 2) second();
      } else {
        second();
        if (syl > 2) suffix();
      }
    }
    return w;
  }

  var porter2 = typeof self === 'object' && self.kabarPorter2 ? self.kabarPorter2 : null;

  function stemEnglish(w) {
    if (!asciiLetters.test(w)) return w;
    if (!porter2 && typeof require === 'function') porter2 = require('./porter2.js');
    return porter2.stem(w);
  }

  // ---- The index.

  var form = typeof document === 'object' && document.getElementById('search-form');
  if (!form) {
    if (typeof module === 'object') {
      module.exports = { fold: fold, words: words, stopWords: stopWords, stemIndonesian: stemIndonesian, stemEnglish: stemEnglish };
    }
    return;
  }

  var base = form.dataset.base;
  var dir = form.dataset.index.replace(/[^/]*$/, '');
  var files = new Map(); // url -> promise of bytes, fetched once per page
  var shards = new Map(); // file -> promise of Map(term -> postings block)
  var chunks = new Map(); // file -> promise of rows
  var manifest = null;

  function fetchBytes(url, fresh) {
    if (!files.has(url)) {
      files.set(url, fetch(url, fresh ? { cache: 'no-cache' } : {}).then(function (r) {
        if (!r.ok) throw new Error(url + ': ' + r.status);
        return new Response(r.body.pipeThrough(new DecompressionStream('gzip'))).arrayBuffer();
      }).then(function (b) { return new Uint8Array(b); }));
    }
    return files.get(url);
  }

  function loadManifest() {
    if (!manifest) {
      manifest = fetchBytes(form.dataset.index, true).then(function (b) {
        return JSON.parse(new TextDecoder().decode(b));
      });
    }
    return manifest;
  }

  function uvarint(b, pos) {
    var x = 0, shift = 0, c;
    do {
      c = b[pos.i++];
      x += (c & 0x7f) * Math.pow(2, shift);
      shift += 7;
    } while (c & 0x80);
    return x;
  }

  var decoder = new TextDecoder();

  // loadShard maps each term of a shard to where its postings start.
  function loadShard(file) {
    if (!shards.has(file)) {
      shards.set(file, fetchBytes(dir + file).then(function (b) {
        var terms = new Map(), pos = { i: 0 }, prev = new Uint8Array(0);
        while (pos.i < b.length) {
          var shared = uvarint(b, pos), n = uvarint(b, pos);
          var t = new Uint8Array(shared + n);
          t.set(prev.subarray(0, shared));
          t.set(b.subarray(pos.i, pos.i + n), shared);
          pos.i += n;
          prev = t;
          var start = pos.i;
          skipPostings(b, pos);
          terms.set(decoder.decode(t), b.subarray(start, pos.i));
        }
        return terms;
      }));
    }
    return shards.get(file);
  }

  function skipPostings(b, pos) {
    if (b[pos.i++] === 0) {
      var n = uvarint(b, pos);
      for (var k = 0; k < n; k++) uvarint(b, pos);
    } else {
      uvarint(b, pos);
      var size = uvarint(b, pos);
      pos.i += size;
    }
  }

  function postings(block) {
    var pos = { i: 1 }, out = [];
    if (block[0] === 0) {
      var n = uvarint(block, pos), id = 0;
      for (var k = 0; k < n; k++) { id += uvarint(block, pos); out.push(id); }
    } else {
      var first = uvarint(block, pos) * 8, size = uvarint(block, pos);
      for (var j = 0; j < size; j++) {
        var byte = block[pos.i + j];
        for (var bit = 0; byte; bit++, byte >>= 1) if (byte & 1) out.push(first + j * 8 + bit);
      }
    }
    return out;
  }

  // shardsFor returns the shards that may hold terms from lo to hi.
  function shardsFor(m, lo, hi) {
    var t = m.t, a = 0, b = t.length - 1;
    while (a < b) { // the last shard whose first term is <= lo
      var mid = (a + b + 1) >> 1;
      if (t[mid][0] <= lo) a = mid; else b = mid - 1;
    }
    var out = [];
    for (var k = a; k < t.length && (k === a || t[k][0] <= hi) && out.length < 4; k++) out.push(t[k][1]);
    return out;
  }

  function union(lists) {
    var set = new Set();
    lists.forEach(function (l) { l.forEach(function (x) { set.add(x); }); });
    return Array.from(set).sort(function (x, y) { return x - y; });
  }

  function intersect(a, b) {
    var out = [], i = 0, j = 0;
    while (i < a.length && j < b.length) {
      if (a[i] < b[j]) i++;
      else if (a[i] > b[j]) j++;
      else { out.push(a[i]); i++; j++; }
    }
    return out;
  }

  // A term is what the words of a query must match: one of its stems, or
  // any word it begins (the last word, as it is being typed).
  function parse(q) {
    var ws = words(q).filter(function (w) { return !stopWords.has(w); });
    var open = ws.length > 0 && /[\p{L}\p{Nd}]$/u.test(q);
    return ws.map(function (w, i) {
      var stems = Array.from(new Set([w, stemIndonesian(w), stemEnglish(w)]));
      // A word being typed matches the terms that begin with it or with
      // its stem: "pemerint" reaches "erintah" through its prefix pem-.
      return { stems: stems, prefixes: open && i === ws.length - 1 ? stems : [] };
    });
  }

  function begins(t, prefixes) {
    return prefixes.some(function (p) { return t.startsWith(p); });
  }

  function termPostings(m, word) {
    var files = new Set();
    word.stems.forEach(function (s) {
      var hi = word.prefixes.indexOf(s) >= 0 ? s + '\uffff' : s;
      shardsFor(m, s, hi).forEach(function (f) { files.add(f); });
    });
    return Promise.all(Array.from(files).map(loadShard)).then(function (maps) {
      var lists = [];
      maps.forEach(function (terms) {
        word.stems.forEach(function (s) { if (terms.has(s)) lists.push(postings(terms.get(s))); });
        if (word.prefixes.length) {
          terms.forEach(function (block, t) {
            if (t.indexOf(':') < 0 && word.stems.indexOf(t) < 0 && begins(t, word.prefixes)) lists.push(postings(block));
          });
        }
      });
      return union(lists);
    });
  }

  var facetPrefix = { section: 's:', source: 'o:', tag: 't:' };

  function dayNumber(s) { return s ? Number(s.replace(/-/g, '')) : 0; }

  // run finds the articles a query matches, newest first.
  function run(state) {
    return loadManifest().then(function (m) {
      var parts = state.words.map(function (w) { return termPostings(m, w); });
      Object.keys(facetPrefix).forEach(function (k) {
        if (state[k]) parts.push(termPostings(m, { stems: [facetPrefix[k] + state[k]], prefixes: [] }));
      });
      if (!parts.length) return { m: m, ids: [] };
      return Promise.all(parts).then(function (lists) {
        var ids = lists.reduce(intersect);
        var from = dayNumber(state.from), to = dayNumber(state.to);
        if (from || to) {
          ids = ids.filter(function (id) {
            var c = m.m[Math.floor(id / m.per)];
            return (!from || c[2] >= from) && (!to || c[1] <= to);
          });
        }
        return { m: m, ids: ids.reverse(), from: from, to: to };
      });
    });
  }

  function chunk(m, id) {
    var file = m.m[Math.floor(id / m.per)][0];
    if (!chunks.has(file)) {
      chunks.set(file, fetchBytes(dir + file).then(function (b) { return JSON.parse(decoder.decode(b)); }));
    }
    return chunks.get(file).then(function (rows) { return rows[id % m.per]; });
  }

  // ---- The page.

  var input = document.getElementById('search-q');
  var status = document.getElementById('search-status');
  var list = document.getElementById('search-results');
  var more = document.getElementById('search-more');
  var filters = document.getElementById('search-filters');
  var fields = ['q', 'section', 'source', 'tag', 'from', 'to'];
  var pageSize = 20;
  var current = null; // the shown search: its state, matches and how many are shown
  var generation = 0;
  var dateFormat = new Intl.DateTimeFormat(document.documentElement.lang || undefined, { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });

  function readForm() {
    var state = {};
    fields.forEach(function (f) { state[f] = form.elements[f].value.trim(); });
    state.words = parse(form.elements.q.value);
    return state;
  }

  function query(state) {
    var p = new URLSearchParams();
    fields.forEach(function (f) { if (state[f]) p.set(f, state[f]); });
    var s = p.toString();
    return location.pathname + (s ? '?' + s : '');
  }

  // stemsOf is a shown word's forms a query may match, remembered: the
  // same words come back in result after result.
  var known = new Map();
  function stemsOf(word) {
    var s = known.get(word);
    if (!s) {
      var w = fold(word);
      s = [w, stemIndonesian(w), stemEnglish(w)];
      if (known.size > 50000) known.clear();
      known.set(word, s);
    }
    return s;
  }

  // matches says whether a shown word is one the query asks for.
  function matches(word, ws) {
    var stems = stemsOf(word);
    return ws.some(function (q) {
      return stems.some(function (s) { return q.stems.indexOf(s) >= 0 || begins(s, q.prefixes); });
    });
  }

  // found says whether text holds a word the query asks for.
  function found(text, ws) {
    return (text.match(/[\p{L}\p{Nd}]+/gu) || []).some(function (w) { return matches(w, ws); });
  }

  // sentenceWith is the first sentence of an excerpt that holds a word
  // the query asks for, or "".
  function sentenceWith(excerpt, ws) {
    var list = excerpt.split(/(?<=[.!?])\s+/);
    for (var i = 0; i < list.length; i++) {
      if (found(list[i], ws)) return list[i];
    }
    return '';
  }

  // marked appends text to el, the words that match the query in <mark>.
  function marked(el, text, ws) {
    var re = /[\p{L}\p{Nd}]+/gu, last = 0, m;
    while ((m = re.exec(text))) {
      if (!matches(m[0], ws)) continue;
      el.appendChild(document.createTextNode(text.slice(last, m.index)));
      var mark = document.createElement('mark');
      mark.textContent = m[0];
      el.appendChild(mark);
      last = m.index + m[0].length;
    }
    el.appendChild(document.createTextNode(text.slice(last)));
  }

  function item(row, ws) {
    var li = document.createElement('li');
    var h = document.createElement('h2');
    var a = document.createElement('a');
    a.href = base + row[0].replace(/^\//, '');
    marked(a, row[1], ws);
    h.appendChild(a);
    li.appendChild(h);
    var meta = document.createElement('p');
    meta.className = 'meta';
    var time = document.createElement('time');
    time.dateTime = row[2];
    time.textContent = dateFormat.format(new Date(row[2] + 'T00:00:00Z'));
    meta.appendChild(time);
    [row[3], row[4]].forEach(function (s) {
      if (s) meta.appendChild(document.createTextNode(' · ' + s));
    });
    li.appendChild(meta);
    // The summary, or, when the words were found in the body only, the
    // sentence of the body they are in.
    var snippet = row[5];
    if (row[6] && !found(snippet, ws)) snippet = sentenceWith(row[6], ws) || snippet;
    if (snippet) {
      var p = document.createElement('p');
      p.className = 'snippet';
      marked(p, snippet, ws);
      li.appendChild(p);
    }
    return li;
  }

  // show adds the next page of results, skipping those a date filter
  // leaves out once their day is known.
  function show(gen) {
    var c = current, want = pageSize, rows = [];
    function next() {
      if (gen !== generation) return null;
      if (rows.length >= want || c.next >= c.ids.length) return rows;
      var id = c.ids[c.next++];
      return chunk(c.m, id).then(function (row) {
        var day = dayNumber(row[2]);
        if ((!c.from || day >= c.from) && (!c.to || day <= c.to)) rows.push(row);
        else c.skipped++;
        return next();
      });
    }
    // The page's chunks are fetched at once, not one after another.
    c.ids.slice(c.next, c.next + want).forEach(function (id) { chunk(c.m, id); });
    return Promise.resolve(next()).then(function (rows) {
      if (!rows || gen !== generation) return;
      var frag = document.createDocumentFragment();
      rows.forEach(function (row) { frag.appendChild(item(row, c.state.words)); });
      list.appendChild(frag);
      more.hidden = c.next >= c.ids.length;
      var total = c.ids.length - c.skipped;
      status.textContent = total > 0 ? form.dataset.found.replace('{n}', total.toLocaleString(document.documentElement.lang || undefined)) : form.dataset.none;
      form.dispatchEvent(new CustomEvent('kabar:results', { detail: { count: total } }));
    });
  }

  function search(push) {
    var state = readForm();
    var gen = ++generation;
    var url = query(state);
    if (url !== location.pathname + location.search) history[push ? 'pushState' : 'replaceState'](null, '', url);
    if (!state.words.length && !state.section && !state.source && !state.tag) {
      list.textContent = '';
      status.textContent = '';
      more.hidden = true;
      return Promise.resolve();
    }
    return run(state).then(function (r) {
      if (gen !== generation) return;
      current = { state: state, m: r.m, ids: r.ids, from: r.from, to: r.to, next: 0, skipped: 0 };
      list.textContent = '';
      return show(gen);
    }).catch(function (err) {
      if (gen !== generation) return;
      status.textContent = form.dataset.failed;
      if (typeof console === 'object') console.error(err);
    });
  }

  function fill() {
    var p = new URLSearchParams(location.search);
    fields.forEach(function (f) { form.elements[f].value = p.get(f) || ''; });
    // A filter in the URL is shown: the disclosure that holds it opens.
    if (fields.some(function (f) { return f !== 'q' && p.get(f); })) filters.open = true;
  }

  // A keystroke searches at once when no search is running; the
  // keystrokes typed while one runs are gathered into one search, run as
  // soon as it ends. So typing never queues more than one search, and no
  // timer stands between the last keystroke and its results.
  var running = false, again = false;
  function typed() {
    if (running) { again = true; return; }
    running = true;
    search(false).then(function () {
      running = false;
      if (again) { again = false; typed(); }
    });
  }
  input.addEventListener('input', typed);
  form.addEventListener('change', function (e) { if (e.target !== input) search(true); });
  form.addEventListener('submit', function (e) { e.preventDefault(); search(true); });
  more.addEventListener('click', function () {
    var first = list.children.length;
    show(generation).then(function () {
      var a = list.children[first] && list.children[first].querySelector('a');
      if (a) a.focus();
    });
  });
  window.addEventListener('popstate', function () { fill(); search(false); });

  // Arrow keys move between the query and the results.
  document.addEventListener('keydown', function (e) {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    var links = Array.prototype.map.call(list.querySelectorAll('li h2 a'), function (a) { return a; });
    var at = links.indexOf(document.activeElement);
    if (document.activeElement === input && e.key === 'ArrowDown' && links.length) {
      links[0].focus();
    } else if (at >= 0) {
      if (e.key === 'ArrowDown' && at + 1 < links.length) links[at + 1].focus();
      else if (e.key === 'ArrowUp') (at > 0 ? links[at - 1] : input).focus();
      else return;
    } else {
      return;
    }
    e.preventDefault();
  });

  fill();
  search(false);
})();
