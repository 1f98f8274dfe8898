import { describe, expect, it } from 'vitest';
import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { cohenKappa } from '../pipeline/core/metrics.ts';
import { guardFormula, toCsv } from '../pipeline/core/tables/csv.ts';
import { segments } from '../pipeline/report/highlight.ts';
import { itemsTable } from '../pipeline/report/items-table.ts';
import { renderReport } from '../pipeline/report/index.ts';
import { toMarkdownTable } from '../pipeline/core/tables/markdown.ts';
import { buildTables } from '../pipeline/report/tables.ts';
import { fixtureRun } from './helpers/report-fixture.ts';

const byName = (run = fixtureRun()) => new Map(buildTables(run).map((t) => [t.name, t]));
const col = (t: { columns: { key: string }[] }, key: string) => t.columns.findIndex((c) => c.key === key);

describe('report tables', () => {
  it('counts dispositions per classifier, with a total row', () => {
    const t = byName().get('dispositions')!;
    const rules = col(t, 'rules_count');
    const counts = Object.fromEntries(t.rows.map((r) => [r[0], r[rules]]));
    expect(counts).toEqual({ accepted: 1, declined: 1, referred: 4, deferred: 1, none: 1, total: 8 });
    const other = col(t, 'other_count');
    expect(t.rows.find((r) => r[0] === 'declined')![other]).toBe(2);
    expect(t.rows.find((r) => r[0] === 'referred')![col(t, 'rules_pct')]).toBe(50);
  });

  it('keeps sections in document order and row percentages sum to 100', () => {
    const t = byName().get('dispositions_by_section')!;
    expect(t.rows.map((r) => r[0])).toEqual(['サイバーセキュリティ戦略全体に係る意見', '能動的サイバー防御に係る意見', 'その他']);
    for (const r of t.rows) {
      const pcts = t.columns.map((c, i) => (c.kind === 'pct' ? (r[i] as number) : 0));
      expect(pcts.reduce((a, b) => a + b, 0)).toBeCloseTo(100, 0);
    }
  });

  it('crosses themes with dispositions, counting multi-theme items under each theme', () => {
    const t = byName().get('theme_disposition')!;
    const acd = t.rows.find((r) => r[0] === 'acd_privacy')!;
    expect(acd[col(t, 'items')]).toBe(3);
    expect(acd[col(t, 'referred')]).toBe(3);
    expect(acd[col(t, 'referred_pct')]).toBe(100);
    // Item 2 has themes sme and supply_chain: it counts in both rows.
    expect(t.rows.find((r) => r[0] === 'sme')![col(t, 'accepted')]).toBe(1);
    expect(t.rows.find((r) => r[0] === 'supply_chain')![col(t, 'accepted')]).toBe(1);
    // Item 7 has no theme and gets its own row rather than disappearing.
    expect(t.rows.find((r) => r[0] === '(テーマなし)')![col(t, 'none')]).toBe(1);
  });

  it('lists response templates with the items that reuse them, and items without a response', () => {
    const tables = byName();
    const tpl = tables.get('response_templates')!;
    expect(tpl.rows).toHaveLength(1);
    expect(tpl.rows[0].slice(0, 3)).toEqual(['T1', 3, '3, 4, 5']);
    const none = tables.get('no_response')!;
    expect(none.rows.map((r) => r[0])).toEqual(['7']);
    expect(tables.get('duplicates')!.rows[0].slice(0, 3)).toEqual(['D1', 2, '4, 5']);
  });

  it('reports pairwise agreement and kappa only when several classifiers ran', () => {
    const t = byName().get('agreement')!;
    // rules and other agree on items 1, 2, 4, 5, 6 and 7: 6 of 8.
    expect(t.rows[0].slice(0, 5)).toEqual(['rules', 'other', 8, 6, 75]);
    // Marginals give chance agreement 14/64, so kappa = (0.75 - 0.21875) / 0.78125 = 0.68.
    expect(t.rows[0][5]).toBeCloseTo(0.68, 3);
    expect(byName(fixtureRun({ classifiers: 1 })).has('agreement')).toBe(false);
  });

  it('shows perfect agreement as kappa 1 even when both classifiers used a single label', () => {
    const run = fixtureRun();
    for (const it of run.items) for (const l of it.labels) l.label = 'deferred';
    expect(byName(run).get('agreement')!.rows[0].slice(2)).toEqual([8, 8, 100, 1]);
    expect(cohenKappa([], [])).toBeNull();
  });

  it('names clusters with keywords, representative comments and their main themes', () => {
    const t = byName().get('clusters')!;
    const c3 = t.rows.find((r) => r[0] === 'c3')!;
    expect(c3[col(t, 'keywords')]).toBe('能動的サイバー防御、通信の秘密');
    expect(String(c3[col(t, 'representatives')]).split('\n')[0]).toMatch(/^No\.4: 能動的サイバー防御の運用/);
    expect(c3[col(t, 'top_themes')]).toBe('能動的サイバー防御・プライバシー 3');
    expect(t.rows.find((r) => r[0] === 'outlier')![col(t, 'outlier')]).toBe('yes');
  });
});

