// `pubcom diff-runs A B`: what changed between two run folders, or two label files, as Markdown.
// Same input (equal sha256): the items whose primary label or themes changed, e.g. after editing the rules.
// Different inputs (two rounds of consultation): dispositions and themes side by side with shares.
// Two label files (`pubcom classify … --out labels.jsonl`, e.g. before and after `--rules my-rules.json`): the
// items whose label changed, with the evidence of the new one.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../core/errors.ts';
import { LabelRecord, type Disposition } from '../core/schema.ts';
import { readJson, readJsonl } from '../core/io.ts';
import { DISPOSITIONS, DISPOSITION_JA } from '../report/labels.ts';
import { toMarkdownTable } from '../core/tables/markdown.ts';
import { readRun } from '../report/index.ts';
import type { RunItem, RunSet } from '../report/schema.ts';
import { displayNumber, head, int, pct, pctCol, text, type Cell, type Column } from '../core/tables/table.ts';
import { primaryLabel, themeLabel } from '../report/tables.ts';
import { Manifest } from './manifest.ts';

export interface RunFolder extends RunSet {
  dir: string;
  manifest: Manifest;
}

export function readRunFolder(dir: string): RunFolder {
  return { dir, ...readRun(dir), manifest: readJson(join(dir, 'manifest.json'), Manifest) };
}

const md = (columns: Column[], rows: Cell[][]) => toMarkdownTable({ columns, rows });
const themeSet = (it: RunItem) => it.themes.map((t) => t.theme);
const sameThemes = (a: RunItem, b: RunItem) => themeSet(a).slice().sort().join() === themeSet(b).slice().sort().join();
const diffPts = (a: number | null, b: number | null) => (a === null || b === null ? null : Math.round((b - a) * 10) / 10);

/** Config keys whose values differ, as "key: A → B" lines. */
function configChanges(a: Record<string, unknown>, b: Record<string, unknown>, prefix = ''): string[] {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  const out: string[] = [];
  for (const k of keys) {
    const [va, vb] = [a[k], b[k]];
    const isObj = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v);
    if (isObj(va) && isObj(vb)) out.push(...configChanges(va as Record<string, unknown>, vb as Record<string, unknown>, `${prefix}${k}.`));
    else if (JSON.stringify(va) !== JSON.stringify(vb)) out.push(`${prefix}${k}: ${JSON.stringify(va)} → ${JSON.stringify(vb)}`);
  }
  return out;
}

