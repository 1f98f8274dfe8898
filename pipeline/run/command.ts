// `pubcom run`, `pubcom config` and `pubcom diff-runs`: flags in, library calls, files out.
import { Option, type Command } from 'commander';
import { InputError } from '../core/errors.ts';
import { writeAtomic } from '../core/io.ts';
import { FORMATS } from '../parse/detect.ts';
import type { RunFlags } from './flags.ts';

const RUN_HELP = `
Writes to the run folder:
  items.csv, items.jsonl      one row per item: number, section, comment, response, every classifier's label,
                              confidence, evidence and needs-review flag (要確認), the comment's stance with its
                              confidence and evidence, themes, duplicate group, response template, cluster
  tables/<name>.csv|.md       dispositions (overall with needs-review counts, by section), themes, theme ×
                              disposition, stance × disposition, response templates, duplicates, items without a
                              response, classifier agreement, clusters
  tables.xlsx, tables.md      the same tables in one workbook (a sheet each, plus the items) and one Markdown file
  report.html                 one self-contained page: tables, charts, comment map, searchable items with evidence
  parse-report.json           what became of every input line or row
  themes/clusters.json, themes/duplicates.json   the themes stage's full output
  codebook.draft.json         the discovered clusters as a draft codebook (one theme per cluster, its keywords as
                              the rule): edit it and rerun with --codebook <run>/codebook.draft.json
  run.json, manifest.json     run info; tool version, input hash, config, models, counts, seeds, timings
Flags override the config file; the manifest records the config as applied.
--out is written as a whole: the run goes into a temporary folder beside it that replaces it only when complete,
so the folder always holds either the previous run or the new one. It must be new, empty or an earlier run's;
other files stop the run (exit 2, naming them) unless --force. The outputs name the input by file name and sha256.

Examples:
  $ pubcom run seeds/000_555981824ba784d2.txt --out reports/seed
  $ pubcom run kekka.csv --out reports/env2025 --config pubcom.config.json
  $ pubcom run kekka.csv --out reports/env2025-coded --codebook reports/env2025/codebook.draft.json
  $ pubcom run kekka.csv --out reports/env2025-b --classifiers rules,supervised --embedder lsa:dim=64
  $ pubcom run export.json --out reports/x --records data.items --map number=no,comment=body,response=answer --quiet
`;

