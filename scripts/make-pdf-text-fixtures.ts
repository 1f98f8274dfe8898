// Writes data/fixtures/pdf-text/eia-layout.txt and eia-reading-order.txt: what poppler's pdftotext makes of
// the PDF that test/helpers/make-pdf.ts writes, with and without -layout. Needs pdftotext (Debian package
// poppler-utils), so the outputs are committed and the tests do not need it:
//   npx tsx scripts/make-pdf-text-fixtures.ts
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeEiaResultPdf } from '../test/helpers/make-pdf.ts';

const out = fileURLToPath(new URL('../data/fixtures/pdf-text/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'pubcom-pdf-'));
try {
  const pdf = join(dir, 'eia.pdf');
  writeFileSync(pdf, makeEiaResultPdf());
  execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', pdf, join(out, 'eia-layout.txt')]);
  execFileSync('pdftotext', ['-enc', 'UTF-8', pdf, join(out, 'eia-reading-order.txt')]);
  console.log(`wrote ${out}eia-layout.txt and ${out}eia-reading-order.txt`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
