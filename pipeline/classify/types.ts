// What the classify stage reads and the options shared by its classifiers.
import { z } from 'zod';

const numberAsText = z.union([z.string(), z.number().transform((n) => String(n))]);

/**
 * One response to label: an Item, or any row with id and response (comment, number, group optional). Rows come
 * from researchers' own scripts and spreadsheets: a numeric id or number is read as its decimal text, and an
 * explicit null response (an empty answer cell) is the empty response, labelled `none`. A missing response key
 * stays an error, so that a misnamed column cannot turn every row into `none`.
 */
export const ClassifyInput = z.object({
  id: numberAsText.pipe(z.string().min(1)),
  response: z.string().nullable().transform((s) => s ?? ''),
  comment: z
    .string()
    .nullish()
    .transform((s) => s ?? undefined)
    .optional(),
  number: numberAsText.nullable().optional(),
  inferred_number: z.string().nullable().optional(),
  response_group: z.string().nullable().optional(),
});
export type ClassifyInput = z.infer<typeof ClassifyInput>;

export { CLASSIFIER_NAMES, type ClassifierName } from './names.ts';

/** A labelled response for training and cross-validation (answered labels only; empty responses are `none` by rule). */
export interface LabelledRow {
  id: string;
  response: string;
  /** The comment the response answers: its stance and wording are features of the learned classifiers. */
  comment?: string;
  label: string;
  /** Rows sharing a group (a copied reply, a pointer and its target) always fall in the same fold. */
  group?: string | null;
}
