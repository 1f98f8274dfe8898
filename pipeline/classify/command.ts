// `pubcom classify` and `pubcom train`: flags, file reading and summaries only; the work is in index.ts/train.ts.
import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { parse as parseCsv } from 'csv-parse/sync';
import { z } from 'zod';
import { InputError } from '../core/errors.ts';
import { readJsonl, writeAtomic, writeJsonl } from '../core/io.ts';
import { Item, type LabelRecord } from '../core/schema.ts';
import { cleanText, commentHead, normalize } from '../core/text.ts';
import { createEmbedder, EMBEDDER_SPEC_HELP } from '../embed/index.ts';
import { decodeText } from '../parse/detect.ts';
import { parseDocument } from '../parse/index.ts';
import { classify } from './classify.ts';
import { readModel } from './model.ts';
import { loadRules } from './rules-schema.ts';
import { trainModel } from './train.ts';
import { CLASSIFIER_NAMES, ClassifyInput, type ClassifierName, type LabelledRow } from './types.ts';

const CSV_COLUMNS: Record<string, keyof ClassifyInput> = {
  id: 'id',
  response: 'response',
  comment: 'comment',
  number: 'number',
  group: 'response_group',
  response_group: 'response_group',
};

/** JSONL (Items or any rows with id and response) or CSV with a header row naming at least id and response. */
export function readClassifyInputs(path: string): ClassifyInput[] {
  if (/\.csv$/i.test(path)) return readCsvInputs(path);
  return readJsonl(path, ClassifyInput);
}

function readCsvInputs(path: string): ClassifyInput[] {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new InputError(path, `cannot read file (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  const { text } = decodeText(path, bytes);
  let records: string[][];
  try {
    records = parseCsv(text, { relax_column_count: true, skip_empty_lines: true }) as string[][];
  } catch (e) {
    throw new InputError(path, `malformed CSV: ${(e as Error).message}`);
  }
  if (!records.length) throw new InputError(path, 'empty CSV: expected a header row with id and response columns');
  const header = records[0].map((h) => normalize(h).toLowerCase());
  const columns = header.map((h) => CSV_COLUMNS[h]);
  for (const required of ['id', 'response'] as const) {
    if (!columns.includes(required)) {
      throw new InputError(path, `no "${required}" column (header: ${records[0].join(', ')}); expected columns id, response[, comment, number, group]`, 'row 1');
    }
  }
  return records.slice(1).map((cells, r) => {
    const row: Record<string, string> = {};
    columns.forEach((c, j) => {
      if (c && cells[j] !== undefined) row[c] = c === 'response' || c === 'comment' ? cleanText(cells[j]) : cells[j].trim();
    });
    if (!row.id) throw new InputError(path, 'empty id', `row ${r + 2}`);
    return ClassifyInput.parse({ ...row, response: row.response ?? '', response_group: row.response_group || null });
  });
}

/** A labelled row as researchers write them: GoldRecord fields, `label` accepted for `disposition`. */
const LabelledLine = z
  .object({
    id: z.string().optional(),
    number: z.union([z.string(), z.number()]).nullable().optional(),
    comment_head: z.string().optional(),
    comment: z.string().optional(),
    response: z.string().optional(),
    disposition: z.string().optional(),
    label: z.string().optional(),
    group: z.string().nullable().optional(),
    response_group: z.string().nullable().optional(),
  })
  .refine((r) => r.disposition !== undefined || r.label !== undefined, { message: 'needs "disposition" (or "label")' });
type LabelledLine = z.infer<typeof LabelledLine>;

async function readItems(path: string): Promise<Item[]> {
  if (/\.jsonl$/i.test(path)) return readJsonl(path, Item);
  return (await parseDocument(path)).items;
}

/**
 * Labelled rows for training. Rows without response text are joined to --items by id, then number, then
 * comment_head; rows that cannot be joined are reported, never dropped silently.
 */
export async function readLabelledRows(goldPath: string, itemsPath?: string): Promise<{ rows: LabelledRow[]; unmatched: string[] }> {
  const lines = readJsonl(goldPath, LabelledLine);
  const items = itemsPath ? await readItems(itemsPath) : [];
  const byId = new Map(items.map((i) => [i.id, i]));
  const byNumber = new Map<string, Item>();
  const byHead = new Map<string, Item>();
  for (const it of items) {
    const n = it.number ?? it.inferred_number;
    if (n && !byNumber.has(n)) byNumber.set(n, it);
    const head = commentHead(it.comment);
    if (head && !byHead.has(head)) byHead.set(head, it);
  }
  const rows: LabelledRow[] = [];
  const unmatched: string[] = [];
  lines.forEach((l: LabelledLine, i) => {
    const label = (l.disposition ?? l.label)!;
    const where = l.id ?? (l.number !== undefined && l.number !== null ? `number ${l.number}` : `line ${i + 1}`);
    let item: Item | undefined;
    if (l.response === undefined) {
      item =
        (l.id ? byId.get(l.id) : undefined) ??
        (l.number !== undefined && l.number !== null ? byNumber.get(String(l.number)) : undefined) ??
        (l.comment_head ? byHead.get(normalize(l.comment_head)) : undefined);
      if (!item) {
        unmatched.push(`${where}: no response text and no matching item${itemsPath ? '' : ' (pass --items)'}`);
        return;
      }
    }
    rows.push({
      id: item?.id ?? l.id ?? `${goldPath}#${l.number ?? i + 1}`,
      response: item ? item.response : cleanText(l.response!),
      label,
      group: item?.response_group ?? l.response_group ?? l.group ?? null,
    });
  });
  return { rows, unmatched };
}

