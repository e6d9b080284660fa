// The assurance figures alone: completion per site and activity, the review's agenda and the programme's health drawn
// from one state, and the clause tracker's gaps.
import { describe, expect, it } from 'vitest';
import type { ProgrammeState } from '../model/assurance.js';
import { clauseGaps, programmeHealth, reviewAgenda, trainingCompletion, type AssignmentFacts } from './assurance.js';

const person = (site: string | null, activities: string[], state: 'done' | 'failed' | 'pending'): AssignmentFacts => ({
  site,
  activities,
  acknowledged: state !== 'pending',
  passed: state === 'done' ? true : state === 'failed' ? false : null,
  completed: state === 'done',
});

function healthyState(): ProgrammeState {
  return {
    today: '2026-12-06',
    since: '2025-12-01',
    bia: { lastApproved: { version: 3, approvedAt: '2026-03-01T10:00:00.000Z' }, openCampaigns: 0, overdueTasks: 0, activities: 2, neverAssessed: [] },
    risks: { total: 4, aboveAppetite: [], aboveAppetiteWithoutTreatment: 0 },
    exercises: {
      completedSince: [{ id: 'e1', title: 'Tabletop', kind: 'tabletop', objectives: 2, objectivesMet: 2, recoveriesOverRto: 0 }],
      completedLastYear: 1,
      criticalActivities: 2,
      uncovered: [],
    },
    incidents: [{ id: 'i1', title: 'Flood', status: 'closed', reviewed: true }],
    correctiveActions: { open: 1, overdue: 0, verifiedSince: 2, fromPreviousReviews: [{ id: 'a1', title: 'Call tree', status: 'verified' }] },
    training: { overall: { total: 10, completed: 9, acknowledged: 10, failedQuiz: 1, rate: 0.9 }, campaigns: [{ id: 't1', title: 'Awareness', rate: 0.9 }] },
    plans: { total: 2, approved: 2, reviewOverdue: 0 },
    changes: [
      { entityType: 'activity', count: 3 },
      { entityType: 'plan', count: 2 },
    ],
    clauses: { total: 35, applicable: 34, implemented: 34, partial: 0 },
  };
}

describe('training completion', () => {
  it('counts each person once overall, under each of their activities, and those without a site or activity under null', () => {
    const figures = trainingCompletion([
      person('paris', ['claims'], 'done'),
      person('paris', ['claims', 'payments'], 'failed'),
      person('lyon', ['payments'], 'pending'),
      person(null, [], 'done'),
    ]);
    expect(figures.overall).toEqual({ total: 4, completed: 2, acknowledged: 3, failedQuiz: 1, rate: 0.5 });
    expect(figures.bySite.map((line) => [line.site, line.completed, line.total])).toEqual([
      ['lyon', 0, 1],
      ['paris', 1, 2],
      [null, 1, 1],
    ]);
    expect(figures.byActivity.map((line) => [line.activity, line.completed, line.total, line.rate])).toEqual([
      ['claims', 1, 2, 0.5],
      ['payments', 0, 2, 0],
      [null, 1, 1, 1],
    ]);
  });

  it('has no rate when nobody was asked', () => {
    expect(trainingCompletion([]).overall).toEqual({ total: 0, completed: 0, acknowledged: 0, failedQuiz: 0, rate: null });
  });
});

