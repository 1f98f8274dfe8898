// Municipal results copied from web pages and Word files print no table: each comment and answer stands under a
// label ([お寄せいただいた意見] / [市の検討結果と理由], 【意見】 / 【回答】, 回答：), with or without a number. Read as a
// table they came out as one item holding every answer, or as items made of the answers' paragraphs.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ParseReport } from '../pipeline/core/schema.ts';
import { parseBytes, parseDocument } from '../pipeline/parse/index.ts';
import { textKind } from '../pipeline/parse/detect.ts';
import { expectCharsAddUp } from './helpers/parse-report.ts';

const DIR = join(import.meta.dirname, '..', 'data/fixtures/pdf-text');
const HTML = join(import.meta.dirname, '..', 'data/fixtures/html');


const skippedReasons = (report: ParseReport) => report.accounts.filter((a) => a.fate === 'skipped' && a.reason !== 'blank line').map((a) => [a.index, a.reason]);

describe('one-column results under labels', () => {
  it('numbered labels in brackets (西東京市): each number begins an item, the answer label switches to the answer', async () => {
    const { items, report } = await parseDocument(join(DIR, 'labelled-numbered.txt'));
    expect(report.format).toBe('pdf-text');
    expect(items.map((i) => i.number)).toEqual(['1', '2']);
    expect(items[0].comment).toBe('財政フレームがなければ、経済的な実現性を詳細に検討できないのでは。');
    expect(items[0].response).toMatch(/^財政フレームについては、.*お示ししてまいります。$/);
    // The second answer runs over two lines; neither label is left in the text.
    expect(items[1].response).toMatch(/^成果指標につきましては、.*施策評価を実施しました。$/);
    expect(items.map((i) => i.comment + i.response).join('')).not.toMatch(/お寄せいただいた意見|検討結果と理由/);
    expectCharsAddUp(report);
  });

  it('unnumbered 【意見】 / 【回答】 blocks: a comment label after an answer begins the next item; an answer of two paragraphs stays one', async () => {
    const { items, report } = await parseDocument(join(DIR, 'labelled-blocks.txt'));
    expect(report.format).toBe('pdf-text');
    expect(items).toHaveLength(2);
    expect(items[0].comment).toMatch(/^パブリックコメント制度を継続するからには/);
    expect(items[0].response).toMatch(/お知らせするようにします。\s*島根県におけるパブリックコメント手続は/);
    // 【市の考え方】 is an answer label like 【回答】.
    expect(items[1].comment).toMatch(/^評価指標のほぼすべてが空欄である。/);
    expect(items[1].response).toBe('成果指標につきましては、平成29年度の実績を整理し、お示しします。');
    expect(skippedReasons(report)).toEqual([[1, 'text before the first labelled comment']]);
    expect(report.warnings.join('\n')).toContain('each comment label');
    expectCharsAddUp(report);
  });

  it('labels after a bullet (■ご意見 / ■市の考え方); a bulleted heading that only contains a column name (■意見募集の結果) is no label', async () => {
    const { items, report } = await parseDocument(join(DIR, 'labelled-bullets.txt'));
    expect(report.format).toBe('pdf-text');
    expect(items.map((i) => i.number)).toEqual(['1', '2']);
    expect(items[0].comment).toBe('財政フレームがなければ、経済的な実現性を詳細に検討できないのでは。');
    expect(items[1].response).toBe('成果指標につきましては、平成29年度の実績を整理し、お示しします。');
    expect(skippedReasons(report)).toEqual([
      [1, 'text before the first numbered comment'],
      [2, 'text before the first numbered comment'],
    ]);
    expectCharsAddUp(report);
  });

  it('an indented list in a labelled comment (  •  …) is not a second column; 前文 and 第1 … head the items', async () => {
    const { items, report } = await parseDocument(join(DIR, 'labelled-lists.txt'));
    expect(items.map((i) => i.section)).toEqual(['前文', '第1 対象の考え方']);
    expect(items[0].comment).toMatch(/^「事業の円滑な実施のため重要」は、/);
    expect(items[0].response).toMatch(/記載することとします。$/);
    // The page excerpt ends inside the second item's comment: its three listed points, no answer.
    expect(items[1].comment.match(/•/g)).toHaveLength(3);
    expect(items[1].response).toBe('');
    expectCharsAddUp(report);
  });

  it('reading order with bracketed cells (愛媛県): 該当箇所 after the number, 【理由】 inside the comment, the answer after its code 【修正する】', async () => {
    const { items, report } = await parseDocument(join(DIR, 'reading-order-codes.txt'));
    // Found without --format: the column headings stand on lines of their own.
    expect(report.format).toBe('pdf-text');
    expect(items).toHaveLength(1);
    const [item] = items;
    expect(item.number).toBe('1');
    expect(item.location).toBe('風水害等対策編 21頁、地震災害対策編 31頁、津波災害対策編 31頁');
    expect(item.category).toBe('修正する');
    expect(item.comment).toMatch(/^「2の3の1 県民の果たすべき役割」.*追加してはどうか。.*【理由】.*実施すべきと考える。$/s);
    expect(item.response).toMatch(/^保険・共済の加入は、.*備えるよう努める。」$/s);
    expect(report.warnings.join('\n')).toContain('in 1 item(s) an answer code on its own line');
    expectCharsAddUp(report);
  });

  it('a table flattened one cell per line, no blank lines: an item with one line per named column is cut line by line', async () => {
    const { items, report } = await parseDocument(join(DIR, 'flattened-cells.txt'));
    expect(report.format).toBe('pdf-text');
    expect(items.map((it) => [it.number, it.location])).toEqual([['1', 'P5'], ['2', '12ページ'], ['3', null]]);
    expect(items[0].comment).toBe('高齢者が利用しやすいよう、バスの便数を増やしてほしい。');
    expect(items[0].response).toBe('ご意見を踏まえ、計画に「高齢者の移動手段の確保」を追記しました。');
    expect(items[1].response).toBe('第4章の施策2において、デマンド型交通の導入検討を記載しております。');
    // Four lines for three columns: where the comment ends cannot be counted, so the item stays whole and says so.
    expect(items[2].flags).toContain('missing_response');
    expect(items.map((it) => it.flags.includes('cells_by_line'))).toEqual([true, true, false]);
    expect(report.warnings.join('\n')).toContain('2 item(s) had no blank line between cells and exactly 3 lines, one per column named in the headings');
    expect(report.warnings.join('\n')).toContain('check them: 1, 2)');
    expectCharsAddUp(report);
  });

  it("a page footer after a number printed at the foot of a page stays the page number, not the item's 該当箇所", async () => {
    const text = ['番号', '該当箇所', 'ご意見の概要', '市の考え方', '1', 'P5', 'バスを増やしてほしい。', '今後の参考とさせていただきます。', '2', '- 1 -', '\f第3章', '駐輪場を整備すべき。', '第3章に記載しております。', ''].join('\n');
    const { items } = await parseBytes(Buffer.from(text), 'footer.txt', {});
    expect(items.map((it) => [it.number, it.location, it.comment, it.response])).toEqual([
      ['1', 'P5', 'バスを増やしてほしい。', '今後の参考とさせていただきます。'],
      ['2', '第3章', '駐輪場を整備すべき。', '第3章に記載しております。'],
    ]);
  });

  it('an HTML page whose only table is no result table, its comments and answers in paragraphs under labels: read as the text it shows, without its navigation and footer', async () => {
    const { items, report } = await parseDocument(join(HTML, 'labelled-paragraphs.html'));
    expect(report.format).toBe('html');
    expect(items).toHaveLength(2);
    expect(items[0].comment).toMatch(/^パブリックコメント制度を継続するからには/);
    expect(items[0].response).toMatch(/お知らせするようにします。\s*島根県におけるパブリックコメント手続は.*行っています。$/);
    // The label and its text share a paragraph (【意見】<br>…), and the footer's お問い合わせ is not the last answer's.
    expect(items[1].comment).toMatch(/^評価指標のほぼすべてが空欄である。/);
    expect(items[1].response).toBe('成果指標につきましては、平成29年度の実績を整理し、お示しします。');
    expect(report.warnings[0]).toMatch(/^no result table among the page's 1 table\(s\): .*; 24 characters of navigation, site header and footer were not read$/);
    // The consultation's table is text before the first comment, a line per row.
    expect(report.accounts.filter((a) => a.fate === 'skipped').map((a) => a.reason)).toEqual(Array(3).fill('text before the first labelled comment'));
    expectCharsAddUp(report);
  });

  it('an HTML definition list per comment (<dt>お寄せいただいた意見</dt><dd>…</dd>), numbered by headings: its terms are the labels', async () => {
    const { items, report } = await parseDocument(join(HTML, 'labelled-dl.html'));
    expect(items.map((i) => i.number)).toEqual(['1', '2']);
    expect(items[0].comment).toBe('財政フレームがなければ、経済的な実現性を詳細に検討できないのでは。');
    expect(items[0].response).toMatch(/^財政フレームについては、.*お示ししてまいります。$/);
    expect(items[1].response).toBe('成果指標につきましては、平成29年度の実績を整理し、お示しします。');
    expectCharsAddUp(report);
  });

  it('a count printed alone above the items (意見総数 ⏎ 25) does not take the numbering', async () => {
    const { items, report } = await parseDocument(join(DIR, 'count-above-items.txt'));
    expect(items.map((i) => i.number)).toEqual(['1', '2']);
    expect(items[0].comment).toBe('財政フレームがなければ、経済的な実現性を詳細に検討できないのでは。');
    expect(items[0].response).toMatch(/^財政フレームについては、/);
    expect(items[1].response).toMatch(/^成果指標につきましては、/);
    // The preamble, the count with it, is accounted as skipped text, not glued to item 1.
    expect(skippedReasons(report).map(([index]) => index)).toEqual([1, 2, 3, 4, 5]);
    expectCharsAddUp(report);
  });
});

describe('automatic detection of plain text', () => {
  it('prose with ASCII commas is no CSV (八千代市 writes its answers with ,); a CSV saved as .txt still is', () => {
    const prose = [
      '今回市が出したパブリックコメント全体に言えますが,基本計画の後期だから見直しは難しいとか,そういうことではなく。',
      'やちよ男女共同参画プランの基本計画の計画期間は,平成23年度から平成32年度までとしておりますが,必要に応じて見直します。',
    ].join('\n');
    expect(textKind(prose)).not.toBe('csv');
    const csv = ['No,label,comment,reply', '1-1,賛成,"エネルギー基本計画に賛成である。",ご意見として承ります。', '2-1,その他,再エネを増やすべき。,原案のとおりとします。'].join('\n');
    expect(textKind(csv)).toBe('csv');
  });
});
