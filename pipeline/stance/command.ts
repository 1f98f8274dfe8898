// `pubcom stance`: each comment's stance (support / oppose / request / question) with the spans that decided it.
// Flags and the summary only; the stage (stance.ts) does the work.
import type { Command } from 'commander';
import { InputError } from '../core/errors.ts';
import type { StanceRecord } from '../core/schema.ts';

interface StanceFlags {
  out: string;
  rules?: string;
  quiet?: boolean;
}

const STANCE_HELP = `
Input: items.jsonl from pubcom parse, a run folder's items.jsonl, or any JSONL with "id" and "comment".
Output: one JSON line per input row, in input order:
  {"id","stance":"support"|"oppose"|"request"|"question"|null,"confidence","evidence":[{"start","end","text","rule","stance"}]}
Evidence offsets index the NFKC-normalised, whitespace-collapsed comment (JavaScript string indices); an empty
comment has stance null. \`pubcom run\` runs this stage itself (items.csv's stance columns, the
disposition_stance table).

Examples:
  pubcom stance reports/seed/items.jsonl --out reports/seed/stance.jsonl
  pubcom stance items.jsonl --rules my-stance.json --out stance.jsonl      # edited cue rules
`;

function summary(records: readonly StanceRecord[]): string {
  const counts = new Map<string, number>();
  for (const r of records) counts.set(r.stance ?? 'null', (counts.get(r.stance ?? 'null') ?? 0) + 1);
  const parts = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([s, n]) => `${s} ${n}`);
  return `${records.length} comments: ${parts.join(', ')}`;
}

export function stanceCommand(program: Command): void {
  program
    .command('stance <input>')
    .description("each comment's stance: support / oppose / request / question, with the words that decided it")
    .requiredOption('--out <file>', 'stance JSONL to write (e.g. --out stance.jsonl)')
    .option('--rules <file>', 'stance cue rules (default models/labels/stance.json)')
    .option('--quiet', 'no summary on stderr')
    .addHelpText('after', STANCE_HELP)
    .action(async (input: string, flags: StanceFlags) => {
      const { z } = await import('zod');
      const { readJsonl, writeJsonl } = await import('../core/io.ts');
      const { loadStanceRules, stanceItems } = await import('./index.ts');
      const rows = readJsonl(input, z.object({ id: z.string().min(1), comment: z.string().nullable().optional() }));
      if (!rows.length) throw new InputError(input, 'no rows to read a stance from');
      const rules = flags.rules ? loadStanceRules(flags.rules) : loadStanceRules();
      const records = stanceItems(rows.map((r) => ({ id: r.id, comment: r.comment ?? '' })), rules);
      writeJsonl(flags.out, records);
      if (!flags.quiet) process.stderr.write(`pubcom stance: ${summary(records)} → ${flags.out}\n`);
    });
}
