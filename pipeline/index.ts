// Package entry: the library API, stage by stage (each stage adds its exports here).
export * from './core/schema.ts';
export { InputError } from './core/errors.ts';
export { readJsonl, readJson, writeJsonl, writeAtomic } from './core/io.ts';
export { normalize, cleanText, stripHtml, commentHead } from './core/text.ts';

// parse
export { parseDocument, parseBytes, parseColumnMap, defaultSlug, FORMATS, type ParseDocumentOptions, type ParseResult } from './parse/index.ts';

// tokenize
export { getTokenizer, tokenizeItems, type Tokenizer, type TokenizerOptions, type TokenRecord } from './tokenize/index.ts';

// embed
export {
  createEmbedder,
  embedItems,
  isCorpusDependent,
  CachedEmbedder,
  TransformersEmbedder,
  LsaEmbedder,
  lsaEmbedder,
  readEmbeddings,
  writeEmbeddings,
  EmbeddingRecord,
  EmbeddingsIndex,
  progress,
  type Embedder,
  type Embeddings,
  type EmbedItemsOptions,
  type EmbedItemsResult,
  type CreateEmbedderOptions,
  type Progress,
} from './embed/index.ts';

// stance
export { stanceOf, stanceItems } from './stance/index.ts';

// classify
export { classify, classifyWithRules, loadRules, trainModel, readModel, crossValidate, CLASSIFIER_NAMES, ClassifyInput, type ClassifierName, type ClassifyOptions } from './classify/index.ts';

// themes
export { themeItems, loadCodebook, parseRule, evaluateRule, discoverClusters, findDuplicateComments, findResponseTemplates, evaluateThemes, ClustersFile, DuplicatesFile, type ThemesOptions, type ThemesResult } from './themes/index.ts';

// eval
export { evaluate, compare, readLabelFile, computeMetrics, cohenKappa, align, EvalReport, CompareReport, LabelledResponse } from './eval/index.ts';

// report
export { emitReport, renderReport, writeReport, readRun, buildTables, itemsTable, toCsv, toMarkdown, reportHtml, RunItem, RunInfo, ItemLabel, ClusterInfo, ThemeInfo, type RunSet } from './report/index.ts';

// run
export { runPipeline, diffRuns, readRunFolder, loadConfig, defaultConfig, RunConfig, CONFIG_DOCS, Manifest, type ResolvedConfig, type RunOptions, type RunResult } from './run/index.ts';