describe('CSV for Excel', () => {
  it('writes a BOM, CRLF, RFC 4180 quoting and guards formulas, and parses back to the same cells', () => {
    const run = fixtureRun();
    const table = itemsTable(run);
    const csv = toCsv(table);
    expect(csv.startsWith('\uFEFF')).toBe(true);
    const outside = csv.replace(/"(?:[^"]|"")*"/g, '');
    expect(outside.match(/\r\n/g)).toHaveLength(run.items.length + 1);
    expect(outside.match(/\n/g)).toHaveLength(run.items.length + 1);
    const rows: string[][] = parseCsv(csv, { bom: true, relax_column_count: false });
    expect(rows).toHaveLength(1 + run.items.length);
    const comment = rows[0].indexOf('comment');
    const hostile = rows.find((r) => r[1] === '7')!;
    expect(hostile[comment]).toBe(`'${run.items[6].comment}`);
    expect(hostile[comment]).toContain('\n二行目');
    const ev = rows[0].indexOf('rules_evidence');
    expect(rows.find((r) => r[1] === '2')![ev]).toBe('「以下のとおり修正します」[accepted.cue1]');
  });

  it('guards only text that Excel would evaluate', () => {
    expect(guardFormula('=1+1')).toBe("'=1+1");
    expect(guardFormula('-3')).toBe("'-3");
    expect(guardFormula('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(guardFormula('本文=1')).toBe('本文=1');
    expect(toCsv({ columns: [{ key: 'x', title: 'x', kind: 'int' }], rows: [[-3]] })).toBe('\uFEFFx\r\n-3\r\n');
  });
});

describe('Markdown and XLSX', () => {
  it('escapes pipes, markup and line breaks in Markdown cells', () => {
    const md = toMarkdownTable({ columns: [{ key: 'a', title: 'A', kind: 'text' }], rows: [['x | y\n<b>z</b>']] });
    expect(md.split('\n')[2]).toBe('| x \\| y<br>&lt;b&gt;z&lt;/b&gt; |');
  });

  it('puts every table in one workbook, a sheet each, with values not formulas', async () => {
    const files = await renderReport(fixtureRun());
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(files.get('tables.xlsx') as Uint8Array) as unknown as ArrayBuffer);
    const names = wb.worksheets.map((w) => w.name);
    expect(names).toEqual([...buildTables(fixtureRun()).map((t) => t.name), 'items']);
    const items = wb.getWorksheet('items')!;
    expect(items.getRow(1).getCell(4).value).toBe('意見の概要');
    const hostile = items.getRow(8).getCell(4).value;
    expect(typeof hostile).toBe('string');
    expect(hostile).toMatch(/^=HYPERLINK/);
  });

  it('renders byte-identical files twice, seconds apart', async () => {
    const a = await renderReport(fixtureRun());
    await new Promise((r) => setTimeout(r, 2100));
    const b = await renderReport(fixtureRun());
    expect([...b.keys()]).toEqual([...a.keys()]);
    for (const [k, v] of a) expect(Buffer.from(b.get(k)!).equals(Buffer.from(v)), k).toBe(true);
  });
});

describe('evidence highlighting', () => {
  it('marks the evidence spans by offsets and falls back to the text when offsets are off', () => {
    const run = fixtureRun();
    const item = run.items[7];
    const segs = segments(item.response, item.labels);
    expect(segs.map((s) => s.text).join('')).toBe(item.response);
    expect(segs.filter((s) => s.label).map((s) => [s.text, s.label])).toEqual([['述べているとおりです', 'referred']]);
    const shifted = item.labels.map((l) => ({ ...l, evidence: l.evidence.map((e) => ({ ...e, start: 0, end: 3 })) }));
    expect(segments(item.response, shifted).find((s) => s.label)!.text).toBe('述べているとおりです');
  });

  it('tells the primary classifier\'s evidence from evidence only another classifier cites', () => {
    const item = fixtureRun().items[7];
    const cue = '今後の施策の参考';
    const start = item.response.indexOf(cue);
    const other = { ...item.labels[1], evidence: [{ start, end: start + cue.length, text: cue, rule: 'deferred.x', label: 'deferred' as const }] };
    const marked = segments(item.response, [item.labels[0], other]).filter((s) => s.label);
    expect(marked.map((s) => [s.text, s.label, s.primary])).toEqual([
      [cue, 'deferred', false],
      ['述べているとおりです', 'referred', true],
    ]);
  });

  it('escapes comment text everywhere in report.html', async () => {
    const html = (await renderReport(fixtureRun())).get('report.html') as string;
    expect(html).not.toContain('<script>alert');
    expect(html).toContain('&lt;script&gt;alert');
    const json = html.slice(html.indexOf('id="report-data">'), html.indexOf('</script>', html.indexOf('id="report-data">')));
    expect(json).toContain('\\u003cscript\\u003e');
    expect(html).toMatch(/^<!DOCTYPE html>\n<html lang="ja">/);
    expect(html).not.toMatch(/(src|href)="https?:/);
  });
});
