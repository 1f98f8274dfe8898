// The stance cue rules researchers read and edit (models/labels/stance.json), checked on load.
import { resolve } from 'node:path';
import { z } from 'zod';
import { deriveModel, modelPath, type ModelFile } from '../core/models.ts';
import { RegexPattern } from '../core/pattern.ts';
import { Stance } from '../core/schema.ts';

export const DEFAULT_STANCE_RULES = modelPath('labels/stance.json');

const Pattern = RegexPattern;

export const StanceRule = z.object({
  /** "<stance>.<name>": quoted in evidence and in methods sections, so keep it stable. */
  id: z.string().regex(/^[a-z]+\.[a-z0-9_]+$/),
  stance: Stance,
  /** Any pattern matching fires the rule (every match is a piece of evidence). */
  patterns: z.array(Pattern).min(1),
  /** Guards: any match in the same sentence stops the rule there. */
  unless: z.array(Pattern).default([]),
  /** "mask": text inside the quote pairs (draft text the comment cites) is hidden from the patterns; "keep": matched as is. */
  quoted: z.enum(['mask', 'keep']).default('mask'),
  /** 0–1: how strongly the rule alone supports its stance. */
  weight: z.number().gt(0).max(1),
  rationale: z.string().min(1),
  /** Realistic comment sentences the rule must fire on, and must not fire on: checked by the tests. */
  examples: z.array(z.string()).min(1),
  counter_examples: z.array(z.string()).default([]),
});
export type StanceRule = z.infer<typeof StanceRule>;

export const StanceResolution = z.object({
  /** When matches of different stances overlap, the earlier stance in this list keeps its match. */
  overlap_priority: z.array(Stance).length(4),
  /** An oppose rule at least this strong decides the stance whatever else fired. */
  oppose_precedence: z.number().min(0).max(1),
  /** Connectives after which a request turns a preceding agreement into a preface (賛同するが、〜すべき). */
  contrast: z.object({
    patterns: z.array(Pattern).min(1),
    support_factor: z.number().min(0).max(1),
    /** Only a request or oppose rule at least this strong after the connective turns the agreement into a preface. */
    min_weight: z.number().min(0).max(1),
    rationale: z.string().min(1),
  }),
  /** Tie-break order between equal scores. */
  order: z.array(Stance).length(4),
  fallback: z.object({ stance: Stance, confidence: z.number().min(0).max(1), rationale: z.string().min(1) }),
  rationale: z.string().min(1),
});
export type StanceResolution = z.infer<typeof StanceResolution>;

export const StanceRuleSet = z
  .object({
    version: z.string().min(1),
    description: z.string(),
    sentences: z.object({
      /** Characters that end a sentence. */
      terminators: z.string().min(1),
      /** Treat a space next to non-ASCII text as a sentence break (line breaks collapse to spaces in normalize()). */
      split_on_space: z.boolean().default(true),
      rationale: z.string().default(''),
    }),
    /** Opening/closing pairs whose content is quoted text and masked for cue matching. */
    quotes: z.array(z.tuple([z.string().length(1), z.string().length(1)])).min(1),
    resolution: StanceResolution,
    rules: z.array(StanceRule).min(1),
  })
  .superRefine((set, ctx) => {
    const seen = new Set<string>();
    for (const r of set.rules) {
      if (seen.has(r.id)) ctx.addIssue({ code: 'custom', message: `duplicate rule id ${r.id}` });
      seen.add(r.id);
      if (!r.id.startsWith(`${r.stance}.`)) {
        ctx.addIssue({ code: 'custom', message: `rule ${r.id}: id must start with its stance "${r.stance}."` });
      }
    }
    for (const key of ['overlap_priority', 'order'] as const) {
      if (new Set(set.resolution[key]).size !== 4) {
        ctx.addIssue({ code: 'custom', path: ['resolution', key], message: 'must list each of the four stances once' });
      }
    }
  });
export type StanceRuleSet = z.infer<typeof StanceRuleSet>;

export interface LoadedStanceRules {
  rules: StanceRuleSet;
  /** "<semver>+<first 12 hex of sha256(file)>": changes whenever the file changes. */
  version: string;
  path: string;
}

const toLoaded = ({ value, hash, path }: ModelFile<StanceRuleSet>): LoadedStanceRules => ({ rules: value, version: `${value.version}+${hash}`, path });

/** Reads and checks a stance rules file (once per path and version of the file; core/models.ts). */
export function loadStanceRules(path: string = DEFAULT_STANCE_RULES): LoadedStanceRules {
  return deriveModel(resolve(path), StanceRuleSet, toLoaded);
}
