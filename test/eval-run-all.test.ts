import { describe, expect, it } from 'vitest';
import type { LabelRecord } from '../pipeline/core/schema.ts';
import { otherMinistriesSet, scoreRun, seedSet, summaryRow, summaryTable, tuningMinistriesSet } from '../scripts/eval-all.ts';

const asRecords = (rows: { id: string; gold: LabelRecord['label'] }[], relabel: (i: number) => LabelRecord['label'] | null = () => null): LabelRecord[] =>
  rows.map((r, i) => ({
    id: r.id,
    label: relabel(i) ?? r.gold,
    also: [],
    confidence: 1,
    evidence: [{ start: 0, end: 1, text: 'x', rule: 'test' }],
    classifier: { name: 'oracle', version: '0' },
  }));

describe('npm run eval: the labelled sets it scores', () => {
  it('aligns the parsed seed with all 131 gold rows by number and comment head', async () => {
    const set = await seedSet();
    expect(set.unaligned).toEqual([]);
    expect(set.rows).toHaveLength(131);
    expect(set.rows.filter((r) => r.gold === 'none').every((r) => r.response === '')).toBe(true);
    expect(set.rows.filter((r) => r.gold === 'none')).toHaveLength(9);
  });

  it('gives classifiers the cleaned other-ministries responses with their groups', () => {
    const set = otherMinistriesSet();
    expect(set.rows.length).toBeGreaterThanOrEqual(120);
    const edit = set.rows.find((r) => r.response.includes('(修正前)'));
    expect(edit, 'full-width brackets are NFKC-normalised as the parse stage does').toBeDefined();
    expect(set.rows.some((r) => r.response.includes('<u>'))).toBe(false);
    expect(set.rows.filter((r) => r.response_group).length).toBeGreaterThan(10);
  });

  it('scores the tuning set on its own row, apart from the held-out other-ministries set', () => {
    const tuning = tuningMinistriesSet();
    const other = otherMinistriesSet();
    expect(tuning.name).toBe('tuning-ministries (dev)');
    expect(tuning.name).not.toBe(other.name);
    expect(tuning.rows.length).toBeGreaterThanOrEqual(200);
    const otherIds = new Set(other.rows.map((r) => r.id));
    expect(tuning.rows.filter((r) => otherIds.has(r.id))).toEqual([]);
    // Pointers resolve within a document: the rows carry their document, and several documents are present.
    expect(new Set(tuning.rows.map((r) => r.doc)).size).toBeGreaterThan(10);
    expect(tuning.rows.some((r) => r.response.includes('(修正後)'))).toBe(true);
    expect(tuning.rows.some((r) => r.response.includes('<u>'))).toBe(false);
  });

  it('scores a run: a perfect labelling scores 1, one flipped answered label shows as the only error', () => {
    const set = otherMinistriesSet();
    expect(scoreRun(set, asRecords(set.rows), 'oracle').answered.accuracy).toBe(1);
    const first = set.rows.findIndex((r) => r.gold === 'accepted');
    const r = scoreRun(set, asRecords(set.rows, (i) => (i === first ? 'deferred' : null)), 'flip');
    expect(r.errors.map((e) => [e.id, e.gold, e.predicted])).toEqual([[set.rows[first].id, 'accepted', 'deferred']]);
    expect(r.none.exact).toBe(true);
    expect(summaryTable([]).columns.map((c) => c.key)).toContain('macro_f1');
  });

  it('splits the accuracy by the review mark: what the unmarked labels are worth, what 要確認 catches', () => {
    const set = otherMinistriesSet();
    const answered = set.rows.map((r, i) => ({ r, i })).filter(({ r }) => r.gold !== 'none');
    const [wrong, marked] = [answered[0].i, answered[1].i];
    const records = asRecords(set.rows, (i) => (i === wrong ? (set.rows[i].gold === 'declined' ? 'referred' : 'declined') : null)).map((rec, i) => ({
      ...rec,
      needs_review: i === wrong || i === marked,
    }));
    const row = summaryRow('test', set, 'direct', scoreRun(set, records, 'test'), records);
    expect(row.accuracy_unmarked).toBe(1);
    expect(row.accuracy_marked).toBe(0.5);
    expect(summaryTable([row]).rows[0]).toContain(0.5);
  });

  it('refuses a classifier output that lost or reordered rows', () => {
    const set = otherMinistriesSet();
    expect(() => scoreRun(set, asRecords(set.rows).slice(1), 'short')).toThrow(`returned ${set.rows.length - 1} records for ${set.rows.length} rows`);
  });
});
