// The people directory's named commands: create, replace and remove a person, import a spreadsheet (all or nothing,
// upsert or replace), export it, and generate the demo organisation's staff. Each write is one transaction under the
// directory's own lock, audited in the organisation's trail; none goes through the model writer or moves the model's
// version: people are not part of the organisation model.
import { randomBytes } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { createRandom } from '../engine/random.js';
import { RempartError } from '../errors.js';
import { MAX_SHEET_PROBLEMS, parsePeopleSheet, writePeopleSheet, type PeopleReferences } from '../interchange/people-sheet.js';
import type { TableFormat } from '../interchange/table-file.js';
import type { PeopleImportSummary } from '../model/contract/people.js';
import type { Activity, Site } from '../model/organisation.js';
import { personOf, type PeopleImportMode, type Person, type PersonInput } from '../model/person.js';
import type { Problem } from '../model/problem.js';
import { ModelRepository } from '../store/model-repository.js';
import { PeopleRepository, type PeopleQuery, type PersonRecord } from '../store/people-repository.js';
import type { Database } from '../store/schema.js';
import { recordAudit } from './audit.js';
import { notFound } from './model-writer.js';

/**
 * What the audit trail keeps of a person. The trail is append-only and outlives the person's entry (it cannot honour
 * an erasure), so it keeps the stable id and the directory's structure, never the name, e-mail address or mobile
 * number: those are said to be present, or to have changed, without their values.
 */
function auditView(person: Person) {
  return {
    id: person.id,
    language: person.language,
    site: person.site,
    activities: person.activities,
    remoteCapable: person.remoteCapable,
    hasEmail: person.email !== null,
    hasMobile: person.mobile !== null,
  };
}

const FIELDS: ReadonlyArray<keyof Person> = ['name', 'email', 'mobile', 'language', 'site', 'activities', 'remoteCapable'];

/** The fields whose value differs between two versions of a person. */
function changedFields(before: Person, after: Person): Array<keyof Person> {
  return FIELDS.filter((field) => JSON.stringify(before[field]) !== JSON.stringify(after[field]));
}

function plainPerson(record: PersonRecord): Person {
  return {
    id: record.id,
    name: record.name,
    email: record.email,
    mobile: record.mobile,
    language: record.language,
    site: record.site,
    activities: record.activities,
    remoteCapable: record.remoteCapable,
  };
}

async function requireOrganisation(db: Kysely<Database> | Transaction<Database>, orgId: string) {
  const org = await new ModelRepository(db).getOrganisation(orgId);
  if (!org) throw notFound('organisation', orgId);
  return org;
}

/** The sites and activities of the organisation's model, which people may name. */
export async function peopleReferences(db: Kysely<Database>, orgId: string): Promise<PeopleReferences> {
  const model = await new ModelRepository(db).loadModel(orgId);
  return { sites: new Set(model.sites.map((site) => site.id)), activities: new Set(model.activities.map((activity) => activity.id)) };
}

/** Refuses a person naming a site or an activity the model does not have (each one named). */
async function checkReferences(db: Kysely<Database> | Transaction<Database>, orgId: string, person: Person): Promise<void> {
  const model = new ModelRepository(db);
  const [site, ...activities] = await Promise.all([
    person.site === null ? Promise.resolve(true) : model.getEntity(orgId, 'sites', person.site),
    ...person.activities.map((activity) => model.getEntity(orgId, 'activities', activity)),
  ]);
  const problems: Problem[] = [];
  if (!site) problems.push({ path: 'site', rule: 'unknown_reference', value: person.site, message: `no site "${person.site}" in the organisation's model` });
  activities.forEach((found, index) => {
    const id = person.activities[index];
    if (!found)
      problems.push({ path: `activities[${index}]`, rule: 'unknown_reference', value: id, message: `no activity "${id}" in the organisation's model` });
  });
  if (problems.length > 0)
    throw new RempartError('invalid_reference', 'The person names sites or activities the organisation’s model does not have.', problems);
}

