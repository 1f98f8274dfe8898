// `pubcom classify` and `pubcom train`: flags and summaries only; inputs.ts reads the files, classify.ts and
// train.ts do the work.
import { existsSync } from 'node:fs';
import { modelPath } from '../core/models.ts';
import { Option, type Command } from 'commander';
import { InputError } from '../core/errors.ts';
import { writeAtomic, writeJsonl } from '../core/io.ts';
import { pushAll } from '../core/arrays.ts';
import type { LabelRecord } from '../core/schema.ts';
import { EMBEDDER_SPEC_HELP } from '../embed/spec.ts';
import { CLASSIFIER_NAMES, type ClassifierName } from './names.ts';

/** The shipped trained model (`pubcom train`), found from the package, never the current directory. */
const SHIPPED_MODEL = modelPath('classifiers/default.json');

interface ClassifyFlags {
  /** Unset: the run's default (the first classifier `pubcom run` would use). */
  classifier?: ClassifierName;
  model?: string;
  embedder?: string;
  modelDir?: string;
  rules?: string;
  taxonomy?: string;
  out: string;
  quiet?: boolean;
}

interface TrainFlags {
  gold: string[];
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
  const review = records.filter((r) => r.needs_review === true).length;
  const parts = [...counts].sort((a, b) => b[1] - a[1]).map(([l, n]) => `${l} ${n}`);
  return (
    `${records.length} responses: ${parts.join(', ')}; ${review} need review` +
    (fallback ? `; ${fallback} by the fallback rule (no cue found: review these)` : '')
  );
}

const CLASSIFY_HELP = `
Input: items.jsonl from pubcom parse, any JSONL with "id" and "response", or a CSV whose header names
id and response (optional: comment, number, group). Output: one JSON line per input row, in input order:
  {"id","label","also","confidence","evidence":[{"start","end","text","rule","label"}],"classifier":{"name","version"}}
Evidence offsets index the NFKC-normalised, whitespace-collapsed response (JavaScript string indices).

Classifiers (default: the first one \`pubcom run\` uses, rules; see pubcom config --explain):
  rules       cue rules in models/labels/rules.json (no training); label = strongest rule by the guideline's
              priority accepted > declined > referred > deferred; empty response → none; no cue → deferred
              with confidence 0.3 and rule "fallback"
  supervised  logistic regression on character n-grams + which rules fired
  similarity  nearest labelled responses in embedding space (--embedder or the model's)
  ensemble    stacked, calibrated combination of the three
  supervised, similarity and ensemble read --model, by default the shipped models/classifiers/default.json
  (the model \`pubcom run\` uses). A label the classifier is not sure of has "needs_review": true; the summary
  on stderr counts them.

Examples:
  pubcom classify reports/seed/items.jsonl --out reports/seed/labels.rules.jsonl
  pubcom classify responses.csv --classifier ensemble --out labels.jsonl      # the shipped model
  pubcom classify responses.csv --classifier ensemble --model models/classifiers/mine.json --out labels.jsonl
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
  pubcom train --gold data/labels/real/seed.jsonl data/labels/real/meti-ene7th.jsonl data/labels/real/env6th-an.jsonl --embedder none --out models/classifiers/default.json
  pubcom train --gold data/labels/seed.gold.jsonl --items seeds/000_555981824ba784d2.txt --out models/classifiers/seed-only.json
  pubcom train --gold my-labels.jsonl --embedder none --out models/classifiers/mine.json
`;

async function loadRulesFrom(flags: { rules?: string; taxonomy?: string }) {
  const { loadRules } = await import('./rules-schema.ts');
  return flags.rules || flags.taxonomy ? loadRules(flags.rules, flags.taxonomy) : loadRules();
}

