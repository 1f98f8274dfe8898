// `pubcom run`: parse → tokenize → embed → classify → stance → themes → report, one stage call each, then the manifest.
// Keep this a short list of stage calls; anything a stage decides belongs in that stage.
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { StrictError } from '../core/errors.ts';
import { sha256 } from '../core/hash.ts';
import { hashedParts, type Content } from '../core/io.ts';
import { VERSION } from '../core/version.ts';
import { emitReport } from '../report/index.ts';
import { documentTitle } from '../report/title.ts';
import type { RunSet } from '../report/schema.ts';
import type { StanceRecord } from '../core/schema.ts';
import { configPath, publicConfig, type ResolvedConfig } from './config.ts';
import { publicPath } from '../core/paths.ts';
import { enrich } from './enrich.ts';
import { buildManifest } from './manifest-build.ts';
import { checkRunCodebook, classifyStage, codebookStage, embedStage, loadRunModel, loadRunRules, parseStage, stanceStage, themesStage, tokenizeStage } from './stages.ts';
import { itemsOf, need, runStages, stage, type RunContext, type Stage } from './context.ts';
import { StageLog } from './stage-log.ts';
import { loadKuromoji } from '../tokenize/kuromoji.ts';
import { loadXlsxWriter } from '../core/tables/xlsx.ts';
import { runSummary } from './summary.ts';
import { beginRun, fault, type RunTransaction } from './transaction.ts';

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
  /**
   * How the outputs name the input (items' `source.file`, run.json, parse-report.json, manifest.json, the report);
   * default the input's file name. Never the absolute path: shared reports must not reveal the user's folders.
   */
  sourceLabel?: string;
  /** Keep files in `out` that are no previous run's beside the new run instead of stopping (see transaction.ts). */
  force?: boolean;
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

export async function runPipeline({ input, out, config, quiet = false, allowRemote = false, sourceLabel, force = false, strict = false }: RunOptions): Promise<RunResult> {
  const label = sourceLabel ?? basename(input);
  // The folder is checked and the temporary run folder created before any computing: a read-only or cluttered
  // --out fails in a second, not after the whole analysis.
  const tx = beginRun(out, { input, force });
  try {
    const result = await runInto(tx, { input, out, label, config, quiet, allowRemote, strict });
    tx.commit();
    if (!quiet) process.stderr.write(result.summary);
    return result;
  } catch (e) {
    tx.abort();
    throw e;
  }
}

interface RunIntoOptions {
  input: string;
  out: string;
  label: string;
  config: ResolvedConfig;
  quiet: boolean;
  allowRemote: boolean;
  strict: boolean;
}

/** The analysis, in order; each stage reads the records it names and produces one (pipeline/run/context.ts). */
export const STAGES: readonly Stage[] = [
  stage({
    name: 'parse',
    needs: [],
    produces: 'parsed',
    run: async (ctx) => {
      const parsed = await parseStage(ctx.input, ctx.label, ctx.config);
      // --strict: any parse note stops the run before anything is written (the transaction is aborted).
      if (ctx.strict && parsed.report.warnings.length) throw new StrictError(ctx.input, parsed.report.warnings);
      return parsed;
    },
    describe: (r) => `${r.items.length} items, ${r.report.skipped.length} skipped rows (${r.report.format})`,
  }),
  stage({ name: 'codebook', needs: ['parsed'], produces: 'codebook', run: (ctx) => codebookStage(itemsOf(ctx), ctx.config), describe: (c) => c.reason }),
  stage({
    name: 'tokenize',
    needs: ['parsed', 'codebook'],
    produces: 'comments',
    run: (ctx) => tokenizeStage(itemsOf(ctx), need(ctx, 'codebook'), ctx.quiet),
    describe: (r) => `${r.size} distinct comments, ${r.tokens} tokens`,
  }),
  stage({
    name: 'embed',
    needs: ['parsed', 'comments'],
    produces: 'vectors',
    run: (ctx) => embedStage(itemsOf(ctx), need(ctx, 'comments'), ctx.config, { quiet: ctx.quiet, allowRemote: ctx.allowRemote }),
    describe: (r) => `${r.embeddings.vectors.length} vectors, ${r.cache.hits} from cache (${r.embedder.inner.id})`,
  }),
  stage({
    name: 'classify',
    needs: ['parsed'],
    produces: 'labels',
    run: (ctx) => classifyStage(itemsOf(ctx), ctx.config, ctx.model?.model ?? null),
    describe: (r) => r.map((c) => c.name).join(', '),
  }),
  stage({ name: 'stance', needs: ['parsed'], produces: 'stances', run: (ctx) => stanceStage(itemsOf(ctx)), describe: (r) => stanceCounts(r.records) }),
  stage({
    name: 'themes',
    needs: ['parsed', 'comments', 'vectors'],
    produces: 'themes',
    run: (ctx) => themesStage(itemsOf(ctx), ctx.config, need(ctx, 'comments'), need(ctx, 'vectors'), ctx.quiet),
    describe: (r) => `${clusterCount(r.clusters)}, ${new Set(r.responseTemplate.values()).size} response templates`,
  }),
];

/**
 * Starts the two slow loads a run always needs later, so they overlap the stages before them: the IPADIC dictionary
 * (its files are read off the main thread while parse works) and exceljs's workbook writer (its module loading,
 * done while the dictionary's files are read). Only timing changes: each stage still awaits what it uses, and a
 * failure here is reported by the stage that needs the module.
 */
