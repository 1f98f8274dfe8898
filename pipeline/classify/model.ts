// The trained-classifier file written by `pubcom train` (models/classifiers/<name>.json), checked on load.
import { resolve } from 'node:path';
import { z } from 'zod';
import { readModelFile } from '../core/models.ts';
import { AnsweredLabel } from './rules-schema.ts';
import { ClassifierSettings } from './settings.ts';

export const MODEL_FORMAT = 'pubcom-classifier/1';

// The supervised part holds ~30,000 n-grams and K rows of as many weights: one zod check per element took most of
// the 0.2 s a model load cost a 10-row run, so these two shapes are checked by plain loops.
const finiteRows = z.custom<number[][]>(
  (v) => Array.isArray(v) && v.every((row) => Array.isArray(row) && row.every((x) => typeof x === 'number' && Number.isFinite(x))),
  'expected rows (arrays) of finite numbers',
);
const strings = z.custom<string[]>((v) => Array.isArray(v) && v.every((x) => typeof x === 'string'), 'expected an array of strings');

export const SupervisedPart = z.object({
  classes: z.array(AnsweredLabel),
  ngrams: strings,
  rule_ids: z.array(z.string()),
  /** Embedder spec whose vectors were appended to the features, or null. */
  embedder: z.string().nullable(),
  embedding_dim: z.number().int().nonnegative(),
  /** K rows of D weights: n-grams, then rule ids, then the rules label one-hot, then embedding dims. */
  weights: finiteRows,
  bias: z.array(z.number()),
});
export type SupervisedPart = z.infer<typeof SupervisedPart>;

export const LabelledExample = z.object({ id: z.string(), response: z.string(), comment: z.string().optional(), label: AnsweredLabel });
export type LabelledExample = z.infer<typeof LabelledExample>;

export const EnsemblePart = z.object({
  features: z.array(z.string()),
  uses_similarity: z.boolean(),
  classes: z.array(AnsweredLabel),
  weights: z.array(z.array(z.number())),
  bias: z.array(z.number()),
});
export type EnsemblePart = z.infer<typeof EnsemblePart>;

export const ClassifierModel = z.object({
  format: z.literal(MODEL_FORMAT),
  tool_version: z.string(),
  rules_version: z.string(),
  training: z.object({
    /** sha256 over the training rows (id, normalised response, label) in training order. */
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    rows: z.number().int().nonnegative(),
    labels: z.record(z.string(), z.number().int().nonnegative()),
    source: z.string().nullable(),
  }),
  settings: ClassifierSettings,
  supervised: SupervisedPart,
  /** The labelled responses similarity searches (and lsa refits its space on). */
  similarity: z.object({ embedder: z.string().nullable(), examples: z.array(LabelledExample) }),
  /** Null only for models trained without the stacker (cross-validation of supervised/similarity). */
  ensemble: EnsemblePart.nullable(),
});
export type ClassifierModel = z.infer<typeof ClassifierModel>;

export function readModel(path: string): ClassifierModel {
  return readModelFile(resolve(path), ClassifierModel).value;
}
