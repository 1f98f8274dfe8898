// The cue rules (models/labels/rules.json, decision.json): no training, no model; classify.ts's shared pass is
// the whole classifier.
import type { Classifier } from './types.ts';

export const rulesClassifier: Classifier = {
  name: 'rules',
  modelPart: null,
  stacked: false,
  needsEmbedder: () => false,
};
