// The report stage: a run's enriched items in, every output file of the run folder out.
import { join } from 'node:path';
import { z } from 'zod';
import { jsonlBytes } from '../core/bytes.ts';
import { joinBytes, joinContent, readJson, readJsonl, writeAtomic, type Content } from '../core/io.ts';
import { csvBytes, toCsv } from '../core/tables/csv.ts';
import { reportHtml } from './html.ts';
import { itemsTable } from './items-table.ts';
import { toMarkdown } from '../core/tables/markdown.ts';
import { RunInfo, RunItem, type RunSet } from './schema.ts';
import { buildTables } from './tables.ts';
import { SharedCache } from './shared.ts';
import { toXlsxParts } from '../core/tables/xlsx.ts';

export { RunInfo, RunItem, ItemLabel, ClusterInfo, ThemeInfo, type RunSet } from './schema.ts';
export { buildTables } from './tables.ts';
export { itemsTable } from './items-table.ts';
export { toCsv } from '../core/tables/csv.ts';
export { toMarkdown } from '../core/tables/markdown.ts';
export { reportHtml } from './html.ts';

/** RunItem with the lists copies share (run/enrich.ts) left unchecked: SHARED checks each distinct list once. */
const RunItemShell = RunItem.extend({ labels: z.array(z.unknown()), themes: z.array(z.unknown()), stance_evidence: z.array(z.unknown()).optional() });
const SHARED = { labels: RunItem.shape.labels, themes: RunItem.shape.themes, stance_evidence: RunItem.shape.stance_evidence } as const;
const FIELD_ORDER = new Map(Object.keys(RunItem.shape).map((k, i) => [k, i]));

/**
 * Every item is a RunItem, or an error names the first that is not and its first problem, as RunItem.safeParse
 * reports it. Checked one by one and the parsed copies dropped (a full copy of a large round would double its
 * memory); a label, theme or stance-evidence list that copies of a campaign text share is checked once, not once
 * per copy (the checks were seconds of a 200,000-row mass round).
 */
function checkItems(items: readonly unknown[]): void {
  const checked = new SharedCache<z.core.$ZodIssue | null>();
  items.forEach((it, i) => {
    const issues: z.core.$ZodIssue[] = [];
    const shell = RunItemShell.safeParse(it);
    if (!shell.success) issues.push(shell.error.issues[0]);
    if (typeof it === 'object' && it !== null) {
      for (const [key, schema] of Object.entries(SHARED)) {
        const v = (it as Record<string, unknown>)[key];
        if (!Array.isArray(v)) continue; // not a list: the shell's issue
        const issue = checked.get(v, () => {
          const r = schema.safeParse(v);
          return r.success ? null : { ...r.error.issues[0], path: [key, ...r.error.issues[0].path] };
        });
        if (issue) issues.push(issue);
      }
    }
    if (!issues.length) return;
    // The issue RunItem.safeParse would list first: its fields are checked in the schema's order.
    const first = issues.sort((a, b) => (FIELD_ORDER.get(String(a.path[0])) ?? 0) - (FIELD_ORDER.get(String(b.path[0])) ?? 0))[0];
    const id = (it as { id?: unknown }).id;
    throw new Error(`report: item ${i} (${String(id)}) is not a RunItem: ${first.path.join('.')}: ${first.message}`);
  });
}

/**
 * Takes each file of the report. A content given in parts (a generator) must be read part by part and each part
 * used (written, hashed, copied) before the next is asked for: items.csv and items.jsonl fill the same buffers
 * again (core/bytes.ts ByteChunks `recycle`). An emit may return to the event loop between parts (a promise): the
 * workbook is then made meanwhile.
 */
export type Emit = (relativePath: string, content: Content) => void | Promise<void>;

/**
 * items.csv and items.jsonl are made in parts of this size: each part written is a turn of the event loop in which
 * the workbook's next rows are made and handed to zlib (a 16 MB part kept zlib waiting for a tenth of a second).
 */
const ITEMS_PART = 1 << 20;

/**
 * Renders every file of the report, in a fixed order, handing each to `emit` as soon as it exists so a large
 * round never holds all of them in memory at once.
 */
export async function emitReport(run: RunSet, emit: Emit): Promise<void> {
  const info = RunInfo.parse(run.info);
  checkItems(run.items);
  const items = run.items;
  const checked: RunSet = { info, items };
  const tables = buildTables(checked);
  const items_ = itemsTable(checked);
  // The workbook is begun first and emitted last: its sheets are deflated on zlib's thread, which made the main
  // thread wait (a 200,000-row round: 3 of the workbook's 6 s). Begun here, its rows are made and deflated in the
  // event-loop turns the emits below leave between parts, while those files are made and written. Neither reads
  // what the other writes (the workbook and the items files each fill their own buffers).
  const workbook = toXlsxParts([...tables, items_]);
  workbook.catch(() => {}); // awaited below, where a failure is thrown
  // Both in parts, built as they are written: a 300,000-row round's items.jsonl is longer than the longest string
  // V8 can hold, and neither file need ever be in memory whole.
  await emit('items.csv', csvBytes(items_, ITEMS_PART, true));
  await emit('items.jsonl', jsonlBytes(items, ITEMS_PART, true));
  await emit('run.json', JSON.stringify(info, null, 2) + '\n');
  for (const t of tables) {
    await emit(`tables/${t.name}.csv`, toCsv(t));
    await emit(`tables/${t.name}.md`, toMarkdown(t));
  }
  await emit('tables.md', `# ${info.name}: 集計表\n\n` + tables.map(toMarkdown).join('\n'));
  await emit('report.html', reportHtml(checked, tables));
  // In parts: joined, a 200,000-row round's workbook would be a second copy of a hundred megabytes.
  await emit('tables.xlsx', await workbook);
}

/** Every file the report writes, by path relative to the run folder, in a fixed order. */
export async function renderReport(run: RunSet): Promise<Map<string, string | Uint8Array>> {
  const files = new Map<string, string | Uint8Array>();
  // The workbook is bytes in parts; every other file is text.
  await emitReport(run, (rel, content) => {
    files.set(rel, rel.endsWith('.xlsx') ? joinBytes(content) : joinContent(content));
  });
  return files;
}

export async function writeReport(dir: string, run: RunSet): Promise<string[]> {
  const written: string[] = [];
  await emitReport(run, (rel, content) => {
    writeAtomic(join(dir, rel), content);
    written.push(rel);
  });
  return written;
}

/** A run folder's enriched items and run info, as written by writeReport. */
export function readRun(dir: string): RunSet {
  return { info: readJson(join(dir, 'run.json'), RunInfo), items: readJsonl(join(dir, 'items.jsonl'), RunItem) };
}
