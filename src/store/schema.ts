// Row types of the database; they never leave the store.
import type { ColumnType, Generated } from 'kysely';

type Json = ColumnType<unknown, string, string>;

export interface OrganisationsTable {
  id: string;
  name: string;
  doc: Json;
  bia: Json;
  model_version: Generated<number>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
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
  cancel_requested: Generated<boolean>;
  progress: Generated<number>;
  result: Json | null;
  error: Json | null;
  created_at: Generated<Date>;
  started_at: Date | null;
  finished_at: Date | null;
  heartbeat_at: Date | null;
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
}
