// Writes a small PDF by hand: a Type0 font with the predefined CMap UniJIS-UCS2-H and no embedded font
// program, the way many government PDFs reference MS-Mincho/MS-Gothic. Text is written as hex UCS-2
// strings at given positions, so a test controls exactly where each run sits on the page.

export interface PdfText {
  x: number;
  y: number;
  text: string;
  size?: number;
}

function ucs2Hex(s: string): string {
  let out = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp > 0xffff) throw new Error(`make-pdf: UCS-2 cannot encode U+${cp.toString(16)}`);
    out += cp.toString(16).padStart(4, '0').toUpperCase();
  }
  return out;
}

function pageContent(texts: PdfText[]): string {
  const ops = texts.map(
    (t) => `BT /F1 ${t.size ?? 10} Tf 1 0 0 1 ${t.x} ${t.y} Tm <${ucs2Hex(t.text)}> Tj ET`,
  );
  return ops.join('\n') + '\n';
}

/** One entry per page; A4 portrait (595 × 842 pt), origin bottom left. */
export function makePdf(pages: PdfText[][]): Uint8Array {
  const objects: string[] = [];
  const pageIds = pages.map((_, i) => 6 + i * 2);
  objects[1] = '<< /Type /Catalog /Pages 2 0 R >>';
  objects[2] = `<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(' ')}] /Count ${pages.length} >>`;
  objects[3] =
    '<< /Type /Font /Subtype /Type0 /BaseFont /MS-Mincho /Encoding /UniJIS-UCS2-H /DescendantFonts [4 0 R] >>';
  objects[4] =
    '<< /Type /Font /Subtype /CIDFontType0 /BaseFont /MS-Mincho ' +
    '/CIDSystemInfo << /Registry (Adobe) /Ordering (Japan1) /Supplement 2 >> /FontDescriptor 5 0 R /DW 1000 >>';
  objects[5] =
    '<< /Type /FontDescriptor /FontName /MS-Mincho /Flags 6 /FontBBox [0 -141 1000 859] /ItalicAngle 0 ' +
    '/Ascent 859 /Descent -141 /CapHeight 709 /StemV 80 >>';
  pages.forEach((texts, i) => {
    const content = pageContent(texts);
    objects[pageIds[i]] =
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> ` +
      `/Contents ${pageIds[i] + 1} 0 R >>`;
    objects[pageIds[i] + 1] = `<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}endstream`;
  });

  let pdf = '%PDF-1.4\n%\xE2\xE3\xCF\xD3\n';
  const offsets: number[] = [];
  for (let id = 1; id < objects.length; id++) {
    offsets[id] = Buffer.byteLength(pdf, 'latin1');
    pdf += `${id} 0 obj\n${objects[id]}\nendobj\n`;
  }
  const xref = Buffer.byteLength(pdf, 'latin1');
  pdf += `xref\n0 ${objects.length}\n0000000000 65535 f \n`;
  for (let id = 1; id < objects.length; id++) pdf += `${String(offsets[id]).padStart(10, '0')} 00000 n \n`;
  pdf += `trailer\n<< /Size ${objects.length} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return new Uint8Array(Buffer.from(pdf, 'latin1'));
}

type Row = [number: string, comment: string[], response: string[]];

/** Rows of a results table from y0 down: number at x=40, comment at x=70, response at x=320, 14 pt lines.
 *  A row whose number is "§" is a section heading. */
function tableRows(y0: number, rows: Row[]): PdfText[] {
  const out: PdfText[] = [];
  let y = y0;
  for (const [num, left, right] of rows) {
    if (num === '§') {
      out.push({ x: 70, y, text: left[0] });
      y -= 28;
      continue;
    }
    if (num) out.push({ x: 40, y, text: num });
    const lines = Math.max(left.length, right.length);
    for (let k = 0; k < lines; k++) {
      if (left[k]) out.push({ x: 70, y: y - 14 * k, text: left[k] });
      if (right[k]) out.push({ x: 320, y: y - 14 * k, text: right[k] });
    }
    y -= 14 * lines + 14;
  }
  return out;
}

/** Two pages of a ministry's results table: running title, column headings, section rows, page numbers. */
export function makeEiaResultPdf(): Uint8Array {
  const top = (first: boolean): PdfText[] => [
    { x: 110, y: 800, text: '環境影響評価制度の見直し（案）に関する意見募集の結果' },
    ...(first ? [{ x: 40, y: 780, text: '令和７年３月　環境省' }] : []),
    { x: 40, y: 752, text: '番号' },
    { x: 70, y: 752, text: '意見の概要' },
    { x: 320, y: 752, text: '意見に対する考え方' },
  ];
  const page1 = [
    ...top(true),
    ...tableRows(724, [
      ['§', ['１．対象事業に関する意見'], []],
      [
        '1',
        ['風力発電所の規模要件の引下げについて、', '地域への影響を考慮して慎重に検討すべき。'],
        ['規模要件については、専門家による検討会', 'の議論を踏まえて設定したものであり、原', '案どおりとさせていただきます。'],
      ],
      [
        '2',
        ['小規模な事業にも簡易な手続を設けるべき。'],
        ['ご指摘を踏まえ、以下のとおり修正します。', '【修正案】小規模事業の簡易な手続につい', 'て検討する旨を追記します。'],
      ],
    ]),
    { x: 280, y: 60, text: '- 1 -' },
  ];
  const page2 = [
    ...top(false),
    ...tableRows(724, [
      ['§', ['２．その他に関する意見'], []],
      ['3', ['意見募集の周知が不十分である。'], ['No.1の回答のとおりです。']],
    ]),
    { x: 280, y: 60, text: '- 2 -' },
  ];
  return makePdf([page1, page2]);
}
