// The decision table (models/labels/decision.json): moves of the response read with the comment's stance.
import { describe, expect, it } from 'vitest';
import { classifyWithRules } from '../pipeline/classify/rules.ts';
import { loadRules } from '../pipeline/classify/rules-schema.ts';
import { normalize } from '../pipeline/core/text.ts';

const loaded = loadRules();

function label(comment: string, response: string) {
  return classifyWithRules([{ id: 't#1', comment, response }], loaded).records[0];
}

describe('decision table', () => {
  it('decides every row example with that row and its label', () => {
    const wrong: string[] = [];
    for (const row of loaded.decision.rows) {
      for (const ex of row.examples) {
        const r = label(ex.comment, ex.response);
        if (r.decision?.row !== row.id || r.label !== row.label) wrong.push(`${row.id}: got ${r.decision?.row}/${r.label} for 「${ex.response.slice(0, 30)}」`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('reads the same policy restatement as referred for a request and declined for an objection (§1a.2)', () => {
    const response = '脱炭素効果の高い電源を最大限活用することが必要不可欠と考えております。';
    const request = label('原子力発電の利用を推進すべき', response);
    const objection = label('原子力発電の利用を推進すべきではない', response);
    expect(request).toMatchObject({ label: 'referred', decision: { row: 'policy_answers_request', stance: 'request' } });
    expect(objection).toMatchObject({ label: 'declined', decision: { row: 'policy_against_objection', stance: 'oppose' } });
    // The evidence is the response's policy span, not a first-sentence placeholder.
    expect(objection.evidence.map((e) => e.rule)).toEqual(['policy.important']);
    // 「AではなくBを推進すべき」 rejects the draft's A.
    expect(label('原子力ではなく、再生可能エネルギーを推進すべき', '同時に、原子力も重要です。').label).toBe('declined');
  });

  it('reads a request for a different choice (request.amend) answered with the course as declined, for review (§1a.2)', () => {
    const response = '我が国では、多様な選択肢を追求することを基本方針としています。';
    const amend = label('ハイブリッド車は一時的なものとして位置づけるべき', response);
    expect(amend).toMatchObject({ label: 'declined', needs_review: true, decision: { row: 'policy_against_change_request', comment_cues: ['request.amend'] } });
    // Asking for more of what the course already does is answered by it: referred.
    expect(label('電動車の導入を推進すべき', response)).toMatchObject({ label: 'referred', decision: { row: 'policy_answers_request' } });
  });

  it('hears a proposed alternative wording, a wording objection or a request to reconsider as a request for a different choice (stance 1.4)', () => {
    // Municipal answers that explain why the draft chose its words: the answer is no (§1a.2), not "already covered".
    const why = '表情だけでなく心や行動についても、みんなが思いやりをもって暮らすことのできるまちにしたいとの思いから、「やさしいまち」としました。';
    for (const comment of [
      '「やさしいまち」より「ほほえみのまち」の方がより具体的で、周囲が明るい雰囲気を示すことができる。',
      '「やさしいまち」という表現に違和感がある。',
      '原単位について、実績を積み上げて、もう一度検討すべきではないか。',
    ]) {
      expect(label(comment, why), comment).toMatchObject({ label: 'declined', decision: { row: 'explained_to_change_request', comment_cues: ['request.amend'] } });
    }
    // A plain request for more is still answered by the explanation: referred.
    expect(label('思いやりのあるまちづくりを進めてほしい。', why)).toMatchObject({ label: 'referred', decision: { row: 'explained_to_request' } });
  });

  it('reads 「認められない」 and 「〜とはいえない」 as objections, so that a description of measures answers them with no', () => {
    const measures = '区では次世代育成支援行動計画を策定中であり、また、子ども家庭部という組織を新設して、子育て支援に取り組んでいる。';
    expect(label('出生率の問題に取り組まない限り、再編計画は認められない。', measures)).toMatchObject({ label: 'declined', decision: { row: 'covered_against_objection', stance: 'oppose' } });
    expect(label('市職員が多数を占め、これでは開かれたプロジェクトとはいえない。', measures)).toMatchObject({ label: 'declined', decision: { stance: 'oppose' } });
  });

  it('refuses a decision row whose comment_cues name no stance rule', async () => {
    const { mkdtempSync, writeFileSync, readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const { fileURLToPath } = await import('node:url');
    const dir = mkdtempSync(join(tmpdir(), 'pubcom-decision-'));
    const table = JSON.parse(readFileSync(fileURLToPath(new URL('../models/labels/decision.json', import.meta.url)), 'utf8'));
    table.rows[0].comment_cues = ['request.no_such_rule'];
    writeFileSync(join(dir, 'decision.json'), JSON.stringify(table));
    const labels = fileURLToPath(new URL('../models/labels/', import.meta.url));
    expect(() => loadRules(join(labels, 'rules.json'), join(labels, 'taxonomy.json'), join(dir, 'decision.json'))).toThrow(
      /row change_announced.*request\.no_such_rule/,
    );
  });

  it('a supportive comment answered with the course it supports is deferred, not referred', () => {
    const r = label('原子力発電の方針に賛同する', 'いただいたご意見を踏まえつつ、引き続きしっかりと原子力政策を進めてまいります。');
    expect(r).toMatchObject({ label: 'deferred', decision: { row: 'support_noted', stance: 'support' } });
  });

  it('a change announced late, after 〜ですが, or partial wins (§1a.3)', () => {
    expect(label('明記すべき', '中小企業支援は難しい面もありますが、第3章に「中小企業への支援」の項を追加しました。').label).toBe('accepted');
    expect(label('分かりにくい', '用語の定義について注釈を付すこととします。').label).toBe('accepted');
    expect(label('修正すべき', 'ご指摘を踏まえ、一部修正しました。').label).toBe('accepted');
  });

  it('municipal refusal and defence formulae are declined', () => {
    expect(label('毎年見直すべき', '毎年度の見直しは困難であると考えております。').label).toBe('declined');
    expect(label('目標値を引き上げるべき', '目標値は過去の実績を踏まえて設定しており、妥当と考えております。').label).toBe('declined');
    expect(label('議論が不十分', '議論が不十分との指摘はあたらないと考えております。').label).toBe('declined');
  });

  // Local governments' answers (set (h), rules 2.25): each would otherwise fall to the explained_to_request guess.
  it('local answers: a deliberate wording kept, a refusal by ことはせず and a forwarded or conditional answer', () => {
    const kept = label('「環境」の対象を分かりやすく表記してはどうか。', '環境を総合的に捉えるため、計画の一部で限定しない表記を用いています。いただいたご意見は、個々の施策を実施するに当たり参考にさせていただきます。');
    expect(kept).toMatchObject({ label: 'declined' });
    expect(kept.evidence.map((e) => e.rule)).toContain('declined.wording_deliberate');
    expect(label('一般図書と文庫を一緒に排架してください。', '本棚の有効な活用を図るため、文庫、新書などを混ぜることはせず、別々に本を並べます。').label).toBe('declined');
    expect(label('人工島を作って欲しい。', '開口部の防護対策については、千葉県が事業主体として行うので、ご意見は千葉県にお伝えします。').label).toBe('deferred');
    expect(label('石積みを補修してほしい。', '必要性が生じた場合は、修補していきます。').label).toBe('deferred');
  });

  it('local answers: an edit being drafted wins over a rebuttal of another part of the comment (§1a.3)', () => {
    const r = label(
      '放射性物質も規制値として含めるべきではないか。',
      'ご意見のとおり放射能汚染問題は大きな環境問題であるため、放射線に対する施策の方向を記載する方向で検討しております。なお、本計画は規制値の設定といった具体的な対策を決定するものではありません。',
    );
    expect(r.label).toBe('accepted');
  });

  it('a comment that only asks for the plan to be carried out supports it, so the course restated is deferred', () => {
    const r = label('全体的に、林業において有益な計画であり、実行されることを望む。', '課題の解決を目指し、計画に記載した施策を着実に実行していきます。');
    expect(r).toMatchObject({ label: 'deferred', decision: { row: 'support_noted', stance: 'support' } });
    // Asking for an addition as well is a request, and the same answer then says "already the plan".
    expect(label('計画に森林環境教育を追加し、その実行を望む。', '課題の解決を目指し、計画に記載した施策を着実に実行していきます。').decision?.stance).toBe('request');
  });

  it('a long answer to a request without any cue is the best guess referred, marked for review; never a silent deferred', () => {
    const r = label('電力需要の見通しを示すべき', '我が国では電力需要が減少傾向にありました。今後はデータセンターの新増設により増加が見込まれます。');
    expect(r).toMatchObject({ label: 'referred', needs_review: true, decision: { row: 'explained_to_request' } });
    // One sentence is enough: a single explanatory sentence answering a request is not a silent deferral either.
    const one = label('調査を毎年行うか、情報が集まる仕組みを考えてください。', '概ね5年ごとの実態調査とは別に、P.21⑴及び⑵に記載があり');
    expect(one).toMatchObject({ label: 'referred', needs_review: true, decision: { row: 'explained_to_request' } });
    expect(label('拝見した感想です。', 'ありがたく拝見しました。').label).toBe('deferred');
    const bare = label('', '当該地区は市の北部に位置する。');
    expect(bare).toMatchObject({ label: 'deferred', needs_review: true, decision: { row: 'fallback' } });
    expect(label('対策を強化すべき', '既に対策を実施しております。').needs_review).toBe(false);
  });

  it('terse municipal answers that state the change itself are accepted (§1a.3)', () => {
    // Table-style answers end on the change: no ます/ました, sometimes a page reference after it.
    for (const response of ['前文に、啓発に関する文言を追記する。', '「病床の役割」(P10)を追加。', '意見どおりに反映。', '表現を統一する方向で微修正したもの。(P48~72)', '用語は「結婚」に統一します。']) {
      expect(label('記載を見直してほしい。', response).label, response).toBe('accepted');
    }
    // The difficulty named as the reason for the change does not turn it into a refusal.
    expect(label('表現が不明確。', '代替材の確保が困難な状況があることを踏まえ、「…」と修文します。').label).toBe('accepted');
    expect(label('追記すべき。', '追記することは困難です。').label).toBe('declined');
  });

  it('a request to delete or rename, answered only with why the choice stands, is declined (§1a.2)', () => {
    const response = 'この地域の冬の気候は気球の飛行に適しています。気球の飛ぶ風景が冬の風物詩として定着すればと考えています。';
    expect(label('気球を活用した風景づくりは削除したほうがいい。', response)).toMatchObject({ label: 'declined', decision: { stance: 'oppose' } });
    expect(label('名称から「男女」を削除して名称の変更を提案します。', '性別に基づく固定的な役割分担意識は今も根強く、男女の平等を更に進める必要があると考えます。').label).toBe('declined');
  });

  it('a document\'s own 【修正なし】 marker is a kept draft, not a revision: covered when the answer says why (§1a.1)', () => {
    expect(label('費用を抑えてほしい。', '建設コストの縮減は、第6章に記載したとおり、今後の課題として捉えています。【修正なし】').label).toBe('referred');
    expect(label('名称を変えるべき。', '現在の名称は、計画の目的を表すものです。【修正なし】').label).toBe('declined');
    expect(label('表記を揃えるべき。', 'ご意見のとおり、誤解を生じるおそれがあるので、項目ごとに20%と表記しました。').label).toBe('accepted');
  });

  it('an answer that only takes the comment into account while the policy goes on is deferred; with 引き続き it is covered', () => {
    const kept = label('若い層に魅力ある活動を取り入れるべき。', 'ご意見の趣旨を踏まえ、施策を推進します。');
    expect(kept).toMatchObject({ label: 'deferred', decision: { row: 'considered' } });
    expect(kept.evidence.map((e) => e.rule)).toContain('deferred.taken_into_account');
    expect(label('導入を推進すべき', '重要な選択肢の一つと考えております。いただいたご意見を踏まえ、引き続き導入を促進してまいります。').label).toBe('referred');
    expect(label('追記すべき', 'ご意見を踏まえ、第3章に追記しました。').label).toBe('accepted');
    // Plain editing verbs after the same opening are a change, not a promise to keep the comment in mind.
    for (const response of ['ご意見を踏まえ、「地域」を「地域社会」に変えました。', 'ご指摘を踏まえ、記述を改めております。', '注釈を入れました。']) {
      expect(label('記載を見直してほしい。', response).label, response).toBe('accepted');
    }
    expect(label('窓口を増やしてほしい。', '市役所に相談窓口を設けました。').label).not.toBe('accepted');
  });

  it('what the final text now contains (〜を記載しました) is a change; what the draft already said is not', () => {
    expect(label('マイバッグの利用等も盛り込んではどうか。', '第5章において、「マイバッグの使用を心がける」ことを記載しました。(p53)').label).toBe('accepted');
    expect(label('丁寧に説明すべき', '長期利用を進める旨を、エネルギー基本計画(案)にも記載いたしました。').label).not.toBe('accepted');
  });

  it('note-style promises, objections lodged as 異議, and plans named with いきます are read as such', () => {
    // Table notes end on the bare noun or plain form: still a promise to consider, not an explanation.
    expect(label('区域をさらに拡大すべき。', '次回の公園計画点検において検討。').label).toBe('deferred');
    expect(label('特別保護地区に指定すべき。', '次回の公園計画点検に向け、関係者と調整する。').label).toBe('deferred');
    expect(label('建設予定地を教えてほしい。', '現時点では計画は定まっていません。今後、北海道において検討されることとなっています。').label).toBe('deferred');
    // 異議の申し立て is an objection, so an explanation of the measure objected to is a no.
    const objection = label('この車道を計画から削除する事について異議の申し立てを致します。', '噴火の危険を避けるため道路を閉鎖しています。そのため、今回の点検では1号線を削除することとしています。');
    expect(objection).toMatchObject({ label: 'declined', decision: { stance: 'oppose' } });
    expect(label('交流場所を用意してほしい。', '本計画の「基本目標1 共に生きる地域づくり」の中で交流の場所づくりの推進に取り組んでいきます。').label).toBe('referred');
    expect(label('削減を特筆すべき。', 'ご意見のとおり、「燃料費の削減に伴い事業費が減少した」との文言を本文中に表現します。').label).toBe('accepted');
  });

  it('a method described with 参考にして is not the deferral formula; a refusal of a target is declined', () => {
    const r = label('', '数値設定が難しいことから、数値目標は設定しませんが、環境指標の推移も参考にして、総合的な評価を行います。');
    expect(r.label).toBe('declined');
    expect(r.evidence.map((e) => e.rule)).not.toContain('deferred.for_reference');
  });

  it('evidence spans slice the normalised response exactly', () => {
    const response = '防災の視点は基本方針２に含まれることから、原案のとおりとします。';
    const r = label('防災の視点を追加すべき', response);
    expect(r.label).toBe('referred');
    for (const e of r.evidence) expect(normalize(response).slice(e.start, e.end)).toBe(e.text);
  });

  it('refuses a rule that claims the derived keep_covered move or disagrees with its move', async () => {
    const { RuleSet } = await import('../pipeline/classify/rules-schema.ts');
    const base = { id: 'declined.x', label: 'declined', move: 'covered_text', patterns: ['x'], weight: 0.5, rationale: 'r', examples: ['x'] };
    expect(RuleSet.safeParse({ version: '1', description: '', rules: [base] }).error?.issues[0].message).toMatch(/argues for referred/);
    const derived = { ...base, id: 'referred.y', label: 'referred', move: 'keep_covered' };
    expect(RuleSet.safeParse({ version: '1', description: '', rules: [derived] }).error?.issues[0].message).toMatch(/derived/);
  });
});
