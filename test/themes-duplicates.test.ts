import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseDocument } from '../pipeline/parse/index.ts';
import { duplicateKey, findDuplicateComments, findResponseTemplates, groupTexts } from '../pipeline/themes/duplicates.ts';

const FIXTURE = fileURLToPath(new URL('../data/fixtures/themes/duplicates.csv', import.meta.url));
const SEED = fileURLToPath(new URL('../seeds/000_555981824ba784d2.txt', import.meta.url));

describe('duplicate comments', () => {
  it('keys copies that differ only in spacing, width and punctuation alike', () => {
    expect(duplicateKey('ＰＱＣへの 移行を、急ぐべき。')).toBe(duplicateKey('PQCへの移行を急ぐべき'));
    expect(duplicateKey('中小企業を支援すべき')).not.toBe(duplicateKey('中小企業を支援すべきでない'));
  });

  it('groups exact and near-duplicate comments of the fixture and leaves distinct ones alone', async () => {
    const { items } = await parseDocument(FIXTURE);
    const groups = findDuplicateComments(items);
    expect(groups).toHaveLength(1);
    const [g] = groups;
    // Rows 1–3 are the same text (row 3 with an extra space), row 4 adds a clause, row 5 rephrases a verb.
    expect(g.items).toEqual(['duplicates#1', 'duplicates#2', 'duplicates#3', 'duplicates#4', 'duplicates#5']);
    expect(g.count).toBe(5);
    expect(g.distinct).toBe(3);
    expect(g.min_jaccard).toBeGreaterThanOrEqual(0.7);
    expect(g.min_jaccard).toBeLessThan(1);
    expect(g.text).toBe(items[0].comment);
    expect(g.id).toBe('d001');
  });

  it('does not group a near variant below the threshold', async () => {
    const { items } = await parseDocument(FIXTURE);
    const strict = findDuplicateComments(items, { jaccard: 0.95 });
    expect(strict).toHaveLength(1);
    expect(strict[0].items).toEqual(['duplicates#1', 'duplicates#2', 'duplicates#3']);
  });

  it('collapses a mass submission: thousands of copies and variants in one group each, unrelated texts untouched', () => {
    const campaign = '能動的サイバー防御の導入に反対します。通信の秘密が侵害され、国民の監視につながるおそれがあるため、本案は撤回すべきです。';
    const other = '中小企業のサイバーセキュリティ対策への補助金と税制優遇を拡充してください。専門人材のいない地域の事業者にも支援が必要です。';
    const texts: string[] = [];
    for (let i = 0; i < 3000; i++) texts.push(i % 3 === 0 ? `${campaign}よろしくお願いします。` : campaign);
    for (let i = 0; i < 500; i++) texts.push(other);
    for (let i = 0; i < 200; i++) texts.push(`第${i}号の意見です。${'耐量子計算機暗号への移行計画'.slice(0, (i % 12) + 2)}について、回答番号${i * 7919}を参照。`);
    texts.push('', '   ');
    const ids = texts.map((_, i) => `x${i}`);
    const groups = groupTexts(ids, texts, 'd');
    expect(groups.map((g) => g.count).slice(0, 2)).toEqual([3000, 500]);
    expect(groups[0].distinct).toBe(2);
    expect(groups[0].text).toBe(campaign);
    // Empty texts are never a duplicate of each other.
    expect(groups.flatMap((g) => g.items)).not.toContain(`x${texts.length - 1}`);
  });
  it('a text that bridges two groups joins both, as comparing every pair would', () => {
    // G and H share a long middle (3-gram Jaccard 0.66, under the 0.7 threshold); the bridge is closer to each
    // (0.89 to G, 0.75 to H). One band of one MinHash value puts every text in one bucket (their smallest shingle
    // hash lies in the shared middle), in arrival order: G texts, H texts, the bridge. The bridge joins G on the
    // first comparison; the run of G texts after it is then jumped over, and the H texts after the run must still
    // be compared: single linkage puts all three in one group.
    const p = '能動的サイバー防御の';
    const q = '導入にあたっては通信の秘密との関係を丁寧に説明し国民の理解を得るとともに監視の対象と期間を法律で限定すべきである';
    const r = '独立機関による事後検証';
    const texts: string[] = [];
    for (let i = 0; i < 10; i++) texts.push(`${p}${q}${r.slice(0, 4)}${i}`);
    for (let i = 0; i < 10; i++) texts.push(`耐量子計算機暗号への移行の${q}${r}${i}`);
    texts.push(`${p}${q}${r}`);
    const ids = texts.map((_, i) => `x${i}`);
    const gramsOf = (t: string) => {
      const k = duplicateKey(t);
      return new Set(Array.from({ length: k.length - 2 }, (_, i) => k.slice(i, i + 3)));
    };
    const sets = texts.map(gramsOf);
    const parent = texts.map((_, i) => i);
    const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i])));
    for (let i = 0; i < texts.length; i++) {
      for (let j = 0; j < i; j++) {
        const inter = [...sets[i]].filter((g) => sets[j].has(g)).length;
        if (inter / (sets[i].size + sets[j].size - inter) >= 0.7) parent[find(i)] = find(j);
      }
    }
    // The reference: one group of every text, only through the bridge.
    expect(new Set(texts.map((_, i) => find(i))).size).toBe(1);
    const oneBucket = { bands: 1, rows: 1 };
    expect(groupTexts(ids, texts, 'd', oneBucket).map((g) => g.items)).toEqual([ids]);
    expect(groupTexts(ids.slice(0, -1), texts.slice(0, -1), 'd', oneBucket).map((g) => g.items.length)).toEqual([10, 10]);
    expect(groupTexts(ids, texts, 'd').map((g) => g.items)).toEqual([ids]);
  });
});

describe('response templates', () => {
  it('finds the fixture’s boilerplate answer and its near-identical legal answer', async () => {
    const { items } = await parseDocument(FIXTURE);
    const templates = findResponseTemplates(items);
    expect(templates.map((t) => t.items)).toEqual([
      ['duplicates#1', 'duplicates#2', 'duplicates#3'],
      ['duplicates#4', 'duplicates#5'],
    ]);
    expect(templates[1].distinct).toBe(2);
  });

  it('finds the seed’s shared answer to the comments on active cyber defence (items 15–17)', async () => {
    const { items } = await parseDocument(SEED);
    const templates = findResponseTemplates(items);
    const numberOf = (id: string) => items.find((i) => i.id === id)!.number;
    const acd = templates.find((t) => t.text.startsWith('アクセス・無害化措置'));
    expect(acd).toBeDefined();
    expect(acd!.items.map(numberOf)).toEqual(['15', '16', '17']);
    // Boilerplate acknowledgements are templates too, and a different acknowledgement is a different template.
    const noted = templates.find((t) => t.text === 'ご意見として承ります。')!;
    const supported = templates.find((t) => t.text === '賛同意見として承りました。')!;
    expect(noted.count).toBeGreaterThanOrEqual(5);
    expect(noted.items).not.toEqual(expect.arrayContaining(supported.items));
    // Every template is reused: at least two items, and no item in two templates.
    const all = templates.flatMap((t) => t.items);
    expect(new Set(all).size).toBe(all.length);
    for (const t of templates) expect(t.count).toBeGreaterThanOrEqual(2);
  });
});
