// The staff answers drawn from plans: which question a sentence is taken for (table), and what is answered from a
// small organisation, with its citation; nothing is answered to what is none of the three.
import { describe, expect, it } from 'vitest';
import { answerFromPlans, planIntent, type PlanKnowledge } from './plan-answers.js';

describe('planIntent', () => {
  it.each([
    ['est-ce que je peux venir au bureau demain', 'office'],
    ['Can I come to the office?', 'office'],
    ['le site de Lyon est ouvert ?', 'office'],
    ['qui remplace mon manager', 'deputy'],
    ['who replaces my manager?', 'deputy'],
    ['mon chef est absent, qui est son suppléant', 'deputy'],
    ['qui dois-je appeler ?', 'contacts'],
    ['who do I call', 'contacts'],
    ['numéro de la cellule de crise', 'contacts'],
    ['quels sont les gestes barrières', null],
    ['sick pay if I have covid', null],
  ])('%s → %s', (question, intent) => expect(planIntent(question)).toBe(intent));
});

const KNOWLEDGE: PlanKnowledge = {
  person: { site: 'paris', activities: ['claims'] },
  sites: [
    { id: 'paris', name: 'Paris' },
    { id: 'lyon', name: 'Lyon' },
  ],
  activities: [{ id: 'claims', name: 'Claims' }],
  incidents: [],
  plans: [
    {
      id: 'site-loss',
      title: 'Loss of a site',
      titles: { fr: 'Perte d’un site' },
      version: 3,
      approvedAt: '2026-11-02',
      reviewDate: '2026-01-01',
      scope: { activities: [], sites: ['paris'] },
      teams: [{ id: 'cell', name: 'Crisis cell', names: { fr: 'Cellule de crise' }, lead: 'Ada Lead, Director', deputies: ['Bob Second', 'Cy Third'] }],
      contacts: [{ name: 'Hotline', role: '24/7 line', roles: { fr: 'Ligne 24/7' }, phone: '+33 1 00 00 00 00' }],
      steps: [
        { phase: 'activation', action: 'Move the staff to telework', actions: { fr: 'Passer le personnel en télétravail' } },
        { phase: 'activation', action: 'Restart the servers' },
      ],
    },
  ],
};

describe('answerFromPlans', () => {
  it('names the deputies in order, citing the plan, its version and approval date (stale past its review date)', () => {
    const { answers } = answerFromPlans('qui remplace Ada ?', KNOWLEDGE, 'fr', '2026-12-06');
    expect(answers).toEqual([
      expect.objectContaining({
        text: 'Ada Lead, Director est remplacé(e), dans l’ordre, par : 1. Bob Second, 2. Cy Third.',
        source: 'Perte d’un site',
        published: '2026-11-02',
        stale: true,
        plan: { id: 'site-loss', title: 'Perte d’un site', version: 3, approvedAt: '2026-11-02' },
      }),
    ]);
  });

  it('gives the instructions about where to work of the plan covering a closed site, and only those', () => {
    const closed = {
      ...KNOWLEDGE,
      incidents: [{ id: 'i', title: 'Fire', declaredAt: '2026-12-05T08:00:00Z', sites: ['paris'], activities: [], exercise: false, plans: [] }],
    };
    const [answer] = answerFromPlans('can I come to the office', closed, 'en', '2026-12-06').answers as Array<Record<string, string>>;
    expect(answer.text).toBe(
      'The Paris site is unavailable: the open incident “Fire” affects it. Do not go there.\nWhat the plan “Loss of a site” says:\n• Move the staff to telework',
    );
    expect(answer.html).toContain('<li>Move the staff to telework</li>');
  });

  it('reads the site named in the question before the member’s own', () => {
    const closed = {
      ...KNOWLEDGE,
      incidents: [{ id: 'i', title: 'Flood', declaredAt: '2026-12-05T08:00:00Z', sites: ['lyon'], activities: [], exercise: true, plans: [] }],
    };
    const [answer] = answerFromPlans('le site de Lyon est ouvert ?', closed, 'fr', '2026-12-06').answers as Array<Record<string, string>>;
    expect(answer.text).toContain('Le site Lyon est indisponible : l’incident en cours « Flood (exercice) »');
    expect(answer.source).toBe('Incidents en cours');
  });

  it('answers nothing to a question that is none of the three, and escapes what it shows as HTML', () => {
    expect(answerFromPlans('gestes barrières', KNOWLEDGE, 'fr', '2026-12-06').answers).toEqual([]);
    const hostile = { ...KNOWLEDGE, plans: [{ ...KNOWLEDGE.plans[0], contacts: [{ name: '<img src=x onerror=alert(1)>' }] }] };
    const [answer] = answerFromPlans('who do I call', hostile, 'en', '2026-12-06').answers as Array<Record<string, string>>;
    expect(answer.html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });
});
