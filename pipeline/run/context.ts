// The run context: one object that carries what each stage produced to the stages that need it. Each stage
// declares what it reads and the one record it produces; `runStages` calls each stage once, in order, checks
// that what it needs exists, and lets go of a record once no later stage (nor the report) reads it, so the
// tokens' analyses and the vectors become garbage before the report is rendered.
import type { Item } from '../core/schema.ts';
import type { ParseResult } from '../parse/index.ts';
import type { CodebookChoice, PreparedComments } from '../themes/index.ts';
import type { ClassifierModel } from '../classify/index.ts';
import type { ResolvedConfig } from './config.ts';
import type { ClassifierOutput } from './enrich.ts';
import type { EmbedResult, StanceStageResult, ThemesStageResult } from './stages.ts';
import type { StageLog } from './stage-log.ts';

/** The records stages produce, by name. */
export interface Produced {
  /** parse: the items and what became of every input line. */
  parsed: ParseResult;
  /** codebook: the codebook applied (or none) and why. */
  codebook: CodebookChoice;
  /** tokenize: every distinct comment analysed once (content words, cluster nouns, coding-rule facts). */
  comments: PreparedComments;
  /** embed: one vector per non-empty comment, and the fitted embedder (for the codebook's seed texts). */
  vectors: EmbedResult;
  /** classify: the labels of every configured classifier. */
  labels: ClassifierOutput[];
  /** stance: each comment's stance and its evidence. */
  stances: StanceStageResult;
  /** themes: themes, clusters, duplicates and response templates. */
  themes: ThemesStageResult;
}
export type RecordName = keyof Produced;

export interface RunContext {
  readonly config: ResolvedConfig;
  readonly input: string;
  /** How the outputs name the input. */
  readonly label: string;
  readonly quiet: boolean;
  readonly allowRemote: boolean;
  readonly strict: boolean;
  /** The trained model the classifiers need (read before any stage runs), or null. */
  readonly model: { model: ClassifierModel; file: string; sha256: string } | null;
  /** What the stages produced so far (records released after their last reader are gone). */
  readonly records: Partial<Produced>;
}

export interface Stage<N extends RecordName = RecordName> {
  name: string;
  needs: readonly RecordName[];
  produces: N;
  run(ctx: RunContext): Promise<Produced[N]> | Produced[N];
  /** The stage line's summary. */
  describe(result: Produced[N]): string;
}

/** A stage definition with its produced record's type checked. */
export function stage<N extends RecordName>(s: Stage<N>): Stage<N> {
  return s;
}

/** The record a stage needs; a missing one is a wiring bug (a stage listed before its producer), named as such. */
export function need<N extends RecordName>(ctx: RunContext, name: N): Produced[N] {
  const r = ctx.records[name];
  if (r === undefined) throw new Error(`run: a stage needs "${name}", which no earlier stage produced (or it was released)`);
  return r as Produced[N];
}

/** The items, which every stage after parse reads. */
export function itemsOf(ctx: RunContext): Item[] {
  return need(ctx, 'parsed').items;
}

/**
 * Runs the stages in order, once each. `keep` names the records the caller reads after the stages (the report's
 * inputs); every other record is dropped after the last stage that needs it.
 */
export async function runStages(ctx: RunContext, stages: readonly Stage[], log: StageLog, keep: readonly RecordName[]): Promise<void> {
  const produced = new Set<RecordName>();
  stages.forEach((s, i) => {
    for (const n of s.needs) if (!produced.has(n)) throw new Error(`run: stage ${s.name} needs "${n}", which no earlier stage produces`);
    if (produced.has(s.produces)) throw new Error(`run: "${s.produces}" is produced twice (stage ${s.name}, stage ${i + 1})`);
    produced.add(s.produces);
  });
  const lastReader = new Map<RecordName, number>();
  stages.forEach((s, i) => s.needs.forEach((n) => lastReader.set(n, i)));
  for (let i = 0; i < stages.length; i++) {
    const s = stages[i];
    const result = await log.stage(s.name, () => s.run(ctx), (r) => s.describe(r as never));
    (ctx.records as Record<RecordName, unknown>)[s.produces] = result;
    for (const [n, last] of lastReader) if (last === i && !keep.includes(n)) delete ctx.records[n];
  }
}
