// The `supervised` classifier: multinomial logistic regression on character n-grams of the response (quoted
// draft text masked), which cue rules fired, the rules' label, and optionally the response's embedding.
import { Stance, type Evidence, type LabelRecord } from '../core/schema.ts';
import { normalize } from '../core/text.ts';
import { Move } from './decision.ts';
import { MASK_CHAR, maskQuoted, quotedSpans } from './sentences.ts';
import { predictProba, roundArray, trainLogReg, type LogRegModel, type SparseVec } from './logreg.ts';
import type { SupervisedPart } from './model.ts';
import type { RuleAnalysis } from './rules.ts';
import type { AnsweredLabel, LoadedRules } from './rules-schema.ts';
import type { ClassifierSettings } from './settings.ts';

/** What every trainable classifier needs from a response, computed once per run. */
export interface PreparedResponse {
  text: string;
  masked: string;
  analysis: RuleAnalysis;
  /** The rules classifier's label for this row (after pointer resolution). */
  rulesLabel: string;
  /**
   * Structural features the rules found: the decision-table row, the comment's stance and the response's moves,
   * as ids ("row:covered", "stance:oppose", "move:policy").
   */
  structure: string[];
  /** The comment, normalised, with quotes masked: its n-grams are features under the prefix COMMENT_PREFIX. */
  comment: string;
}

/** Comment-side n-grams live in the same vocabulary as the response's, under this prefix. */
export const COMMENT_PREFIX = 'c\u0001';

export function prepareResponse(analysis: RuleAnalysis, rules: LabelRecord, comment: string, loaded: LoadedRules): PreparedResponse {
  const masked = maskQuoted(analysis.text, quotedSpans(analysis.text, loaded.taxonomy.quotes));
  const d = rules.decision;
  const structure = d ? [`row:${d.row}`, `stance:${d.stance ?? 'unknown'}`, ...d.moves.map((m) => `move:${m}`)] : [];
  const c = normalize(comment);
  return { text: analysis.text, masked, analysis, rulesLabel: rules.label, structure, comment: maskQuoted(c, quotedSpans(c, loaded.taxonomy.quotes)) };
}

/** Every rule id, decision row, stance and move: the binary features besides the n-grams, in a fixed order. */
export function structuralFeatureIds(loaded: LoadedRules): string[] {
  return [
    ...loaded.rules.rules.map((r) => r.id),
    ...loaded.decision.rows.map((r) => `row:${r.id}`),
    ...[...Stance.options, 'unknown'].map((s) => `stance:${s}`),
    ...Move.options.map((m) => `move:${m}`),
  ];
}

type NgramSettings = Pick<ClassifierSettings['supervised'], 'ngram_min' | 'ngram_max'>;

/** Distinct n-grams outside quotes, without whitespace; sorted so feature order never depends on Set internals. */
export function ngramsOf(masked: string, s: NgramSettings): string[] {
  const out = new Set<string>();
  for (let i = 0; i < masked.length; i++) {
    for (let n = s.ngram_min; n <= s.ngram_max && i + n <= masked.length; n++) {
      const g = masked.slice(i, i + n);
      if (g.includes(MASK_CHAR) || /\s/.test(g)) break;
      out.add(g);
    }
  }
  return [...out].sort();
}

interface FeatureSpace {
  ngramIndex: Map<string, number>;
  ruleIndex: Map<string, number>;
  classes: AnsweredLabel[];
  embeddingDim: number;
  size: number;
}

function spaceOf(part: Pick<SupervisedPart, 'ngrams' | 'rule_ids' | 'classes' | 'embedding_dim'>): FeatureSpace {
  const ngramIndex = new Map(part.ngrams.map((g, i) => [g, i]));
  const ruleIndex = new Map(part.rule_ids.map((r, i) => [r, part.ngrams.length + i]));
  const size = part.ngrams.length + part.rule_ids.length + part.classes.length + part.embedding_dim;
  return { ngramIndex, ruleIndex, classes: part.classes, embeddingDim: part.embedding_dim, size };
}

function featuresOf(
  p: PreparedResponse,
  space: FeatureSpace,
  s: ClassifierSettings['supervised'],
  embedding: Float32Array | null,
): SparseVec {
  const entries: [number, number][] = [];
  const grams = ngramsOf(p.masked, s).map((g) => space.ngramIndex.get(g)).filter((i): i is number => i !== undefined);
  const g = grams.length ? 1 / Math.sqrt(grams.length) : 0;
  for (const i of grams) entries.push([i, g]);
  const commentGrams = ngramsOf(p.comment, s)
    .map((g) => space.ngramIndex.get(COMMENT_PREFIX + g))
    .filter((i): i is number => i !== undefined);
  const cg = commentGrams.length ? s.comment_scale / Math.sqrt(commentGrams.length) : 0;
  for (const i of commentGrams) entries.push([i, cg]);
  for (const id of new Set([...p.analysis.hits.map((h) => h.rule), ...p.structure])) {
    const i = space.ruleIndex.get(id);
    if (i !== undefined) entries.push([i, s.rule_feature_scale]);
  }
  const labelBase = space.ngramIndex.size + space.ruleIndex.size;
  const li = space.classes.indexOf(p.rulesLabel as AnsweredLabel);
  if (li >= 0) entries.push([labelBase + li, s.rule_feature_scale]);
  if (embedding && space.embeddingDim) {
    const base = labelBase + space.classes.length;
    for (let j = 0; j < space.embeddingDim; j++) entries.push([base + j, (embedding[j] ?? 0) * s.embedding_scale]);
  }
  entries.sort((a, b) => a[0] - b[0]);
  return { idx: Int32Array.from(entries, (e) => e[0]), val: Float64Array.from(entries, (e) => e[1]) };
}

