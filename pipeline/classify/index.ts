// classify stage: responses in, one LabelRecord each (label, also, confidence, evidence, classifier) out.
export { classify, type ClassifyOptions } from './classify.ts';
export { ClassifyInput, CLASSIFIER_NAMES, type ClassifierName, type LabelledRow } from './types.ts';
export { loadRules, type LoadedRules } from './rules-schema.ts';
export { classifyWithRules, analyzeResponse, compileRules } from './rules.ts';
export { trainModel, trainingHash, type TrainOptions, type TrainResult } from './train.ts';
export { readModel, ClassifierModel as ClassifierModelSchema, type ClassifierModel } from './model.ts';
export { crossValidate, type CrossValidateOptions } from './crossval.ts';

