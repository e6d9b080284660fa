// Printable documents: a plan (steps, teams, contacts and its validation table) and an incident's crisis log, as PDF
// in French or English; the crisis log also as CSV.
import PDFDocument from 'pdfkit';
import { stringify } from 'csv-stringify/sync';
import { pdfBytes } from '../interchange/pdf-bytes.js';
import type { LogEntryView } from '../model/contract/incidents.js';
import type { PlanView } from '../model/contract/plans.js';

export type Language = 'en' | 'fr';

const WORDS = {
  en: {
    plan: 'Continuity plan',
    version: 'Version',
    status: 'Status',
    approvedBy: 'Approved by',
    purpose: 'Purpose',
    criteria: 'Activation criteria',
    scope: 'Scope',
    activities: 'Activities',
    sites: 'Sites',
    teams: 'Teams',
    lead: 'Lead',
    deputies: 'Deputies',
    steps: 'Steps',
    at: 'at',
    who: 'Who',
    where: 'Where',
    strategy: 'Switches on',
    contacts: 'Contacts',
    validation: 'Validation by simulation',
    noValidation: 'Not validated yet.',
    within: 'within MTPD',
    breach: 'BREACHES MTPD',
    protects: 'The plan keeps every activity in scope within its MTPD in its scenarios.',
    log: 'Crisis log',
    exercise: 'EXERCISE',
    corrects: 'corrects',
    decidedBy: 'decided by',
    phases: { alert: 'Alert', activation: 'Activation', continuity: 'Continuity', recovery: 'Recovery', returnToNormal: 'Return to normal' },
  },
  fr: {
    plan: 'Plan de continuité',
    version: 'Version',
    status: 'Statut',
    approvedBy: 'Approuvé par',
    purpose: 'Objet',
    criteria: 'Critères de déclenchement',
    scope: 'Périmètre',
    activities: 'Activités',
    sites: 'Sites',
    teams: 'Équipes',
    lead: 'Responsable',
    deputies: 'Suppléants',
    steps: 'Étapes',
    at: 'à',
    who: 'Qui',
    where: 'Où',
    strategy: 'Active',
    contacts: 'Contacts',
    validation: 'Validation par simulation',
    noValidation: 'Pas encore validé.',
    within: 'dans la DMIA',
    breach: 'DÉPASSE LA DMIA',
    protects: 'Le plan maintient chaque activité du périmètre dans sa DMIA pour ses scénarios.',
    log: 'Main courante',
    exercise: 'EXERCICE',
    corrects: 'corrige',
    decidedBy: 'décidé par',
    phases: { alert: 'Alerte', activation: 'Déclenchement', continuity: 'Continuité', recovery: 'Reprise', returnToNormal: 'Retour à la normale' },
  },
} as const;

function newDocument(title: string): PDFKit.PDFDocument {
  return new PDFDocument({ size: 'A4', margin: 50, info: { Title: title, Creator: 'Rempart' } });
}

const pick = (reference: string, translations: { en?: string; fr?: string } | undefined, language: Language) => translations?.[language] ?? reference;

