// `rempart plans list` and `rempart incidents list`: the continuity plans and the incidents of a stored organisation,
// as a table for people or as JSON (the API's items, without the caller's abilities) for scripts.
import type { Command } from 'commander';
import type { IncidentView } from '../model/contract/incidents.js';
import type { PlanView } from '../model/contract/plans.js';
import { PLAN_STATUSES } from '../model/plan.js';
import { presentIncidents } from '../operations/incidents.js';
import { presentPlan } from '../operations/plans.js';
import { IncidentRepository } from '../store/incident-repository.js';
import { PlanRepository } from '../store/plan-repository.js';
import { RempartError } from '../errors.js';
import { dataOption, resolveOrg, withDatabase, type CommandHelpers, type OrgFlags } from './context.js';

type ListFlags = OrgFlags & { json?: boolean; status?: string };

/** Columns padded to their widest cell. */
function table(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column]))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

function refuseStatus(status: string | undefined, allowed: readonly string[]): void {
  if (status !== undefined && !allowed.includes(status))
    throw new RempartError('invalid_input', `--status must be one of ${allowed.join(', ')}.`, [
      { path: '--status', rule: 'enum', value: status, message: `one of ${allowed.join(', ')}` },
    ]);
}

/** Adds `rempart plans list` and `rempart incidents list` to the program. */
export function registerCrisisCommands(program: Command, helpers: CommandHelpers = { withDatabase, resolveOrg }): void {
  const out = () => helpers.out ?? process.stdout;

  program
    .command('plans')
    .description('Continuity plans')
    .command('list')
    .description('List the plans, each at its latest version: status, approved version, validation, review date')
    .option('--org <id>', 'organisation id (default: the only one)')
    .option('--status <status>', `only plans whose latest version is ${PLAN_STATUSES.join(', ')}`)
    .option('--json', 'print JSON: {"items": [plan…], "total": n}, each plan as GET /api/orgs/{org}/plans gives it')
    .addOption(dataOption())
    .action(async (flags: ListFlags) => {
      refuseStatus(flags.status, PLAN_STATUSES);
      await helpers.withDatabase(
        flags,
        async (handle) => {
          const org = await helpers.resolveOrg(handle, flags.org);
          const plans: PlanView[] = (await new PlanRepository(handle.db).list(org, { status: flags.status as PlanView['status'] | undefined })).map((plan) =>
            presentPlan(plan),
          );
          if (flags.json) {
            out().write(JSON.stringify({ items: plans, total: plans.length }, null, 2) + '\n');
            return;
          }
          if (plans.length === 0) {
            out().write(`No plan in ${org}.\n`);
            return;
          }
          out().write(
            table(
              ['ID', 'STATUS', 'VERSION', 'APPROVED', 'VALIDATION', 'REVIEW BY', 'TITLE'],
              plans.map((plan) => [
                plan.id,
                plan.status,
                String(plan.version),
                plan.approvedVersion === null ? '-' : String(plan.approvedVersion),
                plan.validation ? (plan.validation.protects ? 'protects' : `${plan.validation.findings.length} gap(s)`) : '-',
                `${plan.reviewDate ?? '-'}${plan.reviewDue ? ' (due)' : ''}`,
                plan.title,
              ]),
            ),
          );
        },
        { existing: true },
      );
    });

  program
    .command('incidents')
    .description('Incidents and exercises')
    .command('list')
    .description('List the incidents and exercises, newest first: severity, state, tasks done and overdue')
    .option('--org <id>', 'organisation id (default: the only one)')
    .option('--status <status>', 'only open or closed ones')
    .option('--json', 'print JSON: {"items": [incident…], "total": n}, each incident as GET /api/orgs/{org}/incidents gives it')
    .addOption(dataOption())
    .action(async (flags: ListFlags) => {
      refuseStatus(flags.status, ['open', 'closed']);
      await helpers.withDatabase(
        flags,
        async (handle) => {
          const org = await helpers.resolveOrg(handle, flags.org);
          const repository = new IncidentRepository(handle.db);
          const records = [];
          let before: { at: Date; id: string } | undefined;
          for (;;) {
            const page = await repository.list(org, { limit: 200, before, status: flags.status as 'open' | 'closed' | undefined });
            records.push(...page.items);
            const last = page.items[page.items.length - 1];
            if (page.items.length < 200 || !last) break;
            before = { at: last.declaredAt, id: last.id };
          }
          const incidents: IncidentView[] = await presentIncidents(handle.db, org, records);
          if (flags.json) {
            out().write(JSON.stringify({ items: incidents, total: incidents.length }, null, 2) + '\n');
            return;
          }
          if (incidents.length === 0) {
            out().write(`No incident in ${org}.\n`);
            return;
          }
          out().write(
            table(
              ['ID', 'START', 'SEVERITY', 'STATE', 'TASKS', 'TITLE'],
              incidents.map((incident) => [
                incident.id,
                incident.start.slice(0, 16).replace('T', ' '),
                incident.severity,
                incident.status,
                `${incident.tasks.done}/${incident.tasks.total}${incident.tasks.overdue ? ` (${incident.tasks.overdue} overdue)` : ''}`,
                `${incident.exercise ? '[EXERCISE] ' : ''}${incident.title}`,
              ]),
            ),
          );
        },
        { existing: true },
      );
    });
}
