import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ParseReport } from '../pipeline/core/schema.ts';
import { pubcom } from './helpers/cli.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SEED = 'seeds/000_555981824ba784d2.txt';


/** A fixed pseudo-random byte string: the same "binary junk" on every run. */
function junk(n: number): Buffer {
  const out = Buffer.alloc(n);
  let x = 0x2545f491;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pubcom-parse-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('pubcom parse', () => {
  it('parses the seed, writes items and report, and summarises on stderr', async () => {
    const out = join(dir, 'a/items.jsonl');
    const report = join(dir, 'a/parse-report.json');
    const r = await pubcom('parse', SEED, '--out', out, '--report', report);
    expect(r.stderr).toContain('131 items');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/skipped 3 × title or preamble/);
    expect(r.stderr).toMatch(/characters: 47925 in = \d+ items \+ \d+ headings \+ \d+ headers \+ \d+ skipped/);
    const lines = readFileSync(out, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(131);
    expect(JSON.parse(lines[96]).source.lines).toEqual([142, 143, 144, 145, 146]);
    const parsed = ParseReport.parse(JSON.parse(readFileSync(report, 'utf8')));
    expect(parsed.accounts).toHaveLength(202);
    expect(parsed.items).toBe(131);
  });

  it('writes the same bytes on a rerun, silently with --quiet', async () => {
    const runs: Buffer[][] = [];
    for (const d of ['b', 'c']) {
      const out = join(dir, d, 'items.jsonl');
      const report = join(dir, d, 'parse-report.json');
      const r = await pubcom('parse', SEED, '--out', out, '--report', report, '--quiet');
      expect(r.code).toBe(0);
      expect(r.stderr).toBe('');
      runs.push([readFileSync(out), readFileSync(report)]);
    }
    expect(runs[0][0].equals(runs[1][0])).toBe(true);
    expect(runs[0][1].equals(runs[1][1])).toBe(true);
  });

  it('documents every flag with an example in --help', async () => {
    const r = await pubcom('parse', '--help');
    expect(r.code).toBe(0);
    for (const flag of ['--format', '--map', '--records', '--join', '--slug', '--out', '--report', '--quiet']) {
      expect(r.stdout).toContain(flag);
      // Each flag appears in an example (its own "e.g." or a command line under Examples).
      expect(r.stdout).toMatch(new RegExp(`(e\\.g\\. ${flag}|\\$ pubcom parse .*${flag})`));
    }
    expect(r.stdout).toContain('Examples:');
  });
});

describe('pubcom parse on bad input: exit 2, the file named, nothing written', () => {
  const cases: [string, string, () => Buffer, RegExp][] = [
    ['an empty file', 'empty.txt', () => Buffer.alloc(0), /the file is empty/],
    ['a file of blank lines', 'blank.txt', () => Buffer.from('\n  \r\n\t\n'), /the file is empty/],
    ['binary junk', 'junk.txt', () => junk(4096), /binary data, not text/],
    [
      'undecodable bytes',
      'broken-utf8.txt',
      () => {
        const seed = readFileSync(join(ROOT, SEED));
        const at = seed.indexOf(Buffer.from('意見の概要')) + 3;
        return Buffer.concat([seed.subarray(0, at), Buffer.from([0xff]), seed.subarray(at)]);
      },
      /broken-utf8\.txt:line 5: undecodable bytes: invalid UTF-8 byte 0xff/,
    ],
    [
      'a text that is not a result table',
      'minutes.txt',
      () => Buffer.from('第3回 検討会 議事録\n\n日時：令和7年5月12日\n委員長から開会の挨拶があった。\n次回は6月に開催する。\n'),
      /not a result table: .*try --format pdf-text/,
    ],
  ];
  it.each(cases)('%s', async (_, name, bytes, message) => {
    const input = join(dir, name);
    writeFileSync(input, bytes());
    const out = join(dir, 'bad', `${name}.jsonl`);
    const report = join(dir, 'bad', `${name}.report.json`);
    const r = await pubcom('parse', input, '--out', out, '--report', report);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(input);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(report)).toBe(false);
  });

  it('rejects an unknown --map field', async () => {
    const out = join(dir, 'bad/map.jsonl');
    const r = await pubcom('parse', SEED, '--map', 'commnet=意見', '--out', out);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--map: unknown field "commnet"');
    expect(existsSync(out)).toBe(false);
  });

  it('rejects an unknown --format with exit 2', async () => {
    const out = join(dir, 'bad/format.jsonl');
    const r = await pubcom('parse', SEED, '--format', 'docx', '--out', out);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("argument 'docx' is invalid");
    expect(existsSync(out)).toBe(false);
  });

  it('rejects a missing input file', async () => {
    const r = await pubcom('parse', join(dir, 'nope.txt'), '--out', join(dir, 'bad/nope.jsonl'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('nope.txt: cannot read file (ENOENT)');
  });
});