/** Refuses an e-mail address another person of the directory already has (call with the directory locked). */
async function checkEmail(people: PeopleRepository, orgId: string, person: Person): Promise<void> {
  if (person.email === null) return;
  const holder = await people.emailHolder(orgId, person.email, person.id);
  if (holder !== undefined)
    throw new RempartError('conflict', `Another person (${holder}) already has the e-mail address ${person.email}.`, [
      { path: 'email', rule: 'duplicate_email', value: person.email, message: `already the address of person "${holder}"` },
    ]);
}

/** A new id when the client gives none: `p-` and ten random base-32 characters. */
function generatedId(): string {
  const alphabet = 'abcdefghijkmnpqrstuvwxyz23456789';
  return `p-${[...randomBytes(10)].map((byte) => alphabet[byte % alphabet.length]).join('')}`;
}

export async function listPeople(db: Kysely<Database>, orgId: string, query: PeopleQuery) {
  await requireOrganisation(db, orgId);
  return new PeopleRepository(db).list(orgId, query);
}

export async function getPerson(db: Kysely<Database>, orgId: string, id: string): Promise<PersonRecord> {
  const person = await new PeopleRepository(db).get(orgId, id);
  if (!person) throw notFound('person', id);
  return person;
}

export async function createPerson(db: Kysely<Database>, orgId: string, input: PersonInput): Promise<PersonRecord> {
  const person = personOf(input.id ?? generatedId(), input);
  await checkReferences(db, orgId, person);
  return db.transaction().execute(async (trx) => {
    const people = new PeopleRepository(trx);
    await people.lockDirectory(orgId);
    if (await people.get(orgId, person.id))
      throw new RempartError('duplicate_id', `A person with id "${person.id}" already exists.`, [
        { path: 'id', rule: 'duplicate_id', value: person.id, message: 'choose another id, or replace that person with PUT' },
      ]);
    await checkEmail(people, orgId, person);
    const created = await people.insert(orgId, person);
    await recordAudit(trx, { org: orgId, action: 'create', entityType: 'person', entityId: person.id, after: auditView(person) });
    return created;
  });
}

/** Replaces a person; the id stays (a staff number does not change: a new one is a new person). */
export async function replacePerson(db: Kysely<Database>, orgId: string, id: string, input: PersonInput): Promise<PersonRecord> {
  if (input.id !== undefined && input.id !== id)
    throw new RempartError('invalid_input', 'A person’s id cannot change: create the person under the new id and remove the old one.', [
      { path: 'body.id', rule: 'id_mismatch', value: input.id, message: `must be "${id}", the id in the address, or absent` },
    ]);
  const person = personOf(id, input);
  await checkReferences(db, orgId, person);
  return db.transaction().execute(async (trx) => {
    const people = new PeopleRepository(trx);
    await people.lockDirectory(orgId);
    const before = await people.get(orgId, id);
    if (!before) throw notFound('person', id);
    await checkEmail(people, orgId, person);
    const saved = (await people.replace(orgId, person))!;
    const changed = changedFields(plainPerson(before), person);
    if (changed.length > 0)
      await recordAudit(trx, {
        org: orgId,
        action: 'update',
        entityType: 'person',
        entityId: id,
        before: auditView(plainPerson(before)),
        after: { ...auditView(person), changed },
      });
    return saved;
  });
}

export async function deletePerson(db: Kysely<Database>, orgId: string, id: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const people = new PeopleRepository(trx);
    await people.lockDirectory(orgId);
    const before = await people.get(orgId, id);
    if (!before || !(await people.delete(orgId, id))) throw notFound('person', id);
    await recordAudit(trx, { org: orgId, action: 'delete', entityType: 'person', entityId: id, before: auditView(plainPerson(before)) });
  });
}

/** Same person, field for field. */
function samePerson(a: Person, b: Person): boolean {
  return changedFields(a, b).length === 0;
}

/**
 * Imports a directory spreadsheet, all or nothing. `upsert` adds the file's new ids and replaces the others, keeping
 * people the file does not name; `replace` makes the directory exactly the file (people absent from it are removed).
 * Rows are checked (values, the model's sites and activities, ids and e-mail addresses unique) before anything is
 * written; problems name row, column, rule and value. One audit entry records the counts and the ids touched.
 */
