// report.html: one self-contained page (inline CSS, JS, SVG and data; no network), Japanese throughout.
// Tables and charts are rendered here; the item list is rendered in the browser from embedded JSON so that a
// 20,000-comment round stays responsive (search runs over all items, cards are drawn a page at a time).
import { readFileSync } from 'node:fs';
import type { Disposition } from '../core/schema.ts';
import { esc } from './escape.ts';
import { dataScript, itemData } from './item-data.ts';
import { MAP_GRID, MAP_POINTS_MAX, mapLayout } from './map.ts';
import { DISPOSITIONS, DISPOSITION_COLOR, DISPOSITION_JA, NEEDS_REVIEW_JA, NO_SECTION, NO_STANCE, NO_THEME, STANCES, STANCE_JA, THEME_PALETTE } from './labels.ts';
import type { RunSet } from './schema.ts';
import { displayNumber, formatNumber, head, type Column, type Table } from '../core/tables/table.ts';
import {
  dispositionCounts,
  hasStance,
  indexesBy,
  indexesByTheme,
  primaryLabels,
  primaryTheme,
  reviewCount,
  sectionsInOrder,
  stanceKey,
  stanceLabel,
  themeLabel,
  themesInOrder,
} from './tables.ts';
import { heatmap, scatter, stackedBars, type BarRow } from './svg.ts';

const CSS = readFileSync(new URL('./assets/report.css', import.meta.url), 'utf8');
const JS = readFileSync(new URL('./assets/report.js', import.meta.url), 'utf8');

/** Tables longer than this show their first rows only; the full table is in tables/<name>.csv. */
const HTML_TABLE_ROWS = 200;

/** Counts per disposition of the labels at `indexes` (all labels without). */
function countsOf(labels: readonly Disposition[], indexes?: readonly number[]): Record<Disposition, number> {
  const counts = dispositionCounts(labels, indexes);
  return Object.fromEntries(DISPOSITIONS.map((d, k) => [d, counts[k]])) as Record<Disposition, number>;
}

/** Columns holding a disposition, shown as coloured badges. */
const LABEL_KEYS = /^(disposition|label|.+_label)$/;

function formatCell(v: string | number | null, column: Pick<Column, 'kind' | 'key'>): string {
  if (v === null) return '<span class="na">–</span>';
  if (typeof v === 'number') return column.kind === 'pct' ? `${formatNumber(v, 'pct')}%` : formatNumber(v, column.kind);
  if (column.key === 'disposition' && v === 'total') return '<strong>合計</strong>';
  if (LABEL_KEYS.test(column.key) && DISPOSITIONS.includes(v as Disposition)) {
    return `<span class="badge l-${v}">${esc(DISPOSITION_JA[v as Disposition])}</span>`;
  }
  return esc(v).replace(/\n/g, '<br>');
}

interface HtmlColumn {
  key: string;
  title: string;
  kind: Column['kind'];
  at: number;
  pctAt?: number;
}

/**
 * A count column with a matching "<key>_pct" column ("<name>_pct" for "<name>_count") is shown with its share in
 * one cell, so the wide disposition tables fit the page; CSV, Markdown and XLSX keep the two apart for analysis.
 */
function htmlColumns(table: Table): HtmlColumn[] {
  const keys = table.columns.map((c) => c.key);
  const merged = new Set<number>();
  // A disposition column is drawn as a Japanese badge, so its Japanese-name column would only repeat it.
  if (keys.includes('disposition')) merged.add(keys.indexOf('label_ja'));
  const out: HtmlColumn[] = [];
  table.columns.forEach((c, i) => {
    if (merged.has(i)) return;
    const p = keys.indexOf(`${c.key.replace(/_count$/, '')}_pct`);
    if (c.kind === 'int' && p > i) {
      merged.add(p);
      out.push({ key: c.key, title: c.title, kind: c.kind, at: i, pctAt: p });
    } else out.push({ key: c.key, title: c.title, kind: c.kind, at: i });
  });
  return out;
}

