// Table shapes the tabular readers met in real exports (a tester's reports): each fixture is read the way a
// researcher reads the printed table, and every row stays accounted for.
import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import type { ParseReport } from '../pipeline/core/schema.ts';
import { textKind } from '../pipeline/parse/detect.ts';
import { parseBytes, parseColumnMap } from '../pipeline/parse/index.ts';
import { expectCharsAddUp } from './helpers/parse-report.ts';

const fixture = (path: string) => readFileSync(new URL(`../data/fixtures/${path}`, import.meta.url));

/** Every row has one fate (an item row names its item), and the characters of the fates add up to the input's. */
function expectAccounted(report: ParseReport, rows: number): void {
  expectCharsAddUp(report);
  expect(report.accounts.map((a) => a.index)).toEqual(Array.from({ length: rows }, (_, i) => i + 1));
  expect(report.accounts.filter((a) => a.fate === 'item' && !a.ref)).toEqual([]);
}

describe('a column of codes headed 対応 beside the answers headed 市の対応', () => {
  it("the answers are the response; the codes are the document's own category", async () => {
    const { items, report } = await parseBytes(fixture('csv/answer-and-code.csv'), 'answer-and-code.csv', {});
    expect(items.map((it) => it.number)).toEqual(['1', '2', '3', '4']);
    expect(items[1].response).toBe('ご意見を踏まえ、「路線の再編」を「路線の維持・再編」に修正します。');
    expect(items.every((it) => it.response.length > 8)).toBe(true);
    expect(items.map((it) => it.category)).toEqual(['C', 'A', 'B', 'D']);
    expect(report.warnings).toEqual([]);
    expectAccounted(report, 5);
  });
});

describe('tab-separated text with quoted cells spanning lines (Excel "Text (tab-delimited)" / "Unicode text")', () => {
  const bytes = fixture('csv/excel-tab-delimited.txt');
  const expectRead = (items: { number: string | null; comment: string; response: string }[]) => {
    expect(items.map((it) => it.number)).toEqual(['1', '2', '3']);
    expect(items[0].comment).toBe('計画期間が10年は長すぎる。 5年にすべき。');
    expect(items[0].response).toBe('本計画は長期的な視点で取り組む必要があるため、計画期間を10年としています。');
    expect(items[1].response).toBe(
      'ご意見を踏まえ、次のとおり修正します。 ・「路線の再編」を「路線の維持・再編」に改めます。 ・第4章に利用者数の目標(年間1,200,000人)を加えます。',
    );
  };

  it('is read by the CSV reader when the format is auto, in UTF-8 and in UTF-16', async () => {
    for (const [name, input] of [
      ['excel-tab-delimited.txt', bytes],
      ['excel-unicode.txt', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(bytes.toString('utf8'), 'utf16le')])],
      ['excel-tab-delimited.tsv', bytes],
    ] as const) {
      const { items, report } = await parseBytes(input, name, {});
      expect(report.format, name).toBe('csv');
      expectRead(items);
      expectAccounted(report, 4);
    }
  });

  it('is split at its tabs even when its first rows hold more commas than tabs', async () => {
    const tsv = [
      '番号\t意見の概要\t意見に対する考え方',
      '1\t"再エネ導入量を1,000万kW、2,000万kW、3,000万kWと段階的に示し、\n費用は1,200億円、1,500億円とすべき。"\t導入量の見通しは、1,000万kW単位で資料編に示しています。',
      '2\tバス路線の廃止に反対。\tご意見を踏まえ修正します。',
    ].join('\r\n');
    const { items, report } = await parseBytes(Buffer.from(tsv), 'figures.txt', {});
    expect(report.format).toBe('csv');
    expect(items.map((it) => it.number)).toEqual(['1', '2']);
    expect(items[0].comment).toBe('再エネ導入量を1,000万kW、2,000万kW、3,000万kWと段階的に示し、 費用は1,200億円、1,500億円とすべき。');
    expect(items[0].response).toBe('導入量の見通しは、1,000万kW単位で資料編に示しています。');
  });

  it('a tab-separated table whose quotes open no cell stays with the text reader (the seed)', () => {
    const seed = readFileSync(new URL('../seeds/000_555981824ba784d2.txt', import.meta.url), 'utf8');
    expect(seed).toContain('style="');
    expect(textKind(seed)).toBe('text');
    expect(textKind(bytes.toString('utf8'))).toBe('csv');
  });
});

