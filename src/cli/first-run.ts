// The first way in: a demo owner with a random password on a laptop's first run, or the command that creates the first administrator.
import type { Kysely } from 'kysely';
import { createUser } from '../operations/accounts.js';
import { DEMO_ORG_ID } from '../operations/demo.js';
import { AccountRepository } from '../store/account-repository.js';
import type { Database } from '../store/schema.js';

/** The demo owner's address (the reserved .example domain: it can never be someone's real mailbox). */
export const DEMO_OWNER_EMAIL = 'owner@demo.rempart.example';

/** Whether the server listens on this machine only. */
export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare);
}

/**
 * What to tell the person who started the server, once, when there is no account yet. On a fresh embedded
 * database with the demo, listening on loopback only, a demo owner is created with a random password shown
 * this once. Anywhere else nobody gets in by default: the message says how to create the first administrator.
 */
export async function firstRunAccess(db: Kysely<Database>, options: { embedded: boolean; host: string; demoLoadedNow: boolean }): Promise<string | null> {
  if ((await new AccountRepository(db).countUsers()) > 0) return null;
  if (options.embedded && options.demoLoadedNow && isLoopback(options.host)) {
    const { generatedPassword } = await createUser(db, { email: DEMO_OWNER_EMAIL, displayName: 'Demo owner', membership: { org: DEMO_ORG_ID, role: 'owner' } });
    return ['Sign in to the demo organisation with (shown this once, keep it):', `  e-mail:   ${DEMO_OWNER_EMAIL}`, `  password: ${generatedPassword}`].join(
      '\n',
    );
  }
  const org = options.demoLoadedNow ? DEMO_ORG_ID : 'ORG';
  const create = `npx rempart user create --email you@example.com --org ${org} --role owner   (prints a password once; --password-stdin to choose it)`;
  return options.embedded
    ? ['No account exists yet. Stop the server (Ctrl+C) and create the first administrator:', `  ${create}`, 'then start it again.'].join('\n')
    : [
        'No account exists yet. Create the first administrator (the server may keep running):',
        `  ${create}`,
        'Without --org, sign in and create the organisation from the web app or POST /api/orgs.',
      ].join('\n');
}
