/**
 * SASL/OAUTHBEARER on the server side (RFC 7628) with Kafka's default validator for unsecured
 * tokens (OAuthBearerUnsecuredValidatorCallbackHandler): the client's message is
 * `n,[a=<authzid>],^Aauth=Bearer <token>^A[key=value^A...]^A`, the token an unsigned JWS
 * (`{"alg":"none"}` header, empty signature) whose principal claim (`sub` unless
 * unsecuredValidatorPrincipalClaimName says otherwise) names the user and whose `exp` (seconds)
 * must not have passed (allowing unsecuredValidatorAllowableClockSkewMs); with
 * unsecuredValidatorRequiredScope, the scope claim must hold every listed scope. A refused token
 * is answered, as RFC 7628 asks, with a JSON error challenge (`{"status":"invalid_token"}`); the
 * client acknowledges it with ^A and the exchange fails with the reason.
 * Tokens signed by an identity provider (JWKS) are not verified here.
 */
import { failed, type SaslServer, type SaslStep } from './sasl-server.js';

export interface UnsecuredValidatorOptions {
  principalClaim: string;
  scopeClaim: string;
  requiredScope: string[];
  clockSkewMs: number;
}

export function unsecuredValidatorOptions(jaasOptions: Record<string, string>): UnsecuredValidatorOptions {
  return {
    principalClaim: jaasOptions.unsecuredValidatorPrincipalClaimName ?? 'sub',
    scopeClaim: jaasOptions.unsecuredValidatorScopeClaimName ?? 'scope',
    requiredScope: (jaasOptions.unsecuredValidatorRequiredScope ?? '').split(/[\s,]+/).filter((s) => s !== ''),
    clockSkewMs: Number(jaasOptions.unsecuredValidatorAllowableClockSkewMs ?? 0) || 0,
  };
}

const SEP = '\u0001';

function decodePart(part: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown;
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The user and expiry of a valid unsecured token, or why it is not one. */
export function validateUnsecuredToken(token: string, o: UnsecuredValidatorOptions, now: number): { user: string; expiresAt: number } | string {
  const parts = token.split('.');
  if (parts.length !== 3) return 'the token is not a JWS (three dot-separated parts)';
  const header = decodePart(parts[0]!);
  const claims = decodePart(parts[1]!);
  if (!header || !claims) return 'the token\'s header or claims are not base64url-encoded JSON objects';
  if (header.alg !== 'none') return `the unsecured validator accepts only alg "none", not ${JSON.stringify(header.alg)}`;
  if (parts[2] !== '') return 'an unsecured token has no signature';
  const user = claims[o.principalClaim];
  if (typeof user !== 'string' || user === '') return `the token has no ${o.principalClaim} claim`;
  const exp = claims.exp;
  if (typeof exp !== 'number') return 'the token has no exp claim';
  const expiresAt = exp * 1000;
  if (expiresAt + o.clockSkewMs <= now) return 'the token has expired';
  if (typeof claims.iat === 'number' && claims.iat * 1000 - o.clockSkewMs > now) return 'the token was issued in the future';
  if (o.requiredScope.length > 0) {
    const raw = claims[o.scopeClaim];
    const scopes = Array.isArray(raw) ? raw.map(String) : typeof raw === 'string' ? raw.split(' ') : [];
    const missing = o.requiredScope.filter((s) => !scopes.includes(s));
    if (missing.length > 0) return `the token lacks the required scope ${missing.join(' ')}`;
  }
  return { user, expiresAt };
}

export class OAuthBearerSaslServer implements SaslServer {
  readonly mechanism = 'OAUTHBEARER';
  private pendingFailure: string | undefined;
  private over = false;

  constructor(private readonly options: UnsecuredValidatorOptions, private readonly now: () => number) {}

  step(token: Buffer): SaslStep {
    if (this.over) return failed('Authentication failed: the OAUTHBEARER exchange is over');
    const text = token.toString('utf8');
    if (this.pendingFailure !== undefined) {
      this.over = true;
      return failed(`Authentication failed: ${this.pendingFailure}`);
    }
    const m = /^n,(?:a=([^,]*))?,\u0001(.*)\u0001$/s.exec(text);
    if (!m) {
      this.over = true;
      return failed('Invalid OAUTHBEARER client first message');
    }
    const pairs = new Map(m[2]!.split(SEP).filter((p) => p !== '').map((p) => {
      const i = p.indexOf('=');
      return [p.slice(0, i), p.slice(i + 1)] as [string, string];
    }));
    const auth = pairs.get('auth');
    const bearer = auth && /^Bearer (\S+)$/i.exec(auth);
    if (!bearer) {
      this.over = true;
      return failed('Invalid OAUTHBEARER client first message: no auth=Bearer token');
    }
    const checked = validateUnsecuredToken(bearer[1]!, this.options, this.now());
    if (typeof checked === 'string') return this.challengeFailure(checked);
    if (m[1] && m[1] !== checked.user) return this.challengeFailure('the authorization id differs from the token\'s principal');
    this.over = true;
    return { kind: 'done', token: Buffer.alloc(0), user: checked.user, expiresAt: checked.expiresAt };
  }

  /** RFC 7628: an error is sent as a challenge; the client answers ^A and then the exchange fails. */
  private challengeFailure(reason: string): SaslStep {
    this.pendingFailure = reason;
    const scope = this.options.requiredScope.length > 0 ? { scope: this.options.requiredScope.join(' ') } : {};
    return { kind: 'challenge', token: Buffer.from(JSON.stringify({ status: 'invalid_token', ...scope }), 'utf8') };
  }
}
