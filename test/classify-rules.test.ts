// The `rules` classifier on short realistic responses in several ministries' and municipalities' styles.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../pipeline/core/errors.ts';
import { LabelRecord } from '../pipeline/core/schema.ts';
import { normalize } from '../pipeline/core/text.ts';
import { analyzeResponse, classifyWithRules, compileRules, loadRules } from '../pipeline/classify/index.ts';
import type { ClassifyInput } from '../pipeline/classify/types.ts';

const loaded = loadRules();
const compiled = compileRules(loaded);

function label(response: string) {
  return classifyWithRules([{ id: 't#1', response }], loaded).records[0];
}

/** Every evidence span must be exactly the characters at its offsets in the normalised response. */
function expectEvidenceSlices(records: LabelRecord[], inputs: readonly ClassifyInput[]) {
  const byId = new Map(inputs.map((i) => [i.id, normalize(i.response)]));
  for (const r of records) {
    expect(LabelRecord.safeParse(r).success).toBe(true);
    if (r.label !== 'none') expect(r.evidence.length, `${r.id} has no evidence`).toBeGreaterThan(0);
    for (const e of r.evidence) {
      const text = byId.get(e.source_item ?? r.id)!;
      expect(text.slice(e.start, e.end), `${r.id} ${e.rule}`).toBe(e.text);
      expect(e.end).toBeGreaterThan(e.start);
    }
  }
}

describe('rules.json', () => {
  it('every rule fires on its own examples and not on its counter-examples', () => {
    const failures: string[] = [];
    for (const r of loaded.rules.rules) {
      for (const ex of r.examples) {
        if (!analyzeResponse(ex, compiled).hits.some((h) => h.rule === r.id)) failures.push(`${r.id} misses: ${ex}`);
      }
      for (const ex of r.counter_examples) {
        if (analyzeResponse(ex, compiled).hits.some((h) => h.rule === r.id)) failures.push(`${r.id} fires on: ${ex}`);
      }
    }
    for (const p of loaded.rules.pointers) {
      for (const ex of p.examples) if (!analyzeResponse(ex, compiled).pointers.some((h) => h.rule === p.id)) failures.push(`${p.id} misses: ${ex}`);
      for (const ex of p.counter_examples) if (analyzeResponse(ex, compiled).pointers.length) failures.push(`${p.id} fires on: ${ex}`);
    }
    expect(failures).toEqual([]);
  });

  it('every rule has a rationale and ids name their label (or, for a policy statement, their move); the version hashes the files', () => {
    for (const r of loaded.rules.rules) {
      expect(r.rationale.length).toBeGreaterThan(20);
      expect(r.id.startsWith(`${r.label ?? r.move}.`)).toBe(true);
    }
    expect(loaded.version).toMatch(/^\d+\.\d+\.\d+\+[0-9a-f]{12}$/);
  });

  it('rejects a rules file with a broken regex, a full-width pattern or a duplicate id, naming the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rules-'));
    const base = JSON.parse(readFileSync(new URL('../models/labels/rules.json', import.meta.url), 'utf8'));
    const cases: [string, (d: typeof base) => void, RegExp][] = [
      ['broken', (d) => (d.rules[0].patterns = ['(修正']), /not a valid regular expression/],
      ['fullwidth', (d) => (d.rules[0].patterns = ['（修正後）']), /not in NFKC form/],
      ['duplicate', (d) => (d.rules[1].id = d.rules[0].id), /duplicate rule id/],
    ];
    for (const [name, mutate, message] of cases) {
      const d = structuredClone(base);
      mutate(d);
      const path = join(dir, `${name}.json`);
      writeFileSync(path, JSON.stringify(d));
      expect(() => loadRules(path)).toThrow(InputError);
      expect(() => loadRules(path)).toThrow(message);
      expect(() => loadRules(path)).toThrow(path);
    }
  });
});

