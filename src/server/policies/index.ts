// The policy table in one place, and the decisions drawn from it: may this subject do this, on this item, and
// what may it do (abilities sent with responses, so clients never re-implement the rules).
import { ROLES, type Role } from '../../model/account.js';
import { accessRules } from './access.js';
import { alertRules } from './alerts.js';
import { assistantRules } from './assistant.js';
import { assuranceRules } from './assurance.js';
import { crisisRules } from './crisis.js';
import { fileRules } from './files.js';
import { jobRules } from './jobs.js';
import { kbRules } from './kb.js';
import { peopleRules } from './people.js';
import { programmeRules } from './programme.js';
import { reportRules } from './reports.js';
import { riskRules } from './risks.js';
import { surveillanceRules } from './surveillance.js';
import { widgetRules } from './widget.js';
import { RESOURCES, RESOURCE_NAMES, type Action, type Condition, type Resource, type Rule, type Subject } from './rules.js';

export { RESOURCES, RESOURCE_NAMES, type Action, type Resource, type Subject } from './rules.js';

/** Every rule there is. */
export const POLICY: readonly Rule[] = [
  ...programmeRules,
  ...riskRules,
  ...accessRules,
  ...fileRules,
  ...widgetRules,
  ...jobRules,
  ...crisisRules,
  ...peopleRules,
  ...surveillanceRules,
  ...alertRules,
  ...kbRules,
  ...assuranceRules,
  ...assistantRules,
  ...reportRules,
];

/** What one role may do: true, false, or only where these conditions hold (any of them). */
type Grant = true | false | Array<Condition<never>>;

function grant(role: Role, resource: Resource, action: Action, via: Subject['via']): Grant {
  const conditions: Array<Condition<never>> = [];
  for (const rule of POLICY) {
    if (!rule.roles.includes(role) || !rule.resources.includes(resource) || !rule.actions.includes(action)) continue;
    if (rule.via === 'session' && via !== 'session') continue;
    if (!rule.when) return true;
    conditions.push(rule.when);
  }
  return conditions.length > 0 ? conditions : false;
}

/** Before any item is loaded: `allow`, `deny`, or `target` when the answer depends on the item. */
export function precheck(subject: Subject, resource: Resource, action: Action): 'allow' | 'deny' | 'target' {
  let needsTarget = false;
  for (const role of subject.roles) {
    const granted = grant(role, resource, action, subject.via);
    if (granted === false) return 'deny';
    if (granted !== true) needsTarget = true;
  }
  return needsTarget ? 'target' : 'allow';
}

/** Whether the subject may do `action` on `resource`, on this item when the rules depend on it. */
export function can(subject: Subject, resource: Resource, action: Action, target?: unknown): boolean {
  return subject.roles.every((role) => {
    const granted = grant(role, resource, action, subject.via);
    if (typeof granted === 'boolean') return granted;
    return target !== undefined && granted.some((condition) => (condition as Condition<unknown>).test(target, subject));
  });
}

/** The actions of a resource that apply to one item (all but reading it and adding new ones). */
function itemActions(resource: Resource): Action[] {
  return (RESOURCES[resource] as readonly Action[]).filter((action) => action !== 'read' && action !== 'create' && action !== 'import');
}

/** What the subject may do to this item: `{update: true, delete: false}`. */
export function itemAbilities(subject: Subject, resource: Resource, target: unknown): Record<string, boolean> {
  return Object.fromEntries(itemActions(resource).map((action) => [action, can(subject, resource, action, target)]));
}

/** What the subject may do on a list: read it, add to it, import into it. */
export function listAbilities(subject: Subject, resource: Resource): Record<string, boolean> {
  const actions = (RESOURCES[resource] as readonly Action[]).filter((action) => action === 'create' || action === 'import');
  return Object.fromEntries(actions.map((action) => [action, can(subject, resource, action)]));
}

/**
 * Everything the subject may do in the organisation, per resource and action: true, false, or the label of the
 * condition that decides per item (`"own"`: only the activities they own).
 */
export function abilities(subject: Subject): Record<Resource, Record<string, boolean | string>> {
  const result = {} as Record<Resource, Record<string, boolean | string>>;
  for (const resource of RESOURCE_NAMES) {
    result[resource] = {};
    for (const action of RESOURCES[resource] as readonly Action[]) {
      const decision = precheck(subject, resource, action);
      if (decision !== 'target') result[resource][action] = decision === 'allow';
      else {
        const labels = subject.roles.flatMap((role) => {
          const granted = grant(role, resource, action, subject.via);
          return Array.isArray(granted) ? granted.map((condition) => condition.label) : [];
        });
        result[resource][action] = [...new Set(labels)].join('+');
      }
    }
  }
  return result;
}

/**
 * The permissions of a role as `resource:action` → `true` or a condition label: what a token's role is compared
 * with (a token's role must not reach beyond its creator's).
 */
export function permissionsOf(role: Role, via: Subject['via'] = 'token'): Map<string, true | string> {
  const permissions = new Map<string, true | string>();
  for (const resource of RESOURCE_NAMES)
    for (const action of RESOURCES[resource] as readonly Action[]) {
      const granted = grant(role, resource, action, via);
      if (granted === true) permissions.set(`${resource}:${action}`, true);
      else if (granted !== false)
        permissions.set(
          `${resource}:${action}`,
          granted
            .map((condition) => condition.label)
            .sort()
            .join('+'),
        );
    }
  return permissions;
}

/** Whether everything `role` may do, `creator` may do too (unconditionally, or under the same condition). */
export function roleWithin(role: Role, creator: Role): boolean {
  const wanted = permissionsOf(role);
  const held = permissionsOf(creator);
  for (const [permission, scope] of wanted) {
    const mine = held.get(permission);
    if (mine === undefined || (mine !== true && mine !== scope)) return false;
  }
  return true;
}

/** The whole table as rows (role × resource × action → decision), for documentation and tests. */
export function policyTable(): Array<{ role: Role; resource: Resource; action: Action; session: boolean | string; token: boolean | string }> {
  const rows = [];
  for (const role of ROLES)
    for (const resource of RESOURCE_NAMES)
      for (const action of RESOURCES[resource] as readonly Action[]) {
        const decide = (via: Subject['via']) => {
          const granted = grant(role, resource, action, via);
          return Array.isArray(granted) ? granted.map((condition) => condition.label).join('+') : granted;
        };
        rows.push({ role, resource, action, session: decide('session'), token: decide('token') });
      }
  return rows;
}
