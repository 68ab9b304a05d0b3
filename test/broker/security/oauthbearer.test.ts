/**
 * SASL/OAUTHBEARER with Kafka's unsecured-token validator: a valid token names the user and
 * carries its expiry; expired, signed, claimless or under-scoped tokens get RFC 7628's error
 * challenge and then fail; the message format is checked.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OAuthBearerSaslServer, unsecuredValidatorOptions } from '../../../src/broker/security/sasl/oauthbearer-server.js';

const NOW = 1_700_000_000_000;
const b64 = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
const token = (claims: Record<string, unknown>, header: Record<string, unknown> = { alg: 'none' }, signature = ''): string => `${b64(header)}.${b64(claims)}.${signature}`;
const message = (t: string, authzid = ''): Buffer => Buffer.from(`n,${authzid ? `a=${authzid}` : ''},\u0001auth=Bearer ${t}\u0001\u0001`);
const server = (options: Record<string, string> = {}) => new OAuthBearerSaslServer(unsecuredValidatorOptions(options), () => NOW);

test('a valid unsecured token authenticates its subject and carries its expiry', () => {
  const out = server().step(message(token({ sub: 'alice', exp: NOW / 1000 + 60, iat: NOW / 1000 })));
  assert.deepEqual(out, { kind: 'done', token: Buffer.alloc(0), user: 'alice', expiresAt: NOW + 60_000 });
  const claim = server({ unsecuredValidatorPrincipalClaimName: 'client_id' }).step(message(token({ client_id: 'svc', exp: NOW / 1000 + 5 })));
  assert.equal((claim as { user: string }).user, 'svc');
});

test('refused tokens: an error challenge first (RFC 7628), then the failure with the reason', () => {
  const cases: [Record<string, string>, string, RegExp][] = [
    [{}, token({ sub: 'a', exp: NOW / 1000 - 1 }), /expired/],
    [{}, token({ sub: 'a', exp: NOW / 1000 + 60 }, { alg: 'RS256' }), /alg "none"/],
    [{}, token({ sub: 'a', exp: NOW / 1000 + 60 }, { alg: 'none' }, 'sig'), /no signature/],
    [{}, token({ exp: NOW / 1000 + 60 }), /no sub claim/],
    [{}, token({ sub: 'a' }), /no exp claim/],
    [{ unsecuredValidatorRequiredScope: 'kafka write' }, token({ sub: 'a', exp: NOW / 1000 + 60, scope: 'kafka' }), /lacks the required scope write/],
    [{}, 'not-a-jwt', /not a JWS/],
  ];
  for (const [options, t, reason] of cases) {
    const s = server(options);
    const first = s.step(message(t));
    assert.equal(first.kind, 'challenge', t);
    assert.equal(JSON.parse((first as { token: Buffer }).token.toString()).status, 'invalid_token');
    const second = s.step(Buffer.from('\u0001'));
    assert.equal(second.kind, 'failed');
    assert.match((second as { message: string }).message, reason);
  }
  // within the allowed clock skew an expired token still passes
  assert.equal(server({ unsecuredValidatorAllowableClockSkewMs: '5000' }).step(message(token({ sub: 'a', exp: NOW / 1000 - 2 }))).kind, 'done');
  // scope given as a list
  assert.equal(server({ unsecuredValidatorRequiredScope: 'x' }).step(message(token({ sub: 'a', exp: NOW / 1000 + 9, scope: ['x', 'y'] }))).kind, 'done');
});

test('malformed messages and a mismatched authorization id', () => {
  assert.match((server().step(Buffer.from('garbage')) as { message: string }).message, /Invalid OAUTHBEARER client first message/);
  assert.match((server().step(Buffer.from('n,,\u0001host=x\u0001\u0001')) as { message: string }).message, /no auth=Bearer token/);
  const s = server();
  assert.equal(s.step(message(token({ sub: 'alice', exp: NOW / 1000 + 60 }), 'bob')).kind, 'challenge');
});
