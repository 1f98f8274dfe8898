import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import iconv from 'iconv-lite';
import { beforeAll, describe, expect, it } from 'vitest';
import { readJsonl } from '../pipeline/core/io.ts';
import { GoldRecord, type Item, type ParseReport } from '../pipeline/core/schema.ts';
import { commentHead, nonWhitespaceLength } from '../pipeline/core/text.ts';
import { pointerTargets } from '../pipeline/parse/groups.ts';
import { buildReport, parseBytes, parseDocument } from '../pipeline/parse/index.ts';
import { readTextString } from '../pipeline/parse/text.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SEED = join(ROOT, 'seeds/000_555981824ba784d2.txt');
const GOLD = join(ROOT, 'data/labels/seed.gold.jsonl');
const FIXTURE = join(ROOT, 'data/fixtures/text/city-transport-plan.txt');

const numberOf = (it: Item) => it.number ?? it.inferred_number;

function expectAccountingAddsUp(report: ParseReport, lineCount: number) {
  const t = report.totals;
  expect(t.item_chars + t.heading_chars + t.header_chars + t.skipped_chars).toBe(t.input_chars);
  // Every line has exactly one account, in order, and the line counts add up.
  expect(report.accounts.map((a) => a.index)).toEqual(Array.from({ length: lineCount }, (_, i) => i + 1));
  expect(t.lines.item + t.lines.heading + t.lines.header + t.lines.skipped).toBe(lineCount);
  for (const a of report.accounts) {
    expect(['item', 'heading', 'header', 'skipped']).toContain(a.fate);
    if (a.fate === 'skipped') expect(a.reason).toBeTruthy();
    if (a.fate === 'item') expect(a.ref).toBeTruthy();
  }
}

