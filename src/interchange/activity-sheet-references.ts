// The references of an activity spreadsheet (applications, suppliers, sites, pools, upstream activities) checked against
// an organisation's model, in the file's terms, so that a file is judged on its values and its references at once.
import { integrityProblems } from '../engine/integrity.js';
import type { Activity, OrganisationModel } from '../model/organisation.js';
import type { Problem } from '../model/problem.js';
import { locateActivityProblem, type ActivitySheetResult } from './activity-sheet.js';

type ReferenceModel = Pick<OrganisationModel, 'sites' | 'pools' | 'applications' | 'suppliers' | 'activities' | 'strategies'>;

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : []);

/**
 * A refused row as far as references go: its id (or one no reference can name, when the id cell was bad) and the
 * lists it names. Its other values were refused already; they play no part in references.
 */
function referencesOf(draft: Record<string, unknown>, row: number): Activity {
  const staff = Array.isArray(draft.staff) ? draft.staff : [];
  return {
    id: typeof draft.id === 'string' ? draft.id : `\u0000row ${row}`,
    applications: strings(draft.applications),
    suppliers: strings(draft.suppliers),
    dependsOn: strings(draft.dependsOn),
    staff: staff
      .filter((entry): entry is { site: string; access?: unknown } => typeof entry === 'object' && entry !== null && typeof entry.site === 'string')
      .map((entry) => ({ site: entry.site, headcount: 0, remote: 0, access: strings(entry.access) })),
    impacts: {},
  } as unknown as Activity; // Only the fields integrityProblems reads are needed; the row's values were refused already.
}

/**
 * The problems of references made by the sheet's rows, once merged into `model` as an import would (an existing id is
 * replaced, a new one added), located by row and column. Rows refused for their values are checked too (their ids
 * count as known, so that another row may depend on them), except the cells whose values were refused already: one
 * problem per cell. Problems of the model's own activities, which the file does not touch, are not the file's.
 */
export function sheetReferenceProblems(model: ReferenceModel, sheet: ActivitySheetResult): Problem[] {
  const activities = [...model.activities];
  const position = new Map(activities.map((activity, index) => [activity.id, index]));
  // For each merged activity the file provides: its row, and its index in the list `locateActivityProblem` reads.
  const rowOf: number[] = [];
  const fromFile = new Map<number, number>();
  const place = (activity: Activity, row: number) => {
    const at = position.get(activity.id);
    const index = at ?? activities.length;
    if (at === undefined) position.set(activity.id, index);
    activities[index] = activity;
    fromFile.set(index, rowOf.length);
    rowOf.push(row);
  };
  const incoming = new Set<string>();
  sheet.activities.forEach((activity, i) => {
    incoming.add(activity.id);
    place(activity, sheet.rowOf[i]);
  });
  for (const { row, draft } of sheet.refused) {
    const activity = referencesOf(draft, row);
    // A repeated id is the parse's duplicate_id problem already.
    if (incoming.has(activity.id)) continue;
    incoming.add(activity.id);
    place(activity, row);
  }

  const refusedCells = new Set(sheet.problems.map((problem) => `${problem.row}:${problem.column}`));
  const located: Problem[] = [];
  for (const problem of integrityProblems({ ...model, activities })) {
    const match = /^activities\[(\d+)\](.*)$/.exec(problem.path);
    const index = match ? fromFile.get(Number(match[1])) : undefined;
    if (index === undefined) continue;
    const inFile = locateActivityProblem({ ...problem, path: `activities[${index}]${match![2]}` }, rowOf, sheet.columns);
    if (!refusedCells.has(`${inFile.row}:${inFile.column}`)) located.push(inFile);
  }
  return located;
}

/** The sheet's own problems and those of its references, in the order of the file's rows. */
export function allSheetProblems(model: ReferenceModel, sheet: ActivitySheetResult): Problem[] {
  // A header or file problem leaves no rows to check.
  if (sheet.activities.length === 0 && sheet.refused.length === 0) return sheet.problems;
  return [...sheet.problems, ...sheetReferenceProblems(model, sheet)]
    .map((problem, order) => ({ problem, order }))
    .sort((a, b) => (a.problem.row ?? 0) - (b.problem.row ?? 0) || a.order - b.order)
    .map(({ problem }) => problem);
}
