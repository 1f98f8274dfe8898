import { describe, expect, it } from 'vitest';
import { cleanText, commentHead } from '../pipeline/core/text.ts';
import { numberKey } from '../pipeline/core/item-number.ts';

describe('core text normalisation', () => {
  it('strips HTML, applies NFKC and collapses whitespace', () => {
    expect(cleanText('<p>ＡＢＣ　１２３</p>\n <ul><li>・項目</li></ul>')).toBe('ABC 123 ・項目');
  });
  it('takes the first 30 characters as the alignment head', () => {
    expect(commentHead('<p>' + 'あ'.repeat(40) + '</p>')).toHaveLength(30);
  });
});

describe('content in parts (items.jsonl of rounds too large for one string)', () => {
  it('jsonlParts gives toJsonl’s bytes in whole-line parts of bounded size, and writeAtomic and the hash see the same bytes', async () => {
    const { jsonlParts, toJsonl, writeAtomic, contentSha256 } = await import('../pipeline/core/io.ts');
    const { sha256 } = await import('../pipeline/core/hash.ts');
    const { mkdtempSync, readFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const records = Array.from({ length: 50 }, (_, i) => ({ id: `r${i}`, comment: '意見'.repeat(i), n: i }));
    const parts = jsonlParts(records, 200);
    expect(parts.length).toBeGreaterThan(5);
    expect(parts.join('')).toBe(toJsonl(records));
    for (const p of parts) expect(p.endsWith('\n') && !p.startsWith('\n')).toBe(true);
    expect(jsonlParts([])).toEqual([]);
    const file = join(mkdtempSync(join(tmpdir(), 'pubcom-io-')), 'items.jsonl');
    writeAtomic(file, parts);
    expect(readFileSync(file, 'utf8')).toBe(toJsonl(records));
    expect(contentSha256(parts)).toBe(sha256(toJsonl(records)));
  });


  it('jsonlBytes and csvBytes give exactly the bytes of toJsonl and toCsv, recurring texts and chunk edges included', async () => {
    const { jsonlBytes } = await import('../pipeline/core/bytes.ts');
    const { toJsonl, hashedParts, joinContent } = await import('../pipeline/core/io.ts');
    const { csvBytes, toCsv } = await import('../pipeline/core/tables/csv.ts');
    const { sha256 } = await import('../pipeline/core/hash.ts');
    const { createHash } = await import('node:crypto');
    // A mass round in small: campaign texts (long, with quotes, commas, line breaks, a formula-like start and a
    // surrogate pair) recurring many times among distinct ones, fields that JSON.stringify skips or orders.
    const campaign = ['「再生可能エネルギー」を、"最優先"で導入すべき。\n理由は三つある。'.repeat(3), '=SUM(A1) 𠮷野家の件、'.repeat(5)];
    const themeLists = [[], [{ theme: 'energy', hits: ['再エネ', '"引用"'] }], [{ theme: 'a' }, { theme: 'b', score: 0.5 }]];
    const records = Array.from({ length: 120 }, (_, i) => ({
      id: `r${i}`,
      comment: i % 3 ? campaign[i % 2] : `独自の意見 ${i} `.repeat(10),
      skipped: undefined,
      fn: () => 1,
      response: campaign[(i + 1) % 2],
      // As parsed items: the raw text is most often the analysis text itself (copied from a few bytes back), some
      // times not; a short one is below the length that long texts are handled at.
      comment_raw: i % 7 === 0 ? `原文 ${i} `.repeat(12) : i % 11 === 0 ? 'short' : i % 3 ? campaign[i % 2] : `独自の意見 ${i} `.repeat(10),
      response_raw: campaign[(i + 1) % 2],
      labels: [{ label: 'accepted', evidence: [{ text: 'テスト', start: 0, end: 3 }] }],
      map: i % 5 ? { x: i / 7, y: -i } : null,
      // One object shared by many records (a campaign's themes), serialised once and copied after.
      themes: themeLists[i % 3],
    }));
    const expected = toJsonl(records);
    for (const chunk of [64, 1000, 1 << 24]) {
      const parts = [...jsonlBytes(records, chunk)];
      expect(Buffer.concat(parts).toString('utf8')).toBe(expected);
    }
    expect([...jsonlBytes([])]).toEqual([]);
    const table = {
      columns: [
        { key: 'id', title: 'ID', kind: 'text' as const },
        { key: 'text', title: '本文', kind: 'text' as const },
        { key: 'p', title: '%', kind: 'pct' as const },
      ],
      rows: records.map((r, i) => [r.id, r.comment, i % 4 ? i / 3 : null]),
    };
    for (const chunk of [64, 1 << 24]) expect(Buffer.concat([...csvBytes(table, chunk)]).toString('utf8')).toBe(toCsv(table));
    // Content in parts given as bytes is hashed from those bytes and joined back into the same text.
    const hash = createHash('sha256');
    expect(Buffer.concat([...hashedParts(jsonlBytes(records, 100), hash)]).toString('utf8')).toBe(expected);
    expect(hash.digest('hex')).toBe(sha256(expected));
    expect(joinContent(jsonlBytes(records, 100))).toBe(expected);
    // Recycled buffers (how the report writes items.jsonl): each part is consumed before the next is made.
    for (const chunk of [64, 300, 1 << 24]) {
      const recycled = createHash('sha256');
      for (const part of jsonlBytes(records, chunk, true)) recycled.update(part);
      expect(recycled.digest('hex')).toBe(sha256(expected));
    }
  });
});

describe('printed item numbers (one definition for parse, classify and eval)', () => {
  it('gives one key to every way of printing the same number', () => {
    for (const printed of ['3', '３', '003', 'No.3', 'NO. 3', 'no3', '№3', '番号3', '(3)', '（３）', '3.']) expect(numberKey(printed)).toBe('3');
    expect(numberKey('0')).toBe('0');
    expect(numberKey('000')).toBe('0');
  });

  it('keeps other numbers as written, and no number as null', () => {
    expect(numberKey('3-1')).toBe('3-1');
    expect(numberKey('A2')).toBe('A2');
    expect(numberKey('No.')).toBe('No.');
    expect(numberKey('')).toBeNull();
    expect(numberKey(null)).toBeNull();
  });

  it('lets an answer point to an item printed with leading zeros', async () => {
    const { classifyWithRules } = await import('../pipeline/classify/rules.ts');
    const { records } = classifyWithRules([
      { id: 'doc#1', number: '001', comment: '記載を修正すべき。', response: 'ご意見を踏まえ、修正いたします。' },
      { id: 'doc#2', number: '002', comment: '同じく修正すべき。', response: 'No.1の回答をご参照ください。' },
    ]);
    expect(records[1].label).toBe('accepted');
    expect(records[1].evidence[0].rule).toMatch(/>doc#1$/);
  });
});
