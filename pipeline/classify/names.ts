// The classifiers by name. No imports, so `pubcom classify --help` and the run config can list them without
// loading the classifiers.

export const CLASSIFIER_NAMES = ['rules', 'supervised', 'similarity', 'ensemble'] as const;
export type ClassifierName = (typeof CLASSIFIER_NAMES)[number];