export function runCommand(program: Command): void {
  program
    .command('run')
    .description('the whole pipeline in one command: parse → tokenize → embed → classify → stance → themes → report')
    .argument('<input>', 'the result document (text, CSV, XLSX, JSON, HTML or PDF)')
    .requiredOption('--out <dir>', 'run folder: new, empty, or holding an earlier run, which is replaced whole (e.g. --out reports/seed)')
    .option('--force', 'run even when --out holds files that are not from a pubcom run; they are kept beside the new run (one named like an output is replaced)')
    .option('--source-label <name>', 'how the outputs name the input (default its file name, never its folders; e.g. --source-label "2025 cyber strategy")')
    .option('--config <file>', 'run config, JSON (see pubcom config --print; e.g. --config pubcom.config.json)')
    .addOption(new Option('--format <format>', 'input format (e.g. --format csv); default from the config, else auto').choices([...FORMATS]))
    .option('--map <fields>', 'column for each item field (e.g. --map number=No.,comment=意見の要旨,response=考え方)')
    .option('--records <path>', 'JSON: dotted path to the array of records (e.g. --records data.items)')
    .option('--join <path:key>', 'JSON: attach a second array by a shared key (e.g. --join data.answers:opinion_id)')
    .option('--slug <slug>', 'prefix of item ids (e.g. --slug cyber2025)')
    .option('--sheet <names>', 'XLSX: read only these sheets, comma-separated (e.g. --sheet 意見と市の考え方); default every sheet with a result table')
    .option('--classifiers <list>', 'classifiers to run, first one drives the tables (e.g. --classifiers rules,supervised)')
    .option('--model <file>', 'trained classifier file from pubcom train, for supervised/similarity/ensemble (e.g. --model models/classifiers/default.json)')
    .option('--embedder <spec>', 'embedder (e.g. --embedder lsa:dim=64 or transformers:Xenova/multilingual-e5-small)')
    .option('--codebook <file|none|auto>', 'theme codebook: auto (default) applies a models/themes/ codebook only when it fits the document, none applies none (themes = discovered clusters), or a file such as an edited codebook.draft.json')
    .option('--rules <file>', 'cue rules file for the classifiers instead of models/labels/rules.json (e.g. --rules my-rules.json, an edited copy)')
    .option('--k <n>', 'number of discovered clusters instead of choosing by silhouette (e.g. --k 8)')
    .option('--no-cache', 'neither read nor write the embedding cache')
    .option('--allow-remote', 'let transformers.js download a model missing locally')
    .option('--quiet', 'print nothing on stderr unless there is an error')
    .option('--strict', 'treat every parse note or warning as an error: print them, write nothing, exit with code 3')
    .addHelpText('after', RUN_HELP)
    .action(async (input: string, flags: RunFlags) => {
      if (flags.k !== undefined && !/^\d+$/.test(flags.k)) throw new InputError('--k', `expected a whole number ≥ 2, got "${flags.k}"`);
      // Every run tokenizes: the dictionary's files are read off the main thread while the rest of the pipeline's
      // modules load, instead of after them (the run's warm-up and tokenize stage share this load; a failure is
      // reported by the stage that needs the dictionary).
      import('../tokenize/kuromoji.ts').then((k) => k.loadKuromoji()).catch(() => {});
      const { loadConfig } = await import('./config.ts');
      const { applyFlags } = await import('./flags.ts');
      const { runPipeline } = await import('./index.ts');
      const config = applyFlags(loadConfig(flags.config), flags);
      await runPipeline({ input, out: flags.out, config, quiet: flags.quiet, allowRemote: flags.allowRemote, force: flags.force, sourceLabel: flags.sourceLabel, strict: flags.strict });
    });
}

export function configCommand(program: Command): void {
  program
    .command('config')
    .description('show the run configuration: defaults, what each setting means, or check a config file')
    .option('--print', 'print the default configuration as JSON (a starting point for pubcom.config.json)')
    .option('--explain', 'print what each setting means')
    .option('--check <file>', 'validate a config file and print it with defaults filled in (e.g. --check pubcom.config.json)')
    .addHelpText('after', '\nExamples:\n  $ pubcom config --print > pubcom.config.json\n  $ pubcom config --explain\n  $ pubcom config --check pubcom.config.json\n')
    .action(async (flags: { print?: boolean; explain?: boolean; check?: string }) => {
      const { CONFIG_DOCS, defaultConfig, loadConfig } = await import('./config.ts');
      if (flags.check) {
        process.stdout.write(JSON.stringify(loadConfig(flags.check), null, 2) + '\n');
      } else if (flags.explain) {
        const width = Math.max(...CONFIG_DOCS.map(([k]) => k.length));
        process.stdout.write(CONFIG_DOCS.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n') + '\n');
      } else {
        process.stdout.write(JSON.stringify(defaultConfig(), null, 2) + '\n');
      }
    });
}

export function diffRunsCommand(program: Command): void {
  program
    .command('diff-runs')
    .description(
      'compare two run folders: changed labels and themes (same document) or shares side by side (two rounds); ' +
        'or two label files (pubcom classify --out labels.jsonl): the items whose label changed',
    )
    .argument('<a>', 'first run folder (e.g. reports/seed) or label file (labels.jsonl)')
    .argument('<b>', 'second run folder (e.g. reports/seed-new-rules) or label file (labels.new.jsonl)')
    .option('--out <file>', 'write the Markdown to a file instead of stdout (e.g. --out diff.md)')
    .action(async (a: string, b: string, flags: { out?: string }) => {
      const { diffPaths } = await import('./diff.ts');
      const md = diffPaths(a, b);
      if (flags.out) writeAtomic(flags.out, md);
      else process.stdout.write(md);
    });
}
