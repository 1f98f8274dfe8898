// The `similarity` classifier: a response takes the label of the labelled responses it is closest to in the
// embedding space of any Embedder (k-nearest-neighbour vote mixed with per-label prototypes).
import type { Evidence } from '../core/schema.ts';
import type { Embedder } from '../embed/types.ts';
import type { LabelledExample } from './model.ts';
import { quotedSpans } from './sentences.ts';
import type { PreparedResponse } from './supervised.ts';
import type { AnsweredLabel } from './rules-schema.ts';
import type { ClassifierSettings } from './settings.ts';
import { distinctSlots, maxOf } from '../core/arrays.ts';

const QUOTES: [string, string][] = [
  ['「', '」'],
  ['『', '』'],
  ['“', '”'],
];

/** The text an embedder sees: quoted draft text removed (brackets kept), since its topic words say nothing about the answer. */
export function embeddingText(text: string): string {
  let out = '';
  let at = 0;
  for (const s of quotedSpans(text, QUOTES)) {
    out += text.slice(at, s.start);
    at = s.end;
  }
  return out + text.slice(at);
}

export interface SimilarityIndex {
  embedder: Embedder;
  examples: readonly LabelledExample[];
  vectors: Float32Array[];
  classes: readonly AnsweredLabel[];
  /** Normalised mean vector per class; null when the class has no example. */
  prototypes: (Float32Array | null)[];
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/**
 * Embeds the labelled examples. A corpus-dependent embedder (lsa) is fitted on the examples alone, so the space
 * is the same whenever the same examples are given (training, cross-validation folds and later classification).
 */
export async function buildSimilarityIndex(
  examples: readonly LabelledExample[],
  embedder: Embedder,
  classes: readonly AnsweredLabel[],
): Promise<SimilarityIndex> {
  const texts = examples.map((e) => embeddingText(e.response));
  await embedder.fit(texts);
  const vectors = await embedder.embed(texts, 'passage');
  const prototypes = classes.map((c) => {
    const members = vectors.filter((_, i) => examples[i].label === c);
    if (!members.length) return null;
    const mean = new Float32Array(members[0].length);
    for (const v of members) for (let j = 0; j < v.length; j++) mean[j] += v[j];
    const norm = Math.sqrt(dot(mean, mean)) || 1;
    for (let j = 0; j < mean.length; j++) mean[j] /= norm;
    return mean;
  });
  return { embedder, examples, vectors, classes, prototypes };
}

export interface SimilarityPrediction {
  probs: Float64Array;
  label: AnsweredLabel;
  evidence: Evidence[];
}

function softmax(xs: readonly number[], temperature: number): number[] {
  const finite = xs.filter((x) => Number.isFinite(x));
  if (!finite.length) return xs.map(() => 0);
  const max = maxOf(finite);
  const e = xs.map((x) => (Number.isFinite(x) ? Math.exp((x - max) / temperature) : 0));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / sum);
}

export async function predictSimilarity(
  index: SimilarityIndex,
  prepared: readonly PreparedResponse[],
  s: ClassifierSettings['similarity'],
): Promise<SimilarityPrediction[]> {
  // The prediction reads the response text alone (and its sentences), and a mass round repeats a few hundred
  // answers: predict each distinct text once (the predictions are read-only, so copies share one).
  const { first, slot } = distinctSlots(prepared, (p) => p.text);
  const once = await predictDistinct(index, first.map((i) => prepared[i]), s);
  return Array.from(slot, (j) => once[j]);
}

async function predictDistinct(
  index: SimilarityIndex,
  prepared: readonly PreparedResponse[],
  s: ClassifierSettings['similarity'],
): Promise<SimilarityPrediction[]> {
  const k = index.classes.length;
  const queries = await index.embedder.embed(prepared.map((p) => embeddingText(p.text)), 'query');
  // Sentences are embedded too, to point at the part of the response that resembles the chosen label.
  const sentenceOwner: number[] = [];
  const sentenceTexts: string[] = [];
  prepared.forEach((p, i) => {
    for (const sp of p.analysis.sentences) {
      sentenceOwner.push(i);
      sentenceTexts.push(embeddingText(p.text.slice(sp.start, sp.end)));
    }
  });
  const sentenceVectors = sentenceTexts.length ? await index.embedder.embed(sentenceTexts, 'query') : [];
  const bySentence = new Map<number, Float32Array[]>();
  sentenceOwner.forEach((owner, j) => {
    const list = bySentence.get(owner) ?? [];
    list.push(sentenceVectors[j]);
    bySentence.set(owner, list);
  });

  return prepared.map((p, i) => {
    const q = queries[i];
    const sims = index.vectors.map((v, j) => ({ j, sim: dot(q, v) }));
    sims.sort((a, b) => b.sim - a.sim || a.j - b.j);
    const nearest = sims.slice(0, s.k);
    const knn = softmax(
      nearest.map((n) => n.sim),
      s.temperature,
    );
    const vote = new Array<number>(k).fill(0);
    nearest.forEach((n, r) => (vote[index.classes.indexOf(index.examples[n.j].label)] += knn[r]));
    // Per-label local prototype: mean cosine to the label's m nearest examples (robust to labels with few examples).
    const local = index.classes.map((c) => {
      const top = sims.filter((n) => index.examples[n.j].label === c).slice(0, s.prototype_neighbours);
      return top.length ? top.reduce((a, n) => a + n.sim, 0) / top.length : -Infinity;
    });
    const proto = softmax(local, s.temperature);
    const probs = new Float64Array(k);
    for (let c = 0; c < k; c++) probs[c] = (1 - s.prototype_weight) * vote[c] + s.prototype_weight * proto[c];
    let c = 0;
    for (let j = 1; j < k; j++) if (probs[j] > probs[c]) c = j;
    const label = index.classes[c];
    const support = sims
      .filter((n) => index.examples[n.j].label === label)
      .slice(0, s.evidence_examples)
      .map((n) => index.examples[n.j].id);
    return { probs, label, evidence: [matchedSentence(p, bySentence.get(i) ?? [], index.prototypes[c], label, support)] };
  });
}

function matchedSentence(
  p: PreparedResponse,
  vectors: readonly Float32Array[],
  prototype: Float32Array | null,
  label: AnsweredLabel,
  examples: string[],
): Evidence {
  const sentences = p.analysis.sentences;
  let best = 0;
  if (prototype) {
    let bestSim = -Infinity;
    vectors.forEach((v, j) => {
      const sim = dot(v, prototype);
      if (sim > bestSim) {
        bestSim = sim;
        best = j;
      }
    });
  }
  const sp = sentences[best] ?? { start: 0, end: p.text.length };
  return { start: sp.start, end: sp.end, text: p.text.slice(sp.start, sp.end), rule: 'similarity:nearest', label, examples };
}
