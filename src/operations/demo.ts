// Loads the shipped demo organisation (a European insurer) so a first run has something to explore.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { KbImportFile } from '../model/kb.js';
import { OrganisationModel } from '../model/organisation.js';
import { DATA_DIR } from '../paths.js';
import type { Database } from '../store/schema.js';
import { importModel, type ImportSummary } from './model-writer.js';
import { installScenarioLibrary } from './scenarios.js';
import { loadDemoRisks } from './risk-register.js';
import { installDemoPlans } from './plans.js';
import { loadDemoPeople } from './people.js';
import { importArticles } from './kb.js';

export const DEMO_ORG_ID = 'demo';

export async function readDemoModel(): Promise<OrganisationModel> {
  const text = await readFile(join(DATA_DIR, 'demo', 'organisation.json'), 'utf8');
  return OrganisationModel.parse(JSON.parse(text));
}

/** Replaces (or creates) the demo organisation with the shipped model. */
export async function loadDemo(db: Kysely<Database>, orgId = DEMO_ORG_ID): Promise<ImportSummary> {
  const summary = await importModel(db, orgId, await readDemoModel());
  await installScenarioLibrary(db, orgId);
  await loadDemoRisks(db, orgId);
  await installDemoPlans(db, orgId);
  // The staff as people, generated from the model's staff entries (their counts per activity and site are the model's).
  await loadDemoPeople(db, orgId);
  // The starter knowledge base (pandemic at work, with sources and dates): the demo's assistant has something to say.
  const starter = KbImportFile.parse(JSON.parse(await readFile(join(DATA_DIR, 'kb', 'demo.json'), 'utf8')));
  await importArticles(db, orgId, starter.articles, 'replace');
  return summary;
}
