// The report stage: a run's enriched items in, every output file of the run folder out.
import { join } from 'node:path';
import { jsonlBytes } from '../core/bytes.ts';
import { joinContent, readJson, readJsonl, writeAtomic, type Content } from '../core/io.ts';
import { csvBytes, toCsv } from '../core/tables/csv.ts';
import { reportHtml } from './html.ts';
import { itemsTable } from './items-table.ts';
import { toMarkdown } from '../core/tables/markdown.ts';
import { RunInfo, RunItem, type RunSet } from './schema.ts';
import { buildTables } from './tables.ts';
import { toXlsx } from '../core/tables/xlsx.ts';

export { RunInfo, RunItem, ItemLabel, ClusterInfo, ThemeInfo, type RunSet } from './schema.ts';
export { buildTables } from './tables.ts';
export { itemsTable } from './items-table.ts';
export { toCsv } from '../core/tables/csv.ts';
export { toMarkdown } from '../core/tables/markdown.ts';
export { reportHtml } from './html.ts';

export type Emit = (relativePath: string, content: Content) => void;

/**
 * Renders every file of the report, in a fixed order, handing each to `emit` as soon as it exists so a large
 * round never holds all of them in memory at once.
 */
export async function emitReport(run: RunSet, emit: Emit): Promise<void> {
  const info = RunInfo.parse(run.info);
  // Checked one by one and the parsed copies dropped: a full copy of a large round would double its memory.
  run.items.forEach((it, i) => {
    const r = RunItem.safeParse(it);
    if (!r.success) throw new Error(`report: item ${i} (${it.id}) is not a RunItem: ${r.error.issues[0].path.join('.')}: ${r.error.issues[0].message}`);
  });
  const items = run.items;
  const checked: RunSet = { info, items };
  const tables = buildTables(checked);
  const items_ = itemsTable(checked);
  // Both in parts, built as they are written: a 300,000-row round's items.jsonl is longer than the longest string
  // V8 can hold, and neither file need ever be in memory whole.
  emit('items.csv', csvBytes(items_));
  emit('items.jsonl', jsonlBytes(items));
  emit('run.json', JSON.stringify(info, null, 2) + '\n');
  for (const t of tables) {
    emit(`tables/${t.name}.csv`, toCsv(t));
    emit(`tables/${t.name}.md`, toMarkdown(t));
  }
  emit('tables.md', `# ${info.name}: 集計表\n\n` + tables.map(toMarkdown).join('\n'));
  emit('report.html', reportHtml(checked, tables));
  emit('tables.xlsx', await toXlsx([...tables, items_]));
}

/** Every file the report writes, by path relative to the run folder, in a fixed order. */
export async function renderReport(run: RunSet): Promise<Map<string, string | Uint8Array>> {
  const files = new Map<string, string | Uint8Array>();
  await emitReport(run, (rel, content) => files.set(rel, joinContent(content)));
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
