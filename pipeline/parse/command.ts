// `pubcom parse`: flags in, parseDocument, files out. Nothing is written unless the whole parse succeeded.
import { CommanderError, Option, type Command } from 'commander';
import type { Item, ParseReport } from '../core/schema.ts';
import { writeAtomic, writeJsonl } from '../core/io.ts';
import { FORMATS, type FormatChoice } from './detect.ts';

interface ParseFlags {
  format: FormatChoice;
  map?: string;
  records?: string;
  join?: string;
  slug?: string;
  sheet?: string;
  out: string;
  report?: string;
  quiet?: boolean;
  strict?: boolean;
}

const EXAMPLES = `
Examples:
  # the bundled seed (a tab-separated text table), with the line-by-line accounting
  $ pubcom parse seeds/000_555981824ba784d2.txt --out reports/seed/items.jsonl --report reports/seed/parse-report.json

  # a ministry CSV (UTF-8 or Shift_JIS) whose columns are not the usual ones
  $ pubcom parse kekka.csv --map number=No.,comment=意見の要旨,response=市の考え方,section=該当箇所 --out items.jsonl

  # an Excel workbook, ids prefixed with a short name instead of the file name
  $ pubcom parse kekka.xlsx --slug env2025 --out items.jsonl

  # JSON: the records array, a second array joined by a shared key, fields as dotted paths
  $ pubcom parse export.json --records data.opinions --join data.answers:opinion_id \\
      --map number=no,comment=body.summary,response=join.text --out items.jsonl

  # a PDF (or text extracted from one) whose extension does not say what it is
  $ pubcom parse download.bin --format pdf --out items.jsonl --quiet

Input formats (--format auto picks by extension and content):
  text      tab-separated text table, UTF-8/UTF-16/Shift_JIS (a web table copied or exported as text)
  pdf-text  text taken from a PDF by pdftotext or pdfjs (page headers and footers, wrapped lines)
  csv       CSV, UTF-8 with or without BOM or Shift_JIS/CP932, CRLF, quoted multi-line cells
  xlsx      Excel workbook
  json      JSON document (see --records, --join, --map)
  html      HTML page with a <table>, rowspans included
  markdown  Markdown pipe table (| 番号 | 意見の概要 | 考え方 |), as web clippers and note apps export a page's table
  pdf       PDF, text extracted with pdfjs-dist

Exit codes: 0 parsed; 2 bad input or flags (the message names the file and the problem; nothing is written);
3 with --strict, when the parse has any note or warning (they are printed; nothing is written).
`;

export function parseCommand(program: Command): void {
  program
    .command('parse')
    .description(
      'parse a public-comment result document into items.jsonl: one record per comment with its number, section, comment, response and source lines',
    )
    .argument('<input>', 'the result document (text, CSV, XLSX, JSON, HTML or PDF)')
    .addOption(
      new Option('--format <format>', 'input format; auto decides by extension and content (e.g. --format csv)')
        .choices([...FORMATS])
        .default('auto'),
    )
    .option(
      '--map <fields>',
      'which column (or JSON field path) holds each item field: id, number, comment, response, section, location, category (対応区分), group (e.g. --map number=No.,comment=意見の要旨,response=考え方)',
    )
    .option('--records <path>', 'JSON: dotted path to the array of records (e.g. --records data.items)')
    .option(
      '--join <path:key>',
      'JSON: attach a second array by a shared key, fields then addressed as join.<field> (e.g. --join data.answers:opinion_id)',
    )
    .option('--slug <slug>', 'prefix of item ids, "<slug>#<number>" (default: the file name without extension; e.g. --slug cyber2025)')
    .option('--sheet <names>', 'XLSX: read only these sheets, comma-separated (e.g. --sheet 意見と市の考え方); default every sheet with a result table')
    .requiredOption('--out <file>', 'where to write the items, one JSON object per line (e.g. --out reports/seed/items.jsonl)')
    .option(
      '--report <file>',
      'also write the parse report: the fate of every input line or row and the character accounting (e.g. --report reports/seed/parse-report.json)',
    )
    .option('--quiet', 'print nothing on stderr unless there is an error (e.g. --quiet)')
    .option('--strict', 'treat every parse note or warning as an error: print them, write nothing, exit with code 3')
    .addHelpText('after', EXAMPLES)
    // A bad flag is bad input like any other: exit 2, as the help promises (commander's default is 1).
    .exitOverride((err) => {
      throw new CommanderError(err.exitCode === 0 ? 0 : 2, err.code, err.message);
    })
    .action(async (input: string, flags: ParseFlags) => {
      // Loaded here, not at the top: every other command (and --help) would pay for the parser's start-up.
      const { parseColumnMap, parseDocument } = await import('./index.ts');
      const { items, report } = await parseDocument(input, {
        format: flags.format,
        map: flags.map !== undefined ? parseColumnMap(flags.map) : undefined,
        records: flags.records,
        join: flags.join,
        slug: flags.slug,
        sheets: flags.sheet?.split(',').map((s) => s.trim()).filter(Boolean),
      });
      if (flags.strict && report.warnings.length) {
        const { StrictError } = await import('../core/errors.ts');
        throw new StrictError(input, report.warnings);
      }
      writeJsonl(flags.out, items);
      if (flags.report) writeAtomic(flags.report, `${JSON.stringify(report, null, 2)}\n`);
      if (!flags.quiet) process.stderr.write(summary(items, report, flags));
    });
}

/** What a researcher checks first: counts, what was inferred or merged, what was skipped and why. */
export function summary(items: readonly Item[], report: ParseReport, flags: Pick<ParseFlags, 'out' | 'report'>): string {
  const count = (flag: Item['flags'][number]) => items.filter((it) => it.flags.includes(flag)).length;
  const t = report.totals;
  const unit = report.accounts[0]?.unit === 'row' ? 'rows' : 'lines';
  const reasons = new Map<string, number>();
  for (const a of report.accounts) if (a.fate === 'skipped') reasons.set(a.reason ?? 'skipped', (reasons.get(a.reason ?? 'skipped') ?? 0) + 1);
  // Each line or row counted once, by its fate, so the counts add up to the lines read; an item line that also
  // carries a glued section heading is said so beside the item count.
  const glued = report.accounts.filter((a) => a.fate === 'item' && a.parts?.some((p) => p.fate === 'heading')).length;
  const out = [
    `pubcom parse: ${report.file} (${report.format}${report.encoding ? `, ${report.encoding}` : ''})`,
    `  ${items.length} items: ${count('number_inferred')} with inferred numbers, ${count('number_missing')} without a number, ` +
      `${count('merged_rows')} merged from several ${unit}, ${count('missing_response')} without a response, ` +
      `${count('shared_response')} sharing a response`,
    `  ${report.accounts.length} ${unit}: ${t.lines.item} item${glued ? ` (${glued} with a section heading glued on)` : ''}, ` +
      `${t.lines.heading} section heading, ${t.lines.header} header, ${t.lines.skipped} skipped`,
    ...[...reasons].map(([reason, n]) => `    skipped ${n} × ${reason}`),
    `  characters: ${t.input_chars} in = ${t.item_chars} items + ${t.heading_chars} headings + ${t.header_chars} headers + ${t.skipped_chars} skipped`,
    ...report.warnings.map((w) => `  note: ${w}`),
    `  wrote ${flags.out}${flags.report ? ` and ${flags.report}` : ''}`,
  ];
  return `${out.join('\n')}\n`;
}
