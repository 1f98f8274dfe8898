// Bad, huge and unusual inputs (issue 10): each ends in a complete run or an exit-2 message naming the file and
// the problem; never a stack trace, a hang or a leaked folder name. Library calls, so kuromoji loads once.
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { beforeAll, describe, expect, it } from 'vitest';
import { maxOf, minOf, pushAll } from '../pipeline/core/arrays.ts';
import { InputError } from '../pipeline/core/errors.ts';
import { MAX_CELL_CHARS, parseBytes, parseDocument } from '../pipeline/parse/index.ts';
import { defaultConfig, loadConfig, type ResolvedConfig } from '../pipeline/run/config.ts';
import { runPipeline } from '../pipeline/run/index.ts';
import { silhouette, toMatrix } from '../pipeline/themes/metrics.ts';
import { getTokenizer } from '../pipeline/tokenize/index.ts';
import { cutPiece, MAX_PIECE } from '../pipeline/tokenize/kuromoji.ts';

const TMP = resolve('test/.tmp/run-robustness');
const HEAD = '意見の概要\t意見に対する考え方\n';
let config: ResolvedConfig;

beforeAll(() => {
  rmSync(TMP, { recursive: true, force: true });
  mkdirSync(TMP, { recursive: true });
  config = { ...defaultConfig(), classifiers: ['rules'], model: null, cache: { enabled: false, dir: 'test/.tmp/run-robustness/cache' } };
});

async function inputError(work: () => Promise<unknown>): Promise<InputError> {
  try {
    await work();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error('expected an InputError');
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => statSync(join(dir, f)).isFile())
    .map((f) => relative(dir, join(dir, f)))
    .sort();
}

describe('data-sized arrays', () => {
  it('max, min and append over 300,000 values without a spread', () => {
    const big = Array.from({ length: 300_000 }, (_, i) => (i * 7919) % 300_001);
    expect(maxOf(big)).toBe(Math.max(...big.slice(0, 100_000), ...[maxOf(big.slice(100_000))]));
    expect(minOf(big)).toBe(0);
    expect(maxOf([], 1)).toBe(1);
    expect(pushAll([1], big).length).toBe(300_001);
  });

  it('silhouette over 300,000 labels', () => {
    const n = 300_000;
    const vectors = Array.from({ length: n }, (_, i) => Float32Array.of(i % 2, (i + 1) % 2));
    const labels = Int32Array.from({ length: n }, (_, i) => i % 2);
    expect(silhouette(toMatrix(vectors), labels, 200)).toBeCloseTo(1, 5);
  });
});

describe('tokenizer on long text', () => {
  it('tokenizes a 100,000-character repetitive comment in well under 5 s, offsets exact', async () => {
    const tokenizer = await getTokenizer();
    for (const phrase of ['個人情報の保護を強化すべきです', 'サイバーセキュリティ', 'abc ', '😀あ']) {
      const text = phrase.repeat(Math.ceil(100_000 / phrase.length)).slice(0, 100_000);
      const t0 = performance.now();
      const tokens = tokenizer.tokenize(text);
      expect(performance.now() - t0, phrase).toBeLessThan(5000);
      let at = 0;
      for (const t of tokens) {
        expect(t.start).toBe(at);
        expect(text.slice(t.start, t.end)).toBe(t.surface);
        at = t.end;
      }
      expect(at).toBe(text.length);
    }
  });

  it('cuts long pieces at a sentence end, a space, a script change, else at a fixed length', () => {
    const long = (s: string) => s.repeat(Math.ceil((MAX_PIECE * 2) / s.length));
    expect(cutPiece('短い文', 0, 3)).toBe(3);
    const withBang = 'あ'.repeat(100) + '！' + '漢'.repeat(400);
    expect(cutPiece(withBang, 0, withBang.length)).toBe(101);
    const spaced = '漢'.repeat(200) + ' ' + '漢'.repeat(300);
    expect(cutPiece(spaced, 0, spaced.length)).toBe(201);
    const scripts = long('ほごを強化');
    const cut = cutPiece(scripts, 0, scripts.length);
    expect(cut).toBeLessThanOrEqual(MAX_PIECE);
    expect(scripts[cut - 1]).toBe('を');
    expect(cutPiece(long('漢'), 0, MAX_PIECE * 2)).toBe(MAX_PIECE);
    const emoji = 'x' + '😀'.repeat(MAX_PIECE);
    expect(cutPiece(emoji, 0, emoji.length)).toBe(MAX_PIECE - 1); // never between the halves of a surrogate pair
  });
});

