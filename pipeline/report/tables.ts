// Pure functions from a run's enriched items to the tables a researcher publishes.
// Disposition tables use the primary classifier (the first configured); agreement compares all of them.
import type { Disposition } from '../core/schema.ts';
import { cohenKappa } from '../core/metrics.ts';
import { DISPOSITIONS, DISPOSITION_JA, NEEDS_REVIEW_JA, NO_CATEGORY, NO_SECTION, NO_STANCE, NO_THEME, STANCES, STANCE_JA } from './labels.ts';
import type { ItemLabel, RunItem, RunSet } from './schema.ts';
import { displayNumber, head, int, pct, pctCol, ratio, round3, text, type Cell, type Table } from '../core/tables/table.ts';

export function labelOf(item: RunItem, classifier: string): Disposition | null {
  return item.labels.find((l) => l.classifier === classifier)?.label ?? null;
}

/** Only what the classifier said: a label needs review when it set `needs_review`, never by a rule of ours. */
export function needsReview(label: Pick<ItemLabel, 'needs_review'> | undefined): boolean {
  return label?.needs_review === true;
}

/** Items whose label from this classifier needs review. */
export function reviewCount(run: RunSet, classifier: string): number {
  let n = 0;
  for (const it of run.items) if (needsReview(labelBy(it, classifier))) n++;
  return n;
}

/** The item's label from this classifier (a loop: find() with a closure per item costs seconds on a mass round). */
export function labelBy(item: RunItem, classifier: string): ItemLabel | undefined {
  for (const l of item.labels) if (l.classifier === classifier) return l;
  return undefined;
}

export function primaryLabel(item: RunItem): Disposition {
  return item.labels[0]?.label ?? (item.response ? 'deferred' : 'none');
}

/**
 * Every item's primary label, in item order. Tables and charts count labels over many groupings (sections,
 * themes, stances, clusters); reading each item's label once and counting by index keeps that one pass.
 */
export function primaryLabels(run: RunSet): Disposition[] {
  return run.items.map(primaryLabel);
}

/** Counts per disposition (DISPOSITIONS order) of the labels at `indexes`, or of all labels. */
export function dispositionCounts(labels: readonly Disposition[], indexes?: readonly number[]): number[] {
  const counts = new Array<number>(DISPOSITIONS.length).fill(0);
  const at = (d: Disposition) => DISPOSITION_AT.get(d)!;
  if (indexes) for (const i of indexes) counts[at(labels[i])]++;
  else for (const l of labels) counts[at(l)]++;
  return counts;
}

const DISPOSITION_AT = new Map(DISPOSITIONS.map((d, i) => [d, i]));

/** Item indexes per key, keys in order of first appearance; items whose key is null are left out. */
export function indexesBy(items: readonly RunItem[], key: (it: RunItem) => string | null): Map<string, number[]> {
  const out = new Map<string, number[]>();
  items.forEach((it, i) => {
    const k = key(it);
    if (k === null) return;
    const list = out.get(k);
    if (list) list.push(i);
    else out.set(k, [i]);
  });
  return out;
}

export function primaryTheme(item: RunItem): string {
  return item.themes[0]?.theme ?? NO_THEME;
}

/** Sections in document order (first appearance), so tables read like the document. */
export function sectionsInOrder(items: readonly RunItem[]): string[] {
  const seen = new Set<string>();
  for (const item of items) seen.add(item.section ?? NO_SECTION);
  return [...seen];
}

/** Codebook order, then themes the codebook does not list (sorted), then the no-theme row if used. */
export function themesInOrder(run: RunSet): string[] {
  const known = run.info.themes.map((t) => t.id);
  const used = new Set<string>();
  for (const item of run.items) {
    if (item.themes.length === 0) used.add(NO_THEME);
    for (const t of item.themes) used.add(t.theme);
  }
  const extra = [...used].filter((t) => t !== NO_THEME && !known.includes(t)).sort();
  return [...known, ...extra, ...(used.has(NO_THEME) ? [NO_THEME] : [])];
}

