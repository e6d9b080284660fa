// Single sign-on over HTTP: what the sign-in page offers, the start (to the provider) and the callback (from it).
// The browser is sent back to the sign-in page with the rule of a refusal; a success lands on the page asked for.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AuthOptions } from '../../model/contract/access.js';
import { recordProviderFailure, signInWithProvider, SingleSignOnRefused, type ProviderIdentity } from '../../operations/single-sign-on.js';
import { RempartError } from '../../errors.js';
import { setSessionCookie } from '../access.js';
import { FLOW_SECONDS, openFlow, sealFlow, type OidcProvider } from '../oidc.js';
import { ERRORS } from './shared.js';

const tags = ['auth'];
const FLOW_COOKIE = 'rempart_sso';
const SIGN_IN_PAGE = '/sign-in';

/** A path of this application to land on; anything else (another site, `//host`) lands on the home page. */
const ReturnTo = z
  .string()
  .max(500)
  .refine((path) => path.startsWith('/') && !path.startsWith('//') && !path.startsWith('/\\'), { message: 'a path of this site, starting with /' });

const redirect = z.null().meta({ description: 'No body: the Location header says where the browser goes.' });

function flowCookieOptions(request: FastifyRequest) {
  // Lax: the cookie comes back on the provider's top-level redirect, not on requests other sites make in the background.
  return { path: '/api/auth/oidc', httpOnly: true, sameSite: 'lax' as const, secure: request.protocol === 'https' };
}

function origin(request: FastifyRequest) {
  return { ip: request.ip, userAgent: typeof request.headers['user-agent'] === 'string' ? request.headers['user-agent'] : null };
}

function notConfigured(): RempartError {
  return new RempartError('not_found', 'Single sign-on is not configured on this server (REMPART_OIDC_ISSUER).', [
    { path: 'oidc', rule: 'configured', value: null, message: 'sign in with a password' },
  ]);
}

/** The claims this server reads, as the provider may send them (some send e-mail_verified as text). */
function identityOf(issuer: string, claims: Record<string, unknown>): ProviderIdentity {
  const text = (value: unknown) => (typeof value === 'string' && value.length <= 320 ? value : null);
  return {
    issuer,
    subject: String(claims.sub),
    email: text(claims.email),
    emailVerified: claims.email_verified === true || claims.email_verified === 'true',
    name: text(claims.name),
    claims,
  };
}

