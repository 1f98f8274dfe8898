// The `supervised` classifier: multinomial logistic regression on character n-grams of the response (quoted
// draft text masked), which cue rules fired, the rules' label, and optionally the response's embedding.
import { Stance, type Evidence, type LabelRecord } from '../core/schema.ts';
import { normalize } from '../core/text.ts';
import { Move } from './decision.ts';
import { buildGramTable, GramMatches, matchGrams, type GramTable } from './gram-table.ts';
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

/** `memo` (text → masked text) lets a batch mask each distinct response and comment once. */
export function prepareResponse(
  analysis: RuleAnalysis,
  rules: LabelRecord,
  comment: string,
  loaded: LoadedRules,
  memo: Map<string, string> = new Map(),
): PreparedResponse {
  const maskOnce = (key: string, text: string) => {
    let m = memo.get(key);
    if (m === undefined) memo.set(key, (m = maskQuoted(text, quotedSpans(text, loaded.taxonomy.quotes))));
    return m;
  };
  // The rules analysis already masked the response's quotes.
  const masked = analysis.masked;
  const d = rules.decision;
  const structure = d ? [`row:${d.row}`, `stance:${d.stance ?? 'unknown'}`, ...d.moves.map((m) => `move:${m}`)] : [];
  const c = normalize(comment);
  return { text: analysis.text, masked, analysis, rulesLabel: rules.label, structure, comment: maskOnce(`c\u0000${c}`, c) };
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

const MASK_CODE = MASK_CHAR.charCodeAt(0);
/** Match buffers reused from row to row (single-threaded): the response's and the comment's n-grams. */
const RESPONSE_MATCHES = new GramMatches();
const COMMENT_MATCHES = new GramMatches();

/** A character that ends every n-gram reaching it: masked quote text or whitespace (the text is normalised). */
function isBreak(code: number): boolean {
  return code === MASK_CODE || code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d || code === 0x3000;
}

/** Distinct n-grams outside quotes, without whitespace, in first-occurrence order (the hot path: no sort). */
function distinctNgrams(masked: string, s: NgramSettings): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i < masked.length; i++) {
    for (let n = s.ngram_min; n <= s.ngram_max && i + n <= masked.length; n++) {
      let broken = false;
      for (let j = n === s.ngram_min ? i : i + n - 1; j < i + n; j++) {
        if (isBreak(masked.charCodeAt(j))) {
          broken = true;
          break;
        }
      }
      if (broken) break;
      out.add(masked.slice(i, i + n));
    }
  }
  return out;
}

/** Distinct n-grams outside quotes, without whitespace; sorted so feature order never depends on Set internals. */
export function ngramsOf(masked: string, s: NgramSettings): string[] {
  return [...distinctNgrams(masked, s)].sort();
}

interface FeatureSpace {
  ngramIndex: Map<string, number>;
  /** The response-side n-grams (no prefix) and the comment-side ones, as exact numeric lookup tables. */
  responseGrams: GramTable;
  commentGrams: GramTable;
  /** 1 where the n-gram feature is a comment-side one. */
  commentFeature: Uint8Array;
  ruleIndex: Map<string, number>;
  classes: AnsweredLabel[];
  embeddingDim: number;
  size: number;
}

function spaceOf(part: Pick<SupervisedPart, 'ngrams' | 'rule_ids' | 'classes' | 'embedding_dim'>): FeatureSpace {
  const ngramIndex = new Map(part.ngrams.map((g, i) => [g, i]));
  const ruleIndex = new Map(part.rule_ids.map((r, i) => [r, part.ngrams.length + i]));
  const size = part.ngrams.length + part.rule_ids.length + part.classes.length + part.embedding_dim;
  const bare = (g: string) => (g.startsWith(COMMENT_PREFIX) ? g.slice(COMMENT_PREFIX.length) : g);
  const odd = part.ngrams.find((g) => bare(g).length < 2 || bare(g).length > 4);
  if (odd !== undefined) throw new Error(`supervised model: n-gram "${odd}" is not 2–4 characters long (settings ngram_min/ngram_max must stay within 2–4)`);
  const commentFeature = Uint8Array.from(part.ngrams, (g) => (g.startsWith(COMMENT_PREFIX) ? 1 : 0));
  const responseGrams = buildGramTable(part.ngrams.map((g) => (g.startsWith(COMMENT_PREFIX) ? '' : g)), 0, 2, 4);
  const commentGrams = buildGramTable(part.ngrams.map((g) => (g.startsWith(COMMENT_PREFIX) ? bare(g) : '')), 0, 2, 4);
  return { ngramIndex, responseGrams, commentGrams, commentFeature, ruleIndex, classes: part.classes, embeddingDim: part.embedding_dim, size };
}