function header(a: RunFolder, b: RunFolder): string {
  const line = (tag: string, r: RunFolder) =>
    `- ${tag}: \`${r.dir}\` — ${r.manifest.input.file} (sha256 ${r.manifest.input.sha256.slice(0, 12)}…), ` +
    `${r.items.length} items, classifiers ${r.info.classifiers.map((c) => `${c.name} ${c.version}`).join(', ')}`;
  const changes = configChanges(a.manifest.config, b.manifest.config);
  return [
    line('A', a),
    line('B', b),
    '',
    changes.length ? `Config changes (A → B):\n\n${changes.map((c) => `- \`${c}\``).join('\n')}` : 'Config: identical.',
  ].join('\n');
}

export function diffSameDocument(a: RunFolder, b: RunFolder): string {
  const byId = new Map(b.items.map((it) => [it.id, it]));
  const aIds = new Set(a.items.map((it) => it.id));
  const onlyA = a.items.filter((it) => !byId.has(it.id));
  const onlyB = b.items.filter((it) => !aIds.has(it.id));
  const pairs = a.items.filter((it) => byId.has(it.id)).map((it) => [it, byId.get(it.id)!] as const);
  const labelChanged = pairs.filter(([x, y]) => primaryLabel(x) !== primaryLabel(y));
  const themeChanged = pairs.filter(([x, y]) => !sameThemes(x, y));

  const transitions = new Map<string, number>();
  for (const [x, y] of labelChanged) {
    const k = `${primaryLabel(x)}\t${primaryLabel(y)}`;
    transitions.set(k, (transitions.get(k) ?? 0) + 1);
  }
  const transitionRows = [...transitions]
    .sort((p, q) => q[1] - p[1] || (p[0] < q[0] ? -1 : 1))
    .map(([k, n]) => [...k.split('\t'), n] as Cell[]);

  const evidence = (it: RunItem) => it.labels[0]?.evidence.map((e) => `「${e.text}」`).join(' ') ?? '';
  const labelRows = labelChanged.map(([x, y]) => [
    displayNumber(x),
    head(x.comment, 40),
    primaryLabel(x),
    primaryLabel(y),
    evidence(y) || evidence(x),
  ]);
  const themeRows = themeChanged.map(([x, y]) => [
    displayNumber(x),
    head(x.comment, 40),
    themeSet(x).join(', '),
    themeSet(y).join(', '),
  ]);
  const parts = [
    `# Run comparison: same document\n`,
    header(a, b),
    `\n## Summary\n`,
    `- items compared: ${pairs.length}` +
      (onlyA.length || onlyB.length ? ` (only in A: ${onlyA.length}, only in B: ${onlyB.length})` : ''),
    `- primary label changed (${a.info.classifiers[0]?.name ?? '-'} → ${b.info.classifiers[0]?.name ?? '-'}): ${labelChanged.length}`,
    `- themes changed: ${themeChanged.length}`,
  ];
  if (transitionRows.length) {
    parts.push(`\n## Label transitions\n`, md([text('from', 'A'), text('to', 'B'), int('items', 'items')], transitionRows));
    parts.push(
      `\n## Items whose label changed\n`,
      md([text('number', 'No.'), text('comment', 'comment'), text('a', 'A'), text('b', 'B'), text('evidence', 'evidence (B)')], labelRows),
    );
  }
  if (themeRows.length) {
    parts.push(
      `\n## Items whose themes changed\n`,
      md([text('number', 'No.'), text('comment', 'comment'), text('a', 'themes A'), text('b', 'themes B')], themeRows),
    );
  }
  for (const [tag, list] of [['A', onlyA], ['B', onlyB]] as const) {
    if (list.length) parts.push(`\n## Items only in ${tag}\n`, list.map((it) => `- ${it.id}: ${head(it.comment, 40)}`).join('\n'));
  }
  return parts.join('\n') + '\n';
}

function shareRows<K extends string>(keys: readonly K[], count: (r: RunFolder, k: K) => number, a: RunFolder, b: RunFolder, label: (k: K) => string): Cell[][] {
  return keys.map((k) => {
    const [ca, cb] = [count(a, k), count(b, k)];
    const [pa, pb] = [pct(ca, a.items.length), pct(cb, b.items.length)];
    return [k, label(k), ca, pa, cb, pb, diffPts(pa, pb)];
  });
}

const sideBySide: Column[] = [
  text('key', 'key'),
  text('label', 'label'),
  int('a', 'A items'),
  pctCol('a_pct', 'A %'),
  int('b', 'B items'),
  pctCol('b_pct', 'B %'),
  pctCol('diff', 'B − A (points)'),
];

export function diffRounds(a: RunFolder, b: RunFolder): string {
  const dispositions = shareRows(
    DISPOSITIONS,
    (r, d: Disposition) => r.items.filter((it) => primaryLabel(it) === d).length,
    a,
    b,
    (d) => DISPOSITION_JA[d],
  );
  const themeIds = [...new Set([...a.info.themes.map((t) => t.id), ...b.info.themes.map((t) => t.id)])];
  for (const r of [a, b]) for (const it of r.items) for (const t of it.themes) if (!themeIds.includes(t.theme)) themeIds.push(t.theme);
  const themes = shareRows(
    themeIds,
    (r, t) => r.items.filter((it) => it.themes.some((h) => h.theme === t)).length,
    a,
    b,
    (t) => (a.info.themes.some((x) => x.id === t) ? themeLabel(a, t) : themeLabel(b, t)),
  );
  return [
    `# Run comparison: two rounds\n`,
    header(a, b),
    `\n## Dispositions (primary classifier: A ${a.info.classifiers[0]?.name ?? '-'}, B ${b.info.classifiers[0]?.name ?? '-'})\n`,
    md(sideBySide, [...dispositions, ['total', '合計', a.items.length, 100, b.items.length, 100, 0]]),
    `\n## Themes (share of items with the theme; an item may have several)\n`,
    md(sideBySide, themes),
  ].join('\n');
}

