// Opens report.html in headless Chromium: it must render offline with no console errors, and its search box
// and filters must narrow the item list.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { renderReport } from '../pipeline/report/index.ts';
import { reportHtml } from '../pipeline/report/html.ts';
import { buildTables } from '../pipeline/report/tables.ts';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './helpers/chromium-pdf.ts';
import { fixtureRun } from './helpers/report-fixture.ts';
import { defaultConfig } from '../pipeline/run/config.ts';
import { runPipeline } from '../pipeline/run/index.ts';

const OUT = resolve('test/.tmp/report-html');

let context: BrowserContext;
let userDataDir: string;

beforeAll(async () => {
  userDataDir = mkdtempSync(join(tmpdir(), 'pubcom-chromium-'));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 900 },
  });
});

afterAll(async () => {
  await context?.close();
  rmSync(userDataDir, { recursive: true, force: true });
});

async function open(html: string, name: string, hash = ''): Promise<{ page: Page; errors: string[]; requests: string[] }> {
  mkdirSync(OUT, { recursive: true });
  const file = join(OUT, `${name}.html`);
  writeFileSync(file, html);
  const page = await context.newPage();
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(pathToFileURL(file).href + hash, { waitUntil: 'load' });
  return { page, errors, requests };
}

const visibleItems = (page: Page) => page.locator('#items-list article.item').count();

