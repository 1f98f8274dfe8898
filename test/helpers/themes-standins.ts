// Stand-ins used by the themes tests only while the real parse/tokenize/embed stages are being built elsewhere.
// Each mimics its stage's interface closely enough to exercise the themes stage on the seed; none ships.
import { readFileSync } from 'node:fs';
import kuromoji from 'kuromoji';
import type { Item, Token } from '../../pipeline/core/schema.ts';
import { buildItem } from '../../pipeline/parse/item.ts';
import type { Tokenizer } from '../../pipeline/tokenize/types.ts';
import type { Embedder } from '../../pipeline/embed/types.ts';
import { normalize } from '../../pipeline/core/text.ts';

const HEADING = /^(.*?に係る意見|その他)(?:\s+|$)(.*)$/;

/** Seed-only parse: numbered rows, continuation rows, glued headings, the number-on-second-row case. */
export function parseSeedStandIn(path: string): Item[] {
  const lines = readFileSync(path, 'utf8').split('\n');
  const items: { number: string | null; section: string | null; comment: string[]; response: string[]; line: number }[] = [];
  let section: string | null = null;
  let started = false;
  let pending: string[] | null = null;
  let prevBlank = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/\r$/, '');
    if (!line.trim()) {
      prevBlank = true;
      continue;
    }
    if (/^意見の概要/.test(line)) {
      started = true;
      prevBlank = false;
      continue;
    }
    if (!started || /^-+\t/.test(line)) continue;
    let rest = line;
    const h = line.trim().match(HEADING);
    if (h && !/^\d/.test(line)) {
      section = h[1];
      rest = h[2].trim();
      if (!rest) continue;
      const m = rest.match(/^(\d+)\s+(.*)$/);
      if (!m) {
        items.push({ number: null, section, comment: [rest.split('\t')[0]], response: [rest.split('\t')[1] ?? ''], line: i + 1 });
        continue;
      }
      rest = `${m[1]}\t${m[2]}`;
    }
    const num = rest.match(/^(\d+)[\t ](.*)$/);
    if (num) {
      const cells = num[2].split('\t').filter((c, k, all) => c !== '' || k === all.length - 1);
      const last = items[items.length - 1];
      if (last && last.number === num[1]) {
        last.comment.push(cells[0] ?? '');
        last.response.push(cells.slice(1).join(' '));
      } else {
        items.push({ number: num[1], section, comment: [...(pending ?? []), cells[0] ?? ''], response: [cells.slice(1).join(' ')], line: i + 1 });
      }
      pending = null;
    } else if (rest.startsWith(' ')) {
      const cells = rest.trim().split('\t');
      items.push({ number: null, section, comment: [cells[0]], response: [cells[1] ?? ''], line: i + 1 });
    } else {
      const cells = rest.split('\t').filter((c) => c !== '');
      if (prevBlank) pending = [cells[0] ?? ''];
      else {
        const last = items[items.length - 1];
        last.comment.push(cells[0] ?? '');
        if (cells[1]) last.response.push(cells[1]);
      }
    }
    prevBlank = false;
  }
  let prev = 0;
  return items.map((it) => {
    const n = it.number ? Number(it.number) : prev + 1;
    prev = n;
    return buildItem({
      slug: 'seed',
      number: it.number,
      inferredNumber: it.number ? null : String(n),
      fallbackKey: `l${it.line}`,
      section: it.section,
      commentRaw: it.comment.join('\n'),
      responseRaw: it.response.filter(Boolean).join('\n'),
      source: { file: path, lines: [it.line] },
    });
  });
}

const TERMS = ['能動的サイバー防御', 'アクセス・無害化措置', '耐量子計算機暗号', '中小企業', 'サプライチェーン', 'ゼロトラスト', '情報処理安全確保支援士', '国家サイバー統括室', '通信情報'];
const STOP = new Set(['こと', 'もの', 'ため', 'よう', 'これ', 'それ', 'など', '等', 'の', 'ん', 'さ', '的', '化', '性']);

