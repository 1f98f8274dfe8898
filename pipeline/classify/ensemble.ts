// The `ensemble` classifier: a stacked, calibrated combination of rules, supervised and similarity. The stacker
// is a small multinomial logistic regression trained on the base classifiers' outputs for rows they did not see
// (inner cross-validation over the training rows only), so its probabilities are calibrated (multi-class Platt).
import type { Disposition } from '../core/schema.ts';
import { dense, predictProba, roundArray, trainLogReg, type LogRegModel } from './logreg.ts';
import type { EnsemblePart } from './model.ts';
import { labelScores } from './rules.ts';
import type { AnsweredLabel } from './rules-schema.ts';
import type { ClassifierSettings } from './settings.ts';
import type { SimilarityPrediction } from './similarity.ts';
import { balancedWeights, type PreparedResponse, type SupervisedPrediction } from './supervised.ts';

export function stackFeatureNames(classes: readonly AnsweredLabel[], withSimilarity: boolean): string[] {
  return [
    ...classes.map((c) => `rules=${c}`),
    ...classes.map((c) => `rules_score:${c}`),
    'rules_fallback',
    ...classes.map((c) => `supervised:${c}`),
    ...(withSimilarity ? classes.map((c) => `similarity:${c}`) : []),
  ];
}

export function stackFeatures(
  classes: readonly AnsweredLabel[],
  p: PreparedResponse,
  rulesEvidenceRules: readonly string[],
  sup: SupervisedPrediction,
  sim: SimilarityPrediction | null,
): number[] {
  const scores = labelScores(p.analysis.hits);
  return [
    ...classes.map((c) => (p.rulesLabel === c ? 1 : 0)),
    ...classes.map((c) => scores.get(c) ?? 0),
    rulesEvidenceRules.includes('fallback') ? 1 : 0,
    ...Array.from(sup.probs),
    ...(sim ? Array.from(sim.probs) : []),
  ];
}

export function trainStacker(
  classes: readonly AnsweredLabel[],
  rows: readonly number[][],
  labels: readonly AnsweredLabel[],
  withSimilarity: boolean,
  s: ClassifierSettings['ensemble'],
  classWeight: 'balanced' | 'none',
): EnsemblePart {
  const features = stackFeatureNames(classes, withSimilarity);
  const ys = labels.map((l) => classes.indexOf(l));
  const model = trainLogReg(rows.map(dense), ys, classes.length, features.length, {
    l2: s.l2,
    iterations: s.iterations,
    rowWeights: balancedWeights(ys, classes.length, classWeight),
  });
  const weights: number[][] = [];
  for (let c = 0; c < model.k; c++) weights.push(roundArray(model.weights.subarray(c * model.d, (c + 1) * model.d)));
  return { features, uses_similarity: withSimilarity, classes: [...classes], weights, bias: roundArray(model.bias) };
}

export function loadStacker(part: EnsemblePart): LogRegModel {
  const d = part.features.length;
  const weights = new Float64Array(part.classes.length * d);
  part.weights.forEach((row, c) => weights.set(row, c * d));
  return { k: part.classes.length, d, weights, bias: Float64Array.from(part.bias) };
}

export function stackPredict(part: EnsemblePart, model: LogRegModel, features: readonly number[]): { label: Disposition; probs: Float64Array } {
  const probs = predictProba(model, dense(features));
  let c = 0;
  for (let j = 1; j < probs.length; j++) if (probs[j] > probs[c]) c = j;
  return { label: part.classes[c], probs };
}
