import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readJsonl } from '../pipeline/core/io.ts';
import { Item } from '../pipeline/core/schema.ts';
import { compare } from '../pipeline/eval/compare.ts';
import { readLabelFile } from '../pipeline/eval/label-file.ts';
import { compareCsv, compareMarkdown, compareXlsx } from '../pipeline/eval/render.ts';

const FIX = 'data/fixtures/eval';
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pubcom-compare-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('reading a human coder CSV', () => {
  it('reads Japanese headers and labels through a BOM, and lists the uncoded row as skipped', async () => {
    const f = await readLabelFile(`${FIX}/coder-ja.csv`);
    expect(f.format).toBe('csv');
    expect(f.rows.map((r) => [r.keys.number, r.record.label])).toEqual([
      ['1', 'declined'],
      ['2', 'accepted'],
      ['3', 'referred'],
      ['4', 'deferred'],
      ['5', 'deferred'],
      ['6', 'none'],
    ]);
    expect(f.rows[0].keys.comment_head).toBe('路線バスの便数を増やしてほしい。');
    expect(f.rows[2].record.evidence_text).toBe('既に実施しております');
    // The eighth record (a multi-line comment with no label yet) is counted, not silently dropped.
    expect(f.skipped).toEqual([{ where: 'row 8', reason: 'empty label cell (not coded) for No.8' }]);
  });
});

describe('compare', () => {
  it('classifier JSONL vs a human coder CSV: agreement, kappa, confusion and the disagreement side by side', async () => {
    const items = readJsonl(`${FIX}/items.jsonl`, Item);
    const a = await readLabelFile(`${FIX}/labels.rules.jsonl`, { items });
    const b = await readLabelFile(`${FIX}/coder-ja.csv`, { items });
    const r = compare(a, b, { a: 'rules', b: 'coder' });
    expect(r.aligned).toBe(6);
    expect(r.metrics.accuracy).toBeCloseTo(5 / 6, 3);
    // pe = (1·1 + 1·1 + 2·1 + 1·2 + 1·1)/36 = 7/36 → kappa = (30/36 − 7/36)/(29/36) = 23/29
    expect(r.metrics.kappa).toBeCloseTo(23 / 29, 3);
    const { labels, matrix } = r.metrics.confusion;
    expect(labels).toEqual(['accepted', 'declined', 'referred', 'deferred', 'none']);
    expect(matrix[labels.indexOf('referred')][labels.indexOf('deferred')]).toBe(1);
    expect(r.disagreements).toHaveLength(1);
    expect(r.disagreements[0]).toMatchObject({
      key: 'transit#5',
      a_label: 'referred',
      a_confidence: 0.55,
      a_evidence: '「今後の参考とさせていただきます」[referred.wrong]',
      b_label: 'deferred',
      b_evidence: '今後の参考とさせていただきます',
      response: 'シェアサイクルのポート増設については、今後の参考とさせていただきます。',
    });
    expect(r.unmatched_a.map((u) => u.id)).toEqual(['transit#9']);
    expect(r.unmatched_b).toEqual([]);
    expect(r.skipped_b).toHaveLength(1);

    const md = compareMarkdown(r);
    expect(md).toContain('| transit#5 | 5 | referred |');
    expect(md).toContain('Unmatched in rules (1)');
    const csv = compareCsv(r);
    expect(csv.startsWith('\uFEFFstatus,key,number,a_label')).toBe(true);
    expect(csv).toContain('unmatched_a,transit#9');
  });

  it('a human coder CSV vs an LLM CSV, aligned by printed number without items', async () => {
    const r = compare(await readLabelFile(`${FIX}/coder-ja.csv`), await readLabelFile(`${FIX}/llm.csv`));
    expect(r.aligned).toBe(6);
    expect(r.aligned_by.number).toBe(6);
    expect(r.metrics.accuracy).toBe(1);
    expect(r.metrics.kappa).toBe(1);
    expect(r.disagreements).toEqual([]);
  });

  it('writes an XLSX with one sheet per table and reads a coder XLSX back in', async () => {
    const items = readJsonl(`${FIX}/items.jsonl`, Item);
    const r = compare(await readLabelFile(`${FIX}/labels.rules.jsonl`, { items }), await readLabelFile(`${FIX}/coder-ja.csv`, { items }), { a: 'rules', b: 'coder' });
    const bytes = await compareXlsx(r);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['summary', 'per_label', 'confusion', 'disagreements', 'unmatched_a', 'unmatched_b', 'skipped']);
    const d = wb.getWorksheet('disagreements')!;
    expect(d.getRow(2).getCell(1).value).toBe('transit#5');
    expect(d.getRow(2).getCell(3).value).toBe('referred');
    expect(d.getRow(2).getCell(7).value).toBe('deferred');
    // Same content, same bytes: the workbook is deterministic.
    expect(Buffer.from(await compareXlsx(r)).equals(Buffer.from(bytes))).toBe(true);

    // A coder's own workbook with Japanese headers.
    const coder = new ExcelJS.Workbook();
    const ws = coder.addWorksheet('コーディング');
    ws.addRow(['番号', '判定', '根拠']);
    ws.addRow([1, '原案維持', '困難です']);
    ws.addRow([2, '反映', '修正します']);
    const path = join(dir, 'coder.xlsx');
    writeFileSync(path, Buffer.from(await coder.xlsx.writeBuffer()));
    const f = await readLabelFile(path);
    expect(f.format).toBe('xlsx');
    expect(f.rows.map((x) => [x.keys.number, x.record.label, x.where])).toEqual([
      ['1', 'declined', 'row 2'],
      ['2', 'accepted', 'row 3'],
    ]);
  });

  it('an unknown label names the file, the row and the accepted values', async () => {
    const path = join(dir, 'bad.csv');
    writeFileSync(path, '番号,分類\n1,反映\n2,たぶん採用\n');
    await expect(readLabelFile(path)).rejects.toThrow(/bad\.csv:row 3: 分類: unknown label "たぶん採用"; expected one of accepted, deferred, referred, declined, none/);
  });

  it('a sheet without a label column says what headers it expected and found', async () => {
    const path = join(dir, 'nolabel.csv');
    writeFileSync(path, '番号,意見の概要\n1,路線バス\n');
    await expect(readLabelFile(path)).rejects.toThrow(/no label column: expected a header such as .*found "番号", "意見の概要"/);
  });
});
