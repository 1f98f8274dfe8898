// report.html behaviour: search and filters over every item, cards drawn a page at a time from the compact
// data of pipeline/report/item-data.ts (strings stored once, texts as lists of sentence pieces; deflated and
// base64-encoded on a large round). Each card is addressable as report.html#item-<number>.
// All text goes into the page through textContent, never innerHTML, so comment text cannot inject markup.
(function () {
  'use strict';
  var node = document.getElementById('report-data');
  var count = document.getElementById('count');

  function start(data) {
    var PAGE = 60;
    var S = data.strings;
    // Rows back from the embedded columns, ids and numbers spelled out (item-data.ts).
    var rows = data.columns[0].map(function (_, i) {
      var r = data.columns.map(function (col) { return col[i]; });
      r[1] = String(r[1]);
      if (r[0] === null) r[0] = data.idPrefix + r[1];
      return r;
    });
    var LABELS = data.labelOrder;
    // Row fields (item-data.ts ItemRow).
    var ID = 0, NUM = 1, SEC = 2, COM = 3, RESP = 4, MARKS = 5, LAB = 6, ST = 7, THEMES = 8, DUP = 9, TPL = 10, CLU = 11, GRP = 12, MARK = 13, CAT = 14;
    var str = function (i) { return i < 0 ? null : S[i]; };
    var text = function (pieces) { var out = ''; for (var k = 0; k < pieces.length; k++) out += S[pieces[k]]; return out; };
    var labelOf = function (row, c) { var l = row[LAB][c]; return l && l[0] >= 0 ? LABELS[l[0]] : ''; };
    var norm = function (s) { return String(s).normalize('NFKC').toLowerCase(); };

    // An item's address: its number where numbers are unique, else its id.
    var seen = {};
    rows.forEach(function (r) { var n = r[NUM]; seen[n] = (seen[n] || 0) + 1; });
    var keyOf = function (r) { return seen[r[NUM]] === 1 ? r[NUM] : r[ID]; };
    var byKey = {};
    rows.forEach(function (r, i) { byKey[keyOf(r)] = i; byKey[r[ID]] = i; });

    // Search: every distinct piece normalised once; per item only the short fields (number, section, theme and
    // label names) are joined. A word is found in an item if it is in one of its pieces or its short fields.
    var normS = null, meta = null;
    function prepareSearch() {
      if (normS) return;
      normS = S.map(norm);
      meta = rows.map(function (r) {
        var parts = ['no.' + r[NUM], r[NUM], data.sections[r[SEC]] || ''];
        r[THEMES].forEach(function (t) { var id = data.themeIds[t]; parts.push(id, data.themes[id] || id); });
        r[LAB].forEach(function (l) { if (l[0] >= 0) { parts.push(LABELS[l[0]], data.labels[LABELS[l[0]]] || ''); if (l[4]) parts.push('要確認'); } });
        if (r[ST] && r[ST][0] >= 0) parts.push(S[r[ST][0]], data.stances[S[r[ST][0]]] || '');
        return norm(parts.join('\n'));
      });
    }
    // Pieces end at 。！？ or a line break, so only a word holding one of those can span two pieces.
    var SPANS = /[。！？!?\n]/;
    function matcher(w) {
      if (SPANS.test(w)) return function (r, i) { return meta[i].indexOf(w) >= 0 || norm(text(r[COM]) + '\n' + text(r[RESP])).indexOf(w) >= 0; };
      var hit = new Uint8Array(S.length);
      for (var k = 0; k < S.length; k++) if (normS[k].indexOf(w) >= 0) hit[k] = 1;
      var any = function (pieces) { for (var k = 0; k < pieces.length; k++) if (hit[pieces[k]]) return true; return false; };
      return function (r, i) { return meta[i].indexOf(w) >= 0 || any(r[COM]) || any(r[RESP]); };
    }

    var $ = function (id) { return document.getElementById(id); };
    var q = $('q'), fLabel = $('f-label'), fTheme = $('f-theme'), fSection = $('f-section'), fDis = $('f-disagree'), fReview = $('f-review');
    var list = $('items-list'), more = $('more'), all = $('all');
    var matches = [], shown = 0, only = null, words = [];

    function el(tag, cls, txt) {
      var e = document.createElement(tag);
      if (cls) e.className = cls;
      if (txt !== undefined && txt !== null) e.textContent = txt;
      return e;
    }

    // The stretches of `s` where a search word occurs, compared as the search compares (NFKC, lower case).
    function hitRanges(s) {
      if (!words.length || !s) return [];
      var normed = '', from = [], pos = 0;
      Array.from(s).forEach(function (ch) {
        var n = norm(ch);
        for (var k = 0; k < n.length; k++) from.push(pos);
        normed += n;
        pos += ch.length;
      });
      from.push(pos);
      var ranges = [];
      words.forEach(function (w) {
        for (var j = normed.indexOf(w); j >= 0 && w; j = normed.indexOf(w, j + w.length)) ranges.push([from[j], from[j + w.length]]);
      });
      ranges.sort(function (a, b) { return a[0] - b[0]; });
      return ranges;
    }

    // Text with the search words marked.
    function appendText(parent, s) {
      var at = 0;
      hitRanges(s).forEach(function (h) {
        if (h[1] <= at) return;
        var a = Math.max(at, h[0]);
        if (a > at) parent.appendChild(document.createTextNode(s.slice(at, a)));
        parent.appendChild(el('mark', 'hit', s.slice(a, h[1])));
        at = h[1];
      });
      if (at < s.length) parent.appendChild(document.createTextNode(s.slice(at)));
    }

    function card(r) {
      var a = el('article', 'item');
      var key = keyOf(r);
      a.id = 'item-' + key;
      var h = el('header');
      var num = el('a', 'num', 'No.' + r[NUM]);
      num.href = '#item-' + encodeURIComponent(key);
      num.title = 'この意見へのリンク（report.html#item-' + key + '）';
      h.appendChild(num);
      h.appendChild(el('span', 'sec', data.sections[r[SEC]] || ''));
      r[LAB].forEach(function (l, i) {
        if (l[0] < 0) return;
        var code = LABELS[l[0]];
        var b = el('span', 'badge l-' + code, data.labels[code]);
        var s = el('small', null, (data.classifiers.length > 1 ? data.classifiers[i] + ' ' : '') + l[1].toFixed(2));
        b.appendChild(s);
        b.title = data.classifiers[i] + ': ' + code + (l[2].length ? ' (also ' + l[2].map(function (x) { return LABELS[x]; }).join(', ') + ')' : '') + ', 確信度 ' + l[1];
        h.appendChild(b);
        // The classifier was not sure: the label is its best guess, to be read before it is quoted.
        if (l[4]) {
          var rv = el('span', 'badge review', '要確認');
          if (data.classifiers.length > 1) rv.appendChild(el('small', null, data.classifiers[i]));
          rv.title = data.classifiers[i] + ' は区分に確信を持てませんでした。引用前に回答を読んでください。';
          h.appendChild(rv);
        }
      });
      var st = r[ST];
      if (st && st[0] >= 0) {
        var stance = S[st[0]];
        var sc = el('span', 'chip stance s-' + stance, '立場: ' + (data.stances[stance] || stance) + ' ' + st[1].toFixed(2));
        sc.title = st[2].map(function (e) { return '「' + S[e[0]] + '」 ' + S[e[1]]; }).join(' / ');
        h.appendChild(sc);
      }
      r[THEMES].forEach(function (t) {
        var id = data.themeIds[t];
        var c = el('span', 'chip');
        var dot = el('i');
        dot.style.background = data.themeColors[id] || '#b0b4ba';
        c.appendChild(dot);
        c.appendChild(document.createTextNode(data.themes[id] || id));
        h.appendChild(c);
      });
      if (r[CAT] >= 0) h.appendChild(el('span', 'chip', '対応区分（文書） ' + S[r[CAT]]));
      if (r[TPL] >= 0) h.appendChild(el('span', 'chip', '回答テンプレート ' + S[r[TPL]]));
      if (r[GRP] >= 0) h.appendChild(el('span', 'chip', '共通回答 ' + S[r[GRP]]));
      if (r[DUP] >= 0) h.appendChild(el('span', 'chip', '重複 ' + S[r[DUP]]));
      if (r[CLU] >= 0) h.appendChild(el('span', 'chip', 'クラスタ ' + S[r[CLU]]));
      a.appendChild(h);

      var cols = el('div', 'cols');
      var left = el('div'), right = el('div');
      left.appendChild(el('h4', null, '意見の概要'));
      var cp = el('p');
      appendText(cp, text(r[COM]));
      left.appendChild(cp);
      right.appendChild(el('h4', null, '意見に対する考え方'));
      var p = el('p');
      var resp = text(r[RESP]);
      if (!resp) p.appendChild(el('span', 'noresp', '（回答なし）'));
      var at = 0;
      r[MARKS].forEach(function (m) {
        if (m[0] > at) appendText(p, resp.slice(at, m[0]));
        var code = LABELS[m[2]];
        // The primary classifier's evidence is marked; evidence only other classifiers cite is underlined.
        var e = m[4] ? el('mark', 'm-' + code) : el('span', 'u-' + code);
        appendText(e, resp.slice(m[0], m[1]));
        e.title = '根拠: ' + (data.labels[code] || code) + ' — ' + S[m[3]];
        p.appendChild(e);
        at = m[1];
      });
      if (at < resp.length) appendText(p, resp.slice(at));
      right.appendChild(p);
      cols.appendChild(left);
      cols.appendChild(right);
      a.appendChild(cols);

      var ev = el('ul', 'ev');
      r[LAB].forEach(function (l, i) {
        if (l[0] < 0) return;
        var code = LABELS[l[0]];
        var li = el('li');
        li.appendChild(el('strong', null, '根拠（' + data.classifiers[i] + ' → ' + (data.labels[code] || code) + '）: '));
        if (!l[3].length) li.appendChild(el('span', 'why', code === 'none' ? '回答欄が空' : '根拠となる箇所なし'));
        l[3].forEach(function (e, k) {
          if (k) li.appendChild(document.createTextNode(' / '));
          if (e[7] >= 0) li.appendChild(el('span', 'why', 'No.' + S[e[7]] + ' の回答: '));
          // The quoted span in bold inside the phrase around it (item-data.ts: offsets into the response).
          var found = e[0] >= 0;
          li.appendChild(document.createTextNode('「' + (found ? (e[4] & 1 ? '…' : '') + resp.slice(e[0], e[1]) : '')));
          li.appendChild(el('b', null, found ? resp.slice(e[1], e[2]) : S[e[1]]));
          li.appendChild(document.createTextNode((found ? resp.slice(e[2], e[3]) + (e[4] & 2 ? '…' : '') : '') + '」'));
          li.appendChild(el('span', 'why', ' ' + S[e[5]]));
        });
        ev.appendChild(li);
      });
      if (st && st[0] >= 0 && st[2].length) {
        var sl = el('li');
        sl.appendChild(el('strong', null, '立場の根拠（' + (data.stances[S[st[0]]] || S[st[0]]) + '）: '));
        st[2].forEach(function (e, k) {
          if (k) sl.appendChild(document.createTextNode(' / '));
          sl.appendChild(document.createTextNode('「' + S[e[0]] + '」'));
          sl.appendChild(el('span', 'why', ' ' + S[e[1]]));
        });
        ev.appendChild(sl);
      }
      a.appendChild(ev);
      return a;
    }

    function filters() {
      var needle = norm(q.value.trim());
      words = needle ? needle.split(/\s+/) : [];
      var tests = [];
      if (words.length) {
        prepareSearch();
        words.forEach(function (w) { tests.push(matcher(w)); });
      }
      var label = fLabel.value, theme = fTheme.value, section = fSection.value;
      var themeIndex = theme && theme !== '(テーマなし)' ? data.themeIds.indexOf(theme) : -1;
      if (label) tests.push(function (r) { return labelOf(r, 0) === label; });
      if (theme) tests.push(theme === '(テーマなし)' ? function (r) { return !r[THEMES].length; } : function (r) { return r[THEMES].indexOf(themeIndex) >= 0; });
      if (section !== '') tests.push(function (r) { return String(r[SEC]) === section; });
      if (fDis && fDis.checked) {
        tests.push(function (r) {
          var first = labelOf(r, 0);
          return r[LAB].some(function (l, i) { return l[0] >= 0 && labelOf(r, i) !== first; });
        });
      }
      if (fReview && fReview.checked) tests.push(function (r) { return !!(r[LAB][0] && r[LAB][0][4]); });
      return tests;
    }

    function showMore(n) {
      var frag = document.createDocumentFragment();
      var end = Math.min(matches.length, shown + n);
      for (; shown < end; shown++) frag.appendChild(card(rows[matches[shown]]));
      list.appendChild(frag);
      var rest = matches.length - shown;
      more.hidden = rest <= 0;
      more.textContent = 'さらに表示（残り ' + rest + ' 件）';
      if (all) {
        all.hidden = rest <= 0;
        all.textContent = 'すべて表示（' + matches.length + ' 件）';
      }
    }

    // Every matching card, drawn in chunks so a large round keeps the page responsive while it grows.
    function showAll() {
      showMore(500);
      if (shown < matches.length) setTimeout(showAll, 0);
    }

    function apply() {
      matches = [];
      if (only !== null) matches = only.slice();
      else {
        var tests = filters();
        for (var i = 0; i < rows.length; i++) {
          var ok = true;
          for (var k = 0; k < tests.length && ok; k++) ok = tests[k](rows[i], i);
          if (ok) matches.push(i);
        }
      }
      list.textContent = '';
      shown = 0;
      count.textContent = rows.length + ' 件中 ' + matches.length + ' 件を表示';
      showMore(PAGE);
    }

    var timer = null;
    function showOnly(indexes, note) {
      // A search still waiting to run would redraw the list over the selection.
      clearTimeout(timer);
      only = indexes;
      apply();
      count.textContent = note + '（クリアで全件に戻る）';
      var c = list.firstChild;
      if (c) { c.classList.add('flash'); c.scrollIntoView({ behavior: 'smooth', block: 'center' }); }
    }

    // report.html#item-12: the card of No.12, scrolled to (and shown alone when the list does not hold it).
    function openHash() {
      if (typeof location === 'undefined' || location.hash.indexOf('#item-') !== 0) return;
      var key = decodeURIComponent(location.hash.slice(6));
      var i = byKey[key];
      if (i === undefined) return;
      var shownCard = document.getElementById('item-' + keyOf(rows[i]));
      if (shownCard) { shownCard.classList.add('flash'); shownCard.scrollIntoView({ block: 'start' }); return; }
      showOnly([i], 'No.' + rows[i][NUM] + ' を表示');
    }

    q.addEventListener('input', function () { only = null; clearTimeout(timer); timer = setTimeout(apply, 120); });
    [fLabel, fTheme, fSection, fDis, fReview].forEach(function (c) { if (c) c.addEventListener('change', function () { only = null; apply(); }); });
    more.addEventListener('click', function () { showMore(PAGE); });
    if (all) all.addEventListener('click', showAll);
    $('reset').addEventListener('click', function () {
      only = null; q.value = ''; fLabel.value = ''; fTheme.value = ''; fSection.value = '';
      if (fDis) fDis.checked = false;
      if (fReview) fReview.checked = false;
      apply();
    });
    // A click on a dot of the comment map shows that comment alone in the list; on an aggregated mark, the
    // comments it stands for.
    document.addEventListener('click', function (ev) {
      var t = ev.target;
      if (!t || !t.getAttribute) return;
      var id = t.getAttribute('data-id'), mark = t.getAttribute('data-mark');
      if (id && byKey[id] !== undefined) showOnly([byKey[id]], '地図で選んだ意見を表示');
      else if (mark !== null && mark !== undefined && mark !== '') {
        var m = Number(mark), members = [];
        rows.forEach(function (r, i) { if (r[MARK] === m) members.push(i); });
        showOnly(members, '地図で選んだ ' + members.length + ' 件を表示');
      }
    });
    if (typeof window !== 'undefined' && window.addEventListener) window.addEventListener('hashchange', openHash);
    apply();
    openHash();
  }

  if (node.getAttribute('data-encoding') !== 'deflate-raw+base64') {
    start(JSON.parse(node.textContent));
    return;
  }
  // A large round: the data is deflated; the browser inflates it (DecompressionStream, in every current browser).
  if (typeof DecompressionStream === 'undefined') {
    count.textContent = 'このブラウザは埋め込みデータを展開できません（DecompressionStream 非対応）。全件は items.csv にあります。';
    return;
  }
  count.textContent = '意見データを展開しています…';
  var bin = atob(node.textContent.trim());
  var bytes = new Uint8Array(bin.length);
  for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate-raw')))
    .text()
    .then(function (t) { start(JSON.parse(t)); })
    .catch(function (e) { count.textContent = '埋め込みデータを展開できませんでした: ' + e; });
})();