describe('parse limits', () => {
  it('refuses a 50 MB cell and a 2-million-character line quickly, naming the file and the line', async () => {
    const cell = '個人情報の保護を強化すべきです'.repeat(1_200_000); // 18 M characters, 54 MB of UTF-8
    const t0 = performance.now();
    const e = await inputError(() => parseBytes(Buffer.from(`${HEAD}1\t${cell}\t考え方です。\n`), 'big.txt'));
    expect(performance.now() - t0).toBeLessThan(60_000);
    expect(e.message).toMatch(/^big\.txt:line 2: the comment of item 1 is 18,000,000 characters long; the limit is 100,000/);
    const csv = await inputError(() => parseBytes(Buffer.from(`番号,意見の概要,意見に対する考え方\n1,x,${'y'.repeat(2_000_000)}\n`), 'big.csv'));
    expect(csv.message).toMatch(/^big\.csv:row 2: the response of item 1 is 2,000,000 characters/);
    const ok = await parseBytes(Buffer.from(`${HEAD}1\t${'あ'.repeat(MAX_CELL_CHARS)}\t考え方です。\n`), 'ok.txt');
    expect(ok.items).toHaveLength(1);
  });

  it('refuses JSON and HTML nested 5,000 deep with a message, not a stack overflow', async () => {
    const d = 5000;
    const json = `{"items":[{"comment":"意見","response":"考え方","x":${'{"a":'.repeat(d)}1${'}'.repeat(d)}}]}`;
    expect((await inputError(() => parseBytes(Buffer.from(json), 'deep.json'))).message).toMatch(/^deep\.json: arrays and objects nested 5003 deep; the limit is 1000/);
    const table = '<table><tr><th>意見の概要</th><th>意見に対する考え方</th></tr><tr><td>意見です</td><td>考え方です</td></tr></table>';
    const html = `<html><body>${'<div>'.repeat(d)}${table}${'</div>'.repeat(d)}</body></html>`;
    expect((await inputError(() => parseBytes(Buffer.from(html), 'deep.html'))).message).toMatch(/^deep\.html: elements nested \d+ deep; the limit is 1000/);
    const fine = `<html><body>${'<div>'.repeat(900)}${table}${'</div>'.repeat(900)}</body></html>`;
    expect((await parseBytes(Buffer.from(fine), 'fine.html')).items).toHaveLength(1);
  });

  it('names the input by a label in items and report, and by its path in messages', async () => {
    const path = join(TMP, 'labelled.txt');
    writeFileSync(path, `${HEAD}1\t意見です。\t考え方です。\n`);
    const r = await parseDocument(path, { sourceLabel: 'round-3' });
    expect(r.items[0].source.file).toBe('round-3');
    expect(r.items[0].id).toBe('labelled#1');
    expect(r.report.file).toBe('round-3');
    writeFileSync(path, 'これは結果の表ではありません。\n');
    expect((await inputError(() => parseDocument(path, { sourceLabel: 'round-3' }))).message).toMatch(new RegExp(`^${path}: not a result table`));
  });
});