/** Balanced class weights: every label present in training carries the same total weight. */
export function balancedWeights(ys: readonly number[], k: number, mode: 'balanced' | 'none'): number[] {
  if (mode === 'none') return ys.map(() => 1);
  const counts = new Array<number>(k).fill(0);
  for (const y of ys) counts[y]++;
  const present = counts.filter((c) => c > 0).length;
  return ys.map((y) => ys.length / (present * counts[y]));
}

export interface SupervisedTrainInput {
  prepared: readonly PreparedResponse[];
  labels: readonly AnsweredLabel[];
  classes: readonly AnsweredLabel[];
  ruleIds: readonly string[];
  settings: ClassifierSettings['supervised'];
  embeddings?: readonly Float32Array[] | null;
  embedderId?: string | null;
}

export function trainSupervised(t: SupervisedTrainInput): SupervisedPart {
  const s = t.settings;
  const df = new Map<string, number>();
  for (const p of t.prepared) {
    for (const g of ngramsOf(p.masked, s)) df.set(g, (df.get(g) ?? 0) + 1);
    if (s.comment_scale > 0) for (const g of ngramsOf(p.comment, s)) df.set(COMMENT_PREFIX + g, (df.get(COMMENT_PREFIX + g) ?? 0) + 1);
  }
  const ngrams = [...df]
    .filter(([, c]) => c >= s.min_df)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, s.max_features)
    .map(([g]) => g)
    .sort();
  const embeddingDim = t.embeddings?.[0]?.length ?? 0;
  const shape = { ngrams, rule_ids: [...t.ruleIds], classes: [...t.classes], embedding_dim: embeddingDim };
  const space = spaceOf(shape);
  const xs = t.prepared.map((p, i) => featuresOf(p, space, s, t.embeddings?.[i] ?? null));
  const ys = t.labels.map((l) => t.classes.indexOf(l));
  const model = trainLogReg(xs, ys, t.classes.length, space.size, {
    l2: s.l2,
    iterations: s.iterations,
    rowWeights: balancedWeights(ys, t.classes.length, s.class_weight),
  });
  const weights: number[][] = [];
  for (let c = 0; c < model.k; c++) weights.push(roundArray(model.weights.subarray(c * model.d, (c + 1) * model.d)));
  return {
    ...shape,
    embedder: embeddingDim ? (t.embedderId ?? null) : null,
    weights,
    bias: roundArray(model.bias),
  };
}

export interface LoadedSupervised {
  part: SupervisedPart;
  space: FeatureSpace;
  model: LogRegModel;
}

export function loadSupervised(part: SupervisedPart): LoadedSupervised {
  const space = spaceOf(part);
  const k = part.classes.length;
  const weights = new Float64Array(k * space.size);
  part.weights.forEach((row, c) => weights.set(row, c * space.size));
  return { part, space, model: { k, d: space.size, weights, bias: Float64Array.from(part.bias) } };
}

export interface SupervisedPrediction {
  probs: Float64Array;
  label: AnsweredLabel;
  /** The n-grams that pushed hardest towards the predicted label, as spans of the response. */
  evidence: Evidence[];
}

export function predictSupervised(
  m: LoadedSupervised,
  prepared: readonly PreparedResponse[],
  s: ClassifierSettings['supervised'],
  embeddings?: readonly Float32Array[] | null,
): SupervisedPrediction[] {
  return prepared.map((p, i) => {
    const x = featuresOf(p, m.space, s, embeddings?.[i] ?? null);
    const probs = predictProba(m.model, x);
    let c = 0;
    for (let j = 1; j < probs.length; j++) if (probs[j] > probs[c]) c = j;
    const label = m.part.classes[c];
    return { probs, label, evidence: ngramEvidence(m, p, c, label, s) };
  });
}

/** Top n-grams by how much more they weigh for the predicted class than on average, located in the response. */
function ngramEvidence(
  m: LoadedSupervised,
  p: PreparedResponse,
  c: number,
  label: AnsweredLabel,
  s: ClassifierSettings['supervised'],
): Evidence[] {
  const { k, d, weights } = m.model;
  const scored: { gram: string; score: number }[] = [];
  const present = ngramsOf(p.masked, s);
  for (const gram of present) {
    const f = m.space.ngramIndex.get(gram);
    if (f === undefined) continue;
    let mean = 0;
    for (let j = 0; j < k; j++) mean += weights[j * d + f];
    const score = weights[c * d + f] - mean / k;
    if (score > 0) scored.push({ gram, score });
  }
  scored.sort((a, b) => b.score - a.score || (a.gram < b.gram ? -1 : a.gram > b.gram ? 1 : 0));
  const spans: { start: number; end: number }[] = [];
  for (const { gram } of scored.slice(0, s.evidence_ngrams)) {
    const at = p.masked.indexOf(gram);
    if (at >= 0) spans.push({ start: at, end: at + gram.length });
  }
  spans.sort((a, b) => a.start - b.start || a.end - b.end);
  const merged: { start: number; end: number }[] = [];
  for (const sp of spans) {
    const last = merged[merged.length - 1];
    if (last && sp.start <= last.end) last.end = Math.max(last.end, sp.end);
    else merged.push({ ...sp });
  }
  return merged.map((sp) => ({ start: sp.start, end: sp.end, text: p.text.slice(sp.start, sp.end), rule: 'supervised:ngram', label }));
}
