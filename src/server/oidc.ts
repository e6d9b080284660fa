// The deployment's OpenID Connect provider, as a client of it: discovery (once per process), the authorization
// request (code flow with PKCE, state and nonce) and the checks of its answer (openid-client does them all).
import * as client from 'openid-client';
import { decryptSecret, encryptSecret } from '../security/crypto.js';

export interface OidcOptions {
  /** The provider's issuer URL (its discovery document is under /.well-known/openid-configuration). */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** What the sign-in button says: "Sign in with <name>". */
  name: string;
  /** Where the provider sends people back: REMPART_PUBLIC_URL + CALLBACK_PATH, registered at the provider. */
  redirectUri: string;
}

export const CALLBACK_PATH = '/api/auth/oidc/callback';
/** Time allowed at the provider between leaving and coming back. */
export const FLOW_SECONDS = 600;

/** What the browser carries between the start and the callback, sealed with the server's key (it cannot read or change it). */
export interface Flow {
  state: string;
  nonce: string;
  verifier: string;
  /** A path of this site to land on after signing in. */
  returnTo: string;
  expiresAt: number;
}

const FLOW_CONTEXT = 'rempart:oidc-flow';

export function sealFlow(key: Buffer, flow: Flow): string {
  return encryptSecret(key, JSON.stringify(flow), FLOW_CONTEXT);
}

/** The flow a cookie carries; undefined when it is missing, altered, sealed by another key, or too old. */
export function openFlow(key: Buffer, sealed: string | undefined, now: number): Flow | undefined {
  if (!sealed || sealed.length > 2000) return undefined;
  try {
    const flow = JSON.parse(decryptSecret(key, sealed, FLOW_CONTEXT)) as Flow;
    return flow.expiresAt > now ? flow : undefined;
  } catch {
    return undefined;
  }
}

/** An issuer on this machine may speak plain HTTP (a provider in development or in tests); any other needs HTTPS. */
export function isLoopbackUrl(url: string): boolean {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

export class OidcProvider {
  private configuration: Promise<client.Configuration> | undefined;

  constructor(readonly options: OidcOptions) {}

  /** The provider's configuration, discovered at first use; a failed discovery is tried again at the next sign-in. */
  private discover(): Promise<client.Configuration> {
    this.configuration ??= client
      .discovery(new URL(this.options.issuer), this.options.clientId, this.options.clientSecret, undefined, {
        execute: this.options.issuer.startsWith('http:') && isLoopbackUrl(this.options.issuer) ? [client.allowInsecureRequests] : [],
        timeout: 10,
      })
      .catch((error: unknown) => {
        this.configuration = undefined;
        throw error;
      });
    return this.configuration;
  }

  /** The provider's address to send the browser to, and the flow to keep for the callback. */
  async begin(returnTo: string, now: number): Promise<{ url: URL; flow: Flow }> {
    const configuration = await this.discover();
    const flow: Flow = {
      state: client.randomState(),
      nonce: client.randomNonce(),
      verifier: client.randomPKCECodeVerifier(),
      returnTo,
      expiresAt: now + FLOW_SECONDS * 1000,
    };
    const url = client.buildAuthorizationUrl(configuration, {
      redirect_uri: this.options.redirectUri,
      scope: 'openid email profile',
      state: flow.state,
      nonce: flow.nonce,
      code_challenge: await client.calculatePKCECodeChallenge(flow.verifier),
      code_challenge_method: 'S256',
    });
    return { url, flow };
  }

  /**
   * Exchanges the code for tokens and checks them: state, PKCE verifier, the ID token's signature, issuer, audience,
   * expiry and nonce. Returns the ID token's claims; throws on any mismatch (a replayed code, a foreign nonce).
   */
  async finish(callbackUrl: URL, flow: Flow): Promise<{ issuer: string; claims: Record<string, unknown> }> {
    const configuration = await this.discover();
    const tokens = await client.authorizationCodeGrant(configuration, callbackUrl, {
      pkceCodeVerifier: flow.verifier,
      expectedState: flow.state,
      expectedNonce: flow.nonce,
      idTokenExpected: true,
    });
    const claims = tokens.claims();
    if (!claims) throw new Error('The provider sent no ID token.');
    return { issuer: configuration.serverMetadata().issuer, claims: { ...claims } };
  }
}
