// needs_review through the report: items.csv / items.jsonl, the dispositions table, the run summary, and the
// report's 要確認 filter and badge. Labels are marked by hand: a label needs review only when the classifier set
// `needs_review: true`.
import { readFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';
import { parse as parseCsv } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { renderReport } from '../pipeline/report/index.ts';
import type { RunSet } from '../pipeline/report/schema.ts';
import { RunItem } from '../pipeline/report/schema.ts';
import { runSummary } from '../pipeline/run/summary.ts';
import { fixtureRun } from './helpers/report-fixture.ts';

/** The fixture with rules unsure of items 3 and 8 (both referred) and 6 (declined), and `other` of item 3. */
function reviewRun(): RunSet {
  const run = fixtureRun();
  for (const it of run.items) {
    const n = it.number!;
    it.labels[0].needs_review = ['3', '6', '8'].includes(n);
    if (n === '3') it.labels[1].needs_review = true;
  }
  return run;
}

const csvRows = (text: string): Record<string, string>[] => parseCsv(text, { bom: true, columns: true });

describe('needs_review in the run folder', () => {
  it('items.csv has a 1/blank column per classifier next to its evidence, and items.jsonl keeps the field', async () => {
    const files = await renderReport(reviewRun());
    const csv = files.get('items.csv') as string;
    const header = parseCsv(csv, { bom: true })[0] as string[];
    expect(header.indexOf('rules_needs_review')).toBe(header.indexOf('rules_evidence') + 1);
    expect(header.indexOf('other_needs_review')).toBe(header.indexOf('other_evidence') + 1);
    const rows = csvRows(csv);
    expect(rows.filter((r) => r.rules_needs_review === '1').map((r) => r.number)).toEqual(['3', '6', '8']);
    expect(rows.filter((r) => r.other_needs_review === '1').map((r) => r.number)).toEqual(['3']);
    expect(new Set(rows.map((r) => r.rules_needs_review))).toEqual(new Set(['1', '']));

    const jsonl = (files.get('items.jsonl') as string).trim().split('\n').map((l) => RunItem.parse(JSON.parse(l)));
    expect(jsonl.find((it) => it.number === '3')!.labels.map((l) => l.needs_review)).toEqual([true, true]);
    expect(jsonl.find((it) => it.number === '1')!.labels[0].needs_review).toBe(false);
  });

  it('the dispositions table counts labels needing review per disposition and in total', async () => {
    const files = await renderReport(reviewRun());
    const rows = csvRows(files.get('tables/dispositions.csv') as string);
    const review = Object.fromEntries(rows.map((r) => [r.disposition, [r.rules_needs_review, r.other_needs_review]]));
    expect(review).toEqual({
      accepted: ['0', '0'],
      declined: ['1', '1'],
      referred: ['2', '0'],
      deferred: ['0', '0'],
      none: ['0', '0'],
      total: ['3', '1'],
    });
    expect(files.get('tables/dispositions.md') as string).toContain('rules 要確認');
  });

  it('a run without any needs_review field counts none, and the summary names each classifier', async () => {
    const plain = fixtureRun();
    const rows = csvRows((await renderReport(plain)).get('items.csv') as string);
    expect(rows.every((r) => r.rules_needs_review === '')).toBe(true);
    expect(runSummary(plain, 'out', { withText: 0, blank: 0 }, 1000)).toContain('needs review (要確認): rules 0 · other 0');
    expect(runSummary(reviewRun(), 'out', { withText: 0, blank: 0 }, 1000)).toContain('needs review (要確認): rules 3 · other 1');
  });
});

// A DOM just large enough for report.js: elements with children, text, classes, values and listeners.
class El {
  className = '';
  id = '';
  title = '';
  hidden = false;
  value = '';
  checked = false;
  style: Record<string, string> = {};
  children: El[] = [];
  listeners: Record<string, () => void> = {};
  classList = { add: () => {} };
  private text = '';
  constructor(readonly tag: string) {}
  appendChild(c: El): El {
    this.children.push(...(c.tag === '#fragment' ? c.children : [c]));
    return c;
  }
  get firstChild(): El | undefined {
    return this.children[0];
  }
  set textContent(v: string) {
    this.text = String(v);
    this.children = [];
  }
  get textContent(): string {
    return this.text + this.children.map((c) => c.textContent).join('');
  }
  addEventListener(type: string, f: () => void): void {
    this.listeners[type] = f;
  }
  getAttribute(): null {
    return null;
  }
  scrollIntoView(): void {}
  /** Descendants (self included) whose class list holds every class given. */
  find(cls: string): El[] {
    const want = cls.split(' ');
    const own = want.every((c) => this.className.split(' ').includes(c)) ? [this] : [];
    return [...own, ...this.children.flatMap((c) => c.find(cls))];
  }
}

function loadReport(html: string) {
  const data = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html)![1];
  const script = /<script>\n([\s\S]*?)<\/script>/.exec(html)![1];
  const ids = new Map<string, El>();
  const byId = (id: string) => {
    if (!ids.has(id)) {
      // Controls the page does not render (a checkbox for a single classifier) are absent, as in a browser.
      if (id.startsWith('f-') && !html.includes(`id="${id}"`)) return null;
      const e = new El('div');
      e.id = id;
      ids.set(id, e);
    }
    return ids.get(id)!;
  };
  byId('report-data')!.textContent = data;
  const document = {
    getElementById: byId,
    createElement: (tag: string) => new El(tag),
    createTextNode: (t: string) => Object.assign(new El('#text'), { textContent: t }),
    createDocumentFragment: () => new El('#fragment'),
    addEventListener: () => {},
  };
  runInNewContext(script, { document, setTimeout, clearTimeout });
  const list = byId('items-list')!;
  return { el: byId, numbers: () => list.children.map((a) => a.find('num')[0].textContent), list };
}

describe('the 要確認 filter and badge in report.html', () => {
  it('offers the filter with the count of the driving classifier, and narrows the list to its unsure labels', async () => {
    const html = (await renderReport(reviewRun())).get('report.html') as string;
    expect(html).toContain('<input id="f-review" type="checkbox"> 要確認のみ（3 件）');
    const page = loadReport(html);
    expect(page.numbers()).toEqual(['1', '2', '3', '4', '5', '6', '7', '8'].map((n) => `No.${n}`));
    const review = page.el('f-review')!;
    review.checked = true;
    review.listeners.change();
    expect(page.numbers()).toEqual(['No.3', 'No.6', 'No.8']);
    expect(page.el('count')!.textContent).toBe('8 件中 3 件を表示');
    // With the label filter: of the referred items only 3 and 8 need review.
    const label = page.el('f-label')!;
    label.value = 'referred';
    label.listeners.change();
    expect(page.numbers()).toEqual(['No.3', 'No.8']);
    page.el('reset')!.listeners.click();
    expect(review.checked).toBe(false);
    expect(page.numbers()).toHaveLength(8);
  });

  it('shows a visible 要確認 badge on the items whose label needs review, naming the classifier', async () => {
    const page = loadReport((await renderReport(reviewRun())).get('report.html') as string);
    const badges = (n: string) =>
      page.list.children.find((a) => a.find('num')[0].textContent === `No.${n}`)!.find('badge review').map((b) => b.textContent);
    expect(badges('3')).toEqual(['要確認rules', '要確認other']);
    expect(badges('6')).toEqual(['要確認rules']);
    expect(badges('1')).toEqual([]);
    expect(readFileSync('pipeline/report/assets/report.css', 'utf8')).toMatch(/\.badge\.review\s*\{/);
  });
});
