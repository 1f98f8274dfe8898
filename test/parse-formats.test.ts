// The format readers other than the seed's text table: each fixture must yield exactly its items (numbers,
// comments, responses, sections, groups) and account for every non-whitespace character of its input.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../pipeline/core/errors.ts';
import type { Item } from '../pipeline/core/schema.ts';
import { parseDocument } from '../pipeline/parse/index.ts';
import { readCsv } from '../pipeline/parse/csv.ts';
import { readHtml } from '../pipeline/parse/html.ts';
import { readJson } from '../pipeline/parse/json.ts';
import { readPdf } from '../pipeline/parse/pdf.ts';
import { joinWrapped, readPdfText } from '../pipeline/parse/pdf-text.ts';
import { readXlsx } from '../pipeline/parse/xlsx.ts';
import type { FormatReader, ParsedDocument, ParseOptions } from '../pipeline/parse/types.ts';
import { toSjis } from '../scripts/make-sjis-fixture.ts';
import { makeEiaResultPdf, makePdf } from './helpers/make-pdf.ts';
import { makeCyclingPlanXlsx } from './helpers/make-xlsx.ts';

const ROOT = join(import.meta.dirname, '..');
const FIX = join(ROOT, 'data/fixtures');
const TMP = join(ROOT, 'test/.tmp/parse-formats');

async function read(reader: FormatReader, file: string, extra: Partial<ParseOptions> = {}, bytes?: Uint8Array) {
  return reader(bytes ?? readFileSync(file), { file, slug: 'doc', ...extra });
}

/** Every input character went to an item, a heading, a header or a skipped row/line. */
function expectBalanced(doc: ParsedDocument): void {
  const byFate = (f: string) => doc.accounts.filter((a) => a.fate === f).reduce((n, a) => n + a.chars, 0);
  expect(doc.inputChars).toBeGreaterThan(0);
  expect(byFate('item') + byFate('heading') + byFate('header') + byFate('skipped')).toBe(doc.inputChars);
  const ids = new Set(doc.items.map((i) => i.id));
  for (const a of doc.accounts.filter((a) => a.fate === 'item')) expect(ids.has(a.ref!)).toBe(true);
}

const byNumber = (items: Item[]) => new Map(items.map((i) => [i.number, i]));

async function expectInputError(p: Promise<unknown>, ...parts: string[]): Promise<string> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(InputError);
  const msg = (e as Error).message;
  for (const part of parts) expect(msg).toContain(part);
  return msg;
}