export async function importPeople(
  db: Kysely<Database>,
  orgId: string,
  data: Buffer | Uint8Array,
  format: TableFormat,
  mode: PeopleImportMode = 'upsert',
): Promise<PeopleImportSummary> {
  await requireOrganisation(db, orgId);
  // Read and checked before the transaction: a large file never holds the directory's lock while it is parsed.
  const sheet = await parsePeopleSheet(data, format, await peopleReferences(db, orgId));
  if (sheet.problems.length > 0)
    throw new RempartError('invalid_input', `The spreadsheet has ${sheet.problems.length} problem(s); nothing was imported.`, sheet.problems);
  return db.transaction().execute(async (trx) => {
    const people = new PeopleRepository(trx);
    await people.lockDirectory(orgId);
    const existing = new Map((await people.all(orgId)).map((record) => [record.id, plainPerson(record)]));
    const inFile = new Set(sheet.people.map((person) => person.id));
    if (mode === 'upsert') {
      // People the file does not name keep their addresses: a row taking one of them is refused.
      const kept = new Map<string, string>();
      for (const person of existing.values()) if (!inFile.has(person.id) && person.email) kept.set(person.email, person.id);
      const problems: Problem[] = [];
      sheet.people.forEach((person, index) => {
        const holder = person.email ? kept.get(person.email) : undefined;
        if (holder === undefined || problems.length >= MAX_SHEET_PROBLEMS) return;
        const row = sheet.rowOf[index];
        problems.push({
          path: `rows[${row}].email`,
          rule: 'duplicate_email',
          value: person.email,
          message: `already the address of person "${holder}", who is not in the file`,
          row,
          column: sheet.columns.email ?? 'email',
        });
      });
      if (problems.length > 0) throw new RempartError('invalid_input', `The spreadsheet has ${problems.length} problem(s); nothing was imported.`, problems);
    }
    const created: string[] = [];
    const updated: string[] = [];
    const writes: Person[] = [];
    for (const person of sheet.people) {
      const before = existing.get(person.id);
      if (before && samePerson(before, person)) continue;
      (before ? updated : created).push(person.id);
      writes.push(person);
    }
    const removed = mode === 'replace' ? [...existing.keys()].filter((id) => !inFile.has(id)) : [];
    // Removals first: in replace mode, a file may give a removed person's address to someone else.
    await people.deleteMany(orgId, removed);
    await people.upsertMany(orgId, writes);
    const summary: PeopleImportSummary = {
      mode,
      rows: sheet.people.length,
      created: created.length,
      updated: updated.length,
      unchanged: sheet.people.length - writes.length,
      removed: removed.length,
      total: existing.size + created.length - removed.length,
    };
    await recordAudit(trx, {
      org: orgId,
      action: 'import',
      entityType: 'people',
      entityId: null,
      after: { ...summary, format, ids: { created, updated, removed } },
    });
    return summary;
  });
}

/** The directory as a spreadsheet that imports back unchanged. */
export async function exportPeople(db: Kysely<Database>, orgId: string, format: TableFormat, separator: ',' | ';' = ','): Promise<Buffer> {
  await requireOrganisation(db, orgId);
  const people = await new PeopleRepository(db).all(orgId);
  return writePeopleSheet(people.map(plainPerson), format, separator);
}

// ---------------------------------------------------------------------------------------------------------------------
// Demo staff

/** Names as one text, spaces between them (one line of source per dozen names, not one per name). */
function names(text: string): readonly string[] {
  return text.split(' ');
}

const FRENCH_FIRST = names(
  'Camille Léa Manon Chloé Inès Sarah Julie Émilie Claire Sophie Anaïs Céline Hélène Margaux Zoé Louise Lucas Hugo Louis Gabriel ' +
    'Arthur Jules Théo Nathan Thomas Antoine Julien Nicolas Mathieu François Rémi Étienne',
);
const FRENCH_LAST = names(
  'Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent Lefèvre Michel Garcia David Bertrand Roux ' +
    'Vincent Fournier Morel Girard André Mercier Dupont Lambert Bonnet François Martinez Legrand Garnier Faure Rousseau Blanc Guérin ' +
    'Muller Henry Roussel Nicolas Perrin Morin Mathieu Clément Gauthier Dumont Lopez Fontaine Chevalier',
);
const ENGLISH_FIRST = names(
  'Olivia Amelia Isla Ava Emily Grace Sophie Charlotte Hannah Lucy Ella Freya Oliver George Harry Jack Noah Charlie Oscar James ' +
    'William Henry Thomas Daniel',
);
const ENGLISH_LAST = names(
  'Smith Jones Taylor Brown Williams Wilson Johnson Davies Robinson Wright Thompson Evans Walker White Roberts Green Hall Wood ' +
    'Jackson Clarke Hughes Edwards Turner Harris Lewis Baker Cooper Hill Ward Morris King Carter',
);

