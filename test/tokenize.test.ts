import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../pipeline/core/errors.ts';
import { Token } from '../pipeline/core/schema.ts';
import { buildItem } from '../pipeline/parse/item.ts';
import { loadTermList } from '../pipeline/tokenize/config.ts';
import { getTokenizer, loadUserTerms } from '../pipeline/tokenize/index.ts';
import { buildKuromoji } from '../pipeline/tokenize/kuromoji.ts';
import type { Tokenizer } from '../pipeline/tokenize/types.ts';
import { seedCells, seedTexts } from './helpers/seed-cells.ts';
import { pubcom } from './helpers/cli.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TERMS_FILE = join(ROOT, 'models/terms/cybersecurity.json');

/** The terms issue 3 names; each must come out of the seed whole. */
const ISSUE_TERMS = [
  '能動的サイバー防御',
  'アクセス・無害化措置',
  '耐量子計算機暗号',
  '中小企業',
  'サプライチェーン',
  'ゼロトラスト',
  '情報処理安全確保支援士',
  '国家サイバー統括室',
  '重要インフラ',
  '地方公共団体',
  'ガバメントクラウド',
  '通信情報',
  '政府統一基準',
  'サイバー対処能力強化法',
];

type Plain = { surface: string; pos: string; pos_detail: string; start: number; end: number };

let tokenizer: Tokenizer;
let plainTokens: (text: string) => Plain[];
const texts = seedTexts();

beforeAll(async () => {
  tokenizer = await getTokenizer();
  // Unpatched kuromoji, separate from the tokenizer's (sped-up) instance: the reference for "split as before".
  const plain = await buildKuromoji();
  plainTokens = (text) => {
    let at = 0;
    return plain.tokenize(text).map((t) => {
      const p = { surface: t.surface_form, pos: t.pos, pos_detail: t.pos_detail_1, start: at, end: at + t.surface_form.length };
      at = p.end;
      return p;
    });
  };
});

const key = (t: Plain) => `${t.start}:${t.end}:${t.surface}:${t.pos}:${t.pos_detail}`;

describe('domain terms', () => {
  it('lists every term the issue names, with a note per group', () => {
    const listed = loadTermList(TERMS_FILE);
    for (const term of ISSUE_TERMS) expect(listed).toContain(term);
  });

  it('keeps every occurrence of the seed’s domain terms whole, on real seed text', () => {
    const listed = loadTermList(TERMS_FILE);
    const found = new Map<string, number>();
    for (const text of texts) {
      const tokens = tokenizer.tokenize(text);
      for (const term of listed) {
        for (let at = text.indexOf(term); at >= 0; at = text.indexOf(term, at + term.length)) {
          // Covered by one term token: the term itself, or a longer listed term containing it (政府統一基準群).
          const cover = tokens.find((t) => t.start <= at && t.end >= at + term.length);
          // Inside a longer katakana or Latin word (サイバーセキュリティインシデント): another word, not this term.
          const script = (ch: string | undefined) => (ch && /[A-Za-z0-9]/.test(ch) ? 'latin' : ch && /[ァ-ヺー]/.test(ch) ? 'kana' : '');
          const glued =
            (script(term[0]) !== '' && script(term[0]) === script(text[at - 1])) ||
            (script(term.at(-1)) !== '' && script(term.at(-1)) === script(text[at + term.length]));
          if (glued) continue;
          // Overlapping terms: the leftmost wins (脅威情報共有 → 脅威情報 + 共有), as documented in the term list.
          const earlier = tokens.find((t) => t.merged === 'term' && t.start < at && t.end > at && t.end < at + term.length);
          if (earlier) continue;
          expect(cover?.merged, `${term} at ${at} in ${text.slice(Math.max(0, at - 10), at + term.length + 10)}`).toBe('term');
          if (cover!.surface === term) found.set(term, (found.get(term) ?? 0) + 1);
        }
      }
    }
    for (const term of ISSUE_TERMS) expect(found.get(term) ?? 0, term).toBeGreaterThan(0);
  });

  it('splits the same text into pieces without the term list', async () => {
    const bare = await getTokenizer({ domainTerms: false, compounds: false });
    const text = '能動的サイバー防御及びアクセス・無害化措置の導入に当たっては、耐量子計算機暗号への移行も必要。';
    const whole = tokenizer.tokenize(text).filter((t) => t.merged === 'term').map((t) => t.surface);
    expect(whole).toEqual(['能動的サイバー防御', 'アクセス・無害化措置', '耐量子計算機暗号']);
    expect(bare.tokenize(text).length).toBeGreaterThan(tokenizer.tokenize(text).length + 8);
  });

  it('applies a user term list (one per line, # comments) on top of the built-in one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pubcom-terms-'));
    const file = join(dir, 'terms.txt');
    writeFileSync(file, '# 追加語\n政府機関等\n\n脅威ハントティング\n');
    const terms = loadUserTerms(file);
    expect(terms).toEqual(['政府機関等', '脅威ハントティング']);
    const text = '政府機関等における脅威ハントティングの倫理的ガイドライン';
    const before = tokenizer.tokenize(text);
    expect(before.some((t) => t.surface === '政府機関等')).toBe(false);
    const withUser = await getTokenizer({ terms });
    const merged = withUser.tokenize(text).filter((t) => t.merged === 'term').map((t) => t.surface);
    expect(merged).toEqual(['政府機関等', '脅威ハントティング']);
  });

  it('matches Latin and katakana terms only at word edges', () => {
    const surfaces = tokenizer.tokenize('AI-SOARとSAIDの量子コンピューター').map((t) => t.surface);
    expect(surfaces).toContain('AI');
    expect(surfaces.some((s) => s.includes('SAI') && s !== 'SAID')).toBe(false);
    expect(surfaces).not.toContain('量子コンピュータ');
  });
});