describe('CSV (ministry export: BOM, CRLF, multi-line cells, copied group replies)', () => {
  const file = join(FIX, 'csv/ghg-plan.csv');

  it('yields the ten comments with their numbers, sections and responses', async () => {
    const doc = await read(readCsv, file);
    expect(doc.items.map((i) => i.number)).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
    const n = byNumber(doc.items);
    expect(n.get('1')!.comment).toBe(
      '2050年カーボンニュートラルの実現に向けて、2035年度及び2040年度の削減目標を一層引き上げるべきである。 特に、エネルギー転換部門の排出削減を加速すべき。',
    );
    // Raw keeps the cell as written, line break included.
    expect(n.get('1')!.comment_raw).toContain('引き上げるべきである。\r\n特に');
    expect(n.get('4')!.comment_raw).toMatch(/示すべきである。\r?\n\r?\nあわせて/);
    expect(n.get('2')!.edits).toEqual([
      '国は、地方公共団体実行計画の策定・実施に必要な人材の確保・育成を支援するため、専門家の派遣等の人的支援を行う。',
    ]);
    expect(n.get('8')!.response).toBe('');
    expect(n.get('8')!.flags).toContain('missing_response');
    expect(n.get('5')!.response).toBe('既に第3章第2節「家庭部門の取組」に記載しております。');
    // Blank 該当箇所 cells carry the section down; a row holding only 「その他に関する意見」 is a heading.
    expect(doc.items.map((i) => i.section)).toEqual([
      '第1章 総論', '第1章 総論', '第3章 対策・施策', '第3章 対策・施策', '第3章 対策・施策', '第3章 対策・施策',
      '第3章 対策・施策', '第4章 計画の進捗管理', '第4章 計画の進捗管理', 'その他に関する意見',
    ]);
    expect(n.get('10')!.source).toEqual({ file, rows: [15] });
    expect(doc.accounts.map((a) => a.fate)).toEqual([
      'header', 'header', 'skipped', 'header', 'item', 'item', 'item', 'item', 'item', 'item', 'item', 'item', 'item', 'heading', 'item',
    ]);
    expectBalanced(doc);
  });

  it('through parseDocument: the copied reply (rows 3, 4, 7) and the No.2 pointer become response groups', async () => {
    const { items, report } = await parseDocument(file, { slug: 'ghg' });
    const n = byNumber(items);
    const copied = n.get('3')!.response_group;
    expect(copied).toBeTruthy();
    expect(n.get('4')!.response_group).toBe(copied);
    expect(n.get('7')!.response_group).toBe(copied);
    expect(n.get('5')!.response_group).toBeNull();
    expect(n.get('6')!.response_group).toBe(n.get('2')!.response_group);
    expect(n.get('6')!.response_group).not.toBeNull();
    expect(report.totals.input_chars).toBe(
      report.totals.item_chars + report.totals.heading_chars + report.totals.header_chars + report.totals.skipped_chars,
    );
    expect(report.encoding).toMatch(/utf-8/);
  });

  it('reads the Shift_JIS twin to the same items', async () => {
    const sjisFile = join(FIX, 'csv/ghg-plan.sjis.csv');
    const sjis = readFileSync(sjisFile);
    // The committed file is what scripts/make-sjis-fixture.ts makes from the UTF-8 fixture.
    expect(Buffer.compare(sjis, toSjis(readFileSync(file)))).toBe(0);
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(sjis)).toThrow();
    const a = await read(readCsv, file);
    const b = await read(readCsv, sjisFile);
    const strip = (items: Item[]) => items.map(({ source, ...rest }) => ({ ...rest, rows: source.rows }));
    expect(strip(b.items)).toEqual(strip(a.items));
    expect(b.inputChars).toBe(a.inputChars);
    expectBalanced(b);
  });

  it('a header row not on the first line and --map by heading name', async () => {
    const csv = '\ufeff意見募集結果\n\n整理番号,提出された意見の要旨,本市の回答\n1,駐輪場を増やしてほしい。,検討してまいります。\n2,料金を下げてほしい。,原案どおりとします。\n';
    const doc = await read(readCsv, 'inline.csv', { map: { number: '整理番号', comment: '提出された意見の要旨', response: '本市の回答' } }, Buffer.from(csv));
    expect(doc.items.map((i) => [i.number, i.comment, i.response])).toEqual([
      ['1', '駐輪場を増やしてほしい。', '検討してまいります。'],
      ['2', '料金を下げてほしい。', '原案どおりとします。'],
    ]);
    expectBalanced(doc);
  });

  it('an explicit group column, with the reply only on the group\'s first row (merged-style export)', async () => {
    const csv = [
      '番号,項目,意見の概要,回答グループ,市の考え方',
      '1,総論,計画期間が長すぎる。,A,計画期間は国の計画と整合させております。',
      '2,,見直し時期を明記すべき。,,',
      '3,各論,駐車場を増やしてほしい。,B,検討してまいります。',
      '4,,バス停を増やしてほしい。,,',
      '5,,照明を明るくしてほしい。,C,',
    ].join('\r\n');
    const doc = await read(readCsv, 'groups.csv', {}, Buffer.from(csv));
    const n = byNumber(doc.items);
    expect(n.get('2')!.response).toBe('計画期間は国の計画と整合させております。');
    expect(n.get('2')!.response_group).toBe(n.get('1')!.response_group);
    expect(n.get('4')!.response_group).toBe(n.get('3')!.response_group);
    expect(n.get('1')!.response_group).not.toBe(n.get('3')!.response_group);
    expect(n.get('5')!.response_group).toBeNull();
    expect(n.get('5')!.flags).toContain('missing_response');
    expect(doc.items.map((i) => i.section)).toEqual(['総論', '総論', '各論', '各論', '各論']);
    expectBalanced(doc);
  });

  it('a comment spilling into an unnumbered row is one item; --map by position reads a headerless file', async () => {
    const csv = '番号,意見の概要,回答\n1,自転車レーンを整備してほしい。特に、,検討してまいります。\n,駅前の交差点は危険である。,\n2,駐輪場を増やしてほしい。,原案どおりとします。\n,,なお、料金は据え置きます。\n';
    const doc = await read(readCsv, 'spill.csv', {}, Buffer.from(csv));
    expect(doc.items.map((i) => [i.number, i.comment, i.response, i.source.rows])).toEqual([
      ['1', '自転車レーンを整備してほしい。特に、 駅前の交差点は危険である。', '検討してまいります。', [2, 3]],
      ['2', '駐輪場を増やしてほしい。', '原案どおりとします。 なお、料金は据え置きます。', [4, 5]],
    ]);
    expect(doc.items[0].flags).toContain('merged_rows');
    expectBalanced(doc);
    const headerless = await read(readCsv, 'nohead.csv', { map: { number: '1', comment: '2', response: '3' } }, Buffer.from('7,歩道を広げてほしい。,検討します。\n'));
    expect(headerless.items.map((i) => [i.number, i.comment, i.response])).toEqual([['7', '歩道を広げてほしい。', '検討します。']]);
  });

  it('bad input: no recognisable comment column names the file and the columns found', async () => {
    const csv = '日付,氏名,住所\n2025-01-10,山田,○○市\n';
    await expectInputError(read(readCsv, 'contacts.csv', {}, Buffer.from(csv)), 'contacts.csv', 'no recognisable comment column', '"日付", "氏名", "住所"');
  });

  it('bad input: --map naming a missing column names the column and lists the available ones', async () => {
    await expectInputError(
      read(readCsv, file, { map: { comment: '本文', response: '意見に対する考え方' } }),
      file,
      '--map comment=本文',
      'no column "本文"',
      'available columns: "番号", "該当箇所", "意見の概要", "意見に対する考え方"',
    );
  });

  it('bad input: bytes that are neither UTF-8 nor CP932', async () => {
    await expectInputError(read(readCsv, 'junk.csv', {}, new Uint8Array([0x31, 0x2c, 0x82, 0xff, 0xfe, 0x0a])), 'junk.csv', 'undecodable bytes');
  });
});

