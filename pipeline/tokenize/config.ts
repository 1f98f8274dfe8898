// The researcher-editable settings of the tokenizer (models/terms/*.json, models/tokenize/*.json), checked on load.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { InputError } from '../core/errors.ts';
import { MODELS_DIR, readModel } from '../core/models.ts';


export const TermList = z.object({
  domain: z.string().min(1),
  description: z.string().min(1),
  groups: z
    .array(
      z.object({
        note: z.string().min(1, 'every term group needs a note saying why its terms are kept whole'),
        terms: z.array(z.string().min(1)).min(1),
      }),
    )
    .min(1),
});
export type TermList = z.infer<typeof TermList>;

export const ContentFilter = z.object({
  description: z.string(),
  keep: z
    .array(
      z.object({
        pos: z.string().min(1),
        pos_detail: z.array(z.string()).min(1),
        note: z.string().min(1),
      }),
    )
    .min(1),
  min_length: z.number().int().positive(),
  require_letter: z.boolean(),
  require_letter_note: z.string(),
  stop_words: z.array(z.object({ note: z.string().min(1), words: z.array(z.string().min(1)) })),
});
export type ContentFilter = z.infer<typeof ContentFilter>;

export const CompoundRules = z.object({
  description: z.string(),
  join_pos_detail: z.array(z.string()).min(1),
  join_pos_detail_note: z.string().min(1),
  suffix_pos_detail: z.array(z.string()),
  suffix_note: z.string(),
  suffix_never_join: z.array(z.string()),
  suffix_never_join_note: z.string(),
  require_letter: z.boolean(),
  require_letter_note: z.string(),
  max_parts: z.number().int().min(2),
  max_parts_note: z.string(),
});
export type CompoundRules = z.infer<typeof CompoundRules>;

/**
 * models/terms/<domain>.json, in file-name order, so the built-in term set does not depend on directory order.
 * `domains` keeps only the lists of those domains (file name without .json); undefined keeps every list.
 */
export function domainTermFiles(domains?: readonly string[]): string[] {
  const dir = join(MODELS_DIR, 'terms');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json') && (domains === undefined || domains.includes(f.slice(0, -'.json'.length))))
    .sort()
    .map((f) => join(dir, f));
}

export function loadTermList(path: string): string[] {
  return readModel(resolve(path), TermList).groups.flatMap((g) => g.terms);
}

/** A user's term file: one term per line; blank lines and lines starting with # are ignored. */
export function loadUserTerms(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new InputError(path, `cannot read term list (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  if (text.includes('\u0000')) throw new InputError(path, 'expected a UTF-8 text file with one term per line');
  return text
    .split(/\r?\n/)
    .map((l) => l.replace(/^\uFEFF/, '').trim())
    .filter((l) => l && !l.startsWith('#'));
}

export function loadContentFilter(path = join(MODELS_DIR, 'tokenize', 'filter.json')): ContentFilter {
  return readModel(resolve(path), ContentFilter);
}

export function loadCompoundRules(path = join(MODELS_DIR, 'tokenize', 'compounds.json')): CompoundRules {
  return readModel(resolve(path), CompoundRules);
}