export function themeLabel(run: RunSet, id: string): string {
  return run.info.themes.find((t) => t.id === id)?.label_ja ?? id;
}

function dispositionColumns(prefix = '') {
  return [
    ...DISPOSITIONS.map((d) => int(`${prefix}${d}`, DISPOSITION_JA[d])),
    ...DISPOSITIONS.map((d) => pctCol(`${prefix}${d}_pct`, `${DISPOSITION_JA[d]} %`)),
  ];
}

function dispositionCells(labels: readonly Disposition[], indexes?: readonly number[]): Cell[] {
  const counts = dispositionCounts(labels, indexes);
  const n = indexes ? indexes.length : labels.length;
  return [...counts, ...counts.map((c) => pct(c, n))];
}

export function dispositionsTable(run: RunSet): Table {
  const classifiers = run.info.classifiers;
  const n = run.items.length;
  const columns = [
    text('disposition', '区分'),
    text('label_ja', '区分（日本語）'),
    ...classifiers.flatMap((c) => [
      int(`${c.name}_count`, `${c.name} 件数`),
      pctCol(`${c.name}_pct`, `${c.name} %`),
      int(`${c.name}_needs_review`, `${c.name} ${NEEDS_REVIEW_JA}`),
    ]),
  ];
  // One pass per classifier: counts and needs-review counts per disposition.
  const tally = classifiers.map((c) => {
    const count = new Map<Disposition, number>();
    const review = new Map<Disposition, number>();
    for (const it of run.items) {
      const l = labelBy(it, c.name);
      if (!l) continue;
      count.set(l.label, (count.get(l.label) ?? 0) + 1);
      if (needsReview(l)) review.set(l.label, (review.get(l.label) ?? 0) + 1);
    }
    return { count, review };
  });
  const rows: Cell[][] = DISPOSITIONS.map((d) => [
    d,
    DISPOSITION_JA[d],
    ...tally.flatMap(({ count, review }) => {
      const k = count.get(d) ?? 0;
      return [k, pct(k, n), review.get(d) ?? 0];
    }),
  ]);
  rows.push(['total', '合計', ...classifiers.flatMap((c) => [n, pct(n, n), reviewCount(run, c.name)])]);
  return {
    name: 'dispositions',
    title: '回答区分（全体）',
    note:
      `全 ${n} 件の意見に対する政府回答の区分。分類器ごとの件数と割合。` +
      `「${NEEDS_REVIEW_JA}」は分類器が確信を持てず、引用前に回答を読むべき件数（区分は最善の推定）。`,
    columns,
    rows,
  };
}

export function dispositionsBySectionTable(run: RunSet): Table {
  const labels = primaryLabels(run);
  const rows = [...indexesBy(run.items, (it) => it.section ?? NO_SECTION)].map(([section, at]) => [section, at.length, ...dispositionCells(labels, at)]);
  return {
    name: 'dispositions_by_section',
    title: '回答区分（セクション別）',
    note: `文書中の見出しごとの回答区分（分類器: ${primaryName(run)}）。割合は各セクションの件数に対する行パーセント。`,
    columns: [text('section', 'セクション'), int('items', '件数'), ...dispositionColumns()],
    rows,
  };
}

/** The item's 対応区分 as a table key: a blank cell counts under its own row. */
export function categoryKey(item: RunItem): string {
  return item.category ?? NO_CATEGORY;
}

/** Whether the input had a 対応区分 column (the document's own disposition code per comment). */
export function hasCategory(run: RunSet): boolean {
  return run.items.some((it) => it.category !== undefined);
}

/**
 * The document's own 対応区分 beside the primary classifier's labels: where the ministry already coded each
 * comment, this is the table that shows how far the classifier and the document agree, code by code.
 */
