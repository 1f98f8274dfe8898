// Prints HTML to PDF in Debian's headless Chromium (CI installs it: .ci/run), the way ministries and
// municipalities produce most result PDFs. A missing Chromium is a test failure with a clear message, never a skip.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM_PATH = process.env.PUBCOM_CHROMIUM ?? '/usr/bin/chromium';
/** Flags for headless Chromium on a machine with no network: no background requests, no first-run work. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface PdfPrinter {
  print(html: string, opts?: { landscape?: boolean; headerTemplate?: string; footerTemplate?: string }): Promise<Uint8Array>;
  close(): Promise<void>;
}

/** One browser for a test file; each print() opens and closes a page. */
export async function openPrinter(): Promise<PdfPrinter> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}: the PDF table tests print HTML to PDF with it. ` +
        'Install Debian\'s chromium (apt-get install chromium fonts-ipafont-gothic, as .ci/run does) or set PUBCOM_CHROMIUM.',
    );
  }
  const userDataDir = mkdtempSync(join(tmpdir(), 'pubcom-pdf-chromium-'));
  const context: BrowserContext = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
  });
  return {
    async print(html, opts = {}) {
      const page = await context.newPage();
      try {
        await page.setContent(html, { waitUntil: 'load' });
        const pdf = await page.pdf({
          format: 'A4',
          landscape: opts.landscape ?? false,
          printBackground: true,
          displayHeaderFooter: !!(opts.headerTemplate || opts.footerTemplate),
          headerTemplate: opts.headerTemplate ?? '<span></span>',
          footerTemplate: opts.footerTemplate ?? '<span></span>',
          margin: { top: '18mm', bottom: '18mm', left: '12mm', right: '12mm' },
        });
        return new Uint8Array(pdf);
      } finally {
        await page.close();
      }
    },
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
