// GitHub-flavoured Markdown tables, for pasting into notes and papers' supplementary material.
import { formatNumber, type Cell, type Column, type Table } from './table.ts';

export function mdCell(cell: Cell, column?: Column): string {
  if (cell === null) return '';
  if (typeof cell === 'number') return formatNumber(cell, column?.kind);
  return cell
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\r?\n/g, '<br>');
}

function align(c: Column): string {
  return c.kind === 'text' ? '---' : '---:';
}

export function toMarkdownTable(table: Pick<Table, 'columns' | 'rows'>): string {
  const lines = [
    `| ${table.columns.map((c) => mdCell(c.title)).join(' | ')} |`,
    `| ${table.columns.map(align).join(' | ')} |`,
    ...table.rows.map((r) => `| ${r.map((c, i) => mdCell(c, table.columns[i])).join(' | ')} |`),
  ];
  return lines.join('\n') + '\n';
}

export function toMarkdown(table: Table): string {
  return `## ${table.title}\n\n${table.note}\n\n${toMarkdownTable(table)}`;
}
