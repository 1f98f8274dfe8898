// Logistic regression over the response's n-grams and rule features (supervised.ts), trained by `pubcom train`.
import type { Classifier } from './types.ts';

export const supervisedClassifier: Classifier = {
  name: 'supervised',
  modelPart: 'supervised',
  stacked: false,
  needsEmbedder: (model) => model.supervised.embedding_dim > 0,
  decide({ supervised: sup, classes, rulesEvidenceFor }) {
    return {
      label: sup.label,
      confidence: sup.probs[classes.indexOf(sup.label)],
      evidence: [...sup.evidence, ...rulesEvidenceFor(sup.label)],
    };
  },
};
