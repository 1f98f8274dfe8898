// classify(): runs one classifier (classifiers/) over a batch of responses; empty responses are `none`, pointers
// follow their target.
import { InputError } from '../core/errors.ts';
import { sha256 } from '../core/hash.ts';
import type { Disposition, Evidence, LabelRecord } from '../core/schema.ts';
import type { Embedder } from '../embed/types.ts';
import { predictBase, prepareBatch, type BaseContext, type PreparedBatch } from './base.ts';
import { CLASSIFIERS } from './classifiers/index.ts';
import { loadStacker } from './ensemble.ts';
import type { ClassifierModel } from './model.ts';
import { round } from './rules.ts';
import { loadRules, type AnsweredLabel, type LoadedRules } from './rules-schema.ts';
import type { ClassifierName, ClassifyInput } from './types.ts';

export interface ClassifyOptions {
  classifier: ClassifierName;
  /** Required for supervised, similarity and ensemble (from `pubcom train`). */
  model?: ClassifierModel;
  /**
   * For similarity (and an ensemble or supervised model trained with embeddings). When absent, the embedder
   * the model was trained with is rebuilt from its spec by `embedderFactory`.
   */
  embedder?: Embedder | null;
  embedderFactory?: (spec: string) => Promise<Embedder>;
  rules?: LoadedRules;
}

function modelVersion(model: ClassifierModel): string {
  return `${model.tool_version}+${sha256(JSON.stringify(model)).slice(0, 12)}`;
}

async function resolveEmbedder(opts: ClassifyOptions, model: ClassifierModel, needed: boolean): Promise<Embedder | null> {
  if (!needed) return null;
  if (opts.embedder) return opts.embedder;
  const spec = model.similarity.embedder;
  if (!spec) {
    throw new InputError('--embedder', `the ${opts.classifier} classifier needs an embedder and the model names none: pass --embedder (e.g. lsa)`);
  }
  if (!opts.embedderFactory) throw new InputError('--embedder', `the model was trained with embedder "${spec}": pass an embedder`);
  return opts.embedderFactory(spec);
}

function firstSentence(batch: PreparedBatch, i: number, rule: string, label: Disposition): Evidence {
  const p = batch.prepared[i];
  const s = p.analysis.sentences[0] ?? { start: 0, end: p.text.length };
  return { start: s.start, end: s.end, text: p.text.slice(s.start, s.end), rule, label };
}

/** Evidence the cue rules give for `label` (the rules record's own when it agrees, else the hits for that label). */
function rulesEvidenceFor(batch: PreparedBatch, i: number, label: Disposition): Evidence[] {
  const rec = batch.rules.records[i];
  if (rec.label === label) return rec.evidence.filter((e) => e.rule !== 'fallback');
  return batch.prepared[i].analysis.hits
    .filter((h) => h.label === label)
    .map((h) => ({ start: h.start, end: h.end, text: h.text, rule: h.rule, label }));
}

/** Labels the cue rules found besides the chosen one, strongest first. */
function alsoFor(batch: PreparedBatch, i: number, label: Disposition, priority: readonly AnsweredLabel[]): Disposition[] {
  const rec = batch.rules.records[i];
  const fired = new Set<Disposition>([rec.label, ...rec.also]);
  if (rec.evidence.some((e) => e.rule === 'fallback')) fired.delete(rec.label);
  return priority.filter((l) => l !== label && fired.has(l));
}

/**
 * Items whose answer is another item's (a pointer, an empty cell of a shared group) take that item's record
 * from the same classifier, with the pointer span first and the target's evidence marked with its id.
 */
function inheritPointers(records: LabelRecord[], batch: PreparedBatch, inputs: readonly ClassifyInput[], factor: number): LabelRecord[] {
  const out = records.slice();
  const done = new Array<boolean>(records.length).fill(false);
  const resolve = (i: number, depth: number): LabelRecord => {
    const t = batch.rules.targets[i];
    if (t === null || done[i] || depth > records.length) return out[i];
    done[i] = true;
    const target = resolve(t, depth + 1);
    const lead = batch.rules.records[i].evidence.filter((e) => e.rule.startsWith('pointer.') && !e.source_item);
    out[i] = {
      ...out[i],
      label: target.label,
      also: target.also,
      confidence: round(target.confidence * factor),
      needs_review: target.needs_review,
      evidence: [
        ...lead.map((e) => ({ ...e, label: target.label })),
        ...target.evidence.map((e) => ({ ...e, source_item: e.source_item ?? inputs[t].id })),
      ],
    };
    return out[i];
  };
  for (let i = 0; i < records.length; i++) resolve(i, 0);
  return out;
}