export function dispositionsByCategoryTable(run: RunSet): Table | null {
  if (!hasCategory(run)) return null;
  const labels = primaryLabels(run);
  const rows = [...indexesBy(run.items, categoryKey)].map(([category, at]) => [category, at.length, ...dispositionCells(labels, at)]);
  return {
    name: 'dispositions_by_category',
    title: '文書の対応区分 × 回答区分',
    note:
      `文書自身の対応区分（反映・記載済・参考など、原文の表記のまま）ごとの回答区分（分類器: ${primaryName(run)}）。` +
      `件数と行パーセント。対応区分は分類に使っていない（分類器は回答文だけを読む）ため、両者の一致はそのまま分類の検証になる。${NO_CATEGORY} は対応区分の欄が空の意見。`,
    columns: [text('category', '対応区分（文書）'), int('items', '件数'), ...dispositionColumns()],
    rows,
  };
}

export function themesTable(run: RunSet): Table {
  const n = run.items.length;
  // One pass over the items (not one per theme): counts of hits, hits by source and primary themes.
  const counts = new Map<string, { hits: number; primary: number; source: Map<string, number> }>();
  const at = (theme: string) => {
    let c = counts.get(theme);
    if (!c) counts.set(theme, (c = { hits: 0, primary: 0, source: new Map() }));
    return c;
  };
  let unthemed = 0;
  for (const it of run.items) {
    if (it.themes.length === 0) unthemed++;
    at(primaryTheme(it)).primary++;
    for (const t of it.themes) {
      const c = at(t.theme);
      c.hits++;
      c.source.set(t.source, (c.source.get(t.source) ?? 0) + 1);
    }
  }
  const rows = themesInOrder(run).map((theme) => {
    const c = counts.get(theme);
    const items = theme === NO_THEME ? unthemed : (c?.hits ?? 0);
    const bySource = (s: string) => c?.source.get(s) ?? 0;
    return [theme, themeLabel(run, theme), items, pct(items, n), c?.primary ?? 0, bySource('rule'), bySource('similarity'), bySource('both')];
  });
  return {
    name: 'themes',
    title: 'テーマ別件数',
    note:
      '意見は複数のテーマに該当しうるため、件数の合計は全体の件数を超えることがある。「主テーマ」は各意見の第一テーマ。' +
      '根拠の内訳: rule = コーディングルールのみ、similarity = 類似度のみ、both = 両方。',
    columns: [
      text('theme', 'テーマ'),
      text('label_ja', 'テーマ名'),
      int('items', '件数'),
      pctCol('items_pct', '全体に占める %'),
      int('primary', '主テーマ件数'),
      int('rule', 'ルール'),
      int('similarity', '類似度'),
      int('both', '両方'),
    ],
    rows,
  };
}

/** Items per theme (multi-label: an item counts under each of its themes) with their primary labels. */
export function itemsByTheme(run: RunSet): Map<string, RunItem[]> {
  return new Map([...indexesByTheme(run)].map(([t, at]) => [t, at.map((i) => run.items[i])]));
}

/** itemsByTheme as item indexes. */
export function indexesByTheme(run: RunSet): Map<string, number[]> {
  const out = new Map<string, number[]>(themesInOrder(run).map((t) => [t, []]));
  run.items.forEach((item, i) => {
    if (item.themes.length === 0) out.get(NO_THEME)!.push(i);
    else if (item.themes.length === 1) out.get(item.themes[0].theme)!.push(i);
    else for (const t of new Set(item.themes.map((h) => h.theme))) out.get(t)!.push(i);
  });
  return out;
}

export function themeDispositionTable(run: RunSet): Table {
  const labels = primaryLabels(run);
  const rows = [...indexesByTheme(run)].map(([theme, at]) => [theme, themeLabel(run, theme), at.length, ...dispositionCells(labels, at)]);
  return {
    name: 'theme_disposition',
    title: 'テーマ × 回答区分',
    note:
      `各テーマに該当する意見の回答区分（分類器: ${primaryName(run)}）。件数と行パーセント。` +
      '複数テーマの意見は各テーマの行に数える。',
    columns: [text('theme', 'テーマ'), text('label_ja', 'テーマ名'), int('items', '件数'), ...dispositionColumns()],
    rows,
  };
}

/** Whether the stance stage ran for this run (run folders from before it carry no stance). */
export function hasStance(run: RunSet): boolean {
  return run.items.some((it) => it.stance !== undefined);
}

