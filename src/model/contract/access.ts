// What the access routes answer: who is signed in, sign-in steps, members, invitations, API tokens, security
// settings and the audit trail. The web app imports these types; the server declares them as its responses.
import { z } from 'zod';
import { AuditEntry, Invitation, Role, SecuritySettings, SingleSignOnSettings } from '../account.js';
import { Abilities, OrganisationAbilities } from './common.js';

/** One organisation of the signed-in person, with their role and what it lets them do there. */
export const Membership = z
  .object({
    org: z.object({ id: z.string(), name: z.string() }),
    role: Role,
    displayName: z.string().meta({ description: 'The person’s name in this organisation' }),
    mfaRequired: z
      .boolean()
      .meta({ description: 'The organisation requires a second factor for this role and the person has none yet: only enrolment is open' }),
    abilities: OrganisationAbilities,
  })
  .meta({ id: 'Membership' });
export type Membership = z.infer<typeof Membership>;

/** GET /api/auth/me: the caller, through a session or an API token. */
export const Me = z
  .object({
    via: z.enum(['session', 'token']),
    user: z.object({
      id: z.string(),
      email: z.string(),
      displayName: z.string(),
      mfaEnabled: z.boolean(),
      passwordChangeRequired: z.boolean(),
      serverAdmin: z.boolean().meta({ description: 'Made by the operator (`rempart user create`): may create organisations' }),
    }),
    csrfToken: z.string().nullable().meta({ description: 'Send it as the x-csrf-token header with every POST, PUT and DELETE of this session' }),
    session: z.object({ expiresAt: z.string(), idleExpiresAt: z.string() }).nullable(),
    token: z
      .object({ id: z.string(), name: z.string(), org: z.string(), role: Role, expiresAt: z.string() })
      .nullable()
      .meta({ description: 'The API token the request came with (null for a session)' }),
    memberships: z.array(Membership),
    canCreateOrganisations: z
      .boolean()
      .meta({ description: 'POST /api/orgs is open to the caller (the deployment’s REMPART_ORG_CREATION and the caller’s standing)' }),
  })
  .meta({ id: 'Me' });
export type Me = z.infer<typeof Me>;

/** The answer to a sign-in step (password, then second factor). */
export const SignInResult = z
  .object({
    status: z.enum(['signedIn', 'mfaRequired']),
    csrfToken: z.string(),
    expiresAt: z.string().meta({ description: 'When this session (or this second-factor step) ends at the latest' }),
    me: Me.optional().meta({ description: 'Present once signed in' }),
    recoveryCodesLeft: z.number().optional(),
  })
  .meta({ id: 'SignInResult' });
export type SignInResult = z.infer<typeof SignInResult>;

/** The start of a second-factor enrolment. */
export const MfaEnrolment = z
  .object({
    secret: z.string().meta({ description: 'Base32 secret, for typing into the app when the QR code cannot be scanned' }),
    otpauthUri: z.string(),
    qrCode: z.string().meta({ description: 'data:image/svg+xml URL of the QR code' }),
  })
  .meta({ id: 'MfaEnrolment' });
export type MfaEnrolment = z.infer<typeof MfaEnrolment>;

/** A member of an organisation. */
export const Member = z
  .object({
    userId: z.string(),
    email: z.string(),
    displayName: z
      .string()
      .meta({ description: 'The name this organisation gives the person; activities whose owner is this name (or the e-mail) are theirs' }),
    role: Role,
    mfaEnabled: z.boolean(),
    createdAt: z.string(),
    abilities: Abilities,
  })
  .meta({ id: 'Member' });
export type Member = z.infer<typeof Member>;

export const MemberList = z.object({ items: z.array(Member), abilities: Abilities });
export type MemberList = z.infer<typeof MemberList>;

/** An invitation as its organisation lists it, with what the caller may do to it. */
export const ListedInvitation = Invitation.extend({ abilities: Abilities }).meta({ id: 'ListedInvitation' });
export type ListedInvitation = z.infer<typeof ListedInvitation>;

export const InvitationList = z.object({ items: z.array(ListedInvitation), abilities: Abilities });
export type InvitationList = z.infer<typeof InvitationList>;

