// The few lines `pubcom run` prints at the end: what came out, where, and how long it took.
import { DISPOSITIONS, DISPOSITION_JA } from '../report/labels.ts';
import type { RunSet } from '../report/schema.ts';
import { primaryLabel } from '../report/tables.ts';

export function runSummary(run: RunSet, out: string, skippedRows: number, totalMs: number): string {
  const n = run.items.length;
  const counts = DISPOSITIONS.map((d) => `${DISPOSITION_JA[d]} ${run.items.filter((it) => primaryLabel(it) === d).length}`);
  const themed = run.items.filter((it) => it.themes.length > 0).length;
  const templates = new Set(run.items.map((it) => it.response_template).filter(Boolean)).size;
  const dups = new Set(run.items.map((it) => it.duplicate_group).filter(Boolean)).size;
  return [
    `pubcom run: ${n} items, ${skippedRows} rows skipped (listed in parse-report.json)`,
    `  dispositions (${run.info.classifiers[0]?.name ?? '-'}): ${counts.join(' · ')}`,
    `  themes: ${themed} of ${n} items themed; ${run.info.clusters.length} clusters; ${templates} response templates; ${dups} duplicate groups`,
    `  report: ${out}/report.html   (${(totalMs / 1000).toFixed(1)} s)`,
    '',
  ].join('\n');
}
