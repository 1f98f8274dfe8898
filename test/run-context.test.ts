// The run context (pipeline/run/context.ts): each stage runs once, gets what it declared, and later stages read
// the records earlier ones produced instead of recomputing them; the settings the run config names reach the stages.
import { readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../pipeline/core/errors.ts';
import type { Item } from '../pipeline/core/schema.ts';
import { normalize } from '../pipeline/core/text.ts';
import { createEmbedder, embedItems, readEmbeddings, writeEmbeddings, LsaEmbedder } from '../pipeline/embed/index.ts';
import { need, runStages, stage, type RunContext, type Stage } from '../pipeline/run/context.ts';
import { CONFIG_DOCS, defaultConfig, RunConfig } from '../pipeline/run/config.ts';
import { runPipeline, STAGES } from '../pipeline/run/index.ts';
import { StageLog } from '../pipeline/run/stage-log.ts';
import { DEFAULT_CODEBOOK, loadCodebook, PreparedComments, themeItems } from '../pipeline/themes/index.ts';
import { DUPLICATE_DEFAULTS, TEMPLATE_JACCARD } from '../pipeline/themes/duplicates.ts';
import { getTokenizer, type Tokenizer } from '../pipeline/tokenize/index.ts';
import { seedItems } from './helpers/seed-items.ts';

const TMP = resolve('test/.tmp/run-context');
const quietLog = () => new StageLog(10, true);
const baseCtx = (): RunContext => ({ config: defaultConfig(), input: 'x', label: 'x', quiet: true, allowRemote: false, strict: false, model: null, records: {} });

describe('runStages', () => {
  it('calls each stage once, in order, and drops a record after its last reader unless the caller keeps it', async () => {
    const calls: string[] = [];
    const seen: Record<string, unknown> = {};
    const stages: Stage[] = [
      stage({ name: 'parse', needs: [], produces: 'parsed', run: () => (calls.push('parse'), { items: [], report: {} } as never), describe: () => '' }),
      stage({ name: 'tokenize', needs: ['parsed'], produces: 'comments', run: () => (calls.push('tokenize'), 'C' as never), describe: () => '' }),
      stage({
        name: 'themes',
        needs: ['parsed', 'comments'],
        produces: 'themes',
        run: (ctx) => {
          calls.push('themes');
          seen.comments = need(ctx, 'comments');
          return 'T' as never;
        },
        describe: () => '',
      }),
    ];
    const ctx = baseCtx();
    await runStages(ctx, stages, quietLog(), ['parsed', 'themes']);
    expect(calls).toEqual(['parse', 'tokenize', 'themes']);
    expect(seen.comments).toBe('C');
    expect(Object.keys(ctx.records).sort()).toEqual(['parsed', 'themes']);
  });

  it('refuses a stage list where a stage needs a record no earlier stage produces, before running anything', async () => {
    let ran = false;
    const stages: Stage[] = [stage({ name: 'themes', needs: ['comments'], produces: 'themes', run: () => ((ran = true), 'T' as never), describe: () => '' })];
    await expect(runStages(baseCtx(), stages, quietLog(), [])).rejects.toThrow(/stage themes needs "comments"/);
    expect(ran).toBe(false);
  });

  it("the run's own stage list is in an order where every need is met, each record produced once", () => {
    expect(STAGES.map((s) => s.name)).toEqual(['parse', 'codebook', 'tokenize', 'embed', 'classify', 'stance', 'themes']);
    const themes = STAGES.find((s) => s.name === 'themes')!;
    // themes reads the tokenize stage's analyses and the embed stage's vectors: it neither tokenizes nor embeds.
    expect(themes.needs).toEqual(expect.arrayContaining(['comments', 'vectors']));
    expect(new Set(STAGES.map((s) => s.produces)).size).toBe(STAGES.length);
  });
});

/** A tokenizer that fails the test if anything asks it for tokens. */
const refusing: Tokenizer = {
  tokenize: () => {
    throw new Error('tokenized again');
  },
  contentWords: () => {
    throw new Error('tokenized again');
  },
};

describe('themes and lsa read what the earlier stages produced', () => {
  let items: Item[];
  let tokenizer: Tokenizer;
  beforeAll(async () => {
    items = seedItems(40);
    tokenizer = await getTokenizer({ domainTerms: ['cybersecurity'] });
  });

  it('themeItems given the analysed comments and the vectors never tokenizes or embeds, and gives the same themes as computing them itself', async () => {
    const codebook = loadCodebook(DEFAULT_CODEBOOK);
    const alone = await themeItems(items, { codebook, tokenizer, embedder: await createEmbedder('lsa'), cache: false, quiet: true });

    const prepared = new PreparedComments(tokenizer, codebook);
    for (const i of items) prepared.get(i.comment);
    // Only the codebook's seed texts are new to lsa; every comment's words come from the prepared analyses.
    const comments = new Set(items.map((i) => normalize(i.comment)));
    const seedsOnly: Tokenizer = {
      tokenize: (t) => (comments.has(t) ? refusing.tokenize(t) : tokenizer.tokenize(t)),
      contentWords: (t) => (comments.has(normalize(t)) ? refusing.contentWords(t) : tokenizer.contentWords(t)),
    };
    const embedder = await createEmbedder('lsa', { lsa: { tokenizer: seedsOnly, words: (t) => prepared.wordsOf(t) } });
    const embeddings = await embedItems(items, embedder, { kind: 'passage', cache: false, quiet: true });
    const given = await themeItems(items, { codebook, tokenizer: refusing, prepared, embedder, embeddings, cache: false, quiet: true });
    expect(given.records).toEqual(alone.records);
    expect(given.clusters).toEqual(alone.clusters);
  });

  it('lsa takes its words from the lookup, so a term list given to the run tokenizer shapes the space', async () => {
    const texts = items.map((i) => i.comment);
    const plain = new LsaEmbedder({ tokenizer });
    await plain.fit(texts);
    const withTerm = new LsaEmbedder({ tokenizer: await getTokenizer({ domainTerms: ['cybersecurity'], terms: ['について'] }) });
    await withTerm.fit(texts);
    expect(withTerm.fitStats!.features).not.toBe(plain.fitStats!.features);
  });

  it('precomputed vectors from a file (themes --vectors) give the same clusters; a file missing an item is refused naming it', async () => {
    rmSync(TMP, { recursive: true, force: true });
    const embedder = await createEmbedder('lsa', { lsa: { tokenizer } });
    const embedded = await embedItems(items, embedder, { kind: 'passage', cache: false, quiet: true });
    const file = join(TMP, 'vectors.f32');
    writeEmbeddings(file, embedded);
    const fromFile = readEmbeddings(file);
    const opts = { codebook: null, tokenizer, cache: false, quiet: true };
    const a = await themeItems(items, { ...opts, embedder: await createEmbedder('lsa', { lsa: { tokenizer } }) });
    const b = await themeItems(items, { ...opts, embedder: await createEmbedder('lsa'), embeddings: fromFile, embeddingsSource: file });
    expect(b.clusters.items).toEqual(a.clusters.items);
    const short = { ...fromFile, ids: fromFile.ids.slice(1), vectors: fromFile.vectors.slice(1) };
    await expect(themeItems(items, { ...opts, embedder: await createEmbedder('lsa'), embeddings: short, embeddingsSource: file })).rejects.toThrow(InputError);
    await expect(themeItems(items, { ...opts, embedder: await createEmbedder('lsa'), embeddings: short, embeddingsSource: file })).rejects.toThrow(
      new RegExp(`vectors\\.f32: no vector for item "${items[0].id}"`),
    );
  });
});

describe('settings reach the stages, and say what the code does', () => {
  it('thresholds.response_template decides both items.csv and duplicates.json', async () => {
    const out = join(TMP, 'templates');
    rmSync(out, { recursive: true, force: true });
    const config = { ...defaultConfig(), classifiers: ['rules' as const], model: null, cache: { enabled: false, dir: join(TMP, 'cache') } };
    const loose = { ...config, thresholds: { near_duplicate: null, response_template: 0.3 } };
    const r = await runPipeline({ input: 'data/fixtures/themes/duplicates.csv', out, config: loose, quiet: true });
    const dup = JSON.parse(readFileSync(join(out, 'themes', 'duplicates.json'), 'utf8'));
    expect(dup.method.template_jaccard).toBe(0.3);
    const fromItems = new Map<string, string[]>();
    for (const it of r.run.items) if (it.response_template) fromItems.set(it.response_template, [...(fromItems.get(it.response_template) ?? []), it.id]);
    const fromFile = new Map<string, string[]>(dup.responses.templates.map((t: { id: string; items: string[] }) => [t.id, t.items]));
    expect(fromItems).toEqual(fromFile);
    expect(fromFile.size).toBeGreaterThan(0);
  }, 60_000);

  it('config --explain names the shingle size and thresholds the themes stage uses', () => {
    const doc = Object.fromEntries(CONFIG_DOCS);
    expect(doc['thresholds.near_duplicate']).toContain(`${DUPLICATE_DEFAULTS.shingle}-gram`);
    expect(doc['thresholds.near_duplicate']).toContain(`(${DUPLICATE_DEFAULTS.jaccard})`);
    expect(doc['thresholds.response_template']).toContain(`(${TEMPLATE_JACCARD}`);
  });

  it('a run config accepts every input format parse reads, pdf-text included', () => {
    expect(RunConfig.parse({ parse: { format: 'pdf-text' } }).parse.format).toBe('pdf-text');
  });
});
