// The cue-rule files researchers read and edit (models/labels/taxonomy.json, models/labels/rules.json), checked on load.
import { z } from 'zod';
import { resolve } from 'node:path';
import { modelPath, readModelFile } from '../core/models.ts';
import { InputError } from '../core/errors.ts';
import { RegexPattern } from '../core/pattern.ts';
import { ANSWERED_LABELS, LABEL_ORDER } from '../core/schema.ts';
import { sha256 } from '../core/hash.ts';
import { MOVE_LABEL, Move, loadDecisionTable, type DecisionTable } from './decision.ts';
import { loadStanceRules } from '../stance/rules-schema.ts';

export const AnsweredLabel = z.enum(ANSWERED_LABELS);
export type AnsweredLabel = z.infer<typeof AnsweredLabel>;

const Pattern = RegexPattern;

export const CueRule = z.object({
  /** "<label>.<name>" (or "<move>.<name>" for a move with no label of its own): quoted in evidence and methods sections. */
  id: z.string().regex(/^[a-z]+\.[a-z0-9_]+$/),
  /** The label the cue argues for on its own; absent for a policy statement, which the decision table reads with the stance. */
  label: AnsweredLabel.optional(),
  /** What the sentence does (models/labels/decision.json decides the label from the moves and the comment's stance). */
  move: Move,
  /** Any pattern matching inside one sentence fires the rule; the first match is the evidence span. */
  patterns: z.array(Pattern).min(1),
  /** Every one of these must also match in the same sentence. */
  requires: z.array(Pattern).default([]),
  /** Negation and guards: any match in the same sentence stops the rule. */
  unless: z.array(Pattern).default([]),
  /**
   * Where `unless` looks: the whole sentence, or only the clause holding the match (after the last 〜が、/〜ものの、),
   * so that 「…は難しい面もありますが、…の項を追加しました」 still announces the change.
   */
  guard_scope: z.enum(['sentence', 'clause']).default('sentence'),
  scope: z.literal('sentence').default('sentence'),
  /** "mask": text inside 「…」『…』 (quoted draft text) is hidden from the patterns; "keep": matched as is. */
  quoted: z.enum(['mask', 'keep']).default('mask'),
  /** 0–1: how strongly the rule alone supports its label; combined by noisy-OR into the confidence. */
  weight: z.number().gt(0).max(1),
  rationale: z.string().min(1),
  /** Realistic sentences the rule must fire on, and must not fire on: checked by the tests. */
  examples: z.array(z.string()).min(1),
  counter_examples: z.array(z.string()).default([]),
});
export type CueRule = z.infer<typeof CueRule>;

/** A response that answers by pointing at another item's answer (「No.3」の回答のとおりです / 同上). */
export const PointerRule = z.object({
  id: z.string().regex(/^pointer\.[a-z0-9_]+$/),
  /** With a named group `n` (the referenced item number) for target "number"; target "previous" needs none. */
  pattern: Pattern,
  target: z.enum(['number', 'previous']),
  /** Only when the pointer sentence is (nearly) the whole response: "上記のとおり" inside a long answer is not a pointer. */
  whole_response: z.boolean().default(false),
  rationale: z.string().min(1),
  examples: z.array(z.string()).min(1),
  counter_examples: z.array(z.string()).default([]),
});
export type PointerRule = z.infer<typeof PointerRule>;