describe('text reader on the seed', () => {
  let items: Item[];
  let report: ParseReport;
  let gold: GoldRecord[];
  let lines: string[];
  beforeAll(async () => {
    ({ items, report } = await parseDocument(SEED));
    gold = readJsonl(GOLD, GoldRecord);
    lines = readFileSync(SEED, 'utf8').split('\n');
  });

  it('yields exactly the 131 gold items, aligned by number and comment head', () => {
    expect(gold).toHaveLength(131);
    expect(items).toHaveLength(gold.length);
    const mine = items.map((it) => [numberOf(it), commentHead(it.comment_raw)]);
    const theirs = gold.map((g) => [g.number, g.comment_head]);
    expect(mine).toEqual(theirs);
    expect(items.map(numberOf)).toEqual(Array.from({ length: 131 }, (_, i) => String(i + 1)));
  });

  it('infers the numbers of items 1 and 2 and prints all others', () => {
    for (const n of ['1', '2']) {
      const it = items[Number(n) - 1];
      expect(it.number).toBeNull();
      expect(it.inferred_number).toBe(n);
      expect(it.flags).toContain('number_inferred');
      expect(it.id).toBe(`000_555981824ba784d2#${n}`);
    }
    expect(items.slice(2).every((it) => it.number !== null && it.inferred_number === null)).toBe(true);
    // Item 1 is glued to the first section heading; the heading is not part of its comment.
    expect(items[0].flags).toContain('heading_glued');
    expect(items[0].comment.startsWith('本戦略案が示す')).toBe(true);
    expect(items[0].comment).not.toContain('に係る意見');
  });

  it('makes item 97 one item from its five rows, number printed twice', () => {
    const it = items[96];
    expect(it.number).toBe('97');
    expect(it.source.lines).toEqual([142, 143, 144, 145, 146]);
    expect(it.flags).toContain('merged_rows');
    expect(it.comment).toContain('エコシステムのセキュリティを強化するために'); // line 143
    expect(it.comment).toContain('日本と提携して、重要インフラを保護する'); // line 146
    expect(it.response).toBe('基本的に、戦略案への賛同意見として承りました。');
  });

  it('makes item 107 one item from two rows, its number printed on the second', () => {
    const it = items[106];
    expect(it.number).toBe('107');
    expect(it.source.lines).toEqual([165, 166]);
    expect(it.flags).toEqual(expect.arrayContaining(['merged_rows', 'number_on_later_row']));
    expect(it.comment.startsWith('本戦略案に強く賛同する。')).toBe(true);
    expect(it.comment).toContain('「委託先管理・リスク評価・教育運用」を担う');
    // Both rows print the last response paragraph: raw keeps both, the analysis copy keeps it once.
    const para = 'ほか、本戦略において、マネジメント層が';
    expect(it.response_raw.split(para).length - 1).toBe(2);
    expect(it.response.split(para).length - 1).toBe(1);
    expect(it.flags).toContain('repeated_text');
    // Item 106 keeps its empty response: line 165 did not continue it.
    expect(items[105].response).toBe('');
  });

  it('has exactly the gold none items without a response', () => {
    const empty = items.filter((it) => it.response === '').map(numberOf);
    const none = gold.filter((g) => g.disposition === 'none').map((g) => g.number);
    expect(empty).toHaveLength(9);
    expect(empty).toEqual(none);
    for (const it of items) expect(it.flags.includes('missing_response')).toBe(it.response === '');
  });

  it('assigns the gold sections, including headings glued to a comment', () => {
    expect(items.map((it) => it.section)).toEqual(gold.map((g) => g.section));
    expect(items[100].section).toBe('サイバー犯罪への対策を通じたサイバー空間の安全・安心の確保に係る意見');
    expect(items[100].flags).toContain('heading_glued');
    expect(items[127].section).toBe('その他');
  });

  it('keeps raw text and strips HTML only in the analysis copy', () => {
    const it = items[97]; // 98: underlined inserted text, number followed by a space
    expect(it.response_raw).toContain('<u>');
    expect(it.response).not.toMatch(/<\/?u>/);
    expect(it.edits).toEqual(['その際、様々な主体の対策や行動が促進されるように、厳しさを増すサイバー空間を取り巻く情勢等に関する情報発信も念頭に置く。']);
    expect(it.comment.startsWith('防衛省、経産省')).toBe(true);
    expect(items[27].comment_raw.startsWith('<ul style="list-style-type: none">')).toBe(true);
    expect(items[27].comment.startsWith('・この戦略(案)が')).toBe(true);
  });

  it('accounts for every line and every character', () => {
    expect(lines).toHaveLength(202);
    expectAccountingAddsUp(report, 202);
    expect(report.totals.input_chars).toBe(nonWhitespaceLength(readFileSync(SEED, 'utf8')));
    const fate = (n: number) => report.accounts[n - 1];
    expect(fate(3)).toMatchObject({ fate: 'skipped', reason: 'title or preamble before the table' });
    expect(fate(9).fate).toBe('header');
    expect(fate(40).fate).toBe('header'); // 2 tabs
    expect(fate(154).fate).toBe('header'); // trailing tab
    expect(fate(41)).toMatchObject({ fate: 'heading', ref: 'サイバー空間を巡る情勢認識に係る意見' });
    expect(fate(105)).toMatchObject({ fate: 'skipped', reason: 'separator row' });
    expect(fate(143)).toMatchObject({ fate: 'item', ref: '000_555981824ba784d2#97' });
    expect(fate(165)).toMatchObject({ fate: 'item', ref: '000_555981824ba784d2#107' });
    // Line 10 is split: its heading goes to the headings, the rest to item 1.
    const heading = fate(10).parts!.find((p) => p.fate === 'heading')!;
    expect(heading).toMatchObject({ ref: 'サイバーセキュリティ戦略全体に係る意見', chars: 19 });
    expect(report.totals.lines.header).toBe(lines.filter((l) => l.includes('意見に対する考え方')).length);
    expect(report.skipped.map((s) => s.index)).toEqual([3, 5, 7, 105, 195]);
  });

  it('finds no pointer and no copied reply among the seed responses', () => {
    // The seed's answers cite sections of the draft (「III. 2. (3) ③で述べているとおり」), never another item.
    expect(items.filter((it) => it.flags.includes('response_pointer'))).toEqual([]);
    expect(items.every((it) => it.response_group === null)).toBe(true);
  });

  it('gives the same output on a rerun', async () => {
    const again = await parseDocument(SEED);
    expect(JSON.stringify(again)).toBe(JSON.stringify({ items, report }));
  });
});

