// The catalog of domain errors: stable codes, their HTTP status and meaning, mapped to HTTP in one place.
import type { Problem } from './model/problem.js';

export const ERROR_CATALOG = {
  invalid_input: { status: 400, description: 'The request or file does not match the schema; details name each field, rule and value.' },
  invalid_reference: { status: 400, description: 'The data refers to an id that does not exist in the organisation, or breaks another model rule.' },
  unauthenticated: { status: 401, description: 'Sign in or send a valid API token (the session may have ended, or wait for its second factor).' },
  invalid_credentials: { status: 401, description: 'The e-mail address and password, or the second-factor code, do not match.' },
  forbidden: { status: 403, description: 'Your role does not allow this action.' },
  csrf_failed: {
    status: 403,
    description: 'A change sent with a session cookie must carry the session’s x-csrf-token header (from sign-in or GET /api/auth/me).',
  },
  mfa_required: { status: 403, description: 'The organisation requires a second factor for your role: enrol one (POST /api/auth/mfa/enrol) before going on.' },
  password_change_required: { status: 403, description: 'Choose a new password (POST /api/auth/password) before going on.' },
  not_found: { status: 404, description: 'No such organisation, item or route.' },
  link_gone: { status: 410, description: 'The link token existed but no longer opens anything; the rule says why: expired, revoked or used (up).' },
  duplicate_id: { status: 409, description: 'An item with this id already exists in the organisation.' },
  model_invalid: {
    status: 409,
    description: 'The stored model or scenario breaks a simulation rule (RTO above MTPD, cycle, unknown id); details say what to fix first.',
  },
  in_use: { status: 409, description: 'The item is still referred to by others; details list them.' },
  conflict: {
    status: 409,
    description: 'The request does not fit the current state (the last owner, a second factor already enrolled, no sign-in step waiting).',
  },
  unsupported_media_type: { status: 415, description: 'The body is not in a format this route accepts.' },
  payload_too_large: { status: 413, description: 'The body is larger than the server accepts.' },
  rate_limited: { status: 429, description: 'Too many requests or failed attempts; retry after the number of seconds in the Retry-After header.' },
  data_folder_locked: { status: 500, description: 'Another Rempart process is using the embedded data folder.' },
  migration_mismatch: { status: 500, description: 'The database migration history does not match this version of Rempart.' },
  database_unavailable: { status: 503, description: 'The database cannot be reached.' },
  internal: { status: 500, description: 'An unexpected error; it has been logged.' },
} as const;

export type ErrorCode = keyof typeof ERROR_CATALOG;

/** An error the user can act on: a stable code, a sentence and, for bad input, the problems. */
export class RempartError extends Error {
  readonly code: ErrorCode;
  readonly details: Problem[];
  /** Seconds to wait before retrying (`rate_limited`), sent as the Retry-After header. */
  readonly retryAfter?: number;
  constructor(code: ErrorCode, message: string, details: Problem[] = [], options: { retryAfter?: number } = {}) {
    super(message);
    this.name = 'RempartError';
    this.code = code;
    this.details = details;
    if (options.retryAfter !== undefined) this.retryAfter = options.retryAfter;
  }
  get status(): number {
    return ERROR_CATALOG[this.code].status;
  }
  toJSON(): { error: { code: ErrorCode; message: string; details: Problem[] } } {
    return { error: { code: this.code, message: this.message, details: this.details } };
  }
}
