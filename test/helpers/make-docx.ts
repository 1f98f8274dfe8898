// Result tables as Word documents (DOCX), the way most ministries and municipalities write them, printed to PDF
// by LibreOffice (Debian's libreoffice-writer-nogui; .ci/run installs it). A second PDF producer beside Chromium:
// its text runs, ruling lines (cell borders drawn as rectangles), repeated header rows and page breaks inside
// cells differ from a browser's. A missing soffice is a test failure with a clear message, never a skip.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import JSZip from 'jszip';
import type { ResultTable } from './result-html.ts';

export const SOFFICE_PATH = process.env.PUBCOM_SOFFICE ?? '/usr/bin/soffice';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"';

function runs(text: string, opts: { bold?: boolean; sizeHalfPt: number; font: string }): string {
  const rPr = `<w:rPr><w:rFonts w:ascii="${opts.font}" w:hAnsi="${opts.font}" w:eastAsia="${opts.font}"/>${opts.bold ? '<w:b/>' : ''}<w:sz w:val="${opts.sizeHalfPt}"/></w:rPr>`;
  return `<w:r>${rPr}<w:t xml:space="preserve">${esc(text)}</w:t></w:r>`;
}

function paragraphs(text: string, opts: { bold?: boolean; center?: boolean; sizeHalfPt: number; font: string }): string {
  const pPr = `<w:pPr><w:spacing w:before="0" w:after="0"/>${opts.center ? '<w:jc w:val="center"/>' : ''}</w:pPr>`;
  return text
    .split('\n')
    .map((line) => `<w:p>${pPr}${line ? runs(line, opts) : ''}</w:p>`)
    .join('');
}

function cell(widthTwips: number, body: string, span = 1): string {
  return `<w:tc><w:tcPr><w:tcW w:w="${widthTwips}" w:type="dxa"/>${span > 1 ? `<w:gridSpan w:val="${span}"/>` : ''}</w:tcPr>${body}</w:tc>`;
}

/** The table as WordprocessingML: A4 (portrait or landscape), 20 mm margins, a header row repeated on every page. */
export function resultTableDocx(t: ResultTable & { landscape?: boolean; font?: string }): Promise<Uint8Array> {
  const font = t.font ?? 'ＭＳ 明朝';
  const size = Math.round((t.fontPt ?? 10.5) * 2);
  const [pageW, pageH] = t.landscape ? [16838, 11906] : [11906, 16838];
  const margin = 1134;
  const usable = pageW - 2 * margin;
  const total = t.widths.reduce((a, b) => a + b, 0);
  const widths = t.widths.map((w) => Math.floor((usable * w) / total));
  const border = t.ruled ? 'single' : 'nil';
  const borders = ['top', 'left', 'bottom', 'right', 'insideH', 'insideV'].map((b) => `<w:${b} w:val="${border}" w:sz="4" w:space="0" w:color="000000"/>`).join('');
  const header = `<w:tr><w:trPr>${t.headingRowOnce ? '' : '<w:tblHeader/>'}</w:trPr>${t.columns
    .map((c, i) => cell(widths[i], paragraphs(c, { center: true, sizeHalfPt: size, font })))
    .join('')}</w:tr>`;
  const body = t.rows
    .map((r) =>
      r.heading !== undefined
        ? `<w:tr>${cell(usable, paragraphs(r.heading, { bold: true, sizeHalfPt: size, font }), t.columns.length)}</w:tr>`
        : `<w:tr><w:trPr><w:cantSplit w:val="false"/></w:trPr>${cell(widths[0], paragraphs(r.number ?? '', { center: true, sizeHalfPt: size, font }))}${(r.cells ?? [])
            .map((c, i) => cell(widths[i + 1], paragraphs(c, { sizeHalfPt: size, font })))
            .join('')}</w:tr>`,
    )
    .join('');
  const table = `<w:tbl><w:tblPr><w:tblW w:w="${usable}" w:type="dxa"/><w:tblLayout w:type="fixed"/><w:tblBorders>${borders}</w:tblBorders><w:tblCellMar><w:left w:w="85" w:type="dxa"/><w:right w:w="85" w:type="dxa"/></w:tblCellMar></w:tblPr><w:tblGrid>${widths
    .map((w) => `<w:gridCol w:w="${w}"/>`)
    .join('')}</w:tblGrid>${header}${body}</w:tbl>`;
  const title = paragraphs(t.title, { center: true, bold: true, sizeHalfPt: size + 4, font });
  const foot = t.footnote ? paragraphs(t.footnote, { sizeHalfPt: size, font }) : '';
  const sect = `<w:sectPr><w:footerReference w:type="default" r:id="rIdFooter"/><w:pgSz w:w="${pageW}" w:h="${pageH}"${t.landscape ? ' w:orient="landscape"' : ''}/><w:pgMar w:top="${margin}" w:right="${margin}" w:bottom="${margin}" w:left="${margin}" w:header="567" w:footer="567" w:gutter="0"/></w:sectPr>`;
  const document = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document ${W_NS}><w:body>${title}${table}${foot}${sect}</w:body></w:document>`;
  // 「- N -」 page numbers in the footer, as result documents print them.
  const footer = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:ftr ${W_NS}><w:p><w:pPr><w:jc w:val="center"/></w:pPr>${runs('- ', { sizeHalfPt: size, font })}<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>${runs(' -', { sizeHalfPt: size, font })}</w:p></w:ftr>`;
  const zip = new JSZip();
  zip.file(
    '[Content_Types].xml',
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/></Types>',
  );
  zip.file('_rels/.rels', '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>');
  zip.file('word/_rels/document.xml.rels', '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rIdFooter" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/></Relationships>');
  zip.file('word/document.xml', document);
  zip.file('word/footer1.xml', footer);
  return zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE' });
}

/** DOCX → PDF with LibreOffice in a private profile (so parallel test workers do not share one). */
export function docxToPdf(docx: Uint8Array): Uint8Array {
  return docxToPdfs([docx])[0];
}

/**
 * Several DOCX → PDF in one LibreOffice start: starting it with a fresh profile costs several seconds, the
 * conversions themselves far less.
 */
export function docxToPdfs(docs: readonly Uint8Array[]): Uint8Array[] {
  if (!existsSync(SOFFICE_PATH)) {
    throw new Error(
      `LibreOffice not found at ${SOFFICE_PATH}: the Word-table PDF tests print DOCX to PDF with it. ` +
        'Install Debian\'s libreoffice-writer-nogui (as .ci/run does) or set PUBCOM_SOFFICE.',
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'pubcom-docx-'));
  try {
    const names = docs.map((_, i) => `table-${i}`);
    docs.forEach((docx, i) => writeFileSync(join(dir, `${names[i]}.docx`), docx));
    execFileSync(
      SOFFICE_PATH,
      [`-env:UserInstallation=file://${join(dir, 'profile')}`, '--headless', '--convert-to', 'pdf', '--outdir', dir, ...names.map((n) => join(dir, `${n}.docx`))],
      { stdio: 'ignore', timeout: 300_000 },
    );
    return names.map((n) => readFileSync(join(dir, `${n}.pdf`)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
