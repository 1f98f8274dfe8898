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