export const RuleSet = z
  .object({
    version: z.string().min(1),
    description: z.string(),
    rules: z.array(CueRule).min(1),
    pointers: z.array(PointerRule).default([]),
  })
  .superRefine((set, ctx) => {
    const seen = new Set<string>();
    for (const r of [...set.rules, ...set.pointers]) {
      if (seen.has(r.id)) ctx.addIssue({ code: 'custom', message: `duplicate rule id ${r.id}` });
      seen.add(r.id);
    }
    for (const r of set.rules) {
      const prefix = r.label ?? r.move;
      if (!r.id.startsWith(`${prefix}.`)) {
        ctx.addIssue({ code: 'custom', message: `rule ${r.id}: id must start with its ${r.label ? 'label' : 'move'} "${prefix}."` });
      }
      if (r.move === 'keep_covered') ctx.addIssue({ code: 'custom', message: `rule ${r.id}: keep_covered is derived from a keep and a coverage in one sentence, not written as a rule` });
      const implied = MOVE_LABEL[r.move];
      if ((r.label ?? null) !== implied) {
        ctx.addIssue({ code: 'custom', message: `rule ${r.id}: move "${r.move}" argues for ${implied ?? 'no label'}, but the rule says ${r.label ?? 'none'}` });
      }
    }
    for (const p of set.pointers) {
      if (p.target === 'number' && !p.pattern.includes('(?<n>')) {
        ctx.addIssue({ code: 'custom', message: `pointer ${p.id}: target "number" needs a named group (?<n>…)` });
      }
    }
  });
export type RuleSet = z.infer<typeof RuleSet>;

export const Taxonomy = z.object({
  version: z.string().min(1),
  labels: z
    .array(z.object({ id: z.enum(LABEL_ORDER), name_ja: z.string(), definition: z.string() }))
    .min(5),
  /** Strongest first: the label of a response is the first of these that any rule supports. */
  priority: z.array(AnsweredLabel).length(4),
  /** Confidence of a label reached through a pointer or shared reply, relative to the target's. */
  pointer_confidence: z.number().min(0).max(1),
  sentences: z.object({
    /** Characters that end a sentence (outside quotes). */
    terminators: z.string().min(1),
    /** Connectives that open a follow-up sentence even when the previous one lacks 。 (「承りました なお、…」). */
    follow_ups: z.array(z.string()),
  }),
  /** Opening/closing pairs whose content is quoted (draft text, the comment's words) and masked for cue matching. */
  quotes: z.array(z.tuple([z.string().length(1), z.string().length(1)])).min(1),
  rationale: z.string(),
});
export type Taxonomy = z.infer<typeof Taxonomy>;

export interface LoadedRules {
  rules: RuleSet;
  taxonomy: Taxonomy;
  decision: DecisionTable;
  /** "rules@<semver>+<first 12 hex of sha256(taxonomy + rules)>": changes whenever either file changes. */
  version: string;
}

/**
 * The taxonomy as the classifier reads it: label names (`label_ja`, `aliases`, `about_names`) are vocabulary for
 * people and coders' files, so adding a coder's spelling never changes the rules version (and never asks for a
 * retrained model). Canonical JSON, so formatting does not count either.
 */
function classifierTaxonomyText(text: string): string {
  const value = JSON.parse(text) as { labels?: Record<string, unknown>[] } & Record<string, unknown>;
  const { about_names: _a, ...rest } = value;
  const labels = (value.labels ?? []).map(({ label_ja: _l, aliases: _al, ...l }) => l);
  return JSON.stringify({ ...rest, labels });
}

export function loadRules(
  rulesPath: string = modelPath('labels/rules.json'),
  taxonomyPath: string = modelPath('labels/taxonomy.json'),
  decisionPath: string = modelPath('labels/decision.json'),
): LoadedRules {
  const r = readModelFile(resolve(rulesPath), RuleSet);
  const t = readModelFile(resolve(taxonomyPath), Taxonomy);
  const d = loadDecisionTable(decisionPath);
  // The decision table reads the comment's stance and stance cues, so the stance rules are part of what labels mean.
  const stance = loadStanceRules();
  const stanceIds = new Set(stance.rules.rules.map((s) => s.id));
  for (const row of d.table.rows) {
    const unknown = (row.comment_cues ?? []).filter((c) => !stanceIds.has(c));
    if (unknown.length) {
      throw new InputError(decisionPath, `comment_cues name no rule of ${stance.path}: ${unknown.join(', ')}`, `row ${row.id}`);
    }
  }
  const hash = sha256(classifierTaxonomyText(t.text) + '\n' + r.text + '\n' + d.hash + '\n' + stance.version).slice(0, 12);
  return { rules: r.value, taxonomy: t.value, decision: d.table, version: `${r.value.version}+${hash}` };
}