describe('an answer written only in the first row of its comments (a merged cell saved as CSV)', () => {
  it('invents no answer; a warning names the items left blank directly below an answered row', async () => {
    const { items, report } = await parseBytes(fixture('csv/answer-merged-saved-as-csv.csv'), 'answer-merged-saved-as-csv.csv', {});
    expect(items.map((it) => [it.number, it.response === ''])).toEqual([
      ['1', false],
      ['2', true],
      ['3', true],
      ['4', false],
      ['5', true],
    ]);
    expect(report.warnings).toEqual([
      '2 item(s) have an empty answer directly below an answered row (No.2, No.3: rows 3–4, below No.1): the answer cell may have ' +
        'been merged in the source, and a merged cell saved as CSV keeps its text in its first row only; their response is left ' +
        'empty, and the XLSX (merged cells are read) or a CSV with the answer filled in gives them their answer',
    ]);
    expectAccounted(report, 7);
  });

  it('names unnumbered items by their rows', async () => {
    const csv = 'ご意見の概要,市の考え方\n水力発電を推進すべき。,水力発電の導入を進めます。\n小水力発電も支援してほしい。,\n';
    const { report } = await parseBytes(Buffer.from(csv), 'unnumbered.csv', {});
    expect(report.warnings).toEqual([expect.stringMatching(/^1 item\(s\) have an empty answer directly below an answered row \(row 3, below row 2\): /)]);
  });

  it('says nothing when every blank answer follows a heading or another unanswered comment', async () => {
    const csv = '番号,ご意見の概要,市の考え方\n1,説明会を土日にも開催してほしい。,\n2,資料を図書館にも置いてほしい。,\n';
    const { items, report } = await parseBytes(Buffer.from(csv), 'unanswered.csv', {});
    expect(items.map((it) => it.response)).toEqual(['', '']);
    expect(report.warnings).toEqual([]);
  });
});

describe('a numbered row titling the rows numbered under it (1 above 1-1, 1-2)', () => {
  it('is the section heading of those rows only, not an item; a short unanswered comment numbered like its neighbours stays an item', async () => {
    const { items, report } = await parseBytes(fixture('csv/numbered-headings.csv'), 'numbered-headings.csv', {});
    expect(items.map((it) => [it.number, it.section])).toEqual([
      ['1-1', '計画全体について'],
      ['1-2', '計画全体について'],
      ['2-1', '公共交通について'],
      ['3', null],
      ['4', null],
    ]);
    expect(items[3].comment).toBe('用語が難しい。');
    expect(report.accounts.filter((a) => a.fate === 'heading').map((a) => [a.index, a.ref])).toEqual([
      [2, '計画全体について'],
      [5, '公共交通について'],
    ]);
    expectAccounted(report, 8);
  });
});

describe('notes printed under the table (※, （注）)', () => {
  it('are accounted as notes below the table, not read into the last item', async () => {
    const { items, report } = await parseBytes(fixture('csv/notes-below-table.csv'), 'notes-below-table.csv', {});
    expect(items.map((it) => it.number)).toEqual(['1', '2', '3']);
    expect(items[2].comment).toBe('※印の付いた施策の説明を増やしてほしい。');
    expect(items[2].source.rows).toEqual([4]);
    expect(items[2].flags).not.toContain('merged_rows');
    expect(report.accounts.slice(-3).map((a) => [a.index, a.fate, a.reason])).toEqual([
      [5, 'skipped', 'empty row'],
      [6, 'header', 'note below the table (※, 注)'],
      [7, 'header', 'note below the table (※, 注)'],
    ]);
    expect(report.warnings).toEqual([]);
    expectAccounted(report, 7);
  });
});

describe('a JSON key ending in a dot (No.)', () => {
  it('is the number field, as the column heading No. is', async () => {
    const { items, report } = await parseBytes(fixture('json/dotted-keys.json'), 'dotted-keys.json', {});
    expect(items.map((it) => it.number)).toEqual(['1', '2', '3']);
    expect(items[1].response).toBe('ご意見を踏まえ、「路線の再編」を「路線の維持・再編」に修正します。');
    expect(report.warnings).toEqual([]);
    expectAccounted(report, 3);
  });
});

describe('headings on two rows under a heading merged over two columns (ご意見 over 該当箇所 | 意見の概要)', () => {
  /** The CSV fixture's table as the workbook it was saved from: 番号 and 市の考え方 merged down, ご意見 across. */
  async function twoRowHeaderXlsx(): Promise<Uint8Array> {
    const [, , ...data] = fixture('csv/two-row-header.csv').toString('utf8').trim().split('\n').map((l) => l.split(','));
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('意見と市の考え方');
    ws.getRow(1).values = ['番号', 'ご意見', null, '市の考え方'];
    ws.getRow(2).values = [null, '該当箇所', '意見の概要', null];
    ws.mergeCells('A1:A2');
    ws.mergeCells('B1:C1');
    ws.mergeCells('D1:D2');
    data.forEach(([n, ...rest], i) => (ws.getRow(i + 3).values = [Number(n), ...rest]));
    return new Uint8Array(await wb.xlsx.writeBuffer());
  }

  const expectRead = (items: { number: string | null; location?: string | null; comment: string; response: string }[]) => {
    expect(items.map((it) => [it.number, it.location])).toEqual([
      ['1', 'P.3'],
      ['2', '第4章 P.12'],
      ['3', '第5章 P.20'],
    ]);
    expect(items[0].comment).toBe('計画期間が10年は長すぎる。5年にすべき。');
    expect(items[2].response).toBe('利用者の多い停留所から順次整備します。');
  };

  it('are one header: the comment is 意見の概要, the location 該当箇所, and both rows are column headings', async () => {
    for (const [name, bytes] of [
      ['two-row-header.csv', fixture('csv/two-row-header.csv')],
      ['two-row-header.xlsx', await twoRowHeaderXlsx()],
    ] as const) {
      const { items, report } = await parseBytes(bytes, name, {});
      expectRead(items);
      expect(report.accounts.slice(0, 2).map((a) => [a.index, a.fate, a.reason]), name).toEqual([
        [1, 'header', 'column headings'],
        [2, 'header', 'column headings'],
      ]);
      expect(report.warnings, name).toEqual([]);
      expectAccounted(report, 5);
    }
  });

  it('--map names the columns by their lower-row names', async () => {
    const map = parseColumnMap('number=番号,location=該当箇所,comment=意見の概要,response=市の考え方');
    for (const [name, bytes] of [
      ['two-row-header.csv', fixture('csv/two-row-header.csv')],
      ['two-row-header.xlsx', await twoRowHeaderXlsx()],
    ] as const) {
      const { items, report } = await parseBytes(bytes, name, { map });
      expectRead(items);
      expectAccounted(report, 5);
    }
  });

  it('a first row of short texts under a plain header is still an item', async () => {
    const csv = '番号,ご意見の概要,市の考え方\n,該当箇所の表記,回答\n1,用語が難しい。,用語集を設けます。\n';
    const { items } = await parseBytes(Buffer.from(csv), 'plain.csv', {});
    expect(items.map((it) => it.comment)).toEqual(['該当箇所の表記', '用語が難しい。']);
  });
});

