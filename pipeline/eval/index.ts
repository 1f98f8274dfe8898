// eval stage: score label files against gold (evaluate) and against each other (compare); metrics and
// alignment are exported for other stages (the report's agreement table, run-to-run diffs).
export { accuracy, cohenKappa, computeMetrics, confusionMatrix, macroF1, perLabelScores, LABEL_ORDER, type Confusion, type LabelScore, type Metrics } from '../core/metrics.ts';
export { align, fillKeys, indexItems, normalizeNumber, type Alignment, type Keyed, type Keys, type KeyKind } from '../core/align.ts';
export { readLabelFile, loadAliases, LabelAliases, type LabelFile, type LabelRow } from './label-file.ts';
export { evaluate, EvalReport } from './evaluate.ts';
export { compare, CompareReport } from './compare.ts';
export { checkLabelledSet, readLabelledSet, LabelledResponse } from './labelled-set.ts';
