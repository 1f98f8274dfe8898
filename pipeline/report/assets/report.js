// report.html behaviour: search and filters over every item, cards drawn a page at a time.
// All text goes into the page through textContent, never innerHTML, so comment text cannot inject markup.
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var PAGE = 60;
  var items = data.items;
  var norm = function (s) { return String(s).normalize('NFKC').toLowerCase(); };
  // One search string per item: number, section, comment, response, theme names and label names.
  var hay = items.map(function (it) {
    var parts = ['no.' + it.n, it.n, data.sections[it.s] || '', it.c, it.r.map(function (s) { return s[0]; }).join('')];
    it.t.forEach(function (t) { parts.push(t, data.themes[t] || t); });
    it.l.forEach(function (l) { parts.push(l[0], data.labels[l[0]] || ''); if (l[4]) parts.push('要確認'); });
    if (it.st && it.st[0]) parts.push(it.st[0], data.stances[it.st[0]] || '');
    return norm(parts.join('\n'));
  });

  var $ = function (id) { return document.getElementById(id); };
  var q = $('q'), fLabel = $('f-label'), fTheme = $('f-theme'), fSection = $('f-section'), fDis = $('f-disagree'), fReview = $('f-review');
  var list = $('items-list'), more = $('more'), count = $('count');
  var matches = [], shown = 0, only = null;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }

  function card(it) {
    var a = el('article', 'item');
    a.id = 'item-' + it.id;
    var h = el('header');
    h.appendChild(el('span', 'num', 'No.' + it.n));
    h.appendChild(el('span', 'sec', data.sections[it.s] || ''));
    it.l.forEach(function (l, i) {
      if (!l[0]) return;
      var b = el('span', 'badge l-' + l[0], data.labels[l[0]]);
      var s = el('small', null, (data.classifiers.length > 1 ? data.classifiers[i] + ' ' : '') + l[1].toFixed(2));
      b.appendChild(s);
      b.title = data.classifiers[i] + ': ' + l[0] + (l[2].length ? ' (also ' + l[2].join(', ') + ')' : '') + ', 確信度 ' + l[1];
      h.appendChild(b);
      // The classifier was not sure: the label is its best guess, to be read before it is quoted.
      if (l[4]) {
        var rv = el('span', 'badge review', '要確認');
        if (data.classifiers.length > 1) rv.appendChild(el('small', null, data.classifiers[i]));
        rv.title = data.classifiers[i] + ' は区分に確信を持てませんでした。引用前に回答を読んでください。';
        h.appendChild(rv);
      }
    });
    if (it.st && it.st[0]) {
      var sc = el('span', 'chip stance s-' + it.st[0], '立場: ' + (data.stances[it.st[0]] || it.st[0]) + ' ' + it.st[1].toFixed(2));
      sc.title = it.st[2].map(function (e) { return '「' + e[0] + '」 ' + e[1]; }).join(' / ');
      h.appendChild(sc);
    }
    it.t.forEach(function (t) {
      var c = el('span', 'chip');
      var dot = el('i');
      dot.style.background = data.themeColors[t] || '#b0b4ba';
      c.appendChild(dot);
      c.appendChild(document.createTextNode(data.themes[t] || t));
      h.appendChild(c);
    });
    if (it.p) h.appendChild(el('span', 'chip', '回答テンプレート ' + it.p));
    if (it.g) h.appendChild(el('span', 'chip', '共通回答 ' + it.g));
    if (it.d) h.appendChild(el('span', 'chip', '重複 ' + it.d));
    if (it.k) h.appendChild(el('span', 'chip', 'クラスタ ' + it.k));
    a.appendChild(h);

    var cols = el('div', 'cols');
    var left = el('div'), right = el('div');
    left.appendChild(el('h4', null, '意見の概要'));
    left.appendChild(el('p', null, it.c));
    right.appendChild(el('h4', null, '意見に対する考え方'));
    var p = el('p');
    if (!it.r.length) p.appendChild(el('span', 'noresp', '（回答なし）'));
    it.r.forEach(function (s) {
      if (s.length === 1) { p.appendChild(document.createTextNode(s[0])); return; }
      // The primary classifier's evidence is marked; evidence only other classifiers cite is underlined.
      var m = s[3] ? el('mark', 'm-' + s[1], s[0]) : el('span', 'u-' + s[1], s[0]);
      m.title = '根拠: ' + (data.labels[s[1]] || s[1]) + ' — ' + s[2];
      p.appendChild(m);
    });
    right.appendChild(p);
    cols.appendChild(left);
    cols.appendChild(right);
    a.appendChild(cols);

    var ev = el('ul', 'ev');
    it.l.forEach(function (l, i) {
      if (!l[0]) return;
      var li = el('li');
      li.appendChild(el('strong', null, '根拠（' + data.classifiers[i] + ' → ' + (data.labels[l[0]] || l[0]) + '）: '));
      if (!l[3].length) li.appendChild(el('span', 'why', l[0] === 'none' ? '回答欄が空' : '根拠となる箇所なし'));
      l[3].forEach(function (e, k) {
        if (k) li.appendChild(document.createTextNode(' / '));
        if (e[3]) li.appendChild(el('span', 'why', 'No.' + e[3] + ' の回答: '));
        li.appendChild(document.createTextNode('「' + e[0] + '」'));
        li.appendChild(el('span', 'why', ' ' + e[1]));
      });
      ev.appendChild(li);
    });
    if (it.st && it.st[0] && it.st[2].length) {
      var sl = el('li');
      sl.appendChild(el('strong', null, '立場の根拠（' + (data.stances[it.st[0]] || it.st[0]) + '）: '));
      it.st[2].forEach(function (e, k) {
        if (k) sl.appendChild(document.createTextNode(' / '));
        sl.appendChild(document.createTextNode('「' + e[0] + '」'));
        sl.appendChild(el('span', 'why', ' ' + e[1]));
      });
      ev.appendChild(sl);
    }
    a.appendChild(ev);
    return a;
  }

  function keep(it, i) {
    if (only !== null) return it.id === only;
    var needle = norm(q.value.trim());
    if (needle && needle.split(/\s+/).some(function (w) { return hay[i].indexOf(w) < 0; })) return false;
    if (fLabel.value && (!it.l[0] || it.l[0][0] !== fLabel.value)) return false;
    if (fTheme.value) {
      if (fTheme.value === '(テーマなし)' ? it.t.length > 0 : it.t.indexOf(fTheme.value) < 0) return false;
    }
    if (fSection.value !== '' && String(it.s) !== fSection.value) return false;
    if (fDis && fDis.checked) {
      var first = it.l[0] && it.l[0][0];
      if (!it.l.some(function (l) { return l[0] && l[0] !== first; })) return false;
    }
    if (fReview && fReview.checked && !(it.l[0] && it.l[0][4])) return false;
    return true;
  }

  function showMore() {
    var frag = document.createDocumentFragment();
    var end = Math.min(matches.length, shown + PAGE);
    for (; shown < end; shown++) frag.appendChild(card(items[matches[shown]]));
    list.appendChild(frag);
    var rest = matches.length - shown;
    more.hidden = rest <= 0;
    more.textContent = 'さらに表示（残り ' + rest + ' 件）';
  }

  function apply() {
    matches = [];
    for (var i = 0; i < items.length; i++) if (keep(items[i], i)) matches.push(i);
    list.textContent = '';
    shown = 0;
    count.textContent = items.length + ' 件中 ' + matches.length + ' 件を表示';
    showMore();
  }

  var timer = null;
  q.addEventListener('input', function () { only = null; clearTimeout(timer); timer = setTimeout(apply, 120); });
  [fLabel, fTheme, fSection, fDis, fReview].forEach(function (c) { if (c) c.addEventListener('change', function () { only = null; apply(); }); });
  more.addEventListener('click', showMore);
  $('reset').addEventListener('click', function () {
    only = null; q.value = ''; fLabel.value = ''; fTheme.value = ''; fSection.value = '';
    if (fDis) fDis.checked = false;
    if (fReview) fReview.checked = false;
    apply();
  });
  // A click on a dot of the comment map shows that comment alone in the list.
  document.addEventListener('click', function (ev) {
    var t = ev.target;
    if (!t || !t.getAttribute || !t.getAttribute('data-id')) return;
    only = t.getAttribute('data-id');
    apply();
    count.textContent = '地図で選んだ意見を表示（クリアで全件に戻る）';
    var c = list.firstChild;
    if (c) { c.classList.add('flash'); c.scrollIntoView({ behavior: 'smooth', block: 'center' }); }
  });
  apply();
})();
