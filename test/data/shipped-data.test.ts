// The shipped data (demo organisation, scenario library) passes every check of scripts/check-data.ts.
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';

it('validates the demo organisation and the scenario library', () => {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/check-data.ts'], { encoding: 'utf8' });
  expect(result.stderr + result.stdout).toMatch(/data OK: \d+ activities, 1\d{3} staff/);
  expect(result.status).toBe(0);
});

type Texts = { en?: unknown; fr?: unknown } | undefined;
type Item = Record<string, unknown> & { id?: string };

const read = (...path: string[]): Item => JSON.parse(readFileSync(join('data', ...path), 'utf8')) as Item;
const list = (value: unknown): Item[] => (Array.isArray(value) ? (value as Item[]) : []);
const french = (texts: unknown): boolean => typeof (texts as Texts)?.fr === 'string' && ((texts as Texts)?.fr as string).trim() !== '';

/** Where an English text shown to users has no French beside it: `where.field` for each (reference field → its translations). */
function untranslated(items: Item[], where: (item: Item, index: number) => string, pairs: Record<string, string>): string[] {
  const missing: string[] = [];
  items.forEach((item, index) => {
    for (const [reference, translations] of Object.entries(pairs))
      if (typeof item[reference] === 'string' && !french(item[translations])) missing.push(`${where(item, index)}.${translations}.fr`);
  });
  return missing;
}

it('gives every item of the demo organisation a French name, and a French description wherever it has an English one', () => {
  const model = read('demo', 'organisation.json');
  const missing = ['sites', 'pools', 'applications', 'suppliers', 'activities', 'strategies'].flatMap((collection) => {
    const items = list(model[collection]);
    const where = (item: Item): string => `${collection}/${item.id}`;
    // Every item has a French name, even one whose `name` is optional (pools).
    return [...items.filter((item) => !french(item.names)).map((item) => `${where(item)}.names.fr`), ...untranslated(items, where, { description: 'descriptions' })];
  });
  expect(missing).toEqual([]);
  // Activities carry their owner's title and their products in French too.
  const activities = list(model.activities);
  expect(activities.filter((activity) => activity.owner && !french(activity.ownerTitles)).map((activity) => activity.id)).toEqual([]);
  // One French product for each product, in the same order.
  const products = (activity: Item): unknown => (activity.productNames as { fr?: unknown } | undefined)?.fr;
  expect(
    activities
      .filter((activity) => list(activity.products).length > 0 && list(products(activity)).length !== list(activity.products).length)
      .map((activity) => activity.id),
  ).toEqual([]);
});

it('gives every risk, threat, scenario and plan template shipped a French name and French prose', () => {
  const register = read('demo', 'risks.json');
  const risks = list(register.risks);
  const missing = [
    ...untranslated(risks, (risk) => `risks.json/${risk.id}`, { title: 'names' }),
    ...untranslated(list(register.threats), (threat) => `risks.json/threats/${threat.id}`, { name: 'names', description: 'descriptions' }),
  ];
  for (const file of readdirSync(join('data', 'scenarios')).filter((name) => name.endsWith('.json')))
    missing.push(...untranslated([read('scenarios', file)], () => `scenarios/${file}`, { name: 'names', description: 'descriptions' }));
  for (const file of readdirSync(join('data', 'plans')).filter((name) => name.endsWith('.json'))) {
    const plan = read('plans', file);
    const at = (part: string) => (item: Item, index: number) => `plans/${file}/${part}/${item.id ?? index}`;
    missing.push(
      ...untranslated([plan], () => `plans/${file}`, {
        title: 'titles',
        description: 'descriptions',
        purpose: 'purposes',
        activationCriteria: 'activationCriteriaTexts',
      }),
      ...untranslated(list(plan.teams), at('teams'), { name: 'names' }),
      ...untranslated(list(plan.steps), at('steps'), { action: 'actions', details: 'detailsTexts' }),
      ...list(plan.steps).flatMap((step) => untranslated(list(step.checklist), at(`steps/${step.id}/checklist`), { text: 'texts' })),
      ...untranslated(list(plan.contacts), at('contacts'), { role: 'roles' }),
    );
  }
  expect(missing).toEqual([]);
  expect(risks.length).toBeGreaterThan(0);
});
