// Report details a reader relies on (issue 13 item 5): the document's own title, evidence shown in a phrase a
// reader recognises, and a merged answer cell counted as a shared answer, not as a reused template.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDocument } from '../pipeline/parse/index.ts';
import { evidencePhrase } from '../pipeline/report/highlight.ts';
import { documentTitle } from '../pipeline/report/title.ts';
import { findResponseTemplates } from '../pipeline/themes/duplicates.ts';

const SEED = 'seeds/000_555981824ba784d2.txt';

describe("the report's title", () => {
  it('is the first line above the seed table, not a note on how the comments were summarised', async () => {
    const { report } = await parseDocument(SEED);
    expect(documentTitle(report)).toBe('サイバーセキュリティ戦略（案）に関するパブリックコメントの主な結果一覧');
    // Without that line only the notes remain: they are not titles, and the run falls back to its folder name.
    expect(documentTitle({ skipped: report.skipped.slice(1) })).toBeNull();
  });

  it('is the first row above the column headings of a CSV, not the row stating the period and count', async () => {
    const { report } = await parseDocument('data/fixtures/csv/ghg-plan.csv');
    expect(report.preamble).toEqual(['地球温暖化対策計画（案）に対する意見募集（パブリックコメント）の結果について', '意見募集期間：令和6年12月27日～令和7年1月25日 提出意見数：10件']);
    expect(documentTitle(report)).toBe('地球温暖化対策計画（案）に対する意見募集（パブリックコメント）の結果について');
  });

  it('is the row above the table of an HTML results page; null for JSON records, which have none', async () => {
    expect(documentTitle((await parseDocument('data/fixtures/html/transport-plan.html')).report)).toBe('○○市地域公共交通計画（案）に関するパブリックコメントの実施結果');
    expect(documentTitle((await parseDocument('data/fixtures/json/env-basic-plan.json')).report)).toBeNull();
  });
});

describe('evidence in its phrase', () => {
  it('widens the supervised n-grams of the seed (「いて、」「等を」「ティ」) to the clause around them', async () => {
    const { items } = await parseDocument(SEED);
    // Fragments the ensemble quotes on the seed (its supervised n-gram features), found in real answers.
    for (const fragment of ['いて、', '等を', 'ティ', 'こととしています', 'ことは難しい']) {
      const it = items.find((i) => i.response.includes(fragment))!;
      const start = it.response.indexOf(fragment);
      const [before, span, after] = evidencePhrase(it.response, { start, end: start + fragment.length, text: fragment });
      expect(span).toBe(fragment);
      const phrase = before + span + after;
      expect(phrase.length, phrase).toBeGreaterThan(fragment.length + 3);
      expect(phrase.length, phrase).toBeLessThanOrEqual(fragment.length + 2 * 24 + 2);
      // The phrase starts after punctuation (or with … when cut) and ends at punctuation (or …).
      const at = start - before.replace(/^…/, '').length;
      expect(before.startsWith('…') || at === 0 || /[。、「」（）()\n]/.test(it.response[at - 1]), phrase).toBe(true);
      expect(/[。、，！？」）)…]$/.test(phrase) || start + fragment.length + after.length === it.response.length, phrase).toBe(true);
    }
  });

  it('keeps the span as given when its offsets do not match and it is found nowhere', () => {
    expect(evidencePhrase('原案のとおりとします。', { start: 0, end: 3, text: '反映します' })).toEqual(['', '反映します', '']);
  });
});

describe('a merged answer cell is a shared answer, not a template', () => {
  it('the rowspan reply of the transport plan (Nos. 2 and 3) is one response group and no template', async () => {
    const { items } = await parseDocument('data/fixtures/html/transport-plan.html');
    const n2 = items.find((i) => i.number === '2')!;
    expect(n2.response_group).not.toBeNull();
    expect(findResponseTemplates(items).filter((t) => t.items.includes(n2.id))).toEqual([]);
  });

  it('the same answer written again for another comment is a template, holding the group and the copy', async () => {
    const { items } = await parseDocument('data/fixtures/html/transport-plan.html');
    const n2 = items.find((i) => i.number === '2')!;
    const copy = { ...items[0], id: 'copy#8', number: '8', response: n2.response, response_group: null };
    const templates = findResponseTemplates([...items, copy]);
    expect(templates).toHaveLength(1);
    expect(templates[0].id).toBe('t001');
    expect(templates[0].items).toEqual([...items.filter((i) => i.response_group === n2.response_group).map((i) => i.id), 'copy#8']);
  });
});

describe('report.html on a large round', () => {
  it('aggregates the map: every comment in exactly one mark, the counts adding up, frame rings counted apart', async () => {
    const { mapLayout } = await import('../pipeline/report/map.ts');
    // 3,000 comments at 340 spots (as near-identical comments sit together), a far-out few, two themes.
    const points = Array.from({ length: 3000 }, (_, i) => ({
      x: i < 10 ? 50 + i : (i % 20) / 20,
      y: (i % 17) / 17,
      id: `p${i}`,
      theme: i % 2 ? 'a' : 'b',
      color: i % 2 ? '#111' : '#222',
      title: `No.${i}`,
    }));
    const layout = mapLayout(points, (t) => `theme ${t}`);
    expect(layout.aggregated).toBe(true);
    expect(layout.marks.length).toBeLessThan(points.length / 2);
    expect(layout.marks.reduce((s, m) => s + m.count, 0)).toBe(3000);
    expect(new Set(points.map((p) => layout.markOf.get(p.id))).has(undefined)).toBe(false);
    for (const p of points) expect(layout.marks[layout.markOf.get(p.id)!].color).toBe(p.color);
    // The ten far-out comments (and the 2 % tails) lie beyond the percentile range: on the frame, never mixed in.
    expect(layout.outside).toBeGreaterThanOrEqual(10);
    expect(layout.marks[layout.markOf.get('p0')!].outside).toBe(true);
    expect(layout.marks.find((m) => m.count > 1)!.title).toMatch(/^\d+ 件【theme [ab]】/);
    // Below the threshold every comment is its own dot.
    expect(mapLayout(points.slice(0, 100), (t) => t).marks.map((m) => m.id)).toEqual(points.slice(0, 100).map((p) => p.id));
  });

  it('deflates the same data to the same bytes on a rerun', async () => {
    const { fixtureRun } = await import('./helpers/report-fixture.ts');
    const { reportHtml } = await import('../pipeline/report/html.ts');
    const { buildTables } = await import('../pipeline/report/tables.ts');
    const render = () => {
      const run = fixtureRun();
      return reportHtml(run, buildTables(run), { compressAbove: 0, mapPointsMax: 2 });
    };
    const a = render();
    expect(a).toContain('data-encoding="deflate-raw+base64"');
    expect(render()).toBe(a);
  });
});