describe('XLSX (municipal workbook: merged title, merged response cell, rich text)', () => {
  let bytes: Uint8Array;
  const file = 'cycling-plan.xlsx';
  beforeAll(async () => {
    bytes = await makeCyclingPlanXlsx();
  });

  it('yields the seven comments; the merged reply is one response group', async () => {
    const doc = await read(readXlsx, file, {}, bytes);
    expect(doc.items.map((i) => i.number)).toEqual(['1', '2', '3', '4', '5', '6', '7']);
    const n = byNumber(doc.items);
    const shared = '自転車通行空間の安全確保については、警察等の関係機関と連携し、路上駐車の取締りや啓発に取り組むとともに、自転車ネットワーク路線の整備を計画的に進めてまいります。';
    for (const k of ['2', '3', '4']) {
      expect(n.get(k)!.response).toBe(shared);
      expect(n.get(k)!.response_group).toBe(n.get('2')!.response_group);
    }
    expect(n.get('2')!.response_group).not.toBeNull();
    // Number and response merged over two rows: one item from both rows, not a group.
    expect(n.get('5')!.source).toEqual({ file, rows: [9, 10], sheet: '意見と市の考え方' });
    expect(n.get('5')!.comment).toBe('シェアサイクルのポートを増やしてほしい。特に、 市役所や図書館などの公共施設への設置を優先すべき。');
    expect(n.get('5')!.response_group).toBeNull();
    expect(n.get('5')!.flags).toContain('merged_rows');
    // Underlined rich text is the revision.
    expect(n.get('1')!.edits).toEqual(['通学路においても、学校や警察と連携し、自転車通行空間の整備を進めます。']);
    expect(n.get('7')!.flags).toContain('missing_response');
    expect(doc.items.map((i) => i.section)).toEqual(['第4章', '第4章', '第4章', '第4章', '第5章', '2 その他', '2 その他']);
    const headings = doc.accounts.filter((a) => a.fate === 'heading').map((a) => [a.index, a.ref]);
    expect(headings).toEqual([
      [4, '1 自転車通行空間の整備'],
      [11, '2 その他'],
    ]);
    expect(doc.warnings.join('\n')).toContain('"集計"');
    expectBalanced(doc);
  });

  it('bad input: a workbook with no result table names its sheets', async () => {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('名簿').addRow(['氏名', '所属']);
    const bytes = new Uint8Array(await wb.xlsx.writeBuffer());
    await expectInputError(read(readXlsx, 'roster.xlsx', {}, bytes), 'roster.xlsx', 'no sheet has a recognisable table (sheets: "名簿")', 'no recognisable comment column');
  });

  it('through parseDocument', async () => {
    mkdirSync(TMP, { recursive: true });
    const path = join(TMP, file);
    writeFileSync(path, bytes);
    const { items, report } = await parseDocument(path);
    expect(items).toHaveLength(7);
    expect(report.format).toBe('xlsx');
    // The No.2 pointer joins item 6 to the merged group.
    expect(byNumber(items).get('6')!.response_group).toBe(byNumber(items).get('2')!.response_group);
  });
});

