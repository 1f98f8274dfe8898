// `pubcom compare A B`: agreement between two labellings of the same items, neither of them privileged.
// A is the row side of the confusion matrix; per-label F1 here is the specific (positive) agreement
// 2·n_ii / (n_i· + n_·i), which is symmetric in A and B.
import { z } from 'zod';
import { Disposition } from '../core/schema.ts';
import { align } from '../core/align.ts';
import { displayKey, mergedKeys, MetricsReport, roundMetrics, UnmatchedRow, unmatchedRow } from './evaluate.ts';
import type { LabelFile, LabelRow } from './label-file.ts';
import { computeMetrics, orderLabels } from '../core/metrics.ts';

const Side = z.object({ file: z.string(), name: z.string(), format: z.string(), records: z.number().int() });

export const Disagreement = z.object({
  key: z.string(),
  id: z.string().nullable(),
  number: z.string().nullable(),
  comment_head: z.string().nullable(),
  a_label: Disposition,
  a_also: z.array(Disposition),
  a_confidence: z.number().nullable(),
  a_evidence: z.string(),
  b_label: Disposition,
  b_also: z.array(Disposition),
  b_confidence: z.number().nullable(),
  b_evidence: z.string(),
  response: z.string().nullable(),
  aligned_by: z.enum(['id', 'number', 'comment_head']),
});
export type Disagreement = z.infer<typeof Disagreement>;

export const CompareReport = z.object({
  a: Side,
  b: Side,
  aligned: z.number().int(),
  aligned_by: z.object({ id: z.number().int(), number: z.number().int(), comment_head: z.number().int() }),
  /** accuracy = observed agreement; per_label f1 = specific agreement; support = A's count, predicted = B's. */
  metrics: MetricsReport,
  also_exact: z.object({ agree: z.number().int(), n: z.number().int() }),
  disagreements: z.array(Disagreement),
  unmatched_a: z.array(UnmatchedRow),
  unmatched_b: z.array(UnmatchedRow),
  skipped_a: z.array(z.object({ where: z.string(), reason: z.string() })),
  skipped_b: z.array(z.object({ where: z.string(), reason: z.string() })),
});
export type CompareReport = z.infer<typeof CompareReport>;

export function compare(a: LabelFile, b: LabelFile, names: { a: string; b: string } = { a: 'A', b: 'B' }): CompareReport {
  const al = align<LabelRow, LabelRow>(a.rows, b.rows, names);
  const pairs = al.pairs.map((p) => ({ keys: mergedKeys(p.a.keys, p.b.keys), a: p.a.record, b: p.b.record, by: p.by }));
  const la = pairs.map((p) => p.a.label);
  const lb = pairs.map((p) => p.b.label);
  const metrics = computeMetrics(la, lb, { labels: orderLabels([...la, ...lb]), over: 'union' });
  const agreeing = pairs.filter((p) => p.a.label === p.b.label);
  const sameAlso = agreeing.filter((p) => p.a.also.length === p.b.also.length && p.a.also.every((x) => p.b.also.includes(x)));
  const head = (s: string | null | undefined) => (s ? Array.from(s).slice(0, 30).join('') : null);
  return CompareReport.parse({
    a: { file: a.file, name: names.a, format: a.format, records: a.rows.length },
    b: { file: b.file, name: names.b, format: b.format, records: b.rows.length },
    aligned: pairs.length,
    aligned_by: al.by,
    metrics: roundMetrics(metrics),
    also_exact: { agree: sameAlso.length, n: agreeing.length },
    disagreements: pairs
      .filter((p) => p.a.label !== p.b.label)
      .map((p) => ({
        key: displayKey(p.keys),
        id: p.keys.id ?? null,
        number: p.keys.number ?? null,
        comment_head: head(p.keys.comment_head),
        a_label: p.a.label,
        a_also: p.a.also,
        a_confidence: p.a.confidence,
        a_evidence: p.a.evidence_text,
        b_label: p.b.label,
        b_also: p.b.also,
        b_confidence: p.b.confidence,
        b_evidence: p.b.evidence_text,
        response: p.a.response ?? p.b.response,
        aligned_by: p.by,
      })),
    unmatched_a: al.unmatchedA.map(unmatchedRow),
    unmatched_b: al.unmatchedB.map(unmatchedRow),
    skipped_a: a.skipped,
    skipped_b: b.skipped,
  });
}
