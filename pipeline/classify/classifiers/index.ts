// The classifier registry: every classifier by its name (names.ts lists the names without loading these).
import type { ClassifierName } from '../names.ts';
import { ensembleClassifier } from './ensemble.ts';
import { rulesClassifier } from './rules.ts';
import { similarityClassifier } from './similarity.ts';
import { supervisedClassifier } from './supervised.ts';
import type { Classifier } from './types.ts';

export type { Classifier, Decision, DecideInput } from './types.ts';

export const CLASSIFIERS: Readonly<Record<ClassifierName, Classifier>> = {
  rules: rulesClassifier,
  supervised: supervisedClassifier,
  similarity: similarityClassifier,
  ensemble: ensembleClassifier,
};
