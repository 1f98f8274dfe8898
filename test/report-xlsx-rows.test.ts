// tables.xlsx's data rows are written straight as worksheet XML (report/xlsx-rows.ts) instead of through exceljs's
// Row and Cell objects; the workbook must stay byte for byte what exceljs writes, and open with the values given.
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { toXlsx } from '../pipeline/core/tables/xlsx.ts';
import { itemsTable } from '../pipeline/report/items-table.ts';
import { buildTables } from '../pipeline/report/tables.ts';
import { xmlEncode } from '../pipeline/core/tables/xlsx-rows.ts';
import { int, pctCol, ratio, text, type Table } from '../pipeline/core/tables/table.ts';
import { fixtureRun } from './helpers/report-fixture.ts';

const long = '長い意見。'.repeat(7000); // 35,000 characters: past Excel's 32,767 per cell
const tricky = ['<script>&"\'</script>', 'tab\there\r\nnext', 'ctl\u0001\u0008\u000b\u001f\u007fend', '', '=SUM(A1)', '𠮷野家', long];

function trickyTable(rows: number): Table {
  return {
    name: 'tricky',
    title: '特殊な値',
    note: '',
    columns: [text('t', '文字'), int('n', '数'), pctCol('p', '%'), ratio('r', '比'), text('u', '空')],
    rows: Array.from({ length: rows }, (_, i) => [
      tricky[i % tricky.length],
      i % 5 === 0 ? null : i % 3 ? i : -i / 7,
      i % 4 ? Math.round(1000 * (i / 9)) / 10 : null,
      i % 6 ? 0.125 * i : null,
      i % 2 ? null : '同じ回答文です。'.repeat(8), // recurring, past the length where its encoding is kept
    ]),
  };
}

describe('tables.xlsx data rows', () => {
  it('are the bytes exceljs writes, for small (wrapped) and large sheets with tricky values, and the seed fixture', async () => {
    const run = fixtureRun();
    for (const tables of [[trickyTable(40)], [trickyTable(2500), trickyTable(3)], [...buildTables(run), itemsTable(run)]]) {
      const direct = Buffer.from(await toXlsx(tables));
      const reference = Buffer.from(await toXlsx(tables, { exceljsRows: true }));
      expect(direct.equals(reference)).toBe(true);
    }
  });

  it('open with the values written (entities decoded, control characters dropped, long text cut)', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await toXlsx([trickyTable(14)])) as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('tricky')!;
    expect(ws.getCell('A2').value).toBe('<script>&"\'</script>');
    expect(ws.getCell('A4').value).toBe('ctlend');
    expect((ws.getCell('A8').value as string).length).toBe(32767);
    expect(ws.getCell('B3').value).toBe(1);
    expect(ws.getCell('B2').value).toBe(null);
    expect(ws.getCell('D3').value).toBe(0.125);
    expect(ws.getCell('E2').value).toBe('同じ回答文です。'.repeat(8));
  });

  it('xmlEncode escapes like exceljs', () => {
    expect(xmlEncode('a<b>&"\'c')).toBe('a&lt;b&gt;&amp;&quot;&apos;c');
    expect(xmlEncode('x\u0000\u0009\u000a\u000d\u001fy')).toBe('x\u0009\u000a\u000dy');
    expect(xmlEncode('普通の文')).toBe('普通の文');
  });
});
