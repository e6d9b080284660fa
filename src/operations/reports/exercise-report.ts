// The exercise report (ISO 22301 8.5 evidence): what was exercised, by whom, the objectives met, the recovery
// measured per activity against its RTO (chart and table), the lessons and the corrective actions they became.
import type { ReportBlock } from '../../interchange/report-document.js';
import { CorrectiveActionRepository } from '../../store/corrective-action-repository.js';
import { ModelRepository } from '../../store/model-repository.js';
import { getExercise, presentExercise } from '../exercises.js';
import { barChart, fileStem, frame, nameIn, wordsOf, type BuiltReport, type ReportContext } from './context.js';

export async function exerciseReport(context: ReportContext, exerciseId: string): Promise<BuiltReport> {
  const { language, db } = context;
  const words = wordsOf(context);
  const w = words.exercise;
  const exercise = presentExercise(await getExercise(db, context.org.id, exerciseId));
  const [scenario, actions] = await Promise.all([
    exercise.scenario ? new ModelRepository(db).getEntity(context.org.id, 'scenarios', exercise.scenario) : undefined,
    new CorrectiveActionRepository(db).list(context.org.id, { sourceKind: 'exercise', sourceId: exercise.id }, { offset: 0, limit: 500 }),
  ]);
  const results = exercise.results;
  const recovery = results?.recovery ?? [];

  const blocks: ReportBlock[] = [
    {
      type: 'facts',
      items: [
        { label: w.type, value: w.exerciseKinds[exercise.kind] ?? exercise.kind, type: 'text' },
        { label: w.status, value: w.statuses[exercise.status] ?? exercise.status, type: 'text' },
        { label: w.scheduled, value: exercise.scheduledAt, type: 'date' },
        { label: w.duration, value: exercise.durationMinutes / 60, type: 'hours' },
        { label: w.location, value: exercise.location, type: 'text' },
        { label: w.scenario, value: exercise.scenario ? nameIn(language, scenario, exercise.scenario) : null, type: 'text' },
        { label: w.started, value: exercise.startedAt, type: 'date' },
        { label: w.completed, value: exercise.completedAt, type: 'date' },
        ...(results ? [{ label: w.objectivesMet, value: `${results.objectivesMet} / ${results.objectivesTotal}`, type: 'text' as const }] : []),
      ],
    },
  ];
  if (exercise.description) blocks.push({ type: 'text', text: exercise.description });
  if (!results) blocks.push({ type: 'text', text: w.noResults, tone: 'muted' });
  else if (results.summary) blocks.push({ type: 'heading', text: w.summary }, { type: 'text', text: results.summary });

  blocks.push(
    { type: 'heading', text: w.objectives },
    {
      type: 'table',
      table: {
        sheet: w.objectives,
        title: '',
        empty: w.none,
        columns: [
          { label: w.objective, type: 'text', weight: 4 },
          { label: w.met, type: 'boolean', weight: 0.8 },
          { label: w.note, type: 'text', weight: 3 },
        ],
        rows: exercise.objectives.map((objective) => [objective.text, objective.met, objective.note]),
      },
    },
    { type: 'heading', text: w.participants },
    {
      type: 'table',
      table: {
        sheet: w.participants,
        title: '',
        empty: w.none,
        columns: [
          { label: w.name, type: 'text', weight: 2 },
          { label: w.role, type: 'text', weight: 2 },
        ],
        rows: exercise.participants.map((participant) => [participant.name, participant.role ?? null]),
      },
    },
    { type: 'heading', text: w.recovery },
  );
  if (recovery.length > 0)
    blocks.push({
      type: 'chart',
      chart: {
        title: w.chartRecovery,
        ...barChart(
          recovery.map((line) => line.name),
          [
            { name: w.measured, data: recovery.map((line) => line.recoveryHours ?? 0), color: '#e8590c' },
            { name: words.rto, data: recovery.map((line) => line.rto), color: '#1c7ed6' },
          ],
        ),
      },
    });
  blocks.push(
    {
      type: 'table',
      table: {
        sheet: w.recovery,
        title: '',
        empty: w.none,
        columns: [
          { label: words.activity, type: 'text', weight: 2.5 },
          { label: words.rto, type: 'hours' },
          { label: w.measured, type: 'hours' },
          { label: w.rtoMet, type: 'boolean', weight: 0.8 },
          { label: w.measuredBy, type: 'text', weight: 1.4 },
        ],
        rows: recovery.map((line) => [
          line.name,
          line.rto,
          line.recoveryHours ?? w.notRecovered,
          line.rtoMet,
          w.measuredByKinds[line.measuredBy] ?? line.measuredBy,
        ]),
      },
    },
    { type: 'heading', text: w.lessons },
    {
      type: 'table',
      table: {
        sheet: w.lessons,
        title: '',
        empty: w.none,
        columns: [
          { label: w.lesson, type: 'text', weight: 4 },
          { label: w.action, type: 'text', weight: 2 },
        ],
        rows: (results?.lessons ?? []).map((lesson) => [
          lesson.text,
          lesson.correctiveAction ? (actions.items.find((action) => action.id === lesson.correctiveAction)?.title ?? lesson.correctiveAction) : null,
        ]),
      },
    },
    { type: 'heading', text: w.actions },
    {
      type: 'table',
      table: {
        sheet: w.actions,
        title: '',
        empty: w.none,
        columns: [
          { label: w.action, type: 'text', weight: 3 },
          { label: words.owner, type: 'text', weight: 1.5 },
          { label: w.due, type: 'date' },
          { label: w.status, type: 'text' },
        ],
        rows: actions.items.map((action) => [action.title, action.owner, action.due, w.actionStatuses[action.status] ?? action.status]),
      },
    },
  );
  if (exercise.notes.length > 0)
    blocks.push(
      { type: 'heading', text: w.notes },
      {
        type: 'table',
        table: {
          sheet: w.notes,
          title: '',
          columns: [
            { label: w.at, type: 'date', weight: 1.2 },
            { label: w.author, type: 'text', weight: 1.3 },
            { label: w.text, type: 'text', weight: 4 },
          ],
          rows: exercise.notes.map((note) => [note.at, note.author, note.text]),
        },
      },
    );
  return {
    document: frame(context, w.kind, exercise.title, blocks),
    fileStem: fileStem('exercise', exercise.title, (exercise.completedAt ?? exercise.scheduledAt).slice(0, 10)),
  };
}