export function tableHtml(table: Table): string {
  const shown = table.rows.slice(0, HTML_TABLE_ROWS);
  const cols = htmlColumns(table);
  const head = cols.map((c) => `<th class="${c.kind === 'text' ? '' : 'num'}">${esc(c.title)}</th>`).join('');
  const body = shown
    .map(
      (r) =>
        `<tr>${cols
          .map((c) => {
            const v = r[c.at];
            if (c.pctAt !== undefined) {
              const p = r[c.pctAt];
              const share = typeof p === 'number' ? ` <span class="pct">${formatNumber(p, 'pct')}%</span>` : '';
              return `<td class="num${v === 0 ? ' zero' : ''}">${formatCell(v, c)}${share}</td>`;
            }
            const len = typeof v === 'string' ? v.length : 0;
            const cls = c.kind !== 'text' ? 'num' : len > 80 ? 'long' : len <= 24 ? 'short' : '';
            return `<td class="${cls}">${formatCell(v, c)}</td>`;
          })
          .join('')}</tr>`,
    )
    .join('\n');
  const more =
    table.rows.length > shown.length
      ? `<p class="more-note">先頭 ${shown.length} 行を表示（全 ${table.rows.length} 行は tables/${esc(table.name)}.csv）。</p>`
      : '';
  const empty = table.rows.length === 0 ? '<p class="empty">該当なし。</p>' : '';
  return `<p class="note">${esc(table.note)}</p>${empty}${
    table.rows.length ? `<div class="table-wrap"><table class="data"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>` : ''
  }${more}`;
}

function themeColors(run: RunSet): Map<string, string> {
  const out = new Map<string, string>();
  themesInOrder(run).forEach((t, i) => out.set(t, t === NO_THEME ? '#b0b4ba' : THEME_PALETTE[i % THEME_PALETTE.length]));
  return out;
}

function summaryCards(run: RunSet, labels: readonly Disposition[]): string {
  const n = run.items.length;
  const c = countsOf(labels);
  const card = (value: string | number, label: string, cls = '') =>
    `<div class="card ${cls}"><div class="v">${esc(value)}</div><div class="k">${esc(label)}</div></div>`;
  const templated = run.items.filter((it) => it.response_template !== null).length;
  const dup = run.items.filter((it) => it.duplicate_group !== null).length;
  const primary = run.info.classifiers[0]?.name;
  return `<div class="cards">${card(n, '意見の件数')}${DISPOSITIONS.map((d) =>
    card(`${c[d]}`, `${DISPOSITION_JA[d]}（${n ? ((100 * c[d]) / n).toFixed(1) : '0.0'}%）`, `c-${d}`),
  ).join('')}${primary ? card(reviewCount(run, primary), `${NEEDS_REVIEW_JA}の区分`, 'c-review') : ''}${card(templated, 'テンプレート回答の意見')}${card(dup, '重複・類似意見')}</div>`;
}

/** What the parse stage could not do or had to guess, before any figure is read. */
function parseNotes(notes: readonly string[], analysis: readonly string[]): string {
  const parse = notes.length
    ? `<p class="note">入力の解析で補った点・できなかった点（${notes.length} 件）。集計を引用する前に確認してください。詳細は parse-report.json。</p><ul class="parse-notes">${notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>`
    : '<p class="empty">入力の解析で注意すべき点はありませんでした。</p>';
  // Warnings of later stages say why a table looks as it does (e.g. every comment in one cluster); also in manifest.json.
  const later = analysis.length
    ? `<p class="note">分析段階の注意（${analysis.length} 件。manifest.json の warnings にも記録）。</p><ul class="analysis-notes">${analysis.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>`
    : '';
  return parse + later;
}

function options(values: readonly [string, string][]): string {
  return values.map(([v, label]) => `<option value="${esc(v)}">${esc(label)}</option>`).join('');
}

