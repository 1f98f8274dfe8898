// Shared plumbing for the trainable classifiers: rules over a batch, prepared responses, and fitting/predicting
// the supervised and similarity models on any subset of labelled rows.
import type { Embedder } from '../embed/types.ts';
import type { LabelledExample, SupervisedPart } from './model.ts';
import { classifyWithRules, type RulesResult } from './rules.ts';
import type { AnsweredLabel, LoadedRules } from './rules-schema.ts';
import type { ClassifierSettings } from './settings.ts';
import { buildSimilarityIndex, embeddingText, predictSimilarity, type SimilarityPrediction } from './similarity.ts';
import {
  loadSupervised,
  structuralFeatureIds,
  predictSupervised,
  prepareResponse,
  trainSupervised,
  type PreparedResponse,
  type SupervisedPrediction,
} from './supervised.ts';
import type { ClassifyInput } from './types.ts';

export interface PreparedBatch {
  rules: RulesResult;
  prepared: PreparedResponse[];
}

const batches = new WeakMap<readonly ClassifyInput[], { loaded: LoadedRules; batch: PreparedBatch }>();

/**
 * The rules' records and every row's prepared response. Remembered per inputs array (and rules), so a run that
 * asks for rules and then ensemble over the same items analyses the responses once; callers never mutate it.
 */
export function prepareBatch(inputs: readonly ClassifyInput[], loaded: LoadedRules): PreparedBatch {
  const known = batches.get(inputs);
  if (known && known.loaded === loaded) return known.batch;
  const rules = classifyWithRules(inputs, loaded);
  const memo = new Map<string, string>();
  const prepared = rules.analyses.map((a, i) => prepareResponse(a, rules.records[i], inputs[i].comment ?? '', loaded, memo));
  const batch = { rules, prepared };
  batches.set(inputs, { loaded, batch });
  return batch;
}

export interface BaseModels {
  supervised: SupervisedPart;
  /** Examples the similarity index is built from (whenever an embedder is available). */
  examples: LabelledExample[];
}

export interface BasePredictions {
  supervised: SupervisedPrediction[];
  similarity: SimilarityPrediction[] | null;
}

export interface BaseContext {
  loaded: LoadedRules;
  settings: ClassifierSettings;
  classes: readonly AnsweredLabel[];
  embedder: Embedder | null;
  /** Append the response's embedding to the supervised features (needs an embedder). */
  embeddingFeatures: boolean;
}

/** Trains the supervised model on the given rows (prepared[i] ↔ examples[i]). */
export async function fitBase(ctx: BaseContext, prepared: readonly PreparedResponse[], examples: readonly LabelledExample[]): Promise<BaseModels> {
  let embeddings: Float32Array[] | null = null;
  if (ctx.embeddingFeatures && ctx.embedder) {
    embeddings = (await buildSimilarityIndex(examples, ctx.embedder, ctx.classes)).vectors;
  }
  const supervised = trainSupervised({
    prepared,
    labels: examples.map((e) => e.label),
    classes: ctx.classes,
    ruleIds: structuralFeatureIds(ctx.loaded),
    settings: ctx.settings.supervised,
    embeddings,
    embedderId: ctx.embedder?.id ?? null,
  });
  return { supervised, examples: [...examples] };
}

/** Predictions of both base models for `prepared`; the similarity index (and an lsa space) is rebuilt from the examples. */
export async function predictBase(ctx: BaseContext, models: BaseModels, prepared: readonly PreparedResponse[]): Promise<BasePredictions> {
  let similarity: SimilarityPrediction[] | null = null;
  let embeddings: Float32Array[] | null = null;
  if (ctx.embedder) {
    const index = await buildSimilarityIndex(models.examples, ctx.embedder, ctx.classes);
    similarity = await predictSimilarity(index, prepared, ctx.settings.similarity);
    if (models.supervised.embedding_dim) {
      // Same text and kind as the training vectors (buildSimilarityIndex embeds examples as passages).
      embeddings = await ctx.embedder.embed(prepared.map((p) => embeddingText(p.text)), 'passage');
    }
  }
  const sup = loadSupervised(models.supervised);
  const supervised = predictSupervised(sup, prepared, ctx.settings.supervised, embeddings);
  return { supervised, similarity };
}
