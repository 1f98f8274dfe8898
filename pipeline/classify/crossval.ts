// Out-of-fold labels for evaluation: a trainable classifier labels each row with a model trained only on the
// other folds; folds are grouped so shared, identical or near-identical answers never straddle train and test.
import type { LabelRecord } from '../core/schema.ts';
import type { Embedder } from '../embed/types.ts';
import { prepareBatch } from './base.ts';
import { assignFolds, groupRows } from './folds.ts';
import { classify } from './classify.ts';
import { loadRules, type LoadedRules } from './rules-schema.ts';
import { loadSettings, type ClassifierSettings } from './settings.ts';
import { trainModel } from './train.ts';
import type { ClassifierName, ClassifyInput, LabelledRow } from './types.ts';
import { maxOf } from '../core/arrays.ts';
import { CLASSIFIERS } from './classifiers/index.ts';

export interface CrossValidateOptions {
  folds?: number;
  seed?: number;
  /** Used by similarity and by the ensemble's similarity features; without it the ensemble stacks rules + supervised. */
  embedder?: Embedder | null;
  embedderSpec?: string | null;
  embeddingFeatures?: boolean;
  rules?: LoadedRules;
  settings?: ClassifierSettings;
}

export interface FoldAssignment {
  /** Fold index per row (input order). */
  folds: number[];
  /** Group representative per row: rows with the same value are always in the same fold. */
  groups: number[];
}

/** The grouped folds crossValidate uses, exposed so evaluations can report them. */
export function crossValidationFolds(
  rows: readonly LabelledRow[],
  opts: { folds?: number; seed?: number; rules?: LoadedRules; settings?: ClassifierSettings } = {},
): FoldAssignment {
  const settings = opts.settings ?? loadSettings();
  const loaded = opts.rules ?? loadRules();
  const k = opts.folds ?? settings.crossval.folds;
  const seed = opts.seed ?? settings.seed;
  const batch = prepareBatch(toInputs(rows), loaded);
  const links = batch.rules.targets.flatMap((t, i) => (t === null ? [] : [[i, t] as [number, number]]));
  const groups = groupRows(rows, settings.crossval.near_duplicate_jaccard, links);
  return { folds: assignFolds(groups, Math.min(k, new Set(groups).size), seed), groups };
}

function toInputs(rows: readonly LabelledRow[]): ClassifyInput[] {
  return rows.map((r) => ({ id: r.id, response: r.response, comment: r.comment, response_group: r.group ?? null }));
}

/**
 * Out-of-fold LabelRecords in input order. `rules` needs no training and labels all rows at once; the others
 * train on k−1 folds (the ensemble's stacker on inner folds of those) and label the held-out fold.
 */
export async function crossValidate(
  rows: readonly LabelledRow[],
  classifierName: ClassifierName,
  opts: CrossValidateOptions = {},
): Promise<LabelRecord[]> {
  const loaded = opts.rules ?? loadRules();
  const inputs = toInputs(rows);
  if (CLASSIFIERS[classifierName].modelPart === null) return classify(inputs, { classifier: classifierName, rules: loaded });
  const { folds } = crossValidationFolds(rows, { ...opts, rules: loaded });
  const out = new Array<LabelRecord>(rows.length);
  const k = maxOf(folds) + 1;
  for (let f = 0; f < k; f++) {
    const train = rows.filter((_, i) => folds[i] !== f);
    const { model } = await trainModel(train, {
      loaded,
      settings: opts.settings,
      embedder: opts.embedder ?? null,
      embedderSpec: opts.embedderSpec ?? null,
      embeddingFeatures: opts.embeddingFeatures,
      stacker: CLASSIFIERS[classifierName].stacked,
    });
    // All rows are classified so pointers can reach targets in other folds; only this fold's rows are kept.
    const records = await classify(inputs, { classifier: classifierName, model, embedder: opts.embedder ?? null, rules: loaded });
    records.forEach((r, i) => {
      if (folds[i] === f) out[i] = r;
    });
  }
  return out;
}