describe('JSON (opinions joined to the answers that reply to them)', () => {
  const file = join(FIX, 'json/env-basic-plan.json');
  const opts = {
    records: 'data.opinions',
    join: 'data.answers:id=answer_id',
    map: { number: 'no', comment: 'summary', response: 'join.text', section: 'target.chapter' },
  };

  it('yields six comments; the answer shared by three opinions is one response group', async () => {
    const doc = await read(readJson, file, opts);
    expect(doc.items.map((i) => i.number)).toEqual(['1', '2', '3', '4', '5', '6']);
    const n = byNumber(doc.items);
    expect(n.get('2')!.response_group).not.toBeNull();
    expect(n.get('3')!.response_group).toBe(n.get('2')!.response_group);
    expect(n.get('5')!.response_group).toBe(n.get('2')!.response_group);
    expect(n.get('4')!.response_group).toBeNull();
    expect(n.get('4')!.response).toBe('既に第3章第2節「循環型社会の形成」に、事業者への指導・助言について記載しております。');
    expect(n.get('6')!.response).toBe('');
    expect(n.get('1')!.edits).toEqual(['第5章「主な指標」に「県民1人1日当たりのごみ排出量」を追加。']);
    expect(n.get('3')!.section).toBe('第3章 施策の展開');
    expect(n.get('3')!.source.rows).toEqual([3]);
    expect(doc.warnings.join('\n')).toContain('1 record(s) have no answer_id');
    // The join keys did their work in the join: they are not reported as fields left unread.
    expect(doc.warnings.filter((w) => w.includes('not kept'))).toEqual([]);
    expectBalanced(doc);
  });

  it('finds the same fields without --map and --records', async () => {
    const auto = await read(readJson, file, { join: opts.join });
    const mapped = await read(readJson, file, opts);
    expect(auto.items).toEqual(mapped.items);
  });

  it('an answer no opinion points to is accounted as skipped, not lost', async () => {
    const json = { ops: [{ no: 1, text: '賛成です。', rid: 'R1' }], answers: [{ id: 'R1', body: 'ありがとうございます。' }, { id: 'R2', body: '取り下げられた意見への回答です。' }] };
    const doc = await read(readJson, 'x.json', { records: 'ops', join: 'answers:id=rid', map: { comment: 'text', response: 'join.body' } }, Buffer.from(JSON.stringify(json)));
    expect(doc.items.map((i) => i.response)).toEqual(['ありがとうございます。']);
    const skipped = doc.accounts.filter((a) => a.fate === 'skipped');
    expect(skipped).toHaveLength(1);
    expect(skipped[0].reason).toContain('answers[1]');
    expectBalanced(doc);
  });

  it('bad input: --records and --map naming what is not there', async () => {
    await expectInputError(read(readJson, file, { records: 'data.comments' }), file, '--records data.comments', '"opinions", "answers"');
    await expectInputError(read(readJson, file, { ...opts, map: { comment: 'opinion' } }), file, '--map comment=opinion', 'no field "opinion"', '"summary"');
  });

  it('through parseDocument', async () => {
    const { items, report } = await parseDocument(file, opts);
    expect(items).toHaveLength(6);
    expect(report.totals.item_chars).toBe(report.totals.input_chars);
  });
});