function itemsSection(run: RunSet, sections: string[]): string {
  const themes = themesInOrder(run);
  const multi = run.info.classifiers.length > 1;
  const primary = run.info.classifiers[0]?.name ?? '';
  const review = primary ? reviewCount(run, primary) : 0;
  return `<div class="controls" role="search">
  <input id="q" type="search" placeholder="キーワードで検索（意見・回答・番号・テーマ）" aria-label="検索">
  <select id="f-label" aria-label="回答区分"><option value="">回答区分: すべて</option>${options(DISPOSITIONS.map((d) => [d, `${DISPOSITION_JA[d]}`]))}</select>
  <select id="f-theme" aria-label="テーマ"><option value="">テーマ: すべて</option>${options(themes.map((t) => [t, themeLabel(run, t)]))}</select>
  <select id="f-section" aria-label="セクション"><option value="">セクション: すべて</option>${options(sections.map((s, i) => [String(i), head(s, 40)]))}</select>
  ${multi ? '<label class="chk"><input id="f-disagree" type="checkbox"> 分類器の不一致のみ</label>' : ''}
  ${primary ? `<label class="chk" title="分類器 ${esc(primary)} が確信を持てなかった区分（引用前に回答を読むべきもの）"><input id="f-review" type="checkbox"> ${NEEDS_REVIEW_JA}のみ（${review} 件）</label>` : ''}
  <button id="reset" type="button">クリア</button>
</div>
<p class="status"><span id="count"></span>${primary ? `（回答区分フィルタは分類器 <code>${esc(primary)}</code> の区分）` : ''}</p>
<div id="items-list"></div>
<div class="more-row"><button id="more" type="button" hidden>さらに表示</button><button id="all" type="button" hidden>すべて表示</button></div>
<noscript><p>意見一覧の表示には JavaScript が必要です。全件は items.csv にあります。</p></noscript>`;
}

/**
 * Which codebook coded the themes, or that none did: without one the themes are discovered clusters named by
 * their keywords, and a reader must know that before reading the theme tables as coded categories.
 */
function codebookNote(run: RunSet): string {
  const c = run.info.codebook;
  if (!c) return '';
  if (c.applied) return `<p class="note">テーマはコードブック <code>${esc(c.applied)}</code> のコーディングルールによる（${esc(c.reason)}）。</p>`;
  return (
    `<p class="note codebook-none"><strong>コードブックは適用していません</strong>（${esc(c.reason)}）。` +
    'ここでのテーマは意見から発見したクラスタで、名前はその上位キーワードです。' +
    'codebook.draft.json を編集し <code>--codebook</code> で渡して再実行すると、コーディングルールによるテーマになります。</p>'
  );
}

/** The document's own title (its first line above the table), else the run folder's name. */
function titleOf(run: RunSet): string {
  return run.info.title || run.info.name;
}

/** How to read the map: what a dot or a mark stands for, and what the rings on the frame are. */
function mapNote(layout: ReturnType<typeof mapLayout>, n: number): string {
  const marks = layout.aggregated
    ? `意見が ${formatNumber(n)} 件と多いため、${MAP_GRID}×${MAP_GRID} の格子のマスと主テーマごとに 1 つの円にまとめています（${formatNumber(layout.marks.length)} 個）。円の面積は件数に比例し、カーソルを合わせると件数、クリックでその意見を一覧に表示。`
    : '点にカーソルを合わせると意見の冒頭、クリックで一覧に表示。';
  const edge = layout.outside
    ? `枠上の白抜きの点（${formatNumber(layout.outside)} 件）は、縦横どちらかで全体の 2〜98 パーセンタイルの範囲外にある意見です。外れた少数の意見で他が隅に押し込まれないよう、図の範囲を絞り、範囲外の意見は枠上に寄せて描いています。`
    : '';
  return `<p class="note">意見の埋め込みを 2 次元に配置した図。近い点ほど内容が似ている。色は主テーマ。${marks}${edge}</p>`;
}

export interface ReportHtmlOptions {
  /** Deflate the item data above this many characters of JSON (item-data.ts COMPRESS_ABOVE). */
  compressAbove?: number;
  /** Aggregate the map above this many comments (map.ts MAP_POINTS_MAX). */
  mapPointsMax?: number;
}