interface ClassifyFlags {
  classifier: ClassifierName;
  model?: string;
  embedder?: string;
  modelDir?: string;
  rules?: string;
  taxonomy?: string;
  out: string;
  quiet?: boolean;
}

interface TrainFlags {
  gold: string;
  items?: string;
  out: string;
  embedder: string;
  modelDir?: string;
  embeddingFeatures?: boolean;
  rules?: string;
  taxonomy?: string;
  quiet?: boolean;
}

function summary(records: readonly LabelRecord[]): string {
  const counts = new Map<string, number>();
  for (const r of records) counts.set(r.label, (counts.get(r.label) ?? 0) + 1);
  const fallback = records.filter((r) => r.evidence.some((e) => e.rule === 'fallback' || e.rule.endsWith(':unresolved'))).length;
  const parts = [...counts].sort((a, b) => b[1] - a[1]).map(([l, n]) => `${l} ${n}`);
  return `${records.length} responses: ${parts.join(', ')}${fallback ? `; ${fallback} by the fallback rule (no cue found: review these)` : ''}`;
}

const CLASSIFY_HELP = `
Input: items.jsonl from pubcom parse, any JSONL with "id" and "response", or a CSV whose header names
id and response (optional: comment, number, group). Output: one JSON line per input row, in input order:
  {"id","label","also","confidence","evidence":[{"start","end","text","rule","label"}],"classifier":{"name","version"}}
Evidence offsets index the NFKC-normalised, whitespace-collapsed response (JavaScript string indices).

Classifiers:
  rules       cue rules in models/labels/rules.json (no training); label = strongest rule by the guideline's
              priority accepted > declined > referred > deferred; empty response → none; no cue → deferred
              with confidence 0.3 and rule "fallback"
  supervised  logistic regression on character n-grams + which rules fired (needs --model)
  similarity  nearest labelled responses in embedding space (needs --model; --embedder or the model's)
  ensemble    stacked, calibrated combination of the three (needs --model)

Examples:
  pubcom classify reports/seed/items.jsonl --out reports/seed/labels.rules.jsonl
  pubcom classify responses.csv --classifier ensemble --model models/classifiers/default.json --out labels.jsonl
  pubcom classify items.jsonl --classifier similarity --model models/classifiers/default.json --embedder lsa:dim=64 --out sim.jsonl
  pubcom classify items.jsonl --rules my-rules.json --out labels.jsonl      # edited rules for a new round
`;

const TRAIN_HELP = `
--gold is a JSONL of labelled rows: "disposition" (or "label"), and either "response" text or keys to join
--items by (id, number or comment_head, as in data/labels/seed.gold.jsonl). --items may be an items.jsonl or
any document pubcom parse reads (it is parsed on the fly).
The model file holds the supervised weights, the labelled examples similarity searches, the ensemble's
stacker, the settings used (models/labels/classifier-settings.json) and the training rows' sha256.

Examples:
  pubcom train --gold data/labels/seed.gold.jsonl --items seeds/000_555981824ba784d2.txt --out models/classifiers/default.json
  pubcom train --gold my-labels.jsonl --embedder none --out models/classifiers/mine.json
`;

function loadRulesFrom(flags: { rules?: string; taxonomy?: string }) {
  return flags.rules || flags.taxonomy ? loadRules(flags.rules, flags.taxonomy) : loadRules();
}