describe('text reader on a municipal transport plan (CRLF, BOM, other layouts)', () => {
  let items: Item[];
  let report: ParseReport;
  beforeAll(async () => {
    ({ items, report } = await parseDocument(FIXTURE, { slug: 'transport' }));
  });
  const byNumber = (n: string) => items.find((it) => numberOf(it) === n)!;

  it('reads 13 items with printed, full-width, No.-prefixed, space-glued and inferred numbers', () => {
    expect(report.encoding).toBe('utf-8-bom');
    expect(items.map(numberOf)).toEqual(Array.from({ length: 13 }, (_, i) => String(i + 1)));
    expect(items.map((it) => it.id)).toEqual(Array.from({ length: 13 }, (_, i) => `transport#${i + 1}`));
    expect(byNumber('9').number).toBeNull();
    expect(byNumber('9').inferred_number).toBe('9');
    expect(items.filter((it) => it.inferred_number !== null)).toHaveLength(1);
    expect(byNumber('8').comment.startsWith('コミュニティバスの運行ルート')).toBe(true);
  });

  it('assigns sections from standalone and glued headings', () => {
    expect(items.map((it) => it.section)).toEqual([
      ...Array(7).fill('1.計画全体に関する意見'),
      ...Array(4).fill('2.運行計画に関する意見'),
      'その他',
      'その他',
    ]);
    expect(byNumber('12').flags).toContain('heading_glued');
    expect(byNumber('12').comment.startsWith('市のホームページ')).toBe(true);
  });

  it('merges continuation rows and a number printed on the second row', () => {
    expect(byNumber('7').source.lines).toEqual([15, 16, 17]);
    expect(byNumber('7').comment).toContain('屋根付きの待合空間');
    expect(byNumber('7').response.startsWith('駅前広場の再整備')).toBe(true);
    expect(byNumber('11').source.lines).toEqual([26, 27]);
    expect(byNumber('11').flags).toContain('number_on_later_row');
    expect(byNumber('11').comment.startsWith('乗り継ぎ割引の導入を求める。')).toBe(true);
    expect(byNumber('4').response).toBe('');
    expect(byNumber('4').flags).toContain('missing_response');
  });

  it('extracts edits: （修正後） blocks, underlined insertions, 【計画案の修正】', () => {
    expect(byNumber('1').edits).toEqual(['計画期間は令和8年度から令和12年度までとし、令和10年度に中間見直しを行います。']);
    expect(byNumber('2').edits).toEqual(['デマンド交通の導入地区を段階的に拡大する']);
    expect(byNumber('8').edits).toEqual(['第3章の図3-2に、総合病院を経由するルートの見直し案を追加します。']);
    expect(byNumber('3').edits).toEqual([]);
  });

  it('groups pointer responses with their target and copied replies with each other', () => {
    expect(byNumber('3').flags).toContain('response_pointer');
    expect(byNumber('3').response_group).toBe(byNumber('2').response_group);
    expect(byNumber('10').response_group).toBe(byNumber('9').response_group);
    expect(byNumber('5').response_group).toBe(byNumber('6').response_group);
    expect(new Set([2, 5, 9].map((n) => byNumber(String(n)).response_group)).size).toBe(3);
    expect(byNumber('5').flags).not.toContain('response_pointer');
    for (const n of ['1', '4', '7', '8', '11', '12', '13']) expect(byNumber(n).response_group).toBeNull();
  });

  it('accounts for every line: preamble, notes, separators and the closing 以上 are skipped with reasons', () => {
    expectAccountingAddsUp(report, 34);
    const reasons = Object.fromEntries(report.skipped.map((s) => [s.index, s.reason]));
    expect(reasons).toEqual({
      1: 'title or preamble before the table',
      3: 'title or preamble before the table',
      4: 'title or preamble before the table',
      18: 'separator row',
      28: 'separator row',
      34: 'end-of-document marker (以上)',
    });
    expect(report.accounts.filter((a) => a.fate === 'header').map((a) => a.index)).toEqual([6, 20, 30]);
  });

  it('reads the same table saved as Shift_JIS', async () => {
    const utf8 = readFileSync(FIXTURE, 'utf8').replace(/^\ufeff/, '');
    const sjis = await parseBytes(iconv.encode(utf8, 'cp932'), 'transport-sjis.txt', { slug: 'transport' });
    expect(sjis.report.encoding).toBe('shift_jis');
    const strip = (its: Item[]) => its.map(({ source, ...rest }) => rest);
    expect(strip(sjis.items)).toEqual(strip(items));
  });
});