/** What inviting answers, this once: the invitation and the link to hand over. */
export const Invited = z
  .object({
    invitation: Invitation,
    token: z.string().meta({ description: 'The invitation’s secret, shown this once (the database keeps its SHA-256)' }),
    link: z.string().meta({ description: 'The address to open to accept: this server’s /invitation page with the secret after # (never sent to a server)' }),
  })
  .meta({ id: 'Invited' });
export type Invited = z.infer<typeof Invited>;

/** An invitation as the invited person sees it, through its secret. */
export const InvitationView = z
  .object({
    organisation: z.object({ id: z.string(), name: z.string() }),
    email: z.string().meta({ description: 'The invited address: only this account can accept' }),
    role: Role,
    expiresAt: z.string(),
    status: z.enum(['pending', 'expired', 'accepted', 'revoked']),
    signedInAs: z.string().nullable().meta({ description: 'The address of the person signed in with this browser, if any' }),
  })
  .meta({ id: 'InvitationView' });
export type InvitationView = z.infer<typeof InvitationView>;

/** What accepting an invitation answers. */
export const InvitationAccepted = z
  .object({
    organisation: z.object({ id: z.string(), name: z.string() }),
    role: Role,
    email: z.string(),
    accountCreated: z.boolean().meta({ description: 'A new account was made with the chosen password, and signed in' }),
    csrfToken: z.string().nullable().meta({ description: 'The new session’s CSRF token (new accounts)' }),
  })
  .meta({ id: 'InvitationAccepted' });
export type InvitationAccepted = z.infer<typeof InvitationAccepted>;

/** An API token, never its secret. */
export const ApiToken = z
  .object({
    id: z.string(),
    name: z.string(),
    role: Role,
    createdBy: z.object({ id: z.string(), email: z.string() }),
    createdAt: z.string(),
    expiresAt: z.string(),
    lastUsedAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
    status: z.enum(['active', 'expired', 'revoked']),
    abilities: Abilities,
  })
  .meta({ id: 'ApiToken' });
export type ApiToken = z.infer<typeof ApiToken>;

export const ApiTokenList = z.object({ items: z.array(ApiToken), abilities: Abilities });
export type ApiTokenList = z.infer<typeof ApiTokenList>;

/** A new API token, with its secret this once. */
export const ApiTokenCreated = ApiToken.extend({ token: z.string().meta({ description: 'The secret, shown once' }) }).meta({ id: 'ApiTokenCreated' });
export type ApiTokenCreated = z.infer<typeof ApiTokenCreated>;

/** The security settings with what the caller may do to them. */
export const SecurityView = SecuritySettings.extend({ singleSignOn: SingleSignOnSettings, abilities: Abilities }).meta({ id: 'SecurityView' });
export type SecurityView = z.infer<typeof SecurityView>;

/** An audit entry as listed: its entity carries a name people read (null when nothing names it). */
export const AuditEntryView = AuditEntry.extend({
  entity: z.object({
    type: z.string(),
    id: z.string().nullable(),
    name: z.string().nullable().meta({ description: 'What the entity is called (in the language asked for), from the entry or from the organisation today' }),
  }),
}).meta({ id: 'AuditEntryView' });
export type AuditEntryView = z.infer<typeof AuditEntryView>;

/** A page of the audit trail, newest first. */
export const AuditPage = z.object({ items: z.array(AuditEntryView), nextCursor: z.string().nullable() });
export type AuditPage = z.infer<typeof AuditPage>;

export { AuditEntry, Invitation, Role, ROLES } from '../account.js';

/** The ways to sign in that the sign-in page offers. */
export const AuthOptions = z
  .object({
    password: z.literal(true),
    oidc: z
      .object({
        name: z.string().meta({ description: 'The provider as people know it: the button reads “Sign in with <name>”' }),
        start: z.string().meta({ description: 'Where the button leads (add ?returnTo=/path to land there afterwards)' }),
        // Both are in the address the button sends browsers to anyway; the client secret is never given.
        issuer: z.string().meta({ description: 'The provider’s issuer URL (REMPART_OIDC_ISSUER), for administrators setting up membership' }),
        clientId: z.string().meta({ description: 'This server’s client id at the provider (REMPART_OIDC_CLIENT_ID)' }),
      })
      .nullable()
      .meta({ description: 'The single sign-on provider; null when none is configured' }),
  })
  .meta({ id: 'AuthOptions' });
export type AuthOptions = z.infer<typeof AuthOptions>;
