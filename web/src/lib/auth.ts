// Who is signed in (GET /api/auth/me), kept with the server state; a server without accounts answers 404: open.
import { useQuery, type QueryClient } from '@tanstack/react-query';
import type { Me, Membership, SignInResult } from '@shared/model/contract/access.js';
import { api, isApiError, setCsrfToken } from './api.js';

// The API's shapes, declared once in the contract (src/model/contract/access.ts).
export type { Me, Membership, SignInResult };

/** Signed in (Me), signed out (null), or a server without accounts ('open'). */
export type Caller = Me | null | 'open';

export const meKey = ['me'] as const;

export async function fetchCaller(): Promise<Caller> {
  try {
    const me = await api<Me>('/api/auth/me');
    setCsrfToken(me.csrfToken);
    return me;
  } catch (error) {
    if (isApiError(error) && error.status === 401) {
      setCsrfToken(null);
      return null;
    }
    if (isApiError(error) && error.status === 404) return 'open';
    throw error;
  }
}

/** Who is signed in; with `enabled` false, only what is already known (a refused request sets it to null). */
export function useCaller(enabled = true) {
  return useQuery({ queryKey: meKey, queryFn: fetchCaller, staleTime: 5 * 60_000, retry: 1, enabled });
}

/** After sign-in: the new caller, and nothing read under the previous one. */
export function signedIn(client: QueryClient, me: Me): void {
  setCsrfToken(me.csrfToken);
  client.removeQueries({ predicate: (query) => query.queryKey[0] !== meKey[0] });
  client.setQueryData(meKey, me);
}

/** After sign-out or an ended session: forget everything read. */
export function signedOut(client: QueryClient): void {
  setCsrfToken(null);
  client.removeQueries({ predicate: (query) => query.queryKey[0] !== meKey[0] });
  client.setQueryData(meKey, null);
}
