// Who may generate and download reports: whoever reads the records a report is made of. The `reports` resource lets
// programme readers in; each kind then asks for read access to its sources, so a report never shows more than its
// reader could see on the pages it summarises.
import type { ReportKind } from '../../model/report.js';
import { PROGRAMME_READERS } from './programme.js';
import { allow, type Resource } from './rules.js';

export const reportRules = [allow(PROGRAMME_READERS, ['read', 'create'], 'reports')];

/** The records each kind of report is made of. */
export const REPORT_SOURCES: Record<ReportKind, readonly Resource[]> = {
  bia: ['activities', 'findings'],
  riskRegister: ['risks', 'riskMatrix'],
  exercise: ['exercises', 'correctiveActions'],
  committee: ['scenarios', 'runs'],
  managementReview: ['managementReviews', 'correctiveActions'],
};
