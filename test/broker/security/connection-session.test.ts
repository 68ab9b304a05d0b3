/**
 * The authentication gate of one connection (ConnectionSession) with a manual clock: what is
 * admitted in each state, the handshake's answers, the failure delay and close, raw tokens after
 * SaslHandshake v0, and session expiry and re-authentication (KIP-368).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../../../src/common/clock.js';
import { ApiKey } from '../../../src/protocol/generated/api-registry.js';
import { ErrorCode } from '../../../src/protocol/generated/error-codes.js';
import { ConnectionSession } from '../../../src/broker/security/connection-session.js';
import type { ListenerSecurity } from '../../../src/broker/security/listener-security.js';
import { parsePrincipalRules } from '../../../src/broker/security/tls-principal.js';

function security(over: Partial<ListenerSecurity> = {}): ListenerSecurity {
  return {
    listener: 'SASL_PLAINTEXT', protocol: 'SASL_PLAINTEXT', saslMechanisms: ['PLAIN', 'OAUTHBEARER'], plainUsers: new Map([['alice', 'pw'], ['bob', 'pw2']]), oauthBearerOptions: {},
    principalRules: parsePrincipalRules('DEFAULT'), maxReauthMs: 0, maxReceiveBeforeAuth: 524288, ...over,
  };
}

function session(over: Partial<ListenerSecurity> = {}, clock = new ManualClock()): { s: ConnectionSession; clock: ManualClock } {
  const s = new ConnectionSession(security(over), { clock, scramCredential: () => undefined, failedAuthenticationDelayMs: 100 });
  return { s, clock };
}

const plain = (user: string, pw: string): Buffer => Buffer.from(`\u0000${user}\u0000${pw}`);

test('a PLAINTEXT listener admits everything as ANONYMOUS and refuses a handshake with ILLEGAL_SASL_STATE', () => {
  const { s } = session({ protocol: 'PLAINTEXT', saslMechanisms: [] });
  assert.equal(s.admit(ApiKey.Produce), undefined);
  assert.deepEqual(s.principal, { type: 'User', name: 'ANONYMOUS' });
  assert.equal(s.handshake('PLAIN', 1).errorCode, ErrorCode.ILLEGAL_SASL_STATE);
});

test('before authentication only ApiVersions and SaslHandshake are admitted; frames are capped', () => {
  const { s } = session();
  assert.equal(s.admit(ApiKey.ApiVersions), undefined);
  assert.equal(s.admit(ApiKey.SaslHandshake), undefined);
  assert.match(s.admit(ApiKey.Metadata)!, /before SASL authentication/);
  assert.match(s.admit(ApiKey.SaslAuthenticate)!, /before SASL authentication/);
  assert.equal(s.maxFrameBytes(100 << 20), 524288);
});

test('handshake v1 then SaslAuthenticate: success names the user and opens every API', async () => {
  const { s } = session();
  assert.deepEqual(s.handshake('PLAIN', 1), { errorCode: ErrorCode.NONE, mechanisms: ['PLAIN', 'OAUTHBEARER'] });
  assert.match(s.admit(ApiKey.Metadata)!, /during SASL authentication/);
  const r = await s.authenticate(plain('alice', 'pw'), 2);
  assert.equal(r.errorCode, ErrorCode.NONE);
  assert.equal(r.sessionLifetimeMs, 0n);
  assert.deepEqual(s.principal, { type: 'User', name: 'alice' });
  assert.equal(s.admit(ApiKey.Produce), undefined);
  assert.equal(s.maxFrameBytes(100 << 20), 100 << 20);
  assert.equal(s.closeReason, undefined);
});

test('an unknown mechanism is UNSUPPORTED_SASL_MECHANISM and closes the connection', () => {
  const { s } = session();
  assert.deepEqual(s.handshake('SCRAM-SHA-256', 1), { errorCode: ErrorCode.UNSUPPORTED_SASL_MECHANISM, mechanisms: ['PLAIN', 'OAUTHBEARER'] });
  assert.match(s.closeReason!, /not enabled/);
});

test('a failed authentication is answered only after the delay, then the connection closes', async () => {
  const { s, clock } = session();
  s.handshake('PLAIN', 1);
  let answered = false;
  const pending = s.authenticate(plain('alice', 'wrong'), 1).then((r) => {
    answered = true;
    return r;
  });
  await new Promise((r) => setImmediate(r));
  assert.equal(answered, false);
  clock.advance(100);
  const r = await pending;
  assert.equal(r.errorCode, ErrorCode.SASL_AUTHENTICATION_FAILED);
  assert.equal(r.errorMessage, 'Authentication failed: Invalid username or password');
  assert.match(s.closeReason!, /authentication failed/);
  assert.equal(s.authenticated, false);
});

test('handshake v0: the next frame is a raw token, answered raw', async () => {
  const { s } = session();
  s.handshake('PLAIN', 0);
  assert.equal(s.expectsRawToken, true);
  assert.deepEqual(await s.rawToken(plain('bob', 'pw2')), { reply: Buffer.alloc(0) });
  assert.equal(s.expectsRawToken, false);
  assert.deepEqual(s.principal, { type: 'User', name: 'bob' });
  // SaslAuthenticate makes no sense in that framing
  const again = session().s;
  again.handshake('PLAIN', 0);
  assert.equal((await again.authenticate(plain('bob', 'pw2'), 1)).errorCode, ErrorCode.ILLEGAL_SASL_STATE);
});

test('connections.max.reauth.ms: the lifetime is announced, an expired session is refused, re-authentication renews it', async () => {
  const { s, clock } = session({ maxReauthMs: 10_000 });
  s.handshake('PLAIN', 1);
  assert.equal((await s.authenticate(plain('alice', 'pw'), 1)).sessionLifetimeMs, 10_000n);
  clock.advance(9_000);
  assert.equal(s.admit(ApiKey.Fetch), undefined);
  // re-authenticate before expiry: same mechanism and user
  assert.equal(s.handshake('PLAIN', 1).errorCode, ErrorCode.NONE);
  assert.equal(s.admit(ApiKey.Fetch), undefined); // requests keep flowing meanwhile
  assert.equal((await s.authenticate(plain('alice', 'pw'), 1)).errorCode, ErrorCode.NONE);
  clock.advance(9_000);
  assert.equal(s.admit(ApiKey.Fetch), undefined);
  clock.advance(1_001);
  assert.match(s.admit(ApiKey.Fetch)!, /session expired/);
});

test('re-authentication as another user fails', async () => {
  const { s, clock } = session({ maxReauthMs: 10_000 });
  s.handshake('PLAIN', 1);
  await s.authenticate(plain('alice', 'pw'), 1);
  s.handshake('PLAIN', 1);
  const pending = s.authenticate(plain('bob', 'pw2'), 1);
  clock.advance(100);
  const r = await pending;
  assert.equal(r.errorCode, ErrorCode.SASL_AUTHENTICATION_FAILED);
  assert.match(r.errorMessage!, /Cannot change principals during re-authentication/);
  assert.deepEqual(s.principal, { type: 'User', name: 'alice' });
});