export function reportHtml(run: RunSet, tables: readonly Table[], options: ReportHtmlOptions = {}): string {
  const byName = new Map(tables.map((t) => [t.name, t]));
  const sections = sectionsInOrder(run.items);
  const colors = themeColors(run);
  const themeOrder = themesInOrder(run);

  // Primary labels read once, then counted by item index for every grouping below.
  const labels = primaryLabels(run);
  const bySection = indexesBy(run.items, (it) => it.section ?? NO_SECTION);
  const sectionRows: BarRow[] = sections.map((s) => ({ label: s, counts: countsOf(labels, bySection.get(s) ?? []) }));
  const themeRows: BarRow[] = [...indexesByTheme(run)]
    .filter(([, at]) => at.length > 0)
    .map(([t, at]) => ({ label: themeLabel(run, t), counts: countsOf(labels, at) }));
  const mapped = run.items.filter((it) => it.map !== null);
  const mapMax = options.mapPointsMax ?? MAP_POINTS_MAX;
  // An aggregated map titles its marks by count and theme: no title per comment is built (on a 300,000-row round
  // that was 300,000 strings, each cut from its comment, made and dropped).
  const titled = mapped.length <= mapMax;
  const layout = mapLayout(
    mapped.map((it) => ({
      x: it.map!.x,
      y: it.map!.y,
      id: it.id,
      theme: primaryTheme(it),
      color: colors.get(primaryTheme(it)) ?? '#b0b4ba',
      title: titled ? `No.${displayNumber(it)}【${themeLabel(run, primaryTheme(it))}】${head(it.comment, 50)}` : '',
    })),
    (t) => themeLabel(run, t),
    mapMax,
  );
  const mappedByTheme = new Map<string, number>();
  for (const it of mapped) mappedByTheme.set(primaryTheme(it), (mappedByTheme.get(primaryTheme(it)) ?? 0) + 1);
  const legend = themeOrder
    .map((t) => ({ label: themeLabel(run, t), color: colors.get(t)!, count: mappedByTheme.get(t) ?? 0 }))
    .filter((l) => l.count > 0);

  const primary = run.info.classifiers[0]?.name ?? '(なし)';
  const sectionBlock = (id: string, title: string, inner: string) =>
    `<section id="${id}"><h2>${esc(title)}</h2>${inner}</section>`;
  const tableBlock = (name: string, id: string, extra = '') => {
    const t = byName.get(name);
    return t ? sectionBlock(id, t.title, extra + tableHtml(t)) : '';
  };
  const nav: [string, string][] = [
    ['parse-notes', '解析上の注意'],
    ['summary', '概要'],
    ['by-section', 'セクション別'],
    ...(byName.has('dispositions_by_category') ? ([['by-category', '対応区分']] as [string, string][]) : []),
    ['by-theme', 'テーマ別'],
    ['crosstab', 'テーマ×回答区分'],
    ...(byName.has('disposition_stance') ? ([['stance', '立場×回答区分']] as [string, string][]) : []),
    ['map', '意見マップ'],
    ['clusters', 'クラスタ'],
    ['templates', '回答テンプレート'],
    ['duplicates', '重複意見'],
    ['no-response', '回答なし'],
    ...(byName.has('agreement') ? ([['agreement', '分類器間の一致']] as [string, string][]) : []),
    ['items', '意見一覧'],
  ];
  const data = {
    classifiers: run.info.classifiers.map((c) => c.name),
    sections,
    themes: Object.fromEntries(themeOrder.map((t) => [t, themeLabel(run, t)])),
    themeColors: Object.fromEntries(themeOrder.map((t) => [t, colors.get(t)])),
    labels: Object.fromEntries(DISPOSITIONS.map((d) => [d, DISPOSITION_JA[d]])),
    stances: STANCE_JA,
    ...itemData(run, sections, themeOrder, layout.markOf),
  };
  // The heatmap shows the same rows as the theme bars.
  const crosstabRows = themeRows;
  const byStance = indexesBy(run.items, stanceKey);
  const stanceRows: BarRow[] = (hasStance(run) ? [...STANCES, NO_STANCE] : [])
    .map((key) => ({ label: stanceLabel(key), counts: countsOf(labels, byStance.get(key) ?? []) }))
    .filter((r) => DISPOSITIONS.some((d) => r.counts[d] > 0));
  const legendCss = DISPOSITIONS.map(
    (d) =>
      `.l-${d}{background:${DISPOSITION_COLOR[d]}}.m-${d}{background:${DISPOSITION_COLOR[d]}2e;border-bottom:2px solid ${DISPOSITION_COLOR[d]}}` +
      `.u-${d}{border-bottom:2px dotted ${DISPOSITION_COLOR[d]}}.c-${d} .v{color:${DISPOSITION_COLOR[d]}}`,
  ).join('\n');

  return `<!DOCTYPE html>
<html lang="ja">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="pubcom-lens ${esc(run.info.tool_version)}">
<title>${esc(`パブリックコメント分析: ${titleOf(run)}`)}</title>
<style>
${CSS}
${legendCss}
</style>
</head>
<body>
<header class="top">
  <div class="wrap">
    <p class="kicker">pubcom-lens レポート</p>
    <h1>パブリックコメント分析: ${esc(titleOf(run))}</h1>
    <dl class="meta">
      <div><dt>入力文書</dt><dd>${esc(run.info.document)}</dd></div>
      <div><dt>実行フォルダ</dt><dd>${esc(run.info.name)}</dd></div>
      ${run.info.codebook ? `<div><dt>コードブック</dt><dd>${run.info.codebook.applied ? `<code>${esc(run.info.codebook.applied)}</code>` : 'なし'}</dd></div>` : ''}
      <div><dt>意見数</dt><dd>${run.items.length} 件</dd></div>
      <div><dt>分類器</dt><dd>${run.info.classifiers.map((c) => `<code>${esc(c.name)}</code> ${esc(c.version)}`).join('、') || '–'}</dd></div>
      <div><dt>集計に用いた分類器</dt><dd><code>${esc(primary)}</code></dd></div>
      <div><dt>ツール</dt><dd>pubcom-lens ${esc(run.info.tool_version)}</dd></div>
    </dl>
  </div>
</header>
<nav class="toc"><div class="wrap">${nav.map(([id, label]) => `<a href="#${id}">${esc(label)}</a>`).join('')}</div></nav>
<main class="wrap">
${sectionBlock('parse-notes', '解析上の注意', parseNotes(run.info.parse_notes ?? [], run.info.analysis_notes ?? []))}
${sectionBlock('summary', '概要', summaryCards(run, labels) + tableHtml(byName.get('dispositions')!))}
${sectionBlock('by-section', '回答区分（セクション別）', `<figure>${stackedBars(sectionRows, 'セクション別の回答区分（行ごとの構成比）')}</figure>` + tableHtml(byName.get('dispositions_by_section')!))}
${tableBlock('dispositions_by_category', 'by-category')}
${sectionBlock('by-theme', 'テーマ別', codebookNote(run) + `<figure>${stackedBars(themeRows, 'テーマ別の回答区分（行ごとの構成比）')}</figure>` + tableHtml(byName.get('themes')!))}
${sectionBlock('crosstab', 'テーマ × 回答区分', `<figure>${heatmap(crosstabRows, 'テーマ × 回答区分（件数と行パーセント）')}</figure>` + tableHtml(byName.get('theme_disposition')!))}
${tableBlock(
  'disposition_stance',
  'stance',
  stanceRows.length ? `<figure>${stackedBars(stanceRows, '意見の立場別の回答区分（行ごとの構成比）')}</figure>` : '',
)}
${sectionBlock(
  'map',
  '意見マップ',
  mapNote(layout, mapped.length) +
    (layout.marks.length ? `<figure>${scatter(layout, legend, '意見マップ（色: 主テーマ）')}</figure>` : '<p class="empty">2 次元配置は計算されていません。</p>'),
)}
${tableBlock('clusters', 'clusters')}
${tableBlock('response_templates', 'templates')}
${tableBlock('duplicates', 'duplicates')}
${tableBlock('no_response', 'no-response')}
${tableBlock('agreement', 'agreement')}
${sectionBlock('items', '意見一覧', itemsSection(run, sections))}
</main>
<footer class="wrap">pubcom-lens ${esc(run.info.tool_version)} で生成。数値はすべて items.csv から再集計できます。</footer>
${dataScript(data, options.compressAbove)}
<script>
${JS}
</script>
</body>
</html>
`;
}