describe('new item or continuation: the numbering decides', () => {
  const opts = { file: 'case.txt', slug: 'case' };
  const header = '意見の概要\t意見に対する考え方';

  it('does not infer numbers the numbering leaves open', () => {
    // Between 1 and 5 there is room for three items but only two rows: which numbers they carry is unknown.
    const text = [header, '1\tA\t回答A', 'B\t回答B', 'C\t回答C', '5\tE\t回答E'].join('\n');
    const doc = readTextString(text, opts);
    expect(doc.items.map((it) => [it.number, it.inferred_number, it.id])).toEqual([
      ['1', null, 'case#1'],
      [null, null, 'case#L3'],
      [null, null, 'case#L4'],
      ['5', null, 'case#5'],
    ]);
    expect(doc.warnings.join('\n')).toContain('cannot be inferred');
  });

  it('attaches comment-only rows to the previous item when the numbering leaves no room', () => {
    const text = [header, '1\tA\t', '\tA2\t', '2\tB\t回答B'].join('\n');
    const doc = readTextString(text, opts);
    expect(doc.items.map((it) => it.comment)).toEqual(['A A2', 'B']);
  });

  it('treats every row as an item in a table with no printed numbers', () => {
    const text = [header, 'A\t回答A', 'B\t', 'C\t回答C', '\t回答Cの続き'].join('\n');
    const doc = readTextString(text, opts);
    expect(doc.items.map((it) => [it.id, it.comment, it.response])).toEqual([
      ['case#L2', 'A', '回答A'],
      ['case#L3', 'B', ''],
      ['case#L4', 'C', '回答C 回答Cの続き'],
    ]);
  });

  it('restarts numbering after a section heading without merging across it', async () => {
    const text = [header, '第1章に関する意見', '1\tA\t回答A', '2\tB\t回答B', '第2章に関する意見', '1\tC\t回答C'].join('\n');
    const { items, report } = await parseBytes(Buffer.from(text), 'restart.txt');
    expect(items.map((it) => [it.id, it.section])).toEqual([
      ['restart#1', '第1章に関する意見'],
      ['restart#2', '第1章に関する意見'],
      ['restart#1@L6', '第2章に関する意見'],
    ]);
    expect(items[2].flags).toContain('duplicate_number');
    expect(report.accounts[5].ref).toBe('restart#1@L6');
  });
});

describe('response pointers', () => {
  it.each([
    ['「No.1」の回答のとおりです。', ['1']],
    ['No.3と同じ', ['3']],
    ['Ｎｏ．１２の御意見に対する考え方を御参照ください。', ['12']],
    ['12番の意見への考え方を参照', ['12']],
    ['意見番号5に対する考え方をご参照ください。', ['5']],
    ['ご意見については、上記1の考え方のとおりです。', ['1']],
    ['No.2、No.4の回答と同様です。', ['2', '4']],
  ])('%s points to %j', (response, expected) => {
    expect(pointerTargets(response)).toEqual(expected);
  });

  it.each([
    'III. 2. (3) ③で述べているとおり、支援を進めてまいります。',
    '令和3年度の調査結果と同様の傾向です。',
    '第2番目の柱として記載しているとおりです。',
    'サイバー対処能力強化法第45条第1項に基づく協議会について',
    '上記3章の記載のとおりです。',
  ])('%s points nowhere', (response) => {
    expect(pointerTargets(response)).toEqual([]);
  });
});

describe('the accounting check', () => {
  it('throws when a reader loses characters', async () => {
    const { items, report } = await parseDocument(FIXTURE);
    const doc = { items, accounts: report.accounts, warnings: [], inputChars: report.totals.input_chars };
    const base = { file: FIXTURE, format: 'text' as const, bytes: readFileSync(FIXTURE), warnings: [] };
    expect(() => buildReport({ ...base, doc })).not.toThrow();
    const lossy = items.map((it, i) => (i === 3 ? { ...it, comment_raw: it.comment_raw.slice(1) } : it));
    expect(() => buildReport({ ...base, doc: { ...doc, items: lossy } })).toThrow(/does not add up/);
    const dropped = report.accounts.filter((a) => a.index !== 4);
    expect(() => buildReport({ ...base, doc: { ...doc, accounts: dropped } })).toThrow(/does not add up/);
  });
});
