// Builds the XLSX fixture in memory (no binaries are committed): a city's results table as municipalities
// publish it in Excel, with a merged title, a section row merged across the table, one response merged over
// three comments' rows, a comment spread over two rows under a merged number, and an underlined revision.
import ExcelJS from 'exceljs';

export async function makeCyclingPlanXlsx(): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('意見と市の考え方');
  ws.getCell('A1').value = '○○市自転車活用推進計画（案）に対する意見と市の考え方';
  ws.mergeCells('A1:D1');
  ws.addRow([]);
  ws.getRow(3).values = ['No.', '項目', 'ご意見の概要', '市の考え方'];
  ws.getCell('A4').value = '１　自転車通行空間の整備';
  ws.mergeCells('A4:D4');
  ws.getRow(5).values = [
    1,
    '第4章',
    '自転車専用の通行帯を、駅周辺だけでなく通学路にも整備してほしい。',
    null,
  ];
  ws.getCell('D5').value = {
    richText: [
      { text: 'ご指摘を踏まえ、以下のとおり修正します。\n' },
      { text: '通学路においても、学校や警察と連携し、自転車通行空間の整備を進めます。', font: { underline: true } },
    ],
  };
  ws.getRow(6).values = [2, '', '車道の左端に矢羽根を設置しても、路上駐車が多く通行できない。', '自転車通行空間の安全確保については、警察等の関係機関と連携し、路上駐車の取締りや啓発に取り組むとともに、自転車ネットワーク路線の整備を計画的に進めてまいります。'];
  ws.getRow(7).values = [3, '', '歩道を走る自転車が多く危険である。'];
  ws.getRow(8).values = [4, '', '自転車と歩行者の事故を減らすための対策を強化してほしい。'];
  ws.mergeCells('D6:D8');
  ws.getRow(9).values = [5, '第5章', 'シェアサイクルのポートを増やしてほしい。特に、', 'シェアサイクルについては、利用状況を踏まえながら、ポートの増設を検討してまいります。'];
  ws.getRow(10).values = [null, null, '市役所や図書館などの公共施設への設置を優先すべき。'];
  ws.mergeCells('A9:A10');
  ws.mergeCells('D9:D10');
  ws.getCell('A11').value = '２　その他';
  ws.mergeCells('A11:D11');
  ws.getRow(12).values = [6, '', 'ヘルメット着用の啓発をもっと行うべき。', 'No.2の回答のとおりです。'];
  ws.getRow(13).values = [7, '', '計画の名称が分かりにくい。', ''];
  const summary = wb.addWorksheet('集計');
  summary.addRow(['意見提出者数', 6]);
  summary.addRow(['意見数', 7]);
  return new Uint8Array(await wb.xlsx.writeBuffer());
}
