// `pubcom train`: fits supervised, keeps the labelled examples for similarity, and fits the ensemble's stacker
// on inner cross-validation over the same rows. The model file records the training rows' hash.
import { sha256 } from '../core/hash.ts';
import { normalize } from '../core/text.ts';
import { VERSION } from '../core/version.ts';
import type { Embedder } from '../embed/types.ts';
import { fitBase, predictBase, prepareBatch, type BaseContext, type PreparedBatch } from './base.ts';
import { stackFeatures, trainStacker } from './ensemble.ts';
import { assignFolds, groupRows } from './folds.ts';
import { MODEL_FORMAT, type ClassifierModel, type EnsemblePart, type LabelledExample } from './model.ts';
import { AnsweredLabel, loadRules, type LoadedRules } from './rules-schema.ts';
import { loadSettings, type ClassifierSettings } from './settings.ts';
import type { LabelledRow } from './types.ts';
import { maxOf } from '../core/arrays.ts';

export interface TrainOptions {
  loaded?: LoadedRules;
  settings?: ClassifierSettings;
  /** Embedder for similarity (and the ensemble's similarity features); null trains without them. */
  embedder?: Embedder | null;
  /** The spec the embedder was made from ("lsa"), recorded so classification can rebuild it; default its id. */
  embedderSpec?: string | null;
  /** Also append embeddings to the supervised features. */
  embeddingFeatures?: boolean;
  /** Fit the ensemble's stacker (inner cross-validation, the costly part); default true. */
  stacker?: boolean;
  /** Where the rows came from, recorded in the model file. */
  source?: string | null;
}

export interface SkippedRow {
  id: string;
  reason: string;
}

export interface TrainResult {
  model: ClassifierModel;
  /** Rows not used for training, each with its reason (never dropped silently). */
  skipped: SkippedRow[];
}

export function trainingHash(rows: readonly LabelledExample[]): string {
  return sha256(JSON.stringify(rows.map((r) => [r.id, normalize(r.response), r.comment ?? '', r.label])));
}

/** Rows a classifier can learn from: an answered label and a non-empty response. */
export function usableRows(rows: readonly LabelledRow[]): { examples: LabelledExample[]; groups: (string | null)[]; skipped: SkippedRow[] } {
  const examples: LabelledExample[] = [];
  const groups: (string | null)[] = [];
  const skipped: SkippedRow[] = [];
  for (const r of rows) {
    const label = AnsweredLabel.safeParse(r.label);
    if (!label.success) skipped.push({ id: r.id, reason: `label "${r.label}" is not one a response can be trained on` });
    else if (!normalize(r.response)) skipped.push({ id: r.id, reason: 'empty response' });
    else {
      const comment = r.comment ? normalize(r.comment) : '';
      examples.push(comment ? { id: r.id, response: normalize(r.response), comment, label: label.data } : { id: r.id, response: normalize(r.response), label: label.data });
      groups.push(r.group ?? null);
    }
  }
  return { examples, groups, skipped };
}

export async function trainModel(rows: readonly LabelledRow[], opts: TrainOptions = {}): Promise<TrainResult> {
  const loaded = opts.loaded ?? loadRules();
  const settings = opts.settings ?? loadSettings();
  const classes = loaded.taxonomy.priority;
  const embedder = opts.embedder ?? null;
  const { examples, groups, skipped } = usableRows(rows);
  const present = new Set(examples.map((e) => e.label));
  if (present.size < 2) {
    throw new Error(`training needs at least two different labels among usable rows (found ${[...present].join(', ') || 'none'})`);
  }
  const ctx: BaseContext = { loaded, settings, classes, embedder, embeddingFeatures: !!opts.embeddingFeatures && !!embedder };
  const batch = prepareBatch(
    examples.map((e, i) => ({ id: e.id, response: e.response, comment: e.comment, response_group: groups[i] })),
    loaded,
  );
  const full = await fitBase(ctx, batch.prepared, examples);

  const ensemble = opts.stacker === false ? null : await fitStacker(ctx, batch, examples, groups);
  const labels: Record<string, number> = {};
  for (const c of classes) labels[c] = examples.filter((e) => e.label === c).length;
  const model: ClassifierModel = {
    format: MODEL_FORMAT,
    tool_version: VERSION,
    rules_version: loaded.version,
    training: { sha256: trainingHash(examples), rows: examples.length, labels, source: opts.source ?? null },
    settings,
    supervised: full.supervised,
    similarity: { embedder: embedder ? (opts.embedderSpec ?? embedder.id) : null, examples },
    ensemble,
  };
  return { model, skipped };
}

/** Inner cross-validation: each row's base predictions come from models that never saw it (or its group). */
async function fitStacker(
  ctx: BaseContext,
  batch: PreparedBatch,
  examples: readonly LabelledExample[],
  groups: readonly (string | null)[],
): Promise<EnsemblePart> {
  const { settings, classes } = ctx;
  const links = batch.rules.targets.flatMap((t, i) => (t === null ? [] : [[i, t] as [number, number]]));
  const grouped = groupRows(
    examples.map((e, i) => ({ response: e.response, group: groups[i] })),
    settings.crossval.near_duplicate_jaccard,
    links,
  );
  const folds = assignFolds(grouped, Math.min(settings.ensemble.inner_folds, new Set(grouped).size), settings.seed + 1);
  const stackRows: number[][] = new Array(examples.length);
  const withSimilarity = ctx.embedder !== null;
  const k = maxOf(folds) + 1;
  for (let f = 0; f < k; f++) {
    const train = folds.flatMap((g, i) => (g === f ? [] : [i]));
    const test = folds.flatMap((g, i) => (g === f ? [i] : []));
    if (!test.length) continue;
    const base = await fitBase(ctx, train.map((i) => batch.prepared[i]), train.map((i) => examples[i]));
    const testPrepared = test.map((i) => batch.prepared[i]);
    const pred = await predictBase(ctx, base, testPrepared);
    test.forEach((row, j) => {
      const rulesRules = batch.rules.records[row].evidence.map((e) => e.rule);
      stackRows[row] = stackFeatures(classes, batch.prepared[row], rulesRules, pred.supervised[j], pred.similarity?.[j] ?? null);
    });
  }
  return trainStacker(
    classes,
    stackRows,
    examples.map((e) => e.label),
    withSimilarity,
    settings.ensemble,
    settings.supervised.class_weight,
  );
}