export function classifyCommand(program: Command): void {
  program
    .command('classify <input>')
    .description('label each government response: accepted / declined / referred / deferred / none, with evidence')
    .addOption(new Option('--classifier <name>', 'which classifier').choices(CLASSIFIER_NAMES).default('rules'))
    .option('--model <file>', 'trained model from pubcom train (supervised, similarity, ensemble)')
    .option('--embedder <spec>', `embedder for similarity (default: the model's): ${EMBEDDER_SPEC_HELP}`)
    .option('--model-dir <dir>', 'folder holding transformers model folders', 'models/embedders')
    .option('--rules <file>', 'cue rules file (default models/labels/rules.json)')
    .option('--taxonomy <file>', 'taxonomy file (default models/labels/taxonomy.json)')
    .requiredOption('--out <file>', 'labels JSONL to write')
    .option('--quiet', 'no summary on stderr')
    .addHelpText('after', CLASSIFY_HELP)
    .action(async (input: string, flags: ClassifyFlags) => {
      const rules = loadRulesFrom(flags);
      const inputs = readClassifyInputs(input);
      if (!inputs.length) throw new InputError(input, 'no rows to classify');
      const model = flags.model ? readModel(flags.model) : undefined;
      if (model && model.rules_version !== rules.version && !flags.quiet) {
        process.stderr.write(
          `pubcom classify: note: ${flags.model} was trained with rules ${model.rules_version}, the rules are now ${rules.version}; retrain it (pubcom train) so its rule features match\n`,
        );
      }
      const factory = (spec: string) => createEmbedder(spec, { modelDir: flags.modelDir });
      const embedder = flags.embedder ? await factory(flags.embedder) : undefined;
      if (embedder && model?.similarity.embedder && flags.embedder !== model.similarity.embedder && !flags.quiet) {
        process.stderr.write(`pubcom classify: note: model was trained with embedder "${model.similarity.embedder}", using "${flags.embedder}"\n`);
      }
      const records = await classify(inputs, { classifier: flags.classifier, model, embedder, embedderFactory: factory, rules });
      writeJsonl(flags.out, records);
      if (!flags.quiet) process.stderr.write(`pubcom classify (${flags.classifier}): ${summary(records)} → ${flags.out}\n`);
    });

  program
    .command('train')
    .description('train the supervised, similarity and ensemble classifiers on a labelled file')
    .requiredOption('--gold <file>', 'labelled rows (JSONL): disposition + response, or keys to join --items')
    .option('--items <file>', 'items.jsonl or a result document, for labelled rows without response text')
    .requiredOption('--out <file>', 'model file to write (e.g. models/classifiers/default.json)')
    .option('--embedder <spec>', `embedder for similarity and the ensemble, or "none": ${EMBEDDER_SPEC_HELP}`, 'lsa')
    .option('--model-dir <dir>', 'folder holding transformers model folders', 'models/embedders')
    .option('--embedding-features', 'also feed the embedding to the supervised model')
    .option('--rules <file>', 'cue rules file (default models/labels/rules.json)')
    .option('--taxonomy <file>', 'taxonomy file (default models/labels/taxonomy.json)')
    .option('--quiet', 'no summary on stderr')
    .addHelpText('after', TRAIN_HELP)
    .action(async (flags: TrainFlags) => {
      const loaded = loadRulesFrom(flags);
      const { rows, unmatched } = await readLabelledRows(flags.gold, flags.items);
      if (!rows.length) throw new InputError(flags.gold, `no labelled row could be used (${unmatched[0] ?? 'file is empty'})`);
      const embedder = flags.embedder === 'none' ? null : await createEmbedder(flags.embedder, { modelDir: flags.modelDir });
      const { model, skipped } = await trainModel(rows, {
        loaded,
        embedder,
        embedderSpec: embedder ? flags.embedder : null,
        embeddingFeatures: flags.embeddingFeatures,
        source: flags.gold,
      });
      writeAtomic(flags.out, JSON.stringify(model) + '\n');
      if (!flags.quiet) {
        const notUsed = [...unmatched, ...skipped.map((s) => `${s.id}: ${s.reason}`)];
        process.stderr.write(
          `pubcom train: ${model.training.rows} rows (${Object.entries(model.training.labels).map(([l, n]) => `${l} ${n}`).join(', ')}), ` +
            `training sha256 ${model.training.sha256.slice(0, 12)}…, embedder ${model.similarity.embedder ?? 'none'} → ${flags.out}\n` +
            (notUsed.length ? `  not used (${notUsed.length}):\n${notUsed.map((s) => `    ${s}`).join('\n')}\n` : ''),
        );
      }
    });
}