/** The plan as a document: header, purpose and criteria, scope, teams, steps per phase, contacts, validation table. */
export function planPdf(plan: PlanView, language: Language): Promise<Buffer> {
  const w = WORDS[language];
  const title = pick(plan.title, plan.titles, language);
  const doc = newDocument(title);
  doc.fontSize(10).fillColor('#555').text(w.plan);
  doc.fontSize(20).fillColor('#000').text(title);
  doc
    .fontSize(10)
    .text(
      `${w.version} ${plan.version} · ${w.status}: ${plan.status}${plan.approval ? ` · ${w.approvedBy} ${plan.approval.by} (${plan.approval.at.slice(0, 10)})` : ''}`,
    );
  const section = (heading: string) => doc.moveDown().fontSize(14).fillColor('#000').text(heading).fontSize(10);
  if (plan.purpose) section(w.purpose).text(pick(plan.purpose, plan.purposes, language));
  if (plan.activationCriteria) section(w.criteria).text(pick(plan.activationCriteria, plan.activationCriteriaTexts, language));
  section(w.scope);
  doc.text(`${w.activities}: ${plan.scope.activities.join(', ') || '-'}`);
  doc.text(`${w.sites}: ${plan.scope.sites.join(', ') || '-'}`);
  if (plan.teams.length > 0) {
    section(w.teams);
    for (const team of plan.teams)
      doc.text(
        `${pick(team.name, team.names, language)} — ${w.lead}: ${team.lead}${team.deputies.length ? `; ${w.deputies}: ${team.deputies.join(', ')}` : ''}`,
      );
  }
  section(w.steps);
  for (const phase of Object.keys(w.phases) as Array<keyof typeof w.phases>) {
    const steps = plan.steps.filter((step) => step.phase === phase);
    if (steps.length === 0) continue;
    doc.moveDown(0.5).fontSize(12).text(w.phases[phase]).fontSize(10);
    for (const step of steps) {
      const who = step.owner ?? plan.teams.find((team) => team.id === step.team)?.lead;
      doc.text(
        `[H+${step.at}] ${pick(step.action, step.actions, language)}${who ? ` — ${w.who}: ${who}` : ''}${step.where ? ` — ${w.where}: ${step.where}` : ''}${step.strategy ? ` — ${w.strategy}: ${step.strategy}` : ''}`,
      );
      for (const item of step.checklist) doc.text(`    ☐ ${pick(item.text, item.texts, language)}`.replace('☐', '-'));
    }
  }
  if (plan.contacts.length > 0) {
    section(w.contacts);
    for (const contact of plan.contacts)
      doc.text([contact.name, contact.roles?.[language] ?? contact.role, contact.organisation, contact.phone, contact.email].filter(Boolean).join(' · '));
  }
  section(w.validation);
  const validation = plan.validation;
  if (!validation) doc.text(w.noValidation);
  else {
    if (validation.protects) doc.text(w.protects);
    for (const finding of validation.findings)
      doc
        .fillColor('#b00')
        .text(finding.texts[language] ?? finding.text)
        .fillColor('#000');
    for (const scenario of validation.scenarios) {
      doc
        .moveDown(0.5)
        .fontSize(12)
        .text(pick(scenario.name, scenario.names, language))
        .fontSize(10);
      for (const line of scenario.activities) {
        const probability = line.rtoProbability === null ? '' : ` · P(RTO) ${Math.round(line.rtoProbability * 100)} %`;
        doc.text(
          `${pick(line.name, line.names, language)}: ${line.longestDisruption} h / MTPD ${line.mtpd} h — ${line.withinMtpd ? w.within : w.breach}${probability}`,
        );
      }
    }
  }
  return pdfBytes(doc);
}

/** The crisis log as a PDF, every entry in order with its number, time, kind, author and what it corrects. */
export function logPdf(incident: { title: string; exercise: boolean; id: string }, items: LogEntryView[], language: Language): Promise<Buffer> {
  const w = WORDS[language];
  const doc = newDocument(`${w.log} — ${incident.title}`);
  if (incident.exercise) doc.fontSize(14).fillColor('#b00').text(w.exercise).fillColor('#000');
  doc.fontSize(18).text(`${w.log} — ${incident.title}`);
  doc.fontSize(9).fillColor('#555').text(incident.id).fillColor('#000').moveDown();
  for (const entry of items) {
    const extra = [entry.decidedBy ? `${w.decidedBy} ${entry.decidedBy}` : '', entry.corrects ? `${w.corrects} #${entry.corrects}` : '']
      .filter(Boolean)
      .join(', ');
    doc.fontSize(10).text(`#${entry.seq} ${entry.at.replace('T', ' ').slice(0, 19)} UTC · ${entry.kind} · ${entry.author}${extra ? ` (${extra})` : ''}`);
    doc.text(String(entry.text), { indent: 15 }).moveDown(0.3);
  }
  return pdfBytes(doc);
}

/** The crisis log as CSV (UTF-8 with a byte-order mark, so spreadsheets read accents right). */
export function logCsv(items: LogEntryView[]): string {
  const rows = items.map((entry) => [entry.seq, entry.at, entry.kind, entry.author, entry.decidedBy ?? '', entry.corrects ?? '', entry.text]);
  // Cells a spreadsheet would run as a formula are quoted as text.
  const safe = rows.map((row) => row.map((cell) => (typeof cell === 'string' && /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell)));
  return `\uFEFF${stringify([['seq', 'at', 'kind', 'author', 'decided_by', 'corrects', 'text'], ...safe])}`;
}
