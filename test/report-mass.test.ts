// A mass round's copies share their label lists, stance evidence and theme lists (run/enrich.ts), and the report
// makes each cell, field and check once per shared list (issue 14). The files must be the bytes a round without
// any sharing gives, and a bad item must be reported as RunItem.safeParse reports it.
import { describe, expect, it } from 'vitest';
import type { LabelRecord, StanceRecord } from '../pipeline/core/schema.ts';
import { emitReport, renderReport } from '../pipeline/report/index.ts';
import { RunItem, type RunSet } from '../pipeline/report/schema.ts';
import { enrich, type ThemesOutput } from '../pipeline/run/enrich.ts';
import { fixtureRun } from './helpers/report-fixture.ts';

const COPIES = 30;

/** The fixture's items, each copied COPIES times under numbers of their own, sharing lists or each with its own. */
function massRun(shared: boolean, copies = COPIES): RunSet {
  const base = fixtureRun();
  const stanceEvidence = base.items.map((it) => [{ start: 0, end: 2, text: it.comment.slice(0, 2), rule: 'request.should', stance: 'request' as const }]);
  const items: RunSet['items'] = [];
  for (let k = 0; k < copies; k++) {
    base.items.forEach((it, i) => {
      const n = String(k * base.items.length + i + 1);
      const own = <T>(v: T): T => (shared ? v : structuredClone(v));
      items.push({
        ...it,
        id: `fixture#${n}`,
        number: n,
        source: { file: 'fixture.txt', lines: [10 + Number(n)] },
        labels: own(it.labels),
        stance: it.comment ? 'request' : null,
        stance_confidence: k % 2 ? 0.8 : 0.75, // shared evidence, two confidences: two cells
        stance_evidence: own(stanceEvidence[i]),
        themes: own(it.themes),
        map: it.map && { x: it.map.x + k / 1000, y: it.map.y },
      });
    });
  }
  return { info: base.info, items };
}

describe('a mass round in the report', () => {
  it('gives the same bytes in every file whether copies share their lists or not', async () => {
    const shared = await renderReport(massRun(true));
    const own = await renderReport(massRun(false));
    expect([...shared.keys()]).toEqual([...own.keys()]);
    for (const [file, bytes] of own) expect(Buffer.from(shared.get(file)!).equals(Buffer.from(bytes)), file).toBe(true);
    // The item list really holds the copies (the comparison is not between two empty reports).
    expect(String(shared.get('items.jsonl')).split('\n').length).toBe(COPIES * 8 + 1);
  });

  it('writes the same files in the same order when every write returns to the event loop between parts', async () => {
    // As `pubcom run` writes them: the workbook, begun first, is made in those turns while the other files are.
    const run = massRun(true, 400);
    const expected = await renderReport(run);
    const got = new Map<string, Buffer>();
    let parts = 0;
    await emitReport(run, async (rel, content) => {
      const bytes: Buffer[] = [];
      for (const p of typeof content === 'string' || content instanceof Uint8Array ? [content] : content) {
        bytes.push(Buffer.from(p)); // a copy: the items files' parts are refilled once the next one is asked for
        parts++;
        await new Promise((done) => setImmediate(done));
      }
      got.set(rel, Buffer.concat(bytes));
    });
    expect([...got.keys()]).toEqual([...expected.keys()]);
    for (const [file, bytes] of expected) expect(got.get(file)!.equals(Buffer.from(bytes)), file).toBe(true);
    // items.jsonl (3,200 items) came in several parts, so the workbook really was made between them.
    expect(got.get('items.jsonl')!.length).toBeGreaterThan(3 << 20);
    expect(parts).toBeGreaterThan(got.size + 3);
  });

  it('names a bad item and its first problem as RunItem.safeParse does, also in a list copies share', async () => {
    const run = massRun(true);
    const bad = structuredClone(run.items[3].labels);
    bad[1].confidence = 2;
    for (const it of run.items.slice(3)) if (it.comment === run.items[3].comment) it.labels = bad;
    // Item 11 (a copy) also has a bad map: RunItem lists labels' problem first (labels come before map).
    (run.items[11] as { map: unknown }).map = { x: 'left' };
    const expected = (i: number) => {
      const r = RunItem.safeParse(run.items[i]);
      expect(r.success).toBe(false);
      const issue = r.error!.issues[0];
      return `report: item ${i} (${run.items[i].id}) is not a RunItem: ${issue.path.join('.')}: ${issue.message}`;
    };
    const message = expected(3);
    expect(message).toContain('labels.1.confidence');
    await expect(renderReport(run)).rejects.toThrow(message);
    run.items[3].labels = fixtureRun().items[3].labels;
    run.items.slice(4, 11).forEach((it, j) => (it.labels = fixtureRun().items[(4 + j) % 8].labels));
    expect(expected(11)).toContain('labels.1.confidence');
    await expect(renderReport(run)).rejects.toThrow(expected(11));
  });
});

