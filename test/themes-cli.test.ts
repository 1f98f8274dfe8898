import { fileURLToPath } from 'node:url';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readJson, readJsonl, writeJsonl } from '../pipeline/core/io.ts';
import { ThemeRecord } from '../pipeline/core/schema.ts';
import { parseDocument } from '../pipeline/parse/index.ts';
import { ClustersFile, DuplicatesFile } from '../pipeline/themes/schema.ts';
import { pubcom } from './helpers/cli.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SEED = join(ROOT, 'seeds/000_555981824ba784d2.txt');
const work = mkdtempSync(join(tmpdir(), 'pubcom-themes-'));
const itemsPath = join(work, 'items.jsonl');


beforeAll(async () => {
  writeJsonl(itemsPath, (await parseDocument(SEED)).items);
});

describe('pubcom themes', () => {
  it('writes themes.jsonl, clusters.json and duplicates.json that match their schemas', async () => {
    const out = join(work, 'themes.jsonl');
    const r = await pubcom('themes', itemsPath, '--out', out, '--clusters', join(work, 'clusters.json'), '--duplicates', join(work, 'duplicates.json'), '--no-cache');
    expect(r.stderr).toContain('themes: 131 items');
    expect(r.code).toBe(0);
    const records = readJsonl(out, ThemeRecord);
    expect(records).toHaveLength(131);
    const clusters = readJson(join(work, 'clusters.json'), ClustersFile);
    expect(clusters.items).toHaveLength(131);
    const duplicates = readJson(join(work, 'duplicates.json'), DuplicatesFile);
    expect(duplicates.responses.templates.length).toBeGreaterThan(0);
    expect(r.stderr).toMatch(/clusters: \d+ clusters \+ \d+ outliers \(k=\d+ by silhouette/);
  });

  it('fixes k with --k', async () => {
    const r = await pubcom('themes', itemsPath, '--out', join(work, 'k.jsonl'), '--clusters', join(work, 'k.json'), '--k', '5', '--no-cache', '--quiet');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const clusters = readJson(join(work, 'k.json'), ClustersFile);
    expect(clusters.k).toBe(5);
    expect(clusters.k_selection.method).toBe('fixed');
  });

  it('stops with exit 2 and writes nothing when a codebook rule is malformed', async () => {
    const book = JSON.parse(readFileSync(join(ROOT, 'models/themes/cybersecurity.json'), 'utf8'));
    book.themes[1].rule = '中小企業 商工会';
    const bad = join(work, 'bad-codebook.json');
    writeFileSync(bad, JSON.stringify(book));
    const out = join(work, 'never.jsonl');
    const r = await pubcom('themes', itemsPath, '--codebook', bad, '--out', out, '--no-cache');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${bad}:themes[1].rule column 6`);
    expect(r.stderr).toContain('rule of theme "sme": expected "and", "or" or ")" before "商工会"');
    expect(existsSync(out)).toBe(false);
  });

  it('rejects a bad --k and a bad items file with exit 2', async () => {
    expect((await pubcom('themes', itemsPath, '--out', join(work, 'x.jsonl'), '--k', 'zero')).code).toBe(2);
    const notItems = join(work, 'not-items.jsonl');
    writeFileSync(notItems, '{"id": "a"}\n');
    const r = await pubcom('themes', notItems, '--out', join(work, 'y.jsonl'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${notItems}:line 1`);
  });

  it('documents its flags with examples', async () => {
    const r = await pubcom('themes', '--help');
    for (const flag of ['--codebook', '--embedder', '--k', '--out', '--clusters', '--duplicates', '--jaccard', '--template-jaccard']) {
      expect(r.stdout).toContain(flag);
    }
    expect(r.stdout).toContain('Examples:');
  });
});