export const singleSignOnRoutes: FastifyPluginAsyncZod<{ provider?: OidcProvider | null }> = async (app, options) => {
  const provider = options.provider ?? null;
  const { sessions, secretKey, signInPerMinute } = app.access;

  app.get(
    '/auth/options',
    {
      config: { policy: { access: 'public' } },
      schema: {
        tags,
        summary: 'The ways to sign in on this server: passwords, and the single sign-on provider when one is configured',
        response: { 200: AuthOptions, ...ERRORS },
      },
    },
    async () => ({
      password: true as const,
      oidc: provider
        ? { name: provider.options.name, start: '/api/auth/oidc/start', issuer: provider.options.issuer, clientId: provider.options.clientId }
        : null,
    }),
  );

  app.get(
    '/auth/oidc/start',
    {
      config: { policy: { access: 'public' }, rateLimit: { max: signInPerMinute * 3, timeWindow: '1 minute' } },
      schema: {
        tags,
        summary: 'Sign in with the single sign-on provider: sends the browser there (authorization code flow with PKCE)',
        description:
          'Sets a short-lived sealed cookie (state, nonce, PKCE verifier) and answers 302 to the provider, which sends the browser back to /api/auth/oidc/callback. 404 when no provider is configured.',
        querystring: z.object({ returnTo: ReturnTo.optional() }).strict(),
        response: { 302: redirect, ...ERRORS },
      },
    },
    async (request, reply) => {
      if (!provider) throw notConfigured();
      let begun: Awaited<ReturnType<OidcProvider['begin']>>;
      try {
        begun = await provider.begin(request.query.returnTo ?? '/', sessions.now());
      } catch (error) {
        request.log.warn({ err: error }, 'the single sign-on provider could not be reached');
        return back(reply, 'provider_unavailable');
      }
      void reply.setCookie(FLOW_COOKIE, sealFlow(secretKey, begun.flow), { ...flowCookieOptions(request), maxAge: FLOW_SECONDS });
      return reply.code(302).header('location', begun.url.href).send(null);
    },
  );

  app.get(
    '/auth/oidc/callback',
    {
      config: { policy: { access: 'public' }, rateLimit: { max: signInPerMinute * 3, timeWindow: '1 minute' } },
      schema: {
        tags,
        summary: 'Where the provider sends the browser back: checks its answer and opens the session',
        description:
          'Answers 302: to the page asked for at the start (or to the sign-in page for the second factor of a person who has one), or to the sign-in page with `sso_error` naming the rule that failed (state, provider_refused, token, email_missing, email_unverified, domain).',
        querystring: z
          .object({
            code: z.string().min(1).max(2048).optional(),
            state: z.string().min(1).max(512).optional(),
            iss: z.string().max(2048).optional(),
            error: z.string().max(200).optional(),
            error_description: z.string().max(1000).optional(),
          })
          // Providers add parameters of their own (session_state…): passed on to the checks, each bounded.
          .catchall(z.string().max(2048)),
        response: { 302: redirect, ...ERRORS },
      },
    },
    async (request, reply) => {
      if (!provider) throw notConfigured();
      const now = sessions.now();
      const flow = openFlow(secretKey, request.cookies[FLOW_COOKIE], now);
      // One use: whatever happens next, this browser starts again for another try.
      void reply.clearCookie(FLOW_COOKIE, flowCookieOptions(request));
      const fail = async (rule: string, detail?: string) => {
        await recordProviderFailure(app.db, { issuer: provider.options.issuer, rule, detail }, origin(request));
        return back(reply, rule);
      };
      if (!flow || request.query.state !== flow.state) return fail('state');
      if (request.query.error) return fail('provider_refused', request.query.error);
      const callbackUrl = new URL(provider.options.redirectUri);
      callbackUrl.search = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : '';
      let answer: { issuer: string; claims: Record<string, unknown> };
      try {
        answer = await provider.finish(callbackUrl, flow);
      } catch (error) {
        const reason = describeFailure(error);
        request.log.warn({ reason }, 'single sign-on: the provider’s answer was refused');
        return fail('token', reason);
      }
      try {
        const issued = await signInWithProvider(app.db, sessions, identityOf(answer.issuer, answer.claims), {
          ...origin(request),
          previousToken: request.cookies.rempart_session,
        });
        setSessionCookie(request, reply, issued, sessions.now());
        // The second factor is asked on the sign-in page, which needs the session's CSRF token: in the fragment, never sent to a server.
        const target = issued.stage === 'mfa' ? `${SIGN_IN_PAGE}?step=code&next=${encodeURIComponent(flow.returnTo)}#csrf=${issued.csrfToken}` : flow.returnTo;
        return reply.code(302).header('location', target).send(null);
      } catch (error) {
        if (error instanceof SingleSignOnRefused) return back(reply, error.rule);
        throw error;
      }
    },
  );
};

/** Back to the sign-in page, which says why in the person's language. */
function back(reply: FastifyReply, rule: string) {
  return reply
    .code(302)
    .header('location', `${SIGN_IN_PAGE}?sso_error=${encodeURIComponent(rule)}`)
    .send(null);
}

/** Why the provider's answer was refused, for the log and the audit trail: the check that failed, never a token. */
function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return 'unknown';
  const { code, error: oauthError, cause } = error as { code?: string; error?: string; cause?: { message?: string } };
  const parts = [code ?? error.name, oauthError, error.message, cause?.message];
  return parts.filter(Boolean).join(': ').slice(0, 300);
}
