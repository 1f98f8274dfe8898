// The stance stage (GUIDELINE.md §2): cue rules in models/labels/stance.json, resolution as models/labels/STANCE.md says.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../pipeline/core/errors.ts';
import { Stance, StanceRecord } from '../pipeline/core/schema.ts';
import { normalize } from '../pipeline/core/text.ts';
import { loadStanceRules, stanceHits, stanceItems, stanceOf } from '../pipeline/stance/index.ts';
import * as entry from '../pipeline/index.ts';

const loaded = loadStanceRules();
const STANCES = Stance.options;

describe('stance.json', () => {
  it('every rule fires on its own examples and not on its counter-examples', () => {
    const failures: string[] = [];
    for (const r of loaded.rules.rules) {
      for (const ex of r.examples) if (!stanceHits(ex).some((h) => h.rule === r.id)) failures.push(`${r.id} misses: ${ex}`);
      for (const ex of r.counter_examples) if (stanceHits(ex).some((h) => h.rule === r.id)) failures.push(`${r.id} fires on: ${ex}`);
    }
    expect(failures).toEqual([]);
  });

  it('every rule has a rationale, ids name their stance, and every stance has rules', () => {
    for (const r of loaded.rules.rules) {
      expect(r.rationale.length).toBeGreaterThan(20);
      expect(r.id.startsWith(`${r.stance}.`)).toBe(true);
    }
    for (const s of STANCES) expect(loaded.rules.rules.some((r) => r.stance === s)).toBe(true);
    expect(loaded.version).toMatch(/^\d+\.\d+\.\d+\+[0-9a-f]{12}$/);
  });

  it('rejects a broken file, naming it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stance-'));
    const raw = JSON.parse(readFileSync(loaded.path, 'utf8'));
    const bad = (mutate: (j: any) => void, name: string) => {
      const j = structuredClone(raw);
      mutate(j);
      const path = join(dir, name);
      writeFileSync(path, JSON.stringify(j));
      return path;
    };
    const regex = bad((j) => (j.rules[0].patterns = ['(unclosed']), 'regex.json');
    expect(() => loadStanceRules(regex)).toThrow(InputError);
    expect(() => loadStanceRules(regex)).toThrow(/regex\.json.*not a valid regular expression/);
    const wide = bad((j) => (j.rules[0].patterns = ['（反対）']), 'wide.json');
    expect(() => loadStanceRules(wide)).toThrow(/NFKC/);
    const dup = bad((j) => j.rules.push(j.rules[0]), 'dup.json');
    expect(() => loadStanceRules(dup)).toThrow(/duplicate rule id/);
    const id = bad((j) => (j.rules[0].stance = 'support'), 'id.json');
    expect(() => loadStanceRules(id)).toThrow(/must start with its stance/);
    expect(() => loadStanceRules(join(dir, 'missing.json'))).toThrow(/cannot read file/);
  });
});

