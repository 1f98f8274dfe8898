// The direct CSV reader (pipeline/parse/csv.ts fastRecords) must give csv-parse's records on every file it accepts,
// and hand anything irregular back to csv-parse (null) rather than guess.
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { fastRecords } from '../pipeline/parse/csv.ts';

const csvParse = (text: string, delimiter = ',') =>
  parse(text, { delimiter, relax_column_count: true, relax_quotes: true, skip_empty_lines: false }) as string[][];

describe('fastRecords', () => {
  it.each([
    ['LF, final line end', 'a,b\nc,d\n'],
    ['CRLF, no final line end', 'a,b\r\nc,d'],
    ['doubled quotes, an empty line', 'a,"b ""x"" y",c\n\n1,2\n'],
    ['a quote inside an unquoted cell (relax_quotes)', 'a,b"c,d\n'],
    ['a trailing delimiter', 'a,b,\n'],
    ['empty cells only', ',\n,'],
    ['a line end inside quotes', 'x,"a\r\nb"\r\ny,z\r\n'],
    ['CR line ends', 'a,b\rc,d\r'],
    ['a quoted cell ending in a doubled quote', '"a""",b'],
    ['rows of different lengths', '番号,意見,回答\n1,意見です\n2,"意見,その2",回答,余り\n'],
  ])('%s', (_, text) => {
    expect(fastRecords(text, ',')).toEqual(csvParse(text));
  });

  it('tab-separated text (Excel\'s "Unicode text")', () => {
    const text = '番号\t意見\t回答\r\n1\t"改行を\r\n含む"\t回答\r\n';
    expect(fastRecords(text, '\t')).toEqual(csvParse(text, '\t'));
  });

  it('leaves irregular files to csv-parse: text after a closing quote, an unclosed quote, mixed line ends', () => {
    expect(fastRecords('"a"b,c\n', ',')).toBeNull();
    expect(fastRecords('a,"b\nc,d\n', ',')).toBeNull();
    expect(fastRecords('a,b\r\nc,d\ne,f\r\n', ',')).toBeNull();
  });

  it('reads the theme fixtures exactly as csv-parse does', () => {
    for (const f of ['city-transport-plan-34.csv', 'school-reorganisation-plan-34.csv', 'duplicates.csv']) {
      const text = readFileSync(`data/fixtures/themes/${f}`, 'utf8').replace(/^\ufeff/, '');
      expect(fastRecords(text, ',')).toEqual(csvParse(text));
    }
  });
});