describe('HTML (city results page: rowspan reply, section rows, repeated headers, <u> edits)', () => {
  const file = join(FIX, 'html/transport-plan.html');

  it('yields seven comments; the rowspan reply is one response group', async () => {
    const doc = await read(readHtml, file);
    expect(doc.items.map((i) => i.number)).toEqual(['1', '2', '3', '4', '5', '6', '7']);
    const n = byNumber(doc.items);
    expect(n.get('3')!.response).toBe(n.get('2')!.response);
    expect(n.get('3')!.response).toContain('デマンド型交通の導入');
    expect(n.get('3')!.response_group).toBe(n.get('2')!.response_group);
    expect(n.get('2')!.response_group).not.toBeNull();
    // Raw keeps the markup; the analysis copy does not.
    expect(n.get('1')!.response_raw).toContain('<u>なお、社会情勢の変化等を踏まえ');
    expect(n.get('1')!.edits).toEqual(['なお、社会情勢の変化等を踏まえ、必要に応じて中間年度に見直しを行います。']);
    expect(n.get('4')!.comment).toBe('バス停の上屋やベンチの整備を進めてほしい。 時刻表を分かりやすくしてほしい。');
    expect(n.get('7')!.flags).toContain('missing_response');
    // The heading rows are the sections; the 該当箇所 column is each item's location (issue 12).
    expect(doc.items.map((i) => i.location)).toEqual(['第1章', '第2章', '第2章', '第3章', '全体', '全体', '全体']);
    expect(doc.items.map((i) => i.section)).toEqual([...Array(4).fill('1 計画全体に関すること'), ...Array(3).fill('2 その他')]);
    expect(doc.accounts.filter((a) => a.fate === 'heading').map((a) => a.ref)).toEqual(['1 計画全体に関すること', '2 その他']);
    // The accounting covers the tables; the page's other text is reported, not silently ignored.
    expect(doc.warnings).toEqual([expect.stringMatching(/^\d+ characters of text outside the tables and headings/)]);
    expect(doc.accounts.filter((a) => a.fate === 'header').map((a) => a.reason)).toEqual([
      'above the column headings (title, notes)',
      'column headings',
      'repeated column headings',
    ]);
    expectBalanced(doc);
  });

  it('through parseDocument: the No.5 pointer groups item 6 with item 5', async () => {
    const { items } = await parseDocument(file);
    const n = byNumber(items);
    expect(n.get('6')!.response_group).toBe(n.get('5')!.response_group);
    expect(n.get('6')!.flags).toContain('response_pointer');
  });
});

