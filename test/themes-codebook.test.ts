import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../pipeline/core/errors.ts';
import type { Item, ThemeRecord } from '../pipeline/core/schema.ts';
import { createEmbedder } from '../pipeline/embed/index.ts';
import { parseDocument } from '../pipeline/parse/index.ts';
import { getTokenizer } from '../pipeline/tokenize/index.ts';
import { checkCodebook, DEFAULT_CODEBOOK, loadCodebook, type Codebook } from '../pipeline/themes/codebook.ts';
import { decideTheme, themeFacts } from '../pipeline/themes/assign.ts';
import { themeItems } from '../pipeline/themes/index.ts';
import { ruleDocument } from '../pipeline/themes/rule-lang.ts';

const SEED = fileURLToPath(new URL('../seeds/000_555981824ba784d2.txt', import.meta.url));
const GUIDELINE_THEMES = [
  'acd_privacy', 'sme', 'pqc', 'talent', 'supply_chain', 'gov_systems', 'infra_local',
  'intl', 'info_sharing', 'ai', 'cybercrime', 'awareness', 'industry_tech', 'strategy_general',
];

let codebook: Codebook;
let items: Item[];
let records: ThemeRecord[];
const byNumber = (n: string): Item => items.find((i) => (i.number ?? i.inferred_number) === n)!;
const recordOf = (n: string): ThemeRecord => records.find((r) => r.id === byNumber(n).id)!;

beforeAll(async () => {
  codebook = loadCodebook(DEFAULT_CODEBOOK);
  items = (await parseDocument(SEED)).items;
  const result = await themeItems(items, {
    codebook,
    tokenizer: await getTokenizer(),
    embedder: await createEmbedder('lsa'),
    cache: false,
    quiet: true,
  });
  records = result.records;
});

describe('the shipped codebook', () => {
  it('has the guideline’s 14 themes, each with labels, keywords, a parsed rule, thresholds and a rationale', () => {
    expect(codebook.themes.map((t) => t.id)).toEqual(GUIDELINE_THEMES);
    for (const t of codebook.themes) {
      expect(t.label.ja.length).toBeGreaterThan(0);
      expect(t.label.en.length).toBeGreaterThan(0);
      expect(t.keywords.length).toBeGreaterThan(2);
      expect(t.rationale.length).toBeGreaterThan(40);
      expect(t.ast).toBeDefined();
    }
  });

  it('rejects a codebook missing a field or repeating an id, naming the file and the field', () => {
    const raw = JSON.parse(readFileSync(DEFAULT_CODEBOOK, 'utf8'));
    const missing = structuredClone(raw);
    delete missing.themes[2].rationale;
    expect(() => checkCodebook(missing, 'book.json')).toThrow(InputError);
    expect(() => checkCodebook(missing, 'book.json')).toThrow(/book\.json: themes\.2\.rationale/);
    const twice = structuredClone(raw);
    twice.themes[1].id = twice.themes[0].id;
    expect(() => checkCodebook(twice, 'book.json')).toThrow(/duplicate theme id "acd_privacy"/);
    const badThreshold = structuredClone(raw);
    badThreshold.themes[0].thresholds.similarity = 3;
    expect(() => checkCodebook(badThreshold, 'book.json')).toThrow(/themes\.0\.thresholds\.similarity/);
  });

  it('fires acd_privacy by rule on the seed comment about アクセス・無害化措置 and privacy', () => {
    const item = byNumber('43');
    expect(item.comment).toContain('アクセス・無害化措置');
    expect(item.comment).toContain('プライバシー');
    const acd = recordOf('43').themes.find((t) => t.theme === 'acd_privacy')!;
    expect(['rule', 'both']).toContain(acd.source);
    expect(acd.hits).toEqual(expect.arrayContaining(['"無害化"', '通信情報', 'プライバシー']));
  });

  it('assigns sme and pqc from their vocabulary, and none of the three to a bare objection', () => {
    expect(recordOf('87').themes.map((t) => t.theme)).toEqual(expect.arrayContaining(['sme', 'industry_tech']));
    const pqc = recordOf('127').themes.find((t) => t.theme === 'pqc')!;
    expect(pqc.hits).toEqual(expect.arrayContaining(['PQC', 'QKD']));
    const objection = recordOf('130');
    expect(byNumber('130').comment).toBe('反対。国会でとりあげてほしい。');
    expect(objection.themes.map((t) => t.theme)).not.toContain('acd_privacy');
    expect(objection.themes[0].theme).toBe('strategy_general');
  });

  it('does not take 地方公共団体 for a regional business (=地方 in the sme rule)', async () => {
    const tokenizer = await getTokenizer();
    const sme = codebook.themes.find((t) => t.id === 'sme')!;
    const fires = (text: string) => decideTheme(codebook, sme, ruleDocument(text, tokenizer.tokenize(text)), 0).ruleFired;
    expect(fires('重要インフラ事業者・地方公共団体はもちろんのこと')).toBe(false);
    expect(fires('地方の事業者にも支援が届く仕組みが必要')).toBe(true);
    expect(recordOf('70').themes.map((t) => t.theme)).not.toContain('sme');
  });

  it('keeps one shared, frozen record for every theme a comment gives nothing to (kept per comment until themes)', async () => {
    const tokenizer = await getTokenizer();
    const text = '量子コンピュータに備え、耐量子計算機暗号への移行を急ぐべきだ。';
    const facts = themeFacts(codebook, ruleDocument(text, tokenizer.tokenize(text)));
    const pqc = facts[codebook.themes.findIndex((t) => t.id === 'pqc')];
    expect(pqc.ruleFired).toBe(true);
    expect(pqc.ruleHits.length).toBeGreaterThan(0);
    const silent = facts.filter((f) => !f.ruleFired && !f.keywordFired && !f.ruleHits.length && !f.keywordHits.length);
    expect(silent.length).toBeGreaterThan(5);
    expect(new Set(silent).size).toBe(1);
    expect(Object.isFrozen(silent[0]) && Object.isFrozen(silent[0].ruleHits)).toBe(true);
    // The themes' records get their own hit lists, so editing a record cannot reach the facts.
    const hits = recordOf('1').themes[0].hits;
    expect(Object.isFrozen(hits)).toBe(false);
  });

  it('gives every item one record in input order, themes sorted by score, primary first', () => {
    expect(records.map((r) => r.id)).toEqual(items.map((i) => i.id));
    for (const r of records) {
      const scores = r.themes.map((t) => t.score);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
      expect(new Set(r.themes.map((t) => t.theme)).size).toBe(r.themes.length);
      for (const t of r.themes) if (t.source !== 'similarity') expect(t.hits.length).toBeGreaterThan(0);
    }
  });
});
