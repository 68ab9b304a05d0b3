/**
 * ConnectionSession: who is on one connection and whether it may send requests yet — the one
 * place authentication sits on the request path (the Connection asks `admit` before decoding a
 * request body; the SaslHandshake and SaslAuthenticate handlers drive the exchange).
 *
 * Listeners without SASL: the principal is known when the connection is accepted (ANONYMOUS, or
 * from the client certificate on TLS) and every request is admitted.
 *
 * SASL listeners follow Kafka's SaslServerAuthenticator (KIP-43, KIP-152, KIP-368):
 *   awaiting handshake   ApiVersions and SaslHandshake only; anything else closes the connection
 *   authenticating       after SaslHandshake v1+: SaslAuthenticate requests carry the tokens;
 *                        after SaslHandshake v0: the next frames are raw tokens (no header),
 *                        answered with raw tokens
 *   authenticated        every request; with connections.max.reauth.ms the session expires, and
 *                        a client must re-authenticate (SaslHandshake + SaslAuthenticate, same
 *                        mechanism and user) before it, or its next other request closes the
 *                        connection
 * A failed authentication is answered SASL_AUTHENTICATION_FAILED with the reason after
 * connection.failed.authentication.delay.ms, then the connection is closed.
 *
 * Contract: owned by its Connection; event-loop only.
 */
import { ApiKey } from '../../protocol/generated/api-registry.js';
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import type { SaslAuthenticateResponse } from '../../protocol/generated/messages/SaslAuthenticateResponse.js';
import type { SaslHandshakeResponse } from '../../protocol/generated/messages/SaslHandshakeResponse.js';
import type { Clock } from '../../common/clock.js';
import type { ListenerSecurity } from './listener-security.js';
import { ANONYMOUS, userPrincipal, type KafkaPrincipal } from './principal.js';
import { newSaslServer, type ScramCredentialLookup } from './sasl/sasl-mechanisms.js';
import type { SaslServer } from './sasl/sasl-server.js';
import { usesSasl } from './security-protocol.js';

type State = 'awaiting-handshake' | 'authenticating' | 'authenticated';

export interface SessionDeps {
  clock: Clock;
  scramCredential: ScramCredentialLookup;
  /** connection.failed.authentication.delay.ms */
  failedAuthenticationDelayMs: number;
}

/** A raw SASL token's outcome (handshake v0 framing). */
export interface RawTokenOutcome {
  reply?: Buffer;
  close?: string;
}

export class ConnectionSession {
  private state: State;
  private sasl: SaslServer | undefined;
  private mechanism: string | undefined;
  private rawTokens = false;
  private expiresAt = Infinity;
  /** Set once the connection must close after its pending responses are written. */
  closeReason: string | undefined;

  constructor(
    readonly security: ListenerSecurity,
    private readonly deps: SessionDeps,
    /** The principal the transport established (TLS client certificate), if any. */
    private transportPrincipal: KafkaPrincipal = ANONYMOUS,
  ) {
    this.state = usesSasl(security.protocol) ? 'awaiting-handshake' : 'authenticated';
    this.principal = transportPrincipal;
  }

  principal: KafkaPrincipal;

  get authenticated(): boolean {
    return this.state === 'authenticated';
  }

  /** Whether the next frame is a raw SASL token rather than a request. */
  get expectsRawToken(): boolean {
    return this.state === 'authenticating' && this.rawTokens;
  }

  /** The largest frame accepted in the current state. */
  maxFrameBytes(configured: number): number {
    return this.state === 'authenticated' ? configured : Math.min(configured, this.security.maxReceiveBeforeAuth);
  }

  /** Why a request with this API key may not be served now (the connection then closes), or undefined. */
  admit(apiKey: number): string | undefined {
    if (this.state === 'authenticated') {
      if (this.deps.clock.now() < this.expiresAt || apiKey === ApiKey.SaslHandshake || apiKey === ApiKey.ApiVersions || apiKey === ApiKey.SaslAuthenticate) return undefined;
      return 'the SASL session expired (connections.max.reauth.ms) without re-authentication';
    }
    if (this.state === 'awaiting-handshake') {
      return apiKey === ApiKey.ApiVersions || apiKey === ApiKey.SaslHandshake ? undefined : `unexpected request (API key ${apiKey}) before SASL authentication`;
    }
    return apiKey === ApiKey.SaslAuthenticate ? undefined : `unexpected request (API key ${apiKey}) during SASL authentication`;
  }

