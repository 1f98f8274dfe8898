// The rules classifier against the labelled development set: the seed document parsed by the parse stage,
// aligned to seed.gold.jsonl by number and comment head.
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { readJsonl } from '../pipeline/core/io.ts';
import { GoldRecord, type Item, type LabelRecord } from '../pipeline/core/schema.ts';
import { commentHead, normalize } from '../pipeline/core/text.ts';
import { classifyWithRules, loadRules } from '../pipeline/classify/index.ts';
import { parseDocument } from '../pipeline/parse/index.ts';

const SEED = fileURLToPath(new URL('../seeds/000_555981824ba784d2.txt', import.meta.url));
const GOLD_IN_REPO = fileURLToPath(new URL('../data/labels/seed.gold.jsonl', import.meta.url));
const GOLD = GOLD_IN_REPO;
const ANSWERED = ['accepted', 'declined', 'referred', 'deferred'] as const;

let items: Item[];
let gold: GoldRecord[];
let records: LabelRecord[];

beforeAll(async () => {
  items = (await parseDocument(SEED)).items;
  gold = readJsonl(GOLD, GoldRecord);
  records = classifyWithRules(items, loadRules()).records;
});

function goldFor(item: Item): GoldRecord {
  const n = item.number ?? item.inferred_number;
  const g = gold.find((x) => x.number === n);
  if (!g) throw new Error(`no gold row for item ${item.id}`);
  expect(commentHead(item.comment)).toBe(g.comment_head);
  return g;
}

describe('rules on the seed development set', () => {
  it('labels exactly the items without a response as none', () => {
    items.forEach((item, i) => {
      expect(records[i].label === 'none', item.id).toBe(goldFor(item).disposition === 'none');
      expect(records[i].label === 'none').toBe(normalize(item.response) === '');
    });
  });

  it('reaches macro-F1 ≥ 0.92 and accuracy ≥ 0.93 over the answered items', () => {
    const pairs = items
      .map((item, i) => ({ id: item.id, gold: goldFor(item).disposition, pred: records[i].label }))
      .filter((p) => p.gold !== 'none');
    const correct = pairs.filter((p) => p.gold === p.pred).length;
    const accuracy = correct / pairs.length;
    const perLabel = ANSWERED.map((l) => {
      const tp = pairs.filter((p) => p.pred === l && p.gold === l).length;
      const fp = pairs.filter((p) => p.pred === l && p.gold !== l).length;
      const fn = pairs.filter((p) => p.pred !== l && p.gold === l).length;
      const precision = tp + fp ? tp / (tp + fp) : 0;
      const recall = tp + fn ? tp / (tp + fn) : 0;
      const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
      return { label: l, n: tp + fn, precision, recall, f1 };
    });
    const macroF1 = perLabel.reduce((a, p) => a + p.f1, 0) / perLabel.length;
    console.log(
      `seed rules: accuracy ${accuracy.toFixed(4)} (${correct}/${pairs.length}), macro-F1 ${macroF1.toFixed(4)}\n` +
        perLabel.map((p) => `  ${p.label.padEnd(9)} n=${String(p.n).padStart(3)} P=${p.precision.toFixed(3)} R=${p.recall.toFixed(3)} F1=${p.f1.toFixed(3)}`).join('\n') +
        '\n  errors: ' +
        pairs.filter((p) => p.gold !== p.pred).map((p) => `${p.id} ${p.gold}→${p.pred}`).join(', '),
    );
    expect(pairs.length).toBe(122);
    expect(macroF1).toBeGreaterThanOrEqual(0.92);
    expect(accuracy).toBeGreaterThanOrEqual(0.93);
  });

  it('gives every answered item evidence whose offsets slice its normalised response', () => {
    items.forEach((item, i) => {
      const r = records[i];
      if (r.label === 'none') return;
      expect(r.evidence.length, item.id).toBeGreaterThan(0);
      for (const e of r.evidence) expect(normalize(item.response).slice(e.start, e.end)).toBe(e.text);
    });
  });
});
