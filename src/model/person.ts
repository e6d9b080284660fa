// A person of the organisation's directory: who to reach in a crisis, in which language, where they work and for
// which activities. Data minimised on purpose: no address, no birth date, nothing a notification does not need.
import { z } from 'zod';
import { Email } from './account.js';
import { Id } from './organisation.js';
import { INVALID_TEXT_MESSAGE, isInvalidText } from './text.js';

/** The languages a person is written to in. */
export const PERSON_LANGUAGES = ['fr', 'en'] as const;
export const PersonLanguage = z.enum(PERSON_LANGUAGES).meta({ description: 'Language of the messages the person receives' });
export type PersonLanguage = z.infer<typeof PersonLanguage>;

/** E.164: a `+`, a country code that does not start with 0, at most 15 digits in all. */
export const E164 = /^\+[1-9]\d{6,14}$/;
export const MOBILE_MESSAGE = 'must be an international mobile number in E.164 form, such as +33612345678';

/** The most activities one person may work for: more is a mistake (a whole department pasted in), not a person. */
export const MAX_PERSON_ACTIVITIES = 100;

/**
 * A mobile number as people write it: spaces, dots, dashes and brackets are dropped and a leading `00` becomes `+`,
 * so "+33 6 12 34 56 78" and "0033 6 12 34 56 78" are both stored as +33612345678. A national number (06…) has no
 * country and is refused: guessing it would send text messages abroad.
 */
export const Mobile = z
  .string()
  .trim()
  .max(40)
  .transform((text) => text.replace(/[\s.\-()/]/g, '').replace(/^00/, '+'))
  .refine((text) => E164.test(text), { message: MOBILE_MESSAGE, params: { rule: 'e164' } })
  .meta({ example: '+33612345678' });

const PersonName = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .refine((text) => !isInvalidText(text), { message: INVALID_TEXT_MESSAGE, params: { rule: 'invalid_text' } });

export const CONTACT_MESSAGE = 'a person needs an e-mail address or a mobile number to be reached';

/**
 * What a client sends to create or replace a person. Unknown fields are refused, not dropped: an `address` or a
 * `birthDate` sent by an HR system must fail loudly rather than be kept (or silently lost) by mistake.
 */
export const PersonInput = z
  .object({
    id: Id.optional().meta({ description: 'A stable id, such as a staff number; generated when absent on creation' }),
    name: PersonName,
    email: Email.nullish(),
    mobile: Mobile.nullish(),
    language: PersonLanguage,
    site: Id.nullish().meta({ description: 'The site of the model where the person works' }),
    activities: z.array(Id).max(MAX_PERSON_ACTIVITIES).default([]).meta({ description: 'Activities of the model the person works for' }),
    remoteCapable: z.boolean().default(false).meta({ description: 'Can do their work from home' }),
  })
  .strict()
  .superRefine((person, ctx) => {
    if (!person.email && !person.mobile)
      ctx.addIssue({ code: 'custom', path: ['email'], message: CONTACT_MESSAGE, input: null, params: { rule: 'contact_required' } });
    const seen = new Set<string>();
    person.activities.forEach((activity, index) => {
      if (seen.has(activity))
        ctx.addIssue({ code: 'custom', path: ['activities', index], message: 'each activity once', input: activity, params: { rule: 'unique' } });
      seen.add(activity);
    });
  });
export type PersonInput = z.output<typeof PersonInput>;

/** A person as stored and shown: every field present, `null` when the person has none. */
export const Person = z
  .object({
    id: z.string(),
    name: z.string(),
    email: z.string().nullable(),
    mobile: z.string().nullable(),
    language: PersonLanguage,
    site: z.string().nullable(),
    activities: z.array(z.string()),
    remoteCapable: z.boolean(),
  })
  .meta({ id: 'Person' });
export type Person = z.infer<typeof Person>;

/** A person's input with its id, absent fields as `null`: the stored shape. */
export function personOf(id: string, input: PersonInput): Person {
  return {
    id,
    name: input.name,
    email: input.email ?? null,
    mobile: input.mobile ?? null,
    language: input.language,
    site: input.site ?? null,
    activities: input.activities,
    remoteCapable: input.remoteCapable,
  };
}

/** How an import treats the people already in the directory: kept (`upsert`) or removed when absent from the file (`replace`). */
export const PEOPLE_IMPORT_MODES = ['upsert', 'replace'] as const;
export type PeopleImportMode = (typeof PEOPLE_IMPORT_MODES)[number];

function normalise(text: string): string {
  return text.normalize('NFC').trim().replace(/\s+/g, ' ').toLowerCase();
}

/**
 * Whether a free-text owner (of an activity, of an action) names this person: their e-mail address, or their name,
 * alone or followed by ", job title" or " <e-mail>". Case, accents' composition and spacing are ignored.
 */
export function ownerNamesPerson(owner: string | null | undefined, person: { email: string | null; name: string }): boolean {
  if (!owner) return false;
  const named = normalise(owner);
  if (person.email) {
    const email = normalise(person.email);
    if (named === email || named.endsWith(`<${email}>`)) return true;
  }
  const name = normalise(person.name);
  return name.length > 0 && (named === name || named.startsWith(`${name},`) || named.startsWith(`${name} <`));
}