/** kuromoji + term merge + noun-run compounds, as C1's tokenizer is specified. */
export async function standInTokenizer(): Promise<Tokenizer> {
  const tk = await new Promise<kuromoji.Tokenizer<kuromoji.IpadicFeatures>>((res, rej) =>
    kuromoji.builder({ dicPath: 'node_modules/kuromoji/dict' }).build((e, t) => (e ? rej(e) : res(t))),
  );
  const tokenize = (text: string): Token[] => {
    const raw = tk.tokenize(text);
    const toks: Token[] = [];
    for (const r of raw) {
      const start = (r.word_position ?? 1) - 1;
      toks.push({ surface: r.surface_form, base: r.basic_form === '*' ? r.surface_form : r.basic_form, pos: r.pos, pos_detail: r.pos_detail_1, start, end: start + r.surface_form.length });
    }
    // terms first
    const out: Token[] = [];
    for (let i = 0; i < toks.length; ) {
      let merged: Token | null = null;
      for (const term of TERMS) {
        if (text.startsWith(term, toks[i].start)) {
          let j = i;
          while (j < toks.length && toks[j].end < toks[i].start + term.length) j++;
          if (j < toks.length && toks[j].end === toks[i].start + term.length) {
            merged = { surface: term, base: term, pos: '名詞', pos_detail: 'term', start: toks[i].start, end: toks[j].end, merged: 'term' };
            i = j + 1;
            break;
          }
        }
      }
      if (merged) out.push(merged);
      else out.push(toks[i++]);
    }
    const res: Token[] = [];
    for (let i = 0; i < out.length; ) {
      const isNoun = (t: Token) => t.pos === '名詞' && t.pos_detail !== '非自立' && t.pos_detail !== '代名詞' && t.pos_detail !== '数';
      if (!isNoun(out[i]) || out[i].merged === 'term') {
        res.push(out[i++]);
        continue;
      }
      let j = i;
      while (j + 1 < out.length && isNoun(out[j + 1]) && out[j + 1].merged !== 'term' && out[j + 1].start === out[j].end) j++;
      if (j > i) {
        const s = text.slice(out[i].start, out[j].end);
        res.push({ surface: s, base: s, pos: '名詞', pos_detail: 'compound', start: out[i].start, end: out[j].end, merged: 'compound' });
      } else res.push(out[i]);
      i = j + 1;
    }
    return res;
  };
  return {
    tokenize,
    contentWords(text: string): string[] {
      return tokenize(normalize(text))
        .filter((t) => (t.pos === '名詞' || t.pos === '動詞' || t.pos === '形容詞') && !STOP.has(t.base) && !/^[\d\s\p{P}]+$/u.test(t.base) && t.base.length > 1)
        .map((t) => t.base);
    },
  };
}

/** TF-IDF over character bigrams and trigrams, reduced by a seeded random projection: an LSA-shaped stand-in. */
export function standInEmbedder(dim = 128): Embedder {
  let vocab = new Map<string, number>();
  let idf: Float64Array = new Float64Array(0);
  let proj: Float32Array = new Float32Array(0);
  const grams = (t: string): string[] => {
    const s = normalize(t);
    const out: string[] = [];
    for (let n = 2; n <= 3; n++) for (let i = 0; i + n <= s.length; i++) out.push(s.slice(i, i + n));
    return out;
  };
  const emb: Embedder = {
    id: `standin:dim=${dim}`,
    dim,
    async fit(corpus) {
      vocab = new Map();
      const df: number[] = [];
      for (const d of corpus) {
        for (const g of new Set(grams(d))) {
          let k = vocab.get(g);
          if (k === undefined) vocab.set(g, (k = vocab.size)), df.push(0);
          df[k]++;
        }
      }
      idf = Float64Array.from(df, (x) => Math.log((1 + corpus.length) / (1 + x)) + 1);
      let seed = 42;
      const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
      proj = Float32Array.from({ length: vocab.size * dim }, rnd);
    },
    async embed(texts) {
      return texts.map((t) => {
        const v = new Float32Array(dim);
        const tf = new Map<number, number>();
        for (const g of grams(t)) {
          const k = vocab.get(g);
          if (k !== undefined) tf.set(k, (tf.get(k) ?? 0) + 1);
        }
        for (const [k, c] of tf) {
          const w = (1 + Math.log(c)) * idf[k];
          for (let d = 0; d < dim; d++) v[d] += w * proj[k * dim + d];
        }
        const n = Math.hypot(...v) || 1;
        return v.map((x) => x / n);
      });
    },
  };
  return emb;
}
