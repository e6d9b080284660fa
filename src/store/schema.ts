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

export interface Database {
  organisations: OrganisationsTable;
  sites: EntityTable;
  pools: EntityTable;
  applications: EntityTable;
  suppliers: EntityTable;
  activities: EntityTable;
  strategies: EntityTable;
}
