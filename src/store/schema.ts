// Row types of the database; they never leave the store.
import type { ColumnType, Generated } from 'kysely';

type Json = ColumnType<unknown, string, string>;
/** A JSON column with a default: optional on insert. */
type JsonWithDefault = ColumnType<unknown, string | undefined, string>;

export interface OrganisationsTable {
  id: string;
  name: string;
  doc: Json;
  bia: Json;
  model_version: Generated<number>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  mfa_required_roles: Generated<string[]>;
  /** ISO 4217 code of the organisation's amounts. */
  currency: Generated<string>;
  /** The widget's public settings (`WidgetSettings`); `{}` until an administrator sets them. */
  widget: ColumnType<unknown, string | undefined, string>;
}

export interface EntityTable {
  org_id: string;
  id: string;
  position: number;
  name: string;
  doc: Json;
  updated_at: Generated<Date>;
}

export interface ScenarioRunsTable {
  org_id: string;
  id: Generated<string>;
  kind: 'simulation' | 'montecarlo' | 'recommendation';
  scenario_ids: string[];
  input: Json;
  model_version: number;
  status: Generated<'queued' | 'running' | 'done' | 'failed' | 'cancelled'>;
  progress: Generated<number>;
  result: Json | null;
  error: Json | null;
  created_at: Generated<Date>;
  started_at: Date | null;
  finished_at: Date | null;
  /** The claim of the run's job (`jobs.attempt`) that last wrote this run. */
  attempt: Generated<number>;
}

/** One background job of any kind (src/operations/jobs): queued, claimed, retried, finished or dead. */
export interface JobsTable {
  id: Generated<string>;
  /** null: a job of the system's (purges), not of one organisation. */
  org_id: string | null;
  kind: string;
  payload: ColumnType<unknown, string | undefined, string>;
  status: Generated<'queued' | 'running' | 'done' | 'dead' | 'cancelled'>;
  priority: Generated<number>;
  run_at: ColumnType<Date, Date | string | undefined, Date | string>;
  /** Claims so far; the current claim's number is its fencing token. */
  attempt: Generated<number>;
  /** Failed attempts (errors, or a holder that went silent); at `max_attempts` the job is dead. */
  failures: Generated<number>;
  /** null: the kind's own (its handler's `maxAttempts`). */
  max_attempts: number | null;
  idempotency_key: string | null;
  /** What the handler keeps between turns (a Monte Carlo checkpoint). */
  state: Json | null;
  cancel_requested: Generated<boolean>;
  last_error: Json | null;
  created_at: Generated<Date>;
  claimed_at: Date | null;
  heartbeat_at: Date | null;
  finished_at: Date | null;
}

export interface LiveEventsTable {
  org_id: string;
  /** A bigint identity: ids grow across the whole table, so one Last-Event-ID orders every topic. */
  id: Generated<string>;
  topic: string;
  type: string;
  data: Json;
  created_at: Generated<Date>;
}

/** PostgreSQL bigint columns arrive as strings; they are written as numbers. */
type BigInt = ColumnType<string | number, number, number>;

export interface UsersTable {
  id: Generated<string>;
  email: string;
  display_name: string;
  password_hash: string;
  password_changed_at: Generated<Date>;
  password_must_change: Generated<boolean>;
  mfa_secret: string | null;
  mfa_pending_secret: string | null;
  mfa_enabled_at: Date | null;
  mfa_last_step: BigInt | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  /** Made by the operator (CLI, first-run demo owner): may create organisations. */
  is_server_admin: Generated<boolean>;
}

export interface RecoveryCodesTable {
  user_id: string;
  code_hash: string;
  used_at: Date | null;
}

