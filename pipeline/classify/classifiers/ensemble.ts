// The calibrated stack of the cue rules, the supervised and (when trained with an embedder) the similarity
// predictions (ensemble.ts): `pubcom train` fits its stacker on inner cross-validation.
import type { AnsweredLabel } from '../rules-schema.ts';
import { stackFeatures, stackPredict } from '../ensemble.ts';
import type { Classifier } from './types.ts';

export const ensembleClassifier: Classifier = {
  name: 'ensemble',
  modelPart: 'ensemble',
  stacked: true,
  needsEmbedder: (model) => !!model.ensemble?.uses_similarity || model.supervised.embedding_dim > 0,
  decide({ batch, i, classes, supervised: sup, similarity: sim, model, stacker, rulesEvidenceFor }) {
    const ensemble = model.ensemble!;
    const rulesRules = batch.rules.records[i].evidence.map((e) => e.rule);
    const features = stackFeatures(classes, batch.prepared[i], rulesRules, sup, ensemble.uses_similarity ? sim : null);
    const stacked = stackPredict(ensemble, stacker!, features);
    const label = stacked.label;
    return {
      label,
      confidence: stacked.probs[classes.indexOf(label as AnsweredLabel)],
      evidence: [
        ...rulesEvidenceFor(label),
        ...(sup.label === label ? sup.evidence : []),
        ...(sim && sim.label === label ? sim.evidence : []),
      ],
    };
  },
};