describe('rules classifier', () => {
  it('announced edits are accepted, in ministry and municipal styles', () => {
    for (const r of [
      'ご指摘を踏まえ、以下のとおり修正します。',
      '計画案を次のとおり修正します。',
      'いただいたご意見を踏まえ、第2章に防災教育の記述を追記しました。',
      '【計画案の修正】 P.12 下線部を追加',
      '御意見を踏まえ、「努める」を「取り組む」に改めます。',
    ]) {
      expect(label(r).label, r).toBe('accepted');
    }
  });

  it('negated edits are declined, not accepted', () => {
    for (const r of ['修正は行いません。', 'ご意見の趣旨は理解しますが、本計画への追記はしません。', '計画案の変更はありません。']) {
      const rec = label(r);
      expect(rec.label, r).toBe('declined');
      expect(rec.also).not.toContain('accepted');
    }
  });

  it('原案どおり is declined, but referred when the kept draft follows from coverage (guideline v2 §1a.1)', () => {
    const plain = label('原案どおりとさせていただきます。');
    expect(plain.label).toBe('declined');
    expect(plain.also).toEqual([]);
    const covered = label('ご指摘の点は計画案の第3章に記載しておりますので、原案どおりとさせていただきます。');
    expect(covered.label).toBe('referred');
    expect(covered.also).toEqual(['declined']);
    expect(covered.decision?.row).toBe('kept_because_covered');
    expect(label('防災の視点は基本方針2に含まれることから、原案のとおりとします。').label).toBe('referred');
    // このため draws the conclusion of the sentence before.
    expect(label('第3章に記載しております。このため、原案のとおりとします。').label).toBe('referred');
    // Coverage said elsewhere while the keep has its own reason (煩瑣) stays declined.
    const ownReason = label('第3章では「専門機関」と記載しています。全て書き換えるのは文章が煩瑣となりますので、原案の記述とさせていただきます。');
    expect(ownReason.label).toBe('declined');
  });

  it('refusals to answer and judgements of difficulty are declined', () => {
    expect(label('個別の事案に関するお答えは差し控えさせていただきます。').label).toBe('declined');
    expect(label('現行の財政状況では、新たな補助制度の創設は困難です。').label).toBe('declined');
  });

  it('cue words inside quoted draft text do not fire', () => {
    // The quoted draft says 修正します and 困難; the answer itself only cites the draft.
    const r = label('計画案では「必要に応じて計画を修正します」「単独での対応は困難である」と記載しております。');
    expect(r.label).toBe('referred');
    expect(r.also).toEqual([]);
    // Without the quotes the same words are the government's own and do fire.
    expect(label('必要に応じて計画を修正します。').label).toBe('deferred');
    expect(label('単独での対応は困難です。').label).toBe('declined');
  });

  it('a substantive なお follow-up outranks a bare acknowledgement, even without 。 before it', () => {
    const bare = label('ご意見として承ります。');
    expect(bare.label).toBe('deferred');
    expect(bare.evidence[0].rule).toBe('deferred.acknowledged');
    const text = 'ご意見として承ります なお、III. 2. (2) ②で地方公共団体への支援について述べています。';
    const r = label(text);
    expect(r.label).toBe('referred');
    expect(r.also).toEqual(['deferred']);
    const a = analyzeResponse(text, compiled);
    expect(a.sentences.map((s) => a.text.slice(s.start, s.end))).toEqual([
      'ご意見として承ります',
      // NFKC turns ② into 2: sentences are spans of the normalised text.
      'なお、III. 2. (2) 2で地方公共団体への支援について述べています。',
    ]);
  });

  it('existing measures and provisions are referred', () => {
    for (const r of [
      '政府統一基準において、その適正性の確保が図られているところです。',
      '本件は、個人情報保護法に規定されています。',
      '令和8年度から実施予定です。',
      '既に市のホームページで公表しております。',
    ]) {
      expect(label(r).label, r).toBe('referred');
    }
  });

  it('pointers take the referenced item label, with the target evidence marked by its id', () => {
    const inputs: ClassifyInput[] = [
      { id: 'plan#3', number: '3', response: 'ご意見を踏まえ、以下のとおり修正します。' },
      { id: 'plan#4', number: '4', response: '今後の参考とさせていただきます。' },
      { id: 'plan#5', number: '5', response: '「No.3」の回答のとおりです。' },
      { id: 'plan#6', number: '6', response: '同上' },
      { id: 'plan#7', number: '7', response: 'No.4と同様です。' },
      { id: 'plan#8', number: '8', response: 'No.99の回答のとおりです。' },
    ];
    const { records } = classifyWithRules(inputs, loaded);
    expect(records.map((r) => r.label)).toEqual(['accepted', 'deferred', 'accepted', 'accepted', 'deferred', 'deferred']);
    const p5 = records[2];
    expect(p5.evidence[0]).toMatchObject({ rule: 'pointer.numbered_answer>plan#3', text: 'No.3」の回答のとおり' });
    expect(p5.evidence.slice(1).every((e) => e.source_item === 'plan#3')).toBe(true);
    expect(p5.confidence).toBeLessThan(records[0].confidence);
    // 同上 points at the previous item, itself a pointer: the chain is followed.
    expect(records[3].evidence.some((e) => e.source_item === 'plan#3')).toBe(true);
    // A pointer to a number that is not in the input falls back, and says so.
    expect(records[5].evidence[0].rule).toBe('pointer.numbered_answer:unresolved');
    expect(records[5].confidence).toBe(loaded.decision.rows[loaded.decision.rows.length - 1].confidence);
    expectEvidenceSlices(records, inputs);
  });

  it('items that carry only an id ("12", "No.12") resolve pointers by it, 上記3と同様 included (guideline §1a.5)', () => {
    const inputs: ClassifyInput[] = [
      { id: '1', comment: '防災の視点を追加すべき', response: '防災の視点は基本方針２に含まれることから、原案のとおりとします。' },
      { id: '2', comment: '防災も入れるべき', response: 'No.1の回答のとおりです。' },
      { id: 'No.3', comment: '誤字がある', response: 'ご指摘を踏まえ修正します。' },
      { id: '4', comment: '誤字', response: '上記3と同様です。' },
      { id: 'x-5', comment: '誤字', response: 'No.1と同様です。' },
    ];
    const { records } = classifyWithRules(inputs, loaded);
    expect(records.map((r) => r.label)).toEqual(['referred', 'referred', 'accepted', 'accepted', 'referred']);
    expect(records[3].evidence[0]).toMatchObject({ rule: 'pointer.above_number>No.3', text: '上記3と同様' });
    expectEvidenceSlices(records, inputs);
  });

  it('an empty cell of a shared group reply takes the group answer; other empty responses are none', () => {
    const inputs: ClassifyInput[] = [
      { id: 'd#1', response: '既に第4章に記載しております。', response_group: 'g1' },
      { id: 'd#2', response: '', response_group: 'g1' },
      { id: 'd#3', response: '   ' },
      { id: 'd#4', response: '' },
    ];
    const { records } = classifyWithRules(inputs, loaded);
    expect(records.map((r) => r.label)).toEqual(['referred', 'referred', 'none', 'none']);
    expect(records[1].evidence.every((e) => e.source_item === 'd#1')).toBe(true);
    expect(records[2]).toMatchObject({ label: 'none', also: [], confidence: 1, evidence: [] });
    expectEvidenceSlices(records, inputs);
  });

  it('falls back to deferred with low confidence and the first sentence as evidence when no rule fires', () => {
    const r = label('当該地区は市の北部に位置する。周辺には公園がある。');
    expect(r).toMatchObject({ label: 'deferred', confidence: loaded.decision.rows[loaded.decision.rows.length - 1].confidence, needs_review: true });
    expect(r.evidence).toEqual([{ start: 0, end: 15, text: '当該地区は市の北部に位置する。', rule: 'fallback', label: 'deferred' }]);
  });

  it('offsets index the NFKC-normalised response even when the raw text has full-width forms and line breaks', () => {
    const raw = 'ご意見として承ります。\n　なお、計画案Ｐ．１２に記載のとおりです。';
    const r = label(raw);
    const text = normalize(raw);
    expect(r.label).toBe('referred');
    for (const e of r.evidence) expect(text.slice(e.start, e.end)).toBe(e.text);
    expect(r.evidence.map((e) => e.text)).toContain('P.12に記載のとおり');
  });

  it('reads phrases broken by a PDF line wrap (「修\\n正します」) whole, and keeps the evidence offsets on the stored text', () => {
    const inputs = [
      { id: 'w#1', response: 'ご意見を踏まえ、以下のとおり修\n正します。' },
      { id: 'w#2', response: '原案のとお\nりとさせていただきます。' },
      { id: 'w#3', response: '今後の参考とさせていた\r\nだきます。' },
    ];
    const records = classifyWithRules(inputs, loaded).records;
    expect(records.map((r) => r.label)).toEqual(['accepted', 'declined', 'deferred']);
    expectEvidenceSlices(records, inputs);
    expect(records[0].evidence.map((e) => e.text)).toContain('修 正します');
    // A space before a follow-up connective still separates two sentences (a dropped 。), so the acknowledgement
    // and the substantive なお sentence stay apart.
    const a = analyzeResponse('ご意見として承ります なお、第3章に記載しています。', compiled);
    expect(a.sentences.length).toBe(2);
  });

  it('labels the style fixtures (environment, transport, school and ministry answers) as the guideline says', () => {
    const rows = readFileSync(new URL('../data/fixtures/classify/styles.jsonl', import.meta.url), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as ClassifyInput & { label: string; reason: string });
    const { records } = classifyWithRules(rows, loaded);
    const wrong = rows.filter((r, i) => records[i].label !== r.label).map((r, i) => `${r.id}: ${r.label} ≠ ${records[i].label} (${r.reason})`);
    expect(wrong).toEqual([]);
    expectEvidenceSlices(records, rows);
  });

  it('gives identical output on rerun', () => {
    const rows = [{ id: 'a', response: 'ご意見として承ります。なお、既に記載しております。' }];
    expect(JSON.stringify(classifyWithRules(rows, loaded).records)).toBe(JSON.stringify(classifyWithRules(rows, loaded).records));
  });
});
