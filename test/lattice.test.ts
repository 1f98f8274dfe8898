// The typed-array analyser (pipeline/tokenize/lattice.ts) must give kuromoji's own tokens, every field, on every
// text: real seed, fixture and METI texts, and synthetic strings that reach kuromoji's odd corners (unknown-word
// runs, surrogate pairs, very long pieces, ties). The reference is kuromoji exactly as the package ships it.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type kuromoji from 'kuromoji';
import { beforeAll, describe, expect, it } from 'vitest';
import { mulberry32, randomInt } from '../pipeline/core/random.ts';
import { buildKuromoji, loadLattice } from '../pipeline/tokenize/kuromoji.ts';
import type { Lattice } from '../pipeline/tokenize/lattice.ts';
import { seedTexts } from './helpers/seed-cells.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

let stock: kuromoji.Tokenizer<kuromoji.IpadicFeatures>;
let lattice: Lattice;

beforeAll(async () => {
  stock = await buildKuromoji();
  lattice = await loadLattice();
});

/** Compares every token of every text; returns how many tokens were compared. */
function compareAll(texts: readonly string[]): number {
  let tokens = 0;
  for (const text of texts) {
    const want = stock.tokenize(text);
    const got = lattice.tokenize(text);
    // JSON keeps key order and drops absent keys alike, so it also checks that unknown words have no reading keys.
    if (JSON.stringify(got) !== JSON.stringify(want)) expect({ text, got }).toEqual({ text, got: want });
    // The pipeline's path (lean: four fields, shared objects) must be the same tokens.
    const lean = lattice.lean(text).map(({ surface_form, basic_form, pos, pos_detail_1 }) => ({ surface_form, basic_form, pos, pos_detail_1 }));
    const wantLean = want.map(({ surface_form, basic_form, pos, pos_detail_1 }) => ({ surface_form, basic_form, pos, pos_detail_1 }));
    if (JSON.stringify(lean) !== JSON.stringify(wantLean)) expect({ text, lean }).toEqual({ text, lean: wantLean });
    tokens += want.length;
  }
  return tokens;
}

/** Every UTF-8 text file under data/fixtures, one text per line (the Shift_JIS copy is skipped). */
function fixtureLines(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (!name.includes('sjis') && /\.(txt|csv|jsonl?|html|md)$/.test(name)) {
        for (const line of readFileSync(path, 'utf8').split('\n')) if (line.trim()) out.push(line);
      }
    }
  };
  walk(join(ROOT, 'data/fixtures'));
  return out;
}

/** Random strings over kuromoji's character classes, joined from pieces of real text and single characters. */
function syntheticTexts(count: number, seed: number, real: string[]): string[] {
  const next = mulberry32(seed);
  const pick = (s: string) => [...s][randomInt(next, [...s].length)];
  const pools = [
    'あいうえおかきくけこをんゃっー', 'アイウエオカキクケコヲンャッヴー', 'ｱｲｳｴｵｶｷｸｹｺｰﾞﾟ', '一二三十百千万億兆〇',
    '日本国政府計画情報安全対策能動的防御鬱龘', 'abcXYZ', 'ＡＢＣｘｙｚ', '0123456789', '０１２３４５６７８９',
    '.,!?-_/()[]@#%&*+=:;', '、。・「」『』（）！？…―〜※→●■', ' 　\t', 'αβγΩ', 'абвЖ', '①②③Ⅳ㈱㌔',
    '😀🎉👍🏻𠮷𩸽🇯🇵', '\u200b\ufeff\u00a0\u00ad',
  ];
  const out: string[] = [];
  for (let n = 0; n < count; n++) {
    let s = '';
    const parts = 1 + randomInt(next, 12);
    for (let k = 0; k < parts; k++) {
      const r = next();
      if (r < 0.35) {
        const t = real[randomInt(next, real.length)];
        const at = randomInt(next, Math.max(1, t.length - 20));
        s += t.slice(at, at + 1 + randomInt(next, 40));
      } else {
        const pool = pools[randomInt(next, pools.length)];
        for (let run = 1 + randomInt(next, r < 0.8 ? 3 : 30); run > 0; run--) s += pick(pool);
      }
    }
    out.push(s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '')); // whole code points only
  }
  return out;
}

