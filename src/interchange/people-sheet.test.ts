// The people spreadsheet on its own: what it writes reads back to the same people, whatever their names hold, and
// the words people type in the language and remote-work columns are understood.
import { describe, expect, it } from 'vitest';
import type { Person } from '../model/person.js';
import { parsePeopleSheet, writePeopleSheet } from './people-sheet.js';

const REFERENCES = { sites: new Set(['paris', 'lyon']), activities: new Set(['claims', 'payments']) };

const TRICKY: Person[] = [
  {
    id: 'T1',
    name: "O'Brien, Jr.",
    email: 'obrien@example.com',
    mobile: '+447700900001',
    language: 'en',
    site: 'paris',
    activities: ['claims', 'payments'],
    remoteCapable: true,
  },
  { id: 'T2', name: '"Quoted" Name', email: null, mobile: '+33639980001', language: 'fr', site: null, activities: [], remoteCapable: false },
  { id: 'T3', name: 'Émilie; Dupont', email: 'emilie@example.com', mobile: null, language: 'fr', site: 'lyon', activities: ['payments'], remoteCapable: false },
  { id: 'T4', name: '-Minus =Formula', email: 'minus@example.com', mobile: null, language: 'en', site: null, activities: [], remoteCapable: true },
  { id: 'T5', name: "'+already escaped", email: 'quote@example.com', mobile: null, language: 'en', site: null, activities: [], remoteCapable: false },
  { id: 'T6', name: 'Line\nbreak', email: 'lines@example.com', mobile: null, language: 'fr', site: 'paris', activities: [], remoteCapable: false },
];

describe('people spreadsheet', () => {
  it.each([
    ['csv', ','],
    ['csv', ';'],
    ['xlsx', ','],
  ] as const)('reads back what it writes (%s, separator %s), names with quotes, separators, formulas and line breaks included', async (format, separator) => {
    const file = await writePeopleSheet(TRICKY, format, separator);
    const read = await parsePeopleSheet(file, format, REFERENCES);
    expect(read.problems).toEqual([]);
    expect(read.people).toEqual(TRICKY);
    expect(read.rowOf).toEqual([2, 3, 4, 5, 6, 7]);
  });

  it('understands French and English words for languages and remote work, and French headers', async () => {
    const csv = [
      'Matricule;Nom;Courriel;Portable;Langue;Site;Activités;Télétravail',
      'A;Ann;a@example.com;;Français;paris;claims, payments;Oui',
      'B;Bob;b@example.com;;english;;;non',
      'C;Cat;c@example.com;;EN;;;1',
      'D;Dan;d@example.com;0033 6 39 98 00 02;fr;;;',
    ].join('\n');
    const read = await parsePeopleSheet(Buffer.from(csv), 'csv', REFERENCES);
    expect(read.problems).toEqual([]);
    expect(read.people.map((person) => [person.id, person.language, person.remoteCapable, person.activities.length, person.mobile])).toEqual([
      ['A', 'fr', true, 2, null],
      ['B', 'en', false, 0, null],
      ['C', 'en', true, 0, null],
      ['D', 'fr', false, 0, '+33639980002'],
    ]);
    expect(read.columns).toMatchObject({ id: 'Matricule', remoteCapable: 'Télétravail' });
  });

  it('checks values only when no references are given, and names each unknown one when they are', async () => {
    const csv = 'id,name,email,language,site,activities\nA,Ann,a@example.com,fr,berlin,claims;ghost\n';
    expect((await parsePeopleSheet(Buffer.from(csv), 'csv')).problems).toEqual([]);
    const checked = await parsePeopleSheet(Buffer.from(csv), 'csv', REFERENCES);
    expect(checked.problems.map((p) => [p.row, p.column, p.rule, p.value, p.path])).toEqual([
      [2, 'site', 'unknown_reference', 'berlin', 'rows[2].site'],
      [2, 'activities', 'unknown_reference', 'ghost', 'rows[2].activities[1]'],
    ]);
    expect(checked.people).toEqual([]);
  });
});