/**
 * The answered items to predict, one per distinct (response analysis, comment, rules verdict), and for every
 * answered item the one whose prediction it takes. Everything a prediction reads — the prepared response, the
 * rules' record and evidence — is the same for such copies.
 */
function distinctAnswers(batch: PreparedBatch, inputs: readonly ClassifyInput[], answered: readonly number[]): { distinct: number[]; representative: number[] } {
  // Identities, not contents: copies share their analysis and their rules evidence (decided once per distinct pair).
  const idOf = new Map<object, number>();
  const id = (o: object) => {
    let n = idOf.get(o);
    if (n === undefined) idOf.set(o, (n = idOf.size));
    return n;
  };
  const first = new Map<string, number>();
  const distinct: number[] = [];
  const representative = new Array<number>(inputs.length).fill(-1);
  for (const i of answered) {
    const rec = batch.rules.records[i];
    const key = `${id(batch.rules.analyses[i])}\u0000${id(rec.evidence)}\u0000${rec.label}\u0000${inputs[i].comment ?? ''}`;
    let r = first.get(key);
    if (r === undefined) {
      first.set(key, (r = i));
      distinct.push(i);
    }
    representative[i] = r;
  }
  return { distinct, representative };
}

/** The classify stage: pure over its inputs, model and embedder; output in input order. */
export async function classify(inputs: readonly ClassifyInput[], opts: ClassifyOptions): Promise<LabelRecord[]> {
  const loaded = opts.rules ?? loadRules();
  const batch = prepareBatch(inputs, loaded);
  const classifier = CLASSIFIERS[opts.classifier];
  if (!classifier.decide) return batch.rules.records;

  const model = opts.model;
  if (!model) throw new InputError('--model', `the ${opts.classifier} classifier needs a trained model: run \`pubcom train\` and pass --model`);
  const classes = loaded.taxonomy.priority;
  const embedder = await resolveEmbedder(opts, model, classifier.needsEmbedder(model));
  const ctx: BaseContext = { loaded, settings: model.settings, classes, embedder, embeddingFeatures: model.supervised.embedding_dim > 0 };
  const answered = inputs.flatMap((_, i) => (batch.prepared[i].text ? [i] : []));
  // A mass round repeats a few answers to a few comments: copies (the same answer to the same comment, decided the
  // same way by the rules) get the same prediction, so the models run once per distinct one.
  const { distinct, representative } = distinctAnswers(batch, inputs, answered);
  const pred = await predictBase(ctx, { supervised: model.supervised, examples: model.similarity.examples }, distinct.map((i) => batch.prepared[i]));
  if (classifier.stacked && !model.ensemble) {
    throw new InputError('--model', 'this model was trained without the ensemble stacker: retrain it with `pubcom train`');
  }
  const stacker = classifier.stacked && model.ensemble ? loadStacker(model.ensemble) : null;
  const version = { name: opts.classifier, version: modelVersion(model) };

  const records: LabelRecord[] = batch.rules.records.map((r) => ({ ...r, classifier: version }));
  const decided = new Map<number, Omit<LabelRecord, 'id'>>();
  distinct.forEach((i, j) => {
    const { label, confidence, evidence: found } = classifier.decide!({
      batch,
      i,
      classes,
      supervised: pred.supervised[j],
      similarity: pred.similarity?.[j] ?? null,
      model,
      stacker,
      rulesEvidenceFor: (l) => rulesEvidenceFor(batch, i, l),
    });
    const evidence = found.length ? found : [firstSentence(batch, i, `${opts.classifier}:prior`, label)];
    // A learned label no more sure than the decision table's review threshold is flagged, as the rules' are.
    const needsReview = confidence < loaded.decision.review_below;
    decided.set(i, { label, also: alsoFor(batch, i, label, classes), confidence: round(confidence), evidence, classifier: version, needs_review: needsReview });
  });
  // Copies share the representative's (read-only) lists, as the rules' records do.
  for (const i of answered) records[i] = { id: inputs[i].id, ...decided.get(representative[i])! };
  return inheritPointers(records, batch, inputs, loaded.taxonomy.pointer_confidence);
}
