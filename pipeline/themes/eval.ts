// Theme quality against a labelled set: per-theme precision/recall/F1 and primary-theme accuracy; cluster
// agreement with the document's own section headings (NMI). Called by `npm run eval` and scripts/eval-themes.ts.
import { align } from '../core/align.ts';
import type { GoldRecord, Item, ThemeRecord } from '../core/schema.ts';
import { commentHead } from '../core/text.ts';
import { nmi } from './metrics.ts';
import type { ClustersFile } from './schema.ts';

export interface ThemeScore {
  theme: string;
  support: number;
  predicted: number;
  tp: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
  f1: number;
}

export interface ThemeEvaluation {
  /** Gold rows matched to an item (by number, else by comment_head), and those that were not. */
  aligned: number;
  unaligned: { number: string | null; comment_head: string | null }[];
  perTheme: ThemeScore[];
  micro: { precision: number; recall: number; f1: number };
  macroF1: number;
  /** Share of aligned items whose first predicted theme is among the gold themes / is the gold primary. */
  primaryInGold: number;
  primaryExact: number;
  /** Items with no predicted theme. */
  unthemed: number;
}

const r3 = (x: number): number => Math.round(x * 1000) / 1000;
const ratio = (a: number, b: number): number => (b ? a / b : 0);
const f1of = (p: number, r: number): number => (p + r ? (2 * p * r) / (p + r) : 0);

/**
 * Pairs gold rows with items by the one alignment every comparison uses (core/align.ts): the printed (or inferred)
 * number, then the 30-character comment head, each only where it names one record on both sides.
 */
export function alignGold(items: readonly Item[], gold: readonly GoldRecord[]): { pairs: [Item, GoldRecord][]; unaligned: GoldRecord[] } {
  const keyedItems = items.map((item) => ({ keys: { number: item.number ?? item.inferred_number, comment_head: commentHead(item.comment) }, record: item, where: item.id }));
  const keyedGold = gold.map((g, i) => ({ keys: { number: g.number ?? null, comment_head: g.comment_head ?? null }, record: g, where: `row ${i + 1}` }));
  const { pairs, unmatchedB } = align(keyedItems, keyedGold, { a: 'the items', b: 'the gold' });
  const order = new Map(gold.map((g, i) => [g, i]));
  return {
    pairs: pairs.map((p): [Item, GoldRecord] => [p.a.record, p.b.record]).sort((x, y) => order.get(x[1])! - order.get(y[1])!),
    unaligned: unmatchedB.map((u) => u.record),
  };
}

/**
 * Per-theme figures over the gold rows that carry `themes`. Themes are the union of the gold and predicted
 * theme ids, in order of first appearance in `themeOrder` (e.g. the codebook), then alphabetically.
 */
