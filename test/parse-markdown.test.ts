// Markdown pipe tables (how web clippers, note apps and chat assistants hand over a web page's result table), and a
// section heading printed just above a table's column headings, which every tabular reader now reads as a section.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { textKind } from '../pipeline/parse/detect.ts';
import { parseBytes } from '../pipeline/parse/index.ts';
import { pipeCells } from '../pipeline/parse/markdown.ts';
import { expectCharsAddUp } from './helpers/parse-report.ts';

const fixture = (path: string) => readFileSync(new URL(`../data/fixtures/${path}`, import.meta.url));

describe('a Markdown pipe table', () => {
  const bytes = fixture('markdown/pipe-table.md');

  it('gives one item per table row, with its section, location, and a <br> in a cell read as a break', async () => {
    const { items, report } = await parseBytes(bytes, 'pipe-table.md', {});
    expect(report.format).toBe('markdown');
    expect(items.map((it) => [it.number, it.section, it.location])).toEqual([
      ['1', '第1章 計画の概要', 'P3'],
      ['2', '第1章 計画の概要', 'P5'],
      ['3', '第2章 施策の展開', 'P12'],
      ['4', '第2章 施策の展開', 'P15'],
    ]);
    expect(items[1].response).toBe('ご意見を踏まえ、次のとおり修正します。 ・第2章に「高齢者の移動手段の確保」を加えます。');
    expect(items[2].comment).toBe('デマンド交通(予約制|定時制)の導入を検討すべきである。');
    expect(items[3].response).toBe('今後の施策の参考とさせていただきます。');
    // Rows are numbered by the file's lines, so a researcher finds each item where the file has it.
    expect(items.map((it) => it.source.rows)).toEqual([[9], [10], [16], [17]]);
    expectCharsAddUp(report);
  });

  it('says how much text outside the tables (title, period, notes) was not read', async () => {
    const { report } = await parseBytes(bytes, 'pipe-table.md', {});
    const outside = [
      '意見募集期間：令和7年1月6日～2月5日　意見数：4件（2人）',
      '※ 同趣旨のご意見はまとめて掲載しています。',
    ].reduce((n, line) => n + line.replace(/\s/g, '').length, 0);
    expect(report.warnings).toContain(`${outside} characters on 2 line(s) outside the tables and # headings (title, notes) were not read`);
  });

  it('is recognised in a .txt file by its delimiter row, and read the same', async () => {
    expect(textKind(bytes.toString('utf8'))).toBe('markdown');
    const asMd = await parseBytes(bytes, 'pipe-table.md', {});
    const asTxt = await parseBytes(bytes, 'pipe-table.txt', {});
    expect(asTxt.report.format).toBe('markdown');
    expect(asTxt.items.map((it) => [it.comment, it.response])).toEqual(asMd.items.map((it) => [it.comment, it.response]));
  });

  it('is not seen in text without a |---| row under a row of pipes and a row below it', () => {
    // A bare --- (a rule or a heading underline) is no delimiter row, nor is a delimiter row with no row under it.
    expect(textKind('番号 | 意見 | 考え方\n1 | バスを増やして | 検討します\n---\n2 | 駅に駐輪場を | 参考にします\n')).not.toBe('markdown');
    expect(textKind('番号 | 意見 | 考え方\n|---|---|---|\n')).not.toBe('markdown');
    expect(textKind('番号 | 意見 | 考え方\n|-|:-|-:|\n1 | バスを増やして | 検討します\n')).toBe('markdown');
  });

  it("reads a cell's text without inline Markdown, and names rows with more cells than the delimiter row", async () => {
    const md = [
      '| No. | ご意見の要旨 | 市の考え方 |',
      '|-|-|-|',
      '| 1 | **バス**を増やしてほしい。 | [第3章](https://example.jp/plan.pdf)に`記載`しております。 |',
      '| 2 | 交通（予約制|定時制）の導入を検討すべき。 | 施策2において記載しております。 |',
      '',
    ].join('\n');
    const { items, report } = await parseBytes(Buffer.from(md), 'inline.md', {});
    expect(items[0].comment).toBe('バスを増やしてほしい。');
    expect(items[0].response).toBe('第3章に記載しております。');
    expect(report.warnings).toContain(
      "line(s) 4: more cells than the table's delimiter row (a | inside a cell not written \\|?); their cells were read in order, so text may sit in the wrong column",
    );
    expectCharsAddUp(report);
  });

  it('takes a line that is all bold (**第2章 施策**) for a heading, as exports write titles', async () => {
    const md = [
      '**〇〇県環境基本計画（案）に対する意見と県の考え方**',
      '',
      '**第1章 総論**',
      '',
      '| 番号 | 意見の概要 | 県の考え方 |',
      '| --- | --- | --- |',
      '| 1 | 目標を高くすべき。 | 原案のとおりとします。 |',
      '',
      '**第2章 施策**',
      '',
      '| 番号 | 意見の概要 | 県の考え方 |',
      '| --- | --- | --- |',
      '| 2 | 支援を拡充してほしい。 | 第2章に記載しております。 |',
      '',
    ].join('\n');
    const { items, report } = await parseBytes(Buffer.from(md), 'bold.md', {});
    expect(items.map((it) => [it.number, it.section])).toEqual([
      ['1', '第1章 総論'],
      ['2', '第2章 施策'],
    ]);
    expect(report.preamble).toEqual(['〇〇県環境基本計画（案）に対する意見と県の考え方']);
    expectCharsAddUp(report);
  });

  it('splits cells on pipes that are not escaped', () => {
    expect(pipeCells('| 1 | A\\|B | <br>C |')).toEqual(['1', 'A|B', '<br>C']);
    expect(pipeCells('1 | 2')).toEqual(['1', '2']);
  });
});

describe('a section heading printed just above the column headings', () => {
  const page = (above: string) =>
    Buffer.from(
      `<html><body><h1>〇〇市環境基本計画（案）に対する意見</h1>${above}` +
        '<table><tr><th>番号</th><th>意見の概要</th><th>市の考え方</th></tr>' +
        '<tr><td>1</td><td>計画に生物多様性の記述を増やしてほしい。</td><td>第3章に記載しております。</td></tr></table>' +
        '<h2>第2章 施策</h2><table><tr><th>番号</th><th>意見の概要</th><th>市の考え方</th></tr>' +
        '<tr><td>2</td><td>補助金を拡充すべき。</td><td>今後の参考とさせていただきます。</td></tr></table></body></html>',
    );

  it('is the section of the first table, as the heading between tables is of the second', async () => {
    const { items, report } = await parseBytes(page('<h2>第1章 計画の基本的事項</h2>'), 'plan.html', {});
    expect(items.map((it) => it.section)).toEqual(['第1章 計画の基本的事項', '第2章 施策']);
    expect(report.accounts.filter((a) => a.fate === 'heading').map((a) => a.ref)).toEqual(['第1章 計画の基本的事項', '第2章 施策']);
    expect(report.preamble).toEqual(['〇〇市環境基本計画（案）に対する意見']);
    expectCharsAddUp(report);
  });

  it('but a title above the headings stays a title, even one worded as a heading (…に対する意見, 【別紙】)', async () => {
    const { items, report } = await parseBytes(page(''), 'plan.html', {});
    expect(items.map((it) => it.section)).toEqual([null, '第2章 施策']);
    expect(report.preamble).toEqual(['〇〇市環境基本計画（案）に対する意見']);
    const annex = await parseBytes(page('<h2>【別紙】</h2>'), 'plan.html', {});
    expect(annex.items.map((it) => it.section)).toEqual([null, '第2章 施策']);
  });
});
