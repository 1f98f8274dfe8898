// The few lines `pubcom run` prints at the end: what came out, where, and how long it took.
import { DISPOSITIONS, DISPOSITION_JA, NO_STANCE, STANCES } from '../report/labels.ts';
import type { RunSet } from '../report/schema.ts';
import { clusterCount } from './index.ts';
import { categoryKey, dispositionCounts, hasCategory, hasStance, indexesBy, primaryLabels, reviewCount, stanceKey, stanceLabel } from '../report/tables.ts';

/** Every parse note, so a run that had to guess never looks clean. */
function parseNotes(notes: readonly string[]): string[] {
  if (!notes.length) return [];
  return [`  parse notes (${notes.length}; also in report.html 解析上の注意 and manifest.json):`, ...notes.map((n) => `    - ${n}`)];
}

/** What parse left out: parts holding text (a title, a separator), and blank lines or rows (which hold none). */
export interface SkippedInput {
  withText: number;
  blank: number;
}

/** The document's codes with their counts, in order of first appearance. */
function categoryCounts(run: RunSet): string {
  return [...indexesBy(run.items, categoryKey)].map(([code, at]) => `${code} ${at.length}`).join(' · ');
}

export function runSummary(run: RunSet, out: string, skipped: SkippedInput, totalMs: number): string {
  const n = run.items.length;
  const tally = dispositionCounts(primaryLabels(run));
  const counts = DISPOSITIONS.map((d, k) => `${DISPOSITION_JA[d]} ${tally[k]}`);
  const themed = run.items.filter((it) => it.themes.length > 0).length;
  const templates = new Set(run.items.map((it) => it.response_template).filter(Boolean)).size;
  const dups = new Set(run.items.map((it) => it.duplicate_group).filter(Boolean)).size;
  // Every classifier that produced labels, the driving one first: how many labels to read before quoting.
  const review = run.info.classifiers.map((c) => `${c.name} ${reviewCount(run, c.name)}`);
  const byStance = indexesBy(run.items, stanceKey);
  const stances = [...STANCES, NO_STANCE]
    .map((k) => [stanceLabel(k), byStance.get(k)?.length ?? 0] as const)
    .filter(([k, c]) => c > 0 || k !== NO_STANCE)
    .map(([k, c]) => `${k} ${c}`);
  return [
    // Both kinds are counted: a blank row skipped is still a row of the input that became no item.
    `pubcom run: ${n} items; skipped ${skipped.withText} input parts with text and ${skipped.blank} blank lines or rows (each listed with its reason in parse-report.json)`,
    `  dispositions (${run.info.classifiers[0]?.name ?? '-'}): ${counts.join(' · ')}`,
    ...(review.length ? [`  needs review (要確認): ${review.join(' · ')}`] : []),
    ...(hasStance(run) ? [`  stance: ${stances.join(' · ')}`] : []),
    ...(hasCategory(run) ? [`  document's own 対応区分: ${categoryCounts(run)} (beside the labels: tables/dispositions_by_category)`] : []),
    ...(run.info.codebook ? [`  codebook: ${run.info.codebook.reason}`] : []),
    `  themes: ${themed} of ${n} items themed${run.info.codebook && !run.info.codebook.applied ? ' (by discovered cluster; no codebook)' : ''}; ` +
      `${clusterCount(run.info.clusters)}; ${templates} response templates; ${dups} duplicate groups`,
    ...(run.info.codebook && !run.info.codebook.applied ? [`  draft codebook: ${out}/codebook.draft.json (edit, then rerun with --codebook)`] : []),
    ...parseNotes(run.info.parse_notes ?? []),
    `  report: ${out}/report.html   (${(totalMs / 1000).toFixed(1)} s)`,
    '',
  ].join('\n');
}
