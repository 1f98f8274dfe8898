// A workbook with several sheets (issue 12, item 4): every sheet holding a result table is read, each item
// carries its sheet, --sheet picks sheets, and the sheets left out are listed with the reason.
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../pipeline/core/errors.ts';
import { parseBytes } from '../pipeline/parse/index.ts';

let workbook: Uint8Array;

beforeAll(async () => {
  const wb = new ExcelJS.Workbook();
  wb.addWorksheet('表紙').getCell('A1').value = '○○市地域公共交通計画（案）に対する意見募集の結果';
  const part = (name: string, rows: [number, string, string][]) => {
    const ws = wb.addWorksheet(name);
    ws.addRow(['番号', 'ご意見の概要', '市の考え方']);
    for (const r of rows) ws.addRow(r);
  };
  part('計画全体', [
    [1, 'バスの減便で通院が難しくなった。', '交通事業者と協議してまいります。'],
    [2, 'デマンド交通の区域を広げるべき。', '運行区域の拡大を検討します。'],
    [10, '運賃の上限を設けてほしい。', '運賃制度は国の認可によるため、原案どおりとします。'],
  ]);
  part('個別路線', [
    [1, '駅東口からのバス路線を新設してほしい。', '需要調査の結果を踏まえて検討します。'],
    [2, '停留所に屋根とベンチを設置してほしい。', '利用者の多い停留所から順次整備します。'],
  ]);
  const tally = wb.addWorksheet('集計');
  tally.addRow(['区分', '件数']);
  tally.addRow(['反映', 3]);
  workbook = new Uint8Array(await wb.xlsx.writeBuffer());
});

describe('XLSX with several sheets', () => {
  it('reads every sheet with a result table; items carry their sheet; the others are listed with why', async () => {
    const { items, report } = await parseBytes(workbook, 'kotsu.xlsx');
    expect(items.map((it) => [it.sheet, it.number])).toEqual([
      ['計画全体', '1'], ['計画全体', '2'], ['計画全体', '10'], ['個別路線', '1'], ['個別路線', '2'],
    ]);
    expect(items.map((it) => it.id)).toEqual(['kotsu/計画全体#1', 'kotsu/計画全体#2', 'kotsu/計画全体#10', 'kotsu/個別路線#1', 'kotsu/個別路線#2']);
    expect(items.every((it) => it.source.sheet === it.sheet)).toBe(true);
    const note = report.warnings.find((w) => w.startsWith('sheets not read: '))!;
    expect(note).toMatch(/"表紙" \(no result table/);
    expect(note).toMatch(/"集計" \(no result table/);
  });

  it('--sheet reads only the named sheets; the rest are listed as not named', async () => {
    const { items, report } = await parseBytes(workbook, 'kotsu.xlsx', { sheets: ['個別路線'] });
    expect(items.map((it) => it.id)).toEqual(['kotsu#1', 'kotsu#2']);
    expect(items.every((it) => it.sheet === '個別路線')).toBe(true);
    expect(report.warnings.join('\n')).toContain('"計画全体" (not named by --sheet)');
    await expect(parseBytes(workbook, 'kotsu.xlsx', { sheets: ['路線'] })).rejects.toThrow(InputError);
    await expect(parseBytes(workbook, 'kotsu.xlsx', { sheets: ['路線'] })).rejects.toThrow(/--sheet 路線: no such sheet; sheets: "表紙", "計画全体", "個別路線", "集計"/);
  });
});

describe('a summary sheet of counts before the result table (意見の内訳: 項目 | 意見件数)', () => {
  let book: Uint8Array;

  beforeAll(async () => {
    const wb = new ExcelJS.Workbook();
    const summary = wb.addWorksheet('意見の内訳');
    summary.getCell('A1').value = '意見募集の結果（概要）';
    summary.getRow(3).values = ['項目', '意見件数'];
    summary.getRow(4).values = ['計画全体', 2];
    summary.getRow(5).values = ['個別路線', 1];
    summary.getRow(6).values = ['合計', 3];
    const table = wb.addWorksheet('意見と市の考え方');
    table.addRow(['番号', 'ご意見の概要', '市の考え方']);
    table.addRow([1, 'バスの減便で通院が難しくなった。', '交通事業者と協議してまいります。']);
    table.addRow([2, 'デマンド交通の区域を広げるべき。', '運行区域の拡大を検討します。']);
    table.addRow([3, '駅東口からのバス路線を新設してほしい。', '需要調査の結果を踏まえて検討します。']);
    book = new Uint8Array(await wb.xlsx.writeBuffer());
  });

  it('is not read as a result table: the items come from the table sheet, and the summary is listed with why', async () => {
    const { items, report } = await parseBytes(book, 'naiyaku.xlsx');
    expect(items.map((it) => [it.id, it.sheet])).toEqual([
      ['naiyaku#1', '意見と市の考え方'],
      ['naiyaku#2', '意見と市の考え方'],
      ['naiyaku#3', '意見と市の考え方'],
    ]);
    expect(items[1].comment).toBe('デマンド交通の区域を広げるべき。');
    expect(report.accounts.map((a) => [a.index, a.fate])).toEqual([
      [1, 'header'], [2, 'item'], [3, 'item'], [4, 'item'],
    ]);
    expect(report.warnings).toEqual([expect.stringMatching(/^sheets not read: "意見の内訳" \(a summary, not a result table: .*only numbers/)]);
  });
});
