// `pubcom run`: parse → tokenize → embed → classify → stance → themes → report, one stage call each, then the manifest.
// Keep this a short list of stage calls; anything a stage decides belongs in that stage.
import { readFileSync, rmSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { StrictError } from '../core/errors.ts';
import { sha256 } from '../core/hash.ts';
import { writeAtomic } from '../core/io.ts';
import { VERSION } from '../core/version.ts';
import { emitReport } from '../report/index.ts';
import type { RunSet } from '../report/schema.ts';
import type { ClassifierModel } from '../classify/index.ts';
import type { Item, StanceRecord } from '../core/schema.ts';
import type { Codebook } from '../themes/index.ts';
import { configPath, type ResolvedConfig } from './config.ts';
import { enrich } from './enrich.ts';
import { buildManifest, previousFiles } from './manifest-build.ts';
import { classifyStage, embedStage, loadRunCodebook, loadRunModel, parseStage, stanceStage, themesStage, tokenizeStage } from './stages.ts';
import { StageLog } from './stage-log.ts';
import { runSummary } from './summary.ts';

export { RunConfig, loadConfig, defaultConfig, CONFIG_DOCS, type ResolvedConfig } from './config.ts';
export { diffRuns, readRunFolder } from './diff.ts';
export { Manifest } from './manifest.ts';

export interface RunOptions {
  input: string;
  /** Run folder, e.g. reports/seed. */
  out: string;
  config: ResolvedConfig;
  quiet?: boolean;
  /** Let transformers.js download a model missing locally (never the default). */
  allowRemote?: boolean;
  /** Stop with StrictError (exit 3, nothing written) when the parse stage has any note or warning. */
  strict?: boolean;
}

export interface RunResult {
  run: RunSet;
  files: string[];
  timings: Record<string, number>;
  peakRssMb: Record<string, number>;
  summary: string;
}

export async function runPipeline({ input, out, config, quiet = false, allowRemote = false, strict = false }: RunOptions): Promise<RunResult> {
  const log = new StageLog(7, quiet);
  const codebook = loadRunCodebook(config);
  const model = loadRunModel(config);
  const parsed = await log.stage('parse', () => parseStage(input, config), (r) => `${r.items.length} items, ${r.report.skipped.length} skipped rows (${r.report.format})`);
  if (strict && parsed.report.warnings.length) throw new StrictError(input, parsed.report.warnings);
  const items = parsed.items;
  const { labels, stances, themes, embedderId } = await analyse(items, { config, codebook, model: model?.model ?? null, log, quiet, allowRemote });

  const run: RunSet = {
    info: {
      name: basename(resolve(out)),
      document: input,
      tool_version: VERSION,
      classifiers: labels.map((c) => ({ name: c.name, version: c.version })),
      themes: codebook.themes.map((t) => ({ id: t.id, label_ja: t.label.ja, label_en: t.label.en })),
      clusters: themes.clusters,
      parse_notes: parsed.report.warnings,
    },
    items: enrich(items, labels, stances.records, themes),
  };
  const files = await log.stage('report', async () => {
    const written = new Map<string, string>();
    const emit = (rel: string, content: string | Uint8Array) => {
      writeAtomic(join(out, rel), content);
      written.set(rel, sha256(content));
    };
    await emitReport(run, emit);
    emit('parse-report.json', JSON.stringify(parsed.report, null, 2) + '\n');
    emit('themes/clusters.json', themes.clustersJson);
    emit('themes/duplicates.json', themes.duplicatesJson);
    // Files an earlier run in this folder wrote and this one does not (e.g. the agreement table after dropping
    // a classifier) would be read as current: remove exactly those, nothing else.
    for (const stale of previousFiles(out)) if (!written.has(stale)) rmSync(join(out, stale), { force: true });
    return written;
  }, (r) => `${r.size} files written to ${out}`);

  const timings = log.finish();
  const manifest = buildManifest({
    input: { file: input, format: parsed.report.format, bytes: statSync(input).size, sha256: parsed.report.sha256 },
    config,
    codebook: { file: config.codebook, sha256: sha256(readFileSync(configPath(config.codebook))), version: codebook.version },
    classifiers: labels.map((c) => ({ name: c.name, version: c.version, model: c.name !== 'rules' && model ? { file: model.file, sha256: model.sha256 } : null })),
    embedder: embedderId,
    stance: stances.rules,
    run,
    skippedRows: parsed.report.skipped.length,
    files,
    timings,
    peakRssMb: log.peakRssMb,
  });
  writeAtomic(join(out, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  const summary = runSummary(run, out, parsed.report.skipped.length, timings.total);
  if (!quiet) process.stderr.write(summary);
  return { run, files: [...files.keys(), 'manifest.json'], timings, peakRssMb: log.peakRssMb, summary };
}

interface AnalyseContext {
  config: ResolvedConfig;
  codebook: Codebook;
  model: ClassifierModel | null;
  log: StageLog;
  quiet: boolean;
  allowRemote: boolean;
}

/**
 * tokenize → embed → classify → stance → themes. A function of its own so that the tokens, the fitted embedder and
 * the themes stage's working data become garbage before the report is rendered: on a 20,000-comment round
 * they hold hundreds of megabytes.
 */
async function analyse(items: readonly Item[], { config, codebook, model, log, quiet, allowRemote }: AnalyseContext) {
  const tok = await log.stage('tokenize', () => tokenizeStage(items), (r) => `${r.tokens} tokens`);
  const emb = await log.stage('embed', () => embedStage(items, config, { quiet, allowRemote }), (r) => `${r.vectors} vectors, ${r.cache.hits} from cache (${r.embedder.inner.id})`);
  const labels = await log.stage('classify', () => classifyStage(items, config, model), (r) => r.map((c) => c.name).join(', '));
  const stances = await log.stage('stance', () => stanceStage(items), (r) => stanceCounts(r.records));
  const themes = await log.stage('themes', () => themesStage(items, config, codebook, tok.tokenizer, emb.embedder, quiet), (r) => `${r.clusters.length} clusters, ${new Set(r.responseTemplate.values()).size} response templates`);
  return { labels, stances, themes, embedderId: emb.embedder.inner.id };
}

function stanceCounts(records: readonly StanceRecord[]): string {
  const counts = new Map<string, number>();
  for (const r of records) counts.set(r.stance ?? 'none', (counts.get(r.stance ?? 'none') ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([k, n]) => `${k} ${n}`).join(', ');
}

