// A small, readable run set for the report tests: real-style comments and answers (several taken from the seed
// document), two classifiers that disagree once, shared answers, a duplicate pair, and hostile text
// (markup, a formula, quotes, line breaks) that every writer must escape.
import type { Disposition, Item } from '../../pipeline/core/schema.ts';
import type { ItemLabel, RunItem, RunSet } from '../../pipeline/report/schema.ts';

interface Row {
  n: string;
  section: string;
  comment: string;
  response: string;
  rules: [Disposition, string[]];
  other: Disposition;
  themes: string[];
  dup?: string;
  tpl?: string;
  cluster: string;
  xy: [number, number];
}

const S1 = 'サイバーセキュリティ戦略全体に係る意見';
const S2 = '能動的サイバー防御に係る意見';
const S3 = 'その他';
const ACD = '能動的サイバー防御の実施に当たっては、通信の秘密に十分配慮し、国会による監視の下で適正に運用することとしています。';

const ROWS: Row[] = [
  { n: '1', section: S1, comment: '本戦略案が示す、巧妙化・深刻化するサイバー脅威への対応強化という方向性には全面的に賛同する。', response: '賛同意見として承りました。', rules: ['deferred', ['賛同意見として承りました']], other: 'deferred', themes: ['strategy_general'], cluster: 'c1', xy: [0.1, 0.2] },
  { n: '2', section: S1, comment: '地域の中小企業が対策を講じられるよう、補助制度を拡充すべき。', response: 'ご指摘を踏まえ、以下のとおり修正します。「中小企業を含むサプライチェーン全体の対策を支援する」', rules: ['accepted', ['以下のとおり修正します']], other: 'accepted', themes: ['sme', 'supply_chain'], cluster: 'c2', xy: [0.8, 0.7] },
  { n: '3', section: S2, comment: 'アクセス・無害化措置は通信の秘密を侵害するおそれがあり、反対である。', response: ACD, rules: ['referred', ['適正に運用することとしています']], other: 'declined', themes: ['acd_privacy'], tpl: 'T1', cluster: 'c3', xy: [-0.5, 0.4] },
  { n: '4', section: S2, comment: '能動的サイバー防御の運用を監視する独立機関を設けるべき。', response: ACD, rules: ['referred', ['適正に運用することとしています']], other: 'referred', themes: ['acd_privacy'], tpl: 'T1', dup: 'D1', cluster: 'c3', xy: [-0.6, 0.5] },
  { n: '5', section: S2, comment: '能動的サイバー防御の運用を監視する独立機関を設けるべき。', response: ACD, rules: ['referred', ['適正に運用することとしています']], other: 'referred', themes: ['acd_privacy'], tpl: 'T1', dup: 'D1', cluster: 'c3', xy: [-0.55, 0.45] },
  { n: '6', section: S2, comment: '耐量子計算機暗号への移行計画を明記すべき。', response: '原案のとおりとさせていただきます。', rules: ['declined', ['原案のとおり']], other: 'declined', themes: ['pqc'], cluster: 'c2', xy: [0.9, -0.3] },
  { n: '7', section: S3, comment: '=HYPERLINK("http://example.invalid","click") <script>alert("x")</script> & "引用" の扱い\n二行目', response: '', rules: ['none', []], other: 'none', themes: [], cluster: 'outlier', xy: [0.0, -0.9] },
  { n: '8', section: S3, comment: '人材育成のため情報処理安全確保支援士の活用を進めるべき。', response: '今後の施策の参考とさせていただきます。なお、人材育成については III. 3. で述べているとおりです。', rules: ['referred', ['述べているとおりです']], other: 'deferred', themes: ['talent'], cluster: 'c1', xy: [0.2, 0.1] },
];

export const FIXTURE_CLASSIFIERS = [
  { name: 'rules', version: '1.0.0' },
  { name: 'other', version: '0.1.0' },
];

function label(classifier: string, response: string, d: Disposition, cues: string[], confidence: number): ItemLabel {
  return {
    classifier,
    version: classifier === 'rules' ? '1.0.0' : '0.1.0',
    label: d,
    also: [],
    confidence,
    evidence: cues.map((cue, i) => {
      const start = response.indexOf(cue);
      return { start, end: start + cue.length, text: cue, rule: `${d}.cue${i + 1}`, label: d };
    }),
  };
}

export function fixtureRun(opts: { classifiers?: 1 | 2 } = {}): RunSet {
  const two = (opts.classifiers ?? 2) === 2;
  const items: RunItem[] = ROWS.map((r, i) => {
    const item: Item = {
      id: `fixture#${r.n}`,
      number: r.n,
      inferred_number: null,
      section: r.section,
      comment: r.comment,
      response: r.response,
      comment_raw: r.comment,
      response_raw: r.response,
      response_group: r.tpl ? 'g3' : null,
      edits: [],
      source: { file: 'fixture.txt', lines: [10 + i] },
      flags: r.response ? [] : ['missing_response'],
    };
    return {
      ...item,
      labels: [
        label('rules', r.response, r.rules[0], r.rules[1], 0.9),
        ...(two ? [label('other', r.response, r.other, [], 0.6)] : []),
      ],
      themes: r.themes.map((t, k) => ({ theme: t, score: 1 - k * 0.2, source: k ? 'similarity' : 'both', hits: [] })),
      duplicate_group: r.dup ?? null,
      response_template: r.tpl ?? null,
      cluster: r.cluster,
      map: { x: r.xy[0], y: r.xy[1] },
    };
  });
  return {
    info: {
      name: 'fixture',
      document: 'fixture.txt',
      tool_version: '0.0.0-test',
      parse_notes: [],
      analysis_notes: [],
      classifiers: two ? FIXTURE_CLASSIFIERS : FIXTURE_CLASSIFIERS.slice(0, 1),
      themes: [
        { id: 'acd_privacy', label_ja: '能動的サイバー防御・プライバシー', label_en: 'Active cyber defence & privacy' },
        { id: 'sme', label_ja: '中小企業', label_en: 'SMEs' },
        { id: 'pqc', label_ja: '耐量子計算機暗号', label_en: 'Post-quantum cryptography' },
        { id: 'talent', label_ja: '人材', label_en: 'Talent' },
        { id: 'supply_chain', label_ja: 'サプライチェーン', label_en: 'Supply chain' },
        { id: 'strategy_general', label_ja: '戦略全般', label_en: 'Strategy in general' },
      ],
      clusters: [
        { id: 'c1', size: 2, keywords: ['戦略', '人材育成'], representatives: ['fixture#1', 'fixture#8'], outlier: false },
        { id: 'c2', size: 2, keywords: ['中小企業', '暗号'], representatives: ['fixture#2'], outlier: false },
        { id: 'c3', size: 3, keywords: ['能動的サイバー防御', '通信の秘密'], representatives: ['fixture#4', 'fixture#3'], outlier: false },
        { id: 'outlier', size: 1, keywords: [], representatives: ['fixture#7'], outlier: true },
      ],
    },
    items,
  };
}
