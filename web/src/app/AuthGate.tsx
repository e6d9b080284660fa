// Pages of an organisation need a signed-in person: otherwise the sign-in page, and back here afterwards.
import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { useCaller } from '../lib/auth.js';

export function AuthGate({ children }: { children: ReactNode }) {
  // Not asked here: the page loads its data at once; a signed-out visitor's requests are refused (401), which
  // sets the caller to null (main.tsx), and the header asks who is signed in once the page has its data.
  const caller = useCaller(false);
  const location = useLocation();
  const next = encodeURIComponent(location.pathname + location.search + location.hash);
  if (caller.data === null) return <Navigate to={`/sign-in?next=${next}`} replace />;
  if (caller.data && caller.data !== 'open' && caller.data.user.passwordChangeRequired) return <Navigate to={`/sign-in?step=password&next=${next}`} replace />;
  // An unreachable server: the page itself says so.
  return <>{children}</>;
}
