// Who is acting: carried through a request (or a CLI command) so that every named command can record it in the audit trail.
import { AsyncLocalStorage } from 'node:async_hooks';
import { userInfo } from 'node:os';
import type { AuditActor } from '../model/account.js';

/** The author of a change and where it came from. */
export interface ActingContext {
  actor: AuditActor;
  /** Network address of the request (null for the CLI and background work). */
  source: string | null;
  /**
   * Writes a line to the log of the request being served (it carries the request id): a job queued by the request
   * says its id there, and the job's own log lines carry that job id, so the two join up without a column.
   */
  log?: (message: string, data: Record<string, unknown>) => void;
}

const storage = new AsyncLocalStorage<ActingContext>();

/** Work done outside any request or command: the server itself (job runner, first-run demo). */
export const SYSTEM: ActingContext = Object.freeze({ actor: Object.freeze({ type: 'system', id: null, label: 'rempart' }), source: null }) as ActingContext;

/** Runs `work` (and everything it awaits) as `context`. */
export function actAs<T>(context: ActingContext, work: () => T): T {
  return storage.run(context, work);
}

/** The current actor; `SYSTEM` when nothing set one. */
export function currentActing(): ActingContext {
  return storage.getStore() ?? SYSTEM;
}

/** The operator at a terminal: `rempart` commands act in the name of the operating-system user who runs them. */
export function cliActing(): ActingContext {
  let name = 'unknown';
  try {
    name = userInfo().username;
  } catch {
    // Some containers run under a uid without a name.
  }
  return { actor: { type: 'system', id: null, label: `cli:${name}` }, source: null };
}