/** The stance row an item counts in: its stance, or the no-stance row. */
export function stanceKey(item: RunItem): string {
  return item.stance ?? NO_STANCE;
}

export function stanceLabel(key: string): string {
  return (STANCE_JA as Record<string, string>)[key] ?? key;
}

/** Stance × disposition of the primary classifier: were objections ever accepted? */
export function dispositionStanceTable(run: RunSet): Table | null {
  if (!hasStance(run)) return null;
  const keys: string[] = [...STANCES, NO_STANCE];
  const labels = primaryLabels(run);
  const byStance = indexesBy(run.items, stanceKey);
  const rows = keys.map((key) => {
    const at = byStance.get(key) ?? [];
    return [key, stanceLabel(key), at.length, ...dispositionCells(labels, at)];
  });
  return {
    name: 'disposition_stance',
    title: '意見の立場 × 回答区分',
    note:
      `意見の立場（賛成・反対・要望・質問）ごとの回答区分（分類器: ${primaryName(run)}）。件数と行パーセント。` +
      `各意見は一つの行にだけ数える（行の件数の合計は全体の件数）。${NO_STANCE} は立場が判定されなかった意見（意見欄が空など）。`,
    columns: [text('stance', '立場'), text('label_ja', '立場（日本語）'), int('items', '件数'), ...dispositionColumns()],
    rows,
  };
}

