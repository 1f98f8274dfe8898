// The enriched record a run produces: one Item carried through every stage, plus what the run knows as a whole.
// items.jsonl holds RunItem lines and run.json holds RunInfo, so a report can be rebuilt from a run folder alone.
import { z } from 'zod';
import { Disposition, Evidence, Item, Stance, StanceEvidence, ThemeHit } from '../core/schema.ts';

/** One classifier's verdict on one item. */
export const ItemLabel = z.object({
  classifier: z.string(),
  version: z.string(),
  label: Disposition,
  also: z.array(Disposition),
  confidence: z.number().min(0).max(1),
  evidence: z.array(Evidence),
  /** The classifier was not sure of this label: a researcher should read the response before quoting it. */
  needs_review: z.boolean().optional(),
});
export type ItemLabel = z.infer<typeof ItemLabel>;

export const RunItem = Item.extend({
  /** In the configured classifier order; the first is the run's primary classifier. */
  labels: z.array(ItemLabel),
  /**
   * The comment's stance (pipeline/stance) with the spans of `comment` that decided it. Absent in run folders
   * written before the stance stage existed; null when the comment is empty.
   */
  stance: Stance.nullable().optional(),
  stance_confidence: z.number().min(0).max(1).nullable().optional(),
  stance_evidence: z.array(StanceEvidence).optional(),
  /** Primary theme first, as the themes stage emits them. */
  themes: z.array(ThemeHit),
  /** Items with the same (near-)identical comment share a group id; null when the comment is unique. */
  duplicate_group: z.string().nullable(),
  /** Items answered with the same (near-)identical response share a template id; null when the answer is unique. */
  response_template: z.string().nullable(),
  /** Discovered cluster id (the outlier group included); null when discovery did not run. */
  cluster: z.string().nullable(),
  /** 2-D layout position for the comment map; null when no layout was computed. */
  map: z.object({ x: z.number(), y: z.number() }).nullable(),
});
export type RunItem = z.infer<typeof RunItem>;

export const ClusterInfo = z.object({
  id: z.string(),
  /** Top keywords joined by ・ (冷房設備・熱中症・体育館); absent in run folders from before names existed. */
  name: z.string().optional(),
  size: z.number().int().nonnegative(),
  keywords: z.array(z.string()),
  /** Item ids, most representative (closest to the centre) first. */
  representatives: z.array(z.string()),
  outlier: z.boolean(),
});
export type ClusterInfo = z.infer<typeof ClusterInfo>;

export const ThemeInfo = z.object({ id: z.string(), label_ja: z.string(), label_en: z.string() });
export type ThemeInfo = z.infer<typeof ThemeInfo>;

export const RunInfo = z.object({
  /** Run folder name, e.g. "seed". */
  name: z.string(),
  /** Input file as the user named it. */
  document: z.string(),
  tool_version: z.string(),
  classifiers: z.array(z.object({ name: z.string(), version: z.string() })),
  /** Codebook themes in codebook order (tables and legends follow it). */
  themes: z.array(ThemeInfo),
  clusters: z.array(ClusterInfo),
  /** The document's own title (first heading line of the input), when it has one. */
  title: z.string().nullable().optional(),
  /** Which codebook coded the themes and why (absent in older run folders). */
  codebook: z
    .object({
      requested: z.string(),
      /** The codebook file applied, or null: themes are then the discovered clusters. */
      applied: z.string().nullable(),
      reason: z.string(),
    })
    .optional(),
  /** The parse stage's notes and warnings (column boundary not found, rows joined, pages not reassembled…). */
  parse_notes: z.array(z.string()).default([]),
  /** Later stages' warnings (a round too uniform for LSA, so every comment is one cluster…): why a table looks as it does. */
  analysis_notes: z.array(z.string()).default([]),
});
export type RunInfo = z.infer<typeof RunInfo>;

export interface RunSet {
  info: RunInfo;
  items: RunItem[];
}
