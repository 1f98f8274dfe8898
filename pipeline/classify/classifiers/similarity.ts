// The nearest labelled examples of the model (similarity.ts), in the space of the embedder it was trained with.
import type { Classifier } from './types.ts';

export const similarityClassifier: Classifier = {
  name: 'similarity',
  modelPart: 'similarity',
  stacked: false,
  needsEmbedder: () => true,
  decide({ similarity, classes, rulesEvidenceFor }) {
    const sim = similarity!;
    return {
      label: sim.label,
      confidence: sim.probs[classes.indexOf(sim.label)],
      evidence: [...sim.evidence, ...rulesEvidenceFor(sim.label)],
    };
  },
};
