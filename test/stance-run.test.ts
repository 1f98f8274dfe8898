// The stance stage inside `pubcom run` (its timing, the stance columns of items.csv / items.jsonl, the
// disposition_stance table in every format) and `pubcom stance` on its own.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { readJsonl } from '../pipeline/core/io.ts';
import { StanceRecord } from '../pipeline/core/schema.ts';
import { RunItem } from '../pipeline/report/schema.ts';
import { Manifest } from '../pipeline/run/manifest.ts';
import { pubcom } from './helpers/cli.ts';

const INPUT = 'data/fixtures/text/city-transport-plan.txt';
const TMP = resolve('test/.tmp/stance-run');
const OUT = join(TMP, 'city');


const csvRows = (path: string): Record<string, string>[] => parseCsv(readFileSync(path), { bom: true, columns: true });

let stderr: string;
let items: RunItem[];

beforeAll(async () => {
  rmSync(TMP, { recursive: true, force: true });
  const r = await pubcom('run', INPUT, '--out', OUT, '--classifiers', 'rules', '--no-cache');
  expect(r.code, r.stderr).toBe(0);
  stderr = r.stderr;
  items = readJsonl(join(OUT, 'items.jsonl'), RunItem);
});

describe('the stance stage in pubcom run', () => {
  it('runs as its own stage, timed in the manifest, and the summary counts stances and labels to review', async () => {
    expect(stderr).toMatch(/^\[6\/8\] stance /m);
    const manifest = Manifest.parse(JSON.parse(readFileSync(join(OUT, 'manifest.json'), 'utf8')));
    expect(Object.keys(manifest.timings_ms)).toContain('stance');
    expect(stderr).toMatch(/needs review \(要確認\): rules \d+/);
    const review = items.filter((it) => it.labels[0].needs_review === true).length;
    expect(stderr).toContain(`needs review (要確認): rules ${review}`);
    expect(stderr).toMatch(/ {2}stance: 賛成 \d+ · 反対 \d+ · 要望 \d+ · 質問 \d+/);
  });

  it('items.jsonl carries each comment\'s stance with evidence offsets into the comment', async () => {
    expect(items.length).toBeGreaterThan(5);
    let spans = 0;
    for (const it of items) {
      expect(it.stance, it.id).not.toBeUndefined();
      if (it.comment === '') expect(it.stance).toBeNull();
      for (const e of it.stance_evidence ?? []) {
        expect(it.comment.slice(e.start, e.end), it.id).toBe(e.text);
        spans++;
      }
    }
    expect(spans).toBeGreaterThan(0);
    expect(items.filter((it) => it.stance).length).toBeGreaterThan(0);
  });

  it('items.csv has stance, stance_confidence and stance_evidence and the needs-review column', async () => {
    const rows = csvRows(join(OUT, 'items.csv'));
    expect(Object.keys(rows[0])).toEqual(expect.arrayContaining(['stance', 'stance_confidence', 'stance_evidence', 'rules_needs_review']));
    expect(rows.map((r) => r.stance)).toEqual(items.map((it) => it.stance ?? ''));
    rows.forEach((r, i) => {
      const ev = items[i].stance_evidence ?? [];
      if (ev.length) expect(r.stance_evidence).toContain(`「${ev[0].text}」[${ev[0].rule}]`);
      expect(r.rules_needs_review).toBe(items[i].labels[0].needs_review ? '1' : '');
    });
  });

  it('disposition_stance counts every item once: rows add up to the item count, each row to its items', async () => {
    const rows = csvRows(join(OUT, 'tables', 'disposition_stance.csv'));
    expect(rows.map((r) => r.stance)).toEqual(['support', 'oppose', 'request', 'question', '(立場なし)']);
    const total = rows.reduce((s, r) => s + Number(r.items), 0);
    expect(total).toBe(items.length);
    const labels = ['accepted', 'declined', 'referred', 'deferred', 'none'];
    for (const r of rows) {
      expect(labels.reduce((s, l) => s + Number(r[l]), 0), r.stance).toBe(Number(r.items));
      const members = items.filter((it) => (it.stance ?? '(立場なし)') === r.stance);
      expect(Number(r.items)).toBe(members.length);
      for (const l of labels) expect(Number(r[l]), `${r.stance} ${l}`).toBe(members.filter((it) => it.labels[0].label === l).length);
      if (Number(r.items)) expect(labels.reduce((s, l) => s + Number(r[`${l}_pct`]), 0)).toBeCloseTo(100, 0);
    }
    expect(readFileSync(join(OUT, 'tables', 'disposition_stance.md'), 'utf8')).toContain('意見の立場 × 回答区分');
    expect(readFileSync(join(OUT, 'tables.md'), 'utf8')).toContain('意見の立場 × 回答区分');
    const html = readFileSync(join(OUT, 'report.html'), 'utf8');
    expect(html).toContain('<section id="stance"><h2>意見の立場 × 回答区分</h2>');
    expect(html).toContain('href="#stance"');
  });

  it('puts disposition_stance on its own sheet of tables.xlsx', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(readFileSync(join(OUT, 'tables.xlsx')) as unknown as ArrayBuffer);
    const sheet = wb.getWorksheet('disposition_stance');
    expect(sheet).toBeDefined();
    expect(sheet!.rowCount).toBeGreaterThanOrEqual(5);
  });
});

describe('pubcom stance', () => {
  it('writes one StanceRecord per item, in order, agreeing with the run', async () => {
    const out = join(TMP, 'stance.jsonl');
    const r = await pubcom('stance', join(OUT, 'items.jsonl'), '--out', out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`pubcom stance: ${items.length} comments`);
    const records = readJsonl(out, StanceRecord);
    expect(records.map((s) => s.id)).toEqual(items.map((it) => it.id));
    expect(records.map((s) => s.stance)).toEqual(items.map((it) => it.stance));
  });

  it('rejects a file without an id with exit code 2, naming the file, and writes nothing', async () => {
    const bad = join(TMP, 'bad.jsonl');
    const out = join(TMP, 'never.jsonl');
    rmSync(out, { force: true });
    writeFileSync(bad, '{"comment":"賛成です。"}\n');
    const r = await pubcom('stance', bad, '--out', out);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(bad);
    expect(existsSync(out)).toBe(false);
  });
});