const FULL = process.env.LATTICE_FULL === '1';

describe('lattice analyser', () => {
  it('gives kuromoji’s tokens, every field, on the whole seed, the fixtures and the METI comments and answers', () => {
    const seed = seedTexts();
    const fixtures = fixtureLines();
    const meti = readFileSync(join(ROOT, 'data/real/meti_ene7th_energy_basic_plan_pc_results_2025.csv'), 'utf8').split('\n').filter(Boolean);
    expect(seed.length).toBeGreaterThan(400);
    expect(fixtures.length).toBeGreaterThan(200);
    expect(meti.length).toBeGreaterThan(1000);
    // Stock kuromoji is the slow side of the comparison: every 8th METI line keeps the suite within its time budget;
    // LATTICE_FULL=1 compares all of them (340,780 tokens, identical when last run).
    const metiLines = FULL ? meti : meti.filter((_, i) => i % 8 === 0);
    const tokens = compareAll([...seed, ...fixtures, ...metiLines]);
    expect(tokens).toBeGreaterThan(FULL ? 300_000 : 60_000);
  });

  it('gives kuromoji’s tokens on 600 synthetic strings (3,000 with LATTICE_FULL=1) mixing scripts, symbols, emoji and real text', () => {
    const texts = syntheticTexts(FULL ? 3000 : 600, 14, seedTexts());
    expect(compareAll(texts)).toBeGreaterThan(FULL ? 50_000 : 9_000);
  });

  it('reproduces kuromoji’s quirks: surrogate runs, drifting positions, long runs, ties', () => {
    const texts = [
      // A run of astral characters is one unknown word whose lattice length counts UTF-16 units while positions
      // count code points, so kuromoji loses the characters after it (here 食べ and ね).
      '𠮷野家で𠮷𠮷食べた😀😀😀😀ね',
      '😀😀あ',
      // Here the only nodes at the furthest end are unreachable: kuromoji follows a stale predecessor (the
      // lattice hands such a sentence to kuromoji itself).
      '😀😀😀あ😀😀',
      // word_position adds the previous token's position, so it drifts from the second sentence on.
      '東京都に住む。明日は、晴れ。そして、雨。',
      // Long pieces (kuromoji's own cost grows with the square of a run's length, hence the modest sizes).
      'ア'.repeat(1200),
      '1'.repeat(600) + 'ab'.repeat(300),
      seedTexts().join('').replace(/[、。]/g, '').slice(0, 4000),
      'ー', '。', '、、。。', ' ', '\n\n', 'ｶﾞｷﾞｸﾞ', '𠮷', '😀',
    ];
    const before = lattice.fallbacks;
    compareAll(texts);
    expect(lattice.fallbacks).toBeGreaterThan(before);
    const lost = lattice.tokenize('𠮷野家で𠮷𠮷食べた😀😀😀😀ね').map((t) => t.surface_form).join('');
    expect(lost).toBe('𠮷野家で𠮷𠮷た😀😀😀😀');
  });
});

describe('unk_invoke.dat', () => {
  it("is read without the megabyte of zeros after the dictionary's 11 character classes", async () => {
    const { gunzipSync } = await import('node:zlib');
    const { namedClasses } = await import('../pipeline/tokenize/kuromoji.ts');
    const padded = gunzipSync(readFileSync(join(ROOT, 'node_modules/kuromoji/dict/unk_invoke.dat.gz')));
    const whole = padded.buffer.slice(padded.byteOffset, padded.byteOffset + padded.length);
    const named = namedClasses(whole);
    expect(padded.length).toBe(1 << 20);
    expect(named.byteLength).toBe(153);
    // The 11 classes end at the first entry without a name; a file that ends there is kept whole.
    expect(new TextDecoder().decode(new Uint8Array(named)).match(/[A-Z]+/g)).toEqual(['DEFAULT', 'SPACE', 'KANJI', 'SYMBOL', 'NUMERIC', 'ALPHA', 'HIRAGANA', 'KATAKANA', 'KANJINUMERIC', 'GREEK', 'CYRILLIC']);
    expect(namedClasses(named).byteLength).toBe(153);
  });
});
