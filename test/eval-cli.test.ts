import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EvalReport } from '../pipeline/eval/evaluate.ts';
import { pubcom } from './helpers/cli.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const FIX = 'data/fixtures/eval';


let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pubcom-eval-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('pubcom eval', () => {
  it('prints metrics, the error with its evidence and rule, and the unmatched rows', async () => {
    const r = await pubcom('eval', `${FIX}/labels.rules.jsonl`, '--gold', `${FIX}/gold.jsonl`, '--items', `${FIX}/items.jsonl`);
    expect(r.stderr).toContain('pubcom eval: 6 aligned; answered items accuracy 0.800');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('| answered items (gold ≠ none) | 5 | 0.800 | 0.833 | 0.737 |');
    expect(r.stdout).toContain('none exactly on the unanswered items: yes (1 of 1)');
    expect(r.stdout).toMatch(/\| transit#5 \| 5 \| deferred \|  \| referred \| 0\.550 \| 「今後の参考とさせていただきます」\[referred\.wrong\] \| referred\.wrong \|/);
    expect(r.stdout).toContain('## Unmatched predictions (1)');
    expect(r.stdout).toMatch(/\| line 7 \| transit#9 \|.*no record in the gold with the same id/);
    expect(r.stdout).toContain('## Unmatched gold rows (1)');
  });

  it('writes the JSON report atomically, valid against its schema', async () => {
    const out = join(dir, 'eval.json');
    const r = await pubcom('eval', `${FIX}/labels.rules.jsonl`, '--gold', `${FIX}/gold.jsonl`, '--items', `${FIX}/items.jsonl`, '--out', out);
    expect(r.code).toBe(0);
    const report = EvalReport.parse(JSON.parse(readFileSync(out, 'utf8')));
    expect(report.errors.map((e) => e.id)).toEqual(['transit#5']);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('exits 2 with a clear message on a malformed label file, and writes nothing', async () => {
    const out = join(dir, 'bad.md');
    const r = await pubcom('eval', `${FIX}/malformed-label.jsonl`, '--gold', `${FIX}/gold.jsonl`, '--out', out);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(
      `pubcom: error: ${FIX}/malformed-label.jsonl:line 2: label: unknown label "maybe"; expected one of accepted, deferred, referred, declined, none, 反映（修正）, 不採用, 既に対応・記載, 参考・今後検討, 回答なし (or a spelling listed in models/labels/taxonomy.json)`,
    );
    expect(existsSync(out)).toBe(false);
  });

  it('exits 2 when the gold file holds no labels, naming the file and line', async () => {
    const r = await pubcom('eval', `${FIX}/coder-ja.csv`, '--gold', `${FIX}/items.jsonl`);
    // items.jsonl has neither "label" nor "disposition": it is not a gold file.
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${FIX}/items.jsonl:line 1: expected a label record (id, label, …) or a gold record`);
  });
});

describe('pubcom compare', () => {
  it('compares a classifier with a coder CSV and writes XLSX', async () => {
    const out = join(dir, 'agreement.xlsx');
    const r = await pubcom('compare', `${FIX}/labels.rules.jsonl`, `${FIX}/coder-ja.csv`, '--items', `${FIX}/items.jsonl`, '--name-a', 'rules', '--name-b', '佐藤', '--out', out);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('pubcom compare: 6 aligned; agreement 0.833, kappa 0.793; 1 disagreements; unmatched 1 / 0; skipped 0 / 1');
    expect(readFileSync(out).subarray(0, 2).toString()).toBe('PK');
  });

  it('refuses xlsx to stdout and an unknown format, with exit 2', async () => {
    const a = await pubcom('compare', `${FIX}/coder-ja.csv`, `${FIX}/llm.csv`, '--format', 'xlsx');
    expect(a.code).toBe(2);
    expect(a.stderr).toContain('xlsx output needs --out');
    const b = await pubcom('compare', `${FIX}/coder-ja.csv`, `${FIX}/llm.csv`, '--format', 'pdf');
    expect(b.code).toBe(2);
    expect(b.stderr).toContain('--format: expected one of md, csv, xlsx, json, got "pdf"');
  });
});
