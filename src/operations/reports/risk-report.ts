// The risk register report: every risk with its inherent, residual and target scores and bands, above appetite or
// not, its treatments; the heat map of residual ratings as a chart (PDF) and as a table (both).
import { heatmap } from '../../engine/risk.js';
import type { ReportBlock } from '../../interchange/report-document.js';
import { presentRisk, registerSnapshot, threatCatalogue } from '../risk-register.js';
import { fileStem, frame, nameIn, wordsOf, type BuiltReport, type ReportContext } from './context.js';

export async function riskReport(context: ReportContext): Promise<BuiltReport> {
  const { language } = context;
  const words = wordsOf(context);
  const [{ matrix, risks: stored, familyOf }, catalogue] = await Promise.all([registerSnapshot(context.db, context.org.id), threatCatalogue()]);
  const risks = stored.map((item) => presentRisk(matrix, item, familyOf));
  const labelOf = (item: { label: string; names?: { en?: string; fr?: string } } | undefined, fallback: string) =>
    item ? (item.names?.[language] ?? item.label) : fallback;
  const bandName = (id: string) =>
    labelOf(
      matrix.bands.find((band) => band.id === id),
      id,
    );
  const familyName = (id: string | null) =>
    id
      ? nameIn(
          language,
          catalogue.families.find((family) => family.id === id),
          id,
        )
      : null;
  const levelName = (axis: 'likelihood' | 'impact', value: number) => labelOf(matrix[axis][value - 1], String(value));
  const residualMap = heatmap(
    matrix,
    risks.map((risk) => risk),
    'residual',
  );
  const ordered = [...risks].sort((a, b) => b.computed.residual.score - a.computed.residual.score || b.computed.inherent.score - a.computed.inherent.score);
  const bandRanges = matrix.bands.map((band, index) => ({ band, max: (matrix.bands[index + 1]?.min ?? 37) - 1 }));
  const likelihoods = matrix.likelihood.map((_, index) => index + 1);
  const impacts = matrix.impact.map((_, index) => index + 1);

  const blocks: ReportBlock[] = [
    {
      type: 'facts',
      items: [
        { label: words.risks.total, value: risks.length, type: 'number' },
        { label: words.risks.aboveAppetite, value: risks.filter((risk) => risk.computed.aboveAppetite).length, type: 'number' },
        { label: words.risks.treatmentRequired, value: risks.filter((risk) => risk.computed.treatmentRequired).length, type: 'number' },
        { label: words.risks.appetite, value: bandName(matrix.appetite), type: 'text' },
      ],
    },
    { type: 'heading', text: words.risks.heatmap },
    {
      type: 'chart',
      chart: {
        title: words.risks.heatmap,
        width: 520,
        height: 360,
        option: {
          grid: { left: 130, right: 20, top: 30, bottom: 90 },
          xAxis: {
            type: 'category',
            name: words.risks.impact,
            nameLocation: 'middle',
            nameGap: 50,
            data: impacts.map((value) => `${value}. ${levelName('impact', value)}`),
            axisLabel: { fontSize: 9, interval: 0, rotate: 20 },
            splitArea: { show: true },
          },
          yAxis: {
            type: 'category',
            name: words.risks.likelihood,
            data: likelihoods.map((value) => `${value}. ${levelName('likelihood', value)}`),
            axisLabel: { fontSize: 9 },
            splitArea: { show: true },
          },
          visualMap: {
            type: 'piecewise',
            dimension: 2,
            orient: 'horizontal',
            left: 'center',
            bottom: 0,
            textStyle: { fontSize: 9 },
            pieces: bandRanges.map(({ band, max }) => ({ min: band.min, max, color: band.colour, label: labelOf(band, band.id) })),
          },
          series: [
            {
              type: 'heatmap',
              // [impact index, likelihood index, score, count]: the score picks the band's colour, the count is printed.
              data: residualMap.cells.map((cell) => [cell.impact - 1, cell.likelihood - 1, cell.score, cell.count]),
              label: { show: true, formatter: '{@[3]}', fontSize: 11, color: '#000' },
              itemStyle: { borderColor: '#fff', borderWidth: 2 },
            },
          ],
        },
      },
    },
    {
      type: 'table',
      table: {
        sheet: words.risks.heatmapSheet,
        title: '',
        columns: [
          { label: words.risks.likelihood, type: 'text', weight: 2 },
          { label: words.risks.impact, type: 'text', weight: 2 },
          { label: words.risks.score, type: 'number' },
          { label: words.risks.band, type: 'text' },
          { label: words.risks.count, type: 'number' },
        ],
        rows: residualMap.cells
          .filter((cell) => cell.count > 0)
          .map((cell) => [
            `${cell.likelihood}. ${levelName('likelihood', cell.likelihood)}`,
            `${cell.impact}. ${levelName('impact', cell.impact)}`,
            cell.score,
            bandName(cell.band),
            cell.count,
          ]),
      },
    },
    { type: 'heading', text: words.risks.register },
    {
      type: 'table',
      table: {
        sheet: words.risks.register,
        title: '',
        columns: [
          { label: words.risks.risk, type: 'text', weight: 3 },
          { label: words.risks.family, type: 'text', weight: 1.3 },
          { label: words.owner, type: 'text', weight: 1.5 },
          { label: words.risks.inherent, type: 'number', weight: 0.8 },
          { label: words.risks.residual, type: 'number', weight: 0.8 },
          { label: words.risks.residualBand, type: 'text' },
          { label: words.risks.target, type: 'number', weight: 0.8 },
          { label: words.risks.above, type: 'boolean', weight: 0.9 },
          { label: words.risks.reviewDate, type: 'date' },
        ],
        rows: ordered.map((risk) => [
          nameIn(language, { id: risk.id, name: risk.title, names: risk.names }),
          familyName(risk.computed.family),
          risk.owner ?? null,
          risk.computed.inherent.score,
          risk.computed.residual.score,
          bandName(risk.computed.residual.band),
          risk.computed.target.score,
          risk.computed.aboveAppetite,
          risk.reviewDate ?? null,
        ]),
      },
    },
    {
      type: 'table',
      table: {
        sheet: words.risks.treatmentList,
        title: words.risks.treatmentList,
        columns: [
          { label: words.risks.risk, type: 'text', weight: 2 },
          { label: words.risks.type, type: 'text', weight: 0.8 },
          { label: words.risks.description, type: 'text', weight: 3 },
          { label: words.owner, type: 'text', weight: 1.3 },
          { label: words.risks.due, type: 'date' },
          { label: words.risks.status, type: 'text', weight: 0.8 },
        ],
        rows: ordered.flatMap((risk) =>
          risk.treatments.map((treatment) => [
            nameIn(language, { id: risk.id, name: risk.title, names: risk.names }),
            treatment.type,
            treatment.description,
            treatment.owner ?? null,
            treatment.due ?? null,
            treatment.status,
          ]),
        ),
      },
    },
  ];
  return {
    document: frame(context, words.risks.kind, words.risks.title, blocks),
    fileStem: fileStem('risk-register', context.org.id, context.now.toISOString().slice(0, 10)),
  };
}