describe('degenerate rounds give a full run', () => {
  const rounds: Record<string, string> = {
    'one comment': `${HEAD}1\t個人情報の保護を強化すべきです。\t御意見として承ります。\n`,
    'every comment identical': HEAD + Array.from({ length: 40 }, (_, i) => `${i + 1}\t個人情報の保護を強化すべきです。\t御意見として承ります。\n`).join(''),
    'every answer identical': HEAD + Array.from({ length: 12 }, (_, i) => `${i + 1}\t${['教育', '人材', '予算', '攻撃'][i % 4]}について${i}の意見です。\t御意見として承ります。\n`).join(''),
  };
  for (const [name, text] of Object.entries(rounds)) {
    it(name, async () => {
      const input = join(TMP, `${name.replace(/ /g, '-')}.txt`);
      writeFileSync(input, text);
      const out = join(TMP, 'runs', name.replace(/ /g, '-'));
      const r = await runPipeline({ input, out, config, quiet: true });
      expect(r.files).toContain('report.html');
      const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
      expect(manifest.counts.items).toBe(text.split('\n').length - 2);
      if (name !== 'every answer identical') {
        expect(manifest.warnings.join('\n')).toMatch(/no similarity space \(\d+ comments?, 1 distinct\)/);
        expect(manifest.counts.clusters).toBeGreaterThanOrEqual(1);
        // The reader of the report sees why the theme tables are one cluster, not only stderr and the manifest.
        const notes = /<ul class="analysis-notes">(.*?)<\/ul>/s.exec(readFileSync(join(out, 'report.html'), 'utf8'))?.[1] ?? '';
        expect(notes).toMatch(/no similarity space/);
      }
    });
  }
});

describe('outputs never carry the input folder', () => {
  it('two runs of one input from two folders give the same bytes, timings aside, also with a config file naming a codebook by its absolute path; --source-label names it', async () => {
    const text = readFileSync('seeds/000_555981824ba784d2.txt', 'utf8').split('\n').slice(0, 40).join('\n') + '\n';
    // Outside the project: files inside it are named by their project-relative path, which is not a user's folder.
    const home = mkdtempSync(join(tmpdir(), 'pubcom-home-'));
    const dirs = [join(home, 'home-a', 'alice'), join(home, 'home-b', 'bob', 'deeper')];
    const outs: string[] = [];
    for (const dir of dirs) {
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'kekka.txt'), text);
      copyFileSync('models/themes/cybersecurity.json', join(dir, 'my-codebook.json'));
      writeFileSync(join(dir, 'pubcom.json'), JSON.stringify({ classifiers: ['rules'], codebook: join(dir, 'my-codebook.json'), cache: { enabled: false } }));
      const fromFile = loadConfig(join(dir, 'pubcom.json'));
      const out = join(dir, 'reports', 'run');
      await runPipeline({ input: join(dir, 'kekka.txt'), out, config: fromFile, quiet: true });
      outs.push(out);
    }
    const [a, b] = outs;
    expect(filesUnder(a)).toEqual(filesUnder(b));
    for (const f of filesUnder(a)) {
      const bytes = readFileSync(join(a, f));
      expect(bytes.includes(Buffer.from(home)), `${f} names the folder`).toBe(false);
      if (f === 'manifest.json') {
        const strip = (p: string) => ({ ...JSON.parse(readFileSync(p, 'utf8')), timings_ms: null, peak_rss_mb: null });
        expect(strip(join(a, f))).toEqual(strip(join(b, f)));
      } else expect(bytes.equals(readFileSync(join(b, f))), f).toBe(true);
    }
    const manifest = JSON.parse(readFileSync(join(a, 'manifest.json'), 'utf8'));
    expect(manifest.input.file).toBe('kekka.txt');
    expect(manifest.config.codebook).toBe('my-codebook.json');
    expect(manifest.models.codebook).toMatchObject({ file: 'my-codebook.json', requested: 'my-codebook.json' });
    copyFileSync(join(dirs[0], 'kekka.txt'), join(TMP, 'kekka-copy.txt'));
    rmSync(home, { recursive: true, force: true });
    const labelled = join(TMP, 'labelled-run');
    await runPipeline({ input: join(TMP, 'kekka-copy.txt'), out: labelled, config, quiet: true, sourceLabel: '2025 cyber strategy' });
    expect(JSON.parse(readFileSync(join(labelled, 'run.json'), 'utf8')).document).toBe('2025 cyber strategy');
    expect(readFileSync(join(labelled, 'items.jsonl'), 'utf8')).toContain('"file":"2025 cyber strategy"');
  });
});
