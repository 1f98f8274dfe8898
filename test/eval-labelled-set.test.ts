import { describe, expect, it } from 'vitest';
import { checkLabelledSet, labelCounts, pointerTarget, readLabelledSet, type LabelledResponse } from '../pipeline/eval/labelled-set.ts';

const SET = 'data/labels/other-ministries.jsonl';

describe('the other-ministries labelled set', () => {
  const rows = readLabelledSet(SET);

  it('passes every check: schema, unique ids, cue inside the response, guideline priority, pointers', () => {
    expect(checkLabelledSet(rows)).toEqual([]);
  });

  it('is large and balanced enough to score on: ≥ 120 rows, ≥ 15 of each answered label, some none', () => {
    const counts = labelCounts(rows);
    expect(rows.length).toBeGreaterThanOrEqual(120);
    for (const l of ['accepted', 'declined', 'referred', 'deferred'] as const) expect(counts[l]).toBeGreaterThanOrEqual(15);
    expect(counts.none).toBeGreaterThan(0);
    expect(new Set(rows.map((r) => r.doc)).size).toBeGreaterThanOrEqual(10);
  });
});

describe('checkLabelledSet catches a broken row', () => {
  const base: LabelledResponse = {
    id: 'x-001',
    doc: 'city-test-2025',
    number: '1',
    comment: '計画に賛成。',
    response: 'ご意見を踏まえ、以下のとおり修正します。',
    disposition: 'accepted',
    also: [],
    cue: '以下のとおり修正します',
    reason: 'edit announced',
    response_group: 'city-test-2025#g1',
  };
  const pointer: LabelledResponse = { ...base, id: 'x-002', number: '2', response: '「No.1」の回答のとおりです。', cue: '「No.1」の回答のとおりです' };

  it('accepts a consistent pair (an item and a pointer to it)', () => {
    expect(checkLabelledSet([base, pointer])).toEqual([]);
    expect(pointerTarget(pointer.response)).toBe('1');
  });

  it('reports each problem with the row id', () => {
    const problems = checkLabelledSet([
      { ...base, cue: '修正いたします' },
      { ...pointer, disposition: 'deferred' },
      { ...base, id: 'x-001', number: '3', disposition: 'referred', also: ['accepted'], cue: '修正します', response_group: undefined },
      { ...base, id: 'x-004', number: '4', response: '', cue: '', disposition: 'deferred', response_group: undefined },
    ]);
    expect(problems).toEqual(
      expect.arrayContaining([
        { id: 'x-001', problem: 'cue "修正いたします" is not a substring of the response' },
        { id: 'x-002', problem: 'points at No.1 labelled accepted but is labelled deferred' },
        { id: 'x-001', problem: 'duplicate id' },
        { id: 'x-001', problem: 'also has accepted, which outranks referred: the label must be the strongest' },
        { id: 'x-004', problem: 'empty response must be labelled none' },
      ]),
    );
  });
});
