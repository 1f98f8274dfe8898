// The decision table (models/labels/decision.json): how the moves found in a response, together with the stance of
// the comment it answers, decide the label. Rows are tried in order and the first that matches decides, so a
// researcher reads the table top to bottom the way an annotator applies the guideline's §1 and §1a.
import { z } from 'zod';
import { resolve } from 'node:path';
import { modelPath, readModelFile } from '../core/models.ts';
import { ANSWERED_LABELS, Stance, type Disposition } from '../core/schema.ts';

/**
 * What a sentence of a response does. Conclusions: change (the draft is edited), keep (the draft stays),
 * refuse (cannot / will not / declines to answer), consider (future consideration, reference, forwarding),
 * acknowledge (noted, thanks). Reasons: covered_text (the draft already says it), covered_measure (law, systems or
 * programmes already in place), covered_change (the setting the comment asks to change has been changed already, or
 * its change is planned: 対象年齢を18歳まで拡大しております), rebut (the premise is wrong, the choice is right, not necessary). Positions:
 * policy (a statement of the government's course: 〜を進めていきます, 〜が重要です, 〜を目指しています), effort (a
 * generic promise of effort: 努めてまいります).
 * keep_covered is derived, never written in a rule: a keep whose own sentence gives coverage as the reason
 * (…に含まれることから、原案のとおりとします), or whose sentence opens with このため／したがって after a sentence of
 * coverage (see linkKeepToCoverage in rules.ts).
 */
export const Move = z.enum(['change', 'keep', 'keep_covered', 'refuse', 'rebut', 'covered_text', 'covered_measure', 'covered_change', 'consider', 'acknowledge', 'policy', 'effort']);
export type Move = z.infer<typeof Move>;

/** The label a move argues for on its own (`also` lists these); a policy statement argues for none by itself. */
export const MOVE_LABEL: Record<Move, Exclude<Disposition, 'none'> | null> = {
  change: 'accepted',
  keep: 'declined',
  keep_covered: 'referred',
  refuse: 'declined',
  rebut: 'declined',
  covered_text: 'referred',
  covered_measure: 'referred',
  covered_change: 'referred',
  consider: 'deferred',
  acknowledge: 'deferred',
  policy: null,
  effort: 'deferred',
};

/** A stance condition: "unknown" matches a comment that is missing or empty. */
const StanceCond = z.union([Stance, z.literal('unknown')]);

export const DecisionRow = z
  .object({
    /** Quoted in every label's `decision.row`: keep it stable. */
    id: z.string().regex(/^[a-z0-9_]+$/),
    label: z.enum(ANSWERED_LABELS),
    /** Every listed move must be present. */
    all: z.array(Move).default([]),
    /** At least one listed move must be present (when the list is non-empty). */
    any: z.array(Move).default([]),
    /** None of the listed moves may be present. */
    none: z.array(Move).default([]),
    /** The comment's stance must be one of these (omit for any stance). */
    stance: z.array(StanceCond).optional(),
    /**
     * At least one of these stance rules (models/labels/stance.json) must have fired in the comment: a finer reading
     * of the comment than its stance, e.g. request.amend (asks the draft to say or choose something different).
     */
    comment_cues: z.array(z.string().regex(/^[a-z]+\.[a-z0-9_]+$/)).optional(),
    /** The row needs at least this many sentences of response (long explanations without a cue). */
    min_sentences: z.number().int().positive().optional(),
    /** How sure the row is when it matches; multiplied by the strongest deciding cue's weight. */
    confidence: z.number().gt(0).max(1),
    /** True for rows that are a best guess: their labels carry needs_review. */
    review: z.boolean().default(false),
    rationale: z.string().min(1),
    /** Cases the tests run through the whole rules classifier: the row must decide them with this label. */
    examples: z
      .array(z.object({ comment: z.string(), response: z.string() }))
      .min(1),
  })
  .strict();
export type DecisionRow = z.infer<typeof DecisionRow>;

export const DecisionTable = z
  .object({
    version: z.string().min(1),
    description: z.string(),
    /** A label whose confidence falls below this is marked needs_review. */
    review_below: z.number().min(0).max(1),
    rows: z.array(DecisionRow).min(1),
  })
  .superRefine((t, ctx) => {
    const seen = new Set<string>();
    for (const r of t.rows) {
      if (seen.has(r.id)) ctx.addIssue({ code: 'custom', message: `duplicate decision row id ${r.id}` });
      seen.add(r.id);
    }
    const last = t.rows[t.rows.length - 1];
    if (last && (last.all.length || last.any.length || last.stance || last.comment_cues || last.min_sentences)) {
      ctx.addIssue({ code: 'custom', message: 'the last row must match every response (no all/any/stance/comment_cues/min_sentences): it is the fallback' });
    }
  });
export type DecisionTable = z.infer<typeof DecisionTable>;

export const DEFAULT_DECISION_PATH = modelPath('labels/decision.json');

export function loadDecisionTable(path: string = DEFAULT_DECISION_PATH): { table: DecisionTable; hash: string } {
  const { value, hash } = readModelFile(resolve(path), DecisionTable);
  return { table: value, hash };
}

export interface DecisionInput {
  moves: ReadonlySet<Move>;
  stance: Stance | null;
  /** The stance rules that fired in the comment (any stance, not only the winning one). */
  commentCues: ReadonlySet<string>;
  sentences: number;
}

/** The first row that matches; the table's last row matches everything, so there always is one. */
export function decideRow(table: DecisionTable, input: DecisionInput): DecisionRow {
  const stance = input.stance ?? 'unknown';
  for (const row of table.rows) {
    if (!row.all.every((m) => input.moves.has(m))) continue;
    if (row.any.length && !row.any.some((m) => input.moves.has(m))) continue;
    if (row.none.some((m) => input.moves.has(m))) continue;
    if (row.stance && !row.stance.includes(stance)) continue;
    if (row.comment_cues && !row.comment_cues.some((c) => input.commentCues.has(c))) continue;
    if (row.min_sentences && input.sentences < row.min_sentences) continue;
    return row;
  }
  return table.rows[table.rows.length - 1];
}

/** Why a label is what it is: quoted in every rules label (`decision`). */
export interface DecisionTrace {
  row: string;
  stance: Stance | null;
  moves: Move[];
  /** The comment cues the deciding row read, when it reads any. */
  comment_cues?: string[];
}

/** Moves a row names in its conditions: their spans are the label's evidence. */
export function decidingMoves(row: DecisionRow): Set<Move> {
  return new Set([...row.all, ...row.any]);
}
