import { beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../pipeline/core/errors.ts';
import { normalize } from '../pipeline/core/text.ts';
import { getTokenizer, type Tokenizer } from '../pipeline/tokenize/index.ts';
import { checkCodebook } from '../pipeline/themes/codebook.ts';
import { evaluateRule, parseRule, ruleDocument, RuleSyntaxError, type RuleDocument } from '../pipeline/themes/rule-lang.ts';

let tokenizer: Tokenizer;
beforeAll(async () => {
  tokenizer = await getTokenizer();
});

function doc(text: string): RuleDocument {
  const t = normalize(text);
  return ruleDocument(t, tokenizer.tokenize(t));
}

const matches = (rule: string, text: string): boolean => evaluateRule(parseRule(rule), doc(text)).matched;

function syntaxError(rule: string): RuleSyntaxError {
  try {
    parseRule(rule);
  } catch (e) {
    if (e instanceof RuleSyntaxError) return e;
    throw e;
  }
  throw new Error(`"${rule}" parsed without error`);
}

describe('coding rules: parsing', () => {
  it('binds not tighter than and, and and tighter than or (KH Coder precedence)', () => {
    const ast = parseRule('a or b and not c');
    expect(ast.type).toBe('or');
    if (ast.type !== 'or') return;
    expect(ast.left).toMatchObject({ type: 'term', value: 'a' });
    expect(ast.right).toMatchObject({ type: 'and', left: { type: 'term', value: 'b' }, right: { type: 'not', operand: { value: 'c' } } });
    const grouped = parseRule('(a or b) and not c');
    expect(grouped.type).toBe('and');
  });

  it('reads phrases, =exact terms, near/seq with windows and full-width punctuation', () => {
    expect(parseRule('"通信の 秘密"')).toMatchObject({ type: 'phrase', value: '通信の 秘密' });
    expect(parseRule('=地方')).toMatchObject({ type: 'term', value: '地方', exact: true });
    expect(parseRule('near(監視, 国民 or 市民, 5)')).toMatchObject({ type: 'near', ordered: false, window: 5 });
    expect(parseRule('seq(規模, 問わず)')).toMatchObject({ type: 'near', ordered: true, window: 10 });
    expect(parseRule('near（ＰＱＣ，移行）')).toMatchObject({ type: 'near', args: [{ value: 'pqc' }, { value: '移行' }] });
  });

  it('reports what is wrong and at which column', () => {
    expect(syntaxError('中小企業 商工会')).toMatchObject({ offset: 5 });
    expect(syntaxError('中小企業 商工会').detail).toContain('expected "and", "or" or ")" before "商工会"');
    expect(syntaxError('a and').detail).toContain('end of rule');
    expect(syntaxError('a and').offset).toBe(5);
    expect(syntaxError('(a or b').offset).toBe(7);
    expect(syntaxError('a or b)').detail).toBe('unbalanced ")"');
    expect(syntaxError('a or "b').offset).toBe(5);
    expect(syntaxError('and b').detail).toContain('"and" needs a term');
    expect(syntaxError('near(a, 5)').detail).toContain('at least two terms');
    expect(syntaxError('near(a and b, c)').detail).toContain('not allowed inside near()');
    expect(syntaxError('   ').detail).toBe('empty rule');
  });

  it('names the codebook file, theme and column when a rule does not parse', () => {
    const book = {
      domain: 'x',
      version: '1',
      description: 'd',
      scoring: { rule_weight: 0.5, max_themes: 0, seed_prefix: '', fallback_similarity: null, calibrated_for: 'lsa' },
      themes: [
        {
          id: 'sme',
          label: { ja: '中小企業', en: 'SMEs' },
          description: 'd',
          keywords: ['中小企業'],
          rule: '中小企業 or (商工会',
          thresholds: { rule: 0, similarity: 0.6, combined: 0.3 },
          rationale: 'r',
        },
      ],
    };
    let err: unknown;
    try {
      checkCodebook(book, 'models/themes/x.json');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    const msg = (err as Error).message;
    expect(msg).toContain('models/themes/x.json');
    expect(msg).toContain('themes[0].rule column 13');
    expect(msg).toContain('rule of theme "sme"');
    // The caret sits under the end of the rule (CJK characters are two columns wide in a terminal).
    expect(msg).toMatch(/\n {2}中小企業 or \(商工会\n {2} {19}\^$/);
  });
});

describe('coding rules: evaluation on Japanese text', () => {
  it('matches a term inside a compound or domain term at word edges, never inside a word', () => {
    const r = evaluateRule(parseRule('中小企業'), doc('中小企業向けの支援策を拡充すべき。'));
    expect(r).toEqual({ matched: true, hits: ['中小企業'] });
    expect(matches('量子', '量子コンピュータによる暗号解読に備えるべき。')).toBe(true);
    expect(matches('AI', 'AI活用による検知の高度化')).toBe(true);
    expect(matches('AI', '不審なEMAILへの注意喚起')).toBe(false);
  });

  it('matches dictionary forms of inflected words', () => {
    expect(matches('守る', '重要な情報を守らなければならない。')).toBe(true);
  });

  it('=term matches whole tokens only', () => {
    expect(matches('地方', '重要インフラ事業者・地方公共団体')).toBe(true);
    expect(matches('=地方', '重要インフラ事業者・地方公共団体')).toBe(false);
    expect(matches('=地方', '地方の事業者への支援')).toBe(true);
  });

  it('matches phrases on the normalised text, ignoring word edges', () => {
    expect(matches('"通信の秘密"', '通信の秘密を侵害するおそれがある。')).toBe(true);
    expect(matches('"ＰＱＣへの移行"', 'PQCへの移行を急ぐべき')).toBe(true);
    expect(matches('"通信の秘密"', '通信を秘密にする')).toBe(false);
  });

  it('combines with and / or / not', () => {
    const text = '暗号資産の交換業者への対策を強化すべき。';
    expect(matches('暗号資産 and 対策', text)).toBe(true);
    expect(matches('暗号資産 and not 対策', text)).toBe(false);
    expect(matches('量子 or 暗号資産', text)).toBe(true);
    expect(matches('量子 or 暗号 and not 暗号資産', text)).toBe(false);
    expect(matches('not (量子 or PQC)', text)).toBe(true);
  });

  it('near() counts tokens between the words, in either order; seq() keeps the order', () => {
    const text = '国民の通信を国家が常時監視することには反対である。';
    // 国民 の 通信 を 国家 が 常時 監視: 監視 is 7 tokens after 国民.
    expect(matches('near(監視, 国民, 7)', text)).toBe(true);
    expect(matches('near(監視, 国民, 6)', text)).toBe(false);
    expect(matches('seq(国民, 監視, 7)', text)).toBe(true);
    expect(matches('seq(監視, 国民, 7)', text)).toBe(false);
    expect(matches('near(監視, 国民 or 市民, 国家, 7)', text)).toBe(true);
    expect(matches('near(監視, 国家, 国民, 5)', text)).toBe(false);
    expect(matches('near(監視, 市民)', text)).toBe(false);
  });

  it('lists the evidence that made the rule true, and none from negated or failed branches', () => {
    const text = 'アクセス・無害化措置や通信情報の利用は、国民のプライバシーを侵害するおそれがある。';
    const r = evaluateRule(parseRule('"無害化" or 通信情報 or (検閲 and プライバシー) or not 量子 or near(プライバシー, 国民, 3)'), doc(text));
    expect(r.matched).toBe(true);
    expect(r.hits).toEqual(['"無害化"', '通信情報', 'near(プライバシー, 国民)']);
  });
});
