// The report stage: a run's enriched items in, every output file of the run folder out.
import { join } from 'node:path';
import { z } from 'zod';
import { readJson, readJsonl, toJsonl, writeAtomic } from '../core/io.ts';
import { toCsv } from './csv.ts';
import { reportHtml } from './html.ts';
import { itemsTable } from './items-table.ts';
import { toMarkdown } from './markdown.ts';
import { RunInfo, RunItem, type RunSet } from './schema.ts';
import { buildTables } from './tables.ts';
import { toXlsx } from './xlsx.ts';

export { RunInfo, RunItem, ItemLabel, ClusterInfo, ThemeInfo, type RunSet } from './schema.ts';
export { buildTables } from './tables.ts';
export { itemsTable } from './items-table.ts';
export { toCsv } from './csv.ts';
export { toMarkdown } from './markdown.ts';
export { reportHtml } from './html.ts';

/** Every file the report writes, by path relative to the run folder, in a fixed order. */
export async function renderReport(run: RunSet): Promise<Map<string, string | Uint8Array>> {
  const info = RunInfo.parse(run.info);
  const items = z.array(RunItem).parse(run.items);
  const checked: RunSet = { info, items };
  const tables = buildTables(checked);
  const items_ = itemsTable(checked);
  const files = new Map<string, string | Uint8Array>();
  files.set('items.csv', toCsv(items_));
  files.set('items.jsonl', toJsonl(items));
  files.set('run.json', JSON.stringify(info, null, 2) + '\n');
  for (const t of tables) {
    files.set(`tables/${t.name}.csv`, toCsv(t));
    files.set(`tables/${t.name}.md`, toMarkdown(t));
  }
  files.set('tables.md', `# ${info.name}: 集計表\n\n` + tables.map(toMarkdown).join('\n'));
  files.set('tables.xlsx', await toXlsx([...tables, items_]));
  files.set('report.html', reportHtml(checked, tables));
  return files;
}

export async function writeReport(dir: string, run: RunSet): Promise<string[]> {
  const files = await renderReport(run);
  for (const [rel, content] of files) writeAtomic(join(dir, rel), content);
  return [...files.keys()];
}

/** A run folder's enriched items and run info, as written by writeReport. */
export function readRun(dir: string): RunSet {
  return { info: readJson(join(dir, 'run.json'), RunInfo), items: readJsonl(join(dir, 'items.jsonl'), RunItem) };
}