describe('ordinary text', () => {
  it('without terms and compounds, gives exactly plain kuromoji’s tokens on the whole seed', async () => {
    const bare = await getTokenizer({ domainTerms: false, compounds: false });
    for (const text of texts) {
      const ours = bare.tokenize(text).map(({ surface, pos, pos_detail, start, end }) => ({ surface, pos, pos_detail, start, end }));
      expect(ours).toEqual(plainTokens(text));
    }
  });

  it('with terms and compounds, leaves every other token as plain kuromoji splits it', () => {
    let checked = 0;
    for (const text of texts) {
      const plain = plainTokens(text);
      const plainSet = new Set(plain.map(key));
      const ours = tokenizer.tokenize(text);
      // Plain tokens that a term edge cuts through are re-analysed; nothing else may change.
      const termEdges = ours.filter((t) => t.merged === 'term').flatMap((t) => [t.start, t.end]);
      const cut = plain.filter((p) => termEdges.some((e) => e > p.start && e < p.end));
      const inCut = (t: Plain) => cut.some((c) => t.start >= c.start && t.end <= c.end);
      for (const t of ours) {
        const pieces: Plain[] = t.merged ? t.parts! : [t];
        if (t.merged === 'compound') expect(pieces.map((p) => p.surface).join('')).toBe(t.surface);
        for (const p of pieces) {
          expect(plainSet.has(key(p)) || inCut(p), `${p.surface} in ${text.slice(0, 40)}`).toBe(true);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(10_000);
  });

  it('joins runs of nouns into compounds but never across a particle, a number or 等', () => {
    const tokens = tokenizer.tokenize('民間企業等の人材育成を政府機関が進める。');
    const compounds = tokens.filter((t) => t.merged === 'compound').map((t) => t.surface);
    expect(compounds).toEqual(['民間企業', '人材育成', '政府機関']);
    const jinzai = tokens.find((t) => t.surface === '人材育成')!;
    expect(jinzai.parts!.map((p) => p.surface)).toEqual(['人材', '育成']);
    expect(tokens.map((t) => t.surface)).toContain('等');
  });
});

describe('offsets', () => {
  it('slice the normalised text exactly, for tokens and their parts, covering it without gaps', () => {
    for (const text of texts) {
      const tokens = tokenizer.tokenize(text);
      expect(tokens.map((t) => t.surface).join('')).toBe(text);
      let at = 0;
      for (const t of tokens) {
        expect(Token.safeParse(t).success).toBe(true);
        expect(t.start).toBe(at);
        expect(text.slice(t.start, t.end)).toBe(t.surface);
        for (const p of t.parts ?? []) expect(text.slice(p.start, p.end)).toBe(p.surface);
        at = t.end;
      }
    }
  });

  it('survive characters outside the BMP and lone surrogates', () => {
    const text = '𠮷野家で😀\uD800サプライチェーン';
    const tokens = tokenizer.tokenize(text);
    expect(tokens.map((t) => t.surface).join('')).toBe(text);
    expect(tokens.at(-1)).toMatchObject({ surface: 'サプライチェーン', merged: 'term', start: text.length - 8 });
  });

  it('survive runs of emoji, which kuromoji itself drops characters after, keeping each character whole', () => {
    for (const text of ['絵文字😀😀あります', '😀😀😀あ😀😀', '𠮷𠮷野家の牛丼👍👍👍、とても良い。', '対策を強化すべき🙏🙏']) {
      const tokens = tokenizer.tokenize(text);
      expect(tokens.map((t) => t.surface).join('')).toBe(text);
      for (const t of tokens) expect(t.surface).not.toMatch(/^[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/);
    }
    expect(tokenizer.contentWords('対策を強化すべき🙏🙏')).toContain('強化');
  });
});

describe('content words', () => {
  it('keeps terms, compounds and content words as base forms, drops particles and stop words', () => {
    const words = tokenizer.contentWords('中小企業等を含むサプライチェーン全体のセキュリティ対策を強化すべきと考えます。');
    expect(words).toContain('中小企業');
    expect(words).toContain('サプライチェーン');
    expect(words).toContain('セキュリティ対策');
    expect(words).toContain('強化');
    for (const w of ['を', 'の', 'と', '等', 'べし', '考える', 'ます', '全体']) expect(words).not.toContain(w);
  });

  it('normalises its input (full-width and spacing) before analysis', () => {
    expect(tokenizer.contentWords('ＡＩ　と　ゼロトラスト')).toEqual(['AI', 'ゼロトラスト']);
  });

  it('yields content words for every seed comment', () => {
    const comments = seedCells()
      .map((c) => c.comment)
      .filter((c) => (c.match(/\p{L}/gu) ?? []).length >= 5); // not the ---- separator rows or a bare その他 heading
    expect(comments.length).toBeGreaterThan(120);
    for (const comment of comments) expect(tokenizer.contentWords(comment).length, comment).toBeGreaterThan(0);
  });
});

describe('configuration files', () => {
  it('rejects a term list whose group has no note, naming the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pubcom-terms-'));
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ domain: 'x', description: 'x', groups: [{ note: '', terms: ['a'] }] }));
    expect(() => loadTermList(file)).toThrow(InputError);
    expect(() => loadTermList(file)).toThrow(/bad\.json/);
  });
});

