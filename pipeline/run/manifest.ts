// manifest.json: how a run folder was made. Everything but `timings_ms` is a function of the input and the
// config, so two runs can be checked for identity by comparing manifests without their timings.
import { z } from 'zod';

export const Manifest = z.object({
  tool: z.literal('pubcom-lens'),
  version: z.string(),
  input: z.object({
    file: z.string(),
    format: z.string(),
    bytes: z.number().int().nonnegative(),
    sha256: z.string(),
  }),
  config: z.record(z.string(), z.unknown()),
  config_sha256: z.string(),
  models: z.object({
    classifiers: z.array(
      z.object({ name: z.string(), version: z.string(), model: z.object({ file: z.string(), sha256: z.string() }).nullable() }),
    ),
    embedder: z.string(),
    /** The codebook applied (file null when none) and how it was chosen: `--codebook auto` records every fit measured. */
    codebook: z.object({
      file: z.string().nullable(),
      sha256: z.string().nullable(),
      version: z.string().nullable(),
      requested: z.string().optional(),
      reason: z.string().optional(),
      fits: z
        .array(
          z.object({
            file: z.string(),
            domain: z.string(),
            comments: z.number(),
            rule_hits: z.number(),
            rule_share: z.number(),
            vocabulary: z.string(),
            vocabulary_hits: z.number(),
            vocabulary_share: z.number(),
            min_rule_share: z.number(),
            min_vocabulary_share: z.number(),
            fits: z.boolean(),
          }),
        )
        .optional(),
    }),
    /** The stance stage's cue rules (absent in manifests from before the stage existed). */
    stance: z.object({ file: z.string(), sha256: z.string(), version: z.string() }).optional(),
  }),
  counts: z.object({
    items: z.number().int().nonnegative(),
    skipped_rows: z.number().int().nonnegative(),
    no_response: z.number().int().nonnegative(),
    with_theme: z.number().int().nonnegative(),
    /** Discovered clusters, the outlier group not counted (the same k as `pubcom themes` prints). */
    clusters: z.number().int().nonnegative(),
    outliers: z.number().int().nonnegative().optional(),
    response_templates: z.number().int().nonnegative(),
    duplicate_groups: z.number().int().nonnegative(),
  }),
  /** The parse stage's notes and warnings, as printed by `run` and listed in report.html (解析上の注意). */
  parse_notes: z.array(z.string()).default([]),
  seeds: z.record(z.string(), z.number()),
  /** sha256 of every other file of the run folder, by relative path. */
  files: z.record(z.string(), z.string()),
  /** What the run could not do as usual, and why (absent when nothing): e.g. one distinct comment, no similarity space. */
  warnings: z.array(z.string()).optional(),
  /** Wall-clock milliseconds per stage and in total. This and peak_rss_mb are all that differ between identical runs. */
  timings_ms: z.record(z.string(), z.number()),
  /** Peak resident memory of the process when each stage ended, in MB. */
  peak_rss_mb: z.record(z.string(), z.number()),
});
export type Manifest = z.infer<typeof Manifest>;
