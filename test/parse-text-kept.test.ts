// Text is kept as written (issue 12, item 6): ASCII < and > in prose are not markup; tags are stripped only
// from demonstrably HTML cells, and flagged; an unbalanced quote in a CSV is reported, not silently merged.
import { describe, expect, it } from 'vitest';
import { parseBytes } from '../pipeline/parse/index.ts';

const csv = (lines: string[]) => Buffer.from(['番号,意見の概要,意見に対する考え方', ...lines].join('\n') + '\n');

describe('text kept as written', () => {
  it('keeps a<b and c>d in a CSV comment; strips and flags a <p> cell', async () => {
    const { items } = await parseBytes(
      csv([
        '1,排水基準値を a<b かつ c>d となるよう見直すべき。,基準値は国の基準 (x<y) と同じです。',
        '2,<p>農業用水の水質監視を強化すべき。</p><p>測定地点を増やしてほしい。</p>,測定地点は<br>毎年見直しています。',
      ]),
      'water.csv',
    );
    expect(items[0].comment).toBe('排水基準値を a<b かつ c>d となるよう見直すべき。');
    expect(items[0].response).toBe('基準値は国の基準 (x<y) と同じです。');
    expect(items[0].flags).not.toContain('html_stripped');
    expect(items[1].comment).toBe('農業用水の水質監視を強化すべき。 測定地点を増やしてほしい。');
    expect(items[1].response).toBe('測定地点は 毎年見直しています。');
    expect(items[1].flags).toContain('html_stripped');
  });

  it('reports an unbalanced quote that swallows the following rows, and the numbering it breaks', async () => {
    const { items, report } = await parseBytes(
      csv([
        '1,騒音対策を強化すべき。,環境基準の達成に努めます。',
        '2,"工場の操業時間を夜間まで制限すべき。,今後の参考とします。',
        '3,緑地を増やしてほしい。,計画的に整備します。',
        '4,説明会を開催してほしい。",開催を検討します。',
        '5,河川の清掃活動を支援してほしい。,活動団体への支援を継続します。',
      ]),
      'noise.csv',
    );
    expect(items.map((it) => it.number)).toEqual(['1', '2', '5']);
    const warned = report.warnings.join('\n');
    expect(warned).toMatch(/row 3: a quoted cell holds 2 line\(s\) that look like rows of their own/);
    expect(warned).toContain('numbering jumps from No.2 to No.5: 2 number(s) missing');
  });

  it('an unclosed quote running to the end of the file stops with a message naming the line (exit 2)', async () => {
    const bytes = csv(['1,騒音対策を強化すべき。,環境基準の達成に努めます。', '2,"工場の操業時間を制限すべき。,今後の参考とします。', '3,緑地を増やしてほしい。,計画的に整備します。']);
    await expect(parseBytes(bytes, 'noise.csv')).rejects.toThrow(/noise\.csv:line 4: malformed CSV: Quote Not Closed/);
  });
});