describe('PDF text (pdftotext -layout: running headers, page numbers, wrapped cells, two columns)', () => {
  const file = join(FIX, 'pdf-text/school-plan.txt');

  it('yields eight comments with re-joined lines, re-attached numbers and both sections', async () => {
    const doc = await read(readPdfText, file);
    expect(doc.items.map((i) => i.number)).toEqual(['1', '2', '3', '4', '5', '6', '7', '8']);
    const n = byNumber(doc.items);
    expect(n.get('2')!.comment).toBe('小規模校には、きめ細かな指導ができるという良さもあるので、一律に統合するのではなく、地域の実情に応じて判断してほしい。');
    expect(n.get('2')!.response).toBe(
      '小規模校の良さについては認識しておりますが、一定の集団規模を確保することで、多様な考えに触れ、切磋琢磨する機会を確保できると考えております。原案どおりとさせていただきます。',
    );
    // Number printed in the middle of its cell, and a number alone on the line above its text.
    expect(n.get('3')!.comment).toBe('統合後の校舎は、耐震性や築年数を考慮して決めるべきです。');
    expect(n.get('3')!.flags).toContain('number_on_later_row');
    expect(n.get('4')!.comment).toBe('避難所としての機能を維持するため、統合後の跡地の活用方針を示してほしい。');
    expect(n.get('4')!.edits).toEqual(['第5章に「跡地は地域の防災拠点としての活用を検討する」を追記します。']);
    // A cell continued after the page break, past the footer and the repeated title and headings.
    expect(n.get('5')!.comment).toBe('通学路の安全確保について、ガードレールの設置や見守り活動の支援を計画に位置付けてください。');
    expect(n.get('5')!.response).toBe('通学路の安全対策については、関係機関と連携し、「通学路交通安全プログラム」に基づき取り組んでまいります。');
    expect(n.get('5')!.source).toEqual({ file, lines: [30, 31, 37], page: 1 });
    expect(doc.items.map((i) => i.section)).toEqual([...Array(5).fill('(1)学校配置について'), ...Array(3).fill('(2)再編の進め方について')]);
    const headers = doc.accounts.filter((a) => a.fate === 'header').map((a) => `${a.page}:${a.reason}`);
    expect(headers).toEqual([
      '1:running page header/footer',
      '1:above the column headings (title, notes)',
      '1:above the column headings (title, notes)',
      '1:column headings',
      '1:page number',
      '2:running page header/footer',
      '2:repeated column headings',
      '2:page number',
    ]);
    expect(doc.warnings).toEqual([]);
    expectBalanced(doc);
  });

  it('says which page defeated the column split', async () => {
    const good = '番号  意見の概要          意見に対する考え方\n1     駐輪場を増やして    検討してまいります。\n      ほしい。\n';
    const bad = '\f2     バス路線の維持について、市が財政支援を行い、事業者と協議すべきである。\n3     料金を下げて        原案どおりとします。\n';
    const doc = await read(readPdfText, 'mixed.txt', {}, Buffer.from(good + bad));
    expect(doc.items.map((i) => i.number)).toEqual(['1', '2', '3']);
    expect(doc.items[0].comment).toBe('駐輪場を増やしてほしい。');
    expect(doc.warnings).toEqual([expect.stringMatching(/^page 2: could not find the column boundary on 1 line/)]);
    expectBalanced(doc);
  });

  it('drops page numbers printed as 「1 / 2」 and 「2ページ」', async () => {
    const text = '番号  意見の概要      意見に対する考え方\n1     歩道を広げて    検討します。\n      ほしい。\n              1 / 2\n\f2     段差をなくして  対応します。\n      ほしい。\n              2ページ\n';
    const doc = await read(readPdfText, 'pages.txt', {}, Buffer.from(text));
    expect(doc.items.map((i) => [i.number, i.comment, i.response])).toEqual([
      ['1', '歩道を広げてほしい。', '検討します。'],
      ['2', '段差をなくしてほしい。', '対応します。'],
    ]);
    expect(doc.accounts.filter((a) => a.reason === 'page number').map((a) => a.page)).toEqual([1, 2]);
    expectBalanced(doc);
  });

  it('joins wrapped Japanese without spaces, Latin words with one, and keeps list items apart', () => {
    expect(joinWrapped(['再編により通学距離が', '長くなる'])).toBe('再編により通学距離が長くなる');
    expect(joinWrapped(['Society', '5.0の実現'])).toBe('Society 5.0の実現');
    expect(joinWrapped(['次の点を求める。', '・説明会の開催'])).toBe('次の点を求める。\n・説明会の開催');
  });

  it('through parseDocument (a .txt from pdftotext is recognised as PDF text)', async () => {
    const { items, report } = await parseDocument(file);
    expect(report.format).toBe('pdf-text');
    expect(items).toHaveLength(8);
    expect(byNumber(items).get('7')!.response_group).toBe(byNumber(items).get('6')!.response_group);
  });
});

/** The items of the table that test/helpers/make-pdf.ts draws, whichever way its text was taken out. */
function expectEiaItems(doc: ParsedDocument): void {
  expect(doc.items.map((i) => i.number)).toEqual(['1', '2', '3']);
  const n = byNumber(doc.items);
  expect(n.get('1')!.comment).toBe('風力発電所の規模要件の引下げについて、地域への影響を考慮して慎重に検討すべき。');
  expect(n.get('1')!.response).toBe('規模要件については、専門家による検討会の議論を踏まえて設定したものであり、原案どおりとさせていただきます。');
  expect(n.get('2')!.comment).toBe('小規模な事業にも簡易な手続を設けるべき。');
  expect(n.get('2')!.edits).toEqual(['小規模事業の簡易な手続について検討する旨を追記します。']);
  expect(n.get('3')!.comment).toBe('意見募集の周知が不十分である。');
  expect(n.get('3')!.response).toBe('No.1の回答のとおりです。');
  expect(doc.items.map((i) => [i.section, i.source.page])).toEqual([
    ['1.対象事業に関する意見', 1],
    ['1.対象事業に関する意見', 1],
    ['2.その他に関する意見', 2],
  ]);
  expectBalanced(doc);
}

