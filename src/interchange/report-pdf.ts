// A report document as PDF: pdfkit for the text and tables, ECharts' server-side SVG renderer for the charts (no
// DOM, no canvas), drawn into the page as vectors by svg-to-pdfkit, so their labels stay text a reader can search.
import * as echarts from 'echarts';
import PDFDocument from 'pdfkit';
import SVGtoPDF from 'svg-to-pdfkit';
import { pdfBytes } from './pdf-bytes.js';
import { cellFormatter, type CellType, type CellValue, type ReportChart, type ReportDocument, type ReportTable } from './report-document.js';

const MARGIN = 50;
const PAGE = { width: 595.28, height: 841.89 };
const USABLE = PAGE.width - 2 * MARGIN;
const BOTTOM = PAGE.height - MARGIN;

/**
 * The standard PDF fonts encode WinAnsi only: the narrow no-break space French number formatting uses ("36 564 €")
 * and the thin space would print as garbage, so they become ordinary no-break spaces.
 */
function printable(text: string): string {
  return text.replace(/[\u202f\u2009\u2007]/g, '\u00a0');
}

const NUMERIC: ReadonlySet<CellType> = new Set(['number', 'hours', 'money', 'percent']);

/** The chart as SVG text, rendered by ECharts without a DOM. */
export function chartSvg(chart: ReportChart): string {
  const instance = echarts.init(null, null, { renderer: 'svg', ssr: true, width: chart.width, height: chart.height });
  try {
    instance.setOption({ animation: false, textStyle: { fontFamily: 'Helvetica' }, ...chart.option });
    return instance.renderToSVGString();
  } finally {
    instance.dispose();
  }
}

export function reportPdf(document: ReportDocument): Promise<Buffer> {
  const format = cellFormatter(document.language, document.currency);
  const doc = new PDFDocument({ size: 'A4', margin: MARGIN, info: { Title: printable(document.title), Creator: 'Rempart' }, bufferPages: true });
  const room = (height: number) => {
    if (doc.y + height > BOTTOM) doc.addPage();
  };

  doc.fontSize(10).fillColor('#555').text(printable(document.subtitle));
  doc.fontSize(20).fillColor('#000').text(printable(document.title));
  doc
    .fontSize(9)
    .fillColor('#555')
    .text(printable(format(document.generatedAt, 'date')))
    .fillColor('#000');

  for (const block of document.blocks) {
    switch (block.type) {
      case 'heading':
        doc.moveDown(0.8);
        room(60);
        doc.font('Helvetica-Bold').fontSize(14).text(printable(block.text), MARGIN).font('Helvetica').fontSize(10).moveDown(0.3);
        break;
      case 'text':
        doc
          .fontSize(10)
          .fillColor(block.tone === 'alert' ? '#b00020' : block.tone === 'muted' ? '#555' : '#000')
          .text(printable(block.text), MARGIN, undefined, { width: USABLE })
          .fillColor('#000')
          .moveDown(0.3);
        break;
      case 'facts':
        drawTable(
          doc,
          {
            sheet: '',
            title: '',
            columns: [
              { label: '', type: 'text', weight: 2 },
              { label: '', type: 'text', weight: 3 },
            ],
            rows: block.items.map((item) => [item.label, format(item.value, item.type)]),
          },
          format,
          false,
        );
        break;
      case 'table':
        if (block.table.title) {
          room(40);
          doc.font('Helvetica-Bold').fontSize(11).text(printable(block.table.title), MARGIN).font('Helvetica').moveDown(0.2);
        }
        if (block.table.rows.length === 0)
          doc
            .fontSize(10)
            .fillColor('#555')
            .text(printable(block.table.empty ?? '—'), MARGIN)
            .fillColor('#000');
        else drawTable(doc, block.table, format, true);
        doc.moveDown(0.5);
        break;
      case 'chart': {
        const { chart } = block;
        const scale = Math.min(1, USABLE / chart.width);
        room(chart.height * scale + 20);
        doc.font('Helvetica-Bold').fontSize(11).text(printable(chart.title), MARGIN).font('Helvetica');
        const top = doc.y + 4;
        SVGtoPDF(doc, printable(chartSvg(chart)), MARGIN, top, { width: chart.width * scale, height: chart.height * scale, assumePt: true });
        doc.x = MARGIN;
        doc.y = top + chart.height * scale + 8;
        break;
      }
    }
  }
  // Page numbers once every page exists ("3 / 7").
  const range = doc.bufferedPageRange();
  for (let page = range.start; page < range.start + range.count; page++) {
    doc.switchToPage(page);
    doc
      .fontSize(8)
      .fillColor('#777')
      .text(`${page + 1} / ${range.count}`, MARGIN, PAGE.height - MARGIN + 20, { width: USABLE, align: 'right', lineBreak: false });
  }
  return pdfBytes(doc);
}

/** A table with wrapped cells, numbers on the right, its header repeated on each page it runs onto. */
function drawTable(doc: PDFKit.PDFDocument, table: ReportTable, format: (value: CellValue, type: CellType) => string, header: boolean): void {
  const total = table.columns.reduce((sum, column) => sum + (column.weight ?? 1), 0);
  const widths = table.columns.map((column) => (USABLE * (column.weight ?? 1)) / total);
  const padding = 3;
  const size = 8;
  const drawRow = (cells: string[], bold: boolean, shade: string | null) => {
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(size);
    const height = Math.max(...cells.map((cell, index) => doc.heightOfString(cell, { width: widths[index] - 2 * padding }))) + 2 * padding;
    if (doc.y + height > BOTTOM) {
      doc.addPage();
      if (header && !bold) drawHeader();
      doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(size);
    }
    const top = doc.y;
    if (shade) doc.rect(MARGIN, top, USABLE, height).fill(shade).fillColor('#000');
    let x = MARGIN;
    cells.forEach((cell, index) => {
      const numeric = NUMERIC.has(table.columns[index].type);
      doc.text(cell, x + padding, top + padding, { width: widths[index] - 2 * padding, align: numeric && !bold ? 'right' : 'left' });
      x += widths[index];
    });
    doc
      .moveTo(MARGIN, top + height)
      .lineTo(MARGIN + USABLE, top + height)
      .lineWidth(0.3)
      .strokeColor('#ccc')
      .stroke();
    doc.x = MARGIN;
    doc.y = top + height;
  };
  const drawHeader = () =>
    drawRow(
      table.columns.map((column) => printable(column.label)),
      true,
      '#eef1f5',
    );
  if (header) drawHeader();
  for (const row of table.rows)
    drawRow(
      row.map((value, index) => printable(format(value, table.columns[index].type))),
      false,
      null,
    );
  doc.font('Helvetica').fontSize(10);
}
