// What the parse stage could not do reaches the user: `run` prints every parse note, report.html lists them under
// 解析上の注意 at the top, manifest.json stores them; --strict turns them into exit code 3 with nothing written.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { pubcom } from './helpers/cli.ts';

const TMP = resolve('test/.tmp/run-parse-notes');

const ROWS = [
  ['1', '通学路の安全対策について、危険箇所の点検結果を地域住民にも公表してほしい。', '点検結果は市のホームページで公表しています。'],
  ['2', '子育て支援センターの開所時間を平日の夜間まで延長してほしい。', '利用者の意向調査を踏まえ、今後の参考とさせていただきます。'],
  ['参考', '図書館の開館日を増やし、学習スペースを拡充してほしい。', '施設の改修計画の中で検討してまいります。'],
  ['3', '防災訓練の案内を多言語で用意すべきである。', 'ご指摘のとおり、多言語での案内を作成します。'],
];
const csv = (rows: string[][]) => ['番号,意見の概要,市の考え方', ...rows.map((r) => r.map((c) => `"${c}"`).join(','))].join('\n') + '\n';
const NOTE = 'row 4: number cell "参考" is not a number; item kept without a number';

beforeAll(async () => {
  rmSync(TMP, { recursive: true, force: true });
  mkdirSync(TMP, { recursive: true });
  writeFileSync(join(TMP, 'noted.csv'), csv(ROWS));
  writeFileSync(join(TMP, 'clean.csv'), csv(ROWS.filter((r) => r[0] !== '参考')));
});

describe('parse notes through run', () => {
  it('printed in the summary, listed in report.html 解析上の注意, stored in manifest.json', async () => {
    const out = join(TMP, 'run');
    const r = await pubcom('run', join(TMP, 'noted.csv'), '--out', out, '--classifiers', 'rules');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('parse notes (1; also in report.html 解析上の注意 and manifest.json):');
    expect(r.stderr).toContain(`    - ${NOTE}`);
    expect(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')).parse_notes).toEqual([NOTE]);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    const notes = html.indexOf('<section id="parse-notes"><h2>解析上の注意</h2>');
    expect(notes).toBeGreaterThan(0);
    expect(notes).toBeLessThan(html.indexOf('<section id="summary">'));
    expect(html.slice(notes, html.indexOf('</section>', notes))).toContain(`<li>${NOTE.replace(/"/g, '&quot;')}</li>`);
  });

  it('--strict: exit 3, the notes on stderr, nothing written', async () => {
    const out = join(TMP, 'strict');
    const r = await pubcom('run', join(TMP, 'noted.csv'), '--out', out, '--classifiers', 'rules', '--strict');
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('--strict: the parse has 1 note(s) or warning(s); nothing written');
    expect(r.stderr).toContain(NOTE);
    expect(existsSync(out)).toBe(false);
    const p = await pubcom('parse', join(TMP, 'noted.csv'), '--out', join(TMP, 'strict-items.jsonl'), '--strict');
    expect(p.code).toBe(3);
    expect(existsSync(join(TMP, 'strict-items.jsonl'))).toBe(false);
  });

  it('--strict on a clean input runs as usual, and the report says there is nothing to note', async () => {
    const out = join(TMP, 'clean');
    const r = await pubcom('run', join(TMP, 'clean.csv'), '--out', out, '--classifiers', 'rules', '--strict');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toContain('parse notes');
    expect(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')).parse_notes).toEqual([]);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('入力の解析で注意すべき点はありませんでした。');
  });
});