function featuresOf(
  p: PreparedResponse,
  space: FeatureSpace,
  s: ClassifierSettings['supervised'],
  embedding: Float32Array | null,
  responseGrams: GramMatches = matchGrams(p.masked, space.responseGrams, isBreak, RESPONSE_MATCHES),
): SparseVec {
  // Index ranges never interleave: n-grams (response and comment, one sorted vocabulary), then rule and
  // structure ids, then the rules' label, then the embedding; each part is sorted on its own, numerically.
  const nr = responseGrams.count;
  const nc = s.comment_scale > 0 ? matchGrams(p.comment, space.commentGrams, isBreak, COMMENT_MATCHES).count : 0;
  const gramIdx = new Int32Array(nr + nc);
  gramIdx.set(responseGrams.feature.subarray(0, nr));
  if (nc) gramIdx.set(COMMENT_MATCHES.feature.subarray(0, nc), nr);
  gramIdx.sort();
  const g = nr ? 1 / Math.sqrt(nr) : 0;
  const cg = nc ? s.comment_scale / Math.sqrt(nc) : 0;
  const ruleIdx: number[] = [];
  for (const id of new Set([...p.analysis.hits.map((h) => h.rule), ...p.structure])) {
    const i = space.ruleIndex.get(id);
    if (i !== undefined) ruleIdx.push(i);
  }
  ruleIdx.sort((a, b) => a - b);
  const labelBase = space.ngramIndex.size + space.ruleIndex.size;
  const li = space.classes.indexOf(p.rulesLabel as AnsweredLabel);
  const embed = embedding && space.embeddingDim ? space.embeddingDim : 0;
  const n = gramIdx.length + ruleIdx.length + (li >= 0 ? 1 : 0) + embed;
  const idx = new Int32Array(n);
  const val = new Float64Array(n);
  let at = 0;
  for (const f of gramIdx) {
    idx[at] = f;
    val[at++] = space.commentFeature[f] ? cg : g;
  }
  for (const f of ruleIdx) {
    idx[at] = f;
    val[at++] = s.rule_feature_scale;
  }
  if (li >= 0) {
    idx[at] = labelBase + li;
    val[at++] = s.rule_feature_scale;
  }
  const base = labelBase + space.classes.length;
  for (let j = 0; j < embed; j++) {
    idx[at] = base + j;
    val[at++] = (embedding![j] ?? 0) * s.embedding_scale;
  }
  return { idx, val };
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
  /** evidenceScore[c·d + f]: how much more feature f weighs for class c than on average over the classes. */
  evidenceScore: Float64Array;
}

export function loadSupervised(part: SupervisedPart): LoadedSupervised {
  const space = spaceOf(part);
  const k = part.classes.length;
  const d = space.size;
  const weights = new Float64Array(k * d);
  part.weights.forEach((row, c) => weights.set(row, c * d));
  const evidenceScore = new Float64Array(k * d);
  for (let f = 0; f < d; f++) {
    let mean = 0;
    for (let j = 0; j < k; j++) mean += weights[j * d + f];
    for (let c = 0; c < k; c++) evidenceScore[c * d + f] = weights[c * d + f] - mean / k;
  }
  return { part, space, model: { k, d, weights, bias: Float64Array.from(part.bias) }, evidenceScore };
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
  // Mass submissions repeat the same comment and answer thousands of times: predict each distinct row once.
  const seen = new Map<string, SupervisedPrediction>();
  return prepared.map((p, i) => {
    const key = embeddings ? null : `${p.masked}\u0000${p.comment}\u0000${p.structure.join(' ')}\u0000${p.analysis.hits.map((h) => h.rule).join(' ')}`;
    const known = key === null ? undefined : seen.get(key);
    if (known) return known;
    const grams = matchGrams(p.masked, m.space.responseGrams, isBreak, RESPONSE_MATCHES);
    const x = featuresOf(p, m.space, s, embeddings?.[i] ?? null, grams);
    const probs = predictProba(m.model, x);
    let c = 0;
    for (let j = 1; j < probs.length; j++) if (probs[j] > probs[c]) c = j;
    const label = m.part.classes[c];
    const out = { probs, label, evidence: ngramEvidence(m, p, c, label, s, grams) };
    if (key !== null) seen.set(key, out);
    return out;
  });
}

/**
 * Top n-grams by how much more they weigh for the predicted class than on average, located in the response;
 * ties go to the n-gram that sorts first. A running top-N list: no string is cut for n-grams that lose.
 */
function ngramEvidence(
  m: LoadedSupervised,
  p: PreparedResponse,
  c: number,
  label: AnsweredLabel,
  s: ClassifierSettings['supervised'],
  grams: GramMatches,
): Evidence[] {
  const want = s.evidence_ngrams;
  const base = c * m.model.d;
  const top: { gram: string; start: number; score: number }[] = [];
  for (let j = 0; j < grams.count && want > 0; j++) {
    const score = m.evidenceScore[base + grams.feature[j]];
    if (!(score > 0)) continue;
    if (top.length === want && score < top[want - 1].score) continue;
    const start = grams.start[j];
    const gram = p.masked.slice(start, start + grams.length[j]);
    let at = top.length;
    while (at > 0 && (top[at - 1].score < score || (top[at - 1].score === score && top[at - 1].gram > gram))) at--;
    if (at >= want) continue;
    top.splice(at, 0, { gram, start, score });
    if (top.length > want) top.pop();
  }
  const spans = top.map(({ gram, start }) => ({ start, end: start + gram.length }));
  spans.sort((a, b) => a.start - b.start || a.end - b.end);
  const merged: { start: number; end: number }[] = [];
  for (const sp of spans) {
    const last = merged[merged.length - 1];
    if (last && sp.start <= last.end) last.end = Math.max(last.end, sp.end);
    else merged.push({ ...sp });
  }
  return merged.map((sp) => ({ start: sp.start, end: sp.end, text: p.text.slice(sp.start, sp.end), rule: 'supervised:ngram', label }));
}
