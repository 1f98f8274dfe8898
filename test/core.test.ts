import { describe, expect, it } from 'vitest';
import { cleanText, commentHead } from '../pipeline/core/text.ts';

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

});