describe('PDF text (-layout) of a Word table: centred headings, cells filled to their right edge', () => {
  // Word's tables through pdftotext -layout: the headings are centred over their columns, and a cell line that
  // fills its column leaves a single space before the next column's text.
  const text = [
    ' 番号       意見の概要           意見に対する考え方',
    ' 1   中小企業への支援を強化すべきで 中小企業向けの相談窓口は、既に',
    '     ある。             各地域に設置しております。',
    ' 2   計画の目標値を引き上げるべき。 目標値は、現状を踏まえ設定した',
    '                     ものであり、原案のとおりとします。',
    ' 3   用語の説明を追加してほしい。  ご意見を踏まえ、用語集を追加し',
    '                     ます。',
  ].join('\n');

  it('cuts each line where its cells start, not under the centred heading, and at the single space of a full cell', async () => {
    const doc = await read(readPdfText, 'word-layout.txt', {}, new TextEncoder().encode(text));
    expect(doc.items.map((i) => [i.number, i.comment, i.response])).toEqual([
      ['1', '中小企業への支援を強化すべきである。', '中小企業向けの相談窓口は、既に各地域に設置しております。'],
      ['2', '計画の目標値を引き上げるべき。', '目標値は、現状を踏まえ設定したものであり、原案のとおりとします。'],
      ['3', '用語の説明を追加してほしい。', 'ご意見を踏まえ、用語集を追加します。'],
    ]);
    expect(doc.warnings).toEqual([]);
  });
});

describe('PDF text as poppler pdftotext 22.12 prints it (scripts/make-pdf-text-fixtures.ts)', () => {
  it('-layout: columns found from the headings of each page (page 2 is shifted by two characters)', async () => {
    const doc = await read(readPdfText, join(FIX, 'pdf-text/eia-layout.txt'));
    expectEiaItems(doc);
    expect(doc.accounts.filter((a) => a.fate === 'header').map((a) => `${a.page}:${a.reason}`)).toEqual([
      '1:running page header/footer',
      '1:above the column headings (title, notes)',
      '1:column headings',
      '1:page number',
      '2:running page header/footer',
      '2:repeated column headings',
      '2:page number',
    ]);
    expect(doc.warnings).toEqual([]);
  });

  it('reading order (no -layout): each cell a paragraph; the reader says it guessed', async () => {
    const doc = await read(readPdfText, join(FIX, 'pdf-text/eia-reading-order.txt'));
    expectEiaItems(doc);
    expect(doc.warnings).toEqual([expect.stringContaining('pages 1–2: no column layout (text in reading order)')]);
    // 環境省, printed apart from its date in reading order, is listed as skipped rather than lost.
    expect(doc.accounts.filter((a) => a.fate === 'skipped' && a.chars > 0).map((a) => a.reason)).toEqual([
      'text before the first numbered comment',
    ]);
  });
});

describe('PDF (pdfjs-dist with cMaps, on a hand-written PDF with a non-embedded Japanese CID font)', () => {
  it('extracts Japanese text and rebuilds the items', async () => {
    const doc = await read(readPdf, 'eia.pdf', {}, makeEiaResultPdf());
    expectEiaItems(doc);
    const headers = doc.accounts.filter((a) => a.fate === 'header').map((a) => `${a.page}:${a.reason}`);
    expect(headers).toEqual([
      '1:running page header/footer',
      '1:above the column headings (title, notes)',
      '1:column headings',
      '1:page number',
      '2:running page header/footer',
      '2:repeated column headings',
      '2:page number',
    ]);
    expect(doc.warnings).toEqual([]);
    expectBalanced(doc);
  });

  it('through parseDocument; a PDF without text is a clear error', async () => {
    mkdirSync(TMP, { recursive: true });
    const path = join(TMP, 'eia.pdf');
    writeFileSync(path, makeEiaResultPdf());
    const { items, report } = await parseDocument(path);
    expect(report.format).toBe('pdf');
    expect(byNumber(items).get('3')!.response_group).toBe(byNumber(items).get('1')!.response_group);
    await expectInputError(read(readPdf, 'scan.pdf', {}, makePdf([[]])), 'scan.pdf', 'no text layer');
    const truncated = makeEiaResultPdf().subarray(0, 400);
    await expectInputError(read(readPdf, 'cut.pdf', {}, truncated), 'cut.pdf', 'not a readable PDF');
  });
});
