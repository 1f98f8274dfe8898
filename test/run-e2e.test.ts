// `pubcom run` end to end on the seed: every file of the run folder, items.csv as Excel reads it, the manifest,
// and determinism (a second run, served from the cache the first one filled, gives the same bytes).
import { existsSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { z } from 'zod';
import { sha256 } from '../pipeline/core/hash.ts';
import { readJsonl } from '../pipeline/core/io.ts';
import { ParseReport } from '../pipeline/core/schema.ts';
import { RunItem } from '../pipeline/report/schema.ts';
import { defaultConfig, publicConfig, type ResolvedConfig } from '../pipeline/run/config.ts';
import { runPipeline, type RunResult } from '../pipeline/run/index.ts';
import { Manifest } from '../pipeline/run/manifest.ts';

const SEED = 'seeds/000_555981824ba784d2.txt';
const TMP = resolve('test/.tmp/run-e2e');
const A = join(TMP, 'a', 'seed');
const B = join(TMP, 'b', 'seed');

let config: ResolvedConfig;
let first: RunResult;

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => statSync(join(dir, f)).isFile())
    .map((f) => relative(dir, join(dir, f)))
    .sort();
}

beforeAll(async () => {
  rmSync(TMP, { recursive: true, force: true });
  // A cache of its own, empty at the start: the first run computes every vector, the second reads them back.
  config = { ...defaultConfig(), cache: { enabled: true, dir: join(TMP, 'cache') } };
  first = await runPipeline({ input: SEED, out: A, config, quiet: true });
  await runPipeline({ input: SEED, out: B, config, quiet: true });
});

