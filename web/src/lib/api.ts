// The HTTP client of the web app: JSON in and out, and the one error shape of the API as ApiError.
import type { Collection } from '@shared/model/organisation.js';
import type { Problem } from '@shared/model/problem.js';
import type { Page } from '@shared/model/contract/common.js';
import type { ErrorCode } from '@shared/model/contract/errors.js';
import type { ActivityComputed, ActivityView, EntityView, Finding, FindingsResponse, OrganisationView } from '@shared/model/contract/organisation.js';
import type { WithAbilities } from './abilities.js';

// The API's shapes, declared once in the contract (src/model/contract/): the web app imports their types only.
export type { ActivityComputed, ErrorCode, Finding, FindingsResponse, OrganisationView, Page, Problem };

/** An organisation as the API returns it. */
export type Organisation = OrganisationView;
/** An activity as the API presents it: the stored activity plus its computed BIA figures and the caller's abilities. */
export type PresentedActivity = ActivityView;
/** An item of a collection as the API returns it. */
export type Presented<C extends Collection> = EntityView<C>;
/** A page of a list, with what the caller may do on the list (`create`, `import`). */
export type ListPage<T> = Page<T> & WithAbilities;

/** A refusal from the API: `{error: {code, message, details}}`, or a network failure (`code: 'network'`). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: Problem[];
  /** Seconds to wait before trying again (429, from Retry-After). */
  readonly retryAfter?: number;
  constructor(status: number, code: string, message: string, details: Problem[] = [], retryAfter?: number) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
    if (retryAfter !== undefined) this.retryAfter = retryAfter;
  }
}

/** The header the server wants with every change made under a session cookie. */
export const CSRF_HEADER = 'x-csrf-token';
let csrfToken: string | null = null;

/** Remembers the session's CSRF token (from sign-in or GET /api/auth/me), kept in memory only. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** A plain value is sent as JSON; a Blob or ArrayBuffer is sent as is with `contentType`. */
  body?: unknown;
  contentType?: string;
  signal?: AbortSignal;
}

/** Calls the API and returns the parsed JSON (undefined for 204); throws ApiError on refusal. */
export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  try {
    return await request<T>(path, options);
  } catch (error) {
    // A session opened in another tab has its own token: read the current one and try once more.
    if (isApiError(error) && error.code === 'csrf_failed') {
      const me = await request<{ csrfToken: string | null }>('/api/auth/me', {}).catch(() => null);
      if (me?.csrfToken) {
        setCsrfToken(me.csrfToken);
        return request<T>(path, options);
      }
    }
    throw error;
  }
}

async function request<T>(path: string, options: RequestOptions): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if ((options.method ?? 'GET') !== 'GET' && csrfToken) headers[CSRF_HEADER] = csrfToken;
  let body: BodyInit | undefined;
  if (options.body instanceof Blob || options.body instanceof ArrayBuffer) {
    body = options.body;
    headers['content-type'] = options.contentType ?? 'application/octet-stream';
  } else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] = 'application/json';
  }
  let response: Response;
  try {
    response = await fetch(path, { method: options.method ?? 'GET', headers, body, signal: options.signal });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiError(0, 'network', (error as Error).message);
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (!response.ok) {
    const error = (json as { error?: { code?: string; message?: string; details?: Problem[] } } | undefined)?.error;
    const retry = Number(response.headers.get('retry-after'));
    throw new ApiError(
      response.status,
      error?.code ?? 'http_' + response.status,
      error?.message ?? response.statusText,
      error?.details ?? [],
      Number.isFinite(retry) && retry > 0 ? retry : undefined,
    );
  }
  return json as T;
}

/** `/api/orgs/demo/…` with the organisation id escaped. */
export function orgPath(org: string, rest = ''): string {
  return `/api/orgs/${encodeURIComponent(org)}${rest}`;
}

/** Query string from defined values only. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}
