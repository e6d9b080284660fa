// What the people routes answer: a person with when it changed and what the caller may do to it, the directory's
// pages, and the summary of a spreadsheet import.
import { z } from 'zod';
import { PEOPLE_IMPORT_MODES, Person } from '../person.js';
import { Abilities, listPageOf } from './common.js';

export { Person };

export const PersonView = Person.extend({
  createdAt: z.string(),
  updatedAt: z.string(),
  abilities: Abilities.optional(),
}).meta({ id: 'PersonView' });
export type PersonView = z.infer<typeof PersonView>;

export const PeoplePage = listPageOf(PersonView).meta({ id: 'PeoplePage' });
export type PeoplePage = z.infer<typeof PeoplePage>;

export const PeopleImportSummary = z
  .object({
    mode: z.enum(PEOPLE_IMPORT_MODES),
    rows: z.number().int().meta({ description: 'People rows read from the file' }),
    created: z.number().int(),
    updated: z.number().int(),
    unchanged: z.number().int(),
    removed: z.number().int().meta({ description: 'People no longer in the directory (replace mode only)' }),
    total: z.number().int().meta({ description: 'People in the directory after the import' }),
  })
  .meta({ id: 'PeopleImportSummary' });
export type PeopleImportSummary = z.infer<typeof PeopleImportSummary>;