  handshake(mechanism: string, version: number): SaslHandshakeResponse {
    const offered = this.security.saslMechanisms;
    if (!usesSasl(this.security.protocol)) {
      return { errorCode: ErrorCode.ILLEGAL_SASL_STATE, mechanisms: [] };
    }
    const reauthenticating = this.state === 'authenticated';
    if (this.state === 'authenticating' || (reauthenticating && mechanism !== this.mechanism)) {
      this.closeReason = reauthenticating ? `re-authentication must use ${this.mechanism}, not ${mechanism}` : 'a second SaslHandshake during authentication';
      return { errorCode: ErrorCode.ILLEGAL_SASL_STATE, mechanisms: offered };
    }
    const server = newSaslServer(mechanism, this.security, this.deps.scramCredential, () => this.deps.clock.now());
    if (!server) {
      this.closeReason = `SASL mechanism ${mechanism} is not enabled`;
      return { errorCode: ErrorCode.UNSUPPORTED_SASL_MECHANISM, mechanisms: offered };
    }
    this.sasl = server;
    this.mechanism = mechanism;
    this.rawTokens = version === 0;
    if (!reauthenticating) this.state = 'authenticating';
    return { errorCode: ErrorCode.NONE, mechanisms: offered };
  }

  async authenticate(token: Buffer, version: number): Promise<SaslAuthenticateResponse> {
    const empty = { authBytes: Buffer.alloc(0), sessionLifetimeMs: 0n };
    if (!this.sasl || this.rawTokens) {
      this.closeReason = 'SaslAuthenticate without a SaslHandshake v1+';
      return { errorCode: ErrorCode.ILLEGAL_SASL_STATE, errorMessage: 'Unexpected SaslAuthenticate request: no SaslHandshake (v1 or later) before it', ...empty };
    }
    const outcome = this.step(token);
    if (outcome.kind === 'failed') {
      await this.failureDelay();
      this.closeReason = `authentication failed: ${outcome.message}`;
      return { errorCode: ErrorCode.SASL_AUTHENTICATION_FAILED, errorMessage: outcome.message, ...empty };
    }
    const lifetime = outcome.kind === 'done' && version >= 1 && this.expiresAt !== Infinity ? BigInt(Math.max(0, this.expiresAt - this.deps.clock.now())) : 0n;
    return { errorCode: ErrorCode.NONE, errorMessage: null, authBytes: outcome.token, sessionLifetimeMs: lifetime };
  }

  /** A raw token after SaslHandshake v0: the reply to write as a raw frame, or why to close. */
  async rawToken(token: Buffer): Promise<RawTokenOutcome> {
    const outcome = this.step(token);
    if (outcome.kind === 'failed') {
      await this.failureDelay();
      return { close: `authentication failed: ${outcome.message}` };
    }
    return { reply: outcome.token };
  }

  private step(token: Buffer): { kind: 'challenge' | 'done'; token: Buffer; expiresAt?: number } | { kind: 'failed'; message: string } {
    const out = this.sasl!.step(token);
    if (out.kind !== 'done') return out;
    const reauthenticating = this.state === 'authenticated';
    if (reauthenticating && out.user !== this.principal.name) {
      return { kind: 'failed', message: `Cannot change principals during re-authentication from User:${this.principal.name} to User:${out.user}` };
    }
    this.principal = userPrincipal(out.user);
    this.state = 'authenticated';
    this.sasl = undefined;
    this.rawTokens = false;
    // with re-authentication on (KIP-368), the session ends at connections.max.reauth.ms or when the credential expires
    this.expiresAt = this.security.maxReauthMs > 0 ? Math.min(this.deps.clock.now() + this.security.maxReauthMs, out.expiresAt ?? Infinity) : Infinity;
    return out;
  }

  private failureDelay(): Promise<void> {
    const ms = this.deps.failedAuthenticationDelayMs;
    return ms > 0 ? new Promise((resolve) => this.deps.clock.schedule(ms, resolve)) : Promise.resolve();
  }
}
