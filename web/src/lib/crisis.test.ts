// The plan editor keeps what it does not change: every shipped template goes through the editor's draft and back to
// the same content; bilingual text, countdowns and overdue tasks as the pages show them.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ACTIVITY_STATUSES, LOG_KINDS } from '@shared/model/incident.js';
import { PlanContent, PlanTemplate } from '@shared/model/plan.js';
import en from '../i18n/en.json';
import fr from '../i18n/fr.json';
import {
  countdown,
  describeEntry,
  fromBilingual,
  fromTemplate,
  isOverdue,
  PHASES,
  SEVERITIES,
  STATUSES,
  toBilingual,
  toPlanBody,
  toPlanDraft,
  urgency,
} from './crisis.js';

const TEMPLATES = fileURLToPath(new URL('../../../data/plans', import.meta.url));
const templates = readdirSync(TEMPLATES)
  .filter((name) => name.endsWith('.json'))
  .map((name) => PlanTemplate.parse(JSON.parse(readFileSync(join(TEMPLATES, name), 'utf8'))));

describe('the plan draft', () => {
  it.each(templates.map((template) => [template.id, template] as const))('gives back the content of the %s template unchanged', (_id, template) => {
    const content = PlanContent.parse(fromTemplate(template));
    expect(PlanContent.parse(toPlanBody(toPlanDraft(content)))).toEqual(content);
  });

  it('keeps both languages, the reference wording in English first, and drops empty texts', () => {
    expect(fromBilingual({ en: ' Payroll ', fr: 'Paie' })).toEqual({ reference: 'Payroll', texts: { en: 'Payroll', fr: 'Paie' } });
    expect(fromBilingual({ en: '', fr: 'Paie' })).toEqual({ reference: 'Paie', texts: { fr: 'Paie' } });
    expect(fromBilingual({ en: ' ', fr: '' })).toEqual({ reference: undefined, texts: undefined });
    expect(toBilingual('Payroll', undefined)).toEqual({ en: 'Payroll', fr: '' });
    expect(toBilingual('Paie', { fr: 'Paie' })).toEqual({ en: '', fr: 'Paie' });
  });

  it('pairs checklist lines by position in each language', () => {
    const content = PlanContent.parse({ title: 'T', steps: [{ id: 's', phase: 'alert', at: 0, action: 'Do', checklist: [] }] });
    const draft = toPlanDraft(content);
    draft.steps[0].checklist = { en: 'First\nSecond\n', fr: 'Premier\nSecond' };
    expect(PlanContent.parse(toPlanBody(draft)).steps[0].checklist).toEqual([
      { text: 'First', texts: { en: 'First', fr: 'Premier' } },
      { text: 'Second', texts: { en: 'Second', fr: 'Second' } },
    ]);
  });
});

describe('countdowns and tasks', () => {
  it.each([
    [21.9997, 'd', '21:59:58'],
    [24 * 6 + 21.5, 'd', '6 d 21:30:00'],
    [-0.25, 'j', '−00:15:00'],
    [0, 'd', '00:00:00'],
  ])('shows %s hours as %s', (hours, unit, text) => expect(countdown(hours as number, unit as string)).toBe(text));

  it.each([
    [null, 24, 'gray'],
    [-1, 24, 'red'],
    [6, 24, 'red'],
    [12, 24, 'orange'],
    [13, 24, 'teal'],
  ])('colours %s hours left of an MTPD of %s as %s', (left, mtpd, colour) => expect(urgency(left as number | null, mtpd as number)).toBe(colour));

  it('counts an open task past its due time as overdue, a done one never', () => {
    const now = Date.parse('2026-12-05T10:00:00Z');
    expect(isOverdue({ status: 'open', dueAt: '2026-12-05T09:59:59Z' }, now)).toBe(true);
    expect(isOverdue({ status: 'open', dueAt: '2026-12-05T10:00:01Z' }, now)).toBe(false);
    expect(isOverdue({ status: 'done', dueAt: '2026-12-05T09:00:00Z' }, now)).toBe(false);
  });
});

describe('the words the pages build from states and kinds', () => {
  it('exist in English and French', () => {
    const wanted = [
      ...PHASES.map((phase) => `planPhase.${phase}`),
      ...STATUSES.flatMap((status) => [`planStatus.${status}`, `plan.state.${status}`]),
      ...SEVERITIES.map((severity) => `incidentSeverity.${severity}`),
      ...ACTIVITY_STATUSES.map((status) => `activityStatus.${status}`),
      ...LOG_KINDS.map((kind) => `logKind.${kind}`),
      ...['open', 'inProgress', 'done', 'verified', 'cancelled'].map((status) => `actionStatus.${status}`),
      ...['siteUnavailable', 'applicationOutage', 'supplierOutage', 'activityStopped', 'activityDegraded'].map((type) => `incident.projection.down.${type}`),
      ...['added', 'removed', 'changed'].map((change) => `plan.changes.${change}`),
      ...['en', 'fr'].map((lang) => `plan.pdfIn.${lang}`),
    ];
    const has = (tree: unknown, key: string) => key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], tree);
    expect(wanted.filter((key) => typeof has(en, key) !== 'string' || typeof has(fr, key) !== 'string')).toEqual([]);
  });
});

describe('the crisis log in the reader’s language', () => {
  const t = (key: string, options?: Record<string, unknown>) => `${key}${options ? JSON.stringify(options) : ''}`;
  const names = {
    activity: (id: string) => (id === 'payroll' ? 'Paie' : id),
    task: (id: string) => (id === 't1' ? ({ title: 'Convene', titles: { fr: 'Réunir' } } as never) : undefined),
    plan: (id: string) => `plan ${id}`,
  };
  const entry = (kind: string, data: unknown, text = 'as written') =>
    ({ seq: 1, at: '', kind, text, author: 'a', decidedBy: null, corrects: null, correctedBy: [], data }) as never;

  it.each([
    [
      'status',
      { activity: 'payroll', previous: 'stopped', status: 'degraded', note: 'half the team' },
      'incident.log.statusText{"activity":"Paie","from":"activityStatus.stopped","to":"activityStatus.degraded"} — half the team',
    ],
    ['task', { task: 't1', status: 'done' }, 'incident.log.taskDone{"title":"Réunir"}'],
    ['task', { task: 'gone', status: 'done' }, 'as written'],
    ['activation', { plan: 'pandemic', version: 2, tasks: 9 }, 'incident.log.activationText{"plan":"plan pandemic","version":2,"count":9}'],
    [
      'declaration',
      { title: 'Flood', severity: 'major', exercise: true },
      'incident.log.declarationExercise{"title":"Flood","severity":"incidentSeverity.major"}',
    ],
    ['decision', { anything: true }, 'as written'],
    ['status', null, 'as written'],
  ])('tells a %s entry from its data', (kind, data, text) => expect(describeEntry(entry(kind, data), t, names, 'fr')).toBe(text));
});