describe('the management review agenda', () => {
  it('lists every input in order, nothing needing attention when the programme is on track', () => {
    const agenda = reviewAgenda(healthyState());
    expect(agenda.map((item) => item.key)).toEqual([
      'previousActions',
      'bia',
      'risks',
      'exercises',
      'incidents',
      'correctiveActions',
      'training',
      'plans',
      'changes',
      'clauses',
    ]);
    expect(agenda.filter((item) => item.attention)).toEqual([]);
    expect(agenda.find((item) => item.key === 'changes')!.facts).toEqual({ entries: 5 });
    expect(agenda.find((item) => item.key === 'bia')!.facts).toMatchObject({ lastVersion: 3, ageDays: 280 });
  });

  it('flags what needs a decision: an old BIA, risks without treatment, missed objectives, unreviewed incidents, late actions, low training', () => {
    const state = healthyState();
    state.bia.lastApproved = { version: 1, approvedAt: '2025-11-01T00:00:00.000Z' };
    state.risks = { total: 4, aboveAppetite: [{ id: 'r1', title: 'Flood', band: 'high' }], aboveAppetiteWithoutTreatment: 1 };
    state.exercises.completedSince[0].objectivesMet = 1;
    state.exercises.uncovered = [{ id: 'claims', name: 'Claims' }];
    state.incidents.push({ id: 'i2', title: 'Outage', status: 'closed', reviewed: false });
    state.correctiveActions.overdue = 2;
    state.correctiveActions.fromPreviousReviews.push({ id: 'a2', title: 'Generator', status: 'inProgress' });
    state.training.overall = { total: 10, completed: 5, acknowledged: 6, failedQuiz: 1, rate: 0.5 };
    state.plans.reviewOverdue = 1;
    state.clauses.implemented = 30;
    const agenda = reviewAgenda(state);
    expect(agenda.filter((item) => item.attention).map((item) => item.key)).toEqual([
      'previousActions',
      'bia',
      'risks',
      'exercises',
      'incidents',
      'correctiveActions',
      'training',
      'plans',
      'clauses',
    ]);
    expect(agenda.find((item) => item.key === 'exercises')!.entries).toEqual([
      { id: 'e1', label: 'Tabletop', note: 'tabletop' },
      { id: 'claims', label: 'Claims', note: 'notExercised' },
    ]);
    expect(agenda.find((item) => item.key === 'incidents')!.facts).toEqual({ total: 2, open: 0, reviewed: 1, notReviewed: 1 });
  });
});

describe('programme health', () => {
  it('is ok on every figure for a programme on track', () => {
    const health = programmeHealth(healthyState());
    expect(Object.entries(health).filter(([, value]) => typeof value === 'object' && !(value as { ok: boolean }).ok)).toEqual([]);
  });

  it('is not ok when the BIA is older than a year, an activity was never assessed or training is below 90 %', () => {
    const state = healthyState();
    state.bia.lastApproved = { version: 1, approvedAt: '2025-12-05T00:00:00.000Z' };
    state.training.overall.rate = 0.89;
    const health = programmeHealth(state);
    expect(health.bia).toMatchObject({ ageDays: 366, ok: false });
    expect(health.training.ok).toBe(false);
    state.bia.lastApproved = { version: 2, approvedAt: '2026-12-01T00:00:00.000Z' };
    state.bia.neverAssessed = [{ id: 'new', name: 'New' }];
    expect(programmeHealth(state).bia).toMatchObject({ ageDays: 5, neverAssessed: 1, ok: false });
  });
});

describe('clause gaps', () => {
  it('names every applicable clause not implemented, or without evidence or owner', () => {
    expect(
      clauseGaps([
        { id: '4.1', status: 'implemented', owner: 'CEO', evidence: 1 },
        { id: '4.2', status: 'implemented', owner: null, evidence: 0 },
        { id: '4.3', status: 'notApplicable', owner: null, evidence: 0 },
        { id: '5.1', status: 'partial', owner: 'CEO', evidence: 2 },
        { id: '5.2', status: 'notStarted', owner: null, evidence: 0 },
      ]),
    ).toEqual([
      { clause: '4.2', status: 'implemented', reasons: ['noEvidence', 'noOwner'] },
      { clause: '5.1', status: 'partial', reasons: ['partial'] },
      { clause: '5.2', status: 'notStarted', reasons: ['notStarted', 'noEvidence', 'noOwner'] },
    ]);
  });
});
