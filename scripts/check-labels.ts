// Checks a hand-labelled set (default data/labels/other-ministries.jsonl) against its zod schema and the
// guideline's rules, and prints its label counts. Exit 0 when clean, 1 when a rule is broken, 2 on bad input.
//   npx tsx scripts/check-labels.ts [file.jsonl] [--min-per-label 15]
import { InputError } from '../pipeline/core/errors.ts';
import { checkLabelledSet, labelCounts, readLabelledSet } from '../pipeline/eval/labelled-set.ts';

const args = process.argv.slice(2);
const minAt = args.indexOf('--min-per-label');
const min = minAt >= 0 ? Number(args[minAt + 1]) : 15;
const file = args.find((a, i) => !a.startsWith('--') && (minAt < 0 || i !== minAt + 1)) ?? 'data/labels/other-ministries.jsonl';

try {
  const rows = readLabelledSet(file);
  const problems = checkLabelledSet(rows);
  const counts = labelCounts(rows);
  const alsoCounts = new Map<string, number>();
  for (const r of rows) for (const a of r.also) alsoCounts.set(a, (alsoCounts.get(a) ?? 0) + 1);
  const docs = new Set(rows.map((r) => r.doc));
  const pointers = rows.filter((r) => r.response_group).length;
  console.log(`${file}: ${rows.length} rows, ${docs.size} documents, ${pointers} rows in response groups`);
  console.log(`labels: ${Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  console.log(`also:   ${[...alsoCounts].map(([k, v]) => `${k} ${v}`).join(', ') || '(none)'}`);
  for (const label of ['accepted', 'declined', 'referred', 'deferred'] as const) {
    if (counts[label] < min) problems.push({ id: '-', problem: `only ${counts[label]} ${label} rows (want ≥ ${min})` });
  }
  for (const p of problems) console.log(`PROBLEM ${p.id}: ${p.problem}`);
  console.log(problems.length ? `${problems.length} problem(s)` : 'ok');
  process.exit(problems.length ? 1 : 0);
} catch (e) {
  if (e instanceof InputError) {
    console.error(`check-labels: error: ${e.message}`);
    process.exit(2);
  }
  throw e;
}