export function diffRuns(a: RunFolder, b: RunFolder): string {
  return a.manifest.input.sha256 === b.manifest.input.sha256 ? diffSameDocument(a, b) : diffRounds(a, b);
}

/** Two label files, as `pubcom classify` writes them: what changed, item by item. */
export function diffLabelFiles(aFile: string, a: readonly LabelRecord[], bFile: string, b: readonly LabelRecord[]): string {
  const byId = new Map(b.map((r) => [r.id, r]));
  const aIds = new Set(a.map((r) => r.id));
  const onlyA = a.filter((r) => !byId.has(r.id));
  const onlyB = b.filter((r) => !aIds.has(r.id));
  const pairs = a.filter((r) => byId.has(r.id)).map((r) => [r, byId.get(r.id)!] as const);
  const changed = pairs.filter(([x, y]) => x.label !== y.label);
  const transitions = new Map<string, number>();
  for (const [x, y] of changed) transitions.set(`${x.label}\t${y.label}`, (transitions.get(`${x.label}\t${y.label}`) ?? 0) + 1);
  const classifiers = (rs: readonly LabelRecord[]) => [...new Set(rs.map((r) => `${r.classifier.name} ${r.classifier.version}`))].join(', ') || '-';
  const evidence = (r: LabelRecord) => r.evidence.map((e) => `「${e.text}」[${e.rule}]`).join(' ');
  const parts = [
    '# Label comparison\n',
    `- A: \`${aFile}\` — ${a.length} labels, classifier ${classifiers(a)}`,
    `- B: \`${bFile}\` — ${b.length} labels, classifier ${classifiers(b)}`,
    '\n## Summary\n',
    `- items compared: ${pairs.length}` + (onlyA.length || onlyB.length ? ` (only in A: ${onlyA.length}, only in B: ${onlyB.length})` : ''),
    `- label changed: ${changed.length}`,
    `- needs review (要確認): A ${a.filter((r) => r.needs_review).length}, B ${b.filter((r) => r.needs_review).length}`,
  ];
  if (changed.length) {
    const rows = [...transitions].sort((p, q) => q[1] - p[1] || (p[0] < q[0] ? -1 : 1)).map(([k, n]) => [...k.split('\t'), n] as Cell[]);
    parts.push('\n## Label transitions\n', md([text('from', 'A'), text('to', 'B'), int('items', 'items')], rows));
    parts.push(
      '\n## Items whose label changed\n',
      md(
        [text('id', 'id'), text('a', 'A'), text('b', 'B'), text('evidence_a', 'evidence (A)'), text('evidence_b', 'evidence (B)')],
        changed.map(([x, y]) => [x.id, x.label, y.label, evidence(x), evidence(y)]),
      ),
    );
  }
  for (const [tag, list] of [['A', onlyA], ['B', onlyB]] as const) {
    if (list.length) parts.push(`\n## Items only in ${tag}\n`, list.map((r) => `- ${r.id}`).join('\n'));
  }
  return parts.join('\n') + '\n';
}

/**
 * `diff-runs A B` on two run folders or two label files; a folder and a file together is an error naming both
 * (exit 2), as is a file that is not a label file (naming its line).
 */
export function diffPaths(a: string, b: string): string {
  const kind = (p: string) => {
    try {
      return statSync(p).isDirectory() ? 'folder' : 'file';
    } catch (e) {
      throw new InputError(p, `cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)}); expected a run folder or a labels.jsonl`);
    }
  };
  const [ka, kb] = [kind(a), kind(b)];
  if (ka !== kb) {
    throw new InputError(ka === 'file' ? a : b, `is a file while ${ka === 'file' ? b : a} is a folder: compare two run folders or two label files (labels.jsonl)`);
  }
  if (ka === 'folder') return diffRuns(readRunFolder(a), readRunFolder(b));
  return diffLabelFiles(a, readJsonl(a, LabelRecord), b, readJsonl(b, LabelRecord));
}