export function classifyCommand(program: Command): void {
  program
    .command('classify <input>')
    .description('label each government response: accepted / declined / referred / deferred / none, with evidence')
    .addOption(new Option('--classifier <name>', "which classifier (default: the run's first, rules)").choices(CLASSIFIER_NAMES))
    .option('--model <file>', 'trained model from pubcom train for supervised, similarity, ensemble (default models/classifiers/default.json)')
    .option('--embedder <spec>', `embedder for similarity (default: the model's): ${EMBEDDER_SPEC_HELP}`)
    .option('--model-dir <dir>', 'folder holding transformers model folders (default: models/embedders/ of the package)')
    .option('--rules <file>', 'cue rules file (default models/labels/rules.json)')
    .option('--taxonomy <file>', 'taxonomy file (default models/labels/taxonomy.json)')
    .requiredOption('--out <file>', 'labels JSONL to write')
    .option('--quiet', 'no summary on stderr')
    .addHelpText('after', CLASSIFY_HELP)
    .action(async (input: string, flags: ClassifyFlags) => {
      const { readClassifyInputs } = await import('./inputs.ts');
      const { readModel } = await import('./model.ts');
      const { classify } = await import('./classify.ts');
      const { createEmbedder } = await import('../embed/index.ts');
      const { defaultConfig } = await import('../run/config.ts');
      const name = flags.classifier ?? defaultConfig().classifiers[0];
      const rules = await loadRulesFrom(flags);
      const inputs = readClassifyInputs(input);
      if (!inputs.length) throw new InputError(input, 'no rows to classify');
      const modelFile = flags.model ?? (name !== 'rules' ? SHIPPED_MODEL : undefined);
      if (modelFile && !flags.model && !existsSync(modelFile)) {
        throw new InputError('--model', `the ${name} classifier needs a trained model and ${SHIPPED_MODEL} does not exist: run \`pubcom train\` and pass --model`);
      }
      const model = modelFile ? readModel(modelFile) : undefined;
      if (model && model.rules_version !== rules.version && !flags.quiet) {
        process.stderr.write(
          `pubcom classify: note: ${modelFile} was trained with rules ${model.rules_version}, the rules are now ${rules.version}; retrain it (pubcom train) so its rule features match\n`,
        );
      }
      const factory = (spec: string) => createEmbedder(spec, { modelDir: flags.modelDir });
      const embedder = flags.embedder ? await factory(flags.embedder) : undefined;
      if (embedder && model?.similarity.embedder && flags.embedder !== model.similarity.embedder && !flags.quiet) {
        process.stderr.write(`pubcom classify: note: model was trained with embedder "${model.similarity.embedder}", using "${flags.embedder}"\n`);
      }
      const records = await classify(inputs, { classifier: name, model, embedder, embedderFactory: factory, rules });
      writeJsonl(flags.out, records);
      if (!flags.quiet) process.stderr.write(`pubcom classify (${name}): ${summary(records)} → ${flags.out}\n`);
    });

  program
    .command('train')
    .description('train the supervised, similarity and ensemble classifiers on a labelled file')
    .requiredOption('--gold <files...>', 'labelled rows (JSONL): disposition + response (+ comment), or keys to join --items; several files are joined')
    .option('--items <file>', 'items.jsonl or a result document, for labelled rows without response text')
    .requiredOption('--out <file>', 'model file to write (e.g. models/classifiers/default.json)')
    .option('--embedder <spec>', `embedder for similarity and the ensemble, or "none": ${EMBEDDER_SPEC_HELP}`, 'lsa')
    .option('--model-dir <dir>', 'folder holding transformers model folders (default: models/embedders/ of the package)')
    .option('--embedding-features', 'also feed the embedding to the supervised model')
    .option('--rules <file>', 'cue rules file (default models/labels/rules.json)')
    .option('--taxonomy <file>', 'taxonomy file (default models/labels/taxonomy.json)')
    .option('--quiet', 'no summary on stderr')
    .addHelpText('after', TRAIN_HELP)
    .action(async (flags: TrainFlags) => {
      const { readLabelledRows } = await import('./inputs.ts');
      const { trainModel } = await import('./train.ts');
      const { createEmbedder } = await import('../embed/index.ts');
      const loaded = await loadRulesFrom(flags);
      const rows: Awaited<ReturnType<typeof readLabelledRows>>['rows'] = [];
      const unmatched: string[] = [];
      for (const gold of flags.gold) {
        const read = await readLabelledRows(gold, flags.items);
        pushAll(rows, read.rows);
        pushAll(unmatched, read.unmatched.map((u) => `${gold}: ${u}`));
      }
      const seen = new Set<string>();
      for (const r of rows) {
        if (seen.has(r.id)) throw new InputError(flags.gold.join(', '), `id "${r.id}" appears twice: give the rows of different files distinct ids`);
        seen.add(r.id);
      }
      if (!rows.length) throw new InputError(flags.gold.join(', '), `no labelled row could be used (${unmatched[0] ?? 'file is empty'})`);
      const embedder = flags.embedder === 'none' ? null : await createEmbedder(flags.embedder, { modelDir: flags.modelDir });
      const { model, skipped } = await trainModel(rows, {
        loaded,
        embedder,
        embedderSpec: embedder ? flags.embedder : null,
        embeddingFeatures: flags.embeddingFeatures,
        source: flags.gold.join(' '),
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