export function evaluateThemes(
  items: readonly Item[],
  themeRecords: readonly ThemeRecord[],
  gold: readonly GoldRecord[],
  themeOrder: readonly string[] = [],
): ThemeEvaluation {
  const labelled = gold.filter((g) => Array.isArray(g.themes));
  const { pairs, unaligned } = alignGold(items, labelled);
  const predictedOf = new Map(themeRecords.map((r) => [r.id, r.themes.map((t) => t.theme)]));
  const ids = new Set<string>(themeOrder);
  for (const [item, g] of pairs) {
    g.themes!.forEach((t) => ids.add(t));
    (predictedOf.get(item.id) ?? []).forEach((t) => ids.add(t));
  }
  const order = [...themeOrder, ...[...ids].filter((t) => !themeOrder.includes(t)).sort()];
  const counts = new Map(order.map((t) => [t, { tp: 0, fp: 0, fn: 0, support: 0, predicted: 0 }]));
  let primaryInGold = 0;
  let primaryExact = 0;
  let unthemed = 0;
  for (const [item, g] of pairs) {
    const truth = new Set(g.themes!);
    const predicted = predictedOf.get(item.id) ?? [];
    if (!predicted.length) unthemed++;
    else {
      if (truth.has(predicted[0])) primaryInGold++;
      if (predicted[0] === g.themes![0]) primaryExact++;
    }
    const pred = new Set(predicted);
    for (const t of order) {
      const c = counts.get(t)!;
      if (truth.has(t)) c.support++;
      if (pred.has(t)) c.predicted++;
      if (truth.has(t) && pred.has(t)) c.tp++;
      else if (pred.has(t)) c.fp++;
      else if (truth.has(t)) c.fn++;
    }
  }
  const perTheme: ThemeScore[] = order.map((theme) => {
    const c = counts.get(theme)!;
    const precision = ratio(c.tp, c.tp + c.fp);
    const recall = ratio(c.tp, c.tp + c.fn);
    return { theme, ...c, precision: r3(precision), recall: r3(recall), f1: r3(f1of(precision, recall)) };
  });
  const tot = perTheme.reduce((s, x) => ({ tp: s.tp + x.tp, fp: s.fp + x.fp, fn: s.fn + x.fn }), { tp: 0, fp: 0, fn: 0 });
  const mp = ratio(tot.tp, tot.tp + tot.fp);
  const mr = ratio(tot.tp, tot.tp + tot.fn);
  const scored = perTheme.filter((x) => x.support > 0);
  return {
    aligned: pairs.length,
    unaligned: unaligned.map((g) => ({ number: g.number ?? null, comment_head: g.comment_head ?? null })),
    perTheme,
    micro: { precision: r3(mp), recall: r3(mr), f1: r3(f1of(mp, mr)) },
    macroF1: r3(scored.reduce((s, x) => s + x.f1, 0) / Math.max(scored.length, 1)),
    primaryInGold: r3(ratio(primaryInGold, pairs.length)),
    primaryExact: r3(ratio(primaryExact, pairs.length)),
    unthemed,
  };
}

export interface ClusterAgreement {
  silhouette: number;
  k: number;
  /** NMI of the cluster ids (the outlier group as one more cluster) with the items' sections. */
  nmi: number;
  /** The same over the items outside the outlier group only. */
  nmiWithoutOutliers: number;
  outliers: number;
  clustered: number;
}

/** Agreement of discovered clusters with the document's section headings (items without a section: "(none)"). */
export function clusterAgreement(items: readonly Item[], clusters: ClustersFile): ClusterAgreement {
  const sectionOf = new Map(items.map((i) => [i.id, i.section ?? '(none)']));
  const rows = clusters.items.filter((a) => sectionOf.has(a.id));
  const inliers = rows.filter((a) => a.cluster !== 'outliers');
  return {
    silhouette: clusters.silhouette,
    k: clusters.k,
    nmi: r3(nmi(rows.map((a) => a.cluster), rows.map((a) => sectionOf.get(a.id)!))),
    nmiWithoutOutliers: r3(nmi(inliers.map((a) => a.cluster), inliers.map((a) => sectionOf.get(a.id)!))),
    outliers: rows.length - inliers.length,
    clustered: rows.length,
  };
}

/** Plain-text table for terminals and notes. */
export function formatThemeEvaluation(e: ThemeEvaluation): string {
  const lines = [`aligned ${e.aligned} gold rows${e.unaligned.length ? `, ${e.unaligned.length} unaligned` : ''}`];
  lines.push(`${'theme'.padEnd(18)} ${'support'.padStart(7)} ${'pred'.padStart(5)} ${'P'.padStart(6)} ${'R'.padStart(6)} ${'F1'.padStart(6)}`);
  for (const t of e.perTheme) {
    lines.push(
      `${t.theme.padEnd(18)} ${String(t.support).padStart(7)} ${String(t.predicted).padStart(5)} ${t.precision.toFixed(3).padStart(6)} ${t.recall.toFixed(3).padStart(6)} ${t.f1.toFixed(3).padStart(6)}`,
    );
  }
  lines.push(`micro P/R/F1 ${e.micro.precision.toFixed(3)} / ${e.micro.recall.toFixed(3)} / ${e.micro.f1.toFixed(3)}; macro-F1 ${e.macroF1.toFixed(3)}`);
  lines.push(`primary theme among gold themes ${e.primaryInGold.toFixed(3)}, equal to gold primary ${e.primaryExact.toFixed(3)}; items without a theme ${e.unthemed}`);
  return lines.join('\n');
}
