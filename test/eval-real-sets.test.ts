// The real labelled sets in data/labels/real/ are exactly what scripts/build-real-sets.ts builds from the
// published documents and the annotators' gold files, and are split as the README says.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { toJsonl } from '../pipeline/core/io.ts';
import { buildRealSets, readRealSet, ENV6TH_HELDOUT_FROM, METI_HELDOUT_FROM } from '../pipeline/eval/real-sets.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

describe('real labelled sets', () => {
  it('are up to date with their sources (rerun scripts/build-real-sets.ts if not)', async () => {
    const built = await buildRealSets(ROOT);
    for (const [name, rows] of Object.entries(built)) {
      expect(readFileSync(`${ROOT}data/labels/real/${name}.jsonl`, 'utf8'), name).toBe(toJsonl(rows));
    }
  });

  it('hold the documented rows, labels and splits', () => {
    const count = (rows: { disposition: string }[]) => rows.reduce<Record<string, number>>((m, r) => ((m[r.disposition] = (m[r.disposition] ?? 0) + 1), m), {});
    const seed = readRealSet(ROOT, 'seed');
    expect(seed).toHaveLength(131);
    expect(count(seed)).toEqual({ referred: 55, deferred: 49, declined: 14, accepted: 4, none: 9 });
    expect(seed.every((r) => r.split === 'dev' && r.stance !== null)).toBe(true);
    const meti = readRealSet(ROOT, 'meti-ene7th');
    expect(meti).toHaveLength(355);
    expect(count(meti)).toEqual({ referred: 194, declined: 136, accepted: 14, deferred: 11 });
    expect(meti.filter((r) => r.split === 'dev').map((r) => Number(r.number))).toEqual(Array.from({ length: METI_HELDOUT_FROM - 1 }, (_, i) => i + 1));
    // The ministry's PDF extraction used the Kangxi radical ⾄ for 至: the analysis copy is NFKC.
    expect(meti.some((r) => r.response.includes('\u2F84'))).toBe(false);
    const env = readRealSet(ROOT, 'env6th-an');
    expect(env).toHaveLength(383);
    expect(count(env)).toEqual({ accepted: 119, referred: 118, declined: 79, deferred: 67 });
    expect(env.filter((r) => r.split === 'dev').map((r) => Number(r.number))).toEqual(Array.from({ length: ENV6TH_HELDOUT_FROM - 1 }, (_, i) => i + 1));
    // Three votes per answer and a majority stance on all but split ones; the comment is the opinion itself.
    expect(env.every((r) => r.votes?.length === 3 && r.votes.filter((v) => v === r.disposition).length >= 2)).toBe(true);
    expect(env.filter((r) => r.stance === null).length).toBe(0);
    // The 2018 round: a blind set, every answer held out.
    const env5 = readRealSet(ROOT, 'env5th');
    expect(env5).toHaveLength(100);
    expect(count(env5)).toEqual({ declined: 46, referred: 30, deferred: 13, accepted: 11 });
    expect(env5.every((r) => r.split === 'heldout' && r.votes?.length === 3)).toBe(true);
  });
});
