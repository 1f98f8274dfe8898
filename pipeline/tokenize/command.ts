// `pubcom tokenize`: tokens and content words of items.jsonl (or a text file, or a literal text) as tokens.jsonl.
import { existsSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { InputError } from '../core/errors.ts';
import { readJsonl, toJsonl, writeAtomic } from '../core/io.ts';
import type { Item } from '../core/schema.ts';
import { normalize } from '../core/text.ts';
import { progress } from '../core/progress.ts';
import type { TokenRecord } from './index.ts';
import { pushAll } from '../core/arrays.ts';

interface TokenizeFlags {
  terms?: string[];
  domainTerms: boolean;
  compounds: boolean;
  field: string;
  text?: boolean;
  out?: string;
  quiet?: boolean;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function tokenizeCommand(program: Command): void {
  program
    .command('tokenize <input>')
    .description(
      'kuromoji tokens with domain terms kept whole and noun compounds joined, plus content words, one JSON line per item',
    )
    .option('--terms <file>', 'extra terms to keep whole, one per line (# comments allowed); repeatable', collect)
    .option('--no-domain-terms', 'do not apply the built-in term lists in models/terms/')
    .option('--no-compounds', 'do not join runs of nouns into compound words')
    .option('--field <field>', 'item field to tokenize: comment or response', 'comment')
    .option('--text', 'treat <input> as the text itself rather than a file name')
    .option('--out <file>', 'write tokens.jsonl here (default: standard output)')
    .option('--quiet', 'no progress bar')
    .addHelpText(
      'after',
      `
Input: items.jsonl from \`pubcom parse\` (one record per item), or a plain text file (one document per
non-empty line, ids "line N"), or with --text the text itself.

Output, one line per item: {"id","field","text" (normalised),"tokens":[{surface,base,pos,pos_detail,start,end,
merged?,parts?}],"content_words":[…]}. Offsets index into "text". merged is "term" for a listed term and
"compound" for joined nouns; parts keeps the kuromoji tokens they were built from.

Examples:
  pubcom tokenize reports/seed/items.jsonl --out reports/seed/tokens.jsonl
  pubcom tokenize reports/seed/items.jsonl --field response --terms my-terms.txt --out responses.tokens.jsonl
  pubcom tokenize --text "能動的サイバー防御とアクセス・無害化措置について"`,
    )
    .action(async (input: string, flags: TokenizeFlags) => {
      if (flags.field !== 'comment' && flags.field !== 'response') {
        throw new InputError('--field', `expected "comment" or "response", got "${flags.field}"`);
      }
      const field = flags.field;
      const { getTokenizer, loadUserTerms, tokenizeItems } = await import('./index.ts');
      const terms = (flags.terms ?? []).flatMap((f) => loadUserTerms(f));
      const items = await readInput(input, flags.text === true);
      const tokenizer = await getTokenizer({ terms, domainTerms: flags.domainTerms, compounds: flags.compounds });
      const bar = progress('tokenize', items.length, { quiet: flags.quiet });
      const records: TokenRecord[] = [];
      for (const item of items) {
        pushAll(records, tokenizeItems([item], tokenizer, field));
        bar.tick();
      }
      bar.done();
      const jsonl = toJsonl(records);
      if (flags.out) writeAtomic(flags.out, jsonl);
      else process.stdout.write(jsonl);
      if (!flags.quiet) {
        const tokens = records.reduce((n, r) => n + r.tokens.length, 0);
        const merged = records.reduce((n, r) => n + r.tokens.filter((t) => t.merged === 'term').length, 0);
        process.stderr.write(
          `tokenize: ${records.length} items, ${tokens} tokens (${merged} domain terms kept whole, ${tokenizer.matcher.size} terms listed)` +
            (flags.out ? ` → ${flags.out}` : '') +
            '\n',
        );
      }
    });
}

/** Items, or stand-in items for a text file / literal text (only id and the chosen field matter downstream). */
async function readInput(input: string, literal: boolean): Promise<Item[]> {
  if (literal) return [textItem('text', input)];
  if (!existsSync(input)) throw new InputError(input, 'no such file (to tokenize a literal text, pass --text)');
  if (/\.jsonl$/i.test(input)) return readJsonl(input, (await import('../core/schema.ts')).Item);
  const bytes = readFileSync(input);
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  if (text.includes('\u0000') || text.includes('\uFFFD')) {
    throw new InputError(input, 'expected items.jsonl or a UTF-8 text file (one document per line)');
  }
  const items: Item[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (normalize(line)) items.push(textItem(`line ${i + 1}`, line));
  });
  if (items.length === 0) throw new InputError(input, 'no text to tokenize (the file has only blank lines)');
  return items;
}

function textItem(id: string, text: string): Item {
  const clean = normalize(text);
  return {
    id,
    number: null,
    inferred_number: null,
    section: null,
    comment: clean,
    response: clean,
    comment_raw: text,
    response_raw: text,
    response_group: null,
    edits: [],
    source: { file: id },
    flags: [],
  };
}
