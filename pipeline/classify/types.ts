// What the classify stage reads and the options shared by its classifiers.
import { z } from 'zod';

/** One response to label: an Item, or any row with id and response (comment, number, group optional). */
export const ClassifyInput = z.object({
  id: z.string().min(1),
  response: z.string(),
  comment: z.string().optional(),
  number: z.string().nullable().optional(),
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