function groupBy(items: readonly RunItem[], key: (it: RunItem) => string | null): [string, RunItem[]][] {
  const groups = new Map<string, RunItem[]>();
  for (const item of items) {
    const k = key(item);
    if (k === null) continue;
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k)!.push(item);
  }
  // Largest groups first; ties by id so the order never depends on the input's accidents.
  return [...groups].sort((a, b) => b[1].length - a[1].length || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

const numbers = (items: readonly RunItem[]) => items.map(displayNumber).join(', ');

export function responseTemplatesTable(run: RunSet): Table {
  const rows = groupBy(run.items, (it) => it.response_template).map(([id, items]) => [
    id,
    items.length,
    numbers(items),
    primaryLabel(items[0]),
    items[0].response,
  ]);
  return {
    name: 'response_templates',
    title: '使い回された回答（回答テンプレート）',
    note: '同一またはほぼ同一の回答が複数の意見に使われているもの。件数の多い順。本文は最初の意見への回答。',
    columns: [
      text('template', 'テンプレート'),
      int('items', '件数'),
      text('numbers', '意見番号'),
      text('label', '回答区分'),
      text('response', '回答本文'),
    ],
    rows,
  };
}

export function duplicatesTable(run: RunSet): Table {
  const rows = groupBy(run.items, (it) => it.duplicate_group).map(([id, items]) => [
    id,
    items.length,
    numbers(items),
    items[0].comment,
  ]);
  return {
    name: 'duplicates',
    title: '重複・類似意見',
    note: '同一またはほぼ同一の意見のグループ（組織的な大量提出の把握用）。件数の多い順。本文は最初の意見。',
    columns: [text('group', 'グループ'), int('items', '件数'), text('numbers', '意見番号'), text('comment', '意見本文')],
    rows,
  };
}

export function noResponseTable(run: RunSet): Table {
  const rows = run.items
    .filter((it) => it.response === '')
    .map((it) => [displayNumber(it), it.id, it.section ?? NO_SECTION, it.comment]);
  return {
    name: 'no_response',
    title: '回答のない意見',
    note: '「意見に対する考え方」が空欄の意見（パース段階で回答が見つからなかったもの）。',
    columns: [text('number', '番号'), text('id', 'ID'), text('section', 'セクション'), text('comment', '意見本文')],
    rows,
  };
}

export function agreementTable(run: RunSet): Table | null {
  const cs = run.info.classifiers;
  if (cs.length < 2) return null;
  const rows: Cell[][] = [];
  for (let i = 0; i < cs.length; i++) {
    for (let j = i + 1; j < cs.length; j++) {
      const pairs = run.items
        .map((it) => [labelOf(it, cs[i].name), labelOf(it, cs[j].name)])
        .filter((p): p is [Disposition, Disposition] => p[0] !== null && p[1] !== null);
      const a = pairs.map((p) => p[0]);
      const b = pairs.map((p) => p[1]);
      const agreed = a.filter((l, k) => l === b[k]).length;
      rows.push([cs[i].name, cs[j].name, pairs.length, agreed, pct(agreed, pairs.length), round3(cohenKappa(a, b))]);
    }
  }
  return {
    name: 'agreement',
    title: '分類器間の一致',
    note: '分類器の組ごとの一致率と Cohen の κ（偶然の一致を除いた一致度。1 = 完全一致、0 = 偶然並み）。',
    columns: [
      text('classifier_a', '分類器 A'),
      text('classifier_b', '分類器 B'),
      int('items', '件数'),
      int('agreed', '一致件数'),
      pctCol('agreement_pct', '一致率 %'),
      ratio('kappa', 'κ'),
    ],
    rows,
  };
}

export function clustersTable(run: RunSet): Table {
  const byId = new Map(run.items.map((it) => [it.id, it]));
  const labels = primaryLabels(run);
  const membersOf = indexesBy(run.items, (it) => it.cluster);
  const rows = run.info.clusters.map((c) => {
    const at = membersOf.get(c.id) ?? [];
    const members = at.map((i) => run.items[i]);
    const themeCounts = new Map<string, number>();
    for (const it of members) themeCounts.set(primaryTheme(it), (themeCounts.get(primaryTheme(it)) ?? 0) + 1);
    const topThemes = [...themeCounts]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, 3)
      .map(([t, k]) => `${themeLabel(run, t)} ${k}`)
      .join(' / ');
    const reps = c.representatives
      .map((id) => byId.get(id))
      .filter((it): it is RunItem => it !== undefined)
      .map((it) => `No.${displayNumber(it)}: ${head(it.comment, 60)}`)
      .join('\n');
    const counts = dispositionCounts(labels, at);
    const mix = DISPOSITIONS.map((d, k) => [d, counts[k]] as const)
      .filter(([, k]) => k > 0)
      .map(([d, k]) => `${DISPOSITION_JA[d]} ${k}`)
      .join(' / ');
    const dups = members.filter((it) => it.duplicate_group !== null).length;
    return [c.id, c.name ?? c.keywords.slice(0, 3).join('・'), c.outlier ? 'yes' : '', c.size, c.keywords.join('、'), topThemes, mix, pct(dups, members.length), reps];
  });
  return {
    name: 'clusters',
    title: '発見されたクラスタ',
    note:
      '埋め込みベクトルのクラスタリングで見つかった意見のまとまり。キーワードは c-TF-IDF 上位語、' +
      '代表意見はクラスタ中心に近い順。outlier はどの中心からも遠い意見の集まり。主なテーマは主テーマの内訳。' +
      'クラスタ名は上位キーワード（名詞）を「・」で結んだもの。回答区分の内訳は主分類器の区分、重複意見 % は重複グループに属する意見の割合。',
    columns: [
      text('cluster', 'クラスタ'),
      text('name', 'クラスタ名'),
      text('outlier', '外れ値'),
      int('size', '件数'),
      text('keywords', 'キーワード'),
      text('top_themes', '主なテーマ'),
      text('dispositions', '回答区分の内訳'),
      pctCol('duplicate_pct', '重複意見 %'),
      text('representatives', '代表的な意見'),
    ],
    rows,
  };
}

function primaryName(run: RunSet): string {
  return run.info.classifiers[0]?.name ?? '(なし)';
}

/** Every summary table of a run, in the order the report and the workbook show them. */
export function buildTables(run: RunSet): Table[] {
  return [
    dispositionsTable(run),
    dispositionsBySectionTable(run),
    dispositionsByCategoryTable(run),
    themesTable(run),
    themeDispositionTable(run),
    dispositionStanceTable(run),
    responseTemplatesTable(run),
    duplicatesTable(run),
    noResponseTable(run),
    agreementTable(run),
    clustersTable(run),
  ].filter((t): t is Table => t !== null);
}
