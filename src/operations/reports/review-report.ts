// The management-review pack (ISO 22301 9.3): the review's agenda drawn from the programme's state (each input with
// its figures, its entries and the minutes taken), the attendees, the decisions that became corrective actions, and
// the programme's health as a chart and a table.
import type { ReportBlock } from '../../interchange/report-document.js';
import { managementReviewPack } from '../management-reviews.js';
import { barChart, fileStem, frame, wordsOf, type BuiltReport, type ReportContext } from './context.js';

/** A share as a percentage for the chart, or 0 when there is nothing to count. */
const percent = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 1000) / 10 : 0);

export async function reviewReport(context: ReportContext, reviewId: string): Promise<BuiltReport> {
  const { language } = context;
  const words = wordsOf(context);
  const w = words.review;
  const { review, titles, health } = await managementReviewPack(context.db, context.org.id, reviewId, context.now);
  const factLabel = (key: string) => w.facts[key] ?? key;

  const blocks: ReportBlock[] = [
    {
      type: 'facts',
      items: [
        { label: w.heldOn, value: review.heldOn, type: 'date' },
        { label: w.since, value: review.since, type: 'date' },
        { label: w.status, value: w.statuses[review.status] ?? review.status, type: 'text' },
        { label: w.signature, value: review.signature, type: 'text' },
        { label: w.attention, value: review.agenda.filter((item) => item.attention).length, type: 'number' },
      ],
    },
    { type: 'heading', text: w.health },
    {
      type: 'chart',
      chart: {
        title: w.healthChart,
        ...barChart(
          [w.healthAreas.bia, w.healthAreas.plans, w.healthAreas.exercises, w.healthAreas.training, w.healthAreas.clauses],
          [
            {
              name: w.healthChart,
              data: [
                percent(health.bia.activities - health.bia.neverAssessed, health.bia.activities),
                percent(health.plans.approved, health.plans.total),
                percent(health.exercises.criticalActivities - health.exercises.notExercised, health.exercises.criticalActivities),
                health.training.rate === null ? 0 : Math.round(health.training.rate * 1000) / 10,
                percent(health.clauses.implemented, health.clauses.applicable),
              ],
              color: '#2f9e44',
            },
          ],
          { percent: true },
        ),
      },
    },
    {
      type: 'table',
      table: {
        sheet: w.health,
        title: '',
        columns: [
          { label: w.area, type: 'text', weight: 2 },
          { label: w.figures, type: 'text', weight: 4 },
          { label: w.ok, type: 'boolean', weight: 0.8 },
        ],
        rows: [
          [w.healthAreas.bia, `${health.bia.activities - health.bia.neverAssessed} / ${health.bia.activities}`, health.bia.ok],
          [
            w.healthAreas.plans,
            `${health.plans.approved} / ${health.plans.total} · ${factLabel('reviewOverdue')}: ${health.plans.reviewOverdue}`,
            health.plans.ok,
          ],
          [
            w.healthAreas.exercises,
            `${health.exercises.criticalActivities - health.exercises.notExercised} / ${health.exercises.criticalActivities}`,
            health.exercises.ok,
          ],
          [w.healthAreas.training, `${health.training.completed} / ${health.training.asked}`, health.training.ok],
          [
            w.healthAreas.actions,
            `${factLabel('open')}: ${health.correctiveActions.open} · ${factLabel('overdue')}: ${health.correctiveActions.overdue}`,
            health.correctiveActions.ok,
          ],
          [w.healthAreas.clauses, `${health.clauses.implemented} / ${health.clauses.applicable}`, health.clauses.ok],
        ],
      },
    },
    { type: 'heading', text: w.attendees },
    {
      type: 'table',
      table: {
        sheet: w.attendees,
        title: '',
        empty: words.exercise.none,
        columns: [
          { label: words.exercise.name, type: 'text', weight: 2 },
          { label: words.exercise.role, type: 'text', weight: 2 },
        ],
        rows: review.attendees.map((attendee) => [attendee.name, attendee.role ?? null]),
      },
    },
    { type: 'heading', text: w.agenda },
  ];
  for (const item of review.agenda) {
    blocks.push(
      { type: 'text', text: `${titles[item.key][language]}${item.attention ? ` — ${w.needsDecision}` : ''}`, tone: item.attention ? 'alert' : undefined },
      { type: 'facts', items: Object.entries(item.facts).map(([key, value]) => ({ label: factLabel(key), value, type: key === 'rate' ? 'percent' : 'text' })) },
    );
    if (item.entries.length > 0)
      blocks.push({
        type: 'table',
        table: {
          sheet: titles[item.key][language],
          title: '',
          columns: [
            { label: w.entry, type: 'text', weight: 3 },
            { label: w.note, type: 'text', weight: 1.5 },
          ],
          rows: item.entries.map((entry) => [entry.label, entry.note]),
        },
      });
    if (item.minutes) blocks.push({ type: 'text', text: `${w.minutes}: ${item.minutes}`, tone: 'muted' });
  }
  blocks.push(
    { type: 'heading', text: w.decisions },
    {
      type: 'table',
      table: {
        sheet: w.decisions,
        title: '',
        empty: words.exercise.none,
        columns: [
          { label: words.exercise.action, type: 'text', weight: 3 },
          { label: words.owner, type: 'text', weight: 1.5 },
          { label: words.exercise.due, type: 'date' },
          { label: words.exercise.status, type: 'text' },
        ],
        rows: review.decisions.map((action) => [action.title, action.owner, action.due, words.exercise.actionStatuses[action.status] ?? action.status]),
      },
    },
  );
  return { document: frame(context, w.kind, review.title, blocks), fileStem: fileStem('management-review', review.heldOn) };
}
