// What a classifier module declares (issue 11: adding one is a new file here and its name in names.ts, not an
// if/else in classify.ts). classify.ts runs the shared part (cue rules, empty responses, pointers); a trained
// classifier decides the label of each answered response from the base predictions of its model.
import type { Disposition, Evidence } from '../../core/schema.ts';
import type { PreparedBatch } from '../base.ts';
import type { ClassifierModel } from '../model.ts';
import type { ClassifierName } from '../names.ts';
import type { AnsweredLabel } from '../rules-schema.ts';
import type { SimilarityPrediction } from '../similarity.ts';
import type { SupervisedPrediction } from '../supervised.ts';
import type { LogRegModel } from '../logreg.ts';

/** One answered response, as a trained classifier sees it. */
export interface DecideInput {
  batch: PreparedBatch;
  /** Index into the batch. */
  i: number;
  classes: readonly AnsweredLabel[];
  supervised: SupervisedPrediction;
  similarity: SimilarityPrediction | null;
  model: ClassifierModel;
  /** The ensemble's stacker, loaded once per batch. */
  stacker: LogRegModel | null;
  /** The cue rules' evidence for a label (the rules record's own when it agrees). */
  rulesEvidenceFor(label: Disposition): Evidence[];
}

export interface Decision {
  label: Disposition;
  confidence: number;
  evidence: Evidence[];
}

export interface Classifier {
  readonly name: ClassifierName;
  /**
   * The part of the trained model file (model.ts, written by `pubcom train`) it reads; null: it needs no model.
   * `pubcom train` writes every part into one file because the ensemble stacks the other two.
   */
  readonly modelPart: 'supervised' | 'similarity' | 'ensemble' | null;
  /** Whether training (and cross-validation) must fit the stacker for it. */
  readonly stacked: boolean;
  /** Whether it needs the embedder the model was trained with. */
  needsEmbedder(model: ClassifierModel): boolean;
  /** The label of one answered response; absent for the cue rules, whose records classify.ts takes as they are. */
  decide?(input: DecideInput): Decision;
}
