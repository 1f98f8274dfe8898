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

  it('is null for a table that starts with its header row', async () => {
    const { report } = await parseDocument('data/fixtures/html/transport-plan.html');
    expect(documentTitle(report)).toBeNull();
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