function warmUp(): void {
  loadKuromoji().catch(() => {});
  setImmediate(() => {
    try {
      loadXlsxWriter();
    } catch {
      // reported by the report stage, which loads it again
    }
  });
}

async function runInto(tx: Pick<RunTransaction, 'write' | 'writeYielding'>, { input, out, label, config, quiet, allowRemote, strict }: RunIntoOptions): Promise<RunResult> {
  const log = new StageLog(STAGES.length + 1, quiet, process.stderr, (name) => fault(`stage:${name}`));
  checkRunCodebook(config);
  loadRunRules(config); // a bad --rules file stops the run before any computing
  const ctx: RunContext = { config, input, label, quiet, allowRemote, strict, model: loadRunModel(config), records: {} };
  warmUp();
  await runStages(ctx, STAGES, log, ['parsed', 'codebook', 'labels', 'stances', 'themes']);
  const parsed = need(ctx, 'parsed');
  const items = parsed.items;
  const choice = need(ctx, 'codebook');
  const codebook = choice.codebook;
  const labels = need(ctx, 'labels');
  const stances = need(ctx, 'stances');
  const themes = need(ctx, 'themes');
  const model = ctx.model;
  // The embedder's id, kept from the embed stage's record (released once the themes stage had its vectors).
  const embedderId = themes.embedderId;
  for (const w of themes.warnings) log.line(`  warning: ${w}`);

  const run: RunSet = {
    info: {
      name: basename(resolve(out)),
      document: label,
      title: documentTitle(parsed.report),
      tool_version: VERSION,
      classifiers: labels.map((c) => ({ name: c.name, version: c.version })),
      // Without a codebook the themes are the discovered clusters, named by their keywords.
      themes: codebook
        ? codebook.themes.map((t) => ({ id: t.id, label_ja: t.label.ja, label_en: t.label.en }))
        : themes.clusters.filter((c) => !c.outlier).map((c) => ({ id: c.id, label_ja: c.name ?? c.id, label_en: `cluster ${c.id}` })),
      clusters: themes.clusters,
      codebook: { requested: choice.requested, applied: codebook ? publicPath(codebook.file) : null, reason: choice.reason },
      parse_notes: parsed.report.warnings,
      analysis_notes: themes.warnings,
    },
    items: enrich(items, labels, stances.records, themes),
  };
  const files = await log.stage('report', async () => {
    const written = new Map<string, string>();
    const emit = async (rel: string, content: Content) => {
      // Hashed from the bytes being written, in the same pass: content may be a generator, built as it is read.
      // Written returning to the event loop between parts, so the workbook is made while the other files are.
      const hash = createHash('sha256');
      await tx.writeYielding(rel, hashedParts(content, hash));
      written.set(rel, hash.digest('hex'));
    };
    await emitReport(run, emit);
    await emit('parse-report.json', JSON.stringify(parsed.report, null, 2) + '\n');
    await emit('themes/clusters.json', themes.clustersJson);
    await emit('themes/duplicates.json', themes.duplicatesJson);
    if (themes.draft) await emit('codebook.draft.json', JSON.stringify(themes.draft, null, 2) + '\n');
    return written;
  }, (r) => `${r.size} files written to ${out}`);

  const timings = log.finish();
  const manifest = buildManifest({
    input: { file: label, format: parsed.report.format, bytes: statSync(input).size, sha256: parsed.report.sha256 },
    config: publicConfig(config),
    codebook: {
      file: codebook ? publicPath(codebook.file) : null,
      sha256: codebook ? sha256(readFileSync(configPath(codebook.file))) : null,
      version: codebook?.version ?? null,
      requested: choice.requested,
      reason: choice.reason,
      fits: choice.fits,
    },
    classifiers: labels.map((c) => ({ name: c.name, version: c.version, model: c.name !== 'rules' && model ? { file: model.file, sha256: model.sha256 } : null })),
    embedder: embedderId,
    stance: stances.rules,
    run,
    skippedRows: parsed.report.skipped.length,
    files,
    warnings: themes.warnings,
    timings,
    peakRssMb: log.peakRssMb,
  });
  tx.write('manifest.json', JSON.stringify(manifest, null, 2) + '\n');
  const blank = parsed.report.accounts.filter((a) => a.fate === 'skipped' && a.chars === 0).length;
  const summary = runSummary(run, out, { withText: parsed.report.skipped.length, blank }, timings.total);
  return { run, files: [...files.keys(), 'manifest.json'], timings, peakRssMb: log.peakRssMb, summary };
}

/** "k clusters + n outliers": the same k `pubcom themes` prints, the outlier group counted apart. */
export function clusterCount(clusters: readonly { outlier: boolean; size: number }[]): string {
  const k = clusters.filter((c) => !c.outlier).length;
  const outliers = clusters.find((c) => c.outlier)?.size ?? 0;
  return `${k} clusters + ${outliers} outliers`;
}

function stanceCounts(records: readonly StanceRecord[]): string {
  const counts = new Map<string, number>();
  for (const r of records) counts.set(r.stance ?? 'none', (counts.get(r.stance ?? 'none') ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([k, n]) => `${k} ${n}`).join(', ');
}

