// People and access: roles, e-mail addresses and the shapes of members, API tokens, audit entries and security settings.
import { z } from 'zod';
import { INVALID_TEXT_MESSAGE, isInvalidText } from './text.js';
import { ROLES } from './roles.js';

/** The roles, declared once in model/roles.ts (no zod there: the web app lists them). */
export { ROLES };
export const Role = z.enum(ROLES).meta({
  id: 'Role',
  description:
    'owner: everything, including deleting the organisation and naming owners; administrator: everything but that; continuityManager: edits the whole programme; activityOwner: edits the activities they own, reads the rest; crisisTeam: reads (later: runs incidents); auditor: reads everything and the audit log, changes nothing; employee: self-service only',
});
export type Role = z.infer<typeof Role>;

/** E-mail addresses are compared in lower case: one account per address. */
export const Email = z
  .string()
  .trim()
  .max(254)
  .pipe(z.email({ message: 'an e-mail address' }))
  .transform((email) => email.toLowerCase())
  .meta({ example: 'claire.morel@example.com' });

/** A person's name as shown to others. */
export const DisplayName = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .refine((text) => !isInvalidText(text), { message: INVALID_TEXT_MESSAGE, params: { rule: 'invalid_text' } });

/**
 * Who may create organisations (REMPART_ORG_CREATION): `admins`, only server administrators (accounts made with
 * `rempart user create`, the first-run demo owner); `owners`, also the owners of an organisation; `anyone`, every
 * signed-in person. API tokens never.
 */
export const ORGANISATION_CREATION = ['admins', 'owners', 'anyone'] as const;
export type OrganisationCreation = (typeof ORGANISATION_CREATION)[number];

/** An invitation to join an organisation with a role, as its owners and administrators see it. */
export const Invitation = z
  .object({
    id: z.string(),
    email: z.string(),
    role: Role,
    displayName: z.string().nullable().meta({ description: 'The name the organisation will give the person (none: the name of their account)' }),
    invitedBy: z.object({ id: z.string(), email: z.string() }).nullable(),
    createdAt: z.string(),
    expiresAt: z.string(),
    status: z.enum(['pending', 'expired', 'accepted', 'revoked']),
  })
  .meta({ id: 'Invitation' });
export type Invitation = z.infer<typeof Invitation>;

/** An e-mail domain as people type it (`example.com`), compared in lower case. */
const EmailDomain = z
  .string()
  .trim()
  .toLowerCase()
  .max(253)
  // A rule of its own (not `format`, the rule of ids): the web app says what a domain looks like.
  .refine((domain) => /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(domain), {
    message: 'a domain name such as example.com',
    params: { rule: 'domain' },
  });

/** How people signing in through the server's OpenID Connect provider join this organisation, and with which role. */
export const SingleSignOnSettings = z
  .object({
    emailDomains: z
      .array(EmailDomain)
      .max(20)
      .transform((domains) => [...new Set(domains)])
      .meta({
        description:
          'People whose verified e-mail address is in one of these domains become members at their first single sign-on (a domain belongs to one organisation)',
      }),
    roleClaim: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .refine((claim) => /^[\w:./-]+$/.test(claim), { message: 'a claim name: letters, digits, _ : . / -', params: { rule: 'claim' } })
      .nullable()
      .meta({ description: 'The claim of the provider’s ID token that carries roles or groups (a text or a list of texts); null: none read' }),
    roleMap: z
      .record(z.string().min(1).max(200), Role)
      .refine((map) => Object.keys(map).length <= 50, { message: 'at most 50 values' })
      .meta({
        description:
          'Claim value → role; of several matching values the most powerful role applies. A new member whose claim maps to no role gets `defaultRole`',
      }),
    defaultRole: Role,
  })
  .strict()
  .meta({ id: 'SingleSignOnSettings' });
export type SingleSignOnSettings = z.infer<typeof SingleSignOnSettings>;

export const NO_SINGLE_SIGN_ON: SingleSignOnSettings = Object.freeze({ emailDomains: [], roleClaim: null, roleMap: {}, defaultRole: 'employee' });

/** What an organisation asks of its members' sign-in. */
export const SecuritySettings = z
  .object({
    mfaRequiredRoles: z
      .array(Role)
      .max(ROLES.length)
      .transform((roles) => [...new Set(roles)])
      .meta({ description: 'Members holding one of these roles must sign in with a second factor; until they enrol they can only enrol' }),
    singleSignOn: SingleSignOnSettings.optional().meta({ description: 'Single sign-on membership and roles; left out of a change: kept as it is' }),
  })
  .strict()
  .meta({ id: 'SecuritySettings' });
export type SecuritySettings = z.infer<typeof SecuritySettings>;

/** Who did something, as the audit trail records it. */
export const AuditActor = z
  .object({
    type: z.enum(['user', 'token', 'link', 'system', 'anonymous']),
    id: z.string().nullable(),
    label: z.string().meta({ description: 'E-mail of the user, name of the token (and its creator), purpose and subject of a link token, or the system part' }),
  })
  .meta({ id: 'AuditActor' });
export type AuditActor = z.infer<typeof AuditActor>;

/** One entry of an organisation's audit trail, as the API shows it. */
export const AuditEntry = z
  .object({
    seq: z.number().int().meta({ description: 'Position in the organisation’s chain, from 1' }),
    at: z.string(),
    actor: AuditActor,
    action: z.string().meta({ example: 'update' }),
    entity: z.object({ type: z.string(), id: z.string().nullable() }),
    before: z.unknown().meta({ description: 'The entity before the change (null when created); bulk imports record a summary' }),
    after: z.unknown().meta({ description: 'The entity after the change (null when deleted)' }),
    source: z.string().nullable().meta({ description: 'Network address the request came from' }),
    prevHash: z.string(),
    hash: z.string().meta({ description: 'SHA-256 of the canonical JSON of the entry and prevHash' }),
  })
  .meta({ id: 'AuditEntry' });
export type AuditEntry = z.infer<typeof AuditEntry>;
