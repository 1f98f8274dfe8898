// The parse summary's counts add up to the lines read: each line counted once, by its fate.
import { describe, expect, it } from 'vitest';
import { summary } from '../pipeline/parse/command.ts';
import { parseDocument } from '../pipeline/parse/index.ts';
import { SEED_PATH } from './helpers/seed-cells.ts';

describe('parse summary', () => {
  it('item + heading + header + skipped = lines read (the seed: 202)', async () => {
    const { items, report } = await parseDocument(SEED_PATH);
    const text = summary(items, report, { out: 'items.jsonl' });
    const m = /(\d+) lines: (\d+) item \((\d+) with a section heading glued on\), (\d+) section heading, (\d+) header, (\d+) skipped/.exec(text);
    expect(m, text).not.toBeNull();
    const [lines, item, glued, heading, header, skipped] = m!.slice(1).map(Number);
    expect(lines).toBe(202);
    expect(item + heading + header + skipped).toBe(lines);
    expect(glued).toBe(2);
  });
});
