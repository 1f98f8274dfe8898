// A researcher's codebook (models/themes/<domain>.json): themes with a coding rule, seed text and thresholds.
// Loading validates the JSON with zod and parses every rule, so a typo fails at load time with its position.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { InputError } from '../core/errors.ts';
import { parseRule, RuleSyntaxError, type RuleNode } from './rule-lang.ts';

export const ThemeThresholds = z
  .object({
    /** A rule hit assigns the theme when the comment's similarity to the theme is at least this (0: the rule alone decides). */
    rule: z.number().min(-1).max(1),
    /** Similarity at or above which the theme is assigned without a rule hit. */
    similarity: z.number().min(-1).max(1),
    /** Similarity at or above which the theme is assigned when the rule did not fire but one of its keywords occurs. */
    combined: z.number().min(-1).max(1),
  })
  .strict();
export type ThemeThresholds = z.infer<typeof ThemeThresholds>;

export const CodebookTheme = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9_]*$/, 'theme ids are lower-case ASCII, digits and "_", e.g. "acd_privacy"'),
    label: z.object({ ja: z.string().min(1), en: z.string().min(1) }).strict(),
    /** What the theme covers, in the codebook's language: embedded (with the keywords) as the theme's seed. */
    description: z.string().min(1),
    /** Vocabulary of the theme: part of the seed text, and evidence for the keyword + similarity path. */
    keywords: z.array(z.string().min(1)).min(1),
    /** Boolean coding rule (pipeline/themes/README.md). */
    rule: z.string().min(1),
    thresholds: ThemeThresholds,
    /** Why the rule and thresholds are what they are: quoted in methods sections. */
    rationale: z.string().min(1),
  })
  .strict();
export type CodebookTheme = z.infer<typeof CodebookTheme>;

export const CodebookFile = z
  .object({
    /** e.g. "cybersecurity"; names the file models/themes/<domain>.json. */
    domain: z.string().min(1),
    version: z.string().min(1),
    description: z.string().min(1),
    scoring: z
      .object({
        /** Weight of a rule hit in a theme's score: score = rule_weight × [rule fired] + (1 − rule_weight) × similarity. */
        rule_weight: z.number().min(0).max(1),
        /** At most this many themes per comment (highest scores kept); 0 = no limit. */
        max_themes: z.number().int().min(0),
        /** Prefix of the seed text embedded for each theme (e.g. an instruction for a query-style model); may be "". */
        seed_prefix: z.string(),
        /**
         * A comment no theme was assigned to gets its most similar theme when that similarity is at least this
         * (the guideline gives every comment one theme or more); null leaves such comments without a theme.
         */
        fallback_similarity: z.number().min(-1).max(1).nullable(),
        /** Embedder (spec prefix, e.g. "lsa") the similarity thresholds were calibrated on; others get a warning. */
        calibrated_for: z.string().min(1),
      })
      .strict(),
    /**
     * When `run --codebook auto` applies this codebook (pipeline/themes/fit.ts): shares of the document's comments
     * its rules must hit and its domain vocabulary must occur in. Omitted: FIT_DEFAULTS.
     */
    fit: z
      .object({
        min_rule_share: z.number().min(0).max(1),
        min_vocabulary_share: z.number().min(0).max(1),
        rationale: z.string().min(1),
      })
      .strict()
      .optional(),
    themes: z.array(CodebookTheme).min(1),
  })
  .strict();
export type CodebookFile = z.infer<typeof CodebookFile>;

export interface LoadedTheme extends CodebookTheme {
  ast: RuleNode;
  /** Keywords folded like rule terms (NFKC, ASCII lower case). */
  keywordTerms: string[];
}

export interface Codebook extends Omit<CodebookFile, 'themes'> {
  /** The file it came from (messages, output provenance). */
  file: string;
  themes: LoadedTheme[];
}

/** The text embedded (kind "query") as a theme's seed: label, description and keywords. */
export function seedText(codebook: Pick<Codebook, 'scoring'>, theme: CodebookTheme): string {
  return `${codebook.scoring.seed_prefix}${theme.label.ja}: ${theme.description} ${theme.keywords.join('、')}`;
}

/** Terminal columns of a string: CJK and full-width characters take two, so the caret lines up under the rule. */
function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += /[\u1100-\u115F\u2E80-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6]/.test(ch) ? 2 : 1;
  return w;
}

/** Validates a parsed codebook document; `file` names it in every message. */
export function checkCodebook(value: unknown, file: string): Codebook {
  const parsed = CodebookFile.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(file, `${issue.path.join('.') || 'codebook'}: ${issue.message}`);
  }
  const seen = new Set<string>();
  const themes: LoadedTheme[] = parsed.data.themes.map((t, i) => {
    if (seen.has(t.id)) throw new InputError(file, `duplicate theme id "${t.id}"`, `themes[${i}]`);
    seen.add(t.id);
    let ast: RuleNode;
    try {
      ast = parseRule(t.rule);
    } catch (e) {
      if (!(e instanceof RuleSyntaxError)) throw e;
      const caret = `${' '.repeat(displayWidth(t.rule.slice(0, e.offset)))}^`;
      throw new InputError(
        file,
        `rule of theme "${t.id}": ${e.detail} (column ${e.offset + 1})\n  ${t.rule}\n  ${caret}`,
        `themes[${i}].rule column ${e.offset + 1}`,
      );
    }
    const keywordTerms = t.keywords.map((k) => k.normalize('NFKC').replace(/[A-Z]/g, (c) => c.toLowerCase()));
    return { ...t, ast, keywordTerms };
  });
  return { ...parsed.data, file, themes };
}

export function loadCodebook(path: string): Codebook {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new InputError(path, e instanceof SyntaxError ? `invalid JSON: ${e.message}` : 'cannot read codebook file');
  }
  return checkCodebook(value, path);
}

export { DEFAULT_CODEBOOK } from './defaults.ts';