export interface MembershipsTable {
  org_id: string;
  user_id: string;
  role: string;
  display_name: string;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface SessionsTable {
  id: Generated<string>;
  token_hash: string;
  user_id: string;
  stage: 'mfa' | 'full';
  created_at: Date;
  last_seen_at: Date;
  expires_at: Date;
  ip: string | null;
  user_agent: string | null;
}

export interface UserIdentitiesTable {
  issuer: string;
  subject: string;
  user_id: string;
  email: string | null;
  created_at: Generated<Date>;
  last_sign_in_at: Generated<Date>;
}

export interface OrganisationSsoTable {
  org_id: string;
  role_claim: string | null;
  role_map: ColumnType<Record<string, string>, string, string>;
  default_role: string;
}

export interface SsoEmailDomainsTable {
  domain: string;
  org_id: string;
}

export interface ApiTokensTable {
  org_id: string;
  id: Generated<string>;
  name: string;
  token_hash: string;
  role: string;
  created_by: string;
  created_at: Generated<Date>;
  expires_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

export interface InvitationsTable {
  org_id: string;
  id: Generated<string>;
  email: string;
  role: string;
  display_name: string | null;
  invited_by: string | null;
  created_at: Generated<Date>;
  expires_at: Date;
  accepted_at: Date | null;
  accepted_by: string | null;
  revoked_at: Date | null;
}

/** A link token: one purpose, one subject, the SHA-256 of `<org>.<secret>`, an expiry and a number of uses. */
export interface LinkTokensTable {
  org_id: string;
  id: Generated<string>;
  purpose: string;
  subject: string;
  secret_hash: string;
  created_by: string | null;
  created_at: Generated<Date>;
  expires_at: Date;
  /** null: any number of uses until it expires. */
  max_uses: number | null;
  uses: Generated<number>;
  used_at: Date | null;
  revoked_at: Date | null;
}

/** An organisation's public widget key (not a secret) and the origins it may be used from. */
export interface PublicKeysTable {
  org_id: string;
  id: Generated<string>;
  key: string;
  label: string;
  origins: string[];
  created_by: string | null;
  created_at: Generated<Date>;
  revoked_at: Date | null;
  /** The flow the key's widget starts with (null: the default). */
  flow: Generated<string | null>;
  /** The key's own look (KeyBranding); null: the organisation's widget settings. */
  branding: ColumnType<unknown, string | null | undefined, string | null>;
}

export interface AuthThrottleTable {
  key: string;
  failures: number;
  last_failure_at: Date;
  locked_until: Date | null;
}

export interface AuditLogTable {
  chain: string;
  seq: BigInt;
  at: Date;
  org_id: string | null;
  actor_type: string;
  actor_id: string | null;
  actor_label: string;
  action: string;
  entity_type: string;
  entity_id: string | null;
  before: Json | null;
  after: Json | null;
  source: string | null;
  prev_hash: string;
  hash: string;
  /** `sha256` (entries written before the chain was keyed) or `hmac-sha256` (keyed with a sub-key of the server key). */
  hash_alg: string;
}

export interface AuditHeadsTable {
  chain: string;
  seq: BigInt;
  hash: string;
}

/** A stored file; `completed_at` is null while its content is being written. */
export interface BlobsTable {
  org_id: string;
  id: Generated<string>;
  name: string;
  content_type: string;
  purpose: Generated<string>;
  /** bigint: read as a string, written as a number; 0 until the upload completes. */
  size: ColumnType<string | number, number | undefined, number>;
  sha256: string | null;
  created_by: string | null;
  created_at: Generated<Date>;
  completed_at: Date | null;
}

/** One slice of a stored file's content, in order of `seq`. */
export interface BlobChunksTable {
  org_id: string;
  blob_id: string;
  seq: number;
  data: Buffer;
}

/** A continuity plan: its versions are in plan_versions. */
export interface PlansTable {
  org_id: string;
  id: string;
  latest_version: number;
  approved_version: number | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  review_reminded_at: Date | null;
}

export interface PlanVersionsTable {
  org_id: string;
  plan_id: string;
  version: number;
  status: Generated<'draft' | 'inReview' | 'approved' | 'archived'>;
  doc: Json;
  author_id: string | null;
  author: string;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  submitted_by: string | null;
  submitted_at: Date | null;
  approved_by_id: string | null;
  approved_by: string | null;
  approved_at: Date | null;
  archived_at: Date | null;
  comment: string | null;
  validation: Json | null;
}

export interface IncidentsTable {
  org_id: string;
  id: Generated<string>;
  title: string;
  severity: 'minor' | 'major' | 'critical';
  type: string | null;
  description: string | null;
  status: Generated<'open' | 'closed'>;
  exercise: boolean;
  start_at: Date;
  declared_at: ColumnType<Date, Date | undefined, Date>;
  declared_by: string;
  closed_at: Date | null;
  sites: string[];
  activities: string[];
  applications: string[];
  suppliers: string[];
  review: Json | null;
}

export interface IncidentPlansTable {
  org_id: string;
  incident_id: string;
  plan_id: string;
  plan_version: number;
  activated_at: Date;
  activated_by: string;
}

export interface IncidentTasksTable {
  org_id: string;
  incident_id: string;
  id: Generated<string>;
  plan_id: string;
  plan_version: number;
  step_id: string;
  position: number;
  doc: Json;
  owner: string | null;
  due_at: Date;
  status: Generated<'open' | 'done'>;
  done_at: Date | null;
  done_by: string | null;
}

/** Append-only: rows are inserted, never updated (a trigger refuses it). */
export interface IncidentLogTable {
  org_id: string;
  incident_id: string;
  seq: number;
  at: Date;
  kind: string;
  text: string;
  author: string;
  decided_by: string | null;
  corrects: number | null;
  data: Json | null;
}

export interface IncidentActivityStatusTable {
  org_id: string;
  incident_id: string;
  activity_id: string;
  status: 'operating' | 'degraded' | 'stopped';
  since: Date;
  disrupted_since: Date | null;
  updated_by: string;
}

export interface CorrectiveActionsTable {
  org_id: string;
  id: Generated<string>;
  incident_id: string | null;
  lesson: string | null;
  title: string;
  owner: string | null;
  due: string | null;
  status: Generated<'open' | 'inProgress' | 'done' | 'verified' | 'cancelled'>;
  created_at: Generated<Date>;
  kind: Generated<'nonconformity' | 'improvement'>;
  source_kind: Generated<'incident' | 'exercise' | 'audit' | 'review' | 'other'>;
  source_id: string | null;
  description: string | null;
  root_cause: string | null;
  evidence: string | null;
  created_by: Generated<string>;
  updated_at: Generated<Date>;
  done_at: Date | null;
  verified_at: Date | null;
  verified_by: string | null;
  verified_by_id: string | null;
  verification_effective: boolean | null;
  verification_note: string | null;
}

export interface ExercisesTable {
  org_id: string;
  id: Generated<string>;
  title: string;
  kind: 'tabletop' | 'walkthrough' | 'simulation' | 'liveTest';
  status: Generated<'planned' | 'running' | 'completed' | 'cancelled'>;
  description: string | null;
  location: string | null;
  scheduled_at: Date;
  duration_minutes: number;
  scenario_id: string | null;
  activities: string[];
  participants: Json;
  objectives: Json;
  injects: Json;
  notes: Json;
  incident_id: string | null;
  run_id: string | null;
  results: Json | null;
  created_by: string;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  started_at: Date | null;
  completed_at: Date | null;
}

export interface ReportsTable {
  org_id: string;
  id: Generated<string>;
  kind: string;
  format: 'pdf' | 'xlsx';
  lang: 'en' | 'fr';
  params: Json;
  status: Generated<'queued' | 'running' | 'done' | 'failed'>;
  title: string | null;
  blob_id: string | null;
  error: Json | null;
  created_by: string | null;
  created_at: Generated<Date>;
  finished_at: Date | null;
}

export interface BiaCampaignsTable {
  org_id: string;
  id: Generated<string>;
  version: number;
  title: string;
  due: string;
  status: Generated<'open' | 'approved'>;
  created_by: string;
  created_at: Generated<Date>;
  approved_at: Date | null;
  mailings: JsonWithDefault;
}

export interface BiaCampaignTasksTable {
  org_id: string;
  campaign_id: string;
  activity_id: string;
  owner: string;
  status: Generated<'pending' | 'submitted' | 'approved' | 'returned'>;
  submitted_at: Date | null;
  submitted_by: string | null;
  note: string | null;
  reviewed_at: Date | null;
  reviewed_by: string | null;
  comment: string | null;
  snapshot: Json | null;
}

export interface TrainingCampaignsTable {
  org_id: string;
  id: Generated<string>;
  title: string;
  audience: Json;
  content: Json;
  acknowledgement: string;
  quiz: Json | null;
  due: string;
  reminder_days: number[];
  status: Generated<'open' | 'closed'>;
  reminders: JsonWithDefault;
  created_by: string;
  created_at: Generated<Date>;
  closed_at: Date | null;
  closed_by: string | null;
}

export interface TrainingAssignmentsTable {
  org_id: string;
  campaign_id: string;
  person_id: string;
  name: string;
  email: string | null;
  language: 'fr' | 'en';
  site: string | null;
  activities: string[];
  link_id: string | null;
  acknowledged_at: Date | null;
  score: number | null;
  passed: boolean | null;
  attempts: Generated<number>;
  completed_at: Date | null;
  answered_via: 'link' | 'session' | null;
}

export interface ManagementReviewsTable {
  org_id: string;
  id: Generated<string>;
  title: string;
  held_on: string;
  since: string | null;
  status: Generated<'open' | 'closed'>;
  attendees: JsonWithDefault;
  agenda: Json;
  minutes: JsonWithDefault;
  created_by: string;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  closed_at: Date | null;
  closed_by: string | null;
  signature: string | null;
}

export interface ClauseStatusesTable {
  org_id: string;
  clause: string;
  status: 'notStarted' | 'partial' | 'implemented' | 'notApplicable';
  owner: string | null;
  notes: string | null;
  evidence: Json;
  updated_by: string;
  updated_at: Generated<Date>;
}

export interface PeopleTable {
  org_id: string;
  id: string;
  name: string;
  /** Lower case. */
  email: string | null;
  /** E.164. */
  mobile: string | null;
  language: 'fr' | 'en';
  site: string | null;
  activities: string[];
  remote_capable: boolean;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

/** An organisation's own flow, one row per saved revision (the newest is the current one). */
export interface OrgFlowsTable {
  org_id: string;
  flow_id: string;
  revision: number;
  version: string;
  doc: unknown;
  created_by: string;
  created_at: Generated<Date>;
}

export interface ConversationsTable {
  org_id: string;
  id: string;
  /** The public key that started it: only that key reads or continues it (null: a member's conversation). */
  key_id: string | null;
  /** The member who started it (staff and preview conversations): only they read or continue it. */
  user_id: string | null;
  /** `public` (a key), `staff` (a signed-in member), `preview` (a member trying a flow: it leaves no record). */
  kind: Generated<'public' | 'staff' | 'preview'>;
  flow_id: string;
  flow_version: string;
  state: unknown;
  /** Compare-and-set on each message: two messages at once cannot both advance the same state. */
  turn: Generated<number>;
  ended: Generated<boolean>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface OrientationRecordsTable {
  org_id: string;
  id: Generated<string>;
  day: Date | string;
  /** Two characters (department), or null when no postal code was given. */
  department: string | null;
  orientation: string;
  age_range: string;
  /** The official data-sharing record, minimised (sharingRecord). */
  record: unknown;
}

export interface SurveillanceSettingsTable {
  org_id: string;
  k: Generated<number>;
  retention_days: Generated<number>;
  share_with_network: Generated<boolean>;
}

export interface PublicRateCountersTable {
  scope: string;
  bucket: number | string;
  count: number;
}

export interface KbArticlesTable {
  org_id: string;
  id: string;
  lang: 'fr' | 'en';
  question: string;
  variants: string[];
  /** Sanitised HTML. */
  answer: string;
  source: string;
  url: string | null;
  published: ColumnType<string, string, string>;
  review_by: ColumnType<string | null, string | null, string | null>;
  audience: 'public' | 'staff';
  tags: string[];
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface KbSettingsTable {
  org_id: string;
  /** Moved by every write to the organisation's articles, in its transaction. */
  revision: ColumnType<string, number | string | undefined, number | string>;
  handoff: ColumnType<unknown, string | undefined, string>;
}

export interface Database {
  organisations: OrganisationsTable;
  sites: EntityTable;
  pools: EntityTable;
  applications: EntityTable;
  suppliers: EntityTable;
  activities: EntityTable;
  strategies: EntityTable;
  scenarios: EntityTable;
  scenario_runs: ScenarioRunsTable;
  jobs: JobsTable;
  users: UsersTable;
  recovery_codes: RecoveryCodesTable;
  memberships: MembershipsTable;
  sessions: SessionsTable;
  user_identities: UserIdentitiesTable;
  organisation_sso: OrganisationSsoTable;
  sso_email_domains: SsoEmailDomainsTable;
  api_tokens: ApiTokensTable;
  invitations: InvitationsTable;
  link_tokens: LinkTokensTable;
  public_keys: PublicKeysTable;
  auth_throttle: AuthThrottleTable;
  audit_log: AuditLogTable;
  audit_heads: AuditHeadsTable;
  blobs: BlobsTable;
  blob_chunks: BlobChunksTable;
  live_events: LiveEventsTable;
  plans: PlansTable;
  plan_versions: PlanVersionsTable;
  incidents: IncidentsTable;
  incident_plans: IncidentPlansTable;
  incident_tasks: IncidentTasksTable;
  incident_log: IncidentLogTable;
  incident_activity_status: IncidentActivityStatusTable;
  corrective_actions: CorrectiveActionsTable;
  exercises: ExercisesTable;
  bia_campaigns: BiaCampaignsTable;
  bia_campaign_tasks: BiaCampaignTasksTable;
  training_campaigns: TrainingCampaignsTable;
  training_assignments: TrainingAssignmentsTable;
  management_reviews: ManagementReviewsTable;
  clause_statuses: ClauseStatusesTable;
  people: PeopleTable;
  conversations: ConversationsTable;
  org_flows: OrgFlowsTable;
  orientation_records: OrientationRecordsTable;
  surveillance_settings: SurveillanceSettingsTable;
  public_rate_counters: PublicRateCountersTable;
  kb_articles: KbArticlesTable;
  kb_settings: KbSettingsTable;
  reports: ReportsTable;
}