describe('pubcom run on the seed', () => {
  it('writes every file of the run folder, and the manifest lists each with its hash', () => {
    const files = filesUnder(A);
    const tables = ['dispositions', 'dispositions_by_section', 'themes', 'theme_disposition', 'disposition_stance', 'response_templates', 'duplicates', 'no_response', 'clusters'];
    if (config.classifiers.length > 1) tables.push('agreement');
    const expected = [
      'codebook.draft.json',
      'items.csv',
      'items.jsonl',
      'manifest.json',
      'parse-report.json',
      'report.html',
      'run.json',
      'tables.md',
      'tables.xlsx',
      'themes/clusters.json',
      'themes/duplicates.json',
      ...tables.flatMap((t) => [`tables/${t}.csv`, `tables/${t}.md`]),
    ].sort();
    expect(files).toEqual(expected);
    const manifest = Manifest.parse(JSON.parse(readFileSync(join(A, 'manifest.json'), 'utf8')));
    expect(Object.keys(manifest.files).sort()).toEqual(expected.filter((f) => f !== 'manifest.json'));
    for (const [f, hash] of Object.entries(manifest.files)) expect(sha256(readFileSync(join(A, f))), f).toBe(hash);
  });

  it('items.csv starts with a BOM and holds the 131 items, one row each, numbered as printed', () => {
    const bytes = readFileSync(join(A, 'items.csv'));
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows: string[][] = parseCsv(bytes, { bom: true });
    const [header, ...data] = rows;
    expect(data).toHaveLength(131);
    const col = (k: string) => header.indexOf(k);
    expect(data.map((r) => r[col('number')])).toEqual(Array.from({ length: 131 }, (_, i) => String(i + 1)));
    for (const name of config.classifiers) {
      const labels = data.map((r) => r[col(`${name}_label`)]);
      expect(new Set(labels).size).toBeGreaterThan(2);
      // An empty response cell is `none` and nothing else is.
      data.forEach((r, i) => expect(labels[i] === 'none', `row ${i + 1}`).toBe(r[col('response')] === ''));
    }
    expect(data.filter((r) => r[col('response')] === '')).toHaveLength(9);
    // Multi-line cells survive the round trip: some comments span several lines in the source.
    expect(data.every((r) => r.length === header.length)).toBe(true);
  });

  it('items.jsonl carries every classifier\'s evidence as offsets into the response', () => {
    const items = readJsonl(join(A, 'items.jsonl'), RunItem);
    expect(items).toHaveLength(131);
    let checked = 0;
    for (const it of items) {
      expect(it.labels.map((l) => l.classifier)).toEqual(config.classifiers);
      for (const l of it.labels) {
        if (l.label !== 'none') expect(l.evidence.length, `${it.id} ${l.classifier}`).toBeGreaterThan(0);
        for (const e of l.evidence.filter((e) => !e.source_item)) {
          expect(it.response.slice(e.start, e.end), `${it.id} ${e.rule}`).toBe(e.text);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(100);
    // Every item was placed on the map and given a cluster by the themes stage.
    expect(items.filter((it) => it.comment && (it.map === null || it.cluster === null))).toEqual([]);
  });

  it('records the input, config, counts and per-stage timings in manifest.json, and the parse report beside it', () => {
    const manifest = Manifest.parse(JSON.parse(readFileSync(join(A, 'manifest.json'), 'utf8')));
    const report = ParseReport.parse(JSON.parse(readFileSync(join(A, 'parse-report.json'), 'utf8')));
    expect(manifest.input.sha256).toBe(sha256(readFileSync(SEED)));
    expect(manifest.input.file).toBe('000_555981824ba784d2.txt'); // the file name: never the user's folders
    expect(manifest.counts.items).toBe(131);
    expect(manifest.counts.skipped_rows).toBe(report.skipped.length);
    expect(manifest.counts.no_response).toBe(9);
    // The config as given, with file paths by project-relative path or file name (never the user's folders).
    expect(manifest.config).toEqual(JSON.parse(JSON.stringify(publicConfig(config))));
    expect((manifest.config.cache as { dir: string }).dir).toBe('test/.tmp/run-e2e/cache');
    expect(manifest.models.classifiers.map((c) => c.name)).toEqual(config.classifiers);
    expect(Object.keys(manifest.timings_ms)).toEqual(['parse', 'codebook', 'tokenize', 'embed', 'classify', 'stance', 'themes', 'report', 'total']);
    expect(manifest.models.codebook).toMatchObject({ file: 'models/themes/cybersecurity.json', requested: 'auto' });
    expect(manifest.models.codebook.fits?.[0]).toMatchObject({ domain: 'cybersecurity', comments: 131, rule_hits: 126, fits: true });
    expect(report.items).toBe(131);
    // The seed's 3 preamble lines and 2 separator rows, and its 35 blank lines: all 40 accounted lines skipped.
    expect(first.summary).toMatch(/^pubcom run: 131 items; skipped 5 input parts with text and 35 blank lines or rows /);
    expect(report.totals.lines.skipped).toBe(40);
  });

  it('puts every table and the items in one workbook', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(readFileSync(join(A, 'tables.xlsx')) as unknown as ArrayBuffer);
    const names = wb.worksheets.map((w) => w.name);
    for (const f of filesUnder(join(A, 'tables')).filter((f) => f.endsWith('.csv'))) expect(names).toContain(f.replace(/\.csv$/, ''));
    expect(wb.getWorksheet('items')!.rowCount).toBe(132);
  });

  it('gives identical files on a second run, apart from the manifest timings and memory', () => {
    const files = filesUnder(A);
    expect(filesUnder(B)).toEqual(files);
    for (const f of files.filter((f) => f !== 'manifest.json')) {
      expect(readFileSync(join(B, f)).equals(readFileSync(join(A, f))), f).toBe(true);
    }
    const strip = (dir: string) => {
      const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
      delete m.timings_ms;
      delete m.peak_rss_mb;
      return JSON.stringify(m);
    };
    expect(strip(B)).toBe(strip(A));
    expect(existsSync(join(TMP, 'cache', 'embeddings'))).toBe(true);
  });
});
