// Findings explained from their rule and values, in both languages.
import type { Finding } from '@shared/model/contract/organisation.js';
import { describe, expect, it } from 'vitest';
import { activitiesByRule, concerns, countByRule, explainFinding, filterFindings, groupBySeverity } from './findings.js';
import { translator } from './testing.js';

const names: Record<string, string> = { claims: 'Claims handling', crm: 'CRM', payments: 'Payments', 'call-centre': 'Call centre' };
const finding = (
  rule: Finding['rule'],
  values: Finding['values'],
  related: Finding['related'] = [],
  severity: Finding['severity'] = 'error',
  activity = 'claims',
): Finding => ({
  rule,
  severity,
  activity,
  related,
  values,
  message: 'ENGLISH SERVER MESSAGE',
});

const FINDINGS: Finding[] = [
  finding('rto_above_mtpd', { rto: 72, mtpd: 24 }),
  finding('recovery_gap', { applicationRto: 48, activityRto: 24, gap: 24 }, [{ type: 'application', id: 'crm' }]),
  finding('upstream_rto', { upstreamRto: 168, activityRto: 24 }, [{ type: 'activity', id: 'payments' }]),
  finding('dependency_cycle', { cycle: 'claims → payments → claims' }, [{ type: 'activity', id: 'payments' }]),
  finding('no_impact_assessment', {}, [], 'warning', 'call-centre'),
  finding('incomplete_impact_assessment', {}, [], 'warning'),
  finding('mtpd_differs_from_suggested', { mtpd: 72, suggested: 24 }, [], 'info'),
  finding('mtpd_differs_from_suggested', { mtpd: 4, suggested: 24 }, [], 'info', 'payments'),
];

describe('explainFinding', () => {
  it.each(['en', 'fr'] as const)('words every rule in %s from its values, with names, not the server message', async (language) => {
    const { t, format } = await translator(language);
    for (const item of FINDINGS) {
      const text = explainFinding(item, { t, format, name: (_type, id) => names[id] ?? id });
      expect(text, item.rule).not.toContain('ENGLISH SERVER MESSAGE');
      expect(text, item.rule).not.toMatch(/\{\{|findings\./);
      expect(text, item.rule).toContain(names[item.activity]);
    }
  });

  it('puts the figures in the sentence, in the locale', async () => {
    const en = await translator('en');
    const fr = await translator('fr');
    const ctx = (x: typeof en) => ({ ...x, name: (_type: string, id: string) => names[id] ?? id });
    expect(explainFinding(FINDINGS[0], ctx(en)).replace(/\s/g, ' ')).toContain('takes 3 d to recover (RTO) but cannot stay stopped longer than 1 d');
    expect(explainFinding(FINDINGS[0], ctx(fr)).replace(/\s/g, ' ')).toContain('met 3 j à reprendre');
    expect(explainFinding(FINDINGS[1], ctx(en))).toContain('1 day too late');
    expect(explainFinding(FINDINGS[1], ctx(en))).toContain('CRM');
    expect(explainFinding(FINDINGS[3], ctx(en))).toContain('Claims handling → Payments → Claims handling');
    expect(explainFinding(FINDINGS[6], ctx(en))).toContain('2 days longer');
    expect(explainFinding(FINDINGS[7], ctx(fr))).toContain('plus courte de 20 heures');
  });

  it('falls back to the server message for a rule it does not know', async () => {
    const { t, format } = await translator('fr');
    const unknown = { ...FINDINGS[0], rule: 'brand_new_rule' } as unknown as Finding;
    expect(explainFinding(unknown, { t, format, name: (_type, id) => id })).toBe('ENGLISH SERVER MESSAGE');
  });
});

describe('grouping and filtering', () => {
  it('counts, groups and filters', () => {
    expect(countByRule(FINDINGS).mtpd_differs_from_suggested).toBe(2);
    expect(activitiesByRule([...FINDINGS, FINDINGS[0]]).rto_above_mtpd).toBe(1);
    const groups = groupBySeverity(FINDINGS);
    expect([groups.error.length, groups.warning.length, groups.info.length]).toEqual([4, 2, 2]);
    expect(filterFindings(FINDINGS, { rule: 'recovery_gap' })).toHaveLength(1);
    expect(filterFindings(FINDINGS, { severity: 'warning' })).toHaveLength(2);
    // An activity is concerned by its own findings and those naming it as the upstream activity.
    expect(filterFindings(FINDINGS, { activity: 'payments' }).map((item) => item.rule)).toEqual([
      'upstream_rto',
      'dependency_cycle',
      'mtpd_differs_from_suggested',
    ]);
    expect(concerns(FINDINGS[1], 'crm')).toBe(false);
  });
});