describe('report.html in Chromium', () => {
  it('renders offline without console errors, filters by search and by selects, and shows evidence', async () => {
    const html = (await renderReport(fixtureRun())).get('report.html') as string;
    const { page, errors, requests } = await open(html, 'fixture');
    expect(await page.locator('h1').textContent()).toContain('パブリックコメント分析');
    expect(await page.locator('svg.chart').count()).toBe(4);
    expect(await visibleItems(page)).toBe(8);
    expect(await page.locator('#count').textContent()).toBe('8 件中 8 件を表示');

    // The hostile comment is shown as text, not run as markup.
    expect(await page.locator('#items-list').textContent()).toContain('<script>alert("x")</script>');

    await page.fill('#q', '通信の秘密');
    await page.waitForFunction(() => document.querySelectorAll('#items-list article.item').length === 3);
    expect(await page.locator('#count').textContent()).toBe('8 件中 3 件を表示');

    await page.fill('#q', '');
    await page.selectOption('#f-theme', 'pqc');
    expect(await visibleItems(page)).toBe(1);
    await page.selectOption('#f-theme', '');
    await page.selectOption('#f-label', 'referred');
    expect(await visibleItems(page)).toBe(4);
    await page.check('#f-disagree');
    // Of the four items rules calls referred, items 3 and 8 get another label from the second classifier.
    expect(await page.locator('#items-list .num').allTextContents()).toEqual(['No.3', 'No.8']);
    await page.click('#reset');
    expect(await visibleItems(page)).toBe(8);

    const mark = page.locator('#item-2 mark');
    expect(await mark.textContent()).toBe('以下のとおり修正します');
    expect(await page.locator('#item-2 ul.ev').textContent()).toContain('accepted.cue1');

    // A click on a map dot shows that comment alone.
    await page.locator('circle[data-id="fixture#6"]').click();
    expect(await page.locator('#items-list .num').allTextContents()).toEqual(['No.6']);

    await page.screenshot({ path: join(OUT, 'fixture.png'), fullPage: true });
    expect(errors).toEqual([]);
    expect(requests.filter((u) => !u.startsWith('file:') && !u.startsWith('data:'))).toEqual([]);
    await page.close();
  });

  it("shows the document's own 対応区分 on each card that has one, and its table in the contents", async () => {
    const run = fixtureRun();
    run.items.forEach((it, i) => (it.category = i === 3 ? null : i % 2 ? '記載済' : '反映'));
    const { page, errors } = await open((await renderReport(run)).get('report.html') as string, 'category');
    expect(await page.locator('#item-2 .chip', { hasText: '対応区分' }).textContent()).toBe('対応区分（文書） 記載済');
    expect(await page.locator('#item-4 .chip', { hasText: '対応区分' }).count()).toBe(0);
    expect(await page.locator('nav.toc a[href="#by-category"]').count()).toBe(1);
    expect(await page.locator('#by-category table tbody tr').count()).toBe(3);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('opens a compressed, aggregated report (as a large round gets) at report.html#item-6, and marks search hits', async () => {
    const run = fixtureRun();
    // The duplicate pair (No.4, No.5) at one spot of the map, as identical comments are.
    run.items[4].map = { ...run.items[3].map! };
    // Thresholds forced down so the fixture takes the large-round path: deflated data, aggregated map marks.
    const html = reportHtml(run, buildTables(run), { compressAbove: 0, mapPointsMax: 2 });
    expect(html).toContain('data-encoding="deflate-raw+base64"');
    const block = html.slice(html.indexOf('id="report-data"'), html.indexOf('</script>', html.indexOf('id="report-data"')));
    expect(block).toMatch(/^id="report-data" data-encoding="deflate-raw\+base64">[A-Za-z0-9+/=]+$/);
    const { page, errors, requests } = await open(html, 'compressed', '#item-6');
    // The address scrolls to the item once the data is inflated, and marks it.
    await page.waitForFunction(() => document.querySelectorAll('#items-list article.item').length === 8);
    await page.waitForFunction(() => document.getElementById('item-6')!.classList.contains('flash'));
    const box = (await page.locator('#item-6').boundingBox())!;
    expect(box.y).toBeGreaterThanOrEqual(0);
    expect(box.y).toBeLessThan(900);
    // An address whose item the list does not hold (filtered out) shows that item alone.
    await page.selectOption('#f-label', 'accepted');
    expect(await page.locator('#items-list .num').allTextContents()).toEqual(['No.2']);
    await page.evaluate(() => (location.hash = '#item-8'));
    await page.waitForFunction(() => document.querySelectorAll('#items-list article.item').length === 1 && !!document.getElementById('item-8'));
    expect(await page.locator('#count').textContent()).toContain('No.8 を表示');
    expect(await page.locator('#item-8 a.num').getAttribute('href')).toBe('#item-8');
    await page.click('#reset');
    expect(await visibleItems(page)).toBe(8);

    // Search hits are marked, inside comments and responses alike (also inside evidence marks).
    await page.fill('#q', '通信の秘密');
    await page.waitForFunction(() => document.querySelectorAll('#items-list article.item').length === 3);
    const hits = await page.locator('#items-list mark.hit').allTextContents();
    expect(hits.length).toBeGreaterThanOrEqual(3);
    for (const h of hits) expect(h).toBe('通信の秘密');

    // Aggregated map: each mark says how many comments it stands for; a click lists them.
    const marks = page.locator('circle[data-mark]');
    expect(await marks.count()).toBeGreaterThan(0);
    expect(await page.locator('circle[data-id]').count()).toBe(0);
    const titles = await page.locator('circle[data-mark] title').allTextContents();
    expect(titles.some((t) => /^\d+ 件【/.test(t))).toBe(true);
    expect(await page.locator('#map p.note').textContent()).toContain('格子のマスと主テーマごとに 1 つの円');
    await page.fill('#q', '');
    // The duplicate pair shares one mark, which says so and lists exactly them.
    const pair = page.locator('circle[data-mark]', { has: page.locator('title', { hasText: '2 件【能動的サイバー防御・プライバシー】' }) });
    expect(await pair.count()).toBe(1);
    await pair.click();
    expect(await page.locator('#items-list .num').allTextContents()).toEqual(['No.4', 'No.5']);
    expect(await page.locator('#count').textContent()).toContain('地図で選んだ 2 件を表示');

    // The evidence is shown in its phrase: the quoted span in bold inside the clause around it.
    await page.click('#reset');
    expect(await page.locator('#item-2 ul.ev b').first().textContent()).toBe('以下のとおり修正します');
    expect(await page.locator('#item-2 ul.ev li').first().textContent()).toContain('「以下のとおり修正します。」');
    expect(errors).toEqual([]);
    expect(requests.filter((u) => !u.startsWith('file:') && !u.startsWith('data:') && !u.startsWith('blob:'))).toEqual([]);
    await page.close();
  });

  it('renders the seed run, narrows the list by search and filters, and saves screenshots for the README', async () => {
    const out = join(OUT, 'runs', 'seed');
    const config = { ...defaultConfig(), cache: { enabled: true, dir: join(OUT, 'cache') } };
    await runPipeline({ input: 'seeds/000_555981824ba784d2.txt', out, config, quiet: true });
    const { readFileSync } = await import('node:fs');
    const { page, errors, requests } = await open(readFileSync(join(out, 'report.html'), 'utf8'), 'seed');
    expect(await page.locator('#count').textContent()).toBe('131 件中 131 件を表示');
    // The document's own title, not the run folder's name.
    expect(await page.locator('h1').textContent()).toBe('パブリックコメント分析: サイバーセキュリティ戦略（案）に関するパブリックコメントの主な結果一覧');
    await page.screenshot({ path: join(OUT, 'seed-top.png') });

    await page.fill('#q', '耐量子');
    await page.waitForFunction(() => !document.getElementById('count')!.textContent!.startsWith('131 件中 131'));
    const cards = await page.locator('#items-list article.item').allTextContents();
    expect(cards.length).toBeGreaterThan(0);
    expect(cards.length).toBeLessThan(131);
    for (const c of cards) expect(c).toContain('耐量子');

    await page.fill('#q', '');
    await page.selectOption('#f-label', 'none');
    await page.waitForFunction(() => document.getElementById('count')!.textContent === '131 件中 9 件を表示');
    expect(await page.locator('#items-list .noresp').count()).toBe(9);
    await page.selectOption('#f-label', '');
    await page.selectOption('#f-theme', 'pqc');
    const pqc = await page.locator('#items-list article.item').count();
    expect(pqc).toBeGreaterThan(0);
    expect(pqc).toBeLessThan(131);
    await page.click('#reset');
    // Evidence is highlighted inside the responses.
    expect(await page.locator('#items-list mark').count()).toBeGreaterThan(20);
    await page.screenshot({ path: join(OUT, 'seed-full.png'), fullPage: true });
    expect(errors).toEqual([]);
    expect(requests.filter((u) => !u.startsWith('file:') && !u.startsWith('data:'))).toEqual([]);
    await page.close();
  });
});
