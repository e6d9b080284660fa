// The BIA report: activities with their recovery objectives (MTPD, RTO, RPO, MBCO) and suggested MTPD, the impact
// ratings over time, the findings to fix; charts of objectives per activity and of impacts over time.
import { assessmentState, biaFindings, suggestedMtpd } from '../../engine/bia.js';
import type { ReportBlock } from '../../interchange/report-document.js';
import { DEFAULT_BIA } from '../../model/organisation.js';
import { exportModel } from '../model-writer.js';
import { barChart, fileStem, frame, nameIn, wordsOf, type BuiltReport, type ReportContext } from './context.js';

/** Activities in the impact chart: beyond a handful of lines the picture says nothing. */
const CHART_ACTIVITIES = 6;

export async function biaReport(context: ReportContext): Promise<BuiltReport> {
  const { language } = context;
  const words = wordsOf(context);
  const model = await exportModel(context.db, context.org.id);
  const bia = model.bia ?? context.org.bia ?? DEFAULT_BIA;
  const activities = [...model.activities].sort((a, b) => a.mtpd - b.mtpd || a.id.localeCompare(b.id));
  const activityName = (id: string) =>
    nameIn(
      language,
      model.activities.find((activity) => activity.id === id),
      id,
    );
  const applicationName = (id: string) =>
    nameIn(
      language,
      model.applications.find((application) => application.id === id),
      id,
    );
  const findings = biaFindings({ activities: model.activities, applications: model.applications, bia });
  const states = activities.map((activity) => assessmentState(activity.impacts, bia));
  const categoryName = (id: string) =>
    nameIn(
      language,
      bia.categories.find((category) => category.id === id),
      id,
    );
  const levelName = (value: number) => {
    const level = bia.scale.find((item) => item.value === value);
    return level ? (level.names?.[language] ?? level.label) : String(value);
  };
  const hoursLabel = (hours: number) => `${hours}h`;

  const critical = activities.slice(0, CHART_ACTIVITIES);
  const blocks: ReportBlock[] = [
    {
      type: 'facts',
      items: [
        { label: words.bia.activityCount, value: activities.length, type: 'number' },
        { label: words.bia.assessed, value: states.filter((state) => state === 'complete').length, type: 'number' },
        { label: words.bia.errors, value: findings.filter((finding) => finding.severity === 'error').length, type: 'number' },
        { label: words.bia.warnings, value: findings.filter((finding) => finding.severity === 'warning').length, type: 'number' },
      ],
    },
    { type: 'heading', text: words.bia.objectives },
    {
      type: 'table',
      table: {
        sheet: words.bia.activities,
        title: '',
        columns: [
          { label: words.activity, type: 'text', weight: 2.4 },
          { label: words.owner, type: 'text', weight: 2 },
          { label: words.mtpd, type: 'hours' },
          { label: words.rto, type: 'hours' },
          { label: words.rpo, type: 'hours' },
          { label: words.mbco, type: 'percent' },
          { label: words.suggestedMtpd, type: 'hours' },
          { label: words.downtimeCost, type: 'money' },
          { label: words.assessment, type: 'text' },
        ],
        rows: activities.map((activity, index) => [
          nameIn(language, activity),
          activity.owner ?? null,
          activity.mtpd,
          activity.rto,
          activity.rpo ?? null,
          activity.mbco,
          suggestedMtpd(activity.impacts, bia),
          activity.downtimeCostPerHour ?? null,
          words.assessmentStates[states[index]],
        ]),
      },
    },
    {
      type: 'chart',
      chart: {
        title: words.bia.chartObjectives,
        ...barChart(
          activities.map((activity) => nameIn(language, activity)),
          [
            { name: words.mtpd, data: activities.map((activity) => activity.mtpd) },
            { name: words.rto, data: activities.map((activity) => activity.rto) },
          ],
          // MTPDs run from hours to months: on a linear axis the shortest, most critical ones would not show.
          { log: true, yName: 'h' },
        ),
      },
    },
    { type: 'heading', text: words.bia.impacts },
    { type: 'text', text: `${words.bia.impactsNote} ${bia.intolerable} (${levelName(bia.intolerable)}).`, tone: 'muted' },
    {
      type: 'chart',
      chart: {
        title: words.bia.chartImpacts,
        ...barChart(
          bia.timePoints.map(hoursLabel),
          critical.map((activity) => ({
            name: nameIn(language, activity),
            type: 'line' as const,
            data: bia.timePoints.map((_, index) => Math.max(0, ...Object.values(activity.impacts).map((ratings) => ratings[index] ?? 0))),
          })),
        ),
      },
    },
    {
      type: 'table',
      table: {
        sheet: words.bia.impacts,
        title: '',
        columns: [
          { label: words.activity, type: 'text', weight: 2.4 },
          { label: words.category, type: 'text', weight: 2 },
          ...bia.timePoints.map((hours) => ({ label: hoursLabel(hours), type: 'number' as const, weight: 0.7 })),
        ],
        rows: activities.flatMap((activity) =>
          bia.categories.map((category) => [
            nameIn(language, activity),
            categoryName(category.id),
            ...bia.timePoints.map((_, index) => activity.impacts[category.id]?.[index] ?? null),
          ]),
        ),
      },
    },
    { type: 'heading', text: words.bia.findings },
    {
      type: 'table',
      table: {
        sheet: words.bia.findings,
        title: '',
        empty: words.bia.noFinding,
        columns: [
          { label: words.severity, type: 'text', weight: 1 },
          { label: words.finding, type: 'text', weight: 2 },
          { label: words.activity, type: 'text', weight: 2 },
          { label: words.related, type: 'text', weight: 2 },
        ],
        rows: findings.map((finding) => [
          words.severities[finding.severity],
          words.findingRules[finding.rule] ?? finding.rule,
          activityName(finding.activity),
          finding.related.map((item) => (item.type === 'activity' ? activityName(item.id) : applicationName(item.id))).join(', ') || null,
        ]),
      },
    },
  ];
  return {
    document: frame(context, words.bia.kind, words.bia.title, blocks),
    fileStem: fileStem('bia', context.org.id, context.now.toISOString().slice(0, 10)),
  };
}