describe('stanceOf', () => {
  it('empty comment: null, confidence 1, no evidence', () => {
    expect(stanceOf('')).toEqual({ stance: null, confidence: 1, evidence: [] });
    expect(stanceOf('  \n　')).toEqual({ stance: null, confidence: 1, evidence: [] });
  });

  it('no cue: request with confidence 0.3 and the first sentence as fallback evidence', () => {
    const r = stanceOf('地域の中小企業の状況について。 以上。');
    expect(r.stance).toBe('request');
    expect(r.confidence).toBe(0.3);
    expect(r.evidence).toEqual([{ start: 0, end: 15, text: '地域の中小企業の状況について。', rule: 'fallback', stance: 'request' }]);
  });

  it('resolves conflicts as STANCE.md says', () => {
    const cases: [string, Stance][] = [
      ['本計画案に賛成です。', 'support'],
      ['本戦略案の方向性に全面的に賛同する。しかしながら、国産技術の育成を明確に位置づけるべき。', 'request'],
      ['方針に賛同するが、中小企業への支援を拡充してほしい。', 'request'],
      ['本戦略に賛同する。今後、政府機関が主導して施策を進めることを期待する。', 'support'],
      ['本案を歓迎する。今後、具体的な検討が必要である。', 'support'],
      ['本案は到底受け入れがたい。政府は外交努力にこそ注力すべきである。', 'oppose'],
      ['原子力発電の利用を推進すべきではない。', 'oppose'],
      ['制裁についても言及すべきではないか。', 'request'],
      ['安全性に懸念がある。第三者による評価の仕組みを設けるべき。', 'request'],
      ['電力需要は増加しないのではないか。', 'oppose'],
      ['運用指針が決まっているかご教示いただきたい。', 'question'],
      ['この制度の対象はどの範囲になるのですか。', 'question'],
      ['共通基盤を整備してはいかがか。', 'request'],
      ['「…原子力を最大限活用する」との記載を削除すべき。', 'oppose'],
      ['「反対」という語は使わず「異論」とすべき。', 'request'],
      // A request and a direct question of equal weight: the request wins the tie (stance 1.8).
      ['米国の規制を日本でも取り入れて下さい。なぜ規制しないのですか?', 'request'],
      // 必要ない decides beside a request for something else (stance 1.8).
      ['営農型太陽光発電の促進は必要ない。それよりむしろ、カーポートでとっていくべき。', 'oppose'],
    ];
    for (const [text, want] of cases) expect(stanceOf(text).stance, text).toBe(want);
  });

  it('evidence spans slice the normalised comment exactly; the winning stance comes first', () => {
    const comments = [
      '本戦略案に強く賛同する。 しかしながら、現場のリアリティを見れば、「技術者中心の発想」に留まる限り、レジリエンスは高まらない。 研修を充実させてほしい。',
      '（１）ＡＩの活用について、基準を明記すべき。　なぜ対象外なのですか？',
      '反対。国会でとりあげてほしい。',
    ];
    for (const c of comments) {
      const text = normalize(c);
      const r = stanceOf(c);
      expect(r.evidence.length).toBeGreaterThan(0);
      expect(r.evidence[0].stance).toBe(r.stance);
      for (const e of r.evidence) {
        expect(text.slice(e.start, e.end), e.rule).toBe(e.text);
        expect(e.end).toBeGreaterThan(e.start);
      }
    }
  });

  it('ignores cues inside quoted draft text', () => {
    expect(stanceHits('「本制度の廃止を求める声もある」との記載について、出典を示すべき。').some((h) => h.stance === 'oppose')).toBe(false);
  });

  it('is exported from the package entry and returns schema-valid records in input order', () => {
    expect(entry.stanceOf).toBe(stanceOf);
    const recs = entry.stanceItems([{ id: 'a', comment: '賛成です。' }, { id: 'b' }, { id: 'c', comment: '撤回すべき。' }]);
    expect(recs.map((r) => [r.id, r.stance])).toEqual([['a', 'support'], ['b', null], ['c', 'oppose']]);
    for (const r of recs) expect(StanceRecord.safeParse(r).success).toBe(true);
  });

  it('is fast: 20,000 comments in a fraction of a second', () => {
    const seed = readFileSync('data/labels/real/seed.jsonl', 'utf8').trim().split('\n').map((l) => JSON.parse(l).comment as string);
    const items = Array.from({ length: 20000 }, (_, i) => ({ id: String(i), comment: `${seed[i % seed.length]} ${i}` }));
    stanceItems(items.slice(0, 200)); // warm the regular expressions
    const cpu = process.cpuUsage();
    const t = performance.now();
    const out = stanceItems(items);
    const ms = performance.now() - t;
    const used = process.cpuUsage(cpu);
    console.log(`stance: 20,000 comments in ${ms.toFixed(0)} ms wall, ${((used.user + used.system) / 1000).toFixed(0)} ms CPU`);
    expect(out).toHaveLength(20000);
    // CPU time, not wall: on a shared machine (load 13 on 2 cores) the wall time of the same work reached 3.5 s
    // while its CPU time stayed at 0.7 s. Generous bound (~0.3–0.7 s measured).
    expect((used.user + used.system) / 1000).toBeLessThan(2500);
  });
});

describe('quality on the seed (two annotators, data/labels/real/seed.jsonl)', () => {
  const rows = readFileSync('data/labels/real/seed.jsonl', 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { id: string; comment: string; stance: Stance | null });

  it('every seed item has a gold stance', () => {
    expect(rows.length).toBe(131);
    expect(rows.filter((r) => r.stance === null || !STANCES.includes(r.stance))).toEqual([]);
  });

  it('reaches the measured accuracy and per-stance precision/recall', () => {
    const preds = stanceItems(rows.map((r) => ({ id: r.id, comment: r.comment })));
    const confusion: Record<string, Record<string, number>> = Object.fromEntries(STANCES.map((g) => [g, Object.fromEntries(STANCES.map((p) => [p, 0]))]));
    let correct = 0;
    rows.forEach((r, i) => {
      const p = preds[i].stance!;
      confusion[r.stance!][p]++;
      if (p === r.stance) correct++;
    });
    const accuracy = correct / rows.length;
    const majority = Math.max(...STANCES.map((s) => rows.filter((r) => r.stance === s).length)) / rows.length;
    const per = STANCES.map((s) => {
      const tp = confusion[s][s];
      const predicted = STANCES.reduce((n, g) => n + confusion[g][s], 0);
      const gold = STANCES.reduce((n, p) => n + confusion[s][p], 0);
      return { stance: s, precision: predicted ? tp / predicted : NaN, recall: gold ? tp / gold : NaN, gold };
    });
    console.log(`stance seed accuracy ${accuracy.toFixed(3)} (${correct}/${rows.length}; always-request baseline ${majority.toFixed(3)})`);
    console.table(per);
    console.table(confusion);
    // Measured 0.985 (129/131) with rules 1.0.0; the rules were written with this set in view, so this is fit, not generality.
    expect(accuracy).toBeGreaterThanOrEqual(0.95);
    expect(accuracy).toBeGreaterThan(majority);
    const by = Object.fromEntries(per.map((p) => [p.stance, p]));
    expect(by.oppose.recall).toBeGreaterThanOrEqual(0.83);
    expect(by.oppose.precision).toBeGreaterThanOrEqual(0.83);
    expect(by.support.recall).toBeGreaterThanOrEqual(0.7);
    expect(by.support.precision).toBeGreaterThanOrEqual(0.85);
    expect(by.question.recall).toBe(1);
    expect(by.request.recall).toBeGreaterThanOrEqual(0.97);
  });
});
