// The policy vocabulary: resources and their actions, who is asking (the subject), and `allow(roles, actions, resources, options)`.
import type { Role } from '../../model/account.js';

const CRUD = ['read', 'create', 'update', 'delete'] as const;

/** Every resource a route can name, with the actions that exist on it. */
export const RESOURCES = {
  organisation: ['read', 'update', 'delete'],
  sites: CRUD,
  pools: CRUD,
  applications: CRUD,
  suppliers: CRUD,
  activities: [...CRUD, 'import'],
  strategies: CRUD,
  model: ['read', 'import'],
  findings: ['read'],
  scenarios: CRUD,
  runs: ['read', 'create', 'cancel'],
  threats: CRUD,
  riskMatrix: ['read', 'update'],
  risks: [...CRUD, 'import'],
  members: CRUD,
  /** Created by adding a member (`members:create`); listed and withdrawn here. */
  invitations: ['read', 'delete'],
  tokens: ['read', 'create', 'delete'],
  audit: ['read'],
  security: ['read', 'update'],
  /** Stored files: reports, plan attachments, evidence. */
  files: ['read', 'create', 'delete'],
  /** Background jobs of the organisation; `retry` gives a dead job (a dead letter) new attempts. */
  jobs: ['read', 'retry'],
  /** The organisation's widget keys (public, with their allowed origins, start flow and branding). */
  publicKeys: CRUD,
  /** The widget's public settings (name, languages, greeting). */
  widget: ['read', 'update'],
  /** Continuity plans; `approve` approves or sends back a version in review (never its author). */
  plans: [...CRUD, 'approve'],
  /** Incidents: declared (`create`) and run (`update`: plans activated, tasks ticked, the crisis log, the closure). */
  incidents: ['read', 'create', 'update'],
  /** The status of an affected activity on an incident's situation board. */
  incidentActivities: ['update'],
  /** Corrective actions (10.1) from incidents, exercises, audits and reviews; `verify`: their effectiveness (never by their owner). */
  correctiveActions: ['read', 'create', 'update', 'verify'],
  /** The exercise programme (8.5): planned, started (a live test declares an incident), noted, completed with results. */
  exercises: ['read', 'create', 'update'],
  /** BIA campaigns: launched (`create`) and reviewed (`update`: approve or return an activity's impacts) by the manager. */
  biaCampaigns: ['read', 'create', 'update'],
  /** An activity's task in a BIA campaign: its owner signs the impacts off. */
  biaTasks: ['update'],
  /** Training and awareness campaigns (7.2, 7.3): launched (`create`) and closed (`update`) by the manager. */
  trainingCampaigns: ['read', 'create', 'update'],
  /** A member's own training: the campaigns asking them (`read`) and their acknowledgement and quiz (`create`). */
  trainingAnswers: ['read', 'create'],
  /** Management reviews (9.3): agenda, minutes, decisions (`update`); `sign` closes one for good (a person, never a token). */
  managementReviews: ['read', 'create', 'update', 'sign'],
  /** The ISO 22301 clause tracker: status, owner, notes and evidence per clause, and the gap report. */
  clauses: ['read', 'update'],
  /** Reports generated as jobs (PDF, XLSX); each kind also needs read access to the records it is made of. */
  reports: ['read', 'create'],
  /** The people directory: names and contact details of the staff, to reach them in a crisis. */
  people: [...CRUD, 'import'],
  /** Aggregates of the organisation's completed orientation questionnaires, their records and their settings. */
  surveillance: ['read', 'update'],
  /** The knowledge base of the crisis assistant: its articles, imports and exports, its handoff contact. */
  kb: [...CRUD, 'import'],
  /** Talking to the crisis assistant as a signed-in member: staff articles and answers drawn from the approved plans. */
  assistant: ['create'],
  /** Conversation flows: the shipped ones (read-only) and the organisation's own, versioned; `preview` runs one as a trial. */
  flows: [...CRUD, 'preview'],
  /** Alerts of an incident (mass notification with a check-in link); `update`: stop its waves. */
  alerts: ['read', 'create', 'update'],
  /** The live availability of an incident's staff per activity, site and remote-access pool (counts only). */
  availability: ['read'],
  /** A member's own check-in in an incident (self-service). */
  checkins: ['read', 'create'],
  /** The follow-up queue: people who need help or could not be reached; `update`: claim, release, close. */
  followUpCases: ['read', 'update'],
  /** Notes on follow-up cases: may be health data. */
  followUpNotes: ['read', 'create'],
} as const satisfies Record<string, readonly string[]>;

/** A resource a route names, and an action on it. */
export type Resource = keyof typeof RESOURCES;
export type Action = (typeof RESOURCES)[Resource][number];
/** Every resource, in the order of RESOURCES. */
export const RESOURCE_NAMES = Object.keys(RESOURCES) as Resource[];

/** Who is asking, within one organisation. */
export interface Subject {
  userId: string;
  email: string;
  /** The person's name in this organisation. */
  memberName: string;
  /** A signed-in person, or an API token acting for the person who created it. */
  via: 'session' | 'token';
  /**
   * The roles that must all allow an action: the member's role; for a token, the token's role and its
   * creator's current role, so a token never does more than the person behind it may do today.
   */
  roles: Role[];
}

/** A rule that holds only for some items; `label` names it where abilities are listed without an item ("own"). */
export interface Condition<T> {
  label: string;
  test(target: T, subject: Subject): boolean;
}

/** One line of the policy table (see `allow`). */
export interface Rule {
  roles: readonly Role[];
  actions: readonly Action[];
  resources: readonly Resource[];
  when?: Condition<never>;
  /** Only for a signed-in person, never through an API token. */
  via?: 'session';
}

/** Grants `actions` on `resources` to `roles`, optionally only for items meeting `when`, or only to signed-in people. */
export function allow<T>(
  roles: Role | readonly Role[],
  actions: Action | readonly Action[],
  resources: Resource | readonly Resource[],
  options: { when?: Condition<T>; via?: 'session' } = {},
): Rule {
  const list = <V>(value: V | readonly V[]): readonly V[] => (Array.isArray(value) ? value : [value as V]);
  for (const resource of list(resources))
    for (const action of list(actions))
      if (!(RESOURCES[resource] as readonly string[]).includes(action)) throw new Error(`Policy names an action "${action}" that ${resource} does not have.`);
  return { roles: list(roles), actions: list(actions), resources: list(resources), when: options.when as Condition<never> | undefined, via: options.via };
}