describe('a note between numbered rows (※以下の2件は…まとめて掲載)', () => {
  it('is accounted as a note, not glued to the comment above', async () => {
    const csv = [
      'No.,ご意見の概要,市の考え方',
      '1,バスの便数を増やしてほしい。,今後の参考とさせていただきます。',
      ',※以下の2件は同趣旨のご意見をまとめて掲載しています。,',
      '2,駅前に駐輪場を整備すべき。,第3章に記載しております。',
      ',利用者が多い駅から順に整備してほしい。,',
      '',
    ].join('\n');
    const { items, report } = await parseBytes(Buffer.from(csv), 'note-inside.csv', {});
    expect(items.map((it) => it.comment)).toEqual(['バスの便数を増やしてほしい。', '駅前に駐輪場を整備すべき。 利用者が多い駅から順に整備してほしい。']);
    expect(report.accounts.find((a) => a.index === 3)).toMatchObject({ fate: 'header', reason: 'note inside the table (※, 注)' });
    expectAccounted(report, 5);
  });

  it("but a ※ line that goes on with the comment (no word about the listing) stays the comment's", async () => {
    const csv = 'No.,ご意見の概要,市の考え方\n1,バスの便数を増やしてほしい。,今後の参考とさせていただきます。\n,※特に通院時間帯に増便してほしい。,\n2,駐輪場を整備すべき。,第3章に記載しております。\n';
    const { items } = await parseBytes(Buffer.from(csv), 'note-comment.csv', {});
    expect(items[0].comment).toBe('バスの便数を増やしてほしい。 ※特に通院時間帯に増便してほしい。');
  });
});

describe('a third heading row of units under the headings ((ページ) under 該当箇所)', () => {
  it('is a heading row, not a section every item carries', async () => {
    const csv = [
      'No.,ご意見,,市の考え方',
      ',該当箇所,意見の概要,',
      ',(ページ),,',
      '1,P3,計画期間が長すぎる。,本計画は長期的な視点で取り組む必要があります。',
      '2,P5,高齢者の移動手段を明記してほしい。,ご意見を踏まえ追記しました。',
      '',
    ].join('\n');
    const { items, report } = await parseBytes(Buffer.from(csv), 'three-row-header.csv', {});
    expect(items.map((it) => [it.section, it.location, it.comment])).toEqual([
      [null, 'P3', '計画期間が長すぎる。'],
      [null, 'P5', '高齢者の移動手段を明記してほしい。'],
    ]);
    expect(report.accounts.find((a) => a.index === 3)).toMatchObject({ fate: 'header' });
    expectAccounted(report, 5);
  });
});

describe('a CSV with a summary of counts above the result table (区分, 件数)', () => {
  it('reads the result table and says once that the rows above it are shorter, not a stray delimiter per row', async () => {
    const csv = [
      '意見募集の結果',
      '区分,件数',
      '計画全体,2',
      '合計,2',
      '',
      'No.,ご意見の概要,市の考え方',
      '1,計画期間が長すぎる。,本計画は長期的な視点で取り組む必要があります。',
      '2,バスを増やしてほしい。,今後の参考とさせていただきます。',
      '',
    ].join('\n');
    const { items, report } = await parseBytes(Buffer.from(csv), 'summary-above.csv', {});
    expect(items.map((it) => it.comment)).toEqual(['計画期間が長すぎる。', 'バスを増やしてほしい。']);
    expect(report.warnings).toEqual([
      '4 row(s) above the column headings (1, 2, 3, 4) have fewer or more cells than the table: a title, notes or a summary table; read as text above the table',
    ]);
    expectAccounted(report, 8);
  });
});