/** Share of English-speaking staff per site of the demo (other sites: DEFAULT_ENGLISH_SHARE). */
const ENGLISH_SHARE: Record<string, number> = { paris: 0.15, lyon: 0.1, sevilla: 0.4 };
const DEFAULT_ENGLISH_SHARE = 0.15;

/** The domain of every demo address (`.example` is reserved: nothing is ever delivered there by accident). */
export const DEMO_EMAIL_DOMAIN = 'demo.rempart.example';
/**
 * Mobile numbers reserved by the French regulator (ARCEP) for fiction, +33 6 39 98 00 00 to +33 6 39 98 99 99: no
 * real phone answers them, so a demo alert sent for real reaches nobody.
 */
export const DEMO_MOBILE_PREFIX = '+3363998';
const DEMO_MOBILE_CAPACITY = 10_000;

/** `Léa Lefèvre` → `lea.lefevre`. */
function mailbox(first: string, last: string): string {
  const plain = (text: string) =>
    text
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z]+/g, '-');
  return `${plain(first)}.${plain(last)}`;
}

/**
 * The staff of a model as people, the same for the same model and seed: each staff entry of each activity gives as many
 * people as its headcount (rounded), at its site, working for that activity, the entry's remote share of them able
 * to work remotely. So the people per activity and per site are the model's headcounts.
 */
export function demoPeople(model: { activities: readonly Pick<Activity, 'id' | 'staff'>[]; sites: readonly Pick<Site, 'id'>[] }, seed = 22301): Person[] {
  const random = createRandom(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
  const people: Person[] = [];
  const used = new Map<string, number>();
  for (const activity of model.activities)
    for (const entry of activity.staff) {
      const headcount = Math.round(entry.headcount);
      const remote = Math.round(headcount * entry.remote);
      for (let k = 0; k < headcount; k++) {
        const index = people.length;
        if (index >= DEMO_MOBILE_CAPACITY) throw new RangeError(`the demo numbering has room for ${DEMO_MOBILE_CAPACITY} people`);
        const english = random() < (ENGLISH_SHARE[entry.site] ?? DEFAULT_ENGLISH_SHARE);
        const first = pick(english ? ENGLISH_FIRST : FRENCH_FIRST);
        const last = pick(english ? ENGLISH_LAST : FRENCH_LAST);
        const box = mailbox(first, last);
        const seen = (used.get(box) ?? 0) + 1;
        used.set(box, seen);
        people.push({
          id: `E${10001 + index}`,
          name: `${first} ${last}`,
          email: `${box}${seen > 1 ? seen : ''}@${DEMO_EMAIL_DOMAIN}`,
          mobile: `${DEMO_MOBILE_PREFIX}${String(index).padStart(4, '0')}`,
          language: english ? 'en' : 'fr',
          site: entry.site,
          activities: [activity.id],
          remoteCapable: k < remote,
        });
      }
    }
  return people;
}

/** Replaces the organisation's directory with its model's staff (see {@link demoPeople}); one audit entry. */
export async function loadDemoPeople(db: Kysely<Database>, orgId: string): Promise<{ people: number }> {
  const model = await new ModelRepository(db).loadModel(orgId);
  const generated = demoPeople(model);
  await db.transaction().execute(async (trx) => {
    const people = new PeopleRepository(trx);
    await people.lockDirectory(orgId);
    await people.deleteAll(orgId);
    await people.upsertMany(orgId, generated);
    await recordAudit(trx, { org: orgId, action: 'load_demo', entityType: 'people', entityId: null, after: { people: generated.length } });
  });
  return { people: generated.length };
}