describe('enrich', () => {
  const items = fixtureRun().items.map(({ labels: _l, themes: _t, duplicate_group: _d, response_template: _r, cluster: _c, map: _m, ...item }) => item);
  const evidence = [{ start: 0, end: 2, text: '賛同', rule: 'deferred.cue1', label: 'deferred' as const }];
  const record = (id: string, confidence: number): LabelRecord => ({ id, label: 'deferred', also: [], confidence, evidence, classifier: { name: 'rules', version: '1.0.0' } });
  const stances: StanceRecord[] = items.map((it) => ({ id: it.id, stance: null, confidence: 0, evidence: [] }));
  const themes: ThemesOutput = { themes: [], duplicateGroup: new Map(), responseTemplate: new Map(), cluster: new Map(), layout: new Map(), clusters: [] };

  it('gives copies with equal labels one label list, and a different label its own', () => {
    const labels = items.map((it, i) => record(it.id, i === 5 ? 0.5 : 0.9));
    const out = enrich(items, [{ name: 'rules', version: '1.0.0', labels }], stances, themes);
    expect(out[1].labels).toBe(out[0].labels);
    expect(out[7].labels).toBe(out[0].labels);
    expect(out[5].labels).not.toBe(out[0].labels);
    expect(out[5].labels[0].confidence).toBe(0.5);
    expect(out[0].labels).toEqual([{ classifier: 'rules', version: '1.0.0', label: 'deferred', also: [], confidence: 0.9, evidence }]);
  });
});

describe('the report data in pieces', () => {
  it('joins to exactly JSON.stringify of the data, the item columns split out', async () => {
    const { jsonPieces } = await import('../pipeline/report/item-data.ts');
    const cases: unknown[] = [
      {},
      { strings: ['意見', 'é'], columns: [[1, null, 'x'], [], [[2, 3], { a: undefined }]], skipped: undefined, f: () => 1 },
      { columns: [[undefined, () => 1]] },
      [1, 2],
      '文',
      null,
    ];
    for (const c of cases) expect(jsonPieces(c).join('')).toBe(JSON.stringify(c));
    expect(jsonPieces({ a: 1, columns: [[1], [2]] })).toEqual(['{"a":', '1', ',"columns":', '[[1]', ',[2]', ']', '}']);
  });
});

describe('SharedCache', () => {
  it('makes a value once per shared object, and in a round without sharing stops keeping values', async () => {
    const { SharedCache } = await import('../pipeline/report/shared.ts');
    const shared = new SharedCache<number[]>();
    const list = {};
    const first = shared.get(list, () => [1]);
    expect(shared.get(list, () => [2])).toBe(first);
    // 3,000 distinct objects, never met twice: after the probe each value is made afresh and not kept.
    const distinct = new SharedCache<number>();
    const keys = Array.from({ length: 3000 }, () => ({}));
    keys.forEach((k, i) => expect(distinct.get(k, () => i)).toBe(i));
    expect(distinct.get(keys[2500], () => -1)).toBe(-1);
    expect(distinct.get(keys[10], () => -1)).toBe(-1); // what it kept while probing is dropped
  });
});