describe('pubcom tokenize', () => {
  it('writes tokens.jsonl for a text file with a user term list', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pubcom-tok-'));
    writeFileSync(join(dir, 'in.txt'), '政府機関等の能動的サイバー防御\n\n中小企業の人材育成\n');
    writeFileSync(join(dir, 'terms.txt'), '政府機関等\n');
    expect((await pubcom('tokenize', join(dir, 'in.txt'), '--terms', join(dir, 'terms.txt'), '--out', join(dir, 'out.jsonl'), '--quiet')).code).toBe(0);
    const lines = readFileSync(join(dir, 'out.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.id)).toEqual(['line 1', 'line 3']);
    expect(lines[0].content_words).toEqual(['政府機関等', '能動的サイバー防御']);
    expect(lines[1].tokens.every((t: unknown) => Token.safeParse(t).success)).toBe(true);
  });

  it('tokenizes the chosen field of items.jsonl, one record per item in item order', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pubcom-tok-'));
    const cells = seedCells().slice(0, 3);
    const items = cells.map((c, i) =>
      buildItem({ slug: 'seed', number: String(i + 1), fallbackKey: `r${i}`, section: null, commentRaw: c.comment, responseRaw: c.response, source: { file: 'seed' } }),
    );
    writeFileSync(join(dir, 'items.jsonl'), items.map((i) => JSON.stringify(i)).join('\n') + '\n');
    expect((await pubcom('tokenize', join(dir, 'items.jsonl'), '--field', 'response', '--out', join(dir, 'tokens.jsonl'), '--quiet')).code).toBe(0);
    const lines = readFileSync(join(dir, 'tokens.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.id)).toEqual(items.map((i) => i.id));
    lines.forEach((l, i) => {
      expect(l.field).toBe('response');
      expect(l.text).toBe(items[i].response);
      expect(l.tokens.map((t: Token) => t.surface).join('')).toBe(items[i].response);
    });
  });

  it('exits 2 with the file name when the input is missing, writing nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pubcom-tok-'));
    const r = await pubcom('tokenize', join(dir, 'nope.jsonl'), '--out', join(dir, 'out.jsonl'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('nope.jsonl');
    expect(() => readFileSync(join(dir, 'out.jsonl'))).toThrow();
  });
});
