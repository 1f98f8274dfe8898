// Hyper-parameters of the trainable classifiers (models/labels/classifier-settings.json), checked on load.
import { z } from 'zod';
import { readJson } from '../core/io.ts';
import { readModel } from '../core/models.ts';

export const ClassifierSettings = z.object({
  seed: z.number().int().nonnegative(),
  supervised: z.object({
    ngram_min: z.number().int().min(1),
    ngram_max: z.number().int().min(1),
    min_df: z.number().int().min(1),
    max_features: z.number().int().min(1),
    rule_feature_scale: z.number().min(0),
    /** Weight of the comment-side n-grams relative to the response's (0 leaves the comment out). */
    comment_scale: z.number().min(0).default(0.5),
    embedding_scale: z.number().min(0),
    l2: z.number().min(0),
    iterations: z.number().int().min(1),
    class_weight: z.enum(['balanced', 'none']),
    evidence_ngrams: z.number().int().min(1),
    rationale: z.string(),
  }),
  similarity: z.object({
    k: z.number().int().min(1),
    temperature: z.number().gt(0),
    prototype_weight: z.number().min(0).max(1),
    prototype_neighbours: z.number().int().min(1),
    evidence_examples: z.number().int().min(1),
    rationale: z.string(),
  }),
  ensemble: z.object({
    inner_folds: z.number().int().min(2),
    l2: z.number().min(0),
    iterations: z.number().int().min(1),
    rationale: z.string(),
  }),
  crossval: z.object({
    folds: z.number().int().min(2),
    near_duplicate_jaccard: z.number().gt(0).max(1),
    rationale: z.string(),
  }),
});
export type ClassifierSettings = z.infer<typeof ClassifierSettings>;

export function loadSettings(path?: string): ClassifierSettings {
  if (path) return readJson(path, ClassifierSettings);
  return readModel('labels/classifier-settings.json', ClassifierSettings);
}
